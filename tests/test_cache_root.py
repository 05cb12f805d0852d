"""One cache root for every cached result, redirected by the tests; the code fingerprint
that keys the caches follows the project's imports and every byte of their source."""

import sys
import textwrap
from pathlib import Path

import pytest

from models.core import cache_root
from models.core.code_fingerprint import code_fingerprint, project_closure
from models.core.paths import CACHE_DIR, ROOT
from models.mcmc.cache import posterior_cache_dir
from models.simulation.study_cache import study_cache_dir


def test_root_comes_from_the_environment_at_each_call(tmp_path, monkeypatch):
    monkeypatch.setenv(cache_root.DIRECTORY_ENV, str(tmp_path / "elsewhere"))
    assert posterior_cache_dir() == tmp_path / "elsewhere" / "posteriors"
    assert study_cache_dir() == tmp_path / "elsewhere" / "simulation_study"
    monkeypatch.delenv(cache_root.DIRECTORY_ENV)
    assert cache_root.cache_root() == CACHE_DIR == ROOT / ".cache"
    assert posterior_cache_dir() == ROOT / ".cache" / "posteriors"


def test_the_test_session_never_points_at_the_project_cache():
    project_cache = (ROOT / ".cache").resolve()
    for folder in (posterior_cache_dir(), study_cache_dir()):
        assert not folder.resolve().is_relative_to(project_cache), folder


def test_disabling_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv(cache_root.DISABLE_ENV, "1")
    assert cache_root.caching_disabled()
    monkeypatch.setenv(cache_root.DISABLE_ENV, "0")
    assert not cache_root.caching_disabled()


def test_closure_follows_imports_transitively_and_only_the_project():
    closure = project_closure("models.mcmc.interaction")
    # direct (logistic_models), through it (exact.linear_predictor), data preparation
    for module in ("models.mcmc.interaction", "models.mcmc.logistic_models",
                   "models.exact.linear_predictor", "models.data.ipd", "models.core.errors"):
        assert module in closure
    assert not any(name.startswith(("models.report", "models.cli", "models.simulation"))
                   for name in closure)
    assert all(name.split(".")[0] == "models" for name in closure)


@pytest.fixture
def probe_module(tmp_path, monkeypatch):
    """A module outside the project that imports one project module inside a function."""
    monkeypatch.syspath_prepend(str(tmp_path))
    path = tmp_path / "fingerprint_probe.py"
    path.write_text(textwrap.dedent("""
        def f():
            from models.exact.linear_predictor import linear_predictor
            return linear_predictor
    """))
    yield path
    sys.modules.pop("fingerprint_probe", None)


def test_fingerprint_changes_with_any_byte_of_the_code(probe_module: Path):
    assert "models.exact.linear_predictor" in project_closure("fingerprint_probe")
    before = code_fingerprint(["fingerprint_probe"])
    assert code_fingerprint(["fingerprint_probe"]) == before
    probe_module.write_text(probe_module.read_text() + "# a comment\n")
    assert code_fingerprint(["fingerprint_probe"]) != before


def test_unknown_module_is_refused():
    with pytest.raises(ValueError, match="models.no_such_module is not a module"):
        project_closure("models.no_such_module")
