"""Robust mixture priors in the priors file (issue 13, second part): the ``robust`` block,
the exact beta-binomial and normal-normal fits with mixture priors against brute-force
integration, assurance from a mixture posterior, the sampled models (beta-binomial,
aggregate logistic, interaction) against the exact mixture posteriors, and the one place
the report refuses them."""

import copy
import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import integrate, special, stats

from models.cli.main import main
from models.core.distributions import BetaBinomialPrior
from models.core.mixtures import BetaMixture, NormalMixture
from models.exact.assurance import assurance, mixture_assurance
from models.exact.beta_mixture import MixtureArms
from models.exact.normal_normal import from_counts
from models.exact.success_rule import SuccessRule
from models.priors.priors_file import load_priors, parse_priors, prior_to_mapping
from tests.test_bad_inputs import PRIORS_TEXT, refused


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def robust_priors_text(weight: object = 0.2, extra: dict | None = None) -> str:
    """The shipped priors file with a robust copy of the skeptical prior."""
    document = yaml.safe_load(PRIORS_TEXT)
    robust = copy.deepcopy(document["priors"]["skeptical"])
    robust["label"] = "Skeptical, robust"
    robust["robust"] = {"weight": weight, **(extra or {})}
    document["priors"]["skeptical_robust"] = robust
    return yaml.dump(document, Dumper=_NoAliases, sort_keys=False)


@pytest.fixture
def robust_file(tmp_path):
    path = tmp_path / "robust.yml"
    path.write_text(robust_priors_text())
    return path


def run_json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def posterior_density(mixture: BetaMixture, events: int, n: int):
    """The normalised posterior density of a rate by brute force: prior x likelihood."""
    def unnormalised(p: float) -> float:
        prior = sum(w * stats.beta.pdf(p, c.alpha, c.beta)
                    for w, c in zip(mixture.weights, mixture.components, strict=True))
        return prior * stats.binom.pmf(events, n, p)

    total = integrate.quad(unnormalised, 0, 1, epsabs=1e-14)[0]
    return lambda p: unnormalised(p) / total


@pytest.mark.slow
def test_beta_binomial_fit_of_a_robust_prior_matches_brute_force(capsys, robust_file, trial):
    out = run_json(capsys, "fit", "--model", "beta-binomial", "--prior", "skeptical_robust",
                   "--priors", str(robust_file), "--outcome", "remission", "--json")
    assert out["method"] == "exact"
    assert out["robust_weight"] == 0.2
    prior = load_priors(robust_file).get("skeptical_robust")
    counts = trial.outcome("remission")
    treatment = posterior_density(prior.beta_mixtures[0], counts.treatment.events,
                                  counts.treatment.n)
    control = posterior_density(prior.beta_mixtures[1], counts.control.events, counts.control.n)
    p_benefit = integrate.quad(
        lambda x: control(x) * integrate.quad(treatment, x, 1, epsabs=1e-12)[0], 0, 1,
        epsabs=1e-10)[0]
    assert out["p_benefit"] == pytest.approx(p_benefit, abs=1e-7)
    for arm in ("treatment", "control"):
        weights = out["posterior_weights"][arm]
        assert sum(weights) == pytest.approx(1.0, abs=1e-12)
        assert [c["weight"] for c in out["mixtures"][arm]["posterior"]] == weights
        assert [c["weight"] for c in out["mixtures"][arm]["prior"]] == [0.8, 0.2]
    # the data (7/13 against an informative 25%) move weight to the vague component
    assert out["posterior_weights"]["treatment"][1] > 0.2
    lo, hi = out["risk_difference"]["ci95"]
    assert lo < out["risk_difference"]["median"] < hi
    conflict = out["prior_data_conflict"]
    assert 0 < conflict["box_p_informative"] < conflict["box_p"] <= 1


def test_normal_fit_of_a_robust_prior_matches_brute_force(capsys, robust_file, trial):
    out = run_json(capsys, "fit", "--model", "normal", "--prior", "skeptical_robust",
                   "--priors", str(robust_file), "--outcome", "response", "--json")
    likelihood = from_counts(trial.outcome("response"))
    mixture = load_priors(robust_file).get("skeptical_robust").log_odds_ratio_mixture

    def unnormalised(b: float) -> float:
        prior = sum(w * stats.norm.pdf(b, c.mean, c.sd)
                    for w, c in zip(mixture.weights, mixture.components, strict=True))
        return prior * stats.norm.pdf(likelihood.log_estimate, b, likelihood.standard_error)

    total = integrate.quad(unnormalised, -30, 30, epsabs=1e-14, limit=200)[0]
    above = integrate.quad(unnormalised, 0, 30, epsabs=1e-14, limit=200)[0]
    assert out["p_benefit"] == pytest.approx(above / total, abs=1e-9)
    median = out["effect"]["median"]
    below_median = integrate.quad(unnormalised, -30, math.log(median), epsabs=1e-14,
                                  limit=200)[0] / total
    assert below_median == pytest.approx(0.5, abs=1e-8)
    assert sum(out["posterior_weights"]) == pytest.approx(1.0)


def test_mixture_assurance_is_the_weighted_sum_over_component_pairs(prior_set, trial):
    robust = BetaMixture.robust(prior_set.get("skeptical").beta_binomial.treatment, 0.3)
    other = BetaMixture.robust(prior_set.get("enthusiastic").beta_binomial.control, 0.1)
    counts = trial.outcome("remission")
    arms = MixtureArms(robust, other).updated((counts.treatment.events, counts.treatment.n),
                                              (counts.control.events, counts.control.n))
    rule = SuccessRule.per_arm(80)
    pairs = sum(w * assurance(rule, pair) for w, pair in arms.pairs())
    assert mixture_assurance(rule, arms) == pytest.approx(pairs, abs=1e-13)
    single = MixtureArms.of(BetaBinomialPrior(arms.treatment.components[0],
                                              arms.control.components[0]))
    assert mixture_assurance(rule, single) == pytest.approx(
        assurance(rule, BetaBinomialPrior(arms.treatment.components[0],
                                          arms.control.components[0])), abs=1e-15)


def test_assurance_verb_uses_the_mixture(capsys, robust_file):
    robust = run_json(capsys, "assurance", "--outcome", "remission", "--prior",
                      "skeptical_robust", "--priors", str(robust_file), "--n-per-arm", "100",
                      "--json")
    plain = run_json(capsys, "assurance", "--outcome", "remission", "--prior", "skeptical",
                     "--priors", str(robust_file), "--n-per-arm", "100", "--json")
    assert robust["assurance"] != pytest.approx(plain["assurance"], abs=1e-3)
    assert robust["ceiling"] > plain["ceiling"]  # the vague part lets the data speak
    assert [c["weight"] for c in robust["posterior"]["treatment"]][1] > 0.2


def test_robust_block_round_trips_through_the_writer(robust_file):
    prior = load_priors(robust_file).get("skeptical_robust")
    again = parse_priors({"priors": {"x": prior_to_mapping(prior)}}, robust_file).get("x")
    assert again.robust == prior.robust
    assert again.log_odds_ratio_mixture == NormalMixture.robust(prior.logistic.treatment, 0.2)


def test_vague_components_can_be_overridden(tmp_path):
    path = tmp_path / "p.yml"
    path.write_text(robust_priors_text(0.1, {"vague_beta": {"alpha": 0.5, "beta": 0.5},
                                             "vague_log_odds_ratio": {"mean": 0, "sd": 4}}))
    prior = load_priors(path).get("skeptical_robust")
    assert prior.beta_mixtures[0].components[1].alpha == 0.5
    assert prior.log_odds_ratio_mixture.components[1].sd == 4
    assert prior.beta_mixtures[0].weights == pytest.approx((0.9, 0.1))


def test_priors_verb_shows_the_mixtures_and_their_ess(capsys, robust_file):
    assert main(["priors", "--priors", str(robust_file)]) == 0
    out = capsys.readouterr().out
    assert "robust: weight 0.2" in out
    assert "(ELIR)" in out and "(moment)" in out


@pytest.mark.parametrize(("weight", "message"), [
    (0, r"priors.skeptical_robust.robust.weight must be strictly between 0 and 1"),
    (1, r"robust.weight must be strictly between 0 and 1"),
    (1.5, r"robust.weight must be strictly between 0 and 1 .*, got 1.5"),
    ("some", r"robust.weight must be a number"),
])
def test_bad_robust_weight_is_refused(capsys, tmp_path, weight, message):
    path = tmp_path / "p.yml"
    path.write_text(robust_priors_text(weight))
    refused(capsys, ["priors", "--priors", str(path)], message)


def test_unknown_key_and_bad_vague_component_are_refused(capsys, tmp_path):
    path = tmp_path / "p.yml"
    path.write_text(robust_priors_text(0.2, {"vague": 1}))
    refused(capsys, ["priors", "--priors", str(path)], r"robust.vague")
    path.write_text(robust_priors_text(0.2, {"vague_beta": {"alpha": -1, "beta": 1}}))
    refused(capsys, ["priors", "--priors", str(path)], r"robust.vague_beta.alpha must be > 0")


def test_the_report_refuses_a_robust_prior_only_for_published_ratios(capsys, tmp_path):
    """The report takes robust priors for counts (the shipped file has two); an outcome
    given only as a published ratio takes one normal prior, so a robust prior is refused
    by name before anything runs."""
    document = yaml.safe_load(Path("data/examples/andromeda_shock_priors.yml").read_text(
        encoding="utf-8"))
    first = next(iter(document["priors"]))
    document["priors"][first]["robust"] = {"weight": 0.2}
    path = tmp_path / "robust_andromeda.yml"
    path.write_text(yaml.dump(document, Dumper=_NoAliases, sort_keys=False))
    output = tmp_path / "r.html"
    refused(capsys, ["report", "--priors", str(path), "--trial",
                     "data/examples/andromeda_shock_mortality.yml", "--output", str(output)],
            rf"priors.{first}.robust is not used by the report for outcomes given only as a "
            "published ratio")
    assert not output.exists()


# --- the sampled models with a mixture prior, against the exact answers ----------------


def _agrees(sampled: float, mcse: float, exact: float) -> None:
    """Within 4 Monte Carlo SEs (MCSE floored at 1e-3 for a probability near 0 or 1)."""
    assert abs(sampled - exact) <= 4 * max(mcse, 1e-3), (sampled, mcse, exact)


@pytest.mark.parametrize("model", ["beta-binomial", "logistic"])
@pytest.mark.slow
def test_mcmc_with_a_robust_prior_matches_the_exact_mixture_posterior(capsys, robust_file,
                                                                       model):
    result = run_json(capsys, "fit", "--model", model, "--mcmc", "--prior", "skeptical_robust",
                      "--outcome", "response", "--priors", str(robust_file), "--json")
    assert result["method"] == "mcmc"
    exact = run_json(capsys, "fit", "--model", model, "--prior", "skeptical_robust",
                     "--outcome", "response", "--priors", str(robust_file), "--json")
    assert result["exact_p_benefit"] == pytest.approx(exact["p_benefit"], abs=1e-12)
    _agrees(result["p_benefit"], result["mcse_p_benefit"], exact["p_benefit"])
    assert result["diagnostics_ok"], result["diagnostics"]
    # The mixture, not its informative component alone, was sampled.
    plain = run_json(capsys, "fit", "--model", model, "--prior", "skeptical", "--outcome",
                     "response", "--priors", str(robust_file), "--json")
    assert abs(result["p_benefit"] - plain["p_benefit"]) > 4 * result["mcse_p_benefit"]


@pytest.mark.slow
def test_the_interaction_model_samples_a_robust_log_or_prior(capsys, robust_file):
    robust = run_json(capsys, "fit", "--model", "logistic", "--ipd", "data/simulated_ipd.csv",
                      "--prior", "skeptical_robust", "--priors", str(robust_file), "--json")
    plain = run_json(capsys, "fit", "--model", "logistic", "--ipd", "data/simulated_ipd.csv",
                     "--prior", "skeptical", "--priors", str(robust_file), "--json")
    assert robust["diagnostics_ok"], robust["diagnostics"]
    # The vague component lets the data pull the log OR further from 0 than N(0, 0.557).
    assert robust["coefficients"]["treatment"]["median"] > \
        plain["coefficients"]["treatment"]["median"]


def test_mixture_shared_data_pad_a_single_component_with_zero_weight():
    from models.core.distributions import NormalPrior
    from models.core.paths import TRIAL_COUNTS_FILE
    from models.data.trial import load_trial
    from models.mcmc.beta_binomial import mixture_model_data
    from models.mcmc.logistic_models import aggregate_model_data, has_mixture, mixture_data

    counts = load_trial(TRIAL_COUNTS_FILE).outcome("remission")
    single = NormalMixture.single(NormalPrior(0.5, 1.0))
    assert mixture_data(single)["treatment_w"].tolist() == [1.0, 0.0]
    prior_set = load_priors("data/priors.yml")
    plain = aggregate_model_data(prior_set.get("skeptical").logistic, counts, single)
    assert not has_mixture(plain)  # one component: the plain structure
    arms = MixtureArms(BetaMixture.single(prior_set.get("skeptical").beta_binomial.treatment),
                       BetaMixture.robust(prior_set.get("skeptical").beta_binomial.control,
                                          0.2))
    data = mixture_model_data(arms, counts)
    assert data["w"].tolist() == [[1.0, 0.0, 0.0, 0.0, 0.0], [0.8, 0.2, 0.0, 0.0, 0.0]]
    informative = prior_set.get("skeptical").beta_binomial.control.alpha
    assert data["alpha"][1].tolist() == [informative, 1.0, informative, informative,
                                         informative]  # padded with copies of the first


# --- the exact logistic model with a mixture prior on the log OR ------------------------


def brute_force_logistic(counts, intercept, mixture):
    """log evidence of each component, the posterior weights and P(b > 0) under the
    mixture, by Simpson's rule on a fine (a, b) grid (binomial coefficients included)."""
    a = np.linspace(-12, 8, 2001)[:, None]
    b = np.linspace(-15, 15, 3001)[None, :]
    log_likelihood = (stats.binom.logpmf(counts.treatment.events, counts.treatment.n,
                                         special.expit(a + b))
                      + stats.binom.logpmf(counts.control.events, counts.control.n,
                                           special.expit(a))
                      + stats.norm.logpdf(a, intercept.mean, intercept.sd))
    evidences, above = [], []
    positive = b[0] >= 0  # the grid holds b = 0: Simpson's rule on [0, 15] has no cut
    for component in mixture.components:
        joint = np.exp(log_likelihood + stats.norm.logpdf(b, component.mean, component.sd))
        evidences.append(integrate.simpson(integrate.simpson(joint, x=b[0], axis=1),
                                           x=a[:, 0]))
        above.append(integrate.simpson(integrate.simpson(joint[:, positive],
                                                         x=b[0, positive], axis=1),
                                       x=a[:, 0]))
    weights = [w * z for w, z in zip(mixture.weights, evidences, strict=True)]
    return ([math.log(z) for z in evidences], [w / sum(weights) for w in weights],
            sum(w * p for w, p in zip(mixture.weights, above, strict=True)) / sum(weights))


@pytest.mark.slow
def test_logistic_evidence_weights_and_p_benefit_match_2d_integration(prior_set, trial):
    from models.exact.logistic_mixture import LogisticMixturePosterior

    counts = trial.outcome("response")
    prior = prior_set.get("skeptical").logistic
    mixture = NormalMixture.robust(prior.treatment, 0.3)
    posterior = LogisticMixturePosterior(counts, prior.intercept, mixture)
    log_z, weights, p_benefit = brute_force_logistic(counts, prior.intercept, mixture)
    coefficients = (math.log(math.comb(counts.treatment.n, counts.treatment.events))
                    + math.log(math.comb(counts.control.n, counts.control.events)))
    for component, expected in zip(posterior.components, log_z, strict=True):
        assert component.log_evidence + coefficients == pytest.approx(expected, abs=1e-6)
    assert posterior.weights == pytest.approx(weights, abs=1e-6)
    assert posterior.p_benefit() == pytest.approx(p_benefit, abs=2e-6)


def test_one_component_logistic_mixture_is_the_logistic_posterior(prior_set, trial):
    from models.exact.logistic_mixture import LogisticMixturePosterior
    from models.exact.logistic_posterior import LogisticPosterior

    counts = trial.outcome("remission")
    prior = prior_set.get("enthusiastic").logistic
    single = LogisticMixturePosterior(counts, prior.intercept,
                                      NormalMixture.single(prior.treatment))
    plain = LogisticPosterior(counts, prior.intercept, prior.treatment)
    assert single.weights == (1.0,)
    assert single.p_benefit() == plain.p_benefit()
    assert single.p_ard_greater(0.1) == plain.p_ard_greater(0.1)
    assert single.interval("or") == plain.interval("or")


@pytest.mark.slow
def test_logistic_fit_of_a_robust_prior_gives_weights_and_summaries(capsys, robust_file):
    out = run_json(capsys, "fit", "--model", "logistic", "--prior", "skeptical_robust",
                   "--priors", str(robust_file), "--outcome", "remission", "--json")
    plain = run_json(capsys, "fit", "--model", "logistic", "--prior", "skeptical",
                     "--priors", str(robust_file), "--outcome", "remission", "--json")
    assert out["method"] == "exact"
    assert sum(out["posterior_weights"]) == pytest.approx(1.0)
    assert out["posterior_weights"][1] < 0.2 + 0.1  # these counts hardly conflict
    # the vague component lets the data pull further from no effect
    assert out["p_benefit"] > plain["p_benefit"]
    lo, hi = out["odds_ratio"]["ci95"]
    assert lo < out["odds_ratio"]["median"] < hi


@pytest.mark.parametrize("model", ["beta-binomial", "normal", "logistic"])
@pytest.mark.slow
def test_text_output_shows_the_posterior_weights(capsys, robust_file, model):
    assert main(["fit", "--model", model, "--prior", "skeptical_robust", "--priors",
                 str(robust_file), "--outcome", "remission"]) == 0
    out = capsys.readouterr().out
    assert "posterior weights (informative, vague):" in out
    assert ("prior-data conflict (Box's prior predictive p)" in out) == (model == "beta-binomial")
