"""Stage 5: resolve citations in the document model for one citation style.

`notes` (Chicago notes-bibliography: full note at first citation, short form
after, "Ibid." for a repeat), `author-date` ("(Zagorski 2009, 33)") or `none`
(markers dropped, as the press gets). A `::: bibliography` box in a template is
filled with the works actually cited, sorted by author; `::: sources` gets a
short list for readers who do not want a scholarly apparatus.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace

from .bibliography import Reference
from .chicago import (
    Parts,
    bibliography_entry,
    full_note,
    locator_text,
    short_author,
    short_note,
    sorted_refs,
    source_line,
    year_suffixes,
)
from .design import LIST_BOXES
from .model import Block, Box, Citation, Document, Inline, ListBlock, Note, Paragraph, Text, blocks_text

# ---------------------------------------------------------------- the walk


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

    def citation(self, cit: Citation, in_note: bool) -> list[Inline]:
        if self.style == "none":
            for item in cit.items:
                self._record(item.key)
            # "As @doe2020 argues" keeps the name; bracketed citations vanish
            return [Text(short_author(self.refs[cit.items[0].key]))] if cit.narrative else []
        if self.style == "author-date" or (cit.narrative and self.style != "notes"):
            return self._author_date(cit)
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
            if n < len(cit.items) - 1 and body and isinstance(body[-1], Text):
                body[-1] = Text(body[-1].text.rstrip(".") + "; ")
            parts.extend(body)
        self.previous_note_key = cit.items[0].key if len(cit.items) == 1 else None
        if in_note:  # a note cannot hold a note (Word refuses the file): the reference is written out here
            if cit.narrative and parts and isinstance(parts[-1], Text):
                parts[-1] = Text(parts[-1].text.removesuffix("."))  # "As <reference> shows": mid-sentence
            return parts
        if cit.narrative:
            names = short_author(self.refs[cit.items[0].key])
            return [Text(names), Note((Paragraph(tuple(Parts().extend(parts).out)),))]
        return [Note((Paragraph(tuple(Parts().extend(parts).out)),))]

    def _author_date(self, cit: Citation) -> list[Inline]:
        bits = []
        for item in cit.items:
            self._record(item.key)
            ref = self.refs[item.key]
            loc = locator_text(item.locator)
            year = (ref.year or "n.d.") + self.suffixes.get(item.key, "")
            if cit.narrative:
                return [Text(f"{short_author(ref)} ({year}{', ' + loc if loc else ''})")]
            who = "" if item.suppress_author else short_author(ref) + " "
            bits.append(f"{item.prefix + ' ' if item.prefix else ''}{who}{year}{', ' + loc if loc else ''}")
        return [Text("(" + "; ".join(bits) + ")")]

    def inlines(self, nodes: tuple[Inline, ...], in_note: bool = False) -> tuple[Inline, ...]:
        out: list[Inline] = []
        pending = list(nodes)
        while pending:
            node = pending.pop(0)
            if isinstance(node, Citation):
                resolved = self.citation(node, in_note)
                if (not resolved or isinstance(resolved[0], Note)) and out and isinstance(out[-1], Text):
                    out[-1] = Text(out[-1].text.rstrip(" "))  # "text [@k]." -> "text." or "text.¹"
                if resolved and isinstance(resolved[0], Note) and pending and isinstance(pending[0], Text):
                    # a note marker goes after the punctuation that follows it, as Chicago has it
                    m = re.match(r"^[.,;:!?]+", pending[0].text)
                    if m:
                        out.append(Text(m.group(0)))
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
            elif is_dataclass(node) and hasattr(node, "children"):
                out.append(replace(node, children=self.inlines(node.children, in_note)))
            else:
                out.append(node)
        return tuple(Parts().extend([n for n in out if not (isinstance(n, Text) and not n.text)]).out)

    def blocks(self, blocks: tuple[Block, ...], in_note: bool = False) -> tuple[Block, ...]:
        out: list[Block] = []
        for block in blocks:
            changes = {}
            for f in fields(block):
                value = getattr(block, f.name)
                if f.name == "children":
                    changes[f.name] = self.inlines(value, in_note)
                elif f.name == "blocks":
                    changes[f.name] = self.blocks(value, in_note)
                elif f.name == "items":
                    changes[f.name] = tuple(self.blocks(item, in_note) for item in value)
                elif f.name in ("header",):
                    changes[f.name] = tuple(self.inlines(c, in_note) for c in value)
                elif f.name == "rows":
                    changes[f.name] = tuple(tuple(self.inlines(c, in_note) for c in row) for row in value)
            out.append(replace(block, **changes) if changes else block)
        return tuple(out)


def _cited_keys(node: object) -> list[str]:
    """Every key cited anywhere in a model tree, in reading order."""
    if isinstance(node, Citation):
        return [item.key for item in node.items]
    if isinstance(node, tuple):
        return [k for child in node for k in _cited_keys(child)]
    if is_dataclass(node):
        return [k for f in fields(node) for k in _cited_keys(getattr(node, f.name))]
    return []


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
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Box) and set(block.classes) & set(LIST_BOXES):
            if not cited or form == "none":
                continue
            if form == "sources":
                items = tuple((Paragraph(tuple(source_line(r))),) for r in sorted_refs(cited, refs))
                out.append(Box(block.classes, (*block.blocks, ListBlock(items))))
                continue
            author_date = style == "author-date"
            entries = tuple(
                Paragraph(
                    tuple(bibliography_entry(r, author_date, suffixes.get(r.key, "") if author_date else "")),
                    role="bibliography",
                )
                for r in sorted_refs(cited, refs)
            )
            out.append(Box(block.classes, block.blocks + entries))
            continue
        if isinstance(block, Box):
            block = replace(block, blocks=_fill_lists(block.blocks, cited, refs, style, suffixes, form))
        out.append(block)
    return tuple(out)


def resolve_citations(
    doc: Document, refs: dict[str, Reference], style: str, keep_notes: bool = True, bibliography: str = "full"
) -> tuple[Document, list[str]]:
    """The document with citations resolved and list boxes filled, and the keys cited.

    `style`: notes | author-date | none. `keep_notes=False` drops explanatory notes too
    (a two-page note for ministers has none). `bibliography`: full | sources | none.
    """
    suffixes = year_suffixes(_cited_keys(doc.blocks), refs) if style == "author-date" else {}
    resolver = _Resolver(refs, style, keep_notes, suffixes)
    blocks = resolver.blocks(doc.blocks)
    blocks = _fill_lists(blocks, resolver.cited, refs, style, suffixes, bibliography)
    return replace(doc, blocks=blocks), resolver.cited
