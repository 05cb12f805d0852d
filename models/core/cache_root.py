"""The one folder under which every computed result is cached, and the switch that turns
caching off.

Fitted posteriors live in ``<root>/posteriors/`` and the repeated-simulation study in
``<root>/simulation_study/``. The root is ``$REANALYSIS_CACHE_DIR`` when set (the tests
point it at a temporary folder so they never read or write the developer's cache), else
``.cache/`` at the project root. Both are read when a cache is used, not at import, so
setting the variable at any time takes effect. (PyTensor's and Numba's compile caches hold
no results and stay in the project's ``.cache/``: :func:`models.mcmc.sampling.
configure_compile_cache`.)
"""

import os
from pathlib import Path

from models.core.paths import CACHE_DIR

DIRECTORY_ENV = "REANALYSIS_CACHE_DIR"
"""Environment variable naming the cache root (default: ``.cache/`` at the project root)."""

DISABLE_ENV = "REANALYSIS_NO_CACHE"
"""Set to 1 to bypass every result cache: everything is recomputed, nothing is written."""

POSTERIORS = "posteriors"
"""Sub-folder of fitted posteriors (netCDF files)."""

SIMULATION_STUDY = "simulation_study"
"""Sub-folder of the repeated-simulation study (CSV of replicates + JSON summary)."""

RESULTS = "results"
"""Sub-folder of computed results: fit summaries, checks, sensitivity grids (pickles)."""


def cache_root() -> Path:
    """The cache root: ``$REANALYSIS_CACHE_DIR`` if set and non-empty, else ``.cache/``."""
    return Path(os.environ.get(DIRECTORY_ENV) or CACHE_DIR)


def cache_folder(name: str) -> Path:
    """One cache's folder under the root (e.g. :data:`POSTERIORS`); not created here."""
    return cache_root() / name


def caching_disabled() -> bool:
    """True when ``$REANALYSIS_NO_CACHE`` is ``1``."""
    return os.environ.get(DISABLE_ENV) == "1"
