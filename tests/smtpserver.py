"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, STARTTLS or implicit TLS with a
certificate made by trustme, AUTH, and a script of what to do wrong at every step.

What it received is parsed with the stdlib email parser, so tests assert on the parts,
file names and text a recipient's client would see.

The script (`Script.at`) can act at each step of a session: `greeting` (the 220 on
connecting), `ehlo` (each EHLO, also the one after STARTTLS), `mail`, `rcpt` (by position in
the transaction and/or by address), `data` (the reply to the DATA command itself, before any
354), `body` (while the message comes in: hang up after so many lines) and `final` (the reply
after the message's final dot). At each it can give any reply (421 is followed by closing the
connection, as real servers do), wait first (longer than the client's timeout: it gives up),
or hang up with no reply (cleanly, or with a TCP reset). A rule acts once, `times=N` times or
always (`times=None`), after letting `skip` occasions pass. `Script(recipient_limit=N)`
answers the RCPT after N accepted recipients of a transaction with Postfix's
`452 4.5.3 Error: too many recipients`.

    Script(recipient_limit=3).at("rcpt", "421 4.3.2 Shutting down", position=2).at("final", delay=5)

What the server accepted is exact: a message is in `received` only once the server gave (or
was about to give) 2xx to its final dot. A `final` step that hangs up, or waits and then says
250, stores the message first, as a real server that had queued it would (`keep=` says
otherwise). `transactions` records every MAIL ... final reply exchange, reply by reply, and
`reset` gives one running server a new script for the next test or example.
"""

from __future__ import annotations

import asyncio
import email
import socket
import ssl
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

USER = "analyst@example.org"
PASSWORD = "correct horse battery staple 7"
STEPS = ("greeting", "ehlo", "mail", "rcpt", "data", "body", "final")
TOO_MANY = "452 4.5.3 Error: too many recipients"  # Postfix, past smtpd_recipient_limit
DROPPED = "(dropped)"  # in a Transaction: the server hung up instead of replying


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    reply: str = ""  # the final reply the server gave (or would have given) for it
    connection: int = 0

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Act:
    """What the server does at one step, instead of its normal reply."""

    reply: str | None = None  # this reply (None: the normal one)
    delay: float = 0.0  # seconds to wait first; longer than the client's timeout and it has gone
    drop: bool = False  # then hang up without a reply
    reset: bool = False  # hang up with a TCP reset (SO_LINGER 0), not a clean close
    keep: bool | None = None  # final: store the message? default: when dropping, or when the reply is 2xx
    lines: int = 1  # body: hang up after this many lines of the message (0: right after the 354)


@dataclass
class Rule:
    """An Act for the occasions of a step that match; each rule counts every occasion it matches."""

    step: str
    act: Act
    times: int | None = 1  # act on this many occasions, then be spent; None: every time
    skip: int = 0  # let this many matching occasions pass first
    address: str | None = None  # rcpt only: this recipient
    position: int | None = None  # rcpt only: the Nth RCPT of a transaction (1-based)
    seen: int = field(default=0, init=False)  # matching occasions so far
    used: int = field(default=0, init=False)  # occasions it acted on

    def matches(self, step: str, address: str | None, position: int | None) -> bool:
        if self.step != step:
            return False
        if self.address is not None and self.address.lower() != (address or "").lower():
            return False
        return self.position is None or self.position == position


@dataclass
class Script:
    """What to do wrong, and when. The first four fields and `final_delay` are the older tests' API."""

    drop_at_mail: set[int] = field(default_factory=set)  # close the connection at the Nth MAIL FROM (1-based)
    refuse_from_mail: int | None = None  # from the Nth MAIL FROM on, answer 421 and hang up (a server gone down)
    data_replies: list[str] = field(default_factory=list)  # replies to the final dot before the normal one
    rcpt_replies: dict[str, str] = field(default_factory=dict)  # address -> reply to its RCPT TO, every time
    rules: list[Rule] = field(default_factory=list)  # see `at`; tried in order, the first due one acts
    recipient_limit: int | None = None  # accepted recipients per transaction, then 452 4.5.3 (Postfix)
    accept_reply: str = "250 2.0.0 Queued"  # the final 250; "{queue_id}" in it becomes a new id each time
    final_delay: float = 0.0  # seconds before every final reply with no rule of its own (the message stored first)

    def at(
        self,
        step: str,
        reply: str | None = None,
        *,
        delay: float = 0.0,
        drop: bool = False,
        reset: bool = False,
        keep: bool | None = None,
        lines: int = 1,
        times: int | None = 1,
        skip: int = 0,
        address: str | None = None,
        position: int | None = None,
    ) -> Script:
        """Add a rule: at `step`, reply / wait / hang up (once, `times` times, or always: None)."""
        if step not in STEPS:
            raise ValueError(f"step {step!r} is not one of {STEPS}")
        if step == "body" and not (drop or reset):
            raise ValueError("the body step can only drop the connection (there is no reply mid-message)")
        if (address is not None or position is not None) and step != "rcpt":
            raise ValueError("address and position select RCPT commands only")
        act = Act(reply=reply, delay=delay, drop=drop or reset, reset=reset, keep=keep, lines=lines)
        self.rules.append(Rule(step, act, times, skip, address, position))
        return self

    def play(self, step: str, address: str | None = None, position: int | None = None) -> Act | None:
        fired = None
        for rule in self.rules:
            if not rule.matches(step, address, position):
                continue
            rule.seen += 1
            if fired is None and rule.seen > rule.skip and (rule.times is None or rule.used < rule.times):
                rule.used += 1
                fired = rule.act
        return fired


@dataclass
class Transaction:
    """One MAIL ... final reply exchange as the server saw it; replies as given, DROPPED for none."""

    connection: int
    mail_from: str
    mail: str = ""
    rcpts: list[tuple[str, str]] = field(default_factory=list)  # (address, reply), in order
    data: str | None = None  # the reply to DATA (354 when the message was invited)
    final: str | None = None  # the reply after the final dot (also when delayed past the client)
    stored: bool = False

    @property
    def accepted(self) -> list[str]:
        return [a for a, reply in self.rcpts if _ok(reply)]


def _ok(reply: str) -> bool:
    return reply[:1] == "2"


class _ScriptedSMTP(SMTP):
    """aiosmtpd's SMTP with a DATA command that can be refused, and a hang-up that says nothing."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.connection = 0  # numbered at its first EHLO (the controller's own probe never gets one)
        self.position = 0  # RCPT commands in this transaction
        self.transaction: Transaction | None = None
        self._dropped = False
        self._greeted = False

    async def hang_up(self, reset: bool = False) -> None:
        """Close the connection and end the session here: nothing more is read or written."""
        self._dropped = True
        transport = self.transport
        if transport is not None:
            if reset:  # SO_LINGER 0: a TCP reset, the peer's next send fails (ECONNRESET / EPIPE)
                raw = transport.get_extra_info("socket")
                if raw is not None:
                    raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                transport.abort()
            else:
                transport.close()
        if self._handler_coroutine is not None:
            # else the session loop would go on reading what the client had already sent
            self._handler_coroutine.cancel()
            await asyncio.sleep(0)  # the cancellation lands here, in the session's own task

    def connection_lost(self, error: Exception | None) -> None:
        super().connection_lost(error)
        closed = getattr(self, "_closed", None)  # StreamReaderProtocol's; aiosmtpd reads it only in __del__
        if closed is not None and closed.done() and not closed.cancelled():
            closed.exception()  # a client that resets is part of the script, not an error to report at exit

    async def push(self, status) -> None:
        if self._dropped or self.transport is None:
            return
        if not self._greeted:  # the first thing said is the 220 greeting
            self._greeted = True
            act = self.event_handler.script.play("greeting")
            if act is not None:
                if act.delay:
                    await asyncio.sleep(act.delay)
                if act.drop:
                    await self.hang_up(act.reset)
                    return
                status = act.reply or status
        await super().push(status)
        text = status.decode("utf-8", "replace") if isinstance(status, bytes) else status
        if text.startswith("421"):  # "closing transmission channel": and it does
            await self.hang_up()

    async def smtp_DATA(self, arg: str) -> None:
        handler: _Handler = self.event_handler
        if arg or self.envelope is None or not self.envelope.rcpt_tos or self.transaction is None:
            await super().smtp_DATA(arg)  # aiosmtpd's own errors (503 need RCPT, 501 syntax)
            return
        txn = self.transaction
        act = handler.script.play("data")
        if act is not None:
            if act.delay:
                await asyncio.sleep(act.delay)
            if act.drop:
                txn.data = DROPPED
                await self.hang_up(act.reset)
                return
            if act.reply is not None:
                txn.data = act.reply
                if not act.reply.startswith("354"):
                    await self.push(act.reply)
                    return
        txn.data = "354"
        body = handler.script.play("body")
        if body is not None:
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            for _ in range(body.lines):
                await self._reader.readuntil(b"\r\n")
            if body.delay:
                await asyncio.sleep(body.delay)
            txn.final = DROPPED
            await self.hang_up(body.reset)
            return
        await super().smtp_DATA(arg)  # 354, the message, then handle_DATA for the final reply


class _Handler:
    def __init__(self, script: Script, received: list[Received]) -> None:
        self.script = script
        self.received = received
        self.transactions: list[Transaction] = []
        self.mails = 0  # MAIL commands, over all connections
        self.connections = 0  # sessions that said EHLO
        self.queue_ids = 0

    async def handle_EHLO(self, server: _ScriptedSMTP, session, envelope, hostname, responses):
        if not server.connection:
            self.connections += 1
            server.connection = self.connections
        act = self.script.play("ehlo")
        if act is not None:
            if act.delay:
                await asyncio.sleep(act.delay)
            if act.drop:
                await server.hang_up(act.reset)
                return []
            if act.reply is not None and not _ok(act.reply):
                return [act.reply]  # no HELO done: a MAIL after it gets 503
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server: _ScriptedSMTP, session, envelope, address, mail_options):
        self.mails += 1
        server.position = 0
        txn = server.transaction = Transaction(server.connection, address)
        self.transactions.append(txn)
        reply = "250 OK"
        act = self.script.play("mail")
        if act is not None:
            if act.delay:
                await asyncio.sleep(act.delay)
            if act.drop:
                txn.mail = DROPPED
                await server.hang_up(act.reset)
                return "421 4.4.2 (never sent)"
            reply = act.reply or reply
        elif self.mails in self.script.drop_at_mail:
            txn.mail = DROPPED
            await server.hang_up()  # no reply: the client sees the connection drop
            return "421 4.4.2 (never sent)"
        elif self.script.refuse_from_mail is not None and self.mails >= self.script.refuse_from_mail:
            reply = "421 4.3.2 Service shutting down"  # push() hangs up after a 421
        txn.mail = reply
        if _ok(reply):
            envelope.mail_from = address
            envelope.mail_options.extend(mail_options)
        return reply

    async def handle_RCPT(self, server: _ScriptedSMTP, session, envelope, address, rcpt_options):
        server.position += 1
        txn = server.transaction
        reply = None
        act = self.script.play("rcpt", address, server.position)
        if act is not None:
            if act.delay:
                await asyncio.sleep(act.delay)
            if act.drop:
                if txn is not None:
                    txn.rcpts.append((address, DROPPED))
                await server.hang_up(act.reset)
                return "421 4.4.2 (never sent)"
            reply = act.reply
        if reply is None:
            limit = self.script.recipient_limit
            if limit is not None and len(envelope.rcpt_tos) >= limit:
                reply = TOO_MANY
            else:
                reply = self.script.rcpt_replies.get(address.lower()) or "250 OK"
        if txn is not None:
            txn.rcpts.append((address, reply))
        if _ok(reply):
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(rcpt_options)
        return reply

    async def handle_DATA(self, server: _ScriptedSMTP, session, envelope):
        """The reply to the final dot: the message is stored when the server takes it."""
        txn = server.transaction
        act = self.script.play("final")
        if act is not None and act.reply is not None:
            reply = act.reply
        elif act is None and self.script.data_replies:
            reply = self.script.data_replies.pop(0)
        else:
            reply = self.script.accept_reply
        if "{queue_id}" in reply:
            self.queue_ids += 1
            reply = reply.format(queue_id=f"Q{self.queue_ids:04d}")
        drop = act is not None and act.drop
        keep = act.keep if act is not None and act.keep is not None else (drop or _ok(reply))
        if keep:  # queued: whatever happens to the reply, the server has it
            got = Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, reply)
            got.connection = server.connection
            self.received.append(got)
        if txn is not None:
            txn.final, txn.stored = (DROPPED if drop else reply), keep
        delay = act.delay if act is not None else self.script.final_delay
        if delay:
            await asyncio.sleep(delay)
        if drop:
            await server.hang_up(act.reset)
        return reply


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _ScriptedSMTP(self.handler, **self.SMTP_kwargs)


@dataclass
class Server:
    host: str
    port: int
    ca_file: Path
    security: str
    received: list[Received]
    handler: _Handler

    @property
    def script(self) -> Script:
        return self.handler.script

    @property
    def transactions(self) -> list[Transaction]:
        return self.handler.transactions

    def reset(self, script: Script | None = None) -> None:
        """A new script, and nothing received or seen: one server for many examples."""
        self.handler.script = script or Script()
        self.received.clear()
        self.handler.transactions.clear()
        self.handler.mails = 0

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.rcpt_tos]

    def copies(self, address: str) -> int:
        """How many stored messages name this recipient."""
        return sum(address in r.rcpt_tos for r in self.received)

    def config(self, **smtp: object) -> str:
        """A mail.yaml for this server."""
        settings = {
            "host": self.host,
            "port": self.port,
            "security": self.security,
            "user": USER,
            "ca_file": str(self.ca_file),
            "timeout": 10,
            "backoff": 0,
            **smtp,
        }
        lines = ["from: Jane Analyst <analyst@example.org>", "smtp:"]
        lines += [f"  {k}: {v}" for k, v in settings.items() if v is not None]
        return "\n".join(lines) + "\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == (PASSWORD.encode())
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@contextmanager
def smtp_server(tmp: Path, security: str = "starttls", script: Script | None = None) -> Iterator[Server]:
    """A running server; `security` is starttls (required, with AUTH), tls (implicit) or none (no AUTH)."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_file = tmp / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    received: list[Received] = []
    handler = _Handler(Script(), received)  # the controller's own probe at start() plays no script
    options: dict = {"hostname": "127.0.0.1", "port": _free_port()}
    if security == "starttls":
        options.update(tls_context=context, require_starttls=True, authenticator=_authenticate, auth_required=True)
    elif security == "tls":
        # aiosmtpd does not see that an implicit-TLS socket is encrypted: AUTH would not be offered
        options.update(ssl_context=context, authenticator=_authenticate, auth_required=True, auth_require_tls=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")  # implicit TLS: it is
        controller = _Controller(handler, **options)
        controller.start()
    handler.script = script or Script()
    try:
        yield Server("127.0.0.1", controller.port, ca_file, security, received, handler)
    finally:
        controller.stop()


def without_mail_settings(monkeypatch, folder: Path) -> None:
    """No sender or server from the environment or the user's config: each test says its own."""
    for variable in ("BRIEFGEN_MAIL_FROM", "BRIEFGEN_SMTP_HOST", "BRIEFGEN_SMTP_USER", "BRIEFGEN_SMTP_PORT"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("BRIEFGEN_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "no-config"))
