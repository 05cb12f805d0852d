"""The report's computed sentences: each builder takes the results and returns Markdown.

Every paragraph of the report that carries a number is written here, from one
:class:`~models.report.results.ReportResults`, so the numbers in the prose are the
numbers in the tables. Every user-supplied string (prior labels, trial and arm names,
outcome labels) enters through :func:`models.report.format.markdown_text`, so it is shown
as text; functions whose value the report inlines as a plain ``str``
(:func:`priors_file_name`) return it unescaped, because the renderer escapes inline
strings itself, as Quarto does. Functions are roughly in the report's order (summary,
trial, priors, primary logistic model, beta-binomial and the families' difference,
conclusions, misreadings, appendix); the sensitivity, simulated-data and exercise sections
are in :mod:`models.report.text_sensitivity`, :mod:`models.report.text_simulated` and
:mod:`models.report.text_exercises`. Probabilities on the 0-1 scale with 3 decimals; ARD in
percentage points.
"""

from collections.abc import Sequence

import models.report.format as fmt
from models.exact.beta_binomial import PROBABILITY_ACCURACY, QUANTILE_ACCURACY
from models.exact.logistic_posterior import LOGISTIC_ACCURACY
from models.mcmc.diagnostics import ESS_MIN, RHAT_MAX
from models.report.results import HEADLINE_ARD, MCSE_AGREEMENT, FitDiagnostics, ReportResults

THRESHOLD_MEANINGS = (
    "a small benefit",
    "a benefit many would consider worthwhile for an infusion with its costs and risks",
    "about the size the press coverage reported (NNT about 5)",
)
"""What each positive ARD threshold (5, 10, 20 points) means to a clinician."""

LARGE_ARD = 0.2
"""The large benefit of the misreadings (20 points, NNT 5)."""


def span(values: Sequence[float]) -> str:
    """The range of probabilities, or one value when they print the same."""
    low, high = fmt.prob(min(values)), fmt.prob(max(values))
    return low if low == high else f"{low} to {high}"


def priors_file_name(results: ReportResults) -> str:
    """The priors file's name, as the reader would look for it."""
    return results.priors_path.name


def prior_strength(results: ReportResults) -> str:
    """The informative log-OR priors' approximate worth in participants (both arms; see
    :func:`~models.priors.statements.logistic_effective_sample_size`), those worth more than
    two thirds of the analysed participants, priors of equal worth together, e.g. "about 69
    (skeptical, enthusiastic) participants, up to 2.4 times the trial's 29"."""
    by_worth: dict[int, list[str]] = {}
    for name in results.prior_set.names:
        worth = results.implied[name]["logistic_ess"]
        if worth > 2 * results.analysed / 3:
            by_worth.setdefault(round(worth), []).append(
                fmt.markdown_text(results.labels[name].lower()))
    if not by_worth:
        return "far fewer participants than the trial"
    groups = " and ".join(f"{worth} ({', '.join(names)})" for worth, names in by_worth.items())
    return (f"about {groups} participants, up to {max(by_worth) / results.analysed:.1f} "
            f"times the trial's {results.analysed}")


def summary_bullets(results: ReportResults) -> str:
    """The summary's bullets, from the primary analysis (exact logistic): P(better) and
    P(ARD > 10 points) ranges over the priors, the priors' weight against the data, the
    post hoc and secondary-outcome caveat, and how the skeptical answer moves between model
    families."""
    names = results.prior_set.names
    p_all = {o: [results.logistic[(n, o)].p_benefit.estimate for n in names]
             for o in results.trial.outcomes}
    p10 = {o: [results.logistic[(n, o)].p_benefit_greater[HEADLINE_ARD].estimate for n in names]
           for o in results.trial.outcomes}
    return (
        f"- **Some benefit is probable under every prior:** P(tocilizumab better) "
        f"ranges {span(p_all['remission'])} for remission and {span(p_all['response'])} for "
        f"response.\n"
        f"- **A worthwhile benefit is much less certain:** the probability of at "
        f"least {100 * HEADLINE_ARD:g} more remissions per 100 treated is "
        f"{span(p10['remission'])}; for response {span(p10['response'])}.\n"
        f"- **The prior matters:** {results.analysed} participants were analysed, and the "
        f"informative odds-ratio priors are worth {prior_strength(results)} "
        "(@sec-sensitivity).\n"
        "- **Post hoc, secondary outcomes, derived counts:** the primary outcome (day 14) "
        "was not met, this analysis was specified after the results were public, and the "
        "counts are back-calculated from published percentages: it generates hypotheses, "
        "it does not settle the question.\n"
        f"- {skeptical_across_models(results)}"
    )


def skeptical_answers(results: ReportResults) -> tuple[float, float, float]:
    """The skeptical prior's P(benefit) for remission under the three model choices the
    report compares, all exact: the primary logistic model (its own intercept prior), the
    beta-binomial model, and the logistic model with the first prior's weak intercept prior
    (:attr:`ReportResults.intercept_effects`)."""
    effect = results.intercept_effects["remission"]
    beta_binomial = results.exact[(results.skeptical_prior, "remission")]
    return (effect.p_benefit_own, beta_binomial.summary.p_benefit.estimate,
            effect.p_benefit_weak)


def skeptical_across_models(results: ReportResults) -> str:
    """One line: how the skeptical answer for remission moves between model families, and
    why (:func:`skeptical_answers`)."""
    primary, beta_binomial, weak_intercept = skeptical_answers(results)
    label = fmt.markdown_text(results.labels[results.skeptical_prior].lower())
    return (
        f"**The model family moves the {label} answer:** for remission, P(better) is "
        f"{fmt.prob(primary)} in the primary analysis, "
        f"{fmt.prob(beta_binomial)} with the beta-binomial model and "
        f"{fmt.prob(weak_intercept)} with the "
        f"{fmt.markdown_text(results.labels[results.first_prior].lower())} placebo-rate "
        f"prior: the {label} Beta priors doubt each arm's rate, not only the difference, and "
        "an informative placebo-rate prior sharpens what the counts say about the odds ratio "
        "(@sec-families)."
    )


def trial_description(results: ReportResults) -> str:
    """Who was randomised and analysed, and the participant without an outcome."""
    trial, outcome = results.trial, results.reference_outcome
    treatment, control = (fmt.markdown_text(trial.treatment_name),
                          fmt.markdown_text(trial.control_name))
    return (
        f"The trial ({fmt.markdown_text(trial.name)}; registration "
        f"{fmt.markdown_text(trial.registration)}) randomised "
        f"{results.randomised} participants: {trial.randomised.get('treatment')} to "
        f"{treatment} and {trial.randomised.get('control')} to "
        f"{control}. At {fmt.markdown_text(trial.timepoint)}, {results.analysed} were "
        f"analysed ({outcome.treatment.n} and {outcome.control.n}); "
        f"{results.missing_treatment} randomised {treatment} participant had no day-28 "
        "outcome."
    )


def one_participant_points(results: ReportResults) -> str:
    """How many percentage points one participant is worth in each arm, e.g. "6 to 8"."""
    outcome = results.reference_outcome
    return f"{100 / outcome.control.n:.0f} to {100 / outcome.treatment.n:.0f}"


def calibration(results: ReportResults) -> str:
    """The calibration's assumptions, or that the file has none."""
    c = results.prior_set.calibration
    if c is None or results.design_ard is None:
        return "This priors file has no calibration block: its priors are used as given."
    return (
        f"The calibration assumes a placebo rate of {fmt.percent(c.placebo_rate)}, "
        f"a design odds ratio of {c.design_odds_ratio:g} (a risk difference of "
        f"{fmt.points(results.design_ard)} points at that placebo rate) and "
        f"a tail probability of {c.tail_probability:g}, one placebo rate for every outcome. "
        "These are assumptions of this reanalysis, not facts about the trial, and are "
        "varied below (@sec-sensitivity)."
    )


def logistic_priors_reading(results: ReportResults) -> str:
    """How to read the logistic priors, with the interaction tail of the calibration."""
    c = results.prior_set.calibration
    return (
        "Reading the logistic priors: the intercept is the log-odds of the outcome on placebo "
        "(for the calibrated priors it is matched to the placebo Beta prior, so it carries the "
        "assumed placebo rate); the log OR is the treatment effect; the hs-CRP slope and the "
        "interaction are used only by the interaction model on simulated data "
        "(@sec-interaction). Note that the calibrated priors, enthusiastic included, are "
        "*skeptical about the interaction*: "
        + (f"they give only {fmt.percent(c.tail_probability)} probability to an "
           f"interaction odds ratio above {c.interaction_odds_ratio:g} per SD of log "
           "hs-CRP." if c else "see the interaction column.")
    )


SURPRISE_LEVEL = 0.05
"""A prior predictive tail probability below this says the data surprised the prior."""


def prior_predictive_reading(results: ReportResults) -> str:
    """What the prior predictive check shows (primary model's priors): per outcome, each
    prior's prior predictive P(ARD >= observed), whether any falls below
    ``SURPRISE_LEVEL``, and how much probability each prior puts on all-or-none results in
    both arms."""
    per_outcome, surprised, extremes = [], [], []
    for outcome in results.trial.outcomes.values():
        tails = []
        for name in results.prior_set.names:
            label = fmt.markdown_text(results.labels[name].lower())
            predictive = results.prior_predictive.get(name, outcome.name, "logistic")
            if predictive is None:
                continue
            tail = predictive.p_risk_difference_at_least(outcome.treatment.events,
                                                         outcome.control.events)
            tails.append(f"{fmt.prob(tail)} ({label})")
            if tail < SURPRISE_LEVEL:
                surprised.append(f"{label}, {fmt.markdown_text(outcome.label.lower())}")
            extremes.append((predictive.p_all_or_none(), label))
        if tails:
            per_outcome.append(f"for {fmt.markdown_text(outcome.label.lower())}, "
                               + ", ".join(tails))
    if not extremes:
        return "The prior predictive check could not be computed for these priors."
    verdict = ("so no prior finds the observed difference surprising"
               if not surprised else "below " + fmt.general(SURPRISE_LEVEL) + " for "
               + "; ".join(surprised) + ": there the data surprised the prior")
    extreme, extreme_label = max(extremes)
    return (
        "Before the data, the primary model's priors gave a risk difference at least as "
        "large as the one observed these probabilities: " + "; ".join(per_outcome)
        + f"; {verdict}. "
        f"The {extreme_label} prior puts {fmt.prob(extreme)} on both arms having no events "
        "or all events: wide on the log-odds scale is U-shaped on the rate scale, so a "
        "flat-looking prior is not neutral."
    )


def probability_accuracy() -> str:
    """The absolute error of every exact probability, e.g. "1e-10"."""
    return fmt.exponent(PROBABILITY_ACCURACY)


def logistic_accuracy() -> str:
    """The absolute error of every probability of the exact logistic model, e.g. "1e-06"."""
    return fmt.exponent(LOGISTIC_ACCURACY)


def quantile_accuracy() -> str:
    """The accuracy of every exact interval limit on its own scale, e.g. "1e-05"."""
    return fmt.exponent(QUANTILE_ACCURACY)


def thresholds(results: ReportResults) -> str:
    """Each positive ARD threshold as points, NNT and what it means."""
    parts = [f"{100 * d:g} points (NNT {1 / d:g}) {meaning}"
             for d, meaning in zip(results.thresholds, THRESHOLD_MEANINGS, strict=True)]
    return "The thresholds are NNTs a clinician can weigh: " + "; ".join(parts) + "."


def model_comparison(results: ReportResults) -> str:
    """Where the beta-binomial and the primary (exact logistic) P(benefit) differ most, and
    why the two families differ."""
    gaps = {key: fit.p_benefit.estimate - results.exact[key].summary.p_benefit.estimate
            for key, fit in results.logistic.items()}
    prior, outcome = max(gaps, key=lambda key: abs(gaps[key]))
    return (
        "The families agree where the priors are weak and differ where they are not: the "
        f"largest difference in P(better) is {abs(gaps[(prior, outcome)]):.3f} "
        f"({fmt.markdown_text(results.labels[prior])} prior, "
        f"{fmt.markdown_text(results.trial.outcome(outcome).label.lower())}). An informative "
        "Beta prior speaks about each arm's rate and pulls the tocilizumab rate towards the "
        "assumed placebo rate directly; the logistic priors speak about the odds ratio, with "
        "a separate prior on the placebo log-odds. " + intercept_mechanism(results)
    )


def intercept_mechanism(results: ReportResults) -> str:
    """How an informative intercept prior changes the logistic P(benefit), with the numbers
    (exact, skeptical prior, each outcome; :attr:`ReportResults.intercept_effects`): it
    holds the placebo rate near the assumed one, and with the placebo log-odds integrated
    out under it the counts' likelihood for the log OR is both narrower and re-centred. The
    centre may move either way (for response it moves towards no effect); the narrowing,
    which makes the same log-OR prior shrink the estimate less, is what the outcomes
    share."""
    skeptic_label = fmt.markdown_text(results.labels[results.skeptical_prior].lower())
    first_label = fmt.markdown_text(results.labels[results.first_prior].lower())
    parts = []
    for name, effect in results.intercept_effects.items():
        (m_own, sd_own), (m_weak, sd_weak) = effect.likelihood_own, effect.likelihood_weak
        parts.append(
            f"for {fmt.markdown_text(results.trial.outcome(name).label.lower())}, the counts "
            f"put the log OR at {m_own:.2f} (SD {sd_own:.2f}) with the {skeptic_label} "
            f"intercept prior and {m_weak:.2f} (SD {sd_weak:.2f}) with the {first_label} one; "
            f"P(benefit) {fmt.prob(effect.p_benefit_own)} against "
            f"{fmt.prob(effect.p_benefit_weak)}")
    numbers_text = "Exactly: " + "; ".join(parts) + "."
    if not all(e.sharper_and_higher for e in results.intercept_effects.values()):
        return ("How much the intercept prior matters, with the log-OR prior held fixed. "
                + numbers_text)
    moves = {"up" if e.likelihood_own[0] > e.likelihood_weak[0] else "down"
             for e in results.intercept_effects.values()}
    centre = ("The centre moves up for some outcomes and down for others, so the narrowing "
              "is what raises P(benefit) throughout." if len(moves) > 1 else
              f"The centre moves {moves.pop()} as well; both changes act together.")
    return (
        "An informative intercept prior holds the placebo rate near the assumed rate. With "
        "the placebo log-odds integrated out under it, the counts' likelihood for the log OR "
        "is narrower and re-centred, and a narrower likelihood is shrunk less by the same "
        "log-OR prior. " + numbers_text + " " + centre
    )


def conclusions(results: ReportResults) -> str:
    """What a reader may and may not conclude, with the numbers behind each (primary
    analysis, exact)."""
    first, skeptic = results.first_prior, results.skeptical_prior
    ref_rem = results.logistic[(first, "remission")]
    skeptic_rem = results.logistic[(skeptic, "remission")]
    first_label = fmt.markdown_text(results.labels[first].lower())
    skeptic_label = fmt.markdown_text(results.labels[skeptic].lower())
    return (
        "**May conclude.** Given these counts, benefit on day-28 remission and response is "
        f"more probable than not under every prior in the file. The data move even the "
        f"{skeptic_label} prior: before the trial it gave tocilizumab a "
        f"{fmt.prob(results.implied[skeptic]['logistic_p_benefit'])} chance of beating "
        f"placebo; after it, {fmt.prob(skeptic_rem.p_benefit.estimate)} for remission, or "
        f"{span(list(skeptical_answers(results)))} across the model choices of @sec-families.\n\n"
        "**May not conclude.** That the benefit is large or certain: under the "
        f"{first_label} prior the 95% interval for the remission risk difference runs from "
        f"{fmt.points(ref_rem.risk_difference.lower)} to "
        f"{fmt.points(ref_rem.risk_difference.upper)} points, from some harm to large "
        "benefit. Nor that tocilizumab works in depression generally: the primary outcome "
        "was not met, these are secondary outcomes analysed post hoc in people with hs-CRP "
        "of at least 3 mg/L, and harms are not weighed. Nor that hs-CRP predicts who "
        "benefits: the trial's individual data are not public."
    )


def events(count: int) -> str:
    """A count of events in words, e.g. "1 event", "2 events"."""
    return f"{count} event" + ("" if count == 1 else "s")


def misreadings(results: ReportResults) -> str:
    """Three common misreadings, each answered with this report's numbers (primary
    analysis)."""
    first = results.first_prior
    ref_rem = results.logistic[(first, "remission")]
    ref_resp = results.logistic[(first, "response")]
    freq = results.frequentist["remission"]
    remission = results.trial.outcome("remission")
    response = results.trial.outcome("response")
    p_rem = ref_rem.p_benefit.estimate
    return (
        f"1. **\"P = {fmt.prob(p_rem)} means a p-value of {fmt.prob(1 - p_rem)}.\"** No. A "
        "p-value is computed assuming no effect; a posterior probability is a statement "
        "about the effect, given a prior. With a nearly flat prior, 1 - P(benefit) is often "
        f"close to a *one-sided* p-value (here {fmt.prob(1 - p_rem)} against a one-sided "
        f"Wald p of {fmt.prob(freq.wald_p_one_sided)}); the resemblance ends as soon as the "
        "prior carries information.\n"
        "2. **\"The treatment probably works, so it works well.\"** P(benefit) counts any "
        "benefit, however small: the probability of at least "
        f"{100 * HEADLINE_ARD:g} more remissions per 100 treated is "
        f"{fmt.prob(ref_rem.p_benefit_greater[HEADLINE_ARD].estimate)} under the "
        f"{fmt.markdown_text(results.labels[first].lower())} prior, and "
        f"{fmt.prob(ref_rem.p_benefit_greater[LARGE_ARD].estimate)} for at least "
        f"{100 * LARGE_ARD:g} (NNT {1 / LARGE_ARD:g} or fewer).\n"
        f"3. **\"Response is more convincing than remission\"** "
        f"({fmt.prob(ref_resp.p_benefit.estimate)} vs {fmt.prob(p_rem)}). The two outcomes "
        f"differ by {events(abs(remission.treatment.events - response.treatment.events))} "
        f"in the tocilizumab arm and "
        f"{events(abs(remission.control.events - response.control.events))} in the placebo "
        "arm; "
        f"both come from the same {results.analysed} people and move together."
    )


def mcse_agreement() -> str:
    """How many Monte Carlo SEs the MCMC estimate may differ from the exact value."""
    return fmt.general(MCSE_AGREEMENT)


def exact_vs_mcmc_verdict(results: ReportResults) -> str:
    """Whether every beta-binomial MCMC estimate agrees with the exact value."""
    checks = results.checks
    if all(check.agrees for check in checks):
        verdict = "All MCMC estimates agree with the exact values within Monte Carlo error."
        certain = sum(check.difference_in_mcse is None for check in checks)
        if certain:
            verdict += (f" In {certain} of {len(checks)} fits every draw fell on the same "
                        "side, so the MCSE is 0 and there is no Monte Carlo error to measure "
                        "against; those are compared with the binomial SE of the number of "
                        "draws instead.")
        return verdict
    return (f"**At least one MCMC estimate disagrees with the exact value by more than "
            f"{MCSE_AGREEMENT:g} MCSE: see the table.**")


def diagnostics_verdict(results: ReportResults) -> str:
    """One sentence on every MCMC fit of the main analyses (R-hat, bulk and tail ESS,
    divergences) naming the worst fit on each, or how many fits are flagged and which."""
    fits = results.diagnostics
    flagged = [fit for fit in fits if not fit.diagnostics.ok]

    def which(fit: FitDiagnostics) -> str:
        return (f"{fit.model}, {fmt.markdown_text(results.labels[fit.prior].lower())}, "
                f"{fmt.markdown_text(results.trial.outcome(fit.outcome).label.lower())}")

    if flagged:
        named = "; ".join(f"{which(fit)}: {', '.join(fit.diagnostics.problems)}"
                          for fit in flagged)
        return (f"**{len(flagged)} of {len(fits)} MCMC fits are flagged**, and their numbers "
                f"should be read with caution: {named}.")
    rhat = max(fits, key=lambda fit: fit.diagnostics.rhat_max)
    bulk = min(fits, key=lambda fit: fit.diagnostics.ess_bulk_min)
    tail = min(fits, key=lambda fit: fit.diagnostics.ess_tail_min)
    return (
        f"All {len(fits)} MCMC fits pass (R-hat at most {RHAT_MAX:g}, bulk and tail ESS at "
        f"least {ESS_MIN}, no divergent transitions). The worst: R-hat "
        f"{rhat.diagnostics.rhat_max:.4f} ({which(rhat)}), bulk ESS "
        f"{bulk.diagnostics.ess_bulk_min:,.0f} ({which(bulk)}), tail ESS "
        f"{tail.diagnostics.ess_tail_min:,.0f} ({which(tail)})."
    )
