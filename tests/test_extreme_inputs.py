"""Extreme but valid inputs render: strong priors (every MCMC draw on one side, an MCSE of
0), counts of 0/n and n/n in either arm, and twelve named priors in one file. No table
cell or sentence holds NaN, inf or "nan"; an undefined statistic is said in words; every
prior keeps its own colour.

Results are built with the small seeded sampler of the ``report_results`` fixture.
"""

import math
import re
from dataclasses import replace
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
import yaml
from conftest import REPORT_SENTENCES, REPORT_TABLES, TEST_SAMPLER_CHAINS, TEST_SAMPLER_DRAWS

import models.report.format as fmt
from models.core.paths import DEFAULT_PRIORS_FILE, SIMULATED_IPD_FILE, TRIAL_COUNTS_FILE
from models.core.types import Probability
from models.exact.beta_binomial import ARD_THRESHOLDS
from models.report import curves, figures, tables, text
from models.report.results import MCSE_AGREEMENT, ReportResults, SamplerCheck

NOT_A_NUMBER = re.compile(r"\b(nan|inf|infinity)\b", re.IGNORECASE)



def every_string(results: ReportResults) -> list[str]:
    """Every header, cell and sentence the report prints from ``results``."""
    strings = []
    for build in REPORT_TABLES:
        frame = build(results)
        strings += [str(c) for c in frame.columns] + [str(v) for v in frame.to_numpy().ravel()]
    strings.append(tables.placebo_rate_markdown(results))
    strings += [write(results) for write in REPORT_SENTENCES]
    return strings


def assert_all_numbers_defined(results: ReportResults) -> None:
    for string in every_string(results):
        assert not NOT_A_NUMBER.search(string), string


def small_results(priors_file: Path, trial_file: Path = TRIAL_COUNTS_FILE) -> ReportResults:
    """The report's results with the small seeded sampler and a two-trial study."""
    from models.mcmc.sampling import SamplerSettings
    from models.report.results import build_results
    from models.simulation.study import run_or_load

    settings = SamplerSettings(chains=TEST_SAMPLER_CHAINS, draws=TEST_SAMPLER_DRAWS,
                               tune=TEST_SAMPLER_DRAWS, seed=20261127)
    return build_results(priors_file, settings=settings, trial_file=trial_file,
                         study=lambda config: run_or_load(
                             replace(config, replicates=2, settings=settings)))


def shipped_priors() -> dict:
    return yaml.safe_load(Path(DEFAULT_PRIORS_FILE).read_text(encoding="utf-8"))


STRONG_PRIOR = {
    "label": "Near certain",
    "description": "Beta(900, 100) on tocilizumab, Beta(100, 900) on placebo; log OR SD 0.05.",
    "beta_binomial": {"treatment": {"alpha": 900.0, "beta": 100.0},
                      "control": {"alpha": 100.0, "beta": 900.0}},
    "logistic": {"intercept": {"mean": -2.2, "sd": 0.05}, "treatment": {"mean": 3.0, "sd": 0.05},
                 "biomarker": {"mean": 0.0, "sd": 1.0}, "interaction": {"mean": 0.0, "sd": 0.4}},
}


@pytest.fixture(scope="module")
def strong_results(tmp_path_factory) -> ReportResults:
    data = shipped_priors()
    data["priors"] = {"certain": STRONG_PRIOR, "skeptical": data["priors"]["skeptical"]}
    path = tmp_path_factory.mktemp("strong") / "strong.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return small_results(path)


def test_strong_priors_render_with_the_zero_mcse_in_words(strong_results):
    assert_all_numbers_defined(strong_results)
    certain = [c for c in strong_results.checks if c.prior == "certain"]
    assert certain and all(c.mcmc.mcse == 0 and c.mcmc.estimate == 1.0 for c in certain)
    assert all(c.difference_in_mcse is None and c.agrees for c in certain)
    table = tables.exact_vs_mcmc(strong_results)
    rows = table[table["Prior"] == "Near certain"]
    assert (rows["MCSE"] == fmt.ALL_DRAWS_AGREE).all()
    assert rows["Difference in MCSE units"].str.startswith("none: MCSE is 0").all()
    assert "every draw fell on the same side" in text.exact_vs_mcmc_verdict(strong_results)


def trial_file(tmp_path: Path, remission: tuple[int, int, int, int],
               response: tuple[int, int, int, int]) -> Path:
    data = yaml.safe_load(TRIAL_COUNTS_FILE.read_text(encoding="utf-8"))
    data["trial"]["ipd"]["path"] = str(SIMULATED_IPD_FILE)  # the copy is in another folder
    for name, (te, tn, ce, cn) in (("remission", remission), ("response", response)):
        data["outcomes"][name]["treatment"] = {"events": te, "n": tn}
        data["outcomes"][name]["control"] = {"events": ce, "n": cn}
    path = tmp_path / "trial.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def separated_results(tmp_path_factory) -> ReportResults:
    """0/n and n/n in either arm: remission 13/13 vs 0/16, response 0/13 vs 16/16."""
    path = trial_file(tmp_path_factory.mktemp("separated"), (13, 13, 0, 16), (0, 13, 16, 16))
    return small_results(DEFAULT_PRIORS_FILE, path)


def test_counts_of_none_and_all_render(separated_results):
    assert_all_numbers_defined(separated_results)
    counts = tables.counts(separated_results)
    # Wald odds ratio with a zero cell: infinite or zero, with an undefined interval.
    assert counts["Odds ratio (95% CI)"].str.contains(
        f"{fmt.UNBOUNDED}|{fmt.UNDEFINED}|0.00").all()


def test_sampler_check_without_monte_carlo_error_uses_the_binomial_se():
    draws = 8000
    close = SamplerCheck("m", "p", "o", 1 - 1e-6, Probability(1.0, 0.0), draws)
    far = SamplerCheck("m", "p", "o", 0.99, Probability(1.0, 0.0), draws)
    assert close.difference_in_mcse is None and close.agrees
    assert abs(1.0 - far.exact) > MCSE_AGREEMENT * math.sqrt(0.99 * 0.01 / draws)
    assert not far.agrees
    unknown = SamplerCheck("m", "p", "o", 0.5, Probability(0.5, math.nan), draws)
    assert unknown.difference_in_mcse is None and unknown.agrees
    normal = SamplerCheck("m", "p", "o", 0.5, Probability(0.51, 0.005), draws)
    assert normal.difference_in_mcse == pytest.approx(2.0) and normal.agrees


def test_undefined_numbers_are_words():
    assert fmt.prob(math.nan) == "undefined"
    assert fmt.number(math.inf, ".2f") == "unbounded"
    assert fmt.number(-math.inf, ".2f") == "-unbounded"
    assert fmt.percent(math.nan) == "undefined"
    assert fmt.prob_mcse(Probability(1.0, 0.0)) == "1.000 (all draws agree: no Monte Carlo error)"
    assert fmt.prob_mcse(Probability(0.5, math.nan)) == "0.500 (Monte Carlo SE not available)"
    assert fmt.prob_mcse(Probability(0.883, 0.004)) == "0.883 ± 0.004"


TWELVE = 12


def twelve_priors(results: ReportResults) -> ReportResults:
    """The shipped results with twelve named priors: each of the shipped three's fits
    repeated under new names (the report layer only reads fits by key)."""
    shipped = list(results.prior_set.priors.values())
    source = {f"prior_{i + 1:02d}": shipped[i % len(shipped)] for i in range(TWELVE)}
    priors = {name: replace(p, name=name, label=f"Prior number {i + 1}")
              for i, (name, p) in enumerate(source.items())}

    def by_key(fits: dict) -> dict:
        return {(name, outcome): fits[(p.name, outcome)]
                for name, p in source.items() for outcome in results.trial.outcomes}

    named = results.sensitivity.named.set_index("prior")
    named_rows = [named.loc[[p.name]].assign(prior=name, label=priors[name].label)
                  for name, p in source.items() if p.name in named.index]  # not robust
    return replace(
        results, prior_set=replace(results.prior_set, priors=priors),
        logistic=by_key(results.logistic), exact=by_key(results.exact),
        mcmc=by_key(results.mcmc),
        aggregate=by_key(results.aggregate), interaction=by_key(results.interaction),
        truth_tables=by_key(results.truth_tables),
        implied={name: results.implied[p.name] for name, p in source.items()},
        missing=[replace(s, prior=name) for name, p in source.items()
                 for s in results.missing if s.prior == p.name],
        psense={(name, model): table for name, p in source.items()
                for (prior, model), table in results.psense.items() if prior == p.name},
        sensitivity=replace(results.sensitivity,
                            named=pd.concat(named_rows).reset_index(drop=True),
                            intercept_prior_name=next(
                                name for name, p in source.items()
                                if p.name == results.sensitivity.intercept_prior_name)),
    )


@pytest.fixture(scope="module")
def twelve(report_results) -> ReportResults:
    return twelve_priors(report_results)


def test_twelve_priors_fill_every_table(twelve):
    assert_all_numbers_defined(twelve)
    for build in (tables.summary, tables.priors, tables.prior_parameters):
        assert len(build(twelve)) == TWELVE
    for build in (tables.primary, tables.beta_binomial, tables.interaction):
        assert len(build(twelve)) == TWELVE * len(twelve.trial.outcomes)
    assert len(tables.truth(twelve).columns) == 3 + TWELVE


def test_twelve_priors_keep_distinct_colours_and_the_shipped_ones_theirs(twelve):
    colors = figures.prior_colors(twelve.prior_set)
    assert len(set(colors.values())) == TWELVE
    shipped = figures.colors_by_name(["reference", "skeptical", "enthusiastic", "mine"])
    assert shipped == {"reference": "#4d4d4d", "skeptical": "#1f77b4",
                       "enthusiastic": "#d95f02", "mine": figures.EXTRA_COLORS[0]}
    mixed = figures.colors_by_name(["skeptical"] + [f"p{i}" for i in range(TWELVE - 1)])
    assert len(set(mixed.values())) == TWELVE


@pytest.mark.parametrize("draw", ["benefit_curves", "crp_benefit",
                                  "sensitivity_map"])
def test_twelve_priors_figures_show_every_prior_once(twelve, tmp_path, draw):
    r = twelve
    fig = {
        "benefit_curves": lambda: figures.benefit_curves(
            curves.benefit_curves(r.trial, r.prior_set, ARD_THRESHOLDS,
                                 r.logistic_posteriors)),
        "crp_benefit": lambda: figures.crp_benefit(curves.crp_benefit(
            r.interaction, r.prior_set, r.trial, r.crp_observed, 0.9)),
        "sensitivity_map": lambda: figures.sensitivity_map(
            curves.sensitivity_map(r.sensitivity, r.prior_set, r.trial)),
    }[draw]()
    try:
        legend = fig.axes[0].get_legend()
        labels = [t.get_text() for t in legend.get_texts()]
        # The map draws each prior with one normal log-OR prior as a point; robust priors
        # (mixtures) are not points of it.
        drawn = [prior.label for prior in r.prior_set.priors.values()
                 if draw != "sensitivity_map" or prior.robust is None]
        assert drawn == [label for label in labels if label.startswith("Prior number")]
        assert legend._ncols >= 2
        fig.savefig(tmp_path / "figure.png")
    finally:
        plt.close(fig)


def test_twelve_priors_assurance_figure_names_every_prior_once(twelve, tmp_path):
    fig = figures.assurance_curves(twelve.planning)
    try:
        labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
        assert [f"Prior number {i + 1}" for i in range(TWELVE)] == \
            [label for label in labels if label.startswith("Prior number")]
        for ax in fig.axes:  # one solid curve and one dotted ceiling per prior, per panel
            assert len([line for line in ax.get_lines() if line.get_linestyle() == "-"
                        and line.get_linewidth() == 2]) == TWELVE
        fig.savefig(tmp_path / "figure.png")
    finally:
        plt.close(fig)


def test_twelve_priors_panels_keep_a_readable_width(twelve, tmp_path):
    r = twelve
    triplot = figures.prior_data_posterior(curves.prior_data_posterior(r.trial, r.prior_set))
    effects = figures.crp_effects(curves.crp_effects(r.interaction, r.prior_set, "remission",
                                                     r.crp_observed))
    try:
        expected = [f"Prior number {i + 1}" for i in range(TWELVE)]
        assert [ax.get_ylabel() for ax in triplot.axes if ax.get_ylabel()] == expected
        assert [ax.get_title() for ax in effects.axes
                if ax.get_visible() and ax.get_title()] == expected
        for fig in (triplot, effects):
            assert fig.get_size_inches()[0] <= 3.2 * figures.PRIOR_COLUMNS + 1
            fig.savefig(tmp_path / "figure.png")
    finally:
        plt.close(triplot)
        plt.close(effects)


@pytest.mark.parametrize(("value", "printed"), [
    (3.456, "3.46"), (0.0123, "0.01"), (9999.0, "9999.00"), (8.097e31, "8.1e+31"),
    (1.2e-5, "1.2e-05"), (0.0, "0.00"), (math.inf, "unbounded"), (math.nan, "undefined"),
])
def test_ratios_far_from_one_print_in_scientific_notation(value, printed):
    assert fmt.ratio(value) == printed
