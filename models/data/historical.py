"""Historical control arms: the input of a meta-analytic-predictive (MAP) prior.

A historical controls file (YAML) lists earlier trials' control arms, each with the events
and participants of the outcome and the source that reports them::

    description: Placebo ASAS20 responders at week 6 in ankylosing spondylitis
    studies:
      - {study: Study 1, events: 23, n: 107, source: "Baeten et al. 2013, ..."}
      - ...

At least two studies are needed (a between-trial SD cannot be learnt from one); events
are whole numbers from 0 to n; every study names its source (a number without a source
cannot be checked). Unknown keys are refused, as in every input file.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.core.errors import InputError
from models.core.provenance import file_sha256
from models.core.yaml_io import kind, read_yaml_mapping, strict_mapping

MIN_STUDIES = 2
"""Fewest historical studies accepted: the between-trial SD needs at least two."""

MAX_STUDIES = 200
"""Most historical studies accepted (each adds one parameter to the sampled model)."""


@dataclass(frozen=True)
class HistoricalArm:
    """One earlier trial's control arm: events of n, and where the numbers come from."""

    study: str
    events: int
    n: int
    source: str


@dataclass(frozen=True)
class HistoricalControls:
    """The historical control arms of a MAP prior, with the file they came from."""

    studies: tuple[HistoricalArm, ...]
    description: str
    path: Path
    sha256: str


def _whole(value: Any, field: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise InputError(field, f"must be a whole number, got {kind(value)} {value!r}")
    if value < least:
        raise InputError(field, f"must be at least {least}, got {int(value)}")
    return int(value)


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, f"must be a non-empty text, got {kind(value)}")
    return value.strip()


def _arm(value: Any, field: str) -> HistoricalArm:
    block = strict_mapping(value, field, ("study", "events", "n", "source"))
    n = _whole(block["n"], f"{field}.n", 1)
    events = _whole(block["events"], f"{field}.events", 0)
    if events > n:
        raise InputError(f"{field}.events", f"must be at most n ({n}), got {events}")
    return HistoricalArm(_text(block["study"], f"{field}.study"), events, n,
                         _text(block["source"], f"{field}.source"))


def load_historical(path: Path | str) -> HistoricalControls:
    """Load and validate a historical controls file (see the module docstring)."""
    path = Path(path)
    content = strict_mapping(read_yaml_mapping(path, "historical controls file"), "file",
                             ("studies",), ("description",))
    studies = content["studies"]
    if not isinstance(studies, list):
        raise InputError("studies", f"must be a list of control arms, got {kind(studies)}")
    if not MIN_STUDIES <= len(studies) <= MAX_STUDIES:
        raise InputError("studies", f"must list {MIN_STUDIES} to {MAX_STUDIES} studies (the "
                         f"between-trial SD needs at least two), got {len(studies)}")
    arms = tuple(_arm(value, f"studies[{index}]") for index, value in enumerate(studies))
    names = [arm.study for arm in arms]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InputError("studies", f"each study must appear once, repeated: {repeated}")
    description = (_text(content["description"], "description")
                   if "description" in content else "")
    return HistoricalControls(arms, description, path, file_sha256(path))
