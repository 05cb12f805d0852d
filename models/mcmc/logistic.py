"""The logistic models' public names in one place.

Each concept has its own module; this one only gathers their public names for readers
who want "the logistic models" as a whole:

- :mod:`models.mcmc.logistic_models`: the two PyMC model structures and their shared data;
- :mod:`models.mcmc.aggregate`: the aggregate model's fit on two-arm counts;
- :mod:`models.mcmc.interaction`: the hs-CRP x treatment interaction fit on individual data
  and truth against estimate;
- :mod:`models.mcmc.crp_effects`: effects along hs-CRP and marginal arm rates;
- :mod:`models.mcmc.predictive`: posterior predictive checks;
- :mod:`models.mcmc.power_scaling`: prior / likelihood power-scaling sensitivity.

The missing-participant analyses are in :mod:`models.sensitivity.missing_outcome`, and
the data preparation (:class:`~models.data.ipd.IpdData`, :func:`~models.data.ipd.ipd_data`)
in :mod:`models.data.ipd`.
"""

from models.data.ipd import IpdData, ipd_data
from models.mcmc.aggregate import AggregateResult, fit_aggregate, sample_aggregate
from models.mcmc.crp_effects import (
    BENEFIT_LEVEL,
    CRP_GRID_MG_L,
    CRP_GRID_POINTS,
    DEFAULT_CRP_VALUES,
    conditional_effect_draws,
    conditional_effects,
    crp_grid,
    crp_where_probability,
    marginal_rates,
    p_benefit_at_crp,
)
from models.mcmc.interaction import IpdResult, fit_ipd, sample_ipd, summarise_ipd, truth_table
from models.mcmc.logistic_models import (
    AGGREGATE_MODEL_KEY,
    AGGREGATE_TERMS,
    ARM_NAMES,
    IPD_MODEL_KEY,
    IPD_TERMS,
    aggregate_model_data,
    build_aggregate_model,
    build_ipd_model,
    ipd_model_data,
    prior_data,
)
from models.mcmc.power_scaling import PSENSE_THRESHOLD, psense
from models.mcmc.predictive import (
    PPC_SEED,
    crp_tertiles,
    posterior_predictive_pvalue,
    ppc_aggregate,
    ppc_ipd_arms,
    ppc_ipd_tertiles,
    ppc_table,
)

__all__ = [
    "AGGREGATE_MODEL_KEY", "AGGREGATE_TERMS", "ARM_NAMES", "BENEFIT_LEVEL", "CRP_GRID_MG_L",
    "CRP_GRID_POINTS", "DEFAULT_CRP_VALUES", "IPD_MODEL_KEY", "IPD_TERMS", "PPC_SEED",
    "PSENSE_THRESHOLD", "AggregateResult", "IpdData", "IpdResult", "aggregate_model_data",
    "build_aggregate_model", "build_ipd_model", "conditional_effect_draws",
    "conditional_effects", "crp_grid", "crp_tertiles", "crp_where_probability",
    "fit_aggregate", "fit_ipd", "ipd_data", "ipd_model_data", "marginal_rates",
    "p_benefit_at_crp", "posterior_predictive_pvalue", "ppc_aggregate", "ppc_ipd_arms",
    "ppc_ipd_tertiles", "ppc_table", "prior_data", "psense", "sample_aggregate",
    "sample_ipd", "summarise_ipd", "truth_table",
]
