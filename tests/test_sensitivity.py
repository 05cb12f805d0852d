"""The aggregate logistic model by integration (models.exact.logistic_counts) and the prior
map built on it (models.sensitivity.prior_map), against an independent two-dimensional
Gauss-Legendre integration of the posterior, and against MCMC at the named priors."""

import numpy as np
import pytest
from scipy import optimize, stats

from models.core.distributions import NormalPrior
from models.data.trial import OutcomeCounts
from models.sensitivity.prior_map import log_or_likelihood, p_benefit, sensitivity_grid, tipping_sd

GAUSS_LEGENDRE_NODES = 200
"""Nodes per axis (and per side of b = 0) of the reference tensor rule."""

LAPLACE_SDS = 15.0
"""The reference integrates over the posterior mode +- this many Laplace SDs per axis."""


def p_benefit_2d(counts: OutcomeCounts, intercept: NormalPrior, mean: float, sd: float) -> float:
    """P(b > 0 | data) by a tensor Gauss-Legendre rule over (intercept a, log OR b).

    Independent of the code under test: no grid in b, no intercept integrated first. The
    box is the posterior mode +- ``LAPLACE_SDS`` SDs of the Laplace approximation (the
    posterior is log-concave, so nothing beyond matters), and the b axis is split at 0 so
    the indicator of b > 0 is integrated exactly.
    """
    def log_posterior(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (stats.binom.logpmf(counts.control.events, counts.control.n, 1 / (1 + np.exp(-a)))
                + stats.binom.logpmf(counts.treatment.events, counts.treatment.n,
                                     1 / (1 + np.exp(-(a + b))))
                + stats.norm.logpdf(a, intercept.mean, intercept.sd)
                + stats.norm.logpdf(b, mean, sd))

    mode = optimize.minimize(lambda x: -log_posterior(x[0], x[1]), [intercept.mean, mean]).x
    # Hessian of the negative log posterior at the mode (binomial information + priors).
    p_c, p_t = 1 / (1 + np.exp(-mode[0])), 1 / (1 + np.exp(-mode.sum()))
    info_c = counts.control.n * p_c * (1 - p_c)
    info_t = counts.treatment.n * p_t * (1 - p_t)
    hessian = np.array([[info_c + info_t + intercept.sd**-2, info_t],
                        [info_t, info_t + sd**-2]])
    half = LAPLACE_SDS * np.sqrt(np.diag(np.linalg.inv(hessian)))
    nodes, weights = np.polynomial.legendre.leggauss(GAUSS_LEGENDRE_NODES)

    def rule(low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
        return 0.5 * (high - low) * nodes + 0.5 * (high + low), 0.5 * (high - low) * weights

    a, w_a = rule(mode[0] - half[0], mode[0] + half[0])
    b_low, b_high = mode[1] - half[1], mode[1] + half[1]
    peak = log_posterior(mode[0], mode[1])

    def mass(low: float, high: float) -> float:
        if high <= low:
            return 0.0
        b, w_b = rule(low, high)
        density = np.exp(log_posterior(a[:, None], b[None, :]) - peak)
        return float(w_a @ density @ w_b)

    positive = mass(max(b_low, 0.0), b_high)
    return positive / (positive + mass(b_low, min(b_high, 0.0)))


@pytest.mark.parametrize("outcome", ["remission", "response"])
@pytest.mark.parametrize("intercept_prior", ["reference", "skeptical"])
@pytest.mark.slow
def test_matches_2d_gauss_legendre(trial, prior_set, outcome, intercept_prior):
    counts = trial.outcome(outcome)
    intercept = prior_set.get(intercept_prior).logistic.intercept
    likelihood = log_or_likelihood(counts, intercept)
    for mean, sd in [(0.0, 0.557), (0.916, 2.5), (-0.5, 0.2)]:
        assert float(p_benefit(likelihood, mean, sd)) == pytest.approx(
            p_benefit_2d(counts, intercept, mean, sd), abs=1e-5), (mean, sd)


@pytest.mark.slow
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


@pytest.mark.slow
def test_heat_map_at_named_priors_equals_direct_fits(trial, prior_set):
    """The heat map's value at each named prior equals an MCMC fit of the aggregate logistic
    model with that treatment prior and the heat map's intercept prior (within 4 MCSE)."""
    from models.mcmc.aggregate import fit_aggregate
    from models.priors.prior_set import LogisticPrior
    from models.sensitivity.heat_map import sensitivity_all

    results = sensitivity_all(trial, prior_set)
    intercept = prior_set.get(results.intercept_prior_name).logistic.intercept
    for _, row in results.named.iterrows():
        named = prior_set.get(row["prior"]).logistic
        prior = LogisticPrior(intercept, named.treatment, named.biomarker, named.interaction)
        fit = fit_aggregate(prior, trial.outcome(row["outcome"]))
        assert abs(fit.p_benefit.estimate - row["p_benefit"]) <= 4 * fit.p_benefit.mcse, row
