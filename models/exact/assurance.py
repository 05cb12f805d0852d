"""Assurance and operating characteristics of a future trial, exact by enumeration.

Both are P(success) of the same rule (:class:`models.exact.success_rule.SuccessRule`:
the future trial's own data, flat priors, P(benefit) > T), summed over all
(n_t + 1) x (n_c + 1) possible outcomes; they differ only in where the future counts come
from:

- **Operating characteristics** (frequentist power and type I error of the Bayesian rule):
  the true rates are fixed, so each arm's count is binomial.
- **Assurance** (probability of success, O'Hagan, Stevens and Campbell 2005): the rates
  are uncertain, as the current analysis says they are, so each arm's count follows the
  beta-binomial posterior predictive of its posterior Beta. Assurance averages power over
  that uncertainty, including the chance that there is no benefit at all; as the future
  trial grows it rises towards, and never beyond, the current posterior P(benefit)
  (:func:`assurance_ceiling`).

Sizes are participants per arm; rates and probabilities are on the 0-1 scale.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from models.core.direction import Direction
from models.core.distributions import BetaBinomialPrior
from models.core.errors import InputError
from models.data.trial import OutcomeCounts
from models.exact.beta_binomial import p_benefit
from models.exact.beta_mixture import MixtureArms
from models.exact.beta_mixture import predictive_pmf as mixture_predictive_pmf
from models.exact.success_rule import SuccessRule, parse_number

PLATEAU_STEP = 50
"""Extra participants per arm over which the assurance gain is judged (see
:func:`plateau_n`)."""

PLATEAU_GAIN = 0.01
"""Assurance has stopped rising meaningfully when :data:`PLATEAU_STEP` more participants
per arm add less than this (1 percentage point)."""


def check_rate(value: object, field: str) -> float:
    """A true event rate on the 0-1 scale; ``InputError`` naming ``field`` otherwise."""
    number = parse_number(value)
    if not 0.0 <= number <= 1.0:
        raise InputError(field, f"must be a rate from 0 to 1, got {str(value).strip()!r}")
    return number


def mixture_assurance(rule: SuccessRule, arms: MixtureArms) -> float:
    """P(success) of ``rule`` when each arm's rate follows a Beta mixture (the posterior
    of a robust prior)."""
    return rule.p_success(mixture_predictive_pmf(arms.treatment, rule.n_treatment),
                          mixture_predictive_pmf(arms.control, rule.n_control))


def binomial_pmf(rate: float, n: int) -> NDArray[np.float64]:
    """Binomial P(k events of n), k = 0..n, at a fixed true rate."""
    return np.asarray(stats.binom.pmf(np.arange(n + 1), n, rate), dtype=float)


def assurance(rule: SuccessRule, arms: BetaBinomialPrior) -> float:
    """P(success) of ``rule`` when each arm's rate follows ``arms`` (independent Betas,
    usually the current posterior): the future counts are beta-binomial."""
    return mixture_assurance(rule, MixtureArms.of(arms))


def operating_characteristics(rule: SuccessRule, control_rate: float,
                              treatment_rates: Sequence[float]) -> list[float]:
    """P(success) of ``rule`` at a fixed control rate and each treatment rate, in order:
    power where the treatment is better, type I error where the rates are equal."""
    control = binomial_pmf(control_rate, rule.n_control)
    return [rule.p_success(binomial_pmf(rate, rule.n_treatment), control)
            for rate in treatment_rates]


def assurance_ceiling(prior: BetaBinomialPrior, counts: OutcomeCounts) -> float:
    """The current posterior P(benefit): the limit of assurance as the future trial grows
    (a very large trial succeeds exactly when the treatment is better)."""
    return p_benefit(prior, counts)


@dataclass(frozen=True)
class AssuranceCurve:
    """Assurance against future trial size, for one prior and outcome.

    Attributes
    ----------
    n_per_arm
        Future participants per arm, increasing.
    assurance
        P(success) at each size (0-1).
    ceiling
        The current posterior P(benefit), which assurance approaches from below.
    """

    n_per_arm: tuple[int, ...]
    assurance: tuple[float, ...]
    ceiling: float


def rule_for(n: int, threshold: float, direction: Direction,
             rules: dict[tuple[int, float, str], SuccessRule] | None = None) -> SuccessRule:
    """The per-arm rule for ``n``, from ``rules`` when it is there (the rule does not depend
    on the prior, so curves for several priors share it)."""
    if rules is None:
        return SuccessRule.per_arm(n, threshold, direction)
    key = (n, threshold, direction)
    if key not in rules:
        rules[key] = SuccessRule.per_arm(n, threshold, direction)
    return rules[key]


def assurance_curve(prior: BetaBinomialPrior | MixtureArms, counts: OutcomeCounts,
                    sizes: Sequence[int], threshold: float,
                    rules: dict[tuple[int, float, str], SuccessRule] | None = None
                    ) -> AssuranceCurve:
    """Assurance of a future trial of each size (per arm), from the posterior of ``prior``
    (single Betas, or a robust prior's Beta mixtures) given ``counts``; ``rules`` shares
    the success rules between calls."""
    mixture = MixtureArms.of(prior) if isinstance(prior, BetaBinomialPrior) else prior
    arms = mixture.given(counts)
    values = tuple(mixture_assurance(rule_for(n, threshold, counts.direction, rules), arms)
                   for n in sizes)
    ceiling = (assurance_ceiling(prior, counts) if isinstance(prior, BetaBinomialPrior)
               else float(arms.benefit_probabilities((0.0,), counts.direction)[0]))
    return AssuranceCurve(tuple(sizes), values, ceiling)


def plateau_n(sizes: Sequence[int], values: Sequence[float], step: int = PLATEAU_STEP,
              gain: float = PLATEAU_GAIN) -> int | None:
    """The smallest size n (participants per arm) whose value grows by less than ``gain``
    from n to n + ``step``, both in ``sizes``; ``None`` when every such n still gains more."""
    value_at = dict(zip(sizes, values, strict=True))
    for n in sizes:
        if n + step in value_at and value_at[n + step] - value_at[n] < gain:
            return n
    return None
