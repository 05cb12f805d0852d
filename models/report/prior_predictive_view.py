"""The prior predictive check of every named prior: a table for the appendix and a figure.

For each named prior, outcome and model family, :mod:`models.exact.prior_predictive` gives
the exact distribution of the trial's counts before the data are seen (only the arms' sizes
are used). The table sets its median and central 95% interval of events per arm and of the
observed risk difference (ARD = x_T/n_T - x_C/n_C, in percentage points) beside what was
observed, with the prior predictive tail P(ARD >= observed ARD) (Box's check: a small value
means the prior did not expect data like these). The figure draws the prior predictive
distribution of the ARD per prior, with the observed ARD.

The logistic family (the report's primary model) comes first, the beta-binomial second.
A robust prior's prior predictive is its mixture's: the components' predictives weighted by
their prior weights.
A prior whose prior predictive cannot be computed to its stated accuracy (a logistic
prior far wider than N(0, 30) on the log-odds scale) is shown as "not computable" in the
table and left out of the figure (its legend entry says so), never shown wrong.

Table cells are plain, unescaped strings (user labels as given): the report prints the
table with :func:`models.report.format.markdown_table`, which escapes every cell. Figures
draw labels literally (:func:`models.report.figures.label_text`).
"""

from dataclasses import dataclass
from typing import Literal

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import models.report.format as fmt
from models.data.trial import OutcomeCounts, Trial
from models.exact.beta_mixture import predictive_pmf
from models.exact.errors import NumericalError
from models.exact.prior_predictive import (
    PriorPredictive,
    beta_binomial_prior_predictive,
    logistic_prior_predictive,
    mixture_prior_predictive,
    weighted_prior_predictive,
)
from models.priors.prior_set import NamedPrior, PriorSet
from models.report.figures import POINTS, label_text, prior_colors

Family = Literal["logistic", "beta_binomial"]

FAMILIES: tuple[Family, ...] = ("logistic", "beta_binomial")
"""Model families in the order shown: the primary (logistic) first."""

FAMILY_NAMES: dict[Family, str] = {"logistic": "Logistic", "beta_binomial": "Beta-binomial"}
"""How each family is named in headers and axis labels."""

INTERVAL_PROBABILITY = 0.95
"""Central prior predictive interval of events and ARD in the table."""

BIN_WIDTH = 0.10
"""Width of the ARD bins drawn (proportion units: 10 points). The ARD of counts takes
values on an irregular lattice (j/n_T - i/n_C) whose raw pmf is jagged; 10-point bins
hold several lattice values each for trials of a dozen or more per arm."""

NOT_COMPUTABLE = "not computable"
"""Said in a table cell whose prior predictive did not reach its stated accuracy."""

NOT_DRAWN = " (not computable: left out)"
"""Added to the legend label of a prior left out of at least one panel."""

FIGURE_WIDTH = 9.5
"""Widest figure (inches); panels narrow with more outcomes."""


@dataclass(frozen=True)
class PriorPredictiveChecks:
    """The prior predictive of every (prior name, outcome name, family), None where it
    could not be computed (``NumericalError``)."""

    trial: Trial
    prior_set: PriorSet
    predictive: dict[tuple[str, str, Family], PriorPredictive | None]

    def get(self, prior: str, outcome: str, family: Family) -> PriorPredictive | None:
        return self.predictive[(prior, outcome, family)]


def _predictive(prior: NamedPrior, outcome: OutcomeCounts,
                family: Family) -> PriorPredictive | None:
    """One prior predictive; a robust prior's is its mixture's (the components' weighted)."""
    try:
        if family == "logistic":
            mixture = prior.log_odds_ratio_mixture
            return weighted_prior_predictive(mixture.weights, [
                logistic_prior_predictive(prior.logistic.intercept, component, outcome)
                for component in mixture.components])
        if not prior.has_mixtures:
            return beta_binomial_prior_predictive(prior.beta_binomial, outcome)
        treatment, control = prior.beta_mixtures
        return mixture_prior_predictive(predictive_pmf(treatment, outcome.treatment.n),
                                        predictive_pmf(control, outcome.control.n))
    except NumericalError:
        return None


def prior_predictive_checks(trial: Trial, prior_set: PriorSet) -> PriorPredictiveChecks:
    """Compute the prior predictive of every named prior, outcome and family (exact)."""
    return PriorPredictiveChecks(trial, prior_set, {
        (prior.name, outcome.name, family): _predictive(prior, outcome, family)
        for prior in prior_set.priors.values()
        for outcome in trial.outcomes.values()
        for family in FAMILIES
    })


def _observed_ard(outcome: OutcomeCounts) -> float:
    """Observed ARD (proportion units)."""
    return outcome.treatment.rate - outcome.control.rate


def _events(predictive: PriorPredictive | None) -> str:
    """Median (95% interval) of events, treatment vs control."""
    if predictive is None:
        return NOT_COMPUTABLE
    return " vs ".join(fmt.interval(predictive.arm_interval(arm, INTERVAL_PROBABILITY), ".0f")
                       for arm in ("treatment", "control"))


def _ard(predictive: PriorPredictive | None) -> str:
    """Median (95% interval) of the ARD in points."""
    if predictive is None:
        return NOT_COMPUTABLE
    return fmt.ard_interval(predictive.risk_difference_interval(INTERVAL_PROBABILITY))


def _tail(predictive: PriorPredictive | None, outcome: OutcomeCounts) -> str:
    if predictive is None:
        return NOT_COMPUTABLE
    return fmt.prob(predictive.p_benefit_at_least(outcome.treatment.events,
                                                  outcome.control.events, outcome.direction))


def _tail_header(trial: Trial) -> str:
    """"P(ARD >= observed)", "P(ARD <= observed)" when fewer events is better for every
    outcome, or "P(benefit >= observed)" for mixed directions."""
    directions = {outcome.direction for outcome in trial.outcomes.values()}
    if directions == {"higher"}:
        return "P(ARD >= observed)"
    return "P(ARD <= observed)" if directions == {"lower"} else "P(benefit >= observed)"


def prior_predictive_table(trial: Trial, prior_set: PriorSet,
                           checks: PriorPredictiveChecks | None = None) -> pd.DataFrame:
    """One row per prior x outcome x family (logistic, the primary model's priors, first):
    the observed counts (treatment vs control) and ARD, the prior predictive median (95%
    interval) of events per arm and of the ARD (points), and P(ARD >= observed). Six narrow
    columns, so the table fits a desktop page.

    ``checks`` may pass results already computed by :func:`prior_predictive_checks`.
    """
    checks = checks or prior_predictive_checks(trial, prior_set)
    rows = []
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            observed = (f"{outcome.treatment} vs {outcome.control} "
                        f"({fmt.points(_observed_ard(outcome))})")
            for family in FAMILIES:
                predictive = checks.get(prior.name, outcome.name, family)
                rows.append({
                    "Prior": prior.label,
                    "Outcome": outcome.label,
                    "Observed (ARD)": observed,
                    "Model": FAMILY_NAMES[family],
                    "Events expected": _events(predictive),
                    "ARD expected, points": _ard(predictive),
                    _tail_header(trial): _tail(predictive, outcome),
                })
    return pd.DataFrame(rows)


def prior_predictive_figure(trial: Trial, prior_set: PriorSet,
                            checks: PriorPredictiveChecks | None = None) -> Figure:
    """Prior predictive distribution of the ARD (percentage points, in ``BIN_WIDTH`` bins),
    one panel per outcome (columns) and family (rows: logistic, then beta-binomial), one
    line per prior in its colour (``figures.prior_colors``) and the observed ARD as a black
    vertical line."""
    checks = checks or prior_predictive_checks(trial, prior_set)
    colors = prior_colors(prior_set)
    outcomes = list(trial.outcomes.values())
    ncols = max(1, len(outcomes))
    width = min(FIGURE_WIDTH, 1.2 + 4.0 * ncols)
    fig, axes = plt.subplots(len(FAMILIES), ncols, figsize=(width, 6.2), sharex=True,
                             sharey="row", squeeze=False)
    left_out: set[str] = set()
    bin_points = POINTS * BIN_WIDTH
    for row, family in enumerate(FAMILIES):
        for col, outcome in enumerate(outcomes):
            ax = axes[row][col]
            for prior in prior_set.priors.values():
                predictive = checks.get(prior.name, outcome.name, family)
                if predictive is None:
                    left_out.add(prior.name)
                    continue
                centres, probabilities = predictive.risk_difference_bins(BIN_WIDTH)
                ax.plot(POINTS * centres, probabilities, drawstyle="steps-mid",
                        color=colors[prior.name], lw=1.6, marker="o", ms=3.5,
                        gid=f"prior:{prior.name}")
            observed = POINTS * _observed_ard(outcome)
            ax.axvline(observed, color="black", lw=1.4, gid="observed")
            ax.set_xlim(-105, 105)
            ax.set_xticks([-100, -50, 0, 50, 100])
            ax.grid(axis="y", color="#eeeeee")
            if row == 0:
                ax.set_title(label_text(outcome.label, 30))
            if row == len(FAMILIES) - 1:
                ax.set_xlabel("ARD in the trial's counts (points)")
            if col == 0:
                ax.set_ylabel(f"{FAMILY_NAMES[family]}\nP per {bin_points:g}-point bin")
    handles = [Line2D([], [], color=colors[p.name], lw=1.6, marker="o", ms=3.5,
                      label=label_text(p.label) + (NOT_DRAWN if p.name in left_out else ""))
               for p in prior_set.priors.values()]
    handles.append(Line2D([], [], color="black", lw=1.4, label="observed"))
    columns = min(len(handles), 4)
    fig.legend(handles=handles, loc="lower center", ncol=columns, fontsize=9,
               bbox_to_anchor=(0.5, 0.0))
    legend_rows = -(-len(handles) // columns)
    fig.tight_layout(rect=(0, 0.035 + 0.035 * legend_rows, 1, 1))
    return fig
