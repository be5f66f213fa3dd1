"""Citation styles are plug-ins: a module with a CitationStyle, one line in the registry."""

from __future__ import annotations

import pytest

from briefgen import citestyles
from briefgen.bibliography import Reference, parse_bibtex
from briefgen.cite import resolve_citations
from briefgen.citestyles import CITATION_STYLES, CitationStyle, Place, Registered, citation_style
from briefgen.citestyles.chicago_author_date import ChicagoAuthorDate
from briefgen.citestyles.chicago_notes import ChicagoNotes
from briefgen.model import Box, Citation, CiteItem, Document, Heading, Inline, Metadata, Paragraph, Text, plain_text
from briefgen.style import style_schema

from helpers_briefs import REFERENCES_BIB


class Numbered(CitationStyle):
    """A toy numeric style ("[1]"), defined outside briefgen: the citation stage must need no edit for it."""

    def __init__(self, refs: dict[str, Reference], keys: list[str]) -> None:
        super().__init__(refs, keys)
        self.numbers = {key: n for n, key in enumerate(dict.fromkeys(keys), 1)}

    def citation(self, citation: Citation, place: Place) -> list[Inline]:
        return [Text("[" + ", ".join(str(self.numbers[i.key]) for i in citation.items) + "]")]

    def names(self, refs: list[Reference]) -> list[Inline]:
        return [Text(" and ".join(r.key for r in refs))]

    def entry(self, ref: Reference) -> list[Inline]:
        return [Text(f"[{self.numbers[ref.key]}] {ref.key}")]

    def source(self, ref: Reference) -> list[Inline]:
        return [Text(ref.key)]

    def listed(self, keys: list[str]) -> list[Reference]:
        return [self.refs[k] for k in keys]


@pytest.fixture
def refs():
    return parse_bibtex(REFERENCES_BIB)


def test_the_two_chicago_styles_are_registered_under_the_names_styles_use():
    assert list(CITATION_STYLES) == ["notes", "author-date"]
    assert citation_style("notes") is ChicagoNotes and citation_style("author-date") is ChicagoAuthorDate
    assert citation_style("none") is ChicagoNotes  # markers dropped; the lists as in notes-bibliography
    assert style_schema()["properties"]["citations"]["enum"] == ["notes", "author-date", "none"]


def test_a_new_style_is_one_class_and_one_registry_line(refs, monkeypatch):
    monkeypatch.setitem(CITATION_STYLES, "numbered", Registered("numbered", __name__, "Numbered", "[1]"))
    cite = Citation((CiteItem("roe2019"),))
    doc = Document(
        Metadata("Brief"),
        (
            Paragraph((Text("A"), cite, Text(". B"), Citation((CiteItem("doe2020"), CiteItem("roe2019"))), Text("."))),
            Box(("bibliography",), (Heading(1, (Text("References"),)),)),
        ),
    )

    out, cited = resolve_citations(doc, refs, "numbered")

    assert plain_text(out.blocks[0].children) == "A[1]. B[2, 1]."
    assert [plain_text(p.children) for p in out.blocks[1].blocks[1:]] == ["[1] roe2019", "[2] doe2020"]
    assert cited == ["roe2019", "doe2020"]


def test_an_abstract_style_cannot_be_made():
    with pytest.raises(TypeError, match="abstract"):
        citestyles.CitationStyle({}, [])  # type: ignore[abstract]
