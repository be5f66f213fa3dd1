"""The DOCX writer, checked in the package's XML and through LibreOffice."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
from notepages import libreoffice_pdfs as converted

from conftest import require_program

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def part(outputs: dict[str, bytes], audience: str, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(outputs[f"kazakhstan-osce-2010_{audience}.docx"])) as z:
        return z.read(name).decode("utf-8")


def document(outputs: dict[str, bytes], audience: str) -> docx.document.Document:
    return docx.Document(io.BytesIO(outputs[f"kazakhstan-osce-2010_{audience}.docx"]))


def test_headings_use_word_heading_styles(sample_outputs):
    doc = document(sample_outputs, "practitioner")
    # display titles join their last two words with a no-break space (design.display_title)
    paragraphs = [(p.style.name, p.text.replace("\xa0", " ")) for p in doc.paragraphs]
    headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
    assert ("Heading 1", "Summary") in headings
    assert ("Heading 1", "Recommendations") in headings
    assert ("Heading 2", "Central Asia") in headings
    # recommendation cards are paragraphs in the card's frame; their titles are Heading 3
    card_titles = [text for style, text in headings if style == "Heading 3"]
    assert card_titles[0] == "CA-1 · Convene a standing multilateral forum on water management"
    assert len(card_titles) == 10
    cells = [p for t in doc.tables for c in t._cells for p in c.paragraphs]  # the title band
    title = [p for p in cells if p.style.name == "Title"]
    assert title and title[0].text.startswith("Kazakhstan’s OSCE Chairmanship 2010")


def test_notes_are_real_word_footnotes(sample_outputs):
    xml = part(sample_outputs, "practitioner", "word/footnotes.xml")
    body = part(sample_outputs, "practitioner", "word/document.xml")
    types = part(sample_outputs, "practitioner", "[Content_Types].xml")
    rels = part(sample_outputs, "practitioner", "word/_rels/document.xml.rels")
    settings = part(sample_outputs, "practitioner", "word/settings.xml")
    styles = part(sample_outputs, "practitioner", "word/styles.xml")
    assert 'w:type="separator" w:id="-1"' in xml and 'w:type="continuationSeparator" w:id="0"' in xml
    note_ids = re.findall(r'<w:footnote w:id="(\d+)"', xml)
    ref_ids = re.findall(r'<w:footnoteReference w:id="(\d+)"/>', body)
    assert len(note_ids) >= 20 and note_ids == ref_ids
    assert "Zagorski" in xml and "https://doi.org/10.1163/187502309787858219" in xml
    assert "/word/footnotes.xml" in types and "footnotes+xml" in types
    assert "relationships/footnotes" in rels
    assert "<w:footnotePr>" in settings
    assert 'w:styleId="FootnoteText"' in styles and 'w:styleId="FootnoteReference"' in styles


def test_links_inside_notes_have_their_own_relationships(sample_outputs):
    rels = part(sample_outputs, "practitioner", "word/_rels/footnotes.xml.rels")
    xml = part(sample_outputs, "practitioner", "word/footnotes.xml")
    for rid in re.findall(r'<w:hyperlink r:id="(rId\d+)"', xml):
        assert f'Id="{rid}"' in rels
    assert 'TargetMode="External"' in rels


def test_the_policymaker_and_press_briefs_have_no_footnotes(sample_outputs):
    for audience in ("policymaker", "press"):
        body = part(sample_outputs, audience, "word/document.xml")
        assert "footnoteReference" not in body


def test_ordered_lists_use_word_numbering_and_restart(sample_outputs):
    body = part(sample_outputs, "policymaker", "word/document.xml")
    numbering = part(sample_outputs, "policymaker", "word/numbering.xml")
    ids = set(re.findall(r'<w:numId w:val="(\d+)"/>', body))
    restarted = [
        i for i in ids if re.search(rf'<w:num w:numId="{i}">.*?<w:startOverride w:val="1"/>', numbering, flags=re.S)
    ]
    assert restarted, "the numbered list of actions restarts at 1"


def test_core_properties_come_from_the_brief(sample_outputs):
    props = document(sample_outputs, "academic").core_properties
    assert props.title == "Kazakhstan’s OSCE Chairmanship 2010: Where Astana Can Make a Difference"
    assert props.subject == "Ten priorities for Central Asia, Afghanistan and Europe"
    assert props.keywords == "OSCE, Kazakhstan, Central Asia, Afghanistan, ODIHR"
    assert props.language == "en"
    assert (props.created.year, props.created.month, props.created.day) == (2010, 1, 15)
    assert props.modified == props.created


def test_fonts_are_named_for_every_script(sample_outputs):
    styles = part(sample_outputs, "practitioner", "word/styles.xml")
    assert 'w:ascii="Noto Serif"' in styles and 'w:cs="Noto Serif"' in styles
    assert 'w:ascii="Noto Sans"' in styles
    heading = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles, flags=re.S).group(0)
    assert "Theme" not in heading  # theme fonts would override the named font


@pytest.fixture(scope="module")
def libreoffice_pdfs(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lo")
    profile = tmp_path_factory.mktemp("lo-profile")
    converted(require_program("soffice"), sorted(sample_dir.glob("*.docx")), out, profile)
    return out


def test_libreoffice_opens_every_docx(libreoffice_pdfs: Path):
    names = sorted(p.name for p in libreoffice_pdfs.glob("*.pdf"))
    assert names == [f"kazakhstan-osce-2010_{a}.pdf" for a in ("academic", "policymaker", "practitioner", "press")]
    text = " ".join(
        page.extract_text()
        for page in pypdf.PdfReader(libreoffice_pdfs / "kazakhstan-osce-2010_practitioner.pdf").pages
    )
    text = re.sub(r"\s+", " ", text)  # a title may wrap
    assert "Convene a standing multilateral forum on water management" in text
    assert "Restore an OSCE presence in Georgia without conceding recognition" in text


def test_libreoffice_renders_the_footnotes_at_the_foot_of_their_page(libreoffice_pdfs: Path):
    pdf = pypdf.PdfReader(libreoffice_pdfs / "kazakhstan-osce-2010_practitioner.pdf")
    page = next(p.extract_text() for p in pdf.pages if "Nazarbayev" in p.extract_text())
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    footer = next(i for i, line in enumerate(lines) if line.startswith("Policy Brief No. 3"))
    first_note = next(i for i, line in enumerate(lines) if re.match(r"^(\d+\s*)?(Andrei )?Zagorski, “Kaz", line))
    marker = next(i for i, line in enumerate(lines) if "Nazarbayev" in line)
    assert marker < first_note < footer  # the note sits below its marker, at the foot of that page


def test_libreoffice_prints_page_x_of_y(libreoffice_pdfs: Path):
    pdf = pypdf.PdfReader(libreoffice_pdfs / "kazakhstan-osce-2010_practitioner.pdf")
    total = len(pdf.pages)
    assert f"Page 2 of {total}" in pdf.pages[1].extract_text()


def test_an_audience_reference_docx_keeps_its_own_styles(tmp_path):
    from briefgen.design import theme
    from briefgen.model import Document as Doc
    from briefgen.model import Heading, Metadata, Note, Paragraph, Text
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.docx import DEFAULT_REFERENCE, write

    reference = docx.Document(str(DEFAULT_REFERENCE))
    reference.styles["Heading 1"].font.color.rgb = docx.shared.RGBColor(0x12, 0x34, 0x56)
    reference.save(tmp_path / "reference.docx")
    model = Doc(
        Metadata(title="T"),
        (Heading(1, (Text("Context"),)), Paragraph((Text("Body"), Note((Paragraph((Text("n"),)),))))),
    )
    assets = Assets(reference_docx=(tmp_path / "reference.docx").read_bytes())
    out = docx.Document(io.BytesIO(write(model, theme(Style()), assets).data))
    assert out.styles["Heading 1"].font.color.rgb == docx.shared.RGBColor(0x12, 0x34, 0x56)
    texts = [p.text for p in out.paragraphs]
    assert "Context" in texts and not any("Restyle it here" in t for t in texts)  # sample text is gone


def test_the_default_reference_docx_is_regenerated_by_its_script():
    from briefgen.design import theme
    from briefgen.style import Style
    from briefgen.writers.docx import DEFAULT_REFERENCE, reference_document

    assert DEFAULT_REFERENCE.read_bytes() == reference_document(theme(Style()))


def test_every_property_element_is_in_schema_order(sample_outputs):
    """Word rejects tcPr/pPr/rPr/tblPr children out of ECMA-376 order (LibreOffice forgives it)."""
    import zipfile

    from lxml import etree

    from briefgen.writers.docx.ooxml import SCHEMA_ORDERS

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    checked = 0
    for name, data in sample_outputs.items():
        if not name.endswith(".docx"):
            continue
        package = zipfile.ZipFile(io.BytesIO(data))
        for part in package.namelist():
            if not (part.startswith("word/") and part.endswith(".xml")):
                continue
            root = etree.fromstring(package.read(part))
            for tag, order in SCHEMA_ORDERS.items():
                for element in root.iter(w + tag):
                    names = [c.tag.removeprefix(w) for c in element if c.tag.startswith(w)]
                    positions = [order.index(n) for n in names if n in order]
                    assert positions == sorted(positions), f"{name} {part}: <w:{tag}> children {names}"
                    checked += 1
    assert checked > 500


def test_a_table_inside_a_box_stays_inside_it():
    from briefgen.design import theme
    from briefgen.markdown import parse_markdown
    from briefgen.model import Document as Doc
    from briefgen.model import Metadata
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.docx import write

    model = Doc(Metadata(title="T"), parse_markdown("::: keymessages\n| A | B |\n|---|---|\n| 1 | 2 |\n:::\n\nAfter."))
    body = docx.Document(io.BytesIO(write(model, theme(Style()), Assets()).data)).element.body
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    top = [c.tag.removeprefix(w) for c in body]
    # the band, the byline-less title, the box table and its spacer, "After.", sectPr: no stray empty paragraph
    assert (
        top.count("tbl") == 2
        and [p for p in body.iter(w + "p") if p.getparent() is body][-1].xpath("string(.)") == "After."
    )


# ---------------------------------------------------------------- lists, tables, boxes (issue 9, classes 6, 7, 10)


def _docx(markdown: str, title: str = "Layout") -> bytes:
    from briefgen.design import theme
    from briefgen.markdown import parse_markdown
    from briefgen.model import Document as Doc
    from briefgen.model import Metadata
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.docx import write

    return write(Doc(Metadata(title=title), parse_markdown(markdown)), theme(Style()), Assets()).data


def _part_text(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def _xml(data: bytes, name: str):
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def _val(element, tag: str) -> str | None:
    found = element.find(W + tag)
    return None if found is None else found.get(W + "val")


NESTED = "1. First numbered\n   - bullet under first\n   - another bullet\n2. Second numbered\n   1. nested number\n"


def test_every_list_level_used_exists_and_a_nested_bullet_is_a_bullet():
    data = _docx(NESTED)
    body, numbering = _xml(data, "word/document.xml"), _xml(data, "word/numbering.xml")
    abstract_of = {n.get(W + "numId"): _val(n, "abstractNumId") for n in numbering.iter(W + "num")}
    levels = {
        (a.get(W + "abstractNumId"), lvl.get(W + "ilvl")): _val(lvl, "numFmt")
        for a in numbering.iter(W + "abstractNum")
        for lvl in a.iter(W + "lvl")
    }
    formats = {}
    for p in body.iter(W + "p"):
        numpr = p.find(f"{W}pPr/{W}numPr")
        if numpr is not None:
            key = (abstract_of[_val(numpr, "numId")], _val(numpr, "ilvl"))
            assert key in levels, f"{''.join(p.itertext())!r} points at a missing level {key}"
            formats["".join(p.itertext())] = (levels[key], key[1])
    assert formats["bullet under first"] == ("bullet", "1")
    assert formats["First numbered"] == ("decimal", "0") and formats["nested number"] == ("decimal", "1")


def _table_rows(data: bytes, first_cell: str) -> list:
    body = _xml(data, "word/document.xml")
    table = next(t for t in body.iter(W + "tbl") if "".join(t.find(W + "tr").itertext()).startswith(first_cell))
    return table.findall(W + "tr")


def _keeps_with_next(row) -> bool:
    return all(p.find(f"{W}pPr/{W}keepNext") is not None for p in row.iter(W + "p"))


@pytest.mark.parametrize("rows", [5, 8])
def test_table_rows_never_split_the_header_repeats_and_a_page_break_leaves_three_rows(rows):
    markdown = "| No. | Action | Cost |\n|---|---|--:|\n" + "\n".join(
        f"| WE-{i} | Action {i} | {i * 1000} |" for i in range(1, rows + 1)
    )
    trs = _table_rows(_docx(markdown), "No.")
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in trs)
    assert [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in trs] == [True] + [False] * rows
    kept = [_keeps_with_next(tr) for tr in trs]
    if rows == 5:  # fewer than six rows: the table never splits
        assert kept == [True] * 5 + [False]
    else:  # header and rows 1-2 keep with row 3; rows 6-7 with row 8
        assert kept == [True, True, True, False, False, False, True, True, False]


def test_table_columns_fit_their_longest_word_and_follow_the_markdown_alignment():
    from briefgen.design import theme
    from briefgen.style import Style
    from briefgen.writers.measure import text_width

    markdown = (
        "| No. | Action | Cost |\n|---|---|--:|\n| WE-10 | A long action title " + "of many words " * 6 + "| 1000 |"
    )
    data = _docx(markdown)
    body = _xml(data, "word/document.xml")
    table = next(t for t in body.iter(W + "tbl") if "WE-10" in "".join(t.itertext()))
    grid = [int(c.get(W + "w")) for c in table.iter(W + "gridCol")]
    cell = theme(Style()).cell
    margins = 2 * 100  # twips: a cell's left and right margin
    assert grid[0] >= text_width("WE-10", cell) * 20 + margins  # "WE-10" on one line
    assert grid[2] >= text_width("1000", cell) * 20 + margins
    assert grid[1] > 3 * grid[0]  # the long text column takes the spare width
    cost_cells = [tr.findall(W + "tc")[2] for tr in table.findall(W + "tr")]
    assert all(_val(tc.find(f"{W}p/{W}pPr"), "jc") == "right" for tc in cost_cells)
    assert all(tr.findall(W + "tc")[0].find(f"{W}p/{W}pPr/{W}jc") is None for tr in table.findall(W + "tr"))


LONG_CARD = (
    "::: card high\n### X-1 · CARDTITLE of a long card\n\n**Priority:** High · **Who:** Everyone\n\n"
    + "\n\n".join(
        f"RATIO{k} " + " ".join(f"Sentence {i} of paragraph {k} in a long rationale." for i in range(8))
        for k in range(14)
    )
    + "\n:::\n"
)


def _box_paragraphs(data: bytes, first_text: str) -> list:
    """The framed paragraphs of the box whose first paragraph starts with `first_text`."""
    paragraphs = list(_xml(data, "word/document.xml").find(W + "body").iterchildren(W + "p"))
    start = next(i for i, p in enumerate(paragraphs) if "".join(p.itertext()).startswith(first_text))
    box = []
    for p in paragraphs[start:]:
        style = _style_of(p) or ""
        if not (style.startswith("Card") or p.find(f"{W}pPr/{W}pBdr") is not None):
            break
        box.append(p)
    return box


def _style_of(p) -> str | None:
    ppr = p.find(W + "pPr")
    return None if ppr is None else _val(ppr, "pStyle")


def _keeps(p, what: str) -> bool:
    return p.find(f"{W}pPr/{W}{what}") is not None


def test_a_box_is_paragraphs_in_its_own_word_style_not_a_layout_table():
    """LibreOffice's PDF/UA export made each one-cell table a Table with no header (pdfua UA-15-003):
    13 errors in the practitioner brief (issue 26). The card's plain paragraphs take "Card High",
    whose left border is the bar and whose shading the fill; its heading keeps Heading 3 and takes
    the same frame directly."""
    data = _docx("::: card high\n### X-1 · Short\n\n**Priority:** High\n\nOne line.\n:::\n\nAfter.\n")
    body = _xml(data, "word/document.xml").find(W + "body")
    assert len(body.findall(W + "tbl")) == 1  # the title band's alone
    box = _box_paragraphs(data, "X-1")
    assert [_style_of(p) for p in box] == ["Heading3", "CardHigh", "CardHigh"]
    styles = _xml(data, "word/styles.xml")
    card = next(s for s in styles.iter(W + "style") if s.get(W + "styleId") == "CardHigh")
    assert card.find(f"{W}name").get(W + "val") == "Card High"
    bar = card.find(f"{W}pPr/{W}pBdr/{W}left")
    heading_bar = box[0].find(f"{W}pPr/{W}pBdr/{W}left")
    assert bar.get(W + "val") == "single" and bar.get(W + "color") == heading_bar.get(W + "color")
    assert card.find(f"{W}pPr/{W}shd").get(W + "fill") == box[0].find(f"{W}pPr/{W}shd").get(W + "fill")
    # a short box stays whole: every paragraph unsplit and kept with the next, but the last
    assert [_keeps(p, "keepLines") for p in box] == [True] * 3
    assert [_keeps(p, "keepNext") for p in box] == [True, True, False]


def test_a_reference_docx_restyles_every_card_of_a_priority():
    from briefgen.design import theme
    from briefgen.markdown import parse_markdown
    from briefgen.model import Document as Doc
    from briefgen.model import Metadata
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.docx import write

    reference = docx.Document()
    custom = reference.styles.add_style("Card High", 1)
    custom.font.italic = True  # and no frame: the user's style wins
    buffer = io.BytesIO()
    reference.save(buffer)
    model = Doc(Metadata(title="T"), parse_markdown("::: card high\n### X-1 · A\n\nWhy.\n:::\n"))
    data = write(model, theme(Style()), Assets(reference_docx=buffer.getvalue())).data
    styles = _xml(data, "word/styles.xml")
    [card] = [s for s in styles.iter(W + "style") if s.find(W + "name").get(W + "val") == "Card High"]
    assert card.find(f"{W}pPr/{W}pBdr") is None and card.find(f"{W}rPr/{W}i") is not None
    assert [_style_of(p) for p in _box_paragraphs(data, "Why")] == [card.get(W + "styleId")]


def test_a_long_box_keeps_its_title_with_its_first_paragraph_and_splits_between_paragraphs():
    long_paragraph = "LONGPARA " + "A paragraph of twenty lines or so. " * 90
    box = _box_paragraphs(_docx(LONG_CARD.replace("\n:::", f"\n\n{long_paragraph}\n:::")), "X-1")
    first = ["".join(p.itertext()).split()[0] for p in box]
    assert first == ["X-1", "Priority:", *(f"RATIO{k}" for k in range(14)), "LONGPARA"]
    assert [_keeps(p, "keepNext") for p in box] == [True, True] + [False] * 15  # the title and facts line
    assert [_keeps(p, "keepLines") for p in box] == [True] * 16 + [False]  # a long paragraph may split
    for p in box[1:]:  # the bar and the fill on every paragraph, so on every page
        assert _style_of(p) == "CardHigh"


def test_inline_code_names_the_mono_font_for_every_script():
    body = _xml(_docx("Run `make brief` now.\n"), "word/document.xml")
    run = next(r for r in body.iter(W + "r") if "".join(r.itertext()) == "make brief")
    fonts = run.find(f"{W}rPr/{W}rFonts")
    assert {fonts.get(W + a) for a in ("ascii", "hAnsi", "cs", "eastAsia")} == {"Noto Sans Mono"}


def test_the_title_band_and_headings_never_end_with_one_word_alone():
    doc = docx.Document(io.BytesIO(_docx("## Water and borders\n\nBody.\n", title="A title of some words")))
    title = next(p for t in doc.tables for c in t._cells for p in c.paragraphs if p.style.name == "Title")
    assert title.text == "A title of some\xa0words"
    assert next(p.text for p in doc.paragraphs if p.style.name == "Heading 2") == "Water and\xa0borders"


@pytest.mark.slow
def test_libreoffice_draws_nested_bullets_and_splits_a_long_box(tmp_path):
    soffice = require_program("soffice")
    pdftotext = require_program("pdftotext")
    (tmp_path / "nested.docx").write_bytes(_docx(NESTED))
    (tmp_path / "longbox.docx").write_bytes(_docx("Before.\n\n" + LONG_CARD + "\nAfter the box.\n"))
    converted(soffice, [tmp_path / "nested.docx", tmp_path / "longbox.docx"], tmp_path, tmp_path / "profile")
    text = subprocess.run([pdftotext, "-layout", str(tmp_path / "nested.pdf"), "-"], capture_output=True, text=True)
    lines = [line.strip() for line in text.stdout.splitlines()]
    bullet = next(line for line in lines if "bullet under first" in line)
    assert bullet.startswith("•"), bullet  # not "1.", as when the level did not exist
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in pypdf.PdfReader(tmp_path / "longbox.pdf").pages]
    assert len(pages) >= 2 and "After the box." in pages[-1]
    start = next(i for i, t in enumerate(pages) if "CARDTITLE" in t)
    assert "Priority: High" in pages[start] and "RATIO0" in pages[start]
    assert all(f"RATIO{k} " in " ".join(pages) for k in range(14))


# ---------------------------------------------------------------- hostile input (issue 12)


def _write(meta, blocks=()) -> bytes:
    from briefgen.design import theme
    from briefgen.model import Document as Doc
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.docx import write

    return write(Doc(meta, tuple(blocks)), theme(Style()), Assets()).data


DC = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
}


def _core(data: bytes) -> dict[str, str]:
    """docProps/core.xml read from the zip: its elements' text by prefixed name."""
    root = _xml(data, "docProps/core.xml")
    prefixes = {uri: prefix for prefix, uri in DC.items()}
    return {f"{prefixes[c.tag[1:].split('}')[0]]}:{c.tag.split('}')[1]}": c.text or "" for c in root}


def _cut(words: list[str], sep: str) -> str:
    """The most whole words joined by `sep` that fit in 254 characters, and the ellipsis."""
    kept = ""
    for word in words:
        longer = f"{kept}{sep}{word}" if kept else word
        if len(longer) > 254:
            return kept + "…"
        kept = longer
    raise AssertionError("not long enough to be cut")


def test_long_core_properties_are_cut_at_a_word_with_an_ellipsis():
    from briefgen.model import Metadata

    title = [f"Title{i:03d}" for i in range(60)]  # 539 characters
    subtitle = [f"sub{i}" for i in range(80)]
    organisation = [f"Organisation{i}" for i in range(30)]
    series = [f"Series{i}" for i in range(40)]
    keywords = tuple(f"keyword{i:02d}" for i in range(30))
    meta = Metadata(
        title=" ".join(title),
        subtitle=" ".join(subtitle),
        organisation=" ".join(organisation),  # no authors: the organisation is the author
        series=" ".join(series),
        keywords=keywords,
    )
    core = _core(_write(meta))
    assert core["dc:title"] == _cut(title, " ")
    assert core["dc:subject"] == _cut(subtitle, " ")
    assert core["dc:creator"] == _cut(organisation, " ")
    assert core["cp:category"] == _cut(series, " ")
    assert core["cp:keywords"] == _cut(list(keywords), ", ")  # no dangling comma before the ellipsis
    assert all(len(value) <= 255 for value in core.values())


def test_twelve_authors_and_a_one_megabyte_word_fit_the_core_properties():
    from briefgen.model import Author, Metadata

    names = [f"Author Number{i} Surname{i}" for i in range(12)]
    core = _core(_write(Metadata(title="x" * 1_000_000, authors=tuple(Author(n) for n in names))))
    assert core["dc:creator"] == _cut("; ".join(names).split(" "), " ").replace(";…", "…")
    assert core["dc:title"] == "x" * 254 + "…"  # one word longer than the limit: cut inside it


@pytest.mark.parametrize(
    ("day", "zip_stamp", "created"),
    [
        ("2108-01-15", (2107, 12, 31, 23, 59, 58), "2108-01-15T12:00:00Z"),
        ("1900-01-15", (1980, 1, 1, 0, 0, 0), "1900-01-15T12:00:00Z"),
    ],
)
def test_dates_outside_the_zip_range_clamp_the_entries_but_not_the_document(monkeypatch, day, zip_stamp, created):
    from datetime import date

    from briefgen.model import Metadata

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = _write(Metadata(title="T", date=date.fromisoformat(day)))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {info.date_time for info in z.infolist()} == {zip_stamp}
    core = _core(data)
    assert core["dcterms:created"] == core["dcterms:modified"] == created


BAD = "\x00\x0b\x1b\ud800\ufffe\uffff"  # characters XML 1.0 forbids


def test_characters_xml_forbids_are_dropped_wherever_the_model_has_text():
    from briefgen.model import Author, Heading, Link, Metadata, Note, Paragraph, Table, Text

    meta = Metadata(
        title=f"Title{BAD}Words",
        subtitle=f"Sub{BAD}title",
        authors=(Author(f"Ann{BAD}Author", f"Aff{BAD}iliation"),),
        organisation=f"Org{BAD}anisation",
        series=f"Se{BAD}ries",
        language=f"en{BAD}",
        keywords=(f"key{BAD}word",),
        audience=f"prac{BAD}titioner",
        marking=f"offi{BAD}cial",
    )
    blocks = (
        Heading(1, (Text(f"Head{BAD}ing"),)),
        Paragraph(
            (
                Text(f"before{BAD}after "),
                Link((Text(f"link{BAD}text"),), f"https://example.org/{BAD}page"),
                Note((Paragraph((Text(f"note{BAD}text"),)),)),
            )
        ),
        Table(((Text(f"cell{BAD}head"),),), (((Text(f"cell{BAD}body"),),),)),
    )
    data = _write(meta, blocks)
    body = "".join(_xml(data, "word/document.xml").itertext())
    for text in ("TitleWords", "Subtitle", "AnnAuthor", "Affiliation", "ORGANISATION", "SERIES"):
        assert text in body.replace("\xa0", " "), text
    for text in ("Heading", "beforeafter", "linktext", "cellhead", "cellbody"):
        assert text in body, text
    assert "notetext" in "".join(_xml(data, "word/footnotes.xml").itertext())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
        headers = " ".join("".join(_xml(data, n).itertext()) for n in z.namelist() if "header" in n)
    assert 'Target="https://example.org/page"' in rels
    assert "OFFICIAL" in headers
    core = _core(data)
    assert (core["dc:title"], core["dc:subject"], core["dc:creator"]) == ("TitleWords", "Subtitle", "AnnAuthor")
    assert (core["cp:keywords"], core["cp:category"], core["dc:language"]) == ("keyword", "Series", "en")
    assert core["dc:description"] == "practitioner brief"


def test_a_table_of_fifty_columns_fits_the_text_width_by_shrinking_margins_then_type():
    """The PDF's rule (measure.cell_fit): Word would otherwise squeeze each cell to a letter a line."""
    cols = 50
    markdown = "|".join(f"c{i}" for i in range(cols)) + "\n" + "|".join(["-"] * cols) + "\n"
    markdown += "|".join(f"x{i}" for i in range(cols)) + "\n"
    body = _xml(_docx(markdown), "word/document.xml").find(W + "body")
    table = body.findall(W + "tbl")[-1]  # the first is the title band
    grid = [int(c.get(W + "w")) for c in table.find(W + "tblGrid")]
    page = body.find(W + "sectPr")
    size, margins = page.find(W + "pgSz"), page.find(W + "pgMar")
    text_width = int(size.get(W + "w")) - int(margins.get(W + "left")) - int(margins.get(W + "right"))
    assert len(grid) == cols and sum(grid) <= text_width + cols
    assert int(table.find(f".//{W}tcMar/{W}left").get(W + "w")) < 100  # narrower than a normal table's 5 pt
    sizes = {int(s.get(W + "val")) for s in table.iter(W + "sz")}
    assert sizes and max(sizes) < 18  # half-points: smaller than the 9 pt cell text
    assert "".join(t.text for t in table.iter(W + "t")).count("x4") == 11  # x4, x40..x49: no text lost


# ---------------------------------------------------------------- what the DOCX writer loads (issue 11)

# Text the width test sets: Latin with kerning pairs and ligature letters, Kazakh, Greek, a no-break
# space (reportlab gives it the space's width), typographic marks, a combining accent, and characters
# no text font has (Arabic, CJK, an emoji: each the width of the font's .notdef).
MIXED_TEXT = "AVATAR office fiﬂ Әділет Қазақстан Ωμέγα a\xa0b — “x” ‘y’ … e\u0301 № 1/2 مرحبا 中文 😀 \t"


def test_measured_widths_equal_reportlabs_for_every_text_face():
    """The PDF writer sets text with reportlab's stringWidth; measure must give the same numbers, to the bit."""
    from fontTools.ttLib import TTFont
    from reportlab.pdfbase import pdfmetrics

    from briefgen import fonts
    from briefgen.design import TextRole
    from briefgen.writers import measure
    from briefgen.writers.pdf.styles import register_fonts, role_font

    register_fonts()
    checked = 0
    for family in fonts.FAMILIES:
        for bold in (False, True):
            for italic in (False, True):
                for size in (9.0, 10.5, 7.3):
                    role = TextRole(family, size, size * 1.3, "#000000", bold=bold, italic=italic)
                    name = role_font(role)
                    with TTFont(fonts.font_file(family, role.face), lazy=True) as font:
                        mapped = "".join(chr(c) for c in font.getBestCmap())
                    for text in (MIXED_TEXT, mapped, "", " ", "\xa0", "\U0010ffff"):
                        assert measure.text_width(text, role) == pdfmetrics.stringWidth(text, name, size), (name, text)
                    checked += len(mapped)
    assert checked > 30_000


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code` (a test may have loaded any here)."""
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    return set(done.stdout.split())


def test_measure_loads_neither_reportlab_nor_the_pdf_writer():
    loaded = _modules_after(
        "from briefgen.design import theme\n"
        "from briefgen.style import Style\n"
        "from briefgen.writers import measure\n"
        "t = theme(Style())\n"
        "assert measure.text_width('Water, borders', t.body) > 0\n"
        "assert measure.line_count('Water, borders and a chair', t.cell, 40.0) > 1"
    )
    assert "briefgen.writers.measure" in loaded
    assert not {m for m in loaded if m.startswith(("reportlab", "briefgen.writers.pdf"))}


def test_writing_a_docx_loads_neither_reportlab_nor_fonttools():
    """Each cost a cold process a tenth of a second or more: reportlab parsed every face, fontTools
    subset each face in Python and decoded every name and glyph name to read a family's name."""
    loaded = _modules_after(
        "from briefgen.design import theme\n"
        "from briefgen.markdown import parse_markdown\n"
        "from briefgen.model import Document, Metadata\n"
        "from briefgen.style import Style\n"
        "from briefgen.writers import Assets, writer\n"
        "md = '| Column | Other |\\n|---|---|\\n| a cell | more |\\n\\n- a list item\\n\\nText *italic* `code`.'\n"
        "data = writer('docx')(Document(Metadata(title='T'), parse_markdown(md)), theme(Style()), Assets()).data\n"
        "assert b'word/fonts/font1.odttf' in data"
    )
    assert "briefgen.writers.docx" in loaded
    assert not {m for m in loaded if m.startswith(("reportlab", "briefgen.writers.pdf", "fontTools"))}


def test_each_paragraph_style_is_looked_up_by_name_once_a_document(monkeypatch):
    """python-docx finds a style by name with an XPath over every style: 2 ms a paragraph at x10."""
    from docx.styles.styles import Styles

    looked_up = []
    getitem = Styles.__getitem__
    monkeypatch.setattr(Styles, "__getitem__", lambda self, name: looked_up.append(name) or getitem(self, name))
    markdown = "\n\n".join(
        f"## Part {i}\n\nText\twith a tab {i}.\n\n::: keymessages\n- Key {i}\n:::" for i in range(40)
    )
    data = _docx(markdown)
    assert len(looked_up) < 30, sorted(set(looked_up))
    body = _xml(data, "word/document.xml").find(W + "body")
    styles = [p.find(f"{W}pPr/{W}pStyle") for p in body.iter(W + "p")]
    names = [s.get(W + "val") for s in styles if s is not None]
    assert names.count("Heading2") == 40 and names.count("ListBullet") == 40
    texts = [p for p in body.iter(W + "p") if "with a tab" in "".join(p.itertext())]
    assert len(texts) == 40 and all(p.find(f"{W}r/{W}tab") is not None for p in texts)  # a tab stays a w:tab
    assert "Text" in [t.text for t in texts[0].iter(W + "t")]


def test_a_long_brief_does_no_whole_body_work_per_block(monkeypatch):
    """Asking python-docx for the body's paragraphs or sections walks the whole body: done per box, quadratic at x50."""
    from docx.blkcntnr import BlockItemContainer
    from docx.oxml.document import CT_Document

    walks = []
    for owner, name in ((BlockItemContainer, "paragraphs"), (CT_Document, "sectPr_lst")):
        walk = getattr(owner, name)

        def counted(self, walk=walk, name=name):
            if type(self).__name__ in ("_Body", "CT_Document"):  # a cell's paragraphs are its own
                walks.append(name)
            return walk.fget(self)

        monkeypatch.setattr(owner, name, property(counted))
    boxes = "\n\n".join(
        f"::: keymessages\n**Key {i}.** The chair must listen.\n\n- First {i}\n\n  More {i}.\n:::" for i in range(60)
    )
    body = _xml(_docx(boxes + "\n\nAfter the boxes."), "word/document.xml").find(W + "body")
    assert len(walks) < 20, {name: walks.count(name) for name in set(walks)}
    framed = [p for p in body.iter(W + "p") if _style_of(p) == "KeyMessages"]
    assert len(framed) == 2 * 60 and "Key 59." in "".join(framed[-2].itertext())  # the label and "More"
    indented = [p for p in body.iter(W + "p") if "".join(p.itertext()).startswith("More ")]
    assert len(indented) == 60 and all(p.find(f"{W}pPr/{W}ind") is not None for p in indented)


def test_line_count_wraps_exactly_where_text_width_says_a_line_is_full():
    from briefgen.design import theme
    from briefgen.style import Style
    from briefgen.writers.measure import line_count, text_width

    t = theme(Style())
    for role in (t.body, t.cell, t.headings[0], t.note):
        words = "Kazakhstan’s chair Әділет — “water” 2010 ﬁnal"
        full = text_width(words, role)  # the words with one space between each: exactly a line
        assert line_count(words, role, full) == 1
        assert line_count(words, role, full - 1e-9) == 2
        assert line_count(f"  {words}\n{words} ", role, full) == 2  # a space at a break is not counted


# ---------------------------------------------------------------- accessibility (issue 13)


def _docx_with_logo(alt: str) -> bytes:
    from PIL import Image

    from briefgen.design import theme
    from briefgen.model import Document, Metadata, Paragraph, Text
    from briefgen.style import Style
    from briefgen.writers import Assets
    from briefgen.writers.docx import write

    buf = io.BytesIO()
    Image.new("RGB", (120, 40), "#1F4E79").save(buf, "PNG")
    doc = Document(Metadata(title="With a logo", organisation="OSCE"), (Paragraph((Text("Body."),)),))
    return write(doc, theme(Style()), Assets(logo=buf.getvalue(), logo_type="image/png", logo_alt=alt)).data


def test_the_logo_has_its_alternative_text_and_the_band_is_decorative():
    with zipfile.ZipFile(io.BytesIO(_docx_with_logo("OSCE Secretariat"))) as z:
        body = z.read("word/document.xml").decode()
        headers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
    (picture,) = re.findall(r"<wp:docPr [^>]*>", body)
    assert 'descr="OSCE Secretariat"' in picture
    assert '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/>' in (
        headers
    )  # the band's coloured rectangle: skipped by a screen reader


def test_a_screen_reader_finds_headings_table_headers_language_and_priorities(sample_outputs):
    styles = part(sample_outputs, "practitioner", "word/styles.xml")
    for level in range(1, 4):
        style = re.search(rf'<w:style [^>]*w:styleId="Heading{level}".*?</w:style>', styles, re.S).group(0)
        assert f'<w:outlineLvl w:val="{level - 1}"/>' in style  # the navigation pane lists it
    assert '<w:lang w:val="en"/>' in styles
    body = _part_text(_docx("| No. | Action |\n|---|---|\n| CA-1 | Convene a forum |\n"), "word/document.xml")
    overview = next(t for t in re.findall(r"<w:tbl>.*?</w:tbl>", body, re.S) if "Action" in t)
    first_row = re.search(r"<w:tr[ >].*?</w:tr>", overview, re.S).group(0)
    assert "<w:tblHeader/>" in first_row  # repeated on each page, and announced as the header
    doc = document(sample_outputs, "practitioner")
    cards = [p.text for p in doc.paragraphs if p.text.startswith("Priority:")]
    assert len(cards) >= 10 and all(re.match(r"Priority:\s(High|Medium|Low)\b", c) for c in cards)  # never colour alone


def test_words_in_another_language_carry_it_on_their_runs_in_the_body_and_in_notes():
    data = _docx("Say [Сәлем *әлем*]{lang=kk} or [مرحبا]{lang=ar}.^[In Chinese: [你好]{lang=zh-Hans}.]")
    body, notes = _xml(data, "word/document.xml"), _xml(data, "word/footnotes.xml")

    def languages(root) -> dict[str, tuple]:
        out = {}
        for run in root.iter(W + "r"):
            lang = run.find(f"{W}rPr/{W}lang")
            text = "".join(t.text or "" for t in run.iter(W + "t"))
            if text.strip():
                out[text] = None if lang is None else tuple(lang.get(W + a) for a in ("val", "eastAsia", "bidi"))
        return out

    found = languages(body)
    assert found["Сәлем "] == ("kk", "kk", "kk") and found["әлем"] == ("kk", "kk", "kk")
    assert found["مرحبا"] == ("ar", "ar", "ar")  # Word reads Arabic by its complex-script language
    assert found["Say "] is None and found["."] is None  # the document's language, from the Normal style
    assert languages(notes)["你好"] == ("zh-Hans", "zh-Hans", "zh-Hans")
    italic = next(r for r in body.iter(W + "r") if "".join(t.text or "" for t in r.iter(W + "t")) == "әлем")
    assert italic.find(f"{W}rPr/{W}i") is not None  # the span keeps the emphasis inside it


def test_a_heading_that_skips_a_level_keeps_its_style_and_is_outlined_one_below_the_last():
    body = _xml(_docx("# Context\n\n### Deep\n\n#### Deeper\n\n# Back\n"), "word/document.xml")
    found = [
        (_style_of(p), _val(p.find(W + "pPr"), "outlineLvl"))
        for p in body.iter(W + "p")
        if (_style_of(p) or "").startswith("Heading")
    ]
    assert found == [("Heading1", None), ("Heading3", "1"), ("Heading4", "2"), ("Heading1", None)]
