"""Meta-analytic-predictive (MAP) priors from historical control arms (issue 13, part 2):
the historical controls file and its refusals, the sampled hierarchical model against an
exact quadrature of the same model, the published worked example (RBesT's ankylosing
spondylitis placebo arms), the EM Beta-mixture fit, and the YAML the command prints."""

import json

import numpy as np
import pytest
import yaml
from scipy import integrate, special, stats

from models.cli.main import main
from models.core.distributions import BetaPrior
from models.core.mixtures import BetaMixture
from models.data.historical import load_historical
from models.mcmc.map_prior import MEAN_PRIOR_SD, TAU_PRIOR_SD, fit_map
from models.priors.beta_mixture_fit import auto_fit, fit_beta_mixture, fit_quality
from tests.test_bad_inputs import refused

EXAMPLE = "data/examples/map_ankylosing_spondylitis.yml"

LANCET_PRIOR = BetaPrior(11.0, 32.0)
"""The placebo prior Baeten et al. used in their trial, derived by MAP from these eight
arms (RBesT's vignette: ``lancet_prior <- mixbeta(c(1, 11, 32))``)."""


@pytest.fixture(scope="module")
def example_fit():
    return fit_map(load_historical(EXAMPLE))


# --- the published worked example -------------------------------------------------------


def test_the_worked_example_matches_what_rbest_and_the_trial_report(example_fit):
    """RBesT's vignette runs this model (HalfNormal(1) on tau, N(0, 2) on the mean) on these
    arms and states that 'the MAP prior has a 95% interval of about 0.1 to 0.5'; the trial
    used Beta(11, 32), mean 0.256, as its placebo prior."""
    assert example_fit.diagnostics.ok
    low, high = np.quantile(example_fit.rate_draws, [0.025, 0.975])
    assert 0.08 <= low <= 0.13 and 0.44 <= high <= 0.52
    lancet_mean = LANCET_PRIOR.alpha / (LANCET_PRIOR.alpha + LANCET_PRIOR.beta)
    assert example_fit.rate_draws.mean() == pytest.approx(lancet_mean, abs=0.01)


# --- against an exact quadrature of the same model --------------------------------------


def _quadrature_predictive(events, n, points):
    """P(new control rate <= x) for each x and the predictive mean, by deterministic
    integration: the posterior of (mu, tau) on a fine grid, each study's random effect
    integrated out by 80-point Gauss-Hermite quadrature."""
    z, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    mu = np.linspace(-4.0, 2.0, 601)[:, None]
    tau = np.linspace(1e-4, 4.0, 801)[None, :]
    log_post = stats.norm.logpdf(mu, 0.0, MEAN_PRIOR_SD) + stats.halfnorm.logpdf(
        tau, scale=TAU_PRIOR_SD)
    for y, size in zip(events, n, strict=True):
        theta = mu[..., None] + tau[..., None] * z
        log_like = stats.binom.logpmf(y, size, special.expit(theta))
        log_post = log_post + special.logsumexp(log_like, b=w, axis=-1)
    post = np.exp(log_post - log_post.max())
    mass = integrate.simpson(integrate.simpson(post, x=tau[0], axis=1), x=mu[:, 0])
    logit = special.logit(np.asarray(points))
    cdf = [integrate.simpson(integrate.simpson(
        post * stats.norm.cdf((q - mu) / tau), x=tau[0], axis=1), x=mu[:, 0]) / mass
        for q in logit]
    mean_rate = integrate.simpson(integrate.simpson(
        post * (special.expit(mu[..., None] + tau[..., None] * z) @ w), x=tau[0], axis=1),
        x=mu[:, 0]) / mass
    return np.array(cdf), float(mean_rate)


def test_the_sampled_map_matches_exact_quadrature(example_fit):
    controls = load_historical(EXAMPLE)
    points = [0.15, 0.2, 0.25, 0.3, 0.4]
    cdf, mean_rate = _quadrature_predictive([a.events for a in controls.studies],
                                            [a.n for a in controls.studies], points)
    draws = example_fit.rate_draws
    ess = example_fit.diagnostics.ess_bulk_min
    for x, exact in zip(points, cdf, strict=True):
        sampled = float((draws <= x).mean())
        assert abs(sampled - exact) <= 4 * np.sqrt(exact * (1 - exact) / ess), (x, sampled, exact)
    assert abs(draws.mean() - mean_rate) <= 4 * draws.std() / np.sqrt(ess)


# --- the Beta mixture fit ---------------------------------------------------------------


def test_em_recovers_a_known_two_component_mixture():
    truth = BetaMixture((0.7, 0.3), (BetaPrior(20.0, 60.0), BetaPrior(4.0, 6.0)))
    rng = np.random.default_rng(20261128)
    which = rng.random(40_000) < truth.weights[0]
    draws = np.where(which, rng.beta(20, 60, which.size), rng.beta(4, 6, which.size))
    fit = fit_beta_mixture(draws, 2)
    assert fit.converged
    assert fit.mixture.weights[0] == pytest.approx(0.7, abs=0.02)
    first, second = fit.mixture.components
    assert first.alpha / (first.alpha + first.beta) == pytest.approx(0.25, abs=0.005)
    assert first.alpha + first.beta == pytest.approx(80, rel=0.1)
    assert second.alpha / (second.alpha + second.beta) == pytest.approx(0.4, abs=0.02)
    assert fit_quality(fit.mixture, draws).ks_distance < 0.01


@pytest.mark.slow
def test_auto_fit_keeps_one_component_for_one_beta():
    draws = np.random.default_rng(7).beta(11, 32, 20_000)
    best, tried = auto_fit(draws)
    assert len(best.mixture.components) == 1
    assert [len(f.mixture.components) for f in tried] == [1, 2, 3, 4]
    only = best.mixture.components[0]
    assert only.alpha == pytest.approx(11, rel=0.05) and only.beta == pytest.approx(32, rel=0.05)


def test_the_example_mixture_describes_its_draws(example_fit):
    best, _ = auto_fit(example_fit.rate_draws)
    quality = fit_quality(best.mixture, example_fit.rate_draws)
    assert quality.ks_distance < 0.02
    assert quality.largest_quantile_gap < 0.01
    assert quality.mixture_mean == pytest.approx(quality.draws_mean, abs=0.002)
    # One Beta fits worse than the chosen mixture (the predictive has a heavy right tail).
    one = fit_quality(auto_fit(example_fit.rate_draws, 1)[0].mixture, example_fit.rate_draws)
    assert one.ks_distance > quality.ks_distance


# --- the command ------------------------------------------------------------------------


@pytest.mark.slow
def test_priors_map_prints_yaml_that_a_priors_file_accepts(capsys, tmp_path):
    assert main(["priors", "map", "--historical", EXAMPLE]) == 0
    text = capsys.readouterr().out
    snippet = yaml.safe_load(text)
    mixture = snippet["beta_binomial"]["control"]["mixture"]
    assert sum(c["weight"] for c in mixture) == pytest.approx(1.0, abs=1e-3)
    assert "Kolmogorov-Smirnov distance" in text and "ELIR" in text
    with open("data/priors.yml", encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    prior = document["priors"]["reference"]
    prior["beta_binomial"]["control"] = snippet["beta_binomial"]["control"]
    prior["logistic"]["intercept"] = snippet["logistic"]["intercept"]
    path = tmp_path / "map.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    assert main(["priors", "--priors", str(path)]) == 0
    shown = capsys.readouterr().out
    assert "Beta mixtures given in the file" in shown
    # The pasted mixture is the control arm's prior: exact P(benefit) against brute force.
    assert main(["fit", "--model", "beta-binomial", "--prior", "reference", "--outcome",
                 "remission", "--priors", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    counts = {"treatment": (7, 13), "control": (5, 16)}
    assert result["counts"] == {"treatment": "7/13", "control": "5/16"}

    def control_posterior(x):
        events, n = counts["control"]
        return sum(c["weight"] * stats.beta.pdf(x, c["alpha"], c["beta"])
                   for c in mixture) * stats.binom.pmf(events, n, x)

    mass = integrate.quad(control_posterior, 0, 1, epsabs=1e-13)[0]
    events_t, n_t = counts["treatment"]
    brute = integrate.quad(lambda x: control_posterior(x) / mass * stats.beta.sf(
        x, 1 + events_t, 1 + n_t - events_t), 0, 1, epsabs=1e-13)[0]
    assert result["p_benefit"] == pytest.approx(brute, abs=1e-8)


@pytest.mark.slow
def test_priors_map_json(capsys):
    assert main(["priors", "map", "--historical", EXAMPLE, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["diagnostics_ok"]
    assert len(result["historical"]["studies"]) == 8
    assert 1 <= result["mixture_fit"]["components"] <= 4
    assert result["ess"]["elir"] > 0 and result["mixture_fit"]["ks_distance"] < 0.02
    low, high = result["predictive"]["interval95"]
    assert low < result["predictive"]["mean"] < high


# --- bad input --------------------------------------------------------------------------


def _historical(tmp_path, studies, extra=""):
    path = tmp_path / "h.yml"
    path.write_text(extra + yaml.safe_dump({"studies": studies}, sort_keys=False))
    return str(path)


ARM = {"study": "A", "events": 3, "n": 20, "source": "Doe 2020, Table 2"}


@pytest.mark.parametrize(("studies", "message"), [
    ([ARM], r"studies must list 2 to 200 studies"),
    ([ARM, {**ARM, "study": "B", "events": 21}], r"studies\[1\]\.events must be at most n"),
    ([ARM, {k: v for k, v in ARM.items() if k != "source"} | {"study": "B"}],
     r"studies\[1\].*source"),
    ([ARM, {**ARM, "study": "B", "source": " "}], r"studies\[1\]\.source must be a non-empty"),
    ([ARM, {**ARM, "study": "B", "n": 20.5}], r"studies\[1\]\.n must be a whole number"),
    ([ARM, {**ARM, "study": "B", "arm": "placebo"}], r"studies\[1\].*arm"),
    ([ARM, dict(ARM)], r"each study must appear once"),
])
def test_bad_historical_files_are_refused(capsys, tmp_path, studies, message):
    refused(capsys, ["priors", "map", "--historical", _historical(tmp_path, studies)], message)


def test_bad_tau_scale_and_missing_file_are_refused(capsys, tmp_path):
    refused(capsys, ["priors", "map", "--historical", EXAMPLE, "--tau-sd", "-1"],
            r"--tau-sd must be a number > 0")
    refused(capsys, ["priors", "map", "--historical", str(tmp_path / "none.yml")],
            r"does not exist")
