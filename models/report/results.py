"""Every number the report shows, computed once into one typed object.

:func:`build_results` reads the inputs (priors file, trial file and, when the trial file
points to them, simulated individual data), runs every analysis the report presents and
returns a frozen :class:`ReportResults`. Outcomes given as counts get the count models;
outcomes given only as a published ratio get the normal-normal model; the interaction
analyses and the simulation study run only with individual data. The table builders
(:mod:`models.report.tables`), the sentence builders (:mod:`models.report.text`) and the
figures only read from it. Fits are keyed
by ``(prior name, outcome name)`` in the priors file's and the trial file's order.
Probabilities are on the 0-1 scale; ARD in proportion units (0.10 = 10 percentage
points); odds ratios as ratios, coefficients on the log-odds scale.
"""

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from models.core.direction import Direction
from models.core.paths import TRIAL_COUNTS_FILE, resolve_input
from models.core.progress import say
from models.core.result_cache import cached_result
from models.core.types import EffectSummary, Probability
from models.data.ipd import load_ipd, outcome_column
from models.data.trial import ArmCounts, OutcomeCounts, Trial, load_trial
from models.exact.beta_binomial import ARD_THRESHOLDS, ExactResult
from models.exact.beta_mixture import MixtureResult
from models.exact.frequentist import FrequentistSummary, frequentist_summary
from models.exact.logistic_mixture import LogisticMixturePosterior
from models.exact.logistic_posterior import (
    InterceptPriorEffect,
    LogisticPosterior,
    intercept_prior_effect,
)
from models.exact.normal_normal import NormalFit, fit_normal, from_estimate
from models.mcmc.aggregate import AggregateResult, fit_aggregate
from models.mcmc.beta_binomial import McmcResult, fit_mcmc
from models.mcmc.diagnostics import Diagnostics
from models.mcmc.interaction import IpdResult, fit_ipd, truth_table
from models.mcmc.power_scaling import psense
from models.mcmc.predictive import ppc_aggregate, ppc_ipd_tertiles
from models.mcmc.sampling import DEFAULT_SAMPLER, SamplerSettings, interaction_settings
from models.priors.calibration import design_risk_difference
from models.priors.matching import check_priors_fit_trial
from models.priors.posteriors import (
    beta_binomial_arms,
    beta_mixture_posterior,
    fit_beta_binomial,
    logistic_posterior,
)
from models.priors.prior_set import NamedPrior, PriorSet
from models.priors.priors_file import load_priors
from models.priors.statements import implied_statements
from models.report.planning_view import Planning, planning
from models.report.prior_predictive_view import PriorPredictiveChecks, prior_predictive_checks
from models.report.provenance import Provenance, collect_provenance
from models.sensitivity.heat_map import SensitivityResults, sensitivity_all
from models.sensitivity.missing_outcome import imputed_counts
from models.sensitivity.placebo_rate import placebo_rate_sensitivity, placebo_rates
from models.simulation.process import DEFAULT_PROCESS, truth_on_sample_scale
from models.simulation.study import StudyConfig, StudyResult, run_or_load

Key = tuple[str, str]
"""(prior name, outcome name)."""

MCSE_AGREEMENT = 3.0
"""MCMC and exact P(benefit) agree when they differ by at most 3 Monte Carlo SEs."""

BETA_BINOMIAL_MODEL = "beta-binomial"
AGGREGATE_MODEL = "logistic (counts)"
INTERACTION_MODEL = "interaction (simulated IPD)"
"""Model names as the diagnostics and predictive-check tables print them."""

PSENSE_INTERACTION_MODEL = "interaction (simulated)"
"""The interaction model's name in the power-scaling table."""

HEADLINE_ARD = 0.10
"""The clinically worthwhile risk difference of the summary (10 points, NNT 10)."""

WORTHWHILE_RELATIVE = 0.2
"""The relative benefit of the summary for an outcome given as a published ratio (20%: a
ratio below 0.80, or above 1.25)."""


@dataclass(frozen=True)
class SamplerCheck:
    """An MCMC estimate of P(benefit) against the exact value of the same model (one fit of
    the beta-binomial or of the aggregate logistic model).

    ``draws`` is the number of posterior draws behind the estimate (all chains). When
    every draw falls on the same side of zero (a strong prior, or overwhelming data) the
    estimate is 0 or 1 and its Monte Carlo SE is 0: a difference "in MCSE units" is then
    undefined, and agreement is judged against the binomial SE that ``draws`` independent
    draws would have at the exact probability instead (see :attr:`agrees`).
    """

    model: str
    prior: str
    outcome: str
    exact: float
    mcmc: Probability
    draws: int

    @property
    def mcse(self) -> float:
        """The MCMC estimate's Monte Carlo SE (0 when all draws agree; NaN if unknown)."""
        if self.mcmc.mcse is None:
            raise ValueError("an MCMC estimate without a Monte Carlo SE")
        return self.mcmc.mcse

    @property
    def difference_in_mcse(self) -> float | None:
        """|MCMC - exact| in units of the MCMC estimate's Monte Carlo SE; None when that SE
        is 0 or not a number (the ratio is undefined)."""
        if not math.isfinite(self.mcse) or self.mcse <= 0:
            return None
        return abs(self.mcmc.estimate - self.exact) / self.mcse

    @property
    def binomial_se(self) -> float:
        """SE of a proportion of ``draws`` independent draws at the exact probability."""
        return math.sqrt(self.exact * (1 - self.exact) / self.draws)

    @property
    def agrees(self) -> bool:
        """Within ``MCSE_AGREEMENT`` Monte Carlo SEs of the exact value; when the MCSE is 0
        or NaN, within ``MCSE_AGREEMENT`` binomial SEs (:attr:`binomial_se`), so an
        estimate of exactly 1 agrees with an exact 0.99999 but not with an exact 0.99."""
        difference = self.difference_in_mcse
        if difference is not None:
            return difference <= MCSE_AGREEMENT
        gap = abs(self.mcmc.estimate - self.exact)
        return bool(math.isfinite(gap) and gap <= MCSE_AGREEMENT * self.binomial_se)


@dataclass(frozen=True)
class FitDiagnostics:
    """Convergence diagnostics of one MCMC fit, with the model, prior and outcome it fits."""

    model: str
    prior: str
    outcome: str
    diagnostics: Diagnostics


@dataclass(frozen=True)
class MissingScenario:
    """P(benefit) when the participant without an outcome is counted one way (one prior,
    one outcome): aggregate logistic (the primary model) and beta-binomial, both exact."""

    prior: str
    outcome: str
    scenario: str
    treatment: ArmCounts
    control: ArmCounts
    beta_binomial: float
    logistic: float


@dataclass(frozen=True)
class ReportResults:
    """All results of the report for one priors file.

    Attributes
    ----------
    trial, prior_set, ipd
        The inputs: the trial (counts and published estimates), named priors, SIMULATED
        individual data (None when the trial file points to none).
    logistic
        The primary analysis: the aggregate logistic model on the counts, every
        probability and interval computed by deterministic integration (absolute error
        below 1e-6), per (prior, outcome).
    exact, mcmc
        Beta-binomial fits, exact and by MCMC, per (prior, outcome).
    aggregate, interaction
        Logistic fits by MCMC on the counts (a check of the exact ``logistic``) and hs-CRP
        interaction fits on the simulated IPD.
    frequentist
        Classical summaries per outcome name.
    implied
        What each prior implies before the data (:func:`implied_statements`), by prior name.
    truth, truth_tables
        True coefficients of the simulated data on each outcome's sample scale (outcome ->
        term -> log-odds value) and truth-against-estimate tables per (prior, outcome).
    study
        The repeated-simulation study under the first prior.
    sensitivity
        The prior-sensitivity heat maps and tipping points.
    placebo_rate
        Exact P(benefit) at other assumed placebo rates (None without a calibration block).
    missing
        The missing-participant bracket, per prior, outcome and scenario.
    ppc
        Posterior predictive checks (first prior, remission) by model name.
    psense
        Power-scaling sensitivity (first count outcome) by (prior name, model name).
    normal
        The normal-normal fits of the outcomes given only as a published ratio.
    provenance
        What produced the render.

    Without individual data ``interaction``, ``truth`` and ``truth_tables`` are empty and
    ``study`` is None; without count outcomes every count analysis is empty.
    """

    trial: Trial
    prior_set: PriorSet
    ipd: pd.DataFrame | None = field(repr=False)
    logistic: dict[Key, EffectSummary]
    exact: dict[Key, ExactResult | MixtureResult]
    mcmc: dict[Key, McmcResult]
    aggregate: dict[Key, AggregateResult]
    interaction: dict[Key, IpdResult]
    frequentist: dict[str, FrequentistSummary]
    implied: dict[str, dict[str, float]]
    truth: dict[str, dict[str, float]]
    truth_tables: dict[Key, pd.DataFrame]
    study: StudyResult | None
    sensitivity: SensitivityResults
    placebo_rate: pd.DataFrame | None
    missing: list[MissingScenario]
    ppc: dict[str, pd.DataFrame]
    psense: dict[Key, pd.DataFrame]
    normal: dict[Key, NormalFit]
    provenance: Provenance

    @property
    def has_counts(self) -> bool:
        """Whether any outcome is given as counts (the count models' sections apply)."""
        return bool(self.trial.outcomes)

    @property
    def has_estimates(self) -> bool:
        """Whether any outcome is given only as a published ratio (normal-normal model)."""
        return bool(self.trial.estimates)

    @property
    def has_ipd(self) -> bool:
        """Whether the interaction analyses on (simulated) individual data were run."""
        return self.ipd is not None and self.study is not None

    @property
    def priors_path(self) -> Path:
        return self.prior_set.path

    @property
    def labels(self) -> dict[str, str]:
        """Each prior's label by name."""
        return {name: prior.label for name, prior in self.prior_set.priors.items()}

    @property
    def first_prior(self) -> str:
        """The first prior in the file: the one that single-prior analyses use."""
        return self.prior_set.names[0]

    @property
    def skeptical_prior(self) -> str:
        """``skeptical`` when the file has it, else the first prior."""
        return "skeptical" if "skeptical" in self.prior_set.priors else self.first_prior

    @functools.cached_property
    def intercept_effects(self) -> dict[str, InterceptPriorEffect]:
        """Per outcome: the skeptical prior's log-OR prior under its own intercept prior and
        under the first prior's (weak) one, exact (computed once, on first use)."""
        logistic = self.prior_set.get(self.skeptical_prior).logistic
        weak = self.prior_set.get(self.first_prior).logistic.intercept
        return {name: cached_result(
                    "intercept-effect", ("models.exact.logistic_posterior",),
                    (outcome, logistic.treatment, logistic.intercept, weak),
                    functools.partial(intercept_prior_effect, outcome, logistic.treatment,
                                      logistic.intercept, weak))
                for name, outcome in self.trial.outcomes.items()}

    @property
    def reference_outcome(self) -> OutcomeCounts:
        """The first outcome given as counts: its analysed and randomised numbers describe
        the trial's size, and the single-outcome checks and exercises use it."""
        if not self.trial.outcomes:
            raise ValueError("the trial has no outcome given as counts")
        return next(iter(self.trial.outcomes.values()))

    @property
    def checked_outcome(self) -> str:
        """The outcome of the posterior predictive checks and the power-scaling table."""
        return self.reference_outcome.name

    @property
    def analysed(self) -> int:
        """Participants analysed (both arms of the reference outcome)."""
        outcome = self.reference_outcome
        return outcome.treatment.n + outcome.control.n

    @property
    def randomised(self) -> int:
        return sum(self.trial.randomised.values())

    @property
    def missing_treatment(self) -> int:
        """Randomised treatment-arm participants without an outcome."""
        return self.trial.missing_treatment

    @property
    def priors_direction(self) -> Direction:
        """The direction the priors' implied statements follow: the calibration's, else the
        first outcome's (:func:`~models.priors.statements.implied_statements`)."""
        calibration = self.prior_set.calibration
        return calibration.direction if calibration else _trial_direction(self.trial)

    @property
    def thresholds(self) -> list[float]:
        """The positive ARD thresholds d of P(ARD > d) (proportion units)."""
        return [d for d in ARD_THRESHOLDS if d > 0]

    @property
    def design_ard(self) -> float | None:
        """The calibration's design effect as a risk difference (None without calibration)."""
        calibration = self.prior_set.calibration
        return design_risk_difference(calibration) if calibration else None

    @property
    def crp_observed(self) -> np.ndarray:
        """Baseline hs-CRP (mg/L) of the simulated participants with an outcome (first count
        outcome)."""
        if self.ipd is None:
            raise ValueError("no individual data")
        observed = self.ipd[outcome_column(self.checked_outcome)].notna()
        return self.ipd.loc[observed, "crp_mg_l"].to_numpy()

    @property
    def simulation_study(self) -> StudyResult:
        """The repeated-simulation study (only with individual data)."""
        if self.study is None:
            raise ValueError("no simulation study without individual data")
        return self.study

    def study_summary(self, term: str) -> pd.Series:
        """The simulation study's summary row of one coefficient (see ``summarise_study``)."""
        summary = self.simulation_study.summary
        return summary[summary["term"] == term].iloc[0]

    @functools.cached_property
    def logistic_posteriors(self) -> dict[Key, LogisticPosterior | LogisticMixturePosterior]:
        """The primary model's exact posteriors, for curves beyond the summaries (mixtures
        for robust priors)."""
        return {(prior.name, outcome.name): logistic_posterior(prior, outcome)
                for prior in self.prior_set.priors.values()
                for outcome in self.trial.outcomes.values()}

    @functools.cached_property
    def planning(self) -> Planning:
        """Assurance of the next trial under every prior, and the power at the design
        effect, for every outcome given as counts (exact)."""
        return cached_result("planning", ("models.report.planning_view",),
                             (self.trial, self.prior_set),
                             functools.partial(planning, self.trial, self.prior_set))

    @functools.cached_property
    def prior_predictive(self) -> PriorPredictiveChecks:
        """The exact prior predictive of every prior, outcome and model family."""
        return prior_predictive_checks(self.trial, self.prior_set)

    @property
    def checks(self) -> list[SamplerCheck]:
        """Exact vs MCMC P(benefit) for every MCMC fit of a model with an exact answer: the
        beta-binomial and the aggregate logistic model."""
        beta_binomial = [
            SamplerCheck(BETA_BINOMIAL_MODEL, prior, outcome,
                         self.exact[(prior, outcome)].summary.p_benefit.estimate,
                         fit.summary.p_benefit, fit.settings.chains * fit.settings.draws)
            for (prior, outcome), fit in self.mcmc.items()]
        logistic = [
            SamplerCheck(AGGREGATE_MODEL, prior, outcome,
                         self.logistic[(prior, outcome)].p_benefit.estimate, fit.p_benefit,
                         fit.settings.chains * fit.settings.draws)
            for (prior, outcome), fit in self.aggregate.items()]
        return beta_binomial + logistic

    @property
    def diagnostics(self) -> list[FitDiagnostics]:
        """Diagnostics of every MCMC fit of the main analyses, model by model."""
        fits: list[tuple[str, dict[Key, McmcResult] | dict[Key, AggregateResult]
                         | dict[Key, IpdResult]]] = [
            (BETA_BINOMIAL_MODEL, self.mcmc), (AGGREGATE_MODEL, self.aggregate),
            (INTERACTION_MODEL, self.interaction)]
        return [FitDiagnostics(model, prior, outcome, fit.diagnostics)
                for model, by_key in fits for (prior, outcome), fit in by_key.items()]


StudyRunner = Callable[[StudyConfig], StudyResult]
"""Runs (or loads from its cache) the repeated-simulation study for a configuration."""


def _missing_scenarios(trial: Trial, prior_set: PriorSet,
                       missing_treatment: int) -> list[MissingScenario]:
    """The missing-participant bracket (:func:`imputed_counts`), both models exact."""
    scenarios = []
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            for label, counts in imputed_counts(outcome, missing_treatment):
                logistic = logistic_posterior(prior, counts).p_benefit()
                exact = float(beta_mixture_posterior(prior, counts).benefit_probabilities(
                    (0.0,), counts.direction)[0])
                scenarios.append(MissingScenario(prior.name, outcome.name, label,
                                                 counts.treatment, counts.control, exact,
                                                 logistic))
    return scenarios


EXACT_MODULES = ("models.priors.posteriors",)
"""The exact analyses (beta-binomial and logistic), for the result cache's keys."""
SAMPLED_MODULES = ("models.mcmc.aggregate", "models.mcmc.interaction",
                   "models.mcmc.power_scaling", "models.mcmc.predictive")
"""The sampled logistic models and their checks, for the result cache's keys."""


@dataclass(frozen=True)
class _Checks:
    """Which checks a sampled fit also gives: power-scaling (every prior, the first
    outcome) and the posterior predictive check (the first prior, the first outcome)."""

    psense: bool
    ppc: bool


def _logistic_summary(prior: NamedPrior, outcome: OutcomeCounts) -> EffectSummary:
    say(f"  integrating the logistic model (exact): {outcome.name}, prior {prior.name}")
    return logistic_posterior(prior, outcome).summary(ARD_THRESHOLDS)


def _slimmed[Fit: (McmcResult, AggregateResult, IpdResult)](fit: Fit) -> Fit:
    """A fit with its summaries and its posterior draws (which the report reads, e.g.
    P(benefit | hs-CRP) at chosen values) but without the sampler's statistics: the part
    worth caching (the whole fit stays in the posterior cache)."""
    posterior = xr.DataTree()
    posterior["posterior"] = xr.DataTree(fit.idata["posterior"].to_dataset())
    return dataclasses.replace(fit, idata=posterior)


def _beta_binomial_mcmc(prior: NamedPrior, outcome: OutcomeCounts,
                        settings: SamplerSettings) -> McmcResult:
    say(f"  fitting beta-binomial (MCMC): {outcome.name}, prior {prior.name}")
    return _slimmed(fit_mcmc(beta_binomial_arms(prior), outcome, settings))


SampledStep = tuple[Any, pd.DataFrame | None, pd.DataFrame | None]
"""A sampled fit (:func:`_slimmed`), its power-scaling table and its predictive check."""


def _aggregate_step(prior: NamedPrior, outcome: OutcomeCounts, settings: SamplerSettings,
                    checks: _Checks) -> SampledStep:
    say(f"  fitting logistic (counts): {outcome.name}, prior {prior.name}")
    fit = fit_aggregate(prior.logistic, outcome, settings,
                        mixture=prior.log_odds_ratio_mixture)
    return (_slimmed(fit), psense(fit) if checks.psense else None,
            ppc_aggregate(fit) if checks.ppc else None)


def _interaction_step(prior: NamedPrior, ipd: pd.DataFrame, outcome: str,
                      settings: SamplerSettings, checks: _Checks) -> SampledStep:
    say(f"  fitting interaction model (simulated IPD): {outcome}, prior {prior.name}")
    fit = fit_ipd(prior.logistic, ipd, outcome, settings,
                  mixture=prior.log_odds_ratio_mixture)
    return (_slimmed(fit), psense(fit) if checks.psense else None,
            ppc_ipd_tertiles(fit) if checks.ppc else None)


def build_results(priors_file: str | Path, *, settings: SamplerSettings = DEFAULT_SAMPLER,
                  study: StudyRunner = run_or_load,
                  trial_file: str | Path = TRIAL_COUNTS_FILE,
                  ipd_file: Path | None = None) -> ReportResults:
    """Run every analysis of the report once.

    ``priors_file`` and ``trial_file`` are resolved as a user means them
    (:func:`resolve_input`); ``settings`` are the MCMC settings of every fit of the main
    analyses (the interaction model draws more:
    :func:`~models.mcmc.sampling.interaction_settings`); ``study`` runs the
    repeated-simulation study (its own sampler settings are in its configuration);
    ``ipd_file`` overrides the trial file's individual data (tests).
    """
    trial_path = resolve_input(trial_file)
    trial = load_trial(trial_path)
    prior_set = load_priors(resolve_input(priors_file))
    check_priors_fit_trial(prior_set, trial)
    if ipd_file is None and trial.ipd is not None:
        ipd_file = trial.ipd.path
    ipd = load_ipd(ipd_file) if ipd_file is not None and trial.outcomes else None
    logistic, exact, mcmc, aggregate, interaction = {}, {}, {}, {}, {}
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            key = (prior.name, outcome.name)
            logistic[key] = cached_result(
                "logistic-exact", EXACT_MODULES, (prior, outcome, ARD_THRESHOLDS),
                functools.partial(_logistic_summary, prior, outcome))
            exact[key] = cached_result(
                "beta-binomial-exact", EXACT_MODULES, (prior, outcome),
                functools.partial(fit_beta_binomial, prior, outcome))
            mcmc[key] = cached_result(
                "beta-binomial-mcmc", ("models.mcmc.beta_binomial", *EXACT_MODULES),
                (prior, outcome, settings),
                functools.partial(_beta_binomial_mcmc, prior, outcome, settings))
    normal = {(prior.name, outcome.name): fit_normal(prior.logistic.treatment,
                                                     from_estimate(outcome.estimate),
                                                     outcome.direction)
              for prior in prior_set.priors.values() for outcome in trial.estimates.values()}
    first = prior_set.names[0]
    reference_name = next(iter(trial.outcomes), None)
    psense_tables: dict[Key, pd.DataFrame] = {}
    ppc: dict[str, pd.DataFrame] = {}
    for prior in prior_set.priors.values():
        for outcome in trial.outcomes.values():
            key = (prior.name, outcome.name)
            checks = _Checks(psense=outcome.name == reference_name,
                             ppc=outcome.name == reference_name and prior.name == first)
            aggregate[key], psense_table, ppc_table = cached_result(
                "aggregate-mcmc", SAMPLED_MODULES, (prior, outcome, settings, checks),
                functools.partial(_aggregate_step, prior, outcome, settings, checks))
            if psense_table is not None:
                psense_tables[(prior.name, AGGREGATE_MODEL)] = psense_table
            if ppc_table is not None:
                ppc[AGGREGATE_MODEL] = ppc_table
            if ipd is not None:
                fit, psense_table, ppc_table = cached_result(
                    "interaction-mcmc", SAMPLED_MODULES,
                    (prior, outcome.name, ipd, interaction_settings(settings), checks),
                    functools.partial(_interaction_step, prior, ipd, outcome.name,
                                      interaction_settings(settings), checks))
                interaction[key] = fit
                if psense_table is not None:
                    psense_tables[(prior.name, PSENSE_INTERACTION_MODEL)] = psense_table
                if ppc_table is not None:
                    ppc[INTERACTION_MODEL] = ppc_table

    truth: dict[str, dict[str, float]] = {}
    truth_tables: dict[Key, pd.DataFrame] = {}
    study_result = None
    if ipd is not None:
        raw_truth = truth_on_sample_scale(DEFAULT_PROCESS, ipd)
        truth = {outcome: {term: float(value) for term, value in raw_truth[outcome].items()}
                 for outcome in trial.outcomes}
        truth_tables = {key: truth_table(fit, raw_truth) for key, fit in interaction.items()}
        study_result = study(StudyConfig(prior=prior_set.get(first).logistic,
                                         prior_name=first))

    calibration = prior_set.calibration
    placebo = (cached_result("placebo-rate", ("models.sensitivity.placebo_rate",),
                             (trial, calibration),
                             functools.partial(placebo_rate_sensitivity, trial, calibration,
                                               placebo_rates(calibration)))
               if calibration is not None and trial.outcomes else None)
    missing: list[MissingScenario] = []
    if trial.outcomes:
        missing = cached_result("missing-participant", (__name__,), (trial, prior_set),
                                functools.partial(_missing_scenarios, trial, prior_set,
                                                  trial.missing_treatment))
    sensitivity = cached_result("sensitivity", ("models.sensitivity.heat_map",),
                                (trial, prior_set),
                                functools.partial(sensitivity_all, trial, prior_set))
    return ReportResults(
        trial=trial, prior_set=prior_set, ipd=ipd, logistic=logistic, exact=exact, mcmc=mcmc,
        aggregate=aggregate, interaction=interaction,
        frequentist={o.name: frequentist_summary(o) for o in trial.outcomes.values()},
        implied={name: implied_statements(prior, calibration, _trial_direction(trial))
                 for name, prior in prior_set.priors.items()},
        truth=truth, truth_tables=truth_tables, study=study_result,
        sensitivity=sensitivity, placebo_rate=placebo,
        missing=missing, ppc=ppc, psense=psense_tables, normal=normal,
        provenance=collect_provenance(
            prior_set.path, trial_path, ipd_file if ipd is not None else None,
            settings if trial.outcomes else None,
            study_result.config.settings if study_result else None,
            study_result.config.seed if study_result else None),
    )


def _trial_direction(trial: Trial) -> Direction:
    """The direction of the trial's first outcome (the priors table's statements use it)."""
    return trial.direction(trial.outcome_names[0])
