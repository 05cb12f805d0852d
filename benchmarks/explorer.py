"""Benchmark 10: how long a reader waits when moving the prior explorer's primary-model
panel: one update of the logistic panel (the exact posterior by deterministic integration,
in the page) in headless Chromium, for every named prior x outcome, target under 50 ms.

The page records the duration of its last logistic update (``performance.now()`` around
the computation and the readouts) in ``data-logistic-update-ms``; each named prior is
selected ``repeats`` times per outcome and the median and the slowest update are reported.
"""

import shutil
import statistics
import tempfile
from pathlib import Path

from benchmarks.common import LABELS, BenchResult, Row, below
from models.data.trial import Trial
from models.priors.prior_set import PriorSet
from models.report.explorer import explorer_html

UPDATE_TARGET_MS = 50.0
EXPLORER = '[data-testid="prior-explorer"]'


def chromium() -> str:
    """Debian's Chromium (``apt-get install chromium``), as the browser tests use it."""
    found = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        raise RuntimeError("no chromium executable (apt-get install chromium)")
    return found


def _page(trial: Trial, priors: PriorSet, folder: Path) -> Path:
    path = folder / "explorer.html"
    path.write_text('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
                    "explorer</title></head><body>" + explorer_html(trial, priors)
                    + "</body></html>", encoding="utf-8")
    return path


def bench_explorer(trial: Trial, priors: PriorSet, repeats: int) -> BenchResult:
    """Median and slowest update of the logistic panel over named priors x outcomes."""
    from playwright.sync_api import sync_playwright

    presets = [name for name, prior in priors.priors.items() if not prior.has_mixtures]
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(_page(trial, priors, Path(folder)).as_uri())
        for outcome in trial.outcomes:
            page.select_option(f'{EXPLORER} [data-testid="outcome-select"]', outcome)
            for _ in range(max(repeats, 1)):
                for name in presets:
                    page.select_option(f'{EXPLORER} [data-testid="prior-select"]', name)
                    value = page.get_attribute(EXPLORER, "data-logistic-update-ms")
                    times.setdefault(f"{name}/{outcome}", []).append(float(value or "nan"))
        browser.close()
    every = [t for values in times.values() for t in values]
    median, slowest = statistics.median(every), max(every)
    rows = [Row(LABELS["explorer"], "explorer, primary-model update (median, Chromium)",
                median, "ms"),
            Row(LABELS["explorer"], "explorer, primary-model update (slowest prior x outcome)",
                slowest, "ms", f"< {UPDATE_TARGET_MS:g} ms", below(slowest, UPDATE_TARGET_MS))]
    return BenchResult("explorer", {"times_ms": times, "median_ms": median,
                                    "slowest_ms": slowest}, rows)
