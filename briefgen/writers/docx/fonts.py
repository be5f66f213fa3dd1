"""Embed the bundled fonts a DOCX uses, subset and obfuscated, as Word does (ECMA-376 Part 1, 17.8).

A reader without Noto installed would otherwise see the document in a substitute font,
reflowed (longer, or past a two-page limit). So, for every bundled face the text is set
in, the font is cut down to the characters it shows (harfbuzz's hb-subset), obfuscated
with a GUID key (17.8.1), stored as `word/fonts/fontN.odttf`, and named in `fontTable.xml` by a
`w:embedRegular`/`w:embedBold`/... element (17.8.3.3); `settings.xml` says the document
embeds TrueType fonts, subset (`w:embedTrueTypeFonts`, `w:saveSubsetFonts`, 17.15.1).
Word and LibreOffice both use an embedded font when the system lacks it.

Which face shows which character is read from the document itself: each run's font,
bold and italic resolved through its direct formatting, character style, paragraph
style and the document defaults (17.7.2), so a user's reference.docx is handled too.
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import uharfbuzz as hb
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement
from lxml import etree

from ...fonts import FONT_DIR

OBFUSCATED_FONT_CT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_EXTENSION = "odttf"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
# fontKey GUIDs are derived from the font's bytes, so the same document gives the same file.
_KEY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "briefgen.fonts.docx")

SUBSETS_KEPT = 64  # subset fonts kept by face and characters, some 30 KB each
CONTROL_CHARACTERS = frozenset("\t\n\r")  # shown as space or a break, in no font
DIGITS = "0123456789"  # what a page number, footnote number or list number may show
# Every subset keeps printable ASCII besides what the document shows: a reader can correct a
# word in the embedded font, and LibreOffice (25.2 on) ignores a subset of fewer than 26 glyphs.
ALWAYS_KEPT = "".join(chr(c) for c in range(0x20, 0x7F))
# Characters a numbering format (ST_NumberFormat, 17.18.59) may show for `%1`; others: digits.
NUMBER_FORMAT_CHARACTERS = {
    "lowerLetter": "abcdefghijklmnopqrstuvwxyz",
    "upperLetter": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "lowerRoman": "ivxlcdm",
    "upperRoman": "IVXLCDM",
    "bullet": "",
    "none": "",
}
# Where a run's text takes its font from (17.3.2.26): complex scripts from w:cs, East Asian
# text from w:eastAsia, ASCII from w:ascii, everything else from w:hAnsi.
COMPLEX_SCRIPT_RANGES = (
    (0x0590, 0x08FF),  # Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, Arabic extended
    (0x0900, 0x0DFF),  # Indic scripts, Sinhala
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1780, 0x17FF),  # Khmer
    (0xFB1D, 0xFDFF),  # Hebrew and Arabic presentation forms A
    (0xFE70, 0xFEFF),  # Arabic presentation forms B
)
EAST_ASIAN_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0x9FFF),
    (0xA000, 0xA4CF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
)
# Element and attribute names the per-paragraph loops use (qn, each time, was a tenth of their time).
W_P, W_R, W_RPR, W_PPR, W_RSTYLE, W_FLDCHAR, W_FLDSIMPLE, W_NUMPR, W_NUMID, W_ILVL = (
    qn(f"w:{n}") for n in ("p", "r", "rPr", "pPr", "rStyle", "fldChar", "fldSimple", "numPr", "numId", "ilvl")
)
W_PPR_RPR, W_PPR_PSTYLE = f"{W_PPR}/{W_RPR}", f"{W_PPR}/{qn('w:pStyle')}"
W_VAL, W_FLDCHARTYPE = qn("w:val"), qn("w:fldCharType")
# CT_Settings (17.15.1.78) children before each flag, in schema order.
_BEFORE_EMBED_FLAGS = (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData",
)  # fmt: skip
SETTINGS_FLAGS = {
    "embedTrueTypeFonts": _BEFORE_EMBED_FLAGS,
    "saveSubsetFonts": (*_BEFORE_EMBED_FLAGS, "embedTrueTypeFonts", "embedSystemFonts"),
}
# CT_Font (17.8.3.10): the embed elements close the sequence, in this order.
EMBED_ELEMENTS = ("embedRegular", "embedBold", "embedItalic", "embedBoldItalic")


@dataclass(frozen=True, order=True)
class Face:
    """One face of a font family, as a run asks for it."""

    family: str
    bold: bool = False
    italic: bool = False

    @property
    def embed_element(self) -> str:
        """`embedRegular`, `embedBold`, `embedItalic` or `embedBoldItalic`."""
        return EMBED_ELEMENTS[self.bold + 2 * self.italic]


# ---------------------------------------------------------------- the bundled font files


def sfnt_tables(path: Path, *tags: str) -> dict[str, bytes]:
    """Tables of a TrueType file as bytes, found through its table directory (OpenType, "Table Directory").

    This module reads a few fields of head, name, OS/2 and post; fontTools decoded every
    name record and glyph name for them, 5 ms a file.
    """
    out: dict[str, bytes] = {}
    with path.open("rb") as f:
        (count,) = struct.unpack(">4xH6x", f.read(12))
        directory = f.read(16 * count)
        for i in range(count):
            tag, _, offset, length = struct.unpack_from(">4sIII", directory, 16 * i)
            name = tag.decode("latin-1")
            if name in tags:
                f.seek(offset)
                out[name] = f.read(length)
    return out


def name_table_family(name: bytes) -> str | None:
    """Name ID 1 of a name table, as fontTools' `getDebugName(1)` reads it: English if there, else the last readable."""
    _, count, strings = struct.unpack_from(">3H", name)
    found = None
    for i in range(count):
        platform, encoding, language, name_id, length, offset = struct.unpack_from(">6H", name, 6 + 12 * i)
        if name_id != 1:
            continue
        if platform == 0 or (platform == 3 and encoding in (0, 1, 10)):
            codec = "utf_16_be"
        elif platform == 1 and encoding == 0:
            codec = "mac_roman"
        else:
            continue
        try:
            found = name[strings + offset : strings + offset + length].decode(codec)
        except UnicodeDecodeError:
            continue
        if (platform, language) in ((1, 0), (3, 0x409)):
            break
    return found


@cache
def bundled_faces(font_dir: Path = FONT_DIR) -> dict[Face, Path]:
    """Every TrueType face in `font_dir`, keyed by the family name Word matches (name ID 1).

    Read from each file's name and head tables, so a newly bundled family (say Noto Sans
    Arabic) is embedded without a change here.
    """
    faces: dict[Face, Path] = {}
    for path in sorted(font_dir.glob("*.ttf")):
        tables = sfnt_tables(path, "name", "head")
        family = name_table_family(tables["name"])
        (mac_style,) = struct.unpack_from(">H", tables["head"], 44)  # bit 0 bold, bit 1 italic
        if family:
            faces.setdefault(Face(family, bool(mac_style & 1), bool(mac_style & 2)), path)
    return faces


def nearest_face(face: Face, bundled: dict[Face, Path]) -> Face | None:
    """The bundled face Word and LibreOffice draw `face` with: itself, else the nearest they slant or embolden.

    Noto Sans Mono, say, has no italic: its italic is the upright face, slanted.
    """
    for bold, italic in ((face.bold, face.italic), (face.bold, False), (False, face.italic), (False, False)):
        candidate = Face(face.family, bold, italic)
        if candidate in bundled:
            return candidate
    return None


def subset_font(path: Path, characters: Iterable[str]) -> bytes:
    """The font cut down to `characters` (and the glyphs their shaping needs), as TTF bytes.

    harfbuzz's subsetter (hb-subset), in C, about 1 ms a face; fontTools' took 120-200 ms,
    most of a DOCX's build. Its defaults are fontTools': the layout features Word and
    LibreOffice shape with (Arabic joining forms, ligatures, kerning, marks) and the glyphs
    they reach, hinting, name IDs 0-6 in English, no glyph names, the font's own timestamp.
    Only the OS/2 code page bits differ: fontTools cleared those the subset no longer covers.
    """
    return _subset(path, frozenset(characters))


@lru_cache(maxsize=SUBSETS_KEPT)
def _subset(path: Path, characters: frozenset[str]) -> bytes:
    """`subset_font`, kept: a build server's next build, or the next audience, mostly shows the same characters."""
    wanted = hb.SubsetInput()
    wanted.flags = hb.SubsetFlags.NOTDEF_OUTLINE  # a missing character shows a box, not nothing
    wanted.unicode_set.update(sorted({ord(c) for c in characters}))
    return hb.subset(_face(path), wanted).blob.data


@cache
def _face(path: Path) -> hb.Face:
    """A bundled font file, read once a process (the package's files do not change under it)."""
    return hb.Face(hb.Blob.from_file_path(str(path)))


def font_key(data: bytes) -> str:
    """A GUID for `data`, in the `{XXXXXXXX-XXXX-...}` form `w:fontKey` takes."""
    return "{" + str(uuid.uuid5(_KEY_NAMESPACE, hashlib.sha256(data).hexdigest())).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """XOR the first 32 bytes with the key's 16 bytes, taken from its hex digits last to first (17.8.1).

    The same operation undoes it.
    """
    digits = key.strip("{}").replace("-", "")
    mask = bytes.fromhex(digits)[::-1] * 2
    return bytes(a ^ b for a, b in zip(data[:32], mask, strict=True)) + data[32:]


# ---------------------------------------------------------------- what the document shows


def _on(element) -> bool | None:
    """An ST_OnOff property's value (17.17.4), None when absent."""
    if element is None:
        return None
    return element.get(qn("w:val"), "true").lower() not in ("0", "false", "off")


def _slot(character: str) -> str:
    """The rFonts attribute that names the font of `character` (17.3.2.26)."""
    code = ord(character)
    if code < 0x80:
        return "ascii"
    if any(lo <= code <= hi for lo, hi in COMPLEX_SCRIPT_RANGES):
        return "cs"
    if any(lo <= code <= hi for lo, hi in EAST_ASIAN_RANGES):
        return "eastAsia"
    return "hAnsi"


def _num_pr(ppr) -> tuple[str | None, str | None]:
    """The numId and ilvl a pPr's numPr gives, each None when it does not."""
    numpr = ppr.find(W_NUMPR) if ppr is not None else None
    if numpr is None:
        return None, None
    num_id, level = numpr.find(W_NUMID), numpr.find(W_ILVL)
    return (
        num_id.get(W_VAL) if num_id is not None else None,
        level.get(W_VAL) if level is not None else None,
    )


class StyleSheet:
    """Run properties resolved through the style hierarchy (17.7.2), as far as fonts go.

    A run's layers, strongest first: direct formatting, its character style and the
    styles that style is based on, the paragraph's style chain, the document defaults.
    Bold and italic are toggles (17.7.3): direct formatting sets them outright; the most
    derived value of each style chain flips the value beneath it.
    """

    def __init__(self, styles_element) -> None:
        self.styles = {s.get(qn("w:styleId")): s for s in styles_element.findall(qn("w:style"))}
        self.default_paragraph = next(
            (
                s.get(qn("w:styleId"))
                for s in styles_element.findall(qn("w:style"))
                if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true", "on")
            ),
            None,
        )
        self.defaults = styles_element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self._style_numbering: dict[str | None, tuple[str | None, str | None]] = {}  # from a style chain's numPr

    def chain(self, style_id: str | None) -> list:
        """The style and those it is based on, most derived first."""
        out, seen = [], set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            out.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return out

    def paragraph_style(self, paragraph) -> str | None:
        style = paragraph.find(W_PPR_PSTYLE)
        return style.get(W_VAL) if style is not None else self.default_paragraph

    def numbering(self, paragraph, style: str | None) -> tuple[str, str] | None:
        """(numId, ilvl) of a numbered paragraph in style `style`: each from its own numPr, else its style's."""
        own_id, own_level = _num_pr(paragraph.find(W_PPR))
        if style not in self._style_numbering:
            num_id = level = None
            for s in self.chain(style):  # the most derived style that says, for each
                style_id, style_level = _num_pr(s.find(W_PPR))
                num_id = num_id if num_id is not None else style_id
                level = level if level is not None else style_level
            self._style_numbering[style] = (num_id, level)
        num_id = own_id if own_id is not None else self._style_numbering[style][0]
        level = own_level if own_level is not None else self._style_numbering[style][1]
        return (num_id, level or "0") if num_id not in (None, "0") else None

    def face(self, direct: list, character_style: str | None, paragraph_style: str | None, slot: str) -> Face | None:
        """The face a run shows characters of `slot` in; None for a theme font or none named.

        `direct` lists the run's own rPr layers, strongest first (a run's rPr; for a list
        number, the level's rPr then the paragraph mark's).
        """
        character = [s.find(qn("w:rPr")) for s in self.chain(character_style)]
        paragraph = [s.find(qn("w:rPr")) for s in self.chain(paragraph_style)]
        family = self._family([*direct, *character, *paragraph, self.defaults], slot)
        if family is None:
            return None
        suffix = "Cs" if slot == "cs" else ""
        return Face(
            family,
            self._toggle(f"b{suffix}", direct, character, paragraph),
            self._toggle(f"i{suffix}", direct, character, paragraph),
        )

    @staticmethod
    def _family(layers: list, slot: str) -> str | None:
        for rpr in layers:
            fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
            if fonts is None:
                continue
            if fonts.get(qn(f"w:{slot}Theme")) is not None:
                return None  # a theme font: not one of ours
            if fonts.get(qn(f"w:{slot}")) is not None:
                return fonts.get(qn(f"w:{slot}"))
        return None

    def _toggle(self, name: str, direct: list, character: list, paragraph: list) -> bool:
        for rpr in direct:
            value = _on(rpr.find(qn(f"w:{name}"))) if rpr is not None else None
            if value is not None:
                return value
        state = bool(self.defaults is not None and _on(self.defaults.find(qn(f"w:{name}"))))
        for chain in (paragraph, character):
            value = next(
                (v for rpr in chain if rpr is not None and (v := _on(rpr.find(qn(f"w:{name}")))) is not None), None
            )
            if value:
                state = not state
        return state


def _run_text(run) -> Iterator[str]:
    """What a run shows: text, special hyphens, and digits where a number will appear."""
    for child in run:
        tag = etree.QName(child).localname
        if tag == "t":
            yield child.text or ""
        elif tag == "noBreakHyphen":
            yield "\u2011"
        elif tag == "softHyphen":
            yield "-"  # shown as a hyphen where the line breaks
        elif tag in ("footnoteReference", "endnoteReference", "footnoteRef", "endnoteRef"):
            yield DIGITS


class UsedCharacters:
    """Collects, per face, the characters a document shows in it."""

    def __init__(self, document) -> None:
        self.sheet = StyleSheet(document.styles.element)
        numbering = document.part.numbering_part.element if _has_numbering(document) else None
        self.numbering = numbering
        self.shown: dict[tuple, set[str]] = {}  # characters by a run's formatting (its kind)
        self.formatting: dict[
            tuple, tuple[list, str | None, str | None]
        ] = {}  # a kind's direct layers, character and paragraph style

    def add_part(self, element) -> None:
        for paragraph in element.iter(W_P):
            self._paragraph(paragraph)

    def _paragraph(self, paragraph) -> None:
        style = self.sheet.paragraph_style(paragraph)
        mark = paragraph.find(W_PPR_RPR)
        self._add(" ", [mark], None, style)  # the paragraph mark sets an empty line's height
        fields: list[str] = []  # open complex fields (17.16.18): "code" until w:separate, then "result"
        for run in paragraph.iter(W_R):
            if next(run.iterancestors(W_P)) is not paragraph:
                continue  # a text box's paragraph, visited on its own
            rpr = run.find(W_RPR)
            run_style = rpr.find(W_RSTYLE) if rpr is not None else None
            char_style = run_style.get(W_VAL) if run_style is not None else None
            for fld in run.iterchildren(W_FLDCHAR):
                kind = fld.get(W_FLDCHARTYPE)
                if kind == "begin":
                    fields.append("code")
                elif kind == "separate" and fields:
                    fields[-1] = "result"
                elif kind == "end" and fields:
                    fields.pop()
            in_result = bool(fields) and fields[-1] == "result"
            self._add("".join(_run_text(run)) + (DIGITS if in_result else ""), [rpr], char_style, style)
        for simple in paragraph.iterchildren(W_FLDSIMPLE):
            for run in simple.iterchildren(W_R):
                self._add(DIGITS, [run.find(W_RPR)], None, style)
        self._numbering(paragraph, mark, style)

    def _numbering(self, paragraph, mark, style: str | None) -> None:
        found = self.sheet.numbering(paragraph, style)
        if found is None or self.numbering is None:
            return
        levels = _levels(self.numbering, *found)
        level = levels.get(found[1])
        if level is None:
            return
        text_el = level.find(qn("w:lvlText"))
        pattern = text_el.get(qn("w:val"), "") if text_el is not None else ""
        text = re.sub(r"%\d", "", pattern)  # the literal text around the numbers
        for referenced in re.findall(r"%(\d)", pattern):  # %1 is the number of level 0, in its format
            lvl = levels.get(str(int(referenced) - 1))
            fmt = lvl.find(qn("w:numFmt")) if lvl is not None else None
            text += NUMBER_FORMAT_CHARACTERS.get(fmt.get(qn("w:val")) if fmt is not None else "decimal", DIGITS)
        self._add(text, [level.find(qn("w:rPr")), mark], None, style)

    def _add(self, text: str, direct: list, char_style: str | None, para_style: str | None) -> None:
        # Runs repeat a few kinds of formatting: the characters of each kind are gathered, and
        # each kind is resolved through the styles once (by_face), not once a run.
        kind = (tuple(None if rpr is None else etree.tostring(rpr) for rpr in direct), char_style, para_style)
        shown = self.shown.get(kind)
        if shown is None:
            shown = self.shown[kind] = set()
            self.formatting[kind] = (direct, char_style, para_style)
        shown.update(text)

    def by_face(self) -> dict[Face, set[str]]:
        """Per face, the characters shown in it."""
        faces: dict[Face, set[str]] = defaultdict(set)
        for kind, shown in self.shown.items():
            by_slot: dict[str, set[str]] = defaultdict(set)
            for character in shown - CONTROL_CHARACTERS:
                by_slot[_slot(character)].add(character)
            for slot, characters in by_slot.items():
                face = self.sheet.face(*self.formatting[kind], slot)
                if face is not None:
                    faces[face] |= characters
        return dict(faces)


def _has_numbering(document) -> bool:
    return any(rel.reltype == RT.NUMBERING for rel in document.part.rels.values())


def _levels(numbering, num_id: str, level: str) -> dict[str, Any]:
    """The w:lvl elements of a list instance by ilvl, its level overrides applied."""
    num = next((n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id), None)
    if num is None:
        return {}
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        (a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id), None
    )
    levels = {} if abstract is None else {lvl.get(qn("w:ilvl")): lvl for lvl in abstract.findall(qn("w:lvl"))}
    for override in num.findall(qn("w:lvlOverride")):
        replacement = override.find(qn("w:lvl"))
        if replacement is not None:
            levels[override.get(qn("w:ilvl"))] = replacement
    return levels


def _stories(document) -> Iterator[object]:
    """The XML of the main document and the parts it relates holding text: headers, footers, notes, comments.

    python-docx loads some of those (footnotes, in a document it opened) as plain bytes.
    """
    yield document.part.element
    stories = (RT.HEADER, RT.FOOTER, RT.FOOTNOTES, RT.ENDNOTES, RT.COMMENTS)
    for rel in document.part.rels.values():
        if rel.reltype in stories and not rel.is_external:
            target = rel.target_part
            yield target.element if isinstance(target, XmlPart) else parse_xml(target.blob)


def used_characters(document) -> dict[Face, set[str]]:
    """Per face, the characters the document shows in it."""
    collector = UsedCharacters(document)
    for story in _stories(document):
        collector.add_part(story)
    return collector.by_face()


# ---------------------------------------------------------------- the package


def font_table(document) -> XmlPart:
    """The fontTable part as XML, created or, when python-docx loaded it as bytes, parsed once."""
    doc_part = document.part
    for r_id, rel in list(doc_part.rels.items()):
        if rel.reltype != RT.FONT_TABLE or rel.is_external:
            continue
        part = rel.target_part
        if isinstance(part, XmlPart):
            return part
        xml_part = XmlPart(part.partname, part.content_type, parse_xml(part.blob), part.package)
        for old in part.rels.values():  # a reference.docx's own embedded fonts stay related
            target = old.target_ref if old.is_external else old.target_part
            xml_part.load_rel(old.reltype, target, old.rId, old.is_external)
        del doc_part.rels[r_id]
        doc_part.load_rel(RT.FONT_TABLE, xml_part, r_id)
        return xml_part
    xml_part = XmlPart(
        PackURI("/word/fontTable.xml"),
        CT.WML_FONT_TABLE,
        parse_xml(f"<w:fonts {nsdecls('w', 'r')}/>"),
        doc_part.package,
    )
    doc_part.relate_to(xml_part, RT.FONT_TABLE)
    return xml_part


def _font_entry(fonts, family: str, sample: Path):
    """The table's `w:font` for `family`, added with its panose, family and signature if missing."""
    for entry in fonts.findall(qn("w:font")):
        if entry.get(qn("w:name")) == family:
            return entry
    tables = sfnt_tables(sample, "OS/2", "post")
    os2 = tables["OS/2"]
    panose = os2[32:42]  # bFamilyType, bSerifStyle, bWeight, ... bXHeight
    ranges = struct.unpack_from(">4I", os2, 42)  # ulUnicodeRange1-4
    code_pages = struct.unpack_from(">2I", os2, 78) if len(os2) >= 86 else (0, 0)  # OS/2 version 1 on
    (fixed,) = struct.unpack_from(">I", tables["post"], 12)  # isFixedPitch
    kind = "auto"
    if panose[0] == 2:  # Latin text
        kind = "modern" if fixed else "swiss" if 11 <= panose[1] <= 13 else "roman"
    names = ("usb0", "usb1", "usb2", "usb3", "csb0", "csb1")
    sig = {n: f"{v:08X}" for n, v in zip(names, (*ranges, *code_pages), strict=True)}
    digits = panose.hex().upper()
    entry = OxmlElement("w:font")
    entry.set(qn("w:name"), family)
    for name, attrs in (
        ("panose1", {"val": digits}),
        ("charset", {"val": "00"}),
        ("family", {"val": kind}),
        ("pitch", {"val": "fixed" if fixed else "variable"}),
        ("sig", sig),
    ):
        child = OxmlElement(f"w:{name}")
        for attr, value in attrs.items():
            child.set(qn(f"w:{attr}"), value)
        entry.append(child)
    fonts.append(entry)
    return entry


def _set_flag(settings, name: str) -> None:
    """A settings flag in its schema place (after the elements CT_Settings puts before it)."""
    if settings.find(qn(f"w:{name}")) is not None:
        return
    flag = OxmlElement(f"w:{name}")
    predecessors = [c for c in settings if etree.QName(c).localname in SETTINGS_FLAGS[name]]
    if predecessors:
        predecessors[-1].addnext(flag)
    else:
        settings.insert(0, flag)


def embed_fonts(document) -> list[Face]:
    """Embed, subset, every bundled face the document's text is set in; return those faces.

    Run once, just before saving: it reads the finished text.
    """
    bundled = bundled_faces()
    used: dict[Face, set[str]] = defaultdict(set)
    for face, characters in used_characters(document).items():
        drawn_with = nearest_face(face, bundled)
        if drawn_with is not None:
            used[drawn_with] |= characters
    if not used:
        return []
    table_part = font_table(document)
    fonts = table_part.element
    package = document.part.package
    taken = {str(p.partname) for p in package.iter_parts()}
    number = 1
    for face in sorted(used):
        entry = _font_entry(fonts, face.family, bundled[face])
        for old in entry.findall(qn(f"w:{face.embed_element}")):
            entry.remove(old)
            table_part.drop_rel(old.get(qn("r:id")))
        data = subset_font(bundled[face], used[face] | set(ALWAYS_KEPT))
        key = font_key(data)
        while f"/word/fonts/font{number}.{FONT_EXTENSION}" in taken:
            number += 1
        partname = PackURI(f"/word/fonts/font{number}.{FONT_EXTENSION}")
        taken.add(str(partname))
        r_id = table_part.relate_to(Part(partname, OBFUSCATED_FONT_CT, obfuscate(data, key), package), RT.FONT)
        embed = OxmlElement(f"w:{face.embed_element}")
        embed.set(qn("r:id"), r_id)
        embed.set(qn("w:fontKey"), key)
        embed.set(qn("w:subsetted"), "1")
        successors = EMBED_ELEMENTS[EMBED_ELEMENTS.index(face.embed_element) + 1 :]
        later = next((c for c in entry if etree.QName(c).localname in successors), None)
        if later is not None:
            later.addprevious(embed)
        else:
            entry.append(embed)
    settings = document.settings.element
    for flag in SETTINGS_FLAGS:
        _set_flag(settings, flag)
    return sorted(used)


def content_types_with_font_default(xml: bytes) -> bytes:
    """`[Content_Types].xml` with one Default for .odttf instead of an Override per font, as Word writes it.

    python-docx gives every part whose extension it does not know an Override.
    """
    root = etree.fromstring(xml)
    ns = {"ct": CONTENT_TYPES_NS}
    overrides = [
        o
        for o in root.findall("ct:Override", ns)
        if o.get("PartName", "").lower().endswith(f".{FONT_EXTENSION}") and o.get("ContentType") == OBFUSCATED_FONT_CT
    ]
    if not overrides:
        return xml
    for o in overrides:
        root.remove(o)
    if not any(d.get("Extension", "").lower() == FONT_EXTENSION for d in root.findall("ct:Default", ns)):
        default = etree.Element(
            f"{{{CONTENT_TYPES_NS}}}Default", Extension=FONT_EXTENSION, ContentType=OBFUSCATED_FONT_CT
        )
        defaults = root.findall("ct:Default", ns)
        if defaults:
            defaults[-1].addnext(default)
        else:
            root.insert(0, default)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
