"""The benchmark harness produces the documented structure and JSON (no timing asserted).

Only the cheap benchmarks run here (exact fits and a small sensitivity grid, tiny repeat
counts); rendering and sampling are exercised by ``make bench`` itself. Derived numbers
(medians, ratios, MCSE gaps) are checked on made-up times, against arithmetic done here.
"""

import json
import math
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import run
from benchmarks.cold_warm import cold_warm_details, report_dependencies, report_modules
from benchmarks.common import QUICK, BenchResult, Repeats
from benchmarks.exact import bench_exact, probabilities_only
from benchmarks.grid import GRID_TREATMENT_PRIORS, grid_details, grid_priors
from benchmarks.output import SCHEMA_VERSION, format_table, payload, write_json
from benchmarks.sensitivity import bench_sensitivity
from models.exact.beta_binomial import ARD_THRESHOLDS, fit_exact
from models.report.render.kernel import KERNEL_NAME

ROW_FIELDS = {"benchmark", "what", "value", "unit", "target", "verdict"}


@pytest.fixture(scope="module")
def cheap_results(trial, prior_set) -> list[BenchResult]:
    return [bench_exact(trial, prior_set, repeats=2),
            bench_sensitivity(trial, prior_set, repeats=3, size=8)]


def test_exact_benchmark_covers_every_prior_and_outcome(cheap_results, trial, prior_set):
    exact = cheap_results[0]
    combos = {(c["prior"], c["outcome"]) for c in exact.details["combos"]}
    assert combos == {(p, o) for p in prior_set.names for o in trial.outcomes}
    for combo in exact.details["combos"]:
        fit = fit_exact(prior_set.get(combo["prior"]).beta_binomial,
                        trial.outcome(combo["outcome"]))
        assert combo["p_benefit_exact"] == fit.summary.p_benefit.estimate
    slowest = max(c["exact_fit_ms"] for c in exact.details["combos"])
    assert exact.details["slowest_exact_fit_ms"] == slowest
    assert [(r.benchmark, r.value) for r in exact.rows][-1] == ("3 exact vs MCMC", slowest)


def test_probabilities_alone_are_those_of_the_exact_fit(trial, prior_set):
    # What "probabilities alone" times is the probability part of fit_exact, nothing less.
    fit = fit_exact(prior_set.get("skeptical").beta_binomial, trial.outcome("response"))
    expected = [fit.summary.p_benefit.estimate] + [
        fit.summary.p_benefit_greater[d].estimate for d in ARD_THRESHOLDS]
    assert probabilities_only(fit.posterior) == pytest.approx(expected, abs=1e-12)


def test_sensitivity_benchmark_reports_the_median_of_its_repeats(cheap_results, trial):
    sensitivity = cheap_results[1]
    assert sensitivity.details["shape"] == [8, 8]
    assert set(sensitivity.details["outcomes"]) == set(trial.outcomes)
    for outcome, measured in sensitivity.details["outcomes"].items():
        assert len(measured["times"]) == 3
        assert measured["seconds"] == statistics.median(measured["times"])
        row = next(r for r in sensitivity.rows if r.what.endswith(outcome))
        assert row.value == measured["seconds"]
        assert row.verdict == ("pass" if measured["seconds"] < 5.0 else "MISS")


def test_grid_ratios_come_from_the_median_times(prior_set):
    priors = grid_priors(prior_set.get("reference").logistic)
    compiled, naive, compile_ = [2.0, 4.0, 3.0], [30.0, 24.0, 60.0], [5.0, 7.0, 6.0]
    p_compiled = [(0.70, 0.003)] * 9 + [(0.70, 0.003)]
    p_naive = [(0.70, 0.004)] * 9 + [(0.71, 0.004)]
    details = grid_details(priors, compiled, naive, compile_, p_compiled, p_naive)
    assert details["compiled_grid_s"] == 3.0 and details["naive_grid_s"] == 30.0
    assert details["ratio_compile_excluded"] == pytest.approx(10.0)
    assert details["ratio_compile_included_once"] == pytest.approx(30.0 / 9.0)
    assert details["naive_per_prior_s"] == pytest.approx(3.0)
    # |0.70 - 0.71| / sqrt(0.003^2 + 0.004^2) = 0.01 / 0.005
    assert details["max_p_benefit_gap_in_mcse"] == pytest.approx(2.0)


def test_cold_warm_ratio_comes_from_the_median_times():
    details = cold_warm_details([50.0, 70.0, 60.0], [10.0, 30.0, 20.0])
    assert (details["cold_s"], details["warm_s"], details["ratio"]) == (60.0, 20.0, 3.0)
    assert details["repeats"] == 3


def test_report_dependencies_include_what_importing_loads(tmp_path):
    # The static scan must find at least every project module a real import loads.
    report = tmp_path / "report.qmd"
    report.write_text(f"---\njupyter: {KERNEL_NAME}\n---\n\n"
                      "```{python}\nfrom models.mcmc.cache import cache_key\n```\n")
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, models.mcmc.cache; print('\\n'.join("
         "m for m in sys.modules if m.startswith('models.') and "
         "not sys.modules[m].__file__.endswith('__init__.py')))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert report_modules(report) == ["models.mcmc.cache"]
    found = report_dependencies(report)
    assert "models.core.paths" in loaded
    assert set(loaded) <= found


def test_json_document_round_trips(cheap_results, tmp_path: Path):
    document = payload(cheap_results, QUICK, quick=True)
    path = write_json(document, tmp_path / "out" / "benchmarks.json")
    assert [p.name for p in path.parent.iterdir()] == ["benchmarks.json"]
    loaded = json.loads(path.read_text(encoding="utf-8"))
    assert loaded["schema"] == SCHEMA_VERSION
    machine = loaded["machine"]
    assert machine["nproc"] >= 1 and machine["python"] and machine["date"]
    assert {"pymc", "nutpie", "numpy"} <= set(machine["packages"])
    assert set(loaded["results"]) == {"exact", "sensitivity"}
    assert loaded["repeats"]["render"] == 1 and loaded["quick"] is True
    assert loaded["table"] and all(set(row) == ROW_FIELDS for row in loaded["table"])
    assert all(math.isfinite(row["value"]) for row in loaded["table"])
    # Rows are grouped by benchmark number: 3 (exact) and 4 (sensitivity), then 5.
    numbers = [row["benchmark"].split()[0] for row in loaded["table"]]
    assert numbers == sorted(numbers)


def test_table_lists_every_row(cheap_results):
    rows = [row for result in cheap_results for row in result.rows]
    text = format_table(rows)
    lines = text.splitlines()
    assert lines[0].split() == ["benchmark", "what", "value", "target", "verdict"]
    assert len(lines) == len(rows) + 2
    row = (r"^3 exact vs MCMC +one exact fit, all summaries \(slowest prior x outcome\)"
           r" +\d+\.\d\d ms +< 1 ms +(pass|MISS)$")
    assert re.search(row, text, re.MULTILINE), text


def test_grid_priors_vary_only_the_treatment_prior(prior_set):
    base = prior_set.get("reference").logistic
    priors = grid_priors(base)
    assert [(p.treatment.mean, p.treatment.sd) for p in priors] == list(GRID_TREATMENT_PRIORS)
    assert all(p.intercept == base.intercept for p in priors)


def test_quick_and_repeats_options():
    assert run.chosen_repeats(run.parse_args(["--quick"])) == QUICK
    repeats = run.chosen_repeats(run.parse_args(["--repeats", "4", "--only", "grid"]))
    assert (repeats.grid, repeats.render, repeats.mcmc, repeats.make_report) == (4, 4, 4, 4)
    assert repeats.exact == Repeats().exact


def test_repeats_must_be_positive(capsys):
    with pytest.raises(SystemExit):
        run.parse_args(["--repeats", "0"])
    assert "--repeats must be >= 1" in capsys.readouterr().err


def test_a_failing_benchmark_is_recorded_not_fatal():
    def broken() -> BenchResult:
        raise RuntimeError("report raised\nsecond line")

    result = run.run_step("render", broken)
    assert result.details["error"].startswith("RuntimeError: report raised")
    assert [row.verdict for row in result.rows] == ["ERROR"]
    assert "second line" not in result.rows[0].what


def test_assurance_benchmark_times_the_report_figure_and_one_large_trial(trial, prior_set):
    from benchmarks.assurance import SINGLE_N, bench_assurance
    from models.exact.assurance import assurance
    from models.exact.beta_binomial import posterior
    from models.exact.success_rule import SuccessRule

    result = bench_assurance(trial, prior_set, repeats=1)
    first = trial.outcome(next(iter(trial.outcomes)))
    arms = posterior(prior_set.get("reference").beta_binomial, first)
    assert result.details["assurance"] == assurance(SuccessRule.per_arm(SINGLE_N), arms)
    assert result.details["outcomes_enumerated"] == (SINGLE_N + 1) ** 2
    assert [row.target for row in result.rows] == ["< 0.5 s", "< 5 s"]
    assert all(row.verdict in {"pass", "MISS"} for row in result.rows)
    assert result.details["single_s"] == result.details["single_times"][0]


def test_startup_benchmark_times_the_fit_command():
    from benchmarks.startup import FIT_ARGUMENTS, STARTUP_TARGET_S, bench_startup

    result = bench_startup(repeats=2)
    (row,) = result.rows
    assert len(result.details["times"]) == 2
    assert row.value == statistics.median(result.details["times"]) > 0
    assert row.target == f"< {STARTUP_TARGET_S:g} s" and row.verdict in {"pass", "MISS"}
    assert result.details["command"].endswith(" ".join(FIT_ARGUMENTS))


@pytest.mark.slow
def test_bambi_is_given_the_same_priors(prior_set):
    from benchmarks.bambi import BAMBI_TERMS, bambi_priors

    for name in prior_set.names:
        prior = prior_set.get(name)
        priors = bambi_priors(prior)
        assert set(priors) == set(BAMBI_TERMS.values())
        intercept = priors["Intercept"]
        assert intercept.name == "Normal"
        assert intercept.args == {"mu": prior.logistic.intercept.mean,
                                  "sigma": prior.logistic.intercept.sd}
        treatment = priors["treated"]
        if prior.robust is None:
            assert treatment.args == {"mu": prior.logistic.treatment.mean,
                                      "sigma": prior.logistic.treatment.sd}
        else:
            mixture = prior.log_odds_ratio_mixture
            assert treatment.name == "NormalMixture"
            assert list(treatment.args["w"]) == list(mixture.weights)
            assert list(treatment.args["sigma"]) == [c.sd for c in mixture.components]


@pytest.mark.slow
def test_explorer_benchmark_times_every_preset_and_outcome(trial, prior_set):
    from benchmarks.explorer import bench_explorer

    result = bench_explorer(trial, prior_set, repeats=1)
    presets = [n for n, p in prior_set.priors.items() if not p.has_mixtures]
    assert set(result.details["times_ms"]) == {f"{n}/{o}" for n in presets
                                                for o in trial.outcomes}
    every = [t for times in result.details["times_ms"].values() for t in times]
    assert all(t > 0 for t in every)  # a real duration was recorded for every update
    assert result.details["slowest_ms"] == max(every)
    assert [row.benchmark for row in result.rows] == ["10 explorer", "10 explorer"]
