"""Benchmarks: ``make bench`` (``python -m benchmarks.run``) prints a table and writes JSON.

Every ratio is measured side by side in one run (the two sides alternate within each
repeat) and every time is the median of several repeats (:class:`Repeats`). Timing lives
here and in ``BENCHMARKS.md``, never as assertions in the tests.

1. ``grid``: a 10-prior grid of the aggregate logistic model (remission): the compiled
   model re-used (:func:`models.logistic.fit_aggregate`, disk cache off) against a fresh
   ``pm.Model`` + ``pm.sample`` (nutpie) per prior with the same sampler settings. The
   compile happens once before timing; its time is measured separately and reported both
   excluded and included once.
2. ``render``: :func:`models.report.make_report` (``RENDERER=fallback``) with a cold
   posterior cache (a fresh ``REANALYSIS_CACHE_DIR``) against a warm one (the same folder
   again). When the report uses the simulation study, its cache is set aside for the cold
   render and restored afterwards.
3. ``exact``: :func:`models.beta_binomial.fit_exact` (and its probabilities alone) against
   :func:`models.beta_binomial_mcmc.fit_mcmc` (compiled model re-used, disk cache off), per
   named prior x outcome, with the MCMC-exact difference of P(benefit) in MCSE units.
4. ``sensitivity``: a 100 x 100 prior grid of :func:`models.sensitivity.sensitivity_grid`
   per outcome.
5. ``make-report``: ``python -m models report`` as a subprocess, cold and warm posterior
   cache (with the foundation issue's targets: an exact fit under 10 ms, from 3; the
   report under 90 s).

Compile caches (PyTensor, Numba) stay warm throughout: "cold" means a cold *posterior*
cache, as on the first render after ``make`` has set the environment up.
"""

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.core.distributions import BetaBinomialPrior, NormalPrior
from models.core.paths import DEFAULT_PRIORS_FILE, OUTPUT_DIR, REPORT_SOURCE, ROOT
from models.core.progress import say
from models.core.scoped import environment, quiet_logger
from models.data.trial import OutcomeCounts, Trial, load_trial
from models.exact.beta_binomial import (
    ARD_THRESHOLDS,
    fit_exact,
    posterior,
    prob_ard_greater,
    prob_benefit,
)
from models.mcmc.sampling import DEFAULT_SAMPLER, SamplerSettings, configure_compile_cache
from models.priors.prior_set import LogisticPrior, NamedPrior, PriorSet
from models.priors.priors_file import load_priors

BENCH_FILE = OUTPUT_DIR / "benchmarks.json"
SCHEMA_VERSION = 1
BENCHMARKS = ("grid", "render", "exact", "sensitivity", "make-report")
LABELS = {"grid": "1 logistic grid", "render": "2 report render", "exact": "3 exact vs MCMC",
          "sensitivity": "4 sensitivity", "make-report": "5 foundation"}

GRID_OUTCOME = "remission"
GRID_TREATMENT_PRIORS = (
    (0.0, 2.5), (0.0, 0.557), (0.916, 0.557), (0.0, 1.0), (0.458, 0.557),
    (0.916, 1.0), (-0.458, 0.557), (0.0, 0.3), (0.916, 2.5), (0.458, 1.5),
)
"""(mean, sd) of the 10 treatment log-OR priors of benchmark 1: around the named reference
N(0, 2.5), skeptical N(0, 0.557) and enthusiastic N(0.916, 0.557) priors."""

SENSITIVITY_MEANS = (-1.5, 2.5)
SENSITIVITY_SDS = (0.1, 5.0)
SENSITIVITY_SIZE = 100

GRID_RATIO_TARGET = 5.0
SENSITIVITY_TARGET_S = 5.0
EXACT_FIT_TARGET_MS = 10.0
MAKE_REPORT_TARGET_S = 90.0
STUDY_MODULE = "simulation_study"
EXTRA_PACKAGES = ("numba", "h5netcdf")


@dataclass(frozen=True)
class Repeats:
    """How often each measurement is repeated (medians are reported)."""

    grid: int = 3
    render: int = 2
    exact: int = 200
    mcmc: int = 5
    sensitivity: int = 5
    make_report: int = 2


QUICK = Repeats(grid=1, render=1, exact=20, mcmc=1, sensitivity=1, make_report=1)
"""``--quick``: one repeat of everything slow."""


@dataclass(frozen=True)
class Row:
    """One line of the printed table (and of the JSON ``table``)."""

    benchmark: str
    what: str
    value: float | None
    unit: str
    target: str = ""
    verdict: str = "-"


@dataclass(frozen=True)
class BenchResult:
    """One benchmark: its detailed measurements (JSON-ready) and its table rows."""

    name: str
    details: dict[str, Any]
    rows: list[Row] = field(default_factory=list)


# --- helpers ----------------------------------------------------------------------------


def timed(function: Callable[[], object]) -> float:
    """Wall time of one call, in seconds."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def median_time(function: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    """Median wall time (s) of ``repeats`` calls, and all the times."""
    times = [timed(function) for _ in range(max(repeats, 1))]
    return statistics.median(times), times


def at_least(value: float, limit: float) -> str:
    return "pass" if value >= limit else "MISS"


def below(value: float, limit: float) -> str:
    return "pass" if value < limit else "MISS"


def reference_prior(prior_set: PriorSet) -> NamedPrior:
    """The prior named ``reference`` (else the file's first prior)."""
    name = "reference" if "reference" in prior_set.priors else prior_set.names[0]
    return prior_set.get(name)


def _mcmc_cache_off() -> dict[str, str | None]:
    from models.mcmc.cache import DISABLE_ENV

    return {DISABLE_ENV: "1"}


# --- 1. logistic grid -------------------------------------------------------------------


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
        logit_p = intercept + treatment * np.array([1.0, 0.0])
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
    return p_benefit.estimate, p_benefit.mcse


def compiled_fit(prior: LogisticPrior, counts: OutcomeCounts) -> tuple[float, float]:
    """``fit_aggregate`` with the process's compiled model and the disk cache off."""
    from models.mcmc.logistic import fit_aggregate

    result = fit_aggregate(prior, counts, use_cache=False)
    return result.p_benefit.estimate, result.p_benefit.mcse


def compile_time(repeats: int) -> tuple[float, list[float]]:
    """Median time of one ``nutpie.compile_pymc_model`` of the aggregate model."""
    import nutpie

    from models.mcmc.logistic import build_aggregate_model

    return median_time(lambda: nutpie.compile_pymc_model(build_aggregate_model()), repeats)


def _run_grid(fit: Callable[[LogisticPrior, OutcomeCounts], tuple[float, float]],
              priors: Sequence[LogisticPrior], counts: OutcomeCounts,
              ) -> tuple[float, list[tuple[float, float]]]:
    """Fit every prior in turn; total wall time and each (P(benefit), MCSE)."""
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
        seconds, compiled_p = _run_grid(compiled_fit, priors, counts)
        compiled_times.append(seconds)
        seconds, naive_p = _run_grid(naive_fit, priors, counts)
        naive_times.append(seconds)
    details = grid_details(priors, compiled_times, naive_times, compile_times,
                           compiled_p, naive_p)
    return BenchResult("grid", details, grid_rows(details))


def grid_details(priors: Sequence[LogisticPrior], compiled_times: list[float],
                 naive_times: list[float], compile_times: list[float],
                 compiled_p: list[tuple[float, float]],
                 naive_p: list[tuple[float, float]]) -> dict[str, Any]:
    """JSON-ready measurements of benchmark 1."""
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


# --- 2. report render, cold vs warm posterior cache ------------------------------------


def report_modules(source: Path = REPORT_SOURCE) -> list[str]:
    """The ``models`` modules the report imports (what a render computes)."""
    text = source.read_text(encoding="utf-8")
    found = re.findall(r"^\s*(?:from|import)\s+models\.(\w+)", text, flags=re.MULTILINE)
    return sorted(set(found))


def study_cache_dir() -> Path:
    from models.simulation.study import STUDY_CACHE_DIR

    return Path(STUDY_CACHE_DIR)


@contextlib.contextmanager
def study_cache_set_aside(active: bool) -> Iterator[None]:
    """Move the simulation-study cache out of the way (when ``active``), then put back any
    file the run did not recreate, so a cold render pays for the study."""
    folder = study_cache_dir() if active else None
    if folder is None or not folder.exists():
        yield
        return
    backup = folder.with_name(f"{folder.name}.bench-{os.getpid()}")
    folder.rename(backup)
    try:
        yield
    finally:
        folder.mkdir(parents=True, exist_ok=True)
        for item in backup.iterdir():
            if not (folder / item.name).exists():
                item.rename(folder / item.name)
        shutil.rmtree(backup, ignore_errors=True)


def render_in_process(priors_file: Path, output: Path, cache_dir: Path) -> None:
    """``make_report`` through the fallback with the posterior cache in ``cache_dir``."""
    from models.mcmc.cache import DIRECTORY_ENV, DISABLE_ENV
    from models.report.build import make_report

    env = {DIRECTORY_ENV: str(cache_dir), DISABLE_ENV: None, "RENDERER": "fallback"}
    with environment(env):
        make_report(priors_file, output)


def render_subprocess(priors_file: Path, output: Path, cache_dir: Path) -> None:
    """``python -m models report`` (what ``make report`` runs) in a fresh interpreter."""
    from models.mcmc.cache import DIRECTORY_ENV, DISABLE_ENV

    env = {**os.environ, DIRECTORY_ENV: str(cache_dir)}
    env.pop(DISABLE_ENV, None)
    command = [sys.executable, "-m", "models", "report", "--priors", str(priors_file),
               "--output", str(output)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n"
                           f"{done.stderr[-2000:]}")


def cold_warm(render: Callable[[Path, Path, Path], None], repeats: int, label: str,
              priors_file: Path = DEFAULT_PRIORS_FILE) -> dict[str, Any]:
    """Alternate a cold render (fresh cache folder) and a warm one (same folder again)."""
    uses_study = STUDY_MODULE in report_modules()
    cold, warm = [], []
    with tempfile.TemporaryDirectory(prefix="reanalysis-bench-") as tmp:
        for r in range(repeats):
            cache, output = Path(tmp) / f"cache-{r}", Path(tmp) / f"report-{r}.html"
            say(f"{label}: repeat {r + 1}/{repeats}, cold posterior cache")
            with study_cache_set_aside(uses_study):
                cold.append(timed(lambda c=cache, o=output: render(priors_file, o, c)))
            say(f"{label}: repeat {r + 1}/{repeats}, warm posterior cache")
            warm.append(timed(lambda c=cache, o=output: render(priors_file, o, c)))
    cold_s, warm_s = statistics.median(cold), statistics.median(warm)
    return {"repeats": repeats, "cold_s": cold_s, "warm_s": warm_s, "ratio": cold_s / warm_s,
            "times": {"cold": cold, "warm": warm}, "report_modules": report_modules(),
            "simulation_study_in_report": uses_study,
            "simulation_study_cache_set_aside_when_cold": uses_study}


def bench_render(repeats: int) -> BenchResult:
    """Benchmark 2: ``make_report`` in-process, cold vs warm posterior cache."""
    import models.report.render.pipeline  # noqa: F401 - imported before timing, as a re-rendering user has

    details = cold_warm(render_in_process, repeats, "render")
    details["renderer"] = "fallback (RENDERER=fallback)"
    b = LABELS["render"]
    rows = [Row(b, "make_report, cold posterior cache", details["cold_s"], "s"),
            Row(b, "make_report, warm posterior cache", details["warm_s"], "s"),
            Row(b, "ratio cold / warm", details["ratio"], "x")]
    return BenchResult("render", details, rows)


# --- 3. exact beta-binomial vs MCMC ---------------------------------------------------


def probabilities_only(distribution: BetaBinomialPrior) -> list[float]:
    """P(benefit) and P(ARD > d) for each threshold, from a conjugate posterior."""
    t, c = distribution.treatment, distribution.control
    return [prob_benefit(t, c)] + [prob_ard_greater(t, c, d) for d in ARD_THRESHOLDS]


def exact_combo(prior_name: str, prior_set: PriorSet, counts: OutcomeCounts,
                repeats: int) -> dict[str, Any]:
    """Median times (ms) of one exact fit and of its probabilities alone."""
    prior = prior_set.get(prior_name).beta_binomial
    fit_s, _ = median_time(lambda: fit_exact(prior, counts), repeats)
    post = posterior(prior, counts)
    probs_s, _ = median_time(lambda: probabilities_only(post), repeats)
    return {"prior": prior_name, "outcome": counts.name, "exact_fit_ms": 1e3 * fit_s,
            "probabilities_ms": 1e3 * probs_s,
            "p_benefit_exact": fit_exact(prior, counts).summary.p_benefit.estimate}


def bench_exact(trial: Trial, prior_set: PriorSet, repeats: int) -> BenchResult:
    """Exact part of benchmark 3 (and the 10 ms target of 5): no sampling."""
    say(f"exact: {repeats} repeats per prior x outcome")
    combos = [exact_combo(name, prior_set, trial.outcome(outcome), repeats)
              for name in prior_set.names for outcome in trial.outcomes]
    slowest = max(c["exact_fit_ms"] for c in combos)
    details = {"repeats": repeats, "thresholds": list(ARD_THRESHOLDS), "combos": combos,
               "slowest_exact_fit_ms": slowest,
               "median_exact_fit_ms": statistics.median(c["exact_fit_ms"] for c in combos),
               "median_probabilities_ms": statistics.median(c["probabilities_ms"]
                                                            for c in combos)}
    rows = [
        Row(LABELS["exact"], "exact fit (median over prior x outcome)",
            details["median_exact_fit_ms"], "ms"),
        Row(LABELS["exact"], f"probabilities alone (P(benefit) + {len(ARD_THRESHOLDS)} "
            "P(ARD > d))", details["median_probabilities_ms"], "ms"),
        Row(LABELS["make-report"], "one exact fit (slowest prior x outcome)", slowest, "ms",
            f"< {EXACT_FIT_TARGET_MS:g} ms", below(slowest, EXACT_FIT_TARGET_MS)),
    ]
    return BenchResult("exact", details, rows)


def mcmc_fit_call(prior: Any, counts: OutcomeCounts) -> Callable[[], Any]:
    """A call of ``fit_mcmc`` with the disk cache off (argument if it has one, else env)."""
    import inspect

    from models.mcmc.beta_binomial import fit_mcmc

    kwargs = ({"use_cache": False} if "use_cache" in inspect.signature(fit_mcmc).parameters
              else {})
    return lambda: fit_mcmc(prior, counts, **kwargs)


def mcmc_combo(combo: dict[str, Any], prior_set: PriorSet, trial: Trial,
               repeats: int) -> dict[str, Any]:
    """Add MCMC time, time ratio and |MCMC - exact| / MCSE to one exact combo."""
    call = mcmc_fit_call(prior_set.get(combo["prior"]).beta_binomial,
                         trial.outcome(combo["outcome"]))
    with environment(_mcmc_cache_off()):
        seconds, _ = median_time(call, repeats)
        estimate = call().summary.p_benefit
    gap = abs(estimate.estimate - combo["p_benefit_exact"])
    return {**combo, "mcmc_fit_s": seconds,
            "mcmc_over_exact": 1e3 * seconds / combo["exact_fit_ms"],
            "p_benefit_mcmc": estimate.estimate, "mcse_p_benefit": estimate.mcse,
            "difference_in_mcse": gap / estimate.mcse}


def bench_exact_vs_mcmc(trial: Trial, prior_set: PriorSet, repeats: Repeats) -> BenchResult:
    """Benchmark 3: exact fits vs MCMC fits for every named prior x outcome."""
    from models.report.results import MCSE_AGREEMENT

    exact = bench_exact(trial, prior_set, repeats.exact)
    first = exact.details["combos"][0]
    say("mcmc: warming up (one compile)")
    with environment(_mcmc_cache_off()):
        mcmc_fit_call(prior_set.get(first["prior"]).beta_binomial,
                      trial.outcome(first["outcome"]))()
    say(f"mcmc: {repeats.mcmc} repeats per prior x outcome")
    combos = [mcmc_combo(c, prior_set, trial, repeats.mcmc) for c in exact.details["combos"]]
    details = {**exact.details, "mcmc_repeats": repeats.mcmc, "combos": combos,
               "median_mcmc_fit_s": statistics.median(c["mcmc_fit_s"] for c in combos),
               "mcse_agreement": MCSE_AGREEMENT, "sampler": DEFAULT_SAMPLER.as_dict(),
               "note": "MCMC: compiled model re-used (compiled once before timing), "
                       "disk posterior cache off"}
    rows = exact.rows[:2] + [Row(LABELS["exact"], "MCMC fit (median over prior x outcome)",
                                 details["median_mcmc_fit_s"], "s")]
    for c in combos:
        what = f"{c['outcome']}, {c['prior']}"
        rows.append(Row(LABELS["exact"], f"{what}: time MCMC / exact", c["mcmc_over_exact"],
                        "x"))
        rows.append(Row(LABELS["exact"], f"{what}: |P_mcmc - P_exact| / MCSE",
                        c["difference_in_mcse"], "MCSE", f"<= {MCSE_AGREEMENT:g}",
                        "pass" if c["difference_in_mcse"] <= MCSE_AGREEMENT else "MISS"))
    return BenchResult("exact", details, rows + exact.rows[2:])


# --- 4. sensitivity grid ----------------------------------------------------------------


def sensitivity_axes(size: int = SENSITIVITY_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Prior means (linear) and SDs (log-spaced) of the log OR, ``size`` each."""
    return (np.linspace(*SENSITIVITY_MEANS, size),
            np.geomspace(*SENSITIVITY_SDS, size))


def bench_sensitivity(trial: Trial, prior_set: PriorSet, repeats: int,
                      size: int = SENSITIVITY_SIZE) -> BenchResult:
    """Benchmark 4: one ``size`` x ``size`` sensitivity grid per outcome."""
    from models.sensitivity.prior_map import sensitivity_grid

    means, sds = sensitivity_axes(size)
    intercept = reference_prior(prior_set).logistic.intercept
    per_outcome = {}
    for outcome in trial.outcomes:
        say(f"sensitivity: {outcome}")
        counts = trial.outcome(outcome)
        seconds, times = median_time(lambda c=counts: sensitivity_grid(c, intercept, means, sds),
                                     repeats)
        per_outcome[outcome] = {"seconds": seconds, "times": times}
    details = {"repeats": repeats, "shape": [size, size], "means": list(SENSITIVITY_MEANS),
               "sds": list(SENSITIVITY_SDS), "intercept_prior": asdict(intercept),
               "outcomes": per_outcome}
    rows = [Row(LABELS["sensitivity"], f"{size} x {size} grid, {outcome}", d["seconds"], "s",
                f"< {SENSITIVITY_TARGET_S:g} s", below(d["seconds"], SENSITIVITY_TARGET_S))
            for outcome, d in per_outcome.items()]
    return BenchResult("sensitivity", details, rows)


# --- 5. make report end to end ----------------------------------------------------------


def bench_make_report(repeats: int) -> BenchResult:
    """Benchmark 5: ``python -m models report`` in a subprocess, cold vs warm cache."""
    details = cold_warm(render_subprocess, repeats, "make report")
    details["command"] = "python -m models report --priors data/priors.yml --output <tmp>"
    details["renderer"] = ("quarto" if shutil.which("quarto")
                           and os.environ.get("RENDERER") != "fallback" else "fallback")
    b, target = LABELS["make-report"], f"< {MAKE_REPORT_TARGET_S:g} s"
    rows = [Row(b, "make report, warm posterior cache", details["warm_s"], "s", target,
                below(details["warm_s"], MAKE_REPORT_TARGET_S)),
            Row(b, "make report, cold posterior cache", details["cold_s"], "s", target,
                below(details["cold_s"], MAKE_REPORT_TARGET_S))]
    return BenchResult("make-report", details, rows)


# --- output ---------------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or the platform's processor string)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine_info() -> dict[str, Any]:
    """Date, CPU count, Python and package versions of this run."""
    from models.core.provenance import PACKAGES, package_versions

    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu": cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": package_versions(PACKAGES + EXTRA_PACKAGES),
        "quarto_on_path": shutil.which("quarto") is not None,
    }


def load_average() -> list[float] | None:
    """1, 5 and 15-minute load averages (other work on the machine skews timings)."""
    return [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None


def payload(results: Sequence[BenchResult], repeats: Repeats, quick: bool,
            load_at_start: list[float] | None = None) -> dict[str, Any]:
    """The JSON document: machine, settings, detailed results and the table."""
    machine = machine_info()
    machine["load_average_at_start"] = load_at_start
    machine["load_average_at_end"] = load_average()
    return {
        "schema": SCHEMA_VERSION,
        "machine": machine,
        "quick": quick,
        "repeats": asdict(repeats),
        "sampler": DEFAULT_SAMPLER.as_dict(),
        "results": {r.name: r.details for r in results},
        "table": [asdict(row) for row in table_rows(results)],
    }


def write_json(document: Mapping[str, Any], path: Path = BENCH_FILE) -> Path:
    """Write ``document`` as indented JSON (atomically); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path


UNITS = {"s": "{:.2f} s", "ms": "{:.2f} ms", "x": "{:.1f}x", "MCSE": "{:.2f} MCSE"}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return UNITS.get(unit, "{:.3g} " + unit).format(value).strip()


def format_table(rows: Sequence[Row]) -> str:
    """A plain-text table: benchmark, what, value, target, verdict."""
    header = ("benchmark", "what", "value", "target", "verdict")
    cells = [header] + [(r.benchmark, r.what, format_value(r.value, r.unit), r.target or "-",
                         r.verdict) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(text.ljust(w) if i < 2 else text.rjust(w) if i == 2 else text.ljust(w)
                       for i, (text, w) in enumerate(zip(row, widths, strict=True))).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- command line ---------------------------------------------------------------------------


def run(names: Sequence[str], repeats: Repeats, trial: Trial,
        prior_set: PriorSet) -> list[BenchResult]:
    """Run the named benchmarks in a fixed order."""
    steps: dict[str, Callable[[], BenchResult]] = {
        "exact": lambda: bench_exact_vs_mcmc(trial, prior_set, repeats),
        "sensitivity": lambda: bench_sensitivity(trial, prior_set, repeats.sensitivity),
        "grid": lambda: bench_grid(trial, prior_set, repeats.grid),
        "render": lambda: bench_render(repeats.render),
        "make-report": lambda: bench_make_report(repeats.make_report),
    }
    return [run_step(name, steps[name]) for name in BENCHMARKS if name in names]


def run_step(name: str, step: Callable[[], BenchResult]) -> BenchResult:
    """Run one benchmark; a failure is recorded (row verdict ERROR), not fatal to the rest."""
    try:
        return step()
    except Exception as error:  # noqa: BLE001 - one broken benchmark must not lose the others
        message = f"{type(error).__name__}: {error}"
        print(f"bench: {name} failed: {message}", file=sys.stderr)
        first_line = message.splitlines()[0][:70]
        return BenchResult(name, {"error": message},
                           [Row(LABELS[name], f"failed ({first_line})", None, "", "", "ERROR")])


def table_rows(results: Sequence[BenchResult]) -> list[Row]:
    """All rows, grouped by benchmark number (stable within a benchmark)."""
    rows = [row for result in results for row in result.rows]
    return sorted(rows, key=lambda row: row.benchmark.split()[0])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="one repeat of every slow measurement (a smoke run)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="repeats of the slow measurements (grid, MCMC, renders)")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS),
                        help="run only these benchmarks")
    parser.add_argument("--output", type=Path, default=BENCH_FILE, help="JSON file to write")
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be >= 1")
    return args


def chosen_repeats(args: argparse.Namespace) -> Repeats:
    base = QUICK if args.quick else Repeats()
    if args.repeats is None:
        return base
    n = args.repeats
    return dataclasses.replace(base, grid=n, render=n, mcmc=n, make_report=n)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks, print the table, write the JSON."""
    args = parse_args(argv)
    configure_compile_cache()
    repeats = chosen_repeats(args)
    load_at_start = load_average()
    results = run(args.only, repeats, load_trial(), load_priors(DEFAULT_PRIORS_FILE))
    print(format_table(table_rows(results)))
    path = write_json(payload(results, repeats, args.quick, load_at_start), args.output)
    print(f"\nwritten: {path}")
    return 1 if any("error" in r.details for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
