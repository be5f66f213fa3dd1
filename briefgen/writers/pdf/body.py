"""The document model's blocks and inlines as reportlab flowables and paragraph markup."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListItem,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import ActionFlowable, FrameBreak

from ...design import (
    BOX_SPACE_AFTER,
    KEEP_LINES,
    LEADING,
    LIST_NUMBER_SCALE,
    TABLE_MIN_ROWS,
    BoxLook,
    HeadingLevels,
    Theme,
    box_lead,
    display_heading,
    keeps_with_next,
    note_paragraphs,
)
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
    Text,
    plain_text,
    safe_url,
)
from ...model import Paragraph as Para
from ...model import Table as TableNode
from ..measure import CELL_MIN_EMS, cell_fit, column_widths, list_indent, room_for, text_width, words_fit_scale
from . import budget
from .footnotes import Container, NoteParagraph, TaggedParagraph, note_anchor
from .glyphs import Glyphs, right_to_left_runs
from .rlhooks import LabelledList, frame_cursor, frame_of, set_row_split_range, split_in_frame_of
from .styles import colour, face_name, role_font, styles
from .tags import Node, StructTree, TaggingCanvas

UNLIMITED = 1e7  # points: "as tall as it needs"
CONTINUED_PADDING = 4.0  # points above the content of a box's piece continued from the last page
NESTED_MIN = 0.25  # what a quote, box or list holds keeps this share of the text width, however deep
CELL_PADDING = 6.0  # points left and right of a cell's text (reportlab's default)


def heading_role(level: int) -> str:
    """The structure type of a model heading: H1 is the title, so level 1 is H2 (as in the HTML)."""
    return f"H{min(max(level, 1) + 1, 6)}"


class BalancedParagraph(TaggedParagraph):
    """A display title whose lines are balanced: as narrow as it can be without taking another line.

    CSS calls this `text-wrap: balance`; a two-line title then breaks near its middle
    instead of leaving a short last line.
    """

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        cache = self.__dict__.setdefault("_balanced", {})
        if avail_width not in cache:
            cache[avail_width] = self._balanced_width(avail_width)
        _, height = super().wrap(cache[avail_width], avail_height)
        self.width = avail_width  # the frame still gives the title its full width
        return avail_width, height

    def _balanced_width(self, avail_width: float) -> float:
        height = super().wrap(avail_width, UNLIMITED)[1]
        if height < self.style.leading * 1.5:  # one line: nothing to balance
            return avail_width
        narrow, wide = avail_width / 2, avail_width
        for _ in range(12):
            middle = (narrow + wide) / 2
            if super().wrap(middle, UNLIMITED)[1] > height + 0.01:
                narrow = middle
            else:
                wide = middle
        return wide


class OutlineHeading(BalancedParagraph, NoteParagraph):
    """A heading that registers itself in the PDF outline when placed; its notes go to the page foot."""

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


class ListLabel:
    """A list item's bullet or number, drawn as the content of the item's Lbl element."""

    def __init__(self, drawer, node: Node) -> None:
        self._drawer, self._node = drawer, node

    def __getattr__(self, name: str):
        return getattr(self._drawer, name)

    def drawOn(self, indenter, canv, x, y, _sW=0) -> None:
        if isinstance(canv, TaggingCanvas):
            with canv.tagged(self._node):
                self._drawer.drawOn(indenter, canv, x, y, _sW)
        else:
            self._drawer.drawOn(indenter, canv, x, y, _sW)


class ItemParagraph(NoteParagraph):
    """A list item's paragraph: a short one is read as one unit and never split across pages.

    The policymaker brief's actions are one paragraph each (title, rationale, who and
    when); split, the "Who/When" lines would open the next page without their title.
    """

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        lines = self.wrap(avail_width, UNLIMITED)[1] / self.style.leading
        if round(lines) <= KEEP_LINES:
            return []
        return super().split(avail_width, avail_height)


class Stack(Container):
    """Flowables set one under the other, as a frame would set them, as one flowable.

    What must share a page travels as one Stack: the footnote frame then sees every
    note it cites, and the outline every heading in it.
    """

    def __init__(self, children: list[Flowable], padding: tuple[float, float, float, float] = (0, 0, 0, 0)) -> None:
        super().__init__()
        self.children = children
        self.padding = padding  # top right bottom left, points
        self._placed: list[tuple[Flowable, float, float]] = []  # child, offset from the top, height

    @property
    def outline_marks(self) -> list[tuple[int, str]]:
        """The headings inside, for the outline: registered when this piece is placed."""
        marks: list[tuple[int, str]] = []
        for child in self.children:
            if isinstance(child, OutlineHeading) and child.outline_title is not None:
                marks.append((child.outline_level, child.outline_title))
            marks.extend(getattr(child, "outline_marks", None) or [])
        return marks

    def getSpaceBefore(self) -> float:
        return self.children[0].getSpaceBefore() if self.children else 0.0

    def getSpaceAfter(self) -> float:
        return self.children[-1].getSpaceAfter() if self.children else 0.0

    def _inner_width(self, avail_width: float) -> float:
        return avail_width - self.padding[1] - self.padding[3]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        budget.check()
        width = self._inner_width(avail_width)
        placed, y, space_after = [], 0.0, None
        for child in self.children:
            _, h = child.wrapOn(self.canv, width, UNLIMITED)
            if space_after is not None:
                y += space_after + child.getSpaceBefore()
            placed.append((child, y, h))
            y += h
            space_after = child.getSpaceAfter()
        self._placed = placed
        self.width, self.height = avail_width, self.padding[0] + y + self.padding[2]
        return self.width, self.height

    def draw(self) -> None:
        top, left = self.padding[0], self.padding[3]
        for child, y, h in self._placed:
            child.drawOn(self.canv, left, self.height - top - y - h)


class FramedBox(Stack):
    """A box (card, key messages, quote) that splits across pages like text.

    Its fill and bar are drawn behind every piece, so a split box's frame continues on
    the next page. A box that `keeps_whole(height)` moves to the next page whole instead.
    A piece never ends with a child marked keepWithNext: a card's title and priority
    line stay with the first lines of its rationale (a paragraph splits only with two
    lines or more on each side).
    """

    def __init__(
        self,
        children: list[Flowable],
        look: BoxLook,
        padding: tuple[float, float, float, float],
        keeps_whole: Callable[[float], bool] | None = None,
        space_after: float = 0.0,
        what: str = "box",
    ) -> None:
        super().__init__(children, padding)
        self.look, self.keeps_whole, self.space_after = look, keeps_whole, space_after
        self.what = what  # what the reader calls it, for an error: "quote", "card box"

    def getSpaceBefore(self) -> float:
        return 0.0

    def getSpaceAfter(self) -> float:
        return self.space_after

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        if self.look.fill:
            canv.setFillColor(colour(self.look.fill))
            canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canv.setStrokeColor(colour(self.look.bar))
        canv.setLineWidth(self.look.bar_width)
        canv.line(0, 0, 0, self.height)
        canv.restoreState()
        super().draw()

    def _at_page_top(self) -> bool:
        """Whether it is split at the top of a frame (it or the box it heads was given the frame)."""
        frame = frame_of(self)
        return frame is not None and frame_cursor(frame)[1]

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        budget.check()
        if avail_height < self.padding[0]:  # not even the top padding fits: no piece starts here (and no
            return []  # line-breaking: the note frame offers many such rooms, one per set of notes)
        if self.wrap(avail_width, avail_height)[1] <= avail_height:
            return [self]
        if self.keeps_whole is not None and self.keeps_whole(self.height):
            return []
        width = self._inner_width(avail_width)
        room = avail_height - self.padding[0]  # the first piece runs to the page foot: no bottom padding
        queue, taken = list(self.children), []
        y, space_after = 0.0, None
        while queue:
            child = queue[0]
            if isinstance(child, ActionFlowable):  # a KeepTogether's page break ends the piece
                if isinstance(child, FrameBreak):
                    break
                queue.pop(0)
                continue
            gap = 0.0 if space_after is None else space_after + child.getSpaceBefore()
            left = room - y - gap
            _, h = child.wrapOn(self.canv, width, max(left, 0.0))
            if h <= left:
                taken.append(queue.pop(0))
                y, space_after = y + gap + h, child.getSpaceAfter()
                continue
            if left <= 0:
                parts = []
            elif all(t.getKeepWithNext() for t in taken):  # all before it stays with it: it heads the piece
                parts = split_in_frame_of(self, child, self.canv, width, left)
            else:
                parts = child.splitOn(self.canv, width, left)
            if not parts or (len(parts) == 1 and parts[0] is child):
                break
            queue[0:1] = parts
        while taken and taken[-1].getKeepWithNext():
            queue.insert(0, taken.pop())
        top, right, bottom, left_pad = self.padding
        if taken and not queue and self._at_page_top():
            # All it holds fits, its bottom padding does not: boxes nested deep, each with its
            # padding, can be taller than a page by their paddings alone. At a page's top moving
            # on gains nothing: the padding is squeezed into the room left (reportlab would stop).
            squeezed = (top, right, max(0.0, room - y), left_pad)
            return [FramedBox(taken, self.look, squeezed, space_after=self.space_after, what=self.what)]
        if not taken or not queue:
            return []
        continued = (CONTINUED_PADDING, right, bottom, left_pad)
        return [
            FramedBox(taken, self.look, (top, right, 0.0, left_pad), what=self.what),
            FramedBox(queue, self.look, continued, space_after=self.space_after, what=self.what),
        ]


def _heading_after_heading(before: list[Flowable], made: list[Flowable]) -> list[Flowable]:
    """A heading right under another ("Recommendations", then "Central Asia") adds the room it needs to
    the first one's page-break hint instead of a hint of its own: between the two, a hint would end
    the keepWithNext group and could leave the first heading alone at a page's foot."""
    if (
        len(made) == 2
        and isinstance(made[0], CondPageBreak)
        and len(before) >= 2
        and isinstance(before[-1], OutlineHeading)
        and isinstance(before[-2], CondPageBreak)
    ):
        before[-2].height += made[0].height
        return made[1:]
    return made


class KeepWithFirstLines(KeepTogether):
    """keepWithNext as a reader expects it: a heading stays with the first lines of what follows.

    reportlab's KeepTogether moves the whole group on when it does not fit, leaving a
    half-empty page before a long box or table. Here the group's last flowable is split
    into the room left, by its own rules (a paragraph keeps two lines, a table three
    rows, a box its title and first lines); only if it cannot is the group moved on.
    """

    def __init__(self, flowables: list[Flowable], maxHeight: float | None = None) -> None:
        super().__init__(flowables, maxHeight)
        self.group = list(flowables)

    def split(self, aW: float, aH: float) -> list[Flowable]:
        *lead, last = self.group
        if lead:
            height = 0.0
            for i, flowable in enumerate(lead):
                _, h = flowable.wrapOn(self.canv, aW, aH)
                height += h + flowable.getSpaceAfter() + (flowable.getSpaceBefore() if i else 0.0)
            room = aH - height - last.getSpaceBefore()
            if room > 0 and last.wrapOn(self.canv, aW, room)[1] > room:
                parts = last.splitOn(self.canv, aW, room)
                # a nested group that moves on whole splits into its page break and itself: nothing of
                # it would stay with the heading, so the heading moves on with it
                if len(parts) >= 2 and not isinstance(parts[0], ActionFlowable):
                    return [Stack([*lead, parts[0]]), *parts[1:]]  # one flowable: the note frame sees all it cites
        return super().split(aW, aH)


class RowSafeTable(Table):
    """A table that splits only with `TABLE_MIN_ROWS` body rows on either side; its header repeats.

    reportlab's `rowSplitRange` says where a split may fall, but the parts of a split
    table get a range shifted for other purposes, so the rule is set afresh before each
    split. A table too tall for a whole page (its few rows very long) may split anywhere
    rather than fail the brief.
    """

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        head = self.repeatRows if isinstance(self.repeatRows, int) else len(self.repeatRows)
        set_row_split_range(self, (head + TABLE_MIN_ROWS, -TABLE_MIN_ROWS))  # bounds of the first row after it
        self.splitInRow = 0  # a part split inside a row inherits the flag; with the bounds it would recurse
        parts = super().split(availWidth, availHeight)
        frame = frame_of(self)
        if not parts and frame is not None and frame_cursor(frame)[1]:  # even a fresh page is too short
            set_row_split_range(self, None)
            parts = super().split(availWidth, availHeight)
            if not parts:  # one row taller than a page (a very long word in a narrow column): split inside it
                self.splitInRow = 1
                parts = super().split(availWidth, availHeight)
        return parts


def floored(widths: list[float], floors: list[float]) -> list[float]:
    """Column widths with none below its floor: the shortfall is taken from the wider ones, by their excess.

    `widths` sum to the table's width, and so at least do the floors.
    """
    short = sum(max(0.0, f - w) for w, f in zip(widths, floors, strict=True))
    spare = sum(max(0.0, w - f) for w, f in zip(widths, floors, strict=True))
    if short <= 0 or spare <= 0:
        return [max(w, f) for w, f in zip(widths, floors, strict=True)]
    return [f if w <= f else w - (w - f) * short / spare for w, f in zip(widths, floors, strict=True)]


def _note_target(n: int) -> str:
    return f"note{n:04d}"


class Builder:
    """Turns blocks into flowables; counts the notes it numbers."""

    def __init__(
        self,
        theme: Theme,
        width: float,
        glyphs: Glyphs | None = None,
        tree: StructTree | None = None,
        language: str = "en",
    ) -> None:
        self.theme, self.width = theme, width
        self.glyphs = glyphs or Glyphs()  # fallback fonts for what the text fonts lack
        self.tree = tree or StructTree()
        self.parent = self.tree.root  # the structure element the blocks being built belong to
        self.s = styles(theme, language)
        self.accent = colour(theme.colours.accent)
        self.note_count = 0
        self.pending_notes: list[tuple[int, Paragraph]] = []
        self.levels = HeadingLevels()
        self.box_depth = 0  # > 0 while building the content of a box (a table cell)

    @contextmanager
    def under(self, node: Node) -> Iterator[Node]:
        """Blocks built inside belong to `node` in the structure tree."""
        outer, self.parent = self.parent, node
        try:
            yield node
        finally:
            self.parent = outer

    def element(self, role: str, **details) -> Node:
        """A new structure element under the current one, in the model's order."""
        return self.tree.node(role, self.parent, **details)

    # inline markup ------------------------------------------------
    def markup(self, nodes: tuple[Inline, ...]) -> str:
        out = []
        for node in nodes:
            match node:
                case Text(text=t):
                    out.append(self._text(t))
                case Emph(children=c):  # Em and Strong: PDF 2.0's types, role-mapped to Span (structure.py)
                    em = self.tree.node("Em")
                    out.append(f"{self.tree.open(em)}<i>{self.markup(c)}</i>{self.tree.close(em)}")
                case Strong(children=c):
                    strong = self.tree.node("Strong")
                    out.append(f"{self.tree.open(strong)}<b>{self.markup(c)}</b>{self.tree.close(strong)}")
                case Span(children=c, lang=lang):
                    span = self.tree.node("Span", lang=lang)
                    out.append(f"{self.tree.open(span)}{self.markup(c)}{self.tree.close(span)}")
                case Code(text=t):
                    out.append(f'<font face="{role_font(self.theme.code)}">{escape(t)}</font>')
                case Link(children=c, url=u) if (safe := safe_url(u)) is not None and not safe.startswith("#"):
                    words = plain_text(c).strip()
                    link = self.tree.node("Link", contents=safe if words in ("", safe) else f"{words} ({safe})")
                    out.append(
                        f'{self.tree.open(link)}<a href="{self.tree.href(link, safe)}" '
                        f'color="{self.theme.colours.accent}">{self.markup(c)}</a>{self.tree.close(link)}'
                    )
                # an address no output may link to, or a place in the brief: the PDF names no place
                # of the brief's own (its only destinations are its notes), so a link would not resolve
                case Link(children=c):  # its words only
                    out.append(self.markup(c))
                case LineBreak():
                    out.append("<br/>")
                case Superscript(text=t):
                    out.append(f"<super>{escape(t)}</super>")
                case Note(blocks=b):
                    self.note_count += 1
                    n = self.note_count
                    note = self.tree.node("Note", ident=f"note-{n}")
                    reference = self.tree.node("Reference", then=note)  # the note is read right after its marker
                    link = self.tree.node("Link", contents=self.theme.label("note").replace("{n}", str(n)))
                    out.append(
                        f'<a name="{note_anchor(n)}"/>{self.tree.open(reference)}{self.tree.open(link)}'
                        f'<super><a href="{self.tree.href(link, "#" + _note_target(n))}" '
                        f'color="{self.theme.colours.accent}">{n}</a></super>'
                        f"{self.tree.close(link)}{self.tree.close(reference)}"
                    )
                    self.pending_notes.append((n, self._note_paragraph(n, b, note)))
                case _:
                    raise TypeError(f"PDF writer: unknown inline node {type(node).__name__}")
        return "".join(out)

    def _text(self, text: str) -> str:
        """Text, each right-to-left run in it a Span whose /ActualText is the run in reading order:
        it is drawn turned round (glyphs.py), which is what text extraction would otherwise read."""
        out, at = [], 0
        for start, end in right_to_left_runs(text):
            span = self.tree.node("Span", actual=text[start:end])
            out.append(
                f"{escape(text[at:start])}{self.tree.open(span)}{escape(text[start:end])}{self.tree.close(span)}"
            )
            at = end
        out.append(escape(text[at:]))
        return "".join(out)

    def _note_paragraph(self, n: int, blocks: tuple[Block, ...], note: Node) -> Paragraph:
        body = " ".join(self.markup(runs) for runs in note_paragraphs(blocks))
        label = self.tree.node("Lbl")  # the note's number, a link back to its marker: what it answers
        back = self.tree.node("Link", contents=self.theme.label("note_backlink").replace("{n}", str(n)))
        para = TaggedParagraph(
            *self.glyphs.fit(
                f'<a name="{_note_target(n)}"/>{self.tree.open(label)}{self.tree.open(back)}<super>'
                f'<a href="{self.tree.href(back, "#" + note_anchor(n))}">{n}</a></super>'
                f"{self.tree.close(back)}{self.tree.close(label)}\u2002{body}",
                self.s.note,
            )
        )
        para.struct = note
        return para

    def paragraph(self, nodes: tuple[Inline, ...], style, item: bool = False, role: str = "P") -> Paragraph:
        """A paragraph, the content of a new `role` element; `item`: the first of a list item, which a
        short item never splits."""
        node = self.element(role)  # before its inlines' notes: the tree follows the model's order
        text, style = self.glyphs.fit(self.markup(nodes), style)
        notes, self.pending_notes = self.pending_notes, []
        para = (
            (ItemParagraph if item else NoteParagraph)(text, style) if notes or item else TaggedParagraph(text, style)
        )
        para.struct = node
        if notes or item:
            para.notes = tuple(notes)
        return para

    # blocks -------------------------------------------------------
    def blocks(self, blocks: tuple[Block, ...], width: float | None = None) -> list[Flowable]:
        return [flowable for made in self.each_block(blocks, width) for flowable in made]

    def each_block(self, blocks: tuple[Block, ...], width: float | None = None) -> Iterator[list[Flowable]]:
        """Each block's flowables in turn, made when the next is asked for (a `Story` lays them out as it goes)."""
        last_two: list[Flowable] = []  # what was made last: a heading right under another changes its hint
        for i, block in enumerate(blocks):
            method: Callable[[Block, float], list[Flowable]] | None = getattr(
                self, "block_" + type(block).__name__, None
            )
            if method is None:
                raise TypeError(f"PDF writer: unknown block node {type(block).__name__}")
            made = method(block, width or self.width)
            if keeps_with_next(blocks, i) and made and isinstance(made[-1], Paragraph):
                made[-1].keepWithNext = 1
            made = _heading_after_heading(last_two, made)
            last_two = [*last_two, *made][-2:]
            yield made

    def block_Heading(self, h: Heading, width: float) -> list[Flowable]:
        st = self.s.heading(h.level)
        level = self.levels.announced(h.level)
        node = self.element(heading_role(level))
        text = self.markup(display_heading(h.children))
        notes, self.pending_notes = self.pending_notes, []
        para = OutlineHeading(*self.glyphs.fit(text, st))
        para.struct = node
        para.notes = tuple(notes)  # a citation in a heading: its note at the foot of the heading's page
        para.outline_level, para.outline_title = level, plain_text(h.children)
        para.keepWithNext = 1  # never the last line of a page: it stays with the first lines after it
        # a heading needs some of what follows on its page: a break unless there is room for a
        # few lines (group headings: most of a card); cheaper than keeping whole paragraphs together
        if self.box_depth:  # inside a cell a page-break hint would break the page after the box
            return [para]
        room = {1: 7, 2: 12, 3: 5}.get(h.level, 4) * self.theme.body.size * LEADING
        return [CondPageBreak(room + st.fontSize * 2.5), para]

    def block_Paragraph(self, p: Para, width: float) -> list[Flowable]:
        return [self.paragraph(p.children, self.s.role(p.role))]

    def block_ListBlock(self, lst: ListBlock, width: float) -> list[Flowable]:
        size = self.theme.body.size
        number = replace(self.theme.headings[0], size=size * LIST_NUMBER_SCALE, bold=True, italic=False)
        (indent,) = self._indents(width, list_indent(lst, number, size))
        numbering = "/Decimal" if lst.ordered else "/Disc"
        labels: list[Node] = []
        items = []
        with self.under(self.element("L", attributes=(("List", (("ListNumbering", numbering),)),))):
            for item in lst.items:
                with self.under(self.element("LI")):
                    labels.append(self.element("Lbl"))
                    with self.under(self.element("LBody")):
                        items.append(ListItem(self._item(item, width - indent) or [Spacer(0, 0)]))
        queue = iter(labels)
        kwargs = dict(
            bulletFontName=face_name(number.family, number.face) if lst.ordered else face_name("sans"),
            bulletFontSize=number.size if lst.ordered else size,
            bulletColor=self.accent,
            leftIndent=indent,
            spaceAfter=size * 0.3,
            bulletOffsetY=0,
        )
        label = lambda drawer: ListLabel(drawer, next(queue))  # noqa: E731  one label element per bullet, in order
        if lst.ordered:
            return [
                LabelledList(items, label=label, bulletType="1", start=str(lst.start), bulletFormat="%s.", **kwargs)
            ]
        return [LabelledList(items, label=label, bulletType="bullet", start="•", **kwargs)]

    def _item(self, item: tuple[Block, ...], width: float) -> list[Flowable]:
        """A list item's flowables; its first paragraph is an ItemParagraph."""
        if not (item and isinstance(item[0], Para)):
            return self.blocks(item, width)
        first = self.paragraph(item[0].children, self.s.role(item[0].role), item=True)
        if keeps_with_next(item, 0):
            first.keepWithNext = 1
        return [first, *self.blocks(item[1:], width)]

    def block_Quote(self, q: Quote, width: float) -> list[Flowable]:
        right, left = self._indents(width, 18.0, 14.0)  # a quote sits narrower than the text
        padding = (3.0, right, 3.0, left)  # top right bottom left
        with self.under(self.element("BlockQuote")):
            return [self._framed(q.blocks, self.theme.quote(), padding, width, self.theme.body.space_after, "quote")]

    def block_Rule(self, r: Rule, width: float) -> list[Flowable]:
        return [HRule(colour(self.theme.colours.rule))]

    def block_Table(self, t: TableNode, width: float) -> list[Flowable]:
        ncols = max(len(t.header), *(len(r) for r in t.rows)) if t.rows else len(t.header)
        if not ncols:  # no cell at all: reportlab refuses a table without a row and a column
            return []
        padding, scale = cell_fit(ncols, width, self.s.cell.fontSize, CELL_PADDING)
        scale = min(scale, words_fit_scale(t, self.theme, width, 2 * padding))
        widths = floored(
            column_widths(t, self.theme, width, padding=2 * padding), self._floors(t, ncols, width, padding, scale)
        )
        data = []
        head_styles, cell_styles = (
            self._aligned(self._scaled(self.s.cell_head, scale), t.align, ncols),
            self._aligned(self._scaled(self.s.cell, scale), t.align, ncols),
        )
        column = (("Table", (("Scope", "/Column"),)),)
        with self.under(self.element("Table")):
            if t.header:
                with self.under(self.element("THead")), self.under(self.element("TR")):
                    data.append([self.paragraph(c, head_styles[i], role="TH") for i, c in enumerate(t.header)])
                    for node in self.parent.kids:
                        node.attributes = column  # type: ignore[union-attr]  # the header row's kids: the TH nodes just made
            with self.under(self.element("TBody")):
                for row in t.rows:
                    with self.under(self.element("TR")):
                        cells = [self.paragraph(c, cell_styles[i], role="TD") for i, c in enumerate(row)]
                        for _ in range(ncols - len(row)):
                            self.element("TD")  # an empty cell: the row keeps its columns
                    data.append(cells + [""] * (ncols - len(row)))
        head = 1 if t.header else 0
        table = RowSafeTable(data, colWidths=widths, repeatRows=head, hAlign="LEFT")
        rule = colour(self.theme.colours.rule)
        cmds = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, rule),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        if t.header:
            cmds += [("BACKGROUND", (0, 0), (-1, 0), self.accent)]
        if padding != CELL_PADDING:
            cmds += [("LEFTPADDING", (0, 0), (-1, -1), padding), ("RIGHTPADDING", (0, 0), (-1, -1), padding)]
        table.setStyle(self._table_style(cmds))
        table.spaceAfter = self.theme.body.space_after
        return [table]

    def _floors(self, t: TableNode, ncols: int, width: float, padding: float, scale: float) -> list[float]:
        """Each column's least width: its longest word, up to an equal share of the table; some text at least.

        `column_widths` gives a column its longest word; when the words are wider than
        the table (a 5,000-letter word), it shares the width out by them, leaving the
        other columns too narrow for "short". A word wider than its share is broken.
        """
        share = width / max(ncols, 1)
        floors = [2 * padding + CELL_MIN_EMS * self.s.cell.fontSize * scale] * ncols
        rows = [(t.header, self.theme.cell_head)] if t.header else []
        for row, role in [*rows, *((r, self.theme.cell) for r in t.rows)]:
            for i, cell in enumerate(row):
                longest = max((text_width(w, role) for w in plain_text(cell).split()), default=0.0)
                floors[i] = max(floors[i], min(room_for(longest * scale + 2 * padding), share))
        return floors

    @staticmethod
    def _scaled(style: ParagraphStyle, scale: float) -> ParagraphStyle:
        """A cell style set smaller, for a table too wide to give its columns room at full size."""
        if scale >= 1:
            return style
        return ParagraphStyle(
            f"{style.name}-small", parent=style, fontSize=style.fontSize * scale, leading=style.leading * scale
        )

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

    def block_Chart(self, chart: Chart, width: float) -> list[Flowable]:
        """The caption, kept with the chart (a Figure with its alternative text), then the numbers' table."""
        from ..chart import alt_text, caption, numbers_table  # here: a brief without a chart never loads them
        from .chart import ChartFigure

        title = caption(chart)
        made: list[Flowable] = self.block_Paragraph(title, width) if title else []
        for flowable in made:
            flowable.keepWithNext = 1
        figure = ChartFigure(chart, self.theme, width, self.element("Figure", alt=alt_text(chart)))
        figure.spaceAfter = self.theme.body.space_after
        return [*made, figure, *self.block_Table(numbers_table(chart), width)]

    def block_Box(self, box: Box, width: float) -> list[Flowable]:
        look = self.theme.box(box.classes)
        if look is None:
            return self.blocks(box.blocks, width)
        right, left = self._indents(width, 10.0, 12.0)
        padding = (8.0, right, 4.0, left)  # top right bottom left
        what = f"{box.classes[0]} box" if box.classes else "box"
        with self.under(self.element("Div")):
            return [self._framed(box.blocks, look, padding, width, self.theme.body.size * BOX_SPACE_AFTER, what)]

    def _indents(self, width: float, *indents: float) -> tuple[float, ...]:
        """The indents a nested block takes from `width`, scaled down so its content keeps room.

        Each quote, box or list level is narrower than the one around it; forty levels
        would leave no width, and reportlab then drops or refuses the text. Below
        `NESTED_MIN` of the text width the indents shrink, to nothing if need be.
        """
        room = max(0.0, width - self.width * NESTED_MIN)
        total = sum(indents)
        if total <= room:
            return indents
        return tuple(i * room / total for i in indents)

    def _framed(
        self,
        blocks: tuple[Block, ...],
        look: BoxLook,
        padding: tuple[float, float, float, float],
        width: float,
        space_after: float,
        what: str = "box",
    ) -> FramedBox:
        """A box's blocks in a FramedBox; its lead (a card's title and priority line) keeps with what follows."""
        self.box_depth += 1
        try:
            inner = self.blocks(blocks, width - padding[1] - padding[3])
        finally:
            self.box_depth -= 1
        for flowable in inner[: box_lead(blocks)]:  # a heading or paragraph is one flowable each
            flowable.keepWithNext = 1
        return FramedBox(inner, look, padding, self.theme.box_keeps_whole, space_after, what)
