"""Exact (conjugate) beta-binomial analysis of a two-arm binary outcome.

With independent priors p_t ~ Beta(a_t, b_t), p_c ~ Beta(a_c, b_c) and x of n events
per arm, the posteriors are Beta(a + x, b + n - x). Every summary of the treatment effect
is a statement about two independent Beta arms and comes from
:class:`models.exact.beta_contrast.BetaContrast` (probabilities to
``PROBABILITY_ACCURACY``, quantiles to ``QUANTILE_ACCURACY`` on their scale).

Effect measures (treatment vs control):

- ARD  = p_t - p_c, absolute risk difference on the proportion scale (0.10 = 10 points);
- RR   = p_t / p_c, risk ratio;
- OR   = [p_t / (1 - p_t)] / [p_c / (1 - p_c)], odds ratio;
- P(benefit) = P(p_t > p_c) = P(ARD > 0) = P(RR > 1) = P(OR > 1) when more events is
  better, P(p_t < p_c) when fewer is (the outcome's direction).

NNT is reported through ARD thresholds: NNT <= 1/d exactly when ARD >= d, so
P(ARD > 0.05), P(ARD > 0.10), P(ARD > 0.20) are P(NNT < 20), P(NNT < 10), P(NNT < 5).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from models.core.direction import DEFAULT_DIRECTION, Direction
from models.core.distributions import BetaBinomialPrior
from models.core.types import EffectSummary, Interval, Probability
from models.data.trial import OutcomeCounts
from models.exact.beta_contrast import (
    PROBABILITY_ACCURACY,
    QUANTILE_ACCURACY,
    BetaContrast,
    Measure,
)

__all__ = ["ARD_THRESHOLDS", "INTERVAL_PROBABILITY", "PROBABILITY_ACCURACY",
           "QUANTILE_ACCURACY", "ExactResult", "fit_exact", "posterior", "summarise"]

ARD_THRESHOLDS = (0.0, 0.05, 0.10, 0.20)
"""Risk-difference thresholds d (proportion scale) for P(ARD > d); 0.05 = 5 points = NNT 20."""

INTERVAL_PROBABILITY = 0.95
"""Central (equal-tailed) posterior interval reported for every effect measure."""


@dataclass(frozen=True)
class ExactResult:
    """The exact beta-binomial analysis of one outcome under one prior: the conjugate
    posterior of both arms and its effect summary (``method == "exact"``)."""

    prior: BetaBinomialPrior
    posterior: BetaBinomialPrior
    summary: EffectSummary


def posterior(prior: BetaBinomialPrior, counts: OutcomeCounts) -> BetaBinomialPrior:
    """Conjugate posterior of both arms."""
    return BetaBinomialPrior(
        prior.treatment.updated(counts.treatment.events, counts.treatment.n),
        prior.control.updated(counts.control.events, counts.control.n),
    )


def p_benefit(prior: BetaBinomialPrior, counts: OutcomeCounts) -> float:
    """Exact posterior P(benefit) alone (P(p_t > p_c), or P(p_t < p_c) when fewer events
    is better), without the intervals of :func:`fit_exact` (for callers that need only
    this probability, many times)."""
    return float(benefit_probabilities(posterior(prior, counts), (0.0,), counts.direction)[0])


def benefit_probabilities(distribution: BetaBinomialPrior,
                          thresholds: Sequence[float] | np.ndarray,
                          direction: Direction = DEFAULT_DIRECTION) -> np.ndarray:
    """P(benefit of more than d) for each d (proportion units): P(ARD > d) when more
    events is better, P(ARD < -d) when fewer is."""
    ard = BetaContrast.of(distribution, "ard")
    if direction == "higher":
        return np.asarray(ard.sf(np.asarray(thresholds, dtype=float)), dtype=float)
    return np.asarray(ard.cdf(-np.asarray(thresholds, dtype=float)), dtype=float)


def _median_and_interval(arms: BetaBinomialPrior, measure: Measure) -> Interval:
    """Median and central ``INTERVAL_PROBABILITY`` interval of one measure (one ppf call)."""
    tail = (1.0 - INTERVAL_PROBABILITY) / 2.0
    median, lower, upper = BetaContrast.of(arms, measure).ppf([0.5, tail, 1.0 - tail])
    return Interval(float(median), float(lower), float(upper))


def summarise(distribution: BetaBinomialPrior,
              thresholds: tuple[float, ...] = ARD_THRESHOLDS,
              direction: Direction = DEFAULT_DIRECTION) -> EffectSummary:
    """Exact P(benefit), P(benefit of more than d) for each threshold d (proportion units;
    :func:`benefit_probabilities`) and the median and 95% interval of ARD (proportion
    units), RR and OR (ratios).

    Works for any pair of independent Betas, so it summarises priors as well as
    posteriors.
    """
    survival = benefit_probabilities(distribution, (0.0, *thresholds), direction)
    return EffectSummary(
        method="exact",
        p_benefit=Probability(float(survival[0])),
        p_benefit_greater={d: Probability(float(p)) for d, p in zip(thresholds, survival[1:],
                                                                 strict=True)},
        risk_difference=_median_and_interval(distribution, "ard"),
        risk_ratio=_median_and_interval(distribution, "rr"),
        odds_ratio=_median_and_interval(distribution, "or"),
    )


def fit_exact(prior: BetaBinomialPrior, counts: OutcomeCounts,
              thresholds: tuple[float, ...] = ARD_THRESHOLDS) -> ExactResult:
    """The exact conjugate analysis of one outcome under one prior."""
    post = posterior(prior, counts)
    return ExactResult(prior=prior, posterior=post,
                       summary=summarise(post, thresholds, counts.direction))
