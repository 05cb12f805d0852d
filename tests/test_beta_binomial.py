"""The exact beta-binomial analysis (conjugate update and effect summary) against
published values, closed forms and Monte Carlo. The distribution object underneath is
tested in test_beta_contrast.py."""

import math

import numpy as np
import pytest

from models.core.distributions import BetaBinomialPrior, BetaPrior
from models.exact.beta_binomial import ARD_THRESHOLDS, fit_exact, summarise

FLAT = BetaBinomialPrior(BetaPrior(1, 1), BetaPrior(1, 1))


@pytest.mark.parametrize(
    ("outcome", "published"), [("remission", 0.8833), ("response", 0.9374)]
)
def test_flat_prior_matches_published_reference_values(trial, outcome, published):
    fit = fit_exact(FLAT, trial.outcome(outcome)).summary
    assert fit.method == "exact" and fit.p_benefit.exact
    assert fit.p_benefit.estimate == pytest.approx(published, abs=5e-5)


def test_posterior_is_conjugate_update(trial):
    counts = trial.outcome("response")
    fit = fit_exact(FLAT, counts)
    assert fit.posterior.treatment == BetaPrior(1 + 6, 1 + 13 - 6)
    assert fit.posterior.control == BetaPrior(1 + 3, 1 + 16 - 3)


def test_uniform_arms_summary_equals_closed_forms():
    """Uniform arms: ARD is triangular on (-1, 1), so P(ARD > d) = (1 - d)^2 / 2 for d >= 0
    and the 95% interval is +-(1 - sqrt(0.05)); P(RR > r) = 1 / (2r) above 1 and r / 2
    below, so the RR interval is (0.05, 20); the OR is symmetric on the log scale."""
    summary = summarise(FLAT)
    assert summary.p_benefit.estimate == pytest.approx(0.5, abs=1e-12)
    for d in ARD_THRESHOLDS:
        assert summary.p_benefit_greater[d].estimate == pytest.approx((1 - d) ** 2 / 2, abs=1e-12)
    half_width = 1 - math.sqrt(0.05)
    ard = summary.risk_difference
    assert (ard.median, ard.lower, ard.upper) == pytest.approx((0.0, -half_width, half_width),
                                                               abs=1e-9)
    rr = summary.risk_ratio
    assert (rr.median, rr.lower, rr.upper) == pytest.approx((1.0, 0.05, 20.0), rel=1e-8)
    odds = summary.odds_ratio
    assert odds.median == pytest.approx(1.0, rel=1e-8)
    assert odds.lower * odds.upper == pytest.approx(1.0, rel=1e-8)


def test_summary_against_large_monte_carlo(trial):
    exact = fit_exact(BetaBinomialPrior(BetaPrior(5.8273, 17.482), BetaPrior(5.8273, 17.482)),
                      trial.outcome("remission"))
    fit, posterior = exact.summary, exact.posterior
    rng = np.random.default_rng(1)
    size = 2_000_000
    p_t = rng.beta(posterior.treatment.alpha, posterior.treatment.beta, size)
    p_c = rng.beta(posterior.control.alpha, posterior.control.beta, size)
    ard, rr = p_t - p_c, p_t / p_c
    odds = (p_t / (1 - p_t)) / (p_c / (1 - p_c))
    for draws, interval in ((ard, fit.risk_difference), (rr, fit.risk_ratio),
                            (odds, fit.odds_ratio)):
        for q, value in ((0.025, interval.lower), (0.5, interval.median),
                         (0.975, interval.upper)):
            # The exact quantile's empirical CDF is q within 5 binomial SEs.
            assert abs(np.mean(draws <= value) - q) < 5 * math.sqrt(q * (1 - q) / size)
    for d in ARD_THRESHOLDS:
        p = fit.p_benefit_greater[d].estimate
        assert abs(np.mean(ard > d) - p) < 5 * math.sqrt(p * (1 - p) / size), d
    assert fit.p_benefit.estimate == fit.p_benefit_greater[0.0].estimate
