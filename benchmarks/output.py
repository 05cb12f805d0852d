"""What a benchmark run leaves behind: the printed table and the JSON document
(``reports/_output/benchmarks.json``: machine, settings, every measurement, the table)."""

import datetime as dt
import json
import os
import platform
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.common import BenchResult, Repeats, Row
from models.core.atomic import write_text_atomically
from models.core.paths import OUTPUT_DIR
from models.core.provenance import PACKAGES, package_versions
from models.mcmc.sampling import DEFAULT_SAMPLER

BENCH_FILE = OUTPUT_DIR / "benchmarks.json"
SCHEMA_VERSION = 1
EXTRA_PACKAGES = ("numba", "h5netcdf")
"""Versions recorded besides the report's own package list (they affect the timings)."""

UNITS = {"s": "{:.2f} s", "ms": "{:.2f} ms", "x": "{:.1f}x", "MCSE": "{:.2f} MCSE"}
"""How a value is printed, by unit (other units: three significant digits)."""


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or the platform's processor string)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine_info() -> dict[str, Any]:
    """Date, CPU count, Python and package versions of this run."""
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu": cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": package_versions(PACKAGES + EXTRA_PACKAGES),
        "quarto_on_path": shutil.which("quarto") is not None,
    }


def load_average() -> list[float] | None:
    """1, 5 and 15-minute load averages (other work on the machine skews timings)."""
    return [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None


def table_rows(results: Sequence[BenchResult]) -> list[Row]:
    """All rows, grouped by benchmark number (stable within a benchmark)."""
    rows = [row for result in results for row in result.rows]
    return sorted(rows, key=lambda row: row.benchmark.split()[0])


def payload(results: Sequence[BenchResult], repeats: Repeats, quick: bool,
            load_at_start: list[float] | None = None) -> dict[str, Any]:
    """The JSON document: machine, settings, detailed results and the table."""
    machine = machine_info()
    machine["load_average_at_start"] = load_at_start
    machine["load_average_at_end"] = load_average()
    return {
        "schema": SCHEMA_VERSION,
        "machine": machine,
        "quick": quick,
        "repeats": asdict(repeats),
        "sampler": DEFAULT_SAMPLER.as_dict(),
        "results": {r.name: r.details for r in results},
        "table": [asdict(row) for row in table_rows(results)],
    }


def write_json(document: Mapping[str, Any], path: Path = BENCH_FILE) -> Path:
    """Write ``document`` as indented JSON (atomically, creating the folder); returns the
    path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(json.dumps(document, indent=2) + "\n", path)
    return path


def format_value(value: float | None, unit: str) -> str:
    """``value`` with its unit as printed in the table (``-`` when there is none)."""
    if value is None:
        return "-"
    return UNITS.get(unit, "{:.3g} " + unit).format(value).strip()


def format_table(rows: Sequence[Row]) -> str:
    """A plain-text table: benchmark, what, value, target, verdict."""
    header = ("benchmark", "what", "value", "target", "verdict")
    cells = [header] + [(r.benchmark, r.what, format_value(r.value, r.unit), r.target or "-",
                         r.verdict) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(text.ljust(w) if i < 2 else text.rjust(w) if i == 2 else text.ljust(w)
                       for i, (text, w) in enumerate(zip(row, widths, strict=True))).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
