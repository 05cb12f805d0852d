"""On-disk cache of fitted posteriors (netCDF via h5netcdf), never trusted blindly.

Files live in ``<cache root>/posteriors/`` (:mod:`models.core.cache_root`). A fit is
identified by a key: SHA-256 over the model structure's name, the builder function's
name, the code that builds and samples the model (:func:`~models.core.code_fingerprint.
code_fingerprint` of the builder's module and of :mod:`models.mcmc.sampling`), every
shared-data array given to the sampler (prior parameters and observations, by value), the
sampler settings and the versions of the packages that produce the draws
(:func:`models.core.provenance.package_versions`). Changing any of them changes the key,
so a stale posterior is never served.

Files are written to a temporary name and moved into place (``os.replace``), and each
file stores its own key; a file that cannot be opened, lacks the key, holds another key
or lacks the posterior is deleted and the fit is redone.
"""

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from models.core.atomic import replacing
from models.core.cache_root import (
    DIRECTORY_ENV,
    DISABLE_ENV,
    POSTERIORS,
    cache_folder,
    caching_disabled,
)
from models.core.code_fingerprint import code_fingerprint
from models.core.provenance import package_versions

__all__ = ["DIRECTORY_ENV", "DISABLE_ENV", "cache_key", "cached", "load",
           "posterior_cache_dir", "store"]

KEY_ATTRIBUTE = "reanalysis_cache_key"
SAMPLING_MODULE = "models.mcmc.sampling"
"""How every model is sampled: part of every key."""


def posterior_cache_dir() -> Path:
    """``<cache root>/posteriors`` (read from the environment at each call)."""
    return cache_folder(POSTERIORS)


def _versions() -> dict[str, str]:
    return package_versions()


def cache_key(model_key: str, build_model: Callable[[], object],
              data: Mapping[str, np.ndarray], settings: Mapping[str, float | int]) -> str:
    """SHA-256 identifying one fit (see module docstring for what goes in)."""
    digest = hashlib.sha256()
    digest.update(model_key.encode())
    digest.update(build_model.__qualname__.encode())
    digest.update(code_fingerprint([build_model.__module__, SAMPLING_MODULE]).encode())
    for name in sorted(data):
        array = np.ascontiguousarray(np.asarray(data[name]))
        digest.update(f"{name}:{array.dtype.str}:{array.shape}".encode())
        digest.update(array.tobytes())
    digest.update(json.dumps(dict(settings), sort_keys=True).encode())
    digest.update(json.dumps(_versions(), sort_keys=True).encode())
    return digest.hexdigest()


def _slim(idata: xr.DataTree) -> xr.DataTree:
    """Keep what summaries need (posterior, sample_stats without object-typed fields)."""
    out = xr.DataTree()
    for group in ("posterior", "sample_stats", "log_likelihood", "log_prior",
                  "posterior_predictive", "observed_data", "constant_data"):
        if group in idata.children:
            dataset = idata[group].to_dataset()
            dataset = dataset.drop_vars([name for name, v in dataset.data_vars.items()
                                         if v.dtype == object])
            out[group] = xr.DataTree(dataset)
    out.attrs = dict(idata.attrs)
    return out


def load(path: Path, key: str) -> xr.DataTree | None:
    """The cached fit at ``path`` if it is complete and carries ``key``; else None (and a
    damaged or foreign file is deleted)."""
    if not path.is_file():
        return None
    try:
        with xr.open_datatree(path, engine="h5netcdf") as stored:
            idata = stored.load()
        if idata.attrs.get(KEY_ATTRIBUTE) != key or "posterior" not in idata.children:
            raise ValueError("stale or incomplete cache file")
        return idata
    except Exception:  # noqa: BLE001 - any unreadable file is treated as absent
        path.unlink(missing_ok=True)
        return None


def store(path: Path, key: str, idata: xr.DataTree) -> None:
    """Write ``idata`` with its key, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    slim = _slim(idata)
    slim.attrs[KEY_ATTRIBUTE] = key
    with replacing(path) as temporary:
        slim.to_netcdf(temporary, engine="h5netcdf")


def cached(model_key: str, build_model: Callable[[], object], data: Mapping[str, np.ndarray],
           settings: Mapping[str, float | int], fit: Callable[[], xr.DataTree],
           directory: Path | None = None) -> xr.DataTree:
    """Return the cached posterior for this exact fit, or run ``fit`` and cache it.

    ``directory`` overrides :func:`posterior_cache_dir` (used by tests of the cache).
    """
    if caching_disabled():
        return fit()
    directory = directory or posterior_cache_dir()
    key = cache_key(model_key, build_model, data, settings)
    path = directory / f"{model_key}-{key[:32]}.nc"
    hit = load(path, key)
    if hit is not None:
        return hit
    idata = fit()
    store(path, key, idata)
    return load(path, key) or idata
