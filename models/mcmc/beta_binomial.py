"""The beta-binomial model in PyMC, checked against the exact conjugate answer.

One model structure, compiled once: the priors' Beta parameters and the observed
counts are shared data, so every prior and every set of counts re-uses the same
compiled model. The exact result (``models.exact.beta_binomial``) is the reference: the
MCMC P(benefit) should lie within a few Monte Carlo standard errors of it.
"""

from dataclasses import dataclass

import numpy as np
import xarray as xr

from models.core.distributions import BetaBinomialPrior
from models.core.types import EffectSummary
from models.data.trial import OutcomeCounts
from models.exact.beta_binomial import ARD_THRESHOLDS
from models.mcmc import sampling
from models.mcmc.diagnostics import Diagnostics, diagnose
from models.mcmc.draws import summarise_draws

ARM_NAMES = ("treatment", "control")
MODEL_KEY = "beta_binomial"


def build_model():  # -> pm.Model
    """p[arm] ~ Beta(alpha[arm], beta[arm]); events[arm] ~ Binomial(n[arm], p[arm])."""
    import pymc as pm

    with pm.Model(coords={"arm": list(ARM_NAMES)}) as model:
        alpha = pm.Data("alpha", np.ones(2), dims="arm")
        beta = pm.Data("beta", np.ones(2), dims="arm")
        n = pm.Data("n", np.ones(2, dtype="int64"), dims="arm")
        events = pm.Data("events", np.zeros(2, dtype="int64"), dims="arm")
        p = pm.Beta("p", alpha=alpha, beta=beta, dims="arm")
        pm.Binomial("y", n=n, p=p, observed=events, dims="arm")
    return model


def model_data(prior: BetaBinomialPrior, counts: OutcomeCounts) -> dict[str, np.ndarray]:
    """Shared data for one prior and one outcome, in ``ARM_NAMES`` order."""
    return {
        "alpha": np.array([prior.treatment.alpha, prior.control.alpha]),
        "beta": np.array([prior.treatment.beta, prior.control.beta]),
        "n": np.array([counts.treatment.n, counts.control.n], dtype="int64"),
        "events": np.array([counts.treatment.events, counts.control.events], dtype="int64"),
    }


@dataclass(frozen=True)
class McmcResult:
    """MCMC summaries, diagnostics and the posterior draws of both arm rates."""

    summary: EffectSummary
    diagnostics: Diagnostics
    settings: sampling.SamplerSettings
    idata: xr.DataTree


def fit_mcmc(prior: BetaBinomialPrior, counts: OutcomeCounts,
             settings: sampling.SamplerSettings = sampling.DEFAULT_SAMPLER,
             progress: bool = False,
             thresholds: tuple[float, ...] = ARD_THRESHOLDS) -> McmcResult:
    """Sample the beta-binomial posterior with the compiled model and summarise it."""
    idata = sampling.sample(MODEL_KEY, build_model, model_data(prior, counts), settings,
                            progress)
    p = idata["posterior"].to_dataset()["p"]
    summary = summarise_draws(p.sel(arm="treatment"), p.sel(arm="control"), thresholds,
                              counts.direction)
    return McmcResult(summary, diagnose(idata, ["p"]), settings, idata)
