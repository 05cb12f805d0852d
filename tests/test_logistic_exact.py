"""The exact aggregate logistic model (the primary analysis) against scipy's adaptive
two-dimensional integration of the same posterior, on the published counts, under
separation (0 events in one arm), and under a near-certain log-OR prior."""

import math

import numpy as np
import pytest
from scipy import integrate, special

from models.core.distributions import NormalPrior
from models.data.trial import ArmCounts, OutcomeCounts
from models.exact.logistic_posterior import LOGISTIC_ACCURACY, LogisticPosterior

CASES = {
    "published remission, skeptical": ((7, 13), (5, 16), (-1.1, 1.5), (0.0, 0.56)),
    "published response, reference": ((9, 13), (3, 16), (-1.1, 10.0), (0.0, 10.0)),
    "separation, weak priors": ((0, 16), (5, 16), (0.0, 10.0), (0.0, 10.0)),
    "all events in one arm": ((16, 16), (5, 16), (0.0, 2.5), (0.0, 2.5)),
    "near-certain log OR": ((7, 13), (5, 16), (-1.1, 1.5), (1.0, 0.05)),
    "large trial": ((5200, 10000), (5000, 10000), (0.0, 2.0), (0.0, 1.0)),
}


def _posterior(case: str) -> LogisticPosterior:
    (te, tn), (ce, cn), intercept, log_or = CASES[case]
    counts = OutcomeCounts("outcome", "Outcome", ArmCounts(te, tn), ArmCounts(ce, cn))
    return LogisticPosterior(counts, NormalPrior(*intercept), NormalPrior(*log_or))


def _reference(posterior: LogisticPosterior, lower_b) -> float:
    """P(b > lower_b(a)) by ``scipy.integrate.dblquad`` over a +-12 SD box around the
    posterior's Laplace centre (found here independently by a coarse grid search)."""
    t, c = posterior.counts.treatment, posterior.counts.control
    ip, bp = posterior.intercept, posterior.log_odds_ratio

    def log_density(a, b):
        return (t.events * (a + b) - t.n * np.logaddexp(0, a + b)
                + c.events * a - c.n * np.logaddexp(0, a)
                - 0.5 * ((b - bp.mean) / bp.sd) ** 2 - 0.5 * ((a - ip.mean) / ip.sd) ** 2)

    a_grid, b_grid = np.meshgrid(np.linspace(-30, 30, 601), np.linspace(-30, 30, 601))
    values = log_density(a_grid, b_grid)
    peak = float(values.max())
    weights = np.exp(values - peak)
    box = []
    for grid in (a_grid, b_grid):
        mean = float(np.sum(weights * grid) / weights.sum())
        sd = math.sqrt(float(np.sum(weights * (grid - mean) ** 2) / weights.sum()))
        box.append((mean - 14 * max(sd, 0.02), mean + 14 * max(sd, 0.02)))
    (a_low, a_high), (b_low, b_high) = box

    def density(b, a):
        return math.exp(log_density(a, b) - peak)

    def clipped(a):
        return min(max(lower_b(a), b_low), b_high)

    options = {"epsabs": 1e-12, "epsrel": 1e-10}
    above = integrate.dblquad(density, a_low, a_high, clipped, b_high, **options)[0]
    total = integrate.dblquad(density, a_low, a_high, b_low, b_high, **options)[0]
    return above / total


@pytest.mark.parametrize("case", list(CASES))
def test_p_benefit_agrees_with_adaptive_integration(case):
    posterior = _posterior(case)
    assert abs(posterior.p_benefit() - _reference(posterior, lambda a: 0.0)) \
        < LOGISTIC_ACCURACY


@pytest.mark.parametrize("case", ["published remission, skeptical", "separation, weak priors"])
@pytest.mark.parametrize("d", [-0.1, 0.05, 0.2])
@pytest.mark.slow
def test_p_benefit_greater_agrees_with_adaptive_integration(case, d):
    posterior = _posterior(case)

    def bound(a: float) -> float:
        target = special.expit(a) + d
        if target >= 1:
            return math.inf
        if target <= 0:
            return -math.inf
        return math.log(target / (1 - target)) - a

    assert abs(posterior.p_benefit_greater(d) - _reference(posterior, bound)) < LOGISTIC_ACCURACY


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.slow
def test_intervals_invert_the_probabilities(case):
    posterior = _posterior(case)
    summary = posterior.summary((0.0, 0.1))
    assert summary.method == "exact" and summary.p_benefit.mcse is None
    assert summary.p_benefit_greater[0.0].estimate == summary.p_benefit.estimate
    checks = (
        (posterior.p_benefit_greater, summary.risk_difference),
        (posterior.p_rr_greater, summary.risk_ratio),
        (posterior.p_or_greater, summary.odds_ratio),
    )
    for above, interval in checks:
        assert interval.lower < interval.median < interval.upper
        for value, probability_above in ((interval.lower, 0.975), (interval.median, 0.5),
                                         (interval.upper, 0.025)):
            assert abs(above(value) - probability_above) < 1e-5
