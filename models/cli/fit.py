"""``reanalysis fit``: one model, one outcome, one prior, as a JSON-ready dictionary.

- ``--model normal``: the conjugate normal-normal model of the log odds ratio from the
  counts (Woolf standard error; :mod:`models.exact.normal_normal`), closed form.
- ``--model beta-binomial``: the exact conjugate answer (:func:`models.exact.beta_binomial.
  fit_exact`), or PyMC's with ``--mcmc`` (checked against the exact P(benefit)).
- ``--model logistic``: the aggregate model on the trial's (or ``--treatment`` /
  ``--control``) counts, exact by deterministic integration
  (:class:`models.exact.logistic_posterior.LogisticPosterior`), or PyMC's with ``--mcmc``
  (beside the exact P(benefit)); with ``--ipd FILE`` the hs-CRP x treatment interaction model on
  the complete cases of ``--outcome`` in that file, whose effect measures (``p_benefit``,
  ``risk_difference``, ...) are then *marginal*: averaged over the complete cases' own
  hs-CRP values (:func:`models.mcmc.crp_effects.marginal_rates`).

Heavy libraries (scipy, PyMC) are imported only by the fit that needs them, so the
command starts quickly. Probabilities are on 0-1, ARD in proportion units, RR and OR as
ratios; thresholds and hs-CRP values are JSON keys in their shortest form (``"0.1"``).
"""

import argparse
import json
import math
from typing import TYPE_CHECKING, Any

from models.core.errors import InputError
from models.core.types import EffectSummary
from models.report import format as fmt

if TYPE_CHECKING:
    from models.core.direction import Direction
    from models.data.trial import OutcomeCounts
    from models.exact.beta_mixture import MixtureArms
    from models.mcmc.diagnostics import Diagnostics
    from models.mcmc.sampling import SamplerSettings
    from models.priors.prior_set import NamedPrior

CRP_FLAG = "--crp"


def number_key(value: float) -> str:
    """JSON key of a number: shortest form (``0.1``, ``3``, ``12.5``)."""
    return f"{value:g}"


def trial_counts(args: argparse.Namespace) -> "OutcomeCounts":
    """The ``--outcome`` counts of ``--trial``, with ``--treatment``/``--control`` (``X/N``,
    :func:`models.data.trial.parse_fraction`) replacing an arm's counts."""
    from models.core.paths import TRIAL_COUNTS_FILE
    from models.data.trial import load_trial

    return with_cli_counts(args, load_trial(args.trial or TRIAL_COUNTS_FILE).outcome(args.outcome))


def with_cli_counts(args: argparse.Namespace, outcome: "OutcomeCounts") -> "OutcomeCounts":
    """``outcome`` with ``--treatment``/``--control`` replacing an arm's counts."""
    from models.data.trial import parse_fraction

    treatment = parse_fraction(args.treatment, "--treatment") if args.treatment else None
    control = parse_fraction(args.control, "--control") if args.control else None
    return outcome.with_counts(treatment, control)


def effects_json(summary: EffectSummary, direction: "Direction" = "higher") -> dict[str, Any]:
    """P(benefit), P(benefit of more than d), OR, RR and ARD of a summary; the ``mcse_*``
    fields only for a sampled (``method="mcmc"``) summary.

    ``p_benefit_greater`` follows the outcome's ``direction`` (P(ARD > d), or P(ARD < -d)
    when fewer events is better); when more events is better the same numbers are also
    given under their earlier key ``p_ard_greater`` (P(ARD > d) literally).
    """
    sampled = summary.method == "mcmc"
    out: dict[str, Any] = {"direction": direction, "p_benefit": summary.p_benefit.estimate}
    if sampled:
        out["mcse_p_benefit"] = summary.p_benefit.mcse
    greater = {number_key(d): p.estimate for d, p in summary.p_benefit_greater.items()}
    out["p_benefit_greater"] = greater
    if direction == "higher":
        out["p_ard_greater"] = dict(greater)
    if sampled:
        out["mcse_p_benefit_greater"] = {number_key(d): p.mcse
                                         for d, p in summary.p_benefit_greater.items()}
    out.update(odds_ratio=summary.odds_ratio.as_dict(), risk_ratio=summary.risk_ratio.as_dict(),
               risk_difference=summary.risk_difference.as_dict())
    return out


def sampler_json(diagnostics: "Diagnostics", settings: "SamplerSettings") -> dict[str, Any]:
    """Convergence diagnostics, whether they pass, and the sampler settings of one fit."""
    return {"diagnostics": diagnostics.as_dict(), "diagnostics_ok": diagnostics.ok,
            "sampler": settings.as_dict()}


def _counts_json(counts: "OutcomeCounts") -> dict[str, str]:
    return {"treatment": str(counts.treatment), "control": str(counts.control)}


# --- beta-binomial ----------------------------------------------------------------------


def fit_beta_binomial(args: argparse.Namespace, prior: "NamedPrior") -> dict[str, Any]:
    """The beta-binomial fit: exact, or sampled with ``--mcmc``."""
    from models.exact.beta_binomial import fit_exact

    counts = trial_counts(args)
    out: dict[str, Any] = {
        "model": "beta-binomial",
        "outcome": counts.name,
        "prior": prior.name,
        "prior_label": prior.label,
        "counts": _counts_json(counts),
    }
    if prior.has_mixtures:
        return {**out, **_robust_beta_binomial(args, prior, counts)}
    exact = fit_exact(prior.beta_binomial, counts).summary
    if not args.mcmc:
        return {**out, "method": "exact", **effects_json(exact, counts.direction)}
    from models.core.progress import interactive, say
    from models.mcmc.beta_binomial import fit_mcmc

    say(f"sampling beta-binomial posterior ({counts.name}, prior {prior.name})...")
    mcmc = fit_mcmc(prior.beta_binomial, counts, progress=interactive())
    return {**out, "method": "mcmc", **effects_json(mcmc.summary, counts.direction),
            **sampler_json(mcmc.diagnostics, mcmc.settings),
            "exact_p_benefit": exact.p_benefit.estimate}


def _mixture_json(weights: tuple[float, ...], components: tuple[Any, ...],
                  fields: tuple[str, str]) -> list[dict[str, float]]:
    """A mixture as a list of {weight, <fields>} (alpha/beta or mean/sd)."""
    return [{"weight": w, **{f: getattr(c, f) for f in fields}}
            for w, c in zip(weights, components, strict=True)]


def _robust_beta_binomial(args: argparse.Namespace, prior: "NamedPrior",
                          counts: "OutcomeCounts") -> dict[str, Any]:
    """The beta-binomial analysis with the robust prior's Beta mixtures: the mixture
    posterior's summaries (exact, or sampled with ``--mcmc`` beside the exact P(benefit))
    and, per arm, the prior and posterior mixtures (their weights updated by each
    component's marginal likelihood)."""
    from models.exact.beta_binomial import ARD_THRESHOLDS
    from models.exact.beta_mixture import MixtureArms
    from models.priors.posteriors import beta_mixture_posterior, beta_mixture_prior

    prior_arms = beta_mixture_prior(prior)
    posterior = beta_mixture_posterior(prior, counts)
    mixtures = {arm: {"prior": _mixture_json(getattr(prior_arms, arm).weights,
                                             getattr(prior_arms, arm).components,
                                             ("alpha", "beta")),
                      "posterior": _mixture_json(getattr(posterior, arm).weights,
                                                 getattr(posterior, arm).components,
                                                 ("alpha", "beta"))}
                for arm in ("treatment", "control")}
    exact = posterior.summary(ARD_THRESHOLDS, counts.direction)
    if args.mcmc:
        from models.core.progress import interactive, say
        from models.mcmc.beta_binomial import fit_mcmc

        say(f"sampling beta-binomial mixture posterior ({counts.name}, prior {prior.name})...")
        mcmc = fit_mcmc(prior_arms, counts, progress=interactive())
        effects = {"method": "mcmc", **effects_json(mcmc.summary, counts.direction),
                   **sampler_json(mcmc.diagnostics, mcmc.settings),
                   "exact_p_benefit": exact.p_benefit.estimate}
    else:
        effects = {"method": "exact", **effects_json(exact, counts.direction)}
    return {**effects,
            "robust_weight": prior.robust.weight if prior.robust else None,
            "posterior_weights": {arm: list(getattr(posterior, arm).weights)
                                  for arm in ("treatment", "control")},
            "prior_data_conflict": {
                "box_p": _box_p(prior_arms, counts),
                "box_p_informative": _box_p(MixtureArms(*prior.informative_beta_mixtures),
                                            counts)},
            "mixtures": mixtures}


def _box_p(arms: "MixtureArms", counts: "OutcomeCounts") -> float:
    """Box's prior predictive p-value of the observed counts under independent mixture
    arms (:meth:`models.exact.prior_predictive.PriorPredictive.p_conflict`)."""
    from models.exact.beta_mixture import predictive_pmf
    from models.exact.prior_predictive import mixture_prior_predictive

    predictive = mixture_prior_predictive(predictive_pmf(arms.treatment, counts.treatment.n),
                                          predictive_pmf(arms.control, counts.control.n))
    return predictive.p_conflict(counts.treatment.events, counts.control.events)


# --- logistic ---------------------------------------------------------------------------


def parse_crp_values(text: str | None) -> tuple[float, ...]:
    """hs-CRP values in mg/L from ``--crp`` (comma-separated positive numbers).

    ``None`` gives :data:`models.mcmc.crp_effects.DEFAULT_CRP_VALUES` (3, 5, 10 mg/L).
    """
    if text is None:
        from models.mcmc.crp_effects import DEFAULT_CRP_VALUES

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


def _aggregate_exact(args: argparse.Namespace, prior: "NamedPrior") -> dict[str, Any]:
    from models.exact.beta_binomial import ARD_THRESHOLDS
    from models.exact.logistic_mixture import LogisticMixturePosterior
    from models.exact.logistic_posterior import LogisticPosterior

    counts = trial_counts(args)
    robust: dict[str, Any] = {}
    posterior: LogisticPosterior | LogisticMixturePosterior
    if prior.robust is None:
        posterior = LogisticPosterior(counts, prior.logistic.intercept, prior.logistic.treatment)
    else:
        mixture = prior.log_odds_ratio_mixture
        posterior = LogisticMixturePosterior(counts, prior.logistic.intercept, mixture)
        robust = {"robust_weight": prior.robust.weight,
                  "posterior_weights": list(posterior.weights),
                  "mixture": {"prior": _mixture_json(mixture.weights, mixture.components,
                                                     ("mean", "sd"))}}
    summary = posterior.summary(ARD_THRESHOLDS)
    odds_ratio = summary.odds_ratio
    return {
        "outcome": counts.name,
        "method": "exact",
        "counts": _counts_json(counts),
        **effects_json(summary, counts.direction),
        "log_odds_ratio": {"median": math.log(odds_ratio.median),
                           "ci95": [math.log(odds_ratio.lower), math.log(odds_ratio.upper)]},
        **robust,
    }


def _aggregate(args: argparse.Namespace, prior: "NamedPrior") -> dict[str, Any]:
    from models.core.progress import interactive, say
    from models.mcmc.aggregate import fit_aggregate
    from models.priors.posteriors import logistic_posterior

    counts = trial_counts(args)
    exact = logistic_posterior(prior, counts).p_benefit()
    say(f"sampling logistic posterior ({counts.name}, prior {prior.name})...")
    result = fit_aggregate(prior.logistic, counts, progress=interactive(),
                           mixture=prior.log_odds_ratio_mixture)
    out = {
        "counts": _counts_json(counts),
        **effects_json(result.summary, counts.direction),
        # P(benefit) from the log OR draws (the same event as the ARD's, draw by draw).
        "p_benefit": result.p_benefit.estimate,
        "mcse_p_benefit": result.p_benefit.mcse,
        "log_odds_ratio": result.log_odds_ratio.as_dict(),
        **sampler_json(result.diagnostics, result.settings),
        "exact_p_benefit": exact,
    }
    return {"outcome": counts.name, "method": "mcmc", **out}


def _ipd(args: argparse.Namespace, prior: "NamedPrior") -> dict[str, Any]:
    from models.core.progress import interactive, say
    from models.data.ipd import load_ipd
    from models.mcmc.interaction import fit_ipd

    crp_values = parse_crp_values(args.crp)
    ipd = load_ipd(args.ipd)
    say(f"sampling logistic IPD posterior ({args.outcome}, prior {prior.name})...")
    try:
        result = fit_ipd(prior.logistic, ipd, args.outcome, progress=interactive(),
                         mixture=prior.log_odds_ratio_mixture)
    except InputError as error:
        if error.field == "outcome":
            raise InputError("--outcome", error.message) from None
        raise
    at_crp = result.p_benefit_at(crp_values)
    return {
        "outcome": args.outcome,
        "ipd": str(args.ipd),
        "n": result.data.n,
        "counts": _counts_json(result.data.arm_counts()),
        "effects_scale": "marginal over the complete cases' hs-CRP",
        **effects_json(result.marginal),
        "p_benefit_at_mean_crp": result.p_treatment_positive.estimate,
        "mcse_p_benefit_at_mean_crp": result.p_treatment_positive.mcse,
        "coefficients": {term: i.as_dict() for term, i in result.coefficients.items()},
        "interaction": {**result.interaction.as_dict(),
                        "p_greater_0": result.p_interaction_positive.estimate,
                        "mcse_p_greater_0": result.p_interaction_positive.mcse},
        "p_benefit_at_crp": {number_key(c): p.estimate for c, p in at_crp.items()},
        "mcse_p_benefit_at_crp": {number_key(c): p.mcse for c, p in at_crp.items()},
        "crp_p_benefit_0.9": result.crp_p_benefit_90,
        "standardisation": result.data.standardisation(),
        **sampler_json(result.diagnostics, result.settings),
    }


def fit_logistic(args: argparse.Namespace, prior: "NamedPrior") -> dict[str, Any]:
    """One logistic fit (aggregate, or the interaction model with ``--ipd``)."""
    head = {"model": "logistic", "prior": prior.name, "prior_label": prior.label}
    if args.ipd:
        return {**head, "method": "mcmc", **_ipd(args, prior)}
    if args.mcmc:
        return {**head, **_aggregate(args, prior)}
    return {**head, **_aggregate_exact(args, prior)}


# --- normal-normal ----------------------------------------------------------------------


def fit_normal(args: argparse.Namespace, prior: "NamedPrior") -> dict[str, Any]:
    """The conjugate normal-normal model of a log ratio, with the named prior's
    ``logistic.treatment`` as its prior: closed form, exact (:mod:`models.exact.
    normal_normal`). An outcome published as a ratio with its 95% CI gives that ratio's
    likelihood; an outcome with counts gives the sample log odds ratio and its Woolf
    standard error."""
    from models.core.paths import TRIAL_COUNTS_FILE
    from models.data.trial import OutcomeEstimate, load_trial
    from models.exact.normal_normal import from_counts, from_estimate, normal_posterior

    outcome = load_trial(args.trial or TRIAL_COUNTS_FILE).any_outcome(args.outcome)
    source: dict[str, Any]
    if isinstance(outcome, OutcomeEstimate):
        for flag, value in (("--treatment", args.treatment), ("--control", args.control)):
            if value is not None:
                raise InputError(flag, f"does not apply: outcome {outcome.name!r} is given "
                                 f"as a published {outcome.estimate.words}, not as counts")
        likelihood = from_estimate(outcome.estimate)
        estimate = outcome.estimate
        source = {"estimate": {"measure": estimate.measure, "value": estimate.value,
                               "ci95": [estimate.lower, estimate.upper]}}
    else:
        counts = with_cli_counts(args, outcome)
        likelihood = from_counts(counts)
        source = {"counts": _counts_json(counts)}
    robust: dict[str, Any] = {}
    posterior: Any
    if prior.robust is None:
        posterior = normal_posterior(prior.logistic.treatment, likelihood)
    else:
        from models.exact.normal_mixture import normal_mixture_posterior

        mixture = prior.log_odds_ratio_mixture
        posterior = normal_mixture_posterior(mixture, likelihood)
        robust = {"robust_weight": prior.robust.weight,
                  "posterior_weights": list(posterior.weights),
                  "mixture": {"prior": _mixture_json(mixture.weights, mixture.components,
                                                     ("mean", "sd")),
                              "posterior": _mixture_json(posterior.weights,
                                                         posterior.components,
                                                         ("mean", "sd"))}}
    return {
        "model": "normal",
        "outcome": outcome.name,
        "prior": prior.name,
        "prior_label": prior.label,
        "method": "exact",
        "direction": outcome.direction,
        **source,
        "likelihood": {"measure": likelihood.measure, "log_estimate": likelihood.log_estimate,
                       "standard_error": likelihood.standard_error},
        "p_benefit": posterior.p_benefit(outcome.direction),
        "effect": {"measure": likelihood.measure, **posterior.effect().as_dict()},
        **robust,
    }


# --- the verb ---------------------------------------------------------------------------


MODEL_FLAGS = {
    "beta-binomial": ("--treatment", "--control", "--trial", "--mcmc"),
    "logistic": ("--treatment", "--control", "--trial", "--mcmc", "--ipd", "--crp"),
    "normal": ("--treatment", "--control", "--trial"),
}
"""The optional ``fit`` flags each ``--model`` uses (``--outcome``, ``--prior``,
``--priors`` and ``--json`` apply to all)."""


def _given_flags(args: argparse.Namespace) -> list[str]:
    """The model-specific flags set on the command line, in :data:`MODEL_FLAGS` order."""
    values = {"--treatment": args.treatment, "--control": args.control, "--trial": args.trial,
              "--mcmc": args.mcmc or None, "--ipd": args.ipd, "--crp": args.crp}
    return [flag for flag, value in values.items() if value is not None]


def check_flags(args: argparse.Namespace) -> None:
    """Refuse a flag that the chosen model would ignore, before any file is read.

    ``--ipd`` and ``--crp`` are for the logistic model only; ``--crp`` needs ``--ipd``;
    with ``--ipd`` the counts come from the individual data, so ``--treatment``,
    ``--control``, ``--trial`` and ``--mcmc`` (the interaction model is always sampled) do
    not apply.
    """
    allowed = MODEL_FLAGS[args.model]
    for flag in _given_flags(args):
        if flag not in allowed:
            raise InputError(flag, f"does not apply to --model {args.model} (its flags: "
                             f"{', '.join(allowed)})")
    if args.crp is not None and not args.ipd:
        raise InputError(CRP_FLAG, "needs --ipd (hs-CRP effects come from the IPD model)")
    if args.ipd:
        for flag, value in (("--treatment", args.treatment), ("--control", args.control),
                            ("--trial", args.trial), ("--mcmc", args.mcmc or None)):
            if value is not None:
                raise InputError(flag, "cannot be combined with --ipd (the counts come from "
                                 "the individual data)")


def fit_result(args: argparse.Namespace) -> dict[str, Any]:
    """The fit ``args`` ask for (``model``, ``prior``, ``priors``, ``outcome``, ``trial``,
    ``treatment``, ``control``, ``mcmc``, ``ipd``, ``crp``), as a JSON-ready dict."""
    from models.priors.priors_file import load_priors

    check_flags(args)
    prior = load_priors(args.priors).get(args.prior)
    if args.model == "beta-binomial":
        return fit_beta_binomial(args, prior)
    if args.model == "normal":
        return fit_normal(args, prior)
    return fit_logistic(args, prior)


def _effect(label: str, value: float) -> str:
    """An ARD (proportion) to three decimals; a ratio by :func:`models.report.format.ratio`
    (scientific notation far from 1)."""
    return fmt.number(value, ".3f") if label == "ARD" else fmt.ratio(value, 3)


def format_normal(result: dict[str, Any]) -> str:
    """The plain-text form of a normal-normal fit."""
    effect, likelihood = result["effect"], result["likelihood"]
    name = effect["measure"].replace("_", " ")
    lo, hi = effect["ci95"]
    if "counts" in result:
        data = (f"  counts: treatment {result['counts']['treatment']}, "
                f"control {result['counts']['control']}")
    else:
        published = result["estimate"]
        data = (f"  published {name}: {fmt.ratio(published['value'], 3)} (95% CI "
                f"{fmt.ratio(published['ci95'][0], 3)} to {fmt.ratio(published['ci95'][1], 3)})")
    return "\n".join([
        f"{result['model']} | {result['outcome']} | prior {result['prior_label']} | "
        f"{result['method']}",
        data,
        f"  likelihood: log {name} {likelihood['log_estimate']:.3f} "
        f"(SE {likelihood['standard_error']:.3f})",
        f"  P(treatment beats control) = {result['p_benefit']:.4f} "
        f"({'fewer' if result['direction'] == 'lower' else 'more'} events is better)",
        f"  {name}: median {fmt.ratio(effect['median'], 3)}, 95% interval "
        f"{fmt.ratio(lo, 3)} to {fmt.ratio(hi, 3)}",
        *_robust_lines(result),
    ])


def format_fit(result: dict[str, Any]) -> str:
    """The plain-text form of a fit for the terminal."""
    if result["model"] == "normal":
        return format_normal(result)
    lines = [
        f"{result['model']} | {result['outcome']} | prior {result['prior_label']} | "
        f"{result['method']}",
        f"  counts: treatment {result['counts']['treatment']}, "
        f"control {result['counts']['control']}",
        f"  P(treatment beats control) = {result['p_benefit']:.4f}"
        + (f" (MCSE {result['mcse_p_benefit']:.4f})" if "mcse_p_benefit" in result else ""),
    ]
    for d, p in result["p_benefit_greater"].items():
        bound = d if d == "0" else f"-{d}"
        event = f"ARD > {d}" if result["direction"] == "higher" else f"ARD < {bound}"
        lines.append(f"  P({event}) = {p:.4f}")
    for key, label in (("risk_difference", "ARD"), ("risk_ratio", "RR"), ("odds_ratio", "OR")):
        interval = result[key]
        lo, hi = interval["ci95"]
        lines.append(f"  {label}: median {_effect(label, interval['median'])}, 95% "
                     f"interval {_effect(label, lo)} to {_effect(label, hi)}")
    if "diagnostics" in result:
        lines.append(f"  diagnostics: {result['diagnostics']}")
    return "\n".join(lines + _robust_lines(result))


def _robust_lines(result: dict[str, Any]) -> list[str]:
    """A robust prior's posterior weights (informative, vague) and, for the beta-binomial
    model, Box's prior predictive p-value, as text lines (none for other priors)."""
    if "posterior_weights" not in result:
        return []
    weights = result["posterior_weights"]
    per_arm = (weights.items() if isinstance(weights, dict) else [("log OR", weights)])
    lines = ["  posterior weights (informative, vague): " + "; ".join(
        f"{arm} {', '.join(f'{w:.3f}' for w in values)}" for arm, values in per_arm)]
    if "prior_data_conflict" in result:
        conflict = result["prior_data_conflict"]
        lines.append(f"  prior-data conflict (Box's prior predictive p): robust "
                     f"{conflict['box_p']:.3f}, informative part alone "
                     f"{conflict['box_p_informative']:.3f}")
    return lines


def run(args: argparse.Namespace) -> None:
    """``reanalysis fit``: print the fit as JSON (``--json``) or as text."""
    result = fit_result(args)
    print(json.dumps(result, indent=2) if args.json else format_fit(result))
