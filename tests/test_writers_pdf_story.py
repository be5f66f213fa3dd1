"""The PDF story is made as reportlab lays it out, a few blocks ahead, not whole before it.

Made whole, a long brief's flowables were the PDF writer's largest holding (22 MB at x50).
`Story` tops itself up as reportlab takes from it; these tests pin that it holds only a
window of flowables, and that the window changes nothing: the same document laid out from
the smallest window and from the whole list gives the same bytes, including runs of
headings kept with what follows longer than the window, notes, lists, tables and boxes.
"""

from __future__ import annotations

import pytest

from briefgen.design import theme
from briefgen.markdown import parse_markdown
from briefgen.model import Document, Metadata
from briefgen.style import Style
from briefgen.writers import Assets
from briefgen.writers.pdf import Story, write
from briefgen.writers.pdf.pages import DocTemplate


def _document(markdown: str) -> Document:
    return Document(Metadata(title="Story", audience="practitioner"), parse_markdown(markdown))


def _mixed(copies: int) -> str:
    """Headings under headings (each kept with the next), notes, a list, a table and a card, `copies` times."""
    part = (
        "# Part {n}\n\n## Section {n}\n\n### Subsection {n}\n\n#### Point {n}\n\n"
        "A paragraph citing a note.^[The note of part {n}, long enough to wrap: " + "words " * 30 + "]\n\n"
        "- first item of {n}\n- second item of {n}\n\n"
        "| a | b |\n|---|---|\n| {n} | x |\n| {n} | y |\n\n"
        "::: card high\n### C-{n} · A card\n\n**Priority:** High\n\nIts text, " + "more words " * 20 + "\n:::\n\n"
    )
    return "".join(part.format(n=n) for n in range(copies))


def test_reportlab_starts_laying_out_before_the_whole_story_is_made(monkeypatch) -> None:
    seen: list[int] = []
    handle = DocTemplate.handle_flowable

    def first_look(self, flowables):
        seen.append(len(flowables))
        return handle(self, flowables)

    monkeypatch.setattr(DocTemplate, "handle_flowable", first_look)
    paragraphs = "\n\n".join(f"Paragraph {i} of a long brief." for i in range(400))
    write(_document(paragraphs), theme(Style()), Assets())
    assert seen[0] < 2 * Story.AHEAD, seen[:3]  # the whole story: 400 paragraphs and more


@pytest.mark.parametrize("ahead", [1, 3])
def test_the_bytes_do_not_depend_on_how_far_ahead_the_story_is_made(monkeypatch, ahead: int) -> None:
    doc, design = _document(_mixed(12) + "\n\n".join(["# Heading"] * (3 * Story.AHEAD))), theme(Style())
    monkeypatch.setattr(Story, "AHEAD", 10**9)  # the whole list before layout, as before
    whole = write(doc, design, Assets())
    monkeypatch.setattr(Story, "AHEAD", ahead)
    windowed = write(doc, design, Assets())
    assert windowed.data == whole.data
    assert (windowed.pages, windowed.notes) == (whole.pages, whole.notes)


def test_the_story_never_ends_on_a_flowable_kept_with_the_next(monkeypatch) -> None:
    """reportlab's look-ahead (handle_keepWithNext) needs a run kept with the next, and the one after it."""
    from reportlab.platypus import Spacer

    monkeypatch.setattr(Story, "AHEAD", 2)

    def spacer(keep: bool) -> Spacer:
        made = Spacer(1, 1)
        made.keepWithNext = keep
        return made

    parts = [[spacer(True)] for _ in range(10)] + [[spacer(False)], [spacer(False)]]
    story = Story(iter(parts))
    assert len(story) >= 11 and not story[-1].getKeepWithNext()
    while story:
        assert not story[-1].getKeepWithNext()
        del story[0]
