"""The aggregate logistic model on two-arm counts, solved by deterministic integration.

Model: control events ~ Binomial(n_c, expit(a)), treatment events ~ Binomial(n_t,
expit(a + b)) (the linear predictor of :mod:`models.exact.linear_predictor` without
hs-CRP), with a ~ N(mu_a, s_a) (intercept: log-odds of the outcome on control) and
b ~ N(m, s) (log odds ratio, treatment vs control). The posterior of b is proportional to
L(b) N(b; m, s), where L(b) = integral of lik(a, b) N(a; mu_a, s_a) da is the likelihood
of b with the intercept integrated out. L(b) does not depend on (m, s), so it is computed
once on a fine grid of b (trapezoid rule over a on ``INTERCEPT_POINTS`` points spanning
the intercept prior's +-``INTERCEPT_PRIOR_SDS`` SDs), and P(b > 0 | data) for any (m, s)
is a ratio of two one-dimensional sums: a whole grid of priors costs a matrix product.

Accuracy: the b grid spans ``LOG_OR_RANGE`` with ``LOG_OR_POINTS`` points (trapezoid
rule); the tests compare against an independent two-dimensional Gauss-Legendre
integration of the posterior (absolute error below 1e-5).
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from models.core.direction import DEFAULT_DIRECTION, Direction
from models.core.distributions import NormalPrior
from models.data.trial import OutcomeCounts
from models.exact.linear_predictor import linear_predictor

INTERCEPT_POINTS = 2001
"""Trapezoid points over the intercept (log-odds on control)."""

INTERCEPT_PRIOR_SDS = 12.0
"""The intercept is integrated over its prior mean +- this many prior SDs."""

LOG_OR_RANGE = (-12.0, 12.0)
"""Range of the log odds ratio grid on which L(b) is tabulated."""

LOG_OR_POINTS = 6001
"""Points of the log odds ratio grid (spacing 0.004)."""

PRIORS_PER_CHUNK = 500
"""Priors evaluated per matrix block (bounds memory at about 24 MB per block)."""


def binomial_loglik(events: int, n: int, log_odds: NDArray[np.float64]) -> NDArray[np.float64]:
    """Binomial log-likelihood (without the constant) at log-odds values."""
    return events * log_odds - n * np.logaddexp(0.0, log_odds)


@dataclass(frozen=True)
class LogOrLikelihood:
    """L(b) on a grid of log ratios b (scaled to max 1): the counts' likelihood of the log
    odds ratio with the intercept integrated out under ``intercept_prior``, or a published
    estimate's normal likelihood of its log ratio (``intercept_prior`` None). ``direction``
    says which side of 0 is benefit (b > 0 when more events is better)."""

    log_or: NDArray[np.float64]
    likelihood: NDArray[np.float64]
    intercept_prior: NormalPrior | None
    direction: Direction = DEFAULT_DIRECTION
    normal: tuple[float, float] | None = None
    """(log estimate, standard error) when the likelihood is a published estimate's normal
    one: :func:`p_benefit` then uses the conjugate closed form instead of the grid."""


def log_or_likelihood(counts: OutcomeCounts, intercept_prior: NormalPrior) -> LogOrLikelihood:
    """Integrate the intercept out of the two-arm binomial likelihood (trapezoid rule).

    A uniform grid, not Gauss-Hermite nodes: the likelihood in the intercept can be much
    narrower than a weakly informative prior, and Hermite nodes scaled to the prior
    would straddle it.
    """
    half_width = INTERCEPT_PRIOR_SDS * intercept_prior.sd
    intercept = np.linspace(intercept_prior.mean - half_width,
                            intercept_prior.mean + half_width, INTERCEPT_POINTS)  # (k,)
    b = np.linspace(*LOG_OR_RANGE, LOG_OR_POINTS)  # (g,)
    coefficients = {"intercept": intercept[None, :], "treatment": b[:, None]}
    control_log_odds = np.asarray(linear_predictor(coefficients, 0.0))[0]  # (k,): intercept
    treatment_log_odds = np.asarray(linear_predictor(coefficients, 1.0))  # (g, k)
    log_prior = -0.5 * ((intercept - intercept_prior.mean) / intercept_prior.sd) ** 2
    control = binomial_loglik(counts.control.events, counts.control.n,
                               control_log_odds) + log_prior
    treatment = binomial_loglik(counts.treatment.events, counts.treatment.n,
                                 treatment_log_odds)
    log_weights = np.zeros(INTERCEPT_POINTS)
    log_weights[[0, -1]] = np.log(0.5)
    log_l = special.logsumexp(control[None, :] + treatment + log_weights[None, :], axis=1)
    return LogOrLikelihood(b, np.exp(log_l - log_l.max()), intercept_prior, counts.direction)


def normal_log_ratio_likelihood(log_estimate: float, standard_error: float,
                                direction: Direction) -> LogOrLikelihood:
    """A published estimate's normal likelihood N(log_estimate, standard_error) of its log
    ratio on the same grid, so the same prior sweeps and tipping points apply to it."""
    b = np.linspace(*LOG_OR_RANGE, LOG_OR_POINTS)
    return LogOrLikelihood(b, np.exp(-0.5 * ((b - log_estimate) / standard_error) ** 2), None,
                           direction, (log_estimate, standard_error))


def p_benefit(likelihood: LogOrLikelihood, means: ArrayLike,
              sds: ArrayLike) -> NDArray[np.float64]:
    """P(benefit | data) for every pair (mean, sd) of a N(mean, sd) log-OR prior: P(log OR
    > 0), or P(log OR < 0) when fewer events is better.

    ``means`` and ``sds`` (log OR scale) broadcast against each other; the result has their
    shape. Trapezoid rule on the log-OR grid: absolute error below 1e-5 (tested against
    an independent two-dimensional integration).
    """
    means, sds = np.broadcast_arrays(np.asarray(means, float), np.asarray(sds, float))
    sign = 1.0 if likelihood.direction == "higher" else -1.0
    if likelihood.normal is not None:  # conjugate normal-normal: closed form, exact
        estimate, se = likelihood.normal
        precision = 1.0 / sds**2 + 1.0 / se**2
        mean = (means / sds**2 + estimate / se**2) / precision
        return np.asarray(stats.norm.sf(0.0, sign * mean, np.sqrt(1.0 / precision)), float)
    flat_means, flat_sds = means.reshape(-1, 1), sds.reshape(-1, 1)
    b = likelihood.log_or
    trapezoid = np.ones_like(b)
    trapezoid[[0, -1]] = 0.5
    benefit = sign * b
    positive_side = np.where(benefit > 0, 1.0, np.where(benefit == 0, 0.5, 0.0))
    weighted = likelihood.likelihood * trapezoid
    out = np.empty(flat_means.shape[0])
    for start in range(0, out.size, PRIORS_PER_CHUNK):
        block = slice(start, start + PRIORS_PER_CHUNK)
        z = (b[None, :] - flat_means[block]) / flat_sds[block]
        # The normal constant 1/sd cancels in the ratio, so only exp(-z^2 / 2) is needed.
        weights = weighted[None, :] * np.exp(-0.5 * z * z)
        out[block] = (weights @ positive_side) / weights.sum(axis=1)
    return out.reshape(means.shape)


def likelihood_moments(likelihood: LogOrLikelihood) -> tuple[float, float]:
    """Mean and SD (log OR scale) of L(b) normalised as a density: where the counts alone,
    with the intercept integrated out under its prior, put the log odds ratio and how
    sharply. A sharper L(b) is shrunk less by the same log-OR prior."""
    b = likelihood.log_or
    weights = likelihood.likelihood / likelihood.likelihood.sum()  # uniform grid
    mean = float(np.sum(weights * b))
    return mean, float(np.sqrt(np.sum(weights * (b - mean) ** 2)))
