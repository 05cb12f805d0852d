"""Priors files are validated whole, with the path to the bad field in the message."""

import pytest

from models.core.errors import InputError
from models.priors.priors_file import load_priors


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("treatment: {mean: 0.0, sd: 0.5571}", "treatment: {mean: 0.0, sd: -1}",
         r"priors\.skeptical\.logistic\.treatment\.sd must be > 0, got -1"),
        ("treatment: {alpha: 5.8273, beta: 17.482}", "treatment: {alpha: 5.8273, beta: 0}",
         r"priors\.skeptical\.beta_binomial\.treatment\.beta must be > 0, got 0"),
        ("treatment: {mean: 0.0, sd: 0.5571}", "treatment: {mean: zero, sd: 0.5571}",
         r"priors\.skeptical\.logistic\.treatment\.mean must be a number, got str 'zero'"),
        ("treatment: {mean: 0.0, sd: 0.5571}", "treatment: {mean: 0.0, sd: 0.5571, df: 3}",
         r"priors\.skeptical\.logistic\.treatment\.df is not a known key"),
        ("placebo_rate: 0.25", "placebo_rate: 1.25",
         r"calibration\.placebo_rate must be a rate strictly between 0 and 1, got 1.25"),
        ("    label: Skeptical\n", "",
         r"priors\.skeptical\.label is missing"),
    ],
)
def test_each_bad_field_is_named(write_priors, priors_text, old, new, message):
    assert old in priors_text
    path = write_priors(priors_text.replace(old, new, 1))
    with pytest.raises(InputError, match=message):
        load_priors(path)


def test_missing_logistic_block(write_priors, priors_text):
    start = priors_text.index("    logistic:", priors_text.index("\n  skeptical:\n"))
    end = priors_text.index("\n  enthusiastic:\n") + 1
    path = write_priors(priors_text[:start] + priors_text[end:])
    with pytest.raises(InputError, match=r"priors\.skeptical\.logistic is missing"):
        load_priors(path)


def test_empty_priors(write_priors):
    with pytest.raises(InputError, match=r"priors must be a mapping with at least one"):
        load_priors(write_priors("priors: {}\n"))


def test_top_level_unknown_key(write_priors, priors_text):
    with pytest.raises(InputError, match=r"file\.prior is not a known key"):
        load_priors(write_priors(priors_text.replace("priors:\n", "prior:\n", 1)))


def test_prior_string_forms(prior_set):
    skeptical = prior_set.get("skeptical")
    assert str(skeptical.logistic.treatment) == "Normal(mean: 0, sd: 0.5571)"
    assert str(skeptical.beta_binomial.treatment) == "Beta(alpha: 5.8273, beta: 17.482)"


def test_file_hash_is_recorded(prior_set):
    import hashlib

    assert prior_set.sha256 == hashlib.sha256(prior_set.path.read_bytes()).hexdigest()
