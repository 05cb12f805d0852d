"""The computed sentences of the report's part on outcomes published only as a ratio with
its 95% CI (the conjugate normal-normal model, :mod:`models.exact.normal_normal`).

Every function takes one :class:`~models.report.results.ReportResults` and returns
Markdown (user labels escaped). Log ratios are natural logs; ratios as ratios.
"""

import models.report.format as fmt
from models.exact.normal_normal import Z_975, from_estimate
from models.report import wording
from models.report.results import ReportResults


def model_description(results: ReportResults) -> str:
    """The model in words and, per outcome, the likelihood the published ratio gives."""
    trial = results.trial
    parts = []
    for outcome in trial.estimates.values():
        estimate, likelihood = outcome.estimate, from_estimate(outcome.estimate)
        parts.append(
            f"for {fmt.markdown_text(outcome.label.lower())}, the published {estimate.words} "
            f"{fmt.ratio(estimate.value)} (95% CI {fmt.ratio(estimate.lower)} to "
            f"{fmt.ratio(estimate.upper)}) gives a log {estimate.words} of "
            f"{likelihood.log_estimate:.3f} with standard error "
            f"{likelihood.standard_error:.3f}, and benefit is a ratio "
            f"{'below' if outcome.direction == 'lower' else 'above'} 1 "
            f"({wording.direction_clause(outcome.direction)})")
    return (
        "Where only a ratio (treatment vs control) with its 95% confidence interval was "
        "published, its likelihood is taken as normal on the log scale: mean the log of the "
        f"ratio, standard error (ln upper - ln lower) / (2 x {Z_975:.6f}). Each named prior's "
        "normal prior on the log odds ratio (its `logistic.treatment` block) is used as the "
        "prior on this log ratio, and the posterior is again normal, its precision the sum "
        "of the two precisions and its mean their precision-weighted average: every number "
        "below is closed form, exact, with no sampling. Here " + "; ".join(parts) + ". The "
        "normal approximation is the published interval's own; it is poor when the "
        "interval is very asymmetric on the log scale or the trial is small."
    )


def prior_note(results: ReportResults) -> str:
    """How a prior written for the log odds ratio serves another log ratio: unchanged on the
    log scale, so its calibration statements must be made on the ratio the trial reports."""
    measures = sorted({o.estimate.words for o in results.trial.estimates.values()})
    if measures == ["odds ratio"]:
        return ""
    scales = " and log ".join(measures)
    return (
        f"Used for the log {scales}, each prior keeps its centre and width on the log scale, "
        "so its calibration statements (such as 5% beyond the design effect) hold for that "
        "ratio: state the design effect on the scale the trial reports. For a common "
        "outcome the same effect is further from 1 as an odds ratio than as a risk or "
        "hazard ratio."
    )


def introduction(results: ReportResults) -> str:
    """The section's opening: the model (:func:`model_description`) and, for a ratio other
    than an odds ratio, the note on its prior (:func:`prior_note`)."""
    note = prior_note(results)
    return model_description(results) + ("\n\n" + note if note else "")
