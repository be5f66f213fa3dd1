"""Stage 5: resolve citations in the document model for one citation style.

This stage finds the citations in reading order, groups runs of them, reads where each
stands (in a note, after "see", in parentheses) and places what the style returns, a
note's marker after the punctuation. What a citation and a list entry say is the style's
(`citestyles`: Chicago notes or author-date), or, for `none`, nothing but the names a
sentence needs (as the press gets). A `::: bibliography` box in a template is filled with
the works actually cited; `::: sources` gets a short list for readers who do not want a
scholarly apparatus.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .bibliography import Reference
from .chicago import Parts, terms_in
from .citestyles import NO_MARKERS, CitationStyle, Place, citation_style
from .design import LIST_BOXES
from .locales import base_language
from .model import (
    Block,
    Box,
    Branch,
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
# A bracketed citation after one of these words is the sentence's noun: "see [@a]", "and [@b]".
# English's words, and in the languages whose names do not decline the few that make a citation the
# sentence's noun: "and", "or", "see", "cf." ("voir [@a]", "[@a] und [@b]"). Russian and Kazakh decline
# names after a preposition ("в работе Загорского"): a name cannot stand there as the .bib has it.
_AND_OR = {"en": "and|or", "fr": "et|ou", "de": "und|oder", "es": "y|e|o|u", "it": "e|ed|o"}
_NOUN_WORDS = {
    "en": r"see|in|by|of|from|with|to|cf\.|also|e\.g\.,?|like|than",
    "fr": r"voir|cf\.|aussi|par|chez",
    "de": r"siehe|vgl\.|auch|bei",
    "es": r"véase|vea|cf\.|también",
    "it": r"vedi|cfr\.|anche",
}


def _paired(language: str) -> re.Pattern[str]:
    """ "[@a] and [@b]": the words between two citations that make both the sentence's nouns."""
    return re.compile(rf"\s+(?:{_AND_OR['en']}|{_AND_OR.get(language, _AND_OR['en'])})\s+")


def _noun_after(language: str) -> re.Pattern[str]:
    """ "see [@a]", "and [@b]": a bracketed citation after one of these words is the sentence's noun."""
    found = (_AND_OR["en"], _NOUN_WORDS["en"], _AND_OR.get(language, ""), _NOUN_WORDS.get(language, ""))
    words = "|".join(w for w in dict.fromkeys(found) if w)
    return re.compile(rf"(?:^|\s)(?:{words})\s*$", re.I)


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
                following = pending[gap] if len(pending) > gap else None
                if not (isinstance(following, Citation) and not following.narrative):
                    break
                items.extend(following.items)
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


def _only_citations(nodes: list[Inline]) -> bool:
    """Whether a paragraph says nothing but citations ("[@a]."): a lone note marker would say nothing."""
    return any(isinstance(n, Citation) for n in nodes) and all(
        isinstance(n, Citation) or (isinstance(n, Text) and _SEPARATOR.match(n.text.replace(".", ""))) for n in nodes
    )


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
    """Resolves citations in reading order: where each stands is read here, what it prints is the style's."""

    def __init__(
        self, style: CitationStyle, markers: bool = True, keep_notes: bool = True, language: str = "en"
    ) -> None:
        self.style = style
        self.paired, self.noun_after = _paired(base_language(language)), _noun_after(base_language(language))
        self.markers = markers  # False: the style key said `none`
        self.keep_notes = keep_notes
        self.cited: list[str] = []

    def citation(self, cit: Citation, place: Place) -> list[Inline]:
        for item in cit.items:
            if item.key not in self.cited:
                self.cited.append(item.key)
        if self.markers:
            return self.style.citation(cit, place)
        # "As @doe2020 argues", "see [@doe2020]" and a paragraph that is only "[@doe2020]." keep the names;
        # other bracketed citations vanish
        if cit.narrative or place.as_noun or place.alone:
            return self.style.names([self.style.refs[item.key] for item in cit.items])
        return []

    def inlines(self, nodes: tuple[Inline, ...], in_note: bool = False) -> tuple[Inline, ...]:
        out: list[Inline] = []
        pending = _runs(nodes)
        alone = not in_note and _only_citations(pending)
        while pending:
            node = pending.pop(0)
            if isinstance(node, Citation):
                out.extend(self._placed(node, out, pending, in_note, alone))
            elif isinstance(node, Note):
                resolved_note = Note(self.blocks(node.blocks, in_note=True))  # citations in it still count
                if in_note:  # a note written inside a note: its text in parentheses, never a nested note
                    out.append(Text(f" ({blocks_text(resolved_note.blocks)})"))
                elif self.keep_notes:
                    out.append(resolved_note)
                self.style.note_placed()
            else:  # emphasis, links, spans: their words, with citations in them resolved too
                out.append(self.within(node, in_note))
        return _separate_markers(
            tuple(Parts().extend([n for n in out if not (isinstance(n, Text) and not n.text)]).out)
        )

    def _placed(
        self, node: Citation, out: list[Inline], pending: list[Inline], in_note: bool, alone: bool
    ) -> list[Inline]:
        """What stands for one citation, read from the words around it; `out` and `pending` lose the
        punctuation the citation takes over (a note's marker goes after the stop)."""
        before = out[-1].text if out and isinstance(out[-1], Text) else ""
        after = pending[0].text if pending and isinstance(pending[0], Text) else ""
        in_parens = "(" in before and ")" in after and before.rfind("(") > before.rfind(")")
        paired = len(pending) > 1 and isinstance(pending[1], Citation) and self.paired.fullmatch(after)
        as_noun = bool(self.noun_after.search(before) or paired)  # "see [@a]", "compare [@a] and [@b]"
        resolved = self.citation(node, Place(in_note, as_noun, in_parens, alone))
        if (not resolved or isinstance(resolved[0], Note)) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text.rstrip(" "))  # "text [@k]." -> "text." or "text.¹"
            if re.match(r"[.,;:!?]", after) and out[-1].text.endswith((",", ";", ":")):
                # "BibTeX: [@a]." -> "BibTeX.¹": what the colon introduced went to the note
                out[-1] = Text(out[-1].text[:-1])
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
        last = resolved[-1] if resolved else None
        follows = pending[0].text[:1] if pending and isinstance(pending[0], Text) else ""
        if (in_note or alone) and isinstance(last, Text) and last.text.endswith(".") and follows and follows in ".,;:":
            resolved[-1] = Text(last.text[:-1])  # "…, 3." + "." -> "…, 3."
        return resolved

    def blocks(self, blocks: tuple[Block, ...], in_note: bool = False) -> tuple[Block, ...]:
        return tuple(self.within(block, in_note) for block in blocks)

    def within(self, node: Branch, in_note: bool) -> Branch:
        """The node with citations resolved in what it holds, in reading order."""
        return map_children(node, lambda s: self.inlines(s, in_note), lambda s: self.blocks(s, in_note))


def _cited_keys(tree: tuple[Block, ...]) -> list[str]:
    """Every key cited anywhere in a model tree, in reading order."""
    return query(lambda node: [item.key for item in node.items] if isinstance(node, Citation) else [], tree)


def _fill_lists(blocks: tuple[Block, ...], cited: list[str], style: CitationStyle, form: str) -> tuple[Block, ...]:
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
            items = tuple((Paragraph(tuple(style.source(r))),) for r in style.listed(cited))
            return Box(node.classes, (*node.blocks, ListBlock(items)))
        entries = tuple(Paragraph(tuple(style.entry(r)), role="bibliography") for r in style.listed(cited))
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

    `style`: a name in citestyles.CITATION_STYLES, or `none`. `keep_notes=False` drops explanatory notes too
    (a two-page note for ministers has none). `bibliography`: full | sources | none.
    """
    keys = _cited_keys(doc.blocks)
    unknown = [k for k in dict.fromkeys(keys) if k not in refs]
    if unknown:
        raise UnknownCitations(unknown)
    with terms_in(doc.meta.language):  # "Ibid.", "and", "ed." in the document's language
        citing = citation_style(style)(refs, keys)
        resolver = _Resolver(citing, style != NO_MARKERS, keep_notes, doc.meta.language)
        blocks = resolver.blocks(doc.blocks)
        blocks = _fill_lists(blocks, resolver.cited, citing, bibliography)
    return replace(doc, blocks=blocks), resolver.cited
