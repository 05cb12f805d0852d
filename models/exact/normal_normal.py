"""The normal-normal model of a log ratio: a conjugate, closed-form reanalysis of a trial
summarised by one effect estimate.

A trial often publishes only a ratio (odds, risk or hazard ratio) with its 95% confidence
interval. On the log scale its likelihood is taken as normal, with mean the log of the
estimate and standard error (ln upper - ln lower) / (2 x 1.959964). With counts, the log
odds ratio and its Woolf standard error play the same part (0.5 added to every cell when
one is 0, Haldane-Anscombe), which lets a teacher compare this approximation with the exact
count models. With a normal prior N(m, s) on the same log ratio (a named prior's
``logistic.treatment``), the posterior is normal with precision the sum of the two
precisions and mean the precision-weighted average: every probability and quantile is a
closed-form normal one (``scipy.stats.norm``), no integration and no sampling.

Scales: log ratios (natural log); ratios as ratios; probabilities on 0-1. "Benefit" is a
ratio above 1 when more events is better (``direction="higher"``) and below 1 when fewer is
better (``"lower"``, e.g. deaths).
"""

import math
from dataclasses import dataclass

from scipy import special, stats

from models.core.direction import Direction
from models.core.distributions import NormalPrior
from models.core.types import Interval
from models.data.estimate import Measure, PublishedEstimate, validate_estimate
from models.data.trial import OutcomeCounts
from models.exact.beta_binomial import INTERVAL_PROBABILITY

Z_975 = float(stats.norm.ppf(0.975))
"""1.959964...: half-width of a 95% normal interval in standard errors."""

ZERO_CELL_CORRECTION = 0.5
"""Added to every cell of the 2 x 2 table when one cell is 0 (Haldane-Anscombe)."""


@dataclass(frozen=True)
class LogRatioLikelihood:
    """A normal likelihood for a log ratio: ``log_estimate`` and its ``standard_error``
    (both on the natural-log scale) for ``measure``."""

    measure: Measure
    log_estimate: float
    standard_error: float


def from_published(measure: str, value: float, lower: float, upper: float,
                   field: str = "estimate") -> LogRatioLikelihood:
    """The likelihood of a published ratio ``value`` with 95% CI (``lower``, ``upper``):
    mean ln(value), standard error (ln upper - ln lower) / (2 x 1.959964).

    ``InputError`` (naming ``field``) for an unknown measure, a non-positive or non-finite
    number, ``lower >= upper`` or a CI that does not contain the value
    (:func:`models.data.estimate.validate_estimate`).
    """
    return from_estimate(validate_estimate(measure, value, lower, upper, field))


def from_estimate(estimate: PublishedEstimate) -> LogRatioLikelihood:
    """The likelihood of a validated published estimate (see :func:`from_published`)."""
    return LogRatioLikelihood(estimate.measure, math.log(estimate.value),
                              (math.log(estimate.upper) - math.log(estimate.lower))
                              / (2.0 * Z_975))


def from_counts(counts: OutcomeCounts) -> LogRatioLikelihood:
    """The sample log odds ratio (treatment vs control) of two arms' counts and its Woolf
    standard error sqrt(1/a + 1/b + 1/c + 1/d), with ``ZERO_CELL_CORRECTION`` added to
    every cell when one is 0."""
    t, c = counts.treatment, counts.control
    cells = [float(t.events), float(t.n - t.events), float(c.events), float(c.n - c.events)]
    if min(cells) == 0:
        cells = [cell + ZERO_CELL_CORRECTION for cell in cells]
    a, b, c_, d = cells
    return LogRatioLikelihood("odds_ratio", math.log(a * d / (b * c_)),
                              math.sqrt(1 / a + 1 / b + 1 / c_ + 1 / d))


@dataclass(frozen=True)
class NormalPosterior:
    """The normal posterior of a log ratio: ``mean`` and ``sd`` on the log scale."""

    measure: Measure
    mean: float
    sd: float

    def p_benefit(self, direction: Direction = "higher") -> float:
        """P(ratio > 1) for ``"higher"``, P(ratio < 1) for ``"lower"`` (closed form)."""
        above = float(special.ndtr(self.mean / self.sd))  # P(X > 0), X ~ N(mean, sd)
        return above if direction == "higher" else float(special.ndtr(-self.mean / self.sd))

    def effect(self, probability: float = INTERVAL_PROBABILITY) -> Interval:
        """Median and central interval of the ratio (exp of the normal quantiles)."""
        z = float(special.ndtri(1.0 - (1.0 - probability) / 2.0))
        return Interval(math.exp(self.mean), math.exp(self.mean - z * self.sd),
                        math.exp(self.mean + z * self.sd))


def normal_posterior(prior: NormalPrior, likelihood: LogRatioLikelihood) -> NormalPosterior:
    """The conjugate update: precision = 1/s^2 + 1/se^2; mean = precision-weighted average
    of the prior mean and the log estimate."""
    prior_precision = 1.0 / prior.sd**2
    data_precision = 1.0 / likelihood.standard_error**2
    precision = prior_precision + data_precision
    mean = (prior_precision * prior.mean + data_precision * likelihood.log_estimate) / precision
    return NormalPosterior(likelihood.measure, mean, math.sqrt(1.0 / precision))


RELATIVE_THRESHOLDS = (0.10, 0.20)
"""Relative benefits r of P(benefit of at least r) for a ratio: the ratio below 1 - r when
fewer events is better (0.9, 0.8), above 1 / (1 - r) when more is (1.11, 1.25), so that
both directions are the same distance from 1 on the log scale."""


def benefit_ratio(r: float, direction: Direction) -> float:
    """The ratio a relative benefit r means: 1 - r (fewer is better) or 1 / (1 - r)."""
    return 1.0 - r if direction == "lower" else 1.0 / (1.0 - r)


@dataclass(frozen=True)
class NormalFit:
    """The conjugate normal-normal analysis of one outcome given as a published ratio, under
    one prior on its log ratio: likelihood, posterior, P(benefit), P(relative benefit of at
    least r) for r in ``RELATIVE_THRESHOLDS`` and the ratio's median and 95% interval."""

    prior: NormalPrior
    likelihood: LogRatioLikelihood
    posterior: NormalPosterior
    direction: Direction
    p_benefit: float
    p_relative: dict[float, float]
    effect: Interval


def fit_normal(prior: NormalPrior, likelihood: LogRatioLikelihood,
               direction: Direction) -> NormalFit:
    """Every summary of the normal-normal model, in closed form."""
    posterior = normal_posterior(prior, likelihood)
    relative = {}
    for r in RELATIVE_THRESHOLDS:
        z = (math.log(benefit_ratio(r, direction)) - posterior.mean) / posterior.sd
        relative[r] = float(special.ndtr(-z) if direction == "higher" else special.ndtr(z))
    return NormalFit(prior, likelihood, posterior, direction, posterior.p_benefit(direction),
                     relative, posterior.effect())
