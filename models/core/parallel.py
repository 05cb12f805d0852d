"""Independent replicates in parallel: over this machine's cores, or on a Dask cluster.

Simulation studies (and any other loop of independent fits) hand their replicates to
:func:`parallel_map`, which runs them with joblib:

- **This machine** (default): joblib's thread pool, one worker per usable core
  (``os.sched_getaffinity``), or ``REANALYSIS_WORKERS`` workers. Threads, not processes:
  the sampler (nutpie) releases the GIL while it samples, and every thread shares the
  model structures this process has compiled, where each new process would compile them
  again (several seconds each). Each thread runs its fit's chains one after the other.
- **A Dask cluster**, for studies too large for one machine: set ``REANALYSIS_DASK_SCHEDULER``
  to the scheduler's address (``tcp://host:8786``); the same replicates then run on the
  cluster's workers through joblib's Dask backend. The workers need this package and its
  locked environment installed (``pip install -r requirements.lock && pip install -e .``).

Results come back in the order of the inputs and do not depend on where or in how many
workers they ran: every replicate carries its own seeds. Progress is reported with
:func:`models.core.progress.say` every ``progress_every`` results.
"""

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from models.core.errors import InputError
from models.core.progress import say

WORKERS_ENV = "REANALYSIS_WORKERS"
"""Number of worker threads on this machine (default: the usable cores)."""
DASK_SCHEDULER_ENV = "REANALYSIS_DASK_SCHEDULER"
"""Address of a Dask scheduler: when set, replicates run on that cluster instead."""
_WORKER = threading.local()
"""``_WORKER.active`` is True in a thread that runs a replicate for :func:`parallel_map`."""

def usable_cores() -> int:
    """Cores this process may run on (affinity-aware; at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def local_workers() -> int:
    """``REANALYSIS_WORKERS`` if set (a whole number >= 1), else :func:`usable_cores`."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    if not text:
        return usable_cores()
    if not text.isdigit() or int(text) < 1:
        raise InputError(WORKERS_ENV, f"must be a whole number of at least 1, got {text!r}")
    return int(text)


def in_worker() -> bool:
    """True while this thread runs a replicate for :func:`parallel_map` beside others: the
    cores are then taken, and a sampler should run its chains in this one thread."""
    return getattr(_WORKER, "active", False)


def _in_worker[Item, Result](function: Callable[[Item], Result], item: Item) -> Result:
    _WORKER.active = True
    try:
        return function(item)
    finally:
        _WORKER.active = False


@contextmanager
def _backend() -> Iterator[tuple[str, int]]:
    """The joblib backend and its number of jobs: Dask when a scheduler is named."""
    import joblib

    address = os.environ.get(DASK_SCHEDULER_ENV, "").strip()
    if not address:
        yield "threading", local_workers()
        return
    from distributed import Client

    with Client(address) as client, joblib.parallel_config(backend="dask"):
        yield "dask", max(1, sum(client.nthreads().values()))


def parallel_map[Item, Result](function: Callable[[Item], Result], items: Sequence[Item],
                               *, what: str = "replicates",
                               progress_every: int = 20) -> list[Result]:
    """``[function(item) for item in items]``, in parallel (see the module docstring).

    ``function`` must be importable by name (a module-level function, or a
    ``functools.partial`` of one) so that a Dask cluster's workers can receive it. With one
    worker, or one item, everything runs in this process, in order.
    """
    import joblib

    results: list[Result] = []
    with _backend() as (backend, jobs):
        if jobs == 1 or len(items) <= 1:
            iterator: Iterable[Any] = (function(item) for item in items)
        else:
            parallel = joblib.Parallel(n_jobs=min(jobs, len(items)), return_as="generator",
                                       **({} if backend == "dask" else {"backend": backend}))
            iterator = parallel(joblib.delayed(_in_worker)(function, item) for item in items)
        for result in iterator:
            results.append(result)
            if len(results) % progress_every == 0 or len(results) == len(items):
                say(f"{what}: {len(results)}/{len(items)} done ({jobs} "
                    f"{'Dask threads' if backend == 'dask' else 'workers'})")
    return results
