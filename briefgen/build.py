"""The pipeline, stage by stage, as pure functions from data to bytes.

load (loader) -> shape (select) -> render template (render) -> parse Markdown
(markdown) -> resolve citations (cite) -> write (writers). Only the CLI touches
the file system for outputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .audience import Audience
from .bibliography import Reference
from .brief import Brief
from .cite import resolve_citations
from .markdown import parse_inline, parse_markdown
from .model import Author, Document, Metadata, plain_text
from .render import render_markdown
from .select import shape
from .writers import writer


@dataclass(frozen=True)
class Output:
    relative_path: Path  # <brief-id>/<brief-id>_<audience>.<format>
    data: bytes
    audience: str
    format: str
    pages: int | None = None  # PDF only


def to_document(brief: Brief, audience: Audience, roots: tuple[Path, ...], refs: dict[str, Reference]) -> Document:
    """The brief as one audience's document model, citations resolved."""
    shaped = shape(brief, audience.name, audience.style)
    markdown = render_markdown(audience.template, roots, shaped, audience.style, audience.name)
    meta = Metadata(
        title=plain_text(parse_inline(shaped.title)),
        subtitle=plain_text(parse_inline(shaped.subtitle)) if shaped.subtitle else "",
        authors=tuple(Author(p.name, p.affiliation) for p in brief.authors),
        date=brief.date,
        organisation=brief.organisation,
        series=brief.series,
        language=brief.language,
        keywords=brief.keywords,
        audience=audience.name,
        marking=audience.style.marking,
    )
    doc = Document(meta, parse_markdown(markdown))
    doc, _ = resolve_citations(doc, refs, audience.style.citations, audience.style.footnotes)
    return doc


def pdf_page_count(data: bytes) -> int:
    counts = [int(m) for m in re.findall(rb"/Type /Pages\b[^>]*?/Count (\d+)", data)]
    counts += [int(m) for m in re.findall(rb"/Count (\d+)[^>]*?/Type /Pages\b", data)]
    return max(counts) if counts else 0


def build(
    brief: Brief,
    audiences: list[Audience],
    formats: list[str],
    roots: tuple[Path, ...],
    refs: dict[str, Reference],
) -> list[Output]:
    """Every output for one brief, in memory: nothing is written unless all succeed."""
    outputs = []
    for audience in audiences:
        doc = to_document(brief, audience, roots, refs)
        for fmt in formats:
            data = writer(fmt)(doc, audience.style, audience.folder)
            name = Path(brief.id) / f"{brief.id}_{audience.name}.{fmt}"
            outputs.append(Output(name, data, audience.name, fmt, pdf_page_count(data) if fmt == "pdf" else None))
    return outputs
