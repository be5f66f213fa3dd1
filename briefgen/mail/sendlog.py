"""The send log: who got which message, so a re-run sends only what was not yet sent.

JSON lines next to the outputs (`OUT/<brief-id>/sent.jsonl`), one line per recipient
and attempt, appended and flushed to disk as soon as the server has answered: a crash
loses at most the line being written, which the reader skips. Nothing is ever removed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
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
    status: str  # sent | failed
    message_id: str
    server: str
    attachments: tuple[dict[str, Any], ...]  # {name, sha256, bytes}
    code: int | None = None
    detail: str = ""

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


def delivered(entries: list[Entry], brief: str, audience: str) -> dict[str, Entry]:
    """Address (case-folded) -> the entry that recorded its delivery, for one brief and audience."""
    return {
        e.recipient.casefold(): e for e in entries if e.status == "sent" and e.brief == brief and e.audience == audience
    }


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
