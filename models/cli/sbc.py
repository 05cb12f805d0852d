"""``reanalysis sbc`` (``make sbc``): simulation-based calibration of the sampled models.

Runs the cases of :data:`models.simulation.sbc.DEFAULT_CASES` (or ``--model`` and
``--prior`` chosen ones) with ``--replicates`` replicates each at the report's sampler
settings, writes ``reports/_output/sbc.json`` (:mod:`models.simulation.sbc_files`) and the
figure beside it (``sbc.png``), and prints one line per quantity (``--json``: the document
without the ranks). Exit status 0 whether or not calibration holds: a failure is a result,
stated in the output and in the report, not an error.
"""

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.core.errors import InputError

if TYPE_CHECKING:
    from models.simulation.sbc import SbcCase

FIGURE_SUFFIX = ".png"


def replicate_count(text: str | None) -> int:
    """``--replicates`` as a whole number of at least :data:`MIN_REPLICATES`."""
    from models.simulation.sbc import DEFAULT_REPLICATES, MIN_REPLICATES

    if text is None:
        return DEFAULT_REPLICATES
    cleaned = str(text).strip().replace("_", "").replace(",", "")
    if not cleaned.isdigit() or not MIN_REPLICATES <= int(cleaned) <= 100_000:
        raise InputError("--replicates", f"must be a whole number from {MIN_REPLICATES} to "
                         f"100,000, got {text!r}")
    return int(cleaned)


def chosen_cases(args: argparse.Namespace, replicates: int) -> list["SbcCase"]:
    """The cases ``--model`` and ``--prior`` ask for, with priors from ``--priors``."""
    from models.core.paths import resolve_input
    from models.priors.priors_file import load_priors
    from models.simulation.sbc import DEFAULT_CASES, MODELS, SbcCase

    models = MODELS if args.model in (None, "all") else (args.model,)
    if args.prior:
        pairs = [(model, name) for model in models for name in dict.fromkeys(args.prior)]
    else:
        pairs = [(model, name) for model, name in DEFAULT_CASES if model in models]
    priors = load_priors(resolve_input(args.priors))
    cases = []
    for model, name in pairs:
        if name not in priors.names:
            raise InputError("--prior", f"{name!r} is not a prior in {args.priors} (it has: "
                             f"{', '.join(priors.names)}); choose with --prior NAME")
        prior = priors.get(name)
        if prior.robust is not None:
            raise InputError("--prior", f"{name!r} is a robust (mixture) prior: SBC checks "
                             "the normal-prior models; choose a prior without a robust block")
        cases.append(SbcCase(model, name, prior.logistic, replicates=replicates))
    return cases


def run_sbc(cases: list["SbcCase"], priors_file: Path) -> Any:
    """Run every case and return the :class:`~models.simulation.sbc_files.SbcRun`."""
    from models.core.progress import say
    from models.core.provenance import file_sha256, git_commit, package_versions
    from models.mcmc.sampling import configure_compile_cache
    from models.simulation.sbc import run_case, sbc_code_fingerprint
    from models.simulation.sbc_files import SbcRun
    from models.simulation.sbc_summary import summarise_case

    configure_compile_cache()
    start = time.perf_counter()
    calibrations = []
    for case in cases:
        say(f"SBC: {case.model} model under the {case.prior_name} prior, "
            f"{case.replicates} replicates")
        calibrations.append(summarise_case(case, run_case(case)))
    return SbcRun(cases=tuple(calibrations),
                  created_utc=datetime.now(UTC).isoformat(timespec="seconds"),
                  run_seconds=time.perf_counter() - start, git_commit=git_commit(),
                  code_sha256=sbc_code_fingerprint(),
                  package_versions=package_versions(), priors_file=str(priors_file),
                  priors_sha256=file_sha256(priors_file))


def summary_lines(document: dict[str, Any]) -> list[str]:
    """One line per quantity, then the verdict."""
    lines = []
    for case in document["cases"]:
        lines.append(f"{case['model']} model, {case['prior']} prior: {case['replicates']} "
                     f"replicates, {case['fits_with_divergences']} with divergences, "
                     f"{case['fits_failing_diagnostics']} failing a diagnostic")
        for q in case["quantities"]:
            flag = "" if q["calibrated"] else "   NOT UNIFORM"
            lines.append(f"  {q['label']:<34} POT-C T = {q['statistic']:7.3f}   "
                         f"p = {q['p_value']:.3f}{flag}")
    test = document["test"]
    verdict = ("calibrated: every rank distribution is consistent with uniform"
               if document["calibrated"] else "CALIBRATION FAILED for the quantities marked")
    lines.append(f"{verdict} (level {test['per_test_level']:.4f} per test: "
                 f"{test['family_alpha']:g} family-wise over {test['tests']} tests)")
    return lines


def run(args: argparse.Namespace) -> None:
    """Check the arguments, run the cases, write the JSON and the figure, print a summary."""
    from models.cli.output import output_file
    from models.core.atomic import replacing, with_default_mode
    from models.core.paths import OUTPUT_DIR, resolve_input
    from models.report.sbc_view import sbc_figure
    from models.simulation.sbc_files import write_sbc

    out = output_file(args.out, "--out", OUTPUT_DIR / "sbc.json")
    cases = chosen_cases(args, replicate_count(args.replicates))
    sbc_run = run_sbc(cases, resolve_input(args.priors))
    document = write_sbc(out, sbc_run)
    figure_path = out.with_suffix(FIGURE_SUFFIX)
    figure = sbc_figure(sbc_run)
    with replacing(figure_path) as temporary:
        figure.savefig(temporary, format="png", dpi=110, bbox_inches="tight")
        with_default_mode(temporary)
    if args.json:
        for case in document["cases"]:
            for q in case["quantities"]:
                del q["ranks"]
        print(json.dumps(document, indent=1, allow_nan=True))
    else:
        print("\n".join(summary_lines(document)))
        print(f"wrote {out} and {figure_path} ({sbc_run.run_seconds:.0f} s)")
