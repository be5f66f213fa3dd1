"""YAML files with positions, validated against a JSON schema.

Shared by the brief loader and the audience style loader: PyYAML's marks give
every value's line and column; jsonschema errors are mapped back to them and
rephrased for people, with all problems of a file collected before stopping.

libyaml (PyYAML's C parser) reads a file about 25 times faster than PyYAML's own
Python parser. Its events are turned into data and positions here in one pass; anything
out of the ordinary (an error, an alias, an anchor used twice, an explicit tag other
than the plain ones) is left to the Python loader, which says exactly what it always
said. Without libyaml the Python loader reads everything.

jsonschema is imported when a file is validated, not with this module: it costs
more to import than to validate a brief, and a rebuild that validates nothing
should not pay for it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from .characters import UNSAFE_CHARACTERS, describe_character
from .errors import BriefgenError, Problem, quoted, suggestion
from .inputs import InputRefused, read_input

Path_ = tuple[str | int, ...]
Marks = dict[Path_, tuple[int, int]]  # path -> (line, col), 1-based
TextStart = dict[Path_, tuple[int, int, bool]]  # path -> (line, col, block scalar)


@cache
def load_schema(name: str) -> dict[str, Any]:
    from importlib import resources

    return json.loads(resources.files(__package__).joinpath(name).read_text("utf-8"))


def field_name(path: Iterable[str | int]) -> str:
    """`('recommendations', 0, 'items', 2, 'priority')` -> `recommendations[0].items[2].priority`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


class Positions:
    """Where each value of a file was written, and the problems only its nodes show (duplicate keys).

    Filled from PyYAML's nodes (`walk`) or from libyaml's events (`_read_libyaml`), through the
    same `scalar` and `key` methods, so both readers record the same things the same way.
    """

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
            self.scalar(path, node.value, node.style, mark, node.end_mark)
        elif isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                kpath = self.key(path, str(key_node.value), key_node.start_mark, seen)
                self.walk(value_node, kpath)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.walk(item, (*path, i))

    def key(self, path: Path_, key: str, mark: Any, seen: set[str]) -> Path_:
        """A mapping's key: its mark, and a problem if the mapping has it already. Gives the value's path."""
        kpath = (*path, key)
        if key in seen:
            self.problems.append(
                Problem(
                    self.file,
                    mark.line + 1,
                    mark.column + 1,
                    field_name(kpath),
                    "duplicate key (the earlier value would be lost)",
                )
            )
        seen.add(key)
        self.key_marks[kpath] = (mark.line + 1, mark.column + 1)
        return kpath

    def scalar(self, path: Path_, value: str, style: str | None, mark: Any, end_mark: Any) -> None:
        """Where a scalar's text starts and ends (for finding a citation in it), and unsafe characters."""
        self._refuse_unsafe_characters(value, mark, path)
        self.text_end[path] = end_mark.line + 1
        if style == "|" or style == ">":  # content starts on the next line, at that line's indentation
            first = self.lines[mark.line + 1] if mark.line + 1 < len(self.lines) else ""
            indent = len(first) - len(first.lstrip(" "))
            self.text_start[path] = (mark.line + 2, indent + 1, True)
        else:
            quoted = 1 if style == "'" or style == '"' else 0
            self.text_start[path] = (mark.line + 1, mark.column + 1 + quoted, False)

    def _refuse_unsafe_characters(self, value: str, mark: Any, path: Path_) -> None:
        """A double-quoted escape (`"\\x1b"`, `"\\ud800"`) is the one way such a character gets in."""
        found = UNSAFE_CHARACTERS.search(value)
        if found:
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


_TYPE_NAMES = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
    "boolean": "true or false",
}


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
        from jsonschema import ValidationError

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _validator_class() -> Any:
    import jsonschema

    return jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


def schema_problems(data: Any, schema: dict[str, Any], file: str, pos: Positions) -> list[Problem]:
    """What the schema finds wrong, each at its line. Content that passed this schema before (the
    per-user cache, briefgen/cache.py) is not validated again: a warm build imports no jsonschema."""
    from . import cache

    name = _canonical(schema, data)
    if name is not None and cache.get("schema", name) is True:
        return []
    problems = _validate(data, schema, file, pos)
    if not problems and name is not None:
        cache.put("schema", name, True)
    return problems


def _canonical(schema: Any, data: Any) -> str | None:
    """The cache's name for this data under this schema, its types told apart (a date is not its string);
    None for data JSON cannot write in one canonical way (keys of mixed types, nesting too deep)."""
    from . import cache

    try:
        texts = [
            json.dumps(v, sort_keys=True, ensure_ascii=False, default=lambda o: f"<{type(o).__name__}:{o!r}>")
            for v in (schema, data)
        ]
    except (TypeError, ValueError, RecursionError):
        return None
    return cache.key("schema", *texts)


def _validate(data: Any, schema: dict[str, Any], file: str, pos: Positions) -> list[Problem]:
    from jsonschema import FormatChecker

    validator = _validator_class()(schema, format_checker=FormatChecker())
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
            msg = f"{quoted(err.instance)} is not one of: {', '.join(map(str, err.validator_value))}"
        elif err.validator == "format" and err.validator_value == "date":
            msg = f"{quoted(err.instance)} is not a date (write YYYY-MM-DD)"
        elif err.validator == "pattern":
            msg = f"{quoted(err.instance)} has characters not allowed here (pattern {err.validator_value})"
        elif err.validator in ("minLength", "minItems"):
            msg = "must not be empty"
        else:
            msg = err.message
        problems.append(Problem(file, line, col, field_name(path), msg))
    return problems


MAX_INPUT_BYTES = 10_000_000  # a brief, style or list file; the largest real ones are a few hundred KB


MAX_NESTING = 100  # lists and mappings in each other; a brief needs 6, a style 4


class AliasRefused(yaml.MarkedYAMLError):
    """An alias (`*name`): expanding them is how a 500-byte file fills gigabytes ("billion laughs")."""


class NestedTooDeep(yaml.MarkedYAMLError):
    """`[[[[...` 100,000 deep: every reader of the data recurses (libyaml's composer until the process dies)."""


class _TextDatesLoader(yaml.SafeLoader):
    """Dates stay text: the schema reports `2010-02-30` as a mistake instead of crashing.

    Aliases are refused where they are met, before anything is expanded: briefs and styles
    never need them, and anchors alone are harmless.
    """

    _depth = 0  # lists and mappings being composed around the current node

    def compose_node(self, parent, index):  # PyYAML's composer hook: the one place aliases resolve
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise AliasRefused(
                None, None, f"aliases (*{event.anchor}) are not allowed; write the value out", event.start_mark
            )
        if not self.check_event(yaml.ScalarEvent):
            if self._depth >= MAX_NESTING:
                raise NestedTooDeep(None, None, _TOO_DEEP, self.peek_event().start_mark)
            self._depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
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


_TOO_DEEP = f"lists and mappings nested more than {MAX_NESTING} deep"
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_TextDatesLoader.add_constructor(_TIMESTAMP_TAG, lambda loader, node: loader.construct_scalar(node))  # type: ignore[arg-type]  # a timestamp node is a ScalarNode; the stubs type it as any node

_CParser: Any
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml: the Python loader reads everything
    _CParser = None


class _LeftToPyYAML(Exception):
    """What the libyaml reader does not handle itself; PyYAML's loader reads the file again."""


# Implicit and explicit scalar tags the libyaml reader builds as the Python loader does; any other
# tag (`!!binary`, `!!set`, `!custom`) is left to it. Keys are always text (`construct_mapping`).
_TEXT_TAGS = frozenset({_STR_TAG, _TIMESTAMP_TAG})
_VALUE_TAGS = frozenset(
    {"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
)
_COLLECTION_TAGS = {
    MappingStartEvent: ("!", "tag:yaml.org,2002:map"),
    SequenceStartEvent: ("!", "tag:yaml.org,2002:seq"),
}


_BLOCK_HEADER = re.compile(r"[|>](?:[+-][1-9]?|[1-9][+-]?)?(?: +(?:#.*)?)?$")  # as PyYAML reads it


@cache
def _constructor() -> tuple[Any, Any]:
    """A resolver and a constructor for plain scalars, exactly those `_TextDatesLoader` uses."""
    return yaml.resolver.Resolver(), _TextDatesLoader("")


def _document_starts(get_event: Callable[[], Any]) -> bool:
    """Past the stream's start: whether a document follows (False: the stream is empty)."""
    get_event()  # the stream's start
    kind = type(get_event())
    if kind is StreamEndEvent:
        return False
    if kind is not DocumentStartEvent:
        raise _LeftToPyYAML
    return True


def _new_collection(event: Any, kind: Any, depth: int) -> dict | list:
    """The empty mapping or list a start event opens; `_LeftToPyYAML` for a tag or a depth PyYAML must judge."""
    if event.tag is not None and event.tag not in _COLLECTION_TAGS[kind]:
        raise _LeftToPyYAML
    if depth >= MAX_NESTING:
        raise _LeftToPyYAML  # for its error at this node
    return {} if kind is MappingStartEvent else []


def _check_event(event: Any, kind: type, flow: int, anchors: set[str]) -> None:
    """`_LeftToPyYAML` for what PyYAML reads otherwise than libyaml: a repeated anchor, and in a
    flow collection a plain scalar holding `?` (PyYAML ends it there) or empty (a column further on in libyaml)."""
    if event.anchor is not None:
        if event.anchor in anchors:
            raise _LeftToPyYAML
        anchors.add(event.anchor)
    if flow and kind is ScalarEvent and not event.style and ("?" in event.value or not event.value):
        raise _LeftToPyYAML


def _scalar_value(event: Any, path: Path_, pos: Positions) -> Any:
    """A scalar event's value, as PyYAML's constructor makes it, with its position recorded."""
    resolver, constructor = _constructor()
    tag, value, mark = event.tag, event.value, event.start_mark
    if tag is None or tag == "!":
        tag = resolver.resolve(yaml.ScalarNode, value, event.implicit)
    if (event.style == "|" or event.style == ">") and not _BLOCK_HEADER.match(pos.lines[mark.line], mark.column):
        raise _LeftToPyYAML
    pos.scalar(path, value, event.style, mark, event.end_mark)
    if tag in _TEXT_TAGS:
        return value
    if tag not in _VALUE_TAGS:
        raise _LeftToPyYAML
    node = yaml.ScalarNode(tag, value, mark, event.end_mark, event.style)
    return constructor.yaml_constructors[tag](constructor, node)


# `_read_libyaml` raises `_LeftToPyYAML` (or whatever libyaml raises) for anything the Python
# loader must judge: every error, aliases, repeated anchors, unusual tags, more than one document,
# and what libyaml reads but PyYAML refuses or counts otherwise: tabs between tokens (`a:\t1`,
# `a: 1\t`), a BOM after the start, `?` in a plain scalar inside `[...]` or `{...}` and an empty
# one there, a block scalar's header with a comment not after a space (`|-#`).
def _read_libyaml(text: str, file: str) -> tuple[Any, Positions]:
    """Data and positions from libyaml's events in one pass, as `_read_pyyaml` gives them (C speed)."""
    if "\t" in text or text.find("\ufeff", 1) >= 0:
        raise _LeftToPyYAML
    pos = Positions(file, text)
    marks, key_at = pos.marks, pos.key
    get_event: Callable[[], Any] = _CParser(text).get_event  # events read by type() below: Any, not narrowed
    if not _document_starts(get_event):
        return None, pos
    root: Any = None
    # open lists and mappings, innermost last: (container, path, keys seen or None for a list, flow style)
    stack: list[tuple[Any, Path_, set[str] | None, bool]] = []
    flow = 0  # open `[...]` and `{...}`
    key: str | None = None  # the key whose value comes next, in the innermost mapping
    anchors: set[str] = set()
    while True:
        event = get_event()
        kind = type(event)
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            flow -= stack.pop()[3]
            key = None
            continue
        if kind is DocumentEndEvent:
            break
        if kind is not ScalarEvent and kind is not MappingStartEvent and kind is not SequenceStartEvent:
            raise _LeftToPyYAML  # an alias, or something libyaml should never give here
        _check_event(event, kind, flow, anchors)
        if stack:
            container, parent, seen, _ = stack[-1]
            if seen is not None and key is None:  # a key of the innermost mapping
                if kind is not ScalarEvent:
                    raise _LeftToPyYAML
                key = event.value
                key_at(parent, key, event.start_mark, seen)
                continue
            path = (*parent, cast(str, key)) if seen is not None else (*parent, len(container))  # key: set just above
        else:
            path = ()
        mark = event.start_mark
        marks[path] = (mark.line + 1, mark.column + 1)
        if kind is ScalarEvent:
            new: Any = _scalar_value(event, path, pos)
        else:
            new = _new_collection(event, kind, len(stack))
        if not stack:
            root = new
        elif seen is not None:
            container[key] = new
            key = None
        else:
            container.append(new)
        if kind is not ScalarEvent:
            in_flow = bool(event.flow_style)
            stack.append((new, path, set() if kind is MappingStartEvent else None, in_flow))
            flow += in_flow
    if type(get_event()) is not StreamEndEvent:
        raise _LeftToPyYAML  # a second document
    return root, pos


def _read_pyyaml(text: str, file: str) -> tuple[Any, Positions]:
    """PyYAML's own loader, composing nodes, then constructing the data and walking the nodes."""
    loader = _TextDatesLoader(text)  # its reader refuses forbidden characters already
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    pos = Positions(file, text)
    if node is not None:
        pos.walk(node)
    return dates_to_text(data), pos


def read_yaml(path: Path, file: str, error: type[BriefgenError]) -> tuple[Any, Positions]:
    """Parse one YAML file; invalid YAML is an error with the parser's line."""
    try:
        text = read_input(Path(path), MAX_INPUT_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise error(Problem(file, None, None, "", "no such file")) from None
    except InputRefused as too_large:
        raise error(Problem(file, None, None, "", str(too_large))) from None
    except UnicodeDecodeError as e:
        raise error(Problem(file, None, None, "", f"not UTF-8 text ({e.reason} at byte {e.start})")) from None
    if _CParser is not None:
        try:
            return _read_libyaml(text, file)
        except Exception:  # every error is PyYAML's to word, as it always was
            pass
    try:
        return _read_pyyaml(text, file)
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
