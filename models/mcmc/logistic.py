"""Logistic models in PyMC: aggregate counts, and IPD with a treatment x hs-CRP interaction.

Two model structures, each compiled once per process with nutpie
(:mod:`models.mcmc.sampling`) and re-used for every prior and data set through shared data:

Aggregate model (the two arms' counts)::

    logit p_arm = intercept + treatment * T_arm          (T = 1 treatment, 0 control)
    events_arm ~ Binomial(n_arm, p_arm)

IPD model with interaction (one row per complete case)::

    logit p_i = intercept + treatment*T_i + biomarker*z_i + interaction*T_i*z_i
    y_i ~ Bernoulli(p_i)

with ``z`` the natural log of baseline hs-CRP (mg/L) standardised with the complete
cases' own sample mean and SD (``ddof=1``), stored in :class:`IpdData` so every hs-CRP
value in mg/L can be mapped back to ``z``. All coefficients are on the log-odds scale:
``intercept`` = log-odds on control at z = 0, ``treatment`` = log odds ratio at z = 0
(i.e. at the complete cases' geometric-mean hs-CRP), ``biomarker`` = log OR per SD of log
hs-CRP on control, ``interaction`` = extra log OR per SD of log hs-CRP on treatment.
Priors are Normal(mean, sd) from a :class:`~models.priors.LogisticPrior`.

Scales used throughout: log OR (coefficients) vs OR (``exp`` of it); ARD and arm rates in
proportion units (0.10 = 10 percentage points); hs-CRP in mg/L. Intervals are 95%
equal-tailed unless a name says otherwise; probabilities carry ArviZ's Monte Carlo SE.

Implementation notes
--------------------
- Priors and data are ``pm.Data`` shared variables. nutpie's ``with_data`` checks only the
  *rank* of a new value and passes shapes at run time, so IPD data sets of any length run
  on the one compiled model (checked: a model compiled with 4 rows samples 29 and 3,000
  rows correctly). For that reason the IPD model has no per-participant
  ``pm.Deterministic`` (nutpie fixes the shapes of stored variables at compile time) and
  no ``dims`` on the participant axis; per-participant quantities are computed here from
  the posterior draws with numpy.
- Power-scaling sensitivity (:func:`psense`) needs ``log_prior`` and ``log_likelihood``
  groups, which nutpie does not write: they are computed afterwards with
  ``pymc.stats.compute_log_prior`` / ``compute_log_likelihood`` on an (uncompiled) PyMC
  model holding the same data as the fit.
"""

import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import arviz as az
import numpy as np
import pandas as pd
import xarray as xr
from scipy.special import expit

from models.core.errors import InputError
from models.core.scoped import quiet_logger
from models.core.types import EffectSummary, Interval, Probability
from models.data.ipd import (
    ARM_COLUMN,
    CONTROL_ARM,
    CRP_COLUMN,
    TREATMENT_ARM,
    complete_cases,
    outcome_column,
)
from models.data.trial import ArmCounts, OutcomeCounts
from models.exact.beta_binomial import ARD_THRESHOLDS
from models.mcmc import sampling
from models.mcmc.diagnostics import Diagnostics, diagnose
from models.mcmc.draws import interval, probability, summarise_draws
from models.priors.prior_set import LOGISTIC_TERMS, LogisticPrior

AGGREGATE_MODEL_KEY = "logistic_aggregate"
IPD_MODEL_KEY = "logistic_ipd"

AGGREGATE_TERMS = ("intercept", "treatment")
"""Coefficients of the aggregate model (log-odds scale)."""

IPD_TERMS = LOGISTIC_TERMS
"""Coefficients of the IPD model: intercept, treatment, biomarker, interaction."""

ARM_NAMES = ("treatment", "control")

STANDARDISATION_DDOF = 1
"""Delta degrees of freedom of the SD of log hs-CRP used to standardise (sample SD)."""

CRP_GRID_MG_L = (3.0, 30.0)
"""Default hs-CRP range (mg/L) of the conditional-effect curves: the trial's inclusion
threshold to ten times it."""

CRP_GRID_POINTS = 61
"""Points of the log-spaced hs-CRP grid (step of about 4% in hs-CRP)."""

BENEFIT_LEVEL = 0.9
"""Level at which the P(benefit | hs-CRP) curve is read off (:func:`crp_where_probability`)."""

DEFAULT_CRP_VALUES = (3.0, 5.0, 10.0)
"""hs-CRP values (mg/L) at which P(benefit) is reported by default."""

PPC_SEED = 20261128
"""Seed of the numpy generator drawing posterior predictive replicates."""

DRAW_BLOCK = 1024
"""Posterior draws processed at once in per-participant computations (bounds memory for
large simulated data sets: draws x participants doubles per block)."""


# --- data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IpdData:
    """The complete cases of one outcome, ready for the IPD model.

    Attributes
    ----------
    outcome
        Outcome name (``remission`` or ``response``).
    treated
        1.0 for tocilizumab, 0.0 for placebo (float array, one per complete case).
    crp_mg_l
        Baseline hs-CRP, mg/L.
    z
        ``(log crp_mg_l - log_crp_mean) / log_crp_sd``: standardised log hs-CRP.
    y
        Outcome, 0/1 (int64).
    log_crp_mean, log_crp_sd
        Sample mean and SD (``ddof``) of natural-log hs-CRP (log mg/L) of the complete cases.
    ddof
        Delta degrees of freedom of ``log_crp_sd`` (1: the sample SD).
    """

    outcome: str
    treated: np.ndarray
    crp_mg_l: np.ndarray
    z: np.ndarray
    y: np.ndarray
    log_crp_mean: float
    log_crp_sd: float
    ddof: int = STANDARDISATION_DDOF

    @property
    def n(self) -> int:
        return int(self.y.size)

    def z_of(self, crp_mg_l: np.ndarray | Sequence[float] | float) -> np.ndarray:
        """Standardised log hs-CRP for hs-CRP values in mg/L (this data set's scale)."""
        return (np.log(np.asarray(crp_mg_l, dtype=float)) - self.log_crp_mean) / self.log_crp_sd

    def arm_counts(self) -> OutcomeCounts:
        """Events / n per arm of these complete cases (treatment = tocilizumab)."""
        treated = self.treated == 1
        return OutcomeCounts(
            self.outcome,
            self.outcome,
            ArmCounts(int(self.y[treated].sum()), int(treated.sum())),
            ArmCounts(int(self.y[~treated].sum()), int((~treated).sum())),
        )

    def standardisation(self) -> dict[str, float | int]:
        """``log_crp_mean``, ``log_crp_sd`` (log mg/L), ``ddof`` and ``n``, as in
        :func:`models.simulate.truth_on_sample_scale`."""
        return {"log_crp_mean": self.log_crp_mean, "log_crp_sd": self.log_crp_sd,
                "ddof": self.ddof, "n": self.n}


def ipd_data(ipd: pd.DataFrame, outcome: str, ddof: int = STANDARDISATION_DDOF) -> IpdData:
    """Complete cases of ``outcome`` with log hs-CRP standardised by their own mean and SD.

    Raises
    ------
    InputError
        Unknown outcome (field ``outcome``); an arm without complete cases; fewer than two
        distinct hs-CRP values (the SD would be 0).
    """
    column = outcome_column(outcome)
    cases = complete_cases(ipd, outcome)
    arms = cases[ARM_COLUMN].to_numpy()
    for arm in (TREATMENT_ARM, CONTROL_ARM):
        if not (arms == arm).any():
            raise InputError(column, f"has no observed values in the {arm} arm")
    log_crp = np.log(cases[CRP_COLUMN].to_numpy(dtype=float))
    sd = float(log_crp.std(ddof=ddof)) if log_crp.size > ddof else 0.0
    if not sd > 0:
        raise InputError(CRP_COLUMN, "needs at least two different values among the "
                         f"complete cases of {outcome} to standardise log hs-CRP")
    mean = float(log_crp.mean())
    return IpdData(
        outcome=outcome,
        treated=(arms == TREATMENT_ARM).astype(float),
        crp_mg_l=cases[CRP_COLUMN].to_numpy(dtype=float),
        z=(log_crp - mean) / sd,
        y=cases[column].to_numpy(dtype="int64"),
        log_crp_mean=mean,
        log_crp_sd=sd,
        ddof=ddof,
    )


def prior_data(prior: LogisticPrior, terms: Sequence[str]) -> dict[str, np.ndarray]:
    """Shared data ``<term>_mu`` and ``<term>_sigma`` (0-d arrays) for the given terms."""
    out = {}
    for term in terms:
        normal = getattr(prior, term)
        out[f"{term}_mu"] = np.array(normal.mean, dtype=float)
        out[f"{term}_sigma"] = np.array(normal.sd, dtype=float)
    return out


def aggregate_model_data(prior: LogisticPrior, counts: OutcomeCounts) -> dict[str, np.ndarray]:
    """Shared data of the aggregate model: priors on intercept/treatment and the counts."""
    return {
        **prior_data(prior, AGGREGATE_TERMS),
        "n": np.array([counts.treatment.n, counts.control.n], dtype="int64"),
        "events": np.array([counts.treatment.events, counts.control.events], dtype="int64"),
    }


def ipd_model_data(prior: LogisticPrior, data: IpdData) -> dict[str, np.ndarray]:
    """Shared data of the IPD model: the four priors and the participant arrays."""
    return {**prior_data(prior, IPD_TERMS), "treated": data.treated, "z": data.z,
            "outcome": data.y}


# --- model structures -----------------------------------------------------------------


_PLACEHOLDER_PRIOR = {"mu": 0.0, "sigma": 1.0}


def _coefficient(term: str, data: Mapping[str, np.ndarray] | None):  # -> TensorVariable
    """``term ~ Normal(term_mu, term_sigma)`` with the prior's parameters as shared data."""
    import pymc as pm

    values = {key: (data or {}).get(f"{term}_{key}", default)
              for key, default in _PLACEHOLDER_PRIOR.items()}
    mu = pm.Data(f"{term}_mu", np.array(values["mu"], dtype=float))
    sigma = pm.Data(f"{term}_sigma", np.array(values["sigma"], dtype=float))
    return pm.Normal(term, mu=mu, sigma=sigma)


def build_aggregate_model(data: Mapping[str, np.ndarray] | None = None):  # -> pm.Model
    """Aggregate logistic model; ``data`` (see :func:`aggregate_model_data`) sets the shared
    values, placeholders otherwise (the compiled model gets real values via ``with_data``)."""
    import pymc as pm

    data = data or {}
    with pm.Model(coords={"arm": list(ARM_NAMES)}) as model:
        n = pm.Data("n", data.get("n", np.ones(2, dtype="int64")), dims="arm")
        events = pm.Data("events", data.get("events", np.zeros(2, dtype="int64")), dims="arm")
        intercept = _coefficient("intercept", data)
        treatment = _coefficient("treatment", data)
        logit_p = intercept + treatment * np.array([1.0, 0.0])
        pm.Deterministic("p", pm.math.invlogit(logit_p), dims="arm")
        pm.Binomial("y", n=n, logit_p=logit_p, observed=events, dims="arm")
    return model


def build_ipd_model(data: Mapping[str, np.ndarray] | None = None):  # -> pm.Model
    """IPD logistic model with interaction; ``data`` as :func:`ipd_model_data` returns."""
    import pymc as pm

    data = data or {}
    placeholder = np.zeros(4)
    with pm.Model() as model:
        treated = pm.Data("treated", data.get("treated", placeholder))
        z = pm.Data("z", data.get("z", placeholder))
        outcome = pm.Data("outcome", data.get("outcome", placeholder.astype("int64")))
        b = {term: _coefficient(term, data) for term in IPD_TERMS}
        logit_p = (b["intercept"] + b["treatment"] * treated + b["biomarker"] * z
                   + b["interaction"] * treated * z)
        pm.Bernoulli("y", logit_p=logit_p, observed=outcome)
    return model


# --- shared summaries -------------------------------------------------------------------


def _draws(posterior: xr.Dataset, term: str) -> np.ndarray:
    """Draws of one scalar coefficient as a (chain, draw) array."""
    return np.asarray(posterior[term].transpose("chain", "draw"))


def coefficient_intervals(posterior: xr.Dataset, terms: Sequence[str]) -> dict[str, Interval]:
    """Posterior median and 95% equal-tailed interval of each coefficient (log-odds scale)."""
    return {term: interval(posterior[term]) for term in terms}


def positive_probabilities(posterior: xr.Dataset,
                           terms: Sequence[str]) -> dict[str, Probability]:
    """P(coefficient > 0) with MCSE for each term (for ``treatment``: P(OR > 1))."""
    return {term: probability(posterior[term] > 0) for term in terms}


def _exp_interval(log_interval: Interval) -> Interval:
    """The interval of exp(x) from that of x (quantiles commute with monotone maps)."""
    return Interval(*(math.exp(v) for v in (log_interval.median, log_interval.lower,
                                             log_interval.upper)))


# --- aggregate model ------------------------------------------------------------------


@dataclass(frozen=True)
class AggregateResult:
    """Posterior of the aggregate logistic model for one prior and one outcome.

    Attributes
    ----------
    counts
        The analysed counts (events/n per arm).
    prior
        The logistic prior (only ``intercept`` and ``treatment`` are used).
    p_benefit
        P(OR > 1) = P(treatment log OR > 0) = P(p_treatment > p_control), with MCSE.
    log_odds_ratio
        Median and 95% interval of the treatment coefficient (log OR).
    odds_ratio
        Median and 95% interval of the OR (= exp of ``log_odds_ratio``).
    summary
        ARD (proportion units), RR and OR intervals and P(ARD > d) from the implied arm
        rates (:func:`models.effects.summarise_draws`).
    coefficients
        Median and 95% interval of ``intercept`` and ``treatment`` (log-odds scale).
    diagnostics, settings
        Convergence diagnostics over both coefficients; sampler settings used.
    idata
        nutpie's DataTree (posterior has ``intercept``, ``treatment`` and ``p`` by arm).
    model_data
        The shared data the fit used (priors and counts), e.g. for :func:`psense`.
    """

    counts: OutcomeCounts
    prior: LogisticPrior
    p_benefit: Probability
    log_odds_ratio: Interval
    odds_ratio: Interval
    summary: EffectSummary
    coefficients: dict[str, Interval]
    diagnostics: Diagnostics
    settings: sampling.SamplerSettings
    idata: xr.DataTree = field(repr=False)
    model_data: dict[str, np.ndarray] = field(repr=False)


def sample_aggregate(prior: LogisticPrior, counts: OutcomeCounts,
                     settings: sampling.SamplerSettings = sampling.DEFAULT_SAMPLER,
                     progress: bool = False, use_cache: bool = True) -> xr.DataTree:
    """Sample the aggregate model (compiled once per process) for one prior and counts.

    ``use_cache``: read/write the on-disk posterior cache (:mod:`models.mcmc.cache`).
    """
    data = aggregate_model_data(prior, counts)
    return sampling.sample(AGGREGATE_MODEL_KEY, build_aggregate_model, data, settings, progress,
                           use_cache=use_cache)


def fit_aggregate(prior: LogisticPrior, counts: OutcomeCounts,
                  settings: sampling.SamplerSettings = sampling.DEFAULT_SAMPLER,
                  progress: bool = False,
                  thresholds: tuple[float, ...] = ARD_THRESHOLDS, *,
                  use_cache: bool = True) -> AggregateResult:
    """Fit the aggregate logistic model and summarise P(OR > 1), OR, ARD, RR."""
    idata = sample_aggregate(prior, counts, settings, progress, use_cache)
    posterior = idata["posterior"].to_dataset()
    p = posterior["p"]
    log_or = interval(posterior["treatment"])
    return AggregateResult(
        counts=counts,
        prior=prior,
        p_benefit=probability(posterior["treatment"] > 0),
        log_odds_ratio=log_or,
        odds_ratio=_exp_interval(log_or),
        summary=summarise_draws(p.sel(arm="treatment"), p.sel(arm="control"), thresholds),
        coefficients=coefficient_intervals(posterior, AGGREGATE_TERMS),
        diagnostics=diagnose(idata, list(AGGREGATE_TERMS)),
        settings=settings,
        idata=idata,
        model_data=aggregate_model_data(prior, counts),
    )


# --- IPD model: per-participant and per-hs-CRP quantities -----------------------------


def _draw_blocks(posterior: xr.Dataset) -> Iterator[dict[str, np.ndarray]]:
    """The four coefficients as flat draw vectors, ``DRAW_BLOCK`` draws at a time."""
    flat = {term: _draws(posterior, term).reshape(-1) for term in IPD_TERMS}
    total = flat["intercept"].size
    for start in range(0, total, DRAW_BLOCK):
        yield {term: values[start:start + DRAW_BLOCK, None] for term, values in flat.items()}


def linear_predictor(b: Mapping[str, np.ndarray], treated: np.ndarray,
                     z: np.ndarray) -> np.ndarray:
    """Log-odds ``intercept + treatment*T + (biomarker + interaction*T)*z`` (broadcasting)."""
    return b["intercept"] + b["treatment"] * treated + (b["biomarker"]
                                                        + b["interaction"] * treated) * z


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
    for b in _draw_blocks(posterior):
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
    z = xr.DataArray(data.z_of(crp), dims="crp_mg_l", coords={"crp_mg_l": crp})
    b = {term: posterior[term] for term in IPD_TERMS}
    log_or = b["treatment"] + b["interaction"] * z
    ard = expit(linear_predictor(b, 1.0, z)) - expit(linear_predictor(b, 0.0, z))
    return xr.Dataset({"log_or": log_or, "ard": ard,
                       "benefit": (log_or > 0).astype(float)}).transpose(
        "chain", "draw", "crp_mg_l")


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
    draws = conditional_effect_draws(posterior, data, crp_mg_l)["log_or"] > 0
    return {float(c): probability(draws.sel(crp_mg_l=c)) for c in draws["crp_mg_l"].values}


# --- IPD model: fit ---------------------------------------------------------------------


@dataclass(frozen=True)
class IpdResult:
    """Posterior of the IPD logistic model with a treatment x hs-CRP interaction.

    Attributes
    ----------
    data
        The complete cases used, with the standardisation (sample mean and SD of log
        hs-CRP, ``ddof=1``).
    prior
        The logistic prior.
    coefficients
        Median and 95% interval of each coefficient (log-odds scale; ``treatment`` is the
        log OR at the sample mean log hs-CRP, ``interaction`` the extra log OR per SD of
        log hs-CRP).
    p_positive
        P(coefficient > 0) with MCSE per term. ``p_positive["treatment"]`` is P(benefit at
        the sample mean log hs-CRP), because z = 0 there.
    marginal
        Sample-averaged effects (:func:`marginal_rates`): P(marginal ARD > 0) as
        ``p_benefit``, P(ARD > d), ARD (proportion units), RR and OR (marginal).
    curves
        :func:`conditional_effects` on the default hs-CRP grid (3 to 30 mg/L).
    crp_p_benefit_90
        hs-CRP (mg/L) where P(benefit | hs-CRP) first reaches 0.9 on that grid (None if it
        never does; the grid's first value if it is already there at 3 mg/L).
    diagnostics, settings
        Over the four coefficients; sampler settings used.
    idata
        nutpie's DataTree (posterior holds the four coefficients).
    model_data
        The shared data the fit used, e.g. for :func:`psense`.
    """

    data: IpdData
    prior: LogisticPrior
    coefficients: dict[str, Interval]
    p_positive: dict[str, Probability]
    marginal: EffectSummary
    curves: pd.DataFrame = field(repr=False)
    crp_p_benefit_90: float | None
    diagnostics: Diagnostics
    settings: sampling.SamplerSettings
    idata: xr.DataTree = field(repr=False)
    model_data: dict[str, np.ndarray] = field(repr=False)

    @property
    def outcome(self) -> str:
        return self.data.outcome

    @property
    def posterior(self) -> xr.Dataset:
        return self.idata["posterior"].to_dataset()

    @property
    def p_treatment_positive(self) -> Probability:
        """P(log OR > 0) at the sample mean log hs-CRP (P(benefit) for a 'typical' CRP)."""
        return self.p_positive["treatment"]

    @property
    def p_interaction_positive(self) -> Probability:
        """P(interaction > 0): more benefit with higher hs-CRP."""
        return self.p_positive["interaction"]

    @property
    def interaction(self) -> Interval:
        """Median and 95% interval of the interaction (log OR per SD of log hs-CRP)."""
        return self.coefficients["interaction"]

    def p_benefit_at(self, crp_mg_l: Sequence[float]) -> dict[float, Probability]:
        """P(benefit | hs-CRP) at the given values (mg/L), with MCSE."""
        return p_benefit_at_crp(self.posterior, self.data, crp_mg_l)


def sample_ipd(prior: LogisticPrior, data: IpdData,
               settings: sampling.SamplerSettings = sampling.DEFAULT_SAMPLER,
               progress: bool = False, use_cache: bool = True) -> xr.DataTree:
    """Sample the IPD model (compiled once per process, any number of participants).

    ``use_cache``: read/write the on-disk posterior cache (:mod:`models.mcmc.cache`);
    the simulation study turns it off (it caches its own summaries instead).
    """
    return sampling.sample(IPD_MODEL_KEY, build_ipd_model, ipd_model_data(prior, data),
                           settings, progress, use_cache=use_cache)


def summarise_ipd(idata: xr.DataTree, prior: LogisticPrior, data: IpdData,
                  settings: sampling.SamplerSettings,
                  thresholds: tuple[float, ...] = ARD_THRESHOLDS) -> IpdResult:
    """All summaries of an IPD-model posterior (pure given the draws)."""
    posterior = idata["posterior"].to_dataset()
    curves = conditional_effects(posterior, data)
    p_t, p_c = marginal_rates(posterior, data)
    return IpdResult(
        data=data,
        prior=prior,
        coefficients=coefficient_intervals(posterior, IPD_TERMS),
        p_positive=positive_probabilities(posterior, IPD_TERMS),
        marginal=summarise_draws(p_t, p_c, thresholds),
        curves=curves,
        crp_p_benefit_90=crp_where_probability(curves["crp_mg_l"].to_numpy(),
                                               curves["p_benefit"].to_numpy()),
        diagnostics=diagnose(idata, list(IPD_TERMS)),
        settings=settings,
        idata=idata,
        model_data=ipd_model_data(prior, data),
    )


def fit_ipd(prior: LogisticPrior, ipd: pd.DataFrame, outcome: str,
            settings: sampling.SamplerSettings = sampling.DEFAULT_SAMPLER,
            progress: bool = False,
            thresholds: tuple[float, ...] = ARD_THRESHOLDS, *,
            use_cache: bool = True) -> IpdResult:
    """Fit the IPD interaction model to the complete cases of ``outcome`` and summarise it."""
    data = ipd_data(ipd, outcome)
    idata = sample_ipd(prior, data, settings, progress, use_cache)
    return summarise_ipd(idata, prior, data, settings, thresholds)


def truth_table(result: IpdResult, truth: Mapping[str, Mapping[str, object]]) -> pd.DataFrame:
    """Truth against estimate for the four coefficients (log-odds scale).

    Parameters
    ----------
    result
        An IPD fit.
    truth
        The output of :func:`models.simulate.truth_on_sample_scale` for the same IPD (its
        standardisation must match the fit's, else ``ValueError``).

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term``, ``truth``, ``median``, ``lower``, ``upper`` (95%),
        ``error`` (median - truth) and ``covered`` (truth inside the 95% interval).
    """
    own = result.data.standardisation()
    theirs = truth["standardisation"][result.outcome]
    for key in ("log_crp_mean", "log_crp_sd"):
        if not math.isclose(float(theirs[key]), float(own[key]), rel_tol=1e-9, abs_tol=1e-12):
            raise ValueError(f"truth was standardised differently ({key} {theirs[key]} vs "
                             f"{own[key]}): pass truth_on_sample_scale of the same IPD")
    rows = []
    for term in IPD_TERMS:
        value = float(truth[result.outcome][term])
        est = result.coefficients[term]
        rows.append({"term": term, "truth": value, "median": est.median, "lower": est.lower,
                     "upper": est.upper, "error": est.median - value,
                     "covered": bool(est.lower <= value <= est.upper)})
    return pd.DataFrame(rows)


# --- posterior predictive checks ------------------------------------------------------


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
    for b in _draw_blocks(posterior):
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


# --- prior / likelihood sensitivity ---------------------------------------------------


def _log_density_tree(result: AggregateResult | IpdResult) -> xr.DataTree:
    """Posterior plus ``log_likelihood`` and ``log_prior`` groups for ``result``'s data."""
    import pymc as pm

    if isinstance(result, IpdResult):
        model = build_ipd_model(result.model_data)
        terms = IPD_TERMS
    else:
        model = build_aggregate_model(result.model_data)
        terms = AGGREGATE_TERMS
    posterior = result.idata["posterior"].to_dataset()[list(terms)]
    tree = xr.DataTree.from_dict({"posterior": posterior})
    kwargs = {"model": model, "extend_inferencedata": False, "progressbar": False}
    log_likelihood = pm.stats.compute_log_likelihood(tree, **kwargs)
    log_prior = pm.stats.compute_log_prior(tree, **kwargs)
    return xr.DataTree.from_dict({"posterior": posterior, "log_likelihood": log_likelihood,
                                  "log_prior": log_prior})


PSENSE_THRESHOLD = 0.05
"""Power-scaling sensitivity at or above this value is flagged (ArviZ's default)."""


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
