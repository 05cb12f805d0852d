"""Any two-arm trial: the example trial files, the report's metadata and conditional
content, and reports rendered from a mortality trial given as counts (EOLIA) and from one
given only as a published hazard ratio (ANDROMEDA-SHOCK)."""

import math
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import text_of
from scipy import stats

from models.core.paths import DATA_DIR
from models.data.trial import OutcomeEstimate, load_trial
from models.exact.normal_normal import Z_975
from models.priors.calibration import calibrated_priors
from models.priors.priors_file import load_priors
from models.report.metadata import report_metadata, report_title
from models.report.render.conditions import apply_conditions

EXAMPLES = DATA_DIR / "examples"
EOLIA = EXAMPLES / "eolia_mortality.yml"
EOLIA_PRIORS = EXAMPLES / "eolia_priors.yml"
ANDROMEDA = EXAMPLES / "andromeda_shock_mortality.yml"
ANDROMEDA_PRIORS = EXAMPLES / "andromeda_shock_priors.yml"
PAIRS = [(EOLIA, EOLIA_PRIORS), (ANDROMEDA, ANDROMEDA_PRIORS)]

DEFAULT_TRIAL_WORDS = ("tocilizumab", "placebo", "remission", "hs-crp", "insight",
                       "depression")
"""Words of the default trial that a report of another trial must not contain."""


# --- the example files --------------------------------------------------------------------


@pytest.mark.parametrize(("trial_file", "priors_file"), PAIRS)
def test_examples_load_with_provenance_and_fewer_is_better(trial_file, priors_file):
    trial = load_trial(trial_file)
    text = trial_file.read_text(encoding="utf-8")
    assert "Provenance" in text and "doi" in text.lower()
    assert trial.references and trial.description and trial.caveats
    assert all(trial.direction(name) == "lower" for name in trial.outcome_names)
    assert load_priors(priors_file).calibration.direction == "lower"


def test_eolia_is_counts_and_andromeda_is_only_a_hazard_ratio():
    eolia, andromeda = load_trial(EOLIA), load_trial(ANDROMEDA)
    death = eolia.outcome("death")
    assert (death.treatment.events, death.treatment.n) == (44, 124)
    assert (death.control.events, death.control.n) == (57, 125)
    assert not eolia.estimates
    assert not andromeda.outcomes
    estimate = andromeda.estimates["death"]
    assert isinstance(estimate, OutcomeEstimate)
    assert (estimate.estimate.measure, estimate.estimate.value) == ("hazard_ratio", 0.75)
    assert (estimate.estimate.lower, estimate.estimate.upper) == (0.55, 1.02)
    assert "events" not in yaml.safe_load(ANDROMEDA.read_text())["outcomes"]["death"]


@pytest.mark.parametrize("priors_file", [EOLIA_PRIORS, ANDROMEDA_PRIORS])
def test_example_priors_are_their_calibration(priors_file):
    """The shipped numbers are what `priors calibrate` derives from the file's calibration
    block (to the 4 significant digits written), so the calibration story is true."""
    prior_set = load_priors(priors_file)
    derived = calibrated_priors(prior_set.calibration)
    for name in ("skeptical", "enthusiastic"):
        shipped, wanted = prior_set.get(name), derived[name]
        assert shipped.logistic.treatment.mean == pytest.approx(wanted.logistic.treatment.mean,
                                                                rel=1e-3, abs=1e-4)
        assert shipped.logistic.treatment.sd == pytest.approx(wanted.logistic.treatment.sd,
                                                              rel=1e-3)
        assert shipped.beta_binomial.control.alpha == pytest.approx(
            wanted.beta_binomial.control.alpha, rel=1e-3)


def test_default_priors_are_refused_for_a_mortality_trial(capsys):
    from models.cli.main import main

    code = main(["report", "--trial", str(EOLIA), "--output", "/tmp/never-written.html"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1
    assert re.search(r"calibration\.design_odds_ratio is 2\.5 in priors\.yml, calibrated for "
                     r"higher event rates being better, but outcome 'death' has direction "
                     r"lower", err[0])
    assert not Path("/tmp/never-written.html").exists()


# --- metadata and conditional content -----------------------------------------------------


def test_metadata_names_the_trial_and_hides_what_it_lacks():
    eolia = report_metadata(load_trial(EOLIA))
    assert report_title(load_trial(EOLIA)) == ("ECMO vs conventional management at day 60: a "
                                               "post hoc Bayesian reanalysis")
    assert eolia["no-ipd"] is True and eolia["no-counts"] is False
    assert eolia["no-estimates"] is True and eolia["no-missing"] is True
    andromeda = report_metadata(load_trial(ANDROMEDA))
    assert andromeda["no-counts"] is True and andromeda["no-estimates"] is False
    default = report_metadata(load_trial())
    assert default["no-ipd"] is False and default["no-missing"] is False
    assert str(default["title"]).startswith("Tocilizumab vs placebo at day 28")


def test_metadata_title_is_escaped_text(tmp_path):
    path = tmp_path / "trial.yml"
    path.write_text("trial:\n  arms: {treatment: '*bold* <b>x</b>', control: 'C'}\n"
                    "outcomes:\n  death: {treatment: {events: 1, n: 5}, control: {events: 2,"
                    " n: 5}}\n")
    title = str(report_metadata(load_trial(path))["title"])
    assert "\\*bold\\*" in title and "\\<b\\>" in title


SOURCE = """intro
::: {.content-hidden when-meta="no-ipd"}
## Part
```{python}
x = ":::"
```
::: {.callout-note}
inside
:::
:::
::: {.content-visible when-meta="no-ipd"}
none here
:::
outro
"""


@pytest.mark.parametrize(("no_ipd", "kept", "dropped"), [
    (True, ["intro", "none here", "outro"], ["## Part", "x = ", "inside"]),
    (False, ["intro", "## Part", 'x = ":::"', "::: {.callout-note}", "inside", "outro"],
     ["none here"]),
])
def test_conditions_hide_or_unwrap_blocks(no_ipd, kept, dropped):
    out = apply_conditions(SOURCE, {"no-ipd": no_ipd})
    for line in kept:
        assert line in out
    for line in dropped:
        assert line not in out
    assert "content-hidden" not in out and "content-visible" not in out
    assert out.count(":::") == (3 if not no_ipd else 0)  # the callout's two fences + x


def test_an_unclosed_condition_is_an_error():
    with pytest.raises(ValueError, match="not closed"):
        apply_conditions('::: {.content-hidden when-meta="no-ipd"}\ntext\n', {})


@pytest.mark.parametrize("trial_file", [EOLIA, ANDROMEDA])
def test_report_source_for_another_trial_names_nothing_of_the_default(trial_file):
    source = (Path(__file__).parents[1] / "reports" / "reanalysis.qmd").read_text()
    shown = apply_conditions(source, report_metadata(load_trial(trial_file))).lower()
    for word in ("tocilizumab", "hs-crp", "remission"):
        assert word not in shown, word


# --- an estimate-only trial runs no sampler -----------------------------------------------


def test_estimate_only_results_start_no_sampler(monkeypatch):
    import models.mcmc.sampling as sampling
    from models.report.results import build_results

    def refuse(*args, **kwargs):
        raise AssertionError("a sampler was started")

    monkeypatch.setattr(sampling, "sample", refuse)
    results = build_results(ANDROMEDA_PRIORS, trial_file=ANDROMEDA)
    assert not results.mcmc and not results.aggregate and not results.interaction
    fit = results.normal[("reference", "death")]
    se = (math.log(1.02) - math.log(0.55)) / (2 * Z_975)
    prior = load_priors(ANDROMEDA_PRIORS).get("reference").logistic.treatment
    precision = 1 / prior.sd**2 + 1 / se**2
    mean = (prior.mean / prior.sd**2 + math.log(0.75) / se**2) / precision
    assert fit.p_benefit == pytest.approx(stats.norm.cdf(0, mean, precision**-0.5), abs=1e-12)
    assert results.provenance.sampler is None


# --- rendered reports ---------------------------------------------------------------------


def render(tmp_path_factory, trial_file: Path, priors_file: Path) -> str:
    from models.report.build import make_report

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RENDERER", "fallback")
        output = tmp_path_factory.mktemp("example") / "report.html"
        return make_report(priors_file, output, trial_file).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def eolia_html(tmp_path_factory) -> str:
    return render(tmp_path_factory, EOLIA, EOLIA_PRIORS)


@pytest.fixture(scope="module")
def andromeda_html(tmp_path_factory) -> str:
    return render(tmp_path_factory, ANDROMEDA, ANDROMEDA_PRIORS)


def _summary_cells(html: str) -> list[str]:
    """The cells of the first table (the summary), as text."""
    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)]


def _visible(html: str) -> str:
    """The page's text outside scripts and the folded source listing, lower case."""
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    html = re.sub(r'<details class="report-source">.*?</details>', "", html, flags=re.S)
    return text_of(re.sub(r"<[^>]+>", " ", html)).lower()


@pytest.mark.parametrize("which", ["eolia_html", "andromeda_html"])
@pytest.mark.slow
def test_another_trials_report_names_nothing_of_the_default_trial(request, which):
    html = request.getfixturevalue(which)
    text = _visible(html)
    for word in DEFAULT_TRIAL_WORDS:
        assert word not in text, word
    assert "individual participant data" in text  # the one sentence instead of that part
    assert "simulated data" not in text
    # The code on the page (the explorer's script, the report's source as rendered for
    # this trial) does not name the default trial's drug or biomarker either.
    whole = text_of(html).lower()
    for word in ("tocilizumab", "hs-crp"):
        assert word not in whole, word


def test_mortality_report_probabilities_are_of_fewer_deaths(eolia_html):
    """The beta-binomial reference P(better) printed in the report is P(p_ECMO < p_control)
    under Beta(1, 1) priors, checked by Monte Carlo (not by the report's code)."""
    text = text_of(eolia_html)
    assert "ECMO vs conventional management at day 60" in text
    assert "fewer events is better" in text
    rng = np.random.default_rng(7)
    draws = 1_000_000
    p_t = rng.beta(1 + 44, 1 + 124 - 44, draws)
    p_c = rng.beta(1 + 57, 1 + 125 - 57, draws)
    fewer = float(np.mean(p_t < p_c))
    row = re.search(r"<tr[^>]*>\s*<td[^>]*>Reference</td>\s*<td[^>]*>Death at day 60</td>\s*"
                    r"<td[^>]*>([0-9.]+)</td>", eolia_html.split('id="tbl-beta-binomial"')[1])
    assert row, "the beta-binomial table's reference row"
    assert float(row.group(1)) == pytest.approx(fewer, abs=4 * math.sqrt(fewer / draws) + 5e-4)
    assert fewer > 0.9


def test_published_ratio_report_is_closed_form(andromeda_html):
    text = text_of(andromeda_html)
    assert "hazard ratio" in text
    assert "none: every result is closed form" in text
    cells = _summary_cells(andromeda_html)
    se = (math.log(1.02) - math.log(0.55)) / (2 * Z_975)
    prior = load_priors(ANDROMEDA_PRIORS).get("reference").logistic.treatment
    precision = 1 / prior.sd**2 + 1 / se**2
    mean = (prior.mean / prior.sd**2 + math.log(0.75) / se**2) / precision
    assert cells[0] == "Reference"
    assert cells[1] == f"{stats.norm.cdf(0, mean, precision**-0.5):.3f}"
