"""The tracker as an Excel workbook a desk works in: one row per recommendation (openpyxl).

The header row is frozen and filtered; long text wraps in columns sized to it; the status
column offers the brief's statuses in the sheet's words as a drop-down, and colours each
cell by what it says (conditional formatting, so the colour follows the desk's edit); the
date column holds real dates (yyyy-mm-dd). A hidden sheet (`briefgen`) records the schema,
the brief and its language, and the statuses by name and word: `briefgen track import`
reads it back. The bytes are deterministic: the properties and zip entries carry the
brief's date (or SOURCE_DATE_EPOCH), never the clock.
"""

from __future__ import annotations

import io
import re
import textwrap
import time
import zipfile
from datetime import UTC, date, datetime

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..model import Metadata
from ..tracker import COLUMNS, SCHEMA, VERSION, Column, Tracker
from . import Artifact
from .common import release_epoch

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
META_SHEET = "briefgen"  # hidden: schema, brief, language, statuses
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = {True: 60, False: 24}  # characters: wide (wrapped) columns, others
MIN_WIDTH = 8
MIN_EDITED_WIDTH = {"date": 12, "note": 40, "by": 14}  # room for what a desk types
LINE_HEIGHT = 15  # points: one line of 11-point Calibri, the default font
LIST_LIMIT = 255  # Excel's limit on an inline drop-down list


def write(sheet: Tracker) -> Artifact:
    book = Workbook()
    main = book.active
    main.title = sheet_title(sheet)
    _fill(main, sheet)
    _statuses(main, sheet)
    _dates(main, sheet)
    _meta(book, sheet)
    epoch = release_epoch(Metadata(title=sheet.title, date=sheet.brief_date))
    stamp = datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)
    book.properties.title = sheet.title
    book.properties.language = sheet.language
    book.properties.creator = "briefgen"
    book.properties.identifier = sheet.brief_id
    book.properties.created = book.properties.modified = stamp
    raw = io.BytesIO()
    book.save(raw)
    return Artifact(_restamped(raw.getvalue(), epoch), MEDIA_TYPE)


def sheet_title(sheet: Tracker) -> str:
    """The brief's id: a sheet name holds 31 characters and none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", sheet.brief_id)[:31] or "tracker"


def _light(colour: str, keep: float = 0.3) -> str:
    """A colour mixed with white: a tint a cell's text stays readable on."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "".join(f"{round(255 - (255 - c) * keep):02X}" for c in rgb)


def _fill(ws, sheet: Tracker) -> None:
    ws.append(list(sheet.headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_light(sheet.header_fill, 1.0))
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in sheet.rows:
        ws.append(list(sheet.cells(row)))
    last = len(sheet.rows) + 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        for (cell,) in ws.iter_rows(min_row=2, max_row=last, min_col=index, max_col=index):
            cell.alignment = Alignment(vertical="top", wrap_text=column.wide)
            if column.key == "date":  # left, as the text beside it: a right-aligned date runs into the note
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(vertical="top", horizontal="left")
            if column.key == "priority":
                colour = sheet.priority_colour(sheet.rows[cell.row - 2].priority)
                if colour:
                    cell.fill = PatternFill("solid", fgColor=_light(colour, 0.2))
        ws.column_dimensions[letter].width = _width(ws, index, column, sheet)
    _heights(ws, sheet)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _width(ws, index: int, column: Column, sheet: Tracker) -> float:
    """Wide enough for the column's longest line (a status column's longest word; room to write a note),
    within bounds."""
    longest = max(MIN_WIDTH, MIN_EDITED_WIDTH.get(column.key, 0))
    if column.key == "status":
        longest = max(longest, *(len(s.word) for s in sheet.statuses))
    for (value,) in ws.iter_rows(min_col=index, max_col=index, values_only=True):
        longest = max(longest, *(len(line) for line in _text(value).splitlines() or [""]))
    return min(longest + 2, MAX_WIDTH[column.wide])


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _heights(ws, sheet: Tracker) -> None:
    """Each row as tall as its most wrapped cell: a spreadsheet does not measure wrapped rows on opening."""
    widths = [ws.column_dimensions[get_column_letter(i)].width for i in range(1, len(COLUMNS) + 1)]
    for row in ws.iter_rows(min_row=1, max_row=len(sheet.rows) + 1):
        lines = 1
        for cell, column, width in zip(row, COLUMNS, widths, strict=True):
            if column.wide or cell.row == 1:
                text = _text(cell.value)
                wrapped = sum(len(textwrap.wrap(p, max(int(width) - 2, 1))) or 1 for p in text.splitlines() or [""])
                lines = max(lines, wrapped)
        ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines + 3


def _statuses(ws, sheet: Tracker) -> None:
    """The status column's drop-down of the statuses' words, and a light fill per status."""
    column = get_column_letter(1 + [c.key for c in COLUMNS].index("status"))
    last = max(len(sheet.rows) + 1, 2)
    words = [s.word for s in sheet.statuses]
    inline = ",".join(words)
    if len(inline) <= LIST_LIMIT and not any("," in w or '"' in w for w in words):
        formula = f'"{inline}"'
    else:  # too long, or a word with a comma: the list from the hidden sheet
        formula = f"{quote_sheetname(META_SHEET)}!$B${_STATUS_ROW}:$B${_STATUS_ROW + len(words) - 1}"
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    rule.add(f"{column}2:{column}{last}")
    ws.add_data_validation(rule)
    for status in sheet.statuses:
        word = status.word.replace('"', '""')
        fill = PatternFill("solid", bgColor=_light(status.colour))
        ws.conditional_formatting.add(
            f"{column}2:{column}{last}", CellIsRule(operator="equal", formula=[f'"{word}"'], fill=fill)
        )


_STATUS_ROW = 6  # the hidden sheet's first status row: name in A, word in B


def _dates(ws, sheet: Tracker) -> None:
    """The date column takes dates from the brief's on: a spreadsheet refuses text typed there."""
    column = get_column_letter(1 + [c.key for c in COLUMNS].index("date"))
    start = sheet.brief_date
    rule = DataValidation(
        type="date",
        operator="greaterThanOrEqual",
        formula1=f"DATE({start.year},{start.month},{start.day})",
        allow_blank=True,
        showErrorMessage=True,
    )
    rule.add(f"{column}2:{column}{max(len(sheet.rows) + 1, 2)}")
    ws.add_data_validation(rule)


def _meta(book: Workbook, sheet: Tracker) -> None:
    """The hidden sheet import reads: what this is, which brief, which language, the statuses' words."""
    meta = book.create_sheet(META_SHEET)
    meta.append(["schema", SCHEMA])
    meta.append(["version", VERSION])
    meta.append(["brief", sheet.brief_id])
    meta.append(["language", sheet.language])
    meta.append(["columns", *(c.key for c in COLUMNS)])
    for status in sheet.statuses:
        meta.append([status.name, status.word])
    meta.sheet_state = "hidden"


def _restamped(package: bytes, epoch: int) -> bytes:
    """The package with every zip entry dated `epoch` (within zip's years) and core.xml's modified time fixed."""
    stamp = min(max(time.gmtime(epoch)[:6], (1980, 1, 1, 0, 0, 0)), (2107, 12, 31, 23, 59, 58))
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)).encode()
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl's save stamps the clock
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + when, data)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()
