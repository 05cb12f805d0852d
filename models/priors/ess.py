"""Prior effective sample size (ESS) of a Beta or Beta-mixture prior on a rate, in
participants: how many observations of one arm the prior is worth.

- **ELIR** (expected local information ratio; Neuenschwander, Weber, Schmidli and
  O'Hagan 2020, Biometrics 76:578-587; RBesT's default): the prior's curvature
  i(p) = -d^2/dp^2 log prior(p), relative to the Fisher information of one binomial
  observation, 1 / (p (1 - p)), averaged over the prior:
  ESS = E_prior[i(p) p (1 - p)]. For one Beta(a, b) it is exactly a + b, and it is
  *predictively consistent*: the prior ESS plus n equals the expected posterior ESS after
  n observations drawn from the prior predictive.
- **Moment** method: the Beta with the mixture's mean m and variance v has
  a + b = m (1 - m) / v - 1 (conservative for mixtures).

The same ELIR applies to a normal (mixture) prior on a log odds ratio, whose unit
information is constant: one participant per arm contributes 1 / sigma_1^2 with
sigma_1^2 = 2 / (p0 (1 - p0)) at control rate p0 (Woolf's variance, both arms at p0), so
ESS = sigma_1^2 E_prior[i(theta)] participants per arm, sigma_1^2 / s^2 for one N(m, s);
:func:`ess_elir_normal` gives twice that, participants in both arms together.

For a mixture sum_k w_k f_k, with responsibilities r_k = w_k f_k / f and per-component
log-density derivatives g_k = (a_k - 1)/p - (b_k - 1)/(1 - p),
h_k = -(a_k - 1)/p^2 - (b_k - 1)/(1 - p)^2: i(p) = (sum r_k g_k)^2 - sum r_k (h_k + g_k^2).
"""

import math

import numpy as np
from numpy.typing import NDArray
from scipy import integrate, special

from models.core.distributions import BetaPrior
from models.core.mixtures import BetaMixture, NormalMixture

ELIR_TOLERANCE = 1e-10
"""Relative tolerance of the ELIR integral."""


def _components(prior: BetaPrior | BetaMixture) -> BetaMixture:
    return prior if isinstance(prior, BetaMixture) else BetaMixture.single(prior)


def elir_integrand(prior: BetaPrior | BetaMixture, p: NDArray[np.float64]) -> NDArray[np.float64]:
    """prior(p) i(p) p (1 - p) at rates p in (0, 1): the ELIR integrand."""
    mixture = _components(prior)
    p = np.asarray(p, dtype=float)
    a = np.array([c.alpha for c in mixture.components])[:, None]
    b = np.array([c.beta for c in mixture.components])[:, None]
    log_w = np.log(np.array(mixture.weights))[:, None]
    log_f = (special.xlogy(a - 1, p) + special.xlog1py(b - 1, -p) - special.betaln(a, b))
    log_density = special.logsumexp(log_w + log_f, axis=0)
    responsibility = np.exp(log_w + log_f - log_density)
    g = (a - 1) / p - (b - 1) / (1 - p)
    h = -(a - 1) / p ** 2 - (b - 1) / (1 - p) ** 2
    information = (responsibility * g).sum(axis=0) ** 2 - (responsibility * (h + g ** 2)).sum(
        axis=0)
    return np.asarray(np.exp(log_density) * information * p * (1 - p), dtype=float)


def ess_elir(prior: BetaPrior | BetaMixture) -> float:
    """ELIR effective sample size (participants), by adaptive integration over (0, 1)."""
    mixture = _components(prior)
    if len(mixture.components) == 1:
        component = mixture.components[0]
        return component.alpha + component.beta  # exact for one Beta
    value, _ = integrate.quad(lambda x: float(elir_integrand(mixture, np.array([x]))[0]),
                              0.0, 1.0, epsrel=ELIR_TOLERANCE, limit=200)
    return float(value)


def ess_moment(prior: BetaPrior | BetaMixture) -> float:
    """Moment-matching effective sample size (participants): a + b of the Beta with the
    same mean and variance."""
    mixture = _components(prior)
    mean, variance = mixture.mean, mixture.variance
    return float(mean * (1.0 - mean) / variance - 1.0) if variance > 0 else math.inf


def normal_elir_integrand(mixture: NormalMixture, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """prior(x) i(x) at log odds ratios x: the ELIR integrand of a normal mixture (the
    local information i(x) = -d^2/dx^2 log prior(x), as for Beta mixtures above, with
    g_k = -(x - m_k) / s_k^2 and h_k = -1 / s_k^2)."""
    x = np.asarray(x, dtype=float)
    m = np.array([c.mean for c in mixture.components])[:, None]
    s = np.array([c.sd for c in mixture.components])[:, None]
    log_w = np.log(np.array(mixture.weights))[:, None]
    log_f = -0.5 * ((x - m) / s) ** 2 - np.log(s) - 0.5 * math.log(2 * math.pi)
    log_density = special.logsumexp(log_w + log_f, axis=0)
    responsibility = np.exp(log_w + log_f - log_density)
    g = -(x - m) / s ** 2
    h = -1.0 / s ** 2
    information = (responsibility * g).sum(axis=0) ** 2 - (responsibility * (h + g ** 2)).sum(
        axis=0)
    return np.asarray(np.exp(log_density) * information, dtype=float)


def ess_elir_normal(mixture: NormalMixture, control_rate: float) -> float:
    """ELIR effective sample size of a normal (mixture) prior on the log odds ratio, in
    participants in both arms together at control rate ``control_rate`` (see the module
    docstring): for one N(m, s) exactly 4 / (p0 (1 - p0) s^2), the Woolf approximation of
    :func:`models.priors.statements.logistic_effective_sample_size`."""
    unit_variance = 2.0 * 2.0 / (control_rate * (1.0 - control_rate))  # both arms
    if len(mixture.components) == 1:
        return unit_variance / mixture.components[0].sd ** 2
    value, _ = integrate.quad(lambda x: float(normal_elir_integrand(mixture, np.array([x]))[0]),
                              -np.inf, np.inf, epsrel=ELIR_TOLERANCE, limit=200)
    return float(unit_variance * value)
