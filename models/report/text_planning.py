"""The computed sentences of the report's part on planning the next trial: what assurance
and power are, the assurance under each prior at the size a conventional power
calculation gives, its ceiling, and where it stops rising meaningfully
(:mod:`models.report.planning_view`).

Every function takes one :class:`~models.report.results.ReportResults` and returns
Markdown (user labels escaped). Probabilities on the 0-1 scale, rates as percentages.
"""

import models.report.format as fmt
from models.report import wording
from models.report.planning_view import PLATEAU_GAIN, PLATEAU_STEP, POWER_TARGET, OutcomePlanning
from models.report.results import ReportResults

QUOTED_SIZE = 200
"""The size (per arm) whose assurance is quoted when no design effect gives a size."""


def _design_clause(results: ReportResults) -> str:
    """The design effect in words, e.g. "control 25%, treatment 45%: odds ratio 2.5"."""
    design = results.planning.design
    if design is None:
        return ""
    return (f"{fmt.percent(design.control_rate)} on {wording.control(results.trial)}, "
            f"{fmt.percent(design.treatment_rate)} on {wording.treatment(results.trial)}: "
            f"odds ratio {fmt.ratio(design.odds_ratio)}")


def _gain() -> str:
    """The plateau's gain in words, e.g. "1 percentage point"."""
    points = fmt.general(100 * PLATEAU_GAIN)
    return f"{points} percentage point" + ("" if points == "1" else "s")


def _quoted_size(outcome: OutcomePlanning, sizes: tuple[int, ...]) -> tuple[int, str]:
    """The size to quote assurance at, and how it was chosen, in words."""
    sized = outcome.sized_for_power()
    if sized is not None:
        return sized, (f"Sized for {fmt.percent(POWER_TARGET)} power at the design effect, "
                       f"it needs {sized} per arm")
    if outcome.power is not None:
        largest = sizes[-1]
        return largest, (f"Even {largest} per arm gives only "
                         f"{fmt.prob(outcome.power[-1], 2)} power at the design effect")
    quoted = QUOTED_SIZE if QUOTED_SIZE in sizes else sizes[len(sizes) // 2]
    return quoted, (f"Without a design effect in the priors file there is no power curve; "
                    f"at {quoted} per arm")


def planning_reading(results: ReportResults) -> str:
    """What assurance and power are, and what they say for the first outcome given as
    counts: assurance under every prior at the quoted size, its ceiling, and the size from
    which it stops rising meaningfully under the first and the skeptical prior."""
    planning = results.planning
    outcome = planning.outcomes[0]
    labels = {name: fmt.markdown_text(label.lower()) for name, label in planning.labels.items()}
    design = _design_clause(results)
    power = (f"Its *power* is the chance of success if the design effect is true ({design}); "
             "its " if design else "Its ")
    intro = (
        f"Suppose the next trial randomises *n* per arm and succeeds if its own data, with "
        f"flat priors, give P(benefit) above "
        f"{fmt.general(planning.threshold)}. {power}*assurance* draws the true rates from "
        "this trial's posterior (beta-binomial model), averaging the power over every effect "
        "still plausible, including none (@fig-assurance; exact, by enumeration).")
    quoted, how = _quoted_size(outcome, planning.sizes)
    values = ", ".join(f"{fmt.prob(outcome.assurance_at(name, quoted))} ({labels[name]})"
                       for name in outcome.assurance)
    ceilings = ", ".join(fmt.prob(curve.ceiling) for curve in outcome.assurance.values())
    sentences = [
        f"{how}; for {fmt.markdown_text(outcome.label.lower())} its assurance is then "
        f"{values}.",
        f"As *n* grows, assurance approaches this model's current P(benefit) (dotted: "
        f"{ceilings}), not 1: a larger trial cannot make a doubtful effect real."]
    plateaus, rising = [], []
    for name in dict.fromkeys((results.first_prior, results.skeptical_prior)):
        plateau = outcome.plateau(name)
        if plateau is None:
            rising.append(labels[name])
        else:
            plateaus.append(f"beyond {plateau} per arm ({labels[name]} prior), {PLATEAU_STEP} "
                            f"more per arm add under {_gain()}")
    if rising:
        plateaus.append(f"under the {' and '.join(rising)} prior{'s' if len(rising) > 1 else ''}"
                        f" assurance is still rising at {planning.sizes[-1] - PLATEAU_STEP}")
    sentences.append(fmt.upper_first("; ".join(plateaus)) + ".")
    return intro + "\n\n" + " ".join(sentences)


def next_trial_clause(results: ReportResults) -> str:
    """One sentence for the conclusions: the range of assurance across the priors at the
    quoted size, for the first outcome given as counts."""
    planning = results.planning
    outcome = planning.outcomes[0]
    quoted, _ = _quoted_size(outcome, planning.sizes)
    values = [outcome.assurance_at(name, quoted) for name in outcome.assurance]
    sized = (f"sized for {fmt.percent(POWER_TARGET)} power at the design effect "
             f"({quoted} per arm)" if quoted == outcome.sized_for_power() else
             f"with {quoted} per arm")
    return (f"Nor that a confirmatory trial would succeed: {sized}, its assurance for "
            f"{fmt.markdown_text(outcome.label.lower())} is {fmt.span(values)} across the priors "
            "(@sec-next-trial).")
