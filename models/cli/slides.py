"""``reanalysis slides``: render the teaching deck and print its path (what ``make slides``
runs): 10 to 15 slides from the same computed results as the report, one self-contained
HTML file that works offline (``reports/_output/slides.html`` by default)."""

import argparse
from pathlib import Path

from models.cli.output import output_file


def run(args: argparse.Namespace) -> None:
    """Render the deck of ``--trial`` with ``--priors`` to ``--output``."""
    from models.report.slides_build import DEFAULT_SLIDES_OUTPUT, make_slides

    output = output_file(args.output, "--output", DEFAULT_SLIDES_OUTPUT)
    print(make_slides(priors_file=Path(args.priors), output=output,
                      trial_file=Path(args.trial)))
