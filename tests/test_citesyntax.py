"""Pandoc's citation syntax, found in Markdown text by the one parser the renderer uses."""

from __future__ import annotations

import pytest

from briefgen.markdown import citations_in
from briefgen.model import Citation, CiteItem


def only_citation(text: str) -> Citation:
    [(citation, _)] = citations_in(text)
    return citation


def test_it_finds_a_bracketed_citation_as_written():
    [(citation, written)] = citations_in("Water matters [@doe2020].")

    assert citation == Citation((CiteItem("doe2020"),))
    assert written == "[@doe2020]"


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("[@doe2020, p. 33]", CiteItem("doe2020", locator="p. 33")),
        ("[@doe2020, pp. 3-5]", CiteItem("doe2020", locator="pp. 3-5")),
        ("[see @doe2020, ch. 2]", CiteItem("doe2020", prefix="see", locator="ch. 2")),
        ("[-@doe2020]", CiteItem("doe2020", suppress_author=True)),
        ("[@Doe_2020:water]", CiteItem("Doe_2020:water")),
    ],
    ids=["page", "page-range", "prefix-and-chapter", "suppress-author", "key-with-punctuation"],
)
def test_it_reads_prefix_locator_and_author_suppression(text, item):
    assert only_citation(f"As argued {text}.") == Citation((item,))


def test_it_reads_several_works_in_one_bracket():
    assert only_citation("[see @doe2020, p. 3; also @roe2019]") == Citation(
        (CiteItem("doe2020", prefix="see", locator="p. 3"), CiteItem("roe2019", prefix="also"))
    )


def test_it_finds_a_narrative_citation_without_the_following_punctuation():
    text = "As @doe2020 argues, and as shown by @roe2019."

    found = citations_in(text)

    assert [c for c, _ in found] == [
        Citation((CiteItem("doe2020"),), narrative=True),
        Citation((CiteItem("roe2019"),), narrative=True),
    ]
    assert [written for _, written in found] == ["@doe2020", "@roe2019"]


def test_it_returns_bracketed_and_narrative_citations_in_text_order():
    found = citations_in("@roe2019 disagrees [@doe2020, p. 4].")

    assert [(c.narrative, c.items[0].key) for c, _ in found] == [(True, "roe2019"), (False, "doe2020")]


@pytest.mark.parametrize(
    "text",
    [
        "Write to info@osce.org.",
        "Write to [info@osce.org].",
        "Contact: jane.doe@example.org or press@osce.org",
    ],
)
def test_an_email_address_is_not_a_citation(text):
    assert citations_in(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "See [the OSCE site](https://www.osce.org) for details.",
        "A [@doe2020](https://example.org/doe) link whose text looks like a citation.",
    ],
)
def test_a_markdown_link_is_left_alone(text):
    assert citations_in(text) == []


def test_an_at_sign_inside_a_link_target_is_not_a_citation():
    assert citations_in("Follow [the OSCE](https://mastodon.social/@osce) for updates.") == []


@pytest.mark.parametrize(
    "text",
    ["Use `@some_key` to cite.", "```\n[@doe2020]\n```", "    indented code [@doe2020]", "Escaped \\@doe2020"],
    ids=["code-span", "fenced-code", "indented-code", "escaped"],
)
def test_code_is_never_a_citation(text):
    assert citations_in(text) == []


def test_citations_inside_inline_notes_and_lists_are_found():
    found = citations_in("- an item [@roe2019]\n\nText.^[A note citing @doe2020.]")
    assert [c.items[0].key for c, _ in found] == ["roe2019", "doe2020"]
