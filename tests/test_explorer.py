"""The interactive prior explorer (models/report/explorer.py + reports/assets/explorer.js).

Pure-Python tests check the fragment (self-contained, every named prior embedded). Browser
tests open pages in headless Chromium through Playwright, offline:

- a small page holding only the explorer (``standalone``), built here from the researcher's
  priors file (the shipped priors plus ``pessimistic_researcher``);
- the full report (``rendered_report`` from conftest.py), for what every reader sees: no
  console error, no network request, every image loaded with alt text; and the explorer
  inside it, skipped until the report includes one.

The explorer's numbers (probabilities, quantiles and the densities of its chart) must equal
the Python reference, :class:`models.exact.beta_contrast.BetaContrast`, for every named
prior in the file and every outcome.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import LOCAL_SCHEMES, PageLog

from models.core.distributions import BetaBinomialPrior, BetaPrior
from models.data.trial import Trial
from models.exact.beta_binomial import posterior
from models.exact.beta_contrast import BetaContrast
from models.priors.prior_set import PriorSet
from models.priors.priors_file import load_priors
from models.report.explorer import explorer_data, explorer_html
from models.report.figures import prior_colors

EXPLORER = '[data-testid="prior-explorer"]'

PROBABILITY_TOLERANCE = 1e-5
"""JS vs Python for probabilities."""
ARD_TOLERANCE = 1e-5
"""JS vs Python for ARD quantiles, proportion scale (JS bisects to 1e-9)."""
DENSITY_TOLERANCE = 1e-5
"""JS vs Python for the chart's ARD densities, relative to the density's peak."""
CHART_STEP = 10
"""The chart's density resolution in grid nodes (as PLOT_STEP in explorer.js)."""


# --------------------------------------------------------------------------- pure Python


@pytest.fixture(scope="session")
def researcher_priors(report_priors: Path) -> PriorSet:
    """The shipped priors plus the researcher's fourth one (the report's priors file)."""
    return load_priors(report_priors)


@pytest.fixture(scope="session")
def fragment(trial: Trial, researcher_priors: PriorSet) -> str:
    return explorer_html(trial, researcher_priors)


def _single_beta_priors(prior_set: PriorSet) -> dict[str, Any]:
    """The named priors with one Beta per arm, the explorer's presets."""
    return {name: prior for name, prior in prior_set.priors.items() if not prior.has_mixtures}


def _embedded_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" class="pe-data">(.*?)</script>', html,
                      re.DOTALL)
    assert match, "no embedded JSON data"
    return json.loads(match.group(1))


def test_fragment_is_self_contained(fragment: str):
    assert fragment.startswith('<div class="prior-explorer"') and fragment.endswith("</div>")
    lowered = fragment.lower()
    for external in ("http:", "https:", "//cdn", "url(", "@import", "import(", "fetch("):
        assert external not in lowered, f"{external!r} in the explorer fragment"
    assert not re.search(r"\b(?:src|href)\s*=", fragment), "the fragment must load nothing"
    assert fragment.count("<script") == 2 and "<script src" not in fragment


def test_fragment_embeds_every_named_prior(fragment: str, trial: Trial,
                                           researcher_priors: PriorSet):
    data = _embedded_data(fragment)
    assert data == explorer_data(trial, researcher_priors)
    colors = prior_colors(researcher_priors)
    embedded = {prior["name"]: prior for prior in data["priors"]}
    single = _single_beta_priors(researcher_priors)
    assert list(embedded) == list(single)
    assert "pessimistic_researcher" in embedded
    # Robust priors are Beta mixtures: not presets of the explorer's single-Beta sliders.
    mixtures = [name for name in researcher_priors.names if name not in single]
    assert mixtures and not any(f'<option value="{name}">' in fragment for name in mixtures)
    assert "such as the robust ones, are not in the list" in fragment
    for name, prior in single.items():
        entry = embedded[name]
        assert entry["label"] == prior.label and entry["color"] == colors[name]
        for arm in ("treatment", "control"):
            beta = getattr(prior.beta_binomial, arm)
            assert entry[arm] == {"alpha": beta.alpha, "beta": beta.beta}
        assert f'<option value="{name}">' in fragment
    for outcome in trial.outcomes.values():
        assert {"name": outcome.name, "label": outcome.label, "direction": outcome.direction,
                "treatment": {"events": outcome.treatment.events, "n": outcome.treatment.n},
                "control": {"events": outcome.control.events, "n": outcome.control.n},
                } in data["outcomes"]


def test_fragment_markup_survives_a_markdown_reader(fragment: str):
    """No blank or indented line outside <script>/<style>: even read as Markdown (e.g. an
    ``output: asis`` cell), no line would become a paragraph break or a code block."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", "<\\1/>", fragment, flags=re.DOTALL)
    for line in markup.splitlines():
        assert line.strip(), "blank line in the explorer markup"
        assert not line.startswith((" ", "\t")), f"indented line: {line[:60]}"


def test_element_id_is_validated(trial: Trial, researcher_priors: PriorSet):
    assert 'id="second-explorer"' in explorer_html(trial, researcher_priors,
                                                   element_id="second-explorer")
    with pytest.raises(ValueError, match="element_id"):
        explorer_html(trial, researcher_priors, element_id='x" onload="alert(1)')


# --------------------------------------------------------------------------- browser


def _assert_clean(log: PageLog) -> None:
    assert not log.page_errors, f"uncaught JavaScript errors: {log.page_errors}"
    assert not log.console_errors, f"console errors: {log.console_errors}"
    assert not log.blocked, f"requests to the network: {log.blocked}"
    outside = [url for url in log.requests if not url.startswith(LOCAL_SCHEMES)]
    assert not outside, f"requests outside file:// : {outside}"


@pytest.fixture(scope="session")
def standalone_page(tmp_path_factory: pytest.TempPathFactory, fragment: str) -> Path:
    """A minimal page holding only the explorer."""
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    path.write_text(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Prior explorer</title></head>\n"
        f'<body style="max-width:60rem;margin:1rem auto">\n{fragment}\n</body></html>\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(params=["standalone", "report"])
def explorer_page(request: pytest.FixtureRequest, open_page) -> tuple[Any, PageLog]:
    """The explorer, opened in the small page and inside the rendered report."""
    if request.param == "standalone":
        path = request.getfixturevalue("standalone_page")
    else:
        path, html = request.getfixturevalue("rendered_report")
        assert 'data-testid="prior-explorer"' in html, "the report must embed the explorer"
    page, log = open_page(path)
    page.wait_for_selector(f'{EXPLORER}[data-ready="true"]')
    return page, log


def _readouts(page: Any) -> dict[str, str]:
    """The explorer's displayed numbers, keyed by data-testid."""
    return page.eval_on_selector(
        EXPLORER,
        """root => Object.fromEntries(
            ["p-benefit", "p-ard-10", "ard-median", "ard-lower", "ard-upper"].map(id => [
                id, root.querySelector(`[data-testid="${id}"]`).textContent]))""",
    )


def _agrees_at_shown_precision(text: str, value: float, decimals: int) -> bool:
    """``text`` (as displayed) is ``value`` rounded to ``decimals`` (within rounding)."""
    shown = float(text.replace("\u2212", "-"))
    return abs(shown - value) <= 0.5 * 10 ** -decimals + 1e-9


def _exact(prior: BetaBinomialPrior, outcome: Any) -> dict[str, float]:
    """The explorer's readouts from the Python reference, for a prior and an outcome."""
    distribution = BetaContrast.of(posterior(prior, outcome))
    p_benefit, p_above_10 = distribution.sf([0.0, 0.1])
    median, lower, upper = distribution.ppf([0.5, 0.025, 0.975])
    return {"pBenefit": float(p_benefit), "pArdAbove10": float(p_above_10),
            "ardMedian": float(median), "ardLower": float(lower), "ardUpper": float(upper)}


def _compare(js: dict[str, float], exact: dict[str, float]) -> list[str]:
    problems = []
    for key, value in exact.items():
        tolerance = PROBABILITY_TOLERANCE if key.startswith("p") else ARD_TOLERANCE
        if abs(js[key] - value) > tolerance:
            problems.append(f"{key}: JS {js[key]:.8f} vs Python {value:.8f}")
    return problems


def test_explorer_page_is_offline_and_error_free(explorer_page):
    page, log = explorer_page
    assert page.eval_on_selector(EXPLORER, "root => root.dataset.error || ''") == ""
    _assert_clean(log)


def test_explorer_matches_python_for_every_named_prior(explorer_page, trial: Trial,
                                                        researcher_priors: PriorSet):
    """window.priorExplorer.compute and the displayed readouts both equal BetaContrast."""
    page, log = explorer_page
    problems = []
    for name, prior in _single_beta_priors(researcher_priors).items():
        bb = prior.beta_binomial
        for outcome in trial.outcomes.values():
            where = f"{name}/{outcome.name}"
            exact = _exact(bb, outcome)
            js = page.evaluate(
                "args => window.priorExplorer.compute(...args)",
                [outcome.name, bb.treatment.alpha, bb.treatment.beta,
                 bb.control.alpha, bb.control.beta],
            )
            problems += [f"{where} compute(): {p}" for p in _compare(js, exact)]
            # The same through the menus, as a reader would do it.
            page.select_option(f'{EXPLORER} [data-testid="outcome-select"]', outcome.name)
            page.select_option(f'{EXPLORER} [data-testid="prior-select"]', name)
            shown = _readouts(page)
            checks = [
                ("p-benefit", exact["pBenefit"], 3), ("p-ard-10", exact["pArdAbove10"], 3),
                ("ard-median", 100 * exact["ardMedian"], 1),
                ("ard-lower", 100 * exact["ardLower"], 1),
                ("ard-upper", 100 * exact["ardUpper"], 1),
            ]
            problems += [
                f"{where} shows {testid}={shown[testid]}, Python {value:.5f}"
                for testid, value, decimals in checks
                if not _agrees_at_shown_precision(shown[testid], value, decimals)
            ]
    assert not problems, "\n".join(problems)
    _assert_clean(log)


def test_sliders_change_the_displayed_probability(explorer_page, trial: Trial):
    """Keyboard and programmatic slider moves update the readouts, and the custom prior they
    define still gives the exact Python answer."""
    page, log = explorer_page
    page.select_option(f'{EXPLORER} [data-testid="outcome-select"]', "remission")
    page.select_option(f'{EXPLORER} [data-testid="prior-select"]', "skeptical")
    before = _readouts(page)["p-benefit"]

    slider = page.locator(f'{EXPLORER} [data-testid="treatment-centre"]')
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")  # a more optimistic tocilizumab prior
    after_keys = _readouts(page)["p-benefit"]
    assert float(after_keys) > float(before), (before, after_keys)
    assert page.input_value(f'{EXPLORER} [data-testid="prior-select"]') == "custom"

    page.eval_on_selector(
        f'{EXPLORER} [data-testid="control-strength"]',
        """slider => { slider.value = String(Number(slider.max));
                       slider.dispatchEvent(new Event("input", {bubbles: true})); }""",
    )
    after_strength = _readouts(page)
    assert after_strength["p-benefit"] != after_keys

    state = page.evaluate("() => window.priorExplorer.instances[0].state()")
    arms = {arm: BetaPrior(state["arms"][arm]["alpha"], state["arms"][arm]["beta"])
            for arm in ("treatment", "control")}
    assert arms["control"].effective_sample_size == pytest.approx(200.0)
    exact = _exact(BetaBinomialPrior(arms["treatment"], arms["control"]),
                   trial.outcome("remission"))
    assert _agrees_at_shown_precision(after_strength["p-benefit"], exact["pBenefit"], 3)
    assert _agrees_at_shown_precision(after_strength["ard-median"], 100 * exact["ardMedian"], 1)
    _assert_clean(log)


def test_chart_shows_dashed_prior_solid_posterior_and_zero_line(explorer_page):
    page, _ = explorer_page
    chart = page.eval_on_selector(
        f'{EXPLORER} [data-testid="ard-chart"]',
        """svg => ({
            title: svg.querySelector("title").textContent,
            dashed: [...svg.querySelectorAll("path[stroke-dasharray]")].length,
            solid: [...svg.querySelectorAll("path:not([stroke-dasharray])")]
                .filter(p => p.getAttribute("fill") === "none").length,
            zero: !!svg.querySelector("line.pe-zero"),
            width: svg.getBoundingClientRect().width,
        })""",
    )
    assert chart["dashed"] == 1 and chart["solid"] == 1 and chart["zero"]
    assert "posterior" in chart["title"] and chart["width"] > 300


def test_controls_are_labelled_and_readouts_announced(explorer_page):
    page, _ = explorer_page
    unlabelled = page.eval_on_selector(
        EXPLORER,
        """root => [...root.querySelectorAll("input, select")]
            .filter(c => !c.labels || c.labels.length === 0 || !c.labels[0].textContent.trim())
            .map(c => c.outerHTML)""",
    )
    assert not unlabelled, unlabelled
    live = page.get_attribute(f'{EXPLORER} [data-testid="readouts"]', "aria-live")
    assert live == "polite"
    valuetext = page.get_attribute(f'{EXPLORER} [data-testid="control-strength"]',
                                   "aria-valuetext")
    assert valuetext and "participants" in valuetext


def test_chart_densities_and_tails_match_python(explorer_page, trial: Trial,
                                                researcher_priors: PriorSet):
    """The JS ARD distribution behind the chart (densities every 0.5 point) and its tail
    probabilities equal BetaContrast's, for every named prior and its posteriors."""
    page, _ = explorer_page
    grid_intervals = page.evaluate("() => window.priorExplorer.math.GRID_INTERVALS")
    k = grid_intervals // CHART_STEP
    ard = np.arange(-k, k + 1) * CHART_STEP / grid_intervals
    thresholds = [-0.3, -0.05, 0.0, 0.05, 0.1, 0.2, 0.35]
    problems = []
    for name, prior in researcher_priors.priors.items():
        arms = [prior.beta_binomial] + [posterior(prior.beta_binomial, outcome)
                                        for outcome in trial.outcomes.values()]
        for arm in arms:
            js = page.evaluate(
                """([aT, bT, aC, bC, k, step, ds]) => {
                    const dist = new window.priorExplorer.math.ArdDistribution(aT, bT, aC, bC);
                    return {density: Array.from(dist.densityOnGrid(-k, k, step)),
                            survival: ds.map((d) => dist.survival(d))};
                }""",
                [arm.treatment.alpha, arm.treatment.beta, arm.control.alpha, arm.control.beta,
                 k, CHART_STEP, thresholds])
            reference = BetaContrast.of(arm)
            density = reference.pdf(ard)
            density_gap = np.max(np.abs(np.array(js["density"]) - density)) / density.max()
            tail_gap = np.max(np.abs(np.array(js["survival"]) - reference.sf(thresholds)))
            if density_gap > DENSITY_TOLERANCE or tail_gap > PROBABILITY_TOLERANCE:
                problems.append(f"{name} {arm}: density {density_gap:.2e}, tails {tail_gap:.2e}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- the report


def test_report_is_offline_and_error_free(rendered_report, open_page):
    path, _ = rendered_report
    page, log = open_page(path)
    page.wait_for_timeout(200)  # let any late script run
    _assert_clean(log)
    assert log.requests and log.requests[0].startswith("file:")


def test_report_images_load_and_have_alt_text(rendered_report, open_page):
    path, _ = rendered_report
    page, _ = open_page(path)
    images = page.evaluate(
        """() => [...document.images].map(img => ({
            src: img.currentSrc.slice(0, 40), width: img.naturalWidth,
            alt: (img.getAttribute("alt") || "").trim()}))"""
    )
    assert images, "the report has no images"
    broken = [image for image in images if image["width"] <= 0]
    assert not broken, f"images that did not load: {broken}"
    no_alt = [image for image in images if not image["alt"]]
    assert not no_alt, f"images without alt text: {no_alt}"


def test_fewer_is_better_outcome_reads_out_fewer_events(tmp_path: Path, open_page):
    """For a mortality outcome (direction lower) the explorer's P(benefit) is P(ARD < 0) and
    its 10-point read-out P(ARD < -0.10), labelled so, equal to BetaContrast's."""
    from models.core.paths import DATA_DIR
    from models.data.trial import load_trial
    from models.priors.priors_file import load_priors

    trial = load_trial(DATA_DIR / "examples" / "eolia_mortality.yml")
    priors = load_priors(DATA_DIR / "examples" / "eolia_priors.yml")
    path = tmp_path / "explorer.html"
    path.write_text('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>x'
                    f"</title></head><body>\n{explorer_html(trial, priors)}\n</body></html>\n",
                    encoding="utf-8")
    page, log = open_page(path)
    page.wait_for_selector(f'{EXPLORER}[data-ready="true"]')
    outcome = trial.outcome("death")
    for name, prior in priors.priors.items():
        bb = prior.beta_binomial
        distribution = BetaContrast.of(posterior(bb, outcome))
        below_0, below_10 = distribution.cdf([0.0, -0.1])
        js = page.evaluate("args => window.priorExplorer.compute(...args)",
                           ["death", bb.treatment.alpha, bb.treatment.beta,
                            bb.control.alpha, bb.control.beta])
        assert abs(js["pBenefit"] - below_0) < PROBABILITY_TOLERANCE, name
        assert abs(js["pArdAbove10"] - below_10) < PROBABILITY_TOLERANCE, name
        assert abs(js["pArdAbove"]["0"] - (1 - below_0)) < PROBABILITY_TOLERANCE, name
        page.select_option(f'{EXPLORER} [data-testid="prior-select"]', name)
        assert _agrees_at_shown_precision(_readouts(page)["p-benefit"], float(below_0), 3)
    label = page.eval_on_selector(f'{EXPLORER} [data-testid="p-ard-10-label"]',
                                  "node => node.textContent")
    assert label == "P(risk difference < \u221210 points)"
    _assert_clean(log)
