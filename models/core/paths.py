"""Every path the project uses, defined once from the project root."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
REPORTS_DIR = ROOT / "reports"
OUTPUT_DIR = REPORTS_DIR / "_output"
CACHE_DIR = ROOT / ".cache"

TRIAL_COUNTS_FILE = DATA_DIR / "trial_counts.yml"
DEFAULT_PRIORS_FILE = DATA_DIR / "priors.yml"
SIMULATED_IPD_FILE = DATA_DIR / "simulated_ipd.csv"
SIMULATED_IPD_TRUTH_FILE = DATA_DIR / "simulated_ipd_truth.json"
REPORT_SOURCE = REPORTS_DIR / "reanalysis.qmd"
SBC_FILE = OUTPUT_DIR / "sbc.json"
"""Simulation-based calibration results (``make sbc``), shown in the report's appendix."""


def resolve_input(path: str | Path) -> Path:
    """An input path as a user meant it: absolute as given; relative to the current folder
    if it exists there, else relative to the project root. (Quarto executes the report
    in ``reports/``, while users name files from the project root:
    ``quarto render reports/reanalysis.qmd -P priors:my_priors.yml``.)"""
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path.resolve()
    return (ROOT / path).resolve()
