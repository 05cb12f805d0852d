"""The report's part on planning the next trial: the numbers it quotes are recomputed here
from the exact functions (power by enumeration at the calibration's design effect,
assurance from each prior's posterior), and the parts without a design effect."""

import re
from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np
import pytest

import models.report.format as fmt
from models.core.direction import Direction
from models.exact.assurance import assurance, mixture_assurance, operating_characteristics
from models.exact.beta_binomial import p_benefit, posterior
from models.exact.success_rule import SuccessRule
from models.priors.calibration import design_treatment_rate
from models.priors.posteriors import beta_mixture_posterior
from models.report import figures, text, text_planning


def power_at(prior_set, n: int, direction: Direction = "higher") -> float:
    calibration = prior_set.calibration
    [power] = operating_characteristics(SuccessRule.per_arm(n, direction=direction),
                                        calibration.placebo_rate,
                                        [design_treatment_rate(calibration)])
    return power


def size_for_90_percent_power(prior_set) -> int:
    """The smallest whole size with 90% power, by scanning every size from 2."""
    return next(n for n in range(2, 401) if power_at(prior_set, n) >= 0.9)


def test_reading_quotes_assurance_at_the_size_for_90_percent_power(report_results, trial,
                                                                   prior_set):
    sentence = text_planning.planning_reading(report_results)
    n = size_for_90_percent_power(prior_set)
    assert f"it needs {n} per arm" in sentence
    remission = trial.outcome("remission")
    values = {}
    for name in prior_set.names:
        prior = prior_set.get(name)
        arms = beta_mixture_posterior(prior, remission)  # one Beta per arm unless robust
        values[name] = mixture_assurance(SuccessRule.per_arm(n), arms)
        if prior.robust is None:
            ceiling = p_benefit(prior.beta_binomial, remission)
            assert assurance(SuccessRule.per_arm(n), posterior(prior.beta_binomial,
                                                                remission)) == \
                pytest.approx(mixture_assurance(SuccessRule.per_arm(n), arms), abs=1e-15)
        else:
            ceiling = float(arms.benefit_probabilities((0.0,))[0])
        assert report_results.planning.outcomes[0].assurance[name].ceiling == \
            pytest.approx(ceiling, abs=1e-15)
    low, high = min(values, key=values.get), max(values, key=values.get)
    assert len(values) > text_planning.LISTED_PRIORS  # the shipped file: the range
    assert (f"from {fmt.prob(values[low])} ({prior_set.get(low).label.lower()}) to "
            f"{fmt.prob(values[high])} ({prior_set.get(high).label.lower()})") in sentence
    assert "25% on placebo, 45% on tocilizumab: odds ratio 2.50" in sentence
    assert "@fig-assurance" in sentence


def test_reading_gives_the_plateau_by_its_definition(report_results, trial, prior_set):
    sentence = text_planning.planning_reading(report_results)
    match = re.search(r"Under the reference prior no size up to 400 per arm reaches 0.8, and "
                      r"beyond (\d+) per arm 50 more add under 1 point", sentence)
    assert match is not None
    n = int(match.group(1))
    arms = posterior(prior_set.get("reference").beta_binomial, trial.outcome("remission"))
    gain = [assurance(SuccessRule.per_arm(m + 50), arms) - assurance(SuccessRule.per_arm(m), arms)
            for m in (n - 10, n)]
    assert gain[1] < 0.01 <= gain[0]
    assert "under the skeptical prior assurance is still rising at 350" in sentence


def test_conclusions_say_a_confirmatory_trial_may_fail(report_results, trial, prior_set):
    sentence = text.conclusions(report_results)
    n = size_for_90_percent_power(prior_set)
    values = [assurance(SuccessRule.per_arm(n), posterior(prior_set.get(name).beta_binomial,
                                                          trial.outcome("remission")))
              for name in prior_set.names]
    assert (f"Nor that a confirmatory trial would succeed: at {n} per arm (90% power at the "
            f"design effect) its assurance (beta-binomial model) for remission at day 28 is "
            f"{fmt.span(values)}") in sentence


@pytest.fixture(scope="module")
def uncalibrated(report_results):
    return replace(report_results,
                   prior_set=replace(report_results.prior_set, calibration=None))


def test_without_a_design_effect_there_is_no_power_and_assurance_is_quoted_at_200(
        uncalibrated):
    assert uncalibrated.planning.design is None
    assert all(o.power is None for o in uncalibrated.planning.outcomes)
    sentence = text_planning.planning_reading(uncalibrated)
    assert "Without a design effect in the priors file there is no power curve" in sentence
    assert "at 200 per arm" in sentence
    assert "*power*" not in sentence
    assert "at 200 per arm its assurance" in text_planning.next_trial_clause(uncalibrated)
    fig = figures.assurance_curves(uncalibrated.planning)
    try:
        assert not [line for ax in fig.axes for line in ax.get_lines()
                    if line.get_linestyle() == "--"]
        assert "power at the design effect" not in [t.get_text() for legend in fig.legends
                                                    for t in legend.get_texts()]
    finally:
        plt.close(fig)


def test_figure_draws_each_curve_and_marks_the_size_for_90_percent_power(report_results,
                                                                         prior_set):
    fig = figures.assurance_curves(report_results.planning)
    n = size_for_90_percent_power(prior_set)
    try:
        assert len(fig.axes) == len(report_results.trial.outcomes)
        for ax, outcome in zip(fig.axes, report_results.planning.outcomes, strict=True):
            solid = [line for line in ax.get_lines() if line.get_linewidth() == 2]
            assert [list(np.asarray(line.get_ydata())) for line in solid] == [
                list(curve.assurance) for curve in outcome.assurance.values()]
            vertical = [line for line in ax.get_lines()
                        if list(np.asarray(line.get_xdata())) == [n, n]]
            assert outcome.power_size == n
            assert len(vertical) == 1
            assert any(f"{n} per arm" in t.get_text() for t in ax.texts)
    finally:
        plt.close(fig)


def test_reading_says_whether_the_first_prior_reaches_an_assurance_of_0_8(report_results,
                                                                          trial, prior_set):
    sentence = text_planning.planning_reading(report_results)
    arms = posterior(prior_set.get("reference").beta_binomial, trial.outcome("remission"))
    largest = assurance(SuccessRule.per_arm(400), arms)
    assert largest < 0.8
    assert "under the reference prior no size up to 400 per arm reaches 0.8" in \
        sentence.lower()


def test_details_compare_assurance_and_power_at_20_per_arm(report_results, trial, prior_set):
    details = text_planning.planning_details(report_results)
    arms = posterior(prior_set.get("reference").beta_binomial, trial.outcome("remission"))
    at_20 = assurance(SuccessRule.per_arm(20), arms)
    assert at_20 > power_at(prior_set, 20)
    assert (f"At 20 per arm the assurance for remission at day 28 under the reference prior is "
            f"{fmt.prob(at_20)}, against a power of {fmt.prob(power_at(prior_set, 20))}") in details
    assert "the power curve is therefore the same for every named prior" in details
    n = size_for_90_percent_power(prior_set)
    assert f"{n} per arm is the smallest whole size with 90% power" in details
    skeptical = report_results.exact[("skeptical", "remission")].summary.p_benefit.estimate
    assert f"P(benefit) for remission at day 28 is {fmt.prob(skeptical)}" in details
