"""Pandoc's citation syntax, found in Markdown text.

The syntax only: the Markdown stage's citation rule uses it, and the loader finds
citations through that same rule (`markdown.citations_in`), so `check` and `build`
agree on what is a citation.
Forms: `[@key]`, `[@key, p. 33]`, `[@a; @b]`, `[see @key, ch. 2]`, `[-@key]`, and
narrative `@key`.
"""

from __future__ import annotations

import re

from .model import Citation, CiteItem

# Pandoc: a key starts with a letter, digit or _, and may hold internal punctuation.
KEY = r"[\w][\w:.#$%&\-+?<>~/]*(?<![:.#$%&\-+?<>~/])"
_ITEM = re.compile(rf"^\s*(?P<prefix>[^@]*?)\s*(?P<minus>-)?@(?P<key>{KEY})(?P<rest>.*)$", re.S)
BRACKETED = re.compile(r"\[(?P<body>[^\[\]]*?(?<![\w.])-?@[\w][^\[\]]*)\](?!\()")


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
