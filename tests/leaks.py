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
    "orphaned punctuation": re.compile(r"(?<![.\d]),[,.;]|;[,.;]|\(\s*\)|\s[,;:](?=\s|$)"),
}


def find_leaks(text: str) -> list[str]:
    """Each leak as "kind: …context…"."""
    flat = re.sub(r"\s+", " ", text)
    found = []
    for kind, pattern in LEAKS.items():
        for m in pattern.finditer(flat):
            found.append(f"{kind}: …{flat[max(0, m.start() - 30) : m.end() + 30]}…")
    return found


def pdf_text(data: bytes) -> str:
    import pypdf

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


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
