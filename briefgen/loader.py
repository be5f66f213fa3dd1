"""Stage 1: read a brief's YAML, validate it against the schema, return a `Brief`.

Every mistake in a file is collected before stopping, each with the line and
column PyYAML's node marks give, so a user fixes them all in one pass.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .brief import MARKDOWN_REF, Brief, brief_schema, from_data
from .brieffiles import NoBibliography, declared_bibliographies, declared_follows, file_id, find_bibliographies
from .brieffiles import input_files as input_files  # what loading reads; a no-op build asks brieffiles itself
from .brieffiles import uncited_warnings as uncited_warnings
from .errors import BriefError, Problem, display_path, quoted, suggestion
from .names import ID, id_problem
from .yamlsource import Path_, Positions, field_name, read_yaml, schema_problems

if TYPE_CHECKING:
    from .bibliography import Reference


def _list(value: Any) -> list[Any]:
    """Walk only what has the right shape; the schema reports the rest."""
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


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


@dataclass(frozen=True)
class Loaded:
    """A brief with its bibliography, and every file loading read: what the build's digest covers."""

    brief: Brief
    references: dict[str, Reference]
    bibliographies: tuple[Path, ...]  # the .bib files chosen for it, merged; () if none was found
    files: tuple[Path, ...]  # the brief, each .bib file, the edition it follows (then the translation file)
    translation: Path | None = None  # the translation file the brief's text came from (translation.load_translation)
    stale: tuple[Problem, ...] = ()  # a translation's fields whose source text changed since they were translated

    @property
    def uncited(self) -> tuple[str, ...]:
        """Bibliography keys no Markdown field of the brief cites."""
        return tuple(sorted(set(self.references) - set(self.brief.cited)))

    @property
    def warnings(self) -> tuple[str, ...]:
        """What loading warns of: entries no field cites (a translation: its stale fields, the source said the rest).

        A build records them to say again when up to date.
        """
        from .followup import unexplained

        if self.translation is not None:
            return tuple(str(p) for p in self.stale)
        said = uncited_warnings(self.brief.source, self.bibliographies, self.uncited)
        return said + tuple(str(p) for p in unexplained(self.brief))


def load(path: Path, bib_options: Iterable[Path] = (), audiences: Iterable[str] | None = None) -> Loaded:
    """Read and validate one brief, find its bibliography and check every citation against it."""
    from .bibliography import load_bibliographies

    read = _validated(Path(path), audiences)
    brief_file = Path(os.path.abspath(path))
    earlier = _earlier_edition(read)
    follows = (Path(os.path.abspath(earlier.source)),) if earlier else ()
    try:
        bibs = find_bibliographies(Path(path), bib_options, declared_bibliographies(read.data, Path(path)))
    except NoBibliography as missing:
        brief = _finished(read, None, missing.looked_in)
        return Loaded(replace(brief, earlier=earlier), {}, (), (brief_file, *follows))
    references = load_bibliographies(bibs)
    files = (brief_file, *(Path(os.path.abspath(b)) for b in bibs), *follows)
    return Loaded(replace(_finished(read, references, ()), earlier=earlier), references, bibs, files)


DATE = re.compile(r"\d{4}-\d\d-\d\d")  # as the schema's `format: date` takes it; compared as text


def load_brief(path: Path, *, keys: Iterable[str] | None = None, audiences: Iterable[str] | None = None) -> Brief:
    """Read and validate one brief; with `keys`, check its citations against them."""
    read = _validated(Path(path), audiences)
    earlier = _earlier_edition(read)
    return replace(_finished(read, None if keys is None else set(keys), None), earlier=earlier)


def _earlier_edition(read: _Read) -> Brief | None:
    """The edition `follows:` names, read and validated as a brief of its own (its own `follows:` is not
    followed: a follow-up reports on one edition); what ties the two together checked here, at this brief's lines.
    """
    path = declared_follows(read.data, read.path)
    problems = []
    if path is None and read.data.get("dropped"):
        problems.append(_at(read, ("dropped",), "there is no earlier edition to drop from: add `follows:`", keyed=True))
    earlier = None
    if path is not None:
        if not path.is_file():
            problems.append(_at(read, ("follows",), f"{quoted(display_path(path))}: no such brief"))
        elif path.resolve() == read.path.resolve():
            problems.append(_at(read, ("follows",), "a brief cannot follow itself; name the earlier edition"))
        else:
            earlier = _finished(_validated(path, None), None, None)  # its own mistakes, at its own lines
            problems += _edition_problems(read, earlier)
    read.problems += problems  # said with the brief's other mistakes
    return earlier


def _edition_problems(read: _Read, earlier: Brief) -> list[Problem]:
    """`dropped:` names ids of the earlier edition that this one leaves out; the earlier's statuses are this one's."""
    from .statuses import vocabulary

    ours = {
        r["id"]
        for g in _list(read.data.get("recommendations"))
        for r in _list(_dict(g).get("items"))
        if isinstance(r, dict)
    }
    theirs = [r.id for r in earlier.recommendations]
    file = display_path(earlier.source)
    problems = []
    for rec_id in _dict(read.data.get("dropped")):
        if rec_id in ours:
            problems.append(
                _at(
                    read,
                    ("dropped", rec_id),
                    f"'{rec_id}' is in this edition too; it is carried over, not dropped",
                    keyed=True,
                )
            )
        elif rec_id not in theirs:
            why = f"'{rec_id}' is not a recommendation of {file}" + suggestion(rec_id, theirs, "its ids")
            problems.append(_at(read, ("dropped", rec_id), why, keyed=True))
    declared = [s.get("name") for s in _list(read.data.get("statuses")) if isinstance(s, dict)]
    names = set(declared) if declared else {s.name for s in vocabulary(())}
    used = sorted({u.status for r in earlier.recommendations for u in r.history} - names)
    if used:
        problems.append(_at(read, ("follows",), f"{file} uses statuses this brief does not declare: {', '.join(used)}"))
    return problems + _dates_since_made(read, earlier)


def _dates_since_made(read: _Read, earlier: Brief) -> list[Problem]:
    """In a follow-up, a carried-over recommendation may be assessed from the day the earlier edition made it;
    a new one from this brief's date."""
    made = {r.id: earlier.date.isoformat() for r in earlier.recommendations}
    own = read.data.get("date") if isinstance(read.data.get("date"), str) else ""
    problems = []
    for g, group in enumerate(_list(read.data.get("recommendations"))):
        for i, rec in enumerate(_list(_dict(group).get("items"))):
            since = made.get(_dict(rec).get("id"), own)  # type: ignore[arg-type]
            for j, entry in enumerate(_list(_dict(rec).get("status"))):
                when = _dict(entry).get("date")
                if isinstance(when, str) and DATE.fullmatch(when) and since and when < since:
                    where = ("recommendations", g, "items", i, "status", j, "date")
                    whose = "the earlier edition's" if since != own else "the brief's"
                    problems.append(_at(read, where, f"{when} is before {whose} date ({since})"))
    return problems


@dataclass
class _Read:
    """One brief file read and checked, before its citations meet a bibliography."""

    path: Path
    file: str  # as messages name it
    data: dict[str, Any]
    pos: Positions
    problems: list[Problem]
    citations: list[tuple[Path_, str, int, int, Any]]  # (field, its text, start, end, Citation)
    cited: tuple[str, ...]


def _validated(path: Path, audiences: Iterable[str] | None) -> _Read:
    """Every problem the file shows by itself, collected; those of `bibliography:` stop here."""
    file = display_path(path)
    data, pos = read_yaml(path, file, BriefError)
    if not isinstance(data, dict):
        raise BriefError(
            Problem(file, 1, 1, "", "a brief must be a YAML mapping (title:, date:, recommendations:, ...)")
        )
    read = _Read(path, file, data, pos, pos.problems + schema_problems(data, brief_schema(), file, pos), [], ())
    read.problems += _duplicate_ids(read)
    if audiences is not None:
        read.problems += _unknown_audiences(read, sorted(audiences))
    read.problems += _date_and_id_problems(read)
    read.problems += _status_problems(read)
    _markdown_checks(read)
    read.problems += _empty_titles(read)
    read.problems += _bibliography_name_problems(read)
    if any(p.field.startswith("bibliography") for p in read.problems):
        raise BriefError(_in_order(read.problems))
    return read


def _in_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.col or 0))


def _at(read: _Read, path: Path_, message: str, keyed: bool = False) -> Problem:
    """A problem at the value written at `path` (at its key, if `keyed` and the key was written)."""
    where = (keyed and read.pos.key_marks.get(path)) or read.pos.marks.get(path)
    line, col = where if where else (None, None)
    return Problem(read.file, line, col, field_name(path), message)


def _duplicate_ids(read: _Read) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for g, group in enumerate(_list(read.data.get("recommendations"))):
        for i, rec in enumerate(_list(_dict(group).get("items"))):
            if not isinstance(rec, dict) or not isinstance(rec.get("id"), str):
                continue
            path = ("recommendations", g, "items", i, "id")
            if rec["id"] in seen:
                problems.append(
                    _at(read, path, f"duplicate recommendation id '{rec['id']}' (first used at {seen[rec['id']]})")
                )
            else:
                seen[rec["id"]] = field_name(path)
    return problems


def _unknown_audiences(read: _Read, known: list[str]) -> list[Problem]:
    data = read.data
    tagged: list[tuple[Path_, Any]] = [
        (("audience_overrides", name), name) for name in _dict(data.get("audience_overrides"))
    ]
    for s, sec in enumerate(_list(data.get("sections"))):
        tagged += [(("sections", s, "audiences", a), name) for a, name in enumerate(_list(_dict(sec).get("audiences")))]
    for g, group in enumerate(_list(data.get("recommendations"))):
        for i, rec in enumerate(_list(_dict(group).get("items"))):
            where = ("recommendations", g, "items", i, "audiences")
            tagged += [((*where, a), name) for a, name in enumerate(_list(_dict(rec).get("audiences")))]
    return [
        _at(read, path, f"unknown audience '{name}'" + suggestion(name, known, "known"), keyed=True)
        for path, name in tagged
        if isinstance(name, str) and name not in known
    ]


def _date_and_id_problems(read: _Read) -> list[Problem]:
    data, problems = read.data, []
    date = data.get("date")
    if isinstance(date, str) and re.fullmatch(r"0\d{3}-\d\d-\d\d", date):
        problems.append(_at(read, ("date",), f"'{date}': a year before 1000 cannot be a brief's date"))
    written_id = data.get("id")
    if isinstance(written_id, str) and ID.fullmatch(written_id) and (why := id_problem(written_id)):
        problems.append(_at(read, ("id",), why))  # the schema reports other alphabets
    if "id" not in data and not file_id(read.path):
        message = f"the file name gives no usable id; add `id:` (a-z, 0-9 and -, as in {ID_EXAMPLE})"
        problems.append(Problem(read.file, 1, 1, "id", message))
    return problems


def _status_problems(read: _Read) -> list[Problem]:
    """Each recommendation's status history: statuses of the brief's vocabulary, dates from the brief's on,
    oldest first."""
    from .statuses import ODIHR

    data = read.data
    declared = [s.get("name") for s in _list(data.get("statuses")) if isinstance(s, dict)]
    names = [n for n in declared if isinstance(n, str)] or [s.name for s in ODIHR]
    brief_date = data.get("date") if isinstance(data.get("date"), str) and DATE.fullmatch(data["date"]) else ""
    problems = []
    for g, group in enumerate(_list(data.get("recommendations"))):
        for i, rec in enumerate(_list(_dict(group).get("items"))):
            previous = ""
            for j, entry in enumerate(_list(_dict(rec).get("status"))):
                where = ("recommendations", g, "items", i, "status", j)
                status, when = _dict(entry).get("status"), _dict(entry).get("date")
                if isinstance(status, str) and status not in names:
                    why = f"unknown status '{status}'" + suggestion(status, names, "the brief's statuses")
                    problems.append(_at(read, (*where, "status"), why))
                if not (isinstance(when, str) and DATE.fullmatch(when)):
                    continue  # the schema says what is wrong with it
                if brief_date and when < brief_date and "follows" not in data:  # else: _dates_since_made
                    problems.append(_at(read, (*where, "date"), f"{when} is before the brief's date ({brief_date})"))
                elif previous and when < previous:
                    message = f"{when} is before the entry above it ({previous}); the history goes oldest first"
                    problems.append(_at(read, (*where, "date"), message))
                previous = max(previous, when)
    return problems


def _empty_titles(read: _Read) -> list[Problem]:
    """A title that reads as no text (an image, an empty link, a citation alone) names no document:
    screen readers, the PDF's /Title and the mail's subject would fall back to a file name."""
    from .markdown import parse_inline
    from .model import plain_text

    written = read.data.get("language")
    language = written if isinstance(written, str) else "en"
    titled: list[Path_] = [("title",)]
    titled += [("audience_overrides", name, "title") for name in _dict(read.data.get("audience_overrides"))]
    problems = []
    for path in titled:
        value: Any = read.data
        for key in path:
            value = _dict(value).get(str(key))
        empty = path == ("title",) and not value  # the schema says that one
        if isinstance(value, str) and not empty and not plain_text(parse_inline(value, language)).strip():
            problems.append(
                _at(read, path, "reads as no text (an image, an empty link or a citation alone); write its words")
            )
    return problems


def _markdown_checks(read: _Read) -> None:
    """Stray `^[`/`[@` in every Markdown field, as problems; and every citation, kept for the bibliography."""
    from .markdown import citations_in, stray_syntax  # markdown-it: imported when a brief is read, not with this module

    cited: dict[str, None] = {}
    schema = brief_schema()
    for p, value in markdown_fields(read.data, schema, schema):
        for opener, advice in stray_syntax(value) if _may_hold_stray_syntax(value) else ():
            start = value.find(opener)
            line, col = _locate(read.pos, p, value, start, start + len(opener))
            read.problems.append(Problem(read.file, line, col, field_name(p), advice))
        cursor = 0
        for citation, written in citations_in(value) if "@" in value else ():  # every citation has an @
            start = max(value.find(written, cursor), 0)
            cursor = start + len(written)
            read.citations.append((p, value, start, cursor, citation))
            cited.update(dict.fromkeys(item.key for item in citation.items))
    read.cited = tuple(cited)


def _bibliography_name_problems(read: _Read) -> list[Problem]:
    declared = read.data.get("bibliography")
    problems = []
    for i, name in enumerate([declared] if isinstance(declared, str) else declared or ()):
        if isinstance(name, str) and name and not name.lower().endswith(".bib"):
            where = ("bibliography",) if isinstance(declared, str) else ("bibliography", i)
            # any file would do otherwise: /etc/passwd's lines would come back as "entries not cited"
            problems.append(_at(read, where, f"{quoted(name)} is not a .bib file"))
    return problems


def _finished(read: _Read, keys: Collection[str] | None, looked_in: tuple[str, ...] | None) -> Brief:
    """The brief, once its citations are checked against `keys`; `looked_in`: where no bibliography was.

    With neither, citations are not checked.
    """
    problems = list(read.problems)
    if keys is None and looked_in is not None and read.citations:
        p, value, start, end, citation = read.citations[0]
        line, col = _locate(read.pos, p, value, start, end)
        message = (
            f"cites @{citation.items[0].key} but no bibliography was found (looked in "
            f"{', '.join(looked_in) or 'no place'}); name one with --bib or `bibliography:`"
        )
        problems.append(Problem(read.file, line, col, field_name(p), message))
    for p, value, start, end, citation in read.citations if keys is not None else ():
        for item in citation.items:
            if keys is not None and item.key not in keys:
                line, col = _locate(read.pos, p, value, start, end)
                problems.append(Problem(read.file, line, col, field_name(p), _unknown_key(item.key, keys)))
    if problems:
        raise BriefError(_in_order(problems))
    return _to_brief(read.data, read.path, read.cited)


def _unknown_key(key: str, keys: Collection[str]) -> str:
    hint = difflib.get_close_matches(key, sorted(keys), n=3, cutoff=0.5)
    return f"unknown citation key '@{key}'" + (f" (did you mean {', '.join('@' + h for h in hint)}?)" if hint else "")


ID_EXAMPLE = "kazakhstan-osce-2010"


def _to_brief(data: dict[str, Any], path: Path, cited: tuple[str, ...]) -> Brief:
    """The validated mapping as a Brief: each key as brief.py declares it; what the file does not say, here."""
    return from_data(
        Brief,
        data,
        id=data.get("id") or file_id(path),
        source=path,
        bibliography=declared_bibliographies(data, path),
        follows=declared_follows(data, path),
        cited=cited,
    )
