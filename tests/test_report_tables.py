"""The report's tables: every builder returns display strings, and the cells carry the
numbers an independent computation gives (closed form, scipy, brute-force Monte Carlo,
the posterior draws themselves, near-exact integration of the logistic posterior).

The results come from the session fixture ``report_results`` (small seeded sampler), so
MCMC cells are compared within Monte Carlo error, not digit by digit.
"""

import re
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

import models.report.format as fmt
from models.data.trial import ArmCounts
from models.exact.beta_binomial import fit_exact
from models.mcmc.crp_effects import CRP_READ_OUT_MG_L
from models.priors.posteriors import fit_beta_binomial
from models.report import tables
from models.report.results import MCSE_AGREEMENT
from models.sensitivity.prior_map import log_or_likelihood, p_benefit
from tests.test_robust_priors import brute_force_logistic

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


def mixture_draws(mixture, rng, size: int = MC_DRAWS) -> np.ndarray:
    """Draws from a Beta or normal mixture (a single Beta or normal is one component)."""
    if not hasattr(mixture, "weights"):
        mixture = SimpleNamespace(weights=(1.0,), components=(mixture,))
    which = rng.choice(len(mixture.weights), size=size, p=np.array(mixture.weights))
    out = np.empty(size)
    for k, c in enumerate(mixture.components):
        chosen = which == k
        out[chosen] = (rng.beta(c.alpha, c.beta, chosen.sum()) if hasattr(c, "alpha")
                       else rng.normal(c.mean, c.sd, chosen.sum()))
    return out


def beta_draws(posterior, rng) -> tuple[np.ndarray, np.ndarray]:
    """Draws of both arms' rates from single Betas or Beta mixtures."""
    return mixture_draws(posterior.treatment, rng), mixture_draws(posterior.control, rng)


def logistic_p_benefit(prior, outcome) -> float:
    """P(log OR > 0) of the aggregate logistic model by deterministic integration (the
    sensitivity map's; a robust prior's mixture by the brute-force grid below)."""
    if prior.robust is not None:  # Simpson's rule on a fine grid with a node at b = 0
        return brute_force_logistic(outcome, prior.logistic.intercept,
                                    prior.log_odds_ratio_mixture)[2]
    likelihood = log_or_likelihood(outcome, prior.logistic.intercept)
    return float(p_benefit(likelihood, np.asarray(prior.logistic.treatment.mean),
                           np.asarray(prior.logistic.treatment.sd)))


def _log_or_prior(prior, b: np.ndarray) -> np.ndarray:
    """The log density of the log-OR prior: normal, or a robust prior's normal mixture."""
    mixture = prior.log_odds_ratio_mixture
    return special.logsumexp([np.log(w) + stats.norm.logpdf(b, c.mean, c.sd)
                              for w, c in zip(mixture.weights, mixture.components,
                                              strict=True)], axis=0)


class GridPosterior:
    """The aggregate logistic posterior on a fine two-dimensional grid (brute force,
    independent of the package's adaptive rules): probabilities of events in (a, b) and
    quantiles of the ARD and the odds ratio from the gridded mass."""

    def __init__(self, prior, outcome, points: int = 1201):
        lg = prior.logistic
        a = np.linspace(lg.intercept.mean - 9 * lg.intercept.sd,
                        lg.intercept.mean + 9 * lg.intercept.sd, points)
        a = a[(a > -15) & (a < 15)] if np.any((a > -15) & (a < 15)) else a
        b = np.linspace(-8.0, 10.0, points)
        self.a, self.b = np.meshgrid(a, b, indexing="ij")
        t, c = outcome.treatment, outcome.control
        log_post = (stats.binom.logpmf(c.events, c.n, special.expit(self.a))
                    + stats.binom.logpmf(t.events, t.n, special.expit(self.a + self.b))
                    + stats.norm.logpdf(self.a, lg.intercept.mean, lg.intercept.sd)
                    + _log_or_prior(prior, self.b))
        weight = np.exp(log_post - log_post.max())
        self.weight = weight / weight.sum()
        self.ard = special.expit(self.a + self.b) - special.expit(self.a)

    def probability(self, event: np.ndarray) -> float:
        return float(np.sum(self.weight[event]))

    def quantiles(self, values: np.ndarray, levels=(0.5, 0.025, 0.975)) -> list[float]:
        order = np.argsort(values, axis=None)
        cumulative = np.cumsum(self.weight.ravel()[order])
        flat = values.ravel()[order]
        return [float(flat[np.searchsorted(cumulative, q)]) for q in levels]


BUILDERS = [tables.summary, tables.counts, tables.priors, tables.prior_parameters,
            tables.primary, tables.beta_binomial, tables.interaction, tables.truth,
            tables.missing_participant, tables.sensitivity_named, tables.placebo_rate,
            tables.psense, tables.exact_vs_mcmc, tables.ppc]


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_every_table_is_display_strings(report_results, builder):
    table = builder(report_results)
    assert isinstance(table, pd.DataFrame) and not table.empty
    assert all(isinstance(v, str) for v in table.to_numpy().ravel())


def test_beta_binomial_cells_equal_the_exact_fit_and_monte_carlo(report_results, prior_set,
                                                                 trial):
    table = tables.beta_binomial(report_results)
    rng = np.random.default_rng(1)
    assert len(table) == len(prior_set.names) * len(trial.outcomes)
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            fit = fit_beta_binomial(prior, outcome)  # Beta mixtures for a robust prior
            where = {"Prior": prior.label, "Outcome": outcome.label}
            assert cell(table, "P(better)", **where) == fmt.prob(fit.summary.p_benefit.estimate)
            t, c = beta_draws(fit.posterior, rng)
            for d, column in ((0.0, "P(better)"), (0.1, "P(ARD > 10)")):
                assert float(cell(table, column, **where)) == pytest.approx(
                    np.mean(t - c > d), abs=0.004)
            ard = numbers(cell(table, "ARD, points (95%)", **where))
            assert ard == pytest.approx(100 * np.quantile(t - c, [0.5, 0.025, 0.975]), abs=0.4)
            odds = (t / (1 - t)) / (c / (1 - c))
            assert numbers(cell(table, "Odds ratio (95%)", **where)) == pytest.approx(
                np.quantile(odds, [0.5, 0.025, 0.975]), rel=0.02)


@pytest.fixture(scope="module")
def grid_posteriors(prior_set, trial):
    return {(prior.name, outcome.name): GridPosterior(prior, outcome)
            for prior in prior_set.priors.values() for outcome in trial.outcomes.values()}


def test_summary_is_the_primary_model_against_a_brute_force_grid(report_results, prior_set,
                                                                 trial, grid_posteriors):
    """The summary shows the exact logistic model; a 1201 x 1201 grid of the same posterior
    gives the same probabilities to grid accuracy."""
    table = tables.summary(report_results)
    assert list(table["Prior"]) == [p.label for p in prior_set.priors.values()]
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            short = outcome.name.capitalize()
            exact = report_results.logistic[(prior.name, outcome.name)]
            grid = grid_posteriors[(prior.name, outcome.name)]
            shown = cell(table, f"{short}: P(better)", Prior=prior.label)
            assert shown == fmt.prob(exact.p_benefit.estimate)
            assert float(shown) == pytest.approx(grid.probability(grid.b > 0), abs=0.002)
            shown10 = float(cell(table, f"{short}: P(+10 points or more)", Prior=prior.label))
            assert shown10 == pytest.approx(grid.probability(grid.ard > 0.1), abs=0.003)


def test_primary_table_against_a_brute_force_grid(report_results, prior_set, trial,
                                                  grid_posteriors):
    table = tables.primary(report_results)
    assert "P(ARD > 10)" not in table.columns  # in the summary table, not repeated here
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            where = {"Prior": prior.label, "Outcome": outcome.label}
            grid = grid_posteriors[(prior.name, outcome.name)]
            for d in (0.05, 0.2):
                assert float(cell(table, f"P(ARD > {100 * d:g})", **where)) == pytest.approx(
                    grid.probability(grid.ard > d), abs=0.003)
            ard = numbers(cell(table, "ARD, points (95%)", **where))
            assert ard == pytest.approx([100 * q for q in grid.quantiles(grid.ard)], abs=0.5)
            odds = numbers(cell(table, "Odds ratio (95%)", **where))
            assert odds == pytest.approx(np.exp(grid.quantiles(grid.b)), rel=0.03)


def test_counts_table_shows_events_rates_and_observed_difference(report_results):
    table = tables.counts(report_results)
    remission = "Remission at day 28"
    assert cell(table, "Tocilizumab", Outcome=remission) == "7/13 (53.8%)"
    assert cell(table, "Placebo", Outcome=remission) == "5/16 (31.3%)"  # 31.25, half up
    assert cell(table, "Observed ARD, points", Outcome=remission) == "+22.6"


def test_classical_cells_match_scipy(report_results, trial):
    table = tables.counts(report_results)
    for outcome in trial.outcomes.values():
        t, c = outcome.treatment, outcome.control
        counts = [[t.events, t.n - t.events], [c.events, c.n - c.events]]
        sample = stats.contingency.odds_ratio(counts, kind="sample")
        ci = sample.confidence_interval(0.95)
        shown = numbers(cell(table, "Odds ratio (95% CI)", Outcome=outcome.label))
        assert shown == pytest.approx([sample.statistic, ci.low, ci.high], abs=0.006)
        fisher_two = stats.fisher_exact(counts).pvalue
        assert cell(table, "Fisher p (two-sided)", Outcome=outcome.label) == f"{fisher_two:.2f}"


def test_prior_tables_carry_the_file_and_its_implied_probabilities(report_results, prior_set):
    beliefs = tables.priors(report_results)
    parameters = tables.prior_parameters(report_results)
    rng = np.random.default_rng(3)
    design_ard = report_results.design_ard
    design_or = prior_set.calibration.design_odds_ratio
    for prior in prior_set.priors.values():
        bb, lg = prior.beta_binomial, prior.logistic
        t, c = (mixture_draws(arm, rng) for arm in prior.beta_mixtures)
        assert float(cell(parameters, "Beta: P(ARD > 0)", Prior=prior.label)) == \
            pytest.approx(np.mean(t > c), abs=0.004)
        assert float(cell(parameters, "Beta: P(ARD > design)", Prior=prior.label)) == \
            pytest.approx(np.mean(t - c > design_ard), abs=0.004)
        mixture = prior.log_odds_ratio_mixture
        def above(x, mixture=mixture):
            return sum(w * stats.norm.sf(x, m.mean, m.sd)
                       for w, m in zip(mixture.weights, mixture.components, strict=True))
        assert cell(beliefs, "P(OR > 1)", Prior=prior.label) == fmt.prob(above(0.0))
        assert cell(beliefs, f"P(OR > {design_or:g})", Prior=prior.label) == fmt.prob(
            above(np.log(design_or)))
        assert cell(beliefs, "Belief", Prior=prior.label) == prior.description
        normal = f"N({lg.treatment.mean:.2f}, {lg.treatment.sd:.2f})"
        assert cell(beliefs, "Log OR prior", Prior=prior.label) == (
            normal if prior.robust is None else f"80% {normal} + 20% N(0.00, 2.50)")
        rate = special.expit(rng.normal(lg.intercept.mean, lg.intercept.sd, MC_DRAWS))
        shown = [v / 100 for v in numbers(cell(beliefs, "Placebo rate prior",
                                               Prior=prior.label))]
        assert shown == pytest.approx(np.quantile(rate, [0.5, 0.025, 0.975]), abs=0.006)
        single = f"({bb.treatment.alpha:.2f}, {bb.treatment.beta:.2f})"
        assert cell(parameters, "Tocilizumab Beta", Prior=prior.label) == (
            single if prior.robust is None else f"80% {single} + 20% (1.00, 1.00)")
        if prior.robust is None:  # ELIR of one Beta is alpha + beta
            worth = f"{bb.treatment.alpha + bb.treatment.beta:.0f} / " \
                    f"{bb.control.alpha + bb.control.beta:.0f}"
            assert cell(parameters, "Beta worth per arm (ELIR)", Prior=prior.label) == worth
        assert cell(parameters, "Interaction", Prior=prior.label) == \
            f"N({lg.interaction.mean:.2f}, {lg.interaction.sd:.2f})"
    assert "Log OR prior" not in parameters.columns  # shown once, in the main table


def test_prior_tables_without_calibration_have_no_design_columns(report_results, prior_set):
    from models.priors.statements import implied_statements

    implied = {name: implied_statements(prior, None) for name, prior in prior_set.priors.items()}
    results = replace(report_results, implied=implied,
                      prior_set=replace(report_results.prior_set, calibration=None))
    for table in (tables.priors(results), tables.prior_parameters(results)):
        assert not [c for c in table.columns if "design" in c or "2.5" in c]
    assert "P(OR > 1)" in tables.priors(results).columns


def test_sensitivity_named_matches_importance_sampling(report_results, prior_set, trial):
    """The heat map's value at a named prior against brute force: draws from the priors,
    weighted by the binomial likelihood."""
    table = tables.sensitivity_named(report_results)
    rng = np.random.default_rng(4)
    intercept = prior_set.priors[prior_set.names[0]].logistic.intercept
    labels = set(table["Prior"])
    for prior in prior_set.priors.values():
        if prior.robust is not None:  # a mixture is not a point of the map
            assert prior.label not in labels
            continue
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
        full = float(cell(table, "Full named prior", **where))
        assert full == pytest.approx(logistic_p_benefit(prior, outcome), abs=6e-4)


def test_interaction_cells_come_from_the_draws(report_results, prior_set, trial):
    table = tables.interaction(report_results)
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            fit = report_results.interaction[(prior.name, outcome.name)]
            where = {"Prior": prior.label, "Outcome": outcome.name.capitalize()}
            draws = fit.posterior
            assert cell(table, "P(interaction > 0)", **where) == fmt.prob_stable(
                fit.p_interaction_positive)
            assert fit.p_interaction_positive.estimate == pytest.approx(
                float((draws["interaction"] > 0).mean()), abs=1e-12)
            for crp in CRP_READ_OUT_MG_L:
                z = (np.log(crp) - fit.data.log_crp_mean) / fit.data.log_crp_sd
                log_or = draws["treatment"] + draws["interaction"] * z
                shown = cell(table, f"{crp:g} mg/L", **where)
                token = re.search(r"\d\.\d+", shown).group()
                decimals = len(token.split(".")[1])
                mcse = fit.p_benefit_at([crp])[crp].mcse
                assert decimals == fmt.stable_digits(mcse)  # only the stable digits
                p = float((log_or > 0).mean())
                if shown.startswith(">"):  # would round to 1: shown as a bound
                    assert float(token) < p < 1
                elif shown.startswith("<"):
                    assert 0 < p < float(token)
                else:
                    assert float(token) == pytest.approx(p, abs=0.5 * 10**-decimals + 1e-12)


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
            fit_beta_binomial(prior, event).summary.p_benefit.estimate)
        logistic = float(rows["missing = event"]["Remission: logistic"])
        assert logistic == pytest.approx(logistic_p_benefit(prior, event), abs=6e-4)


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
        logistic, beta_binomial = numbers(own[f"{prior.label}, remission at day 28"].item())
        fit = fit_exact(prior.beta_binomial, remission).summary
        assert beta_binomial == pytest.approx(fit.p_benefit.estimate, abs=6e-4)
        assert logistic == pytest.approx(logistic_p_benefit(prior, remission), abs=0.002)


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
    assert set(table["Model"]) == {"beta-binomial", "logistic (counts)"}
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            key = (prior.name, outcome.name)
            for model, exact, mcmc in (
                ("beta-binomial",
                 fit_beta_binomial(prior, outcome).summary.p_benefit.estimate,
                 report_results.mcmc[key].idata["posterior"]["p"]),
                ("logistic (counts)", logistic_p_benefit(prior, outcome),
                 report_results.aggregate[key].idata["posterior"]["treatment"])):
                where = {"Model": model, "Prior": prior.label, "Outcome": outcome.label}
                assert float(cell(table, "Exact", **where)) == pytest.approx(exact, abs=6e-4)
                draws = (float((mcmc.sel(arm="treatment") > mcmc.sel(arm="control")).mean())
                         if model == "beta-binomial" else float((mcmc > 0).mean()))
                assert cell(table, "MCMC", **where) == f"{draws:.4f}"
                mcse = float(cell(table, "MCSE", **where))
                shown_exact = float(cell(table, "Exact", **where))
                agrees = abs(draws - shown_exact) / mcse <= MCSE_AGREEMENT + 1e-3
                assert (cell(table, "Agree", **where) == "yes") == agrees


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


@pytest.mark.parametrize(("prior", "likelihood", "diagnosis", "said"), [
    (0.01, 0.08, "✓", "no prior concern; the data drive it"),
    (0.01, 0.01, "✓", "no prior concern"),
    (0.07, 0.09, "potential prior-data conflict", "potential prior-data conflict"),
])
def test_power_scaling_check_mark_is_not_called_insensitive(prior, likelihood, diagnosis, said):
    from models.report.tables import psense_diagnosis

    assert psense_diagnosis(prior, likelihood, diagnosis) == said
