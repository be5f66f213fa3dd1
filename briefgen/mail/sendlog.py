"""The send log: who got which message, so a re-run sends only what was not yet sent.

JSON lines next to the outputs (`OUT/<brief-id>/sent.jsonl`), appended and fsynced as
things happen, never rewritten. Per recipient of a message:
- `sending`: the server accepted the recipient and has the body; written before the final
  dot, so a crash after it cannot make the rerun send a second copy;
- then the outcome from the server's final reply: `sent` (with the reply, which names the
  queue id), `failed`, or `uncertain` (the dot went, no reply came: the server may have it).
A `sending` with no outcome after it is read as `uncertain`. A line cut short by a crash
is skipped with a warning.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

LOG_FILE = "sent.jsonl"


@dataclass(frozen=True)
class Entry:
    time: str  # ISO 8601, UTC
    brief: str
    audience: str
    recipient: str  # the address, as sent
    field: str  # to | cc | bcc
    status: str  # sending | sent | failed | uncertain
    message_id: str
    server: str
    attachments: tuple[dict[str, Any], ...]  # {name, sha256, bytes}
    code: int | None = None
    detail: str = ""
    language: str = ""  # of the message (BCP 47); logs written before translations were mailed have none

    def as_json(self) -> str:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["attachments"] = list(self.attachments)
        return json.dumps(data, ensure_ascii=False, sort_keys=False)


def read_log(path: Path) -> tuple[list[Entry], list[str]]:
    """Every readable entry, and a warning per line that is not one (a crash mid-write)."""
    if not path.is_file():
        return [], []
    entries, warnings = [], []
    # lines end at "\n" only: str.splitlines() would also cut at U+2028 or U+0085, which JSON
    # written with ensure_ascii=False keeps raw (in a server's reply, say)
    for number, line in enumerate(path.read_text("utf-8", errors="replace").split("\n"), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            data["attachments"] = tuple(data.get("attachments") or ())
            entries.append(Entry(**data))
        except (ValueError, TypeError) as err:
            warnings.append(f"{path}:{number}: skipped an unreadable send-log line ({err})")
    return entries, warnings


UNANSWERED = "the run ended after the message was sent, before the server's reply was recorded"


def latest(entries: list[Entry], brief: str, audience: str, language: str | None = None) -> dict[str, Entry]:
    """Address (case-folded) -> what the log knows of it, for one brief and audience (and `language`:
    messages in it, or of a log that did not record languages).

    A delivery is never undone: once `sent`, a later failed or uncertain resend leaves the
    latest `sent` entry. Otherwise the latest record counts, and a `sending` that nothing
    followed comes back `uncertain`: the process died between the final dot and the log's
    next line, and the server may have the message.
    """
    sent: dict[str, Entry] = {}
    other: dict[str, Entry] = {}
    for e in entries:
        if e.brief == brief and e.audience == audience and (language is None or e.language in (language, "")):
            (sent if e.status == "sent" else other)[e.recipient.casefold()] = e
    found = {address: e for address, e in other.items() if address not in sent}
    for address, e in found.items():
        if e.status == "sending":
            found[address] = replace(e, status="uncertain", detail=UNANSWERED)
    return {**found, **sent}


def append(path: Path, entries: list[Entry]) -> None:
    """Entries written and on disk before the next message goes out."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8", newline="\n") as fh:
        torn = fh.tell() > 0 and not _ends_with_newline(path)
        if torn:  # a line cut short by a crash stays on a line of its own
            fh.write("\n")
        for entry in entries:
            fh.write(entry.as_json() + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _ends_with_newline(path: Path) -> bool:
    """Whether the log's last byte ends a line; read from the end, the log only grows."""
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"
