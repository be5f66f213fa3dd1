"""The house design: every look and layout rule the writers share, resolved once per audience.

A `Theme` is built from an audience's `Style` and handed to every writer, so a colour,
a font size ratio, a box's look or a keep-together rule is decided here once and the
DOCX, PDF and HTML writers only translate it into their format's units and markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from .brief import PRIORITIES
from .fonts import FAMILIES
from .locales import plural_form
from .model import (
    Block,
    Box,
    Code,
    Emph,
    Heading,
    Inline,
    Link,
    Paragraph,
    Span,
    Strong,
    Text,
    blocks_text,
    plain_text,
)
from .style import Colours, Style

# Sizes are multiples of the body size (`fonts.size` in the style), so a larger body
# size scales the whole document; spacing is in multiples of it too.
LEADING = 1.42  # body line height
POINTS_PER_MM = 72 / 25.4
CARD_FILL = "#F7F8FA"  # recommendation cards: a quiet grey under the priority bar
SUBTITLE_COLOUR = "#DCE6F0"  # on the accent-coloured title band
BAND_TEXT_COLOUR = "#FFFFFF"
PAPER_COLOUR = "#FFFFFF"  # the page behind the text (the HTML page's background)
INTRO_KEEPS_WITH_CARD = 400  # a paragraph shorter than this stays on the page of the box after it
LIST_BOXES = ("bibliography", "sources")  # boxes that only mark where a list goes: no frame
PARAGRAPH_ROLES = ("bibliography", "code", "small")  # model Paragraph.role values with their own text role
PAGE_SIZES_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
LIST_INDENT = 1.5  # each list level indents by this many body sizes
LIST_NUMBER_GAP = 0.5
LIST_NUMBER_SCALE = 0.9  # a list's numbers are set this much smaller than the body, bold, in the headings' family
NBSP = "\u00a0"

# Page breaks: what may be split across pages, and what must stay together.
BOX_SPACE_AFTER = 0.7  # body sizes between a box and what follows it
BOX_KEEP_WHOLE_SHARE = 1 / 4  # a box shorter than this share of the text area moves whole; a taller one splits
BOX_LEAD_BLOCKS = 2  # a box's title and the short line under it (a card's priority line) ...
BOX_LEAD_MAX_CHARS = 300  # ... "short": fewer characters than this
KEEP_LINES = 8  # a list item (or in a DOCX a box's first paragraph) this short is one unit: never split
TABLE_MIN_ROWS = 3  # a table splits only with this many body rows on either side; its header row repeats
TITLE_JOIN_MAX_CHARS = 24  # the last two words of a title are joined only if together they are this short

# Charts (`::: chart`): horizontal stacked bars, set in the headings' family at the table cells' size.
# Lengths are multiples of that size, so a larger body size scales the chart with the text.
CHART_BAR = 1.6  # a bar's height
CHART_BAR_GAP = 0.6  # between two bars
CHART_SWATCH = 0.8  # a legend's colour square
CHART_LEGEND_GAP = 1.2  # between two legend entries, and under the legend
CHART_LABEL_SHARE = 0.34  # the categories' labels take at most this share of the chart's width
CHART_LABEL_LINES = 3  # a longer label is cut, with "…" (the numbers table under the chart has it whole)
CHART_COUNT_PAD = 0.3  # a count is printed in its segment only with this much room either side
CHART_SEPARATOR = 0.75  # points of paper between two segments, so they part in greyscale too
CHART_PIXELS_PER_POINT = 3  # a chart drawn as a picture (DOCX): 216 pixels an inch, sharp in print


@dataclass(frozen=True)
class TextRole:
    """One kind of text: its font, size and spacing, in points."""

    family: str  # a key of fonts.FAMILIES: "serif" | "sans" | "mono"
    size: float
    leading: float
    colour: str
    bold: bool = False
    italic: bool = False
    space_before: float = 0.0
    space_after: float = 0.0
    hanging: float = 0.0  # first line out-dented by this much (notes, bibliography)

    @property
    def face(self) -> str:
        return ("Bold" if self.bold else "") + ("Italic" if self.italic else "") or "Regular"

    @property
    def font_name(self) -> str:
        """The family as Word and CSS name it, e.g. "Noto Serif"."""
        return FAMILIES[self.family][0]


@dataclass(frozen=True)
class BoxLook:
    """A framed box: a coloured bar at the left, an optional fill."""

    kind: str  # keymessages | card | quote | a class a template invented
    bar: str
    fill: str | None
    bar_width: float = 3.0  # points
    priority: str = ""  # cards: high | medium | low


@dataclass(frozen=True)
class Priority:
    name: str
    label: str
    colour: str


@dataclass(frozen=True)
class Theme:
    page_size: str  # A4 | Letter
    margins: tuple[float, float, float, float]  # mm: top right bottom left
    colours: Colours
    body: TextRole
    headings: tuple[TextRole, TextRole, TextRole, TextRole]  # levels 1-4
    title: TextRole
    subtitle: TextRole
    kicker: TextRole
    byline: TextRole
    small: TextRole
    note: TextRole
    bibliography: TextRole
    code: TextRole
    cell: TextRole
    cell_head: TextRole
    running: TextRole  # running header and footer
    marking: TextRole  # "FOR OFFICIAL USE" on the first page
    priorities: tuple[Priority, ...]
    labels: dict[str, str]
    header: str
    footer: str
    max_pages: int | None

    def heading(self, level: int) -> TextRole:
        return self.headings[min(max(level, 1), 4) - 1]

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def role(self, name: str) -> TextRole:
        """The text role of a model paragraph's `role` ("" and unknown roles are body text)."""
        return getattr(self, name) if name in PARAGRAPH_ROLES else self.body

    def box(self, classes: tuple[str, ...]) -> BoxLook | None:
        """How a `::: name` box looks; None for boxes that only mark where a list goes."""
        if set(classes) & set(LIST_BOXES):
            return None
        priority = next((p for p in self.priorities if p.name in classes), None)
        bar = priority.colour if priority else self.colours.accent
        if "card" in classes:
            return BoxLook("card", bar, CARD_FILL, priority=priority.name if priority else "")
        return BoxLook(classes[0] if classes else "box", bar, self.colours.box)

    def quote(self) -> BoxLook:
        return BoxLook("quote", self.colours.accent, None, bar_width=2.0)

    def text_area(self) -> tuple[float, float]:
        """The page's text area (inside the margins), width and height in points."""
        width, height = PAGE_SIZES_MM[self.page_size]
        top, right, bottom, left = self.margins
        return (width - left - right) * POINTS_PER_MM, (height - top - bottom) * POINTS_PER_MM

    def chart_text(self, bold: bool = False) -> TextRole:
        """A chart's labels, legend and counts: the headings' family at a table cell's size."""
        cell = self.cell_head
        return TextRole(cell.family, cell.size, cell.leading, self.colours.text, bold=bold)

    def box_keeps_whole(self, height: float) -> bool:
        """A box this tall (points) moves whole to the next page rather than split."""
        return height < self.text_area()[1] * BOX_KEEP_WHOLE_SHARE


def theme(style: Style, language: str = "en") -> Theme:
    """The audience's style file resolved into the design every writer draws, its wording in `language`."""
    labels = {name: plural_form(text, 2, "en") for name, text in style.wording(language).items()}
    size = style.fonts.size
    c = style.colours
    body_family, head_family = style.fonts.body, style.fonts.headings
    body = TextRole(body_family, size, size * LEADING, c.text, space_after=size * 0.6)

    def heading(scale: float, before: float, colour: str) -> TextRole:
        return TextRole(
            head_family,
            size * scale,
            size * scale * 1.22,
            colour,
            bold=True,
            space_before=before,
            space_after=size * 0.45,
        )

    return Theme(
        page_size=style.page.size,
        margins=style.page.margins,
        colours=c,
        body=body,
        headings=(
            heading(1.45, size * 1.3, c.accent),
            heading(1.2, size * 1.0, c.accent),
            heading(1.04, size * 0.8, c.text),
            heading(1.0, size * 0.6, c.text),
        ),
        title=TextRole(head_family, size * 2.15, size * 2.5, BAND_TEXT_COLOUR, bold=True),
        subtitle=TextRole(body_family, size * 1.2, size * 1.6, SUBTITLE_COLOUR, italic=True, space_before=size * 0.5),
        kicker=TextRole(head_family, size * 0.8, size * 1.1, BAND_TEXT_COLOUR, bold=True, space_after=size * 0.9),
        byline=TextRole(  # date and authors: the title block under the band, in the text colour, bold
            head_family, size * 0.9, size * 1.25, c.text, bold=True, space_before=size * 0.8, space_after=size * 1.0
        ),
        small=TextRole(head_family, size * 0.78, size * 1.0, c.muted),
        note=TextRole(body_family, size * 0.76, size * 0.98, c.text, space_after=size * 0.12, hanging=size * 1.1),
        bibliography=TextRole(
            body_family, size * 0.9, size * 1.25, c.text, space_after=size * 0.35, hanging=size * 1.6
        ),
        code=TextRole("mono", size * 0.85, size * LEADING, c.text, space_after=size * 0.6),
        cell=TextRole(body_family, size * 0.86, size * 1.15, c.text),
        cell_head=TextRole(head_family, size * 0.86, size * 1.15, BAND_TEXT_COLOUR, bold=True),
        running=TextRole(head_family, size * 0.72, size * 0.9, c.muted),
        marking=TextRole(head_family, size * 0.78, size * 1.0, c.high, bold=True),
        priorities=tuple(Priority(p, labels.get(p, p), getattr(c, p)) for p in PRIORITIES),
        labels=labels,
        header=style.header,
        footer=style.footer,
        max_pages=style.max_pages,
    )


# ---------------------------------------------------------------- layout rules both writers follow


class HeadingLevels:
    """The level each heading is announced at, met in the model's order: never more than one
    deeper than the heading before, the first at most 1.

    A template may write `###` under a `#` for its look; a screen reader, the PDF's tags and
    outline and Word's navigation pane would then report a level that is not there. The look
    stays the written level's; only the announced level is clamped.
    """

    def __init__(self) -> None:
        self.last = 0

    def announced(self, level: int) -> int:
        self.last = max(1, min(level, self.last + 1))
        return self.last


def keeps_with_next(blocks: tuple[Block, ...], i: int) -> bool:
    """A short paragraph right before a box (a group's intro) stays on the box's page."""
    block = blocks[i]
    return (
        isinstance(block, Paragraph)
        and i + 1 < len(blocks)
        and isinstance(blocks[i + 1], Box)
        and len(plain_text(block.children)) < INTRO_KEEPS_WITH_CARD
    )


def note_paragraphs(blocks: tuple[Block, ...]) -> tuple[tuple, ...]:
    """A note's content as runs of inlines, one per paragraph: notes hold text, not structure.

    A list or table inside a note is flattened to its text, as Word's footnote styles
    and a page-foot note area can only hold paragraphs.
    """
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.children)
        else:
            out.append((Text(blocks_text((block,))),))
    return tuple(out)


def box_lead(blocks: tuple[Block, ...]) -> int:
    """How many of a box's first blocks stay with the first lines of the block after them.

    A box's heading and a short paragraph under it (a card's title and its priority and
    actors line) are never left at a page foot when the box splits across pages.
    """
    lead = 0
    for block in blocks[:BOX_LEAD_BLOCKS]:
        short = isinstance(block, Paragraph) and len(plain_text(block.children)) < BOX_LEAD_MAX_CHARS
        if not (isinstance(block, Heading) or short):
            break
        lead += 1
    return min(lead, max(len(blocks) - 1, 0))


def _join_point(text: str) -> int | None:
    """Where the space between a title's last two words is, if they are short enough to join."""
    words = text.rstrip()
    last = words.rfind(" ")
    if last <= 0 or not words[:last].strip():
        return None
    before = words.rfind(" ", 0, last)
    if len(words) - before - 2 > TITLE_JOIN_MAX_CHARS:  # the two words and no space
        return None
    return last


def display_title(text: str) -> str:
    """A display title (title band, heading) never ends with one word alone on its last line.

    Its last two words are joined by a no-break space, which Word, LibreOffice,
    reportlab and browsers all respect; the PDF also balances its lines by measuring.
    """
    at = _join_point(text)
    return text if at is None else text[:at] + NBSP + text[at + 1 :]


def display_heading(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """`display_title` on a heading's inlines: the joining space may sit in any text node."""
    at = _join_point(plain_text(inlines))
    if at is None:
        return inlines
    offset = 0

    def rewrite(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
        nonlocal offset
        out: list[Inline] = []
        for node in nodes:
            match node:
                case Text(text=t):
                    if offset <= at < offset + len(t):
                        t = t[: at - offset] + NBSP + t[at - offset + 1 :]
                    offset += len(t)
                    out.append(Text(t))
                case Code(text=t):
                    offset += len(t)
                    out.append(node)
                case Emph(children=c):
                    out.append(Emph(rewrite(c)))
                case Strong(children=c):
                    out.append(Strong(rewrite(c)))
                case Link(children=c, url=u):
                    out.append(Link(rewrite(c), u))
                case Span(children=c, lang=lang):
                    out.append(Span(rewrite(c), lang))
                case _:
                    offset += len(plain_text((node,)))
                    out.append(node)
        return tuple(out)

    return rewrite(inlines)
