"""The repeated-simulation study's cache: one CSV of per-trial results and one JSON of
metadata per key, under ``<cache root>/simulation_study/`` (:mod:`models.core.cache_root`).

The key (made by :mod:`models.simulation.study`) covers the study's configuration, the
code that computes it and the package versions. A cached pair is served only when the
JSON parses, names the same key and the SHA-256 of the CSV beside it, and the CSV has the
expected columns and number of rows; anything else (a truncated, damaged or foreign
file) is deleted and the study recomputed, never served and never a crash. Files are
written atomically, CSV first: a JSON on disk vouches for the CSV it hashes.
"""

import hashlib
import io
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from models.core.atomic import write_text_atomically
from models.core.cache_root import SIMULATION_STUDY, cache_folder

CSV_HASH_FIELD = "csv_sha256"


def study_cache_dir() -> Path:
    """``<cache root>/simulation_study`` (read from the environment at each call)."""
    return cache_folder(SIMULATION_STUDY)


@dataclass(frozen=True)
class CachedStudy:
    """A validated cached study: per-trial results and the run's metadata.

    ``elapsed_seconds`` is the wall time of the run that computed it (compile included if
    it happened in that run), ``problem_fits`` the fits failing a diagnostic.
    """

    replicates: pd.DataFrame
    elapsed_seconds: float
    seconds_per_fit: float
    problem_fits: int


def paths(directory: Path, key: str) -> tuple[Path, Path]:
    """The CSV and JSON files of ``key``."""
    return directory / f"{key}.csv", directory / f"{key}.json"


def save(directory: Path, key: str, study: CachedStudy, description: Mapping[str, Any]) -> None:
    """Write the replicates (CSV), then the JSON: ``description`` (configuration, versions,
    summary: for people reading the file), the run's metadata, the key and the CSV's hash."""
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = paths(directory, key)
    csv_text = study.replicates.to_csv(index=False, lineterminator="\n")
    write_text_atomically(csv_text, csv_path)
    payload = {**description, "elapsed_seconds": study.elapsed_seconds,
               "seconds_per_fit": study.seconds_per_fit, "problem_fits": study.problem_fits,
               "key": key, CSV_HASH_FIELD: hashlib.sha256(csv_text.encode("utf-8")).hexdigest()}
    write_text_atomically(json.dumps(payload, indent=2) + "\n", json_path)


def _read(csv_path: Path, json_path: Path, key: str, columns: Collection[str],
          rows: int) -> CachedStudy:
    """The cached study, or ValueError/KeyError/TypeError/OSError when anything is off."""
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    if not isinstance(meta, dict) or meta.get("key") != key:
        raise ValueError("foreign or malformed metadata")
    csv_bytes = csv_path.read_bytes()
    if hashlib.sha256(csv_bytes).hexdigest() != meta[CSV_HASH_FIELD]:
        raise ValueError("the CSV is not the one the metadata vouches for")
    replicates = pd.read_csv(io.BytesIO(csv_bytes))
    if set(replicates.columns) != set(columns) or len(replicates) != rows:
        raise ValueError("unexpected columns or number of rows")
    return CachedStudy(replicates, float(meta["elapsed_seconds"]),
                       float(meta["seconds_per_fit"]), int(meta["problem_fits"]))


def load(directory: Path, key: str, columns: Collection[str], rows: int) -> CachedStudy | None:
    """The cached study of ``key`` if it is complete and valid (see the module docstring);
    else None, and a damaged or foreign pair is deleted."""
    csv_path, json_path = paths(directory, key)
    if not (csv_path.is_file() and json_path.is_file()):
        return None
    try:
        return _read(csv_path, json_path, key, columns, rows)
    except (ValueError, KeyError, TypeError, OSError, pd.errors.ParserError):
        # json.JSONDecodeError, UnicodeDecodeError and pandas' EmptyDataError are
        # ValueErrors: every unreadable or inconsistent file is treated as absent.
        json_path.unlink(missing_ok=True)
        csv_path.unlink(missing_ok=True)
        return None
