"""Figures for the report. Plots only draw: every number comes from ``models`` statistics.

Each named prior keeps one colour in every figure (``prior_colors``). ARD axes are
in percentage points (100 x proportion) because clinicians read them that way.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from models.beta_binomial import ard_density, ard_survival, posterior
from models.calibration import REFERENCE_BETA
from models.data import Trial
from models.priors import BetaBinomialPrior, PriorSet

NAMED_COLORS = {"reference": "#4d4d4d", "skeptical": "#1f77b4", "enthusiastic": "#d95f02"}
EXTRA_COLORS = ("#7570b3", "#1b9e77", "#e7298a", "#66a61e", "#a6761d", "#e6ab02")
ARD_GRID = np.linspace(-0.8, 0.8, 641)
"""ARD values (proportion units) where densities are drawn."""

plt.rcParams.update({
    "figure.dpi": 110, "savefig.dpi": 110, "font.size": 10, "axes.titlesize": 10.5,
    "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
})


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


def plot_prior_ard(priors: PriorSet, design_ard: float | None = None) -> Figure:
    """Prior density of the risk difference implied by each named beta-binomial prior."""
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    colors = prior_colors(priors)
    for prior in priors.priors.values():
        density = ard_density(prior.beta_binomial, ARD_GRID)
        ax.plot(100 * ARD_GRID, density / 100, color=colors[prior.name], lw=2,
                label=prior.label)
    if design_ard is not None:
        ax.axvline(100 * design_ard, color="grey", ls=":", lw=1)
        ax.annotate(f"design effect\n(+{100 * design_ard:.1f} points)",
                    (100 * design_ard, ax.get_ylim()[1] * 0.9), fontsize=8.5, ha="left",
                    xytext=(4, 0), textcoords="offset points", color="grey")
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
            post = ard_density(posterior(prior, outcome), ARD_GRID) / 100
            ax.plot(100 * ARD_GRID, post, color=colors[name], lw=2.2, label="posterior")
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
    outcomes = list(trial.outcomes.values())
    fig, axes = plt.subplots(1, len(outcomes), figsize=(4.2 * len(outcomes), 3.4),
                             sharey=True, squeeze=False)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        for prior in priors.priors.values():
            curve = ard_survival(posterior(prior.beta_binomial, outcome), grid)
            ax.plot(100 * grid, curve, color=colors[prior.name], lw=2, label=prior.label)
        for d in thresholds:
            ax.axvline(100 * d, color="grey", lw=0.6, ls=":")
        _percent_axis(ax, "Threshold d (percentage points)")
        ax.set_title(outcome.label)
        ax.set_ylim(0, 1)
        ax.grid(axis="y", color="#eeeeee")
    axes[0][0].set_ylabel("Posterior P(ARD > d)")
    axes[0][0].legend(loc="lower left")
    fig.tight_layout()
    return fig
