"""Prior-data conflict: Box's prior predictive p-value of every prior and, for robust
priors, how much weight the data leave on the informative part.

Box's p (Box 1980; Evans and Moshonov 2006) is the prior predictive probability of every
result no more probable than the observed counts
(:meth:`~models.exact.prior_predictive.PriorPredictive.p_conflict`), from the same exact
prior predictive as the appendix's check: near 0, the data were improbable under the
prior. A robust prior answers the conflict itself: its posterior moves weight from the
informative component to the vague one by their marginal likelihoods
(:mod:`models.exact.beta_mixture`, :mod:`models.exact.logistic_mixture`). Probabilities
and weights on the 0-1 scale.

Table cells are plain, unescaped strings (user labels as given): the report prints the
table with :func:`models.report.format.markdown_table`, which escapes every cell.
"""

from dataclasses import dataclass

import pandas as pd

import models.report.format as fmt
from models.exact.beta_mixture import MixtureResult
from models.exact.logistic_mixture import LogisticMixturePosterior
from models.report.results import ReportResults

CONFLICT_LEVEL = 0.05
"""Box's p below this is read as a prior-data conflict (the conventional 5% tail)."""

WEIGHT_FORMAT = ".3f"
"""Weights are printed to 3 decimals, so that a small fall (0.800 to 0.795) is not rounded
away."""

NOT_ROBUST = "not robust"
"""A weight cell of a prior without a ``robust`` block."""


@dataclass(frozen=True)
class Conflict:
    """One prior and outcome: Box's p under each model family (None where the prior
    predictive could not be computed) and, for a robust prior, the informative
    component's weight before and after the data (logistic: the log-OR prior's;
    beta-binomial: each arm's, treatment then control)."""

    prior: str
    outcome: str
    box_p_logistic: float | None
    box_p_beta_binomial: float | None
    prior_weight: float | None
    weight_logistic: float | None
    weight_arms: tuple[float, float] | None


def conflicts(results: ReportResults) -> list[Conflict]:
    """Every (prior, outcome given as counts), in the priors file's and trial's order."""
    rows = []
    for prior in results.prior_set.priors.values():
        for outcome in results.trial.outcomes.values():
            observed = (outcome.treatment.events, outcome.control.events)
            boxes = [None if predictive is None else predictive.p_conflict(*observed)
                     for predictive in (
                         results.prior_predictive.get(prior.name, outcome.name, family)
                         for family in ("logistic", "beta_binomial"))]
            key = (prior.name, outcome.name)
            logistic = results.logistic_posteriors[key]
            exact = results.exact[key]
            weight_logistic = (logistic.weights[0]
                               if isinstance(logistic, LogisticMixturePosterior) else None)
            # The vague component is the last one (BetaMixture.robust).
            weight_arms = ((1.0 - exact.posterior.treatment.weights[-1],
                            1.0 - exact.posterior.control.weights[-1])
                           if isinstance(exact, MixtureResult) and prior.robust else None)
            rows.append(Conflict(
                prior.name, outcome.name, boxes[0], boxes[1],
                prior_weight=1.0 - prior.robust.weight if prior.robust else None,
                weight_logistic=weight_logistic, weight_arms=weight_arms))
    return rows


def _box(value: float | None) -> str:
    return "not computable" if value is None else fmt.prob(value)


def conflict_table(results: ReportResults) -> pd.DataFrame:
    """One row per prior x outcome: Box's p of the logistic and the beta-binomial priors
    and, for robust priors, the informative part's weight before → after the data."""
    labels = {o.name: o.label for o in results.trial.outcomes.values()}
    rows = []
    for row in conflicts(results):
        before = (fmt.number(row.prior_weight, WEIGHT_FORMAT) if row.prior_weight is not None
                  else "")
        rows.append({
            "Prior": results.labels[row.prior],
            "Outcome": labels[row.outcome],
            "Box p, logistic": _box(row.box_p_logistic),
            "Box p, beta-binomial": _box(row.box_p_beta_binomial),
            "Informative weight, logistic": (
                f"{before} → {fmt.number(row.weight_logistic, WEIGHT_FORMAT)}"
                if row.weight_logistic is not None else NOT_ROBUST),
            f"Informative weight, beta-binomial ({results.trial.treatment_name} / "
            f"{results.trial.control_name})": (
                f"{before} → {fmt.number(row.weight_arms[0], WEIGHT_FORMAT)} / "
                f"{fmt.number(row.weight_arms[1], WEIGHT_FORMAT)}"
                if row.weight_arms is not None else NOT_ROBUST),
        })
    return pd.DataFrame(rows)


def conflict_reading(results: ReportResults) -> str:
    """How to read the conflict table, with its smallest Box p (primary model) and the
    robust priors' weights after the data (Markdown; user labels escaped)."""
    every = conflicts(results)
    rows = [row for row in every if row.box_p_logistic is not None]
    if not rows:
        return "Box's p could not be computed for these priors."
    smallest = min(rows, key=lambda row: row.box_p_logistic or 0.0)
    assert smallest.box_p_logistic is not None
    label = fmt.markdown_text(results.labels[smallest.prior].lower())
    outcome = fmt.markdown_text(results.trial.label(smallest.outcome).lower())
    verdict = ("no prior conflicts with the data"
               if smallest.box_p_logistic >= CONFLICT_LEVEL
               else "below " + fmt.general(CONFLICT_LEVEL) + ": that prior and the data "
               "conflict")
    sentence = (
        "Box's p is the probability, before the data, of counts no more probable than those "
        f"observed: below {fmt.general(CONFLICT_LEVEL)} the data surprised the prior (a flat "
        "prior's p is 1 by construction: every count pair is equally probable). The "
        f"smallest (primary model) is {fmt.prob(smallest.box_p_logistic)} ({label}, "
        f"{outcome}), so {verdict}.")
    robust = [row for row in every
              if row.weight_logistic is not None and row.prior_weight is not None]
    if robust:
        sentence += " " + _weights_reading(results, robust)
    return sentence


def _weights_reading(results: ReportResults, robust: list[Conflict]) -> str:
    """Where the robust priors' informative weight rose or fell, primary model first, then
    any beta-binomial arm whose weight fell."""
    before = robust[0].prior_weight or 0.0
    after = [row.weight_logistic or 0.0 for row in robust]
    fell = [row for row in robust if (row.weight_logistic or 0.0) < (row.prior_weight or 0.0)]
    primary = ("it rose everywhere: the data favoured the informative part" if not fell
               else "it fell for " + "; ".join(
                   f"{fmt.markdown_text(results.labels[row.prior].lower())}, "
                   f"{fmt.markdown_text(results.trial.label(row.outcome).lower())}"
                   for row in fell) + ": there the data overrule the informative part")
    text = ("A robust prior's weight moves towards whichever part predicted the data better. "
            "In the primary model the informative part's "
            f"{fmt.number(before, WEIGHT_FORMAT)} became {fmt.span(after)}; {primary}.")
    arms = (results.trial.treatment_name, results.trial.control_name)
    arm_falls = [
        f"{fmt.markdown_text(results.labels[row.prior].lower())}, "
        f"{fmt.markdown_text(arm)} arm, "
        f"{fmt.markdown_text(results.trial.label(row.outcome).lower())} "
        f"({fmt.number(weight, WEIGHT_FORMAT)})"
        for row in robust if row.weight_arms is not None
        for arm, weight in zip(arms, row.weight_arms, strict=True)
        if weight < (row.prior_weight or 0.0)]
    if arm_falls:
        text += (" In the beta-binomial model it fell for " + "; ".join(arm_falls) + ": that "
                 "arm's count was better predicted by the vague part than by its informative "
                 "Beta.")
    return text
