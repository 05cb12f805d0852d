"""Reading, strictly validating and writing priors files (YAML).

Every error names the full path of the bad field and what is allowed, e.g.
``priors.skeptical.logistic.treatment.sd must be > 0, got -1``; unknown keys are refused.
"""

import math
from pathlib import Path
from typing import Any

from models.core.distributions import BetaBinomialPrior, BetaPrior, NormalPrior
from models.core.errors import InputError
from models.core.mixtures import BetaMixture, Robustness
from models.core.paths import DEFAULT_PRIORS_FILE
from models.core.provenance import file_sha256
from models.core.yaml_io import kind, read_yaml_mapping, strict_mapping
from models.priors.prior_set import (
    BETA_ARMS,
    LOGISTIC_TERMS,
    Calibration,
    LogisticPrior,
    NamedPrior,
    PriorSet,
)

# ---------------------------------------------------------------------------
# Validation helpers: each names the full path of the field it checks.


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"must be a number, got {kind(value)} {value!r}")
    if not math.isfinite(value):
        raise InputError(field, f"must be finite, got {value}")
    return float(value)


def _positive(value: Any, field: str) -> float:
    number = _number(value, field)
    if number <= 0:
        raise InputError(field, f"must be > 0, got {value:g}")
    return number


def _rate(value: Any, field: str) -> float:
    number = _number(value, field)
    if not 0 < number < 1:
        raise InputError(field, f"must be a rate strictly between 0 and 1, got {value:g}")
    return number


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, f"must be a non-empty text, got {kind(value)}")
    return value.strip()


def _beta(value: Any, field: str) -> BetaPrior:
    block = strict_mapping(value, field, ("alpha", "beta"))
    return BetaPrior(_positive(block["alpha"], f"{field}.alpha"),
                     _positive(block["beta"], f"{field}.beta"))


MIXTURE_WEIGHT_TOLERANCE = 1e-3
"""How far a file's mixture weights may sum from 1 (printed weights are rounded)."""


MAX_MIXTURE_COMPONENTS = 4
"""Most components of a Beta mixture given in a priors file (a MAP prior's fit has at most
four; a robust block adds a fifth)."""


def _beta_arm(value: Any, field: str) -> tuple[BetaPrior, BetaMixture | None]:
    """An arm's rate prior: ``{alpha, beta}``, or ``{mixture: [{weight, alpha, beta}, ...]}``
    with positive weights summing to 1 (to 1e-3; rescaled exactly). A mixture arm returns
    its moment-matched Beta beside the mixture."""
    if not (isinstance(value, dict) and "mixture" in value):
        return _beta(value, field), None
    block = strict_mapping(value, field, ("mixture",))
    items = block["mixture"]
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_MIXTURE_COMPONENTS:
        raise InputError(f"{field}.mixture", f"must be a list of 1 to {MAX_MIXTURE_COMPONENTS} "
                         f"components {{weight, alpha, beta}}, got {kind(items)}")
    pairs = []
    for index, item in enumerate(items):
        where = f"{field}.mixture[{index}]"
        component = strict_mapping(item, where, ("weight", "alpha", "beta"))
        pairs.append((_positive(component["weight"], f"{where}.weight"),
                      _beta({"alpha": component["alpha"], "beta": component["beta"]}, where)))
    total = math.fsum(w for w, _ in pairs)
    if abs(total - 1.0) > MIXTURE_WEIGHT_TOLERANCE:
        raise InputError(f"{field}.mixture", f"weights must sum to 1, got {total:g}")
    mixture = BetaMixture.of(pairs)
    return mixture.moment_beta() if len(pairs) > 1 else mixture.components[0], mixture


def _normal(value: Any, field: str) -> NormalPrior:
    block = strict_mapping(value, field, ("mean", "sd"))
    return NormalPrior(_number(block["mean"], f"{field}.mean"),
                       _positive(block["sd"], f"{field}.sd"))


def _robust(value: Any, field: str) -> Robustness:
    """A ``robust`` block: ``weight`` strictly between 0 and 1, and optionally the vague
    components ``vague_beta`` (default Beta(1, 1)) and ``vague_log_odds_ratio`` (default
    N(0, 2.5))."""
    block = strict_mapping(value, field, ("weight",), ("vague_beta", "vague_log_odds_ratio"))
    weight = _number(block["weight"], f"{field}.weight")
    if not 0 < weight < 1:
        raise InputError(f"{field}.weight", f"must be strictly between 0 and 1 (the vague "
                         f"component's share), got {weight:g}")
    defaults = Robustness(weight)
    return Robustness(
        weight,
        _beta(block["vague_beta"], f"{field}.vague_beta") if "vague_beta" in block
        else defaults.vague_beta,
        _normal(block["vague_log_odds_ratio"], f"{field}.vague_log_odds_ratio")
        if "vague_log_odds_ratio" in block else defaults.vague_log_odds_ratio)


def _named_prior(name: str, value: Any, field: str) -> NamedPrior:
    block = strict_mapping(value, field, ("label", "description", "beta_binomial", "logistic"),
                           ("robust",))
    bb = strict_mapping(block["beta_binomial"], f"{field}.beta_binomial", BETA_ARMS)
    logistic = strict_mapping(block["logistic"], f"{field}.logistic", LOGISTIC_TERMS)
    arms = {arm: _beta_arm(bb[arm], f"{field}.beta_binomial.{arm}") for arm in BETA_ARMS}
    return NamedPrior(
        name=name,
        label=_text(block["label"], f"{field}.label"),
        description=_text(block["description"], f"{field}.description"),
        beta_binomial=BetaBinomialPrior(*(arms[arm][0] for arm in BETA_ARMS)),
        arm_mixtures={arm: mixture for arm, (_, mixture) in arms.items()
                      if mixture is not None},
        logistic=LogisticPrior(
            *(_normal(logistic[term], f"{field}.logistic.{term}") for term in LOGISTIC_TERMS)
        ),
        robust=_robust(block["robust"], f"{field}.robust") if "robust" in block else None,
    )


def parse_calibration(value: Any, field: str) -> Calibration:
    block = strict_mapping(
        value,
        field,
        ("placebo_rate", "design_odds_ratio", "tail_probability", "interaction_odds_ratio"),
    )
    design_or = _positive(block["design_odds_ratio"], f"{field}.design_odds_ratio")
    if design_or == 1:
        raise InputError(f"{field}.design_odds_ratio", "must differ from 1 (above 1 when more "
                         "events is better, below 1 when fewer is), got 1")
    tail = _rate(block["tail_probability"], f"{field}.tail_probability")
    if tail >= 0.5:
        raise InputError(f"{field}.tail_probability", f"must be < 0.5, got {tail:g}")
    interaction_or = _positive(block["interaction_odds_ratio"], f"{field}.interaction_odds_ratio")
    if interaction_or <= 1:
        raise InputError(
            f"{field}.interaction_odds_ratio", f"must be > 1, got {interaction_or:g}"
        )
    return Calibration(
        placebo_rate=_rate(block["placebo_rate"], f"{field}.placebo_rate"),
        design_odds_ratio=design_or,
        tail_probability=tail,
        interaction_odds_ratio=interaction_or,
    )


def parse_priors(content: dict[str, Any], path: Path, sha256: str = "") -> PriorSet:
    """Validate the parsed YAML of a priors file and build the named priors."""
    top = strict_mapping(content, "file", ("priors",), ("calibration",))
    named = top["priors"]
    if not isinstance(named, dict) or not named:
        raise InputError("priors", "must be a mapping with at least one named prior")
    priors = {}
    for name, block in named.items():
        if not isinstance(name, str) or not name.replace("_", "").replace("-", "").isalnum():
            raise InputError(
                f"priors.{name}", "name must use letters, digits, '-' or '_' only"
            )
        priors[name] = _named_prior(name, block, f"priors.{name}")
    calibration = (
        parse_calibration(top["calibration"], "calibration") if "calibration" in top else None
    )
    return PriorSet(priors=priors, calibration=calibration, path=path, sha256=sha256)


def load_priors(path: Path | str = DEFAULT_PRIORS_FILE) -> PriorSet:
    """Read, validate and return every named prior in a priors YAML file."""
    path = Path(path)
    content = read_yaml_mapping(path, "priors file")
    return parse_priors(content, path.resolve(), file_sha256(path))


DECIMALS = 4
"""Decimals written for prior parameters in YAML (calibration statements hold to ~1e-4)."""


def _round(value: float) -> float:
    return round(float(value), DECIMALS)


def prior_to_mapping(prior: NamedPrior) -> dict[str, Any]:
    """The YAML mapping of one named prior (the inverse of the loader's parsing)."""
    bb = prior.beta_binomial
    return {
        "label": prior.label,
        "description": prior.description,
        "beta_binomial": {
            arm: ({"mixture": [{"weight": w, "alpha": _round(c.alpha), "beta": _round(c.beta)}
                               for w, c in zip(prior.arm_mixtures[arm].weights,
                                               prior.arm_mixtures[arm].components,
                                               strict=True)]}
                  if arm in prior.arm_mixtures else
                  {"alpha": _round(getattr(bb, arm).alpha),
                   "beta": _round(getattr(bb, arm).beta)})
            for arm in BETA_ARMS
        },
        "logistic": {
            term: {"mean": _round(getattr(prior.logistic, term).mean),
                   "sd": _round(getattr(prior.logistic, term).sd)}
            for term in LOGISTIC_TERMS
        },
        **({} if prior.robust is None else {"robust": {
            "weight": prior.robust.weight,
            "vague_beta": {"alpha": prior.robust.vague_beta.alpha,
                           "beta": prior.robust.vague_beta.beta},
            "vague_log_odds_ratio": {"mean": prior.robust.vague_log_odds_ratio.mean,
                                     "sd": prior.robust.vague_log_odds_ratio.sd}}}),
    }


def calibration_to_mapping(calibration: Calibration) -> dict[str, float]:
    return {
        "placebo_rate": calibration.placebo_rate,
        "design_odds_ratio": calibration.design_odds_ratio,
        "tail_probability": calibration.tail_probability,
        "interaction_odds_ratio": calibration.interaction_odds_ratio,
    }


def priors_yaml(priors: list[NamedPrior], calibration: Calibration | None) -> str:
    """A ready-to-paste YAML document for a priors file (flow style for leaf blocks)."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True  # input files may not hold anchors/aliases (models.core.yaml_io)

    def represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
        leaf = all(not isinstance(v, dict) for v in data.values()) and len(data) <= 2
        return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(),
                                        flow_style=leaf and "label" not in data)

    _Dumper.add_representer(dict, represent_dict)
    document: dict[str, Any] = {}
    if calibration is not None:
        document["calibration"] = calibration_to_mapping(calibration)
    document["priors"] = {prior.name: prior_to_mapping(prior) for prior in priors}
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=100,
                     default_flow_style=False)
