"""Benchmark 9: ``make test`` (ruff, mypy and the fast test suite) as a subprocess, with
``.venv`` and the compile caches warm, target at most 90 s on 2 cores. The slow suite
(``make test-slow``: the same numbers at the report's own sampler settings, renders,
the browser) is timed beside it once, without a target."""

import subprocess

from benchmarks.common import LABELS, BenchResult, Row, below, timed
from models.core.paths import ROOT

SUITE_TARGET_S = 90.0


def make(target: str) -> float:
    """Wall time of ``make TARGET`` in the project folder; raises RuntimeError on failure."""
    outcome: list[subprocess.CompletedProcess[str]] = []
    seconds = timed(lambda: outcome.append(subprocess.run(
        ["make", target], cwd=ROOT, capture_output=True, text=True, check=False)))
    if outcome[0].returncode != 0:
        raise RuntimeError(f"make {target} failed:\n{outcome[0].stdout[-1500:]}")
    return seconds


def bench_suite(include_slow: bool) -> BenchResult:
    """``make test`` once (and ``make test-slow`` once when asked)."""
    fast = make("test")
    rows = [Row(LABELS["suite"], "make test (lint, types, fast suite)", fast, "s",
                f"<= {SUITE_TARGET_S:g} s", below(fast, SUITE_TARGET_S + 1e-9))]
    details = {"make_test_s": fast}
    if include_slow:
        slow = make("test-slow")
        details["make_test_slow_s"] = slow
        rows.append(Row(LABELS["suite"], "make test-slow (report settings, renders)", slow,
                        "s"))
    return BenchResult("suite", details, rows)
