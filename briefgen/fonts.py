"""The bundled OFL fonts: Noto Serif, Noto Sans and Noto Sans Mono for the text (Latin, Greek and
Cyrillic incl. Kazakh), and Noto Sans Arabic and Noto Sans Hebrew for what those lack.

An audience may add TrueType files of its own (`fonts.fallback` in its style) for further
scripts; `font_file_problem` says why a file cannot serve before a writer meets it.
"""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"

FAMILIES = {
    # style name -> (family name as Word sees it, file prefix)
    "serif": ("Noto Serif", "NotoSerif"),
    "sans": ("Noto Sans", "NotoSans"),
    "mono": ("Noto Sans Mono", "NotoSansMono"),  # code; Noto has no italic mono: upright stands in
}
FACES = ("Regular", "Bold", "Italic", "BoldItalic")

# Scripts the text families lack, tried in this order for a character they do not have.
# Regular and Bold only: italic text in these scripts prints upright, as Noto draws no italic for them.
FALLBACK_FAMILIES = {
    "arabic": ("Noto Sans Arabic", "NotoSansArabic"),
    "hebrew": ("Noto Sans Hebrew", "NotoSansHebrew"),
}

# The first bytes of a font file (the sfnt version tag) and what they mean for embedding in a PDF.
_SFNT_TAGS = {
    b"\x00\x01\x00\x00": "",
    b"true": "",
    b"OTTO": "an OpenType font with PostScript (CFF) outlines; the PDF writer embeds TrueType outlines only",
    b"ttcf": "a font collection (.ttc); give one TrueType font (.ttf) of it",
}


def _prefix(family: str) -> str:
    return (FAMILIES.get(family) or FALLBACK_FAMILIES[family])[1]


def font_file(family: str, face: str) -> Path:
    """The file of one face; a family without the face gives the nearest it has (Bold for BoldItalic)."""
    path = FONT_DIR / f"{_prefix(family)}-{face}.ttf"
    if not path.exists() and "Italic" in face:
        return font_file(family, face.replace("Italic", "") or "Regular")
    return path


def family_name(family: str) -> str:
    return (FAMILIES.get(family) or FALLBACK_FAMILIES[family])[0]


def font_file_problem(path: Path) -> str | None:
    """Why `path` cannot serve as a fallback font, or None when it can: read from its first bytes."""
    from .inputs import MAX_ASSET_BYTES, InputRefused, read_input

    try:
        tag = read_input(path, MAX_ASSET_BYTES, head=4)
    except InputRefused as refused:
        return str(refused)
    except OSError:
        return "not a file"
    reason = _SFNT_TAGS.get(tag, "not a TrueType font (.ttf)")
    return reason or None
