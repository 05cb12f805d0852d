"""Replicates in parallel: the same results, in order, however and wherever they run."""

import pytest

from models.core import parallel
from models.core.errors import InputError
from models.core.parallel import DASK_SCHEDULER_ENV, WORKERS_ENV, in_worker, parallel_map

ITEMS = list(range(23))


def _square_and_flag(value: int) -> tuple[int, bool]:
    return value * value, in_worker()


def _cube_and_worker(value: int) -> tuple[int, str]:
    """The cube, and the address of the Dask worker that computed it (raises outside)."""
    from distributed import get_worker

    return value**3, get_worker().address


@pytest.mark.parametrize("workers", ["1", "2", "5"])
def test_results_come_back_in_order_whatever_the_workers(workers, monkeypatch):
    monkeypatch.setenv(WORKERS_ENV, workers)
    results = parallel_map(_square_and_flag, ITEMS)
    assert [square for square, _ in results] == [v * v for v in ITEMS]
    # Replicates run beside others only with more than one worker; never flagged after.
    assert all(flag for _, flag in results) is (workers != "1")
    assert not in_worker()


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_bad_worker_count_is_refused_by_name(value, monkeypatch):
    monkeypatch.setenv(WORKERS_ENV, value)
    with pytest.raises(InputError, match=WORKERS_ENV):
        parallel.local_workers()


def test_the_default_is_one_worker_per_usable_core(monkeypatch):
    monkeypatch.delenv(WORKERS_ENV, raising=False)
    assert parallel.local_workers() == parallel.usable_cores() >= 1


def test_the_dask_route_gives_the_same_results(monkeypatch):
    """The one setting (the scheduler's address) sends the replicates to a Dask cluster;
    here a small local one, in this process."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        monkeypatch.setenv(DASK_SCHEDULER_ENV, cluster.scheduler_address)
        results = parallel_map(_cube_and_worker, ITEMS)
        assert [cube for cube, _ in results] == [v**3 for v in ITEMS]
        assert {address for _, address in results} <= set(cluster.scheduler_info["workers"])
