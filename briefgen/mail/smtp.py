"""Sending over SMTP: settings, one connection, and an outcome per recipient from the server's replies.

stdlib `smtplib` with `ssl.create_default_context()`: STARTTLS (port 587) or implicit
TLS (465), certificates verified, and AUTH when a user is set. The password comes only
from the environment (BRIEFGEN_SMTP_PASSWORD) or the system keyring, is read when the
server asks for it, and is never printed, logged or kept in a file.

The transaction is driven command by command (MAIL, each RCPT, DATA, the body, the final
dot), not through `sendmail`, because only then is every recipient's fate known (RFC 5321):
- a recipient is `sent` only when its RCPT got 2xx and the transaction's final reply was 2xx;
- 452 to a RCPT after others were accepted means "too many recipients": the rest go into
  the next transaction on the same connection, and the limit is learnt for the batches after;
- 421 at any step ends the connection: that transaction's recipients are retried on a new
  one, with exponential backoff, like every other temporary (4xx) failure;
- 5xx fails only the recipients it names, at once (no retry can change it);
- once the final dot has gone, a timeout or a dropped connection before the final reply
  leaves the server possibly holding the message: `uncertain`, never retried.
Configuration mistakes (bad certificate, refused login, STARTTLS missing) stop the run.
"""

from __future__ import annotations

import contextlib
import copy
import io
import ipaddress
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.generator import BytesGenerator
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from ..errors import MailError, Problem, display_path

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
PASSWORD_ENV = "BRIEFGEN_SMTP_PASSWORD"
KEYRING_SERVICE = "briefgen-smtp:{host}"  # `keyring set briefgen-smtp:HOST USER`
ENVIRONMENT = {  # variable -> setting; the environment wins over the config file
    "BRIEFGEN_SMTP_HOST": "host",
    "BRIEFGEN_SMTP_PORT": "port",
    "BRIEFGEN_SMTP_SECURITY": "security",
    "BRIEFGEN_SMTP_USER": "user",
    "BRIEFGEN_SMTP_CA_FILE": "ca_file",
    "BRIEFGEN_SMTP_TIMEOUT": "timeout",
    "BRIEFGEN_SMTP_RETRIES": "retries",
    "BRIEFGEN_SMTP_BACKOFF": "backoff",
    "BRIEFGEN_SMTP_FINAL_TIMEOUT": "final_timeout",
    "BRIEFGEN_SMTP_MAX_RECIPIENTS": "max_recipients",
}
# RFC 5321 4.5.3.2: a client waits 5 minutes for each command's reply and 10 for the reply to
# the final dot, which a server may give only once the message is safely queued
COMMAND_TIMEOUT = 300.0
FINAL_TIMEOUT = 600.0
SMTP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["host"],
    "properties": {
        "host": {"type": "string", "minLength": 1, "description": "the mail server (submission)"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535, "description": "default 587, 465 for tls"},
        "security": {"enum": list(SECURITY), "description": "starttls (default), tls (implicit) or none"},
        "user": {"type": "string", "description": "log in as this user; the password is never in a file"},
        "ca_file": {"type": "string", "description": "PEM file of a private CA the server's certificate uses"},
        "timeout": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "seconds to wait for each reply before the message (default 300, RFC 5321)",
        },
        "final_timeout": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "seconds to wait for the reply to the message itself (default 600, RFC 5321)",
        },
        "max_recipients": {
            "type": "integer",
            "minimum": 1,
            "description": "recipients per transaction (default: as many as the server accepts, learnt from 452)",
        },
        "retries": {"type": "integer", "minimum": 0, "maximum": 10, "description": "retries of a temporary failure"},
        "backoff": {"type": "number", "minimum": 0, "description": "seconds before the first retry; doubles"},
    },
}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"
    user: str = ""
    ca_file: str = ""
    timeout: float = COMMAND_TIMEOUT
    final_timeout: float = FINAL_TIMEOUT
    max_recipients: int | None = None
    retries: int = 3
    backoff: float = 2.0
    origin: str = "settings"  # where they were read, for messages

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_settings(values: dict[str, Any], origin: str, env: Mapping[str, str] | None = None) -> SmtpSettings:
    """Settings from a config file's `smtp:` mapping (already schema-checked), then the environment."""
    found: Mapping[str, str] = os.environ if env is None else env
    merged = dict(values)
    problems = []
    for variable, name in ENVIRONMENT.items():
        raw = found.get(variable, "").strip()
        if not raw:
            continue
        kind = SMTP_SCHEMA["properties"][name]
        try:
            merged[name] = (
                int(raw) if kind.get("type") == "integer" else float(raw) if kind.get("type") == "number" else raw
            )
        except ValueError:
            problems.append(Problem(variable, None, None, "", f"'{raw}' is not a number"))
        origin = origin if origin != "settings" else "the environment"
    if problems:
        raise MailError(problems)
    if not merged.get("host"):
        raise MailError(
            "no mail server: set smtp.host in mail.yaml (or --config FILE) or BRIEFGEN_SMTP_HOST; see docs/email.md"
        )
    security = str(merged.get("security") or "starttls")
    if security not in SECURITY:
        raise MailError(f"{origin}: security '{security}' is not one of: {', '.join(SECURITY)}")
    port = int(merged.get("port") or DEFAULT_PORTS[security])
    settings = SmtpSettings(
        host=str(merged["host"]),
        port=port,
        security=security,
        user=str(merged.get("user") or ""),
        ca_file=str(merged.get("ca_file") or ""),
        timeout=float(merged.get("timeout") or COMMAND_TIMEOUT),
        final_timeout=float(merged.get("final_timeout") or FINAL_TIMEOUT),
        max_recipients=int(merged["max_recipients"]) if merged.get("max_recipients") else None,
        retries=int(merged.get("retries", 3)),
        backoff=float(merged.get("backoff", 2.0)),
        origin=origin,
    )
    if settings.security == "none" and settings.user and not _loopback(settings.host):
        raise MailError(
            f"{origin}: security 'none' would send the password for {settings.user} unencrypted to "
            f"{settings.host}; use starttls or tls"
        )
    return settings


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def password_for(settings: SmtpSettings, env: Mapping[str, str] | None = None) -> str:
    """The environment's password, else the keyring's; an error says how to store one."""
    environment: Mapping[str, str] = os.environ if env is None else env
    if environment.get(PASSWORD_ENV):
        return environment[PASSWORD_ENV]
    service = KEYRING_SERVICE.format(host=settings.host)
    try:
        import keyring
        import keyring.errors
    except ImportError:
        keyring = None  # type: ignore[assignment]  # optional: absent, the name is None
    if keyring is not None:
        try:
            found = keyring.get_password(service, settings.user)
        except keyring.errors.KeyringError as err:
            raise MailError(f"keyring: {err}") from None
        if found:
            return found
    how = f"`keyring set {service} {settings.user}`"
    if keyring is None:
        how = f"install keyring (pip install 'briefgen[keyring]') and run {how}"
    raise MailError(f"no password for {settings.user} at {settings.host}: set {PASSWORD_ENV}, or {how}")


@dataclass(frozen=True)
class Outcome:
    """What became of one recipient of one message."""

    status: str  # sent | failed | uncertain
    code: int | None = None  # the server's reply code, when there was one
    detail: str = ""  # the server's words (a 250 carries the queue id), or what went wrong


class Journal(Protocol):
    """Where the transport reports, as it happens, what a crash must not lose."""

    def sending(self, recipients: list[str]) -> None:
        """The server accepted these recipients and has the body; the final dot goes next.

        Must be on disk when it returns: killed after the dot, a rerun must know the
        server may have the message.
        """

    def settled(self, outcomes: dict[str, Outcome]) -> None:
        """Final outcomes (sent, failed, uncertain), in the order they became known."""


class _Transaction:
    """What one MAIL ... final reply exchange decided, recipient by recipient."""

    def __init__(self) -> None:
        self.final: dict[str, Outcome] = {}  # decided for good
        self.temporary: dict[str, Outcome] = {}  # try again later, after a backoff (counts an attempt)
        self.deferred: list[str] = []  # 452 "too many recipients": the next transaction, at once
        self.accepted: list[str] = []  # RCPT got 2xx in this transaction

    def all_temporary(self, recipients: list[str], outcome: Outcome) -> None:
        for address in recipients:
            if address not in self.final and address not in self.deferred:
                self.temporary[address] = outcome


class _Abandon(Exception):
    """The connection ended before the message was complete: nothing was accepted."""

    def __init__(self, outcome: Outcome, final: bool = False) -> None:
        super().__init__(outcome.detail)
        self.outcome = outcome
        self.final = final  # a 5xx greeting, EHLO or login: no retry can change it


class SmtpSender:
    """One authenticated connection, opened when first needed and reopened after a drop."""

    def __init__(
        self,
        settings: SmtpSettings,
        password: Callable[[], str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._password = password or (lambda: password_for(settings))
        self._sleep = sleep
        self._smtp: smtplib.SMTP | None = None
        self.limit = settings.max_recipients  # recipients per transaction; learnt from a 452 when not set

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None and self._smtp.sock is not None:
            return self._smtp
        self._drop()  # smtplib closes the socket itself when it finds the server gone
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file or None)
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                _hello(smtp)
                if s.security == "starttls":
                    if not smtp.has_extn("starttls"):
                        raise MailError(f"{s.server} does not offer STARTTLS; not sending in the clear")
                    smtp.starttls(context=context)
                    _hello(smtp)
                if s.user:
                    if not smtp.has_extn("auth"):
                        raise MailError(f"{s.server} does not offer AUTH, but a user ({s.user}) is set")
                    smtp.login(s.user, self._password())
            except BaseException:
                smtp.close()
                raise
        except ssl.SSLCertVerificationError as err:
            raise MailError(
                f"{s.server}: the server's certificate is not trusted ({err.verify_message}); "
                "for a private CA set smtp.ca_file"
            ) from None
        except smtplib.SMTPAuthenticationError as err:
            if 400 <= err.smtp_code < 500:  # 454: a temporary authentication failure, tried again later
                raise _Abandon(Outcome("failed", err.smtp_code, _words(err.smtp_error))) from None
            raise MailError(
                f"{s.server}: login as {s.user} refused: {err.smtp_code} {_words(err.smtp_error)}"
            ) from None
        except smtplib.SMTPResponseException as err:  # 421 or 554 as the greeting or to EHLO
            outcome = Outcome("failed", err.smtp_code, _words(err.smtp_error))
            raise _Abandon(outcome, final=500 <= err.smtp_code < 600) from None
        except (smtplib.SMTPException, OSError) as err:  # refused, unreachable, timed out, dropped
            raise _Abandon(Outcome("failed", None, f"connection failed: {err or type(err).__name__}")) from None
        self._smtp = smtp
        return smtp

    def send(
        self, msg: EmailMessage, sender: str, recipients: list[str], journal: Journal | None = None
    ) -> dict[str, Outcome]:
        """Deliver `msg` to each envelope recipient, batch by batch; each outcome as the server gave it.

        Temporary failures are retried (at most `retries` more times per recipient, with
        backoff); every final outcome also goes to `journal.settled` as soon as it is known.
        """
        journal = journal or _NoJournal()
        outcomes: dict[str, Outcome] = {}
        attempts: dict[str, int] = {}
        last: dict[str, Outcome] = {}
        queue = list(dict.fromkeys(recipients))
        later: list[str] = []
        rounds = 0
        while queue or later:
            if not queue:
                rounds += 1
                spent = {a: last[a] for a in later if attempts[a] > self.settings.retries}
                for address, outcome in spent.items():
                    tries = attempts[address]
                    outcomes[address] = Outcome(
                        "failed", outcome.code, f"{outcome.detail} (gave up after {tries} attempts)"
                    )
                if spent:
                    journal.settled({a: outcomes[a] for a in spent})
                queue, later = [a for a in later if a not in spent], []
                if not queue:
                    break
                self._sleep(self.settings.backoff * 2 ** (rounds - 1))
            batch = queue[: self.limit] if self.limit else list(queue)
            queue = queue[len(batch) :]
            done = self._transaction(msg, sender, batch, journal)
            for address in batch:
                if address in done.temporary:
                    attempts[address] = attempts.get(address, 0) + 1
                    last[address] = done.temporary[address]
            if done.deferred:
                accepted = len(done.accepted)
                if accepted and (self.limit is None or accepted < self.limit):
                    self.limit = accepted  # the server's limit, learnt: the next batches fit it
                queue = done.deferred + queue
            later += [a for a in batch if a in done.temporary]
            if done.final:
                outcomes.update(done.final)
                journal.settled(done.final)
        return {a: outcomes[a] for a in dict.fromkeys(recipients)}

    def _transaction(self, msg: EmailMessage, sender: str, batch: list[str], journal: Journal) -> _Transaction:
        done = _Transaction()
        try:
            self._exchange(msg, sender, batch, journal, done)
        except _Abandon as ended:
            self._drop()
            if ended.final:
                for address in batch:
                    if address not in done.final and address not in done.deferred:
                        done.final[address] = ended.outcome
            else:
                done.all_temporary(batch, ended.outcome)
        return done

    def _exchange(self, msg: EmailMessage, sender: str, batch: list[str], journal: Journal, done: _Transaction) -> None:
        """One transaction. Until the final dot has gone, anything that ends it early ends it
        with nothing accepted (RFC 5321 4.1.1.4), so those recipients may be tried again.
        """
        smtp = self._connection()
        international = not all(a.isascii() for a in (sender, *batch))
        if international and not smtp.has_extn("smtputf8"):
            why = Outcome("failed", None, f"{self.settings.server} cannot take international addresses (no SMTPUTF8)")
            done.final.update(dict.fromkeys(batch, why))
            return
        payload = _wire_bytes(msg, international)
        options = ["SMTPUTF8", "BODY=8BITMIME"] if international else []
        if smtp.has_extn("size"):
            options.append(f"SIZE={len(payload)}")
        code, text = _command(smtp, lambda: smtp.mail(sender, options))
        if code >= 400:
            self._end_early(smtp, code, text, batch, done)
            return
        for i, address in enumerate(batch):
            code, text = _command(smtp, partial(smtp.rcpt, address))
            if 200 <= code < 300:
                done.accepted.append(address)
            elif code == 421:
                self._end_early(smtp, code, text, batch, done)
                return
            elif code == 452 and done.accepted:  # too many recipients: the rest in the next transaction
                done.deferred = batch[i:]
                break
            elif 400 <= code < 500:
                done.temporary[address] = Outcome("failed", code, _words(text))
            else:
                done.final[address] = Outcome("failed", code, _words(text))
        if not done.accepted:
            _reset(smtp)
            return
        code, text = _command(smtp, lambda: smtp.docmd("data"))
        if code != 354:
            self._end_early(smtp, code, text, done.accepted, done)
            return
        try:
            smtp.send(payload)
        except smtplib.SMTPServerDisconnected as err:  # no end of data: the server discards what it got
            raise _Abandon(Outcome("failed", None, f"connection lost while sending the message: {err}")) from None
        self._finish(smtp, done, journal)

    def _finish(self, smtp: smtplib.SMTP, done: _Transaction, journal: Journal) -> None:
        """The final dot and its reply: after the dot, nothing is ever retried.

        `SMTP.data()` sends the body and the dot in one call; the log must hear of the
        message between the two, so they go by smtplib's own `send` and `getreply`
        (public names, used by `data()` itself), with the socket's timeout raised to
        RFC 5321's 10 minutes for this one reply.
        """
        journal.sending(done.accepted)
        since = "; the server may have accepted it: not sent again"
        try:
            smtp.sock.settimeout(self.settings.final_timeout)  # type: ignore[union-attr]  # connected: smtplib sets sock on connect
            smtp.send(b".\r\n")
        except smtplib.SMTPServerDisconnected as err:
            # sendall() failed, so the whole ".\r\n" never reached the socket (over TLS, not one whole
            # record): the server has not seen the end of the message and discards it
            raise _Abandon(Outcome("failed", None, f"connection lost before the end of the message ({err})")) from None
        except BaseException:  # Ctrl-C while the dot was going: it may have gone
            self._drop()
            journal.settled(dict.fromkeys(done.accepted, Outcome("uncertain", None, "interrupted" + since)))
            raise
        try:
            code, text = smtp.getreply()
        except smtplib.SMTPServerDisconnected as err:
            self._drop()
            why = "no reply after the message (timed out)" if "timed out" in str(err) else f"connection lost ({err})"
            done.final.update(dict.fromkeys(done.accepted, Outcome("uncertain", None, why + since)))
            return
        except smtplib.SMTPResponseException as err:  # a reply line too long to read
            code, text = -1, err.smtp_error if isinstance(err.smtp_error, bytes) else str(err.smtp_error).encode()
        except BaseException:  # Ctrl-C: what the log must say before the run ends
            self._drop()
            why = "interrupted while waiting for the server's reply; it may have the message"
            journal.settled(dict.fromkeys(done.accepted, Outcome("uncertain", None, why)))
            raise
        if not 200 <= code < 600:  # no reply that can be read: the server may have the message
            self._drop()
            why = f"unreadable reply after the message: {_words(text)!r}"
            done.final.update(dict.fromkeys(done.accepted, Outcome("uncertain", None, why + since)))
            return
        if smtp.sock is not None:
            smtp.sock.settimeout(self.settings.timeout)
        words = _words(text)
        if 200 <= code < 300:
            done.final.update(dict.fromkeys(done.accepted, Outcome("sent", code, words)))
        elif 400 <= code < 500:
            if code == 421:
                self._drop()
            done.temporary.update(dict.fromkeys(done.accepted, Outcome("failed", code, words)))
        else:
            done.final.update(dict.fromkeys(done.accepted, Outcome("failed", code, words)))

    def _end_early(self, smtp: smtplib.SMTP, code: int, text: bytes, recipients: list[str], done: _Transaction) -> None:
        """A refusal before the message: 421 ends the connection, 4xx is tried again, 5xx fails them all."""
        outcome = Outcome("failed", code, _words(text))
        if code == 421:
            self._drop()
            done.all_temporary(recipients, outcome)
            return
        _reset(smtp)
        if 400 <= code < 500:
            done.all_temporary(recipients, outcome)
        else:
            for address in recipients:
                if address not in done.final and address not in done.deferred:
                    done.final[address] = outcome


class _NoJournal:
    def sending(self, recipients: list[str]) -> None:
        pass

    def settled(self, outcomes: dict[str, Outcome]) -> None:
        pass


def _hello(smtp: smtplib.SMTP) -> None:
    """EHLO (HELO from a server that does not know it); a refusal (421 busy, 554 no service) ends
    the connection like one in the greeting. smtplib's own `ehlo()` returns the code unchecked.
    """
    code, text = smtp.ehlo()
    if code in (500, 502):  # "command not recognised": an old server, RFC 5321 4.1.4 allows HELO
        code, text = smtp.helo()
    if not 200 <= code < 300:
        raise smtplib.SMTPResponseException(code, text)


def _command(smtp: smtplib.SMTP, call: Callable[[], tuple[int, bytes]]) -> tuple[int, bytes]:
    """A command's reply; a connection that ends before it abandons the transaction."""
    try:
        code, text = call()
    except smtplib.SMTPServerDisconnected as err:
        raise _Abandon(Outcome("failed", None, f"connection lost: {err}")) from None
    except smtplib.SMTPResponseException as err:  # a reply line smtplib could not read
        raise _Abandon(Outcome("failed", err.smtp_code, _words(err.smtp_error))) from None
    if code == -1:  # smtplib's "no valid reply code"
        raise _Abandon(Outcome("failed", None, f"unreadable reply: {_words(text)}"))
    return code, text


def _reset(smtp: smtplib.SMTP) -> None:
    """RSET after a transaction that sent no message; a server that hung up is found on the next command."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.rset()


def _wire_bytes(msg: EmailMessage, international: bool) -> bytes:
    """The message as it goes after DATA: no Bcc, CRLF line ends, dot-stuffed, ending in CRLF (no final dot).

    As `smtplib.SMTP.send_message` flattens it; the dot is sent apart, once the log knows.
    """
    bare = copy.copy(msg)
    del bare["Bcc"]
    del bare["Resent-Bcc"]
    with io.BytesIO() as out:
        policy = msg.policy.clone(utf8=True) if international else msg.policy  # type: ignore[call-arg]  # an EmailPolicy: clone takes its utf8
        BytesGenerator(out, policy=policy).flatten(bare, linesep="\r\n")
        data = out.getvalue()
    data = re.sub(rb"(?m)^\.", b"..", data)  # RFC 5321 4.5.2: a line starting with "." gets another
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _words(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


def config_file_settings(path: Path | None) -> tuple[dict[str, Any], str]:
    """The mail config file (`--config`, ./mail.yaml, or ~/.config/briefgen/mail.yaml), checked; ({}, "") if none."""
    from ..yamlsource import read_yaml, schema_problems

    candidates = [path] if path else [Path("mail.yaml"), _user_config_dir() / "briefgen" / "mail.yaml"]
    for candidate in candidates:
        if candidate is None or not candidate.is_file():
            if path is not None:
                raise MailError(Problem(display_path(path), None, None, "", "no such file"))
            continue
        file = display_path(candidate)
        data, pos = read_yaml(candidate, file, MailError)
        data = data or {}
        problems = pos.problems + schema_problems(data, CONFIG_SCHEMA, file, pos)
        if isinstance(data, dict) and "password" in (data.get("smtp") or {}):
            line, col = pos.key_marks.get(("smtp", "password"), (None, None))
            problems = [p for p in problems if p.field != "smtp.password"]
            problems.append(
                Problem(file, line, col, "smtp.password", f"never in a file: set {PASSWORD_ENV} or use keyring")
            )
        if problems:
            raise MailError(problems)
        return data, file
    return {}, ""


def _user_config_dir() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "from": {"type": "string", "minLength": 1, "description": "the sender: Name <address>"},
        "reply_to": {"type": "string", "minLength": 1, "description": "where replies go, if not to the sender"},
        "max_size_mb": {"type": "number", "exclusiveMinimum": 0, "description": "warn above this message size"},
        "bcc_self": {"type": "boolean", "description": "Bcc the sender on every message, to keep a copy"},
        "smtp": SMTP_SCHEMA,
    },
}
