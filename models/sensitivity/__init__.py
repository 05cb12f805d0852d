"""How far the answer moves with the prior and with assumptions.

- ``prior_map``: P(benefit) over prior mean x SD of the log odds ratio, tipping points;
- ``heat_map``: that map for every outcome, with the named priors placed on it;
- ``placebo_rate``: the calibrated priors re-derived at other assumed placebo rates;
- ``missing_outcome``: the participant without an outcome counted as event or non-event.

May import: ``models.core``, ``models.data``, ``models.exact``, ``models.priors``,
``models.mcmc``.
"""
