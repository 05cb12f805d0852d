"""The benchmark harness produces the documented structure and JSON (no timing asserted).

Only the cheap benchmarks run here (exact fits and a small sensitivity grid, tiny repeat
counts); rendering and sampling are exercised by ``make bench`` itself.
"""

import json
import math
from pathlib import Path

import pytest

from benchmarks import run as bench

ROW_FIELDS = {"benchmark", "what", "value", "unit", "target", "verdict"}


@pytest.fixture(scope="module")
def cheap_results(trial, prior_set) -> list[bench.BenchResult]:
    return [bench.bench_exact(trial, prior_set, repeats=2),
            bench.bench_sensitivity(trial, prior_set, repeats=1, size=8)]


def test_exact_benchmark_covers_every_prior_and_outcome(cheap_results, trial, prior_set):
    exact = cheap_results[0]
    combos = {(c["prior"], c["outcome"]) for c in exact.details["combos"]}
    assert combos == {(p, o) for p in prior_set.names for o in trial.outcomes}
    for combo in exact.details["combos"]:
        assert combo["exact_fit_ms"] > 0 and combo["probabilities_ms"] > 0
        assert 0 < combo["p_benefit_exact"] < 1
    assert [r.benchmark for r in exact.rows][-1] == "5 foundation"


def test_sensitivity_benchmark_reports_each_outcome(cheap_results, trial):
    sensitivity = cheap_results[1]
    assert sensitivity.details["shape"] == [8, 8]
    assert set(sensitivity.details["outcomes"]) == set(trial.outcomes)
    assert all(row.verdict in {"pass", "MISS"} for row in sensitivity.rows)


def test_json_document_round_trips(cheap_results, tmp_path: Path):
    document = bench.payload(cheap_results, bench.QUICK, quick=True)
    path = bench.write_json(document, tmp_path / "out" / "benchmarks.json")
    loaded = json.loads(path.read_text(encoding="utf-8"))
    assert loaded["schema"] == bench.SCHEMA_VERSION
    machine = loaded["machine"]
    assert machine["nproc"] >= 1 and machine["python"] and machine["date"]
    assert {"pymc", "nutpie", "numpy"} <= set(machine["packages"])
    assert set(loaded["results"]) == {"exact", "sensitivity"}
    assert loaded["repeats"]["render"] == 1 and loaded["quick"] is True
    assert loaded["table"] and all(set(row) == ROW_FIELDS for row in loaded["table"])
    assert all(math.isfinite(row["value"]) for row in loaded["table"])


def test_table_lists_every_row(cheap_results):
    rows = [row for result in cheap_results for row in result.rows]
    text = bench.format_table(rows)
    lines = text.splitlines()
    assert lines[0].split() == ["benchmark", "what", "value", "target", "verdict"]
    assert len(lines) == len(rows) + 2


def test_grid_priors_vary_only_the_treatment_prior(prior_set):
    base = prior_set.get("reference").logistic
    priors = bench.grid_priors(base)
    assert len(priors) == 10
    assert len({(p.treatment.mean, p.treatment.sd) for p in priors}) == 10
    assert all(p.intercept == base.intercept for p in priors)


def test_quick_and_repeats_options():
    assert bench.chosen_repeats(bench.parse_args(["--quick"])) == bench.QUICK
    repeats = bench.chosen_repeats(bench.parse_args(["--repeats", "4", "--only", "grid"]))
    assert (repeats.grid, repeats.render, repeats.mcmc, repeats.make_report) == (4, 4, 4, 4)
    assert repeats.exact == bench.Repeats().exact


def test_a_failing_benchmark_is_recorded_not_fatal():
    def broken() -> bench.BenchResult:
        raise RuntimeError("report raised\nsecond line")

    result = bench.run_step("render", broken)
    assert result.details["error"].startswith("RuntimeError: report raised")
    assert [row.verdict for row in result.rows] == ["ERROR"]
    assert "second line" not in result.rows[0].what
