"""Named priors as value objects: one belief for both model families, and the file's set.

A *named prior* is one clinical belief written for both model families:

- beta-binomial: an independent Beta prior on each arm's outcome rate (0-1 scale);
- logistic: normal priors on the intercept (log-odds of the outcome on control),
  the treatment effect (log odds ratio, treatment vs control), the biomarker slope
  (log OR per SD of log hs-CRP, control arm) and the treatment x biomarker
  interaction (added log OR per SD of log hs-CRP on treatment).

Researchers edit the YAML file (``data/priors.yml`` by default; read and validated by
``models.priors.priors_file``); nothing here holds prior numbers.
"""

from dataclasses import dataclass, field
from pathlib import Path

from models.core.direction import Direction
from models.core.distributions import BetaBinomialPrior, NormalPrior
from models.core.errors import InputError
from models.core.mixtures import BetaMixture, NormalMixture, Robustness

LOGISTIC_TERMS = ("intercept", "treatment", "biomarker", "interaction")
BETA_ARMS = ("treatment", "control")


@dataclass(frozen=True)
class LogisticPrior:
    """Normal priors for the logistic models (all on the log-odds scale)."""

    intercept: NormalPrior
    treatment: NormalPrior
    biomarker: NormalPrior
    interaction: NormalPrior


@dataclass(frozen=True)
class NamedPrior:
    """One named belief, stated for both model families."""

    name: str
    label: str
    description: str
    beta_binomial: BetaBinomialPrior
    logistic: LogisticPrior
    robust: Robustness | None = None
    """The file's ``robust`` block: each Beta prior and the normal prior on the log odds
    ratio become mixtures with a vague component of this weight (``None``: no mixing)."""
    arm_mixtures: dict[str, BetaMixture] = field(default_factory=dict)
    """Arms whose rate prior the file gives as a Beta ``mixture`` (e.g. a MAP prior for the
    control rate), by arm name; ``beta_binomial`` then holds each such arm's moment-matched
    single Beta, a stand-in only (every analysis uses :attr:`beta_mixtures`)."""

    @property
    def has_mixtures(self) -> bool:
        """Whether the Beta arms are mixtures (robust, or a mixture given in the file): the
        beta-binomial analyses then take the mixture paths."""
        return self.robust is not None or bool(self.arm_mixtures)

    @property
    def informative_beta_mixtures(self) -> tuple[BetaMixture, BetaMixture]:
        """The (treatment, control) rate priors before any robust block's vague component:
        the file's mixture, or one Beta, per arm."""
        arms = tuple(self.arm_mixtures.get(arm) or
                     BetaMixture.single(getattr(self.beta_binomial, arm))
                     for arm in BETA_ARMS)
        return arms[0], arms[1]

    @property
    def beta_mixtures(self) -> tuple[BetaMixture, BetaMixture]:
        """The (treatment, control) rate priors as mixtures: the file's mixture or one
        Beta per arm, each with the vague component added for a robust prior."""
        arms = self.informative_beta_mixtures
        if self.robust is None:
            return arms[0], arms[1]
        return self.robust.beta(arms[0]), self.robust.beta(arms[1])

    @property
    def log_odds_ratio_mixture(self) -> NormalMixture:
        """The prior on the log odds ratio as a mixture (one component unless robust)."""
        if self.robust is None:
            return NormalMixture.single(self.logistic.treatment)
        return self.robust.log_odds_ratio(self.logistic.treatment)


@dataclass(frozen=True)
class Calibration:
    """The documented assumptions the shipped priors are calibrated to.

    None of these may come from the trial's own results.

    Attributes
    ----------
    placebo_rate
        Assumed outcome rate on control (0-1 scale).
    design_odds_ratio
        The effect the trial was hoping for (odds ratio, treatment vs control): above 1
        when more events is better (remission), below 1 when fewer is (death).
    tail_probability
        g in Spiegelhalter, Freedman and Parmar (1994): the skeptical prior gives
        probability g to an OR above the design OR; the enthusiastic one gives g to OR < 1.
    interaction_odds_ratio
        The interaction (OR multiplier per SD of log hs-CRP) that the skeptical and
        enthusiastic priors give probability g of exceeding.
    """

    placebo_rate: float
    design_odds_ratio: float
    tail_probability: float
    interaction_odds_ratio: float

    @property
    def direction(self) -> Direction:
        """``higher`` when the design effect raises the event rate, ``lower`` otherwise."""
        return "higher" if self.design_odds_ratio > 1 else "lower"


@dataclass(frozen=True)
class PriorSet:
    """All named priors of one file, with the file's path, hash and calibration."""

    priors: dict[str, NamedPrior]
    calibration: Calibration | None
    path: Path
    sha256: str

    def get(self, name: str) -> NamedPrior:
        """The prior called ``name``; ``InputError`` listing the allowed names otherwise."""
        if name not in self.priors:
            allowed = ", ".join(self.priors)
            raise InputError("--prior", f"must be one of {allowed}, got {name!r}")
        return self.priors[name]

    @property
    def names(self) -> list[str]:
        return list(self.priors)
