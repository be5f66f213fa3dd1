"""What the application tells whoever runs it: frozen events, and the `Reporter` that receives them.

The core never prints. A terminal renders these as lines (briefgen.terminal), a test records
them, an editor plug-in could show them in its own way. Paths are as the core used them;
how to show them (relative to here) is the reporter's choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..errors import BriefgenError
    from ..mail.delivery import Result


class Event:
    """Base of every event, so a reporter can be typed over all of them."""


# ---------------------------------------------------------------- track import


@dataclass(frozen=True)
class StatusAdded(Event):
    """One status entry `track import` added to a recommendation's history (or would add: dry run)."""

    brief: Path
    id: str
    date: str  # YYYY-MM-DD
    status: str  # the status's name, as the brief writes it
    note: str
    dry_run: bool


@dataclass(frozen=True)
class NothingToAdd(Event):
    """A tracker that says nothing the brief's histories do not already say."""

    sheet: Path
    brief: Path


# ---------------------------------------------------------------- any command


@dataclass(frozen=True)
class Warned(Event):
    """Something the user may want to fix; the command goes on."""

    message: str


@dataclass(frozen=True)
class Failed(Event):
    """One brief (or one round of `watch`) failed; the others go on. `brief` is None for the whole run."""

    brief: Path | None
    error: BriefgenError

    @property
    def message(self) -> str:
        """One line per problem, `file:line:col: field: message`."""
        return self.error.format_message()


@dataclass(frozen=True)
class ProgressStarted(Event):
    """`total` steps (outputs made, messages sent) are about to run."""

    total: int
    label: str


@dataclass(frozen=True)
class Advanced(Event):
    """One step of the current progress is done."""


@dataclass(frozen=True)
class ProgressEnded(Event):
    """The steps are over (done, failed or interrupted)."""


# ---------------------------------------------------------------- build and check


@dataclass(frozen=True)
class BibliographyUsed(Event):
    """The .bib files a brief was checked against, and how many entries they hold."""

    brief: Path
    files: tuple[Path, ...]
    entries: int


@dataclass(frozen=True)
class Written(Event):
    """One output file written, with what it was made from and what it came to."""

    output: Path
    template: str
    size: int  # bytes
    pages: int | None


@dataclass(frozen=True)
class UpToDate(Event):
    """One output left as it was: nothing it is made from changed."""

    output: Path


@dataclass(frozen=True)
class BriefUpToDate(Event):
    """Every output asked of a brief was up to date, and nothing of it was written."""

    brief: Path
    outputs: int


@dataclass(frozen=True)
class Checked(Event):
    """A brief passed `check`."""

    brief: Path
    recommendations: int
    groups: int


# ---------------------------------------------------------------- watch


@dataclass(frozen=True)
class Rebuilt(Event):
    """One round of `watch` is over; it watches again."""

    clock: str  # HH:MM:SS, local time
    failed: bool
    seconds: float


@dataclass(frozen=True)
class Stopped(Event):
    """`watch` was stopped (Ctrl-C)."""


# ---------------------------------------------------------------- mail


@dataclass(frozen=True)
class MessageReady(Event):
    """A message composed: to whom, and what it carries. `repeat`: another of a personal series."""

    audience: str
    subject: str
    recipients: int
    attachments: tuple[tuple[str, int], ...]  # file name, bytes
    repeat: bool
    language: str = ""  # a translation's language; "" for the brief's own


@dataclass(frozen=True)
class DraftWritten(Event):
    """A draft (.eml) written, or under a dry run one that would be."""

    path: Path
    dry_run: bool


@dataclass(frozen=True)
class MessageSent(Event):
    """One message handed to the server (one step of the sending progress)."""

    index: int
    total: int
    audience: str
    recipient: str | None  # the one recipient of a personal message
    counts: tuple[tuple[str, int], ...]  # state -> recipients so far
    over_smtp: bool  # False for a dry run: nothing went anywhere
    language: str = ""  # a translation's language; "" for the brief's own


@dataclass(frozen=True)
class MailReport(Event):
    """The closing table of a send: one result per recipient."""

    results: tuple[Result, ...]


@dataclass(frozen=True)
class SendInterrupted(Event):
    """Ctrl-C while sending: the send log is exact."""


@dataclass(frozen=True)
class Uncertain(Event):
    """Recipients whose message the server may or may not have."""

    count: int


class Reporter(Protocol):
    """Receives every event of a command, in order."""

    def report(self, event: Event) -> None: ...


class FailuresOnly:
    """A reporter that passes on failures alone (a dry run's scratch build): errors still show."""

    def __init__(self, inner: Reporter) -> None:
        self.inner = inner

    def report(self, event: Event) -> None:
        if isinstance(event, Failed):
            self.inner.report(event)


class Recorder:
    """A reporter that keeps every event, for tests and for callers that decide later."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def report(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type[Event]) -> list:
        """The events of one kind, in order."""
        return [e for e in self.events if isinstance(e, kind)]
