"""The PDF/UA-1 check every PDF built by the test suite goes through (see conftest.py).

`pdfua` runs the machine-checkable subset of PDF/UA-1 and WCAG 2.1 (structure tree, marked
content, language, title, link descriptions, figure alternatives, table headers) on pikepdf.
A brief must pass it with no error and no warning: more than the pandoc -> Typst anchor,
which leaves two warnings. A rule that could not run is a finding too: silence is not a pass.
"""

from __future__ import annotations

import hashlib
import tempfile

from pdfua.model import Severity
from pdfua.validator import validate

CHECKED: dict[bytes, list[str]] = {}  # sha-256 of a PDF -> its findings: the same PDF is checked once per session


def pdfua_findings(data: bytes) -> list[str]:
    """Each error, warning or skipped rule as "RULE page N: message"."""
    key = hashlib.sha256(data).digest()
    if key not in CHECKED:
        CHECKED[key] = _validate(data)
    return CHECKED[key]


def _validate(data: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        report = validate(file.name)
    found = []
    for outcome in report.outcomes:
        if outcome.skipped_reason and not _known_pdfua_bug(outcome.rule_id, outcome.skipped_reason):
            found.append(f"{outcome.rule_id} not run: {outcome.skipped_reason}")
        for finding in outcome.findings:
            if finding.severity in (Severity.ERROR, Severity.WARNING):
                page = f" page {finding.location.page}" if finding.location and finding.location.page else ""
                found.append(f"{finding.rule_id}{page}: {finding.message}")
    return found


def _known_pdfua_bug(rule: str, reason: str) -> bool:
    """pdfua 0.1.3's empty-heading rule crashes on a heading whose /K is an array (text and a note
    reference, or text on two pages): its `as_integer` asks a pikepdf Array for `is_integer`, which
    raises ValueError. The Typst anchor's PDFs hit it too. test_writers_pdf_tags checks that no heading
    is empty itself."""
    return rule == "UA-14-001" and "ValueError" in reason and "not a Dictionary or Stream" in reason
