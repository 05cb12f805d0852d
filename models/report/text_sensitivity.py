"""The computed sentences of the report's sensitivity section: the heat map's span, the
tipping points, the intercept prior the map holds fixed, the placebo-rate analysis and
the power-scaling threshold.

Every function that needs numbers takes one :class:`~models.report.results.ReportResults`
and returns Markdown (user labels escaped with
:func:`models.report.format.markdown_text`). Prior SDs on the log-OR scale; odds ratios as ratios.
"""

import math
from dataclasses import dataclass

import models.report.format as fmt
from models.mcmc.power_scaling import PSENSE_THRESHOLD
from models.report.results import ReportResults
from models.report.text import span
from models.sensitivity.prior_map import BENEFIT_TARGETS

Z_95 = 1.96
"""Half-width of a central 95% interval of a normal prior, in SDs."""


@dataclass(frozen=True)
class HeatMapSpan:
    """The priors the heat map covers: median OR from ``lowest_or`` to ``highest_or`` and
    SD of the log OR from ``lowest_sd`` to ``highest_sd``, as printed."""

    lowest_or: str
    highest_or: str
    lowest_sd: str
    highest_sd: str


def heat_map_span(results: ReportResults) -> HeatMapSpan:
    """The heat map's ranges of prior median OR and prior SD (the same for every outcome)."""
    grid = next(iter(results.sensitivity.grids.values()))
    return HeatMapSpan(lowest_or=f"{math.exp(grid.means[0]):.2f}",
                       highest_or=f"{math.exp(grid.means[-1]):.1f}",
                       lowest_sd=f"{grid.sds[0]:g}", highest_sd=f"{grid.sds[-1]:g}")


def heat_map_intercept_prior(results: ReportResults) -> str:
    """The named prior whose intercept prior the heat map holds fixed, in lower case, as
    plain text (the report inlines it as a ``str``, which the renderer escapes)."""
    return results.labels[results.sensitivity.intercept_prior_name].lower()


def tipping_point(results: ReportResults, outcome: str, target: float) -> str:
    """The prior SD below which a prior centred on no effect keeps P(benefit) < target,
    with the odds ratios that prior holds 95% of its mass between."""
    sd = results.sensitivity.tipping_sd[(outcome, target)]
    if sd is None:
        return (f"no prior centred on no effect reaches {target:g}, because even a nearly "
                f"flat prior does not")
    return (f"P(benefit) stays below {target:g} for any prior centred on no effect with an "
            f"SD below {sd:.2f} on the log-OR scale (95% of its mass on ORs between "
            f"{math.exp(-Z_95 * sd):.2f} and {math.exp(Z_95 * sd):.2f})")


def tipping_points(results: ReportResults) -> str:
    """One bullet per outcome and target P(benefit), after an introduction."""
    lines = [f"- **{fmt.markdown_text(outcome.label)}, {target:g}:** "
             f"{tipping_point(results, outcome.name, target)}."
             for outcome in results.trial.outcomes.values() for target in BENEFIT_TARGETS]
    intercept_prior = fmt.markdown_text(heat_map_intercept_prior(results))
    return (f"The tipping points, for a skeptic who centres the prior on no effect (with the "
            f"{intercept_prior} prior's weakly informative placebo "
            "log-odds):\n\n" + "\n".join(lines))


def placebo_rate_sentence(results: ReportResults) -> str:
    """How far re-calibrating the priors at other assumed placebo rates moves P(better),
    both families (empty without a calibration block)."""
    calibration, table = results.prior_set.calibration, results.placebo_rate
    if calibration is None or table is None:
        return ""
    rates = sorted(table["placebo_rate"].unique())
    return (
        "**The assumed placebo rate.** The calibrated priors rest on an assumed placebo "
        f"rate ({fmt.percent(calibration.placebo_rate)} in this file). Re-calibrated at "
        f"rates from {fmt.percent(rates[0])} to {fmt.percent(rates[-1])} with the same "
        "statements, they give P(better) between "
        f"{span(list(table['logistic_p_benefit']))} in the primary analysis and "
        f"{span(list(table['p_benefit']))} with the beta-binomial model, over both outcomes "
        "(@tbl-placebo-rate in the appendix)."
    )


def missing_participant_sentence(results: ReportResults) -> str:
    """How far the participant without an outcome could move P(better): the primary
    analysis's range over the scenarios, per prior, for remission."""
    parts = []
    for name in results.prior_set.names:
        values = [s.logistic for s in results.missing
                  if s.prior == name and s.outcome == "remission"]
        parts.append(f"{span(values)} ({fmt.markdown_text(results.labels[name].lower())})")
    return (
        f"**The missing participant.** {results.missing_treatment} randomised tocilizumab "
        "participant has no day-28 outcome. Counting that participant as a remission or as "
        "no remission, P(better) for remission in the primary analysis spans "
        + ", ".join(parts) + " (@tbl-missing in the appendix, with response and the "
        "beta-binomial model)."
    )


def psense_threshold() -> str:
    """The power-scaling sensitivity at or above which a coefficient counts as sensitive."""
    return fmt.general(PSENSE_THRESHOLD)
