"""Adding status entries to a brief's YAML without rewriting it (ruamel.yaml round trip).

A brief is a file people write and keep under version control: `briefgen track import`
may add lines, never reformat the ones there. ruamel.yaml keeps comments, key order and
quoting; the brief's own indentation is guessed and the file round-tripped untouched first,
so a layout ruamel.yaml would not give back byte for byte is refused rather than rewritten.
A new entry is written like the entries above it (flow `{date: ..., status: ...}` or block).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString
from ruamel.yaml.util import load_yaml_guess_indent


class LayoutNotKept(ValueError):
    """ruamel.yaml would not give the file back as it is: editing it would rewrite it."""


def _yaml(text: str) -> tuple[YAML, Any]:
    """A round-trip YAML set to the file's own indentation, and the file loaded with it.

    ruamel.yaml guesses the sequences' indentation, not the mappings': the layouts people write
    are tried, the guess first, and the first that gives the file back byte for byte is kept.
    """
    _, guessed, offset = load_yaml_guess_indent(text)
    offset = offset or 0
    layouts = dict.fromkeys(
        (mapping, sequence, dash)
        for mapping in (2, 4, guessed)
        for sequence, dash in ((guessed, offset), (2, 0), (4, 2), (4, 0))
        if sequence >= dash
    )
    for mapping, sequence, dash in layouts:
        yaml = YAML()  # round trip
        yaml.preserve_quotes = True
        yaml.width = 1_000_000  # never fold a long line
        yaml.indent(mapping=mapping, sequence=sequence, offset=dash)
        data = yaml.load(text)
        if _dump(yaml, data) == text:
            return yaml, data
    raise LayoutNotKept("ruamel.yaml would not write this file back as it is")


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _entry(update: Mapping[str, Any], flow: bool) -> CommentedMap:
    entry = CommentedMap()
    entry["date"] = update["date"] if isinstance(update["date"], date) else date.fromisoformat(update["date"])
    entry["status"] = update["status"]
    note = str(update.get("note") or "").strip()
    if note:
        entry["note"] = LiteralScalarString(note + "\n") if "\n" in note and not flow else note
    if update.get("by"):
        entry["by"] = str(update["by"])
    if flow:
        entry.fa.set_flow_style()
    return entry


def _recommendations(data: Any) -> dict[str, CommentedMap]:
    found = {}
    for group in data.get("recommendations") or ():
        for rec in group.get("items") or ():
            if isinstance(rec, CommentedMap) and isinstance(rec.get("id"), str):
                found[rec["id"]] = rec
    return found


def append_status(text: str, updates: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """`text` with each recommendation's new `status:` entries (id -> [{date, status, note, by}]) appended.

    LayoutNotKept if the file would not come back unchanged; KeyError for an id the brief lacks.
    """
    yaml, data = _yaml(text)
    recs = _recommendations(data)
    for rec_id, entries in updates.items():
        rec = recs[rec_id]
        history = rec.get("status")
        if not isinstance(history, CommentedSeq):
            history = CommentedSeq()
            rec["status"] = history
        flow = bool(history) and isinstance(history[-1], CommentedMap) and history[-1].fa.flow_style()
        history.extend(_entry(e, flow) for e in entries)
    return _dump(yaml, data)
