"""The document model's blocks and inlines as Word paragraphs, runs, tables and footnotes."""

from __future__ import annotations

from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from ...design import BoxLook, Theme, keeps_with_next, note_paragraphs
from ...model import (
    Block,
    Box,
    Code,
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
    Superscript,
    Table,
    Text,
    plain_text,
)
from ...model import Paragraph as Para
from . import ooxml
from .styles import ROLE_STYLES

LIST_BULLET_NUM_ID = 1  # python-docx's default template: List Bullet uses numId 1, List Number numId 5
LIST_NUMBER_NUM_ID = 5
TWIPS_PER_POINT = 20
EIGHTHS_PER_POINT = 8  # border widths


class _PartHolder:
    """Lets python-docx proxies (Paragraph, Run) live inside the footnotes part."""

    def __init__(self, part) -> None:
        self.part = part


class BodyWriter:
    """Writes blocks into the document body, table cells and footnotes; counts the notes."""

    def __init__(self, document, theme: Theme) -> None:
        self.doc, self.theme = document, theme
        self.footnotes = ooxml.Footnotes(document.part)
        self.note_count = 0
        self._fresh_cells: dict[int, object] = {}  # box cells whose empty first paragraph is still unused

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
                    run.font.name = self.theme.code.font_name
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
                case Superscript(text=t):
                    self._run(paragraph, container, t, bold, italic, link_style).font.superscript = True
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
        self.note_count += 1
        note_id, element = self.footnotes.new()
        holder = _PartHolder(self.footnotes.part)
        for i, runs in enumerate(note_paragraphs(blocks)):
            p_el = OxmlElement("w:p")
            element.append(p_el)
            para = DocxParagraph(p_el, holder)
            p_el.style = "FootnoteText"
            if i == 0:
                p_el.append(ooxml.footnote_ref_mark_run("FootnoteReference"))
                self._run(para, p_el, " ", False, False, False)
            self.inlines(para, runs)
        return note_id

    # ------------------------------------------------------------ blocks
    def blocks(self, blocks: tuple[Block, ...], where=None, depth: int = 0) -> None:
        where = where if where is not None else self.doc
        for i, block in enumerate(blocks):
            method = getattr(self, "block_" + type(block).__name__, None)
            if method is None:
                raise TypeError(f"DOCX writer: unknown block node {type(block).__name__}")
            method(block, where, depth)
            if keeps_with_next(blocks, i):
                where.paragraphs[-1].paragraph_format.keep_with_next = True

    def _paragraph(self, where, style: str | None = None) -> DocxParagraph:
        """A new paragraph; a new box cell's empty first paragraph is used first."""
        if hasattr(where, "_tc") and self._fresh_cells.pop(id(where._tc), None) is not None:
            p = where.paragraphs[0]
            if style:
                p.style = self.doc.styles[style]
            return p
        return where.add_paragraph(style=style)

    def _container(self, where):
        """Where a table goes: inside a box cell, or the document body."""
        return where if hasattr(where, "_tc") else self.doc

    def block_Heading(self, h: Heading, where, depth: int) -> None:
        p = self._paragraph(where, f"Heading {min(h.level, 4)}")
        self.inlines(p, h.children)

    def block_Paragraph(self, para: Para, where, depth: int) -> None:
        p = self._paragraph(where, ROLE_STYLES.get(para.role))
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
        self._box(q.blocks, where, depth, self.theme.quote())

    def block_Rule(self, r: Rule, where, depth: int) -> None:
        p = self._paragraph(where)
        ooxml.paragraph_border(p, "bottom", 6, self.theme.colours.rule)

    def block_Box(self, box: Box, where, depth: int) -> None:
        look = self.theme.box(box.classes)
        if look is None:
            self.blocks(box.blocks, where, depth)
            return
        self._box(box.blocks, where, depth, look)

    def _box(self, blocks: tuple[Block, ...], where, depth: int, look: BoxLook) -> None:
        """A one-cell table that never splits: a coloured bar at the left, an optional fill."""
        table = self._container(where).add_table(rows=1, cols=1)
        ooxml.table_width_full(table)
        ooxml.keep_row_whole(table.rows[0])
        cell = table.cell(0, 0)
        if look.fill:
            ooxml.shade_cell(cell, look.fill)
        ooxml.cell_borders(cell, left=(round(look.bar_width * EIGHTHS_PER_POINT), look.bar))
        ooxml.cell_margins(cell, 140, 220, 60, 200)
        self._fresh_cells[id(cell._tc)] = cell._tc
        self.blocks(blocks, cell, depth)
        spacer = self._container(where).add_paragraph()
        spacer.paragraph_format.space_after = Pt(0)
        spacer.paragraph_format.line_spacing = Pt(self.theme.body.size * 0.6)

    def block_Table(self, t: Table, where, depth: int) -> None:
        ncols = max([len(t.header), *(len(r) for r in t.rows)])
        nrows = len(t.rows) + (1 if t.header else 0)
        table = self._container(where).add_table(rows=nrows, cols=ncols)
        ooxml.table_width_full(table)
        ooxml.column_widths(table, column_shares(t, ncols))
        rows = list(table.rows)
        for i, row in enumerate(rows):
            ooxml.keep_row_whole(row, header=bool(t.header) and i == 0)
        head, body = self.theme.cell_head, self.theme.cell
        if t.header:
            header_row = rows.pop(0)
            for cell, content in zip(header_row.cells, t.header, strict=False):
                ooxml.shade_cell(cell, self.theme.colours.accent)
                ooxml.cell_margins(cell, 60, 100, 60, 100)
                p = cell.paragraphs[0]
                self.inlines(p, content, bold=head.bold)
                for run in p.runs:
                    run.font.color.rgb = RGBColor.from_string(head.colour.lstrip("#"))
                    run.font.size = Pt(head.size)
        for row, content_row in zip(rows, t.rows, strict=False):
            for cell, content in zip(row.cells, content_row, strict=False):
                ooxml.cell_borders(cell, bottom=(4, self.theme.colours.rule))
                ooxml.cell_margins(cell, 60, 100, 60, 100)
                p = cell.paragraphs[0]
                p.paragraph_format.space_after = Pt(0)
                self.inlines(p, content)
                for run in p.runs:
                    run.font.size = Pt(body.size)
        self._container(where).add_paragraph().paragraph_format.space_after = Pt(0)


def column_shares(t: Table, ncols: int) -> list[float]:
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
