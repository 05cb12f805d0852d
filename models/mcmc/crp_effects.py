"""Effects of tocilizumab as functions of baseline hs-CRP, from the interaction model's
posterior draws: conditional OR, ARD and P(benefit) along hs-CRP, the hs-CRP at which
P(benefit) reaches a level, and marginal (sample-averaged) arm rates.

Every log-odds is :func:`models.exact.linear_predictor.linear_predictor`; hs-CRP in mg/L
is mapped to the model's ``z`` by the fit's own standardisation
(:meth:`models.data.ipd.IpdData.z_of`). Scales: log OR and OR (= exp of it); ARD and arm
rates in proportion units (0.10 = 10 percentage points); hs-CRP in mg/L; probabilities
carry ArviZ's Monte Carlo SE; bands are equal-tailed (``arviz.eti``).
"""

from collections.abc import Iterator, Sequence

import arviz as az
import numpy as np
import pandas as pd
import xarray as xr
from scipy.special import expit

from models.core.types import Probability
from models.data.ipd import IpdData
from models.exact.linear_predictor import linear_predictor
from models.mcmc.draws import probability
from models.mcmc.logistic_models import IPD_TERMS

CRP_GRID_MG_L = (3.0, 30.0)
"""Default hs-CRP range (mg/L) of the conditional-effect curves: the trial's inclusion
threshold to ten times it."""

CRP_GRID_POINTS = 61
"""Points of the log-spaced hs-CRP grid (step of about 4% in hs-CRP)."""

BENEFIT_LEVEL = 0.9
"""Level at which the P(benefit | hs-CRP) curve is read off (:func:`crp_where_probability`)."""

CRP_READ_OUT_MG_L = (3.0, 5.0, 10.0, 20.0)
"""Fixed hs-CRP values (mg/L) at which the report quotes P(benefit | hs-CRP), each with its
Monte Carlo error, instead of a range read off a noisy curve."""

DEFAULT_CRP_VALUES = (3.0, 5.0, 10.0)
"""hs-CRP values (mg/L) at which P(benefit) is reported by default."""

DRAW_BLOCK = 1024
"""Posterior draws processed at once in per-participant computations (bounds memory for
large simulated data sets: draws x participants doubles per block)."""


def draw_blocks(posterior: xr.Dataset) -> Iterator[dict[str, np.ndarray]]:
    """The four coefficients as (draws, 1) arrays, ``DRAW_BLOCK`` draws at a time, in
    (chain, draw) order: ready to broadcast against participants."""
    flat = {term: np.asarray(posterior[term].transpose("chain", "draw")).reshape(-1)
            for term in IPD_TERMS}
    total = flat["intercept"].size
    for start in range(0, total, DRAW_BLOCK):
        yield {term: values[start:start + DRAW_BLOCK, None] for term, values in flat.items()}


def marginal_rates(posterior: xr.Dataset, data: IpdData) -> tuple[xr.DataArray, xr.DataArray]:
    """Sample-averaged arm rates (proportions), draw by draw (g-computation).

    For each draw, the outcome probability of *every* complete case is computed as if
    treated and as if on control, at their own hs-CRP, and averaged over participants:
    the rates the same people would have under each arm. Their difference is the
    marginal ARD; their odds ratio is the marginal OR (which differs from the
    conditional OR ``exp(treatment)`` because odds ratios are non-collapsible).

    Returns
    -------
    (p_treatment, p_control)
        DataArrays with dims (chain, draw).
    """
    shape = posterior["intercept"].transpose("chain", "draw").shape
    treated_parts, control_parts = [], []
    for b in draw_blocks(posterior):
        treated_parts.append(expit(linear_predictor(b, 1.0, data.z)).mean(axis=1))
        control_parts.append(expit(linear_predictor(b, 0.0, data.z)).mean(axis=1))
    dims = ("chain", "draw")
    coords = {dim: posterior[dim].values for dim in dims}

    def as_array(parts: list[np.ndarray]) -> xr.DataArray:
        return xr.DataArray(np.concatenate(parts).reshape(shape), dims=dims, coords=coords)

    return as_array(treated_parts), as_array(control_parts)


def crp_grid(lower: float = CRP_GRID_MG_L[0], upper: float = CRP_GRID_MG_L[1],
             points: int = CRP_GRID_POINTS) -> np.ndarray:
    """Log-spaced hs-CRP values in mg/L from ``lower`` to ``upper``."""
    return np.geomspace(lower, upper, points)


def conditional_effect_draws(posterior: xr.Dataset, data: IpdData,
                             crp_mg_l: Sequence[float] | np.ndarray) -> xr.Dataset:
    """Draws of the conditional effects at each hs-CRP value (dims chain, draw, crp_mg_l).

    Variables: ``log_or`` = treatment + interaction*z (log OR at that hs-CRP), ``ard`` =
    p_treatment(z) - p_control(z) (proportion units) and ``benefit`` = 1 when log_or > 0.
    """
    crp = np.asarray(crp_mg_l, dtype=float)
    z = data.z_of(crp)
    # (chain, draw, 1) draws broadcast against the (crp_mg_l,) values of z.
    b = {term: np.asarray(posterior[term].transpose("chain", "draw"))[..., None]
         for term in IPD_TERMS}
    log_or = b["treatment"] + b["interaction"] * z
    ard = expit(linear_predictor(b, 1.0, z)) - expit(linear_predictor(b, 0.0, z))
    dims = ("chain", "draw", "crp_mg_l")
    coords = {"chain": posterior["chain"].values, "draw": posterior["draw"].values,
              "crp_mg_l": crp}
    return xr.Dataset({"log_or": (dims, log_or), "ard": (dims, ard),
                       "benefit": (dims, (log_or > 0).astype(float))}, coords=coords)


def _bands(draws: xr.DataArray, prefix: str) -> dict[str, np.ndarray]:
    """Median and 50% and 95% equal-tailed bands of draws along ``crp_mg_l``."""
    out = {f"{prefix}_median": draws.median(("chain", "draw")).values}
    for prob, label in ((0.5, "50"), (0.95, "95")):
        bounds = az.eti(draws, prob=prob).transpose("crp_mg_l", "ci_bound").values
        out[f"{prefix}_lower{label}"] = bounds[:, 0]
        out[f"{prefix}_upper{label}"] = bounds[:, 1]
    return out


def conditional_effects(posterior: xr.Dataset, data: IpdData,
                        crp_mg_l: Sequence[float] | np.ndarray | None = None) -> pd.DataFrame:
    """Conditional OR, ARD and P(benefit) as functions of hs-CRP (one row per value).

    Columns: ``crp_mg_l`` (mg/L), ``z`` (standardised log hs-CRP); ``or_median``,
    ``or_lower50``/``or_upper50``, ``or_lower95``/``or_upper95`` (odds ratio, treatment vs
    control, for a participant with that hs-CRP); the same for ``ard_*`` (proportion
    units, at that hs-CRP); ``p_benefit`` = P(log OR > 0 | hs-CRP) = P(ARD > 0 | hs-CRP)
    and its ``p_benefit_mcse``. Bands are equal-tailed (``arviz.eti``).
    """
    crp = crp_grid() if crp_mg_l is None else np.asarray(crp_mg_l, dtype=float)
    draws = conditional_effect_draws(posterior, data, crp)
    log_bands = _bands(draws["log_or"], "or")
    table = pd.DataFrame({"crp_mg_l": crp, "z": data.z_of(crp)})
    for key, values in log_bands.items():
        table[key] = np.exp(values)
    for key, values in _bands(draws["ard"], "ard").items():
        table[key] = values
    table["p_benefit"] = draws["benefit"].mean(("chain", "draw")).values
    table["p_benefit_mcse"] = az.mcse(draws["benefit"], method="mean").values
    return table


def crp_where_probability(crp_mg_l: np.ndarray, p: np.ndarray,
                          level: float = BENEFIT_LEVEL) -> float | None:
    """The lowest hs-CRP (mg/L) at which a curve of probabilities first reaches ``level``.

    Linear interpolation in log hs-CRP between the grid points around the first crossing.
    Returns the grid's first value when the curve starts at or above ``level`` (the
    crossing is then at or below the grid's range), ``None`` when it never reaches it.
    """
    crp = np.asarray(crp_mg_l, dtype=float)
    p = np.asarray(p, dtype=float)
    reached = np.flatnonzero(p >= level)
    if reached.size == 0:
        return None
    i = int(reached[0])
    if i == 0:
        return float(crp[0])
    x0, x1 = np.log(crp[i - 1]), np.log(crp[i])
    fraction = (level - p[i - 1]) / (p[i] - p[i - 1])
    return float(np.exp(x0 + fraction * (x1 - x0)))


def p_benefit_at_crp(posterior: xr.Dataset, data: IpdData,
                     crp_mg_l: Sequence[float]) -> dict[float, Probability]:
    """P(treatment beats control | hs-CRP) at each hs-CRP value in mg/L, with MCSE."""
    crp = np.asarray(crp_mg_l, dtype=float)
    z = xr.DataArray(data.z_of(crp), dims="crp_mg_l", coords={"crp_mg_l": crp})
    benefit = posterior["treatment"] + posterior["interaction"] * z > 0  # log OR > 0
    return {float(c): probability(benefit.sel(crp_mg_l=c)) for c in crp}
