"""The document model: the plain data every stage hands to the next.

A closed set of frozen dataclasses, like pandoc's AST. Readers produce it, writers
consume it; it imports nothing from the other stages so a new writer only needs
this module. Writers dispatch on the class name and must fail on unknown nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, is_dataclass, replace
from datetime import date
from types import UnionType
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints
from urllib.parse import quote

from .characters import UNSAFE_CHARACTERS as UNSAFE_CHARACTERS  # the readers' and writers' test, declared apart
from .characters import describe_character as describe_character

# ---------------------------------------------------------------- inlines


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Link:
    children: tuple[Inline, ...]
    url: str


_URL_SAFE = "!#$%&'()*+,-./:;=?@[]~_"  # kept as they are: RFC 3986's reserved characters and "%"
_WEB_LINK = re.compile(r"(?:https?://[^\s<>\\\x00-\x1f]+|mailto:[^\s<>\\\x00-\x1f]+|#[\w.:-]+)", re.I)


def safe_url(url: str) -> str | None:
    """The address a Link may point to in any output, or None: then only its words print.

    Web (http, https), mail and in-document (#anchor) links, and DOIs as https://doi.org/
    links. No other scheme (javascript:, data:, file:, pdf:, smb:) and no relative path:
    a brief, a template or a .bib entry must not make a reader run code or open a file.
    Every reader and writer asks this one function, so the rule is the same everywhere.
    """
    url = url.strip()
    if url[:4].lower() == "doi:":
        url = "https://doi.org/" + url[4:].lstrip("/")
    url = quote(url, safe=_URL_SAFE)  # spaces, quotes, <, > and non-ASCII as a browser sends them
    return url if _WEB_LINK.fullmatch(url) else None


LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")  # BCP 47's shape: "kk", "sr-Latn", "zh-Hant-TW"


@dataclass(frozen=True)
class Span:
    """Words in another language than the document's, `[Сәлем]{lang=kk}` (pandoc's bracketed span).

    Screen readers switch voice and spell-checkers their dictionary; `lang` matches LANGUAGE_TAG.
    """

    children: tuple[Inline, ...]
    lang: str


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class Superscript:
    """Raised text that is not a note marker: the comma between two markers at one place ("¹,²")."""

    text: str


@dataclass(frozen=True)
class CiteItem:
    """One work cited: `[see @key, p. 3]` is prefix "see", key, locator "p. 3"."""

    key: str
    prefix: str = ""
    locator: str = ""
    suppress_author: bool = False


@dataclass(frozen=True)
class Citation:
    """An unresolved citation; the citation stage replaces it before writing."""

    items: tuple[CiteItem, ...]
    narrative: bool = False


@dataclass(frozen=True)
class Note:
    """A footnote, placed where its marker goes; its content is blocks."""

    blocks: tuple[Block, ...]


Inline = Text | Emph | Strong | Code | Link | Span | LineBreak | Superscript | Citation | Note

# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    level: int
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Paragraph:
    children: tuple[Inline, ...]
    role: str = ""  # a named paragraph style, e.g. "bibliography"; "" is body text


@dataclass(frozen=True)
class ListBlock:
    items: tuple[tuple[Block, ...], ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    align: tuple[str, ...] = ()  # per column, from `:--`, `--:`, `:-:`: "left" | "right" | "center" | "" (default)


@dataclass(frozen=True)
class Box:
    """A designed container (`::: keymessages`, `::: card high`): classes pick its look."""

    classes: tuple[str, ...]
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class Chart:
    """Counts drawn as horizontal stacked bars (`::: chart #1B7837 …` around a table): a status chart.

    One bar per category (a group, an actor), one segment per series (a status), in the
    series' order, which is the legend's. Writers draw it natively and follow it with its
    numbers as a table (writers/chart.py), so a reader who cannot see it gets them too.
    """

    caption: tuple[Inline, ...]
    heading: str  # the categories' column header: "Group", "Actor"
    categories: tuple[str, ...]
    series: tuple[str, ...]
    colours: tuple[str, ...]  # "#RRGGBB", one per series
    values: tuple[tuple[int, ...], ...]  # values[category][series], non-negative


Block = Heading | Paragraph | ListBlock | Table | Box | Quote | Rule | Chart

# ---------------------------------------------------------------- document


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str = ""


@dataclass(frozen=True)
class Metadata:
    title: str
    subtitle: str = ""
    authors: tuple[Author, ...] = ()
    date: date | None = None
    organisation: str = ""
    series: str = ""
    language: str = "en"
    keywords: tuple[str, ...] = ()
    audience: str = ""
    marking: str = ""


@dataclass(frozen=True)
class Document:
    meta: Metadata
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text a reader sees, for outlines, metadata and tests."""
    out: list[str] = []
    for node in inlines:
        match node:
            case Text(text=t) | Code(text=t) | Superscript(text=t):
                out.append(t)
            case Emph(children=c) | Strong(children=c) | Link(children=c) | Span(children=c):
                out.append(plain_text(c))
            case LineBreak():
                out.append(" ")
            case Citation() | Note():
                pass
            case _:
                raise TypeError(f"unknown inline node {type(node).__name__}")
    return "".join(out)


def blocks_text(blocks: tuple[Block, ...]) -> str:
    """The text of blocks, paragraphs and list items joined by spaces: for places that hold one line."""
    out: list[str] = []
    for block in blocks:
        match block:
            case Heading(children=c) | Paragraph(children=c):
                out.append(plain_text(c))
            case ListBlock(items=items):
                out.extend(blocks_text(item) for item in items)
            case Table(header=header, rows=rows):
                out.extend(plain_text(cell) for row in (header, *rows) for cell in row)
            case Box(blocks=b) | Quote(blocks=b):
                out.append(blocks_text(b))
            case Chart(caption=c, heading=heading, categories=categories, series=series, values=values):
                out.append(plain_text(c))
                out.extend((heading, *series))
                out.extend(f"{cat} {' '.join(map(str, row))}" for cat, row in zip(categories, values, strict=True))
            case Rule():
                pass
            case _:
                raise TypeError(f"unknown block node {type(block).__name__}")
    return " ".join(t for t in out if t)


# ---------------------------------------------------------------- walk and query

Node = Inline | Block | CiteItem | Author | Metadata | Document  # every class above: what walk and query visit
Tree = TypeVar("Tree", bound=Node | tuple[Node, ...])
Branch = TypeVar("Branch", bound=Node)
Found = TypeVar("Found")
Holds = Literal["inlines", "blocks", "other"]


@dataclass(frozen=True)
class _Field:
    """A field that holds nodes: `depth` 0 is one node, 1 a tuple of nodes, 2 a tuple of such tuples..."""

    name: str
    depth: int
    kind: Holds  # what its innermost tuples hold: inlines, blocks, or other nodes (authors, cited works)


def _is_node_class(hint: object) -> bool:
    return isinstance(hint, type) and is_dataclass(hint) and hint.__module__ == __name__


def _field_of(name: str, hint: object) -> _Field | None:
    depth = 0
    while get_origin(hint) is tuple:
        hint, depth = get_args(hint)[0], depth + 1
    members = get_args(hint) if isinstance(hint, UnionType) else (hint,)
    if not all(_is_node_class(m) for m in members):
        return None  # text, numbers, dates, class names: not nodes
    kind: Holds = "inlines" if hint == Inline else "blocks" if hint == Block else "other"
    return _Field(name, depth, kind)


_NODE_FIELDS: dict[type, tuple[_Field, ...]] = {}


def _node_fields(cls: type) -> tuple[_Field, ...]:
    """The fields of a node class that hold nodes, read from its type hints once: a new node
    class needs no edit here, only its fields typed as the others are."""
    known = _NODE_FIELDS.get(cls)
    if known is None:
        hints = get_type_hints(cls) if is_dataclass(cls) else {}  # else a reader's placeholder (a pending note): a leaf
        found = (_field_of(name, hint) for name, hint in hints.items())
        known = _NODE_FIELDS[cls] = tuple(f for f in found if f is not None)
    return known


def query(fn: Callable[[Any], Iterable[Found]], tree: Node | tuple[Node, ...]) -> list[Found]:
    """What `fn` finds in every node of the tree, depth first in reading order (pandoc's `query`).

    `fn` is called on each node (blocks, inlines, notes' contents, table cells, cited works,
    the metadata and its authors), the node before its children, and returns what it finds
    there (an empty list when nothing). The tree may be a node or a tuple of nodes.
    """
    found: list[Found] = []
    stack: list[Any] = [tree]
    while stack:  # a stack, not recursion: quotes and notes may nest thousands deep before they are clamped
        node = stack.pop()
        if isinstance(node, tuple):
            stack.extend(reversed(node))
            continue
        found.extend(fn(node))
        stack.extend(getattr(node, f.name) for f in reversed(_node_fields(type(node))))
    return found


def walk(fn: Callable[[Any], Any], tree: Tree) -> Tree:
    """The tree rebuilt bottom up with `fn` applied to every node (pandoc's `walk`).

    Each node's children are walked first, then `fn` gets the node with its new children and
    returns its replacement: the node itself to keep it, another node, or, for a node in a
    tuple (a paragraph's inlines, a box's blocks), a tuple of nodes to put in its place (empty
    to remove it). What `fn` returns is not walked again. A node whose subtree `fn` left as it
    was is returned as the same object, so `walk(fn, doc) is doc` tells that nothing changed.
    """
    if isinstance(tree, tuple):
        return _walk_sequence(fn, tree)  # type: ignore[return-value]  # a tuple of nodes gives a tuple of nodes
    replaced = _walk_node(fn, tree)
    if isinstance(replaced, tuple):
        raise TypeError(f"walk: {type(tree).__name__} is not in a tuple; it cannot be replaced by several nodes")
    return replaced


def _walk_node(fn: Callable[[Any], Any], node: Any) -> Any:
    changes = {}
    for f in _node_fields(type(node)):
        old = getattr(node, f.name)
        new = _walk_sequence(fn, old) if f.depth == 1 else _walk_field(fn, old, f.depth)
        if new is not old:
            changes[f.name] = new
    return fn(replace(node, **changes) if changes else node)


def _walk_field(fn: Callable[[Any], Any], value: Any, depth: int) -> Any:
    if depth == 0:
        return walk(fn, value)
    if depth == 1:
        return _walk_sequence(fn, value)
    new = tuple(_walk_sequence(fn, v) if depth == 2 else _walk_field(fn, v, depth - 1) for v in value)
    return value if all(n is o for n, o in zip(new, value, strict=True)) else new


def _walk_sequence(fn: Callable[[Any], Any], nodes: tuple[Any, ...]) -> tuple[Any, ...]:
    out: list[Any] = []
    changed = False
    for node in nodes:
        new = _walk_node(fn, node)
        if isinstance(new, tuple):
            out.extend(new)
            changed = True
        else:
            out.append(new)
            changed = changed or new is not node
    return tuple(out) if changed else nodes


def map_children(
    node: Branch,
    inlines: Callable[[tuple[Inline, ...]], tuple[Inline, ...]],
    blocks: Callable[[tuple[Block, ...]], tuple[Block, ...]],
) -> Branch:
    """The node with each tuple of inlines it holds passed through `inlines`, each of blocks through `blocks`.

    One level only, in field order: for passes that carry what they have seen down the tree
    in reading order (citations numbered as read, "in a note" known), which a bottom-up
    `walk` cannot. Table cells and list items are each one tuple; other fields stay.
    """
    changes = {}
    for f in _node_fields(type(node)):
        if f.kind != "other":
            old = getattr(node, f.name)
            fn: Callable[[Any], Any] = inlines if f.kind == "inlines" else blocks
            new = _map_sequences(fn, old, f.depth)
            if new is not old:
                changes[f.name] = new
    return replace(node, **changes) if changes else node


def _map_sequences(fn: Callable[[tuple[Any, ...]], tuple[Any, ...]], value: Any, depth: int) -> Any:
    if depth <= 1:  # one node is not a tuple to map: no field of the model holds a lone inline or block
        return fn(value) if depth == 1 else value
    new = tuple(_map_sequences(fn, v, depth - 1) for v in value)
    return value if all(n is o for n, o in zip(new, value, strict=True)) else new
