"""Deterministic answers: the conjugate beta-binomial model (the distribution of the
risk difference, risk ratio and odds ratio of two independent Beta arms), the aggregate
logistic model on counts by numerical integration, and frequentist reference values.
Wherever an exact answer exists, it lives here and the samplers are checked against it.

May import: ``models.core``, ``models.data``.
"""
