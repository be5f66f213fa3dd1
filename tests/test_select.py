"""Shaping: the style's content rules decide what a template can show."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from briefgen.brief import Brief, Group, Recommendation, Section
from briefgen.select import shape
from briefgen.style import style_from_dict

REC = Recommendation(
    "R1",
    "Open a dialogue",
    "high",
    actors=("OSCE",),
    timeframe="2010",
    rationale="First sentence here. Second sentence there.",
)
BRIEF = Brief(
    id="b",
    title="T",
    date=dt.date(2010, 1, 15),
    source=Path("/secret/brief.yaml"),
    bibliography=Path("/secret/references.bib"),
    sections=(Section("Context", "Body", ("practitioner",)),),
    groups=(Group("G", (REC, Recommendation("R2", "Low one", "low"))),),
)


def shaped(**content):
    return shape(BRIEF, "practitioner", style_from_dict({"content": content}))


@pytest.mark.parametrize(
    ("form", "expected"),
    [("full", REC.rationale), ("first-sentence", "First sentence here."), ("none", "")],
)
def test_the_rationale_form_is_applied_before_the_template_sees_it(form, expected):
    [rec, _] = shaped(rationale=form).recommendations
    assert rec.rationale == expected


def test_hidden_actors_and_timeframe_are_empty():
    [rec, _] = shaped(actors=False, timeframe=False).recommendations
    assert rec.actors == () and rec.timeframe == ""


def test_priorities_and_maximum_select_recommendations_and_count_the_rest():
    view = shaped(priorities=["high"])
    assert [r.id for r in view.recommendations] == ["R1"] and view.hidden_recommendations == 1
    assert [r.id for r in shaped(max_recommendations=1).recommendations] == ["R1"]


def test_sections_follow_the_rule_and_their_audience_tags():
    assert [s.title for s in shaped().sections] == ["Context"]
    assert shaped(sections=False).sections == ()
    assert shape(BRIEF, "press", style_from_dict({})).sections == ()


PLAIN = (str, int, bool, float, type(None), dt.date)


def _walk(value, where="brief"):
    if isinstance(value, PLAIN):
        return
    if isinstance(value, tuple):
        for i, item in enumerate(value):
            _walk(item, f"{where}[{i}]")
        return
    assert is_dataclass(value) and value.__dataclass_params__.frozen, f"{where}: {type(value).__name__}"
    for f in fields(value):
        _walk(getattr(value, f.name), f"{where}.{f.name}")


def test_a_template_receives_plain_frozen_data_only():
    view = shaped()
    _walk(view)
    assert not hasattr(view, "source") and "/secret" not in repr(view)


@pytest.mark.parametrize(
    ("rationale", "expected"),
    [
        # a citation's locator is not a sentence end, and the work stays cited
        ("As shown [@iliad, p. 33], the siege ends. Then more.", "As shown [@iliad, p. 33], the siege ends."),
        ("The U.S. position hardened in Jan. 2010. Talks stalled.", "The U.S. position hardened in Jan. 2010."),
        ("Dr. Smith and J. Doe agree, e.g. on water. Next.", "Dr. Smith and J. Doe agree, e.g. on water."),
        (
            "See [the U.N. report. Part two](https://un.org/r) now. Next.",
            "See [the U.N. report. Part two](<https://un.org/r>) now.",
        ),
        ("Run `check. Then` first. Next.", "Run `check. Then` first."),
        ("It works.^[A note. With two sentences.] Then more.", "It works.^[A note. With two sentences.]"),
        ("It works [@a; @b]. Then more.", "It works [@a; @b]."),
        ("**Act now.** Then more.", "**Act now.**"),
        ("“Quoted in full.” Next one.", "“Quoted in full.”"),
        ("Version 2.0 is out. next is lower-case. Done.", "Version 2.0 is out. next is lower-case."),
        ("Казахстан председательствует. Затем.", "Казахстан председательствует."),
        ("One sentence without a stop", "One sentence without a stop"),
        ("A line\nwrapped here. Next.", "A line wrapped here."),
    ],
)
def test_the_first_sentence_is_cut_from_the_parsed_text_never_the_markdown(rationale, expected):
    from briefgen.select import first_sentence

    assert first_sentence(rationale) == expected


def test_an_authors_short_line_replaces_the_first_sentence_in_short_forms():
    from dataclasses import replace

    brief = replace(BRIEF, groups=(Group("G", (replace(REC, short="Talk now [@a]."),)),))
    [rec] = shape(brief, "press", style_from_dict({"content": {"rationale": "first-sentence"}})).recommendations
    assert rec.rationale == "Talk now [@a]."
    [rec] = shape(brief, "x", style_from_dict({"content": {"rationale": "full"}})).recommendations
    assert rec.rationale == REC.rationale


def test_the_further_recommendations_are_those_the_full_brief_has_beyond_this_one():
    """An academic-only recommendation is not in the practitioner (full) brief: it is not counted."""
    brief = Brief(
        id="b",
        title="T",
        date=dt.date(2010, 1, 15),
        source=Path("/secret/brief.yaml"),
        bibliography=Path("/secret/references.bib"),
        groups=(
            Group(
                "G",
                (
                    REC,
                    Recommendation("R2", "Low one", "low"),
                    Recommendation("R3", "For scholars", "low", audiences=("academic",)),
                    Recommendation("R4", "For all who act", "medium", audiences=("practitioner", "policymaker")),
                ),
            ),
        ),
    )
    policymaker = shape(brief, "policymaker", style_from_dict({"content": {"priorities": ["high"]}}))
    assert [r.id for r in policymaker.recommendations] == ["R1"]
    assert policymaker.hidden_recommendations == 2  # R2 and R4; not R3
    assert shape(brief, "practitioner", style_from_dict({})).hidden_recommendations == 0
