"""The posterior cache refits whenever any part of its key changes (inputs, code, package
versions) and never trusts a damaged or foreign file."""

import numpy as np
import pytest
import xarray as xr

from models.mcmc import cache as posterior_cache
from models.mcmc.cache import cached


def build_a():
    return "model A"


def build_b():
    return "model B"


def fake_posterior(value: float) -> xr.DataTree:
    posterior = xr.Dataset({"p": (("chain", "draw"), np.full((2, 5), value))})
    stats = xr.Dataset({"diverging": (("chain", "draw"), np.zeros((2, 5), bool))})
    return xr.DataTree.from_dict({"posterior": posterior, "sample_stats": stats})


class CountingFit:
    """A fit function that records how often it ran and returns a distinct posterior."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> xr.DataTree:
        self.calls += 1
        return fake_posterior(float(self.calls))


DATA = {"alpha": np.array([1.0, 1.0]), "events": np.array([7, 5])}
SETTINGS = {"chains": 4, "draws": 100, "seed": 1}


@pytest.fixture
def fit():
    return CountingFit()


def run(tmp_path, fit, model=build_a, data=DATA, settings=SETTINGS):
    return cached("test", model, data, settings, fit, directory=tmp_path)


def test_second_call_is_served_from_cache(tmp_path, fit):
    first = run(tmp_path, fit)
    second = run(tmp_path, fit)
    assert fit.calls == 1
    np.testing.assert_array_equal(first["posterior"]["p"], second["posterior"]["p"])


@pytest.mark.parametrize("change", ["prior", "observation", "dtype", "settings", "model"])
def test_any_change_of_key_refits(tmp_path, fit, change):
    run(tmp_path, fit)
    data, settings, model = dict(DATA), dict(SETTINGS), build_a
    if change == "prior":
        data["alpha"] = np.array([1.0, 1.5])
    elif change == "observation":
        data["events"] = np.array([7, 6])
    elif change == "dtype":
        data["events"] = DATA["events"].astype("int32")
    elif change == "settings":
        settings["seed"] = 2
    else:
        model = build_b
    result = run(tmp_path, fit, model, data, settings)
    assert fit.calls == 2
    assert float(result["posterior"]["p"][0, 0]) == 2.0


def test_code_change_refits(tmp_path, fit, monkeypatch):
    run(tmp_path, fit)
    real = posterior_cache.code_fingerprint
    seen: list[list[str]] = []

    def edited(modules):
        seen.append(list(modules))
        return "edited " + real(modules)

    monkeypatch.setattr(posterior_cache, "code_fingerprint", edited)
    run(tmp_path, fit)
    assert fit.calls == 2
    # The builder's module and the sampling code are both part of the key.
    assert seen == [[build_a.__module__, "models.mcmc.sampling"]]


def test_package_version_change_refits(tmp_path, fit, monkeypatch):
    run(tmp_path, fit)
    versions = posterior_cache._versions()
    monkeypatch.setattr(posterior_cache, "_versions", lambda: {**versions, "pymc": "99"})
    run(tmp_path, fit)
    assert fit.calls == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_damaged_file_is_refitted_not_trusted(tmp_path, fit, damage):
    run(tmp_path, fit)
    (path,) = tmp_path.glob("*.nc")
    content = path.read_bytes()
    path.write_bytes({"garbage": b"not a netcdf file" * 10, "truncated": content[:200],
                      "empty": b""}[damage])
    result = run(tmp_path, fit)
    assert fit.calls == 2
    assert float(result["posterior"]["p"][0, 0]) == 2.0


def test_file_with_another_key_is_not_served(tmp_path, fit):
    run(tmp_path, fit)
    (path,) = tmp_path.glob("*.nc")
    other = fake_posterior(42.0)
    posterior_cache.store(path, "some-other-key", other)
    result = run(tmp_path, fit)
    assert fit.calls == 2
    assert float(result["posterior"]["p"][0, 0]) == 2.0


def test_default_folder_is_posteriors_under_the_cache_root(tmp_path, fit, monkeypatch):
    monkeypatch.setenv(posterior_cache.DIRECTORY_ENV, str(tmp_path))
    cached("test", build_a, DATA, SETTINGS, fit)
    (path,) = (tmp_path / "posteriors").glob("test-*.nc")
    assert len(path.stem) == len("test-") + 32


def test_cache_can_be_disabled(tmp_path, fit, monkeypatch):
    monkeypatch.setenv(posterior_cache.DISABLE_ENV, "1")
    run(tmp_path, fit)
    run(tmp_path, fit)
    assert fit.calls == 2
    assert not list(tmp_path.glob("*.nc"))
