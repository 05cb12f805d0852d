"""``make report``: validate the inputs, then render the report to one HTML file.

Inputs are validated before anything is rendered, so a bad priors file fails fast
with one message; rendering writes to a temporary file that replaces the previous
report only on success (:func:`models.report.render.pipeline.render_report`).
"""

import os
import sys
from pathlib import Path

from models.core.errors import InputError
from models.core.paths import OUTPUT_DIR, REPORT_SOURCE, TRIAL_COUNTS_FILE
from models.core.progress import PROGRESS_ENV, interactive, say, terminal_path
from models.priors.priors_file import load_priors

DEFAULT_OUTPUT = OUTPUT_DIR / "reanalysis.html"


def make_report(priors_file: Path, output: Path | str | None = None) -> Path:
    """Render ``reports/reanalysis.qmd`` with ``priors_file``; returns the HTML path."""
    from models.data.trial import load_trial
    from models.report.render.errors import RenderError
    from models.report.render.pipeline import render_report

    priors = load_priors(priors_file)
    load_trial(TRIAL_COUNTS_FILE)
    output = Path(output) if output else DEFAULT_OUTPUT
    say(f"rendering report with priors {priors.path} ({', '.join(priors.names)})")
    terminal = terminal_path()
    if terminal:
        os.environ[PROGRESS_ENV] = terminal  # the report's kernel narrates its fits there
    try:
        info = render_report(REPORT_SOURCE, output.resolve(), {"priors": str(priors.path)},
                             python=Path(sys.executable), progress=interactive())
    except RenderError as error:
        if error.is_input_error:
            raise InputError("report", str(error)) from None
        raise
    say(f"rendered with {info.renderer}")
    return info.output
