"""What every benchmark shares: repeat counts, result rows, timing and verdict helpers.

Times are wall-clock seconds (``time.perf_counter``); every reported time is the median
of several repeats (:class:`Repeats`). Verdicts compare a measured value with a target
and are printed, never asserted in the tests.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models.core.cache_root import DISABLE_ENV
from models.core.types import Probability
from models.priors.prior_set import NamedPrior, PriorSet

BENCHMARKS = ("startup", "grid", "render", "exact", "sensitivity", "make-report", "assurance",
              "bambi", "explorer", "suite")
"""Benchmark names, in the order they run (``--only`` picks among them)."""

LABELS = {"grid": "1 logistic grid", "render": "2 report render", "exact": "3 exact vs MCMC",
          "sensitivity": "4 sensitivity", "make-report": "5 make report",
          "assurance": "6 assurance", "bambi": "7 vs Bambi", "startup": "8 start-up",
          "suite": "9 test suite", "explorer": "10 explorer"}
"""The benchmark column of the printed table (its number orders the rows)."""

MCMC_CACHE_OFF: dict[str, str | None] = {DISABLE_ENV: "1"}
"""Environment that turns the disk posterior cache off, so every MCMC fit samples."""


@dataclass(frozen=True)
class Repeats:
    """How often each measurement is repeated (medians are reported)."""

    grid: int = 3
    render: int = 2
    exact: int = 200
    mcmc: int = 5
    sensitivity: int = 5
    make_report: int = 2
    assurance: int = 5
    startup: int = 10
    explorer: int = 5


QUICK = Repeats(grid=1, render=1, exact=20, mcmc=1, sensitivity=1, make_report=1,
                assurance=1, startup=3, explorer=1)
"""``--quick``: one repeat of everything slow."""


@dataclass(frozen=True)
class Row:
    """One line of the printed table (and of the JSON ``table``)."""

    benchmark: str
    what: str
    value: float | None
    unit: str
    target: str = ""
    verdict: str = "-"


@dataclass(frozen=True)
class BenchResult:
    """One benchmark: its detailed measurements (JSON-ready) and its table rows."""

    name: str
    details: dict[str, Any]
    rows: list[Row] = field(default_factory=list)


def timed(function: Callable[[], object]) -> float:
    """Wall time of one call, in seconds."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def median_time(function: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    """Median wall time (s) of ``repeats`` calls (at least one), and all the times."""
    times = [timed(function) for _ in range(max(repeats, 1))]
    return statistics.median(times), times


def at_least(value: float, limit: float) -> str:
    """Verdict ``pass`` when ``value >= limit``, else ``MISS``."""
    return "pass" if value >= limit else "MISS"


def below(value: float, limit: float) -> str:
    """Verdict ``pass`` when ``value < limit``, else ``MISS``."""
    return "pass" if value < limit else "MISS"


def reference_prior(prior_set: PriorSet) -> NamedPrior:
    """The prior named ``reference`` (else the file's first prior)."""
    name = "reference" if "reference" in prior_set.priors else prior_set.names[0]
    return prior_set.get(name)


def sampled(probability: Probability) -> tuple[float, float]:
    """(estimate, MCSE) of a probability estimated from draws (its MCSE is never None)."""
    if probability.mcse is None:
        raise ValueError(f"expected a sampled probability with an MCSE, got {probability}")
    return probability.estimate, probability.mcse
