"""The tracker as JSON for other trackers: names, not words, so a program needs no language.

    {"schema": "briefgen-tracker", "version": 1, "brief": "<id>", "title": "...",
     "language": "en", "date": "YYYY-MM-DD",
     "statuses": [{"name": "fully", "label": "Fully implemented", "colour": "#RRGGBB"}, ...],
     "recommendations": [{"id": "CA-1", "group": "...", "title": "...", "priority": "high | medium | low",
       "actors": ["..."], "timeframe": "...", "status": "partially" | null,
       "date": "YYYY-MM-DD" | null, "note": "Markdown", "by": "..."}, ...]}

Titles, groups and actors are plain text; the note is the latest entry's Markdown as the
brief has it. docs/tracker.md documents the shape; a change to it raises "version".
"""

from __future__ import annotations

import json

from ..tracker import SCHEMA, VERSION, Tracker
from . import Artifact

MEDIA_TYPE = "application/json"


def write(sheet: Tracker) -> Artifact:
    body = {
        "schema": SCHEMA,
        "version": VERSION,
        "brief": sheet.brief_id,
        "title": sheet.title,
        "language": sheet.language,
        "date": sheet.brief_date.isoformat(),
        "statuses": [{"name": s.name, "label": s.word, "colour": s.colour} for s in sheet.statuses],
        "recommendations": [
            {
                "id": r.id,
                "group": r.group,
                "title": r.title,
                "priority": r.priority,
                "actors": list(r.actors),
                "timeframe": r.timeframe,
                "status": r.status or None,
                "date": r.date.isoformat() if r.date else None,
                "note": r.note,
                "by": r.by,
            }
            for r in sheet.rows
        ],
    }
    return Artifact((json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), MEDIA_TYPE)
