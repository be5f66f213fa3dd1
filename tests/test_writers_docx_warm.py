"""The DOCX writer's shortcuts past python-docx's searches give what python-docx gives."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from lxml import etree

import briefgen.writers.docx as docx_writer
from briefgen.design import TextRole
from briefgen.writers import measure
from briefgen.writers.docx import DEFAULT_REFERENCE, ooxml, page, reference
from briefgen.writers.docx.styles import StyleIndex


@pytest.mark.parametrize("opened", [lambda: docx.Document(str(DEFAULT_REFERENCE)), docx.Document])
def test_style_index_gives_every_style_id_python_docx_gives(opened):
    document = opened()
    styles = StyleIndex(document)
    for style in document.styles:
        for kind in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE):
            try:
                expected = document.styles.get_style_id(style.name, kind)
            except ValueError:
                with pytest.raises(ValueError):
                    styles.id_of(style.name, kind)
                continue
            assert styles.id_of(style.name, kind) == expected
        assert style.name in styles and styles[style.name] == style
    assert "No such style" not in styles
    with pytest.raises(KeyError):
        styles["No such style"]


def test_style_index_sees_the_styles_it_adds_and_the_last_default():
    document = docx.Document()
    styles = StyleIndex(document)
    added = styles.add("Card High", WD_STYLE_TYPE.PARAGRAPH)
    assert styles.id_of("Card High") == added.style_id == "CardHigh"
    assert styles.id_of("Normal") is None  # the default paragraph style: named by no id
    added.element.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}default", "1")
    later = StyleIndex(document)  # two defaults of a type: the last in document order is the default
    assert later.id_of("Card High") is None and later.id_of("Normal") == "Normal"
    assert later.id_of("Card High") == document.styles.get_style_id("Card High", WD_STYLE_TYPE.PARAGRAPH)
    assert later.id_of("Normal") == document.styles.get_style_id("Normal", WD_STYLE_TYPE.PARAGRAPH)


def test_package_entries_are_what_python_docx_saves(sample_outputs):
    """The entries `save` zips once are python-docx's own: names, order and bytes."""
    written = docx.Document(io.BytesIO(sample_outputs["kazakhstan-osce-2010_practitioner.docx"]))
    assert page.package_entries(written) == page._zipped_entries(written)
    assert [name for name, _ in page.package_entries(written)][:2] == ["[Content_Types].xml", "_rels/.rels"]


@pytest.mark.parametrize("order", [ooxml.PPR_ORDER, ooxml.RPR_ORDER, ooxml.TCPR_ORDER])
def test_insert_in_order_puts_a_child_where_python_docx_does(order):
    """Against `insert_element_before`, on children in and out of schema order, repeated, and foreign."""
    rng = random.Random(7)
    for _ in range(300):
        names = rng.sample(order, rng.randint(0, 6)) + rng.choices(order, k=rng.randint(0, 2))
        ours, theirs = (OxmlElement("w:pPr") for _ in range(2))
        foreign_first = rng.random() < 0.5
        for parent in (ours, theirs):
            for name in names:
                parent.append(OxmlElement(f"w:{name}"))
            parent.append(etree.Comment("foreign"))
            if foreign_first:
                parent.insert(0, OxmlElement("w:unknown"))
        name = rng.choice(order)
        ooxml._insert(ours, OxmlElement(f"w:{name}"), order)
        successors = order[order.index(name) + 1 :]
        theirs.insert_element_before(OxmlElement(f"w:{name}"), *(f"w:{n}" for n in successors))
        assert etree.tostring(ours) == etree.tostring(theirs), (names, name)


def test_paragraph_properties_are_set_as_python_docx_sets_them():
    ours, theirs = (docx.Document().add_paragraph("text") for _ in range(2))
    ooxml.keep(ours._p, "keepLines", False)
    theirs.paragraph_format.keep_together = False
    ooxml.keep(ours._p, "keepNext")
    theirs.paragraph_format.keep_with_next = True
    ooxml.paragraph_style(ours._p, "Heading1")
    theirs._p.style = "Heading1"
    ooxml.keep(ours._p, "keepLines")
    theirs.paragraph_format.keep_together = True
    assert etree.tostring(ours._p) == etree.tostring(theirs._p)
    ooxml.paragraph_style(ours._p, None)
    theirs._p.style = None
    assert etree.tostring(ours._p) == etree.tostring(theirs._p)


def test_line_count_from_kept_word_widths_is_the_count_from_each_character(monkeypatch):
    """Word widths kept by the face give the float the character sum gives, and stay bounded."""
    role = TextRole("serif", 10.5, 14.0, "#000000")
    advances = measure._advances(role.family, role.face)
    text = "Kazakhstan’s OSCE chairmanship — a test of ODIHR’s mandate, and of Astana’s word " * 40
    scale = 0.001 * role.size
    for word in set(text.split()):
        assert advances.word(word) == sum(advances[ord(c)] for c in word)
    for width in (80.0, 150.5, 300.0, 1e9):
        lines, used = 1, 0.0
        for word in text.split():  # the count before word widths were kept
            w = scale * sum(advances[ord(c)] for c in word)
            if used and used + scale * advances[0x20] + w > width:
                lines, used = lines + 1, w
            else:
                used += (scale * advances[0x20] if used else 0.0) + w
        assert measure.line_count(text, role, width) == lines
    monkeypatch.setattr(measure, "WORDS_KEPT", 5)
    measure.line_count(" ".join(f"word{i}" for i in range(50)), role, 100.0)
    assert len(advances.words) <= 5


def test_style_index_adds_a_style_as_python_docx_adds_it():
    ours, theirs = docx.Document(), docx.Document()
    StyleIndex(ours).add("Card High", WD_STYLE_TYPE.PARAGRAPH)
    theirs.styles.add_style("Card High", WD_STYLE_TYPE.PARAGRAPH)
    assert etree.tostring(ours.styles.element) == etree.tostring(theirs.styles.element)
    with pytest.raises(ValueError):
        StyleIndex(ours).add("Card High", WD_STYLE_TYPE.PARAGRAPH)
    with pytest.raises(ValueError):
        StyleIndex(ours).add("Heading 1", WD_STYLE_TYPE.PARAGRAPH)  # "heading 1" inside


def test_the_packaged_references_table_styles_come_back_byte_for_byte():
    original = DEFAULT_REFERENCE.read_bytes()
    aside = reference.set_aside(original)
    assert aside is not None and len(aside.kept) == 1
    with zipfile.ZipFile(io.BytesIO(original)) as z:
        styles = z.read("word/styles.xml")
    with zipfile.ZipFile(io.BytesIO(aside.package)) as z:
        light = z.read("word/styles.xml")
    assert serialize_part_xml(parse_xml(styles)) == styles  # the set-aside bytes are what python-docx writes
    tree = parse_xml(styles)
    assert sum(1 for s in tree if s.get(qn("w:type")) == "table") == 100
    assert len(light) < len(styles) / 5 and light.count(b'w:type="table"') == 1  # the default table style stays
    assert aside.restore("word/styles.xml", serialize_part_xml(parse_xml(light))) == styles
    assert aside.restore("word/document.xml", light) == light


def _with_styles(reference_docx: bytes, styles: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(reference_docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, styles if name == "word/styles.xml" else src.read(name))
    return out.getvalue()


def test_a_reference_without_table_styles_or_not_as_python_docx_writes_it_is_opened_as_it_is():
    original = DEFAULT_REFERENCE.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as z:
        styles = z.read("word/styles.xml")
    tree = parse_xml(styles)
    for table_style in [s for s in tree if s.get(qn("w:type")) == "table" and s.get(qn("w:default")) is None]:
        tree.remove(table_style)
    for styles_xml in (
        serialize_part_xml(tree),  # none to set aside
        styles.replace(b"</w:styles>", f"<!--{reference.MARK}--></w:styles>".encode()),  # the mark
        styles.replace(b"<w:docDefaults>", b"<w:docDefaults>\n  "),  # blank text python-docx drops
        styles.replace(b'w:type="table" w:styleId="TableGrid">', b'w:type="table" w:styleId="TableGrid">\n'),
    ):
        assert styles_xml != styles
        assert reference.set_aside(_with_styles(original, styles_xml)) is None
    assert reference.set_aside(_with_styles(original, styles)) is not None


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_docx_opened_with_the_table_styles_set_aside_is_the_docx_opened_whole(monkeypatch, tmp_path, language):
    from briefgen.audience import load_audiences, search_path
    from briefgen.bibliography import load_bibliography
    from briefgen.build import build
    from briefgen.loader import load_brief

    root = Path(__file__).resolve().parent.parent
    brief_file = tmp_path / "brief.yaml"
    text = (root / "briefs" / "kazakhstan-osce-2010.yaml").read_text(encoding="utf-8")
    assert "\nlanguage: en\n" in text
    brief_file.write_text(text.replace("\nlanguage: en\n", f"\nlanguage: {language}\n"), encoding="utf-8")
    roots = search_path(root / "templates")
    refs = load_bibliography(root / "references.bib")
    brief, audiences = load_brief(brief_file, keys=refs), load_audiences(None, roots)

    def made(opener) -> dict[str, bytes]:
        monkeypatch.setattr(docx_writer, "_packaged_reference", opener)
        return {o.relative_path.name: o.data for o in build(brief, audiences, ["docx"], roots, refs)}

    whole = made(lambda: (str(DEFAULT_REFERENCE), None))
    set_aside = reference.Opener(DEFAULT_REFERENCE)
    assert set_aside()[1] is not None
    assert made(set_aside) == whole and len(whole) == 4


@pytest.mark.parametrize("text", ["words", " leading", "trailing ", "  ", "a\u00a0b"])
def test_elements_and_text_are_made_as_python_docx_makes_them(text):
    ours, theirs = ooxml.element("w:r"), OxmlElement("w:r")
    assert type(ours) is type(theirs) and ours.nsmap == theirs.nsmap
    ooxml.add_text(ours, text)
    theirs.add_t(text)
    assert etree.tostring(ours) == etree.tostring(theirs)
    assert type(ours[0]) is type(theirs[0])
