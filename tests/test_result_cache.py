"""The result cache: computed once per key, recomputed for any changed input, code or
damaged file, never read when caching is off."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from models.core import result_cache
from models.core.cache_root import DIRECTORY_ENV, DISABLE_ENV
from models.core.result_cache import cached_result, result_cache_dir, result_key


@dataclass(frozen=True)
class Inputs:
    mean: float
    counts: tuple[int, int]


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, float]:
        self.calls += 1
        return {"value": 0.25 * self.calls}


MODULES = ("models.exact.normal_normal",)


@pytest.fixture(autouse=True)
def own_root(tmp_path, monkeypatch):
    monkeypatch.setenv(DIRECTORY_ENV, str(tmp_path / "root"))
    monkeypatch.delenv(DISABLE_ENV, raising=False)


def test_computed_once_then_read():
    compute = Counter()
    first = cached_result("demo", MODULES, Inputs(0.5, (3, 10)), compute)
    again = cached_result("demo", MODULES, Inputs(0.5, (3, 10)), compute)
    assert compute.calls == 1 and again == first == {"value": 0.25}


@pytest.mark.parametrize("other", [
    Inputs(0.5000001, (3, 10)), Inputs(0.5, (4, 10)), Inputs(0.5, (3, 11))])
def test_any_changed_input_is_computed_again(other):
    compute = Counter()
    cached_result("demo", MODULES, Inputs(0.5, (3, 10)), compute)
    cached_result("demo", MODULES, other, compute)
    assert compute.calls == 2


def test_namespaces_and_code_are_part_of_the_key(monkeypatch):
    inputs = Inputs(0.5, (3, 10))
    base = result_key("demo", MODULES, inputs)
    assert result_key("other", MODULES, inputs) != base
    assert result_key("demo", ("models.exact.beta_arm",), inputs) != base
    monkeypatch.setattr(result_cache, "code_fingerprint", lambda modules: "edited code")
    assert result_key("demo", MODULES, inputs) != base
    monkeypatch.setattr(result_cache, "package_versions", lambda: {"numpy": "0"})
    assert result_key("demo", MODULES, inputs) != base


def test_arrays_and_frames_are_keyed_by_content():
    frame = pd.DataFrame({"crp": [3.5, 7.25], "arm": ["a", "b"]})
    base = result_key("demo", MODULES, (np.array([1.0, 2.0]), frame))
    assert result_key("demo", MODULES, (np.array([1.0, 2.0]), frame.copy())) == base
    changed = frame.assign(crp=[3.5, 7.5])
    assert result_key("demo", MODULES, (np.array([1.0, 2.0]), changed)) != base
    assert result_key("demo", MODULES, (np.array([1.0, 2.5]), frame)) != base


def test_an_input_that_cannot_be_keyed_is_refused():
    with pytest.raises(TypeError, match="cannot key"):
        result_key("demo", MODULES, object())


@pytest.mark.parametrize("damage", [b"", b"not a pickle", None])
def test_a_damaged_or_foreign_file_is_recomputed(damage):
    compute = Counter()
    cached_result("demo", MODULES, Inputs(0.5, (3, 10)), compute)
    (path,) = (result_cache_dir() / "demo").iterdir()
    if damage is None:  # a valid pickle holding another key
        import pickle

        path.write_bytes(pickle.dumps(("another key", {"value": -1.0})))
    else:
        path.write_bytes(damage)
    assert cached_result("demo", MODULES, Inputs(0.5, (3, 10)), compute) == {"value": 0.5}
    assert compute.calls == 2
    assert cached_result("demo", MODULES, Inputs(0.5, (3, 10)), compute) == {"value": 0.5}
    assert compute.calls == 2


def test_nothing_is_read_or_written_with_caching_off(monkeypatch):
    monkeypatch.setenv(DISABLE_ENV, "1")
    compute = Counter()
    for _ in range(2):
        cached_result("demo", MODULES, Inputs(0.5, (3, 10)), compute)
    assert compute.calls == 2 and not result_cache_dir().exists()

