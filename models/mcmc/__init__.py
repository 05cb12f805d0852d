"""Sampled models (PyMC, NUTS via nutpie), one concept per module:

- ``sampling``: pinned sampler settings; compile a model structure once, sample it per prior;
- ``cache``: the posterior cache (``<cache root>/posteriors/``);
- ``diagnostics``: R-hat, ESS and divergences against the project's thresholds;
- ``draws``: intervals, probabilities with MCSE and effect measures from draws;
- ``beta_binomial``: the beta-binomial in PyMC, the cross-check of the exact answer;
- ``logistic_models``: the two logistic model structures (priors and data as shared data);
- ``aggregate``: the logistic model fitted to two-arm counts;
- ``interaction``: the hs-CRP x treatment model fitted to individual data;
- ``crp_effects``: effects along hs-CRP and marginal arm rates from its draws;
- ``benefit_region``: where along hs-CRP the benefit is probable, with its MCSE;
- ``predictive``: posterior predictive checks; ``power_scaling``: psense.

May import: ``models.core``, ``models.data``, ``models.exact``, ``models.priors``.
"""
