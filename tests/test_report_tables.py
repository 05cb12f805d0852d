"""The report's tables: every builder returns display strings, and the cells carry the
numbers an independent computation gives (closed form, scipy, brute-force Monte Carlo,
the posterior draws themselves, near-exact integration of the logistic posterior).

The results come from the session fixture ``report_results`` (small seeded sampler), so
MCMC cells are compared within Monte Carlo error, not digit by digit.
"""

import math
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import models.report.format as fmt
from models.data.trial import ArmCounts
from models.exact.beta_binomial import fit_exact
from models.mcmc.benefit_region import benefit_region
from models.mcmc.crp_effects import BENEFIT_LEVEL
from models.mcmc.diagnostics import ESS_MIN, RHAT_MAX
from models.report import tables
from models.report.results import MCSE_AGREEMENT
from models.sensitivity.prior_map import log_or_likelihood, p_benefit

MC_DRAWS = 400_000
NUMBER = re.compile(r"[+\-]?\d+(?:\.\d+)?")


def cell(table: pd.DataFrame, column: str, **where: str) -> str:
    """The one cell of ``column`` in the row matching every ``column=value`` in ``where``."""
    mask = np.ones(len(table), dtype=bool)
    for key, value in where.items():
        mask &= (table[key.replace("_", " ")] == value).to_numpy()
    assert mask.sum() == 1, (column, where)
    return str(table.loc[mask, column].item())


def numbers(text: str) -> list[float]:
    return [float(v) for v in NUMBER.findall(text)]


def beta_draws(posterior, rng) -> tuple[np.ndarray, np.ndarray]:
    return (rng.beta(posterior.treatment.alpha, posterior.treatment.beta, MC_DRAWS),
            rng.beta(posterior.control.alpha, posterior.control.beta, MC_DRAWS))


def logistic_p_benefit(prior, outcome) -> float:
    """P(log OR > 0) of the aggregate logistic model by deterministic integration."""
    likelihood = log_or_likelihood(outcome, prior.logistic.intercept)
    return float(p_benefit(likelihood, np.asarray(prior.logistic.treatment.mean),
                           np.asarray(prior.logistic.treatment.sd)))


BUILDERS = [tables.summary, tables.counts, tables.frequentist, tables.prior_beliefs,
            tables.prior_parameters, tables.headline, tables.effects, tables.logistic,
            tables.interaction, tables.truth, tables.missing_participant,
            tables.sensitivity_named, tables.placebo_rate, tables.psense,
            tables.exact_vs_mcmc, tables.diagnostics, tables.ppc]


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_every_table_is_display_strings(report_results, builder):
    table = builder(report_results)
    assert isinstance(table, pd.DataFrame) and not table.empty
    assert all(isinstance(v, str) for v in table.to_numpy().ravel())


def test_headline_cells_equal_the_exact_fit_and_monte_carlo(report_results, prior_set,
                                                            trial):
    table = tables.headline(report_results)
    rng = np.random.default_rng(1)
    assert len(table) == len(prior_set.names) * len(trial.outcomes)
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            fit = fit_exact(prior.beta_binomial, outcome)
            where = {"Prior": prior.label, "Outcome": outcome.label}
            shown = cell(table, "P(tocilizumab better)", **where)
            assert shown == fmt.prob(fit.summary.p_benefit.estimate)
            t, c = beta_draws(fit.posterior, rng)
            for d, column in ((0.0, "P(tocilizumab better)"), (0.05, "P(ARD > 5 points)"),
                              (0.1, "P(ARD > 10 points)"), (0.2, "P(ARD > 20 points)")):
                assert float(cell(table, column, **where)) == pytest.approx(
                    np.mean(t - c > d), abs=0.004)


def test_summary_is_the_headline_in_one_row_per_prior(report_results, prior_set, trial):
    table = tables.summary(report_results)
    headline = tables.headline(report_results)
    assert list(table["Prior"]) == [p.label for p in prior_set.priors.values()]
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            short = outcome.name.capitalize()
            where = {"Prior": prior.label, "Outcome": outcome.label}
            assert cell(table, f"{short}: P(better)", Prior=prior.label) == \
                cell(headline, "P(tocilizumab better)", **where)
            assert cell(table, f"{short}: P(+10 points or more)", Prior=prior.label) == \
                cell(headline, "P(ARD > 10 points)", **where)


def test_effect_intervals_match_monte_carlo_quantiles(report_results, prior_set, trial):
    table = tables.effects(report_results)
    rng = np.random.default_rng(2)
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            post = fit_exact(prior.beta_binomial, outcome).posterior
            t, c = beta_draws(post, rng)
            where = {"Prior": prior.label, "Outcome": outcome.label}
            ard = numbers(cell(table, "ARD, points", **where))
            assert ard == pytest.approx(100 * np.quantile(t - c, [0.5, 0.025, 0.975]), abs=0.4)
            odds = (t / (1 - t)) / (c / (1 - c))
            assert numbers(cell(table, "OR", **where)) == pytest.approx(
                np.quantile(odds, [0.5, 0.025, 0.975]), rel=0.02)
            assert numbers(cell(table, "RR", **where)) == pytest.approx(
                np.quantile(t / c, [0.5, 0.025, 0.975]), rel=0.02)


def test_counts_table_shows_events_rates_and_observed_difference(report_results):
    table = tables.counts(report_results)
    remission = "Remission at day 28"
    assert cell(table, "Tocilizumab", Outcome=remission) == "7/13 (53.8%)"
    assert cell(table, "Placebo", Outcome=remission) == "5/16 (31.3%)"  # 31.25, half up
    assert cell(table, "Observed ARD (points)", Outcome=remission) == "+22.6"


def test_frequentist_cells_match_scipy(report_results, trial):
    table = tables.frequentist(report_results)
    for outcome in trial.outcomes.values():
        t, c = outcome.treatment, outcome.control
        counts = [[t.events, t.n - t.events], [c.events, c.n - c.events]]
        sample = stats.contingency.odds_ratio(counts, kind="sample")
        ci = sample.confidence_interval(0.95)
        shown = numbers(cell(table, "Odds ratio (95% CI)", Outcome=outcome.label))
        assert shown == pytest.approx([sample.statistic, ci.low, ci.high], abs=0.006)
        fisher_two = stats.fisher_exact(counts).pvalue
        fisher_one = stats.fisher_exact(counts, alternative="greater").pvalue
        assert cell(table, "Fisher p, two-sided", Outcome=outcome.label) == f"{fisher_two:.2f}"
        assert cell(table, "Fisher p, one-sided", Outcome=outcome.label) == f"{fisher_one:.2f}"
        nnt = 1 / (t.events / t.n - c.events / c.n)
        assert cell(table, "Observed NNT", Outcome=outcome.label) == f"{nnt:.1f}"


def test_prior_tables_carry_the_file_and_its_implied_probabilities(report_results, prior_set):
    beliefs = tables.prior_beliefs(report_results)
    parameters = tables.prior_parameters(report_results)
    rng = np.random.default_rng(3)
    design_ard = report_results.design_ard
    for prior in prior_set.priors.values():
        bb, lg = prior.beta_binomial, prior.logistic
        t = rng.beta(bb.treatment.alpha, bb.treatment.beta, MC_DRAWS)
        c = rng.beta(bb.control.alpha, bb.control.beta, MC_DRAWS)
        assert float(cell(beliefs, "Beta: P(ARD > 0)", Prior=prior.label)) == pytest.approx(
            np.mean(t > c), abs=0.004)
        assert float(cell(beliefs, "Beta: P(ARD > design)", Prior=prior.label)) == \
            pytest.approx(np.mean(t - c > design_ard), abs=0.004)
        assert cell(beliefs, "Logistic: P(OR > 1)", Prior=prior.label) == fmt.prob(
            stats.norm.sf(0, lg.treatment.mean, lg.treatment.sd))
        assert cell(beliefs, "Belief", Prior=prior.label) == prior.description
        assert cell(parameters, "Tocilizumab Beta", Prior=prior.label) == \
            f"({bb.treatment.alpha:.2f}, {bb.treatment.beta:.2f})"
        worth = f"{bb.treatment.alpha + bb.treatment.beta:.0f} / " \
                f"{bb.control.alpha + bb.control.beta:.0f}"
        assert cell(parameters, "Worth per arm", Prior=prior.label) == worth
        assert cell(parameters, "Interaction", Prior=prior.label) == \
            f"N({lg.interaction.mean:.2f}, {lg.interaction.sd:.2f})"


def test_prior_beliefs_without_calibration_has_no_design_columns(report_results, prior_set):
    from models.priors.statements import implied_statements

    implied = {name: implied_statements(prior, None) for name, prior in prior_set.priors.items()}
    table = tables.prior_beliefs(replace(report_results, implied=implied))
    assert not [c for c in table.columns if "design" in c]
    assert "Logistic: P(OR > 1)" in table.columns


def test_logistic_table_agrees_with_deterministic_integration(report_results, prior_set,
                                                              trial):
    table = tables.logistic(report_results)
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            where = {"Prior": prior.label, "Outcome": outcome.label}
            estimate, mcse = numbers(cell(table, "Logistic (MCMC) ± MCSE", **where))
            assert abs(estimate - logistic_p_benefit(prior, outcome)) < 4 * mcse + 0.002
            exact = fit_exact(prior.beta_binomial, outcome).summary.p_benefit.estimate
            assert cell(table, "Beta-binomial (exact)", **where) == fmt.prob(exact)


def test_sensitivity_named_matches_importance_sampling(report_results, prior_set, trial):
    """The heat map's value at a named prior against brute force: draws from the priors,
    weighted by the binomial likelihood."""
    table = tables.sensitivity_named(report_results)
    rng = np.random.default_rng(4)
    intercept = prior_set.priors[prior_set.names[0]].logistic.intercept
    for prior in prior_set.priors.values():
        outcome = trial.outcome("remission")
        a = rng.normal(intercept.mean, intercept.sd, MC_DRAWS)
        b = rng.normal(prior.logistic.treatment.mean, prior.logistic.treatment.sd, MC_DRAWS)
        log_w = (stats.binom.logpmf(outcome.control.events, outcome.control.n,
                                    1 / (1 + np.exp(-a)))
                 + stats.binom.logpmf(outcome.treatment.events, outcome.treatment.n,
                                      1 / (1 + np.exp(-(a + b)))))
        w = np.exp(log_w - log_w.max())
        where = {"Prior": prior.label, "Outcome": outcome.label}
        shown = float(cell(table, "Heat map (fixed intercept prior)", **where))
        assert shown == pytest.approx(np.sum(w * (b > 0)) / np.sum(w), abs=0.006)
        estimate, mcse = numbers(cell(table, "Full named prior ± MCSE", **where))
        assert abs(estimate - logistic_p_benefit(prior, outcome)) < 4 * mcse + 0.002


def test_interaction_cells_come_from_the_draws_and_curves(report_results, prior_set, trial):
    table = tables.interaction(report_results)
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            fit = report_results.interaction[(prior.name, outcome.name)]
            where = {"Prior": prior.label, "Outcome": outcome.label}
            draws = fit.posterior
            assert cell(table, "P(better) at mean hs-CRP", **where) == fmt.prob(
                float((draws["treatment"] > 0).mean()))
            assert cell(table, "P(interaction > 0)", **where) == fmt.prob(
                float((draws["interaction"] > 0).mean()))
            median, lower, upper = numbers(cell(table, "Interaction, log OR per SD", **where))
            quantiles = np.quantile(draws["interaction"].to_numpy(), [0.5, 0.025, 0.975])
            assert [median, lower, upper] == pytest.approx(quantiles, abs=0.006)
            curves = fit.curves
            peak, crp = numbers(cell(table, "Peak P(better | hs-CRP)", **where))
            assert peak == pytest.approx(curves["p_benefit"].max(), abs=5e-4)
            where_high = cell(table, f"P >= {BENEFIT_LEVEL:g}", **where)
            above = curves.loc[curves["p_benefit"] >= BENEFIT_LEVEL, "crp_mg_l"]
            if above.empty:
                assert where_high == "nowhere"
            elif len(above) == len(curves):
                assert where_high == "all of the grid"
            else:
                low, high = where_high.removesuffix(" mg/L").split("-")
                assert [float(low), float(high)] == pytest.approx([above.min(), above.max()],
                                                                  abs=0.05)


def test_truth_column_is_the_process_on_the_sample_scale(report_results, trial):
    """The true interaction re-expressed independently: population coefficient times the
    ratio of the sample SD of log hs-CRP (complete cases, ddof 1) to the population's."""
    from models.simulation.process import DEFAULT_PROCESS

    table = tables.truth(report_results)
    ipd = report_results.ipd
    for outcome in trial.outcomes.values():
        observed = ipd[f"{outcome.name}_day28"].notna()
        sample_sd = np.log(ipd.loc[observed, "crp_mg_l"]).std(ddof=1)
        true = getattr(DEFAULT_PROCESS, outcome.name).interaction
        expected = true * sample_sd / DEFAULT_PROCESS.log_crp_sd
        row = table[(table["Outcome"] == outcome.label) & (table["Coefficient"]
                                                           == "interaction")]
        assert row["Truth"].item() == f"{expected:+.2f}"
        for prior in report_results.prior_set.priors.values():
            shown = row[prior.label].item()
            _, lower, upper = numbers(shown)
            if min(abs(lower - expected), abs(upper - expected)) > 0.01:  # not a rounding tie
                assert shown.endswith(" *") == (not lower <= expected <= upper), shown


def test_missing_participant_rows_count_the_participant_both_ways(report_results,
                                                                  prior_set, trial):
    table = tables.missing_participant(report_results)
    assert len(table) == 3 * len(prior_set.names)
    remission = trial.outcome("remission")
    for prior in prior_set.priors.values():
        rows = {r["Missing participant"]: r for _, r in
                table[table["Prior"] == prior.label].iterrows()}
        assert rows["complete cases"]["Remission: counts"] == "7/13 vs 5/16"
        assert rows["missing = event"]["Remission: counts"] == "8/14 vs 5/16"
        assert rows["missing = no event"]["Remission: counts"] == "7/14 vs 5/16"
        event = remission.with_counts(ArmCounts(8, 14), None)
        assert rows["missing = event"]["Remission: beta-binomial"] == fmt.prob(
            fit_exact(prior.beta_binomial, event).summary.p_benefit.estimate)
        estimate, mcse = numbers(rows["missing = event"]["Remission: logistic ± MCSE"])
        assert abs(estimate - logistic_p_benefit(prior, event)) < 4 * mcse + 0.002


def test_placebo_rate_table_at_the_files_own_rate_reproduces_the_file(report_results,
                                                                      prior_set):
    table = tables.placebo_rate(report_results)
    assert table is not None
    assert list(table["Assumed placebo rate"]) == ["15%", "25%", "35%"]
    own = table[table["Assumed placebo rate"] == fmt.percent(
        prior_set.calibration.placebo_rate)]
    remission = report_results.trial.outcome("remission")
    for name in ("skeptical", "enthusiastic"):
        prior = prior_set.get(name)
        p, p10 = numbers(own[f"{prior.label}, remission at day 28"].item())
        fit = fit_exact(prior.beta_binomial, remission).summary
        assert p == pytest.approx(fit.p_benefit.estimate, abs=0.002)
        assert p10 == pytest.approx(fit.p_ard_greater[0.1].estimate, abs=0.002)


def test_placebo_rate_without_calibration_is_a_note(report_results):
    results = replace(report_results, placebo_rate=None)
    assert tables.placebo_rate(results) is None
    assert tables.placebo_rate_markdown(results) == tables.NO_CALIBRATION_NOTE
    assert tables.placebo_rate_markdown(report_results).startswith("|")


def test_psense_shows_the_strong_prior_as_more_prior_sensitive(report_results):
    table = tables.psense(report_results)
    treatment = table[(table["Model"] == "logistic (counts)")
                      & (table["Coefficient"] == "treatment")].set_index("Prior")
    assert float(treatment.loc["Skeptical", "Prior sensitivity"]) > \
        float(treatment.loc["Reference", "Prior sensitivity"])
    assert "✓" not in "".join(table["Diagnosis"])


def test_exact_vs_mcmc_cells(report_results, prior_set, trial):
    table = tables.exact_vs_mcmc(report_results)
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            where = {"Prior": prior.label, "Outcome": outcome.label}
            exact = fit_exact(prior.beta_binomial, outcome).summary.p_benefit.estimate
            assert cell(table, "Exact", **where) == f"{exact:.4f}"
            p = report_results.mcmc[(prior.name, outcome.name)].idata["posterior"]["p"]
            mcmc = float((p.sel(arm="treatment") > p.sel(arm="control")).mean())
            assert cell(table, "MCMC", **where) == f"{mcmc:.4f}"
            mcse = float(cell(table, "MCSE", **where))
            agrees = abs(mcmc - exact) / mcse <= MCSE_AGREEMENT
            assert cell(table, "Agree", **where) == ("yes" if agrees else "NO")


def test_diagnostics_verdicts_follow_the_thresholds(report_results, prior_set, trial):
    table = tables.diagnostics(report_results)
    assert len(table) == 3 * len(prior_set.names) * len(trial.outcomes)
    assert set(table["Model"]) == {"beta-binomial", "logistic (counts)",
                                   "interaction (simulated IPD)"}
    for _, row in table.iterrows():
        passes = (float(row["Max R-hat"]) <= RHAT_MAX + 5e-5
                  and float(row["Min bulk ESS"]) >= ESS_MIN - 0.5
                  and float(row["Min tail ESS"]) >= ESS_MIN - 0.5
                  and row["Divergences"] == "0")
        if row["Verdict"] == "ok":
            assert passes, row.to_dict()
        else:
            assert row["Verdict"].startswith("FLAG: ")


def test_ppc_observed_counts_are_the_trials(report_results, trial):
    table = tables.ppc(report_results)
    remission = trial.outcome("remission")
    aggregate = table[table["Model"] == "logistic (counts)"].set_index("Group")
    assert aggregate.loc["treatment", "Observed"] == str(remission.treatment.events)
    assert aggregate.loc["control", "n"] == str(remission.control.n)
    tertiles = table[table["Model"] == "interaction (simulated IPD)"]
    assert len(tertiles) == 6
    treated = tertiles[tertiles["Group"].str.endswith("treatment")]
    assert sum(int(v) for v in treated["Observed"]) == remission.treatment.events
    assert sum(int(v) for v in treated["n"]) == remission.treatment.n
    for _, row in table.iterrows():
        assert 0 <= float(row["ppp"]) <= 1


def test_benefit_region_of_a_hand_made_curve():
    crp = np.array([3.0, 5.0, 10.0, 20.0, 30.0])
    curve = pd.DataFrame({"crp_mg_l": crp, "p_benefit": [0.5, 0.92, 0.95, 0.91, 0.7],
                          "p_benefit_mcse": [0.01, 0.01, 0.02, 0.01, 0.01]})
    region = benefit_region(curve, 0.9)
    assert (region.lowest, region.highest, region.everywhere) == (5.0, 20.0, False)
    assert (region.peak, region.peak_crp, region.peak_mcse) == (0.95, 10.0, 0.02)
    assert benefit_region(curve, 0.99).lowest is None
    assert benefit_region(curve, 0.4).everywhere
    assert math.isclose(region.grid_upper, 30.0)


@pytest.mark.parametrize(("prior", "likelihood", "diagnosis", "said"), [
    (0.01, 0.08, "✓", "no prior concern; the data drive it"),
    (0.01, 0.01, "✓", "no prior concern"),
    (0.07, 0.09, "potential prior-data conflict", "potential prior-data conflict"),
])
def test_power_scaling_check_mark_is_not_called_insensitive(prior, likelihood, diagnosis, said):
    from models.report.tables import psense_diagnosis

    assert psense_diagnosis(prior, likelihood, diagnosis) == said
