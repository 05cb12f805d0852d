"""Quantiles of a :class:`~models.exact.beta_contrast.BetaContrast` (its ``ppf``).

Quantiles are found on the *working scale* (ARD itself; log RR and log OR for the ratios,
where the distributions are closer to symmetric) by Newton's method with the exact density
(``scipy.optimize.newton``, vectorised), started from the normal approximation with the
exact mean and variance on that scale; any quantile where Newton fails (it can step out of
the support in the far tails of skewed arms) is found by Chandrupatla's bracketing method
(``scipy.optimize.elementwise.find_root``) over the whole support instead. Both stop at
``QUANTILE_TOLERANCE``; the stated accuracy is ``QUANTILE_ACCURACY`` (both in
:mod:`models.exact.accuracy`).

A root finder needs the CDF's sign everywhere but its value only near the root, so far out
in a tail a CDF whose error estimate is above ``PROBABILITY_ACCURACY`` but below its
distance from the target is used for its sign (:func:`_cdf_gap`); near the root the
accuracy is required. A quantile the bracketing method does not find raises
:class:`~models.exact.errors.NumericalError`.
"""

import functools
import warnings
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special
from scipy.optimize import elementwise

from models.exact.accuracy import PROBABILITY_ACCURACY, QUANTILE_TOLERANCE
from models.exact.beta_arm import beta_variance, central_support
from models.exact.errors import NumericalError

if TYPE_CHECKING:
    from models.exact.beta_contrast import BetaContrast

Array = NDArray[np.float64]

NEWTON_ITERATIONS = 30
"""Newton steps allowed before a quantile is handed to the bracketing method."""


def quantiles(contrast: "BetaContrast", probability: ArrayLike) -> Array:
    """The values v with P(measure <= v) = probability, elementwise, on the measure's own
    scale (proportion for ARD, ratio for RR and OR); see the module doc for the method."""
    q = np.asarray(probability, dtype=float)
    if np.any((q <= 0.0) | (q >= 1.0)):
        raise ValueError(f"probabilities must be strictly between 0 and 1, got {q}")
    flat = q.reshape(-1)
    mean, sd = working_moments(contrast)
    lowest, highest = support_bounds(contrast)
    guess = np.clip(mean + sd * special.ndtri(flat), lowest, highest)
    # scipy.optimize.newton takes its vectorised path only for two or more starting
    # points, so a single quantile is solved as a pair of identical ones.
    pair = flat.size == 1
    if pair:
        flat, guess = np.repeat(flat, 2), np.repeat(guess, 2)
    # A Newton step that leaves the support meets a zero density; scipy warns, and those
    # quantiles go to the bracketing method below, as do all of them if a Newton step lands
    # where the CDF cannot be computed to its accuracy.
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "(some|all) derivatives were zero", RuntimeWarning)
        warnings.filterwarnings("ignore", "some failed to converge", RuntimeWarning)
        try:
            roots, converged, _ = optimize.newton(
                _cdf_gap, guess, fprime=_working_pdf, args=(flat, contrast),
                tol=QUANTILE_TOLERANCE, maxiter=NEWTON_ITERATIONS, full_output=True)
        except NumericalError:
            roots, converged = guess, np.zeros(flat.shape, dtype=bool)
    failed = ~converged | ~np.isfinite(roots) | (roots <= lowest) | (roots >= highest)
    if failed.any():
        with np.errstate(all="ignore"):
            # find_root broadcasts its args as arrays, so the contrast is bound first
            result = elementwise.find_root(
                functools.partial(_cdf_gap, contrast=contrast),
                (np.full(failed.sum(), lowest), np.full(failed.sum(), highest)),
                args=(flat[failed],),
                tolerances={"xatol": QUANTILE_TOLERANCE, "xrtol": 0.0, "fatol": 0.0})
        if not np.all(result.success):
            raise NumericalError(f"quantile search did not converge for {contrast} at "
                                 f"probabilities {flat[failed][~result.success]}")
        roots = np.where(failed, 0.0, roots)
        roots[failed] = result.x
    return _from_working(contrast, roots[:1] if pair else roots).reshape(q.shape)


def working_moments(contrast: "BetaContrast") -> tuple[float, float]:
    """Exact mean and SD of the measure on the working scale (ARD; log RR; log OR)."""
    t, c = contrast.treatment, contrast.control
    if contrast.measure == "ard":
        return t.mean - c.mean, float(np.sqrt(beta_variance(t) + beta_variance(c)))
    if contrast.measure == "rr":  # E log p = psi(a) - psi(a + b), Var = psi'(a) - psi'(a + b)
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


def support_bounds(contrast: "BetaContrast") -> tuple[float, float]:
    """Working-scale bounds holding all but about 4e-15 of the mass."""
    (t_low, t_high) = central_support(contrast.treatment)
    (c_low, c_high) = central_support(contrast.control)
    if contrast.measure == "ard":
        return t_low - c_high, t_high - c_low
    tiny = np.finfo(float).tiny
    if contrast.measure == "rr":
        log = np.log
        return (float(log(max(t_low, tiny)) - log(c_high)),
                float(log(t_high) - log(max(c_low, tiny))))

    def logit(p: float) -> float:
        return float(np.log(max(p, tiny)) - np.log(max(1.0 - p, tiny)))

    return logit(t_low) - logit(c_high), logit(t_high) - logit(c_low)


def _from_working(contrast: "BetaContrast", w: Array) -> Array:
    return w if contrast.measure == "ard" else np.exp(w)


def _cdf_gap(working: Array, probability: Array, contrast: "BetaContrast") -> Array:
    """CDF minus the target probability, at values on the working scale.

    The gap's sign is needed everywhere, its size only near the root: a CDF whose error
    estimate is above ``PROBABILITY_ACCURACY`` is accepted where the estimate is smaller
    than the gap itself (the sign is certain: typically far out in a tail, where an arm's
    mass lies beyond the smallest double). Near the root the gap shrinks, so the stated
    accuracy is required there, else :class:`NumericalError`."""
    value = _from_working(contrast, working)
    cdf, error = contrast.probability_with_error(value, upper=False)
    gap = cdf - probability
    uncertain = ~(error <= np.maximum(PROBABILITY_ACCURACY, np.abs(gap)))
    if np.any(uncertain):
        raise NumericalError(
            f"the CDF of {contrast} could not be computed to {PROBABILITY_ACCURACY:g} near "
            f"its {probability[uncertain]} quantile(s), at {value[uncertain]} "
            f"(error estimates {error[uncertain]})")
    return gap


def _working_pdf(working: Array, probability: Array, contrast: "BetaContrast") -> Array:
    """Density on the working scale: pdf(v) for ARD, pdf(e^w) e^w for the ratios; NaN
    (Newton then fails and the bracketing method takes over) where the density cannot be
    computed to its accuracy."""
    value = _from_working(contrast, working)
    try:
        density = contrast.pdf(value)
    except NumericalError:  # e.g. an unbounded density: Newton gives way to bracketing
        return np.full(np.shape(value), np.nan)
    return density if contrast.measure == "ard" else density * value
