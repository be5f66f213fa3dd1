"""Pandoc's citation syntax, found in Markdown text.

Used twice: by the loader, to check every key against the bibliography with the
brief's line numbers, and by the Markdown stage, to turn citations into model nodes.
Forms: `[@key]`, `[@key, p. 33]`, `[@a; @b]`, `[see @key, ch. 2]`, `[-@key]`, and
narrative `@key`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Citation, CiteItem

# Pandoc: a key starts with a letter, digit or _, and may hold internal punctuation.
KEY = r"[\w][\w:.#$%&\-+?<>~/]*(?<![:.#$%&\-+?<>~/])"
_ITEM = re.compile(rf"^\s*(?P<prefix>[^@]*?)\s*(?P<minus>-)?@(?P<key>{KEY})(?P<rest>.*)$", re.S)
BRACKETED = re.compile(r"\[(?P<body>[^\[\]]*?(?<![\w.])-?@[\w][^\[\]]*)\](?!\()")
NARRATIVE = re.compile(rf"(?<![\w@\[\\/:.])@(?P<key>{KEY})")  # not in e-mail or web addresses


@dataclass(frozen=True)
class Found:
    citation: Citation
    start: int  # offset in the text, for error positions
    end: int


def parse_bracketed(body: str) -> Citation | None:
    """`see @a, p. 3; @b` -> Citation, or None when it is not a citation."""
    items = []
    for part in body.split(";"):
        m = _ITEM.match(part)
        if not m:
            return None
        rest = m["rest"].strip()
        if rest.startswith(","):
            rest = rest[1:].strip()
        items.append(CiteItem(key=m["key"], prefix=m["prefix"].strip(), locator=rest, suppress_author=bool(m["minus"])))
    return Citation(tuple(items)) if items else None


def find_citations(text: str) -> list[Found]:
    """Every citation in a Markdown string, bracketed and narrative, in order."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for m in BRACKETED.finditer(text):
        cit = parse_bracketed(m["body"])
        if cit is not None:
            found.append(Found(cit, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for m in NARRATIVE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        found.append(Found(Citation((CiteItem(m["key"]),), narrative=True), m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)
