"""Small pieces of wording both writers print the same way."""

from __future__ import annotations

import calendar
import os
import re
from datetime import date

from ..errors import BriefgenError
from ..locales import date_text
from ..model import Metadata


def meta_author(meta: Metadata) -> str:
    """The author a file's metadata names: the authors, or else the organisation."""
    return "; ".join(a.name for a in meta.authors) or meta.organisation


_BEFORE_NUMBER = re.compile(r"(?<=\S) (?=\d)")


def kicker_text(meta: Metadata) -> str:
    """The line over the title: organisation · series, a number never apart from its label.

    "Policy Brief No. 3" on a phone broke before the "3"; the space before a number is a no-break one.
    """
    return " · ".join(_BEFORE_NUMBER.sub("\u00a0", x) for x in (meta.organisation, meta.series) if x)


def byline(meta: Metadata) -> str:
    people = "; ".join(a.name + (f" ({a.affiliation})" if a.affiliation else "") for a in meta.authors)
    return " · ".join(x for x in (people, date_text(meta.date, meta.language)) if x)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def running_text(template: str, meta: Metadata) -> str:
    """A header or footer line from its style template; empty parts and their separators vanish."""
    values = _Blank(
        title=meta.title,
        short_title=short_title(meta),
        series=meta.series,
        organisation=meta.organisation,
        date=date_text(meta.date, meta.language),
        audience=meta.audience,
    )
    text = template.format_map(values)
    parts = [p.strip() for p in text.split(" · ")]
    return " · ".join(p for p in parts if p)


def short_title(meta: Metadata) -> str:
    title = meta.title
    if len(title) > 60 and ":" in title:  # "Main title: subtitle" -> "Main title"
        title = title.split(":", 1)[0]
    if len(title) > 70:
        title = title[:70].rsplit(" ", 1)[0] + "…"
    return title


LAST_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC, the last time Python's datetime can hold


def release_epoch(meta: Metadata) -> int:
    """SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the brief's own date."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env:
        if not env.isdigit() or int(env) > LAST_EPOCH:
            raise BriefgenError(f"SOURCE_DATE_EPOCH={env[:40]}: not a time in seconds between 1970 and 9999")
        return int(env)
    d = meta.date or date(2000, 1, 1)
    return calendar.timegm((d.year, d.month, d.day, 12, 0, 0))
