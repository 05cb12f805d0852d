"""Renders with a cold and a warm result cache, side by side (benchmarks 2 and 5).

A cold render gets a fresh, empty cache root (``REANALYSIS_CACHE_DIR``), so every
posterior is sampled and, when the report runs the repeated-simulation study, the study
too (its cache lives under the same root); the warm render then re-uses that root.
"""

import ast
import statistics
import tempfile
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.common import timed
from models.core.paths import DEFAULT_PRIORS_FILE, REPORT_SOURCE, ROOT
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
    return sorted(_models_imports(ast.parse(code)))


def report_dependencies(source: Path = REPORT_SOURCE) -> set[str]:
    """Every ``models`` module a render runs: the report's imports and, transitively,
    theirs (top level or inside functions), read from the source files."""
    seen: set[str] = set()
    pending = list(report_modules(source))
    while pending:
        name = pending.pop()
        path = _module_file(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        pending += _models_imports(ast.parse(path.read_text(encoding="utf-8")))
    return seen


def _models_imports(tree: ast.AST) -> set[str]:
    """Names ``models.*`` imported in ``tree`` that are modules or packages of the project
    (``from models.x import y`` counts ``models.x`` and, if it is a module, ``models.x.y``)."""
    names: Iterable[str]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(name for name in names
                     if name.split(".")[0] == "models" and _module_file(name) is not None)
    return found


def _module_file(name: str) -> Path | None:
    """The source file of project module ``name`` (a package's ``__init__.py``), or None."""
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def cold_warm(render: Render, repeats: int, label: str,
              priors_file: Path = DEFAULT_PRIORS_FILE) -> dict[str, Any]:
    """Alternate a cold render (fresh cache root) and a warm one (same root again); median
    times (s), their ratio, every time, and what the report computes."""
    uses_study = STUDY_MODULE in report_dependencies()
    cold, warm = [], []
    with tempfile.TemporaryDirectory(prefix="reanalysis-bench-") as tmp:
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
