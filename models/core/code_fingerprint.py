"""A fingerprint of the code that produced a cached result.

A cached result is only valid for the code that computed it. The fingerprint is a SHA-256
over the source of a module and of every project module (``models.*``) it imports,
directly or through others, including imports inside functions: changing any line that
could change the numbers (or, conservatively, any other line of those files) changes the
fingerprint, and so the cache key. Imports are read from the source with :mod:`ast`,
without executing anything.
"""

import ast
import hashlib
import importlib.util
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PROJECT_PACKAGE = "models"


def _source_path(module: str) -> Path | None:
    """The ``.py`` file of a project module, or None when ``module`` is not one."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def imported_project_modules(source: str | bytes) -> set[str]:
    """Project modules (``models.*``) named by the import statements of Python source,
    top level or inside functions; ``from models.x import y`` counts ``models.x`` and, when
    it is a module, ``models.x.y``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] == PROJECT_PACKAGE and _source_path(name) is not None:
                found.add(name)
    return found


@cache
def project_closure(module: str) -> tuple[str, ...]:
    """``module`` and every project module it imports, transitively, sorted by name."""
    seen: set[str] = set()
    pending = [module]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        path = _source_path(name)
        if path is None:
            raise ValueError(f"{name} is not a module of the {PROJECT_PACKAGE} package")
        seen.add(name)
        pending.extend(_direct_imports(name) - seen)
    return tuple(sorted(seen))


@cache
def _direct_imports(module: str) -> frozenset[str]:
    """The project modules one module's source imports (parsed once per process: a render
    asks for the closures of many modules that share most of their files)."""
    path = _source_path(module)
    return frozenset(imported_project_modules(path.read_bytes()) if path else ())


def code_fingerprint(modules: Iterable[str]) -> str:
    """Hex SHA-256 over the names and source bytes of ``modules`` and all project modules
    they import (see the module docstring)."""
    names = sorted({name for module in modules for name in project_closure(module)})
    digest = hashlib.sha256()
    for name in names:
        path = _source_path(name)
        assert path is not None  # checked by project_closure
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
