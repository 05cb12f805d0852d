"""``reanalysis report``: render the HTML report and print its path (what ``make report``
runs)."""

import argparse
from pathlib import Path


def run(args: argparse.Namespace) -> None:
    """Render with ``--priors`` to ``--output`` (default ``reports/_output/``)."""
    from models.report.build import make_report

    output = make_report(priors_file=Path(args.priors), output=args.output)
    print(output)
