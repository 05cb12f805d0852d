"""Outcomes where fewer events is better (``direction: lower``, e.g. death), checked by
mathematics the code does not use: the mirror identity (counting non-events instead of
events turns a "lower" outcome into a "higher" one), complements, Monte Carlo on synthetic
draws, normal tail areas for the calibrated priors, and the command line's JSON against a
closed form computed here."""

import json
import math

import numpy as np
import pytest
import xarray as xr
from scipy import stats

from models.cli.main import main
from models.core.distributions import BetaBinomialPrior, BetaPrior, NormalPrior
from models.data.trial import ArmCounts, OutcomeCounts
from models.exact.beta_binomial import benefit_probabilities, fit_exact, p_benefit, posterior
from models.exact.logistic_posterior import LOGISTIC_ACCURACY, LogisticPosterior
from models.exact.normal_normal import (
    LogRatioLikelihood,
    from_counts,
    from_published,
    normal_posterior,
)
from models.mcmc.draws import summarise_draws
from models.priors.calibration import calibrated_priors
from models.priors.prior_set import Calibration
from models.priors.priors_file import load_priors
from models.priors.statements import implied_statements

THRESHOLDS = (0.0, 0.05, 0.10, 0.20)

# (treatment events, n), (control events, n), treatment Beta(a, b), control Beta(a, b)
BETA_CASES = {
    "remission counts, uniform priors": ((7, 13), (5, 16), (1.0, 1.0), (1.0, 1.0)),
    "remission counts, asymmetric priors": ((7, 13), (5, 16), (2.0, 5.0), (3.0, 1.5)),
    "zero cell, Jeffreys priors": ((0, 10), (3, 10), (0.5, 0.5), (0.5, 0.5)),
    "zero cell, skewed priors": ((0, 10), (3, 10), (0.7, 2.5), (4.0, 1.2)),
    "all events in one arm": ((12, 12), (4, 15), (1.0, 3.0), (2.0, 2.0)),
    "EOLIA mortality": ((44, 124), (57, 125), (1.0, 1.0), (1.0, 1.0)),
}

# (treatment events, n), (control events, n), intercept prior, log-OR prior
LOGISTIC_CASES = {
    "remission counts, shifted priors": ((7, 13), (5, 16), (-1.1, 1.5), (0.4, 0.56)),
    "zero cell": ((0, 10), (3, 10), (0.3, 2.5), (-0.4, 1.5)),
    "EOLIA mortality": ((44, 124), (57, 125), (0.5, 2.0), (-0.2, 1.0)),
}


def _counts(treatment: tuple[int, int], control: tuple[int, int],
            direction: str) -> OutcomeCounts:
    return OutcomeCounts("outcome", "Outcome", ArmCounts(*treatment), ArmCounts(*control),
                         direction)


def _complement(arm: tuple[int, int]) -> tuple[int, int]:
    """Non-events out of n: the same arm counted the other way."""
    events, n = arm
    return n - events, n


# --------------------------------------------------------------------------- 1. beta-binomial


@pytest.mark.parametrize("case", list(BETA_CASES))
def test_beta_binomial_lower_is_the_mirror_of_higher_on_non_events(case):
    """If p ~ Beta(a, b) then 1 - p ~ Beta(b, a), so an outcome counted as events with
    fewer-is-better under Beta(a, b) priors is, arm by arm, the complementary outcome
    (non-events, more-is-better) under Beta(b, a): the same P(benefit) and P(benefit of more
    than d); the ARD flips sign (interval negated, ends swapped) and the OR inverts."""
    treatment, control, prior_t, prior_c = BETA_CASES[case]
    lower = fit_exact(BetaBinomialPrior(BetaPrior(*prior_t), BetaPrior(*prior_c)),
                      _counts(treatment, control, "lower")).summary
    mirrored = fit_exact(BetaBinomialPrior(BetaPrior(*prior_t[::-1]), BetaPrior(*prior_c[::-1])),
                         _counts(_complement(treatment), _complement(control), "higher")).summary
    assert lower.p_benefit.estimate == pytest.approx(mirrored.p_benefit.estimate, abs=1e-9)
    for d in THRESHOLDS:
        assert lower.p_benefit_greater[d].estimate == pytest.approx(
            mirrored.p_benefit_greater[d].estimate, abs=1e-9)
    ard, ard_mirror = lower.risk_difference, mirrored.risk_difference
    assert ard.median == pytest.approx(-ard_mirror.median, abs=3e-7)
    assert ard.lower == pytest.approx(-ard_mirror.upper, abs=3e-7)
    assert ard.upper == pytest.approx(-ard_mirror.lower, abs=3e-7)
    odds, odds_mirror = lower.odds_ratio, mirrored.odds_ratio
    assert odds.median == pytest.approx(1 / odds_mirror.median, rel=3e-7)
    assert odds.lower == pytest.approx(1 / odds_mirror.upper, rel=3e-7)
    assert odds.upper == pytest.approx(1 / odds_mirror.lower, rel=3e-7)


def test_beta_binomial_lower_benefit_is_fewer_events_on_treatment():
    """Not a symmetric case: treatment 2/20 vs control 10/20 under uniform priors. Fewer
    deaths on treatment is a benefit when fewer is better (P near 1) and a harm when more
    is better (P near 0); the posterior P(p_t < p_c) by Monte Carlo agrees."""
    prior = BetaBinomialPrior(BetaPrior(1.0, 1.0), BetaPrior(1.0, 1.0))
    lower = p_benefit(prior, _counts((2, 20), (10, 20), "lower"))
    higher = p_benefit(prior, _counts((2, 20), (10, 20), "higher"))
    rng = np.random.default_rng(20261201)
    draws = 400_000
    share = float(np.mean(rng.beta(3, 19, draws) < rng.beta(11, 11, draws)))
    assert lower > 0.99 > 0.01 > higher
    assert abs(lower - share) < 5 * math.sqrt(share * (1 - share) / draws) + 1e-4


# --------------------------------------------------------------------------- 2. logistic


@pytest.mark.parametrize("case", list(LOGISTIC_CASES))
def test_logistic_lower_is_the_mirror_of_higher_on_non_events(case):
    """Counting non-events turns control log-odds a into -a and the log OR b into -b, so
    the lower outcome under priors a ~ N(mu, s_a), b ~ N(m, s) is the higher outcome on the
    complementary counts under N(-mu, s_a), N(-m, s): P(b < 0) = P(-b > 0) and
    P(ARD < -d) = P(-ARD > d), each to twice the stated accuracy."""
    treatment, control, intercept, log_or = LOGISTIC_CASES[case]
    (mu, sa), (m, s) = intercept, log_or
    lower = LogisticPosterior(_counts(treatment, control, "lower"),
                              NormalPrior(mu, sa), NormalPrior(m, s))
    mirrored = LogisticPosterior(_counts(_complement(treatment), _complement(control), "higher"),
                                 NormalPrior(-mu, sa), NormalPrior(-m, s))
    tolerance = 2 * LOGISTIC_ACCURACY
    assert lower.p_benefit() == pytest.approx(mirrored.p_benefit(), abs=tolerance)
    for d in THRESHOLDS:
        assert lower.p_benefit_greater(d) == pytest.approx(mirrored.p_benefit_greater(d),
                                                           abs=tolerance)


# --------------------------------------------------------------------------- 3. complements


@pytest.mark.parametrize("case", list(BETA_CASES))
def test_beta_binomial_lower_is_one_minus_higher(case):
    """On the same counts and priors, P_lower(benefit) = P(ARD < 0) = 1 - P(ARD > 0) and
    P_lower(benefit > d) = P(ARD < -d) = 1 - P(ARD > -d) (continuous posterior); the effect
    measures do not depend on the direction."""
    treatment, control, prior_t, prior_c = BETA_CASES[case]
    prior = BetaBinomialPrior(BetaPrior(*prior_t), BetaPrior(*prior_c))
    lower = fit_exact(prior, _counts(treatment, control, "lower")).summary
    higher = fit_exact(prior, _counts(treatment, control, "higher")).summary
    assert lower.p_benefit.estimate == pytest.approx(1 - higher.p_benefit.estimate, abs=1e-9)
    post = posterior(prior, _counts(treatment, control, "higher"))
    above_minus_d = benefit_probabilities(post, [-d for d in THRESHOLDS], "higher")
    for d, above in zip(THRESHOLDS, above_minus_d, strict=True):
        assert lower.p_benefit_greater[d].estimate == pytest.approx(1 - above, abs=1e-9)
    assert lower.risk_difference == higher.risk_difference
    assert lower.risk_ratio == higher.risk_ratio
    assert lower.odds_ratio == higher.odds_ratio


@pytest.mark.parametrize("case", list(LOGISTIC_CASES))
def test_logistic_lower_is_one_minus_higher(case):
    """The logistic posterior is continuous: P_lower(benefit) = 1 - P_higher(benefit), and
    P_lower(benefit > d) = 1 - P(ARD > -d)."""
    treatment, control, intercept, log_or = LOGISTIC_CASES[case]
    priors = NormalPrior(*intercept), NormalPrior(*log_or)
    lower = LogisticPosterior(_counts(treatment, control, "lower"), *priors)
    higher = LogisticPosterior(_counts(treatment, control, "higher"), *priors)
    tolerance = 2 * LOGISTIC_ACCURACY
    assert lower.p_benefit() == pytest.approx(1 - higher.p_benefit(), abs=tolerance)
    for d in (0.05, 0.1):
        assert lower.p_benefit_greater(d) == pytest.approx(1 - higher.p_ard_greater(-d),
                                                           abs=tolerance)


@pytest.mark.parametrize(("prior", "likelihood"), [
    (NormalPrior(0.0, 2.5), LogRatioLikelihood("odds_ratio", -0.4, 0.3)),
    (NormalPrior(0.3, 0.5), LogRatioLikelihood("risk_ratio", 0.2, 0.1)),
    (NormalPrior(-0.9, 0.6), LogRatioLikelihood("hazard_ratio", 0.05, 0.4)),
])
def test_normal_lower_is_one_minus_higher(prior, likelihood):
    post = normal_posterior(prior, likelihood)
    assert post.p_benefit("lower") == pytest.approx(1 - post.p_benefit("higher"), abs=1e-14)
    assert post.p_benefit("lower") == pytest.approx(
        stats.norm.cdf(-post.mean / post.sd), abs=1e-14)


# --------------------------------------------------------------------------- 4. draws


@pytest.mark.parametrize(("treatment", "control"), [
    ((8, 22), (12, 18)),
    ((20, 80), (30, 70)),
    ((5, 5), (5, 5)),
])
def test_summarise_draws_lower_counts_draws_with_fewer_events_on_treatment(treatment,
                                                                           control):
    """For fewer-is-better, P(benefit) is the share of draws with p_t < p_c and P(benefit >
    d) the share with p_t - p_c < -d (counted directly here); the ARD interval is the same
    as for more-is-better and every probability carries a Monte Carlo error."""
    rng = np.random.default_rng(20261202)
    raw_t = rng.beta(*treatment, size=(4, 2500))
    raw_c = rng.beta(*control, size=(4, 2500))
    p_t = xr.DataArray(raw_t, dims=("chain", "draw"))
    p_c = xr.DataArray(raw_c, dims=("chain", "draw"))
    lower = summarise_draws(p_t, p_c, THRESHOLDS, "lower")
    higher = summarise_draws(p_t, p_c, THRESHOLDS, "higher")
    assert lower.method == "mcmc"
    assert lower.p_benefit.estimate == pytest.approx(float(np.mean(raw_t < raw_c)), abs=1e-12)
    assert lower.p_benefit.mcse is not None and lower.p_benefit.mcse > 0
    for d in THRESHOLDS:
        share = float(np.mean(raw_t - raw_c < -d))
        assert lower.p_benefit_greater[d].estimate == pytest.approx(share, abs=1e-12)
        assert lower.p_benefit_greater[d].mcse is not None
        assert higher.p_benefit_greater[d].estimate == pytest.approx(
            float(np.mean(raw_t - raw_c > d)), abs=1e-12)
    assert lower.risk_difference == higher.risk_difference
    assert lower.odds_ratio == higher.odds_ratio


# --------------------------------------------------------------------------- 5. normal-normal


@pytest.mark.parametrize(("prior", "likelihood"), [
    (NormalPrior(0.0, 2.5), LogRatioLikelihood("hazard_ratio", -0.29, 0.16)),
    (NormalPrior(0.0, 0.35), LogRatioLikelihood("odds_ratio", -0.4, 0.3)),
    (NormalPrior(0.2, 0.5), LogRatioLikelihood("risk_ratio", 0.1, 0.25)),
])
def test_normal_p_benefit_lower_against_monte_carlo(prior, likelihood):
    """P(ratio < 1) = share of 400,000 draws of the posterior log ratio below 0, within
    5 Monte Carlo standard errors."""
    post = normal_posterior(prior, likelihood)
    draws = np.random.default_rng(20261203).normal(post.mean, post.sd, 400_000)
    share = float(np.mean(draws < 0))
    se = math.sqrt(share * (1 - share) / draws.size)
    assert abs(post.p_benefit("lower") - share) < 5 * se


def test_published_hazard_ratio_under_a_flat_prior_benefits_fewer_deaths():
    """HR 0.75 (0.55 to 1.02) under a nearly flat N(0, 10) prior: the posterior median stays
    at the published 0.75 and P(HR < 1) is about Phi(ln(1/0.75) / se) = 0.97 (> 0.9); the
    same posterior read as more-is-better gives the complement."""
    post = normal_posterior(NormalPrior(0.0, 10.0),
                            from_published("hazard_ratio", 0.75, 0.55, 1.02))
    assert post.measure == "hazard_ratio"
    assert post.effect().median == pytest.approx(0.75, rel=0.01)
    assert post.p_benefit("lower") > 0.9
    assert post.p_benefit("higher") < 0.1


def test_normal_from_counts_with_fewer_events_on_treatment_is_a_benefit():
    """Counts 20/100 vs 40/100: the sample log OR is ln((20 x 60) / (80 x 40)) < 0, so with
    fewer-is-better P(benefit) is above one half."""
    counts = _counts((20, 100), (40, 100), "lower")
    likelihood = from_counts(counts)
    assert likelihood.log_estimate == pytest.approx(math.log(20 * 60 / (80 * 40)))
    post = normal_posterior(NormalPrior(0.0, 2.5), likelihood)
    assert post.p_benefit(counts.direction) > 0.99


# --------------------------------------------------------------------------- 6. calibration

FEWER_IS_BETTER = Calibration(placebo_rate=0.6, design_odds_ratio=0.444,
                              tail_probability=0.05, interaction_odds_ratio=2.0)


def _design_rates(calibration: Calibration) -> tuple[float, float]:
    """(control rate p0, design treatment rate): the design OR applied to p0's odds."""
    p0 = calibration.placebo_rate
    odds = calibration.design_odds_ratio * p0 / (1 - p0)
    return p0, odds / (1 + odds)


def test_calibration_below_one_is_fewer_is_better():
    assert FEWER_IS_BETTER.direction == "lower"
    p0, p_alt = _design_rates(FEWER_IS_BETTER)
    assert p_alt < p0


def test_calibrated_logistic_priors_put_the_tail_beyond_the_design_effect_and_on_harm():
    """Skeptical N(0, s): P(OR < 0.444) = 0.05; enthusiastic N(ln 0.444, s): P(OR > 1) =
    0.05 (normal tail areas on the log OR); both share the same s."""
    priors = calibrated_priors(FEWER_IS_BETTER)
    skeptical = priors["skeptical"].logistic.treatment
    enthusiastic = priors["enthusiastic"].logistic.treatment
    log_design = math.log(FEWER_IS_BETTER.design_odds_ratio)
    assert skeptical.mean == 0.0
    assert skeptical.sd > 0
    assert stats.norm.cdf(log_design, skeptical.mean, skeptical.sd) == pytest.approx(0.05,
                                                                                    abs=1e-9)
    assert enthusiastic.mean == pytest.approx(log_design, abs=1e-12)
    assert enthusiastic.sd == pytest.approx(skeptical.sd, rel=1e-12)
    assert stats.norm.sf(0.0, enthusiastic.mean, enthusiastic.sd) == pytest.approx(0.05,
                                                                                  abs=1e-9)


@pytest.fixture(scope="module")
def fewer_is_better_priors():
    return calibrated_priors(FEWER_IS_BETTER)


def _monte_carlo_ard(prior: BetaBinomialPrior, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    draws = 400_000
    return (rng.beta(prior.treatment.alpha, prior.treatment.beta, draws)
            - rng.beta(prior.control.alpha, prior.control.beta, draws))


def _within_five_se(ard_event: np.ndarray, target: float) -> bool:
    share = float(np.mean(ard_event))
    return abs(share - target) < 5 * math.sqrt(target * (1 - target) / ard_event.size)


def test_calibrated_skeptical_beta_priors_give_5_percent_beyond_the_design_ard(
        fewer_is_better_priors):
    """Both arms centred on p0 = 0.6; by Monte Carlo (400,000 Beta draws per arm), P(ARD <
    design ARD) = 0.05 where design ARD = p_alt - p0 < 0 (computed here from the odds), and
    by symmetry of two identical arms P(ARD > -design ARD) too."""
    p0, p_alt = _design_rates(FEWER_IS_BETTER)
    prior = fewer_is_better_priors["skeptical"].beta_binomial
    assert prior.treatment.mean == pytest.approx(p0, abs=1e-12)
    assert prior.control.mean == pytest.approx(p0, abs=1e-12)
    ard = _monte_carlo_ard(prior, 20261204)
    assert _within_five_se(ard < p_alt - p0, 0.05)
    assert _within_five_se(ard > p0 - p_alt, 0.05)  # identical arms: ARD is symmetric


def test_calibrated_enthusiastic_beta_priors_give_5_percent_to_harm(fewer_is_better_priors):
    """Treatment centred on the design rate, control on p0; by Monte Carlo P(ARD > 0) =
    0.05 (harm: more deaths on treatment)."""
    p0, p_alt = _design_rates(FEWER_IS_BETTER)
    prior = fewer_is_better_priors["enthusiastic"].beta_binomial
    assert prior.treatment.mean == pytest.approx(p_alt, abs=1e-12)
    assert prior.control.mean == pytest.approx(p0, abs=1e-12)
    ard = _monte_carlo_ard(prior, 20261205)
    assert _within_five_se(ard > 0, 0.05)
    assert np.mean(ard < 0) > 0.9


def test_implied_statements_follow_the_calibration_direction(fewer_is_better_priors):
    """The statements read back what the priors were calibrated to: 5% beyond the design
    effect for the skeptical prior, 95% benefit (OR < 1) for the enthusiastic one."""
    skeptical = implied_statements(fewer_is_better_priors["skeptical"], FEWER_IS_BETTER)
    enthusiastic = implied_statements(fewer_is_better_priors["enthusiastic"], FEWER_IS_BETTER)
    p0, p_alt = _design_rates(FEWER_IS_BETTER)
    assert skeptical["design_ard"] == pytest.approx(p_alt - p0, abs=1e-12)
    assert skeptical["bb_p_beyond_design"] == pytest.approx(0.05, abs=1e-6)
    assert skeptical["logistic_p_beyond_design"] == pytest.approx(0.05, abs=1e-9)
    assert skeptical["logistic_p_benefit"] == pytest.approx(0.5, abs=1e-12)
    assert enthusiastic["logistic_p_benefit"] == pytest.approx(0.95, abs=1e-9)
    assert enthusiastic["bb_p_benefit"] == pytest.approx(0.95, abs=1e-6)
    assert enthusiastic["bb_p_harm"] == pytest.approx(0.05, abs=1e-6)


# --------------------------------------------------------------------------- 7. command line


def _write_trial(tmp_path, direction: str, treatment=(20, 100), control=(40, 100)):
    path = tmp_path / f"trial_{direction}.yml"
    path.write_text(
        "trial:\n"
        "  arms: {treatment: new drug, control: usual care}\n"
        "outcomes:\n"
        "  death:\n"
        "    label: Death at day 28\n"
        f"    direction: {direction}\n"
        f"    treatment: {{events: {treatment[0]}, n: {treatment[1]}}}\n"
        f"    control: {{events: {control[0]}, n: {control[1]}}}\n"
        "  death_hr:\n"
        "    label: Death (hazard ratio)\n"
        f"    direction: {direction}\n"
        "    estimate: {measure: hazard_ratio, value: 0.75, ci95: [0.55, 1.02]}\n"
    )
    return path


def _fit_json(capsys, model: str, path, outcome: str = "death") -> dict:
    capsys.readouterr()
    status = main(["fit", "--model", model, "--prior", "reference", "--trial", str(path),
                   "--outcome", outcome, "--json"])
    assert status == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("model", ["beta-binomial", "logistic"])
@pytest.mark.slow
def test_cli_json_for_fewer_is_better(tmp_path, capsys, model):
    """Fewer deaths on treatment (20/100 vs 40/100) is a benefit; the JSON says so, keys
    P(benefit > d) by d, omits the literal P(ARD > d) key, and the same file with direction
    higher gives the complement (and then P(ARD > d) = P(benefit > d))."""
    lower = _fit_json(capsys, model, _write_trial(tmp_path, "lower"))
    assert lower["method"] == "exact"
    assert lower["direction"] == "lower"
    assert "p_ard_greater" not in lower
    greater = lower["p_benefit_greater"]
    assert list(greater) == ["0", "0.05", "0.1", "0.2"]
    assert greater["0"] == pytest.approx(lower["p_benefit"], abs=1e-12)
    assert lower["p_benefit"] > 0.99
    values = list(greater.values())
    assert all(a > b for a, b in zip(values, values[1:], strict=False))
    assert lower["risk_difference"]["median"] < 0
    assert lower["odds_ratio"]["ci95"][1] < 1

    higher = _fit_json(capsys, model, _write_trial(tmp_path, "higher"))
    assert higher["direction"] == "higher"
    assert higher["p_benefit"] == pytest.approx(1 - lower["p_benefit"], abs=2e-6)
    assert higher["p_ard_greater"] == higher["p_benefit_greater"]
    assert higher["risk_difference"] == lower["risk_difference"]  # the measures do not turn
    assert higher["odds_ratio"] == lower["odds_ratio"]


def test_cli_normal_on_a_published_hazard_ratio(tmp_path, capsys):
    """``--model normal`` on an estimate-only outcome: likelihood N(ln 0.75, se) with se =
    (ln 1.02 - ln 0.55) / (2 x 1.959964), the reference prior's logistic.treatment as the
    prior, conjugate update, P(log HR < 0) in closed form."""
    result = _fit_json(capsys, "normal", _write_trial(tmp_path, "lower"), "death_hr")
    prior = load_priors().get("reference").logistic.treatment
    se = (math.log(1.02) - math.log(0.55)) / (2 * 1.959964)
    precision = 1 / prior.sd**2 + 1 / se**2
    mean = (prior.mean / prior.sd**2 + math.log(0.75) / se**2) / precision
    sd = math.sqrt(1 / precision)
    expected = 0.5 * (1 + math.erf((0 - mean) / (sd * math.sqrt(2))))
    assert result["method"] == "exact"
    assert result["direction"] == "lower"
    assert result["effect"]["measure"] == "hazard_ratio"
    assert result["effect"]["median"] == pytest.approx(math.exp(mean), rel=1e-6)
    assert result["p_benefit"] == pytest.approx(expected, abs=1e-6)
    assert result["p_benefit"] > 0.9

    higher = _fit_json(capsys, "normal", _write_trial(tmp_path, "higher"), "death_hr")
    assert higher["p_benefit"] == pytest.approx(1 - expected, abs=1e-6)
