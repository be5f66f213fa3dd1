"""The DOCX writer, checked in the package's XML and through LibreOffice."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest

from conftest import require_program

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def part(outputs: dict[str, bytes], audience: str, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(outputs[f"kazakhstan-osce-2010_{audience}.docx"])) as z:
        return z.read(name).decode("utf-8")


def document(outputs: dict[str, bytes], audience: str) -> docx.document.Document:
    return docx.Document(io.BytesIO(outputs[f"kazakhstan-osce-2010_{audience}.docx"]))


def test_headings_use_word_heading_styles(sample_outputs):
    doc = document(sample_outputs, "practitioner")
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Summary") in headings
    assert ("Heading 1", "Recommendations") in headings
    assert ("Heading 2", "Central Asia") in headings
    # recommendation cards are tables; their titles are Heading 3 inside the cell
    cells = [p for t in doc.tables for c in t._cells for p in c.paragraphs]
    card_titles = [p.text for p in cells if p.style.name == "Heading 3"]
    assert card_titles[0] == "CA-1 · Convene a standing multilateral forum on water management"
    assert len(card_titles) == 10
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
    soffice = require_program("soffice")
    out = tmp_path_factory.mktemp("lo")
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, sorted(sample_dir.glob("*.docx"))),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


def test_libreoffice_opens_every_docx(libreoffice_pdfs: Path):
    names = sorted(p.name for p in libreoffice_pdfs.glob("*.pdf"))
    assert names == [f"kazakhstan-osce-2010_{a}.pdf" for a in ("academic", "policymaker", "practitioner", "press")]
    text = " ".join(
        page.extract_text()
        for page in pypdf.PdfReader(libreoffice_pdfs / "kazakhstan-osce-2010_practitioner.pdf").pages
    )
    assert "Convene a standing multilateral forum on water management" in text
    assert "Restore an OSCE presence in Georgia without conceding recognition" in text


def test_libreoffice_renders_the_footnotes_at_the_foot_of_their_page(libreoffice_pdfs: Path):
    pdf = pypdf.PdfReader(libreoffice_pdfs / "kazakhstan-osce-2010_practitioner.pdf")
    page = next(p.extract_text() for p in pdf.pages if "Nazarbayev" in p.extract_text())
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    footer = next(i for i, line in enumerate(lines) if line.startswith("Policy Brief No. 3"))
    first_note = next(i for i, line in enumerate(lines) if re.match(r"^1\s*Andrei Zagorski", line))
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
