"""The report's document metadata for one trial file: its title and subtitle in the
trial's own words, and the keys that hide the parts the trial cannot fill.

Both renderers receive it (``quarto render -M KEY:VALUE``; the fallback merges it into the
front matter), and the report source hides its parts with Quarto's conditional content,
``::: {.content-hidden when-meta="no-ipd"}``. Titles are Markdown in the metadata, so the
trial file's text is escaped (it is shown as text, never markup).
"""

from models.data.trial import Trial
from models.report.format import markdown_text, upper_first

NO_IPD, NO_COUNTS, NO_ESTIMATES, NO_MISSING = ("no-ipd", "no-counts", "no-estimates",
                                              "no-missing")
NO_SBC = "no-sbc"
"""Metadata key, true when there are no readable simulation-based calibration results
(``make sbc`` not run): the appendix then says how to produce them and shows no figure
(:func:`models.report.sbc_view.sbc_metadata`)."""
"""Metadata keys, true when the trial has no individual data, no outcome given as counts,
no outcome given only as a published ratio, no randomised treatment-arm participant without
an outcome."""


def report_title(trial: Trial) -> str:
    """"<Treatment> vs <control> at <timepoint>: a post hoc Bayesian reanalysis"."""
    arms = upper_first(f"{trial.treatment_name} vs {trial.control_name}")
    when = f" at {trial.timepoint}" if trial.timepoint else ""
    return f"{arms}{when}: a post hoc Bayesian reanalysis"


def report_subtitle(trial: Trial) -> str:
    """The outcomes analysed and the trial's name."""
    labels = [trial.label(name) for name in trial.outcome_names]
    outcomes = (", ".join(labels[:-1]) + " and " + labels[-1].lower()
                if len(labels) > 1 else labels[0])
    return outcomes + (f"; {trial.name}" if trial.name else "")


def report_metadata(trial: Trial) -> dict[str, str | bool]:
    """Title, subtitle (escaped Markdown) and the conditional-content keys."""
    return {
        "title": markdown_text(report_title(trial)),
        "subtitle": markdown_text(report_subtitle(trial)),
        NO_IPD: trial.ipd is None or not trial.outcomes,
        NO_COUNTS: not trial.outcomes,
        NO_ESTIMATES: not trial.estimates,
        NO_MISSING: trial.missing_treatment <= 0,
    }
