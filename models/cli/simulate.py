"""``reanalysis simulate``: regenerate the SIMULATED individual data and its truth file
(what ``make data`` runs; the same seed gives the same bytes)."""

import argparse
from pathlib import Path


def run(args: argparse.Namespace) -> None:
    """Write the simulated IPD (``--out``, default ``data/simulated_ipd.csv``) and
    ``<stem>_truth.json`` beside it, from ``--seed`` (default: the shipped data's seed)."""
    from models.core.paths import SIMULATED_IPD_FILE
    from models.simulation.files import write_simulated_data
    from models.simulation.process import DEFAULT_SEED

    seed = DEFAULT_SEED if args.seed is None else args.seed
    out = Path(args.out) if args.out else SIMULATED_IPD_FILE
    write_simulated_data(seed, out)
    truth = out.with_name(f"{out.stem}_truth.json")
    print(f"wrote SIMULATED data (seed {seed}): {out} and {truth}")
