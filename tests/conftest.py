"""Shared fixtures: the shipped trial counts and priors, helpers to write bad inputs, the
report rendered once per session, and one headless Chromium for every browser test."""

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from models.core.cache_root import DIRECTORY_ENV
from models.core.paths import DEFAULT_PRIORS_FILE
from models.data.trial import load_trial
from models.priors.priors_file import load_priors
from models.report import (
    conflict_view,
    tables,
    text,
    text_planning,
    text_sensitivity,
    text_simulated,
)

SLOW_FIXTURES = frozenset({
    "rendered_report", "report_results", "browser", "open_page",  # renders, all results
    "hostile_render", "plain_documents", "strong_results", "separated_results", "twelve",
    "eolia_html", "andromeda_html", "explorer_page", "standalone_page", "report_at",
    "previous_report", "rendered", "example_fit", "aggregate_fits", "ipd_fit", "large_fit",
    "fits", "cheap_results", "shipped_parts",
    "rendered_slides", "slides_page",  # the teaching deck: a render, the browser
})
"""Fixtures that render the report, build every result, open a browser or sample at the
report's own settings: a test using one belongs to the slow suite (``make test-slow``)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that uses a slow fixture as ``slow``; ``make test`` runs the rest
    (``-m "not slow"``), ``make test-slow`` these, and CI both."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def isolated_cache_root(tmp_path_factory):
    """Tests never read or write the project's own caches (posteriors, simulation study):
    the cache root points at a temporary folder for the whole session."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DIRECTORY_ENV, str(tmp_path_factory.mktemp("cache-root")))
        yield


@pytest.fixture(scope="session")
def trial():
    return load_trial()


@pytest.fixture(scope="session")
def prior_set():
    return load_priors()


@pytest.fixture
def priors_text() -> str:
    return Path(DEFAULT_PRIORS_FILE).read_text()


@pytest.fixture
def write_priors(tmp_path):
    """Write a priors YAML text to a temporary file and return its path."""

    def write(text: str, name: str = "priors.yml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


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


@pytest.fixture(scope="session")
def report_priors(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("priors") / "my_priors.yml"
    path.write_text(Path(DEFAULT_PRIORS_FILE).read_text() + FOURTH_PRIOR)
    return path


@pytest.fixture(scope="session")
def rendered_report(tmp_path_factory, report_priors) -> tuple[Path, str]:
    """The report rendered once per test session through the fallback, with the shipped
    priors plus a researcher's fourth prior. Returns (HTML path, HTML text)."""
    from models.report.build import make_report

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RENDERER", "fallback")
        output = tmp_path_factory.mktemp("report") / "reanalysis.html"
        path = make_report(report_priors, output)
    return path, path.read_text(encoding="utf-8")


TEST_SAMPLER_CHAINS, TEST_SAMPLER_DRAWS = 2, 300
"""Small, seeded MCMC settings for the report's results in unit tests (not the report's)."""


@pytest.fixture(scope="session")
def report_results():
    """Every result of the report for the shipped priors, built once per session with a
    small seeded sampler and a two-trial simulation study (both cached under the session's
    temporary cache root), so the table and sentence builders are tested on real results
    without a render."""
    from dataclasses import replace

    from models.mcmc.sampling import SamplerSettings
    from models.report.results import build_results
    from models.simulation.study import run_or_load

    settings = SamplerSettings(chains=TEST_SAMPLER_CHAINS, draws=TEST_SAMPLER_DRAWS,
                               tune=TEST_SAMPLER_DRAWS, seed=20261127)

    def small_study(config):
        return run_or_load(replace(config, replicates=2, settings=settings))

    return build_results(DEFAULT_PRIORS_FILE, settings=settings, study=small_study)


# Every table and every computed sentence the report shows (hostile and extreme input tests).
REPORT_TABLES = [
    tables.summary, tables.counts, tables.priors, tables.prior_parameters, tables.primary,
    tables.beta_binomial, tables.interaction, tables.truth, tables.missing_participant,
    tables.sensitivity_named, tables.psense, tables.exact_vs_mcmc, tables.ppc,
    conflict_view.conflict_table,
]
REPORT_SENTENCES = [
    text.summary_bullets, text.trial_description, text.calibration, text.model_comparison,
    text.conclusions, text.misreadings, text.exact_vs_mcmc_verdict, text.diagnostics_verdict,
    text_sensitivity.tipping_points, text_sensitivity.placebo_rate_sentence,
    text_sensitivity.missing_participant_sentence, text_simulated.interaction_summary,
    text_simulated.truth_interaction, text_simulated.simulation_study,
    text_simulated.crp_benefit_edges, text.prior_predictive_reading, text.summary_intro,
    text.caveats_box, text.references, text.checklist, text_sensitivity.heat_map_intro,
    text_planning.planning_reading, text_planning.planning_details, text_planning.next_trial_clause,
    text.robust_priors_sentence, conflict_view.conflict_reading,
]

# --------------------------------------------------------------------------- browser

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
LOCAL_SCHEMES = ("file:", "data:", "about:blank")

def _chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@dataclass
class PageLog:
    """What a page did: console errors, uncaught exceptions, requests, blocked requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (no downloaded browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed (pip install playwright)")
    executable = _chromium()
    if executable is None:
        pytest.skip("no chromium executable (install Debian's chromium package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[Path], tuple[Any, PageLog]]]:
    """Open a local HTML file with every non-file request aborted and recorded."""
    contexts = []

    def open_(path: Path) -> tuple[Any, PageLog]:
        log = PageLog()
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and log.console_errors.append(m.text))
        page.on("pageerror", lambda error: log.page_errors.append(str(error)))
        page.on("request", lambda request: log.requests.append(request.url))

        def guard(route: Any) -> None:
            if route.request.url.startswith(LOCAL_SCHEMES):
                route.continue_()
            else:
                log.blocked.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto(path.resolve().as_uri(), wait_until="load")
        return page, log

    yield open_
    for context in contexts:
        context.close()
