"""The conjugate normal-normal model of a log ratio with a mixture prior (robust priors),
in closed form.

With prior sum_k w_k N(m_k, s_k) on the log ratio and a normal likelihood (estimate y,
standard error se), the posterior is sum_k w_k' N(mean_k, sd_k): each component updates as
in :func:`models.exact.normal_normal.normal_posterior`, and its weight by its marginal
likelihood of y, w_k' ∝ w_k N(y; m_k, sqrt(s_k^2 + se^2)) (in log space). P(benefit) is the
weighted sum of the components' closed forms; the ratio's median and 95% interval are the
mixture's quantiles, solved by Brent's method to ``QUANTILE_TOLERANCE`` on the log scale.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from models.core.direction import Direction
from models.core.mixtures import NormalMixture
from models.core.types import Interval
from models.exact.beta_binomial import INTERVAL_PROBABILITY
from models.exact.normal_normal import LogRatioLikelihood, NormalPosterior, normal_posterior

QUANTILE_TOLERANCE = 1e-10
"""Absolute tolerance of a quantile of the log ratio."""


@dataclass(frozen=True)
class NormalMixturePosterior:
    """The posterior mixture of a log ratio: weights and normal components."""

    weights: tuple[float, ...]
    components: tuple[NormalPosterior, ...]

    def p_benefit(self, direction: Direction = "higher") -> float:
        """P(ratio > 1) (``higher``) or P(ratio < 1) (``lower``): the weighted sum."""
        return math.fsum(w * c.p_benefit(direction)
                         for w, c in zip(self.weights, self.components, strict=True))

    def cdf(self, log_ratio: float) -> float:
        return math.fsum(w * float(special.ndtr((log_ratio - c.mean) / c.sd))
                         for w, c in zip(self.weights, self.components, strict=True))

    def quantile(self, probability: float) -> float:
        """A quantile of the ratio (exp of the log ratio's), by Brent's method."""
        low = min(c.mean - 40 * c.sd for c in self.components)
        high = max(c.mean + 40 * c.sd for c in self.components)
        return math.exp(optimize.brentq(lambda x: self.cdf(x) - probability, low, high,
                                        xtol=QUANTILE_TOLERANCE))

    def effect(self, probability: float = INTERVAL_PROBABILITY) -> Interval:
        """Median and central interval of the ratio."""
        tail = (1.0 - probability) / 2.0
        return Interval(self.quantile(0.5), self.quantile(tail), self.quantile(1.0 - tail))


def normal_mixture_posterior(prior: NormalMixture,
                             likelihood: LogRatioLikelihood) -> NormalMixturePosterior:
    """The conjugate update of every component, weights by their marginal likelihoods."""
    log_weights = np.array([
        math.log(w) + float(stats.norm.logpdf(likelihood.log_estimate, c.mean,
                                              math.hypot(c.sd, likelihood.standard_error)))
        for w, c in zip(prior.weights, prior.components, strict=True)])
    weights = np.exp(log_weights - special.logsumexp(log_weights))
    return NormalMixturePosterior(tuple(float(w) for w in weights / weights.sum()),
                                  tuple(normal_posterior(c, likelihood)
                                        for c in prior.components))
