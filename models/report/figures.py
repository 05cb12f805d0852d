"""Figures for the report. They only draw: each function takes the precomputed curves of
:mod:`models.report.curves` (the function of the same name there) and returns a figure.

Each named prior keeps one colour in every figure (``prior_colors``), distinct for up to
``len(PALETTE)`` priors. ARD axes are in percentage points (100 x proportion) because
clinicians read them that way; densities are drawn per percentage point.

User text (prior and outcome labels) is drawn literally: mathtext is off for every text
of these figures (``text.parse_math``), so ``$x$`` in a label is two dollar signs and an x,
and labels longer than ``LABEL_CHARS`` are shortened with an ellipsis (:func:`label_text`)
so legends and titles keep their layout. Text a font cannot draw (some right-to-left
scripts, emoji) is drawn as missing-glyph boxes; matplotlib's warning about it is
silenced, because the label is the user's choice and the figure is still correct.

Sizes are chosen for the page: the report shows figures as SVG (:func:`use_report_output`)
in a text column of about ``MAX_WIDTH`` inches (at 96 CSS pixels per inch), so no figure is
wider than ``MAX_WIDTH`` (a wider one would be scaled down, and its text with it) and no text
is smaller than ``MIN_FONT`` points, which is ``MIN_FONT * 4 / 3`` CSS pixels as displayed.
"""

import math
import warnings
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, NullFormatter

from models.priors.prior_set import PriorSet
from models.report.curves import (
    BenefitCurves,
    CrpBenefitCurves,
    CrpEffectCurves,
    OutcomeCurves,
    PublishedCurves,
    SensitivityMap,
    StudyHistograms,
    TriplotCurves,
)
from models.report.planning_view import POWER_TARGET, Planning

NAMED_COLORS = {"reference": "#4d4d4d", "skeptical": "#1f77b4", "enthusiastic": "#d95f02"}
EXTRA_COLORS = ("#7570b3", "#1b9e77", "#e7298a", "#66a61e", "#a6761d", "#e6ab02")
MORE_COLORS = ("#17becf", "#d62728", "#bcbd22", "#8c564b", "#9edae5", "#ff9896",
               "#c49c94", "#393b79", "#f7b6d2", "#98df8a", "#637939", "#dbdb8d")
"""Colours after ``EXTRA_COLORS`` (from matplotlib's tab20 and tab20b, skipping those close
to the named priors' colours), so that a file of 12 or more priors keeps them distinct."""

PALETTE = tuple(NAMED_COLORS.values()) + EXTRA_COLORS + MORE_COLORS
"""Every distinct prior colour; beyond ``len(PALETTE)`` priors, colours repeat."""

LABEL_CHARS = 40
"""Longest label drawn in a figure (characters); longer ones end in an ellipsis."""

LEGEND_ROWS = 6
"""Legend entries per column: more priors than this spread over several columns."""

PRIOR_COLUMNS = 4
"""Most priors side by side in a figure with one column per prior; with more, the
prior-data-posterior figure turns to one row per prior and the hs-CRP effect figure
wraps its columns, so that panels keep a readable size."""

POINTS = 100.0
"""Percentage points per proportion unit (ARD axes and per-point densities)."""

OR_AXIS_LIMITS = (0.03, 100.0)
"""Odds-ratio axis of the effect curves; wider bands are clipped (the caption says so)."""

HEATMAP_RATIO_TICKS = (0.15, 0.25, 0.5, 1.0, 2.0, 4.0, 7.0)
"""Ratio ticks of the heat map's vertical axis (those inside its range are drawn)."""

HEATMAP_FLOOR = 0.5
"""Colour scale of the sensitivity heat map starts at 0.5 (values below share one colour),
so that the differences between 0.8, 0.9 and 0.95 are visible."""

MAX_WIDTH = 9.5
"""Widest figure (inches): 9.5 in x 96 CSS px per inch = 912 px, the report's text column
(60rem less its padding), so that a figure is shown at its own size, never scaled down."""

MIN_FONT = 9.0
"""Smallest text in a figure (points): 12 CSS px on the page, legible with a margin to spare
for a figure the browser scales down a little (Quarto's text column is narrower)."""

RASTER_DPI = 192
"""Resolution of the parts of an SVG figure drawn as an image (the heat map's cells):
twice the 96 CSS px per inch at which the figure is shown, so they stay sharp on a
high-density screen."""

STYLE: dict[str, Any] = {
    "figure.dpi": 110, "savefig.dpi": 110,
    "font.size": 10.5, "axes.titlesize": 11, "axes.labelsize": 10.5,
    "xtick.labelsize": 9.5, "ytick.labelsize": 9.5, "legend.fontsize": 9.5,
    "legend.title_fontsize": 9.5, "figure.titlesize": 11,
    "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
    "text.parse_math": False, "text.usetex": False,
    # SVG text stays text (selectable, searchable, measurable by the page's tests), and
    # the same figure gives the same file (fixed ids; no date: see use_report_output).
    "svg.fonttype": "none", "svg.hashsalt": "tocilizumab-reanalysis",
}
"""matplotlib settings of every figure (set on import and again by use_report_output)."""

plt.style.use(STYLE)
warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font",
                        category=UserWarning)
warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support",
                        category=UserWarning)


def use_report_output() -> None:
    """Show the figures of a notebook (the report) as SVG, with this module's style.

    Called once by the report's set-up cell, after the imports: the notebook's inline
    backend (and Quarto's own set-up cell) may have reset matplotlib's settings, and both
    renderers then embed each figure as an SVG image (``image/svg+xml``). Text stays text
    (``svg.fonttype: none``), rasterised parts (the heat map's cells) are drawn at
    ``RASTER_DPI``, and the file carries no date, so a re-render gives the same figure.
    Outside IPython only the style is set.
    """
    plt.style.use(STYLE)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the report's kernel
        return
    if get_ipython() is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("svg", dpi=RASTER_DPI, metadata={"Date": None})


def label_text(label: str, limit: int = LABEL_CHARS) -> str:
    """A user's label as one line of at most ``limit`` characters (whitespace runs and line
    breaks become one space; a longer label is cut and ends in an ellipsis)."""
    flat = " ".join(str(label).split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "\u2026"


def colors_by_name(names: Sequence[str]) -> dict[str, str]:
    """One stable colour per prior name: the shipped three keep theirs, other priors take
    the unused colours of ``PALETTE`` in order (distinct up to ``len(PALETTE)`` priors)."""
    colors: dict[str, str] = {name: NAMED_COLORS[name] for name in names if name in NAMED_COLORS}
    free = [c for c in EXTRA_COLORS + MORE_COLORS + tuple(NAMED_COLORS.values())
            if c not in colors.values()]
    spare = iter(free * (len(names) // max(len(free), 1) + 1))
    for name in names:
        if name not in colors:
            colors[name] = next(spare)
    return {name: colors[name] for name in names}


def _legend_columns(entries: int) -> int:
    """Legend columns for ``entries`` entries, at most ``LEGEND_ROWS`` per column."""
    return max(1, -(-entries // LEGEND_ROWS))


def prior_colors(priors: PriorSet) -> dict[str, str]:
    """The colour of each prior of a priors file (see ``colors_by_name``)."""
    return colors_by_name(priors.names)


def _log_ticks(axis: Axis, ticks: list[float]) -> None:
    """Plain tick labels at ``ticks`` on a log axis, no minor labels."""
    axis.set_ticks(ticks, labels=[f"{t:g}" for t in ticks])
    axis.set_minor_formatter(NullFormatter())


def _percent_axis(ax: Axes, label: str = "Risk difference, treatment - control "
                  "(percentage points)") -> None:
    ax.set_xlabel(label)
    ax.axvline(0, color="black", lw=0.8)


def _width(panel_width: float, count: int, extra_width: float = 0.0) -> float:
    """Width of a figure of ``count`` panels side by side, at most ``MAX_WIDTH``."""
    return min(panel_width * count + extra_width, MAX_WIDTH)


def _title_chars(width: float, size: float) -> int:
    """Most characters of a one-line title that fit ``width`` inches at ``size`` points
    (an average character is taken as 0.6 em wide), never fewer than 16."""
    return max(16, min(LABEL_CHARS, int(width * 72 / (0.6 * size))))


def _outcome_panels(count: int, panel_width: float, height: float,
                    extra_width: float = 0.0) -> tuple[Figure, list[Axes]]:
    """One panel per outcome side by side, sharing the y axis (at most ``MAX_WIDTH``)."""
    fig, axes = plt.subplots(1, count, figsize=(_width(panel_width, count, extra_width), height),
                             sharey=True, squeeze=False)
    return fig, list(axes[0])


def _headroom(ax: Axes, *curves: np.ndarray) -> None:
    """y axis from 0 to 1.3 x the highest of ``curves``, so that a note in the panel's top
    left corner sits above them (NaN curves, drawn as nothing, are ignored)."""
    peaks = [float(np.nanmax(c)) for c in curves if np.isfinite(c).any()]
    if peaks and max(peaks) > 0:
        ax.set_ylim(0, 1.3 * max(peaks))


def prior_data_posterior(curves: TriplotCurves) -> Figure:
    """ARD densities: prior, data alone (flat priors) and posterior, per outcome x prior
    (outcomes in rows and priors in columns; the other way round for more than
    ``PRIOR_COLUMNS`` priors)."""
    names = list(curves.labels)
    colors = colors_by_name(names)
    x = POINTS * curves.ard
    by_prior = len(names) > PRIOR_COLUMNS
    nrows, ncols = ((len(names), len(curves.rows)) if by_prior
                    else (len(curves.rows), len(names)))
    width = _width(3.2, ncols, 1.0)
    panel_width = (width - 1.0) / ncols
    title_chars = _title_chars(panel_width, plt.rcParams["axes.titlesize"])
    ticks = [-40, -20, 0, 20, 40, 60] if panel_width >= 2.8 else [-40, 0, 40]
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, 2.6 * nrows), sharex=True,
                             squeeze=False)
    for i, outcome in enumerate(curves.rows):
        for j, panel in enumerate(outcome.panels):
            row, col = (j, i) if by_prior else (i, j)
            ax, color = axes[row][col], colors[panel.prior]
            ax.plot(x, panel.prior_density / POINTS, color=color, ls="--", lw=1.4,
                    label="prior")
            ax.plot(x, outcome.data_alone / POINTS, color="#999999", ls=":", lw=1.6,
                    label="data alone (flat priors)")
            post = panel.posterior_density / POINTS
            ax.plot(x, post, color=color, lw=2.2, label="posterior")
            _headroom(ax, panel.prior_density / POINTS, outcome.data_alone / POINTS, post)
            higher = outcome.direction == "higher"
            ax.text(0.03, 0.95, f"P(ARD {'>' if higher else '<'} 0) = {panel.p_benefit:.3f}",
                    transform=ax.transAxes, fontsize=MIN_FONT, va="top", color=color,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
            benefit = curves.ard > 0 if higher else curves.ard < 0
            ax.fill_between(x, post, where=benefit, color=color, alpha=0.15, lw=0)
            ax.axvline(0, color="black", lw=0.8)
            ax.set_xlim(-55, 75)
            ax.set_xticks(ticks)
            ax.set_yticks([])
            prior_label = label_text(curves.labels[panel.prior], title_chars)
            if by_prior:
                if row == 0:
                    ax.set_title(label_text(outcome.outcome_label, title_chars))
                if col == 0:
                    ax.set_ylabel(prior_label, color=color, fontweight="bold")
            else:
                if row == 0:
                    ax.set_title(prior_label, color=color, fontweight="bold")
                if col == 0:
                    ax.set_ylabel(label_text(outcome.outcome_label, 30))
            if row == nrows - 1:
                ax.set_xlabel("ARD (points)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.06 * 2 / nrows if by_prior else 0.06, 1, 1))
    return fig


def published_densities(curves: PublishedCurves) -> Figure:
    """Outcomes given as a published ratio: prior (dashed), likelihood of the published
    ratio (dotted) and posterior (solid) of the log ratio, drawn on a log-ratio axis with
    ratio ticks, one row per outcome (wrapped after ``PRIOR_COLUMNS`` priors) and one
    column per prior; the shaded area is P(benefit) (ratio below 1 when fewer events is
    better, above 1 when more is)."""
    names = list(curves.labels)
    colors = colors_by_name(names)
    columns = min(len(names), PRIOR_COLUMNS)
    wraps = math.ceil(len(names) / PRIOR_COLUMNS)
    width = _width(3.2, columns, 1.0)
    title_chars = _title_chars((width - 1.0) / columns, plt.rcParams["axes.titlesize"])
    total_rows = len(curves.rows) * wraps
    fig, axes = plt.subplots(total_rows, columns, figsize=(width, 2.6 * total_rows),
                             sharex=True, squeeze=False)
    for ax in axes.ravel():
        ax.set_visible(False)
    x = curves.log_ratio
    ticks = [0.25, 0.5, 1.0, 2.0, 4.0]
    for i, row in enumerate(curves.rows):
        benefit = x < 0 if row.direction == "lower" else x > 0
        sign = "<" if row.direction == "lower" else ">"
        for j, panel in enumerate(row.panels):
            ax = axes[i * wraps + j // PRIOR_COLUMNS][j % PRIOR_COLUMNS]
            ax.set_visible(True)
            color = colors[panel.prior]
            ax.plot(x, panel.prior_density, color=color, ls="--", lw=1.4, label="prior")
            ax.plot(x, row.likelihood, color="#999999", ls=":", lw=1.6,
                    label="published ratio (likelihood)")
            ax.plot(x, panel.posterior_density, color=color, lw=2.2, label="posterior")
            ax.fill_between(x, panel.posterior_density, where=benefit, color=color,
                            alpha=0.15, lw=0)
            _headroom(ax, panel.prior_density, row.likelihood, panel.posterior_density)
            ax.text(0.03, 0.95, f"P(ratio {sign} 1) = {panel.p_benefit:.3f}",
                    transform=ax.transAxes, fontsize=MIN_FONT, va="top", color=color,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
            ax.axvline(0, color="black", lw=0.8)
            ax.set_xticks(np.log(ticks), labels=[f"{t:g}" for t in ticks])
            ax.set_xlim(math.log(0.2), math.log(5.0))
            ax.set_yticks([])
            ax.set_title(label_text(curves.labels[panel.prior], title_chars), color=color,
                         fontweight="bold")
            if j % PRIOR_COLUMNS == 0:
                ax.set_ylabel(label_text(row.outcome_label, 30))
            ax.set_xlabel(f"{label_text(row.ratio_name.capitalize())} (log scale)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.12 / total_rows, 1, 1))
    return fig


def benefit_curves(curves: BenefitCurves) -> Figure:
    """P(benefit of more than d) as a function of d (ARD > d, or ARD < -d when fewer events
    is better, as each panel's title says), per outcome, one colour per prior: the primary
    model
    solid, the comparison model (when given) dashed and thinner in the same colour; a
    second small legend names the two line styles."""
    fig, axes = _outcome_panels(len(curves.panels), 4.2, 3.4)
    comparison: tuple[OutcomeCurves | None, ...] = (curves.comparison
                                                     or tuple(None for _ in curves.panels))
    for ax, panel, other in zip(axes, curves.panels, comparison, strict=True):
        colors = colors_by_name([curve.prior for curve in panel.curves])
        for curve in panel.curves:
            ax.plot(POINTS * curves.thresholds_grid, curve.y, color=colors[curve.prior], lw=2,
                    label=label_text(curve.label))
        for curve in (other.curves if other is not None else ()):
            ax.plot(POINTS * curves.thresholds_grid, curve.y, color=colors[curve.prior],
                    lw=1.2, ls="--", label="_nolegend_")
        for d in curves.thresholds:
            ax.axvline(POINTS * d, color="grey", lw=0.6, ls=":")
        _percent_axis(ax, "Threshold d (points; " + ("P(ARD > d))" if panel.direction == "higher"
                                                    else "P(ARD < -d), fewer is better)"))
        ax.set_title(label_text(panel.outcome_label))
        ax.set_ylim(0, 1)
        ax.grid(axis="y", color="#eeeeee")
    axes[0].set_ylabel("Posterior P(benefit of more than d)")
    entries = len(curves.panels[0].curves) if curves.panels else 0
    priors_legend = axes[0].legend(loc="lower left", ncol=_legend_columns(entries))
    if curves.comparison:
        primary, second = curves.model_labels
        styles = [Line2D([], [], color="black", lw=2, label=label_text(primary)),
                  Line2D([], [], color="black", lw=1.2, ls="--", label=label_text(second))]
        target = axes[-1]
        if target is axes[0]:  # one panel: keep the priors' legend beside the styles'
            target.add_artist(priors_legend)
        target.legend(handles=styles, loc="upper right" if target is axes[0] else "lower left")
    fig.tight_layout()
    return fig


def crp_benefit(curves: CrpBenefitCurves) -> Figure:
    """P(benefit | hs-CRP) curves per outcome, one line per prior (SIMULATED data)."""
    fig, axes = _outcome_panels(len(curves.panels), 4.4, 3.5)
    for ax, panel in zip(axes, curves.panels, strict=True):
        colors = colors_by_name([curve.prior for curve in panel.curves])
        for curve in panel.curves:
            ax.plot(panel.crp_mg_l, curve.y, color=colors[curve.prior], lw=2,
                    label=label_text(curve.label))
        ax.axhline(curves.level, color="grey", ls=":", lw=1)
        ax.plot(panel.observed, np.full_like(panel.observed, 0.02), "|", color="black", ms=8,
                alpha=0.6)
        ax.set_xlim(panel.crp_mg_l.min(), panel.crp_mg_l.max())
        ax.set_xscale("log")
        _log_ticks(ax.xaxis, [3, 5, 10, 20, 30])
        ax.set_xlabel("Baseline hs-CRP (mg/L, log scale)")
        ax.set_title(f"{label_text(panel.outcome_label)} (simulated data)")
        ax.set_ylim(0, 1)
        ax.grid(axis="y", color="#eeeeee")
    axes[0].set_ylabel("P(treatment better | hs-CRP)")
    entries = len(curves.panels[0].curves) if curves.panels else 0
    axes[0].legend(loc="lower right", ncol=_legend_columns(entries), fontsize=MIN_FONT)
    fig.tight_layout()
    return fig


def crp_effects(curves: CrpEffectCurves) -> Figure:
    """Conditional OR and ARD vs hs-CRP with 50% and 95% bands, one column per prior,
    with the observed hs-CRP values as ticks."""
    colors = colors_by_name([column.prior for column in curves.columns])
    count = len(curves.columns)
    ncols = max(1, min(count, PRIOR_COLUMNS))
    groups = -(-count // ncols)
    width = _width(3.1, ncols, 0.8)
    title_chars = _title_chars((width - 0.8) / ncols, plt.rcParams["axes.titlesize"])
    fig, axes = plt.subplots(2 * groups, ncols, figsize=(width, 5.4 * groups),
                             sharex=True, sharey="row", squeeze=False)
    for unused in range(count, groups * ncols):
        for row in (0, 1):
            axes[2 * (unused // ncols) + row][unused % ncols].set_visible(False)
    for index, column in enumerate(curves.columns):
        x, color = column.crp_mg_l, colors[column.prior]
        group, col = divmod(index, ncols)
        for offset, (prefix, scale) in enumerate((("or", 1.0), ("ard", POINTS))):
            row = 2 * group + offset
            ax, band = axes[row][col], column.bands[prefix]
            ax.fill_between(x, scale * band.lower95, scale * band.upper95, color=color,
                            alpha=0.15, lw=0, label="95%")
            ax.fill_between(x, scale * band.lower50, scale * band.upper50, color=color,
                            alpha=0.35, lw=0, label="50%")
            ax.plot(x, scale * band.median, color=color, lw=2, label="median")
            ax.axhline(1.0 if prefix == "or" else 0.0, color="black", lw=0.8)
            ax.set_xscale("log")
            ax.set_xlim(x.min(), x.max())
            _log_ticks(ax.xaxis, [3, 5, 10, 20, 30])
            floor = OR_AXIS_LIMITS[0] * 1.15 if prefix == "or" else -75.0
            ax.plot(column.observed, np.full_like(column.observed, floor), "|", color="black",
                    ms=6, alpha=0.5)
            if prefix == "or":
                ax.set_yscale("log")
                _log_ticks(ax.yaxis, [0.1, 1, 10, 100])
                ax.set_title(label_text(column.label, title_chars), color=color,
                             fontweight="bold")
            else:
                ax.set_xlabel("hs-CRP (mg/L, log scale)")
    for group in range(groups):
        axes[2 * group][0].set_ylabel("Odds ratio (log scale)")
        axes[2 * group + 1][0].set_ylabel("ARD (points)")
        axes[2 * group][0].set_ylim(*OR_AXIS_LIMITS)
        axes[2 * group + 1][0].set_ylim(-80, 100)
    axes[0][-1].legend(loc="upper left", fontsize=MIN_FONT)
    fig.tight_layout()
    return fig


def sensitivity_map(curves: SensitivityMap) -> Figure:
    """Heat map of P(benefit) over prior median OR x SD of the log OR, per outcome, with the
    named priors marked and the 0.5 / 0.9 / 0.95 contours drawn."""
    colors = colors_by_name(curves.priors)
    fig, axes = _outcome_panels(len(curves.panels), 4.2, 3.9, extra_width=0.8)
    image = None
    for ax, panel in zip(axes, curves.panels, strict=True):
        image = ax.pcolormesh(panel.sds, panel.odds_ratios, panel.p_benefit, cmap="viridis",
                              vmin=HEATMAP_FLOOR, vmax=1, shading="auto", rasterized=True)
        contours = ax.contour(panel.sds, panel.odds_ratios, panel.p_benefit,
                              levels=[0.5, 0.9, 0.95], colors=["white", "white", "white"],
                              linewidths=[0.8, 1.2, 1.2], linestyles=[":", "--", "-"])
        ax.clabel(contours, fmt={0.5: "0.5", 0.9: "0.9", 0.95: "0.95"},
                  fontsize=MIN_FONT)
        for point in panel.named:
            ax.scatter(point.sd, point.odds_ratio, s=70, color=colors[point.prior],
                       edgecolor="white", linewidth=1.5, zorder=3,
                       label=label_text(point.label))
        ax.set_yscale("log")
        low, high = float(panel.odds_ratios.min()), float(panel.odds_ratios.max())
        _log_ticks(ax.yaxis, [t for t in HEATMAP_RATIO_TICKS if low <= t <= high])
        ax.set_xlabel(f"Prior SD of the log {panel.ratio_name}")
        ax.set_title(label_text(panel.outcome_label))
    ratio_names = {panel.ratio_name for panel in curves.panels}
    axes[0].set_ylabel("Prior median " + (ratio_names.pop() if len(ratio_names) == 1
                                          else "ratio"))
    entries = len(curves.panels[0].named) if curves.panels else 0
    axes[0].legend(loc="lower right", fontsize=MIN_FONT, framealpha=0.85, frameon=True,
                   ncol=_legend_columns(entries))
    if image is not None:
        fig.colorbar(image, ax=axes, label="P(treatment better)", fraction=0.04,
                     extend="min")
    return fig


def simulation_study(curves: StudyHistograms, priors: PriorSet | None = None) -> Figure:
    """Repeated-simulation study: where the posterior median of the interaction lands,
    and how often P(interaction > 0) clears the detection level, across simulated trials.

    The study is run under the first prior of ``priors``, so both histograms take that
    prior's colour (the one it has in every other figure) and the legend names it. Without
    ``priors`` they take the first colour of ``PALETTE`` (the shipped first prior's)."""
    color, trials = PALETTE[0], "simulated trials"
    if priors is not None:
        first = priors.names[0]
        color = prior_colors(priors)[first]
        trials += f", prior: {label_text(priors.get(first).label, 24)}"
    fig, axes = plt.subplots(1, 2, figsize=(8.6, 3.3))
    counts, _, _ = axes[0].hist(curves.interaction_median, bins=30, color=color, alpha=0.6,
                                label=trials)
    axes[0].axvline(curves.truth, color="black", lw=2, label="true value (mean)")
    axes[0].axvline(0, color="black", lw=1, ls=":", label="no interaction")
    axes[0].set_xlabel("Posterior median of the interaction (log OR per SD)")
    axes[0].legend(fontsize=MIN_FONT, loc="upper left", frameon=True, framealpha=0.9,
                   edgecolor="none")
    axes[0].set_ylim(0, 1.5 * max(counts.max(), 1))
    counts, _, _ = axes[1].hist(curves.p_positive, bins=np.linspace(0, 1, 21), color=color,
                                alpha=0.6)
    axes[1].axvline(curves.level, color="black", lw=1.2, ls="--",
                    label=f"detection threshold {curves.level:g}\n"
                          f"({100 * curves.detected:.0f}% of trials above)")
    axes[1].set_xlabel("P(interaction > 0) in each simulated trial")
    axes[1].legend(fontsize=MIN_FONT, loc="upper left")
    axes[1].set_ylim(0, 1.3 * max(counts.max(), 1))
    for ax in axes:
        ax.set_ylabel("Simulated trials")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    return fig


def assurance_curves(planning: Planning) -> Figure:
    """P(the next trial succeeds) against its size, per outcome: assurance under each prior
    (solid, in the prior's colour) with its ceiling, the current P(benefit) (dotted, same
    colour, its value at the left edge), and the power of the same rule at the design
    effect (black, dashed) with the smallest whole size that gives it ``POWER_TARGET``
    (grey vertical line). One legend names the priors by colour, another the line
    styles, in grey."""
    fig, axes = _outcome_panels(len(planning.outcomes), 4.2, 3.9)
    colors = colors_by_name(list(planning.labels))
    sizes = np.asarray(planning.sizes)
    for ax, outcome in zip(axes, planning.outcomes, strict=True):
        for name, curve in outcome.assurance.items():
            ax.plot(sizes, curve.assurance, color=colors[name], lw=2,
                    label=label_text(planning.labels[name]))
            ax.axhline(curve.ceiling, color=colors[name], lw=1, ls=":")
        _ceiling_labels(ax, {name: curve.ceiling for name, curve in outcome.assurance.items()},
                        colors, float(sizes[0]))
        if outcome.power is not None:
            ax.plot(sizes, outcome.power, color="black", lw=1.4, ls="--")
            if outcome.power_size is not None:
                ax.axvline(outcome.power_size, color="grey", lw=0.8)
                ax.annotate(f"{100 * POWER_TARGET:.0f}% power:\n{outcome.power_size} per arm",
                            (outcome.power_size, 0.02), xytext=(4, 0),
                            textcoords="offset points", fontsize=MIN_FONT, color="#555555",
                            va="bottom")
        ax.set_xlim(sizes[0], sizes[-1])
        ax.set_ylim(0, 1.04)
        ax.set_xlabel("Participants per arm in the next trial")
        ax.set_title(label_text(outcome.label))
        ax.grid(axis="y", color="#eeeeee")
    axes[0].set_ylabel("P(next trial succeeds)")
    priors = [Line2D([], [], color=colors[name], lw=2, label=label_text(label))
              for name, label in planning.labels.items()]
    styles = [Line2D([], [], color="#888888", lw=2, label="assurance"),
              Line2D([], [], color="#888888", lw=1, ls=":",
                     label="ceiling: P(benefit) now")]
    if planning.design is not None:
        styles.append(Line2D([], [], color="black", lw=1.4, ls="--",
                             label="power at the design effect"))
    wide = len(planning.outcomes) > 1
    prior_columns = min(len(priors), 4 if wide else 2)
    prior_rows = -(-len(priors) // prior_columns)
    style_rows = 1 if wide else len(styles)
    row = 16.0 / (72.0 * fig.get_size_inches()[1])  # one legend row, as a figure fraction
    fig.legend(handles=styles, loc="lower center", ncol=len(styles) if wide else 1,
               frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.legend(handles=priors, loc="lower center", ncol=prior_columns, frameon=False,
               bbox_to_anchor=(0.5, row * style_rows))
    fig.tight_layout(rect=(0, row * (prior_rows + style_rows) + 0.02, 1, 1))
    return fig


def _ceiling_labels(ax: Axes, ceilings: dict[str, float], colors: dict[str, str],
                    x: float) -> None:
    """Each ceiling's value above its dotted line at the left edge, where the curves are
    still low; values closer than about one line of text are set side by side."""
    offset, previous = 2.0, math.inf
    for name, value in sorted(ceilings.items(), key=lambda item: -item[1]):
        offset = offset + 30.0 if previous - value < 0.05 else 2.0
        previous = value
        ax.annotate(f"{value:.3f}", (x, value), xytext=(offset, 1),
                    textcoords="offset points", ha="left", va="bottom", fontsize=MIN_FONT,
                    color=colors[name])
