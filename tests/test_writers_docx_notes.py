"""LibreOffice's layout of a long brief's DOCX: every note on its marker's page, no more pages than the PDF.

The field-notes brief made ten times longer (bench/scale.py) cites 177 notes from the practitioner
brief's cards. When a box's fill ran 8 points below its last line, LibreOffice did not count that
room when it fitted a note under a marker on a box's last line at a page foot, and sent 5 notes a
page after their marker; with the heading and paragraph space inside the fill too, the DOCX ran 19
pages to the PDF's 18. Padded as the PDF's boxes: no note off its page, 18 pages.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest
from notepages import libreoffice_pdfs, note_pages

from conftest import require_program

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def _box_paragraphs(document_xml: str, title: str) -> list[str]:
    """The `<w:p>` elements of the card whose title starts with `title`, up to the spacer after it."""
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", document_xml, flags=re.S)
    start = next(i for i, p in enumerate(paragraphs) if title in "".join(re.findall(r"<w:t[^>]*>([^<]*)", p)))
    end = next(i for i in range(start, len(paragraphs)) if "<w:pStyle" not in paragraphs[i])
    return paragraphs[start:end]


def test_a_box_is_padded_by_its_frame_alone(sample_outputs):
    """No heading space above a card's title and no paragraph space below its text, inside the fill."""
    with zipfile.ZipFile(io.BytesIO(sample_outputs["kazakhstan-osce-2010_practitioner.docx"])) as package:
        document, styles = (package.read(f"word/{name}.xml").decode() for name in ("document", "styles"))
    card = _box_paragraphs(document, "CA-1 ·")
    assert len(card) >= 3 and 'w:before="0"' in card[0] and 'w:after="0"' in card[-1]
    assert all('w:after="0"' not in p for p in card[:-1])  # the paragraphs inside keep their spacing
    style = re.search(r'<w:style [^>]*w:styleId="CardHigh".*?</w:style>', styles, flags=re.S).group(0)
    assert re.search(r'<w:bottom [^>]*w:space="4"', style) and re.search(r'<w:top [^>]*w:space="8"', style)


@pytest.fixture(scope="module")
def long_brief(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The practitioner brief of field-notes x10: briefgen's PDF and LibreOffice's PDF of its DOCX."""
    soffice = require_program("soffice")
    folder = tmp_path_factory.mktemp("long-notes")
    source = folder / "long.yaml"
    scale = [sys.executable, str(ROOT / "bench" / "scale.py"), str(DATA / "briefs" / "field-notes.yaml"), "10"]
    source.write_bytes(subprocess.run(scale, check=True, capture_output=True, timeout=60).stdout)
    build = [sys.executable, "-m", "briefgen", "build", str(source), "--bib", str(DATA / "biblatex-examples.bib")]
    options = ["-a", "practitioner", "-f", "pdf", "-f", "docx", "-o", str(folder / "out"), "-j", "1"]
    subprocess.run([*build, *options], check=True, capture_output=True, timeout=600, cwd=folder)
    docx_file = next((folder / "out").rglob("*_practitioner.docx"))
    (lo_pdf,) = libreoffice_pdfs(soffice, [docx_file], folder / "lo", folder / "profile")
    return docx_file.with_suffix(".pdf"), lo_pdf


@pytest.mark.slow
def test_libreoffice_puts_every_note_of_a_long_brief_on_its_markers_page(long_brief):
    _, lo_pdf = long_brief
    notes = note_pages(lo_pdf)
    assert len(notes.markers) > 150 and set(notes.markers) == set(notes.notes)  # every marker and note read
    assert len(notes.off_their_page()) <= 1, notes.off_their_page()


@pytest.mark.slow
def test_libreoffice_lays_a_long_brief_on_no_more_pages_than_the_pdf(long_brief):
    pdf, lo_pdf = long_brief
    pdf_pages, lo_pages = len(pypdf.PdfReader(pdf).pages), len(pypdf.PdfReader(lo_pdf).pages)
    assert pdf_pages - 1 <= lo_pages <= pdf_pages  # within one, and never a page longer
