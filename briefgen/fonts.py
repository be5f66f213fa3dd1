"""The bundled OFL fonts (Noto Serif, Noto Sans, Noto Sans Mono): Latin, Greek and Cyrillic incl. Kazakh."""

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


def font_file(family: str, face: str) -> Path:
    path = FONT_DIR / f"{FAMILIES[family][1]}-{face}.ttf"
    if not path.exists() and "Italic" in face:
        return font_file(family, face.replace("Italic", "") or "Regular")
    return path


def family_name(family: str) -> str:
    return FAMILIES[family][0]
