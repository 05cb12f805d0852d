"""The aggregate logistic model on two-arm counts, answered by deterministic integration.

Model: control events ~ Binomial(n_c, expit(a)), treatment events ~ Binomial(n_t,
expit(a + b)), with independent normal priors a ~ N(mu_a, s_a) (the control arm's log-odds)
and b ~ N(m, s) (the log odds ratio, treatment vs control). This is the primary model of the
report: the prior sits on the contrast (log OR) with a weak baseline, as in Spiegelhalter's
construction and published Bayesian reanalyses of trials.

Every statement about the effect is a posterior probability of an event "b > h(a)": benefit
is b > 0; ARD > d is b > logit(expit(a) + d) - a (impossible where expit(a) + d >= 1,
certain where expit(a) + d <= 0); RR > r is b > logit(r expit(a)) - a (impossible where
r expit(a) >= 1); OR > r is b > log r. So one routine, :meth:`LogisticPosterior.
probability_above`, integrates

    P(b > h(a)) = [integral da of integral over b > h(a) of post(a, b) db] / Z

with the inner integral over b on the conditional posterior's range for each outer node a.
Both integrals use Gauss-Legendre rules (``numpy.polynomial.legendre.leggauss``: the
integrands are smooth, log-concave and, after the cut at h(a), have no end-point
singularity, so the rule converges faster than exponentially) on ranges found from the
conditional (inner) and marginal (outer) modes and curvatures, widened until the log
integrand at both ends is ``TAIL_LOG_DROP`` below its peak. The number of nodes is doubled
(``FIRST_NODES``, then twice as many, up to ``MAX_LEVEL`` doublings) until two successive
rules agree to ``LOGISTIC_ACCURACY`` / 10, else :class:`~models.exact.errors.NumericalError`.
Quantiles (median and 95% interval of the ARD, RR and OR) are roots of these probabilities
(``scipy.optimize.brentq``).

Medians and intervals are stated to ``QUANTILE_TOLERANCE`` on the working scale (ARD;
log RR; log OR). The tests compare against an independent adaptive two-dimensional
integration (``scipy.integrate.dblquad``).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special

from models.core.distributions import NormalPrior
from models.core.types import EffectSummary, Interval, Probability
from models.data.trial import OutcomeCounts
from models.exact import tanh_sinh
from models.exact.beta_binomial import INTERVAL_PROBABILITY
from models.exact.errors import NumericalError
from models.exact.linear_predictor import linear_predictor
from models.exact.logistic_counts import binomial_loglik, likelihood_moments, log_or_likelihood

Array = NDArray[np.float64]

LOGISTIC_ACCURACY = 1e-6
"""Stated absolute accuracy of every probability of the exact logistic model (the rule is
refined until its error estimate is ten times smaller)."""

QUANTILE_TOLERANCE = 1e-8
"""Absolute tolerance of the logistic model's medians and interval ends on the working
scale (ARD in proportion units; log RR; log OR)."""

TAIL_LOG_DROP = 45.0
"""An integration range ends where the log integrand has fallen this far below its peak
(e^-45 is about 3e-20 of the peak)."""

FIRST_NODES = 24
"""Gauss-Legendre nodes per dimension of the first rule; each further level doubles them."""

MAX_LEVEL = 5
"""Doublings allowed before a probability that has not settled raises (768 nodes)."""


@functools.cache
def _unit_rule(level: int) -> tuple[Array, Array]:
    """Gauss-Legendre nodes and weights on (0, 1) with ``FIRST_NODES * 2**level`` nodes."""
    x, w = np.polynomial.legendre.leggauss(FIRST_NODES * 2**level)
    return (x + 1.0) / 2.0, w / 2.0


def _rule(low: Array, high: Array, level: int) -> tuple[Array, Array]:
    """Nodes and weights (rows x nodes) of the rule on each row's [low, high] (weights 0 for
    an empty interval)."""
    x, w = _unit_rule(level)
    length = np.maximum(high - low, 0.0)[:, None]
    return low[:, None] + length * x[None, :], length * w[None, :]

NEWTON_STEPS = 60
"""Newton steps for the conditional modes of b (the conditional is log-concave)."""


class EffectProbabilities:
    """Quantiles and the effect summary of a posterior that answers P(ARD > d), P(RR > r),
    P(OR > r), P(benefit) and P(benefit of more than d): shared by the logistic posterior
    with one normal log-OR prior and with a mixture of them
    (:mod:`models.exact.logistic_mixture`)."""

    def p_benefit(self) -> float:
        raise NotImplementedError

    def p_benefit_greater(self, d: float) -> float:
        raise NotImplementedError

    def p_ard_greater(self, d: float) -> float:
        raise NotImplementedError

    def p_rr_greater(self, r: float) -> float:
        raise NotImplementedError

    def p_or_greater(self, r: float) -> float:
        raise NotImplementedError

    def _quantile(self, above: Callable[[float], float], probability: float,
                  low: float, high: float) -> float:
        """The working-scale value x with P(measure > x) = 1 - probability (brentq)."""
        def gap(x: float) -> float:
            return (1.0 - above(x)) - probability

        while gap(low) > 0:
            low -= high - low
        while gap(high) < 0:
            high += high - low
        return float(optimize.brentq(gap, low, high, xtol=QUANTILE_TOLERANCE, rtol=1e-15))

    def interval(self, measure: str) -> Interval:
        """Median and central 95% interval of ``"ard"`` (proportion), ``"rr"`` or ``"or"``
        (ratios)."""
        tail = (1.0 - INTERVAL_PROBABILITY) / 2.0
        if measure == "ard":
            values = [self._quantile(self.p_ard_greater, q, -0.999999, 0.999999)
                      for q in (0.5, tail, 1.0 - tail)]
            return Interval(*values)
        above = ((lambda x: self.p_rr_greater(float(np.exp(x)))) if measure == "rr"
                 else (lambda x: self.p_or_greater(float(np.exp(x)))))
        values = [float(np.exp(self._quantile(above, q, -3.0, 3.0)))
                  for q in (0.5, tail, 1.0 - tail)]
        return Interval(*values)

    def summary(self, thresholds: tuple[float, ...]) -> EffectSummary:
        """The effect summary every analysis reports, every probability exact (no MCSE)."""
        benefit = Probability(self.p_benefit())  # benefit > 0 is the same event as it
        return EffectSummary(                       # for the log OR
            method="exact",
            p_benefit=benefit,
            p_benefit_greater={d: benefit if d == 0 else Probability(self.p_benefit_greater(d))
                               for d in thresholds},
            risk_difference=self.interval("ard"),
            risk_ratio=self.interval("rr"),
            odds_ratio=self.interval("or"),
        )



@dataclass(frozen=True)
class LogisticPosterior(EffectProbabilities):
    """The posterior of (a, b) for one pair of arm counts and normal priors.

    ``intercept`` is the prior of a (log-odds on control), ``log_odds_ratio`` that of b.
    """

    counts: OutcomeCounts
    intercept: NormalPrior
    log_odds_ratio: NormalPrior

    # ------------------------------------------------------------------ log density

    def _log_conditional_b(self, a: Array, b: Array) -> Array:
        """log post(a, b) up to a constant, as a function of b (terms in b only plus the
        a-terms; broadcasts)."""
        t, c = self.counts.treatment, self.counts.control
        m, s = self.log_odds_ratio.mean, self.log_odds_ratio.sd
        mu, sa = self.intercept.mean, self.intercept.sd
        coefficients = {"intercept": a, "treatment": b}
        treated = np.asarray(linear_predictor(coefficients, 1.0))
        control = np.asarray(linear_predictor(coefficients, 0.0))
        return (binomial_loglik(t.events, t.n, treated) + binomial_loglik(c.events, c.n, control)
                - 0.5 * ((b - m) / s) ** 2 - 0.5 * ((a - mu) / sa) ** 2)

    def _conditional_mode(self, a: Array) -> tuple[Array, Array]:
        """Mode of b given a and the conditional SD from the curvature there (Newton)."""
        t = self.counts.treatment
        m, s = self.log_odds_ratio.mean, self.log_odds_ratio.sd
        b = np.full_like(a, m)
        for _ in range(NEWTON_STEPS):
            p = special.expit(a + b)
            gradient = t.events - t.n * p - (b - m) / s**2
            curvature = t.n * p * (1.0 - p) + 1.0 / s**2
            step = np.clip(gradient / curvature, -2.0, 2.0)
            b = b + step
            if np.all(np.abs(step) < 1e-12):
                break
        p = special.expit(a + b)
        return b, 1.0 / np.sqrt(t.n * p * (1.0 - p) + 1.0 / s**2)

    # ------------------------------------------------------------------ ranges

    def _inner_range(self, a: Array) -> tuple[Array, Array, Array]:
        """Per outer node a: a b-range holding all but e^-45 of the conditional mass, and
        the log density at the conditional mode (the row's peak)."""
        mode, sd = self._conditional_mode(a)
        peak = self._log_conditional_b(a, mode)
        low, high = mode - 12.0 * sd, mode + 12.0 * sd
        for _ in range(40):
            short_low = self._log_conditional_b(a, low) > peak - TAIL_LOG_DROP
            short_high = self._log_conditional_b(a, high) > peak - TAIL_LOG_DROP
            if not (short_low.any() or short_high.any()):
                return low, high, peak
            low = np.where(short_low, low - (mode - low), low)
            high = np.where(short_high, high + (high - mode), high)
        raise NumericalError(f"the conditional posterior of the log OR for {self.counts.name}"
                             " has no finite range (check the priors' SDs)")

    def _inner_mass(self, a: Array, low: Array, high: Array, level: int,
                    shift: float | Array) -> Array:
        """Per outer node a: the integral of post(a, b) e^-shift over b in [low, high]
        (the rule of this level; ``shift`` keeps the exponentials in range)."""
        b, weights = _rule(low, high, level)
        return np.sum(weights * np.exp(self._log_conditional_b(a[:, None], b) - shift),
                      axis=1)

    def _log_marginal_a(self, a: Array, level: int) -> Array:
        """log of the integral over all b of post(a, b), per a (unnormalised)."""
        low, high, peak = self._inner_range(a)
        return np.log(self._inner_mass(a, low, high, level, peak[:, None])) + peak

    @functools.cached_property
    def _outer_range(self) -> tuple[float, float]:
        """An a-range holding all but e^-60 of the marginal posterior of a."""
        mu, sa = self.intercept.mean, self.intercept.sd
        c = self.counts.control
        rate = (c.events + 0.5) / (c.n + 1.0)
        centre = float(np.log(rate / (1.0 - rate)))
        if not mu - 12 * sa < centre < mu + 12 * sa:
            centre = mu
        grid = centre + np.linspace(-1.0, 1.0, 401) * min(12 * sa, 20.0)
        for _ in range(40):
            log_values = self._log_marginal_a(grid, level=0)
            peak = int(np.argmax(log_values))
            centre = float(grid[peak])
            low_short = log_values[0] > log_values[peak] - TAIL_LOG_DROP
            high_short = log_values[-1] > log_values[peak] - TAIL_LOG_DROP
            if not (low_short or high_short):
                inside = np.flatnonzero(log_values > log_values[peak] - TAIL_LOG_DROP)
                step = grid[1] - grid[0]
                return float(grid[inside[0]] - step), float(grid[inside[-1]] + step)
            width = grid[-1] - grid[0]
            grid = np.linspace(grid[0] - (width if low_short else 0.0),
                               grid[-1] + (width if high_short else 0.0), 401)
        raise NumericalError(f"the marginal posterior of the control log-odds for "
                             f"{self.counts.name} has no finite range")

    # ------------------------------------------------------------------ probabilities

    @functools.cache  # noqa: B019 (frozen, hashable; one grid per posterior and level)
    def _grid(self, level: int) -> tuple[Array, Array, Array, Array, Array, float]:
        """The outer rule's nodes and weights on the a-range and, per outer node, the
        b-range, the conditional mass over it (scaled by e^-shift) and the shift: what every
        probability at this level shares."""
        low, high = self._outer_range
        a, outer_weights = (v[0] for v in _rule(np.array([low]), np.array([high]), level))
        b_low, b_high, peaks = self._inner_range(a)
        shift = float(np.max(peaks))  # the joint peak
        inner_total = self._inner_mass(a, b_low, b_high, level, shift)
        return a, outer_weights, b_low, b_high, inner_total, shift

    def _probability_at_level(self, threshold: Callable[[Array], Array], level: int,
                              breaks: tuple[float, ...]) -> float:
        """P(b > threshold(a)) with rules of this level. Where the event's bound is
        singular in a (``breaks``: it runs to -inf or +inf there, e.g. ARD > -0.1 where the
        control rate reaches 0.1), the outer integral is split there and each piece taken
        by the tanh-sinh rule, which converges despite singular ends; else the shared
        Gauss-Legendre grid is used."""
        a, outer_weights, b_low, b_high, inner_total, shift = self._grid(level)
        z = float(np.sum(outer_weights * inner_total))
        low, high = self._outer_range
        inside = sorted(x for x in breaks if low < x < high)
        if inside:
            edges = np.array([low, *inside, high])
            pieces = tanh_sinh.on_intervals(edges[:-1], edges[1:], level)
            a = pieces.x.ravel()
            outer_weights = pieces.weights.ravel()
            b_low, b_high, _ = self._inner_range(a)
        bound = np.clip(threshold(a), b_low, b_high)
        inner_above = self._inner_mass(a, bound, b_high, level, shift)
        return float(np.sum(outer_weights * inner_above)) / z

    def probability_above(self, threshold: Callable[[Array], Array],
                          breaks: tuple[float, ...] = ()) -> float:
        """P(b > threshold(a) | data): ``threshold`` maps control log-odds a to a log-OR
        bound (-inf: always; +inf: never), singular at the control log-odds ``breaks``.
        Accurate to ``LOGISTIC_ACCURACY``: the nodes are doubled until two successive rules
        agree to a tenth of it."""
        previous = self._probability_at_level(threshold, 0, breaks)
        for level in range(1, MAX_LEVEL + 1):
            probability = self._probability_at_level(threshold, level, breaks)
            if abs(probability - previous) < LOGISTIC_ACCURACY / 10:
                return min(max(probability, 0.0), 1.0)
            previous = probability
        raise NumericalError(f"the logistic posterior probability for {self.counts.name} did "
                             f"not settle to {LOGISTIC_ACCURACY:g} (last change "
                             f"{abs(probability - previous):.2g})")

    @functools.cached_property
    def log_evidence(self) -> float:
        """log of the marginal likelihood of the counts, the integral of likelihood x
        priors over (a, b), up to the binomial coefficients (which depend on the counts
        only): what weighs the components of a mixture prior. The rule is refined as for
        the probabilities, until two levels agree to ``LOGISTIC_ACCURACY`` (relative)."""
        normalising = -np.log(2.0 * np.pi * self.log_odds_ratio.sd * self.intercept.sd)

        def at_level(level: int) -> float:
            _, outer_weights, _, _, inner_total, shift = self._grid(level)
            return float(np.log(np.sum(outer_weights * inner_total)) + shift + normalising)

        previous = at_level(0)
        for level in range(1, MAX_LEVEL + 1):
            value = at_level(level)
            if abs(value - previous) < LOGISTIC_ACCURACY:
                return value
            previous = value
        raise NumericalError(f"the logistic marginal likelihood for {self.counts.name} did "
                             f"not settle to {LOGISTIC_ACCURACY:g}")

    def p_benefit(self) -> float:
        """P(treatment beats control): P(log OR > 0) when more events is better, P(log OR
        < 0) when fewer is (the outcome's ``direction``)."""
        above = self.probability_above(lambda a: np.zeros_like(a))
        return above if self.counts.direction == "higher" else 1.0 - above

    def p_benefit_greater(self, d: float) -> float:
        """P(benefit of more than d): P(ARD > d) when more events is better, P(ARD < -d)
        when fewer is (d in proportion units)."""
        if self.counts.direction == "higher":
            return self.p_ard_greater(d)
        return 1.0 - self.p_ard_greater(-d)

    def p_ard_greater(self, d: float) -> float:
        """P(ARD > d), ARD = expit(a + b) - expit(a) in proportion units."""
        # the bound runs to -inf where expit(a) = -d (d < 0), to +inf where expit(a) = 1 - d
        edge = -d if d < 0 else 1.0 - d
        breaks = (float(special.logit(edge)),) if 0.0 < edge < 1.0 else ()
        return self.probability_above(functools.partial(_ard_threshold, d=d), breaks)

    def p_rr_greater(self, r: float) -> float:
        """P(RR > r), RR = expit(a + b) / expit(a)."""
        # the bound runs to +inf where r expit(a) = 1
        breaks = (float(special.logit(1.0 / r)),) if r > 1.0 else ()
        return self.probability_above(functools.partial(_rr_threshold, r=r), breaks)

    def p_or_greater(self, r: float) -> float:
        """P(OR > r) = P(b > log r)."""
        return self.probability_above(lambda a: np.full_like(a, np.log(r)))

def _ard_threshold(a: Array, d: float) -> Array:
    """The log-OR bound of "ARD > d" given control log-odds a."""
    target = special.expit(a) + d
    with np.errstate(divide="ignore"):
        inside = np.log(np.clip(target, 1e-300, None)) - np.log1p(-np.clip(target, None, 1.0))
    bound = inside - a
    return np.where(target >= 1.0, np.inf, np.where(target <= 0.0, -np.inf, bound))


def _rr_threshold(a: Array, r: float) -> Array:
    """The log-OR bound of "RR > r" given control log-odds a."""
    target = r * special.expit(a)
    with np.errstate(divide="ignore"):
        bound = np.log(target) - np.log1p(-np.clip(target, None, 1.0)) - a
    return np.where(target >= 1.0, np.inf, bound)


@dataclass(frozen=True)
class InterceptPriorEffect:
    """What one log-OR prior gives on one outcome under two intercept priors (own, weak):
    the centre and SD of the counts' likelihood for the log OR with the intercept integrated
    out under each, and the exact P(benefit). It shows how an informative intercept prior
    acts: by sharpening that likelihood, so the log-OR prior shrinks it less."""

    likelihood_own: tuple[float, float]
    likelihood_weak: tuple[float, float]
    p_benefit_own: float
    p_benefit_weak: float

    @property
    def sharper_and_higher(self) -> bool:
        """The own intercept prior narrows the likelihood and raises P(benefit)."""
        return (self.likelihood_own[1] < self.likelihood_weak[1]
                and self.p_benefit_own > self.p_benefit_weak)


def intercept_prior_effect(counts: OutcomeCounts, log_odds_ratio: NormalPrior,
                           own: NormalPrior, weak: NormalPrior) -> InterceptPriorEffect:
    """:class:`InterceptPriorEffect` of ``own`` against ``weak`` intercept priors, with
    the same ``log_odds_ratio`` prior."""
    return InterceptPriorEffect(
        likelihood_own=likelihood_moments(log_or_likelihood(counts, own)),
        likelihood_weak=likelihood_moments(log_or_likelihood(counts, weak)),
        p_benefit_own=LogisticPosterior(counts, own, log_odds_ratio).p_benefit(),
        p_benefit_weak=LogisticPosterior(counts, weak, log_odds_ratio).p_benefit(),
    )
