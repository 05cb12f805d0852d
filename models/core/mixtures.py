"""Mixtures of Beta and of normal distributions, as printable values: robust and
evidence-based priors.

A ``BetaMixture`` is sum_k w_k Beta(alpha_k, beta_k) on a proportion (0-1 scale), with
weights w_k > 0 summing to 1. A robust prior (RBesT's ``robustify``) mixes an informative
Beta with a vague one, so that the data can overrule it when they disagree:
(1 - W) Beta(alpha, beta) + W Beta(1, 1). The conjugate update of a mixture is again a
mixture (:func:`models.exact.beta_mixture.updated`); these classes only hold the values.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from models.core.distributions import BetaPrior, NormalPrior

VAGUE_BETA = BetaPrior(1.0, 1.0)
"""The robust component of a Beta prior when none is given: flat on the rate."""

WEIGHT_TOLERANCE = 1e-9
"""How far the weights of a mixture may sum from 1 (rounding of a weight update)."""


def robust_weights(weight: float) -> tuple[float, float]:
    """(1 - weight, weight): the informative and the vague component's prior weights;
    ``ValueError`` unless 0 < weight < 1."""
    if not 0.0 < weight < 1.0:
        raise ValueError(f"the robust weight must be strictly between 0 and 1, got {weight}")
    return 1.0 - weight, weight


def _check_weights(weights: tuple[float, ...], components: int) -> None:
    """``ValueError`` unless there is one positive weight per component and they sum to 1."""
    if len(weights) != components or not weights:
        raise ValueError("a mixture needs one weight per component, at least one")
    if any(not (w > 0 and math.isfinite(w)) for w in weights):
        raise ValueError(f"mixture weights must be positive, got {weights}")
    if abs(math.fsum(weights) - 1.0) > WEIGHT_TOLERANCE:
        raise ValueError(f"mixture weights must sum to 1, got {math.fsum(weights)}")


@dataclass(frozen=True)
class BetaMixture:
    """sum_k weights[k] Beta(components[k]); weights positive and summing to 1."""

    weights: tuple[float, ...]
    components: tuple[BetaPrior, ...]

    def __post_init__(self) -> None:
        _check_weights(self.weights, len(self.components))

    @classmethod
    def of(cls, pairs: Sequence[tuple[float, BetaPrior]]) -> "BetaMixture":
        """A mixture from (weight, component) pairs, weights rescaled to sum to 1."""
        total = math.fsum(w for w, _ in pairs)
        return cls(tuple(w / total for w, _ in pairs), tuple(c for _, c in pairs))

    @classmethod
    def single(cls, component: BetaPrior) -> "BetaMixture":
        """One Beta as a mixture of one component."""
        return cls((1.0,), (component,))

    @classmethod
    def robust(cls, informative: "BetaPrior | BetaMixture", weight: float,
               vague: BetaPrior = VAGUE_BETA) -> "BetaMixture":
        """(1 - weight) informative + weight vague, 0 < weight < 1; an informative mixture
        keeps its components, their weights scaled by 1 - weight, the vague one last."""
        keep, add = robust_weights(weight)
        if isinstance(informative, BetaPrior):
            return cls((keep, add), (informative, vague))
        return cls((*(keep * w for w in informative.weights), add),
                   (*informative.components, vague))

    def moment_beta(self) -> BetaPrior:
        """The single Beta with this mixture's mean and variance (moment matching): a
        stand-in where one Beta is needed, e.g. a one-line summary."""
        mean, variance = self.mean, self.variance
        size = mean * (1.0 - mean) / variance - 1.0
        return BetaPrior(mean * size, (1.0 - mean) * size)

    @property
    def mean(self) -> float:
        return math.fsum(w * c.mean for w, c in zip(self.weights, self.components, strict=True))

    @property
    def variance(self) -> float:
        """Var = E[Var | k] + Var[E | k]."""
        mean = self.mean
        second = math.fsum(
            w * (c.alpha * c.beta / ((c.alpha + c.beta) ** 2 * (c.alpha + c.beta + 1.0))
                 + c.mean ** 2)
            for w, c in zip(self.weights, self.components, strict=True))
        return second - mean ** 2

    def __str__(self) -> str:
        parts = [f"{w:.3g} x {c}" for w, c in zip(self.weights, self.components, strict=True)]
        return " + ".join(parts)


VAGUE_LOG_ODDS_RATIO = NormalPrior(0.0, 2.5)
"""The robust component of a normal prior on a log odds ratio when none is given:
N(0, 2.5), the reference prior's (95% of its mass on odds ratios from 0.007 to 134)."""


@dataclass(frozen=True)
class NormalMixture:
    """sum_k weights[k] Normal(components[k]) on a log scale (log odds ratio); weights
    positive and summing to 1."""

    weights: tuple[float, ...]
    components: tuple[NormalPrior, ...]

    def __post_init__(self) -> None:
        _check_weights(self.weights, len(self.components))

    @classmethod
    def single(cls, component: NormalPrior) -> "NormalMixture":
        return cls((1.0,), (component,))

    @classmethod
    def robust(cls, informative: NormalPrior, weight: float,
               vague: NormalPrior = VAGUE_LOG_ODDS_RATIO) -> "NormalMixture":
        """(1 - weight) informative + weight vague, 0 < weight < 1."""
        return cls(robust_weights(weight), (informative, vague))

    def __str__(self) -> str:
        return " + ".join(f"{w:.3g} x {c}"
                          for w, c in zip(self.weights, self.components, strict=True))

    def cdf(self, value: float) -> float:
        """P(X <= value), the weighted sum of the components' normal distribution functions."""
        from scipy import stats

        return float(sum(w * stats.norm.cdf(value, c.mean, c.sd)
                         for w, c in zip(self.weights, self.components, strict=True)))

    def sf(self, value: float) -> float:
        """P(X > value)."""
        from scipy import stats

        return float(sum(w * stats.norm.sf(value, c.mean, c.sd)
                         for w, c in zip(self.weights, self.components, strict=True)))

    def ppf(self, probability: float) -> float:
        """The quantile at ``probability`` (0 < probability < 1), by Brent's method between
        the components' own quantiles (the mixture's lies between the smallest and the
        largest of them); absolute tolerance 1e-12 on the log scale."""
        from scipy import optimize, stats

        ends = [float(stats.norm.ppf(probability, c.mean, c.sd)) for c in self.components]
        low, high = min(ends), max(ends)
        if high - low < 1e-12:
            return low
        return float(optimize.brentq(lambda x: self.cdf(x) - probability, low, high,
                                     xtol=1e-12))


@dataclass(frozen=True)
class Robustness:
    """A named prior's ``robust`` block: the weight W of the vague component mixed into
    each of its Beta priors and into its normal prior on the log odds ratio."""

    weight: float
    vague_beta: BetaPrior = VAGUE_BETA
    vague_log_odds_ratio: NormalPrior = VAGUE_LOG_ODDS_RATIO

    def __post_init__(self) -> None:
        robust_weights(self.weight)

    def beta(self, informative: BetaPrior | BetaMixture) -> BetaMixture:
        return BetaMixture.robust(informative, self.weight, self.vague_beta)

    def log_odds_ratio(self, informative: NormalPrior) -> NormalMixture:
        return NormalMixture.robust(informative, self.weight, self.vague_log_odds_ratio)
