"""YAML files with positions, validated against a JSON schema.

Shared by the brief loader and the audience style loader: PyYAML node marks
give every value's line and column; jsonschema errors are mapped back to them and
rephrased for people, with all problems of a file collected before stopping.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .errors import BriefgenError, Problem, suggestion
from .model import UNSAFE_CHARACTERS, describe_character

Path_ = tuple[str | int, ...]
Marks = dict[Path_, tuple[int, int]]  # path -> (line, col), 1-based
TextStart = dict[Path_, tuple[int, int, bool]]  # path -> (line, col, block scalar)


@cache
def load_schema(name: str) -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath(name).read_text("utf-8"))


def field_name(path: Iterable[str | int]) -> str:
    """`('recommendations', 0, 'items', 2, 'priority')` -> `recommendations[0].items[2].priority`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


class Positions:
    """Walks the composed YAML nodes: records marks, finds duplicate keys."""

    def __init__(self, file: str, text: str = "") -> None:
        self.file = file
        self.lines = text.splitlines()
        self.marks: Marks = {}
        self.key_marks: Marks = {}
        self.text_start: TextStart = {}
        self.text_end: dict[Path_, int] = {}
        self.problems: list[Problem] = []

    def walk(self, node: yaml.Node, path: Path_ = ()) -> None:
        mark = node.start_mark
        self.marks[path] = (mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            self._refuse_unsafe_characters(node, path)
            self.text_end[path] = node.end_mark.line + 1
            block = node.style in ("|", ">")
            if block:  # content starts on the next line, at that line's indentation
                first = self.lines[mark.line + 1] if mark.line + 1 < len(self.lines) else ""
                indent = len(first) - len(first.lstrip(" "))
                self.text_start[path] = (mark.line + 2, indent + 1, True)
            else:
                quoted = 1 if node.style in ("'", '"') else 0
                self.text_start[path] = (mark.line + 1, mark.column + 1 + quoted, False)
        elif isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                kpath = (*path, key)
                if key in seen:
                    self.problems.append(
                        Problem(
                            self.file,
                            key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1,
                            field_name(kpath),
                            "duplicate key (the earlier value would be lost)",
                        )
                    )
                seen.add(key)
                self.key_marks[kpath] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                self.walk(value_node, kpath)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.walk(item, (*path, i))

    def _refuse_unsafe_characters(self, node: yaml.ScalarNode, path: Path_) -> None:
        """A double-quoted escape (`"\\x1b"`, `"\\ud800"`) is the one way such a character gets in."""
        found = UNSAFE_CHARACTERS.search(node.value)
        if found:
            mark = node.start_mark
            self.problems.append(
                Problem(
                    self.file,
                    mark.line + 1,
                    mark.column + 1,
                    field_name(path),
                    f"control or invalid character {describe_character(found.group())} at character "
                    f"{found.start() + 1} of the value; remove it",
                )
            )


def dates_to_text(data: Any) -> Any:
    """YAML turns 2010-01-15 into a date; the schema checks ISO text instead."""
    if isinstance(data, dict):
        return {k: dates_to_text(v) for k, v in data.items()}
    if isinstance(data, list):
        return [dates_to_text(v) for v in data]
    if isinstance(data, dt.datetime):
        return data.date().isoformat()
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


_TYPE_NAMES = {"string": "text", "array": "a list", "object": "a mapping", "integer": "a whole number"}


def _describe(value: Any) -> str:
    return {
        str: "text",
        list: "a list",
        dict: "a mapping",
        int: "a number",
        float: "a number",
        bool: "true/false",
        type(None): "nothing",
    }.get(type(value), type(value).__name__)


def _ecma_pattern(validator, pattern: str, instance: Any, schema: dict[str, Any]):
    """`pattern` as JSON Schema means it (ECMA 262): `$` is the end of the text.

    jsonschema uses Python's `re.search`, where `$` also matches before a final newline, so
    `id: "abc\\n"` passed `^[a-z0-9-]*$` and named a folder with a newline in it.
    """
    if not validator.is_type(instance, "string"):
        return
    python = pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith(r"\$") else pattern
    if not re.search(python, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


def schema_problems(data: Any, schema: dict[str, Any], file: str, pos: Positions) -> list[Problem]:
    validator = _Validator(schema, format_checker=jsonschema.FormatChecker())
    problems = []
    for err in validator.iter_errors(data):
        path = tuple(err.absolute_path)
        line, col = pos.marks.get(path, (None, None))
        if err.validator == "additionalProperties":
            allowed = list(err.schema.get("properties", {}))
            for key in sorted(set(err.instance) - set(allowed)):
                kline, kcol = pos.key_marks.get((*path, key), (line, col))
                msg = f"unknown key '{key}'" + suggestion(key, allowed)
                problems.append(Problem(file, kline, kcol, field_name((*path, key)), msg))
            continue
        if err.validator == "required":
            missing = err.message.split("'")[1]
            problems.append(Problem(file, line, col, field_name((*path, missing)), "missing required field"))
            continue
        if err.validator == "anyOf" and err.context and all(e.validator == "type" for e in err.context):
            want = [
                w
                for e in err.context
                for w in (e.validator_value if isinstance(e.validator_value, list) else [e.validator_value])
            ]
            msg = f"expected {' or '.join(_TYPE_NAMES.get(w, w) for w in want)}, got {_describe(err.instance)}"
        elif err.validator == "type":
            want = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
            msg = f"expected {' or '.join(_TYPE_NAMES.get(w, w) for w in want)}, got {_describe(err.instance)}"
        elif err.validator == "enum":
            msg = f"'{err.instance}' is not one of: {', '.join(map(str, err.validator_value))}"
        elif err.validator == "format" and err.validator_value == "date":
            msg = f"'{err.instance}' is not a date (write YYYY-MM-DD)"
        elif err.validator == "pattern":
            msg = f"'{err.instance}' has characters not allowed here (pattern {err.validator_value})"
        elif err.validator in ("minLength", "minItems"):
            msg = "must not be empty"
        else:
            msg = err.message
        problems.append(Problem(file, line, col, field_name(path), msg))
    return problems


MAX_INPUT_BYTES = 10_000_000  # a brief, style or list file; the largest real ones are a few hundred KB


class AliasRefused(yaml.MarkedYAMLError):
    """An alias (`*name`): expanding them is how a 500-byte file fills gigabytes ("billion laughs")."""


class _TextDatesLoader(yaml.SafeLoader):
    """Dates stay text: the schema reports `2010-02-30` as a mistake instead of crashing.

    Aliases are refused where they are met, before anything is expanded: briefs and styles
    never need them, and anchors alone are harmless.
    """

    def compose_node(self, parent, index):  # PyYAML's composer hook: the one place aliases resolve
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise AliasRefused(
                None, None, f"aliases (*{event.anchor}) are not allowed; write the value out", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # PyYAML's constructor hook for every mapping
        """Keys are text as written: `~:`, `true:` or `1:` must not become None, True or 1 (unsortable, unnamed)."""
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key must be a plain name, not a list or mapping", key_node.start_mark
                    )
                key_node.tag = "tag:yaml.org,2002:str"
        return super().construct_mapping(node, deep=deep)


_TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


class InputTooLarge(ValueError):
    pass


def read_bounded(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most `limit` of them: never /dev/zero, a pipe or a 5 GB file."""
    if path.exists() and not path.is_file():
        raise InputTooLarge("not a regular file")
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputTooLarge(f"larger than {limit // 1_000_000} MB; not read")
    return data


def read_yaml(path: Path, file: str, error: type[BriefgenError]) -> tuple[Any, Positions]:
    """Parse one YAML file; invalid YAML is an error with the parser's line."""
    try:
        text = read_bounded(Path(path), MAX_INPUT_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise error(Problem(file, None, None, "", "no such file")) from None
    except InputTooLarge as too_large:
        raise error(Problem(file, None, None, "", str(too_large))) from None
    except UnicodeDecodeError as e:
        raise error(Problem(file, None, None, "", f"not UTF-8 text ({e.reason} at byte {e.start})")) from None
    loader = None
    try:
        loader = _TextDatesLoader(text)  # its reader refuses forbidden characters already
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise error(Problem(file, line, col, "", f"invalid YAML: {e.problem or e.context}")) from None
    except yaml.reader.ReaderError as e:  # a character YAML forbids in a file (NUL, ESC), before parsing
        line = text.count("\n", 0, e.position) + 1
        col = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        code = describe_character(chr(e.character)) if isinstance(e.character, int) else repr(e.character)
        raise error(Problem(file, line, col, "", f"control or invalid character {code}; remove it")) from None
    except (ValueError, IndexError, KeyError, TypeError, OverflowError) as e:  # PyYAML on `!!float ''`, `!!bool maybe`
        raise error(Problem(file, None, None, "", f"invalid YAML: a tagged value cannot be read ({e})")) from None
    except yaml.YAMLError as e:  # anything else PyYAML refuses: one line, never a traceback
        raise error(Problem(file, None, None, "", f"invalid YAML: {e}".splitlines()[0])) from None
    finally:
        if loader is not None:
            loader.dispose()
    pos = Positions(file, text)
    if node is not None:
        pos.walk(node)
    return dates_to_text(data), pos
