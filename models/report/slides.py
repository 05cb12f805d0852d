"""The teaching deck: 10 to 15 slides built from the report's own results.

Each slide function takes the :class:`~models.report.results.ReportResults` that the
report uses and returns the slide's body: an HTML fragment made only of escaped user
text, numbers read from the results, the report's tables and figures (embedded SVG
images) and, on one slide, the live prior explorer. Nothing is retyped: every number
comes from the results, through the report's table, sentence and figure functions.
:data:`SLIDES` lists the slides in order, each with its title and function;
``reports/slides.qmd`` has one ``##`` heading and one cell per slide, in the same order
(a test holds them together), and :func:`deck` gives a trial's slides (parts a trial
cannot fill are left out, as the report leaves them out: no interaction without individual
data, no explorer without counts).

Slides are designed for a 1280 x 720 stage read from the back of a room: no text under 24
CSS px (``reports/assets/slides.css``); figures show the first outcome only, so that they
are large.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from models.data.trial import Trial
from models.exact.beta_binomial import ARD_THRESHOLDS
from models.mcmc.crp_effects import BENEFIT_LEVEL
from models.priors.prior_set import PriorSet
from models.report import curves, figures, tables, text, text_sensitivity, wording
from models.report import format as fmt
from models.report.explorer import explorer_html
from models.report.metadata import report_subtitle, report_title
from models.report.prior_beliefs import prior_beliefs, prior_beliefs_figure
from models.report.results import HEADLINE_ARD, ReportResults
from models.sensitivity.prior_map import BENEFIT_TARGETS

FIGURE_HEIGHT = 470
"""Height of a slide's figure (CSS px on the 1280 x 720 stage)."""

SLIDE_FIGURE_STYLE: dict[str, Any] = {
    "font.size": 12, "axes.titlesize": 12.5, "axes.labelsize": 12,
    "xtick.labelsize": 11, "ytick.labelsize": 11, "legend.fontsize": 11,
    "legend.title_fontsize": 11, "figure.titlesize": 12.5,
}
"""matplotlib text sizes for slide figures: larger than the report's (10.5 and 9.5
points), for a room; figures are shown larger than their own size as well."""

_CROSS_REFERENCE = re.compile(r"\s*\((?:see [^()]*?)?@(?:sec|fig|tbl)-[\w-]+\)")
_BARE_REFERENCE = re.compile(r"\[?@(?:sec|fig|tbl)-[\w-]+\]?")


@dataclass(frozen=True)
class Slide:
    """One slide: ``key`` (a stable identifier), ``title`` (plain text, escaped where it
    is shown) and ``body`` (an HTML fragment, already safe)."""

    key: str
    title: str
    body: str

    def html(self) -> str:
        """The slide as a ``<section>`` (for tests and previews; the renderers build
        their own sections from the headings of ``reports/slides.qmd``)."""
        return (f'<section id="{self.key}" class="level2"><h2>{escape(self.title)}</h2>'
                f'<div class="deck-body">{self.body}</div></section>')


def first_priors(priors: PriorSet) -> PriorSet:
    """The first ``PRIOR_COLUMNS`` named priors of the file: a figure with one column per
    prior keeps a readable size with up to that many."""
    names = priors.names[:figures.PRIOR_COLUMNS]
    return dataclasses.replace(priors, priors={name: priors.priors[name] for name in names})


def first_outcome_trial(trial: Trial) -> Trial:
    """``trial`` with only its first outcome (counts first, then published ratios), for
    figures large enough to read on a slide."""
    name = trial.outcome_names[0]
    if name in trial.outcomes:
        return dataclasses.replace(trial, outcomes={name: trial.outcomes[name]}, estimates={})
    return dataclasses.replace(trial, outcomes={}, estimates={name: trial.estimates[name]})


def figure_html(draw: Callable[[], Figure], alt: str, height: int = FIGURE_HEIGHT) -> str:
    """Draw a figure with the slide text sizes and embed it as an SVG image (no URL), at
    most ``height`` CSS px high and otherwise as large as the slide leaves room for."""
    with plt.style.context(SLIDE_FIGURE_STYLE):
        fig = draw()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None},
                    dpi=figures.RASTER_DPI, bbox_inches="tight", pad_inches=0.05)
        plt.close(fig)
    data = base64.b64encode(buffer.getvalue().encode("utf-8")).decode("ascii")
    return (f'<figure class="deck-figure"><img src="data:image/svg+xml;base64,{data}" '
            f'alt="{escape(alt)}" style="max-height:{height}px"></figure>')


def markdown_html(markdown: str) -> str:
    """The report's Markdown sentences as HTML (pandoc's Markdown reader, raw HTML off:
    user text in them is already escaped Markdown); a parenthesised cross-reference to
    the report's sections is dropped, any other becomes "the report"."""
    import pypandoc

    cleaned = _BARE_REFERENCE.sub("the report", _CROSS_REFERENCE.sub("", markdown))
    return str(pypandoc.convert_text(cleaned, "html5", format="markdown-raw_html",
                                     extra_args=["--wrap=none"])).strip()


def table_html(frame: pd.DataFrame) -> str:
    """A report table as an HTML table (every cell escaped)."""
    head = "".join(f"<th>{escape(str(column))}</th>" for column in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row)
                   + "</tr>" for row in frame.itertuples(index=False))
    return (f'<table class="deck-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _list(items: list[str]) -> str:
    """Items (HTML) as a large bulleted list."""
    return '<ul class="deck-list">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _first_outcome_label(results: ReportResults) -> str:
    trial = results.trial
    return trial.label(trial.outcome_names[0])


# --------------------------------------------------------------------------- the slides


def question(results: ReportResults) -> str:
    """The question, in the trial's own words."""
    trial = results.trial
    treatment, control = trial.treatment_name, trial.control_name
    return (f'<p class="deck-title">{escape(report_title(trial))}</p>'
            f'<p class="deck-lead">How probable is it that {escape(treatment)} beats '
            f"{escape(control)}, given what the trial published, for a reader who starts "
            "from a reference, a skeptical or an enthusiastic belief?</p>"
            f'<p class="deck-note">{escape(report_subtitle(trial))}</p>'
            '<p class="deck-note">Every number in this deck comes from the same computed '
            "results as the report. Keys: arrows, Page Up/Down, space, Home/End.</p>")


def trial_and_caveats(results: ReportResults) -> str:
    """What the trial did and found, and what limits any reading of it: the trial file's
    caveats by their lead phrase (the text before the first full stop), then the two of
    every post hoc reanalysis of a small trial."""
    trial = results.trial
    rows = []
    for name, outcome in trial.outcomes.items():
        rows.append({"Outcome": trial.label(name),
                     trial.treatment_name: tables.arm_counts(outcome.treatment),
                     trial.control_name: tables.arm_counts(outcome.control)})
    counts = table_html(pd.DataFrame(rows)) if rows else ""
    caveats = [escape(caveat.split(". ", 1)[0].rstrip(".")) + "." for caveat in trial.caveats]
    caveats.append("Post hoc: models, thresholds and priors chosen after the results were "
                   "public.")
    if results.has_counts:
        caveats.append(f"Small arms: one participant moves a rate by "
                       f"{escape(text.one_participant_points(results))} percentage points.")
    described = f'<div class="deck-note">{markdown_html(text.trial_description(results))}</div>'
    return counts + described + '<div class="deck-scroll deck-two">' + _list(caveats) + "</div>"


def priors_as_beliefs(results: ReportResults) -> str:
    """Each named prior as a belief about the odds ratio, with its one-line description."""
    priors = results.prior_set
    colors = figures.prior_colors(priors)
    trial = results.trial
    first = trial.outcome_names[0]
    ratio = "odds ratio" if first in trial.outcomes else trial.estimates[first].estimate.words
    picture = figure_html(
        lambda: prior_beliefs_figure(prior_beliefs(priors), colors, width=10.0, height=3.0,
                                     ratio=ratio),
        "Prior densities of the odds ratio, one curve per named prior.", height=260)
    described = [f"<strong>{escape(prior.label)}</strong>: {escape(prior.description)}"
                 for prior in priors.priors.values()]
    return picture + '<div class="deck-scroll deck-two">' + _list(described) + "</div>"


def prior_to_posterior(results: ReportResults) -> str:
    """Prior, data alone and posterior of the risk difference (beta-binomial, exact), or of
    a published ratio (normal-normal) when the trial has no counts."""
    trial = first_outcome_trial(results.trial)
    label = escape(_first_outcome_label(results))
    priors = first_priors(results.prior_set)
    shown = ("" if len(priors.names) == len(results.prior_set.names) else
             f" The first {len(priors.names)} priors of the file.")
    if trial.outcomes:
        picture = figure_html(
            lambda: figures.prior_data_posterior(curves.prior_data_posterior(trial, priors)),
            "Prior (dashed), data alone (dotted) and posterior (solid) risk difference, one "
            "panel per prior.")
        note = (f"{label}: prior (dashed), data alone (dotted), posterior (solid); shaded: "
                f"P(benefit). Beta-binomial model, exact.{shown}")
    else:
        picture = figure_html(
            lambda: figures.published_densities(curves.published_densities(
                trial, priors, results.normal)),
            "Prior, published likelihood and posterior of the ratio, one panel per prior.")
        note = (f"{label}: prior (dashed), published ratio (dotted), posterior (solid). "
                f"Normal-normal model, closed form.{shown}")
    return f'<p class="deck-note">{note}</p>' + picture


def headline(results: ReportResults) -> str:
    """The primary analysis's probabilities under each prior (the report's summary table)."""
    model = ("Primary analysis, exact: logistic model on the counts." if results.has_counts
             else "Normal-normal model on the published ratio, closed form.")
    return (f'<p class="deck-lead">{model}</p>' + table_html(tables.summary(results))
            + '<p class="deck-note">A posterior probability is not a p-value, and '
            "P(better) counts any benefit, however small.</p>")


def worthwhile(results: ReportResults) -> str:
    """How probable a clinically worthwhile benefit is, and the curve it comes from."""
    trial = results.trial
    if not results.has_counts:
        return markdown_html(text.summary_bullets(results))
    outcome = results.reference_outcome
    points = f"{100 * HEADLINE_ARD:g}"
    worthwhile_p = {name: results.logistic[(name, outcome.name)]
                    .p_benefit_greater[HEADLINE_ARD].estimate
                    for name in results.prior_set.names}
    items = [f"<strong>{escape(results.labels[name])}</strong>: {fmt.prob(p)}"
             for name, p in worthwhile_p.items()]
    benefit = wording.benefit_per_100(outcome.direction, HEADLINE_ARD)
    lead = (f'<p class="deck-lead">Probability of {escape(benefit)} (NNT {1 / HEADLINE_ARD:g} '
            "or fewer), "
            f"{escape(outcome.label.lower())}: " + "; ".join(items) + ".</p>")
    picture = figure_html(
        lambda: figures.benefit_curves(curves.benefit_curves(
            trial, results.prior_set, ARD_THRESHOLDS, results.logistic_posteriors)),
        f"Posterior probability of a benefit of more than d points against d; the "
        f"{points}-point threshold is marked.", height=430)
    return lead + picture


def sensitivity(results: ReportResults) -> str:
    """The heat map of P(benefit) over normal priors, with the tipping points of the first
    outcome."""
    trial = results.trial
    name = trial.outcome_names[0]
    picture = figure_html(
        lambda: figures.sensitivity_map(curves.sensitivity_map(
            results.sensitivity, results.prior_set, trial)),
        "Heat map of P(benefit) over prior median and prior SD; the named priors are "
        "marked.", height=440)
    tipping = "; ".join(text_sensitivity.tipping_point(results, name, target)
                        for target in BENEFIT_TARGETS)
    return (picture + f'<p class="deck-note">Tipping point, {escape(trial.label(name).lower())}, '
            f"for a skeptic centred on no effect: {escape(tipping)}.</p>")


def explorer(results: ReportResults) -> str:
    """The report's live prior explorer (exact posteriors, computed in the page)."""
    return ('<div class="deck-scroll deck-explorer">'
            + explorer_html(results.trial, results.prior_set, element_id="deck-explorer")
            + "</div>")


def interaction(results: ReportResults) -> str:
    """SIMULATED individual data: P(benefit) against baseline hs-CRP, by prior."""
    picture = figure_html(
        lambda: figures.crp_benefit(curves.crp_benefit(
            results.interaction, results.prior_set, results.trial, results.crp_observed,
            BENEFIT_LEVEL)),
        "SIMULATED DATA: probability of benefit against baseline hs-CRP, by prior.",
        height=440)
    return ('<p class="deck-simulated">SIMULATED DATA, not the trial\'s participants</p>'
            '<p class="deck-note">The trial\'s individual data are not public: a simulated '
            "data set reproduces the published counts, with a known interaction. It shows "
            "the method, nothing about the real people.</p>" + picture)


def no_individual_data(results: ReportResults) -> str:
    """Stands in for the interaction slide when the trial has no individual data."""
    return f'<p class="deck-lead">{escape(text.no_ipd_sentence(results))}</p>'


def misreadings(results: ReportResults) -> str:
    """Common misreadings, answered with this trial's numbers."""
    return f'<div class="deck-list deck-scroll">{markdown_html(text.misreadings(results))}</div>'


def conclusions(results: ReportResults) -> str:
    """What a reader may and may not conclude."""
    return f'<div class="deck-list deck-scroll">{markdown_html(text.conclusions(results))}</div>'


def made(results: ReportResults) -> str:
    """Where the numbers come from and how to reproduce the deck."""
    provenance = results.provenance
    items = [f"Priors file: <code>{escape(results.priors_path.name)}</code>; every prior "
             "in it is in the tables and figures (prior to posterior: the first "
             f"{figures.PRIOR_COLUMNS}).",
             "The same computed results as the report, <code>make report</code>; this deck: "
             "<code>make slides</code>.",
             f"Code version: <code>{escape(provenance.commit or 'unknown')}</code>."]
    return _list(items)


SlideFunction = Callable[[ReportResults], str]
"""A slide's body (HTML) from the results."""


@dataclass(frozen=True)
class SlideSpec:
    """One slide of the deck: its title (the heading in ``reports/slides.qmd``), the
    function that builds it, and which trials can fill it: ``needs`` is ``"counts"``,
    ``"ipd"``, ``"no-ipd"`` (only without individual data) or ``""`` (every trial)."""

    title: str
    build: SlideFunction
    needs: str = ""

    @property
    def key(self) -> str:
        """The slide's identifier: its function's name, with dashes."""
        return self.build.__name__.replace("_", "-")

    def shown(self, has_counts: bool, has_ipd: bool) -> bool:
        """Whether a trial with (or without) counts and individual data shows it."""
        return {"": True, "counts": has_counts, "ipd": has_ipd,
                "no-ipd": not has_ipd}[self.needs]


SLIDES: tuple[SlideSpec, ...] = (
    SlideSpec("The question", question),
    SlideSpec("The trial and its caveats", trial_and_caveats),
    SlideSpec("The priors, as beliefs", priors_as_beliefs),
    SlideSpec("From prior to posterior", prior_to_posterior),
    SlideSpec("The headline probabilities", headline),
    SlideSpec("What a clinically worthwhile benefit would need", worthwhile),
    SlideSpec("The sensitivity map and its tipping point", sensitivity),
    SlideSpec("Try a prior yourself (live)", explorer, "counts"),
    SlideSpec("SIMULATED: the hs-CRP interaction", interaction, "ipd"),
    SlideSpec("Individual participant data", no_individual_data, "no-ipd"),
    SlideSpec("Common misreadings", misreadings),
    SlideSpec("What a reader may and may not conclude", conclusions),
    SlideSpec("How this deck was made", made),
)
"""Every slide in deck order, with the trials that can fill it (``reports/slides.qmd``
hides the same slides with the report's metadata keys ``no-counts`` and ``no-ipd``)."""


def slide_specs(has_counts: bool, has_ipd: bool) -> list[SlideSpec]:
    """The slides of a trial with (or without) counts and individual data, in order."""
    return [spec for spec in SLIDES if spec.shown(has_counts, has_ipd)]


def deck(results: ReportResults) -> list[Slide]:
    """The slides for these results, in order."""
    return [Slide(spec.key, spec.title, spec.build(results))
            for spec in slide_specs(results.has_counts, results.has_ipd)]
