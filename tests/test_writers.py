"""The writer registry and interface: every format is one module and one line, and says what it made."""

from __future__ import annotations

import io
import re
import subprocess
from importlib import import_module

import docx
import pypdf
import pytest
from docx.oxml.ns import qn

from briefgen.cli import build as build_command
from briefgen.design import theme
from briefgen.markdown import parse_markdown
from briefgen.model import Document, Metadata
from briefgen.style import Style
from briefgen.writers import DEFAULT_FORMATS, DOCUMENT_FORMATS, FORMATS, Artifact, Assets, writer

from conftest import ROOT, require_program

SAMPLE_TITLE = "Kazakhstan’s OSCE Chairmanship 2010: Where Astana Can Make a Difference"

DOC = Document(
    Metadata(title="Interface"),
    parse_markdown("# One\n\nText.^[First note.] More.^[Second note.]\n\n::: card high\n### A card\n\nBody.\n:::\n"),
)


@pytest.mark.parametrize("name", DOCUMENT_FORMATS)
def test_every_document_format_returns_an_artifact_with_its_media_type_and_notes(name):
    artifact = writer(name)(DOC, theme(Style()), Assets())
    assert isinstance(artifact, Artifact) and artifact.data
    assert artifact.media_type == FORMATS[name].media_type
    assert artifact.notes == 2
    assert hasattr(import_module(FORMATS[name].module), "write")


def test_the_pdf_artifact_knows_its_page_count():
    artifact = writer("pdf")(DOC, theme(Style()), Assets())
    assert artifact.pages == len(pypdf.PdfReader(io.BytesIO(artifact.data)).pages) == 1


def test_the_docx_artifact_counts_the_footnotes_it_wrote():
    artifact = writer("docx")(DOC, theme(Style()), Assets())
    parts = docx.Document(io.BytesIO(artifact.data)).part.package.parts
    [footnotes] = [p for p in parts if p.partname.endswith("footnotes.xml")]
    assert len(re.findall(rb'<w:footnote w:id="[1-9]', footnotes.blob)) == artifact.notes


def test_the_cli_offers_exactly_the_registered_formats():
    option = next(p for p in build_command.params if p.name == "formats")
    assert list(option.type.choices) == list(FORMATS)
    assert set(DEFAULT_FORMATS) <= set(FORMATS)


@pytest.mark.parametrize("page", ["README.md", "docs/using.md"])
def test_the_readme_and_the_manual_list_every_format(page):
    text = (ROOT / page).read_text("utf-8")
    for name in FORMATS:
        assert f"| `{name}` |" in text, f"{page}'s format table lacks {name}"


def test_two_markers_at_one_place_are_separated_by_a_raised_comma_in_every_format():
    from briefgen.model import Note, Paragraph, Superscript, Text

    note = Note((Paragraph((Text("A note."),)),))
    doc = Document(Metadata(title="Markers"), (Paragraph((Text("Saved."), note, Superscript(","), note)),))
    pdf = writer("pdf")(doc, theme(Style()), Assets()).data
    assert "Saved.1,2" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    body = docx.Document(io.BytesIO(writer("docx")(doc, theme(Style()), Assets()).data)).element.xml
    assert re.search(r'<w:vertAlign w:val="superscript"/>\s*</w:rPr>\s*<w:t>,</w:t>', body)
    assert "<sup>,</sup>" in writer("html")(doc, theme(Style()), Assets()).data.decode()


def test_key_messages_is_a_heading_of_the_sections_rank_in_the_pdf_the_docx_and_the_html(tmp_path):
    """Heading navigation (a screen reader's, Word's pane, the PDF outline) reaches the key messages:
    before issue 26 their label was a bold paragraph, skipped, and looked lower in rank than the
    "Summary" after it. Now a heading of that rank, in look too."""
    from briefgen.audience import load_audiences, search_path
    from briefgen.bibliography import load_bibliography
    from briefgen.build import build
    from briefgen.loader import load_brief

    from conftest import SAMPLE

    roots = search_path(ROOT / "templates")
    practitioner = [a for a in load_audiences(None, roots) if a.name == "practitioner"]
    refs = load_bibliography(ROOT / "references.bib")
    made = build(load_brief(SAMPLE, keys=refs), practitioner, ["pdf", "docx", "html"], roots, refs)
    data = {o.relative_path.suffix: o.data for o in made}

    page = data[".html"].decode("utf-8")
    assert re.findall(r"<h2[^>]*>([^<]*)</h2>", page)[:2] == ["Key messages", "Summary"]
    pdf = tmp_path / "practitioner.pdf"
    pdf.write_bytes(data[".pdf"])
    tree = subprocess.run([require_program("pdfinfo"), "-struct-text", str(pdf)], capture_output=True, text=True)
    headings = re.findall(r'^ *(H\d) \(block\)\n *"([^"]*)"', tree.stdout, flags=re.M)
    assert headings[:3] == [("H1", SAMPLE_TITLE), ("H2", "Key messages"), ("H2", "Summary")]
    body = docx.Document(io.BytesIO(data[".docx"])).element.body
    texts = [(p, "".join(t.text or "" for t in p.iter(qn("w:t")))) for p in body.iter(qn("w:p"))]
    [label] = [p for p, text in texts if text == "Key\xa0messages"]  # no word alone on the line
    assert label.pPr.pStyle.val == "Heading1"  # Word's level 1, as "Summary"
