"""The simulated IPD: generating process, conditioning on the published counts, files."""

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from models.core.errors import InputError
from models.core.paths import SIMULATED_IPD_FILE, SIMULATED_IPD_TRUTH_FILE
from models.data.ipd import OUTCOME_COLUMNS, arm_counts, complete_cases, load_ipd
from models.data.trial import load_trial
from models.simulation.conditioning import (
    DEFAULT_DESIGN,
    TrialDesign,
    simulate_trial,
    simulate_trial_ipd,
)
from models.simulation.files import ipd_csv_text, write_ipd, write_simulated_data, write_truth
from models.simulation.process import (
    DEFAULT_PROCESS,
    DEFAULT_SEED,
    GeneratingProcess,
    draw_crp,
    simulate_unconditioned,
    standardised_log_crp,
    truth_on_sample_scale,
)

PUBLISHED = {
    "remission": {"tocilizumab": (7, 13), "placebo": (5, 16)},
    "response": {"tocilizumab": (6, 13), "placebo": (3, 16)},
}
LARGE_N_PER_ARM = 100_000
COEFFICIENT_NAMES = ("intercept", "treatment", "biomarker", "interaction")


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_ipd(SIMULATED_IPD_FILE)


@pytest.fixture(scope="module")
def large_sample() -> pd.DataFrame:
    rng = np.random.default_rng(20240101)
    return simulate_unconditioned(DEFAULT_PROCESS, LARGE_N_PER_ARM, LARGE_N_PER_ARM, rng)


def design_matrix(process: GeneratingProcess, ipd: pd.DataFrame) -> np.ndarray:
    treated = (ipd["arm"] == "tocilizumab").to_numpy(dtype=float)
    z = standardised_log_crp(process, ipd["crp_mg_l"].to_numpy())
    return np.column_stack([np.ones_like(z), treated, z, treated * z])


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood logistic regression by Newton-Raphson: estimates and SEs."""
    beta = np.zeros(x.shape[1])
    for _ in range(25):
        p = 1 / (1 + np.exp(-x @ beta))
        information = x.T @ (x * (p * (1 - p))[:, None])
        step = np.linalg.solve(information, x.T @ (y - p))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta, np.sqrt(np.diag(np.linalg.inv(information)))


# --- the shipped file -------------------------------------------------------------------


@pytest.mark.parametrize("outcome", list(PUBLISHED))
def test_shipped_ipd_reproduces_published_counts(shipped: pd.DataFrame, outcome: str) -> None:
    assert arm_counts(shipped, outcome) == PUBLISHED[outcome]


def test_design_defaults_match_trial_counts_file() -> None:
    trial = load_trial()
    assert DEFAULT_DESIGN.n_treatment == trial.randomised["treatment"]
    assert DEFAULT_DESIGN.n_control == trial.randomised["control"]
    for outcome in OUTCOME_COLUMNS:
        counts = trial.outcome(outcome)
        assert DEFAULT_DESIGN.targets(outcome) == (counts.treatment.events, counts.control.events)
        assert DEFAULT_DESIGN.n_treatment - DEFAULT_DESIGN.n_treatment_missing == (
            counts.treatment.n
        )
        assert DEFAULT_DESIGN.n_control == counts.control.n


def test_shipped_ipd_has_30_randomised_and_one_missing_tocilizumab_outcome(
    shipped: pd.DataFrame,
) -> None:
    assert shipped["participant_id"].tolist() == [f"P{i:02d}" for i in range(1, 31)]
    assert shipped["arm"].value_counts().to_dict() == {"placebo": 16, "tocilizumab": 14}
    missing = shipped["remission_day28"].isna()
    assert missing.sum() == 1
    assert (shipped["response_day28"].isna() == missing).all()
    assert shipped.loc[missing, "arm"].tolist() == ["tocilizumab"]
    assert shipped[["participant_id", "arm", "crp_mg_l"]].notna().all().all()


def test_shipped_crp_is_at_least_threshold_and_recorded_to_0_1(shipped: pd.DataFrame) -> None:
    crp = shipped["crp_mg_l"].to_numpy()
    assert crp.min() >= 3.0
    assert np.allclose(crp * 10, np.round(crp * 10))


def test_shipped_csv_codes_missing_as_empty_cells() -> None:
    lines = SIMULATED_IPD_FILE.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "participant_id,arm,crp_mg_l,remission_day28,response_day28"
    assert sum(line.endswith(",,") for line in lines[1:]) == 1
    assert "\r" not in SIMULATED_IPD_FILE.read_text(encoding="utf-8")


def test_regenerating_default_seed_gives_identical_bytes(tmp_path: Path) -> None:
    ipd_path, truth_path = tmp_path / "ipd.csv", tmp_path / "truth.json"
    write_simulated_data(DEFAULT_SEED, ipd_path, truth_path)
    assert ipd_path.read_bytes() == SIMULATED_IPD_FILE.read_bytes()
    assert truth_path.read_bytes() == SIMULATED_IPD_TRUTH_FILE.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ipd.csv", "truth.json"]


def test_public_functions_regenerate_the_shipped_files(tmp_path: Path) -> None:
    ipd = simulate_trial_ipd()
    write_ipd(ipd, tmp_path / "ipd.csv")
    write_truth(DEFAULT_PROCESS, DEFAULT_SEED, ipd.attrs["simulation"], tmp_path / "t.json")
    assert (tmp_path / "ipd.csv").read_bytes() == SIMULATED_IPD_FILE.read_bytes()
    assert (tmp_path / "t.json").read_bytes() == SIMULATED_IPD_TRUTH_FILE.read_bytes()


def test_default_truth_file_path_sits_beside_the_ipd(tmp_path: Path) -> None:
    write_simulated_data(DEFAULT_SEED, tmp_path / "my_ipd.csv")
    assert (tmp_path / "my_ipd_truth.json").is_file()


def test_truth_file_records_parameters_seed_and_conditioning() -> None:
    text = SIMULATED_IPD_TRUTH_FILE.read_text(encoding="utf-8")
    truth = json.loads(text)
    assert text == json.dumps(truth, sort_keys=True, indent=2) + "\n"
    assert truth["simulated"] is True
    assert "SIMULATED" in truth["note"] and "not the trial's data" in truth["note"]
    assert truth["seed"] == DEFAULT_SEED
    assert truth["conditioning"]["method"] == "rejection sampling"
    trial = simulate_trial(DEFAULT_SEED)
    assert truth["conditioning"]["attempts"] == trial.conditioning.attempts >= 1
    process = truth["generating_process"]
    for key, value in asdict(DEFAULT_PROCESS).items():
        assert process[key] == value
    assert truth["missing_outcome"]["participant_ids"] == ["P04"]


# --- conditioning -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_every_seed_reproduces_published_counts(seed: int) -> None:
    ipd = simulate_trial_ipd(seed)
    for outcome, expected in PUBLISHED.items():
        assert arm_counts(ipd, outcome) == expected
    assert ipd["remission_day28"].isna().sum() == 1


def test_other_seeds_give_other_data() -> None:
    default = ipd_csv_text(simulate_trial_ipd(DEFAULT_SEED))
    assert ipd_csv_text(simulate_trial_ipd(DEFAULT_SEED + 1)) != default
    assert ipd_csv_text(simulate_trial_ipd(DEFAULT_SEED)) == default


def test_other_designs_are_honoured() -> None:
    design = TrialDesign(
        n_treatment=20,
        n_control=18,
        n_treatment_missing=2,
        remission_events=(10, 6),
        response_events=(8, 4),
    )
    ipd = simulate_trial_ipd(3, design=design)
    assert arm_counts(ipd, "remission") == {"tocilizumab": (10, 18), "placebo": (6, 18)}
    assert arm_counts(ipd, "response") == {"tocilizumab": (8, 18), "placebo": (4, 18)}


# --- the generating process -------------------------------------------------------------


def test_large_sample_crp_distribution(large_sample: pd.DataFrame) -> None:
    crp = large_sample["crp_mg_l"].to_numpy()
    assert crp.min() >= DEFAULT_PROCESS.crp_threshold_mg_l
    assert 5.0 <= np.median(crp) <= 7.0
    assert abs(np.median(crp) - DEFAULT_PROCESS.eligible_median_mg_l) < 0.1
    log_crp = np.log(crp)
    assert abs(log_crp.mean() - DEFAULT_PROCESS.log_crp_mean) < 0.01
    assert abs(log_crp.std() - DEFAULT_PROCESS.log_crp_sd) < 0.01


def test_crp_threshold_holds_in_the_far_lower_tail() -> None:
    process = GeneratingProcess(crp_population_median_mg_l=0.2, crp_population_log_sd=0.5)
    crp = draw_crp(process, 50_000, np.random.default_rng(1))
    assert crp.min() >= 3.0


def test_remission_and_response_are_positively_associated(large_sample: pd.DataFrame) -> None:
    table = pd.crosstab(large_sample["remission_day28"], large_sample["response_day28"])
    log_odds_ratio = np.log(table.loc[1, 1] * table.loc[0, 0] / (table.loc[1, 0] * table.loc[0, 1]))
    assert log_odds_ratio > 1.0


def test_latent_correlation_drives_the_association() -> None:
    def phi(process: GeneratingProcess) -> float:
        ipd = simulate_unconditioned(process, 50_000, 0, np.random.default_rng(7))
        return float(np.corrcoef(ipd["remission_day28"], ipd["response_day28"])[0, 1])

    independent = phi(GeneratingProcess(outcome_latent_correlation=0.0))
    assert phi(DEFAULT_PROCESS) > independent + 0.3
    assert abs(independent) < 0.1  # only the shared dependence on hs-CRP remains


@pytest.mark.parametrize("outcome", list(OUTCOME_COLUMNS))
def test_large_sample_recovers_true_coefficients(large_sample: pd.DataFrame, outcome: str) -> None:
    x = design_matrix(DEFAULT_PROCESS, large_sample)
    y = large_sample[OUTCOME_COLUMNS[outcome]].to_numpy(dtype=float)
    estimate, se = fit_logistic(x, y)
    truth = np.array([getattr(DEFAULT_PROCESS.coefficients(outcome), n) for n in COEFFICIENT_NAMES])
    assert np.all(np.abs(estimate - truth) < 4 * se), (estimate, truth, se)


@pytest.mark.parametrize("outcome", list(PUBLISHED))
def test_published_counts_are_plausible_under_the_process(
    large_sample: pd.DataFrame, outcome: str
) -> None:
    column = OUTCOME_COLUMNS[outcome]
    for arm, (events, n) in PUBLISHED[outcome].items():
        rate = large_sample.loc[large_sample["arm"] == arm, column].mean()
        assert binomtest(events, n, rate).pvalue > 0.2, (outcome, arm, rate)


# --- truth on the analysis model's scale ---------------------------------------------------


@pytest.mark.parametrize("outcome", list(OUTCOME_COLUMNS))
def test_truth_on_sample_scale_is_the_same_linear_predictor(
    shipped: pd.DataFrame, outcome: str
) -> None:
    observed = complete_cases(shipped, outcome)
    true = DEFAULT_PROCESS.coefficients(outcome)
    eta_population = design_matrix(DEFAULT_PROCESS, observed) @ np.array(
        [getattr(true, n) for n in COEFFICIENT_NAMES]
    )
    converted = truth_on_sample_scale(DEFAULT_PROCESS, shipped)
    log_crp = np.log(observed["crp_mg_l"])
    z_sample = ((log_crp - log_crp.mean()) / log_crp.std(ddof=1)).to_numpy()
    treated = (observed["arm"] == "tocilizumab").to_numpy(dtype=float)
    x_sample = np.column_stack([np.ones_like(z_sample), treated, z_sample, treated * z_sample])
    eta_sample = x_sample @ np.array([converted[outcome][n] for n in COEFFICIENT_NAMES])
    assert np.allclose(eta_population, eta_sample, atol=1e-12)
    assert converted["standardisation"][outcome]["n"] == 29
    shipped_truth = json.loads(SIMULATED_IPD_TRUTH_FILE.read_text(encoding="utf-8"))
    for name in COEFFICIENT_NAMES:
        assert shipped_truth["truth_on_sample_scale"][outcome][name] == pytest.approx(
            converted[outcome][name], abs=1e-9
        )


def test_truth_on_sample_scale_is_identity_at_population_moments() -> None:
    process = DEFAULT_PROCESS
    ipd = simulate_unconditioned(process, 200_000, 200_000, np.random.default_rng(11))
    converted = truth_on_sample_scale(process, ipd, ddof=0)
    for name in COEFFICIENT_NAMES:
        assert converted["remission"][name] == pytest.approx(
            getattr(process.remission, name), abs=0.01
        )


# --- input checking and writing -----------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome_latent_correlation": 1.0}, "process.outcome_latent_correlation"),
        ({"crp_population_log_sd": 0.0}, "process.crp_population_log_sd"),
        ({"crp_threshold_mg_l": float("nan")}, "process.crp_threshold_mg_l"),
    ],
)
def test_invalid_process_is_an_input_error(changes: dict, field: str) -> None:
    with pytest.raises(InputError, match=field):
        GeneratingProcess(**changes)


def test_invalid_design_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"design\.remission_events"):
        TrialDesign(remission_events=(14, 5))


def test_unconditioned_needs_participants() -> None:
    with pytest.raises(InputError, match="n_treatment, n_control"):
        simulate_unconditioned(DEFAULT_PROCESS, 0, 0, np.random.default_rng(1))


def test_writing_into_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"folder .* does not exist"):
        write_ipd(simulate_trial_ipd(), tmp_path / "missing" / "ipd.csv")


def test_write_replaces_an_existing_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "ipd.csv"
    path.write_text("old", encoding="utf-8")
    write_ipd(simulate_trial_ipd(), path)
    assert path.read_bytes() == SIMULATED_IPD_FILE.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["ipd.csv"]
