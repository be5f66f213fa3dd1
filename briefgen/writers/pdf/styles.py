"""The theme's text roles as reportlab paragraph styles, and the bundled fonts registered once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ... import fonts
from ...design import PARAGRAPH_ROLES, TextRole, Theme
from ...typography import hyphenation_language
from .rlhooks import register_font_lazily


class UnshapedTTFont(TTFont):
    """A TrueType font reportlab's harfbuzz shaping leaves alone: the bundled text fonts.

    A paragraph with a right-to-left fallback run is shaped (see glyphs.py), and reportlab then
    shapes every word with the font of its first run. Words in the text fonts must keep
    reportlab's plain layout: shaped, they would gain kerning and ligatures, move line breaks
    and extract as "ﬁ" for "fi". reportlab's private `shapeFragWord` leaves a word as it is when
    its font's `hbFont` raises AttributeError; tests/test_writers_pdf_glyphs.py breaks if that
    stops being so.
    """

    def hbFont(self, fontSize: float = 10):  # reportlab's name and signature
        raise AttributeError("briefgen's text fonts are not shaped")


@cache
def register_fonts() -> None:
    """Noto Serif, Noto Sans and Noto Sans Mono, each with its four faces, as reportlab font families.

    Each face is parsed when first drawn (rlhooks.register_font_lazily): a document uses 3-5 of them.
    """
    for family in fonts.FAMILIES:
        names = {face: face_name(family, face) for face in fonts.FACES}
        mapping = partial(
            pdfmetrics.registerFontFamily,
            names["Regular"],
            normal=names["Regular"],
            bold=names["Bold"],
            italic=names["Italic"],
            boldItalic=names["BoldItalic"],
        )
        for face, name in names.items():
            register_face(name, fonts.font_file(family, face), UnshapedTTFont, mapping, earlier=names.values())
        mapping()


BUNDLED_FILES: dict[str, Path] = {}  # reportlab name of a bundled face -> its file (glyphs.coverage reads it)


def register_face(
    name: str, path: Path, kind: type[TTFont], family_mapping: Callable[[], None], earlier: Iterable[str] = ()
) -> None:
    """One bundled face, parsed when first drawn, as when every face was parsed before any document.

    reportlab maps each TrueType font it registers as a family of its own, over the mapping of
    the family it belongs to: `family_mapping` puts that back. A face drawn from the same file
    as one named before it in `earlier` (Noto has no italic mono) is that face to reportlab,
    so that one is registered first.
    """
    same_file = next((n for n in earlier if n != name and BUNDLED_FILES.get(n) == path), None)
    BUNDLED_FILES[name] = path

    def load() -> None:
        if same_file is not None:
            pdfmetrics.getFont(same_file)
        pdfmetrics.registerFont(kind(name, str(path)))
        family_mapping()

    register_font_lazily(name, load)


def text_faces() -> list[str]:
    """Every face of the text families, registered (each parsed when first drawn)."""
    register_fonts()
    return [face_name(family, face) for family in fonts.FAMILIES for face in fonts.FACES]


def face_name(family: str, face: str = "Regular") -> str:
    """reportlab's name for one face of a bundled family, e.g. "NotoSerif-Bold"."""
    return f"{fonts.FAMILIES[family][1]}-{face}"


def role_font(role: TextRole) -> str:
    return face_name(role.family, role.face)


def colour(hex_colour: str) -> colors.Color:
    return colors.HexColor(hex_colour)


def paragraph_style(name: str, role: TextRole, flowing: bool = True, hyphenate: str = "") -> ParagraphStyle:
    """A reportlab style for one text role.

    `flowing` text (the story) never leaves a widow or orphan line, and is hyphenated with
    pyphen's dictionary `hyphenate` when one is given; the title band keeps reportlab's defaults.
    """
    extra = dict(alignment=TA_LEFT, hyphenationLang=hyphenate, allowWidows=0, allowOrphans=0) if flowing else {}
    return ParagraphStyle(
        name,
        fontName=role_font(role),
        fontSize=role.size,
        leading=role.leading,
        textColor=colour(role.colour),
        spaceBefore=role.space_before,
        spaceAfter=role.space_after,
        leftIndent=role.hanging,
        firstLineIndent=-role.hanging if role.hanging else 0,
        **extra,
    )


@dataclass(frozen=True)
class Styles:
    headings: tuple[ParagraphStyle, ...]
    roles: dict[str, ParagraphStyle]  # model paragraph role -> style; "" is body text
    byline: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle

    def heading(self, level: int) -> ParagraphStyle:
        return self.headings[min(max(level, 1), 4) - 1]

    def role(self, name: str) -> ParagraphStyle:
        return self.roles.get(name, self.roles[""])


def styles(theme: Theme, language: str = "en") -> Styles:
    """The styles of a document in `language`: its running text (body, notes, table cells) is
    hyphenated in that language, headings and code are not; English is not (as it never was)."""
    hyphenate = hyphenation_language(language)
    roles = {
        name: paragraph_style(name or "body", theme.role(name), hyphenate=hyphenate) for name in ("", *PARAGRAPH_ROLES)
    }
    roles["code"] = paragraph_style("code", theme.role("code"))
    return Styles(
        headings=tuple(paragraph_style(f"h{i + 1}", role) for i, role in enumerate(theme.headings)),
        roles=roles,
        byline=paragraph_style("byline", theme.byline),
        note=paragraph_style("note", theme.note, hyphenate=hyphenate),
        cell=paragraph_style("cell", theme.cell, hyphenate=hyphenate),
        cell_head=paragraph_style("cell_head", theme.cell_head),
    )
