"""User text is text: hostile prior labels, descriptions, trial and outcome labels reach
the report's tables, sentences and figures as literal text, never as markup, math, a
cross-reference or a request.

Each hostile string replaces every user string of the shipped results; the tables and
sentences are converted to HTML with pandoc, with pandoc's full Markdown reader (what
Quarto reads) and with the fallback renderer's own reader, and the HTML must hold exactly
the elements the same document holds with a plain label, and show the string literally.
"""

import json
import re
from collections import Counter
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pypandoc
import pytest
from conftest import REPORT_SENTENCES, REPORT_TABLES, text_of
from matplotlib.figure import Figure

import models.report.format as fmt
from models.exact.beta_binomial import ARD_THRESHOLDS
from models.report import curves, figures, tables
from models.report.render.pandoc import PANDOC_READER
from models.report.results import ReportResults

LONG_LABEL = "A very long prior label " + "x" * 276
HOSTILE = {
    "script": "Club <script>alert('x')</script>",
    "img": '<img src=x onerror="alert(1)">',
    "math": "$x$ and $$y$$",
    "pipe": "left | right",
    "emphasis": "*bold* and _under_ and **strong**",
    "crossref": "see @fig-x and [@tbl-y]",
    "attribute": "heading {#id .class}",
    "markdown": "[link](http://example.org) `code` ~sub~ ^sup^ <http://example.org> &amp; \\",
    "long": LONG_LABEL,
    "rtl": "\u05e2\u05d1\u05e8\u05d9\u05ea \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "emoji": "Prior \U0001f600\U0001f9ea with \u2728",
}
"""Hostile strings used as every user-supplied label and description."""

PLAIN = "Plain label"
"""A label without any special character: the document's elements with it are the
elements the project writes itself."""


def relabelled(results: ReportResults, label: str) -> ReportResults:
    """The shipped results with every user string (prior labels and descriptions, trial
    name, registration and timepoint, arm names, outcome labels) replaced by ``label``."""
    priors = {name: replace(p, label=f"{label} {i}", description=f"{label} (belief {i})")
              for i, (name, p) in enumerate(results.prior_set.priors.items())}
    labels = {name: p.label for name, p in priors.items()}
    outcomes = {name: replace(o, label=f"{label} {o.name}")
                for name, o in results.trial.outcomes.items()}
    trial = replace(results.trial, name=label, registration=label, timepoint=label,
                    treatment_name=label, control_name=label, outcomes=outcomes)
    named = results.sensitivity.named.assign(label=results.sensitivity.named["prior"].map(labels))
    placebo = (None if results.placebo_rate is None else
               results.placebo_rate.assign(label=results.placebo_rate["prior"].map(labels)
                                           if "prior" in results.placebo_rate else label))
    return replace(results, trial=trial,
                   prior_set=replace(results.prior_set, priors=priors),
                   sensitivity=replace(results.sensitivity, named=named),
                   placebo_rate=placebo)




def document(results: ReportResults) -> str:
    """Every table and sentence builder's Markdown, as the report prints them."""
    parts = [fmt.markdown_table(build(results)) for build in REPORT_TABLES]
    parts.append(tables.placebo_rate_markdown(results))
    parts += [write(results) for write in REPORT_SENTENCES]
    return "\n\n".join(parts) + "\n"


def notebook(markdown: str) -> str:
    """A one-cell notebook, as the fallback renderer hands the report to pandoc."""
    return json.dumps({"cells": [{"cell_type": "markdown", "metadata": {},
                                  "source": markdown}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def to_html(markdown: str, reader: str) -> str:
    if reader == "markdown":
        return pypandoc.convert_text(markdown, "html", format="markdown")
    return pypandoc.convert_text(notebook(markdown), "html", format=PANDOC_READER)


LAYOUT_TAGS = frozenset({"col", "colgroup"})
LAYOUT_ATTRIBUTES = frozenset({"id", "style"})
"""pandoc's column-width hints of wide tables, which depend on the length of the text."""


class Elements(HTMLParser):
    """The start tags of an HTML fragment with their attribute names (layout hints
    left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[tuple[str, tuple[str, ...]]] = Counter()

    def handle_starttag(self, tag, attrs):
        if tag not in LAYOUT_TAGS:
            names = sorted(name for name, _ in attrs if name not in LAYOUT_ATTRIBUTES)
            self.tags[(tag, tuple(names))] += 1


def elements(html: str) -> Counter[tuple[str, tuple[str, ...]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def plain_documents(report_results):
    markdown = document(relabelled(report_results, PLAIN))
    return {reader: to_html(markdown, reader) for reader in ("markdown", "ipynb")}


def visible(html: str) -> str:
    """The HTML's text, entities decoded and whitespace runs made single spaces."""
    plain = text_of(re.sub(r"<[^>]+>", " ", html)).replace("\u201c", '"')
    return " ".join(plain.replace("\u201d", '"').split())


@pytest.mark.parametrize("reader", ["markdown", "ipynb"])
@pytest.mark.parametrize("key", list(HOSTILE))
def test_tables_and_sentences_show_hostile_text_literally(report_results, plain_documents,
                                                           key, reader):
    label = HOSTILE[key]
    html = to_html(document(relabelled(report_results, label)), reader)
    for forbidden in ("<script", "<img", "<math", 'data-cites="fig-x"', 'data-cites="tbl-y"',
                      'id="id"', 'href="http://example.org"', "<sub>", "<sup>"):
        assert forbidden not in html, forbidden
    # The project's own markup (tables, emphasis, its cross-references) and nothing else.
    assert elements(html) == elements(plain_documents[reader])
    assert " ".join(label.split()) in visible(html)


def test_markdown_text_escapes_what_pandoc_reads_as_markup():
    assert fmt.markdown_text("<b>*a*</b> $x$ @fig-x {#i} a|b http://x") == \
        r"\<b\>\*a\*\</b\> \$x\$ \@fig-x \{\#i\} a\|b http\://x"
    assert fmt.markdown_text("two\nlines\n# heading") == r"two lines \# heading"
    assert fmt.markdown_text("Reference") == "Reference"


def test_code_span_is_longer_than_any_backtick_run():
    assert fmt.code_span("my_priors.yml") == "`my_priors.yml`"
    assert fmt.code_span("a``b") == "```a``b```"
    html = pypandoc.convert_text(fmt.code_span("`x` <img src=x>"), "html", format="markdown")
    assert "<img" not in html and "`x` &lt;img src=x&gt;" in html


def test_a_table_cell_with_a_pipe_stays_one_cell():
    frame = pd.DataFrame([{"Prior": "a | b", "P": "0.5"}])
    html = pypandoc.convert_text(fmt.markdown_table(frame), "html", format="markdown")
    assert html.count("<td") == 2 and "a | b" in html


FIGURES = [
    lambda r: figures.prior_data_posterior(curves.prior_data_posterior(r.trial, r.prior_set)),
    lambda r: figures.benefit_curves(curves.benefit_curves(r.trial, r.prior_set,
                                                           ARD_THRESHOLDS,
                                                           r.logistic_posteriors)),
    lambda r: figures.crp_benefit(curves.crp_benefit(r.interaction, r.prior_set, r.trial,
                                                     r.crp_observed, 0.9)),
    lambda r: figures.crp_effects(curves.crp_effects(r.interaction, r.prior_set, "remission",
                                                     r.crp_observed)),
    lambda r: figures.sensitivity_map(curves.sensitivity_map(r.sensitivity, r.prior_set,
                                                             r.trial)),
    lambda r: figures.assurance_curves(r.planning),
]


@pytest.mark.parametrize("key", ["script", "math", "long", "rtl", "emoji"])
@pytest.mark.parametrize("draw", range(len(FIGURES)))
def test_figures_draw_hostile_labels_literally(report_results, tmp_path, key, draw):
    label = HOSTILE[key]
    fig = FIGURES[draw](relabelled(report_results, label))
    assert isinstance(fig, Figure)
    try:
        fig.savefig(tmp_path / "figure.png")
        texts = [t for t in fig.findobj(plt.Text) if t.get_text()]
        user = [t for t in texts if t.get_text().startswith(label[:20])]
        assert user, [t.get_text() for t in texts]
        for t in user:
            assert not t.get_parse_math()
            assert len(t.get_text()) <= figures.LABEL_CHARS + len(" (simulated data)")
            shown = t.get_text().removesuffix(" (simulated data)").rstrip("\u2026")
            assert label.startswith(shown.rsplit(" ", 1)[0])
    finally:
        plt.close(fig)


def test_label_text_shortens_with_an_ellipsis():
    assert figures.label_text("Skeptical") == "Skeptical"
    short = figures.label_text(LONG_LABEL)
    assert len(short) == figures.LABEL_CHARS and short.endswith("\u2026")
    assert LONG_LABEL.startswith(short[:-1])


@pytest.fixture(scope="module")
def hostile_render(tmp_path_factory):
    """The report rendered once through the fallback with the shipped priors relabelled
    with script and img tags, math and a cross-reference."""
    import yaml

    from models.core.paths import DEFAULT_PRIORS_FILE
    from models.report.build import make_report

    data = yaml.safe_load(Path(DEFAULT_PRIORS_FILE).read_text(encoding="utf-8"))
    data["priors"]["reference"]["label"] = HOSTILE["script"]
    data["priors"]["reference"]["description"] = HOSTILE["img"]
    data["priors"]["skeptical"]["label"] = "Sceptic $x$ @fig-priors {#id}"
    path = tmp_path_factory.mktemp("hostile") / "hostile <b>priors $x$.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RENDERER", "fallback")
        output = tmp_path_factory.mktemp("report") / "reanalysis.html"
        html = make_report(path, output)
    return html.read_text(encoding="utf-8")


class ScriptsAndImages(HTMLParser):
    """The <script> elements (attributes and text) and <img> sources of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))
        elif tag == "img":
            self.images.append(dict(attrs).get("src") or "")


def test_rendered_report_shows_hostile_labels_as_text(hostile_render):
    from models.report.explorer import EXPLORER_JS

    page = ScriptsAndImages()
    page.feed(hostile_render)
    # The project's own scripts: the explorer's data (JSON) and its code, and whatever the
    # HTML template carries with a src; no inline script with the user's text.
    assert page.scripts, "the explorer's scripts are missing"
    for attrs in page.scripts:
        assert attrs.get("type") in (None, "application/json", "text/javascript",
                                     "module"), attrs
    assert "alert('x')</script>" not in hostile_render
    assert "<script>alert" not in hostile_render
    assert hostile_render.count("<script") == len(page.scripts)
    assert EXPLORER_JS.read_text(encoding="utf-8")[:200] in hostile_render
    # Every image is an embedded figure; the user's <img src=x> is not an element.
    assert page.images and all(src.startswith("data:image/") for src in page.images)
    shown = text_of(hostile_render).replace("\u201c", '"').replace("\u201d", '"')
    assert "Club <script>alert('x')</script>" in shown
    assert '<img src=x onerror="alert(1)">' in shown
    assert "Sceptic $x$ @fig-priors {#id}" in shown
    assert "hostile <b>priors $x$.yml" in shown
