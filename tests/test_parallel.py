"""The worker pool: the same results as one process, and no worker outlives the command.

The processes here are real: a main process (a small script, or `briefgen build -j 2`) is
killed or interrupted, and every process it started is looked for in /proc afterwards.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefgen.parallel import Runner

ROOT = Path(__file__).resolve().parent.parent
BRIEF = "briefs/kazakhstan-osce-2010.yaml"

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="looks for processes in /proc")

POOL_SCRIPT = r"""
import os, sys, time
from briefgen.parallel import Runner

def slow(n):
    os.write(1, f"working {os.getpid()}\n".encode())  # one write: two workers' lines do not mix
    time.sleep(60)
    return n

if __name__ == "__main__":
    if sys.argv[2:] == ["without-prctl"]:  # a system without PR_SET_PDEATHSIG: the watching thread alone
        import briefgen.parallel
        briefgen.parallel.die_with_parent = lambda signum: False
    with Runner(2, start_method=sys.argv[1]) as runner:
        futures = [runner.submit(slow, n) for n in range(4)]
        print([f.result() for f in futures], flush=True)
"""

BUILD_SCRIPT = r"""
import os, sys, time
import briefgen.build
from briefgen.cli import cli

real_make = briefgen.build.make

def slow_make(job):  # the real job, made to last: the build is killed while its workers work
    os.write(1, f"working {os.getpid()}\n".encode())
    time.sleep(60)
    return real_make(job)

if __name__ == "__main__":
    briefgen.build.make = slow_make
    cli.main(sys.argv[1:], prog_name="briefgen")
"""


# ---------------------------------------------------------------- processes, from /proc


def _stat(pid: int) -> tuple[str, int, int] | None:
    """State, parent and start time of a process; None if there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def _descendants(root: int) -> dict[int, int]:
    """Every process below `root` now (workers, a forkserver, a resource tracker): pid -> start time."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[1], []).append(int(entry.name))
    found, todo = {}, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        if (stat := _stat(pid)) is not None:
            found[pid] = stat[2]
            todo.extend(children.get(pid, []))
    return found


def _running(processes: dict[int, int]) -> list[int]:
    """Those of `processes` still running (a zombie has stopped; a reused number is another process)."""
    return [
        pid
        for pid, started in processes.items()
        if (stat := _stat(pid)) is not None and stat[2] == started and stat[0] not in "ZX"
    ]


def _gone_within(processes: dict[int, int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _running(processes)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def _wait_for_lines(proc: subprocess.Popen, word: str, count: int, seconds: float) -> list[str]:
    """Lines of the child's output until `count` of them start with `word`; fail after `seconds`."""
    out = b""
    deadline = time.monotonic() + seconds
    while sum(line.startswith(word.encode()) for line in out.splitlines(keepends=True) if line.endswith(b"\n")) < count:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
            pytest.fail(f"no {count} '{word}' lines in {seconds} s: {out!r}")
        chunk = os.read(proc.stdout.fileno(), 4096)  # not readline: a buffered second line would not wake select
        if not chunk:
            pytest.fail(f"the process ended: {out!r} {proc.stderr.read()!r}")
        out += chunk
    return out.decode().splitlines()


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _end(proc: subprocess.Popen, processes: dict[int, int]) -> None:
    """After a test, whatever it left: only the processes it started, by their number."""
    processes = {**_descendants(proc.pid), **processes}  # also when the test failed before it looked
    for pid in [proc.pid, *_running(processes)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    proc.stderr.close()


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("start_method", ["fork", "forkserver", "spawn", "fork without-prctl"])
def test_workers_die_with_a_killed_main_process(tmp_path: Path, start_method: str) -> None:
    (tmp_path / "pool.py").write_text(POOL_SCRIPT, encoding="utf-8")
    proc = _start(["pool.py", *start_method.split()], tmp_path)
    processes: dict[int, int] = {}
    try:
        lines = _wait_for_lines(proc, "working", 2, seconds=8)
        processes = _descendants(proc.pid)
        workers = {int(line.split()[1]) for line in lines}
        assert workers <= set(processes), (workers, processes)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=5)
        assert _gone_within(processes, seconds=3) == []  # workers, and the forkserver or resource tracker
    finally:
        _end(proc, processes)


def test_workers_die_with_a_terminated_main_process(tmp_path: Path) -> None:
    """SIGTERM (a service stopped, `timeout`) ends the main process without any Python code running."""
    (tmp_path / "pool.py").write_text(POOL_SCRIPT, encoding="utf-8")
    proc = _start(["pool.py", "fork"], tmp_path)
    processes: dict[int, int] = {}
    try:
        _wait_for_lines(proc, "working", 2, seconds=8)
        processes = _descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == -signal.SIGTERM
        assert _gone_within(processes, seconds=3) == []
    finally:
        _end(proc, processes)


@pytest.mark.parametrize("to", ["the main process", "the terminal's process group"])
def test_ctrl_c_stops_the_pool_without_waiting_for_its_jobs(tmp_path: Path, to: str) -> None:
    (tmp_path / "pool.py").write_text(POOL_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "pool.py", "fork"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's foreground job has
    )
    processes: dict[int, int] = {}
    try:
        _wait_for_lines(proc, "working", 2, seconds=8)
        processes = _descendants(proc.pid)
        started = time.monotonic()
        if to == "the main process":
            proc.send_signal(signal.SIGINT)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=4)
        except subprocess.TimeoutExpired:
            pytest.fail("Ctrl-C did not stop the main process within 4 s: it waits for its workers' jobs")
        took = time.monotonic() - started
        stderr = proc.stderr.read().decode()
        assert proc.returncode != 0 and "KeyboardInterrupt" in stderr
        assert "Process ForkProcess" not in stderr  # no worker's own traceback: Ctrl-C is the main process's
        assert _gone_within(processes, seconds=2) == []
        assert took < 3
    finally:
        _end(proc, processes)


def test_a_killed_build_j2_leaves_no_worker(tmp_path: Path) -> None:
    """`briefgen build -j 2`, its outputs made slow, SIGKILLed while both workers work."""
    (tmp_path / "briefs").mkdir()
    shutil.copy(ROOT / BRIEF, tmp_path / "briefs")
    shutil.copy(ROOT / "references.bib", tmp_path)
    (tmp_path / "build.py").write_text(BUILD_SCRIPT, encoding="utf-8")
    args = ["build.py", "build", BRIEF, "--bib", "references.bib", "-j", "2", "-f", "txt"]
    proc = _start([*args, "-a", "practitioner", "-a", "academic", "-a", "press"], tmp_path)
    processes: dict[int, int] = {}
    try:
        _wait_for_lines(proc, "working", 2, seconds=9)
        processes = _descendants(proc.pid)
        assert len(processes) >= 2
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=5)
        assert _gone_within(processes, seconds=3) == []
        assert not (tmp_path / "out" / "kazakhstan-osce-2010").exists()  # nothing was written
    finally:
        _end(proc, processes)


def _nap(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_an_error_in_the_main_process_stops_the_pool_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(RuntimeError), Runner(2) as runner:
        futures = [runner.submit(_nap, 6) for _ in range(4)]
        time.sleep(0.3)  # both workers are in a job
        processes = _descendants(os.getpid())
        raise RuntimeError("a bug while the workers work")
    assert time.monotonic() - started < 3  # not the 6 s of the running jobs, nor the 12 s of all four
    assert all(f.done() for f in futures)
    assert _gone_within({pid: s for pid, s in processes.items() if pid != os.getpid()}, seconds=2) == []


def test_jobs_give_their_results_and_the_workers_end_with_the_pool() -> None:
    with Runner(2) as runner:
        futures = [runner.submit(_nap, 0.1) for _ in range(4)]
        processes = _descendants(os.getpid())
        pids = {f.result() for f in futures}
    assert pids and os.getpid() not in pids and pids <= set(processes)
    assert _gone_within(processes, seconds=2) == []


def test_one_worker_runs_the_jobs_here() -> None:
    with Runner(1) as runner:
        assert runner.submit(_nap, 0).result() == os.getpid()


def _parent_death_signal(_: object) -> int:
    import ctypes

    value = ctypes.c_int(-1)
    ctypes.CDLL(None).prctl(2, ctypes.byref(value), 0, 0, 0)  # PR_GET_PDEATHSIG
    return value.value


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_asks_the_kernel_to_kill_it_with_its_parent() -> None:
    with Runner(2) as runner:
        assert runner.submit(_parent_death_signal, None).result() == signal.SIGKILL
    assert _parent_death_signal(None) == 0  # this process is left as it was


def _count_pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every pool the command starts, counted (the pool itself still runs)."""
    import concurrent.futures

    started: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    def counted(*args, **kwargs):
        started.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counted)
    return started


@pytest.mark.parametrize(("formats", "pools"), [(["-f", "txt"], 0), (["-f", "txt", "-f", "md"], 1)])
def test_a_build_of_one_output_starts_no_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, formats: list[str], pools: int
) -> None:
    """A pool costs 20-27 ms: a command with a single output to make runs it here, whatever -j says."""
    from click.testing import CliRunner

    from briefgen.cli import cli

    shutil.copy(ROOT / BRIEF, tmp_path / "brief.yaml")  # alone: no translation beside it
    started = _count_pools(monkeypatch)
    args = ["-q", "build", str(tmp_path / "brief.yaml"), "--bib", str(ROOT / "references.bib"), "-a", "practitioner"]
    result = CliRunner().invoke(cli, [*args, *formats, "-o", str(tmp_path / "out"), "-j", "2"])
    assert result.exit_code == 0, result.output
    assert len(started) == pools
    assert len(list((tmp_path / "out").rglob("*_practitioner.*"))) == len(formats) // 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is Linux's start method here")
def test_preload_runs_here_once_before_a_forked_pool() -> None:
    """What the writers load once is loaded before the fork, so no worker pays it again."""
    calls: list[int] = []
    with Runner(2, start_method="fork", preload=lambda jobs: calls.append(os.getpid())) as runner:
        assert calls == []  # no pool yet: nothing loaded for it
        assert {f.result() for f in [runner.submit(_nap, 0) for _ in range(3)]} - {os.getpid()}
    assert calls == [os.getpid()]
    with Runner(2, start_method="spawn", preload=lambda jobs: calls.append(0)) as runner:
        runner.submit(_nap, 0).result()
    assert calls == [os.getpid()]  # a spawned worker inherits nothing: loading it here would be waste
