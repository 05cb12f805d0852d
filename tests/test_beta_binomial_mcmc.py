"""The PyMC beta-binomial agrees with the exact answer within Monte Carlo error."""

import numpy as np
import pytest

from models.exact.beta_binomial import fit_exact
from models.mcmc.beta_binomial import fit_mcmc
from models.mcmc.cache import DISABLE_ENV

AGREEMENT_MCSE = 4.0
"""|MCMC - exact| <= 4 MCSE: a false alarm about 1 in 16,000 comparisons."""


@pytest.fixture(scope="module")
def fits(trial, prior_set):
    return {(name, outcome): (fit_exact(prior_set.get(name).beta_binomial,
                                        trial.outcome(outcome)).summary,
                              fit_mcmc(prior_set.get(name).beta_binomial,
                                       trial.outcome(outcome)))
            for name in prior_set.names for outcome in ("remission", "response")}


def test_mcmc_agrees_with_exact_within_mcse(fits):
    for key, (exact, mcmc) in fits.items():
        estimate = mcmc.summary.p_benefit
        assert abs(estimate.estimate - exact.p_benefit.estimate) <= (
            AGREEMENT_MCSE * estimate.mcse), key
        for d, p in mcmc.summary.p_benefit_greater.items():
            assert abs(p.estimate - exact.p_benefit_greater[d].estimate) <= (
                AGREEMENT_MCSE * max(p.mcse, 1e-4)), (key, d)


def test_mcmc_intervals_close_to_exact(fits):
    exact, mcmc = fits[("reference", "remission")]
    assert mcmc.summary.risk_difference.median == pytest.approx(
        exact.risk_difference.median, abs=0.01)
    assert mcmc.summary.risk_difference.lower == pytest.approx(
        exact.risk_difference.lower, abs=0.02)


def test_diagnostics_pass_for_this_simple_model(fits):
    for key, (_, mcmc) in fits.items():
        assert mcmc.diagnostics.ok, (key, mcmc.diagnostics.problems)


def test_same_seed_same_numbers(trial, prior_set, fits, monkeypatch):
    monkeypatch.setenv(DISABLE_ENV, "1")  # really sample again, do not read the cache
    _, first = fits[("skeptical", "response")]
    again = fit_mcmc(prior_set.get("skeptical").beta_binomial, trial.outcome("response"))
    np.testing.assert_array_equal(first.idata["posterior"]["p"].values,
                                  again.idata["posterior"]["p"].values)


def test_new_counts_reuse_the_compiled_model(trial, prior_set, fits):
    counts = trial.outcome("remission").with_counts(None, None)
    from models.data.trial import ArmCounts

    flipped = counts.with_counts(ArmCounts(2, 13), ArmCounts(10, 16))
    result = fit_mcmc(prior_set.get("reference").beta_binomial, flipped)
    exact = fit_exact(prior_set.get("reference").beta_binomial, flipped).summary
    assert result.summary.p_benefit.estimate < 0.1
    assert abs(result.summary.p_benefit.estimate - exact.p_benefit.estimate) <= \
        AGREEMENT_MCSE * max(result.summary.p_benefit.mcse, 1e-4)


def test_flagging_thresholds():
    from models.mcmc.diagnostics import Diagnostics

    assert Diagnostics(1.02, 5000, 5000, 0).problems == ["R-hat 1.020 > 1.01"]
    assert Diagnostics(1.0, 300, 5000, 0).problems == ["bulk ESS 300 < 400"]
    assert Diagnostics(1.0, 5000, 5000, 2).problems == ["2 divergent transitions"]
    assert Diagnostics(1.0, 5000, 5000, 0).ok
