"""The beta-binomial model in PyMC, checked against the exact conjugate answer.

One model structure, compiled once: the priors' Beta parameters and the observed
counts are shared data, so every prior and every set of counts re-uses the same
compiled model. The exact result (``models.exact.beta_binomial``) is the reference: the
MCMC P(benefit) should lie within a few Monte Carlo standard errors of it.

Robust priors (a two-component Beta mixture per arm) have their own structure,
:func:`build_mixture_model`, compiled once in the same way; their exact reference is
:class:`models.exact.beta_mixture.MixtureArms`.
"""

from dataclasses import dataclass

import numpy as np
import xarray as xr

from models.core.distributions import BetaBinomialPrior
from models.core.mixtures import BetaMixture
from models.core.types import EffectSummary
from models.data.trial import OutcomeCounts
from models.exact.beta_binomial import ARD_THRESHOLDS
from models.exact.beta_mixture import MixtureArms
from models.mcmc import sampling
from models.mcmc.diagnostics import Diagnostics, diagnose
from models.mcmc.draws import summarise_draws

ARM_NAMES = ("treatment", "control")
MODEL_KEY = "beta_binomial"
MIXTURE_MODEL_KEY = "beta_binomial_mixture"

MIXTURE_COMPONENTS = 5
"""Components per arm of the mixture structure: up to four from the priors file (a MAP
prior's fit) and a robust prior's vague one; an arm with fewer is padded with zero-weight
copies of its first component."""


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


def build_mixture_model():  # -> pm.Model
    """p[arm] ~ sum_k w[arm, k] Beta(alpha[arm, k], beta[arm, k]); events as above."""
    import pymc as pm

    shape = (2, MIXTURE_COMPONENTS)
    with pm.Model(coords={"arm": list(ARM_NAMES)}) as model:
        w = pm.Data("w", np.full(shape, 1.0 / MIXTURE_COMPONENTS))
        alpha = pm.Data("alpha", np.ones(shape))
        beta = pm.Data("beta", np.ones(shape))
        n = pm.Data("n", np.ones(2, dtype="int64"), dims="arm")
        events = pm.Data("events", np.zeros(2, dtype="int64"), dims="arm")
        components = [pm.Beta.dist(alpha=alpha[:, k], beta=beta[:, k])
                      for k in range(MIXTURE_COMPONENTS)]
        p = pm.Mixture("p", w=w, comp_dists=components, dims="arm")
        pm.Binomial("y", n=n, p=p, observed=events, dims="arm")
    return model


def _padded(mixture: BetaMixture) -> tuple[list[float], list[tuple[float, float]]]:
    """A mixture's weights and (alpha, beta) pairs padded to :data:`MIXTURE_COMPONENTS`."""
    if len(mixture.components) > MIXTURE_COMPONENTS:
        raise ValueError(f"the mixture structure takes at most {MIXTURE_COMPONENTS} "
                         f"components per arm, not {len(mixture.components)}")
    padding = MIXTURE_COMPONENTS - len(mixture.components)
    components = [*mixture.components, *([mixture.components[0]] * padding)]
    return ([*mixture.weights, *([0.0] * padding)],
            [(c.alpha, c.beta) for c in components])


def mixture_model_data(arms: MixtureArms, counts: OutcomeCounts) -> dict[str, np.ndarray]:
    """Shared data of the mixture structure (rows in ``ARM_NAMES`` order)."""
    weights, parameters = zip(*(_padded(m) for m in (arms.treatment, arms.control)),
                              strict=True)
    return {
        "w": np.array(weights, dtype=float),
        "alpha": np.array([[a for a, _ in arm] for arm in parameters], dtype=float),
        "beta": np.array([[b for _, b in arm] for arm in parameters], dtype=float),
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


def fit_mcmc(prior: BetaBinomialPrior | MixtureArms, counts: OutcomeCounts,
             settings: sampling.SamplerSettings = sampling.DEFAULT_SAMPLER,
             progress: bool = False,
             thresholds: tuple[float, ...] = ARD_THRESHOLDS) -> McmcResult:
    """Sample the beta-binomial posterior with the compiled model and summarise it: one
    Beta per arm, or (for a robust prior) a Beta mixture per arm."""
    if isinstance(prior, MixtureArms):
        idata = sampling.sample(MIXTURE_MODEL_KEY, build_mixture_model,
                                mixture_model_data(prior, counts), settings, progress)
    else:
        idata = sampling.sample(MODEL_KEY, build_model, model_data(prior, counts), settings,
                                progress)
    p = idata["posterior"].to_dataset()["p"]
    summary = summarise_draws(p.sel(arm="treatment"), p.sel(arm="control"), thresholds,
                              counts.direction)
    return McmcResult(summary, diagnose(idata, ["p"]), settings, idata)
