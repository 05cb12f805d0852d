"""The sensitivity grid against an independent 2-D adaptive quadrature of the posterior."""

import numpy as np
import pytest
from scipy import integrate, optimize, stats
from scipy.special import expit

from models.core.distributions import NormalPrior
from models.sensitivity.prior_map import log_or_likelihood, p_benefit, sensitivity_grid, tipping_sd


def p_benefit_2d(counts, intercept: NormalPrior, mean: float, sd: float) -> float:
    """P(b > 0 | data) by adaptive 2-D quadrature of the unnormalised posterior."""
    def log_posterior(b: float, a: float) -> float:
        p_c, p_t = expit(a), expit(a + b)
        return (stats.binom.logpmf(counts.control.events, counts.control.n, p_c)
                + stats.binom.logpmf(counts.treatment.events, counts.treatment.n, p_t)
                + stats.norm.logpdf(a, intercept.mean, intercept.sd)
                + stats.norm.logpdf(b, mean, sd))

    peak = -optimize.minimize(lambda x: -log_posterior(x[1], x[0]), [intercept.mean, mean]).fun

    def posterior(b: float, a: float) -> float:
        return np.exp(log_posterior(b, a) - peak)  # scaled so tolerances are meaningful

    a_lo, a_hi = intercept.mean - 10 * intercept.sd, intercept.mean + 10 * intercept.sd
    # The likelihood is negligible beyond |log OR| = 8.
    b_lo, b_hi = max(mean - 10 * sd, -8.0), min(mean + 10 * sd, 8.0)
    tolerance = {"epsabs": 1e-8, "epsrel": 1e-8}
    positive, _ = integrate.dblquad(posterior, a_lo, a_hi, 0.0, max(b_hi, 0.0), **tolerance)
    negative, _ = integrate.dblquad(posterior, a_lo, a_hi, min(b_lo, 0.0), 0.0, **tolerance)
    return positive / (positive + negative)


@pytest.mark.parametrize(("mean", "sd"), [(0.0, 0.557), (0.916, 2.5)])
@pytest.mark.parametrize("outcome", ["remission", "response"])
def test_matches_2d_quadrature(trial, prior_set, outcome, mean, sd):
    counts = trial.outcome(outcome)
    intercept = prior_set.get("reference").logistic.intercept
    likelihood = log_or_likelihood(counts, intercept)
    assert float(p_benefit(likelihood, mean, sd)) == pytest.approx(
        p_benefit_2d(counts, intercept, mean, sd), abs=1e-5)


def test_grid_values_equal_pointwise_values(trial, prior_set):
    counts = trial.outcome("response")
    intercept = prior_set.get("skeptical").logistic.intercept
    means, sds = np.linspace(-1, 2, 7), np.linspace(0.2, 3, 5)
    grid = sensitivity_grid(counts, intercept, means, sds)
    likelihood = log_or_likelihood(counts, intercept)
    assert grid.p_benefit.shape == (7, 5)
    assert grid.p_benefit[3, 2] == pytest.approx(float(p_benefit(likelihood, means[3], sds[2])))
    # More optimistic prior means give more probability of benefit.
    assert np.all(np.diff(grid.p_benefit, axis=0) > 0)


def test_tipping_sd_gives_the_target(trial, prior_set):
    counts = trial.outcome("response")
    likelihood = log_or_likelihood(counts, prior_set.get("reference").logistic.intercept)
    sd = tipping_sd(likelihood, 0.9)
    assert sd is not None
    assert float(p_benefit(likelihood, 0.0, sd)) == pytest.approx(0.9, abs=1e-8)
    assert float(p_benefit(likelihood, 0.0, 0.8 * sd)) < 0.9


def test_tipping_sd_is_none_when_data_never_reach_target(trial, prior_set):
    likelihood = log_or_likelihood(trial.outcome("remission"),
                                   prior_set.get("reference").logistic.intercept)
    assert float(p_benefit(likelihood, 0.0, 100.0)) < 0.95
    assert tipping_sd(likelihood, 0.95) is None


def test_heat_map_at_named_priors_equals_direct_fits(trial, prior_set):
    """The heat map's value at each named prior equals an MCMC fit of the aggregate logistic
    model with that treatment prior and the heat map's intercept prior (within 4 MCSE)."""
    from models.mcmc.logistic import fit_aggregate
    from models.priors.prior_set import LogisticPrior
    from models.report.results import sensitivity_all

    results = sensitivity_all(trial, prior_set)
    intercept = prior_set.get(results.intercept_prior_name).logistic.intercept
    for _, row in results.named.iterrows():
        named = prior_set.get(row["prior"]).logistic
        prior = LogisticPrior(intercept, named.treatment, named.biomarker, named.interaction)
        fit = fit_aggregate(prior, trial.outcome(row["outcome"]))
        assert abs(fit.p_benefit.estimate - row["p_benefit"]) <= 4 * fit.p_benefit.mcse, row
