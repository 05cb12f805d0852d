"""Shared fixtures: the shipped trial counts and priors, and helpers to write bad inputs."""

from pathlib import Path

import pytest

from models.data import load_trial
from models.paths import DEFAULT_PRIORS_FILE
from models.posterior_cache import DIRECTORY_ENV
from models.priors import load_priors


@pytest.fixture(scope="session", autouse=True)
def isolated_posterior_cache(tmp_path_factory):
    """Tests never read or write the project's own posterior cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DIRECTORY_ENV, str(tmp_path_factory.mktemp("posterior-cache")))
        yield


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
