"""Chicago author-date (The Chicago Manual of Style, chapter 15): "(Zagorski 2009, 33)".

Works by the same author in the same year are told apart by a letter after the year
("2009a"), in the text and in the list, which puts the year after the names.
"""

from __future__ import annotations

from ..bibliography import Reference
from ..chicago import (
    Parts,
    author_inlines,
    bibliography_entry,
    joined,
    locator_text,
    short_author,
    term,
    year_suffixes,
)
from ..model import Citation, CiteItem, Inline
from . import Place
from .chicago_notes import Chicago


class ChicagoAuthorDate(Chicago):
    def __init__(self, refs: dict[str, Reference], keys: list[str]) -> None:
        super().__init__(refs, keys)
        self.suffixes = year_suffixes(keys, refs)  # key -> "a", "b" for same author and year

    def citation(self, citation: Citation, place: Place) -> list[Inline]:
        if citation.narrative or place.as_noun:  # "as Doe (2020) shows", "see the site and Hamm (2006)"
            return joined([self._named(item, place) for item in citation.items])
        p = Parts()
        for n, group in enumerate(self._by_author(citation.items)):
            item = group[0]
            p.text("(" if n == 0 else "; ").text(f"{item.prefix} " if item.prefix else "")
            if not item.suppress_author:
                p.extend(author_inlines(self.refs[item.key])).text(" ")
            with_pages = any(i.locator for i in group)  # "(Wong 1999a, 33; 1999b, 12)"
            p.text(("; " if with_pages else ", ").join(self._date(i) for i in group))
        return p.text(")").out

    def _by_author(self, items: tuple[CiteItem, ...]) -> list[list[CiteItem]]:
        """One author's works cited together share the name, in date order: "(Wong 1999a, 1999b; Doe 2020)"
        (Chicago 15.29); the authors stay in the writer's order. A prefix or a suppressed name stands alone."""
        groups: dict[str, list[CiteItem]] = {}
        for n, item in enumerate(items):
            alone = item.prefix or item.suppress_author
            groups.setdefault(f"#{n}" if alone else short_author(self.refs[item.key]), []).append(item)

        def dated(item: CiteItem) -> tuple[str, str]:
            return self.refs[item.key].year, self.suffixes.get(item.key, "")

        return [sorted(group, key=dated) for group in groups.values()]

    def _date(self, item: CiteItem) -> str:
        """ "2020", "2004a, 33", "n.d.": what follows the names."""
        loc = locator_text(item.locator)
        year = self.refs[item.key].year or term("no_date")
        return year + self.suffixes.get(item.key, "") + (f", {loc}" if loc else "")

    def _named(self, item: CiteItem, place: Place) -> list[Inline]:
        """A work the sentence names: "Doe (2020)"; within the writer's own parentheses "Doe 2020"."""
        p = Parts().text(f"{item.prefix} " if item.prefix else "")
        if not item.suppress_author:
            p.extend(author_inlines(self.refs[item.key])).text(" ")
        date = self._date(item)
        return p.text(date if place.in_parens else f"({date})").out

    def entry(self, ref: Reference) -> list[Inline]:
        return bibliography_entry(ref, True, self.suffixes.get(ref.key, ""))
