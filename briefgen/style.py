"""House style of one audience: plain frozen data read from its `style.yaml`.

Every key is declared once, below, as a dataclass field with its default, its JSON
Schema and its description; the style file's schema (`style_schema`) and its
reference documentation (`reference_markdown`, docs/style-reference.md) are made from
these declarations, so a key cannot be validated, defaulted or documented differently.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any

from .brief import PRIORITIES
from .citestyles import CITATION_STYLES, NO_MARKERS
from .errors import suggestion
from .locales import Label, builtin_labels, labels_for, plural_form
from .writers import DOCUMENT_FORMATS

DEFAULT_LABELS: dict[str, Label] = builtin_labels("en")  # briefgen/locales/en.json; other languages beside it
PLURAL_LABEL = {
    "type": "object",
    "properties": {c: {"type": "string"} for c in ("zero", "one", "two", "few", "many", "other")},
    "required": ["other"],
    "additionalProperties": False,
}
LABEL = {"anyOf": [{"type": "string"}, PLURAL_LABEL]}

COLOUR = {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"}
RATIONALE_FORMS = ("full", "first-sentence", "none")


def key(default: Any = MISSING, *, schema: dict[str, Any] | None = None, doc: str, factory: Any = MISSING) -> Any:
    """A style key: its default, its JSON Schema and the one line that documents it."""
    meta = {"schema": schema or {}, "doc": doc}
    if factory is not MISSING:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Page:
    size: str = key("A4", schema={"enum": ["A4", "Letter"]}, doc="paper size")
    margins: tuple[float, float, float, float] = key(
        (20.0, 20.0, 22.0, 20.0),
        schema={
            "type": "array",
            "items": {"type": "number", "minimum": 5, "maximum": 60},
            "minItems": 4,
            "maxItems": 4,
        },
        doc="margins in mm: top, right, bottom, left",
    )


@dataclass(frozen=True)
class Fonts:
    body: str = key("serif", schema={"enum": ["serif", "sans"]}, doc="body text: the bundled Noto Serif or Noto Sans")
    headings: str = key("sans", schema={"enum": ["serif", "sans"]}, doc="headings, title band, header and footer")
    size: float = key(
        10.5, schema={"type": "number", "minimum": 7, "maximum": 16}, doc="body size in points; every size scales"
    )
    fallback: tuple[str, ...] = key(
        (),
        schema={"type": "array", "items": {"type": "string", "minLength": 1}},
        doc="TrueType (.ttf) files beside this style.yaml for characters the bundled fonts lack (e.g. CJK), "
        "tried in order after the bundled Noto Sans Arabic and Hebrew; the PDF embeds what it uses "
        "(Word and browsers fall back to the reader's own fonts)",
    )


@dataclass(frozen=True)
class Colours:
    accent: str = key("#1F4E79", schema=COLOUR, doc="title band, headings, links, table headers")
    text: str = key("#1A1A1A", schema=COLOUR, doc="body text")
    muted: str = key("#5B6770", schema=COLOUR, doc="byline, running header and footer, note rule")
    box: str = key("#EAF1F8", schema=COLOUR, doc="fill of key-message and other boxes")
    rule: str = key("#A9BCD0", schema=COLOUR, doc="table and header/footer rules")
    high: str = key("#A93226", schema=COLOUR, doc="bar of high-priority cards; the marking")
    medium: str = key("#B9770E", schema=COLOUR, doc="bar of medium-priority cards")
    low: str = key("#3C7A4A", schema=COLOUR, doc="bar of low-priority cards")


@dataclass(frozen=True)
class Content:
    priorities: tuple[str, ...] = key(
        PRIORITIES,
        schema={"type": "array", "items": {"enum": list(PRIORITIES)}, "minItems": 1},
        doc="which recommendations, by priority",
    )
    groups: tuple[str, ...] = key(
        (), schema={"type": "array", "items": {"type": "string"}}, doc="which groups, by name (empty: all)"
    )
    max_recommendations: int | None = key(
        None, schema={"type": ["integer", "null"], "minimum": 1}, doc="keep the most important N (null: all)"
    )
    sections: bool = key(True, schema={"type": "boolean"}, doc="the brief's context sections")
    rationale: str = key(
        "full",
        schema={"enum": list(RATIONALE_FORMS)},
        doc="each recommendation's rationale: full, its first-sentence, or none",
    )
    actors: bool = key(True, schema={"type": "boolean"}, doc="who must act")
    timeframe: bool = key(True, schema={"type": "boolean"}, doc="when (on cards and in the overview table)")
    overview: bool = key(
        False,
        schema={"type": "boolean"},
        doc="a table of every recommendation (id, title, priority) before the cards: their titles said twice",
    )
    follow_up: bool = key(
        False,
        schema={"type": "boolean"},
        doc="what became of the recommendations of the edition the brief `follows:`; such an audience is built "
        "only for briefs that follow one",
    )


PATTERN_FIELDS = ("title", "short_title", "subtitle", "series", "organisation", "date", "year", "id")
RUNNING_FIELDS = ("title", "short_title", "series", "organisation", "date", "audience")  # header and footer


@dataclass(frozen=True)
class Email:
    subject: str = key(
        "{title}",
        schema={"type": "string", "minLength": 1},
        doc="the subject line: " + " ".join("{" + f + "}" for f in PATTERN_FIELDS),
    )
    filename: str = key(
        "{short_title}-{year}",
        schema={"type": "string", "minLength": 1},
        doc="the attachments' file name a recipient sees, without extension, made safe for Windows, macOS "
        "and Linux (spaces become hyphens; a repeated year is dropped); fields as subject",
    )
    attach: tuple[str, ...] = key(
        ("pdf",),
        schema={"type": "array", "items": {"enum": list(DOCUMENT_FORMATS)}, "minItems": 1, "uniqueItems": True},
        doc="the formats `briefgen mail` attaches unless -f says otherwise",
    )


@dataclass(frozen=True)
class Style:
    description: str = key("", schema={"type": "string"}, doc="one line shown by `briefgen audiences`")
    extends: str = key("", schema={"type": "string"}, doc="start from another audience's style; mappings merge")
    page: Page = key(schema={"type": "object"}, doc="page size and margins", factory=Page)
    fonts: Fonts = key(schema={"type": "object"}, doc="font families and size", factory=Fonts)
    colours: Colours = key(schema={"type": "object"}, doc="the palette, as #RRGGBB", factory=Colours)
    content: Content = key(
        schema={"type": "object"}, doc="what is selected for this audience; templates get only this", factory=Content
    )
    max_pages: int | None = key(
        None, schema={"type": ["integer", "null"], "minimum": 1}, doc="a longer PDF warns (fails with --strict)"
    )
    citations: str = key(
        "author-date", schema={"enum": [*CITATION_STYLES, NO_MARKERS]}, doc="how citations print in the text"
    )
    footnotes: bool = key(True, schema={"type": "boolean"}, doc="false drops explanatory ^[notes] as well")
    bibliography: str = key(
        "full",
        schema={"enum": ["full", "sources", "none"]},
        doc="what a `::: bibliography` or `::: sources` box lists: full entries, short sources, or nothing",
    )
    marking: str = key("", schema={"type": "string"}, doc="printed on every page, e.g. For official use")
    header: str = key(
        "{organisation}",
        schema={"type": "string"},
        doc="running header from page 2: " + " ".join("{" + f + "}" for f in RUNNING_FIELDS),
    )
    footer: str = key("{series} · {short_title}", schema={"type": "string"}, doc="left of Page X of Y; as header")
    logo: str = key("", schema={"type": "string"}, doc="PNG or JPEG beside this style.yaml, shown in the title band")
    logo_alt: str = key(
        "",
        schema={"type": "string"},
        doc="what the logo shows, for screen readers (PDF figure, Word alt text, HTML alt); required with `logo`",
    )
    email: Email = key(schema={"type": "object"}, doc="what `briefgen mail` sends this audience", factory=Email)
    labels: dict[str, Label] = key(
        schema={"type": "object", "additionalProperties": LABEL},
        doc="fixed wording, over the built-in wording of the brief's `language` (en, fr, de, it, ru, es, kk, uz); "
        "a count's label may give CLDR plural forms ({one: ..., other: ...}): "
        + ", ".join(k for k in DEFAULT_LABELS if not k.startswith("tracker_")),  # the tracker is no audience's
        factory=dict,
    )
    labels_in: dict[str, dict[str, Label]] = key(
        schema={
            "type": "object",
            "propertyNames": {"pattern": "^[a-z]{2,3}$"},  # a language subtag: fr, ru, kk; not "french"
            "additionalProperties": {"type": "object", "additionalProperties": LABEL},
        },
        doc="wording for briefs in one language, over `labels`: {fr: {recommendations: Actions prioritaires}}",
        factory=dict,
    )

    def label(self, name: str) -> str:
        """A label as this style words it for an English brief; in a brief's language see `wording`."""
        return plural_form(self.wording("en").get(name, name), 2)  # English "other": "pages"

    def wording(self, language: str) -> dict[str, Label]:
        """Every label for a brief in `language`: built-in wording, then `labels`, then `labels_in` that language."""
        return labels_for(self.labels, language, self.labels_in)


def pattern_problem(pattern: str, allowed: tuple[str, ...]) -> str | None:
    """Why a `{field}` pattern cannot be filled, or None: checked when the style is read, not when mailing."""
    import string

    try:
        parts = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(pattern) if name is not None]
    except ValueError as err:
        return f"'{pattern}': {err} (write {{{{ and }}}} for a literal brace)"
    for name, spec, conv in parts:
        if name not in allowed:
            return f"unknown field {{{name}}}" + suggestion(name, list(allowed), "fields")
        if spec or conv:
            return f"write {{{name}}} without a format or conversion"
    return None


def _default(f) -> Any:
    return f.default_factory() if f.default_factory is not MISSING else f.default


def _schema_of(cls: type) -> dict[str, Any]:
    properties = {}
    for f in fields(cls):
        default = _default(f)
        schema = {**f.metadata["schema"], "description": f.metadata["doc"]}
        if is_dataclass(default):
            schema.update(_schema_of(type(default)))
        properties[f.name] = schema
    return {"type": "object", "additionalProperties": False, "properties": properties}


def style_schema() -> dict[str, Any]:
    """The JSON Schema of a style file, made from the declarations above."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "briefgen audience style (templates/<audience>/style.yaml)",
        **_schema_of(Style),
    }


def _yaml_value(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def reference_markdown() -> str:
    """docs/style-reference.md: every key, its default and what it does."""
    lines = [
        "# Style file reference",
        "",
        "<!-- Generated from briefgen/style.py by `python -m briefgen.style`; do not edit by hand. -->",
        "",
        "Every key of `templates/<audience>/style.yaml` is optional; a style says only what differs from",
        "these defaults or from the audience it `extends`. Each key takes effect in every output format.",
        "",
        "| key | default | what it does |",
        "| --- | --- | --- |",
    ]

    def walk(cls: type, prefix: str) -> None:
        for f in fields(cls):
            default = _default(f)
            name = f"{prefix}{f.name}"
            if is_dataclass(default):
                lines.append(f"| `{name}` | | {f.metadata['doc']} |")
                walk(type(default), name + ".")
            elif isinstance(default, dict):
                lines.append(f"| `{name}` | | {f.metadata['doc']} |")
            else:
                lines.append(f"| `{name}` | `{_yaml_value(default)}` | {f.metadata['doc']} |")

    walk(Style, "")
    return "\n".join(lines) + "\n"


def _build(cls: type, data: dict[str, Any]) -> Any:
    kwargs = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        default = _default(f)
        if is_dataclass(default) and isinstance(value, dict):
            value = _build(type(default), value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)


def style_from_dict(data: dict[str, Any]) -> Style:
    """Build a Style from a validated (and merged) style mapping."""
    return _build(Style, {k: v for k, v in data.items() if k != "extends"})


def merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: a child style overrides single keys of its parent's mappings."""
    out = dict(parent)
    for k, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], value)
        else:
            out[k] = value
    return out


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).resolve().parent.parent / "docs" / "style-reference.md"
    target.write_text(reference_markdown(), encoding="utf-8")
    print(target)
