"""Benchmark 5: ``python -m models report`` (what ``make report`` runs) in a fresh
interpreter: a cold render (fresh result cache: every posterior and the simulation study
computed), a warm one (``--force``, same cache: nothing sampled) and ``make report`` with
nothing changed (the up-to-date check, no render), against the speed issue's targets."""

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.cold_warm import cold_warm
from benchmarks.common import LABELS, BenchResult, Row, below
from models.core.cache_root import DIRECTORY_ENV, DISABLE_ENV
from models.core.paths import DEFAULT_PRIORS_FILE, ROOT
from models.report.render.choice import RENDERER_ENV

COLD_TARGET_S = 40.0
"""Target for a render with a cold result cache, after install (s)."""
WARM_TARGET_S = 10.0
"""Target for a render with every posterior cached (s)."""
UP_TO_DATE_TARGET_S = 2.0
"""Target for ``make report`` when no input changed (s)."""
UP_TO_DATE_REPEATS = 5


def report_command(priors_file: Path, output: Path, *, force: bool) -> list[str]:
    return [sys.executable, "-m", "models", "report", "--priors", str(priors_file),
            "--output", str(output), *(["--force"] if force else [])]


def run_report(priors_file: Path, output: Path, cache_dir: Path, *,
               force: bool = True) -> str:
    """``python -m models report`` in a fresh interpreter with the cache root
    ``cache_dir``; its stderr. Raises RuntimeError with the end of its stderr when it
    fails."""
    env = {**os.environ, DIRECTORY_ENV: str(cache_dir)}
    env.pop(DISABLE_ENV, None)
    command = report_command(priors_file, output, force=force)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n"
                           f"{done.stderr[-2000:]}")
    return done.stderr


def render_subprocess(priors_file: Path, output: Path, cache_dir: Path) -> None:
    """A forced render (the up-to-date check would skip the warm one)."""
    run_report(priors_file, output, cache_dir, force=True)


def up_to_date_times(priors_file: Path, output: Path, cache_dir: Path,
                     repeats: int = UP_TO_DATE_REPEATS) -> list[float]:
    """Times of ``make report`` with nothing changed since ``output`` was rendered; raises
    RuntimeError if it rendered instead of saying the report is up to date."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        message = run_report(priors_file, output, cache_dir, force=False)
        times.append(time.perf_counter() - start)
        if "up to date" not in message:
            raise RuntimeError(f"make report rendered although nothing changed:\n{message}")
    return times


def bench_make_report(repeats: int) -> BenchResult:
    """Benchmark 5: cold and warm renders in a subprocess, and the up-to-date check."""
    kept: dict[str, Path] = {}

    def keep(priors_file: Path, output: Path, cache_dir: Path) -> None:
        render_subprocess(priors_file, output, cache_dir)
        kept.update(output=output, cache=cache_dir)

    details = cold_warm(keep, repeats, "make report", keep_last=True)
    try:
        current = up_to_date_times(DEFAULT_PRIORS_FILE, kept["output"], kept["cache"])
    finally:
        shutil.rmtree(kept["output"].parent, ignore_errors=True)
    details["up_to_date"] = {"times": current, "median_s": statistics.median(current)}
    details["command"] = "python -m models report --priors data/priors.yml --output <tmp>"
    details["renderer"] = ("quarto" if shutil.which("quarto")
                           and os.environ.get(RENDERER_ENV) != "fallback" else "fallback")
    b = LABELS["make-report"]
    up_s = details["up_to_date"]["median_s"]
    rows = [Row(b, "make report, nothing changed (up-to-date check)", up_s, "s",
                f"< {UP_TO_DATE_TARGET_S:g} s", below(up_s, UP_TO_DATE_TARGET_S)),
            Row(b, "render, warm result cache (nothing sampled)", details["warm_s"], "s",
                f"<= {WARM_TARGET_S:g} s", below(details["warm_s"], WARM_TARGET_S + 1e-9)),
            Row(b, "render, cold result cache (all sampled, study included)",
                details["cold_s"], "s", f"<= {COLD_TARGET_S:g} s",
                below(details["cold_s"], COLD_TARGET_S + 1e-9))]
    return BenchResult("make-report", details, rows)
