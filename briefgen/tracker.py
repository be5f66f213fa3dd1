"""The tracker: a brief's recommendation set as rows a desk works in (issue 27, item 4).

A stage like select.py: a loaded `Brief` in, plain frozen data out, for the data writers
(writers/tracker_xlsx.py, tracker_csv.py, tracker_json.py) to turn into bytes and for
`briefgen track import` (app/track.py) to read back. The tracker is data about the brief,
not an audience's document: one per brief (and one per translation, in its language),
with every recommendation, whatever audiences a build is asked for.

The columns are declared once, here: their keys (what JSON writes and import matches),
their header words (labels `tracker_<key>` in the brief's language, briefgen/locales), and
which a desk edits (status, date, note, by) and which are the brief's, read only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from .brief import PRIORITIES, Brief, Recommendation
from .locales import LANGUAGES, builtin_labels
from .markdown import parse_inline
from .model import plain_text
from .statuses import vocabulary, wording
from .style import Colours

HOUSE = Colours()  # the tracker is the brief's, not an audience's: the house colours, as the default style has them

SCHEMA = "briefgen-tracker"  # the JSON's "schema", the XLSX's hidden sheet: what import recognises
VERSION = 1
FILE_STEM = "tracker"  # <brief-id>_tracker.<format>


@dataclass(frozen=True)
class Column:
    key: str  # what JSON writes and import matches, whatever the language
    wide: bool = False  # long text: wrapped, a wider column
    edited: bool = False  # a desk fills it in; import reads it


COLUMNS = (
    Column("id"),
    Column("group", wide=True),
    Column("title", wide=True),
    Column("priority"),
    Column("actors", wide=True),
    Column("timeframe"),
    Column("status", edited=True),
    Column("date", edited=True),
    Column("note", wide=True, edited=True),
    Column("by", edited=True),
)
KEYS = tuple(c.key for c in COLUMNS)


@dataclass(frozen=True)
class StatusWord:
    name: str  # as `status:` entries write it
    word: str  # in the tracker's language
    colour: str  # "#RRGGBB"


@dataclass(frozen=True)
class PriorityWord:
    name: str  # high | medium | low
    word: str  # in the tracker's language
    colour: str  # "#RRGGBB": the house's card bar of that priority


@dataclass(frozen=True)
class Row:
    """One recommendation: the brief's fields as plain text, and its latest status entry as written."""

    id: str
    group: str
    title: str
    priority: str  # high | medium | low
    actors: tuple[str, ...]
    timeframe: str
    status: str  # a status's name, or "" when none was assessed
    date: date | None
    note: str  # the latest entry's Markdown as written: import compares it with what the desk leaves
    by: str


@dataclass(frozen=True)
class Tracker:
    brief_id: str
    title: str  # plain text
    language: str
    brief_date: date
    headers: tuple[str, ...]  # one per COLUMNS, in the tracker's language
    statuses: tuple[StatusWord, ...]  # the brief's vocabulary, in order
    priorities: tuple[PriorityWord, ...]
    rows: tuple[Row, ...]
    header_fill: str  # "#RRGGBB"

    def status_word(self, name: str) -> str:
        return next((s.word for s in self.statuses if s.name == name), name)

    def priority_word(self, name: str) -> str:
        return next((p.word for p in self.priorities if p.name == name), name)

    def priority_colour(self, name: str) -> str | None:
        return next((p.colour for p in self.priorities if p.name == name), None)

    def cells(self, row: Row) -> tuple[str | date | None, ...]:
        """A row as a sheet shows it, column by column: words in the tracker's language, None for nothing."""
        shown = {
            "priority": self.priority_word(row.priority),
            "status": self.status_word(row.status) if row.status else None,
            "actors": "; ".join(row.actors),
        }
        return tuple(shown.get(c.key, getattr(row, c.key)) or None for c in COLUMNS)


def header_words(language: str) -> tuple[str, ...]:
    """The column headers in a language (English for one briefgen does not word)."""
    labels = builtin_labels(language)
    return tuple(str(labels[f"tracker_{key}"]) for key in KEYS)


@cache
def header_keys() -> dict[str, str]:
    """Any language's header word (casefolded), and each key itself, -> its column key: how import finds columns."""
    found = {key: key for key in KEYS}
    for language in LANGUAGES:
        for key, word in zip(KEYS, header_words(language), strict=True):
            found.setdefault(word.casefold(), key)
    return found


def status_words(brief: Brief, language: str) -> tuple[StatusWord, ...]:
    labels = {k: v for k, v in builtin_labels(language).items() if isinstance(v, str)}
    return tuple(StatusWord(s.name, wording(s.name, labels), s.colour) for s in vocabulary(brief.statuses))


def _plain(markdown: str, language: str) -> str:
    return plain_text(parse_inline(markdown, language)) if markdown.strip() else ""


def _row(group: str, rec: Recommendation, language: str) -> Row:
    latest = rec.status
    return Row(
        id=rec.id,
        group=_plain(group, language),
        title=_plain(rec.title, language),
        priority=rec.priority,
        actors=tuple(_plain(a, language) for a in rec.actors),
        timeframe=_plain(rec.timeframe, language),
        status=latest.status if latest else "",
        date=latest.date if latest else None,
        note=latest.note if latest else "",
        by=latest.by if latest else "",
    )


def tracker(brief: Brief) -> Tracker:
    """The brief's recommendation set as tracker rows, every recommendation, in the brief's language."""
    labels = builtin_labels(brief.language)
    return Tracker(
        brief_id=brief.id,
        title=_plain(brief.title, brief.language),
        language=brief.language,
        brief_date=brief.date,
        headers=header_words(brief.language),
        statuses=status_words(brief, brief.language),
        priorities=tuple(PriorityWord(p, str(labels[p]), getattr(HOUSE, p)) for p in PRIORITIES),
        rows=tuple(_row(g.name, r, brief.language) for g in brief.groups for r in g.items),
        header_fill=HOUSE.box,
    )
