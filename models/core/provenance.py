"""What the report states about how it was made: commit, versions, seeds, input hashes."""

import functools
import hashlib
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from models.core.paths import ROOT

PACKAGES = ("pymc", "pytensor", "nutpie", "arviz", "arviz-stats", "numpy", "scipy", "pandas",
            "xarray", "matplotlib", "jupytext", "papermill", "pypandoc-binary", "pyyaml")
"""The one list of packages whose versions are recorded: printed in the report and part of
every cache key (posteriors, simulation study), so an upgrade recomputes cached results."""
RENDERER_ENV = "REANALYSIS_RENDERER"
"""Environment variable through which the render pipeline tells the report its renderer."""


def git_commit(root: Path = ROOT) -> str:
    """The checked-out commit, with ``+uncommitted changes`` when the tree is dirty."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" + uncommitted changes" if dirty.strip() else "")


def package_versions(packages: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Installed versions of the packages that produce the numbers and the page."""
    return dict(_installed_versions(tuple(packages)))


@functools.cache
def _installed_versions(packages: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Read once per process: every cache key asks, and each read parses the package's
    metadata file (installing packages under a running process is not supported)."""
    versions = {"python": platform.python_version()}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return tuple(versions.items())


def file_sha256(path: Path | str) -> str:
    """Hex SHA-256 of a file's bytes (inputs are identified by hash in the report)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def input_hashes(paths: dict[str, Path]) -> dict[str, str]:
    """SHA-256 of each input file, keyed by its role (e.g. 'priors', 'trial counts')."""
    return {role: file_sha256(path) for role, path in paths.items()}


def source_hash(root: Path = ROOT) -> str:
    """SHA-256 over the project's code and report source (``models/**/*.py``, ``reports/*.qmd``,
    ``reports/assets/*``), path by path, so a render can be matched to its code even
    from a working tree with uncommitted changes."""
    digest = hashlib.sha256()
    files = sorted([*root.glob("models/**/*.py"), *root.glob("reports/*.qmd"),
                    *root.glob("reports/assets/*")])
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def renderer() -> str:
    """The renderer named by the render pipeline (or 'interactive session')."""
    return os.environ.get(RENDERER_ENV, "not rendered by the project pipeline")
