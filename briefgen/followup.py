"""What became of an earlier edition's recommendations: the comparison a follow-up brief reports.

A brief that `follows:` an earlier one is matched with it by recommendation id: an id in
both is carried over, one only in the earlier edition is dropped (`dropped:` says why; one
it does not name is reported, never passed over), one only in this edition is new. Each
earlier recommendation's status is the latest assessment in either edition's `status:`
history, so a desk may record updates in the earlier file (`track import`) or the new one.
The result is plain frozen data: templates see it as `brief.follow_up`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .brief import Brief, Recommendation, StatusUpdate
from .errors import Problem, display_path
from .statuses import label_name, vocabulary

NOT_ASSESSED = "not assessed"  # no `status:` entry in either edition
NOT_ASSESSED_COLOUR = "#D9D9D9"  # light grey: present, but no verdict; darker greys mean "no longer relevant"


@dataclass(frozen=True)
class StatusKind:
    """One status as the follow-up prints it: its name, its words in the brief's language, its colour."""

    name: str
    words: str
    colour: str


@dataclass(frozen=True)
class Tracked:
    """An earlier recommendation and what became of it."""

    id: str
    title: str  # Markdown: this edition's wording when carried over
    group: str
    priority: str
    actors: tuple[str, ...]
    status: StatusKind
    assessed: dt.date | None  # the latest assessment's date
    note: str  # the latest assessment's note, Markdown
    by: str
    fate: str  # "carried" | "dropped"
    reason: str = ""  # why it was dropped (`dropped:`), Markdown; "" when dropped without a word


@dataclass(frozen=True)
class Counted:
    """A group's or an actor's recommendations, with how many have each status (in `FollowUp.statuses` order)."""

    name: str
    items: tuple[Tracked, ...]
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class FollowUp:
    earlier_id: str
    earlier_title: str  # Markdown
    earlier_series: str
    earlier_date: dt.date
    statuses: tuple[StatusKind, ...]  # those that occur, in the vocabulary's order; "not assessed" last
    groups: tuple[Counted, ...]  # the earlier edition's groups, in its order
    actors: tuple[Counted, ...]  # each actor named, most recommendations first
    totals: tuple[int, ...]
    new: tuple[Recommendation, ...]  # in this edition only
    carried: tuple[Tracked, ...]
    dropped: tuple[Tracked, ...]
    unexplained: tuple[str, ...]  # dropped ids `dropped:` gives no reason for

    @property
    def tracked(self) -> tuple[Tracked, ...]:
        return tuple(t for g in self.groups for t in g.items)

    @property
    def total(self) -> int:
        return sum(self.totals)


def latest(*histories: tuple[StatusUpdate, ...]) -> StatusUpdate | None:
    """The latest assessment across editions' histories; on one day, the later edition's entry wins."""
    entries = [(u.date, i, u) for i, history in enumerate(histories) for u in history]
    return max(entries, key=lambda e: (e[0], e[1]))[2] if entries else None


def compare(brief: Brief, labels: dict) -> FollowUp | None:
    """The follow-up of `brief` against the edition it follows, worded with `labels`; None if it follows none."""
    earlier = brief.earlier
    if earlier is None:
        return None
    kinds = {s.name: StatusKind(s.name, _words(s.name, labels), s.colour) for s in vocabulary(brief.statuses)}
    kinds[NOT_ASSESSED] = StatusKind(NOT_ASSESSED, _words(NOT_ASSESSED, labels), NOT_ASSESSED_COLOUR)
    ours = {r.id: r for r in brief.recommendations}
    tracked = [
        _tracked(rec, group.name, ours.get(rec.id), brief.dropped.get(rec.id, ""), kinds)
        for group in earlier.groups
        for rec in group.items
    ]
    shown = tuple(k for k in kinds.values() if any(t.status is k for t in tracked))
    by_group = [
        _counted(group.name, tuple(t for t in tracked if t.group == group.name), shown) for group in earlier.groups
    ]
    actors: dict[str, list[Tracked]] = {}
    for t in tracked:
        for actor in t.actors:
            actors.setdefault(actor, []).append(t)
    by_actor = sorted((_counted(a, tuple(ts), shown) for a, ts in actors.items()), key=lambda c: -c.total)
    theirs = {r.id for r in earlier.recommendations}
    dropped = tuple(t for t in tracked if t.fate == "dropped")
    return FollowUp(
        earlier_id=earlier.id,
        earlier_title=earlier.title,
        earlier_series=earlier.series,
        earlier_date=earlier.date,
        statuses=shown,
        groups=tuple(by_group),
        actors=tuple(by_actor),
        totals=_counts(tuple(tracked), shown),
        new=tuple(r for r in brief.recommendations if r.id not in theirs),
        carried=tuple(t for t in tracked if t.fate == "carried"),
        dropped=dropped,
        unexplained=tuple(t.id for t in dropped if not t.reason),
    )


def _words(status: str, labels: dict) -> str:
    words = labels.get(label_name(status), status)
    return words if isinstance(words, str) else status


def _tracked(
    rec: Recommendation, group: str, now: Recommendation | None, reason: str, kinds: dict[str, StatusKind]
) -> Tracked:
    update = latest(rec.history, now.history if now else ())
    return Tracked(
        id=rec.id,
        title=now.title if now else rec.title,
        group=group,
        priority=(now or rec).priority,
        actors=(now or rec).actors,
        status=kinds[update.status if update else NOT_ASSESSED],
        assessed=update.date if update else None,
        note=update.note if update else "",
        by=update.by if update else "",
        fate="carried" if now else "dropped",
        reason=reason,
    )


def _counts(items: tuple[Tracked, ...], shown: tuple[StatusKind, ...]) -> tuple[int, ...]:
    return tuple(sum(1 for t in items if t.status is k) for k in shown)


def _counted(name: str, items: tuple[Tracked, ...], shown: tuple[StatusKind, ...]) -> Counted:
    return Counted(name, items, _counts(items, shown))


def unexplained(brief: Brief) -> tuple[Problem, ...]:
    """What loading warns of: earlier ids this edition neither carries over nor says why it drops."""
    earlier = brief.earlier
    if earlier is None:
        return ()
    ours = {r.id for r in brief.recommendations}
    missing = [r.id for r in earlier.recommendations if r.id not in ours and r.id not in brief.dropped]
    if not missing:
        return ()
    message = (
        f"{', '.join(missing)} of {display_path(earlier.source)} {'is' if len(missing) == 1 else 'are'} not in "
        "this edition, and `dropped:` gives no reason; the follow-up lists "
        f"{'it' if len(missing) == 1 else 'them'} as dropped"
    )
    return (Problem(display_path(brief.source), None, None, "follows", message),)
