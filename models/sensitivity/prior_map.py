"""Prior sensitivity of P(treatment beats control) for the aggregate logistic model.

The posterior probability of benefit for a N(mean, sd) prior on the log odds ratio comes
from the deterministic integration of :mod:`models.exact.logistic_counts` (the likelihood
of the log OR with the intercept integrated out, computed once per outcome and intercept
prior). Here it is swept over a grid of prior means x SDs (the heat map) and solved for
the tipping point: the prior SD at which a prior centred on no effect reaches a given
P(benefit). Scales: log OR for means and SDs; probabilities on 0-1.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

from models.core.distributions import NormalPrior
from models.data.trial import OutcomeCounts
from models.exact.logistic_counts import LogOrLikelihood, log_or_likelihood, p_benefit

__all__ = ["BENEFIT_TARGETS", "LogOrLikelihood", "SensitivityGrid", "likelihood_grid",
           "log_or_likelihood", "p_benefit", "sensitivity_grid", "tipping_sd"]

BENEFIT_TARGETS = (0.9, 0.95)
"""P(benefit) levels for which the report gives the tipping-point prior SD."""

TIPPING_GRID_POINTS = 60
"""Log-spaced prior SDs scanned for the first crossing of the target before Brent's method."""


@dataclass(frozen=True)
class SensitivityGrid:
    """P(benefit) over a grid of prior means (rows) x prior SDs (columns) of the log OR."""

    means: NDArray[np.float64]
    sds: NDArray[np.float64]
    p_benefit: NDArray[np.float64]
    intercept_prior: NormalPrior | None


def sensitivity_grid(counts: OutcomeCounts, intercept_prior: NormalPrior,
                     means: NDArray[np.float64], sds: NDArray[np.float64]) -> SensitivityGrid:
    """The heat map: P(benefit) for every (prior mean, prior SD) of the log odds ratio."""
    return likelihood_grid(log_or_likelihood(counts, intercept_prior), means, sds)


def likelihood_grid(likelihood: LogOrLikelihood, means: NDArray[np.float64],
                    sds: NDArray[np.float64]) -> SensitivityGrid:
    """The heat map of any gridded log-ratio likelihood (counts or a published estimate)."""
    values = p_benefit(likelihood, means[:, None], sds[None, :])
    return SensitivityGrid(means, sds, values, likelihood.intercept_prior)


def tipping_sd(likelihood: LogOrLikelihood, target: float, mean: float = 0.0,
               sd_range: tuple[float, float] = (0.01, 100.0)) -> float | None:
    """The prior SD (log OR scale) at which a N(mean, sd) prior gives P(benefit) = target.

    For a prior centred on no effect, P(benefit) rises from 0.5 (sd -> 0) towards the
    data-dominated value as sd grows, so any SD below the returned value gives
    P(benefit) < target. None when the target is not reached within ``sd_range`` (the
    data alone do not support that probability).
    """
    def gap(log_sd: float) -> float:
        return float(p_benefit(likelihood, mean, np.exp(log_sd))) - target

    grid = np.linspace(np.log(sd_range[0]), np.log(sd_range[1]), TIPPING_GRID_POINTS)
    values = np.array([gap(x) for x in grid])
    crossings = np.nonzero(np.sign(values[:-1]) != np.sign(values[1:]))[0]
    if crossings.size == 0:
        return None
    i = crossings[0]
    return float(np.exp(optimize.brentq(gap, grid[i], grid[i + 1], xtol=1e-10)))
