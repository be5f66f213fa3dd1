"""The SMTP sender against a real server (aiosmtpd on 127.0.0.1): TLS, AUTH, retries, outcomes."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from briefgen.errors import MailError
from briefgen.mail.smtp import SmtpSender, SmtpSettings, config_file_settings, password_for, smtp_settings

from smtpserver import PASSWORD, USER, Script, smtp_server


def _message(to: list[str]) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = USER
    msg["To"] = ", ".join(to)
    msg["Subject"] = "Brief"
    msg.set_content("Körper des Textes")
    return msg


def _settings(server, **changes) -> SmtpSettings:
    values = {
        "host": server.host,
        "port": server.port,
        "security": server.security,
        "user": USER if server.security != "none" else "",
        "ca_file": str(server.ca_file),
        "timeout": 10.0,
        "retries": 2,
        "backoff": 0.0,
    }
    values.update(changes)
    return SmtpSettings(**values)


def _sender(settings: SmtpSettings, sleeps: list[float] | None = None) -> SmtpSender:
    record = sleeps if sleeps is not None else []
    return SmtpSender(settings, password=lambda: PASSWORD, sleep=record.append)


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_delivers_over_tls_with_auth(tmp_path: Path, security: str) -> None:
    with smtp_server(tmp_path, security) as server, _sender(_settings(server)) as sender:
        outcomes = sender.send(_message(["a@example.org"]), USER, ["a@example.org", "b@example.org"])
    assert {a: o.status for a, o in outcomes.items()} == {"a@example.org": "sent", "b@example.org": "sent"}
    [got] = server.received
    assert got.rcpt_tos == ["a@example.org", "b@example.org"]
    assert got.message.get_content().strip() == "Körper des Textes"


def test_an_untrusted_certificate_stops_with_advice(tmp_path: Path) -> None:
    with (
        smtp_server(tmp_path) as server,
        _sender(_settings(server, ca_file="")) as sender,
        pytest.raises(MailError, match=r"certificate is not trusted.*smtp\.ca_file"),
    ):
        sender.send(_message(["a@example.org"]), USER, ["a@example.org"])
    assert server.received == []


def test_a_wrong_password_stops_and_is_not_shown(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        sender = SmtpSender(_settings(server), password=lambda: "wrong-pw-123", sleep=lambda s: None)
        with pytest.raises(MailError) as caught:
            sender.send(_message(["a@example.org"]), USER, ["a@example.org"])
    assert "login as analyst@example.org refused: 535" in caught.value.format_message()
    assert "wrong-pw-123" not in caught.value.format_message()


def test_a_server_without_starttls_is_not_used_in_the_clear(tmp_path: Path) -> None:
    with (
        smtp_server(tmp_path, "none") as server,
        _sender(_settings(server, security="starttls", user="")) as sender,
        pytest.raises(MailError, match="does not offer STARTTLS"),
    ):
        sender.send(_message(["a@example.org"]), USER, ["a@example.org"])
    assert server.received == []


def test_a_dropped_connection_is_retried_on_a_new_one(tmp_path: Path) -> None:
    sleeps: list[float] = []
    with (
        smtp_server(tmp_path, script=Script(drop_at_mail={2})) as server,
        _sender(_settings(server, backoff=0.5), sleeps) as sender,
    ):
        first = sender.send(_message(["a@example.org"]), USER, ["a@example.org"])
        second = sender.send(_message(["b@example.org"]), USER, ["b@example.org"])
    assert first["a@example.org"].status == second["b@example.org"].status == "sent"
    assert [r.rcpt_tos for r in server.received] == [["a@example.org"], ["b@example.org"]]
    assert sleeps == [0.5]


def test_451_then_250_sends_once_with_backoff(tmp_path: Path) -> None:
    sleeps: list[float] = []
    script = Script(data_replies=["451 4.3.0 Try again later", "451 4.3.0 Try again later"])
    with (
        smtp_server(tmp_path, script=script) as server,
        _sender(_settings(server, backoff=1.0, retries=3), sleeps) as sender,
    ):
        outcomes = sender.send(_message(["a@example.org"]), USER, ["a@example.org"])
    assert outcomes["a@example.org"].status == "sent"
    assert len(server.received) == 1
    assert sleeps == [1.0, 2.0]  # doubling


def test_a_temporary_failure_that_lasts_fails_after_the_retries(tmp_path: Path) -> None:
    script = Script(data_replies=["451 4.3.0 Try again later"] * 5)
    with smtp_server(tmp_path, script=script) as server, _sender(_settings(server, retries=2)) as sender:
        outcomes = sender.send(_message(["a@example.org"]), USER, ["a@example.org"])
    assert outcomes["a@example.org"].status == "failed"
    assert outcomes["a@example.org"].code == 451
    assert "gave up after 3 attempts" in outcomes["a@example.org"].detail
    assert server.received == []


def test_550_fails_only_that_recipient(tmp_path: Path) -> None:
    script = Script(rcpt_replies={"gone@example.org": "550 5.1.1 No such user"})
    with smtp_server(tmp_path, script=script) as server, _sender(_settings(server)) as sender:
        outcomes = sender.send(_message(["a@example.org"]), USER, ["a@example.org", "gone@example.org"])
    assert outcomes["a@example.org"].status == "sent"
    assert (outcomes["gone@example.org"].status, outcomes["gone@example.org"].code) == ("failed", 550)
    assert "No such user" in outcomes["gone@example.org"].detail
    assert [r.rcpt_tos for r in server.received] == [["a@example.org"]]


def test_a_recipient_answered_with_4xx_is_retried_alone(tmp_path: Path) -> None:
    class Once(dict):
        def get(self, key, default=None):  # 450 the first time only
            return self.pop(key, default)

    script = Script(rcpt_replies=Once({"busy@example.org": "450 4.2.1 Mailbox busy"}))
    with smtp_server(tmp_path, script=script) as server, _sender(_settings(server)) as sender:
        outcomes = sender.send(_message(["a@example.org"]), USER, ["a@example.org", "busy@example.org"])
    assert {o.status for o in outcomes.values()} == {"sent"}
    assert [r.rcpt_tos for r in server.received] == [["a@example.org"], ["busy@example.org"]]


def test_settings_come_from_the_file_then_the_environment(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "mail.yaml"
    config.write_text("from: A <a@example.org>\nsmtp:\n  host: mail.example.org\n  security: tls\n  user: me\n")
    values, origin = config_file_settings(config)
    settings = smtp_settings(values["smtp"], origin, env={"BRIEFGEN_SMTP_USER": "you"})
    assert (settings.host, settings.port, settings.security, settings.user) == ("mail.example.org", 465, "tls", "you")
    with pytest.raises(MailError, match="BRIEFGEN_SMTP_PORT: 'abc' is not a number"):
        smtp_settings(values["smtp"], origin, env={"BRIEFGEN_SMTP_PORT": "abc"})


def test_a_password_in_the_config_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "mail.yaml"
    config.write_text("smtp:\n  host: mail.example.org\n  password: hunter2\n")
    with pytest.raises(MailError) as caught:
        config_file_settings(config)
    assert caught.value.format_message() == (
        f"{config}:3:3: smtp.password: never in a file: set BRIEFGEN_SMTP_PASSWORD or use keyring"
    )


def test_plain_text_login_to_a_remote_host_is_refused() -> None:
    with pytest.raises(MailError, match="unencrypted"):
        smtp_settings({"host": "mail.example.org", "security": "none", "user": "me"}, "mail.yaml", env={})


def test_the_password_comes_from_the_environment_or_the_keyring(monkeypatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            self.store = {("briefgen-smtp:mail.example.org", "me"): "from-the-keyring"}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    settings = SmtpSettings(host="mail.example.org", user="me")
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        assert password_for(settings, env={"BRIEFGEN_SMTP_PASSWORD": "from-env"}) == "from-env"
        assert password_for(settings, env={}) == "from-the-keyring"
        with pytest.raises(MailError, match=r"keyring set briefgen-smtp:other\.example\.org me"):
            password_for(SmtpSettings(host="other.example.org", user="me"), env={})
    finally:
        keyring.set_keyring(previous)
