"""The DOCX carries its fonts (ECMA-376 Part 1, 17.8) and its title band runs edge to edge.

Checked in the package (font parts, obfuscation, subsets, fontTable, settings) and, in
the slow tests, through LibreOffice on a machine without Noto: what it renders with,
how many pages it makes against the PDF writer, and where it paints the band.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from functools import cache
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from notepages import libreoffice_pdfs

from briefgen.audience import load_audiences, search_path
from briefgen.design import theme
from briefgen.markdown import parse_markdown
from briefgen.model import Document, Metadata
from briefgen.style import Style
from briefgen.writers import Assets, writer
from briefgen.writers.docx.fonts import ALWAYS_KEPT, Face, bundled_faces, obfuscate, used_characters

from conftest import ROOT, require_program

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TWIPS_PER_MM = 1440 / 25.4

# A new example, not the sample brief. Some letters appear in one face only, so the
# subsets can be checked against what the text says: Ғ italic, Ө bold, Ә in a heading
# (the sans bold), Ж in code (the mono), Ң in a note.
EXAMPLE_MARKDOWN = """\
# Әділет and water

Astana's offer — a standing forum on water — is *Ғылым-based*, not **Өзен politics**; the
code name `ЖOINT-2010` stays internal.^[Ң: the forum's minutes, 2010.]

- Upstream states want dams.
- Downstream states want water in summer.

1. Convene the forum.
2. Publish the data.

::: keymessages
**Key message:** the chair can only lead where it is trusted.
:::
"""


def example(marking: str = "Restricted") -> Document:
    meta = Metadata(
        title="Water, borders and a chair that listens",
        subtitle="A test brief for the title band",
        organisation="Test Programme",
        series="Brief No. 1",
        marking=marking,
    )
    return Document(meta, parse_markdown(EXAMPLE_MARKDOWN))


@cache
def example_docx() -> bytes:
    return writer("docx")(example(), theme(Style()), Assets()).data


def package(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def xml(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(package(data).read(name))


def embedded_fonts(data: bytes) -> dict[Face, TTFont]:
    """Every embedded face, read back as Word does: fontTable -> relationship -> part, de-obfuscated."""
    zf = package(data)
    table = etree.fromstring(zf.read("word/fontTable.xml"))
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(zf.read("word/_rels/fontTable.xml.rels"))}
    faces = {}
    for font in table.iter(W + "font"):
        for embed in font:
            kind = etree.QName(embed).localname
            if not kind.startswith("embed"):
                continue
            obfuscated = zf.read("word/" + rels[embed.get(R + "id")])
            key = embed.get(W + "fontKey")
            face = Face(font.get(W + "name"), "Bold" in kind, "Italic" in kind)
            faces[face] = TTFont(io.BytesIO(obfuscate(obfuscated, key)))
    return faces


def cmap(font: TTFont) -> set[str]:
    return {chr(c) for c in font.getBestCmap()}


# ---------------------------------------------------------------- the package


def test_each_used_face_is_embedded_as_an_obfuscated_odttf_part():
    data = example_docx()
    names = package(data).namelist()
    parts = [n for n in names if n.startswith("word/fonts/")]
    assert parts and all(re.fullmatch(r"word/fonts/font\d+\.odttf", n) for n in parts)
    faces = embedded_fonts(data)
    assert set(faces) == {
        Face("Noto Serif"),
        Face("Noto Serif", bold=True),
        Face("Noto Serif", italic=True),
        Face("Noto Sans"),  # the header and footer
        Face("Noto Sans", bold=True),  # headings, kicker, title, marking
        Face("Noto Sans Mono"),  # code
    }
    for n in parts:
        raw = package(data).read(n)
        assert raw[:4] not in (b"\x00\x01\x00\x00", b"true", b"OTTO"), f"{n} is not obfuscated"


def test_the_fonts_read_back_are_the_bundled_faces_they_name():
    bundled = bundled_faces()
    for face, font in embedded_fonts(example_docx()).items():
        assert font["name"].getDebugName(1) == face.family
        assert bool(font["head"].macStyle & 1) == face.bold and bool(font["head"].macStyle & 2) == face.italic
        assert font["OS/2"].fsType == 0  # installable: Word and LibreOffice may use it for editing
        assert face in bundled


def test_each_subset_covers_exactly_the_characters_its_face_shows():
    data = example_docx()
    faces = embedded_fonts(data)
    # what the text says, independently of how the writer works it out
    assert "Ғ" in cmap(faces[Face("Noto Serif", italic=True)]) and "Ғ" not in cmap(faces[Face("Noto Serif")])
    assert "Ө" in cmap(faces[Face("Noto Serif", bold=True)]) and "Ө" not in cmap(faces[Face("Noto Serif")])
    assert "Ә" in cmap(faces[Face("Noto Sans", bold=True)]) and "Ә" not in cmap(faces[Face("Noto Serif")])
    assert "Ж" in cmap(faces[Face("Noto Sans Mono")]) and "Ж" not in cmap(faces[Face("Noto Serif")])
    assert "Ң" in cmap(faces[Face("Noto Serif")])  # the note
    assert set("0123456789") <= cmap(faces[Face("Noto Sans")])  # "Page X of Y" in the footer
    # and exactly: what the document shows in the face, printable ASCII, no more (what the font has)
    import docx

    shown = used_characters(docx.Document(io.BytesIO(data)))
    bundled = bundled_faces()
    for face, font in faces.items():
        with TTFont(bundled[face], lazy=True) as full:
            available = cmap(full)
        wanted = shown[face] | set(ALWAYS_KEPT)
        assert cmap(font) == wanted & available, face
        assert len(font.getGlyphOrder()) < 400  # a subset, not the 3,000-glyph font


def test_the_font_table_and_settings_declare_the_embedding_in_schema_order():
    data = example_docx()
    table = xml(data, "word/fontTable.xml")
    serif = next(f for f in table.iter(W + "font") if f.get(W + "name") == "Noto Serif")
    children = [etree.QName(c).localname for c in serif]
    assert children == ["panose1", "charset", "family", "pitch", "sig", "embedRegular", "embedBold", "embedItalic"]
    for embed in serif[5:]:
        assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", embed.get(W + "fontKey"))
        assert embed.get(W + "subsetted") == "1"
    rels = xml(data, "word/_rels/fontTable.xml.rels")
    assert {r.get("Type").rsplit("/", 1)[-1] for r in rels.iter(REL + "Relationship")} == {"font"}
    settings = [etree.QName(c).localname for c in xml(data, "word/settings.xml")]
    assert settings.index("zoom") < settings.index("embedTrueTypeFonts") < settings.index("saveSubsetFonts")
    assert settings.index("saveSubsetFonts") < settings.index("proofState")
    types = xml(data, "[Content_Types].xml")
    ct = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(ct + "Default")}
    assert defaults["odttf"] == "application/vnd.openxmlformats-officedocument.obfuscatedFont"
    assert not [o for o in types.iter(ct + "Override") if o.get("PartName").endswith(".odttf")]


def test_obfuscation_is_the_spec_xor_of_the_first_32_bytes():
    # ECMA-376 Part 1, 17.8.1: the key's bytes are its hex digits read from the last pair to the first
    key = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
    data = bytes(range(40))
    mask = bytes.fromhex("FFEEDDCCBBAA99887766554433221100") * 2
    assert obfuscate(data, key) == bytes(a ^ b for a, b in zip(data[:32], mask, strict=True)) + data[32:]
    assert obfuscate(obfuscate(data, key), key) == data


def test_the_sample_docx_files_with_their_fonts_stay_under_300_kb(sample_outputs):
    sizes = {name: len(data) for name, data in sample_outputs.items() if name.endswith(".docx")}
    assert len(sizes) == 4 and all("word/fonts/" in "".join(package(sample_outputs[n]).namelist()) for n in sizes)
    assert max(sizes.values()) < 300_000, sizes


# ---------------------------------------------------------------- the title band


def test_the_title_band_is_as_wide_as_the_page_and_its_colour_starts_at_the_top_edge():
    data = example_docx()
    body = xml(data, "word/document.xml").find(W + "body")
    page_width = int(body.find(f"{W}sectPr/{W}pgSz").get(W + "w"))
    margins = body.find(f"{W}sectPr/{W}pgMar")
    left = int(margins.get(W + "left"))
    band = body.find(W + "tbl")
    assert "Water, borders" in "".join(band.itertext())
    assert band.find(f"{W}tblPr/{W}tblW").get(W + "w") == str(page_width)
    # Word 2010 layout (the package's compatibilityMode 14) puts the cell's text at the indent:
    # indent 0 and a left cell margin as wide as the page's margin put the band's edge on the page's
    assert band.find(f"{W}tblPr/{W}tblInd").get(W + "w") == "0"
    assert band.find(f"{W}tblPr/{W}tblCellMar/{W}left").get(W + "w") == str(left)
    # above it, page one's header paints the band's colour from the page's top edge, with the marking
    header_id = next(h.get(R + "id") for h in body.iter(W + "headerReference") if h.get(W + "type") == "first")
    rels = {r.get("Id"): r.get("Target") for r in xml(data, "word/_rels/document.xml.rels")}
    header = xml(data, "word/" + rels[header_id])
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    anchor = next(header.iter(wp + "anchor"))
    assert anchor.get("behindDoc") == "1"
    assert [anchor.find(f"{wp}{d}").get("relativeFrom") for d in ("positionH", "positionV")] == ["page", "page"]
    assert int(anchor.find(wp + "extent").get("cx")) == page_width * 635
    assert int(anchor.find(wp + "extent").get("cy")) > int(margins.get(W + "top")) * 635  # down to the band
    assert "RESTRICTED" in "".join(header.itertext())


def test_a_logo_sits_beside_the_band_text_at_the_right_in_the_pdf_logo_box():
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (240, 80), (200, 40, 40)).save(png, "PNG")
    data = writer("docx")(example(), theme(Style()), Assets(logo=png.getvalue())).data
    body = xml(data, "word/document.xml").find(W + "body")
    page_width = int(body.find(f"{W}sectPr/{W}pgSz").get(W + "w"))
    band = body.find(W + "tbl")
    columns = [int(c.get(W + "w")) for c in band.iter(W + "gridCol")]
    text_cell, logo_cell = band.iter(W + "tc")
    assert sum(columns) == page_width and "Water, borders" in "".join(text_cell.itertext())
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    extent = next(logo_cell.iter(wp + "extent"))
    width_mm, height_mm = (int(extent.get(a)) / 36000 for a in ("cx", "cy"))
    assert (round(width_mm), round(height_mm)) == (45, 15)  # 240 x 80 px scaled into 45 x 16 mm, as in the PDF


# ---------------------------------------------------------------- through LibreOffice


def libreoffice_pdf(docx_path: Path, out: Path) -> Path:
    """LibreOffice's PDF of one DOCX, with a profile of its own.

    LibreOffice 7.x keeps an embedded font by family and face for the rest of its run, so
    a second document converted in the same run would get the first one's subset.
    """
    [pdf] = libreoffice_pdfs(require_program("soffice"), [docx_path], out, out / f"profile-{docx_path.stem}")
    return pdf


def pdf_fonts(pdf: Path) -> list[str]:
    pdffonts = require_program("pdffonts")
    lines = subprocess.run([pdffonts, str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
    return [line.split()[0].split("+")[-1] for line in lines[2:]]


def pages(pdf: bytes | Path) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf).pages)


def pixel(pdf: Path, x_mm: float, y_mm: float) -> str:
    """The colour LibreOffice painted at a point of page one, as "RRGGBB"."""
    pdftoppm = require_program("pdftoppm")
    dpi = 50
    ppm = subprocess.run(
        [pdftoppm, "-r", str(dpi), "-f", "1", "-l", "1", str(pdf)], check=True, capture_output=True
    ).stdout
    header = re.match(rb"P6\s+(\d+)\s+\d+\s+255\s", ppm)  # binary RGB after one whitespace byte
    assert header, ppm[:20]
    x, y = round(x_mm / 25.4 * dpi), round(y_mm / 25.4 * dpi)
    offset = header.end() + (y * int(header.group(1)) + x) * 3
    return ppm[offset : offset + 3].hex().upper()


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example")
    (out / "example.docx").write_bytes(example_docx())
    return libreoffice_pdf(out / "example.docx", out)


@pytest.mark.slow
def test_libreoffice_without_noto_renders_the_docx_in_the_embedded_noto(example_pdf: Path):
    fonts = pdf_fonts(example_pdf)
    assert fonts and all(f.startswith("Noto") for f in fonts), fonts  # no DejaVu stand-in
    assert {"NotoSerif-Regular", "NotoSerif-Italic", "NotoSerif-Bold", "NotoSans-Bold", "NotoSansMono-Regular"} <= set(
        fonts
    )


@pytest.mark.slow
def test_libreoffice_paints_the_band_from_the_page_edges(example_pdf: Path):
    accent = theme(Style()).colours.accent.lstrip("#").upper()
    # the top corners, the side margins, above the text, and where the header's colour meets the table's
    for x_mm, y_mm in ((1, 1), (208, 1), (1, 30), (208, 30), (105, 12), (1, 14), (1, 19), (208, 19)):
        assert pixel(example_pdf, x_mm, y_mm) == accent, (x_mm, y_mm)
    assert pixel(example_pdf, 1, 80) == "FFFFFF"  # and it ends above the text


# A policymaker brief of its own, filling most of two pages of the PDF: its two-page limit must hold in
# both formats (in a stand-in font, as before fonts were embedded, LibreOffice made three).
ACTIONS = "\n".join(
    f"{i}. **{title}.** {text} *Who:* the Chairmanship, the participating States. *When:* 2010."
    for i, (title, text) in enumerate(
        [
            ("Convene a water forum", "Upstream and downstream states meet under the chair, with data on flows."),
            ("Publish border incident data", "A shared record is the first step to trust between neighbours."),
            ("Fund confidence-building", "Small, visible projects on the borders, run by local officials."),
            ("Defend the election observers", "ODIHR's mandate is the test of the chair's credibility."),
            ("Keep a presence in Georgia", "A field mission keeps the OSCE's eyes where the war was."),
            ("Engage Afghanistan's neighbours", "Customs training and border posts, not military blocs."),
        ],
        start=1,
    )
)
POLICY_MARKDOWN = (
    "::: keymessages\n**Key messages**\n\n"
    + "\n".join(f"- {m}" for m in ["The chair must deliver reforms at home first."] * 4)
    + "\n:::\n\n## Summary\n\n"
    + (
        "Kazakhstan chairs the OSCE in 2010, the first Central Asian state to do so. It won the post on its "
        "weight in the region, in return for reforms it has only partly made, and it takes over an "
        "organisation under pressure to curb its election observation. "
    )
    * 3
    + "\n\n## Why it matters\n\n"
    + "\n\n".join(
        "Water, borders and an arms build-up are Central Asia's real security agenda, and the OSCE is the "
        f"one forum where all of the region's states and their neighbours sit together ({n} of 10)."
        for n in range(1, 11)
    )
    + "\n\n## Priority actions\n\n"
    + ACTIONS
    + "\n\n*The full brief has further recommendations.*\n"
)


@pytest.mark.slow
def test_libreoffice_pages_match_the_pdf_and_the_policymaker_limit_holds(tmp_path: Path):
    [audience] = load_audiences(["policymaker"], search_path(ROOT / "templates"))
    meta = Metadata(title="A chair that listens: water and borders in 2010", organisation="Test Programme")
    model = Document(meta, parse_markdown(POLICY_MARKDOWN))
    pdf = writer("pdf")(model, audience.theme, audience.assets).data
    (tmp_path / "policy.docx").write_bytes(writer("docx")(model, audience.theme, audience.assets).data)
    rendered = libreoffice_pdf(tmp_path / "policy.docx", tmp_path)
    assert pages(pdf) == 2, "the example should fill two pages of the PDF"
    assert pages(rendered) == pages(pdf) <= audience.theme.max_pages


@pytest.mark.slow
def test_libreoffice_pages_of_each_sample_docx_are_within_one_of_the_pdf(sample_dir: Path, tmp_path: Path):
    counts = {}
    for docx_path in sorted(sample_dir.glob("*.docx")):
        rendered = libreoffice_pdf(docx_path, tmp_path)
        assert not [f for f in pdf_fonts(rendered) if not f.startswith("Noto")], docx_path.name
        counts[docx_path.stem] = (pages(rendered), pages(docx_path.with_suffix(".pdf")))
    assert all(abs(docx - pdf) <= 1 for docx, pdf in counts.values()), counts
    docx, pdf = counts["kazakhstan-osce-2010_policymaker"]
    assert docx == pdf <= 2, counts


# ---------------------------------------------------------------- the subsets draw as the fonts do (issue 11)

# Joined Arabic (initial, medial, final forms, the lam-alef ligature, Arabic digits), pointed Hebrew,
# and Latin with kerning pairs, ligatures and Kazakh letters: a subset must keep what shapes them.
SHAPED_SAMPLES = {
    "NotoSansArabic-Regular.ttf": "السلام عليكم، لا إله ١٢٣ مرحبا بالعالم",
    "NotoSansArabic-Bold.ttf": "قال المتحدث: لا بد من الحوار",
    "NotoSansHebrew-Regular.ttf": "שָׁלוֹם, ירושלים 2010",
    "NotoSerif-Regular.ttf": "AVATAR Tow office ﬁ “Әділет” Ғылым — 1/2",
    "NotoSerif-Italic.ttf": "AVATAR office ffi Қазақстан ǆ",
    "NotoSans-Bold.ttf": "WAVE To, Ye. Өзен",
}


def shaped(data: bytes, text: str) -> list[tuple]:
    """What harfbuzz draws for `text` (as Word and LibreOffice shape it): per glyph its cluster, position and extents.

    Glyph ids differ between a font and its subset; each glyph's outline box stands in for it.
    """
    import uharfbuzz as hb

    font = hb.Font(hb.Face(data))
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    out = []
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        extents = font.get_glyph_extents(info.codepoint)
        box = None if extents is None else (extents.x_bearing, extents.y_bearing, extents.width, extents.height)
        out.append((info.cluster, pos.x_advance, pos.x_offset, pos.y_offset, box))
    return out


@pytest.mark.parametrize("file", sorted(SHAPED_SAMPLES))
def test_a_subset_shapes_its_text_exactly_as_the_full_font_does(file: str):
    from briefgen.fonts import FONT_DIR
    from briefgen.writers.docx.fonts import _subset, subset_font

    text = SHAPED_SAMPLES[file]
    path = FONT_DIR / file
    data = subset_font(path, set(text) | set(ALWAYS_KEPT))
    assert shaped(data, text) == shaped(path.read_bytes(), text)
    font = TTFont(io.BytesIO(data))
    assert font["glyf"][font.getGlyphOrder()[0]].numberOfContours > 0  # a missing character shows a box
    assert {n.nameID for n in font["name"].names} == set(range(7))  # Word matches the family by name
    assert font["OS/2"].fsType == 0 and len(font.getGlyphOrder()) < 300
    _subset.cache_clear()  # made again, not kept
    assert subset_font(path, set(text) | set(ALWAYS_KEPT)) == data  # the same document, the same bytes


def test_the_bundled_faces_and_their_font_table_entries_are_read_as_fonttools_reads_them():
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from briefgen.writers.docx.fonts import _font_entry

    bundled = bundled_faces()
    expected = {}
    for path in sorted((ROOT / "briefgen" / "fonts").glob("*.ttf")):
        with TTFont(path) as font:
            face = Face(font["name"].getDebugName(1), bool(font["head"].macStyle & 1), bool(font["head"].macStyle & 2))
            expected.setdefault(face, path)
            if face.bold or face.italic:
                continue
            os2 = font["OS/2"]
            panose = "".join(f"{v:02X}" for v in vars(os2.panose).values())
            ranges = [os2.ulUnicodeRange1, os2.ulUnicodeRange2, os2.ulUnicodeRange3, os2.ulUnicodeRange4]
            signature = [f"{v:08X}" for v in (*ranges, os2.ulCodePageRange1, os2.ulCodePageRange2)]
            fixed = bool(font["post"].isFixedPitch)
        entry = _font_entry(parse_xml(f"<w:fonts {nsdecls('w')}/>"), face.family, path)
        values = {etree.QName(c).localname: dict(c.attrib) for c in entry}
        assert values["panose1"] == {W + "val": panose}, path.name
        assert values["pitch"] == {W + "val": "fixed" if fixed else "variable"}
        assert list(values["sig"].values()) == signature
        assert values["family"] == {W + "val": "modern" if fixed else "swiss" if "Sans" in face.family else "roman"}
    assert bundled == expected and len(bundled) == 14


def test_the_styles_are_resolved_once_a_kind_of_formatting_not_once_a_run(monkeypatch: pytest.MonkeyPatch):
    """A long brief has thousands of runs in a few formattings; resolving each run took a tenth of a second at x10."""
    import docx

    from briefgen.writers.docx.fonts import StyleSheet

    words = " ".join(f"*slanted{i}* plain{i} **bold{i}** Қ{i}" for i in range(150))
    model = Document(Metadata(title="Runs"), parse_markdown(words))
    document = docx.Document(io.BytesIO(writer("docx")(model, theme(Style()), Assets()).data))
    resolved = []
    face = StyleSheet.face
    monkeypatch.setattr(StyleSheet, "face", lambda self, *args: resolved.append(args) or face(self, *args))
    shown = used_characters(document)
    runs = sum(1 for _ in document.element.body.iter(W + "r"))
    assert runs > 450 and 0 < len(resolved) < 40, (runs, len(resolved))
    assert set("149") <= shown[Face("Noto Serif", italic=True)] & shown[Face("Noto Serif", bold=True)]
    assert "Қ" in shown[Face("Noto Serif")] and "Қ" not in shown[Face("Noto Serif", bold=True)]
    assert "s" in shown[Face("Noto Serif", italic=True)] and "s" not in shown[Face("Noto Serif", bold=True)]
