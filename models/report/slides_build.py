"""``make slides``: validate the inputs, then render the teaching deck
(``reports/slides.qmd``) to one self-contained HTML file, ``reports/_output/slides.html``.

The deck is rendered like the report (:func:`models.report.build.make_report`): the same
parameters (``priors``, ``trial``), the same metadata keys hiding the slides a trial cannot
fill, the same renderer choice (Quarto's revealjs when a ``quarto`` binary is on PATH, else
the fallback, :mod:`models.report.render.deck`), the same cached results, and the same
atomic write: a failed or interrupted render leaves the previous deck as it was.
"""

from pathlib import Path

from models.core.paths import OUTPUT_DIR, REPORTS_DIR, TRIAL_COUNTS_FILE
from models.core.progress import say
from models.priors.priors_file import load_priors
from models.report.build import render_document

SLIDES_SOURCE = REPORTS_DIR / "slides.qmd"
DEFAULT_SLIDES_OUTPUT = OUTPUT_DIR / "slides.html"


def make_slides(priors_file: Path, output: Path | str | None = None,
                trial_file: Path = TRIAL_COUNTS_FILE) -> Path:
    """Render the deck with ``priors_file`` and ``trial_file``; return the HTML path. Both
    files are validated first (and against each other), as for the report."""
    from models.data.trial import load_trial
    from models.priors.matching import check_priors_fit_trial
    from models.report.metadata import report_metadata, report_title

    priors = load_priors(priors_file)
    trial = load_trial(trial_file)
    check_priors_fit_trial(priors, trial)
    output = Path(output) if output else DEFAULT_SLIDES_OUTPUT
    metadata = {key: value for key, value in report_metadata(trial).items()
                if key not in ("title", "subtitle")}
    metadata["pagetitle"] = f"{report_title(trial)}: teaching slides"
    say(f"rendering slides of {Path(trial_file).name} with priors {priors.path} "
        f"({', '.join(priors.names)})")
    return render_document(SLIDES_SOURCE, output, priors.path, Path(trial_file), metadata,
                           what="slides", deck=True)
