"""The send log: JSON lines that survive a crash mid-write and say who was already served."""

from __future__ import annotations

import json
from pathlib import Path

from briefgen.mail.sendlog import Entry, append, latest, read_log

PDF = {"name": "Water-borders-2010.pdf", "sha256": "ab" * 32, "bytes": 123456}


def entry(recipient: str = "minister@mfa.example.org", **changes: object) -> Entry:
    values: dict[str, object] = {
        "time": "2010-01-15T03:30:00Z",
        "brief": "kazakhstan-osce-2010",
        "audience": "policymaker",
        "recipient": recipient,
        "field": "to",
        "status": "sent",
        "message_id": "<1@think.example.org>",
        "server": "smtp.example.org:587",
        "attachments": (PDF,),
        "code": 250,
    }
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def test_entries_appended_are_read_back_as_written(tmp_path: Path) -> None:
    log = tmp_path / "out" / "kazakhstan-osce-2010" / "sent.jsonl"
    written = [
        entry(),
        entry("planning@mfa.example.org", field="cc", status="failed", code=550, detail="5.1.1 mailbox unknown"),
    ]

    append(log, written[:1])
    append(log, written[1:])

    assert read_log(log) == (written, [])
    assert [json.loads(line)["recipient"] for line in log.read_text("utf-8").splitlines()] == [
        "minister@mfa.example.org",
        "planning@mfa.example.org",
    ]


def test_a_log_that_does_not_exist_yet_is_empty(tmp_path: Path) -> None:
    assert read_log(tmp_path / "sent.jsonl") == ([], [])


def test_a_line_torn_by_a_crash_is_skipped_with_a_warning_and_the_next_entry_starts_a_new_line(
    tmp_path: Path,
) -> None:
    log = tmp_path / "sent.jsonl"
    append(log, [entry()])
    with log.open("a", encoding="utf-8") as fh:
        fh.write(entry("planning@mfa.example.org").as_json()[:40])  # the process died here

    entries, warnings = read_log(log)
    assert [e.recipient for e in entries] == ["minister@mfa.example.org"]
    assert len(warnings) == 1 and warnings[0].startswith(f"{log}:2: skipped an unreadable send-log line")

    append(log, [entry("desk@daily.example.com", audience="press")])

    entries, warnings = read_log(log)
    assert [e.recipient for e in entries] == ["minister@mfa.example.org", "desk@daily.example.com"]
    assert [w.split(": ")[0] for w in warnings] == [f"{log}:2"]
    assert log.read_text("utf-8").count("\n") == 3


def test_a_reply_with_unicode_line_separators_stays_one_entry(tmp_path: Path) -> None:
    """JSON written with ensure_ascii=False keeps U+2028 and U+0085 raw; they do not end a line."""
    log = tmp_path / "sent.jsonl"
    odd = entry(status="failed", code=554, detail="rejected\u2028policy\x85see https://example.org\u2029")

    append(log, [odd, entry("planning@mfa.example.org")])

    assert read_log(log) == ([odd, entry("planning@mfa.example.org")], [])


def test_lines_that_are_json_but_not_entries_are_skipped_with_a_warning(tmp_path: Path) -> None:
    log = tmp_path / "sent.jsonl"
    log.write_text('[1, 2]\n"text"\n{"time": "2010-01-15T03:30:00Z"}\n' + entry().as_json() + "\n", "utf-8")

    entries, warnings = read_log(log)

    assert [e.recipient for e in entries] == ["minister@mfa.example.org"]
    assert [w.split(": ")[0] for w in warnings] == [f"{log}:1", f"{log}:2", f"{log}:3"]


def test_latest_is_per_brief_and_audience_and_ignores_case() -> None:
    entries = [
        entry("Minister@MFA.example.org"),
        entry("planning@mfa.example.org", status="failed", code=451),
        entry("desk@daily.example.com", audience="press"),
        entry("other@mfa.example.org", brief="another-brief"),
    ]

    known = latest(entries, "kazakhstan-osce-2010", "policymaker")

    assert {a: e.status for a, e in known.items()} == {
        "minister@mfa.example.org": "sent",
        "planning@mfa.example.org": "failed",
    }
    assert known["minister@mfa.example.org"].recipient == "Minister@MFA.example.org"
    assert set(latest(entries, "kazakhstan-osce-2010", "press")) == {"desk@daily.example.com"}
    assert latest(entries, "another-brief", "press") == {}


def test_a_later_failure_does_not_undo_an_earlier_delivery() -> None:
    entries = [entry(), entry(status="failed", code=421, time="2010-01-16T08:00:00Z")]

    [(address, known)] = latest(entries, "kazakhstan-osce-2010", "policymaker").items()
    assert (address, known.status, known.time) == ("minister@mfa.example.org", "sent", entry().time)


def test_sending_with_no_outcome_after_it_is_uncertain_and_an_outcome_settles_it() -> None:
    sending = entry(status="sending", message_id="<m1@example.org>")
    assert latest([sending], "kazakhstan-osce-2010", "policymaker")["minister@mfa.example.org"].status == "uncertain"
    settled = [sending, entry(status="failed", code=554, message_id="<m1@example.org>")]
    assert latest(settled, "kazakhstan-osce-2010", "policymaker")["minister@mfa.example.org"].status == "failed"
    delivered = [sending, entry(status="sent", code=250, message_id="<m1@example.org>")]
    assert latest(delivered, "kazakhstan-osce-2010", "policymaker")["minister@mfa.example.org"].status == "sent"
