"""``reanalysis oc``: operating characteristics of the future trial's success rule at
fixed true rates: its frequentist power (treatment rate better than control) and type I
error (equal rates), exact by enumeration (:mod:`models.exact.assurance`)."""

import argparse
import json
from typing import Any


def treatment_rates(text: str) -> list[float]:
    """The comma-separated ``--treatment-rate`` values, each a rate from 0 to 1."""
    from models.exact.assurance import check_rate

    return [check_rate(part, "--treatment-rate") for part in text.split(",")]


def oc_result(args: argparse.Namespace) -> dict[str, Any]:
    """The operating characteristics ``args`` ask for (``n_per_arm``, ``control_rate``,
    ``treatment_rate``, ``threshold``, ``direction``), as a JSON-ready dict."""
    from models.exact.assurance import check_rate, operating_characteristics
    from models.exact.success_rule import SuccessRule, check_arm_size, check_threshold

    n = check_arm_size(args.n_per_arm, "--n-per-arm")
    control = check_rate(args.control_rate, "--control-rate")
    rates = treatment_rates(args.treatment_rate)
    threshold = check_threshold(args.threshold)
    rule = SuccessRule.per_arm(n, threshold, args.direction)
    return {
        "p_success": operating_characteristics(rule, control, rates),
        "n_per_arm": n,
        "control_rate": control,
        "treatment_rates": rates,
        "threshold": threshold,
        "direction": args.direction,
        "method": "exact",
        "outcomes_enumerated": (n + 1) ** 2,
    }


def format_oc(result: dict[str, Any]) -> str:
    """The plain-text form for the terminal: one line per treatment rate."""
    better = "fewer" if result["direction"] == "lower" else "more"
    lines = [f"operating characteristics | {result['n_per_arm']} per arm | success = "
             f"P(benefit) > {result['threshold']:g} under flat Beta(1, 1) priors | "
             f"{result['method']} ({better} events is better)"]
    control = result["control_rate"]
    for rate, p in zip(result["treatment_rates"], result["p_success"], strict=True):
        kind = "type I error" if rate == control else "power" if (
            (rate > control) == (result["direction"] == "higher")) else "P(wrong-way success)"
        lines.append(f"  control {control:g}, treatment {rate:g}: P(success) = {p:.4f} ({kind})")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> None:
    """``reanalysis oc``: print the result as JSON (``--json``) or as text."""
    result = oc_result(args)
    print(json.dumps(result, indent=2) if args.json else format_oc(result))
