"""The report renders through the fallback into one self-contained HTML file that carries
the computed headline numbers, for the shipped priors and for a researcher's own file."""

import re
from html import unescape
from pathlib import Path

import pytest

from models.beta_binomial import fit_exact
from models.errors import InputError
from models.paths import DEFAULT_PRIORS_FILE, REPORT_SOURCE
from models.priors import load_priors
from models.render import unsupported_constructs
from models.report import make_report

EXTERNAL_REFERENCE = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*["']"""
    r"""(?!data:|#)([^"']+)""", re.IGNORECASE)

FOURTH_PRIOR = """
  pessimistic_researcher:
    label: Researcher's pessimist
    description: Expects tocilizumab to be slightly worse than placebo.
    beta_binomial:
      treatment: {alpha: 4.0, beta: 16.0}
      control: {alpha: 6.0, beta: 14.0}
    logistic:
      intercept: {mean: -1.1, sd: 0.5}
      treatment: {mean: -0.3, sd: 0.4}
      biomarker: {mean: 0.0, sd: 1.0}
      interaction: {mean: 0.0, sd: 0.4}
"""


def text_of(html: str) -> str:
    """The page's text as a reader sees it (entities decoded, typographic quotes plain)."""
    return unescape(html).replace("\u2019", "'").replace("\u2018", "'")


@pytest.fixture(scope="module")
def custom_priors(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("priors") / "my_priors.yml"
    path.write_text(Path(DEFAULT_PRIORS_FILE).read_text() + FOURTH_PRIOR)
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, custom_priors, monkeypatch_module) -> tuple[Path, str]:
    monkeypatch_module.setenv("RENDERER", "fallback")
    output = tmp_path_factory.mktemp("report") / "reanalysis.html"
    path = make_report(custom_priors, output)
    return path, path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_report_uses_only_supported_constructs():
    assert unsupported_constructs(REPORT_SOURCE.read_text()) == []


def test_one_self_contained_html(rendered):
    path, html = rendered
    assert path.suffix == ".html" and path.is_file()
    assert EXTERNAL_REFERENCE.findall(html) == []
    assert "<img" in html and "data:image/png;base64," in html


def test_headline_numbers_come_from_the_computation(rendered, trial, custom_priors):
    _, html = rendered
    priors = load_priors(custom_priors)
    for name in priors.names:
        for outcome in ("remission", "response"):
            p = fit_exact(priors.get(name).beta_binomial, trial.outcome(outcome)).p_benefit
            assert f"{p:.3f}" in html, (name, outcome)


def test_every_prior_in_the_file_appears(rendered, custom_priors):
    _, html = rendered
    for prior in load_priors(custom_priors).priors.values():
        assert prior.label in text_of(html)


def test_report_names_priors_file_hash_renderer_and_commit(rendered, custom_priors):
    _, html = rendered
    priors = load_priors(custom_priors)
    assert priors.sha256 in html
    assert "my_priors.yml" in html
    assert "fallback: jupytext" in html
    assert re.search(r"Git commit:.*?[0-9a-f]{40}", html, re.DOTALL)


def test_figures_are_numbered_and_cross_referenced(rendered):
    _, html = rendered
    for label in ("fig-priors", "fig-triplot", "fig-benefit", "tbl-headline"):
        assert f'id="{label}"' in html
    assert re.search(r'<a href="#fig-triplot"[^>]*>Figure\s+\d+</a>', html)
    assert "Figure 1:" in html


def test_no_code_is_shown(rendered):
    _, html = rendered
    assert "fit_all(" not in html
    assert "import " not in re.sub(r"<style.*?</style>|<script.*?</script>", "", html,
                                   flags=re.DOTALL)


def test_bad_priors_file_leaves_previous_report_intact(tmp_path, write_priors, priors_text):
    output = tmp_path / "report.html"
    output.write_text("previous report")
    bad = write_priors(priors_text.replace("sd: 0.5571", "sd: -1", 1))
    with pytest.raises(InputError, match=r"priors\.skeptical\.logistic\.treatment\.sd must "
                                         r"be > 0, got -1"):
        make_report(bad, output)
    assert output.read_text() == "previous report"
