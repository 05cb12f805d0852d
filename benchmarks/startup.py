"""Benchmark 8: how long a user waits for the command line: ``reanalysis fit --model
beta-binomial`` (exact; its answer takes milliseconds, so this is start-up: the
interpreter and the imports the command needs) in a fresh process, target under 0.5 s."""

import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.common import LABELS, BenchResult, Row, below, timed
from models.core.paths import ROOT

STARTUP_TARGET_S = 0.5
FIT_ARGUMENTS = ("fit", "--model", "beta-binomial", "--outcome", "remission",
                 "--prior", "reference")


def fit_command() -> list[str]:
    """The installed ``reanalysis`` script beside this interpreter (``python -m models``
    where it is missing)."""
    script = Path(sys.executable).parent / "reanalysis"
    base = [str(script)] if script.is_file() else [sys.executable, "-m", "models"]
    return [*base, *FIT_ARGUMENTS]


def bench_startup(repeats: int) -> BenchResult:
    """Median wall time of the command, after one unmeasured run (files in the OS cache)."""
    command = fit_command()

    def run() -> None:
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)

    run()
    times = [timed(run) for _ in range(max(repeats, 1))]
    median = statistics.median(times)
    row = Row(LABELS["startup"], "reanalysis fit --model beta-binomial (fresh process)",
              median, "s", f"< {STARTUP_TARGET_S:g} s", below(median, STARTUP_TARGET_S))
    return BenchResult("startup", {"command": " ".join(command[-len(FIT_ARGUMENTS) - 1:]),
                                   "times": times, "median_s": median}, [row])
