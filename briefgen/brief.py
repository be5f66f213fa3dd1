"""The brief as the user wrote it, after validation: plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PRIORITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Person:
    name: str
    affiliation: str = ""


@dataclass(frozen=True)
class Recommendation:
    id: str
    title: str
    priority: str
    actors: tuple[str, ...] = ()
    timeframe: str = ""
    rationale: str = ""
    short: str = ""  # one line for short forms; empty: the rationale's first sentence
    audiences: tuple[str, ...] = ()  # empty: every audience


@dataclass(frozen=True)
class Group:
    name: str
    items: tuple[Recommendation, ...]
    intro: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    body: str
    audiences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Brief:
    id: str
    title: str
    date: date
    source: Path
    subtitle: str = ""
    authors: tuple[Person, ...] = ()
    organisation: str = ""
    series: str = ""
    language: str = "en"
    keywords: tuple[str, ...] = ()
    summary: str = ""
    key_messages: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    groups: tuple[Group, ...] = ()
    contact: str = ""
    bibliography: tuple[Path, ...] = ()  # the brief's own `bibliography:` files
    # audience name -> field name -> replacement value (title, subtitle, summary, key_messages)
    overrides: dict[str, dict[str, object]] = field(default_factory=dict, hash=False)
    cited: tuple[str, ...] = ()  # every bibliography key cited in any Markdown field, in order

    @property
    def recommendations(self) -> tuple[Recommendation, ...]:
        return tuple(r for g in self.groups for r in g.items)
