"""On-disk cache of computed results (fit summaries, sensitivity grids), keyed like every
other cached result, so that a re-render computes only what its inputs changed.

The posterior cache (:mod:`models.mcmc.cache`) keeps draws, so that a changed summary
need not re-sample; this cache keeps what the report computes from draws and from exact
integrals (tables, curves, power-scaling, predictive checks), so that a re-render with
the same inputs reads a few small files instead of re-loading every draw and importing
PyMC. Files live in ``<cache root>/results/<namespace>/<key>.pickle``; the key is a SHA-256
over the namespace, the inputs by value (:func:`input_text`: dataclasses field by field,
arrays and data frames by content), the code that computes the result
(:func:`~models.core.code_fingerprint.code_fingerprint` of the named modules and
everything they import) and the package versions. A file is written to a temporary name
and moved into place; a file that cannot be read, or that holds another key, is deleted
and the result computed again. With ``REANALYSIS_NO_CACHE=1`` nothing is read or written.

The files are pickles written by this package into the user's own cache folder, read
back only from there (as joblib's ``Memory`` does); do not point the cache root at files
from elsewhere.
"""

import dataclasses
import hashlib
import json
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.core.atomic import replacing
from models.core.cache_root import RESULTS, cache_folder, caching_disabled
from models.core.code_fingerprint import code_fingerprint
from models.core.provenance import package_versions

SUFFIX = ".pickle"


def _plain(value: Any) -> Any:
    """JSON form of the inputs that ``json`` cannot write itself."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"__class__": type(value).__qualname__,
                **{f.name: getattr(value, f.name) for f in dataclasses.fields(value)}}
    if isinstance(value, np.ndarray):
        return {"dtype": value.dtype.str, "shape": value.shape, "values": value.tolist()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "to_csv"):  # a pandas frame or series: by content
        return {"__class__": type(value).__qualname__, "csv": value.to_csv()}
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    raise TypeError(f"cannot key a result on a {type(value).__name__}")


def input_text(inputs: Any) -> str:
    """The inputs as canonical JSON text (the part of the key that is data)."""
    return json.dumps(inputs, sort_keys=True, default=_plain, allow_nan=True)


def result_key(namespace: str, modules: Sequence[str], inputs: Any) -> str:
    """SHA-256 of the namespace, the inputs, the computing code and the package versions."""
    digest = hashlib.sha256()
    for part in (namespace, input_text(inputs), code_fingerprint(list(modules)),
                 json.dumps(package_versions(), sort_keys=True)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def result_cache_dir() -> Path:
    """``<cache root>/results`` (read from the environment at each call)."""
    return cache_folder(RESULTS)


def cached_result[Result](namespace: str, modules: Sequence[str], inputs: Any,
                          compute: Callable[[], Result]) -> Result:
    """``compute()``, or the result it gave before for the same key (see the module doc).

    ``modules`` name the project modules whose code (with everything they import) makes
    the result; ``inputs`` are every value the result depends on besides that code.
    """
    if caching_disabled():
        return compute()
    key = result_key(namespace, modules, inputs)
    path = result_cache_dir() / namespace / f"{key[:32]}{SUFFIX}"
    if path.is_file():
        try:
            with path.open("rb") as handle:
                stored_key, value = pickle.load(handle)
            if stored_key == key:
                return value
        except Exception:  # noqa: BLE001 - any unreadable file is recomputed, never trusted
            pass
        path.unlink(missing_ok=True)
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as temporary, temporary.open("wb") as handle:
        pickle.dump((key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return value
