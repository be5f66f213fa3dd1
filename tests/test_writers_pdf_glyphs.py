"""Text the text fonts lack: printed in a fallback font, right to left where it reads so, or named in a warning."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from briefgen.cli import cli
from briefgen.design import theme
from briefgen.markdown import parse_markdown
from briefgen.model import Document, Metadata
from briefgen.style import Style
from briefgen.writers import Assets
from briefgen.writers.pdf import write
from briefgen.writers.pdf.glyphs import NBSP, WORD_BREAK, Glyphs, Piece
from briefgen.writers.pdf.styles import register_fonts

from conftest import overview_audience, require_program
from helpers_briefs import REFERENCES_BIB

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # has ✓ U+2713 and 😀 U+1F600, not CJK
SERIF, SERIF_BOLD = "NotoSerif-Regular", "NotoSerif-Bold"
ARABIC, ARABIC_BOLD, HEBREW = "NotoSansArabic-Regular", "NotoSansArabic-Bold", "NotoSansHebrew-Regular"

MIXED = """\
# Context

Ministers met in **عمّان** and in ירושלים; Қазақстан and Ελλάδα sent observers.
The talks ended with “مرحبا بالعالم” and the Hebrew שלום, עולם.

## Open a water dialogue ✓

Citizens wrote 北京 in the register 😀.
"""


@pytest.fixture(scope="module")
def glyphs() -> Glyphs:
    register_fonts()
    return Glyphs()


def _dejavu() -> bytes:
    if not DEJAVU.is_file():
        pytest.skip("DejaVu Sans is not installed (fonts-dejavu-core)")
    return DEJAVU.read_bytes()


def _text(pdf: bytes) -> str:
    """The PDF's text as a reader would copy it: Arabic presentation forms back to letters, spaces plain."""
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _mixed_document(title: str = "Water and borders") -> Document:
    return Document(Metadata(title=title), parse_markdown(MIXED))


# ---------------------------------------------------------------- which font, in which order


def test_text_the_fonts_have_needs_no_change(glyphs):
    style = ParagraphStyle("body", fontName=SERIF)
    markup = "Қазақстан and <b>Ελλάδα</b> &amp; “quotes”"
    assert glyphs.fit(markup, style) == (markup, style)


def test_a_run_the_font_lacks_is_set_in_the_fallback_keeping_bold(glyphs):
    style = ParagraphStyle("body", fontName=SERIF)
    markup, shaped = glyphs.fit("In <b>عمّان</b> and ירושלים.", style)
    assert f'<b><font name="{ARABIC_BOLD}">عمّان</font></b>' in markup
    assert f'<font name="{HEBREW}">םילשורי</font>' in markup  # drawn right to left
    assert shaped.shaping == 1 and shaped.parent is style  # harfbuzz joins the letters
    heading = ParagraphStyle("h", fontName="NotoSans-Bold")
    assert f'<font name="{ARABIC_BOLD}">' in glyphs.fit("Plan for عمّان", heading)[0]  # bold by its style


def test_a_right_to_left_run_is_put_in_the_order_it_is_drawn(glyphs):
    # Hebrew is drawn as it is, turned round here: letters and marks, brackets mirrored, numbers kept;
    # the comma is not in Noto Sans Hebrew, and the full stop after the run reads left to right
    assert glyphs.pieces("Hebrew: שלום, עולם.", SERIF) == [
        Piece(SERIF, "Hebrew: "),
        Piece(HEBREW, "םלוע", True),
        Piece(SERIF, NBSP + ","),
        Piece(HEBREW, "םולש", True),
        Piece(SERIF, "."),
    ]
    assert "".join(p.text for p in glyphs.pieces("שָׁלוֹם (ירושלים) 2024", SERIF)) == (
        f"2024{NBSP}(םילשורי){NBSP}םו\u05b9לש\u05b8\u05c1"
    )
    # one Arabic word for harfbuzz, which lays it out right to left whole: the number is turned round first
    assert glyphs.pieces("in عام 2010 م now", SERIF) == [
        Piece(SERIF, "in "),
        Piece(ARABIC, f"عام{NBSP}0102{NBSP}م", True),
        Piece(SERIF, " now"),
    ]


def test_no_word_mixes_a_shaped_font_with_another(glyphs):
    """reportlab shapes a word in the font it starts with: Arabic must be a word of its own."""
    markup, pieces = glyphs.text_markup("(بالعالم)", SERIF)
    assert markup == f'({WORD_BREAK}<font name="{ARABIC}">بالعالم</font>{WORD_BREAK})' and pieces[1].shaped
    assert WORD_BREAK not in glyphs.text_markup("in عمّان today", SERIF)[0]  # spaces already part words
    # punctuation Noto Sans Arabic has joins the word instead, placed for harfbuzz's right-to-left layout
    assert glyphs.pieces("met in عمّان, then «مرحبا»!", SERIF) == [
        Piece(SERIF, "met in "),
        Piece(ARABIC, ",عمّان", True),
        Piece(SERIF, " then "),
        Piece(ARABIC, "!«مرحبا»", True),
    ]
    markup, pieces = glyphs.text_markup("Hebrew: (ירושלים).", SERIF)
    assert WORD_BREAK not in markup and not any(p.shaped for p in pieces)  # Hebrew is not shaped: may mix fonts


def test_a_word_goes_on_across_tags_so_a_shaped_piece_is_parted_there_too(glyphs):
    """A marker or the end of a link or span between Arabic and a bracket leaves them one word."""
    marker = '<onDraw name="m" label="-1"/>'
    markup, _ = glyphs.fit(f"(بالعالم{marker})<br/>) <i>x</i>", ParagraphStyle("p", fontName=SERIF))
    assert markup == (f'({WORD_BREAK}<font name="{ARABIC}">بالعالم</font>{marker}{WORD_BREAK})<br/>) <i>x</i>')


def test_what_no_font_has_stays_in_the_text(glyphs):
    assert glyphs.missing("Citizens 😀 wrote 北京 and ✓ 北", SERIF) == ["😀", "北", "京", "✓"]
    assert glyphs.pieces("a 😀 b", SERIF) == [Piece(SERIF, "a 😀 b")]
    assert glyphs.missing("a\u200db\ufe0f", SERIF) == []  # invisible format characters are no loss


def test_a_broken_audience_font_is_left_out_with_a_word():
    register_fonts()
    broken = Glyphs([b"\x00\x01\x00\x00" + b"\x07" * 64])
    assert len(broken.fallbacks) == len(Glyphs().fallbacks)
    (warning,) = broken.report(Document(Metadata(title="Plain")), theme(Style()))
    assert warning.startswith("fonts.fallback font 1 cannot be read, so it is not used")


# ---------------------------------------------------------------- what reportlab makes of it


def _render(markup: str, glyphs: Glyphs) -> bytes:
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([Paragraph(*glyphs.fit(markup, ParagraphStyle("body", fontName=SERIF)))])
    return buf.getvalue()


def test_arabic_is_shaped_and_the_text_fonts_are_not(glyphs):
    """Pins reportlab behaviour glyphs.py and styles.UnshapedTTFont rely on (shapeFragWord, uharfbuzz)."""
    pdf = _render("The office fine-tunes «مرحبا بالعالم» for عمّان.", glyphs)
    raw = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "office fine-tunes" in raw  # no ﬁ/ﬀ ligatures: Noto Serif words keep reportlab's plain layout
    assert "\ufe8e" in raw or "\ufee3" in raw  # Arabic presentation forms: harfbuzz joined the letters
    assert "مرحبا بالعالم" in _text(pdf)  # and laid the run out right to left as one


def test_a_line_of_page_furniture_keeps_its_baseline(glyphs):
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf)
    canvas.setFont("NotoSans-Regular", 8)
    glyphs.draw_string(canvas, 50, 100, "Water — المياه", "NotoSans-Regular", 8, colors.black)
    glyphs.draw_string(canvas, 500, 100, "Page ١ من ٢", "NotoSans-Regular", 8, colors.black, right=True)
    glyphs.draw_string(canvas, 50, 80, "Briefing ירושלים", "NotoSans-Regular", 8, colors.black)  # not shaped
    canvas.save()
    shown: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            shown.append((text.strip(), cm[4] + tm[4], cm[5] + tm[5]))

    pypdf.PdfReader(io.BytesIO(buf.getvalue())).pages[0].extract_text(visitor_text=visit)
    assert any("ירושלים" in t for t, _, _ in shown)
    shown = [s for s in shown if "ירושלים" not in s[0] and "Briefing" not in s[0]]
    assert {round(y, 2) for _, _, y in shown} == {100.0}
    water = next(x for t, x, _ in shown if t.startswith("Water"))
    page = next(x for t, x, _ in shown if t.startswith("Page"))
    assert water == pytest.approx(50) and 440 < page < 480  # right-aligned at 500


# ---------------------------------------------------------------- the writer


def test_every_script_a_bundled_font_has_prints_and_the_rest_is_named():
    artifact = write(_mixed_document("Water — المياه والحدود"), theme(Style()), Assets())
    text = _text(artifact.data)
    for word in ("عمان", "ירושלים", "Қазақстан", "Ελλάδα", "مرحبا بالعالم", "שלום", "עולם", "المياه والحدود"):
        assert unicodedata.normalize("NFKC", word) in text.replace("\u0651", "")  # shadda: a mark, not a letter
    lost = [w for w in artifact.warnings if "U+1F600" in w]
    assert len(lost) == 1 and "U+5317" in lost[0] and "U+4EAC" in lost[0]  # 😀 北 京 share their place
    assert 'in "Citizens wrote 北京 in the register …" under "Context > Open a water dialogue ✓"' in lost[0]
    assert any("U+2713 CHECK MARK" in w and 'in the heading "Open a water dialogue ✓"' in w for w in artifact.warnings)
    assert len(artifact.warnings) == 2


def test_pdffonts_lists_the_arabic_and_hebrew_fonts_embedded_as_subsets(tmp_path):
    pdffonts = require_program("pdffonts")
    path = tmp_path / "mixed.pdf"
    path.write_bytes(write(_mixed_document(), theme(Style()), Assets()).data)
    lines = subprocess.run([pdffonts, str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    fonts = {line.split()[0].partition("+")[2]: (line.split()[-5], line.split()[-4]) for line in lines}
    for name in (ARABIC, ARABIC_BOLD, HEBREW):
        assert fonts.get(name) == ("yes", "yes"), lines


def test_a_font_the_audience_adds_prints_what_it_has_and_the_warning_goes():
    artifact = write(_mixed_document(), theme(Style()), Assets(fonts=(_dejavu(),)))
    assert "Open a water dialogue ✓" in _text(artifact.data)
    assert not any("U+2713" in w or "U+1F600" in w for w in artifact.warnings)
    assert len(artifact.warnings) == 1 and "U+5317" in artifact.warnings[0]  # DejaVu has no CJK


# ---------------------------------------------------------------- through the command line

BRIEF = """\
title: "Water and borders — المياه والحدود"
date: 2010-01-15
summary: Ministers met in عمّان and ירושלים ✓ and wrote 北京.
recommendations:
  - group: Regional security
    items:
      - id: R1
        title: Open a regional water dialogue 😀
        priority: high
"""


pytestmark = pytest.mark.workspace(briefs={"water.yaml": BRIEF}, bib=REFERENCES_BIB)


def _style(workspace: Path, text: str) -> None:
    folder = workspace / "templates" / "fonted"
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text(text, encoding="utf-8")


def _warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("warning:")]


def test_the_build_warns_naming_the_characters_no_font_has(workspace):
    result = CliRunner().invoke(cli, ["build", "-f", "pdf", "-a", "practitioner"])
    assert result.exit_code == 0, result.output
    warnings = _warnings(result.output)
    assert any("water_practitioner.pdf" in w and "😀 (U+1F600 GRINNING FACE)" in w for w in warnings), warnings
    assert any("北 (U+5317" in w and "✓ (U+2713" in w for w in warnings), warnings
    text = _text((workspace / "out" / "water" / "water_practitioner.pdf").read_bytes())
    assert "المياه والحدود" in text and "ירושלים" in text


def test_a_style_font_prints_what_it_has_and_silences_its_warning(workspace):
    _style(workspace, "extends: practitioner\nfonts:\n  fallback: [DejaVuSans.ttf]\n")
    _dejavu()
    shutil.copy(DEJAVU, workspace / "templates" / "fonted" / "DejaVuSans.ttf")
    result = CliRunner().invoke(cli, ["build", "-f", "pdf", "-a", "fonted"])
    assert result.exit_code == 0, result.output
    warnings = _warnings(result.output)
    assert not any("U+1F600" in w or "U+2713" in w for w in warnings), warnings
    assert any("U+5317" in w for w in warnings), warnings
    assert "ירושלים ✓" in _text((workspace / "out" / "water" / "water_fonted.pdf").read_bytes())


def test_a_fallback_that_is_no_truetype_font_is_an_error_in_the_style_file(workspace):
    _style(workspace, "extends: practitioner\nfonts:\n  fallback:\n    - notes.txt\n")
    (workspace / "templates" / "fonted" / "notes.txt").write_text("not a font", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "-f", "pdf", "-a", "fonted"])
    assert result.exit_code == 1
    assert "templates/fonted/style.yaml:4:7: fonts.fallback: 'notes.txt' beside the style: not a TrueType" in (
        result.output
    )


DIGITS_BRIEF = """\
title: Water and borders
date: 2010-01-15
summary: Ministers met and agreed.
recommendations:
  - group: Regional security
    items:
      - id: R1
        title: Open a regional water dialogue
        priority: high
        timeframe: "٢٠١٠"
      - id: R2
        title: Publish border incident data
        priority: low
        timeframe: "٢٠١٠–٢٠١١"
"""


def test_arabic_indic_digits_are_given_to_harfbuzz_turned_back(glyphs):
    """harfbuzz lays Arabic-script digits out right to left: given as drawn, 2010 would print as 0102."""
    assert glyphs.pieces("When: ٢٠١٠", SERIF) == [Piece(SERIF, "When: "), Piece(ARABIC, "٠١٠٢", True)]


@pytest.mark.workspace(briefs={"digits.yaml": DIGITS_BRIEF}, bib=REFERENCES_BIB)
def test_arabic_indic_digits_outside_arabic_text_are_never_turned_round(workspace):
    """UAX #9: digits are weak runs, drawn as written; a range of them reads right to left (rule N1),
    as a browser and LibreOffice show it, in the card and in the overview table alike."""
    result = CliRunner().invoke(cli, ["build", "-f", "pdf", "-a", overview_audience(workspace)])
    assert result.exit_code == 0, result.output
    pdf = pypdf.PdfReader(workspace / "out" / "digits" / "digits_overview.pdf")
    lines = ["".join(line.split()) for page in pdf.pages for line in page.extract_text().splitlines()]
    assert "When:٢٠١٠" in " ".join(lines) and "When:٢٠١١–٢٠١٠" in " ".join(lines)  # the cards
    assert lines.count("٢٠١٠") == 1 and lines.count("٢٠١١–٢٠١٠") == 1  # the overview table's cells
    assert not any("٠١٠٢" in line or "١١٠٢" in line for line in lines)


def test_a_bundled_face_covers_what_reportlab_reads_from_it() -> None:
    """glyphs.coverage reads a bundled face's cmap with harfbuzz, so no face is parsed to know it: it must be
    what reportlab's own parse of the face says it draws (charToGlyph less .notdef), face by face."""
    from reportlab.pdfbase.ttfonts import TTFont

    from briefgen.writers.pdf import glyphs as glyphs_module
    from briefgen.writers.pdf.styles import BUNDLED_FILES

    register_fonts()
    glyphs_module.bundled_fallbacks()
    assert len(BUNDLED_FILES) == 16
    for name, path in BUNDLED_FILES.items():
        parsed = TTFont("coverage-check", str(path)).face.charToGlyph
        assert glyphs_module.coverage(name) == frozenset(c for c, g in parsed.items() if g), name


LAZY_FACES_SCRIPT = r"""
import sys
from reportlab.pdfbase import pdfmetrics
from briefgen.design import theme
from briefgen.markdown import parse_markdown
from briefgen.model import Document, Metadata
from briefgen.style import Style
from briefgen.writers import Assets
from briefgen.writers.pdf import preload, write

preload([])  # no theme given: fonts mapped, none parsed
before = pdfmetrics.getRegisteredFontNames()
doc = Document(Metadata(title="T", audience="practitioner"), parse_markdown(sys.argv[1]))
write(doc, theme(Style()), Assets())
print(" ".join(before))
print(" ".join(sorted(n for n in pdfmetrics.getRegisteredFontNames() if n.startswith("Noto"))))
"""


@pytest.mark.parametrize(
    ("markdown", "drawn"),
    [
        ("Plain words.", {"NotoSerif-Regular"}),
        ("Plain and **bold** words in עברית.", {"NotoSerif-Regular", "NotoSerif-Bold", "NotoSansHebrew-Regular"}),
    ],
)
def test_a_pdf_parses_only_the_faces_it_draws(markdown: str, drawn: set[str]) -> None:
    """A TrueType face is parsed (reportlab's registerFont) when first drawn, not all 16 for every PDF."""
    import os
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    result = subprocess.run(
        [sys.executable, "-c", LAZY_FACES_SCRIPT, markdown], capture_output=True, text=True, env=env, check=True
    )
    before, after = result.stdout.split("\n")[:2]
    assert not any(name.startswith("Noto") for name in before.split())  # preloaded: mapped, none parsed
    parsed = set(after.split())
    assert drawn <= parsed, parsed
    assert "NotoSans-Italic" not in parsed and "NotoSansArabic-Bold" not in parsed and len(parsed) <= 8, parsed


def test_preloading_parses_the_faces_of_the_families_a_theme_sets_text_in() -> None:
    """Before a pool forks, the faces its workers will draw are parsed once, here: regular, bold and italic
    of the text families of the theme, none of the fallbacks nor of an unused family; bold italic, rarely
    drawn, is left for the worker that draws it (every worker would hold it: ~1.9 MB each)."""
    import os
    import sys

    script = (
        "from reportlab.pdfbase import pdfmetrics\n"
        "from briefgen.design import theme\n"
        "from briefgen.style import Style\n"
        "from briefgen.writers.pdf import preload\n"
        "t = theme(Style())\n"
        "preload([t])\n"
        "print(t.body.family, ' '.join(n for n in pdfmetrics.getRegisteredFontNames() if n.startswith('Noto')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    family, *parsed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    prefix = {"serif": "NotoSerif-", "sans": "NotoSans-"}[family]
    assert {f"{prefix}{face}" for face in ("Regular", "Bold", "Italic")} <= set(parsed)
    assert not [n for n in parsed if n.endswith("-BoldItalic")], parsed
    assert not [n for n in parsed if "Arabic" in n or "Hebrew" in n or "Mono" in n], parsed
