"""Sending over SMTP: settings, one connection, retries, and an outcome per recipient.

stdlib `smtplib` with `ssl.create_default_context()`: STARTTLS (port 587) or implicit
TLS (465), certificates verified, and AUTH when a user is set. The password comes only
from the environment (BRIEFGEN_SMTP_PASSWORD) or the system keyring, is read when the
server asks for it, and is never printed, logged or kept in a file.

A temporary failure (a 4xx reply, a dropped connection, a timeout) is retried with
exponential backoff on a fresh connection when needed; a permanent one (5xx) fails
only the recipients it names. Configuration mistakes (bad certificate, refused
login, STARTTLS missing) stop the run: retrying cannot fix them.
"""

from __future__ import annotations

import ipaddress
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

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
}
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
        "timeout": {"type": "number", "exclusiveMinimum": 0, "description": "seconds per network operation"},
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
    timeout: float = 60.0
    retries: int = 3
    backoff: float = 2.0
    origin: str = "settings"  # where they were read, for messages

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_settings(values: dict[str, Any], origin: str, env: dict[str, str] | None = None) -> SmtpSettings:
    """Settings from a config file's `smtp:` mapping (already schema-checked), then the environment."""
    env = os.environ if env is None else env
    merged = dict(values)
    problems = []
    for variable, name in ENVIRONMENT.items():
        raw = env.get(variable, "").strip()
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
            "no mail server: set smtp.host in mail.yaml (or --config FILE) or BRIEFGEN_SMTP_HOST; see README, Email"
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
        timeout=float(merged.get("timeout") or 60.0),
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


def password_for(settings: SmtpSettings, env: dict[str, str] | None = None) -> str:
    """The environment's password, else the keyring's; an error says how to store one."""
    env = os.environ if env is None else env
    if env.get(PASSWORD_ENV):
        return env[PASSWORD_ENV]
    service = KEYRING_SERVICE.format(host=settings.host)
    try:
        import keyring
        import keyring.errors
    except ImportError:
        keyring = None  # type: ignore[assignment]
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

    status: str  # sent | failed
    code: int | None = None  # the server's reply code, when there was one
    detail: str = ""  # the server's words, or what went wrong


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
        if self._smtp is not None:
            return self._smtp
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file or None)
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                smtp.ehlo()
                if s.security == "starttls":
                    if not smtp.has_extn("starttls"):
                        raise MailError(f"{s.server} does not offer STARTTLS; not sending in the clear")
                    smtp.starttls(context=context)
                    smtp.ehlo()
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
            raise MailError(
                f"{s.server}: login as {s.user} refused: {err.smtp_code} {_words(err.smtp_error)}"
            ) from None
        self._smtp = smtp
        return smtp

    def send(self, msg: EmailMessage, sender: str, recipients: list[str]) -> dict[str, Outcome]:
        """Deliver `msg` to each envelope recipient; temporary failures retried, each outcome returned."""
        results: dict[str, Outcome] = {}
        pending = list(recipients)
        last = Outcome("failed", None, "not attempted")
        for attempt in range(self.settings.retries + 1):
            if attempt:
                self._sleep(self.settings.backoff * 2 ** (attempt - 1))
            try:
                refused = self._connection().send_message(msg, from_addr=sender, to_addrs=pending)
            except smtplib.SMTPRecipientsRefused as err:
                refused = err.recipients
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as err:
                last = Outcome("failed", err.smtp_code, _words(err.smtp_error))
                if not 400 <= err.smtp_code < 500:
                    break  # permanent: every pending recipient fails with it
                continue
            except smtplib.SMTPNotSupportedError as err:  # an international address, a server without SMTPUTF8
                last = Outcome("failed", None, str(err))
                break
            except smtplib.SMTPResponseException as err:  # 421 and other replies that end the session
                self._drop()
                last = Outcome("failed", err.smtp_code, _words(err.smtp_error))
                if not 400 <= err.smtp_code < 500:
                    break
                continue
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as err:
                self._drop()
                last = Outcome("failed", None, f"connection lost: {err or type(err).__name__}")
                continue
            still: list[str] = []
            for address in pending:
                if address not in refused:
                    results[address] = Outcome("sent", 250, "")
                    continue
                code, words = refused[address]
                last = Outcome("failed", code, _words(words))
                if 400 <= code < 500:
                    still.append(address)
                else:
                    results[address] = last
            pending = still
            if not pending:
                break
        for address in pending:
            tries = self.settings.retries + 1
            results[address] = Outcome(last.status, last.code, f"{last.detail} (gave up after {tries} attempts)")
        return results


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
        "smtp": SMTP_SCHEMA,
    },
}
