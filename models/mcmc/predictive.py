"""Posterior predictive checks of the logistic models: replicated against observed events.

Each posterior draw gives one replicated data set (Binomial per arm for the aggregate
model; Bernoulli per participant for the interaction model, summed by group); the tables
show the observed count, the replicates' median and 95% interval, and the mid-p
posterior predictive p-value (values near 0 or 1 flag misfit). Replicates are drawn from
``numpy.random.default_rng(seed)`` (:data:`PPC_SEED`), so the tables are reproducible.
"""

from collections.abc import Iterator

import numpy as np
import pandas as pd
import xarray as xr
from scipy.special import expit

from models.data.ipd import IpdData
from models.exact.linear_predictor import linear_predictor
from models.mcmc.aggregate import AggregateResult
from models.mcmc.crp_effects import draw_blocks
from models.mcmc.interaction import IpdResult
from models.mcmc.logistic_models import ARM_NAMES

PPC_SEED = 20261128
"""Seed of the numpy generator drawing posterior predictive replicates."""


def posterior_predictive_pvalue(replicated: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Mid-p posterior predictive p-value P(T_rep > T_obs) + 0.5 P(T_rep = T_obs).

    The mid-p form suits discrete statistics (counts), where ties are common; values
    near 0 or 1 flag misfit. ``replicated`` has draws along axis 0.
    """
    greater = (replicated > observed).mean(axis=0)
    equal = (replicated == observed).mean(axis=0)
    return greater + 0.5 * equal


def ppc_table(labels: pd.DataFrame, observed: np.ndarray,
              replicated: np.ndarray) -> pd.DataFrame:
    """Tidy PPC table: ``labels`` columns, then observed, replicated median/95%, ppp."""
    lower, median, upper = np.quantile(replicated, [0.025, 0.5, 0.975], axis=0)
    table = labels.reset_index(drop=True).copy()
    table["observed"] = observed
    table["replicated_median"] = median
    table["replicated_lower95"] = lower
    table["replicated_upper95"] = upper
    table["ppp"] = posterior_predictive_pvalue(replicated, observed)
    return table


def replicate_group_events(p_blocks: Iterator[np.ndarray], groups: np.ndarray,
                           n_groups: int, rng: np.random.Generator) -> np.ndarray:
    """Bernoulli replicates of each participant, summed by group, for each draw.

    ``p_blocks`` yields (draws, participants) outcome probabilities; ``groups`` holds each
    participant's group code 0..n_groups-1. Returns (draws, n_groups) event counts.
    """
    indicator = np.eye(n_groups, dtype=float)[groups]  # participants x groups
    parts = [(rng.random(p.shape) < p).astype(float) @ indicator for p in p_blocks]
    return np.concatenate(parts)


def ppc_aggregate(result: AggregateResult, seed: int = PPC_SEED) -> pd.DataFrame:
    """Replicated vs observed events per arm for the aggregate model.

    Each posterior draw of the arm rates gives one Binomial(n, p) replicate per arm.
    (With two parameters for two counts the model is saturated, so ppp near 0.5 is
    expected; the check guards against coding errors rather than testing fit.)
    """
    rng = np.random.default_rng(seed)
    p = result.idata["posterior"]["p"].transpose("chain", "draw", "arm").values.reshape(-1, 2)
    n = np.array([result.counts.treatment.n, result.counts.control.n])
    observed = np.array([result.counts.treatment.events, result.counts.control.events])
    replicated = rng.binomial(n, p)
    labels = pd.DataFrame({"arm": list(ARM_NAMES), "n": n})
    return ppc_table(labels, observed, replicated)


def _ipd_probability_blocks(posterior: xr.Dataset, data: IpdData) -> Iterator[np.ndarray]:
    """Each complete case's outcome probability, block of draws by block of draws."""
    for b in draw_blocks(posterior):
        yield expit(linear_predictor(b, data.treated, data.z))


def _ipd_ppc(result: IpdResult, groups: np.ndarray, labels: pd.DataFrame,
             seed: int) -> pd.DataFrame:
    data = result.data
    n_groups = len(labels)
    replicated = replicate_group_events(_ipd_probability_blocks(result.posterior, data),
                                        groups, n_groups, np.random.default_rng(seed))
    observed = np.bincount(groups, weights=data.y, minlength=n_groups).astype("int64")
    labels = labels.copy()
    labels["n"] = np.bincount(groups, minlength=n_groups)
    return ppc_table(labels, observed, replicated)


def ppc_ipd_arms(result: IpdResult, seed: int = PPC_SEED) -> pd.DataFrame:
    """Replicated vs observed events per arm for the IPD model (Bernoulli per participant)."""
    groups = np.where(result.data.treated == 1, 0, 1)
    return _ipd_ppc(result, groups, pd.DataFrame({"arm": list(ARM_NAMES)}), seed)


def crp_tertiles(crp_mg_l: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Tertile code (0, 1, 2) of each hs-CRP value (pooled over arms) and labels in mg/L."""
    codes, edges = pd.qcut(crp_mg_l, 3, labels=False, retbins=True, duplicates="drop")
    labels = [f"T{i + 1} ({edges[i]:.1f}-{edges[i + 1]:.1f} mg/L)"
              for i in range(len(edges) - 1)]
    return np.asarray(codes, dtype=int), labels


def ppc_ipd_tertiles(result: IpdResult, seed: int = PPC_SEED) -> pd.DataFrame:
    """Replicated vs observed events by hs-CRP tertile (complete cases, pooled) x arm.

    The check that speaks to the interaction: a model missing it would mispredict events
    in the low- and high-CRP tertiles of the treatment arm.
    """
    tertile, names = crp_tertiles(result.data.crp_mg_l)
    arm = np.where(result.data.treated == 1, 0, 1)
    groups = tertile * 2 + arm
    labels = pd.DataFrame({"crp_tertile": np.repeat(names, 2),
                           "arm": list(ARM_NAMES) * len(names)})
    return _ipd_ppc(result, groups, labels, seed)
