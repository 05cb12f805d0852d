"""Exact conjugate analysis with Beta-mixture priors per arm (robust and MAP priors).

With a mixture prior sum_k w_k Beta(a_k, b_k) on a rate and x events of n, the posterior
is again a mixture: each component updates to Beta(a_k + x, b_k + n - x) and its weight to

    w_k' ∝ w_k B(a_k + x, b_k + n - x) / B(a_k, b_k),

the prior weight times the component's marginal likelihood of the data (the binomial
coefficient is common to all components and cancels). Weights are computed in log space,
so a component the data contradict gets a tiny weight, never NaN.

The treatment effect of two independent mixture arms is a mixture over every pair of
components (j on treatment, k on control) with weights w_j v_k, each pair a pair of
Betas (:class:`models.exact.beta_contrast.BetaContrast`): probabilities (P(benefit),
P(ARD > d)) are the weighted sums, exact to the pairs' accuracy; quantiles solve the
mixture's distribution function by Brent's method to ``QUANTILE_TOLERANCE``.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special

from models.core.direction import DEFAULT_DIRECTION, Direction
from models.core.distributions import BetaBinomialPrior
from models.core.mixtures import BetaMixture
from models.exact.beta_contrast import BetaContrast, Measure

QUANTILE_TOLERANCE = 1e-9
"""Absolute tolerance of a mixture quantile on its own scale (ARD in proportion units)."""

MEASURE_BRACKETS: dict[str, tuple[float, float]] = {"ard": (-1.0, 1.0)}
"""Where a quantile of each measure lies (the ARD is a difference of two rates)."""


def updated(prior: BetaMixture, events: int, n: int) -> BetaMixture:
    """The conjugate posterior of a mixture after ``events`` of ``n``."""
    log_weights = np.array([
        np.log(w) + special.betaln(c.alpha + events, c.beta + n - events)
        - special.betaln(c.alpha, c.beta)
        for w, c in zip(prior.weights, prior.components, strict=True)])
    weights = np.exp(log_weights - special.logsumexp(log_weights))
    return BetaMixture(tuple(float(w) for w in weights / weights.sum()),
                       tuple(c.updated(events, n) for c in prior.components))


@dataclass(frozen=True)
class MixtureArms:
    """Independent mixture distributions of the treatment and control rates."""

    treatment: BetaMixture
    control: BetaMixture

    @classmethod
    def of(cls, arms: BetaBinomialPrior) -> "MixtureArms":
        """Two single Betas as one-component mixtures."""
        return cls(BetaMixture.single(arms.treatment), BetaMixture.single(arms.control))

    def updated(self, treatment: tuple[int, int], control: tuple[int, int]) -> "MixtureArms":
        """The posterior after (events, n) in each arm."""
        return MixtureArms(updated(self.treatment, *treatment), updated(self.control, *control))

    def pairs(self) -> list[tuple[float, BetaBinomialPrior]]:
        """Every (treatment component, control component) pair with its weight."""
        return [(wt * wc, BetaBinomialPrior(ct, cc))
                for wt, ct in zip(self.treatment.weights, self.treatment.components,
                                  strict=True)
                for wc, cc in zip(self.control.weights, self.control.components, strict=True)]

    def cdf(self, value: float | Sequence[float], measure: Measure = "ard") -> NDArray[np.float64]:
        """P(measure <= value), the weighted sum over component pairs."""
        values = np.asarray(value, dtype=float)
        return np.asarray(sum(w * BetaContrast.of(arms, measure).cdf(values)
                              for w, arms in self.pairs()), dtype=float)

    def sf(self, value: float | Sequence[float], measure: Measure = "ard") -> NDArray[np.float64]:
        """P(measure > value), the weighted sum over component pairs."""
        values = np.asarray(value, dtype=float)
        return np.asarray(sum(w * BetaContrast.of(arms, measure).sf(values)
                              for w, arms in self.pairs()), dtype=float)

    def benefit_probabilities(self, thresholds: Sequence[float],
                              direction: Direction = DEFAULT_DIRECTION) -> NDArray[np.float64]:
        """P(benefit of more than d) for each d (proportion units): P(ARD > d) when more
        events is better, P(ARD < -d) when fewer is."""
        if direction == "higher":
            return self.sf(list(thresholds))
        return self.cdf([-d for d in thresholds])

    def ppf(self, probability: float) -> float:
        """The ARD quantile (proportion units), by Brent's method on the mixture CDF."""
        low, high = MEASURE_BRACKETS["ard"]
        return float(optimize.brentq(lambda x: float(self.cdf(x)) - probability, low, high,
                                     xtol=QUANTILE_TOLERANCE))
