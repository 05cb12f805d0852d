"""Simulation-based calibration: rank statistics, the uniformity test and band, the
simulated designs, the verdict, the result file, the report's text and figure, the
command line, and (slow) proof that the machinery detects a mis-specified fit."""

import dataclasses
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

from models.cli.main import main
from models.core.errors import InputError
from models.data.ipd import log_crp_moments
from models.mcmc.sampling import SamplerSettings
from models.report import sbc_view
from models.simulation import sbc, sbc_summary
from models.simulation.sbc import SbcCase
from models.simulation.sbc_files import SbcRun, read_sbc, write_sbc
from models.simulation.sbc_ranks import (
    bonferroni_level,
    ecdf_difference,
    fractional_ranks,
    rank_of,
    thinned,
    uniformity_test,
)

CHEAP = SamplerSettings(chains=2, draws=400, tune=300, seed=5)
"""Short chains for the tests that sample: enough for SBC's ranks of these small models."""


# --- rank statistics ------------------------------------------------------------------


def test_thinning_keeps_every_kth_draw_of_each_chain():
    draws = np.arange(20).reshape(2, 10)
    assert thinned(draws, 5).tolist() == [0, 5, 10, 15]
    with pytest.raises(ValueError):
        thinned(draws, 0)


def test_rank_counts_draws_below_the_truth():
    draws = np.array([0.1, 0.5, 0.9, 1.3])
    assert [rank_of(t, draws) for t in (-1.0, 0.6, 2.0)] == [0, 2, 4]


def test_fractional_ranks_are_uniform_for_uniform_ranks():
    rng = np.random.default_rng(3)
    ranks = rng.integers(0, 401, size=20_000)
    pit = fractional_ranks(ranks, 400, rng)
    assert pit.min() > 0 and pit.max() < 1
    assert abs(pit.mean() - 0.5) < 0.01 and abs(pit.var() - 1 / 12) < 0.003
    with pytest.raises(ValueError, match="0..400"):
        fractional_ranks(np.array([401]), 400, rng)


def test_uniformity_test_passes_uniform_and_rejects_a_hump():
    rng = np.random.default_rng(11)
    uniform = uniformity_test(rng.random(500))
    hump = uniformity_test(rng.beta(2, 2, 500))  # ranks in the middle: posteriors too wide
    assert uniform.p_value > 0.05
    assert hump.p_value < 1e-4
    for test in (uniform, hump):  # the statistic is the one the p-value comes from
        assert math.isclose(test.p_value, 0.5 - math.atan(test.statistic) / math.pi,
                            abs_tol=1e-12)
    assert hump.statistic > uniform.statistic


def test_band_holds_zero_and_a_skewed_curve_leaves_it():
    rng = np.random.default_rng(5)
    calibrated = ecdf_difference(rng.random(500))
    biased = ecdf_difference(rng.random(500) ** 1.6)  # ranks piled low: estimates too high
    assert calibrated.x[0] == 0 and calibrated.x[-1] == 1
    assert np.all(calibrated.lower <= 1e-12) and np.all(calibrated.upper >= -1e-12)
    assert not calibrated.outside
    assert biased.outside


def test_bonferroni_level_divides_the_family_alpha():
    assert bonferroni_level(13) == pytest.approx(0.05 / 13)
    assert bonferroni_level(0) == 0.05


# --- simulated designs ---------------------------------------------------------------


@pytest.fixture(scope="module")
def skeptical(prior_set):
    return prior_set.get("skeptical").logistic


def test_interaction_design_is_the_trials_randomised_30(skeptical):
    case = SbcCase("interaction", "skeptical", skeptical)
    data, truth = sbc.simulate_interaction(case, sbc.replicate_rng(case.seed, 0))
    assert case.design == (14, 16)
    assert int(data.treated.sum()) == 14 and data.n == 30
    assert data.crp_mg_l.min() >= 3.0  # drawn as the generating process: >= 3 mg/L
    assert abs(data.z.mean()) < 1e-12 and data.z.std(ddof=1) == pytest.approx(1.0)
    assert (data.log_crp_mean, data.log_crp_sd) == log_crp_moments(data.crp_mg_l)
    z10 = float(data.z_of(sbc.CRP_READ_OUT_MG_L))
    assert truth["log_or_at_crp"] == pytest.approx(truth["treatment"]
                                                   + truth["interaction"] * z10)
    assert set(truth) == set(case.quantities)


def test_aggregate_design_and_true_risk_difference(skeptical):
    case = SbcCase("aggregate", "skeptical", skeptical)
    counts, truth = sbc.simulate_aggregate(case, sbc.replicate_rng(case.seed, 3))
    assert (counts.treatment.n, counts.control.n) == (13, 16)
    expit = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    assert truth["ard"] == pytest.approx(expit(truth["intercept"] + truth["treatment"])
                                         - expit(truth["intercept"]))


def test_replicate_data_do_not_depend_on_the_run_length():
    first = sbc.replicate_rng(7, 4).random(3)
    assert np.array_equal(first, sbc.replicate_rng(7, 4).random(3))
    assert not np.array_equal(first, sbc.replicate_rng(7, 5).random(3))


def test_coefficients_are_drawn_from_the_prior(skeptical):
    rng = np.random.default_rng(1)
    draws = [sbc.draw_coefficients(skeptical, ("treatment",), rng)["treatment"]
             for _ in range(20_000)]
    assert np.mean(draws) == pytest.approx(skeptical.treatment.mean, abs=0.02)
    assert np.std(draws) == pytest.approx(skeptical.treatment.sd, rel=0.02)


def test_max_rank_is_the_number_of_kept_draws(skeptical):
    assert SbcCase("aggregate", "s", skeptical).max_rank == 4 * 2000 // 20
    assert SbcCase("aggregate", "s", skeptical, settings=CHEAP, thin=3).max_rank == 2 * 134


# --- summary and verdict (synthetic ranks: no sampler) --------------------------------


def _rows(case: SbcCase, ranks_by_quantity: dict[str, np.ndarray], divergent: int = 0):
    count = len(next(iter(ranks_by_quantity.values())))
    return [{"ranks": {name: int(ranks[i]) for name, ranks in ranks_by_quantity.items()},
             "divergences": int(i < divergent), "passes_diagnostics": i >= divergent}
            for i in range(count)]


def _synthetic(skeptical, biased: str | None = None, divergent: int = 0):
    case = SbcCase("aggregate", "skeptical", skeptical)
    rng = np.random.default_rng(2)
    ranks = {name: rng.integers(0, case.max_rank + 1, 500) for name in case.quantities}
    if biased:
        ranks[biased] = np.minimum(rng.integers(0, case.max_rank + 1, 500),
                                   rng.integers(0, case.max_rank + 1, 500))
    return sbc_summary.summarise_case(case, _rows(case, ranks, divergent))


def test_uniform_ranks_are_called_calibrated(skeptical):
    case = _synthetic(skeptical, divergent=3)
    result = sbc_summary.verdict([case])
    assert result.calibrated and result.tests == 3
    assert case.replicates == 500 and case.fits_with_divergences == 3
    assert case.fits_failing_diagnostics == 3
    assert case.prior_parameters["treatment"] == {"mean": skeptical.treatment.mean,
                                                  "sd": skeptical.treatment.sd}


def test_piled_up_ranks_fail_and_are_named(skeptical):
    case = _synthetic(skeptical, biased="treatment")
    result = sbc_summary.verdict([case])
    assert not result.calibrated
    assert [q.name for _, q in result.failures] == ["treatment"]


def test_the_figure_shows_the_values_that_were_tested(skeptical):
    case = _synthetic(skeptical)
    for index, quantity in enumerate(case.quantities):
        assert uniformity_test(sbc_summary.pit_values(case, index)).p_value == \
            pytest.approx(quantity.p_value, abs=0)


# --- the file ----------------------------------------------------------------------------


def _run(*cases, code: str | None = None) -> SbcRun:
    return SbcRun(cases=tuple(cases), created_utc="2026-11-29T08:00:00+00:00",
                  run_seconds=512.3, git_commit="0123456789abcdef",
                  code_sha256=code or sbc.sbc_code_fingerprint(),
                  package_versions={"pymc": "6"}, priors_file="data/priors.yml",
                  priors_sha256="ab" * 32)


def test_file_round_trip(tmp_path, skeptical):
    run = _run(_synthetic(skeptical), _synthetic(skeptical, biased="ard"))
    path = tmp_path / "sbc.json"
    document = write_sbc(path, run)
    assert document["calibrated"] is False and document["test"]["tests"] == 6
    flags = [q["calibrated"] for case in document["cases"] for q in case["quantities"]]
    assert flags == [True, True, True, True, True, False]
    back = read_sbc(path)
    assert back == run
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # a user's file, not a private temp


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d.pop("cases"), "sbc.json.cases"),
    (lambda d: d["cases"][0]["quantities"][1]["ranks"].append(10_000), "quantities[1].ranks"),
    (lambda d: d["cases"][0].update(max_rank="400"), "cases[0].max_rank"),
    (lambda d: d["cases"][0]["quantities"][0].update(p_value=1.5), "quantities[0].p_value"),
    (lambda d: d.update(version=99), ".version"),
    (lambda d: d.update(format="other"), ".format"),
    (lambda d: d.pop("code_sha256"), "sbc.json.code_sha256"),
])
def test_a_damaged_file_is_refused_by_field(tmp_path, skeptical, edit, field):
    path = tmp_path / "sbc.json"
    document = write_sbc(path, _run(_synthetic(skeptical)))
    edit(document)
    path.write_text(json.dumps(document))
    with pytest.raises(InputError, match=field.replace("[", r"\[").replace("]", r"\]")):
        read_sbc(path)


# --- the report's text and figure --------------------------------------------------------


def test_absent_results_say_how_to_produce_them(tmp_path, prior_set):
    results = sbc_view.load_sbc(tmp_path / "sbc.json")
    text = sbc_view.sbc_reading(results, prior_set)
    assert results.run is None and "`make sbc`" in text and "not been run" in text


def test_unreadable_results_are_reported_not_raised(tmp_path, prior_set):
    path = tmp_path / "sbc.json"
    path.write_text("{not json")
    results = sbc_view.load_sbc(path)
    assert results.run is None and results.problem
    assert "could not be read" in sbc_view.sbc_reading(results, prior_set)


def test_reading_of_a_calibrated_run(tmp_path, prior_set, skeptical):
    path = tmp_path / "sbc.json"
    write_sbc(path, _run(_synthetic(skeptical)))
    text = sbc_view.sbc_reading(sbc_view.load_sbc(path), prior_set)
    assert "consistent with uniform" in text and "failed" not in text
    assert "**Aggregate logistic model, Skeptical prior**" in text
    assert "500 replicates" in text and "3 tests" in text
    assert "differs from today" not in text


def test_a_failed_calibration_is_stated_plainly(tmp_path, prior_set, skeptical):
    path = tmp_path / "sbc.json"
    write_sbc(path, _run(_synthetic(skeptical, biased="treatment")))
    text = sbc_view.sbc_reading(sbc_view.load_sbc(path), prior_set)
    assert text.startswith("**Calibration failed** for 1 of 3")
    assert "**calibration failed**: the ranks are not uniform for Treatment log OR" in text


def test_results_for_another_prior_are_called_stale(tmp_path, prior_set, skeptical):
    changed = dataclasses.replace(skeptical, treatment=dataclasses.replace(
        skeptical.treatment, sd=0.9))
    case = dataclasses.replace(_synthetic(skeptical), prior_parameters={
        term: dataclasses.asdict(getattr(changed, term)) for term in ("intercept", "treatment")})
    path = tmp_path / "sbc.json"
    write_sbc(path, _run(case))
    text = sbc_view.sbc_reading(sbc_view.load_sbc(path), prior_set)
    assert "differs from today's priors file: run `make sbc` again" in text


def test_results_from_other_model_code_are_called_out_of_date(tmp_path, prior_set,
                                                              skeptical):
    path = tmp_path / "sbc.json"
    write_sbc(path, _run(_synthetic(skeptical)))
    today = sbc_view.sbc_reading(sbc_view.load_sbc(path), prior_set)
    write_sbc(path, _run(_synthetic(skeptical), code="0" * 64))
    older = sbc_view.sbc_reading(sbc_view.load_sbc(path), prior_set)
    assert "out of date" not in today
    assert "**These results are out of date:** the code of the sampled models" in older


def test_prior_names_from_files_are_text(tmp_path, skeptical):
    case = dataclasses.replace(_synthetic(skeptical), prior_name="<script>x</script>*$a$*")
    path = tmp_path / "sbc.json"
    write_sbc(path, _run(case))
    run = sbc_view.load_sbc(path)
    text = sbc_view.sbc_reading(run, None)
    assert "<script>" not in text and r"\<script\>" in text
    assert run.run is not None
    figure = sbc_view.sbc_figure(run.run)
    from matplotlib.text import Text

    texts = [t.get_text() for t in figure.findobj(Text)]
    assert any("<script>x</script>*$a$*" in t for t in texts)  # drawn literally


def test_figure_has_a_panel_per_quantity_and_marks_failures(skeptical):
    run = _run(_synthetic(skeptical), _synthetic(skeptical, biased="ard"))
    figure = sbc_view.sbc_figure(run)
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert len(visible) == 6
    marks = [t.get_text() for ax in visible for t in ax.texts if "NOT UNIFORM" in t.get_text()]
    assert len(marks) == 1 and visible[5].get_title() == "Risk difference"


# --- command line -------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    (["--replicates", "5"], "--replicates must be a whole number from 20"),
    (["--replicates", "many"], "--replicates must be a whole number"),
    (["--prior", "nope"], "--prior 'nope' is not a prior"),
    (["--prior", "skeptical_robust"], "robust (mixture) prior"),
    (["--model", "beta"], "invalid choice"),
    (["--out", "/no/such/folder/sbc.json"], "--out must be in an existing folder"),
])
def test_bad_arguments_exit_2_with_one_line(capsys, argv, message):
    assert main(["sbc", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_make_sbc_runs_the_verb():
    import subprocess

    dry = subprocess.run(["make", "-n", "sbc"], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], check=True).stdout
    assert "-m models sbc --priors" in dry


def test_replicates_are_cached_and_resumed(monkeypatch, skeptical):
    calls: list[int] = []

    def fake(case, replicate):
        calls.append(replicate)
        return {"replicate": replicate, "ranks": {q: replicate for q in case.quantities}}

    monkeypatch.setattr(sbc, "run_replicate", fake)
    monkeypatch.setenv("REANALYSIS_WORKERS", "1")
    case = SbcCase("aggregate", "skeptical", skeptical, replicates=4, seed=99)
    first = sbc.run_case(case)
    assert calls == [0, 1, 2, 3]
    more = sbc.run_case(dataclasses.replace(case, replicates=6))  # re-uses the first four
    assert calls == [0, 1, 2, 3, 4, 5] and more[:4] == first


# --- the machinery can fail (slow: it samples) ---------------------------------------


def _variance_for_sd(prior):
    """The prior with each SD replaced by its square: the classic bug of passing a
    variance where the sampler wants an SD (narrower for SD < 1, wider above)."""
    return dataclasses.replace(prior, **{
        term: dataclasses.replace(getattr(prior, term), sd=getattr(prior, term).sd ** 2)
        for term in ("intercept", "treatment", "biomarker", "interaction")})


@pytest.mark.slow
def test_a_mis_specified_fit_is_detected_and_a_correct_one_is_not(skeptical):
    """100 replicates of the aggregate model simulated from the skeptical prior: the sampler
    given the variances as SDs (priors narrower than those simulated from) must fail the
    run's verdict; the same replicates with the right priors must pass it."""
    right = SbcCase("aggregate", "skeptical", skeptical, replicates=100, settings=CHEAP,
                    thin=4)
    wrong = dataclasses.replace(right, fit_prior=_variance_for_sd(skeptical))
    calibrated = sbc_summary.verdict([sbc_summary.summarise_case(right, sbc.run_case(right))])
    mis_specified = sbc_summary.summarise_case(wrong, sbc.run_case(wrong))
    detected = sbc_summary.verdict([mis_specified])
    assert calibrated.calibrated
    assert not detected.calibrated
    assert min(q.p_value for q in mis_specified.quantities) < 1e-4


@pytest.mark.slow
def test_interaction_replicates_do_not_depend_on_the_workers(monkeypatch, skeptical):
    case = SbcCase("interaction", "skeptical", skeptical, replicates=4, settings=CHEAP, thin=4)
    monkeypatch.setenv("REANALYSIS_NO_CACHE", "1")
    monkeypatch.setenv("REANALYSIS_WORKERS", "1")
    one = sbc.run_case(case)
    monkeypatch.setenv("REANALYSIS_WORKERS", "2")
    two = sbc.run_case(case)
    assert one == two
    assert all(0 <= r <= case.max_rank for row in one for r in row["ranks"].values())
    assert set(one[0]["ranks"]) == set(case.quantities)


def test_the_figure_is_hidden_when_there_is_no_run(tmp_path, skeptical):
    path = tmp_path / "sbc.json"
    assert sbc_view.sbc_metadata(path) == {"no-sbc": True}
    path.write_text("{damaged")
    assert sbc_view.sbc_metadata(path) == {"no-sbc": True}
    write_sbc(path, _run(_synthetic(skeptical)))
    assert sbc_view.sbc_metadata(path) == {"no-sbc": False}
    assert sbc_view.sbc_figure_if_run(sbc_view.load_sbc(tmp_path / "none.json")) is None


def test_a_trial_without_individual_data_shows_only_its_own_models(tmp_path, prior_set,
                                                                   skeptical):
    interaction = dataclasses.replace(_synthetic(skeptical), model="interaction")
    path = tmp_path / "sbc.json"
    write_sbc(path, _run(interaction, _synthetic(skeptical)))
    results = sbc_view.load_sbc(path)
    assert results.run is not None
    without = sbc_view.sbc_reading(results, prior_set, has_ipd=False)
    assert "Interaction model" not in without and "hs-CRP" not in without
    assert "simulated data" not in without.lower()  # another trial's report: no such part
    assert "**Aggregate logistic model, Skeptical prior**" in without
    assert "Interaction model" in sbc_view.sbc_reading(results, prior_set, has_ipd=True)
    figure = sbc_view.sbc_figure(results.run, has_ipd=False)
    assert len([ax for ax in figure.axes if ax.get_visible()]) == 3
