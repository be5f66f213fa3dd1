"""`translate export` and `translate import`: a translation as a gettext PO file, for translators' tools.

One message per text field: msgctxt is the field's name (as `translate stamp` and warnings name it),
msgid its source text, msgstr the translation. A field whose source changed since it was translated
is fuzzy, with its old text as the previous msgid when git still has it. Import checks each msgstr
keeps its source field's citations and notes, then writes `<stem>.<lang>.yaml` as `init` does.
"""

from __future__ import annotations

import copy
import io
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from ..errors import BriefError, BriefgenError, Problem, display_path
from ..translation import _keys, _notes, digest, leaves, shape_of, texts_in_history
from ..yamlsource import Path_, field_name, read_yaml
from .translate import HEADER, dump, translation_path


def _source_path(path: Path_, brief: Any) -> Path_:
    """Where a field of the translation's layout is written in the brief (groups hold their items)."""
    if path[:1] == ("groups",) and len(path) > 2:
        return ("recommendations", path[1], path[2])
    if path[:1] == ("recommendations",) and len(path) > 2:
        for g, group in enumerate(brief.groups):
            for i, item in enumerate(group.items):
                if item.id == path[1]:
                    return ("recommendations", g, "items", i, *path[2:])
    return path


def _line(marks: dict, path: Path_) -> int:
    """The line a field is written on, or its nearest enclosing value's."""
    while path:
        if path in marks:
            return int(marks[path][0])
        path = path[:-1]
    return 1


def _existing(brief_path: Path, language: str) -> dict[str, Any]:
    target = translation_path(brief_path, language)
    if not target.exists():
        return {}
    data, _ = read_yaml(target, display_path(target), BriefError)
    return data if isinstance(data, dict) else {}


def export_po(brief_path: Path, language: str) -> bytes:
    """The PO file of a brief's translation into `language`: every text field, translated or not."""
    from ..loader import load_brief

    brief = load_brief(brief_path)
    file = display_path(brief_path)
    _, pos = read_yaml(brief_path, file, BriefError)
    translation = _existing(brief_path, language)
    texts, digests = leaves(translation), translation.get("source") or {}
    untranslated = set(translation.get("untranslated") or ())
    source = leaves(shape_of(brief))
    changed = {field_name(p): digests[field_name(p)] for p, t in source.items() if _changed(digests, p, t)}
    old = texts_in_history(brief_path, changed) if changed and texts else {}
    when = datetime.combine(brief.date, time(), UTC)
    catalog = Catalog(
        locale=language.replace("-", "_"),
        header_comment=PO_HEADER.format(language=language, file=file, title=brief.title.replace("\n", " ")),
        project=brief.id,
        version=brief.date.isoformat(),
        copyright_holder=brief.organisation or "",
        msgid_bugs_address=_address(brief.contact),
        creation_date=when,
        revision_date=when,
        language_team=language,
        fuzzy=False,
    )
    catalog.last_translator = ""  # the translator's tool fills it in; never Babel's "FULL NAME <EMAIL@ADDRESS>"
    for path, text in source.items():
        name = field_name(path)
        string = texts.get(path, "") if name not in untranslated else ""
        fuzzy = bool(string) and name in changed
        catalog.add(
            text,
            string,
            locations=[(file, _line(pos.marks, _source_path(path, brief)))],
            flags=("fuzzy",) if fuzzy else (),
            context=name,
            previous_id=old[name] if fuzzy and name in old else (),
        )
    out = io.BytesIO()
    write_po(out, catalog, include_previous=True, sort_output=False)
    return out.getvalue()


PO_HEADER = """\
# Translation into '{language}' of {file}: {title}
# Each entry is one text field of the brief (msgctxt: its place; the reference: its line).
# Keep every [@citation] and ^[note]; `briefgen translate import` turns this file into the translation.
#"""


def _address(contact: str) -> str:
    """The contact's email address, where it is one: where a translator asks about the source."""
    from email.utils import parseaddr

    address = parseaddr(contact)[1]
    return address if "@" in address else ""


def _changed(digests: dict[str, str], path: Path_, text: str) -> bool:
    name = field_name(path)
    return name in digests and digests[name] != digest(text)


def _entry_problems(file: str, message: Any, was: str) -> list[Problem]:
    """A msgstr that cites other keys, or makes another number of notes, than its source field."""
    from ..markdown import citations_in

    text, name, problems = str(message.string), str(message.context), []
    keys, want = _keys(citations_in, text), _keys(citations_in, was)
    if keys != want:
        added, lacking = sorted(keys - want), sorted(want - keys)
        said = [f"cites {', '.join('@' + k for k in added)}, which the source field does not"] if added else []
        said += [f"lacks {', '.join('@' + k for k in lacking)}, which the source field cites"] if lacking else []
        problems.append(Problem(file, message.lineno, None, name, "; ".join(said) + ": keep every [@key]"))
    if (n := _notes(text)) != (m := _notes(was)):
        problems.append(Problem(file, message.lineno, None, name, f"{n} notes (^[...]); the source field has {m}"))
    return problems


def _put(data: Any, path: Path_, value: str) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def import_po(po_path: Path, brief_path: Path) -> tuple[Path, int, int]:
    """Write the translation a translated PO file holds beside the brief: its path, fields stamped, fields open.

    A fuzzy entry, or one whose msgid is not the source's text now, keeps the digest it had (stale)
    or is listed untranslated; nothing is written when any entry breaks a citation or a note.
    """
    from ..loader import load_brief

    file = display_path(po_path)
    with open(po_path, "rb") as stream:
        catalog = read_po(stream, abort_invalid=True)
    if catalog.locale_identifier is None:
        raise BriefgenError(f"{file}: no Language in the PO header: export it with `briefgen translate export --to`")
    language = str(catalog.locale_identifier).replace("_", "-")
    brief = load_brief(brief_path)
    shape = shape_of(brief)
    source = {field_name(p): (p, t) for p, t in leaves(shape).items()}
    previous = _existing(brief_path, language).get("source") or {}
    body, digests, untranslated, problems, stamped = copy.deepcopy(shape), {}, [], [], 0
    for message in catalog:
        if not message.id:
            continue  # the header
        name = str(message.context or "")
        if name not in source:
            problems.append(Problem(file, message.lineno, None, name, f"{display_path(brief_path)} has no such field"))
            continue
        path, was = source[name]
        if message.string:
            problems += _entry_problems(file, message, was)
            _put(body, path, str(message.string))
        if message.string and not message.fuzzy and message.id == was:
            digests[name] = digest(was)
            stamped += 1
        elif message.string and name in previous:
            digests[name] = previous[name]  # fuzzy: still stale, as it was
        else:
            untranslated.append(name)
    if problems:
        raise BriefError(sorted(problems, key=lambda p: p.line or 0))
    target = translation_path(brief_path, language)
    data = {"language": language, **body, **({"untranslated": untranslated} if untranslated else {})}
    data["source"] = digests
    header = HEADER.format(source=brief_path.name, language=language, name=target.name)
    target.write_text(header + "\n" + dump(data), encoding="utf-8")
    return target, stamped, len(digests) - stamped + len(untranslated)
