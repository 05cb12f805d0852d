"""The teaching exercises: every number in an answer against an independent computation
(adaptive quadrature of the two Beta posteriors, scipy only), the tipping strength against
its target, three to five questions each with one folded answer, hostile labels shown as
text, files without a calibration block or a skeptical prior, and the fallback's Lua filter
folding a ``collapse="true"`` callout into ``<details>``.

Most tests build the few results the exercises read (the trial, the priors, the exact fits
and the implied statements, with the functions :func:`build_results` calls) in a fraction
of a second; one test checks that the real results give the same text.
"""

import json
import re
import subprocess
from dataclasses import fields, replace
from pathlib import Path

import pypandoc
import pytest
import yaml
from conftest import FOURTH_PRIOR
from scipy import integrate, optimize, stats

import models.report.format as fmt
from models.core.paths import DEFAULT_PRIORS_FILE, REPORTS_DIR
from models.data.trial import ArmCounts, Trial, load_trial
from models.exact.beta_binomial import fit_exact
from models.priors.priors_file import load_priors
from models.priors.statements import implied_statements
from models.report import text_exercises as ex
from models.report.render.pandoc import LUA_FILTER, PANDOC_READER
from models.report.results import ReportResults

# ------------------------------------------------------------------------------ helpers


def light_results(priors_file: Path = DEFAULT_PRIORS_FILE,
                  trial: Trial | None = None) -> ReportResults:
    """The fields of :class:`ReportResults` the exercises read, computed as
    :func:`build_results` computes them; every other field is None."""
    trial = trial or load_trial()
    prior_set = load_priors(priors_file)
    values: dict = {f.name: None for f in fields(ReportResults)}
    values.update(
        trial=trial, prior_set=prior_set,
        exact={(p.name, o.name): fit_exact(p.beta_binomial, o)
               for p in prior_set.priors.values() for o in trial.outcomes.values()},
        implied={name: implied_statements(p, prior_set.calibration)
                 for name, p in prior_set.priors.items()})
    return ReportResults(**values)


def with_remission(trial: Trial, treatment: ArmCounts, control: ArmCounts) -> Trial:
    """The trial with other remission counts."""
    outcomes = dict(trial.outcomes)
    outcomes["remission"] = trial.outcome("remission").with_counts(treatment, control)
    return replace(trial, outcomes=outcomes)


def priors_file(write_priors, priors: str, calibration: bool = True) -> Path:
    """The shipped file's calibration block (or none) with the given priors."""
    head = ""
    if calibration:
        shipped = yaml.safe_load(Path(DEFAULT_PRIORS_FILE).read_text())
        head = yaml.safe_dump({"calibration": shipped["calibration"]})
    return write_priors(head + "priors:\n" + priors)


def shipped_prior(name: str) -> str:
    """One shipped prior as YAML text indented under ``priors:``."""
    shipped = yaml.safe_load(Path(DEFAULT_PRIORS_FILE).read_text())
    text = yaml.safe_dump({name: shipped["priors"][name]}, sort_keys=False)
    return "".join(f"  {line}\n" for line in text.splitlines())


def exercise_parts(markdown: str) -> list[tuple[str, str]]:
    """(question, answer) of each exercise, checking the layout on the way."""
    pattern = re.compile(
        r"\*\*Exercise (\d)\.\*\* (?P<question>[^\n]+)\n\n"
        + re.escape(ex.ANSWER_OPEN) + r"\n(?P<answer>[^\n]+)\n:::(?:\n\n|$)")
    matches = list(pattern.finditer(markdown))
    assert "".join(m.group(0) for m in matches) == markdown, "unexpected layout"
    assert [int(m.group(1)) for m in matches] == list(range(1, len(matches) + 1))
    return [(m["question"], m["answer"]) for m in matches]


# Independent answers: the two posterior Betas by adaptive quadrature (scipy only).

def beta_arms(prior, counts) -> tuple[stats.rv_continuous, stats.rv_continuous]:
    """The posterior Beta of each arm, updated by hand."""
    t, c = counts.treatment, counts.control
    return (stats.beta(prior.treatment.alpha + t.events, prior.treatment.beta + t.n - t.events),
            stats.beta(prior.control.alpha + c.events, prior.control.beta + c.n - c.events))


def p_ard_above(prior, counts, d: float = 0.0) -> float:
    """P(p_t - p_c > d) = F_c(-d) + integral over u > -d of f_c(u) P(p_t > u + d) du."""
    treatment, control = beta_arms(prior, counts)
    value, _ = integrate.quad(lambda u: control.pdf(u) * treatment.sf(u + d),
                              max(0.0, -d), min(1.0, 1.0 - d), epsabs=1e-13, epsrel=1e-12,
                              limit=200)
    return value + (control.cdf(-d) if d < 0 else 0.0)


def ard_quantile(prior, counts, q: float) -> float:
    return optimize.brentq(lambda d: 1.0 - p_ard_above(prior, counts, d) - q, -0.999, 0.999,
                           xtol=1e-9)


def close(text: str, value: float, scale: float = 1.0, digits: int = 3) -> bool:
    """A printed number equals ``value`` (times ``scale``) to its printed decimals."""
    return abs(float(text) - scale * value) <= 0.5 * 10**-digits + 1e-9


PROB = r"(\d\.\d{3})"
POINTS = r"([+-]\d+\.\d)"


@pytest.fixture(scope="module")
def shipped() -> ReportResults:
    return light_results()


@pytest.fixture(scope="module")
def shipped_parts(shipped) -> list[tuple[str, str]]:
    return exercise_parts(ex.exercises(shipped))


# ------------------------------------------------------------------------------ numbers


def test_explorer_start_numbers_match_quadrature(shipped, shipped_parts):
    question, answer = shipped_parts[0]
    priors, remission = shipped.prior_set, shipped.trial.outcome("remission")
    skeptical, reference = (priors.get(n).beta_binomial for n in ("skeptical", "reference"))
    assert '"Skeptical" prior' in question and "lower than" in question
    found = re.search(rf"It is {PROB}, against {PROB} under", answer)
    assert found
    assert close(found[1], p_ard_above(skeptical, remission))
    assert close(found[2], p_ard_above(reference, remission))
    before = re.search(rf"gives tocilizumab a {PROB} chance .* gives {PROB} and", answer)
    assert before and close(before[1], 0.5) and close(before[2], 0.5)  # symmetric priors
    worth = skeptical.treatment.alpha + skeptical.treatment.beta
    assert f"worth {worth:.1f} prior participants in each arm" in answer
    assert "worth 2.0 prior participants in each arm" in answer
    medians = re.search(rf"difference is {POINTS} points .* against {POINTS} under", answer)
    assert medians
    assert close(medians[1], ard_quantile(skeptical, remission, 0.5), 100, 1)
    assert close(medians[2], ard_quantile(reference, remission, 0.5), 100, 1)


def test_strength_root_gives_the_level_exactly(shipped):
    remission = shipped.trial.outcome("remission")
    rate = shipped.prior_set.calibration.placebo_rate
    strength = ex.tipping_strength(remission, rate).strength
    assert strength is not None

    def p_benefit(s: float) -> float:
        return p_ard_above(ex.equal_belief(rate, s), remission)

    assert abs(p_benefit(strength) - ex.BENEFIT_LEVEL) < 1e-8
    assert p_benefit(0.99 * strength) > ex.BENEFIT_LEVEL > p_benefit(1.01 * strength)
    # The prior is Beta(rate s, (1 - rate) s) in both arms.
    prior = ex.equal_belief(rate, strength)
    assert prior.treatment == prior.control
    assert prior.treatment.alpha == pytest.approx(rate * strength, rel=1e-15)
    assert prior.treatment.alpha + prior.treatment.beta == pytest.approx(strength, rel=1e-15)


def test_strength_answer_states_the_root_and_the_skeptical_prior(shipped, shipped_parts):
    question, answer = shipped_parts[1]
    remission = shipped.trial.outcome("remission")
    rate = shipped.prior_set.calibration.placebo_rate
    assert f"the {fmt.percent(rate)} that the priors file's calibration assumes" in question
    assert f"falls below {ex.BENEFIT_LEVEL:.1f}?" in question
    stated = re.search(r"About (\d+\.\d) prior participants per arm", answer)
    assert stated
    root = optimize.brentq(
        lambda s: p_ard_above(ex.equal_belief(rate, s), remission) - ex.BENEFIT_LEVEL, 1, 100)
    assert close(stated[1], root, digits=1)
    assert f"strength sliders to about {stated[1]};" in answer
    skeptical = shipped.prior_set.get("skeptical").beta_binomial
    worth = skeptical.treatment.alpha + skeptical.treatment.beta
    assert f"worth {worth:.1f} prior participants per arm, more than that" in answer
    assert f"gives {p_ard_above(skeptical, remission):.3f}." in answer


def test_moved_participant_matches_quadrature(shipped, shipped_parts):
    question, answer = shipped_parts[2]
    reference = shipped.prior_set.get("reference").beta_binomial
    remission = shipped.trial.outcome("remission")
    assert "had 6/13 instead of 7/13" in question
    found = re.search(rf"It would fall from {PROB} to {PROB} \(both exact\)", answer)
    assert found
    assert close(found[1], p_ard_above(reference, remission))
    moved = remission.with_counts(ArmCounts(6, 13), None)
    assert close(found[2], p_ard_above(reference, moved))
    assert f"{100 / 13:.1f} percentage points" in answer
    assert "the 1 randomised tocilizumab participant with no outcome at day 28 matters" \
        in answer


def test_nnt_answer_matches_quadrature(shipped, shipped_parts):
    question, answer = shipped_parts[3]
    reference = shipped.prior_set.get("reference").beta_binomial
    remission = shipped.trial.outcome("remission")
    assert "P(ARD > 10 points)" in question and "why is it smaller than" in question
    p10, p0 = p_ard_above(reference, remission, 0.10), p_ard_above(reference, remission)
    found = re.search(rf"^It is {PROB}\. .* \(NNT = 1/0\.1 = 10\), so {PROB} is the probability "
                      rf"that the NNT is below 10\. P\(benefit\) = {PROB} counts .* the {PROB} "
                      "between", answer)
    assert found
    assert found[1] == found[2] and close(found[1], p10)
    assert close(found[3], p0)
    assert close(found[4], p0 - p10)


def test_misreading_answer_matches_quadrature(shipped, shipped_parts):
    question, answer = shipped_parts[4]
    reference = shipped.prior_set.get("reference").beta_binomial
    remission = shipped.trial.outcome("remission")
    p0 = p_ard_above(reference, remission)
    found = re.search(rf"P\(benefit\) = {PROB} .* says: \"(\d+)% of patients", question)
    assert found and close(found[1], p0) and close(found[2], p0, 100, 0)
    interval = re.search(rf"median of {POINTS} percentage points .* 95% interval from "
                         rf"{POINTS} to {POINTS}\.", answer)
    assert interval
    for printed, q in zip(interval.groups(), (0.5, 0.025, 0.975), strict=True):
        assert close(printed, ard_quantile(reference, remission, q), 100, 1)


# ------------------------------------------------------------------------------ structure


def test_three_to_five_questions_each_with_one_short_folded_answer(shipped, shipped_parts):
    markdown = ex.exercises(shipped)
    assert 3 <= len(shipped_parts) <= 5
    assert markdown.count(ex.ANSWER_OPEN) == len(shipped_parts)
    assert len(re.findall(r"^:::$", markdown, re.MULTILINE)) == len(shipped_parts)
    for question, answer in shipped_parts:
        assert question.rstrip().endswith(("?", "sliders."))
        sentences = re.findall(r"[.?!](?=\s+[A-Z\"]|$)", answer)
        assert 2 <= len(sentences) <= 4, answer


def notebook(markdown: str) -> str:
    """An executed one-cell notebook whose ``output: asis`` cell printed ``markdown``, as
    the fallback renderer hands it to pandoc."""
    cell = {"cell_type": "code", "execution_count": 1, "source": "print(exercises)",
            "metadata": {"quarto-options": {"output": "asis", "echo": False}},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": markdown}]}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def fallback_html(markdown: str) -> str:
    """``markdown`` printed by an asis cell, through the fallback's pandoc stage."""
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "--from", PANDOC_READER, "--to", "html5",
         "--lua-filter", str(LUA_FILTER)],
        input=notebook(markdown), capture_output=True, text=True, check=True)
    assert result.stderr == ""
    return result.stdout


def test_fallback_folds_each_answer_in_a_details_callout(shipped, shipped_parts):
    html = fallback_html(ex.exercises(shipped))
    folded = re.findall(
        r'<details class="callout callout-tip qc-callout">\s*'
        r'<summary class="callout-title">Answer</summary>\s*'
        r'<div class="callout-body">\s*<p>(.*?)</p>\s*</div>\s*</details>', html, re.DOTALL)
    assert len(folded) == len(shipped_parts)
    assert "It would fall from" in folded[2]
    assert html.count("<strong>Exercise") == len(shipped_parts)
    assert ":::" not in html and "collapse" not in html


def test_lua_filter_folds_only_collapsible_callouts():
    markdown = (
        '::: {.callout-note #folded collapse="true" title="Hidden *answer*"}\nFolded body.\n'
        ':::\n\n::: {.callout-warning collapse="false"}\n## Open title\n\nOpen body.\n:::\n\n'
        "::: {.callout-important}\nPlain body.\n:::\n")
    html = fallback_html(markdown)
    assert re.search(
        r'<details id="folded" class="callout callout-note qc-callout">\s*'
        r'<summary class="callout-title">Hidden <em>answer</em></summary>\s*'
        r'<div class="callout-body">\s*<p>Folded body.</p>', html)
    assert re.search(
        r'<details class="callout callout-warning qc-callout" open>\s*'
        r'<summary class="callout-title">Open title</summary>\s*'
        r'<div class="callout-body">\s*<p>Open body.</p>', html)
    assert re.search(
        r'<div class="callout callout-important qc-callout" role="note">\s*'
        r'<div class="callout-title">\s*Important\s*</div>', html)
    assert html.count("<details") == 2 and html.count("</details>") == 2


def test_explorer_strength_range_is_the_sliders(shipped):
    source = (REPORTS_DIR / "assets" / "explorer.js").read_text(encoding="utf-8")
    low = re.search(r"const STRENGTH_MIN = ([\d.]+);", source)
    high = re.search(r"const STRENGTH_MAX = ([\d.]+);", source)
    assert low and high
    assert (float(low[1]), float(high[1])) == ex.EXPLORER_STRENGTH_RANGE


# ------------------------------------------------------------------------------ any priors file


HOSTILE_LABELS = ("<script>alert('x')</script>", "*x* and $y$ @fig-z :::")


def test_hostile_labels_are_shown_as_text(write_priors):
    shipped = yaml.safe_load(Path(DEFAULT_PRIORS_FILE).read_text())
    for name, label in zip(("reference", "skeptical"), HOSTILE_LABELS, strict=True):
        shipped["priors"][name]["label"] = label
    path = write_priors(yaml.safe_dump(shipped, sort_keys=False))
    trial = load_trial()
    trial = replace(trial, treatment_name="<b>drug</b>", control_name="_placebo_")
    markdown = ex.exercises(light_results(path, trial))
    assert "<script>" not in markdown and "<b>" not in markdown
    assert r"\<script\>alert('x')\</script\>" in markdown
    assert r'"\*x\* and \$y\$ \@fig-z \:\:\:"' in markdown
    assert len(exercise_parts(markdown)) == 5
    html = fallback_html(markdown)
    assert "<script" not in html and "<b>" not in html and "<em>" not in html
    assert "<math" not in html and 'class="math' not in html
    assert html.count("&lt;script&gt;alert(") == markdown.count(r"\<script\>alert(")
    assert "*x* and $y$ @fig-z :::" in html
    assert "&lt;b&gt;drug&lt;/b&gt;" in html and "_placebo_" in html


def test_without_calibration_the_strength_question_is_left_out(write_priors):
    path = priors_file(write_priors, FOURTH_PRIOR + shipped_prior("reference"),
                       calibration=False)
    parts = exercise_parts(ex.exercises(light_results(path)))
    assert len(parts) == 4
    question, answer = parts[0]
    # No skeptical prior: the first prior is compared with the other one.
    assert "start from the \"Reference\" prior" in question
    assert "higher than under the \"Researcher's pessimist\" prior" in question
    assert "prior participants per arm" not in "".join(a for _, a in parts)
    assert "on tocilizumab and" not in answer  # both priors are equally strong per arm
    assert "worth 20.0 prior participants in each arm" in answer


def test_one_prior_without_calibration_still_gives_three_exercises(write_priors):
    path = priors_file(write_priors, FOURTH_PRIOR, calibration=False)
    parts = exercise_parts(ex.exercises(light_results(path)))
    assert len(parts) == 3
    assert all("\"Researcher's pessimist\" prior" in q for q, _ in parts)


def test_extra_and_extreme_priors(write_priors):
    extreme = """
  certain:
    label: Near certain
    description: A belief worth a thousand participants per arm.
    beta_binomial:
      treatment: {alpha: 900.0, beta: 100.0}
      control: {alpha: 1.0e-3, beta: 999.0}
    logistic:
      intercept: {mean: -2.2, sd: 0.05}
      treatment: {mean: 3.0, sd: 0.05}
      biomarker: {mean: 0.0, sd: 1.0}
      interaction: {mean: 0.0, sd: 0.4}
"""
    path = priors_file(write_priors, extreme + shipped_prior("skeptical") + FOURTH_PRIOR)
    results = light_results(path)
    parts = exercise_parts(ex.exercises(results))
    assert len(parts) == 5
    question, answer = parts[0]
    assert '"Skeptical" prior' in question and "lower than under the \"Near certain\"" \
        in question
    assert "worth 1000.0 prior participants on tocilizumab and 999.0 on placebo" in answer
    assert "1.000" in answer  # the near-certain prior's P(benefit)
    assert not re.search(r"\b(nan|inf)\b", " ".join(q + a for q, a in parts))


@pytest.mark.slow
def test_counts_that_never_reach_or_start_below_the_level(write_priors):
    base = load_trial()
    # 2/13 against 5/16: even the weakest belief gives P(benefit) below the level.
    low = light_results(trial=with_remission(base, ArmCounts(2, 13), ArmCounts(5, 16)))
    _, answer = exercise_parts(ex.exercises(low))[1]
    assert answer.startswith("No strength is needed: even a belief worth only 0.5 prior "
                             "participants per arm gives P(benefit) = ")
    weakest = ex.equal_belief(low.prior_set.calibration.placebo_rate, 0.5)
    shown = re.search(rf"P\(benefit\) = {PROB}, already", answer)
    assert shown and close(shown[1], p_ard_above(weakest, low.trial.outcome("remission")))
    # 900/1000 against 100/1000: no belief up to 10,000 participants per arm is enough.
    high = light_results(trial=with_remission(base, ArmCounts(900, 1000),
                                              ArmCounts(100, 1000)))
    _, answer = exercise_parts(ex.exercises(high))[1]
    assert answer.startswith("No belief up to 10000.0 prior participants per arm is strong "
                             "enough: P(benefit) is still 1.000 there")
    # 0/13: the moved participant is one remission more, and P(benefit) rises.
    none = light_results(trial=with_remission(base, ArmCounts(0, 13), ArmCounts(5, 16)))
    question, answer = exercise_parts(ex.exercises(none))[2]
    assert "without the outcome (remission at day 28) had had it" in question
    assert "1/13 instead of 0/13" in question
    found = re.search(rf"It would rise from {PROB} to {PROB}", answer)
    reference = none.prior_set.get("reference").beta_binomial
    remission = none.trial.outcome("remission")
    assert found and close(found[1], p_ard_above(reference, remission))
    assert close(found[2], p_ard_above(reference,
                                       remission.with_counts(ArmCounts(1, 13), None)))


def test_the_real_results_give_the_same_text(report_results):
    assert ex.exercises(report_results) == ex.exercises(light_results())
