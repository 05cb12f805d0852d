"""``reanalysis fit --model logistic``: the logistic fits as one JSON-ready dictionary.

Without ``--ipd`` the aggregate model is fitted to the trial's (or ``--treatment`` /
``--control``) counts. With ``--ipd FILE`` the IPD model with a treatment x hs-CRP
interaction is fitted to the complete cases of ``--outcome`` in that file; its effect
measures (``p_benefit``, ``risk_difference``, ...) are then *marginal*: averaged over the
complete cases' own hs-CRP values (see :func:`models.logistic.marginal_rates`).
"""

import argparse
import math
from typing import Any

from models.core.errors import InputError

CRP_FLAG = "--crp"


def _key(value: float) -> str:
    """JSON key of a number: shortest form (``0.1``, ``3``, ``12.5``)."""
    return f"{value:g}"


def parse_crp_values(text: str | None) -> tuple[float, ...]:
    """hs-CRP values in mg/L from ``--crp`` (comma-separated positive numbers).

    ``None`` gives :data:`models.logistic.DEFAULT_CRP_VALUES` (3, 5, 10 mg/L).
    """
    from models.mcmc.logistic import DEFAULT_CRP_VALUES

    if text is None:
        return DEFAULT_CRP_VALUES
    values = []
    for part in text.split(","):
        item = part.strip()
        try:
            value = float(item)
        except ValueError:
            raise InputError(CRP_FLAG, "must be positive numbers in mg/L separated by commas "
                             f"(e.g. 3,5,10), got {text!r}") from None
        if not (math.isfinite(value) and value > 0):
            raise InputError(CRP_FLAG, f"must be positive finite numbers (hs-CRP in mg/L), "
                             f"got {item!r}")
        values.append(value)
    return tuple(values)


def _interval(interval: Any) -> dict[str, Any]:
    return interval.as_dict()


def _effects(summary: Any) -> dict[str, Any]:
    """P(benefit), P(ARD > d) and the three interval measures of a EffectSummary."""
    return {
        "p_benefit": summary.p_benefit.estimate,
        "mcse_p_benefit": summary.p_benefit.mcse,
        "p_ard_greater": {_key(d): p.estimate for d, p in summary.p_ard_greater.items()},
        "mcse_p_ard_greater": {_key(d): p.mcse for d, p in summary.p_ard_greater.items()},
        "odds_ratio": _interval(summary.odds_ratio),
        "risk_ratio": _interval(summary.risk_ratio),
        "risk_difference": _interval(summary.risk_difference),
    }


def _fit_info(result: Any) -> dict[str, Any]:
    return {
        "diagnostics": result.diagnostics.as_dict(),
        "diagnostics_ok": result.diagnostics.ok,
        "sampler": result.settings.as_dict(),
    }


def trial_counts(args: argparse.Namespace) -> Any:
    """The ``--outcome`` counts of ``--trial``, with ``--treatment``/``--control`` applied."""
    from models.data.trial import load_trial, parse_fraction

    outcome = load_trial(args.trial).outcome(args.outcome)
    treatment = parse_fraction(args.treatment, "--treatment") if args.treatment else None
    control = parse_fraction(args.control, "--control") if args.control else None
    return outcome.with_counts(treatment, control)


def _aggregate(args: argparse.Namespace, prior: Any) -> dict[str, Any]:
    from models.core.progress import interactive, say
    from models.mcmc.logistic import fit_aggregate

    counts = trial_counts(args)
    say(f"sampling logistic posterior ({counts.name}, prior {prior.name})...")
    result = fit_aggregate(prior.logistic, counts, progress=interactive())
    out = {
        "counts": {"treatment": str(counts.treatment), "control": str(counts.control)},
        **_effects(result.summary),
        # P(OR > 1) from the log OR draws (identical to P(ARD > 0) draw by draw).
        "p_benefit": result.p_benefit.estimate,
        "mcse_p_benefit": result.p_benefit.mcse,
        "log_odds_ratio": _interval(result.log_odds_ratio),
        **_fit_info(result),
    }
    return {"outcome": counts.name, **out}


def _ipd(args: argparse.Namespace, prior: Any) -> dict[str, Any]:
    from models.core.progress import interactive, say
    from models.data.ipd import load_ipd
    from models.mcmc.logistic import fit_ipd

    for flag, value in (("--treatment", args.treatment), ("--control", args.control)):
        if value:
            raise InputError(flag, "cannot be combined with --ipd (the counts come from the "
                             "individual data)")
    crp_values = parse_crp_values(args.crp)
    ipd = load_ipd(args.ipd)
    say(f"sampling logistic IPD posterior ({args.outcome}, prior {prior.name})...")
    try:
        result = fit_ipd(prior.logistic, ipd, args.outcome, progress=interactive())
    except InputError as error:
        if error.field == "outcome":
            raise InputError("--outcome", error.message) from None
        raise
    counts = result.data.arm_counts()
    at_crp = result.p_benefit_at(crp_values)
    return {
        "outcome": args.outcome,
        "ipd": str(args.ipd),
        "n": result.data.n,
        "counts": {"treatment": str(counts.treatment), "control": str(counts.control)},
        "effects_scale": "marginal over the complete cases' hs-CRP",
        **_effects(result.marginal),
        "p_benefit_at_mean_crp": result.p_treatment_positive.estimate,
        "mcse_p_benefit_at_mean_crp": result.p_treatment_positive.mcse,
        "coefficients": {term: _interval(i) for term, i in result.coefficients.items()},
        "interaction": {**_interval(result.interaction),
                        "p_greater_0": result.p_interaction_positive.estimate,
                        "mcse_p_greater_0": result.p_interaction_positive.mcse},
        "p_benefit_at_crp": {_key(c): p.estimate for c, p in at_crp.items()},
        "mcse_p_benefit_at_crp": {_key(c): p.mcse for c, p in at_crp.items()},
        "crp_p_benefit_0.9": result.crp_p_benefit_90,
        "standardisation": result.data.standardisation(),
        **_fit_info(result),
    }


def fit_logistic(args: argparse.Namespace) -> dict[str, Any]:
    """One logistic fit as a JSON-ready dict (aggregate, or IPD with ``--ipd``).

    ``args`` carries ``prior``, ``priors``, ``outcome``, ``trial``, ``treatment``,
    ``control``, ``ipd`` and ``crp`` as parsed by :mod:`models.cli.main`.
    """
    from models.priors.priors_file import load_priors

    if args.crp is not None and not args.ipd:
        raise InputError(CRP_FLAG, "needs --ipd (hs-CRP effects come from the IPD model)")
    prior = load_priors(args.priors).get(args.prior)
    head = {"model": "logistic", "prior": prior.name, "prior_label": prior.label,
            "method": "mcmc"}
    body = _ipd(args, prior) if args.ipd else _aggregate(args, prior)
    return {**head, **body}
