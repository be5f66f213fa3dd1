"""`briefgen`'s entry point: `build --server` hands the build to a warm process; the rest runs here.

A cold `briefgen build` spends most of its CPU importing the stack and parsing fonts. With
`--server`, this file alone is imported (the standard library's C modules for sockets and
signals; no click, no briefgen module), the command line goes to the user's build server (briefgen/server.py) over a
Unix socket, with this process's standard streams, folder, environment and umask, and the
server's exit code is this process's. The server is started when none answers.

The socket lives in a folder only its user can open: `$XDG_RUNTIME_DIR/briefgen`, else
`$TMPDIR/briefgen-<uid>` (BRIEFGEN_SERVER_DIR chooses another). One server runs per user and per
installation of briefgen (its Python, its folder, its version), so two virtual environments never
share one.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # `signal` and `socket` import enum: a fifth of this process
import _socket
import marshal
import os
import stat
import sys

from . import __version__

TYPE_CHECKING = False  # typing's, without importing typing (nor collections.abc)
if TYPE_CHECKING:
    from collections.abc import Iterator

SERVER_FLAG = "--server"
DIR_ENV = "BRIEFGEN_SERVER_DIR"
IDLE_ENV = "BRIEFGEN_SERVER_IDLE"  # seconds without a job before the server exits
READY_ENV = "BRIEFGEN_SERVER_READY_FD"  # the pipe a starting server answers on (server.py)
PROTOCOL = 1  # what a request holds; a server of another protocol answers `error`
START_SECONDS = 120  # how long a starting server may take to import, warm up and listen
MAX_SOCKET_PATH = 100  # sun_path holds 104-108 bytes, by platform


class ServerError(Exception):
    """The server could not be reached or started: said in one line, exit 1."""


def main() -> None:
    """The console script: `briefgen`, through the server when the command line asks for it."""
    handed = server_arguments(sys.argv[1:])
    if handed is None or not supported():
        from .cli import main as run_here  # `--server` on a system without Unix sockets: cli.py says so

        run_here()
        return
    try:
        code = build_through_server(handed)
    except ServerError as err:
        sys.stderr.write(f"Error: {err}\n")
        code = 1
    sys.exit(code)


def supported() -> bool:
    """Unix sockets able to pass file descriptors (not Windows)."""
    return os.name == "posix" and hasattr(_socket, "AF_UNIX") and hasattr(_socket.socket, "sendmsg")


def server_arguments(argv: list[str]) -> list[str] | None:
    """`argv` without `--server` when it is a `build` asking for the server; else None.

    The options before the command are flags (`-q`, `--no-cache`...), so the command is the first
    word that is not an option. `--server` counts before a `--` only.
    """
    at = next((i for i, word in enumerate(argv) if not word.startswith("-")), None)
    if at is None or argv[at] != "build":
        return None
    options = argv[at + 1 :]
    end = options.index("--") if "--" in options else len(options)
    if SERVER_FLAG not in options[:end]:
        return None
    kept = [word for word in options[:end] if word != SERVER_FLAG] + options[end:]
    return [*argv[: at + 1], *kept]


# ---------------------------------------------------------------- where the server listens


def server_folder() -> str:
    """The private folder the sockets are in, made if need be; refused unless only this user can open it."""
    folder = os.environ.get(DIR_ENV)
    if not folder:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        if runtime and os.path.isdir(runtime):
            folder = os.path.join(runtime, "briefgen")
        else:
            folder = os.path.join(os.environ.get("TMPDIR") or "/tmp", f"briefgen-{os.getuid()}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        found = os.lstat(folder)
    except OSError as err:
        raise ServerError(f"{folder}: {err.strerror}; the build server needs a folder of its own") from err
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o077:
        raise ServerError(
            f"{folder}: not a folder only you can open (yours, mode 700, not a link); "
            f"the build server will not listen there (set {DIR_ENV} to one)"
        )
    return folder


def socket_path() -> str:
    """This installation's socket: one server per Python, package folder and version."""
    import hashlib

    installation = f"{sys.executable}\0{os.path.dirname(os.path.abspath(__file__))}\0{__version__}"
    name = "build-" + hashlib.sha256(installation.encode("utf-8", "surrogateescape")).hexdigest()[:16] + ".sock"
    path = os.path.join(server_folder(), name)
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise ServerError(f"{path}: too long for a socket's name; set {DIR_ENV} to a shorter folder")
    return path


def connect(path: str) -> _socket.socket | None:
    """A connection to the server listening at `path`, or None when none does."""
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except (FileNotFoundError, ConnectionRefusedError):
        sock.close()
        return None
    except OSError:
        sock.close()
        raise
    return sock


def start_server(path: str) -> None:
    """Start a server for `path` and wait until it listens (or another, started at the same time, does)."""
    import select
    import subprocess

    read_end, write_end = os.pipe()
    log = path.removesuffix(".sock") + ".log"
    try:
        with open(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as log_file:
            subprocess.Popen(
                [sys.executable, "-m", "briefgen.server", path],
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                pass_fds=(write_end,),
                start_new_session=True,  # not in this terminal's process group: Ctrl-C here is not its
                env={**os.environ, READY_ENV: str(write_end)},
                cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),  # `-m` imports this briefgen
            )
    finally:
        os.close(write_end)
    try:
        answered, _, _ = select.select([read_end], [], [], START_SECONDS)
        word = os.read(read_end, 64).strip() if answered else b""
    finally:
        os.close(read_end)
    if word in (b"ready", b"busy"):  # busy: another call started one, which listens soon
        return
    raise ServerError(f"the build server did not start{_last_line(log)}; see {log}")


def _last_line(log: str) -> str:
    try:
        with open(log, "rb") as file:
            lines = file.read().decode("utf-8", "replace").strip().splitlines()
    except OSError:
        return ""
    return f" ({lines[-1]})" if lines else ""


def reach_server(path: str) -> _socket.socket:
    """A connection to a listening server: the one running, else one started now."""
    import time

    sock = connect(path)
    if sock is not None:
        return sock
    start_server(path)
    deadline = time.monotonic() + START_SECONDS
    while (sock := connect(path)) is None:
        if time.monotonic() > deadline:
            raise ServerError(f"no build server listens at {path}")
        time.sleep(0.02)
    return sock


# ---------------------------------------------------------------- a request


def request(sock: _socket.socket, kind: str, fds: list[int], **fields: object) -> None:
    """Send one request: its length and the descriptors it passes, then its body (marshal: both ends
    are the same Python, the socket's name says so)."""
    import array

    body = marshal.dumps({"protocol": PROTOCOL, "kind": kind, **fields})
    head = len(body).to_bytes(8, "big")
    if fds:  # what socket.send_fds sends
        sock.sendmsg([head], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        sock.sendall(head)
    sock.sendall(body)


def answers(sock: _socket.socket) -> Iterator[str]:
    """The server's answers, a line each, until it closes the connection."""
    pending = b""
    while chunk := sock.recv(4096):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        yield from (line.decode("utf-8", "replace").strip() for line in lines)


def build_through_server(argv: list[str]) -> int:
    """Run `briefgen <argv>` in the server; its exit code. A stale server (briefgen changed since it
    started) stops, and a fresh one takes the job."""
    path = socket_path()
    for _ in range(3):  # a stale server stops; one leaving as this call reached it resets it
        sock = reach_server(path)
        try:
            code = _hand_over(sock, argv)
        finally:
            sock.close()
        if code is not None:
            return code
    raise ServerError("the build server keeps stopping as stale; see `briefgen server status`")


def _hand_over(sock: _socket.socket, argv: list[str]) -> int | None:
    """The build's exit code, or None if the server was stale, or leaving, and did not build."""
    mask = os.umask(0)
    os.umask(mask)
    streams = [_open_or_null(fd) for fd in (0, 1, 2)]
    folder = os.open(".", os.O_RDONLY)
    try:
        request(
            sock,
            "build",
            [*streams, folder],
            argv=argv,
            env=dict(os.environ),
            umask=mask,
            encodings=[(f.encoding, f.errors) if f is not None else None for f in (sys.stdin, sys.stdout, sys.stderr)],
        )
    except ConnectionError:  # a server that closed as it stopped: try the next
        return None
    finally:
        for fd in {*streams, folder} - {0, 1, 2}:
            os.close(fd)
    return _follow(sock)


def _open_or_null(fd: int) -> int:
    """`fd` if it is open; else /dev/null, as a process started with a closed stream would see."""
    try:
        os.fstat(fd)
        return fd
    except OSError:
        return os.open(os.devnull, os.O_RDWR)


def _follow(sock: _socket.socket) -> int | None:
    """Read the server's answers until the exit code; Ctrl-C (and TERM, HUP) goes to the build."""
    child: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        if child:
            os.kill(child[0], signum)
        else:  # not started: leaving closes the connection, and the server cancels it
            os._exit(128 + signum)

    for signum in (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP):
        _signal.signal(signum, forward)
    try:
        for line in answers(sock):
            word, _, value = line.partition(" ")
            if word == "pid":
                child.append(int(value))
            elif word == "exit":
                return int(value)
            elif word == "stale":
                return None
            elif word == "error":
                raise ServerError(f"the build server refused the build: {value}")
    except ConnectionError:  # a server that closed as it stopped (its queue is reset): try the next
        if not child:
            return None
    raise ServerError("the build server stopped before the build ended")
