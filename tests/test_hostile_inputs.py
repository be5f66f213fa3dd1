"""Hostile and extreme input, round two (issue 23): what a shared template folder and odd files could do.

Each test is a way in that worked before. Commands run as real processes with a timeout, so a
regression that hangs (a FIFO read to the end) fails instead of stopping the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from helpers_briefs import MINIMAL_BRIEF, REFERENCES_BIB

SECRET = "Host bastion\n  IdentityFile ~/.ssh/id_secret_7f3a\n"


pytestmark = pytest.mark.workspace(briefs={"b.yaml": MINIMAL_BRIEF}, bib=REFERENCES_BIB)


@pytest.fixture
def workspace(workspace: Path) -> Path:
    """conftest's, with a file no brief or template may read."""
    (workspace / "secret").write_text(SECRET, encoding="utf-8")
    return workspace


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """briefgen as a user runs it; a hang is a failure after `timeout` seconds."""
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def audience(name: str, template: str = "") -> Path:
    folder = Path("templates") / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "style.yaml").write_text("extends: practitioner\n", encoding="utf-8")
    if template:
        (folder / "brief.md.j2").write_text(template, encoding="utf-8")
    return folder


def fifo(path: Path) -> Path:
    """A named pipe where a file was, or would be: reading it waits for a writer, for ever."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    return path


# ---------------------------------------------------------------- 1. templates reading files they should not


def test_a_template_including_a_link_to_a_secret_is_refused(workspace: Path) -> None:
    folder = audience("evil", "{% include 'evil/leak.j2' %}\n")
    (folder / "leak.j2").symlink_to(workspace / "secret")
    result = run("build", "briefs/b.yaml", "-a", "evil", "-f", "html")
    assert result.returncode == 1
    assert "templates/evil/leak.j2: template a link to a file outside templates/; not read" in result.stderr
    assert "IdentityFile" not in result.stdout + result.stderr
    assert not list(Path("out").rglob("*.html"))


def test_a_template_that_is_itself_a_link_out_of_its_folder_is_refused(workspace: Path) -> None:
    folder = audience("evil")
    (folder / "brief.md.j2").symlink_to(workspace / "secret")
    for command in (["check", "briefs/b.yaml"], ["build", "briefs/b.yaml", "-a", "evil", "-f", "md"]):
        result = run(*command)
        assert result.returncode == 1, command
        assert "templates/evil/brief.md.j2: template a link to a file outside templates/" in result.stderr
        assert "IdentityFile" not in result.stdout + result.stderr


def test_a_link_inside_the_template_folder_is_fine(workspace: Path) -> None:
    folder = audience("linked")
    (folder / "brief.md.j2").symlink_to(ROOT / "templates" / "practitioner" / "brief.md.j2")
    shared = Path("templates/_mine.md.j2")
    shared.write_text("Shared words\n", encoding="utf-8")
    (folder / "brief.md.j2").unlink()
    (folder / "own.md.j2").write_text("{% include '_mine.md.j2' %}\n", encoding="utf-8")
    (folder / "brief.md.j2").symlink_to("own.md.j2")
    result = run("build", "briefs/b.yaml", "-a", "linked", "-f", "md")
    assert result.returncode == 0, result.stderr
    assert "Shared words" in next(Path("out").rglob("*.md")).read_text("utf-8")


# ---------------------------------------------------------------- 2. reading before checking


@pytest.mark.parametrize("where", ["templates/unrelated/notes.txt", "templates/unrelated/x.j2", "templates/y.yaml"])
def test_a_fifo_in_a_template_folder_hangs_nothing(workspace: Path, where: str) -> None:
    fifo(Path(where))
    for _ in range(2):  # the second build finds the first's manifest: the up-to-date check looks too
        result = run("build", "briefs/b.yaml", "-a", "press", "-f", "md", timeout=60)
        assert result.returncode == 0, result.stderr
    assert run("check", "briefs/b.yaml").returncode == 0


@pytest.mark.parametrize(
    ("kind", "setup", "message"),
    [
        ("template", lambda f: fifo(f / "brief.md.j2"), "brief.md.j2: template not a regular file"),
        ("style", lambda f: fifo(f / "style.yaml"), "style.yaml: not a regular file"),
        ("reference", lambda f: fifo(f / "reference.docx"), "reference.docx: not a regular file"),
    ],
)
def test_a_fifo_in_an_audience_is_an_error_at_it(workspace: Path, kind: str, setup, message: str) -> None:
    folder = audience("odd", "{% include 'practitioner/brief.md.j2' %}\n")
    setup(folder)
    result = run("build", "briefs/b.yaml", "-a", "odd", "-f", "docx")
    assert result.returncode == 1
    assert message in result.stderr, result.stderr


def test_a_fifo_as_brief_or_bibliography_is_an_error(workspace: Path) -> None:
    fifo(Path("briefs/pipe.yaml"))
    result = run("build", "briefs/pipe.yaml", "-f", "md")
    assert result.returncode == 1 and "briefs/pipe.yaml: not a regular file" in result.stderr
    fifo(Path("pipe.bib"))
    result = run("build", "briefs/b.yaml", "--bib", "pipe.bib", "-f", "md")
    assert result.returncode == 1 and "pipe.bib: not a regular file" in result.stderr


def test_a_link_to_dev_zero_is_refused_not_read(workspace: Path) -> None:
    folder = audience("zero", "{% include 'zero/z.j2' %}\n")
    (folder / "z.j2").symlink_to("/dev/zero")
    Path("briefs/z.yaml").symlink_to("/dev/zero")
    started = time.monotonic()
    result = run("build", "briefs/b.yaml", "briefs/z.yaml", "-a", "zero", "-f", "md")
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    assert "MemoryError" not in result.stderr and "internal error" not in result.stderr
    assert "briefs/z.yaml: not a regular file" in result.stderr


def test_a_huge_brief_or_stray_file_is_never_read(workspace: Path) -> None:
    with open("briefs/huge.yaml", "wb") as fh:  # sparse: 2 GB on paper, nothing on disk
        fh.truncate(2_000_000_000)
    Path("templates/unrelated").mkdir(parents=True)
    with open("templates/unrelated/video.mp4", "wb") as fh:
        fh.truncate(1_500_000_000)
    with open("templates/unrelated/big.png", "wb") as fh:
        fh.truncate(1_500_000_000)
    started = time.monotonic()
    result = run("build", "briefs/huge.yaml", "-f", "md")
    assert time.monotonic() - started < 20
    assert result.returncode == 1 and "briefs/huge.yaml: larger than 10 MB; not read" in result.stderr
    assert run("build", "briefs/b.yaml", "-a", "press", "-f", "md").returncode == 0
    started = time.monotonic()
    again = run("build", "briefs/b.yaml", "-a", "press", "-f", "md")
    assert time.monotonic() - started < 10  # before: 10.4 s hashing the stray file on every up-to-date build
    assert again.returncode == 0 and "up to date" in again.stdout


# ---------------------------------------------------------------- 3. the up-to-date check and libyaml


def test_deep_brackets_in_a_built_workspace_are_an_error_not_a_crash(workspace: Path) -> None:
    assert run("build", "briefs/b.yaml", "-f", "md").returncode == 0
    Path("briefs/deep.yaml").write_text(MINIMAL_BRIEF + "keywords: " + "[" * 40_000 + "]" * 40_000 + "\n")
    for command in (["build", "-f", "md"], ["check"]):
        result = run(*command)
        assert result.returncode == 1, command
        assert "nested more than 100 deep" in result.stderr
        assert result.returncode != -11
    assert "up to date" in run("build", "-f", "md").stdout  # the other brief still builds


# ---------------------------------------------------------------- 5. internal errors that are the user's


def test_a_reference_docx_that_is_not_a_zip_is_an_error_at_it(workspace: Path) -> None:
    folder = audience("word")
    (folder / "reference.docx").write_bytes(b"not a zip at all")
    result = run("build", "briefs/b.yaml", "-a", "word", "-f", "docx")
    assert result.returncode == 1
    assert "templates/word/reference.docx: not a Word document" in result.stderr
    assert "internal error" not in result.stderr


def test_a_bibliography_removed_after_a_build_is_a_message_not_an_internal_error(workspace: Path) -> None:
    assert run("build", "briefs/b.yaml", "-f", "md").returncode == 0
    Path("references.bib").rename("elsewhere.bib")
    result = run("build", "briefs/b.yaml", "-f", "md")
    assert result.returncode == 1
    assert "internal error" not in result.stderr
    assert "briefs/b.yaml:3:44: summary: cites @doe2020 but no bibliography was found" in result.stderr


def test_a_brief_citing_nothing_needs_no_bibliography_even_after_a_build(workspace: Path) -> None:
    Path("briefs/b.yaml").write_text(MINIMAL_BRIEF.replace(" [@doe2020]", ""), "utf-8")
    Path("references.bib").unlink()
    for _ in range(2):
        result = run("build", "briefs/b.yaml", "-f", "md")
        assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- 7. watch and editors that save by renaming


@pytest.mark.slow
def test_watch_survives_the_bibliography_renamed_away_for_a_moment(workspace: Path) -> None:
    watcher = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "watch", "briefs/b.yaml", "-f", "md", "-a", "press", "--interval", "0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        out = Path("out/b/b_press.md")
        deadline = time.monotonic() + 30
        while not out.exists():
            assert time.monotonic() < deadline and watcher.poll() is None
            time.sleep(0.1)
        for _ in range(3):  # as editors and git save: away, then back
            Path("references.bib").rename("references.bib.tmp")
            time.sleep(0.4)
            Path("references.bib.tmp").rename("references.bib")
            time.sleep(0.4)
        brief = Path("briefs/b.yaml")
        brief.write_text(brief.read_text("utf-8").replace("difference here", "difference there"), "utf-8")
        deadline = time.monotonic() + 30
        while "difference there" not in out.read_text("utf-8"):
            assert time.monotonic() < deadline, "watch stopped rebuilding"
            assert watcher.poll() is None, "watch died"
            time.sleep(0.1)
    finally:
        watcher.terminate()
        output = watcher.communicate(timeout=30)[0]
    assert "internal error" not in output


# ---------------------------------------------------------------- 10. names that become file names


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("a" * 241, "briefs/b.yaml:1:5: id: longer than 80 characters; output file names would be too long"),
        ("con", "briefs/b.yaml:1:5: id: 'con' is a name Windows reserves for a device; choose another"),
        ("lpt1", "briefs/b.yaml:1:5: id: 'lpt1' is a name Windows reserves for a device; choose another"),
    ],
)
def test_an_id_no_system_can_write_is_an_error_in_check_too(workspace: Path, written: str, message: str) -> None:
    Path("briefs/b.yaml").write_text(f"id: {written}\n" + MINIMAL_BRIEF, encoding="utf-8")
    for command in ("check", "build"):
        result = run(command, "briefs/b.yaml")
        assert result.returncode == 1
        assert result.stderr.strip() == message


def test_a_file_named_like_a_device_gets_an_id_that_is_not_one(workspace: Path) -> None:
    Path("briefs/b.yaml").rename("briefs/aux.yaml")
    result = run("build", "briefs/aux.yaml", "-a", "press", "-f", "md")
    assert result.returncode == 0, result.stderr
    assert Path("out/aux-brief/aux-brief_press.md").is_file()


@pytest.mark.parametrize("name", ["trail\n", "Upper", "a b", "con", "x" * 41, "_shared", "../up"])
def test_an_audience_name_that_is_no_file_name_is_refused(workspace: Path, name: str) -> None:
    result = run("templates", "new", name)
    assert result.returncode == 1
    assert "an audience name is" in result.stderr or "reserves" in result.stderr
    assert not Path("templates").exists() or not any(Path("templates").iterdir())


def test_a_folder_with_such_a_name_is_no_audience(workspace: Path) -> None:
    odd = Path("templates") / "trail\n"
    odd.mkdir(parents=True)
    (odd / "style.yaml").write_text("extends: press\n", encoding="utf-8")
    result = run("build", "briefs/b.yaml", "-f", "md")
    assert result.returncode == 0, result.stderr
    assert not [p for p in Path("out").rglob("*") if "\n" in p.name]


# ---------------------------------------------------------------- weaknesses


@pytest.mark.parametrize("name", ["/etc/passwd", "/proc/self/environ", "../secret"])
def test_a_declared_bibliography_must_be_a_bib_file(workspace: Path, name: str) -> None:
    Path("briefs/b.yaml").write_text(f"bibliography: {name}\n" + MINIMAL_BRIEF, encoding="utf-8")
    result = run("check", "briefs/b.yaml")
    assert result.returncode == 1
    assert result.stderr.strip() == f"briefs/b.yaml:1:15: bibliography: '{name}' is not a .bib file"
    assert "root" not in result.stderr and "IdentityFile" not in result.stderr


def test_a_bad_value_is_quoted_short_escaped_and_on_one_line(workspace: Path) -> None:
    huge = "x" * 3_000_000
    Path("briefs/b.yaml").write_text(
        MINIMAL_BRIEF.replace("priority: high", f'priority: "hi\\ngh\\u202e{huge}"'), encoding="utf-8"
    )
    result = run("check", "briefs/b.yaml")
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert len(line) < 300
    assert "priority: 'hi\\ngh\\u202exxxx" in line and "…' is not one of: high, medium, low" in line
    assert "\u202e" not in result.stderr
