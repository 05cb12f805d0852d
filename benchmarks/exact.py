"""Benchmark 3: the exact beta-binomial fit against MCMC, per named prior x outcome.

:func:`models.exact.beta_binomial.fit_exact` (and its probabilities alone) against
:func:`models.mcmc.beta_binomial.fit_mcmc` (compiled model re-used, disk posterior cache
off), with the MCMC-exact difference of P(benefit) in MCSE units. The exact part alone
(:func:`bench_exact`) also gives the speed issue's target: one exact fit, all summaries,
under 1 ms for every named prior x outcome (integer and non-integer Beta parameters), and the
closed-form normal-normal fit of the log OR (a published ratio's model) in microseconds.
"""

import math
import statistics
from typing import Any

from benchmarks.common import (
    LABELS,
    MCMC_CACHE_OFF,
    BenchResult,
    Row,
    below,
    median_time,
    sampled,
)
from models.core.distributions import BetaBinomialPrior
from models.core.progress import say
from models.core.scoped import environment
from models.data.trial import OutcomeCounts, Trial
from models.exact.beta_binomial import ARD_THRESHOLDS, fit_exact, posterior
from models.exact.beta_contrast import BetaContrast
from models.exact.normal_normal import fit_normal, from_counts
from models.mcmc.sampling import DEFAULT_SAMPLER
from models.priors.prior_set import PriorSet

EXACT_FIT_TARGET_MS = 1.0
"""Target for one exact fit with all its summaries (ms), the slowest prior x outcome."""

NORMAL_FIT_TARGET_US = 1000.0
"""Target for one normal-normal fit (microseconds): closed form, no integration."""


def probabilities_only(distribution: BetaBinomialPrior) -> list[float]:
    """P(benefit) = P(ARD > 0) and P(ARD > d) for each threshold, from a conjugate
    posterior (what ``fit_exact`` computes besides the medians and intervals)."""
    survival = BetaContrast.of(distribution, "ard").sf([0.0, *ARD_THRESHOLDS])
    return [float(p) for p in survival]


def exact_combo(prior_name: str, prior_set: PriorSet, counts: OutcomeCounts,
                repeats: int) -> dict[str, Any]:
    """Median times (ms) of one exact fit and of its probabilities alone, and P(benefit)."""
    prior = prior_set.get(prior_name).beta_binomial
    fit_s, _ = median_time(lambda: fit_exact(prior, counts), repeats)
    post = posterior(prior, counts)
    probs_s, _ = median_time(lambda: probabilities_only(post), repeats)
    log_or_prior = prior_set.get(prior_name).logistic.treatment
    normal_s, _ = median_time(
        lambda: fit_normal(log_or_prior, from_counts(counts), counts.direction), repeats)
    return {"prior": prior_name, "outcome": counts.name, "exact_fit_ms": 1e3 * fit_s,
            "probabilities_ms": 1e3 * probs_s, "normal_fit_us": 1e6 * normal_s,
            "p_benefit_exact": fit_exact(prior, counts).summary.p_benefit.estimate}


def bench_exact(trial: Trial, prior_set: PriorSet, repeats: int) -> BenchResult:
    """Exact part of benchmark 3 (and the 1 ms target): no sampling."""
    say(f"exact: {repeats} repeats per prior x outcome")
    combos = [exact_combo(name, prior_set, trial.outcome(outcome), repeats)
              for name in prior_set.names for outcome in trial.outcomes]
    slowest = max(c["exact_fit_ms"] for c in combos)
    details = {"repeats": repeats, "thresholds": list(ARD_THRESHOLDS), "combos": combos,
               "slowest_exact_fit_ms": slowest,
               "median_exact_fit_ms": statistics.median(c["exact_fit_ms"] for c in combos),
               "median_probabilities_ms": statistics.median(c["probabilities_ms"]
                                                            for c in combos),
               "median_normal_fit_us": statistics.median(c["normal_fit_us"] for c in combos)}
    rows = [
        Row(LABELS["exact"], "exact fit (median over prior x outcome)",
            details["median_exact_fit_ms"], "ms"),
        Row(LABELS["exact"], f"probabilities alone (P(benefit) + {len(ARD_THRESHOLDS)} "
            "P(ARD > d))", details["median_probabilities_ms"], "ms"),
        Row(LABELS["exact"], "normal-normal fit of the log OR, closed form (median)",
            details["median_normal_fit_us"], "us", f"< {NORMAL_FIT_TARGET_US:g} us",
            below(details["median_normal_fit_us"], NORMAL_FIT_TARGET_US)),
        Row(LABELS["exact"], "one exact fit, all summaries (slowest prior x outcome)",
            slowest, "ms",
            f"< {EXACT_FIT_TARGET_MS:g} ms", below(slowest, EXACT_FIT_TARGET_MS)),
    ]
    return BenchResult("exact", details, rows)


def mcmc_combo(combo: dict[str, Any], prior_set: PriorSet, trial: Trial,
               repeats: int) -> dict[str, Any]:
    """Add MCMC time (s), time ratio MCMC / exact and |MCMC - exact| / MCSE of P(benefit)
    to one exact combo (disk posterior cache off)."""
    from models.mcmc.beta_binomial import fit_mcmc

    prior = prior_set.get(combo["prior"]).beta_binomial
    counts = trial.outcome(combo["outcome"])
    with environment(MCMC_CACHE_OFF):
        seconds, _ = median_time(lambda: fit_mcmc(prior, counts), repeats)
        estimate, mcse = sampled(fit_mcmc(prior, counts).summary.p_benefit)
    gap = abs(estimate - combo["p_benefit_exact"])
    return {**combo, "mcmc_fit_s": seconds,
            "mcmc_over_exact": 1e3 * seconds / combo["exact_fit_ms"],
            "p_benefit_mcmc": estimate, "mcse_p_benefit": mcse,
            # An MCSE of 0 (all draws agree) counts as agreement only when there is no gap.
            "difference_in_mcse": gap / mcse if mcse > 0 else (0.0 if gap == 0 else math.inf)}


def bench_exact_vs_mcmc(trial: Trial, prior_set: PriorSet, exact_repeats: int,
                        mcmc_repeats: int) -> BenchResult:
    """Benchmark 3: exact fits vs MCMC fits for every named prior x outcome."""
    from models.mcmc.beta_binomial import fit_mcmc
    from models.report.results import MCSE_AGREEMENT

    exact = bench_exact(trial, prior_set, exact_repeats)
    first = exact.details["combos"][0]
    say("mcmc: warming up (one compile)")
    with environment(MCMC_CACHE_OFF):
        fit_mcmc(prior_set.get(first["prior"]).beta_binomial, trial.outcome(first["outcome"]))
    say(f"mcmc: {mcmc_repeats} repeats per prior x outcome")
    combos = [mcmc_combo(c, prior_set, trial, mcmc_repeats) for c in exact.details["combos"]]
    details = {**exact.details, "mcmc_repeats": mcmc_repeats, "combos": combos,
               "median_mcmc_fit_s": statistics.median(c["mcmc_fit_s"] for c in combos),
               "mcse_agreement": MCSE_AGREEMENT, "sampler": DEFAULT_SAMPLER.as_dict(),
               "note": "MCMC: compiled model re-used (compiled once before timing), "
                       "disk posterior cache off"}
    rows = exact.rows[:3] + [Row(LABELS["exact"], "MCMC fit (median over prior x outcome)",
                                 details["median_mcmc_fit_s"], "s")]
    for c in combos:
        what = f"{c['outcome']}, {c['prior']}"
        rows.append(Row(LABELS["exact"], f"{what}: time MCMC / exact", c["mcmc_over_exact"],
                        "x"))
        rows.append(Row(LABELS["exact"], f"{what}: |P_mcmc - P_exact| / MCSE",
                        c["difference_in_mcse"], "MCSE", f"<= {MCSE_AGREEMENT:g}",
                        "pass" if c["difference_in_mcse"] <= MCSE_AGREEMENT else "MISS"))
    return BenchResult("exact", details, rows + exact.rows[3:])
