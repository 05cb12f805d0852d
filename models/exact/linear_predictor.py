"""The linear predictor of the logistic models, written once for every model that uses it.

On the log-odds scale, for a participant with treatment indicator T (1 treatment,
0 control) and standardised log hs-CRP z (SD units around the complete cases' mean)::

    logit p = intercept + treatment * T + biomarker * z + interaction * T * z

``intercept`` is the log-odds of the outcome on control at z = 0, ``treatment`` the log
odds ratio (treatment vs control) at z = 0, ``biomarker`` the log OR per SD of log hs-CRP
on control and ``interaction`` the extra log OR per SD of log hs-CRP on treatment. The
aggregate model on counts has no hs-CRP: call it without ``z`` and only ``intercept``
and ``treatment`` are needed.

Used by the PyMC models (``models.mcmc.logistic``) and by the aggregate model's
deterministic integrals (``models.exact.logistic_counts``,
``models.exact.logistic_posterior``). Plain arithmetic operators, so NumPy arrays and
PyTensor tensors both work.
"""

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

Values = NDArray[np.float64] | float
"""A number or an array of numbers (broadcast against each other)."""

COEFFICIENTS = ("intercept", "treatment", "biomarker", "interaction")
"""Names of the coefficients, in the order of the formula above."""


def linear_predictor(coefficients: Mapping[str, Values], treated: Values,
                     z: Values | None = None) -> Values:
    """Log-odds ``intercept + treatment*T + biomarker*z + interaction*T*z``.

    Parameters
    ----------
    coefficients
        ``intercept`` and ``treatment`` (and ``biomarker``, ``interaction`` when ``z`` is
        given), each a number or an array (e.g. posterior draws with a trailing axis of
        length 1 to broadcast against participants).
    treated
        Treatment indicator T: 1 on treatment, 0 on control (number or array).
    z
        Standardised log hs-CRP (SD units); None for the model without hs-CRP.

    Returns
    -------
    The log-odds, with the broadcast shape of the inputs (NumPy broadcasting rules).
    """
    log_odds = coefficients["intercept"] + coefficients["treatment"] * treated
    if z is None:
        return log_odds
    return log_odds + (coefficients["biomarker"] + coefficients["interaction"] * treated) * z
