"""Where a line may break and where it must not: ids in the overview, list numbers, labels and their values.

Each test builds a brief nobody tuned (two-part ids, two-digit lists) and reads the output as a
reader gets it: the PDF's text (pypdf), the DOCX's XML, the HTML's markup.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from docx import Document as Docx
from docx.oxml.ns import qn
from reportlab.pdfbase.pdfmetrics import stringWidth

from briefgen.audience import load_audiences, search_path
from briefgen.cli import cli
from briefgen.design import LIST_NUMBER_GAP, LIST_NUMBER_SCALE, Theme, theme
from briefgen.markdown import parse_markdown
from briefgen.model import Box, Document, Heading, Metadata, Paragraph, Text
from briefgen.style import Style
from briefgen.typography import typeset
from briefgen.writers import Assets
from briefgen.writers.html.page import write as html_write
from briefgen.writers.measure import text_width
from briefgen.writers.pdf import write as pdf_write
from briefgen.writers.pdf.styles import face_name, register_fonts

from conftest import ROOT, overview_audience
from helpers_briefs import REFERENCES_BIB


def _brief(groups: int = 2, items: int = 11) -> str:
    """Ids G10-1 ... G20-11 (six characters from the tenth on), long titles, every third one high."""
    lines = ["title: Water and borders", "date: 2010-01-15", "summary: Ministers met and agreed.", "recommendations:"]
    for g in range(1, groups + 1):
        lines += [f"  - group: Group {g}", "    items:"]
        for n in range(1, items + 1):
            lines += [
                f"      - id: G{g}0-{n}",
                f"        title: Open a regional water dialogue on the questions of shared rivers, number {n}",
                f"        priority: {'high' if n % 3 else 'low'}",
                "        timeframe: 2010–2011",
                f"        rationale: Because it matters. Here is why {n}.",
            ]
    return "\n".join(lines) + "\n"


pytestmark = pytest.mark.workspace(briefs={"ids.yaml": _brief()}, bib=REFERENCES_BIB)


def _build(*options: str) -> Path:
    result = CliRunner().invoke(cli, ["build", *options])
    assert result.exit_code == 0, result.output
    return Path("out") / "ids"


def _pdf_lines(path: Path) -> list[str]:
    return _pdf_text_lines(path.read_bytes())


def _pdf_text_lines(pdf: bytes) -> list[str]:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return [line.strip() for page in pages for line in page.extract_text().splitlines()]


# ---------------------------------------------------------------- ids never break


def test_the_overview_ids_never_break_in_the_pdf(workspace):
    lines = _pdf_lines(_build("-f", "pdf", "-a", overview_audience(workspace)) / "ids_overview.pdf")
    assert {"G10-10", "G10-11", "G20-10", "G20-11"} <= set(lines)  # each id whole on its line of the table
    assert "0" not in lines and "1" not in lines  # no id's last digit on a line of its own


def test_the_overview_ids_never_break_in_the_html(workspace):
    html = (_build("-f", "html", "-a", overview_audience(workspace)) / "ids_overview.html").read_text("utf-8")
    assert '<td style="white-space:nowrap">G10-10</td>' in html
    assert re.search(r"<td>Open a regional", html)  # a cell of many words still wraps


# ---------------------------------------------------------------- list numbers keep clear of their text


def _policymaker_theme() -> Theme:
    audiences = {a.name: a for a in load_audiences(None, search_path(ROOT / "templates"))}
    return theme(audiences["policymaker"].style)


def _drawn(page) -> list[tuple[str, float, float]]:
    """(text, x, y) of each piece of text a PDF page draws."""
    shown: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            shown.append((text.strip(), cm[4] + tm[4], round(cm[5] + tm[5], 1)))

    page.extract_text(visitor_text=visit)
    return shown


def test_two_digit_list_numbers_keep_a_gap_before_their_text_in_the_pdf(workspace):
    """ "15." and its text: at least LIST_NUMBER_GAP ems apart (they were about 1 mm apart)."""
    pdf = pypdf.PdfReader(_build("-f", "pdf", "-a", "policymaker") / "ids_policymaker.pdf")
    look = _policymaker_theme()
    register_fonts()
    number_font, number_size = face_name(look.headings[0].family, "Bold"), look.body.size * LIST_NUMBER_SCALE
    checked = 0
    for page in pdf.pages:
        shown = _drawn(page)
        for number, x, y in (s for s in shown if re.fullmatch(r"1\d\.", s[0])):
            text_x = min(sx for text, sx, sy in shown if abs(sy - y) < look.body.size / 2 and sx > x)  # its line
            gap = text_x - (x + stringWidth(number, number_font, number_size))
            assert gap >= LIST_NUMBER_GAP * look.body.size - 0.01, (number, gap)
            checked += 1
    assert checked == 7  # 10. to 16.


def test_two_digit_list_numbers_keep_a_gap_before_their_text_in_the_docx(workspace):
    """The numbering's hanging indent holds "16." (bold, at the body size) and the gap; it was 0.58 cm."""
    document = Docx(str(_build("-f", "docx", "-a", "policymaker") / "ids_policymaker.docx"))
    numbered = [p for p in document.paragraphs if p.style is not None and p.style.name == "List Number"]
    assert len(numbered) == 16
    num_id = str(numbered[0]._p.pPr.numPr.numId.val)
    numbering = document.part.numbering_part.element
    num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    indent = abstract.find(qn("w:lvl")).find(qn("w:pPr")).find(qn("w:ind"))
    hanging = int(indent.get(qn("w:hanging"))) / 20  # twips to points: the number's room before the text
    look = _policymaker_theme()
    number = replace(look.headings[0], size=look.body.size, bold=True)
    assert hanging >= text_width("16.", number) + LIST_NUMBER_GAP * look.body.size


# ---------------------------------------------------------------- a label keeps its value


def test_a_label_never_ends_a_line_without_its_value_in_the_pdf():
    """Eighty lines of growing length put "When:" at every place of a line, the end among them."""
    text = "\n\n".join(f"{'Words ' * (k // 3)}{'x' * (k % 3)} · **When:** 2010–2011" for k in range(80))
    document = typeset(Document(Metadata(title="Labels"), parse_markdown(text)))
    lines = _pdf_text_lines(pdf_write(document, theme(Style()), Assets()).data)
    assert sum(line.endswith("2010–2011") for line in lines) == 80
    assert not [line for line in lines if line.endswith("When:")]


def test_a_label_keeps_its_value_in_the_docx_and_html(workspace):
    out = _build("-f", "docx", "-f", "html", "-a", "practitioner")
    html = (out / "ids_practitioner.html").read_text(encoding="utf-8")
    assert html.count("<strong>When:</strong>\u00a02010–2011") == 22  # every card
    xml = zipfile.ZipFile(out / "ids_practitioner.docx").read("word/document.xml").decode()
    assert len(re.findall(r"When:</w:t></w:r><w:r><w:t xml:space=\"preserve\">\u00a02010", xml)) == 22


# ---------------------------------------------------------------- the running header


def _header_rules(pdf: Path) -> list[tuple[float, ...]]:
    """Horizontal lines drawn in the top 100 points of page 2: the running header's rule."""
    page = pypdf.PdfReader(pdf).pages[1]
    data = page.get_contents().get_data().decode("latin-1")
    found = re.findall(r"(-?[\d.]+) (-?[\d.]+) m\s+(-?[\d.]+) (-?[\d.]+) l", data)
    lines = [tuple(float(v) for v in line) for line in found]
    return [line for line in lines if line[1] == line[3] and line[1] > float(page.mediabox.height) - 100]


def _header_borders(docx: Path) -> list[bool]:
    with zipfile.ZipFile(docx) as package:
        return [b"w:pBdr" in package.read(n) for n in package.namelist() if n.startswith("word/header")]


def test_no_header_rule_over_nothing_when_a_brief_has_no_organisation(workspace):
    (workspace / "briefs" / "org.yaml").write_text(
        _brief().replace("date:", "organisation: OSCE Academy\ndate:", 1), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["build", "-f", "pdf", "-f", "docx", "-a", "practitioner"])
    assert result.exit_code == 0, result.output
    bare, named = Path("out/ids/ids_practitioner"), Path("out/org/org_practitioner")
    assert _header_rules(bare.with_suffix(".pdf")) == [] and not any(_header_borders(bare.with_suffix(".docx")))
    assert len(_header_rules(named.with_suffix(".pdf"))) == 1 and any(_header_borders(named.with_suffix(".docx")))


# ---------------------------------------------------------------- the reference list's indent


def _padding_left(css: str, element: str, cls: str) -> float:
    """The left padding, in points, the rules of `css` give an `element` of class `cls`, added up."""
    total = 0.0
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if any(s.strip() in (f".{cls}", f"{element}.{cls}") for s in selectors.split(",")):
            padding = re.search(r"padding-left:\s*([\d.]+)pt", body)
            total += float(padding[1]) if padding else 0.0
    return total


def test_the_html_reference_list_hangs_as_far_as_the_pdfs():
    """The PDF's entries hang by the bibliography role's `hanging` (styles.py: leftIndent); the HTML's
    box around them has the class too and was indented as well, 16.8 pt further in."""
    look = theme(Style())
    entry = Paragraph((Text("Doe, Jane. 2020. “Water and Borders.” Central Asian Survey."),), role="bibliography")
    html = html_write(Document(Metadata(title="Sources"), (Box(("bibliography",), (entry,)),)), look, Assets())
    page = html.data.decode("utf-8")
    assert '<div class="bibliography">' in page and '<p class="bibliography">' in page
    css = re.search(r"<style>(.*?)</style>", page, re.S)[1]
    indent = _padding_left(css, "div", "bibliography") + _padding_left(css, "p", "bibliography")
    assert indent == pytest.approx(look.bibliography.hanging, abs=0.05)


# ---------------------------------------------------------------- balanced titles


def test_a_balanced_html_title_never_breaks_a_hyphenated_compound():
    """Headings are balanced (text-wrap: balance) and a browser breaks after a hyphen: Chromium set the
    sample's card title as "… confidence-" / "building …" at every width."""
    title = Heading(3, (Text("CA-3 · Launch regional confidence-building measures to curb the arms race"),))
    page = html_write(Document(Metadata(title="Titles"), (title,)), theme(Style()), Assets()).data.decode("utf-8")
    heading = re.search(r"<h[2-6][^>]*>(.*?)</h[2-6]>", page)[1]
    assert '<span style="white-space:nowrap">confidence-building</span>' in heading
    assert '<span style="white-space:nowrap">CA-3</span>' in heading
    assert re.sub(r"<[^>]+>", "", heading) == title.children[0].text  # the words themselves unchanged


# ---------------------------------------------------------------- the kicker


def test_the_kicker_never_parts_a_number_from_its_label(workspace):
    """On a 390 px phone the kicker broke before the "3" of "NO. 3"; every format prints the same line."""
    (workspace / "briefs" / "series.yaml").write_text(
        _brief().replace(
            "date:", "organisation: Central Asia Security Programme\nseries: Policy Brief No. 3\ndate:", 1
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["build", "-f", "html", "-f", "docx", "-f", "txt", "-a", "practitioner"])
    assert result.exit_code == 0, result.output
    out = Path("out/series")
    assert "Central Asia Security Programme · Policy Brief No.\u00a03<" in (out / "series_practitioner.html").read_text(
        encoding="utf-8"
    )
    with zipfile.ZipFile(out / "series_practitioner.docx") as package:
        assert re.search("Policy Brief No.\u00a03", package.read("word/document.xml").decode("utf-8"), re.I)
    assert "NO.\u00a03" in (out / "series_practitioner.txt").read_text(encoding="utf-8").upper()


# ---------------------------------------------------------------- the page budget


def test_check_warns_of_a_brief_too_long_for_its_audience_as_build_does(workspace):
    """40 actions for ministers: `check` passed the brief and `build` then found the PDF over max_pages."""
    (workspace / "briefs" / "ids.yaml").unlink()
    (workspace / "briefs" / "long.yaml").write_text(_brief(groups=4, items=15), encoding="utf-8")
    checked = CliRunner().invoke(cli, ["check"])
    assert checked.exit_code == 0, checked.output
    built = CliRunner().invoke(cli, ["build", "-f", "pdf", "-a", "policymaker"])
    assert built.exit_code == 0, built.output

    def over(output: str) -> list[str]:
        return [line for line in output.splitlines() if "(max_pages)" in line]

    assert over(checked.output) and over(checked.output) == over(built.output)
    assert "long_policymaker.pdf" in over(checked.output)[0] and "its audience allows 2" in over(checked.output)[0]
