"""``reanalysis priors map --historical FILE [--tau-sd S] [--json]``: a MAP prior for the
control rate from historical control arms, printed as YAML to paste into a priors file.

The hierarchical model is sampled (:mod:`models.mcmc.map_prior`), a Beta mixture is fitted
to its predictive draws of a new trial's control rate (:mod:`models.priors.beta_mixture_fit`)
and a normal to the same draws on the log-odds scale (the logistic models' intercept
prior). Both fits state their quality (Kolmogorov-Smirnov distance to the draws), the
mixture its effective sample size. Text from the input file (study names, sources) is never
written into the YAML comments: a line break in it could otherwise end a comment.
"""

import argparse
import json
import math
import re
from typing import Any

from models.core.errors import InputError
from models.exact.success_rule import parse_number

MAP_PRIOR_DIGITS = 4
"""Significant digits of the printed mixture and normal parameters."""


def _tau_sd(value: object) -> float:
    number = parse_number(value)
    if not (math.isfinite(number) and number > 0):
        raise InputError("--tau-sd", f"must be a number > 0 (the half-normal scale of the "
                         f"between-trial SD, log-odds), got {str(value).strip()!r}")
    return number


def _plain(text: str) -> str:
    """A file name safe inside a YAML comment: printable ASCII only."""
    return re.sub(r"[^ -~]", "?", text)


def map_result(args: argparse.Namespace) -> dict[str, Any]:
    """Everything ``priors map`` reports, as JSON-ready data."""
    import numpy as np
    from scipy import stats

    from models.core.progress import interactive, say
    from models.data.historical import load_historical
    from models.mcmc.map_prior import MEAN_PRIOR_SD, fit_map
    from models.priors.beta_mixture_fit import auto_fit, fit_quality
    from models.priors.ess import ess_elir, ess_moment

    if args.priors is not None:
        raise InputError("--priors", "does not apply to 'priors map' (the prior is derived "
                         "from --historical)")
    tau_sd = _tau_sd(args.tau_sd)
    controls = load_historical(args.historical)
    say(f"sampling the MAP model ({len(controls.studies)} historical control arms)...")
    fit = fit_map(controls, tau_sd=tau_sd, progress=interactive())
    best, tried = auto_fit(fit.rate_draws)
    quality = fit_quality(best.mixture, fit.rate_draws)
    log_odds = fit.log_odds_draws
    normal_mean, normal_sd = float(log_odds.mean()), float(log_odds.std())
    normal_ks = float(stats.kstest(log_odds, stats.norm(normal_mean, normal_sd).cdf).statistic)
    rates = fit.rate_draws
    return {
        "historical": {"file": str(controls.path), "sha256": controls.sha256,
                       "studies": [{"study": a.study, "events": a.events, "n": a.n,
                                    "source": a.source} for a in controls.studies]},
        "model": {"mean_log_odds_prior": {"mean": 0.0, "sd": MEAN_PRIOR_SD},
                  "tau_prior": {"half_normal_sd": tau_sd}},
        "predictive": {"draws": int(rates.size), "mean": float(rates.mean()),
                       "sd": float(rates.std()),
                       "interval95": [float(q) for q in np.quantile(rates, [0.025, 0.975])],
                       "tau_median": float(np.median(fit.tau_draws))},
        "diagnostics": fit.diagnostics.as_dict(), "diagnostics_ok": fit.diagnostics.ok,
        "sampler": fit.settings.as_dict(),
        "mixture": [{"weight": w, "alpha": c.alpha, "beta": c.beta}
                    for w, c in zip(best.mixture.weights, best.mixture.components,
                                    strict=True)],
        "mixture_fit": {"components": len(best.mixture.components), "converged": best.converged,
                        "ks_distance": quality.ks_distance,
                        "mean": quality.mixture_mean, "sd": quality.mixture_sd,
                        "quantiles": dict(zip(["0.025", "0.25", "0.5", "0.75", "0.975"],
                                              quality.mixture_quantiles, strict=True)),
                        "draws_quantiles": dict(zip(["0.025", "0.25", "0.5", "0.75", "0.975"],
                                                    quality.draws_quantiles, strict=True)),
                        "criterion_by_components": {str(len(f.mixture.components)): f.criterion
                                                    for f in tried}},
        "ess": {"elir": ess_elir(best.mixture), "moment": ess_moment(best.mixture)},
        "intercept": {"mean": normal_mean, "sd": normal_sd, "ks_distance": normal_ks},
    }


def _g(value: float) -> str:
    return f"{value:.{MAP_PRIOR_DIGITS}g}"


def map_yaml(result: dict[str, Any]) -> str:
    """The ready-to-paste YAML with its provenance and fit quality as comments."""
    predictive, fit = result["predictive"], result["mixture_fit"]
    low, high = predictive["interval95"]
    diagnostics = result["diagnostics"]
    lines = [
        f"# MAP prior for the control rate from {len(result['historical']['studies'])} "
        f"historical control arms ({_plain(result['historical']['file'])}, sha256 "
        f"{result['historical']['sha256'][:12]}).",
        "# Model: events_i ~ Binomial(n_i, expit(mu + tau * eta_i)), eta_i ~ N(0, 1); "
        f"mu ~ N(0, {_g(result['model']['mean_log_odds_prior']['sd'])}), "
        f"tau ~ HalfNormal({_g(result['model']['tau_prior']['half_normal_sd'])}).",
        f"# A new trial's control rate: mean {predictive['mean']:.3f}, SD "
        f"{predictive['sd']:.3f}, 95% interval {low:.3f} to {high:.3f} "
        f"({predictive['draws']:,} draws; median between-trial SD {predictive['tau_median']:.2f}"
        " on the log-odds scale).",
        f"# Sampler: R-hat max {diagnostics['rhat_max']:.3f}, bulk ESS min "
        f"{diagnostics['ess_bulk_min']:.0f}, {diagnostics['divergences']} divergences"
        + ("." if result["diagnostics_ok"] else
           " -- WARNING: diagnostics failed; do not use this prior before resampling."),
        f"# Beta mixture (EM, {fit['components']} components by penalised deviance): "
        f"Kolmogorov-Smirnov distance {fit['ks_distance']:.4f} to the draws, 95% interval "
        f"{fit['quantiles']['0.025']:.3f} to {fit['quantiles']['0.975']:.3f}; worth "
        f"{result['ess']['elir']:.0f} participants (ELIR), {result['ess']['moment']:.0f} "
        "(moment).",
        f"# Normal on the log-odds (the logistic intercept prior): Kolmogorov-Smirnov "
        f"distance {result['intercept']['ks_distance']:.4f}.",
        "# Replace a named prior's control-arm Beta and intercept prior with these lines:",
        "beta_binomial:",
        "  control:",
        "    mixture:",
        *(f"      - {{weight: {_g(c['weight'])}, alpha: {_g(c['alpha'])}, "
          f"beta: {_g(c['beta'])}}}" for c in result["mixture"]),
        "logistic:",
        f"  intercept: {{mean: {_g(result['intercept']['mean'])}, "
        f"sd: {_g(result['intercept']['sd'])}}}",
    ]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> None:
    """``reanalysis priors map``."""
    result = map_result(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(map_yaml(result), end="")
