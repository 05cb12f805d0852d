"""Benchmark 1: a 10-prior grid of the aggregate logistic model (remission).

The compiled model re-used (:func:`models.mcmc.aggregate.fit_aggregate`, disk cache off)
against a fresh ``pm.Model`` + ``pm.sample`` (nutpie) per prior with the same sampler
settings. The compile happens once before timing; its time is measured separately and
reported both excluded and included once.
"""

import dataclasses
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from benchmarks.common import (
    LABELS,
    BenchResult,
    Row,
    at_least,
    median_time,
    reference_prior,
    sampled,
)
from models.core.distributions import NormalPrior
from models.core.progress import say
from models.core.scoped import quiet_logger
from models.data.trial import OutcomeCounts, Trial
from models.exact.linear_predictor import linear_predictor
from models.mcmc.sampling import DEFAULT_SAMPLER, SamplerSettings
from models.priors.prior_set import LogisticPrior, PriorSet

GRID_OUTCOME = "remission"
GRID_TREATMENT_PRIORS = (
    (0.0, 2.5), (0.0, 0.557), (0.916, 0.557), (0.0, 1.0), (0.458, 0.557),
    (0.916, 1.0), (-0.458, 0.557), (0.0, 0.3), (0.916, 2.5), (0.458, 1.5),
)
"""(mean, sd) of the 10 treatment log-OR priors: around the named reference N(0, 2.5),
skeptical N(0, 0.557) and enthusiastic N(0.916, 0.557) priors."""

GRID_RATIO_TARGET = 5.0
"""Target speed-up, naive over compiled (times, x)."""

Fit = Callable[[LogisticPrior, OutcomeCounts], tuple[float, float]]
"""A fit returning P(log OR > 0) and its MCSE."""


def grid_priors(base: LogisticPrior,
                treatment: Sequence[tuple[float, float]] = GRID_TREATMENT_PRIORS,
                ) -> list[LogisticPrior]:
    """``base`` with each (mean, sd) as the treatment log-OR prior."""
    return [dataclasses.replace(base, treatment=NormalPrior(mean, sd)) for mean, sd in treatment]


def naive_fit(prior: LogisticPrior, counts: OutcomeCounts,
              settings: SamplerSettings = DEFAULT_SAMPLER) -> tuple[float, float]:
    """A fresh ``pm.Model`` + ``pm.sample`` (nutpie), written the way one would without the
    compile-once pattern (prior values as constants), summarised like ``fit_aggregate``.

    Returns P(log OR > 0) and its MCSE.
    """
    import pymc as pm

    from models.mcmc.diagnostics import diagnose
    from models.mcmc.draws import interval, probability, summarise_draws

    with pm.Model(coords={"arm": ["treatment", "control"]}) as model:
        intercept = pm.Normal("intercept", prior.intercept.mean, prior.intercept.sd)
        treatment = pm.Normal("treatment", prior.treatment.mean, prior.treatment.sd)
        logit_p = linear_predictor({"intercept": intercept, "treatment": treatment},
                                   np.array([1.0, 0.0]))  # arms: treatment, control
        pm.Deterministic("p", pm.math.invlogit(logit_p), dims="arm")
        pm.Binomial("y", n=np.array([counts.treatment.n, counts.control.n]), logit_p=logit_p,
                    observed=np.array([counts.treatment.events, counts.control.events]),
                    dims="arm")
    with quiet_logger("pymc"):
        idata = pm.sample(model=model, draws=settings.draws, tune=settings.tune,
                          chains=settings.chains, cores=settings.chains,
                          random_seed=settings.seed, target_accept=settings.target_accept,
                          nuts_sampler="nutpie", progressbar=False,
                          compute_convergence_checks=False)
    post = idata["posterior"].to_dataset()
    p_benefit = probability(post["treatment"] > 0)
    interval(post["treatment"])
    summarise_draws(post["p"].sel(arm="treatment"), post["p"].sel(arm="control"))
    diagnose(idata, ["intercept", "treatment"])
    return sampled(p_benefit)


def compiled_fit(prior: LogisticPrior, counts: OutcomeCounts) -> tuple[float, float]:
    """``fit_aggregate`` with the process's compiled model and the disk cache off."""
    from models.mcmc.aggregate import fit_aggregate

    result = fit_aggregate(prior, counts, use_cache=False)
    return sampled(result.p_benefit)


def compile_time(repeats: int) -> tuple[float, list[float]]:
    """Median time (s) of one ``nutpie.compile_pymc_model`` of the aggregate model."""
    import nutpie

    from models.mcmc.logistic_models import build_aggregate_model

    return median_time(lambda: nutpie.compile_pymc_model(build_aggregate_model()), repeats)


def run_grid(fit: Fit, priors: Sequence[LogisticPrior], counts: OutcomeCounts,
             ) -> tuple[float, list[tuple[float, float]]]:
    """Fit every prior in turn; total wall time (s) and each (P(benefit), MCSE)."""
    results: list[tuple[float, float]] = []
    start = time.perf_counter()
    for prior in priors:
        results.append(fit(prior, counts))
    return time.perf_counter() - start, results


def bench_grid(trial: Trial, prior_set: PriorSet, repeats: int) -> BenchResult:
    """Benchmark 1: the 10-prior logistic grid, compiled model re-used vs naive."""
    counts = trial.outcome(GRID_OUTCOME)
    priors = grid_priors(reference_prior(prior_set).logistic)
    say("grid: warming up (one compile, one naive fit)")
    compiled_fit(priors[0], counts)
    naive_fit(priors[0], counts)
    _, compile_times = compile_time(repeats)
    compiled_times, naive_times = [], []
    compiled_p: list[tuple[float, float]] = []
    naive_p: list[tuple[float, float]] = []
    for r in range(repeats):
        say(f"grid: repeat {r + 1}/{repeats}")
        seconds, compiled_p = run_grid(compiled_fit, priors, counts)
        compiled_times.append(seconds)
        seconds, naive_p = run_grid(naive_fit, priors, counts)
        naive_times.append(seconds)
    details = grid_details(priors, compiled_times, naive_times, compile_times,
                           compiled_p, naive_p)
    return BenchResult("grid", details, grid_rows(details))


def grid_details(priors: Sequence[LogisticPrior], compiled_times: list[float],
                 naive_times: list[float], compile_times: list[float],
                 compiled_p: list[tuple[float, float]],
                 naive_p: list[tuple[float, float]]) -> dict[str, Any]:
    """JSON-ready measurements of benchmark 1: median times (s), ratios of the medians and
    the largest |P_compiled - P_naive| in units of their combined MCSE."""
    compiled_s = statistics.median(compiled_times)
    naive_s = statistics.median(naive_times)
    compile_s = statistics.median(compile_times)
    gaps = [abs(a[0] - b[0]) / float(np.hypot(a[1], b[1])) for a, b in zip(compiled_p, naive_p,
                                                                            strict=True)]
    return {
        "outcome": GRID_OUTCOME,
        "priors": len(priors),
        "treatment_priors": [asdict(p.treatment) for p in priors],
        "intercept_prior": asdict(priors[0].intercept),
        "sampler": DEFAULT_SAMPLER.as_dict(),
        "repeats": len(naive_times),
        "compiled_grid_s": compiled_s,
        "compiled_per_prior_s": compiled_s / len(priors),
        "compile_s": compile_s,
        "compiled_grid_with_compile_s": compiled_s + compile_s,
        "naive_grid_s": naive_s,
        "naive_per_prior_s": naive_s / len(priors),
        "ratio_compile_excluded": naive_s / compiled_s,
        "ratio_compile_included_once": naive_s / (compiled_s + compile_s),
        "times": {"compiled": compiled_times, "naive": naive_times, "compile": compile_times},
        "p_benefit": {"compiled": [p for p, _ in compiled_p], "naive": [p for p, _ in naive_p]},
        "max_p_benefit_gap_in_mcse": max(gaps),
        "note": "compile happens once before timing (warm-up); compile_s is measured "
                "separately and added once for the compile-included ratio",
    }


def grid_rows(d: Mapping[str, Any]) -> list[Row]:
    """Table rows of benchmark 1."""
    b, n = LABELS["grid"], d["priors"]
    return [
        Row(b, f"{n} priors, compiled model re-used (compile excluded)", d["compiled_grid_s"],
            "s"),
        Row(b, "one compile of the aggregate model", d["compile_s"], "s"),
        Row(b, f"{n} priors, fresh pm.Model + pm.sample each", d["naive_grid_s"], "s"),
        Row(b, "ratio naive / compiled, compile included once",
            d["ratio_compile_included_once"], "x", f">= {GRID_RATIO_TARGET:g}x",
            at_least(d["ratio_compile_included_once"], GRID_RATIO_TARGET)),
        Row(b, "ratio naive / compiled, compile excluded", d["ratio_compile_excluded"], "x",
            f">= {GRID_RATIO_TARGET:g}x", at_least(d["ratio_compile_excluded"],
                                                   GRID_RATIO_TARGET)),
    ]
