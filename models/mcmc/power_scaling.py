"""Power-scaling sensitivity (psense) of the logistic models to their prior and likelihood.

``arviz.psense_summary`` (Kallioinen et al. 2024) needs ``log_prior`` and
``log_likelihood`` groups, which nutpie does not write: they are computed afterwards with
``pymc.stats.compute_log_prior`` / ``compute_log_likelihood`` on an (uncompiled) PyMC
model holding the same shared data as the fit.
"""

import logging

import arviz as az
import pandas as pd
import xarray as xr

from models.core.scoped import quiet_logger
from models.mcmc.aggregate import AggregateResult
from models.mcmc.interaction import IpdResult
from models.mcmc.logistic_models import (
    AGGREGATE_TERMS,
    IPD_TERMS,
    aggregate_structure,
    ipd_structure,
)

PSENSE_THRESHOLD = 0.05
"""Power-scaling sensitivity at or above this value is flagged (ArviZ's default)."""


def _log_density_tree(result: AggregateResult | IpdResult) -> xr.DataTree:
    """Posterior plus ``log_likelihood`` and ``log_prior`` groups for ``result``'s data."""
    import pymc as pm

    terms: tuple[str, ...]
    if isinstance(result, IpdResult):
        model = ipd_structure(result.model_data)[1](result.model_data)
        terms = IPD_TERMS
    else:
        model = aggregate_structure(result.model_data)[1](result.model_data)
        terms = AGGREGATE_TERMS
    posterior = result.idata["posterior"].to_dataset()[list(terms)]
    tree = xr.DataTree.from_dict({"posterior": posterior})
    kwargs = {"model": model, "extend_inferencedata": False, "progressbar": False}
    log_likelihood = pm.stats.compute_log_likelihood(tree, **kwargs)
    log_prior = pm.stats.compute_log_prior(tree, **kwargs)
    return xr.DataTree.from_dict({"posterior": posterior, "log_likelihood": log_likelihood,
                                  "log_prior": log_prior})


def psense(result: AggregateResult | IpdResult,
           threshold: float = PSENSE_THRESHOLD) -> pd.DataFrame:
    """Prior and likelihood power-scaling sensitivity of each coefficient.

    ``arviz.psense_summary`` (Kallioinen et al. 2024): the posterior is importance-weighted
    to mimic raising the prior (or likelihood) to a power near 1, and the cumulative
    Jensen-Shannon distance per unit log power is reported. Values >= ``threshold``
    (0.05 by default) flag sensitivity; ``diagnosis`` says "potential prior-data
    conflict" (both sensitive) or "potential strong prior / weak likelihood".

    Returns
    -------
    pandas.DataFrame
        Index: coefficients; columns ``prior``, ``likelihood``, ``diagnosis``.
    """
    tree = _log_density_tree(result)
    terms = list(IPD_TERMS if isinstance(result, IpdResult) else AGGREGATE_TERMS)
    # The table's diagnosis column says what psense_summary would log.
    with quiet_logger("arviz_stats.psense", logging.ERROR):
        return az.psense_summary(tree, var_names=terms, threshold=threshold)
