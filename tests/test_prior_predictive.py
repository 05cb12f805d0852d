"""The exact prior predictive check (models.exact.prior_predictive) against independent
answers (scipy's beta-binomial and binomial, adaptive quadrature, seeded Monte Carlo,
brute-force sums), and its table and figure (models.report.prior_predictive_view)."""

import itertools
import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import FOURTH_PRIOR
from matplotlib.colors import to_hex
from matplotlib.text import Text
from scipy import integrate, special, stats

import models.exact.prior_predictive as pp
import models.report.format as fmt
from models.core.distributions import BetaBinomialPrior, BetaPrior, NormalPrior
from models.data.trial import ArmCounts, OutcomeCounts
from models.exact.errors import NumericalError
from models.priors.priors_file import load_priors
from models.report.figures import label_text, prior_colors
from models.report.prior_predictive_view import (
    FAMILIES,
    FAMILY_NAMES,
    NOT_COMPUTABLE,
    NOT_DRAWN,
    prior_predictive_figure,
    prior_predictive_table,
)

HOSTILE_LABEL = "Club <script>alert(1)</script> and *bold* | $x$"


def counts(x_t: int, n_t: int, x_c: int, n_c: int) -> OutcomeCounts:
    return OutcomeCounts("test", "Test", ArmCounts(x_t, n_t), ArmCounts(x_c, n_c))


def family_predictive(prior, outcome, family):
    if family == "logistic":
        return pp.logistic_prior_predictive(prior.logistic.intercept,
                                            prior.logistic.treatment, outcome)
    return pp.beta_binomial_prior_predictive(prior.beta_binomial, outcome)


def every_case(trial, prior_set):
    return [(prior, outcome, family) for prior in prior_set.priors.values()
            for outcome in trial.outcomes.values() for family in FAMILIES]


# --- the exact layer --------------------------------------------------------------------


def test_every_pmf_sums_to_one_and_has_the_arms_shape(trial, prior_set):
    for prior, outcome, family in every_case(trial, prior_set):
        result = family_predictive(prior, outcome, family)
        assert result.pmf.shape == (outcome.treatment.n + 1, outcome.control.n + 1)
        assert abs(result.pmf.sum() - 1.0) < 1e-9, (prior.name, outcome.name, family)
        assert (result.pmf >= 0).all()


def test_beta_binomial_marginals_are_scipy_betabinom_and_arms_independent(trial, prior_set):
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            result = pp.beta_binomial_prior_predictive(prior.beta_binomial, outcome)
            expected = {}
            for arm in ("treatment", "control"):
                beta, n = getattr(prior.beta_binomial, arm), getattr(outcome, arm).n
                expected[arm] = stats.betabinom.pmf(np.arange(n + 1), n, beta.alpha, beta.beta)
                np.testing.assert_allclose(result.marginal(arm), expected[arm], rtol=0,
                                           atol=1e-14)
            np.testing.assert_allclose(result.pmf,
                                       np.outer(expected["treatment"], expected["control"]),
                                       rtol=0, atol=1e-15)


def logistic_cell(intercept, log_or, n_t, n_c, j, i):
    """P(x_T = j, x_C = i) by adaptive two-dimensional quadrature over (a, b) themselves,
    with the binomial pmf and normal densities written out in scalar arithmetic (no code
    shared with the module; scipy.stats per point would take minutes)."""

    def binomial(k, n, log_odds):
        p, q = 1.0 / (1.0 + math.exp(-log_odds)), 1.0 / (1.0 + math.exp(log_odds))
        return math.comb(n, k) * p**k * q ** (n - k)

    def normal(x, prior):
        u = (x - prior.mean) / prior.sd
        return math.exp(-0.5 * u * u) / (prior.sd * math.sqrt(2.0 * math.pi))

    def integrand(b, a):
        return (binomial(i, n_c, a) * binomial(j, n_t, a + b) * normal(a, intercept)
                * normal(b, log_or))

    value, _ = integrate.dblquad(
        integrand, intercept.mean - 10 * intercept.sd, intercept.mean + 10 * intercept.sd,
        log_or.mean - 10 * log_or.sd, log_or.mean + 10 * log_or.sd,
        epsabs=1e-12, epsrel=1e-10)
    return value


@pytest.mark.parametrize("name", ["reference", "enthusiastic"])
def test_logistic_joint_pmf_agrees_with_adaptive_quadrature(trial, prior_set, name):
    prior = prior_set.get(name).logistic
    outcome = trial.outcome("remission")
    n_t, n_c = outcome.treatment.n, outcome.control.n
    result = pp.logistic_prior_predictive(prior.intercept, prior.treatment, outcome)
    for j, i in [(0, 0), (7, 5), (13, 2), (4, 16)]:
        expected = logistic_cell(prior.intercept, prior.treatment, n_t, n_c, j, i)
        assert result.pmf[j, i] == pytest.approx(expected, abs=1e-8), (j, i)


def test_logistic_risk_difference_tail_agrees_with_seeded_monte_carlo(trial, prior_set):
    prior = prior_set.get("skeptical").logistic
    outcome = trial.outcome("response")
    n_t, n_c = outcome.treatment.n, outcome.control.n
    exact = pp.logistic_prior_predictive(prior.intercept, prior.treatment, outcome)
    rng = np.random.default_rng(20261127)
    draws = 200_000
    a = rng.normal(prior.intercept.mean, prior.intercept.sd, draws)
    b = rng.normal(prior.treatment.mean, prior.treatment.sd, draws)
    x_c = rng.binomial(n_c, special.expit(a))
    x_t = rng.binomial(n_t, special.expit(a + b))
    hits = x_t * n_c - x_c * n_t >= outcome.treatment.events * n_c - outcome.control.events * n_t
    p = exact.p_risk_difference_at_least(outcome.treatment.events, outcome.control.events)
    se = np.sqrt(p * (1 - p) / draws)
    assert abs(hits.mean() - p) < 4 * se
    # the arms are dependent (they share the intercept): the pmf is not the outer product
    independent = np.outer(exact.marginal("treatment"), exact.marginal("control"))
    assert np.abs(exact.pmf - independent).max() > 1e-3


def test_a_tight_logistic_prior_gives_the_product_of_binomials():
    outcome = counts(7, 13, 5, 16)
    intercept, log_or = NormalPrior(-1.0, 1e-3), NormalPrior(0.8, 1e-3)
    result = pp.logistic_prior_predictive(intercept, log_or, outcome)
    expected = np.outer(stats.binom.pmf(np.arange(14), 13, special.expit(-1.0 + 0.8)),
                        stats.binom.pmf(np.arange(17), 16, special.expit(-1.0)))
    np.testing.assert_allclose(result.pmf, expected, rtol=0, atol=1e-5)


def direct_tail(pmf, n_t, n_c, x_t, x_c):
    """P(RD >= observed RD) by a double loop over the cells, compared as fractions."""
    observed = Fraction(x_t, n_t) - Fraction(x_c, n_c)
    return sum(pmf[j, i] for j in range(n_t + 1) for i in range(n_c + 1)
               if Fraction(j, n_t) - Fraction(i, n_c) >= observed)


@pytest.mark.parametrize("family", FAMILIES)
def test_risk_difference_tail_equals_a_direct_sum(trial, prior_set, family):
    outcome = trial.outcome("remission")
    n_t, n_c = outcome.treatment.n, outcome.control.n
    result = family_predictive(prior_set.get("enthusiastic"), outcome, family)
    for x_t, x_c in [(7, 5), (0, 0), (13, 16), (13, 0), (0, 16), (6, 3)]:
        assert result.p_risk_difference_at_least(x_t, x_c) == pytest.approx(
            direct_tail(result.pmf, n_t, n_c, x_t, x_c), abs=1e-14)


def test_risk_difference_pmf_merges_equal_differences_exactly():
    # equal arms: every difference (j - i)/n occurs n + 1 - |j - i| times
    prior = BetaBinomialPrior(BetaPrior(2.0, 3.0), BetaPrior(1.5, 4.0))
    result = pp.beta_binomial_prior_predictive(prior, counts(2, 6, 1, 6))
    values, probabilities = result.risk_difference_pmf()
    np.testing.assert_allclose(values, np.arange(-6, 7) / 6, rtol=0, atol=1e-15)
    expected = [sum(result.pmf[j, i] for j in range(7) for i in range(7) if j - i == d)
                for d in range(-6, 7)]
    np.testing.assert_allclose(probabilities, expected, rtol=0, atol=1e-15)


def test_risk_difference_bins_sum_each_bin_and_send_an_edge_value_up():
    prior = BetaBinomialPrior(BetaPrior(2.0, 3.0), BetaPrior(1.5, 4.0))
    result = pp.beta_binomial_prior_predictive(prior, counts(2, 20, 1, 20))
    centres, binned = result.risk_difference_bins(0.1)
    np.testing.assert_allclose(centres, np.arange(-10, 11) / 10, atol=1e-15)
    values, probabilities = result.risk_difference_pmf()
    fractions = [Fraction(round(v * 20), 20) for v in values]
    for centre, p in zip(range(-10, 11), binned, strict=True):
        low, high = Fraction(2 * centre - 1, 20), Fraction(2 * centre + 1, 20)
        expected = sum(q for f, q in zip(fractions, probabilities, strict=True)
                       if low <= f < high)
        assert p == pytest.approx(expected, abs=1e-15), centre
    assert binned.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("n, alpha, beta", [(4, 2.0, 3.0), (3, 1.0, 1.0), (9, 0.7, 0.4)])
def test_arm_interval_is_the_discrete_quantile_of_scipy(n, alpha, beta):
    # (3, 1, 1) is uniform on 0..3: the CDF is exactly 0.5 at 1, so the median is 1
    prior = BetaBinomialPrior(BetaPrior(alpha, beta), BetaPrior(1.0, 1.0))
    result = pp.beta_binomial_prior_predictive(prior, counts(0, n, 0, 5))
    interval = result.arm_interval("treatment", 0.95)
    expected = stats.betabinom.ppf([0.5, 0.025, 0.975], n, alpha, beta)
    assert (interval.median, interval.lower, interval.upper) == tuple(expected)
    interval80 = result.arm_interval("treatment", 0.8)
    assert (interval80.lower, interval80.upper) == tuple(
        stats.betabinom.ppf([0.1, 0.9], n, alpha, beta))


def test_risk_difference_interval_is_the_discrete_quantile_of_the_sorted_cells(trial,
                                                                               prior_set):
    outcome = trial.outcome("response")
    result = pp.logistic_prior_predictive(prior_set.get("skeptical").logistic.intercept,
                                          prior_set.get("skeptical").logistic.treatment,
                                          outcome)
    n_t, n_c = outcome.treatment.n, outcome.control.n
    cells = sorted((Fraction(j, n_t) - Fraction(i, n_c), result.pmf[j, i])
                   for j, i in itertools.product(range(n_t + 1), range(n_c + 1)))

    def quantile(q):
        total = 0.0
        for value, p in cells:
            total += p
            if total >= q:
                return float(value)
        raise AssertionError("CDF never reached q")

    interval = result.risk_difference_interval(0.95)
    assert (interval.median, interval.lower, interval.upper) == pytest.approx(
        (quantile(0.5), quantile(0.025), quantile(0.975)), abs=1e-15)


def test_p_at_least_is_the_upper_tail_of_the_marginal(trial, prior_set):
    outcome = trial.outcome("remission")
    prior = prior_set.get("reference").beta_binomial
    result = pp.beta_binomial_prior_predictive(prior, outcome)
    assert result.p_at_least("treatment", 7) == pytest.approx(
        stats.betabinom.sf(6, 13, prior.treatment.alpha, prior.treatment.beta), abs=1e-14)
    assert result.p_at_least("control", 0) == pytest.approx(1.0, abs=1e-14)


def test_a_logistic_prior_that_does_not_settle_raises(monkeypatch):
    monkeypatch.setattr(pp, "MAX_NODES", 73)
    with pytest.raises(NumericalError, match=r"did not settle to 1e-10 by 73 nodes"):
        pp.logistic_prior_predictive(NormalPrior(0.0, 10.0), NormalPrior(0.0, 10.0),
                                     counts(7, 13, 5, 16))


def test_bad_arguments_are_named():
    result = pp.beta_binomial_prior_predictive(
        BetaBinomialPrior(BetaPrior(1.0, 1.0), BetaPrior(1.0, 1.0)), counts(1, 3, 1, 3))
    with pytest.raises(ValueError, match="arm must be 'treatment' or 'control'"):
        result.marginal("placebo")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="probability must be strictly between 0 and 1"):
        result.arm_interval("control", 1.0)
    with pytest.raises(ValueError, match="control_events must be between 0 and 3, got 4"):
        result.p_risk_difference_at_least(1, 4)
    with pytest.raises(ValueError, match="log_odds_ratio must have a finite mean and a finite"):
        pp.logistic_prior_predictive(NormalPrior(0.0, 1.0), NormalPrior(0.0, 0.0),
                                     counts(1, 3, 1, 3))


# --- the report layer -------------------------------------------------------------------


@pytest.fixture
def hostile_priors(write_priors, priors_text):
    text = priors_text + FOURTH_PRIOR.replace("label: Researcher's pessimist",
                                              f'label: "{HOSTILE_LABEL}"')
    return load_priors(write_priors(text))


def test_table_has_one_row_per_prior_outcome_and_family(trial, prior_set):
    table = prior_predictive_table(trial, prior_set)
    assert len(table) == len(prior_set.names) * len(trial.outcomes) * len(FAMILIES)
    assert len(table.columns) <= 7
    labels = [p.label for p in prior_set.priors.values()]
    outcomes = [o.label for o in trial.outcomes.values()]
    assert list(zip(table["Prior"], table["Outcome"], table["Model"], strict=True)) == [
        (p, o, FAMILY_NAMES[f]) for p in labels for o in outcomes for f in FAMILIES]
    first = next(iter(trial.outcomes.values()))
    assert table["Observed (ARD)"].iloc[0].startswith(f"{first.treatment} vs {first.control}")


def test_table_cells_come_from_the_exact_layer(trial, prior_set):
    table = prior_predictive_table(trial, prior_set)
    prior, outcome = prior_set.get("skeptical"), trial.outcome("response")
    rows = table[(table["Prior"] == prior.label) & (table["Outcome"] == outcome.label)]
    for family in FAMILIES:
        row = rows[rows["Model"] == FAMILY_NAMES[family]].iloc[0]
        predictive = family_predictive(prior, outcome, family)
        assert row["ARD expected, points"] == fmt.ard_interval(
            predictive.risk_difference_interval())
        assert row["P(ARD >= observed)"] == fmt.prob(predictive.p_risk_difference_at_least(
            outcome.treatment.events, outcome.control.events))


def test_table_escapes_a_hostile_label(trial, hostile_priors):
    table = prior_predictive_table(trial, hostile_priors)
    assert len(table) == len(hostile_priors.names) * len(trial.outcomes) * len(FAMILIES)
    assert HOSTILE_LABEL in set(table["Prior"])  # plain text here; escaped when printed
    markdown = fmt.markdown_table(table)
    assert fmt.markdown_text(HOSTILE_LABEL) in markdown
    assert "<script>" not in markdown and "*bold*" not in markdown


def test_figure_draws_one_line_per_prior_per_panel_in_its_colour(trial, hostile_priors):
    fig = prior_predictive_figure(trial, hostile_priors)
    try:
        colors = prior_colors(hostile_priors)
        panels = fig.axes
        assert len(panels) == len(FAMILIES) * len(trial.outcomes)
        outcomes = list(trial.outcomes.values()) * len(FAMILIES)
        for ax, outcome in zip(panels, outcomes, strict=True):
            lines = [line for line in ax.get_lines()
                     if str(line.get_gid()).startswith("prior:")]
            assert [line.get_gid() for line in lines] == [f"prior:{name}"
                                                          for name in hostile_priors.names]
            for line in lines:
                assert to_hex(line.get_color()) == colors[line.get_gid().split(":", 1)[1]]
            observed = [line for line in ax.get_lines() if line.get_gid() == "observed"]
            assert len(observed) == 1 and to_hex(observed[0].get_color()) == "#000000"
            assert observed[0].get_xdata()[0] == pytest.approx(
                100 * (outcome.treatment.rate - outcome.control.rate))
        assert len(fig.legends) == 1
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert label_text(HOSTILE_LABEL) in legend and "observed" in legend
        assert fig.get_size_inches()[0] <= 9.5
        sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip()]
        assert min(sizes) >= 9
    finally:
        plt.close(fig)


def test_a_prior_that_cannot_be_computed_is_said_in_table_and_legend(monkeypatch, trial,
                                                                     prior_set):
    monkeypatch.setattr(pp, "MAX_NODES", 73)  # the reference N(0, 2.5) needs 289 nodes
    table = prior_predictive_table(trial, prior_set)
    reference = table[table["Prior"] == prior_set.get("reference").label]
    logistic = reference["Model"] == FAMILY_NAMES["logistic"]
    assert (reference.loc[logistic, "Events expected"] == NOT_COMPUTABLE).all()
    assert (reference.loc[~logistic, "Events expected"] != NOT_COMPUTABLE).all()
    fig = prior_predictive_figure(trial, prior_set)
    try:
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert prior_set.get("reference").label + NOT_DRAWN in legend
        top = [line.get_gid() for line in fig.axes[0].get_lines()]
        assert "prior:reference" not in top and "prior:skeptical" in top
    finally:
        plt.close(fig)


@pytest.mark.slow
def test_all_or_none_mass_is_the_two_corner_cells(prior_set, trial):
    """Both arms with no events plus both with all events, from the binomial mixtures
    directly: P(0, 0) = E[(1 - p_c)^n_c (1 - p_t)^n_t] and P(n, n) = E[p_c^n_c p_t^n_t]."""
    logistic = prior_set.get("reference").logistic
    outcome = trial.outcome("remission")
    n_t, n_c = outcome.treatment.n, outcome.control.n
    a_prior, b_prior = logistic.intercept, logistic.treatment

    def corners(b, a):
        p_c, p_t = special.expit(a), special.expit(a + b)
        weight = stats.norm.pdf(a, a_prior.mean, a_prior.sd) * stats.norm.pdf(
            b, b_prior.mean, b_prior.sd)
        return weight * ((1 - p_c) ** n_c * (1 - p_t) ** n_t + p_c ** n_c * p_t ** n_t)

    expected, _ = integrate.dblquad(corners, -12 * a_prior.sd, 12 * a_prior.sd,
                                    -12 * b_prior.sd, 12 * b_prior.sd, epsabs=1e-10)
    predictive = pp.logistic_prior_predictive(a_prior, b_prior, outcome)
    assert predictive.p_all_or_none() == pytest.approx(expected, abs=1e-8)
