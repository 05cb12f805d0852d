"""``reanalysis simulate``: regenerate the SIMULATED individual data and its truth file
(what ``make data`` runs; the same seed gives the same bytes)."""

import argparse

from models.cli.output import output_file
from models.core.errors import InputError


def run(args: argparse.Namespace) -> None:
    """Write the simulated IPD (``--out``, default ``data/simulated_ipd.csv``) and
    ``<stem>_truth.json`` beside it, from ``--seed`` (default: the shipped data's seed,
    otherwise a whole number >= 0)."""
    from models.core.paths import SIMULATED_IPD_FILE
    from models.simulation.files import write_simulated_data
    from models.simulation.process import DEFAULT_SEED

    seed = DEFAULT_SEED if args.seed is None else args.seed
    if seed < 0:
        raise InputError("--seed", f"must be a whole number >= 0, got {seed}")
    out = output_file(args.out, "--out", SIMULATED_IPD_FILE)
    write_simulated_data(seed, out)
    truth = out.with_name(f"{out.stem}_truth.json")
    print(f"wrote SIMULATED data (seed {seed}): {out} and {truth}")
