"""The report's sentences: each builder returns the text with the numbers it must carry,
checked against independent computations, and every branch (no calibration block, a
disagreeing sampler, flagged fits, a tipping point that is never reached, the benefit
region everywhere / nowhere / in a range, a render from a dirty tree) is exercised."""

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import models.report.format as fmt
from models.core.types import Probability
from models.exact.beta_binomial import PROBABILITY_ACCURACY, QUANTILE_ACCURACY, fit_exact
from models.mcmc.benefit_region import BenefitRegion
from models.mcmc.diagnostics import Diagnostics
from models.mcmc.power_scaling import PSENSE_THRESHOLD
from models.mcmc.sampling import SamplerSettings
from models.report import text, text_sensitivity, text_simulated
from models.report.provenance import Provenance, priors_argument, reproduce_box
from models.report.results import MCSE_AGREEMENT
from models.sensitivity.prior_map import BENEFIT_TARGETS
from models.simulation.process import DEFAULT_PROCESS


def exact_p(prior_set, prior: str, outcome) -> float:
    return fit_exact(prior_set.get(prior).beta_binomial, outcome).summary.p_benefit.estimate


def test_summary_bullets_carry_the_ranges_and_the_priors_worth(report_results, prior_set,
                                                                trial):
    bullets = text.summary_bullets(report_results)
    remission = [exact_p(prior_set, n, trial.outcome("remission")) for n in prior_set.names]
    assert f"ranges {fmt.prob(min(remission))} to {fmt.prob(max(remission))} for remission" \
        in bullets
    assert "29 participants were analysed" in bullets
    skeptical = prior_set.get("skeptical").beta_binomial
    worth = skeptical.treatment.alpha + skeptical.treatment.beta \
        + skeptical.control.alpha + skeptical.control.beta
    assert f"{worth:.0f} (skeptical)" in bullets
    assert "(reference)" not in bullets  # Beta(1, 1) per arm is worth 4, far below 29
    assert bullets.count("\n- ") == 4


def test_span_prints_one_value_when_the_range_rounds_to_it():
    assert text.span([0.8831, 0.8834]) == "0.883"
    assert text.span([0.77, 0.978]) == "0.770 to 0.978"


def test_prior_strength_when_every_prior_is_weak(report_results):
    implied = {name: {**s, "bb_ess_treatment": 2.0, "bb_ess_control": 2.0}
               for name, s in report_results.implied.items()}
    assert text.prior_strength(replace(report_results, implied=implied)) == \
        "far less than the data prior participants in total"


def test_trial_description_and_one_participant(report_results):
    sentence = text.trial_description(report_results)
    assert "randomised 30 participants: 14 to tocilizumab and 16 to placebo" in sentence
    assert "29 were analysed (13 and 16); 1 randomised tocilizumab participant" in sentence
    assert text.one_participant_points(report_results) == \
        f"{100 / 16:.0f} to {100 / 13:.0f}"
    assert text.priors_file_name(report_results) == "priors.yml"


def test_calibration_sentence_and_its_absence(report_results, prior_set):
    c = prior_set.calibration
    odds = c.placebo_rate / (1 - c.placebo_rate) * c.design_odds_ratio
    design_ard = odds / (1 + odds) - c.placebo_rate
    sentence = text.calibration(report_results)
    assert f"placebo rate of {fmt.percent(c.placebo_rate)}" in sentence
    assert f"risk difference of {100 * design_ard:+.1f} points" in sentence
    uncalibrated = replace(report_results, prior_set=replace(prior_set, calibration=None))
    assert text.calibration(uncalibrated) == \
        "This priors file has no calibration block: its priors are used as given."
    assert text.logistic_priors_reading(uncalibrated).endswith("see the interaction column.")
    assert f"above {c.interaction_odds_ratio:g} per SD" in \
        text.logistic_priors_reading(report_results)
    assert text_sensitivity.placebo_rate_intro(uncalibrated) == ""
    assert "(25% in this file)" in text_sensitivity.placebo_rate_intro(report_results)


def test_stated_accuracies_and_thresholds_print_the_constants_the_code_uses():
    # The report states the accuracy and thresholds the code actually uses.
    assert float(text.probability_accuracy()) == PROBABILITY_ACCURACY
    assert float(text.quantile_accuracy()) == QUANTILE_ACCURACY
    assert text.probability_accuracy().startswith("1e-")
    assert float(text.mcse_agreement()) == MCSE_AGREEMENT
    assert float(text_sensitivity.psense_threshold()) == PSENSE_THRESHOLD


def test_thresholds_sentence(report_results):
    sentence = text.thresholds(report_results)
    for part in ("5 points (NNT 20) a small benefit", "10 points (NNT 10)",
                 "20 points (NNT 5)"):
        assert part in sentence


def test_model_comparison_names_the_largest_gap(report_results, prior_set, trial):
    gaps = {(p, o): report_results.aggregate[(p, o)].p_benefit.estimate
            - exact_p(prior_set, p, trial.outcome(o))
            for p in prior_set.names for o in trial.outcomes}
    (prior, outcome), gap = max(gaps.items(), key=lambda item: abs(item[1]))
    sentence = text.model_comparison(report_results)
    assert f"the largest difference is {abs(gap):.3f} ({prior_set.get(prior).label} prior, " \
           f"{trial.outcome(outcome).label.lower()})" in sentence


def test_conclusions_carry_before_and_after_and_the_interval(report_results, prior_set,
                                                             trial):
    remission = trial.outcome("remission")
    sentence = text.conclusions(report_results)
    assert "before the trial it gave tocilizumab a 0.500 chance" in sentence  # symmetric
    assert f"after it, {fmt.prob(exact_p(prior_set, 'skeptical', remission))}" in sentence
    interval = fit_exact(prior_set.get("reference").beta_binomial,
                         remission).summary.risk_difference
    assert f"from {fmt.points(interval.lower)} to {fmt.points(interval.upper)}" in sentence
    detection = report_results.study.replicates["interaction_p_positive"] > 0.9
    assert f"only about {fmt.percent(detection.mean())} of the time" in sentence


def test_misreadings_carry_the_p_values(report_results, trial):
    remission = trial.outcome("remission")
    t, c = remission.treatment, remission.control
    counts = [[t.events, t.n - t.events], [c.events, c.n - c.events]]
    log_or = math.log(t.events * (c.n - c.events) / ((t.n - t.events) * c.events))
    se = math.sqrt(sum(1 / v for row in counts for v in row))
    sentence = text.misreadings(report_results)
    assert f"one-sided Wald p of {fmt.prob(stats.norm.sf(log_or / se))}" in sentence
    assert f"gives {fmt.prob(stats.fisher_exact(counts, alternative='greater').pvalue)} " \
           "one-sided" in sentence
    assert "differ by 1 event(s) in the tocilizumab arm and 2 in the placebo arm" in sentence
    assert sentence.count("\n") == 4


def test_exact_vs_mcmc_verdict_both_ways(report_results):
    agreeing = {key: replace(fit, summary=replace(
        fit.summary, p_benefit=Probability(report_results.exact[key].summary.p_benefit
                                           .estimate, 0.01)))
        for key, fit in report_results.mcmc.items()}
    assert text.exact_vs_mcmc_verdict(replace(report_results, mcmc=agreeing)) == \
        "All MCMC estimates agree with the exact values within Monte Carlo error."
    key = next(iter(agreeing))
    off = dict(agreeing)
    off[key] = replace(agreeing[key], summary=replace(
        agreeing[key].summary, p_benefit=Probability(0.5, 0.001)))
    assert "disagrees with the exact value by more than 3 MCSE" in \
        text.exact_vs_mcmc_verdict(replace(report_results, mcmc=off))


def test_diagnostics_verdict_counts_flagged_fits(report_results):
    good = Diagnostics(rhat_max=1.001, ess_bulk_min=2000, ess_tail_min=2000, divergences=0)
    bad = Diagnostics(rhat_max=1.05, ess_bulk_min=2000, ess_tail_min=2000, divergences=0)
    with_good = {name: {key: replace(fit, diagnostics=good) for key, fit in
                        getattr(report_results, name).items()}
                 for name in ("mcmc", "aggregate", "interaction")}
    passing = replace(report_results, **with_good)
    total = sum(len(fits) for fits in with_good.values())
    assert text.diagnostics_verdict(passing) == (
        f"All {total} MCMC fits pass: R-hat at most 1.01, bulk and tail ESS at least 400, "
        "no divergent transitions.")
    mcmc = dict(with_good["mcmc"])
    key = next(iter(mcmc))
    mcmc[key] = replace(mcmc[key], diagnostics=bad)
    assert text.diagnostics_verdict(replace(passing, mcmc=mcmc)).startswith(
        f"**1 of {total} fits are flagged**")


def test_tipping_points_with_and_without_a_crossing(report_results, trial):
    sentence = text_sensitivity.tipping_points(report_results)
    assert sentence.count("\n- **") == len(trial.outcomes) * len(BENEFIT_TARGETS)
    tipping = {key: None for key in report_results.sensitivity.tipping_sd}
    tipping[("remission", 0.9)] = 0.5
    results = replace(report_results, sensitivity=replace(report_results.sensitivity,
                                                          tipping_sd=tipping))
    sentence = text_sensitivity.tipping_points(results)
    assert ("- **Remission at day 28, 0.9:** P(benefit) stays below 0.9 for any prior "
            "centred on no effect with an SD below 0.50 on the log-OR scale (95% of its mass "
            f"on ORs between {math.exp(-1.96 * 0.5):.2f} and {math.exp(1.96 * 0.5):.2f})."
            ) in sentence
    assert "- **Response at day 28, 0.95:** no prior centred on no effect reaches 0.95" \
        in sentence
    assert "(with the reference prior's weakly informative placebo log-odds)" in sentence


def test_heat_map_span_and_intercept_prior(report_results):
    span = text_sensitivity.heat_map_span(report_results)
    assert (span.lowest_or, span.highest_or) == (f"{math.exp(-1):.2f}", f"{math.exp(2):.1f}")
    assert (span.lowest_sd, span.highest_sd) == ("0.1", "3")
    assert text_sensitivity.heat_map_intercept_prior(report_results) == "reference"


@pytest.mark.parametrize(("region", "expected"), [
    (BenefitRegion(0.9, 0.95, 0.01, 10.0, 3.0, 30.0, True, 3.0, 30.0),
     "is at least 0.9 across 3-30 mg/L; it peaks at 0.950 (MCSE 0.010) at 10.0 mg/L"),
    (BenefitRegion(0.9, 0.85, 0.02, 5.3, None, None, False, 3.0, 30.0),
     "stays below 0.9 across 3-30 mg/L; it peaks at 0.850 (MCSE 0.020) at 5.3 mg/L"),
    (BenefitRegion(0.9, 0.93, 0.01, 7.5, 6.2, 11.1, False, 3.0, 30.0),
     "is at least 0.9 between 6.2 and 11.1 mg/L; it peaks at 0.930 (MCSE 0.010) at 7.5 mg/L"),
])
def test_region_text_branches(region, expected):
    assert text_simulated.region_text(region) == expected


def test_interaction_summary_carries_the_standardisation(report_results):
    fit = report_results.interaction[("reference", "remission")]
    log_crp = np.log(fit.data.crp_mg_l)
    sentence = text_simulated.interaction_summary(report_results)
    assert f"a {math.exp(np.std(log_crp, ddof=1)):.1f}-fold difference" in sentence
    assert f"z = 0 at hs-CRP {math.exp(np.mean(log_crp)):.1f} mg/L" in sentence
    p = float((fit.posterior["interaction"] > 0).mean())
    assert f"P(interaction > 0) = {fmt.prob(p)}" in sentence


def test_truth_interaction_gives_each_priors_tail(report_results, prior_set):
    true_value = report_results.truth["remission"]["interaction"]
    sentence = text_simulated.truth_interaction(report_results)
    assert f"on this sample's scale is {true_value:+.2f} log OR" in sentence
    for prior in prior_set.priors.values():
        tail = stats.norm.sf(true_value, prior.logistic.interaction.mean,
                             prior.logistic.interaction.sd)
        assert f"{prior.label.lower()} prior gives {fmt.prob(tail)} probability" in sentence


def test_simulation_texts(report_results):
    description = text_simulated.simulation_description(report_results)
    assert f"median {DEFAULT_PROCESS.crp_population_median_mg_l:g} mg/L" in description
    assert f"{DEFAULT_PROCESS.remission.interaction:+g} log OR per SD" in description
    assert "Whole trials of 14 + 16 participants" in description
    study = text_simulated.simulation_study(report_results)
    replicates = report_results.study.replicates
    assert f"{len(replicates)} new trials of the same size" in study
    assert f"n = {13 + 16} can recover" in study
    detected = (replicates["interaction_p_positive"] > 0.9).mean()
    assert f"only {fmt.percent(detected)} of these trials" in study
    assert f"{report_results.study.problem_fits} of the {len(replicates)} fits failed" in study


def provenance(commit: str) -> Provenance:
    settings = SamplerSettings()
    return Provenance(
        commit=commit, renderer="fallback: test", inputs={"priors file": Path("/x/p.yml")},
        hashes={"priors file": "ab" * 32}, code_hash="cd" * 32, priors_argument="p.yml",
        versions={"python": "3.12.0", "pymc": "6.4.0"}, sampler=settings,
        study_sampler=replace(settings, draws=1000), ppc_seed=1, ipd_seed=2, study_seed=3)


def test_reproduce_box_clean_and_dirty():
    clean = reproduce_box(provenance("a" * 40))
    assert clean.startswith('::: {.callout-tip title="Reproduce this report"}')
    assert f"git checkout {'a' * 40}\nmake report PRIORS=p.yml" in clean
    assert f"- **priors file:** `p.yml`, sha256 `{'ab' * 32}`" in clean
    assert "Seeds:** MCMC 20261127; posterior predictive 1; simulated IPD 2; " \
           "simulation study 3" in clean
    assert "4 chains x 2000 draws after 1000 tuning steps" in clean
    assert "simulation study 4 x 1000" in clean
    assert "uncommitted" not in clean and clean.endswith(":::")
    dirty = reproduce_box(provenance("a" * 40 + " + uncommitted changes"))
    assert f"git checkout {'a' * 40}\n" in dirty
    assert "**This render was made from a working tree with uncommitted changes**" in dirty


def test_priors_argument_inside_and_outside_the_project(tmp_path):
    from models.core.paths import DEFAULT_PRIORS_FILE, ROOT

    assert priors_argument(DEFAULT_PRIORS_FILE, ROOT) == "data/priors.yml"
    assert priors_argument(tmp_path / "mine.yml", ROOT) == "mine.yml"


def test_crp_benefit_levels_off_towards_the_interaction_not_the_prior(report_results):
    first = report_results.first_prior
    fit = report_results.interaction[(first, "remission")]
    interaction = fit.p_interaction_positive.estimate
    low, high = text_simulated.FAR_CRP_MG_L
    far = fit.p_benefit_at([low, high])
    middle = fit.p_treatment_positive.estimate
    # far above the data P(benefit) is closer to P(interaction > 0) than at the mean hs-CRP,
    # and far below it is closer to P(interaction < 0)
    assert abs(far[high].estimate - interaction) < abs(middle - interaction)
    assert abs(far[low].estimate - (1 - interaction)) < abs(middle - (1 - interaction))
    sentence = text_simulated.crp_benefit_edges(report_results)
    assert fmt.prob(interaction) in sentence
    for value in text_simulated.CRP_READ_OUT_MG_L:
        assert f"{value:g} mg/L: {fmt.prob_mcse(fit.p_benefit_at([value])[value])}" in sentence


def test_intercept_mechanism_is_shown_with_exact_numbers(report_results):
    """The logistic model's informative intercept prior raises P(benefit) by sharpening the
    counts' likelihood for the log OR (issue: the old text credited the placebo rate)."""
    from models.exact.logistic_counts import likelihood_moments, log_or_likelihood
    from models.exact.logistic_posterior import LogisticPosterior

    sentence = text.intercept_mechanism(report_results)
    skeptic = report_results.prior_set.get(report_results.skeptical_prior).logistic
    weak = report_results.prior_set.get(report_results.first_prior).logistic.intercept
    for outcome in report_results.trial.outcomes.values():
        own_sd = likelihood_moments(log_or_likelihood(outcome, skeptic.intercept))[1]
        weak_sd = likelihood_moments(log_or_likelihood(outcome, weak))[1]
        assert own_sd < weak_sd
        for intercept in (skeptic.intercept, weak):
            p = LogisticPosterior(outcome, intercept, skeptic.treatment).p_benefit()
            assert fmt.prob(p) in sentence
    assert "narrowing is what raises P(benefit)" in sentence
    assert "leaves more of the observed difference" not in text.model_comparison(report_results)


def test_summary_says_how_the_skeptical_answer_moves_between_model_families(report_results):
    from models.exact.logistic_posterior import LogisticPosterior

    skeptic = report_results.skeptical_prior
    outcome = report_results.trial.outcome("remission")
    logistic = report_results.prior_set.get(skeptic).logistic
    weak = report_results.prior_set.get(report_results.first_prior).logistic.intercept
    expected = [report_results.exact[(skeptic, "remission")].summary.p_benefit.estimate,
                LogisticPosterior(outcome, logistic.intercept, logistic.treatment).p_benefit(),
                LogisticPosterior(outcome, weak, logistic.treatment).p_benefit()]
    bullets = text.summary_bullets(report_results)
    line = bullets.splitlines()[-1]
    assert line.startswith("- **The model family moves the skeptical answer:**")
    positions = [line.index(fmt.prob(p)) for p in expected]
    assert positions == sorted(positions)  # beta-binomial, logistic, logistic weak intercept
