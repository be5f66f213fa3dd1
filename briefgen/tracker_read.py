"""Reading a tracker back: a sheet a desk filled in, as rows of located cells (issue 27, item 4).

The XLSX (as briefgen wrote it, or as Excel or LibreOffice Calc saved it), the CSV and the
JSON are read alike: the columns found by their header words in any language briefgen words
(or their keys), each value with where it sits (`Sheet!G7`, `recommendations[3].status`), so
app/track.py can name the cell of anything wrong. What the file itself gets wrong (a merged
cell, an empty row among the rows, a missing column) is a problem found here.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BriefgenError, Problem, display_path
from .inputs import InputRefused, read_input
from .tracker import KEYS, SCHEMA, header_keys

MAX_SHEET_BYTES = 20_000_000  # a tracker of thousands of recommendations is a few hundred KB
MAX_UNPACKED_BYTES = 200_000_000
REQUIRED = ("id", "status", "date")
META_SHEET = "briefgen"  # writers/tracker_xlsx.py's hidden sheet


@dataclass(frozen=True)
class Cell:
    where: str  # `Sheet!G7`, `G7` (CSV) or `recommendations[3].date` (JSON)
    value: Any  # as the file holds it: str, a date or datetime (XLSX), a number, None


@dataclass(frozen=True)
class SheetRow:
    where: str  # the row, for a problem of the whole row
    cells: dict[str, Cell]  # column key -> its cell

    def value(self, key: str) -> Any:
        found = self.cells.get(key)
        return found.value if found else None

    def at(self, key: str) -> str:
        found = self.cells.get(key)
        return found.where if found else self.where


@dataclass(frozen=True)
class Sheet:
    file: str  # as messages name it
    rows: tuple[SheetRow, ...]
    typed: bool  # cells carry types (XLSX, JSON): a date written as text is an error, not read
    language: str = ""  # the language the sheet was written in, when it says (XLSX's hidden sheet, JSON)
    brief: str = ""  # the brief it was written for, when it says
    problems: tuple[Problem, ...] = field(default=())


def read_sheet(path: Path) -> Sheet:
    """A tracker file by its extension: .xlsx, .csv or .json. BriefgenError if it cannot be read at all."""
    file = display_path(path)
    try:
        data = read_input(path, MAX_SHEET_BYTES)
    except FileNotFoundError:
        raise BriefgenError(Problem(file, None, None, "", "no such file")) from None
    except InputRefused as refused:
        raise BriefgenError(Problem(file, None, None, "", str(refused))) from None
    suffix = path.suffix.lower()
    readers = {".xlsx": _read_xlsx, ".csv": _read_csv, ".json": _read_json}
    if suffix not in readers:
        raise BriefgenError(Problem(file, None, None, "", "a tracker is a .xlsx, .csv or .json file"))
    return readers[suffix](data, file)


def _problem(file: str, where: str, message: str) -> Problem:
    return Problem(file, None, None, where, message)


def _columns(headers: list[Any], where: list[str], file: str, sheet_where: str) -> tuple[dict[int, str], list[Problem]]:
    """Column index -> key, from the header words; a required column missing, or one twice, is a problem."""
    known = header_keys()
    found: dict[int, str] = {}
    problems = []
    for index, header in enumerate(headers):
        key = known.get(str(header).strip().casefold()) if header is not None else None
        if key is None:
            continue
        if key in found.values():
            problems.append(_problem(file, where[index], f"a second '{key}' column"))
            continue
        found[index] = key
    for key in REQUIRED:
        if key not in found.values():
            problems.append(_problem(file, sheet_where, f"no '{key}' column in the header row"))
    return found, problems


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows(
    cells: list[list[Cell]], columns: dict[int, str], file: str, row_where: list[str]
) -> tuple[list[SheetRow], list[Problem]]:
    """The rows under the header, keyed; an empty row followed by more rows is a problem.

    Without the columns import needs, no row can be read: the missing column is the problem.
    """
    if not set(REQUIRED) <= set(columns.values()):
        return [], []
    rows, problems, empty = [], [], None
    for index, row in enumerate(cells):
        if all(_blank(c.value) for c in row):
            empty = empty or row_where[index]
            continue
        if empty:
            problems.append(_problem(file, empty, "an empty row among the rows: delete it, or fill it in"))
            empty = None
        rows.append(SheetRow(row_where[index], {key: row[i] for i, key in columns.items() if i < len(row)}))
    return rows, problems


def _read_xlsx(data: bytes, file: str) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
        if unpacked > MAX_UNPACKED_BYTES:  # a zip bomb is refused before openpyxl unpacks it
            raise BriefgenError(_problem(file, "", f"unpacks to {unpacked:,} bytes; a tracker is far smaller"))
        book = load_workbook(io.BytesIO(data), data_only=True)
    except BriefgenError:
        raise
    except Exception as err:  # zipfile.BadZipFile, KeyError, InvalidFileException: not a workbook
        raise BriefgenError(_problem(file, "", f"not an Excel workbook ({type(err).__name__})")) from None
    meta = _meta(book[META_SHEET]) if META_SHEET in book.sheetnames else {}
    ws = next(w for w in book.worksheets if w.title != META_SHEET) if len(book.worksheets) > 1 else book.worksheets[0]
    title = ws.title
    problems = [
        _problem(file, f"{title}!{merged.coord}", "merged cells: a tracker needs one value a cell; unmerge them")
        for merged in ws.merged_cells.ranges
    ]
    grid = [list(r) for r in ws.iter_rows(min_row=1, max_row=max(ws.max_row, 1), values_only=True)]
    width = max((len(r) for r in grid), default=0)
    where = [f"{title}!{get_column_letter(i + 1)}1" for i in range(width)]
    columns, found = _columns(list(grid[0]) if grid else [], where, file, f"{title}!1")
    cells = [
        [Cell(f"{title}!{get_column_letter(c + 1)}{r + 2}", v) for c, v in enumerate(row)]
        for r, row in enumerate(grid[1:])
    ]
    rows, row_problems = _rows(cells, columns, file, [f"{title}!{r + 2}:{r + 2}" for r in range(len(cells))])
    return Sheet(
        file,
        tuple(rows),
        typed=True,
        language=str(meta.get("language") or ""),
        brief=str(meta.get("brief") or ""),
        problems=tuple(problems + found + row_problems),
    )


def _meta(ws) -> dict[str, Any]:
    """The hidden sheet's `name | value` rows, when it says it is briefgen's tracker."""
    pairs = {str(r[0]): r[1] for r in ws.iter_rows(max_col=2, values_only=True) if r and r[0] is not None}
    return pairs if pairs.get("schema") == SCHEMA else {}


def _read_csv(data: bytes, file: str) -> Sheet:
    from openpyxl.utils import get_column_letter

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BriefgenError(_problem(file, "", f"not UTF-8 text ({e.reason} at byte {e.start})")) from None
    grid = list(csv.reader(io.StringIO(text, newline="")))
    width = max((len(r) for r in grid), default=0)
    where = [f"{get_column_letter(i + 1)}1" for i in range(width)]
    columns, problems = _columns(grid[0] if grid else [], where, file, "row 1")
    cells = [
        [Cell(f"{get_column_letter(c + 1)}{r + 2}", v) for c, v in enumerate(row)] for r, row in enumerate(grid[1:])
    ]
    rows, row_problems = _rows(cells, columns, file, [f"row {r + 2}" for r in range(len(cells))])
    return Sheet(file, tuple(rows), typed=False, problems=tuple(problems + row_problems))


def _read_json(data: bytes, file: str) -> Sheet:
    try:
        body = json.loads(data)
    except ValueError as err:
        raise BriefgenError(_problem(file, "", f"not JSON ({err})")) from None
    if not isinstance(body, dict) or body.get("schema") != SCHEMA or not isinstance(body.get("recommendations"), list):
        raise BriefgenError(_problem(file, "", f'not a briefgen tracker ("schema": "{SCHEMA}", "recommendations")'))
    rows = []
    for index, item in enumerate(body["recommendations"]):
        where = f"recommendations[{index}]"
        item = item if isinstance(item, dict) else {}
        rows.append(SheetRow(where, {k: Cell(f"{where}.{k}", item.get(k)) for k in KEYS if k in item}))
    return Sheet(
        file, tuple(rows), typed=False, language=str(body.get("language") or ""), brief=str(body.get("brief") or "")
    )
