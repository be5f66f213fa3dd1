"""The pipeline as a whole: reproducible bytes, one model for both formats."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from briefgen.audience import search_path

from conftest import build_sample


def test_two_builds_give_byte_identical_files(sample_outputs):
    again = build_sample()
    assert sorted(again) == sorted(sample_outputs)
    for name, data in sample_outputs.items():
        assert hashlib.sha256(again[name]).hexdigest() == hashlib.sha256(data).hexdigest(), name


def test_source_date_epoch_sets_the_dates(monkeypatch: pytest.MonkeyPatch):
    import io

    import docx
    import pypdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1262304000")  # 2010-01-01
    outputs = build_sample()
    pdf = pypdf.PdfReader(io.BytesIO(outputs["kazakhstan-osce-2010_press.pdf"]))
    assert pdf.metadata["/CreationDate"].startswith("D:20100101")
    core = docx.Document(io.BytesIO(outputs["kazakhstan-osce-2010_press.docx"])).core_properties
    assert core.created.year == 2010 and core.created.month == 1 and core.created.day == 1


def test_the_sample_builds_eight_files(sample_outputs):
    assert sorted(sample_outputs) == sorted(
        f"kazakhstan-osce-2010_{a}.{f}"
        for a in ("academic", "policymaker", "practitioner", "press")
        for f in ("docx", "pdf")
    )


def test_control_characters_a_template_writes_never_reach_a_writer(tmp_path):
    import datetime as dt

    from briefgen.audience import load_audience
    from briefgen.brief import Brief, Group, Recommendation
    from briefgen.build import to_document
    from briefgen.model import plain_text

    folder = tmp_path / "lab"
    folder.mkdir()
    (folder / "style.yaml").write_text("extends: press\n", encoding="utf-8")
    (folder / "brief.md.j2").write_text("Before\x1b\x0b\x7fafter {{ brief.title }}\n", encoding="utf-8")
    roots = (tmp_path, *search_path())
    brief = Brief(
        id="b",
        title="T",
        date=dt.date(2010, 1, 1),
        source=Path("b.yaml"),
        groups=(Group("G", (Recommendation("R", "x", "high"),)),),
    )
    doc, _ = to_document(brief, load_audience("lab", roots), roots, {})
    assert plain_text(doc.blocks[0].children) == "Beforeafter T"
