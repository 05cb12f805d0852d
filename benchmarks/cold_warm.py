"""Renders with a cold and a warm result cache, side by side (benchmarks 2 and 5).

A cold render gets a fresh, empty cache root (``REANALYSIS_CACHE_DIR``), so every
posterior is sampled and, when the report runs the repeated-simulation study, the study
too (its cache lives under the same root); the warm render then re-uses that root.
"""

import statistics
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.common import timed
from models.core.code_fingerprint import imported_project_modules, project_closure
from models.core.paths import DEFAULT_PRIORS_FILE, REPORT_SOURCE
from models.core.progress import say

STUDY_MODULE = "models.simulation.study"
"""The repeated-simulation study: a cold render pays for it when the report uses it."""

Render = Callable[[Path, Path, Path], None]
"""A render of (priors file, output HTML, cache root)."""


def report_modules(source: Path = REPORT_SOURCE) -> list[str]:
    """The ``models`` modules the report's code cells import (dotted names, sorted)."""
    from models.report.render.qmd import read_qmd

    _, notebook = read_qmd(source.read_text(encoding="utf-8"))
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    return sorted(imported_project_modules(code))


def report_dependencies(source: Path = REPORT_SOURCE) -> set[str]:
    """Every ``models`` module a render runs: the report's imports and, transitively,
    theirs (top level or inside functions), read from the source files."""
    return {name for module in report_modules(source) for name in project_closure(module)}


def cold_warm(render: Render, repeats: int, label: str,
              priors_file: Path = DEFAULT_PRIORS_FILE, *,
              keep_last: bool = False) -> dict[str, Any]:
    """Alternate a cold render (fresh cache root) and a warm one (same root again); median
    times (s), their ratio, every time, and what the report computes. With ``keep_last``
    the temporary folder (last report and its cache) is left for the caller to remove."""
    uses_study = STUDY_MODULE in report_dependencies()
    cold, warm = [], []
    with tempfile.TemporaryDirectory(prefix="reanalysis-bench-", delete=not keep_last) as tmp:
        for r in range(repeats):
            cache, output = Path(tmp) / f"cache-{r}", Path(tmp) / f"report-{r}.html"
            say(f"{label}: repeat {r + 1}/{repeats}, cold cache")
            cold.append(timed(partial(render, priors_file, output, cache)))
            say(f"{label}: repeat {r + 1}/{repeats}, warm cache")
            warm.append(timed(partial(render, priors_file, output, cache)))
    return cold_warm_details(cold, warm) | {
        "report_modules": report_modules(),
        "simulation_study_in_report": uses_study,
        "simulation_study_cache_set_aside_when_cold": uses_study,
    }


def cold_warm_details(cold: list[float], warm: list[float]) -> dict[str, Any]:
    """Repeats, median cold and warm times (s), the ratio of the medians, every time."""
    cold_s, warm_s = statistics.median(cold), statistics.median(warm)
    return {"repeats": len(cold), "cold_s": cold_s, "warm_s": warm_s, "ratio": cold_s / warm_s,
            "times": {"cold": cold, "warm": warm}}
