"""Style keys: declared once; the schema, the defaults and the reference page come from that."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass

import jsonschema

from briefgen.brief import PRIORITIES
from briefgen.style import DEFAULT_LABELS, Colours, Style, reference_markdown, style_from_dict, style_schema

from conftest import ROOT


def _keys(cls: type, prefix: str = "") -> set[str]:
    out = set()
    for f in fields(cls):
        default = f.default_factory() if callable(f.default_factory) else f.default
        out.add(prefix + f.name)
        if is_dataclass(default):
            out |= _keys(type(default), f"{prefix}{f.name}.")
    return out


def _schema_keys(schema: dict, prefix: str = "") -> set[str]:
    out = set()
    for name, sub in schema.get("properties", {}).items():
        out.add(prefix + name)
        out |= _schema_keys(sub, f"{prefix}{name}.")
    return out


def test_the_schema_declares_exactly_the_style_keys_each_with_a_description():
    schema = style_schema()
    assert _schema_keys(schema) == _keys(Style)
    jsonschema.Draft202012Validator.check_schema(schema)

    def described(node: dict) -> None:
        for sub in node.get("properties", {}).values():
            assert sub.get("description"), sub
            described(sub)

    described(schema)


def test_the_defaults_are_valid_against_the_schema():
    defaults = json.loads(json.dumps(Style().__dict__, default=lambda o: o.__dict__))
    defaults["labels"] = dict(DEFAULT_LABELS)
    jsonschema.validate(defaults, style_schema())


def test_the_reference_page_is_generated_from_the_declarations():
    page = (ROOT / "docs" / "style-reference.md").read_text("utf-8")
    assert page == reference_markdown(), "run: python -m briefgen.style"
    for key in _keys(Style):
        assert f"`{key}`" in page


def test_every_priority_has_a_colour_and_a_label():
    assert {f.name for f in fields(Colours)} >= set(PRIORITIES)
    assert set(DEFAULT_LABELS) >= set(PRIORITIES)
    assert style_schema()["properties"]["content"]["properties"]["priorities"]["items"]["enum"] == list(PRIORITIES)


def test_the_brief_schema_spells_the_priorities_the_same_way():
    schema = json.loads((ROOT / "briefgen" / "brief.schema.json").read_text("utf-8"))
    assert schema["$defs"]["recommendation"]["properties"]["priority"]["enum"] == list(PRIORITIES)


def test_a_style_mapping_builds_nested_values():
    style = style_from_dict({"content": {"rationale": "none", "priorities": ["high"]}, "labels": {"high": "Haute"}})
    assert style.content.rationale == "none" and style.content.priorities == ("high",)
    assert style.label("high") == "Haute" and style.label("low") == "Low"
