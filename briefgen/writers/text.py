"""Plain-text writer: the brief as a careful person would type it into a plain-text email.

Used for the text/plain part of the mail body and for `briefgen build -f txt`. The text
is UTF-8 with `\\n` line ends, wrapped at 72 columns (RFC 3676 keeps lines under 78;
72 leaves room for the `> ` a reply adds), with no trailing spaces, so a client that
reads it as format=flowed finds only hard breaks and reflows nothing. No Markdown
syntax shows: emphasis and code print as their plain text.

The looks of the house design become marks that survive any font. Mail clients show
plain text in a proportional font as often as in a monospaced one, so structure is never
carried by alignment alone:

- a framed box (key messages, a recommendation card) keeps the bar the other formats draw
  at its left, as `| ` before each of its lines. A plain indent is almost invisible in a
  proportional font, and `>` would make a client show the box as a quoted reply;
- a quote is `> `, which clients and RFC 3676 read as quoted text;
- notes are `[n]` markers and a list at the end, as in the HTML page's endnotes;
- a table is aligned in columns only when it fits the line; otherwise each row becomes
  `Header: value` lines, which read well in any font.

Only web and mail links show their address; any other scheme keeps its text only.
Same document and theme, same bytes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache

from ..design import NBSP, Theme, display_heading, display_title, note_paragraphs
from ..model import (
    Block,
    Box,
    Chart,
    Code,
    Document,
    Emph,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Quote,
    Rule,
    Span,
    Strong,
    Superscript,
    Table,
    Text,
    safe_url,
)
from . import Artifact, Assets
from .chart import caption, numbers_table
from .common import byline, kicker_text, running_text

MEDIA_TYPE = "text/plain"
WIDTH = 72  # columns a line may take, in display width
MIN_WIDTH = 24  # deep nesting never squeezes the text narrower than this
BOX_BAR = "| "  # before each line of a framed box: the bar the other formats draw at its left
QUOTE_MARK = ">"  # RFC 3676 quote depth: one `>` per level, then a space
BIBLIOGRAPHY_HANGING = 4  # a reference's lines after its first are indented this much
CODE_INDENT = 4
COLUMN_GAP = 2  # spaces between aligned table columns
FIELD_HANGING = 2  # wrapped lines of a `Header: value` field
SECTION_BREAK = "* * *"  # a thematic break, centred
BULLET = "- "
HARD_BREAK = "\n"  # a LineBreak inside rendered inline text; a text's own newlines are spaces

_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")  # white space a line may break at: not no-break spaces
# closing and length marks stay with the text before them, opening marks with the text after
_NO_LINE_START = {"Pe", "Pf", "Po", "Lm", "Mn", "Mc", "Me"}
_NO_LINE_END = {"Ps", "Pi"}
_MARKER_AT_END = re.compile(r"\[\d+\]$")


def write(doc: Document, theme: Theme, assets: Assets) -> Artifact:
    """The document as UTF-8 plain text; `notes` counts the notes listed at the end."""
    body = _Body(theme)
    main = body.blocks(doc.blocks, WIDTH)
    notes = body.notes_section(WIDTH)
    footer = _wrap(running_text(theme.footer, doc.meta), WIDTH)
    lines = _stack([_header(doc.meta), main, notes, footer])
    text = "\n".join(line.rstrip() for line in lines) + "\n"
    return Artifact(data=text.encode("utf-8"), media_type=MEDIA_TYPE, notes=len(body.notes))


# ---------------------------------------------------------------- the body


class _Body:
    """Turns model nodes into lines of text, collecting the notes to list at the end."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self.notes: list[tuple[Block, ...]] = []  # in document order: note n is notes[n - 1]
        self.in_link = False
        self.deferred_markers: list[str] = []  # note markers met inside a link: placed after its address

    # blocks -------------------------------------------------------
    def blocks(self, blocks: tuple[Block, ...], width: int, in_item: bool = False) -> list[str]:
        """Blocks separated by one blank line; in a list item a nested list follows its paragraph directly."""
        out: list[str] = []
        previous: Block | None = None
        for block in blocks:
            lines = self.block(block, width)
            if not lines:
                continue
            joins = in_item and isinstance(block, ListBlock) and isinstance(previous, Paragraph)
            if out and not joins:
                out.append("")
            out.extend(lines)
            previous = block
        return out

    def block(self, block: Block, width: int) -> list[str]:
        match block:
            case Heading(level=level, children=c):
                lines = _display_lines(self.inlines(c), self.inlines(display_heading(c)), width)
                return [*lines, "-" * _longest(lines)] if level <= 1 and lines else lines
            case Paragraph(children=c, role="code"):
                code = self.code_text(c).expandtabs(CODE_INDENT).strip("\n")
                return [" " * CODE_INDENT + line if line.strip() else "" for line in code.split("\n")] if code else []
            case Paragraph(children=c, role="bibliography"):
                return _wrap(self.inlines(c), width, subsequent=" " * BIBLIOGRAPHY_HANGING)
            case Paragraph(children=c):
                return _wrap(self.inlines(c), width)
            case ListBlock() as list_block:
                return self.list_block(list_block, width)
            case Table() as table:
                return self.table(table, width)
            case Box(classes=classes, blocks=b):
                if self.theme.box(classes) is None:  # a list box (bibliography, sources): no frame
                    return self.blocks(b, width)
                return _prefixed(self.blocks(b, width - len(BOX_BAR)), BOX_BAR)
            case Quote(blocks=b):
                return [_quoted(line) for line in self.blocks(b, width - len(QUOTE_MARK) - 1)]
            case Rule():
                return [" " * max((width - len(SECTION_BREAK)) // 2, 0) + SECTION_BREAK]
            case Chart() as chart:  # a chart is its caption and its numbers
                return self.blocks(tuple(b for b in (caption(chart), numbers_table(chart)) if b), width)
            case other:
                raise TypeError(f"text writer: unknown block node {type(other).__name__}")

    def list_block(self, list_block: ListBlock, width: int) -> list[str]:
        """Bullets `- `, or numbers from `start` right-aligned; item text hangs under its first line.

        Items follow each other directly unless one holds more than one paragraph (a loose list).
        """
        if list_block.ordered:
            numbers = [f"{list_block.start + i}." for i in range(len(list_block.items))]
            size = max((len(n) for n in numbers), default=0)
            markers = [n.rjust(size) + " " for n in numbers]
        else:
            markers = [BULLET] * len(list_block.items)
        loose = any(sum(not isinstance(b, ListBlock) for b in item) > 1 for item in list_block.items)
        out: list[str] = []
        for marker, item in zip(markers, list_block.items, strict=True):
            if out and loose:
                out.append("")
            lines = self.blocks(item, width - len(marker), in_item=True) or [""]
            out.append(marker + lines[0])
            out.extend(_prefixed(lines[1:], " " * len(marker)))
        return out

    def table(self, table: Table, width: int) -> list[str]:
        """Aligned columns under a dashed rule when they fit; else each row as `Header: value` lines.

        Each cell is rendered once, header first, so its note markers are numbered in reading order.
        """
        ncols = max([len(table.header), *(len(r) for r in table.rows)])
        if not ncols:
            return []
        header = _padded([self.inlines(c) for c in table.header], ncols)
        rows = [_padded([self.inlines(c) for c in row], ncols) for row in table.rows]
        aligns = _padded(list(table.align), ncols)
        grid = [[_one_line(cell) for cell in row] for row in ([header] if any(header) else []) + rows]
        widths = [max(_display_width(row[i]) for row in grid) for i in range(ncols)]
        if sum(widths) + COLUMN_GAP * (ncols - 1) <= width:
            lines = [_columns(row, widths, aligns) for row in grid]
            if any(header):
                lines.insert(1, _columns(["-" * w for w in widths], widths, aligns))
            return lines
        records = [self.record(header, row, width) for row in rows]
        return _stack(records)

    def record(self, header: list[str], row: list[str], width: int) -> list[str]:
        """One table row that does not fit the line, as `Header: value` lines; empty cells are left out."""
        out: list[str] = []
        for name, value in zip(header, row, strict=True):
            if not value.strip():
                continue
            name = _one_line(name)
            field = f"{name}: {value.strip()}" if name else value
            out.extend(_wrap(field, width, subsequent=" " * FIELD_HANGING))
        return out

    # inlines ------------------------------------------------------
    def inlines(self, nodes: tuple[Inline, ...]) -> str:
        """The text of inlines, `HARD_BREAK` where a line break is; two markers in a row get a comma between."""
        out = ""
        for node in nodes:
            text = self.inline(node)
            if isinstance(node, Note) and text and _MARKER_AT_END.search(out):
                out += ","  # "[1][2]" would read as a Markdown reference link
            out += text
        return out

    def inline(self, node: Inline) -> str:
        match node:
            case Text(text=t) | Code(text=t) | Superscript(text=t):
                return t.replace("\n", " ")
            case Emph(children=c) | Strong(children=c) | Span(children=c):
                return self.inlines(c)
            case Link(children=c, url=url) if _shows_address(url) and not self.in_link:
                self.in_link = True
                try:
                    text = self.inlines(c)
                finally:
                    self.in_link = False
                markers, self.deferred_markers = self.deferred_markers, []
                return _link_text(text, safe_url(url) or "") + ",".join(markers)
            case Link(children=c):
                return self.inlines(c)  # another scheme, an in-page link, or a link in a link: its text only
            case LineBreak():
                return HARD_BREAK
            case Note(blocks=b):
                self.notes.append(b)
                marker = f"[{len(self.notes)}]"
                if self.in_link:
                    self.deferred_markers.append(marker)
                    return ""
                return marker
            case other:
                raise TypeError(f"text writer: unknown inline node {type(other).__name__}")

    def code_text(self, nodes: tuple[Inline, ...]) -> str:
        """A code block's text with its own line breaks kept."""
        return "".join(n.text if isinstance(n, Code) else self.inline(n) for n in nodes)

    # notes --------------------------------------------------------
    def notes_section(self, width: int) -> list[str]:
        """The notes under their label, `[n] text` with the text hanging; [] when there are none.

        Walked by index because a note's own text could hold a note: it is appended and
        numbered after, instead of being lost. The hanging indent fits the widest marker.
        """
        if not self.notes:
            return []
        texts: list[list[str]] = []
        i = 0
        while i < len(self.notes):
            texts.append([self.inlines(p) for p in note_paragraphs(self.notes[i])] or [""])
            i += 1
        hanging = len(f"[{len(self.notes)}] ")
        title = _wrap(self.theme.label("notes"), width)
        entries = []
        for n, paragraphs in enumerate(texts, start=1):
            lines = _wrap(paragraphs[0], width, f"[{n}] ".ljust(hanging), " " * hanging) or [f"[{n}]"]
            for paragraph in paragraphs[1:]:
                lines.extend(_wrap(paragraph, width, " " * hanging, " " * hanging))
            entries.append(lines)
        return _stack([[*title, "-" * _longest(title)], *entries])


# ---------------------------------------------------------------- header


def _header(meta: Metadata) -> list[str]:
    """Marking, kicker (organisation · series), the title underlined with `=`, subtitle, byline.

    The title's last two words are kept together when it wraps, as in the other formats.
    """
    kicker = kicker_text(meta)
    title = _display_lines(meta.title, display_title(meta.title), WIDTH)
    return _stack(
        [
            _wrap(meta.marking.upper(), WIDTH),
            _wrap(kicker, WIDTH),
            [*title, "=" * _longest(title)] if title else [],
            _wrap(meta.subtitle, WIDTH),
            _wrap(byline(meta), WIDTH),
        ]
    )


# ---------------------------------------------------------------- lines and widths


def _display_lines(text: str, shown: str, width: int) -> list[str]:
    """A title or heading wrapped with its last two words kept together: `shown` is `text` with
    the no-break space design.display_title put there. Once the lines are made, that space is a
    plain space again; the text's own no-break spaces (French "Pourquoi ?") stay."""
    lines = _wrap(shown, width)
    at = next((i for i, (a, b) in enumerate(zip(text, shown, strict=False)) if a != b), None)
    if at is None or len(text) != len(shown):
        return lines
    joining = shown[:at].count(NBSP)  # how many no-break spaces come before the joining one
    out = []
    for line in lines:
        here = line.count(NBSP)
        if 0 <= joining < here:
            cut = [m.start() for m in re.finditer(NBSP, line)][joining]
            line = line[:cut] + " " + line[cut + 1 :]
        joining -= here
        out.append(line)
    return out


def _stack(parts: Iterable[list[str]]) -> list[str]:
    """Non-empty runs of lines with one blank line between them."""
    out: list[str] = []
    for lines in parts:
        if lines:
            if out:
                out.append("")
            out.extend(lines)
    return out


def _prefixed(lines: list[str], prefix: str) -> list[str]:
    """Each line after a prefix; a blank line gets the prefix without its trailing space."""
    return [prefix + line if line else prefix.rstrip() for line in lines]


def _quoted(line: str) -> str:
    """A line one quote level deeper: `> text`, and `>> text` for a line already quoted (RFC 3676)."""
    if not line:
        return QUOTE_MARK
    return QUOTE_MARK + line if line.startswith(QUOTE_MARK) else f"{QUOTE_MARK} {line}"


def _link_text(text: str, url: str) -> str:
    """`text <url>`; only `<url>` when the text is the address itself."""
    shown = " ".join(_BREAKING_SPACE.split(text.strip()))
    address = url.removeprefix("mailto:") if url.lower().startswith("mailto:") else url
    if not shown or shown in (url, address):
        return f"<{address}>"
    return f"{text} <{url}>"


def _shows_address(url: str) -> bool:
    """Web and mail links only: a brief must not hand a reader a script or file link to copy."""
    safe = safe_url(url)
    return safe is not None and not safe.startswith("#")


def _padded(cells: list[str], n: int) -> list[str]:
    return [*cells, *[""] * (n - len(cells))][:n]


def _one_line(text: str) -> str:
    """Text with its line breaks and runs of white space as single spaces."""
    return " ".join(w for w in _BREAKING_SPACE.split(text) if w)


def _columns(cells: list[str], widths: list[int], aligns: list[str]) -> str:
    return (" " * COLUMN_GAP).join(_align(c, w, a) for c, w, a in zip(cells, widths, aligns, strict=True)).rstrip()


def _align(text: str, width: int, align: str) -> str:
    gap = width - _display_width(text)
    if align == "right":
        return " " * gap + text
    if align == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


def _longest(lines: list[str]) -> int:
    return max((_display_width(line) for line in lines), default=0)


def _wrap(text: str, width: int, initial: str = "", subsequent: str = "") -> list[str]:
    """Text filled into lines of at most `width` display columns, prefixes included.

    Greedy filling like textwrap with break_long_words and break_on_hyphens off (so a
    word or URL is never split and a longer one stands alone on its line), but measured
    in display columns: textwrap counts code points, which would make a line of Chinese
    or Korean twice too wide. Text without spaces (Chinese, Japanese) may break between
    two wide characters, never before closing punctuation. `HARD_BREAK` starts a new line.
    """
    if not text.strip():
        return []
    width = max(width, MIN_WIDTH)
    lines: list[str] = []
    prefix = initial
    for segment in text.split(HARD_BREAK):
        line, used, started = prefix, _display_width(prefix), False
        for piece, spaced in _pieces(segment):
            size = _display_width(piece) + (1 if spaced and started else 0)
            if started and used + size > width:
                lines.append(line)
                line, used = subsequent + piece, _display_width(subsequent) + _display_width(piece)
            else:
                line, used = line + (" " if spaced and started else "") + piece, used + size
            started = True
        lines.append(line)
        prefix = subsequent
    while lines and not lines[-1].strip():  # a line break at the end adds no blank line
        lines.pop()
    return [line.rstrip() for line in lines]


def _pieces(segment: str) -> Iterator[tuple[str, bool]]:
    """The unbreakable pieces of a text, each with whether a space goes before it."""
    for word in _BREAKING_SPACE.split(segment):
        start = 0
        for i in range(1, len(word)):
            if _breaks_between(word[i - 1], word[i]):
                yield word[start:i], start == 0
                start = i
        if word:
            yield word[start:], start == 0


def _breaks_between(before: str, after: str) -> bool:
    """A line may break between two wide (CJK) characters, but not before a closing mark or after an opening one."""
    return (
        _char_width(before) == 2
        and _char_width(after) == 2
        and unicodedata.category(after) not in _NO_LINE_START
        and unicodedata.category(before) not in _NO_LINE_END
    )


def _display_width(text: str) -> int:
    """Columns the text takes in a monospaced font: East Asian wide characters take two."""
    return sum(_char_width(ch) for ch in text)


@cache
def _char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
