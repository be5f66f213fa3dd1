"""The brief declared once: its schema, its dataclasses and its reference page come from briefgen/brief.py."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import jsonschema

from briefgen import brief as declaration
from briefgen.brief import AUTHOR, Brief, Group, Recommendation, Section, brief_schema, from_data, reference_markdown
from briefgen.model import Author

ROOT = Path(__file__).resolve().parent.parent


def test_the_checked_in_schema_is_the_generated_one():
    written = (ROOT / "briefgen" / "brief.schema.json").read_text("utf-8")
    assert written == declaration.schema_text(), "run: python -m briefgen.brief"
    jsonschema.Draft202012Validator.check_schema(json.loads(written))


def test_the_reference_page_is_the_generated_one_and_names_every_key():
    page = (ROOT / "docs" / "brief-reference.md").read_text("utf-8")
    assert page == reference_markdown(), "run: python -m briefgen.brief"
    for name in ("recommendations[].items[].timeframe", "audience_overrides.<audience>.summary", "authors[].name"):
        assert f"| `{name}` |" in page
    assert "| `recommendations` | list of mappings | required |" in page


def test_python_m_briefgen_brief_writes_both_files():
    """The command the stale-file messages name, run in the repository (as CONTRIBUTING.md says): it
    rewrites the source tree's files, also where briefgen is installed from a wheel (as in CI)."""
    schema = ROOT / "briefgen" / "brief.schema.json"
    before = schema.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "briefgen.brief"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [str(schema), str(ROOT / "docs" / "brief-reference.md")]
    assert schema.read_bytes() == before


def test_each_class_declares_the_keys_its_mapping_allows():
    schema = brief_schema()
    top = set(schema["properties"]) - set(declaration.OTHER_KEYS)
    assert top == {f.metadata["name"] or f.name for f in declaration.declared(Brief)}
    undeclared = {f.name for f in fields(Brief)} - {f.name for f in declaration.declared(Brief)}
    assert undeclared == {"source", "cited", "earlier"}
    sections = schema["properties"]["sections"]["items"]
    assert list(sections["properties"]) == [f.name for f in fields(Section)]
    groups = schema["properties"]["recommendations"]["items"]
    assert list(groups["properties"]) == ["group", "intro", "items"]
    recommendation = [f.metadata["name"] or f.name for f in fields(Recommendation)]
    assert list(schema["$defs"]["recommendation"]["properties"]) == recommendation
    assert list(AUTHOR["properties"]) == [f.name for f in fields(Author)], "a brief's author is the model's Author"


def test_the_required_keys_are_those_the_readme_names():
    schema = brief_schema()
    assert schema["required"] == ["title", "date", "recommendations"]
    assert schema["$defs"]["recommendation"]["required"] == ["id", "title", "priority"]
    assert schema["properties"]["recommendations"]["items"]["required"] == ["group", "items"]


def test_from_data_converts_each_key_as_declared():
    data = {
        "title": "  T  ",
        "date": "2010-01-15",
        "authors": [{"name": "Jane", "affiliation": "X"}, {"name": "Joe"}],
        "keywords": ["a", "b"],
        "recommendations": [
            {
                "group": "G",
                "intro": "I",
                "items": [{"id": "R", "title": " Do ", "priority": "high", "timeframe": 2010, "short": "a\n  b"}],
            }
        ],
        "audience_overrides": {"press": {"title": "P"}},
        "distribution": "list.csv",
    }
    brief = from_data(Brief, data, id="b", source=Path("b.yaml"))
    assert brief.title == "T"
    assert brief.date == dt.date(2010, 1, 15)
    assert brief.authors == (Author("Jane", "X"), Author("Joe", ""))
    assert brief.keywords == ("a", "b")
    assert brief.groups == (Group("G", (Recommendation("R", "Do", "high", timeframe="2010", short="a b"),), intro="I"),)
    assert brief.overrides == {"press": {"title": "P"}}
    assert not hasattr(brief, "distribution"), "mail's list is read by briefgen/mail, never kept in the brief"


def test_the_keys_are_listed_in_the_order_unknown_key_messages_have_always_given():
    """`unknown key 'x' (allowed: ...)` lists the schema's keys in order: the declaration keeps it."""
    assert list(brief_schema()["properties"]) == [
        "id", "title", "subtitle", "date", "authors", "organisation", "series", "language", "keywords",
        "contact", "bibliography", "summary", "key_messages", "sections", "recommendations", "statuses", "follows",
        "dropped", "distribution", "audience_overrides",
    ]  # fmt: skip
