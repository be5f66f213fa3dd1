"""Where a line may break and where it must not: ids in the overview, list numbers, labels and their values.

Each test builds a brief nobody tuned (two-part ids, two-digit lists) and reads the output as a
reader gets it: the PDF's text (pypdf), the DOCX's XML, the HTML's markup.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from briefgen.cli import cli

from helpers_briefs import REFERENCES_BIB


def _brief(groups: int = 2, items: int = 11) -> str:
    """Ids G10-1 ... G20-11 (six characters from the tenth on), long titles, every third one high."""
    lines = ["title: Water and borders", "date: 2010-01-15", "summary: Ministers met and agreed.", "recommendations:"]
    for g in range(1, groups + 1):
        lines += [f"  - group: Group {g}", "    items:"]
        for n in range(1, items + 1):
            lines += [
                f"      - id: G{g}0-{n}",
                f"        title: Open a regional water dialogue on the questions of shared rivers, number {n}",
                f"        priority: {'high' if n % 3 else 'low'}",
                "        timeframe: 2010–2011",
                f"        rationale: Because it matters. Here is why {n}.",
            ]
    return "\n".join(lines) + "\n"


pytestmark = pytest.mark.workspace(briefs={"ids.yaml": _brief()}, bib=REFERENCES_BIB)


def _build(*options: str) -> Path:
    result = CliRunner().invoke(cli, ["build", *options])
    assert result.exit_code == 0, result.output
    return Path("out") / "ids"


def _pdf_lines(path: Path) -> list[str]:
    return [line.strip() for page in pypdf.PdfReader(path).pages for line in page.extract_text().splitlines()]


# ---------------------------------------------------------------- ids never break


def test_the_overview_ids_never_break_in_the_pdf(workspace):
    lines = _pdf_lines(_build("-f", "pdf", "-a", "practitioner") / "ids_practitioner.pdf")
    assert {"G10-10", "G10-11", "G20-10", "G20-11"} <= set(lines)  # each id whole on its line of the table
    assert "0" not in lines and "1" not in lines  # no id's last digit on a line of its own


def test_the_overview_ids_never_break_in_the_html(workspace):
    html = (_build("-f", "html", "-a", "practitioner") / "ids_practitioner.html").read_text(encoding="utf-8")
    assert '<td style="white-space:nowrap">G10-10</td>' in html
    assert re.search(r"<td>Open a regional", html)  # a cell of many words still wraps
