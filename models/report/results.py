"""All beta-binomial results the report needs, as tidy pandas tables.

Pure orchestration over ``beta_binomial`` (exact) and ``beta_binomial_mcmc``: one row
per prior x outcome, every named prior in the priors file included. Probabilities
are on the 0-1 scale; ARD in proportion units (0.10 = 10 percentage points).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.core.progress import say
from models.data.trial import Trial
from models.exact.beta_binomial import ExactResult, fit_exact
from models.mcmc.beta_binomial import McmcResult, fit_mcmc
from models.mcmc.sampling import DEFAULT_SAMPLER, SamplerSettings
from models.priors.prior_set import PriorSet

MCSE_AGREEMENT = 3.0
"""MCMC and exact P(benefit) agree when they differ by at most 3 Monte Carlo SEs."""


@dataclass(frozen=True)
class BetaBinomialResults:
    """Exact and MCMC fits for every prior x outcome, keyed by (prior name, outcome name)."""

    exact: dict[tuple[str, str], ExactResult]
    mcmc: dict[tuple[str, str], McmcResult]


def fit_all(trial: Trial, priors: PriorSet, with_mcmc: bool = True,
            settings: SamplerSettings = DEFAULT_SAMPLER) -> BetaBinomialResults:
    """Fit every named prior to every outcome, exactly and (optionally) by MCMC."""
    exact, mcmc = {}, {}
    for prior in priors.priors.values():
        for outcome in trial.outcomes.values():
            key = (prior.name, outcome.name)
            exact[key] = fit_exact(prior.beta_binomial, outcome)
            if with_mcmc:
                say(f"  fitting beta-binomial (MCMC): {outcome.name}, prior {prior.name}")
                mcmc[key] = fit_mcmc(prior.beta_binomial, outcome, settings)
    return BetaBinomialResults(exact, mcmc)


def exact_vs_mcmc_table(results: BetaBinomialResults, priors: PriorSet) -> pd.DataFrame:
    """Exact vs MCMC P(benefit), the MCSE, the difference in MCSE units and agreement."""
    rows = []
    for key, fit in results.mcmc.items():
        exact = results.exact[key].summary.p_benefit.estimate
        estimate = fit.summary.p_benefit
        z = abs(estimate.estimate - exact) / estimate.mcse
        rows.append({"prior": priors.get(key[0]).label, "outcome": key[1],
                     "exact": exact, "mcmc": estimate.estimate, "mcse": estimate.mcse,
                     "difference_in_mcse": z, "agrees": z <= MCSE_AGREEMENT})
    return pd.DataFrame(rows)


def diagnostics_table(fits: dict[tuple[str, str], object], priors: PriorSet,
                      model: str) -> pd.DataFrame:
    """Max R-hat, min bulk/tail ESS, divergences and the pass/flag verdict per fit."""
    rows = []
    for (prior_name, outcome_name), fit in fits.items():
        d = fit.diagnostics
        rows.append({"model": model, "prior": priors.get(prior_name).label,
                     "outcome": outcome_name, "rhat_max": d.rhat_max,
                     "ess_bulk_min": d.ess_bulk_min, "ess_tail_min": d.ess_tail_min,
                     "divergences": d.divergences,
                     "verdict": "ok" if d.ok else "FLAG: " + "; ".join(d.problems)})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class LogisticResults:
    """Aggregate and IPD logistic fits, keyed by (prior name, outcome name)."""

    aggregate: dict[tuple[str, str], object]
    ipd: dict[tuple[str, str], object]


def fit_logistic_all(trial: Trial, priors: PriorSet, ipd: pd.DataFrame,
                     settings: SamplerSettings = DEFAULT_SAMPLER) -> LogisticResults:
    """Aggregate logistic fits to the published counts and IPD interaction fits to the
    SIMULATED individual data, for every prior x outcome (one compiled model each)."""
    from models.mcmc.logistic import fit_aggregate, fit_ipd

    aggregate, individual = {}, {}
    for prior in priors.priors.values():
        for outcome in trial.outcomes.values():
            key = (prior.name, outcome.name)
            say(f"  fitting logistic (counts): {outcome.name}, prior {prior.name}")
            aggregate[key] = fit_aggregate(prior.logistic, outcome, settings)
            say(f"  fitting interaction model (simulated IPD): {outcome.name}, prior {prior.name}")
            individual[key] = fit_ipd(prior.logistic, ipd, outcome.name, settings)
    return LogisticResults(aggregate, individual)


def model_comparison_table(bb: BetaBinomialResults, logistic: LogisticResults,
                           priors: PriorSet) -> pd.DataFrame:
    """P(benefit) from the exact beta-binomial beside the aggregate logistic (with MCSE)."""
    rows = []
    for key, fit in logistic.aggregate.items():
        exact = bb.exact[key].summary.p_benefit.estimate
        rows.append({"prior": priors.get(key[0]).label, "outcome": key[1],
                     "beta_binomial": exact,
                     "logistic": fit.p_benefit.estimate, "logistic_mcse": fit.p_benefit.mcse,
                     "difference": fit.p_benefit.estimate - exact})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SensitivityResults:
    """Heat maps and tipping points per outcome (aggregate logistic, near-exact)."""

    grids: dict[str, object]
    tipping_sd: dict[tuple[str, float], float | None]
    named: pd.DataFrame
    intercept_prior_name: str


SENSITIVITY_MEANS = np.linspace(-1.0, 2.0, 100)
"""Prior means of the log OR on the heat map (OR 0.37 to 7.4)."""
SENSITIVITY_SDS = np.linspace(0.1, 3.0, 100)
"""Prior SDs of the log OR on the heat map (0.1 = very sure, 3 = nearly flat)."""


def sensitivity_all(trial: Trial, priors: PriorSet) -> SensitivityResults:
    """P(benefit) over prior mean x SD of the log OR for each outcome, the tipping-point
    SDs for P(benefit) = 0.9 and 0.95 under priors centred on no effect, and the value at
    each named prior. The intercept prior is held at the first prior's (named in the
    result), so the map isolates the treatment prior."""
    from models.sensitivity.prior_map import (
        BENEFIT_TARGETS,
        log_or_likelihood,
        p_benefit,
        sensitivity_grid,
        tipping_sd,
    )

    first = priors.priors[priors.names[0]]
    intercept = first.logistic.intercept
    grids, tipping, rows = {}, {}, []
    for outcome in trial.outcomes.values():
        grids[outcome.name] = sensitivity_grid(outcome, intercept, SENSITIVITY_MEANS,
                                               SENSITIVITY_SDS)
        likelihood = log_or_likelihood(outcome, intercept)
        for target in BENEFIT_TARGETS:
            tipping[(outcome.name, target)] = tipping_sd(likelihood, target)
        for prior in priors.priors.values():
            treatment = prior.logistic.treatment
            rows.append({"prior": prior.name, "label": prior.label, "outcome": outcome.name,
                         "mean": treatment.mean, "sd": treatment.sd,
                         "p_benefit": float(p_benefit(likelihood, treatment.mean,
                                                      treatment.sd))})
    return SensitivityResults(grids, tipping, pd.DataFrame(rows), first.name)


@dataclass(frozen=True)
class BenefitRegion:
    """Where P(benefit | hs-CRP) is high, read off a curve on an hs-CRP grid (mg/L).

    ``lowest``/``highest`` bound the grid values with P >= level (None when none is);
    ``everywhere`` is True when every grid value qualifies. The peak carries its MCSE,
    so a peak within Monte Carlo error of the level can be recognised as such.
    """

    level: float
    peak: float
    peak_mcse: float
    peak_crp: float
    lowest: float | None
    highest: float | None
    everywhere: bool
    grid_lower: float
    grid_upper: float


def benefit_region(curves: pd.DataFrame, level: float) -> BenefitRegion:
    """Summarise a P(benefit | hs-CRP) curve (columns crp_mg_l, p_benefit, p_benefit_mcse)."""
    crp, p = curves["crp_mg_l"].to_numpy(), curves["p_benefit"].to_numpy()
    top = int(np.argmax(p))
    above = crp[p >= level]
    return BenefitRegion(
        level=level, peak=float(p[top]),
        peak_mcse=float(curves["p_benefit_mcse"].to_numpy()[top]), peak_crp=float(crp[top]),
        lowest=float(above.min()) if above.size else None,
        highest=float(above.max()) if above.size else None,
        everywhere=bool(above.size == crp.size),
        grid_lower=float(crp[0]), grid_upper=float(crp[-1]))


def placebo_rate_sensitivity(trial: Trial, calibration, rates: tuple[float, ...]
                             ) -> pd.DataFrame:
    """Exact beta-binomial P(benefit) when the skeptical and enthusiastic priors are
    re-calibrated at other assumed placebo rates (everything else as in the file)."""
    from dataclasses import replace

    from models.priors.calibration import calibrated_priors

    rows = []
    for rate in rates:
        priors = calibrated_priors(replace(calibration, placebo_rate=rate))
        for name, prior in priors.items():
            for outcome in trial.outcomes.values():
                fit = fit_exact(prior.beta_binomial, outcome).summary
                rows.append({"placebo_rate": rate, "prior": name, "label": prior.label,
                             "outcome": outcome.name, "p_benefit": fit.p_benefit.estimate,
                             "p_ard_gt_0.1": fit.p_ard_greater[0.1].estimate})
    return pd.DataFrame(rows)


PLACEBO_RATES = (0.15, 0.25, 0.35)
"""Assumed placebo rates for the calibration sensitivity (the file's own is added)."""
