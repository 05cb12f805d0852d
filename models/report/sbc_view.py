"""Simulation-based calibration in the report's appendix: the figure and one sentence per
model, read from ``reports/_output/sbc.json`` (``make sbc``) when it exists.

The report never runs SBC (about 10 minutes); it shows the last run's results, says when
they were computed for priors other than today's, states a failed calibration plainly, and
says how to produce the results when there are none. Curves are computed here
(:func:`sbc_curves`) and only drawn by :func:`sbc_figure`.
"""

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

import models.report.format as fmt
from models.core.errors import InputError
from models.core.paths import SBC_FILE
from models.priors.prior_set import PriorSet
from models.report.figures import MAX_WIDTH, label_text
from models.report.metadata import NO_SBC
from models.simulation.sbc import sbc_code_fingerprint
from models.simulation.sbc_files import SbcRun, read_sbc
from models.simulation.sbc_ranks import BAND_PROB, FAMILY_ALPHA, EcdfDifference, ecdf_difference
from models.simulation.sbc_summary import CaseCalibration, Verdict, pit_values, verdict

MODEL_NAMES = {"interaction": "interaction model (treatment x hs-CRP)",
               "aggregate": "aggregate logistic model"}
FAIL_COLOR = "#c0392b"
LINE_COLOR = "#1f4e79"
BAND_COLOR = "#d9d9d9"


@dataclass(frozen=True)
class SbcResults:
    """What the report has of SBC: the run (``None`` when absent or unreadable), the
    file, and why it could not be read (``problem``)."""

    run: SbcRun | None
    path: Path
    problem: str | None = None


def load_sbc(path: Path = SBC_FILE) -> SbcResults:
    """The SBC results at ``path``; never raises (a bad file is reported in the page)."""
    if not path.is_file():
        return SbcResults(None, path)
    try:
        return SbcResults(read_sbc(path), path)
    except InputError as error:
        return SbcResults(None, path, str(error))


@dataclass(frozen=True)
class SbcPanel:
    """One panel: a case's quantity, its Δ-ECDF with band, p-value and verdict."""

    row_label: str
    title: str
    curve: EcdfDifference
    p_value: float
    calibrated: bool


def band_probability() -> str:
    """The simultaneous band's coverage, as the figure draws it (e.g. ``0.95``)."""
    return f"{BAND_PROB:g}"


def shown_cases(run: SbcRun, has_ipd: bool) -> list[CaseCalibration]:
    """The cases of the models this report uses: the interaction model only for a trial
    with individual data (another trial's report neither fits nor names it)."""
    return [case for case in run.cases if has_ipd or case.model != "interaction"]


def case_title(case: CaseCalibration) -> str:
    """``"interaction model (treatment x hs-CRP), reference prior"`` (the prior's name as in
    its file)."""
    return f"{MODEL_NAMES.get(case.model, case.model)}, {case.prior_name} prior"


def sbc_curves(run: SbcRun, has_ipd: bool = True) -> list[list[SbcPanel]]:
    """Panels per case (rows) and quantity (columns), for the cases this report shows; the
    verdict is the whole run's (its level shared among all the run's tests)."""
    result = verdict(run.cases)
    return [[SbcPanel(row_label=case_title(case), title=q.label,
                      curve=ecdf_difference(pit_values(case, index)), p_value=q.p_value,
                      calibrated=not result.failed(case, q))
             for index, q in enumerate(case.quantities)]
            for case in shown_cases(run, has_ipd)]


def sbc_figure(run: SbcRun, has_ipd: bool = True) -> Figure:
    """Δ-ECDF of each quantity's fractional ranks with its simultaneous 95% band: a row per
    case, a panel per quantity; a failing quantity is drawn and labelled in red."""
    panels = sbc_curves(run, has_ipd)
    columns = max((len(row) for row in panels), default=1)
    limit = max((float(np.max(np.abs(np.concatenate([p.curve.lower, p.curve.upper,
                                                      p.curve.difference]))))
                 for row in panels for p in row), default=0.1)
    fig = plt.figure(figsize=(MAX_WIDTH, 0.4 + 2.4 * max(1, len(panels))),
                     layout="constrained")
    fig.suptitle("Simulation-based calibration: data sets SIMULATED from each prior",
                 fontsize=10.5)
    rows = fig.subfigures(max(1, len(panels)), 1, squeeze=False)[:, 0]
    for row, subfigure in zip(panels, rows, strict=False):
        subfigure.suptitle(fmt.upper_first(label_text(row[0].row_label, 70)), x=0.01,
                           ha="left", fontsize=10, fontweight="bold")
        axes = subfigure.subplots(1, columns, sharex=True, sharey=True, squeeze=False)[0]
        for column, ax in enumerate(axes):
            if column >= len(row):
                ax.set_visible(False)
                continue
            panel = row[column]
            color = LINE_COLOR if panel.calibrated else FAIL_COLOR
            curve = panel.curve
            ax.fill_between(curve.x, curve.lower, curve.upper, color=BAND_COLOR, lw=0,
                            step="post")
            ax.axhline(0, color="black", lw=0.6)
            ax.step(curve.x, curve.difference, where="post", color=color, lw=1.2)
            ax.set_title(label_text(panel.title, 24), fontsize=9.5)
            verdict_text = f"p = {fmt.number(panel.p_value, '.3f')}"
            if not panel.calibrated:
                verdict_text += "\nNOT UNIFORM"
            ax.text(0.03, 0.97, verdict_text, transform=ax.transAxes, va="top", ha="left",
                    fontsize=9, color=color)
            ax.set_xticks([0, 0.5, 1], labels=["0", "0.5", "1"])
            ax.tick_params(labelsize=9)
            ax.set_ylim(-1.35 * limit, 1.35 * limit)
            ax.set_xlabel("Fractional rank", fontsize=9)
        axes[0].set_ylabel("ECDF - uniform", fontsize=9)
    return fig


def sbc_metadata(path: Path = SBC_FILE) -> dict[str, bool]:
    """The report's metadata key that hides the SBC figure when there is no run to draw."""
    return {NO_SBC: load_sbc(path).run is None}


def sbc_figure_if_run(results: SbcResults, has_ipd: bool = True) -> Figure | None:
    """:func:`sbc_figure` of the run, or ``None`` (no figure) when there is none."""
    return sbc_figure(results.run, has_ipd) if results.run is not None else None


def _label(name: str, priors: PriorSet | None) -> str:
    """The prior's label from today's priors file (escaped), else its name (escaped)."""
    if priors is not None and name in priors.names:
        return fmt.markdown_text(priors.get(name).label)
    return fmt.markdown_text(name)


def _stale(case: CaseCalibration, priors: PriorSet | None) -> bool:
    """Whether the run's prior of this name differs from today's (or is gone)."""
    if priors is None or case.prior_name not in priors.names:
        return True
    today = priors.get(case.prior_name).logistic
    return any(not np.isclose(getattr(today, term).mean, p["mean"], rtol=0, atol=1e-12)
               or not np.isclose(getattr(today, term).sd, p["sd"], rtol=0, atol=1e-12)
               for term, p in case.prior_parameters.items())


def _design(case: CaseCalibration) -> str:
    kind = "individual" if case.model == "interaction" else "count"
    return (f"{kind} data sets SIMULATED for {case.n_treatment} + {case.n_control} "
            "participants")


def case_sentence(case: CaseCalibration, result: Verdict, priors: PriorSet | None) -> str:
    """One sentence on what one case shows (failures first and plainly); ``result`` is the
    verdict of the whole run the case belongs to."""
    failed = result.failures_of(case)
    head = (f"**{fmt.upper_first(MODEL_NAMES.get(case.model, case.model))}, "
            f"{_label(case.prior_name, priors)} prior** ({_design(case)}, "
            f"{case.replicates} replicates):")
    if failed:
        names = "; ".join(f"{q.label} (p = {fmt.number(q.p_value, '.2g')})" for q in failed)
        body = (f" **calibration failed**: the ranks are not uniform for {names}, below the "
                f"level {fmt.number(result.level, '.2g')}; this model's posterior is not to "
                "be trusted until that is explained.")
    else:
        smallest = min(case.quantities, key=lambda q: q.p_value)
        body = (f" the ranks of all {len(case.quantities)} quantities are consistent with "
                f"uniform (smallest p = {fmt.number(smallest.p_value, '.2f')}, "
                f"{smallest.label}).")
    fits = case.fits_with_divergences
    tail = (f" {fits} of {case.replicates} fits had divergent transitions."
            if fits else " No fit had divergent transitions.")
    if _stale(case, priors):
        tail += (" These results were computed for a prior of this name that differs from "
                 "today's priors file: run `make sbc` again.")
    return head + body + tail


def sbc_reading(results: SbcResults, priors: PriorSet | None, has_ipd: bool = True) -> str:
    """The appendix's text: how to produce the results, or one sentence per case and the
    verdict."""
    where = fmt.code_span(str(results.path.name))
    if results.run is None:
        if results.problem:
            return (f"The calibration results in {where} could not be read "
                    f"({fmt.markdown_text(results.problem)}); run `make sbc` again to "
                    "replace them.")
        return ("Simulation-based calibration has not been run here. `make sbc` (about 10 "
                f"minutes on 2 cores) writes {where} to `reports/_output/`, and the next "
                "`make report` shows its figure and verdict in this section.")
    run = results.run
    result = verdict(run.cases)
    family = fmt.percent(FAMILY_ALPHA)
    summary = ("Every rank distribution is consistent with uniform at the family-wise "
               f"{family} level ({result.tests} tests, each at "
               f"{fmt.number(result.level, '.2g')})."
               if result.calibrated else
               f"**Calibration failed** for {len(result.failures)} of {result.tests} "
               f"quantities at the family-wise {family} level (each test at "
               f"{fmt.number(result.level, '.2g')}).")
    if run.code_sha256 != sbc_code_fingerprint():
        summary += (" **These results are out of date:** the code of the sampled models has "
                    f"changed since this run (commit {fmt.code_span(run.git_commit[:12])}); "
                    "run `make sbc` again.")
    lines = [summary, ""]
    lines += [f"- {case_sentence(case, result, priors)}"
              for case in shown_cases(run, has_ipd)]
    lines += ["", f"Run on {fmt.markdown_text(run.created_utc[:10])} at commit "
              f"{fmt.code_span(run.git_commit[:12])}."]
    return "\n".join(lines)
