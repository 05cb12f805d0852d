"""``reanalysis priors``: what each named prior implies; ``reanalysis priors calibrate``:
skeptical and enthusiastic priors derived from clinical assumptions, printed as YAML.

Calibration follows Spiegelhalter, Freedman and Parmar (1994)
(:mod:`models.priors.calibration`); the flags are validated by the same rules as a
priors file's ``calibration`` block, with the flag names in messages.
"""

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from models.core.errors import InputError
from models.core.paths import DEFAULT_PRIORS_FILE

CALIBRATION_FLAGS = {"placebo_rate": "--placebo-rate", "design_odds_ratio": "--design-or",
                     "tail_probability": "--tail", "interaction_odds_ratio": "--interaction-or"}
"""Calibration field -> the flag that sets it."""

if TYPE_CHECKING:
    from models.priors.prior_set import Calibration, NamedPrior


def _higher(calibration: "Calibration | None") -> bool:
    """More events is better (the default without a calibration)."""
    return calibration is None or calibration.direction == "higher"


def _show_mixtures(prior: "NamedPrior") -> None:
    """A prior's Beta mixtures (robust, or given in the file) and their effective sample
    sizes (ELIR and moment)."""
    from models.priors.ess import ess_elir, ess_moment

    robust = prior.robust
    if robust is not None:
        print(f"  robust: weight {robust.weight:g} on the vague components (the probabilities "
              "and effective sample sizes shown are the mixtures', by ELIR)")
    else:
        print("  Beta mixtures given in the file (the Beta shown above for such an arm is its "
              "moment-matched stand-in; the probabilities and effective sample sizes shown "
              "are the mixtures', by ELIR)")
    for arm, mixture in zip(("treatment", "control"), prior.beta_mixtures, strict=True):
        print(f"    {arm}: {mixture}; prior ESS {ess_elir(mixture):.1f} (ELIR), "
              f"{ess_moment(mixture):.1f} (moment) participants")
    print(f"    log OR: {prior.log_odds_ratio_mixture}")


def show_priors(args: argparse.Namespace) -> None:
    """Print every prior of ``--priors`` with its parameters and implied statements."""
    from models.priors.priors_file import load_priors
    from models.priors.statements import implied_statements

    priors = load_priors(args.priors or DEFAULT_PRIORS_FILE)
    print(f"priors file: {priors.path} (sha256 {priors.sha256[:12]})")
    for prior in priors.priors.values():
        s = implied_statements(prior, priors.calibration)
        bb = prior.beta_binomial
        print(f"\n{prior.name}: {prior.label}\n  {prior.description}")
        print(f"  beta-binomial: treatment {bb.treatment}, control {bb.control}")
        print(f"    prior effective sample size: {s['bb_ess_treatment']:.1f} (treatment), "
              f"{s['bb_ess_control']:.1f} (control) participants")
        better, worse = (">", "<") if _higher(priors.calibration) else ("<", ">")
        print(f"    prior P(ARD {better} 0) = {s['bb_p_benefit']:.3f}, P(ARD {worse} 0) = "
              f"{s['bb_p_harm']:.3f}"
              f", ARD median {s['bb_ard_median']:.3f} (95% {s['bb_ard_lower']:.3f} to "
              f"{s['bb_ard_upper']:.3f})")
        if "design_ard" in s:
            print(f"    prior P(ARD {better} design ARD {s['design_ard']:.3f}) = "
                  f"{s['bb_p_beyond_design']:.3f}")
        lg = prior.logistic
        if prior.has_mixtures:
            _show_mixtures(prior)
        print(f"  logistic: intercept {lg.intercept}, treatment (log OR) {lg.treatment}, "
              f"biomarker {lg.biomarker}, interaction {lg.interaction}")
        print(f"    prior P(OR {better} 1) = {s['logistic_p_benefit']:.3f}, median OR "
              f"{s['logistic_or_median']:.2f}, effective sample size ~ {s['logistic_ess']:.0f}"
              " participants (ELIR at the assumed control rate)")
        if "logistic_p_beyond_design" in s:
            print(f"    prior P(OR {better} design OR) = {s['logistic_p_beyond_design']:.3f}")


def calibrate(args: argparse.Namespace) -> None:
    """Print the statements met and the calibrated priors as a loadable priors file."""
    from models.core.yaml_io import parse_yaml
    from models.priors.calibration import calibrated_priors, reference_prior
    from models.priors.prior_set import Calibration
    from models.priors.priors_file import parse_calibration, parse_priors, priors_yaml
    from models.priors.statements import implied_statements

    if args.priors is not None:
        raise InputError("--priors", "does not apply to 'priors calibrate' (the priors are "
                         "derived from --placebo-rate, --design-or, --tail, --interaction-or)")
    raw = {"placebo_rate": args.placebo_rate, "design_odds_ratio": args.design_or,
           "tail_probability": args.tail, "interaction_odds_ratio": args.interaction_or}
    try:
        calibration: Calibration = parse_calibration(raw, "calibration")
    except InputError as error:
        key = error.field.split(".")[-1]
        raise InputError(CALIBRATION_FLAGS.get(key, error.field), error.message) from None
    priors = [reference_prior(), *calibrated_priors(calibration).values()]
    text = priors_yaml(priors, calibration)
    parse_priors(parse_yaml(text), Path("<calibrated>"))  # round-trip check
    better, worse = (">", "<") if _higher(calibration) else ("<", ">")
    print("# Statements met (prior probabilities; "
          f"{'more' if _higher(calibration) else 'fewer'} events is better):")
    for prior in priors[1:]:
        s = implied_statements(prior, calibration)
        print(f"#   {prior.name}: beta-binomial P(ARD {better} {s['design_ard']:.4f}) = "
              f"{s['bb_p_beyond_design']:.4f}, P(ARD {worse} 0) = {s['bb_p_harm']:.4f}; "
              f"logistic P(OR {better} {calibration.design_odds_ratio:g}) = "
              f"{s['logistic_p_beyond_design']:.4f}, P(OR {worse} 1) = "
              f"{1 - s['logistic_p_benefit']:.4f}")
    print(text, end="")


def run(args: argparse.Namespace) -> None:
    """``reanalysis priors [calibrate]``."""
    if getattr(args, "priors_action", None) == "calibrate":
        calibrate(args)
    elif getattr(args, "priors_action", None) == "map":
        from models.cli.map_prior import run as run_map

        run_map(args)
    else:
        show_priors(args)
