"""The document model: the plain data every stage hands to the next.

A closed set of frozen dataclasses, like pandoc's AST. Readers produce it, writers
consume it; it imports nothing from the other stages so a new writer only needs
this module. Writers dispatch on the class name and must fail on unknown nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

# Characters no text in a document may hold: C0 and C1 controls other than tab and line
# breaks, DEL, lone surrogates, and the non-characters U+FFFE and U+FFFF. XML 1.0 (DOCX)
# forbids most of them, PDF text would hide them, and a C1 control usually means text
# pasted from a Windows-1252 source. Readers refuse them with a position; writers drop them.
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def describe_character(ch: str) -> str:
    """`U+001B` for an error message: the character itself would be invisible or unprintable."""
    return f"U+{ord(ch):04X}"


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


Block = Heading | Paragraph | ListBlock | Table | Box | Quote | Rule

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
            case Rule():
                pass
            case _:
                raise TypeError(f"unknown block node {type(block).__name__}")
    return " ".join(t for t in out if t)
