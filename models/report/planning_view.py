"""Planning the next trial: assurance against size for every named prior, beside the power
of the same success rule at the design effect (exact; :mod:`models.exact.assurance`).

For every outcome given as counts and every named prior, the assurance of a future trial
of each size in :data:`PLANNING_SIZES` (participants per arm), from the beta-binomial
posterior; with a calibration in the priors file, the power of the same rule when the
true rates are the design effect's (the assumed control rate, and the treatment rate the
design odds ratio gives). The rule does not depend on the prior, so each size's rule is
enumerated once and shared by every prior and outcome of the same direction.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from models.core.direction import Direction
from models.data.trial import Trial
from models.exact.assurance import (
    PLATEAU_GAIN,
    PLATEAU_STEP,
    AssuranceCurve,
    assurance_curve,
    mixture_assurance,
    operating_characteristics,
    plateau_n,
    rule_for,
)
from models.exact.success_rule import DEFAULT_SUCCESS_THRESHOLD, SuccessRule
from models.priors.calibration import design_treatment_rate
from models.priors.posteriors import beta_binomial_arms, beta_mixture_posterior
from models.priors.prior_set import PriorSet

PLANNING_SIZES = tuple(range(20, 401, 10))
"""Future trial sizes drawn, participants per arm (20 to 400 in steps of 10)."""

POWER_TARGET = 0.9
"""The conventional power a trial is sized for; the report quotes assurance at the
smallest whole size whose power at the design effect reaches it (power is not monotone in
the size, for discrete counts, so it is the smallest such size, not a threshold)."""

__all__ = ["PLANNING_SIZES", "PLATEAU_GAIN", "PLATEAU_STEP", "POWER_TARGET", "DesignEffect",
           "OutcomePlanning", "Planning", "planning"]


@dataclass(frozen=True)
class DesignEffect:
    """The effect a confirmatory trial would be sized for, from the priors file's
    calibration: true rates on the 0-1 scale and their odds ratio."""

    control_rate: float
    treatment_rate: float
    odds_ratio: float


@dataclass(frozen=True)
class OutcomePlanning:
    """Assurance curves of one outcome (by prior name, in the file's order) and the power
    of the same rule at the design effect (``None`` without a calibration)."""

    outcome: str
    label: str
    direction: Direction
    assurance: dict[str, AssuranceCurve]
    power: tuple[float, ...] | None
    power_size: int | None = None
    """The smallest whole size (per arm) whose power at the design effect reaches
    :data:`POWER_TARGET` (``None``: none up to the largest drawn size, or no design)."""
    assurance_at_power_size: dict[str, float] | None = None
    """Assurance under each prior at :attr:`power_size`."""

    def plateau(self, prior: str) -> int | None:
        """The size from which :data:`PLATEAU_STEP` more per arm add less than
        :data:`PLATEAU_GAIN` to assurance under ``prior`` (``None``: still rising)."""
        curve = self.assurance[prior]
        return plateau_n(curve.n_per_arm, curve.assurance)

    def assurance_at(self, prior: str, n: int) -> float:
        """Assurance under ``prior`` at the drawn size ``n``."""
        curve = self.assurance[prior]
        return curve.assurance[curve.n_per_arm.index(n)]


@dataclass(frozen=True)
class Planning:
    """Everything the report shows about the next trial."""

    sizes: tuple[int, ...]
    threshold: float
    design: DesignEffect | None
    outcomes: tuple[OutcomePlanning, ...]
    labels: dict[str, str]


def design_effect(prior_set: PriorSet) -> DesignEffect | None:
    """The calibration's design effect (``None`` when the priors file has no calibration)."""
    calibration = prior_set.calibration
    if calibration is None:
        return None
    return DesignEffect(calibration.placebo_rate, design_treatment_rate(calibration),
                        calibration.design_odds_ratio)


def smallest_size_for_power(power: Sequence[float], sizes: Sequence[int],
                            rule_power: Callable[[int], float],
                            target: float = POWER_TARGET) -> int | None:
    """The smallest whole size whose power reaches ``target``, searched between the first
    drawn size that reaches it and the drawn size before it (``rule_power(n)`` is the power
    at n). Power rises with the size apart from small discrete steps, so a smaller size
    would need a step larger than the rise over the grid's spacing; the tests check the
    shipped case against a scan of every size. ``None`` when no drawn size reaches it."""
    first = next((i for i, p in enumerate(power) if p >= target), None)
    if first is None:
        return None
    start = sizes[first - 1] + 1 if first > 0 else 2
    return next(n for n in range(start, sizes[first] + 1)
                if n == sizes[first] or rule_power(n) >= target)


def planning(trial: Trial, prior_set: PriorSet, sizes: tuple[int, ...] = PLANNING_SIZES,
             threshold: float = DEFAULT_SUCCESS_THRESHOLD) -> Planning:
    """Assurance of every named prior and the power at the design effect, for every size
    and outcome given as counts (exact)."""
    design = design_effect(prior_set)
    rules: dict[tuple[int, float, str], SuccessRule] = {}
    outcomes = []
    for outcome in trial.outcomes.values():
        curves = {name: assurance_curve(beta_binomial_arms(prior), outcome, sizes,
                                        threshold, rules)
                  for name, prior in prior_set.priors.items()}
        power, power_size, at_power_size = None, None, None
        if design is not None:
            def rule_power(n: int, direction: Direction = outcome.direction,
                           effect: DesignEffect = design) -> float:
                return operating_characteristics(rule_for(n, threshold, direction, rules),
                                                 effect.control_rate,
                                                 [effect.treatment_rate])[0]

            power = tuple(rule_power(n) for n in sizes)
            power_size = smallest_size_for_power(power, sizes, rule_power)
            if power_size is not None:
                rule = rule_for(power_size, threshold, outcome.direction, rules)
                at_power_size = {name: mixture_assurance(rule,
                                                         beta_mixture_posterior(prior, outcome))
                                 for name, prior in prior_set.priors.items()}
        outcomes.append(OutcomePlanning(outcome.name, outcome.label, outcome.direction, curves,
                                        power, power_size, at_power_size))
    return Planning(tuple(sizes), threshold, design, tuple(outcomes),
                    {name: prior.label for name, prior in prior_set.priors.items()})
