"""Exact beta-binomial results against independent computations."""

import math

import numpy as np
import pytest
from scipy import integrate, special, stats

from models.core.distributions import BetaBinomialPrior, BetaPrior
from models.exact.beta_binomial import (
    ard_density,
    fit_exact,
    prob_ard_greater,
    prob_benefit,
    prob_or_greater,
    prob_rr_greater,
)

FLAT = BetaBinomialPrior(BetaPrior(1, 1), BetaPrior(1, 1))


def closed_form_p_benefit(t: BetaPrior, c: BetaPrior) -> float:
    """P(p_t > p_c) for integer alpha_t (E. Miller's finite sum of Beta functions)."""
    total = 0.0
    for i in range(int(t.alpha)):
        total += math.exp(
            special.betaln(c.alpha + i, c.beta + t.beta)
            - math.log(t.beta + i)
            - special.betaln(1 + i, t.beta)
            - special.betaln(c.alpha, c.beta)
        )
    return total


@pytest.mark.parametrize(
    ("outcome", "published"), [("remission", 0.8833), ("response", 0.9374)]
)
def test_flat_prior_matches_published_reference_values(trial, outcome, published):
    fit = fit_exact(FLAT, trial.outcome(outcome)).summary
    assert fit.p_benefit.estimate == pytest.approx(published, abs=5e-5)


@pytest.mark.parametrize(
    ("t", "c"),
    [((8, 7), (6, 12)), ((7, 4), (4, 14)), ((1, 1), (1, 1)), ((3, 20), (12, 2)),
     ((15, 9), (2, 30))],
)
def test_p_benefit_equals_closed_form(t, c):
    treatment, control = BetaPrior(*t), BetaPrior(*c)
    assert prob_benefit(treatment, control) == pytest.approx(
        closed_form_p_benefit(treatment, control), abs=1e-9
    )


def test_p_benefit_non_integer_parameters_against_scipy_dblquad():
    treatment, control = BetaPrior(12.83, 21.4), BetaPrior(10.8, 28.5)
    reference, _ = integrate.dblquad(
        lambda y, x: stats.beta.pdf(x, 12.83, 21.4) * stats.beta.pdf(y, 10.8, 28.5),
        0, 1, 0, lambda x: x, epsabs=1e-11,
    )
    assert prob_benefit(treatment, control) == pytest.approx(reference, abs=1e-8)


@pytest.mark.parametrize("d", [-0.1, 0.05, 0.1, 0.2, 0.45])
def test_prob_ard_greater_against_scipy_expectation(d):
    treatment, control = BetaPrior(8, 7), BetaPrior(6, 12)
    reference = stats.beta(8, 7).expect(lambda x: stats.beta(6, 12).cdf(x - d), epsabs=1e-12)
    assert prob_ard_greater(treatment, control, d) == pytest.approx(reference, abs=1e-8)


def test_ratio_probabilities_at_one_equal_p_benefit():
    treatment, control = BetaPrior(8, 7), BetaPrior(6, 12)
    p = prob_benefit(treatment, control)
    assert prob_rr_greater(treatment, control, 1.0) == pytest.approx(p, abs=1e-9)
    assert prob_or_greater(treatment, control, 1.0) == pytest.approx(p, abs=1e-9)


def test_quantiles_against_large_monte_carlo(trial):
    exact = fit_exact(FLAT, trial.outcome("remission"))
    fit, posterior = exact.summary, exact.posterior
    rng = np.random.default_rng(1)
    p_t = rng.beta(posterior.treatment.alpha, posterior.treatment.beta, 2_000_000)
    p_c = rng.beta(posterior.control.alpha, posterior.control.beta, 2_000_000)
    ard, rr = p_t - p_c, p_t / p_c
    odds = (p_t / (1 - p_t)) / (p_c / (1 - p_c))
    for draws, interval, tol in ((ard, fit.risk_difference, 0.002), (rr, fit.risk_ratio, 0.01),
                                 (odds, fit.odds_ratio, 0.03)):
        lo, med, hi = np.quantile(draws, [0.025, 0.5, 0.975])
        assert interval.median == pytest.approx(med, abs=tol)
        assert interval.lower == pytest.approx(lo, abs=tol)
        assert interval.upper == pytest.approx(hi, abs=3 * tol)
    assert fit.p_ard_greater[0.1].estimate == pytest.approx(np.mean(ard > 0.1), abs=0.002)


def test_posterior_is_conjugate_update(trial):
    counts = trial.outcome("response")
    fit = fit_exact(FLAT, counts)
    assert fit.posterior.treatment == BetaPrior(1 + 6, 1 + 13 - 6)
    assert fit.posterior.control == BetaPrior(1 + 3, 1 + 16 - 3)


def test_ard_density_integrates_to_one():
    grid = np.linspace(-1, 1, 4001)
    density = ard_density(BetaBinomialPrior(BetaPrior(8, 7), BetaPrior(6, 12)), grid)
    assert np.trapezoid(density, grid) == pytest.approx(1.0, abs=1e-3)


def test_fast_quantile_cdfs_match_adaptive_quadrature(trial, prior_set):
    """The probability-scale Gauss-Legendre CDFs used for quantiles agree with quad."""
    from models.exact.beta_binomial import _fast_survivals, posterior

    for name in prior_set.names:
        for outcome in trial.outcomes.values():
            for dist in (posterior(prior_set.get(name).beta_binomial, outcome),
                         prior_set.get(name).beta_binomial):
                fast = _fast_survivals(dist)
                t, c = dist.treatment, dist.control
                ards = np.array([-0.2, 0.0, 0.1, 0.3])
                np.testing.assert_allclose(
                    fast["ard"](ards), [prob_ard_greater(t, c, v) for v in ards], atol=1e-5)
                logs = np.array([-0.5, 0.0, 0.5, 1.2])
                np.testing.assert_allclose(
                    fast["log_rr"](logs), [prob_rr_greater(t, c, math.exp(v)) for v in logs],
                    atol=1e-5)
                np.testing.assert_allclose(
                    fast["log_or"](logs), [prob_or_greater(t, c, math.exp(v)) for v in logs],
                    atol=1e-5)
