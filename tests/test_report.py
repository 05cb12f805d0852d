"""The report renders through the fallback into one self-contained HTML file that carries
the computed headline numbers in their table cells, for the shipped priors and for a
researcher's own file."""

import re
from html.parser import HTMLParser

import pytest
from conftest import text_of

import models.report.format as fmt
from models.core.errors import InputError
from models.core.paths import REPORT_SOURCE
from models.priors.posteriors import fit_beta_binomial, logistic_posterior
from models.priors.priors_file import load_priors
from models.report.build import make_report
from models.report.render.pipeline import unsupported_constructs


class _Tables(HTMLParser):
    """Every ``<table>`` of a page as rows of cell texts as a reader sees them (typographic
    quotes plain), keyed by its ``tbl-`` label (the table's own id, or the last ``tbl-`` id
    opened before it)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._label: str | None = None
        self._rows: list[list[str]] | None = None
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        label = dict(attrs).get("id") or ""
        if label.startswith("tbl-"):
            self._label = label
        if tag == "table" and self._label and self._label not in self.tables:
            self._rows = self.tables[self._label] = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join(text_of(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def html_table(html: str, label: str) -> list[dict[str, str]]:
    """The table labelled ``label`` (e.g. ``tbl-headline``) as one dict per body row."""
    parser = _Tables()
    parser.feed(html)
    header, *rows = parser.tables[label]
    return [dict(zip(header, row, strict=True)) for row in rows]


def html_cell(html: str, label: str, column: str, **where: str) -> str:
    """The one cell of ``column`` in the row of table ``label`` that matches ``where``."""
    rows = [row for row in html_table(html, label)
            if all(row[key] == value for key, value in where.items())]
    assert len(rows) == 1, (label, where, len(rows))
    return rows[0][column]


EXTERNAL_REFERENCE = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*["']"""
    r"""(?!data:|#)([^"']+)""", re.IGNORECASE)


def test_report_uses_only_supported_constructs():
    assert unsupported_constructs(REPORT_SOURCE.read_text()) == []


def test_one_self_contained_html(rendered_report):
    path, html = rendered_report
    assert path.suffix == ".html" and path.is_file()
    assert EXTERNAL_REFERENCE.findall(html) == []
    assert "<svg" in html or "data:image/svg+xml" in html


def test_headline_numbers_come_from_the_computation(rendered_report, trial, report_priors):
    """Each prior's P(better) and P(ARD > 10 points) sit in their cells: the summary table
    holds the primary (exact logistic) model, the beta-binomial table the conjugate one,
    each equal to the fit computed here."""
    _, html = rendered_report
    priors = load_priors(report_priors)
    for prior in priors.priors.values():
        for outcome in trial.outcomes.values():
            where = {"Prior": prior.label, "Outcome": outcome.label}
            conjugate = fit_beta_binomial(prior, outcome).summary  # mixtures when robust
            assert html_cell(html, "tbl-beta-binomial", "P(better)", **where) == \
                fmt.prob(conjugate.p_benefit.estimate)
            assert html_cell(html, "tbl-beta-binomial", "ARD, points (95%)", **where) == \
                fmt.ard_interval(conjugate.risk_difference)
            primary = logistic_posterior(prior, outcome)
            short = outcome.name.capitalize()
            assert html_cell(html, "tbl-summary", f"{short}: P(better)",
                             Prior=prior.label) == fmt.prob(primary.p_benefit())
            assert html_cell(html, "tbl-summary", f"{short}: P(+10 points or more)",
                             Prior=prior.label) == fmt.prob(primary.p_benefit_greater(0.1))


def test_counts_table_shows_the_published_counts(rendered_report, trial):
    _, html = rendered_report
    for outcome in trial.outcomes.values():
        cell = html_cell(html, "tbl-data", "Tocilizumab", Outcome=outcome.label)
        assert cell.startswith(f"{outcome.treatment.events}/{outcome.treatment.n} (")


def test_every_prior_in_the_file_appears(rendered_report, report_priors):
    _, html = rendered_report
    labels = [prior.label for prior in load_priors(report_priors).priors.values()]
    for label in labels:
        assert label in text_of(html)
    assert [row["Prior"] for row in html_table(html, "tbl-summary")] == labels


def test_report_names_priors_file_hash_renderer_and_commit(rendered_report, report_priors):
    _, html = rendered_report
    priors = load_priors(report_priors)
    assert priors.sha256 in html
    assert "my_priors.yml" in html
    assert "fallback: jupytext" in html
    assert re.search(r"Git commit:.*?[0-9a-f]{40}", html, re.DOTALL)


def test_figures_are_numbered_and_cross_referenced(rendered_report):
    _, html = rendered_report
    for label in ("fig-prior-predictive", "fig-triplot", "fig-benefit", "tbl-summary",
                  "tbl-primary", "tbl-prior-predictive"):
        assert f'id="{label}"' in html
    assert re.search(r'<a href="#fig-sensitivity"[^>]*>Figure\s+\d+</a>', html)
    assert "Figure 1:" in html


def test_code_is_one_folded_block_at_the_end(rendered_report):
    """No code in the page except one folded block holding the report's source, after the
    reproduce box (no toggle per cell, nothing above the summary)."""
    _, html = rendered_report
    blocks = re.findall(r'<details class="report-source">.*?</details>', html, flags=re.DOTALL)
    assert len(blocks) == 1
    assert "summary_bullets" in blocks[0] and "build_results(" in blocks[0]
    outside = re.sub(r'<details class="report-source">.*?</details>|<style.*?</style>|'
                     r"<script.*?</script>", "", html, flags=re.DOTALL)
    assert "summary_bullets" not in outside and "build_results(" not in outside
    assert "import " not in outside
    assert 'class="code-fold"' not in html
    assert html.index("report-source") > html.index("Reproduce this report")


MAIN_TEXT_WORDS, MAIN_TEXT_TABLES, MAIN_TEXT_FIGURES = 2500, 6, 6
"""The second edition's limits on the main text (everything before the appendix)."""


class _MainText(HTMLParser):
    """The words, tables and figures of the page before the appendix heading. Words are
    counted in prose (paragraphs, lists, headings, callouts, captions), not in tables, the
    table of contents, the prior explorer's controls, math, scripts or styles."""

    SKIPPED = {"table", "nav", "script", "style", "math", "svg", "form", "select", "button"}

    def __init__(self) -> None:
        super().__init__()
        self.words = 0
        self.labels: list[str] = []
        self.stopped = False
        self._skip = 0
        self._explorer = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id") == "sec-appendix":
            self.stopped = True
        if self.stopped:
            return
        if (attributes.get("id") or "").startswith(("fig-", "tbl-")):
            self.labels.append(attributes["id"])
        if tag in self.SKIPPED:
            self._skip += 1
        if attributes.get("data-testid") == "prior-explorer" or self._explorer:
            self._explorer += 1 if tag not in VOID_TAGS else 0

    def handle_endtag(self, tag):
        if self.stopped:
            return
        if tag in self.SKIPPED and self._skip:
            self._skip -= 1
        if self._explorer and tag not in VOID_TAGS:
            self._explorer -= 1

    def handle_data(self, data):
        if not (self.stopped or self._skip or self._explorer):
            self.words += len(data.split())


VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}


def test_main_text_is_short(rendered_report):
    """At most 2,500 words, 6 tables and 6 figures before the appendix (issue: the first
    edition had about 3,800 words, 17 tables and 7 figures)."""
    _, html = rendered_report
    body = html[html.index("<body"):]
    main = _MainText()
    main.feed(body)
    assert main.stopped, "no appendix heading (id sec-appendix)"
    tables = [label for label in main.labels if label.startswith("tbl-")]
    figures = [label for label in main.labels if label.startswith("fig-")]
    assert len(set(tables)) <= MAIN_TEXT_TABLES, tables
    assert len(set(figures)) <= MAIN_TEXT_FIGURES, figures
    assert 1500 < main.words <= MAIN_TEXT_WORDS, main.words


def test_bad_priors_file_leaves_previous_report_intact(tmp_path, write_priors, priors_text):
    output = tmp_path / "report.html"
    output.write_text("previous report")
    bad = write_priors(priors_text.replace("sd: 0.5571", "sd: -1", 1))
    with pytest.raises(InputError, match=r"priors\.skeptical\.logistic\.treatment\.sd must "
                                         r"be > 0, got -1"):
        make_report(bad, output)
    assert output.read_text() == "previous report"
