"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, STARTTLS or implicit TLS with a
certificate made by trustme, AUTH, and scripted failures.

What it received is parsed with the stdlib email parser, so tests assert on the parts,
file names and text a recipient's client would see.
"""

from __future__ import annotations

import asyncio
import email
import socket
import ssl
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "analyst@example.org"
PASSWORD = "correct horse battery staple 7"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Script:
    """Failures to play, each once, in this order of checks."""

    drop_at_mail: set[int] = field(default_factory=set)  # close the connection at the Nth MAIL FROM (1-based)
    refuse_from_mail: int | None = None  # from the Nth MAIL FROM on, answer 421 and hang up (a server gone down)
    data_replies: list[str] = field(default_factory=list)  # replies to DATA before the normal 250
    rcpt_replies: dict[str, str] = field(default_factory=dict)  # address -> reply to its RCPT TO, every time


class _Handler:
    def __init__(self, script: Script, received: list[Received]) -> None:
        self.script = script
        self.received = received
        self.mails = 0
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mails += 1
        if self.mails in self.script.drop_at_mail:
            server.transport.close()  # no reply: the client sees the connection drop
            return "421 4.4.2 gone"
        if self.script.refuse_from_mail is not None and self.mails >= self.script.refuse_from_mail:
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.script.rcpt_replies.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.script.data_replies:
            return self.script.data_replies.pop(0)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 Queued"


@dataclass
class Server:
    host: str
    port: int
    ca_file: Path
    security: str
    received: list[Received]
    handler: _Handler

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.rcpt_tos]

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
    handler = _Handler(script or Script(), received)
    options: dict = {"hostname": "127.0.0.1", "port": _free_port()}
    if security == "starttls":
        options.update(tls_context=context, require_starttls=True, authenticator=_authenticate, auth_required=True)
    elif security == "tls":
        # aiosmtpd does not see that an implicit-TLS socket is encrypted: AUTH would not be offered
        options.update(ssl_context=context, authenticator=_authenticate, auth_required=True, auth_require_tls=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")  # implicit TLS: it is
        controller = Controller(handler, **options)
        controller.start()
    try:
        yield Server("127.0.0.1", controller.port, ca_file, security, received, handler)
    finally:
        controller.stop()
