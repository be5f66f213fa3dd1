"""The house design: every look and layout rule the writers share, resolved once per audience.

A `Theme` is built from an audience's `Style` and handed to every writer, so a colour,
a font size ratio, a box's look or a keep-together rule is decided here once and the
DOCX, PDF and HTML writers only translate it into their format's units and markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from .brief import PRIORITIES
from .fonts import FAMILIES
from .model import Block, Box, Paragraph, Text, blocks_text, plain_text
from .style import Colours, Style

# Sizes are multiples of the body size (`fonts.size` in the style), so a larger body
# size scales the whole document; spacing is in multiples of it too.
LEADING = 1.42  # body line height
CARD_FILL = "#F7F8FA"  # recommendation cards: a quiet grey under the priority bar
SUBTITLE_COLOUR = "#DCE6F0"  # on the accent-coloured title band
BAND_TEXT_COLOUR = "#FFFFFF"
PAPER_COLOUR = "#FFFFFF"  # the page behind the text (the HTML page's background)
INTRO_KEEPS_WITH_CARD = 400  # a paragraph shorter than this stays on the page of the box after it
LIST_BOXES = ("bibliography", "sources")  # boxes that only mark where a list goes: no frame
PARAGRAPH_ROLES = ("bibliography", "code", "small")  # model Paragraph.role values with their own text role


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


def theme(style: Style) -> Theme:
    """The audience's style file resolved into the design every writer draws."""
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
        byline=TextRole(head_family, size * 0.86, size * 1.2, c.muted, space_before=size * 0.8, space_after=size * 1.0),
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
        priorities=tuple(Priority(p, style.label(p), getattr(c, p)) for p in PRIORITIES),
        labels={**style.labels},
        header=style.header,
        footer=style.footer,
        max_pages=style.max_pages,
    )


# ---------------------------------------------------------------- layout rules both writers follow


def keeps_with_next(blocks: tuple[Block, ...], i: int) -> bool:
    """A short paragraph right before a box (a group's intro) stays on the box's page."""
    return (
        isinstance(blocks[i], Paragraph)
        and i + 1 < len(blocks)
        and isinstance(blocks[i + 1], Box)
        and len(plain_text(blocks[i].children)) < INTRO_KEEPS_WITH_CARD
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
