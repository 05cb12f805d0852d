"""A published effect estimate: a ratio with its 95% confidence interval.

Most trials publish an odds, risk or hazard ratio (treatment vs control) with a 95% CI
rather than counts per arm. This module only validates such an estimate; the model that
reads it (a normal likelihood on the log scale) is :mod:`models.exact.normal_normal`.
"""

import math
from dataclasses import dataclass
from typing import Any, Literal, cast

from models.core.errors import InputError
from models.core.yaml_io import kind, strict_mapping

Measure = Literal["odds_ratio", "risk_ratio", "hazard_ratio"]
MEASURES: tuple[Measure, ...] = ("odds_ratio", "risk_ratio", "hazard_ratio")

MEASURE_WORDS: dict[str, str] = {"odds_ratio": "odds ratio", "risk_ratio": "risk ratio",
                                 "hazard_ratio": "hazard ratio"}
"""Each measure in words, for sentences and table headers."""

MEASURE_ABBREVIATIONS: dict[str, str] = {"odds_ratio": "OR", "risk_ratio": "RR",
                                         "hazard_ratio": "HR"}
"""Each measure's abbreviation, for table headers and compact notation."""


@dataclass(frozen=True)
class PublishedEstimate:
    """A ratio ``value`` (treatment vs control, > 0) with its 95% CI [``lower``, ``upper``]."""

    measure: Measure
    value: float
    lower: float
    upper: float

    @property
    def words(self) -> str:
        return MEASURE_WORDS[self.measure]

    @property
    def abbreviation(self) -> str:
        return MEASURE_ABBREVIATIONS[self.measure]


def _positive_number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or value <= 0:
        raise InputError(field, f"must be positive finite (a ratio above 0), got "
                         f"{kind(value)} {value!r}")
    return float(value)


def validate_estimate(measure: Any, value: Any, lower: Any, upper: Any,
                      field: str = "estimate") -> PublishedEstimate:
    """Check a published ratio: a known measure, positive finite numbers, lower < upper
    and a CI that contains the value; ``InputError`` naming ``field.<key>`` otherwise."""
    if measure not in MEASURES:
        raise InputError(f"{field}.measure", f"must be one of {', '.join(MEASURES)}, "
                         f"got {measure!r}")
    number = _positive_number(value, f"{field}.value")
    low = _positive_number(lower, f"{field}.ci95")
    high = _positive_number(upper, f"{field}.ci95")
    if low >= high:
        raise InputError(f"{field}.ci95", f"must be [lower, upper] with lower < upper, got "
                         f"[{low:g}, {high:g}]")
    if not low <= number <= high:
        raise InputError(f"{field}.ci95", f"must contain the value {number:g}, got "
                         f"[{low:g}, {high:g}]")
    return PublishedEstimate(cast(Measure, measure), number, low, high)


def read_estimate(block: Any, field: str) -> PublishedEstimate:
    """An ``estimate: {measure, value, ci95: [lower, upper]}`` block of a trial file."""
    block = strict_mapping(block, field, ("measure", "value", "ci95"))
    ci95 = block["ci95"]
    if not isinstance(ci95, list) or len(ci95) != 2:
        raise InputError(f"{field}.ci95", f"must be a list of two numbers [lower, upper], "
                         f"got {kind(ci95)} {ci95!r}")
    return validate_estimate(block["measure"], block["value"], ci95[0], ci95[1], field)
