"""The warm build server, as dmypy is for mypy: `briefgen build --server` hands it the job (client.py).

It starts once per user and installation, imports everything, parses the bundled fonts and
builds the bundled sample in a scratch folder, so that every module, template and table a build
uses is loaded; then it waits on a Unix socket in a folder only its user can open.

Each job is a fork of that warm process. The child takes the caller's standard streams (passed
over the socket), folder, environment and umask, runs the same command line through the same
`briefgen` commands, and exits; the server sends the caller its exit code once it has reaped it
(so the child's CPU is the server's, for whoever measures). Nothing a job does reaches the next
one: each output is the bytes a cold build makes. Jobs may run side by side.

The server exits after BRIEFGEN_SERVER_IDLE seconds without a job (default 30 minutes), when
`briefgen server stop` asks, and when briefgen or an installed library changed on disk
(incremental.toolchain: the next call starts a fresh server).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import io
import json
import locale
import marshal
import os
import selectors
import signal
import socket
import struct
import sys
import time
from dataclasses import dataclass, field

from .client import IDLE_ENV, PROTOCOL, READY_ENV, request, socket_path

DEFAULT_IDLE = 30 * 60.0
MAX_REQUEST = 16 * 1024 * 1024  # an environment and a command line; anything larger is not a client
_INTERRUPTED: list[bool] = []  # in a job, a Ctrl-C that came while it was being set up
REQUEST_SECONDS = 10.0  # a client sends its request at once; one that stalls is dropped


@dataclass
class _Job:
    connection: socket.socket
    started: float


@dataclass
class _State:
    path: str
    listener: socket.socket
    toolchain: str
    idle: float
    lock: int
    inode: int  # the socket file's: a newer server's, in its place, is left alone
    started: float = field(default_factory=time.time)
    last: float = field(default_factory=time.monotonic)
    served: int = 0
    stopping: bool = False
    jobs: dict[int, _Job] = field(default_factory=dict)


def main(argv: list[str]) -> int:
    """`python -m briefgen.server SOCKET`, as client.start_server runs it."""
    path = argv[0] if argv else socket_path()
    ready = int(os.environ.pop(READY_ENV, "-1"))
    lock = _lock(path)
    if lock is None:  # another server for this socket is starting, running, or leaving
        _tell(ready, b"busy\n")
        return 0
    idle = float(os.environ.get(IDLE_ENV) or DEFAULT_IDLE)
    try:
        warm_up()
    except Exception:  # a server that could not warm up still serves: each job loads what it needs
        import traceback

        traceback.print_exc()
    from .incremental import toolchain

    listener = _listen(path)
    state = _State(path, listener, toolchain(), idle, lock, os.stat(path).st_ino)
    _tell(ready, b"ready\n")
    try:
        _serve(state)
    finally:
        _stop_listening(state)
    return 0


def _tell(fd: int, word: bytes) -> None:
    if fd >= 0:
        with contextlib.suppress(OSError):
            os.write(fd, word)
            os.close(fd)


def _lock(path: str) -> int | None:
    """The server's lock, held for its life: two calls starting a server at once start one.

    Held by another: if that one listens, None (it serves); if not, it is a server leaving (stale,
    stopped), whose lock is free in a moment: wait for it.
    """
    from .client import START_SECONDS, connect

    fd = os.open(path.removesuffix(".sock") + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd  # kept open (and so locked) until the process exits
        except OSError:
            pass
        listening = connect(path)
        if listening is not None or time.monotonic() > deadline:
            if listening is not None:
                listening.close()
            os.close(fd)
            return None
        time.sleep(0.02)


def _listen(path: str) -> socket.socket:
    """The socket, mode 600 in its mode-700 folder; a stale one (a server that died) is replaced."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # the lock says no live server owns it
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(mask)
    listener.listen(64)
    listener.setblocking(False)
    return listener


def _stop_listening(state: _State) -> None:
    """Close the socket and remove its file, unless a newer server's replaced it already."""
    with contextlib.suppress(OSError):
        if os.stat(state.path).st_ino == state.inode:
            os.unlink(state.path)
    state.listener.close()


# ---------------------------------------------------------------- warming up


def warm_up() -> None:
    """Build the bundled sample once, every built-in audience in every document format, in a scratch
    folder; parse every bundled font face. Then freeze what is loaded out of the collector's way, so
    forked jobs do not copy it page by page when the collector walks it."""
    import tempfile
    from pathlib import Path

    from .app.templates import init_workspace
    from .cli import cli
    from .writers import FORMATS

    with tempfile.TemporaryDirectory(prefix="briefgen-warm-up-") as scratch:
        init_workspace(Path(scratch, "w"))
        os.chdir(os.path.join(scratch, "w"))
        formats = [word for name in FORMATS for word in ("-f", name)]  # the tracker's too
        said = io.StringIO()
        try:
            with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
                cli.main(args=["-q", "build", *formats, "-j", "1", "-o", "out"], prog_name="briefgen")
        except SystemExit as stop:
            if stop.code:  # to the server's log; the server still serves, each job says its own errors
                print(f"warm-up build failed ({stop.code}): {said.getvalue()}", flush=True)
        os.chdir("/")
    _import_the_rest()
    _parse_bundled_faces()
    gc.collect()
    gc.freeze()


def _import_the_rest() -> None:
    """Every briefgen module the sample's build did not import (charts, follow-ups, mail...), with what
    each imports: a job finds them loaded whatever its brief holds."""
    import importlib
    import pkgutil

    from . import __path__ as package_path

    for module in pkgutil.walk_packages(package_path, prefix="briefgen."):
        if not module.name.endswith("__main__"):  # running it is what importing it does
            importlib.import_module(module.name)
    if "PIL.Image" in sys.modules:  # the image formats Pillow registers at its first open or save
        sys.modules["PIL.Image"].preinit()


def _parse_bundled_faces() -> None:
    from reportlab.pdfbase import pdfmetrics

    from .writers.pdf.styles import text_faces

    for name in text_faces():
        pdfmetrics.getFont(name)


# ---------------------------------------------------------------- serving


def _serve(state: _State) -> None:
    """Accept requests and reap finished jobs until idle, stale or asked to stop."""
    selector = selectors.DefaultSelector()
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a job ended: the wake-up pipe says so
    signal.signal(signal.SIGTERM, lambda *_: _begin_stop(state, selector))
    selector.register(state.listener, selectors.EVENT_READ, "accept")
    selector.register(wake_read, selectors.EVENT_READ, "wake")
    while True:
        if state.stopping and not state.jobs:
            return
        timeout = None if state.jobs or state.stopping else state.last + state.idle - time.monotonic()
        if timeout is not None and timeout <= 0:
            return
        for key, _ in selector.select(timeout):
            if key.data == "accept":
                _accept(state, selector)
            elif key.data == "wake":
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_read, 4096)
            else:
                _caller_gone(state, selector, key.data)
        _reap(state, selector)


def _begin_stop(state: _State, selector: selectors.BaseSelector) -> None:
    """Take no new job (the socket is gone at once); the running ones finish."""
    if not state.stopping:
        state.stopping = True
        with contextlib.suppress(KeyError, ValueError):
            selector.unregister(state.listener)
        _stop_listening(state)


def _accept(state: _State, selector: selectors.BaseSelector) -> None:
    try:
        connection, _ = state.listener.accept()
    except (BlockingIOError, InterruptedError):
        return
    try:
        if not _same_user(connection):
            connection.close()
            return
        connection.setblocking(True)
        connection.settimeout(REQUEST_SECONDS)
        asked, fds = _read_request(connection)
    except (OSError, ValueError, EOFError, TypeError) as err:
        with contextlib.suppress(OSError):
            connection.sendall(f"error {err}\n".encode())
        connection.close()
        return
    state.last = time.monotonic()
    _answer(state, selector, connection, asked, fds)


def _answer(state: _State, selector: selectors.BaseSelector, connection: socket.socket, asked: dict, fds: list) -> None:
    kind = asked.get("kind")
    if kind == "build" and _stale(state):
        _begin_stop(state, selector)  # first: the caller, told, must not reach this server again
        _reply(connection, "stale")
        _close_all(fds)
    elif kind == "build":
        _start_job(state, selector, connection, asked, fds)
    elif kind == "status":
        _close_all(fds)
        _reply(connection, "status " + json.dumps(_status(state)))
    elif kind == "stop":
        _close_all(fds)
        _begin_stop(state, selector)
        _reply(connection, "stopping")
    else:
        _close_all(fds)
        _reply(connection, f"error unknown request {kind!r}")


def _reply(connection: socket.socket, line: str) -> None:
    with contextlib.suppress(OSError):
        connection.sendall(line.encode() + b"\n")
    connection.close()


def _close_all(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def _same_user(connection: socket.socket) -> bool:
    """Linux: the peer's uid, from the kernel. Elsewhere the folder's mode 700 is the guard."""
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid == os.getuid()


def _read_request(connection: socket.socket) -> tuple[dict, list[int]]:
    """One request (client.request): its length and descriptors, then its body."""
    head, fds, flags, _ = socket.recv_fds(connection, 8, 8)
    if flags & getattr(socket, "MSG_CTRUNC", 0) or len(head) != 8:
        _close_all(fds)
        raise ValueError("a request that is not briefgen's")
    size = int.from_bytes(head, "big")
    if size > MAX_REQUEST:
        _close_all(fds)
        raise ValueError("a request too large")
    body = bytearray()
    while len(body) < size:
        chunk = connection.recv(size - len(body))
        if not chunk:
            _close_all(fds)
            raise EOFError("the request ended early")
        body += chunk
    asked = marshal.loads(bytes(body))
    if not isinstance(asked, dict) or asked.get("protocol") != PROTOCOL:
        _close_all(fds)
        raise ValueError(f"protocol {asked.get('protocol') if isinstance(asked, dict) else '?'}, not {PROTOCOL}")
    return asked, fds


def _stale(state: _State) -> bool:
    """Whether briefgen's files or the installed libraries changed since the server started."""
    from .incremental import toolchain

    return toolchain.__wrapped__() != state.toolchain  # functools.cache keeps the function


def _status(state: _State) -> dict:
    import resource

    return {
        "pid": os.getpid(),
        "socket": state.path,
        "package": os.path.dirname(os.path.abspath(__file__)),
        "started": state.started,
        "jobs_served": state.served,
        "jobs_running": len(state.jobs),
        "idle_exit_seconds": state.idle,
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def _start_job(
    state: _State, selector: selectors.BaseSelector, connection: socket.socket, asked: dict, fds: list[int]
) -> None:
    if len(fds) != 4:
        _close_all(fds)
        _reply(connection, "error a build request passes four descriptors")
        return
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pid = os.fork()
    if pid == 0:  # a Ctrl-C from here on is the build's, even one that comes before click runs it
        signal.signal(signal.SIGINT, lambda *_: _INTERRUPTED.append(True))
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        code = 70  # EX_SOFTWARE: the job could not even start
        try:
            code = _run_job(state, selector, connection, asked, fds)
        except BaseException:  # to the caller's terminal once its streams are taken, else to the server's log
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)
    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    _close_all(fds)
    state.jobs[pid] = _Job(connection, time.monotonic())
    state.served += 1
    connection.settimeout(None)
    try:
        connection.sendall(f"pid {pid}\n".encode())
    except OSError:
        os.kill(pid, signal.SIGINT)
    selector.register(connection, selectors.EVENT_READ, pid)


def _caller_gone(state: _State, selector: selectors.BaseSelector, pid: int) -> None:
    """The caller's connection is readable: it closed (it was killed): the job is interrupted as by Ctrl-C."""
    job = state.jobs.get(pid)
    if job is None:
        return
    try:
        data = job.connection.recv(64)
    except OSError:
        data = b""
    if not data:
        selector.unregister(job.connection)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)


def _reap(state: _State, selector: selectors.BaseSelector) -> None:
    """Every finished job's exit code, sent to its caller."""
    while state.jobs:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        job = state.jobs.pop(pid, None)
        if job is None:
            continue
        code = os.waitstatus_to_exitcode(status)
        with contextlib.suppress(KeyError, ValueError):
            selector.unregister(job.connection)
        _reply(job.connection, f"exit {code if code >= 0 else 128 - code}")
        state.last = time.monotonic()


# ---------------------------------------------------------------- one job, in the forked child


def _run_job(
    state: _State, selector: selectors.BaseSelector, connection: socket.socket, asked: dict, fds: list[int]
) -> int:
    """Become the caller's `briefgen` process, run its command line, and return its exit code."""
    _leave_the_server(state, selector, connection)
    stdin, stdout, stderr, folder = fds
    for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(fd, target)
    os.fchdir(folder)
    _close_all([fd for fd in fds if fd > 2])
    os.umask(asked["umask"])
    os.environ.clear()
    os.environ.update(asked["env"])
    time.tzset()  # the caller's TZ: a date "today" is the caller's
    with contextlib.suppress(locale.Error):
        locale.setlocale(locale.LC_CTYPE, "")  # and its character set, as Python sets it at start
    _standard_streams(asked.get("encodings") or [None, None, None])
    sys.argv = ["briefgen", *asked["argv"]]
    from .cli import cli

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        if _INTERRUPTED:
            raise KeyboardInterrupt
        cli.main(args=list(asked["argv"]), prog_name="briefgen")
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except KeyboardInterrupt:  # before click took the build over: what click says of a Ctrl-C (its main)
        sys.stderr.write("\nAborted!\n")
        code = 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build is over: nothing left to interrupt
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    return code


def _leave_the_server(state: _State, selector: selectors.BaseSelector, connection: socket.socket) -> None:
    """Drop what is the server's: its socket, other jobs' connections, its signal handling."""
    wake = signal.set_wakeup_fd(-1)
    if wake >= 0:
        os.close(wake)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for key in list(selector.get_map().values()):  # the listener, the wake-up pipe, other jobs' callers
        with contextlib.suppress(OSError):
            key.fileobj.close() if isinstance(key.fileobj, socket.socket) else os.close(key.fd)
    selector.close()
    os.close(state.lock)  # a job outliving the server must not keep the next one from starting
    connection.close()  # the server answers the caller; the child only writes to its streams
    _die_with_server()


def _die_with_server() -> None:
    """Linux: if the server dies, this job is interrupted (as by Ctrl-C) rather than left running."""
    from .parallel import die_with_parent

    die_with_parent(signal.SIGINT)


def _standard_streams(encodings: list) -> None:
    """sys.stdin/stdout/stderr over the caller's descriptors, in the caller's encodings."""
    made = []
    for fd, mode, chosen in zip((0, 1, 2), ("r", "w", "w"), encodings, strict=True):
        encoding, errors = chosen or ("utf-8", "strict")
        made.append(
            open(fd, mode, encoding=encoding, errors=errors, closefd=False, buffering=1 if os.isatty(fd) else -1)  # noqa: SIM115
        )
    sys.stdin, sys.stdout, sys.stderr = made


# ---------------------------------------------------------------- `briefgen server status|stop`


def ask(kind: str) -> dict | None:
    """Ask this installation's server for its status (`status`) or to stop (`stop`); None if none runs."""
    from .client import answers, connect

    sock = connect(socket_path())
    if sock is None:
        return None
    try:
        request(sock, kind, [])
        answer = next(answers(sock), "")
    finally:
        sock.close()
    word, _, value = answer.partition(" ")
    if word == "status":
        return json.loads(value)
    return {"answer": word}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
