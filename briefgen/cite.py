"""Stage 5: resolve citations in the document model for one citation style.

`notes` (Chicago notes-bibliography: full note at first citation, short form
after, "Ibid." for a repeat), `author-date` ("(Zagorski 2009, 33)") or `none`
(markers dropped, as the press gets). A `::: bibliography` box in a template is
filled with the works actually cited, sorted by author; `::: sources` gets a
short list for readers who do not want a scholarly apparatus.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .bibliography import Reference
from .chicago import (
    Parts,
    author_inlines,
    authors_inlines,
    bibliography_entry,
    full_note,
    locator_text,
    short_note,
    sorted_refs,
    source_line,
    year_suffixes,
)
from .design import LIST_BOXES
from .model import (
    Block,
    Box,
    Citation,
    Document,
    Inline,
    ListBlock,
    Node,
    Note,
    Paragraph,
    Superscript,
    Text,
    blocks_text,
    map_children,
    query,
    walk,
)

# ---------------------------------------------------------------- the walk

_SEPARATOR = re.compile(r"^[\s,;]*$")  # what stands between two citations that are one run: "[@a], [@b]"
_OPEN_PAREN = re.compile(r"\s*\($")
# a bracketed citation after one of these words is the sentence's noun: "see [@a]", "and [@b]"
_PAIRED = re.compile(r"\s+(?:and|or)\s+")
_NOUN_AFTER = re.compile(r"(?:^|\s)(?:and|or|see|in|by|of|from|with|to|cf\.|also|e\.g\.,?|like|than)\s*$", re.I)


def _runs(nodes: tuple[Inline, ...]) -> list[Inline]:
    """Citations as a reader groups them: a run of bracketed citations is one citation, and a
    citation alone in parentheses loses them ("([@a])" would print "((Doe 2020))" or "()")."""
    out: list[Inline] = []
    pending = list(nodes)
    while pending:
        node = pending.pop(0)
        if isinstance(node, Citation) and not node.narrative:
            items = list(node.items)
            while True:  # "[@a][@b]", "[@a], [@b]", "[@a]; [@b]": one citation (Chicago 14.57: one note)
                gap = 1 if pending and isinstance(pending[0], Text) and _SEPARATOR.match(pending[0].text) else 0
                if not (len(pending) > gap and isinstance(pending[gap], Citation) and not pending[gap].narrative):
                    break
                items.extend(pending[gap].items)  # type: ignore[union-attr]
                del pending[: gap + 1]
            node = Citation(tuple(items))
            if (
                out
                and isinstance(out[-1], Text)
                and _OPEN_PAREN.search(out[-1].text)
                and pending
                and isinstance(pending[0], Text)
                and pending[0].text.startswith(")")
            ):
                out[-1] = Text(_OPEN_PAREN.sub("", out[-1].text) + " ")
                pending[0] = Text(pending[0].text[1:])
        out.append(node)
    return out


def _separate_markers(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Two note markers at one place would read as one number ("¹⁰¹¹"): a superscript comma
    goes between them ("¹⁰,¹¹"), and the space between them goes."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Note):
            if len(out) >= 2 and isinstance(out[-1], Text) and not out[-1].text.strip() and isinstance(out[-2], Note):
                out.pop()
            if out and isinstance(out[-1], Note):
                out.append(Superscript(","))
        out.append(node)
    return tuple(out)


class _Resolver:
    def __init__(
        self, refs: dict[str, Reference], style: str, keep_notes: bool = True, suffixes: dict[str, str] | None = None
    ) -> None:
        self.refs = refs
        self.style = style
        self.keep_notes = keep_notes
        self.suffixes = suffixes or {}  # key -> "a", "b" for same author and year
        self.cited: list[str] = []
        self.previous_note_key: str | None = None

    def _record(self, key: str) -> bool:
        first = key not in self.cited
        if first:
            self.cited.append(key)
        return first

    def citation(self, cit: Citation, in_note: bool, as_noun: bool = False, in_parens: bool = False) -> list[Inline]:
        if self.style == "none":
            for item in cit.items:
                self._record(item.key)
            # "As @doe2020 argues" and "see [@doe2020]" keep the names; other bracketed citations vanish
            if cit.narrative or as_noun:
                return authors_inlines([self.refs[item.key] for item in cit.items])
            return []
        if self.style == "author-date" or (cit.narrative and self.style != "notes"):
            return self._author_date(cit, in_parens)
        # notes: one note per citation, or inline note text when already inside a note
        parts: list[Inline] = []
        for n, item in enumerate(cit.items):
            ref = self.refs[item.key]
            first = self._record(item.key)
            if item.prefix:
                parts.append(Text(item.prefix[0].upper() + item.prefix[1:] + " " if n == 0 else item.prefix + " "))
            if not first and self.previous_note_key == item.key and len(cit.items) == 1 and not in_note:
                loc = locator_text(item.locator)
                body: list[Inline] = [Text(f"Ibid., {loc}." if loc else "Ibid.")]
            else:
                body = full_note(ref, item.locator) if first else short_note(ref, item.locator)
            if n < len(cit.items) - 1 and body and isinstance(body[-1], Text):  # "…, 3; Roe, …": one note
                body[-1] = Text(re.sub(r"\.(”?)$", r"\1", body[-1].text) + "; ")
            parts.extend(body)
        self.previous_note_key = cit.items[0].key if len(cit.items) == 1 else None
        if in_note:  # a note cannot hold a note (Word refuses the file): the reference is written out here
            if cit.narrative and parts and isinstance(parts[-1], Text):
                parts[-1] = Text(parts[-1].text.removesuffix("."))  # "As <reference> shows": mid-sentence
            return parts
        if cit.narrative or as_noun:  # the names stay in the sentence, the reference goes to the note
            names = authors_inlines([self.refs[item.key] for item in cit.items])
            return [*names, Note((Paragraph(tuple(Parts().extend(parts).out)),))]
        return [Note((Paragraph(tuple(Parts().extend(parts).out)),))]

    def _author_date(self, cit: Citation, in_parens: bool = False) -> list[Inline]:
        p = Parts()
        for n, item in enumerate(cit.items):
            self._record(item.key)
            ref = self.refs[item.key]
            loc = locator_text(item.locator)
            date = (ref.year or "n.d.") + self.suffixes.get(item.key, "") + (f", {loc}" if loc else "")
            if cit.narrative:  # "Doe (2020)"; within the writer's own parentheses "(see Doe 2020)"
                return p.extend(author_inlines(ref)).text(f" {date}" if in_parens else f" ({date})").out
            p.text("(" if n == 0 else "; ").text(f"{item.prefix} " if item.prefix else "")
            if not item.suppress_author:
                p.extend(author_inlines(ref)).text(" ")
            p.text(date)
        return p.text(")").out

    def inlines(self, nodes: tuple[Inline, ...], in_note: bool = False) -> tuple[Inline, ...]:
        out: list[Inline] = []
        pending = _runs(nodes)
        while pending:
            node = pending.pop(0)
            if isinstance(node, Citation):
                before = out[-1].text if out and isinstance(out[-1], Text) else ""
                after = pending[0].text if pending and isinstance(pending[0], Text) else ""
                in_parens = "(" in before and ")" in after and before.rfind("(") > before.rfind(")")
                paired = len(pending) > 1 and isinstance(pending[1], Citation) and _PAIRED.fullmatch(after)
                as_noun = bool(_NOUN_AFTER.search(before) or paired)  # "see [@a]", "compare [@a] and [@b]"
                resolved = self.citation(node, in_note, as_noun, in_parens)
                if (not resolved or isinstance(resolved[0], Note)) and out and isinstance(out[-1], Text):
                    out[-1] = Text(out[-1].text.rstrip(" "))  # "text [@k]." -> "text." or "text.¹"
                if not resolved and pending and isinstance(pending[0], Text) and out:
                    # "works [@a], and" -> "works, and" but "agree [@a], [@b]." -> "agree."
                    pending[0] = Text(re.sub(r"^[,;]+(?=[.,;:!?)]|$)", "", pending[0].text))
                if resolved and isinstance(resolved[-1], Note) and pending and isinstance(pending[0], Text):
                    # a note marker goes after the punctuation that follows it, as Chicago has it
                    # ("… and Markey.¹⁰", the narrative's names staying before the stop)
                    m = re.match(r"^[.,;:!?]+", pending[0].text)
                    if m:
                        resolved.insert(len(resolved) - 1, Text(m.group(0)))
                        pending[0] = Text(pending[0].text[m.end() :])
                if (
                    in_note
                    and resolved
                    and isinstance(resolved[-1], Text)
                    and resolved[-1].text.endswith(".")
                    and pending
                    and isinstance(pending[0], Text)
                    and pending[0].text[:1] in ".,;:"
                ):
                    resolved[-1] = Text(resolved[-1].text[:-1])  # "…, 3." + "." -> "…, 3."
                out.extend(resolved)
            elif isinstance(node, Note):
                resolved_note = Note(self.blocks(node.blocks, in_note=True))  # citations in it still count
                if in_note:  # a note written inside a note: its text in parentheses, never a nested note
                    out.append(Text(f" ({blocks_text(resolved_note.blocks)})"))
                elif self.keep_notes:
                    out.append(resolved_note)
                if self.style == "notes":
                    self.previous_note_key = None
            else:  # emphasis, links, spans: their words, with citations in them resolved too
                out.append(self.within(node, in_note))
        return _separate_markers(
            tuple(Parts().extend([n for n in out if not (isinstance(n, Text) and not n.text)]).out)
        )

    def blocks(self, blocks: tuple[Block, ...], in_note: bool = False) -> tuple[Block, ...]:
        return tuple(self.within(block, in_note) for block in blocks)

    def within(self, node: Node, in_note: bool) -> Node:
        """The node with citations resolved in what it holds, in reading order."""
        return map_children(node, lambda s: self.inlines(s, in_note), lambda s: self.blocks(s, in_note))


def _cited_keys(tree: tuple[Block, ...]) -> list[str]:
    """Every key cited anywhere in a model tree, in reading order."""
    return query(lambda node: [item.key for item in node.items] if isinstance(node, Citation) else [], tree)


def _fill_lists(
    blocks: tuple[Block, ...],
    cited: list[str],
    refs: dict[str, Reference],
    style: str,
    suffixes: dict[str, str],
    form: str,
) -> tuple[Block, ...]:
    """Fill each list box (`::: bibliography`, `::: sources`) in the style's `bibliography` form.

    The box marks where the list goes and holds its heading; the style decides what it
    lists: `full` entries, short `sources` lines, or `none` (the box and heading vanish).
    """

    def filled(node: Node) -> Node | tuple[()]:
        if not (isinstance(node, Box) and set(node.classes) & set(LIST_BOXES)):
            return node
        if not cited or form == "none":
            return ()
        if form == "sources":
            items = tuple((Paragraph(tuple(source_line(r))),) for r in sorted_refs(cited, refs))
            return Box(node.classes, (*node.blocks, ListBlock(items)))
        author_date = style == "author-date"
        entries = tuple(
            Paragraph(
                tuple(bibliography_entry(r, author_date, suffixes.get(r.key, "") if author_date else "")),
                role="bibliography",
            )
            for r in sorted_refs(cited, refs)
        )
        return Box(node.classes, node.blocks + entries)

    return walk(filled, blocks)


class UnknownCitations(Exception):
    """Citations the loader never saw (a template wrote them) name keys no bibliography holds."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__(", ".join("@" + k for k in keys))
        self.keys = keys


def resolve_citations(
    doc: Document, refs: dict[str, Reference], style: str, keep_notes: bool = True, bibliography: str = "full"
) -> tuple[Document, list[str]]:
    """The document with citations resolved and list boxes filled, and the keys cited.

    `style`: notes | author-date | none. `keep_notes=False` drops explanatory notes too
    (a two-page note for ministers has none). `bibliography`: full | sources | none.
    """
    keys = _cited_keys(doc.blocks)
    unknown = [k for k in dict.fromkeys(keys) if k not in refs]
    if unknown:
        raise UnknownCitations(unknown)
    suffixes = year_suffixes(keys, refs) if style == "author-date" else {}
    resolver = _Resolver(refs, style, keep_notes, suffixes)
    blocks = resolver.blocks(doc.blocks)
    blocks = _fill_lists(blocks, resolver.cited, refs, style, suffixes, bibliography)
    return replace(doc, blocks=blocks), resolver.cited
