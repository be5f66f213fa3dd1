"""Output formats: the one registry of writers, and the interface they share.

A writer is a module with `write(doc: Document, theme: Theme, assets: Assets) -> Artifact`.
It gets the resolved document, the house design and the audience's files as bytes,
and touches nothing else: no file system, no clock, no process-wide settings.
Writers are imported only when used (reportlab and python-docx are slow to load).
A new format is one module plus one line in `FORMATS`; the CLI's `-f` choices,
the build manifest and the format lists in the README and docs/using.md all read this registry.

A data format (`Format.data`) writes the brief's data, not an audience's document: its module's
`write(tracker: tracker.Tracker) -> Artifact` makes one file per brief (`<id>_tracker.<format>`),
whatever audiences a build is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the style module reads this registry, and the design reads the style
    from ..design import Theme
    from ..model import Document
    from ..tracker import Tracker


@dataclass(frozen=True)
class Assets:
    """An audience's files a writer may use, read once by the caller."""

    reference_docx: bytes | None = None  # the audience's own Word styles (pandoc's reference.docx)
    logo: bytes | None = None  # PNG or JPEG
    logo_type: str = ""  # image/png | image/jpeg
    logo_alt: str = ""  # the logo's text alternative (style `logo.alt`): what a screen reader says for it
    fonts: tuple[bytes, ...] = ()  # TrueType fallback fonts (style `fonts.fallback`), in the order tried


@dataclass(frozen=True)
class Artifact:
    """What a writer made, and what it knows about it."""

    data: bytes
    media_type: str
    pages: int | None = None  # formats with pages only
    notes: int = 0  # footnotes placed
    warnings: tuple[str, ...] = ()


class Writer(Protocol):
    def __call__(self, doc: Document, theme: Theme, assets: Assets) -> Artifact: ...


class DataWriter(Protocol):
    def __call__(self, sheet: Tracker) -> Artifact: ...


@dataclass(frozen=True)
class Format:
    name: str  # also the file extension
    module: str
    media_type: str
    description: str
    data: bool = False  # writes the brief's recommendation set (a tracker.Tracker), once per brief

    def file_name(self, brief_id: str, audience: str) -> str:
        """`<id>_<audience>.<format>`; a data format's file is the brief's: `<id>_tracker.<format>`."""
        return f"{brief_id}_{'tracker' if self.data else audience}.{self.name}"


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "docx",
            "briefgen.writers.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word document: real Word styles and footnotes, opens in Word and LibreOffice",
        ),
        Format("pdf", "briefgen.writers.pdf", "application/pdf", "typeset PDF: embedded fonts, footnotes, outline"),
        Format("html", "briefgen.writers.html.page", "text/html", "one self-contained web page: no external requests"),
        Format(
            "txt", "briefgen.writers.text", "text/plain", "plain UTF-8 text wrapped at 72 columns, notes at the end"
        ),
        Format(
            "md",
            "briefgen.writers.md",
            "text/markdown",
            "pandoc Markdown: citations resolved, ^[notes], fenced divs; for pandoc or any Markdown tool downstream",
        ),
        Format(
            "xlsx",
            "briefgen.writers.tracker_xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "the tracker sheet: every recommendation a row, a status drop-down; `briefgen track import` reads it back",
            data=True,
        ),
        Format(
            "csv",
            "briefgen.writers.tracker_csv",
            "text/csv",
            "the tracker as CSV (UTF-8 with BOM, RFC 4180), headers and statuses in the brief's language",
            data=True,
        ),
        Format(
            "json",
            "briefgen.writers.tracker_json",
            "application/json",
            "the tracker as JSON (`schema`, `version`), statuses by name, for other trackers",
            data=True,
        ),
    )
}
DOCUMENT_FORMATS = tuple(name for name, f in FORMATS.items() if not f.data)  # what an audience's brief comes in
DEFAULT_FORMATS = ("docx", "pdf")


def preload(formats: tuple[str, ...] | list[str], themes: list[Theme]) -> None:
    """Import the writers of `formats` and let each load, in this process, what it loads once (fonts)
    and what documents in `themes` draw.

    Called before a worker pool forks, so the workers start with them instead of each paying them.
    """
    for name in dict.fromkeys(formats):
        warm = getattr(import_module(FORMATS[name].module), "preload", None)
        if warm is not None:
            warm(themes)


def writer(name: str) -> Writer:
    return import_module(FORMATS[name].module).write


def data_writer(name: str) -> DataWriter:
    return import_module(FORMATS[name].module).write
