"""What became of a recommendation: the vocabulary of statuses, declared once.

The default is the scale ODIHR's election reports use to assess the previous mission's
recommendations, plus "no longer relevant"; a brief may declare its own (`statuses:`, e.g.
the UPR's accepted/noted). Each status has a colour for charts and badges; its words come
from the labels (`status_<name>`), so a style or a language can word it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COLOUR = {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"}


@dataclass(frozen=True)
class Status:
    name: str  # as the brief writes it in `status:` entries
    colour: str  # "#RRGGBB"


ODIHR = (  # fully ... not implemented: ODIHR's follow-up scale; colours distinct for colour-blind readers too
    Status("fully", "#1B7837"),
    Status("mostly", "#7FBC41"),
    Status("partially", "#E08214"),
    Status("not implemented", "#B2182B"),
    Status("no longer relevant", "#878787"),
)

SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["name", "colour"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "description": "as `status:` entries write it"},
            "colour": {**COLOUR, "description": "#RRGGBB, for charts and badges"},
        },
    },
}


def vocabulary(declared: tuple[Status, ...]) -> tuple[Status, ...]:
    """The statuses a brief may use: its own, or ODIHR's."""
    return declared or ODIHR


def label_name(status: str) -> str:
    """The label that words a status: `status_not_implemented` for "not implemented"."""
    return "status_" + "_".join(status.lower().split())


def wording(status: str, labels: dict[str, str]) -> str:
    """A status in the brief's language: its label (built in for ODIHR's scale in every language briefgen
    words; a style's `labels` win), else its name as the brief writes it."""
    return labels.get(label_name(status), status)
