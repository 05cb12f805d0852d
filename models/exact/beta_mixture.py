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

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special, stats

from models.core.direction import DEFAULT_DIRECTION, Direction
from models.core.distributions import BetaBinomialPrior
from models.core.mixtures import BetaMixture
from models.core.types import EffectSummary, Interval, Probability
from models.data.trial import OutcomeCounts
from models.exact.beta_binomial import INTERVAL_PROBABILITY
from models.exact.beta_contrast import BetaContrast, Measure
from models.exact.errors import NumericalError

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


def predictive_pmf(mixture: BetaMixture, n: int) -> NDArray[np.float64]:
    """The predictive P(k events of n), k = 0..n, for a rate ~ ``mixture``: the weighted
    sum of its components' beta-binomials."""
    k = np.arange(n + 1)
    return np.asarray(sum(w * stats.betabinom.pmf(k, n, c.alpha, c.beta)
                          for w, c in zip(mixture.weights, mixture.components, strict=True)),
                      dtype=float)


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

    def given(self, counts: OutcomeCounts) -> "MixtureArms":
        """The posterior after one outcome's counts in both arms."""
        return self.updated((counts.treatment.events, counts.treatment.n),
                            (counts.control.events, counts.control.n))

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

    def pdf(self, value: float | Sequence[float] | NDArray[np.float64],
            measure: Measure = "ard") -> NDArray[np.float64]:
        """The density of the measure (per unit of it), the weighted sum over pairs."""
        values = np.asarray(value, dtype=float)
        return np.asarray(sum(w * BetaContrast.of(arms, measure).pdf(values)
                              for w, arms in self.pairs()), dtype=float)

    def benefit_probabilities(self, thresholds: Sequence[float] | NDArray[np.float64],
                              direction: Direction = DEFAULT_DIRECTION) -> NDArray[np.float64]:
        """P(benefit of more than d) for each d (proportion units): P(ARD > d) when more
        events is better, P(ARD < -d) when fewer is."""
        if direction == "higher":
            return self.sf(list(thresholds))
        return self.cdf([-d for d in thresholds])

    def ppf(self, probability: float, measure: Measure = "ard") -> float:
        """A quantile of the ARD (proportion units) or of the RR or OR (ratios), by Brent's
        method on the mixture's distribution function (ratios on the log scale, their
        bracket widened until it holds the quantile)."""
        if measure == "ard":
            low, high = MEASURE_BRACKETS["ard"]
            return float(optimize.brentq(lambda x: float(self.cdf(x)) - probability, low, high,
                                         xtol=QUANTILE_TOLERANCE))

        def gap(log_ratio: float) -> float:
            return float(self.cdf(math.exp(log_ratio), measure)) - probability

        low, high = -1.0, 1.0
        for _ in range(60):
            if gap(low) < 0 < gap(high):
                break
            low, high = 2.0 * low if gap(low) >= 0 else low, 2.0 * high if gap(high) <= 0 else high
        else:
            raise NumericalError(f"no {measure} quantile {probability} within the double range")
        return math.exp(optimize.brentq(gap, low, high, xtol=QUANTILE_TOLERANCE))

    def summary(self, thresholds: tuple[float, ...],
                direction: Direction = DEFAULT_DIRECTION) -> EffectSummary:
        """P(benefit), P(benefit of more than d) for each d, and the median and 95%
        interval of the ARD, RR and OR: what :func:`models.exact.beta_binomial.summarise`
        gives for two single Betas."""
        survival = self.benefit_probabilities((0.0, *thresholds), direction)
        tail = (1.0 - INTERVAL_PROBABILITY) / 2.0

        def interval(measure: Measure) -> Interval:
            median, lower, upper = (self.ppf(q, measure) for q in (0.5, tail, 1.0 - tail))
            return Interval(median, lower, upper)

        return EffectSummary(
            method="exact",
            p_benefit=Probability(float(survival[0])),
            p_benefit_greater={d: Probability(float(p))
                               for d, p in zip(thresholds, survival[1:], strict=True)},
            risk_difference=interval("ard"), risk_ratio=interval("rr"),
            odds_ratio=interval("or"))


@dataclass(frozen=True)
class MixtureResult:
    """The exact beta-binomial analysis of one outcome under a Beta-mixture prior per arm
    (a robust prior): prior and posterior mixtures and the posterior's effect summary, what
    :class:`~models.exact.beta_binomial.ExactResult` holds for single Betas."""

    prior: MixtureArms
    posterior: MixtureArms
    summary: EffectSummary
