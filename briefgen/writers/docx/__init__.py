"""DOCX writer: the document model -> a Word document with real Word styles.

Headings use Heading 1-4, lists Word numbering (ordered lists restart), notes are
real footnotes (`word/footnotes.xml`), boxes and cards are paragraphs framed by their own Word
style ("Card High", "Key Messages": a bar as the left border, a shading), so they split across
pages like text and a reference.docx restyles them.
Styles come from a reference document, as with pandoc: the packaged one restyled
from the audience's theme, or the audience's own `reference.docx` kept as it is.

Modules: `styles` (theme -> Word styles), `body` (blocks -> paragraphs, tables,
footnotes), `page` (page set-up, header, footer, title band, properties),
`fonts` (the bundled fonts embedded, subset, so the document looks the same
everywhere), `ooxml` (the XML python-docx lacks, in schema order).
"""

from __future__ import annotations

import io
from pathlib import Path

import docx

from ...design import Theme
from ...model import Document, Metadata
from ...typography import base_language
from .. import Artifact, Assets
from ..common import release_epoch
from . import fonts, ooxml, page
from .body import BodyWriter
from .reference import Opener
from .styles import StyleIndex, ensure_styles, setup_styles

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_REFERENCE = Path(__file__).resolve().parent.parent.parent / "reference.docx"


_packaged_reference = Opener(DEFAULT_REFERENCE)


def _open(reference: bytes | None):
    """A user's reference document lends its styles, not its sample text.

    With it, what puts back what the packaged reference's opening set aside (reference.py), if anything.
    """
    if reference is not None:
        document = docx.Document(io.BytesIO(reference))
        page.clear_body(document)
        return document, None
    if DEFAULT_REFERENCE.is_file():
        source, aside = _packaged_reference()
        document = docx.Document(io.BytesIO(source) if isinstance(source, bytes) else source)
        page.clear_body(document)
        return document, aside
    return docx.Document(), None


def preload(themes: list[Theme]) -> None:
    """What every DOCX reads once (the bundled faces' names, the packaged reference), read now: before a pool forks."""
    fonts.bundled_faces()
    if DEFAULT_REFERENCE.is_file():
        _packaged_reference.prepare()


def write(doc: Document, theme: Theme, assets: Assets) -> Artifact:
    """With the audience's own reference.docx its styles are kept; otherwise the theme restyles the default."""
    document, aside = _open(assets.reference_docx)
    styles = StyleIndex(document)
    if assets.reference_docx is None:
        setup_styles(styles, theme, doc.meta.language)
    else:
        ensure_styles(styles)
    set_document_language(document, styles, doc.meta.language)
    page.setup_page(document, styles, doc.meta, theme)
    page.title_block(document, styles, doc.meta, theme, assets.logo, assets.logo_alt)
    body = BodyWriter(document, styles, theme)
    body.blocks(doc.blocks)
    epoch = release_epoch(doc.meta)
    page.set_properties(document, doc.meta, epoch)
    fonts.embed_fonts(document)  # last: it reads the finished text
    saved = page.save(document, epoch, aside.restore if aside is not None else None)
    return Artifact(saved, MEDIA_TYPE, notes=body.note_count)


UNHYPHENATED_STYLES = ("Title", "Subtitle", "Kicker", "Heading 1", "Heading 2", "Heading 3", "Heading 4")


def set_document_language(document, styles: StyleIndex, language: str) -> None:
    """A non-English document's language on all its text, hyphenated automatically (as the PDF is).

    An English document keeps the reference document's defaults, as it always did.
    """
    if base_language(language) in ("", "en"):
        return
    ooxml.set_default_language(document.styles.element, language)
    ooxml.set_auto_hyphenation(document.settings.element)
    for name in UNHYPHENATED_STYLES:  # as in the PDF and the HTML: titles and headings keep their words whole
        if name in styles:
            ooxml.suppress_auto_hyphens(styles[name].element.get_or_add_pPr())


REFERENCE_STYLES = (
    "Title", "Subtitle", "Kicker", "Byline", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Normal",
    "List Bullet", "List Number", "Bibliography", "Footnote Text",
)  # fmt: skip


def reference_document(theme: Theme) -> bytes:
    """The default reference.docx: every style briefgen uses, each shown on a sample paragraph."""
    meta = Metadata(title="briefgen reference document")
    document = docx.Document()
    styles = StyleIndex(document)
    setup_styles(styles, theme, meta.language)
    page.setup_page(document, styles, meta, theme)
    for name in REFERENCE_STYLES:
        document.add_paragraph(f"{name}: the style of this paragraph. Restyle it here.", style=name)
    epoch = release_epoch(meta)
    page.set_properties(document, meta, epoch)
    return page.save(document, epoch)
