"""The simulated data's files: the IPD as CSV and its true generating parameters as JSON.

Both are written deterministically (the same data give the same bytes, so ``make data``
is checked by comparing bytes) and atomically (:mod:`models.core.atomic`). Every file says
that the data are SIMULATED.
"""

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from models.core.atomic import write_text_atomically
from models.core.errors import InputError
from models.core.paths import SIMULATED_IPD_FILE, SIMULATED_IPD_TRUTH_FILE
from models.data.ipd import OUTCOME_COLUMNS, OUTCOME_DTYPE, REQUIRED_COLUMNS
from models.simulation.conditioning import SimulatedTrial, simulate_trial
from models.simulation.process import DEFAULT_PROCESS, DEFAULT_SEED, GeneratingProcess

TRUTH_JSON_DECIMALS = 10
"""Derived floats in the truth file are rounded to this many decimals so the file does
not change with last-bit differences in floating-point libraries."""

SIMULATED_NOTE = (
    "SIMULATED data, not the trial's data (the trial's individual participant data are not "
    "public). Generated from the process below and conditioned to reproduce the published "
    "day-28 counts exactly; use it only to illustrate and check the IPD models."
)


def _write(text: str, path: Path) -> None:
    """Write ``text`` atomically; a missing folder is a user error naming the path."""
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
    _write(ipd_csv_text(df), Path(path))


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
        The seed given to :func:`models.simulation.conditioning.simulate_trial_ipd`.
    info
        :attr:`models.simulation.conditioning.SimulatedTrial.info` (or
        ``ipd.attrs["simulation"]``): conditioning method, attempts, missing ids, design,
        truth on the sample scale.
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
    _write(text, Path(path))


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
