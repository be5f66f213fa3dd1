"""`briefgen mail` end to end: the CLI, a real SMTP server on 127.0.0.1, drafts parsed as a client would."""

from __future__ import annotations

import email
import json
import shutil
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen.cli import cli

from conftest import ROOT, SAMPLE
from smtpserver import PASSWORD, Script, Server, smtp_server, without_mail_settings

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LIST = """email,name,audience,field
minister@mfa.example.org,Office of the Minister,policymaker,to
planning@mfa.example.org,Policy Planning,policymaker,cc
desk@daily.example.com,News desk,press,bcc
editor@weekly.example.com,Foreign editor,press,bcc
delegation@mission.example.org,OSCE Delegation,practitioner,to
"""
PM = ["minister@mfa.example.org", "planning@mfa.example.org"]
PRESS = ["desk@daily.example.com", "editor@weekly.example.com"]


@pytest.fixture
def workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """conftest's (the sample brief and bibliography), a distribution list, no mail settings in the environment."""
    (workspace / "list.csv").write_text(LIST, encoding="utf-8")
    without_mail_settings(monkeypatch, workspace)
    return workspace


def mail(*args: str) -> Result:
    return CliRunner().invoke(cli, ["mail", f"briefs/{SAMPLE.name}", "--recipients", "list.csv", *args])


def configure(server: Server, **smtp: object) -> None:
    Path("mail.yaml").write_text(server.config(**smtp), encoding="utf-8")


def log_entries() -> list[dict]:
    path = Path("out/kazakhstan-osce-2010/sent.jsonl")
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []


def parts(msg: EmailMessage) -> list[str]:
    return [part.get_content_type() for part in msg.walk()]


def each_got_one(server: Server, addresses: list[str]) -> None:
    for address in addresses:
        assert len(server.messages_to(address)) == 1, address


# ---------------------------------------------------------------- drafts


def test_drafts_open_in_a_mail_client_with_the_brief_attached(workspace: Path) -> None:
    result = mail("-a", "practitioner", "-a", "press", "--from", "Jane Analyst <jane@example.org>", "--eml", "drafts")
    assert result.exit_code == 0, result.output
    practitioner = email.message_from_bytes(
        Path("drafts/kazakhstan-osce-2010_practitioner.eml").read_bytes(), policy=policy.default
    )
    assert practitioner["X-Unsent"] == "1"
    assert practitioner["From"] == "Jane Analyst <jane@example.org>"
    assert practitioner["To"] == "OSCE Delegation <delegation@mission.example.org>"
    assert practitioner["Subject"] == "Kazakhstan’s OSCE Chairmanship 2010: Where Astana Can Make a Difference"
    assert practitioner["Date"] and practitioner["Message-ID"].endswith("@example.org>")
    assert parts(practitioner) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        DOCX,
        "application/pdf",
    ]
    files = {a.get_filename(): a for a in practitioner.iter_attachments()}
    assert sorted(files) == ["Kazakhstan-OSCE-Chairmanship-2010.docx", "Kazakhstan-OSCE-Chairmanship-2010.pdf"]
    out = Path("out/kazakhstan-osce-2010")
    assert (
        files["Kazakhstan-OSCE-Chairmanship-2010.pdf"].get_content()
        == (out / "kazakhstan-osce-2010_practitioner.pdf").read_bytes()
    )
    assert (
        files["Kazakhstan-OSCE-Chairmanship-2010.docx"].get_content()
        == (out / "kazakhstan-osce-2010_practitioner.docx").read_bytes()
    )
    # the point without opening the attachment: title, key messages, every recommendation title
    text = practitioner.get_body(("plain",)).get_content()
    html = practitioner.get_body(("html",)).get_content()
    for body in (" ".join(text.split()), " ".join(html.split())):
        assert "Kazakhstan’s OSCE Chairmanship 2010" in body
        assert "Key messages" in body
        assert "Convene a standing multilateral forum on water management" in body
        assert "Restore an OSCE presence in Georgia without conceding recognition" in body
        assert "practitioner" not in body.lower()
    press = email.message_from_bytes(Path("drafts/kazakhstan-osce-2010_press.eml").read_bytes(), policy=policy.default)
    assert press["To"] == "undisclosed-recipients:;"
    assert "desk@daily.example.com" in press["Bcc"]  # a draft shows its Bcc; the client strips it
    assert [a.get_filename() for a in press.iter_attachments()] == ["Kazakhstan-OSCE-Chairmanship-2010.pdf"]


def test_a_non_ascii_file_name_is_rfc_2231_encoded(workspace: Path) -> None:
    brief = Path(f"briefs/{SAMPLE.name}")
    text = brief.read_text("utf-8").replace(
        'title: "Kazakhstan’s OSCE Chairmanship 2010: Where Astana Can Make a Difference"',
        'title: "Председательство Казахстана в ОБСЕ 2010"',
    )
    assert "Председательство" in text
    brief.write_text(text, encoding="utf-8")
    result = mail("-a", "press", "--from", "jane@example.org", "--eml", "drafts")
    assert result.exit_code == 0, result.output
    raw = Path("drafts/kazakhstan-osce-2010_press.eml").read_bytes()
    # RFC 2231: charset, percent-encoded UTF-8, in numbered continuations (78-octet lines)
    assert b"filename*0*=utf-8''%D0%9F%D1%80%D0%B5%D0%B4" in raw
    assert raw.isascii()
    msg = email.message_from_bytes(raw, policy=policy.default)
    [attachment] = msg.iter_attachments()
    assert attachment.get_filename() == "Председательство-Казахстана-в-ОБСЕ-2010.pdf"
    assert msg["Subject"] == "Председательство Казахстана в ОБСЕ 2010"


def test_the_style_names_the_attachments_and_the_subject(workspace: Path) -> None:
    folder = Path("templates/press")
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text(
        "extends: practitioner\nemail:\n  attach: [pdf]\n  subject: 'For release: {short_title}'\n"
        "  filename: '{organisation} {series} {year}'\n",
        encoding="utf-8",
    )
    result = mail("-a", "press", "--from", "jane@example.org", "--eml", "drafts")
    assert result.exit_code == 0, result.output
    msg = email.message_from_bytes(Path("drafts/kazakhstan-osce-2010_press.eml").read_bytes(), policy=policy.default)
    assert msg["Subject"] == "For release: Kazakhstan’s OSCE Chairmanship 2010"
    assert [a.get_filename() for a in msg.iter_attachments()] == [
        "Central-Asia-Security-Programme-Policy-Brief-No-3-2010.pdf"
    ]


def test_a_bad_pattern_in_the_style_is_an_error_with_its_line(workspace: Path) -> None:
    folder = Path("templates/press")
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text("extends: practitioner\nemail:\n  subject: 'Draft {titel'\n", encoding="utf-8")
    result = mail("-a", "press", "--from", "jane@example.org", "--eml", "drafts")
    assert result.exit_code == 1
    assert "templates/press/style.yaml:3:12: email.subject: 'Draft {titel': " in result.output
    assert not Path("drafts").exists()


# ---------------------------------------------------------------- sending


def test_send_delivers_once_to_everyone_and_logs_it(workspace: Path) -> None:
    with smtp_server(workspace) as server:
        configure(server)
        result = mail("-a", "policymaker", "-a", "press", "--send")
    assert result.exit_code == 0, result.output
    each_got_one(server, PM + PRESS)
    assert len(server.received) == 2  # one message per audience
    press = server.messages_to("desk@daily.example.com")[0]
    assert press["Bcc"] is None and press["To"] == "undisclosed-recipients:;"
    assert press["X-Unsent"] is None
    assert [a.get_filename() for a in press.iter_attachments()] == ["Kazakhstan-OSCE-Chairmanship-2010.pdf"]
    # `sending` is on disk before the final dot, the outcome after the server's reply
    assert [(e["audience"], e["recipient"], e["status"]) for e in log_entries()] == [
        ("policymaker", PM[0], "sending"),
        ("policymaker", PM[1], "sending"),
        ("policymaker", PM[0], "sent"),
        ("policymaker", PM[1], "sent"),
        ("press", PRESS[0], "sending"),
        ("press", PRESS[1], "sending"),
        ("press", PRESS[0], "sent"),
        ("press", PRESS[1], "sent"),
    ]
    entries = [e for e in log_entries() if e["status"] == "sent"]
    assert {(e["code"], e["detail"]) for e in entries} == {(250, "2.0.0 Queued")}  # the server's own reply
    pdf = Path("out/kazakhstan-osce-2010/kazakhstan-osce-2010_press.pdf").read_bytes()
    import hashlib

    assert entries[2]["attachments"] == [
        {"name": "Kazakhstan-OSCE-Chairmanship-2010.pdf", "sha256": hashlib.sha256(pdf).hexdigest(), "bytes": len(pdf)}
    ]
    assert entries[2]["message_id"] == press["Message-ID"]
    assert "4 sent" in result.output
    assert PASSWORD not in result.output
    assert PASSWORD not in Path("out/kazakhstan-osce-2010/sent.jsonl").read_text("utf-8")


def test_a_rerun_sends_nothing_twice_and_resend_overrides(workspace: Path) -> None:
    with smtp_server(workspace) as server:
        configure(server)
        assert mail("-a", "press", "--send").exit_code == 0
        again = mail("-a", "press", "--send")
        assert again.exit_code == 0, again.output
        each_got_one(server, PRESS)
        assert again.output.count("skipped") >= 2 and "already sent" in again.output
        resent = mail("-a", "press", "--send", "--resend")
        assert resent.exit_code == 0
        assert len(server.messages_to(PRESS[0])) == 2


def test_a_connection_dropped_mid_batch_is_resumed(workspace: Path) -> None:
    with smtp_server(workspace, script=Script(drop_at_mail={2})) as server:
        configure(server)
        result = mail("-a", "policymaker", "-a", "press", "--send")
    assert result.exit_code == 0, result.output
    each_got_one(server, PM + PRESS)


def test_451_then_250_delivers_once(workspace: Path) -> None:
    with smtp_server(workspace, script=Script(data_replies=["451 4.3.0 Mailbox temporarily locked"])) as server:
        configure(server)
        result = mail("-a", "policymaker", "-a", "press", "--send")
    assert result.exit_code == 0, result.output
    each_got_one(server, PM + PRESS)


def test_550_for_one_recipient_fails_only_that_one_and_a_rerun_retries_only_it(workspace: Path) -> None:
    refused = Script(rcpt_replies={PRESS[1]: "550 5.1.1 User unknown"})
    with smtp_server(workspace, script=refused) as server:
        configure(server)
        first = mail("-a", "policymaker", "-a", "press", "--send")
        assert first.exit_code == 1
        row = next(line for line in first.output.splitlines() if PRESS[1] in line)
        assert "failed" in row and "550" in row and "User unknown" in row
        assert "3 sent" in first.output and "1 failed" in first.output
        each_got_one(server, [*PM, PRESS[0]])
        assert server.messages_to(PRESS[1]) == []
        second = mail("-a", "policymaker", "-a", "press", "--send")  # still refused: only it is tried
        assert second.exit_code == 1
        each_got_one(server, [*PM, PRESS[0]])
    assert [e["status"] for e in log_entries() if e["recipient"] == PRESS[1]] == ["failed", "failed"]
    with smtp_server(workspace) as fixed:
        configure(fixed)
        third = mail("-a", "policymaker", "-a", "press", "--send")
    assert third.exit_code == 0, third.output
    assert [r.rcpt_tos for r in fixed.received] == [[PRESS[1]]]
    # the copy it gets is the same message everyone else got: the press list is in its headers
    assert fixed.received[0].message["To"] == "undisclosed-recipients:;"


def test_a_server_gone_down_fails_the_rest_and_the_rerun_sends_only_those(workspace: Path) -> None:
    with smtp_server(workspace, script=Script(refuse_from_mail=2)) as down:
        configure(down, retries=1)
        first = mail("-a", "policymaker", "-a", "press", "--send")
    assert first.exit_code == 1
    each_got_one(down, PM)
    assert "2 sent" in first.output and "2 failed" in first.output
    with smtp_server(workspace) as up:
        configure(up)
        second = mail("-a", "policymaker", "-a", "press", "--send")
    assert second.exit_code == 0, second.output
    each_got_one(up, PRESS)
    assert up.messages_to(PM[0]) == []


def test_dry_run_writes_and_sends_nothing(workspace: Path) -> None:
    with smtp_server(workspace) as server:
        configure(server)
        result = mail("--send", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would send" in result.output and "5 would send" in result.output
    assert server.received == [] and server.handler.mails == 0
    assert not Path("out").exists()


def test_no_audience_given_mails_every_audience_with_recipients(workspace: Path) -> None:
    result = mail("--from", "jane@example.org", "--eml", "drafts")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path("drafts").iterdir()) == [
        "kazakhstan-osce-2010_policymaker.eml",
        "kazakhstan-osce-2010_practitioner.eml",
        "kazakhstan-osce-2010_press.eml",
    ]


def test_to_on_the_command_line_replaces_the_list(workspace: Path) -> None:
    with smtp_server(workspace) as server:
        configure(server)
        result = mail("-a", "press", "--to", "Me <me@example.org>", "--bcc", "archive@example.org", "--send")
    assert result.exit_code == 0, result.output
    [got] = server.received
    assert got.rcpt_tos == ["me@example.org", "archive@example.org"]
    assert got.message["To"] == "Me <me@example.org>" and got.message["Bcc"] is None


# ---------------------------------------------------------------- guards


def test_a_bad_address_in_the_list_is_an_error_with_its_line_and_nothing_is_built(workspace: Path) -> None:
    Path("list.csv").write_text(LIST + "someone@@example.org,Someone,press,to\n", encoding="utf-8")
    result = mail("--from", "jane@example.org", "--eml", "drafts")
    assert result.exit_code == 1
    assert result.output.startswith("list.csv:7: email: 'someone@@example.org' is not an email address")
    assert not Path("out").exists() and not Path("drafts").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "a@example.org", "--eml", "d"], "need -a AUDIENCE"),
        (["-a", "press", "--eml", "d", "--send"], "give --eml DIR to write drafts, or --send"),
        (["-a", "press"], "give --eml DIR to write drafts, or --send"),
        (["-a", "press", "--to", "a@example.org\r\nBcc: x@example.org", "--eml", "d"], "line break"),
        (["-a", "press", "--subject", "Hi\nBcc: x@example.org", "--eml", "d"], "must be one line"),
        (["-a", "nobody", "--eml", "d"], "unknown audience 'nobody'"),
    ],
)
def test_usage_mistakes_are_one_line_errors(workspace: Path, args: list[str], message: str) -> None:
    result = mail("--from", "jane@example.org", *args)
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert not Path("d").exists() and not Path("out").exists()


def test_no_sender_is_an_error_saying_where_to_set_it(workspace: Path) -> None:
    result = mail("-a", "press", "--eml", "drafts")
    assert result.exit_code == 1
    assert "no sender: give --from" in result.output


def test_a_large_message_is_a_warning(workspace: Path) -> None:
    result = mail("-a", "press", "--from", "jane@example.org", "--eml", "drafts", "--max-size", "0.01")
    assert result.exit_code == 0
    assert "warning: press: the message is 0.1 MB with its attachments (limit 0.01 MB" in result.output


def test_stale_attachments_are_rebuilt_and_hand_edits_are_never_replaced(workspace: Path) -> None:
    assert CliRunner().invoke(cli, ["build", "-a", "press", "-f", "pdf"]).exit_code == 0
    pdf = Path("out/kazakhstan-osce-2010/kazakhstan-osce-2010_press.pdf")
    before = pdf.read_bytes()
    unchanged = mail("-a", "press", "--from", "jane@example.org", "--eml", "drafts")
    assert "1 output up to date" in unchanged.output and pdf.read_bytes() == before
    brief = Path(f"briefs/{SAMPLE.name}")
    brief.write_text(brief.read_text("utf-8").replace("Where Astana", "Where Kazakhstan"), encoding="utf-8")
    stale = mail("-a", "press", "--from", "jane@example.org", "--eml", "drafts")
    assert "out/kazakhstan-osce-2010/kazakhstan-osce-2010_press.pdf\n" in stale.output  # as `build` says it
    assert pdf.read_bytes() != before
    manifest = json.loads(Path("out/kazakhstan-osce-2010/manifest.json").read_text("utf-8"))
    assert [e["file"] for e in manifest["outputs"]] == ["kazakhstan-osce-2010_press.pdf"]
    pdf.write_bytes(pdf.read_bytes() + b"% edited by hand\n")
    brief.write_text(brief.read_text("utf-8").replace("Where Kazakhstan", "Where Astana"), encoding="utf-8")
    edited = mail("-a", "press", "--from", "jane@example.org", "--eml", "drafts")
    assert edited.exit_code == 1
    assert "was changed since briefgen built it; not replacing it" in edited.output
    assert pdf.read_bytes().endswith(b"% edited by hand\n")


def test_no_mail_server_is_an_error_before_anything_is_built(workspace: Path) -> None:
    result = mail("-a", "press", "--from", "jane@example.org", "--send")
    assert result.exit_code == 1
    assert "no mail server: set smtp.host in mail.yaml" in result.output
    assert not Path("out").exists()


def test_check_finds_a_bad_address_in_the_briefs_own_list(workspace: Path) -> None:
    brief = Path(f"briefs/{SAMPLE.name}")
    brief.write_text(
        brief.read_text("utf-8") + "distribution:\n  press:\n    - News desk <desk@daily.example.com>\n"
        "    - {email: 'editor at weekly.example.com', field: bcc}\n",
        encoding="utf-8",
    )
    lines = brief.read_text("utf-8").splitlines()
    result = CliRunner().invoke(cli, ["check", str(brief)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"briefs/{SAMPLE.name}:{len(lines)}:15: distribution.press[1].email: 'editor at weekly.example.com' is not "
        "an email address: an email address must have an @-sign."
    )


# ---------------------------------------------------------------- one pipeline, what a desk officer needs


def draft(audience: str = "press") -> EmailMessage:
    raw = Path(f"drafts/kazakhstan-osce-2010_{audience}.eml").read_bytes()
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def bodies(msg: EmailMessage) -> tuple[str, str]:
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_the_message_body_is_made_as_the_briefs_are_a_control_character_never_reaches_it(workspace: Path) -> None:
    folder = Path("templates/press")
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "press" / "email.md.j2", folder / "email.md.j2")
    shutil.copy(ROOT / "templates" / "press" / "style.yaml", folder / "style.yaml")
    template = folder / "email.md.j2"
    template.write_text(template.read_text("utf-8") + '\nBell {{ "\\x07" }} and escape {{ "\\x1b" }}[31m red\n')
    result = mail("-a", "press", "--from", "jane@example.org", "--eml", "drafts")
    assert result.exit_code == 0, result.output
    for body in bodies(draft()):
        assert "Bell and escape [31m red" in " ".join(body.split())
        assert "\x07" not in body and "\x1b" not in body


def test_a_covering_note_goes_above_the_body_in_both_parts(workspace: Path) -> None:
    Path("note.md").write_text("Embargoed until **Monday 10:00**; see the [site](https://osce.example.org).\n")
    result = mail("-a", "press", "--from", "jane@example.org", "--eml", "drafts", "--note", "note.md")
    assert result.exit_code == 0, result.output
    text, html = bodies(draft())
    first = "Convene a standing multilateral forum"
    assert text.index("Embargoed until Monday 10:00") < text.index(first)
    assert "<strong>Monday 10:00</strong>" in html and 'href="https://osce.example.org"' in html
    assert html.index("Embargoed") < html.index(first)
    from_stdin = CliRunner().invoke(
        cli,
        [
            "mail",
            f"briefs/{SAMPLE.name}",
            "--recipients",
            "list.csv",
            "-a",
            "press",
            "--from",
            "jane@example.org",
            "--eml",
            "drafts",
            "--note",
            "-",
        ],
        input="Piped *note*\n",
    )
    assert from_stdin.exit_code == 0, from_stdin.output
    assert "Piped note" in bodies(draft())[0]


def test_a_lists_note_and_individual_messages_greet_each_reader_by_name(workspace: Path) -> None:
    Path("list.yaml").write_text(
        "press:\n  individual: true\n  note: Under embargo until Monday.\n  recipients:\n"
        "    - News desk <desk@daily.example.com>\n    - '\"Editor *Foreign*\" <editor@weekly.example.com>'\n",
        encoding="utf-8",
    )
    with smtp_server(workspace) as server:
        configure(server)
        result = CliRunner().invoke(cli, ["mail", f"briefs/{SAMPLE.name}", "--recipients", "list.yaml", "--send"])
    assert result.exit_code == 0, result.output
    assert [r.rcpt_tos for r in server.received] == [[PRESS[0]], [PRESS[1]]]  # nobody sees the others
    desk, editor = (server.messages_to(a)[0] for a in PRESS)
    assert desk["To"] == "News desk <desk@daily.example.com>" and "weekly" not in str(desk)
    text = bodies(desk)[0]
    first = "Convene a standing multilateral forum"
    assert text.index("Dear News desk,") < text.index("Under embargo until Monday.") < text.index(first)
    assert "Dear Editor *Foreign*," in bodies(editor)[0]  # a name is text, never Markdown
    assert "[1/2] press to desk@daily.example.com: 1 sent" in result.output


def test_each_on_the_command_line_and_bcc_self(workspace: Path) -> None:
    with smtp_server(workspace) as server:
        configure(server)
        result = mail("-a", "policymaker", "--send", "--each", "--bcc-self")
    assert result.exit_code == 0, result.output
    me = "analyst@example.org"
    assert [r.rcpt_tos for r in server.received] == [[PM[0], me], [PM[1], me]]
    assert all(r.message["Bcc"] is None for r in server.received)
    assert "Dear Office of the Minister," in bodies(server.messages_to(PM[0])[0])[0]


def test_an_address_given_twice_on_the_command_line_is_an_error(workspace: Path) -> None:
    result = mail(
        "-a",
        "press",
        "--from",
        "jane@example.org",
        "--eml",
        "drafts",
        "--to",
        "a@example.org",
        "--bcc",
        "A@example.org",
    )
    assert result.exit_code == 1
    assert "A@example.org is given twice (--to and --bcc); give it once" in result.output
    assert not Path("drafts").exists()


def test_a_brief_changed_since_it_was_sent_is_not_sent_again_without_resend(workspace: Path) -> None:
    with smtp_server(workspace) as server:
        configure(server)
        assert mail("-a", "press", "--send").exit_code == 0
        brief = Path(f"briefs/{SAMPLE.name}")
        brief.write_text(brief.read_text("utf-8").replace("Where Astana", "Where Kazakhstan"), encoding="utf-8")
        again = mail("-a", "press", "--send")
        assert again.exit_code == 0, again.output
        assert again.output.count("changed since sent on ") == 2 and "--resend to send the new version" in again.output
        each_got_one(server, PRESS)


def test_a_send_the_log_cannot_account_for_is_uncertain_and_never_sent_twice(workspace: Path) -> None:
    """Killed after the final dot, before the outcome was written: the log ends in `sending`."""
    with smtp_server(workspace) as server:
        configure(server)
        assert mail("-a", "press", "--send").exit_code == 0
        log = Path("out/kazakhstan-osce-2010/sent.jsonl")
        log.write_text("".join(line + "\n" for line in log.read_text("utf-8").splitlines()[:2]), "utf-8")
        again = mail("-a", "press", "--send")
        assert again.exit_code == 1
        assert again.output.count("uncertain") >= 2
        assert "the server may have accepted it at " in again.output and "then --resend" in again.output
        each_got_one(server, PRESS)
        resent = mail("-a", "press", "--send", "--resend")
        assert resent.exit_code == 0, resent.output
        assert len(server.messages_to(PRESS[0])) == 2


def test_a_final_reply_that_never_comes_is_uncertain_not_retried(workspace: Path) -> None:
    with smtp_server(workspace, script=Script(final_delay=3.0)) as server:
        configure(server, final_timeout=0.5, retries=3)
        result = mail("-a", "press", "--send")
        assert result.exit_code == 1
        assert "2 uncertain" in result.output and "may have these messages" in result.output
        assert [e["status"] for e in log_entries()] == ["sending", "sending", "uncertain", "uncertain"]
        import time

        time.sleep(3)
        each_got_one(server, PRESS)  # it had the message all along: one copy, never two
        again = mail("-a", "press", "--send")
        assert again.exit_code == 1 and "2 uncertain" in again.output
        each_got_one(server, PRESS)


def test_ctrl_c_while_sending_leaves_an_exact_log_and_a_summary(workspace: Path, monkeypatch) -> None:
    from briefgen.mail import smtp

    real = smtp.SmtpSender.send
    calls = []

    def interrupted_second_message(self, msg, sender, recipients, journal=None):
        calls.append(recipients)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, msg, sender, recipients, journal)

    monkeypatch.setattr(smtp.SmtpSender, "send", interrupted_second_message)
    with smtp_server(workspace) as server:
        configure(server)
        result = mail("-a", "policymaker", "-a", "press", "--send")
    assert result.exit_code == 130
    assert "interrupted: the send log is exact" in result.output
    assert "2 sent" in result.output and "2 not sent" in result.output
    assert {e["recipient"] for e in log_entries() if e["status"] == "sent"} == set(PM)
    each_got_one(server, PM)


def test_a_draft_whose_title_has_accents_carries_the_docx_with_its_type(workspace: Path) -> None:
    brief = Path(f"briefs/{SAMPLE.name}")
    brief.write_text(
        brief.read_text("utf-8").replace(
            'title: "Kazakhstan’s OSCE Chairmanship 2010: Where Astana Can Make a Difference"',
            'title: "Sécurité énergétique en Asie centrale et présidence kazakhe de l’OSCE"',
        ),
        encoding="utf-8",
    )
    result = mail("-a", "practitioner", "--from", "jane@example.org", "--eml", "drafts")
    assert result.exit_code == 0, result.output
    raw = Path("drafts/kazakhstan-osce-2010_practitioner.eml").read_bytes()
    msg = email.message_from_bytes(raw, policy=policy.default)
    found = [(a.get_content_type(), a.get_filename(), a.defects) for a in msg.iter_attachments()]  # type: ignore[attr-defined]
    stem = "Sécurité-énergétique-en-Asie-centrale-et-présidence-kazakhe-de-l-OSCE-2010"
    assert found == [(DOCX, f"{stem}.docx", []), ("application/pdf", f"{stem}.pdf", [])]
    assert raw.count(b"Content-Type: " + DOCX.encode()) == 1


def test_a_message_showing_more_than_a_hundred_addresses_is_a_warning(workspace: Path) -> None:
    rows = "".join(f"reader{i}@mission.example.org,Reader {i},practitioner,cc\n" for i in range(101))
    Path("list.csv").write_text("email,name,audience,field\n" + rows, encoding="utf-8")
    result = mail("-a", "practitioner", "--from", "jane@example.org", "--eml", "drafts")
    assert result.exit_code == 0, result.output
    assert "warning: practitioner: one message would show 101 To and Cc addresses to everyone" in result.output
    assert "--each" in result.output


@pytest.mark.slow
def test_killed_while_the_server_holds_the_message_the_rerun_never_sends_it_again(workspace: Path) -> None:
    """SIGKILL between the final dot and the reply: the log's last word is `sending`."""
    import os
    import signal
    import subprocess
    import sys
    import time

    with smtp_server(workspace, script=Script(final_delay=4.0)) as server:
        configure(server, final_timeout=60)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "briefgen",
                "mail",
                f"briefs/{SAMPLE.name}",
                "--recipients",
                "list.csv",
                "-a",
                "press",
                "--send",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ},
        )
        try:
            deadline = time.monotonic() + 60
            # killed once the server holds the message (it has the final dot; its reply is 4 s away):
            # the log's `sending` alone comes just before the dot, which a loaded machine may not send yet
            while [e["status"] for e in log_entries()] != ["sending", "sending"] or not server.received:
                assert time.monotonic() < deadline and process.poll() is None, "no `sending` in the log"
                time.sleep(0.05)
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait()
        time.sleep(4.5)  # the server's delayed reply goes nowhere; it has the message all the same
        each_got_one(server, PRESS)
        again = mail("-a", "press", "--send")
        assert again.exit_code == 1
        rows = [line for line in again.output.splitlines() if line.startswith("press ")]
        assert len(rows) == 2 and all("uncertain" in row and "--resend" in row for row in rows)
        each_got_one(server, PRESS)
