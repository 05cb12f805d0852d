"""Benchmark 7: the hs-CRP interaction model against Bambi, side by side.

What a Python user would otherwise write: Bambi (``bambi.Model("remission ~ treated * z",
family="bernoulli", center_predictors=False)``, so that the intercept is at placebo and
mean log hs-CRP, as ours) with the same four priors per named prior (a robust prior's log-OR
mixture as a ``NormalMixture`` prior), fitted with Bambi's default sampler (PyMC's NUTS) at
the same chains, draws, tuning steps, target acceptance and seed as the report's
interaction fits (:func:`models.mcmc.sampling.interaction_settings`). Both sides fit the
SIMULATED individual data's remission complete cases, with log hs-CRP standardised as the
report does (:func:`models.data.ipd.ipd_data`), and both return draws of the four
coefficients; neither reads a disk cache.

- **Ours**: :func:`models.mcmc.interaction.sample_ipd`, every prior of the default priors
  file in turn, starting from no compiled structure in the process (``sampling._COMPILED``
  emptied), so the total includes the one compile per structure (plain and robust). The
  time of each *extra* prior is the median over the priors whose structure was already
  compiled.
- **Bambi**: ``Model(...)`` + ``fit(...)`` per prior (it builds and compiles a model every
  time).

Targets: total time (compile included) at least 3x faster; each extra prior at least 10x
faster. The posterior medians of the treatment and interaction coefficients of the two sides
are reported beside the times, as the check that they fit the same model.
"""

import statistics
import time
from typing import Any

import numpy as np

from benchmarks.common import LABELS, BenchResult, Row, at_least
from models.core.paths import SIMULATED_IPD_FILE
from models.core.progress import say
from models.core.scoped import quiet_logger
from models.data.ipd import IpdData, ipd_data, load_ipd
from models.mcmc import sampling
from models.mcmc.interaction import sample_ipd
from models.mcmc.logistic_models import IPD_TERMS
from models.priors.prior_set import NamedPrior, PriorSet

BAMBI_OUTCOME = "remission"
TOTAL_TARGET = 3.0
EXTRA_PRIOR_TARGET = 10.0
BAMBI_TERMS = {"intercept": "Intercept", "treatment": "treated", "biomarker": "z",
               "interaction": "treated:z"}
"""Our coefficient names -> Bambi's for the formula ``remission ~ treated * z``."""


def bambi_priors(prior: NamedPrior) -> dict[str, Any]:
    """The named prior's four coefficient priors as Bambi priors (log-odds scale)."""
    import bambi as bmb

    priors = {BAMBI_TERMS[term]: bmb.Prior("Normal", mu=normal.mean, sigma=normal.sd)
              for term, normal in zip(IPD_TERMS, (prior.logistic.intercept,
                                                   prior.logistic.treatment,
                                                   prior.logistic.biomarker,
                                                   prior.logistic.interaction), strict=True)}
    if prior.robust is not None:
        mixture = prior.log_odds_ratio_mixture
        priors[BAMBI_TERMS["treatment"]] = bmb.Prior(
            "NormalMixture", w=np.array(mixture.weights),
            mu=np.array([c.mean for c in mixture.components]),
            sigma=np.array([c.sd for c in mixture.components]))
    return priors


def fit_bambi(prior: NamedPrior, data: IpdData,
              settings: sampling.SamplerSettings) -> dict[str, float]:
    """Bambi's fit of the interaction model; posterior medians of our four terms."""
    import bambi as bmb
    import pandas as pd

    frame = pd.DataFrame({"remission": data.y.astype(int), "treated": data.treated,
                          "z": data.z})
    # Bambi centres predictors by default, which moves its intercept (and so what the
    # intercept prior speaks of) to the mean of the design; ours is at treated = 0, z = 0.
    model = bmb.Model("remission ~ treated * z", frame, family="bernoulli",
                      priors=bambi_priors(prior), center_predictors=False)
    idata = model.fit(draws=settings.draws, tune=settings.tune, chains=settings.chains,
                      cores=settings.chains, target_accept=settings.target_accept,
                      random_seed=settings.seed, progressbar=False)
    posterior = idata["posterior"]
    return {term: float(np.median(posterior[name].values))
            for term, name in BAMBI_TERMS.items()}


def fit_ours(prior: NamedPrior, data: IpdData,
             settings: sampling.SamplerSettings) -> dict[str, float]:
    """Our compiled interaction model; posterior medians of the four terms."""
    mixture = prior.log_odds_ratio_mixture if prior.robust is not None else None
    idata = sample_ipd(prior.logistic, data, settings, use_cache=False, mixture=mixture)
    posterior = idata["posterior"]
    return {term: float(np.median(posterior[term].values)) for term in IPD_TERMS}


def bench_bambi(prior_set: PriorSet) -> BenchResult:
    """Every named prior fitted by both sides, ours first from an empty compile table."""
    data = ipd_data(load_ipd(SIMULATED_IPD_FILE), BAMBI_OUTCOME)
    settings = sampling.interaction_settings(sampling.DEFAULT_SAMPLER)
    sampling._COMPILED.clear()  # noqa: SLF001 - the one compile per structure is timed
    ours: dict[str, float] = {}
    extra: list[float] = []
    medians: dict[str, dict[str, dict[str, float]]] = {}
    for name in prior_set.names:
        prior = prior_set.get(name)
        structures = len(sampling._COMPILED)  # noqa: SLF001
        say(f"bench bambi: ours, {name}")
        start = time.perf_counter()
        medians[name] = {"ours": fit_ours(prior, data, settings)}
        ours[name] = time.perf_counter() - start
        if len(sampling._COMPILED) == structures:  # noqa: SLF001 - nothing compiled: extra
            extra.append(ours[name])
    bambi: dict[str, float] = {}
    with quiet_logger("pymc"), quiet_logger("bambi"):
        for name in prior_set.names:
            say(f"bench bambi: Bambi, {name}")
            start = time.perf_counter()
            medians[name]["bambi"] = fit_bambi(prior_set.get(name), data, settings)
            bambi[name] = time.perf_counter() - start
    total_ours, total_bambi = sum(ours.values()), sum(bambi.values())
    extra_ours = statistics.median(extra) if extra else float("nan")
    per_prior_bambi = statistics.median(bambi.values())
    total_ratio = total_bambi / total_ours
    extra_ratio = per_prior_bambi / extra_ours
    largest_gap = max(abs(m["ours"][term] - m["bambi"][term])
                      for m in medians.values() for term in ("treatment", "interaction"))
    label = LABELS["bambi"]
    priors = len(prior_set.names)
    rows = [
        Row(label, f"ours: {priors} priors, compile included", total_ours, "s"),
        Row(label, f"Bambi: {priors} priors", total_bambi, "s"),
        Row(label, "ratio Bambi / ours, total", total_ratio, "x",
            f">= {TOTAL_TARGET:g}x", at_least(total_ratio, TOTAL_TARGET)),
        Row(label, "ours: each extra prior (compiled)", extra_ours, "s"),
        Row(label, "Bambi: each prior", per_prior_bambi, "s"),
        Row(label, "ratio Bambi / ours, each extra prior", extra_ratio, "x",
            f">= {EXTRA_PRIOR_TARGET:g}x", at_least(extra_ratio, EXTRA_PRIOR_TARGET)),
        Row(label, "largest |median ours - Bambi|, treatment and interaction (log OR)",
            largest_gap, ""),
    ]
    details = {"settings": settings.as_dict(), "outcome": BAMBI_OUTCOME,
               "participants": int(data.n), "ours_seconds": ours, "bambi_seconds": bambi,
               "extra_prior_seconds": extra, "posterior_medians": medians,
               "total_ratio": total_ratio, "extra_prior_ratio": extra_ratio}
    return BenchResult("bambi", details, rows)
