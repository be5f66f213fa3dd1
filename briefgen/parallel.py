"""Running a build's jobs: here, one after another, or in a pool of worker processes.

Jobs are plain data and the writers are pure, so a worker makes the same bytes as this
process would. The pool starts at the first job and lives for the whole command, so the
writers of many briefs are imported once per worker, not once per brief.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any


def default_workers() -> int:
    """The CPUs this process may use (a container's or taskset's limit, not the machine's)."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class Later:
    """A job for this process, run when its result is asked for (so a progress bar can follow it)."""

    def __init__(self, function: Callable[[Any], Any], job: Any) -> None:
        self._function, self._job = function, job

    def result(self) -> Any:
        return self._function(self._job)


class Runner:
    """Submit jobs; get objects whose `result()` is the job's. One worker: no pool, no processes."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool = None

    def submit(self, function: Callable[[Any], Any], job: Any):
        if self.workers == 1:
            return Later(function, job)
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(self.workers, mp_context=_context())
        return self._pool.submit(function, job)

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc_info[0] is not None)


def _context():
    """fork where it is safe (Linux): workers start in milliseconds with briefgen already imported."""
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")
