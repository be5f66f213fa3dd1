"""Issue 27, item 4: the tracker sheet, both ways: `build -f xlsx/csv/json`, and `track import`."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.loader import load_brief
from briefgen.tracker import KEYS, header_keys, header_words, tracker
from briefgen.writers import FORMATS, data_writer

from conftest import ROOT, SAMPLE, require_program
from helpers_briefs import REFERENCES_BIB, write_brief

# A small brief with what a desk's brief has: comments, a flow-style history entry, Markdown in a title.
BRIEF = """\
# Follow-up desk: keep this comment
title: Water, borders and the OSCE
date: 2010-01-15  # the brief's date
summary: Astana can make a difference here [@doe2020].
recommendations:
  - group: Regional security
    items:
      - id: R1
        title: Open a **regional** water dialogue
        priority: high
        actors: [OSCE Chairmanship, "Central Asian governments"]
        timeframe: 2010
        status:
          - {date: 2010-06-30, status: partially, note: "A forum met once [@doe2020].", by: OSCE desk}
      # R2 was added late
      - id: R2
        title: Publish border incident data
        priority: low
"""
EN_HEADERS = ["ID", "Group", "Recommendation", "Priority", "Responsible", "Timeframe", "Status", "Date", "Note",
              "Reported by"]  # fmt: skip
EN_STATUSES = "Fully implemented,Mostly implemented,Partially implemented,Not implemented,No longer relevant"


@pytest.fixture
def desk(tmp_path, monkeypatch) -> Path:
    """A folder with the brief and its bibliography; the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "references.bib").write_text(REFERENCES_BIB, encoding="utf-8")
    return write_brief(tmp_path, BRIEF)


def _sheet(path: Path, fmt: str = "xlsx") -> bytes:
    return data_writer(fmt)(tracker(load_brief(path))).data


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


# ---------------------------------------------------------------- export


def test_the_xlsx_holds_a_row_per_recommendation_under_a_frozen_filtered_header(desk):
    book = openpyxl.load_workbook(io.BytesIO(_sheet(desk)))
    ws = book.worksheets[0]
    assert ws.title == "brief" and book.sheetnames == ["brief", "briefgen"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows == [
        EN_HEADERS,
        ["R1", "Regional security", "Open a regional water dialogue", "High",
         "OSCE Chairmanship; Central Asian governments", "2010", "Partially implemented", datetime(2010, 6, 30),
         "A forum met once [@doe2020].", "OSCE desk"],
        ["R2", "Regional security", "Publish border incident data", "Low", None, None, None, None, None, None],
    ]  # fmt: skip
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:J3"
    assert ws["H2"].is_date and ws["H2"].number_format == "yyyy-mm-dd"
    assert ws["H3"].number_format == "yyyy-mm-dd"  # a date the desk types shows as one
    assert book["briefgen"].sheet_state == "hidden"


def test_the_status_column_offers_the_brief_s_statuses_in_its_words_and_colours_them(desk):
    ws = openpyxl.load_workbook(io.BytesIO(_sheet(desk))).worksheets[0]
    rule, dates = ws.data_validations.dataValidation
    assert rule.type == "list" and rule.formula1 == f'"{EN_STATUSES}"' and str(rule.sqref) == "G2:G3"
    assert (dates.type, dates.operator, dates.formula1) == ("date", "greaterThanOrEqual", "DATE(2010,1,15)")
    assert str(dates.sqref) == "H2:H3" and dates.showErrorMessage  # no text in a date cell, none before the brief
    fills = {r.formula[0]: r.dxf.fill.bgColor.rgb for r in ws.conditional_formatting["G2:G3"]}
    assert fills['"Fully implemented"'] == "00BBD6C3" and len(fills) == 5  # #1B7837, 70 % lighter
    assert ws["D2"].fill.fgColor.rgb == "00EED6D4"  # high priority: the house's #A93226, 80 % lighter
    assert ws["A1"].fill.fgColor.rgb == "00EAF1F8" and ws["A1"].font.b  # the header: the house's box fill


def test_column_widths_fit_the_text_and_long_text_wraps(desk):
    ws = openpyxl.load_workbook(io.BytesIO(_sheet(desk))).worksheets[0]
    width = {c: ws.column_dimensions[c].width for c in "ABCEGHI"}
    assert width["C"] == len("Open a regional water dialogue") + 2
    assert width["E"] == len("OSCE Chairmanship; Central Asian governments") + 2
    assert width["G"] == len("Partially implemented") + 2  # the longest status word
    assert width["A"] == 8 + 2 and width["H"] == 12 + 2 and width["I"] == 40 + 2  # room for a date and a note
    assert ws["C2"].alignment.wrap_text and ws["I2"].alignment.wrap_text and not ws["A2"].alignment.wrap_text


def test_a_long_title_wraps_in_a_capped_column_with_a_row_tall_enough(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    long_title = "Open a regional water dialogue " * 6
    path = write_brief(tmp_path, BRIEF.replace("Open a **regional** water dialogue", long_title.strip()))
    ws = openpyxl.load_workbook(io.BytesIO(_sheet(path))).worksheets[0]
    assert ws.column_dimensions["C"].width == 60
    assert ws.row_dimensions[2].height == 15 * 4 + 3 and ws.row_dimensions[3].height == 15 + 3


def test_the_xlsx_bytes_are_the_brief_s_date_not_the_clock(desk):
    data = _sheet(desk)
    assert _sheet(desk) == data
    package = zipfile.ZipFile(io.BytesIO(data))
    assert {i.date_time for i in package.infolist()} == {(2010, 1, 15, 12, 0, 0)}
    core = package.read("docProps/core.xml").decode()
    assert core.count("2010-01-15T12:00:00Z") == 2  # created and modified
    props = openpyxl.load_workbook(io.BytesIO(data)).properties
    assert (props.title, props.language, props.creator) == ("Water, borders and the OSCE", "en", "briefgen")


def test_a_status_word_with_a_comma_is_listed_from_the_hidden_sheet(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    own = 'statuses:\n  - {name: accepted, colour: "#1B7837"}\n  - {name: "noted, not accepted", colour: "#B2182B"}\n'
    text = BRIEF.replace("summary:", own + "summary:").replace("status: partially", "status: accepted")
    book = openpyxl.load_workbook(io.BytesIO(_sheet(write_brief(tmp_path, text))))
    rule = book.worksheets[0].data_validations.dataValidation[0]
    assert rule.formula1 == "'briefgen'!$B$6:$B$7"
    assert [c.value for c in book["briefgen"]["B"][5:7]] == ["accepted", "noted, not accepted"]


def test_the_csv_is_rfc_4180_utf8_with_a_bom_in_the_brief_s_words(desk):
    data = _sheet(desk, "csv")
    assert data.startswith(b"\xef\xbb\xbfID,Group,") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == EN_HEADERS
    assert rows[1] == ["R1", "Regional security", "Open a regional water dialogue", "High",
                       "OSCE Chairmanship; Central Asian governments", "2010", "Partially implemented", "2010-06-30",
                       "A forum met once [@doe2020].", "OSCE desk"]  # fmt: skip
    assert rows[2] == ["R2", "Regional security", "Publish border incident data", "Low", "", "", "", "", "", ""]


def test_the_json_has_a_schema_a_version_and_statuses_by_name(desk):
    body = json.loads(_sheet(desk, "json"))
    assert (body["schema"], body["version"], body["brief"], body["language"]) == ("briefgen-tracker", 1, "brief", "en")
    assert body["statuses"][3] == {"name": "not implemented", "label": "Not implemented", "colour": "#B2182B"}
    r1, r2 = body["recommendations"]
    assert r1 == {
        "id": "R1", "group": "Regional security", "title": "Open a regional water dialogue", "priority": "high",
        "actors": ["OSCE Chairmanship", "Central Asian governments"], "timeframe": "2010", "status": "partially",
        "date": "2010-06-30", "note": "A forum met once [@doe2020].", "by": "OSCE desk",
    }  # fmt: skip
    assert r2["status"] is None and r2["date"] is None and list(r2) == list(KEYS)


def test_every_language_words_every_column_and_no_word_means_two_columns():
    for language in ("en", "fr", "de", "it", "ru", "es", "kk", "uz"):
        words = header_words(language)
        assert len(set(words)) == len(KEYS) and all(words), language
        assert [header_keys()[w.casefold()] for w in words] == list(KEYS), language


def test_build_writes_one_tracker_per_brief_and_one_per_translation_in_its_language(tmp_path):
    out = tmp_path / "out"
    result = _run("build", str(SAMPLE), "-a", "press", "-a", "policymaker", "-f", "xlsx", "-f", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert made == [
        "kazakhstan-osce-2010.ru/kazakhstan-osce-2010.ru_tracker.csv",
        "kazakhstan-osce-2010.ru/kazakhstan-osce-2010.ru_tracker.xlsx",
        "kazakhstan-osce-2010.ru/manifest.json",
        "kazakhstan-osce-2010/kazakhstan-osce-2010_tracker.csv",
        "kazakhstan-osce-2010/kazakhstan-osce-2010_tracker.xlsx",
        "kazakhstan-osce-2010/manifest.json",
    ]
    ru = openpyxl.load_workbook(out / "kazakhstan-osce-2010.ru/kazakhstan-osce-2010.ru_tracker.xlsx").worksheets[0]
    assert [c.value for c in ru[1]][:3] == ["ID", "Группа", "Рекомендация"] and ru["B2"].value == "Центральная Азия"
    assert ru.data_validations.dataValidation[0].formula1.startswith('"Выполнена полностью,')
    manifest = json.loads((out / "kazakhstan-osce-2010/manifest.json").read_text("utf-8"))
    [entry] = [e for e in manifest["outputs"] if e["format"] == "xlsx"]
    assert entry["audience"] is None and entry["media_type"] == FORMATS["xlsx"].media_type
    again = _run("-v", "build", str(SAMPLE), "-a", "press", "-f", "xlsx", "-f", "csv", "-o", str(out))
    assert again.exit_code == 0 and again.output.count("(unchanged)") == 4, again.output


def test_a_changed_history_rebuilds_the_tracker_and_nothing_else(desk):
    assert _run("build", str(desk), "-a", "press", "-f", "txt", "-f", "json", "-o", "out").exit_code == 0
    desk.write_text(desk.read_text("utf-8").replace("A forum met once", "A forum met twice"), encoding="utf-8")
    result = _run("-v", "build", str(desk), "-a", "press", "-f", "txt", "-f", "json", "-o", "out")
    assert "brief_press.txt (unchanged)" in result.output and "brief_tracker.json (" in result.output
    assert "(unchanged)" not in result.output.split("brief_tracker.json")[1].splitlines()[0]
    assert json.loads(Path("out/brief/brief_tracker.json").read_text("utf-8"))["recommendations"][0]["note"] == (
        "A forum met twice [@doe2020]."
    )


# ---------------------------------------------------------------- import

IMPORTED = BRIEF.replace(
    '          - {date: 2010-06-30, status: partially, note: "A forum met once [@doe2020].", by: OSCE desk}\n',
    '          - {date: 2010-06-30, status: partially, note: "A forum met once [@doe2020].", by: OSCE desk}\n'
    "          - {date: 2010-11-30, status: mostly, note: 'Met monthly since: September', by: OSCE desk}\n",
).replace(
    "        priority: low\n",
    "        priority: low\n"
    "        status:\n"
    "          - date: 2010-12-01\n"
    "            status: not implemented\n"
    "            by: Field office\n",
)


def _edited(desk: Path) -> Path:
    """The tracker as a desk leaves it: a status picked from the list (in words), one typed by name, dates as dates."""
    book = openpyxl.load_workbook(io.BytesIO(_sheet(desk)))
    ws = book.worksheets[0]
    ws["G2"], ws["H2"], ws["I2"] = "Mostly implemented", date(2010, 11, 30), "Met monthly since: September"
    ws["G3"], ws["H3"], ws["J3"] = "not implemented", datetime(2010, 12, 1), "Field office"
    sheet = desk.parent / "tracker.xlsx"
    book.save(sheet)
    return sheet


def test_import_adds_only_the_new_entries_keeping_comments_and_a_second_import_adds_nothing(desk):
    sheet = _edited(desk)
    result = _run("track", "import", str(sheet), str(desk))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "brief.yaml: R1: added 2010-11-30 mostly: Met monthly since: September",
        "brief.yaml: R2: added 2010-12-01 not implemented",
    ]
    assert desk.read_text("utf-8") == IMPORTED  # the whole file: nothing but the two entries changed
    assert [u.status for u in load_brief(desk).recommendations[0].history] == ["partially", "mostly"]
    again = _run("track", "import", str(sheet), str(desk))
    assert again.exit_code == 0 and again.output == "brief.yaml: nothing to add from tracker.xlsx\n"
    assert desk.read_text("utf-8") == IMPORTED


def test_a_fresh_export_of_the_imported_brief_imports_nothing(desk):
    _run("track", "import", str(_edited(desk)), str(desk))
    fresh = desk.parent / "fresh.xlsx"
    fresh.write_bytes(_sheet(desk))
    assert _run("track", "import", str(fresh), str(desk)).output == "brief.yaml: nothing to add from fresh.xlsx\n"


def test_dry_run_says_what_it_would_add_and_changes_nothing(desk):
    result = _run("track", "import", str(_edited(desk)), str(desk), "--dry-run")
    assert result.exit_code == 0 and "brief.yaml: R2: would add 2010-12-01 not implemented" in result.output
    assert desk.read_text("utf-8") == BRIEF


def test_the_csv_and_the_json_import_as_the_xlsx_does(desk):
    rows = list(csv.reader(io.StringIO(_sheet(desk, "csv").decode("utf-8-sig"), newline="")))
    rows[1][6:9] = ["Mostly implemented", "2010-11-30", "Met monthly since: September"]
    rows[2][6:10] = ["Not implemented", "2010-12-01", "", "Field office"]
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    (desk.parent / "tracker.csv").write_text(text.getvalue(), encoding="utf-8")  # saved without the BOM
    assert _run("track", "import", "tracker.csv", str(desk)).exit_code == 0
    assert desk.read_text("utf-8") == IMPORTED
    desk.write_text(BRIEF, encoding="utf-8")
    body = json.loads(_sheet(desk, "json"))
    body["recommendations"][0].update(status="mostly", date="2010-11-30", note="Met monthly since: September")
    body["recommendations"][1].update(status="not implemented", date="2010-12-01", by="Field office")
    (desk.parent / "tracker.json").write_text(json.dumps(body), encoding="utf-8")
    assert _run("track", "import", "tracker.json", str(desk)).exit_code == 0
    assert desk.read_text("utf-8") == IMPORTED


@pytest.mark.slow
def test_a_sheet_saved_by_libreoffice_calc_imports_the_same(desk, tmp_path):
    soffice = require_program("soffice")
    sheet = _edited(desk)
    saved = tmp_path / "calc"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--convert-to", "xlsx",
         "--outdir", str(saved), str(sheet)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    if not (saved / "tracker.xlsx").is_file():
        message = "LibreOffice has no Calc (libreoffice-calc-nogui)"
        pytest.fail(message) if os.environ.get("CI", "").lower() == "true" else pytest.skip(message)
    assert (saved / "tracker.xlsx").read_bytes() != sheet.read_bytes()  # Calc's own file, not ours
    result = _run("track", "import", str(saved / "tracker.xlsx"), str(desk))
    assert result.exit_code == 0, result.output
    assert desk.read_text("utf-8") == IMPORTED


def test_a_russian_sheet_imports_its_words_into_the_brief(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "references.bib", tmp_path)
    brief = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, brief)
    shutil.copy(SAMPLE.with_suffix(".ru.yaml"), tmp_path)
    assert _run("build", str(brief), "-l", "ru", "-f", "xlsx", "-o", "out").exit_code == 0
    path = Path("out/kazakhstan-osce-2010.ru/kazakhstan-osce-2010.ru_tracker.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    ws["G2"], ws["H2"], ws["I2"] = "Выполнена частично", date(2010, 9, 1), "Форум собирался один раз."
    book.save("ru.xlsx")
    before = brief.read_text("utf-8")
    result = _run("track", "import", "ru.xlsx", str(brief))
    assert result.exit_code == 0, result.output
    added = "        status:\n          - date: 2010-09-01\n            status: partially\n"
    assert brief.read_text("utf-8").replace(added + "            note: Форум собирался один раз.\n", "") == before


# ---------------------------------------------------------------- bad sheets


def test_every_problem_of_a_bad_sheet_is_named_at_its_cell_and_the_brief_is_untouched(desk):
    book = openpyxl.load_workbook(io.BytesIO(_sheet(desk)))
    ws = book.worksheets[0]
    ws["G2"], ws["H2"] = "done", date(2010, 11, 30)  # a status not in the list
    ws["G3"], ws["H3"] = "Fully implemented", "2010-12-01"  # a date typed as text
    ws.append(["R9", None, None, None, None, None, "Fully implemented", date(2011, 1, 1)])  # an unknown id
    ws.append([])  # an empty row among the rows
    ws.append(["R2", None, None, None, None, None, "fully", date(2999, 1, 1)])  # again, and in the future
    ws.append(["R1", None, None, None, None, None, "fully"])  # a changed status without a date
    ws.merge_cells("B2:C2")
    book.save(desk.parent / "bad.xlsx")
    result = _run("track", "import", "bad.xlsx", str(desk))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "bad.xlsx: brief!B2:C2: merged cells: a tracker needs one value a cell; unmerge them",
        "bad.xlsx: brief!5:5: an empty row among the rows: delete it, or fill it in",
        "bad.xlsx: brief!G2: status 'done' is not one of: fully, mostly, partially, not implemented, "
        "no longer relevant",
        "bad.xlsx: brief!H3: '2010-12-01' is text, not a date: enter it as a date (yyyy-mm-dd)",
        "bad.xlsx: brief!A4: no recommendation 'R9' in brief.yaml",
        "bad.xlsx: brief!A6: R2 is also the row at brief!3:3",
        "bad.xlsx: brief!A7: R1 is also the row at brief!2:2",
    ]
    assert desk.read_text("utf-8") == BRIEF


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"G3": "fully", "H3": date(2999, 1, 1)}, "brief!H3: 2999-01-01 is in the future"),
        ({"G3": "fully", "H3": date(2009, 1, 1)}, "brief!H3: 2009-01-01 is before the brief's date (2010-01-15)"),
        ({"G2": "fully", "H2": date(2010, 3, 1)}, "brief!H2: 2010-03-01 is before the latest entry's date"),
        ({"G3": "fully"}, "brief!H3: the status is now 'fully': give the date it was assessed"),
        ({"G2": None}, "brief!G2: empty, but the brief's latest status is 'partially' (2010-06-30): import only adds"),
        ({"I3": "A note"}, "brief!G3: a date or a note without a status"),
        ({"G3": "fully", "H3": 40000}, "brief!H3: '40000' is a number, not a date"),
    ],
)
def test_a_bad_row_is_an_error_at_its_cell(desk, cells, message):
    book = openpyxl.load_workbook(io.BytesIO(_sheet(desk)))
    for cell, value in cells.items():
        book.worksheets[0][cell] = value
        if isinstance(value, int):  # a number a date column does not show as a date
            book.worksheets[0][cell].number_format = "General"
    book.save(desk.parent / "bad.xlsx")
    result = _run("track", "import", "bad.xlsx", str(desk))
    assert result.exit_code == 1 and result.output.startswith(f"bad.xlsx: {message}"), result.output
    assert desk.read_text("utf-8") == BRIEF


def test_a_sheet_without_an_id_column_or_of_another_brief_is_refused(desk):
    book = openpyxl.load_workbook(io.BytesIO(_sheet(desk)))
    book.worksheets[0]["A1"] = "Number"
    book["briefgen"]["B3"] = "another-brief"
    book.save(desk.parent / "bad.xlsx")
    result = _run("track", "import", "bad.xlsx", str(desk))
    assert result.output.splitlines() == [
        "bad.xlsx: brief!1: no 'id' column in the header row",
        "bad.xlsx: the tracker of 'another-brief', not of 'brief'",
    ]
    assert result.exit_code == 1 and desk.read_text("utf-8") == BRIEF


def test_a_note_that_would_make_the_brief_fail_to_load_leaves_it_untouched(desk):
    book = openpyxl.load_workbook(io.BytesIO(_sheet(desk)))
    book.worksheets[0]["G3"], book.worksheets[0]["H3"] = "fully", date(2011, 1, 1)
    book.worksheets[0]["I3"] = "As [@nobody2011] reports."
    book.save(desk.parent / "cites.xlsx")
    result = _run("track", "import", "cites.xlsx", str(desk))
    assert result.exit_code == 1 and "nobody2011" in result.output
    assert result.output.splitlines()[-1] == "brief.yaml: not changed: it would not load after the import"
    assert desk.read_text("utf-8") == BRIEF
    assert [p.name for p in desk.parent.iterdir() if p.name.startswith(".")] == []  # no staged file left


def test_a_layout_the_round_trip_would_change_is_refused_not_rewritten(desk):
    odd = BRIEF.replace("title: Water", "title:    Water")
    desk.write_text(odd, encoding="utf-8")
    book = openpyxl.load_workbook(io.BytesIO(_sheet(desk)))
    book.worksheets[0]["G3"], book.worksheets[0]["H3"] = "fully", date(2011, 1, 1)
    book.save(desk.parent / "t.xlsx")
    result = _run("track", "import", "t.xlsx", str(desk))
    assert result.exit_code == 1 and "would not write this file back as it is" in result.output
    assert desk.read_text("utf-8") == odd


def test_a_translation_or_a_file_that_is_no_workbook_is_refused(desk):
    translation = desk.parent / "brief.ru.yaml"
    translation.write_text("language: ru\ntitle: Вода\n", encoding="utf-8")
    (desk.parent / "t.xlsx").write_bytes(_sheet(desk))
    result = _run("track", "import", "t.xlsx", "brief.ru.yaml")
    assert result.exit_code == 1
    assert result.output == "brief.ru.yaml: a translation; import into the brief it translates (brief.yaml)\n"
    (desk.parent / "not.xlsx").write_text("ID,Status\n", encoding="utf-8")
    result = _run("track", "import", "not.xlsx", str(desk))
    assert result.exit_code == 1 and result.output == "not.xlsx: not an Excel workbook (BadZipFile)\n"
    assert desk.read_text("utf-8") == BRIEF


def test_a_note_written_over_lines_in_a_cell_becomes_a_block_of_lines(desk):
    book = openpyxl.load_workbook(io.BytesIO(_sheet(desk)))
    ws = book.worksheets[0]
    ws["G3"], ws["H3"], ws["I3"] = "Fully implemented", date(2011, 1, 1), "Published in March.\r\nUpdated monthly."
    book.save(desk.parent / "t.xlsx")
    assert _run("track", "import", "t.xlsx", str(desk)).exit_code == 0
    added = desk.read_text("utf-8").removeprefix(BRIEF)
    assert added == (
        "        status:\n"
        "          - date: 2011-01-01\n"
        "            status: fully\n"
        "            note: |\n"
        "              Published in March.\n"
        "              Updated monthly.\n"
    )
    assert load_brief(desk).recommendations[1].status.note == "Published in March.\nUpdated monthly.\n"
