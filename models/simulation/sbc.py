"""Simulation-based calibration (SBC) of the sampled logistic models.

One **case** is a model and a prior. Each of its replicates draws the coefficients from the
prior, simulates one data set of the case's design from them, fits it with the compiled
PyMC model at the report's sampler settings and ranks each true quantity among the thinned
posterior draws (:mod:`models.simulation.sbc_ranks`). Uniform ranks over replicates are the
evidence that model code, priors passed as data and sampler compute the right posterior.

Models and their quantities (log-odds scale unless stated):

- ``interaction``: the hs-CRP interaction model on individual data
  (:func:`models.mcmc.interaction.sample_ipd`). Design: 30 randomised, 14 treatment and 16
  control, every outcome observed; baseline hs-CRP (mg/L) drawn as in the generating
  process (:func:`models.simulation.process.draw_crp`: lognormal truncated at 3 mg/L) and
  standardised with the data set's own mean and SD of log hs-CRP, as the analysis does.
  Quantities: the four coefficients and the log OR at hs-CRP :data:`CRP_READ_OUT_MG_L`
  (``treatment + interaction * z(CRP)``), the quantity whose posterior P(> 0) is the
  report's P(benefit | hs-CRP) (a probability of an event has no rank; the quantity it is
  computed from does, and its calibration carries over).
- ``aggregate``: the logistic model on the two arms' counts
  (:func:`models.mcmc.aggregate.sample_aggregate`), the MCMC cross-check of the exact
  answer. Design: the trial's analysed arm sizes :data:`AGGREGATE_DESIGN`. Quantities:
  intercept, log OR and the risk difference (ARD, proportion, treatment minus control).

Reproducibility: replicate ``r`` draws from ``default_rng(SeedSequence(seed).spawn(r+1)[r])``
(the first ``k`` replicates do not depend on how many are run) and samples with seed
``settings.seed + r``. Each replicate's ranks are cached under the cache root
(:func:`models.core.result_cache.cached_result`, keyed by the case without its replicate
count, the replicate number, this code and the package versions), so a larger run re-uses
a smaller one and an interrupted run resumes. Replicates run in parallel over the cores, or
on a Dask cluster (:func:`models.core.parallel.parallel_map`).
"""

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from scipy.special import expit

from models.core.distributions import NormalPrior
from models.core.parallel import parallel_map
from models.core.result_cache import cached_result
from models.data.ipd import IpdData, log_crp_moments, standardise_log_crp
from models.data.trial import ArmCounts, OutcomeCounts
from models.exact.linear_predictor import linear_predictor
from models.mcmc.logistic_models import AGGREGATE_TERMS, ARM_TREATED, IPD_TERMS
from models.mcmc.sampling import DEFAULT_SAMPLER, SamplerSettings
from models.priors.prior_set import LogisticPrior
from models.simulation.process import DEFAULT_PROCESS, GeneratingProcess, draw_crp
from models.simulation.sbc_ranks import rank_of, thinned

Model = Literal["interaction", "aggregate"]
MODELS: tuple[Model, ...] = ("interaction", "aggregate")

INTERACTION_DESIGN = (14, 16)
"""Treatment and control participants of each simulated interaction-model data set: the
trial's 30 randomised (14 tocilizumab, 16 placebo), all with an outcome."""
AGGREGATE_DESIGN = (13, 16)
"""Treatment and control participants of each simulated count data set: the trial's
analysed arm sizes at day 28."""
CRP_READ_OUT_MG_L = 10.0
"""The hs-CRP (mg/L) at which the log OR is ranked: one of the report's read-out values,
where the interaction term moves the effect away from the one at the sample mean."""

SBC_SAMPLER = DEFAULT_SAMPLER
"""The report's sampler settings (4 chains x 2,000 draws after 1,000 tuning steps)."""
SBC_THIN = 20
"""Keep every 20th draw of each chain: 400 of 8,000 draws are ranked (ranks 0 to 400).
NUTS draws of these models are nearly independent at lag 20 (bulk ESS is close to the
number of draws), as SBC's uniformity needs."""
DEFAULT_REPLICATES = 500
DEFAULT_SBC_SEED = 20261201
MIN_REPLICATES = 20
"""Fewest replicates a run accepts: fewer cannot show non-uniformity."""

DEFAULT_CASES: tuple[tuple[Model, str], ...] = (
    ("interaction", "reference"), ("interaction", "skeptical"), ("aggregate", "reference"))
"""What ``make sbc`` checks: the interaction model under the reference and the skeptical
prior, and the aggregate model's MCMC cross-check under the reference prior."""

QUANTITY_LABELS = {
    "intercept": "Intercept",
    "treatment": "Treatment log OR",
    "biomarker": "hs-CRP slope",
    "interaction": "Interaction",
    "log_or_at_crp": f"Log OR at {CRP_READ_OUT_MG_L:g} mg/L",
    "ard": "Risk difference",
}
"""Short plain names of the ranked quantities (figure panels, sentences): the intercept
(log-odds on control), the log OR (at the sample mean log hs-CRP for the interaction
model), the hs-CRP slope on control and the interaction (log OR per SD of log hs-CRP),
the log OR at the read-out hs-CRP, the risk difference (proportion)."""


@dataclass(frozen=True)
class SbcCase:
    """One model under one prior, and how its replicates are run.

    Attributes
    ----------
    model
        ``interaction`` or ``aggregate`` (see the module docstring).
    prior_name
        The prior's name in the priors file.
    prior
        The prior the true coefficients are drawn from.
    fit_prior
        The prior handed to the sampler; ``None`` (always, in real use) means ``prior``.
        A different one makes a deliberately mis-specified case, which SBC must detect.
    replicates, seed
        Number of replicates and the seed of their data sets.
    settings, thin
        Sampler settings (replicate ``r`` samples with seed ``settings.seed + r``) and the
        thinning of each chain before ranking.
    n_treatment, n_control
        Participants per simulated arm (default: the model's design).
    process
        Where hs-CRP is drawn from (interaction model).
    """

    model: Model
    prior_name: str
    prior: LogisticPrior
    fit_prior: LogisticPrior | None = None
    replicates: int = DEFAULT_REPLICATES
    seed: int = DEFAULT_SBC_SEED
    settings: SamplerSettings = field(default=SBC_SAMPLER)
    thin: int = SBC_THIN
    n_treatment: int | None = None
    n_control: int | None = None
    process: GeneratingProcess = DEFAULT_PROCESS

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {', '.join(MODELS)}, got {self.model!r}")

    @property
    def design(self) -> tuple[int, int]:
        """(treatment, control) participants per simulated data set."""
        default = INTERACTION_DESIGN if self.model == "interaction" else AGGREGATE_DESIGN
        return (self.n_treatment if self.n_treatment is not None else default[0],
                self.n_control if self.n_control is not None else default[1])

    @property
    def sampler_prior(self) -> LogisticPrior:
        return self.fit_prior or self.prior

    @property
    def terms(self) -> tuple[str, ...]:
        """The model's coefficients."""
        return IPD_TERMS if self.model == "interaction" else AGGREGATE_TERMS

    @property
    def quantities(self) -> tuple[str, ...]:
        """Everything ranked: the coefficients and the derived quantity the report uses."""
        return (*self.terms, "log_or_at_crp" if self.model == "interaction" else "ard")

    @property
    def max_rank(self) -> int:
        """``L``, the number of draws each truth is ranked among."""
        per_chain = math.ceil(self.settings.draws / self.thin)
        return per_chain * self.settings.chains


def draw_coefficients(prior: LogisticPrior, terms: Sequence[str],
                      rng: np.random.Generator) -> dict[str, float]:
    """One draw of each coefficient from its normal prior (log-odds scale)."""
    out = {}
    for term in terms:
        normal: NormalPrior = getattr(prior, term)
        out[term] = float(rng.normal(normal.mean, normal.sd))
    return out


def simulate_interaction(case: SbcCase, rng: np.random.Generator
                         ) -> tuple[IpdData, dict[str, float]]:
    """A SIMULATED individual data set of the design and its true quantities."""
    n_treatment, n_control = case.design
    treated = np.repeat([1.0, 0.0], [n_treatment, n_control])
    crp = draw_crp(case.process, treated.size, rng)
    log_mean, log_sd = log_crp_moments(crp)
    z = standardise_log_crp(crp, log_mean, log_sd)
    truth = draw_coefficients(case.prior, IPD_TERMS, rng)
    y = (rng.random(treated.size) < expit(linear_predictor(truth, treated, z))).astype("int64")
    data = IpdData("sbc", treated, crp, z, y, log_mean, log_sd)
    z_read_out = float(data.z_of(CRP_READ_OUT_MG_L))
    truth["log_or_at_crp"] = truth["treatment"] + truth["interaction"] * z_read_out
    return data, truth


def simulate_aggregate(case: SbcCase, rng: np.random.Generator
                       ) -> tuple[OutcomeCounts, dict[str, float]]:
    """SIMULATED counts of the design and their true quantities."""
    n_treatment, n_control = case.design
    truth = draw_coefficients(case.prior, AGGREGATE_TERMS, rng)
    p_treatment, p_control = (float(p) for p in expit(linear_predictor(truth, ARM_TREATED)))
    counts = OutcomeCounts("sbc", "sbc",
                           ArmCounts(int(rng.binomial(n_treatment, p_treatment)), n_treatment),
                           ArmCounts(int(rng.binomial(n_control, p_control)), n_control))
    truth["ard"] = p_treatment - p_control
    return counts, truth


def replicate_rng(seed: int, replicate: int) -> np.random.Generator:
    """The generator of data set ``replicate`` (independent of how many are run)."""
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(replicate + 1)[replicate])


def _posterior_quantities(case: SbcCase, posterior: Any, data: IpdData | None
                          ) -> dict[str, np.ndarray]:
    """Draws (chain, draw) of every ranked quantity."""
    draws = {term: posterior[term].values for term in case.terms}
    if case.model == "interaction":
        assert data is not None
        z = float(data.z_of(CRP_READ_OUT_MG_L))
        draws["log_or_at_crp"] = draws["treatment"] + draws["interaction"] * z
    else:
        p = posterior["p"]
        draws["ard"] = (p.sel(arm="treatment") - p.sel(arm="control")).values
    return draws


def run_replicate(case: SbcCase, replicate: int) -> dict[str, Any]:
    """Simulate, fit and rank replicate ``replicate``: ranks per quantity, the data's
    event counts and the fit's diagnostics (divergences, worst R-hat and bulk ESS)."""
    from models.mcmc.aggregate import sample_aggregate
    from models.mcmc.diagnostics import diagnose
    from models.mcmc.interaction import sample_ipd

    rng = replicate_rng(case.seed, replicate)
    settings = replace(case.settings, seed=case.settings.seed + replicate)
    data: IpdData | None = None
    if case.model == "interaction":
        data, truth = simulate_interaction(case, rng)
        idata = sample_ipd(case.sampler_prior, data, settings, use_cache=False)
        counts = data.arm_counts()
    else:
        counts, truth = simulate_aggregate(case, rng)
        idata = sample_aggregate(case.sampler_prior, counts, settings, use_cache=False)
    posterior = idata["posterior"].to_dataset()
    draws = _posterior_quantities(case, posterior, data)
    diagnostics = diagnose(idata, list(case.terms))
    return {
        "replicate": replicate,
        "ranks": {name: rank_of(truth[name], thinned(draws[name], case.thin))
                  for name in case.quantities},
        "truth": truth,
        "events": [counts.treatment.events, counts.control.events],
        "divergences": diagnostics.divergences,
        "rhat_max": diagnostics.rhat_max,
        "ess_bulk_min": diagnostics.ess_bulk_min,
        "passes_diagnostics": not diagnostics.problems,
    }


def cached_replicate(case: SbcCase, replicate: int) -> dict[str, Any]:
    """:func:`run_replicate`, or its cached result (keyed without the replicate count)."""
    return cached_result("sbc", [__name__], {"case": replace(case, replicates=0),
                                             "replicate": replicate},
                         functools.partial(run_replicate, case, replicate))


def sbc_code_fingerprint() -> str:
    """SHA-256 of the code that simulates, fits and ranks (this module and every project
    module it imports): what a stored run was computed with."""
    from models.core.code_fingerprint import code_fingerprint

    return code_fingerprint([__name__])  # its closure holds the samplers it imports


def run_case(case: SbcCase) -> list[dict[str, Any]]:
    """Every replicate of ``case``, in order, in parallel (see the module docstring)."""
    label = f"SBC {case.model} model, {case.prior_name} prior: replicates"
    return parallel_map(functools.partial(cached_replicate, case), range(case.replicates),
                        what=label, progress_every=25)
