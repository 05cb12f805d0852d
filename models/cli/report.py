"""``reanalysis report``: render the HTML report and print its path (what ``make report``
runs)."""

import argparse
from pathlib import Path

from models.cli.output import output_file


def run(args: argparse.Namespace) -> None:
    """Render ``--trial`` with ``--priors`` to ``--output`` (default
    ``reports/_output/``)."""
    from models.report.build import DEFAULT_OUTPUT, make_report

    output = output_file(args.output, "--output", DEFAULT_OUTPUT)
    print(make_report(priors_file=Path(args.priors), output=output,
                      trial_file=Path(args.trial)))
