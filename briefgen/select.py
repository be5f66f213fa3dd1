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
from functools import lru_cache

from .brief import PRIORITIES, Brief, Group, Recommendation, Section
from .followup import FollowUp, compare
from .markdown import inline_markdown, parse_blocks
from .model import Author, Citation, Emph, Inline, Note, Paragraph, Span, Strong, Text, plain_text
from .style import Content, Style


@dataclass(frozen=True)
class Shaped:
    """What a template sees as `brief`, plus counts for "N more in the full brief" (`FULL_BRIEF`'s)."""

    id: str
    title: str
    subtitle: str
    date: dt.date
    authors: tuple[Author, ...]
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
    follow_up: FollowUp | None = None  # what became of the earlier edition's recommendations (`follows:`)

    @property
    def recommendations(self) -> tuple[Recommendation, ...]:
        return tuple(r for g in self.groups for r in g.items)


FULL_BRIEF = "practitioner"  # the audience whose brief "the full brief" names: every recommendation for it


def _for(audience: str, tags: tuple[str, ...]) -> bool:
    return not tags or audience in tags


# Words whose full stop does not end a sentence ("the U.S. Congress", "Dr. Smith", "Jan. 2010"). A full
# stop followed by a digit or a small letter never ends one, so "p. 33" and "no. 4" need no entry; words
# that are also English words ("no", "art", "co") would otherwise hide a real sentence end.
ABBREVIATIONS = frozenset(
    (  # noqa: SIM905 (one list to read, not one word per line)
        "p pp ch chap vol vols ed eds fig figs para e.g i.e cf viz etc al approx "
        "u.s u.k u.n e.u dr mr mrs ms prof st mt lt sr jr inc ltd corp dept govt "
        "jan feb mar apr jun jul aug sep sept oct nov dec"
    ).split()
)
_SENTENCE_END = re.compile(r"[.!?]+[”’\")\]]*")
_NEXT_STARTS = re.compile(r"\s+[“‘\"'(\[]*[^\W\d_a-z]", re.UNICODE)  # space, then a capital (any script)


def _ends_sentence(text: str, end: int, after: str) -> bool:
    """Whether the punctuation ending at `end` closes a sentence, given the text that follows."""
    if after and not _NEXT_STARTS.match(after):
        return False
    if text[end - 1] == "." or text[:end].rstrip('”’")]').endswith("."):
        word = re.search(r"([\w.]+)\.[”’\")\]]*$", text[:end])
        if word and (word[1].casefold() in ABBREVIATIONS or re.fullmatch(r"[^\W\d_]", word[1])):
            return False  # an abbreviation or an initial ("J. Smith")
    return True


def _cut(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """The inlines up to the end of the first sentence; notes and citations right after it stay."""
    for i, node in enumerate(nodes):
        rest = nodes[i + 1 :]
        following = plain_text(tuple(n for n in rest if not isinstance(n, Note | Citation)))
        if isinstance(node, Text):
            for m in _SENTENCE_END.finditer(node.text):
                after = node.text[m.end() :]
                if _ends_sentence(node.text, m.end(), after or following):
                    if after:
                        return (*nodes[:i], Text(node.text[: m.end()]))
                    return nodes[: i + 1] + _attached(rest)
        elif isinstance(node, Emph | Strong | Span):  # "**Act now.** Then ..."
            text = plain_text(node.children)
            end = _SENTENCE_END.search(text.rstrip())
            if end and end.end() == len(text.rstrip()) and _ends_sentence(text.rstrip(), end.end(), following):
                return nodes[: i + 1] + _attached(rest)
    return nodes


def _attached(rest: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Notes and citations written right after a full stop belong to that sentence."""
    out = []
    for node in rest:
        if not isinstance(node, Note | Citation):
            break
        out.append(node)
    return tuple(out)


@lru_cache(maxsize=512)
def first_sentence(text: str, language: str = "en") -> str:
    """The opening sentence of a Markdown field, for short forms.

    Cuts the parsed text, never the Markdown: never inside a citation, note, link or code
    span, and not at an abbreviation's full stop. Gives Markdown back. Kept by text, as
    each audience (and a build server's next build) asks for the same recommendations'.
    """
    blocks = parse_blocks(text, language)  # its quotation marks, as the full text will have them
    if not blocks or not isinstance(blocks[0], Paragraph):
        return re.sub(r"\s*\n\s*", " ", text).strip()
    return inline_markdown(_cut(blocks[0].children)).strip()


def _shown(rec: Recommendation, rules: Content, language: str) -> Recommendation:
    """The recommendation with only the parts the audience's style shows."""
    if rules.rationale == "first-sentence":
        rationale = rec.short or first_sentence(rec.rationale, language)
    else:
        rationale = {"full": rec.rationale, "none": ""}[rules.rationale]
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
        items = tuple(_shown(r, rules, brief.language) for r in group.items if r.id in keep)
        if items:
            kept_groups.append(replace(group, items=items))
    total = len(brief.recommendations)
    # "N further recommendations in the full brief": those the full brief has and this one leaves out
    # (one tagged for another audience alone, e.g. academic, is in neither)
    further = sum(1 for r in brief.recommendations if _for(FULL_BRIEF, r.audiences) and r.id not in keep)
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
        key_messages=tuple(over.get("key_messages", brief.key_messages)),  # type: ignore[arg-type]  # strings: the schema checked the override
        sections=sections if rules.sections else (),
        groups=tuple(kept_groups),
        contact=brief.contact,
        total_recommendations=total,
        hidden_recommendations=further,
        follow_up=compare(brief, style.wording(brief.language)),
    )
