"""The simulation-study cache serves only a complete result with its own key; a truncated,
damaged or foreign file is recomputed, never served and never a crash.

The study itself is replaced by a counting stand-in (the real one samples 200 models);
``tests/test_logistic.py`` runs the real study end to end on three trials.
"""

import json

import numpy as np
import pandas as pd
import pytest

from models.core.cache_root import DIRECTORY_ENV, DISABLE_ENV
from models.core.distributions import NormalPrior
from models.core.paths import ROOT
from models.priors.prior_set import LogisticPrior
from models.simulation import study, study_cache
from models.simulation.study import StudyConfig, cache_key, replicate_columns, run_or_load

PRIOR = LogisticPrior(NormalPrior(0, 2.5), NormalPrior(0, 2.5), NormalPrior(0, 1),
                      NormalPrior(0, 1))
CONFIG = StudyConfig(prior=PRIOR, replicates=4)


def fake_replicates(config: StudyConfig, value: float) -> pd.DataFrame:
    """A per-trial table of the right shape whose numbers identify the run."""
    rng = np.random.default_rng(int(value))
    table = pd.DataFrame({column: rng.normal(size=config.replicates) + value
                          for column in replicate_columns()})
    for column in table.columns:
        if column.endswith("_covered"):
            table[column] = table[column] > value
    table["replicate"] = range(config.replicates)
    return table


class CountingStudy:
    """Stands in for :func:`models.simulation.study.run_study`; counts its runs."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, config: StudyConfig) -> pd.DataFrame:
        self.calls += 1
        return fake_replicates(config, float(self.calls))


@pytest.fixture
def runs(monkeypatch) -> CountingStudy:
    counting = CountingStudy()
    monkeypatch.setattr(study, "run_study", counting)
    return counting


def test_second_call_is_served_from_the_cache(tmp_path, runs):
    first = run_or_load(CONFIG, tmp_path)
    again = run_or_load(CONFIG, tmp_path)
    assert runs.calls == 1 and not first.from_cache and again.from_cache
    pd.testing.assert_frame_equal(again.replicates, first.replicates)
    pd.testing.assert_frame_equal(again.summary, first.summary)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{first.key}.csv",
                                                           f"{first.key}.json"]


@pytest.mark.parametrize("damage", ["truncated csv", "empty csv", "garbage csv", "edited csv",
                                    "truncated json", "garbage json", "json not a mapping",
                                    "json without hash", "missing csv"])
def test_damaged_files_are_recomputed_not_served(tmp_path, runs, damage):
    first = run_or_load(CONFIG, tmp_path)
    csv, meta = first.csv_path, first.json_path
    text = csv.read_text()
    if damage == "truncated csv":
        csv.write_text(text[: len(text) // 2])
    elif damage == "empty csv":
        csv.write_text("")
    elif damage == "garbage csv":
        csv.write_bytes(b"\x00\xff not, a, table\n" * 5)
    elif damage == "edited csv":  # well-formed, other numbers: the hash catches it
        csv.write_text(fake_replicates(CONFIG, 99.0).to_csv(index=False))
    elif damage == "truncated json":
        meta.write_text(meta.read_text()[:40])
    elif damage == "garbage json":
        meta.write_bytes(b"\xff\xfe{{{")
    elif damage == "json not a mapping":
        meta.write_text("[1, 2, 3]")
    elif damage == "json without hash":
        payload = json.loads(meta.read_text())
        del payload[study_cache.CSV_HASH_FIELD]
        meta.write_text(json.dumps(payload))
    else:
        csv.unlink()
    result = run_or_load(CONFIG, tmp_path)
    assert runs.calls == 2 and not result.from_cache
    assert result.replicates.iloc[0, 1] != first.replicates.iloc[0, 1]  # really recomputed
    assert run_or_load(CONFIG, tmp_path).from_cache and runs.calls == 2  # and stored again


def test_foreign_pair_under_this_key_is_not_served(tmp_path, runs):
    other = StudyConfig(prior=PRIOR, replicates=4, seed=1)
    foreign = run_or_load(other, tmp_path)
    key = cache_key(CONFIG)
    for suffix in (".csv", ".json"):  # another study's files under this study's names
        (tmp_path / f"{foreign.key}{suffix}").rename(tmp_path / f"{key}{suffix}")
    result = run_or_load(CONFIG, tmp_path)
    assert runs.calls == 2 and not result.from_cache


def test_wrong_number_of_rows_is_not_served(tmp_path, runs):
    first = run_or_load(CONFIG, tmp_path)
    shorter = first.replicates.iloc[:2]
    study_cache.save(tmp_path, first.key, study_cache.CachedStudy(shorter, 1.0, 0.5, 0), {})
    assert not run_or_load(CONFIG, tmp_path).from_cache and runs.calls == 2


@pytest.mark.parametrize("change", ["config", "code", "versions"])
def test_key_covers_configuration_code_and_versions(monkeypatch, change):
    key = cache_key(CONFIG)
    config = CONFIG
    if change == "config":
        config = StudyConfig(prior=PRIOR, replicates=5)
    elif change == "code":
        monkeypatch.setattr(study, "code_fingerprint", lambda modules: "other code")
    else:
        monkeypatch.setattr(study, "package_versions", lambda: {"pymc": "99"})
    assert cache_key(config) != key


def test_disabled_cache_computes_and_writes_nothing(tmp_path, runs, monkeypatch):
    monkeypatch.setenv(DISABLE_ENV, "1")
    run_or_load(CONFIG, tmp_path)
    run_or_load(CONFIG, tmp_path)
    assert runs.calls == 2 and not list(tmp_path.iterdir())


def test_default_folder_is_under_the_redirected_root(tmp_path, runs, monkeypatch):
    monkeypatch.setenv(DIRECTORY_ENV, str(tmp_path))
    result = run_or_load(CONFIG)
    assert result.json_path == tmp_path / "simulation_study" / f"{result.key}.json"
    assert result.json_path.is_file()
    assert not (ROOT / ".cache" / "simulation_study" / f"{result.key}.json").exists()


def test_fits_with_problems_counts_every_failed_check_and_undefined_values():
    from models.simulation.study import fits_with_problems

    good = {"diag_rhat_max": 1.001, "diag_ess_bulk_min": 2000.0, "diag_ess_tail_min": 1500.0,
            "diag_divergences": 0, "diag_ebfmi_min": 0.9, "diag_max_depth_hits": 0}
    bad = [{"diag_rhat_max": float("nan")}, {"diag_ess_tail_min": 100.0},
           {"diag_divergences": 2}, {"diag_ebfmi_min": 0.1}, {"diag_max_depth_hits": 5}]
    replicates = pd.DataFrame([good, good] + [{**good, **change} for change in bad])
    assert fits_with_problems(replicates) == len(bad)
