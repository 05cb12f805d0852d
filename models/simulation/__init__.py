"""SIMULATED individual data, one concept per module:

- ``process``: the documented generating process (hs-CRP, the logistic outcome model, the
  copula linking remission and response), unconditioned draws and the true coefficients
  on an analysis sample's scale;
- ``conditioning``: the trial conditioned on the published counts by rejection sampling;
- ``files``: the data files (CSV and the truth JSON), byte for byte reproducible;
- ``study``: the repeated-simulation study of what a trial of this size can recover;
- ``study_cache``: its cache (``<cache root>/simulation_study/``).

May import: ``models.core``, ``models.data``, ``models.exact``, ``models.priors``,
``models.mcmc`` (not ``models.sensitivity``).
"""
