"""The calibrated priors meet the clinical statements they were derived from."""

import math

import pytest
from scipy import stats

from models.exact.beta_contrast import BetaContrast
from models.priors.calibration import (
    calibrated_priors,
    design_risk_difference,
    log_odds_moments,
    tail_sd,
)
from models.priors.prior_set import Calibration
from models.priors.statements import implied_statements

SHIPPED_TOLERANCE = 5e-4
"""The shipped file rounds parameters to 4 decimals; statements hold to this tolerance."""


def test_skeptical_sd_is_spiegelhalter_value():
    assert tail_sd(2.5, 0.05) == pytest.approx(0.557, abs=5e-4)


def test_design_risk_difference_from_odds_ratio():
    calibration = Calibration(0.25, 2.5, 0.05, 2.0)
    # odds 1/3 x 2.5 = 0.8333 -> rate 0.4545
    assert design_risk_difference(calibration) == pytest.approx(0.4545454 - 0.25, abs=1e-6)


@pytest.mark.parametrize("calibration", [Calibration(0.25, 2.5, 0.05, 2.0),
                                         Calibration(0.4, 1.8, 0.1, 1.5)])
def test_calibrated_priors_meet_statements(calibration):
    priors = calibrated_priors(calibration)
    g, design_or = calibration.tail_probability, calibration.design_odds_ratio
    ard_alt = design_risk_difference(calibration)
    skeptical, enthusiastic = priors["skeptical"], priors["enthusiastic"]
    bb_s, bb_e = skeptical.beta_binomial, enthusiastic.beta_binomial
    assert float(BetaContrast.of(bb_s).sf(ard_alt)) == pytest.approx(g, abs=1e-8)
    assert float(BetaContrast.of(bb_e).cdf(0.0)) == pytest.approx(g, abs=1e-8)
    assert bb_s.control.mean == pytest.approx(calibration.placebo_rate)
    lt_s, lt_e = skeptical.logistic.treatment, enthusiastic.logistic.treatment
    assert stats.norm.sf(math.log(design_or), lt_s.mean, lt_s.sd) == pytest.approx(g, abs=1e-10)
    assert stats.norm.cdf(0, lt_e.mean, lt_e.sd) == pytest.approx(g, abs=1e-10)
    inter = skeptical.logistic.interaction
    assert stats.norm.sf(math.log(calibration.interaction_odds_ratio), inter.mean, inter.sd) \
        == pytest.approx(g, abs=1e-10)


def test_intercept_prior_matches_control_beta_on_log_odds_scale():
    calibration = Calibration(0.25, 2.5, 0.05, 2.0)
    skeptical = calibrated_priors(calibration)["skeptical"]
    control = skeptical.beta_binomial.control
    draws = stats.beta(control.alpha, control.beta).rvs(400_000, random_state=3)
    logit = [math.log(p / (1 - p)) for p in draws[:100_000]]
    moments = log_odds_moments(control)
    assert moments.mean == pytest.approx(sum(logit) / len(logit), abs=0.01)
    assert skeptical.logistic.intercept.mean == pytest.approx(moments.mean)


def test_shipped_priors_meet_their_statements(prior_set):
    calibration = prior_set.calibration
    assert calibration is not None
    g = calibration.tail_probability
    skeptical = implied_statements(prior_set.get("skeptical"), calibration)
    enthusiastic = implied_statements(prior_set.get("enthusiastic"), calibration)
    assert skeptical["bb_p_beyond_design"] == pytest.approx(g, abs=SHIPPED_TOLERANCE)
    assert skeptical["logistic_p_beyond_design"] == pytest.approx(g, abs=SHIPPED_TOLERANCE)
    assert enthusiastic["bb_p_harm"] == pytest.approx(g, abs=SHIPPED_TOLERANCE)
    assert 1 - enthusiastic["logistic_p_benefit"] == pytest.approx(g, abs=SHIPPED_TOLERANCE)


def test_shipped_priors_equal_a_fresh_calibration(prior_set):
    fresh = calibrated_priors(prior_set.calibration)
    for name, prior in fresh.items():
        shipped = prior_set.get(name)
        for arm in ("treatment", "control"):
            for param in ("alpha", "beta"):
                assert getattr(getattr(shipped.beta_binomial, arm), param) == pytest.approx(
                    getattr(getattr(prior.beta_binomial, arm), param), abs=1e-4)
        for term in ("intercept", "treatment", "biomarker", "interaction"):
            for param in ("mean", "sd"):
                assert getattr(getattr(shipped.logistic, term), param) == pytest.approx(
                    getattr(getattr(prior.logistic, term), param), abs=1e-4)
