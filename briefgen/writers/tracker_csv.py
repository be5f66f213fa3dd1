"""The tracker as CSV for other trackers and spreadsheets: RFC 4180 (the csv module), UTF-8 with a BOM.

The BOM is for Excel, which reads a CSV without one in the system's legacy code page (a
Russian brief's headers would come out as mojibake); LibreOffice, Google Sheets, pandas
(encoding="utf-8-sig") and Python's csv module take it in their stride. Headers and the
status and priority in the brief's language, as the XLSX has them; dates as YYYY-MM-DD;
lines end with CRLF, as RFC 4180 has them.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from ..tracker import Tracker
from . import Artifact

MEDIA_TYPE = "text/csv"


def write(sheet: Tracker) -> Artifact:
    out = io.StringIO(newline="")
    rows = csv.writer(out, lineterminator="\r\n")
    rows.writerow(sheet.headers)
    for row in sheet.rows:
        rows.writerow([_text(value) for value in sheet.cells(row)])
    return Artifact(("\ufeff" + out.getvalue()).encode("utf-8"), MEDIA_TYPE)


def _text(value: str | date | None) -> str:
    return value.isoformat() if isinstance(value, date) else value or ""
