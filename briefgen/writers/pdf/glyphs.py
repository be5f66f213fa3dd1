"""Font fallback per character for the PDF, right-to-left runs, and word of what no font has.

reportlab sets each run of text in one font and prints a character that font lacks as its
empty .notdef glyph, without a word. So before a paragraph's markup reaches reportlab, every
run of characters its font lacks is wrapped in `<font name=...>` of the first fallback font
that has them: the bundled Noto Sans Arabic and Noto Sans Hebrew, then the fonts the audience's
style adds. Bold text gets the fallback's bold face; italic prints upright (neither Noto draws
italic). A character no font has stays in the text, so it can still be copied and searched, and
`Glyphs.report` names it and where it is, for the writer's warnings.

Right-to-left runs. reportlab (5.1) joins Arabic letters through harfbuzz (`uharfbuzz`) when a
paragraph style has `shaping=1`, but it shapes one word at a time, with the font of the word's
first run, and its bidi reordering needs `rlbidi` (not on PyPI) and is switched off for
paragraphs of several runs, which every paragraph with a fallback run is. So here:

- a right-to-left run (from a Hebrew or Arabic letter or Arabic-Indic digit to the last such
  character or number, with no left-to-right letter between) is put in the order it is drawn by
  python-bidi (UAX #9): turned round, numbers in it kept as written (European and Arabic-Indic
  digits are weak types, never turned round), brackets mirrored;
- its spaces become no-break spaces, so the run stays on one line and harfbuzz sees an Arabic
  run as one word; harfbuzz lays out a piece in an Arabic-script font right to left itself
  (letters and digits alike), so such a piece is given to it turned back; runs longer than
  `MAX_UNBROKEN` may break at their spaces, and then read right to left word by word only;
- Hebrew letters stand alone, so Noto Sans Hebrew is not shaped: its text is turned round here;
- a shaped piece (Arabic, an audience's font) must be a word of its own: punctuation touching it
  that its font has joins it, placed for harfbuzz; any other change of font gets a break too
  narrow to see (`WORD_BREAK`), which a line may break at;
- the bundled text fonts are never shaped (`styles.UnshapedTTFont`): their layout and text stay
  as before, and a document without fallback text is byte for byte what it was.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, partial
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape

import uharfbuzz as hb
from bidi import get_display
from bidi.mirror import MIRRORED as BIDI_MIRRORS
from reportlab.lib.colors import Color
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from ... import fonts
from ...design import Theme, note_paragraphs
from ...model import Block, Box, Chart, Code, Document, Heading, Inline, ListBlock, Note, Quote, Table, plain_text
from ...model import Paragraph as Para
from ..common import byline, kicker_text, running_text
from .styles import BUNDLED_FILES, UnshapedTTFont, register_face, role_font, text_faces

MAX_UNBROKEN = 40  # characters: a longer right-to-left run may break at its spaces
WORD_BREAK = '<font size="0.01"> </font>'  # a space too narrow to see: reportlab starts a new word there
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
JOINED_SCRIPTS = frozenset({"arabic"})  # bundled fallback families harfbuzz shapes
RTL_CLASSES = frozenset({"R", "AL"})
STRONG_CLASSES = frozenset({"L", "R", "AL"})
NUMBER_CLASSES = frozenset({"EN", "AN"})
MIRRORED = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))
PLACES_NAMED = 3  # one warning names this many places, then counts the rest
CHARACTERS_NAMED = 8


@cache
def coverage(font_name: str) -> frozenset[int]:
    """The characters a registered TrueType font draws (its cmap, less those mapped to .notdef).

    A bundled face's are read by harfbuzz from its file, so knowing them parses no face with
    reportlab (which reads the same cmap: tests/test_writers_pdf_glyphs.py compares the two).
    A standard PDF font (no TrueType face) is taken to draw printable ASCII.
    """
    bundled = BUNDLED_FILES.get(font_name)
    if bundled is not None:
        return _file_coverage(bundled)
    char_to_glyph = getattr(getattr(pdfmetrics.getFont(font_name), "face", None), "charToGlyph", None)
    if char_to_glyph is None:
        return frozenset(range(0x20, 0x7F))
    return frozenset(code for code, glyph in char_to_glyph.items() if glyph)


@cache
def _file_coverage(path: Path) -> frozenset[int]:
    """The characters of a bundled file; faces that cover the same ones share one set.

    The 10 bundled text files cover 2 sets of characters (each face of Noto Serif and Sans the
    same ~2,840, of Sans Mono ~3,370): kept once each, they take 0.4 MB instead of 2.1 in every
    process that checks a PDF's glyphs (and in each worker a pool forks after that check).
    """
    found = frozenset(hb.Face(hb.Blob.from_file_path(str(path))).unicodes)
    return _DISTINCT_COVERAGE.setdefault(found, found)


_DISTINCT_COVERAGE: dict[frozenset[int], frozenset[int]] = {}


def _is_bold(font_name: str) -> bool:
    """Whether a face is bold, from its name: every face registered here is called Family-Face."""
    return "Bold" in font_name.rpartition("-")[2]


def _ignorable(ch: str) -> bool:
    """Invisible format characters (joiners, variation selectors): never reported, dropped where no font has them."""
    return ch != "\u00ad" and (unicodedata.category(ch) == "Cf" or "\ufe00" <= ch <= "\ufe0f" or ch >= "\U000e0100")


def _blank(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) == "Cc"


def breaks_word(ch: str) -> bool:
    """Where reportlab ends a word: white space other than the no-break space."""
    return ch.isspace() and ch != NBSP


@dataclass(frozen=True)
class FallbackFont:
    """A font tried for characters the text font lacks: its regular and bold faces (reportlab names)."""

    regular: str
    bold: str

    def face(self, bold: bool) -> str:
        return self.bold if bold else self.regular


@cache
def bundled_fallbacks() -> tuple[FallbackFont, ...]:
    """Noto Sans Arabic and Hebrew, registered once as reportlab families (italic maps to upright).

    Arabic letters join, so harfbuzz shapes the Arabic font; Hebrew letters stand alone, so
    the Hebrew font is drawn as it is, put in order here, and needs no word of its own.
    """
    out = []
    for family in fonts.FALLBACK_FAMILIES:
        kind = TTFont if family in JOINED_SCRIPTS else UnshapedTTFont
        names = {face: f"{fonts.FALLBACK_FAMILIES[family][1]}-{face}" for face in ("Regular", "Bold")}
        mapping = partial(
            pdfmetrics.registerFontFamily,
            names["Regular"],
            normal=names["Regular"],
            bold=names["Bold"],
            italic=names["Regular"],
            boldItalic=names["Bold"],
        )
        for face, name in names.items():
            register_face(name, fonts.font_file(family, face), kind, mapping)  # parsed when first drawn
        mapping()
        out.append(FallbackFont(names["Regular"], names["Bold"]))
    return tuple(out)


def audience_fallback(data: bytes) -> FallbackFont:
    """A TrueType font from the audience's style, registered once under a name made from its bytes.

    It is shaped, as it may hold a script whose letters join or combine.
    """
    name = "Fallback-" + hashlib.sha256(data).hexdigest()[:16]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
    return FallbackFont(name, name)


@cache
def shaped(font_name: str) -> bool:
    """Whether reportlab shapes words that start in this font with harfbuzz."""
    font = pdfmetrics.getFont(font_name)
    return bool(font.shapable) and not isinstance(font, UnshapedTTFont)


@dataclass
class Piece:
    """Text in one font, in the order it is drawn; `fallback` when the font is not the text's own."""

    font: str
    text: str
    fallback: bool = False

    @property
    def shaped(self) -> bool:
        """A fallback piece harfbuzz shapes: it must be a word of its own."""
        return self.fallback and shaped(self.font)


class Glyphs:
    """One PDF's font fallback: the fonts tried after the text's own, and what they cover."""

    def __init__(self, extra_fonts: Sequence[bytes] = ()) -> None:
        self.problems: list[str] = []  # fonts the audience gave that cannot be read
        extra = []
        for i, data in enumerate(extra_fonts, 1):
            try:
                extra.append(audience_fallback(data))
            except Exception as err:  # reportlab's TrueType reader fails in many ways on a broken file
                self.problems.append(f"fonts.fallback font {i} cannot be read, so it is not used: {err!r}")
        self.fallbacks = (*bundled_fallbacks(), *extra)
        # characters every text font has: markup made of these alone needs nothing (the fast path of `fit`)
        self._plain = frozenset.intersection(*(coverage(f) for f in text_faces()))
        self._shaped_styles: dict[int, ParagraphStyle] = {}

    # ---------------------------------------------------------------- which font draws a character
    def font_for(self, ch: str, font: str) -> str | None:
        """The font that draws `ch` where the text's font is `font`: that font, a fallback, or None."""
        code = ord(ch)
        if code in coverage(font) or _blank(ch):
            return font
        bold = _is_bold(font)
        for fallback in self.fallbacks:
            face = fallback.face(bold)
            if code in coverage(face):
                return face
        return None

    def missing(self, text: str, font: str) -> list[str]:
        """The characters of `text` no font has, each once, in order."""
        out: list[str] = []
        for ch in text:
            if ch not in out and not _ignorable(ch) and self.font_for(ch, font) is None:
                out.append(ch)
        return out

    # ---------------------------------------------------------------- paragraph markup
    def fit(self, markup: str, style: ParagraphStyle) -> tuple[str, ParagraphStyle]:
        """The markup with fallback fonts wherever its fonts lack a character, and the style to set it in.

        The style is a shaping copy of `style` when a shaped fallback run (Arabic, an audience's
        font) is in the text, so harfbuzz joins its letters and lays it out; otherwise `style`.
        """
        markup = markup.replace(NARROW_NBSP, NBSP)  # reportlab breaks lines at U+202F (its `_wsc`)
        if all(ord(c) in self._plain for c in markup):
            return markup, style
        rewriter = _Rewriter(self, style.fontName)
        rewriter.feed(markup)
        rewriter.close()
        if not rewriter.shaped:  # no fallback, or only fonts drawn as they are (Hebrew)
            return "".join(rewriter.out), style
        shaped = self._shaped_styles.get(id(style))
        if shaped is None:
            shaped = self._shaped_styles[id(style)] = ParagraphStyle(f"{style.name}+shaped", parent=style, shaping=1)
        return "".join(rewriter.out), shaped

    def text_markup(self, text: str, font: str, before: Piece | None = None) -> tuple[str, list[Piece]]:
        """Plain text as escaped paragraph markup in `font` with its fallback runs, and its pieces.

        `before`: the piece this text follows in the same paragraph across a tag (a marker, the
        end of a link), which may be in the same word.
        """
        pieces = self.pieces(text, font)
        return self._markup(pieces, before)[0], pieces

    @staticmethod
    def _markup(pieces: list[Piece], before: Piece | None = None) -> tuple[str, bool]:
        out: list[str] = []
        for i, piece in enumerate(pieces):
            previous = pieces[i - 1] if i else before
            joined = previous is not None and not (breaks_word(previous.text[-1]) or breaks_word(piece.text[0]))
            if joined and (piece.shaped or (previous is not None and previous.shaped)):
                out.append(WORD_BREAK)  # harfbuzz shapes a word in the font of its start: no word mixes fonts
            out.append(
                f'<font name="{piece.font}">{escape(piece.text)}</font>' if piece.fallback else escape(piece.text)
            )
        return "".join(out), any(p.shaped for p in pieces)

    def pieces(self, text: str, font: str) -> list[Piece]:
        """`text` cut where its font changes, with right-to-left runs put in the order they are drawn."""
        chars: list[str] = []
        faces: list[str] = []
        for ch in text:
            face = self.font_for(ch, font)
            if face is None:
                if _ignorable(ch):
                    continue  # invisible anyway; its .notdef would leave a gap
                face = font  # printed as the font's .notdef, kept in the text layer; reported
            chars.append(ch)
            faces.append(face)
        _join_neutrals(chars, faces, font)
        out: list[Piece] = []
        for start, end, rtl in _direction_runs(chars):
            if rtl:
                out.extend(_visual_pieces("".join(chars[start:end]), font, self, unbroken=end - start <= MAX_UNBROKEN))
            else:
                out.extend(Piece(f, "".join(chars[i] for i in idx), f != font) for f, idx in _group(faces, start, end))
        return _take_in_punctuation(out)

    # ---------------------------------------------------------------- page decorations
    def draw_string(
        self, canv: Canvas, x: float, y: float, text: str, font: str, size: float, colour: Color, right: bool = False
    ) -> None:
        """`canv.drawString` (drawRightString if `right`) with fallback fonts: one line, baseline at y.

        `font`, `size` and `colour` are those the canvas is set to; text that needs no fallback is
        drawn by the canvas itself, as before.
        """
        pieces = self.pieces(text, font)
        if not any(p.fallback for p in pieces):
            (canv.drawRightString if right else canv.drawString)(x, y, text)
            return
        style = ParagraphStyle("line", fontName=font, fontSize=size, leading=size, textColor=colour, shaping=1)
        para = Paragraph(self._markup(pieces)[0], style)
        para.wrap(1e6, 1e6)
        width = max(para.getActualLineWidths0() or [0])
        # a one-line paragraph puts its baseline one font size below its top: drawOn takes the bottom
        para.drawOn(canv, x - width if right else x, y - para.height + size)

    # ---------------------------------------------------------------- what no font has
    def report(self, doc: Document, theme: Theme) -> tuple[str, ...]:
        """Warnings naming the characters no font has and where they stand.

        Each character is named once; characters found in the same places share a warning.
        """
        places: dict[str, list[str]] = {}
        for where, text, font in _texts(doc, theme):
            for ch in self.missing(text, font):
                found = places.setdefault(ch, [])
                if where not in found:
                    found.append(where)
        by_places: dict[tuple[str, ...], list[str]] = {}
        for ch, found_at in places.items():
            by_places.setdefault(tuple(found_at), []).append(ch)
        return (*self.problems, *(_warning(lost, list(where)) for where, lost in by_places.items()))


# ---------------------------------------------------------------- markup rewriting


class _Rewriter(HTMLParser):
    """Walks reportlab paragraph markup, tracking the font as reportlab resolves it, and fits each text."""

    def __init__(self, glyphs: Glyphs, font: str) -> None:
        super().__init__(convert_charrefs=True)
        self.glyphs = glyphs
        self.out: list[str] = []
        self.stack: list[tuple[str, int, int]] = [_family_of(font)]  # (family, bold, italic) as reportlab keeps it
        self.shaped = False
        self.last: Piece | None = None  # the text before the tags since: a word may go on across them

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        family, bold, italic = self.stack[-1]
        named = dict(attrs)
        if tag in ("b", "strong"):
            bold = 1
        elif tag in ("i", "em"):
            italic = 1
        elif tag in ("font", "span", "a") and (named.get("name") or named.get("face")):
            family, bold, italic = _family_of(named.get("name") or named.get("face") or "")
        self.stack.append((family, bold, italic))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag == "br":
            self.last = None

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        family, bold, italic = self.stack[-1]
        try:
            font = tt2ps(family, bold, italic)
        except ValueError:
            font = family
        markup, pieces = self.glyphs.text_markup(data, font, self.last)
        self.out.append(markup)
        self.shaped = self.shaped or any(p.shaped for p in pieces)
        self.last = pieces[-1] if pieces else self.last


def _family_of(font: str) -> tuple[str, int, int]:
    """reportlab's (family, bold, italic) for a font name; an unknown name stands for itself."""
    try:
        return ps2tt(font)
    except ValueError:
        return font, 0, 0


# ---------------------------------------------------------------- right to left


def _join_neutrals(chars: list[str], faces: list[str], font: str) -> None:
    """Spaces, digits and punctuation between two runs of one fallback font join it if it has them.

    So "عام 2010 م" stays one Arabic run (one word for harfbuzz) instead of three.
    """
    i = 0
    while i < len(chars):
        if faces[i] != font or unicodedata.bidirectional(chars[i]) in STRONG_CLASSES:
            i += 1
            continue
        j = i
        while j < len(chars) and faces[j] == font and unicodedata.bidirectional(chars[j]) not in STRONG_CLASSES:
            j += 1
        between_one_font = i > 0 and j < len(chars) and faces[i - 1] == faces[j] != font
        if between_one_font and all(ord(c) in coverage(faces[j]) for c in chars[i:j]):
            faces[i:j] = [faces[j]] * (j - i)
        i = j


_MAY_BE_RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def right_to_left_runs(text: str) -> list[tuple[int, int]]:
    """Where `text` has right-to-left runs (see `_direction_runs`), which the PDF draws turned round."""
    if not _MAY_BE_RIGHT_TO_LEFT.search(text):
        return []  # most text: no character looked at one by one
    return [(start, end) for start, end, rtl in _direction_runs(list(text)) if rtl]


def _direction_runs(chars: list[str]) -> Iterator[tuple[int, int, bool]]:
    """(start, end, right_to_left) spans covering `chars` in order.

    A right-to-left span runs from a Hebrew or Arabic letter (or Arabic-Indic digit) to the last
    such letter or number before the next left-to-right letter: the spaces and punctuation inside it read right to
    left, those at its edges belong to the surrounding left-to-right text.
    """
    classes = [unicodedata.bidirectional(c) for c in chars]
    i = start = 0
    while i < len(chars):
        if classes[i] not in RTL_CLASSES and classes[i] != "AN":  # Arabic-Indic digits read as part of it too
            i += 1
            continue
        end = j = i
        while j < len(chars) and classes[j] != "L":
            if classes[j] in RTL_CLASSES or classes[j] in NUMBER_CLASSES:
                end = j + 1
            j += 1
        if start < i:
            yield start, i, False
        yield i, end, True
        start = i = end
    if start < len(chars):
        yield start, len(chars), False


def _group(faces: list[str], start: int, end: int) -> Iterator[tuple[str, list[int]]]:
    i = start
    while i < end:
        j = i
        while j < end and faces[j] == faces[i]:
            j += 1
        yield faces[i], list(range(i, j))
        i = j


@cache
def _laid_out_right_to_left(text: str) -> bool:
    """Whether harfbuzz, shaping `text` for reportlab, lays it out right to left (its script's direction).

    It then draws the text turned round, and its brackets mirrored, by itself.
    """
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    return buffer.direction == "rtl"


def _drawn_order(run: str) -> str:
    """A right-to-left run's characters in the order they are drawn, left to right (UAX #9, rule L2).

    python-bidi (the unicode-bidi crate) orders them: the run turned round, numbers in it
    (European or Arabic-Indic digits, weak types) kept as written. Every character of the run
    is at an odd level or is a number, so the run alone, in a right-to-left paragraph, is ordered
    as it is in the left-to-right line around it.
    """
    return get_display(run, base_dir="R")


def _as_drawn(text: str) -> str:
    """Drawn-order text as a font that is not shaped prints it: brackets mirrored (rule L4), each
    combining mark put back after its letter (rule L3), which python-bidi leaves to the caller."""
    out: list[str] = []
    marks: list[str] = []
    for ch in text:
        if unicodedata.category(ch).startswith("M"):
            marks.append(ch)
            continue
        out.append(BIDI_MIRRORS.get(ch, ch) if unicodedata.mirrored(ch) else ch)
        out.extend(reversed(marks))
        marks.clear()
    out.extend(reversed(marks))
    return "".join(out)


def _visual_pieces(run: str, font: str, glyphs: Glyphs, unbroken: bool) -> list[Piece]:
    """The pieces of one right-to-left run in the order they are drawn, left to right.

    A piece harfbuzz lays out right to left (Arabic letters or digits in a shaped font) is given
    to it turned back, so that harfbuzz's own turn prints it in drawn order; any other piece
    (Hebrew, a bracket or full stop the Hebrew font lacks) is given in drawn order.
    """
    chars = list(_drawn_order(run))
    faces = [glyphs.font_for(ch, font) or font for ch in chars]
    _join_neutrals(chars, faces, font)
    out = []
    for face, idx in _group(faces, 0, len(chars)):
        text = "".join(chars[i] for i in idx)
        fallback = face != font
        text = text[::-1] if fallback and shaped(face) and _laid_out_right_to_left(text) else _as_drawn(text)
        out.append(Piece(face, text.replace(" ", NBSP) if unbroken else text, fallback))
    return out


def _take_in_punctuation(pieces: list[Piece]) -> list[Piece]:
    """Punctuation touching a shaped right-to-left piece joins it where its font has it.

    "عمّان," would otherwise need a word break before the comma (a place to break the line,
    and a space in the copied text). harfbuzz lays the piece out right to left, so what is
    drawn to its right goes first, turned round, and brackets go mirrored for harfbuzz to
    mirror back.
    """
    for i, piece in enumerate(pieces):
        if not (piece.shaped and _laid_out_right_to_left(piece.text)):
            continue
        has = coverage(piece.font)
        if i > 0 and not pieces[i - 1].shaped:
            left = pieces[i - 1]
            tail = re.split(r"[^\S\xa0]", left.text)[-1]
            if tail and all(_neutral(c) and ord(c) in has for c in tail):
                left.text = left.text[: -len(tail)]
                piece.text += "".join(MIRRORED.get(c, c) for c in reversed(tail))
        if i + 1 < len(pieces) and not pieces[i + 1].shaped:
            right = pieces[i + 1]
            head = re.split(r"[^\S\xa0]", right.text)[0]
            if head and all(_neutral(c) and ord(c) in has for c in head):
                right.text = right.text[len(head) :]
                piece.text = "".join(MIRRORED.get(c, c) for c in reversed(head)) + piece.text
    return [p for p in pieces if p.text]


def _neutral(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("CS", "ON", "ET", "ES")


# ---------------------------------------------------------------- where the text of a document stands


def _texts(doc: Document, theme: Theme) -> Iterator[tuple[str, str, str]]:
    """(where, text, font) for every text the PDF prints, in reading order."""
    meta = doc.meta
    yield "in the title", meta.title, role_font(theme.title)
    if meta.subtitle:
        yield "in the subtitle", meta.subtitle, role_font(theme.subtitle)
    over_title = kicker_text(meta)
    if over_title:
        yield "in the organisation or series", over_title.upper(), role_font(theme.kicker)
    if meta.marking:
        yield "in the marking", meta.marking.upper(), role_font(theme.marking)
    line = byline(meta)
    if line:
        yield "in the byline", line, role_font(theme.byline)
    for name, template in (("header", theme.header), ("footer", theme.footer)):
        yield f"in the running {name}", running_text(template, meta), role_font(theme.running)
    yield from _block_texts(doc.blocks, theme, [])


def _block_texts(blocks: tuple[Block, ...], theme: Theme, headings: list[str]) -> Iterator[tuple[str, str, str]]:
    for block in blocks:
        match block:
            case Heading(level=level, children=children):
                title = plain_text(children)
                yield f'in the heading "{_opening(title)}"', title, role_font(theme.heading(level))
                del headings[level - 1 :]
                headings.extend([""] * (level - 1 - len(headings)))
                headings.append(title)
            case Para(children=children, role=role):
                where = f'in "{_opening(plain_text(children))}"' + _under(headings)
                yield from _inline_texts(children, role_font(theme.role(role)), theme, headings, where)
            case ListBlock(items=items):
                for item in items:
                    yield from _block_texts(item, theme, headings)
            case Table(header=header, rows=rows):
                for r, row in enumerate((header, *rows)):
                    cell_font = role_font(theme.cell_head if r == 0 and header else theme.cell)
                    for cell in row:
                        where = f'in the table cell "{_opening(plain_text(cell))}"' + _under(headings)
                        yield from _inline_texts(cell, cell_font, theme, headings, where)
            case Box(blocks=inner) | Quote(blocks=inner):
                yield from _block_texts(inner, theme, list(headings))  # a card's title covers only the card
            case Chart() as chart:  # its caption and table as the PDF sets them; the drawing's labels in its font
                from ..chart import caption, numbers_table  # here: a brief without a chart never loads them

                yield from _block_texts(tuple(b for b in (caption(chart), numbers_table(chart)) if b), theme, headings)
                where = f'in the chart "{_opening(plain_text(chart.caption))}"' + _under(headings)
                for label in (*chart.series, *chart.categories):
                    yield where, label, role_font(theme.chart_text())


def _inline_texts(
    inlines: tuple[Inline, ...], font: str, theme: Theme, headings: list[str], where: str
) -> Iterator[tuple[str, str, str]]:
    """The paragraph's text in its font, code in the code font, notes on their own."""
    for node in _leaves(inlines):
        match node:
            case Code(text=text):
                yield where, text, role_font(theme.code)
            case Note(blocks=blocks):
                for runs in note_paragraphs(blocks):
                    note = f'in the note "{_opening(plain_text(runs))}"' + _under(headings)
                    yield from _inline_texts(runs, role_font(theme.note), theme, headings, note)
            case _:
                leaf_text = getattr(node, "text", None)
                if isinstance(leaf_text, str):
                    yield where, leaf_text, font


def _leaves(inlines: tuple[Inline, ...]) -> Iterator[Inline]:
    """The leaves of an inline tree (text, code, notes...) in order."""
    for node in inlines:
        children = getattr(node, "children", None)
        if isinstance(children, tuple):
            yield from _leaves(children)
        else:
            yield node


def _under(headings: list[str]) -> str:
    path = [h for h in headings if h]
    return f' under "{" > ".join(_opening(h) for h in path[-2:])}"' if path else ""


def _opening(text: str, words: int = 6) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _warning(lost: Sequence[str], places: list[str]) -> str:
    """E.g. no font has 😀 (U+1F600 GRINNING FACE): left blank in "Citizens said 😀 …" under "Context"; ..."""
    names = ", ".join(f"{c} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in lost[:CHARACTERS_NAMED])
    if len(lost) > CHARACTERS_NAMED:
        names += f" and {len(lost) - CHARACTERS_NAMED} more"
    where = "; ".join(places[:PLACES_NAMED])
    if len(places) > PLACES_NAMED:
        where += f"; and {len(places) - PLACES_NAMED} more places"
    them = "it" if len(lost) == 1 else "them"
    return f"no font has {names}: left blank {where}; fonts.fallback in the audience's style can add a font with {them}"
