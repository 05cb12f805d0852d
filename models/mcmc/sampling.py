"""Pinned MCMC settings and the compile-once, sample-per-prior pattern.

PyMC model structures are compiled once per process with nutpie
(``nutpie.compile_pymc_model``); each prior or data set is then swapped in as
shared data (``CompiledModel.with_data``) and sampled, so a new prior costs only
sampling time, not compilation. Chains, draws, tune, target acceptance and seed
are fixed here so the same inputs give the same numbers on any machine (PyMC's
defaults depend on the number of cores).
"""

import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Protocol

import numpy as np
import xarray as xr

from models.core.parallel import in_worker
from models.core.paths import CACHE_DIR


@dataclass(frozen=True)
class SamplerSettings:
    """NUTS settings used for every fit (nutpie backend)."""

    chains: int = 4
    draws: int = 2000
    tune: int = 1000
    target_accept: float = 0.9
    seed: int = 20261127

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


DEFAULT_SAMPLER = SamplerSettings()
"""4 chains x 2,000 draws after 1,000 tuning steps: 8,000 draws, so the MCSE of a
probability near 0.9 is about 0.004 when draws are nearly independent."""


INTERACTION_DRAWS_FACTOR = 12
"""The hs-CRP interaction model draws this many times more samples than the other fits (4
chains x 24,000 with the defaults; a few seconds per fit on the 29 simulated
participants). The report quotes P(benefit | hs-CRP) at fixed hs-CRP values with two
stable decimals, which needs a Monte Carlo SE of at most 0.0025 (four SEs within 0.01),
that is an effective sample size of about 40,000 at a probability near 0.5."""


def interaction_settings(settings: SamplerSettings) -> SamplerSettings:
    """The settings of the interaction model's fits: ``settings`` with
    ``INTERACTION_DRAWS_FACTOR`` times the draws (same chains, tuning and seed)."""
    return replace(settings, draws=settings.draws * INTERACTION_DRAWS_FACTOR)


def configure_compile_cache() -> None:
    """Keep PyTensor's and Numba's compile caches inside the project (``.cache/``)."""
    os.environ.setdefault("PYTENSOR_FLAGS", f"base_compiledir={CACHE_DIR / 'pytensor'}")
    os.environ.setdefault("NUMBA_CACHE_DIR", str(CACHE_DIR / "numba"))


class CompiledModel(Protocol):
    """What the samplers need of a nutpie-compiled model: new shared data, same structure."""

    def with_data(self, **data: np.ndarray) -> "CompiledModel": ...


_COMPILED: dict[str, CompiledModel] = {}


def compiled(key: str, build_model: Callable[[], object]) -> CompiledModel:
    """The nutpie-compiled form of a model structure, built and compiled once per process."""
    if key not in _COMPILED:
        configure_compile_cache()
        import nutpie

        _COMPILED[key] = nutpie.compile_pymc_model(build_model())
    return _COMPILED[key]


def sample(model_key: str, build_model: Callable[[], object], data: Mapping[str, np.ndarray],
           settings: SamplerSettings = DEFAULT_SAMPLER, progress: bool = False,
           use_cache: bool = True) -> xr.DataTree:
    """Sample a compiled model structure with new shared data (priors and/or observations).

    With ``use_cache`` the posterior is read from, or written to, the on-disk cache
    (``models.mcmc.cache``), keyed by the model's code, the data, the settings and
    package versions; the model is only compiled when a fit is actually needed.
    """

    def fit() -> xr.DataTree:
        import nutpie

        model = compiled(model_key, build_model).with_data(**data)
        return nutpie.sample(
            model,
            draws=settings.draws,
            tune=settings.tune,
            chains=settings.chains,
            cores=1 if in_worker() else settings.chains,
            seed=settings.seed,
            target_accept=settings.target_accept,
            progress_bar=progress,
        )

    if not use_cache:
        return fit()
    from models.mcmc.cache import cached

    return cached(model_key, build_model, data, settings.as_dict(), fit)
