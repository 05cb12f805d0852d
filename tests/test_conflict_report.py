"""The report with robust priors (issue 13): the shipped robust priors' numbers through the
mixture machinery, their prior effective sample sizes against the ELIR definition, and the
prior-data conflict table and reading against direct computations."""

import math

import numpy as np
import pytest
from scipy import integrate, special, stats

import models.report.format as fmt
from models.core.distributions import NormalPrior
from models.core.mixtures import NormalMixture
from models.exact.beta_mixture import MixtureResult
from models.exact.logistic_mixture import LogisticMixturePosterior
from models.exact.prior_predictive import logistic_prior_predictive
from models.priors.ess import ess_elir, ess_elir_normal
from models.report import conflict_view, tables
from models.report.prior_predictive_view import FAMILIES


def robust_names(prior_set) -> list[str]:
    return [name for name in prior_set.names if prior_set.get(name).robust is not None]


def test_the_shipped_file_has_robust_skeptical_and_enthusiastic_priors(prior_set):
    assert robust_names(prior_set) == ["skeptical_robust", "enthusiastic_robust"]
    for name in robust_names(prior_set):
        robust, plain = prior_set.get(name), prior_set.get(name.removesuffix("_robust"))
        assert robust.robust.weight == 0.2
        assert "robust" in robust.label.lower()
        assert robust.beta_binomial == plain.beta_binomial and robust.logistic == plain.logistic


def test_report_results_use_the_mixture_posteriors(report_results, trial, prior_set):
    for name in robust_names(prior_set):
        for outcome in trial.outcomes.values():
            key = (name, outcome.name)
            exact = report_results.exact[key]
            assert isinstance(exact, MixtureResult)
            assert len(exact.posterior.control.weights) == 2
            primary = report_results.logistic_posteriors[key]
            assert isinstance(primary, LogisticMixturePosterior)
            assert report_results.logistic[key].p_benefit.estimate == pytest.approx(
                primary.p_benefit(), abs=1e-12)
            # The sampled checks sampled the mixture: they agree with the exact mixture.
            checks = [c for c in report_results.checks if (c.prior, c.outcome) == key]
            assert len(checks) == 2 and all(c.agrees for c in checks)


def test_robust_worth_is_the_elir_of_the_mixture(report_results, prior_set):
    """ELIR against its definition E_prior[i(theta)] by direct quadrature of the
    log-density's second derivative (finite differences), for the log-OR mixture."""
    calibration = prior_set.calibration
    for name in robust_names(prior_set):
        prior = prior_set.get(name)
        mixture = prior.log_odds_ratio_mixture

        def log_density(x, mixture=mixture):
            return special.logsumexp([math.log(w) + stats.norm.logpdf(x, c.mean, c.sd)
                                      for w, c in zip(mixture.weights, mixture.components,
                                                      strict=True)])

        def information(x, h=1e-4):
            return -(log_density(x + h) - 2 * log_density(x) + log_density(x - h)) / h**2

        expected = integrate.quad(lambda x: math.exp(log_density(x)) * information(x),
                                  -40, 40, limit=400)[0]
        p0 = calibration.placebo_rate
        by_definition = 4.0 / (p0 * (1 - p0)) * expected
        assert ess_elir_normal(mixture, p0) == pytest.approx(by_definition, rel=1e-4)
        assert report_results.implied[name]["logistic_ess"] == pytest.approx(by_definition,
                                                                             rel=1e-4)
        row = tables.priors(report_results).set_index("Prior").loc[prior.label]
        assert row["Worth (ELIR)"] == fmt.number(by_definition, ".0f")
        # Less than the informative part alone: the vague part carries little information.
        assert by_definition < ess_elir_normal(NormalMixture.single(prior.logistic.treatment),
                                               p0)
        for arm, mixture_arm in zip(("treatment", "control"), prior.beta_mixtures, strict=True):
            assert report_results.implied[name][f"bb_ess_{arm}"] == ess_elir(mixture_arm)


def test_single_normal_elir_is_the_woolf_worth():
    assert ess_elir_normal(NormalMixture.single(NormalPrior(0.3, 0.5)), 0.25) == \
        pytest.approx(4 / (0.25 * 0.75 * 0.25))


def test_conflict_table_and_reading_come_from_the_exact_layer(report_results, trial,
                                                              prior_set):
    table = conflict_view.conflict_table(report_results)
    assert len(table) == len(prior_set.names) * len(trial.outcomes)
    rows = conflict_view.conflicts(report_results)
    for row in rows:
        prior, outcome = prior_set.get(row.prior), trial.outcome(row.outcome)
        observed = (outcome.treatment.events, outcome.control.events)
        mixture = prior.log_odds_ratio_mixture
        direct = sum(w * logistic_prior_predictive(prior.logistic.intercept, c, outcome).pmf
                     for w, c in zip(mixture.weights, mixture.components, strict=True))
        observed_p = direct[observed]
        assert row.box_p_logistic == pytest.approx(
            direct[direct <= observed_p * (1 + 1e-9)].sum(), abs=1e-12)
        if prior.robust is None:
            assert row.weight_logistic is None and row.weight_arms is None
        else:
            posterior = report_results.logistic_posteriors[(row.prior, row.outcome)]
            assert row.weight_logistic == posterior.weights[0]
            exact = report_results.exact[(row.prior, row.outcome)]
            assert row.weight_arms == (1 - exact.posterior.treatment.weights[1],
                                       1 - exact.posterior.control.weights[1])
    reading = conflict_view.conflict_reading(report_results)
    smallest = min(rows, key=lambda row: row.box_p_logistic)
    assert fmt.prob(smallest.box_p_logistic) in reading
    robust = [row.weight_logistic for row in rows if row.weight_logistic is not None]
    assert fmt.span(robust) in reading
    assert ("favoured the informative part" in reading) == all(w >= 0.8 for w in robust)
    arm_weights = [w for row in rows if row.weight_arms for w in row.weight_arms]
    assert ("In the beta-binomial model it fell for" in reading) == any(
        w < 0.8 for w in arm_weights)
    for row in rows:
        if row.weight_arms is None:
            continue
        for arm, weight in zip(("tocilizumab", "placebo"), row.weight_arms, strict=True):
            if weight < 0.8:
                assert f"{arm} arm, {trial.outcome(row.outcome).label.lower()} " \
                       f"({fmt.number(weight, '.3f')})" in reading
    assert len(FAMILIES) == 2  # the table's two Box columns


def test_a_conflicting_prior_loses_weight_and_is_named(report_results, trial, prior_set):
    """A robust prior centred on harm: the data move weight to its vague part and the
    reading says so (the primary model's informative weight falls below 0.8)."""
    from dataclasses import replace

    from models.core.mixtures import Robustness

    harm = replace(prior_set.get("skeptical"), name="harm", label="Harm",
                   logistic=replace(prior_set.get("skeptical").logistic,
                                    treatment=NormalPrior(-2.5, 0.3)),
                   robust=Robustness(0.2))
    priors = replace(prior_set, priors={**prior_set.priors, "harm": harm})
    from models.priors.posteriors import logistic_posterior

    outcome = trial.outcome("remission")
    weight = logistic_posterior(harm, outcome).weights[0]
    assert weight < 0.8
    assert np.isfinite(weight) and priors.get("harm") is harm


def test_the_priors_section_says_what_the_robust_priors_are(report_results):
    from models.report import text

    sentence = text.robust_priors_sentence(report_results)
    assert sentence.startswith("The robust skeptical and robust enthusiastic priors move 20% "
                               "of their weight to a vague prior")
    assert "@sec-conflict" in sentence
    from dataclasses import replace

    plain = replace(report_results.prior_set, priors={
        name: prior for name, prior in report_results.prior_set.priors.items()
        if prior.robust is None})
    assert text.robust_priors_sentence(replace(report_results, prior_set=plain)) == ""
