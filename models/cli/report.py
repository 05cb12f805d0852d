"""``reanalysis report``: render the HTML report and print its path (what ``make report``
runs). When the existing report was made from exactly the same inputs (report and package
source, trial, priors and individual-data files, lock file, renderer and versions), it is
not rendered again: the command says so and prints the path; ``--force`` renders anyway."""

import argparse
import sys
from pathlib import Path

from models.cli.output import output_file

MOST_NAMED = 3
"""Changed inputs named one by one before the rest are counted."""


def run(args: argparse.Namespace) -> None:
    """Render ``--trial`` with ``--priors`` to ``--output`` (default
    ``reports/_output/``), unless it is up to date and ``--force`` is not given."""
    from models.core.progress import say
    from models.report.build import DEFAULT_OUTPUT, make_report, report_up_to_date

    output = output_file(args.output, "--output", DEFAULT_OUTPUT)
    priors, trial = Path(args.priors), Path(args.trial)
    if not args.force:
        current, changed = report_up_to_date(priors, output, trial)
        if current:
            print("reanalysis: the report is up to date (no input changed since its render; "
                  "make report FORCE=1 renders it again)", file=sys.stderr)
            print(output)
            return
        say(f"rendering: {changed_summary(changed)}")
    print(make_report(priors_file=priors, output=output, trial_file=trial))


def changed_summary(changed: list[str]) -> str:
    """What changed since the last render, for the progress line."""
    if changed in (["report"], ["inputs"]):
        return "no earlier render from these inputs"
    named = ", ".join(changed[:MOST_NAMED])
    more = len(changed) - MOST_NAMED
    return f"changed since the last render: {named}" + (f" and {more} more" if more > 0 else "")
