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

The linear predictor is :func:`models.exact.linear_predictor.linear_predictor` and ``z``
is :func:`models.data.ipd.standardise_log_crp`, the same functions the analysis models use.
Conditioning on the published counts is in :mod:`models.simulation.conditioning`, the
data files in :mod:`models.simulation.files`.
"""

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr, ndtri

from models.core.errors import InputError
from models.data.ipd import (
    ARM_COLUMN,
    CONTROL_ARM,
    CRP_COLUMN,
    ID_COLUMN,
    OUTCOME_COLUMNS,
    STANDARDISATION_DDOF,
    TREATMENT_ARM,
    complete_cases,
    log_crp_moments,
    standardise_log_crp,
)
from models.exact.linear_predictor import linear_predictor

DEFAULT_SEED = 16942542
"""Seed of the shipped simulated IPD: the trial's ISRCTN number, a fixed arbitrary choice."""

ID_PREFIX = "P"
MIN_ID_DIGITS = 2
"""Participant ids are ``P01``, ``P02``, ...: zero-padded to at least two digits."""


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
        """Log-odds for treatment indicator(s) ``treated`` (0/1) and standardised ``z``
        (:func:`models.exact.linear_predictor.linear_predictor` with these coefficients)."""
        return np.asarray(linear_predictor(asdict(self), treated, z))


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
    """``z = (log C - m) / s`` with the eligible population's mean ``m`` and SD ``s``
    (:func:`models.data.ipd.standardise_log_crp`)."""
    return standardise_log_crp(crp_mg_l, process.log_crp_mean, process.log_crp_sd)


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


def ipd_frame(
    treated: np.ndarray, crp_mg_l: np.ndarray, outcomes: dict[str, np.ndarray],
    dtype: Literal["int64", "Int64"],
) -> pd.DataFrame:
    """IPD columns for participants ``P01``...: arm from ``treated`` (1 tocilizumab, 0
    placebo), hs-CRP (mg/L) and the outcomes as ``dtype`` (``int64`` or ``Int64``)."""
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
    return ipd_frame(treated, crp, outcomes, dtype="int64")


# --- truth on the analysis model's scale -------------------------------------------------


def truth_on_sample_scale(
    process: GeneratingProcess, ipd: pd.DataFrame, ddof: int = STANDARDISATION_DDOF
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
        crp = complete_cases(ipd, outcome)[CRP_COLUMN].to_numpy(dtype=float)
        sample_mean, sample_sd = log_crp_moments(crp, ddof)
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
            "n": int(crp.size),
        }
    return truth
