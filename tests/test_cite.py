"""Stage 5: citations resolved for the `notes`, `author-date` and `none` styles."""

from __future__ import annotations

import pytest

from briefgen.bibliography import parse_bibtex
from briefgen.cite import resolve_citations
from briefgen.model import (
    Box,
    Citation,
    CiteItem,
    Document,
    Emph,
    Heading,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Quote,
    Text,
    plain_text,
)

from helpers_briefs import REFERENCES_BIB

NEVER_CITED = "@book{abel2018,\n  author = {Abel, Anna},\n  title = {Never Cited},\n  year = {2018},\n}\n"


@pytest.fixture(scope="module")
def refs():
    return parse_bibtex(REFERENCES_BIB + NEVER_CITED)


def cite(key: str, locator: str = "", *, narrative: bool = False, prefix: str = "") -> Citation:
    return Citation((CiteItem(key, prefix=prefix, locator=locator),), narrative=narrative)


def resolve(refs, style: str, *children, keep_notes: bool = True, extra_blocks=(), bibliography: str = "full"):
    """Resolve one paragraph (plus any boxes); return its inlines, the other blocks and the keys cited."""
    doc = Document(Metadata("Brief"), (Paragraph(tuple(children)), *extra_blocks))
    out, cited = resolve_citations(doc, refs, style, keep_notes=keep_notes, bibliography=bibliography)
    return out.blocks[0].children, out.blocks[1:], cited


def note_texts(inlines) -> list[str]:
    return [plain_text(n.blocks[0].children) for n in inlines if isinstance(n, Note)]


def bibliography_box() -> Box:
    return Box(("bibliography",), (Heading(1, (Text("References"),)),))


# ---------------------------------------------------------------- notes


def test_notes_give_a_full_note_first_then_a_short_form_and_ibid_for_an_immediate_repeat(refs):
    inlines, _, _ = resolve(
        refs,
        "notes",
        Text("A "),
        cite("doe2020", "p. 33"),
        Text(". B "),
        cite("roe2019"),
        Text(". C "),
        cite("roe2019", "p. 5"),
        Text(". D "),
        cite("doe2020"),
        Text("."),
    )

    assert note_texts(inlines) == [
        "Jane Doe, “Water and Borders,” Central Asian Survey 39, no. 2 (2020): 33.",
        "Richard Roe, Budgets and Borders: Central Asia since 1991 (London: Routledge, 2019).",
        "Ibid., 5.",
        "Doe, “Water and Borders.”",
    ]


def test_a_full_note_italicises_the_journal_and_a_short_note_the_book_title(refs):
    inlines, _, _ = resolve(
        refs,
        "notes",
        Text("A "),
        cite("doe2020"),
        Text(". B "),
        cite("roe2019"),
        Text(". C "),
        cite("doe2020"),
        Text(". D "),
        cite("roe2019", "p. 7"),
        Text("."),
    )

    notes = [n.blocks[0].children for n in inlines if isinstance(n, Note)]
    assert Emph((Text("Central Asian Survey"),)) in notes[0]
    assert notes[3] == (Text("Roe, "), Emph((Text("Budgets and Borders"),)), Text(", 7."))


def test_a_note_marker_goes_after_the_following_punctuation_with_no_space_before_it(refs):
    inlines, _, _ = resolve(
        refs,
        "notes",
        Text("Water matters "),
        cite("doe2020"),
        Text(". Borders too "),
        cite("roe2019"),
        Text("; and more."),
    )

    assert [type(n).__name__ for n in inlines] == ["Text", "Note", "Text", "Note", "Text"]
    assert (inlines[0], inlines[2], inlines[4]) == (Text("Water matters."), Text(" Borders too;"), Text(" and more."))


def test_an_explanatory_note_between_two_citations_of_one_work_prevents_ibid(refs):
    aside = Note((Paragraph((Text("An aside."),)),))
    inlines, _, _ = resolve(
        refs, "notes", Text("A "), cite("doe2020"), Text(". B."), aside, Text(" C "), cite("doe2020", "p. 4"), Text(".")
    )

    assert note_texts(inlines) == [
        "Jane Doe, “Water and Borders,” Central Asian Survey 39, no. 2 (2020): 30–50.",
        "An aside.",
        "Doe, “Water and Borders,” 4.",
    ]


def test_several_works_in_one_citation_share_one_note(refs):
    both = Citation((CiteItem("doe2020"), CiteItem("roe2019", prefix="see also", locator="p. 4")))
    inlines, _, _ = resolve(refs, "notes", Text("A "), both, Text("."))

    assert note_texts(inlines) == [
        "Jane Doe, “Water and Borders,” Central Asian Survey 39, no. 2 (2020): 30–50; "
        "see also Richard Roe, Budgets and Borders: Central Asia since 1991 (London: Routledge, 2019), 4.",
    ]


def test_a_narrative_citation_in_notes_style_keeps_the_space_before_the_author(refs):
    inlines, _, _ = resolve(refs, "notes", Text("As "), cite("doe2020", narrative=True), Text(" argues."))

    assert inlines[0] == Text("As Doe")
    assert isinstance(inlines[1], Note)


def test_a_citation_inside_a_note_does_not_double_the_full_stop(refs):
    aside = Note((Paragraph((Text("See "), cite("doe2020", "p. 3"), Text("."))),))
    inlines, _, _ = resolve(refs, "notes", Text("Water."), aside)

    assert note_texts(inlines) == ["See Jane Doe, “Water and Borders,” Central Asian Survey 39, no. 2 (2020): 3."]


# ---------------------------------------------------------------- author-date


def test_author_date_puts_author_year_and_bare_page_in_parentheses(refs):
    inlines, _, _ = resolve(refs, "author-date", Text("Water matters "), cite("doe2020", "p. 33"), Text("."))

    assert inlines == (Text("Water matters (Doe 2020, 33)."),)


def test_author_date_narrative_citation_puts_the_year_after_the_name(refs):
    inlines, _, _ = resolve(refs, "author-date", Text("As "), cite("doe2020", narrative=True), Text(" argues."))

    assert inlines == (Text("As Doe (2020) argues."),)


def test_author_date_joins_several_works_and_can_suppress_the_author(refs):
    both = Citation((CiteItem("doe2020"), CiteItem("roe2019", prefix="see", locator="ch. 2")))
    suppressed = Citation((CiteItem("doe2020", locator="p. 3", suppress_author=True),))

    inlines, _, _ = resolve(refs, "author-date", Text("A "), both, Text(". Doe "), suppressed, Text("."))

    assert inlines == (Text("A (Doe 2020; see Roe 2019, ch. 2). Doe (2020, 3)."),)


@pytest.mark.parametrize(
    ("locator", "printed"), [("pp. 3-5", "3–5"), ("page 3", "3"), ("pages 3-5", "3–5")], ids=["pp", "page", "pages"]
)
def test_page_locators_are_printed_bare_in_every_spelling(refs, locator, printed):
    inlines, _, _ = resolve(refs, "author-date", Text("Water "), cite("doe2020", locator), Text("."))

    assert inlines == (Text(f"Water (Doe 2020, {printed})."),)


# ---------------------------------------------------------------- none


def test_none_drops_citation_markers_and_the_space_before_them(refs):
    inlines, _, cited = resolve(
        refs,
        "none",
        Text("Water matters "),
        cite("doe2020"),
        Text(". Borders "),
        cite("roe2019", "p. 4"),
        Text(", too."),
    )

    assert inlines == (Text("Water matters. Borders, too."),)
    assert cited == ["doe2020", "roe2019"]  # still cited: a sources list needs them


def test_none_keeps_the_author_of_a_narrative_citation(refs):
    inlines, _, _ = resolve(refs, "none", Text("As "), cite("doe2020", narrative=True), Text(" argues."))

    assert inlines == (Text("As Doe argues."),)


# ---------------------------------------------------------------- explanatory notes


def test_keep_notes_false_drops_explanatory_notes_but_still_counts_their_citations(refs):
    aside = Note((Paragraph((Text("See "), cite("roe2019"), Text("."))),))
    inlines, _, cited = resolve(refs, "none", Text("Water matters."), aside, Text(" More."), keep_notes=False)

    assert inlines == (Text("Water matters. More."),)
    assert cited == ["roe2019"]


def test_keep_notes_true_keeps_explanatory_notes(refs):
    aside = Note((Paragraph((Text("An aside."),)),))
    inlines, _, _ = resolve(refs, "none", Text("Water matters."), aside)

    assert inlines == (Text("Water matters."), aside)


# ---------------------------------------------------------------- bibliography and sources


def test_the_bibliography_box_lists_exactly_the_cited_works_sorted_by_author(refs):
    _, [box], cited = resolve(
        refs,
        "notes",
        Text("A "),
        cite("roe2019"),
        Text(". B "),
        cite("doe2020"),
        Text("."),
        extra_blocks=[bibliography_box()],
    )

    assert cited == ["roe2019", "doe2020"]
    assert box.blocks[0] == Heading(1, (Text("References"),))
    assert [(p.role, plain_text(p.children)) for p in box.blocks[1:]] == [
        ("bibliography", "Doe, Jane. “Water and Borders.” Central Asian Survey 39, no. 2 (2020): 30–50."),
        ("bibliography", "Roe, Richard. Budgets and Borders: Central Asia since 1991. London: Routledge, 2019."),
    ]


def test_the_author_date_bibliography_puts_the_year_after_the_author(refs):
    _, [box], _ = resolve(
        refs, "author-date", Text("A "), cite("doe2020"), Text("."), extra_blocks=[bibliography_box()]
    )

    assert [plain_text(p.children) for p in box.blocks[1:]] == [
        "Doe, Jane. 2020. “Water and Borders.” Central Asian Survey 39, no. 2: 30–50.",
    ]


def test_a_bibliography_box_disappears_when_nothing_is_cited(refs):
    _, rest, cited = resolve(refs, "notes", Text("No sources here."), extra_blocks=[bibliography_box()])

    assert (rest, cited) == ((), [])


def test_the_sources_box_lists_the_cited_works_in_short_form(refs):
    sources = Box(("sources",), (Heading(1, (Text("Sources"),)),))
    _, [box], _ = resolve(
        refs,
        "none",
        Text("A "),
        cite("roe2019"),
        Text(". B "),
        cite("doe2020"),
        Text("."),
        extra_blocks=[sources],
        bibliography="sources",
    )

    heading, listing = box.blocks
    assert heading == Heading(1, (Text("Sources"),))
    assert isinstance(listing, ListBlock)
    assert [plain_text(item[0].children) for item in listing.items] == [
        "Doe, “Water and Borders,” Central Asian Survey (2020).",
        "Roe, Budgets and Borders: Central Asia since 1991, Routledge (2019).",
    ]
    # set as the notes and the bibliography set them: a journal and a book in italics, the comma inside
    doe, roe = (item[0].children for item in listing.items)
    assert Emph((Text("Central Asian Survey"),)) in doe
    assert Emph((Text("Budgets and Borders: Central Asia since 1991"),)) in roe


def test_bibliography_boxes_nested_in_other_boxes_are_filled_too(refs):
    outer = Box(("appendix",), (bibliography_box(),))
    _, [box], _ = resolve(refs, "notes", Text("A "), cite("doe2020"), Text("."), extra_blocks=[outer])

    [inner] = box.blocks
    assert len(inner.blocks) == 2


@pytest.mark.parametrize("box", ["bibliography", "sources"])
def test_bibliography_none_drops_every_list_box_and_its_heading(refs, box):
    listing = Box((box,), (Heading(1, (Text("Listed"),)),))
    _, rest, cited = resolve(refs, "notes", cite("doe2020"), extra_blocks=[listing], bibliography="none")
    assert rest == () and cited == ["doe2020"]


def test_the_style_not_the_box_name_decides_the_list_form(refs):
    listing = Box(("sources",), (Heading(1, (Text("References"),)),))
    _, [box], _ = resolve(refs, "notes", cite("doe2020"), extra_blocks=[listing], bibliography="full")
    assert box.blocks[1].role == "bibliography"  # a full Chicago entry, not a short sources line


def _notes_within_notes(inlines) -> int:
    count = 0
    for node in inlines:
        if isinstance(node, Note):
            for block in node.blocks:
                count += sum(isinstance(n, Note) for n in getattr(block, "children", ()))
    return count


def test_a_narrative_citation_inside_a_note_is_written_out_not_nested(refs):
    note = Note((Paragraph((Text("As "), cite("doe2020", narrative=True), Text(" shows."))),))
    inlines, _, cited = resolve(refs, "notes", Text("Text."), note)
    assert _notes_within_notes(inlines) == 0 and cited == ["doe2020"]
    assert note_texts(inlines) == [
        "As Jane Doe, “Water and Borders,” Central Asian Survey 39, no. 2 (2020): 30–50 shows."
    ]


def test_a_note_written_inside_a_note_becomes_parenthetical_text(refs):
    inner = Note((Paragraph((Text("inner remark"),)),))
    inlines, _, _ = resolve(refs, "notes", Text("Text."), Note((Paragraph((Text("Outer"), inner, Text("."))),)))
    assert _notes_within_notes(inlines) == 0
    assert note_texts(inlines) == ["Outer (inner remark)."]


# ---------------------------------------------------------------- no debris, one marker per place


def _text(refs, style: str, markdown: str) -> tuple[str, list]:
    from briefgen.markdown import parse_markdown

    doc = Document(Metadata("Brief"), parse_markdown(markdown))
    out, _ = resolve_citations(doc, refs, style)
    inlines = out.blocks[0].children
    return plain_text(inlines), [type(n).__name__ for n in inlines if not isinstance(n, Text)]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Several studies [@doe2020], [@roe2019], [@abel2018] agree.", "Several studies agree."),
        ("Several studies [@doe2020]; [@roe2019] agree.", "Several studies agree."),
        ("It holds ([@doe2020]).", "It holds."),
        ("It holds [@doe2020], but not always.", "It holds, but not always."),
        ("It holds [@doe2020]: water first.", "It holds: water first."),
        ("See also the OSCE site and @doe2020.", "See also the OSCE site and Doe."),
        ("See also the OSCE site and [@doe2020].", "See also the OSCE site and Doe."),
        ("Compare [@doe2020] and [@roe2019].", "Compare Doe and Roe."),
        ("See [@doe2020; @roe2019].", "See Doe and Roe."),
    ],
)
def test_dropping_citations_leaves_no_debris(refs, markdown, expected):
    assert _text(refs, "none", markdown) == (expected, [])


def test_author_date_groups_a_run_of_citations_in_one_parenthesis(refs):
    assert _text(refs, "author-date", "Studies [@doe2020], [@roe2019] agree.")[0] == (
        "Studies (Doe 2020; Roe 2019) agree."
    )
    assert _text(refs, "author-date", "It holds ([@doe2020]).")[0] == "It holds (Doe 2020)."
    assert _text(refs, "author-date", "It holds (see @doe2020).")[0] == "It holds (see Doe 2020)."


def test_adjacent_citations_merge_into_one_note(refs):
    for markdown in ("Gone.[@doe2020][@roe2019] Next.", "Gone [@doe2020], [@roe2019]. Next."):
        text, kinds = _text(refs, "notes", markdown)
        assert kinds == ["Note"] and text == "Gone. Next."


def test_a_citation_next_to_an_explanatory_note_gets_a_superscript_comma(refs):
    from briefgen.markdown import parse_markdown
    from briefgen.model import Superscript

    doc = Document(Metadata("Brief"), parse_markdown("Saved from disappearance [@doe2020].^[A column.] Next."))
    out, _ = resolve_citations(doc, refs, "notes")
    kinds = [n for n in out.blocks[0].children if not isinstance(n, Text)]
    assert [type(n).__name__ for n in kinds] == ["Note", "Superscript", "Note"]
    assert kinds[1] == Superscript(",")


def test_author_date_puts_an_authorless_works_title_in_italics_where_the_author_goes():
    refs = parse_bibtex(
        "@book{cms, title = {The Chicago Manual of Style}, edition = {15}, publisher = {UCP}, year = {2003}}\n"
        "@article{anon, title = {Water Wars Ahead}, journal = {The Economist}, year = {2009}}\n"
    )
    doc = Document(Metadata("Brief"), (Paragraph((Text("Style "), Citation((CiteItem("cms"), CiteItem("anon"))))),))
    inlines = resolve_citations(doc, refs, "author-date")[0].blocks[0].children
    assert plain_text(inlines) == "Style (Chicago Manual of Style 2003; “Water Wars Ahead” 2009)"
    assert Emph((Text("Chicago Manual of Style"),)) in inlines


def test_several_works_in_one_note_are_separated_by_semicolons_outside_the_quotes(refs):
    inlines, _, _ = resolve(
        refs, "notes", Text("Both"), Citation((CiteItem("doe2020", locator="33"), CiteItem("roe2019")))
    )
    [note] = note_texts(inlines)
    assert "; Richard Roe" in note and ".”;" not in note and ",;" not in note


def test_a_narrative_citations_note_marker_follows_the_full_stop(refs):
    text, _ = _text(refs, "notes", "See also the OSCE site and @doe2020. Next.")
    assert text == "See also the OSCE site and Doe. Next."
    from briefgen.markdown import parse_markdown

    doc = Document(Metadata("Brief"), parse_markdown("See also the OSCE site and @doe2020. Next."))
    inlines = resolve_citations(doc, refs, "notes")[0].blocks[0].children
    note_at = next(i for i, n in enumerate(inlines) if isinstance(n, Note))
    assert plain_text(inlines[:note_at]).endswith("Doe.")


def test_bibliography_boxes_in_a_quote_or_a_list_item_are_filled_as_in_a_box(refs):
    # filled by the generic walk: before it, only boxes reached through boxes were
    quoted = Quote((bibliography_box(),))
    listed = ListBlock(((Paragraph((Text("item"),)), bibliography_box()),))
    _, [quote, listing], _ = resolve(refs, "notes", cite("doe2020"), extra_blocks=[quoted, listed])

    assert [b.role for b in quote.blocks[0].blocks[1:]] == ["bibliography"]
    assert [b.role for b in listing.items[0][1].blocks[1:]] == ["bibliography"]


# ---------------------------------------------------------------- issue 26, defect 5


def _read(inlines) -> str:
    """The paragraph as read, a note as [^its text]."""
    return "".join(
        f"[^{plain_text(n.blocks[0].children)}]" if isinstance(n, Note) else plain_text((n,)) for n in inlines
    )


def test_author_date_citations_after_and_are_named_not_bracketed(refs):
    both = Citation((CiteItem("doe2020"), CiteItem("roe2019")))
    inlines, _, _ = resolve(refs, "author-date", Text("see the OSCE site and "), both, Text("."))
    assert _read(inlines) == "see the OSCE site and Doe (2020) and Roe (2019)."
    inlines, _, _ = resolve(refs, "author-date", Text("(compare the site and "), cite("doe2020", "p. 33"), Text(")"))
    assert _read(inlines) == "(compare the site and Doe 2020, 33)"  # within parentheses, none of its own


@pytest.mark.parametrize(
    ("after", "read"),
    [(".", "BibTeX.[^"), (", and more.", "BibTeX,[^"), ("; then.", "BibTeX;[^")],
)
def test_merged_citations_after_a_colon_leave_no_stray_punctuation(refs, after, read):
    inlines, _, _ = resolve(
        refs, "notes", Text("As BibTeX: "), cite("doe2020"), Text(", "), cite("roe2019"), Text(after)
    )
    text = _read(inlines)
    assert text.startswith("As " + read), text
    assert ":," not in text and ":." not in text and ":;" not in text


def test_a_paragraph_that_is_only_a_citation_is_the_reference_written_out(refs):
    inlines, _, _ = resolve(refs, "notes", cite("doe2020"), Text("."))
    assert _read(inlines) == "Jane Doe, “Water and Borders,” Central Asian Survey 39, no. 2 (2020): 30–50."
    inlines, _, _ = resolve(refs, "none", cite("doe2020"), Text("."))
    assert _read(inlines) == "Doe."
