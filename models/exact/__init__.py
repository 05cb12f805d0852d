"""Deterministic answers. Wherever an exact answer exists, it lives here and the samplers
are checked against it.

- ``beta_contrast``: the distribution of the risk difference, risk ratio and odds ratio of
  two independent Beta arms (``BetaContrast``: pdf, cdf, sf, ppf), the one implementation
  of every statement about two Beta arms;
- ``tanh_sinh``: the fixed quadrature rule underneath it;
- ``beta_binomial``: the conjugate beta-binomial analysis (posterior, effect summary);
- ``logistic_counts``: the aggregate logistic model on counts by numerical integration;
- ``linear_predictor``: the logistic models' linear predictor, written once;
- ``frequentist``: frequentist reference values (Fisher, Wald).

May import: ``models.core``, ``models.data``.
"""
