"""A real Postfix for the tests: what a real MTA accepts, refuses and delivers, not what aiosmtpd imitates.

scripts/test-postfix.sh installs and starts it: an smtpd on 127.0.0.1:2525 with no TLS or AUTH and
smtpd_recipient_limit=3, so that, as on a provider's server, the 4th RCPT of a transaction gets
"452 4.5.3 Error: too many recipients" and the client must send the rest in another transaction. Every
address @briefgen.example.org is delivered by Postfix's own virtual(8) agent into one Maildir, <root>/inbox/, one file
per recipient that starts with "Delivered-To: <recipient>" (Postfix puts no part of an address into a mailbox
path, so there is no Maildir per local part); `messages(localpart)` sorts them by that header. Two kinds of
local part are refused at RCPT, for the mail code's error paths: "unknown-*" with 550 5.1.1 (no such user)
and "busy-*" with 450 4.2.1 (try later). Anything not @briefgen.example.org gets 554 5.7.1 (relay access denied).

Where it is: BRIEFGEN_TEST_POSTFIX=host:port:maildir_root (CI sets it), else 127.0.0.1:2525 if a Postfix
answers there, with the Maildirs under /var/tmp/briefgen-maildirs. Without one the test skips, but fails when
CI=true: CI runs the script, so a missing server there is a broken set-up, not a machine without Postfix.

Postfix delivers after it has answered "250 2.0.0 Ok: queued as ...", a moment later: wait with `wait_for`.
The Maildir is shared by every test and every run, so a test should send to local parts of its own
(`fresh_localpart`) rather than count on `clear()`.

Use:

    from postfix import PostfixServer, fresh_localpart, postfix_server

    @pytest.fixture
    def mta() -> PostfixServer:
        return postfix_server()

    def test_rest_in_a_second_transaction(mta: PostfixServer) -> None:
        to = [mta.address(fresh_localpart()) for _ in range(5)]
        ...  # send with the config mta.config() writes
        got = mta.wait_for(to, count=1)
"""

from __future__ import annotations

import email
import functools
import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import NoReturn

import pytest

ENV = "BRIEFGEN_TEST_POSTFIX"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 2525
DEFAULT_MAILDIRS = Path("/var/tmp/briefgen-maildirs")
DOMAIN = "briefgen.example.org"  # a real-looking domain: email-validator refuses the special-use .test
RECIPIENT_LIMIT = 3  # smtpd_recipient_limit of the test listener: the 4th RCPT of a transaction gets 452 4.5.3
LOG = Path("/var/log/postfix-briefgen.log")  # the script's maillog_file: shown when a delivery does not come
SETUP = "start it with: sudo bash scripts/test-postfix.sh"


def fresh_localpart(prefix: str = "r") -> str:
    """A local part no other test or earlier run has used, so a test counts only its own mail."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@dataclass
class PostfixServer:
    """The running Postfix: where to send, and what it delivered."""

    host: str
    port: int
    maildir_root: Path
    # Maildir file -> its Delivered-To address, lower case: a file is read once to sort it, not at every poll.
    _recipients: dict[Path, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def inbox(self) -> Path:
        """The one Maildir that virtual(8) writes (new/, cur/, tmp/)."""
        return self.maildir_root / "inbox"

    def address(self, localpart: str) -> str:
        """localpart@briefgen.example.org: the only domain this Postfix delivers."""
        return f"{localpart}@{DOMAIN}"

    def config(self, **smtp: object) -> str:
        """A mail.yaml for this server: no TLS and no AUTH (briefgen allows security none on localhost)."""
        settings: dict[str, object] = {"host": self.host, "port": self.port, "security": "none", "timeout": 10}
        settings.update(smtp)
        lines = ["from: Jane Analyst <analyst@example.org>", "smtp:"]
        lines += [f"  {k}: {v}" for k, v in settings.items() if v is not None]
        return "\n".join(lines) + "\n"

    def _files(self) -> list[Path]:
        """Every delivered file, oldest first (Maildir names do not sort by time within a second)."""
        found: list[tuple[int, str, Path]] = []
        for sub in ("new", "cur"):
            try:
                entries = list(os.scandir(self.inbox / sub))
            except FileNotFoundError:  # nothing delivered yet: virtual(8) makes the Maildir at the first message
                continue
            for entry in entries:
                if entry.is_file():
                    try:
                        found.append((entry.stat().st_mtime_ns, entry.name, Path(entry.path)))
                    except FileNotFoundError:  # removed by clear() meanwhile
                        continue
        return [path for _, _, path in sorted(found)]

    def _recipient(self, path: Path) -> str | None:
        """The address virtual(8) delivered this file to: its first Delivered-To header (it puts its own on top)."""
        if path not in self._recipients:
            try:
                with path.open("rb") as f:
                    head = f.read(8192)
            except FileNotFoundError:
                return None
            value = None
            for line in head.split(b"\n"):
                if line.lower().startswith(b"delivered-to:"):
                    value = line.split(b":", 1)[1].strip().decode("utf-8", "replace").lower()
                    break
                if not line.strip():  # end of the header: no Delivered-To (not written by virtual(8))
                    break
            self._recipients[path] = value or ""
        return self._recipients[path] or None

    def _wanted(self, localpart_or_address: str) -> str:
        return (localpart_or_address if "@" in localpart_or_address else self.address(localpart_or_address)).lower()

    def messages(self, localpart: str) -> list[EmailMessage]:
        """What was delivered to localpart@briefgen.example.org (or to a full address given), oldest first, each parsed
        as a recipient's mail client would see it, with Postfix's Return-Path, Delivered-To and Received on top."""
        wanted = self._wanted(localpart)
        out: list[EmailMessage] = []
        for path in self._files():
            if self._recipient(path) != wanted:
                continue
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                continue
            out.append(email.message_from_bytes(raw, policy=policy.default))
        return out

    def counts(self) -> dict[str, int]:
        """How many messages each address got, for a failure message."""
        counts: dict[str, int] = {}
        for path in self._files():
            address = self._recipient(path) or "(no Delivered-To)"
            counts[address] = counts.get(address, 0) + 1
        return counts

    def clear(self) -> None:
        """Empty the Maildir (new/ and cur/: tmp/ holds deliveries under way, which would then fail and be
        retried later, into the next test). Mail still queued is delivered after this: prefer fresh local parts."""
        for sub in ("new", "cur"):
            try:
                entries = list(os.scandir(self.inbox / sub))
            except FileNotFoundError:
                continue
            for entry in entries:
                Path(entry.path).unlink(missing_ok=True)
        self._recipients.clear()

    def flush(self) -> None:
        """Ask Postfix to try deferred mail now (postqueue -f), not after its back-off; nothing if not local."""
        postqueue = _postqueue()
        if postqueue is not None and self.host in ("127.0.0.1", "localhost"):
            subprocess.run([postqueue, "-f"], capture_output=True, timeout=30, check=False)

    def queue(self) -> list[dict[str, object]]:
        """The messages Postfix still holds (postqueue -j, one JSON object each); [] if it cannot tell."""
        postqueue = _postqueue()
        if postqueue is None:
            return []
        done = subprocess.run([postqueue, "-j"], capture_output=True, text=True, timeout=30, check=False)
        return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]

    def wait_for(self, localparts: Iterable[str], count: int = 1, timeout: float = 30) -> dict[str, list[EmailMessage]]:
        """Wait until each local part (or address) has at least `count` messages, and return them by the names
        given. Postfix answers 250 before it delivers; a delivery that failed for now waits for its back-off,
        so the queue is flushed while waiting. Fails with what did arrive and what is still queued."""
        names = list(localparts)
        deadline = time.monotonic() + timeout
        next_flush = time.monotonic() + 1
        while True:
            got = {name: self.messages(name) for name in names}
            if all(len(messages) >= count for messages in got.values()):
                return got
            now = time.monotonic()
            if now >= deadline:
                break
            if now >= next_flush:
                self.flush()
                next_flush = now + 5
            time.sleep(0.05)
        short = {name: len(got[name]) for name in names if len(got[name]) < count}
        raise AssertionError(
            f"Postfix delivered fewer than {count} message(s) to {short} in {timeout:g} s\n"
            f"delivered: {self.counts()}\nqueued: {self.queue()}\n{_log_tail()}"
        )

    def wait_until_idle(self, timeout: float = 30) -> None:
        """Wait until Postfix holds no mail, so that "nothing more came" is an answer, not a race."""
        deadline = time.monotonic() + timeout
        while self.queue():
            if time.monotonic() >= deadline:
                raise AssertionError(f"Postfix still holds mail after {timeout:g} s: {self.queue()}\n{_log_tail()}")
            self.flush()
            time.sleep(0.1)


def _postqueue() -> str | None:
    """postqueue's path: /usr/sbin is not on a non-root user's PATH on Debian."""
    return shutil.which("postqueue") or shutil.which("postqueue", path="/usr/sbin:/usr/local/sbin")


def _log_tail(lines: int = 15) -> str:
    """The end of Postfix's log, where it says why a delivery failed; empty if it can't be read."""
    try:
        text = LOG.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return f"{LOG} (last {len(text)} lines):\n" + "\n".join(text)


def _banner(host: str, port: int, timeout: float = 3) -> str | None:
    """The greeting the server sends on connect, or None if nothing answers. It is sent QUIT, so that Postfix
    logs a clean disconnect, not a lost connection."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            data = b""
            while b"\n" not in data and len(data) < 1024:
                chunk = sock.recv(1024)
                if not chunk:
                    break
                data += chunk
            try:
                sock.sendall(b"QUIT\r\n")
                sock.recv(1024)
            except OSError:
                pass
    except OSError:
        return None
    return data.split(b"\n", 1)[0].decode("utf-8", "replace").strip()


@functools.cache
def _discover() -> PostfixServer | str:
    """The server, or why there is none (looked for once per test session)."""
    spec = os.environ.get(ENV, "").strip()
    if spec:
        host, _, rest = spec.partition(":")
        port, _, maildirs = rest.partition(":")
        if not (host and port.isdigit() and maildirs):
            pytest.fail(f"{ENV}={spec!r} is not host:port:maildir_root")
        server = PostfixServer(host, int(port), Path(maildirs))
        where = f"{host}:{port} (from {ENV})"
    else:
        server = PostfixServer(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAILDIRS)
        where = f"{DEFAULT_HOST}:{DEFAULT_PORT}"
    banner = _banner(server.host, server.port)
    if banner is None:
        return f"no Postfix answers on {where}; {SETUP}"
    if not banner.startswith("220"):
        return f"{where} answers {banner!r}, not 220"
    if not spec and "Postfix" not in banner:
        return f"{where} is not Postfix (it says {banner!r}); {SETUP}"
    root = server.maildir_root
    if not root.is_dir():
        return f"Postfix answers on {where}, but its Maildir root {root} does not exist; {SETUP}"
    readable = server.inbox if server.inbox.exists() else root
    if not os.access(readable, os.R_OK | os.X_OK):
        return f"{readable} is not readable by this user; run the script with sudo as this user, so it is yours"
    return server


def _unavailable(reason: str) -> NoReturn:
    """Skip; but fail under CI, which starts Postfix (the project's rule for tests that need a real program)."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def postfix_server() -> PostfixServer:
    """The running test Postfix, or skip the test (fail it under CI=true)."""
    found = _discover()
    if isinstance(found, str):
        _unavailable(found)
    return found
