"""Citation styles: the one registry of them, and the interface they share.

A citation style is a module with a `CitationStyle` subclass: how a citation reads in
the text (a note, "(Zagorski 2009, 33)") and how a `::: bibliography` or `::: sources`
box lists the works cited. The citation stage (`cite.py`) finds the citations, reads
where each stands and places what the style returns; it names no style. A new style is
one module plus one line in `CITATION_STYLES`; the style key `citations` accepts exactly
these names and `none` (markers dropped, the lists in `DEFAULT_STYLE`). Styles are
imported only when used.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the style declaration reads this registry: nothing heavy is imported with it
    from ..bibliography import Reference
    from ..model import Citation, Inline


@dataclass(frozen=True)
class Place:
    """Where a citation stands, as the citation stage read it from the words around it."""

    in_note: bool = False  # inside a footnote, which cannot hold a note (Word refuses the file)
    as_noun: bool = False  # the sentence names the work: "see [@a]", "compare [@a] and [@b]"
    in_parens: bool = False  # within the writer's own parentheses: "(see [@a])"
    alone: bool = False  # the citation is all its paragraph says ("[@a]."): the reference is written out there


class CitationStyle(ABC):
    """One way of citing, made for one document: `refs` by key, and every key it cites in reading order."""

    def __init__(self, refs: dict[str, Reference], keys: list[str]) -> None:
        self.refs = refs

    @abstractmethod
    def citation(self, citation: Citation, place: Place) -> list[Inline]:
        """What stands in the text for one citation (notes among them), in reading order."""

    def note_placed(self) -> None:
        """An explanatory note stood between two citations (a notes style's "Ibid." no longer refers back)."""
        return None  # a style without state between citations has nothing to forget

    @abstractmethod
    def names(self, refs: list[Reference]) -> list[Inline]:
        """The works' authors as a sentence names them ("Doe and Roe"), when the markers are dropped."""

    @abstractmethod
    def entry(self, ref: Reference) -> list[Inline]:
        """One work's entry in a `::: bibliography` box."""

    @abstractmethod
    def source(self, ref: Reference) -> list[Inline]:
        """One work's short line in a `::: sources` box, for readers who want no scholarly apparatus."""

    @abstractmethod
    def listed(self, keys: list[str]) -> list[Reference]:
        """The works cited, in the order a list box gives them."""


@dataclass(frozen=True)
class Registered:
    name: str  # what the style key `citations` says
    module: str
    cls: str
    description: str


CITATION_STYLES: dict[str, Registered] = {
    s.name: s
    for s in (
        Registered(
            "notes",
            "briefgen.citestyles.chicago_notes",
            "ChicagoNotes",
            "Chicago notes and bibliography: a full note at first citation, a short one after, Ibid. for a repeat",
        ),
        Registered(
            "author-date",
            "briefgen.citestyles.chicago_author_date",
            "ChicagoAuthorDate",
            "Chicago author-date: (Zagorski 2009, 33) in the text, the year after the names in the list",
        ),
    )
}
NO_MARKERS = "none"  # the style key's value for no citation markers at all (the press brief)
DEFAULT_STYLE = "notes"  # the lists' style when the markers are dropped


def citation_style(name: str) -> type[CitationStyle]:
    """The style the style key names; `none` gives the default style, whose markers the citation stage drops."""
    registered = CITATION_STYLES[DEFAULT_STYLE if name == NO_MARKERS else name]
    style: type[CitationStyle] = getattr(import_module(registered.module), registered.cls)
    return style
