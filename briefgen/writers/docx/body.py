"""The document model's blocks and inlines as Word paragraphs, runs, tables and footnotes."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, replace
from typing import cast

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.shared import Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from ...design import (
    BOX_SPACE_AFTER,
    KEEP_LINES,
    LIST_INDENT,
    TABLE_MIN_ROWS,
    BoxLook,
    HeadingLevels,
    TextRole,
    Theme,
    box_lead,
    display_heading,
    keeps_with_next,
    note_paragraphs,
)
from ...fonts import family_name
from ...model import (
    Block,
    Box,
    Chart,
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
    Span,
    Strong,
    Superscript,
    Table,
    Text,
    plain_text,
    safe_url,
)
from ...model import Paragraph as Para
from ..measure import cell_fit, column_widths, estimated_height, line_count, list_indent
from . import ooxml
from .styles import ROLE_STYLES, StyleIndex, box_style_name

TWIPS_PER_POINT = 20
EIGHTHS_PER_POINT = 8  # border widths
BOX_MARGINS = (140, 220, 60, 220)  # a box's text from its frame, twips: top left bottom right (the indents)
BOX_PADDING = 8  # points between the bar (or the fill's edge) and the text; the rest of the indent is outside
# Points of fill below a box's last line, the PDF's. LibreOffice does not count this room when it fits
# the note of a marker on a box's line at a page's foot, and sends the note a page on: at 8 points,
# 5 of field-notes x10's 177 notes and 13 of x30's 517; at 6 or less none of them.
BOX_PADDING_BOTTOM = 4
CELL_MARGINS = (60, 100, 60, 100)  # a table cell's
BULLET = "•"  # every level, as in the PDF
CHART_PAGE_SHARE = 0.5  # a chart's picture is at most this share of the text area's height: taller, it is cut
WORD_FONT_SLACK = 1.1  # a DOCX reader may set the text in a wider font than the one measured
ALIGNMENTS = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}


@dataclass(frozen=True)
class RunLook:
    """What the inlines around a run give it: emphasis, link style, language."""

    bold: bool = False
    italic: bool = False
    link: bool = False
    lang: str = ""  # a Span's language; "" is the document's


PLAIN = RunLook()


class _PartHolder:
    """Lets python-docx proxies (Paragraph, Run) live inside the footnotes part."""

    def __init__(self, part) -> None:
        self.part = part


class BodyWriter:
    """Writes blocks into the document body, table cells and footnotes; counts the notes."""

    def __init__(self, document, styles: StyleIndex, theme: Theme) -> None:
        self.doc, self.styles, self.theme = document, styles, theme
        self.footnotes = ooxml.Footnotes(document.part)
        self.note_count = 0
        self.levels = HeadingLevels()
        self._box_styles: dict[str, tuple] = {}  # box style name -> what _box_style found
        self.width = theme.text_area()[0]  # points: where the block being written is set
        self._bullets: int | None = None  # the one list instance every bullet list shares
        self._style_ids: dict[str, str | None] = {}  # paragraph style name -> id (None: the default style)
        self._block_width = document._block_width  # a new body table's width: the page's, read once

    # ------------------------------------------------------------ inlines
    def inlines(
        self, paragraph: DocxParagraph, nodes: tuple[Inline, ...], container=None, look: RunLook = PLAIN
    ) -> None:
        container = paragraph._p if container is None else container
        for node in nodes:
            match node:
                case Text(text=t):
                    self._run(paragraph, container, t, look)
                case Code(text=t):
                    run = self._run(paragraph, container, t, look)
                    ooxml.run_fonts(run, self.theme.code.font_name)
                case Emph(children=c):
                    self.inlines(paragraph, c, container, replace(look, italic=True))
                case Strong(children=c):
                    self.inlines(paragraph, c, container, replace(look, bold=True))
                case Span(children=c, lang=lang):
                    self.inlines(paragraph, c, container, replace(look, lang=lang))
                case Link(children=c, url=u):
                    target = safe_url(ooxml.xml_text(u))  # the relationship's Target is XML too
                    if target is None:
                        self.inlines(paragraph, c, container, look)  # its words only
                        continue
                    r_id = paragraph.part.relate_to(target, RT.HYPERLINK, is_external=True)
                    hyperlink = OxmlElement("w:hyperlink")
                    hyperlink.set(qn("r:id"), r_id)
                    container.append(hyperlink)
                    self.inlines(paragraph, c, hyperlink, replace(look, link=True))
                case LineBreak():
                    self._run(paragraph, container, "", look).add_break(WD_BREAK.LINE)
                case Superscript(text=t):
                    self._run(paragraph, container, t, look).font.superscript = True
                case Note(blocks=b):
                    container.append(ooxml.footnote_reference_run(self._footnote(b), "FootnoteReference"))
                case _:
                    raise TypeError(f"DOCX writer: unknown inline node {type(node).__name__}")

    @staticmethod
    def _run(paragraph: DocxParagraph, container, text: str, look: RunLook) -> Run:
        r = cast(CT_R, ooxml.element("w:r"))
        container.append(r)
        run = Run(r, paragraph)
        if look.link:  # by style id: also works inside the footnotes part
            ooxml.get_or_add(r.get_or_add_rPr(), "rStyle", ooxml.RPR_ORDER).set(ooxml.W_VAL, "Hyperlink")
        text = ooxml.xml_text(text)  # every word of the model's body and notes passes here
        if "\t" in text or "\n" in text or "\r" in text:
            run.text = text  # python-docx makes a tab a w:tab and a line end a w:br
        elif text:
            ooxml.add_text(r, text)  # what run.text makes of other text, without its loop over each character
        if look.bold:
            ooxml.set_on(r.get_or_add_rPr(), "b", ooxml.RPR_ORDER)  # run.bold = True
        if look.italic:
            ooxml.set_on(r.get_or_add_rPr(), "i", ooxml.RPR_ORDER)
        if look.lang:
            ooxml.set_language(r.get_or_add_rPr(), look.lang)
        return run

    def _footnote(self, blocks: tuple[Block, ...]) -> int:
        self.note_count += 1
        note_id, element = self.footnotes.new()
        holder = _PartHolder(self.footnotes.part)
        for i, runs in enumerate(note_paragraphs(blocks)):
            p_el = cast(CT_P, ooxml.element("w:p"))
            element.append(p_el)
            para = DocxParagraph(p_el, holder)
            ooxml.paragraph_style(p_el, "FootnoteText")
            if i == 0:
                p_el.append(ooxml.footnote_ref_mark_run("FootnoteReference"))
                self._run(para, p_el, " ", PLAIN)
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
                ooxml.keep(self._last_paragraph(where)._p, "keepNext")

    def _paragraph(self, where, style: str | None = None) -> DocxParagraph:
        """A new paragraph, in the Word style `style` (None: Normal)."""
        p = self._add_paragraph(where)
        if style is not None:
            ooxml.paragraph_style(p._p, self._style_id(style))
        return p

    def _style_id(self, name: str) -> str | None:
        """The id of paragraph style `name`, as python-docx sets it, looked up once a document."""
        if name not in self._style_ids:
            self._style_ids[name] = self.styles.id_of(name)
        return self._style_ids[name]

    def _last_paragraph(self, where) -> DocxParagraph:
        """`where.paragraphs[-1]`, found from the end: python-docx makes an object of every paragraph before it."""
        element = where._tc if hasattr(where, "_tc") else self.doc.element.body
        last = next(element.iterchildren(qn("w:p"), reversed=True))
        return DocxParagraph(last, where if hasattr(where, "_tc") else self.doc._body)

    def _table(self, where, rows: int, cols: int):
        """A new table inside a box cell, or in the body as `Document.add_table` makes it.

        That reads the page's width from the document's section list, an XPath over the
        whole body, for each table: quadratic in a long brief's boxes.
        """
        if hasattr(where, "_tc"):
            return where.add_table(rows=rows, cols=cols)
        tbl = CT_Tbl.new_tbl(rows, cols, self._block_width)  # as `_Body.add_table` makes it
        self._append_to_body(tbl)
        table = DocxTable(tbl, self.doc._body)
        table.style = None
        return table

    def _add_paragraph(self, where) -> DocxParagraph:
        """`where.add_paragraph()`; in the body, without python-docx's search for the body's end."""
        if hasattr(where, "_tc"):
            return where.add_paragraph()
        p = cast(CT_P, ooxml.element("w:p"))  # as `CT_Body.add_p` makes it
        self._append_to_body(p)
        return DocxParagraph(p, self.doc._body)

    def _append_to_body(self, element) -> None:
        """Add a paragraph or table at the end of the body, before its section properties.

        python-docx finds them (`insert_element_before(..., "w:sectPr")`) by reading every
        element of the body, for each one added: quadratic in a long brief's paragraphs. They
        are the body's last element, found at its end.
        """
        body = self.doc.element.body
        last = body[-1] if len(body) else None
        if last is not None and last.tag == qn("w:sectPr"):
            last.addprevious(element)
        else:
            body.append(element)

    def _container(self, where):
        """Where a table goes: inside a box cell, or the document body."""
        return where if hasattr(where, "_tc") else self.doc

    def block_Heading(self, h: Heading, where, depth: int) -> None:
        look = min(h.level, 4)
        p = self._paragraph(where, f"Heading {look}")
        if (level := self.levels.announced(h.level)) != look:  # the style's look, the level a reader can follow
            ooxml.set_outline_level(p, level)
        ooxml.keep(p._p, "keepNext")  # also under a reference.docx whose styles do not
        self.inlines(p, display_heading(h.children))

    def block_Paragraph(self, para: Para, where, depth: int) -> None:
        p = self._paragraph(where, ROLE_STYLES.get(para.role))
        self.inlines(p, para.children)

    def block_ListBlock(self, lst: ListBlock, where, depth: int) -> None:
        style = "List Number" if lst.ordered else "List Bullet"
        level = min(depth, 8)
        indent = list_indent(lst, self._number_role(), self.theme.body.size, WORD_FONT_SLACK)
        num_id = self._list(lst, level, round(indent * TWIPS_PER_POINT))
        width = self.width - indent * (level + 1)
        for item in lst.items:
            for k, block in enumerate(item):
                if k == 0 and isinstance(block, Para):
                    p = self._paragraph(where, style)
                    ooxml.set_num(p, num_id, level)
                    self.inlines(p, block.children)
                    ooxml.keep(p._p, "keepLines", self._short_paragraph(block, width))  # read as one unit
                elif isinstance(block, ListBlock):
                    self.block_ListBlock(block, where, depth + 1)
                else:
                    self.blocks((block,), where, depth)
                    if isinstance(block, Para):  # a further paragraph of the item, under its text
                        self._last_paragraph(where).paragraph_format.left_indent = Pt(indent * (level + 1))

    def _short_paragraph(self, block: Para, width: float) -> bool:
        """A paragraph of at most `KEEP_LINES` lines, which never splits across pages."""
        return line_count(plain_text(block.children), self.theme.role(block.role), width) <= KEEP_LINES

    def _list(self, lst: ListBlock, level: int, step: int) -> int:
        """The list instance: bullets share one; each numbered list restarts at its own start.

        `step`: each level's indent in twips; a numbered list whose numbers need more than the
        usual step ("15.") gets a definition of its own with that step.
        """
        if not lst.ordered and self._bullets is not None:
            return self._bullets
        usual = round(self.theme.body.size * LIST_INDENT * TWIPS_PER_POINT)
        name = ("briefgen numbers" if lst.ordered else "briefgen bullets") + (f" {step}" if step != usual else "")
        definition = ooxml.list_definition(self.doc.part, name, self._list_levels(lst.ordered, step))
        num_id = ooxml.list_instance(self.doc.part, definition, level, lst.start if lst.ordered else None)
        if not lst.ordered:
            self._bullets = num_id
        return num_id

    def _number_role(self) -> TextRole:
        """A list number as Word sets it: bold, in the headings' family, at the body's size."""
        return replace(self.theme.headings[0], size=self.theme.body.size, bold=True, italic=False)

    def _list_levels(self, ordered: bool, step: int) -> list[ooxml.ListLevel]:
        """Nine levels drawn as the PDF draws every level: accent bullets, bold accent numbers."""
        accent = self.theme.colours.accent
        if ordered:
            font = self.theme.headings[0].font_name
            return [ooxml.ListLevel("decimal", f"%{n}.", step * n, step, font, accent, bold=True) for n in range(1, 10)]
        font = family_name("sans")
        return [ooxml.ListLevel("bullet", BULLET, step * n, step, font, accent) for n in range(1, 10)]

    def block_Quote(self, q: Quote, where, depth: int) -> None:
        self._box(q.blocks, where, depth, self.theme.quote())

    def block_Rule(self, r: Rule, where, depth: int) -> None:
        p = self._paragraph(where)
        ooxml.paragraph_border(p, "bottom", 6, self.theme.colours.rule)

    def block_Chart(self, chart: Chart, where, depth: int) -> None:
        """The caption kept with the chart (a picture described by its alternative text), then the numbers' table."""
        from ..chart import alt_text, bars, caption, layout, numbers_table, parts  # here: a brief without a chart
        from .chart import add_picture  # never loads them (Pillow's drawing modules among them)

        title = caption(chart)
        if title:
            self.block_Paragraph(title, where, depth)
            self._last_paragraph(where).paragraph_format.keep_with_next = True
        height = self.theme.text_area()[1] * CHART_PAGE_SHARE
        cut = parts(chart, self.theme, self.width, height)  # a long chart: a picture each half page
        for i, rows in enumerate(cut):
            p = self._paragraph(where)
            p.paragraph_format.keep_with_next = len(cut) == 1  # with the numbers' first rows; a cut one cannot
            words = alt_text(bars(chart, rows, caption=i == 0))
            add_picture(p, layout(chart, self.theme, self.width, rows=rows), words, plain_text(chart.caption))
        self.block_Table(numbers_table(chart), where, depth)

    def block_Box(self, box: Box, where, depth: int) -> None:
        look = self.theme.box(box.classes)
        if look is None:
            self.blocks(box.blocks, where, depth)
            return
        self._box(box.blocks, where, depth, look)

    def _box(self, blocks: tuple[Block, ...], where, depth: int, look: BoxLook) -> None:
        """The box as paragraphs in its own Word style, not a layout table (pandoc's custom-style lesson).

        Its plain paragraphs take the box's style ("Card High", "Key Messages"...), whose left border
        is the bar and whose shading the fill, so a reference.docx restyles every box of a kind, and
        Word's navigation and a screen reader meet headings and text, not a one-cell table; its
        headings and list items keep their own styles and take the style's frame directly. Word and
        LibreOffice draw consecutive paragraphs framed alike as one box and break a page between
        them as between any paragraphs: a short box keeps all of them together, a taller one its
        lead (a card's title and facts line) with what follows.
        """
        container = where._tc if hasattr(where, "_tc") else self.doc.element.body
        end = container[-1] if len(container) and container[-1].tag == qn("w:sectPr") else None
        before = end.getprevious() if end is not None else (container[-1] if len(container) else None)
        outer, self.width = self.width, self.width - (BOX_MARGINS[1] + BOX_MARGINS[3]) / TWIPS_PER_POINT
        try:
            self.blocks(blocks, where, depth)
            whole = self.theme.box_keeps_whole(estimated_height(blocks, self.theme, self.width))
            made = before.itersiblings() if before is not None else iter(container)
            paragraphs = [e for e in made if e.tag == qn("w:p") and e is not end]
            short = [whole or self._short_paragraph_element(p) for p in paragraphs]
        finally:
            self.width = outer
        self._frame([p for p in paragraphs if not self._framed(p)], look)
        lead = box_lead(blocks)
        for i, p in enumerate(paragraphs):
            if short[i]:  # a short paragraph never splits, nor a short box: read as one unit
                ooxml.keep(p, "keepLines")
            if i < len(paragraphs) - 1 and (whole or i < lead):
                ooxml.keep(p, "keepNext")
        self._pad_as_the_pdf(paragraphs, where)
        spacer = self._add_paragraph(self._container(where))
        spacer.paragraph_format.space_after = Pt(0)
        spacer.paragraph_format.line_spacing = Pt(self.theme.body.size * BOX_SPACE_AFTER)  # the PDF's gap

    @staticmethod
    def _pad_as_the_pdf(paragraphs: list, where) -> None:
        """The frame's padding is all the room above the box's first line and below its last, as in the PDF.

        A card's title keeps no heading space above it, nor its last paragraph space below: Word and
        LibreOffice set those inside the fill, each box some 15 points taller than the PDF's, which
        made the sample's practitioner DOCX a page longer than its PDF and x10's two.
        """
        if paragraphs:
            DocxParagraph(paragraphs[0], where).paragraph_format.space_before = Pt(0)
            DocxParagraph(paragraphs[-1], where).paragraph_format.space_after = Pt(0)

    def _short_paragraph_element(self, element) -> bool:
        """A paragraph of at most `KEEP_LINES` lines (as body text) at the current width."""
        text = "".join(t.text or "" for t in element.iter(qn("w:t")))
        return line_count(text, self.theme.body, self.width) <= KEEP_LINES

    @staticmethod
    def _framed(p) -> bool:
        """Framed already, by a box inside this one (or a rule): the innermost box's frame stays."""
        return p.pPr is not None and p.pPr.find(qn("w:pBdr")) is not None

    def _frame(self, paragraphs: list, look: BoxLook) -> None:
        """Plain paragraphs take the box's style; the others its frame and its indents added to theirs."""
        style_id, borders, shading, (left, right) = self._box_style(look)
        step = round(self.theme.body.size * LIST_INDENT * TWIPS_PER_POINT)  # a list level's indent
        for p in paragraphs:
            ppr = p.get_or_add_pPr()
            ind = ppr.find(qn("w:ind"))
            if p.style is None:  # Normal
                ooxml.paragraph_style(p, style_id)
                if ind is not None:  # a list item's further paragraph, indented under its text
                    ooxml.indent(ppr, left + int(ind.get(qn("w:left"), "0")), right)
                continue
            for frame in (borders, shading):
                if frame is not None:
                    ooxml.insert_in_order(ppr, deepcopy(frame), ooxml.PPR_ORDER)
            level = ppr.find(f"{qn('w:numPr')}/{qn('w:ilvl')}")
            if level is not None:  # a list item: its level's indent (body._list_levels) inside the box's
                ooxml.indent(ppr, left + step * (int(level.get(qn("w:val"))) + 1), right, hanging=step)
            else:
                ooxml.indent(ppr, left + (int(ind.get(qn("w:left"), "0")) if ind is not None else 0), right)

    def _box_style(self, look: BoxLook) -> tuple[str | None, object, object, tuple[int, int]]:
        """The box's paragraph style (made unless the reference.docx has it): its id, its border and
        shading elements, and its left and right indents in twips."""
        name = box_style_name(look)
        if name not in self._box_styles:
            if name in self.styles:
                style = self.styles[name]
            else:
                style = self.styles.add(name, WD_STYLE_TYPE.PARAGRAPH)
                style.base_style = self.styles["Normal"]
                ppr = style.element.get_or_add_pPr()
                bar = (round(look.bar_width * EIGHTHS_PER_POINT), look.bar)
                ooxml.box_frame(ppr, bar, look.fill, BOX_PADDING, BOX_PADDING_BOTTOM)
                ooxml.indent(ppr, BOX_MARGINS[1], BOX_MARGINS[3])
            ppr = style.element.pPr
            ind = ppr.find(qn("w:ind")) if ppr is not None else None
            indents = tuple(int(ind.get(qn(f"w:{side}"), "0")) if ind is not None else 0 for side in ("left", "right"))
            found = [ppr.find(qn(f"w:{tag}")) if ppr is not None else None for tag in ("pBdr", "shd")]
            self._box_styles[name] = (style.style_id, found[0], found[1], indents)
        return self._box_styles[name]

    def block_Table(self, t: Table, where, depth: int) -> None:
        ncols = max([len(t.header), *(len(r) for r in t.rows)])
        nrows = len(t.rows) + (1 if t.header else 0)
        table = self._table(where, nrows, ncols)
        ooxml.table_width_full(table)
        top, side, bottom, _ = CELL_MARGINS
        head, body = self.theme.cell_head, self.theme.cell
        padding, scale = cell_fit(ncols, self.width, body.size, side / TWIPS_PER_POINT)
        left = right = round(padding * TWIPS_PER_POINT)
        widths = column_widths(t, self.theme, self.width, 2 * padding, WORD_FONT_SLACK)
        ooxml.column_widths(table, [round(w * TWIPS_PER_POINT) for w in widths])
        rows = list(table.rows)
        for i, row in enumerate(rows):
            ooxml.keep_row_whole(row, header=bool(t.header) and i == 0)
        align = [ALIGNMENTS.get(a) for a in (*t.align, *[""] * ncols)[:ncols]]
        if t.header:
            header_row = rows.pop(0)
            for cell, content, edge in zip(header_row.cells, t.header, align, strict=False):
                ooxml.shade_cell(cell, self.theme.colours.accent)
                ooxml.cell_margins(cell, top, left, bottom, right)
                p = cell.paragraphs[0]
                p.alignment = edge
                self.inlines(p, content, look=RunLook(bold=head.bold))
                for run in p.runs:
                    run.font.color.rgb = RGBColor.from_string(head.colour.lstrip("#"))
                    run.font.size = Pt(head.size * scale)
        for row, content_row in zip(rows, t.rows, strict=False):
            for cell, content, edge in zip(row.cells, content_row, align, strict=False):
                ooxml.cell_borders(cell, bottom=(4, self.theme.colours.rule))
                ooxml.cell_margins(cell, top, left, bottom, right)
                p = cell.paragraphs[0]
                p.paragraph_format.space_after = Pt(0)
                p.alignment = edge
                self.inlines(p, content)
                for run in p.runs:
                    run.font.size = Pt(body.size * scale)
        header_rows = 1 if t.header else 0
        for i in [*range(header_rows), *(header_rows + i for i in rows_kept_with_next(len(t.rows)))]:
            for cell in table.rows[i].cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True  # Word and LibreOffice keep the row with the next
        self._add_paragraph(self._container(where)).paragraph_format.space_after = Pt(0)


def rows_kept_with_next(body_rows: int) -> list[int]:
    """The body rows (from 0) that keep with the next row, so a page breaks a table only with
    `TABLE_MIN_ROWS` rows on either side, and a table shorter than twice that never."""
    if body_rows < 2 * TABLE_MIN_ROWS:
        return list(range(body_rows - 1))
    head = range(TABLE_MIN_ROWS - 1)
    tail = range(body_rows - TABLE_MIN_ROWS, body_rows - 1)
    return [*head, *tail]
