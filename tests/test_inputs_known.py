"""Inputs known, not guessed: a build that finds its outputs up to date and a forced build never disagree.

Whatever is edited among the files a build reads, `build` after an earlier build and
`build --force` write the same files, say the same warnings and errors, and exit the same.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
BRIEF = "briefs/kazakhstan-osce-2010.yaml"
ARGS = ("build", "-f", "txt", "-f", "md", "-j", "1")
INPUTS = (
    BRIEF,
    "references.bib",
    "templates/press/style.yaml",
    "templates/practitioner/style.yaml",
    "templates/academic/brief.md.j2",
    "templates/_shared/macros.md.j2",
    "templates/press/notes.md",  # included by the press template: read, though not a .j2 file
)
LOW_CONTRAST = "colours:\n  text: '#BBBBBB'\n"
UNCITED = "\n@misc{unused2001, author = {Nobody, A.}, title = {Never cited}, year = {2001}}\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sample brief, its bibliography and the templates, built once: the earlier build every example starts from.

    Built at `w/` and kept aside; each example copies it back to `w/`, where it was built
    (the digest of what a build read names each file by its absolute path).
    """
    scratch = tmp_path_factory.mktemp("inputs")
    work = scratch / "w"
    (work / "briefs").mkdir(parents=True)
    shutil.copy(ROOT / BRIEF, work / "briefs")
    shutil.copy(ROOT / "references.bib", work)
    shutil.copytree(ROOT / "templates", work / "templates")
    _append(work / "references.bib", UNCITED)  # a warning every full build gives
    style = work / "templates/academic/style.yaml"  # and one a style gives: low contrast
    style.write_text(style.read_text("utf-8").replace("colours:\n", LOW_CONTRAST, 1), encoding="utf-8")
    _append(work / "templates/press/brief.md.j2", '\n{% include "press/notes.md" %}\n')
    (work / "templates/press/notes.md").write_text("Notes for the press.\n", encoding="utf-8")
    with contextlib.chdir(work):
        result = CliRunner().invoke(cli, ARGS)
    assert result.exit_code == 0, result.output
    return work.rename(scratch / "base")


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def _break_yaml(path: Path, _text: str) -> None:
    _append(path, "\nbroken: [unclosed\n" if path.suffix == ".yaml" else "\n{% if %}\n@misc{, }\n")


def _delete_an_entry(path: Path, text: str) -> None:
    """The bibliography loses one entry (which, chosen by `text`); other files lose their last line."""
    content = path.read_text(encoding="utf-8")
    if path.suffix == ".bib":
        entries = [m.start() for m in re.finditer(r"^@", content, re.M)]
        start = entries[len(text) % len(entries)]
        end = next((e for e in entries if e > start), len(content))
        path.write_text(content[:start] + content[end:], encoding="utf-8")
    else:
        path.write_text(content.rstrip("\n").rsplit("\n", 1)[0] + "\n", encoding="utf-8")


STYLE_CHANGES = (
    ("", "\nmax_pages: 1\n"),
    ("", "\ncitations: notes\n"),
    ("", "\ncolours: {text: '#EEEEEE'}\n"),  # low contrast: a warning
    ("", "\ncontent: {rationale: none}\n"),
    ("", "\nbibliography: none\n"),
)


def _change_a_value(path: Path, text: str) -> None:
    """A style gets another value for a key; a brief another title; a template another word."""
    content = path.read_text(encoding="utf-8")
    if path.name == "style.yaml":
        _old, added = STYLE_CHANGES[len(text) % len(STYLE_CHANGES)]
        kept = "\n".join(line for line in content.splitlines() if not line.startswith(added.split(":")[0].strip()))
        path.write_text(kept + added, encoding="utf-8")
    elif path.suffix == ".yaml":
        path.write_text(content.replace("title: ", f"title: {text or 'New'} ", 1), encoding="utf-8")
    elif path.suffix == ".bib":
        path.write_text(content.replace("title", "booktitle", 1), encoding="utf-8")
    else:
        path.write_text(content.replace("{{", "{{ ", 1) + text, encoding="utf-8")


def _append_text(path: Path, text: str) -> None:
    comment = {".yaml": "# ", ".bib": "% "}.get(path.suffix, "")
    _append(path, f"\n{comment}{text}\n")


def _touch(path: Path, _text: str) -> None:
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


EDITS = {
    "append text": _append_text,
    "break the syntax": _break_yaml,
    "delete an entry": _delete_an_entry,
    "change a value": _change_a_value,
    "touch without change": _touch,
}


def _run(folder: Path, *extra: str) -> tuple[int, list[str], dict[str, bytes]]:
    """Exit code, what went to stderr (warnings and errors), and every output file's bytes."""
    with contextlib.chdir(folder):
        result = CliRunner().invoke(cli, [*ARGS, *extra])
    assert "internal error" not in result.output, result.output
    files = {
        str(p.relative_to(folder / "out")): p.read_bytes() for p in sorted((folder / "out").rglob("*")) if p.is_file()
    }
    return result.exit_code, result.stderr.splitlines(), files


def _edited_copy(built: Path, target: str, edit: str, text: str) -> Path:
    folder = built.parent / "w"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(built, folder, copy_function=shutil.copy2)
    EDITS[edit](folder / target, text)
    return folder


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=st.sampled_from(INPUTS),
    edit=st.sampled_from(sorted(EDITS)),
    text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
)
def test_build_and_build_force_agree_after_any_edit(built, target, edit, text):
    cached = _run(_edited_copy(built, target, edit, text))
    forced = _run(_edited_copy(built, target, edit, text), "--force")
    assert cached[0] == forced[0], (cached[1], forced[1])
    assert cached[1] == forced[1]
    assert cached[2].keys() == forced[2].keys()
    for name, data in cached[2].items():
        assert data == forced[2][name], name


# ---------------------------------------------------------------- the cases the property found, pinned


def test_a_file_a_template_includes_is_an_input_though_not_a_template(built):
    """The digest skipped files not named .j2, .yaml or an asset's suffix: an edit of an included .md was unseen."""
    folder = _edited_copy(built, "templates/press/notes.md", "append text", "Also this.")
    code, _, files = _run(folder)
    assert code == 0
    assert "Also this." in files["kazakhstan-osce-2010/kazakhstan-osce-2010_press.md"].decode("utf-8")


def test_a_cached_build_says_again_which_entries_no_field_cites(built):
    _, warnings, _ = _run(_edited_copy(built, BRIEF, "touch without change", ""))
    assert (
        warnings[-1] == "warning: references.bib: 1 entries not cited by briefs/kazakhstan-osce-2010.yaml: unused2001"
    )
    manifest = json.loads((built / "out/kazakhstan-osce-2010/manifest.json").read_text("utf-8"))
    assert manifest["uncited"] == ["unused2001"]


def test_a_cached_build_says_again_what_a_style_gets_away_with(built):
    """A style's warnings are the run's, said when the audiences load: a run that loaded none said nothing."""
    _, warnings, _ = _run(_edited_copy(built, BRIEF, "touch without change", ""))
    said = [w for w in warnings if w.startswith("warning: templates/academic/style.yaml:6:9: colours.text: ")]
    assert len(said) == 3 and all("contrast" in w for w in said)  # the page, the box, the cards
    assert warnings == [*said, warnings[-1]]  # then what loading the brief warns of, as a full build says them
    manifest = json.loads((built / "out/kazakhstan-osce-2010/manifest.json").read_text("utf-8"))
    [record] = {json.dumps(e.get("style_warnings")) for e in manifest["outputs"] if e["audience"] == "academic"}
    assert json.loads(record)[0]["file"] == str(built.parent / "w/templates/academic/style.yaml")


def test_loading_reads_exactly_the_files_a_rebuild_looks_at(built):
    from briefgen.loader import input_files, load

    with contextlib.chdir(built):
        loaded = load(Path(BRIEF))
        assert loaded.files == input_files(Path(BRIEF), (), ())
        assert loaded.files == (built / BRIEF, built / "references.bib")
        assert loaded.bibliographies == (Path("references.bib"),)  # as a user would name it, from here
        assert loaded.uncited == ("unused2001",)


def test_every_file_a_build_reads_is_one_its_digest_covers(built):
    """The brief and its .bib by name (loader.input_files), the rest under a template root; outputs are not inputs."""
    from briefgen.folders import search_path
    from briefgen.incremental import PACKAGE_DIR
    from briefgen.inputs import recording
    from briefgen.loader import input_files

    folder = _edited_copy(built, BRIEF, "touch without change", "")
    with contextlib.chdir(folder), recording() as read:
        result = CliRunner().invoke(cli, [*ARGS, "--force"])
        named = input_files(Path(BRIEF), (), ())
        under = (*(root.resolve() for root in search_path()), folder / "out", PACKAGE_DIR)
    assert result.exit_code == 0, result.output
    assert set(named) <= set(read)
    assert folder / "templates/press/notes.md" in read  # an include, read through the one opener
    assert [p for p in read if p not in named and not any(p.resolve().is_relative_to(u) for u in under)] == []


# ---------------------------------------------------------------- from any working directory


def test_building_from_inside_the_briefs_folder_finds_the_bibliography_one_folder_up(built, tmp_path):
    """The README's search: beside the brief, one folder up, here. `x.yaml`'s folder's parent was `.` again."""
    work = Path(shutil.copytree(built, tmp_path / "w"))
    shutil.rmtree(work / "out")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "kazakhstan-osce-2010.yaml", "-f", "md", "-o", "../out2"],
        cwd=work / "briefs",
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "references.bib" not in result.stderr.replace("../references.bib: 1 entries not cited", "")
    press = (work / "out2/kazakhstan-osce-2010/kazakhstan-osce-2010_academic.md").read_text("utf-8")
    assert "Zagorski" in press  # the reference list, from ../references.bib


def test_a_brief_citing_nothing_needs_no_bibliography(tmp_path):
    (tmp_path / "lone").mkdir()
    (tmp_path / "lone/plain.yaml").write_text(
        "title: Plain\ndate: 2020-01-01\nrecommendations:\n"
        "  - group: G\n    items:\n      - {id: a, title: Do it, priority: high}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "plain.yaml", "-f", "txt", "-a", "press", "-o", "../out"],
        cwd=tmp_path / "lone",
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Do it" in (tmp_path / "out/plain/plain_press.txt").read_text("utf-8")
