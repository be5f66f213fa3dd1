"""The syntax-leak scan that every output built by the test suite goes through (see conftest.py).

An analyst's brief must never show the machinery: citation keys, note syntax, template
tags, LaTeX commands, stray braces, or punctuation orphaned by something removed.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from xml.etree import ElementTree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

LEAKS: dict[str, re.Pattern[str]] = {
    "citation syntax": re.compile(r"\[-?@|(?<![\w.@/])@[A-Za-z_][\w:-]*\w"),
    "note syntax": re.compile(r"\^\["),
    "template syntax": re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}"),
    "LaTeX command": re.compile(r"\\[A-Za-z]+"),
    "stray brace": re.compile(r"[{}]"),
    "Markdown link": re.compile(r"\]\(|\]\["),
    # a no-break space before ; : (French typography) is meant; an ordinary space there is a leftover
    "orphaned punctuation": re.compile(r"(?<![.\d]),[,.;]|;[,.;]|\(\s*\)| [,;:](?=\s|$)"),
}


def find_leaks(text: str) -> list[str]:
    """Each leak as "kind: …context…"."""
    flat = re.sub(r"[^\S\u00a0\u202f]+", " ", text)  # no-break spaces kept: they are meant
    found = []
    for kind, pattern in LEAKS.items():
        for m in pattern.finditer(flat):
            found.append(f"{kind}: …{flat[max(0, m.start() - 30) : m.end() + 30]}…")
    return found


def pdf_text(data: bytes) -> str:
    """The PDF's text. reportlab draws a no-break space with the space's glyph and code, so text
    extraction reads French typography's space before ; and : as an ordinary one: in a PDF whose
    /Lang is French such a space is given back as the no-break space it was."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    if str(reader.trailer["/Root"].get("/Lang", "")).lower().startswith("fr"):
        text = re.sub(r" ([;:!?])(?=\s|$)", "\u00a0\\1", text)
    return text


def docx_text(data: bytes) -> str:
    """Every paragraph of the body, notes, headers and footers, one per line, as Word shows its text."""
    lines = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if re.fullmatch(r"word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml", name):
                root = ElementTree.fromstring(z.read(name))
                for p in root.iter(f"{W}p"):
                    lines.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    return "\n".join(lines)


def html_text(data: bytes) -> str:
    import html5lib

    root = html5lib.parse(data.decode("utf-8"), namespaceHTMLElements=False)
    for skip in root.iter("style"):
        skip.text = ""
    return "".join(t for el in root.iter("body") for t in el.itertext())


def plain_text(data: bytes) -> str:
    return data.decode("utf-8")


EXTRACT = {
    "application/pdf": pdf_text,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": docx_text,
    "text/html": html_text,
    "text/plain": plain_text,
}


SCANNED: dict[tuple[bytes, str], list[str]] = {}  # (sha-256 of the bytes, media type) -> leaks found


def leaks_in(data: bytes, media_type: str) -> list[str]:
    """The leaks in one output; the same bytes, built again by another test, are read once per session.

    Extracting a PDF's text with pypdf costs about as much as building it, and the suite builds
    the sample's outputs, byte for byte the same, in dozens of tests.
    """
    extract = EXTRACT.get(media_type.split(";")[0])
    if extract is None:
        return []
    key = (hashlib.sha256(data).digest(), media_type)
    if key not in SCANNED:
        SCANNED[key] = find_leaks(extract(data))
    return SCANNED[key]
