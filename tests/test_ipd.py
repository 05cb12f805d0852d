"""Loading and validating individual participant data (IPD) files, and the one
standardisation of log hs-CRP that the models use."""

import math
import re
import statistics
from pathlib import Path

import pandas as pd
import pytest

from models.core.errors import InputError
from models.core.paths import SIMULATED_IPD_FILE
from models.data.ipd import (
    OUTCOME_COLUMNS,
    REQUIRED_COLUMNS,
    arm_counts,
    complete_cases,
    ipd_data,
    load_ipd,
    log_crp_moments,
    standardise_log_crp,
)

HEADER = list(REQUIRED_COLUMNS)
ROWS = [
    ["P01", "tocilizumab", "5.2", "1", "1"],
    ["P02", "placebo", "3.0", "0", "0"],
    ["P03", "tocilizumab", "12.4", "", ""],
    ["P04", "placebo", "7.7", "1", "0"],
    ["P05", "tocilizumab", "4.1", "0", "1"],
]


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    return "\n".join(",".join(cells) for cells in [header, *rows]) + "\n"


def write_ipd_file(
    tmp_path: Path, header: list[str] = HEADER, rows: list[list[str]] = ROWS
) -> Path:
    path = tmp_path / "ipd.csv"
    path.write_text(csv_text(header, rows), encoding="utf-8")
    return path


def with_cell(row: int, column: str, value: str) -> list[list[str]]:
    """ROWS with the cell in 1-based data ``row`` and ``column`` replaced by ``value``."""
    rows = [list(cells) for cells in ROWS]
    rows[row - 1][HEADER.index(column)] = value
    return rows


def test_valid_file_loads_with_types_and_missing_outcomes(tmp_path: Path) -> None:
    ipd = load_ipd(write_ipd_file(tmp_path))
    assert list(ipd.columns) == HEADER
    assert ipd["participant_id"].tolist() == ["P01", "P02", "P03", "P04", "P05"]
    assert ipd["crp_mg_l"].tolist() == [5.2, 3.0, 12.4, 7.7, 4.1]
    for column in OUTCOME_COLUMNS.values():
        assert str(ipd[column].dtype) == "Int64"
        assert ipd[column].isna().tolist() == [False, False, True, False, False]
    assert ipd["remission_day28"].dropna().tolist() == [1, 0, 1, 0]


def test_shipped_simulated_file_loads() -> None:
    ipd = load_ipd(SIMULATED_IPD_FILE)
    assert len(ipd) == 30
    assert set(ipd["arm"]) == {"tocilizumab", "placebo"}


def test_na_text_and_decimal_zero_one_are_accepted(tmp_path: Path) -> None:
    rows = with_cell(1, "remission_day28", "NA")
    rows[1][HEADER.index("response_day28")] = "1.0"
    ipd = load_ipd(write_ipd_file(tmp_path, rows=rows))
    assert pd.isna(ipd.loc[0, "remission_day28"])
    assert ipd.loc[1, "response_day28"] == 1


def test_extra_columns_are_kept(tmp_path: Path) -> None:
    rows = [[*cells, "site A"] for cells in ROWS]
    ipd = load_ipd(write_ipd_file(tmp_path, header=[*HEADER, "site"], rows=rows))
    assert ipd["site"].tolist() == ["site A"] * len(ROWS)


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "ipd.csv"
    with pytest.raises(InputError, match=re.escape(str(path)) + " does not exist"):
        load_ipd(path)


def test_empty_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "ipd.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="is empty"):
        load_ipd(path)


def test_header_without_rows_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no data rows"):
        load_ipd(write_ipd_file(tmp_path, rows=[]))


@pytest.mark.parametrize("column", REQUIRED_COLUMNS)
def test_missing_column_is_named(tmp_path: Path, column: str) -> None:
    keep = [i for i, name in enumerate(HEADER) if name != column]
    header = [HEADER[i] for i in keep]
    rows = [[cells[i] for i in keep] for cells in ROWS]
    with pytest.raises(InputError, match=f"header row, column {column} is missing"):
        load_ipd(write_ipd_file(tmp_path, header=header, rows=rows))


@pytest.mark.parametrize("arm", ["Tocilizumab", "active", "", "control"])
def test_bad_arm_names_row_column_and_allowed_labels(tmp_path: Path, arm: str) -> None:
    path = write_ipd_file(tmp_path, rows=with_cell(2, "arm", arm))
    with pytest.raises(InputError, match=r"row 2, column arm must be 'tocilizumab' or 'placebo'"):
        load_ipd(path)


@pytest.mark.parametrize("column", list(OUTCOME_COLUMNS.values()))
@pytest.mark.parametrize("value", ["2", "-1", "0.5", "yes", "nan"])
def test_bad_outcome_names_row_and_column(tmp_path: Path, column: str, value: str) -> None:
    path = write_ipd_file(tmp_path, rows=with_cell(4, column, value))
    with pytest.raises(InputError, match=f"row 4, column {column} must be 0 or 1") as error:
        load_ipd(path)
    assert error.value.field == f"row 4, column {column}"
    assert repr(value) in error.value.message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1.5", "must be > 0"),
        ("0", "must be > 0"),
        ("nan", "must be a finite number"),
        ("NaN", "must be a finite number"),
        ("inf", "must be a finite number"),
        ("-inf", "must be a finite number"),
        ("high", "must be a number"),
        ("", "is empty"),
    ],
)
def test_bad_crp_names_row_and_column(tmp_path: Path, value: str, message: str) -> None:
    path = write_ipd_file(tmp_path, rows=with_cell(3, "crp_mg_l", value))
    with pytest.raises(InputError, match=f"row 3, column crp_mg_l {message}"):
        load_ipd(path)


def test_duplicate_id_names_both_rows(tmp_path: Path) -> None:
    path = write_ipd_file(tmp_path, rows=with_cell(3, "participant_id", "P01"))
    with pytest.raises(
        InputError, match=r"row 3, column participant_id repeats 'P01' \(first in row 1\)"
    ):
        load_ipd(path)


def test_empty_id_names_row_and_column(tmp_path: Path) -> None:
    path = write_ipd_file(tmp_path, rows=with_cell(5, "participant_id", " "))
    with pytest.raises(InputError, match="row 5, column participant_id is empty"):
        load_ipd(path)


def test_single_arm_is_an_input_error(tmp_path: Path) -> None:
    rows = [cells for cells in ROWS if cells[1] == "placebo"]
    with pytest.raises(InputError, match="column arm has no 'tocilizumab' rows"):
        load_ipd(write_ipd_file(tmp_path, rows=rows))


def test_complete_cases_drop_missing_and_give_integers(tmp_path: Path) -> None:
    ipd = load_ipd(write_ipd_file(tmp_path))
    observed = complete_cases(ipd, "remission")
    assert observed["participant_id"].tolist() == ["P01", "P02", "P04", "P05"]
    assert observed["remission_day28"].dtype == "int64"
    assert list(observed.index) == [0, 1, 2, 3]
    assert ipd["remission_day28"].isna().sum() == 1  # the input is not modified


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("remission", {"tocilizumab": (1, 2), "placebo": (1, 2)}),
        ("response", {"tocilizumab": (2, 2), "placebo": (0, 2)}),
    ],
)
def test_arm_counts(tmp_path: Path, outcome: str, expected: dict) -> None:
    counts = arm_counts(load_ipd(write_ipd_file(tmp_path)), outcome)
    assert counts == expected
    assert all(type(value) is int for pair in counts.values() for value in pair)


def test_unknown_outcome_is_an_input_error(tmp_path: Path) -> None:
    ipd = load_ipd(write_ipd_file(tmp_path))
    with pytest.raises(InputError, match="outcome must be one of remission, response"):
        arm_counts(ipd, "relapse")


# --- the standardisation of log hs-CRP -----------------------------------------------------


def test_log_crp_moments_are_the_sample_mean_and_sd_of_the_logs() -> None:
    crp = [3.0, 5.2, 12.4, 7.7, 4.1]
    logs = [math.log(c) for c in crp]
    mean, sd = log_crp_moments(crp)
    assert mean == pytest.approx(statistics.fmean(logs), abs=1e-14)
    assert sd == pytest.approx(statistics.stdev(logs), abs=1e-14)
    assert log_crp_moments(crp, ddof=0)[1] == pytest.approx(statistics.pstdev(logs), abs=1e-14)
    assert log_crp_moments([4.0]) == (pytest.approx(math.log(4.0)), 0.0)


def test_standardise_log_crp_maps_mg_l_to_sd_units() -> None:
    z = standardise_log_crp([3.0, math.e * 3.0], math.log(3.0), 2.0)
    assert z.tolist() == pytest.approx([0.0, 0.5], abs=1e-15)


def test_ipd_data_standardises_the_complete_cases(tmp_path: Path) -> None:
    data = ipd_data(load_ipd(write_ipd_file(tmp_path)), "remission")
    crp = [5.2, 3.0, 7.7, 4.1]  # P03 has no remission outcome
    logs = [math.log(c) for c in crp]
    expected = [(x - statistics.fmean(logs)) / statistics.stdev(logs) for x in logs]
    assert data.z.tolist() == pytest.approx(expected, abs=1e-14)
    assert data.treated.tolist() == [1.0, 0.0, 0.0, 1.0]
    assert data.y.tolist() == [1, 0, 1, 0]
    assert data.z_of(crp).tolist() == pytest.approx(expected, abs=1e-14)
    counts = data.arm_counts()
    assert (str(counts.treatment), str(counts.control)) == ("1/2", "1/2")


def test_ipd_data_needs_two_hs_crp_values(tmp_path: Path) -> None:
    rows = [[*cells[:2], "5.0", *cells[3:]] for cells in ROWS]
    with pytest.raises(InputError, match="crp_mg_l needs at least two different values"):
        ipd_data(load_ipd(write_ipd_file(tmp_path, rows=rows)), "remission")


def test_ipd_data_needs_both_arms_observed(tmp_path: Path) -> None:
    rows = [[*cells[:3], "", cells[4]] if cells[1] == "placebo" else cells for cells in ROWS]
    with pytest.raises(InputError, match="remission_day28 has no observed values in the "
                                         "placebo arm"):
        ipd_data(load_ipd(write_ipd_file(tmp_path, rows=rows)), "remission")
