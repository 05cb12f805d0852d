"""Property-based tests (Hypothesis) of the loaders and the exact beta-binomial model.

Random valid trial counts files and priors files round-trip through the loaders, and the
exact P(benefit) agrees with a seeded Monte Carlo estimate from the conjugate Beta
posteriors; random files with one field broken are refused by the command line with exit
status 2 and a one-line message naming that field. Derandomised, so every run (and CI)
tries the same examples.
"""

import contextlib
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.cli.main import main
from models.core.distributions import BetaBinomialPrior, BetaPrior
from models.core.paths import DEFAULT_PRIORS_FILE
from models.data.trial import load_trial
from models.exact.beta_binomial import fit_exact
from models.priors.priors_file import load_priors

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

MONTE_CARLO_DRAWS = 200_000
"""Posterior draws per arm for the Monte Carlo check of the exact P(benefit)."""

# --- strategies ------------------------------------------------------------------------------

names = st.from_regex(r"[a-z][a-z0-9_-]{0,11}", fullmatch=True)
"""Outcome and prior names (letters, digits, '-' and '_', as priors files require)."""

texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60
).filter(lambda text: text.strip() != "")
"""Any Unicode text that is not blank (labels, descriptions, names of arms and trials)."""


@st.composite
def arm_counts(draw: st.DrawFn) -> dict[str, int]:
    n = draw(st.integers(1, 100_000))
    return {"events": draw(st.integers(0, n)), "n": n}


@st.composite
def trial_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid trial counts file (the format of ``data/trial_counts.yml``)."""
    outcome_names = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    outcomes = {}
    for name in outcome_names:
        block: dict[str, Any] = {"treatment": draw(arm_counts()),
                                 "control": draw(arm_counts())}
        if draw(st.booleans()):
            block["label"] = draw(texts)
        outcomes[name] = block
    trial: dict[str, Any] = {"name": draw(texts),
                             "arms": {"treatment": draw(texts), "control": draw(texts)}}
    if draw(st.booleans()):
        trial["randomised"] = {
            arm: max(block[arm]["n"] for block in outcomes.values()) + draw(st.integers(0, 50))
            for arm in ("treatment", "control")
        }
    return {"trial": trial, "outcomes": outcomes}


beta_parameters = st.floats(0.05, 5000, allow_nan=False, allow_infinity=False)
normal_sds = st.floats(0.01, 100, allow_nan=False, allow_infinity=False)
normal_means = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


@st.composite
def prior_blocks(draw: st.DrawFn) -> dict[str, Any]:
    """One valid named prior of a priors file."""
    return {
        "label": draw(texts),
        "description": draw(texts),
        "beta_binomial": {arm: {"alpha": draw(beta_parameters), "beta": draw(beta_parameters)}
                          for arm in ("treatment", "control")},
        "logistic": {term: {"mean": draw(normal_means), "sd": draw(normal_sds)}
                     for term in ("intercept", "treatment", "biomarker", "interaction")},
    }


@st.composite
def priors_documents(draw: st.DrawFn) -> dict[str, Any]:
    prior_names = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    return {"priors": {name: draw(prior_blocks()) for name in prior_names}}


def write_yaml(folder: str, name: str, document: dict[str, Any]) -> Path:
    path = Path(folder) / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


# --- valid files round-trip ------------------------------------------------------------------


@SETTINGS
@given(document=trial_documents())
def test_trial_file_round_trips(document):
    with tempfile.TemporaryDirectory() as folder:
        trial = load_trial(write_yaml(folder, "trial.yml", document))
    assert trial.name == document["trial"]["name"]
    assert trial.treatment_name == document["trial"]["arms"]["treatment"]
    assert trial.control_name == document["trial"]["arms"]["control"]
    assert trial.randomised == document["trial"].get("randomised", {})
    assert list(trial.outcomes) == list(document["outcomes"])
    for name, block in document["outcomes"].items():
        outcome = trial.outcomes[name]
        assert outcome.label == block.get("label", name)
        for arm in ("treatment", "control"):
            counts = getattr(outcome, arm)
            assert (counts.events, counts.n) == (block[arm]["events"], block[arm]["n"])


@SETTINGS
@given(document=priors_documents())
def test_priors_file_round_trips(document):
    with tempfile.TemporaryDirectory() as folder:
        priors = load_priors(write_yaml(folder, "priors.yml", document))
    assert list(priors.priors) == list(document["priors"])
    for name, block in document["priors"].items():
        prior = priors.get(name)
        assert prior.label == block["label"].strip()
        assert prior.description == block["description"].strip()
        for arm in ("treatment", "control"):
            beta = getattr(prior.beta_binomial, arm)
            assert (beta.alpha, beta.beta) == (block["beta_binomial"][arm]["alpha"],
                                               block["beta_binomial"][arm]["beta"])
        for term, normal in block["logistic"].items():
            assert (getattr(prior.logistic, term).mean, getattr(prior.logistic, term).sd) \
                == (normal["mean"], normal["sd"])


# --- the exact answer agrees with Monte Carlo ------------------------------------------------


@SETTINGS
@given(treatment=arm_counts(), control=arm_counts(),
       parameters=st.lists(beta_parameters, min_size=4, max_size=4),
       seed=st.integers(0, 2**32 - 1))
@pytest.mark.slow
def test_exact_p_benefit_agrees_with_monte_carlo(treatment, control, parameters, seed):
    document = {"trial": {"arms": {"treatment": "T", "control": "C"}},
                "outcomes": {"outcome": {"treatment": treatment, "control": control}}}
    with tempfile.TemporaryDirectory() as folder:
        counts = load_trial(write_yaml(folder, "trial.yml", document)).outcome("outcome")
    prior = BetaBinomialPrior(BetaPrior(parameters[0], parameters[1]),
                              BetaPrior(parameters[2], parameters[3]))
    exact = fit_exact(prior, counts).summary.p_benefit  # every interval too, to accuracy
    assert exact.mcse is None
    assert 0 <= exact.estimate <= 1
    rng = np.random.default_rng(seed)
    draws = {}
    for arm, beta in (("treatment", prior.treatment), ("control", prior.control)):
        arm_data = getattr(counts, arm)
        draws[arm] = rng.beta(beta.alpha + arm_data.events,
                              beta.beta + arm_data.n - arm_data.events, MONTE_CARLO_DRAWS)
    monte_carlo = float(np.mean(draws["treatment"] > draws["control"]))
    standard_error = np.sqrt(monte_carlo * (1 - monte_carlo) / MONTE_CARLO_DRAWS)
    assert abs(exact.estimate - monte_carlo) <= 4 * standard_error + 1e-3


# --- invalid files are refused by the command line, naming the field -----------------------


@dataclass(frozen=True)
class Breakage:
    """One field of a valid file replaced by a bad value, and the field the error names."""

    path: tuple[str, ...]
    value: Any
    field: str


def _set(document: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    copy = yaml.safe_load(yaml.safe_dump(document))
    block = copy
    for key in path[:-1]:
        block = block[key]
    block[path[-1]] = value
    return copy


bad_whole_numbers = st.one_of(
    st.integers(max_value=-1), st.floats(0.1, 1e6).filter(lambda x: x != int(x)),
    st.text(max_size=5), st.booleans(), st.none(), st.lists(st.integers(), max_size=2),
)
"""Values that are not a whole number >= 0 (negative, fractional, text, true/false, empty)."""


@st.composite
def trial_breakages(draw: st.DrawFn) -> tuple[dict[str, Any], Breakage]:
    document = draw(trial_documents())
    outcome = draw(st.sampled_from(list(document["outcomes"])))
    arm = draw(st.sampled_from(["treatment", "control"]))
    where = ("outcomes", outcome, arm)
    n = document["outcomes"][outcome][arm]["n"]
    field = re.escape(".".join(where))
    breakage = draw(st.sampled_from(["events", "n", "too_many", "unknown", "type",
                                     "randomised"]))
    if breakage == "events":
        fix = Breakage((*where, "events"), draw(bad_whole_numbers), rf"{field}\.events")
    elif breakage == "n":
        fix = Breakage((*where, "n"), draw(st.one_of(bad_whole_numbers, st.just(0))),
                       rf"{field}\.(n|events)")
    elif breakage == "too_many":
        fix = Breakage((*where, "events"), n + draw(st.integers(1, 1000)),
                       rf"{field}\.events must be <= n \({n}\)")
    elif breakage == "unknown":
        key = draw(st.sampled_from(["direction", "missing", "events_total", "notes"]))
        fix = Breakage((*where, key), "lower", rf"{field}\.{key} is not a known key")
    elif breakage == "type":
        fix = Breakage(where, draw(st.one_of(st.integers(), st.text(max_size=5), st.none())),
                       rf"{field} must be a mapping")
    else:
        analysed = max(block[arm]["n"] for block in document["outcomes"].values())
        document["trial"].setdefault("randomised", {})
        fix = Breakage(("trial", "randomised", arm), analysed - draw(st.integers(1, analysed)),
                       rf"trial\.randomised\.{arm} must be >= the analysed count")
    return document, fix


@st.composite
def priors_breakages(draw: st.DrawFn) -> tuple[dict[str, Any], Breakage]:
    document = draw(priors_documents())
    name = draw(st.sampled_from(list(document["priors"])))
    base = ("priors", name)
    breakage = draw(st.sampled_from(["alpha", "sd", "number", "unknown", "label", "type"]))
    if breakage == "alpha":
        arm = draw(st.sampled_from(["treatment", "control"]))
        key = draw(st.sampled_from(["alpha", "beta"]))
        value = draw(st.floats(-1e6, 0))
        path = (*base, "beta_binomial", arm, key)
        return document, Breakage(path, value, re.escape(".".join(path)) + " must be > 0")
    if breakage == "sd":
        term = draw(st.sampled_from(["intercept", "treatment", "biomarker", "interaction"]))
        path = (*base, "logistic", term, "sd")
        return document, Breakage(path, draw(st.floats(-100, 0)),
                                  re.escape(".".join(path)) + " must be > 0")
    if breakage == "number":
        term = draw(st.sampled_from(["intercept", "treatment"]))
        path = (*base, "logistic", term, "mean")
        value = draw(st.one_of(st.text(max_size=5), st.booleans(), st.none()))
        return document, Breakage(path, value, re.escape(".".join(path)) + " must be a number")
    if breakage == "unknown":
        path = (*base, draw(st.sampled_from(["weight", "direction", "notes"])))
        return document, Breakage(path, 1, re.escape(".".join(path)) + " is not a known key")
    if breakage == "label":
        path = (*base, "label")
        value = draw(st.one_of(st.just("   "), st.integers(), st.none()))
        return document, Breakage(path, value, re.escape(".".join(path)) + " must be a "
                                  "non-empty text")
    path = (*base, "beta_binomial")
    return document, Breakage(path, draw(st.one_of(st.integers(), st.text(max_size=5))),
                              re.escape(".".join(path)) + " must be a mapping")


def run_cli(argv: list[str]) -> tuple[int, str]:
    """``reanalysis argv`` in this process: the exit status and what went to stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(argv)
    return code, stderr.getvalue()


def assert_refused(argv: list[str], field: str) -> None:
    code, stderr = run_cli(argv)
    assert code == 2, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert re.match(rf"reanalysis: error: {field}", lines[0]), lines[0]


@SETTINGS
@given(case=trial_breakages())
def test_broken_trial_file_is_refused_naming_the_field(case):
    document, breakage = case
    with tempfile.TemporaryDirectory() as folder:
        path = write_yaml(folder, "trial.yml", _set(document, breakage.path, breakage.value))
        assert_refused(["fit", "--model", "beta-binomial", "--prior", "reference",
                        "--priors", str(DEFAULT_PRIORS_FILE), "--trial", str(path),
                        "--outcome", next(iter(document["outcomes"]))], breakage.field)


@SETTINGS
@given(case=priors_breakages())
def test_broken_priors_file_is_refused_naming_the_field(case):
    document, breakage = case
    with tempfile.TemporaryDirectory() as folder:
        path = write_yaml(folder, "priors.yml", _set(document, breakage.path, breakage.value))
        assert_refused(["priors", "--priors", str(path)], breakage.field)
