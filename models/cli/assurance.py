"""``reanalysis assurance``: the probability that a future trial of a given size succeeds,
from the current posterior of one outcome under one named prior (exact, by enumeration;
:mod:`models.exact.assurance`).

The future trial succeeds when its own data, with flat Beta(1, 1) priors per arm, give
P(benefit) above ``--threshold``; benefit follows the outcome's direction.
"""

import argparse
import json
from typing import TYPE_CHECKING, Any

from models.core.errors import InputError

if TYPE_CHECKING:
    from models.data.trial import OutcomeCounts
    from models.exact.success_rule import SuccessRule
    from models.priors.prior_set import NamedPrior


def assurance_result(args: argparse.Namespace) -> dict[str, Any]:
    """The assurance ``args`` ask for (``outcome``, ``prior``, ``priors``, ``trial``,
    ``n_per_arm``, ``threshold``), as a JSON-ready dict."""
    from models.core.paths import TRIAL_COUNTS_FILE
    from models.data.trial import load_trial
    from models.exact.assurance import assurance, assurance_ceiling
    from models.exact.beta_binomial import posterior
    from models.exact.success_rule import SuccessRule, check_arm_size, check_threshold
    from models.priors.priors_file import load_priors

    n = check_arm_size(args.n_per_arm, "--n-per-arm")
    threshold = check_threshold(args.threshold)
    trial = load_trial(args.trial or TRIAL_COUNTS_FILE)
    if args.outcome in trial.estimates:
        words = trial.estimates[args.outcome].estimate.words
        raise InputError("--outcome", f"{args.outcome!r} is given only as a published {words}: "
                         "assurance enumerates the future counts from each arm's posterior, "
                         "so it needs events and n per arm")
    counts = trial.outcome(args.outcome)
    prior = load_priors(args.priors).get(args.prior)
    rule = SuccessRule.per_arm(n, threshold, counts.direction)
    if prior.has_mixtures:
        return {**_head(n, threshold, prior, counts), **_robust_assurance(rule, prior, counts)}
    arms = posterior(prior.beta_binomial, counts)
    return {
        "assurance": assurance(rule, arms),
        **_head(n, threshold, prior, counts),
        "posterior": {"treatment": {"alpha": arms.treatment.alpha, "beta": arms.treatment.beta},
                      "control": {"alpha": arms.control.alpha, "beta": arms.control.beta}},
        "ceiling": assurance_ceiling(prior.beta_binomial, counts),
    }


def _head(n: int, threshold: float, prior: "NamedPrior",
          counts: "OutcomeCounts") -> dict[str, Any]:
    """The keys every assurance result shares."""
    return {"n_per_arm": n, "threshold": threshold, "prior": prior.name,
            "prior_label": prior.label, "outcome": counts.name, "direction": counts.direction,
            "method": "exact", "model": "beta-binomial",
            "counts": {"treatment": str(counts.treatment), "control": str(counts.control)},
            "outcomes_enumerated": (n + 1) ** 2}


def _robust_assurance(rule: "SuccessRule", prior: "NamedPrior",
                      counts: "OutcomeCounts") -> dict[str, Any]:
    """Assurance from a robust prior's posterior Beta mixtures (each arm's predictive a
    mixture of beta-binomials), with the mixtures' posterior weights."""
    from models.exact.assurance import mixture_assurance
    from models.priors.posteriors import beta_mixture_posterior

    arms = beta_mixture_posterior(prior, counts)
    return {"assurance": mixture_assurance(rule, arms),
            "posterior": {arm: [{"weight": w, "alpha": c.alpha, "beta": c.beta}
                                for w, c in zip(getattr(arms, arm).weights,
                                                getattr(arms, arm).components, strict=True)]
                          for arm in ("treatment", "control")},
            "ceiling": float(arms.benefit_probabilities([0.0], counts.direction)[0])}


def format_assurance(result: dict[str, Any]) -> str:
    """The plain-text form for the terminal."""
    better = "fewer" if result["direction"] == "lower" else "more"
    return "\n".join([
        f"assurance | {result['outcome']} | prior {result['prior_label']} | "
        f"{result['method']} ({result['outcomes_enumerated']:,} outcomes)",
        f"  from: beta-binomial posterior given treatment {result['counts']['treatment']}, "
        f"control {result['counts']['control']} ({better} events is better)",
        f"  future trial: {result['n_per_arm']} per arm; success = its own P(benefit) > "
        f"{result['threshold']:g} under flat Beta(1, 1) priors",
        f"  assurance = {result['assurance']:.4f}  (limit as the trial grows: current "
        f"P(benefit) = {result['ceiling']:.4f})",
    ])


def run(args: argparse.Namespace) -> None:
    """``reanalysis assurance``: print the result as JSON (``--json``) or as text."""
    result = assurance_result(args)
    print(json.dumps(result, indent=2) if args.json else format_assurance(result))
