"""The aggregate logistic model fitted by MCMC to one outcome's two-arm counts.

Model: :func:`models.mcmc.logistic_models.build_aggregate_model` (log OR of treatment vs
control with a placebo log-odds intercept, Normal priors from the named prior's
``logistic`` block). Scales: log OR for the coefficient, OR = exp of it; ARD and arm
rates in proportion units (0.10 = 10 percentage points); intervals 95% equal-tailed;
probabilities with ArviZ's Monte Carlo SE.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from models.core.direction import benefit_sign
from models.core.mixtures import NormalMixture
from models.core.types import EffectSummary, Interval, Probability
from models.data.trial import OutcomeCounts
from models.exact.beta_binomial import ARD_THRESHOLDS
from models.mcmc import sampling
from models.mcmc.diagnostics import Diagnostics, diagnose
from models.mcmc.draws import coefficient_intervals, interval, probability, summarise_draws
from models.mcmc.logistic_models import (
    AGGREGATE_TERMS,
    aggregate_model_data,
    aggregate_structure,
)
from models.priors.prior_set import LogisticPrior


@dataclass(frozen=True)
class AggregateResult:
    """Posterior of the aggregate logistic model for one prior and one outcome.

    Attributes
    ----------
    counts
        The analysed counts (events/n per arm).
    prior
        The logistic prior (only ``intercept`` and ``treatment`` are used).
    p_benefit
        P(OR > 1) = P(treatment log OR > 0) = P(p_treatment > p_control), with MCSE.
    log_odds_ratio
        Median and 95% interval of the treatment coefficient (log OR).
    odds_ratio
        Median and 95% interval of the OR (= exp of ``log_odds_ratio``).
    summary
        ARD (proportion units), RR and OR intervals and P(ARD > d) from the implied arm
        rates (:func:`models.mcmc.draws.summarise_draws`; ``method="mcmc"``).
    coefficients
        Median and 95% interval of ``intercept`` and ``treatment`` (log-odds scale).
    diagnostics, settings
        Convergence diagnostics over both coefficients; sampler settings used.
    idata
        nutpie's DataTree (posterior has ``intercept``, ``treatment`` and ``p`` by arm).
    model_data
        The shared data the fit used (priors and counts), e.g. for
        :func:`models.mcmc.power_scaling.psense`.
    """

    counts: OutcomeCounts
    prior: LogisticPrior
    p_benefit: Probability
    log_odds_ratio: Interval
    odds_ratio: Interval
    summary: EffectSummary
    coefficients: dict[str, Interval]
    diagnostics: Diagnostics
    settings: sampling.SamplerSettings
    idata: xr.DataTree = field(repr=False)
    model_data: dict[str, np.ndarray] = field(repr=False)


def _exp_interval(log_interval: Interval) -> Interval:
    """The interval of exp(x) from that of x (quantiles commute with monotone maps)."""
    return Interval(*(math.exp(v) for v in (log_interval.median, log_interval.lower,
                                             log_interval.upper)))


def sample_aggregate(prior: LogisticPrior, counts: OutcomeCounts,
                     settings: sampling.SamplerSettings = sampling.DEFAULT_SAMPLER,
                     progress: bool = False, use_cache: bool = True,
                     mixture: NormalMixture | None = None) -> xr.DataTree:
    """Sample the aggregate model (compiled once per process) for one prior and counts.

    ``use_cache``: read/write the on-disk posterior cache (:mod:`models.mcmc.cache`);
    ``mixture``: a robust prior's log-OR mixture (the robust structure samples it).
    """
    data = aggregate_model_data(prior, counts, mixture)
    key, build = aggregate_structure(data)
    return sampling.sample(key, build, data, settings, progress, use_cache=use_cache)


def fit_aggregate(prior: LogisticPrior, counts: OutcomeCounts,
                  settings: sampling.SamplerSettings = sampling.DEFAULT_SAMPLER,
                  progress: bool = False,
                  thresholds: tuple[float, ...] = ARD_THRESHOLDS, *,
                  use_cache: bool = True,
                  mixture: NormalMixture | None = None) -> AggregateResult:
    """Fit the aggregate logistic model and summarise P(OR > 1), OR, ARD, RR.

    ``mixture``: a robust prior's mixture on the log OR, which then replaces
    ``prior.treatment`` (see :func:`~models.mcmc.logistic_models.aggregate_model_data`).
    """
    idata = sample_aggregate(prior, counts, settings, progress, use_cache, mixture)
    posterior = idata["posterior"].to_dataset()
    p = posterior["p"]
    log_or = interval(posterior["treatment"])
    return AggregateResult(
        counts=counts,
        prior=prior,
        p_benefit=probability(benefit_sign(counts.direction) * posterior["treatment"] > 0),
        log_odds_ratio=log_or,
        odds_ratio=_exp_interval(log_or),
        summary=summarise_draws(p.sel(arm="treatment"), p.sel(arm="control"), thresholds,
                                counts.direction),
        coefficients=coefficient_intervals(posterior, AGGREGATE_TERMS),
        diagnostics=diagnose(idata, list(AGGREGATE_TERMS)),
        settings=settings,
        idata=idata,
        model_data=aggregate_model_data(prior, counts, mixture),
    )
