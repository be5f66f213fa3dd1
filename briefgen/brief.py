"""The brief as the user wrote it, after validation: plain frozen data.

Every key of a brief file is declared once, below, as a dataclass field with its JSON
Schema, its description and how its value becomes the field's; the brief's schema
(`brief_schema`, checked in as briefgen/brief.schema.json for editors), its field reference
(`reference_markdown`, docs/brief-reference.md) and the `Brief` the loader returns
(`from_data`) are made from these declarations, as briefgen/style.py does for style keys.
`python -m briefgen.brief` writes both generated files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from .model import Author
from .statuses import SCHEMA as STATUSES_SCHEMA
from .statuses import Status

PRIORITIES = ("high", "medium", "low")

MARKDOWN_REF = "#/$defs/markdown"  # the schema marks every Markdown field with this: the loader parses those
MARKDOWN: dict[str, str] = {"$ref": MARKDOWN_REF}
AUDIENCES: dict[str, str] = {"$ref": "#/$defs/audiences"}
RECOMMENDATION_REF = "#/$defs/recommendation"
TEXT_LIST = {"type": "array", "items": {"type": "string"}}


def _strip(value: str) -> str:
    return value.strip()


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def key(
    default: Any = MISSING,
    *,
    schema: dict[str, Any],
    doc: str = "",
    name: str = "",
    required: bool = False,
    convert: Callable[[Any], Any] | None = None,
    factory: Any = MISSING,
    kw_only: Any = MISSING,
    hash: bool | None = None,
) -> Any:
    """A key of the brief file: its JSON Schema, the line that documents it, and how its value is taken.

    `name` is the key as written when the field is named otherwise; `convert` turns the
    validated value into the field's (lists become tuples, mappings of a declared class
    become that class, without being told).
    """
    meta = {"schema": schema, "doc": doc, "name": name, "required": required, "convert": convert}
    if factory is not MISSING:
        return field(default_factory=factory, metadata=meta, kw_only=kw_only, hash=hash)
    return field(default=default, metadata=meta, kw_only=kw_only, hash=hash)


def declared(cls: type) -> list[Any]:
    """The fields of `cls` written in a brief file, in the order the schema lists them."""
    return [f for f in fields(cls) if "schema" in f.metadata]


def written_name(f: Any) -> str:
    return f.metadata["name"] or f.name


def _object(cls: type) -> dict[str, Any]:
    """The schema of a mapping whose keys are the declared fields of `cls`."""
    return {
        "type": "object",
        "required": [written_name(f) for f in declared(cls) if f.metadata["required"]],
        "additionalProperties": False,
        "properties": {written_name(f): _property(f) for f in declared(cls)},
    }


def _property(f: Any) -> dict[str, Any]:
    """A field's schema, with its description and (for editors and the reference page) a default worth saying."""
    schema = dict(f.metadata["schema"])
    if f.metadata["doc"]:
        schema["description"] = f.metadata["doc"]
    if f.default not in (MISSING, "", ()) and not f.metadata["required"]:
        schema["default"] = f.default
    return schema


AUTHOR = {  # model.Author's fields as a brief writes them: the brief takes the document's Author as it is
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "description": "as printed in the byline"},
        "affiliation": {"type": "string", "description": "printed after the name"},
    },
}


@dataclass(frozen=True)
class StatusUpdate:
    """One entry of a recommendation's status history: what became of it, as assessed on a date."""

    date: date = key(
        schema={"type": "string", "format": "date"},
        required=True,
        convert=date.fromisoformat,
        doc="YYYY-MM-DD: when it was assessed; not before the brief's date, entries in date order",
    )
    status: str = key(
        schema={"type": "string", "minLength": 1},
        required=True,
        convert=str,  # a name, not the nested `status:` list of a recommendation
        doc="one of the brief's `statuses` (by default ODIHR's: fully, mostly, partially, not implemented, "
        "no longer relevant)",
    )
    note: str = key("", schema=MARKDOWN, doc="what happened, in Markdown; citations allowed")
    by: str = key("", schema={"type": "string"}, doc="who reported it")


@dataclass(frozen=True)
class Recommendation:
    id: str = key(
        schema={"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$"},
        doc="unique in the brief; cards and links show it",
        required=True,
    )
    title: str = key(schema={**MARKDOWN, "minLength": 1}, doc="what to do, in one line", required=True, convert=_strip)
    priority: str = key(schema={"enum": list(PRIORITIES)}, doc="high, medium or low", required=True)
    actors: tuple[str, ...] = key((), schema={"type": "array", "items": MARKDOWN}, doc="who must act")
    timeframe: str = key(
        "",
        schema={"anyOf": [MARKDOWN, {"type": "integer"}]},
        doc="when: text (a bare number is accepted too)",
        convert=str,
    )
    rationale: str = key("", schema=MARKDOWN, doc="why")
    short: str = key(
        "",
        schema={
            **MARKDOWN,
            "minLength": 1,
            "description": "one line that short forms (content.rationale: first-sentence) print instead of the "
            "rationale's first sentence",
        },
        convert=_one_line,
    )
    audiences: tuple[str, ...] = key((), schema=AUDIENCES, doc="only these audiences get it (empty: every audience)")
    history: tuple[StatusUpdate, ...] = key(
        (),
        schema={"type": "array", "items": _object(StatusUpdate)},
        doc="what became of it: `{date, status, note, by}` entries, oldest first",
        name="status",
    )

    @property
    def status(self) -> StatusUpdate | None:
        """The latest assessment, if any."""
        return self.history[-1] if self.history else None


@dataclass(frozen=True)
class Group:
    name: str = key(schema={**MARKDOWN, "minLength": 1}, doc="the group's heading", name="group", required=True)
    intro: str = key("", schema=MARKDOWN, doc="a paragraph under the heading", kw_only=True)
    items: tuple[Recommendation, ...] = key(
        schema={"type": "array", "minItems": 1, "items": {"$ref": RECOMMENDATION_REF}},
        doc="its recommendations, at least one",
        required=True,
    )


@dataclass(frozen=True)
class Section:
    title: str = key(schema={**MARKDOWN, "minLength": 1}, doc="the section's heading", required=True)
    body: str = key(schema=MARKDOWN, doc="its text", required=True)
    audiences: tuple[str, ...] = key((), schema=AUDIENCES, doc="only these audiences get it (empty: every audience)")


_OVERRIDABLE_SCHEMAS: dict[str, Mapping[str, object]] = {
    "title": MARKDOWN,
    "subtitle": MARKDOWN,
    "summary": MARKDOWN,
    "key_messages": {"type": "array", "items": MARKDOWN},
}
OVERRIDABLE = {  # what `audience_overrides` may replace for one audience
    name: {**schema, "description": f"replaces the brief's `{name}` for this audience"}
    for name, schema in _OVERRIDABLE_SCHEMAS.items()
}


@dataclass(frozen=True, kw_only=True)
class Brief:
    id: str = key(
        schema={
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9-]*$",
            "description": "file names and links use it; defaults to the file stem",
        }
    )
    title: str = key(schema={**MARKDOWN, "minLength": 1}, doc="the brief's title", required=True, convert=_strip)
    subtitle: str = key("", schema=MARKDOWN, doc="a line under the title", convert=_strip)
    date: date = key(
        schema={"type": "string", "format": "date"},
        required=True,
        convert=date.fromisoformat,
        doc="YYYY-MM-DD; also the files' creation date",
    )
    authors: tuple[Author, ...] = key(
        (),
        schema={"type": "array", "items": AUTHOR},
        doc="each `{name: ..., affiliation: ...}`; affiliation is optional",
        convert=lambda value: tuple(Author(a["name"], a.get("affiliation", "")) for a in value),
    )
    organisation: str = key("", schema={"type": "string"}, doc="who publishes it; the default running header")
    series: str = key("", schema={"type": "string"}, doc="e.g. Policy Brief No. 3; the default footer")
    language: str = key(
        "en",
        schema={"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
        doc="BCP 47 tag of the brief's language: hyphenation, screen readers, spell-checking",
    )
    keywords: tuple[str, ...] = key((), schema=TEXT_LIST, doc="go into the files' metadata")
    contact: str = key(
        "", schema={**MARKDOWN, "description": "Markdown line printed at the end, e.g. an email address"}
    )
    # the loader makes them paths relative to the brief
    bibliography: tuple[Path, ...] = key(
        (),
        schema={
            "type": ["string", "array"],
            "items": {"type": "string", "minLength": 1},
            "minItems": 1,
            "minLength": 1,
            "description": ".bib file, or a list of them (merged), relative to the brief",
        },
    )
    summary: str = key("", schema=MARKDOWN, doc="the summary")
    key_messages: tuple[str, ...] = key(
        (), schema={"type": "array", "items": {**MARKDOWN, "minLength": 1}}, doc="Markdown one-liners, in a box"
    )
    sections: tuple[Section, ...] = key(
        (), schema={"type": "array", "items": _object(Section)}, doc="context and analysis, before the recommendations"
    )
    groups: tuple[Group, ...] = key(
        (),
        schema={"type": "array", "minItems": 1, "items": _object(Group)},
        doc="groups of recommendations: at least one group of at least one item",
        name="recommendations",
        required=True,
    )
    statuses: tuple[Status, ...] = key(
        (),
        schema=STATUSES_SCHEMA,
        doc="the statuses its recommendations' `status:` entries may use, each `{name, colour}` (default: "
        "ODIHR's scale, briefgen/statuses.py)",
        convert=lambda value: tuple(Status(s["name"], s["colour"]) for s in value),
    )
    follows: Path | None = key(
        None,
        schema={
            "type": "string",
            "pattern": "\\.ya?ml$",
            "description": "the earlier edition this brief follows up (a brief's .yaml, relative to this one): its "
            "recommendations are matched by id, and audiences with `content.follow_up` show what became of them",
        },
    )
    dropped: dict[str, str] = key(
        schema={
            "type": "object",
            "propertyNames": {"pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$"},
            "additionalProperties": {**MARKDOWN, "minLength": 1},
        },
        doc="recommendation id of the earlier edition -> why this edition does not carry it over (Markdown); an "
        "earlier id neither here nor in this edition is reported",
        factory=dict,
        hash=False,
        convert=dict,
    )
    # audience name -> field name -> replacement value (title, subtitle, summary, key_messages)
    overrides: dict[str, dict[str, object]] = key(
        schema={
            "type": "object",
            "additionalProperties": {"type": "object", "additionalProperties": False, "properties": OVERRIDABLE},
        },
        doc="per audience, replace the title, subtitle, summary or key messages",
        name="audience_overrides",
        factory=dict,
        hash=False,
        convert=lambda value: {name: dict(fields_) for name, fields_ in value.items()},
    )
    source: Path  # the file it was read from
    cited: tuple[str, ...] = ()  # every bibliography key cited in any Markdown field, in order
    earlier: Brief | None = field(default=None, hash=False)  # the edition `follows:` names, as the loader read it

    @property
    def recommendations(self) -> tuple[Recommendation, ...]:
        return tuple(r for g in self.groups for r in g.items)


# Keys a brief may carry that are not the brief's content: read by another command, never by `build`.
OTHER_KEYS = {
    "distribution": {
        "description": "who `briefgen mail` sends each audience's brief to: a recipients file (.csv or .yaml, "
        "relative to the brief), or a mapping audience -> addresses; read and checked by `mail` and `check` "
        "(briefgen/mail/recipients.py), never by `build`",
        "type": ["string", "object"],
        "minLength": 1,
    },
}
_OTHER_KEYS_BEFORE = (
    "audience_overrides"  # where the schema has always listed them (unknown-key messages list in order)
)


@cache
def brief_schema() -> dict[str, Any]:
    """The JSON Schema of a brief file, made from the declarations above."""
    body = _object(Brief)
    properties: dict[str, Any] = {}
    for name, schema in body["properties"].items():
        if name == _OTHER_KEYS_BEFORE:
            properties.update(OTHER_KEYS)
        properties[name] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://briefgen.example/brief.schema.json",
        "title": "briefgen recommendation set",
        "description": "One brief: metadata, summary, context sections and grouped recommendations. "
        "Text fields are Markdown.",
        **body,
        "properties": properties,
        "$defs": {
            "markdown": {
                "type": "string",
                "description": "Markdown: emphasis, links, lists, [@citations] and ^[notes]",
            },
            "audiences": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}},
            "recommendation": _object(Recommendation),
        },
    }


def schema_text() -> str:
    """briefgen/brief.schema.json as checked in."""
    return json.dumps(brief_schema(), indent=2, ensure_ascii=False) + "\n"


NESTED = {  # by the key written
    "sections": Section,
    "recommendations": Group,
    "items": Recommendation,
    "status": StatusUpdate,
}


def from_data(cls: type, data: dict[str, Any], **given: Any) -> Any:
    """An instance of `cls` from a validated mapping: each declared key converted as declared; `given` as is."""
    values = {}
    for f in declared(cls):
        name = written_name(f)
        if name not in data or f.name in given:
            continue
        value, convert = data[name], f.metadata["convert"]
        if convert is not None:
            value = convert(value)
        elif name in NESTED:
            value = tuple(from_data(NESTED[name], item) for item in value)
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return cls(**values, **given)


def _kind(schema: dict[str, Any]) -> str:
    """What a key holds, in a word or two, from its schema."""
    if schema.get("$ref") == MARKDOWN_REF or any(b.get("$ref") == MARKDOWN_REF for b in schema.get("anyOf", ())):
        return "Markdown"
    if "enum" in schema:
        return " \\| ".join(schema["enum"])
    if schema.get("$ref") == AUDIENCES["$ref"]:
        return "list of audience names"
    if schema.get("type") == "array":
        item = schema.get("items", {})
        mappings = item.get("type") == "object" or item.get("$ref") == RECOMMENDATION_REF
        return f"list of {'mappings' if mappings else _kind(item)}"
    kinds = schema.get("type", "")
    return (
        " or ".join(kinds)
        if isinstance(kinds, list)
        else f"{kinds} ({schema['format']})"
        if "format" in schema
        else kinds
    )


def reference_markdown() -> str:
    """docs/brief-reference.md: every key of a brief file, what it holds and what it does."""
    lines = [
        "# Brief file reference",
        "",
        "<!-- Generated from briefgen/brief.py by `python -m briefgen.brief`; do not edit by hand. -->",
        "",
        "A brief is one YAML file; text fields are Markdown. Unknown keys are errors, so a typo never",
        "silently vanishes. Editors with a YAML language server complete keys from `briefgen/brief.schema.json`,",
        "made from the same declarations.",
        "",
        "| key | holds | default | what it does |",
        "| --- | --- | --- | --- |",
    ]
    schema = brief_schema()

    def walk(properties: dict[str, Any], required: list[str], prefix: str) -> None:
        for name, sub in properties.items():
            item = sub.get("items", {})
            item = schema["$defs"]["recommendation"] if item.get("$ref") == RECOMMENDATION_REF else item
            default = "required" if name in required else f"`{sub['default']}`" if "default" in sub else ""
            doc = sub.get("description", "")
            lines.append(f"| `{prefix}{name}` | {_kind(sub)} | {default} | {doc} |")
            if item.get("type") == "object":
                walk(item["properties"], item.get("required", []), f"{prefix}{name}[].")
            elif isinstance(sub.get("additionalProperties"), dict):
                inner = sub["additionalProperties"]
                walk(inner.get("properties", {}), [], f"{prefix}{name}.<audience>.")

    walk(schema["properties"], schema["required"], "")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    package = Path(__file__).resolve().parent
    (package / "brief.schema.json").write_text(schema_text(), encoding="utf-8")
    (package.parent / "docs" / "brief-reference.md").write_text(reference_markdown(), encoding="utf-8")
    print(package / "brief.schema.json", package.parent / "docs" / "brief-reference.md", sep="\n")
