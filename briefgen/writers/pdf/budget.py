"""How long one PDF may take to lay out, and what the user is told when it cannot be laid out.

Layout is linear in the brief (a paragraph is broken into lines once, notes are placed in
one pass, nested boxes are measured once per width), so a real brief takes seconds. A
brief nobody foresaw may still be slow; rather than run for minutes, the writer stops
after `LAYOUT_SECONDS` with an error naming what it was laying out (`LayoutFailed`), as it
does when reportlab cannot fit something on a page at all.

The clock is read only to stop: it never changes what is drawn, so a PDF that is made
is the same bytes however long it took. `check()` is called where layout loops: each line
breaking of a paragraph, each box split or measured, each flowable and set of notes placed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from reportlab.platypus import Flowable
from reportlab.platypus.flowables import DDIndenter

from ...errors import OutputError, Problem

LAYOUT_SECONDS = 60.0  # per output: generous, the sample brief takes well under a second
QUOTED_CHARS = 40  # of a paragraph's text, to say which one


class LayoutFailed(OutputError):
    """A PDF could not be laid out: too slow, or something no page can hold. One line, naming the construct."""


class OutOfTime(Exception):
    """Raised inside layout when the budget is spent; the document template turns it into `LayoutFailed`."""


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise OutOfTime


_current: ContextVar[Deadline | None] = ContextVar("briefgen_pdf_layout_deadline", default=None)


def check() -> None:
    """Stop (`OutOfTime`) if the PDF being laid out has used its time."""
    deadline = _current.get()
    if deadline is not None:
        deadline.check()


@contextmanager
def layout_budget(seconds: float) -> Iterator[Deadline]:
    """Layout inside may take `seconds`; `check()` raises `OutOfTime` after that."""
    deadline = Deadline(seconds)
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


def failure(audience: str, message: str) -> LayoutFailed:
    """`practitioner PDF: <message>`: the output the writer was making, and what went wrong."""
    where = f"{audience} PDF" if audience else "PDF"
    return LayoutFailed(Problem(where, None, None, "", message))


def describe(flowable: Flowable | None) -> str:
    """What the user wrote that became `flowable`, in words: 'a paragraph citing 4,000 notes, beginning "…"'."""
    from .body import FramedBox, OutlineHeading, RowSafeTable, Stack
    from .footnotes import TaggedParagraph, notes_of
    from .rlhooks import LabelledList, nested_flowables, table_rows

    def inside(f: Flowable) -> list[Flowable]:
        return list(f.children) if isinstance(f, Stack) else nested_flowables(f)

    def first_text(f: Flowable, depth: int = 0) -> str:
        if isinstance(f, TaggedParagraph):
            text = f.read_text if f.read_text is not None else getattr(f, "text", "") or ""
            return " ".join(str(text).split())
        if depth > 200:
            return ""
        for child in inside(f):
            text = first_text(child, depth + 1)
            if text:
                return text
        return ""

    def nesting(f: Flowable) -> int:
        depth = 0
        while True:
            boxes = [c for c in inside(f) if isinstance(c, FramedBox)]
            if not boxes or depth > 1000:
                return depth
            depth, f = depth + 1, boxes[0]

    if flowable is None:
        return "the document"
    group = getattr(flowable, "group", None)  # a heading kept with what follows it: that is the big one
    if isinstance(group, list) and group:
        flowable = group[-1]
    if isinstance(flowable, Stack) and not isinstance(flowable, FramedBox) and flowable.children:
        flowable = flowable.children[-1]
    if isinstance(flowable, OutlineHeading):
        what = "a heading"
    elif isinstance(flowable, TaggedParagraph):
        what = "a paragraph"
    elif isinstance(flowable, FramedBox):
        depth = nesting(flowable)
        what = f"a {flowable.what}" + (f" holding boxes nested {depth} deep" if depth > 1 else "")
    elif isinstance(flowable, RowSafeTable):
        what = f"a table of {table_rows(flowable):,} rows"
    elif isinstance(flowable, LabelledList):
        what = f"a list of {len(inside(flowable)):,} items"
    elif isinstance(flowable, DDIndenter):  # one item of a list, as reportlab lays lists out
        what = "a list item"
    else:
        what = "a part of the text"
    notes = len(notes_of(flowable))
    if notes:
        what += f" citing {notes:,} note{'s' if notes != 1 else ''}"
    text = first_text(flowable)
    if text:
        quoted = text[:QUOTED_CHARS].rstrip() + ("…" if len(text) > QUOTED_CHARS else "")
        what += f' (beginning "{quoted}")'
    return what
