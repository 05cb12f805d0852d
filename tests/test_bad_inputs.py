"""Bad inputs are refused through the real command line: exit status 2, exactly one line on
stderr naming the field and what is allowed, no traceback, and no output file replaced."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from models.cli.main import main
from models.core.errors import InputError
from models.core.paths import DEFAULT_PRIORS_FILE, ROOT, SIMULATED_IPD_FILE, TRIAL_COUNTS_FILE
from models.core.yaml_io import MAX_YAML_BYTES, parse_yaml, read_yaml_mapping
from models.data.trial import load_trial

TRIAL_TEXT = TRIAL_COUNTS_FILE.read_text(encoding="utf-8")
PRIORS_TEXT = DEFAULT_PRIORS_FILE.read_text(encoding="utf-8")

FIT_EXACT = ["fit", "--model", "beta-binomial", "--prior", "reference"]
FIT_LOGISTIC = ["fit", "--model", "logistic", "--prior", "reference"]


def refused(capsys: pytest.CaptureFixture[str], argv: list[str], field: str) -> str:
    """Run ``reanalysis argv``; check exit 2, one stderr line matching ``field``; return it."""
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == ""
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert re.search(field, lines[0]), lines[0]
    assert lines[0].startswith("reanalysis: error: ")
    return lines[0]


def write(tmp_path: Path, text: str, name: str = "input.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edited_trial(tmp_path: Path, old: str, new: str) -> Path:
    """The shipped trial file with one edit, written to ``tmp_path`` (its individual data
    named by absolute path, since the copy is in another folder)."""
    assert old in TRIAL_TEXT
    text = TRIAL_TEXT.replace(old, new, 1)
    return write(tmp_path, text.replace("path: simulated_ipd.csv", f"path: {SIMULATED_IPD_FILE}"),
                 "trial.yml")


# --- the trial counts file ---------------------------------------------------------------


def test_shipped_trial_file_still_loads():
    trial = load_trial()
    assert trial.randomised == {"treatment": 14, "control": 16}
    assert set(trial.outcomes) == {"remission", "response"}


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("outcomes:\n", "direction: lower\noutcomes:\n",
         r"file\.direction is not a known key \(allowed: trial, outcomes\)"),
        ("  timepoint: day 28\n", "  timepoint: day 28\n  direction: lower\n",
         r"trial\.direction is not a known key \(allowed: arms, name, registration, timepoint, "
         r"randomised, description, caveats, references, ipd\)"),
        ("    direction: higher\n", "    direction: sideways\n",
         r"outcomes\.remission\.direction must be one of higher, lower"),
        ("    label: Remission at day 28\n", "    label: Remission at day 28\n    effect: big\n",
         r"outcomes\.remission\.effect is not a known key \(allowed: label, direction, "
         r"treatment, control, estimate\)"),
        ("    treatment: {events: 7, n: 13}\n",
         "    treatment: {events: 7, n: 13}\n    estimate: {measure: odds_ratio, value: 2.0, "
         "ci95: [0.5, 8.0]}\n",
         r"outcomes\.remission\.estimate must not be given together with counts"),
        ("    treatment: {events: 7, n: 13}\n    control: {events: 5, n: 16}\n",
         "    estimate: {measure: odds_ratio, value: 2.0, ci95: [2.5, 8.0]}\n",
         r"outcomes\.remission\.estimate\.ci95 must contain the value 2"),
        ("    treatment: {events: 7, n: 13}\n    control: {events: 5, n: 16}\n",
         "    estimate: {measure: odds_ratio, value: 2.0, ci95: [0, 8.0]}\n",
         r"outcomes\.remission\.estimate\.ci95 must be positive finite"),
        ("    treatment: {events: 7, n: 13}\n    control: {events: 5, n: 16}\n",
         "    estimate: {measure: odds_ratio, value: 2.0, ci95: [8.0, 0.5]}\n",
         r"outcomes\.remission\.estimate\.ci95 must be \[lower, upper\] with lower < upper"),
        ("    treatment: {events: 7, n: 13}\n    control: {events: 5, n: 16}\n",
         "    estimate: {measure: mean_difference, value: 2.0, ci95: [1.0, 3.0]}\n",
         r"outcomes\.remission\.estimate\.measure must be one of odds_ratio, risk_ratio, "
         r"hazard_ratio"),
        ("    treatment: {events: 7, n: 13}\n    control: {events: 5, n: 16}\n",
         "    estimate: {measure: odds_ratio, value: 2.0, ci95: [1.0]}\n",
         r"outcomes\.remission\.estimate\.ci95 must be a list of two numbers"),
        ("    control: {events: 5, n: 16}\n", "",
         r"outcomes\.remission\.control is missing"),
        ("    path: simulated_ipd.csv\n", "    path: no_such_file.csv\n",
         r"trial\.ipd\.path must name an existing file"),
        ("    covariate: crp_mg_l\n", "    covariate: age\n",
         r"trial\.ipd\.covariate must be one of crp_mg_l"),
        ("    simulated: true\n", "    simulated: false\n",
         r"trial\.ipd\.simulated must be true"),
        ("treatment: {events: 7, n: 13}", "treatment: {events: 7, n: 13, missing: 1}",
         r"outcomes\.remission\.treatment\.missing is not a known key \(allowed: events, n\)"),
        ("    control: placebo\n", "    control: placebo\n    third: aspirin\n",
         r"trial\.arms\.third is not a known key \(allowed: treatment, control\)"),
        ("    control: 16\n", "    control: 16\n    overall: 30\n",
         r"trial\.randomised\.overall is not a known key \(allowed: treatment, control\)"),
        ("    treatment: 14\n", "    treatment: 14.5\n",
         r"trial\.randomised\.treatment must be a whole number, got float 14\.5"),
        ("    treatment: 14\n", "    treatment: fourteen\n",
         r"trial\.randomised\.treatment must be a whole number, got str 'fourteen'"),
        ("    treatment: 14\n", "    treatment: 12\n",
         r"trial\.randomised\.treatment must be >= the analysed count n \(13\)"),
        ("    control: 16\n", "    control: -1\n",
         r"trial\.randomised\.control must be > 0, got -1"),
        ("treatment: {events: 7, n: 13}", "treatment: {events: 7}",
         r"outcomes\.remission\.treatment\.n is missing"),
        ("treatment: {events: 7, n: 13}", "treatment: {events: 14, n: 13}",
         r"outcomes\.remission\.treatment\.events must be <= n \(13\), got 14"),
    ],
)
def test_bad_trial_file_is_refused(capsys, tmp_path, old, new, field):
    path = edited_trial(tmp_path, old, new)
    with pytest.raises(InputError, match=field):
        load_trial(path)
    refused(capsys, [*FIT_EXACT, "--trial", str(path)], field)


def test_bad_trial_file_is_refused_by_the_normal_model_too(capsys, tmp_path):
    """An estimate with a CI that misses its value fails before any fit, for every model."""
    path = edited_trial(tmp_path, "    treatment: {events: 7, n: 13}\n    control: {events: 5, "
                        "n: 16}\n", "    estimate: {measure: risk_ratio, value: 0.5, "
                        "ci95: [0.6, 0.9]}\n")
    refused(capsys, ["fit", "--model", "normal", "--prior", "reference", "--trial", str(path),
                     "--outcome", "response"], r"outcomes\.remission\.estimate\.ci95 must "
            r"contain the value 0\.5")


@pytest.mark.parametrize("model", ["beta-binomial", "logistic"])
def test_count_models_refuse_an_estimate_only_outcome(capsys, tmp_path, model):
    path = edited_trial(tmp_path, "    treatment: {events: 7, n: 13}\n    control: {events: 5, "
                        "n: 16}\n", "    estimate: {measure: hazard_ratio, value: 0.8, "
                        "ci95: [0.6, 1.1]}\n")
    refused(capsys, ["fit", "--model", model, "--prior", "reference", "--trial", str(path),
                     "--outcome", "remission"],
            r"--outcome 'remission' is given only as a published hazard ratio with its 95% CI:"
            r" the beta-binomial and logistic models need events and n per arm; use --model "
            r"normal")


@pytest.mark.parametrize("model", ["beta-binomial", "logistic", "normal"])
def test_an_outcome_not_in_the_file_is_refused(capsys, model):
    refused(capsys, ["fit", "--model", model, "--prior", "reference", "--outcome", "death"],
            r"--outcome must be one of remission, response, got 'death'")


def test_counts_flags_do_not_apply_to_an_estimate(capsys, tmp_path):
    path = edited_trial(tmp_path, "    treatment: {events: 7, n: 13}\n    control: {events: 5, "
                        "n: 16}\n", "    estimate: {measure: odds_ratio, value: 2.0, "
                        "ci95: [0.5, 8.0]}\n")
    refused(capsys, ["fit", "--model", "normal", "--prior", "reference", "--trial", str(path),
                     "--outcome", "remission", "--treatment", "3/10"],
            r"--treatment does not apply: outcome 'remission' is given as a published odds "
            r"ratio")


# --- any YAML input file: the one reader --------------------------------------------------

ALIAS_BOMB = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]"
       for i in range(8)]
    + ["priors: *i", ""]
)
"""Nine levels of nine aliases: 9**9 (about 387 million) strings if expanded."""


LABEL_LINE = PRIORS_TEXT.splitlines().index("    label: Reference") + 1
"""1-based line of the reference prior's label in the shipped priors file."""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just\n- a list\n", r"must contain a YAML mapping at the top level"),
        ("just text\n", r"must contain a YAML mapping at the top level"),
        ("", r"must contain a YAML mapping at the top level"),
        ("priors: [unclosed\n", r"is not valid YAML at line \d+, column \d+"),
        (PRIORS_TEXT + "priors:\n  other: 1\n",
         r"is not valid YAML at line \d+, column 1: duplicate key 'priors' "
         r"\(each key may appear once\)"),
        (PRIORS_TEXT.replace("    label: Reference\n",
                             "    label: Reference\n    label: Other\n", 1),
         rf"is not valid YAML at line {LABEL_LINE + 1}, column 5: duplicate key 'label'"),
        (ALIAS_BOMB, r"is not valid YAML at line 1, column 4: anchors and aliases are not "
                     r"allowed in input files \(found &a\)"),
    ],
)
@pytest.mark.parametrize("kind", ["priors", "trial"])
def test_malformed_yaml_is_refused_by_every_loader(capsys, tmp_path, text, message, kind):
    path = write(tmp_path, text)
    what = "priors file" if kind == "priors" else "trial counts file"
    refused(capsys, [*FIT_EXACT, f"--{kind}", str(path)],
            re.escape(f"{what} {path}") + " " + message)


def test_duplicate_key_in_trial_names_the_key_and_line(capsys, tmp_path):
    path = edited_trial(tmp_path, "    control: {events: 5, n: 16}\n",
                        "    control: {events: 5, n: 16}\n    control: {events: 9, n: 16}\n")
    line = TRIAL_TEXT.splitlines().index("    control: {events: 5, n: 16}") + 2
    refused(capsys, [*FIT_EXACT, "--trial", str(path)],
            rf"line {line}, column 5: duplicate key 'control'")


def test_alias_bomb_is_refused_at_its_first_anchor():
    """Refused while parsing, before any alias is expanded (expanded, it needs gigabytes)."""
    with pytest.raises(yaml.YAMLError, match=r"anchors and aliases are not allowed in input "
                       r"files \(found &a\)"):
        parse_yaml(ALIAS_BOMB)
    with pytest.raises(yaml.YAMLError, match=r"\(found \*a\)"):
        parse_yaml("a: [1]\nb: *a\n")


def test_oversized_file_is_refused_before_parsing(capsys, tmp_path):
    path = write(tmp_path, "# padding\n" * (MAX_YAML_BYTES // 10 + 1) + PRIORS_TEXT)
    refused(capsys, [*FIT_EXACT, "--priors", str(path)],
            rf"priors file {re.escape(str(path))} is too large \(\d+ bytes; at most "
            rf"{MAX_YAML_BYTES} bytes \(1 MB\) are read\)")


@pytest.mark.parametrize("kind", ["priors", "trial"])
def test_directory_instead_of_yaml_file(capsys, tmp_path, kind):
    refused(capsys, [*FIT_EXACT, f"--{kind}", str(tmp_path)],
            re.escape(str(tmp_path)) + r" is a directory \(expected a YAML file\)")


@pytest.mark.parametrize("kind", ["priors", "trial"])
def test_missing_yaml_file(capsys, tmp_path, kind):
    path = tmp_path / "absent.yml"
    refused(capsys, [*FIT_EXACT, f"--{kind}", str(path)],
            re.escape(str(path)) + r" does not exist \(expected a YAML file\)")


def test_undecodable_yaml_file(capsys, tmp_path):
    path = tmp_path / "latin1.yml"
    path.write_bytes(PRIORS_TEXT.replace("Reference", "R\xe9f\xe9rence").encode("latin-1"))
    refused(capsys, [*FIT_EXACT, "--priors", str(path)],
            re.escape(f"priors file {path}") + r" cannot be read: 'utf-8' codec")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_yaml_file(capsys, tmp_path):
    path = write(tmp_path, PRIORS_TEXT)
    path.chmod(0)
    refused(capsys, [*FIT_EXACT, "--priors", str(path)],
            re.escape(f"priors file {path}") + r" cannot be read: .*Permission denied")


def test_read_yaml_mapping_accepts_the_shipped_files():
    assert set(read_yaml_mapping(DEFAULT_PRIORS_FILE, "priors file")) == {"calibration",
                                                                          "priors"}
    assert set(read_yaml_mapping(TRIAL_COUNTS_FILE, "trial counts file")) == {"trial",
                                                                              "outcomes"}


# --- the IPD file ---------------------------------------------------------------------------


def test_ipd_directory_is_refused(capsys, tmp_path):
    refused(capsys, [*FIT_LOGISTIC, "--ipd", str(tmp_path)],
            re.escape(str(tmp_path)) + r" is a directory; expected an IPD CSV file with "
            r"columns participant_id, arm")


def test_ipd_undecodable_file_is_refused(capsys, tmp_path):
    path = tmp_path / "ipd.csv"
    path.write_bytes(b"participant_id,arm\n\xff\xfe,placebo\n")
    refused(capsys, [*FIT_LOGISTIC, "--ipd", str(path)],
            re.escape(str(path)) + r" is not a readable CSV file")


# --- flags that do not apply ------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        ([*FIT_EXACT, "--ipd", str(SIMULATED_IPD_FILE)],
         r"--ipd does not apply to --model beta-binomial \(its flags: --treatment, "
         r"--control, --trial, --mcmc\)"),
        ([*FIT_EXACT, "--crp", "3,5"], r"--crp does not apply to --model beta-binomial"),
        ([*FIT_LOGISTIC, "--ipd", str(SIMULATED_IPD_FILE), "--mcmc"],
         r"--mcmc cannot be combined with --ipd"),
        ([*FIT_LOGISTIC, "--crp", "3,5"],
         r"--crp needs --ipd \(hs-CRP effects come from the IPD model\)"),
        ([*FIT_LOGISTIC, "--ipd", str(SIMULATED_IPD_FILE), "--trial", str(TRIAL_COUNTS_FILE)],
         r"--trial cannot be combined with --ipd"),
        ([*FIT_LOGISTIC, "--ipd", str(SIMULATED_IPD_FILE), "--treatment", "7/13"],
         r"--treatment cannot be combined with --ipd"),
        (["priors", "calibrate", "--priors", str(DEFAULT_PRIORS_FILE)],
         r"unrecognized arguments: --priors"),
        (["priors", "--priors", str(DEFAULT_PRIORS_FILE), "calibrate"],
         r"--priors does not apply to 'priors calibrate'"),
    ],
)
def test_flag_that_does_not_apply_is_refused(capsys, argv, field):
    refused(capsys, argv, field)


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["fit", "--prior", "reference"], r"the following arguments are required: --model"),
        (["fit", "--model", "probit", "--prior", "reference"],
         r"argument --model: invalid choice: 'probit'"),
        (["simulate", "--seed", "1.5"], r"argument --seed: invalid int value: '1\.5'"),
        (["fit", *FIT_EXACT[1:], "--colour", "red"], r"unrecognized arguments: --colour red"),
        ([], r"the following arguments are required: command"),
    ],
)
def test_usage_errors_are_one_line(capsys, argv, field):
    refused(capsys, argv, field)


def test_help_still_prints_usage(capsys):
    assert main(["fit", "--help"]) == 0
    assert "--model" in capsys.readouterr().out


# --- verbs that write a file leave the previous one untouched ------------------------------


@pytest.fixture
def previous_output(tmp_path: Path) -> Path:
    path = tmp_path / "previous.csv"
    path.write_bytes(b"previous output\n")
    return path


def test_simulate_bad_seed_leaves_previous_output(capsys, previous_output):
    refused(capsys, ["simulate", "--seed", "-1", "--out", str(previous_output)],
            r"--seed must be a whole number >= 0, got -1")
    assert previous_output.read_bytes() == b"previous output\n"
    assert sorted(p.name for p in previous_output.parent.iterdir()) == ["previous.csv"]


def test_simulate_into_a_directory_or_missing_folder(capsys, tmp_path):
    refused(capsys, ["simulate", "--out", str(tmp_path)],
            r"--out must be a file path, got the directory")
    missing = tmp_path / "no_such_folder" / "ipd.csv"
    refused(capsys, ["simulate", "--out", str(missing)],
            r"--out must be in an existing folder")
    assert list(tmp_path.iterdir()) == []


def test_report_with_bad_priors_leaves_previous_report(capsys, tmp_path, previous_output):
    priors = write(tmp_path, PRIORS_TEXT + "priors: {}\n", "dup.yml")
    refused(capsys, ["report", "--priors", str(priors), "--output", str(previous_output)],
            r"duplicate key 'priors'")
    assert previous_output.read_bytes() == b"previous output\n"


def test_report_into_a_directory_is_refused(capsys, tmp_path):
    refused(capsys, ["report", "--output", str(tmp_path)],
            r"--output must be a file path, got the directory")


# --- the installed entry point, as a user runs it -------------------------------------------


def test_python_dash_m_prints_one_line_and_exits_2(tmp_path):
    path = edited_trial(tmp_path, "    label: Response at day 28\n",
                        "    label: Response at day 28\n    better: fewer\n")
    done = subprocess.run(
        [sys.executable, "-m", "models", *FIT_EXACT, "--trial", str(path)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "reanalysis: error: outcomes.response.better is not a known key (allowed: "
        "label, direction, treatment, control, estimate)"
    ]
