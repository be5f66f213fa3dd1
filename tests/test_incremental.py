"""Incremental builds: exactly the outputs an edit affects are made again, and nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
BRIEF = "briefs/kazakhstan-osce-2010.yaml"
FOLDER = Path("out/kazakhstan-osce-2010")
AUDIENCES = ("academic", "policymaker", "practitioner", "press")
SUMMARY = "# {{ label('summary') }}"  # a line each built-in template has
QUICK = ("-f", "txt", "-f", "html")  # the rules do not depend on the format; these two are fast


pytestmark = pytest.mark.workspace(templates=True)  # the built-in templates copied, so a test may edit them


def build(*args: str) -> str:
    result = CliRunner().invoke(cli, ["build", *QUICK, "-j", "1", *args])
    assert result.exit_code == 0, result.output
    return result.output


def identities() -> dict[str, tuple[int, int]]:
    """Each output's inode and change time: a file written again (renamed into place) gets new ones."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in FOLDER.iterdir() if p.name != "manifest.json"}


def rebuilt(before: dict[str, tuple[int, int]]) -> set[str]:
    after = identities()
    return {name for name, ident in after.items() if before.get(name) != ident}


def outputs(*audiences: str) -> set[str]:
    return {f"kazakhstan-osce-2010_{a}.{f}" for a in audiences for f in ("txt", "html")}


def edit(path: str, old: str, new: str) -> None:
    text = Path(path).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    Path(path).write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_second_build_writes_nothing_and_says_so(workspace):
    build()
    before = identities()
    manifest = (FOLDER / "manifest.json").read_bytes()
    output = build()
    assert rebuilt(before) == set()
    assert (FOLDER / "manifest.json").read_bytes() == manifest
    assert "8 outputs up to date" in output
    assert "kazakhstan-osce-2010_press.txt" not in output


def test_an_unchanged_rebuild_imports_no_writer_and_parses_nothing(workspace):
    """The fast path: a few file reads, without the brief's parser, the schema or any writer; nor the loader,
    the model or the translations' declarations for a helper or an exception class."""
    script = (
        "import sys\n"
        "from briefgen.cli import cli\n"
        "try:\n"
        "    cli(['-q', 'build', '-a', 'press', '-j', '1'], prog_name='briefgen')\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "heavy = ['reportlab', 'docx', 'fontTools', 'jsonschema', 'pybtex', 'markdown_it', 'jinja2',"
        " 'briefgen.writers.pdf', 'briefgen.writers.docx', 'briefgen.build', 'briefgen.loader', 'briefgen.model',"
        " 'briefgen.brief', 'briefgen.bibliography', 'briefgen.translation', 'briefgen.markdown', 'tempfile']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert "reportlab" in first.stdout  # the first build made the PDF
    second = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert second.stdout.strip() == "[]", second.stdout + second.stderr


def test_a_template_edit_rebuilds_that_audience_only(workspace):
    build()
    before = identities()
    edit("templates/practitioner/brief.md.j2", SUMMARY, "A line only practitioners see.\n\n" + SUMMARY)
    build()
    assert rebuilt(before) == outputs("practitioner", "academic")  # academic's template extends it
    assert "A line only practitioners see." in (FOLDER / "kazakhstan-osce-2010_practitioner.txt").read_text()


def test_a_template_edit_that_changes_nothing_rebuilds_nothing(workspace):
    build()
    before = identities()
    edit("templates/press/brief.md.j2", SUMMARY, "{# a comment for the next editor #}\n" + SUMMARY)
    sources = {e["sources"] for e in json.loads((FOLDER / "manifest.json").read_text())["outputs"]}
    assert "8 outputs up to date" in build()
    assert rebuilt(before) == set()
    now = {e["sources"] for e in json.loads((FOLDER / "manifest.json").read_text())["outputs"]}
    assert len(now) == 1 and now != sources  # the manifest knows the new sources: the next build is quick


def test_a_style_edit_rebuilds_that_audience_only(workspace):
    build()
    before = identities()
    edit("templates/policymaker/style.yaml", "marking: For official use", "marking: Restricted")
    build()
    assert rebuilt(before) == outputs("policymaker")


def test_an_edited_cited_entry_rebuilds_exactly_the_outputs_citing_it(workspace):
    build()
    manifest = json.loads((FOLDER / "manifest.json").read_text())
    citing = {e["file"] for e in manifest["outputs"] if "zagorski2009" in e["cited"]}
    assert citing and citing != outputs(*AUDIENCES)  # some audiences cite it, not all
    before = identities()
    bib = Path("references.bib")
    text = bib.read_text(encoding="utf-8")
    start = text.index("@", text.index("zagorski2009") - 40)
    entry_end = text.index("\n}", start)
    bib.write_text(text[:entry_end] + ",\n  note = {Revised}" + text[entry_end:], encoding="utf-8")
    build()
    assert rebuilt(before) == citing


def test_an_uncited_entry_rebuilds_nothing(workspace):
    build()
    before = identities()
    with open("references.bib", "a", encoding="utf-8") as fh:
        fh.write("\n@book{nobody2024,\n  author = {Nobody, Ann},\n  title = {Uncited},\n  year = {2024},\n}\n")
    build()
    assert rebuilt(before) == set()


def test_an_audience_override_rebuilds_that_audience_only(workspace):
    build()
    before = identities()
    edit(BRIEF, "Kazakhstan’s credibility as chair", "Kazakhstan’s standing as chair")
    build()
    assert rebuilt(before) == outputs("press")


def test_a_field_every_audience_shows_rebuilds_them_all(workspace):
    build()
    before = identities()
    edit(BRIEF, "Ten priorities for Central Asia", "Ten proposals for Central Asia")  # the subtitle
    build()
    changed = rebuilt(before)
    assert outputs("practitioner", "academic", "press") <= changed
    assert outputs("policymaker").isdisjoint(changed)  # it overrides the subtitle


def test_force_rebuilds_everything(workspace):
    build()
    before = identities()
    build("--force")
    assert rebuilt(before) == outputs(*AUDIENCES)


def test_a_changed_or_deleted_output_is_made_again(workspace):
    build()
    target = FOLDER / "kazakhstan-osce-2010_press.txt"
    target.write_text("edited by hand", encoding="utf-8")
    (FOLDER / "kazakhstan-osce-2010_academic.html").unlink()
    before = identities()
    build()
    assert rebuilt(before) == {"kazakhstan-osce-2010_press.txt", "kazakhstan-osce-2010_academic.html"}
    assert target.read_text(encoding="utf-8") != "edited by hand"


def test_source_date_epoch_is_an_input(workspace, monkeypatch):
    build()
    before = identities()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build()
    assert rebuilt(before) == outputs(*AUDIENCES)


def test_a_new_audience_or_format_builds_only_what_is_missing(workspace):
    CliRunner().invoke(cli, ["build", "-f", "txt", "-a", "press", "-j", "1"])
    before = identities()
    build()
    assert rebuilt(before) == outputs(*AUDIENCES) - {"kazakhstan-osce-2010_press.txt"}


def test_page_limit_warnings_are_repeated_when_nothing_is_rebuilt(workspace):
    edit("templates/policymaker/style.yaml", "max_pages: 2", "max_pages: 1")
    first = CliRunner().invoke(cli, ["build", "-a", "policymaker", "-f", "pdf", "-j", "1"])
    assert "allows 1 (max_pages)" in first.output
    second = CliRunner().invoke(cli, ["build", "-a", "policymaker", "-f", "pdf", "-j", "1"])
    assert "up to date" in second.output and "allows 1 (max_pages)" in second.output
    strict = CliRunner().invoke(cli, ["build", "-a", "policymaker", "-f", "pdf", "-j", "1", "--strict"])
    assert strict.exit_code == 1 and "allows 1 (max_pages)" in strict.output


def test_parallel_and_serial_builds_make_the_same_bytes(workspace):
    """-j 2 runs the writers in worker processes; every file, the manifest included, must be identical."""
    serial = CliRunner().invoke(cli, ["build", "-f", "pdf", "-f", "docx", "-o", "serial", "-j", "1"])
    parallel = CliRunner().invoke(cli, ["build", "-f", "pdf", "-f", "docx", "-o", "parallel", "-j", "2"])
    assert serial.exit_code == 0 and parallel.exit_code == 0, serial.output + parallel.output
    names = sorted(p.name for p in Path("serial/kazakhstan-osce-2010").iterdir())
    assert len(names) == 9
    assert names == sorted(p.name for p in Path("parallel/kazakhstan-osce-2010").iterdir())
    for name in names:
        a = Path("serial/kazakhstan-osce-2010", name).read_bytes()
        b = Path("parallel/kazakhstan-osce-2010", name).read_bytes()
        assert a == b, name
    assert serial.output.replace("serial", "") == parallel.output.replace("parallel", "")


def test_an_error_in_a_worker_is_the_same_one_line_error(workspace, monkeypatch):
    """The writer raises it in a worker process; the user sees it as if it ran here, and nothing is written."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    result = CliRunner().invoke(cli, ["build", "-f", "pdf", "-f", "docx", "-j", "2"])
    assert result.exit_code == 1
    assert "SOURCE_DATE_EPOCH=soon: not a time in seconds" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert not FOLDER.exists()
