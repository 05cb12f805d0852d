"""The report's sentences: each builder returns the text with the numbers it must carry,
checked against independent computations, and every branch (no calibration block, a
disagreeing sampler, flagged fits, a tipping point that is never reached, a render
from a dirty tree) is exercised."""

import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import models.report.format as fmt
from models.core.types import Probability
from models.data.trial import ArmCounts
from models.exact.beta_binomial import PROBABILITY_ACCURACY, QUANTILE_ACCURACY
from models.mcmc.diagnostics import Diagnostics
from models.mcmc.power_scaling import PSENSE_THRESHOLD
from models.mcmc.sampling import SamplerSettings
from models.priors.posteriors import fit_beta_binomial
from models.report import text, text_sensitivity, text_simulated
from models.report.provenance import Provenance, priors_argument, reproduce_box
from models.report.results import MCSE_AGREEMENT
from models.sensitivity.prior_map import BENEFIT_TARGETS, log_or_likelihood, p_benefit
from models.simulation.process import DEFAULT_PROCESS
from tests.test_robust_priors import brute_force_logistic


def exact_p(prior_set, prior: str, outcome) -> float:
    return fit_beta_binomial(prior_set.get(prior), outcome).summary.p_benefit.estimate


def logistic_p(prior_set, prior: str, outcome) -> float:
    """P(benefit) of the primary model, by the sensitivity map's independent integration (a
    robust prior's normal mixture by brute force on a fine (a, b) grid)."""
    if prior_set.get(prior).robust is not None:  # Simpson's rule, a node at b = 0
        robust = prior_set.get(prior)
        return brute_force_logistic(outcome, robust.logistic.intercept,
                                    robust.log_odds_ratio_mixture)[2]
    logistic = prior_set.get(prior).logistic
    likelihood = log_or_likelihood(outcome, logistic.intercept)
    return float(p_benefit(likelihood, np.asarray(logistic.treatment.mean),
                           np.asarray(logistic.treatment.sd)))


def test_summary_bullets_carry_the_ranges_and_the_priors_worth(report_results, prior_set,
                                                                trial):
    bullets = text.summary_bullets(report_results)
    remission = [logistic_p(prior_set, n, trial.outcome("remission")) for n in prior_set.names]
    shown = re.search(r"ranges (\d\.\d{3}) to (\d\.\d{3}) for remission", bullets)
    assert shown is not None
    assert [float(v) for v in shown.groups()] == pytest.approx(
        [min(remission), max(remission)], abs=1.5e-3)
    assert "29 participants were analysed" in bullets
    assert "**The prior matters:**" in bullets
    skeptical = prior_set.get("skeptical").logistic.treatment
    worth = 4 / (0.25 * 0.75 * skeptical.sd**2)  # Woolf, at the calibration's placebo rate
    robust = min(report_results.implied[name]["logistic_ess"] for name in prior_set.names
                 if prior_set.get(name).robust is not None)  # ELIR of the mixtures
    assert f"about {robust:.0f} to {worth:.0f} participants" in bullets
    assert f"up to {round(worth) / 29:.1f} times the trial's 29" in bullets
    assert "(reference)" not in bullets  # N(0, 2.5) is worth about 3 participants
    assert "specified after the results were public" in bullets
    assert bullets.count("\n- ") == 4


def test_span_prints_one_value_when_the_range_rounds_to_it():
    assert fmt.span([0.8831, 0.8834]) == "0.883"
    assert fmt.span([0.77, 0.978]) == "0.770 to 0.978"


def test_prior_strength_when_every_prior_is_weak(report_results):
    implied = {name: {**s, "logistic_ess": 2.0} for name, s in report_results.implied.items()}
    assert text.prior_strength(replace(report_results, implied=implied)) == \
        "far fewer participants than the trial"


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
    assert text_sensitivity.placebo_rate_sentence(uncalibrated) == ""
    assert "(25% in this file)" in text_sensitivity.placebo_rate_sentence(report_results)


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
    gaps = {(p, o): logistic_p(prior_set, p, trial.outcome(o))
            - exact_p(prior_set, p, trial.outcome(o))
            for p in prior_set.names for o in trial.outcomes}
    (prior, outcome), gap = max(gaps.items(), key=lambda item: abs(item[1]))
    sentence = text.model_comparison(report_results)
    shown = re.search(r"the largest difference in P\(better\) is (\d\.\d{3}) \(([^,]+) prior, "
                      r"([^)]+)\)", sentence)
    assert shown is not None
    assert float(shown.group(1)) == pytest.approx(abs(gap), abs=1.5e-3)
    assert shown.group(2, 3) == (prior_set.get(prior).label,
                                 trial.outcome(outcome).label.lower())


def test_conclusions_carry_before_and_after_and_the_interval(report_results, prior_set,
                                                             trial):
    remission = trial.outcome("remission")
    sentence = text.conclusions(report_results)
    assert "before the trial it gave tocilizumab a 0.500 chance" in sentence  # symmetric
    after = re.search(r"after it, (\d\.\d{3}) for remission", sentence)
    assert after is not None
    assert float(after.group(1)) == pytest.approx(
        logistic_p(prior_set, "skeptical", remission), abs=1.5e-3)
    interval = report_results.logistic[("reference", "remission")].risk_difference
    assert f"from {fmt.points(interval.lower)} to {fmt.points(interval.upper)}" in sentence
    assert "analysed post hoc" in sentence
    beta_binomial = exact_p(prior_set, "skeptical", remission)
    weak_intercept = report_results.intercept_effects["remission"].p_benefit_weak
    low = min(beta_binomial, weak_intercept, logistic_p(prior_set, "skeptical", remission))
    assert f"or {fmt.prob(low)} to " in sentence  # the range across model choices


def test_misreadings_carry_the_p_values(report_results, trial):
    remission = trial.outcome("remission")
    t, c = remission.treatment, remission.control
    counts = [[t.events, t.n - t.events], [c.events, c.n - c.events]]
    log_or = math.log(t.events * (c.n - c.events) / ((t.n - t.events) * c.events))
    se = math.sqrt(sum(1 / v for row in counts for v in row))
    sentence = text.misreadings(report_results)
    assert f"one-sided Wald p of {fmt.prob(stats.norm.sf(log_or / se))}" in sentence
    assert "differ by 1 event in the tocilizumab arm and 2 events in the placebo arm" in sentence
    assert sentence.count("\n") == 2


def test_exact_vs_mcmc_verdict_both_ways(report_results):
    agreeing = {key: replace(fit, summary=replace(
        fit.summary, p_benefit=Probability(report_results.exact[key].summary.p_benefit
                                           .estimate, 0.01)))
        for key, fit in report_results.mcmc.items()}
    logistic = {key: replace(fit, p_benefit=Probability(
        report_results.logistic[key].p_benefit.estimate, 0.01))
        for key, fit in report_results.aggregate.items()}
    both = replace(report_results, mcmc=agreeing, aggregate=logistic)
    assert text.exact_vs_mcmc_verdict(both) == \
        "All MCMC estimates agree with the exact values within Monte Carlo error."
    key = next(iter(logistic))
    off = dict(logistic)
    off[key] = replace(logistic[key], p_benefit=Probability(0.5, 0.001))
    assert "disagrees with the exact value by more than 3 MCSE" in \
        text.exact_vs_mcmc_verdict(replace(both, aggregate=off))


def test_diagnostics_verdict_names_the_worst_fit_or_the_flagged_ones(report_results):
    good = Diagnostics(rhat_max=1.001, ess_bulk_min=2000, ess_tail_min=2000, divergences=0)
    worst = Diagnostics(rhat_max=1.004, ess_bulk_min=900, ess_tail_min=700, divergences=0)
    bad = Diagnostics(rhat_max=1.05, ess_bulk_min=2000, ess_tail_min=2000, divergences=0)
    with_good = {name: {key: replace(fit, diagnostics=good) for key, fit in
                        getattr(report_results, name).items()}
                 for name in ("mcmc", "aggregate", "interaction")}
    total = sum(len(fits) for fits in with_good.values())
    aggregate = dict(with_good["aggregate"])
    aggregate[("skeptical", "response")] = replace(aggregate[("skeptical", "response")],
                                                   diagnostics=worst)
    passing = replace(report_results, **{**with_good, "aggregate": aggregate})
    assert text.diagnostics_verdict(passing) == (
        f"All {total} MCMC fits pass (R-hat at most 1.01, bulk and tail ESS at least 400, "
        "no divergent transitions). The worst: R-hat 1.0040 (logistic (counts), skeptical, "
        "response at day 28), bulk ESS 900 (logistic (counts), skeptical, response at day "
        "28), tail ESS 700 (logistic (counts), skeptical, response at day 28).")
    mcmc = dict(with_good["mcmc"])
    key = next(iter(mcmc))
    mcmc[key] = replace(mcmc[key], diagnostics=bad)
    flagged = text.diagnostics_verdict(replace(passing, mcmc=mcmc))
    assert flagged.startswith(f"**1 of {total} MCMC fits are flagged**")
    assert "R-hat" in flagged and "beta-binomial" in flagged


def test_tipping_points_with_and_without_a_crossing(report_results, trial):
    sentence = text_sensitivity.tipping_points(report_results)
    assert sentence.count("\n- **") == len(trial.outcomes)
    assert sentence.count("; ") >= len(trial.outcomes) * (len(BENEFIT_TARGETS) - 1)
    tipping = {key: None for key in report_results.sensitivity.tipping_sd}
    tipping[("remission", 0.9)] = 0.5
    results = replace(report_results, sensitivity=replace(report_results.sensitivity,
                                                          tipping_sd=tipping))
    sentence = text_sensitivity.tipping_points(results)
    assert ("- **Remission at day 28:** P(benefit) stays below 0.9 for SDs below 0.50 (95% "
            f"of the prior on ORs between {math.exp(-1.96 * 0.5):.2f} and "
            f"{math.exp(1.96 * 0.5):.2f}); no such prior reaches 0.95.") in sentence
    assert "- **Response at day 28:** no such prior reaches 0.9; no such prior reaches 0.95." \
        in sentence
    assert "(with the reference prior's placebo log-odds)" in sentence


def test_heat_map_span_and_intercept_prior(report_results):
    span = text_sensitivity.heat_map_span(report_results)
    assert (span.lowest_or, span.highest_or) == (f"{math.exp(-1):.2f}", f"{math.exp(2):.1f}")
    assert (span.lowest_sd, span.highest_sd) == ("0.1", "3")
    assert text_sensitivity.heat_map_intercept_prior(report_results) == "reference"


def test_interaction_summary_carries_the_standardisation(report_results):
    fit = report_results.interaction[("reference", "remission")]
    log_crp = np.log(fit.data.crp_mg_l)
    sentence = text_simulated.interaction_summary(report_results)
    assert f"a {math.exp(np.std(log_crp, ddof=1)):.1f}-fold difference" in sentence
    assert f"z = 0 at {math.exp(np.mean(log_crp)):.1f} mg/L" in sentence
    p = float((fit.posterior["treatment"] > 0).mean())
    assert f"hs-CRP) = {fmt.prob_stable(fit.p_treatment_positive)}, and" in sentence
    assert fit.p_treatment_positive.estimate == pytest.approx(p, abs=1e-12)
    quantiles = np.quantile(fit.posterior["interaction"].to_numpy(), [0.5, 0.025, 0.975])
    median, lower, upper = (float(v) for v in re.findall(
        r"[+-]\d+\.\d+", sentence.split("the interaction is ")[1])[:3])
    assert [median, lower, upper] == pytest.approx(quantiles, abs=0.006)


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
    assert f"{len(replicates)} new trials of n = {13 + 16}" in study
    detected = (replicates["interaction_p_positive"] > 0.9).mean()
    assert f"only {fmt.percent(detected)} of the trials" in study
    assert f"{report_results.study.problem_fits} of the {len(replicates)} fits failed" in study


def provenance(commit: str) -> Provenance:
    settings = SamplerSettings()
    return Provenance(
        commit=commit, renderer="fallback: test", inputs={"priors file": Path("/x/p.yml")},
        hashes={"priors file": "ab" * 32}, code_hash="cd" * 32, priors_argument="p.yml",
        trial_argument="data/trial_counts.yml",
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
    assert "TRIAL=" not in clean  # the default trial needs no TRIAL=
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
    assert f"P(b_Tz > 0) = {fmt.prob_stable(fit.p_interaction_positive)}" in sentence
    assert (f"at {high:g} and {low:g} mg/L, values no participant has) P(benefit) is "
            f"{fmt.prob_stable(far[high])} and {fmt.prob_stable(far[low])}") in sentence


@pytest.mark.parametrize(("estimate", "mcse", "shown"), [
    (0.60349, 0.006, "0.6 ± 0.006"),       # 4 x 0.006 = 0.024 > 0.01: one decimal
    (0.82849, 0.002, "0.83 ± 0.002"),      # 4 x 0.002 = 0.008 <= 0.01: two
    (0.91234, 0.0002, "0.912 ± 0.0002"),   # three at most
    (0.5, None, "0.500"),                  # exact: three decimals, no SE
    (0.996, 0.003, "> 0.9 ± 0.003"),       # never rounded up to certainty
    (0.03, 0.006, "< 0.1 ± 0.006"),        # nor down to impossibility
])
def test_sampled_probabilities_show_only_stable_digits(estimate, mcse, shown):
    assert fmt.prob_stable(Probability(estimate, mcse)) == shown


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
    assert "the narrowing is what raises P(benefit) throughout" in sentence  # response: down
    assert "leaves more of the observed difference" not in text.model_comparison(report_results)


def test_summary_says_how_the_skeptical_answer_moves_between_model_families(report_results):
    from models.exact.logistic_posterior import LogisticPosterior

    skeptic = report_results.skeptical_prior
    outcome = report_results.trial.outcome("remission")
    logistic = report_results.prior_set.get(skeptic).logistic
    weak = report_results.prior_set.get(report_results.first_prior).logistic.intercept
    expected = [LogisticPosterior(outcome, logistic.intercept, logistic.treatment).p_benefit(),
                report_results.exact[(skeptic, "remission")].summary.p_benefit.estimate,
                LogisticPosterior(outcome, weak, logistic.treatment).p_benefit()]
    bullets = text.summary_bullets(report_results)
    line = bullets.splitlines()[-1]
    assert line.startswith("- **The model family moves the skeptical answer:**")
    positions = [line.index(fmt.prob(p)) for p in expected]
    assert positions == sorted(positions)  # primary, beta-binomial, weak intercept


def test_missing_participant_sentence_carries_each_priors_range(report_results, prior_set,
                                                               trial):
    sentence = text_sensitivity.missing_participant_sentence(report_results)
    assert sentence.startswith("**The missing participant.** Counting the randomised "
                               "tocilizumab participant without an outcome as an event "
                               "(remission at day 28) or as none")
    remission = trial.outcome("remission")
    for prior in prior_set.priors.values():
        values = []
        for treatment in (ArmCounts(7, 14), ArmCounts(8, 14)):  # as none, as a remission
            counts = remission.with_counts(treatment, None)
            values.append(logistic_p(prior_set, prior.name, counts))
        shown = re.search(rf"(\d\.\d{{3}}) to (\d\.\d{{3}}) \({prior.label.lower()}\)",
                          sentence)
        assert shown is not None, prior.label
        assert [float(v) for v in shown.groups()] == pytest.approx(sorted(values), abs=1.5e-3)
    complete = replace(report_results, trial=replace(trial, randomised={"treatment": 13,
                                                                        "control": 16}))
    assert text_sensitivity.missing_participant_sentence(complete) == ""


def test_prior_predictive_reading_carries_each_tail_and_the_all_or_none_mass(report_results,
                                                                            prior_set, trial):
    from models.exact.prior_predictive import logistic_prior_predictive

    sentence = text.prior_predictive_reading(report_results)
    extreme = 0.0
    for outcome in trial.outcomes.values():
        assert f"for {outcome.label.lower()}, " in sentence
        for prior in prior_set.priors.values():
            mixture = prior.log_odds_ratio_mixture  # one component unless robust
            pmf = sum(w * logistic_prior_predictive(prior.logistic.intercept, c, outcome).pmf
                      for w, c in zip(mixture.weights, mixture.components, strict=True))
            numerators = (np.arange(outcome.treatment.n + 1)[:, None] * outcome.control.n
                          - np.arange(outcome.control.n + 1)[None, :] * outcome.treatment.n)
            observed = (outcome.treatment.events * outcome.control.n
                        - outcome.control.events * outcome.treatment.n)
            tail = float(pmf[numerators >= observed].sum())
            assert f"{fmt.prob(tail)} ({prior.label.lower()})" in sentence
            extreme = max(extreme, float(pmf[0, 0] + pmf[-1, -1]))
    assert "so no prior finds the observed difference surprising" in sentence
    assert f"puts {fmt.prob(extreme)} on both arms having no events or all events" in sentence
