"""The few places where briefgen reaches into reportlab's private state, all in one file.

reportlab has no public API for page-foot notes (where a frame's cursor is, what a
table or list holds after a split, which frame a nested flowable is placed in, whether
a paragraph can split at all), for widening a table's allowed split rows, for
fixed creation dates, for marked content (tagged PDF), or for the spaces lines were
broken at. Each function below is the only code touching one private field;
tests/test_writers_pdf.py checks that every one still exists and behaves, so
a reportlab upgrade that changes them fails a test instead of silently mis-placing
notes.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Sequence

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, Frame, ListFlowable, Paragraph, Table
from reportlab.platypus import paragraph as rl_paragraph

from . import budget


def frame_cursor(frame: Frame) -> tuple[float, bool]:
    """The frame's current baseline position and whether nothing is placed in it yet.

    Frame keeps both in `_y` and `_atTop`; they decide whether a note still fits.
    """
    return frame._y, bool(frame._atTop)


def frame_of(flowable: Flowable) -> Frame | None:
    """The frame a flowable is being placed in: Frame sets `_frame` before wrapping it."""
    return getattr(flowable, "_frame", None)


def split_in_frame_of(container: Flowable, child: Flowable, canv: Canvas, width: float, height: float) -> list:
    """Split a container's child that heads the container's piece: it sees the container's frame.

    Frame sets `_frame` only on what it places itself; a table heading a box's piece
    then cannot tell that the box already starts a page, where moving on would not
    give it more room.
    """
    frame = frame_of(container)
    if frame is None:
        return child.splitOn(canv, width, height)
    child._frame = frame
    try:
        return child.splitOn(canv, width, height)
    finally:
        del child._frame


def measure_in_frame(frame: Frame, flowable: Flowable, canv: Canvas, height: float) -> float:
    """A flowable's height as the frame would wrap it (Frame._add sets `_frame` and `canv` first)."""
    flowable._frame, flowable.canv = frame, canv
    try:
        return flowable.wrap(frame.width - frame.leftPadding - frame.rightPadding, height)[1]
    finally:
        del flowable._frame, flowable.canv


def nested_flowables(flowable: Flowable) -> list[Flowable]:
    """Flowables inside a table, list or keep-together, also after reportlab split it.

    Split parts are new objects made by reportlab, so the contents can only be read
    back from their private fields: Table `_cellvalues`, KeepTogether `_content`,
    ListFlowable `_flowables` / `_list_content`, a list item's indenter `_flowable`.
    """
    if isinstance(flowable, Table):
        out: list[Flowable] = []
        for row in flowable._cellvalues:
            for cell in row:
                if isinstance(cell, list | tuple):
                    out.extend(c for c in cell if isinstance(c, Flowable))
                elif isinstance(cell, Flowable):
                    out.append(cell)
        return out
    single = getattr(flowable, "_flowable", None)
    if isinstance(single, Flowable):
        return [single]
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


def table_rows(table: Table) -> int:
    """How many rows a table, or the part of it reportlab split off, holds (`_cellvalues`)."""
    return len(table._cellvalues)


def split_must_fail(paragraph: Paragraph, avail_width: float, avail_height: float) -> bool:
    """Whether `Paragraph.split` would return no parts because two lines do not fit, told without line-breaking.

    reportlab breaks the whole paragraph into lines before it finds that the room holds
    fewer than two (its orphan rule), then forgets the lines. The footnote frame offers
    a long paragraph many small rooms, one per set of notes; each such refusal cost a
    full line-breaking. This repeats reportlab's own test (`Paragraph.split`: `s =
    int(availHeight / leading)`, no orphan, at least one line) for fixed leading only.
    Unlike reportlab it keeps the lines already broken (`blPara`): the next wrap at the
    same width reuses them (`NoteParagraph`, which drops lines made for another width).
    """
    style = paragraph.style
    auto = getattr(paragraph, "autoLeading", getattr(style, "autoLeading", ""))
    if auto not in ("", "off") or not paragraph.frags:
        return False
    if avail_width < rl_config._FUZZ or avail_height < rl_config._FUZZ:
        return False  # reportlab refuses these itself, before breaking lines
    lines = int(avail_height / float(style.leading))
    orphans = getattr(paragraph, "allowOrphans", getattr(style, "allowOrphans", 0))
    return (not orphans and lines <= 1) or lines == 0


def split_room(frame: Frame, flowable: Flowable) -> float:
    """The height `Frame.split` offers a flowable: from the cursor down to the bottom edge (less the
    padding, where the notes' room is reserved), less the space before it unless at the top.

    Repeats reportlab's own arithmetic on Frame's `_y`, `_y1p`, `_atTop`, `_oASpace`, `_prevASpace`,
    so that the footnote frame can tell which rooms a paragraph cannot split into without asking it.
    """
    space = 0.0
    if not frame._atTop:
        space = flowable.getSpaceBefore()
        if frame._oASpace:
            space = max(space - frame._prevASpace, 0)
    return frame._y - frame._y1p - space


def split_width(frame: Frame) -> float:
    """The width `Frame.split` offers (its `_aW`)."""
    return frame._aW


def may_split(paragraph: Paragraph, avail_width: float, avail_height: float) -> bool:
    """Whether `Paragraph.split` into this room could give parts: not when the room is too small to
    measure (reportlab refuses it before anything else) or holds fewer than two lines (`split_must_fail`).
    Never true for a smaller room when false for a larger one."""
    if avail_width < rl_config._FUZZ or avail_height < rl_config._FUZZ:
        return False
    return not split_must_fail(paragraph, avail_width, avail_height)


def set_row_split_range(table: Table, bounds: tuple[int, int] | None) -> None:
    """Where a table may split: the first row after a split lies within `bounds` (None: anywhere).

    reportlab takes it as the constructor's `rowSplitRange` and keeps it in `_rowSplitRange`,
    which it rewrites for the parts of a split table.
    """
    table._rowSplitRange = bounds


def anchors_in(paragraph: Paragraph) -> set[str]:
    """The names of the `<a name="..."/>` anchors a paragraph, or a split part of it, holds.

    An unwrapped paragraph keeps its text as `frags`; once split, each part's `frags`
    are reportlab's word lists, `[width, (frag, text), ...]`. An anchor is a fragment
    whose `cbDefn` has kind "anchor".
    """
    names: set[str] = set()
    pending: list[object] = [getattr(paragraph, "frags", ())]
    while pending:
        item = pending.pop()
        if isinstance(item, list | tuple):
            pending.extend(item)
            continue
        cb = getattr(item, "cbDefn", None)
        if cb is not None and getattr(cb, "kind", "") == "anchor":
            names.add(cb.name)
    return names


def fix_creation_date(canv: Canvas, epoch: int) -> None:
    """The PDF's creation and modification dates from the brief, not the clock.

    reportlab reads them from the document's private `_timeStamp`; `invariant`
    mode alone would give a fixed date in 2000.
    """
    stamp = canv._doc._timeStamp
    lt = time.gmtime(epoch)
    stamp.t, stamp.lt, stamp.YMDhms, stamp.dhh, stamp.dmm, stamp.tzname = epoch, lt, tuple(lt)[:6], 0, 0, "UTC"


def add_text_operator(tx: PDFTextObject, operator: str) -> int:
    """Append a raw operator (BDC, EMC) to a text object, in order with its text; its place.

    reportlab's text objects have no public way to add marked content; their operators
    are the list `_code`, joined by spaces between `BT` and `ET`.
    """
    tx._code.append(operator)
    return len(tx._code) - 1


_SHOWS_TEXT = re.compile(r"\b(?:Tj|TJ)\b|['\"]")  # an entry holds several operators: "(a) Tj T*"


def text_shown_since(tx: PDFTextObject, place: int) -> bool:
    """Whether a text-showing operator was added after `place` (see above); a quote in the text counts too."""
    return any(_SHOWS_TEXT.search(op) for op in tx._code[place + 1 :])


def remove_text_operator(tx: PDFTextObject, place: int) -> None:
    del tx._code[place]


def register_callback(canv: Canvas, name: str, callback: Callable) -> None:
    """The callback `<onDraw name="...">` calls: newer reportlab looks it up in `setNamedCB`'s
    registry, 4.4.0 as an attribute of the canvas (the floor pyproject allows)."""
    if hasattr(canv, "setNamedCB"):
        canv.setNamedCB(name, callback)
    else:
        setattr(canv, name, callback)


def text_object_drawing(canv: Canvas) -> PDFTextObject | None:
    """The text object a paragraph is drawing into, while an `<onDraw>` callback runs.

    reportlab hands it to the callback as `canv._curr_tx_info["tx"]` for exactly this.
    """
    info = getattr(canv, "_curr_tx_info", None)
    return info.get("tx") if isinstance(info, dict) else None


class LabelledList(ListFlowable):
    """A list whose bullets or numbers are drawn as the content of its items' label elements.

    reportlab makes each item's bullet drawer in the private `_makeBullet`, once per item, in
    order; `label(drawer)` wraps each (`labels` is called with the drawer it replaces).
    """

    def __init__(self, *args, label: Callable[[object], object], **kwargs) -> None:
        self._label = label
        super().__init__(*args, **kwargs)

    def _makeBullet(self, value, params=None):
        return self._label(super()._makeBullet(value, params))


def paragraph_text(paragraph: Paragraph) -> str | None:
    """The text of a paragraph just made from markup, with its spaces; None once reportlab
    has turned its fragments into words (a part made by `split`, or after `wrap`).

    The parser's fragments, `frags`, each hold a `text`; the markers' hold none.
    """
    frags = paragraph.frags
    if not all(hasattr(f, "text") for f in frags):
        return None
    return "".join(f.text for f in frags if not hasattr(f, "cbDefn"))


def line_texts(paragraph: Paragraph, upto: int | None = None) -> list[tuple[str, bool]]:
    """The text of each line a wrapped paragraph will draw (the first `upto`), and whether it ends at a `<br/>`.

    reportlab keeps its lines in `blPara.lines`: `(extra space, words)` pairs when the
    paragraph is in one style (kind 0), else line objects whose `words` are fragments with
    their `text` (the markers' hold none) and a `lineBreak` flag.
    """
    lines = paragraph.blPara.lines[:upto]
    if paragraph.blPara.kind == 0:
        return [(" ".join(words), False) for _extra, words in lines]
    return [
        ("".join(getattr(f, "text", "") for f in line.words if not hasattr(f, "cbDefn")), bool(line.lineBreak))
        for line in lines
    ]


def show_space_after_lines(tx: PDFTextObject, spaced: Sequence[bool]) -> None:
    """Show a space at the end of each line `i` a paragraph draws into `tx` where `spaced[i]`.

    reportlab's line drawers end every line with `tx._textOut(text, 1)` (its text, then
    T*) and drop the space the line was broken at, so the text a reader extracts runs the
    last word of a line into the first of the next. The space is shown on its own, after
    the line's text (which may be shaped), where it draws nothing.
    """
    show = tx._textOut
    ends = iter(spaced)

    def text_out(text: str, TStar: int = 0) -> None:
        if TStar and next(ends, False):
            show(text, 0)
            show(" ", 1)
        else:
            show(text, TStar)

    tx._textOut = text_out


def keep_callbacks_in_shaped_words() -> None:
    """Let a word reportlab shapes with harfbuzz hold `<onDraw>` markers and anchors.

    reportlab (4.4 to 5.1) puts a shaped word's callback fragments back as lists, not
    `(fragment, text)` pairs, and sorts them against the pairs: an Arabic word touching a
    note marker, or inside a tagged link or span, fails to lay out (TypeError, IndexError).
    The word is shaped without them here, and they go back as empty-text pairs at their
    text offsets, ordered as reportlab orders them. `paragraph.shapeFragWord` is the name
    the line breaker calls; installed once, on the first PDF written.
    """
    from reportlab.platypus import paragraph

    shape = getattr(paragraph, "shapeFragWord", None)
    if shape is None or getattr(shape, "keeps_callbacks", False):
        return

    def shape_word(word, *args, **kwargs):
        callbacks = [(i, e) for i, e in enumerate(word[1:]) if hasattr(e[0], "cbDefn")]
        if not callbacks or len(callbacks) == len(word) - 1:
            return shape(word, *args, **kwargs)
        plain = copy.copy(word)
        plain[1:] = [e for e in word[1:] if not hasattr(e[0], "cbDefn")]
        shaped = shape(plain, *args, **kwargs)
        if shaped is plain:
            return word
        offsets, length = [], 0
        for e in word[1:]:
            if hasattr(e[0], "cbDefn"):
                offsets.append(((length, length), (e[0], "")))
            else:
                length += len(e[1])
        pieces = [((e[1].__shapeData__[0].cluster, e[1].__shapeData__[-1].cluster), e) for e in shaped[1:]]
        shaped[1:] = [e for _, e in sorted([*offsets, *pieces], key=lambda item: item[0])]
        return shaped

    shape_word.keeps_callbacks = True  # type: ignore[attr-defined]  # a mark on the function: installed once
    paragraph.shapeFragWord = shape_word


# ---------------------------------------------------------------- lines broken once


def _restarts_alike(style) -> bool:
    """Whether breaking a paragraph's words again from the start of any of its lines gives the lines it had.

    reportlab breaks lines greedily, one line after the other: what a line holds depends on
    where it starts and its width only, unless the style hyphenates (a word split at one line's
    end is joined again and split anew), breaks right to left or CJK text, shapes words
    (harfbuzz would shape the shaped words again), puts dots after the last line, or sizes lines
    by their contents (auto leading).
    """
    auto = getattr(style, "autoLeading", "")
    return (
        auto in ("", "off", None)
        and not style.wordWrap
        and not style.endDots
        and not getattr(style, "shaping", 0)
        and not getattr(style, "hyphenationLang", "")
        and not getattr(style, "uriWasteReduce", 0)
        and not getattr(style, "embeddedHyphenation", 0)
    )


def _plain_boundary(paragraph: Paragraph, lines: list, start: int) -> bool:
    """Whether line `start` goes on from the line before without a `<br/>` between them.

    A second part that opens at a `<br/>` is given an empty first line when reportlab breaks it
    again; it is left to do so. A word split over the two lines (too long for one, or at a soft
    hyphen) needs nothing: joined again and split anew at the same width, it gives the same
    pieces, and reportlab's own break it injected there is skipped when the words are read again.
    """
    if not 0 < start < len(lines):
        return False
    if paragraph.blPara.kind == 0:  # one fragment: no `<br/>`
        return True
    frags = paragraph.frags
    if not rl_paragraph._processed_frags(frags):
        return False
    at = lines[start].sFW - lines[0].sFW
    if not 0 < at < len(frags) or getattr(lines[start - 1], "lineBreak", False):
        return False
    first = frags[at]
    return isinstance(first, rl_paragraph._InjectedFrag) or first[1][0]._fkind != rl_paragraph._FK_BREAK


class LinesKept(Paragraph):
    """A paragraph broken into lines once per width, whose split parts keep the lines they have.

    reportlab breaks every line again on each `wrap`, and `split` gives the second part the
    words of the lines left, which its own `wrap` breaks again: a paragraph running over P
    pages is broken P times, a box n levels deep wraps what it holds n times for each piece,
    and the footnote frame offers a paragraph citing many notes many rooms. Here `wrap` at the
    width the lines were broken at returns them, and the second part of a split goes on with
    the lines that were left, when breaking them again would give the same lines
    (`_restarts_alike`, `_plain_boundary`); otherwise reportlab breaks them, as it always did.

    The kept lines are reportlab's `blPara` and the size `wrap` returned, in
    `_briefgen_lines` (width, lines, size); a part that goes on with its whole's lines finds
    its words in `frags` from its first line's `sFW`, so `_split_blParaProcessed` counts from there.
    """

    def _kept_lines(self, avail_width: float) -> tuple | None:
        """The lines last broken at `avail_width`, if they are the paragraph's still.

        reportlab drops its lines (`del blPara`) when it refuses a split into too small a
        room, and breaks them again on the next wrap or split: at the same width that gives
        the same lines, so they are taken back instead (a box split page after page offered
        its long paragraph such rooms, each costing a full line-breaking).
        """
        kept = self.__dict__.get("_briefgen_lines")
        if kept is None or kept[0] != avail_width or self.__dict__.get("blPara", kept[1]) is not kept[1]:
            return None
        return kept

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        kept = self._kept_lines(avail_width)
        if kept is not None:
            self.blPara = kept[1]
            self.width, self.height = kept[2]
            return kept[2]
        budget.check()  # line-breaking ahead: the one step whose cost grows with the text
        size = super().wrap(avail_width, avail_height)
        if "blPara" in self.__dict__:
            self._briefgen_lines = (avail_width, self.blPara, size)
        return size

    def lines_kept_at(self, avail_width: float) -> bool:
        """Whether its lines, held or dropped by reportlab, were broken at `avail_width` (a split uses those)."""
        return self._kept_lines(avail_width) is not None

    def goes_on_with_lines(self) -> bool:
        """Whether it is the second part of a split that kept the lines its whole had (and holds them still)."""
        continued = self.__dict__.get("_briefgen_continued")
        return continued is not None and self.__dict__.get("blPara") is continued

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        kept = self._kept_lines(avail_width)
        if kept is not None:
            self.blPara = kept[1]  # what reportlab's split would break them into again
        parts = super().split(avail_width, avail_height)
        kept = self._kept_lines(avail_width)
        if len(parts) == 2 and kept is not None and self.__dict__.get("blPara") is kept[1]:
            _go_on_with_lines(self, parts[1], len(parts[0].blPara.lines), avail_width)
        return parts

    def _split_blParaProcessed(self, blPara, start, stop):  # reportlab's name: the words of lines start..stop
        lines = blPara.lines
        if not stop:
            return []
        base = lines[0].sFW  # 0 unless these lines go on from a paragraph this part was split from
        if not base:
            return super()._split_blParaProcessed(blPara, start, stop)
        first = lines[start].sFW - base
        end = lines[stop].sFW - base if stop != len(lines) else len(self.frags)
        words = self.frags[first:end]
        while words and isinstance(words[-1], rl_paragraph._InjectedFrag):
            del words[-1]
        if words and isinstance(words[-1], rl_paragraph._SplitFragHY):
            words[-1].__class__ = (
                rl_paragraph._SHYWordHS if isinstance(words[-1], rl_paragraph._SHYWord) else rl_paragraph._SplitFragLL
            )
        return words


def _go_on_with_lines(whole: LinesKept, rest: Paragraph, start: int, width: float) -> None:
    """Give `rest`, the second part `whole` was split into at line `start`, the lines it had in `whole`."""
    blpara = whole.blPara
    lines = blpara.lines
    if not (isinstance(rest, LinesKept) and _restarts_alike(whole.style) and _plain_boundary(whole, lines, start)):
        return
    style = rest.style
    if blpara.kind == 0:  # as reportlab makes them: from the part's one fragment, holding its words
        kept = rest.frags[0].clone(
            kind=0, lines=lines[start:], ascent=blpara.ascent, descent=blpara.descent, fontSize=blpara.fontSize
        )
    else:
        kept = rl_paragraph.ParaLines(kind=1, lines=lines[start:])
    height = len(kept.lines) * style.leading
    rest.blPara = kept
    rest._wrapWidths = [
        width - (style.leftIndent + style.firstLineIndent) - style.rightIndent,
        width - style.leftIndent - style.rightIndent,
    ]
    rest.width, rest.height = width, height
    rest._briefgen_lines = (width, kept, (width, height))
    rest._briefgen_continued = kept


# ---------------------------------------------------------------- fonts parsed when first drawn

_LAZY_FONTS: dict[str, Callable[[], None]] = {}  # reportlab name -> what registers the font, until first asked for


def register_font_lazily(name: str, load: Callable[[], None]) -> None:
    """Have `load()` register the font `name` only when reportlab first asks for it.

    Parsing a TrueType face costs 5-10 ms and a document draws 3-5 of the 16 bundled ones.
    reportlab has no lazy registration, but every lookup of a font by name goes through
    `pdfmetrics.getFont`, which calls the module's `findFontAndRegister` for a name not yet
    registered: that function is wrapped here, once, to run ours first.
    tests/test_writers_pdf.py checks that a lazy face is parsed by `getFont`, a canvas and a
    Paragraph, and only then.
    """
    from reportlab.pdfbase import pdfmetrics

    if name in pdfmetrics.getRegisteredFontNames():
        return
    _LAZY_FONTS[name] = load
    found = pdfmetrics.findFontAndRegister
    if getattr(found, "__wrapped__", None) is None:

        def find_lazy_font_first(font_name: str):
            load = _LAZY_FONTS.pop(font_name, None)
            if load is None:
                return found(font_name)
            load()
            return pdfmetrics.getFont(font_name)

        find_lazy_font_first.__wrapped__ = found  # type: ignore[attr-defined]
        pdfmetrics.findFontAndRegister = find_lazy_font_first
