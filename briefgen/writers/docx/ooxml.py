"""The OOXML python-docx lacks: footnotes, list numbering instances, fields, shading.

In python-docx's spirit: small functions that own one piece of XML each, so the
DOCX writer above them reads as document structure, not XML plumbing. Every child
element goes in the place the OOXML schema (ECMA-376 Part 1, 17.x) gives it:
Word rejects out-of-order properties that LibreOffice forgives.
"""

from __future__ import annotations

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement

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


def insert_in_order(parent, child, order: tuple[str, ...]):
    """Put `child` where the schema sequence `order` wants it, replacing one of the same name."""
    name = child.tag.split("}")[1]
    for old in parent.findall(qn(f"w:{name}")):
        parent.remove(old)
    successors = order[order.index(name) + 1 :]
    return parent.insert_element_before(child, *(f"w:{n}" for n in successors))


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

    def new(self) -> tuple[int, object]:
        """A new, empty footnote: its id and its `<w:footnote>` element to fill with paragraphs."""
        note_id = self.next_id
        self.next_id += 1
        element = OxmlElement("w:footnote")
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


def footnote_reference_run(note_id: int, style_id: str) -> object:
    return parse_xml(
        f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="{style_id}"/></w:rPr>'
        f'<w:footnoteReference w:id="{note_id}"/></w:r>'
    )


def footnote_ref_mark_run(style_id: str) -> object:
    return parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="{style_id}"/></w:rPr><w:footnoteRef/></w:r>')


def restart_numbering(document_part, style_num_id: int) -> int:
    """A new list instance that restarts at 1 but shares the style's abstract numbering."""
    numbering = document_part.numbering_part.element
    base = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == str(style_num_id))
    abstract = base.find(qn("w:abstractNumId")).get(qn("w:val"))
    new_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
    num = parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{new_id}"><w:abstractNumId w:val="{abstract}"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    )
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


def column_widths(table, shares: list[float], total_twips: int = 9638) -> None:
    """Fixed column widths (grid and every cell), so Word and LibreOffice agree."""
    from docx.shared import Twips

    table.autofit = False  # <w:tblLayout w:type="fixed"/>, in its schema place
    widths = [int(total_twips * s) for s in shares]
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
    rpr = style.element.get_or_add_rPr()
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


def set_style_language(style, lang: str) -> None:
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    el = OxmlElement("w:lang")
    el.set(qn("w:val"), lang)
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


def keep_row_whole(row, header: bool = False) -> None:
    """A table row that never splits across pages; a header row repeats on each page."""
    trpr = row._tr.get_or_add_trPr()  # CT_TrPr is a choice: its children may come in any order
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))
