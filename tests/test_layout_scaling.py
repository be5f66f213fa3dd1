"""PDF layout time grows linearly with the brief (tracker: super-linear layout from a 10 KB brief).

A paragraph citing thousands of notes, quotes nested thousands deep, a word longer than a
page and boxes nested hundreds deep each took minutes: every page broke the rest of a
paragraph into lines again, or every level of a box measured all it held again. Each case
is timed here at N and 4N: four times the input may take about four times as long (the
bound, 8x, leaves room for noise), where the quadratic layout took 10 to 80 times as long.

Also: layout has a time budget, after which the writer stops with one line naming what it
was laying out; what no page can hold is named the same way, never reportlab's LayoutError.
"""

from __future__ import annotations

import copy
import io
import pickle
import re
import time

import pypdf
import pytest
from click.testing import CliRunner

from helpers_briefs import MINIMAL_BRIEF, REFERENCES_BIB, write_brief

# time(4N) / time(N) allowed. Linear is 4, a loaded 2-core machine adds up to half as much again
# (a quote nested 4N deep measured 3.6-6.4x); quadratic is 16, and the old layout took 8 to 55x.
GROWTH = 8.0


def _document(markdown: str, audience: str = "practitioner"):
    from briefgen.markdown import parse_markdown
    from briefgen.model import Document, Metadata

    return Document(Metadata(title="Scaling", audience=audience), parse_markdown(markdown))


def _write(markdown: str, **kwargs) -> bytes:
    from briefgen.design import theme
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.pdf import write

    return write(_document(markdown), theme(Style()), Assets(), **kwargs).data


def _seconds(markdown: str) -> float:
    """The best of three runs' CPU time: what the layout needs, not what the machine's other work adds
    (wall time once measured a quote nested 2,000 deep at 8.4x the 500-deep one on a busy CI machine)."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        _write(markdown)
        best = min(best, time.process_time() - start)
    return best


def _text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def _notes(n: int) -> str:
    return "".join(f"Claim {i} holds.^[Doe, Water and Borders, p. {i}: N{i}E.] " for i in range(n))


def _deep_quote(n: int) -> str:
    return "> " * n + "DEEPEST"


def _quote_paragraphs(n: int) -> str:
    return "\n\n".join(f"> quote {i}" for i in range(n))


def _long_word(n: int) -> str:
    return "Before " + "w" * n + " after."


def _nested_cards(n: int) -> str:
    """Cards nested n deep, each line of the innermost a word wider than a line (the tracker's brief)."""
    lines = "".join(f"line {i} {':' * 300} card high\n" for i in range(n))
    return "::: card high\n" * n + "\n" + lines + "\n" + ":::\n" * n


@pytest.fixture(scope="module", autouse=True)
def _warm():
    _write("Fonts registered, modules imported.")  # the first PDF pays for these


@pytest.mark.parametrize(
    ("make", "n"),
    [
        (_notes, 250),
        (_deep_quote, 1000),  # at 500 the small case is 30 ms, where a pause is a fifth of it
        (_quote_paragraphs, 150),
        (_long_word, 20_000),
        (_nested_cards, 60),
    ],
    ids=["notes-in-one-paragraph", "quote-nested-n-deep", "quote-paragraphs", "long-word", "nested-cards"],
)
def test_layout_time_grows_linearly(make, n):
    small, large = _seconds(make(n)), _seconds(make(4 * n))
    assert large < GROWTH * small, f"N={n}: {small:.3f} s, 4N: {large:.3f} s ({large / small:.1f}x)"


def test_a_paragraph_citing_five_hundred_notes_prints_each_once():
    text = _text(_write(_notes(500)))
    assert [i for i in range(500) if text.count(f"N{i}E") != 1] == []


def test_quotes_nested_thousands_deep_keep_their_text():
    text = _text(_write(_deep_quote(3000)))
    assert "DEEPEST" in text and text.count(">") > 2000  # clamped: the levels not drawn print as text


def test_a_word_of_forty_thousand_letters_is_printed_whole():
    text = _text(_write(_long_word(40_000)))
    assert text.count("w") == 40_000 and "Before" in text and "after." in text


# ---------------------------------------------------------------- lines broken once, as reportlab would


def _long_paragraph():
    from reportlab.lib.styles import ParagraphStyle

    from briefgen.writers.pdf.footnotes import TaggedParagraph

    words = []
    for i in range(600):
        words.append(f'word{i} <b>bold</b> <a href="https://example.org/{i}">link</a>')
        if i % 97 == 0:
            words.append("x" * 120)  # wider than a line: split over two
        if i % 53 == 0:
            words.append("soft\u00adhyph\u00adenated")
    return TaggedParagraph(" ".join(words), ParagraphStyle("s", fontSize=10, leading=12))


def _signature(paragraph) -> list:
    """A paragraph's lines as drawn: each word's text and style, the space left; not the empty
    fragments reportlab leaves where it joined and split a long word again (they draw nothing)."""
    out = []
    for line in paragraph.blPara.lines:
        words = [w for w in line.words if w.text or hasattr(w, "cbDefn")]
        out.append(
            (
                round(line.extraSpace, 5),
                line.wordCount,
                bool(line.lineBreak),
                [(w.text, w.fontName, w.fontSize) for w in words],
            )
        )
    return out


@pytest.mark.parametrize("room", [100, 250, 400])
def test_the_rest_of_a_split_paragraph_keeps_the_lines_reportlab_would_break_it_into(room):
    """rlhooks.LinesKept: the second part goes on with its whole's lines (no breaking again, page
    after page); they must be the lines reportlab breaks that part into. This fails if a reportlab
    upgrade breaks lines differently from the start of a line than in the middle of a paragraph."""
    from reportlab.platypus import Paragraph

    para = _long_paragraph()
    para.wrap(300, 10_000)
    _, rest = para.split(300, room)
    while True:
        assert rest.goes_on_with_lines()
        fresh = copy.copy(rest)
        fresh.__dict__ = {k: v for k, v in rest.__dict__.items() if k not in ("blPara", "_briefgen_lines")}
        fresh.frags = list(rest.frags)
        Paragraph.wrap(fresh, 300, 10_000)
        assert _signature(rest) == _signature(fresh)
        parts = rest.split(300, room)
        if len(parts) < 2:
            break
        _, rest = parts
    assert rest.wrap(300, 10_000)[1] <= room  # the last part is the rest of the paragraph


def test_a_paragraph_is_broken_into_lines_once_per_width(monkeypatch):
    from reportlab.platypus import Paragraph

    para = _long_paragraph()
    calls = 0
    original = Paragraph.breakLines

    def counting(self, width):
        nonlocal calls
        calls += 1
        return original(self, width)

    monkeypatch.setattr(Paragraph, "breakLines", counting)
    for _ in range(5):
        para.wrap(300, 10_000)
        assert para.split(300, 1) == []  # refused: reportlab drops its lines, which are kept all the same
    assert calls == 1


# ---------------------------------------------------------------- a budget, and errors naming the construct


def test_layout_that_takes_too_long_stops_with_an_error_naming_the_construct():
    from briefgen.writers.pdf import LayoutFailed

    with pytest.raises(LayoutFailed) as caught:
        _write(_notes(300), layout_seconds=0.0)
    message = caught.value.format_message()
    assert message.startswith('practitioner PDF: a paragraph citing 300 notes (beginning "Claim 0'), message
    assert "took longer than 0 s to lay out" in message and "\n" not in message
    again = pickle.loads(pickle.dumps(caught.value))  # from a worker process: the same line
    assert again.format_message() == message
    placed = caught.value.at("briefs/b.yaml").format_message()  # the build knows the brief, the writer not
    assert placed.startswith("briefs/b.yaml: practitioner PDF: a paragraph citing 300 notes"), placed


def test_what_no_page_can_hold_is_named_not_reported_as_reportlab_layout_error(monkeypatch):
    from briefgen.writers.pdf import LayoutFailed
    from briefgen.writers.pdf.body import FramedBox

    monkeypatch.setattr(FramedBox, "split", lambda self, w, h: [])  # a box that cannot split at all
    with pytest.raises(LayoutFailed) as caught:
        _write("::: card high\n### C-1 · Tall\n\n" + "\n\n".join(f"Line {i}." for i in range(200)) + "\n:::\n")
    message = caught.value.format_message()
    assert message.startswith('practitioner PDF: a card box (beginning "C-1 · Tall'), message
    assert "does not fit on a page" in message and "FramedBox" not in message


def test_boxes_nested_deeper_than_a_page_holds_their_paddings_are_laid_out():
    """Fifty cards nested in one another: clamped to the depth drawn, the innermost holds the rest;
    the paddings of a dozen levels are taller than what is left of a page: squeezed, not an error."""
    markdown = "".join(f"::: card high\ntext {i}\n\n" for i in range(50)) + ":::\n" * 50
    text = _text(_write(markdown))
    assert all(f"text{i}" in text for i in range(50))


def test_five_hundred_nested_cards_in_a_brief_build_without_an_internal_error(tmp_path, monkeypatch):
    from briefgen.bibliography import load_bibliography
    from briefgen.cli import cli

    monkeypatch.chdir(tmp_path)
    body = "".join(f"::: card high\ntext {i}\n\n" for i in range(500)) + ":::\n" * 500
    indented = "".join(f"      {line}\n" if line else "\n" for line in body.split("\n"))
    write_brief(tmp_path, MINIMAL_BRIEF + "sections:\n  - title: Nested\n    body: |\n" + indented)
    (tmp_path / "refs.bib").write_text(REFERENCES_BIB, encoding="utf-8")
    load_bibliography.cache_clear()
    try:
        result = CliRunner().invoke(
            cli, ["build", "brief.yaml", "--bib", "refs.bib", "-o", "out", "-a", "practitioner", "-f", "pdf"]
        )
    finally:
        load_bibliography.cache_clear()
    assert "internal error" not in result.output
    assert result.exit_code == 0, result.output
    (pdf,) = (tmp_path / "out").rglob("*.pdf")
    text = _text(pdf.read_bytes())
    assert "text0" in text and "text499" in text


def test_the_build_names_the_brief_whose_output_cannot_be_laid_out_and_writes_nothing(tmp_path, monkeypatch):
    from briefgen.bibliography import load_bibliography
    from briefgen.cli import cli
    from briefgen.writers.pdf.body import FramedBox

    monkeypatch.setattr(FramedBox, "split", lambda self, w, h: [])  # a box that cannot split at all
    monkeypatch.chdir(tmp_path)
    body = "::: card high\n### C-1 · Tall\n\n" + "\n\n".join(f"Line {i}." for i in range(200)) + "\n:::\n"
    indented = "".join(f"      {line}\n" if line else "\n" for line in body.split("\n"))
    write_brief(tmp_path, MINIMAL_BRIEF + "sections:\n  - title: Tall\n    body: |\n" + indented)
    (tmp_path / "refs.bib").write_text(REFERENCES_BIB, encoding="utf-8")
    load_bibliography.cache_clear()
    try:
        result = CliRunner().invoke(
            cli,
            ["build", "brief.yaml", "--bib", "refs.bib", "-o", "out", "-a", "practitioner", "-f", "pdf", "-f", "docx"],
        )
    finally:
        load_bibliography.cache_clear()
    assert result.exit_code == 1
    line = 'brief.yaml: practitioner PDF: a card box (beginning "C-1 · Tall") does not fit on a page'
    assert line in result.output, result.output
    assert "internal error" not in result.output and "LayoutError" not in result.output
    assert not (tmp_path / "out").exists()  # the DOCX that was made is not written without the PDF
