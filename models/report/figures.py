"""Figures for the report. Plots only draw: every number comes from ``models`` statistics.

Each named prior keeps one colour in every figure (``prior_colors``). ARD axes are
in percentage points (100 x proportion) because clinicians read them that way.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from models.core.distributions import BetaBinomialPrior
from models.data.trial import Trial
from models.exact.beta_binomial import ard_density, ard_survival, posterior, prob_benefit
from models.priors.calibration import REFERENCE_BETA
from models.priors.prior_set import PriorSet

NAMED_COLORS = {"reference": "#4d4d4d", "skeptical": "#1f77b4", "enthusiastic": "#d95f02"}
EXTRA_COLORS = ("#7570b3", "#1b9e77", "#e7298a", "#66a61e", "#a6761d", "#e6ab02")
ARD_GRID = np.linspace(-0.8, 0.8, 641)
"""ARD values (proportion units) where densities are drawn."""

plt.rcParams.update({
    "figure.dpi": 110, "savefig.dpi": 110, "font.size": 10, "axes.titlesize": 10.5,
    "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
})


def _log_ticks(axis, ticks: list[float]) -> None:
    """Plain tick labels at ``ticks`` on a log axis, no minor labels."""
    axis.set_ticks(ticks, labels=[f"{t:g}" for t in ticks])
    axis.set_minor_formatter(NullFormatter())


def prior_colors(priors: PriorSet) -> dict[str, str]:
    """One stable colour per prior name: the shipped three fixed, extra priors in order."""
    colors, extra = {}, iter(EXTRA_COLORS * 4)
    for name in priors.names:
        colors[name] = NAMED_COLORS.get(name) or next(extra)
    return colors


def _percent_axis(ax: plt.Axes, label: str = "Risk difference, tocilizumab - placebo "
                  "(percentage points)") -> None:
    ax.set_xlabel(label)
    ax.axvline(0, color="black", lw=0.8)


def _outcome_panels(trial: Trial, panel_width: float, height: float,
                    extra_width: float = 0.0) -> tuple[Figure, list[plt.Axes], list]:
    """One panel per outcome side by side, sharing the y axis."""
    outcomes = list(trial.outcomes.values())
    fig, axes = plt.subplots(1, len(outcomes), figsize=(panel_width * len(outcomes)
                                                        + extra_width, height),
                             sharey=True, squeeze=False)
    return fig, list(axes[0]), outcomes


def plot_prior_ard(priors: PriorSet, design_ard: float | None = None) -> Figure:
    """Prior density of the risk difference implied by each named beta-binomial prior."""
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    colors = prior_colors(priors)
    for prior in priors.priors.values():
        density = ard_density(prior.beta_binomial, ARD_GRID)
        ax.plot(100 * ARD_GRID, density / 100, color=colors[prior.name], lw=2,
                label=prior.label)
    if design_ard is not None:
        ax.axvline(100 * design_ard, color="grey", ls=":", lw=1.2,
                   label=f"design effect (+{100 * design_ard:.1f} points)")
    _percent_axis(ax)
    ax.set_ylabel("Prior density (per point)")
    ax.set_xlim(-70, 70)
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def plot_prior_data_posterior(trial: Trial, priors: PriorSet) -> Figure:
    """ARD densities: prior, data alone (flat priors) and posterior, per outcome x prior."""
    names = priors.names
    outcomes = list(trial.outcomes.values())
    colors = prior_colors(priors)
    flat = BetaBinomialPrior(REFERENCE_BETA, REFERENCE_BETA)
    fig, axes = plt.subplots(len(outcomes), len(names), figsize=(3.2 * len(names) + 1,
                             2.6 * len(outcomes)), sharex=True, squeeze=False)
    for row, outcome in enumerate(outcomes):
        data_alone = ard_density(posterior(flat, outcome), ARD_GRID) / 100
        for col, name in enumerate(names):
            ax = axes[row][col]
            prior = priors.get(name).beta_binomial
            ax.plot(100 * ARD_GRID, ard_density(prior, ARD_GRID) / 100, color=colors[name],
                    ls="--", lw=1.4, label="prior")
            ax.plot(100 * ARD_GRID, data_alone, color="#999999", ls=":", lw=1.6,
                    label="data alone (flat priors)")
            updated = posterior(prior, outcome)
            post = ard_density(updated, ARD_GRID) / 100
            ax.plot(100 * ARD_GRID, post, color=colors[name], lw=2.2, label="posterior")
            p_better = prob_benefit(updated.treatment, updated.control)
            ax.text(0.03, 0.95, f"P(ARD > 0) = {p_better:.3f}", transform=ax.transAxes,
                    fontsize=8.5, va="top", color=colors[name])
            ax.fill_between(100 * ARD_GRID, post, where=ARD_GRID > 0, color=colors[name],
                            alpha=0.15, lw=0)
            ax.axvline(0, color="black", lw=0.8)
            ax.set_xlim(-55, 75)
            ax.set_xticks([-40, -20, 0, 20, 40, 60])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(priors.get(name).label, color=colors[name], fontweight="bold")
            if col == 0:
                ax.set_ylabel(outcome.label)
            if row == len(outcomes) - 1:
                ax.set_xlabel("ARD (points)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=9,
               bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def plot_benefit_curves(trial: Trial, priors: PriorSet,
                        thresholds: tuple[float, ...]) -> Figure:
    """P(ARD > d) as a function of d, per outcome, one line per prior (exact)."""
    grid = np.linspace(-0.2, 0.5, 71)
    colors = prior_colors(priors)
    fig, axes, outcomes = _outcome_panels(trial, 4.2, 3.4)
    for ax, outcome in zip(axes, outcomes, strict=True):
        for prior in priors.priors.values():
            curve = ard_survival(posterior(prior.beta_binomial, outcome), grid)
            ax.plot(100 * grid, curve, color=colors[prior.name], lw=2, label=prior.label)
        for d in thresholds:
            ax.axvline(100 * d, color="grey", lw=0.6, ls=":")
        _percent_axis(ax, "Threshold d (percentage points)")
        ax.set_title(outcome.label)
        ax.set_ylim(0, 1)
        ax.grid(axis="y", color="#eeeeee")
    axes[0].set_ylabel("Posterior P(ARD > d)")
    axes[0].legend(loc="lower left")
    fig.tight_layout()
    return fig


def plot_crp_benefit(ipd_fits: dict, priors: PriorSet, trial: Trial,
                     crp_observed: np.ndarray, level: float) -> Figure:
    """P(benefit | hs-CRP) curves per outcome, one line per prior (SIMULATED data)."""
    colors = prior_colors(priors)
    fig, axes, outcomes = _outcome_panels(trial, 4.4, 3.5)
    for ax, outcome in zip(axes, outcomes, strict=True):
        for prior in priors.priors.values():
            curves = ipd_fits[(prior.name, outcome.name)].curves
            ax.plot(curves["crp_mg_l"], curves["p_benefit"], color=colors[prior.name], lw=2,
                    label=prior.label)
        ax.axhline(level, color="grey", ls=":", lw=1)
        low, high = curves["crp_mg_l"].min(), curves["crp_mg_l"].max()
        shown = crp_observed[(crp_observed >= low) & (crp_observed <= high)]
        ax.plot(shown, np.full_like(shown, 0.02), "|", color="black", ms=8, alpha=0.6)
        ax.set_xlim(low, high)
        ax.set_xscale("log")
        _log_ticks(ax.xaxis, [3, 5, 10, 20, 30])
        ax.set_xlabel("Baseline hs-CRP (mg/L, log scale)")
        ax.set_title(f"{outcome.label} (simulated data)")
        ax.set_ylim(0, 1)
        ax.grid(axis="y", color="#eeeeee")
    axes[0].set_ylabel("P(tocilizumab better | hs-CRP)")
    axes[0].legend(loc="lower right", fontsize=8.5)
    fig.tight_layout()
    return fig


OR_AXIS_LIMITS = (0.03, 100.0)
"""Odds-ratio axis of the effect curves; wider bands are clipped (the caption says so)."""


def plot_crp_effects(ipd_fits: dict, priors: PriorSet, outcome: str,
                     crp_observed: np.ndarray) -> Figure:
    """Conditional OR and ARD vs hs-CRP with 50% and 95% bands, one column per prior,
    with the observed hs-CRP values as ticks."""
    colors = prior_colors(priors)
    names = priors.names
    fig, axes = plt.subplots(2, len(names), figsize=(3.1 * len(names) + 0.8, 5.4),
                             sharex=True, sharey="row", squeeze=False)
    for col, name in enumerate(names):
        curves = ipd_fits[(name, outcome)].curves
        x = curves["crp_mg_l"]
        for row, (prefix, scale) in enumerate((("or", 1.0), ("ard", 100.0))):
            ax = axes[row][col]
            ax.fill_between(x, scale * curves[f"{prefix}_lower95"],
                            scale * curves[f"{prefix}_upper95"], color=colors[name],
                            alpha=0.15, lw=0, label="95%")
            ax.fill_between(x, scale * curves[f"{prefix}_lower50"],
                            scale * curves[f"{prefix}_upper50"], color=colors[name],
                            alpha=0.35, lw=0, label="50%")
            ax.plot(x, scale * curves[f"{prefix}_median"], color=colors[name], lw=2,
                    label="median")
            ax.axhline(1.0 if prefix == "or" else 0.0, color="black", lw=0.8)
            ax.set_xscale("log")
            ax.set_xlim(x.min(), x.max())
            _log_ticks(ax.xaxis, [3, 5, 10, 20, 30])
            shown = crp_observed[(crp_observed >= x.min()) & (crp_observed <= x.max())]
            floor = OR_AXIS_LIMITS[0] * 1.15 if prefix == "or" else -75.0
            ax.plot(shown, np.full_like(shown, floor), "|", color="black", ms=6, alpha=0.5)
            if prefix == "or":
                ax.set_yscale("log")
                _log_ticks(ax.yaxis, [0.1, 1, 10, 100])
                ax.set_title(priors.get(name).label, color=colors[name], fontweight="bold")
            else:
                ax.set_xlabel("hs-CRP (mg/L, log scale)")
        axes[0][0].set_ylabel("Odds ratio (log scale)")
        axes[1][0].set_ylabel("ARD (points)")
    axes[0][0].set_ylim(*OR_AXIS_LIMITS)
    axes[1][0].set_ylim(-80, 100)
    axes[0][-1].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


HEATMAP_FLOOR = 0.5
"""Colour scale of the sensitivity heat map starts at 0.5 (values below share one colour),
so that the differences between 0.8, 0.9 and 0.95 are visible."""


def plot_sensitivity(sensitivity, priors: PriorSet, trial: Trial) -> Figure:
    """Heat map of P(benefit) over prior mean x SD of the log OR, per outcome, with the
    named priors marked and the 0.9 / 0.95 contours drawn."""
    colors = prior_colors(priors)
    fig, axes, outcomes = _outcome_panels(trial, 4.6, 3.9, extra_width=0.8)
    image = None
    for ax, outcome in zip(axes, outcomes, strict=True):
        grid = sensitivity.grids[outcome.name]
        image = ax.pcolormesh(grid.sds, np.exp(grid.means), grid.p_benefit, cmap="viridis",
                              vmin=HEATMAP_FLOOR, vmax=1, shading="auto", rasterized=True)
        contours = ax.contour(grid.sds, np.exp(grid.means), grid.p_benefit,
                              levels=[0.5, 0.9, 0.95], colors=["white", "white", "white"],
                              linewidths=[0.8, 1.2, 1.2], linestyles=[":", "--", "-"])
        ax.clabel(contours, fmt={0.5: "0.5", 0.9: "0.9", 0.95: "0.95"}, fontsize=8)
        named = sensitivity.named[sensitivity.named["outcome"] == outcome.name]
        for _, row in named.iterrows():
            if grid.sds[0] <= row["sd"] <= grid.sds[-1] and \
                    grid.means[0] <= row["mean"] <= grid.means[-1]:
                ax.scatter(row["sd"], np.exp(row["mean"]), s=70, color=colors[row["prior"]],
                           edgecolor="white", linewidth=1.5, zorder=3, label=row["label"])
        ax.set_yscale("log")
        _log_ticks(ax.yaxis, [0.5, 1, 2, 4, 7])
        ax.set_xlabel("Prior SD of the log odds ratio")
        ax.set_title(outcome.label)
    axes[0].set_ylabel("Prior median odds ratio")
    axes[0].legend(loc="lower right", fontsize=8, framealpha=0.85, frameon=True)
    fig.colorbar(image, ax=axes, label="P(tocilizumab better)", fraction=0.04, extend="min")
    return fig


def plot_simulation_study(replicates, truth_interaction: float, level: float) -> Figure:
    """Repeated-simulation study: where the posterior median of the interaction lands,
    and how often P(interaction > 0) clears the detection level, across simulated trials."""
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(1, 2, figsize=(8.6, 3.3))
    axes[0].hist(replicates["interaction_median"], bins=30, color="#7570b3", alpha=0.8)
    axes[0].axvline(truth_interaction, color="black", lw=1.5, label="true value (mean)")
    axes[0].axvline(0, color="grey", lw=0.8, ls=":", label="no interaction")
    axes[0].set_xlabel("Posterior median of the interaction (log OR per SD)")
    axes[0].legend(fontsize=8)
    detected = float((replicates["interaction_p_positive"] > level).mean())
    axes[1].hist(replicates["interaction_p_positive"], bins=np.linspace(0, 1, 21),
                 color="#1b9e77", alpha=0.8)
    axes[1].axvline(level, color="black", lw=1.2, ls="--",
                    label=f"detection threshold {level:g}\n({100 * detected:.0f}% of trials above)")
    axes[1].set_xlabel("P(interaction > 0) in each simulated trial")
    axes[1].legend(fontsize=8, loc="upper left")
    for ax in axes:
        ax.set_ylabel("Simulated trials")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    return fig
