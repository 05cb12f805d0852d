"""Benchmarks: ``make bench`` (``python -m benchmarks.run``) prints a table and writes JSON.

One file per benchmark; every ratio is measured side by side in one run (the two sides
alternate within each repeat) and every time is the median of several repeats
(:class:`benchmarks.common.Repeats`). Timing lives here and in ``BENCHMARKS.md``, never as
assertions in the tests.

1. ``grid`` (:mod:`benchmarks.grid`): a 10-prior grid of the aggregate logistic model, the
   compiled model re-used against a fresh ``pm.Model`` + ``pm.sample`` per prior.
2. ``render`` (:mod:`benchmarks.render`): ``make_report`` in-process (fallback renderer),
   cold against warm cache.
3. ``exact`` (:mod:`benchmarks.exact`): exact beta-binomial fits against MCMC, per named
   prior x outcome.
4. ``sensitivity`` (:mod:`benchmarks.sensitivity`): a 100 x 100 prior grid per outcome.
5. ``make-report`` (:mod:`benchmarks.make_report`): ``python -m models report`` as a
   subprocess: cold and warm renders, and with nothing changed (the up-to-date check).
6. ``assurance`` (:mod:`benchmarks.assurance`): one assurance at 400 per arm and the
   report's whole assurance figure, exact by enumeration.
7. ``bambi`` (:mod:`benchmarks.bambi`): the hs-CRP interaction model, ours against Bambi
   with the same priors and sampler settings, every named prior.
8. ``startup`` (:mod:`benchmarks.startup`): ``reanalysis fit --model beta-binomial`` in a
   fresh process.
9. ``suite`` (:mod:`benchmarks.suite`): ``make test`` as a subprocess (and ``make
   test-slow`` with ``--slow-suite``).
10. ``explorer`` (:mod:`benchmarks.explorer`): one update of the prior explorer's
    primary-model panel in headless Chromium, every named prior x outcome.

Compile caches (PyTensor, Numba) stay warm throughout: "cold" means a cold *result* cache,
as on the first render after ``make`` has set the environment up.
"""

import argparse
import dataclasses
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.assurance import bench_assurance
from benchmarks.bambi import bench_bambi
from benchmarks.common import BENCHMARKS, LABELS, QUICK, BenchResult, Repeats, Row
from benchmarks.exact import bench_exact_vs_mcmc
from benchmarks.explorer import bench_explorer
from benchmarks.grid import bench_grid
from benchmarks.make_report import bench_make_report
from benchmarks.output import (
    BENCH_FILE,
    format_table,
    load_average,
    payload,
    table_rows,
    write_json,
)
from benchmarks.render import bench_render
from benchmarks.sensitivity import bench_sensitivity
from benchmarks.startup import bench_startup
from benchmarks.suite import bench_suite
from models.core.paths import DEFAULT_PRIORS_FILE
from models.data.trial import Trial, load_trial
from models.mcmc.sampling import configure_compile_cache
from models.priors.prior_set import PriorSet
from models.priors.priors_file import load_priors


def run(names: Sequence[str], repeats: Repeats, trial: Trial,
        prior_set: PriorSet, slow_suite: bool = False) -> list[BenchResult]:
    """Run the named benchmarks in a fixed order (:data:`benchmarks.common.BENCHMARKS`)."""
    steps: dict[str, Callable[[], BenchResult]] = {
        "startup": lambda: bench_startup(repeats.startup),
        "bambi": lambda: bench_bambi(prior_set),
        "suite": lambda: bench_suite(slow_suite),
        "exact": lambda: bench_exact_vs_mcmc(trial, prior_set, repeats.exact, repeats.mcmc),
        "sensitivity": lambda: bench_sensitivity(trial, prior_set, repeats.sensitivity),
        "grid": lambda: bench_grid(trial, prior_set, repeats.grid),
        "render": lambda: bench_render(repeats.render),
        "make-report": lambda: bench_make_report(repeats.make_report),
        "assurance": lambda: bench_assurance(trial, prior_set, repeats.assurance),
        "explorer": lambda: bench_explorer(trial, prior_set, repeats.explorer),
    }
    return [run_step(name, steps[name]) for name in BENCHMARKS if name in names]


def run_step(name: str, step: Callable[[], BenchResult]) -> BenchResult:
    """Run one benchmark; a failure is recorded (row verdict ERROR), not fatal to the rest."""
    try:
        return step()
    except Exception as error:  # noqa: BLE001 - one broken benchmark must not lose the others
        message = f"{type(error).__name__}: {error}"
        print(f"bench: {name} failed: {message}", file=sys.stderr)
        first_line = message.splitlines()[0][:70]
        return BenchResult(name, {"error": message},
                           [Row(LABELS[name], f"failed ({first_line})", None, "", "", "ERROR")])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """``--quick``, ``--repeats N``, ``--only NAME...``, ``--output FILE``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run",
                                     description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="one repeat of every slow measurement (a smoke run)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="repeats of the slow measurements (grid, MCMC, renders)")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS),
                        help="run only these benchmarks")
    parser.add_argument("--output", type=Path, default=BENCH_FILE, help="JSON file to write")
    parser.add_argument("--slow-suite", action="store_true",
                        help="also time make test-slow (about half an hour)")
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be >= 1")
    return args


def chosen_repeats(args: argparse.Namespace) -> Repeats:
    """The repeat counts: defaults, ``--quick``'s, and ``--repeats`` for the slow ones."""
    base = QUICK if args.quick else Repeats()
    if args.repeats is None:
        return base
    n = args.repeats
    return dataclasses.replace(base, grid=n, render=n, mcmc=n, make_report=n)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks, print the table, write the JSON; exit status 1 if any failed."""
    args = parse_args(argv)
    configure_compile_cache()
    repeats = chosen_repeats(args)
    load_at_start = load_average()
    results = run(args.only, repeats, load_trial(), load_priors(DEFAULT_PRIORS_FILE),
                  args.slow_suite)
    print(format_table(table_rows(results)))
    path = write_json(payload(results, repeats, args.quick, load_at_start), args.output)
    print(f"\nwritten: {path}")
    return 1 if any("error" in r.details for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
