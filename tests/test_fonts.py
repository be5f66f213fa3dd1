"""The bundled fonts: which file serves which face, what they cover, and which files can serve as fallbacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from briefgen import fonts

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _cmap(path: Path) -> set[int]:
    with TTFont(path, lazy=True) as font:
        return set(font.getBestCmap())


def _family(path: Path) -> str:
    with TTFont(path, lazy=True) as font:
        return font["name"].getDebugName(1)


@pytest.mark.parametrize(
    ("family", "letters"),
    [("arabic", "منظمة الأمن والتعاون في أوروبا"), ("hebrew", "ירושלים שלום עולם")],
)
def test_the_bundled_fallbacks_draw_their_script_in_both_weights(family, letters):
    for face in ("Regular", "Bold"):
        path = fonts.font_file(family, face)
        assert path.name == f"{fonts.FALLBACK_FAMILIES[family][1]}-{face}.ttf"
        assert _family(path) == fonts.family_name(family)
        assert {ord(c) for c in letters} <= _cmap(path)


def test_the_text_fonts_lack_what_the_fallbacks_are_there_for():
    """If Noto Serif ever drew Arabic, the fallback would silently stop being used: know it."""
    serif = _cmap(fonts.font_file("serif", "Regular"))
    assert ord("ا") not in serif and ord("ש") not in serif
    assert {ord(c) for c in "Қазақстан Ελλάδα"} <= serif


def test_a_fallback_without_italic_gives_its_upright_face():
    assert fonts.font_file("arabic", "Italic").name == "NotoSansArabic-Regular.ttf"
    assert fonts.font_file("hebrew", "BoldItalic").name == "NotoSansHebrew-Bold.ttf"
    assert fonts.font_file("serif", "Italic").name == "NotoSerif-Italic.ttf"  # the text families keep theirs


def test_a_truetype_file_can_serve_as_a_fallback_font():
    assert fonts.font_file_problem(fonts.font_file("sans", "Regular")) is None
    if DEJAVU.is_file():
        assert fonts.font_file_problem(DEJAVU) is None


@pytest.mark.parametrize(
    ("first_bytes", "says"),
    [
        (b"OTTO\x00\x0b", "PostScript (CFF) outlines"),
        (b"ttcf\x00\x02", "font collection (.ttc)"),
        (b"\x89PNG\r\n", "not a TrueType font"),
        (b"", "not a TrueType font"),
    ],
)
def test_a_file_that_cannot_be_embedded_says_why(tmp_path, first_bytes, says):
    path = tmp_path / "font.ttf"
    path.write_bytes(first_bytes + b"\x00" * 16)
    assert says in (fonts.font_file_problem(path) or "")


def test_a_missing_font_file_is_not_a_file(tmp_path):
    assert fonts.font_file_problem(tmp_path / "nowhere.ttf") == "not a file"
