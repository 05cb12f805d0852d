"""Simulated individual participant data (IPD) for the tocilizumab trial.

The trial's IPD are not public. To show how a baseline hs-CRP term and a treatment x
hs-CRP interaction are estimated (and how poorly n = 29 pins an interaction down), this
module *simulates* IPD from a documented data-generating process and conditions it so that
its complete cases reproduce the published day-28 counts exactly. Nothing here is trial
data; every file written says so.

Generating process (all logs are natural logs)
----------------------------------------------
1. Baseline hs-CRP, ``C`` in mg/L: lognormal in the screened population of depressed
   patients, ``log C ~ Normal(log median, log_sd)``, truncated below at the inclusion
   threshold (3 mg/L) because only people at or above it are randomised. Recorded to
   0.1 mg/L, and the recorded value is what the outcome model acts on.
2. Standardised biomarker ``z = (log C - m) / s``, with ``m`` and ``s`` the mean and SD of
   ``log C`` in the *eligible* (truncated) population, so "per SD of log hs-CRP" means
   one SD among people who could enter the trial.
3. For outcome ``k`` in {remission, response} and treatment indicator ``T`` (1 =
   tocilizumab, 0 = placebo)::

       logit P(Y_k = 1 | T, z) = a_k + b_k T + c_k z + d_k T z

   ``a`` is the placebo log-odds at the eligible mean log hs-CRP, ``b`` the log odds ratio
   at that CRP, ``c`` the log-odds slope per SD of log hs-CRP on placebo and ``d`` (> 0)
   the extra slope on tocilizumab.
4. Remission and response are linked by a Gaussian copula: with ``(E_1, E_2)`` standard
   bivariate normal with correlation ``rho``, ``Y_k = 1`` when ``Phi(E_k) < P(Y_k = 1)``.
   Each outcome's distribution given ``(T, z)`` is exactly the logistic model above, so a
   per-outcome logistic regression estimates exactly these coefficients (a shared random
   effect would instead make them subject-specific, larger than the marginal effects the
   analysis model estimates); ``rho > 0`` makes the two outcomes positively associated.

The trial IPD (:func:`simulate_trial_ipd`) are then conditioned on the published counts by
rejection sampling (see there).
"""

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr, ndtri

from models.core.atomic import write_text_atomically
from models.core.errors import InputError
from models.core.paths import SIMULATED_IPD_FILE, SIMULATED_IPD_TRUTH_FILE
from models.data.ipd import (
    ARM_COLUMN,
    CONTROL_ARM,
    CRP_COLUMN,
    ID_COLUMN,
    OUTCOME_COLUMNS,
    OUTCOME_DTYPE,
    REQUIRED_COLUMNS,
    TREATMENT_ARM,
    complete_cases,
)

DEFAULT_SEED = 16942542
"""Seed of the shipped simulated IPD: the trial's ISRCTN number, a fixed arbitrary choice."""

REJECTION_BATCH_SIZE = 4096
"""Simulated trials drawn per vectorised batch of rejection sampling. Part of the recipe:
the same seed with another batch size gives other (equally valid) data."""

MAX_REJECTION_ATTEMPTS = 10_000_000
"""Give up after this many simulated trials: the process and the targets disagree badly."""

CONDITIONING_METHOD = "rejection sampling"

ID_PREFIX = "P"
MIN_ID_DIGITS = 2
"""Participant ids are ``P01``, ``P02``, ...: zero-padded to at least two digits."""

TRUTH_JSON_DECIMALS = 10
"""Derived floats in the truth file are rounded to this many decimals so the file does
not change with last-bit differences in floating-point libraries."""

SIMULATED_NOTE = (
    "SIMULATED data, not the trial's data (the trial's individual participant data are not "
    "public). Generated from the process below and conditioned to reproduce the published "
    "day-28 counts exactly; use it only to illustrate and check the IPD models."
)


@dataclass(frozen=True)
class LogisticCoefficients:
    """True coefficients of one outcome's logistic model (log-odds scale).

    The linear predictor is ``intercept + treatment*T + biomarker*z + interaction*T*z``
    with ``T`` = 1 for tocilizumab and 0 for placebo, and ``z`` log hs-CRP standardised
    with the eligible population's mean and SD (:attr:`GeneratingProcess.log_crp_mean`,
    :attr:`GeneratingProcess.log_crp_sd`). Names match the priors file's ``logistic`` keys.

    Attributes
    ----------
    intercept
        Log-odds of the outcome on placebo at the eligible mean log hs-CRP (``z = 0``).
    treatment
        Log odds ratio, tocilizumab vs placebo, at ``z = 0``.
    biomarker
        Change in log-odds per SD of log hs-CRP on placebo.
    interaction
        Extra change in log-odds per SD of log hs-CRP on tocilizumab (the tocilizumab
        slope is ``biomarker + interaction``); positive = more benefit with more
        inflammation.
    """

    intercept: float
    treatment: float
    biomarker: float
    interaction: float

    def linear_predictor(self, treated: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Log-odds for treatment indicator(s) ``treated`` (0/1) and standardised ``z``."""
        return (
            self.intercept
            + self.treatment * treated
            + (self.biomarker + self.interaction * treated) * z
        )


@dataclass(frozen=True)
class GeneratingProcess:
    """The true parameters of the simulated IPD (see the module docstring for the model).

    Attributes
    ----------
    crp_threshold_mg_l
        Inclusion threshold for baseline hs-CRP, mg/L (the trial's: >= 3 mg/L). The
        lognormal is truncated here.
    crp_population_median_mg_l
        Median hs-CRP (mg/L) of the *screened* depressed population, before the threshold.
    crp_population_log_sd
        SD of natural-log hs-CRP in the screened population.
    crp_decimals
        Decimals to which hs-CRP is recorded (1 = 0.1 mg/L, a usual lab resolution).
    remission, response
        True logistic coefficients of each day-28 outcome.
    outcome_latent_correlation
        Correlation ``rho`` of the Gaussian copula linking remission and response in the
        same participant, in (-1, 1); > 0 means a remitter is more likely a responder.

    Notes
    -----
    Why a truncated lognormal rather than 3 + a lognormal excess: hs-CRP is close to
    lognormal in population studies, and the trial selects people from that distribution
    by a threshold, which is exactly truncation; the excess form has no such mechanism.
    The defaults reproduce Osimo et al. (Psychol Med 2019;49:1958-70): in depression, 27%
    have CRP > 3 mg/L and 58% > 1 mg/L, hence median 1.3 mg/L and log-SD 1.35. Truncated
    at 3 mg/L this gives an eligible median of about 5.8 mg/L (quartiles about 4.0 and 9.8)
    with a long right tail, in line with the related trials in ``trial-facts.md``.

    Outcome coefficients: intercepts and treatment effects make the CRP-averaged rates
    about 31% vs 52% (remission) and 18% vs 45% (response), near the published 5/16 vs
    7/13 and 3/16 vs 6/13, so those counts are typical draws rather than tail events.
    The placebo slope is slightly negative (-0.2 per SD: inflamed patients do a little
    worse on conventional treatment) and the interaction clearly positive (+0.8 per SD,
    so the tocilizumab slope is +0.6), the pattern reported for this and related trials.
    ``rho = 0.8``: remission and response measure the same improvement and usually agree.
    """

    crp_threshold_mg_l: float = 3.0
    crp_population_median_mg_l: float = 1.3
    crp_population_log_sd: float = 1.35
    crp_decimals: int = 1
    remission: LogisticCoefficients = LogisticCoefficients(
        intercept=-0.8, treatment=0.9, biomarker=-0.2, interaction=0.8
    )
    response: LogisticCoefficients = LogisticCoefficients(
        intercept=-1.5, treatment=1.3, biomarker=-0.2, interaction=0.8
    )
    outcome_latent_correlation: float = 0.8

    def __post_init__(self) -> None:
        positive = {
            "crp_threshold_mg_l": self.crp_threshold_mg_l,
            "crp_population_median_mg_l": self.crp_population_median_mg_l,
            "crp_population_log_sd": self.crp_population_log_sd,
        }
        for name, value in positive.items():
            if not (math.isfinite(value) and value > 0):
                raise InputError(f"process.{name}", f"must be a finite number > 0, got {value}")
        if not -1 < self.outcome_latent_correlation < 1:
            raise InputError(
                "process.outcome_latent_correlation",
                f"must be between -1 and 1 (exclusive), got {self.outcome_latent_correlation}",
            )

    @property
    def truncation_z(self) -> float:
        """The threshold as a z-score of log hs-CRP in the screened population."""
        return (
            math.log(self.crp_threshold_mg_l) - math.log(self.crp_population_median_mg_l)
        ) / self.crp_population_log_sd

    @property
    def _inverse_mills(self) -> float:
        """``phi(a) / (1 - Phi(a))`` at the truncation point ``a`` (truncated-normal moments)."""
        a = self.truncation_z
        density = math.exp(-0.5 * a * a) / math.sqrt(2 * math.pi)
        return density / float(ndtr(-a))

    @property
    def eligible_fraction(self) -> float:
        """Share of the screened population with hs-CRP >= the threshold (0-1)."""
        return float(ndtr(-self.truncation_z))

    @property
    def eligible_median_mg_l(self) -> float:
        """Median hs-CRP (mg/L) among eligible people (the truncated distribution)."""
        z = -float(ndtri(0.5 * self.eligible_fraction))
        return math.exp(math.log(self.crp_population_median_mg_l) + self.crp_population_log_sd * z)

    @property
    def log_crp_mean(self) -> float:
        """Mean of natural-log hs-CRP (log mg/L) in the eligible population.

        Truncated-normal mean ``mu + sigma * lambda`` with ``lambda`` the inverse Mills
        ratio at the threshold. With the SD below it defines the standardised ``z``.
        """
        return (
            math.log(self.crp_population_median_mg_l)
            + self.crp_population_log_sd * self._inverse_mills
        )

    @property
    def log_crp_sd(self) -> float:
        """SD of natural-log hs-CRP in the eligible population: "one SD of log hs-CRP".

        Truncated-normal SD ``sigma * sqrt(1 + a*lambda - lambda**2)``.
        """
        a, lam = self.truncation_z, self._inverse_mills
        return self.crp_population_log_sd * math.sqrt(1 + a * lam - lam * lam)

    def coefficients(self, outcome: str) -> LogisticCoefficients:
        """The true coefficients of ``remission`` or ``response``."""
        if outcome not in OUTCOME_COLUMNS:
            allowed = ", ".join(OUTCOME_COLUMNS)
            raise InputError("outcome", f"must be one of {allowed}, got {outcome!r}")
        return getattr(self, outcome)


DEFAULT_PROCESS = GeneratingProcess()


@dataclass(frozen=True)
class TrialDesign:
    """What the simulated trial IPD must reproduce: randomised numbers and published counts.

    Defaults are the tocilizumab trial (``data/trial_counts.yml``, ``trial-facts.md``):
    14 randomised to tocilizumab of whom 13 have a day-28 outcome, 16 to placebo, all
    with an outcome; remission 7/13 vs 5/16 and response 6/13 vs 3/16.

    Attributes
    ----------
    n_treatment, n_control
        Participants randomised to tocilizumab and to placebo.
    n_treatment_missing
        Tocilizumab participants without a day-28 outcome (placebo has none missing).
    remission_events, response_events
        ``(tocilizumab events, placebo events)`` among the complete cases.
    """

    n_treatment: int = 14
    n_control: int = 16
    n_treatment_missing: int = 1
    remission_events: tuple[int, int] = (7, 5)
    response_events: tuple[int, int] = (6, 3)

    def __post_init__(self) -> None:
        observed = (self.n_treatment - self.n_treatment_missing, self.n_control)
        if self.n_treatment_missing < 0 or min(observed) < 1:
            raise InputError(
                "design.n_treatment_missing",
                f"must leave >= 1 analysed per arm, got {self.n_treatment_missing}",
            )
        for name in OUTCOME_COLUMNS:
            events = getattr(self, f"{name}_events")
            for arm_events, n in zip(events, observed, strict=True):
                if not 0 <= arm_events <= n:
                    raise InputError(
                        f"design.{name}_events", f"must be between 0 and {n}, got {events}"
                    )

    def targets(self, outcome: str) -> tuple[int, int]:
        """``(tocilizumab events, placebo events)`` for ``remission`` or ``response``."""
        return getattr(self, f"{outcome}_events")


DEFAULT_DESIGN = TrialDesign()


@dataclass(frozen=True)
class SimulatedTrial:
    """Simulated trial IPD plus how it was obtained (written to the truth file)."""

    ipd: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)


# --- building blocks -------------------------------------------------------------------


def draw_crp(
    process: GeneratingProcess, shape: int | tuple[int, ...], rng: np.random.Generator
) -> np.ndarray:
    """Baseline hs-CRP (mg/L, rounded to ``crp_decimals``) of eligible participants.

    Inverse-CDF draw from the lognormal truncated below at the threshold, using the upper
    tail (``Z = -Phi^-1(Phi(-a) V)``, ``V ~ Uniform(0, 1]``) for accuracy far above it.
    Every value is >= the threshold, also after rounding when the threshold is on the
    recording grid (3.0 mg/L is).
    """
    tail = 1.0 - rng.random(shape)
    z = -ndtri(ndtr(-process.truncation_z) * tail)
    log_crp = math.log(process.crp_population_median_mg_l) + process.crp_population_log_sd * z
    return np.round(np.exp(log_crp), process.crp_decimals)


def standardised_log_crp(process: GeneratingProcess, crp_mg_l: np.ndarray) -> np.ndarray:
    """``z = (log C - m) / s`` with the eligible population's mean ``m`` and SD ``s``."""
    return (np.log(crp_mg_l) - process.log_crp_mean) / process.log_crp_sd


def outcome_probability(
    coefficients: LogisticCoefficients, treated: np.ndarray, z: np.ndarray
) -> np.ndarray:
    """True probability (0-1) of the outcome given treatment (0/1) and standardised CRP."""
    return expit(coefficients.linear_predictor(treated, z))


def draw_outcomes(
    process: GeneratingProcess,
    treated: np.ndarray,
    crp_mg_l: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Day-28 remission and response (0/1 int arrays, shape of ``crp_mg_l``).

    Gaussian copula: correlated standard normals ``E_1``, ``E_2`` (correlation ``rho``);
    outcome ``k`` is 1 when ``Phi(E_k)`` (uniform) falls below its logistic probability.
    """
    z = standardised_log_crp(process, crp_mg_l)
    rho = process.outcome_latent_correlation
    first = rng.standard_normal(crp_mg_l.shape)
    second = rho * first + math.sqrt(1 - rho * rho) * rng.standard_normal(crp_mg_l.shape)
    outcomes = {}
    for outcome, latent in zip(OUTCOME_COLUMNS, (first, second), strict=True):
        probability = outcome_probability(process.coefficients(outcome), treated, z)
        outcomes[outcome] = (ndtr(latent) < probability).astype(np.int64)
    return outcomes


def participant_ids(n: int) -> list[str]:
    """``P01`` ... zero-padded to the width of ``n`` (at least two digits)."""
    width = max(MIN_ID_DIGITS, len(str(n)))
    return [f"{ID_PREFIX}{number:0{width}d}" for number in range(1, n + 1)]


def _ipd_frame(
    treated: np.ndarray, crp_mg_l: np.ndarray, outcomes: dict[str, np.ndarray], dtype: str
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            ID_COLUMN: participant_ids(treated.size),
            ARM_COLUMN: np.where(treated == 1, TREATMENT_ARM, CONTROL_ARM),
            CRP_COLUMN: crp_mg_l,
        }
    )
    for outcome, column in OUTCOME_COLUMNS.items():
        frame[column] = pd.array(outcomes[outcome], dtype=dtype)
    return frame


# --- public generators -----------------------------------------------------------------


def simulate_unconditioned(
    process: GeneratingProcess, n_treatment: int, n_control: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Draw a trial from the generating process with every outcome observed, no conditioning.

    For repeated-simulation studies (how often does n = 29 detect the interaction?) and
    large-n parameter-recovery checks: a logistic regression fitted to a large sample
    recovers the process's coefficients.

    Parameters
    ----------
    process
        The generating process.
    n_treatment, n_control
        Participants per arm (>= 0 each, >= 1 in total).
    rng
        ``numpy.random.default_rng(seed)``; the draw is a pure function of its state.

    Returns
    -------
    pandas.DataFrame
        The IPD columns (``participant_id``, ``arm``, ``crp_mg_l``, ``remission_day28``,
        ``response_day28``); tocilizumab rows first, then placebo; outcomes ``int64`` 0/1.
    """
    if n_treatment < 0 or n_control < 0 or n_treatment + n_control < 1:
        raise InputError(
            "n_treatment, n_control",
            f"must be >= 0 with a positive total, got {n_treatment}, {n_control}",
        )
    treated = np.repeat(np.array([1, 0]), [n_treatment, n_control])
    crp = draw_crp(process, treated.size, rng)
    outcomes = draw_outcomes(process, treated, crp, rng)
    return _ipd_frame(treated, crp, outcomes, dtype="int64")


def _event_counts(outcome: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Events per simulated trial (rows of ``outcome``) among the columns where ``mask``."""
    return (outcome * mask).sum(axis=-1)


def _rejection_sample(
    process: GeneratingProcess,
    design: TrialDesign,
    treated: np.ndarray,
    observed: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, Any]]:
    """Draw whole trials in batches; return the first whose complete cases hit every target."""
    treated_observed = (treated == 1) & observed
    control_observed = (treated == 0) & observed
    drawn = 0
    accepted_total = 0
    while drawn < MAX_REJECTION_ATTEMPTS:
        shape = (REJECTION_BATCH_SIZE, treated.size)
        crp = draw_crp(process, shape, rng)
        outcomes = draw_outcomes(process, treated, crp, rng)
        hits = np.ones(REJECTION_BATCH_SIZE, dtype=bool)
        for outcome, values in outcomes.items():
            target_treated, target_control = design.targets(outcome)
            hits &= _event_counts(values, treated_observed) == target_treated
            hits &= _event_counts(values, control_observed) == target_control
        accepted_total += int(hits.sum())
        if hits.any():
            index = int(np.argmax(hits))
            info = {
                "attempts": drawn + index + 1,
                "batch_size": REJECTION_BATCH_SIZE,
                "batches": drawn // REJECTION_BATCH_SIZE + 1,
                "acceptance_rate_in_drawn_batches": accepted_total / (drawn + REJECTION_BATCH_SIZE),
            }
            return crp[index], {k: v[index] for k, v in outcomes.items()}, info
        drawn += REJECTION_BATCH_SIZE
    raise RuntimeError(
        f"no simulated trial matched the published counts in {drawn} attempts; "
        "the generating process is far from the data it is conditioned on"
    )


def simulate_trial(
    seed: int = DEFAULT_SEED,
    process: GeneratingProcess = DEFAULT_PROCESS,
    design: TrialDesign = DEFAULT_DESIGN,
) -> SimulatedTrial:
    """Simulated trial IPD conditioned on the published counts, with how it was obtained.

    Steps, all from ``numpy.random.default_rng(seed)``:

    1. Allocation: a random order of 14 tocilizumab and 16 placebo labels gives the arms of
       ``P01`` ... ``P30`` (complete randomisation with fixed arm totals).
    2. Missing outcome: one tocilizumab participant, chosen uniformly at random, has no
       day-28 outcome. Missing completely at random (MCAR): the choice ignores CRP and
       outcomes, so the complete cases are still a draw from the process.
    3. Conditioning by rejection sampling: whole trials (every hs-CRP and both outcomes
       of all 30) are drawn from the process in vectorised batches, and the first whose
       complete cases give exactly the published counts (7/13 vs 5/16 remission, 6/13 vs
       3/16 response) is kept. That is an *exact* draw from the process conditional on the
       counts: nothing is adjusted by hand, so hs-CRP and its relation to the outcomes are
       distorted only as much as knowing the counts implies. Steps 1-2 need no
       conditioning because the counts do not depend on which positions are treated or
       which tocilizumab participant is missing (exchangeability).

    Returns
    -------
    SimulatedTrial
        ``ipd`` (see :func:`simulate_trial_ipd`) and ``info``: conditioning method, number
        of attempts (simulated trials drawn up to and including the accepted one), batch
        size, acceptance rate, missing participant ids, targets, and the true coefficients
        on the analysis model's scale (:func:`truth_on_sample_scale`).
    """
    rng = np.random.default_rng(seed)
    treated = rng.permutation(np.repeat(np.array([1, 0]), [design.n_treatment, design.n_control]))
    missing = rng.choice(
        np.flatnonzero(treated == 1), size=design.n_treatment_missing, replace=False
    )
    observed = np.ones(treated.size, dtype=bool)
    observed[missing] = False
    crp, outcomes, conditioning = _rejection_sample(process, design, treated, observed, rng)
    ipd = _ipd_frame(treated, crp, outcomes, dtype=OUTCOME_DTYPE)
    for column in OUTCOME_COLUMNS.values():
        ipd.loc[~observed, column] = pd.NA
    info = {
        "conditioning": {
            "method": CONDITIONING_METHOD,
            "description": (
                "Whole simulated trials were drawn from the generating process until one "
                "matched the published complete-case counts exactly; the accepted trial is "
                "an exact draw from the process conditional on those counts."
            ),
            **conditioning,
        },
        "missing_outcome": {
            "participant_ids": sorted(ipd.loc[~observed, ID_COLUMN].tolist()),
            "mechanism": "missing completely at random: one tocilizumab participant chosen "
            "uniformly at random, independent of hs-CRP and outcomes",
        },
        "design": asdict(design),
        "truth_on_sample_scale": truth_on_sample_scale(process, ipd),
    }
    return SimulatedTrial(ipd=ipd, info=info)


def simulate_trial_ipd(
    seed: int = DEFAULT_SEED,
    process: GeneratingProcess = DEFAULT_PROCESS,
    design: TrialDesign = DEFAULT_DESIGN,
) -> pd.DataFrame:
    """The simulated trial IPD: 30 randomised, 29 complete cases matching published counts.

    Default seed: :data:`DEFAULT_SEED` (16942542, the trial's ISRCTN number), the seed of
    the shipped ``data/simulated_ipd.csv``. Method: see :func:`simulate_trial`.

    Returns
    -------
    pandas.DataFrame
        Rows ``P01`` ... ``P30`` in order; ``arm`` (tocilizumab/placebo), ``crp_mg_l``
        (baseline hs-CRP, mg/L, 0.1 resolution, >= 3.0), ``remission_day28`` and
        ``response_day28`` (nullable ``Int64`` 0/1, ``<NA>`` for the one tocilizumab
        participant without a day-28 outcome). ``attrs["simulation"]`` holds the
        ``info`` of :func:`simulate_trial` (for :func:`write_truth`).
    """
    trial = simulate_trial(seed, process, design)
    trial.ipd.attrs["simulation"] = trial.info
    return trial.ipd


# --- truth on the analysis model's scale -------------------------------------------------


def truth_on_sample_scale(
    process: GeneratingProcess, ipd: pd.DataFrame, ddof: int = 1
) -> dict[str, dict[str, Any]]:
    """True coefficients re-expressed on the analysis model's scale.

    The analysis model standardises log hs-CRP with the complete cases' sample mean
    ``m_s`` and SD ``s_s`` (``ddof=1`` by default, as ``pandas.Series.std``), not with the
    population's ``m`` and ``s``. Since ``z = (x - m)/s = k z_s + h`` with ``x = log C``,
    ``z_s = (x - m_s)/s_s``, ``k = s_s/s`` and ``h = (m_s - m)/s``, the true linear
    predictor ``a + b T + c z + d T z`` equals, for every participant,

        (a + c h) + (b + d h) T + (c k) z_s + (d k) T z_s

    so on the sample scale the intercept is ``a + c h``, the treatment log OR (at the
    sample mean log hs-CRP) ``b + d h``, the biomarker slope ``c k`` and the interaction
    ``d k``. This is an exact reparameterisation of the same model, not an approximation.

    Returns
    -------
    dict
        ``{"remission": {...}, "response": {...}}`` with ``intercept``, ``treatment``,
        ``biomarker``, ``interaction``, and ``standardisation`` with, per outcome, the
        sample ``log_crp_mean``, ``log_crp_sd``, ``ddof`` and ``n`` used.
    """
    truth: dict[str, dict[str, Any]] = {"standardisation": {}}
    for outcome in OUTCOME_COLUMNS:
        log_crp = np.log(complete_cases(ipd, outcome)[CRP_COLUMN].to_numpy(dtype=float))
        sample_mean, sample_sd = float(log_crp.mean()), float(log_crp.std(ddof=ddof))
        scale = sample_sd / process.log_crp_sd
        shift = (sample_mean - process.log_crp_mean) / process.log_crp_sd
        true = process.coefficients(outcome)
        truth[outcome] = {
            "intercept": true.intercept + true.biomarker * shift,
            "treatment": true.treatment + true.interaction * shift,
            "biomarker": true.biomarker * scale,
            "interaction": true.interaction * scale,
        }
        truth["standardisation"][outcome] = {
            "log_crp_mean": sample_mean,
            "log_crp_sd": sample_sd,
            "ddof": ddof,
            "n": int(log_crp.size),
        }
    return truth


# --- writing -------------------------------------------------------------------------------


def _write_atomically(text: str, path: Path) -> None:
    """Write ``text`` to ``path`` via a temporary file (see ``models.core.atomic``); a
    missing folder is a user error naming the path."""
    if not path.parent.is_dir():
        raise InputError(str(path), f"cannot be written: folder {path.parent} does not exist")
    write_text_atomically(text, path)


def ipd_csv_text(df: pd.DataFrame) -> str:
    r"""Render IPD as CSV text, the same text for the same frame.

    Required columns in order, ``\n`` line ends, outcomes as ``0``/``1``, a missing outcome
    as an empty cell, hs-CRP as the shortest decimal that round-trips (``5.8``, ``12.0``).
    """
    table = df.loc[:, list(REQUIRED_COLUMNS)].copy()
    for column in OUTCOME_COLUMNS.values():
        table[column] = table[column].astype(OUTCOME_DTYPE)
    return table.to_csv(index=False, lineterminator="\n", na_rep="")


def write_ipd(df: pd.DataFrame, path: Path | str = SIMULATED_IPD_FILE) -> None:
    """Write IPD as CSV deterministically (same frame, same bytes) and atomically."""
    _write_atomically(ipd_csv_text(df), Path(path))


def _rounded(value: Any) -> Any:
    """Floats rounded to :data:`TRUTH_JSON_DECIMALS`, recursively through dicts/lists."""
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    if isinstance(value, float):
        return round(value, TRUTH_JSON_DECIMALS)
    return value


def process_description(process: GeneratingProcess) -> dict[str, Any]:
    """The generating parameters plus the derived eligible-population quantities."""
    return {
        **asdict(process),
        "derived": {
            "eligible_fraction": process.eligible_fraction,
            "eligible_median_mg_l": process.eligible_median_mg_l,
            "log_crp_mean": process.log_crp_mean,
            "log_crp_sd": process.log_crp_sd,
        },
        "model": (
            "log C ~ Normal(log crp_population_median_mg_l, crp_population_log_sd) truncated "
            "below at log crp_threshold_mg_l, C rounded to crp_decimals; "
            "z = (log C - derived.log_crp_mean) / derived.log_crp_sd; "
            "logit P(Y_k = 1) = intercept + treatment*T + biomarker*z + interaction*T*z "
            "(T = 1 tocilizumab, 0 placebo); remission and response joined by a Gaussian "
            "copula with correlation outcome_latent_correlation"
        ),
    }


def write_truth(
    process: GeneratingProcess,
    seed: int,
    info: dict[str, Any],
    path: Path | str = SIMULATED_IPD_TRUTH_FILE,
) -> None:
    """Write the true generating parameters beside the simulated IPD (JSON, sorted keys).

    Parameters
    ----------
    process
        The process the IPD came from.
    seed
        The seed given to :func:`simulate_trial_ipd`.
    info
        ``SimulatedTrial.info`` (or ``ipd.attrs["simulation"]``): conditioning method,
        attempts, missing ids, truth on the sample scale.
    path
        Output file (default ``data/simulated_ipd_truth.json``).
    """
    payload = {
        **info,
        "simulated": True,
        "note": SIMULATED_NOTE,
        "seed": seed,
        "generating_process": process_description(process),
    }
    text = json.dumps(_rounded(payload), sort_keys=True, indent=2) + "\n"
    _write_atomically(text, Path(path))


def write_simulated_data(
    seed: int = DEFAULT_SEED,
    ipd_path: Path | str = SIMULATED_IPD_FILE,
    truth_path: Path | str | None = None,
    process: GeneratingProcess = DEFAULT_PROCESS,
) -> SimulatedTrial:
    """Simulate the trial IPD and write it and its truth file (what ``make data`` does).

    ``truth_path`` defaults to ``<ipd stem>_truth.json`` beside ``ipd_path``.
    """
    ipd_path = Path(ipd_path)
    if truth_path is None:
        truth_path = ipd_path.with_name(f"{ipd_path.stem}_truth.json")
    trial = simulate_trial(seed, process)
    write_ipd(trial.ipd, ipd_path)
    write_truth(process, seed, trial.info, truth_path)
    return trial
