"""Stage 2: choose and shape a brief's content for one audience.

Applies the audience's selection rules (priorities, groups, maximum count,
sections) and the brief's `audience_overrides`, and hands the template plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .brief import Brief, Group, Recommendation, Section
from .style import Style


@dataclass(frozen=True)
class Shaped:
    """What a template sees as `brief`, plus counts for "N more in the full brief"."""

    id: str
    title: str
    subtitle: str
    summary: str
    key_messages: tuple[str, ...]
    sections: tuple[Section, ...]
    groups: tuple[Group, ...]
    contact: str
    total_recommendations: int
    hidden_recommendations: int
    source: Brief

    @property
    def recommendations(self) -> tuple[Recommendation, ...]:
        return tuple(r for g in self.groups for r in g.items)


def _for(audience: str, tags: tuple[str, ...]) -> bool:
    return not tags or audience in tags


def shape(brief: Brief, audience: str, style: Style) -> Shaped:
    rules = style.content
    over = brief.overrides.get(audience, {})
    kept_groups: list[Group] = []
    budget = rules.max_recommendations
    # with a maximum, keep the most important first, but print them in the brief's order
    order = {p: i for i, p in enumerate(("high", "medium", "low"))}
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
    for group in brief.groups:
        items = tuple(r for r in group.items if r.id in keep)
        if items:
            kept_groups.append(replace(group, items=items))
    total = len(brief.recommendations)
    return Shaped(
        id=brief.id,
        title=str(over.get("title", brief.title)),
        subtitle=str(over.get("subtitle", brief.subtitle)),
        summary=str(over.get("summary", brief.summary)),
        key_messages=tuple(over.get("key_messages", brief.key_messages)),  # type: ignore[arg-type]
        sections=tuple(s for s in brief.sections if _for(audience, s.audiences)) if rules.sections else (),
        groups=tuple(kept_groups),
        contact=brief.contact,
        total_recommendations=total,
        hidden_recommendations=total - len(keep),
        source=brief,
    )
