"""The report renders through the fallback into one self-contained HTML file that carries
the computed headline numbers, for the shipped priors and for a researcher's own file."""

import re

import pytest
from conftest import text_of

from models.core.errors import InputError
from models.core.paths import REPORT_SOURCE
from models.exact.beta_binomial import fit_exact
from models.priors.priors_file import load_priors
from models.report.build import make_report
from models.report.render.pipeline import unsupported_constructs

EXTERNAL_REFERENCE = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*["']"""
    r"""(?!data:|#)([^"']+)""", re.IGNORECASE)


def test_report_uses_only_supported_constructs():
    assert unsupported_constructs(REPORT_SOURCE.read_text()) == []


def test_one_self_contained_html(rendered_report):
    path, html = rendered_report
    assert path.suffix == ".html" and path.is_file()
    assert EXTERNAL_REFERENCE.findall(html) == []
    assert "<img" in html and "data:image/png;base64," in html


def test_headline_numbers_come_from_the_computation(rendered_report, trial, report_priors):
    _, html = rendered_report
    priors = load_priors(report_priors)
    for name in priors.names:
        for outcome in ("remission", "response"):
            fit = fit_exact(priors.get(name).beta_binomial, trial.outcome(outcome))
            p = fit.summary.p_benefit.estimate
            assert f"{p:.3f}" in html, (name, outcome)


def test_every_prior_in_the_file_appears(rendered_report, report_priors):
    _, html = rendered_report
    for prior in load_priors(report_priors).priors.values():
        assert prior.label in text_of(html)


def test_report_names_priors_file_hash_renderer_and_commit(rendered_report, report_priors):
    _, html = rendered_report
    priors = load_priors(report_priors)
    assert priors.sha256 in html
    assert "my_priors.yml" in html
    assert "fallback: jupytext" in html
    assert re.search(r"Git commit:.*?[0-9a-f]{40}", html, re.DOTALL)


def test_figures_are_numbered_and_cross_referenced(rendered_report):
    _, html = rendered_report
    for label in ("fig-priors", "fig-triplot", "fig-benefit", "tbl-headline"):
        assert f'id="{label}"' in html
    assert re.search(r'<a href="#fig-triplot"[^>]*>Figure\s+\d+</a>', html)
    assert "Figure 1:" in html


def test_code_is_folded_not_shown(rendered_report):
    _, html = rendered_report
    outside_folds = re.sub(r"<details class=\"code-fold\">.*?</details>|<style.*?</style>|"
                           r"<script.*?</script>", "", html, flags=re.DOTALL)
    assert "fit_all(" in html  # teachers can unfold the code
    assert "fit_all(" not in outside_folds
    assert "import " not in outside_folds
    assert not re.search(r"<details class=\"code-fold\" open", html)


def test_bad_priors_file_leaves_previous_report_intact(tmp_path, write_priors, priors_text):
    output = tmp_path / "report.html"
    output.write_text("previous report")
    bad = write_priors(priors_text.replace("sd: 0.5571", "sd: -1", 1))
    with pytest.raises(InputError, match=r"priors\.skeptical\.logistic\.treatment\.sd must "
                                         r"be > 0, got -1"):
        make_report(bad, output)
    assert output.read_text() == "previous report"
