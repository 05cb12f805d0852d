"""Conditioning the simulated trial on the published counts, by rejection sampling.

The trial's complete cases must reproduce the published day-28 counts exactly (7/13 vs
5/16 remission, 6/13 vs 3/16 response). Whole trials are drawn from the generating process
(:mod:`models.simulation.process`) until one matches: the accepted trial is an *exact*
draw from the process conditional on the counts, with nothing adjusted by hand.
"""

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from models.core.errors import InputError
from models.data.ipd import ID_COLUMN, OUTCOME_COLUMNS, OUTCOME_DTYPE
from models.simulation.process import (
    DEFAULT_PROCESS,
    DEFAULT_SEED,
    GeneratingProcess,
    draw_crp,
    draw_outcomes,
    ipd_frame,
    truth_on_sample_scale,
)

REJECTION_BATCH_SIZE = 4096
"""Simulated trials drawn per vectorised batch of rejection sampling. Part of the recipe:
the same seed with another batch size gives other (equally valid) data."""

MAX_REJECTION_ATTEMPTS = 10_000_000
"""Give up after this many simulated trials: the process and the targets disagree badly."""

CONDITIONING_METHOD = "rejection sampling"
CONDITIONING_DESCRIPTION = (
    "Whole simulated trials were drawn from the generating process until one "
    "matched the published complete-case counts exactly; the accepted trial is "
    "an exact draw from the process conditional on those counts."
)
MISSING_MECHANISM = (
    "missing completely at random: one tocilizumab participant chosen "
    "uniformly at random, independent of hs-CRP and outcomes"
)


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
class Conditioning:
    """How the accepted trial was found.

    Attributes
    ----------
    attempts
        Simulated trials drawn up to and including the accepted one.
    batch_size, batches
        Trials per vectorised batch and batches drawn.
    acceptance_rate_in_drawn_batches
        Share of the drawn trials that matched every count (0-1).
    """

    attempts: int
    batch_size: int
    batches: int
    acceptance_rate_in_drawn_batches: float


@dataclass(frozen=True)
class SimulatedTrial:
    """Simulated trial IPD plus how it was obtained (written to the truth file).

    Attributes
    ----------
    ipd
        See :func:`simulate_trial_ipd`.
    process, design
        The generating process and the design (targets) it was conditioned on.
    conditioning
        How the accepted trial was found.
    missing_ids
        Participants without a day-28 outcome, sorted.
    """

    ipd: pd.DataFrame = field(repr=False)
    process: GeneratingProcess
    design: TrialDesign
    conditioning: Conditioning
    missing_ids: tuple[str, ...]

    @property
    def info(self) -> dict[str, Any]:
        """The JSON-ready record of the truth file: conditioning, missing outcome, design
        and the true coefficients on the analysis model's scale
        (:func:`models.simulation.process.truth_on_sample_scale`)."""
        return {
            "conditioning": {
                "method": CONDITIONING_METHOD,
                "description": CONDITIONING_DESCRIPTION,
                **asdict(self.conditioning),
            },
            "missing_outcome": {
                "participant_ids": list(self.missing_ids),
                "mechanism": MISSING_MECHANISM,
            },
            "design": asdict(self.design),
            "truth_on_sample_scale": truth_on_sample_scale(self.process, self.ipd),
        }


def _event_counts(outcome: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Events per simulated trial (rows of ``outcome``) among the columns where ``mask``."""
    return (outcome * mask).sum(axis=-1)


def _rejection_sample(
    process: GeneratingProcess,
    design: TrialDesign,
    treated: np.ndarray,
    observed: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, dict[str, np.ndarray], Conditioning]:
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
            found = Conditioning(
                attempts=drawn + index + 1,
                batch_size=REJECTION_BATCH_SIZE,
                batches=drawn // REJECTION_BATCH_SIZE + 1,
                acceptance_rate_in_drawn_batches=accepted_total / (drawn + REJECTION_BATCH_SIZE),
            )
            return crp[index], {k: v[index] for k, v in outcomes.items()}, found
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
        ``ipd`` (see :func:`simulate_trial_ipd`), how it was conditioned (number of
        attempts, batch size, acceptance rate) and the missing participant ids; its
        ``info`` adds the targets and the true coefficients on the analysis model's scale.
    """
    rng = np.random.default_rng(seed)
    treated = rng.permutation(np.repeat(np.array([1, 0]), [design.n_treatment, design.n_control]))
    missing = rng.choice(
        np.flatnonzero(treated == 1), size=design.n_treatment_missing, replace=False
    )
    observed = np.ones(treated.size, dtype=bool)
    observed[missing] = False
    crp, outcomes, conditioning = _rejection_sample(process, design, treated, observed, rng)
    ipd = ipd_frame(treated, crp, outcomes, dtype=OUTCOME_DTYPE)
    for column in OUTCOME_COLUMNS.values():
        ipd.loc[~observed, column] = pd.NA
    missing_ids = tuple(sorted(ipd.loc[~observed, ID_COLUMN].tolist()))
    return SimulatedTrial(ipd, process, design, conditioning, missing_ids)


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
        ``info`` of :func:`simulate_trial` (for :func:`models.simulation.files.write_truth`).
    """
    trial = simulate_trial(seed, process, design)
    trial.ipd.attrs["simulation"] = trial.info
    return trial.ipd
