"""The ``reanalysis`` command line (also ``python -m models``).

User mistakes (bad counts, bad priors, unknown names, malformed files) print one
line ``reanalysis: error: <field> <what is wrong and what is allowed>`` and exit
with status 2, without a traceback.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.core.errors import InputError
from models.core.paths import DEFAULT_PRIORS_FILE, TRIAL_COUNTS_FILE

EXIT_INPUT_ERROR = 2


def _threshold_key(d: float) -> str:
    return f"{d:g}"


def _interval_dict(interval: Any) -> dict[str, Any]:
    return interval.as_dict()


def _fit_beta_binomial(args: argparse.Namespace) -> dict[str, Any]:
    from models.exact.beta_binomial import fit_exact

    prior, counts = _prior_and_counts(args)
    out: dict[str, Any] = {
        "model": "beta-binomial",
        "outcome": counts.name,
        "prior": prior.name,
        "prior_label": prior.label,
        "counts": {"treatment": str(counts.treatment), "control": str(counts.control)},
    }
    exact = fit_exact(prior.beta_binomial, counts).summary
    if not args.mcmc:
        out.update(
            method="exact",
            p_benefit=exact.p_benefit.estimate,
            p_ard_greater={_threshold_key(d): p.estimate for d, p in exact.p_ard_greater.items()},
            odds_ratio=_interval_dict(exact.odds_ratio),
            risk_ratio=_interval_dict(exact.risk_ratio),
            risk_difference=_interval_dict(exact.risk_difference),
        )
        return out
    from models.core.progress import interactive, say
    from models.mcmc.beta_binomial import fit_mcmc

    say(f"sampling beta-binomial posterior ({counts.name}, prior {prior.name})...")
    mcmc = fit_mcmc(prior.beta_binomial, counts, progress=interactive())
    summary = mcmc.summary
    out.update(
        method="mcmc",
        p_benefit=summary.p_benefit.estimate,
        mcse_p_benefit=summary.p_benefit.mcse,
        p_ard_greater={_threshold_key(d): p.estimate for d, p in summary.p_ard_greater.items()},
        mcse_p_ard_greater={_threshold_key(d): p.mcse for d, p in summary.p_ard_greater.items()},
        odds_ratio=_interval_dict(summary.odds_ratio),
        risk_ratio=_interval_dict(summary.risk_ratio),
        risk_difference=_interval_dict(summary.risk_difference),
        diagnostics=mcmc.diagnostics.as_dict(),
        diagnostics_ok=mcmc.diagnostics.ok,
        sampler=mcmc.settings.as_dict(),
        exact_p_benefit=exact.p_benefit.estimate,
    )
    return out


def _prior_and_counts(args: argparse.Namespace):
    from models.data.trial import load_trial, parse_fraction
    from models.priors.priors_file import load_priors

    priors = load_priors(args.priors)
    prior = priors.get(args.prior)
    outcome = load_trial(args.trial).outcome(args.outcome)
    treatment = parse_fraction(args.treatment, "--treatment") if args.treatment else None
    control = parse_fraction(args.control, "--control") if args.control else None
    return prior, outcome.with_counts(treatment, control)


def _print_fit(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2))
        return
    lines = [
        f"{result['model']} | {result['outcome']} | prior {result['prior_label']} | "
        f"{result['method']}",
        f"  counts: treatment {result['counts']['treatment']}, "
        f"control {result['counts']['control']}",
        f"  P(treatment beats control) = {result['p_benefit']:.4f}"
        + (f" (MCSE {result['mcse_p_benefit']:.4f})" if "mcse_p_benefit" in result else ""),
    ]
    for d, p in result["p_ard_greater"].items():
        lines.append(f"  P(ARD > {d}) = {p:.4f}")
    for key, label in (("risk_difference", "ARD"), ("risk_ratio", "RR"), ("odds_ratio", "OR")):
        interval = result[key]
        lo, hi = interval["ci95"]
        lines.append(f"  {label}: median {interval['median']:.3f}, 95% interval "
                     f"{lo:.3f} to {hi:.3f}")
    if "diagnostics" in result:
        lines.append(f"  diagnostics: {result['diagnostics']}")
    print("\n".join(lines))


def cmd_fit(args: argparse.Namespace) -> None:
    if args.model == "beta-binomial":
        result = _fit_beta_binomial(args)
    else:
        from models.cli.fit_logistic import fit_logistic

        result = fit_logistic(args)
    _print_fit(result, args.json)


def cmd_priors(args: argparse.Namespace) -> None:
    if getattr(args, "priors_action", None) == "calibrate":
        cmd_priors_calibrate(args)
        return
    from models.priors.priors_file import load_priors
    from models.priors.statements import implied_statements

    priors = load_priors(args.priors)
    print(f"priors file: {priors.path} (sha256 {priors.sha256[:12]})")
    for prior in priors.priors.values():
        s = implied_statements(prior, priors.calibration)
        bb = prior.beta_binomial
        print(f"\n{prior.name}: {prior.label}\n  {prior.description}")
        print(f"  beta-binomial: treatment {bb.treatment}, control {bb.control}")
        print(f"    prior effective sample size: {s['bb_ess_treatment']:.1f} (treatment), "
              f"{s['bb_ess_control']:.1f} (control) participants")
        print(f"    prior P(ARD > 0) = {s['bb_p_benefit']:.3f}, P(ARD < 0) = {s['bb_p_harm']:.3f}"
              f", ARD median {s['bb_ard_median']:.3f} (95% {s['bb_ard_lower']:.3f} to "
              f"{s['bb_ard_upper']:.3f})")
        if "design_ard" in s:
            print(f"    prior P(ARD > design ARD {s['design_ard']:.3f}) = "
                  f"{s['bb_p_ard_above_design']:.3f}")
        lg = prior.logistic
        print(f"  logistic: intercept {lg.intercept}, treatment (log OR) {lg.treatment}, "
              f"biomarker {lg.biomarker}, interaction {lg.interaction}")
        print(f"    prior P(OR > 1) = {s['logistic_p_or_above_1']:.3f}, median OR "
              f"{s['logistic_or_median']:.2f}, effective sample size ~ {s['logistic_ess']:.0f}"
              " participants (approximation)")
        if "logistic_p_or_above_design" in s:
            print(f"    prior P(OR > design OR) = {s['logistic_p_or_above_design']:.3f}")


def cmd_priors_calibrate(args: argparse.Namespace) -> None:
    from models.priors.calibration import calibrated_priors, reference_prior
    from models.priors.prior_set import Calibration
    from models.priors.priors_file import parse_calibration, parse_priors, priors_yaml
    from models.priors.statements import implied_statements

    raw = {"placebo_rate": args.placebo_rate, "design_odds_ratio": args.design_or,
           "tail_probability": args.tail, "interaction_odds_ratio": args.interaction_or}
    # Validate through the same rules as a priors file, with the flag names in messages.
    flag = {"placebo_rate": "--placebo-rate", "design_odds_ratio": "--design-or",
            "tail_probability": "--tail", "interaction_odds_ratio": "--interaction-or"}
    try:
        calibration: Calibration = parse_calibration(raw, "calibration")
    except InputError as error:
        key = error.field.split(".")[-1]
        raise InputError(flag.get(key, error.field), error.message) from None
    priors = [reference_prior(), *calibrated_priors(calibration).values()]
    text = priors_yaml(priors, calibration)
    parse_priors(__import__("yaml").safe_load(text), Path("<calibrated>"))  # round-trip check
    print("# Statements met (prior probabilities):")
    for prior in priors[1:]:
        s = implied_statements(prior, calibration)
        print(f"#   {prior.name}: beta-binomial P(ARD > {s['design_ard']:.4f}) = "
              f"{s['bb_p_ard_above_design']:.4f}, P(ARD < 0) = {s['bb_p_harm']:.4f}; "
              f"logistic P(OR > {calibration.design_odds_ratio:g}) = "
              f"{s['logistic_p_or_above_design']:.4f}, P(OR < 1) = "
              f"{1 - s['logistic_p_or_above_1']:.4f}")
    print(text, end="")


def cmd_report(args: argparse.Namespace) -> None:
    from models.report.build import make_report

    output = make_report(priors_file=Path(args.priors), output=args.output)
    print(output)


def cmd_simulate(args: argparse.Namespace) -> None:
    from models.core.paths import SIMULATED_IPD_FILE
    from models.simulation.process import DEFAULT_SEED, write_simulated_data

    seed = DEFAULT_SEED if args.seed is None else args.seed
    out = Path(args.out) if args.out else SIMULATED_IPD_FILE
    write_simulated_data(seed, out)
    truth = out.with_name(f"{out.stem}_truth.json")
    print(f"wrote SIMULATED data (seed {seed}): {out} and {truth}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reanalysis",
        description="Bayesian reanalysis of a two-arm trial with a binary outcome.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    fit = commands.add_parser("fit", help="fit one model to one outcome under one prior")
    fit.add_argument("--model", choices=["beta-binomial", "logistic"], required=True)
    fit.add_argument("--outcome", default="remission",
                     help="outcome in the trial counts file (remission, response)")
    fit.add_argument("--prior", required=True, help="name of a prior in the priors file")
    fit.add_argument("--priors", default=str(DEFAULT_PRIORS_FILE), help="priors YAML file")
    fit.add_argument("--trial", default=str(TRIAL_COUNTS_FILE), help="trial counts YAML file")
    fit.add_argument("--treatment", help="replace the treatment arm's counts: EVENTS/N")
    fit.add_argument("--control", help="replace the control arm's counts: EVENTS/N")
    fit.add_argument("--mcmc", action="store_true",
                     help="beta-binomial: sample with PyMC instead of the exact answer")
    fit.add_argument("--ipd", help="logistic: individual data CSV (fits the hs-CRP "
                     "interaction model)")
    fit.add_argument("--crp", help="logistic with --ipd: hs-CRP values in mg/L, e.g. 3,5,10")
    fit.add_argument("--json", action="store_true", help="print one JSON object")
    fit.set_defaults(func=cmd_fit)

    priors = commands.add_parser("priors", help="show the named priors and what they imply")
    priors.add_argument("--priors", default=str(DEFAULT_PRIORS_FILE), help="priors YAML file")
    priors.set_defaults(func=cmd_priors)
    actions = priors.add_subparsers(dest="priors_action")
    calibrate = actions.add_parser(
        "calibrate", help="derive skeptical/enthusiastic priors; prints YAML to paste"
    )
    calibrate.add_argument("--placebo-rate", type=float, default=0.25,
                           help="assumed control-arm rate (0-1), not from the trial")
    calibrate.add_argument("--design-or", type=float, default=2.5,
                           help="design (hoped-for) odds ratio, > 1")
    calibrate.add_argument("--tail", type=float, default=0.05,
                           help="tail probability g, e.g. 0.05")
    calibrate.add_argument("--interaction-or", type=float, default=2.0,
                           help="interaction OR per SD of log hs-CRP exceeded with prob. g")
    calibrate.set_defaults(func=cmd_priors)

    simulate = commands.add_parser("simulate", help="regenerate the SIMULATED individual data")
    simulate.add_argument("--seed", type=int, default=None)
    simulate.add_argument("--out", help="CSV to write (default: data/simulated_ipd.csv)")
    simulate.set_defaults(func=cmd_simulate)

    report = commands.add_parser("report", help="render the HTML report")
    report.add_argument("--priors", default=str(DEFAULT_PRIORS_FILE), help="priors YAML file")
    report.add_argument("--output", default=None, help="HTML file to write")
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except InputError as error:
        print(f"reanalysis: error: {error}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
