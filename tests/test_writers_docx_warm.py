"""The DOCX writer's shortcuts past python-docx's searches give what python-docx gives."""

from __future__ import annotations

import io

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE

from briefgen.writers.docx import DEFAULT_REFERENCE, page
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
