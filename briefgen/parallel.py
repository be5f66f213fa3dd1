"""Running a build's jobs: here, one after another, or in a pool of worker processes.

Jobs are plain data and the writers are pure, so a worker makes the same bytes as this
process would. The pool starts at the first job and lives for the whole command, so the
writers of many briefs are imported once per worker, not once per brief.

Workers never outlive the command. If this process is killed (SIGKILL, SIGTERM, a crash),
each worker is killed too: on Linux by the kernel (PR_SET_PDEATHSIG, set as the worker
starts), and everywhere by a thread in the worker that waits on multiprocessing's sentinel
of this process (end of file when it dies, whatever the start method). Ctrl-C is this
process's to handle: workers ignore SIGINT, and leaving `Runner` with an exception (a
KeyboardInterrupt, an error) kills the workers instead of waiting for their jobs.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a pool is first needed: a single output starts none
    from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # linux/prctl.h


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
    """Submit jobs; get objects whose `result()` is the job's. One worker: no pool, no processes.

    Use it as a context manager, from the thread that leaves it (the main one): the pool's
    workers are started from the submitting thread, and Linux ties their lives to it.
    `start_method` ("fork", "spawn", "forkserver") overrides the platform's choice, for tests.
    `preload(jobs)` runs here just before a forked pool starts, given the jobs that start it: what
    it imports or parses, each worker has without paying it again.
    """

    def __init__(
        self, workers: int, start_method: str | None = None, preload: Callable[[list], None] | None = None
    ) -> None:
        self.workers = max(1, workers)
        self._start_method = start_method
        self._preload = preload
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, function: Callable[[Any], Any], job: Any):
        if self.workers == 1:
            return Later(function, job)
        self._start([job])
        assert self._pool is not None
        return self._pool.submit(_then_give_back, function, job)

    def _start(self, jobs: list) -> None:
        """The pool, started for `jobs` (after the preload) unless it runs already."""
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            context = _context(self._start_method)
            if self._preload is not None and context.get_start_method() == "fork":
                self._preload(jobs)
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_start)

    def submit_all(self, function: Callable[[Any], Any], jobs: list, last: bool = False) -> list:
        """Submit `jobs`; `last` says no job of the command comes after them.

        A pool pays only when jobs run side by side: the command's only job (no pool started
        for an earlier one, none to come) runs in this process, saving the pool's 20-27 ms.
        """
        if last and len(jobs) == 1 and self._pool is None:
            return [Later(function, jobs[0])]
        if jobs and self.workers > 1:
            self._start(jobs)
        return [self.submit(function, job) for job in jobs]

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if exc_type is None:
            pool.shutdown(wait=True)
            return
        # Ctrl-C or an error: no job still running is waited for, none still queued is started.
        _kill_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)  # the pool sees its workers die and stops at once


def _then_give_back(function: Callable[[Any], Any], job: Any) -> Any:
    """A worker's job, then the memory it freed given back to the system.

    glibc keeps a freed heap for the process's next allocations; a worker's next job then peaks
    above it (at x50, the practitioner PDF after the academic one: 3 MB of the largest process's
    146). `malloc_trim` costs 2-4 ms a job.
    """
    try:
        return function(job)
    finally:
        trim = _malloc_trim()
        if trim is not None:
            trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None (another C library, another system)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def _kill_workers(pool) -> None:
    """The one private hook: ProcessPoolExecutor has no public way to stop a running job, so its
    `_processes` (pid -> Process) are killed. Pinned by test_parallel's Ctrl-C tests, which fail
    (the pool waits for the job) if a Python release renames it."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):  # gone already, or closed
            process.kill()


def _context(start_method: str | None = None):
    """fork where it is safe (Linux): workers start in milliseconds with briefgen already imported."""
    import multiprocessing

    if start_method is not None:
        return multiprocessing.get_context(start_method)
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _worker_start() -> None:
    """In each worker, first: Ctrl-C is the main process's; die when the main process dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(signal.SIGKILL)
    import multiprocessing

    parent = multiprocessing.parent_process()  # the process that made the pool, whatever the start method
    if parent is not None:
        threading.Thread(target=_exit_when_gone, args=(parent,), name="briefgen-parent-watch", daemon=True).start()


def die_with_parent(signum: int) -> bool:
    """Linux: the kernel sends `signum` when the parent (the main process, a forkserver that dies with it,
    the build server) dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        done = libc.prctl(ctypes.c_int(PR_SET_PDEATHSIG), ctypes.c_ulong(signum), *[ctypes.c_ulong(0)] * 3)
    except (OSError, AttributeError):  # no libc with prctl (a static or unusual build): the thread does it
        return False
    return done == 0


def _exit_when_gone(parent) -> None:
    """Wait for the parent's sentinel (end of file: it died, even before this thread started), then exit."""
    try:
        parent.join()
    except (OSError, ValueError):  # the sentinel cannot be waited on: the kernel's signal (Linux) is what is left
        return
    os._exit(1)
