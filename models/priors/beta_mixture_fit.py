"""A Beta mixture fitted to draws of a rate: the parametric form of a MAP prior.

The expectation-maximisation (EM) algorithm of RBesT's ``mixfit``/``automixfit``: draws
x_i in (0, 1) of a new trial's control rate, K components.

- E step: responsibilities r_ik = w_k Beta(x_i; a_k, b_k) / sum_j w_j Beta(x_i; a_j, b_j).
- M step: w_k = mean_i r_ik, and (a_k, b_k) maximise the responsibility-weighted Beta
  log-likelihood, which depends on the draws only through the weighted means of log x and
  log(1 - x) (the Beta's sufficient statistics), by Newton's method.

EM starts from K equal-count slices of the sorted draws (each slice's moment-matched
Beta), so the fit is deterministic. :func:`auto_fit` fits K = 1..``MAX_COMPONENTS`` and
keeps the K with the smallest penalised deviance -2 log L + ``AIC_PENALTY`` x (free
parameters), RBesT's ``automixfit`` criterion. :func:`fit_quality` states how well the
mixture describes the draws: the Kolmogorov-Smirnov distance (``scipy.stats.kstest``)
and the mean, SD and quantiles of both.
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special, stats

from models.core.distributions import BetaPrior
from models.core.mixtures import BetaMixture

MAX_COMPONENTS = 4
"""Most components :func:`auto_fit` tries (RBesT's ``automixfit`` default range is 1-4)."""

AIC_PENALTY = 6.0
"""Penalty per free parameter of the component choice (RBesT's ``automixfit`` uses 6, a
stronger penalty than AIC's 2, to keep MAP mixtures small)."""

EM_TOLERANCE = 1e-9
"""EM stops when the mean log-likelihood per draw changes by less than this."""

EM_MAX_ITERATIONS = 1000
"""EM stops after this many iterations at most (a fit that has not converged says so)."""

NEWTON_MAX_STEPS = 50
"""Most Newton steps of one M-step Beta fit (it converges in a handful from a warm start)."""

EDGE = 1e-12
"""Draws are kept this far inside (0, 1), where log x and log(1 - x) are finite."""

QUALITY_QUANTILES = (0.025, 0.25, 0.5, 0.75, 0.975)
"""Quantiles of draws and mixture compared in :func:`fit_quality`."""


@dataclass(frozen=True)
class MixtureFit:
    """One EM fit: the mixture, its log-likelihood of the draws, its penalised deviance,
    the iterations used and whether EM converged."""

    mixture: BetaMixture
    log_likelihood: float
    criterion: float
    iterations: int
    converged: bool


def _clip(draws: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.clip(np.asarray(draws, dtype=float), EDGE, 1.0 - EDGE)


def _moment_beta(x: NDArray[np.float64], weights: NDArray[np.float64]) -> tuple[float, float]:
    """The Beta with the weighted mean and variance of ``x`` (a start for the M step)."""
    total = weights.sum()
    mean = float((weights * x).sum() / total)
    variance = float((weights * (x - mean) ** 2).sum() / total)
    variance = min(max(variance, 1e-8), mean * (1 - mean) * 0.999)
    size = mean * (1 - mean) / variance - 1.0
    return mean * size, (1 - mean) * size


def _weighted_beta(x: NDArray[np.float64], weights: NDArray[np.float64],
                   start: tuple[float, float]) -> tuple[float, float]:
    """(a, b) maximising sum_i w_i log Beta(x_i; a, b): Newton's method on the concave
    Beta log-likelihood (Minka's fixed-point problem, gradient and Hessian from digamma and
    trigamma), from ``start``, halving a step that would leave a, b > 0 or lower the
    likelihood."""
    total = weights.sum()
    log_x = float((weights * np.log(x)).sum() / total)
    log_1mx = float((weights * np.log1p(-x)).sum() / total)

    def value(ab: NDArray[np.float64]) -> float:
        return float((ab[0] - 1) * log_x + (ab[1] - 1) * log_1mx - special.betaln(*ab))

    ab = np.array(start, dtype=float)
    current = value(ab)
    for _ in range(NEWTON_MAX_STEPS):
        both = special.digamma(ab.sum())
        gradient = np.array([both - special.digamma(ab[0]) + log_x,
                             both - special.digamma(ab[1]) + log_1mx])
        common = float(special.polygamma(1, ab.sum()))
        hessian = np.array([[common - float(special.polygamma(1, ab[0])), common],
                            [common, common - float(special.polygamma(1, ab[1]))]])
        step = np.linalg.solve(hessian, -gradient)
        scale = 1.0
        while scale > 1e-8:
            trial = ab + scale * step
            if np.all(trial > 0) and value(trial) >= current - 1e-15:
                break
            scale /= 2.0
        else:
            break
        ab, previous, current = trial, current, value(trial)
        if abs(current - previous) < 1e-13 and np.max(np.abs(scale * step) / ab) < 1e-10:
            break
    return float(ab[0]), float(ab[1])


def _log_components(logs: tuple[NDArray[np.float64], NDArray[np.float64]],
                    weights: NDArray[np.float64],
                    parameters: list[tuple[float, float]]) -> NDArray[np.float64]:
    """log w_k + log Beta(x_i; a_k, b_k), shape (K, draws), from ``logs`` = (log x,
    log(1 - x)) computed once."""
    log_x, log_1mx = logs
    return np.array([math.log(w) + (a - 1) * log_x + (b - 1) * log_1mx - special.betaln(a, b)
                     for w, (a, b) in zip(weights, parameters, strict=True)])


def fit_beta_mixture(draws: NDArray[np.float64], components: int) -> MixtureFit:
    """The EM fit of a ``components``-component Beta mixture to ``draws`` (0-1 scale)."""
    x = np.sort(_clip(draws))
    logs = (np.log(x), np.log1p(-x))
    slices = np.array_split(np.arange(x.size), components)
    parameters = [_moment_beta(x[s], np.ones(s.size)) for s in slices]
    weights = np.full(components, 1.0 / components)
    previous = -math.inf
    converged = False
    iteration = 0
    for iteration in range(1, EM_MAX_ITERATIONS + 1):  # noqa: B007 - reported below
        log_joint = _log_components(logs, weights, parameters)
        log_density = special.logsumexp(log_joint, axis=0)
        mean_log_likelihood = float(log_density.mean())
        if abs(mean_log_likelihood - previous) < EM_TOLERANCE:
            converged = True
            break
        previous = mean_log_likelihood
        responsibility = np.exp(log_joint - log_density)
        weights = np.maximum(responsibility.mean(axis=1), 1e-12)
        weights = weights / weights.sum()
        parameters = [_weighted_beta(x, r, start) for r, start in
                      zip(responsibility, parameters, strict=True)]
    log_likelihood = float(special.logsumexp(_log_components(logs, weights, parameters),
                                             axis=0).sum())
    free = 3 * components - 1
    order = np.argsort([-w for w in weights])  # largest weight first, as RBesT prints
    mixture = BetaMixture(tuple(float(weights[k]) for k in order),
                          tuple(BetaPrior(*parameters[k]) for k in order))
    return MixtureFit(mixture, log_likelihood, -2.0 * log_likelihood + AIC_PENALTY * free,
                      iteration, converged)


def auto_fit(draws: NDArray[np.float64],
             max_components: int = MAX_COMPONENTS) -> tuple[MixtureFit, list[MixtureFit]]:
    """The fit with the smallest penalised deviance among 1..``max_components`` components,
    and every fit tried (in order of K)."""
    fits = [fit_beta_mixture(draws, k) for k in range(1, max_components + 1)]
    return min(fits, key=lambda fit: fit.criterion), fits


def mixture_cdf(mixture: BetaMixture, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """P(rate <= x) under a Beta mixture."""
    return np.asarray(sum(w * stats.beta.cdf(x, c.alpha, c.beta)
                          for w, c in zip(mixture.weights, mixture.components, strict=True)),
                      dtype=float)


def mixture_quantile(mixture: BetaMixture, probability: float) -> float:
    """The mixture's quantile, by Brent's method on (0, 1)."""
    return float(optimize.brentq(lambda x: float(mixture_cdf(mixture, np.array(x))) -
                                 probability, 0.0, 1.0, xtol=1e-12))


@dataclass(frozen=True)
class FitQuality:
    """How well a mixture describes the draws it was fitted to (0-1 scale): the largest gap
    between the two distribution functions (Kolmogorov-Smirnov distance), and the mean,
    SD and ``QUALITY_QUANTILES`` of the draws beside the mixture's."""

    ks_distance: float
    draws_mean: float
    mixture_mean: float
    draws_sd: float
    mixture_sd: float
    draws_quantiles: tuple[float, ...]
    mixture_quantiles: tuple[float, ...]

    @property
    def largest_quantile_gap(self) -> float:
        return max(abs(a - b) for a, b in zip(self.draws_quantiles, self.mixture_quantiles,
                                              strict=True))


def fit_quality(mixture: BetaMixture, draws: NDArray[np.float64]) -> FitQuality:
    """Compare ``mixture`` with the ``draws`` it approximates."""
    x = _clip(draws)
    ks = stats.kstest(x, lambda values: mixture_cdf(mixture, np.asarray(values)))
    return FitQuality(
        ks_distance=float(ks.statistic),
        draws_mean=float(x.mean()), mixture_mean=mixture.mean,
        draws_sd=float(x.std()), mixture_sd=math.sqrt(mixture.variance),
        draws_quantiles=tuple(float(q) for q in np.quantile(x, QUALITY_QUANTILES)),
        mixture_quantiles=tuple(mixture_quantile(mixture, q) for q in QUALITY_QUANTILES))
