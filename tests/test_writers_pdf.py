"""The PDF writer, checked on the sample brief's real output with pypdf."""

from __future__ import annotations

import io
import re
import subprocess

import pypdf
import pytest

from conftest import require_program

TITLES = [
    "Convene a standing multilateral forum on water management",
    "Put outstanding border disputes on a multilateral agenda",
    "Launch regional confidence-building measures to curb the arms race",
    "Deliver promised democratic reforms at home and regionally",
    "Promote regional economic reconstruction linking Afghanistan and Central Asia",
    "Help harmonise Russian, SCO and NATO activities in Afghanistan",
    "Uphold ODIHR’s integrity, mandate and election-observation methods",
    "Defend OSCE commitments against Russian attempts to dilute them",
    "Promote norm-based solutions for minorities in the former USSR",
    "Restore an OSCE presence in Georgia without conceding recognition",
]
HIGH = [TITLES[0], TITLES[3], TITLES[6], TITLES[7]]


def reader(outputs: dict[str, bytes], audience: str) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(outputs[f"kazakhstan-osce-2010_{audience}.pdf"]))


def flat_text(pdf: pypdf.PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))


def test_the_practitioner_brief_holds_every_recommendation_title_in_order(sample_outputs):
    text = flat_text(reader(sample_outputs, "practitioner"))
    positions = [text.find(f"· {title}") for title in TITLES]
    assert -1 not in positions, [t for t, p in zip(TITLES, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


def test_the_policymaker_brief_has_at_most_two_pages_and_only_high_priority_items(sample_outputs):
    pdf = reader(sample_outputs, "policymaker")
    text = flat_text(pdf)
    assert len(pdf.pages) <= 2
    for title in HIGH:
        assert title in text
    for title in set(TITLES) - set(HIGH):
        assert title not in text
    assert "The full brief has 6 further recommendations" in text


def test_the_press_brief_shows_no_citation_markers_but_a_sources_list(sample_outputs):
    text = flat_text(reader(sample_outputs, "press"))
    assert "Sources" in text
    assert "Zagorski" in text  # in the sources list
    assert not re.search(r"\(\w+ \d{4}\)", text)  # no author-date markers
    assert "Ibid" not in text


def test_fonts_are_embedded_and_subset(sample_outputs):
    for audience in ("policymaker", "practitioner", "press", "academic"):
        pdf = reader(sample_outputs, audience)
        for page in pdf.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                assert re.match(r"/[A-Z]{6}\+", font["/BaseFont"]), font["/BaseFont"]
                descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
                for d in descendants:
                    assert "/FontFile2" in d["/FontDescriptor"], font["/BaseFont"]


def test_pdffonts_reports_only_embedded_subset_fonts(sample_dir):
    pdffonts = require_program("pdffonts")
    for pdf in sorted(sample_dir.glob("*.pdf")):
        lines = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert lines
        for line in lines:
            name, emb, sub = line.split()[0], line.split()[-5], line.split()[-4]
            assert (emb, sub) == ("yes", "yes"), line
            assert re.match(r"[A-Z]{6}\+Noto", name), line


def test_metadata_come_from_the_brief(sample_outputs):
    pdf = reader(sample_outputs, "practitioner")
    meta = pdf.metadata
    assert meta.title == "Kazakhstan’s OSCE Chairmanship 2010: Where Astana Can Make a Difference"
    assert meta.subject == "Ten priorities for Central Asia, Afghanistan and Europe"
    assert "ODIHR" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20100115")
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def _outline_titles(items) -> list[str]:
    out = []
    for item in items:
        out.extend(_outline_titles(item) if isinstance(item, list) else [item.title])
    return out


def test_the_outline_mirrors_the_headings(sample_outputs):
    titles = _outline_titles(reader(sample_outputs, "practitioner").outline)
    assert titles[:4] == ["Key messages", "Summary", "Recommendations", "Central Asia"]  # recommendations up front
    assert titles.index("A chairmanship won on geopolitics") > titles.index("EU-4 · " + TITLES[-1])  # then context
    assert "References" in titles
    assert [t for t in titles if " · " in t] == [
        f"{rid} · {title}"
        for rid, title in zip(
            ["CA-1", "CA-2", "CA-3", "CA-4", "AF-1", "AF-2", "EU-1", "EU-2", "EU-3", "EU-4"], TITLES, strict=True
        )
    ]


def test_footnotes_sit_on_the_page_that_cites_them(sample_outputs):
    """Each marker links to its note and each note back to its marker: all on the same page."""
    pdf = reader(sample_outputs, "practitioner")
    internal_links = 0
    for number, page in enumerate(pdf.pages):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if "/Dest" in annot:
                internal_links += 1
                target = annot["/Dest"][0].idnum
                assert target == page.indirect_reference.idnum, f"a note link on page {number + 1} leaves it"
    assert internal_links >= 2 * 20  # the sample's practitioner brief has over 20 notes


def _note_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if re.match(r"^\d{1,2} [A-ZА-Я“]", line)]


def test_notes_are_printed_at_the_foot_of_the_page(sample_outputs):
    pdf = reader(sample_outputs, "practitioner")
    pages = [p.extract_text().splitlines() for p in pdf.pages]
    lines = max(pages, key=lambda page: len(_note_lines(page)))  # the page citing most
    footer = next(i for i, line in enumerate(lines) if line.startswith("Policy Brief No. 3"))
    note_lines = _note_lines(lines)
    assert note_lines and note_lines[-1] < footer
    numbers = [int(lines[i].split()[0]) for i in note_lines]
    assert numbers == sorted(numbers) and len(numbers) >= 4  # the page's notes, in order, together
    assert note_lines[0] > 5  # body text above the notes
    assert "Zagorski" in " ".join(lines[note_lines[0] : footer])


def test_note_markers_follow_punctuation_without_a_space(sample_outputs):
    pdf = reader(sample_outputs, "practitioner")
    text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "")
    assert re.search(r"Назарбаев\)\.\d+ For Astana", text)  # the marker after the closing parenthesis
    assert not re.search(r"Назарбаев\)\. \d|Назарбаев\)\d", text)


def _long_note_document(sentences: int):
    from briefgen.model import Box, Document, Heading, Metadata, Note, Paragraph, Text

    note = Note(
        (Paragraph((Text("START " + " ".join(f"Sentence {i} of a long note." for i in range(sentences)) + " END"),)),)
    )
    short = Note((Paragraph((Text("SHORT second note."),)),))
    return Document(
        Metadata(title="Long notes"),
        (
            Heading(1, (Text("Context"),)),
            Paragraph((Text("Filler before the marker. " * 60 + "The marker is here."), note, Text(" After." * 40))),
            Heading(2, (Text("Group"),)),
            Box(("card", "high"), (Heading(3, (Text("A · Do it"),)), Paragraph((Text("Because."), short)))),
        ),
    )


@pytest.mark.parametrize("sentences", [300, 500, 800])
def test_a_note_too_long_for_its_page_continues_on_the_next(sentences):
    from briefgen.design import theme
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.pdf import write

    pdf = pypdf.PdfReader(io.BytesIO(write(_long_note_document(sentences), theme(Style()), Assets()).data))
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in pdf.pages]
    start = next(i for i, t in enumerate(pages) if "START" in t)
    assert "The marker is here" in pages[start]  # the note begins on its marker's page
    end = next(i for i, t in enumerate(pages) if "END" in t)
    short = next(i for i, t in enumerate(pages) if "SHORT second note" in t)
    assert end > start and short >= end  # the rest follows, and later notes keep their order
    assert pages[short].find("SHORT") > pages[short].find("END") or short > end
    assert all("Sentence" in t or "Context" in t or "Do it" in t for t in pages)  # no empty page


def _text_x(pdf_bytes: bytes) -> dict[str, float]:
    """Where each shown string starts on page 1, in points from the left edge."""
    found: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.setdefault(text.strip(), cm[4] + tm[4] * cm[0])

    pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text(visitor_text=visit)
    return found


def test_table_columns_follow_the_markdown_alignment():
    from briefgen.design import theme
    from briefgen.markdown import parse_markdown
    from briefgen.model import Document, Metadata
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.pdf import write

    md = (
        "| Left | Right | Centre |\n|:--|--:|:-:|\n| L1 | R1 | C1 |\n"
        "| Lwide text here | Rwide text here | Cwide text here |\n"
    )
    x = _text_x(write(Document(Metadata(title="Align"), parse_markdown(md)), theme(Style()), Assets()).data)
    assert abs(x["L1"] - x["Lwide text here"]) < 1  # left: same start
    assert x["R1"] - x["Rwide text here"] > 20  # right: the short text starts further right
    gap = x["C1"] - x["Cwide text here"]
    assert 10 < gap < x["R1"] - x["Rwide text here"]  # centred: half way


def test_the_reportlab_internals_briefgen_relies_on_are_still_there():
    """rlhooks.py is the only code reading reportlab's private state; this fails if reportlab changes it."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, KeepTogether, ListFlowable, ListItem, Paragraph, Table

    from briefgen.writers.pdf.rlhooks import (
        anchors_in,
        fix_creation_date,
        frame_cursor,
        nested_flowables,
        set_row_split_range,
    )

    frame = Frame(0, 0, 200, 400, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    canv = Canvas(io.BytesIO())
    assert frame_cursor(frame) == (400, True)
    text = 'One <a name="refnote0001"/><super>1</super> two ' + "filler words " * 60 + '<a name="refnote0002"/>end'
    para = Paragraph(text, ParagraphStyle("s"))
    assert frame.add(para, canv)
    y, at_top = frame_cursor(frame)
    assert 0 < y < 400 and not at_top
    frame.bottomPadding = y - 1  # the public edge the note area raises: now nothing more fits
    assert not frame.add(Paragraph("more", ParagraphStyle("s")), canv)

    assert anchors_in(Paragraph(text, ParagraphStyle("s"))) == {"refnote0001", "refnote0002"}
    first, second = Paragraph(text, ParagraphStyle("s")).split(200, 40)
    assert anchors_in(first) == {"refnote0001"} and anchors_in(second) == {"refnote0002"}

    inner = Paragraph("inner", ParagraphStyle("s"))
    assert nested_flowables(Table([[[inner]]])) == [inner]
    assert nested_flowables(KeepTogether([inner])) == [inner]
    listed = ListFlowable([ListItem([inner])])
    assert inner in [f for child in nested_flowables(listed) for f in [child, *nested_flowables(child)]]

    fix_creation_date(canv, 1262304000)
    assert canv._doc._timeStamp.YMDhms[:3] == (2010, 1, 1)

    def split_heights(bounds):
        table = Table([["head"], *[[f"row {i}"] for i in range(8)]], rowHeights=18, repeatRows=1)
        table.wrap(100, 1000)
        set_row_split_range(table, bounds)
        return [part.wrap(100, 1000)[1] for part in table.split(100, 130)]

    assert split_heights(None) == [7 * 18, 3 * 18]  # header and six rows fit; two rows and the header go on
    assert split_heights((4, -3)) == [6 * 18, 4 * 18]  # three rows at least go on with the header


def test_the_reportlab_internals_tagging_relies_on_are_still_there():
    """Marked content goes into a paragraph's text object, in order with its text, from `<onDraw>` callbacks."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import ListItem, Paragraph

    from briefgen.writers.pdf.rlhooks import (
        LabelledList,
        add_text_operator,
        register_callback,
        remove_text_operator,
        text_object_drawing,
        text_shown_since,
    )

    canv = Canvas(io.BytesIO())
    seen = []

    def callback(c, kind, label):
        tx = text_object_drawing(c)
        seen.append((label, tx is not None and text_shown_since(tx, 0)))
        add_text_operator(tx, f"/{label} BMC")

    register_callback(canv, "mark", callback)
    para = Paragraph('<onDraw name="mark" label="A"/>one two <onDraw name="mark" label="B"/>three', ParagraphStyle("s"))
    para.wrap(300, 100)
    para.drawOn(canv, 0, 0)
    code = " ".join(canv._code)
    assert seen == [("A", False), ("B", True)]
    assert re.search(r"BT .*/A BMC .*\(one two ?\) Tj.* /B BMC .*\(three\) Tj.* ET", code)

    tx = canv.beginText(0, 0)
    at = add_text_operator(tx, "/P BDC")
    assert not text_shown_since(tx, at)
    tx.textOut("x")
    assert text_shown_since(tx, at)
    remove_text_operator(tx, at)
    assert "/P BDC" not in tx.getCode()

    made = []
    listed = LabelledList(
        [ListItem([Paragraph("a", ParagraphStyle("s"))]), ListItem([Paragraph("b", ParagraphStyle("s"))])],
        label=lambda drawer: made.append(drawer) or drawer,
    )
    listed.split(200, 200)  # its items, each with the bullet drawer `label` returned
    assert [d.value for d in made] == [1, 2]  # one bullet drawer per item, in order


# ---------------------------------------------------------------- page breaks (issue 9, classes 6 and 10)


def _pdf(markdown: str, title: str = "Layout") -> bytes:
    from briefgen.design import theme
    from briefgen.markdown import parse_markdown
    from briefgen.model import Document, Metadata
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.pdf import write

    return write(Document(Metadata(title=title), parse_markdown(markdown)), theme(Style()), Assets()).data


def _page_texts(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def _filler(lines: int) -> str:
    """About `lines` lines of body text, one short paragraph each, to push what follows down a page."""
    return "\n\n".join(f"Filler paragraph {i} with words enough to fill most of one line." for i in range(lines))


LONG_RATIONALE = "\n\n".join(
    f"RATIO{k} " + " ".join(f"Sentence {i} of paragraph {k} in a long rationale." for i in range(8)) for k in range(14)
)
LONG_CARD = (
    "::: card high\n### X-1 · CARDTITLE of a long card\n\n**Priority:** High · **Who:** Everyone\n\n"
    f"{LONG_RATIONALE}\n:::\n"
)


def _stroke_colours(page: pypdf.PageObject) -> set[tuple[float, float, float]]:
    """The RGB stroke colours a page's content sets (`r g b RG`), rounded."""
    data = page.get_contents().get_data().decode("latin-1")
    return {tuple(round(float(x), 2) for x in m) for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) RG", data)}


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return tuple(round(int(hex_colour[i : i + 2], 16) / 255, 2) for i in (1, 3, 5))


@pytest.mark.parametrize(
    ("markdown", "bar", "first", "last"),
    [
        (LONG_CARD, "high", "CARDTITLE", "Sentence 7 of paragraph 13"),
        (
            "::: keymessages\n**Key messages**\n\n"
            + "\n".join(f"- Message number {i} says something about the chairmanship." for i in range(60))
            + "\n:::\n",
            "accent",
            "Message number 0 ",
            "Message number 59 ",
        ),
        (
            "> " + " ".join(f"Quoted sentence {i} of a quote two pages long." for i in range(400)),
            "accent",
            "Quoted sentence 0 ",
            "Quoted sentence 399 ",
        ),
    ],
    ids=["card", "sixty-key-messages", "quote"],
)
def test_a_box_taller_than_a_page_splits_and_its_bar_continues(markdown, bar, first, last):
    from briefgen.design import theme
    from briefgen.style import Style

    data = _pdf(markdown + "\n\nAfter the box.\n")
    pages = _page_texts(data)
    assert len(pages) >= 2 and first in pages[0] and last in pages[-1] and "After the box." in pages[-1]
    colours = theme(Style()).colours
    bar_rgb = _rgb(getattr(colours, bar))
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        assert bar_rgb in _stroke_colours(page)  # the bar is drawn on every page the box runs over


def test_a_split_card_keeps_its_title_priority_line_and_first_lines_together():
    for lines in range(14, 44, 3):
        pages = _page_texts(_pdf(f"{_filler(lines)}\n\n## GROUPHEAD\n\n{LONG_CARD}"))
        start = next(i for i, t in enumerate(pages) if "CARDTITLE" in t)
        assert "GROUPHEAD" in pages[start], lines  # the group heading never ends the page before
        assert "Priority: High" in pages[start] and "RATIO0 Sentence 0 of paragraph 0" in pages[start], lines
        assert "Sentence 7 of paragraph 13" in pages[-1]


@pytest.mark.parametrize("follows", ["paragraph", "table", "list", "box"])
def test_no_page_ends_with_a_heading(follows):
    after = {
        "paragraph": "First words after the heading " + "and more words " * 40,
        "table": "| No. | Action |\n|---|---|\n" + "\n".join(f"| ROW{i} | Action {i} |" for i in range(1, 9)),
        "list": "\n".join(f"- First words after the heading, item {i} " + "and more " * 20 for i in range(4)),
        "box": "::: keymessages\nFirst words after the heading " + "and more words " * 150 + "\n:::",
    }[follows]
    for lines in range(24, 36):
        pages = _page_texts(_pdf(f"{_filler(lines)}\n\n#### HEADINGX\n\n{after}\n"))
        page = next(t for t in pages if "HEADINGX" in t)
        assert "First words after the heading" in page or "ROW1" in page, (follows, lines)


def _rows_per_page(pages: list[str], rows: int) -> list[int]:
    return [sum(1 for i in range(1, rows + 1) if re.search(rf"\bROW{i}\b", t)) for t in pages]


def test_a_table_splits_only_with_three_rows_on_either_side_and_repeats_its_header():
    eight = "| No. | Action |\n|---|---|\n" + "\n".join(f"| ROW{i} | Action {i} |" for i in range(1, 9))
    splits = set()
    for lines in range(20, 36):
        pages = _page_texts(_pdf(f"{_filler(lines)}\n\n{eight}\n"))
        counts = [n for n in _rows_per_page(pages, 8) if n]
        assert sum(counts) == 8 and all(n >= 3 for n in counts), (lines, counts)
        assert all(t.count("No. Action") == 1 for t, n in zip(pages, _rows_per_page(pages, 8), strict=True) if n)
        splits.add(tuple(counts))
    assert {(3, 5), (4, 4), (5, 3)} & splits  # the sweep did cross a page foot


def test_a_table_of_five_rows_never_splits():
    five = "| No. | Action |\n|---|---|\n" + "\n".join(f"| ROW{i} | Action {i} |" for i in range(1, 6))
    for lines in range(20, 36):
        pages = _page_texts(_pdf(f"{_filler(lines)}\n\n{five}\n"))
        assert [n for n in _rows_per_page(pages, 5) if n] == [5], lines


def test_a_short_list_item_is_never_split_across_pages():
    """The policymaker brief's actions: a title, a rationale and a "Who/When" line, one paragraph each."""
    items = "\n".join(
        f"{i}. **TITLE{i} of an action.** A rationale for the action that runs over a line: "
        "it explains why, for whom, and what happens if nobody acts in time.\\\n"
        f"   *Who:* Ministries, agencies, partners and a long list of other actors, from the region "
        f"and beyond it, each with a part · *When:* WHEN{i}"
        for i in range(1, 7)
    )
    for lines in range(26, 38):
        pages = _page_texts(_pdf(f"{_filler(lines)}\n\n{items}\n"))
        for i in range(1, 7):
            assert next(p for p, t in enumerate(pages) if f"TITLE{i}" in t) == next(
                p for p, t in enumerate(pages) if f"WHEN{i}" in t
            ), (lines, i)


def test_display_titles_end_with_two_words_and_balanced_lines():
    heading = "Kazakhstan’s chairmanship of the OSCE in 2010 and what it means for water borders"
    title = heading + " security"  # unbalanced, the band's last line is "security", the heading's "borders"
    data = _pdf(f"## {heading}\n\nBody.\n", title=title)
    lines = [
        line.replace("\xa0", " ").strip()
        for line in pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().splitlines()
    ]
    lines = lines[: lines.index("Body.")]
    split = next(i for i in range(len(lines)) if " ".join(lines[: i + 1]) == title) + 1
    for shown in (lines[:split], lines[split:]):  # the title band, the heading
        assert len(shown) >= 2 and " ".join(shown) in (title, heading), lines
        assert len(shown[-1].split()) >= 2, shown  # never one word alone
        assert len(shown[-1]) > 0.4 * max(len(line) for line in shown), shown  # balanced: no stub last line


def test_inline_code_is_set_in_the_bundled_mono_font():
    page = pypdf.PdfReader(io.BytesIO(_pdf("Run `make brief` now.\n"))).pages[0]
    fonts = [f.get_object()["/BaseFont"] for f in page["/Resources"]["/Font"].values()]
    assert any("NotoSansMono" in f for f in fonts), fonts


def test_a_note_in_a_list_item_is_printed_once():
    from briefgen.design import theme
    from briefgen.markdown import parse_markdown
    from briefgen.model import Document, Metadata
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.pdf import write

    md = "::: keymessages\n### Key\n\n- One.^[Note one.]\n- Two.^[Note two.]\n:::\n\n- Three.^[Note three.]\n"
    data = write(Document(Metadata("Listed notes"), parse_markdown(md)), theme(Style()), Assets()).data
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert [text.count(f"Note {n}.") for n in ("one", "two", "three")] == [1, 1, 1]


def test_the_quick_refusal_to_split_agrees_with_reportlab():
    """rlhooks.split_must_fail repeats Paragraph.split's orphan test without breaking lines; it must agree."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from briefgen.writers.pdf.rlhooks import split_must_fail

    text = "Words enough to run over several lines of a narrow column. " * 6
    seen = set()
    for leading in (12.0, 13.7):
        style = ParagraphStyle("s", fontSize=10, leading=leading)
        for height in [x / 2 for x in range(-4, 90)]:
            para = Paragraph(text, style)
            para.wrap(120, 1000)
            predicted = split_must_fail(Paragraph(text, style), 120, height)
            seen.add(predicted)
            assert predicted == (para.split(120, height) == [] and height >= 1e-8 and not hasattr(para, "blPara")), (
                leading,
                height,
            )
    assert seen == {True, False}


def test_a_child_split_in_its_containers_frame_sees_that_frame_only_while_it_splits():
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Flowable, Frame

    from briefgen.writers.pdf.rlhooks import frame_of, split_in_frame_of

    seen = []

    class Child(Flowable):
        def split(self, avail_width, avail_height):
            seen.append(frame_of(self))
            return []

    frame, box, child = Frame(0, 0, 100, 100), Flowable(), Child()
    box._frame = frame  # as Frame sets it on what it places
    assert split_in_frame_of(box, child, Canvas(io.BytesIO()), 50, 50) == []
    assert seen == [frame] and frame_of(child) is None


def test_the_reportlab_line_internals_word_breaks_rely_on_are_still_there():
    """rlhooks.paragraph_text, line_texts, show_space_after_lines: a paragraph's text, its broken lines, their ends."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    from briefgen.writers.pdf.rlhooks import line_texts, paragraph_text, show_space_after_lines

    style = ParagraphStyle("s", fontName="Helvetica", fontSize=10)
    plain = Paragraph("alpha beta gamma delta", style)  # one style: reportlab's simple lines
    styled = Paragraph('alpha <b>beta</b><br/>gamma <onDraw name="m" label="x"/>delta', style)
    assert paragraph_text(plain) == "alpha beta gamma delta"
    assert paragraph_text(styled) == "alpha betagamma delta"
    plain.wrap(60, 100)
    styled.wrap(60, 100)
    assert line_texts(plain) == [("alpha beta", False), ("gamma delta", False)]
    assert line_texts(styled) == [("alpha beta", True), ("gamma delta", False)]

    canv = Canvas(io.BytesIO())
    hooked = Paragraph("alpha beta gamma delta", style)
    hooked.wrap(60, 100)
    tx = canv.beginText(0, 0)
    show_space_after_lines(tx, [True, False])
    hooked.beginText = lambda x, y: tx
    hooked.drawOn(canv, 0, 0)
    code = " ".join(tx._code)
    assert re.search(r"\(alpha beta\) Tj \( \) Tj T\*.*\(gamma delta\) Tj T\*", code), code


def test_a_shaped_word_may_hold_markers_which_reportlab_alone_cannot_lay_out():
    """rlhooks.keep_callbacks_in_shaped_words: an Arabic word touching a note marker or inside a link.

    The first half pins reportlab's own failure: when a release fixes it, this fails, and the
    hook can go.
    """
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.ttfonts import shapeFragWord as reportlab_shape
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, paragraph

    from briefgen.writers.pdf.glyphs import Glyphs
    from briefgen.writers.pdf.rlhooks import keep_callbacks_in_shaped_words, register_callback
    from briefgen.writers.pdf.styles import register_fonts

    register_fonts()
    glyphs = Glyphs()
    style = ParagraphStyle("s", fontName="NotoSerif-Regular", fontSize=10)
    marker = '<onDraw name="m" label="x"/>'
    markup, shaped = glyphs.fit(f"in مرحبا{marker} and <a href='https://e.org'>{marker}بالعالم{marker}</a>.", style)
    broken = paragraph.shapeFragWord
    try:
        paragraph.shapeFragWord = reportlab_shape
        with pytest.raises((TypeError, IndexError)):
            Paragraph(markup, shaped).wrap(400, 100)
    finally:
        paragraph.shapeFragWord = broken
    keep_callbacks_in_shaped_words()
    para = Paragraph(markup, shaped)
    para.wrap(400, 100)
    canv, calls = Canvas(io.BytesIO()), []
    register_callback(canv, "m", lambda *args: calls.append(args[1:]))
    para.drawOn(canv, 0, 0)
    assert len(calls) == 3, calls  # every marker still drawn


def test_a_lazily_registered_font_is_parsed_when_reportlab_first_asks_for_it() -> None:
    """rlhooks.register_font_lazily wraps pdfmetrics.findFontAndRegister, which getFont calls for a name not
    registered: a canvas and a Paragraph must reach it there. Fails if reportlab looks fonts up another way."""
    from reportlab.lib.fonts import tt2ps
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    from briefgen.fonts import font_file
    from briefgen.writers.pdf.rlhooks import register_font_lazily
    from briefgen.writers.pdf.styles import register_fonts

    loaded: list[str] = []

    def loader(name: str):
        def load() -> None:
            loaded.append(name)
            pdfmetrics.registerFont(TTFont(name, str(font_file("sans", "Regular"))))

        return load

    for name in ("LazyCheck-Get", "LazyCheck-Canvas", "LazyCheck-Paragraph"):
        register_font_lazily(name, loader(name))
    pdfmetrics.registerFontFamily("LazyCheck-Paragraph")  # a Paragraph maps the name to a family before asking
    assert loaded == []
    assert pdfmetrics.getFont("LazyCheck-Get").face.name == b"NotoSans-Regular"
    assert loaded == ["LazyCheck-Get"]
    Canvas(io.BytesIO()).setFont("LazyCheck-Canvas", 10)
    Paragraph("words", ParagraphStyle("lazy", fontName="LazyCheck-Paragraph")).wrap(100, 100)
    assert loaded == ["LazyCheck-Get", "LazyCheck-Canvas", "LazyCheck-Paragraph"]
    register_fonts()  # a bundled face parsed late keeps its family's bold and italic (registerFont maps its own)
    pdfmetrics.getFont("NotoSerif-Regular")
    assert (
        tt2ps("NotoSerif-Regular", 1, 0) == "NotoSerif-Bold" and tt2ps("NotoSerif-Regular", 0, 1) == "NotoSerif-Italic"
    )
