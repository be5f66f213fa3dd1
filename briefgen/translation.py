"""A translation of a brief: only its text, keyed by the source's structure, checked against the source.

A translation is a file beside its source, `<stem>.<lang>.yaml`. It holds the brief's text fields
in the layout `shape_of` gives: top-level fields, `key_messages` by index, `sections` and `groups`
by their order, `recommendations` by id, `audience_overrides` by audience. Everything else
(priorities, ids, dates, audiences, the bibliography) comes from the source, so it cannot drift.
Its keys are declared once below, as briefgen/brief.py declares a brief's, and its schema is made
from those declarations (`python -m briefgen.translation` writes briefgen/translation.schema.json).

`source:` records, per field, a digest of the source text it was translated from: when the source
text changes, the field is stale (a warning naming it), until the translator updates it and runs
`briefgen translate stamp`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .brief import MARKDOWN, OVERRIDABLE, Brief, Group, Recommendation, Section, _object, declared, key, written_name
from .errors import BriefError, Problem, display_path, quoted
from .translationfiles import LANGUAGE_PATTERN, translation_language
from .translationfiles import glob_escape as glob_escape  # re-exported: the names were here first
from .translationfiles import source_of as source_of
from .translationfiles import translations_beside as translations_beside
from .yamlsource import Path_, field_name, read_yaml, schema_problems

if TYPE_CHECKING:
    from .loader import Loaded

DIGEST_LENGTH = 12  # hex digits of SHA-256: enough to tell a changed paragraph, short enough to read
TEXT = {**MARKDOWN, "minLength": 1}
TEXTS = {"type": "array", "items": TEXT}


@dataclass(frozen=True)
class RecommendationText:
    title: str = key("", schema=TEXT, doc="the recommendation's title")
    short: str = key("", schema=TEXT, doc="its one-line short form")
    actors: tuple[str, ...] = key((), schema=TEXTS, doc="who must act, one entry per source actor, in order")
    timeframe: str = key("", schema={"anyOf": [TEXT, {"type": "integer"}]}, doc="when", convert=str)
    rationale: str = key("", schema=TEXT, doc="why")


@dataclass(frozen=True)
class GroupText:
    name: str = key("", schema=TEXT, doc="the group's heading", name="group")
    intro: str = key("", schema=TEXT, doc="the paragraph under it")


@dataclass(frozen=True)
class SectionText:
    title: str = key("", schema=TEXT, doc="the section's heading")
    body: str = key("", schema=TEXT, doc="its text")


@dataclass(frozen=True, kw_only=True)
class Translation:
    language: str = key(
        schema={"type": "string", "pattern": LANGUAGE_PATTERN}, doc="BCP 47 tag of the translation", required=True
    )
    title: str = key("", schema=TEXT, doc="the brief's title")
    subtitle: str = key("", schema=TEXT, doc="the line under it")
    organisation: str = key("", schema={"type": "string", "minLength": 1}, doc="who publishes it")
    series: str = key("", schema={"type": "string", "minLength": 1}, doc="e.g. Policy Brief No. 3")
    keywords: tuple[str, ...] = key(
        (), schema={"type": "array", "items": {"type": "string", "minLength": 1}}, doc="the files' keywords, in order"
    )
    summary: str = key("", schema=TEXT, doc="the summary")
    key_messages: tuple[str, ...] = key((), schema=TEXTS, doc="the key messages, one per source message, in order")
    contact: str = key("", schema=TEXT, doc="the contact line")
    sections: tuple[SectionText, ...] = key(
        (), schema={"type": "array", "items": _object(SectionText)}, doc="the sections, in the source's order"
    )
    groups: tuple[GroupText, ...] = key(
        (), schema={"type": "array", "items": _object(GroupText)}, doc="the recommendation groups, in order"
    )
    recommendations: dict[str, RecommendationText] = key(
        schema={"type": "object", "additionalProperties": _object(RecommendationText)},
        doc="recommendation id -> its text",
        factory=dict,
        hash=False,
    )
    overrides: dict[str, dict[str, object]] = key(
        schema={
            "type": "object",
            "additionalProperties": {"type": "object", "additionalProperties": False, "properties": OVERRIDABLE},
        },
        doc="audience -> the source's overrides for it, translated",
        name="audience_overrides",
        factory=dict,
        hash=False,
    )
    untranslated: tuple[str, ...] = key(
        (), schema={"type": "array", "items": {"type": "string"}}, doc="fields still holding the source text"
    )
    digests: dict[str, str] = key(
        schema={"type": "object", "additionalProperties": {"type": "string", "pattern": "^[0-9a-f]{12}$"}},
        doc="field -> digest of the source text it was translated from (`briefgen translate stamp`)",
        name="source",
        factory=dict,
        hash=False,
    )


STAMP = "update it and run `briefgen translate stamp`"
BOOKKEEPING = ("language", "untranslated", "source")  # keys that are not the brief's text


@cache
def translation_schema() -> dict[str, Any]:
    """The JSON Schema of a translation file, made from the declarations above."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://briefgen.example/translation.schema.json",
        "title": "briefgen translation",
        "description": "The text of a brief in another language, keyed by the source brief's structure.",
        **_object(Translation),
        "$defs": {"markdown": {"type": "string", "description": "Markdown, with the source field's citations"}},
    }


def schema_text() -> str:
    return json.dumps(translation_schema(), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- the source's text, in the translation's layout


def _texts(obj: Any, declaration: type, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The text fields `declaration` declares, taken from `obj` (a field of the same name) when they hold
    something, by written name (tuples as lists)."""
    found = {}
    for f in declared(declaration):
        if written_name(f) in skip or (value := getattr(obj, f.name)) in ("", ()):
            continue
        found[written_name(f)] = list(value) if isinstance(value, tuple) else value
    return found


NESTED = ("sections", "groups", "recommendations", "audience_overrides")  # the translation's keys holding more


def shape_of(brief: Brief) -> dict[str, Any]:
    """Every text field of `brief`, laid out as a translation holds them: what `translate init` writes."""
    shape = _texts(brief, Translation, skip=(*BOOKKEEPING, *NESTED))
    if brief.sections:
        shape["sections"] = [_texts(s, SectionText) for s in brief.sections]
    shape["groups"] = [_texts(g, GroupText) for g in brief.groups]
    shape["recommendations"] = {r.id: _texts(r, RecommendationText) for r in brief.recommendations}
    if brief.overrides:
        shape["audience_overrides"] = {name: dict(fields_) for name, fields_ in brief.overrides.items()}
    return shape


def leaves(data: Any, path: Path_ = ()) -> dict[Path_, str]:
    """Every text of a layout, by its path: what digests and citations are kept per."""
    if isinstance(data, dict):
        return {
            p: t
            for k, v in data.items()
            if not (path == () and k in BOOKKEEPING)
            for p, t in leaves(v, (*path, k)).items()
        }
    if isinstance(data, list):
        return {p: t for i, v in enumerate(data) for p, t in leaves(v, (*path, i)).items()}
    return {path: str(data)}


def digest(text: str) -> str:
    """The short digest of a source text a translation records."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:DIGEST_LENGTH]


def source_digests(brief: Brief) -> dict[str, str]:
    """Field name -> digest of its source text, for every text field of `brief`."""
    return {field_name(p): digest(t) for p, t in leaves(shape_of(brief)).items()}


# ---------------------------------------------------------------- finding translations


# ---------------------------------------------------------------- checking a translation against its source


@dataclass
class _Check:
    """One translation being checked: where each value was written, and what was found."""

    file: str
    source: str  # the source brief, as messages name it
    pos: Any
    problems: list[Problem]
    stale: list[Problem]
    changed: list[tuple[Path_, str]] = field(default_factory=list)  # fields whose source text changed: (path, now)

    def say_changed(self, source: Path, digests: dict[str, str]) -> None:
        """A warning per changed field, with the text it was translated from when git still has it."""
        wanted = {field_name(p): digests[field_name(p)] for p, _ in self.changed}
        old = texts_in_history(source, wanted) if wanted else {}
        for path, now in self.changed:
            was = f"was: {quoted(old[field_name(path)])}; " if field_name(path) in old else ""
            self.stale.append(self.at(path, f"changed since translated ({was}source now: {quoted(now)}); {STAMP}"))

    def at(self, path: Path_, message: str, keyed: bool = False) -> Problem:
        where = (keyed and self.pos.key_marks.get(path)) or self.pos.marks.get(path)
        line, col = where if where else (1, 1)
        return Problem(self.file, line, col, field_name(path), message)


def _compare(check: _Check, source: Any, translated: Any, path: Path_ = ()) -> None:
    """Structure problems: what the source has that the translation lacks, what it adds, counts that differ."""
    if isinstance(source, dict) and isinstance(translated, dict):
        for name in source:
            if name not in translated:
                check.problems.append(_missing(check, path, name))
        for name in translated:
            if name not in source and not (path == () and name in BOOKKEEPING):
                check.problems.append(_extra(check, path, name))
            elif name in source:
                _compare(check, source[name], translated[name], (*path, name))
    elif isinstance(source, list) and isinstance(translated, list):
        if len(source) != len(translated):
            what = "entries" if path[-1] in ("key_messages", "actors") else str(path[-1])
            message = f"{len(translated)} {what} here, {len(source)} in {check.source}: one per source entry, in order"
            check.problems.append(check.at(path, message, keyed=True))
        for i, (s, t) in enumerate(zip(source, translated, strict=False)):
            _compare(check, s, t, (*path, i))


def _missing(check: _Check, path: Path_, name: str) -> Problem:
    if path == ("recommendations",):
        message = f"recommendation '{name}' of {check.source} is not translated in {check.file}"
        return check.at(path, message, keyed=True)
    return check.at(path or (name,), f"`{field_name((*path, name))}` of {check.source} is not translated", keyed=True)


def _extra(check: _Check, path: Path_, name: str) -> Problem:
    if path == ("recommendations",):
        return check.at((*path, name), f"no recommendation '{name}' in {check.source}", keyed=True)
    return check.at((*path, name), f"{check.source} has no `{field_name((*path, name))}` to translate", keyed=True)


def _text_checks(check: _Check, source: dict[Path_, str], translated: dict[Path_, str], digests: dict) -> None:
    """Each field's citations and notes against the source field's, and whether its source text changed."""
    from .markdown import citations_in, stray_syntax

    for path, text in translated.items():
        if path not in source:
            continue
        name, was = field_name(path), source[path]
        for opener, advice in stray_syntax(text) if "[" in text or "{" in text else ():
            check.problems.append(check.at(path, f"{advice} ({quoted(opener)})"))
        keys, want = _keys(citations_in, text), _keys(citations_in, was)
        if keys != want:
            check.problems.append(_citation_problem(check, path, text, keys, want))
        if (n := _notes(text)) != (m := _notes(was)):
            check.problems.append(check.at(path, f"{n} notes (^[...]); the source field has {m}"))
        if name not in digests:
            check.stale.append(check.at(path, f"no source digest recorded (source now: {quoted(was)}); {STAMP}"))
        elif digests[name] != digest(was):
            check.changed.append((path, was))


HISTORY_SECONDS = 5.0  # for the whole search: a warning's "was" text is worth no more than that


def texts_in_history(source: Path, wanted: dict[str, str], versions: int = 30) -> dict[str, str]:
    """Field -> the text a translation was made from, found in git's earlier versions of the source.

    `wanted` maps each field to the digest recorded for it; the newest `versions` commits that
    touched the source are read, newest first, until every field is found. Nothing when the
    source is in no git repository (or git is missing): a digest alone cannot give the text back.
    The search stops after `HISTORY_SECONDS` in all, with what it found: a slow or stuck git never
    holds up a build for more than that.
    """
    import subprocess
    import tempfile
    import time

    from .loader import load_brief

    deadline = time.monotonic() + HISTORY_SECONDS

    def git(*args: str) -> subprocess.CompletedProcess[bytes] | None:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            command = ["git", "-c", "core.fsmonitor=false", "--no-pager", *args]  # reads history, runs nothing
            done = subprocess.run(
                command, cwd=source.parent, capture_output=True, timeout=left, stdin=subprocess.DEVNULL
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done if done.returncode == 0 else None

    log = git("log", f"-n{versions}", "--format=%H", "--", source.name)
    found: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for commit in log.stdout.decode().split() if log else ():
            if time.monotonic() > deadline:
                break
            shown = git("cat-file", "blob", f"{commit}:./{source.name}")  # plumbing: no textconv, no pager
            if shown is None:
                continue
            (Path(scratch) / source.name).write_bytes(shown.stdout)
            try:
                then = leaves(shape_of(load_brief(Path(scratch) / source.name)))
            except BriefError:
                continue  # a version that was not a valid brief
            for path, text in then.items():
                name = field_name(path)
                if name in wanted and name not in found and digest(text) == wanted[name]:
                    found[name] = text
            if len(found) == len(wanted):
                break
    return found


def _citation_problem(check: _Check, path: Path_, text: str, keys: set[str], want: set[str]) -> Problem:
    """A field citing other keys than its source field: at the first stray citation, or at the field."""
    from .loader import _locate

    added, lacking = sorted(keys - want), sorted(want - keys)
    said = [f"cites {', '.join('@' + k for k in added)}, which the source field does not"] if added else []
    said += [f"lacks {', '.join('@' + k for k in lacking)}, which the source field cites"] if lacking else []
    message = "; ".join(said) + ": a translation cites exactly what its source field cites"
    at = text.find("@" + added[0]) if added else -1
    if at < 0:
        return check.at(path, message)
    line, col = _locate(check.pos, path, text, at, at + len(added[0]) + 1)
    return Problem(check.file, line, col, field_name(path), message)


def _keys(citations_in, text: str) -> set[str]:
    return {item.key for citation, _ in citations_in(text) for item in citation.items} if "@" in text else set()


def _notes(text: str) -> int:
    """How many notes a field's Markdown makes."""
    if "^" not in text:
        return 0
    from .markdown import parse_markdown
    from .model import Note, query

    return len(query(lambda node: [node] if isinstance(node, Note) else [], parse_markdown(text)))


def check_translation(brief: Brief, path: Path) -> tuple[dict[str, Any], list[Problem]]:
    """A translation file read and checked against `brief`: its data, and its warnings (stale fields).

    BriefError with every problem (file:line:col), structure, citations and notes alike.
    """
    file = display_path(path)
    data, pos = read_yaml(path, file, BriefError)
    if not isinstance(data, dict):
        raise BriefError(Problem(file, 1, 1, "", "a translation must be a YAML mapping (language:, title:, ...)"))
    check = _Check(
        file, display_path(brief.source), pos, pos.problems + schema_problems(data, translation_schema(), file, pos), []
    )
    if check.problems:
        raise BriefError(sorted(check.problems, key=lambda p: (p.line or 0, p.col or 0)))
    named = translation_language(path)
    if named and data["language"] != named:
        check.problems.append(check.at(("language",), f"'{data['language']}', but the file name says '{named}'"))
    shape = shape_of(brief)
    _compare(check, shape, data)
    digests = data.get("source") or {}
    _text_checks(check, leaves(shape), leaves(data), digests)
    check.say_changed(brief.source, digests)
    if untranslated := data.get("untranslated"):
        message = (
            f"{len(untranslated)} fields still hold the source text (first: {untranslated[0]}); "
            "translate them and run `briefgen translate stamp`"
        )
        check.stale.append(check.at(("untranslated",), message, keyed=True))
    if check.problems:
        raise BriefError(sorted(check.problems, key=lambda p: (p.line or 0, p.col or 0)))
    return data, sorted(check.stale, key=lambda p: (p.line or 0, p.col or 0))


# ---------------------------------------------------------------- the translated brief


def _converted(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """Field name -> value for the written `values`, converted as `cls` declares (a title is stripped)."""
    found = {}
    for f in declared(cls):
        if (name := written_name(f)) in values:
            value = values[name]
            convert = f.metadata["convert"]
            found[f.name] = convert(value) if convert else tuple(value) if isinstance(value, list) else value
    return found


def translated(brief: Brief, data: dict[str, Any]) -> Brief:
    """The source brief with the translation's text in place, its language, and the id `<id>.<lang>`.

    The id names the output folder and files (`out/<id>.<lang>/<id>.<lang>_<audience>.<ext>`);
    no document shows a brief's id.
    """
    language = data["language"]
    texts = data.get("recommendations", {})

    def group(g: Group, text: dict[str, Any]) -> Group:
        items = tuple(replace(r, **_converted(Recommendation, texts.get(r.id, {}))) for r in g.items)
        return replace(g, **_converted(Group, text), items=items)

    top = {k: v for k, v in data.items() if k not in (*BOOKKEEPING, *NESTED)}
    overrides = {
        name: {**fields_, **data.get("audience_overrides", {}).get(name, {})}
        for name, fields_ in brief.overrides.items()
    }
    return replace(
        brief,
        **_converted(Brief, top),
        sections=tuple(
            replace(s, **_converted(Section, t)) for s, t in zip(brief.sections, data.get("sections", ()), strict=True)
        ),
        groups=tuple(group(g, t) for g, t in zip(brief.groups, data.get("groups", ()), strict=True)),
        overrides=overrides,
        language=language,
        id=f"{brief.id}.{language}",
    )


def load_translation(loaded: Loaded, path: Path) -> Loaded:
    """A loaded brief as its translation in `path`: the translated brief, the same references, the file added."""
    data, stale = check_translation(loaded.brief, path)
    files = (*loaded.files, Path(os.path.abspath(path)))
    return replace(loaded, brief=translated(loaded.brief, data), files=files, translation=path, stale=tuple(stale))


if __name__ == "__main__":
    target = Path(__file__).resolve().parent / "translation.schema.json"
    target.write_text(schema_text(), encoding="utf-8")
    print(target)
