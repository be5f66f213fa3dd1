"""Issue 27, item 1: a recommendation's status history, validated like everything else."""

from __future__ import annotations

from datetime import date

import pytest

from briefgen.errors import BriefError
from briefgen.loader import load_brief
from briefgen.statuses import ODIHR, vocabulary

from helpers_briefs import MINIMAL_BRIEF, write_brief

HISTORY = """\
        status:
          - {date: 2010-06-30, status: partially, note: "A forum met once [@doe2020].", by: OSCE desk}
          - {date: 2011-01-15, status: mostly}
"""


def _with(history: str, head: str = "") -> str:
    """The minimal brief, R1 carrying `history` (lines 12 on), with `head` lines after the date."""
    text = MINIMAL_BRIEF.replace("        timeframe: 2010\n", "        timeframe: 2010\n" + history, 1)
    return text.replace("date: 2010-01-15\n", "date: 2010-01-15\n" + head, 1)


def _errors(tmp_path, text: str) -> list[str]:
    with pytest.raises(BriefError) as info:
        load_brief(write_brief(tmp_path, text), keys=["doe2020"])
    return info.value.format_message().splitlines()


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_a_history_loads_oldest_first_with_its_latest_status(tmp_path):
    brief = load_brief(write_brief(tmp_path, _with(HISTORY)), keys=["doe2020"])
    r1, r2 = brief.recommendations
    assert [(u.date, u.status, u.by) for u in r1.history] == [
        (date(2010, 6, 30), "partially", "OSCE desk"),
        (date(2011, 1, 15), "mostly", ""),
    ]
    assert r1.status is r1.history[-1] and r2.status is None
    assert "doe2020" in brief.cited  # a note's citation is a citation like any other


def test_an_unknown_status_is_an_error_at_its_line_with_the_nearest_one(tmp_path):
    lines = _errors(tmp_path, _with(HISTORY.replace("status: mostly", "status: mosty")))
    assert lines == [
        "brief.yaml:13:40: recommendations[0].items[0].status[1].status: unknown status 'mosty' "
        "(did you mean 'mostly'?)"
    ]


def test_a_date_before_the_brief_s_or_out_of_order_is_an_error_at_its_line(tmp_path):
    history = HISTORY.replace("2010-06-30", "2009-12-31").replace("2011-01-15", "2011-03-01")
    history += "          - {date: 2010-09-01, status: fully}\n"
    lines = _errors(tmp_path, _with(history))
    assert lines == [
        "brief.yaml:12:20: recommendations[0].items[0].status[0].date: 2009-12-31 is before the brief's date "
        "(2010-01-15)",
        "brief.yaml:14:20: recommendations[0].items[0].status[2].date: 2010-09-01 is before the entry above it "
        "(2011-03-01); the history goes oldest first",
    ]


def test_a_brief_may_declare_its_own_statuses(tmp_path):
    own = "statuses:\n  - {name: accepted, colour: '#1B7837'}\n  - {name: noted, colour: '#878787'}\n"
    history = "        status:\n          - {date: 2010-03-01, status: noted}\n"
    brief = load_brief(write_brief(tmp_path, _with(history, own)), keys=["doe2020"])
    assert [s.name for s in vocabulary(brief.statuses)] == ["accepted", "noted"]
    assert brief.recommendations[0].status.status == "noted"
    lines = _errors(tmp_path, _with(HISTORY, own))  # ODIHR's words are not this brief's
    assert "unknown status 'partially' (the brief's statuses: accepted, noted)" in lines[0]


def test_the_default_vocabulary_is_odihrs_scale():
    assert [s.name for s in vocabulary(())] == ["fully", "mostly", "partially", "not implemented", "no longer relevant"]
    assert len({s.colour for s in ODIHR}) == len(ODIHR)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Not implemented"),
        ("fr", "Non mise en œuvre"),
        ("ru", "Не выполнена"),
        ("de", "Nicht umgesetzt"),
        ("kk", "Орындалмады"),
    ],
)
def test_each_status_is_worded_in_the_brief_s_language_and_a_style_may_reword_it(language, words):
    from briefgen.design import theme
    from briefgen.statuses import wording
    from briefgen.style import Style

    assert wording("not implemented", theme(Style(), language).labels) == words
    assert wording("accepted", theme(Style(), language).labels) == "accepted"  # a brief's own: as written
    reworded = Style(labels={"status_not_implemented": "Pending"})
    assert wording("not implemented", theme(reworded, language).labels) == "Pending"
