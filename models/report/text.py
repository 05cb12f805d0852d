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


import models.report.format as fmt
from models.core.direction import Direction, benefit_sign
from models.exact.beta_binomial import PROBABILITY_ACCURACY, QUANTILE_ACCURACY
from models.exact.logistic_posterior import LOGISTIC_ACCURACY
from models.exact.normal_normal import benefit_ratio
from models.mcmc.diagnostics import ESS_MIN, RHAT_MAX
from models.report import text_planning, wording
from models.report.results import (
    HEADLINE_ARD,
    MCSE_AGREEMENT,
    WORTHWHILE_RELATIVE,
    FitDiagnostics,
    ReportResults,
)

THRESHOLD_MEANINGS = (
    "a small benefit",
    "a benefit many would consider worthwhile against a treatment's costs and risks",
    "a large benefit",
)
"""What each positive ARD threshold (5, 10, 20 points) means to a clinician."""

LARGE_ARD = 0.2
"""The large benefit of the misreadings (20 points, NNT 5)."""


def priors_file_name(results: ReportResults) -> str:
    """The priors file's name, as the reader would look for it."""
    return results.priors_path.name


def prior_strength(results: ReportResults) -> str:
    """The informative log-OR priors' approximate worth in participants (both arms; see
    :func:`~models.priors.statements.logistic_effective_sample_size`), those worth more than
    two thirds of the trial's participants (analysed, or randomised for a trial given only
    as published ratios): one worth with its priors, e.g. "about 69 (skeptical,
    enthusiastic) participants, up to 2.4 times the trial's 29", or the range of several,
    "about 44 to 69 participants, up to 2.4 times the trial's 29"."""
    size = results.analysed if results.has_counts else results.randomised
    by_worth: dict[int, list[str]] = {}
    for name in results.prior_set.names:
        worth = results.implied[name]["logistic_ess"]
        if worth > 2 * size / 3:
            by_worth.setdefault(round(worth), []).append(
                fmt.markdown_text(results.labels[name].lower()))
    if not by_worth:
        return "far fewer participants than the trial"
    if len(by_worth) == 1:
        groups = " and ".join(f"{worth} ({', '.join(names)})"
                              for worth, names in by_worth.items())
    else:  # a range, so that the sentence does not grow with the number of priors
        groups = f"{min(by_worth)} to {max(by_worth)}"
    if size <= 0:
        return f"about {groups} participants"
    return (f"about {groups} participants, up to {max(by_worth) / size:.1f} "
            f"times the trial's {size}")


def trial_size_words(results: ReportResults) -> str:
    """"29 participants were analysed" (counts) or "424 were randomised" (published ratios
    only; "the trial's size is not given" without randomised numbers)."""
    if results.has_counts:
        return f"{results.analysed} participants were analysed"
    if results.randomised > 0:
        return f"{results.randomised} participants were randomised"
    return "the trial's size is not given"


def summary_intro(results: ReportResults) -> str:
    """The report's opening paragraph: the trial file's description (plain text), the
    question in the trial's own arm names, and the priors it is answered under."""
    trial = results.trial
    described = fmt.markdown_text(trial.description) + " " if trial.description else ""
    count = len(results.prior_set.names)
    return (
        f"{described}How probable is it that {wording.treatment(trial)} does better than "
        f"{wording.control(trial)}? That depends on prior belief, so the answer is given "
        f"under each of the {count} priors in {fmt.code_span(priors_file_name(results))}."
    )


def _p_benefit_by_outcome(results: ReportResults) -> dict[str, list[float]]:
    """Every outcome's primary P(benefit) under each prior: the exact logistic model for
    counts, the normal-normal model for a published ratio."""
    names = results.prior_set.names
    out = {o: [results.logistic[(n, o)].p_benefit.estimate for n in names]
           for o in results.trial.outcomes}
    out.update({o: [results.normal[(n, o)].p_benefit for n in names]
                for o in results.trial.estimates})
    return out


def summary_bullets(results: ReportResults) -> str:
    """The summary's bullets, from the primary analysis (exact): P(better) and P(benefit of
    at least 10 points, or of a 20% relative benefit for a published ratio) ranges over
    the priors, the priors' weight against the data, the post hoc caveat, and (with
    counts) how the skeptical answer moves between model families."""
    trial = results.trial
    names = results.prior_set.names
    p_all = _p_benefit_by_outcome(results)
    every = all(p > 0.5 for values in p_all.values() for p in values)
    lead = ("Some benefit is probable under every prior" if every
            else "Whether benefit is probable depends on the prior and the outcome")
    ranges = " and ".join(f"{fmt.span(p_all[o])} for {fmt.markdown_text(trial.label(o).lower())}"
                          for o in trial.outcome_names)
    worthwhile = []
    if trial.outcomes:
        def worthwhile_span(o: str) -> str:
            return fmt.span([results.logistic[(n, o)].p_benefit_greater[HEADLINE_ARD].estimate
                         for n in names])

        counts = " and ".join(f"{worthwhile_span(o)} for "
                              f"{fmt.markdown_text(outcome.label.lower())}"
                              for o, outcome in trial.outcomes.items())
        worthwhile.append(f"P(benefit of at least {100 * HEADLINE_ARD:g} percentage points, "
                          f"NNT {1 / HEADLINE_ARD:g} or fewer) is {counts}")
    for o, estimate in trial.estimates.items():
        values = [results.normal[(n, o)].p_relative[WORTHWHILE_RELATIVE] for n in names]
        worthwhile.append(
            f"P({estimate.estimate.words} "
            f"{relative_benefit_words(estimate.direction, WORTHWHILE_RELATIVE)}) is "
            f"{fmt.span(values)} for {fmt.markdown_text(estimate.label.lower())}")
    bullets = [
        f"- **{lead}:** {wording.better(trial)} ranges {ranges}.",
        "- **A worthwhile benefit is less certain:** " + "; ".join(worthwhile) + ".",
        f"- **The prior matters:** {trial_size_words(results)}, and the informative priors "
        f"are worth {prior_strength(results)} (@sec-sensitivity).",
        "- **Post hoc:** it was specified after the results were public (@sec-trial); it "
        "helps to read the trial, not to settle it.",
    ]
    if trial.outcomes:
        bullets.append(f"- {skeptical_across_models(results)}")
        warning = skeptic_above_reference(results)
        if warning:
            bullets.append(f"- {warning}")
    return "\n".join(bullets)


def skeptic_above_reference(results: ReportResults) -> str:
    """A warning when the skeptical prior gives a higher P(benefit) than the first prior
    for the first count outcome in the primary model (its informative control-rate prior
    disagreeing with the observed control rate), with the answer under the first prior's
    weak control-rate prior; empty otherwise."""
    outcome = results.reference_outcome
    skeptic, first = results.skeptical_prior, results.first_prior
    if skeptic == first:
        return ""
    own = results.logistic[(skeptic, outcome.name)].p_benefit.estimate
    reference = results.logistic[(first, outcome.name)].p_benefit.estimate
    if own <= reference:
        return ""
    label = fmt.markdown_text(results.labels[skeptic].lower())
    first_label = fmt.markdown_text(results.labels[first].lower())
    control = wording.control_rate_owner(results.trial)
    assumed = results.prior_set.calibration
    assumption = (f"its {control}-rate prior is centred on the assumed "
                  f"{fmt.percent(assumed.placebo_rate)}, " if assumed is not None else
                  f"its {control}-rate prior ")
    return (
        f"**Why the {label} prior gives more benefit than the {first_label} one here "
        f"({fmt.prob(own)} against {fmt.prob(reference)}):** {assumption}while "
        f"{fmt.percent(outcome.control.rate)} was observed on {wording.control(results.trial)}"
        f"; that prior moves what the counts say about the odds ratio. With the "
        f"{first_label} {control}-rate prior the {label} answer is "
        f"{fmt.prob(results.intercept_effects[outcome.name].p_benefit_weak)} "
        "(@sec-families).")


def relative_benefit_words(direction: Direction, r: float) -> str:
    """"below 0.80" (fewer events is better) or "above 1.25": a relative benefit of r."""
    bound = benefit_ratio(r, direction)
    return f"{'below' if direction == 'lower' else 'above'} {bound:.2f}"


def skeptical_answers(results: ReportResults) -> tuple[float, float, float]:
    """The skeptical prior's P(benefit) for the first count outcome under the three model
    choices the report compares, all exact: the primary logistic model (its own intercept
    prior), the beta-binomial model, and the logistic model with the first prior's weak
    intercept prior (:attr:`ReportResults.intercept_effects`)."""
    outcome = results.reference_outcome.name
    effect = results.intercept_effects[outcome]
    beta_binomial = results.exact[(results.skeptical_prior, outcome)]
    return (effect.p_benefit_own, beta_binomial.summary.p_benefit.estimate,
            effect.p_benefit_weak)


def skeptical_across_models(results: ReportResults) -> str:
    """One line: how the skeptical answer for the first count outcome moves between model
    families, and why (:func:`skeptical_answers`)."""
    primary, beta_binomial, weak_intercept = skeptical_answers(results)
    label = fmt.markdown_text(results.labels[results.skeptical_prior].lower())
    control = wording.control_rate_owner(results.trial)
    outcome = fmt.markdown_text(results.reference_outcome.label.lower())
    return (
        f"**The model family moves the {label} answer:** for {outcome}, P(better) is "
        f"{fmt.prob(primary)} in the primary analysis, "
        f"{fmt.prob(beta_binomial)} with the beta-binomial model and "
        f"{fmt.prob(weak_intercept)} with the "
        f"{fmt.markdown_text(results.labels[results.first_prior].lower())} prior on the "
        f"{control} rate: the {label} Beta priors doubt each arm's rate, not only the "
        f"difference, and an informative prior on the {control} rate changes what the "
        "counts say about the odds ratio (@sec-families)."
    )


def trial_description(results: ReportResults) -> str:
    """The trial's name and registration, who was randomised and analysed, and any
    randomised participants without an outcome (from the trial file)."""
    trial = results.trial
    treatment, control = wording.treatment(trial), wording.control(trial)
    named = fmt.markdown_text(trial.name) if trial.name else "The trial"
    registration = (f" (registration {fmt.markdown_text(trial.registration)})"
                    if trial.registration else "")
    sentences = [f"{named}{registration} compared {treatment} (treatment) with {control} "
                 "(control)."]
    if len(trial.randomised) == 2:
        sentences.append(f"It randomised {results.randomised} participants: "
                         f"{trial.randomised['treatment']} to {treatment} and "
                         f"{trial.randomised['control']} to {control}.")
    if trial.outcomes:
        outcome = results.reference_outcome
        when = f"At {fmt.markdown_text(trial.timepoint)}, " if trial.timepoint else ""
        analysed = (f"{when}{results.analysed} were analysed ({outcome.treatment.n} and "
                    f"{outcome.control.n})")
        if results.missing_treatment > 0:
            who = ("participant" if results.missing_treatment == 1 else "participants")
            analysed += (f"; {results.missing_treatment} randomised {treatment} {who} had "
                         "no outcome")
        sentences.append(analysed + ".")
    lower = [fmt.markdown_text(trial.label(name).lower()) for name in trial.outcome_names
             if trial.direction(name) == "lower"]
    if lower:
        sentences.append(f"For {' and '.join(lower)}, fewer events is better: benefit means "
                         f"fewer events on {treatment}.")
    return " ".join(sentences)


def caveats_box(results: ReportResults) -> str:
    """The caveats callout: the trial file's own caveats (plain text, escaped), then the
    two that hold for every reanalysis of this kind (post hoc; small, with counts)."""
    items = [f"- {fmt.markdown_text(caveat)}" for caveat in results.trial.caveats]
    items.append("- **Post hoc.** Models, thresholds and priors were chosen after the "
                 "results were public (the priors calibrated to stated beliefs, not fitted).")
    if results.has_counts:
        items.append(f"- **Arm size.** One participant changes an arm's rate by "
                     f"{one_participant_points(results)} percentage points.")
    if results.has_estimates:
        items.append("- **Published ratios.** An outcome given only as a ratio with its 95% "
                     "CI is read through a normal approximation on the log scale, which "
                     "is poor for small trials and for ratios near the limits of their "
                     "range.")
    return ('::: {.callout-warning title="Read these results with the trial\'s limits in '
            'mind"}\n' + "\n".join(items) + "\n:::")


def references(results: ReportResults) -> str:
    """The trial file's references (plain text, escaped), one bullet each."""
    return "\n".join(f"- {fmt.markdown_text(reference)}"
                     for reference in results.trial.references)


def no_ipd_sentence(results: ReportResults) -> str:
    """The one sentence that stands in for the individual-data part when there is none."""
    return ("The trial file points to no individual participant data, so the analyses "
            "that need them (a treatment x covariate interaction and the simulation study) "
            "are not available for this trial.")


def one_participant_points(results: ReportResults) -> str:
    """How many percentage points one participant is worth in each arm, e.g. "6 to 8", or
    "about 0.8" when both arms print the same."""
    outcome = results.reference_outcome
    values = sorted(100 / n for n in (outcome.control.n, outcome.treatment.n))
    digits = 0 if values[0] >= 1.5 else 1
    low, high = (f"{value:.{digits}f}" for value in values)
    return f"about {low}" if low == high else f"{low} to {high}"


def calibration(results: ReportResults) -> str:
    """The calibration's assumptions, or that the file has none."""
    c = results.prior_set.calibration
    if c is None or results.design_ard is None:
        return "This priors file has no calibration block: its priors are used as given."
    control = wording.control_rate_owner(results.trial)
    if not results.has_counts:
        return (
            f"The calibration assumes a design ratio of {c.design_odds_ratio:g} "
            f"({wording.direction_clause(c.direction)}) and a tail probability of "
            f"{c.tail_probability:g}: the skeptical prior gives that probability to an effect "
            "beyond the design effect, the enthusiastic one to harm. These are assumptions "
            "of this reanalysis, not facts about the trial.")
    return (
        f"The calibration assumes a {control} rate of {fmt.percent(c.placebo_rate)}, "
        f"a design odds ratio of {c.design_odds_ratio:g} ({wording.direction_clause(c.direction)}"
        f"; a risk difference of {fmt.points(results.design_ard)} points at that {control} "
        f"rate) and a tail probability of {c.tail_probability:g}, one {control} rate for "
        "every outcome. These are assumptions of this reanalysis, not facts about the "
        "trial, and are varied in the appendix (@sec-further)."
    )


def robust_priors_sentence(results: ReportResults) -> str:
    """What the robust priors of the file are (Markdown; labels escaped), or "" without
    any, e.g. 'The robust skeptical and robust enthusiastic priors move 20% of their weight to a
    vague prior, so that data in conflict can overrule the informative part
    (@sec-conflict)'."""
    robust = [prior for prior in results.prior_set.priors.values() if prior.robust is not None]
    if not robust:
        return ""
    labels = [fmt.markdown_text(prior.label.lower()) for prior in robust]
    named = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    weights = {fmt.percent(prior.robust.weight) for prior in robust if prior.robust}
    share = weights.pop() if len(weights) == 1 else "part"
    several = len(robust) > 1
    vague = {(str(prior.robust.vague_log_odds_ratio), str(prior.robust.vague_beta))
             for prior in robust if prior.robust}
    parts = ""
    if len(vague) == 1:
        first = robust[0].robust
        assert first is not None
        log_or, beta = first.vague_log_odds_ratio, first.vague_beta
        parts = (f" (N({log_or.mean:g}, {log_or.sd:g}) on the log odds ratio; "
                 f"Beta({beta.alpha:g}, {beta.beta:g}) per arm in the beta-binomial model)")
    return (f"The {named} prior{'s move' if several else ' moves'} {share} of "
            f"{'their' if several else 'its'} weight to a vague prior{parts}, so that data "
            "in conflict can overrule the informative part (@sec-conflict).")


def calibrating_for_another_trial() -> str:
    """How a researcher calibrates priors for another trial (a fixed how-to paragraph)."""
    return (
        "**Calibrating priors for another trial.** Write down its assumed control rate and "
        "design odds ratio (below 1 when fewer events is better) before reading its results, "
        "then run `reanalysis priors calibrate --control-rate P0 --design-or OR`."
    )


def logistic_priors_reading(results: ReportResults) -> str:
    """How to read the logistic priors, with the interaction tail of the calibration."""
    c = results.prior_set.calibration
    control = wording.control_rate_owner(results.trial)
    reading = (
        f"Reading the logistic priors: the intercept is the log-odds of the outcome in the "
        f"control arm (for the calibrated priors it is matched to the {control} Beta prior, "
        f"so it carries the assumed {control} rate); the log OR is the treatment effect")
    if not results.has_ipd:
        return reading + "; the covariate slope and the interaction are not used here."
    return (
        reading + "; the hs-CRP slope and the "
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
            tail = predictive.p_benefit_at_least(outcome.treatment.events,
                                                 outcome.control.events, outcome.direction)
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
        "Before the data, the primary model's priors gave these probabilities to a benefit at "
        "least as large as the one observed (a risk difference at least as far towards "
        "benefit): " + "; ".join(per_outcome)
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
    treatment = wording.treatment_rate_owner(results.trial)
    control = wording.control_rate_owner(results.trial)
    return (
        "The families agree where the priors are weak and differ where they are not: the "
        f"largest difference in P(better) is {abs(gaps[(prior, outcome)]):.3f} "
        f"({fmt.markdown_text(results.labels[prior])} prior, "
        f"{fmt.markdown_text(results.trial.outcome(outcome).label.lower())}). An informative "
        f"Beta prior speaks about each arm's rate and pulls the {treatment} rate towards the "
        f"assumed {control} rate directly; the logistic priors speak about the odds ratio, "
        f"with a separate prior on the {control} log-odds. " + intercept_mechanism(results)
    )


def intercept_mechanism(results: ReportResults) -> str:
    """How an informative intercept prior changes the logistic P(benefit), with the numbers
    (exact, skeptical prior, each outcome; :attr:`ReportResults.intercept_effects`): it
    holds the control rate near the assumed one, and with the control log-odds integrated
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
    moves = {"towards benefit" if (e.likelihood_own[0] - e.likelihood_weak[0])
             * benefit_sign(results.trial.direction(name)) > 0 else "away from benefit"
             for name, e in results.intercept_effects.items()}
    centre = ("The centre moves towards benefit for some outcomes and away from it for "
              "others, so the narrowing is what raises P(benefit) throughout."
              if len(moves) > 1 else
              f"The centre moves {moves.pop()} as well; both changes act together.")
    control = wording.control_rate_owner(results.trial)
    return (
        f"An informative intercept prior holds the {control} rate near the assumed rate. With "
        f"the {control} log-odds integrated out under it, the counts' likelihood for the log OR "
        "is narrower and re-centred, and a narrower likelihood is shrunk less by the same "
        "log-OR prior. " + numbers_text + " " + centre
    )


def conclusions(results: ReportResults) -> str:
    """What a reader may and may not conclude, with the numbers behind each (primary
    analysis, exact), for the first outcome (counts first)."""
    trial = results.trial
    first, skeptic = results.first_prior, results.skeptical_prior
    first_label = fmt.markdown_text(results.labels[first].lower())
    skeptic_label = fmt.markdown_text(results.labels[skeptic].lower())
    treatment, control = wording.treatment(trial), wording.control(trial)
    p_all = _p_benefit_by_outcome(results)
    name = trial.outcome_names[0]
    label = fmt.markdown_text(trial.label(name).lower())
    skeptic_p = p_all[name][results.prior_set.names.index(skeptic)]
    every = all(p > 0.5 for values in p_all.values() for p in values)
    outcomes = " and ".join(fmt.markdown_text(trial.label(o).lower()) for o in trial.outcome_names)
    may = (f"**May conclude.** Given these data, benefit on {outcomes} is "
           + ("more probable than not under every prior in the file. " if every else
              "more probable than not under some priors in the file and not under others. ")
           + f"The data move even the {skeptic_label} prior: before the trial it gave "
           f"{treatment} a {fmt.prob(results.implied[skeptic]['logistic_p_benefit'])} chance "
           f"of beating {control}; after it, {fmt.prob(skeptic_p)} for {label}")
    if trial.outcomes:
        may += (f", or {fmt.span(list(skeptical_answers(results)))} across the model choices of "
                "@sec-families")
    if name in trial.outcomes:
        interval = results.logistic[(first, name)].risk_difference
        size = (f"under the {first_label} prior the 95% interval for the {label} risk "
                f"difference runs from {fmt.points(interval.lower)} to "
                f"{fmt.points(interval.upper)} points")
    else:
        fit = results.normal[(first, name)]
        size = (f"under the {first_label} prior the 95% interval for the "
                f"{trial.estimates[name].estimate.words} runs from "
                f"{fmt.ratio(fit.effect.lower)} to {fmt.ratio(fit.effect.upper)}")
    may_not = (f"**May not conclude.** That the benefit is large or certain: {size}. Nor "
               "that the result, analysed post hoc, holds beyond the trial's population, "
               "outcomes and time point, or outweighs harms, which are not weighed here "
               "(see the caveats in @sec-trial).")
    if trial.outcomes:
        may_not += " " + text_planning.next_trial_clause(results)
    if results.has_ipd:
        may_not += (" Nor that the covariate predicts who benefits: the interaction part "
                    "uses simulated data, not the trial's participants.")
    return may + ".\n\n" + may_not


def events(count: int) -> str:
    """A count of events in words, e.g. "1 event", "2 events"."""
    return f"{count} event" + ("" if count == 1 else "s")


def misreadings(results: ReportResults) -> str:
    """Common misreadings, each answered with this report's numbers (primary analysis;
    the first count outcome, and the comparison of two outcomes when there are two)."""
    trial = results.trial
    first = results.first_prior
    first_label = fmt.markdown_text(results.labels[first].lower())
    if not trial.outcomes:
        name = trial.outcome_names[0]
        normal = results.normal[(first, name)]
        words = trial.estimates[name].estimate.words
        return (
            f"1. **\"P = {fmt.prob(normal.p_benefit)} means a p-value of "
            f"{fmt.prob(1 - normal.p_benefit)}.\"** No. A p-value is computed assuming no "
            "effect; a posterior probability is a statement about the effect, given a prior. "
            "With a nearly flat prior, 1 - P(benefit) is close to a *one-sided* p-value; the "
            "resemblance ends as soon as the prior carries information.\n"
            "2. **\"The treatment probably works, so it works well.\"** P(benefit) counts "
            f"any benefit, however small: the probability of a {words} "
            f"{relative_benefit_words(normal.direction, WORTHWHILE_RELATIVE)} is "
            f"{fmt.prob(normal.p_relative[WORTHWHILE_RELATIVE])} under the {first_label} "
            "prior.")
    reference = results.reference_outcome
    fit = results.logistic[(first, reference.name)]
    freq = results.frequentist[reference.name]
    p_ref = fit.p_benefit.estimate
    items = [
        f"1. **\"P = {fmt.prob(p_ref)} means a p-value of {fmt.prob(1 - p_ref)}.\"** No. A "
        "p-value is computed assuming no effect; a posterior probability is a statement "
        "about the effect, given a prior. With a nearly flat prior, 1 - P(benefit) is often "
        f"close to a *one-sided* p-value (here {fmt.prob(1 - p_ref)} against a one-sided "
        f"Wald p of {fmt.prob(freq.wald_p_one_sided)}); the resemblance ends as soon as the "
        "prior carries information.",
        "2. **\"The treatment probably works, so it works well.\"** P(benefit) counts any "
        f"benefit, however small: the probability of "
        f"{wording.benefit_per_100(reference.direction, HEADLINE_ARD)} "
        f"({fmt.markdown_text(reference.label.lower())}) is "
        f"{fmt.prob(fit.p_benefit_greater[HEADLINE_ARD].estimate)} under the {first_label} "
        f"prior, and {fmt.prob(fit.p_benefit_greater[LARGE_ARD].estimate)} for at least "
        f"{100 * LARGE_ARD:g} (NNT {1 / LARGE_ARD:g} or fewer).",
    ]
    if len(trial.outcomes) >= 2:
        one, two = list(trial.outcomes.values())[:2]
        p_one = results.logistic[(first, one.name)].p_benefit.estimate
        p_two = results.logistic[(first, two.name)].p_benefit.estimate
        stronger, weaker = (two, one) if p_two > p_one else (one, two)
        items.append(
            f"3. **\"{fmt.markdown_text(stronger.label)} is more convincing than "
            f"{fmt.markdown_text(weaker.label.lower())}\"** "
            f"({fmt.prob(max(p_one, p_two))} vs {fmt.prob(min(p_one, p_two))}). The two "
            f"outcomes differ by {events(abs(one.treatment.events - two.treatment.events))} "
            f"in the {wording.treatment(trial)} arm and "
            f"{events(abs(one.control.events - two.control.events))} in the "
            f"{wording.control(trial)} arm; both come from the same {results.analysed} "
            "people and move together.")
    return "\n".join(items)


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


def checklist(results: ReportResults) -> str:
    """Where this report covers each item of the Bayesian Analysis Reporting Guidelines
    (BARG; Kruschke 2021) and the ROBUST checklist (Sung et al. 2005), as a Markdown table
    naming only the sections this trial's report has."""
    counts, estimates, ipd = results.has_counts, results.has_estimates, results.has_ipd

    def where(*parts: tuple[bool, str]) -> str:
        return fmt.upper_first(", ".join(text for present, text in parts if present))

    rows = [
        ("BARG 1. Explain the model: likelihood, parameters, why this model",
         where((counts, "@sec-primary (logistic, primary), @sec-beta-binomial "
                "(beta-binomial)"), (estimates, "@sec-published (normal-normal)"),
               (ipd, "@sec-interaction (interaction model)"))),
        ("BARG 2. Prior: specification, justification, calibration story",
         "@sec-priors (@tbl-priors" + (", @tbl-prior-parameters" if counts else "")
         + "); the priors file's comments"),
        ("BARG 2. Prior predictive check",
         "@fig-prior-predictive and @tbl-prior-predictive, per prior, both model families"
         if counts else "Not applicable: a published ratio has no counts to predict"),
        ("BARG 3. Computation: software, method, chains, draws, seed",
         where((counts, "@sec-primary and @sec-beta-binomial (deterministic integration), "
                "@sec-check"), (estimates, "@sec-published (closed form)"),
               (True, "@sec-provenance"))),
        ("BARG 3. Convergence (R-hat) and effective sample size for every reported fit",
         where((counts, "@sec-check: one sentence over every MCMC fit of the main analyses "
                "with the worst values"), (ipd, "the simulation study's fits are counted in "
                                               "@sec-study"),
               (True, "exact results need none"))),
        ("BARG 3. Monte Carlo error of reported quantities",
         "Exact results need none" + ("; MCSE is shown for P(benefit) of every MCMC "
                                      "estimate (@tbl-check" + (", @tbl-interaction" if ipd
                                                                else "") + ")"
                                      if counts else "")),
        ("BARG 4. Posterior: central tendency and credible intervals",
         where((counts, "@tbl-primary, @tbl-beta-binomial"), (estimates, "@tbl-published"),
               (ipd, "@tbl-interaction"))),
        ("BARG 4. Decision thresholds and their rationale",
         where((True, "@tbl-summary"), (counts, "@tbl-primary and @fig-benefit, with the NNT "
                                                "rationale in @sec-primary"),
               (estimates, "@tbl-published"))),
        ("BARG 4. Posterior predictive check",
         "@sec-ppc" if counts else "Not applicable (a published ratio only)"),
        ("BARG 5. Sensitivity to the prior",
         where((True, "@sec-sensitivity (heat map, tipping points)"
                + ("; @sec-further (control rate, missing participants)" if counts else "")),
               (counts, "@sec-families, @sec-psense"))),
        ("BARG 6. Reproducibility: data, code, versions", "@sec-provenance"),
        ("ROBUST 1-3. Prior specified, justified, sensitivity analysed",
         "@sec-priors, @sec-sensitivity"),
        ("ROBUST 4-5. Model and analytical technique",
         where((counts, "@sec-primary, @sec-beta-binomial, @sec-check"),
               (estimates, "@sec-published"))),
        ("ROBUST 6-7. Central tendency and interval reported",
         where((counts, "@tbl-primary, @tbl-beta-binomial"), (estimates, "@tbl-published"))),
        ("Not covered", "Hierarchical or historical-data priors; a decision analysis with "
                        "costs and harms; adverse events"),
    ]
    lines = ["| Guideline item | Where it is covered |", "|:---|:---|"]
    lines += [f"| {item} | {covered} |" for item, covered in rows]
    return "\n".join(lines)
