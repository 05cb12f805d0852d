"""Sensitivity of the answer to the assumed placebo rate of the calibration.

The skeptical and enthusiastic priors of both families are calibrated to clinical
statements at an assumed placebo rate (:mod:`models.priors.calibration`). Here they are
re-calibrated at other assumed rates, keeping the design odds ratio and the tail
probability, and the trial's counts are analysed exactly under each: the beta-binomial
model and the aggregate logistic model (the primary analysis). Rates and probabilities on
the 0-1 scale.
"""

from dataclasses import replace

import pandas as pd

from models.data.trial import Trial
from models.exact.beta_binomial import fit_exact
from models.exact.logistic_posterior import LogisticPosterior
from models.priors.calibration import calibrated_priors
from models.priors.prior_set import Calibration

RATE_STEP = 0.10
"""Assumed control rates for the calibration sensitivity: the file's own and this far
(proportion units, 10 points) below and above it, kept inside ``RATE_LIMITS``."""

RATE_LIMITS = (0.02, 0.98)

WORTHWHILE_ARD = 0.1
"""The risk difference (proportion units; 0.1 = 10 points, NNT 10) of the second column."""


def placebo_rates(calibration: Calibration, step: float = RATE_STEP) -> tuple[float, ...]:
    """The calibration's own assumed control rate and ``step`` below and above it (those
    inside ``RATE_LIMITS``), sorted: 0.15, 0.25, 0.35 for an assumed 0.25."""
    own = calibration.placebo_rate
    low, high = RATE_LIMITS
    return tuple(round(rate, 10) for rate in (own - step, own, own + step)
                 if low <= round(rate, 10) <= high)


def placebo_rate_sensitivity(trial: Trial, calibration: Calibration,
                             rates: tuple[float, ...]) -> pd.DataFrame:
    """Exact P(benefit) when the skeptical and enthusiastic priors are re-calibrated at
    other assumed placebo rates (everything else as in the file).

    Returns one row per rate x calibrated prior x outcome: ``placebo_rate``, ``prior``
    (name), ``label``, ``outcome``, the beta-binomial ``p_benefit`` and ``p_ard_gt_0.1``
    (P(benefit of more than 10 points)), and the logistic model's ``logistic_p_benefit``.
    """
    rows = []
    for rate in rates:
        priors = calibrated_priors(replace(calibration, placebo_rate=rate))
        for name, prior in priors.items():
            for outcome in trial.outcomes.values():
                fit = fit_exact(prior.beta_binomial, outcome).summary
                logistic = LogisticPosterior(outcome, prior.logistic.intercept,
                                             prior.logistic.treatment)
                rows.append({"placebo_rate": rate, "prior": name, "label": prior.label,
                             "outcome": outcome.name, "p_benefit": fit.p_benefit.estimate,
                             "p_ard_gt_0.1": fit.p_benefit_greater[WORTHWHILE_ARD].estimate,
                             "logistic_p_benefit": logistic.p_benefit()})
    return pd.DataFrame(rows)
