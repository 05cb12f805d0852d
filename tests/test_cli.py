"""The command line: JSON contract, values, and one clear message for each bad input."""

import json
import math
import re
import subprocess
import sys

import numpy as np
import pytest

from models.cli.main import main
from models.exact.beta_binomial import fit_exact

JSON_KEYS = {"model", "prior", "method", "p_benefit", "p_benefit_greater", "odds_ratio",
             "risk_ratio", "risk_difference"}


def run_json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_exact_fit_json_shape_and_values(capsys, trial, prior_set):
    out = run_json(capsys, "fit", "--model", "beta-binomial", "--outcome", "remission",
                   "--prior", "skeptical", "--json")
    assert set(out) >= JSON_KEYS
    assert out["method"] == "exact"
    assert set(out["p_benefit_greater"]) == {"0", "0.05", "0.1", "0.2"}
    expected = fit_exact(prior_set.get("skeptical").beta_binomial,
                         trial.outcome("remission")).summary
    assert out["p_benefit"] == pytest.approx(expected.p_benefit.estimate, abs=1e-12)
    assert out["p_benefit_greater"]["0.1"] == pytest.approx(
        expected.p_benefit_greater[0.1].estimate)
    for key in ("odds_ratio", "risk_ratio", "risk_difference"):
        lo, hi = out[key]["ci95"]
        assert lo < out[key]["median"] < hi


def test_counts_override(capsys):
    out = run_json(capsys, "fit", "--model", "beta-binomial", "--prior", "reference",
                   "--treatment", "7/13", "--control", "7/13", "--json")
    assert out["counts"] == {"treatment": "7/13", "control": "7/13"}
    assert out["p_benefit"] == pytest.approx(0.5, abs=1e-9)


@pytest.mark.slow
def test_mcmc_fit_json_has_diagnostics(capsys):
    out = run_json(capsys, "fit", "--model", "beta-binomial", "--outcome", "response",
                   "--prior", "reference", "--mcmc", "--json")
    assert out["method"] == "mcmc"
    assert {"rhat_max", "ess_bulk_min", "divergences"} <= set(out["diagnostics"])
    assert out["mcse_p_benefit"] > 0
    assert abs(out["p_benefit"] - out["exact_p_benefit"]) <= 4 * out["mcse_p_benefit"]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--treatment", "14/13"], r"--treatment.events must be <= n \(13\), got 14"),
        (["--control=-1/16"], r"--control.events must be >= 0, got -1"),
        (["--treatment", "6.5/13"], r"--treatment must be whole numbers EVENTS/N"),
        (["--control", "5/0"], r"--control.n must be > 0, got 0"),
        (["--control", "five"], r"--control must look like EVENTS/N"),
        (["--prior", "optimistic"], r"--prior must be one of reference, skeptical, "
                                    r"enthusiastic, skeptical_robust, enthusiastic_robust, "
                                    r"got 'optimistic'"),
        (["--outcome", "relapse"], r"--outcome must be one of remission, response"),
        (["--priors", "/nonexistent/priors.yml"], r"priors file /nonexistent/priors.yml does "
                                                  r"not exist"),
    ],
)
def test_bad_input_gives_one_message_and_status_2(capsys, flags, message):
    argv = ["fit", "--model", "beta-binomial", "--prior", "reference", *flags]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert re.search(message, err), err


def test_bad_priors_file_values(capsys, write_priors, priors_text):
    bad = write_priors(priors_text.replace("treatment: {alpha: 1.0, beta: 1.0}",
                                           "treatment: {alpha: 0, beta: 1.0}", 1))
    assert main(["fit", "--model", "beta-binomial", "--prior", "reference",
                 "--priors", str(bad)]) == 2
    assert "priors.reference.beta_binomial.treatment.alpha must be > 0, got 0" in \
        capsys.readouterr().err


def test_malformed_yaml(capsys, write_priors):
    bad = write_priors("priors:\n  skeptical: [unclosed\n")
    assert main(["priors", "--priors", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "is not valid YAML at line" in err


def test_no_traceback_in_a_real_process():
    result = subprocess.run(
        [sys.executable, "-m", "models", "fit", "--model", "beta-binomial", "--prior",
         "reference", "--treatment", "20/13"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    expected = "reanalysis: error: --treatment.events must be <= n (13), got 20"
    assert result.stderr.strip() == expected


def test_priors_command_prints_implied_statements(capsys):
    assert main(["priors"]) == 0
    out = capsys.readouterr().out
    assert "prior P(ARD > design ARD 0.205) = 0.050" in out
    assert "prior effective sample size" in out


def test_priors_calibrate_prints_loadable_yaml(capsys, write_priors):
    assert main(["priors", "calibrate", "--design-or", "3", "--tail", "0.1",
                 "--placebo-rate", "0.3"]) == 0
    text = capsys.readouterr().out
    path = write_priors(text, "calibrated.yml")
    from models.priors.priors_file import load_priors

    priors = load_priors(path)
    assert priors.calibration.design_odds_ratio == 3
    assert set(priors.names) == {"reference", "skeptical", "enthusiastic"}


def test_priors_calibrate_rejects_bad_flags(capsys):
    assert main(["priors", "calibrate", "--tail", "0.7"]) == 2
    assert "--tail must be < 0.5, got 0.7" in capsys.readouterr().err


def test_a_numerical_failure_is_one_line_with_status_1(capsys, write_priors, priors_text):
    # Beta(0.01, 0.01) with no events in either arm: about 1e-3 of each arm's mass lies
    # below the smallest double, so P(benefit) cannot reach its stated accuracy and the fit
    # stops loudly, in one line, without a traceback.
    tiny = priors_text.replace("alpha: 1.0, beta: 1.0", "alpha: 0.01, beta: 0.01")
    assert tiny != priors_text
    path = write_priors(tiny)
    status = main(["fit", "--model", "beta-binomial", "--prior", "reference", "--priors",
                   str(path), "--treatment", "0/20", "--control", "0/20", "--json"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.match(r"reanalysis: error: quadrature did not reach 1e-10 for BetaContrast", err)


def test_logistic_fit_on_counts_is_exact_and_agrees_with_independent_integration(capsys):
    """The primary model's answer: deterministic, within 1e-6 of scipy's adaptive
    two-dimensional integration of the same posterior."""
    from scipy import integrate

    from models.core.paths import DEFAULT_PRIORS_FILE, TRIAL_COUNTS_FILE
    from models.data.trial import load_trial
    from models.priors.priors_file import load_priors

    out = run_json(capsys, "fit", "--model", "logistic", "--outcome", "remission",
                   "--prior", "skeptical", "--json")
    assert out["method"] == "exact"
    assert "mcse_p_benefit" not in out
    counts = load_trial(TRIAL_COUNTS_FILE).outcome("remission")
    prior = load_priors(DEFAULT_PRIORS_FILE).get("skeptical").logistic
    t, c = counts.treatment, counts.control

    def density(a: float, b: float) -> float:
        return math.exp(
            t.events * (a + b) - t.n * np.logaddexp(0, a + b)
            + c.events * a - c.n * np.logaddexp(0, a)
            - 0.5 * ((b - prior.treatment.mean) / prior.treatment.sd) ** 2
            - 0.5 * ((a - prior.intercept.mean) / prior.intercept.sd) ** 2 + 20)

    above = integrate.dblquad(density, 0, 12, -15, 10, epsabs=1e-13, epsrel=1e-11)[0]
    below = integrate.dblquad(density, -12, 0, -15, 10, epsabs=1e-13, epsrel=1e-11)[0]
    assert abs(out["p_benefit"] - above / (above + below)) < 1e-6
    assert out["p_benefit_greater"]["0"] == out["p_benefit"]
