"""Chicago author-date (The Chicago Manual of Style, chapter 15): "(Zagorski 2009, 33)".

Works by the same author in the same year are told apart by a letter after the year
("2009a"), in the text and in the list, which puts the year after the names.
"""

from __future__ import annotations

from ..bibliography import Reference
from ..chicago import Parts, author_inlines, bibliography_entry, locator_text, term, year_suffixes
from ..model import Citation, Inline
from . import Place
from .chicago_notes import Chicago


class ChicagoAuthorDate(Chicago):
    def __init__(self, refs: dict[str, Reference], keys: list[str]) -> None:
        super().__init__(refs, keys)
        self.suffixes = year_suffixes(keys, refs)  # key -> "a", "b" for same author and year

    def citation(self, citation: Citation, place: Place) -> list[Inline]:
        p = Parts()
        for n, item in enumerate(citation.items):
            ref = self.refs[item.key]
            loc = locator_text(item.locator)
            date = (ref.year or term("no_date")) + self.suffixes.get(item.key, "") + (f", {loc}" if loc else "")
            if citation.narrative:  # "Doe (2020)"; within the writer's own parentheses "(see Doe 2020)"
                return p.extend(author_inlines(ref)).text(f" {date}" if place.in_parens else f" ({date})").out
            p.text("(" if n == 0 else "; ").text(f"{item.prefix} " if item.prefix else "")
            if not item.suppress_author:
                p.extend(author_inlines(ref)).text(" ")
            p.text(date)
        return p.text(")").out

    def entry(self, ref: Reference) -> list[Inline]:
        return bibliography_entry(ref, True, self.suffixes.get(ref.key, ""))
