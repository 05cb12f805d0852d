"""Frequentist reference values agree with the values derived in trial-facts.md."""

import pytest

from models.exact.frequentist import frequentist_summary


def test_remission_reference_values(trial):
    f = frequentist_summary(trial.outcome("remission"))
    assert f.risk_difference == pytest.approx(0.226, abs=5e-4)
    assert f.odds_ratio == pytest.approx(2.57, abs=5e-3)
    assert (f.odds_ratio_lower, f.odds_ratio_upper) == pytest.approx((0.56, 11.7), rel=5e-3)
    assert f.fisher_p_two_sided == pytest.approx(0.27, abs=0.005)


def test_response_reference_values(trial):
    f = frequentist_summary(trial.outcome("response"))
    assert f.odds_ratio == pytest.approx(3.71, abs=5e-3)
    assert (f.odds_ratio_lower, f.odds_ratio_upper) == pytest.approx((0.70, 19.6), rel=1e-2)
    assert f.fisher_p_two_sided == pytest.approx(0.23, abs=0.005)
    assert f.fisher_p_one_sided < f.fisher_p_two_sided
