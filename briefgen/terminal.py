"""The terminal's reporter: the application's events as the lines `briefgen` prints.

One method per event kind, found by the event's class name (as markdown-it-py renders one
token type per method): an event with no method fails loudly. Results go to standard
output, warnings, details and errors to standard error; -q keeps errors only, -v adds details.
A progress bar is drawn on standard error when it is a terminal; escape codes only on one
that understands them (not TERM=dumb, not with NO_COLOR set).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from .app.events import Event
from .errors import display_path, printable

QUIET, NORMAL, VERBOSE = 0, 1, 2
_ERASE_LINE = "\r\x1b[K"


def escapes_allowed(stream) -> bool:
    """Whether `stream` is a terminal that takes escape codes (cursor moves, colours)."""
    term = os.environ.get("TERM", "")
    return stream.isatty() and term not in ("", "dumb") and not os.environ.get("NO_COLOR")


class _PlainBar:
    """A progress bar drawn with carriage returns alone, for terminals without escape codes."""

    WIDTH = 36

    def __init__(self, total: int, label: str, file) -> None:
        self.total, self.label, self.file, self.done, self.shown = total, label, file, 0, ""
        self._draw()

    def update(self, steps: int) -> None:
        self.done += steps
        self._draw()

    def _draw(self) -> None:
        filled = self.WIDTH * self.done // self.total
        self.shown = f"{self.label}  [{'#' * filled}{'-' * (self.WIDTH - filled)}]  {100 * self.done // self.total:3d}%"
        self.file.write("\r" + self.shown)
        self.file.flush()

    def erase(self) -> str:
        return "\r" + " " * len(self.shown) + "\r"


class TerminalReporter:
    """Renders events as lines, at a verbosity (QUIET, NORMAL, VERBOSE)."""

    def __init__(self, verbosity: int = NORMAL) -> None:
        self.verbosity = verbosity
        self._bar: Any = None  # the progress bar on the terminal's last line: erased before a line is printed
        self._bar_context: Any = None  # click's bar, entered: left when the progress ends

    def report(self, event: Event) -> None:
        getattr(self, f"_{type(event).__name__}")(event)

    def say(self, message: str, level: int = NORMAL, err: bool = False) -> None:
        """What a command reports: nothing under -q, details only under -v. Errors are never held back."""
        if self.verbosity >= level:
            if self._bar is not None:
                sys.stderr.write(self._erase())  # the bar draws itself again at its next step
            click.echo(message, err=err)

    def _erase(self) -> str:
        return self._bar.erase() if isinstance(self._bar, _PlainBar) else _ERASE_LINE

    # ------------------------------------------------------------ any command

    def _Warned(self, event) -> None:
        self.say(f"warning: {event.message}", err=True)

    def _Failed(self, event) -> None:
        event.error.show()

    def _ProgressStarted(self, event) -> None:
        """A bar over the outputs being made (or messages sent): on a terminal, for more than one, unless -q."""
        if event.total < 2 or self.verbosity < NORMAL or not sys.stderr.isatty():
            return
        if escapes_allowed(sys.stderr):
            self._bar_context = click.progressbar(length=event.total, label=event.label, file=sys.stderr)
            self._bar = self._bar_context.__enter__()
        else:
            self._bar = _PlainBar(event.total, event.label, sys.stderr)

    def _Advanced(self, event) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def _ProgressEnded(self, event) -> None:
        if self._bar is None:
            return
        erase = self._erase()
        if self._bar_context is not None:
            self._bar_context.__exit__(None, None, None)
        self._bar = self._bar_context = None
        sys.stderr.write(erase)  # done: the bar goes, the list of files stays
        sys.stderr.flush()

    # ------------------------------------------------------------ build, check, watch

    def _BibliographyUsed(self, event) -> None:
        names = ", ".join(display_path(b) for b in event.files)
        self.say(f"{display_path(event.brief)}: bibliography {names} ({event.entries} entries)", VERBOSE, err=True)

    def _Written(self, event) -> None:
        line = display_path(event.output)
        if self.verbosity >= VERBOSE:
            details = [event.template, f"{max(1, round(event.size / 1024))} KB"]
            if event.pages:
                details.insert(1, f"{event.pages} page{'s' if event.pages != 1 else ''}")
            line = f"{line} ({', '.join(details)})"
        self.say(line)

    def _UpToDate(self, event) -> None:
        self.say(f"{display_path(event.output)} (unchanged)", VERBOSE)

    def _BriefUpToDate(self, event) -> None:
        if self.verbosity < VERBOSE:  # under -v each output has said so
            count = event.outputs
            self.say(f"{display_path(event.brief)}: {count} output{'s' if count != 1 else ''} up to date")

    def _StatusAdded(self, event) -> None:
        verb = "would add" if event.dry_run else "added"
        note = f": {printable(event.note.strip().splitlines()[0])}" if event.note.strip() else ""
        self.say(f"{display_path(event.brief)}: {event.id}: {verb} {event.date} {event.status}{note}")

    def _NothingToAdd(self, event) -> None:
        self.say(f"{display_path(event.brief)}: nothing to add from {display_path(event.sheet)}")

    def _Checked(self, event) -> None:
        self.say(f"{display_path(event.brief)}: ok ({event.recommendations} recommendations in {event.groups} groups)")

    def _Rebuilt(self, event) -> None:
        state = "failed" if event.failed else "done"
        self.say(f"[{event.clock}] {state} in {event.seconds:.2f} s; watching for changes (Ctrl-C stops)")

    def _Stopped(self, event) -> None:
        self.say("stopped")

    # ------------------------------------------------------------ mail

    def _MessageReady(self, event) -> None:
        if event.repeat and self.verbosity < VERBOSE:  # a personal series shows its first message
            return
        files = ", ".join(f"{name} ({max(1, round(size / 1024))} KB)" for name, size in event.attachments)
        people = f"{event.recipients} recipient{'s' if event.recipients != 1 else ''}"
        language = f" ({event.language})" if event.language else ""
        self.say(f"{event.audience}{language}: “{event.subject}” to {people}; attached {files}")

    def _DraftWritten(self, event) -> None:
        self.say(f"{'would write' if event.dry_run else 'draft'} {display_path(event.path)}")

    def _MessageSent(self, event) -> None:
        self._Advanced(event)
        if event.over_smtp and not sys.stderr.isatty():  # a log file gets a line per message, not a bar
            counts = ", ".join(f"{n} {s}" for s, n in event.counts if n)
            to_whom = f" to {event.recipient}" if event.recipient else ""
            language = f" ({event.language})" if event.language else ""
            self.say(f"[{event.index}/{event.total}] {event.audience}{language}{to_whom}: {counts}", err=True)

    def _MailReport(self, event) -> None:
        """The closing table: one line per recipient, then the counts; under -q, what needs attention alone."""
        from .mail.delivery import STATES

        results = list(event.results)
        if self.verbosity == QUIET:
            results = [r for r in results if r.status in ("failed", "uncertain", "not sent")]
        if not results:
            return
        shown = [f"{r.audience} ({r.language})" if r.language else r.audience for r in results]
        width_a = max(len("audience"), *map(len, shown))
        width_r = max(len("recipient"), *(len(r.recipient) for r in results))
        click.echo(f"{'audience':<{width_a}}  {'recipient':<{width_r}}  {'status':<10}  detail")
        for r, audience in zip(results, shown, strict=True):
            click.echo(f"{audience:<{width_a}}  {r.recipient:<{width_r}}  {r.status:<10}  {r.detail}".rstrip())
        counts = {s: sum(r.status == s for r in results) for s in STATES}
        click.echo(", ".join(f"{n} {s}" for s, n in counts.items() if n or s in ("sent", "failed")))

    def _SendInterrupted(self, event) -> None:
        click.echo("interrupted: the send log is exact; run the same command again to send the rest", err=True)

    def _Uncertain(self, event) -> None:
        click.echo(
            f"{event.count} uncertain: the server may have these messages though it never said so; check with "
            "the recipients or the server's log before sending again with --resend",
            err=True,
        )
