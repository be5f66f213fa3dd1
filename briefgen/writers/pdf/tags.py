"""Tagged PDF, while drawing: which structure element each piece of drawn content belongs to.

The structure tree is planned from the document model, in the model's order, as the body
builder makes flowables (`StructTree`, `Node`): reading order is the model's, not the order
reportlab happens to draw in (notes at the page foot, the title band after the first lines).
While reportlab draws, the canvas (`TaggingCanvas`) brackets content in marked-content
sequences: a paragraph opens `/P <</MCID n>> BDC` inside its text object, and all else
(fills, rules, bars, the running header and footer) is an `/Artifact`. Inline elements (links,
note references, the notes themselves) are opened and closed by zero-width `<onDraw>` markers
in a paragraph's markup, and each line broken at a space ends with one, so the text read out
keeps its words apart. `structure.py` then writes the tree into the file with pikepdf.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from .glyphs import breaks_word
from .rlhooks import (
    add_text_operator,
    register_callback,
    remove_text_operator,
    text_object_drawing,
    text_shown_since,
)

MARKER = "briefgen_tag"  # the canvas callback a paragraph's `<onDraw>` markers call
LINK_PREFIX = "briefgen-node-"  # an href `briefgen-node-17:https://...`: the link of node 17
ARTIFACT = "/Artifact BMC"


@dataclass(frozen=True)
class Marked:
    """A marked-content sequence: MCID `mcid` on page `page` (0-based)."""

    page: int
    mcid: int


@dataclass(frozen=True)
class Annotation:
    """The `index`-th annotation of page `page`: a link's clickable area."""

    page: int
    index: int


@dataclass(eq=False)
class Node:
    """One structure element: its standard type, what it holds, and what a reader is told of it."""

    role: str  # a standard structure type: "P", "H2", "Link", "TD"...
    key: int = 0
    kids: list[Node | Marked | Annotation] = field(default_factory=list)
    attached: bool = False  # in its parent's kids (inline elements join when first drawn)
    alt: str = ""  # a figure's text alternative
    lang: str = ""  # a language other than the document's
    ident: str = ""  # /ID (notes need one)
    contents: str = ""  # a link annotation's description
    actual: str = ""  # /ActualText: the element's text in reading order, where it is drawn otherwise
    attributes: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()  # (owner, ((key, value), ...))
    then: Node | None = None  # joins the same parent right after this one closes: a note after its reference
    continued: list[Node] = field(default_factory=list)  # inline elements still open where a split part ended

    def append(self, child: Node) -> Node:
        self.kids.append(child)
        child.attached = True
        return child


class StructTree:
    """The planned structure elements, each with a key the markup and link addresses refer to."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.root = self.node("Document")

    def node(self, role: str, parent: Node | None = None, **details) -> Node:
        """A new element; under `parent` now if given (blocks), else when it is first drawn (inlines)."""
        made = Node(role, key=len(self.nodes), **details)
        self.nodes.append(made)
        if parent is not None:
            parent.append(made)
        return made

    # paragraph markup ---------------------------------------------
    @staticmethod
    def open(node: Node) -> str:
        return f'<onDraw name="{MARKER}" label="+{node.key}"/>'

    @staticmethod
    def close(node: Node) -> str:
        return f'<onDraw name="{MARKER}" label="-{node.key}"/>'

    @staticmethod
    def href(node: Node, target: str) -> str:
        """A link address that names its Link element: the canvas strips the prefix and records the area."""
        return escape(f"{LINK_PREFIX}{node.key}:{target}", {'"': "&quot;"})

    def link_target(self, url: str) -> tuple[Node | None, str]:
        """The Link element an address names, and the address itself."""
        if url.startswith(LINK_PREFIX):
            key, _, target = url[len(LINK_PREFIX) :].partition(":")
            if key.isdigit() and int(key) < len(self.nodes):
                return self.nodes[int(key)], target
        return None, url


def line_ends(text: str, lines: Sequence[tuple[str, bool]]) -> list[int] | None:
    """Where in a paragraph's `text` each of its broken `lines` ends; None if they do not hold its text.

    A line holds the paragraph's text from where the last left off, less the spaces it was
    broken at; a long word split over two lines was broken at no space. Only shaping (harfbuzz
    may reorder a word's letters) could make the lines' text differ, and then no place is known.
    """
    kept = [i for i, ch in enumerate(text) if not breaks_word(ch)]
    if "".join(text[i] for i in kept) != "".join(ch for line, _ in lines for ch in line if not breaks_word(ch)):
        return None
    ends, shown = [], 0
    for line, _ in lines:
        shown += sum(not breaks_word(ch) for ch in line)
        ends.append(kept[shown - 1] + 1 if shown else 0)
    return ends


def spaces_at_line_ends(text: str | None, lines: Sequence[tuple[str, bool]]) -> list[bool]:
    """Which lines a space should end, so text read out of the PDF keeps its words apart.

    A line broken at a space (or at a `<br/>`) gets one; a line ending inside a long word
    split over two lines does not, nor does the paragraph's last. Tagged PDF asks for word
    breaks to be explicit characters (ISO 32000-1, 14.8.2.5): a tool reading the tagged
    text as it is (poppler's `pdfinfo -struct-text`, a screen reader given it) read "Securityand".
    """
    ends = line_ends(text, lines) if text is not None else None
    if text is None or ends is None:  # text unknown: every line but the last was most likely broken at a space
        return [hard or i < len(lines) - 1 for i, (_, hard) in enumerate(lines)]
    return [hard or (end < len(text) and breaks_word(text[end])) for end, (_, hard) in zip(ends, lines, strict=True)]


def _end_of(text: str, lines: Sequence[tuple[str, bool]]) -> int:
    """Where in `text` the `lines` it begins with end (they are known to hold its start)."""
    wanted = sum(not breaks_word(ch) for line, _ in lines for ch in line)
    if not wanted:
        return 0
    for i, ch in enumerate(text):
        if not breaks_word(ch):
            wanted -= 1
            if not wanted:
                return i + 1
    return len(text)


def split_text(
    text: str | None, lines: Sequence[tuple[str, bool]], first: int, checked: bool = False
) -> tuple[str | None, str | None]:
    """A paragraph's text as it goes into two parts: the first `first` lines, and the rest.

    The first part keeps the space it was broken at, so its last line ends with one.
    `checked`: the paragraph's lines are known to hold its text, and `lines` are its first
    `first` only; then only the text of the first part is read.
    """
    if text is None:
        return None, None
    if checked:
        if not 0 < first <= len(lines):
            return None, None
        end = start = _end_of(text, lines[:first])
    else:
        ends = line_ends(text, lines)
        if ends is None or not 0 < first <= len(ends):
            return None, None
        end = start = ends[first - 1]
    while start < len(text) and breaks_word(text[start]):
        start += 1
    return text[: min(end + 1, start)], text[start:]


@dataclass
class _Text:
    """A paragraph's text object being tagged: the elements open in it, innermost last."""

    tx: PDFTextObject
    stack: list[Node]
    artifact: bool = False
    opened: int = 0  # where the BDC operator of the sequence open now stands in the text object


class TaggingCanvas(Canvas):
    """A canvas that marks what it draws: a structure element's content or an artifact.

    Outside a tagged paragraph everything drawn is an artifact; `tagged(node)` makes what is
    drawn inside it the content of `node`. Each page's marked-content identifiers, and the
    link annotations, are recorded in the nodes as `Marked` and `Annotation` items.
    """

    def __init__(self, *args, tree: StructTree, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tree = tree
        self.page_index = 0
        self._mcids = 0
        self._annotations = 0
        self._open: str | None = None  # the canvas-level sequence now open: its BDC/BMC line
        self._text: _Text | None = None
        register_callback(self, MARKER, self._marker)
        self._begin(ARTIFACT)

    # canvas-level sequences ---------------------------------------
    def _begin(self, operator: str | None) -> None:
        if self._open is not None:
            self.addLiteral("EMC")
        self._open = operator
        if operator is not None:
            self.addLiteral(operator)

    def _content(self, node: Node) -> str:
        """The BDC operator of a new piece of `node`'s content on this page."""
        mcid = self._mcids
        self._mcids += 1
        node.kids.append(Marked(self.page_index, mcid))
        return f"/{node.role} <</MCID {mcid}>> BDC"

    @contextmanager
    def tagged(self, node: Node) -> Iterator[None]:
        """What is drawn inside is `node`'s content (a figure, a list label, a line of the band)."""
        self._begin(self._content(node))
        try:
            yield
        finally:
            self._begin(ARTIFACT)

    @contextmanager
    def pagination(self, subtype: str) -> Iterator[None]:
        """What is drawn inside is a running header or footer: read once by no one."""
        before = self._open
        self._begin(f"/Artifact <</Type /Pagination /Subtype /{subtype}>> BDC")
        try:
            yield
        finally:
            self._begin(before)

    def end_page(self) -> None:
        """Close what is open before the page is put away."""
        self._begin(None)

    def start_page(self) -> None:
        self.page_index += 1
        self._mcids = 0
        self._annotations = 0
        self._begin(ARTIFACT)

    # paragraphs ---------------------------------------------------
    def begin_text(self, tx: PDFTextObject, node: Node | None) -> None:
        """A tagged paragraph's text object begins: its text is `node`'s (None: an artifact, e.g. a repeated header)."""
        if node is None:
            self._text = _Text(tx, [], artifact=True)
            add_text_operator(tx, "/Artifact <</Type /Pagination>> BDC")
            return
        stack = [node, *node.continued]  # a split part goes on inside the link it stopped in
        node.continued = []
        self._text = _Text(tx, stack)
        self._text.opened = add_text_operator(tx, self._content(stack[-1]))

    def drawText(self, aTextObject: PDFTextObject) -> None:
        text = self._text
        if text is None or text.tx is not aTextObject:
            super().drawText(aTextObject)
            return
        if not text.artifact and not text_shown_since(aTextObject, text.opened):  # the part ended on a close
            remove_text_operator(aTextObject, text.opened)
            text.stack[-1].kids.pop()
            self._mcids -= 1
        else:
            add_text_operator(aTextObject, "EMC")
        if not text.artifact:
            text.stack[0].continued = text.stack[1:]
        self._text = None
        before = self._open
        self._begin(None)  # a text object may not sit inside a sequence it does not close
        super().drawText(aTextObject)
        self._begin(before)

    def _marker(self, canv: Canvas, kind: str, label: str | None) -> None:
        text = self._text
        if text is None or text.artifact or not label or text_object_drawing(self) is not text.tx:
            return
        node = self.tree.nodes[int(label[1:])]
        tx, stack = text.tx, text.stack
        if not text_shown_since(tx, text.opened):  # nothing shown since it opened: take it back
            remove_text_operator(tx, text.opened)
            stack[-1].kids.pop()
            self._mcids -= 1
        else:
            add_text_operator(tx, "EMC")
        if label[0] == "+":
            if not node.attached:
                stack[-1].append(node)
            stack.append(node)
        elif node in stack[1:]:
            while stack.pop() is not node:
                pass
            if node.then is not None and not node.then.attached:
                stack[-1].append(node.then)
        text.opened = add_text_operator(tx, self._content(stack[-1]))

    # link annotations ---------------------------------------------
    def _annotated(self, node: Node | None) -> None:
        if node is not None:
            node.kids.append(Annotation(self.page_index, self._annotations))
        self._annotations += 1

    def linkURL(self, url, rect, relative=0, thickness=0, color=None, dashArray=None, kind="URI", **kw):
        node, target = self.tree.link_target(url)
        self._annotated(node)
        if target.startswith("#"):
            super().linkRect("", target[1:], rect, relative=relative, thickness=thickness, color=color, **kw)
        else:
            super().linkURL(target, rect, relative, thickness, color, dashArray, kind, **kw)

    def linkRect(self, contents, destinationname, Rect=None, addtopage=1, name=None, relative=1, **kw):
        self._annotated(None)
        super().linkRect(contents, destinationname, Rect, addtopage, name, relative, **kw)
