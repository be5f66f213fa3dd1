"""Output sets: written whole or not at all, with the temporary files of dead runs removed."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.errors import BriefgenError
from briefgen.output import ORPHAN_AGE_S, TEMP_PREFIX, remove_dead_temp_files, write_set

from helpers_briefs import MINIMAL_BRIEF, REFERENCES_BIB


def _dead_pid() -> int:
    """A process number no process has now."""
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_a_set_is_written_whole(tmp_path: Path) -> None:
    targets = write_set([(Path("b/a.txt"), b"one"), (Path("b/manifest.json"), b"{}")], tmp_path)
    assert [t.read_bytes() for t in targets] == [b"one", b"{}"]
    assert not list((tmp_path / "b").glob(TEMP_PREFIX + "*"))


def test_a_failure_part_way_leaves_every_earlier_file_as_it_was(tmp_path: Path) -> None:
    write_set([(Path("b/a.txt"), b"old a"), (Path("b/b.txt"), b"old b")], tmp_path)
    (tmp_path / "b" / "c.txt").mkdir()  # the third file cannot be written: a folder stands there
    with pytest.raises(BriefgenError, match=r"b/c.txt: exists and is not a file"):
        write_set([(Path("b/a.txt"), b"new a"), (Path("b/b.txt"), b"new b"), (Path("b/c.txt"), b"c")], tmp_path)
    assert (tmp_path / "b" / "a.txt").read_bytes() == b"old a"
    assert (tmp_path / "b" / "b.txt").read_bytes() == b"old b"
    assert not list((tmp_path / "b").glob(TEMP_PREFIX + "*"))


def test_a_folder_that_is_a_file_is_a_one_line_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("b").write_text("a file where the brief's folder goes", encoding="utf-8")
    with pytest.raises(BriefgenError) as err:
        write_set([(Path("b/a.txt"), b"a")], Path("."))
    assert str(err.value.format_message()).startswith("b/a.txt: ")
    assert "\n" not in err.value.format_message()


def test_temporary_files_of_dead_runs_go_and_those_of_live_runs_stay(tmp_path: Path) -> None:
    dead = tmp_path / f"{TEMP_PREFIX}{_dead_pid()}-x1.pdf"
    live = tmp_path / f"{TEMP_PREFIX}1-x2.pdf"  # process 1 is always alive
    own = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-x3.pdf"
    unknown_recent = tmp_path / f"{TEMP_PREFIX}x4.pdf"  # named by an older briefgen: no owner to ask
    unknown_old = tmp_path / f"{TEMP_PREFIX}x5.pdf"
    stale_live = tmp_path / f"{TEMP_PREFIX}1-x6.pdf"  # a day old: process 1 cannot still be writing it
    for path in (dead, live, own, unknown_recent, unknown_old, stale_live):
        path.write_bytes(b"partial")
    old = time.time() - ORPHAN_AGE_S - 60
    os.utime(unknown_old, (old, old))
    os.utime(stale_live, (old, old))
    (tmp_path / "brief.pdf").write_bytes(b"the user's")
    remove_dead_temp_files(tmp_path)
    kept = {p.name for p in (live, own, unknown_recent)} | {"brief.pdf"}
    assert {p.name for p in tmp_path.iterdir()} == kept


# ---------------------------------------------------------------- through the CLI


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefs").mkdir()
    (tmp_path / "references.bib").write_text(REFERENCES_BIB, encoding="utf-8")
    (tmp_path / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    return tmp_path


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), not the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_disk_that_fills_mid_build_leaves_the_previous_set_whole(workspace: Path) -> None:
    build = [sys.executable, "-m", "briefgen", "build", "briefs/b.yaml", "-a", "practitioner", "-f", "txt", "-f", "pdf"]
    subprocess.run(build, check=True, capture_output=True)
    folder = workspace / "out" / "b"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF.replace("Water,", "Rivers,"), encoding="utf-8")
    # The text file and the manifest fit in 20 KB, the PDF with its fonts does not: the disk is "full" at the PDF.
    result = subprocess.run(build, capture_output=True, text=True, preexec_fn=_limit_file_size(20_000))
    assert result.returncode == 1
    assert "out/b/b_practitioner.pdf: File too large; the earlier files were left as they were" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no new txt beside an old pdf
    assert "internal error" not in result.stderr


def test_one_brief_that_fails_does_not_stop_the_others(workspace: Path, monkeypatch) -> None:
    (workspace / "briefs" / "a.yaml").write_text(MINIMAL_BRIEF.replace("Water,", "Rivers,"), encoding="utf-8")
    Path("out").mkdir()
    Path("out/a").write_text("a file where brief a's folder goes", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "briefs/a.yaml", "briefs/b.yaml", "-a", "press", "-f", "txt"])
    assert result.exit_code == 1
    assert "out/a/a_press.txt: " in result.output
    assert (workspace / "out" / "b" / "b_press.txt").is_file()


def test_an_internal_error_in_one_brief_names_it_and_the_others_are_built(workspace: Path, monkeypatch) -> None:
    import briefgen.build

    real = briefgen.build.to_document

    def broken(brief, *args, **kwargs):
        if brief.id == "a":
            raise RuntimeError("a bug")
        return real(brief, *args, **kwargs)

    monkeypatch.setattr(briefgen.build, "to_document", broken)
    (workspace / "briefs" / "a.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "briefs/a.yaml", "briefs/b.yaml", "-a", "press", "-f", "txt"])
    assert result.exit_code == 1
    assert "briefs/a.yaml: internal error: RuntimeError: a bug (run with --debug for details)" in result.output
    assert (workspace / "out" / "b" / "b_press.txt").is_file()
