"""DOCX writer: the document model -> a Word document with real Word styles.

Headings use Heading 1-4, lists Word numbering (ordered lists restart), notes are
real footnotes (`word/footnotes.xml`), boxes and cards are shaded one-cell tables.
Fonts and colours come from the audience's style; an audience folder may ship a
`reference.docx` whose styles are used as the starting point, as pandoc does.
"""

from __future__ import annotations

import io
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from .. import fonts
from ..model import (
    Block,
    Box,
    Code,
    Document,
    Emph,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Note,
    Quote,
    Rule,
    Strong,
    Table,
    Text,
    plain_text,
)
from ..model import Paragraph as Para
from ..style import Style
from . import ooxml
from .common import byline, release_epoch, running_text

LIST_BULLET_NUM_ID = 1  # python-docx's default template: List Bullet uses numId 1, List Number numId 5
LIST_NUMBER_NUM_ID = 5


class _PartHolder:
    """Lets python-docx proxies (Paragraph, Run) live inside the footnotes part."""

    def __init__(self, part) -> None:
        self.part = part


class _Writer:
    def __init__(self, doc: Document, style: Style, reference: Path | None) -> None:
        self.model, self.style = doc, style
        self.doc = docx.Document(str(reference) if reference else None)
        if reference:
            _clear_body(self.doc)  # a reference document lends its styles, not its sample text
        self.footnotes = ooxml.Footnotes(self.doc.part)
        self.accent = style.colours.accent.lstrip("#")
        self.body_font = fonts.family_name(style.fonts.body)
        self.head_font = fonts.family_name(style.fonts.headings)

    # ------------------------------------------------------------ styles
    def ensure_styles(self) -> None:
        """With a user's reference.docx, its styles win; only add the ones it lacks."""
        names = {s.name for s in self.doc.styles}
        for name, kind in (
            ("Kicker", WD_STYLE_TYPE.PARAGRAPH),
            ("Byline", WD_STYLE_TYPE.PARAGRAPH),
            ("Bibliography", WD_STYLE_TYPE.PARAGRAPH),
            ("Footnote Text", WD_STYLE_TYPE.PARAGRAPH),
            ("Footnote Reference", WD_STYLE_TYPE.CHARACTER),
            ("Hyperlink", WD_STYLE_TYPE.CHARACTER),
        ):
            if name not in names:
                new = self._style(name, kind, "Normal" if kind == WD_STYLE_TYPE.PARAGRAPH else None)
                if name == "Footnote Reference":
                    new.font.superscript = True

    def setup_styles(self) -> None:
        st, size, c = self.doc.styles, self.style.fonts.size, self.style.colours
        lang = self.model.meta.language

        normal = st["Normal"]
        ooxml.set_style_fonts(normal, self.body_font)
        normal.font.size = Pt(size)
        ooxml.set_style_colour(normal, c.text)
        ooxml.set_style_language(normal, lang)
        normal.paragraph_format.space_after = Pt(size * 0.6)
        normal.paragraph_format.line_spacing = Pt(size * 1.42)  # as in the PDF; "auto" runs taller with Noto
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST

        for level, scale, colour in ((1, 1.45, c.accent), (2, 1.2, c.accent), (3, 1.04, c.text), (4, 1.0, c.text)):
            h = st[f"Heading {level}"]
            ooxml.set_style_fonts(h, self.head_font)
            ooxml.remove_theme_colour(h)
            ooxml.set_style_colour(h, colour)
            h.font.size = Pt(size * scale)
            h.font.bold = True
            h.font.italic = False
            h.paragraph_format.space_before = Pt(size * (1.3 if level == 1 else 0.9))
            h.paragraph_format.space_after = Pt(size * 0.4)
            h.paragraph_format.keep_with_next = True

        title = st["Title"]
        ooxml.set_style_fonts(title, self.head_font)
        ooxml.remove_theme_colour(title)
        ooxml.set_style_colour(title, "#FFFFFF")
        title.font.size = Pt(size * 2.15)
        title.font.bold = True
        ppr = title.element.get_or_add_pPr()
        for bdr in ppr.findall(qn("w:pBdr")):
            ppr.remove(bdr)
        title.paragraph_format.space_after = Pt(size * 0.4)

        subtitle = st["Subtitle"]
        ooxml.set_style_fonts(subtitle, self.body_font)
        ooxml.remove_theme_colour(subtitle)
        ooxml.set_style_colour(subtitle, "#DCE6F0")
        subtitle.font.size = Pt(size * 1.2)
        subtitle.font.italic = True
        for spacing in subtitle.element.get_or_add_rPr().findall(qn("w:spacing")):
            spacing.getparent().remove(spacing)  # the default template letter-spaces subtitles

        kicker = self._style("Kicker", WD_STYLE_TYPE.PARAGRAPH, "Normal")
        ooxml.set_style_fonts(kicker, self.head_font)
        ooxml.set_style_colour(kicker, "#FFFFFF")
        kicker.font.size, kicker.font.bold = Pt(size * 0.8), True
        kicker.paragraph_format.space_after = Pt(size * 0.9)

        by = self._style("Byline", WD_STYLE_TYPE.PARAGRAPH, "Normal")
        ooxml.set_style_fonts(by, self.head_font)
        ooxml.set_style_colour(by, c.muted)
        by.font.size = Pt(size * 0.86)
        by.paragraph_format.space_before = Pt(size * 0.8)
        by.paragraph_format.space_after = Pt(size * 1.0)

        bib = self._style("Bibliography", WD_STYLE_TYPE.PARAGRAPH, "Normal")
        bib.font.size = Pt(size * 0.9)
        bib.paragraph_format.left_indent = Pt(size * 1.6)
        bib.paragraph_format.first_line_indent = Pt(-size * 1.6)
        bib.paragraph_format.space_after = Pt(size * 0.35)

        note = self._style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH, "Normal")
        note.font.size = Pt(size * 0.76)
        note.paragraph_format.space_after = Pt(size * 0.12)
        note.paragraph_format.line_spacing = 1.0
        ref = self._style("Footnote Reference", WD_STYLE_TYPE.CHARACTER, None)
        ref.font.superscript = True
        link = self._style("Hyperlink", WD_STYLE_TYPE.CHARACTER, None)
        link.font.underline = True
        ooxml.set_style_colour(link, c.accent)

        for name in ("List Bullet", "List Number"):
            st[name].paragraph_format.space_after = Pt(size * 0.3)
            ppr = st[name].element.get_or_add_pPr()
            for contextual in ppr.findall(qn("w:contextualSpacing")):
                ppr.remove(contextual)  # would swallow the space between items

        for name in ("Header", "Footer"):
            hf = st[name]
            ooxml.set_style_fonts(hf, self.head_font)
            ooxml.set_style_colour(hf, c.muted)
            hf.font.size = Pt(size * 0.72)
            hf.paragraph_format.tab_stops.clear_all()  # the template's Letter-width stops misplace text

    def _style(self, name: str, kind: WD_STYLE_TYPE, base: str | None):
        styles = self.doc.styles
        try:
            return styles[name]
        except KeyError:
            new = styles.add_style(name, kind)
            if base:
                new.base_style = styles[base]
            return new

    # ------------------------------------------------------------ page
    def setup_page(self) -> None:
        section = self.doc.sections[0]
        if self.style.page.size == "A4":
            section.page_width, section.page_height = Mm(210), Mm(297)
        else:
            section.page_width, section.page_height = Mm(215.9), Mm(279.4)
        section.orientation = WD_ORIENT.PORTRAIT
        top, right, bottom, left = self.style.page.margins
        section.top_margin, section.right_margin = Mm(top), Mm(right)
        section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
        section.header_distance, section.footer_distance = Mm(max(top - 10, 6)), Mm(max(bottom - 12, 6))
        section.different_first_page_header_footer = True
        text_width = section.page_width - section.left_margin - section.right_margin
        meta = self.model.meta
        for footer in (section.footer, section.first_page_footer):
            p = footer.paragraphs[0]
            p.style = self.doc.styles["Footer"]
            p.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
            p.add_run(running_text(self.style.footer, meta) + "\t" + self.style.label("page") + " ")
            ooxml.field_runs(p, "PAGE")
            p.add_run(f" {self.style.label('of')} ")
            ooxml.field_runs(p, "NUMPAGES")
            ooxml.paragraph_border(p, "top", 4, self.style.colours.rule, space=4)
        header = section.header.paragraphs[0]
        header.style = self.doc.styles["Header"]
        header.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
        header.add_run(running_text(self.style.header, meta))
        if meta.marking:
            run = header.add_run("\t" + meta.marking.upper())
            run.bold = True
            run.font.color.rgb = RGBColor.from_string(self.style.colours.high.lstrip("#"))
        ooxml.paragraph_border(header, "bottom", 4, self.style.colours.rule, space=4)
        first_header = section.first_page_header.paragraphs[0]
        if meta.marking:
            first_header.alignment = 2  # right
            run = first_header.add_run(meta.marking.upper())
            run.bold = True
            run.font.size = Pt(self.style.fonts.size * 0.78)
            run.font.color.rgb = RGBColor.from_string(self.style.colours.high.lstrip("#"))

    def title_block(self) -> None:
        meta = self.model.meta
        band = self.doc.add_table(rows=1, cols=1)
        band.alignment = WD_TABLE_ALIGNMENT.CENTER
        ooxml.table_width_full(band)
        cell = band.cell(0, 0)
        ooxml.shade_cell(cell, self.style.colours.accent)
        ooxml.cell_margins(cell, 360, 280, 300, 280)
        if self.style.logo:
            logo = cell.paragraphs[0]
            logo.alignment = 2  # right
            logo.add_run().add_picture(self.style.logo, height=Mm(12))
            cell.add_paragraph()
        first = cell.paragraphs[-1]
        kicker = " · ".join(x for x in (meta.organisation, meta.series) if x)
        if kicker:
            first.style = self.doc.styles["Kicker"]
            first.add_run(kicker.upper())
            title = cell.add_paragraph(meta.title, style="Title")
        else:
            first.style = self.doc.styles["Title"]
            first.add_run(meta.title)
            title = first
        title.paragraph_format.keep_with_next = True
        if meta.subtitle:
            cell.add_paragraph(meta.subtitle, style="Subtitle")
        line = byline(meta)
        if line:
            self.doc.add_paragraph(line, style="Byline")

    # ------------------------------------------------------------ inlines
    def inlines(
        self,
        paragraph: DocxParagraph,
        nodes: tuple[Inline, ...],
        container=None,
        bold: bool = False,
        italic: bool = False,
        link_style: bool = False,
    ) -> None:
        container = paragraph._p if container is None else container
        for node in nodes:
            match node:
                case Text(text=t):
                    self._run(paragraph, container, t, bold, italic, link_style)
                case Code(text=t):
                    run = self._run(paragraph, container, t, bold, italic, link_style)
                    run.font.name = fonts.family_name("sans")
                case Emph(children=c):
                    self.inlines(paragraph, c, container, bold, True, link_style)
                case Strong(children=c):
                    self.inlines(paragraph, c, container, True, italic, link_style)
                case Link(children=c, url=u):
                    r_id = paragraph.part.relate_to(u, RT.HYPERLINK, is_external=True)
                    hyperlink = OxmlElement("w:hyperlink")
                    hyperlink.set(qn("r:id"), r_id)
                    container.append(hyperlink)
                    self.inlines(paragraph, c, hyperlink, bold, italic, True)
                case LineBreak():
                    self._run(paragraph, container, "", bold, italic, link_style).add_break(WD_BREAK.LINE)
                case Note(blocks=b):
                    container.append(ooxml.footnote_reference_run(self._footnote(b), "FootnoteReference"))
                case _:
                    raise TypeError(f"DOCX writer: unknown inline node {type(node).__name__}")

    @staticmethod
    def _run(paragraph: DocxParagraph, container, text: str, bold: bool, italic: bool, link: bool) -> Run:
        r = OxmlElement("w:r")
        container.append(r)
        run = Run(r, paragraph)
        if link:
            r.style = "Hyperlink"  # by style id: also works inside the footnotes part
        if text:
            run.text = text
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        return run

    def _footnote(self, blocks: tuple[Block, ...]) -> int:
        note_id, element = self.footnotes.new()
        holder = _PartHolder(self.footnotes.part)
        for i, block in enumerate(blocks):
            p_el = OxmlElement("w:p")
            element.append(p_el)
            para = DocxParagraph(p_el, holder)
            p_el.style = "FootnoteText"
            if i == 0:
                p_el.append(ooxml.footnote_ref_mark_run("FootnoteReference"))
                self._run(para, p_el, " ", False, False, False)
            children = block.children if isinstance(block, Para) else ()
            if not isinstance(block, Para):
                children = (Text(plain_text(getattr(block, "children", ()))),)
            self.inlines(para, children)
        return note_id

    # ------------------------------------------------------------ blocks
    def blocks(self, blocks: tuple[Block, ...], where=None, depth: int = 0) -> None:
        where = where if where is not None else self.doc
        for i, block in enumerate(blocks):
            method = getattr(self, "block_" + type(block).__name__, None)
            if method is None:
                raise TypeError(f"DOCX writer: unknown block node {type(block).__name__}")
            method(block, where, depth)
            if (
                isinstance(block, Para)
                and i + 1 < len(blocks)
                and isinstance(blocks[i + 1], Box)
                and len(plain_text(block.children)) < 400
            ):
                where.paragraphs[-1].paragraph_format.keep_with_next = True  # an intro stays with its card

    def _paragraph(self, where, style: str | None = None) -> DocxParagraph:
        """A new paragraph; a fresh table cell's empty first paragraph is reused."""
        if hasattr(where, "_tc"):
            paras = where.paragraphs
            if len(paras) == 1 and not paras[0].text and not paras[0]._p.r_lst and getattr(where, "_fresh", True):
                where._fresh = False
                p = paras[0]
                if style:
                    p.style = self.doc.styles[style]
                return p
        return where.add_paragraph(style=style)

    def block_Heading(self, h: Heading, where, depth: int) -> None:
        p = self._paragraph(where, f"Heading {min(h.level, 4)}")
        self.inlines(p, h.children)

    def block_Paragraph(self, para: Para, where, depth: int) -> None:
        style = {"bibliography": "Bibliography", "small": "Byline"}.get(para.role)
        p = self._paragraph(where, style)
        self.inlines(p, para.children)

    def block_ListBlock(self, lst: ListBlock, where, depth: int) -> None:
        style = "List Number" if lst.ordered else "List Bullet"
        num_id = ooxml.restart_numbering(self.doc.part, LIST_NUMBER_NUM_ID) if lst.ordered else LIST_BULLET_NUM_ID
        for item in lst.items:
            first = True
            for block in item:
                if isinstance(block, Para) and first:
                    p = self._paragraph(where, style)
                    ooxml.set_num(p, num_id, min(depth, 8))
                    self.inlines(p, block.children)
                    first = False
                elif isinstance(block, ListBlock):
                    self.block_ListBlock(block, where, depth + 1)
                else:
                    self.blocks((block,), where, depth)

    def block_Quote(self, q: Quote, where, depth: int) -> None:
        self._box(q.blocks, where, depth, None, self.style.colours.accent)

    def block_Rule(self, r: Rule, where, depth: int) -> None:
        p = self._paragraph(where)
        ooxml.paragraph_border(p, "bottom", 6, self.style.colours.rule)

    def block_Box(self, box: Box, where, depth: int) -> None:
        classes = set(box.classes)
        if classes & {"bibliography", "sources"}:
            self.blocks(box.blocks, where, depth)
            return
        c = self.style.colours
        bar = next((getattr(c, p) for p in ("high", "medium", "low") if p in classes), c.accent)
        fill = "#F7F8FA" if "card" in classes else c.box
        self._box(box.blocks, where, depth, fill, bar)

    def _box(self, blocks: tuple[Block, ...], where, depth: int, fill: str | None, bar: str) -> None:
        table = where.add_table(rows=1, cols=1) if hasattr(where, "_tc") else self.doc.add_table(rows=1, cols=1)
        ooxml.table_width_full(table)
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a card stays whole
        cell = table.cell(0, 0)
        if fill:
            ooxml.shade_cell(cell, fill)
        ooxml.cell_borders(cell, left=(24, bar))
        ooxml.cell_margins(cell, 140, 220, 60, 200)
        cell._fresh = True
        self.blocks(blocks, cell, depth)
        spacer = where.add_paragraph() if hasattr(where, "_tc") else self.doc.add_paragraph()
        spacer.paragraph_format.space_after = Pt(0)
        spacer.paragraph_format.line_spacing = Pt(self.style.fonts.size * 0.6)

    def block_Table(self, t: Table, where, depth: int) -> None:
        ncols = max([len(t.header), *(len(r) for r in t.rows)])
        nrows = len(t.rows) + (1 if t.header else 0)
        table = (
            where.add_table(rows=nrows, cols=ncols)
            if hasattr(where, "_tc")
            else self.doc.add_table(rows=nrows, cols=ncols)
        )
        ooxml.table_width_full(table)
        ooxml.column_widths(table, _column_shares(t, ncols))
        for row in table.rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        rows = list(table.rows)
        if t.header:
            header_row = rows.pop(0)
            tr_pr = header_row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:tblHeader"))
            for cell, content in zip(header_row.cells, t.header, strict=False):
                ooxml.shade_cell(cell, self.style.colours.accent)
                ooxml.cell_margins(cell, 60, 100, 60, 100)
                p = cell.paragraphs[0]
                self.inlines(p, content, bold=True)
                for run in p.runs:
                    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                    run.font.size = Pt(self.style.fonts.size * 0.86)
        for row, content_row in zip(rows, t.rows, strict=False):
            for cell, content in zip(row.cells, content_row, strict=False):
                ooxml.cell_borders(cell, bottom=(4, self.style.colours.rule))
                ooxml.cell_margins(cell, 60, 100, 60, 100)
                p = cell.paragraphs[0]
                p.paragraph_format.space_after = Pt(0)
                self.inlines(p, content)
                for run in p.runs:
                    run.font.size = Pt(self.style.fonts.size * 0.86)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(0)

    # ------------------------------------------------------------ metadata
    def metadata(self, epoch: int) -> None:
        meta = self.model.meta
        props = self.doc.core_properties
        props.title = meta.title
        props.subject = meta.subtitle or meta.title
        props.author = "; ".join(a.name for a in meta.authors) or meta.organisation
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
        package = self.doc.part.package
        for r_id, rel in list(package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                del package.rels[r_id]


def _column_shares(t: Table, ncols: int) -> list[float]:
    """Column shares of the width: at least the longest word, the rest by text length."""
    longest = [4] * ncols
    length = [1] * ncols
    for row in (t.header, *t.rows):
        for i, cell in enumerate(row):
            text = plain_text(cell)
            longest[i] = max(longest[i], *(len(w) for w in text.split()), 1)
            length[i] = max(length[i], len(text))
    minimum = [n + 2 for n in longest]
    total_min = sum(minimum)
    extra = [max(0, n - m) for n, m in zip(length, minimum, strict=True)]
    spare = max(0, 90 - total_min)  # roughly characters per line of a full-width table
    total_extra = sum(extra) or 1
    widths = [m + spare * e / total_extra for m, e in zip(minimum, extra, strict=True)]
    return [w / sum(widths) for w in widths]


def _normalise_zip(data: bytes, epoch: int) -> bytes:
    """python-docx stamps zip entries with the clock; give them the release date instead."""
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip cannot store dates before 1980
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            clean = zipfile.ZipInfo(info.filename, date_time=stamp)
            clean.compress_type = zipfile.ZIP_DEFLATED
            clean.external_attr = 0o644 << 16
            dst.writestr(clean, src.read(info.filename))
    return out.getvalue()


DEFAULT_REFERENCE = Path(__file__).resolve().parent.parent / "reference.docx"


def _clear_body(document) -> None:
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


def write_docx(doc: Document, style: Style, reference: Path | None = None) -> bytes:
    """`reference`: a user's .docx whose styles are kept as they are (pandoc's reference.docx).

    Without one, the packaged default reference is restyled from the audience's style file.
    """
    restyle = reference is None
    base = reference or (DEFAULT_REFERENCE if DEFAULT_REFERENCE.is_file() else None)
    writer = _Writer(doc, style, base)
    if restyle:
        writer.setup_styles()
    else:
        writer.ensure_styles()
    writer.setup_page()
    writer.title_block()
    writer.blocks(doc.blocks)
    epoch = release_epoch(doc.meta)
    writer.metadata(epoch)
    buf = io.BytesIO()
    writer.doc.save(buf)
    return _normalise_zip(buf.getvalue(), epoch)


def write_docx_for_audience(doc: Document, style: Style, folder: Path) -> bytes:
    reference = folder / "reference.docx"
    return write_docx(doc, style, reference if reference.is_file() else None)


def reference_document(style: Style) -> bytes:
    """The default reference.docx: every style briefgen uses, each shown on a sample paragraph."""
    from ..model import Metadata

    writer = _Writer(Document(Metadata(title="briefgen reference document")), style, None)
    writer.setup_styles()
    writer.setup_page()
    for name in (
        "Title",
        "Subtitle",
        "Kicker",
        "Byline",
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "Heading 4",
        "Normal",
        "List Bullet",
        "List Number",
        "Bibliography",
        "Footnote Text",
    ):
        writer.doc.add_paragraph(f"{name}: the style of this paragraph. Restyle it here.", style=name)
    writer.metadata(release_epoch(writer.model.meta))
    buf = io.BytesIO()
    writer.doc.save(buf)
    return _normalise_zip(buf.getvalue(), release_epoch(writer.model.meta))
