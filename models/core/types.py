"""Result types shared by every model: one summary type for exact and sampled answers.

Scales: probabilities on 0-1; the risk difference (ARD) in proportion units
(0.10 = 10 percentage points); risk and odds ratios as ratios (not logs).
"""

from dataclasses import dataclass
from typing import Literal

Method = Literal["exact", "mcmc"]
"""How a result was computed: deterministically (exact or numerical integration) or by MCMC."""


@dataclass(frozen=True)
class Interval:
    """Posterior median and central (equal-tailed) 95% interval of one quantity."""

    median: float
    lower: float
    upper: float

    def as_dict(self) -> dict[str, float | list[float]]:
        """The command line's JSON form: ``{"median": m, "ci95": [lower, upper]}``."""
        return {"median": self.median, "ci95": [self.lower, self.upper]}


@dataclass(frozen=True)
class Probability:
    """A posterior probability with its Monte Carlo standard error.

    ``mcse`` is None for a deterministic answer (no Monte Carlo error), and a number for
    an estimate from posterior draws.
    """

    estimate: float
    mcse: float | None = None

    @property
    def exact(self) -> bool:
        return self.mcse is None


@dataclass(frozen=True)
class EffectSummary:
    """What every two-arm analysis reports about the treatment effect.

    Attributes
    ----------
    method
        ``"exact"`` or ``"mcmc"``.
    p_benefit
        P(treatment beats control): P(ARD > 0) when more events is better, P(ARD < 0) when
        fewer is (the outcome's direction, :mod:`models.core.direction`).
    p_benefit_greater
        P(benefit of more than d) keyed by the threshold d in proportion units (0.05 = 5
        points = NNT 20): P(ARD > d), or P(ARD < -d) when fewer events is better.
    risk_difference, risk_ratio, odds_ratio
        Median and 95% equal-tailed interval of ARD (proportion), RR and OR (ratios).
    """

    method: Method
    p_benefit: Probability
    p_benefit_greater: dict[float, Probability]
    risk_difference: Interval
    risk_ratio: Interval
    odds_ratio: Interval
