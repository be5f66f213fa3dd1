"""One error family for everything a user can get wrong.

Each error subclasses `click.ClickException`, so the CLI prints the message and
exits 1 without a traceback. Messages follow `file:line:col: field: message`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import click

MAX_MESSAGE = 400  # characters of one problem's message: a 3 MB value quoted whole is no message
MAX_QUOTE = 80  # characters of a value quoted in a message
_HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def printable(text: str) -> str:
    """Text as a terminal should show it: line breaks, control and bidi characters escaped (\\n, \\u202e),
    so one problem stays one line and a value cannot reorder or hide the rest of it."""
    return _HIDDEN.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def quoted(value: object, limit: int = MAX_QUOTE) -> str:
    """A value quoted in a message: `'…'`, escaped, and cut to `limit` characters."""
    text = printable(str(value))
    if len(text) > limit:
        cut = limit - 1
        while cut > 0 and unicodedata.combining(text[cut]):
            cut -= 1
        text = text[:cut] + "…"
    return f"'{text}'"


@dataclass(frozen=True)
class Problem:
    """One mistake at one place in a user's file."""

    file: str
    line: int | None
    col: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        head = f"{where}: {printable(self.field)}: " if self.field else f"{where}: "
        message = printable(self.message)
        if len(message) > MAX_MESSAGE:  # the advice at the end stays
            message = message[: MAX_MESSAGE - 80] + " … " + message[-77:]
        return printable(head) + message


class BriefgenError(click.ClickException):
    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("briefgen", None, None, "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def show(self, file=None) -> None:
        """One line per problem, nothing in front: editors can jump to `file:line:col`."""
        click.echo(self.format_message(), err=True, file=file)


class BriefError(BriefgenError):
    """The brief source is invalid (YAML, schema, ids, citations)."""


class BibliographyError(BriefgenError):
    """The .bib file cannot be parsed or holds duplicate keys."""


class TemplateError(BriefgenError):
    """An audience's template or style file is wrong."""


class AudienceError(BriefgenError):
    """An audience was asked for that no template folder provides."""


class OutputError(BriefgenError):
    """A writer could not make one output (a PDF too slow to lay out, or holding what no page can).

    The writer names the output and the construct ("practitioner PDF: a card box ... does not
    fit"), not the brief it came from: whoever runs the build places it there (`at`).
    """

    def at(self, brief: str) -> OutputError:
        """The same problems, each placed in `brief`, with the output as the field it is about."""
        return type(self)([replace(p, file=brief, field=p.file) for p in self.problems])

    def __reduce__(self):  # raised in a worker process: rebuilt from its problems, not from its message
        return (type(self), (self.problems,))


class MailError(BriefgenError):
    """A distribution list, mail setting or message is wrong, or the mail server refused."""


def suggestion(word: str, choices: list[str], listing: str = "allowed") -> str:
    """ " (did you mean 'title'?)", or the choices when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" ({listing}: {', '.join(choices)})"


def display_path(path: Path | str) -> str:
    """Paths relative to the working directory when possible: shorter error lines."""
    p = Path(path)
    here = Path.cwd()
    try:  # a link is named as written, not by the file it points to
        return str(Path(os.path.abspath(p)).relative_to(here))
    except ValueError:
        pass
    try:
        return str(p.resolve().relative_to(here.resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a link loop
        return str(p)
