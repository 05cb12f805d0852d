"""The teaching deck (``make slides``): its assembly from the report's results, its source
``reports/slides.qmd`` held to the assembly, user text kept as text, no URL, and the
command's refusals. Slides built from every result use the session's ``report_results``
(slow suite); the rest is fast.
"""

import re
from dataclasses import replace
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from models.cli.main import main
from models.core.paths import REPORTS_DIR
from models.report import slides
from models.report.metadata import report_metadata
from models.report.render.conditions import apply_conditions

REQUIRED_TITLES = (
    "The question", "The trial and its caveats", "The priors, as beliefs",
    "From prior to posterior", "The headline probabilities",
    "What a clinically worthwhile benefit would need",
    "The sensitivity map and its tipping point", "Try a prior yourself (live)",
    "SIMULATED: the hs-CRP interaction", "Common misreadings",
)
"""The slides the issue asks for, by title."""

HOSTILE = "Club <script>alert('x')</script> <img src=x onerror=alert(1)> *b* $x$"
URL = re.compile(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", re.IGNORECASE)
HEADING = re.compile(r"^## (.+?) \{#([\w-]+)\}\s*$", re.MULTILINE)
CELL_CALL = re.compile(r"display\(HTML\(slides\.(\w+)\(results\)\)\)")


class Elements(HTMLParser):
    """The start tags of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


def qmd_slides(metadata: dict[str, object]) -> tuple[list[tuple[str, str]], list[str]]:
    """The headings and slide functions of reports/slides.qmd as a trial with these
    metadata keys sees it."""
    source = apply_conditions((REPORTS_DIR / "slides.qmd").read_text(encoding="utf-8"),
                              metadata)
    return HEADING.findall(source), CELL_CALL.findall(source)


# --------------------------------------------------------------------------- assembly


@pytest.mark.parametrize("has_counts,has_ipd", [(True, True), (True, False), (False, False)])
def test_slide_count_is_10_to_15(has_counts, has_ipd):
    assert 10 <= len(slides.slide_specs(has_counts, has_ipd)) <= 15


def test_every_required_slide_is_in_the_deck_of_the_default_trial():
    titles = [spec.title for spec in slides.slide_specs(True, True)]
    assert [title for title in REQUIRED_TITLES if title not in titles] == []
    assert "Individual participant data" not in titles


def test_a_trial_without_individual_data_says_so_instead_of_the_interaction():
    titles = [spec.title for spec in slides.slide_specs(True, False)]
    assert "SIMULATED: the hs-CRP interaction" not in titles
    assert "Individual participant data" in titles
    assert "Try a prior yourself (live)" not in [
        spec.title for spec in slides.slide_specs(False, False)]


@pytest.mark.parametrize("no_counts,no_ipd", [(False, False), (False, True), (True, True)])
def test_slides_qmd_has_the_assembly_s_slides_in_order(no_counts, no_ipd):
    headings, calls = qmd_slides({"no-counts": no_counts, "no-ipd": no_ipd})
    specs = slides.slide_specs(not no_counts, not no_ipd)
    assert headings == [(spec.title, spec.key) for spec in specs]
    assert calls == [spec.build.__name__ for spec in specs]


def test_slides_qmd_hides_with_the_report_s_metadata_keys(trial):
    metadata = report_metadata(trial)
    headings, _ = qmd_slides(metadata)
    assert headings == [(spec.title, spec.key) for spec in slides.slide_specs(True, True)]
    assert set(re.findall(r'when-meta="([\w-]+)"',
                          (REPORTS_DIR / "slides.qmd").read_text())) <= set(metadata)


def test_the_interaction_slide_is_labelled_simulated(trial, monkeypatch):
    monkeypatch.setattr(slides, "figure_html", lambda draw, alt, height=0: "<figure></figure>")
    body = slides.interaction(SimpleNamespace(trial=trial))  # type: ignore[arg-type]
    assert "SIMULATED" in body.split("<figure")[0]
    spec = next(spec for spec in slides.SLIDES if spec.build is slides.interaction)
    assert spec.title.startswith("SIMULATED")


# --------------------------------------------------------------------------- user text


@pytest.fixture
def hostile_parts(trial, prior_set):
    """A trial and priors whose every user string is hostile markup."""
    priors = {name: replace(prior, label=f"{HOSTILE} {i}", description=HOSTILE)
              for i, (name, prior) in enumerate(prior_set.priors.items())}
    outcomes = {name: replace(outcome, label=HOSTILE) for name, outcome in trial.outcomes.items()}
    hostile_trial = replace(trial, name=HOSTILE, treatment_name=HOSTILE, control_name=HOSTILE,
                            timepoint=HOSTILE, outcomes=outcomes, caveats=(HOSTILE,))
    return SimpleNamespace(trial=hostile_trial, prior_set=replace(prior_set, priors=priors),
                           has_counts=True, randomised=30, analysed=29, missing_treatment=1,
                           reference_outcome=next(iter(hostile_trial.outcomes.values())))


@pytest.mark.parametrize("build", [slides.question, slides.trial_and_caveats,
                                   slides.priors_as_beliefs])
def test_user_text_is_escaped(hostile_parts, build):
    body = build(hostile_parts)
    tags = {tag for tag, _ in tags_of(body)}
    assert "script" not in tags
    assert not [attrs for tag, attrs in tags_of(body) if tag == "img" and attrs.get("src") == "x"]
    assert "&lt;script&gt;alert(" in body
    assert not URL.search(body)


def test_tables_escape_every_cell():
    import pandas as pd

    html = slides.table_html(pd.DataFrame([{HOSTILE: HOSTILE}]))
    assert [tag for tag, _ in tags_of(html)] == ["table", "thead", "tr", "th", "tbody", "tr",
                                                 "td"]


def test_report_sentences_lose_raw_html_and_cross_references():
    html = slides.markdown_html("A <b>bold</b> claim (see the caveats in @sec-trial), "
                                "and **this** (@fig-benefit).")
    assert "<b>" not in html and "@sec" not in html and "@fig" not in html
    assert "<strong>this</strong>" in html


def test_figures_are_embedded_without_a_url(prior_set):
    from models.report.figures import prior_colors
    from models.report.prior_beliefs import prior_beliefs, prior_beliefs_figure

    html = slides.figure_html(lambda: prior_beliefs_figure(prior_beliefs(prior_set),
                                                           prior_colors(prior_set)), "alt")
    (tag, attrs), = [item for item in tags_of(html) if item[0] == "img"]
    assert (attrs["src"] or "").startswith("data:image/svg+xml;base64,")
    assert not URL.search(html)


def test_prior_beliefs_integrate_to_each_prior_s_probability(prior_set):
    import numpy as np

    from models.report.prior_beliefs import prior_beliefs

    beliefs = prior_beliefs(prior_set)
    grid = beliefs.log_odds_ratio
    assert [curve.prior for curve in beliefs.curves] == prior_set.names
    for curve, prior in zip(beliefs.curves, prior_set.priors.values(), strict=True):
        mixture = prior.log_odds_ratio_mixture  # the exact mass on the grid's range
        expected = mixture.cdf(float(grid[-1])) - mixture.cdf(float(grid[0]))
        assert np.trapezoid(curve.y, grid) == pytest.approx(expected, abs=1e-4)


# --------------------------------------------------------------------------- the command


@pytest.mark.parametrize("arguments,field", [
    (["--priors", "no_such_priors.yml"], "no_such_priors.yml"),
    (["--trial", "no_such_trial.yml"], "no_such_trial.yml"),
    (["--output", "no/such/folder/slides.html"], "--output"),
])
def test_bad_input_is_one_line_and_exit_2(arguments, field, capsys):
    status = main(["slides", *arguments])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("reanalysis: error: ")
    assert field in err


def test_with_quarto_the_deck_is_a_revealjs_render_of_slides_qmd(tmp_path, monkeypatch):
    import json
    import os

    from test_render import _fake_quarto

    from models.core.paths import DEFAULT_PRIORS_FILE
    from models.report.slides_build import SLIDES_SOURCE, make_slides

    record = _fake_quarto(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("RENDERER", "quarto")
    output = tmp_path / "deck" / "slides.html"
    output.parent.mkdir()
    output.write_text("previous deck")
    assert make_slides(DEFAULT_PRIORS_FILE, output) == output.resolve()
    assert output.read_text() == "<html>quarto</html>"
    assert [path.name for path in output.parent.iterdir()] == ["slides.html"]
    args = json.loads(record.read_text())["args"]
    assert args[:4] == ["render", str(SLIDES_SOURCE), "--to", "revealjs"]
    assert 'priors:"../data/priors.yml"' in args and 'trial:"../data/trial_counts.yml"' in args
    assert "no-ipd:false" in args and "no-counts:false" in args
    assert not any(arg.startswith("title:") for arg in args)


# --------------------------------------------------------------------------- whole deck


def test_the_deck_from_every_result(report_results):
    deck = slides.deck(report_results)
    assert 10 <= len(deck) <= 15
    assert [title for title in REQUIRED_TITLES if title not in [s.title for s in deck]] == []
    interaction = next(s for s in deck if s.key == "interaction")
    assert "SIMULATED DATA" in interaction.body
    for slide in deck:
        assert not URL.search(slide.body), slide.title
        assert "nan" not in re.sub(r"<[^>]+>", " ", slide.body).split(), slide.title


def test_the_deck_shows_hostile_text_as_text(report_results):
    from test_hostile_text import relabelled

    hostile = relabelled(report_results, HOSTILE)
    html = "".join(slide.html() for slide in slides.deck(hostile))
    scripts = [attrs for tag, attrs in tags_of(html) if tag == "script"]
    explorer = [attrs for tag, attrs in tags_of(slides.explorer(hostile)) if tag == "script"]
    assert scripts == explorer  # the explorer's data and code, nothing else
    assert not [attrs for tag, attrs in tags_of(html) if tag == "img" and attrs.get("src") == "x"]
    assert not URL.search(html)
