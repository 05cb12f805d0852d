"""Repeated-simulation study: how well can a trial of n = 29 recover a hs-CRP interaction?

``R`` trials of 13 tocilizumab + 16 placebo participants are drawn from the generating
process (:data:`models.simulation.process.DEFAULT_PROCESS`, *unconditioned*: every outcome
observed, no matching to the published counts), and each is fitted with the compiled IPD
logistic model (:mod:`models.mcmc.interaction`) under one prior (the reference prior by
default). Against the true coefficients re-expressed on each data set's own
standardisation (:func:`models.simulation.process.truth_on_sample_scale`), the study
reports per coefficient:

- detection rate: share of trials with P(coefficient > 0) > 0.9;
- coverage: share of 95% intervals containing the truth;
- bias: mean of (posterior median - truth), log-odds scale; and RMSE;
- Monte Carlo standard errors of those (the study's own simulation error over ``R``).

The replicates run in parallel, over the machine's cores or on a Dask cluster
(:mod:`models.core.parallel`). Data set ``r`` is drawn from
``numpy.random.default_rng(SeedSequence(seed).spawn(R)[r])`` and sampled with seed
``settings.seed + r``, so the study is reproducible, the first ``k`` data sets do not
depend on ``R``, and the results do not depend on how many workers ran them.

Sampler: :data:`STUDY_SAMPLER` (4 chains x 1,000 draws after 1,000 tuning steps = 4,000
draws per fit) instead of the report's 8,000: ample for medians and 95% intervals of four
well-behaved coefficients, and 200 fits take well under a minute on 2 cores (about 0.15 s
per fit after a one-off compile of about 5 s). With 500 draws per chain, 4 of 200 fits
had split R-hat just above 1.01 from short chains alone, hence 1,000. Each fit's
diagnostics are stored so fits with problems can be counted.

Results are cached under ``<cache root>/simulation_study/`` (:mod:`models.simulation.
study_cache`: a CSV of per-trial results and a JSON of the configuration, summary and
timings), keyed by a hash of the configuration (process, ``R``, seed, arm sizes, outcome,
prior, sampler settings), the code that computes the study (this module and every project
module it imports, :func:`models.core.code_fingerprint.code_fingerprint`) and the package
versions; :func:`run_or_load` re-uses a valid cached result with the same key.
``python -m models.simulation.study`` regenerates it and prints the summary.
"""

import argparse
import functools
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models.core.cache_root import caching_disabled
from models.core.code_fingerprint import code_fingerprint
from models.core.parallel import parallel_map
from models.core.paths import DEFAULT_PRIORS_FILE
from models.core.progress import interactive, say
from models.core.provenance import package_versions
from models.data.ipd import ipd_data
from models.mcmc.diagnostics import Diagnostics, diagnose
from models.mcmc.interaction import sample_ipd
from models.mcmc.logistic_models import IPD_TERMS
from models.mcmc.sampling import SamplerSettings
from models.priors.prior_set import LogisticPrior
from models.priors.priors_file import load_priors
from models.simulation import study_cache
from models.simulation.process import (
    DEFAULT_PROCESS,
    GeneratingProcess,
    simulate_unconditioned,
    truth_on_sample_scale,
)

STUDY_SAMPLER = SamplerSettings(chains=4, draws=1000, tune=1000, target_accept=0.9,
                                seed=20261129)
"""4 chains x 1,000 draws (+ 1,000 tuning) per fit: see the module docstring."""

DEFAULT_REPLICATES = 200
DEFAULT_STUDY_SEED = 20261130
DETECTION_LEVEL = 0.9
"""A trial 'detects' a positive coefficient when P(coefficient > 0) exceeds this."""

PROGRESS_EVERY = 20
"""Replicates between progress messages (terminal only)."""


@dataclass(frozen=True)
class StudyConfig:
    """Everything that determines the study's numbers.

    Attributes
    ----------
    prior
        Logistic prior of the analysis model; ``prior_name`` labels it in output.
    process
        True data-generating process.
    replicates
        Number of simulated trials ``R``.
    seed
        Seed of the data sets (``SeedSequence(seed).spawn(R)``).
    outcome
        ``remission`` or ``response``.
    n_treatment, n_control
        Participants per simulated trial and arm (all with an outcome).
    settings
        Sampler settings per fit (fit ``r`` uses seed ``settings.seed + r``).
    """

    prior: LogisticPrior
    prior_name: str = "reference"
    process: GeneratingProcess = DEFAULT_PROCESS
    replicates: int = DEFAULT_REPLICATES
    seed: int = DEFAULT_STUDY_SEED
    outcome: str = "remission"
    n_treatment: int = 13
    n_control: int = 16
    settings: SamplerSettings = field(default=STUDY_SAMPLER)

    @classmethod
    def from_priors(cls, prior_name: str = "reference",
                    priors_file: Path | str = DEFAULT_PRIORS_FILE,
                    **overrides: Any) -> "StudyConfig":
        """A configuration with the named prior from a priors file."""
        prior = load_priors(priors_file).get(prior_name).logistic
        return cls(prior=prior, prior_name=prior_name, **overrides)

    def as_dict(self) -> dict[str, Any]:
        return {
            "prior_name": self.prior_name,
            "prior": asdict(self.prior),
            "process": asdict(self.process),
            "replicates": self.replicates,
            "seed": self.seed,
            "outcome": self.outcome,
            "n_treatment": self.n_treatment,
            "n_control": self.n_control,
            "settings": self.settings.as_dict(),
        }


def cache_key(config: StudyConfig) -> str:
    """16 hex digits of SHA-256 over the configuration, the study's code and the package
    versions (see the module docstring)."""
    payload = {"config": config.as_dict(), "versions": package_versions(),
               "code": code_fingerprint([__name__])}
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- one replicate --------------------------------------------------------------------


def simulated_trial(config: StudyConfig, replicate: int) -> pd.DataFrame:
    """Data set number ``replicate`` (0-based) of the study (independent of ``R``)."""
    seeds = np.random.SeedSequence(config.seed).spawn(replicate + 1)
    rng = np.random.default_rng(seeds[replicate])
    return simulate_unconditioned(config.process, config.n_treatment, config.n_control, rng)


def fit_replicate(config: StudyConfig, replicate: int,
                  ipd: pd.DataFrame) -> dict[str, int | float | bool]:
    """Fit one simulated trial; one flat record of truth, estimates and diagnostics."""
    data = ipd_data(ipd, config.outcome)
    truth = truth_on_sample_scale(config.process, ipd)[config.outcome]
    settings = replace(config.settings, seed=config.settings.seed + replicate)
    idata = sample_ipd(config.prior, data, settings, use_cache=False)
    posterior = idata["posterior"].to_dataset()
    counts = data.arm_counts()
    record: dict[str, int | float | bool] = {
        "replicate": replicate,
        "events_treatment": counts.treatment.events,
        "events_control": counts.control.events,
    }
    for term in IPD_TERMS:
        draws = posterior[term].values.reshape(-1)
        lower, median, upper = np.quantile(draws, [0.025, 0.5, 0.975])
        true = float(truth[term])
        record.update({
            f"{term}_truth": true,
            f"{term}_median": float(median),
            f"{term}_lower": float(lower),
            f"{term}_upper": float(upper),
            f"{term}_sd": float(draws.std(ddof=1)),
            f"{term}_p_positive": float((draws > 0).mean()),
            f"{term}_covered": bool(lower <= true <= upper),
        })
    diagnostics = diagnose(idata, list(IPD_TERMS))
    record.update({f"diag_{key}": value for key, value in diagnostics.as_dict().items()})
    return record


def simulate_and_fit(config: StudyConfig, replicate: int) -> dict[str, int | float | bool]:
    """Draw data set ``replicate`` and fit it: one replicate, as a worker runs it."""
    return fit_replicate(config, replicate, simulated_trial(config, replicate))


def run_study(config: StudyConfig) -> pd.DataFrame:
    """Simulate and fit all ``config.replicates`` trials, in parallel over the machine's
    cores or on a Dask cluster (:func:`models.core.parallel.parallel_map`); one row per
    trial, in replicate order, the same numbers however many workers ran them."""
    rows = parallel_map(functools.partial(simulate_and_fit, config), range(config.replicates),
                        what="simulation study: trials fitted", progress_every=PROGRESS_EVERY)
    return pd.DataFrame(rows)


# --- summary ------------------------------------------------------------------------


def _rate(values: pd.Series) -> tuple[float, float]:
    """Share of True and its binomial Monte Carlo SE."""
    p = float(values.mean())
    return p, float(np.sqrt(p * (1 - p) / values.size))


def summarise_study(replicates: pd.DataFrame, terms: Sequence[str] = IPD_TERMS,
                    level: float = DETECTION_LEVEL) -> pd.DataFrame:
    """Per coefficient: detection rate, 95% coverage, bias, RMSE (with MC standard errors).

    Columns: ``term``; ``truth_mean`` (mean true value on the sample scale, which varies a
    little between trials); ``detection`` = share with P(coef > 0) > ``level`` and
    ``detection_mcse``; ``coverage95`` and ``coverage_mcse``; ``bias`` = mean(median -
    truth) and ``bias_mcse``; ``rmse``; ``mean_interval_width``; ``mean_posterior_sd``.
    All on the log-odds scale.
    """
    rows = []
    for term in terms:
        error = replicates[f"{term}_median"] - replicates[f"{term}_truth"]
        detection, detection_se = _rate(replicates[f"{term}_p_positive"] > level)
        coverage, coverage_se = _rate(replicates[f"{term}_covered"].astype(bool))
        rows.append({
            "term": term,
            "truth_mean": float(replicates[f"{term}_truth"].mean()),
            "detection": detection,
            "detection_mcse": detection_se,
            "coverage95": coverage,
            "coverage_mcse": coverage_se,
            "bias": float(error.mean()),
            "bias_mcse": float(error.std(ddof=1) / np.sqrt(error.size)),
            "rmse": float(np.sqrt((error**2).mean())),
            "mean_interval_width": float(
                (replicates[f"{term}_upper"] - replicates[f"{term}_lower"]).mean()),
            "mean_posterior_sd": float(replicates[f"{term}_sd"].mean()),
        })
    return pd.DataFrame(rows)


def fits_with_problems(replicates: pd.DataFrame) -> int:
    """Number of fits failing any check of :class:`Diagnostics` (R-hat, bulk and tail ESS,
    divergences, E-BFMI, tree depth; an undefined value fails), from the ``diag_`` columns."""
    names = [item.name for item in fields(Diagnostics)]
    rows = replicates[[f"diag_{name}" for name in names]].itertuples(index=False, name=None)
    return sum(not Diagnostics(**dict(zip(names, row, strict=True))).ok for row in rows)


# --- cache ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyResult:
    """A study's per-trial results, summary and provenance.

    Attributes
    ----------
    config
        What was run.
    key
        Cache key (:func:`cache_key`).
    replicates
        One row per simulated trial (see :func:`fit_replicate`).
    summary
        :func:`summarise_study` of ``replicates``.
    elapsed_seconds
        Wall time of the run that produced the numbers (compile included if it happened
        in that run), and ``seconds_per_fit`` = that time / R.
    problem_fits
        Fits failing a diagnostic (:func:`fits_with_problems`).
    from_cache
        True when loaded from disk rather than computed now.
    csv_path, json_path
        The cache files (not written when caching is turned off).
    """

    config: StudyConfig
    key: str
    replicates: pd.DataFrame = field(repr=False)
    summary: pd.DataFrame
    elapsed_seconds: float
    seconds_per_fit: float
    problem_fits: int
    from_cache: bool
    csv_path: Path
    json_path: Path


def replicate_columns() -> list[str]:
    """The columns of the per-trial table (:func:`fit_replicate`), in order."""
    columns = ["replicate", "events_treatment", "events_control"]
    for term in IPD_TERMS:
        columns += [f"{term}_{part}" for part in
                    ("truth", "median", "lower", "upper", "sd", "p_positive", "covered")]
    return columns + [f"diag_{item.name}" for item in fields(Diagnostics)]


def run_or_load(config: StudyConfig | None = None, cache_dir: Path | str | None = None,
                refresh: bool = False) -> StudyResult:
    """The study for ``config`` (reference prior, 200 trials by default), from the cache
    when a valid result with the same key exists (unless ``refresh``), else computed and
    saved. ``cache_dir`` defaults to :func:`models.simulation.study_cache.study_cache_dir`;
    with ``REANALYSIS_NO_CACHE=1`` nothing is read or written."""
    config = config or StudyConfig.from_priors()
    directory = Path(cache_dir) if cache_dir is not None else study_cache.study_cache_dir()
    key = cache_key(config)
    csv_path, json_path = study_cache.paths(directory, key)
    use_cache = not caching_disabled()
    if use_cache and not refresh:
        cached = study_cache.load(directory, key, replicate_columns(), config.replicates)
        if cached is not None:
            return StudyResult(config, key, cached.replicates,
                               summarise_study(cached.replicates), cached.elapsed_seconds,
                               cached.seconds_per_fit, cached.problem_fits, True, csv_path,
                               json_path)
    start = time.perf_counter()
    replicates = run_study(config)
    elapsed = time.perf_counter() - start
    result = StudyResult(config, key, replicates, summarise_study(replicates), elapsed,
                         elapsed / config.replicates, fits_with_problems(replicates), False,
                         csv_path, json_path)
    if use_cache:
        computed = study_cache.CachedStudy(replicates, elapsed, result.seconds_per_fit,
                                           result.problem_fits)
        description = {"config": config.as_dict(), "versions": package_versions(),
                       "summary": result.summary.to_dict(orient="records")}
        study_cache.save(directory, key, computed, description)
    return result


# --- command line ---------------------------------------------------------------------


def format_summary(result: StudyResult) -> str:
    """Plain-text summary of a study for the terminal."""
    c = result.config
    lines = [
        f"Simulation study: {c.replicates} unconditioned trials of {c.n_treatment} + "
        f"{c.n_control} ({c.outcome}), prior {c.prior_name}, seed {c.seed}",
        f"  sampler per fit: {c.settings.chains} chains x {c.settings.draws} draws "
        f"(tune {c.settings.tune}); {result.problem_fits} fits with a diagnostic problem",
        f"  time: {result.elapsed_seconds:.1f} s ({result.seconds_per_fit:.2f} s per fit)"
        + (" [cached]" if result.from_cache else ""),
        f"  cache: {result.json_path}",
        "",
        f"  {'term':<12}{'truth':>8}{'P(>0)>0.9':>11}{'cover95':>9}{'bias':>8}{'rmse':>8}",
    ]
    for row in result.summary.itertuples():
        lines.append(f"  {row.term:<12}{row.truth_mean:>8.3f}{row.detection:>11.3f}"
                     f"{row.coverage95:>9.3f}{row.bias:>8.3f}{row.rmse:>8.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m models.simulation.study``: regenerate the cached study and summarise it."""
    parser = argparse.ArgumentParser(prog="python -m models.simulation.study",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=DEFAULT_REPLICATES)
    parser.add_argument("--seed", type=int, default=DEFAULT_STUDY_SEED)
    parser.add_argument("--prior", default="reference")
    parser.add_argument("--priors", default=str(DEFAULT_PRIORS_FILE))
    parser.add_argument("--outcome", default="remission", choices=["remission", "response"])
    parser.add_argument("--cached", action="store_true",
                        help="re-use a cached result with the same key instead of regenerating")
    args = parser.parse_args(argv)
    if args.replicates < 2:
        parser.error("--replicates must be >= 2")
    from models.core.errors import InputError

    try:
        config = StudyConfig.from_priors(args.prior, args.priors, replicates=args.replicates,
                                         seed=args.seed, outcome=args.outcome)
    except InputError as error:
        print(f"simulation_study: error: {error}", file=sys.stderr)
        return 2
    if interactive():
        say(f"running {config.replicates} fits (key {cache_key(config)})...")
    result = run_or_load(config, refresh=not args.cached)
    print(format_summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
