"""Markdown writer: the resolved brief as pandoc Markdown, for anyone who wants pandoc downstream.

`briefgen build -f md` writes what the templates made, after briefgen's own work:
citations are formatted text, the bibliography is a list of paragraphs, notes are notes.
pandoc 3 (`-f markdown`) reads it back to the same content, so it can make DOCX, Typst
or anything else from it; the benchmark (bench/run.py) feeds exactly this file to pandoc.

- metadata is a YAML block of JSON strings (valid YAML whatever the text holds), each value
  escaped as Markdown too, since pandoc reads metadata strings as Markdown;
- a one-paragraph note is an inline note `^[…]`; a longer one a reference `[^n]` whose
  blocks follow at the end, indented four spaces;
- a box is a fenced div `::: {.card .high}`; an outer fence is longer than any fence inside,
  as readers that do not pair fences (markdown-it's container) close at the first `:::`;
- a paragraph with a role (`bibliography`) sits in a div of that class, consecutive ones in
  one div; a code paragraph is a fenced code block;
- text is escaped so that nothing in it becomes syntax: emphasis, links, notes, citations,
  math, sub- and superscripts, attributes, entities, line-start markers (headings, lists,
  quotes, definition lists, setext underlines), table pipes, and the typography pandoc's
  `smart` extension and markdown-it's typographer would apply to quotes, dashes and dots.

What Markdown cannot say is written as near as it can: a line break in a heading or table
cell is a space; white space at the edges of emphasis and link text moves outside it;
emphasis directly inside emphasis of its kind joins it; a link in a link is its words.
briefgen's own reader (CommonMark) reads the result back to the same blocks too, except
superscripts (it has none) and emphasis that CommonMark's flanking rules refuse and pandoc
accepts (`a*.b.*c`, `**a *b****c*`).

Nothing here reads a clock or a file: same document, same bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..design import Theme
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
    plain_text,
    safe_url,
)
from . import Artifact, Assets
from .chart import numbers_table

MEDIA_TYPE = "text/markdown"
NOTE_INDENT = "    "  # a reference note's blocks after its first line: pandoc's four spaces
MIN_FENCE = 3
TABLE_ITEM_INDENT = 4  # a list item that starts with a table: pandoc reads rows indented less as a table of its own
RULE = "* * *"  # `---` could open a YAML block in pandoc
LIST_SEPARATOR = "[//]: #"  # a link definition: no output in any reader, but it ends a list before one of its kind
HARD_BREAK = "\\\n"  # pandoc's escaped_line_breaks, CommonMark's backslash break

# Characters escaped wherever they are: each starts some syntax in pandoc Markdown or CommonMark.
_ALWAYS = r"\\`*_\[\]<#@^~$|{}\"'"
_ESCAPE = re.compile(
    rf"([{_ALWAYS}])"  # emphasis, code, links, notes, citations, math, sub/superscript, attributes, quotes
    r"|([-.?!,])(?=\2)"  # `--`, `...`: smart dashes and ellipses; `??`, `!!`, `,,`: markdown-it's typographer
    r"|(\+)(?=-)"  # `+-`: markdown-it's ±
    r"|(\()(?=(?:c|r|tm|p)\))"  # `(c)`: markdown-it's ©, ®, ™, §
    r"|(&)(?=#?\w+;)",  # `&amp;`: an entity
    re.IGNORECASE,
)
# At the start of a line only: a block marker. `#`, `>` (below), `*`, `|`, `~`, backticks are handled above or here.
_LINE_START = re.compile(r"^(?:([-+=:>(])|(\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)([.)])(?=\s|$))")
_EDGES = re.compile(r"([^\S\n]*)(.*?)([^\S\n]*)", re.DOTALL)
_CLASS_CHARS = re.compile(r"[^\w-]")
_YAML_UNSAFE = re.compile("[\u2028\u2029\ufeff]")  # line breaks or a byte-order mark to YAML inside a string


def write(doc: Document, theme: Theme, assets: Assets) -> Artifact:
    """The document as UTF-8 pandoc Markdown; `notes` counts every note placed."""
    w = _Writer()
    body = w.blocks(doc.blocks)
    definitions = w.note_definitions()
    parts = [_front_matter(doc.meta), body, definitions]
    text = "\n\n".join("\n".join(lines) for lines in parts if lines) + "\n"
    return Artifact(data=text.encode("utf-8"), media_type=MEDIA_TYPE, notes=w.note_count)


# ---------------------------------------------------------------- escaping


def escape(text: str, line_start: bool = False) -> str:
    """Text that pandoc and CommonMark read back as exactly itself (line breaks become spaces).

    At a line start, leading white space goes (it would make a code block) and block
    markers are escaped: `- `, `+ `, `> `, `= ` (a setext underline), `: ` (a definition),
    `1. `, `a) `, `iv. `, `(a)` (pandoc's fancy and example lists).
    """
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    out = _ESCAPE.sub(lambda m: "\\" + m.group(0), text)
    if line_start:
        out = out.lstrip()
        out = _LINE_START.sub(lambda m: "\\" + m[1] if m[1] else m[2] + "\\" + m[3], out, count=1)
    return out


def _code_span(text: str) -> str:
    """A code span whose fence is longer than any run of backticks in it; spaces pad a backtick at an end."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ") and text.strip())
    space = " " if pad else ""
    return f"{fence}{space}{text}{space}{fence}"


def _classes(names: tuple[str, ...]) -> str:
    """Pandoc attributes for classes: `{.card .high}`; characters an attribute cannot hold are dropped."""
    kept = [c for c in (_CLASS_CHARS.sub("", name) for name in names) if c]
    return "{" + " ".join("." + c for c in kept) + "}"


# ---------------------------------------------------------------- metadata


def _yaml_string(text: str) -> str:
    """A YAML scalar holding `text` as one line of Markdown: a JSON string is valid YAML."""
    value = json.dumps(escape(text, line_start=True), ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", value)


def _front_matter(meta: Metadata) -> list[str]:
    """Pandoc's YAML metadata block: title, subtitle, author list, ISO date, lang, keywords."""
    lines = ["---", f"title: {_yaml_string(meta.title)}"]
    if meta.subtitle:
        lines.append(f"subtitle: {_yaml_string(meta.subtitle)}")
    if meta.authors:
        lines.append("author:")
        lines.extend(f"  - {_yaml_string(a.name)}" for a in meta.authors)
    if meta.date:
        lines.append(f'date: "{meta.date.isoformat()}"')
    if meta.language:
        lines.append(f"lang: {_yaml_string(meta.language)}")
    if meta.keywords:
        lines.append("keywords:")
        lines.extend(f"  - {_yaml_string(k)}" for k in meta.keywords)
    lines.append("---")
    return lines


# ---------------------------------------------------------------- the body


@dataclass
class _Line:
    """Inline rendering state: whether the next text starts a line, and where the inlines sit."""

    start: bool = True
    one_line: bool = False  # a heading or table cell: a line break is a space
    in_link: bool = False  # a link in a link (or in a note in a link) is its words

    def inner(self, in_link: bool = False) -> _Line:
        """The state inside emphasis, a link or a note: not at a line start."""
        return _Line(False, self.one_line, self.in_link or in_link)


class _Writer:
    def __init__(self) -> None:
        self.pending: list[tuple[Block, ...]] = []  # reference notes, in the order their markers were placed
        self.note_count = 0
        self.first: Block | None = None  # the first block the last call of `blocks` wrote lines for

    # blocks -------------------------------------------------------
    def blocks(self, blocks: tuple[Block, ...], tight: bool = False) -> list[str]:
        """Blocks separated by a blank line (none in a tight list item); runs of one role in one div."""
        out: list[str] = []
        first: Block | None = None
        previous: Block | None = None
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if isinstance(block, Paragraph) and block.role not in ("", "code"):
                same_role: list[Paragraph] = []
                for following in blocks[i:]:
                    if not (isinstance(following, Paragraph) and following.role == block.role):
                        break
                    same_role.append(following)
                j = i + len(same_role)
                lines = self.role_div(block.role, tuple(same_role))
                i = j
            else:
                lines = self.block(block)
                i += 1
            if not lines:
                continue
            if not out:
                first = block
            if out and not tight:
                out.append("")
            if isinstance(block, ListBlock) and isinstance(previous, ListBlock) and block.ordered == previous.ordered:
                out.extend([LIST_SEPARATOR, ""])  # two lists of one kind would join into one
            out.extend(lines)
            previous = block
        self.first = first
        return out

    def block(self, block: Block) -> list[str]:
        match block:
            case Heading(level=level, children=c):
                text = self.inlines(c, _Line(one_line=True))
                return ["#" * min(max(level, 1), 6) + (" " + text if text else "")]
            case Paragraph(children=c, role="code"):
                return _code_block("".join(n.text if isinstance(n, Code | Text) else plain_text((n,)) for n in c))
            case Paragraph(children=c):
                text = self.inlines(c, _Line())
                return text.split("\n") if text else []
            case ListBlock() as list_block:
                return self.list_block(list_block)
            case Table() as table:
                return self.table(table)
            case Box(classes=classes, blocks=b):
                fence = ":" * (MIN_FENCE + _fence_depth(b))
                return [f"{fence} {_classes(classes)}", *self.blocks(b), fence]
            case Quote(blocks=b):
                return [f"> {line}" if line else ">" for line in self.blocks(b)] or [">"]
            case Rule():
                return [RULE]
            case Chart() as chart:
                return self.chart(chart)
            case other:
                raise TypeError(f"markdown writer: unknown block node {type(other).__name__}")

    def chart(self, chart: Chart) -> list[str]:
        """`::: chart #RRGGBB …`, the caption and the counts' table: what the reader reads back as the chart."""
        fence = ":" * MIN_FENCE
        caption = self.inlines(chart.caption, _Line()).split("\n") if chart.caption else []
        return [
            f"{fence} chart {' '.join(chart.colours)}",
            *caption,
            *([""] if caption else []),
            *self.table(numbers_table(chart)),
            fence,
        ]

    def role_div(self, role: str, paragraphs: tuple[Paragraph, ...]) -> list[str]:
        body = self.blocks(tuple(Paragraph(p.children) for p in paragraphs))
        if not body:
            return []
        fence = ":" * MIN_FENCE
        return [f"{fence} {_classes((role,))}", *body, fence] if _classes((role,)) != "{}" else body

    def list_block(self, list_block: ListBlock) -> list[str]:
        """`- ` or `n. ` items from `start`; the item's later lines indented to its text.

        Tight (no blank lines) when every item is one paragraph, perhaps with a list under it
        (not one numbered from other than 1: CommonMark lets no such list interrupt a paragraph).
        """
        tight = all(
            len(item) <= 2
            and all(isinstance(b, Paragraph) and b.role == "" for b in item[:1])
            and all(isinstance(b, ListBlock) and (not b.ordered or b.start == 1) for b in item[1:])
            for item in list_block.items
        )
        start = max(list_block.start, 0)
        out: list[str] = []
        for n, item in enumerate(list_block.items):
            marker = f"{start + n}. " if list_block.ordered else "- "
            lines = self.blocks(item, tight=tight)
            if out and not tight:
                out.append("")
            if isinstance(self.first, Table):  # pandoc reads `1. | a |` as a table row: content 4 columns in
                marker = marker.ljust(TABLE_ITEM_INDENT)
            out.append((marker + lines[0]).rstrip() if lines else marker.rstrip())
            out.extend(" " * len(marker) + line if line else "" for line in lines[1:])
        return out

    def table(self, table: Table) -> list[str]:
        """A pipe table; a missing header is a row of empty cells, which pandoc reads as no header."""
        ncols = max([len(table.header), *(len(r) for r in table.rows)])
        if not ncols:
            return []
        grid = [
            [self.inlines(cell, _Line(start=False, one_line=True)) for cell in row] + [""] * (ncols - len(row))
            for row in (table.header, *table.rows)
        ]
        aligns = [*table.align, *[""] * ncols][:ncols]
        widths = [max(MIN_FENCE, *(len(row[i]) for row in grid)) for i in range(ncols)]
        rule = [_align_rule(a, w) for a, w in zip(aligns, widths, strict=True)]
        return [_row(grid[0]), _row(rule), *(_row(r) for r in grid[1:])]

    # inlines ------------------------------------------------------
    def inlines(self, nodes: tuple[Inline, ...], ctx: _Line) -> str:
        """Inline nodes as Markdown; line breaks at either end are dropped (a trailing `\\` would print)."""
        nodes = _normal(nodes, in_link=ctx.in_link)
        first = next((i for i, n in enumerate(nodes) if not isinstance(n, LineBreak)), len(nodes))
        last = max((i for i, n in enumerate(nodes) if not isinstance(n, LineBreak)), default=-1)
        return self.joined(nodes[first : last + 1], ctx).rstrip(" ")

    def joined(self, nodes: tuple[Inline, ...], ctx: _Line) -> str:
        """Each node's Markdown in a row, with the repairs pandoc needs where nodes touch.

        A `!` just before a link is escaped (`![…](…)` is an image); `(` and `:` just after a
        note too (`^[x](y)` is a link, `[^1]: x` a note's text). An inline note just before a
        link or a reference note is a reference note itself: pandoc reads `^[x][y](z)` and
        `^[x][^2]` as text.
        """
        inline = [False] * len(nodes)  # which notes are `^[…]`: decided from the last, as each depends on the next
        for i in range(len(nodes) - 1, -1, -1):
            after = nodes[i + 1] if i + 1 < len(nodes) else None
            bracket_next = isinstance(after, Link | Span) or (isinstance(after, Note) and not inline[i + 1])
            inline[i] = isinstance(nodes[i], Note) and _inline_note(nodes[i]) and not bracket_next  # type: ignore[arg-type]  # nodes[i] is a Note here: an index is not narrowed
        out = ""
        for i, node in enumerate(nodes):
            piece = self.note(node, ctx, inline=inline[i]) if isinstance(node, Note) else self.inline(node, ctx)
            if isinstance(node, Link | Span) and out.endswith("!"):
                out = out[:-1] + "\\!"
            if isinstance(node, Text) and isinstance(nodes[i - 1] if i else None, Note) and piece[:1] in ("(", ":"):
                piece = "\\" + piece  # `^[x](y)` is a link, `[^1]:` at a line start a note's text
            out += piece
        return out

    def note(self, node: Note, ctx: _Line, inline: bool) -> str:
        """An inline note `^[…]`, or a reference `[^n]` to blocks written at the end."""
        self.note_count += 1
        ctx.start = False
        if not node.blocks:
            return "^[]"
        if inline:
            return "^[" + self.inlines(node.blocks[0].children, ctx.inner()) + "]"  # type: ignore[union-attr]  # an inline note is one Paragraph (_inline_note)
        self.pending.append(node.blocks)
        return f"[^{len(self.pending)}]"

    def emphasis(self, node: Emph | Strong, ctx: _Line) -> str:
        """Emphasis with white space at its edges outside (`* x*` is no emphasis); children are _normal."""
        lead, core, trail = _around(self.joined(node.children, ctx.inner()))
        if ctx.start:
            lead = ""  # white space at a line start would start a code block
        if not core:
            return lead + trail
        ctx.start = False
        mark = "**" if isinstance(node, Strong) else "*"
        return f"{lead}{mark}{core}{mark}{trail}"

    def inline(self, node: Inline, ctx: _Line) -> str:
        match node:
            case Text(text=t):
                out = escape(t, line_start=ctx.start)
                if out:
                    ctx.start = False
                return out
            case Code(text=t):
                if not t:
                    return ""
                ctx.start = False
                return _code_span(t)
            case Link(children=c, url=url):  # _normal keeps only links safe_url allows, none in a link
                safe = safe_url(url) or ""
                target = f"<{safe}>" if "(" in safe or ")" in safe else safe
                lead, core, trail = _around(self.joined(c, ctx.inner(in_link=True)))
                if ctx.start:
                    lead = ""
                ctx.start = False
                return f"{lead}[{core}]({target}){trail}"  # pandoc drops white space at the edges of link text
            case LineBreak():
                if ctx.one_line:
                    return " "
                ctx.start = True
                return HARD_BREAK
            case Superscript(text=t):
                # pandoc reads a superscript's text twice (`^\*a\*^` is an emphasised `a`): escape twice;
                # a space is `\ `, as a bare one ends it
                inner = escape(escape(t)).replace(" ", "\\ ")
                if not inner:
                    return ""
                ctx.start = False
                return f"^{inner}^"
            case Emph() | Strong():
                return self.emphasis(node, ctx)
            case Span(children=c, lang=lang):  # _normal keeps only spans with words
                lead, core, trail = _around(self.joined(c, ctx.inner()))
                if ctx.start:
                    lead = ""
                ctx.start = False
                return f"{lead}[{core}]{{lang={lang}}}{trail}"  # pandoc's bracketed span
            case Note():
                return self.note(node, ctx, inline=_inline_note(node))
            case other:  # a Citation: the citation stage resolves them all before any writer
                raise TypeError(f"markdown writer: unknown inline node {type(other).__name__}")

    # notes --------------------------------------------------------
    def note_definitions(self) -> list[str]:
        """`[^n]: …` for each reference note, blocks indented four spaces.

        Walked by index: a note's own blocks may hold notes, which are appended as they are met.
        A note whose first block written is not a paragraph starts on the line after its label.
        """
        out: list[str] = []
        i = 0
        while i < len(self.pending):
            blocks = self.pending[i]
            lines = self.blocks(blocks)
            label = f"[^{i + 1}]:"
            if out:
                out.append("")
            if isinstance(self.first, Paragraph) and self.first.role == "":
                out.append(f"{label} {lines[0]}")
                rest = lines[1:]
            else:
                out.append(label)
                rest = lines
            out.extend(NOTE_INDENT + line if line else "" for line in rest)
            i += 1
        return out


# ---------------------------------------------------------------- helpers


def _code_block(code: str) -> list[str]:
    """A fenced code block, its fence longer than any run of backticks inside."""
    fence = "`" * max(MIN_FENCE, max((len(m) for m in re.findall(r"`+", code)), default=0) + 1)
    code = code.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return [fence, *code.split("\n"), fence] if code else []


def _fence_depth(blocks: tuple[Block, ...]) -> int:
    """How many fenced divs nest inside these blocks: an enclosing fence is that many colons longer."""
    depth = 0
    for block in blocks:
        match block:
            case Box(blocks=b):
                depth = max(depth, 1 + _fence_depth(b))
            case Chart():
                depth = max(depth, 1)
            case Paragraph(role=role) if role not in ("", "code"):
                depth = max(depth, 1)
            case ListBlock(items=items):
                depth = max(depth, *(_fence_depth(item) for item in items), 0)
            case Quote(blocks=b):
                depth = max(depth, _fence_depth(b))
    return depth


def _normal(
    nodes: tuple[Inline, ...], within: frozenset[type] = frozenset(), in_link: bool = False
) -> tuple[Inline, ...]:
    """Inlines in the shape Markdown can say: the same words and looks, delimiters that pair as meant.

    - a link `model.safe_url` refuses, or a link in a link, is its words; a code span of
      white space is that white space;
    - emphasis inside emphasis of the same kind (at any depth up to a link or note) gives
      its words to the outer one: `*a **b *c* d** e*` would need a run of three `*` to end;
    - empty emphasis goes, and a line break or white space at the edge of emphasis or a link
      moves outside it: `*\\` + a line break + `x*` would not pair;
    - touching text, code spans, superscripts and emphasis of one kind are joined: `*a**b*`,
      two touching code spans or superscripts would read as something else.
    """
    out: list[Inline] = []
    for node in nodes:
        out.extend(_normal_node(node, within, in_link))
    return _join_touching(out, within, in_link)


def _normal_node(node: Inline, within: frozenset[type], in_link: bool) -> tuple[Inline, ...]:
    """One inline made sayable (the first three rules of `_normal`); it may become several, or none."""
    if isinstance(node, Link) and (in_link or safe_url(node.url) is None):
        return _normal(node.children, within, in_link)
    if isinstance(node, Code) and not node.text.strip():
        node = Text(node.text)  # pandoc reads a code span of spaces as an empty one
    if isinstance(node, Emph | Strong) and type(node) in within:
        return _normal(node.children, within, in_link)
    if isinstance(node, Emph | Strong | Link | Span):
        return _edges_outside(node, _normal_children(node, within, in_link))
    return (node,)


def _normal_children(node: Emph | Strong | Link | Span, within: frozenset[type], in_link: bool) -> tuple[Inline, ...]:
    """A container's children made sayable: link text starts a new emphasis scope, emphasis joins the scope."""
    if isinstance(node, Link):  # link text is a scope of its own for emphasis
        return _normal(node.children, frozenset(), True)
    if isinstance(node, Span):
        return _normal(node.children, within, in_link)
    return _normal(node.children, within | {type(node)}, in_link)


def _edges_outside(node: Emph | Strong | Link | Span, inner: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """`node` around `inner` with white space and line breaks at its edges moved outside; nothing left, no node."""
    first = next((i for i, n in enumerate(inner) if not _edge(n)), len(inner))
    last = max((i for i, n in enumerate(inner) if not _edge(n)), default=first - 1)
    if first > last:
        return inner  # only spaces and line breaks: no emphasis to show, no words to link
    core = inner[first : last + 1]
    wrapped: Inline
    if isinstance(node, Link):
        wrapped = Link(core, node.url)
    elif isinstance(node, Span):
        wrapped = Span(core, node.lang)
    else:
        wrapped = type(node)(core)
    return (*inner[:first], wrapped, *inner[last + 1 :])


def _join_touching(nodes: list[Inline], within: frozenset[type], in_link: bool) -> tuple[Inline, ...]:
    """Touching text, code spans, superscripts and emphasis of one kind as one node (the last rule of `_normal`)."""
    joined: list[Inline] = []
    for node in nodes:
        prev = joined[-1] if joined else None
        if isinstance(node, Text) and isinstance(prev, Text):
            joined[-1] = Text(prev.text + node.text)
        elif isinstance(node, Code) and isinstance(prev, Code):
            joined[-1] = Code(prev.text + node.text)
        elif isinstance(node, Superscript) and isinstance(prev, Superscript):
            joined[-1] = Superscript(prev.text + node.text)  # `^a^^b^` is one superscript `a^b`
        elif isinstance(node, Emph) and isinstance(prev, Emph):
            joined[-1] = Emph(_normal(prev.children + node.children, within | {Emph}, in_link))
        elif isinstance(node, Strong) and isinstance(prev, Strong):
            joined[-1] = Strong(_normal(prev.children + node.children, within | {Strong}, in_link))
        else:
            joined.append(node)
    return tuple(joined)


def _around(markdown: str) -> tuple[str, str, str]:
    """Markdown as its leading white space, the rest, and its trailing white space (line ends excepted).

    Emphasis and link text keep no white space at their edges: `* x*` is no emphasis in
    CommonMark (a no-break space counts too), and pandoc drops it from link text.
    """
    m = _EDGES.fullmatch(markdown)
    assert m is not None  # the pattern matches any text
    return m[1], m[2], m[3]


def _inline_note(note: Note) -> bool:
    """A note of one body paragraph can be `^[…]`; blocks, or a paragraph with a role, need `[^n]`."""
    return len(note.blocks) == 1 and isinstance(note.blocks[0], Paragraph) and note.blocks[0].role == ""


def _edge(node: Inline) -> bool:
    """A line break or white space only: what may sit outside emphasis without changing the words."""
    return isinstance(node, LineBreak) or (isinstance(node, Text) and not node.text.strip())


def _align_rule(align: str, width: int) -> str:
    if align == "left":
        return ":" + "-" * (width - 1)
    if align == "right":
        return "-" * (width - 1) + ":"
    if align == "center":
        return ":" + "-" * (width - 2) + ":"
    return "-" * width


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
