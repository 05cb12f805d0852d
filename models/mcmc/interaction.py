"""The hs-CRP x treatment interaction model fitted by MCMC to individual data.

Model: :func:`models.mcmc.logistic_models.build_ipd_model`, fitted to the complete cases
of one outcome with log hs-CRP standardised by their own sample mean and SD
(:func:`models.data.ipd.ipd_data`). The result carries the coefficients (log-odds
scale), P(coefficient > 0), the marginal (sample-averaged) effects, the conditional
effect curves along hs-CRP (:mod:`models.mcmc.crp_effects`) and diagnostics; with
SIMULATED data the fit can be set against the true coefficients (:func:`truth_table`).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from models.core.mixtures import NormalMixture
from models.core.types import EffectSummary, Interval, Probability
from models.data.ipd import IpdData, ipd_data
from models.exact.beta_binomial import ARD_THRESHOLDS
from models.mcmc import sampling
from models.mcmc.crp_effects import (
    conditional_effects,
    crp_where_probability,
    marginal_rates,
    p_benefit_at_crp,
)
from models.mcmc.diagnostics import Diagnostics, diagnose
from models.mcmc.draws import coefficient_intervals, positive_probabilities, summarise_draws
from models.mcmc.logistic_models import IPD_TERMS, ipd_model_data, ipd_structure
from models.priors.prior_set import LogisticPrior


@dataclass(frozen=True)
class IpdResult:
    """Posterior of the IPD logistic model with a treatment x hs-CRP interaction.

    Attributes
    ----------
    data
        The complete cases used, with the standardisation (sample mean and SD of log
        hs-CRP, ``ddof=1``).
    prior
        The logistic prior.
    coefficients
        Median and 95% interval of each coefficient (log-odds scale; ``treatment`` is the
        log OR at the sample mean log hs-CRP, ``interaction`` the extra log OR per SD of
        log hs-CRP).
    p_positive
        P(coefficient > 0) with MCSE per term. ``p_positive["treatment"]`` is P(benefit at
        the sample mean log hs-CRP), because z = 0 there.
    marginal
        Sample-averaged effects (:func:`models.mcmc.crp_effects.marginal_rates`):
        P(marginal ARD > 0) as ``p_benefit``, P(ARD > d), ARD (proportion units), RR and
        OR (marginal); ``method="mcmc"``.
    curves
        :func:`models.mcmc.crp_effects.conditional_effects` on the default hs-CRP grid
        (3 to 30 mg/L).
    crp_p_benefit_90
        hs-CRP (mg/L) where P(benefit | hs-CRP) first reaches 0.9 on that grid (None if it
        never does; the grid's first value if it is already there at 3 mg/L).
    diagnostics, settings
        Over the four coefficients; sampler settings used.
    idata
        nutpie's DataTree (posterior holds the four coefficients).
    model_data
        The shared data the fit used, e.g. for :func:`models.mcmc.power_scaling.psense`.
    """

    data: IpdData
    prior: LogisticPrior
    coefficients: dict[str, Interval]
    p_positive: dict[str, Probability]
    marginal: EffectSummary
    curves: pd.DataFrame = field(repr=False)
    crp_p_benefit_90: float | None
    diagnostics: Diagnostics
    settings: sampling.SamplerSettings
    idata: xr.DataTree = field(repr=False)
    model_data: dict[str, np.ndarray] = field(repr=False)

    @property
    def outcome(self) -> str:
        return self.data.outcome

    @property
    def posterior(self) -> xr.Dataset:
        return self.idata["posterior"].to_dataset()

    @property
    def p_treatment_positive(self) -> Probability:
        """P(log OR > 0) at the sample mean log hs-CRP (P(benefit) for a 'typical' CRP)."""
        return self.p_positive["treatment"]

    @property
    def p_interaction_positive(self) -> Probability:
        """P(interaction > 0): more benefit with higher hs-CRP."""
        return self.p_positive["interaction"]

    @property
    def interaction(self) -> Interval:
        """Median and 95% interval of the interaction (log OR per SD of log hs-CRP)."""
        return self.coefficients["interaction"]

    def p_benefit_at(self, crp_mg_l: Sequence[float]) -> dict[float, Probability]:
        """P(benefit | hs-CRP) at the given values (mg/L), with MCSE."""
        return p_benefit_at_crp(self.posterior, self.data, crp_mg_l)


def sample_ipd(prior: LogisticPrior, data: IpdData,
               settings: sampling.SamplerSettings = sampling.DEFAULT_SAMPLER,
               progress: bool = False, use_cache: bool = True,
               mixture: NormalMixture | None = None) -> xr.DataTree:
    """Sample the IPD model (compiled once per process, any number of participants).

    ``use_cache``: read/write the on-disk posterior cache (:mod:`models.mcmc.cache`);
    the simulation study turns it off (it caches its own summaries instead).
    ``mixture``: a robust prior's log-OR mixture (the robust structure samples it).
    """
    model_data = ipd_model_data(prior, data, mixture)
    key, build = ipd_structure(model_data)
    return sampling.sample(key, build, model_data, settings, progress, use_cache=use_cache)


def summarise_ipd(idata: xr.DataTree, prior: LogisticPrior, data: IpdData,
                  settings: sampling.SamplerSettings,
                  thresholds: tuple[float, ...] = ARD_THRESHOLDS,
                  mixture: NormalMixture | None = None) -> IpdResult:
    """All summaries of an IPD-model posterior (pure given the draws)."""
    posterior = idata["posterior"].to_dataset()
    curves = conditional_effects(posterior, data)
    p_t, p_c = marginal_rates(posterior, data)
    return IpdResult(
        data=data,
        prior=prior,
        coefficients=coefficient_intervals(posterior, IPD_TERMS),
        p_positive=positive_probabilities(posterior, IPD_TERMS),
        marginal=summarise_draws(p_t, p_c, thresholds),
        curves=curves,
        crp_p_benefit_90=crp_where_probability(curves["crp_mg_l"].to_numpy(),
                                               curves["p_benefit"].to_numpy()),
        diagnostics=diagnose(idata, list(IPD_TERMS)),
        settings=settings,
        idata=idata,
        model_data=ipd_model_data(prior, data, mixture),
    )


def fit_ipd(prior: LogisticPrior, ipd: pd.DataFrame, outcome: str,
            settings: sampling.SamplerSettings = sampling.DEFAULT_SAMPLER,
            progress: bool = False,
            thresholds: tuple[float, ...] = ARD_THRESHOLDS, *,
            use_cache: bool = True, mixture: NormalMixture | None = None) -> IpdResult:
    """Fit the IPD interaction model to the complete cases of ``outcome`` and summarise it
    (``mixture``: a robust prior's log-OR mixture, replacing ``prior.treatment``)."""
    data = ipd_data(ipd, outcome)
    idata = sample_ipd(prior, data, settings, progress, use_cache, mixture)
    return summarise_ipd(idata, prior, data, settings, thresholds, mixture)


def truth_table(result: IpdResult, truth: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Truth against estimate for the four coefficients (log-odds scale).

    Parameters
    ----------
    result
        An IPD fit.
    truth
        The output of :func:`models.simulation.process.truth_on_sample_scale` for the same IPD (its
        standardisation must match the fit's, else ``ValueError``).

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term``, ``truth``, ``median``, ``lower``, ``upper`` (95%),
        ``error`` (median - truth) and ``covered`` (truth inside the 95% interval).
    """
    own = result.data.standardisation()
    theirs = truth["standardisation"][result.outcome]
    for key in ("log_crp_mean", "log_crp_sd"):
        if not math.isclose(float(theirs[key]), float(own[key]), rel_tol=1e-9, abs_tol=1e-12):
            raise ValueError(f"truth was standardised differently ({key} {theirs[key]} vs "
                             f"{own[key]}): pass truth_on_sample_scale of the same IPD")
    rows = []
    for term in IPD_TERMS:
        value = float(truth[result.outcome][term])
        est = result.coefficients[term]
        rows.append({"term": term, "truth": value, "median": est.median, "lower": est.lower,
                     "upper": est.upper, "error": est.median - value,
                     "covered": bool(est.lower <= value <= est.upper)})
    return pd.DataFrame(rows)
