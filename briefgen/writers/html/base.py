"""What both HTML writers share: the body's markup, node by node, and the small helpers around it.

`page.py` (the web page, format `html`) and `email.py` (the HTML part of a message) each
subclass `HtmlBody` and fill in the few blocks they draw differently: no writer asks which
writer it is.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from html import escape

from ...design import BoxLook, HeadingLevels, Theme, keeps_with_next, note_paragraphs
from ...model import (
    LANGUAGE_TAG,
    Block,
    Box,
    Chart,
    Code,
    Emph,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Note,
    Paragraph,
    Quote,
    Rule,
    Span,
    Strong,
    Superscript,
    Table,
    Text,
    plain_text,
    safe_url,
)

RTL_LANGUAGES = frozenset({"ar", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi"})
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm"})  # "pa-Arab", "az-Arab"

_CLASS_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


class HtmlBody(ABC):
    """Turns model nodes into markup, collecting the notes and box looks the page needs.

    What every HTML writer draws alike is here; the few blocks a web page and a mail client
    draw differently (framed boxes, quotes, rules, tables, the notes' container, link
    addresses) are the abstract methods each writer's body fills in.
    """

    NOTES_CONTAINER: tuple[str, str] = ("section", "notes")  # the endnotes' element and class

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self.notes: list[tuple[Block, ...]] = []  # in document order: note n is notes[n - 1]
        self.looks: dict[str, BoxLook] = {}  # CSS selector -> look, for the boxes this page uses
        self.levels = HeadingLevels()
        self.in_link = False
        self.deferred_refs: list[str] = []  # note markers met inside a link: placed after it (no nested <a>)
        self.in_heading = False

    # blocks -------------------------------------------------------
    def blocks(self, blocks: tuple[Block, ...]) -> str:
        return "".join(self.block(blocks, i) + "\n" for i in range(len(blocks)))

    def block(self, blocks: tuple[Block, ...], i: int) -> str:
        """One block; `blocks` and `i` are there for the keep-with-next rule of the layout."""
        match blocks[i]:
            case Heading(level=level, children=c):
                tag = heading_tag(self.levels.announced(level))  # h1 is the title
                looks = heading_tag(level)
                self.in_heading = True
                try:
                    text = self.inlines(c)
                finally:
                    self.in_heading = False
                return f"<{tag}{class_attr(['_' + looks] if looks != tag else [])}>{text}</{tag}>"
            case Paragraph(children=c, role="code"):
                return f'<pre class="code"><code>{self.code_text(c)}</code></pre>'
            case Paragraph(children=c, role=role):
                classes = [*class_names((role,)), *(["keep-with-next"] if keeps_with_next(blocks, i) else [])]
                return f"<p{class_attr(classes)}>{self.inlines(c)}</p>"
            case ListBlock(items=items, ordered=ordered, start=start):
                tag = "ol" if ordered else "ul"
                first = f' start="{start}"' if ordered and start != 1 else ""
                lis = "".join(f"<li>{self.blocks(item).strip()}</li>\n" for item in items)
                return f"<{tag}{first}>\n{lis}</{tag}>"
            case Table() as table:
                return self.table(table)
            case Box() as box:
                return self.box(box)
            case Quote(blocks=b):
                return self.quote(f"<blockquote>\n{self.blocks(b)}</blockquote>")
            case Rule():
                return self.rule()
            case Chart() as chart:
                return self.chart(chart)
            case other:
                raise TypeError(f"HTML writer: unknown block node {type(other).__name__}")

    def table(self, table: Table) -> str:
        """Header cells are column headers for screen readers; short rows are padded to a full grid."""
        ncols = max([len(table.header), *(len(r) for r in table.rows)])
        aligns = [f"text-align:{a}" if a else "" for a in (*table.align, *[""] * ncols)[:ncols]]
        out = [self.table_start()]
        fill = self.header_cell_attributes()
        if table.header:
            cells = "".join(
                f'<th scope="col"{fill}{_cell_style(aligns[i], c)}>{self.inlines(c)}</th>'
                for i, c in enumerate(table.header)
            )
            out.append(f"<thead><tr>{cells}{'<td></td>' * (ncols - len(table.header))}</tr></thead>")
        if table.rows:
            out.append("<tbody>")
            for row in table.rows:
                cells = "".join(f"<td{_cell_style(aligns[i], c)}>{self.inlines(c)}</td>" for i, c in enumerate(row))
                out.append(f"<tr>{cells}{'<td></td>' * (ncols - len(row))}</tr>")
            out.append("</tbody>")
        out.append(self.table_end())
        return "\n".join(out)

    def box(self, box: Box) -> str:
        """A card is an article (a recommendation stands alone); other framed boxes are sections.

        A card's priority is in its text ("Priority: High"), so the coloured bar never carries
        meaning on its own. List boxes (bibliography, sources) have no frame, only their class.
        """
        look = self.theme.box(box.classes)
        inner = self.blocks(box.blocks)
        if look is None:
            classes = class_names(box.classes)
            return f"<div{class_attr(classes)}>\n{inner}</div>" if classes else inner.rstrip("\n")
        if look.kind == "card":
            tag, classes = "article", ["card", *([f"card-{look.priority}"] if look.priority else [])]
        else:
            tag, classes = "section", unique(["box", *class_names(box.classes)])
        self.looks.setdefault("".join("." + c for c in classes), look)
        return self.framed(tag, classes, look, inner)

    # inlines ------------------------------------------------------
    def inlines(self, nodes: tuple[Inline, ...]) -> str:
        return "".join(self.inline(n) for n in nodes)

    def inline(self, node: Inline) -> str:
        match node:
            case Text(text=t):
                return _compounds_kept(escape(t)) if self.in_heading else escape(t)
            case Emph(children=c):
                return f"<em>{self.inlines(c)}</em>"
            case Strong(children=c):
                return f"<strong>{self.inlines(c)}</strong>"
            case Code(text=t):
                return f"<code>{escape(t)}</code>"
            case Span(children=c, lang=lang):
                direction = ' dir="rtl"' if is_rtl(lang) else ""
                return f'<span lang="{language_tag(lang)}"{direction}>{self.inlines(c)}</span>'
            case Link(children=c, url=url) if (safe := safe_url(url)) and not self.in_link:
                self.in_link = True
                try:
                    text = self.inlines(c)
                finally:
                    self.in_link = False
                refs, self.deferred_refs = self.deferred_refs, []
                return f'<a href="{escape(self.href(safe))}">{text}</a>' + "".join(refs)
            case Link(children=c):
                return self.inlines(c)  # an unsafe scheme, or a link in a link: its text only
            case LineBreak():
                return "<br>"
            case Superscript(text=t):
                return f"<sup>{escape(t)}</sup>"
            case Note(blocks=b):
                self.notes.append(b)
                ref = note_ref(len(self.notes), self.theme.label("note"))
                if self.in_link:
                    self.deferred_refs.append(ref)
                    return ""
                return ref
            case other:
                raise TypeError(f"HTML writer: unknown inline node {type(other).__name__}")

    def code_text(self, nodes: tuple[Inline, ...]) -> str:
        """A code block's text: its Code runs as plain escaped text, since <pre><code> already marks it."""
        return "".join(escape(n.text) if isinstance(n, Code) else self.inline(n) for n in nodes)

    # notes --------------------------------------------------------
    def notes_section(self) -> str:
        """The endnotes, each linking back to its marker; "" when there are none.

        Walked by index because a note's own text could hold a note: it is appended and
        numbered after, instead of being lost.
        """
        if not self.notes:
            return ""
        items = []
        i = 0
        while i < len(self.notes):
            n = i + 1
            paragraphs = [self.inlines(p) for p in note_paragraphs(self.notes[i])] or [""]
            label = self.theme.label("note_backlink").replace("{n}", str(n))
            back = f'<a href="#fnref{n}" role="doc-backlink" aria-label="{escape(label)}">↩\ufe0e</a>'
            paragraphs[-1] = f"{paragraphs[-1]} {back}".lstrip()
            items.append(f'<li id="fn{n}">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</li>")
            i += 1
        title = escape(self.theme.label("notes"))
        tag, cls = self.NOTES_CONTAINER
        return (
            f'<{tag} class="{cls}" role="doc-endnotes" aria-labelledby="notes-title">\n'
            f'<h2 id="notes-title">{title}</h2>\n<ol>\n' + "\n".join(items) + f"\n</ol>\n</{tag}>"
        )

    # what each writer draws its own way ------------------------------
    @abstractmethod
    def quote(self, blockquote: str) -> str:
        """A quotation's `<blockquote>` markup, framed as this writer frames it."""

    @abstractmethod
    def rule(self) -> str:
        """A horizontal rule (`---`)."""

    @abstractmethod
    def table_start(self) -> str:
        """A data table's opening tag."""

    @abstractmethod
    def header_cell_attributes(self) -> str:
        """Attributes of a header cell besides its scope and alignment ("" or ` bgcolor="…"`)."""

    @abstractmethod
    def table_end(self) -> str:
        """What closes a data table."""

    @abstractmethod
    def framed(self, tag: str, classes: list[str], look: BoxLook, inner: str) -> str:
        """A framed box (a card is an `article`, another box a `section`) around its blocks' markup."""

    @abstractmethod
    def chart(self, chart: Chart) -> str:
        """A chart, and its numbers as a table (`chart.numbers_table`) after it."""

    @abstractmethod
    def href(self, url: str) -> str:
        """A safe link's address as this writer puts it in `href`."""


def note_ref(n: int, label: str) -> str:
    """A note's marker; its accessible name says what it is ("Note 3"), not just "3"."""
    name = escape(label.replace("{n}", str(n)))
    return f'<sup><a href="#fn{n}" id="fnref{n}" role="doc-noteref" aria-label="{name}">{n}</a></sup>'


def heading_tag(level: int) -> str:
    """h2 for a level-1 heading: h1 is the title."""
    return f"h{min(max(level, 1) + 1, 6)}"


def class_names(names: tuple[str, ...]) -> list[str]:
    """Names that are safe as HTML classes and CSS selectors as they are; others are dropped."""
    return unique([n for n in names if _CLASS_NAME.fullmatch(n)])


def unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def class_attr(classes: list[str]) -> str:
    return f' class="{" ".join(classes)}"' if classes else ""


def is_rtl(language: str) -> bool:
    """A language tag written right to left ("ar", "he-IL", "pa-Arab"), from its language or script subtag."""
    subtags = language.strip().lower().replace("_", "-").split("-")
    return subtags[0] in RTL_LANGUAGES or any(tag in RTL_SCRIPTS for tag in subtags[1:])


def language_tag(language: str) -> str:
    """The language as a well-formed tag, or "und" (undetermined): it goes into attributes unescaped.

    `css_inline` writes attribute values as HTML5 serialises them, escaping `&` and `"` but
    not `<` and `>`; only a tag's letters, digits and hyphens reach the mail.
    """
    tag = language.strip()
    return tag if LANGUAGE_TAG.fullmatch(tag) else "und"


UNBROKEN_WORD = 16  # characters: a cell of one word this short (an id, "G10-10") is never broken


def _cell_style(align: str, cell: tuple[Inline, ...]) -> str:
    """A cell's style attribute: its alignment, and no line break in a cell of one short word.

    The PDF and DOCX give a column at least its longest word; a browser gives it its narrowest
    (min-content) width, which breaks "CA-1" after its hyphen. Inline, so the email keeps it.
    """
    words = plain_text(cell).split()
    rules = [
        r for r in (align, "white-space:nowrap" if len(words) == 1 and len(words[0]) <= UNBROKEN_WORD else "") if r
    ]
    return f' style="{";".join(rules)}"' if rules else ""


_COMPOUND = re.compile(r"[^\W_]+(?:[-\u2010][^\W_]+)+")  # confidence-building, CA-3


def _compounds_kept(markup: str) -> str:
    """A heading's hyphenated compounds never break at their hyphen.

    Headings are balanced (`text-wrap: balance`), and a browser breaks after a hyphen, so
    "confidence- / building" was a balanced title's favourite break; the PDF breaks titles
    only at spaces. Inline, so the email keeps it.
    """
    return _COMPOUND.sub(lambda m: f'<span style="white-space:nowrap">{m[0]}</span>', markup)
