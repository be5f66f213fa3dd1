"""The house design lives in design.py: writers translate it, they never decide it."""

from __future__ import annotations

import re

import pytest

from briefgen.brief import PRIORITIES
from briefgen.design import CARD_FILL, LIST_BOXES, keeps_with_next, note_paragraphs, theme
from briefgen.model import Box, ListBlock, Paragraph, Table, Text, plain_text
from briefgen.style import Style, style_from_dict

from conftest import ROOT

WRITERS = sorted((ROOT / "briefgen" / "writers").rglob("*.py"))


@pytest.mark.parametrize("path", WRITERS, ids=lambda p: str(p.relative_to(ROOT / "briefgen" / "writers")))
def test_no_writer_spells_a_colour_or_the_priority_vocabulary(path):
    source = path.read_text("utf-8")
    assert not re.findall(r"#[0-9A-Fa-f]{6}\b", source), "colours belong in design.py or the style"
    for word in PRIORITIES:
        assert f'"{word}"' not in source, f"the priority '{word}' is design vocabulary"
    assert not re.search(r"<\s*400\b", source)  # the intro-keeps-with-card rule


def test_every_box_look_comes_from_the_theme():
    th = theme(style_from_dict({"colours": {"high": "#112233", "box": "#445566", "accent": "#778899"}}))
    card = th.box(("card", "high"))
    assert (card.kind, card.bar, card.fill, card.priority) == ("card", "#112233", CARD_FILL, "high")
    assert th.box(("keymessages",)).fill == "#445566" and th.box(("keymessages",)).bar == "#778899"
    assert all(th.box((name,)) is None for name in LIST_BOXES)


def test_sizes_scale_with_the_body_size():
    small, large = theme(style_from_dict({"fonts": {"size": 9}})), theme(style_from_dict({"fonts": {"size": 12}}))
    assert large.heading(1).size / small.heading(1).size == pytest.approx(12 / 9)
    assert large.note.size / large.body.size == pytest.approx(small.note.size / small.body.size)


def test_a_short_intro_keeps_with_the_box_after_it_and_a_long_one_does_not():
    box = Box(("card", "high"), ())
    assert keeps_with_next((Paragraph((Text("Short intro."),)), box), 0)
    assert not keeps_with_next((Paragraph((Text("x" * 500),)), box), 0)
    assert not keeps_with_next((Paragraph((Text("Last."),)),), 0)


def test_a_note_holding_a_list_or_table_keeps_all_its_text():
    blocks = (
        Paragraph((Text("Lead."),)),
        ListBlock(((Paragraph((Text("one"),)),), (Paragraph((Text("two"),)),))),
        Table(((Text("H"),),), (((Text("cell"),),),)),
    )
    assert [plain_text(runs) for runs in note_paragraphs(blocks)] == ["Lead.", "one two", "H cell"]


def test_labels_reach_the_theme():
    high = next(p for p in theme(style_from_dict({"labels": {"high": "Haute"}})).priorities if p.name == "high")
    assert high.label == "Haute"
    assert theme(Style()).label("page") == "Page"


def test_a_display_title_never_ends_with_one_word_alone():
    from briefgen.design import NBSP, display_heading, display_title
    from briefgen.model import Code, Emph, Strong

    assert display_title("Where Astana Can Make a Difference") == f"Where Astana Can Make a{NBSP}Difference"
    assert display_title("Summary") == "Summary"  # one word: nothing to join
    assert display_title("Use interdisciplinarily internationalisation") == (
        "Use interdisciplinarily internationalisation"  # two long words joined would overflow a line
    )
    heading = (Text("CA-1 · Open "), Strong((Text("the water"),)), Emph((Text(" dialogue "),)))
    joined = display_heading(heading)
    assert plain_text(joined) == f"CA-1 · Open the water{NBSP}dialogue "
    assert isinstance(joined[1], Strong) and isinstance(joined[2], Emph)  # markup kept
    assert display_heading((Text("Run "), Code("make all"))) == (Text("Run "), Code("make all"))  # code untouched


def test_a_box_keeps_its_title_and_priority_line_with_what_follows():
    from briefgen.design import box_lead
    from briefgen.model import Heading

    title, facts = Heading(3, (Text("CA-1 · Title"),)), Paragraph((Text("Priority: High · Who: OSCE"),))
    rationale = Paragraph((Text("A long rationale. " * 40),))
    assert box_lead((title, facts, rationale)) == 2
    assert box_lead((Paragraph((Text("Key messages"),)), ListBlock(((Paragraph((Text("one"),)),),)))) == 1
    assert box_lead((rationale, facts)) == 0
    assert box_lead((title,)) == 0  # nothing to keep it with


def test_only_a_box_shorter_than_a_quarter_of_the_page_moves_whole():
    th = theme(Style())
    width, height = th.text_area()
    top, right, bottom, left = th.margins
    assert (width, height) == pytest.approx(((210 - left - right) * 72 / 25.4, (297 - top - bottom) * 72 / 25.4))
    assert th.box_keeps_whole(height / 5) and not th.box_keeps_whole(height / 3.5)


def test_announced_heading_levels_never_skip_one_going_down_and_may_jump_back_up():
    from briefgen.design import HeadingLevels

    levels = HeadingLevels()
    assert [levels.announced(n) for n in (3, 1, 3, 4, 2, 6, 1, 0)] == [1, 1, 2, 3, 2, 3, 1, 1]
