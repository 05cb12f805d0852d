"""The ``reanalysis`` command line (also ``python -m models``): the parser and dispatch.

Each verb lives in its own module (:mod:`models.cli.fit`, :mod:`models.cli.priors`,
:mod:`models.cli.simulate`, :mod:`models.cli.report`, :mod:`models.cli.assurance`,
:mod:`models.cli.oc`, :mod:`models.cli.sbc`, :mod:`models.cli.slides`) and imports what it
needs when it runs, so ``reanalysis --help`` starts quickly. User mistakes (bad counts, bad priors,
unknown names, malformed files) print one line ``reanalysis: error: <field> <what is
wrong and what is allowed>`` and exit with status 2, without a traceback.
"""

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from models.cli import assurance, fit, oc, priors, report, sbc, simulate, slides
from models.core.errors import InputError
from models.core.paths import DEFAULT_PRIORS_FILE, TRIAL_COUNTS_FILE
from models.exact.errors import NumericalError
from models.report.render.errors import RenderError

EXIT_INPUT_ERROR = 2
EXIT_FAILURE = 1


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors (unknown flag, bad ``--seed``, missing
    ``--model``...) are one line on stderr and exit status 2, like an ``InputError``
    (``--help`` still prints the full usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT_ERROR, f"reanalysis: error: {message} (see {self.prog} --help)\n")


def _add_fit(commands: "argparse._SubParsersAction[OneLineParser]") -> None:
    parser = commands.add_parser("fit", help="fit one model to one outcome under one prior")
    parser.add_argument("--model", choices=["beta-binomial", "logistic", "normal"],
                        required=True)
    parser.add_argument("--outcome", default="remission",
                        help="outcome in the trial counts file (remission, response)")
    parser.add_argument("--prior", required=True, help="name of a prior in the priors file")
    parser.add_argument("--priors", default=str(DEFAULT_PRIORS_FILE), help="priors YAML file")
    parser.add_argument("--trial", default=None,
                        help=f"trial counts YAML file (default {TRIAL_COUNTS_FILE.name}; "
                        "not with --ipd)")
    parser.add_argument("--treatment", help="replace the treatment arm's counts: EVENTS/N")
    parser.add_argument("--control", help="replace the control arm's counts: EVENTS/N")
    parser.add_argument("--mcmc", action="store_true",
                        help="sample with PyMC instead of the exact answer (beta-binomial, "
                        "or logistic on counts)")
    parser.add_argument("--ipd", help="logistic: individual data CSV (fits the hs-CRP "
                        "interaction model)")
    parser.add_argument("--crp", help="logistic with --ipd: hs-CRP values in mg/L, e.g. 3,5,10")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=fit.run)


def _add_priors(commands: "argparse._SubParsersAction[OneLineParser]") -> None:
    parser = commands.add_parser("priors", help="show the named priors and what they imply")
    parser.add_argument("--priors", default=None,
                        help=f"priors YAML file (default {DEFAULT_PRIORS_FILE.name})")
    parser.set_defaults(func=priors.run)
    actions = parser.add_subparsers(dest="priors_action")
    calibrate = actions.add_parser(
        "calibrate", help="derive skeptical/enthusiastic priors; prints YAML to paste"
    )
    calibrate.add_argument("--placebo-rate", "--control-rate", dest="placebo_rate", type=float,
                           default=0.25,
                           help="assumed control-arm rate (0-1), not from the trial")
    calibrate.add_argument("--design-or", type=float, default=2.5,
                           help="design (hoped-for) odds ratio: > 1 when more events is "
                           "better, < 1 when fewer is (e.g. deaths)")
    calibrate.add_argument("--tail", type=float, default=0.05,
                           help="tail probability g, e.g. 0.05")
    calibrate.add_argument("--interaction-or", type=float, default=2.0,
                           help="interaction OR per SD of log hs-CRP exceeded with prob. g")
    calibrate.set_defaults(func=priors.run)
    meta_analytic = actions.add_parser(
        "map", help="a MAP prior for the control rate from historical control arms; prints "
        "YAML to paste")
    meta_analytic.add_argument("--historical", required=True,
                               help="historical controls YAML file (study, events, n, source)")
    meta_analytic.add_argument("--tau-sd", default="1",
                               help="half-normal scale of the between-trial SD on the "
                               "log-odds scale (default 1)")
    meta_analytic.add_argument("--json", action="store_true", help="print JSON, not YAML")
    meta_analytic.set_defaults(func=priors.run)


def _add_planning(commands: "argparse._SubParsersAction[OneLineParser]") -> None:
    """``assurance`` and ``oc``: the next trial's chance of success, exact by enumeration.
    Sizes, rates and thresholds are read as text and checked by the verb, so that a bad
    value is named with what is allowed."""
    from models.exact.success_rule import DEFAULT_SUCCESS_THRESHOLD

    threshold_help = ("success when the future trial's own P(benefit), flat Beta(1, 1) "
                      f"priors, exceeds this (default {DEFAULT_SUCCESS_THRESHOLD})")
    planned = commands.add_parser(
        "assurance", help="probability that a future trial succeeds, from this posterior")
    planned.add_argument("--outcome", required=True, help="outcome given as counts")
    planned.add_argument("--prior", required=True, help="name of a prior in the priors file")
    planned.add_argument("--n-per-arm", required=True, metavar="N",
                         help="future participants per arm (2 to 5,000)")
    planned.add_argument("--threshold", default=str(DEFAULT_SUCCESS_THRESHOLD), metavar="T",
                         help=threshold_help)
    planned.add_argument("--trial", default=None,
                         help=f"trial YAML file (default {TRIAL_COUNTS_FILE.name})")
    planned.add_argument("--priors", default=str(DEFAULT_PRIORS_FILE), help="priors YAML file")
    planned.add_argument("--json", action="store_true", help="print one JSON object")
    planned.set_defaults(func=assurance.run)

    fixed = commands.add_parser(
        "oc", help="power and type I error of the same success rule at fixed true rates")
    fixed.add_argument("--n-per-arm", required=True, metavar="N",
                       help="future participants per arm (2 to 5,000)")
    fixed.add_argument("--control-rate", required=True, metavar="P0",
                       help="true control rate (0-1)")
    fixed.add_argument("--treatment-rate", required=True, metavar="P1[,P2...]",
                       help="true treatment rate(s), comma-separated (0-1)")
    fixed.add_argument("--threshold", default=str(DEFAULT_SUCCESS_THRESHOLD), metavar="T",
                       help=threshold_help)
    fixed.add_argument("--direction", choices=["higher", "lower"], default="higher",
                       help="higher: more events is better; lower: fewer is (e.g. deaths)")
    fixed.add_argument("--json", action="store_true", help="print one JSON object")
    fixed.set_defaults(func=oc.run)


def _add_sbc(commands: "argparse._SubParsersAction[OneLineParser]") -> None:
    calibration = commands.add_parser(
        "sbc", help="simulation-based calibration of the sampled models (about 10 minutes)")
    calibration.add_argument("--model", choices=["interaction", "aggregate", "all"],
                             default="all", help="which sampled model (default: all)")
    calibration.add_argument("--prior", action="append", metavar="NAME",
                             help="a prior to check (repeatable; default: reference and "
                             "skeptical for the interaction model, reference for the "
                             "aggregate model)")
    calibration.add_argument("--replicates", default=None, metavar="N",
                             help="replicates per model and prior (default 500)")
    calibration.add_argument("--priors", default=str(DEFAULT_PRIORS_FILE),
                             help="priors YAML file")
    calibration.add_argument("--out", default=None,
                             help="JSON file to write (default reports/_output/sbc.json; "
                             "the figure goes beside it as .png)")
    calibration.add_argument("--json", action="store_true",
                             help="print the results as JSON (without the ranks)")
    calibration.set_defaults(func=sbc.run)


def build_parser() -> argparse.ArgumentParser:
    """The ``reanalysis`` parser; each verb's ``func`` runs it."""
    parser = OneLineParser(
        prog="reanalysis",
        description="Bayesian reanalysis of a two-arm trial with a binary outcome.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_fit(commands)
    _add_priors(commands)
    _add_planning(commands)

    simulation = commands.add_parser("simulate",
                                     help="regenerate the SIMULATED individual data")
    simulation.add_argument("--seed", type=int, default=None)
    simulation.add_argument("--out", help="CSV to write (default: data/simulated_ipd.csv)")
    simulation.set_defaults(func=simulate.run)

    rendering = commands.add_parser("report", help="render the HTML report")
    rendering.add_argument("--priors", default=str(DEFAULT_PRIORS_FILE),
                           help="priors YAML file")
    rendering.add_argument("--trial", default=str(TRIAL_COUNTS_FILE),
                           help="trial YAML file (counts or published estimates per outcome)")
    rendering.add_argument("--output", default=None, help="HTML file to write")
    rendering.add_argument("--force", action="store_true",
                           help="render even when the report is up to date")
    rendering.set_defaults(func=report.run)

    deck = commands.add_parser("slides", help="render the teaching slides (one HTML deck)")
    deck.add_argument("--priors", default=str(DEFAULT_PRIORS_FILE), help="priors YAML file")
    deck.add_argument("--trial", default=str(TRIAL_COUNTS_FILE),
                      help="trial YAML file (counts or published estimates per outcome)")
    deck.add_argument("--output", default=None, help="HTML file to write")
    deck.set_defaults(func=slides.run)
    _add_sbc(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; 0 on success, 2 (one line on stderr) for a user mistake, 1 (one line)
    when an exact computation cannot reach its stated accuracy or the render fails."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # a usage error (one line, status 2) or --help (status 0)
        if stop.code is None:
            return 0
        return stop.code if isinstance(stop.code, int) else EXIT_INPUT_ERROR
    try:
        args.func(args)
    except InputError as error:
        print(f"reanalysis: error: {error}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except (NumericalError, RenderError) as error:
        # Not the user's mistake, but theirs to read: one line (the full traceback of a
        # failed render is kept in RenderError.details), exit status 1.
        print(f"reanalysis: error: {' '.join(str(error).split())}", file=sys.stderr)
        return EXIT_FAILURE
    return 0


if __name__ == "__main__":
    sys.exit(main())
