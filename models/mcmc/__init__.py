"""Sampled models (PyMC, NUTS via nutpie).

- ``sampling``: sampler settings (pinned seed, chains, draws) and compiled models;
- ``cache``: the posterior cache; ``diagnostics``: R-hat, ESS, divergences and their flags;
- ``draws``: effect summaries and intervals from posterior draws (``EffectSummary``);
- ``beta_binomial``: the sampled beta-binomial, the visible check of the exact answer;
- ``logistic_models``: the two PyMC model structures (priors passed as data);
- ``aggregate``: the logistic model on the published counts;
- ``interaction``: the hs-CRP x treatment model on individual data;
  ``crp_effects``: its effect curves over hs-CRP;
- ``predictive``: posterior predictive checks; ``power_scaling``: prior and likelihood
  sensitivity (psense).

May import: ``models.core``, ``models.data``, ``models.exact``, ``models.priors``.
"""
