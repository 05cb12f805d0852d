"""The prior-sensitivity heat map of the aggregate logistic model, with its tipping points.

For each outcome: P(treatment beats control) = P(log OR > 0 | data) (P(log OR < 0) when
fewer events is better) for every normal prior N(mean, sd) on the log odds ratio over a
grid of means x SDs, the prior SD at which
a prior centred on no effect reaches each level of ``BENEFIT_TARGETS`` (the tipping
point), and the value at each named prior's own log-OR prior. Everything is computed by
the near-exact integration of :mod:`models.sensitivity.prior_map`; the intercept
(control log-odds) prior is held at the first named prior's, so the map isolates the
treatment prior. An outcome published only as a ratio with its 95% CI gets the same map
of its normal log-ratio likelihood (the conjugate normal-normal model). Scales: log ratio
for means and SDs; probabilities on 0-1.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.core.direction import Direction
from models.core.distributions import NormalPrior
from models.data.trial import Trial
from models.exact.logistic_counts import normal_log_ratio_likelihood
from models.exact.normal_normal import from_estimate
from models.priors.prior_set import PriorSet
from models.sensitivity.prior_map import (
    BENEFIT_TARGETS,
    LogOrLikelihood,
    SensitivityGrid,
    likelihood_grid,
    log_or_likelihood,
    p_benefit,
    tipping_sd,
)

SENSITIVITY_MEANS = np.linspace(-1.0, 2.0, 100)
"""Prior means of the log OR on the heat map (OR 0.37 to 7.4) when more events is better;
mirrored (-2 to 1) when fewer is, so the map always reaches further towards benefit."""
SENSITIVITY_SDS = np.linspace(0.1, 3.0, 100)
"""Prior SDs of the log OR on the heat map (0.1 = very sure, 3 = nearly flat)."""


@dataclass(frozen=True)
class SensitivityResults:
    """Heat maps and tipping points per outcome (aggregate logistic, near-exact).

    Attributes
    ----------
    grids
        Heat map per outcome name: P(benefit) over ``SENSITIVITY_MEANS`` (rows) x
        ``SENSITIVITY_SDS`` (columns) of the log-OR prior.
    tipping_sd
        Keyed by (outcome name, target P(benefit)): the prior SD (log-OR scale) below
        which a N(0, sd) prior keeps P(benefit) under the target; None when even a nearly
        flat prior does not reach it.
    named
        One row per outcome x named prior: ``prior`` (name), ``label``, ``outcome``,
        ``mean`` and ``sd`` of its log-OR prior and ``p_benefit`` at that point of the map.
    intercept_prior_name
        The named prior whose intercept prior the whole map uses.
    """

    grids: dict[str, SensitivityGrid]
    tipping_sd: dict[tuple[str, float], float | None]
    named: pd.DataFrame
    intercept_prior_name: str


def heat_map_means(direction: Direction) -> np.ndarray:
    """The heat map's prior means (log ratio), reaching further towards benefit."""
    return SENSITIVITY_MEANS if direction == "higher" else np.sort(-SENSITIVITY_MEANS)


def outcome_likelihood(trial: Trial, name: str, intercept: NormalPrior) -> LogOrLikelihood:
    """The gridded log-ratio likelihood of one outcome: the counts' (intercept integrated out
    under ``intercept``) or a published estimate's normal one."""
    if name in trial.outcomes:
        return log_or_likelihood(trial.outcomes[name], intercept)
    outcome = trial.estimates[name]
    normal = from_estimate(outcome.estimate)
    return normal_log_ratio_likelihood(normal.log_estimate, normal.standard_error,
                                       outcome.direction)


def sensitivity_all(trial: Trial, priors: PriorSet) -> SensitivityResults:
    """P(benefit) over prior mean x SD of the log ratio for each outcome (counts or a
    published estimate), the tipping-point SDs for P(benefit) = 0.9 and 0.95 under priors
    centred on no effect, and the value at each named prior (robust priors, mixtures on the
    log ratio, are not points of the map and are left out). The intercept prior of the
    count outcomes is held at the first prior's (named in the result), so the map isolates
    the treatment prior."""
    first = priors.priors[priors.names[0]]
    intercept = first.logistic.intercept
    grids: dict[str, SensitivityGrid] = {}
    tipping: dict[tuple[str, float], float | None] = {}
    rows = []
    for name in trial.outcome_names:
        likelihood = outcome_likelihood(trial, name, intercept)
        grids[name] = likelihood_grid(likelihood, heat_map_means(trial.direction(name)),
                                      SENSITIVITY_SDS)
        for target in BENEFIT_TARGETS:
            tipping[(name, target)] = tipping_sd(likelihood, target)
        for prior in priors.priors.values():
            if prior.robust is not None:
                continue  # a mixture on the log ratio is not a point (mean, SD) of the map
            treatment = prior.logistic.treatment
            rows.append({"prior": prior.name, "label": prior.label, "outcome": name,
                         "mean": treatment.mean, "sd": treatment.sd,
                         "p_benefit": float(p_benefit(likelihood, np.asarray(treatment.mean),
                                                      np.asarray(treatment.sd)))})
    return SensitivityResults(grids, tipping, pd.DataFrame(rows), first.name)
