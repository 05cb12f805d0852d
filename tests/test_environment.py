"""The project's install files agree with each other and with the README."""

import re
import tomllib

import yaml

from models.core.paths import ROOT

CONDA_NAME_FOR = {"pypandoc-binary": "pypandoc"}
"""pip names whose conda-forge package is called differently (pandoc comes separately)."""


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0].strip().lower()


def test_environment_yml_and_pyproject_name_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in project["dependencies"]}
    pip_names |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda_names = {_name(d) for d in conda if isinstance(d, str)}
    expected = {CONDA_NAME_FOR.get(name, name) for name in pip_names}
    assert expected <= conda_names, f"missing from environment.yml: {expected - conda_names}"
    extra = conda_names - expected - {"python", "quarto", "pandoc", "pip"}
    assert not extra, f"in environment.yml but not in pyproject.toml: {extra}"


def test_lock_pins_every_direct_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = (ROOT / "requirements.lock").read_text().lower()
    pinned = {line.split("==")[0].replace("_", "-") for line in lock.splitlines()
              if "==" in line}
    for requirement in project["dependencies"] + project["optional-dependencies"]["dev"]:
        assert _name(requirement).replace("_", "-") in pinned, requirement


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.MULTILINE)
