"""The theme in CSS, as both HTML writers write it: rules, text roles, box bars, colours, lengths."""

from __future__ import annotations

import re

from ...design import BoxLook, TextRole

FALLBACK_FONTS = {  # after the bundled family, for readers who do not have Noto installed
    "serif": 'Georgia, "Times New Roman", serif',
    "sans": '"Helvetica Neue", Arial, sans-serif',
}

_COLOUR = re.compile(r"#[0-9A-Fa-f]{3,8}")


def rule(selector: str, *declarations: str) -> str:
    return f"{selector} {{ {'; '.join(declarations)} }}"


def note_link_rules() -> list[str]:
    """How note markers and back-links are told from the text, decided once for the page and the mail.

    A marker is a raised number: its place tells it apart, so it has no underline. A back-link
    ("↩︎") ends the note's own text, where colour alone would tell it from that text; WCAG 1.4.1
    (axe's link-in-text-block) asks for an underline or a contrast of 3:1 with the text, which a
    house colour cannot promise, so it keeps the underline.
    """
    return [
        rule("a[role=doc-noteref]", "text-decoration: none"),
        rule("a[role=doc-backlink]", "text-decoration: underline", "text-underline-offset: 0.15em"),
    ]


def text_css(role: TextRole) -> list[str]:
    """A text role in CSS: its font, size, unitless leading (so zoom and user spacing work), colour, spacing."""
    return [
        f"font-family: {font_stack(role)}",
        f"font-size: {pt(role.size)}",
        f"line-height: {number(role.leading / role.size)}",
        f"color: {colour(role.colour)}",
        f"font-weight: {700 if role.bold else 400}",
        f"font-style: {'italic' if role.italic else 'normal'}",
        f"margin-top: {pt(role.space_before)}",
        f"margin-bottom: {pt(role.space_after)}",
    ]


def hanging(role: TextRole, start: str = "left") -> list[str]:
    """The first line out-dented, as in a reference list; `start` is the side lines begin on."""
    return [f"padding-{start}: {pt(role.hanging)}", f"text-indent: -{pt(role.hanging)}"] if role.hanging else []


def box_rule(selector: str, look: BoxLook, start: str = "left") -> str:
    """A box's bar on the side lines begin on, and its fill."""
    fill = colour(look.fill) if look.fill else "transparent"
    return rule(selector, f"border-{start}: {pt(look.bar_width)} solid {colour(look.bar)}", f"background-color: {fill}")


def font_stack(role: TextRole) -> str:
    """The bundled family first, then look-alikes every system has."""
    return f'"{role.font_name}", {FALLBACK_FONTS.get(role.family, "sans-serif")}'


def colour(value: str) -> str:
    """A theme colour, checked: it goes into the stylesheet as it is."""
    if not _COLOUR.fullmatch(value):
        raise ValueError(f"HTML writer: not a colour: {value!r}")
    return value


def number(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".")


def pt(x: float) -> str:
    return "0" if abs(x) < 0.0005 else number(x) + "pt"
