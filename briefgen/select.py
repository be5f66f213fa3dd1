"""Stage 2: choose and shape a brief's content for one audience.

Applies the audience's `content` rules (priorities, groups, maximum count, sections,
and how much of each recommendation shows) and the brief's `audience_overrides`.
The result is all a template sees: plain frozen data (text, numbers, dates, tuples),
already shaped, so a template cannot show what its style leaves out, and holds no
object that can reach the file system.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from .brief import PRIORITIES, Brief, Group, Person, Recommendation, Section
from .style import Content, Style


@dataclass(frozen=True)
class Shaped:
    """What a template sees as `brief`, plus counts for "N more in the full brief"."""

    id: str
    title: str
    subtitle: str
    date: dt.date
    authors: tuple[Person, ...]
    organisation: str
    series: str
    language: str
    keywords: tuple[str, ...]
    summary: str
    key_messages: tuple[str, ...]
    sections: tuple[Section, ...]
    groups: tuple[Group, ...]
    contact: str
    total_recommendations: int
    hidden_recommendations: int

    @property
    def recommendations(self) -> tuple[Recommendation, ...]:
        return tuple(r for g in self.groups for r in g.items)


def _for(audience: str, tags: tuple[str, ...]) -> bool:
    return not tags or audience in tags


def first_sentence(text: str) -> str:
    """The opening sentence of a Markdown paragraph, for short forms."""
    flat = re.sub(r"\s*\n\s*", " ", text).strip()
    m = re.match(r"(.+?[.!?])(\s|$)", flat)
    return m.group(1) if m else flat


def _shown(rec: Recommendation, rules: Content) -> Recommendation:
    """The recommendation with only the parts the audience's style shows."""
    rationale = {"full": rec.rationale, "first-sentence": first_sentence(rec.rationale), "none": ""}[rules.rationale]
    return replace(
        rec,
        rationale=rationale,
        actors=rec.actors if rules.actors else (),
        timeframe=rec.timeframe if rules.timeframe else "",
        audiences=(),
    )


def shape(brief: Brief, audience: str, style: Style) -> Shaped:
    rules = style.content
    over = brief.overrides.get(audience, {})
    budget = rules.max_recommendations
    # with a maximum, keep the most important first, but print them in the brief's order
    order = {p: i for i, p in enumerate(PRIORITIES)}
    eligible = [
        r
        for g in brief.groups
        for r in g.items
        if (not rules.groups or g.name in rules.groups)
        and r.priority in rules.priorities
        and _for(audience, r.audiences)
    ]
    if budget is not None:
        eligible = sorted(eligible, key=lambda r: order[r.priority])[:budget]
    keep = {r.id for r in eligible}
    kept_groups: list[Group] = []
    for group in brief.groups:
        items = tuple(_shown(r, rules) for r in group.items if r.id in keep)
        if items:
            kept_groups.append(replace(group, items=items))
    total = len(brief.recommendations)
    sections = tuple(replace(s, audiences=()) for s in brief.sections if _for(audience, s.audiences))
    return Shaped(
        id=brief.id,
        title=str(over.get("title", brief.title)),
        subtitle=str(over.get("subtitle", brief.subtitle)),
        date=brief.date,
        authors=brief.authors,
        organisation=brief.organisation,
        series=brief.series,
        language=brief.language,
        keywords=brief.keywords,
        summary=str(over.get("summary", brief.summary)),
        key_messages=tuple(over.get("key_messages", brief.key_messages)),  # type: ignore[arg-type]
        sections=sections if rules.sections else (),
        groups=tuple(kept_groups),
        contact=brief.contact,
        total_recommendations=total,
        hidden_recommendations=total - len(keep),
    )
