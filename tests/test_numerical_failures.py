"""Numerical failures are loud, and extreme but valid inputs still get right answers.

Loud: a quantile search that does not converge, and a quadrature whose error estimate stays
above ``PROBABILITY_ACCURACY`` after refinement, raise ``NumericalError``; an MCMC
diagnostic that is NaN, a low E-BFMI or a transition at the maximum tree depth is flagged.
Right: nearly flat and nearly certain priors, 0/n and n/n counts and 100,000 per arm are
checked against closed forms, adaptive quadrature (``scipy.integrate.quad`` between
breakpoints one SD apart) and seeded Monte Carlo.
"""

import math
from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr
from scipy import integrate, special, stats

from models.core.distributions import BetaPrior
from models.exact import beta_contrast, contrast_quantiles, tanh_sinh
from models.exact.beta_contrast import PROBABILITY_ACCURACY, BetaContrast
from models.exact.errors import NumericalError
from models.mcmc.diagnostics import EBFMI_MIN, Diagnostics, diagnose

# --------------------------------------------------------------------------- loud failures


def test_quantile_search_that_does_not_converge_raises(monkeypatch):
    def newton_never_converges(func, x0, **kwargs):
        return np.asarray(x0), np.zeros(np.shape(x0), bool), np.zeros(np.shape(x0), bool)

    def bracketing_never_converges(func, bracket, **kwargs):
        low, high = bracket
        return SimpleNamespace(success=np.zeros(np.shape(low), bool), x=(low + high) / 2)

    monkeypatch.setattr(contrast_quantiles, "optimize",
                        SimpleNamespace(newton=newton_never_converges))
    monkeypatch.setattr(contrast_quantiles, "elementwise",
                        SimpleNamespace(find_root=bracketing_never_converges))
    contrast = BetaContrast(BetaPrior(12, 7), BetaPrior(8, 11))
    with pytest.raises(NumericalError, match=r"quantile search did not converge .* \[0\.5"):
        contrast.ppf([0.5, 0.975])


def test_bracketing_still_answers_when_newton_fails(monkeypatch):
    def newton_never_converges(func, x0, **kwargs):
        return np.asarray(x0), np.zeros(np.shape(x0), bool), np.zeros(np.shape(x0), bool)

    contrast = BetaContrast(BetaPrior(12, 7), BetaPrior(8, 11))
    expected = contrast.ppf([0.025, 0.5])
    monkeypatch.setattr(contrast_quantiles, "optimize",
                        SimpleNamespace(newton=newton_never_converges))
    np.testing.assert_allclose(contrast.ppf([0.025, 0.5]), expected, atol=1e-8)


def test_error_estimate_is_the_difference_with_the_rule_at_twice_the_step():
    start, end = np.array([0.0, 0.2]), np.array([1.0, 0.7])
    nodes = tanh_sinh.on_intervals(start, end)
    values = np.sqrt(nodes.x) * np.cos(3.0 * nodes.x)
    fine, error = nodes.integrate_with_error(values)
    # the rule with step 2h, built independently from its definition
    t = 2 * tanh_sinh.STEP * np.arange(-32, 33)
    s = 0.5 * np.pi * np.sinh(t)
    u = special.expit(2.0 * s)
    weights = 2 * tanh_sinh.STEP * 0.25 * np.pi * np.cosh(t) / np.cosh(s) ** 2
    length = end - start
    coarse = [length[i] * np.sum(weights * np.sqrt(start[i] + length[i] * u)
                                 * np.cos(3.0 * (start[i] + length[i] * u)))
              for i in range(2)]
    np.testing.assert_allclose(error, np.abs(fine - np.array(coarse)), rtol=1e-9, atol=1e-16)
    exact = [integrate.quad(lambda x: np.sqrt(x) * np.cos(3 * x), a, b, epsabs=1e-14)[0]
             for a, b in zip(start, end, strict=True)]
    np.testing.assert_allclose(fine, exact, atol=1e-12)


def test_narrow_posterior_is_refined_until_the_estimate_meets_the_accuracy():
    contrast = BetaContrast(BetaPrior(5000, 5000), BetaPrior(5000, 5000))
    nodes = contrast._nodes(np.array([0.005]))
    values = (special.betaincc(5000, 5000, nodes.x + 0.005)
              * stats.beta(5000, 5000).pdf(nodes.x))
    _, first_estimate = nodes.integrate_with_error(values)
    assert first_estimate[0] > PROBABILITY_ACCURACY, "the fixed rule alone is not enough here"
    assert abs(float(contrast.sf(0.005)) - _quad_sf(contrast, 0.005)) < PROBABILITY_ACCURACY


def test_integrand_the_rule_cannot_resolve_has_a_large_error_estimate():
    contrast = BetaContrast(BetaPrior(3, 4), BetaPrior(5, 2))

    def rough(nodes: tanh_sinh.IntervalNodes, points: np.ndarray) -> np.ndarray:
        return np.sign(np.sin(1e5 * nodes.x))

    _, error = contrast._integrate_with_error(np.array([0.1]), rough, relative=False)
    assert error[0] > PROBABILITY_ACCURACY


def test_probability_neither_arm_can_resolve_raises(monkeypatch):
    def rough(prior, x, one_minus_x, above):
        return (np.sign(np.sin(1e5 * x)) + 1.0) / 2.0

    monkeypatch.setattr(beta_contrast, "beta_probability", rough)
    with pytest.raises(NumericalError, match=r"quadrature did not reach 1e-10 .* either arm"):
        BetaContrast(BetaPrior(3, 4), BetaPrior(5, 2)).sf(0.1)


def test_the_other_arm_is_tried_where_the_first_cannot_reach_the_accuracy():
    # Both arms spread over tens of orders of magnitude near 0: integrating over the arm
    # with the smaller log-scale variance (treatment) misses the accuracy far in the lower
    # tail of the risk ratio; integrating over control reaches it.
    contrast = BetaContrast(BetaPrior(0.0544, 79168.0), BetaPrior(0.05, 2.05), "rr")
    value = np.array([5.15e-29])
    assert not contrast._outer_is_control
    _, first_error = contrast._one_way_probability(value, upper=False)
    assert first_error[0] > PROBABILITY_ACCURACY
    probability = float(contrast.cdf(value[0]))
    swapped = contrast._with_other_outer()
    assert swapped._outer_is_control
    again, again_error = swapped._one_way_probability(value, upper=False)
    assert again_error[0] <= PROBABILITY_ACCURACY
    assert probability == again[0]
    assert 0.02 < probability < 0.03  # near the 2.5% quantile (Monte Carlo: 0.025)


def _quad_sf(contrast: BetaContrast, v: float) -> float:
    """P(ARD > v) by adaptive quadrature over the control rate, between breakpoints one SD
    apart over +-14 SD (beyond them the mass is below 1e-40)."""
    t, c = contrast.treatment, contrast.control
    control = stats.beta(c.alpha, c.beta)
    points = np.clip(control.mean() + control.std() * np.arange(-14, 15), 0.0, 1.0)
    points = np.unique(np.concatenate([[0.0], points, [1.0]]))

    def integrand(u: float) -> float:
        return float(control.pdf(u) * special.betaincc(t.alpha, t.beta, min(max(u + v, 0), 1)))

    return sum(integrate.quad(integrand, a, b, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
               for a, b in zip(points[:-1], points[1:], strict=True))


# --------------------------------------------------------------------------- extreme inputs


@pytest.mark.parametrize(("treatment", "control"), [
    ((5000, 5000), (5000, 5000)),            # nearly certain prior
    ((50001, 50001), (49001, 51001)),        # 100,000 per arm, ARD about 1 point
    ((90001, 10001), (89001, 11001)),        # 100,000 per arm, rates near 0.9
    ((900, 100), (100, 900)),                # strong opposite priors
    ((12, 7), (8, 11)),                      # ordinary
])
@pytest.mark.parametrize("sd_multiple", [-2.0, 0.0, 1.0, 3.0])
def test_narrow_and_strong_posteriors_agree_with_quadrature(treatment, control, sd_multiple):
    contrast = BetaContrast(BetaPrior(*treatment), BetaPrior(*control))
    mean, sd = contrast_quantiles.working_moments(contrast)
    v = mean + sd_multiple * sd
    assert abs(float(contrast.sf(v)) - _quad_sf(contrast, v)) < PROBABILITY_ACCURACY


def test_nearly_certain_symmetric_arms_give_one_half_and_median_zero():
    contrast = BetaContrast(BetaPrior(5000, 5000), BetaPrior(5000, 5000))
    assert abs(float(contrast.sf(0.0)) - 0.5) < PROBABILITY_ACCURACY
    assert abs(contrast.median()) < 1e-7
    for measure in ("rr", "or"):
        ratio = BetaContrast(BetaPrior(5000, 5000), BetaPrior(5000, 5000), measure)
        assert abs(ratio.median() - 1.0) < 1e-7


@pytest.mark.parametrize(("treatment", "control"), [
    ((1, 31), (31, 1)),             # 0/30 vs 30/30, uniform prior
    ((31, 1), (31, 1)),             # 30/30 in both arms
    ((1, 31), (1, 1)),              # 0/30 vs a uniform control
    ((0.5, 100000.5), (3.5, 1)),    # 0 of 100,000 with Jeffreys' prior
    ((100000.5, 0.5), (3.5, 1)),    # 100,000 of 100,000 with Jeffreys' prior
    ((20.01, 0.01), (2, 1)),        # nearly flat prior, 20/20: mass within 1e-30 of 1
    ((0.01, 0.01), (1, 1)),         # nearly flat prior, no data
])
def test_benefit_probability_matches_the_closed_form(treatment, control):
    """With p_c ~ Beta(a, 1), P(p_t > p_c) = E[p_t^a] = B(a_t + a, b_t) / B(a_t, b_t)."""
    assert control[1] == 1
    a_t, b_t = treatment
    a = control[0]
    # as Gamma ratios (Pochhammer symbols): log-Beta differences lose 1e-10 at 1e5
    exact = special.poch(a_t, a) / special.poch(a_t + b_t, a)
    contrast = BetaContrast(BetaPrior(*treatment), BetaPrior(*control))
    assert abs(float(contrast.sf(0.0)) - exact) < PROBABILITY_ACCURACY
    assert abs(float(contrast.cdf(0.0)) - (1.0 - exact)) < PROBABILITY_ACCURACY


def test_nearly_flat_prior_agrees_with_symmetry_and_monte_carlo():
    contrast = BetaContrast(BetaPrior(0.01, 0.01), BetaPrior(0.01, 0.01))
    # At ARD = 0 exactly, about 4e-4 of each arm's mass lies within 1e-308 of 0 (and of 1),
    # where double precision cannot compare the two rates: the answer (1/2 by symmetry)
    # cannot be certified to 1e-10 by computation, so it is refused, not guessed.
    with pytest.raises(NumericalError, match="quadrature did not reach"):
        contrast.sf(0.0)
    values = np.array([-0.3, -0.01, 0.01, 0.3])
    survival = contrast.sf(values)
    np.testing.assert_allclose(survival + survival[::-1], 1.0, atol=PROBABILITY_ACCURACY)
    # (ARD = 0 itself is left out: many draws of Beta(0.01, 0.01) are exactly 0.0 or 1.0 in
    # floating point, so ties at 0 are far more frequent among draws than in the model.)
    rng = np.random.default_rng(20261128)
    draws = 2_000_000
    ard = rng.beta(0.01, 0.01, draws) - rng.beta(0.01, 0.01, draws)
    monte_carlo = (ard[:, None] > values).mean(axis=0)
    standard_error = np.sqrt(monte_carlo * (1 - monte_carlo) / draws)
    assert np.all(np.abs(survival - monte_carlo) < 5 * standard_error + 1e-12)


def test_both_arms_crowded_below_the_smallest_double_is_refused_loudly():
    """With shape parameters far below 1 at the same end in both arms (a nearly flat prior
    and no events in either arm) much of the mass lies below 1e-308, where double precision
    cannot tell the arms' rates apart: the quadrature says so instead of answering."""
    contrast = BetaContrast(BetaPrior(0.01, 30.01), BetaPrior(0.01, 1.0))
    with pytest.raises(NumericalError, match=r"quadrature did not reach 1e-10 .* at \[0\.\]"):
        contrast.sf(0.0)


def test_nearly_flat_prior_quantiles_agree_with_monte_carlo():
    contrast = BetaContrast(BetaPrior(0.01, 0.01), BetaPrior(0.5, 0.5))
    quantiles = contrast.ppf([0.1, 0.5, 0.9])
    np.testing.assert_allclose(contrast.cdf(quantiles), [0.1, 0.5, 0.9], atol=1e-9)
    rng = np.random.default_rng(7)
    ard = rng.beta(0.01, 0.01, 1_000_000) - rng.beta(0.5, 0.5, 1_000_000)
    np.testing.assert_allclose(np.quantile(ard, [0.1, 0.5, 0.9]), quantiles, atol=0.01)


# --------------------------------------------------------------------------- MCMC diagnostics


def _idata(posterior: np.ndarray, energy: np.ndarray | None = None,
           max_depth: np.ndarray | None = None) -> xr.DataTree:
    """A hand-made fit: ``p`` with dims (chain, draw, arm) and the sampler's statistics."""
    chains, draws = posterior.shape[:2]
    rng = np.random.default_rng(3)
    stats_vars = {
        "diverging": (("chain", "draw"), np.zeros((chains, draws), bool)),
        "energy": (("chain", "draw"),
                   rng.normal(size=(chains, draws)) if energy is None else energy),
        "maxdepth_reached": (("chain", "draw"), np.zeros((chains, draws), bool)
                             if max_depth is None else max_depth),
    }
    coords = {"chain": np.arange(chains), "draw": np.arange(draws)}
    return xr.DataTree.from_dict({
        "posterior": xr.Dataset({"p": (("chain", "draw", "arm"), posterior)}, coords=coords),
        "sample_stats": xr.Dataset(stats_vars, coords=coords),
    })


def _good_draws(chains: int = 4, draws: int = 1000) -> np.ndarray:
    return np.random.default_rng(11).normal(size=(chains, draws, 2))


def test_healthy_hand_made_fit_passes():
    diagnostics = diagnose(_idata(_good_draws()), ["p"])
    assert diagnostics.ok, diagnostics.problems
    assert diagnostics.ebfmi_min > EBFMI_MIN


def test_nan_in_one_element_is_a_failure_not_skipped():
    draws = _good_draws()
    draws[:, :, 1] = np.nan  # one element of the parameter has no usable draws
    diagnostics = diagnose(_idata(draws), ["p"])
    assert math.isnan(diagnostics.rhat_max)
    assert math.isnan(diagnostics.ess_bulk_min)
    assert not diagnostics.ok
    assert "R-hat undefined (NaN) for some parameter" in diagnostics.problems
    assert "bulk ESS undefined (NaN) for some parameter" in diagnostics.problems


@pytest.mark.parametrize(("field", "message"), [
    ("rhat_max", "R-hat undefined (NaN)"), ("ess_bulk_min", "bulk ESS undefined (NaN)"),
    ("ess_tail_min", "tail ESS undefined (NaN)"), ("ebfmi_min", "E-BFMI undefined (NaN)"),
])
def test_each_nan_diagnostic_is_flagged(field, message):
    values = {"rhat_max": 1.0, "ess_bulk_min": 5000.0, "ess_tail_min": 5000.0,
              "divergences": 0, "ebfmi_min": 1.0, "max_depth_hits": 0, field: math.nan}
    problems = Diagnostics(**values).problems  # type: ignore[arg-type]
    assert len(problems) == 1
    assert problems[0].startswith(message)


def test_low_energy_bfmi_is_flagged_and_matches_its_definition():
    rng = np.random.default_rng(5)
    # Energy that moves little between draws but a lot overall: a random walk.
    energy = np.cumsum(rng.normal(size=(4, 1000)), axis=1)
    diagnostics = diagnose(_idata(_good_draws(), energy=energy), ["p"])
    # Betancourt (2016): sum of squared successive differences over sum of squared deviations
    by_hand = min(np.sum(np.diff(chain) ** 2) / np.sum((chain - chain.mean()) ** 2)
                  for chain in energy)
    assert diagnostics.ebfmi_min == pytest.approx(by_hand, rel=1e-6)
    assert diagnostics.ebfmi_min < EBFMI_MIN
    assert f"E-BFMI {diagnostics.ebfmi_min:.2f} < {EBFMI_MIN}" in diagnostics.problems


def test_tree_depth_saturation_is_flagged():
    hits = np.zeros((4, 1000), bool)
    hits[1, [10, 20, 30]] = True
    diagnostics = diagnose(_idata(_good_draws(), max_depth=hits), ["p"])
    assert diagnostics.max_depth_hits == 3
    assert diagnostics.problems == ["3 transitions hit the maximum tree depth"]


@pytest.mark.parametrize(("treatment", "control"), [((12, 7), (8, 11)), ((0.7, 3), (0.6, 9)),
                                                    ((5000, 5000), (4990, 5010))])
def test_risk_difference_density_at_zero_matches_quadrature(treatment, control):
    t, c = stats.beta(*treatment), stats.beta(*control)
    points = np.clip(c.mean() + c.std() * np.arange(-14, 15), 0.0, 1.0)
    points = np.unique(np.concatenate([[0.0], points, [1.0]]))
    reference = sum(integrate.quad(lambda u: t.pdf(u) * c.pdf(u), a, b, epsabs=1e-14,
                                   limit=200)[0]
                    for a, b in zip(points[:-1], points[1:], strict=True))
    density = float(BetaContrast(BetaPrior(*treatment), BetaPrior(*control)).pdf(0.0))
    assert density == pytest.approx(reference, rel=PROBABILITY_ACCURACY)


def test_unbounded_density_at_zero_is_infinite_and_elsewhere_finite():
    """Jeffreys' prior in both arms: pdf_ARD(0) = integral of 1 / (pi^2 u (1 - u)) du = inf."""
    contrast = BetaContrast(BetaPrior(0.5, 0.5), BetaPrior(0.5, 0.5))
    density = contrast.pdf(np.linspace(-0.8, 0.8, 641))
    assert density[320] == np.inf
    assert np.isfinite(np.delete(density, 320)).all()


def test_density_of_nearly_flat_arms_is_refused_loudly():
    """Shape 0.01 in both arms: the integrand of the density has two near non-integrable
    end singularities (exponent -0.99) that no node reaches; the density raises rather than
    return the 40 % or so it can see."""
    contrast = BetaContrast(BetaPrior(0.01, 0.01), BetaPrior(0.01, 0.01))
    with pytest.raises(NumericalError, match=r"quadrature did not reach 1e-10"):
        contrast.pdf(-0.5)


def _log_beta_draws(arm: BetaPrior, rng: np.random.Generator, size: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """log p and log(1 - p) of Beta draws, exact for shapes far below 1 (where ``rng.beta``
    underflows to 0): Gamma(a) = Gamma(a + 1) U^(1/a) on the log scale."""
    def log_gamma(shape: float) -> np.ndarray:
        return np.log(rng.gamma(shape + 1.0, size=size)) + np.log(rng.random(size)) / shape

    log_a, log_b = log_gamma(arm.alpha), log_gamma(arm.beta)
    with np.errstate(over="ignore"):
        return -np.log1p(np.exp(log_b - log_a)), -np.log1p(np.exp(log_a - log_b))


@pytest.mark.parametrize(("treatment", "control"), [
    ((0.05, 16.05), (0.05, 16.05)),          # Beta(0.05, 0.05) prior, 0/16 in both arms
    ((0.05, 100000.05), (0.05, 16.05)),      # 0/100,000 and 0/16
    ((16.05, 0.05), (0.05, 100000.05)),      # 16/16 and 0/100,000
    ((0.0544, 79168.0), (0.05, 2.05)),       # the other arm's direction is needed
])
@pytest.mark.parametrize("measure", ["rr", "or"])
def test_ratio_intervals_of_arms_spread_over_many_decades_agree_with_monte_carlo(
        treatment, control, measure):
    contrast = BetaContrast(BetaPrior(*treatment), BetaPrior(*control), measure)
    lower, upper = contrast.interval(0.95)
    benefit = float(contrast.sf(1.0))
    rng = np.random.default_rng(20261128)
    draws = 400_000
    log_t, log_1mt = _log_beta_draws(contrast.treatment, rng, draws)
    log_c, log_1mc = _log_beta_draws(contrast.control, rng, draws)
    working = log_t - log_c if measure == "rr" else (log_t - log_1mt) - (log_c - log_1mc)
    for value, probability in ((np.log(lower), 0.025), (np.log(upper), 0.975),
                               (0.0, 1.0 - benefit)):
        standard_error = math.sqrt(probability * (1 - probability) / draws)
        assert abs(np.mean(working <= value) - probability) <= 5 * standard_error + 1e-9
