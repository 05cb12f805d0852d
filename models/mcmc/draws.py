"""Summaries of posterior draws (MCMC path): intervals, probabilities with Monte Carlo
error, and effect measures from draws of the two arm rates.

Inputs are xarray DataArrays with dims (chain, draw); arm rates p_t and p_c are on the
proportion scale. ARD is in proportion units (0.10 = 10 percentage points); RR and
OR are ratios. Intervals are 95% equal-tailed (``arviz.eti`` with prob=0.95; ArviZ's
default is 89%); Monte Carlo standard errors come from ``arviz.mcse``.
"""

from collections.abc import Sequence

import arviz as az
import numpy as np
import xarray as xr

from models.core.direction import DEFAULT_DIRECTION, Direction, benefit_sign
from models.core.types import EffectSummary, Interval, Probability
from models.exact.beta_binomial import ARD_THRESHOLDS, INTERVAL_PROBABILITY


def risk_difference(p_t: xr.DataArray, p_c: xr.DataArray) -> xr.DataArray:
    return p_t - p_c


def risk_ratio(p_t: xr.DataArray, p_c: xr.DataArray) -> xr.DataArray:
    return p_t / p_c


def odds_ratio(p_t: xr.DataArray, p_c: xr.DataArray) -> xr.DataArray:
    return (p_t / (1 - p_t)) / (p_c / (1 - p_c))


def interval(draws: xr.DataArray) -> Interval:
    """Posterior median and 95% equal-tailed interval of one measure's draws."""
    bounds = az.eti(draws, prob=INTERVAL_PROBABILITY)
    lower, upper = (float(v) for v in np.asarray(bounds).ravel())
    return Interval(float(draws.median()), lower, upper)


def probability(event: xr.DataArray) -> Probability:
    """Mean of a 0/1 indicator over draws, with ArviZ's MCSE of that mean."""
    indicator = event.astype(float)
    return Probability(float(indicator.mean()), float(az.mcse(indicator, method="mean")))


def coefficient_intervals(posterior: xr.Dataset, terms: Sequence[str]) -> dict[str, Interval]:
    """Posterior median and 95% equal-tailed interval of each coefficient (log-odds scale)."""
    return {term: interval(posterior[term]) for term in terms}


def positive_probabilities(posterior: xr.Dataset,
                           terms: Sequence[str]) -> dict[str, Probability]:
    """P(coefficient > 0) with MCSE for each term (for a log OR: P(OR > 1))."""
    return {term: probability(posterior[term] > 0) for term in terms}


def summarise_draws(p_t: xr.DataArray, p_c: xr.DataArray,
                    thresholds: tuple[float, ...] = ARD_THRESHOLDS,
                    direction: Direction = DEFAULT_DIRECTION) -> EffectSummary:
    """P(benefit), P(benefit of more than d) with MCSE (benefit = ARD, or -ARD when fewer
    events is better), and median/95% intervals of ARD, RR, OR."""
    ard = risk_difference(p_t, p_c)
    benefit = benefit_sign(direction) * ard
    return EffectSummary(
        method="mcmc",
        p_benefit=probability(benefit > 0),
        p_benefit_greater={d: probability(benefit > d) for d in thresholds},
        risk_difference=interval(ard),
        risk_ratio=interval(risk_ratio(p_t, p_c)),
        odds_ratio=interval(odds_ratio(p_t, p_c)),
    )
