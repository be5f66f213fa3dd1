"""The PDF writer on input nobody tuned it for (issue 12): many notes, wide tables, long words, odd links.

Each test builds a small document straight from the model (or Markdown) and reads the
PDF back with pypdf: the text must all be there, and nothing may raise.
"""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from click.testing import CliRunner

from helpers_briefs import MINIMAL_BRIEF, REFERENCES_BIB, write_brief


def _write(blocks, title: str = "Robust") -> bytes:
    from briefgen.design import theme
    from briefgen.model import Document, Metadata
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.pdf import write

    return write(Document(Metadata(title=title), tuple(blocks)), theme(Style()), Assets()).data


def _markdown_pdf(markdown: str) -> bytes:
    from briefgen.markdown import parse_markdown

    return _write(parse_markdown(markdown))


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _squeezed(data: bytes) -> str:
    """The PDF's text without any white space: a word broken over lines reads whole again."""
    return re.sub(r"\s+", "", _text(data))


# ---------------------------------------------------------------- footnotes: linear layout


def _many_notes(count: int):
    from briefgen.model import Note, Paragraph, Text

    inlines = []
    for i in range(count):
        inlines.append(Text(f" Claim {i} holds."))
        inlines.append(Note((Paragraph((Text(f"Doe, Water and Borders, p. {i}: NOTE{i}END."),)),)))
    return [Paragraph(tuple(inlines))]


class TooManyWraps(Exception):
    pass


def _count_note_wraps(monkeypatch, count: int, budget: float = float("inf")) -> tuple[int, bytes]:
    """How often the notes' paragraphs are wrapped (line-broken) to typeset `count` notes in one paragraph."""
    from reportlab.platypus import Paragraph

    original = Paragraph.wrap
    calls = 0

    def counting(self, avail_width, avail_height):
        nonlocal calls
        if self.style.name == "note":
            calls += 1
            if calls > budget:  # fail fast instead of running for minutes
                raise TooManyWraps(f"over {budget} note wraps for {count} notes")
        return original(self, avail_width, avail_height)

    monkeypatch.setattr(Paragraph, "wrap", counting)
    data = _write(_many_notes(count))
    monkeypatch.setattr(Paragraph, "wrap", original)
    return calls, data


def test_footnote_layout_grows_linearly_with_the_number_of_notes(monkeypatch):
    """400 notes in one paragraph: ten times the notes of 40 may cost about ten times the wraps, not a hundred."""
    few, _ = _count_note_wraps(monkeypatch, 40)
    many, data = _count_note_wraps(monkeypatch, 400, budget=20 * few)
    assert many <= 20 * few, (few, many)
    text = _squeezed(data)
    missing = [i for i in range(400) if f"NOTE{i}END" not in text]
    assert not missing, missing[:10]
    assert text.count("NOTE") == 400  # each note printed once


def test_many_notes_in_a_card_are_laid_out_in_linear_time(monkeypatch):
    """A recommendation card whose rationale cites 300 works: the card's splits must not re-measure everything."""
    from reportlab.platypus import Paragraph as RLParagraph

    from briefgen.model import Box, Heading, Text

    body = _many_notes(300)
    blocks = [Box(("card", "high"), (Heading(3, (Text("X-1 · CARD"),)), *body))]
    original = RLParagraph.wrap
    calls = 0

    def counting(self, avail_width, avail_height):
        nonlocal calls
        calls += 1
        if calls > 10_000:  # linear layout takes under a thousand; the quadratic one hundreds of thousands
            raise TooManyWraps(calls)
        return original(self, avail_width, avail_height)

    monkeypatch.setattr(RLParagraph, "wrap", counting)
    data = _write(blocks)
    monkeypatch.setattr(RLParagraph, "wrap", original)
    text = _squeezed(data)
    assert [i for i in range(300) if f"NOTE{i}END" not in text] == []


def test_a_list_item_citing_more_notes_than_a_page_holds_is_split_and_keeps_every_note():
    """Its notes are taller than a page: the item may not wait for a page with room for them all."""
    from briefgen.model import ListBlock

    text = _squeezed(_write([ListBlock((tuple(_many_notes(250)),))]))
    assert [i for i in range(250) if f"NOTE{i}END" not in text] == []
    assert text.count("NOTE") == 250


# ---------------------------------------------------------------- tables and narrow columns


def test_a_table_of_fifty_columns_renders_every_cell():
    header = "| " + " | ".join(f"H{i}" for i in range(50)) + " |\n|" + "---|" * 50 + "\n"
    row = "| " + " | ".join(f"c{i}" for i in range(50)) + " |\n"
    text = _squeezed(_markdown_pdf(header + row))
    for i in range(50):
        assert f"H{i}" in text and f"c{i}" in text, i


LONG = "x" * 5000


@pytest.mark.parametrize(
    ("markdown", "others"),
    [
        (f"| A | B |\n|---|---|\n| {LONG} | short |\n", ["short"]),
        (
            "| "
            + " | ".join(f"Head{i}" for i in range(8))
            + " |\n|"
            + "---|" * 8
            + f"\n| {LONG} | "
            + " | ".join(f"words{i} in here" for i in range(1, 8))
            + " |\n",
            [f"words{i}" for i in range(1, 8)],
        ),
        (f"| a | b | c |\n|---|---|---|\n| {LONG[:2000]} {LONG[:2000]} {LONG[:1000]} | dee | eff |\n", ["dee", "eff"]),
    ],
    ids=["two-columns", "eight-columns", "three-long-words"],
)
def test_a_five_thousand_character_word_in_a_table_cell_is_printed_whole(markdown, others):
    """The long word breaks over lines, possibly over pages; the other columns keep room for their words."""
    text = _text(_markdown_pdf(markdown))
    assert text.count("x") == 5000
    for word in others:
        assert word in text, word  # whole on one line: its column was not squeezed to a sliver


def test_a_long_word_in_a_narrow_column_of_a_box_is_printed_whole():
    table = "| " + " | ".join(f"K{i}" for i in range(12)) + " |\n|" + "---|" * 12 + "\n| " + "x" * 5000 + " |\n"
    data = _markdown_pdf("::: card high\n### Z-1 · Narrow\n\n" + table + ":::\n")
    assert _text(data).count("x") == 5000
    assert all(f"K{i}" in _squeezed(data) for i in range(12))


def test_a_table_without_cells_prints_nothing_and_does_not_fail():
    from briefgen.model import Paragraph, Table, Text

    text = _text(_write([Table((), ()), Table((), ((), ())), Paragraph((Text("AFTER the tables"),))]))
    assert "AFTER the tables" in text


@pytest.mark.parametrize("kind", ["quote", "box", "list"])
def test_deeply_nested_blocks_keep_their_text(kind):
    """Each level indents; past the page's width the indents stop, and the text still prints."""
    from briefgen.model import Box, ListBlock, Paragraph, Quote, Text

    blocks = (Paragraph((Text("DEEPEST words of the innermost block"),)),)
    for i in range(40):
        if kind == "quote":
            blocks = (Quote(blocks),)
        elif kind == "box":
            blocks = (Box(("keymessages",), blocks),)
        else:
            blocks = (ListBlock(((Paragraph((Text(f"LEVEL{i}"),)), *blocks),)),)
    text = _squeezed(_write(blocks))
    assert "DEEPESTwordsoftheinnermostblock" in text
    if kind == "list":
        assert all(f"LEVEL{i}" in text for i in range(40))


# ---------------------------------------------------------------- links and notes in headings


def _internal_links(data: bytes) -> list[str]:
    """The named destinations the PDF's link annotations point to."""
    out = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if "/Dest" in annot:
                out.append(annot["/Dest"])
    return out


def test_a_link_to_an_anchor_that_does_not_exist_prints_its_words():
    data = _markdown_pdf("See [the nowhere section](#nowhere) and [the web](https://example.org).\n")
    text = re.sub(r"\s+", " ", _text(data))
    assert "See the nowhere section and the web." in text
    uris = [
        a.get_object()["/A"]["/URI"]
        for p in pypdf.PdfReader(io.BytesIO(data)).pages
        for a in p.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert uris == ["https://example.org"]


def test_a_note_in_a_heading_links_to_its_note_at_the_foot_of_the_page():
    from briefgen.model import Heading, Note, Paragraph, Text

    note = Note((Paragraph((Text("HEADNOTE text of the note."),)),))
    data = _write([Heading(2, (Text("Follow"), note)), Paragraph((Text("Body text."),))])
    lines = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().splitlines()
    assert any(line.startswith("Follow") and line.rstrip().endswith("1") for line in lines), lines
    assert any(line.startswith("1") and "HEADNOTE text of the note." in line for line in lines), lines
    assert len(_internal_links(data)) == 2  # marker to note, note back to marker


def test_a_heading_citing_more_notes_than_a_page_holds_leaves_no_blank_page():
    from briefgen.model import Heading, Note, Paragraph, Text

    inlines = [x for i in range(80) for x in (Text(f"w{i} "), Note((Paragraph((Text(f"HN{i}END"),)),)))]
    pages = [
        re.sub(r"\s+", "", p.extract_text())
        for p in pypdf.PdfReader(io.BytesIO(_write([Heading(2, tuple(inlines))]))).pages
    ]
    assert "w0" in pages[0] and "HN0END" in pages[0]  # the heading and its first notes open the brief
    text = "".join(pages)
    assert [i for i in range(80) if text.count(f"HN{i}END") != 1] == []


def test_a_citation_in_a_group_heading_builds_a_practitioner_pdf(tmp_path, monkeypatch):
    """`group: Follow [@doe2020]` with footnote citations: the heading's marker links to its note."""
    from briefgen.bibliography import load_bibliography
    from briefgen.cli import cli

    monkeypatch.chdir(tmp_path)
    brief = MINIMAL_BRIEF.replace("group: Regional security", "group: Follow [@doe2020]").replace(
        "here [@doe2020].", "here [@doe2020]. See [the annex](#nowhere)."
    )
    write_brief(tmp_path, brief)
    (tmp_path / "refs.bib").write_text(REFERENCES_BIB, encoding="utf-8")
    load_bibliography.cache_clear()
    try:
        result = CliRunner().invoke(
            cli, ["build", "brief.yaml", "--bib", "refs.bib", "-o", "out", "-a", "practitioner", "-f", "pdf"]
        )
    finally:
        load_bibliography.cache_clear()
    assert result.exit_code == 0, result.output
    (pdf,) = (tmp_path / "out").rglob("*.pdf")
    text = re.sub(r"\s+", " ", _text(pdf.read_bytes()))
    assert re.search(r"Follow ?2", text) and "See the annex." in text  # the heading's marker; the link's words
    assert len(_internal_links(pdf.read_bytes())) == 4  # two markers to their notes, two notes back
