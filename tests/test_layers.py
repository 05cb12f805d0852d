"""The package's layers import one way only, and every subpackage says what it may import.

Layers, lowest first (a module may import its own layer and any lower one, never a
higher one; ``sensitivity`` and ``simulation`` share a layer but do not import each other):

    core <- data <- exact <- priors <- mcmc <- sensitivity, simulation <- report <- cli
"""

import ast
from pathlib import Path

import pytest

from models.core.code_fingerprint import imported_project_modules
from models.core.paths import ROOT

LAYERS = {"core": 0, "data": 1, "exact": 2, "priors": 3, "mcmc": 4, "sensitivity": 5,
          "simulation": 5, "report": 6, "cli": 7}
PACKAGE = ROOT / "models"


def imported_subpackages(path: Path) -> set[str]:
    """Subpackages of ``models`` that a module imports (top level or inside functions)."""
    modules = imported_project_modules(path.read_bytes())
    return {name.split(".")[1] for name in modules if name.count(".") >= 1}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def test_every_module_lives_in_a_known_subpackage():
    top_level = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top_level == ["__init__.py", "__main__.py"]
    assert {p.relative_to(PACKAGE).parts[0] for p in modules()} == set(LAYERS)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path):
    own = path.relative_to(PACKAGE).parts[0]
    upward = {other for other in imported_subpackages(path)
              if other != own and LAYERS[other] >= LAYERS[own]}
    assert not upward, f"{own} may not import {sorted(upward)}"


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_each_subpackage_documents_what_lives_there_and_what_it_may_import(name):
    doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
    assert doc, f"models/{name}/__init__.py has no docstring"
    assert "May import:" in doc
