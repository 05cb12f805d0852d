"""Benchmark 5: ``python -m models report`` (what ``make report`` runs) in a fresh
interpreter, cold and warm result cache, against the foundation's target (under 90 s)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.cold_warm import cold_warm
from benchmarks.common import LABELS, BenchResult, Row, below
from models.core.cache_root import DIRECTORY_ENV, DISABLE_ENV
from models.core.paths import ROOT
from models.report.render.choice import RENDERER_ENV

MAKE_REPORT_TARGET_S = 90.0
"""Target for one ``make report`` (s)."""


def render_subprocess(priors_file: Path, output: Path, cache_dir: Path) -> None:
    """``python -m models report`` in a fresh interpreter with the cache root
    ``cache_dir``; raises RuntimeError with the end of its stderr when it fails."""
    env = {**os.environ, DIRECTORY_ENV: str(cache_dir)}
    env.pop(DISABLE_ENV, None)
    command = [sys.executable, "-m", "models", "report", "--priors", str(priors_file),
               "--output", str(output)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n"
                           f"{done.stderr[-2000:]}")


def bench_make_report(repeats: int) -> BenchResult:
    """Benchmark 5: ``python -m models report`` in a subprocess, cold vs warm cache."""
    details = cold_warm(render_subprocess, repeats, "make report")
    details["command"] = "python -m models report --priors data/priors.yml --output <tmp>"
    details["renderer"] = ("quarto" if shutil.which("quarto")
                           and os.environ.get(RENDERER_ENV) != "fallback" else "fallback")
    b, target = LABELS["make-report"], f"< {MAKE_REPORT_TARGET_S:g} s"
    rows = [Row(b, "make report, warm posterior cache", details["warm_s"], "s", target,
                below(details["warm_s"], MAKE_REPORT_TARGET_S)),
            Row(b, "make report, cold posterior cache", details["cold_s"], "s", target,
                below(details["cold_s"], MAKE_REPORT_TARGET_S))]
    return BenchResult("make-report", details, rows)
