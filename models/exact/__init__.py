"""Deterministic answers; wherever an exact answer exists it lives here, and the samplers
are checked against it.

- ``beta_contrast``: ``BetaContrast``, the one distribution of the risk difference, risk
  ratio and odds ratio of two independent Beta arms (pdf, cdf, sf, ppf);
- ``contrast_quantiles``: its quantiles (Newton, then bracketing, on the working scale);
- ``beta_arm``: one Beta arm with x and 1 - x kept separately (density, tails, support);
- ``accuracy``: the stated accuracy of probabilities, densities and quantiles;
- ``tanh_sinh``: the fixed quadrature rule ``beta_contrast`` integrates with;
- ``errors``: ``NumericalError``, raised when a quadrature or quantile search does not
  reach its stated accuracy (never passed on as a number);
- ``beta_binomial``: the conjugate update and ``fit_exact`` (an ``EffectSummary``);
- ``logistic_counts``: the aggregate logistic model on counts by numerical integration;
- ``linear_predictor``: the one linear predictor of the logistic models;
- ``frequentist``: Fisher's exact test, Wald interval, observed NNT (orientation only).

May import: ``models.core``, ``models.data``.
"""
