"""Stage 3: run an audience's Jinja2 template over the shaped brief, giving Markdown.

Templates are shared between institutions, so they run in Jinja's immutable sandbox
and receive plain data only (the shaped brief, the style, the audience's name and a
`label` function); brief text is passed as data and never evaluated as template code.
Whatever a template gets wrong is one error line naming the template file and line.

A template is code from elsewhere, so its run is bounded:

- time: it must finish within TIME_LIMIT_S, checked at every step of every `for` loop,
  call, filter, operator, attribute or item lookup and output chunk; on POSIX's main
  thread a timer also interrupts Python code stuck between those points (repeating, in
  case code in the way swallows it). One long C-level operation cannot be interrupted,
  which is why sizes are checked before such operations run;
- size: no operation may make a text, list or mapping of more than MAX_OUTPUT_CHARS
  characters or items. What decides a result's size is checked before the operation runs:
  `*`, `+`, `%`, `~`, the widths and precisions of `str.format` and `%`, the width of
  `ljust`/`rjust`/`center`/`zfill`, `expandtabs`, `replace`, `join`, `translate`,
  `encode`, `to_bytes`, the size arguments of filters, and the printed size of any value
  before it is printed (a list of shared parts can be small in memory and print as
  gigabytes); every result is checked again after. Ints stay within MAX_INT_BITS, a
  `range()` within MAX_RANGE steps. Comparing or hashing goes through all a value holds,
  in C, so a value that would print as more than ten times MAX_OUTPUT_CHARS (two tuples
  of two tuples ... sixty deep) is refused before `==`, `in`, `{key: ...}`, `sort`, ...;
- no clock: date methods that read the clock or the machine's time zone (`today`, `now`,
  ...) are refused, and Jinja's `random` filter and `lipsum` are gone: output is reproducible.

All of it goes through Jinja's extension points: the sandbox's `call`, `call_binop`,
`getattr`, `getitem`, `is_safe_attribute`, `unsafe_undefined` and `wrap_str_format`; the
environment's `finalize`, `concat`, `optimized` and `code_generator_class`; and wrapped
filters and tests. (Jinja evaluates constant expressions while compiling, outside all of
this, unless told not to: `optimized=False` and a finalize that asks for the context.)
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import functools
import itertools
import math
import re
import signal
import string
import threading
import time
import traceback
from collections.abc import Callable, Generator, ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, operators
from jinja2.environment import TemplateModule
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter, SecurityError
from jinja2.utils import Namespace
from markupsafe import Markup

from .errors import BriefgenError, Problem, TemplateError, display_path
from .locales import date_text, number_text, plural_form
from .select import Shaped, first_sentence
from .style import Style


def _cell(text: object) -> str:
    """Brief text inside a Markdown table cell: one line, pipes escaped."""
    return re.sub(r"\s*\n\s*", " ", str(text)).replace("|", r"\|").strip()


def _literal(text: object) -> str:
    """Plain text (a person's name) as Markdown that reads back as itself: one line, punctuation escaped.

    CommonMark lets a backslash escape any ASCII punctuation; `@` would start a citation.
    """
    return re.sub(r"([\\`*_{}\[\]()<>#!|~^@&=+-])", r"\\\1", _oneline(text))


def _oneline(text: object) -> str:
    return re.sub(r"\s*\n\s*", " ", str(text)).strip()


@jinja2.pass_context
def _first_sentence(context: jinja2.runtime.Context, text: object) -> str:
    """The filter: cut in the brief's language, whose quotation marks the sentence keeps."""
    brief = context.get("brief")
    return first_sentence(str(text), getattr(brief, "language", "en"))


@jinja2.pass_context
def _date(context: jinja2.runtime.Context, value: object) -> str:
    """The filter: a date as the brief's language writes it ("12 January 2011", "12 января 2011 г.")."""
    brief = context.get("brief")
    if not isinstance(value, dt.date):
        raise ValueError(f"the date filter takes a date, not {type(value).__name__}")
    if brief is None:  # a macro file imported without the brief: its dates would silently be English
        raise ValueError("the date filter needs the brief's language: import the macros `with context`")
    return date_text(value, brief.language)


TIME_LIMIT_S = 10.0  # real templates render in milliseconds
MAX_OUTPUT_CHARS = 20_000_000  # ten times the longest brief anyone would print
MAX_RANGE = 100_000  # one `range()`; Jinja's own cap, counted against the time limit too
MAX_INT_BITS = 100_000  # about 30,000 digits; Python prints at most 4,300
TIMER_REPEAT_S = 0.5  # the timer fires again should code in its way have swallowed the first


class TemplateLimit(Exception):
    """A template ran too long or would make too much: a runaway loop, not a brief."""


def _too_long() -> TemplateLimit:
    return TemplateLimit(f"took longer than {TIME_LIMIT_S:g} s (a runaway loop?)")


def _refuse_over(size: int, what: str, unit: str = "characters") -> None:
    """Stop before an operation that would make more than MAX_OUTPUT_CHARS of something."""
    if size > MAX_OUTPUT_CHARS:
        raise TemplateLimit(f"{what} would make {size:,} {unit}; at most {MAX_OUTPUT_CHARS:,}")


def _made(value: object) -> object:
    """A value a call, filter or operator made, checked: none exceeds the limits, so none grows without end."""
    if isinstance(value, str | bytes | list | tuple | dict) and len(value) > MAX_OUTPUT_CHARS:
        raise TemplateLimit(f"a value of {len(value):,} items; at most {MAX_OUTPUT_CHARS:,}")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise TemplateLimit(f"a number of {value.bit_length():,} bits; at most {MAX_INT_BITS:,}")
    return value


# ---------------------------------------------------------------- how much text a value prints as

_DONE = object()
_QUOTED = re.compile(r"[\\\"'<>&]")  # what JSON (Jinja's tojson) escapes or turns into \u00XX


def _text_size(value: object, mode: str = "str", indent: int | None = None, limit: int | None = None) -> int:
    """At least the length of `value` printed, counting no further than `limit` (MAX_OUTPUT_CHARS).

    `mode` is how it prints: "str" (str(), as `{{ }}` and `~` do), "repr", "ascii", "json"
    (Jinja's tojson, `indent` as json.dumps) or "pprint". A list holding one big text a million
    times, or a list of two lists of two lists ... sixty deep, is small in memory and huge in
    print: counting it, each shared part once, finds that out before anything is made.
    """
    limit = MAX_OUTPUT_CHARS if limit is None else limit
    by_depth = mode == "pprint" or indent is not None  # is a part's printed size the same at every depth?
    total = 0
    frames: list[tuple[Iterator[object], tuple[int, int] | None, int]] = [(iter((value,)), None, 0)]
    open_ids: set[int] = set()  # containers being counted: one holding itself prints as [...]
    sizes: dict[tuple[int, int], int] = {}  # containers counted, so a shared one is counted once
    while frames and total <= limit:
        children, key, start = frames[-1]
        item = next(children, _DONE)
        if item is _DONE:
            frames.pop()
            if key is not None:
                open_ids.discard(key[0])
                sizes[key] = total - start
            continue
        depth = len(frames) - 1
        contents = _contents(item)
        if contents is None:
            total += _leaf_size(item, mode, depth)
            continue
        key = (id(item), depth if by_depth else 0)
        if id(item) in open_ids:
            total += 5
        elif key in sizes:
            total += sizes[key]
        else:
            start = total
            overhead, count, items = contents
            each = 2  # ", "
            if mode == "json":
                each = 3 + (0 if indent is None else 1 + indent * (depth + 1))  # quotes on a non-text key; newline
            elif mode == "pprint":
                each = 3 + depth + 1  # a line of its own, indented
            total += overhead + count * each + (0 if indent is None else 1 + indent * depth)
            if total + count > limit:  # each thing it holds prints as one character at least
                return total + count
            texts = None
            if isinstance(items, list | tuple):
                texts = _flat_size(items, mode, limit - total)
            if texts is not None:
                total += texts
                sizes[key] = total - start
            elif total <= limit:
                open_ids.add(id(item))
                frames.append((iter(items), key, start))
    return total


def _flat_size(items: list | tuple, mode: str, room: int) -> int | None:
    """At least the printed size of a list of texts or of numbers, counted in C; None: count them one by one."""
    kinds = set(map(type, items))
    if mode != "pprint" and kinds <= {int, float, bool, type(None)}:
        try:
            return sum(map(len, map(repr, items)))
        except ValueError:  # an int too long to print: Python refuses to print it anyway
            return None
    if mode == "pprint" or kinds - {str}:
        return None
    chars = sum(map(len, items)) + 2 * len(items)
    if chars > room:
        return chars
    joined = "".join(items)
    if mode == "json":
        plain = joined.isascii() and joined.isprintable() and not _QUOTED.search(joined)
    else:
        plain = joined.isprintable() and (mode != "ascii" or joined.isascii()) and "\\" not in joined
        plain = plain and not ("'" in joined and '"' in joined)
    if plain:
        return chars
    escaped = 12 * chars
    return escaped if escaped <= room else None


def _contents(item: object) -> tuple[int, int, Iterable[object]] | None:
    """A container's own characters, how many things it holds and those things; None for anything else."""
    if isinstance(item, list | tuple):
        return 3, len(item), item
    if isinstance(item, dict):
        return 2, 2 * len(item), itertools.chain.from_iterable(item.items())
    if isinstance(item, set | frozenset | KeysView | ValuesView):
        return 13, len(item), item
    if isinstance(item, ItemsView):
        return 13, 2 * len(item), itertools.chain.from_iterable(item)
    if isinstance(item, Namespace):  # `namespace()`, the one thing a template can change
        attrs = object.__getattribute__(item, "_Namespace__attrs")
        return 14, 2 * len(attrs), itertools.chain.from_iterable(attrs.items())
    if dataclasses.is_dataclass(item) and not isinstance(item, type):  # the brief's own records
        fields = dataclasses.fields(item)
        overhead = len(type(item).__qualname__) + 2 + sum(len(f.name) + 1 for f in fields)
        return overhead, len(fields), (getattr(item, f.name) for f in fields)
    return None


def _leaf_size(item: object, mode: str, depth: int) -> int:
    if isinstance(item, str):
        if mode == "str" and depth == 0:
            return len(item)
        return _quoted_size(item, mode, depth)
    if isinstance(item, bool) or item is None:
        return 5
    if isinstance(item, int):
        return item.bit_length() * 31 // 100 + 2
    if isinstance(item, float):
        return 24
    if isinstance(item, bytes | bytearray):
        return 4 * len(item) + 3
    if isinstance(item, jinja2.Undefined):
        return 9
    if isinstance(item, TemplateModule) and mode == "str" and depth == 0:  # {% import %}: prints the template's output
        return sum(map(len, getattr(item, "_body_stream", ())))  # the output Jinja keeps (no public way to its size)
    try:
        return len(str(item) if mode == "str" and depth == 0 else repr(item))
    except Exception:  # printing it will raise the same, where the template does
        return 0


def _quoted_size(text: str, mode: str, depth: int) -> int:
    """At least the length of a text inside a printed list: quoted, and escaped where it must be."""
    n = len(text)
    if mode == "json":
        plain = text.isascii() and text.isprintable() and not _QUOTED.search(text)
        return n + 2 if plain else 12 * n + 2  # \ud83d\ude00 for one character
    plain = (
        text.isprintable()
        and (text.isascii() or mode != "ascii")
        and "\\" not in text
        and not ("'" in text and '"' in text)
    )
    size = (n + 2 if plain else 10 * n + 2) + (11 if isinstance(text, Markup) else 0)  # \U000e0001
    if mode == "pprint" and n > 40:
        size += (n + 1) * (depth + 4)  # a long text is cut into quoted pieces, one a line
    return size


def _check_text(*values: object, mode: str = "str", what: str = "printing this value") -> int:
    """Refuse values that would print as more than MAX_OUTPUT_CHARS, before they are printed."""
    size = 0
    for value in values:
        if isinstance(value, str) and mode == "str":
            size += len(value)
        else:
            size += _text_size(value, mode, limit=MAX_OUTPUT_CHARS - size)
        _refuse_over(size, what)
    return size


def _check_comparable(*values: object, what: str = "comparing") -> None:
    """Refuse to compare or hash values that hold far more than they seem to.

    Comparing or hashing a list goes through everything it holds, as printing it does, in C
    where no timer can interrupt it: two lists of two lists ... sixty deep take 2**60 steps.
    What prints as more than ten times MAX_OUTPUT_CHARS is refused; anything a template can
    make within the size limits prints as less.
    """
    limit = 10 * MAX_OUTPUT_CHARS
    for value in values:
        if _contents(value) is not None and _text_size(value, "repr", limit=limit) > limit:
            raise TemplateLimit(f"{what} a value that prints as more than {limit:,} characters (shared parts?)")


# ---------------------------------------------------------------- sizes that arguments decide

_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits at


def _int(value: object, default: int = 0) -> int:
    return value if isinstance(value, int) else default


def _arg(args: tuple, kwargs: Mapping[str, object], n: int, name: str, default: object = None) -> object:
    return args[n] if n < len(args) else kwargs.get(name, default)


def _line_count(text: str) -> int:
    return sum(text.count(c) for c in _LINE_BREAKS) + 1


def _items(value: object) -> Any:
    """An iterable that will be gone through twice (counted, then used), as a list; other values as they are."""
    if isinstance(value, str | bytes | list | tuple | Mapping) or not isinstance(value, Iterable):
        return value
    return list(value)


def _escaped(owner: object) -> int:
    """Markup's methods escape their arguments: `"` becomes `&#34;`."""
    return 6 if isinstance(owner, Markup) else 1


def _size_of_padding(owner, args, kwargs, name):
    return max(len(owner), _int(_arg(args, kwargs, 0, "width")))


def _size_of_expandtabs(owner, args, kwargs, name):
    tab = "\t" if isinstance(owner, str) else b"\t"
    return len(owner) + owner.count(tab) * max(_int(_arg(args, kwargs, 0, "tabsize", 8), 8), 0)


def _size_of_replace(owner, args, kwargs, name):
    old, new = _arg(args, kwargs, 0, "old"), _arg(args, kwargs, 1, "new")
    kind = str if isinstance(owner, str) else bytes
    if not isinstance(old, kind) or not isinstance(new, kind):
        return 0  # Python refuses it
    found = len(owner) + 1 if not old else owner.count(old)
    count = _int(_arg(args, kwargs, 2, "count", -1), -1)
    found = found if count < 0 else min(found, count)
    return len(owner) + found * max(len(new) * _escaped(owner) - len(old), 0)


def _size_of_join(owner, args, kwargs, name):
    items = args[0] if args else ()
    each = _escaped(owner)
    size = len(owner) * max(len(items) - 1, 0) if hasattr(items, "__len__") else 0
    for item in items:
        size += len(item) * each if isinstance(item, str | bytes) else 0
        if size > MAX_OUTPUT_CHARS:
            break
    return size


def _size_of_translate(owner, args, kwargs, name):
    table = args[0] if args else None
    if not isinstance(owner, str):
        return len(owner)  # bytes: one byte for one byte
    values = table.values() if isinstance(table, Mapping) else table if isinstance(table, list | tuple) else ()
    longest = max((len(v) for v in values if isinstance(v, str)), default=1)
    return len(owner) * max(longest, 1)


def _size_of_encode(owner, args, kwargs, name):
    if name == "decode":
        return 4 * len(owner)  # \xff for one byte
    encoding = _arg(args, kwargs, 0, "encoding", "utf-8")
    errors = _arg(args, kwargs, 1, "errors", "strict")
    if isinstance(encoding, str):
        codecs.lookup(encoding)  # an unknown encoding is an error here, as it would be in encode
    if errors in ("strict", "ignore", "replace", "surrogateescape", "surrogatepass"):
        return 8 * len(owner)  # UTF-7 spends up to 8 bytes on one character
    if errors in ("backslashreplace", "xmlcharrefreplace"):
        return 10 * len(owner)  # \U0001f600, &#1114111;
    return 100 * len(owner)  # namereplace: \N{...} of up to 88 characters


def _size_of_to_bytes(owner, args, kwargs, name):
    return _int(_arg(args, kwargs, 0, "length", 1))


def _size_of_strftime(owner, args, kwargs, name):
    pattern = _arg(args, kwargs, 0, "format", "")
    return 16 * len(pattern) + 16 if isinstance(pattern, str) else 0  # %c: 24 characters for 2


_TEXT_METHODS: dict[str, Callable] = {
    "center": _size_of_padding,
    "ljust": _size_of_padding,
    "rjust": _size_of_padding,
    "zfill": _size_of_padding,
    "expandtabs": _size_of_expandtabs,
    "replace": _size_of_replace,
    "join": _size_of_join,
    "translate": _size_of_translate,
    "encode": _size_of_encode,
    "decode": _size_of_encode,
}


def _checked_call(obj: object, args: tuple, kwargs: dict) -> tuple:
    """A method's arguments, checked for the size of what the call would make; an iterable to join as a list."""
    if obj is dict:  # dict(pairs) hashes the keys
        _check_comparable(*args, *kwargs.values(), what="dict() of")
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", None)
    if owner is None or isinstance(owner, type) or not isinstance(name, str):
        return args
    if _contents(owner) is not None or isinstance(owner, LoopContext):  # d.get(key), loop.changed(value), ...
        _check_comparable(*args, *kwargs.values(), what=f"{name}() of")
    size = None
    if isinstance(owner, str | bytes) and name in _TEXT_METHODS:
        if name == "join" and args:
            args = (_items(args[0]), *args[1:])
        size = _TEXT_METHODS[name](owner, args, kwargs, name)
    elif isinstance(owner, int) and name == "to_bytes":
        size = _size_of_to_bytes(owner, args, kwargs, name)
    elif isinstance(owner, dt.date | dt.time) and name == "strftime":
        size = _size_of_strftime(owner, args, kwargs, name)
    elif isinstance(owner, list | tuple) and name in ("index", "count") and args:
        _check_text(args[0], mode="repr", what=f"{name}()")  # its error message would print the value
    if size is not None:
        _refuse_over(size, f"{name}()")
    return args


# ---------------------------------------------------------------- %, str.format


def _number_size(value: object) -> int:
    """At least the characters a number formats as, before width and precision: binary digits are the most."""
    if isinstance(value, int):
        return value.bit_length() + 3
    if isinstance(value, complex):
        return 900
    return 450  # '{:,f}'.format(1e308)


def _digits(text: str | None) -> int:
    """A width or precision as written; one of more than 30 digits as 10**30 (int() refuses 4,300)."""
    return int(text or 0) if len(text or "") <= 30 else 10**30


def _printf_size(pattern: str | bytes, values: object) -> int:
    """At least the length of `pattern % values`: each %-field's width, precision and value; before it is made."""
    text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    positional = list(values) if isinstance(values, tuple) else [values]
    mapping = values if isinstance(values, Mapping) else None
    taken = 0

    def take() -> object:
        nonlocal taken
        taken += 1
        return positional[taken - 1] if taken <= len(positional) else None

    def number(start: int) -> tuple[object, int]:
        if start < len(text) and text[start] == "*":
            return take(), start + 1
        end = start
        while end < len(text) and text[end] in "0123456789":
            end += 1
        return _digits(text[start:end]), end

    size, at = len(text), 0
    while (at := text.find("%", at) + 1) > 0:
        key = None
        if at < len(text) and text[at] == "(":  # %(name)s, parentheses nested as Python allows
            depth, end = 1, at + 1
            while end < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            key, at = text[at + 1 : end - 1], end
        while at < len(text) and text[at] in "-+ #0":
            at += 1
        width, at = number(at)
        precision: object = None
        if at < len(text) and text[at] == ".":
            precision, at = number(at + 1)
        cut = precision is not None
        while at < len(text) and text[at] in "hlL":
            at += 1
        kind, at = text[at : at + 1], at + 1
        if kind == "%":
            continue
        value = take() if key is None else (mapping or {}).get(key)
        precision = abs(_int(precision))
        if kind in ("s", "r", "a"):
            mode = "str" if kind == "s" and isinstance(pattern, str) else "repr" if kind == "r" else "ascii"
            content = _text_size(value, mode)
            content = min(content, precision) if cut else content
        elif kind == "b":
            content = len(value) if isinstance(value, bytes) else 0
        elif kind in "diuoxXeEfFgGc":
            content = (_number_size(value) if isinstance(value, int | float) else 0) + precision
        else:
            content = 0  # Python refuses it
        size += max(abs(_int(width)), content) * _escaped(pattern)
        if size > MAX_OUTPUT_CHARS:
            break
    return size


_FORMAT_SPEC = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?", re.S
)


def _field_size(value: object, spec: str) -> int:
    """At least the length of format(value, spec), as str.format would make it."""
    match = _FORMAT_SPEC.fullmatch(spec)
    if match is None:
        if isinstance(value, dt.date | dt.time):
            return 16 * len(spec) + 16  # a strftime pattern
        return _text_size(value) + len(spec)  # Python refuses the spec for anything else a template has
    width, precision = _digits(match["width"]), _digits(match["precision"])
    if isinstance(value, int | float | complex):
        content = _number_size(value) + precision
    elif isinstance(value, str):
        content = min(len(value), precision) if match["precision"] else len(value)
    else:
        content = _text_size(value)
    return max(width, content)


class _SizedFormatting(string.Formatter):
    """str.format in the sandbox, with each field's size (width, precision, value) checked before it is made.

    Mixed in before Jinja's sandboxed formatters, which set `_env` (theirs, a `_BoundedSandbox` here).
    """

    made = 0
    _env: jinja2.Environment

    def vformat(self, format_string, args, kwargs):
        self.made = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def convert_field(self, value, conversion):
        if conversion in ("r", "a"):
            _check_text(value, mode="repr" if conversion == "r" else "ascii", what="format()")
        return super().convert_field(value, conversion)

    def format_field(self, value, format_spec):
        cast(_BoundedSandbox, self._env).tick()
        escaping = 6 if isinstance(self, SandboxedEscapeFormatter) else 1
        self.made += _field_size(value, format_spec) * escaping
        _refuse_over(self.made, "format()")
        return super().format_field(value, format_spec)


class _Formatter(_SizedFormatting, SandboxedFormatter):
    pass


class _EscapeFormatter(_SizedFormatting, SandboxedEscapeFormatter):
    pass


# ---------------------------------------------------------------- the sandbox


_CLOCK = frozenset(["today", "now", "utcnow", "fromtimestamp", "utcfromtimestamp", "timestamp", "astimezone"])
_TIMES = (dt.date, dt.time, dt.tzinfo)


def _reads_clock(obj: object, attr: str) -> bool:
    """`brief.date.today()` and its kin: the clock or the machine's time zone, never the same output twice."""
    if attr not in _CLOCK:
        return False
    return isinstance(obj, _TIMES) or (isinstance(obj, type) and issubclass(obj, _TIMES))


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator (the environment's `code_generator_class`), with three changes.

    Every `for` loop goes through `environment.ticking`, so each step checks the deadline
    whatever it loops over; `~` checks the size of what it joins before joining it; and what
    `==`, `in`, ... compare and a `{...}` hashes is checked first (`environment.comparable`).
    """

    def visit_For(self, node: nodes.For, frame) -> None:
        iterable = node.iter
        node.iter = nodes.Call(
            nodes.EnvironmentAttribute("ticking", lineno=iterable.lineno),
            [iterable],
            [],
            None,
            None,
            lineno=iterable.lineno,
        )
        try:
            super().visit_For(node, frame)
        finally:
            node.iter = iterable

    def visit_Compare(self, node: nodes.Compare, frame) -> None:  # Jinja's own, with each operand checked first
        self.write("(environment.comparable(")
        self.visit(node.expr, frame)
        self.write(")")
        for op in node.ops:
            self.visit(op, frame)
        self.write(")")

    def visit_Operand(self, node: nodes.Operand, frame) -> None:
        self.write(f" {operators[node.op]} environment.comparable(")
        self.visit(node.expr, frame)
        self.write(")")

    def visit_Dict(self, node: nodes.Dict, frame) -> None:  # Jinja's own, with each key checked before it is hashed
        self.write("{")
        for idx, item in enumerate(node.items):
            if idx:
                self.write(", ")
            self.write("environment.comparable(")
            self.visit(item.key, frame)
            self.write("): ")
            self.visit(item.value, frame)
        self.write("}")

    def visit_Concat(self, node: nodes.Concat, frame) -> None:  # Jinja's own, with the parts checked first
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"{join}(environment.joinable((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


class _Ticking:
    """What a `for` loop goes through: its iterable, with the deadline checked at each step."""

    def __init__(self, env: _BoundedSandbox, iterable: object) -> None:
        self._env, self._iterable = env, iterable

    def __len__(self) -> int:  # loop.length without going through it twice
        return len(self._iterable)  # type: ignore[arg-type]  # as Jinja's loop.length: a TypeError for an iterator

    def __iter__(self) -> Iterator[object]:
        tick = self._env.tick
        for value in self._iterable:  # type: ignore[attr-defined]  # whatever the template loops over
            tick()
            yield value


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with the run's deadline checked wherever a template can spin
    and sizes checked wherever it can make something big."""

    intercepted_binops = frozenset(["*", "**", "+", "-", "%"])
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, *args, **kwargs) -> None:
        # No compile-time evaluation: the optimizer, and a finalize that does not ask for the context, let Jinja
        # run a template's constant expressions while compiling it, outside every check here
        super().__init__(*args, finalize=_printable, optimized=False, **kwargs)
        self._run = threading.local()  # the deadline of the render on this thread

    @property
    def deadline(self) -> float:
        return getattr(self._run, "deadline", math.inf)

    @deadline.setter
    def deadline(self, value: float) -> None:
        self._run.deadline = value

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise _too_long()

    def ticking(self, iterable: object) -> _Ticking:
        return _Ticking(self, iterable)

    def call(__self, __context, __obj, *args, **kwargs):  # Jinja's own signature
        __self.tick()
        if isinstance(__obj, LoopContext) and args:  # loop(children) in a recursive loop
            args = (__self.ticking(args[0]), *args[1:])
        else:
            args = _checked_call(__obj, args, kwargs)
        return _made(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context, operator: str, left, right):
        self.tick()
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj, attribute):
        self.tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        self.tick()  # map(attribute=...) goes through here for each item
        if not isinstance(argument, str | int | slice):  # a missing key is named in the error: print it small
            _check_text(argument, mode="repr", what="a key")
        return super().getitem(obj, argument)

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        return not _reads_clock(obj, attr) and super().is_safe_attribute(obj, attr, value)

    def unsafe_undefined(self, obj, attribute: str):
        if _reads_clock(obj, attribute):
            return self.undefined(
                f"{attribute}() reads the clock or the machine's time zone; a template's output must be the "
                "same whenever and wherever it is built (use brief.date)",
                name=attribute,
                obj=obj,
                exc=SecurityError,
            )
        return super().unsafe_undefined(obj, attribute)

    def wrap_str_format(self, value):
        """Jinja's own, with a formatter that checks each field's size before making it."""
        if super().wrap_str_format(value) is None:  # not a str's format or format_map
            return None
        text = value.__self__
        is_format_map = value.__name__ == "format_map"

        def wrapper(*args, **kwargs):
            if is_format_map:
                if kwargs:
                    raise TypeError("format_map() takes no keyword arguments")
                if len(args) != 1:
                    raise TypeError(f"format_map() takes exactly one argument ({len(args)} given)")
                args, kwargs = (), args[0]  # type: ignore[misc]  # mypy reads args[0] after args is ()
            self.tick()
            formatter = _EscapeFormatter(self, escape=text.escape) if isinstance(text, Markup) else _Formatter(self)
            return type(text)(formatter.vformat(text, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    def concat(self, parts: Iterable[str]) -> str:  # joins the body of every block, macro and {% set %}
        parts = parts if isinstance(parts, list) else list(parts)
        _refuse_over(sum(map(len, parts)), "this block")
        return "".join(parts)

    def comparable(self, value: object) -> object:  # what `==`, `in`, ... compare and `{key: ...}` hashes
        _check_comparable(value)
        return value

    def joinable(self, parts: tuple) -> tuple:  # what `~` joins
        self.tick()
        _check_text(*parts, what="~")
        return parts

    def bounded_range(self, *args: int) -> Iterator[int]:
        steps = range(*args)
        if len(steps) > MAX_RANGE:
            raise TemplateLimit(f"range() of {len(steps):,} steps; at most {MAX_RANGE:,}")
        for n, value in enumerate(steps):
            if n % 256 == 0:
                self.tick()
            yield value


@jinja2.pass_eval_context  # so Jinja never calls it while compiling (see _BoundedSandbox)
def _printable(eval_ctx: nodes.EvalContext, value: object) -> object:
    """The environment's `finalize`: what `{{ }}` prints, checked before it is printed."""
    if not isinstance(value, str):
        _check_text(value)
    return value


def _check_binop(operator: str, left: object, right: object) -> None:
    if operator == "**":
        if isinstance(right, int) and abs(right) > 1000 and not isinstance(left, float):
            raise TemplateLimit(f"** with an exponent of {right} is too big")
        if isinstance(left, int) and isinstance(right, int):
            bits = abs(left).bit_length() * right
            if bits > MAX_INT_BITS and abs(left) > 1:
                raise TemplateLimit(f"** would make a number of about {bits:,} bits")
    elif operator == "*":
        sequences = (str, bytes, list, tuple)
        if isinstance(left, sequences) or isinstance(right, sequences):
            _refuse_over(_size(left) * _size(right), "*", "items")
        elif isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise TemplateLimit(f"* would make a number of about {left.bit_length() + right.bit_length():,} bits")
    elif operator == "+":
        sequences = (str, bytes, list, tuple)
        if isinstance(left, sequences) and isinstance(right, sequences):
            escaping = 6 if isinstance(left, Markup) or isinstance(right, Markup) else 1
            _refuse_over((len(left) + len(right)) * escaping, "+", "items")
    elif operator == "%" and isinstance(left, str | bytes):
        _refuse_over(_printf_size(left, right), "%")
    elif operator == "-" and not isinstance(left, int | float):  # d.keys() - other: a set, made by hashing
        _check_comparable(left, right, what="- with")


def _size(value: Any) -> int:
    """How big a `*` operand makes the result: a sequence's length, or an int's value."""
    return len(value) if isinstance(value, str | bytes | list | tuple) else max(abs(int(value)), 1)


@contextmanager
def _time_limit(env: _BoundedSandbox) -> Iterator[None]:
    """The deadline, and on POSIX's main thread a timer that interrupts a stuck run."""
    env.deadline = time.monotonic() + TIME_LIMIT_S
    use_timer = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not use_timer:
        try:
            yield
        finally:
            env.deadline = math.inf
        return

    def expired(signum, frame):
        if time.monotonic() > env.deadline:  # never once the run is over
            raise _too_long()

    previous = signal.signal(signal.SIGALRM, expired)
    other_timer = signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_S + TIMER_REPEAT_S, TIMER_REPEAT_S)
    try:
        yield
    finally:
        try:
            env.deadline = math.inf
        finally:
            signal.setitimer(signal.ITIMER_REAL, *other_timer)  # a caller's own timer goes on (0, 0: none)
            signal.signal(signal.SIGALRM, previous)


class _FolderLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, reading through the one opener (inputs.read_input).

    A template or a file it includes must be a regular file of at most MAX_TEMPLATE_BYTES
    inside its template folder: a link to ~/.ssh/config or a FIFO in a shared folder is an
    error naming the file, never read. `get_source` is the loader's public extension point.
    """

    def get_source(self, environment: jinja2.Environment, template: str):
        from .inputs import MAX_TEMPLATE_BYTES, InputRefused, read_input

        pieces = jinja2.loaders.split_template_path(template)  # refuses `..`, as Jinja's own loader does
        for root in self.searchpath:
            path = Path(root, *pieces)
            if not (path.exists() or path.is_symlink()):
                continue
            try:
                source = read_input(path, MAX_TEMPLATE_BYTES, within=Path(root)).decode(self.encoding)
            except (InputRefused, UnicodeDecodeError) as err:
                raise TemplateError(Problem(display_path(path), None, None, "", f"template {err}")) from None
            mtime = path.stat().st_mtime_ns

            def uptodate(path: Path = path, mtime: int = mtime) -> bool:
                try:
                    return path.stat().st_mtime_ns == mtime
                except OSError:
                    return False

            return source, str(path), uptodate
        raise jinja2.TemplateNotFound(template)


# ---------------------------------------------------------------- filters
# Each check gets the filter's name, what the filter was passed (environment or evaluation
# context), its value and arguments; it refuses what would be too big and returns the value
# and positional arguments to call the filter with (an iterable it went through, as a list).


def _text_filter(name, passed, value, *args, **kwargs) -> tuple:
    """A filter that prints its value and arguments (upper, trim, cell, ...): none may print too big."""
    _check_text(value, *args, *kwargs.values(), what=f"|{name}")
    return (value, *args)


def _center(name, passed, value, *args, **kwargs) -> tuple:
    size = _check_text(value, what=f"|{name}")
    _refuse_over(max(size, _int(_arg(args, kwargs, 0, "width", 80))), f"|{name}")
    return (value, *args)


def _indent(name, passed, value, *args, **kwargs) -> tuple:
    width = _arg(args, kwargs, 0, "width", 4)
    step = len(width) if isinstance(width, str) else _int(width)
    _refuse_over(step, f"|{name}")  # the indentation itself is made first
    size = _check_text(value, what=f"|{name}")
    lines = _line_count(value) if isinstance(value, str) else size + 1
    _refuse_over(size + lines * step, f"|{name}")
    return (value, *args)


def _wordwrap(name, passed, value, *args, **kwargs) -> tuple:
    size = _check_text(value, what=f"|{name}")
    wrapstring = _arg(args, kwargs, 2, "wrapstring") or passed.newline_sequence
    breaks = size + 1  # at most one after each character
    _refuse_over(size + breaks * _check_text(wrapstring, what=f"|{name}"), f"|{name}")
    return (value, *args)


def _replace(name, passed, value, *args, **kwargs) -> tuple:
    size = _check_text(value, *args, *kwargs.values(), what=f"|{name}")
    old, new = _arg(args, kwargs, 0, "old"), _arg(args, kwargs, 1, "new")
    if isinstance(value, str) and isinstance(old, str) and isinstance(new, str):
        escaping = 6 if passed.autoescape else 1
        found = len(value) + 1 if not old else value.count(old)
        count = _int(_arg(args, kwargs, 2, "count", -1), -1)
        found = found if count < 0 else min(found, count)
        size = len(value) * escaping + found * max(len(new) * escaping - len(old), 0)
    _refuse_over(size, f"|{name}")
    return (value, *args)


def _format(name, passed, value, *args, **kwargs) -> tuple:
    if isinstance(value, str):
        _refuse_over(_printf_size(value, kwargs or args), f"|{name}")
    return (value, *args)


def _join(name, passed, value, *args, **kwargs) -> tuple:
    items = _items(value)
    separator = _check_text(_arg(args, kwargs, 0, "d", ""), what=f"|{name}")
    attribute = _arg(args, kwargs, 1, "attribute")
    if isinstance(items, str):
        size = len(items) + separator * max(len(items) - 1, 0)
    else:
        size = separator * max(len(items) - 1, 0) if hasattr(items, "__len__") else 0
        for item in items:
            size += _text_size(item, limit=MAX_OUTPUT_CHARS - size) + (64 if attribute is not None else 0)
            if size > MAX_OUTPUT_CHARS:
                break
    _refuse_over(size * (6 if passed.autoescape else 1), f"|{name}")
    return (items, *args)


def _tojson(name, passed, value, *args, **kwargs) -> tuple:
    indent = _arg(args, kwargs, 0, "indent")
    step = len(indent) if isinstance(indent, str) else None if indent is None else _int(indent)
    if step is not None:
        _refuse_over(step, f"|{name}(indent)")  # json.dumps makes the indentation first
    _refuse_over(_text_size(value, "json", step), f"|{name}")
    return (value, *args)


def _pprint(name, passed, value, *args, **kwargs) -> tuple:
    _refuse_over(_text_size(value, "pprint"), f"|{name}")
    return (value, *args)


def _escape(name, passed, value, *args, **kwargs) -> tuple:
    size = _check_text(value, what=f"|{name}")
    escapes = sum(value.count(c) for c in "&<>\"'") if isinstance(value, str) else size
    _refuse_over(size + 4 * escapes, f"|{name}")  # &#34; for "
    return (value, *args)


def _urlize(name, passed, value, *args, **kwargs) -> tuple:
    size = _check_text(value, what=f"|{name}")
    extra = _check_text(_arg(args, kwargs, 2, "target") or "", _arg(args, kwargs, 3, "rel") or "", what=f"|{name}")
    _refuse_over(12 * size + (size // 5 + 1) * (6 * extra + 80), f"|{name}")  # an <a> round each link
    return (value, *args)


def _urlencode(name, passed, value, *args, **kwargs) -> tuple:
    _refuse_over(12 * _check_text(value, what=f"|{name}"), f"|{name}")  # %F0%9F%98%80 for one character
    return (value, *args)


def _xmlattr(name, passed, value, *args, **kwargs) -> tuple:
    if isinstance(value, Mapping):
        _refuse_over(sum(6 * _check_text(k, v, what=f"|{name}") + 4 for k, v in value.items()) + 1, f"|{name}")
    return (value, *args)


def _batch(name, passed, value, *args, **kwargs) -> tuple:
    _refuse_over(_int(_arg(args, kwargs, 0, "linecount")), f"|{name}", "items")  # the last batch is filled up
    return (value, *args)


def _slice(name, passed, value, *args, **kwargs) -> tuple:
    slices = _int(_arg(args, kwargs, 0, "slices"))
    if slices > MAX_RANGE:
        raise TemplateLimit(f"|{name} into {slices:,} slices; at most {MAX_RANGE:,}")
    return (value, *args)


def _round(name, passed, value, *args, **kwargs) -> tuple:
    precision = _int(_arg(args, kwargs, 0, "precision"))
    if abs(precision) > 1000:  # 10 ** precision, a number of millions of digits, before rounding
        raise TemplateLimit(f"|{name} to {precision:,} digits; at most 1,000")
    return (value, *args)


def _sum(name, passed, value, *args, **kwargs) -> tuple:
    start = _arg(args, kwargs, 1, "start", 0)
    items = _items(value)
    if isinstance(start, str | bytes | list | tuple):  # sum(start=[]) joins lists
        size = len(start)
        for item in items:
            size += len(item) if isinstance(item, str | bytes | list | tuple) else 0
            _refuse_over(size, f"|{name}", "items")
    return (items, *args)


def _compared(name, passed, value, *args, **kwargs) -> tuple:
    """sort, unique, groupby, ...: they compare or hash what they are given."""
    items = _items(value)
    _check_comparable(items, *args, *kwargs.values(), what=f"|{name} of")
    return (items, *args)


def _tested(name, passed, value, *args, **kwargs) -> tuple:
    """The tests (`is in`, `is eq`, ...) compare what they are given too."""
    _check_comparable(value, *args, *kwargs.values(), what=f"is {name} with")
    return (value, *args)


_FILTER_CHECKS: dict[str, Callable[..., tuple]] = {
    **dict.fromkeys(
        ["capitalize", "lower", "upper", "title", "trim", "striptags", "wordcount", "string", "safe", "truncate"],
        _text_filter,
    ),
    **dict.fromkeys(["cell", "oneline", "literal", "first_sentence", "int", "float", "filesizeformat"], _text_filter),
    **dict.fromkeys(["e", "escape", "forceescape"], _escape),
    **dict.fromkeys(["sort", "unique", "groupby", "dictsort", "min", "max"], _compared),
    "center": _center,
    "indent": _indent,
    "wordwrap": _wordwrap,
    "replace": _replace,
    "format": _format,
    "join": _join,
    "tojson": _tojson,
    "pprint": _pprint,
    "urlize": _urlize,
    "urlencode": _urlencode,
    "xmlattr": _xmlattr,
    "batch": _batch,
    "slice": _slice,
    "round": _round,
    "sum": _sum,
}
_PASSERS = {
    "context": jinja2.pass_context,
    "eval_context": jinja2.pass_eval_context,
    "environment": jinja2.pass_environment,
}


def _capped(env: _BoundedSandbox, name: str, function: Callable, check: Callable[..., tuple] | None) -> Callable:
    """A filter that checks the deadline, the sizes its arguments decide (`check`) and the size of its result.

    A Jinja filter may ask for the environment, context or evaluation context
    (`jinja2.pass_environment`, ...; `wordwrap` and `truncate` do): the wrapper asks for
    the same, through the same decorator, and hands it on.
    """
    marker = getattr(function, "jinja_pass_arg", None)
    passer = _PASSERS.get(getattr(marker, "name", ""))

    def capped(*args, **kwargs):
        env.tick()
        passed, args = (args[0], args[1:]) if passer is not None else (None, args)
        if check is not None and args:
            args = check(name, _evaluation(passed, env), *args, **kwargs)
        if passer is not None:
            args = (passed, *args)
        return _made(function(*args, **kwargs))

    capped.__name__ = capped.__qualname__ = name
    capped.__doc__ = function.__doc__
    return passer(capped) if passer is not None else capped


def _evaluation(passed: object, env: _BoundedSandbox) -> object:
    """What a check may ask of the run: `newline_sequence`, and `autoescape` where Jinja knows it."""
    if isinstance(passed, Context):
        return passed.eval_ctx
    return passed if passed is not None else nodes.EvalContext(env)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's own cache of compiled templates, kept in the per-user cache (briefgen/cache.py).

    Jinja checks each template's source against what it compiled. The entries are keyed by the
    toolchain too (incremental.toolchain), as this module's code generator (the bounded sandbox) is
    briefgen's; and the cache is asked at each use, so `--no-cache` and BRIEFGEN_CACHE_DIR apply to an
    environment made before them.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        from . import cache

        data = cache.get("jinja", cache.key("jinja", bucket.key))
        if isinstance(data, bytes):
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        from . import cache

        cache.put("jinja", cache.key("jinja", bucket.key), bucket.bytecode_to_string())


@functools.lru_cache(maxsize=8)
def _environment(roots: tuple[Path, ...]) -> _BoundedSandbox:
    """One environment per template search path, so each template compiles once per process.

    Jinja's loader checks a template file's modification time before reusing it, so an edited
    template (`briefgen watch`) is compiled again.
    """
    env = _BoundedSandbox(
        loader=_FolderLoader([str(r) for r in roots]),
        bytecode_cache=_CompiledTemplates(),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(cell=_cell, oneline=_oneline, literal=_literal, first_sentence=_first_sentence, date=_date)
    del env.filters["random"]  # a different choice at each build: output must be reproducible
    for name, function in list(env.filters.items()):
        env.filters[name] = _capped(env, name, function, _FILTER_CHECKS.get(name))
    for name, test in list(env.tests.items()):
        env.tests[name] = _capped(env, name, cast(Callable[..., Any], test), _tested)
    env.globals["range"] = env.bounded_range
    del env.globals["lipsum"]  # placeholder text has no place in a brief, and n=10**9 would hang
    return env


def _labeller(style: Style, language: str):
    """`label('name')` for templates, in the brief's language, the style's own labels winning.

    `label('more_in_full_brief', n)` picks the form CLDR's plural rule gives `n` in that language
    and writes `n` for `{hidden}`; without a count a plural label gives its `other` form.
    """
    labels = style.wording(language)

    def label(name: str, count: int | None = None) -> str:
        _check_text(name)
        text = labels.get(str(name), str(name))
        if count is None:
            return plural_form(text, 2, "en")
        if not isinstance(count, int) or isinstance(count, bool):
            raise ValueError(f"label('{name}', …): the count must be a whole number")  # named at the template's line
        return plural_form(text, count, language).replace("{hidden}", number_text(count, language))

    return label


def _template_problem(err: Exception, template: str = "template") -> Problem:
    if isinstance(err, jinja2.TemplateSyntaxError):
        where = display_path(err.filename or err.name or "template")
        return Problem(where, err.lineno, None, "", _oneline_message(err.message or _message(err)))
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if frame.filename.endswith(".j2"):
            return Problem(display_path(frame.filename), frame.lineno, None, "", _explain(err))
    return Problem(template, None, None, "", _explain(err))


def _explain(err: Exception) -> str:
    if isinstance(err, jinja2.UndefinedError):
        return _oneline_message(f"undefined variable or attribute: {err.message}")
    if isinstance(err, jinja2.TemplateNotFound):
        return _oneline_message(f"template not found: {err.name}")
    if isinstance(err, TemplateLimit):
        return f"stopped: {err}"
    if isinstance(err, RecursionError):
        return "stopped: a macro or recursive loop calls itself without end"
    if isinstance(err, MemoryError):
        return "stopped: out of memory"
    return _oneline_message(f"{type(err).__name__}: {_message(err)}")


def _message(err: BaseException) -> str:
    """An exception's message, unless printing it would print a huge value (a KeyError's key)."""
    if all(isinstance(a, str | int | float) or _text_size(a, "repr", limit=10_000) <= 10_000 for a in err.args):
        return str(err)
    return "(a value too big to show)"


def _oneline_message(text: str, limit: int = 300) -> str:
    """Every problem is one line an editor can jump from."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_markdown(
    template: str, roots: tuple[Path, ...], brief: Shaped, style: Style, audience: str, **context: object
) -> str:
    """`context` adds plain data a template may use, e.g. the email template's `attachments`."""
    env = _environment(roots)
    try:
        with _time_limit(env):
            tmpl = env.get_template(template)
            chunks, size = [], 0
            stream: Generator[str, None, None] = tmpl.generate(  # type: ignore[assignment]  # a generator, typed as an Iterator
                context, brief=brief, style=style, audience=audience, label=_labeller(style, brief.language)
            )
            for chunk in stream:
                size += len(chunk)
                problem = None
                if size > MAX_OUTPUT_CHARS:
                    problem = TemplateLimit(f"output passed {MAX_OUTPUT_CHARS:,} characters (a runaway loop?)")
                elif time.monotonic() > env.deadline:
                    problem = _too_long()
                if problem is not None:
                    stream.throw(problem)  # raised where the template wrote the chunk, so the error names its line
                    raise problem
                chunks.append(chunk)
            return "".join(chunks)
    except BriefgenError:
        raise  # already one of ours, naming its file (a template that is a link out of its folder)
    except jinja2.TemplateError as err:
        raise TemplateError(_template_problem(err)) from None
    except Exception as err:  # whatever a template raises is the template's mistake, at its line
        raise TemplateError(_template_problem(err, template)) from None
