"""End to end: what a user sees from `briefgen check` and `briefgen build` when something is wrong."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen import __version__
from briefgen.cli import cli

from helpers_briefs import MINIMAL_BRIEF, REFERENCES_BIB, write_brief

BUILTIN_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
PROBLEM_LINE = re.compile(r"^[\w./-]+:\d+:\d+: [\w.\[\]]+: \S.*$")

BAD_BRIEF = """\
title: Water, borders and the OSCE
date: 2010-01-15
summry: Astana can make a difference.
recommendations:
  - group: Regional security
    items:
      - id: R1
        title: Open a regional water dialogue
        priority: urgent
        audiences: [practitoner]
      - id: R1
        title: Publish border incident data
        priority: low
"""

BAD_BRIEF_LINES = [
    "briefs/bad.yaml:3:1: summry: unknown key 'summry' (did you mean 'summary'?)",
    "briefs/bad.yaml:9:19: recommendations[0].items[0].priority: 'urgent' is not one of: high, medium, low",
    "briefs/bad.yaml:10:21: recommendations[0].items[0].audiences[0]: unknown audience 'practitoner' "
    "(did you mean 'practitioner'?)",
    "briefs/bad.yaml:11:13: recommendations[0].items[1].id: duplicate recommendation id 'R1' "
    "(first used at recommendations[0].items[0].id)",
]


pytestmark = pytest.mark.workspace(briefs={"good.yaml": MINIMAL_BRIEF, "bad.yaml": BAD_BRIEF}, bib=REFERENCES_BIB)


@pytest.fixture
def own_templates(workspace):
    """A copy of the built-in practitioner audience in ./templates, to break on purpose."""
    for folder in ("practitioner", "_shared"):
        shutil.copytree(BUILTIN_TEMPLATES / folder, workspace / "templates" / folder)
    return workspace / "templates" / "practitioner" / "brief.md.j2"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def stderr_of(result) -> str:
    """Error lines only: warnings about uncited bibliography entries are tested in test_cli.py."""
    try:
        text = result.stderr
    except ValueError:  # older click without separate stderr capture
        text = result.output
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("warning: "))


def assert_failed_cleanly(result) -> list[str]:
    """Exit code 1, no Python traceback; returns the stderr lines."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return stderr_of(result).splitlines()


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def replace_line(path: Path, old: str, new: str) -> int:
    """Replace one whole line of a file; return its 1-based number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    number = lines.index(old) + 1
    lines[number - 1] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return number


# ---------------------------------------------------------------- check


def test_check_reports_one_line_per_problem_and_exits_1(workspace):
    result = run("check", "briefs/bad.yaml")

    lines = assert_failed_cleanly(result)
    assert lines == BAD_BRIEF_LINES
    assert all(PROBLEM_LINE.match(line) for line in lines)


def test_check_still_checks_the_good_briefs_of_the_same_run(workspace):
    result = run("check")  # every brief in ./briefs

    assert assert_failed_cleanly(result) == BAD_BRIEF_LINES
    assert result.stdout == "briefs/good.yaml: ok (2 recommendations in 1 groups)\n"


def test_check_passes_a_good_brief(workspace):
    result = run("check", "briefs/good.yaml")

    assert result.exit_code == 0, result.output
    assert stderr_of(result) == ""


def test_check_reports_an_unknown_citation_key_with_the_closest_key(workspace):
    write_brief(workspace / "briefs", MINIMAL_BRIEF.replace("[@doe2020]", "[@doe2002]"), name="cites.yaml")

    lines = assert_failed_cleanly(run("check", "briefs/cites.yaml"))

    assert lines == [
        "briefs/cites.yaml:3:44: summary: unknown citation key '@doe2002' (did you mean @doe2020, @roe2019?)",
    ]


def test_check_reports_a_broken_bibliography_with_its_line(workspace):
    (workspace / "references.bib").write_text("@article{doe2020,\n  title = {A}\n  year = 2020,\n}\n")

    lines = assert_failed_cleanly(run("check", "briefs/good.yaml"))

    assert lines == ["references.bib:3: BibTeX syntax error: '}' expected"]


# ---------------------------------------------------------------- several bibliographies

EXTRA_BIB = "@book{poe2021,\n  author = {Poe, Paul},\n  title = {Rivers},\n  year = {2021},\n}\n"


def test_several_bib_files_are_merged_from_repeated_bib_options(workspace):
    (workspace / "extra.bib").write_text(EXTRA_BIB, encoding="utf-8")
    write_brief(workspace / "briefs", MINIMAL_BRIEF.replace("[@doe2020]", "[@doe2020; @poe2021]"), name="two.yaml")

    result = run("check", "--bib", "references.bib", "--bib", "extra.bib", "briefs/two.yaml")
    assert result.exit_code == 0, result.output
    assert "unknown citation key" not in result.output

    # only the last --bib kept: the citation of the first file's work is unknown
    assert "@doe2020" in "\n".join(assert_failed_cleanly(run("check", "--bib", "extra.bib", "briefs/two.yaml")))


def test_a_brief_may_list_several_bibliographies(workspace):
    (workspace / "briefs" / "extra.bib").write_text(EXTRA_BIB, encoding="utf-8")
    text = "bibliography: [../references.bib, extra.bib]\n" + MINIMAL_BRIEF.replace("[@doe2020]", "[@poe2021]")
    write_brief(workspace / "briefs", text, name="listed.yaml")

    result = run("build", "-a", "academic", "-f", "html", "briefs/listed.yaml")
    assert result.exit_code == 0, result.output
    assert "Poe, Paul" in (workspace / "out" / "listed" / "listed_academic.html").read_text("utf-8")


def test_a_key_defined_in_two_bib_files_is_reported_with_both_places(workspace):
    (workspace / "extra.bib").write_text("% copied\n" + REFERENCES_BIB, encoding="utf-8")

    lines = assert_failed_cleanly(run("check", "--bib", "references.bib", "--bib", "extra.bib", "briefs/good.yaml"))

    assert len(lines) == 2 and all("references.bib:" in line and "extra.bib:" in line for line in lines)
    assert "doe2020" in lines[0] and "roe2019" in lines[1]


def test_citations_without_any_bibliography_give_one_line_saying_where_it_looked(workspace):
    (workspace / "references.bib").unlink()
    text = MINIMAL_BRIEF.replace("[@doe2020]", "[@doe2020] and [@roe2019] and [@doe2020]")
    write_brief(workspace / "briefs", text, name="nobib.yaml")

    [line] = assert_failed_cleanly(run("check", "briefs/nobib.yaml"))
    assert line.startswith("briefs/nobib.yaml:3:44: summary: cites @doe2020 but no bibliography was found")
    assert "briefs/references.bib" in line and "--bib" in line


def test_check_reports_an_impossible_date_and_goes_on_to_the_next_brief(workspace):
    write_brief(workspace / "briefs", MINIMAL_BRIEF.replace("2010-01-15", "2010-02-30"), name="date.yaml")

    result = run("check", "briefs/date.yaml", "briefs/good.yaml")

    assert assert_failed_cleanly(result) == [
        "briefs/date.yaml:2:7: date: '2010-02-30' is not a date (write YYYY-MM-DD)",
    ]
    assert "briefs/good.yaml: ok" in result.stdout


# ---------------------------------------------------------------- build


def test_build_writes_nothing_for_a_bad_brief_and_still_builds_a_good_one(workspace):
    result = run("build", "-a", "practitioner", "-f", "docx", "-o", "out", "briefs/bad.yaml", "briefs/good.yaml")

    assert assert_failed_cleanly(result) == BAD_BRIEF_LINES
    assert files_under(workspace / "out") == ["good/good_practitioner.docx", "good/manifest.json"]
    assert result.stdout == "out/good/good_practitioner.docx\n"


def test_build_of_only_bad_briefs_creates_no_output_folder(workspace):
    result = run("build", "-a", "practitioner", "-f", "docx", "-o", "out", "briefs/bad.yaml")

    assert assert_failed_cleanly(result) == BAD_BRIEF_LINES
    assert not (workspace / "out").exists()


def test_build_rejects_an_unknown_audience_naming_the_known_ones(workspace):
    result = run("build", "-a", "nosuch", "-o", "out", "briefs/good.yaml")

    [line] = assert_failed_cleanly(result)
    assert "unknown audience 'nosuch' (known: academic, follow-up, policymaker, practitioner, press;" in line
    assert not (workspace / "out").exists()


def test_build_reports_a_template_syntax_error_with_the_template_file_and_line(workspace, own_templates):
    number = replace_line(own_templates, "## {{ group.name }}", "## {{ group.name | }}")

    result = run("build", "-a", "practitioner", "-f", "docx", "-o", "out", "briefs/good.yaml")

    assert assert_failed_cleanly(result) == [
        f"templates/practitioner/brief.md.j2:{number}: expected token 'name', got 'end of print statement'",
    ]
    assert not (workspace / "out").exists()


def test_build_reports_an_undefined_template_variable_with_the_template_file_and_line(workspace, own_templates):
    number = replace_line(own_templates, "{{ brief.summary }}", "{{ brief.sumary }}")

    result = run("build", "-a", "practitioner", "-f", "docx", "-o", "out", "briefs/good.yaml")

    [line] = assert_failed_cleanly(result)
    assert line.startswith(f"templates/practitioner/brief.md.j2:{number}: undefined variable or attribute: ")
    assert "'sumary'" in line


def test_build_writes_nothing_for_a_brief_when_one_of_its_audiences_fails(workspace, own_templates):
    replace_line(own_templates, "{{ brief.summary }}", "{{ brief.sumary }}")

    result = run("build", "-a", "press", "-a", "practitioner", "-f", "docx", "-o", "out", "briefs/good.yaml")

    assert_failed_cleanly(result)
    assert files_under(workspace / "out") == []


# ---------------------------------------------------------------- help and version


def test_version_prints_the_package_version():
    result = run("--version")

    assert result.exit_code == 0
    assert result.output == f"briefgen, version {__version__}\n"


@pytest.mark.parametrize(
    "command", [[], *([name] for name in sorted(cli.commands))], ids=lambda c: " ".join(c) or "briefgen"
)
def test_help_works_for_every_command(command):
    result = run(*command, "--help")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
