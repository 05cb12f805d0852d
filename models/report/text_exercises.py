"""Teaching exercises: short questions on the prior explorer and the tables, with folded answers.

:func:`exercises` returns Markdown for an ``output: asis`` cell: three to five numbered
questions a teacher could set, each followed by its answer in a collapsed callout
(``::: {.callout-tip collapse="true" title="Answer"}``), which Quarto folds natively and
the fallback's Lua filter turns into ``<details>``. Every number in a question or an answer
is computed here from the :class:`~models.report.results.ReportResults` (exact
beta-binomial, the mathematics the explorer runs in the browser) and formatted with
:mod:`models.report.format`; every user string (prior labels, arm names, outcome label,
time point) enters through :func:`models.report.format.markdown_text`.

The exercises, each skipped when the priors file cannot support it:

1. start the explorer from the skeptical prior (or, without one, the prior other than the
   first with the lowest P(benefit)): why P(benefit) differs from the first prior's
   (needs two priors);
2. how strong a skeptic's belief (both arms centred on the calibration's placebo rate,
   equally strong) must be to bring P(benefit) below :data:`BENEFIT_LEVEL`, found by
   exact root finding (:func:`tipping_strength`; needs a calibration block);
3. one participant's outcome moved: P(benefit) under the first prior with one remission
   fewer (or, with none, one more) on treatment;
4. P(ARD > 10 points) as a statement about the NNT, and why it is smaller than P(benefit);
5. the misreading "P(benefit) = 0.88 means 88% of patients benefit".

All are about the reference outcome (the first given as counts). Probabilities on the 0-1
scale with 3 decimals; ARD in percentage points; prior strength in prior participants per
arm (alpha + beta, as the explorer's sliders show it).
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize

import models.report.format as fmt
from models.core.distributions import BetaBinomialPrior
from models.data.trial import ArmCounts, OutcomeCounts
from models.exact.beta_binomial import INTERVAL_PROBABILITY, p_benefit
from models.priors.calibration import beta_with_mean
from models.report import wording
from models.report.results import HEADLINE_ARD, ReportResults

BENEFIT_LEVEL = 0.8
"""The P(benefit) a skeptic's belief must bring the answer below (exercise 2): a level a
reader might take as "probably works", well above a coin toss."""

STRENGTH_SEARCH = (0.5, 10_000.0)
"""Prior strengths (participants per arm) searched for the tipping point: from the
explorer's weakest slider position to a belief worth a large trial."""

STRENGTH_GRID_POINTS = 60
"""Log-spaced strengths scanned for the first crossing before Brent's method."""

EXPLORER_STRENGTH_RANGE = (0.5, 200.0)
"""The explorer's strength slider range (``STRENGTH_MIN``, ``STRENGTH_MAX`` in
``reports/assets/explorer.js``; ``tests/test_exercises.py`` checks they agree)."""

ANSWER_OPEN = '::: {.callout-tip collapse="true" title="Answer"}'
"""The folded answer's callout, as Quarto writes a collapsed callout."""


@dataclass(frozen=True)
class Exercise:
    """One question and its answer, both Markdown (user text already escaped)."""

    question: str
    answer: str

    def markdown(self, number: int) -> str:
        return (f"**Exercise {number}.** {self.question}\n\n"
                f"{ANSWER_OPEN}\n{self.answer}\n:::")


# ------------------------------------------------------------------------------ computation


def equal_belief(rate: float, strength: float) -> BetaBinomialPrior:
    """Both arms Beta(rate * strength, (1 - rate) * strength): the same expected rate in
    each arm, worth ``strength`` prior participants per arm (the explorer's sliders)."""
    arm = beta_with_mean(rate, strength)
    return BetaBinomialPrior(arm, arm)


@dataclass(frozen=True)
class TippingStrength:
    """Where a belief of equal strength in both arms brings P(benefit) down to ``level``.

    ``strengths`` (participants per arm, log-spaced over :data:`STRENGTH_SEARCH`) and
    ``p_benefit`` are the scanned grid; ``strength`` is the first strength at which
    P(benefit) falls to ``level`` (Brent's method within the first grid step that crosses
    it from above), None when P(benefit) is already at most ``level`` at the weakest
    strength or never falls to it within the search.
    """

    level: float
    strengths: NDArray[np.float64]
    p_benefit: NDArray[np.float64]
    strength: float | None

    @property
    def stays_below(self) -> bool:
        """Every scanned strength above ``strength`` gives P(benefit) below ``level``."""
        if self.strength is None:
            return False
        return bool(np.all(self.p_benefit[self.strengths > self.strength] < self.level))


def tipping_strength(counts: OutcomeCounts, rate: float, level: float = BENEFIT_LEVEL,
                     search: tuple[float, float] = STRENGTH_SEARCH) -> TippingStrength:
    """The prior strength s (participants per arm) at which both arms ~ Beta(rate s,
    (1 - rate) s) give an exact posterior P(benefit) of ``level``.

    A belief centred on the same rate in both arms says "no difference"; the stronger it
    is, the closer the posterior P(benefit) is pulled towards 1/2. The first crossing of
    ``level`` on a log-spaced grid is refined with :func:`scipy.optimize.brentq` to a
    strength accurate to 1e-10 relative, so P(benefit) there equals ``level`` to the exact
    probabilities' own accuracy.
    """
    if not 0.0 < rate < 1.0:
        raise ValueError(f"rate must be strictly between 0 and 1, got {rate!r}")

    def gap(strength: float) -> float:
        return p_benefit(equal_belief(rate, strength), counts) - level

    grid = np.geomspace(search[0], search[1], STRENGTH_GRID_POINTS)
    values = np.array([gap(s) for s in grid])
    falls = np.nonzero((values[:-1] > 0) & (values[1:] <= 0))[0]
    strength = None
    if values[0] > 0 and falls.size:
        i = falls[0]
        strength = float(optimize.brentq(gap, grid[i], grid[i + 1], xtol=1e-12, rtol=1e-10))
    return TippingStrength(level, grid, values + level, strength)


# ------------------------------------------------------------------------------ wording


def _quoted(label: str) -> str:
    """A prior's label as the explorer's menu shows it, in quotes."""
    return f'"{fmt.markdown_text(label)}"'


def _participants(value: float) -> str:
    """A prior's worth in participants, one decimal (e.g. 23.3)."""
    return fmt.number(value, ".1f")


def _comparison(a: str, b: str) -> str:
    """How ``a`` compares with ``b``, both as printed: "lower", "higher" or "the same"."""
    if a == b:
        return "the same"
    return "lower" if float(a) < float(b) else "higher"


def _worth(results: ReportResults, name: str) -> str:
    """A prior's worth, per arm: "23.3 prior participants in each arm" or
    "28.1 prior participants on <treatment> and 28.1 on <control>"."""
    arms = results.prior_set.get(name).beta_binomial
    treatment = _participants(arms.treatment.effective_sample_size)
    control = _participants(arms.control.effective_sample_size)
    if treatment == control:
        return f"{treatment} prior participants in each arm"
    trial = results.trial
    return (f"{treatment} prior participants on {fmt.markdown_text(trial.treatment_name)} "
            f"and {control} on {fmt.markdown_text(trial.control_name)}")


def _arms(results: ReportResults) -> tuple[str, str]:
    trial = results.trial
    return fmt.markdown_text(trial.treatment_name), fmt.markdown_text(trial.control_name)


def _outcome_label(results: ReportResults) -> str:
    return fmt.markdown_text(results.reference_outcome.label)


def _exact_p_benefit(results: ReportResults, name: str) -> float:
    return results.exact[(name, results.reference_outcome.name)].summary.p_benefit.estimate


def _compared_prior(results: ReportResults) -> str | None:
    """The prior exercise 1 starts from: ``skeptical`` when the file has it (and it is not
    the first prior), else the other prior with the lowest P(benefit); None with one prior."""
    first = results.first_prior
    others = [name for name in results.prior_set.names if name != first]
    if not others:
        return None
    if results.skeptical_prior in others:
        return results.skeptical_prior
    return min(others, key=lambda name: _exact_p_benefit(results, name))


# ------------------------------------------------------------------------------ exercises


def skeptical_start(results: ReportResults) -> Exercise | None:
    """Exercise 1: P(benefit) under the skeptical prior against the first prior, and why
    (each prior's P(benefit) before the data, its worth in participants, the posterior
    median ARD). None when the file has one prior."""
    other = _compared_prior(results)
    if other is None:
        return None
    first = results.first_prior
    labels = results.labels
    treatment, control = _arms(results)
    outcome = results.reference_outcome
    key_other, key_first = (other, outcome.name), (first, outcome.name)
    p_other = fmt.prob(_exact_p_benefit(results, other))
    p_first = fmt.prob(_exact_p_benefit(results, first))
    before_other = fmt.prob(results.implied[other]["bb_p_benefit"])
    before_first = fmt.prob(results.implied[first]["bb_p_benefit"])
    median_other = fmt.points(results.exact[key_other].summary.risk_difference.median)
    median_first = fmt.points(results.exact[key_first].summary.risk_difference.median)
    question = (
        f"In the prior explorer, choose the outcome {_quoted(outcome.label)} and start from "
        f"the {_quoted(labels[other])} prior. What is P(benefit), the probability that "
        f"{treatment} beats {control}, and why is it {_comparison(p_other, p_first)} "
        f"{'as' if p_other == p_first else 'than'} under the {_quoted(labels[first])} prior?")
    answer = (
        f"It is {p_other}, against {p_first} under the {_quoted(labels[first])} prior (both "
        f"exact). Before any data, the {_quoted(labels[other])} prior gives {treatment} a "
        f"{before_other} chance of beating {control} and is worth {_worth(results, other)}; "
        f"the {_quoted(labels[first])} prior gives {before_first} and is worth "
        f"{_worth(results, first)}, while the trial analysed {outcome.treatment.n} and "
        f"{outcome.control.n} participants. The posterior counts a prior as that many extra "
        "participants, so the stronger prior pulls the answer further towards what it "
        f"expected before the data: the median risk difference is {median_other} points "
        f"under the {_quoted(labels[other])} prior against {median_first} under the "
        f"{_quoted(labels[first])} prior.")
    return Exercise(question, answer)


def _same_shape(arms: BetaBinomialPrior, rate: float) -> bool:
    """Both arms centred on ``rate`` with the same strength (to 4 significant figures, as
    calibrated priors are written in the file)."""
    return (math.isclose(arms.treatment.mean, rate, rel_tol=1e-4)
            and math.isclose(arms.control.mean, rate, rel_tol=1e-4)
            and math.isclose(arms.treatment.effective_sample_size,
                             arms.control.effective_sample_size, rel_tol=1e-4))


def skeptic_strength(results: ReportResults) -> Exercise | None:
    """Exercise 2: the prior strength per arm at which a belief of no difference, centred
    on the calibration's placebo rate, brings P(benefit) below :data:`BENEFIT_LEVEL`
    (:func:`tipping_strength`). None without a calibration block."""
    calibration = results.prior_set.calibration
    if calibration is None:
        return None
    rate = calibration.placebo_rate
    outcome = results.reference_outcome
    treatment, control = _arms(results)
    label, level = _outcome_label(results), fmt.prob(BENEFIT_LEVEL, 1)
    search = tipping_strength(outcome, rate)
    rate_text = fmt.percent(rate)
    question = (
        f"A skeptic expects the same rate of {label.lower()} in both arms, the {rate_text} "
        f"that the priors file's calibration assumes for {control}, and holds this belief "
        "equally strongly in each arm. How strong must the belief be, in prior participants "
        f"per arm, before P(benefit) falls below {level}? Check your answer with the "
        "explorer's sliders.")
    low, high = EXPLORER_STRENGTH_RANGE
    check = (f"To check, choose {_quoted(outcome.label)}, set both expected-rate sliders to "
             f"{rate_text} and move both strength sliders")
    if search.strength is None:
        weakest, strongest = search.strengths[0], search.strengths[-1]
        if search.p_benefit[0] <= BENEFIT_LEVEL:
            answer = (
                f"No strength is needed: even a belief worth only {_participants(weakest)} "
                f"prior participants per arm gives P(benefit) = "
                f"{fmt.prob(search.p_benefit[0])}, already at most {level}. {check} to the "
                "left: the readout stays at or below it.")
        else:
            answer = (
                f"No belief up to {_participants(strongest)} prior participants per arm is "
                f"strong enough: P(benefit) is still {fmt.prob(search.p_benefit[-1])} there "
                f"(exact). {check} to the right: the readout falls, but stays above {level}.")
        return Exercise(question, answer)
    strength = _participants(search.strength)
    at_root = p_benefit(equal_belief(rate, search.strength), outcome)
    stronger = ("any stronger belief gives less" if search.stays_below
                else "it first falls below there")
    answer = (f"About {strength} prior participants per arm: with that strength the exact "
              f"P(benefit) is {fmt.prob(at_root)}, and {stronger}.")
    if low <= search.strength <= high:
        answer += (f" {check} to about {strength}; the P(benefit) readout is close to "
                   f"{fmt.prob(BENEFIT_LEVEL)} there and falls as you move them to the right.")
    else:
        answer += (f" That is outside the explorer's strength sliders ({_participants(low)} "
                   f"to {_participants(high)}), so the sliders can only show the trend.")
    skeptic = results.skeptical_prior
    arms = results.prior_set.get(skeptic).beta_binomial
    if skeptic == "skeptical" and _same_shape(arms, rate):
        worth = arms.treatment.effective_sample_size
        answer += (
            f" The file's {_quoted(results.labels[skeptic])} prior has this shape and is "
            f"worth {_participants(worth)} prior participants per arm, "
            f"{'more' if worth > search.strength else 'less'} than that, which is why it "
            f"gives {fmt.prob(_exact_p_benefit(results, skeptic))}.")
    return Exercise(question, answer)


def moved_participant(results: ReportResults) -> Exercise:
    """Exercise 3: P(benefit) under the first prior when one treatment participant's
    outcome is moved (one remission fewer; one more when there is none)."""
    outcome = results.reference_outcome
    first = results.first_prior
    treatment, control = _arms(results)
    arm = outcome.treatment
    fewer = arm.events > 0
    moved = ArmCounts(arm.events - 1 if fewer else arm.events + 1, arm.n)
    before = fmt.prob(_exact_p_benefit(results, first))
    after = fmt.prob(p_benefit(results.prior_set.get(first).beta_binomial,
                               outcome.with_counts(moved, None)))
    label = fmt.markdown_text(outcome.label.lower())
    who = (f"with the outcome ({label}) had not had it" if fewer
           else f"without the outcome ({label}) had had it")
    change = {"lower": "fall", "higher": "rise", "the same": "stay at"}[
        _comparison(after, before)]
    question = (
        f"Suppose one {treatment} participant {who}, so that the {treatment} arm had "
        f"{moved.events}/{moved.n} instead of {arm.events}/{arm.n}. How would P(benefit) "
        f"under the {_quoted(results.labels[first])} prior change?")
    answer = (f"It would {change} from {before} to {after} (both exact). One participant is "
              f"{fmt.number(100 / arm.n, '.1f')} percentage points of the {treatment} arm's "
              f"observed rate (1 of {arm.n}), so in a trial this small a single outcome moves "
              "the answer visibly.")
    missing = results.missing_treatment
    if missing > 0:
        answer += (f" That is why the {missing} randomised {treatment} "
                   f"participant{'s' if missing > 1 else ''} with no outcome at "
                   f"{fmt.markdown_text(results.trial.timepoint)} matter"
                   f"{'' if missing > 1 else 's'} too.")
    return Exercise(question, answer)


def worthwhile_benefit(results: ReportResults) -> Exercise:
    """Exercise 4: P(ARD > 10 points) under the first prior read as P(NNT < 10), and why it
    is smaller than P(benefit) (the difference is P(0 < ARD <= 10 points))."""
    first = results.first_prior
    summary = results.exact[(first, results.reference_outcome.name)].summary
    points, nnt = fmt.general(100 * HEADLINE_ARD), fmt.general(1 / HEADLINE_ARD)
    p_any = summary.p_benefit.estimate
    p_worthwhile = summary.p_benefit_greater[HEADLINE_ARD].estimate
    any_text, worthwhile_text = fmt.prob(p_any), fmt.prob(p_worthwhile)
    why = ("why is it smaller than" if any_text != worthwhile_text
           else "why can it never be larger than")
    outcome = results.reference_outcome
    event = wording.ard_event(outcome.direction, HEADLINE_ARD)
    each = "extra patient with" if outcome.direction == "higher" else "patient spared"
    explorer_event = (f"> {points} points" if outcome.direction == "higher"
                      else f"< \u2212{points} points")
    question = (
        f"In the beta-binomial model's table, read P({event}) under the "
        f"{_quoted(results.labels[first])} prior (the explorer shows it too, as P(risk "
        f"difference {explorer_event})). What does it say about the number needed to treat "
        f"(NNT), and {why} P(benefit)?")
    answer = (
        f"It is {worthwhile_text}. A benefit of more than {points} points means fewer than "
        f"{nnt} patients treated for each {each} {_outcome_label(results).lower()} "
        f"(NNT = 1/{fmt.general(HEADLINE_ARD)}"
        f" = {nnt}), so {worthwhile_text} is the probability that the NNT is below {nnt}. "
        f"P(benefit) = {any_text} counts any benefit, however small, even one with an NNT in "
        f"the hundreds; the {fmt.prob(p_any - p_worthwhile)} between the two is the "
        f"probability of a benefit of at most {points} points.")
    return Exercise(question, answer)


def probability_misreading(results: ReportResults) -> Exercise:
    """Exercise 5: "P(benefit) = 0.88 means 88% of patients benefit", answered with the
    first prior's P(benefit) and posterior ARD median and interval."""
    first = results.first_prior
    summary = results.exact[(first, results.reference_outcome.name)].summary
    treatment, control = _arms(results)
    p = summary.p_benefit.estimate
    ard = summary.risk_difference
    question = (
        f"A classmate reads P(benefit) = {fmt.prob(p)} under the "
        f"{_quoted(results.labels[first])} prior and says: \"{fmt.percent(p)} of patients "
        f"benefit from {treatment}.\" What does the number mean instead?")
    direction = results.reference_outcome.direction
    answer = (
        f"It is the probability, given that prior and the trial's data, that the "
        f"rate of {_outcome_label(results).lower()} is "
        f"{'higher' if direction == 'higher' else 'lower'} on {treatment} than on "
        f"{control}, by any margin: a statement about the two arms' rates, not a share of "
        "patients. How "
        f"large the difference is, is the risk difference: a median of "
        f"{fmt.points(ard.median)} percentage points (events per 100 treated, {treatment} "
        f"minus {control}), with a {fmt.percent(INTERVAL_PROBABILITY)} interval from "
        f"{fmt.points(ard.lower)} to {fmt.points(ard.upper)}. Which patients benefit cannot be "
        "read from a comparison of two groups at all.")
    return Exercise(question, answer)


EXERCISES = (skeptical_start, skeptic_strength, moved_participant, worthwhile_benefit,
             probability_misreading)
"""The exercise builders in the report's order; those returning None are left out."""


def exercises(results: ReportResults) -> str:
    """The report's teaching exercises as Markdown: three to five numbered questions, each
    followed by its answer folded in a collapsed tip callout."""
    chosen = [exercise for build in EXERCISES if (exercise := build(results)) is not None]
    return "\n\n".join(exercise.markdown(i) for i, exercise in enumerate(chosen, start=1))
