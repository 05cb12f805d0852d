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
from models.report import wording
from models.report.results import ReportResults
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
    """The heat maps' ranges of prior median ratio and prior SD, over every outcome (the
    SDs are shared; the medians reach further towards benefit in each direction)."""
    grids = list(results.sensitivity.grids.values())
    return HeatMapSpan(lowest_or=f"{min(math.exp(g.means[0]) for g in grids):.2f}",
                       highest_or=f"{max(math.exp(g.means[-1]) for g in grids):.1f}",
                       lowest_sd=f"{grids[0].sds[0]:g}", highest_sd=f"{grids[0].sds[-1]:g}")


def heat_map_intro(results: ReportResults) -> str:
    """What the heat map shows: the primary P(better) over the grid of normal priors on the
    log ratio (its median ratio and SD ranges), and the intercept prior it holds fixed."""
    trial = results.trial
    span = heat_map_span(results)
    ratio = "odds ratio" if not trial.estimates else "ratio (odds ratio for counts)"
    intro = (f"@fig-sensitivity shows {wording.better(trial)} for every normal "
             f"prior on the log {ratio} with median {span.lowest_or} to {span.highest_or} "
             f"and SD {span.lowest_sd} (very sure) to {span.highest_sd} (nearly flat)")
    if trial.outcomes:
        intercept_prior = fmt.markdown_text(heat_map_intercept_prior(results))
        intro += (f"; for counts the {wording.control_rate_owner(trial)} log-odds prior is the "
                  f"{intercept_prior} prior's")
    return intro + "."


def heat_map_intercept_prior(results: ReportResults) -> str:
    """The named prior whose intercept prior the heat map holds fixed, in lower case, as
    plain text (the report inlines it as a ``str``, which the renderer escapes)."""
    return results.labels[results.sensitivity.intercept_prior_name].lower()


def _ratios(results: ReportResults, outcome: str) -> str:
    """"ORs" for counts, else the published measure's abbreviation in the plural."""
    if outcome in results.trial.outcomes:
        return "ORs"
    return results.trial.estimates[outcome].estimate.abbreviation + "s"


def tipping_point(results: ReportResults, outcome: str, target: float) -> str:
    """For one outcome and target P(benefit): the prior SD below which a prior centred on
    no effect keeps P(benefit) below the target, with the odds ratios that prior holds 95%
    of its mass between; or that no such prior reaches the target."""
    sd = results.sensitivity.tipping_sd[(outcome, target)]
    if sd is None:
        return f"no such prior reaches {target:g}"
    return (f"P(benefit) stays below {target:g} for SDs below {sd:.2f} (95% of the prior on "
            f"{_ratios(results, outcome)} between {math.exp(-Z_95 * sd):.2f} and "
            f"{math.exp(Z_95 * sd):.2f})")


def tipping_points(results: ReportResults) -> str:
    """One bullet per outcome with its tipping points for every target P(benefit)."""
    trial = results.trial
    lines = [f"- **{fmt.markdown_text(trial.label(name))}:** "
             + "; ".join(tipping_point(results, name, target)
                         for target in BENEFIT_TARGETS) + "."
             for name in trial.outcome_names]
    intercept_prior = fmt.markdown_text(heat_map_intercept_prior(results))
    for_counts = " for counts" if trial.estimates else ""
    held = (f" (with the {intercept_prior} prior's {wording.control_rate_owner(trial)} log-odds"
            f"{for_counts})" if trial.outcomes else "")
    ratio = "log-OR" if not trial.estimates else "log-ratio"
    return (f"Tipping points for a skeptic who centres the {ratio} prior on no effect"
            f"{held}:\n\n" + "\n".join(lines))


def placebo_rate_sentence(results: ReportResults) -> str:
    """How far re-calibrating the priors at other assumed placebo rates moves P(better),
    both families (empty without a calibration block)."""
    calibration, table = results.prior_set.calibration, results.placebo_rate
    if calibration is None or table is None:
        return ""
    rates = sorted(table["placebo_rate"].unique())
    per_prior = "; ".join(
        f"{fmt.markdown_text(str(rows['label'].iloc[0]).lower())} "
        f"{fmt.span(list(rows['logistic_p_benefit']))}"
        for _, rows in table.groupby("prior", sort=False))
    control = wording.control_rate_owner(results.trial)
    outcomes = "both outcomes" if len(results.trial.outcomes) == 2 else (
        "the outcome" if len(results.trial.outcomes) == 1 else "all outcomes")
    return (
        f"**The assumed {control} rate.** The calibrated priors rest on an assumed {control} "
        f"rate ({fmt.percent(calibration.placebo_rate)} in this file). Re-calibrated at "
        f"rates from {fmt.percent(rates[0])} to {fmt.percent(rates[-1])} with the same "
        f"statements, they give P(better) in the primary analysis, for {outcomes}, of "
        f"{per_prior} (@tbl-placebo-rate, with the beta-binomial model)."
    )


def missing_participant_sentence(results: ReportResults) -> str:
    """How far the participants without an outcome could move P(better): the primary
    analysis's range over the scenarios, per prior, for the first count outcome (empty
    when every randomised participant has an outcome)."""
    if not results.has_counts or results.missing_treatment <= 0:
        return ""
    outcome = results.reference_outcome
    parts = []
    for name in results.prior_set.names:
        values = [s.logistic for s in results.missing
                  if s.prior == name and s.outcome == outcome.name]
        parts.append(f"{fmt.span(values)} ({fmt.markdown_text(results.labels[name].lower())})")
    count = results.missing_treatment
    treatment = wording.treatment(results.trial)
    label = fmt.markdown_text(outcome.label.lower())
    who = (f"the randomised {treatment} participant without an outcome" if count == 1
           else f"the {count} randomised {treatment} participants without an outcome")
    return (
        f"**The missing {'participant' if count == 1 else 'participants'}.** Counting {who} "
        f"as an event ({label}) or as none, P(better) for {label} in the primary analysis "
        "spans " + ", ".join(parts) + " (@tbl-missing)."
    )


def psense_threshold() -> str:
    """The power-scaling sensitivity at or above which a coefficient counts as sensitive."""
    return fmt.general(PSENSE_THRESHOLD)
