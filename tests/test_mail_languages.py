"""`briefgen mail` in each recipient's language: the translation's brief and covering text, logged as such."""

from __future__ import annotations

import email
import hashlib
import json
import re
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen.cli import cli

from conftest import ROOT, SAMPLE
from smtpserver import smtp_server, without_mail_settings

RUSSIAN = ROOT / "briefs" / "kazakhstan-osce-2010.ru.yaml"
pytestmark = pytest.mark.workspace(briefs={SAMPLE.name: SAMPLE, RUSSIAN.name: RUSSIAN})
RU_TITLE = "Председательство Казахстана в ОБСЕ в 2010 году: где Астана может внести реальный вклад"
EN_TITLE = "Kazakhstan’s OSCE Chairmanship 2010: Where Astana Can Make a Difference"
LIST = """email,name,audience,language
minister@mfa.example.org,Office of the Minister,policymaker,
mid@mid.example.ru,МИД России,policymaker,RU
quai@diplomatie.example.fr,Quai d'Orsay,policymaker,fr-FR
"""


@pytest.fixture
def workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (workspace / "list.csv").write_text(LIST, encoding="utf-8")
    without_mail_settings(monkeypatch, workspace)
    return workspace


def mail(*args: str, recipients: str = "list.csv") -> Result:
    return CliRunner().invoke(
        cli, ["mail", f"briefs/{SAMPLE.name}", "--recipients", recipients, "--from", "A <a@example.org>", *args]
    )


def draft(name: str) -> EmailMessage:
    return email.message_from_bytes(Path("drafts", name).read_bytes(), policy=policy.default)  # type: ignore[return-value]


def text(msg: EmailMessage) -> str:
    return msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_each_reader_gets_the_brief_and_its_covering_text_in_their_language(workspace: Path) -> None:
    result = mail("-a", "policymaker", "--eml", "drafts")
    assert result.exit_code == 0, result.output
    english, russian = draft("kazakhstan-osce-2010_policymaker.eml"), draft("kazakhstan-osce-2010.ru_policymaker.eml")
    # the French reader has no translation: the English brief, and a warning naming them
    assert english["To"] == (
        "Office of the Minister <minister@mfa.example.org>, Quai d'Orsay <quai@diplomatie.example.fr>"
    )
    assert english["Subject"] == EN_TITLE and english["Content-Language"] == "en"
    assert "no 'fr-FR' translation of the brief; quai@diplomatie.example.fr gets it in 'en'" in result.output
    assert "translate init BRIEF --to fr" in result.output
    assert russian["To"] == "МИД России <mid@mid.example.ru>"
    assert russian["Subject"] == RU_TITLE and russian["Content-Language"] == "ru"
    body = text(russian)
    assert "Ключевые тезисы" in body and "15 января 2010\u202fг." in body and "Key messages" not in body
    (attachment,) = russian.iter_attachments()
    built = Path("out/kazakhstan-osce-2010.ru/kazakhstan-osce-2010.ru_policymaker.pdf").read_bytes()
    assert attachment.get_content() == built  # byte for byte the Russian build
    assert attachment.get_filename().startswith("Председательство-Казахстана")
    assert "policymaker (ru): “" + RU_TITLE in result.output


def test_a_lists_language_and_its_notes_per_language(workspace: Path) -> None:
    Path("list.yaml").write_text(
        "policymaker:\n  language: ru\n  note:\n    ru: Для сведения министра.\n    en: For the minister.\n"
        "  recipients: [МИД России <mid@mid.example.ru>, {email: minister@mfa.example.org, language: en}]\n",
        encoding="utf-8",
    )
    result = mail("--eml", "drafts", recipients="list.yaml")
    assert result.exit_code == 0, result.output
    russian, english = draft("kazakhstan-osce-2010.ru_policymaker.eml"), draft("kazakhstan-osce-2010_policymaker.eml")
    assert "mid@mid.example.ru" in russian["To"] and "minister@" in english["To"]
    assert text(russian).index("Для сведения министра.") < text(russian).index("Ключевые тезисы")
    assert "For the minister." in text(english) and "Для сведения" not in text(english)


def test_a_note_lacking_a_language_mailed_is_an_error_before_anything_is_built(workspace: Path) -> None:
    Path("list.yaml").write_text(
        "policymaker:\n  note: {en: For the minister.}\n  recipients:\n"
        "    - {email: mid@mid.example.ru, language: ru}\n",
        encoding="utf-8",
    )
    result = mail("--eml", "drafts", recipients="list.yaml")
    assert result.exit_code == 1
    assert "list.yaml:2: note: no 'ru' text, though policymaker is mailed in 'ru'" in result.output
    assert not Path("out").exists() and not Path("drafts").exists()


def test_one_note_for_readers_of_two_languages_is_a_warning(workspace: Path) -> None:
    Path("note.md").write_text("Please see attached.", encoding="utf-8")
    result = mail("-a", "policymaker", "--note", "note.md", "--eml", "drafts")
    assert result.exit_code == 0, result.output
    assert "policymaker: --note is one text; it goes as written to readers of en, ru" in result.output


def test_a_bad_language_in_the_list_is_an_error_at_its_line(workspace: Path) -> None:
    Path("list.csv").write_text(LIST + "x@example.org,X,policymaker,russian language\n", encoding="utf-8")
    result = mail("--eml", "drafts")
    assert result.exit_code == 1
    assert "list.csv:5: language: 'russian language' is not a language tag" in result.output
    assert not Path("out").exists()


def test_language_for_addresses_on_the_command_line(workspace: Path) -> None:
    result = mail("-a", "policymaker", "--to", "mid@mid.example.ru", "-l", "ru", "--eml", "drafts")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path("drafts").iterdir()) == ["kazakhstan-osce-2010.ru_policymaker.eml"]
    assert mail("-l", "ru", "--eml", "drafts").exit_code == 2  # -l without --to: a usage error
    bad = mail("-a", "policymaker", "--to", "x@example.org", "-l", "ru_RU!", "--eml", "drafts")
    assert bad.exit_code == 2 and "not a language tag" in bad.output


def test_the_send_log_records_the_language_and_a_changed_language_is_not_sent_twice(workspace: Path) -> None:
    with smtp_server(workspace) as server:
        Path("mail.yaml").write_text(server.config(), encoding="utf-8")
        first = mail("-a", "policymaker", "--send", "--bcc-self")
        assert first.exit_code == 0, first.output
        assert len(server.received) == 2  # one message per language, the sender's copy in each
        assert server.messages_to("mid@mid.example.ru")[0]["Subject"] == RU_TITLE
        sent = {
            (e["recipient"], e["language"])
            for e in map(json.loads, Path("out/kazakhstan-osce-2010/sent.jsonl").read_text("utf-8").splitlines())
            if e["status"] == "sent"
        }
        me = "a@example.org"
        assert sent == {
            ("minister@mfa.example.org", "en"),
            ("quai@diplomatie.example.fr", "en"),
            ("mid@mid.example.ru", "ru"),
            (me, "en"),
            (me, "ru"),
        }
        assert "policymaker (ru)  mid@mid.example.ru" in first.output
        again = mail("-a", "policymaker", "--send", "--bcc-self")
        assert again.exit_code == 0 and len(server.received) == 2
        assert again.output.count("already sent") == 5  # the sender's two copies are two messages, both known
        # the minister now reads Russian: not sent again unasked, and the table says why
        Path("list.csv").write_text(LIST.replace("Minister,policymaker,", "Minister,policymaker,ru"), "utf-8")
        switched = mail("-a", "policymaker", "--send")
        assert switched.exit_code == 0 and len(server.received) == 2
        assert re.search(r"policymaker \(ru\) +minister@mfa.example.org +skipped +sent in 'en' on", switched.output)
        assert "--resend to send it in 'ru'" in switched.output
        resent = mail("-a", "policymaker", "--send", "--resend")
        assert resent.exit_code == 0
    russian = server.messages_to("minister@mfa.example.org")[-1]
    assert russian["Subject"] == RU_TITLE
    pdf = Path("out/kazakhstan-osce-2010.ru/kazakhstan-osce-2010.ru_policymaker.pdf").read_bytes()
    (attachment,) = russian.iter_attachments()
    assert hashlib.sha256(attachment.get_content()).digest() == hashlib.sha256(pdf).digest()


def test_check_says_who_would_not_get_their_language(workspace: Path) -> None:
    brief = Path("briefs", SAMPLE.name)
    brief.write_text(brief.read_text("utf-8") + "\ndistribution: list.csv\n", encoding="utf-8")
    Path("list.csv").rename("briefs/list.csv")
    result = CliRunner().invoke(cli, ["check", str(brief)])
    assert result.exit_code == 0, result.output
    assert (
        "briefs/kazakhstan-osce-2010.yaml: distribution: policymaker: no 'fr-FR' translation of the brief; "
        "quai@diplomatie.example.fr gets it in 'en'"
    ) in result.output
