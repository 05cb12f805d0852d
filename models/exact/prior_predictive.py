"""Exact prior predictive distribution of a two-arm trial's counts, for either model family.

Before the data are seen, a prior and the arms' sizes n_T, n_C imply a distribution of the
counts (x_T, x_C): what the prior expects the trial to look like. Set beside the observed
counts it is Box's (1980) prior predictive check: a small tail probability such as
P(x_T >= observed x_T) or P(RD >= observed RD) means the observed data would be surprising
under the prior (an informative prior at odds with the data, or a mis-stated one).

Beta-binomial family (independent arms, p ~ Beta(alpha, beta) per arm)::

    P(x_T = j, x_C = i) = BetaBinomial(j; n_T, alpha_T, beta_T)
                          * BetaBinomial(i; n_C, alpha_C, beta_C)

exactly (``scipy.stats.betabinom``), the outer product of the two marginals.

Logistic family (a ~ N(mu_a, s_a), the control log-odds; b ~ N(mu_b, s_b), the log odds
ratio; p_C = expit(a), p_T = expit(a + b)). The arms share a, so they are *not*
independent::

    P(x_T = j, x_C = i) = E_{a, b}[ Bin(i; n_C, expit(a)) * Bin(j; n_T, expit(a + b)) ]

With a = mu_a + s_a z1 and b = mu_b + s_b z2 (z1, z2 independent standard normals), the
expectation is a two-dimensional integral against the standard normal density, computed by
the product trapezoid rule in (z1, z2) on [-``Z_LIMIT``, ``Z_LIMIT``] (the mass left outside,
2 Phi(-9) = 2.3e-19 per axis, is below any stated accuracy since the integrand is at most
1). The step is halved (so the nodes are nested and doubled) until two successive rules
agree to ``PREDICTIVE_ACCURACY`` in every cell; ``NumericalError`` if they do not by
``MAX_NODES`` nodes per axis. The trapezoid rule converges geometrically for such smooth,
rapidly decaying integrands (Trefethen & Weideman 2014); measured here it needs 73 nodes
per axis for the shipped calibrated priors, 289 for N(0, 2.5) and 1153 for N(0, 10),
where Gauss-Hermite needs 1024 nodes for N(0, 2.5) (beyond what
``numpy.polynomial.hermite_e.hermegauss`` can generate, ~500) and has not settled at 4096
for N(0, 10).

Scales: probabilities on 0-1; the risk difference RD = x_T/n_T - x_C/n_C in proportion
units (0.10 = 10 percentage points); events as counts.

References: Box GEP (1980) Sampling and Bayes' inference in scientific modelling and
robustness. J R Stat Soc A 143:383-430. Trefethen LN, Weideman JAC (2014) The exponentially
convergent trapezoidal rule. SIAM Review 56:385-458.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

from models.core.direction import DEFAULT_DIRECTION, Direction
from models.core.distributions import BetaBinomialPrior, NormalPrior
from models.core.types import Interval
from models.data.trial import OutcomeCounts
from models.exact.errors import NumericalError
from models.exact.logistic_counts import binomial_loglik

__all__ = ["MAX_NODES", "PREDICTIVE_ACCURACY", "SUM_TOLERANCE", "TIE_TOLERANCE", "Z_LIMIT",
           "Arm", "PriorPredictive", "beta_binomial_prior_predictive",
           "logistic_prior_predictive", "mixture_prior_predictive"]

TIE_TOLERANCE = 1e-9
"""Relative difference below which two prior predictive probabilities count as equal in
Box's p-value (a flat prior's are all equal up to rounding)."""

Array = NDArray[np.float64]
Arm = Literal["treatment", "control"]

PREDICTIVE_ACCURACY = 1e-10
"""Two successive trapezoid rules must agree to this (absolute) in every cell of the pmf."""

SUM_TOLERANCE = 1e-9
"""A joint pmf must sum to 1 within this, or ``NumericalError``."""

Z_LIMIT = 9.0
"""Each standard-normal axis is integrated over [-9, 9] (mass outside: 2.3e-19)."""

FIRST_STEP = 0.5
"""Step of the first trapezoid rule (on the standard-normal scale): 37 nodes per axis."""

MAX_NODES = 4609
"""Most nodes per axis (step 1/256): beyond it the logistic pmf raises ``NumericalError``.
Reached only by priors wider than about N(0, 30) on the log-odds scale."""

CDF_SLACK = 1e-12
"""A discrete CDF within this of a target probability counts as reaching it (so that a
CDF of exactly 0.5, computed as 0.49999999999999994, gives the textbook median)."""


def _check_probability(probability: float) -> None:
    if not 0.0 < probability < 1.0:
        raise ValueError(f"probability must be strictly between 0 and 1, got {probability}")


def _discrete_quantile(cdf: Array, q: float) -> int:
    """Index of the smallest support point whose CDF reaches ``q`` (within ``CDF_SLACK``)."""
    return min(int(np.searchsorted(cdf, q - CDF_SLACK, side="left")), len(cdf) - 1)


@dataclass(frozen=True, eq=False)
class PriorPredictive:
    """The prior predictive distribution of one two-arm outcome's counts.

    Attributes
    ----------
    pmf
        Joint probabilities, shape ``(n_treatment + 1, n_control + 1)``:
        ``pmf[j, i] = P(x_T = j, x_C = i)`` (treatment events index the rows).
    n_treatment, n_control
        Participants analysed per arm.

    Quantiles of discrete quantities (events, RD) follow the usual convention for a
    discrete CDF F (as ``scipy.stats`` ``ppf``): the q-quantile is the smallest support
    value v with F(v) >= q. The median is the 0.5-quantile; the central interval of
    probability p runs from the (1 - p)/2- to the (1 + p)/2-quantile, so it holds at
    least p of the mass.

    The tail probabilities ``p_at_least`` and ``p_risk_difference_at_least`` are Box's
    prior predictive checks: small values mean the observed data are surprising under
    the prior. They are one-sided (upper tail, observed value included); the lower tail is
    1 minus the upper tail of the next value.
    """

    pmf: Array
    n_treatment: int
    n_control: int

    def __post_init__(self) -> None:
        shape = (self.n_treatment + 1, self.n_control + 1)
        if self.pmf.shape != shape:
            raise ValueError(f"pmf must have shape {shape}, got {self.pmf.shape}")
        total = float(self.pmf.sum())
        if not abs(total - 1.0) <= SUM_TOLERANCE or (self.pmf < 0).any():
            raise NumericalError(f"a prior predictive pmf for n = {self.n_treatment}, "
                                 f"{self.n_control} sums to {total!r}, not 1 within "
                                 f"{SUM_TOLERANCE:g}, or has a negative cell")

    def _n(self, arm: Arm) -> int:
        if arm == "treatment":
            return self.n_treatment
        if arm == "control":
            return self.n_control
        raise ValueError(f"arm must be 'treatment' or 'control', got {arm!r}")

    def marginal(self, arm: Arm) -> Array:
        """P(x = k) for k = 0..n of one arm (probabilities, length n + 1)."""
        self._n(arm)
        return self.pmf.sum(axis=1 if arm == "treatment" else 0)

    def arm_interval(self, arm: Arm, probability: float = 0.95) -> Interval:
        """Median and central ``probability`` interval of one arm's events (whole numbers,
        held as floats; see the class docstring for the discrete quantile convention)."""
        _check_probability(probability)
        cdf = np.cumsum(self.marginal(arm))
        tail = (1.0 - probability) / 2.0
        median, lower, upper = (_discrete_quantile(cdf, q) for q in (0.5, tail, 1.0 - tail))
        return Interval(float(median), float(lower), float(upper))

    def _numerators(self) -> NDArray[np.int64]:
        """RD * n_T * n_C = j n_C - i n_T per cell: whole numbers, so ties are exact."""
        j = np.arange(self.n_treatment + 1)[:, None]
        i = np.arange(self.n_control + 1)[None, :]
        return j * self.n_control - i * self.n_treatment

    def risk_difference_pmf(self) -> tuple[Array, Array]:
        """The distribution of RD = x_T/n_T - x_C/n_C: its distinct values in increasing
        order (proportion units) and their probabilities (cells with the same RD merged
        exactly, by whole-number arithmetic)."""
        numerators, inverse = np.unique(self._numerators().ravel(), return_inverse=True)
        probabilities = np.bincount(inverse, weights=self.pmf.ravel(),
                                    minlength=len(numerators))
        return numerators / (self.n_treatment * self.n_control), probabilities

    def risk_difference_bins(self, width: float) -> tuple[Array, Array]:
        """RD's probabilities summed over bins of ``width`` (proportion units, e.g. 0.1 =
        10 points) centred on the multiples of ``width``: the bin of centre c holds
        c - width/2 <= RD < c + width/2. Returns the centres (proportion units, covering
        -1 to 1) and the probabilities. The raw pmf sits on an irregular lattice of values
        (j/n_T - i/n_C), which makes it jagged to draw; bins wide enough to hold several
        lattice values are not. ``width`` is read as the decimal it prints as (0.1 is 1/10)
        and the bins are assigned in whole numbers, so a value on an edge goes up exactly."""
        share = Fraction(str(width))
        if not 0 < share <= 1:
            raise ValueError(f"width must be > 0 and <= 1, got {width}")
        numerators, inverse = np.unique(self._numerators().ravel(), return_inverse=True)
        probabilities = np.bincount(inverse, weights=self.pmf.ravel())
        cells = self.n_treatment * self.n_control
        # bin k holds (k - 1/2) width <= num / cells < (k + 1/2) width
        k = (2 * numerators * share.denominator + cells * share.numerator) // (
            2 * cells * share.numerator)
        last = math.floor(1 / share + Fraction(1, 2))
        centres = np.arange(-last, last + 1, dtype=float) * float(share)
        binned = np.bincount(k + last, weights=probabilities, minlength=len(centres))
        return centres, binned.astype(float)

    def risk_difference_interval(self, probability: float = 0.95) -> Interval:
        """Median and central ``probability`` interval of RD (proportion units; each end is
        a value RD can take, by the class docstring's quantile convention)."""
        _check_probability(probability)
        values, probabilities = self.risk_difference_pmf()
        cdf = np.cumsum(probabilities)
        tail = (1.0 - probability) / 2.0
        median, lower, upper = (values[_discrete_quantile(cdf, q)]
                                for q in (0.5, tail, 1.0 - tail))
        return Interval(float(median), float(lower), float(upper))

    def p_at_least(self, arm: Arm, observed: int) -> float:
        """Prior predictive P(x >= observed) for one arm's events (Box's check)."""
        n = self._n(arm)
        if not 0 <= observed <= n:
            raise ValueError(f"observed {arm} events must be between 0 and {n}, "
                             f"got {observed}")
        return float(self.marginal(arm)[observed:].sum())

    def p_conflict(self, treatment_events: int, control_events: int) -> float:
        """Box's prior predictive p-value of the observed counts: the prior predictive
        probability of every result no more probable than the one observed (ties within a
        relative ``TIE_TOLERANCE`` count as equal). Near 0: the data were improbable under
        the prior, a prior-data conflict; a flat prior gives 1."""
        observed = self.pmf[treatment_events, control_events]
        return float(min(1.0, self.pmf[self.pmf <= observed * (1.0 + TIE_TOLERANCE)].sum()))

    def p_all_or_none(self) -> float:
        """Prior predictive probability that both arms have no events or both have all
        events (where a prior wide on the log-odds scale puts much of its mass)."""
        return float(self.pmf[0, 0] + self.pmf[-1, -1])

    def p_risk_difference_at_least(self, treatment_events: int, control_events: int) -> float:
        """Prior predictive P(RD >= observed RD), the observed RD being
        treatment_events/n_T - control_events/n_C (Box's check; compared exactly, in whole
        numbers)."""
        for name, events, n in (("treatment_events", treatment_events, self.n_treatment),
                                ("control_events", control_events, self.n_control)):
            if not 0 <= events <= n:
                raise ValueError(f"{name} must be between 0 and {n}, got {events}")
        observed = treatment_events * self.n_control - control_events * self.n_treatment
        return float(self.pmf[self._numerators() >= observed].sum())

    def p_benefit_at_least(self, treatment_events: int, control_events: int,
                           direction: Direction = DEFAULT_DIRECTION) -> float:
        """Prior predictive probability of a risk difference at least as favourable as the
        observed one: P(RD >= observed) when more events is better, P(RD <= observed) when
        fewer is (both including the observed value, compared exactly)."""
        if direction == "higher":
            return self.p_risk_difference_at_least(treatment_events, control_events)
        mirrored = PriorPredictive(self.pmf[::-1, ::-1], self.n_treatment, self.n_control)
        return mirrored.p_risk_difference_at_least(self.n_treatment - treatment_events,
                                                   self.n_control - control_events)


def mixture_prior_predictive(treatment: Array, control: Array) -> PriorPredictive:
    """The prior predictive of independent arms from their marginal pmfs over 0..n (for
    example of Beta mixtures, :func:`models.exact.beta_mixture.predictive_pmf`)."""
    return PriorPredictive(np.outer(treatment, control), len(treatment) - 1, len(control) - 1)


def weighted_prior_predictive(weights: Sequence[float],
                              predictives: Sequence[PriorPredictive]) -> PriorPredictive:
    """The prior predictive of a mixture prior: the weighted sum of its components' joint
    pmfs (each component's predictive weighted by its prior weight)."""
    first = predictives[0]
    pmf = sum(w * p.pmf for w, p in zip(weights, predictives, strict=True))
    return PriorPredictive(np.asarray(pmf, dtype=float), first.n_treatment, first.n_control)


def beta_binomial_prior_predictive(prior: BetaBinomialPrior,
                                   counts: OutcomeCounts) -> PriorPredictive:
    """Prior predictive of the beta-binomial family: independent BetaBinomial(n, alpha,
    beta) arms (``scipy.stats.betabinom``), joint pmf their outer product. Only the arms'
    sizes n are read from ``counts``, never their events."""
    for arm, beta in (("treatment", prior.treatment), ("control", prior.control)):
        if not (beta.alpha > 0 and beta.beta > 0):
            raise ValueError(f"{arm} Beta parameters must be > 0, got {beta}")
    n_t, n_c = counts.treatment.n, counts.control.n
    treatment = stats.betabinom.pmf(np.arange(n_t + 1), n_t, prior.treatment.alpha,
                                    prior.treatment.beta)
    control = stats.betabinom.pmf(np.arange(n_c + 1), n_c, prior.control.alpha,
                                  prior.control.beta)
    return PriorPredictive(np.outer(treatment, control), n_t, n_c)


def _binomial_pmf(n: int, log_odds: Array) -> Array:
    """Bin(k; n, expit(log_odds)) for k = 0..n (rows) at each log-odds value (columns),
    computed on the log scale so that extreme log-odds neither overflow nor lose 1 - p."""
    k = np.arange(n + 1, dtype=float)[:, None]
    log_choose = (special.gammaln(n + 1.0) - special.gammaln(k + 1.0)
                  - special.gammaln(n - k + 1.0))
    return np.exp(log_choose + binomial_loglik(k, n, log_odds[None, :]))  # type: ignore[arg-type]


def _trapezoid_rule(step: float) -> tuple[Array, Array]:
    """Nodes on [-Z_LIMIT, Z_LIMIT] and trapezoid weights times the standard normal
    density (the end weights are negligible, below 1e-17)."""
    half = round(Z_LIMIT / step)
    z = step * np.arange(-half, half + 1, dtype=float)
    return z, step * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


def _logistic_rule(intercept: NormalPrior, log_odds_ratio: NormalPrior, n_t: int, n_c: int,
                   step: float) -> Array:
    """The logistic joint pmf ``[j, i]`` by the product trapezoid rule of ``step``."""
    z, w = _trapezoid_rule(step)
    a = intercept.mean + intercept.sd * z
    b = log_odds_ratio.mean + log_odds_ratio.sd * z
    control = _binomial_pmf(n_c, a) * w  # (n_c + 1, nodes): Bin(i; expit(a_k)) w_k
    # treatment[j, k] = sum_l w_l Bin(j; n_t, expit(a_k + b_l)), in blocks of a-nodes
    treatment = np.empty((n_t + 1, len(z)))
    block = max(1, 2_000_000 // (len(z) * (n_t + 1)))
    for start in range(0, len(z), block):
        eta = (a[start:start + block, None] + b[None, :]).ravel()
        pmf = _binomial_pmf(n_t, eta).reshape(n_t + 1, -1, len(z))
        treatment[:, start:start + block] = pmf @ w
    return treatment @ control.T


def logistic_prior_predictive(intercept: NormalPrior, log_odds_ratio: NormalPrior,
                              counts: OutcomeCounts) -> PriorPredictive:
    """Prior predictive of the logistic family: a ~ ``intercept`` (control log-odds),
    b ~ ``log_odds_ratio`` (treatment vs control), x_C ~ Bin(n_C, expit(a)),
    x_T ~ Bin(n_T, expit(a + b)), the arms dependent through a.

    The joint pmf is integrated by the nested product trapezoid rule of the module
    docstring to ``PREDICTIVE_ACCURACY`` in every cell; ``NumericalError`` if the rules
    have not agreed by ``MAX_NODES`` nodes per axis. Only the arms' sizes n are read from
    ``counts``.
    """
    for name, prior in (("intercept", intercept), ("log_odds_ratio", log_odds_ratio)):
        if not (math.isfinite(prior.mean) and math.isfinite(prior.sd) and prior.sd > 0):
            raise ValueError(f"{name} must have a finite mean and a finite sd > 0, got {prior}")
    n_t, n_c = counts.treatment.n, counts.control.n
    step = FIRST_STEP
    previous = _logistic_rule(intercept, log_odds_ratio, n_t, n_c, step)
    change = math.inf
    while 2 * round(Z_LIMIT / (step / 2)) + 1 <= MAX_NODES:
        step /= 2
        current = _logistic_rule(intercept, log_odds_ratio, n_t, n_c, step)
        change = float(np.abs(current - previous).max())
        previous = current
        if change <= PREDICTIVE_ACCURACY:
            return PriorPredictive(current, n_t, n_c)
    raise NumericalError(
        f"the logistic prior predictive pmf for {counts.name} (intercept {intercept}, log "
        f"odds ratio {log_odds_ratio}, n = {n_t}, {n_c}) did not settle to "
        f"{PREDICTIVE_ACCURACY:g} by {MAX_NODES} nodes per axis (last change {change:.1e})")
