"""The pipeline as a whole: reproducible bytes, one model for both formats."""

from __future__ import annotations

import hashlib

import pytest

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
