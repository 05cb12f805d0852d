"""Beta-mixture priors (robust and evidence-based priors; issue 13, first part): the
conjugate mixture posterior against brute-force integration, the effect of two mixture
arms against numerical integration and Monte Carlo, and the prior effective sample size
against its definition (ELIR's predictive consistency) and RBesT's documented moment
recipe."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from models.core.distributions import BetaBinomialPrior, BetaPrior
from models.core.mixtures import BetaMixture
from models.exact.beta_binomial import benefit_probabilities
from models.exact.beta_mixture import MixtureArms, updated
from models.priors.ess import ess_elir, ess_moment

RBEST_EXAMPLE = BetaMixture.of([(0.2, BetaPrior(1, 1)), (0.8, BetaPrior(10, 2))])
"""RBesT's ``ess`` example: ``mixbeta(rob = c(0.2, 1, 1), inf = c(0.8, 10, 2))``."""


def density(mixture: BetaMixture, p: float) -> float:
    return sum(w * stats.beta.pdf(p, c.alpha, c.beta)
               for w, c in zip(mixture.weights, mixture.components, strict=True))


def test_posterior_weights_match_brute_force_integration():
    prior = BetaMixture.robust(BetaPrior(30, 70), 0.2)
    for events, n in [(3, 10), (18, 20), (30, 100)]:
        posterior = updated(prior, events, n)
        likelihood = [integrate.quad(
            lambda p, c=c, x=events, m=n: stats.beta.pdf(p, c.alpha, c.beta)
            * stats.binom.pmf(x, m, p),
            0, 1, epsabs=1e-14)[0] for c in prior.components]
        raw = [w * m for w, m in zip(prior.weights, likelihood, strict=True)]
        expected = [r / sum(raw) for r in raw]
        assert posterior.weights == pytest.approx(expected, abs=1e-9)
        assert posterior.components == tuple(c.updated(events, n) for c in prior.components)


def test_data_in_conflict_hand_the_robust_prior_to_its_vague_component():
    prior = BetaMixture.robust(BetaPrior(30, 70), 0.2)  # informative: rate about 0.3
    agreeing, conflicting = updated(prior, 6, 20), updated(prior, 18, 20)
    assert agreeing.weights[1] < 0.2 < conflicting.weights[1]
    assert conflicting.weights[1] > 0.99


def test_one_component_mixtures_give_the_exact_beta_binomial_answer():
    arms = BetaBinomialPrior(BetaPrior(8.0, 7.0), BetaPrior(6.0, 12.0))
    thresholds = [0.0, 0.05, 0.1, 0.2]
    for direction in ("higher", "lower"):
        assert MixtureArms.of(arms).benefit_probabilities(thresholds, direction) == \
            pytest.approx(benefit_probabilities(arms, thresholds, direction), abs=1e-12)


def two_mixtures() -> MixtureArms:
    return MixtureArms(BetaMixture.robust(BetaPrior(12.8, 23.5), 0.2),
                       BetaMixture.of([(0.5, BetaPrior(10.8, 28.5)), (0.5, BetaPrior(2, 3))]))


def test_mixture_p_benefit_matches_numerical_integration():
    arms = two_mixtures()
    # P(p_t > p_c + d) = integral of f_c(x) * P(p_t > x + d) dx
    for d in (0.0, 0.1):
        def integrand(x: float, d: float = d) -> float:
            survival = sum(w * stats.beta.sf(x + d, c.alpha, c.beta)
                           for w, c in zip(arms.treatment.weights, arms.treatment.components,
                                           strict=True))
            return density(arms.control, x) * survival

        expected = integrate.quad(integrand, 0, 1, epsabs=1e-13, limit=200)[0]
        assert arms.sf(d) == pytest.approx(expected, abs=1e-9)


def test_mixture_p_benefit_and_quantiles_match_monte_carlo():
    arms = two_mixtures()
    rng = np.random.default_rng(13)
    draws = 400_000

    def sample(mixture: BetaMixture) -> np.ndarray:
        k = rng.choice(len(mixture.weights), size=draws, p=mixture.weights)
        a = np.array([c.alpha for c in mixture.components])[k]
        b = np.array([c.beta for c in mixture.components])[k]
        return rng.beta(a, b)

    ard = sample(arms.treatment) - sample(arms.control)
    p = float(arms.sf(0.0))
    assert abs(np.mean(ard > 0) - p) < 4 * math.sqrt(p * (1 - p) / draws)
    for q in (0.025, 0.5, 0.975):
        quantile = arms.ppf(q)
        assert float(arms.cdf(quantile)) == pytest.approx(q, abs=1e-8)
        assert abs(np.mean(ard <= quantile) - q) < 4 * math.sqrt(q * (1 - q) / draws)


def test_fewer_is_better_is_the_lower_tail():
    arms = two_mixtures()
    assert arms.benefit_probabilities([0.0, 0.1], "lower") == pytest.approx(
        [float(arms.cdf(0.0)), float(arms.cdf(-0.1))], abs=1e-15)
    assert float(arms.cdf(0.0)) + float(arms.sf(0.0)) == pytest.approx(1.0, abs=1e-10)


# --- prior effective sample size ------------------------------------------------------


@pytest.mark.parametrize(("alpha", "beta"), [(5, 15), (0.5, 0.5), (12.75, 15.3)])
def test_ess_of_one_beta_is_alpha_plus_beta_by_both_methods(alpha, beta):
    prior = BetaPrior(alpha, beta)
    assert ess_elir(prior) == pytest.approx(alpha + beta, abs=1e-12)
    assert ess_moment(prior) == pytest.approx(alpha + beta, rel=1e-12)
    # the same as a two-component mixture of identical Betas (the integral path)
    twin = BetaMixture.of([(0.5, prior), (0.5, prior)])
    if alpha >= 1 and beta >= 1:
        assert ess_elir(twin) == pytest.approx(alpha + beta, rel=1e-7)


@pytest.mark.parametrize("n_forward", [1, 10, 40])
def test_elir_is_predictively_consistent(n_forward):
    """The definition's defining property: the prior ESS plus n equals the posterior ESS
    averaged over the prior predictive of n observations (here an exact sum)."""
    prior = RBEST_EXAMPLE
    x = np.arange(n_forward + 1)
    predictive = sum(w * stats.betabinom.pmf(x, n_forward, c.alpha, c.beta)
                     for w, c in zip(prior.weights, prior.components, strict=True))
    averaged = sum(p * ess_elir(updated(prior, int(k), n_forward))
                   for k, p in zip(x, predictive, strict=True))
    assert averaged - n_forward == pytest.approx(ess_elir(prior), rel=1e-8)


def test_moment_ess_follows_rbest_recipe():
    """RBesT's example: match a Beta to the mixture's mean and SD (``ms2beta``) and sum
    its parameters; ``round(sum(ab_matched))`` is 3 for this mixture."""
    mean = 0.2 * 0.5 + 0.8 * 10 / 12
    second = 0.2 * (1 / 12 + 0.25) + 0.8 * (10 * 2 / (12 ** 2 * 13) + (10 / 12) ** 2)
    sd = math.sqrt(second - mean ** 2)
    n = mean * (1 - mean) / sd ** 2 - 1  # ms2beta: a + b
    assert ess_moment(RBEST_EXAMPLE) == pytest.approx(n, rel=1e-12)
    assert round(ess_moment(RBEST_EXAMPLE)) == 3
    assert ess_moment(RBEST_EXAMPLE) < ess_elir(RBEST_EXAMPLE) < 12  # moment: conservative


def test_a_robust_component_lowers_the_ess():
    informative = BetaPrior(30, 70)
    for weight in (0.1, 0.2, 0.5):
        assert ess_elir(BetaMixture.robust(informative, weight)) < 100


@pytest.mark.parametrize(("weights", "message"), [((0.5, 0.6), "sum to 1"),
                                                  ((1.2, -0.2), "positive"),
                                                  ((1.0,), "one weight per component")])
def test_bad_mixtures_are_refused(weights, message):
    with pytest.raises(ValueError, match=message):
        BetaMixture(weights, (BetaPrior(1, 1), BetaPrior(2, 2)))
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        BetaMixture.robust(BetaPrior(2, 2), 1.0)


# --- prior-data conflict ----------------------------------------------------------------


def box_p(treatment: BetaMixture, control: BetaMixture, observed: tuple[int, int],
          n: tuple[int, int]) -> float:
    from models.exact.beta_mixture import predictive_pmf
    from models.exact.prior_predictive import mixture_prior_predictive

    predictive = mixture_prior_predictive(predictive_pmf(treatment, n[0]),
                                          predictive_pmf(control, n[1]))
    return predictive.p_conflict(*observed)


def test_box_p_of_flat_priors_is_one():
    flat = BetaMixture.single(BetaPrior(1, 1))  # every count equally probable
    assert box_p(flat, flat, (0, 16), (13, 16)) == pytest.approx(1.0)


def test_box_p_matches_simulation():
    informative = BetaMixture.single(BetaPrior(30, 70))
    rng = np.random.default_rng(5)
    draws = 200_000
    n = (20, 20)
    p_t, p_c = rng.beta(30, 70, draws), rng.beta(30, 70, draws)
    x_t, x_c = rng.binomial(n[0], p_t), rng.binomial(n[1], p_c)
    from models.exact.beta_mixture import predictive_pmf

    marginal = predictive_pmf(informative, 20)
    simulated_density = marginal[x_t] * marginal[x_c]
    observed = marginal[14] * marginal[6]
    expected = float(np.mean(simulated_density <= observed * (1 + 1e-9)))
    value = box_p(informative, informative, (14, 6), n)
    assert abs(value - expected) < 4 * math.sqrt(expected * (1 - expected) / draws)


def test_a_robust_prior_conflicts_less_with_surprising_data():
    informative = BetaMixture.single(BetaPrior(30, 70))
    robust = BetaMixture.robust(BetaPrior(30, 70), 0.2)
    surprising = box_p(informative, informative, (18, 6), (20, 20))
    assert surprising < 0.001
    assert box_p(robust, robust, (18, 6), (20, 20)) > 10 * surprising
