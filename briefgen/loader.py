"""Stage 1: read a brief's YAML, validate it against the schema, return a `Brief`.

Every mistake in a file is collected before stopping, each with the line and
column PyYAML's node marks give, so a user fixes them all in one pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .brief import Brief, Group, Person, Recommendation, Section
from .citesyntax import find_citations
from .errors import BriefError, Problem, display_path, suggestion
from .yamlsource import Path_, Positions, field_name, load_schema, read_yaml, schema_problems


def _list(value: Any) -> list[Any]:
    """Walk only what has the right shape; the schema reports the rest."""
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text_fields(data: dict[str, Any]) -> Iterable[tuple[Path_, str]]:
    """The Markdown fields, where citations may appear."""
    for key in ("title", "subtitle", "summary", "contact"):
        if isinstance(data.get(key), str):
            yield (key,), data[key]
    for i, msg in enumerate(_list(data.get("key_messages"))):
        yield ("key_messages", i), msg
    for i, sec in enumerate(_list(data.get("sections"))):
        for key in ("title", "body"):
            yield ("sections", i, key), _dict(sec).get(key, "")
    for g, group in enumerate(_list(data.get("recommendations"))):
        yield ("recommendations", g, "intro"), _dict(group).get("intro", "")
        for i, rec in enumerate(_list(_dict(group).get("items"))):
            for key in ("title", "rationale"):
                yield ("recommendations", g, "items", i, key), _dict(rec).get(key, "")
    for aud, fields in _dict(data.get("audience_overrides")).items():
        for key in ("title", "subtitle", "summary"):
            if isinstance(_dict(fields).get(key), str):
                yield ("audience_overrides", aud, key), fields[key]
        for i, msg in enumerate(_list(_dict(fields).get("key_messages"))):
            yield ("audience_overrides", aud, "key_messages", i), msg


def _offset_position(text: str, offset: int, start: tuple[int, int, bool]) -> tuple[int, int]:
    """Where a character of a scalar's value sits in the file (exact for one-line and `|` values)."""
    line, col, block = start
    before = text[:offset]
    nl = before.count("\n")
    if nl == 0:
        return line, col + offset
    return line + nl, offset - (before.rfind("\n") + 1) + (col if block else 1)


def _locate(pos: Positions, path: Path_, value: str, start: int, end: int) -> tuple[int, int]:
    """The file position of value[start:end]: found in the raw lines the scalar spans.

    Folded and multi-line plain scalars join lines, so offsets alone cannot say
    where a citation was written; the raw text can.
    """
    first, col, block = pos.text_start.get(path, (*pos.marks.get(path, (1, 1)), False))
    last = pos.text_end.get(path, first)
    needle = value[start:end]
    occurrence = value[:start].count(needle)
    for n in range(first, min(last, len(pos.lines)) + 1):
        line = pos.lines[n - 1]
        at = -1
        while True:
            at = line.find(needle, at + 1)
            if at < 0:
                break
            if occurrence == 0:
                return n, at + 1
            occurrence -= 1
    return _offset_position(value, start, (first, col, block))


def load_brief(
    path: Path,
    *,
    known_keys: Callable[[Path | None], Iterable[str]] | None = None,
    audiences: Iterable[str] | None = None,
) -> Brief:
    """Read and validate one brief.

    `known_keys(declared)` gives the bibliography's keys, for citations; `declared` is the
    brief's own `bibliography:` file, so the caller can choose the .bib in the same pass.
    """
    file = display_path(path)
    data, pos = read_yaml(path, file, BriefError)
    if not isinstance(data, dict):
        raise BriefError(
            Problem(file, 1, 1, "", "a brief must be a YAML mapping (title:, date:, recommendations:, ...)")
        )

    problems = pos.problems + schema_problems(data, load_schema("brief.schema.json"), file, pos)

    seen_ids: dict[str, str] = {}
    for g, group in enumerate(_list(data.get("recommendations"))):
        if not isinstance(group, dict):
            continue
        for i, rec in enumerate(_list(group.get("items"))):
            if not isinstance(rec, dict) or not isinstance(rec.get("id"), str):
                continue
            p = ("recommendations", g, "items", i, "id")
            if rec["id"] in seen_ids:
                line, col = pos.marks[p]
                problems.append(
                    Problem(
                        file,
                        line,
                        col,
                        field_name(p),
                        f"duplicate recommendation id '{rec['id']}' (first used at {seen_ids[rec['id']]})",
                    )
                )
            else:
                seen_ids[rec["id"]] = field_name(p)

    if audiences is not None:
        known = sorted(audiences)
        tagged: list[tuple[Path_, str]] = [
            (("audience_overrides", name), name) for name in _dict(data.get("audience_overrides"))
        ]
        for s, sec in enumerate(_list(data.get("sections"))):
            for a, name in enumerate(_list(_dict(sec).get("audiences"))):
                tagged.append((("sections", s, "audiences", a), name))
        for g, group in enumerate(_list(data.get("recommendations"))):
            for i, rec in enumerate(_list(_dict(group).get("items"))):
                for a, name in enumerate(_list(_dict(rec).get("audiences"))):
                    tagged.append((("recommendations", g, "items", i, "audiences", a), name))
        for p, name in tagged:
            if isinstance(name, str) and name not in known:
                line, col = pos.key_marks.get(p) or pos.marks.get(p, (None, None))
                problems.append(
                    Problem(
                        file,
                        line,
                        col,
                        field_name(p),
                        f"unknown audience '{name}'" + suggestion(name, known, "known"),
                    )
                )

    if known_keys is not None:
        declared = data.get("bibliography")
        keys = set(known_keys(Path(path).parent / declared if isinstance(declared, str) and declared else None))
        for p, value in _text_fields(data):
            if not isinstance(value, str):
                continue
            for found in find_citations(value):
                for item in found.citation.items:
                    if item.key not in keys:
                        line, col = _locate(pos, p, value, found.start, found.end)
                        hint = difflib.get_close_matches(item.key, sorted(keys), n=3, cutoff=0.5)
                        problems.append(
                            Problem(
                                file,
                                line,
                                col,
                                field_name(p),
                                f"unknown citation key '@{item.key}'"
                                + (f" (did you mean {', '.join('@' + h for h in hint)}?)" if hint else ""),
                            )
                        )

    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.col or 0))
        raise BriefError(problems)
    return _to_brief(data, Path(path))


def _to_brief(data: dict[str, Any], path: Path) -> Brief:
    def recommendation(d: dict[str, Any]) -> Recommendation:
        return Recommendation(
            id=d["id"],
            title=d["title"].strip(),
            priority=d["priority"],
            actors=tuple(d.get("actors") or ()),
            timeframe=str(d.get("timeframe", "")),
            rationale=d.get("rationale", ""),
            audiences=tuple(d.get("audiences") or ()),
        )

    bib = data.get("bibliography")
    return Brief(
        id=data.get("id") or path.stem,
        title=data["title"].strip(),
        subtitle=data.get("subtitle", "").strip(),
        date=dt.date.fromisoformat(data["date"]),
        source=path,
        authors=tuple(Person(a["name"], a.get("affiliation", "")) for a in data.get("authors") or ()),
        organisation=data.get("organisation", ""),
        series=data.get("series", ""),
        language=data.get("language", "en"),
        keywords=tuple(data.get("keywords") or ()),
        summary=data.get("summary", ""),
        key_messages=tuple(data.get("key_messages") or ()),
        sections=tuple(
            Section(s["title"], s["body"], tuple(s.get("audiences") or ())) for s in data.get("sections") or ()
        ),
        groups=tuple(
            Group(g["group"], tuple(recommendation(r) for r in g["items"]), g.get("intro", ""))
            for g in data["recommendations"]
        ),
        contact=data.get("contact", ""),
        bibliography=(path.parent / bib) if bib else None,
        overrides={k: dict(v) for k, v in (data.get("audience_overrides") or {}).items()},
    )


def cited_keys(brief: Brief) -> set[str]:
    """Every bibliography key the brief cites, in any Markdown field."""
    texts = [brief.title, brief.subtitle, brief.summary, brief.contact, *brief.key_messages]
    texts += [t for sec in brief.sections for t in (sec.title, sec.body)]
    texts += [g.intro for g in brief.groups]
    texts += [t for r in brief.recommendations for t in (r.title, r.rationale)]
    for fields in brief.overrides.values():
        texts += [v for v in fields.values() if isinstance(v, str)]
        texts += [m for m in fields.get("key_messages", []) or [] if isinstance(m, str)]
    return {item.key for text in texts for found in find_citations(text) for item in found.citation.items}
