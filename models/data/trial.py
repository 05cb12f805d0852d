"""Trial files: a two-arm trial's binary outcomes, loaded and validated.

Each outcome is given either as ``events`` out of ``n`` analysed participants per arm
(treatment and control) or, when only that was published, as a ratio with its 95% CI
(``estimate:``, :mod:`models.data.estimate`). Each says which way benefit points
(``direction: higher``, the default, when more events is better; ``lower`` when fewer is,
:mod:`models.core.direction`). The trial block names the arms and may carry plain-text
description, caveats and references for the report, and point to individual participant
data (``ipd:``). The tocilizumab trial is the default (``data/trial_counts.yml``); any
two-arm trial in the same format works (``data/examples/``).
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from models.core.direction import DEFAULT_DIRECTION, DIRECTIONS, Direction
from models.core.errors import InputError
from models.core.paths import TRIAL_COUNTS_FILE
from models.core.yaml_io import kind, read_yaml_mapping, strict_mapping
from models.data.estimate import PublishedEstimate, read_estimate

ARMS = ("treatment", "control")

IPD_COVARIATES = ("crp_mg_l",)
"""Covariates the interaction model supports: a positive biomarker in mg/L, modelled as
standardised log values (hs-CRP)."""


@dataclass(frozen=True)
class ArmCounts:
    """Events out of ``n`` analysed participants in one arm."""

    events: int
    n: int

    @property
    def rate(self) -> float:
        """Observed proportion with the outcome (0-1 scale)."""
        return self.events / self.n

    def __str__(self) -> str:
        return f"{self.events}/{self.n}"


@dataclass(frozen=True)
class OutcomeCounts:
    """One binary outcome of a two-arm trial."""

    name: str
    label: str
    treatment: ArmCounts
    control: ArmCounts
    direction: Direction = DEFAULT_DIRECTION

    def with_counts(
        self, treatment: ArmCounts | None, control: ArmCounts | None
    ) -> "OutcomeCounts":
        """The same outcome with one or both arms' counts replaced (e.g. from the CLI)."""
        return OutcomeCounts(self.name, self.label, treatment or self.treatment,
                             control or self.control, self.direction)


@dataclass(frozen=True)
class OutcomeEstimate:
    """One binary outcome published only as a ratio with its 95% CI (no counts per arm)."""

    name: str
    label: str
    estimate: PublishedEstimate
    direction: Direction = DEFAULT_DIRECTION


@dataclass(frozen=True)
class IpdSource:
    """Individual participant data of the trial: a CSV file and its covariate column.

    Only simulated data are supported (the report's interaction part is built around the
    simulation's known truth); ``path`` is resolved against the trial file's folder.
    """

    path: Path
    covariate: str


@dataclass(frozen=True)
class Trial:
    """A two-arm trial: arm names, randomised numbers and its binary outcomes."""

    name: str
    registration: str
    timepoint: str
    treatment_name: str
    control_name: str
    randomised: dict[str, int]
    outcomes: dict[str, OutcomeCounts]
    estimates: dict[str, OutcomeEstimate] = field(default_factory=dict)
    description: str = ""
    caveats: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    ipd: IpdSource | None = None

    @property
    def outcome_names(self) -> list[str]:
        """Every outcome, counts first, then estimate-only ones (each in file order)."""
        return [*self.outcomes, *self.estimates]

    def _check_name(self, name: str) -> None:
        if name not in self.outcomes and name not in self.estimates:
            allowed = ", ".join(self.outcome_names)
            raise InputError("--outcome", f"must be one of {allowed}, got {name!r}")

    def outcome(self, name: str) -> OutcomeCounts:
        """The named outcome's counts; ``InputError`` listing the allowed names for an
        unknown name, and saying why for an outcome published only as a ratio."""
        self._check_name(name)
        if name in self.estimates:
            words = self.estimates[name].estimate.words
            raise InputError("--outcome", f"{name!r} is given only as a published {words} "
                             "with its 95% CI: the beta-binomial and logistic models need "
                             "events and n per arm; use --model normal")
        return self.outcomes[name]

    def any_outcome(self, name: str) -> OutcomeCounts | OutcomeEstimate:
        """The named outcome, counts or published estimate (``InputError`` if unknown)."""
        self._check_name(name)
        return self.outcomes[name] if name in self.outcomes else self.estimates[name]

    @property
    def missing_treatment(self) -> int:
        """Randomised treatment-arm participants without an outcome (first count outcome; 0
        without counts or without randomised numbers)."""
        if not self.outcomes:
            return 0
        analysed = next(iter(self.outcomes.values())).treatment.n
        return self.randomised.get("treatment", analysed) - analysed

    def label(self, name: str) -> str:
        return self.any_outcome(name).label

    def direction(self, name: str) -> Direction:
        return self.any_outcome(name).direction


def validate_counts(events: Any, n: Any, field: str) -> ArmCounts:
    """Check that ``events`` of ``n`` are integers with ``0 <= events <= n`` and ``n > 0``."""
    for name, value in (("n", n), ("events", events)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"{field}.{name}", f"must be a whole number, got {value!r}")
    if n <= 0:
        raise InputError(f"{field}.n", f"must be > 0, got {n}")
    if events < 0:
        raise InputError(f"{field}.events", f"must be >= 0, got {events}")
    if events > n:
        raise InputError(f"{field}.events", f"must be <= n ({n}), got {events}")
    return ArmCounts(events, n)


def parse_fraction(text: str, field: str) -> ArmCounts:
    """Parse ``"X/N"`` (events out of n) from the command line."""
    parts = text.split("/")
    if len(parts) != 2:
        raise InputError(field, f"must look like EVENTS/N (e.g. 7/13), got {text!r}")
    numbers = []
    for part in parts:
        try:
            numbers.append(int(part.strip()))
        except ValueError:
            raise InputError(
                field, f"must be whole numbers EVENTS/N (e.g. 7/13), got {text!r}"
            ) from None
    return validate_counts(numbers[0], numbers[1], field)


TRIAL_OPTIONAL_KEYS = ("name", "registration", "timepoint", "randomised", "description",
                       "caveats", "references", "ipd")
"""Optional keys of the ``trial`` block (``arms`` is required)."""

OUTCOME_KEYS = ("label", "direction", "treatment", "control", "estimate")
"""Keys of an outcome: counts (``treatment`` and ``control``) or an ``estimate``."""


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, f"must be a non-empty text, got {kind(value)}")
    return value.strip()


def _texts(value: Any, field: str) -> tuple[str, ...]:
    """A list of plain texts (caveats, references)."""
    if not isinstance(value, list):
        raise InputError(field, f"must be a list of texts, got {kind(value)}")
    return tuple(_text(item, f"{field}[{index}]") for index, item in enumerate(value))


def _randomised(value: Any, outcomes: dict[str, OutcomeCounts]) -> dict[str, int]:
    """Validate ``trial.randomised``: per arm a whole number at least that arm's analysed
    count for every outcome (participants without an outcome are randomised, not analysed)."""
    block = strict_mapping(value, "trial.randomised", (), ARMS)
    randomised = {}
    for arm in ARMS:
        if arm not in block:
            continue
        number = block[arm]
        field = f"trial.randomised.{arm}"
        if isinstance(number, bool) or not isinstance(number, int):
            raise InputError(field, f"must be a whole number, got {kind(number)} {number!r}")
        if number <= 0:
            raise InputError(field, f"must be > 0, got {number}")
        analysed = max((getattr(outcome, arm).n for outcome in outcomes.values()), default=0)
        if number < analysed:
            raise InputError(field, f"must be >= the analysed count n ({analysed}) of every "
                             f"outcome, got {number}")
        randomised[arm] = number
    return randomised


def _ipd(value: Any, folder: Path) -> IpdSource:
    """Validate ``trial.ipd``: ``path`` (relative to the trial file) to an existing file,
    ``covariate`` one the interaction model supports, ``simulated: true``."""
    block = strict_mapping(value, "trial.ipd", ("path", "covariate", "simulated"))
    path = folder / _text(block["path"], "trial.ipd.path")
    if not path.is_file():
        raise InputError("trial.ipd.path", f"must name an existing file (relative to the "
                         f"trial file's folder), got {block['path']!r}")
    if block["covariate"] not in IPD_COVARIATES:
        raise InputError("trial.ipd.covariate", f"must be one of {', '.join(IPD_COVARIATES)}"
                         f" (the interaction model's supported covariates), got "
                         f"{block['covariate']!r}")
    if block["simulated"] is not True:
        raise InputError("trial.ipd.simulated", "must be true: only simulated individual "
                         "data are supported (the interaction part of the report is built "
                         f"around the simulation's known truth), got {block['simulated']!r}")
    return IpdSource(path.resolve(), block["covariate"])


def _direction(block: dict[str, Any], field: str) -> Direction:
    direction = block.get("direction", DEFAULT_DIRECTION)
    if direction not in DIRECTIONS:
        raise InputError(f"{field}.direction", f"must be one of {', '.join(DIRECTIONS)} "
                         "(higher: more events is better; lower: fewer events is better), "
                         f"got {direction!r}")
    return cast(Direction, direction)


def _outcome(name: str, value: Any) -> OutcomeCounts | OutcomeEstimate:
    """One outcome block: counts per arm or a published estimate, never both."""
    field = f"outcomes.{name}"
    block = strict_mapping(value, field, (), OUTCOME_KEYS)
    label = _text(block["label"], f"{field}.label") if "label" in block else name
    direction = _direction(block, field)
    has_counts = [arm for arm in ARMS if arm in block]
    if "estimate" in block:
        if has_counts:
            raise InputError(f"{field}.estimate", "must not be given together with counts "
                             f"({' and '.join(has_counts)}): give either events and n per "
                             "arm or a published estimate")
        return OutcomeEstimate(name, label, read_estimate(block["estimate"],
                                                          f"{field}.estimate"), direction)
    missing = [arm for arm in ARMS if arm not in block]
    if missing:
        raise InputError(f"{field}.{missing[0]}", "is missing (give events and n for both "
                         "arms, or a published estimate: {measure, value, ci95})")
    counts = {}
    for arm in ARMS:
        arm_field = f"{field}.{arm}"
        arm_block = strict_mapping(block[arm], arm_field, ("events", "n"))
        counts[arm] = validate_counts(arm_block["events"], arm_block["n"], arm_field)
    return OutcomeCounts(name, label, counts["treatment"], counts["control"], direction)


def load_trial(path: Path | str = TRIAL_COUNTS_FILE) -> Trial:
    """Load and validate a trial file (see ``data/trial_counts.yml`` and ``data/examples/``).

    Unknown keys anywhere are refused (a misspelt or unsupported key would otherwise be
    ignored silently), as in a priors file.
    """
    path = Path(path)
    content = strict_mapping(read_yaml_mapping(path, "trial counts file"), "file",
                             ("trial", "outcomes"))
    trial = strict_mapping(content["trial"], "trial", ("arms",), TRIAL_OPTIONAL_KEYS)
    arms = strict_mapping(trial["arms"], "trial.arms", ARMS)
    for arm in ARMS:
        if not isinstance(arms[arm], str) or not arms[arm].strip():
            raise InputError(f"trial.arms.{arm}", "must name the arm (a non-empty text), "
                             f"got {kind(arms[arm])}")
    outcomes_block = content["outcomes"]
    if not isinstance(outcomes_block, dict) or not outcomes_block:
        raise InputError("outcomes", "must be a mapping with at least one outcome")
    outcomes: dict[str, OutcomeCounts] = {}
    estimates: dict[str, OutcomeEstimate] = {}
    for name, block in outcomes_block.items():
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"outcomes.{name}", "name must be a non-empty text")
        outcome = _outcome(name, block)
        if isinstance(outcome, OutcomeEstimate):
            estimates[name] = outcome
        else:
            outcomes[name] = outcome
    return Trial(
        name=str(trial.get("name", "")),
        registration=str(trial.get("registration", "")),
        timepoint=str(trial.get("timepoint", "")),
        treatment_name=arms["treatment"],
        control_name=arms["control"],
        randomised=_randomised(trial.get("randomised", {}), outcomes),
        outcomes=outcomes,
        estimates=estimates,
        description=(_text(trial["description"], "trial.description")
                     if "description" in trial else ""),
        caveats=_texts(trial.get("caveats", []), "trial.caveats"),
        references=_texts(trial.get("references", []), "trial.references"),
        ipd=_ipd(trial["ipd"], path.resolve().parent) if "ipd" in trial else None,
    )
