"""Published two-arm counts: loading and validation.

A trial is a set of binary outcomes, each with ``events`` out of ``n`` analysed
participants in a treatment arm and a control arm. The tocilizumab trial is the
default (``data/trial_counts.yml``); any two-arm binary-outcome trial in the same
format works.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.core.errors import InputError
from models.core.paths import TRIAL_COUNTS_FILE
from models.core.yaml_io import kind, read_yaml_mapping, strict_mapping

ARMS = ("treatment", "control")


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

    def with_counts(
        self, treatment: ArmCounts | None, control: ArmCounts | None
    ) -> "OutcomeCounts":
        """The same outcome with one or both arms' counts replaced (e.g. from the CLI)."""
        return OutcomeCounts(
            self.name, self.label, treatment or self.treatment, control or self.control
        )


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

    def outcome(self, name: str) -> OutcomeCounts:
        """The named outcome; ``InputError`` listing the allowed names otherwise."""
        if name not in self.outcomes:
            allowed = ", ".join(self.outcomes)
            raise InputError("--outcome", f"must be one of {allowed}, got {name!r}")
        return self.outcomes[name]


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


TRIAL_OPTIONAL_KEYS = ("name", "registration", "timepoint", "randomised")
"""Optional keys of the ``trial`` block (``arms`` is required)."""

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
        analysed = max(getattr(outcome, arm).n for outcome in outcomes.values())
        if number < analysed:
            raise InputError(field, f"must be >= the analysed count n ({analysed}) of every "
                             f"outcome, got {number}")
        randomised[arm] = number
    return randomised


def load_trial(path: Path | str = TRIAL_COUNTS_FILE) -> Trial:
    """Load and validate a trial counts file (see ``data/trial_counts.yml``).

    Unknown keys anywhere are refused (a misspelt or unsupported key, e.g. ``direction``,
    would otherwise be ignored silently), as in a priors file.
    """
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
    outcomes = {}
    for name, block in outcomes_block.items():
        if not isinstance(name, str):
            raise InputError(f"outcomes.{name}", "name must be a text")
        block = strict_mapping(block, f"outcomes.{name}", ARMS, ("label",))
        counts = {}
        for arm in ARMS:
            field = f"outcomes.{name}.{arm}"
            arm_block = strict_mapping(block[arm], field, ("events", "n"))
            counts[arm] = validate_counts(arm_block["events"], arm_block["n"], field)
        outcomes[name] = OutcomeCounts(
            name, str(block.get("label", name)), counts["treatment"], counts["control"]
        )
    return Trial(
        name=str(trial.get("name", "")),
        registration=str(trial.get("registration", "")),
        timepoint=str(trial.get("timepoint", "")),
        treatment_name=arms["treatment"],
        control_name=arms["control"],
        randomised=_randomised(trial.get("randomised", {}), outcomes),
        outcomes=outcomes,
    )
