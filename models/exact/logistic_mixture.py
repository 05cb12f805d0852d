"""The aggregate logistic model with a mixture prior on the log odds ratio (robust
priors), answered by deterministic integration.

With prior sum_k w_k N(m_k, s_k) on the log OR b (and one normal prior on the control
log-odds a), the posterior is the mixture of the single-component posteriors
(:class:`models.exact.logistic_posterior.LogisticPosterior`), each weighted by its prior
weight times its marginal likelihood of the counts:

    w_k' ∝ w_k Z_k,   Z_k = integral of likelihood(a, b) N(a) N(b; m_k, s_k) da db,

in log space (:attr:`LogisticPosterior.log_evidence`). Every probability is the weighted
sum of the components' (each to ``LOGISTIC_ACCURACY``); quantiles and the effect summary
follow from them as for one component (:class:`~models.exact.logistic_posterior.
EffectProbabilities`).
"""

import functools
from dataclasses import dataclass

import numpy as np
from scipy import special

from models.core.distributions import NormalPrior
from models.core.mixtures import NormalMixture
from models.data.trial import OutcomeCounts
from models.exact.logistic_posterior import EffectProbabilities, LogisticPosterior


@dataclass(frozen=True)
class LogisticMixturePosterior(EffectProbabilities):
    """The posterior of (a, b) for one pair of arm counts, a normal prior on a and a
    normal-mixture prior on b."""

    counts: OutcomeCounts
    intercept: NormalPrior
    log_odds_ratio: NormalMixture

    @functools.cached_property
    def components(self) -> tuple[LogisticPosterior, ...]:
        """The single-component posteriors."""
        return tuple(LogisticPosterior(self.counts, self.intercept, c)
                     for c in self.log_odds_ratio.components)

    @functools.cached_property
    def weights(self) -> tuple[float, ...]:
        """Posterior weights of the components: prior weight x marginal likelihood."""
        log_weights = np.log(np.array(self.log_odds_ratio.weights)) + np.array(
            [c.log_evidence for c in self.components])
        weights = np.exp(log_weights - special.logsumexp(log_weights))
        return tuple(float(w) for w in weights / weights.sum())

    def _weighted(self, probability: str, *arguments: float) -> float:
        return float(sum(w * getattr(c, probability)(*arguments)
                         for w, c in zip(self.weights, self.components, strict=True)))

    def p_benefit(self) -> float:
        return self._weighted("p_benefit")

    def p_benefit_greater(self, d: float) -> float:
        return self._weighted("p_benefit_greater", d)

    def p_ard_greater(self, d: float) -> float:
        return self._weighted("p_ard_greater", d)

    def p_rr_greater(self, r: float) -> float:
        return self._weighted("p_rr_greater", r)

    def p_or_greater(self, r: float) -> float:
        return self._weighted("p_or_greater", r)
