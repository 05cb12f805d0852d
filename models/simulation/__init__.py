"""SIMULATED individual data: the documented generating process, conditioning on the
published counts, writing the data files, and the repeated-simulation study of what a
trial of this size can recover.

May import: ``models.core``, ``models.data``, ``models.exact``, ``models.priors``,
``models.mcmc``.
"""
