"""Benchmark 4: a 100 x 100 prior grid of :func:`models.sensitivity.prior_map.sensitivity_grid`
per outcome (prior mean x prior SD of the log odds ratio)."""

from dataclasses import asdict
from functools import partial
from typing import Any

import numpy as np

from benchmarks.common import LABELS, BenchResult, Row, below, median_time, reference_prior
from models.core.progress import say
from models.data.trial import Trial
from models.priors.prior_set import PriorSet

SENSITIVITY_MEANS = (-1.5, 2.5)
"""Range of prior means of the log OR (linear spacing)."""
SENSITIVITY_SDS = (0.1, 5.0)
"""Range of prior SDs of the log OR (log spacing)."""
SENSITIVITY_SIZE = 100
SENSITIVITY_TARGET_S = 5.0
"""Target for one grid (s)."""


def sensitivity_axes(size: int = SENSITIVITY_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Prior means (linear) and SDs (log-spaced) of the log OR, ``size`` each."""
    return (np.linspace(*SENSITIVITY_MEANS, size),
            np.geomspace(*SENSITIVITY_SDS, size))


def bench_sensitivity(trial: Trial, prior_set: PriorSet, repeats: int,
                      size: int = SENSITIVITY_SIZE) -> BenchResult:
    """Benchmark 4: one ``size`` x ``size`` sensitivity grid per outcome."""
    from models.sensitivity.prior_map import sensitivity_grid

    means, sds = sensitivity_axes(size)
    intercept = reference_prior(prior_set).logistic.intercept
    per_outcome: dict[str, dict[str, Any]] = {}
    for outcome in trial.outcomes:
        say(f"sensitivity: {outcome}")
        grid = partial(sensitivity_grid, trial.outcome(outcome), intercept, means, sds)
        seconds, times = median_time(grid, repeats)
        per_outcome[outcome] = {"seconds": seconds, "times": times}
    details = {"repeats": repeats, "shape": [size, size], "means": list(SENSITIVITY_MEANS),
               "sds": list(SENSITIVITY_SDS), "intercept_prior": asdict(intercept),
               "outcomes": per_outcome}
    rows = [Row(LABELS["sensitivity"], f"{size} x {size} grid, {outcome}", d["seconds"], "s",
                f"< {SENSITIVITY_TARGET_S:g} s", below(d["seconds"], SENSITIVITY_TARGET_S))
            for outcome, d in per_outcome.items()]
    return BenchResult("sensitivity", details, rows)
