"""`track import`: what a desk entered in the tracker sheet, added to the brief's status histories.

Each row whose (status, date, note) differs from its recommendation's latest entry becomes a
new entry; a row that says what the brief says adds nothing, so importing twice adds nothing
twice. Every problem of the sheet is found and reported together, each at its cell; with one,
the brief is not touched. The new text is made by a round trip that keeps the brief's comments,
order and quoting (yamledit.py), loaded and validated by briefgen's own loader beside the brief,
and only then renamed over it: an import never leaves a brief that does not load.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..brief import Brief, Recommendation
from ..errors import BriefgenError, Problem, display_path, quoted
from ..locales import builtin_labels
from ..output import TEMP_PREFIX
from ..statuses import vocabulary, wording
from ..tracker_read import Sheet, SheetRow, read_sheet
from .events import NothingToAdd, Reporter, StatusAdded


@dataclass(frozen=True)
class ImportRequest:
    sheet: Path
    brief: Path
    today: date  # a date after it is in the future: an error
    dry_run: bool = False
    bib: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Entry:
    """A status entry to add, as the brief will write it."""

    id: str
    date: date
    status: str  # the status's name
    note: str
    by: str


def run_import(request: ImportRequest, reporter: Reporter) -> list[Entry]:
    """Add the sheet's new entries to the brief (not with dry_run); what was added. BriefgenError on any problem."""
    from ..loader import load
    from ..translation import source_of, translation_language

    if translation_language(request.brief):  # its history is its source's: the translation has none of its own
        source = display_path(source_of(request.brief) or request.brief)
        why = f"a translation; import into the brief it translates ({source})"
        raise BriefgenError(Problem(display_path(request.brief), None, None, "", why))
    brief = load(request.brief, request.bib).brief
    sheet = read_sheet(request.sheet)
    entries, problems = new_entries(sheet, brief, request.today)
    if problems:
        raise BriefgenError(list(problems))
    if not entries:
        reporter.report(NothingToAdd(request.sheet, request.brief))
        return []
    if not request.dry_run:
        _install(request, entries)
    for e in entries:
        reporter.report(StatusAdded(request.brief, e.id, e.date.isoformat(), e.status, e.note, request.dry_run))
    return entries


def new_entries(sheet: Sheet, brief: Brief, today: date) -> tuple[list[Entry], list[Problem]]:
    """The entries the sheet's rows add to the brief, and every problem found, each at its cell."""
    problems = list(sheet.problems)
    if sheet.brief and sheet.brief != brief.id and not sheet.brief.startswith(brief.id + "."):
        problems.append(Problem(sheet.file, None, None, "", f"the tracker of '{sheet.brief}', not of '{brief.id}'"))
    statuses = _status_names(brief, sheet.language)
    recs = {r.id: r for r in brief.recommendations}
    seen: dict[str, str] = {}
    entries = []
    for row in sheet.rows:
        rec_id = _text(row.value("id"))
        if rec_id not in recs:
            why = f"no recommendation {quoted(rec_id)} in {display_path(brief.source)}"
            problems.append(_at(sheet, row, "id", why))
            continue
        if rec_id in seen:
            problems.append(_at(sheet, row, "id", f"{rec_id} is also the row at {seen[rec_id]}"))
            continue
        seen[rec_id] = row.where
        entry, found = _row_entry(sheet, row, recs[rec_id], statuses, brief.date, today)
        problems += found
        if entry is not None:
            entries.append(entry)
    return entries, problems


def _status_names(brief: Brief, sheet_language: str) -> dict[str, str]:
    """Each way a row may write a status (its name; its words in the brief's and the sheet's language),
    casefolded -> its name."""
    found: dict[str, str] = {}
    for language in dict.fromkeys((brief.language, sheet_language or brief.language)):
        labels = {k: v for k, v in builtin_labels(language).items() if isinstance(v, str)}
        for status in vocabulary(brief.statuses):
            found.setdefault(wording(status.name, labels).casefold(), status.name)
    for status in vocabulary(brief.statuses):
        found[status.name.casefold()] = status.name
    return found


def _at(sheet: Sheet, row: SheetRow, key: str, message: str) -> Problem:
    return Problem(sheet.file, None, None, row.at(key), message)


def _text(value: Any) -> str:
    """A cell as text: a whole number without its `.0`, line ends as `\n` (Excel's Alt+Enter, a CSV's CRLF)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _row_entry(
    sheet: Sheet, row: SheetRow, rec: Recommendation, statuses: dict[str, str], brief_date: date, today: date
) -> tuple[Entry | None, list[Problem]]:
    """The entry a row adds (None when it says what the latest entry says, or nothing), and its problems."""
    word, note, by = _text(row.value("status")), _text(row.value("note")), _text(row.value("by"))
    when, problems = _date(sheet, row)
    latest = rec.status
    if not word:
        if latest is not None:
            message = f"empty, but the brief's latest status is '{latest.status}' ({latest.date}): import only adds"
            problems.append(_at(sheet, row, "status", message))
        elif when is not None or note:
            problems.append(_at(sheet, row, "status", "a date or a note without a status"))
        return None, problems
    status = statuses.get(word.casefold())
    if status is None:
        names = ", ".join(dict.fromkeys(statuses.values()))
        problems.append(_at(sheet, row, "status", f"status {quoted(word)} is not one of: {names}"))
        return None, problems
    if latest is not None and (status, when, note) == (latest.status, latest.date, latest.note.strip()):
        return None, problems  # what the brief says: imported before, or never changed
    if when is None:
        if not problems:
            problems.append(_at(sheet, row, "date", f"the status is now '{status}': give the date it was assessed"))
        return None, problems
    if when > today:
        problems.append(_at(sheet, row, "date", f"{when} is in the future (today is {today})"))
    elif when < brief_date:
        problems.append(_at(sheet, row, "date", f"{when} is before the brief's date ({brief_date})"))
    elif latest is not None and when < latest.date:
        problems.append(_at(sheet, row, "date", f"{when} is before the latest entry's date ({latest.date})"))
    return (None if problems else Entry(rec.id, when, status, note, by)), problems


def _date(sheet: Sheet, row: SheetRow) -> tuple[date | None, list[Problem]]:
    """The row's date: a date cell (XLSX), or YYYY-MM-DD text (CSV, JSON); text in a date cell is a problem."""
    value = row.value("date")
    if isinstance(value, datetime):
        return value.date(), []
    if isinstance(value, date):
        return value, []
    text = _text(value)
    if not text:
        return None, []
    if sheet.typed:
        kind = "text" if isinstance(value, str) else "a number"
        why = f"{quoted(text)} is {kind}, not a date: enter it as a date (yyyy-mm-dd)"
        return None, [_at(sheet, row, "date", why)]
    try:
        return date.fromisoformat(text), []
    except ValueError:
        return None, [_at(sheet, row, "date", f"{quoted(text)} is not a date written YYYY-MM-DD")]


def _install(request: ImportRequest, entries: list[Entry]) -> None:
    """The brief with the entries added, validated by the loader beside it, renamed over it."""
    from ..loader import load
    from ..yamledit import LayoutNotKept, append_status

    path = request.brief
    text = path.read_bytes().decode("utf-8")
    updates: dict[str, list[dict]] = {}
    for e in entries:
        updates.setdefault(e.id, []).append({"date": e.date, "status": e.status, "note": e.note, "by": e.by})
    try:
        new_text = append_status(text, updates)
    except LayoutNotKept as err:
        raise BriefgenError(Problem(display_path(path), None, None, "", f"{err}; nothing was changed")) from None
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=path.suffix)
    staged = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(new_text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        shutil.copymode(path, staged)
        try:
            load(staged, request.bib)
        except BriefgenError as err:  # an import must never leave a brief that does not load
            named = [replace(p, file=display_path(path)) if p.file == display_path(staged) else p for p in err.problems]
            kept = Problem(display_path(path), None, None, "", "not changed: it would not load after the import")
            raise BriefgenError([*named, kept]) from None
        os.replace(staged, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
