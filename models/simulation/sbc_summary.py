"""What an SBC run shows: per case and quantity, the ranks, the uniformity test and the
verdict (pure functions of the replicates' ranks; :mod:`models.simulation.sbc` makes them).

The verdict is family-wise: a quantity fails when its p-value is below
``FAMILY_ALPHA / m``, ``m`` the number of quantities tested in the whole run (Bonferroni),
so a calibrated set of models is called miscalibrated somewhere with probability of at most
5%; each p-value is also kept as it is.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from models.simulation.sbc import QUANTITY_LABELS, SbcCase
from models.simulation.sbc_ranks import (
    FAMILY_ALPHA,
    bonferroni_level,
    fractional_ranks,
    uniformity_test,
)

RANK_JITTER_STREAM = 1
"""Quantity ``i``'s fractional ranks are jittered by ``default_rng([seed, 1, i])`` (fixed, so
the test is too, and apart from the data sets' stream)."""


def _jitter(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, RANK_JITTER_STREAM, index])


@dataclass(frozen=True)
class QuantityCalibration:
    """One ranked quantity of one case: its ranks (0 .. ``max_rank``, one per replicate)
    and the POT-C test of their uniformity (:mod:`models.simulation.sbc_ranks`)."""

    name: str
    label: str
    ranks: tuple[int, ...]
    statistic: float
    p_value: float

    @property
    def replicates(self) -> int:
        return len(self.ranks)


@dataclass(frozen=True)
class CaseCalibration:
    """Everything one case (model x prior) of an SBC run shows.

    ``prior_parameters``: the prior's normal parameters by term, ``{"mean", "sd"}``
    (log-odds scale), so a reader can tell whether it is still the prior of that name.
    ``fits_with_divergences`` and ``fits_failing_diagnostics`` count replicates whose fit
    had divergent transitions, or failed any of the project's checks (R-hat, ESS,
    divergences, E-BFMI, tree depth)."""

    model: str
    prior_name: str
    prior_parameters: dict[str, dict[str, float]]
    n_treatment: int
    n_control: int
    seed: int
    sampler: dict[str, float | int]
    thin: int
    max_rank: int
    fits_with_divergences: int
    fits_failing_diagnostics: int
    quantities: tuple[QuantityCalibration, ...]

    @property
    def replicates(self) -> int:
        return min((q.replicates for q in self.quantities), default=0)


def summarise_case(case: SbcCase, rows: Sequence[dict[str, Any]]) -> CaseCalibration:
    """Ranks and uniformity tests of one case's replicates (``rows``: the records of
    :func:`models.simulation.sbc.run_replicate`, in replicate order)."""
    quantities = []
    for index, name in enumerate(case.quantities):
        ranks = np.array([row["ranks"][name] for row in rows], dtype=int)
        test = uniformity_test(fractional_ranks(ranks, case.max_rank,
                                                _jitter(case.seed, index)))
        quantities.append(QuantityCalibration(name, QUANTITY_LABELS[name],
                                              tuple(int(r) for r in ranks),
                                              test.statistic, test.p_value))
    return CaseCalibration(
        model=case.model,
        prior_name=case.prior_name,
        prior_parameters={term: asdict(getattr(case.prior, term)) for term in case.terms},
        n_treatment=case.design[0],
        n_control=case.design[1],
        seed=case.seed,
        sampler=case.settings.as_dict(),
        thin=case.thin,
        max_rank=case.max_rank,
        fits_with_divergences=sum(1 for row in rows if row["divergences"] > 0),
        fits_failing_diagnostics=sum(1 for row in rows if not row["passes_diagnostics"]),
        quantities=tuple(quantities),
    )


def pit_values(case: CaseCalibration, index: int) -> np.ndarray:
    """The fractional ranks the test of quantity ``index`` used (the same jitter, so the
    figure shows what was tested)."""
    return fractional_ranks(np.array(case.quantities[index].ranks), case.max_rank,
                            _jitter(case.seed, index))


@dataclass(frozen=True)
class Verdict:
    """The run's verdict: the per-test level and the quantities that fail it."""

    tests: int
    level: float
    failures: tuple[tuple[CaseCalibration, QuantityCalibration], ...]

    @property
    def calibrated(self) -> bool:
        return not self.failures

    def failures_of(self, case: CaseCalibration) -> list[QuantityCalibration]:
        """The quantities of ``case`` that fail (the same case object as verdicted)."""
        return [quantity for failed_case, quantity in self.failures if failed_case is case]

    def failed(self, case: CaseCalibration, quantity: QuantityCalibration) -> bool:
        """Whether ``quantity`` of ``case`` fails."""
        return any(q is quantity for q in self.failures_of(case))


def verdict(cases: Sequence[CaseCalibration], alpha: float = FAMILY_ALPHA) -> Verdict:
    """Which quantities fail at the family-wise level ``alpha`` (Bonferroni)."""
    tests = sum(len(case.quantities) for case in cases)
    level = bonferroni_level(tests, alpha)
    failures = tuple((case, q) for case in cases for q in case.quantities
                     if not q.p_value >= level)  # a NaN p-value fails
    return Verdict(tests, level, failures)
