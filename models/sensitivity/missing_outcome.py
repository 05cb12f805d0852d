"""The missing participant: how far the answer moves if the outcome nobody observed had
been an event, or not.

In the trial one tocilizumab participant has no day-28 outcome, and the published
complete-case counts assume it is missing at random. Two single imputations (missing =
event, missing = no event) bracket what that participant could do to the answer, for the
aggregate logistic model on the counts (exact) and for the hs-CRP interaction model on the
(simulated) individual data. ARD is in proportion units (0.10 = 10 percentage points);
log odds ratios are on the log scale.
"""

import pandas as pd

from models.data.ipd import outcome_column
from models.data.trial import ArmCounts, OutcomeCounts
from models.mcmc import sampling
from models.mcmc.interaction import IpdResult, fit_ipd
from models.priors.prior_set import LogisticPrior

MISSING_SCENARIOS = (
    ("complete cases", None),
    ("missing = event", 1),
    ("missing = no event", 0),
)
"""Scenarios of the bracket: label and the value imputed for every missing outcome (None:
complete cases only)."""


def impute_missing(ipd: pd.DataFrame, outcome: str, value: int) -> pd.DataFrame:
    """A copy of the IPD with every missing ``outcome`` set to ``value`` (0 or 1)."""
    column = outcome_column(outcome)
    filled = ipd.copy()
    filled[column] = filled[column].fillna(value)
    return filled


def _ipd_row(label: str, result: IpdResult) -> dict[str, str | float]:
    counts = result.data.arm_counts()
    ard = result.marginal.risk_difference
    return {
        "scenario": label,
        "treatment": str(counts.treatment),
        "control": str(counts.control),
        "p_treatment_positive": result.p_treatment_positive.estimate,
        "ard_median": ard.median,
        "ard_lower": ard.lower,
        "ard_upper": ard.upper,
        "p_ard_positive": result.marginal.p_benefit.estimate,
        "interaction_median": result.interaction.median,
        "interaction_lower": result.interaction.lower,
        "interaction_upper": result.interaction.upper,
        "p_interaction_positive": result.p_interaction_positive.estimate,
    }


def missing_outcome_sensitivity(
    prior: LogisticPrior, ipd: pd.DataFrame, outcome: str,
    settings: sampling.SamplerSettings = sampling.DEFAULT_SAMPLER, progress: bool = False,
) -> pd.DataFrame:
    """Refit the IPD interaction model with missing outcomes imputed as event and as no event.

    Every missing value of ``outcome`` is imputed the same way (log hs-CRP is then
    standardised over all participants with an outcome).

    Returns
    -------
    pandas.DataFrame
        One row per scenario (:data:`MISSING_SCENARIOS`): counts per arm, P(log OR > 0 at
        mean log hs-CRP), marginal ARD median/95% (proportion units) and P(ARD > 0),
        interaction median/95% (log OR per SD of log hs-CRP) and P(interaction > 0).
    """
    rows = []
    for label, value in MISSING_SCENARIOS:
        data = ipd if value is None else impute_missing(ipd, outcome, value)
        rows.append(_ipd_row(label, fit_ipd(prior, data, outcome, settings, progress)))
    return pd.DataFrame(rows)


def imputed_counts(counts: OutcomeCounts, missing_treatment: int = 1,
                   missing_control: int = 0) -> list[tuple[str, OutcomeCounts]]:
    """The counts of each scenario of :data:`MISSING_SCENARIOS`: the missing participants
    (``missing_treatment`` and ``missing_control`` of them) added to the analysed counts as
    events, as non-events, or not at all (complete cases)."""
    scenarios = []
    for label, value in MISSING_SCENARIOS:
        extra_t = 0 if value is None else missing_treatment
        extra_c = 0 if value is None else missing_control
        scenarios.append((label, counts.with_counts(
            ArmCounts(counts.treatment.events + (value or 0) * extra_t,
                      counts.treatment.n + extra_t),
            ArmCounts(counts.control.events + (value or 0) * extra_c,
                      counts.control.n + extra_c))))
    return scenarios
