"""The success rule of a future two-arm trial, judged on its own data alone.

A future trial with ``n_treatment`` and ``n_control`` participants is a *success* when its
own counts, analysed with a flat Beta(1, 1) prior on each arm's rate, give a posterior
probability of benefit above a threshold T (0.975 by default):

    P(p_t > p_c | t of n_t, c of n_c) > T     (more events is better), or
    P(p_t < p_c | t of n_t, c of n_c) > T     (fewer events is better).

The posteriors are Beta(1 + t, 1 + n_t - t) and Beta(1 + c, 1 + n_c - c), whose parameters
are whole numbers, and then P(p_t > p_c) is a beta-binomial distribution function: for a
whole-numbered X ~ Beta(a1, b1), P(X > y) = P(Binomial(a1 + b1 - 1, y) <= a1 - 1), and
averaging over Y ~ Beta(a2, b2) gives

    P(X > Y) = P(W <= a1 - 1),   W ~ BetaBinomial(a1 + b1 - 1, a2, b2)

(the same finite sum as Miller 2015, "Formulas for Bayesian A/B testing"). Here
a1 - 1 = t and a1 + b1 - 1 = n_t + 1, so for each control count c, P(benefit) as the
treatment count t runs over 0..n_t is one beta-binomial CDF, BetaBinomial(n_t + 1, 1 + c,
1 + n_c - c), evaluated at t: the probability mass functions of all (n_t + 1) x (n_c + 1)
outcomes, summed cumulatively over t, give every outcome's P(benefit) exactly, with no
cancellation (all terms are positive). The rule when fewer is better is the same rule on
non-events (n - events) in both arms.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from models.core.direction import Direction
from models.core.errors import InputError

DEFAULT_SUCCESS_THRESHOLD = 0.975
"""T: a future trial succeeds when its own P(benefit) exceeds this (0.975 mirrors a
one-sided 2.5% test, the usual confirmatory standard)."""

MAX_PARTICIPANTS_PER_ARM = 5000
"""Largest arm the enumeration accepts: (n + 1)^2 outcomes, about 25 million at 5,000
(about 10 s and 1 GB on two cores)."""


def parse_number(value: object) -> float:
    """A command-line value as a number, NaN when it is not one (so that every range
    check refuses it)."""
    try:
        return float(str(value).strip())
    except ValueError:
        return float("nan")


def check_arm_size(value: object, field: str) -> int:
    """An arm size as a whole number from 2 to :data:`MAX_PARTICIPANTS_PER_ARM`;
    ``InputError`` naming ``field`` otherwise."""
    text = str(value).strip()
    number = parse_number(value)
    if not np.isfinite(number) or number != int(number):
        raise InputError(field, f"must be a whole number of participants per arm, got {text!r}")
    if not 2 <= number <= MAX_PARTICIPANTS_PER_ARM:
        raise InputError(field, f"must be from 2 to {MAX_PARTICIPANTS_PER_ARM:,} participants "
                         f"per arm, got {int(number)}")
    return int(number)


def check_threshold(value: object, field: str = "--threshold") -> float:
    """A success threshold strictly between 0 and 1; ``InputError`` naming ``field``."""
    number = parse_number(value)
    if not 0.0 < number < 1.0:
        raise InputError(field, f"must be a probability strictly between 0 and 1, got {value!r}")
    return number


def p_treatment_above(n_treatment: int, n_control: int) -> NDArray[np.float64]:
    """P(p_t > p_c) under flat priors for every outcome, exact: a matrix indexed
    [treatment events 0..n_treatment, control events 0..n_control]."""
    from scipy import stats  # here, so that the command line starts without scipy.stats

    treatment = np.arange(n_treatment + 1)[:, None]
    control = np.arange(n_control + 1)[None, :]
    mass = stats.betabinom.pmf(treatment, n_treatment + 1, 1 + control,
                               1 + n_control - control)
    return np.asarray(np.minimum(np.cumsum(mass, axis=0), 1.0), dtype=float)


@dataclass(frozen=True)
class SuccessRule:
    """A future trial's success rule: flat priors, P(benefit) > ``threshold``.

    Attributes
    ----------
    n_treatment, n_control
        Participants per arm of the future trial.
    threshold
        T, on the probability scale (0-1).
    direction
        ``higher`` when more events is better, ``lower`` when fewer is.
    """

    n_treatment: int
    n_control: int
    threshold: float = DEFAULT_SUCCESS_THRESHOLD
    direction: Direction = "higher"

    @classmethod
    def per_arm(cls, n: int, threshold: float = DEFAULT_SUCCESS_THRESHOLD,
                direction: Direction = "higher") -> "SuccessRule":
        """The rule for ``n`` participants in each arm."""
        return cls(n, n, threshold, direction)

    @cached_property
    def p_benefit(self) -> NDArray[np.float64]:
        """The future trial's own P(benefit) for every outcome (flat priors): a matrix
        indexed [treatment events, control events], shape (n_treatment + 1, n_control + 1)."""
        if self.direction == "higher":
            return p_treatment_above(self.n_treatment, self.n_control)
        # Fewer is better: more non-events is better, in both arms.
        return p_treatment_above(self.n_treatment, self.n_control)[::-1, ::-1]

    @cached_property
    def success(self) -> NDArray[np.bool_]:
        """Success of every outcome (P(benefit) > threshold), indexed like
        :attr:`p_benefit`."""
        return np.asarray(self.p_benefit > self.threshold)

    @property
    def critical_counts(self) -> NDArray[np.int64]:
        """For each control count 0..n_control: the fewest treatment events that succeed
        (more is better) or the most (fewer is better); -1 or ``n_treatment + 1`` where no
        treatment count succeeds."""
        success = self.success
        any_success = success.any(axis=0)
        if self.direction == "higher":
            first = np.argmax(success, axis=0)
            return np.where(any_success, first, self.n_treatment + 1)
        last = self.n_treatment - np.argmax(success[::-1, :], axis=0)
        return np.where(any_success, last, -1)

    def p_success(self, treatment_pmf: NDArray[np.float64],
                  control_pmf: NDArray[np.float64]) -> float:
        """P(success) when the future counts are independent with these probability mass
        functions over 0..n (treatment, control): the sum over every outcome of the
        success region."""
        return float(treatment_pmf @ self.success.astype(float) @ control_pmf)
