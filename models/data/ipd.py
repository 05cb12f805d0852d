"""Individual participant data (IPD): loading, validation and per-arm summaries.

The IPD format is one row per randomised participant with these columns:

``participant_id``
    Unique identifier (text, e.g. ``P07``).
``arm``
    ``tocilizumab`` or ``placebo``.
``crp_mg_l``
    Baseline high-sensitivity C-reactive protein (hs-CRP) in mg/L, a positive finite number.
``remission_day28``, ``response_day28``
    Day-28 outcome: ``1`` (yes), ``0`` (no), or an empty cell (or ``NA``) when the
    participant has no day-28 outcome.

Extra columns are kept as text, untouched. The project ships *simulated* IPD in this format
(``data/simulated_ipd.csv``, see ``data/simulated_ipd_dictionary.md``); the trial's own IPD
are not public. Rows are numbered from 1 for the first data row (the header is not counted),
which is the number every error message uses.

The models use hs-CRP through one standardisation, written once here
(:func:`standardise_log_crp`): ``z = (ln C - m) / s`` with ``C`` in mg/L and ``m``, ``s``
the mean and SD of ``ln C`` (log mg/L), either of the complete cases themselves
(:func:`log_crp_moments`, the analysis model) or of the eligible population (the
simulation's generating process).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from models.core.errors import InputError
from models.data.trial import ArmCounts, OutcomeCounts

TREATMENT_ARM = "tocilizumab"
CONTROL_ARM = "placebo"
ARMS = (TREATMENT_ARM, CONTROL_ARM)

ID_COLUMN = "participant_id"
ARM_COLUMN = "arm"
CRP_COLUMN = "crp_mg_l"
OUTCOME_COLUMNS = {"remission": "remission_day28", "response": "response_day28"}
"""Outcome name (as used by ``--outcome``) -> IPD column holding it."""

REQUIRED_COLUMNS = (ID_COLUMN, ARM_COLUMN, CRP_COLUMN, *OUTCOME_COLUMNS.values())
"""The IPD columns, in the order the project writes them."""

MISSING_CODES = ("", "NA")
"""Cell contents read as a missing outcome (after stripping surrounding spaces)."""

OUTCOME_DTYPE: Final = "Int64"
"""pandas nullable integer: 0/1 with ``<NA>`` for a missing day-28 outcome."""

STANDARDISATION_DDOF = 1
"""Delta degrees of freedom of the SD of log hs-CRP used to standardise (sample SD)."""


def _locator(row: int, column: str) -> str:
    """The ``InputError`` field for one cell; ``row`` is the 1-based data row."""
    return f"row {row}, column {column}"


def _read_text_table(path: Path) -> pd.DataFrame:
    """Read every cell as text (no type guessing, no NA guessing) so validation sees it all."""
    expected = "expected an IPD CSV file with columns " + ", ".join(REQUIRED_COLUMNS)
    if path.is_dir():
        raise InputError(str(path), f"is a directory; {expected}")
    if not path.is_file():
        raise InputError(str(path), f"does not exist or is not a file; {expected}")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        raise InputError(str(path), "is empty; expected a header row and data rows") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"is not a readable CSV file ({error})") from None
    except OSError as error:
        raise InputError(str(path), f"cannot be read ({error.strerror or error})") from None
    table.columns = [str(name).strip() for name in table.columns]
    return table


def _check_columns(table: pd.DataFrame) -> None:
    for column in REQUIRED_COLUMNS:
        if column not in table.columns:
            raise InputError(
                f"header row, column {column}",
                "is missing; required columns are " + ", ".join(REQUIRED_COLUMNS),
            )


def _parse_ids(values: pd.Series) -> list[str]:
    ids: list[str] = []
    first_row: dict[str, int] = {}
    for row, text in enumerate(values, start=1):
        value = text.strip()
        if not value:
            raise InputError(_locator(row, ID_COLUMN), "is empty; every participant needs an id")
        if value in first_row:
            raise InputError(
                _locator(row, ID_COLUMN),
                f"repeats {value!r} (first in row {first_row[value]}); ids must be unique",
            )
        first_row[value] = row
        ids.append(value)
    return ids


def _parse_arms(values: pd.Series) -> list[str]:
    arms: list[str] = []
    for row, text in enumerate(values, start=1):
        value = text.strip()
        if value not in ARMS:
            allowed = " or ".join(repr(arm) for arm in ARMS)
            raise InputError(_locator(row, ARM_COLUMN), f"must be {allowed}, got {text!r}")
        arms.append(value)
    return arms


def _parse_crp(values: pd.Series) -> list[float]:
    crp: list[float] = []
    for row, text in enumerate(values, start=1):
        where = _locator(row, CRP_COLUMN)
        value = text.strip()
        if not value:
            raise InputError(where, "is empty; baseline hs-CRP (mg/L) is required for everyone")
        try:
            number = float(value)
        except ValueError:
            raise InputError(where, f"must be a number (hs-CRP in mg/L), got {text!r}") from None
        if not math.isfinite(number):
            raise InputError(where, f"must be a finite number (hs-CRP in mg/L), got {text!r}")
        if number <= 0:
            raise InputError(where, f"must be > 0 (hs-CRP in mg/L), got {text!r}")
        crp.append(number)
    return crp


def _parse_outcome(values: pd.Series, column: str) -> pd.Series:
    parsed: list[int | None] = []
    for row, text in enumerate(values, start=1):
        value = text.strip()
        if value in MISSING_CODES:
            parsed.append(None)
            continue
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if number not in (0.0, 1.0):
            raise InputError(
                _locator(row, column),
                f"must be 0 or 1 (or an empty cell when missing), got {text!r}",
            )
        parsed.append(int(number))
    return pd.Series(parsed, dtype=OUTCOME_DTYPE)


def _check_both_arms(arms: list[str]) -> None:
    for arm in ARMS:
        if arm not in arms:
            raise InputError(
                f"column {ARM_COLUMN}", f"has no {arm!r} rows; the IPD needs both arms"
            )


def load_ipd(path: Path | str) -> pd.DataFrame:
    """Load and validate an IPD CSV file.

    Parameters
    ----------
    path
        CSV file in the IPD format described in this module's docstring.

    Returns
    -------
    pandas.DataFrame
        One row per participant in file order: ``participant_id`` and ``arm`` (str),
        ``crp_mg_l`` (float, mg/L), the outcome columns as nullable ``Int64`` (0/1,
        ``<NA>`` when missing), then any extra columns as text.

    Raises
    ------
    InputError
        When the file is missing or unreadable (the field names the path), a required
        column is missing (``header row, column X``), or a cell is invalid
        (``row N, column X``, N counting data rows from 1): an arm other than
        tocilizumab/placebo, an outcome other than 0, 1 or empty, a hs-CRP that is not a
        positive finite number, an empty or repeated participant id. Also when one arm
        has no rows at all.
    """
    path = Path(path)
    table = _read_text_table(path)
    _check_columns(table)
    if table.empty:
        raise InputError(str(path), "has a header but no data rows")
    ids = _parse_ids(table[ID_COLUMN])
    arms = _parse_arms(table[ARM_COLUMN])
    crp = _parse_crp(table[CRP_COLUMN])
    outcomes = {
        column: _parse_outcome(table[column], column) for column in OUTCOME_COLUMNS.values()
    }
    _check_both_arms(arms)
    ipd = pd.DataFrame({ID_COLUMN: ids, ARM_COLUMN: arms, CRP_COLUMN: crp, **outcomes})
    extras = [column for column in table.columns if column not in REQUIRED_COLUMNS]
    for column in extras:
        ipd[column] = table[column].to_numpy()
    return ipd


def outcome_column(outcome: str) -> str:
    """The IPD column for an outcome name (``remission`` or ``response``).

    Raises
    ------
    InputError
        For any other name (field ``outcome``), listing the allowed names.
    """
    if outcome not in OUTCOME_COLUMNS:
        allowed = ", ".join(OUTCOME_COLUMNS)
        raise InputError("outcome", f"must be one of {allowed}, got {outcome!r}")
    return OUTCOME_COLUMNS[outcome]


def complete_cases(ipd: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """The participants with an observed ``outcome``, i.e. the analysed set for it.

    Parameters
    ----------
    ipd
        Validated IPD (from :func:`load_ipd` or :mod:`models.simulation.process`).
    outcome
        ``remission`` or ``response``.

    Returns
    -------
    pandas.DataFrame
        The rows whose outcome is not missing, in their original order with a fresh
        0-based index, and the outcome column as plain ``int64`` (0/1) so it can go
        straight into a model.
    """
    column = outcome_column(outcome)
    observed = ipd.loc[ipd[column].notna()].reset_index(drop=True)
    observed[column] = observed[column].astype("int64")
    return observed


def arm_counts(ipd: pd.DataFrame, outcome: str) -> dict[str, tuple[int, int]]:
    """Events and analysed participants per arm for one outcome (complete cases).

    Returns
    -------
    dict
        ``{"tocilizumab": (events, n), "placebo": (events, n)}`` as Python ints, e.g.
        ``{"tocilizumab": (7, 13), "placebo": (5, 16)}`` for remission in the shipped
        simulated IPD.
    """
    column = outcome_column(outcome)
    observed = complete_cases(ipd, outcome)
    counts: dict[str, tuple[int, int]] = {}
    for arm in ARMS:
        in_arm = observed.loc[observed[ARM_COLUMN] == arm, column]
        counts[arm] = (int(in_arm.sum()), int(in_arm.size))
    return counts


# --- the one standardisation of log hs-CRP ------------------------------------------------


def standardise_log_crp(crp_mg_l: np.ndarray | Sequence[float] | float, log_crp_mean: float,
                        log_crp_sd: float) -> np.ndarray:
    """``z = (ln C - log_crp_mean) / log_crp_sd``: hs-CRP ``C`` (mg/L) in SD units of log
    hs-CRP around ``log_crp_mean`` (both in log mg/L)."""
    return (np.log(np.asarray(crp_mg_l, dtype=float)) - log_crp_mean) / log_crp_sd


def log_crp_moments(crp_mg_l: np.ndarray | Sequence[float],
                    ddof: int = STANDARDISATION_DDOF) -> tuple[float, float]:
    """Sample mean and SD (``ddof``; 1 = the sample SD) of natural-log hs-CRP, log mg/L.

    The SD is 0 when fewer than ``ddof + 1`` values are given.
    """
    log_crp = np.log(np.asarray(crp_mg_l, dtype=float))
    sd = float(log_crp.std(ddof=ddof)) if log_crp.size > ddof else 0.0
    return float(log_crp.mean()), sd


@dataclass(frozen=True)
class IpdData:
    """The complete cases of one outcome, ready for the hs-CRP interaction model.

    Attributes
    ----------
    outcome
        Outcome name (``remission`` or ``response``).
    treated
        1.0 for tocilizumab, 0.0 for placebo (float array, one per complete case).
    crp_mg_l
        Baseline hs-CRP, mg/L.
    z
        :func:`standardise_log_crp` of ``crp_mg_l`` with this data set's own moments.
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
        return standardise_log_crp(crp_mg_l, self.log_crp_mean, self.log_crp_sd)

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
        """``log_crp_mean``, ``log_crp_sd`` (log mg/L), ``ddof`` and ``n``, in the form of
        :func:`models.simulation.process.truth_on_sample_scale`'s ``standardisation``."""
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
    for arm in ARMS:
        if not (arms == arm).any():
            raise InputError(column, f"has no observed values in the {arm} arm")
    crp = cases[CRP_COLUMN].to_numpy(dtype=float)
    mean, sd = log_crp_moments(crp, ddof)
    if not sd > 0:
        raise InputError(CRP_COLUMN, "needs at least two different values among the "
                         f"complete cases of {outcome} to standardise log hs-CRP")
    return IpdData(
        outcome=outcome,
        treated=(arms == TREATMENT_ARM).astype(float),
        crp_mg_l=crp,
        z=standardise_log_crp(crp, mean, sd),
        y=cases[column].to_numpy(dtype="int64"),
        log_crp_mean=mean,
        log_crp_sd=sd,
        ddof=ddof,
    )
