"""What each figure of the report shows, computed apart from the drawing.

One function per figure returns a small frozen dataclass of arrays; the function of the
same name in :mod:`models.report.figures` draws it and computes nothing. Every Beta-arm
curve (densities and tail probabilities of the risk difference) comes from
:class:`models.exact.beta_contrast.BetaContrast`; the hs-CRP curves, heat maps and
simulation-study results are read from the fitted results and only selected here.

Scales: ARD in proportion units (0.10 = 10 percentage points) and ARD densities per
proportion unit (the figures convert both to points); probabilities on 0-1; odds ratios
as ratios; hs-CRP in mg/L.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from models.core.direction import DEFAULT_DIRECTION, Direction
from models.core.distributions import BetaBinomialPrior
from models.core.result_cache import cached_result
from models.data.trial import Trial
from models.exact.beta_binomial import posterior
from models.exact.beta_contrast import BetaContrast
from models.exact.beta_mixture import MixtureArms
from models.exact.errors import NumericalError
from models.exact.logistic_mixture import LogisticMixturePosterior
from models.exact.logistic_posterior import LogisticPosterior
from models.exact.normal_normal import NormalFit
from models.mcmc.interaction import IpdResult
from models.priors.calibration import REFERENCE_BETA
from models.priors.posteriors import (
    beta_binomial_arms,
    beta_mixture_posterior,
)
from models.priors.prior_set import PriorSet
from models.sensitivity.heat_map import SensitivityResults

Array = NDArray[np.float64]

ARD_GRID = np.linspace(-0.8, 0.8, 641)
"""ARD values (proportion units) at which densities are drawn (0.25-point steps)."""

BENEFIT_GRID = np.linspace(-0.2, 0.5, 71)
"""Thresholds d (proportion units) of the P(ARD > d) curves (1-point steps)."""

BAND_PREFIXES = ("or", "ard")
"""The effect measures of the hs-CRP effect figure: odds ratio (top), ARD (bottom)."""


@dataclass(frozen=True)
class Curve:
    """One prior's curve: y against the figure's shared x values."""

    prior: str
    label: str
    y: Array


@dataclass(frozen=True)
class TriplotPanel:
    """Prior and posterior ARD densities and the posterior P(benefit) of one prior x
    outcome (P(ARD > 0), or P(ARD < 0) when fewer events is better)."""

    prior: str
    prior_density: Array
    posterior_density: Array
    p_benefit: float


@dataclass(frozen=True)
class TriplotRow:
    """One outcome: the density of the data alone (flat priors) and one panel per prior."""

    outcome_label: str
    data_alone: Array
    panels: tuple[TriplotPanel, ...]
    direction: Direction = DEFAULT_DIRECTION


@dataclass(frozen=True)
class TriplotCurves:
    """Prior / data alone / posterior densities of ARD (per proportion unit) on ``ard``,
    one row per outcome and one column per prior (``labels`` by prior name, in order)."""

    ard: Array
    labels: dict[str, str]
    rows: tuple[TriplotRow, ...]


@dataclass(frozen=True)
class OutcomeCurves:
    """One outcome's panel: one curve per prior against the figure's x values."""

    outcome_label: str
    curves: tuple[Curve, ...]
    direction: Direction = DEFAULT_DIRECTION


@dataclass(frozen=True)
class BenefitCurves:
    """Posterior P(benefit of more than d) against the threshold d (proportion units; ARD
    > d, or ARD < -d when fewer events is better), per outcome and prior: ``panels`` from
    the primary model, ``comparison`` (same outcomes and priors, in the same order) from
    the second model family, drawn fainter; ``thresholds`` are the d marked on the axis;
    ``model_labels`` name the two families for the legend."""

    thresholds_grid: Array
    panels: tuple[OutcomeCurves, ...]
    thresholds: tuple[float, ...]
    comparison: tuple[OutcomeCurves, ...] = ()
    model_labels: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class CrpBenefitPanel:
    """P(benefit | hs-CRP) per prior for one outcome on the hs-CRP grid (mg/L), and the
    observed hs-CRP values inside the grid's range (drawn as ticks)."""

    outcome_label: str
    crp_mg_l: Array
    curves: tuple[Curve, ...]
    observed: Array


@dataclass(frozen=True)
class CrpBenefitCurves:
    """The P(benefit | hs-CRP) figure (SIMULATED data): one panel per outcome and the
    probability ``level`` drawn as a reference line."""

    panels: tuple[CrpBenefitPanel, ...]
    level: float


@dataclass(frozen=True)
class Band:
    """Posterior median with 50% and 95% equal-tailed bands of one effect measure."""

    median: Array
    lower50: Array
    upper50: Array
    lower95: Array
    upper95: Array


@dataclass(frozen=True)
class CrpEffectColumn:
    """One prior's column: odds ratio and ARD (proportion units) bands against hs-CRP."""

    prior: str
    label: str
    crp_mg_l: Array
    bands: dict[str, Band]
    observed: Array


@dataclass(frozen=True)
class CrpEffectCurves:
    """Conditional OR and ARD against hs-CRP (SIMULATED data), one column per prior."""

    columns: tuple[CrpEffectColumn, ...]


@dataclass(frozen=True)
class NamedPoint:
    """A named prior's (SD, median odds ratio) of the log-OR prior, inside the map."""

    prior: str
    label: str
    sd: float
    odds_ratio: float


@dataclass(frozen=True)
class HeatMapPanel:
    """P(benefit) over prior SDs (columns) x prior median odds ratios (rows) of one
    outcome, and the named priors that fall inside the map."""

    outcome_label: str
    sds: Array
    odds_ratios: Array
    p_benefit: Array
    named: tuple[NamedPoint, ...]
    ratio_name: str = "odds ratio"
    """The ratio whose log the prior is on (an odds ratio, or a published measure)."""


@dataclass(frozen=True)
class SensitivityMap:
    """The prior-sensitivity heat map, one panel per outcome (``priors`` names the priors
    of the file in order, for their colours)."""

    panels: tuple[HeatMapPanel, ...]
    priors: tuple[str, ...]


@dataclass(frozen=True)
class StudyHistograms:
    """The repeated-simulation study: per simulated trial, the posterior median of the
    interaction (log OR per SD of log hs-CRP) and P(interaction > 0); the true value,
    the detection level and the share of trials whose P(interaction > 0) exceeds it."""

    interaction_median: Array
    p_positive: Array
    truth: float
    level: float
    detected: float


def ard_density(arms: BetaBinomialPrior | MixtureArms) -> Array:
    """The ARD density of two Beta (or Beta-mixture) arms on ``ARD_GRID``, or NaN everywhere
    (matplotlib then draws nothing) when it cannot be computed to the stated accuracy: e.g.
    Beta(0.01, 0.01) in both arms, whose mass sits within a hair of 0 and 1
    (``NumericalError``). A curve is left out rather than drawn wrong."""
    try:
        if isinstance(arms, MixtureArms):
            return arms.pdf(ARD_GRID)
        return BetaContrast.of(arms).pdf(ARD_GRID)
    except NumericalError:
        return np.full(ARD_GRID.shape, np.nan)


def prior_data_posterior(trial: Trial, priors: PriorSet) -> TriplotCurves:
    """ARD densities of each prior, of the data alone (flat Beta(1, 1) priors) and of each
    posterior, with the posterior P(ARD > 0), per outcome x prior."""
    flat = BetaBinomialPrior(REFERENCE_BETA, REFERENCE_BETA)
    rows = []
    for outcome in trial.outcomes.values():
        panels = []
        for prior in priors.priors.values():
            updated_arms = beta_mixture_posterior(prior, outcome)
            panels.append(TriplotPanel(
                prior=prior.name,
                prior_density=ard_density(beta_binomial_arms(prior)),
                posterior_density=ard_density(updated_arms),
                p_benefit=float(updated_arms.benefit_probabilities((0.0,),
                                                                   outcome.direction)[0]),
            ))
        data_alone = BetaContrast.of(posterior(flat, outcome)).pdf(ARD_GRID)
        rows.append(TriplotRow(outcome.label, data_alone, tuple(panels), outcome.direction))
    return TriplotCurves(ARD_GRID, {p.name: p.label for p in priors.priors.values()},
                         tuple(rows))


PRIMARY_MODEL_LABEL = "logistic (primary)"
COMPARISON_MODEL_LABEL = "beta-binomial"
"""How the benefit figure's legend names the two model families."""


PRIMARY_MODEL_MODULES = ("models.exact.logistic_posterior", "models.exact.logistic_mixture")
"""The exact logistic posteriors, for the result cache's keys."""


def _computed_exceedance(posterior: LogisticPosterior | LogisticMixturePosterior,
                         grid: Array) -> Array:
    return np.array([posterior.p_benefit_greater(float(d)) for d in grid])


def _exceedance_curve(posterior: LogisticPosterior | LogisticMixturePosterior,
                      grid: Array) -> Array:
    """P(benefit of more than d) at every d of ``grid``, exact; each point is a nested
    integral, so the curve is kept in the result cache (keyed by the posterior's counts
    and priors)."""
    return cached_result("benefit-curve", PRIMARY_MODEL_MODULES, (posterior, grid),
                         functools.partial(_computed_exceedance, posterior, grid))


def benefit_curves(trial: Trial, priors: PriorSet, thresholds: tuple[float, ...],
                   primary: Mapping[tuple[str, str],
                                    LogisticPosterior | LogisticMixturePosterior],
                   ) -> BenefitCurves:
    """Posterior P(benefit of more than d) on ``BENEFIT_GRID`` per outcome and prior, both
    exact: the
    primary model's (``primary``, the exact logistic posteriors by (prior, outcome) name)
    and the beta-binomial model's for comparison."""
    panels = tuple(
        OutcomeCurves(outcome.label, tuple(
            Curve(p.name, p.label, _exceedance_curve(primary[(p.name, outcome.name)],
                                                     BENEFIT_GRID))
            for p in priors.priors.values()), outcome.direction)
        for outcome in trial.outcomes.values()
    )
    comparison = tuple(
        OutcomeCurves(outcome.label, tuple(
            Curve(p.name, p.label,
                  beta_mixture_posterior(p, outcome).benefit_probabilities(
                      BENEFIT_GRID, outcome.direction))
            for p in priors.priors.values()), outcome.direction)
        for outcome in trial.outcomes.values()
    )
    return BenefitCurves(BENEFIT_GRID, panels, tuple(thresholds), comparison,
                         (PRIMARY_MODEL_LABEL, COMPARISON_MODEL_LABEL))


def _inside(values: Array, crp_mg_l: Array) -> Array:
    """The observed hs-CRP values inside the grid's range."""
    low, high = crp_mg_l.min(), crp_mg_l.max()
    return values[(values >= low) & (values <= high)]


def _curve_column(table: pd.DataFrame, column: str) -> Array:
    return table[column].to_numpy(dtype=float)


def crp_benefit(interaction: Mapping[tuple[str, str], IpdResult], priors: PriorSet,
                trial: Trial, crp_observed: Array, level: float) -> CrpBenefitCurves:
    """P(benefit | hs-CRP) curves of the interaction model per outcome and prior
    (``interaction`` keyed by (prior name, outcome name); SIMULATED data)."""
    panels = []
    for outcome in trial.outcomes.values():
        tables = [interaction[(p.name, outcome.name)].curves for p in priors.priors.values()]
        crp = _curve_column(tables[-1], "crp_mg_l")
        curves = tuple(Curve(p.name, p.label, _curve_column(table, "p_benefit"))
                       for p, table in zip(priors.priors.values(), tables, strict=True))
        panels.append(CrpBenefitPanel(outcome.label, crp, curves,
                                      _inside(np.asarray(crp_observed, float), crp)))
    return CrpBenefitCurves(tuple(panels), level)


def crp_effects(interaction: Mapping[tuple[str, str], IpdResult], priors: PriorSet,
                outcome: str, crp_observed: Array) -> CrpEffectCurves:
    """Conditional OR and ARD bands against hs-CRP for one outcome, one column per prior
    (SIMULATED data)."""
    columns = []
    for prior in priors.priors.values():
        table = interaction[(prior.name, outcome)].curves
        crp = _curve_column(table, "crp_mg_l")
        bands = {prefix: Band(*(_curve_column(table, f"{prefix}_{part}") for part in
                                ("median", "lower50", "upper50", "lower95", "upper95")))
                 for prefix in BAND_PREFIXES}
        columns.append(CrpEffectColumn(prior.name, prior.label, crp, bands,
                                       _inside(np.asarray(crp_observed, float), crp)))
    return CrpEffectCurves(tuple(columns))


def sensitivity_map(sensitivity: SensitivityResults, priors: PriorSet,
                    trial: Trial) -> SensitivityMap:
    """The heat map per outcome on the ratio scale, with the named priors inside it (counts:
    the odds ratio; an outcome given as a published ratio: that ratio)."""
    panels = []
    for name in trial.outcome_names:
        grid = sensitivity.grids[name]
        named = sensitivity.named[sensitivity.named["outcome"] == name]
        points = tuple(
            NamedPoint(str(row["prior"]), str(row["label"]), float(row["sd"]),
                       float(np.exp(row["mean"])))
            for _, row in named.iterrows()
            if grid.sds[0] <= row["sd"] <= grid.sds[-1]
            and grid.means[0] <= row["mean"] <= grid.means[-1]
        )
        ratio = (trial.estimates[name].estimate.words if name in trial.estimates
                 else "odds ratio")
        panels.append(HeatMapPanel(trial.label(name), grid.sds, np.exp(grid.means),
                                   grid.p_benefit, points, ratio))
    return SensitivityMap(tuple(panels), tuple(priors.names))


def simulation_study(replicates: pd.DataFrame, truth_interaction: float,
                     level: float) -> StudyHistograms:
    """Per-trial interaction medians and P(interaction > 0) of the repeated-simulation
    study, and the share of simulated trials with P(interaction > 0) above ``level``."""
    p_positive = replicates["interaction_p_positive"].to_numpy(dtype=float)
    return StudyHistograms(
        interaction_median=replicates["interaction_median"].to_numpy(dtype=float),
        p_positive=p_positive,
        truth=float(truth_interaction),
        level=float(level),
        detected=float((p_positive > level).mean()),
    )


PUBLISHED_LOG_GRID = np.linspace(np.log(0.1), np.log(10.0), 801)
"""Log ratios at which the published-ratio densities are drawn (ratios 0.1 to 10)."""


@dataclass(frozen=True)
class PublishedRow:
    """One outcome given as a published ratio: its likelihood (normal on the log scale,
    scaled to unit area) and, per prior, prior and posterior densities with P(benefit)."""

    outcome_label: str
    ratio_name: str
    direction: Direction
    likelihood: Array
    panels: tuple[TriplotPanel, ...]


@dataclass(frozen=True)
class PublishedCurves:
    """Densities on ``log_ratio`` (per unit of log ratio), one row per outcome."""

    log_ratio: Array
    labels: dict[str, str]
    rows: tuple[PublishedRow, ...]


def published_densities(trial: Trial, priors: PriorSet,
                        fits: Mapping[tuple[str, str], NormalFit]) -> PublishedCurves:
    """Prior, likelihood and posterior densities of each published log ratio (normal-normal
    model, closed form), with each posterior's P(benefit)."""
    grid = PUBLISHED_LOG_GRID
    rows = []
    for name, outcome in trial.estimates.items():
        panels = []
        likelihood = None
        for prior in priors.priors.values():
            fit = fits[(prior.name, name)]
            likelihood = stats.norm.pdf(grid, fit.likelihood.log_estimate,
                                        fit.likelihood.standard_error)
            panels.append(TriplotPanel(
                prior=prior.name,
                prior_density=stats.norm.pdf(grid, fit.prior.mean, fit.prior.sd),
                posterior_density=stats.norm.pdf(grid, fit.posterior.mean, fit.posterior.sd),
                p_benefit=fit.p_benefit))
        assert likelihood is not None
        rows.append(PublishedRow(outcome.label, outcome.estimate.words, outcome.direction,
                                 likelihood, tuple(panels)))
    return PublishedCurves(grid, {p.name: p.label for p in priors.priors.values()},
                           tuple(rows))
