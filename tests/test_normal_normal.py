"""The normal-normal model of a log ratio: the closed form against hand algebra, Monte
Carlo and scipy's own odds-ratio interval; bad published estimates refused with the field
named; ``reanalysis fit --model normal`` on the counts."""

import json
import math

import numpy as np
import pytest
from scipy import stats

from models.cli.main import main
from models.core.distributions import NormalPrior
from models.core.errors import InputError
from models.data.trial import ArmCounts
from models.exact.logistic_posterior import LogisticPosterior
from models.exact.normal_normal import (
    Z_975,
    LogRatioLikelihood,
    from_counts,
    from_published,
    normal_posterior,
)


@pytest.mark.parametrize(("prior", "likelihood"), [
    (NormalPrior(0.0, 0.5571), LogRatioLikelihood("odds_ratio", 0.94, 0.77)),
    (NormalPrior(0.9163, 0.5571), LogRatioLikelihood("hazard_ratio", -0.29, 0.16)),
    (NormalPrior(0.0, 2.5), LogRatioLikelihood("risk_ratio", 1.5, 0.05)),
])
def test_posterior_is_the_precision_weighted_average(prior, likelihood):
    posterior = normal_posterior(prior, likelihood)
    w_prior, w_data = 1 / prior.sd**2, 1 / likelihood.standard_error**2
    assert posterior.sd == pytest.approx((w_prior + w_data) ** -0.5, rel=1e-12)
    assert posterior.mean == pytest.approx(
        (w_prior * prior.mean + w_data * likelihood.log_estimate) / (w_prior + w_data),
        rel=1e-12)
    assert posterior.p_benefit("higher") == pytest.approx(
        stats.norm.cdf(posterior.mean / posterior.sd), abs=1e-15)
    assert posterior.p_benefit("lower") == pytest.approx(
        1 - posterior.p_benefit("higher"), abs=1e-15)
    effect = posterior.effect()
    assert effect.median == pytest.approx(math.exp(posterior.mean), rel=1e-12)
    assert effect.lower == pytest.approx(math.exp(posterior.mean - Z_975 * posterior.sd))
    assert effect.upper == pytest.approx(math.exp(posterior.mean + Z_975 * posterior.sd))


def test_posterior_against_monte_carlo():
    """Prior draws weighted by the normal likelihood (self-normalised importance sampling)
    give the closed-form mean, SD and P(benefit)."""
    prior, likelihood = NormalPrior(0.2, 0.6), LogRatioLikelihood("odds_ratio", 0.9, 0.7)
    rng = np.random.default_rng(20261128)
    theta = rng.normal(prior.mean, prior.sd, 2_000_000)
    w = stats.norm.pdf(likelihood.log_estimate, theta, likelihood.standard_error)
    w /= w.sum()
    posterior = normal_posterior(prior, likelihood)
    mean = float(np.sum(w * theta))
    assert mean == pytest.approx(posterior.mean, abs=2e-3)
    assert math.sqrt(float(np.sum(w * (theta - mean) ** 2))) == pytest.approx(posterior.sd,
                                                                             abs=2e-3)
    assert float(np.sum(w[theta > 0])) == pytest.approx(posterior.p_benefit(), abs=2e-3)


def test_published_interval_gives_the_standard_error():
    likelihood = from_published("risk_ratio", 0.76, 0.55, 1.04)
    assert likelihood.log_estimate == pytest.approx(math.log(0.76))
    assert likelihood.standard_error == pytest.approx(
        (math.log(1.04) - math.log(0.55)) / (2 * 1.959964), rel=1e-6)


@pytest.mark.parametrize(("measure", "value", "lower", "upper", "field", "message"), [
    ("odds_ratio", 2.0, 2.5, 4.0, "estimate.ci95", "must contain the value 2"),
    ("odds_ratio", 2.0, 0.0, 4.0, "estimate.ci95", "must be positive"),
    ("odds_ratio", -1.0, 0.5, 4.0, "estimate.value", "must be positive"),
    ("odds_ratio", 2.0, 4.0, 1.0, "estimate.ci95", "lower < upper"),
    ("odds_ratio", 2.0, 2.0, 2.0, "estimate.ci95", "lower < upper"),
    ("mean_difference", 2.0, 1.0, 3.0, "estimate.measure", "must be one of odds_ratio"),
    ("hazard_ratio", math.inf, 1.0, 3.0, "estimate.value", "must be positive finite"),
])
def test_bad_published_estimates_are_refused_naming_the_field(measure, value, lower, upper,
                                                              field, message):
    with pytest.raises(InputError) as error:
        from_published(measure, value, lower, upper)
    assert error.value.field == field
    assert message in error.value.message


def test_counts_give_the_sample_log_odds_ratio_and_woolf_error(trial):
    remission = trial.outcome("remission")
    t, c = remission.treatment, remission.control
    table = [[t.events, t.n - t.events], [c.events, c.n - c.events]]
    sample = stats.contingency.odds_ratio(table, kind="sample")
    interval = sample.confidence_interval(0.95)  # scipy's Wald interval uses Woolf's SE
    likelihood = from_counts(remission)
    assert likelihood.measure == "odds_ratio"
    assert likelihood.log_estimate == pytest.approx(math.log(sample.statistic), rel=1e-12)
    assert likelihood.standard_error == pytest.approx(
        (math.log(interval.high) - math.log(interval.low)) / (2 * Z_975), rel=1e-9)


def test_a_zero_cell_adds_one_half_to_every_cell(trial):
    zero = trial.outcome("remission").with_counts(ArmCounts(0, 13), ArmCounts(5, 16))
    likelihood = from_counts(zero)
    a, b, c, d = 0.5, 13.5, 5.5, 11.5
    assert likelihood.log_estimate == pytest.approx(math.log(a * d / (b * c)))
    assert likelihood.standard_error == pytest.approx(math.sqrt(1 / a + 1 / b + 1 / c + 1 / d))


def test_with_a_weak_prior_the_approximation_is_close_to_the_exact_logistic_model(trial,
                                                                                    prior_set):
    """What a teacher shows: the normal approximation of the log OR against the exact
    aggregate logistic model, same weak prior on the log OR (they differ a little: the
    likelihood is not normal with 29 participants)."""
    reference = prior_set.get("reference").logistic
    remission = trial.outcome("remission")
    approximate = normal_posterior(reference.treatment, from_counts(remission)).p_benefit()
    exact = LogisticPosterior(remission, reference.intercept, reference.treatment).p_benefit()
    assert abs(approximate - exact) < 0.02


def test_cli_normal_model_json(capsys, prior_set, trial):
    assert main(["fit", "--model", "normal", "--outcome", "response", "--prior", "skeptical",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"model", "prior", "method", "p_benefit", "effect"} <= set(result)
    assert (result["model"], result["prior"], result["method"]) == ("normal", "skeptical",
                                                                    "exact")
    expected = normal_posterior(prior_set.get("skeptical").logistic.treatment,
                                from_counts(trial.outcome("response")))
    assert result["p_benefit"] == pytest.approx(expected.p_benefit(), abs=1e-12)
    assert result["effect"]["measure"] == "odds_ratio"
    assert result["effect"]["median"] == pytest.approx(math.exp(expected.mean))
    assert result["effect"]["ci95"] == pytest.approx([expected.effect().lower,
                                                      expected.effect().upper])


def test_cli_normal_model_text_and_refused_flag(capsys):
    assert main(["fit", "--model", "normal", "--prior", "reference", "--treatment",
                 "9/13"]) == 0
    text = capsys.readouterr().out
    assert "normal | remission | prior Reference | exact" in text
    assert "treatment 9/13" in text and "odds ratio: median" in text
    assert main(["fit", "--model", "normal", "--prior", "reference", "--mcmc"]) == 2
    assert "--mcmc does not apply to --model normal" in capsys.readouterr().err
