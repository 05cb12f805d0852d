"""The stated accuracy of every exact number (probabilities, densities, quantiles).

The exact layer checks these at every evaluation, by its quadrature's error estimate and
its root finder's tolerance, and raises :class:`~models.exact.errors.NumericalError` rather
than return a number that misses them; the report quotes them from here.
"""

PROBABILITY_ACCURACY = 1e-10
"""Stated absolute accuracy of every probability (cdf, sf) and, relative to the density's
peak, of every density (the tests measure 1e-11 or better against adaptive quadrature)."""

QUANTILE_ACCURACY = 1e-7
"""Stated accuracy of every quantile on its working scale: absolute for ARD (proportion
units), relative for RR and OR (absolute on log RR, log OR). The root is located to
``QUANTILE_TOLERANCE`` on a CDF accurate to ``PROBABILITY_ACCURACY``."""

QUANTILE_TOLERANCE = 1e-9
"""Absolute tolerance of the root finder on the working scale (ARD, log RR, log OR)."""
