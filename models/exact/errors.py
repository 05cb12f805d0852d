"""The exception of the exact layer: a numerical method that did not reach its stated
accuracy (a quantile search that did not converge, a quadrature whose error estimate stays
above ``PROBABILITY_ACCURACY`` after refinement). Raised, never passed on as a number."""


class NumericalError(ArithmeticError):
    """A numerical method failed to reach its stated accuracy; the message says which
    computation, for which distribution and at which values."""
