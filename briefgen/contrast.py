"""WCAG 2.1 contrast of every text colour of an audience's design on what it is drawn on.

Checked when the style is loaded, so a low-contrast palette is reported at the line of
the style file that set the colour, before any brief is built. The pairs come from the
resolved `Theme`, the same values every writer draws with.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from .design import CARD_FILL, PAPER_COLOUR, TextRole, Theme
from .style import Colours

BODY_TEXT_RATIO = 4.5  # WCAG 2.1 success criterion 1.4.3 (AA)
LARGE_TEXT_RATIO = 3.0
LARGE_SIZE = 18.0  # points; or LARGE_BOLD_SIZE and bold
LARGE_BOLD_SIZE = 14.0


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a #RRGGBB sRGB colour, 0 (black) to 1 (white)."""
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (no contrast) to 21 (black on white); the order of the colours does not matter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_large(role: TextRole) -> bool:
    return role.size >= LARGE_SIZE or (role.bold and role.size >= LARGE_BOLD_SIZE)


@dataclass(frozen=True)
class Shortfall:
    """One text colour on one background below the ratio its smallest use needs."""

    text: str
    background: str
    ratio: float
    needed: float
    uses: tuple[str, ...]  # what is drawn so, "body text on a key-message box"

    def describe(self) -> str:
        return (
            f"{self.text} on {self.background} has contrast {self.ratio:.2f}:1, below the {self.needed:g}:1 "
            f"WCAG 2.1 asks for {', '.join(self.uses)}"
        )


def _uses(theme: Theme) -> list[tuple[str, TextRole, str]]:
    """(what, its text role, the background colour) for every text the writers draw."""
    link = replace(theme.body, colour=theme.colours.accent)
    on_paper = {
        "body text": theme.body,
        "links": link,
        **{f"level-{n} headings": theme.heading(n) for n in (1, 2, 3, 4)},
        "the byline": theme.byline,
        "small print": theme.small,
        "notes": theme.note,
        "the bibliography": theme.bibliography,
        "code": theme.code,
        "table cells": theme.cell,
        "the running header and footer": theme.running,
        "the marking": theme.marking,
    }
    in_boxes = {
        "body text": theme.body,
        "links": link,
        **{f"level-{n} headings": theme.heading(n) for n in (2, 3, 4)},
        "small print": theme.small,
    }
    uses = [(f"{what} on the page", role, PAPER_COLOUR) for what, role in on_paper.items()]
    for fill, where in ((theme.colours.box, "in boxes"), (CARD_FILL, "on recommendation cards")):
        uses += [(f"{what} {where}", role, fill) for what, role in in_boxes.items()]
    band = {"the title": theme.title, "the subtitle": theme.subtitle, "the kicker": theme.kicker}
    uses += [(f"{what} on the title band", role, theme.colours.accent) for what, role in band.items()]
    uses.append(("table header cells", theme.cell_head, theme.colours.accent))
    return uses


def shortfalls(theme: Theme) -> list[Shortfall]:
    """Every text/background pair below WCAG 2.1 AA, one per pair of colours, in design order."""
    found: dict[tuple[str, str], Shortfall] = {}
    for what, role, background in _uses(theme):
        text = role.colour.upper()
        background = background.upper()
        needed = LARGE_TEXT_RATIO if is_large(role) else BODY_TEXT_RATIO
        ratio = contrast_ratio(text, background)
        if ratio >= needed:
            continue
        known = found.get((text, background))
        if known is None:
            found[(text, background)] = Shortfall(text, background, ratio, needed, (what,))
        else:
            found[(text, background)] = replace(known, needed=max(known.needed, needed), uses=(*known.uses, what))
    return list(found.values())


def colour_keys(colour: str, colours: Colours) -> list[str]:
    """The `colours.*` style keys holding this colour, in declaration order."""
    return [f.name for f in fields(Colours) if getattr(colours, f.name).upper() == colour.upper()]
