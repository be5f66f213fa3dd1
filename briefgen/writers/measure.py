"""Text measured with the bundled fonts' own metrics, for layout decisions both writers take.

The PDF writer sets text in these fonts, so its measures are exact; a DOCX is laid out
by Word or LibreOffice, whose font may differ on the reader's machine (fonts are named,
not embedded), so the DOCX writer adds slack where a guess too small would hurt.

Widths are read here, with harfbuzz, rather than from reportlab's registered fonts: the
DOCX writer measures too, and loading reportlab and parsing every face (a third of a
second) only to measure a few would double its time. The numbers equal reportlab's
`stringWidth` for the same face, to the bit (tests/test_writers_docx.py checks every
character of every text face), so the PDF is laid out as before.
"""

from __future__ import annotations

import math
from functools import cache

import uharfbuzz as hb

from .. import fonts
from ..design import CHART_BAR, CHART_BAR_GAP, LIST_INDENT, LIST_NUMBER_GAP, TextRole, Theme
from ..model import Block, Box, Chart, Heading, ListBlock, Paragraph, Quote, Rule, Table, blocks_text, plain_text

NO_BREAK_SPACE = 0xA0
WORDS_KEPT = 10_000  # a face's word widths kept, at most (a long brief uses some 3,000 words)


class _Advances(dict[int, float]):
    """One face's advance widths by code point, in thousandths of an em, looked up as text asks for them.

    reportlab's values (`ttfonts.TTFontFile.extractInfo`): the advance in font units scaled
    to 1000 units an em (kept an integer when the font has 1000), the .notdef's advance for
    a character the font lacks, and the space's advance for the no-break space.
    """

    def __init__(self, path: str) -> None:
        super().__init__()
        face = hb.Face(hb.Blob.from_file_path(path))
        self._font = hb.Font(face)
        self._glyphs = face.glyph_count
        self._scale = 1000 / face.upem if face.upem != 1000 else None
        self.default = self._advance(0)
        self.words: dict[str, float] = {}
        if self._font.get_nominal_glyph(0x20) is not None:  # reportlab: the no-break space is a space
            self[NO_BREAK_SPACE] = self[0x20]
        elif self._font.get_nominal_glyph(NO_BREAK_SPACE) is not None:
            self[0x20] = self[NO_BREAK_SPACE]

    def word(self, word: str) -> float:
        """The sum of a word's advances, in its order (so the same float), kept: briefs repeat their words."""
        width = self.words.get(word)
        if width is None:
            if len(self.words) >= WORDS_KEPT:  # a long-lived process reads many briefs
                self.words.clear()
            width = self.words[word] = sum(self[ord(c)] for c in word)
        return width

    def _advance(self, glyph: int) -> float:
        advance = self._font.get_glyph_h_advance(glyph)
        return advance if self._scale is None else advance * self._scale

    def __missing__(self, code: int) -> float:
        glyph = self._font.get_nominal_glyph(code)
        width = self.default if glyph is None or glyph >= self._glyphs else self._advance(glyph)
        self[code] = width
        return width


@cache
def _advances(family: str, face: str) -> _Advances:
    return _Advances(str(fonts.font_file(family, face)))


def text_width(text: str, role: TextRole) -> float:
    """The width of one line of `text` set in `role`, in points, as the PDF writer sets it.

    reportlab's own sum (`rl_accel.instanceStringWidthTTF`), term for term, so the float is the same.
    """
    advances = _advances(role.family, role.face)
    return 0.001 * role.size * sum(advances[ord(c)] for c in text)


def line_count(text: str, role: TextRole, width: float) -> int:
    """How many lines `text` takes when wrapped at spaces into `width` points (at least 1).

    Each word's width is `text_width`'s, to the bit, summed here from the face's advances:
    the DOCX writer counts the lines of every paragraph in a box, word by word.
    """
    advances, scale = _advances(role.family, role.face), 0.001 * role.size
    space, width_of = scale * advances[0x20], advances.word
    lines, used = 1, 0.0
    for word in text.split():
        w = scale * width_of(word)
        if used and used + space + w > width:
            lines, used = lines + 1, w
        else:
            used += (space if used else 0.0) + w
    return lines


def room_for(width: float) -> float:
    """`width` rounded up to a hundredth of a point, for a column that must hold a word whole.

    A column exactly as wide as its word plus padding can leave the word a hair less room
    than its width once the writer subtracts the padding again (41.4378 - 12 = 29.437799...),
    and then the word breaks ("G10-1" / "0").
    """
    return math.ceil(width * 100) / 100


def list_indent(lst: ListBlock, number: TextRole, body_size: float, slack: float = 1.0) -> float:
    """How far a list's text stands from the left edge of its numbers, in points.

    `LIST_INDENT` body sizes, unless the list's widest number (set in `number`, widened by
    `slack`) and a gap of `LIST_NUMBER_GAP` ems need more: "15." must not touch its text.
    Bullets always fit the least indent.
    """
    least = body_size * LIST_INDENT
    if not lst.ordered or not lst.items:
        return least
    numbers = range(lst.start, lst.start + len(lst.items))
    widest = max(text_width(f"{n}.", number) for n in numbers)
    return max(least, room_for(widest * slack + body_size * LIST_NUMBER_GAP))


CELL_MIN_EMS = 2.0  # a table column keeps room for this many ems of its text, about four letters


def cell_fit(ncols: int, width: float, size: float, padding: float) -> tuple[float, float]:
    """The cell padding (a side, at most `padding`) and text scale that leave each of `ncols` columns room for text.

    Fifty columns on a page leave each less than two paddings: reportlab refuses a cell with no
    width and Word squeezes its text to a letter a line. The padding shrinks first, then the text;
    every writer asks this one rule.
    """
    share = width / max(ncols, 1)
    padding = min(padding, max(share * 0.1, (share - CELL_MIN_EMS * size) / 2))
    scale = min(1.0, (share - 2 * padding) / (CELL_MIN_EMS * size))
    return padding, scale


SMALLEST_TABLE_SCALE = 0.8  # a table's text is set no smaller than this to keep its words whole


def words_fit_scale(table: Table, theme: Theme, width: float, padding: float) -> float:
    """The text size, as a share of the full size, at which each column's longest word fits side by side.

    A status table's headers ("Partially implemented" in six columns) would otherwise break in the
    middle of a word ("Afghanista-n"); at most SMALLEST_TABLE_SCALE smaller, beyond which words break.
    `padding` is a cell's left plus right padding.
    """
    longest: dict[int, float] = {}
    for r, row in enumerate((table.header, *table.rows)):
        role = theme.cell_head if r == 0 and table.header else theme.cell
        for i, cell in enumerate(row):
            widest = max((text_width(w, role) for w in plain_text(cell).split()), default=0.0)
            longest[i] = max(longest.get(i, 0.0), widest)
    needed = sum(longest.values())
    room = width - padding * len(longest) - 0.5 * len(longest)  # half a point a column: rounding
    if needed <= 0 or needed <= room:
        return 1.0
    return max(SMALLEST_TABLE_SCALE, room / needed)


def column_widths(table: Table, theme: Theme, width: float, padding: float, slack: float = 1.0) -> list[float]:
    """Column widths in points: each at least its longest word, the rest shared by text length.

    `padding` is a cell's left plus right padding; `slack` widens the measured longest
    word, for a writer whose reader may substitute a wider font.
    """
    ncols = max([len(table.header), *(len(r) for r in table.rows)]) if (table.header or table.rows) else 0
    minimum = [padding + 4.0] * ncols
    length = [1.0] * ncols
    for r, row in enumerate((table.header, *table.rows)):
        role = theme.cell_head if r == 0 and table.header else theme.cell
        for i, cell in enumerate(row):
            text = plain_text(cell)
            longest = max((text_width(w, role) for w in text.split()), default=0.0)
            minimum[i] = max(minimum[i], room_for(longest * slack + padding))
            length[i] = max(length[i], min(text_width(text, role) * slack + padding, width))
    spare = width - sum(minimum)
    if spare <= 0:
        return [width * m / sum(minimum) for m in minimum]
    extra = [max(0.0, n - m) for n, m in zip(length, minimum, strict=True)]
    total = sum(extra) or 1.0
    return [m + spare * e / total for m, e in zip(minimum, extra, strict=True)]


BOX_PADDING = 24.0  # points a box's margins and bar take from the width and add to the height, about


def estimated_height(blocks: tuple[Block, ...], theme: Theme, width: float) -> float:
    """About how tall blocks set at `width` points are, for a writer that cannot measure its layout.

    Word lays out a DOCX itself; this is enough to tell a short box from one that
    must be allowed to split across pages.
    """
    height = 0.0
    for block in blocks:
        match block:
            case Heading(level=level, children=c):
                role = theme.heading(level)
                height += role.space_before + role.space_after + role.leading * line_count(plain_text(c), role, width)
            case Paragraph(children=c, role=name):
                role = theme.role(name)
                height += role.space_after + role.leading * line_count(plain_text(c), role, width)
            case ListBlock(items=items):
                indent = theme.body.size * LIST_INDENT
                height += sum(estimated_height(item, theme, width - indent) for item in items)
            case Table(header=header, rows=rows):
                cell = theme.cell
                for row in (header, *rows) if header else rows:
                    lines = max((line_count(plain_text(c), cell, width / max(len(row), 1)) for c in row), default=1)
                    height += lines * cell.leading + 7.0
            case Box(blocks=inner) | Quote(blocks=inner):
                height += estimated_height(inner, theme, width - BOX_PADDING) + BOX_PADDING
            case Rule():
                height += theme.body.size
            case Chart(categories=categories):  # caption and legend, the bars, the numbers' table
                bars = len(categories) * (CHART_BAR + CHART_BAR_GAP) * theme.chart_text().size
                height += 3 * theme.body.leading + bars + (len(categories) + 1) * (theme.cell.leading + 7.0)
            case _:
                height += theme.body.leading * line_count(blocks_text((block,)), theme.body, width)
    return height
