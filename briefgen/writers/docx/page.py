"""Page set-up, running header and footer, the title band and the document's properties."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import UTC, datetime

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ...design import Theme
from ...model import Metadata
from ..common import byline, meta_author, running_text
from . import ooxml

PAGE_SIZES_MM = {"A4": (210, 297), "Letter": (215.9, 279.4)}


def clear_body(document) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            for extra in part.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
            if part.paragraphs:
                first = part.paragraphs[0]
                if first._p.pPr is not None:
                    first._p.remove(first._p.pPr)  # its tab stops and borders are set afresh
                first.clear()


def _marking_run(paragraph, text: str, theme: Theme, size: float | None = None) -> None:
    run = paragraph.add_run(text)
    run.bold = theme.marking.bold
    if size:
        run.font.size = Pt(size)
    run.font.color.rgb = RGBColor.from_string(theme.marking.colour.lstrip("#"))


def setup_page(document, meta: Metadata, theme: Theme) -> None:
    section = document.sections[0]
    width, height = PAGE_SIZES_MM[theme.page_size]
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.orientation = WD_ORIENT.PORTRAIT
    top, right, bottom, left = theme.margins
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance, section.footer_distance = Mm(max(top - 10, 6)), Mm(max(bottom - 12, 6))
    section.different_first_page_header_footer = True
    text_width = section.page_width - section.left_margin - section.right_margin
    for footer in (section.footer, section.first_page_footer):
        p = footer.paragraphs[0]
        p.style = document.styles["Footer"]
        p.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
        p.add_run(running_text(theme.footer, meta) + "\t" + theme.label("page") + " ")
        ooxml.field_runs(p, "PAGE")
        p.add_run(f" {theme.label('of')} ")
        ooxml.field_runs(p, "NUMPAGES")
        ooxml.paragraph_border(p, "top", 4, theme.colours.rule, space=4)
    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    header.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    header.add_run(running_text(theme.header, meta))
    if meta.marking:
        _marking_run(header, "\t" + meta.marking.upper(), theme)
    ooxml.paragraph_border(header, "bottom", 4, theme.colours.rule, space=4)
    first_header = section.first_page_header.paragraphs[0]
    if meta.marking:
        first_header.alignment = 2  # right
        _marking_run(first_header, meta.marking.upper(), theme, theme.marking.size)


def title_block(document, meta: Metadata, theme: Theme, logo: bytes | None) -> None:
    """The title band: a full-width cell in the accent colour; then the byline."""
    band = document.add_table(rows=1, cols=1)
    band.alignment = WD_TABLE_ALIGNMENT.CENTER
    ooxml.table_width_full(band)
    cell = band.cell(0, 0)
    ooxml.shade_cell(cell, theme.colours.accent)
    ooxml.cell_margins(cell, 360, 280, 300, 280)
    if logo:
        para = cell.paragraphs[0]
        para.alignment = 2  # right
        para.add_run().add_picture(io.BytesIO(logo), height=Mm(12))
        cell.add_paragraph()
    first = cell.paragraphs[-1]
    kicker = " · ".join(x for x in (meta.organisation, meta.series) if x)
    if kicker:
        first.style = document.styles["Kicker"]
        first.add_run(kicker.upper())
        title = cell.add_paragraph(meta.title, style="Title")
    else:
        first.style = document.styles["Title"]
        first.add_run(meta.title)
        title = first
    title.paragraph_format.keep_with_next = True
    if meta.subtitle:
        cell.add_paragraph(meta.subtitle, style="Subtitle")
    line = byline(meta)
    if line:
        document.add_paragraph(line, style="Byline")


def set_properties(document, meta: Metadata, epoch: int) -> None:
    props = document.core_properties
    props.title = meta.title
    props.subject = meta.subtitle or meta.title
    props.author = meta_author(meta)
    props.keywords = ", ".join(meta.keywords)
    props.language = meta.language
    props.category = meta.series
    props.comments = f"{meta.audience} brief" if meta.audience else ""
    props.last_modified_by = "briefgen"
    props.revision = 1
    when = datetime.fromtimestamp(epoch, tz=UTC).replace(tzinfo=None)
    props.created = when
    props.modified = when
    props.last_printed = when
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[r_id]


def save(document, epoch: int) -> bytes:
    """The package's bytes, with zip entries stamped with the release date, not the clock."""
    buf = io.BytesIO()
    document.save(buf)
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip cannot store dates before 1980
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            clean = zipfile.ZipInfo(info.filename, date_time=stamp)
            clean.compress_type = zipfile.ZIP_DEFLATED
            clean.external_attr = 0o644 << 16
            dst.writestr(clean, src.read(info.filename))
    return out.getvalue()
