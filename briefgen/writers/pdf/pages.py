"""What is drawn around the story: the title band, running header, footer with "Page X of Y"."""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import nullcontext
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, ListFlowable, Paragraph
from reportlab.platypus.doctemplate import LayoutError

from ...design import TextRole, Theme, display_title
from ...model import Metadata
from ..common import kicker_text, running_text
from . import budget
from .body import BalancedParagraph, KeepWithFirstLines, OutlineHeading
from .footnotes import FootnoteFrame, TaggedParagraph
from .glyphs import Glyphs
from .styles import colour, paragraph_style, role_font
from .tags import Node, StructTree, TaggingCanvas

STALLS = 50  # placing the same flowable this many times in a row, on one page, without progress: it never fits
BAND_TOP = 14 * mm  # from the page's top edge to the first line of the band
BAND_BOTTOM = 9 * mm


def title_band(
    meta: Metadata, theme: Theme, width: float, glyphs: Glyphs, tree: StructTree | None = None
) -> tuple[list[Paragraph], float]:
    """The first page's coloured band: kicker, title (the document's H1), subtitle; and its height."""
    tree = tree or StructTree()
    kicker = kicker_text(meta)
    parts: list[Paragraph] = []
    if kicker:
        style = paragraph_style("kicker", theme.kicker, flowing=False)
        parts.append(TaggedParagraph(*glyphs.fit(escape(kicker.upper()), style)))
        parts[-1].struct = tree.node("P", tree.root)
    title = escape(display_title(meta.title))
    parts.append(BalancedParagraph(*glyphs.fit(title, paragraph_style("title", theme.title, flowing=False))))
    parts[-1].struct = tree.node("H1", tree.root)
    if meta.subtitle:
        style = paragraph_style("subtitle", theme.subtitle, flowing=False)
        parts.append(TaggedParagraph(*glyphs.fit(escape(meta.subtitle), style)))
        parts[-1].struct = tree.node("P", tree.root)
    height = BAND_TOP
    for p in parts:
        height += p.wrap(width, 1000)[1] + p.getSpaceBefore() + p.getSpaceAfter()
    height += BAND_BOTTOM
    return parts, height


def logo_image(data: bytes | None) -> tuple[ImageReader | None, tuple[float, float]]:
    """The audience's logo, scaled into a 16 mm high, 45 mm wide box at most."""
    if not data:
        return None, (0, 0)
    image = ImageReader(io.BytesIO(data))
    w, h = image.getSize()
    scale = min(16 * mm / h, 45 * mm / w)
    return image, (w * scale, h * scale)


class PageDecorations:
    """Draws the band on page one, the running header on later pages, and every footer."""

    def __init__(
        self,
        meta: Metadata,
        theme: Theme,
        page: tuple[float, float],
        margins: tuple,
        logo: bytes | None,
        glyphs: Glyphs,
        tree: StructTree | None = None,
        logo_alt: str = "",
    ):
        self.meta, self.theme, self.glyphs = meta, theme, glyphs
        self.pw, self.ph = page
        self.top, self.right, self.bottom, self.left = margins
        self.width = self.pw - self.left - self.right
        self.logo, self.logo_size = logo_image(logo)
        self.band_width = self.width - (self.logo_size[0] + 6 * mm if self.logo else 0)
        # the band's reading order: the marking first (how the brief may be handled), the logo, the text
        tree = tree or StructTree()
        self.marking_node = tree.node("P", tree.root) if meta.marking else None
        self.logo_box = (
            self.pw - self.right - self.logo_size[0],
            self.ph - 10 * mm - self.logo_size[1],
            *self.logo_size,
        )
        self.logo_node = self._figure(tree, logo_alt or meta.organisation) if self.logo else None
        self.band, self.band_height = title_band(meta, theme, self.band_width, glyphs, tree)

    def _figure(self, tree: StructTree, alt: str) -> Node:
        x, y, w, h = self.logo_box
        layout = (("BBox", (x, y, x + w, y + h)), ("Placement", "/Block"))
        return tree.node("Figure", tree.root, alt=alt, attributes=(("Layout", layout),))

    def first_page(self, canv: Canvas, document: BaseDocTemplate) -> None:
        canv.saveState()
        canv.setFillColor(colour(self.theme.colours.accent))
        canv.rect(0, self.ph - self.band_height, self.pw, self.band_height, stroke=0, fill=1)
        if self.logo:
            with _content_of(canv, self.logo_node):
                canv.drawImage(self.logo, *self.logo_box, mask="auto")
        y = self.ph - BAND_TOP
        for p in self.band:
            _, h = p.wrap(self.band_width, 1000)
            y -= p.getSpaceBefore()
            p.drawOn(canv, self.left, y - h)
            y -= h + p.getSpaceAfter()
        if self.meta.marking:
            canv.setFont(role_font(self.theme.marking), self.theme.marking.size)
            canv.setFillColor(colour(self.theme.title.colour))  # on the band: in the band's text colour
            marking = self.meta.marking.upper()
            with _content_of(canv, self.marking_node):
                self._draw(
                    canv,
                    self.pw - self.right,
                    self.ph - 8 * mm,
                    marking,
                    self.theme.marking,
                    self.theme.title.colour,
                    right=True,
                )
        canv.restoreState()

    def _draw(
        self,
        canv: Canvas,
        x: float,
        y: float,
        text: str,
        role: TextRole,
        hex_colour: str,
        size: float | None = None,
        right: bool = False,
    ) -> None:
        """drawString (drawRightString if `right`) in the font and colour just set, with fallback fonts."""
        self.glyphs.draw_string(canv, x, y, text, role_font(role), size or role.size, colour(hex_colour), right=right)

    def later_page(self, canv: Canvas, document: BaseDocTemplate) -> None:
        text = running_text(self.theme.header, self.meta)
        if not (text or self.meta.marking):
            return  # a rule over nothing: no header at all (a brief without an organisation)
        with _pagination(canv, "Header"):
            self._header(canv, text)

    def _header(self, canv: Canvas, text: str) -> None:
        running = self.theme.running
        y = self.ph - self.top + 5 * mm
        canv.saveState()
        canv.setFont(role_font(running), running.size)
        canv.setFillColor(colour(running.colour))
        self._draw(canv, self.left, y, text, running, running.colour)
        if self.meta.marking:
            canv.setFont(role_font(self.theme.marking), running.size)
            canv.setFillColor(colour(self.theme.marking.colour))
            marking = self.meta.marking.upper()
            self._draw(
                canv,
                self.pw - self.right,
                y,
                marking,
                self.theme.marking,
                self.theme.marking.colour,
                running.size,
                right=True,
            )
        canv.setStrokeColor(colour(self.theme.colours.rule))
        canv.setLineWidth(0.4)
        canv.line(self.left, self.ph - self.top + 3.5 * mm, self.pw - self.right, self.ph - self.top + 3.5 * mm)
        canv.restoreState()

    def page_end(self, canv: Canvas, document: BaseDocTemplate) -> None:
        frame = document.pageTemplate.frames[0]
        frame.draw_notes(canv, colour(self.theme.colours.muted))

    def footer(self, canv: Canvas, page: int, total: int) -> None:
        with _pagination(canv, "Footer"):
            self._footer(canv, page, total)

    def _footer(self, canv: Canvas, page: int, total: int) -> None:
        running = self.theme.running
        canv.saveState()
        canv.setStrokeColor(colour(self.theme.colours.rule))
        canv.setLineWidth(0.4)
        canv.line(self.left, self.bottom - 6 * mm, self.pw - self.right, self.bottom - 6 * mm)
        canv.setFont(role_font(running), running.size)
        canv.setFillColor(colour(running.colour))
        self._draw(
            canv, self.left, self.bottom - 10 * mm, running_text(self.theme.footer, self.meta), running, running.colour
        )
        label = f"{self.theme.label('page')} {page} {self.theme.label('of')} {total}"
        self._draw(canv, self.pw - self.right, self.bottom - 10 * mm, label, running, running.colour, right=True)
        canv.restoreState()


def _content_of(canv: Canvas, node: Node | None):
    """What is drawn inside is `node`'s content, on a tagging canvas."""
    return canv.tagged(node) if node is not None and isinstance(canv, TaggingCanvas) else nullcontext()


def _pagination(canv: Canvas, subtype: str):
    return canv.pagination(subtype) if isinstance(canv, TaggingCanvas) else nullcontext()


class NumberedCanvas(TaggingCanvas):
    """Draws "page X of Y" once the page count is known: the usual two-step canvas.

    Each page's state is kept until `save`, then the footers are drawn with the total;
    `pages` tells the writer how many pages it made.
    """

    def __init__(self, *args, footer: Callable[[Canvas, int, int], None], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []
        self._footer = footer
        self.pages = 0

    def showPage(self) -> None:
        self.end_page()
        self._saved.append(dict(self.__dict__))
        # links and bookmarks name pages by this counter: advance it as if the page were out
        self._doc.pageCounter += 1
        self._startPage()
        self.start_page()

    def save(self) -> None:
        total = len(self._saved)
        self._doc.pageCounter = 1
        for state in self._saved:
            self.__dict__.update(state)
            self._footer(self, self._pageNumber, total)
            super().showPage()
        self.pages = total
        super().save()


class DocTemplate(BaseDocTemplate):
    """Starts each page's note area, adds headings (also those inside boxes) to the outline,
    and keeps a heading with the first lines after it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.keepTogetherClass = KeepWithFirstLines  # groups made by keepWithNext (headings, intros)
        self._last_outline_level = -1
        self._bookmark = 0
        self.audience = ""  # named in an error: "practitioner PDF: ..."
        self.layout_seconds = budget.LAYOUT_SECONDS
        self._state: tuple[int, int, int] | None = None  # page, what comes next, how much is left
        self._stalls = 0

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        """Place the next flowable; what cannot be placed in time, or at all, is named in one line.

        reportlab stops with a LayoutError that names its own classes ("Flowable <FramedBox at
        0x...> too large on page 2 in frame 'body'"); the user is told what they wrote instead.
        """
        current = flowables[0] if flowables else None
        try:
            super().handle_flowable(flowables)
            self._progress(current, flowables)
        except budget.OutOfTime:
            raise budget.failure(
                self.audience,
                f"{budget.describe(current)} took longer than {self.layout_seconds:g} s to lay out "
                f"(stopped on page {self.page}); shorten it or split it up",
            ) from None
        except LayoutError:
            raise budget.failure(
                self.audience,
                f"{budget.describe(current)} does not fit on a page and cannot be split there "
                f"(page {self.page}); shorten it or nest it less deeply",
            ) from None

    def handle_keepWithNext(self, flowables: list[Flowable]) -> None:
        """reportlab keeps nothing with a list: a heading before one stays with its first item instead."""
        i = 0
        while i < len(flowables) - 1 and flowables[i].getKeepWithNext():
            i += 1
        if i and isinstance(flowables[i], ListFlowable):
            flowables[i : i + 1] = flowables[i].split(self.width, self.height)  # its items, each a flowable
        super().handle_keepWithNext(flowables)

    def _progress(self, current: Flowable | None, flowables: list[Flowable]) -> None:
        """Stop when placing gets nowhere: the same flowable back in front, nothing placed, page after step.

        reportlab puts a list item it cannot place back in front of the story as it would an
        action, and groups it with what it keeps with again: without this, it loops forever.
        """
        state = (self.page, id(flowables[0]) if flowables else 0, len(flowables))
        self._stalls = self._stalls + 1 if state == self._state else 0
        self._state = state
        if self._stalls >= STALLS:
            raise LayoutError("no progress")  # named by handle_flowable, as reportlab's own

    def beforePage(self) -> None:
        for frame in self.pageTemplate.frames:
            if isinstance(frame, FootnoteFrame):
                frame.start_page()

    def afterFlowable(self, flowable: Flowable) -> None:
        entries = list(getattr(flowable, "outline_marks", None) or [])  # headings inside a box
        if isinstance(flowable, OutlineHeading) and flowable.outline_title is not None:
            entries.insert(0, (flowable.outline_level, flowable.outline_title))
        for outline_level, title in entries:
            level = min(outline_level - 1, self._last_outline_level + 1)
            self._bookmark += 1
            key = f"h{self._bookmark}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)
            self._last_outline_level = level
