"""Stage 3: run an audience's Jinja2 template over the shaped brief, giving Markdown.

Templates are shared between institutions, so they run in Jinja's immutable sandbox
and receive plain data only (the shaped brief, the style, the audience's name and a
`label` function); brief text is passed as data and never evaluated as template code.
Errors point to the template file and line.

A template is code from elsewhere, so its run is bounded: `range` and the operators that
build big values (`*`, `**`) are capped, its output may not exceed MAX_OUTPUT_CHARS, and
it must finish within TIME_LIMIT_S (checked at every call, loop step over `range` and
output chunk; on POSIX a timer also interrupts a run stuck between those points).
"""

from __future__ import annotations

import math
import re
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import Problem, TemplateError, display_path
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


TIME_LIMIT_S = 10.0  # real templates render in milliseconds
MAX_OUTPUT_CHARS = 20_000_000  # ten times the longest brief anyone would print
MAX_RANGE = 100_000  # one `range()`; Jinja's own cap, counted against the time limit too


class TemplateLimit(Exception):
    """A template ran too long or produced too much: a runaway loop, not a brief."""


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with the run's deadline checked wherever a template can spin."""

    intercepted_binops = frozenset(["*", "**"])
    deadline = math.inf

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(f"took longer than {TIME_LIMIT_S:g} s (a runaway loop?)")

    def call(__self, __context, __obj, *args, **kwargs):  # Jinja's own signature
        __self.tick()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator: str, left, right):
        self.tick()
        if operator == "**" and isinstance(right, int) and abs(right) > 1000 and not isinstance(left, float):
            raise TemplateLimit(f"{operator} with an exponent of {right} is too big")
        sequences = (str, list, tuple)
        if operator == "*" and (isinstance(left, sequences) or isinstance(right, sequences)):
            size = _size(left) * _size(right)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateLimit(f"* would make a value of {size:,} items")
        return super().call_binop(context, operator, left, right)

    def bounded_range(self, *args: int) -> Iterator[int]:
        steps = range(*args)
        if len(steps) > MAX_RANGE:
            raise TemplateLimit(f"range() of {len(steps):,} steps; at most {MAX_RANGE:,}")
        for n, value in enumerate(steps):
            if n % 256 == 0:
                self.tick()
            yield value


def _size(value: object) -> int:
    """How big a `*` operand makes the result: a sequence's length, or an int's value."""
    return len(value) if isinstance(value, str | list | tuple) else max(abs(int(value)), 1)


@contextmanager
def _time_limit(env: _BoundedSandbox) -> Iterator[None]:
    """The deadline, and on POSIX's main thread a timer that interrupts a stuck run."""
    env.deadline = time.monotonic() + TIME_LIMIT_S
    use_timer = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not use_timer:
        yield
        return

    def expired(signum, frame):
        raise TemplateLimit(f"took longer than {TIME_LIMIT_S:g} s (a runaway loop?)")

    previous = signal.signal(signal.SIGALRM, expired)
    other_timer = signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_S + 1)
    try:
        yield
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


@lru_cache(maxsize=8)
def _environment(roots: tuple[Path, ...]) -> _BoundedSandbox:
    """One environment per template search path, so each template compiles once per process.

    Jinja's loader checks a template file's modification time before reusing it, so an edited
    template (`briefgen watch`) is compiled again.
    """
    env = _BoundedSandbox(
        loader=_FolderLoader([str(r) for r in roots]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        cell=_cell, oneline=_oneline, literal=_literal, first_sentence=lambda text: first_sentence(str(text))
    )
    for name, size_arguments in _SIZED_FILTERS.items():
        env.filters[name] = _capped(env.filters[name], size_arguments)
    env.globals["range"] = env.bounded_range
    del env.globals["lipsum"]  # placeholder text has no place in a brief, and n=10**9 would hang
    return env


_SIZED_FILTERS = {"center": (0,), "indent": (0,), "wordwrap": (0,), "truncate": (0,)}  # argument positions


def _capped(function, positions: tuple[int, ...]):
    """A filter whose size argument (`'x' | center(10**9)`) is kept within the output limit."""

    def capped(value, *args, **kwargs):
        for n in positions:
            if n < len(args) and isinstance(args[n], int) and abs(args[n]) > MAX_OUTPUT_CHARS:
                raise TemplateLimit(f"a size of {args[n]:,} is too big")
        for value_ in kwargs.values():
            if isinstance(value_, int) and abs(value_) > MAX_OUTPUT_CHARS:
                raise TemplateLimit(f"a size of {value_:,} is too big")
        return function(value, *args, **kwargs)

    return capped


def _labeller(style: Style):
    """`label('name')` for templates: a plain function, not a bound method of the style."""

    def label(name: str) -> str:
        return style.label(str(name))

    return label


def _template_problem(err: Exception, template: str = "template") -> Problem:
    if isinstance(err, jinja2.TemplateSyntaxError):
        return Problem(
            display_path(err.filename or err.name or "template"), err.lineno, None, "", err.message or str(err)
        )
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if frame.filename.endswith(".j2"):
            return Problem(display_path(frame.filename), frame.lineno, None, "", _explain(err))
    return Problem(template, None, None, "", _explain(err))


def _explain(err: Exception) -> str:
    if isinstance(err, jinja2.UndefinedError):
        return f"undefined variable or attribute: {err.message}"
    if isinstance(err, jinja2.TemplateNotFound):
        return f"template not found: {err.name}"
    if isinstance(err, TemplateLimit):
        return f"stopped: {err}"
    if isinstance(err, RecursionError):
        return "stopped: a macro calls itself without end"
    return f"{type(err).__name__}: {err}"


def render_markdown(
    template: str, roots: tuple[Path, ...], brief: Shaped, style: Style, audience: str, **context: object
) -> str:
    """`context` adds plain data a template may use, e.g. the email template's `attachments`."""
    env = _environment(roots)
    try:
        with _time_limit(env):
            tmpl = env.get_template(template)
            chunks, size = [], 0
            for chunk in tmpl.generate(context, brief=brief, style=style, audience=audience, label=_labeller(style)):
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise TemplateLimit(f"output passed {MAX_OUTPUT_CHARS:,} characters (a runaway loop?)")
                env.tick()
                chunks.append(chunk)
            return "".join(chunks)
    except jinja2.TemplateError as err:
        raise TemplateError(_template_problem(err)) from None
    except (
        TemplateLimit,
        TypeError,
        ValueError,
        AttributeError,
        KeyError,
        IndexError,
        ZeroDivisionError,
        OverflowError,
        RecursionError,
        MemoryError,
    ) as err:
        raise TemplateError(_template_problem(err, template)) from None
