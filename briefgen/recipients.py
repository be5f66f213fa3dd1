"""Distribution lists: who gets which audience's brief, validated like a brief.

A list is data the analyst keeps: a CSV file with the mail-merge columns
`email,name,audience` (and optionally `field`: to, cc or bcc), a YAML list of the same
mappings, or the brief's own `distribution:` mapping (audience -> addresses). Every
address is checked (email-validator, no DNS lookups) and every mistake is reported
with its file and line, all at once, before anything is built or sent.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.headerregistry import Address
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from .errors import MailError, Problem, display_path, suggestion

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
    },
}


@dataclass(frozen=True)
class Recipient:
    email: str  # normalised by email-validator
    name: str = ""
    audience: str = ""
    field: str = "to"  # the header the address goes in: to | cc | bcc
    where: str = ""  # "file:line" where the list names this recipient, for messages

    @property
    def header(self) -> Address:
        """The address as a header value; non-ASCII names are encoded by the email package."""
        local, _, domain = self.email.rpartition("@")
        return Address(display_name=self.name, username=local, domain=domain)


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
    part of an address or a name.
    """
    from email_validator import EmailNotValidError, validate_email

    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValueError("contains a line break or control character")
    header = default_policy.header_factory("To", text)
    addresses = [a for group in header.groups for a in group.addresses]
    if len(addresses) != 1 or header.defects:
        if len(addresses) > 1:
            raise ValueError(f"'{text}' holds {len(addresses)} addresses; give one per entry")
        raise ValueError(f"'{text}' is not an email address")
    address = addresses[0]
    try:
        checked = validate_email(address.addr_spec, check_deliverability=False)
    except EmailNotValidError as err:
        raise ValueError(f"'{address.addr_spec}': {err}") from None
    return address.display_name, checked.normalized


def check_name(name: str) -> str | None:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "contains a line break or control character"
    return None


def read_recipients(path: Path, audiences: Iterable[str] | None) -> tuple[Recipient, ...]:
    """A recipients file, CSV or YAML by its extension; all problems reported at once.

    `audiences` are the known audience names (None: not checked here).
    """
    file = display_path(path)
    if path.suffix.lower() == ".csv":
        rows = list(_csv_rows(path, file))
    elif path.suffix.lower() in (".yaml", ".yml"):
        rows = list(_yaml_rows(path, file))
    else:
        raise MailError(Problem(file, None, None, "", "a recipients file is .csv or .yaml"))
    return _checked(rows, file, sorted(audiences) if audiences is not None else None)


# a row as read: (line, {column: value}, {column: (line, col)} where known)
_Row = tuple[int | None, dict[str, Any], dict[str, tuple[int, int]]]


def _csv_rows(path: Path, file: str) -> Iterator[_Row]:
    try:
        text = path.read_text("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except FileNotFoundError:
        raise MailError(Problem(file, None, None, "", "no such file")) from None
    except UnicodeDecodeError as e:
        raise MailError(Problem(file, None, None, "", f"not UTF-8 text ({e.reason} at byte {e.start})")) from None
    first = text.split("\n", 1)[0]
    try:
        dialect: Any = csv.Sniffer().sniff(first, delimiters=CSV_DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    columns = [(c or "").strip().lower() for c in reader.fieldnames or ()]
    missing = [c for c in ("email", "audience") if c not in columns]
    if missing:
        raise MailError(
            Problem(
                file, 1, None, "", f"missing column {', '.join(missing)} (the header row needs email,name,audience)"
            )
        )
    reader.fieldnames = columns  # other columns (organisation, phone...) are the list's own business
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k in RECIPIENT_SCHEMA["properties"]}
        if not any(values.values()):
            continue  # blank line
        if not values.get("field"):
            values.pop("field", None)
        yield reader.line_num, values, {}


def _yaml_rows(path: Path, file: str) -> Iterator[_Row]:
    from .yamlsource import read_yaml, schema_problems

    data, pos = read_yaml(path, file, MailError)
    schema = {"type": "array", "items": {**RECIPIENT_SCHEMA, "required": ["email", "audience"]}}
    problems = pos.problems + schema_problems(data, schema, file, pos)
    if problems:
        raise MailError(problems)
    for i, item in enumerate(data or ()):
        line = pos.marks.get((i,), (None, None))[0]
        yield line, item, {k: pos.marks[(i, k)] for k in item if (i, k) in pos.marks}


def distribution_recipients(
    data: dict[str, Any], file: str, marks: dict[tuple[str | int, ...], tuple[int, int]], prefix: tuple[str, ...]
) -> tuple[list[Recipient], list[Problem]]:
    """A brief's `distribution:` mapping (audience -> list of "Name <addr>" or {email, name, field})."""
    rows: list[_Row] = []
    for audience, entries in data.items():
        for i, entry in enumerate(entries if isinstance(entries, list) else ()):
            path = (*prefix, audience, i)
            line_col = marks.get(path, (None, None))
            values = {"email": entry} if isinstance(entry, str) else dict(entry)
            values["audience"] = audience
            where = {k: marks.get((*path, k), line_col) for k in values} if isinstance(entry, dict) else {}
            where.setdefault("email", line_col)
            rows.append((line_col[0], values, where))
    try:
        return list(_checked(rows, file, None)), []
    except MailError as err:
        return [], err.problems


def _checked(rows: list[_Row], file: str, audiences: list[str] | None) -> tuple[Recipient, ...]:
    """Rows become recipients; bad addresses, unknown audiences and repeats are problems."""
    problems: list[Problem] = []
    found: list[Recipient] = []
    first_seen: dict[tuple[str, str], int | None] = {}
    for line, values, where in rows:

        def problem(column: str, message: str, line=line, where=where) -> None:
            at_line, at_col = where.get(column, (line, None))
            problems.append(Problem(file, at_line, at_col, column, message))

        try:
            name, email = parse_address(str(values.get("email", "")))
        except ValueError as err:
            problem("email", str(err))
            continue
        name = str(values.get("name") or name)
        if (why := check_name(name)) is not None:
            problem("name", why)
            continue
        audience = str(values.get("audience", ""))
        if audiences is not None and audience not in audiences:
            problem("audience", f"unknown audience '{audience}'" + suggestion(audience, audiences, "known"))
            continue
        field = str(values.get("field") or "to").lower()
        if field not in FIELDS:
            problem("field", f"'{field}' is not one of: {', '.join(FIELDS)}")
            continue
        key = (audience, email.lower())
        if key in first_seen:
            earlier = f"line {first_seen[key]}" if first_seen[key] else "earlier"
            problem("email", f"{email} is listed twice for {audience} (first at {earlier})")
            continue
        first_seen[key] = line
        found.append(Recipient(email, name, audience, field, f"{file}:{line}" if line else file))
    if problems:
        raise MailError(problems)
    return tuple(found)
