"""Footnotes at the foot of the page that cites them, as LaTeX and Typst place them.

A paragraph that cites notes carries them (`NoteParagraph.notes`). The frame raises
its bottom edge by the notes' height when it places such a paragraph; if text and
notes do not both fit, the paragraph is split or moves on. A note too long for the
room left is split: its first lines stay with the marker, the rest opens the next
page's notes. The notes are drawn when the page ends.

Finding a split tries each count of notes a page may hold, so each note is measured
once (per width) and a paragraph keeps its broken lines between tries: a paragraph
citing 600 works is laid out in seconds, not minutes.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Paragraph
from reportlab.platypus.doctemplate import ActionFlowable

from . import budget
from .rlhooks import (
    LinesKept,
    anchors_in,
    frame_cursor,
    frame_of,
    line_texts,
    may_split,
    measure_in_frame,
    nested_flowables,
    paragraph_text,
    show_space_after_lines,
    split_must_fail,
    split_room,
    split_width,
)
from .tags import Node, TaggingCanvas, spaces_at_line_ends, split_text

Notes = list[tuple[int, Paragraph]]  # (note number, the note's paragraph)


NOTE_ANCHOR = "refnote"


def note_anchor(n: int) -> str:
    """The name of the anchor at a note's marker in the text."""
    return f"{NOTE_ANCHOR}{n:04d}"


class TaggedParagraph(LinesKept):
    """A paragraph whose text is the content of a structure element (`struct`), also when split.

    Drawn a second time (a table's header row repeated on the next page), it is an artifact:
    a screen reader reads the header once, where the table begins. Its lines are broken once
    per width, and a split part goes on with the lines it had (`rlhooks.LinesKept`).
    """

    struct: Node | None = None
    read_text: str | None = None  # its text, spaces and all: which lines were broken at a space
    # (not reportlab's `text`, the markup it was made from)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.read_text = paragraph_text(self)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        parts = super().split(avail_width, avail_height)
        texts: tuple[str | None, ...]
        if len(parts) == 2 and "blPara" in self.__dict__ and "blPara" in parts[0].__dict__:
            first = len(parts[0].blPara.lines)
            if self.read_text is not None and self.__dict__.get("_briefgen_text_of") is self.blPara:
                # its text is known to be its lines' (checked when its whole was split): only the
                # first part's lines are read, not all that are left, on every page
                texts = split_text(self.read_text, line_texts(self, first), first, checked=True)
            else:
                texts = split_text(self.read_text, line_texts(self), first)
            rest = parts[1]
            if texts[1] is not None and isinstance(rest, LinesKept) and rest.goes_on_with_lines():
                rest._briefgen_text_of = rest.blPara  # its text is what its lines hold: checked above
        else:
            texts = (None,) * len(parts)
        for part, text in zip(parts, texts, strict=True):
            if isinstance(part, TaggedParagraph):
                part.struct, part.read_text = self.struct, text
        return parts

    def beginText(self, x: float, y: float):  # reportlab's name: every text object a paragraph draws starts here
        tx = super().beginText(x, y)
        if self.struct is not None and isinstance(self.canv, TaggingCanvas):
            self.canv.begin_text(tx, None if self.__dict__.get("_briefgen_drawn") else self.struct)
            self._briefgen_drawn = True
            show_space_after_lines(tx, spaces_at_line_ends(self.read_text, line_texts(self)))
        return tx


class NoteParagraph(TaggedParagraph):
    """A paragraph whose footnotes must sit at the foot of the page it lands on."""

    notes: tuple[tuple[int, Paragraph], ...] = ()

    def split_lines(self, avail_height: float) -> int | None:
        """How many lines a split into `avail_height` gives the first part, counted as reportlab counts
        them (fixed leading): splits into rooms with the same count give the same parts. None: not known."""
        auto = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        if auto not in ("", "off"):
            return None
        return int(avail_height / float(self.style.leading))

    def anchors(self) -> set[str]:
        """The names of the anchors it holds: its notes' markers among them (read once)."""
        known = self.__dict__.get("_briefgen_anchors")
        if known is None:
            known = self._briefgen_anchors = anchors_in(self)
        return known

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        if split_must_fail(self, avail_width, avail_height):  # no line-breaking to learn that two lines do not fit
            return []
        if not self.lines_kept_at(avail_width):  # reportlab splits the lines it has, whatever their width
            self.__dict__.pop("blPara", None)
        anchors = self.anchors()
        parts = super().split(avail_width, avail_height)
        if len(parts) == 2 and self._notes_all_anchored():
            self._share_notes(parts[0], parts[1], anchors)
            return parts
        # the parts hold the whole's words between them, once: the second holds the anchors the
        # first does not, so only the first is read (the rest on every page would be quadratic)
        found = [anchors] if len(parts) == 1 else []
        if len(parts) == 2:
            first = anchors_in(parts[0])
            found = [first, anchors - first]
        remaining = list(self.notes)
        for part, names in zip(parts, found, strict=True):
            mine = tuple(n for n in remaining if note_anchor(n[0]) in names)
            if isinstance(part, NoteParagraph):
                part.notes = mine
                if part is not self:
                    part._briefgen_anchors = names
            taken = {n for n, _ in mine}
            remaining = [n for n in remaining if n[0] not in taken]
        if remaining and parts and isinstance(parts[-1], NoteParagraph):
            parts[-1].notes = parts[-1].notes + tuple(remaining)
        return parts

    def _notes_all_anchored(self) -> bool:
        """Whether each of its notes has its marker in it (not so for a note cited inside a note)."""
        known = self.__dict__.get("_briefgen_all_anchored")
        if known is None:
            anchors = self.anchors()
            known = self._briefgen_all_anchored = all(note_anchor(n) in anchors for n, _ in self.notes)
        return known

    def _share_notes(self, first: Flowable, rest: Flowable, anchors: set[str]) -> None:
        """The notes whose markers the first part holds go with it, the others with the rest.

        What the loop in `split` gives, when every note's marker is in the paragraph, read from
        the first part only: its notes are found from the front, and the rest keeps the others.
        """
        names = anchors_in(first)
        wanted = {a for a in names if a.startswith(NOTE_ANCHOR)}
        mine: list[tuple[int, Paragraph]] = []
        last = -1
        for i, note in enumerate(self.notes):
            if len(mine) == len(wanted):
                break
            if note_anchor(note[0]) in wanted:
                mine.append(note)
                last = i
        if len(mine) == last + 1:  # the first notes, as the text cites them in order: the rest are the others
            others = self.notes[last + 1 :]
        else:
            taken = {n for n, _ in mine}
            others = tuple(n for n in self.notes if n[0] not in taken)
        for part, notes, held in ((first, tuple(mine), names), (rest, tuple(others), anchors - names)):
            if isinstance(part, NoteParagraph):
                part.notes, part._briefgen_anchors = notes, held
                part._briefgen_all_anchored = True  # its notes' markers are in what it holds


class FlushNotes(Flowable):
    """At the end of the story: while a split note still has lines to print, add pages."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        frame = frame_of(self)
        if isinstance(frame, FootnoteFrame) and frame.carry:
            from reportlab.platypus.doctemplate import FrameBreak

            frame.add_generated_content(FrameBreak, FlushNotes())
        return 0, 0

    def draw(self) -> None:
        pass


class Container(Flowable):
    """A briefgen flowable holding others in its public `children` (reportlab's own are read in rlhooks)."""

    children: list[Flowable]


def notes_of(flowable: Flowable) -> Notes:
    """The notes a flowable cites, in order.

    What cites none never will (a flowable's content only shrinks as it is split): that is
    remembered, on it and on the parts it is split into (`FootnoteFrame.split`), so a table or
    box running over a hundred pages is not searched for notes again on each.
    """
    if flowable.__dict__.get("_briefgen_no_notes"):
        return []
    # only a NoteParagraph's own notes: reportlab's list-item indenter forwards unknown
    # attributes to the paragraph it wraps, so `getattr` would count that paragraph's notes twice
    notes = list(flowable.notes) if isinstance(flowable, NoteParagraph) else []
    children = flowable.children if isinstance(flowable, Container) else nested_flowables(flowable)
    for child in children:
        notes.extend(notes_of(child))
    if not notes and not isinstance(flowable, NoteParagraph):  # a part's notes are given after it is made
        flowable._briefgen_no_notes = True
    return notes


def _height(note: Flowable, width: float) -> float:
    """A note's height with the space after it, wrapped once per width.

    Deciding where a paragraph citing n notes splits weighs up to n candidate sets of
    notes; wrapping each note again for each candidate made that quadratic. A note is
    only ever wrapped at the note width, and its height does not depend on the room
    offered, so the first answer holds. Split parts are new paragraphs, measured anew.
    """
    cache: dict[float, float] = note.__dict__.setdefault("_briefgen_heights", {})
    if width not in cache:
        cache[width] = note.wrap(width, 10_000)[1] + note.getSpaceAfter()
    return cache[width]


class FootnoteFrame(Frame):
    """A frame that reserves room at its foot for the notes of what is placed in it.

    The room is reserved through the frame's public `bottomPadding`; `start_page`
    must be called when a page begins (the document template's `beforePage`).
    """

    bottomPadding: float  # reportlab's, moved up and down to reserve the notes' room

    def __init__(self, *args, note_width: float, separator: float, carry: list[Paragraph], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.note_width = note_width
        self.separator = separator
        self.placed_notes: list[Flowable] = []
        self.carry = carry  # note parts continued on the next page; shared by the page templates' frames
        self.base_padding = self.bottomPadding
        self.full_height = self.height - self.topPadding - self.bottomPadding

    # the room reserved for notes, above the frame's own padding
    def _reserve(self, height: float) -> float:
        """Raise the bottom edge by `height`; what it was, for `_release`."""
        before = self.bottomPadding
        self.bottomPadding = before + height
        return before

    def _release(self, before: float) -> None:
        self.bottomPadding = before  # exactly: adding and taking away a height may leave a rounding error

    def _split_room(self, flowable: Flowable, extra: float) -> float:
        """The height a split of `flowable` would be offered with `extra` reserved for notes."""
        before = self._reserve(extra)
        try:
            return split_room(self, flowable)
        finally:
            self._release(before)

    def _room(self) -> float:
        y, _ = frame_cursor(self)
        return y - (self.y1 + self.bottomPadding)

    def start_page(self) -> None:
        """A new page: no notes yet, except what the last page continued."""
        self.bottomPadding = self.base_padding
        self.placed_notes = []
        if self.carry:
            self._place_continued_notes()

    def _place_continued_notes(self) -> None:
        """Notes continued from the last page, in at most 60% of this page; the rest goes on."""
        room = self.full_height * 0.6 - self.separator
        continued, self.carry[:] = list(self.carry), []
        for i, note in enumerate(continued):
            h = _height(note, self.note_width)
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
            self._reserve(sum(_height(p, self.note_width) for p in self.placed_notes) + self.separator)

    def _notes_height(self, notes: list[Flowable]) -> float:
        if not notes:
            return 0.0
        height = sum(_height(p, self.note_width) for p in notes)
        return height + (0 if self.placed_notes else self.separator)

    def _notes_exceed(self, notes: list[Flowable], bound: float) -> bool:
        """Whether the notes are taller than `bound`, told from as few of them as it takes."""
        height = 0.0
        for note in notes:
            height += _height(note, self.note_width)
            if height > bound:
                return True
        return False

    def add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:
        budget.check()
        notes = notes_of(flowable)
        if not notes:
            return super().add(flowable, canv, trySplit)
        if self.carry:  # a note is being continued: later notes follow it, in order, on the next page
            placed = super().add(flowable, canv, trySplit)
            if placed:
                self.carry.extend(p for _, p in notes)
            return placed
        third = self.full_height / 3
        if self._notes_exceed([p for _, p in notes], max(self._room(), third) + 1.0):
            # notes taller than the room left: nothing fits with them (reportlab's frame would
            # refuse without measuring), and they are long ones; told without adding them all up,
            # which for a paragraph citing thousands cost as much again on every page
            return self._add_with_split_notes(flowable, canv, notes)
        extra = self._notes_height([p for _, p in notes])
        before = self._reserve(extra)
        placed = super().add(flowable, canv, trySplit)
        if placed:
            self.placed_notes.extend(p for _, p in notes)
            return placed
        self._release(before)
        _, at_top = frame_cursor(self)
        if at_top or extra > third:  # only a long note is split; short ones move with their text
            return self._add_with_split_notes(flowable, canv, notes)
        return 0

    def _add_with_split_notes(self, flowable: Flowable, canv: Canvas, notes: Notes) -> int:
        """Place the flowable with as much of its notes as fits; carry the rest to the next page."""
        height = measure_in_frame(self, flowable, canv, self._room())
        _, at_top = frame_cursor(self)
        spacing = 0 if at_top else flowable.getSpaceBefore()
        room = self._room() - height - spacing - (0 if self.placed_notes else self.separator)
        minimum = self.separator * 2  # at least two lines of the first note that does not fit
        placed_here: list[Flowable] = []
        carried: list[Flowable] = []
        for i, (_, note) in enumerate(notes):
            h = _height(note, self.note_width)
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
        extra = self._notes_height(placed_here)
        before = self._reserve(extra)
        placed = super().add(flowable, canv, 0)
        if not placed:
            self._release(before)
            return 0
        self.placed_notes.extend(placed_here)
        self.carry.extend(carried)
        return placed

    def split(self, flowable: Flowable, canv: Canvas) -> list[Flowable]:
        """Split so that the first part fits together with the notes it cites.

        Reserve room for the first k notes, for k from all of them down to none,
        and accept the first split whose first part cites no note beyond the k-th.
        At the top of a page, where moving on gains nothing, a split that fits
        without its notes is taken if no other is found: they carry over (a list
        splits into its items whatever the room, the first citing more notes than a
        page holds; a heading citing more than a page holds would leave a blank page).
        """
        notes = notes_of(flowable)
        parts: list[Flowable]
        if not notes:
            parts = super().split(flowable, canv)
            for part in parts:  # parts of what cites no note cite none
                if not isinstance(part, NoteParagraph):
                    part._briefgen_no_notes = True
            return parts
        # The notes' heights summed once, in order: the k-th sum is what _notes_height(notes[:k]) adds
        # up. Only as far as the room goes: with more reserved, no room is left, and the frame
        # refuses the split without asking the flowable (a paragraph citing thousands of notes
        # would otherwise cost thousands of tries on each page).
        limit = self._split_room(flowable, 0.0) + 1.0
        sums = [0.0]
        for _, note in notes:
            if sums[-1] > limit:
                break
            sums.append(sums[-1] + _height(note, self.note_width))
        separator = 0 if self.placed_notes else self.separator
        position = {n: i for i, (n, _) in enumerate(notes[: len(sums) - 1])}  # the others lie beyond any k tried
        move_on: list[Flowable] = []
        parts = []
        lines = flowable.split_lines(1.0) if isinstance(flowable, NoteParagraph) else None
        k = len(sums) - 1 if lines is None else self._most_notes_with_two_lines(flowable, sums, separator)
        while k >= 0:
            budget.check()
            extra = sums[k] + separator if k else 0.0
            before = self._reserve(extra)
            try:
                parts = super().split(flowable, canv)
            finally:
                self._release(before)
            if not parts:
                k -= 1
                continue
            if isinstance(parts[0], ActionFlowable):  # a group moving to the next page: with room
                move_on = move_on or parts  # for fewer notes it may still start on this one
                k -= 1
                continue
            if all(position.get(n, k) < k for n, _ in notes_of(parts[0])):  # cites none beyond the k-th
                return parts
            # A paragraph's first part, given the room of fewer notes, has as many lines or more,
            # so cites as many notes or more: it cites one beyond the k-th for every smaller k too.
            # Only the split without notes (k = 0) is still wanted, at a page's top.
            k = 0 if lines is not None and k > 0 else k - 1
        if frame_cursor(self)[1] and parts and not isinstance(parts[0], ActionFlowable):
            return parts  # k = 0, no room reserved: at a page's top moving on gains nothing
        return move_on

    def _most_notes_with_two_lines(self, flowable: NoteParagraph, sums: list[float], separator: float) -> int:
        """The most notes whose room leaves a paragraph room to split; -1 if none does.

        A paragraph is not split into a room for fewer than two lines (`split_must_fail`), and
        the room shrinks as notes are added: the answer is found by halving, not by asking the
        paragraph once for each number of notes (a thousand notes, a thousand refusals per page).
        """
        width = split_width(self)

        def splits(k: int) -> bool:
            return may_split(flowable, width, self._split_room(flowable, sums[k] + separator if k else 0.0))

        if not splits(0):
            return -1
        low, high = 0, len(sums) - 1  # splits(low); the answer is in low..high
        while low < high:
            middle = (low + high + 1) // 2
            if splits(middle):
                low = middle
            else:
                high = middle - 1
        return low

    def draw_notes(self, canv: Canvas, rule_colour: colors.Color) -> None:
        if not self.placed_notes:
            return
        x = self.x1 + self.leftPadding
        y = self.y1 + self.base_padding + sum(_height(p, self.note_width) for p in self.placed_notes) + self.separator
        canv.saveState()
        canv.setStrokeColor(rule_colour)
        canv.setLineWidth(0.5)
        rule_y = y - self.separator * 0.4
        canv.line(x, rule_y, x + min(self.note_width * 0.3, 60 * mm), rule_y)
        canv.restoreState()
        y -= self.separator
        for note in self.placed_notes:
            _, h = note.wrap(self.note_width, 10_000)
            note.drawOn(canv, x, y - h)
            y -= h + note.getSpaceAfter()
