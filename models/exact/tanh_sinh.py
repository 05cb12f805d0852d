"""A fixed tanh-sinh (double exponential) quadrature rule, applied to many intervals at once.

On (0, 1) the nodes are u = (1 + tanh(pi/2 sinh t)) / 2 for t = k h, k = -K..K, with
weights h (pi/4) cosh t / cosh^2(pi/2 sinh t) (Takahasi and Mori, 1974). The nodes crowd
double-exponentially towards both ends, so the rule converges exponentially for integrands
that are analytic inside the interval whatever algebraic singularity (x^a, a > -1) they
have at its ends. Each node's distances to both ends are kept as their own numbers, so
points next to an end keep their full relative precision (1 - u is never formed by
subtraction).

Each integral comes with an error estimate at no extra cost: the nodes of the rule with
step 2h are every other node of the rule with step h, so ``|I_h - I_2h|`` is known from the
same integrand values. It is pessimistic (the error of tanh-sinh roughly squares when h is
halved, so ``I_h`` is usually far better than the estimate), which makes it a safe test:
:mod:`models.exact.beta_contrast` accepts an integral when the estimate is within its stated
accuracy and otherwise repeats it with the step halved (``level`` 1, 2, ... up to
``MAX_LEVEL``), then raises.

Used by :mod:`models.exact.beta_contrast`, whose integrands have exactly that form.
"""

import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

Array = NDArray[np.float64]

STEP = 1.0 / 16.0
"""Step h of the rule in its own variable t."""

RANGE = 4.0
"""Nodes run over t in [-4, 4]: the outermost lie about 6e-38 of the interval's length from
its ends, so integrable end-point singularities lose nothing measurable."""

NODES = 2 * round(RANGE / STEP) + 1
"""Nodes of the rule at level 0 (129); level k has step ``STEP / 2**k`` and
``2**k (NODES - 1) + 1`` nodes."""

MAX_LEVEL = 5
"""Finest level used: step 1/512, 4097 nodes."""


@dataclass(frozen=True)
class _UnitRule:
    """The rule on (0, 1): each node's distance to 0 and to 1, and its weight."""

    from_lower: Array
    from_upper: Array
    weights: Array


@functools.cache
def _unit_rule(level: int = 0) -> _UnitRule:
    """The nodes and weights on (0, 1) with step ``STEP / 2**level``, computed once per
    process and level."""
    step = STEP / 2**level
    half = round(RANGE / step)
    t = step * np.arange(-half, half + 1)
    s = 0.5 * np.pi * np.sinh(t)
    weights = step * 0.25 * np.pi * np.cosh(t) / np.cosh(s) ** 2
    return _UnitRule(special.expit(2.0 * s), special.expit(-2.0 * s), weights)


@dataclass(frozen=True)
class IntervalNodes:
    """The rule on one interval [start, end] of (0, 1) per row (shape: rows x ``NODES``).

    ``from_start`` = x - start and ``from_end`` = end - x are exact distances; ``weights``
    include the interval's length and are zero for an empty interval.
    """

    start: Array
    end: Array
    from_start: Array
    from_end: Array
    weights: Array

    @property
    def x(self) -> Array:
        return self.start + self.from_start

    @property
    def one_minus_x(self) -> Array:
        """1 - x, precise next to 1 (sum of two non-negative terms)."""
        return (1.0 - self.end) + self.from_end

    def integrate(self, values: Array) -> Array:
        """Row sums of weights x values (one integral per interval); nodes of empty
        intervals count as 0 whatever their value."""
        return np.sum(np.where(self.weights > 0.0, self.weights * values, 0.0), axis=1)

    def integrate_with_error(self, values: Array) -> tuple[Array, Array]:
        """Row integrals and their error estimates ``|I_h - I_2h|`` (the rule with twice the
        step uses every other node: the centre node and those an even number of steps away
        from it). A NaN anywhere in a row gives a NaN estimate."""
        terms = np.where(self.weights > 0.0, self.weights * values, 0.0)
        fine = np.sum(terms, axis=1)
        coarse = 2.0 * np.sum(terms[:, ::2], axis=1)
        return fine, np.abs(fine - coarse)


def on_intervals(start: Array, end: Array, level: int = 0) -> IntervalNodes:
    """The rule's nodes on [start_i, end_i] inside [0, 1] for each i (empty when end <= start),
    with step ``STEP / 2**level``."""
    start, end = np.asarray(start, float)[:, None], np.asarray(end, float)[:, None]
    length = np.maximum(end - start, 0.0)
    rule = _unit_rule(level)
    return IntervalNodes(start=start, end=end, from_start=length * rule.from_lower,
                         from_end=length * rule.from_upper, weights=length * rule.weights)
