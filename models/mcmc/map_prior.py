"""The meta-analytic-predictive (MAP) model of historical control arms, in PyMC.

Model (Neuenschwander et al. 2010; RBesT's ``gMAP`` with a binomial family)::

    events_i ~ Binomial(n_i, expit(theta_i)),   theta_i = mu + tau * eta_i,  eta_i ~ N(0, 1)
    mu  ~ Normal(0, MEAN_PRIOR_SD)              population mean log-odds of the control rate
    tau ~ HalfNormal(TAU_PRIOR_SD)              between-trial SD of the log-odds

written non-centred (``eta``) so that a small ``tau`` does not trap the sampler. The MAP
prior is the predictive distribution of a *new* trial's control log-odds,
theta_new = mu + tau * eta_new: its draws (``p_new`` = expit(theta_new), the control rate
on the 0-1 scale) are what a Beta mixture is then fitted to
(:mod:`models.priors.beta_mixture_fit`). One structure per number of studies (the random
effects' length is fixed at compile time), compiled once and re-used with the data as
shared values, like every sampled model here.
"""

from dataclasses import dataclass, replace

import numpy as np
import xarray as xr

from models.data.historical import HistoricalControls
from models.mcmc import sampling
from models.mcmc.diagnostics import Diagnostics, diagnose

MEAN_PRIOR_SD = 2.0
"""SD of the normal prior on the population mean log-odds, N(0, 2): weakly informative
(95% of its mass on rates from 2% to 98%); RBesT's ``beta.prior = 2`` in its worked
example on ankylosing spondylitis placebo arms."""

TAU_PRIOR_SD = 1.0
"""Scale of the half-normal prior on the between-trial SD of the log-odds: RBesT's
recommended conservative default for binary endpoints with rates of 20%-80% (a tau of 1
lets two trials' control odds differ by a factor of about 7 at the 95% level)."""

MAP_SAMPLER = replace(sampling.DEFAULT_SAMPLER, target_accept=0.99)
"""The report's sampler settings with a higher target acceptance: hierarchical posteriors
with few studies have a narrow neck near tau = 0, where smaller steps avoid divergences."""

MAP_PARAMETERS = ("mu", "tau", "theta_new")
"""The quantities whose convergence is checked (R-hat, ESS, divergences)."""


def _model_key(studies: int) -> str:
    return f"map_binomial_{studies}"


def build_map_model(studies: int):  # -> Callable[[], pm.Model]
    """The builder of the MAP structure for ``studies`` historical arms."""

    def build_map_structure():  # -> pm.Model
        import pymc as pm

        with pm.Model() as model:
            events = pm.Data("events", np.zeros(studies, dtype="int64"))
            n = pm.Data("n", np.ones(studies, dtype="int64"))
            mean_sd = pm.Data("mean_sd", np.array(MEAN_PRIOR_SD))
            tau_sd = pm.Data("tau_sd", np.array(TAU_PRIOR_SD))
            mu = pm.Normal("mu", 0.0, mean_sd)
            tau = pm.HalfNormal("tau", tau_sd)
            eta = pm.Normal("eta", 0.0, 1.0, shape=studies)
            pm.Binomial("y", n=n, logit_p=mu + tau * eta, observed=events)
            eta_new = pm.Normal("eta_new", 0.0, 1.0)
            theta_new = pm.Deterministic("theta_new", mu + tau * eta_new)
            pm.Deterministic("p_new", pm.math.invlogit(theta_new))
        return model

    return build_map_structure


def map_data(controls: HistoricalControls, mean_sd: float = MEAN_PRIOR_SD,
             tau_sd: float = TAU_PRIOR_SD) -> dict[str, np.ndarray]:
    """Shared data of the MAP structure: the arms' events and sizes and the two prior SDs."""
    return {"events": np.array([arm.events for arm in controls.studies], dtype="int64"),
            "n": np.array([arm.n for arm in controls.studies], dtype="int64"),
            "mean_sd": np.array(float(mean_sd)), "tau_sd": np.array(float(tau_sd))}


@dataclass(frozen=True)
class MapPosterior:
    """The MAP analysis of historical control arms.

    ``rate_draws``: draws of a new trial's control rate (0-1 scale, all chains), the MAP
    prior as a sample; ``log_odds_draws`` the same on the log-odds scale; ``tau_draws``
    the between-trial SD (log-odds); diagnostics over mu, tau and theta_new.
    """

    controls: HistoricalControls
    rate_draws: np.ndarray
    log_odds_draws: np.ndarray
    tau_draws: np.ndarray
    diagnostics: Diagnostics
    settings: sampling.SamplerSettings
    mean_sd: float
    tau_sd: float


def fit_map(controls: HistoricalControls, settings: sampling.SamplerSettings = MAP_SAMPLER,
            mean_sd: float = MEAN_PRIOR_SD, tau_sd: float = TAU_PRIOR_SD,
            progress: bool = False) -> MapPosterior:
    """Sample the MAP model of ``controls`` and return the predictive draws."""
    studies = len(controls.studies)
    idata: xr.DataTree = sampling.sample(_model_key(studies), build_map_model(studies),
                                         map_data(controls, mean_sd, tau_sd), settings,
                                         progress)
    posterior = idata["posterior"].to_dataset()
    return MapPosterior(
        controls=controls,
        rate_draws=posterior["p_new"].to_numpy().ravel(),
        log_odds_draws=posterior["theta_new"].to_numpy().ravel(),
        tau_draws=posterior["tau"].to_numpy().ravel(),
        diagnostics=diagnose(idata, list(MAP_PARAMETERS)),
        settings=settings, mean_sd=mean_sd, tau_sd=tau_sd)
