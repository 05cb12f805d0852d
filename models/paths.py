"""Every path the project uses, defined once from the project root."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REPORTS_DIR = ROOT / "reports"
OUTPUT_DIR = REPORTS_DIR / "_output"
CACHE_DIR = ROOT / ".cache"

TRIAL_COUNTS_FILE = DATA_DIR / "trial_counts.yml"
DEFAULT_PRIORS_FILE = DATA_DIR / "priors.yml"
SIMULATED_IPD_FILE = DATA_DIR / "simulated_ipd.csv"
SIMULATED_IPD_TRUTH_FILE = DATA_DIR / "simulated_ipd_truth.json"
REPORT_SOURCE = REPORTS_DIR / "reanalysis.qmd"
