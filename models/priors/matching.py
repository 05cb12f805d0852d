"""Whether a priors file suits a trial: its calibration's direction against each outcome's.

A priors file calibrated for "more events is better" (design odds ratio above 1) gives an
enthusiastic prior that expects *more* deaths on a mortality outcome, and a skeptical prior
that doubts the wrong tail. Such a pairing is refused before anything is computed.
"""

from models.core.errors import InputError
from models.data.trial import Trial
from models.priors.prior_set import PriorSet


def check_priors_fit_trial(prior_set: PriorSet, trial: Trial) -> None:
    """Refuse priors calibrated for the other direction than an outcome's (an enthusiastic
    prior calibrated for "more events is better" expects harm on a mortality outcome), and
    robust priors with outcomes given only as a published ratio, whose section of the
    report takes one normal prior on the log ratio."""
    for prior in prior_set.priors.values():
        if prior.robust is not None and trial.estimates:
            raise InputError(f"priors.{prior.name}.robust", "is not used by the report for "
                             "outcomes given only as a published ratio (here "
                             f"{', '.join(map(repr, trial.estimates))}): use reanalysis fit "
                             "--model normal with this prior, or remove the block to render "
                             "the report")
    calibration = prior_set.calibration
    if calibration is None:
        return
    for name in trial.outcome_names:
        if trial.direction(name) != calibration.direction:
            wanted = "below 1" if trial.direction(name) == "lower" else "above 1"
            raise InputError(
                "calibration.design_odds_ratio",
                f"is {calibration.design_odds_ratio:g} in {prior_set.path.name}, calibrated "
                f"for {calibration.direction} event rates being better, but outcome {name!r} "
                f"has direction {trial.direction(name)}: calibrate priors for this trial "
                f"(reanalysis priors calibrate --design-or with a value {wanted})")
