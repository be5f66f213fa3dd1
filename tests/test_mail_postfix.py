"""`briefgen mail --send` through a real MTA: Postfix on loopback, 3 recipients per transaction, Maildirs.

aiosmtpd shows what briefgen does with each reply; this shows that what Postfix actually
delivered is what the send log says, recipient by recipient (scripts/test-postfix.sh sets it up).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen.cli import cli

from conftest import ROOT, SAMPLE
from postfix import RECIPIENT_LIMIT, PostfixServer, fresh_localpart, postfix_server

pytestmark = pytest.mark.slow
OUT = Path("out/kazakhstan-osce-2010")


@pytest.fixture
def mta(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PostfixServer:
    server = postfix_server()
    (tmp_path / "briefs").mkdir()
    shutil.copy(SAMPLE, tmp_path / "briefs" / SAMPLE.name)
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    monkeypatch.chdir(tmp_path)
    for variable in ("BRIEFGEN_MAIL_FROM", "BRIEFGEN_SMTP_HOST", "BRIEFGEN_SMTP_USER", "BRIEFGEN_SMTP_PORT"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    Path("mail.yaml").write_text(server.config(backoff=0, retries=1), encoding="utf-8")
    return server


def mail(rows: list[tuple[str, str]], *args: str) -> Result:
    lines = [
        "email,name,audience,field",
        *(f"{address},Reader {i},practitioner,{field}" for i, (address, field) in enumerate(rows)),
    ]
    Path("list.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return CliRunner().invoke(cli, ["mail", f"briefs/{SAMPLE.name}", "--recipients", "list.csv", "--send", *args])


def outcomes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in (OUT / "sent.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        found.setdefault(entry["recipient"], []).append(entry["status"])
    return found


def test_ten_recipients_through_a_server_that_takes_three_at_a_time_each_get_one_copy(mta: PostfixServer) -> None:
    people = [mta.address(fresh_localpart()) for _ in range(10)]
    fields = ["to", "cc", "bcc", "bcc", "to", "bcc", "cc", "bcc", "bcc", "bcc"]

    result = mail(list(zip(people, fields, strict=True)))

    assert result.exit_code == 0, result.output
    assert "10 sent" in result.output
    got = mta.wait_for(people)
    mta.wait_until_idle()
    got = {address: mta.messages(address) for address in people}
    assert {address: len(messages) for address, messages in got.items()} == dict.fromkeys(people, 1)
    built = {p.suffix: p.read_bytes() for p in OUT.glob("kazakhstan-osce-2010_practitioner.*")}
    for messages in got.values():
        [message] = messages
        assert message["Bcc"] is None
        files = {Path(str(a.get_filename())).suffix: a.get_content() for a in message.iter_attachments()}
        assert files == built  # byte for byte what `build` wrote
    # the log names exactly the ten, each sent once, with Postfix's own reply (its queue id)
    assert outcomes() == {address: ["sending", "sent"] for address in people}
    sent = [json.loads(line) for line in (OUT / "sent.jsonl").read_text("utf-8").splitlines()]
    replies = {e["detail"] for e in sent if e["status"] == "sent"}
    assert len(replies) == -(-len(people) // RECIPIENT_LIMIT)  # 4 transactions: 3 + 3 + 3 + 1, each queued apart
    assert all(r.startswith("2.0.0 Ok: queued as ") for r in replies)
    assert {e["attachments"][0]["sha256"] for e in sent} <= {hashlib.sha256(b).hexdigest() for b in built.values()}

    again = mail(list(zip(people, fields, strict=True)))  # nothing twice
    assert again.exit_code == 0, again.output
    assert "10 skipped" in again.output
    mta.wait_until_idle()
    assert all(len(mta.messages(address)) == 1 for address in people)


def test_refusals_fail_only_those_recipients_and_a_rerun_tries_only_them(mta: PostfixServer) -> None:
    fine = [mta.address(fresh_localpart()) for _ in range(4)]
    unknown = mta.address(fresh_localpart("unknown"))  # 550 5.1.1
    busy = mta.address(fresh_localpart("busy"))  # 450 4.2.1, every time
    rows = [(fine[0], "to"), (unknown, "bcc"), (fine[1], "bcc"), (busy, "bcc"), (fine[2], "bcc"), (fine[3], "bcc")]

    result = mail(rows)

    assert result.exit_code == 1
    line = {r: next(x for x in result.output.splitlines() if r in x) for r in (unknown, busy)}
    assert "failed" in line[unknown] and "550 5.1.1" in line[unknown] and "gave up" not in line[unknown]
    assert "failed" in line[busy] and "450 4.2.1" in line[busy] and "gave up after 2 attempts" in line[busy]
    mta.wait_for(fine)
    mta.wait_until_idle()
    assert [len(mta.messages(a)) for a in fine] == [1, 1, 1, 1]
    assert mta.messages(unknown) == [] and mta.messages(busy) == []
    assert {a: s[-1] for a, s in outcomes().items()} == {
        **dict.fromkeys(fine, "sent"),
        unknown: "failed",
        busy: "failed",
    }

    again = mail(rows)
    assert again.exit_code == 1
    assert "0 sent, 2 failed, 4 skipped" in again.output
    mta.wait_until_idle()
    assert [len(mta.messages(a)) for a in fine] == [1, 1, 1, 1]
