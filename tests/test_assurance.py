"""Assurance and operating characteristics of a future trial (exact by enumeration),
checked against exact rational arithmetic, numerical integration, brute-force simulation
and the closed forms the rule implies; and the two verbs' JSON and bad inputs."""

import json
import math
from fractions import Fraction
from functools import cache

import numpy as np
import pytest
from scipy import integrate, special

from models.cli.main import main
from models.core.distributions import BetaBinomialPrior, BetaPrior
from models.data.trial import ArmCounts, OutcomeCounts
from models.exact.assurance import (
    assurance,
    assurance_ceiling,
    assurance_curve,
    operating_characteristics,
    plateau_n,
)
from models.exact.beta_binomial import posterior
from models.exact.success_rule import SuccessRule, p_treatment_above
from tests.test_bad_inputs import refused

# --- independent references -----------------------------------------------------------


def beta_function(a: int, b: int) -> Fraction:
    """B(a, b) for whole numbers, as an exact fraction."""
    return Fraction(math.factorial(a - 1) * math.factorial(b - 1), math.factorial(a + b - 1))


def rational_p_above(a1: int, b1: int, a2: int, b2: int) -> Fraction:
    """P(X > Y), X ~ Beta(a1, b1), Y ~ Beta(a2, b2), whole parameters: Miller's finite sum
    in exact rational arithmetic."""
    return sum((beta_function(a2 + i, b1 + b2)
                / ((b1 + i) * beta_function(1 + i, b1) * beta_function(a2, b2))
                for i in range(a1)), Fraction(0))


def rational_predictive(k: int, n: int, a: int, b: int) -> Fraction:
    """Beta-binomial P(k of n) for whole a, b, as an exact fraction."""
    return math.comb(n, k) * beta_function(k + a, n - k + b) / beta_function(a, b)


@cache
def quad_p_above(t: int, n_t: int, c: int, n_c: int) -> float:
    """P(p_t > p_c) under flat priors by adaptive numerical integration."""
    log_norm = special.betaln(1 + c, 1 + n_c - c)

    def integrand(x: float) -> float:  # control density times treatment survival
        density = math.exp(special.xlogy(c, x) + special.xlog1py(n_c - c, -x) - log_norm)
        return density * float(special.betaincc(1 + t, 1 + n_t - t, x))

    return integrate.quad(integrand, 0.0, 1.0, epsabs=1e-13, epsrel=1e-12, limit=200)[0]


def brute_force_success_rate(future_t: np.ndarray, future_c: np.ndarray, n: int) -> float:
    """The share of simulated future trials whose own P(benefit), by numerical integration
    (each distinct outcome once), exceeds 0.975."""
    pairs = np.stack([future_t, future_c], axis=1)
    distinct, index = np.unique(pairs, axis=0, return_inverse=True)
    judged = np.array([quad_p_above(int(t), n, int(c), n) > 0.975 for t, c in distinct])
    return float(np.mean(judged[index.ravel()]))


def counts(t: int, n_t: int, c: int, n_c: int, direction: str = "higher") -> OutcomeCounts:
    return OutcomeCounts("outcome", "Outcome", ArmCounts(t, n_t), ArmCounts(c, n_c),
                         direction=direction)  # type: ignore[arg-type]


FLAT = BetaBinomialPrior(BetaPrior(1.0, 1.0), BetaPrior(1.0, 1.0))


# --- the success rule -----------------------------------------------------------------


@pytest.mark.parametrize(("n_t", "n_c"), [(6, 9), (12, 12), (15, 4)])
def test_every_outcome_p_benefit_matches_exact_fractions(n_t, n_c):
    matrix = p_treatment_above(n_t, n_c)
    assert matrix.shape == (n_t + 1, n_c + 1)
    for t in range(n_t + 1):
        for c in range(n_c + 1):
            exact = rational_p_above(1 + t, 1 + n_t - t, 1 + c, 1 + n_c - c)
            assert matrix[t, c] == pytest.approx(float(exact), abs=1e-14)


def test_every_outcome_p_benefit_matches_numerical_integration():
    rule = SuccessRule(20, 25)
    for t in range(0, 21, 4):
        for c in range(0, 26, 5):
            assert rule.p_benefit[t, c] == pytest.approx(quad_p_above(t, 20, c, 25), abs=1e-10)


def test_success_is_a_boundary_that_rises_with_the_control_count():
    rule = SuccessRule.per_arm(60)
    success = rule.success
    # Within each control count: once a treatment count succeeds, every larger one does.
    assert np.all(np.diff(success.astype(int), axis=0) >= 0)
    critical = rule.critical_counts
    assert np.all(np.diff(critical) >= 0)
    assert critical[0] > 0
    for c, t in enumerate(critical):
        if t <= rule.n_treatment:
            assert rule.p_benefit[t, c] > rule.threshold
        if t >= 1:
            assert rule.p_benefit[t - 1, c] <= rule.threshold


def test_fewer_is_better_is_the_same_rule_on_non_events():
    higher, lower = SuccessRule(30, 24), SuccessRule(30, 24, direction="lower")
    for t in range(31):
        for c in range(25):
            assert lower.success[t, c] == higher.success[30 - t, 24 - c]
            assert lower.p_benefit[t, c] == pytest.approx(
                1.0 - higher.p_benefit[t, c], abs=1e-12)
    critical = lower.critical_counts
    assert np.all(np.diff(critical) >= 0)
    assert critical[-1] < 30


def test_a_lower_threshold_succeeds_on_more_outcomes():
    strict, lenient = SuccessRule.per_arm(40, 0.99), SuccessRule.per_arm(40, 0.9)
    assert np.all(lenient.success >= strict.success)
    assert lenient.success.sum() > strict.success.sum()


# --- assurance ------------------------------------------------------------------------


def test_assurance_matches_exact_rational_arithmetic():
    arms = posterior(FLAT, counts(7, 13, 5, 16))  # Beta(8, 7) and Beta(6, 12)
    n, threshold = 10, Fraction(975, 1000)
    rule = SuccessRule.per_arm(n, float(threshold))
    exact = Fraction(0)
    for t in range(n + 1):
        for c in range(n + 1):
            if rational_p_above(1 + t, 1 + n - t, 1 + c, 1 + n - c) > threshold:
                exact += (rational_predictive(t, n, 8, 7) * rational_predictive(c, n, 6, 12))
    assert exact > 0
    assert assurance(rule, arms) == pytest.approx(float(exact), abs=1e-12)


def test_assurance_matches_brute_force_simulation(trial, prior_set):
    """Draw rates from the posterior, future counts from the rates, and judge each
    simulated trial by numerical integration: the success fraction agrees with the
    enumeration within Monte Carlo error."""
    observed = trial.outcome("remission")
    arms = posterior(prior_set.get("skeptical").beta_binomial, observed)
    n, draws = 24, 40_000
    rng = np.random.default_rng(20261128)
    rate_t = rng.beta(arms.treatment.alpha, arms.treatment.beta, draws)
    rate_c = rng.beta(arms.control.alpha, arms.control.beta, draws)
    future_t, future_c = rng.binomial(n, rate_t), rng.binomial(n, rate_c)
    simulated = brute_force_success_rate(future_t, future_c, n)
    exact = assurance(SuccessRule.per_arm(n), arms)
    assert 0.05 < exact < 0.95
    assert abs(simulated - exact) < 4 * math.sqrt(exact * (1 - exact) / draws)


@pytest.mark.parametrize(("control_rate", "treatment_rate", "direction"),
                         [(0.25, 0.4545, "higher"), (0.4, 0.3, "lower"), (0.3, 0.3, "higher")])
def test_a_point_mass_like_prior_gives_the_power_at_its_rates(control_rate, treatment_rate,
                                                               direction):
    strength = 1e8
    certain = BetaBinomialPrior(
        BetaPrior(strength * treatment_rate, strength * (1 - treatment_rate)),
        BetaPrior(strength * control_rate, strength * (1 - control_rate)))
    rule = SuccessRule.per_arm(120, direction=direction)
    arms = posterior(certain, counts(7, 13, 5, 16, direction))
    [power] = operating_characteristics(rule, control_rate, [treatment_rate])
    assert assurance(rule, arms) == pytest.approx(power, abs=1e-5)


def test_assurance_is_below_power_at_the_posterior_means(trial, prior_set):
    """Averaging over the uncertainty about the effect costs: at a size where the power
    at the posterior mean rates is high, assurance is lower."""
    observed = trial.outcome("remission")
    arms = posterior(prior_set.get("reference").beta_binomial, observed)
    rule = SuccessRule.per_arm(300)
    [power] = operating_characteristics(rule, arms.control.mean, [arms.treatment.mean])
    assert power > 0.9
    assert assurance(rule, arms) < power - 0.1


def test_assurance_approaches_the_current_p_benefit_from_below(trial, prior_set):
    observed = trial.outcome("response")
    prior = prior_set.get("reference").beta_binomial
    ceiling = assurance_ceiling(prior, observed)
    arms = posterior(prior, observed)
    values = [assurance(SuccessRule.per_arm(n), arms) for n in (100, 400, 1500)]
    gaps = [ceiling - v for v in values]
    assert all(gap > 0 for gap in gaps)
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 0.05


def test_curve_shares_rules_between_priors(trial, prior_set):
    rules: dict = {}
    sizes = [20, 70, 120]
    observed = trial.outcome("remission")
    curves = [assurance_curve(prior_set.get(name).beta_binomial, observed, sizes, 0.975, rules)
              for name in prior_set.names]
    assert len(rules) == len(sizes)
    for curve, name in zip(curves, prior_set.names, strict=True):
        arms = posterior(prior_set.get(name).beta_binomial, observed)
        assert curve.assurance[1] == pytest.approx(assurance(SuccessRule.per_arm(70), arms),
                                                   abs=1e-15)
        assert curve.ceiling == pytest.approx(assurance_ceiling(
            prior_set.get(name).beta_binomial, observed), abs=1e-15)


def test_plateau_is_the_first_size_whose_next_step_gains_little():
    sizes = list(range(20, 301, 10))
    values = [1 - math.exp(-n / 40) for n in sizes]
    n = plateau_n(sizes, values, step=50, gain=0.01)
    assert n is not None
    assert values[sizes.index(n + 50)] - values[sizes.index(n)] < 0.01
    assert values[sizes.index(n - 10) + 5] - values[sizes.index(n - 10)] >= 0.01
    assert plateau_n(sizes, [s / 100 for s in sizes], step=50, gain=0.01) is None


# --- operating characteristics --------------------------------------------------------


@pytest.mark.parametrize("rate", [0.05, 0.2, 0.5])
def test_type_one_error_at_equal_rates_is_about_one_minus_the_threshold(rate):
    """Under equal rates the flat-prior P(benefit) is close to uniform, so the rule
    succeeds with probability close to 1 - T, at every threshold."""
    for threshold in (0.975, 0.9):
        [alpha] = operating_characteristics(SuccessRule.per_arm(400, threshold), rate, [rate])
        assert alpha == pytest.approx(1 - threshold, abs=0.002 if threshold > 0.95 else 0.006)


def test_type_one_error_matches_brute_force_simulation():
    n, rate, draws = 30, 0.3, 200_000
    rng = np.random.default_rng(7)
    rule = SuccessRule.per_arm(n)
    future_t, future_c = rng.binomial(n, rate, draws), rng.binomial(n, rate, draws)
    simulated = brute_force_success_rate(future_t, future_c, n)
    [alpha] = operating_characteristics(rule, rate, [rate])
    assert abs(simulated - alpha) < 4 * math.sqrt(alpha * (1 - alpha) / draws)


def test_operating_characteristics_keep_the_order_and_mirror_the_direction():
    higher = SuccessRule.per_arm(80)
    lower = SuccessRule.per_arm(80, direction="lower")
    rates = [0.5, 0.25, 0.4]
    values = operating_characteristics(higher, 0.25, rates)
    assert values[0] > values[2] > values[1]
    mirrored = operating_characteristics(lower, 0.75, [1 - r for r in rates])
    assert mirrored == pytest.approx(values, abs=1e-13)


def test_power_rises_with_the_size():
    powers = [operating_characteristics(SuccessRule.per_arm(n), 0.25, [0.45])[0]
              for n in (20, 60, 120, 240)]
    assert powers == sorted(powers)
    assert powers[-1] > 0.95


# --- command line ---------------------------------------------------------------------


def run_json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_assurance_json(capsys, trial, prior_set):
    out = run_json(capsys, "assurance", "--outcome", "response", "--prior", "skeptical",
                   "--n-per-arm", "150", "--threshold", "0.95", "--json")
    assert {"assurance", "n_per_arm", "threshold", "prior", "outcome", "method"} <= set(out)
    assert (out["n_per_arm"], out["threshold"], out["prior"], out["outcome"],
            out["method"]) == (150, 0.95, "skeptical", "response", "exact")
    arms = posterior(prior_set.get("skeptical").beta_binomial, trial.outcome("response"))
    assert out["assurance"] == pytest.approx(
        assurance(SuccessRule.per_arm(150, 0.95), arms), abs=1e-15)
    assert out["assurance"] < out["ceiling"]


def test_assurance_text(capsys):
    assert main(["assurance", "--outcome", "remission", "--prior", "reference",
                 "--n-per-arm", "50"]) == 0
    out = capsys.readouterr().out
    assert "50 per arm" in out
    assert "assurance = 0." in out


def test_assurance_follows_a_fewer_is_better_outcome(capsys, tmp_path):
    from models.core.paths import ROOT

    out = run_json(capsys, "assurance", "--outcome", "death", "--prior", "reference",
                   "--n-per-arm", "200", "--json",
                   "--trial", str(ROOT / "data/examples/eolia_mortality.yml"),
                   "--priors", str(ROOT / "data/examples/eolia_priors.yml"))
    assert out["direction"] == "lower"
    mirrored = posterior(FLAT, counts(124 - 44, 124, 125 - 57, 125))
    # Under flat priors the mirrored problem (survivors, more is better) gives the same.
    assert out["prior"] == "reference"
    flat_out = assurance(SuccessRule.per_arm(200, direction="lower"),
                         posterior(FLAT, counts(44, 124, 57, 125, "lower")))
    assert flat_out == pytest.approx(assurance(SuccessRule.per_arm(200), mirrored), abs=1e-13)


def test_oc_json_in_the_order_given(capsys):
    out = run_json(capsys, "oc", "--n-per-arm", "100", "--control-rate", "0.25",
                   "--treatment-rate", "0.45,0.25,0.35", "--json")
    assert out["method"] == "exact"
    assert out["treatment_rates"] == [0.45, 0.25, 0.35]
    expected = operating_characteristics(SuccessRule.per_arm(100), 0.25, [0.45, 0.25, 0.35])
    assert out["p_success"] == pytest.approx(expected, abs=1e-15)
    assert out["p_success"][0] > out["p_success"][2] > out["p_success"][1]


def test_oc_text_names_power_and_type_one_error(capsys):
    assert main(["oc", "--n-per-arm", "60", "--control-rate", "0.3",
                 "--treatment-rate", "0.3,0.5", "--direction", "higher"]) == 0
    out = capsys.readouterr().out
    assert "type I error" in out
    assert "power" in out


ASSURANCE = ["assurance", "--outcome", "remission", "--prior", "reference"]
OC = ["oc", "--control-rate", "0.25", "--treatment-rate", "0.4"]


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        ([*ASSURANCE, "--n-per-arm", "1"], r"--n-per-arm must be from 2 to"),
        ([*ASSURANCE, "--n-per-arm", "12.5"], r"--n-per-arm must be a whole number"),
        ([*ASSURANCE, "--n-per-arm", "ten"], r"--n-per-arm must be a whole number"),
        ([*ASSURANCE, "--n-per-arm", "10000000"], r"--n-per-arm must be from 2 to 5,000"),
        ([*ASSURANCE, "--n-per-arm", "50", "--threshold", "1"], r"--threshold .* between 0 and 1"),
        ([*ASSURANCE, "--n-per-arm", "50", "--threshold", "0"], r"--threshold"),
        ([*ASSURANCE, "--n-per-arm", "50", "--threshold", "nan"], r"--threshold"),
        (["assurance", "--outcome", "death", "--prior", "reference", "--n-per-arm", "50"],
         r"--outcome must be one of remission, response"),
        (["assurance", "--outcome", "remission", "--prior", "hopeful", "--n-per-arm", "50"],
         r"--prior must be one of"),
        ([*OC, "--n-per-arm", "0"], r"--n-per-arm"),
        ([*OC, "--n-per-arm", "50", "--threshold", "-0.5"], r"--threshold"),
        (["oc", "--n-per-arm", "50", "--control-rate", "1.5", "--treatment-rate", "0.4"],
         r"--control-rate must be a rate from 0 to 1, got '1.5'"),
        (["oc", "--n-per-arm", "50", "--control-rate", "0.2", "--treatment-rate", "0.4,-0.1"],
         r"--treatment-rate must be a rate from 0 to 1, got '-0.1'"),
        (["oc", "--n-per-arm", "50", "--control-rate", "0.2", "--treatment-rate", "0.4,"],
         r"--treatment-rate must be a rate from 0 to 1, got ''"),
        (["oc", "--n-per-arm", "50", "--control-rate", "inf", "--treatment-rate", "0.4"],
         r"--control-rate"),
        ([*OC, "--n-per-arm", "50", "--direction", "up"], r"--direction"),
    ],
)
def test_bad_planning_input_is_one_line(capsys, argv, field):
    refused(capsys, argv, field)


def test_assurance_refuses_an_outcome_given_only_as_a_ratio(capsys):
    from models.core.paths import ROOT

    line = refused(capsys, ["assurance", "--outcome", "death", "--prior", "reference",
                            "--n-per-arm", "50", "--trial",
                            str(ROOT / "data/examples/andromeda_shock_mortality.yml"),
                            "--priors", str(ROOT / "data/examples/andromeda_shock_priors.yml")],
                   r"--outcome 'death' is given only as a published hazard ratio")
    assert "events and n per arm" in line
