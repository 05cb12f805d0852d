"""The figures' curves (models.report.curves) against independent answers, and the figures
(models.report.figures) drawing exactly what they are given."""

import math
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from scipy import special, stats  # noqa: E402

from models.exact.beta_binomial import ARD_THRESHOLDS, posterior  # noqa: E402
from models.exact.beta_mixture import MixtureArms  # noqa: E402
from models.priors.posteriors import (  # noqa: E402
    beta_mixture_posterior,
    beta_mixture_prior,
    logistic_posterior,
)
from models.report import curves, figures  # noqa: E402
from models.sensitivity.heat_map import SensitivityResults  # noqa: E402
from models.sensitivity.prior_map import (  # noqa: E402
    SensitivityGrid,
    log_or_likelihood,
    p_benefit,
)


def _mean_and_variance(ard: np.ndarray, density: np.ndarray) -> tuple[float, float]:
    """Mean and variance of ARD from a density on a grid (trapezoid rule)."""
    mean = np.trapezoid(ard * density, ard)
    return float(mean), float(np.trapezoid((ard - mean) ** 2 * density, ard))


def _arm_moments(mixture) -> tuple[float, float]:
    """Mean and variance of a rate under a Beta mixture (one Beta is a mixture of one)."""
    mean = sum(w * c.alpha / (c.alpha + c.beta)
               for w, c in zip(mixture.weights, mixture.components, strict=True))
    second = sum(w * (c.alpha * (c.alpha + 1)) / ((c.alpha + c.beta) * (c.alpha + c.beta + 1))
                 for w, c in zip(mixture.weights, mixture.components, strict=True))
    return mean, second - mean**2


def test_triplot_densities_have_the_moments_of_the_right_betas(trial, prior_set):
    """Each density's mean and variance equal the closed-form moments of p_t - p_c for the
    prior, the flat-prior posterior (data alone) and the posterior of its panel (Beta
    mixtures for the robust priors)."""
    result = curves.prior_data_posterior(trial, prior_set)
    assert list(result.labels) == prior_set.names
    assert any(prior.robust is not None for prior in prior_set.priors.values())

    def check(density: np.ndarray, arms: MixtureArms) -> None:
        (m_t, v_t), (m_c, v_c) = (_arm_moments(a) for a in (arms.treatment, arms.control))
        mean, variance = _mean_and_variance(result.ard, density)
        assert mean == pytest.approx(m_t - m_c, abs=1e-4)
        assert variance == pytest.approx(v_t + v_c, rel=1e-3)

    for row, outcome in zip(result.rows, trial.outcomes.values(), strict=True):
        assert row.outcome_label == outcome.label
        flat = prior_set.get("reference").beta_binomial  # Beta(1, 1) per arm
        check(row.data_alone, MixtureArms.of(posterior(flat, outcome)))
        for panel, name in zip(row.panels, prior_set.names, strict=True):
            prior = prior_set.get(name)
            assert panel.prior == name
            check(panel.posterior_density, beta_mixture_posterior(prior, outcome))
            if name != "reference" and prior.robust is None:  # uniform parts reach beyond
                check(panel.prior_density, beta_mixture_prior(prior))  # the grid


def primary_posteriors(trial, prior_set) -> dict:
    return {(p.name, o.name): logistic_posterior(p, o)
            for p in prior_set.priors.values() for o in trial.outcomes.values()}


def _mixture_draws(rng, mixture, size: int) -> np.ndarray:
    """Draws from a normal or Beta mixture (component first, then the value)."""
    which = rng.choice(len(mixture.weights), size=size, p=np.array(mixture.weights))
    out = np.empty(size)
    for k, component in enumerate(mixture.components):
        chosen = which == k
        out[chosen] = (rng.beta(component.alpha, component.beta, chosen.sum())
                       if hasattr(component, "alpha")
                       else rng.normal(component.mean, component.sd, chosen.sum()))
    return out


@pytest.mark.slow
def test_benefit_curves_against_monte_carlo(trial, prior_set):
    """The primary (logistic) curves against the sensitivity map's independent integration
    at d = 0 and against self-normalised importance sampling at other d; the beta-binomial
    comparison curves against Monte Carlo draws of the Beta posteriors."""
    result = curves.benefit_curves(trial, prior_set, ARD_THRESHOLDS,
                                   primary_posteriors(trial, prior_set))
    rng = np.random.default_rng(11)
    size = 400_000
    for panel, outcome in zip(result.panels, trial.outcomes.values(), strict=True):
        for curve, name in zip(panel.curves, prior_set.names, strict=True):
            prior = prior_set.get(name)
            logistic = prior.logistic
            if prior.robust is None:  # the map's integration takes one normal log-OR prior
                at_zero = p_benefit(log_or_likelihood(outcome, logistic.intercept),
                                    np.asarray(logistic.treatment.mean),
                                    np.asarray(logistic.treatment.sd))
                assert curve.y[20] == pytest.approx(float(at_zero), abs=2e-6)  # d = 0
            a = rng.normal(logistic.intercept.mean, logistic.intercept.sd, size)
            b = _mixture_draws(rng, prior.log_odds_ratio_mixture, size)
            t, c = outcome.treatment, outcome.control
            log_w = (stats.binom.logpmf(c.events, c.n, special.expit(a))
                     + stats.binom.logpmf(t.events, t.n, special.expit(a + b)))
            w = np.exp(log_w - log_w.max())
            w /= w.sum()
            ard = special.expit(a + b) - special.expit(a)
            for index in (0, 30, 50):  # d = -20, +10, +30 points
                d = result.thresholds_grid[index]
                assert curve.y[index] == pytest.approx(np.sum(w[ard > d]), abs=0.01), (name, d)
            assert np.all(np.diff(curve.y) <= 1e-9)
    for panel, outcome in zip(result.comparison, trial.outcomes.values(), strict=True):
        for curve, name in zip(panel.curves, prior_set.names, strict=True):
            post = beta_mixture_posterior(prior_set.get(name), outcome)
            ard = (_mixture_draws(rng, post.treatment, size)
                   - _mixture_draws(rng, post.control, size))
            for index in (0, 20, 30, 50):  # d = -20, 0, +10, +30 points
                d, p = result.thresholds_grid[index], curve.y[index]
                se = math.sqrt(p * (1 - p) / size)
                assert abs(np.mean(ard > d) - p) < 5 * se + 1e-12, (name, d)
    assert result.thresholds == ARD_THRESHOLDS


def _fake_fit(crp: np.ndarray, shift: float) -> SimpleNamespace:
    """An object with the ``curves`` table of an interaction fit (columns as fitted)."""
    table = {"crp_mg_l": crp, "p_benefit": 0.5 + shift * np.log(crp) / 10}
    for prefix in curves.BAND_PREFIXES:
        for i, part in enumerate(("median", "lower50", "upper50", "lower95", "upper95")):
            table[f"{prefix}_{part}"] = np.full(crp.size, shift + i)
    return SimpleNamespace(curves=pd.DataFrame(table))


def test_crp_curves_follow_the_priors_and_keep_observed_values_in_range(trial, prior_set):
    crp = np.geomspace(3.0, 30.0, 25)  # end points exactly 3 and 30 mg/L
    fits = {(name, outcome): _fake_fit(crp, i)
            for i, name in enumerate(prior_set.names) for outcome in trial.outcomes}
    observed = np.array([1.0, 3.0, 7.5, 30.0, 45.0])
    benefit = curves.crp_benefit(fits, prior_set, trial, observed, 0.9)
    assert benefit.level == 0.9
    for panel in benefit.panels:
        assert [c.prior for c in panel.curves] == prior_set.names
        np.testing.assert_array_equal(panel.observed, [3.0, 7.5, 30.0])
        np.testing.assert_allclose(panel.curves[1].y, 0.5 + np.log(crp) / 10)
    effects = curves.crp_effects(fits, prior_set, "remission", observed)
    assert [c.prior for c in effects.columns] == prior_set.names
    band = effects.columns[2].bands["ard"]
    assert (band.median[0], band.lower50[0], band.upper95[0]) == (2.0, 3.0, 6.0)


def test_sensitivity_map_marks_only_named_priors_inside_the_grid(trial, prior_set):
    means, sds = np.linspace(-1, 2, 4), np.linspace(0.1, 3, 5)
    grids = {o: SensitivityGrid(means, sds, np.full((4, 5), 0.7), None)  # type: ignore[arg-type]
             for o in trial.outcomes}
    named = pd.DataFrame([
        {"prior": "reference", "label": "Reference", "outcome": "remission", "mean": 0.0,
         "sd": 2.5, "p_benefit": 0.8},
        {"prior": "skeptical", "label": "Skeptical", "outcome": "remission", "mean": 0.0,
         "sd": 0.05, "p_benefit": 0.6},  # SD below the grid: not drawn
        {"prior": "enthusiastic", "label": "Enthusiastic", "outcome": "response",
         "mean": 0.9163, "sd": 0.5571, "p_benefit": 0.9},
    ])
    result = curves.sensitivity_map(SensitivityResults(grids, {}, named, "reference"),
                                    prior_set, trial)
    remission, response = result.panels
    np.testing.assert_allclose(remission.odds_ratios, np.exp(means))
    assert [p.prior for p in remission.named] == ["reference"]
    assert [p.prior for p in response.named] == ["enthusiastic"]
    assert response.named[0].odds_ratio == pytest.approx(2.5, abs=1e-4)


def test_simulation_study_share_detected():
    replicates = pd.DataFrame({"interaction_median": [0.1, 0.4, -0.2, 0.8],
                               "interaction_p_positive": [0.95, 0.5, 0.91, 0.9]})
    result = curves.simulation_study(replicates, 0.6, 0.9)
    assert result.detected == 0.5  # 0.95 and 0.91 are above 0.9; 0.9 itself is not


@pytest.mark.slow
def test_benefit_figure_draws_the_primary_solid_and_the_comparison_dashed(trial, prior_set):
    """Lines on the axes are the curves (thresholds in percentage points): each prior's
    primary curve solid and its beta-binomial curve dashed in the same colour, and a legend
    naming the two line styles."""
    benefit = curves.benefit_curves(trial, prior_set, ARD_THRESHOLDS,
                                    primary_posteriors(trial, prior_set))
    fig = figures.benefit_curves(benefit)
    assert len(fig.axes) == len(trial.outcomes)
    colors = figures.prior_colors(prior_set)
    for ax, panel, other in zip(fig.axes, benefit.panels, benefit.comparison, strict=True):
        drawn = [line for line in ax.get_lines() if len(line.get_xdata()) > 2]  # not rules
        solid = [line for line in drawn if line.get_linestyle() == "-"]
        dashed = [line for line in drawn if line.get_linestyle() == "--"]
        assert len(solid) == len(dashed) == len(prior_set.names)
        for line, curve in zip(solid, panel.curves, strict=True):
            np.testing.assert_allclose(line.get_xdata(), 100 * benefit.thresholds_grid)
            np.testing.assert_allclose(line.get_ydata(), curve.y)
            assert line.get_color() == colors[curve.prior]
        for line, curve in zip(dashed, other.curves, strict=True):
            np.testing.assert_allclose(line.get_ydata(), curve.y)
            assert line.get_color() == colors[curve.prior]
    styles = [t.get_text() for t in fig.axes[-1].get_legend().get_texts()]
    assert styles == list(benefit.model_labels)
    plt.close(fig)


@pytest.mark.slow
def test_a_density_that_cannot_be_computed_is_left_out(prior_set, trial):
    # Beta(0.01, 0.01) in both arms puts its mass within a hair of 0 and 1: the exact ARD
    # density cannot reach its stated accuracy there, so that prior curve is not drawn
    # while the posterior (which the data pull inside) still is.
    from dataclasses import replace

    from models.core.distributions import BetaBinomialPrior, BetaPrior

    near_flat = BetaPrior(0.01, 0.01)
    prior = replace(prior_set.get("reference"), name="near_flat", label="Nearly flat",
                    beta_binomial=BetaBinomialPrior(near_flat, near_flat))
    priors = replace(prior_set, priors={**prior_set.priors, "near_flat": prior})
    assert np.isnan(curves.ard_density(prior.beta_binomial)).all()
    assert np.isfinite(curves.ard_density(prior_set.get("skeptical").beta_binomial)).all()
    triplot = curves.prior_data_posterior(trial, priors)
    panel = next(p for p in triplot.rows[0].panels if p.prior == "near_flat")
    assert np.isnan(panel.prior_density).all()
    assert np.isfinite(panel.posterior_density).all() and 0.5 < panel.p_benefit < 1
    plt.close(figures.prior_data_posterior(triplot))
