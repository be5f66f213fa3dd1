"""Issue 27, item 2: a brief that `follows:` an earlier edition, and the follow-up audience that reports on it."""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as DocxDocument
from pypdf import PdfReader

from briefgen.cli import cli
from briefgen.errors import BriefError
from briefgen.followup import NOT_ASSESSED, compare
from briefgen.loader import load, load_brief
from briefgen.locales import builtin_labels

from conftest import ROOT
from helpers_briefs import MINIMAL_BRIEF, REFERENCES_BIB, write_brief

EXAMPLE = ROOT / "briefs" / "kazakhstan-osce-2011.yaml"

# The minimal brief a year on: R1 carried over (assessed twice), R2 dropped with a reason, R3 new.
FOLLOW_UP = """\
title: Water, borders and the OSCE, one year on
date: 2011-01-20
follows: brief.yaml
dropped:
  R2: Published by the OSCE Centre itself.
recommendations:
  - group: Regional security
    items:
      - id: R1
        title: Open a regional water dialogue
        priority: high
        actors: [OSCE Chairmanship, Central Asian governments]
        status:
          - {date: 2010-06-30, status: partially, note: "A forum met once.", by: Desk}
          - {date: 2011-01-20, status: mostly, note: "It meets each quarter."}
      - id: R3
        title: Train border guards together
        priority: medium
"""


def _pair(tmp_path: Path, follow_up: str = FOLLOW_UP, earlier: str = MINIMAL_BRIEF) -> Path:
    write_brief(tmp_path, earlier)
    (tmp_path / "references.bib").write_text(REFERENCES_BIB, encoding="utf-8")
    return write_brief(tmp_path, follow_up, "brief-2011.yaml")


def _errors(path: Path) -> list[str]:
    with pytest.raises(BriefError) as info:
        load_brief(path)
    return info.value.format_message().splitlines()


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_editions_are_matched_by_id_carried_dropped_and_new(tmp_path):
    brief = load_brief(_pair(tmp_path))
    up = compare(brief, builtin_labels("en"))
    assert up is not None and up.earlier_id == "brief" and up.total == 2
    assert [t.id for t in up.carried] == ["R1"] and [r.id for r in up.new] == ["R3"]
    assert [(t.id, t.reason) for t in up.dropped] == [("R2", "Published by the OSCE Centre itself.")]
    r1 = up.carried[0]
    assert (r1.status.name, r1.status.words, str(r1.assessed), r1.note) == (
        "mostly",
        "Mostly implemented",
        "2011-01-20",
        "It meets each quarter.",
    )
    # only the statuses that occur, in the vocabulary's order, "not assessed" last; counts add up
    assert [s.name for s in up.statuses] == ["mostly", NOT_ASSESSED]
    assert up.totals == (1, 1) and [g.counts for g in up.groups] == [(1, 1)]
    assert [(a.name, a.counts) for a in up.actors] == [
        ("OSCE Chairmanship", (1, 0)),
        ("Central Asian governments", (1, 0)),
    ]
    assert up.unexplained == ()


def test_the_latest_assessment_wins_whichever_edition_records_it(tmp_path):
    """A desk may import updates into the earlier file: a later entry there beats an older one here."""
    earlier = MINIMAL_BRIEF.replace(
        "        timeframe: 2010\n",
        "        timeframe: 2010\n        status:\n          - {date: 2011-03-01, status: fully}\n",
    )
    up = compare(load_brief(_pair(tmp_path, earlier=earlier)), builtin_labels("en"))
    assert up is not None and (up.carried[0].status.name, str(up.carried[0].assessed)) == ("fully", "2011-03-01")


def test_a_follow_up_may_record_assessments_from_the_earlier_edition_s_date(tmp_path):
    """R1 was made on 2010-01-15: its 2010-06-30 entry is fine; R3 is new, so not before this brief's date."""
    bad = FOLLOW_UP.replace(
        "priority: medium\n", "priority: medium\n        status: [{date: 2010-05-01, status: fully}]\n"
    )
    bad = bad.replace("2010-06-30", "2009-12-01")
    assert _errors(_pair(tmp_path, bad)) == [
        "brief-2011.yaml:14:20: recommendations[0].items[0].status[0].date: 2009-12-01 is before the earlier "
        "edition's date (2010-01-15)",
        "brief-2011.yaml:19:25: recommendations[0].items[1].status[0].date: 2010-05-01 is before the brief's date "
        "(2011-01-20)",
    ]


def test_what_ties_two_editions_is_checked_at_its_line(tmp_path):
    text = FOLLOW_UP.replace("  R2: Published", "  R1: Still here.\n  R9: Gone.\n  R2: Published")
    assert _errors(_pair(tmp_path, text)) == [
        "brief-2011.yaml:5:3: dropped.R1: 'R1' is in this edition too; it is carried over, not dropped",
        "brief-2011.yaml:6:3: dropped.R9: 'R9' is not a recommendation of brief.yaml (its ids: R1, R2)",
    ]
    assert _errors(_pair(tmp_path, FOLLOW_UP.replace("follows: brief.yaml", "follows: brief-2009.yaml"))) == [
        "brief-2011.yaml:3:10: follows: 'brief-2009.yaml': no such brief"
    ]
    assert _errors(_pair(tmp_path, FOLLOW_UP.replace("follows: brief.yaml", "follows: brief-2011.yaml"))) == [
        "brief-2011.yaml:3:10: follows: a brief cannot follow itself; name the earlier edition"
    ]
    unfollowed = FOLLOW_UP.replace("follows: brief.yaml\n", "").replace("status:", "statuz:")
    assert (
        "dropped: there is no earlier edition to drop from: add `follows:`"
        in _errors(_pair(tmp_path, unfollowed.replace("statuz:", "status:")))[0]
    )


def test_the_earlier_edition_s_statuses_must_be_this_one_s(tmp_path):
    earlier = MINIMAL_BRIEF.replace(
        "        timeframe: 2010\n",
        "        timeframe: 2010\n        status:\n          - {date: 2010-03-01, status: fully}\n",
    )
    text = FOLLOW_UP.replace("date: 2011-01-20\n", "date: 2011-01-20\nstatuses: [{name: mostly, colour: '#00AA00'}]\n")
    text = text.replace("status: partially", "status: mostly")
    assert _errors(_pair(tmp_path, text, earlier)) == [
        "brief-2011.yaml:4:10: follows: brief.yaml uses statuses this brief does not declare: fully"
    ]


def test_an_id_dropped_without_a_reason_is_reported_and_listed(tmp_path):
    path = _pair(tmp_path, FOLLOW_UP.replace("dropped:\n  R2: Published by the OSCE Centre itself.\n", ""))
    loaded = load(path)
    assert loaded.warnings[-1] == (
        "brief-2011.yaml: follows: R2 of brief.yaml is not in this edition, and `dropped:` gives no reason; the "
        "follow-up lists it as dropped"
    )
    result = CliRunner().invoke(cli, ["build", str(path), "-a", "follow-up", "-f", "md", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert "R2 of brief.yaml is not in this edition" in result.stderr
    md = _spaced((tmp_path / "out" / "brief-2011" / "brief-2011_follow-up.md").read_text(encoding="utf-8"))
    assert "**Not carried over:** no reason given." in md
    again = CliRunner().invoke(cli, ["build", str(path), "-a", "follow-up", "-f", "md", "-o", "out"])
    assert "up to date" in again.output and "R2 of brief.yaml is not in this edition" in again.stderr


def test_the_follow_up_audience_is_only_for_briefs_that_follow_one(tmp_path):
    path = _pair(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["build", "brief.yaml", "brief-2011.yaml", "-f", "md", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out" / "brief").glob("*.md")) == [
        f"brief_{a}.md" for a in ("academic", "policymaker", "practitioner", "press")
    ]
    assert (tmp_path / "out" / "brief-2011" / "brief-2011_follow-up.md").is_file()
    manifest = json.loads((tmp_path / "out" / "brief" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["skipped"]["audiences"] == ["follow-up"]
    again = runner.invoke(cli, ["build", "brief.yaml", "-f", "md", "-o", "out"])
    assert "brief.yaml: 4 outputs up to date" in again.output  # not loaded again to learn it is skipped
    asked = runner.invoke(cli, ["build", "brief.yaml", "-a", "follow-up", "-f", "md", "-o", "out2"])
    assert asked.exit_code == 1 and not (tmp_path / "out2").exists()
    assert "audience 'follow-up' reports on the earlier edition a brief follows; this brief names none" in asked.stderr
    assert path.is_file()


def test_a_change_to_the_earlier_edition_rebuilds_the_follow_up(tmp_path):
    path = _pair(tmp_path)
    args = ["build", str(path), "-a", "follow-up", "-f", "md", "-o", "out"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    earlier = tmp_path / "brief.yaml"
    earlier.write_text(earlier.read_text(encoding="utf-8").replace("Publish border", "Share border"), "utf-8")
    result = CliRunner().invoke(cli, args)
    assert "up to date" not in result.output
    assert "R2 · Share border incident data" in (tmp_path / "out/brief-2011/brief-2011_follow-up.md").read_text("utf-8")


def _counts_in(text: str) -> list[list[int]]:
    """The rows of numbers of the status table, as the text of any format gives them."""
    rows = re.findall(r"(Central Asia|Afghanistan|Europe)\D*?((?:\d+\D{0,40}?){5})", text)
    return [[int(n) for n in re.findall(r"\d+", numbers)][:5] for _, numbers in rows[:3]]


@pytest.mark.workspace(
    briefs={EXAMPLE.name: EXAMPLE, "kazakhstan-osce-2010.yaml": ROOT / "briefs/kazakhstan-osce-2010.yaml"}
)
def test_the_example_follow_up_says_the_same_in_every_format(workspace):
    (workspace / "briefs" / "kazakhstan-osce-2011.bib").write_bytes(
        (ROOT / "briefs/kazakhstan-osce-2011.bib").read_bytes()
    )
    formats = ["md", "txt", "html", "pdf", "docx"]
    result = CliRunner().invoke(
        cli, ["build", "briefs/kazakhstan-osce-2011.yaml", "-a", "follow-up", *[a for f in formats for a in ("-f", f)]]
    )
    assert result.exit_code == 0, result.output
    brief = load_brief(workspace / "briefs" / EXAMPLE.name)
    up = compare(brief, builtin_labels("en"))
    assert up is not None
    expected = [list(g.counts) for g in up.groups]
    assert expected == [[0, 0, 1, 3, 0], [0, 0, 1, 0, 1], [1, 1, 1, 0, 1]]  # the data, counted by hand
    folder = workspace / "out" / "kazakhstan-osce-2011"
    texts = {
        "md": (folder / "kazakhstan-osce-2011_follow-up.md").read_text("utf-8"),
        "txt": (folder / "kazakhstan-osce-2011_follow-up.txt").read_text("utf-8"),
        "html": re.sub(r"<[^>]+>", " ", (folder / "kazakhstan-osce-2011_follow-up.html").read_text("utf-8")),
        "pdf": "\n".join(p.extract_text() for p in PdfReader(folder / "kazakhstan-osce-2011_follow-up.pdf").pages),
        "docx": _docx_text(folder / "kazakhstan-osce-2011_follow-up.docx"),
    }
    for fmt, text in texts.items():
        flat = re.sub(r"[\s|]+", " ", text)
        assert "Not implemented (20 January 2011)" in flat, fmt
        assert "made 10 recommendations" in flat, fmt
        assert "Overtaken by events." in flat and "Geneva International Discussions" in flat, fmt
        # the chart's numbers as a table (the text format lists a wide table's rows as records)
        table = flat.index("Group Fully implemented" if fmt != "txt" else "by group Group: Central Asia")
        assert _counts_in(flat[table:]) == expected, fmt


def _spaced(text: str) -> str:
    """Text with the no-break spaces typography puts after labels and before French colons as plain spaces."""
    return re.sub("[\u00a0\u202f]", " ", text)


def _docx_text(path: Path) -> str:
    """The document's text in reading order, tables' rows among the paragraphs."""
    parts: list[str] = []

    def read(container) -> None:
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    for cell in row.cells:
                        read(cell)
            else:
                parts.append(block.text)

    read(DocxDocument(BytesIO(path.read_bytes())))
    return "\n".join(parts)


def test_a_follow_up_in_french_words_its_statuses_and_dates(tmp_path):
    text = FOLLOW_UP.replace("date: 2011-01-20\n", "date: 2011-01-20\nlanguage: fr\n", 1)
    path = _pair(tmp_path, text)
    result = CliRunner().invoke(cli, ["build", str(path), "-a", "follow-up", "-f", "md", "-o", "out"])
    assert result.exit_code == 0, result.output
    md = _spaced((tmp_path / "out" / "brief-2011" / "brief-2011_follow-up.md").read_text("utf-8"))
    assert "**État :** En grande partie mise en œuvre (20 janvier 2011)" in md
    assert "(15 janvier 2010) formulait 2 recommandations" in md
    assert "# Où en sont les recommandations précédentes" in md and "Abandonnées" in md


@pytest.mark.workspace(
    briefs={EXAMPLE.name: EXAMPLE, "kazakhstan-osce-2010.yaml": ROOT / "briefs/kazakhstan-osce-2010.yaml"}
)
def test_the_follow_up_mails_with_the_counts_first(workspace, monkeypatch):
    """Item 5: the message body leads with where the recommendations stand, in its text and its HTML part."""
    import email
    from email import policy

    from smtpserver import without_mail_settings

    without_mail_settings(monkeypatch, workspace)
    (workspace / "briefs" / "kazakhstan-osce-2011.bib").write_bytes(
        (ROOT / "briefs/kazakhstan-osce-2011.bib").read_bytes()
    )
    args = ["mail", "briefs/kazakhstan-osce-2011.yaml", "-a", "follow-up", "--to", "desk@mfa.example.org"]
    result = CliRunner().invoke(cli, [*args, "--from", "jane@example.org", "--eml", "drafts"])
    assert result.exit_code == 0, result.output
    raw = (workspace / "drafts" / "kazakhstan-osce-2011_follow-up.eml").read_bytes()
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "Kazakhstan’s OSCE Chairmanship, One Year On: where the recommendations stand"
    text = _spaced(msg.get_body(("plain",)).get_content())
    html = _spaced(re.sub(r"<[^>]+>", " ", msg.get_body(("html",)).get_content()))
    for body in (text, html):
        body = re.sub(r"[*\s]+", " ", body)
        counts = re.search(r"Policy Brief No\. 3\W+\(15 January 2010\) made 10 recommendations:", body)
        assert counts and "Not implemented 3" in body, body[:300]
        # after the title block, before anything else: the summary, the key messages, the attachments
        assert counts.start() < body.index("Kazakhstan’s year in the chair") < body.index("Key messages")
        assert body.index("One Year On") < counts.start()
    [attachment] = [p for p in msg.iter_attachments()]
    assert attachment.get_content_type() == "application/pdf"
    built = (workspace / "out" / "kazakhstan-osce-2011" / "kazakhstan-osce-2011_follow-up.pdf").read_bytes()
    assert attachment.get_content() == built


def test_a_list_naming_the_follow_up_s_readers_mails_the_others_of_an_edition_that_follows_none(tmp_path, monkeypatch):
    from smtpserver import without_mail_settings

    without_mail_settings(monkeypatch, tmp_path)
    _pair(tmp_path)
    (tmp_path / "list.csv").write_text(
        "email,audience\ndesk@mfa.example.org,follow-up\nminister@mfa.example.org,policymaker\n", encoding="utf-8"
    )
    args = ["mail", "brief.yaml", "--recipients", "list.csv", "--from", "jane@example.org", "--eml", "drafts"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "follow-up: 1 recipient(s) not mailed: the brief follows no earlier edition" in result.stderr
    assert sorted(p.name for p in (tmp_path / "drafts").iterdir()) == ["brief_policymaker.eml"]
    asked = CliRunner().invoke(cli, [*args, "-a", "follow-up"])
    assert asked.exit_code == 1 and "this brief names none (add `follows: EARLIER.yaml`)" in asked.stderr
