"""The distribution of an effect measure of two independent Beta arms: d/p/q in one object.

With p_t ~ Beta(a_t, b_t) (treatment) and p_c ~ Beta(a_c, b_c) (control), independent,
``BetaContrast(treatment, control, measure)`` is the distribution of

- ``"ard"``: ARD = p_t - p_c, the absolute risk difference on the proportion scale
  (0.10 = 10 percentage points), support (-1, 1);
- ``"rr"``:  RR = p_t / p_c, the risk ratio, support (0, inf);
- ``"or"``:  OR = [p_t / (1 - p_t)] / [p_c / (1 - p_c)], the odds ratio, support (0, inf),

with vectorised ``pdf``, ``cdf``, ``sf`` and ``ppf`` (and ``median``, ``interval``) on the
measure's own scale, in the spirit of scipy's frozen distributions and RBesT's
``pmixdiff``/``qmixdiff``. Every statement the project makes about two Beta arms (exact
posterior summaries, prior calibration, implied prior statements, figure curves, the
explorer's reference) comes from this one object.

Method (one numerical method for everything)
--------------------------------------------
Conditioning on one arm (the *outer* arm: the one with the smaller variance on the
measure's working scale, p for ARD, log p for RR, logit p for OR, so that the other arm's
CDF varies slowly across it) turns every quantity into a one-dimensional
integral over that arm's rate u, e.g. with control outer::

    P(ARD > v) = F_c(-v) [v < 0] + integral over u in (max(0, -v), min(1, 1 - v))
                                   of f_c(u) [1 - F_t(u + v)] du
    pdf_ARD(v) = integral of f_c(u) f_t(u + v) du

and likewise for the ratios (the inner argument is r u for RR and r u / (1 - u + r u) for
OR; the pdf carries the derivative of that argument with respect to r). The integration
interval is cut where the inner argument leaves (0, 1), so the integrand is analytic inside
and has its algebraic singularities (Beta densities u^(a-1), CDF kinks (u - v)^a) only at
the interval's ends; it is further cut to the outer arm's central 1 - 2e-15
(``SUPPORT_TAIL``) mass so the rule scales with the arm's spread. On that interval the fixed
tanh-sinh rule of :mod:`models.exact.tanh_sinh` (129 nodes) integrates it: tanh-sinh
converges exponentially for integrands with end-point singularities of any power.
Distances to the interval's ends are carried separately so that ``1 - u`` and the inner
argument keep full relative precision next to 0 and 1.
Each evaluation is one vectorised ``betainc`` (CDF) or Beta-density call on
points x nodes. The tests check the result against adaptive Gauss-Kronrod quadrature
(``scipy.integrate.quad``), against closed forms and against Monte Carlo:
probabilities and densities agree with ``quad`` to 1e-11 or better
(``PROBABILITY_ACCURACY`` states 1e-10). The accuracy is checked at every evaluation, not
assumed: the rule's error estimate ``|I_h - I_2h|`` and the gap between the outer arm's mass
on the interval and the rule's integral of its density must both be within it, else the step
is halved (up to ``tanh_sinh.MAX_LEVEL``); where that is not enough (shape parameters far
below 1 put mass closer to 0 or 1 than any node; shape parameters near 1e5 make the log
density lose digits) the integral is taken over the outer arm's CDF instead (nodes mapped
back by ``betaincinv``); values still above the accuracy are integrated over the other arm
(both arms spread over many orders of magnitude, Beta shapes near 0.05, can defeat one
direction and not the other), and if that fails too,
:class:`~models.exact.errors.NumericalError` is raised. An arm that puts more than about
1e-10 of its mass below 1e-308 (a shape parameter of 0.01 with no events) cannot be resolved
in double precision, and its ratio contrasts raise. scipy's own
adaptive ``integrate.tanhsinh`` gives the same numbers but costs a few milliseconds per call
in bookkeeping, and the quantiles need a few dozen evaluations per fit: the fixed rule keeps
one exact fit within a few ms. Quantiles (``ppf``) are in
:mod:`models.exact.contrast_quantiles`.

"""

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from models.core.distributions import BetaBinomialPrior, BetaPrior
from models.exact import contrast_quantiles, tanh_sinh
from models.exact.accuracy import PROBABILITY_ACCURACY, QUANTILE_ACCURACY
from models.exact.beta_arm import (
    SUPPORT_TAIL,
    beta_probability,
    beta_variance,
    central_support,
    log_beta_pdf,
)
from models.exact.errors import NumericalError

Measure = Literal["ard", "rr", "or"]
"""The effect measures: risk difference (proportion), risk ratio, odds ratio."""

MEASURES: tuple[Measure, ...] = get_args(Measure)

Array = NDArray[np.float64]

__all__ = ["MEASURES", "PROBABILITY_ACCURACY", "QUANTILE_ACCURACY", "SUPPORT_TAIL", "BetaContrast",
           "Measure"]

def _probability_accurate(value: Array, error: Array) -> NDArray[np.bool_]:
    """Whether probabilities' error estimates are within ``PROBABILITY_ACCURACY``."""
    return error <= PROBABILITY_ACCURACY


def _density_accurate(value: Array, error: Array) -> NDArray[np.bool_]:
    """Whether densities' error estimates are within ``PROBABILITY_ACCURACY`` relative to
    max(1, density)."""
    return error <= PROBABILITY_ACCURACY * np.maximum(1.0, np.abs(value))


def _inaccurate(contrast: "BetaContrast", values: Array, errors: Array) -> str:
    return (f"quadrature did not reach {PROBABILITY_ACCURACY:g} for {contrast} at "
            f"{values} (error estimates {errors} over either arm, with step down to "
            f"{tanh_sinh.STEP / 2**tanh_sinh.MAX_LEVEL:g})")


def _working_variance(prior: BetaPrior, measure: Measure) -> float:
    """Variance of the arm's rate on the measure's working scale: p (ARD), log p (RR:
    psi'(a) - psi'(a + b)) or logit p (OR: psi'(a) + psi'(b))."""
    a, b = prior.alpha, prior.beta
    if measure == "ard":
        return beta_variance(prior)
    if measure == "rr":
        return float(special.polygamma(1, a) - special.polygamma(1, a + b))
    return float(special.polygamma(1, a) + special.polygamma(1, b))


@dataclass(frozen=True)
class BetaContrast:
    """The distribution of ARD, RR or OR for independent Beta arms (see the module doc).

    Parameters
    ----------
    treatment, control
        Beta distributions of each arm's rate (priors or posteriors).
    measure
        ``"ard"`` (p_t - p_c, proportion units), ``"rr"`` (p_t / p_c) or ``"or"`` (odds
        ratio). Values passed to and returned by ``pdf``/``cdf``/``sf``/``ppf`` are on this
        scale: proportions for ARD, ratios (not logs) for RR and OR.
    """

    treatment: BetaPrior
    control: BetaPrior
    measure: Measure = "ard"
    outer: Literal["smaller", "treatment", "control"] = dataclasses.field(
        default="smaller", repr=False, compare=False)
    """The arm integrated over (see the module doc): by default the one with the smaller
    variance on the working scale; where that cannot reach the stated accuracy, the other
    arm is tried (:meth:`_with_other_outer`)."""

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"measure must be one of {', '.join(MEASURES)}, "
                             f"got {self.measure!r}")
        for arm in (self.treatment, self.control):
            if not (arm.alpha > 0 and arm.beta > 0):
                raise ValueError(f"Beta parameters must be > 0, got {arm}")

    @classmethod
    def of(cls, arms: BetaBinomialPrior, measure: Measure = "ard") -> "BetaContrast":
        """The contrast of a pair of arms (a prior or a posterior)."""
        return cls(arms.treatment, arms.control, measure)

    # ------------------------------------------------------------------ public d/p/q

    def sf(self, value: ArrayLike) -> Array:
        """P(measure > value), elementwise (ARD in proportion units; RR, OR as ratios)."""
        return self._probability(value, upper=True)

    def cdf(self, value: ArrayLike) -> Array:
        """P(measure <= value), elementwise (the distribution is continuous)."""
        return self._probability(value, upper=False)

    def pdf(self, value: ArrayLike) -> Array:
        """Density of the measure at ``value`` on its own scale (per proportion unit for ARD;
        per unit of ratio for RR and OR), elementwise; 0 outside the support.

        At ARD = 0 the density has a closed form, ``_ard_density_at_zero``, which is
        infinite when both arms' densities are unbounded at the same end (e.g. Jeffreys'
        Beta(0.5, 0.5) in both arms)."""
        v = np.asarray(value, dtype=float)
        flat = v.reshape(-1)
        out = np.zeros(flat.shape)
        inside = self._inside_support(flat)
        if self.measure == "ard":
            zero = flat == 0.0
            out[zero] = self._ard_density_at_zero()
            inside &= ~zero
        if inside.any():
            points = flat[inside]
            density, error = self._keep_better(
                self._density_with_error(points),
                lambda redo: self._with_other_outer()._density_with_error(points[redo]),
                _density_accurate)
            failed = ~_density_accurate(density, error)
            if failed.any():
                raise NumericalError(_inaccurate(self, points[failed], error[failed]))
            out[inside] = density
        return out.reshape(v.shape)

    def _density_with_error(self, points: Array) -> tuple[Array, Array]:
        """The density at points inside the support and its error estimate, integrated
        over this contrast's outer arm."""

        def integrand(nodes: tanh_sinh.IntervalNodes, values: Array) -> Array:
            inner, one_minus_inner, slope = self._inner(nodes, values)
            density = np.exp(log_beta_pdf(self._inner_arm, inner, one_minus_inner))
            # A zero slope is a node that underflowed onto u = 0 or 1, where the ratio
            # densities' integrand vanishes like u^a (a > 0) even if the density is
            # unbounded there: its limit is 0, not 0 x inf.
            return np.where(slope == 0.0, 0.0, density * slope)

        return self._integrate_with_error(points, integrand, relative=True)

    def _ard_density_at_zero(self) -> float:
        """pdf_ARD(0) = integral of f_t(u) f_c(u) du = B(a_t + a_c - 1, b_t + b_c - 1) /
        (B(a_t, b_t) B(a_c, b_c)); infinite when a_t + a_c <= 1 or b_t + b_c <= 1."""
        t, c = self.treatment, self.control
        a, b = t.alpha + c.alpha - 1.0, t.beta + c.beta - 1.0
        if a <= 0.0 or b <= 0.0:
            return float(np.inf)
        return float(np.exp(special.betaln(a, b) - special.betaln(t.alpha, t.beta)
                            - special.betaln(c.alpha, c.beta)))

    def ppf(self, probability: ArrayLike) -> Array:
        """The quantile: the value v with P(measure <= v) = probability, elementwise (see
        :func:`models.exact.contrast_quantiles.quantiles`)."""
        return contrast_quantiles.quantiles(self, probability)

    def median(self) -> float:
        """The median on the measure's scale."""
        return float(self.ppf(0.5))

    def interval(self, probability: float) -> tuple[float, float]:
        """The central (equal-tailed) interval holding ``probability`` of the mass."""
        tail = (1.0 - probability) / 2.0
        lower, upper = self.ppf([tail, 1.0 - tail])
        return float(lower), float(upper)

    def __str__(self) -> str:
        return f"BetaContrast({self.measure}: treatment {self.treatment}, " \
               f"control {self.control})"

    # ------------------------------------------------------------------ the outer arm

    @functools.cached_property
    def _outer_is_control(self) -> bool:
        """Integrate over the arm with the smaller variance on the measure's working scale
        (see the module doc), unless ``outer`` names one: for the ratios it is the spread
        on the log scale that decides how sharply the other arm's CDF turns across the
        outer arm's mass."""
        if self.outer != "smaller":
            return self.outer == "control"
        return (_working_variance(self.control, self.measure)
                <= _working_variance(self.treatment, self.measure))

    def _with_other_outer(self) -> "BetaContrast":
        """The same distribution, integrated over the other arm. When both arms are spread
        over many orders of magnitude at the same end (Beta shapes near 0.05), one
        direction can fail to reach the accuracy where the other reaches it easily."""
        return dataclasses.replace(
            self, outer="treatment" if self._outer_is_control else "control")

    @staticmethod
    def _keep_better(first: tuple[Array, Array],
                     retry: Callable[[NDArray[np.bool_]], tuple[Array, Array]],
                     acceptable: Callable[[Array, Array], NDArray[np.bool_]]
                     ) -> tuple[Array, Array]:
        """Values and error estimates, with those not ``acceptable`` recomputed by ``retry``
        (given the mask of them) and replaced where its error estimate is smaller."""
        value, error = first
        redo = ~acceptable(value, error)
        if redo.any():
            value, error = value.copy(), error.copy()
            again, again_error = retry(redo)
            better = again_error < error[redo]
            value[np.flatnonzero(redo)[better]] = again[better]
            error[np.flatnonzero(redo)[better]] = again_error[better]
        return value, error

    @property
    def _outer(self) -> BetaPrior:
        return self.control if self._outer_is_control else self.treatment

    @property
    def _inner_arm(self) -> BetaPrior:
        return self.treatment if self._outer_is_control else self.control

    @functools.cached_property
    def _outer_support(self) -> tuple[float, float]:
        return central_support(self._outer)

    # ------------------------------------------------------------------ integrals

    def _region(self, v: Array) -> tuple[Array, Array]:
        """Outer-rate interval on which the inner argument lies in (0, 1), per value."""
        if self.measure == "or":
            return np.zeros_like(v), np.ones_like(v)
        if self.measure == "ard":
            if self._outer_is_control:
                return np.maximum(0.0, -v), np.minimum(1.0, 1.0 - v)
            return np.maximum(0.0, v), np.minimum(1.0, 1.0 + v)
        # risk ratio r: the inner argument is r u (control outer) or u / r (treatment outer)
        return np.zeros_like(v), np.minimum(1.0, 1.0 / v if self._outer_is_control else v)

    def _nodes(self, v: Array, level: int = 0) -> tanh_sinh.IntervalNodes:
        """The tanh-sinh rule (step ``STEP / 2**level``) on each value's interval, cut to
        the outer arm's support."""
        start, end = self._region(v)
        low, high = self._outer_support
        return tanh_sinh.on_intervals(np.maximum(start, low), np.minimum(end, high), level)

    def _probability_scale_nodes(self, v: Array, level: int) -> tanh_sinh.IntervalNodes:
        """The rule on each value's interval with the outer arm's CDF q = F(u) as variable
        (weights in dq, not du): nodes equally spaced in the rule's sense in q, mapped back
        to u by the inverse regularised incomplete beta function, with u and 1 - u each
        computed from the nearer end of q so both keep their precision."""
        arm = self._outer
        start, end = self._region(v)
        below = special.betainc(arm.alpha, arm.beta, start)  # F(start)
        above = special.betaincc(arm.alpha, arm.beta, end)  # 1 - F(end)
        q_nodes = tanh_sinh.on_intervals(below, 1.0 - above, level)
        q = below[:, None] + q_nodes.from_start
        one_minus_q = above[:, None] + q_nodes.from_end
        lower_half = q <= 0.5
        # I_u(a, b) = q and, equivalently, I_(1-u)(b, a) = 1 - q
        u = np.where(lower_half, special.betaincinv(arm.alpha, arm.beta, q),
                     special.betainccinv(arm.alpha, arm.beta, one_minus_q))
        one_minus_u = np.where(lower_half, special.betainccinv(arm.beta, arm.alpha, q),
                               special.betaincinv(arm.beta, arm.alpha, one_minus_q))
        start, end = start[:, None], end[:, None]
        return tanh_sinh.IntervalNodes(
            start=start, end=end, from_start=np.maximum(u - start, 0.0),
            from_end=np.maximum(one_minus_u - (1.0 - end), 0.0), weights=q_nodes.weights)

    def _mass_gap(self, nodes: tanh_sinh.IntervalNodes, density: Array) -> Array:
        """Per row: |outer mass on the row's interval - the rule's integral of the outer
        density there|, the mass being F(end) - F(start) from the incomplete beta function
        (each tail from its own side)."""
        arm = self._outer
        start, end = nodes.start[:, 0], nodes.end[:, 0]
        mass = np.where(end > start, 1.0 - special.betainc(arm.alpha, arm.beta, start)
                        - special.betaincc(arm.alpha, arm.beta, end), 0.0)
        return np.abs(nodes.integrate(density) - mass)

    def _unrepresentable_error(self, nodes: tanh_sinh.IntervalNodes, points: Array,
                               integrand: Callable[[tanh_sinh.IntervalNodes, Array], Array]
                               ) -> Array:
        """Per row: a bound on the error from the outer arm's mass within the smallest
        normal double (about 2.2e-308) of 0 or of 1, where u or 1 - u underflows and every
        rule evaluates the integrand at the end instead, so no error estimate can see it.
        That mass times the change of the integrand across it (from the end to 2.2e-308
        away; the integrands are monotone power laws there). A Beta shape of 0.01 with no
        events puts about 1e-3 of its mass there; whether that matters depends on the
        measure and the value (it does for P(ARD > 0), not for a risk ratio at the other
        end)."""
        arm, tiny = self._outer, np.finfo(float).tiny
        start, end = nodes.start, nodes.end  # rows x 1
        one_minus_start, one_minus_end = 1.0 - start, 1.0 - end
        error = np.zeros(start.shape[0])
        ends = (  # (rows, mass there, distances of the two evaluation points from start)
            (start < tiny,
             special.betainc(arm.alpha, arm.beta, np.minimum(end, tiny))
             - special.betainc(arm.alpha, arm.beta, start),
             np.hstack([np.zeros_like(start), np.maximum(tiny - start, 0.0)])),
            (one_minus_end < tiny,
             special.betainc(arm.beta, arm.alpha, np.minimum(one_minus_start, tiny))
             - special.betainc(arm.beta, arm.alpha, one_minus_end),
             np.hstack([end - start, np.maximum(end - start - tiny, 0.0)])),
        )
        for rows, mass, from_start in ends:
            rows = rows[:, 0] & (mass[:, 0] > 0.0)
            if not rows.any():
                continue
            length = (end - start)[rows]
            probe = tanh_sinh.IntervalNodes(
                start=start[rows], end=end[rows], from_start=from_start[rows],
                from_end=np.maximum(length - from_start[rows], 0.0),
                weights=np.ones_like(from_start[rows]))
            values = integrand(probe, points[rows][:, None])
            error[rows] += mass[rows, 0] * np.abs(values[:, 1] - values[:, 0])
        return error

    def _integrate_with_error(self, points: Array,
                              integrand: Callable[[tanh_sinh.IntervalNodes, Array], Array],
                              relative: bool) -> tuple[Array, Array]:
        """Integral over the outer rate u of f_outer(u) g(u) du and its error estimate, one
        per point, refined until the estimate is within ``PROBABILITY_ACCURACY`` or the
        finest rule has been tried.

        ``integrand(nodes, points[:, None])`` gives g at the nodes. The error estimate is
        ``|I_h - I_2h|`` (:mod:`models.exact.tanh_sinh`), absolute for probabilities,
        relative to max(1, |integral|) for densities (``relative``), or the gap between the
        outer arm's mass on the interval and the rule's integral of its density
        (:meth:`_mass_gap`) when larger: the difference of two rules cannot see mass both
        miss, nor a bias of the density itself. Points whose estimate is above the accuracy
        are integrated again with the step halved, up to ``tanh_sinh.MAX_LEVEL``. Points
        still above it (an outer arm with a shape parameter far below 1, e.g. Beta(0.01,
        0.01), puts mass closer to 0 or 1 than any node in u can reach; with shape
        parameters in the tens of thousands the log density loses digits to cancellation)
        are integrated on the outer arm's probability scale, g(F^-1(q)) dq, where
        that mass is spread evenly, again refining up to ``MAX_LEVEL``; there the estimate
        also counts the outer mass closer to 0 or 1 than the smallest double, where every
        rule sees the same underflowed node (:meth:`_unrepresentable_error`). The error
        estimate of any left above the accuracy is returned with it (NaN counts as
        infinite).
        """
        result = np.empty(points.shape)
        errors = np.full(points.shape, np.inf)
        pending = np.arange(points.size)
        for probability_scale in (False, True):
            for level in range(tanh_sinh.MAX_LEVEL + 1):
                at = points[pending]
                with np.errstate(all="ignore"):
                    if probability_scale:
                        nodes = self._probability_scale_nodes(at, level)
                        values = integrand(nodes, at[:, None])
                    else:
                        nodes = self._nodes(at, level)
                        density = np.exp(log_beta_pdf(self._outer, nodes.x, nodes.one_minus_x))
                        values = integrand(nodes, at[:, None]) * density
                    value, error = nodes.integrate_with_error(values)
                    if not probability_scale:  # the rule must also find the arm's own mass
                        error = np.maximum(error, self._mass_gap(nodes, density))
                    else:  # nor can it see what it cannot represent
                        error = np.maximum(
                            error, self._unrepresentable_error(nodes, at, integrand))
                error = np.where(np.isnan(error) | np.isnan(value), np.inf, error)
                better = error < errors[pending]
                result[pending[better]] = value[better]
                errors[pending[better]] = error[better]
                scale = np.maximum(1.0, np.abs(value)) if relative else 1.0
                pending = pending[~(errors[pending] <= PROBABILITY_ACCURACY * scale)]
                if not pending.size:
                    return result, errors
        return result, errors

    def _inner(self, nodes: tanh_sinh.IntervalNodes, v: Array) -> tuple[Array, Array, Array]:
        """The inner arm's argument w and 1 - w at the nodes, and |dw/dv| (for the density).

        Control outer (u = p_c): measure > v exactly when p_t > w, with w = u + v (ARD),
        r u (RR) or r u / (1 - u + r u) (OR). Treatment outer (u = p_t): measure > v exactly
        when p_c < w, with w = u - v, u / r or u / (u + r (1 - u)). Written from the
        distances to the interval's ends so that w and 1 - w keep their precision.
        """
        u, one_minus_u = nodes.x, nodes.one_minus_x
        start, end, from_start, from_end = nodes.start, nodes.end, nodes.from_start, nodes.from_end
        if self.measure == "ard":
            if self._outer_is_control:
                return (start + v) + from_start, ((1.0 - v) - end) + from_end, np.ones_like(u)
            return (start - v) + from_start, ((1.0 + v) - end) + from_end, np.ones_like(u)
        if self.measure == "rr":
            if self._outer_is_control:
                return v * u, v * ((1.0 / v - end) + from_end), u
            return u / v, ((v - end) + from_end) / v, u / v**2
        if self._outer_is_control:
            denominator = one_minus_u + v * u
            return (v * u / denominator, one_minus_u / denominator,
                    u * one_minus_u / denominator**2)
        denominator = u + v * one_minus_u
        return u / denominator, v * one_minus_u / denominator, u * one_minus_u / denominator**2

    def _probability(self, value: ArrayLike, upper: bool) -> Array:
        """sf (``upper``) or cdf, elementwise, to ``PROBABILITY_ACCURACY`` (else
        :class:`NumericalError`)."""
        v = np.asarray(value, dtype=float)
        probability, error = self.probability_with_error(v, upper)
        failed = ~_probability_accurate(probability, error)
        if failed.any():
            raise NumericalError(_inaccurate(self, v[failed], error[failed]))
        return probability

    def probability_with_error(self, value: Array, upper: bool) -> tuple[Array, Array]:
        """sf (``upper``) or cdf and its error estimate, elementwise, without raising (the
        quantile search uses values that miss the accuracy far from the root, for their
        sign only); values the outer arm
        cannot give to ``PROBABILITY_ACCURACY`` are computed over the other arm too, and
        the better kept."""
        flat = np.asarray(value, dtype=float).reshape(-1)
        probability, error = self._keep_better(
            self._one_way_probability(flat, upper),
            lambda redo: self._with_other_outer()._one_way_probability(flat[redo], upper),
            _probability_accurate)
        return probability.reshape(np.shape(value)), error.reshape(np.shape(value))

    def _one_way_probability(self, flat: Array, upper: bool) -> tuple[Array, Array]:
        """sf (``upper``) or cdf and the quadrature's error estimate, per value, over this
        contrast's outer arm: the integral over the region plus the outer mass outside it
        where the event is certain (each side integrated on its own, not as 1 minus the
        other)."""
        inside = self._inside_support(flat)
        above_support = flat >= (1.0 if self.measure == "ard" else np.inf)
        out = np.where(above_support != upper, 1.0, 0.0)  # sf 1 below, cdf 1 above
        error = np.zeros(flat.shape)
        if inside.any():
            points = flat[inside]

            def integrand(nodes: tanh_sinh.IntervalNodes, values: Array) -> Array:
                inner, one_minus_inner, _ = self._inner(nodes, values)
                # Control outer: "measure > v" is p_t > w; treatment outer: it is p_c < w.
                return beta_probability(self._inner_arm, inner, one_minus_inner,
                                         above=upper == self._outer_is_control)

            integral, error[inside] = self._integrate_with_error(points, integrand,
                                                                 relative=False)
            out[inside] = np.clip(integral + self._certain_mass(points, upper), 0.0, 1.0)
        return out, error

    def _certain_mass(self, v: Array, upper: bool) -> Array:
        """Outer mass outside the region, where the event is certain.

        ARD, control outer: u < -v gives p_t > u + v surely (sf side), u > 1 - v gives
        p_t < u + v surely (cdf side). ARD, treatment outer: u > 1 + v gives p_c < u - v
        surely (sf side), u < v gives p_c > u - v surely (cdf side). RR: the region starts
        at 0; above its end the event is sure on the sf side (treatment outer, u > r) or on
        the cdf side (control outer, u > 1 / r). OR: the region is all of (0, 1).
        """
        if self.measure == "or":
            return np.zeros_like(v)
        arm = self._outer
        start, end = self._region(v)
        below_start = special.betainc(arm.alpha, arm.beta, start)
        above_end = special.betaincc(arm.alpha, arm.beta, end)
        sf_side_above = not self._outer_is_control
        if self.measure == "ard":
            if upper:
                return above_end if sf_side_above else below_start
            return below_start if sf_side_above else above_end
        return above_end if upper == sf_side_above else np.zeros_like(v)

    # ------------------------------------------------------------------ quantiles

    def _inside_support(self, v: Array) -> NDArray[np.bool_]:
        if self.measure == "ard":
            return (v > -1.0) & (v < 1.0)
        return (v > 0.0) & (v < np.inf)

