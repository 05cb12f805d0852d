"""The computed sentences of the report's part on planning the next trial: what assurance
and power are, the assurance under each prior at the size a conventional power
calculation gives, its ceiling, and where it stops rising meaningfully
(:mod:`models.report.planning_view`); and, for the appendix, the details a teacher needs.

Every function takes one :class:`~models.report.results.ReportResults` and returns
Markdown (user labels escaped). Probabilities on the 0-1 scale, rates as percentages.
"""

import models.report.format as fmt
from models.report import wording
from models.report.planning_view import (
    PLATEAU_GAIN,
    PLATEAU_STEP,
    POWER_TARGET,
    OutcomePlanning,
    Planning,
)
from models.report.results import ReportResults

QUOTED_SIZE = 200
"""The size (per arm) whose assurance is quoted when no design effect gives a size."""

ASSURANCE_GOAL = 0.8
"""An assurance a sponsor might ask of a confirmatory trial; the text says whether any
drawn size reaches it under the first prior."""


def _design_clause(results: ReportResults) -> str:
    """The design effect in words, e.g. "25% on placebo, 45% on tocilizumab: odds ratio
    2.50"."""
    design = results.planning.design
    if design is None:
        return ""
    return (f"{fmt.percent(design.control_rate)} on {wording.control(results.trial)}, "
            f"{fmt.percent(design.treatment_rate)} on {wording.treatment(results.trial)}: "
            f"odds ratio {fmt.ratio(design.odds_ratio)}")


def _gain(short: bool = False) -> str:
    """The plateau's gain in words, e.g. "1 percentage point" (``short``: "1 point")."""
    points = fmt.general(100 * PLATEAU_GAIN)
    return f"{points} {'' if short else 'percentage '}point" + ("" if points == "1" else "s")


def _quoted(outcome: OutcomePlanning, planning: Planning) -> tuple[int, dict[str, float], str]:
    """The size to quote assurance at, the assurance there under each prior, and how the
    size was chosen, in words."""
    if outcome.power_size is not None and outcome.assurance_at_power_size is not None:
        return outcome.power_size, outcome.assurance_at_power_size, (
            f"Sized for {fmt.percent(POWER_TARGET)} power at the design effect, it needs "
            f"{outcome.power_size} per arm")
    if outcome.power is not None:
        n = planning.sizes[-1]
        how = (f"Even {n} per arm gives only {fmt.prob(outcome.power[-1])} power at the "
               "design effect")
    else:
        n = QUOTED_SIZE if QUOTED_SIZE in planning.sizes else planning.sizes[len(planning.sizes)
                                                                             // 2]
        how = f"Without a design effect in the priors file there is no power curve; at {n} per arm"
    return n, {name: outcome.assurance_at(name, n) for name in outcome.assurance}, how


def _labels(planning: Planning) -> dict[str, str]:
    return {name: fmt.markdown_text(label.lower()) for name, label in planning.labels.items()}


LISTED_PRIORS = 3
"""Up to this many priors the reading lists every prior's assurance; beyond, its range."""


def planning_reading(results: ReportResults) -> str:
    """What assurance and power are, and what they say for the first outcome given as
    counts: assurance under every prior at the quoted size, its ceiling, whether the first
    prior's assurance reaches :data:`ASSURANCE_GOAL`, and the size from which it stops
    rising meaningfully under the first and the skeptical prior."""
    planning = results.planning
    outcome = planning.outcomes[0]
    labels = _labels(planning)
    design = _design_clause(results)
    power = (f"Its *power* is the chance of success if the design effect is true ({design}); "
             "its " if design else "Its ")
    intro = (
        f"Suppose the next trial randomises *n* per arm and succeeds if its own data, with "
        f"flat priors, give P(benefit) above {fmt.general(planning.threshold)}. {power}"
        "*assurance* draws the true rates from this trial's posterior (beta-binomial model), "
        "averaging the chance of success over every effect still plausible, including none "
        "and harm (@fig-assurance; exact).")
    _, values, how = _quoted(outcome, planning)
    if len(values) <= LISTED_PRIORS:
        quoted = ", ".join(f"{fmt.prob(value)} ({labels[name]})"
                           for name, value in values.items())
    else:  # the extremes only, so that the sentence does not grow with the priors
        low, high = min(values, key=values.__getitem__), max(values, key=values.__getitem__)
        quoted = (f"from {fmt.prob(values[low])} ({labels[low]}) to "
                  f"{fmt.prob(values[high])} ({labels[high]})")
    sentences = [
        f"{how}; for {fmt.markdown_text(outcome.label.lower())} its assurance is then "
        f"{quoted}.",
        "As *n* grows, assurance approaches this model's current P(benefit) (dotted lines), "
        "not 1: no size lifts the chance of success above today's probability of any "
        "benefit, however small."]
    first = results.first_prior
    first_curve = outcome.assurance[first]
    reached = next((n for n, value in zip(first_curve.n_per_arm, first_curve.assurance,
                                          strict=True) if value >= ASSURANCE_GOAL), None)
    goal = (f"no size up to {planning.sizes[-1]} per arm reaches "
            f"{fmt.general(ASSURANCE_GOAL)}" if reached is None else
            f"assurance reaches {fmt.general(ASSURANCE_GOAL)} at about {reached} per arm")
    parts, rising = [], []
    for name in dict.fromkeys((first, results.skeptical_prior)):
        plateau = outcome.plateau(name)
        lead = f"under the {labels[name]} prior " + (f"{goal}, and " if name == first else "")
        if plateau is None:
            rising.append(labels[name])
            if name == first:
                parts.append(f"under the {labels[name]} prior {goal}")
        else:
            parts.append(f"{lead}beyond {plateau} per arm {PLATEAU_STEP} more add under "
                         f"{_gain(short=True)}")
    if rising:
        parts.append(f"under the {' and '.join(rising)} prior{'s' if len(rising) > 1 else ''}"
                     f" assurance is still rising at {planning.sizes[-1] - PLATEAU_STEP}")
    sentences.append(fmt.upper_first("; ".join(parts)) + " (@sec-planning-details).")
    return intro + "\n\n" + " ".join(sentences)


def next_trial_clause(results: ReportResults) -> str:
    """One sentence for the conclusions: the range of assurance across the priors at the
    quoted size, for the first outcome given as counts."""
    planning = results.planning
    outcome = planning.outcomes[0]
    n, values, _ = _quoted(outcome, planning)
    sized = (f"at {n} per arm ({fmt.percent(POWER_TARGET)} power at the design effect)"
             if n == outcome.power_size else f"at {n} per arm")
    return (f"Nor that a confirmatory trial would succeed: {sized} its assurance "
            f"(beta-binomial model) for {fmt.markdown_text(outcome.label.lower())} is "
            f"{fmt.span(list(values.values()))} (@sec-next-trial).")


def _assurance_against_power(outcome: OutcomePlanning, planning: Planning, prior_label: str,
                             prior: str, label: str) -> str:
    """Assurance against power at the smallest drawn size, why they differ there, and the
    size from which assurance stays below power."""
    power = outcome.power or ()
    values = outcome.assurance[prior].assurance
    smallest, at_smallest = planning.sizes[0], values[0]
    below = [value < p for value, p in zip(values, power, strict=True)]
    stays_below = next((n for i, n in enumerate(planning.sizes) if all(below[i:])), None)
    text = (f"*Assurance against power.* At {smallest} per arm the assurance for {label} "
            f"under the {prior_label} prior is {fmt.prob(at_smallest)}, against a power of "
            f"{fmt.prob(power[0])}")
    if at_smallest > power[0]:
        text += (": the posterior also allows effects larger than the design effect, which "
                 "a small trial needs in order to succeed")
    if stays_below is not None:
        text += (f". From {stays_below} per arm on assurance is below power: the chance that "
                 "the effect is smaller than the design effect, absent or harmful weighs more")
    return text + "."


def planning_details(results: ReportResults) -> str:
    """For the appendix: the design prior and the analysis prior, why assurance can exceed
    power in small trials (with the numbers at the smallest drawn size), whole sizes and
    discrete steps, how fragile the plateau is, and which model's posterior is used."""
    planning = results.planning
    outcome = planning.outcomes[0]
    labels = _labels(planning)
    first, skeptic = results.first_prior, results.skeptical_prior
    label = fmt.markdown_text(outcome.label.lower())
    items = [
        "*Two priors.* The named prior is the *design prior*: it says which true rates are "
        "plausible now. The next trial is analysed with flat priors (the *analysis prior*), "
        "so that its success rests on its own data; the power curve is therefore the same "
        "for every named prior."]
    if outcome.power is not None:
        items.append(_assurance_against_power(outcome, planning, labels[first], first, label))
    items.append(
        f"*Whole sizes.* The curves are drawn every {planning.sizes[1] - planning.sizes[0]} "
        "per arm" + (f"; {outcome.power_size} per arm is the smallest whole size with "
                     f"{fmt.percent(POWER_TARGET)} power" if outcome.power_size else "")
        + ". Counts are discrete, so power and assurance rise in small uneven steps, not "
        "smoothly.")
    curve = outcome.assurance[first]
    plateau = outcome.plateau(first)
    if plateau is not None:
        gains = []
        for n in (plateau - (curve.n_per_arm[1] - curve.n_per_arm[0]), plateau):
            if n in curve.n_per_arm and n + PLATEAU_STEP in curve.n_per_arm:
                gain = outcome.assurance_at(first, n + PLATEAU_STEP) - outcome.assurance_at(
                    first, n)
                gains.append(f"{fmt.number(100 * gain, '.2f')} points from {n}")
        items.append(
            f"*Where assurance stops rising* is the first drawn size from which {PLATEAU_STEP} "
            f"more per arm add less than {_gain()}; the gains near it are close to that line "
            f"({labels[first]} prior: {', '.join(gains)}), so read it as approximate.")
    beta = results.exact[(skeptic, outcome.outcome)].summary.p_benefit.estimate
    primary = results.logistic[(skeptic, outcome.outcome)].p_benefit.estimate
    items.append(
        "*Model.* Assurance uses the beta-binomial posterior, because each arm's future count "
        f"then has an exact predictive distribution. Under the {labels[skeptic]} prior its "
        f"P(benefit) for {label} is {fmt.prob(beta)}, against {fmt.prob(primary)} in the "
        "primary analysis (@sec-families).")
    return "\n".join(f"- {item}" for item in items)
