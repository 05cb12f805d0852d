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
Conditioning on one arm (the *outer* arm: the one with the smaller variance, so that the
other arm's CDF varies slowly across it) turns every quantity into a one-dimensional
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
back by ``betaincinv``), and if that fails too, :class:`~models.exact.errors.NumericalError`
is raised. Both arms crowded below 1e-308 at the same end (a prior of shape 0.01 with no
events in either arm) cannot be resolved in double precision and raise. scipy's own
adaptive ``integrate.tanhsinh`` gives the same numbers but costs a few milliseconds per call
in bookkeeping, and the quantiles need a few dozen evaluations per fit: the fixed rule keeps
one exact fit within a few ms.

Quantiles are found on the *working scale* (ARD itself; log RR and log OR for the ratios,
where the distributions are closer to symmetric) by Newton's method with the exact density
(``scipy.optimize.newton``, vectorised), started from the normal approximation with the
exact mean and variance on that scale; any quantile where Newton fails (it can step out of
the support in the far tails of skewed arms) is found by Chandrupatla's bracketing method
(``scipy.optimize.elementwise.find_root``) over the whole support instead. Both stop at
``QUANTILE_TOLERANCE``; the stated accuracy is ``QUANTILE_ACCURACY``. A quantile the
bracketing method does not find raises :class:`~models.exact.errors.NumericalError`.
"""

import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special
from scipy.optimize import elementwise

from models.core.distributions import BetaBinomialPrior, BetaPrior
from models.exact import tanh_sinh
from models.exact.errors import NumericalError

Measure = Literal["ard", "rr", "or"]
"""The effect measures: risk difference (proportion), risk ratio, odds ratio."""

MEASURES: tuple[Measure, ...] = get_args(Measure)

Array = NDArray[np.float64]

PROBABILITY_ACCURACY = 1e-10
"""Stated absolute accuracy of every probability (cdf, sf) and, relative to the density's
peak, of every density (the tests measure 1e-11 or better against adaptive quadrature)."""

QUANTILE_ACCURACY = 1e-7
"""Stated accuracy of every quantile on its working scale: absolute for ARD (proportion
units), relative for RR and OR (absolute on log RR, log OR). The root is located to
``QUANTILE_TOLERANCE`` on a CDF accurate to ``PROBABILITY_ACCURACY``."""

QUANTILE_TOLERANCE = 1e-9
"""Absolute tolerance of the root finder on the working scale (ARD, log RR, log OR)."""

SUPPORT_TAIL = 1e-15
"""Probability left out in each tail of the outer arm when its interval is cut."""

NEWTON_ITERATIONS = 30
"""Newton steps allowed before a quantile is handed to the bracketing method."""


def _log_beta_pdf(prior: BetaPrior, x: Array, one_minus_x: Array) -> Array:
    """log Beta density from x and 1 - x given separately (both kept precise)."""
    return (special.xlogy(prior.alpha - 1.0, x) + special.xlogy(prior.beta - 1.0, one_minus_x)
            - special.betaln(prior.alpha, prior.beta))


def _beta_probability(prior: BetaPrior, x: Array, one_minus_x: Array, above: bool) -> Array:
    """P(p > x) (``above``) or P(p < x), from x and 1 - x given separately: I_x(a, b) below
    1/2 and I_(1-x)(b, a) above, so that x next to 1 keeps its precision (one ``betainc``
    call; scipy's ``betaincc`` is many times slower)."""
    upper = x > 0.5
    lower_tail = special.betainc(np.where(upper, prior.beta, prior.alpha),
                                 np.where(upper, prior.alpha, prior.beta),
                                 np.where(upper, one_minus_x, x))  # of p, or of 1 - p
    below = np.where(upper, 1.0 - lower_tail, lower_tail)
    return np.where(upper, lower_tail, 1.0 - lower_tail) if above else below


def _variance(prior: BetaPrior) -> float:
    a, b = prior.alpha, prior.beta
    return a * b / ((a + b) ** 2 * (a + b + 1.0))


def _central_support(arm: BetaPrior) -> tuple[float, float]:
    """The arm's central interval leaving ``SUPPORT_TAIL`` out on each side."""
    return (float(special.betaincinv(arm.alpha, arm.beta, SUPPORT_TAIL)),
            float(special.betainccinv(arm.alpha, arm.beta, SUPPORT_TAIL)))


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

            def integrand(nodes: tanh_sinh.IntervalNodes, points: Array) -> Array:
                inner, one_minus_inner, slope = self._inner(nodes, points)
                return np.exp(_log_beta_pdf(self._inner_arm, inner, one_minus_inner)) * slope

            out[inside] = self._integrate(flat[inside], integrand, relative=True)
        return out.reshape(v.shape)

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
        """The quantile: the value v with P(measure <= v) = probability, elementwise.

        Solved on the working scale (ARD; log RR; log OR) by Newton's method with the exact
        density (``scipy.optimize.newton``, vectorised), started from the normal
        approximation with the exact mean and SD on that scale; a quantile where Newton
        does not converge inside the support is found by Chandrupatla's bracketing method
        (``scipy.optimize.elementwise.find_root``) instead. Both stop at
        ``QUANTILE_TOLERANCE`` on the working scale.
        """
        q = np.asarray(probability, dtype=float)
        if np.any((q <= 0.0) | (q >= 1.0)):
            raise ValueError(f"probabilities must be strictly between 0 and 1, got {q}")
        flat = q.reshape(-1)
        mean, sd = self._working_moments()
        lowest, highest = self._support_bounds()
        guess = np.clip(mean + sd * special.ndtri(flat), lowest, highest)
        # scipy.optimize.newton takes its vectorised path only for two or more starting
        # points, so a single quantile is solved as a pair of identical ones.
        pair = flat.size == 1
        if pair:
            flat, guess = np.repeat(flat, 2), np.repeat(guess, 2)
        # A Newton step that leaves the support meets a zero density; scipy warns, and
        # those quantiles go to the bracketing method below.
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.filterwarnings("ignore", "some derivatives were zero", RuntimeWarning)
            roots, converged, _ = optimize.newton(
                self._cdf_gap, guess, fprime=self._working_pdf, args=(flat,),
                tol=QUANTILE_TOLERANCE, maxiter=NEWTON_ITERATIONS, full_output=True)
        failed = ~converged | ~np.isfinite(roots) | (roots <= lowest) | (roots >= highest)
        if failed.any():
            with np.errstate(all="ignore"):
                result = elementwise.find_root(
                    self._cdf_gap,
                    (np.full(failed.sum(), lowest), np.full(failed.sum(), highest)),
                    args=(flat[failed],),
                    tolerances={"xatol": QUANTILE_TOLERANCE, "xrtol": 0.0, "fatol": 0.0})
            if not np.all(result.success):
                raise NumericalError(f"quantile search did not converge for {self} at "
                                     f"probabilities {flat[failed][~result.success]}")
            roots = np.where(failed, 0.0, roots)
            roots[failed] = result.x
        return self._from_working(roots[:1] if pair else roots).reshape(q.shape)

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

    @property
    def _outer_is_control(self) -> bool:
        """Integrate over the arm with the smaller variance (see the module doc)."""
        return _variance(self.control) <= _variance(self.treatment)

    @property
    def _outer(self) -> BetaPrior:
        return self.control if self._outer_is_control else self.treatment

    @property
    def _inner_arm(self) -> BetaPrior:
        return self.treatment if self._outer_is_control else self.control

    @functools.cached_property
    def _outer_support(self) -> tuple[float, float]:
        return _central_support(self._outer)

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
        above = special.betainc(arm.beta, arm.alpha, 1.0 - end)  # 1 - F(end)
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
                        - special.betainc(arm.beta, arm.alpha, 1.0 - end), 0.0)
        return np.abs(nodes.integrate(density) - mass)

    def _integrate(self, points: Array,
                   integrand: Callable[[tanh_sinh.IntervalNodes, Array], Array],
                   relative: bool) -> Array:
        """Integral over the outer rate u of f_outer(u) g(u) du, one per point, each to
        ``PROBABILITY_ACCURACY`` by its error estimate.

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
        that mass is spread evenly, again refining up to ``MAX_LEVEL``; any left above the
        accuracy (or NaN) raise :class:`NumericalError`.
        """
        result = np.empty(points.shape)
        pending = np.arange(points.size)
        error = np.empty(0)
        for probability_scale in (False, True):
            for level in range(tanh_sinh.MAX_LEVEL + 1):
                at = points[pending]
                with np.errstate(all="ignore"):
                    if probability_scale:
                        nodes = self._probability_scale_nodes(at, level)
                        values = integrand(nodes, at[:, None])
                    else:
                        nodes = self._nodes(at, level)
                        density = np.exp(_log_beta_pdf(self._outer, nodes.x, nodes.one_minus_x))
                        values = integrand(nodes, at[:, None]) * density
                    value, error = nodes.integrate_with_error(values)
                    if not probability_scale:  # the rule must also find the arm's own mass
                        error = np.maximum(error, self._mass_gap(nodes, density))
                result[pending] = value
                scale = np.maximum(1.0, np.abs(value)) if relative else 1.0
                accurate = error <= PROBABILITY_ACCURACY * scale
                pending, error = pending[~accurate], error[~accurate]
                if not pending.size:
                    return result
        raise NumericalError(
            f"quadrature did not reach {PROBABILITY_ACCURACY:g} for {self} at "
            f"{points[pending]} (error estimates {error} with step "
            f"{tanh_sinh.STEP / 2**tanh_sinh.MAX_LEVEL:g})")

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
        """sf (``upper``) or cdf, elementwise: the integral over the region plus the outer
        mass outside it where the event is certain (each side integrated on its own, not
        as 1 minus the other)."""
        v = np.asarray(value, dtype=float)
        flat = v.reshape(-1)
        inside = self._inside_support(flat)
        above_support = flat >= (1.0 if self.measure == "ard" else np.inf)
        out = np.where(above_support != upper, 1.0, 0.0)  # sf 1 below, cdf 1 above
        if inside.any():
            points = flat[inside]

            def integrand(nodes: tanh_sinh.IntervalNodes, values: Array) -> Array:
                inner, one_minus_inner, _ = self._inner(nodes, values)
                # Control outer: "measure > v" is p_t > w; treatment outer: it is p_c < w.
                return _beta_probability(self._inner_arm, inner, one_minus_inner,
                                         above=upper == self._outer_is_control)

            integral = self._integrate(points, integrand, relative=False)
            out[inside] = np.clip(integral + self._certain_mass(points, upper), 0.0, 1.0)
        return out.reshape(v.shape)

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
        above_end = special.betainc(arm.beta, arm.alpha, 1.0 - end)
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

    def _from_working(self, w: Array) -> Array:
        return w if self.measure == "ard" else np.exp(w)

    def _cdf_gap(self, working: Array, probability: Array) -> Array:
        """CDF minus the target probability, at values on the working scale."""
        return self.cdf(self._from_working(working)) - probability

    def _working_pdf(self, working: Array, probability: Array) -> Array:
        """Density on the working scale: pdf(v) for ARD, pdf(e^w) e^w for the ratios; NaN
        (Newton then fails and the bracketing method takes over) where the density cannot
        be computed to its accuracy."""
        value = self._from_working(working)
        try:
            density = self.pdf(value)
        except NumericalError:  # e.g. an unbounded density: Newton gives way to bracketing
            return np.full(np.shape(value), np.nan)
        return density if self.measure == "ard" else density * value

    def _working_moments(self) -> tuple[float, float]:
        """Exact mean and SD of the measure on the working scale (ARD; log RR; log OR)."""
        t, c = self.treatment, self.control
        if self.measure == "ard":
            return t.mean - c.mean, float(np.sqrt(_variance(t) + _variance(c)))
        if self.measure == "rr":  # E log p = psi(a) - psi(a + b), Var = psi'(a) - psi'(a + b)
            mean = (special.digamma(t.alpha) - special.digamma(t.alpha + t.beta)
                    - special.digamma(c.alpha) + special.digamma(c.alpha + c.beta))
            var = (special.polygamma(1, t.alpha) - special.polygamma(1, t.alpha + t.beta)
                   + special.polygamma(1, c.alpha) - special.polygamma(1, c.alpha + c.beta))
            return float(mean), float(np.sqrt(var))
        mean = (special.digamma(t.alpha) - special.digamma(t.beta)
                - special.digamma(c.alpha) + special.digamma(c.beta))
        var = (special.polygamma(1, t.alpha) + special.polygamma(1, t.beta)
               + special.polygamma(1, c.alpha) + special.polygamma(1, c.beta))
        return float(mean), float(np.sqrt(var))

    def _support_bounds(self) -> tuple[float, float]:
        """Working-scale bounds holding all but about 4e-15 of the mass."""
        (t_low, t_high) = _central_support(self.treatment)
        (c_low, c_high) = _central_support(self.control)
        if self.measure == "ard":
            return t_low - c_high, t_high - c_low
        tiny = np.finfo(float).tiny
        if self.measure == "rr":
            log = np.log
            return (float(log(max(t_low, tiny)) - log(c_high)),
                    float(log(t_high) - log(max(c_low, tiny))))

        def logit(p: float) -> float:
            return float(np.log(max(p, tiny)) - np.log(max(1.0 - p, tiny)))

        return logit(t_low) - logit(c_high), logit(t_high) - logit(c_low)
