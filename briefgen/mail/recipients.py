"""Distribution lists: who gets which audience's brief, validated like a brief.

A list is data the analyst keeps: a CSV file with the mail-merge columns
`email,name,audience` (and optionally `field`: to, cc or bcc), a YAML list of the same
mappings, or a mapping audience -> addresses (in a YAML file or as the brief's own
`distribution:`), where an audience may also carry a covering `note:` and
`individual: true` (a message of its own for each recipient). A recipient, or a whole
list, may give a `language`: they get the brief's translation into it, where there is one
(mail/languages.py). Every address is checked
(email-validator, no DNS lookups) and every mistake is reported with its file and line,
all at once, before anything is built or sent. Only `mail` and `check` read lists:
`build` does not depend on them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import MailError, Problem, display_path, suggestion
from ..translation import LANGUAGE_PATTERN
from ..yamlsource import field_name

if TYPE_CHECKING:  # the email package is imported when an address is read (the brief model holds recipients)
    from email.headerregistry import Address

FIELDS = ("to", "cc", "bcc")
CSV_DELIMITERS = ",;\t"  # Excel writes `;` in locales with a decimal comma
RECIPIENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["email"],
    "additionalProperties": False,
    "properties": {
        "email": {"type": "string", "minLength": 1},
        "name": {"type": "string"},
        "audience": {"type": "string", "minLength": 1},
        "field": {"enum": list(FIELDS)},
        "language": {"type": "string", "minLength": 1, "description": "BCP 47 tag: the language they read"},
    },
}
_ADDRESSES = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": ["string", "object"],
        "minLength": 1,
        "required": ["email"],
        "additionalProperties": False,
        "properties": {k: v for k, v in RECIPIENT_SCHEMA["properties"].items() if k != "audience"},
    },
}
LIST_SCHEMA: dict[str, Any] = {  # an audience's entry when it says more than its addresses
    "type": "object",
    "required": ["recipients"],
    "additionalProperties": False,
    "properties": {
        "recipients": _ADDRESSES,
        "note": {
            "type": ["string", "object"],
            "minLength": 1,
            "minProperties": 1,
            "additionalProperties": {"type": "string", "minLength": 1},
            "description": "a covering note (Markdown) above the message; or language -> note",
        },
        "individual": {"type": "boolean", "description": "a message of its own for each recipient"},
        "language": {"type": "string", "minLength": 1, "description": "the language of everyone on this list"},
    },
}


@dataclass(frozen=True)
class Recipient:
    email: str  # normalised by email-validator
    name: str = ""
    audience: str = ""
    field: str = "to"  # the header the address goes in: to | cc | bcc
    where: str = ""  # "file:line" where the list names this recipient, for messages
    language: str = ""  # BCP 47, normalised; "" = the brief's own

    @property
    def header(self) -> Address:
        """The address as a header value; non-ASCII names are encoded by the email package."""
        from email.headerregistry import Address

        local, _, domain = self.email.rpartition("@")
        return Address(display_name=self.name, username=local, domain=domain)


@dataclass(frozen=True)
class ListSettings:
    """What an audience's list says besides its addresses."""

    note: str = ""  # Markdown placed above the message's generated body
    individual: bool = False  # one message per recipient ("Dear ..."), nobody sees the others
    notes_in: tuple[tuple[str, str], ...] = ()  # language -> note, when the note is given per language
    where: str = ""  # "file:line" of the audience's entry, for messages

    def note_in(self, language: str) -> str | None:
        """The note for readers of `language`; None when notes are given per language and this one has none."""
        if not self.notes_in:
            return self.note
        return dict(self.notes_in).get(language)


@dataclass(frozen=True)
class Distribution:
    """Who gets which audience's brief, and how."""

    recipients: tuple[Recipient, ...] = ()
    settings: tuple[tuple[str, ListSettings], ...] = ()  # audience -> its list's settings, where it has any

    def of(self, audience: str) -> ListSettings:
        return dict(self.settings).get(audience, ListSettings())


def address_problem(text: str) -> str | None:
    """Why `text` is not one usable address, or None."""
    try:
        parse_address(text)
    except ValueError as err:
        return str(err)
    return None


def parse_address(text: str) -> tuple[str, str]:
    """`(name, email)` from "a@b.org" or "Name <a@b.org>"; ValueError says what is wrong, for people.

    Header injection is refused here: a CR, LF or other control character is never a
    part of an address or a name. The domain comes back ASCII (IDNA): every server
    routes `xn--` domains, while a Unicode domain needs SMTPUTF8 all along the way. A
    non-ASCII local part (`jürgen@`) stays as written; only SMTPUTF8 can carry it.
    """
    from email.errors import NonASCIILocalPartDefect
    from email.policy import default as default_policy

    from email_validator import EmailNotValidError, validate_email

    if (why := check_name(text)) is not None:
        raise ValueError(why)
    if not text.strip():
        raise ValueError("no address given")
    header = default_policy.header_factory("To", text)
    addresses = [a for group in header.groups for a in group.addresses]
    # email-validator judges non-ASCII local parts; the header parser only notes them
    defects = [d for d in header.defects if not isinstance(d, NonASCIILocalPartDefect)]
    if len(addresses) > 1:
        name, bracket, rest = text.partition("<")
        if text.count("@") == 1 and bracket:
            quoted = '"' + name.strip().strip('"').replace('"', '\\"') + '" <' + rest
            raise ValueError(f"'{text}': a name with a comma needs double quotes: {quoted}")
        raise ValueError(f"'{text}' holds {len(addresses)} addresses; give one per entry")
    if any(group.display_name is not None for group in header.groups):
        raise ValueError(f"'{text}' is a group; give one address")
    if len(addresses) != 1 or defects:
        try:  # its reason is clearer than the header parser's, when it has one
            validate_email(text.strip(), check_deliverability=False)
        except EmailNotValidError as err:
            raise ValueError(_not_an_address(text, err)) from None
        raise ValueError(f"'{text}' is not an email address")
    address = addresses[0]
    try:
        checked = validate_email(address.addr_spec, check_deliverability=False)
    except EmailNotValidError as err:
        raise ValueError(_not_an_address(address.addr_spec, err)) from None
    return address.display_name, f"{checked.local_part}@{checked.ascii_domain}"


def _not_an_address(text: str, err: Exception) -> str:
    reason = str(err)
    return f"'{text}' is not an email address: {reason[:1].lower()}{reason[1:]}"


def has_control_characters(text: str) -> bool:
    """A header value holding one could start a new header (CR, LF) or hide text."""
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


def check_name(name: str) -> str | None:
    """Why a display name cannot go in a header (a line break would start a new one), or None."""
    return "contains a line break or control character" if has_control_characters(name) else None


def read_recipients(path: Path, audiences: Iterable[str] | None) -> Distribution:
    """A recipients file, CSV or YAML by its extension; all problems reported at once.

    `audiences` are the known audience names (None: not checked here).
    """
    file = display_path(path)
    known = sorted(audiences) if audiences is not None else None
    if path.suffix.lower() == ".csv":
        return Distribution(_checked(list(_csv_rows(path, file)), file, known))
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise MailError(Problem(file, None, None, "", "a recipients file is .csv or .yaml"))
    from ..yamlsource import read_yaml

    data, pos = read_yaml(path, file, MailError)
    if isinstance(data, dict):
        return _mapping(data, file, pos, (), known, pos.problems)
    return Distribution(_checked(list(_yaml_rows(data, file, pos)), file, known))


def brief_distribution(path: Path, audiences: Iterable[str] | None) -> Distribution:
    """The brief's own `distribution:`: a recipients file beside it, or the mapping itself."""
    from ..yamlsource import read_yaml

    file = display_path(path)
    data, pos = read_yaml(path, file, MailError)
    value = data.get("distribution") if isinstance(data, dict) else None
    known = sorted(audiences) if audiences is not None else None
    line, col = pos.marks.get(("distribution",), (None, None))
    if value is None:
        return Distribution()
    if isinstance(value, str) and value:
        listed = path.parent / value
        if not listed.is_file():
            raise MailError(Problem(file, line, col, "distribution", f"no recipients file {display_path(listed)}"))
        return read_recipients(listed, known)
    if isinstance(value, dict):
        return _mapping(value, file, pos, ("distribution",), known, [])
    raise MailError(Problem(file, line, col, "distribution", "a recipients file's name, or audience: addresses"))


def _mapping(
    data: dict[str, Any], file: str, pos: Any, prefix: tuple[str, ...], audiences: list[str] | None, found: list
) -> Distribution:
    """audience -> addresses, or -> {recipients, note, individual}: shapes first, then every address."""
    from ..yamlsource import field_name, schema_problems

    problems = list(found)
    for audience, value in data.items():
        at = (*prefix, audience)
        line, col = pos.key_marks.get(at) or pos.marks.get(at, (None, None))
        if audiences is not None and audience not in audiences:
            why = f"unknown audience '{audience}'" + suggestion(audience, audiences, "known")
            problems.append(Problem(file, line, col, field_name(at), why))
        if not isinstance(value, list | dict):
            problems.append(
                Problem(
                    file, line, col, field_name(at), "expected a list of addresses, or a mapping with `recipients:`"
                )
            )
            continue
        schema: dict[str, Any] = _ADDRESSES if isinstance(value, list) else LIST_SCHEMA
        for key in reversed(at):  # validated where it stands in the file, so problems name its line
            schema = {"type": "object", "properties": {key: schema}}
        problems += schema_problems(_root(data, prefix, audience), schema, file, pos)
    if problems:
        raise MailError(sorted(problems, key=lambda p: (p.line or 0, p.col or 0)))
    rows: list[_Row] = []
    settings: list[tuple[str, ListSettings]] = []
    for audience, value in data.items():
        where: tuple[str, ...] = (*prefix, audience)
        entries = value
        common: dict[str, Any] = {"audience": audience}
        if isinstance(value, dict):
            settings.append((audience, _list_settings(value, file, pos.marks.get(where, (None, None))[0])))
            if "language" in value:
                common["language"] = value["language"]
            entries, where = value["recipients"], (*where, "recipients")
        for i, entry in enumerate(entries):
            path: tuple[str | int, ...] = (*where, i)
            line, col = pos.marks.get(path, (None, None))
            if isinstance(entry, str):
                rows.append(_Row(line, {"email": entry, **common}, {"email": (line, col)}, path, True))
            else:
                marks = {k: pos.marks.get((*path, k), (line, col)) for k in entry}
                rows.append(_Row(line, {**common, **entry}, marks, path))
    return Distribution(_checked(rows, file, None), tuple(settings))


def _list_settings(value: dict[str, Any], file: str, line: int | None) -> ListSettings:
    note = value.get("note", "")
    notes_in = tuple((normal_language(k), v) for k, v in note.items()) if isinstance(note, dict) else ()
    where = f"{file}:{line}" if line else file
    return ListSettings(note if isinstance(note, str) else "", bool(value.get("individual", False)), notes_in, where)


def normal_language(tag: str) -> str:
    """A language tag as briefgen names files: primary subtag lower case (`RU` -> `ru`, `fr-CH` kept)."""
    primary, dash, rest = tag.strip().partition("-")
    return primary.lower() + dash + rest


def _root(data: dict[str, Any], prefix: tuple[str, ...], audience: str) -> dict[str, Any]:
    """One audience's entry, nested under `prefix` as it is in the file."""
    nested: dict[str, Any] = {audience: data[audience]}
    for key in reversed(prefix):
        nested = {key: nested}
    return nested


class _Row(NamedTuple):
    """One entry as read, with where its values were written, for messages."""

    line: int | None  # where the entry starts
    values: dict[str, Any]
    where: dict[str, tuple[int | None, int | None]]  # column -> (line, col), where known
    path: tuple[str | int, ...] = ()  # in a YAML file: a problem names `path.column`; a CSV names the column
    whole: bool = False  # a "Name <addr>" string: a problem names the entry itself

    def problem(self, file: str, column: str, message: str) -> Problem:
        line, col = self.where.get(column, (self.line, None))
        name = field_name(self.path if self.whole else (*self.path, column)) if self.path else column
        return Problem(file, line, col, name, message)


def _csv_rows(path: Path, file: str) -> Iterator[_Row]:
    try:
        text = path.read_text("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except FileNotFoundError:
        raise MailError(Problem(file, None, None, "", "no such file")) from None
    except UnicodeDecodeError as e:
        raise MailError(Problem(file, None, None, "", f"not UTF-8 text ({e.reason} at byte {e.start})")) from None
    records = csv.reader(io.StringIO(text, newline=""), dialect="excel", delimiter=_delimiter(text))
    try:
        columns = [c.strip().lower() for c in next(records, [])]
        missing = [c for c in ("email", "audience") if c not in columns]
        if missing:
            raise MailError(
                Problem(
                    file, 1, None, "", f"missing column {', '.join(missing)} (the header row needs email,name,audience)"
                )
            )
        start = records.line_num + 1
        for record in records:
            line, start = start, records.line_num + 1  # a quoted field may span lines: the record starts here
            # other columns (organisation, phone...) are the list's own business
            values = {
                c: v.strip() for c, v in zip(columns, record, strict=False) if c in RECIPIENT_SCHEMA["properties"]
            }
            if not any(values.values()):
                continue  # blank line
            if not values.get("field"):
                values.pop("field", None)
            yield _Row(line, values, {})
    except csv.Error as err:
        raise MailError(Problem(file, records.line_num, None, "", f"not readable as CSV ({err})")) from None


def _delimiter(text: str) -> str:
    """The delimiter that makes the header row name an `email` column: `;` where Excel uses a decimal comma."""
    header = text.split("\n", 1)[0]
    for delimiter in CSV_DELIMITERS:
        if "email" in (c.strip().lower() for c in next(csv.reader([header], delimiter=delimiter), [])):
            return delimiter
    return ","


def _yaml_rows(data: Any, file: str, pos: Any) -> Iterator[_Row]:
    from ..yamlsource import schema_problems

    schema = {"type": "array", "items": {**RECIPIENT_SCHEMA, "required": ["email", "audience"]}}
    problems = pos.problems + schema_problems(data, schema, file, pos)
    if problems:
        raise MailError(problems)
    for i, item in enumerate(data or ()):
        line = pos.marks.get((i,), (None, None))[0]
        yield _Row(line, item, {k: pos.marks[(i, k)] for k in item if (i, k) in pos.marks}, (i,))


def _checked(rows: list[_Row], file: str, audiences: list[str] | None) -> tuple[Recipient, ...]:
    """Rows become recipients; bad addresses, unknown audiences and repeats are problems, all of a row's."""
    problems: list[Problem] = []
    found: list[Recipient] = []
    first_seen: dict[tuple[str, str], int | None] = {}
    for row in rows:
        found_here: list[Problem] = []
        try:
            name, email = parse_address(str(row.values.get("email", "")))
        except ValueError as err:
            name, email = "", ""
            found_here.append(row.problem(file, "email", str(err)))
        name = str(row.values.get("name") or name)
        if (why := check_name(name)) is not None:
            found_here.append(row.problem(file, "name", why))
        audience = str(row.values.get("audience") or "")
        known = f" (known: {', '.join(audiences)})" if audiences else ""
        if not audience:
            found_here.append(row.problem(file, "audience", "no audience given" + known))
        elif audiences is not None and audience not in audiences:
            found_here.append(
                row.problem(
                    file, "audience", f"unknown audience '{audience}'" + suggestion(audience, audiences, "known")
                )
            )
        field = str(row.values.get("field") or "to").lower()
        if field not in FIELDS:
            found_here.append(row.problem(file, "field", f"'{field}' is not one of: {', '.join(FIELDS)}"))
        language = normal_language(str(row.values.get("language") or ""))
        if language and not re.fullmatch(LANGUAGE_PATTERN, language):
            found_here.append(
                row.problem(file, "language", f"'{language}' is not a language tag: write one like ru, fr or sr-Latn")
            )
        key = (audience, email.casefold())
        if email and key in first_seen:
            earlier = f"line {first_seen[key]}" if first_seen[key] else "earlier"
            found_here.append(
                row.problem(file, "email", f"{email} is listed twice for {audience} (first at {earlier})")
            )
        if found_here:
            problems += found_here
            continue
        first_seen[key] = row.line
        found.append(Recipient(email, name, audience, field, f"{file}:{row.line}" if row.line else file, language))
    if problems:
        raise MailError(problems)
    return tuple(found)
