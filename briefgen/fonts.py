"""The bundled OFL fonts (Noto Serif, Noto Sans): Latin, Greek and Cyrillic incl. Kazakh."""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"

FAMILIES = {
    # style name -> (family name as Word sees it, file prefix)
    "serif": ("Noto Serif", "NotoSerif"),
    "sans": ("Noto Sans", "NotoSans"),
}
FACES = ("Regular", "Bold", "Italic", "BoldItalic")


def font_file(family: str, face: str) -> Path:
    return FONT_DIR / f"{FAMILIES[family][1]}-{face}.ttf"


def family_name(family: str) -> str:
    return FAMILIES[family][0]
