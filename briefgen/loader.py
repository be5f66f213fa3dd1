"""Stage 1: read a brief's YAML, validate it against the schema, return a `Brief`.

Every mistake in a file is collected before stopping, each with the line and
column PyYAML's node marks give, so a user fixes them all in one pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .brief import Brief, Group, Person, Recommendation, Section
from .errors import BibliographyError, BriefError, Problem, display_path, quoted, suggestion
from .names import ID, MAX_ID, id_problem, reserved
from .yamlsource import Path_, Positions, field_name, load_schema, read_yaml, schema_problems


def _list(value: Any) -> list[Any]:
    """Walk only what has the right shape; the schema reports the rest."""
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


MARKDOWN_REF = "#/$defs/markdown"  # the schema marks every Markdown field with this


def markdown_fields(data: Any, schema: dict[str, Any], root: dict[str, Any], path: Path_ = ()):
    """Every Markdown field of a brief, as (path, text): the schema says which fields are Markdown."""
    if schema.get("$ref") == MARKDOWN_REF or any(b.get("$ref") == MARKDOWN_REF for b in schema.get("anyOf", ())):
        if isinstance(data, str):
            yield path, data
        return
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    if isinstance(data, dict):
        extra = schema.get("additionalProperties")
        for key, value in data.items():
            sub = schema.get("properties", {}).get(key, extra if isinstance(extra, dict) else None)
            if sub is not None:
                yield from markdown_fields(value, sub, root, (*path, key))
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for i, value in enumerate(data):
            yield from markdown_fields(value, schema["items"], root, (*path, i))


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


def _may_hold_stray_syntax(value: str) -> bool:
    """Whether parsing `value` could find an unclosed `^[` or `[@`, or a `]{lang` read as text.

    Text without `[` parses to text without it, unless an entity (`&#91;`) or an
    autolink's escape (`<https://x/%5B>`) makes one; notes referring to notes need `[` too.
    A language tag needs a `{`, whether its `[` is there or forgotten.
    Parsing every field was two thirds of loading a brief; nine in ten fields have neither.
    """
    return "[" in value or "{" in value or "&" in value or "%" in value


class NoBibliography(BibliographyError):
    """Raised by a `known_keys` callback that found no .bib file: one problem, not one per citation.

    A BriefgenError, so that wherever it escapes (a .bib removed after a build) it is a message,
    never an internal error; a brief that cites nothing needs no bibliography and never sees it.
    """

    def __init__(self, looked_in: Iterable[str]) -> None:
        self.looked_in = tuple(looked_in)
        places = ", ".join(self.looked_in) or "no place"
        super().__init__(f"no bibliography found (looked in {places}); name one with --bib or `bibliography:`")


def load_brief(
    path: Path,
    *,
    known_keys: Callable[[tuple[Path, ...]], Iterable[str]] | None = None,
    audiences: Iterable[str] | None = None,
) -> Brief:
    """Read and validate one brief.

    `known_keys(declared)` gives the bibliography's keys, for citations; `declared` is the
    brief's own `bibliography:` files, so the caller can choose the .bib files in the same pass.
    It raises `NoBibliography` when there is none.
    """
    from .markdown import citations_in, stray_syntax  # markdown-it: imported when a brief is read, not with this module

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

    date = data.get("date")
    if isinstance(date, str) and re.fullmatch(r"0\d{3}-\d\d-\d\d", date):
        line, col = pos.marks.get(("date",), (None, None))
        problems.append(Problem(file, line, col, "date", f"'{date}': a year before 1000 cannot be a brief's date"))
    written_id = data.get("id")
    if isinstance(written_id, str) and ID.fullmatch(written_id) and (why := id_problem(written_id)):
        line, col = pos.marks.get(("id",), (None, None))
        problems.append(Problem(file, line, col, "id", why))  # the schema reports other alphabets
    if "id" not in data and not file_id(Path(path)):
        problems.append(
            Problem(
                file, 1, 1, "id", f"the file name gives no usable id; add `id:` (a-z, 0-9 and -, as in {ID_EXAMPLE})"
            )
        )

    schema = load_schema("brief.schema.json")
    cited: dict[str, None] = {}
    citations = []
    for p, value in markdown_fields(data, schema, schema):
        for opener, advice in stray_syntax(value) if _may_hold_stray_syntax(value) else ():
            start = value.find(opener)
            line, col = _locate(pos, p, value, start, start + len(opener))
            problems.append(Problem(file, line, col, field_name(p), advice))
        cursor = 0
        for citation, written in citations_in(value) if "@" in value else ():  # every citation has an @
            start = value.find(written, cursor)
            start = max(start, 0)
            cursor = start + len(written)
            citations.append((p, value, start, cursor, citation))
            cited.update(dict.fromkeys(item.key for item in citation.items))

    declared = data.get("bibliography")
    for i, name in enumerate([declared] if isinstance(declared, str) else declared or ()):
        if isinstance(name, str) and name and not name.lower().endswith(".bib"):
            where = ("bibliography",) if isinstance(declared, str) else ("bibliography", i)
            line, col = pos.marks.get(where, (None, None))
            # any file would do otherwise: /etc/passwd's lines would come back as "entries not cited"
            problems.append(Problem(file, line, col, field_name(where), f"{quoted(name)} is not a .bib file"))
    if problems and any(p.field.startswith("bibliography") for p in problems):
        raise BriefError(sorted(problems, key=lambda p: (p.line or 0, p.col or 0)))

    if known_keys is not None:
        try:
            keys = set(known_keys(declared_bibliographies(data, Path(path))))
        except NoBibliography as missing:
            keys, looked_in = None, missing.looked_in
        if keys is None and citations:
            p, value, start, end, citation = citations[0]
            line, col = _locate(pos, p, value, start, end)
            problems.append(
                Problem(
                    file,
                    line,
                    col,
                    field_name(p),
                    f"cites @{citation.items[0].key} but no bibliography was found (looked in "
                    f"{', '.join(looked_in) or 'no place'}); name one with --bib or `bibliography:`",
                )
            )
        for p, value, start, end, citation in citations if keys is not None else ():
            for item in citation.items:
                if item.key not in keys:
                    line, col = _locate(pos, p, value, start, end)
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
    return _to_brief(data, Path(path), tuple(cited))


ID_EXAMPLE = "kazakhstan-osce-2010"


def file_id(path: Path) -> str:
    """The id a brief without `id:` takes from its file name, in the id alphabet.

    Ids name output folders and files, so only a-z, 0-9 and inner hyphens survive:
    `...yaml` or `../x.yaml` can never name a folder outside the output folder.
    """
    stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode("ascii").lower()
    found = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:MAX_ID].strip("-")
    return f"{found}-brief" if reserved(found) else found  # con.yaml: `con` is no file name on Windows


def declared_bibliographies(data: dict[str, Any], path: Path) -> tuple[Path, ...]:
    """`bibliography:` as one file or a list, relative to the brief."""
    declared = data.get("bibliography")
    names = [declared] if isinstance(declared, str) else declared if isinstance(declared, list) else []
    return tuple(path.parent / name for name in names if isinstance(name, str) and name)


def _to_brief(data: dict[str, Any], path: Path, cited: tuple[str, ...]) -> Brief:
    def recommendation(d: dict[str, Any]) -> Recommendation:
        return Recommendation(
            id=d["id"],
            title=d["title"].strip(),
            priority=d["priority"],
            actors=tuple(d.get("actors") or ()),
            timeframe=str(d.get("timeframe", "")),
            rationale=d.get("rationale", ""),
            short=re.sub(r"\s+", " ", d.get("short", "")).strip(),
            audiences=tuple(d.get("audiences") or ()),
        )

    return Brief(
        id=data.get("id") or file_id(path),
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
        bibliography=declared_bibliographies(data, path),
        overrides={k: dict(v) for k, v in (data.get("audience_overrides") or {}).items()},
        cited=cited,
    )
