"""Shared fixtures: the shipped trial counts and priors, and helpers to write bad inputs."""

from pathlib import Path

import pytest

from models.data import load_trial
from models.paths import DEFAULT_PRIORS_FILE
from models.priors import load_priors


@pytest.fixture(scope="session")
def trial():
    return load_trial()


@pytest.fixture(scope="session")
def prior_set():
    return load_priors()


@pytest.fixture
def priors_text() -> str:
    return Path(DEFAULT_PRIORS_FILE).read_text()


@pytest.fixture
def write_priors(tmp_path):
    """Write a priors YAML text to a temporary file and return its path."""

    def write(text: str, name: str = "priors.yml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write
