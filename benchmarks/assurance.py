"""Benchmark 6: assurance of the next trial, exact by enumeration.

One assurance at N = 400 per arm (161,601 outcomes; the success rule enumerated afresh,
target under 0.5 s), and the report's whole figure: assurance at every size of
:data:`models.report.planning_view.PLANNING_SIZES` for every named prior and outcome given
as counts, with the power at the design effect (target under 5 s).
"""

from typing import Any

from benchmarks.common import LABELS, BenchResult, Row, below, median_time, reference_prior
from models.core.progress import say
from models.data.trial import Trial
from models.exact.assurance import assurance
from models.exact.beta_binomial import posterior
from models.exact.success_rule import SuccessRule
from models.priors.prior_set import PriorSet
from models.report.planning_view import PLANNING_SIZES, planning

SINGLE_N = 400
"""Participants per arm of the single assurance timed."""

SINGLE_TARGET_S = 0.5
"""Target for one assurance at ``SINGLE_N`` per arm (s)."""

CURVES_TARGET_S = 5.0
"""Target for the report's whole figure (s)."""


def bench_assurance(trial: Trial, prior_set: PriorSet, repeats: int) -> BenchResult:
    """Benchmark 6: one assurance at ``SINGLE_N`` per arm and the report's whole figure,
    both computed from scratch in every repeat (no rule kept between repeats)."""
    outcome = trial.outcome(next(iter(trial.outcomes)))
    arms = posterior(reference_prior(prior_set).beta_binomial, outcome)
    say(f"assurance: {repeats} repeats at {SINGLE_N} per arm and of the whole figure")

    def single() -> float:
        return assurance(SuccessRule.per_arm(SINGLE_N, direction=outcome.direction), arms)

    single_s, single_times = median_time(single, repeats)
    curves_s, curves_times = median_time(lambda: planning(trial, prior_set), repeats)
    details: dict[str, Any] = {
        "repeats": repeats, "n_per_arm": SINGLE_N, "outcomes_enumerated": (SINGLE_N + 1) ** 2,
        "single_s": single_s, "single_times": single_times, "assurance": single(),
        "curves_s": curves_s, "curves_times": curves_times,
        "sizes": [PLANNING_SIZES[0], PLANNING_SIZES[-1], len(PLANNING_SIZES)],
        "priors": prior_set.names, "outcomes": list(trial.outcomes),
    }
    rows = [
        Row(LABELS["assurance"], f"one assurance, {SINGLE_N} per arm "
            f"({(SINGLE_N + 1) ** 2:,} outcomes)", single_s, "s", f"< {SINGLE_TARGET_S:g} s",
            below(single_s, SINGLE_TARGET_S)),
        Row(LABELS["assurance"], f"report figure: {len(PLANNING_SIZES)} sizes x "
            f"{len(prior_set.names)} priors x {len(trial.outcomes)} outcomes + power",
            curves_s, "s", f"< {CURVES_TARGET_S:g} s", below(curves_s, CURVES_TARGET_S)),
    ]
    return BenchResult("assurance", details, rows)
