"""Chicago notes and bibliography (The Chicago Manual of Style, chapter 14).

A full note at a work's first citation, a short note after, "Ibid." for an immediate
repeat; a citation inside a note is written out there, as a note cannot hold a note.
The reference's wording is `chicago.py`'s.
"""

from __future__ import annotations

import re

from ..bibliography import Reference
from ..chicago import (
    Parts,
    authors_inlines,
    bibliography_entry,
    full_note,
    locator_text,
    short_note,
    sorted_refs,
    source_line,
    term,
)
from ..model import Citation, Inline, Note, Paragraph, Text
from . import CitationStyle, Place


class Chicago(CitationStyle):
    """What both Chicago styles share: names in the text, the sources line and the list's order."""

    def names(self, refs: list[Reference]) -> list[Inline]:
        return authors_inlines(refs)

    def entry(self, ref: Reference) -> list[Inline]:
        return bibliography_entry(ref, False)

    def source(self, ref: Reference) -> list[Inline]:
        return source_line(ref)

    def listed(self, keys: list[str]) -> list[Reference]:
        return sorted_refs(keys, self.refs)


class ChicagoNotes(Chicago):
    def __init__(self, refs: dict[str, Reference], keys: list[str]) -> None:
        super().__init__(refs, keys)
        self.seen: set[str] = set()
        self.previous_note_key: str | None = None  # the work the last note cited alone: "Ibid." refers to it

    def note_placed(self) -> None:
        self.previous_note_key = None

    def citation(self, citation: Citation, place: Place) -> list[Inline]:
        """One note per citation, or the note's text in place when already inside a note."""
        parts: list[Inline] = []
        for n, item in enumerate(citation.items):
            ref = self.refs[item.key]
            first = item.key not in self.seen
            self.seen.add(item.key)
            if item.prefix:
                parts.append(Text(item.prefix[0].upper() + item.prefix[1:] + " " if n == 0 else item.prefix + " "))
            if not first and self.previous_note_key == item.key and len(citation.items) == 1 and not place.in_note:
                loc = locator_text(item.locator)
                ibid = term("ibid", capital=True)
                body: list[Inline] = [Text(f"{ibid}, {loc}." if loc else ibid + ("" if ibid.endswith(".") else "."))]
            else:
                body = full_note(ref, item.locator) if first else short_note(ref, item.locator)
            if n < len(citation.items) - 1 and body and isinstance(body[-1], Text):  # "…, 3; Roe, …": one note
                body[-1] = Text(re.sub(r"\.(”?)$", r"\1", body[-1].text) + "; ")
            parts.extend(body)
        self.previous_note_key = citation.items[0].key if len(citation.items) == 1 else None
        if (
            place.in_note or place.alone
        ):  # a note cannot hold a note (Word refuses the file); a lone marker says nothing
            if citation.narrative and parts and isinstance(parts[-1], Text):
                parts[-1] = Text(parts[-1].text.removesuffix("."))  # "As <reference> shows": mid-sentence
            return parts
        note = Note((Paragraph(tuple(Parts().extend(parts).out)),))
        if citation.narrative or place.as_noun:  # the names stay in the sentence, the reference goes to the note
            return [*self.names([self.refs[item.key] for item in citation.items]), note]
        return [note]
