"""PDF writer: the document model -> a typeset PDF with reportlab's platypus.

Fonts are the bundled Noto TTFs (embedded, subset); the first page carries a
title band; every page a footer with "page X of Y"; headings become the PDF
outline; notes become footnotes at the foot of the page that cites them.

Modules: `styles` (theme -> paragraph styles, fonts), `body` (blocks -> flowables),
`footnotes` (the note-reserving frame), `pages` (band, header, footer, canvas),
`tags` (marked content while drawing) and `structure` (the tagged PDF's structure tree),
`rlhooks` (the only code touching reportlab internals).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, PageTemplate, Paragraph

from ...design import Theme
from ...model import Document
from .. import Artifact, Assets
from ..common import byline, meta_author, release_epoch
from .body import Builder
from .budget import LAYOUT_SECONDS, LayoutFailed, OutOfTime, failure, layout_budget
from .footnotes import FlushNotes, FootnoteFrame, TaggedParagraph
from .glyphs import Glyphs
from .pages import DocTemplate, NumberedCanvas, PageDecorations
from .rlhooks import fix_creation_date, keep_callbacks_in_shaped_words
from .structure import finish
from .styles import face_name, register_fonts, role_font
from .tags import StructTree

MEDIA_TYPE = "application/pdf"
__all__ = ["LAYOUT_SECONDS", "MEDIA_TYPE", "LayoutFailed", "write"]


PRELOADED_FACES = ("Regular", "Bold", "Italic")  # not BoldItalic: see `preload`


def preload(themes: list[Theme]) -> None:
    """What every PDF loads once (fonts mapped, their coverage read), and the faces of the families
    the text of documents in `themes` is set in, parsed: before a pool forks, so no worker parses
    them again.

    Regular, bold and italic only: bold italic (emphasis inside strong text or a heading) is rare,
    and a face parsed here is held by every worker whether drawn or not (~1.9 MB each: the two
    bold italics were 3.8 MB of each process at x50, where no output draws one). A worker that
    draws it parses it then (rlhooks.register_font_lazily), as a process with no pool does.
    """
    register_fonts()
    keep_callbacks_in_shaped_words()
    Glyphs()
    families = {r.family for t in themes for r in (t.body, *t.headings, t.title, t.byline, t.running)}
    for name in sorted(face_name(family, face) for family in families for face in PRELOADED_FACES):
        pdfmetrics.getFont(name)


def write(doc: Document, theme: Theme, assets: Assets, *, layout_seconds: float = LAYOUT_SECONDS) -> Artifact:
    """Typeset the document; the same model, theme and assets always give the same bytes.

    Layout stops after `layout_seconds` with a `LayoutFailed` naming what it was laying out,
    as it does for something no page can hold (budget.py).
    """
    register_fonts()
    keep_callbacks_in_shaped_words()
    page_size = A4 if theme.page_size == "A4" else LETTER
    margins = tuple(m * mm for m in theme.margins)
    width = page_size[0] - margins[1] - margins[3]
    glyphs = Glyphs(assets.fonts)
    tree = StructTree()  # filled in reading order: the title band, the byline, the body
    pages = PageDecorations(doc.meta, theme, page_size, margins, assets.logo, glyphs, tree, assets.logo_alt)
    builder = Builder(theme, width, glyphs, tree, doc.meta.language)
    story = _story(doc, builder, glyphs)
    buf = io.BytesIO()
    meta, epoch = doc.meta, release_epoch(doc.meta)
    template = _document_template(buf, meta, theme, page_size, margins)
    template.addPageTemplates(_page_templates(theme, pages, page_size, margins))
    made: list[NumberedCanvas] = []

    def make_canvas(*args, **kwargs) -> NumberedCanvas:
        canv = NumberedCanvas(*args, footer=pages.footer, tree=tree, **kwargs)
        fix_creation_date(canv, epoch)
        canv.setPageCompression(1)
        made.append(canv)
        return canv

    template.audience, template.layout_seconds = meta.audience, layout_seconds
    with layout_budget(layout_seconds):
        try:
            template.build(story, canvasmaker=make_canvas)
        except OutOfTime:  # outside any one flowable (a page's notes, the last page)
            raise failure(meta.audience, f"the document took longer than {layout_seconds:g} s to lay out") from None
    data = finish(buf.getvalue(), tree, meta, epoch)
    return Artifact(
        data, MEDIA_TYPE, pages=made[-1].pages, notes=builder.note_count, warnings=glyphs.report(doc, theme)
    )


def _story(doc: Document, builder: Builder, glyphs: Glyphs) -> Story:
    """What is laid out, in reading order: the byline, the body, then the notes still to print."""

    def parts() -> Iterator[list[Flowable]]:
        meta_line = byline(doc.meta)
        if meta_line:
            line = TaggedParagraph(*glyphs.fit(escape(meta_line), builder.s.byline))
            line.struct = builder.element("P")
            yield [line]
        yield from builder.each_block(doc.blocks)
        yield [FlushNotes()]

    return Story(parts())


class Story(list):
    """The flowables reportlab lays out, made a few blocks ahead of it rather than all at once.

    reportlab takes the story as a list it consumes from the front. Made whole, a long brief's
    flowables (each paragraph's parsed markup) were its PDF's largest holding: 22 MB at x50,
    freed page by page as layout went but never given back, so the structure tree was then
    written on top of them. Here the list is topped up whenever reportlab removes from it, to
    at least `AHEAD` flowables and never ending on one kept with the next, so reportlab's only
    look ahead (`handle_keepWithNext`: a run kept with the next, and the next) sees what it
    would in the whole list; a block is made before the one above it is placed (a heading
    under another changes the hint of the one above). Same flowables, same order, same bytes.
    """

    AHEAD = 32

    def __init__(self, parts: Iterator[list[Flowable]]) -> None:
        super().__init__()
        self._parts: Iterator[list[Flowable]] | None = parts
        self._top_up()

    def _top_up(self) -> None:
        while self._parts is not None and (len(self) < self.AHEAD or (self and self[-1].getKeepWithNext())):
            made = next(self._parts, None)
            if made is None:
                self._parts = None
            else:
                self.extend(made)

    def __delitem__(self, index) -> None:  # reportlab: `del flowables[0]`, `del flowables[:i]`
        super().__delitem__(index)
        self._top_up()

    def __setitem__(self, index, value) -> None:  # `flowables[i : i + 1] = parts` (pages.DocTemplate)
        super().__setitem__(index, value)
        self._top_up()

    def pop(self, index=-1):
        taken = super().pop(index)
        self._top_up()
        return taken

    def remove(self, value) -> None:
        super().remove(value)
        self._top_up()


def _document_template(buf: io.BytesIO, meta, theme: Theme, page_size, margins) -> DocTemplate:
    """The document with its metadata; nothing in it depends on the clock (`invariant`)."""
    top, right, bottom, left = margins
    return DocTemplate(
        buf,
        pagesize=page_size,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=meta.title,
        author=meta_author(meta),
        subject=meta.subtitle or meta.title,
        keywords=", ".join(meta.keywords),
        creator="briefgen",
        producer="briefgen (reportlab)",
        lang=meta.language,
        displayDocTitle=1,
        invariant=1,  # no clock or random ids in the file
        initialFontName=role_font(theme.body),  # no stray unembedded Helvetica
        initialFontSize=theme.body.size,
    )


def _page_templates(theme: Theme, pages: PageDecorations, page_size, margins) -> list[PageTemplate]:
    """The first page (below the title band) and the later ones, each one frame with room kept for notes."""
    top, right, bottom, left = margins
    width, height = page_size[0] - left - right, page_size[1]
    carry: list[Paragraph] = []  # a note split over pages: shared by both frames
    frame_kwargs = dict(
        carry=carry,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        note_width=width,
        separator=theme.body.size * 1.1,
    )
    first = FootnoteFrame(left, bottom, width, height - bottom - pages.band_height - 7 * mm, id="first", **frame_kwargs)
    later = FootnoteFrame(left, bottom, width, height - top - bottom, id="body", **frame_kwargs)
    return [
        PageTemplate(
            id="First",
            frames=[first],
            onPage=pages.first_page,
            onPageEnd=pages.page_end,
            autoNextPageTemplate="Later",
        ),
        PageTemplate(id="Later", frames=[later], onPage=pages.later_page, onPageEnd=pages.page_end),
    ]
