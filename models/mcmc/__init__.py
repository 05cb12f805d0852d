"""Sampled models (PyMC, NUTS via nutpie): sampler settings and compiled models
(``sampling``), the posterior cache (``cache``), convergence diagnostics, effect
summaries from draws, the beta-binomial cross-check and the logistic models (aggregate
and the hs-CRP interaction model on individual data), predictive checks and power-scaling.

May import: ``models.core``, ``models.data``, ``models.exact``, ``models.priors``.
"""
