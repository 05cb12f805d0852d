"""The named priors as beliefs about the effect: each prior's density for the odds ratio
(its normal prior on the log odds ratio, or the robust mixture), computed by
:func:`prior_beliefs` and drawn by :func:`prior_beliefs_figure` (which only draws).

The density is per unit of log odds ratio, drawn against the odds ratio on a log axis, so
equal areas mean equal probabilities; the design effect of the priors file's calibration,
when there is one, is marked, and no effect (OR = 1) always is.
"""

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from scipy import stats

from models.priors.prior_set import PriorSet
from models.report.curves import Curve
from models.report.figures import label_text

LOG_OR_GRID = np.linspace(np.log(0.05), np.log(20.0), 601)
"""Log odds ratios at which the densities are drawn (OR 0.05 to 20)."""

OR_TICKS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0)
"""Odds-ratio ticks of the horizontal axis."""


@dataclass(frozen=True)
class PriorBeliefCurves:
    """Prior densities of the log odds ratio on ``log_odds_ratio``, one curve per named
    prior in the file's order, and the calibration's design odds ratio (None without one)."""

    log_odds_ratio: np.ndarray
    curves: tuple[Curve, ...]
    design_odds_ratio: float | None


def prior_beliefs(priors: PriorSet) -> PriorBeliefCurves:
    """Each named prior's density of the log odds ratio (a mixture's weighted sum)."""
    curves = []
    for prior in priors.priors.values():
        mixture = prior.log_odds_ratio_mixture
        density = sum(weight * stats.norm.pdf(LOG_OR_GRID, part.mean, part.sd)
                      for weight, part in zip(mixture.weights, mixture.components,
                                              strict=True))
        curves.append(Curve(prior.name, prior.label, np.asarray(density, dtype=float)))
    design = priors.calibration.design_odds_ratio if priors.calibration else None
    return PriorBeliefCurves(LOG_OR_GRID, tuple(curves), design)


def prior_beliefs_figure(curves: PriorBeliefCurves, colors: dict[str, str],
                         width: float = 9.5, height: float = 4.2,
                         ratio: str = "odds ratio") -> Figure:
    """The prior densities against the ratio (log axis), no effect and the design effect
    marked; ``colors`` by prior name (:func:`models.report.figures.prior_colors`);
    ``ratio`` names the axis (the odds ratio for counts, else the published measure)."""
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    for curve in curves.curves:
        ax.plot(curves.log_odds_ratio, curve.y, color=colors[curve.prior], linewidth=2.6,
                label=label_text(curve.label or curve.prior))
    ax.axvline(0.0, color="black", linewidth=1.2, linestyle=":")
    top = max(float(curve.y.max()) for curve in curves.curves)
    ax.text(0.0, top * 1.04, " no effect", ha="left", va="bottom")
    if curves.design_odds_ratio:
        design = float(np.log(curves.design_odds_ratio))
        ax.axvline(design, color="#555555", linewidth=1.2, linestyle="--")
        ax.text(design, top * 1.04, f" design effect, {curves.design_odds_ratio:g}",
                ha="left", va="bottom")
    ax.set_ylim(0, top * 1.18)
    ax.set_xlim(curves.log_odds_ratio[0], curves.log_odds_ratio[-1])
    ax.set_xticks(np.log(OR_TICKS), [f"{tick:g}" for tick in OR_TICKS])
    ax.set_xlabel(f"{label_text(ratio).capitalize()}, treatment vs control (log scale)")
    ax.set_ylabel("Prior density")
    ax.set_yticks([])
    ax.legend(loc="upper left", frameon=False)
    return fig
