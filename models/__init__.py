"""Bayesian reanalysis of a two-arm trial with a binary outcome.

The embedded default is the tocilizumab vs placebo trial in treatment-resistant
depression with low-grade inflammation (day-28 remission and response); every
function takes the trial's counts and the priors as arguments, so any two-arm
binary-outcome trial can be analysed the same way.
"""

__version__ = "0.1.0"
