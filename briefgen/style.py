"""House style of one audience: plain frozen data read from its `style.yaml`.

Writers read only this and the document model. Defaults live here, so a style
file need only say what differs; `extends:` merges a parent's file first.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

DEFAULT_LABELS = {
    "summary": "Summary",
    "key_messages": "Key messages",
    "context": "Context",
    "recommendations": "Recommendations",
    "priority": "Priority",
    "number": "No.",
    "action": "Action",
    "high": "High",
    "medium": "Medium",
    "low": "Low",
    "actors": "Who",
    "timeframe": "When",
    "rationale": "Why",
    "notes": "Notes",
    "bibliography": "References",
    "sources": "Sources",
    "page": "Page",
    "of": "of",
    "contact": "Contact",
    "more_in_full_brief": "The full brief has {hidden} further recommendations.",
}


@dataclass(frozen=True)
class Page:
    size: str = "A4"  # A4 | Letter
    margins: tuple[float, float, float, float] = (20.0, 20.0, 22.0, 20.0)  # mm: top right bottom left


@dataclass(frozen=True)
class Fonts:
    body: str = "serif"  # serif | sans: the bundled families
    headings: str = "sans"
    size: float = 10.5  # body text, points; other sizes scale from it


@dataclass(frozen=True)
class Colours:
    accent: str = "#1F4E79"
    text: str = "#1A1A1A"
    muted: str = "#5B6770"
    box: str = "#EAF1F8"
    rule: str = "#A9BCD0"
    high: str = "#A93226"
    medium: str = "#B9770E"
    low: str = "#3C7A4A"


@dataclass(frozen=True)
class Content:
    priorities: tuple[str, ...] = ("high", "medium", "low")
    groups: tuple[str, ...] = ()  # empty: all groups
    max_recommendations: int | None = None
    sections: bool = True
    rationale: bool = True
    actors: bool = True
    timeframe: bool = True


@dataclass(frozen=True)
class Style:
    description: str = ""
    page: Page = field(default_factory=Page)
    fonts: Fonts = field(default_factory=Fonts)
    colours: Colours = field(default_factory=Colours)
    content: Content = field(default_factory=Content)
    max_pages: int | None = None
    citations: str = "author-date"  # notes | author-date | none
    footnotes: bool = True  # False drops explanatory ^[notes] as well
    bibliography: str = "full"  # full | sources | none
    marking: str = ""  # "For official use", "Embargoed until ..."
    header: str = "{organisation}"  # running header from page 2; placeholders as in footer
    footer: str = "{series} · {short_title}"  # {title} {short_title} {series} {organisation} {date} {audience}
    logo: str = ""  # image file, resolved against the audience folder that names it
    labels: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS), hash=False)

    def label(self, name: str) -> str:
        return self.labels.get(name, DEFAULT_LABELS.get(name, name))


def _build(cls: type, data: dict[str, Any]) -> Any:
    kwargs = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        default = f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
        if is_dataclass(default) and isinstance(value, dict):
            value = _build(type(default), value)
        elif isinstance(value, list):
            value = tuple(value)
        elif f.name == "labels":
            value = {**DEFAULT_LABELS, **value}
        kwargs[f.name] = value
    return cls(**kwargs)


def style_from_dict(data: dict[str, Any]) -> Style:
    """Build a Style from a validated (and merged) style mapping."""
    return _build(Style, {k: v for k, v in data.items() if k != "extends"})


def merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: a child style overrides single keys of its parent's mappings."""
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out
