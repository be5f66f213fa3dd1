"""The speed guard's verdict (bench/guard.py): its comparison is a pure function, tested without pandoc.

CI runs the guard itself after the tests; these pin what it decides from a set of ratios: more
than 20% above the record fails with one line naming the case, at or below passes, faster says
so and suggests --record, a case the record lacks is an error, and --record writes the file.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_guard", ROOT / "bench" / "guard.py")
guard = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules["bench_guard"] = guard
_spec.loader.exec_module(guard)  # type: ignore[union-attr]

RECORDED = {"practitioner PDF cold": 3.9, "x10 PDF": 2.0}


def test_a_ratio_more_than_20_percent_above_the_record_fails_with_one_line_naming_it():
    passed, lines = guard.compare({"practitioner PDF cold": 4.9, "x10 PDF": 2.0}, RECORDED)
    assert not passed
    assert lines[0] == "practitioner PDF cold: CPU ratio 4.90x, recorded 3.90x (+26% > 20%)"
    assert lines[1] == "x10 PDF: CPU ratio 2.00x, recorded 2.00x (+0%, within 20%)"


def test_a_ratio_up_to_20_percent_above_the_record_passes():
    passed, lines = guard.compare({"practitioner PDF cold": 3.9 * 1.19, "x10 PDF": 2.0 * 1.2}, RECORDED)
    assert passed
    assert all("within 20%" in line for line in lines)


def test_a_faster_ratio_passes_and_suggests_recording_it():
    passed, lines = guard.compare({"practitioner PDF cold": 3.0, "x10 PDF": 2.0}, RECORDED)
    assert passed
    assert lines[0] == (
        "practitioner PDF cold: CPU ratio 3.00x, recorded 3.90x (-23%: faster than recorded; "
        "python bench/guard.py --record keeps it)"
    )


def test_a_case_the_record_lacks_is_an_error_not_a_pass():
    with pytest.raises(guard.GuardError, match="no recorded ratio for all 8 outputs"):
        guard.compare({"practitioner PDF cold": 3.9, "all 8 outputs": 1.5}, RECORDED)


def test_only_the_cases_over_the_line_are_named_for_more_pairs():
    measured = {"practitioner PDF cold": 3.9 * 1.21, "x10 PDF": 2.0 * 1.19}
    assert guard.over_the_line(measured, RECORDED) == ["practitioner PDF cold"]


def test_the_checked_in_record_holds_every_case_the_guard_measures():
    assert set(guard.load_record(guard.RECORD)) == set(guard.CASES)


def test_an_unreadable_record_is_an_error_naming_the_file(tmp_path):
    broken = tmp_path / "guard.json"
    broken.write_text('{"cases": [1, 2]}', "utf-8")
    with pytest.raises(guard.GuardError, match=r"guard\.json: not a guard record"):
        guard.load_record(broken)
    with pytest.raises(guard.GuardError, match=r"no record: run python bench/guard\.py --record"):
        guard.load_record(tmp_path / "absent.json")


class FixedTimings:
    """A stand-in for the timed run, no pandoc: fixed per-pair ratios, and fixed ones for the confirming pairs."""

    def __init__(self, ratios, confirming=None):
        self.ratios, self.confirming, self.machine, self.asked = ratios, confirming or {}, "test machine", []

    def more(self, names, pairs):
        self.asked.append((names, pairs))
        for name in names:
            self.ratios[name] = self.ratios[name] + self.confirming[name]

    def describe(self):
        pass

    def stop(self):
        pass


def _use(monkeypatch, timings):
    monkeypatch.setattr(guard, "measure", lambda pairs, work: timings)
    return timings


def test_record_writes_the_median_ratios_the_pairs_and_where(tmp_path, monkeypatch):
    _use(monkeypatch, FixedTimings({"x10 PDF": [2.0, 2.4, 2.1]}))
    record = tmp_path / "guard.json"
    assert guard.main(["--record", "--pairs", "3", "--json", str(record)]) == 0
    data = json.loads(record.read_text("utf-8"))
    assert data["cases"] == {"x10 PDF": 2.1}
    assert data["per_pair"] == {"x10 PDF": [2.0, 2.4, 2.1]}
    assert data["recorded"]["machine"] == "test machine"
    assert data["recorded"]["pairs"] == 3


def _record(tmp_path, cases):
    record = tmp_path / "guard.json"
    record.write_text(json.dumps({"cases": cases}), "utf-8")
    return str(record)


def test_the_command_exits_1_and_prints_the_slower_case_when_more_pairs_confirm_it(tmp_path, monkeypatch, capsys):
    slower = {"practitioner PDF cold": [4.9, 4.8, 5.0]}
    timings = _use(monkeypatch, FixedTimings({"practitioner PDF cold": [4.9], "x10 PDF": [1.9]}, slower))
    assert guard.main(["--json", _record(tmp_path, RECORDED)]) == 1
    assert timings.asked == [(["practitioner PDF cold"], guard.CONFIRM_PAIRS)]
    out = capsys.readouterr().out
    assert "practitioner PDF cold: CPU ratio 4.90x, recorded 3.90x (+26% > 20%)" in out
    assert "x10 PDF: CPU ratio 1.90x, recorded 2.00x (-5%, within 20%)" in out


def test_a_case_the_confirming_pairs_bring_back_under_the_line_passes(tmp_path, monkeypatch, capsys):
    noise = {"x10 PDF": [2.0, 2.1, 1.9, 2.0]}
    timings = _use(monkeypatch, FixedTimings({"practitioner PDF cold": [3.9], "x10 PDF": [2.6]}, noise))
    assert guard.main(["--json", _record(tmp_path, RECORDED)]) == 0
    assert timings.asked == [(["x10 PDF"], guard.CONFIRM_PAIRS)]
    assert "x10 PDF: CPU ratio 2.00x, recorded 2.00x (+0%, within 20%)" in capsys.readouterr().out


def test_the_command_fails_when_the_record_lacks_a_case(tmp_path, monkeypatch, capsys):
    _use(monkeypatch, FixedTimings({"practitioner PDF cold": [3.9], "x10 PDF": [2.0]}))
    assert guard.main(["--json", _record(tmp_path, {"x10 PDF": 2.0})]) == 1
    assert "no recorded ratio for practitioner PDF cold" in capsys.readouterr().err
