"""Logistic models: aggregate against numerical integration, IPD parameter recovery,
reproducibility, checks and sensitivity tables, the simulation study and the CLI JSON.

Fits are shared through module-scoped fixtures: each model structure compiles once per
process (about 5-10 s), after which a fit takes well under a second.
"""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from models.cli.fit import parse_crp_values
from models.cli.main import main
from models.core.cache_root import DISABLE_ENV
from models.core.errors import InputError
from models.core.paths import SIMULATED_IPD_FILE
from models.data.ipd import ipd_data, load_ipd
from models.exact.logistic_posterior import LogisticPosterior
from models.mcmc import sampling
from models.mcmc.aggregate import fit_aggregate
from models.mcmc.crp_effects import crp_where_probability
from models.mcmc.interaction import fit_ipd, truth_table
from models.mcmc.logistic_models import AGGREGATE_TERMS, IPD_MODEL_KEY, IPD_TERMS
from models.mcmc.power_scaling import psense
from models.mcmc.predictive import (
    posterior_predictive_pvalue,
    ppc_aggregate,
    ppc_ipd_arms,
    ppc_ipd_tertiles,
)
from models.priors.prior_set import LogisticPrior
from models.sensitivity.missing_outcome import (
    imputed_counts,
    missing_outcome_sensitivity,
)
from models.simulation.process import DEFAULT_PROCESS, simulate_unconditioned, truth_on_sample_scale
from models.simulation.study import StudyConfig, cache_key, run_or_load, simulated_trial

AGREEMENT_MCSE = 4.0
"""|MCMC - integral| <= 4 MCSE: a false alarm about 1 in 16,000 comparisons."""

RECOVERY_SD = 3.0
"""Large-n recovery: |posterior median - truth| within 3 posterior SDs per coefficient."""

FAST = sampling.SamplerSettings(chains=4, draws=500, tune=500, seed=7)


@pytest.fixture(scope="module")
def ipd() -> pd.DataFrame:
    return load_ipd(SIMULATED_IPD_FILE)


@pytest.fixture(scope="module")
def aggregate_fits(trial, prior_set):
    return {(name, outcome): fit_aggregate(prior_set.get(name).logistic, trial.outcome(outcome))
            for name in prior_set.names for outcome in ("remission", "response")}


@pytest.fixture(scope="module")
def ipd_fit(prior_set, ipd):
    return fit_ipd(prior_set.get("reference").logistic, ipd, "remission")


# --- aggregate model against an independent numerical integral -------------------------


def integrated_p_benefit(prior: LogisticPrior, counts) -> float:
    """P(log OR > 0) by Simpson integration of the unnormalised posterior on a fine grid."""
    a_prior, b_prior = prior.intercept, prior.treatment
    a = np.linspace(a_prior.mean - 10, a_prior.mean + 10, 1201)
    b = np.linspace(-12.0, 12.0, 2401)  # contains 0 exactly (index 1200)
    aa, bb = np.meshgrid(a, b, indexing="ij")
    log_post = (stats.norm.logpdf(aa, a_prior.mean, a_prior.sd)
                + stats.norm.logpdf(bb, b_prior.mean, b_prior.sd)
                + stats.binom.logpmf(counts.treatment.events, counts.treatment.n,
                                     special.expit(aa + bb))
                + stats.binom.logpmf(counts.control.events, counts.control.n,
                                     special.expit(aa)))
    density = np.exp(log_post - log_post.max())
    marginal_b = integrate.simpson(density, x=a, axis=0)
    zero = int(np.flatnonzero(b == 0.0)[0])
    total = integrate.simpson(marginal_b, x=b)
    return float(integrate.simpson(marginal_b[zero:], x=b[zero:]) / total)


def test_integral_reference_is_sane():
    """The integrator itself: a flat-ish symmetric case gives 0.5 by symmetry."""
    from models.core.distributions import NormalPrior
    from models.data.trial import ArmCounts, OutcomeCounts

    prior = LogisticPrior(NormalPrior(0, 2.5), NormalPrior(0, 2.5), NormalPrior(0, 1),
                          NormalPrior(0, 1))
    counts = OutcomeCounts("x", "x", ArmCounts(5, 10), ArmCounts(5, 10))
    assert integrated_p_benefit(prior, counts) == pytest.approx(0.5, abs=1e-9)


def test_aggregate_p_benefit_agrees_with_integration(aggregate_fits, prior_set, trial):
    for (name, outcome), fit in aggregate_fits.items():
        exact = integrated_p_benefit(prior_set.get(name).logistic, trial.outcome(outcome))
        estimate = fit.p_benefit
        assert abs(estimate.estimate - exact) <= AGREEMENT_MCSE * estimate.mcse, (
            name, outcome, estimate, exact)


def test_aggregate_summaries_are_consistent(aggregate_fits):
    fit = aggregate_fits[("reference", "remission")]
    # OR from the coefficient and from the implied arm rates are the same draws.
    assert fit.odds_ratio.median == pytest.approx(fit.summary.odds_ratio.median, rel=1e-6)
    assert fit.odds_ratio.lower == pytest.approx(math.exp(fit.log_odds_ratio.lower))
    assert fit.p_benefit.estimate == pytest.approx(fit.summary.p_benefit.estimate, abs=1e-3)
    assert set(fit.coefficients) == set(AGGREGATE_TERMS)
    ard = fit.summary.risk_difference
    assert -1 < ard.lower < ard.median < ard.upper < 1


def test_aggregate_diagnostics_present_and_pass(aggregate_fits):
    for key, fit in aggregate_fits.items():
        d = fit.diagnostics
        assert d.rhat_max > 0 and d.ess_bulk_min > 0 and d.ess_tail_min > 0, key
        assert d.ok, (key, d.problems)


def test_aggregate_same_seed_same_numbers(aggregate_fits, prior_set, trial, monkeypatch):
    monkeypatch.setenv(DISABLE_ENV, "1")  # really sample again
    first = aggregate_fits[("skeptical", "response")]
    again = fit_aggregate(prior_set.get("skeptical").logistic, trial.outcome("response"))
    np.testing.assert_array_equal(first.idata["posterior"]["treatment"].values,
                                  again.idata["posterior"]["treatment"].values)
    assert first.p_benefit == again.p_benefit
    assert first.summary == again.summary


# --- IPD model ----------------------------------------------------------------------


def test_ipd_data_standardises_with_sample_mean_and_sd(ipd):
    data = ipd_data(ipd, "remission")
    assert data.n == 29
    assert data.z.mean() == pytest.approx(0, abs=1e-12)
    assert data.z.std(ddof=1) == pytest.approx(1)
    truth = truth_on_sample_scale(DEFAULT_PROCESS, ipd)["standardisation"]["remission"]
    assert data.log_crp_mean == pytest.approx(truth["log_crp_mean"])
    assert data.log_crp_sd == pytest.approx(truth["log_crp_sd"])
    counts = data.arm_counts()
    assert (str(counts.treatment), str(counts.control)) == ("7/13", "5/16")


def test_ipd_data_rejects_unknown_outcome(ipd):
    with pytest.raises(InputError, match="outcome"):
        ipd_data(ipd, "relapse")


def test_ipd_result_fields(ipd_fit):
    r = ipd_fit
    assert set(r.coefficients) == set(IPD_TERMS) == set(r.p_positive)
    assert 0 <= r.p_interaction_positive.estimate <= 1
    assert r.p_treatment_positive is r.p_positive["treatment"]
    assert r.marginal.risk_difference.lower < r.marginal.risk_difference.upper
    curves = r.curves
    assert curves["crp_mg_l"].iloc[0] == pytest.approx(3) and curves["crp_mg_l"].iloc[-1] == 30
    for measure in ("or", "ard"):
        assert (curves[f"{measure}_lower95"] <= curves[f"{measure}_lower50"]).all()
        assert (curves[f"{measure}_lower50"] <= curves[f"{measure}_median"]).all()
        assert (curves[f"{measure}_median"] <= curves[f"{measure}_upper50"]).all()
        assert (curves[f"{measure}_upper50"] <= curves[f"{measure}_upper95"]).all()
    at = r.p_benefit_at([3, 5, 10])
    assert list(at) == [3.0, 5.0, 10.0]
    assert at[3.0].estimate == pytest.approx(curves["p_benefit"].iloc[0])
    # At the sample geometric-mean hs-CRP, P(benefit) is P(treatment coefficient > 0).
    centre = math.exp(r.data.log_crp_mean)
    assert r.p_benefit_at([centre])[centre].estimate == pytest.approx(
        r.p_treatment_positive.estimate)
    assert r.diagnostics.ok, r.diagnostics.problems


def test_ipd_same_seed_same_numbers(ipd_fit, prior_set, ipd, monkeypatch):
    monkeypatch.setenv(DISABLE_ENV, "1")
    again = fit_ipd(prior_set.get("reference").logistic, ipd, "remission")
    assert again.coefficients == ipd_fit.coefficients
    assert again.p_positive == ipd_fit.p_positive
    pd.testing.assert_frame_equal(again.curves, ipd_fit.curves)


@pytest.fixture(scope="module")
def large_fit(prior_set, ipd_fit):
    """n = 3,000 on the model compiled (and first sampled) for n = 29: lengths may differ."""
    compiled_before = sampling._COMPILED[IPD_MODEL_KEY]
    rng = np.random.default_rng(20261127)
    large = simulate_unconditioned(DEFAULT_PROCESS, 1500, 1500, rng)
    fit = fit_ipd(prior_set.get("reference").logistic, large, "remission", FAST)
    assert sampling._COMPILED[IPD_MODEL_KEY] is compiled_before  # not recompiled
    return fit, truth_on_sample_scale(DEFAULT_PROCESS, large)


def test_ipd_recovers_known_coefficients_from_large_sample(large_fit):
    fit, truth = large_fit
    table = truth_table(fit, truth)
    posterior = fit.posterior
    for row in table.itertuples():
        sd = float(posterior[row.term].std())
        assert abs(row.error) <= RECOVERY_SD * sd, (row.term, row.truth, row.median, sd)
    assert table.loc[table["term"] == "interaction", "covered"].item()
    assert fit.data.n == 3000


def test_truth_table_rejects_another_standardisation(ipd_fit, large_fit):
    _, other_truth = large_fit
    with pytest.raises(ValueError, match="standardised differently"):
        truth_table(ipd_fit, other_truth)


def test_crp_where_probability_interpolates_in_log_crp():
    crp = np.array([3.0, 6.0, 12.0])
    assert crp_where_probability(crp, np.array([0.5, 0.8, 1.0]), 0.9) == pytest.approx(
        math.sqrt(6 * 12))
    assert crp_where_probability(crp, np.array([0.5, 0.6, 0.7]), 0.9) is None
    assert crp_where_probability(crp, np.array([0.95, 0.6, 0.7]), 0.9) == 3.0


# --- posterior predictive checks, psense, missing outcome ----------------------------


def test_posterior_predictive_pvalue_is_mid_p():
    replicated = np.array([[0], [1], [2], [3]])
    assert posterior_predictive_pvalue(replicated, np.array([1]))[0] == pytest.approx(0.625)


def test_ppc_tables(aggregate_fits, ipd_fit):
    agg = ppc_aggregate(aggregate_fits[("reference", "remission")])
    assert list(agg["arm"]) == ["treatment", "control"]
    assert list(agg["observed"]) == [7, 5] and list(agg["n"]) == [13, 16]
    arms = ppc_ipd_arms(ipd_fit)
    assert list(arms["observed"]) == [7, 5] and list(arms["n"]) == [13, 16]
    tertiles = ppc_ipd_tertiles(ipd_fit)
    assert len(tertiles) == 6 and tertiles["n"].sum() == 29 and tertiles["observed"].sum() == 12
    for table in (agg, arms, tertiles):
        assert ((table["ppp"] >= 0) & (table["ppp"] <= 1)).all()
        assert (table["replicated_lower95"] <= table["replicated_upper95"]).all()
    pd.testing.assert_frame_equal(ppc_ipd_tertiles(ipd_fit), tertiles)  # seeded


def test_psense_returns_sensitivity_per_coefficient(ipd_fit):
    table = psense(ipd_fit)
    assert list(table.index) == list(IPD_TERMS)
    assert {"prior", "likelihood", "diagnosis"} <= set(table.columns)
    assert (table[["prior", "likelihood"]] >= 0).all().all()


def test_psense_prior_sensitivity_grows_with_an_informative_prior(aggregate_fits):
    """The skeptical prior on the log OR (SD 0.56) shapes the posterior far more than the
    reference prior (SD 2.5): power-scaling it must move the treatment coefficient more."""
    weak = psense(aggregate_fits[("reference", "remission")]).loc["treatment", "prior"]
    strong = psense(aggregate_fits[("skeptical", "remission")]).loc["treatment", "prior"]
    assert strong > 2 * weak, (weak, strong)


@pytest.mark.slow
def test_missing_outcome_sensitivity(prior_set, ipd, trial):
    prior = prior_set.get("reference").logistic
    table = missing_outcome_sensitivity(prior, ipd, "remission", FAST)
    assert list(table["treatment"]) == ["7/13", "8/14", "7/14"]
    p = table.set_index("scenario")["p_ard_positive"]
    assert p["missing = no event"] < p["complete cases"] < p["missing = event"]
    scenarios = dict(imputed_counts(trial.outcome("remission"), missing_treatment=1))
    assert [str(c.treatment) for c in scenarios.values()] == ["7/13", "8/14", "7/14"]
    assert {str(c.control) for c in scenarios.values()} == {"5/16"}
    exact = {label: LogisticPosterior(counts, prior.intercept, prior.treatment).p_benefit()
             for label, counts in scenarios.items()}
    assert exact["missing = no event"] < exact["complete cases"] < exact["missing = event"]


# --- simulation study ---------------------------------------------------------------


@pytest.mark.slow
def test_simulation_study_is_cached_and_reproducible(prior_set, tmp_path):
    config = StudyConfig(prior=prior_set.get("reference").logistic, replicates=3)
    first = run_or_load(config, cache_dir=tmp_path)
    assert not first.from_cache and len(first.replicates) == 3
    assert first.csv_path.is_file() and first.json_path.is_file()
    again = run_or_load(config, cache_dir=tmp_path)
    assert again.from_cache and again.key == first.key
    pd.testing.assert_frame_equal(again.summary, first.summary)
    summary = first.summary.set_index("term")
    assert {"detection", "coverage95", "bias", "rmse"} <= set(summary.columns)
    assert 0 <= summary.loc["interaction", "coverage95"] <= 1
    # Data set r does not depend on R.
    longer = StudyConfig(prior=config.prior, replicates=10)
    pd.testing.assert_frame_equal(simulated_trial(config, 2), simulated_trial(longer, 2))
    assert cache_key(longer) != first.key


# --- command line -------------------------------------------------------------------


def run_json(capsys, *args: str) -> dict:
    assert main(["fit", "--model", "logistic", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_aggregate_json(capsys, aggregate_fits):
    out = run_json(capsys, "--prior", "skeptical", "--outcome", "response", "--mcmc")
    assert out["model"] == "logistic" and out["method"] == "mcmc"
    # the sampler agrees with the exact answer it is printed beside
    assert abs(out["p_benefit"] - out["exact_p_benefit"]) < 4 * out["mcse_p_benefit"] + 1e-3
    assert out["outcome"] == "response" and out["prior"] == "skeptical"
    assert out["counts"] == {"treatment": "6/13", "control": "3/16"}
    assert set(out["p_benefit_greater"]) == {"0", "0.05", "0.1", "0.2"}
    for key in ("odds_ratio", "risk_ratio", "risk_difference"):
        assert set(out[key]) == {"median", "ci95"} and len(out[key]["ci95"]) == 2
    assert {"rhat_max", "ess_bulk_min", "divergences"} <= set(out["diagnostics"])
    assert out["p_benefit"] == aggregate_fits[("skeptical", "response")].p_benefit.estimate
    assert out["mcse_p_benefit"] > 0 and "sampler" in out


@pytest.mark.slow
def test_cli_aggregate_counts_override(capsys):
    out = run_json(capsys, "--prior", "reference", "--treatment", "10/13", "--control", "2/16")
    assert out["counts"] == {"treatment": "10/13", "control": "2/16"}
    assert out["p_benefit"] > 0.99


def test_cli_ipd_json(capsys, ipd_fit):
    out = run_json(capsys, "--prior", "reference", "--ipd", str(SIMULATED_IPD_FILE),
                   "--crp", "3,5,10")
    assert out["model"] == "logistic" and out["n"] == 29
    assert set(out["interaction"]) >= {"median", "ci95", "p_greater_0"}
    assert out["interaction"]["p_greater_0"] == ipd_fit.p_interaction_positive.estimate
    assert list(out["p_benefit_at_crp"]) == ["3", "5", "10"]
    assert out["p_benefit"] == ipd_fit.marginal.p_benefit.estimate
    for key in ("odds_ratio", "risk_ratio", "risk_difference", "diagnostics"):
        assert key in out


@pytest.mark.parametrize("crp", ["3,-1", "abc", "0", "3,,5", "inf"])
def test_cli_rejects_bad_crp(capsys, crp):
    code = main(["fit", "--model", "logistic", "--prior", "reference", "--ipd",
                 str(SIMULATED_IPD_FILE), f"--crp={crp}", "--json"])
    assert code == 2
    assert "--crp" in capsys.readouterr().err


def test_parse_crp_values_default_and_list():
    assert parse_crp_values(None) == (3.0, 5.0, 10.0)
    assert parse_crp_values("2.5, 20") == (2.5, 20.0)
