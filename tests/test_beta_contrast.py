"""The distribution of ARD, RR and OR for two Beta arms against independent answers.

References: adaptive Gauss-Kronrod quadrature (``scipy.integrate.quad``, always integrating
over the treatment arm with scipy.stats' Beta, whichever arm the object integrates over),
closed forms (uniform arms; Miller's finite sum for integer alpha), and large seeded Monte
Carlo.
"""

import math

import numpy as np
import pytest
from scipy import integrate, special

from models.core.distributions import BetaPrior
from models.exact.beta_contrast import PROBABILITY_ACCURACY, QUANTILE_ACCURACY, BetaContrast

QUAD = {"epsabs": 1e-12, "epsrel": 1e-11, "limit": 400}

ARMS = [
    ((8, 7), (6, 12)),                    # posterior-like, integer
    ((1, 1), (1, 1)),                     # the reference prior: uniform arms
    ((5.8273, 17.482), (5.8273, 17.482)),  # the shipped skeptical prior
    ((19.7536, 21.3043), (12.0145, 32.0435)),  # enthusiastic prior + remission counts
    ((0.5, 0.5), (2, 3)),                 # infinite densities at both ends of one arm
    ((3, 20), (12, 2)),                   # arms on opposite sides
    ((2, 5), (400, 600)),                 # one arm far narrower than the other
    ((1.5, 0.7), (0.8, 1.2)),             # parameters below 1
]
VALUES = {"ard": [-0.5, -0.2, 0.0, 0.05, 0.1, 0.2, 0.45],
          "rr": [0.2, 0.5, 1.0, 1.3, 2.0, 4.0],
          "or": [0.2, 0.5, 1.0, 1.3, 2.5, 6.0]}


def _inner_argument(measure: str, x: float, value: float) -> float:
    """p_c below which the measure exceeds ``value`` when p_t = x."""
    if measure == "ard":
        return x - value
    if measure == "rr":
        return x / value
    return x / (x + value * (1 - x))


def _beta_pdf(prior: BetaPrior, x: float) -> float:
    """Beta density from its definition (scalar, for the quadrature references)."""
    if not 0.0 < x < 1.0:
        return 0.0
    return math.exp((prior.alpha - 1) * math.log(x) + (prior.beta - 1) * math.log1p(-x)
                    - special.betaln(prior.alpha, prior.beta))


def _limits(measure: str, value: float) -> tuple[float, float]:
    """p_t range on which the inner argument lies in (0, 1)."""
    lower = max(value, 0.0) if measure == "ard" else 0.0
    upper = {"ard": min(1.0, 1.0 + value), "rr": min(1.0, value), "or": 1.0}[measure]
    return lower, upper


def quad_sf(t: BetaPrior, c: BetaPrior, measure: str, value: float) -> float:
    """P(measure > value) = E_t[F_c(w(p_t))] by adaptive quadrature over p_t."""
    lower, upper = _limits(measure, value)
    inside, _ = integrate.quad(
        lambda x: _beta_pdf(t, x) * special.betainc(c.alpha, c.beta,
                                                     _inner_argument(measure, x, value)),
        lower, upper, **QUAD)
    # above ``upper`` the event is certain
    return inside + float(special.betainc(t.beta, t.alpha, 1.0 - upper))


def quad_pdf(t: BetaPrior, c: BetaPrior, measure: str, value: float) -> float:
    """Density of the measure at ``value``: E_t[f_c(w) |dw/dvalue|] by quadrature."""

    def slope(x: float) -> float:
        if measure == "ard":
            return 1.0
        if measure == "rr":
            return x / value**2
        return x * (1 - x) / (x + value * (1 - x)) ** 2

    density, _ = integrate.quad(
        lambda x: _beta_pdf(t, x) * _beta_pdf(c, _inner_argument(measure, x, value)) * slope(x),
        *_limits(measure, value), **QUAD)
    return density


@pytest.mark.parametrize(("t", "c"), ARMS)
@pytest.mark.parametrize("measure", ["ard", "rr", "or"])
def test_probabilities_and_density_match_adaptive_quadrature(t, c, measure):
    treatment, control = BetaPrior(*t), BetaPrior(*c)
    distribution = BetaContrast(treatment, control, measure)
    values = VALUES[measure]
    reference_sf = np.array([quad_sf(treatment, control, measure, v) for v in values])
    np.testing.assert_allclose(distribution.sf(values), reference_sf,
                               atol=PROBABILITY_ACCURACY, rtol=0)
    np.testing.assert_allclose(distribution.cdf(values), 1 - reference_sf,
                               atol=PROBABILITY_ACCURACY, rtol=0)
    reference_pdf = np.array([quad_pdf(treatment, control, measure, v) for v in values])
    np.testing.assert_allclose(distribution.pdf(values), reference_pdf,
                               atol=PROBABILITY_ACCURACY * max(1.0, reference_pdf.max()),
                               rtol=0)


def miller_p_benefit(t: BetaPrior, c: BetaPrior) -> float:
    """P(p_t > p_c) for integer alpha_t (E. Miller's finite sum of Beta functions)."""
    return sum(
        math.exp(special.betaln(c.alpha + i, c.beta + t.beta) - math.log(t.beta + i)
                 - special.betaln(1 + i, t.beta) - special.betaln(c.alpha, c.beta))
        for i in range(int(t.alpha))
    )


@pytest.mark.parametrize(("t", "c"), [((8, 7), (6, 12)), ((7, 4), (4, 14)), ((1, 1), (1, 1)),
                                      ((3, 20), (12, 2)), ((15, 9), (2, 30)),
                                      ((2, 5.5), (0.7, 3.2))])
def test_p_benefit_equals_closed_form(t, c):
    treatment, control = BetaPrior(*t), BetaPrior(*c)
    expected = miller_p_benefit(treatment, control)
    for measure, one in (("ard", 0.0), ("rr", 1.0), ("or", 1.0)):
        assert float(BetaContrast(treatment, control, measure).sf(one)) == pytest.approx(
            expected, abs=1e-12)


def test_uniform_arms_closed_forms():
    """Uniform arms: ARD is triangular; RR has P(RR > r) = 1/(2r) above 1, 1 - r/2 below."""
    uniform = BetaPrior(1, 1)
    ard = BetaContrast(uniform, uniform, "ard")
    d = np.array([-0.9, -0.3, 0.0, 0.25, 0.8])
    np.testing.assert_allclose(ard.pdf(d), 1 - np.abs(d), atol=1e-12)
    np.testing.assert_allclose(ard.sf(d), np.where(d > 0, (1 - d) ** 2 / 2,
                                                   1 - (1 + d) ** 2 / 2), atol=1e-12)
    assert ard.ppf(0.975) == pytest.approx(1 - math.sqrt(0.05), abs=1e-9)
    rr = BetaContrast(uniform, uniform, "rr")
    r = np.array([0.1, 0.5, 1.0, 2.0, 20.0])
    np.testing.assert_allclose(rr.sf(r), np.where(r >= 1, 1 / (2 * r), 1 - r / 2), atol=1e-12)
    np.testing.assert_allclose(rr.pdf(r), np.where(r >= 1, 1 / (2 * r**2), 0.5), atol=1e-12)
    assert rr.interval(0.95) == pytest.approx((0.05, 20.0), rel=1e-8)


@pytest.mark.parametrize(("t", "c"), ARMS)
@pytest.mark.parametrize("measure", ["ard", "rr", "or"])
def test_quantiles_invert_the_quadrature_cdf(t, c, measure):
    """At each quantile, the adaptive-quadrature CDF equals the target probability to within
    QUANTILE_ACCURACY times the density (on the working scale: ARD, log RR, log OR)."""
    treatment, control = BetaPrior(*t), BetaPrior(*c)
    probabilities = [0.025, 0.5, 0.975]
    found = BetaContrast(treatment, control, measure).ppf(probabilities)
    for q, value in zip(probabilities, found, strict=True):
        reference_cdf = 1 - quad_sf(treatment, control, measure, value)
        working_density = quad_pdf(treatment, control, measure, value) * (
            1.0 if measure == "ard" else value)
        assert abs(reference_cdf - q) <= QUANTILE_ACCURACY * working_density, (q, value)


def test_against_large_monte_carlo():
    """Probabilities within 5 binomial SEs and quantiles within a few MC SEs of 2e6 draws."""
    treatment, control = BetaPrior(12.83, 21.4), BetaPrior(10.8, 28.5)
    rng = np.random.default_rng(20240607)
    size = 2_000_000
    p_t, p_c = rng.beta(12.83, 21.4, size), rng.beta(10.8, 28.5, size)
    draws = {"ard": p_t - p_c, "rr": p_t / p_c,
             "or": (p_t / (1 - p_t)) / (p_c / (1 - p_c))}
    for measure, values in draws.items():
        distribution = BetaContrast(treatment, control, measure)
        points = np.quantile(values, [0.1, 0.5, 0.9])
        empirical = np.array([np.mean(values > v) for v in points])
        binomial_se = np.sqrt(empirical * (1 - empirical) / size)
        assert np.all(np.abs(distribution.sf(points) - empirical) < 5 * binomial_se), measure
        for q in (0.025, 0.5, 0.975):
            exact = float(distribution.ppf(q))
            # The exact quantile's empirical CDF is q within 5 binomial SEs.
            assert abs(np.mean(values <= exact) - q) < 5 * math.sqrt(q * (1 - q) / size)


def test_density_integrates_to_one_and_is_zero_outside_the_support():
    distribution = BetaContrast(BetaPrior(8, 7), BetaPrior(6, 12), "ard")
    total, _ = integrate.quad(lambda v: float(distribution.pdf(v)), -1, 1, epsabs=1e-12)
    assert total == pytest.approx(1.0, abs=1e-10)
    assert list(distribution.pdf([-1.5, 1.0, 2.0])) == [0.0, 0.0, 0.0]
    assert list(distribution.sf([-1.0, 1.0])) == [1.0, 0.0]
    ratio = BetaContrast(BetaPrior(8, 7), BetaPrior(6, 12), "or")
    assert list(ratio.cdf([-1.0, 0.0])) == [0.0, 0.0]


def test_vectorised_shapes_and_scalar_round_trip():
    distribution = BetaContrast(BetaPrior(8, 7), BetaPrior(6, 12), "rr")
    grid = np.linspace(0.5, 3.0, 12).reshape(3, 4)
    assert distribution.sf(grid).shape == (3, 4)
    assert distribution.pdf(grid).shape == (3, 4)
    q = distribution.ppf([[0.1, 0.2], [0.3, 0.4]])
    np.testing.assert_allclose(distribution.cdf(q), [[0.1, 0.2], [0.3, 0.4]], atol=1e-9)
    lower, upper = distribution.interval(0.9)
    assert distribution.cdf(lower) == pytest.approx(0.05, abs=1e-9)
    assert distribution.cdf(upper) == pytest.approx(0.95, abs=1e-9)
    assert distribution.median() == pytest.approx(float(distribution.ppf(0.5)))


def test_invalid_arguments_are_named():
    with pytest.raises(ValueError, match="measure must be one of ard, rr, or, got 'nnt'"):
        BetaContrast(BetaPrior(1, 1), BetaPrior(1, 1), "nnt")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"Beta parameters must be > 0, got Beta\(alpha: 0"):
        BetaContrast(BetaPrior(0, 1), BetaPrior(1, 1))
    with pytest.raises(ValueError, match="probabilities must be strictly between 0 and 1"):
        BetaContrast(BetaPrior(2, 2), BetaPrior(2, 2)).ppf(1.0)
