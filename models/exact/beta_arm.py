"""One Beta arm, computed with x and 1 - x carried separately so that both keep their
precision next to 0 and 1: log density, tail probabilities, variance and central support.
Used by :mod:`models.exact.beta_contrast` and :mod:`models.exact.contrast_quantiles`.
"""

import numpy as np
from numpy.typing import NDArray
from scipy import special

from models.core.distributions import BetaPrior

Array = NDArray[np.float64]

SUPPORT_TAIL = 1e-15
"""Probability left out in each tail of the outer arm when its interval is cut."""


def log_beta_pdf(prior: BetaPrior, x: Array, one_minus_x: Array) -> Array:
    """log Beta density from x and 1 - x given separately (both kept precise)."""
    return (special.xlogy(prior.alpha - 1.0, x) + special.xlogy(prior.beta - 1.0, one_minus_x)
            - special.betaln(prior.alpha, prior.beta))


def beta_probability(prior: BetaPrior, x: Array, one_minus_x: Array, above: bool) -> Array:
    """P(p > x) (``above``) or P(p < x), from x and 1 - x given separately: I_x(a, b) below
    1/2 and I_(1-x)(b, a) above, so that x next to 1 keeps its precision (one ``betainc``
    call; scipy's ``betaincc`` is many times slower)."""
    upper = x > 0.5
    lower_tail = special.betainc(np.where(upper, prior.beta, prior.alpha),
                                 np.where(upper, prior.alpha, prior.beta),
                                 np.where(upper, one_minus_x, x))  # of p, or of 1 - p
    below = np.where(upper, 1.0 - lower_tail, lower_tail)
    return np.where(upper, lower_tail, 1.0 - lower_tail) if above else below


def beta_variance(prior: BetaPrior) -> float:
    a, b = prior.alpha, prior.beta
    return a * b / ((a + b) ** 2 * (a + b + 1.0))


def central_support(arm: BetaPrior) -> tuple[float, float]:
    """The arm's central interval leaving ``SUPPORT_TAIL`` out on each side."""
    return (float(special.betaincinv(arm.alpha, arm.beta, SUPPORT_TAIL)),
            float(special.betainccinv(arm.alpha, arm.beta, SUPPORT_TAIL)))
