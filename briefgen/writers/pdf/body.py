"""The document model's blocks and inlines as reportlab flowables and paragraph markup."""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import CondPageBreak, Flowable, ListFlowable, ListItem, Paragraph, Spacer, Table, TableStyle

from ...design import LEADING, Theme, keeps_with_next, note_paragraphs
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
    Text,
    plain_text,
)
from ...model import Paragraph as Para
from ...model import Table as TableNode
from .footnotes import NoteParagraph, note_anchor
from .styles import colour, face_name, role_font, styles


class OutlineHeading(Paragraph):
    """A heading that registers itself in the PDF outline when placed."""

    outline_title: str | None = None  # only the original, not its split parts
    outline_level = 1


class HRule(Flowable):
    def __init__(self, colour: colors.Color, thickness: float = 0.6, space: float = 6) -> None:
        super().__init__()
        self.colour, self.thickness, self.space = colour, thickness, space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.space * 2

    def draw(self) -> None:
        self.canv.setStrokeColor(self.colour)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, self.space, self.width, self.space)


def _note_target(n: int) -> str:
    return f"note{n:04d}"


class Builder:
    """Turns blocks into flowables; counts the notes it numbers."""

    def __init__(self, theme: Theme, width: float) -> None:
        self.theme, self.width = theme, width
        self.s = styles(theme)
        self.accent = colour(theme.colours.accent)
        self.note_count = 0
        self.pending_notes: list[tuple[int, Paragraph]] = []
        self.box_depth = 0  # > 0 while building the content of a box (a table cell)

    # inline markup ------------------------------------------------
    def markup(self, nodes: tuple[Inline, ...]) -> str:
        out = []
        for node in nodes:
            match node:
                case Text(text=t):
                    out.append(escape(t))
                case Emph(children=c):
                    out.append(f"<i>{self.markup(c)}</i>")
                case Strong(children=c):
                    out.append(f"<b>{self.markup(c)}</b>")
                case Code(text=t):
                    out.append(f'<font face="{role_font(self.theme.code)}">{escape(t)}</font>')
                case Link(children=c, url=u):
                    out.append(
                        f'<a href="{escape(u, {chr(34): "&quot;"})}" color="{self.theme.colours.accent}">'
                        f"{self.markup(c)}</a>"
                    )
                case LineBreak():
                    out.append("<br/>")
                case Superscript(text=t):
                    out.append(f"<super>{escape(t)}</super>")
                case Note(blocks=b):
                    self.note_count += 1
                    n = self.note_count
                    out.append(
                        f'<a name="{note_anchor(n)}"/><super><a href="#{_note_target(n)}" '
                        f'color="{self.theme.colours.accent}">{n}</a></super>'
                    )
                    self.pending_notes.append((n, self._note_paragraph(n, b)))
                case _:
                    raise TypeError(f"PDF writer: unknown inline node {type(node).__name__}")
        return "".join(out)

    def _note_paragraph(self, n: int, blocks: tuple[Block, ...]) -> Paragraph:
        body = " ".join(self.markup(runs) for runs in note_paragraphs(blocks))
        return Paragraph(
            f'<a name="{_note_target(n)}"/><super><a href="#{note_anchor(n)}">{n}</a></super>\u2002{body}',
            self.s.note,
        )

    def paragraph(self, nodes: tuple[Inline, ...], style) -> Paragraph:
        text = self.markup(nodes)
        notes, self.pending_notes = self.pending_notes, []
        if notes:
            para = NoteParagraph(text, style)
            para.notes = tuple(notes)
            return para
        return Paragraph(text, style)

    # blocks -------------------------------------------------------
    def blocks(self, blocks: tuple[Block, ...], width: float | None = None) -> list[Flowable]:
        out: list[Flowable] = []
        for i, block in enumerate(blocks):
            method: Callable[[Block, float], list[Flowable]] | None = getattr(
                self, "block_" + type(block).__name__, None
            )
            if method is None:
                raise TypeError(f"PDF writer: unknown block node {type(block).__name__}")
            made = method(block, width or self.width)
            if keeps_with_next(blocks, i) and made and isinstance(made[-1], Paragraph):
                made[-1].keepWithNext = 1
            out.extend(made)
        return out

    def block_Heading(self, h: Heading, width: float) -> list[Flowable]:
        st = self.s.heading(h.level)
        text = self.markup(h.children)
        self.pending_notes = []  # notes in headings are not supported: dropped, as Word styles drop them
        para = OutlineHeading(text, st)
        para.outline_level, para.outline_title = h.level, plain_text(h.children)
        # a heading needs some of what follows on its page: a break unless there is room for a
        # few lines (group headings: most of a card); cheaper than keeping whole paragraphs together
        if self.box_depth:  # inside a cell a page-break hint would break the page after the box
            return [para]
        room = {1: 7, 2: 12, 3: 5}.get(h.level, 4) * self.theme.body.size * LEADING
        return [CondPageBreak(room + st.fontSize * 2.5), para]

    def block_Paragraph(self, p: Para, width: float) -> list[Flowable]:
        return [self.paragraph(p.children, self.s.role(p.role))]

    def block_ListBlock(self, lst: ListBlock, width: float) -> list[Flowable]:
        items = [ListItem(self.blocks(item, width - 16) or [Spacer(0, 0)]) for item in lst.items]
        size = self.theme.body.size
        kwargs = dict(
            bulletFontName=face_name(self.theme.headings[0].family, "Bold") if lst.ordered else face_name("sans"),
            bulletFontSize=size * 0.9 if lst.ordered else size,
            bulletColor=self.accent,
            leftIndent=size * 1.5,
            spaceAfter=size * 0.3,
            bulletOffsetY=0,
        )
        if lst.ordered:
            return [ListFlowable(items, bulletType="1", start=str(lst.start), bulletFormat="%s.", **kwargs)]
        return [ListFlowable(items, bulletType="bullet", start="•", **kwargs)]

    def block_Quote(self, q: Quote, width: float) -> list[Flowable]:
        look = self.theme.quote()
        inner = self.blocks(q.blocks, width - 24)
        t = Table([[inner]], colWidths=[width - 12])
        t.setStyle(
            self._table_style(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 14),
                    ("LINEBEFORE", (0, 0), (0, -1), look.bar_width, colour(look.bar)),
                ]
            )
        )
        return [t]

    def block_Rule(self, r: Rule, width: float) -> list[Flowable]:
        return [HRule(colour(self.theme.colours.rule))]

    def block_Table(self, t: TableNode, width: float) -> list[Flowable]:
        ncols = max(len(t.header), *(len(r) for r in t.rows)) if t.rows else len(t.header)
        widths = self._column_widths(t, ncols, width)
        data = []
        head_styles, cell_styles = (
            self._aligned(self.s.cell_head, t.align, ncols),
            self._aligned(self.s.cell, t.align, ncols),
        )
        if t.header:
            data.append([self.paragraph(c, head_styles[i]) for i, c in enumerate(t.header)])
        for row in t.rows:
            data.append([self.paragraph(c, cell_styles[i]) for i, c in enumerate(row)] + [""] * (ncols - len(row)))
        table = Table(data, colWidths=widths, repeatRows=1 if t.header else 0, hAlign="LEFT")
        rule = colour(self.theme.colours.rule)
        cmds = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, rule),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        if t.header:
            cmds += [("BACKGROUND", (0, 0), (-1, 0), self.accent)]
        table.setStyle(self._table_style(cmds))
        table.spaceAfter = self.theme.body.space_after
        return [table]

    @staticmethod
    def _aligned(style: ParagraphStyle, align: tuple[str, ...], ncols: int) -> list[ParagraphStyle]:
        """One cell style per column, honouring the Markdown's `--:` / `:-:` alignment."""
        edges = {"right": TA_RIGHT, "center": TA_CENTER}
        return [
            ParagraphStyle(f"{style.name}-{a}", parent=style, alignment=edges[a]) if a in edges else style
            for a in (*align, *[""] * ncols)[:ncols]
        ]

    def _table_style(self, commands: list) -> TableStyle:
        """Cells drawn as plain strings would otherwise use unembedded Helvetica."""
        return TableStyle([("FONTNAME", (0, 0), (-1, -1), role_font(self.theme.body)), *commands])

    def _column_widths(self, t: TableNode, ncols: int, width: float) -> list[float]:
        """Each column at least as wide as its longest word; the rest shared by text length."""
        size = self.theme.cell.size
        padding = 12
        minimum = [padding + 4] * ncols
        length = [1] * ncols
        for r, row in enumerate((t.header, *t.rows)):
            for i, cell in enumerate(row):
                text = plain_text(cell)
                font = role_font(self.theme.cell_head) if r == 0 and t.header else role_font(self.theme.cell)
                longest = max((pdfmetrics.stringWidth(w, font, size) for w in text.split()), default=0)
                minimum[i] = max(minimum[i], longest + padding)
                length[i] = max(length[i], min(pdfmetrics.stringWidth(text, font, size), width))
        spare = width - sum(minimum)
        if spare <= 0:
            return [width * m / sum(minimum) for m in minimum]
        extra = [max(0.0, n - m) for n, m in zip(length, minimum, strict=True)]
        total = sum(extra) or 1
        return [m + spare * e / total for m, e in zip(minimum, extra, strict=True)]

    def block_Box(self, box: Box, width: float) -> list[Flowable]:
        look = self.theme.box(box.classes)
        if look is None:
            return self.blocks(box.blocks, width)
        inner_width = width - 20
        self.box_depth += 1
        try:
            inner = self.blocks(box.blocks, inner_width)
        finally:
            self.box_depth -= 1
        marks: list[tuple[int, str]] = []
        for flowable in inner:
            if isinstance(flowable, OutlineHeading) and flowable.outline_title is not None:
                marks.append((flowable.outline_level, flowable.outline_title))
                flowable.outline_title = None
        t = Table([[inner]], colWidths=[width], hAlign="LEFT")
        cmds = [
            ("LEFTPADDING", (0, 0), (-1, -1), 12),
            ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, -1), 8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LINEBEFORE", (0, 0), (0, -1), look.bar_width, colour(look.bar)),
        ]
        if look.fill:
            cmds.append(("BACKGROUND", (0, 0), (-1, -1), colour(look.fill)))
        t.setStyle(self._table_style(cmds))
        t.spaceAfter = self.theme.body.size * 0.7  # not a Spacer: that could open a blank last page
        t.outline_marks = marks  # registered when the box is placed, on the page it lands on
        return [t]
