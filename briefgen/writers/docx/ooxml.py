"""The OOXML python-docx lacks: footnotes, list numbering instances, fields, shading.

In python-docx's spirit: small functions that own one piece of XML each, so the
DOCX writer above them reads as document structure, not XML plumbing. Every child
element goes in the place the OOXML schema (ECMA-376 Part 1, 17.x) gives it:
Word rejects out-of-order properties that LibreOffice forgives.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import cast
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, nsmap, qn
from docx.oxml.parser import OxmlElement, oxml_parser
from docx.oxml.xmlchemy import BaseOxmlElement

from ...model import UNSAFE_CHARACTERS


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids.

    Earlier stages check briefs, but text reaches the writer from templates, .bib files and
    readers yet to come: the writer is the last line of defence, and builds rather than fails.
    """
    return UNSAFE_CHARACTERS.sub("", text)  # a superset of what XML 1.0 forbids (2.2 Char): one rule


W_VAL, XML_SPACE = qn("w:val"), qn("xml:space")
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

# Child order of the property elements briefgen writes into (CT_TcPr 17.4.70, CT_PPr 17.3.1.26,
# CT_RPr 17.3.2.28, CT_TblPr 17.4.60). python-docx knows these orders but does not export them.
TCPR_ORDER = (
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "textDirection",
    "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange",
)  # fmt: skip
PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
    "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl",
    "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
)  # fmt: skip
RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
    "lang", "eastAsianLayout", "specVanish", "oMath",
)  # fmt: skip
TBLPR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
    "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption",
    "tblDescription", "tblPrChange",
)  # fmt: skip
SCHEMA_ORDERS = {"tcPr": TCPR_ORDER, "pPr": PPR_ORDER, "rPr": RPR_ORDER, "tblPr": TBLPR_ORDER}


def box_frame(ppr, bar: tuple[int, str], fill: str | None, padding: int, bottom: int) -> None:
    """A box's frame on a paragraph or paragraph style (`ppr`): the bar as its left border, `padding`
    points from the text, the fill as its shading; a filled box gets top and bottom borders in the
    fill, `padding` and `bottom` points deep, as room above its first line and below its last. Word and
    LibreOffice draw consecutive paragraphs framed alike as one box (ISO/IEC 29500-1 17.3.1.24)."""
    borders = OxmlElement("w:pBdr")
    edges = [("top", (1, fill)), ("left", bar), ("bottom", (1, fill))] if fill else [("left", bar)]
    for edge, (size, colour) in edges:
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), str(bottom if edge == "bottom" else padding))
        el.set(qn("w:color"), (colour or "auto").lstrip("#"))
        borders.append(el)
    insert_in_order(ppr, borders, PPR_ORDER)
    if fill:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill.lstrip("#"))
        insert_in_order(ppr, shd, PPR_ORDER)


def indent(ppr, left: int, right: int, hanging: int = 0) -> None:
    """A paragraph's indents in twips, replacing any it had."""
    ind = OxmlElement("w:ind")
    ind.set(qn("w:left"), str(left))
    ind.set(qn("w:right"), str(right))
    if hanging:
        ind.set(qn("w:hanging"), str(hanging))
    insert_in_order(ppr, ind, PPR_ORDER)


def insert_in_order(parent, child, order: tuple[str, ...]):
    """Put `child` where the schema sequence `order` wants it, replacing one of the same name."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    return _insert(parent, child, order)


@cache
def _ranks(order: tuple[str, ...]) -> dict[str, int]:
    """Each element of the schema sequence `order` (its tag, namespaced) by its place in it."""
    return {qn(f"w:{name}"): rank for rank, name in enumerate(order)}


def _insert(parent, child, order: tuple[str, ...]):
    """`child` added where python-docx's `insert_element_before(child, *successors)` puts it, in one pass.

    That is: before the first child of the successor that comes earliest in `order`, else last.
    python-docx asks for each of the (up to 38) successors in turn, a find each, for every
    property a paragraph or run is given.
    """
    ranks = _ranks(order)
    own = ranks[child.tag]
    successor, nearest = None, len(order)
    for element in parent.iterchildren():
        rank = ranks.get(element.tag)
        if rank is not None and own < rank < nearest:
            successor, nearest = element, rank
    if successor is not None:
        successor.addprevious(child)
    else:
        parent.append(child)
    return child


@cache
def _made_as(tag: str) -> tuple[str, dict[str, str]]:
    """A prefixed tag's name and namespace declaration, as `OxmlElement` works them out at each call."""
    prefix = tag.split(":")[0]
    return qn(tag), {prefix: nsmap[prefix]}


def element(tag: str):
    """`OxmlElement(tag)`: a new element of python-docx's class for `tag` ("w:r"), declaring its prefix."""
    name, declared = _made_as(tag)
    return oxml_parser.makeelement(name, nsmap=declared)


def add_text(run, text: str) -> None:
    """`run.add_t(text)` (a `w:r`): a `w:t` keeping its outer spaces."""
    t = element("w:t")
    t.text = text
    run.append(t)
    if len(text.strip()) < len(text):
        t.set(XML_SPACE, "preserve")


def get_or_add(parent, name: str, order: tuple[str, ...]):
    """The `w:<name>` child of `parent`, added in its schema place if missing: python-docx's `get_or_add_<name>`."""
    found = parent.find(qn(f"w:{name}"))
    return found if found is not None else _insert(parent, element(f"w:{name}"), order)


def set_on(parent, name: str, order: tuple[str, ...], value: bool = True) -> None:
    """An on/off property (ST_OnOff) set as python-docx sets it: `<w:b/>` for on, `<w:b w:val="0"/>` for off."""
    element = get_or_add(parent, name, order)
    if value:
        element.attrib.pop(W_VAL, None)
    else:
        element.set(W_VAL, "0")


def paragraph_style(p, style_id: str | None) -> None:
    """`p.style = style_id` (a `w:p`), with the schema place found in one pass."""
    if style_id is None:
        p.style = None
        return
    get_or_add(p.get_or_add_pPr(), "pStyle", PPR_ORDER).set(W_VAL, style_id)


def keep(p, name: str, value: bool = True) -> None:
    """A paragraph's `keepNext` or `keepLines` (`w:p`): python-docx's `paragraph_format.keep_with_next = value`..."""
    set_on(p.get_or_add_pPr(), name, PPR_ORDER, value)


_FOOTNOTES_XML = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


class Footnotes:
    """The document's `word/footnotes.xml` part, created on first use."""

    def __init__(self, document_part) -> None:
        self.document_part = document_part
        self._part: XmlPart | None = None
        self.next_id = 1

    @property
    def part(self) -> XmlPart:
        if self._part is None:
            package = self.document_part.package
            self._part = XmlPart(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, parse_xml(_FOOTNOTES_XML), package)
            self.document_part.relate_to(self._part, RT.FOOTNOTES)
            _declare_footnote_properties(self.document_part)
        return self._part

    def new(self) -> tuple[int, BaseOxmlElement]:
        """A new, empty footnote: its id and its `<w:footnote>` element to fill with paragraphs."""
        note_id = self.next_id
        self.next_id += 1
        element = cast(BaseOxmlElement, OxmlElement("w:footnote"))
        element.set(qn("w:id"), str(note_id))
        self.part.element.append(element)
        return note_id, element


def _declare_footnote_properties(document_part) -> None:
    """Word writes `<w:footnotePr>` naming the separators in settings; do the same."""
    settings = document_part.settings.element
    if settings.find(qn("w:footnotePr")) is not None:
        return
    pr = parse_xml(f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>')
    # schema order: footnotePr comes after w:characterSpacingControl and friends; before compat
    anchor = settings.find(qn("w:compat"))
    if anchor is not None:
        anchor.addprevious(pr)
    else:
        settings.append(pr)


def footnote_reference_run(note_id: int, style_id: str) -> BaseOxmlElement:
    return parse_xml(
        f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="{style_id}"/></w:rPr>'
        f'<w:footnoteReference w:id="{note_id}"/></w:r>'
    )


def footnote_ref_mark_run(style_id: str) -> BaseOxmlElement:
    return parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="{style_id}"/></w:rPr><w:footnoteRef/></w:r>')


@dataclass(frozen=True)
class ListLevel:
    """How one level of a list looks: its marker, the marker's font, and the indent in twips."""

    number_format: str  # an ST_NumberFormat: "bullet", "decimal", "lowerLetter", ...
    text: str  # the marker: "•", or "%1." for the first level's number
    indent: int  # the text's left edge
    hanging: int  # the marker sits this far left of it
    font: str
    colour: str
    bold: bool = False


def list_definition(document_part, name: str, levels: list[ListLevel]) -> int:
    """A multi-level list definition (`w:abstractNum`) named `name`, added once; its id.

    Word's default template defines List Bullet and List Number with one level only,
    so a nested list pointed at a level that did not exist (LibreOffice drew "1.").
    """
    numbering = document_part.numbering_part.element
    for abstract in numbering.findall(qn("w:abstractNum")):
        label = abstract.find(qn("w:name"))
        if label is not None and label.get(qn("w:val")) == name:
            return int(abstract.get(qn("w:abstractNumId")))
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=-1) + 1
    xml = [
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/><w:name w:val="{escape(name)}"/>'
    ]
    for ilvl, level in enumerate(levels):
        font = escape(level.font, {'"': "&quot;"})
        xml.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{level.number_format}"/>'
            f'<w:lvlText w:val="{escape(level.text)}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{level.indent}" w:hanging="{level.hanging}"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" w:eastAsia="{font}"/>'
            + ("<w:b/>" if level.bold else "")
            + f'<w:color w:val="{level.colour.lstrip("#")}"/></w:rPr></w:lvl>'
        )
    xml.append("</w:abstractNum>")
    element = parse_xml("".join(xml))
    first_num = numbering.find(qn("w:num"))  # the schema puts every abstractNum before the nums
    if first_num is not None:
        first_num.addprevious(element)
    else:
        numbering.append(element)
    return abstract_id


def list_instance(document_part, abstract_id: int, level: int = 0, start: int | None = None) -> int:
    """A new list (`w:num`) of a definition; `start` restarts its numbering at `level`."""
    numbering = document_part.numbering_part.element
    new_id = max((int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))), default=0) + 1
    override = (
        f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
        if start is not None
        else ""
    )
    num = parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{new_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
    )
    cleanup = numbering.find(qn("w:numIdMacAtCleanup"))  # last in the schema, if a reference.docx has it
    if cleanup is not None:
        cleanup.addprevious(num)
    else:
        numbering.append(num)
    return new_id


def set_num(paragraph, num_id: int, level: int = 0) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    numpr = ppr.get_or_add_numPr()
    numpr.get_or_add_ilvl().val = level
    numpr.get_or_add_numId().val = num_id


def field_runs(paragraph, instruction: str) -> None:
    """A complex field (PAGE, NUMPAGES) that Word and LibreOffice update when laid out."""
    for kind in ("begin", None, "separate", "end"):
        run = paragraph.add_run()
        if kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        if kind == "separate":
            paragraph.add_run("1")


def shade_cell(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#"))
    insert_in_order(tcpr, shd, TCPR_ORDER)


def cell_borders(cell, **edges: tuple[int, str]) -> None:
    """edges: left=(eighths of a point, "RRGGBB"); unspecified edges get no border."""
    tcpr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{edge}")
        if edge in edges:
            size, colour = edges[edge]
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:color"), colour.lstrip("#"))
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    insert_in_order(tcpr, borders, TCPR_ORDER)


def cell_margins(cell, top: int, left: int, bottom: int, right: int) -> None:
    """Margins in twentieths of a point."""
    tcpr = cell._tc.get_or_add_tcPr()
    mar = OxmlElement("w:tcMar")
    for edge, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(value))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    insert_in_order(tcpr, mar, TCPR_ORDER)


def table_width_full(table) -> None:
    tblpr = table._tbl.tblPr
    width = tblpr.find(qn("w:tblW"))
    if width is None:
        width = insert_in_order(tblpr, OxmlElement("w:tblW"), TBLPR_ORDER)
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")


def column_widths(table, widths: list[int]) -> None:
    """Fixed column widths in twips (grid and every cell), so Word and LibreOffice agree."""
    from docx.shared import Twips

    table.autofit = False  # <w:tblLayout w:type="fixed"/>, in its schema place
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(w))
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=False):
            cell.width = Twips(w)


def paragraph_border(paragraph, edge: str, size: int, colour: str, space: int = 4) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = insert_in_order(ppr, OxmlElement("w:pBdr"), PPR_ORDER)
    el = OxmlElement(f"w:{edge}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), colour.lstrip("#"))
    bdr.append(el)


def set_style_fonts(style, family: str) -> None:
    """Name the font for every script and drop theme fonts, which would override it."""
    _name_fonts(style.element.get_or_add_rPr(), family)


def _name_fonts(rpr, family: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = insert_in_order(rpr, OxmlElement("w:rFonts"), RPR_ORDER)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), family)


def set_style_colour(style, hex_colour: str) -> None:
    rpr = style.element.get_or_add_rPr()
    colour = rpr.find(qn("w:color"))
    if colour is not None:
        rpr.remove(colour)
    style.font.color.rgb = None
    el = OxmlElement("w:color")
    el.set(qn("w:val"), hex_colour.lstrip("#"))
    insert_in_order(rpr, el, RPR_ORDER)


def set_outline_level(paragraph, level: int) -> None:
    """The level (1-9) Word's navigation pane and screen readers give this paragraph, whatever its style's."""
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(min(level, 9) - 1))
    insert_in_order(paragraph._p.get_or_add_pPr(), el, PPR_ORDER)


def set_style_language(style, lang: str) -> None:
    set_language(style.element.get_or_add_rPr(), lang, scripts=("w:val",))


def set_language(rpr, lang: str, scripts: tuple[str, ...] = ("w:val", "w:eastAsia", "w:bidi")) -> None:
    """The language of text with these run properties, by default for Latin, East Asian and complex
    scripts alike: a span in Kazakh, Chinese or Arabic is spell-checked and read aloud as that language."""
    el = OxmlElement("w:lang")
    for attribute in scripts:
        el.set(qn(attribute), xml_text(lang))
    insert_in_order(rpr, el, RPR_ORDER)


def remove_theme_colour(style) -> None:
    rpr = style.element.get_or_add_rPr()
    for c in rpr.findall(qn("w:color")):
        for attr in list(c.attrib):
            if "theme" in attr:
                del c.attrib[attr]


def remove_paragraph_borders(style) -> None:
    """The default template underlines its Title with a border; the title band needs none."""
    ppr = style.element.get_or_add_pPr()
    for bdr in ppr.findall(qn("w:pBdr")):
        ppr.remove(bdr)


def remove_letter_spacing(style) -> None:
    for spacing in style.element.get_or_add_rPr().findall(qn("w:spacing")):
        spacing.getparent().remove(spacing)


def remove_contextual_spacing(style) -> None:
    ppr = style.element.get_or_add_pPr()
    for contextual in ppr.findall(qn("w:contextualSpacing")):
        ppr.remove(contextual)


def run_fonts(run, family: str) -> None:
    """A run's font named for every script (python-docx's `font.name` sets Latin only)."""
    _name_fonts(run._r.get_or_add_rPr(), family)


def keep_row_whole(row, header: bool = False) -> None:
    """A table row that never splits across pages; a header row repeats on each page."""
    trpr = row._tr.get_or_add_trPr()  # CT_TrPr is a choice: its children may come in any order
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def table_width(table, columns: list[int]) -> None:
    """A table exactly as wide as its `columns` (twips): its width, grid and cells (fixed layout)."""
    tblpr = table._tbl.tblPr
    width = tblpr.find(qn("w:tblW"))
    if width is None:
        width = insert_in_order(tblpr, OxmlElement("w:tblW"), TBLPR_ORDER)
    width.set(qn("w:w"), str(sum(columns)))
    width.set(qn("w:type"), "dxa")
    column_widths(table, columns)


def compatibility_mode(settings) -> int:
    """The Word version a document is laid out as (settings' `compatibilityMode`; 12, Word 2007, if unset).

    Below 15 (Word 2013) Word places a table by its first cell's text rather than its edge.
    """
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode" and (setting.get(qn("w:val")) or "").isdigit():
            return int(setting.get(qn("w:val")))
    return 12


def table_indent(table, twips: int) -> None:
    """The table's leading edge `twips` from the margin (negative: into it); the table is left-aligned."""
    tblpr = table._tbl.tblPr
    for old in tblpr.findall(qn("w:jc")):
        tblpr.remove(old)
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(twips))
    indent.set(qn("w:type"), "dxa")
    insert_in_order(tblpr, indent, TBLPR_ORDER)


EMU_PER_TWIP = 635
# Namespaces python-docx does not map; Word declares them on every part's root.
_SHAPE_NAMESPACES = (
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
)


# Word's "Mark as decorative" (Office 2019): screen readers skip the shape instead of announcing it
DECORATIVE = (
    '<a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
    '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/>'
    "</a:ext></a:extLst>"
)


def set_alt_text(picture, text: str) -> None:
    """A picture's alternative text (`wp:docPr/@descr`), which python-docx has no API for.

    `InlineShape._inline` is the `wp:inline` element python-docx made; its `docPr` holds the
    picture's id, name and description. tests/test_writers_docx.py breaks if that changes.
    """
    picture._inline.docPr.set("descr", text)


def page_rectangle_run(shape_id: int, name: str, width: int, height: int, fill: str) -> object:
    """A run holding a filled rectangle at the page's top-left corner, behind the text, `width` x `height` twips.

    DrawingML (`wps`, Word 2010) with a VML fallback for older readers, as Word writes a shape;
    used where a colour must reach the page's edge, beyond any margin.
    """
    cx, cy = width * EMU_PER_TWIP, height * EMU_PER_TWIP
    colour = fill.lstrip("#").upper()
    points_w, points_h = width / 20, height / 20
    return parse_xml(
        f'<w:r {nsdecls("w", "wp", "a")} {_SHAPE_NAMESPACES}><mc:AlternateContent><mc:Choice Requires="wps">'
        "<w:drawing>"
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="0" behindDoc="1" '
        'locked="1" layoutInCell="0" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="page"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="page"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f'<wp:docPr id="{shape_id}" name="{escape(name)}">{DECORATIVE}</wp:docPr><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        "<wps:wsp><wps:cNvSpPr/><wps:spPr>"
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill><a:ln><a:noFill/></a:ln>'
        "</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        "</mc:Choice><mc:Fallback><w:pict>"
        f'<v:rect style="position:absolute;margin-left:0;margin-top:0;width:{points_w:g}pt;height:{points_h:g}pt;'
        'z-index:-251658240;mso-position-horizontal-relative:page;mso-position-vertical-relative:page" '
        f'fillcolor="#{colour}" stroked="f"/>'
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def table_cell_margins(table, top: int, left: int, bottom: int, right: int) -> None:
    """The table's default cell margins in twips (`w:tblCellMar`).

    Set to a cell's own margins where the table's placement depends on them: Word 2010's
    layout puts the text at the indent, offsetting the edge by the first cell's margin,
    and LibreOffice by the table's default one.
    """
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for edge, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(value))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    insert_in_order(tblpr, mar, TBLPR_ORDER)


# CT_Settings (17.15.1.78): what follows `w:autoHyphenation`, in schema order.
_AFTER_AUTO_HYPHENATION = (
    "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope", "summaryLength",
    "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting",
    "bookFoldPrintingSheets", "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
    "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
    "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter",
    "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml",
    "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml", "saveXmlDataOnly",
    "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace", "updateFields",
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)  # fmt: skip


def set_default_language(styles_element, lang: str) -> None:
    """The language of all text (`w:docDefaults/w:rPrDefault`), for Latin script: Word hyphenates
    and spell-checks by it. The East Asian and complex-script languages stay."""
    rpr = styles_element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return
    found = rpr.find(qn("w:lang"))
    if found is None:
        set_language(rpr, lang, scripts=("w:val",))
    else:
        found.set(qn("w:val"), xml_text(lang))


def set_auto_hyphenation(settings_element) -> None:
    """`<w:autoHyphenation/>`: Word and LibreOffice hyphenate the text by its language's dictionary."""
    if settings_element.find(qn("w:autoHyphenation")) is None:
        settings_element.insert_element_before(
            OxmlElement("w:autoHyphenation"), *(f"w:{n}" for n in _AFTER_AUTO_HYPHENATION)
        )


def suppress_auto_hyphens(ppr) -> None:
    """`<w:suppressAutoHyphens/>`: paragraphs with these properties are not hyphenated."""
    insert_in_order(ppr, OxmlElement("w:suppressAutoHyphens"), PPR_ORDER)
