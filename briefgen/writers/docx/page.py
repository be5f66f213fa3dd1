"""Page set-up, running header and footer, the title band and the document's properties."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Mm, Pt, RGBColor, Twips

from ...design import Theme, display_title
from ...model import Metadata
from ..common import byline, kicker_text, meta_author, running_text
from . import fonts, ooxml
from .styles import StyleIndex

PAGE_SIZES_MM = {"A4": (210, 297), "Letter": (215.9, 279.4)}
POINTS_PER_MM = 72 / 25.4
TWIPS_PER_MM = 20 * POINTS_PER_MM
# Where the PDF writer draws the page's furniture (pdf/pages.py: BAND_TOP, BAND_BOTTOM, the
# running header and marking; the 7 mm under the band in pdf/__init__.py), in mm from the page's top edge.
BAND_TOP_MM = 14  # the title band's first line
BAND_BOTTOM_MM = 9  # the band under its last line
BAND_GAP_MM = 7  # from the band to the text under it
MARKING_BASELINE_MM = 8  # "FOR OFFICIAL USE" on the band
RUNNING_BASELINE_ABOVE_MM = 5  # the running header's baseline above the text of later pages
RULE_ABOVE_MM = 3.5  # its rule above the text
HEADER_DISTANCE_MM = 5  # where Word starts the header; its paragraphs' spacing does the rest
DESCENT = 0.3  # of the bundled Noto faces, in ems: where a line's baseline sits above its bottom
RULE_POINTS = 0.5  # the running header's rule (4 eighths of a point)
STRIP_OVERLAP_MM = 3  # the coloured strip above the band reaches this far under the band's top
LOGO_BOX_MM = (45, 16)  # a logo is scaled to fit this width and height, as in the PDF
LOGO_GAP_MM = 6  # between the band's text and the logo


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


def _marking_run(paragraph, text: str, theme: Theme) -> None:
    run = paragraph.add_run(ooxml.xml_text(text))
    run.bold = theme.marking.bold
    run.font.color.rgb = RGBColor.from_string(theme.marking.colour.lstrip("#"))


def setup_page(document, styles: StyleIndex, meta: Metadata, theme: Theme) -> None:
    """Page size and margins, the footer, and the running header of later pages.

    Page one starts its text where the title band's first line goes (BAND_TOP_MM, if the
    margin is not smaller); later pages start at the style's top margin because their
    running header, sized to end there, pushes the text down, as in Word and LibreOffice
    a header taller than the margin does. So both match the PDF writer's pages.
    """
    section = document.sections[0]
    width, height = PAGE_SIZES_MM[theme.page_size]
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.orientation = WD_ORIENT.PORTRAIT
    top, right, bottom, left = theme.margins
    section.top_margin, section.right_margin = Mm(min(top, BAND_TOP_MM)), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance = Mm(min(HEADER_DISTANCE_MM, top / 2))
    section.footer_distance = Mm(max(bottom - 12, 6))
    section.different_first_page_header_footer = True
    text_width = section.page_width - section.left_margin - section.right_margin
    for footer in (section.footer, section.first_page_footer):
        p = footer.paragraphs[0]
        p._p.style = styles.id_of("Footer")
        p.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
        p.add_run(ooxml.xml_text(running_text(theme.footer, meta) + "\t" + theme.label("page") + " "))
        ooxml.field_runs(p, "PAGE")
        p.add_run(ooxml.xml_text(f" {theme.label('of')} "))
        ooxml.field_runs(p, "NUMPAGES")
        ooxml.paragraph_border(p, "top", 4, theme.colours.rule, space=4)
    header = section.header.paragraphs[0]
    header._p.style = styles.id_of("Header")
    header.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    text = running_text(theme.header, meta)
    header.add_run(ooxml.xml_text(text))
    if meta.marking:
        _marking_run(header, "\t" + meta.marking.upper(), theme)
    _place_running_header(header, theme, top, section.header_distance.mm, ruled=bool(text or meta.marking))
    # page one's header holds only the title band's top (title_block): no running header there


def _place_running_header(header, theme: Theme, top: float, distance: float, ruled: bool = True) -> None:
    """Baseline and rule where the PDF draws them, and the header ending at the top margin (mm).

    `ruled`: whether the header has text under which to draw the rule (the PDF draws none either).
    """
    role = theme.running
    fmt = header.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(role.leading)
    baseline_in_line = role.leading - DESCENT * role.size  # points below the line's top
    before = max(0.0, (top - RUNNING_BASELINE_ABOVE_MM - distance) * POINTS_PER_MM - baseline_in_line)
    rule_space = max(0.0, (RUNNING_BASELINE_ABOVE_MM - RULE_ABOVE_MM) * POINTS_PER_MM - DESCENT * role.size)
    used = distance * POINTS_PER_MM + before + role.leading + rule_space + RULE_POINTS
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(max(0.0, top * POINTS_PER_MM - used))
    if ruled:
        ooxml.paragraph_border(header, "bottom", round(RULE_POINTS * 8), theme.colours.rule, space=round(rule_space))


def _twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def title_block(
    document, styles: StyleIndex, meta: Metadata, theme: Theme, logo: bytes | None, logo_alt: str = ""
) -> None:
    """The title band, edge to edge across the top of page one as in the PDF; then the byline.

    The band is a table as wide as the page, reaching into both side margins (so it stays
    text: read, edited and restyled as a table); its cell margins put the text at the
    body's margins, and a logo in a second cell at the right, as the PDF draws it. Above
    it, from the page's edge down to where page one's text starts, a rectangle of the same
    colour in page one's header, which also carries the marking. The page's text follows
    BAND_GAP_MM under the band, as in the PDF.
    """
    section = document.sections[0]
    page_width = section.page_width.twips
    left, right = section.left_margin.twips, section.right_margin.twips
    top, bottom = _twips(BAND_TOP_MM - section.top_margin.mm), _twips(BAND_BOTTOM_MM)
    logo_size = _logo_size(logo) if logo else None
    logo_column = logo_size[0] + _twips(LOGO_GAP_MM) + right if logo_size else 0
    _hairline(document.add_paragraph())
    band = document.add_table(rows=1, cols=2 if logo_size else 1)
    ooxml.table_width(band, [page_width - logo_column, logo_column] if logo_size else [page_width])
    # below Word 2013's layout, Word (and LibreOffice after it) puts a table's text, not its edge, at the indent
    text_placed = ooxml.compatibility_mode(document.settings.element) < 15
    ooxml.table_indent(band, 0 if text_placed else -left)
    ooxml.table_cell_margins(band, top, left, bottom, right)
    cells = band.rows[0].cells
    for cell in cells:
        ooxml.shade_cell(cell, theme.colours.accent)
    ooxml.cell_margins(cells[0], top, left, bottom, 0 if logo_size else right)
    if logo and logo_size:
        ooxml.cell_margins(cells[1], 0, _twips(LOGO_GAP_MM), bottom, right)
        para = cells[1].paragraphs[0]
        para.alignment = 2  # right
        picture = para.add_run().add_picture(io.BytesIO(logo), width=Twips(logo_size[0]), height=Twips(logo_size[1]))
        ooxml.set_alt_text(picture, logo_alt or meta.organisation)  # what a screen reader says for the logo
    cell = cells[0]
    first = cell.paragraphs[0]
    kicker = kicker_text(meta)
    if kicker:
        first._p.style = styles.id_of("Kicker")
        first.add_run(ooxml.xml_text(kicker.upper()))
        title = _styled(cell.add_paragraph(ooxml.xml_text(display_title(meta.title))), styles, "Title")
    else:
        first._p.style = styles.id_of("Title")
        first.add_run(ooxml.xml_text(display_title(meta.title)))
        title = first
    title.paragraph_format.keep_with_next = True
    if meta.subtitle:
        _styled(cell.add_paragraph(ooxml.xml_text(meta.subtitle)), styles, "Subtitle")
    _band_top(document, styles, section, meta, theme)  # after the logo: its shape id follows the picture's
    line = ooxml.xml_text(byline(meta))
    after_band = _styled(document.add_paragraph(line), styles, "Byline") if line else document.add_paragraph()
    after_band.paragraph_format.space_before = Pt(BAND_GAP_MM * POINTS_PER_MM)  # as the PDF: the frame's top
    if not line:  # only the gap: the text starts under it
        after_band.paragraph_format.space_after = Pt(0)
        after_band.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        after_band.paragraph_format.line_spacing = Pt(1)


def _styled(paragraph, styles: StyleIndex, name: str):
    """The paragraph in the style `name`: what `add_paragraph(text, style=name)` makes, found in the index."""
    paragraph._p.style = styles.id_of(name)
    return paragraph


def _hairline(paragraph) -> None:
    """An empty paragraph one point high, before the band.

    LibreOffice (7.4) opens a document that starts with a table and has footnotes with an
    empty line above the table, which would cut the band in two; a paragraph first avoids it.
    """
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)
    mark = OxmlElement("w:rPr")  # the paragraph mark's size: the line holds no taller glyph
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    ooxml.insert_in_order(paragraph._p.get_or_add_pPr(), mark, ooxml.PPR_ORDER)


def _logo_size(data: bytes) -> tuple[int, int]:
    """The logo's size in twips, scaled into the box the PDF gives it (LOGO_BOX_MM)."""
    image = Image.from_blob(data)
    box_width, box_height = (_twips(mm) for mm in LOGO_BOX_MM)
    scale = min(box_height / image.px_height, box_width / image.px_width)
    return round(image.px_width * scale), round(image.px_height * scale)


def _band_top(document, styles: StyleIndex, section, meta: Metadata, theme: Theme) -> None:
    """Page one's header: the band's colour from the page's edge, and the marking on it, as the PDF draws them."""
    paragraph = section.first_page_header.paragraphs[0]
    paragraph._p.style = styles.id_of("Header")
    strip_height = _twips(section.top_margin.mm + STRIP_OVERLAP_MM)
    # drawing ids (wp:docPr) are unique across the document's parts, as Word wants them
    shape_id = max(document.part.next_id, section.first_page_header.part.next_id)
    strip = ooxml.page_rectangle_run(
        shape_id, "Title band", section.page_width.twips, strip_height, theme.colours.accent
    )
    paragraph._p.append(strip)
    if not meta.marking:
        return
    role = theme.marking
    paragraph.alignment = 2  # right
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(role.leading)
    baseline_in_line = role.leading - DESCENT * role.size
    fmt.space_before = Pt(
        max(0.0, (MARKING_BASELINE_MM - section.header_distance.mm) * POINTS_PER_MM - baseline_in_line)
    )
    run = paragraph.add_run(ooxml.xml_text(meta.marking.upper()))
    run.bold = role.bold
    run.font.size = Pt(role.size)
    run.font.color.rgb = RGBColor.from_string(theme.title.colour.lstrip("#"))  # on the band, as in the PDF


PROPERTY_LIMIT = 255  # python-docx refuses a longer core property (counted by len(), in code points)
SEPARATORS = " ,;:·/–—-"  # not left dangling before the ellipsis


def property_text(text: str, limit: int = PROPERTY_LIMIT) -> str:
    """A core property's value: XML-safe, and cut at a word with "…" to fit `limit`.

    A long title, twelve authors or thirty keywords would make python-docx raise; the
    document's own text keeps them whole. A single word longer than the limit is cut inside.
    """
    text = ooxml.xml_text(text)
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if not text[limit - 1].isspace():  # the cut falls inside a word: drop the word
        head = head[: max((i for i, c in enumerate(head) if c.isspace()), default=len(head))]
    return (head.rstrip().rstrip(SEPARATORS) or text[: limit - 1]) + "…"


def set_properties(document, meta: Metadata, epoch: int) -> None:
    """The core properties (docProps/core.xml) from the metadata, each cut to what python-docx accepts.

    No custom property keeps the full value: python-docx (1.2) has no public API for
    docProps/custom.xml (python-docx issue 91), and the full text is in the document anyway.
    """
    props = document.core_properties
    props.title = property_text(meta.title)
    props.subject = property_text(meta.subtitle or meta.title)
    props.author = property_text(meta_author(meta))
    props.keywords = property_text(", ".join(meta.keywords))
    props.language = property_text(meta.language)
    props.category = property_text(meta.series)
    props.comments = property_text(f"{meta.audience} brief" if meta.audience else "")
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


# The dates a zip entry can hold (MS-DOS date and time: years 1980-2107, even seconds).
ZIP_FIRST = (1980, 1, 1, 0, 0, 0)
ZIP_LAST = (2107, 12, 31, 23, 59, 58)


def save(document, epoch: int, restore: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """The package's bytes, zip entries stamped with the release date (within zip's years), not the clock.

    `restore` gives each part back what opening the reference set aside (reference.SetAside).
    """
    stamp = min(max(time.gmtime(epoch)[:6], ZIP_FIRST), ZIP_LAST)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, part in package_entries(document):
            data = restore(name, part) if restore is not None else part
            clean = zipfile.ZipInfo(name, date_time=stamp)
            clean.compress_type = zipfile.ZIP_DEFLATED
            clean.external_attr = 0o644 << 16
            if name == "[Content_Types].xml":
                data = fonts.content_types_with_font_default(data)
            dst.writestr(clean, data)
    return out.getvalue()


class _Entries:
    """Takes what python-docx's package writer would zip, in its order, as (name, bytes)."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, bytes]] = []

    def write(self, pack_uri, blob: bytes) -> None:
        self.entries.append((pack_uri.membername, blob))


def package_entries(document) -> list[tuple[str, bytes]]:
    """The zip entries `document.save` writes, in its order, without zipping them.

    Saving compressed every part (the styles alone are 800 KB of XML) only for `save` to
    read them back and compress them again with its dates: a fifth of a warm DOCX build.
    python-docx's writer does the same steps (`PackageWriter.write`); without its helpers
    (a python-docx that renamed them), its zip is read back as before.
    """
    package = document.part.package
    parts = list(package.parts)
    entries = _Entries()
    try:
        write_types = PackageWriter._write_content_types_stream
        write_rels = PackageWriter._write_pkg_rels
        write_parts = PackageWriter._write_parts
    except AttributeError:  # pragma: no cover - another python-docx
        return _zipped_entries(document)
    for part in parts:
        part.before_marshal()
    write_types(entries, parts)
    write_rels(entries, package.rels)
    write_parts(entries, parts)  # type: ignore[arg-type]  # any writer with its `write`
    return entries.entries


def _zipped_entries(document) -> list[tuple[str, bytes]]:
    """The zip entries of `document.save`, read back from its zip."""
    buf = io.BytesIO()
    document.save(buf)
    with zipfile.ZipFile(buf) as src:
        return [(info.filename, src.read(info.filename)) for info in src.infolist()]
