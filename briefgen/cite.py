"""Stage 5: resolve citations in the document model for one citation style.

`notes` (Chicago notes-bibliography: full note at first citation, short form
after, "Ibid." for a repeat), `author-date` ("(Zagorski 2009, 33)") or `none`
(markers dropped, as the press gets). A `::: bibliography` box in a template is
filled with the works actually cited, sorted by author; `::: sources` gets a
short list for readers who do not want a scholarly apparatus.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, fields, is_dataclass, replace

from .bibliography import Name, Reference
from .design import LIST_BOXES
from .model import Block, Box, Citation, Document, Emph, Inline, Link, ListBlock, Note, Paragraph, Text, blocks_text

# ---------------------------------------------------------------- names and pieces


def _given_family(n: Name) -> str:
    if n.corporate:
        return n.family
    return " ".join(p for p in (n.given, n.particle, n.family) for p in [p] if p) + (
        f", {n.suffix}" if n.suffix else ""
    )


def _family_given(n: Name) -> str:
    if n.corporate:
        return n.family
    fam = f"{n.particle} {n.family}".strip()
    return f"{fam}, {n.given}" if n.given else fam


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _family(n: Name) -> str:
    return n.family if n.corporate else f"{n.particle} {n.family}".strip()


def creators(ref: Reference) -> tuple[tuple[Name, ...], str]:
    if ref.authors:
        return ref.authors, ""
    if ref.editors:
        return ref.editors, "ed." if len(ref.editors) == 1 else "eds."
    return (), ""


def short_author(ref: Reference) -> str:
    names, _ = creators(ref)
    if not names:
        return _short_title(ref)
    fams = [_family(n) for n in names]
    if len(fams) >= 4:
        return f"{fams[0]} et al."
    return _join(fams)


def _short_title(ref: Reference) -> str:
    """Chicago short title: up to four words of the main title, no ellipsis."""
    title = re.split(r"[:.?!]\s", ref.title, maxsplit=1)[0]
    return " ".join(title.split()[:4]).rstrip(",;")


def _is_container_italic(ref: Reference) -> bool:
    return ref.kind not in ("book", "report", "techreport", "thesis", "phdthesis", "mastersthesis")


def _date_text(ref: Reference) -> str:
    if ref.month.isdigit() and 1 <= int(ref.month) <= 12:
        month = calendar.month_name[int(ref.month)]
        return f"{month} {int(ref.day)}, {ref.year}" if ref.day.isdigit() else f"{month} {ref.year}"
    return ref.year


def _locator(loc: str) -> str:
    """Chicago prints page locators bare: "p. 33" -> "33"; "ch. 2" stays."""
    return re.sub(r"^(pages|page|pp|p)\.?\s*", "", loc.strip()).replace("-", "–")


def _lower_first(text: str) -> str:
    """'Cited in …' -> 'cited in …' after a comma; acronyms ('OSCE …') keep their case."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _link(ref: Reference) -> list[Inline]:
    if ref.doi:
        url = f"https://doi.org/{ref.doi}"
        return [Link((Text(url),), url)]
    if ref.url:
        return [Link((Text(ref.url),), ref.url)]
    return []


def _title_quoted(ref: Reference) -> bool:
    return ref.kind in (
        "article",
        "incollection",
        "inproceedings",
        "inbook",
        "online",
        "misc",
        "www",
        "unpublished",
        "newspaper",
    ) and bool(ref.container or ref.kind in ("online", "misc", "www"))


@dataclass
class _Parts:
    """Builds a run of inlines, merging adjacent text."""

    out: list[Inline] = field(default_factory=list)

    def text(self, s: str) -> _Parts:
        if s:
            if self.out and isinstance(self.out[-1], Text):
                self.out[-1] = Text(self.out[-1].text + s)
            else:
                self.out.append(Text(s))
        return self

    def emph(self, s: str) -> _Parts:
        if s:
            self.out.append(Emph((Text(s),)))
        return self

    def extend(self, nodes: list[Inline]) -> _Parts:
        for n in nodes:
            if isinstance(n, Text):
                self.text(n.text)
            else:
                self.out.append(n)
        return self


def _publication(ref: Reference) -> str:
    bits = ": ".join(b for b in (ref.place, ref.publisher or ref.institution) if b)
    return ", ".join(b for b in (bits, ref.year) if b)


def full_note(ref: Reference, locator: str) -> list[Inline]:
    """Chicago full note, e.g. Andrei Zagorski, "Title," *Journal* 20, no. 1 (2009): 3."""
    p = _Parts()
    names, role = creators(ref)
    if names:
        shown = [_given_family(n) for n in names]
        p.text((f"{shown[0]} et al." if len(shown) >= 4 else _join(shown)) + (f", {role}" if role else "") + ", ")
    loc = _locator(locator)
    if _title_quoted(ref):
        p.text(f"“{ref.title},” ")
        if ref.kind in ("incollection", "inproceedings", "inbook"):
            p.text("in ").emph(ref.container)
            if ref.editors:
                p.text(", ed. " + _join([_given_family(n) for n in ref.editors]))
            if ref.series:
                p.text(", " + ref.series + (f" {ref.number}" if ref.number else ""))
            pub = _publication(ref)
            p.text(f" ({pub})" if pub else "")
            p.text(f", {loc or ref.pages}" if (loc or ref.pages) else "")
        elif ref.kind == "article":
            p.emph(ref.container)
            p.text(f" {ref.volume}" if ref.volume else "")
            p.text(f", no. {ref.number}" if ref.number else "")
            p.text(f" ({_date_text(ref)})" if ref.year else "")
            p.text(f": {loc or ref.pages}" if (loc or ref.pages) else "")
        else:
            if ref.container:
                p.emph(ref.container)
            rest = [x for x in (_date_text(ref), loc) if x]
            if rest:
                p.text((", " if ref.container else "") + ", ".join(rest))
    else:
        p.emph(ref.title)
        pub = _publication(ref)
        p.text(f" ({pub})" if pub else "")
        p.text(f", {loc}" if loc else "")
    if ref.note:
        p.text(f", {_lower_first(ref.note)}")
    _tidy(p.out)
    link = _link(ref)
    if link:
        p.text(", " if not _ends_with(p.out, ", ") else "").extend(link)
    p.text(".")
    return _tidy(p.out)


def _ends_with(out: list[Inline], suffix: str) -> bool:
    return bool(out) and isinstance(out[-1], Text) and out[-1].text.endswith(suffix)


def _tidy(out: list[Inline]) -> list[Inline]:
    """Collapse doubled spaces and punctuation left by empty fields."""
    for i, node in enumerate(out):
        if isinstance(node, Text):
            text = re.sub(r"\s{2,}", " ", node.text)
            text = re.sub(r",\s*,", ",", text).replace(",.", ".").replace("..", ".").replace(" .", ".")
            out[i] = Text(text.lstrip() if i == 0 else text)
    return out


def short_note(ref: Reference, locator: str) -> list[Inline]:
    p = _Parts()
    names, _ = creators(ref)
    if names:
        p.text(short_author(ref) + ", ")
    title = _short_title(ref)
    loc = _locator(locator)
    if _title_quoted(ref):
        p.text(f"“{title},” {loc}." if loc else f"“{title}.”")
    else:
        p.emph(title)
        p.text(f", {loc}." if loc else ".")
    return p.out


def bibliography_entry(ref: Reference, author_date: bool, suffix: str = "") -> list[Inline]:
    """Chicago bibliography entry; author-date puts the year after the names."""
    p = _Parts()
    names, role = creators(ref)
    if names:
        shown = [_family_given(names[0])] + [_given_family(n) for n in names[1:]]
        head = (f"{shown[0]} et al." if len(shown) > 10 else _join(shown)) + (f", {role}" if role else "")
        p.text(head if head.endswith(".") else head + ".")
    anonymous_first = author_date and not names
    if anonymous_first:  # "“Title.” 2007. …": the title takes the author's place
        if _title_quoted(ref):
            p.text(f"“{ref.title}.”")
        else:
            p.emph(ref.title)
            p.text(".")
    if author_date:
        p.text(f" {ref.year or 'n.d.'}{suffix}.")
    p.text(" " if names or author_date else "")
    if anonymous_first:
        pass  # the title is already printed
    elif _title_quoted(ref):
        p.text(f"“{ref.title}.” ")
        if ref.kind in ("incollection", "inproceedings", "inbook"):
            p.text("In ").emph(ref.container)
            if ref.editors:
                p.text(", edited by " + _join([_given_family(n) for n in ref.editors]))
            p.text(f", {ref.pages}" if ref.pages else "")
            p.text(". ")
            if ref.series:
                p.text(ref.series + (f" {ref.number}" if ref.number else "") + ". ")
            pub = ": ".join(b for b in (ref.place, ref.publisher or ref.institution) if b)
            p.text(pub + (", " if pub and not author_date else "") + ("" if author_date else ref.year) + ".")
        elif ref.kind == "article":
            p.emph(ref.container)
            p.text(f" {ref.volume}" if ref.volume else "")
            p.text(f", no. {ref.number}" if ref.number else "")
            if not author_date:
                p.text(f" ({_date_text(ref)})" if ref.year else "")
            p.text(f": {ref.pages}." if ref.pages else ".")
        else:
            if ref.container:
                p.emph(ref.container)
                p.text(". ")
            date = _date_text(ref)
            if date and (not author_date or date != ref.year):
                p.text(f"{date}.")
    else:
        if not anonymous_first:
            p.emph(ref.title)
            p.text(". ")
        pub = ": ".join(b for b in (ref.place, ref.publisher or ref.institution) if b)
        tail = ", ".join(b for b in (pub, "" if author_date else ref.year) if b)
        p.text(tail + "." if tail else "")
    if ref.note:
        p.text(f" {ref.note}.")
    link = _link(ref)
    if link:
        p.text(" ").extend(link).text(".")
    out = _tidy(p.out)
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip())
    return out


def source_line(ref: Reference) -> list[Inline]:
    """Press "Sources": who, what, when, and where to read it."""
    p = _Parts()
    who = short_author(ref) if creators(ref)[0] else ""
    p.text(f"{who}, " if who else "")
    p.text(f"“{ref.title}”")
    where = ref.container if _title_quoted(ref) else ref.publisher
    p.text(f", {where}" if where else "").text(f" ({ref.year})" if ref.year else "")
    link = _link(ref)
    if link:
        p.text(". ").extend(link)
    p.text(".")
    return p.out


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
                loc = _locator(item.locator)
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
            return [Text(names), Note((Paragraph(tuple(_Parts().extend(parts).out)),))]
        return [Note((Paragraph(tuple(_Parts().extend(parts).out)),))]

    def _author_date(self, cit: Citation) -> list[Inline]:
        bits = []
        for item in cit.items:
            self._record(item.key)
            ref = self.refs[item.key]
            loc = _locator(item.locator)
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
        return tuple(_Parts().extend([n for n in out if not (isinstance(n, Text) and not n.text)]).out)

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


def _sorted_refs(keys: list[str], refs: dict[str, Reference]) -> list[Reference]:
    def key(ref: Reference) -> tuple[str, str, str]:
        names, _ = creators(ref)
        first = names[0].sort_key if names else ref.title.casefold()
        return (first, ref.year, ref.title.casefold())

    return sorted((refs[k] for k in keys), key=key)


def _year_suffixes(keys: list[str], refs: dict[str, Reference]) -> dict[str, str]:
    """Author-date needs "2004a", "2004b" when one author has two works of a year."""
    groups: dict[tuple[str, str], list[Reference]] = {}
    for key in dict.fromkeys(keys):
        ref = refs[key]
        groups.setdefault((short_author(ref), ref.year), []).append(ref)
    out = {}
    for same in groups.values():
        if len(same) > 1:
            for i, ref in enumerate(sorted(same, key=lambda r: r.title.casefold())):
                out[ref.key] = "abcdefghijklmnopqrstuvwxyz"[i % 26]
    return out


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
                items = tuple((Paragraph(tuple(source_line(r))),) for r in _sorted_refs(cited, refs))
                out.append(Box(block.classes, (*block.blocks, ListBlock(items))))
                continue
            author_date = style == "author-date"
            entries = tuple(
                Paragraph(
                    tuple(bibliography_entry(r, author_date, suffixes.get(r.key, "") if author_date else "")),
                    role="bibliography",
                )
                for r in _sorted_refs(cited, refs)
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
    suffixes = _year_suffixes(_cited_keys(doc.blocks), refs) if style == "author-date" else {}
    resolver = _Resolver(refs, style, keep_notes, suffixes)
    blocks = resolver.blocks(doc.blocks)
    blocks = _fill_lists(blocks, resolver.cited, refs, style, suffixes, bibliography)
    return replace(doc, blocks=blocks), resolver.cited
