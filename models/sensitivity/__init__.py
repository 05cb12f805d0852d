"""How far the answer moves with the prior and with assumptions: prior maps over the
mean and SD of the log odds ratio with tipping points, the assumed placebo rate, and the
missing participant.

May import: ``models.core``, ``models.data``, ``models.exact``, ``models.priors``,
``models.mcmc``.
"""
