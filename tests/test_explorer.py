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
prior in the file and every outcome; those of its primary-model panel (the aggregate
logistic model) must equal :class:`models.exact.logistic_posterior.LogisticPosterior` and
the prior statements of :func:`models.priors.statements.implied_statements`. Its
copy-as-YAML button must give an entry that the project's own validator accepts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from conftest import LOCAL_SCHEMES, PageLog

from models.cli.main import main
from models.core.distributions import BetaBinomialPrior, BetaPrior, NormalPrior
from models.core.paths import DATA_DIR, DEFAULT_PRIORS_FILE
from models.data.trial import Trial
from models.exact.beta_binomial import posterior
from models.exact.beta_contrast import BetaContrast
from models.exact.logistic_posterior import LogisticPosterior
from models.priors.prior_set import PriorSet
from models.priors.priors_file import load_priors
from models.priors.statements import implied_statements
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



def _eolia_page(tmp_path: Path, open_page) -> tuple[Trial, PriorSet, Any, PageLog]:
    """A page holding only the explorer of the EOLIA example (mortality: fewer is better),
    opened and ready."""
    from models.data.trial import load_trial

    trial = load_trial(DATA_DIR / "examples" / "eolia_mortality.yml")
    priors = load_priors(DATA_DIR / "examples" / "eolia_priors.yml")
    path = tmp_path / "explorer.html"
    path.write_text('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>x'
                    f"</title></head><body>\n{explorer_html(trial, priors)}\n</body></html>\n",
                    encoding="utf-8")
    page, log = open_page(path)
    page.wait_for_selector(f'{EXPLORER}[data-ready="true"]')
    return trial, priors, page, log

def test_fewer_is_better_outcome_reads_out_fewer_events(tmp_path: Path, open_page):
    """For a mortality outcome (direction lower) the explorer's P(benefit) is P(ARD < 0) and
    its 10-point read-out P(ARD < -0.10), labelled so, equal to BetaContrast's."""
    trial, priors, page, log = _eolia_page(tmp_path, open_page)
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


# --------------------------------------------------------------------------- primary model

LOGISTIC_TOLERANCE = 1e-5
"""JS vs Python for the logistic panel: probabilities, ARD quantiles (proportion scale) and
log-OR quantiles (both integrate to about 1e-7; Python states 1e-6)."""
LOGISTIC_READOUTS = ["lg-prior-design", "lg-prior-harm", "lg-p-benefit", "lg-p-ard-10",
                     "lg-or-median", "lg-or-lower", "lg-or-upper", "lg-ard-median",
                     "lg-ard-lower", "lg-ard-upper"]


def test_fragment_embeds_logistic_priors_and_design_effect(fragment: str,
                                                           researcher_priors: PriorSet):
    data = _embedded_data(fragment)
    assert researcher_priors.calibration is not None
    assert data["calibration"] == {
        "design_odds_ratio": researcher_priors.calibration.design_odds_ratio}
    embedded = {prior["name"]: prior for prior in data["priors"]}
    for name, prior in _single_beta_priors(researcher_priors).items():
        for term in ("intercept", "treatment", "biomarker", "interaction"):
            normal = getattr(prior.logistic, term)
            assert embedded[name]["logistic"][term] == {"mean": normal.mean, "sd": normal.sd}
    assert 'data-testid="logistic-panel"' in fragment and 'data-testid="copy-yaml"' in fragment


def _logistic_readouts(page: Any) -> dict[str, str]:
    """The logistic panel's displayed numbers, keyed by data-testid."""
    return page.eval_on_selector(
        EXPLORER,
        """(root, ids) => Object.fromEntries(ids.map(id => [
            id, root.querySelector(`[data-testid="${id}"]`).textContent]))""",
        LOGISTIC_READOUTS,
    )


def _logistic_exact(intercept: NormalPrior, log_or: NormalPrior, outcome: Any,
                    priors: PriorSet, prior_name: str) -> dict[str, float]:
    """The logistic panel's numbers from the Python references."""
    exact = LogisticPosterior(outcome, intercept, log_or)
    odds_ratio, ard = exact.interval("or"), exact.interval("ard")
    statements = implied_statements(priors.priors[prior_name], priors.calibration,
                                    outcome.direction)
    return {"pBenefit": exact.p_benefit(), "pArdAbove10": exact.p_benefit_greater(0.1),
            "orMedian": odds_ratio.median, "orLower": odds_ratio.lower,
            "orUpper": odds_ratio.upper, "ardMedian": ard.median, "ardLower": ard.lower,
            "ardUpper": ard.upper,
            "priorPBeyondDesign": statements["logistic_p_beyond_design"],
            "priorPHarm": 1.0 - statements["logistic_p_benefit"]}


def _logistic_gaps(js: dict[str, float], exact: dict[str, float]) -> list[str]:
    """Disagreements beyond LOGISTIC_TOLERANCE (odds ratios compared on the log scale)."""
    problems = []
    for key, value in exact.items():
        gap = (abs(np.log(js[key]) - np.log(value)) if key.startswith("or")
               else abs(js[key] - value))
        if gap > LOGISTIC_TOLERANCE:
            problems.append(f"{key}: JS {js[key]:.8f} vs Python {value:.8f}")
    return problems


def _logistic_shown_gaps(shown: dict[str, str], exact: dict[str, float]) -> list[str]:
    """Displayed readouts that are not the Python value at the shown precision."""
    checks = [("lg-prior-design", exact["priorPBeyondDesign"], 3),
              ("lg-prior-harm", exact["priorPHarm"], 3),
              ("lg-p-benefit", exact["pBenefit"], 3), ("lg-p-ard-10", exact["pArdAbove10"], 3),
              ("lg-or-median", exact["orMedian"], 2), ("lg-or-lower", exact["orLower"], 2),
              ("lg-or-upper", exact["orUpper"], 2),
              ("lg-ard-median", 100 * exact["ardMedian"], 1),
              ("lg-ard-lower", 100 * exact["ardLower"], 1),
              ("lg-ard-upper", 100 * exact["ardUpper"], 1)]
    return [f"shows {testid}={shown[testid]}, Python {value:.5f}"
            for testid, value, decimals in checks
            if not _agrees_at_shown_precision(shown[testid], value, decimals)]


def _check_logistic_panel(page: Any, trial: Trial, priors: PriorSet) -> list[str]:
    """computeLogistic and the displayed readouts against Python, for every named prior
    (the presets) and outcome; prints the slowest update (speed is for benchmarks)."""
    problems = []
    slowest = 0.0
    for name, prior in _single_beta_priors(priors).items():
        lg = prior.logistic
        for outcome in trial.outcomes.values():
            where = f"{name}/{outcome.name}"
            exact = _logistic_exact(lg.intercept, lg.treatment, outcome, priors, name)
            js = page.evaluate("args => window.priorExplorer.computeLogistic(...args)",
                               [outcome.name, lg.intercept.mean, lg.intercept.sd,
                                lg.treatment.mean, lg.treatment.sd])
            problems += [f"{where} computeLogistic(): {p}" for p in _logistic_gaps(js, exact)]
            page.select_option(f'{EXPLORER} [data-testid="outcome-select"]', outcome.name)
            page.select_option(f'{EXPLORER} [data-testid="prior-select"]', name)
            problems += [f"{where} {p}" for p in
                         _logistic_shown_gaps(_logistic_readouts(page), exact)]
            slowest = max(slowest, float(page.get_attribute(EXPLORER,
                                                            "data-logistic-update-ms")))
    print(f"slowest logistic update: {slowest:.1f} ms")
    return problems


def test_logistic_panel_matches_python_for_every_named_prior(explorer_page, trial: Trial,
                                                             researcher_priors: PriorSet):
    """Every preset: the primary model's prior statements and exact posterior in the page
    equal Python's (LogisticPosterior; implied_statements) for every outcome."""
    page, log = explorer_page
    problems = _check_logistic_panel(page, trial, researcher_priors)
    assert not problems, "\n".join(problems)
    _assert_clean(log)


def test_logistic_sliders_change_the_readouts(explorer_page, trial: Trial,
                                              researcher_priors: PriorSet):
    """Moving the log-OR mean up raises P(benefit) and lowers the prior P(harm); moving the
    control log-odds prior changes the posterior; the custom prior still gives Python's
    exact answer; the Beta panel's numbers do not move."""
    page, log = explorer_page
    page.select_option(f'{EXPLORER} [data-testid="outcome-select"]', "remission")
    page.select_option(f'{EXPLORER} [data-testid="prior-select"]', "skeptical")
    before, beta_before = _logistic_readouts(page), _readouts(page)

    page.locator(f'{EXPLORER} [data-testid="lg-treatment-mean"]').focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")  # log-OR prior mean up by 0.2
    after = _logistic_readouts(page)
    assert float(after["lg-p-benefit"]) > float(before["lg-p-benefit"]), (before, after)
    assert float(after["lg-prior-harm"]) < float(before["lg-prior-harm"]), (before, after)
    assert page.input_value(f'{EXPLORER} [data-testid="prior-select"]') == "custom"
    assert _readouts(page) == beta_before

    page.eval_on_selector(
        f'{EXPLORER} [data-testid="lg-intercept-sd"]',
        """slider => { slider.value = String(Number(slider.max));
                       slider.dispatchEvent(new Event("input", {bubbles: true})); }""",
    )
    widened = _logistic_readouts(page)
    assert widened["lg-p-benefit"] != after["lg-p-benefit"]
    assert widened["lg-prior-harm"] == after["lg-prior-harm"]  # the log-OR prior is unchanged

    state = page.evaluate("() => window.priorExplorer.instances[0].state()")["logistic"]
    intercept = NormalPrior(state["intercept"]["mean"], state["intercept"]["sd"])
    log_or = NormalPrior(state["treatment"]["mean"], state["treatment"]["sd"])
    skeptical = researcher_priors.priors["skeptical"].logistic.treatment
    assert log_or.mean == pytest.approx(skeptical.mean + 0.2, abs=0.011)
    exact = LogisticPosterior(trial.outcome("remission"), intercept, log_or)
    assert _agrees_at_shown_precision(widened["lg-p-benefit"], exact.p_benefit(), 3)
    assert _agrees_at_shown_precision(widened["lg-or-median"], exact.interval("or").median, 2)
    _assert_clean(log)


def test_logistic_controls_are_labelled_and_announced(explorer_page):
    page, _ = explorer_page
    live = page.get_attribute(f'{EXPLORER} [data-testid="lg-readouts"]', "aria-live")
    assert live == "polite"
    for testid in ("lg-treatment-mean", "lg-treatment-sd", "lg-intercept-mean",
                   "lg-intercept-sd", "copy-yaml-text"):
        label = page.eval_on_selector(
            f'{EXPLORER} [data-testid="{testid}"]',
            "c => c.labels && c.labels.length ? c.labels[0].textContent : ''")
        assert label.strip(), testid
    valuetext = page.get_attribute(f'{EXPLORER} [data-testid="lg-treatment-mean"]',
                                   "aria-valuetext")
    assert valuetext and "OR" in valuetext


def test_fewer_is_better_outcome_logistic_panel(tmp_path: Path, open_page):
    """For a mortality outcome (direction lower) the logistic panel's P(benefit) is
    P(OR < 1), its 10-point read-out P(ARD < -0.10) and its design statement P(OR < design
    OR), equal to Python's, for every preset."""
    trial, priors, page, log = _eolia_page(tmp_path, open_page)
    problems = _check_logistic_panel(page, trial, priors)
    assert not problems, "\n".join(problems)
    labels = page.eval_on_selector(
        EXPLORER, """root => ["lg-p-ard-10-label", "lg-prior-harm-label",
                              "lg-prior-design-label"].map(
            id => root.querySelector(`[data-testid="${id}"]`).textContent)""")
    assert labels[0] == "Posterior P(risk difference < \u221210 points)"
    assert labels[1] == "Prior P(OR > 1)" and labels[2].startswith("Prior P(OR < 0.44")
    _assert_clean(log)


# --------------------------------------------------------------------------- copy as YAML

SPY_CLIPBOARD = """() => {
    window.__copied = [];
    const write = (text) => { window.__copied.push(text); return Promise.resolve(); };
    Object.defineProperty(navigator, "clipboard", {value: {writeText: write},
                                                   configurable: true});
}"""
"""Replace the clipboard with a recorder (headless Chromium's own needs a permission)."""

REFUSE_CLIPBOARD = """() => {
    const refuse = () => Promise.reject(new Error("denied"));
    Object.defineProperty(navigator, "clipboard", {value: {writeText: refuse},
                                                   configurable: true});
}"""


def _copied_text(page: Any) -> str:
    """The copied YAML: what reached the clipboard or, failing that, the fallback box."""
    page.click(f'{EXPLORER} [data-testid="copy-yaml"]')
    page.wait_for_function(
        """() => (window.__copied && window.__copied.length) ||
                 !document.querySelector('[data-testid="copy-fallback"]').hidden""")
    copied = page.evaluate("() => (window.__copied || []).slice(-1)[0] || ''")
    if copied:
        return copied
    return page.input_value(f'{EXPLORER} [data-testid="copy-yaml-text"]')


def _paste_and_validate(text: str, name: str, path: Path,
                        capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """Paste ``text`` under ``priors:`` of the shipped file with its placeholder renamed,
    run ``reanalysis priors --priors FILE`` and return the parsed entry."""
    assert text.startswith("  my_prior:\n"), text[:40]
    shipped = Path(DEFAULT_PRIORS_FILE).read_text(encoding="utf-8")
    path.write_text(shipped.rstrip("\n") + "\n" + text.replace("my_prior:", f"{name}:", 1),
                    encoding="utf-8")
    capsys.readouterr()
    status = main(["priors", "--priors", str(path)])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert f"\n{name}: My prior" in out
    return yaml.safe_load(path.read_text(encoding="utf-8"))["priors"][name]


def test_copy_as_yaml_round_trips_through_the_validator(explorer_page, tmp_path: Path,
                                                        capsys, researcher_priors: PriorSet):
    """Custom sliders in both panels, copied, pasted into a priors file and read by the
    project's validator: exit 0, and every number survives (the moved ones to the six
    significant digits written; biomarker and interaction are the chosen preset's)."""
    page, log = explorer_page
    page.select_option(f'{EXPLORER} [data-testid="prior-select"]', "enthusiastic")
    controller = "window.priorExplorer.instances[0]"
    page.evaluate(f"() => {controller}.setArm('treatment', 3.123456789, 0.04567891)")
    page.evaluate(f"() => {controller}.setLogistic('treatment', -0.0001234567, 1.23456789)")
    page.evaluate(f"() => {controller}.setLogistic('intercept', -2.5, 0.75)")
    state = page.evaluate(f"() => {controller}.state()")
    page.evaluate(SPY_CLIPBOARD)
    entry = _paste_and_validate(_copied_text(page), "teaching_copy",
                                tmp_path / "priors.yml", capsys)
    loaded = load_priors(tmp_path / "priors.yml").priors["teaching_copy"]
    for arm in ("treatment", "control"):
        for key in ("alpha", "beta"):
            assert entry["beta_binomial"][arm][key] == pytest.approx(
                state["arms"][arm][key], rel=1e-5)
    for term in ("intercept", "treatment", "biomarker", "interaction"):
        for key in ("mean", "sd"):
            assert entry["logistic"][term][key] == pytest.approx(
                state["logistic"][term][key], rel=1e-5, abs=1e-12)
    enthusiastic = researcher_priors.priors["enthusiastic"].logistic
    assert loaded.logistic.biomarker == enthusiastic.biomarker
    assert loaded.logistic.interaction == enthusiastic.interaction
    assert loaded.logistic.intercept == NormalPrior(-2.5, 0.75)
    assert page.is_hidden(f'{EXPLORER} [data-testid="copy-fallback"]')
    assert "Copied" in page.text_content(f'{EXPLORER} [data-testid="copy-status"]')
    _assert_clean(log)


def test_copy_as_yaml_falls_back_to_a_selected_box(explorer_page, tmp_path: Path, capsys,
                                                   researcher_priors: PriorSet):
    """Where the clipboard refuses, the entry appears selected in a read-only box, and it
    validates too (a named preset: its numbers exactly)."""
    page, log = explorer_page
    page.select_option(f'{EXPLORER} [data-testid="prior-select"]', "skeptical")
    page.evaluate(REFUSE_CLIPBOARD)
    text = _copied_text(page)
    box = f'{EXPLORER} [data-testid="copy-yaml-text"]'
    assert page.is_visible(box) and page.get_attribute(box, "readonly") is not None
    selected = page.eval_on_selector(box, "area => area.value.slice(area.selectionStart, "
                                          "area.selectionEnd)")
    assert selected == text
    loaded = _paste_and_validate(text, "copied_skeptical", tmp_path / "priors.yml", capsys)
    skeptical = researcher_priors.priors["skeptical"]
    assert loaded["logistic"]["treatment"] == {"mean": skeptical.logistic.treatment.mean,
                                               "sd": skeptical.logistic.treatment.sd}
    assert loaded["beta_binomial"]["control"] == {
        "alpha": skeptical.beta_binomial.control.alpha,
        "beta": skeptical.beta_binomial.control.beta}
    _assert_clean(log)
