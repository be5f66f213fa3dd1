"""PDF writer: the document model -> a typeset PDF with reportlab's platypus.

Fonts are the bundled Noto TTFs (embedded, subset); the first page carries a
title band; every page a footer with "page X of Y"; headings become the PDF
outline; notes become footnotes at the foot of the page that cites them.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    ListFlowable,
    ListItem,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

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
    Text,
    plain_text,
)
from ..model import Paragraph as Para
from ..model import (
    Table as TableNode,
)
from ..style import Style
from .common import byline, release_epoch, running_text

_registered = False


def _register_fonts() -> None:
    global _registered
    if _registered:
        return
    for family in fonts.FAMILIES:
        names = {}
        for face in fonts.FACES:
            name = f"{fonts.FAMILIES[family][1]}-{face}"
            pdfmetrics.registerFont(TTFont(name, str(fonts.font_file(family, face))))
            names[face] = name
        pdfmetrics.registerFontFamily(
            names["Regular"],
            normal=names["Regular"],
            bold=names["Bold"],
            italic=names["Italic"],
            boldItalic=names["BoldItalic"],
        )
    _registered = True


def _face(family: str, face: str = "Regular") -> str:
    return f"{fonts.FAMILIES[family][1]}-{face}"


# ---------------------------------------------------------------- styles


@dataclass
class _Styles:
    body: ParagraphStyle
    lead: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    h4: ParagraphStyle
    small: ParagraphStyle
    note: ParagraphStyle
    bib: ParagraphStyle
    code: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    box_title: ParagraphStyle


def _styles(style: Style) -> _Styles:
    size = style.fonts.size
    body_font, head_font = style.fonts.body, style.fonts.headings
    text = colors.HexColor(style.colours.text)
    accent = colors.HexColor(style.colours.accent)
    body = ParagraphStyle(
        "body",
        fontName=_face(body_font),
        fontSize=size,
        leading=size * 1.42,
        textColor=text,
        spaceAfter=size * 0.6,
        alignment=TA_LEFT,
        hyphenationLang="",
        allowWidows=0,
        allowOrphans=0,
    )

    def heading(name: str, scale: float, before: float, colour: colors.Color = accent) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            parent=body,
            fontName=_face(head_font, "Bold"),
            fontSize=size * scale,
            leading=size * scale * 1.22,
            textColor=colour,
            spaceBefore=before,
            spaceAfter=size * 0.45,
            keepWithNext=0,
        )

    return _Styles(
        body=body,
        lead=ParagraphStyle("lead", parent=body, fontSize=size * 1.08, leading=size * 1.55),
        h1=heading("h1", 1.45, size * 1.3),
        h2=heading("h2", 1.2, size * 1.0),
        h3=heading("h3", 1.04, size * 0.8, text),
        h4=heading("h4", 1.0, size * 0.6, text),
        small=ParagraphStyle(
            "small",
            parent=body,
            fontName=_face(head_font),
            fontSize=size * 0.78,
            leading=size * 1.0,
            textColor=colors.HexColor(style.colours.muted),
            spaceAfter=0,
        ),
        note=ParagraphStyle(
            "note",
            parent=body,
            fontSize=size * 0.76,
            leading=size * 0.98,
            spaceAfter=size * 0.12,
            leftIndent=size * 1.1,
            firstLineIndent=-size * 1.1,
        ),
        bib=ParagraphStyle(
            "bib",
            parent=body,
            fontSize=size * 0.9,
            leading=size * 1.25,
            leftIndent=size * 1.6,
            firstLineIndent=-size * 1.6,
            spaceAfter=size * 0.35,
        ),
        code=ParagraphStyle("code", parent=body, fontName=_face("sans"), fontSize=size * 0.85),
        cell=ParagraphStyle("cell", parent=body, fontSize=size * 0.86, leading=size * 1.15, spaceAfter=0),
        cell_head=ParagraphStyle(
            "cell_head",
            parent=body,
            fontName=_face(head_font, "Bold"),
            fontSize=size * 0.86,
            leading=size * 1.15,
            spaceAfter=0,
            textColor=colors.white,
        ),
        box_title=ParagraphStyle(
            "box_title",
            parent=body,
            fontName=_face(head_font, "Bold"),
            fontSize=size * 1.02,
            leading=size * 1.3,
            textColor=accent,
            spaceAfter=size * 0.3,
            keepWithNext=1,
        ),
    )


# ---------------------------------------------------------------- flowables with extra duties


class _Heading(Paragraph):
    """A heading that registers itself in the PDF outline when placed."""

    outline_title: str | None = None  # only the original, not its split parts
    outline_level = 1


class _FlushNotes(Flowable):
    """At the end of the story: while a split note still has lines to print, add pages."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        frame = getattr(self, "_frame", None)
        if frame is not None and getattr(frame, "carry", None):
            from reportlab.platypus.doctemplate import FrameBreak

            frame.add_generated_content(FrameBreak, _FlushNotes())
        return 0, 0

    def draw(self) -> None:
        pass


class _NoteParagraph(Paragraph):
    """A paragraph whose footnotes must sit at the foot of the page it lands on."""

    notes: tuple[tuple[int, Paragraph], ...] = ()

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        parts = super().split(avail_width, avail_height)
        remaining = list(self.notes)
        for part in parts:
            frags = str(getattr(part, "frags", ""))
            mine = tuple(n for n in remaining if _note_anchor(n[0]) in frags)
            if isinstance(part, _NoteParagraph):
                part.notes = mine
            remaining = [n for n in remaining if n not in mine]
        if remaining and parts and isinstance(parts[-1], _NoteParagraph):
            parts[-1].notes = parts[-1].notes + tuple(remaining)
        return parts


def _introduces_box(blocks: tuple[Block, ...], i: int) -> bool:
    """A short paragraph right before a box (a group intro before its first card)."""
    return (
        isinstance(blocks[i], Para)
        and i + 1 < len(blocks)
        and isinstance(blocks[i + 1], Box)
        and len(plain_text(blocks[i].children)) < 400
    )


def _note_anchor(n: int) -> str:
    return f"note{n:04d}"


class _HRule(Flowable):
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


# ---------------------------------------------------------------- the conversion


class _Builder:
    def __init__(self, doc: Document, style: Style, width: float) -> None:
        self.doc, self.style, self.width = doc, style, width
        self.s = _styles(style)
        self.accent = colors.HexColor(style.colours.accent)
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
                    out.append(f'<font face="{_face("sans")}">{escape(t)}</font>')
                case Link(children=c, url=u):
                    out.append(
                        f'<a href="{escape(u, {chr(34): "&quot;"})}" color="{self.style.colours.accent}">'
                        f"{self.markup(c)}</a>"
                    )
                case LineBreak():
                    out.append("<br/>")
                case Note(blocks=b):
                    self.note_count += 1
                    n = self.note_count
                    out.append(
                        f'<a name="ref{_note_anchor(n)}"/><super><a href="#{_note_anchor(n)}" '
                        f'color="{self.style.colours.accent}">{n}</a></super>'
                    )
                    self.pending_notes.append((n, self._note_paragraph(n, b)))
                case _:
                    raise TypeError(f"PDF writer: unknown inline node {type(node).__name__}")
        return "".join(out)

    def _note_paragraph(self, n: int, blocks: tuple[Block, ...]) -> Paragraph:
        texts = []
        for b in blocks:
            if isinstance(b, Para):
                texts.append(self.markup(b.children))
            else:
                texts.append(escape(plain_text(getattr(b, "children", ()))))
        body = " ".join(texts)
        return Paragraph(
            f'<a name="{_note_anchor(n)}"/><super><a href="#ref{_note_anchor(n)}">{n}</a></super>\u2002{body}',
            self.s.note,
        )

    def paragraph(self, nodes: tuple[Inline, ...], style: ParagraphStyle) -> Paragraph:
        text = self.markup(nodes)
        notes, self.pending_notes = self.pending_notes, []
        if notes:
            para = _NoteParagraph(text, style)
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
            if _introduces_box(blocks, i) and made and isinstance(made[-1], Paragraph):
                made[-1].keepWithNext = 1  # a group's intro travels with its first card
            out.extend(made)
        return out

    def block_Heading(self, h: Heading, width: float) -> list[Flowable]:
        st = {1: self.s.h1, 2: self.s.h2, 3: self.s.h3}.get(h.level, self.s.h4)
        text = self.markup(h.children)
        self.pending_notes = []  # notes in headings are not supported: dropped, as Word styles drop them
        para = _Heading(text, st)
        para.outline_level, para.outline_title = h.level, plain_text(h.children)
        # a heading needs some of what follows on its page: a break unless there is room for a
        # few lines (group headings: most of a card); cheaper than keeping whole paragraphs together
        if self.box_depth:  # inside a cell a page-break hint would break the page after the box
            return [para]
        room = {1: 7, 2: 12, 3: 5}.get(h.level, 4) * self.style.fonts.size * 1.42
        return [CondPageBreak(room + st.fontSize * 2.5), para]

    def block_Paragraph(self, p: Para, width: float) -> list[Flowable]:
        st = {"bibliography": self.s.bib, "code": self.s.code, "small": self.s.small}.get(p.role, self.s.body)
        return [self.paragraph(p.children, st)]

    def block_ListBlock(self, lst: ListBlock, width: float) -> list[Flowable]:
        items = [ListItem(self.blocks(item, width - 16) or [Spacer(0, 0)]) for item in lst.items]
        size = self.style.fonts.size
        kwargs = dict(
            bulletFontName=_face(self.style.fonts.headings, "Bold") if lst.ordered else _face("sans"),
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
        inner = self.blocks(q.blocks, width - 24)
        t = Table([[inner]], colWidths=[width - 12])
        t.setStyle(
            self._table_style([("LEFTPADDING", (0, 0), (-1, -1), 14), ("LINEBEFORE", (0, 0), (0, -1), 2, self.accent)])
        )
        return [t]

    def block_Rule(self, r: Rule, width: float) -> list[Flowable]:
        return [_HRule(colors.HexColor(self.style.colours.rule))]

    def block_Table(self, t: TableNode, width: float) -> list[Flowable]:
        ncols = max(len(t.header), *(len(r) for r in t.rows)) if t.rows else len(t.header)
        widths = self._column_widths(t, ncols, width)
        data = []
        if t.header:
            data.append([self.paragraph(c, self.s.cell_head) for c in t.header])
        for row in t.rows:
            data.append([self.paragraph(c, self.s.cell) for c in row] + [""] * (ncols - len(row)))
        table = Table(data, colWidths=widths, repeatRows=1 if t.header else 0, hAlign="LEFT")
        rule = colors.HexColor(self.style.colours.rule)
        cmds = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, rule),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        if t.header:
            cmds += [("BACKGROUND", (0, 0), (-1, 0), self.accent)]
        table.setStyle(self._table_style(cmds))
        table.spaceAfter = self.style.fonts.size * 0.6
        return [table]

    def _table_style(self, commands: list) -> TableStyle:
        """Cells drawn as plain strings would otherwise use unembedded Helvetica."""
        return TableStyle([("FONTNAME", (0, 0), (-1, -1), _face(self.style.fonts.body)), *commands])

    def _column_widths(self, t: TableNode, ncols: int, width: float) -> list[float]:
        """Each column at least as wide as its longest word; the rest shared by text length."""
        size = self.style.fonts.size * 0.86
        bold = _face(self.style.fonts.headings, "Bold")
        padding = 12
        minimum = [padding + 4] * ncols
        length = [1] * ncols
        for r, row in enumerate((t.header, *t.rows)):
            for i, cell in enumerate(row):
                text = plain_text(cell)
                font = bold if r == 0 and t.header else _face(self.style.fonts.body)
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
        classes = set(box.classes)
        if classes & {"bibliography", "sources"}:
            return self.blocks(box.blocks, width)
        colours = self.style.colours
        bar = next((getattr(colours, p) for p in ("high", "medium", "low") if p in classes), colours.accent)
        inner_width = width - 20
        self.box_depth += 1
        try:
            inner = self.blocks(box.blocks, inner_width)
        finally:
            self.box_depth -= 1
        marks: list[tuple[int, str]] = []
        for flowable in inner:
            if isinstance(flowable, _Heading) and flowable.outline_title is not None:
                marks.append((flowable.outline_level, flowable.outline_title))
                flowable.outline_title = None
        t = Table([[inner]], colWidths=[width], hAlign="LEFT")
        cmds = [
            ("LEFTPADDING", (0, 0), (-1, -1), 12),
            ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, -1), 8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LINEBEFORE", (0, 0), (0, -1), 3, colors.HexColor(bar)),
        ]
        if "card" in classes:
            cmds.append(("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#F7F8FA")))
        else:
            cmds.append(("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(colours.box)))
        t.setStyle(self._table_style(cmds))
        t.spaceAfter = self.style.fonts.size * 0.7  # not a Spacer: that could open a blank last page
        t.outline_marks = marks  # registered when the box is placed, on the page it lands on
        return [t]


# ---------------------------------------------------------------- pages


class _NumberedCanvas(Canvas):
    """Draws "page X of Y" once the page count is known (the usual two-step canvas)."""

    def __init__(self, *args, footer: Callable[[Canvas, int, int], None], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []
        self._footer = footer

    def showPage(self) -> None:
        self._saved.append(dict(self.__dict__))
        # links and bookmarks name pages by this counter: advance it as if the page were out
        self._doc.pageCounter += 1
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        self._doc.pageCounter = 1
        for state in self._saved:
            self.__dict__.update(state)
            self._footer(self, self._pageNumber, total)
            super().showPage()
        super().save()


class _DocTemplate(BaseDocTemplate):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_outline_level = -1
        self._bookmark = 0

    def afterFlowable(self, flowable: Flowable) -> None:
        entries = list(getattr(flowable, "outline_marks", None) or [])  # headings inside a box
        if isinstance(flowable, _Heading) and flowable.outline_title is not None:
            entries.insert(0, (flowable.outline_level, flowable.outline_title))
        for outline_level, title in entries:
            level = min(outline_level - 1, self._last_outline_level + 1)
            self._bookmark += 1
            key = f"h{self._bookmark}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)
            self._last_outline_level = level


class _FootnoteFrame(Frame):
    """A frame that reserves room at its foot for the notes of what is placed in it.

    Placing a flowable that cites notes raises the frame's bottom by the notes'
    height (and a separator above the first); if the text and its notes do not both
    fit, the flowable is split or moves on, as LaTeX and Typst do it. A note too
    long for the room left is split: its first lines stay on the page of its marker,
    the rest opens the next page's notes. The notes are drawn when the page ends.
    """

    def __init__(self, *args, note_width: float, separator: float, carry: list[Paragraph], **kwargs) -> None:
        self.note_width = note_width
        self.separator = separator
        self.placed_notes: list[Paragraph] = []
        self.carry = carry  # note parts continued on the next page; shared by the page templates' frames
        super().__init__(*args, **kwargs)  # calls _reset, which reads the attributes above

    def _reset(self) -> None:
        super()._reset()
        self._geom()  # the bottom edge was raised for last page's notes; start afresh
        self.placed_notes = []
        if self.carry:
            self._place_continued_notes()

    def _place_continued_notes(self) -> None:
        """Notes continued from the last page, in at most 60% of this page; the rest goes on."""
        room = self._aH * 0.6 - self.separator
        continued, self.carry[:] = list(self.carry), []
        for i, note in enumerate(continued):
            h = note.wrap(self.note_width, 10_000)[1] + note.getSpaceAfter()
            if h <= room:
                self.placed_notes.append(note)
                room -= h
                continue
            parts = note.split(self.note_width, room) if room > self.separator * 2 else []
            if len(parts) == 2:
                self.placed_notes.append(parts[0])
                self.carry.append(parts[1])
            else:
                self.carry.append(note)
            self.carry.extend(continued[i + 1 :])
            break
        if self.placed_notes:
            self._y1p += self._notes_height([(0, p) for p in self.placed_notes]) + self.separator

    def _notes_height(self, notes: list[tuple[int, Paragraph]]) -> float:
        if not notes:
            return 0.0
        height = sum(p.wrap(self.note_width, 10_000)[1] + p.getSpaceAfter() for _, p in notes)
        return height + (0 if self.placed_notes else self.separator)

    def add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:
        notes = _notes_of(flowable)
        if not notes:
            return super().add(flowable, canv, trySplit)
        if self.carry:  # a note is being continued: later notes follow it, in order, on the next page
            placed = super().add(flowable, canv, trySplit)
            if placed:
                self.carry.extend(p for _, p in notes)
            return placed
        extra = self._notes_height(notes)
        self._y1p += extra
        placed = super().add(flowable, canv, trySplit)
        if placed:
            self.placed_notes.extend(p for _, p in notes)
            return placed
        self._y1p -= extra
        if self._atTop or extra > self._aH / 3:  # only a long note is split; short ones move with their text
            return self._add_with_split_notes(flowable, canv, notes)
        return 0

    def _add_with_split_notes(self, flowable: Flowable, canv: Canvas, notes: list[tuple[int, Paragraph]]) -> int:
        """Place the flowable with as much of its notes as fits; carry the rest to the next page."""
        flowable._frame, flowable.canv = self, canv  # as Frame._add does before wrapping
        try:
            _, height = flowable.wrap(self._getAvailableWidth(), self._y - self._y1p)
        finally:
            del flowable._frame, flowable.canv
        spacing = 0 if self._atTop else flowable.getSpaceBefore()
        room = self._y - self._y1p - height - spacing - (0 if self.placed_notes else self.separator)
        minimum = self.separator * 2  # at least two lines of the first note that does not fit
        placed_here: list[Paragraph] = []
        carried: list[Paragraph] = []
        for i, (_, note) in enumerate(notes):
            h = note.wrap(self.note_width, 10_000)[1] + note.getSpaceAfter()
            if h <= room:
                placed_here.append(note)
                room -= h
                continue
            parts = note.split(self.note_width, room) if room >= minimum else []
            if len(parts) == 2:
                placed_here.append(parts[0])
                carried.append(parts[1])
            else:
                carried.append(note)
            carried.extend(n for _, n in notes[i + 1 :])
            break
        if not placed_here:  # not even the marker's note starts here: let the flowable move on
            return 0
        extra = self._notes_height([(0, p) for p in placed_here])
        self._y1p += extra
        placed = super().add(flowable, canv, 0)
        if not placed:
            self._y1p -= extra
            return 0
        self.placed_notes.extend(placed_here)
        self.carry.extend(carried)
        return placed

    def split(self, flowable: Flowable, canv: Canvas) -> list[Flowable]:
        """Split so that the first part fits together with the notes it cites.

        Reserve room for the first k notes, for k from all of them down to none,
        and accept the first split whose first part cites no note beyond the k-th.
        """
        notes = _notes_of(flowable)
        if not notes:
            return super().split(flowable, canv)
        for k in range(len(notes), -1, -1):
            extra = self._notes_height(notes[:k])
            self._y1p += extra
            try:
                parts = super().split(flowable, canv)
            finally:
                self._y1p -= extra
            if not parts:
                continue
            cited = {n for n, _ in _notes_of(parts[0])}
            if cited <= {n for n, _ in notes[:k]}:
                return parts
        return []

    def draw_notes(self, canv: Canvas, rule_colour: colors.Color) -> None:
        if not self.placed_notes:
            return
        y = (
            self._y1
            + self._bottomPadding
            + sum(p.wrap(self.note_width, 10_000)[1] + p.getSpaceAfter() for p in self.placed_notes)
            + self.separator
        )
        canv.saveState()
        canv.setStrokeColor(rule_colour)
        canv.setLineWidth(0.5)
        rule_y = y - self.separator * 0.4
        canv.line(self._x, rule_y, self._x + min(self.note_width * 0.3, 60 * mm), rule_y)
        canv.restoreState()
        y -= self.separator
        for note in self.placed_notes:
            _, h = note.wrap(self.note_width, 10_000)
            note.drawOn(canv, self._x, y - h)
            y -= h + note.getSpaceAfter()


def _notes_of(flowable: Flowable) -> list[tuple[int, Paragraph]]:
    notes = list(getattr(flowable, "notes", ()) or ())
    for child in _children(flowable):
        notes.extend(_notes_of(child))
    return notes


def _children(flowable: Flowable) -> list[Flowable]:
    """Flowables nested in tables, lists and keep-togethers (their notes count too)."""
    if isinstance(flowable, Table):
        out = []
        for row in flowable._cellvalues:
            for cell in row:
                if isinstance(cell, list | tuple):
                    out.extend(c for c in cell if isinstance(c, Flowable))
                elif isinstance(cell, Flowable):
                    out.append(cell)
        return out
    for attr in ("_content", "_flowables", "_list_content"):
        content = getattr(flowable, attr, None)
        if isinstance(content, list | tuple):
            out = []
            for item in content:
                if isinstance(item, Flowable):
                    out.append(item)
                elif isinstance(item, list | tuple):
                    out.extend(c for c in item if isinstance(c, Flowable))
            return out
    return []


def _title_band(doc: Document, style: Style, width: float) -> tuple:
    """Flowables of the first page's coloured band, and its height."""
    size = style.fonts.size
    head = style.fonts.headings
    white = colors.white
    kicker = " · ".join(x for x in (doc.meta.organisation, doc.meta.series) if x)
    parts = []
    if kicker:
        parts.append(
            Paragraph(
                escape(kicker.upper()),
                ParagraphStyle(
                    "kicker",
                    fontName=_face(head, "Bold"),
                    fontSize=size * 0.8,
                    leading=size * 1.1,
                    textColor=white,
                    spaceAfter=size * 0.9,
                ),
            )
        )
    parts.append(
        Paragraph(
            escape(doc.meta.title),
            ParagraphStyle(
                "title", fontName=_face(head, "Bold"), fontSize=size * 2.15, leading=size * 2.5, textColor=white
            ),
        )
    )
    if doc.meta.subtitle:
        parts.append(
            Paragraph(
                escape(doc.meta.subtitle),
                ParagraphStyle(
                    "subtitle",
                    fontName=_face(style.fonts.body, "Italic"),
                    fontSize=size * 1.2,
                    leading=size * 1.6,
                    textColor=colors.HexColor("#DCE6F0"),
                    spaceBefore=size * 0.5,
                ),
            )
        )
    height = 14 * mm
    for p in parts:
        height += p.wrap(width, 1000)[1] + p.getSpaceBefore() + p.getSpaceAfter()
    height += 9 * mm
    return parts, height


def _logo(path: str) -> tuple[object | None, tuple[float, float]]:
    """The style's logo, scaled into a 16 mm high, 45 mm wide box at most."""
    if not path:
        return None, (0, 0)
    from reportlab.lib.utils import ImageReader

    image = ImageReader(path)
    w, h = image.getSize()
    scale = min(16 * mm / h, 45 * mm / w)
    return image, (w * scale, h * scale)


def write_pdf(doc: Document, style: Style) -> bytes:
    """Typeset the document; the same model and style always give the same bytes."""
    _register_fonts()
    page_size = A4 if style.page.size == "A4" else LETTER
    pw, ph = page_size
    top, right, bottom, left = (m * mm for m in style.page.margins)
    width = pw - left - right
    builder = _Builder(doc, style, width)
    s = builder.s
    logo, logo_size = _logo(style.logo)
    band_width = width - (logo_size[0] + 6 * mm if logo else 0)
    band, band_height = _title_band(doc, style, band_width)
    accent = colors.HexColor(style.colours.accent)
    muted = colors.HexColor(style.colours.muted)
    size = style.fonts.size

    story: list[Flowable] = []
    meta_line = byline(doc.meta)
    if meta_line:
        story.append(
            Paragraph(
                escape(meta_line),
                ParagraphStyle(
                    "byline", parent=s.small, fontSize=size * 0.86, leading=size * 1.2, spaceAfter=size * 1.0
                ),
            )
        )
    story.extend(builder.blocks(doc.blocks))
    story.append(_FlushNotes())

    def first_page(canv: Canvas, document: BaseDocTemplate) -> None:
        canv.saveState()
        canv.setFillColor(accent)
        canv.rect(0, ph - band_height, pw, band_height, stroke=0, fill=1)
        if logo:
            canv.drawImage(logo, pw - right - logo_size[0], ph - 10 * mm - logo_size[1], *logo_size, mask="auto")
        y = ph - 14 * mm
        for p in band:
            _, h = p.wrap(band_width, 1000)
            y -= p.getSpaceBefore()
            p.drawOn(canv, left, y - h)
            y -= h + p.getSpaceAfter()
        if doc.meta.marking:
            canv.setFont(_face(style.fonts.headings, "Bold"), size * 0.78)
            canv.setFillColor(colors.white)
            canv.drawRightString(pw - right, ph - 8 * mm, doc.meta.marking.upper())
        canv.restoreState()

    def later_page(canv: Canvas, document: BaseDocTemplate) -> None:
        canv.saveState()
        canv.setFont(_face(style.fonts.headings), size * 0.72)
        canv.setFillColor(muted)
        canv.drawString(left, ph - top + 5 * mm, running_text(style.header, doc.meta))
        if doc.meta.marking:
            canv.setFont(_face(style.fonts.headings, "Bold"), size * 0.72)
            canv.setFillColor(colors.HexColor(style.colours.high))
            canv.drawRightString(pw - right, ph - top + 5 * mm, doc.meta.marking.upper())
        canv.setStrokeColor(colors.HexColor(style.colours.rule))
        canv.setLineWidth(0.4)
        canv.line(left, ph - top + 3.5 * mm, pw - right, ph - top + 3.5 * mm)
        canv.restoreState()

    def page_end(canv: Canvas, document: BaseDocTemplate) -> None:
        frame = document.pageTemplate.frames[0]
        frame.draw_notes(canv, colors.HexColor(style.colours.muted))

    def footer(canv: Canvas, page: int, total: int) -> None:
        canv.saveState()
        canv.setStrokeColor(colors.HexColor(style.colours.rule))
        canv.setLineWidth(0.4)
        canv.line(left, bottom - 6 * mm, pw - right, bottom - 6 * mm)
        canv.setFont(_face(style.fonts.headings), size * 0.72)
        canv.setFillColor(muted)
        canv.drawString(left, bottom - 10 * mm, running_text(style.footer, doc.meta))
        label = f"{style.label('page')} {page} {style.label('of')} {total}"
        canv.drawRightString(pw - right, bottom - 10 * mm, label)
        canv.restoreState()

    separator = size * 1.1
    carry: list[Paragraph] = []
    frame_kwargs = dict(
        carry=carry, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, note_width=width, separator=separator
    )
    first = _FootnoteFrame(left, bottom, width, ph - bottom - band_height - 7 * mm, id="first", **frame_kwargs)
    later = _FootnoteFrame(left, bottom, width, ph - top - bottom, id="body", **frame_kwargs)
    buf = io.BytesIO()
    epoch = release_epoch(doc.meta)
    meta = doc.meta
    template = _DocTemplate(
        buf,
        pagesize=page_size,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=meta.title,
        author="; ".join(a.name for a in meta.authors) or meta.organisation,
        subject=meta.subtitle or meta.title,
        keywords=", ".join(meta.keywords),
        creator="briefgen",
        producer="briefgen (reportlab)",
        lang=meta.language,
        displayDocTitle=1,
        invariant=1,
        initialFontName=_face(style.fonts.body),
        initialFontSize=style.fonts.size,
    )
    template.addPageTemplates(
        [
            PageTemplate(
                id="First", frames=[first], onPage=first_page, onPageEnd=page_end, autoNextPageTemplate="Later"
            ),
            PageTemplate(id="Later", frames=[later], onPage=later_page, onPageEnd=page_end),
        ]
    )

    def make_canvas(*args, **kwargs) -> Canvas:
        canv = _NumberedCanvas(*args, footer=footer, **kwargs)
        _fix_dates(canv, epoch)
        canv.setPageCompression(1)
        return canv

    saved = rl_config.invariant, rl_config.canvas_basefontname
    # invariant: no clock or random ids in the file; base font: no stray unembedded Helvetica
    rl_config.invariant, rl_config.canvas_basefontname = 1, _face(style.fonts.body)
    try:
        template.build(story, canvasmaker=make_canvas)
    finally:
        rl_config.invariant, rl_config.canvas_basefontname = saved
    return buf.getvalue()


def _fix_dates(canv: Canvas, epoch: int) -> None:
    """Creation and modification dates from the brief (or SOURCE_DATE_EPOCH), never the clock."""
    stamp = canv._doc._timeStamp
    lt = time.gmtime(epoch)
    stamp.t, stamp.lt, stamp.YMDhms, stamp.dhh, stamp.dmm, stamp.tzname = epoch, lt, tuple(lt)[:6], 0, 0, "UTC"


__all__ = ["write_pdf"]


def write_pdf_for_audience(doc: Document, style: Style, folder: Path) -> bytes:
    return write_pdf(doc, style)
