"""Stage 4: Markdown (as rendered by a template) -> document model blocks.

markdown-it-py parses; plugins add tables, `^[inline notes]` and `[^refs]`,
`::: name` boxes, and pandoc citations. One method per token type turns the
token stream into model nodes; an unknown token fails loudly.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .citesyntax import BRACKETED, KEY, parse_bracketed
from .errors import BriefError, BriefgenError, Problem
from .model import (
    LANGUAGE_TAG,
    Block,
    Box,
    Chart,
    Citation,
    CiteItem,
    Code,
    Emph,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Node,
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
    query,
    safe_url,
    walk,
)
from .typography import quotes

_NARRATIVE_KEY = re.compile(KEY)
FIELDS_KEPT = 2048  # Markdown fields whose citations and stray syntax are kept, by text
DOCUMENTS_KEPT = 8  # documents' blocks kept by their Markdown (each audience's, of the last brief or two)
DOCUMENT_KEPT_CHARS = 100_000  # no longer: the sample's practitioner document is 14,000 characters, x10's 10 times that


def _citation_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] == "[":
        m = BRACKETED.match(src, pos)
        cit = parse_bracketed(m["body"]) if m else None
        if m is None or cit is None:
            return False
        end = m.end()
    elif src[pos] == "@":
        if pos > 0 and (src[pos - 1].isalnum() or src[pos - 1] in "@[\\_/:."):
            return False
        m = _NARRATIVE_KEY.match(src, pos + 1)
        if not m:
            return False
        cit, end = Citation((CiteItem(m.group(0)),), narrative=True), m.end()
    else:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"citation": cit}
        token.content = src[pos:end]  # as written: the loader finds it in the file by this
    state.pos = end
    return True


# markdown-it drops what is nested deeper than `maxNesting` (commonmark: 20). The parser reads
# much deeper, then the converter clamps the model to the depth writers were always given.
_PARSE_NESTING = 100  # blocks markdown-it nests by recursion: ~3 Python frames a level
WRITER_NESTING = 19  # markdown-it's 20 less the paragraph's level: a list counts 2, a quote or box 1
WRITER_FRAMES = 12  # quotes and boxes in each other: the PDF's body frame fits 15, a narrower column fewer


def _keep_what_is_too_deep(tokenize):
    """markdown-it's block tokenizer, but lines nested past `maxNesting` stay as a paragraph of their text.

    markdown-it skips them ("not an ordinary situation"); a brief never loses words.
    """

    def wrapper(state, start_line: int, end_line: int, *rest) -> None:
        if state.level < state.md.options["maxNesting"]:
            return tokenize(state, start_line, end_line, *rest)
        line = state.skipEmptyLines(start_line)
        if line >= end_line or state.sCount[line] < state.blkIndent:
            state.line = line
            return None
        state.push("paragraph_open", "p", 1).map = [line, end_line]
        inline = state.push("inline", "", 0)
        inline.content = state.getLines(line, end_line, state.blkIndent, False).strip()
        inline.map, inline.children = [line, end_line], []
        state.push("paragraph_close", "p", -1)
        state.line = end_line
        return None

    return wrapper


def parser(language: str = "en") -> MarkdownIt:
    """The parser for Markdown in `language`: its quotation marks are the language's."""
    return _parser(quotes(language))


@cache
def _parser(quote_marks: str) -> MarkdownIt:
    """One parser per set of quotation marks: English, French and Russian briefs share few."""
    options = {"typographer": True, "html": False, "maxNesting": _PARSE_NESTING, "quotes": quote_marks}
    md = MarkdownIt("commonmark", options)
    md.block.tokenize = _keep_what_is_too_deep(md.block.tokenize)  # type: ignore[method-assign]  # the one hook to keep what is too deep
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin, inline=True)
    md.use(container_plugin, name="box", marker=":", validate=lambda params, *a: bool(params.strip()))
    md.inline.ruler.before("link", "citation", _citation_rule)
    # pandoc's `[words]{lang=kk}`, also on a link: `[words](url){lang=kk}`; other attributes are dropped
    md.use(attrs_plugin, spans=True, after=("link_close", "span_close"))
    # markdown-it leaves a `javascript:` or `file:` link as raw text; the converter keeps its words instead
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # markdown-it-py's documented way to allow every link
    return md


class _Converter:
    def __init__(self, env: dict) -> None:
        self.notes: dict[int, tuple[Block, ...]] = {}
        self.env = env
        self.bad_languages: list[str] = []  # `{lang=…}` values that are no language tag: their words kept

    # ------------------------------------------------------------ blocks
    def blocks(self, tokens: list[Token]) -> tuple[Block, ...]:
        out: list[Block] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.nesting == 1:
                end = self._close(tokens, i)
                inner = tokens[i + 1 : end]
                name = tok.type[: -len("_open")]
                method = getattr(self, "block_" + name, None)
                if method is None:
                    raise ValueError(f"unsupported Markdown block: {tok.type}")
                block = method(tok, inner)
                if block is not None:
                    out.append(block)
                i = end + 1
            else:
                method = getattr(self, "block_" + tok.type, None)
                if method is None:
                    raise ValueError(f"unsupported Markdown block: {tok.type}")
                block = method(tok, [])
                if block is not None:
                    out.append(block)
                i += 1
        return tuple(out)

    @staticmethod
    def _close(tokens: list[Token], start: int) -> int:
        depth = 0
        for j in range(start, len(tokens)):
            depth += tokens[j].nesting
            if depth == 0:
                return j
        raise ValueError(f"unclosed {tokens[start].type}")

    def block_paragraph(self, tok: Token, inner: list[Token]) -> Block:
        return Paragraph(self.inlines(inner[0].children or []))

    def block_heading(self, tok: Token, inner: list[Token]) -> Block:
        return Heading(int(tok.tag[1]), self.inlines(inner[0].children or []))

    def block_bullet_list(self, tok: Token, inner: list[Token]) -> Block:
        return ListBlock(self._items(inner), ordered=False)

    def block_ordered_list(self, tok: Token, inner: list[Token]) -> Block:
        return ListBlock(self._items(inner), ordered=True, start=int(tok.attrGet("start") or 1))

    def _items(self, inner: list[Token]) -> tuple[tuple[Block, ...], ...]:
        items = []
        i = 0
        while i < len(inner):
            end = self._close(inner, i)
            items.append(self.blocks(inner[i + 1 : end]))
            i = end + 1
        return tuple(items)

    def block_blockquote(self, tok: Token, inner: list[Token]) -> Block:
        return Quote(self.blocks(inner))

    def block_container_box(self, tok: Token, inner: list[Token]) -> Block:
        classes = tuple(tok.info.split())
        if classes[:1] == ("chart",):
            return _chart(classes[1:], self.blocks(inner), tok.map[0] + 1 if tok.map else None)
        return Box(classes, self.blocks(inner))

    def block_hr(self, tok: Token, inner: list[Token]) -> Block:
        return Rule()

    def block_fence(self, tok: Token, inner: list[Token]) -> Block:
        return Paragraph((Code(tok.content.rstrip("\n")),), role="code")

    block_code_block = block_fence

    def block_table(self, tok: Token, inner: list[Token]) -> Block:
        header: list[tuple[Inline, ...]] = []
        rows: list[tuple[tuple[Inline, ...], ...]] = []
        row: list[tuple[Inline, ...]] = []
        in_head = False
        align: list[str] = []
        for t in inner:
            if t.type in ("th_open", "td_open") and not rows and (in_head or not header):
                style = str(t.attrGet("style") or "")
                align.append(style.removeprefix("text-align:") if style.startswith("text-align:") else "")
            if t.type == "thead_open":
                in_head = True
            elif t.type == "thead_close":
                in_head = False
            elif t.type == "tr_open":
                row = []
            elif t.type == "inline":
                row.append(self.inlines(t.children or []))
            elif t.type == "tr_close":
                if in_head:
                    header = row
                else:
                    rows.append(tuple(row))
        ncols = len(header) or (len(rows[0]) if rows else 0)
        return Table(tuple(header), tuple(rows), tuple(align[:ncols]) if any(align) else ())

    def block_footnote_block(self, tok: Token, inner: list[Token]) -> None:
        i = 0
        while i < len(inner):
            end = self._close(inner, i)
            body = [t for t in inner[i + 1 : end] if t.type != "footnote_anchor"]
            for t in body:
                if t.children:
                    t.children = [c for c in t.children if c.type != "footnote_anchor"]
            self.notes[inner[i].meta["id"]] = _clamp(self.blocks(body))
            i = end + 1
        return None

    # ------------------------------------------------------------ inlines
    @staticmethod
    def _container(tok: Token, children: tuple[Inline, ...]) -> tuple[Inline, ...]:
        """What an opening inline token and its children make."""
        match tok.type:
            case "em_open":
                return (Emph(children),)
            case "strong_open":
                return (Strong(children),)
            case "link_open":
                href = safe_url(str(tok.attrGet("href") or ""))
                # a brief carries no script, data or file links: their words only
                return children if href is None else (Link(children, href),)
            case "s_open" | "span_open":
                return children
        raise ValueError(f"unsupported Markdown inline: {tok.type}")

    def _language(self, nodes: tuple[Inline, ...], tok: Token) -> tuple[Inline, ...]:
        """`nodes` in the language `{lang=…}` gave them, if it did; a malformed tag is noted, the words kept."""
        lang = tok.attrGet("lang")
        if lang is None or not nodes:
            return nodes
        if not LANGUAGE_TAG.fullmatch(str(lang)):
            self.bad_languages.append(str(lang))
            return nodes
        return (Span(nodes, str(lang)),)

    def inlines(self, tokens: list[Token]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        tokens = _shallow(tokens)
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.nesting == 1:
                end = self._close(tokens, i)
                children = self.inlines(tokens[i + 1 : end])
                out.extend(self._language(self._container(tok, children), tok))
                i = end + 1
                continue
            match tok.type:
                case "text":
                    if tok.content:
                        out.append(Text(tok.content))
                case "code_inline":
                    out.append(Code(tok.content))
                case "softbreak":
                    out.append(Text(" "))
                case "hardbreak":
                    out.append(LineBreak())
                case "citation":
                    out.append(tok.meta["citation"])
                case "footnote_ref":
                    out.append(_PendingNote(tok.meta["id"], tok.meta.get("label", "")))  # type: ignore[arg-type]  # the footnote plugin's meta: id an int
                case "footnote_anchor":
                    pass
                case "image":
                    out.append(Text(tok.content))
                case _:
                    raise ValueError(f"unsupported Markdown inline: {tok.type}")
            i += 1
        return _merge_text(out)


class ChartError(BriefgenError):
    """A `::: chart` div that is not a caption and a table of counts: whoever wrote it (a template) is wrong.

    The build names the template (build.to_document); elsewhere it is still a located error, not a crash.
    """

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(Problem("Markdown", line, None, "", message))
        self.reason = message
        self.line = line  # of the div's opening fence in the Markdown, from 1


MAX_CHART_COUNT = 1_000_000  # a count in a chart cell: a bar of more is a template's mistake
_COLOUR = re.compile("#[0-9A-Fa-f]{6}")


def _chart(colours: tuple[str, ...], blocks: tuple[Block, ...], line: int | None) -> Chart:
    """`::: chart #RRGGBB …` around an optional one-paragraph caption and one table of counts."""

    def wrong(message: str) -> ChartError:
        return ChartError(f"::: chart: {message}", line)

    caption: tuple[Inline, ...] = ()
    if blocks and isinstance(blocks[0], Paragraph) and blocks[0].role == "":
        caption, blocks = blocks[0].children, blocks[1:]
    if len(blocks) != 1 or not isinstance(blocks[0], Table):
        raise wrong("holds an optional caption paragraph and then one table, nothing else")
    table = blocks[0]
    if len(table.header) < 2 or not table.rows:
        raise wrong("its table needs a header with the categories' column and a series, and a row")
    series = tuple(plain_text(c).strip() for c in table.header[1:])
    if (bad := next((c for c in colours if not _COLOUR.fullmatch(c)), None)) is not None:
        raise wrong(f"{bad!r} is not a colour: write #RRGGBB, one a series")
    if len(colours) != len(series):
        raise wrong(f"{len(colours)} colours for {len(series)} series ({', '.join(series)}): give one #RRGGBB a series")
    values = []
    for row in table.rows:
        counts = tuple(plain_text(c).strip() for c in row[1:])
        if (bad := next((c for c in counts if not (c.isascii() and c.isdigit())), None)) is not None:
            raise wrong(f"row {plain_text(row[0])!r}: {bad!r} is not a count (a whole number, 0 or more)")
        if max(map(int, counts), default=0) > MAX_CHART_COUNT:
            raise wrong(f"row {plain_text(row[0])!r}: a count over {MAX_CHART_COUNT:,}")
        values.append(tuple(map(int, counts)))
    categories = tuple(plain_text(row[0]).strip() for row in table.rows)
    heading = plain_text(table.header[0]).strip()
    return Chart(caption, heading, categories, series, tuple(c.upper() for c in colours), tuple(values))


INLINE_NESTING = 20  # emphasis in emphasis in ...: `***…***` nests as deep as it has stars


def _shallow(tokens: list[Token]) -> list[Token]:
    """Inline tokens with emphasis, links and strike-through nested no deeper than INLINE_NESTING.

    Deeper openers and their closers are left out, their text kept: the converter and
    the writers recurse once a level, and 3,000 stars are 1,500 levels.
    """
    depth, dropped, out = 0, [], []
    for tok in tokens:
        if tok.nesting == 1:
            depth += 1
            dropped.append(depth > INLINE_NESTING)
            if not dropped[-1]:
                out.append(tok)
        elif tok.nesting == -1 and dropped:
            depth -= 1
            if not dropped.pop():
                out.append(tok)
        else:
            out.append(tok)
    return out


class _PendingNote:
    """A footnote marker whose text is parsed later (definitions follow the body)."""

    def __init__(self, note_id: int, label: str = "") -> None:
        self.id = note_id
        self.label = label  # `1` of `[^1]`; "" for an inline note, which cannot refer to itself


def _merge_text(nodes: list) -> tuple:
    out: list = []
    for node in nodes:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return tuple(out)


MAX_NOTE_DEPTH = 10  # a note in a note in a note ...: each level a note refers to a note
MAX_NOTES = 10_000  # notes one text may produce: `[^1]: [^2][^2]`, `[^2]: [^3][^3]`, ... doubles at each level


class _NoteFiller:
    """Puts each note's text where its marker is.

    A note that refers to a note it sits in (`[^1]: See [^1].`, or `[^a]` and `[^b]`
    naming each other) gets a plain marker there, its label, instead of itself again.
    Chains of notes deeper than MAX_NOTE_DEPTH, or more than MAX_NOTES in all, are an
    error: each reference copies its note's text, so a few lines could ask for millions.
    """

    def __init__(self, conv: _Converter) -> None:
        self.conv = conv
        self.open: list[int] = []  # the notes being filled, outermost first
        self.count = 0

    def fill(self, tree: tuple) -> tuple:
        return walk(self.placed, tree)

    def placed(self, node: Node | _PendingNote) -> Node:
        return self.note(node) if isinstance(node, _PendingNote) else node

    def note(self, pending: _PendingNote):
        if pending.id in self.open:
            return Superscript(pending.label)
        self.count += 1
        if self.count > MAX_NOTES:
            raise BriefError(f"notes refer to notes so often that they make more than {MAX_NOTES:,} notes")
        if len(self.open) >= MAX_NOTE_DEPTH:
            raise BriefError(f"notes refer to notes more than {MAX_NOTE_DEPTH} deep")
        self.open.append(pending.id)
        try:
            if pending.id in self.conv.notes:
                return Note(self.fill(self.conv.notes[pending.id]))
            inline = self.conv.env.get("footnotes", {}).get("list", {}).get(pending.id, {})
            return Note((Paragraph(self.fill(self.conv.inlines(inline.get("tokens", [])))),))
        finally:
            self.open.pop()


def _clamp(blocks: tuple[Block, ...], used: int = 0, frames: int = 0) -> tuple[Block, ...]:
    """Blocks nested no deeper than writers draw, every word kept.

    At most WRITER_NESTING levels (a list counts 2, a quote or box 1) and WRITER_FRAMES
    quotes or boxes. Past that a list's items go on as items of the deepest list (or as
    its paragraphs, from inside a quote), a quote's or box's blocks as blocks of the deepest.
    """
    out: list[Block] = []
    for block in blocks:
        match block:
            case ListBlock(items=items) if used + 2 <= WRITER_NESTING:
                if used + 4 > WRITER_NESTING:  # no list fits in this one: the lists in its items join it
                    items = _lifted(items)
                out.append(replace(block, items=tuple(_clamp(item, used + 2, frames) for item in items)))
            case Quote(blocks=inner) | Box(blocks=inner) if used + 1 <= WRITER_NESTING and frames < WRITER_FRAMES:
                out.append(replace(block, blocks=_clamp(inner, used + 1, frames + 1)))
            case ListBlock(items=items):
                out.extend(b for item in items for b in _clamp(item, used, frames))
            case Quote(blocks=inner) | Box(blocks=inner):
                out.extend(_clamp(inner, used, frames))
            case _:
                out.append(block)
    return tuple(out)


def _lifted(items: tuple[tuple[Block, ...], ...]) -> tuple[tuple[Block, ...], ...]:
    """Items with the lists nested in them taken out and put after them, as items of their own."""
    out: list[list[Block]] = []
    for item in items:
        start = len(out)
        out.append([])
        for block in item:
            if isinstance(block, ListBlock):
                out.extend(list(sub) for sub in _lifted(block.items))
            else:
                out[-1].append(block)  # after a nested list: goes on in its last item
        if not out[start] and len(out) > start + 1:
            del out[start]  # the item was only a list
    return tuple(tuple(item) for item in out)


def parse_markdown(text: str, language: str = "en") -> tuple[Block, ...]:
    """The blocks of `text`, kept by text and language when it is no longer than a brief (the nodes are frozen).

    A build server or `watch` plans every audience's document again after an edit; an audience whose
    template output the edit left as it was needs no new parse. A longer text is parsed each time,
    so a stress brief's model is not held past its build.
    """
    if len(text) > DOCUMENT_KEPT_CHARS:
        return parse_blocks(text, language)
    return _kept_parse(text, language)


@lru_cache(maxsize=DOCUMENTS_KEPT)
def _kept_parse(text: str, language: str) -> tuple[Block, ...]:
    return parse_blocks(text, language)


def parse_blocks(text: str, language: str = "en") -> tuple[Block, ...]:
    """The blocks of `text`, parsed now: for a field's text, kept (if at all) by what it is made into."""
    return _parse(text, language)[0]


def _parse(text: str, language: str = "en") -> tuple[tuple[Block, ...], _Converter]:
    env: dict = {}
    tokens = parser(language).parse(text, env)
    conv = _Converter(env)
    blocks = conv.blocks(tokens)
    return _clamp(_NoteFiller(conv).fill(blocks)), conv


@lru_cache(maxsize=FIELDS_KEPT)
def parse_inline(text: str, language: str = "en") -> tuple[Inline, ...]:
    """One line of Markdown (a title, a label) as inline nodes; kept by text (the nodes are frozen)."""
    blocks = parse_blocks(text, language)
    if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
        return blocks[0].children
    return (Text(text.strip()),)


def citations_in(text: str) -> list[tuple[Citation, str]]:
    """Every citation in a Markdown field, with the text it was written as, in reading order.

    The loader checks keys with this, so what `check` reports is exactly what the
    renderer will resolve: `@key` in a code span or a link is not a citation.
    """
    return list(_citations_in(text))


@lru_cache(maxsize=FIELDS_KEPT)
def _citations_in(text: str) -> tuple[tuple[Citation, str], ...]:
    """`citations_in`, kept by text: a build server (or `watch`) loads the same fields again."""
    env: dict = {}
    found: list[tuple[Citation, str]] = []

    def walk(tokens: list[Token]) -> None:
        inline_note = False  # inside the tail's copy of an inline ^[note], already walked at its marker
        for tok in tokens:
            if tok.type == "footnote_open":
                inline_note = "tokens" in notes.get(tok.meta["id"], {})
            elif tok.type == "footnote_close":
                inline_note = False
            if inline_note:
                continue
            if tok.type == "citation":
                found.append((tok.meta["citation"], tok.content))
            elif tok.type == "footnote_ref":
                walk(notes.get(tok.meta["id"], {}).get("tokens", []) or [])  # an inline ^[note], in place
            if tok.children:
                walk(tok.children)

    tokens = parser().parse(text, env)
    notes = env.get("footnotes", {}).get("list", {})
    walk(tokens)
    return tuple(found)


# ---------------------------------------------------------------- model -> Markdown

_SYNTAX = re.compile(r"([\\`*_\[\]<>#@^~&{}$\"'(+]|([-.!?,])(?=\2))")  # `|`: a table cell's filter escapes it


def _escaped(text: str) -> str:
    """Text that reads back as itself: every character Markdown, pandoc citations or typography could take."""
    text = _SYNTAX.sub(r"\\\1", text)
    return re.sub(r"^(\s*)(\d+)([.)])", r"\1\2\\\3", re.sub(r"^(\s*)([-+=:])", r"\1\\\2", text))


def quoted_plain(text: str, language: str) -> str:
    """Plain text (an organisation, a series) with the language's quotation marks, as a title gets them,
    and nothing else read as Markdown."""
    if "'" not in text and '"' not in text:
        return text
    return plain_text(parse_inline(re.sub(r"\\([\"'])", r"\1", _escaped(text)), language))


def _citation_markdown(cit: Citation) -> str:
    if cit.narrative:
        return "@" + cit.items[0].key
    items = [
        " ".join(x for x in (item.prefix, ("-" if item.suppress_author else "") + "@" + item.key) if x)
        + (f", {item.locator}" if item.locator else "")
        for item in cit.items
    ]
    return "[" + "; ".join(items) + "]"


def inline_markdown(nodes: tuple[Inline, ...]) -> str:
    """Inline nodes written back as one line of Markdown that parses to the same nodes.

    Short forms cut the parsed text (never the raw Markdown) and hand the cut back to
    the templates in the form they expect.
    """
    out: list[str] = []
    for node in nodes:
        match node:
            case Text(text=t):
                out.append(_escaped(t))
            case Emph(children=c):
                out.append(f"*{inline_markdown(c)}*")
            case Strong(children=c):
                out.append(f"**{inline_markdown(c)}**")
            case Code(text=t):
                fence = "`" * (max((len(m) for m in re.findall(r"`+", t)), default=0) + 1)
                pad = " " if t.startswith("`") or t.endswith("`") else ""
                out.append(f"{fence}{pad}{t}{pad}{fence}")
            case Link(children=c, url=url):
                out.append(f"[{inline_markdown(c)}](<{url.replace('<', '%3C').replace('>', '%3E')}>)")
            case Span(children=c, lang=lang):
                out.append(f"[{inline_markdown(c)}]{{lang={lang}}}")
            case LineBreak():
                out.append(" ")
            case Superscript(text=t):  # a self-referring note's marker: Markdown has no raised text
                out.append(_escaped(t))
            case Citation():
                out.append(_citation_markdown(node))
            case Note(blocks=blocks):
                out.append("^[" + " ".join(_block_line(b) for b in blocks) + "]")
            case _:
                raise TypeError(f"unknown inline node {type(node).__name__}")
    return "".join(out)


def _block_line(block: Block) -> str:
    """A note's block on one line: an inline note cannot hold paragraphs or lists."""
    match block:
        case Paragraph(children=c) | Heading(children=c):
            return inline_markdown(c)
        case ListBlock(items=items):
            return "; ".join(" ".join(_block_line(b) for b in item) for item in items)
        case Quote(blocks=b) | Box(blocks=b):
            return " ".join(_block_line(x) for x in b)
        case _:
            return ""


# ---------------------------------------------------------------- syntax that did not parse

_STRAY = {
    "^[": "this inline note ^[…] is not closed within its paragraph: an inline note cannot hold a blank line, "
    "a list or a second paragraph; write it as a note reference [^1] with its text under [^1]: …",
    "[@": "this citation [@…] is not closed: write [@key] or [@key, p. 3]",
    "]{lang": "this {lang=…} was not read as the language of the words before it: write [words]{lang=kk}, "
    "the tag unquoted or in double quotes, on words that are not a citation",
}


def stray_syntax(text: str) -> list[tuple[str, str]]:
    """Note and citation openers the parser read as plain text, with what to do: they would print raw."""
    return list(_stray_syntax(text))


@lru_cache(maxsize=FIELDS_KEPT)
def _stray_syntax(text: str) -> tuple[tuple[str, str], ...]:
    """`stray_syntax`, kept by text."""

    def stray(node: Node) -> list[tuple[str, str]]:
        if not isinstance(node, Text):
            return []
        return [(opener, advice) for opener, advice in _STRAY.items() if opener in node.text]

    try:
        blocks, conv = _parse(text)
    except BriefError as tangled:  # notes referring to notes: the loader names the field
        advice = tangled.problems[0].message + ": write the note's text out instead of referring to another note"
        return (("[^" if "[^" in text else "^[", advice),)
    found = query(stray, blocks)
    for lang in conv.bad_languages:
        written = next((w for w in (f'lang="{lang}"', f"lang='{lang}'", f"lang={lang}") if w in text), "lang=")
        found.append((written, f"'{lang}' is not a language tag: write one like lang=kk, lang=sr-Latn or lang=zh-Hant"))
    return tuple(dict.fromkeys(found))
