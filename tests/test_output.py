"""Output sets: written whole or not at all, with the temporary files of dead runs removed."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.errors import BriefgenError
from briefgen.output import (
    JOURNAL,
    ORPHAN_AGE_S,
    TEMP_PREFIX,
    finish_interrupted,
    remove_dead_temp_files,
    write_set,
)

from helpers_briefs import MINIMAL_BRIEF, REFERENCES_BIB

pytestmark = pytest.mark.workspace(briefs={"b.yaml": MINIMAL_BRIEF}, bib=REFERENCES_BIB)


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


# ---------------------------------------------------------------- a crash while renaming into place

OUTPUTS = [
    f"b_{audience}.{fmt}"
    for audience in ("academic", "policymaker", "practitioner", "press")
    for fmt in ("pdf", "docx")
]


def _brief_set(tag: str) -> list[tuple[Path, bytes]]:
    """8 outputs and a manifest with each one's SHA-256, like a brief's: written in this order, the manifest last."""
    files = [(Path("b") / name, f"{tag} {name}".encode() * 50) for name in OUTPUTS]
    manifest = {path.name: hashlib.sha256(data).hexdigest() for path, data in files}
    return [*files, (Path("b/manifest.json"), json.dumps({"set": tag, "files": manifest}).encode())]


def _which_set(folder: Path) -> str:
    """'old' or 'new' if the folder holds exactly that set, whole and matching its manifest; else fail."""
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([*OUTPUTS, "manifest.json"]), f"left in the folder: {names}"
    manifest = json.loads((folder / "manifest.json").read_bytes())
    for name in OUTPUTS:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == manifest["files"][name], (
            f"{name} is not the one the {manifest['set']} manifest names: a mixed set"
        )
    return manifest["set"]


def _crash_at(step: int, steps: tuple[str, ...], out_dir: Path) -> list[str]:
    """Write the new set in a child process that SIGKILLs itself at its `step`-th call of os.<steps>.

    The calls the child made, in order (the last one is where it died, unless it finished).
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read_end)
            calls = 0

            def spy(name: str, real):
                def call(*args, **kwargs):
                    nonlocal calls
                    calls += 1
                    shown = " ".join(os.path.basename(str(a)) for a in args if isinstance(a, str | os.PathLike))
                    os.write(write_end, f"{name} {shown}\n".encode())
                    if calls == step:
                        os.kill(os.getpid(), signal.SIGKILL)
                    return real(*args, **kwargs)

                return call

            for name in steps:
                setattr(os, name, spy(name, getattr(os, name)))
            write_set(_brief_set("new"), out_dir)
            os._exit(0)
        except BaseException:
            traceback.print_exc()
            os._exit(3)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        log = pipe.read().decode().splitlines()
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) or os.WEXITSTATUS(status) == 0, f"the child failed: {status}"
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL and len(log) == step
    return log if os.WIFSIGNALED(status) else [*log, "finished"]


@pytest.mark.parametrize("next_run", ["write_set", "finish_interrupted"])
def test_a_kill_after_any_rename_leaves_one_whole_set_for_the_next_run(tmp_path: Path, next_run: str) -> None:
    """Killed at the k-th rename for every k: the journal's own rename first, then the 9 files'."""
    folder = tmp_path / "b"
    outcomes = []
    for step in range(1, 20):
        for entry in tmp_path.iterdir():
            for file in entry.iterdir() if entry.is_dir() else ():
                file.unlink()
        write_set(_brief_set("old"), tmp_path)
        log = _crash_at(step, ("replace",), tmp_path)
        if log[-1] == "finished":
            break
        journal_in_place = any(JOURNAL in line for line in log[:-1])  # renamed before the kill
        assert (folder / JOURNAL).exists() == journal_in_place
        if next_run == "write_set":
            write_set([(Path("b/other.txt"), b"x")], tmp_path)  # any later set written into the folder
            (folder / "other.txt").unlink()
        else:
            finish_interrupted(folder)  # what a build does before it reads the folder
        outcomes.append(_which_set(folder))  # whole, with its manifest, no temporary file, no journal
        assert outcomes[-1] == ("new" if journal_in_place else "old"), (step, log)
    assert outcomes == ["old"] + ["new"] * 9, outcomes  # the journal, then 8 files and the manifest
    assert _which_set(folder) == "new"


def test_a_kill_at_any_step_of_writing_leaves_the_old_set_or_the_new_one(tmp_path: Path) -> None:
    """Every flush, rename, removal and open write_set makes, the journal's own included.

    The old set until the journal is in place, the new one from then on.
    """
    folder = tmp_path / "b"
    outcomes = []
    for step in range(1, 80):
        for file in folder.iterdir() if folder.is_dir() else ():
            file.unlink()
        write_set(_brief_set("old"), tmp_path)
        log = _crash_at(step, ("replace", "fsync", "unlink", "open"), tmp_path)
        if log[-1] == "finished":
            break
        write_set([(Path("b/other.txt"), b"x")], tmp_path)
        (folder / "other.txt").unlink()
        journal_in_place = any(line.startswith("replace") and JOURNAL in line for line in log[:-1])
        outcomes.append(_which_set(folder))
        assert outcomes[-1] == ("new" if journal_in_place else "old"), (step, log)
    else:
        pytest.fail("write_set never finished")
    assert "old" in outcomes and "new" in outcomes


def test_the_journal_exists_only_while_the_files_are_renamed(tmp_path: Path, monkeypatch) -> None:
    journal = tmp_path / "b" / JOURNAL
    seen: list[tuple[str, str, bool]] = []
    real_replace, real_mkstemp = os.replace, tempfile.mkstemp

    def replace(source, target):
        seen.append(("replace", Path(target).name, journal.exists()))
        return real_replace(source, target)

    def mkstemp(*args, **kwargs):
        seen.append(("stage", kwargs.get("suffix", ""), journal.exists()))
        return real_mkstemp(*args, **kwargs)

    write_set(_brief_set("old"), tmp_path)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    write_set(_brief_set("new"), tmp_path)
    assert not journal.exists()
    stages = [s for s in seen if s[0] == "stage"]
    renames = [s for s in seen if s[0] == "replace"]
    assert len(stages) == 10 and not any(present for _, _, present in stages)  # 9 files, then the journal
    assert renames[0] == ("replace", JOURNAL, False)
    assert [name for _, name, _ in renames[1:]] == [*OUTPUTS, "manifest.json"]
    assert all(present for _, _, present in renames[1:])
    assert seen.index(renames[0]) > seen.index(stages[-1])  # every file is staged before the journal names it
    assert _which_set(tmp_path / "b") == "new"


def test_a_single_file_is_renamed_without_a_journal(tmp_path: Path, monkeypatch) -> None:
    seen = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: seen.append(Path(b).name) or real_replace(a, b))
    write_set([(Path("b/manifest.json"), b"{}")], tmp_path)
    assert seen == ["manifest.json"]


def test_an_error_while_renaming_leaves_the_journal_and_the_next_run_finishes_the_set(
    tmp_path: Path, monkeypatch
) -> None:
    write_set(_brief_set("old"), tmp_path)
    real_replace, calls = os.replace, []

    def failing(source, target):
        calls.append(target)
        if len(calls) == 5:  # the journal, 3 files, then the disk fails
            raise OSError(errno.EIO, "Input/output error")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(BriefgenError) as err:
        write_set(_brief_set("new"), tmp_path)
    message = err.value.format_message()
    assert message.endswith(
        "b/b_policymaker.docx: Input/output error; the next run that writes this folder finishes the set"
    )
    assert (tmp_path / "b" / JOURNAL).exists()
    monkeypatch.setattr(os, "replace", real_replace)
    finish_interrupted(tmp_path / "b")
    assert _which_set(tmp_path / "b") == "new"


def test_ctrl_c_while_renaming_finishes_the_set_at_once(tmp_path: Path, monkeypatch) -> None:
    write_set(_brief_set("old"), tmp_path)
    real_replace, calls = os.replace, []

    def interrupted(source, target):
        calls.append(target)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_set(_brief_set("new"), tmp_path)
    assert _which_set(tmp_path / "b") == "new"


def test_a_journal_naming_files_outside_its_folder_is_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    temporary = folder / f"{TEMP_PREFIX}{_dead_pid()}-x.txt"
    temporary.write_bytes(b"not yours")
    for target in ("../escaped.txt", str(tmp_path / "escaped.txt")):
        (folder / JOURNAL).write_text(json.dumps({"pid": _dead_pid(), "files": [[temporary.name, target]]}))
        finish_interrupted(folder)
        assert not (tmp_path / "escaped.txt").exists()
        assert not (folder / JOURNAL).exists()


def test_writers_of_one_folder_take_turns(tmp_path: Path) -> None:
    fcntl = pytest.importorskip("fcntl")
    folder = tmp_path / "b"
    folder.mkdir()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            fd = os.open(folder, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(write_end, b"locked")
            time.sleep(0.5)
        finally:
            os._exit(0)
    assert os.read(read_end, 6) == b"locked"
    started = time.monotonic()
    write_set(_brief_set("new"), tmp_path)
    waited = time.monotonic() - started
    os.waitpid(pid, 0)
    os.close(read_end)
    os.close(write_end)
    assert waited > 0.3
    assert _which_set(folder) == "new"


# ---------------------------------------------------------------- through the CLI


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


def test_a_build_after_a_kill_while_renaming_reads_the_finished_set(workspace: Path) -> None:
    """Killed with the journal in place and 2 of 9 files renamed; the edit undone; built again: one set."""
    build = ["build", "briefs/b.yaml", "-f", "txt", "-f", "html", "-j", "1"]
    assert CliRunner().invoke(cli, build).exit_code == 0
    brief = workspace / "briefs" / "b.yaml"
    brief.write_text(MINIMAL_BRIEF.replace("Water,", "Rivers,"), encoding="utf-8")
    pid = os.fork()
    if pid == 0:  # the child: builds the edit and is killed at its third rename of an output
        try:
            real_replace, renamed = os.replace, []

            def replace(source, target):
                if not Path(target).name.startswith(TEMP_PREFIX):
                    renamed.append(target)
                    if len(renamed) == 3:
                        os.kill(os.getpid(), signal.SIGKILL)
                return real_replace(source, target)

            os.replace = replace
            CliRunner().invoke(cli, build)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    folder = workspace / "out" / "b"
    assert (folder / JOURNAL).exists()
    brief.write_text(MINIMAL_BRIEF, encoding="utf-8")  # the edit undone before the next build
    result = CliRunner().invoke(cli, build)
    assert result.exit_code == 0, result.output
    entries = json.loads((folder / "manifest.json").read_bytes())["outputs"]
    assert len(entries) == 8
    for entry in entries:
        assert hashlib.sha256((folder / entry["file"]).read_bytes()).hexdigest() == entry["sha256"], entry["file"]
    assert not list(folder.glob(TEMP_PREFIX + "*"))


def test_outputs_are_as_private_as_the_umask_says(tmp_path: Path):
    """A desk with umask 027 keeps its briefs from other users; briefgen once made every output 0644."""
    import stat

    from briefgen.output import write_set

    old = os.umask(0o027)
    try:
        [written] = write_set([(Path("b") / "x.md", b"x")], tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(written.stat().st_mode) == 0o640
