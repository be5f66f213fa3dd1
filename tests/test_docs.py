"""The docs run as written: every command a page shows is run here, or by CI, or by a named test.

README.md, CONTRIBUTING.md and every page in docs/ show commands in ```sh blocks. Each line is
one of: a `briefgen` command, run here in order in a copy of the sample workspace (a page's
`--send` goes to a local SMTP server); a command CI runs as written (`.ci/run`, where `-q` may
be added); or one listed in ELSEWHERE with the test that runs it.

docs/customising.md is a worked example run step by step: ```sh blocks hold commands
(`briefgen ...`, `cd`, `cp`), ```yaml blocks starting with `# file: PATH` are written to PATH.
The test then checks that each change the page makes shows in the output.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from briefgen.cli import cli

from conftest import ROOT
from smtpserver import PASSWORD, smtp_server

PAGE = ROOT / "docs" / "customising.md"
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8").replace(" -q ", " ")
ELSEWHERE = {  # command shown -> the test that runs it (it runs forever, or needs more than a workspace)
    "briefgen watch briefs/kazakhstan-osce-2010.yaml": "tests/test_cli.py::"
    "test_watch_rebuilds_what_an_edit_affects_and_says_how_long_it_took",
    "python -m pytest tests/test_golden.py --update-golden": "tests/test_docs.py::"
    "test_the_golden_update_command_rewrites_every_golden_file_as_built",
}


def blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M)


@pytest.fixture
def worked_example(tmp_path, monkeypatch) -> dict[str, str]:
    """Runs the page in tmp_path; returns each briefgen command's output."""
    monkeypatch.chdir(tmp_path)
    outputs: dict[str, str] = {}
    for lang, body in blocks(PAGE.read_text(encoding="utf-8")):
        if lang == "yaml" and body.startswith("# file: "):
            first, rest = body.split("\n", 1)
            target = Path(first.removeprefix("# file: ").strip())
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rest, encoding="utf-8")
        elif lang == "sh":
            for line in body.splitlines():
                words = shlex.split(line)
                if not words:
                    continue
                if words[0] == "cd":
                    monkeypatch.chdir(words[1])
                elif words[0] == "cp":
                    shutil.copy(words[1], words[2])
                elif words[0] == "briefgen":
                    result = CliRunner().invoke(cli, words[1:])
                    assert result.exit_code == 0, f"{line}\n{result.output}"
                    outputs[line] = result.output
                else:
                    pytest.fail(f"the page uses a command the test cannot run: {line}")
    return outputs


def test_the_page_has_commands_and_files_to_run():
    kinds = [lang for lang, _ in blocks(PAGE.read_text(encoding="utf-8"))]
    assert kinds.count("sh") >= 4 and kinds.count("yaml") >= 2


def test_templates_list_prints_what_the_page_shows(worked_example):
    listing = next(body for lang, body in blocks(PAGE.read_text(encoding="utf-8")) if lang == "")
    assert worked_example["briefgen templates list"] == listing


def test_templates_show_prints_files_chain_and_resolved_style(worked_example):
    shown = worked_example["briefgen templates show parliament"]
    assert "folder:   templates/parliament\n" in shown
    assert "extends:  parliament -> practitioner" in shown
    assert "  brief.md.j2\n  logo.png\n  style.yaml\n" in shown
    assert "accent: '#6B2C91'" in shown and "- medium" in shown and "Actions prioritaires" in shown


def test_the_new_audience_reflects_each_change(worked_example, tmp_path):
    pdf = pypdf.PdfReader(tmp_path / "ws" / "out" / "kazakhstan-osce-2010" / "kazakhstan-osce-2010_parliament.pdf")
    text = " ".join(page.extract_text() for page in pdf.pages)
    first = pdf.pages[0]
    assert "Résumé" in text and "Actions prioritaires" in text and "Messages clés" in text  # French labels
    assert f"Page 1 sur {len(pdf.pages)}" in first.extract_text()
    assert "Qui:" in text and "Quand:" in text
    assert "DOCUMENT DE TRAVAIL" in text  # the marking
    assert (
        b"0.419608 0.172549 0.568627 rg" in first.get_contents().get_data()
        or b".419608 .172549 .568627 rg" in first.get_contents().get_data()
    )  # the accent colour, #6B2C91
    images = [x.get_object() for x in first["/Resources"]["/XObject"].values()]
    assert any(x["/Subtype"] == "/Image" for x in images)  # the logo
    assert "Put outstanding border disputes on a multilateral agenda" in text  # medium priority is in
    assert "Help harmonise Russian, SCO and NATO activities" not in text  # low priority is out
    assert "La version complète contient 2 autres recommandations." in text
    assert len(pdf.pages) <= 4


def test_overrides_and_audience_tags_apply(worked_example, tmp_path):
    pdf = pypdf.PdfReader(tmp_path / "ws" / "out" / "example-overrides" / "example-overrides_parliament.pdf")
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Un résumé pour les parlementaires." in text
    assert "Ouvrir un dialogue régional sur l’eau" in text
    assert "A point for diplomats only" not in text


def test_templates_new_never_overwrites(worked_example):
    result = CliRunner().invoke(cli, ["templates", "new", "parliament", "--from", "press"])
    assert result.exit_code == 1
    assert "templates/parliament already exists; not overwriting it" in result.output


# ---------------------------------------------------------------- every page's commands


def _sh_lines(page: Path) -> list[str]:
    """Each line of the page's ```sh blocks as written, a line ending in a backslash joined to the next."""
    lines = []
    for lang, body in blocks(page.read_text(encoding="utf-8")):
        if lang == "sh":
            lines += [line for line in body.replace("\\\n", " ").splitlines() if line.strip()]
    return lines


def shown_commands(page: Path) -> list[str]:
    """Each command the page shows, its comment cut off, its words as the shell splits them."""
    return [shlex.join(shlex.split(line, comments=True)) for line in _sh_lines(page)]


def _is_briefgen(command: str) -> bool:
    return command.startswith(("briefgen ", "python -m briefgen "))


def _raw(command: str, page: Path) -> str:
    """The line as the page writes it (quotes kept), for finding it in .ci/run."""
    for line in _sh_lines(page):
        if shlex.join(shlex.split(line, comments=True)) == command:
            return line.split("  #")[0].strip()
    raise AssertionError(command)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_a_page_shows_is_run_by_the_tests_or_by_ci(page: Path) -> None:
    if page == PAGE:
        return  # the worked example: run by the tests above
    for command in shown_commands(page):
        if _is_briefgen(command) and command not in ELSEWHERE:
            continue  # test_the_briefgen_commands_each_page_shows_run_as_written
        if command in ELSEWHERE:
            where, test = ELSEWHERE[command].split("::")
            assert f"def {test}(" in (ROOT / where).read_text(encoding="utf-8"), ELSEWHERE[command]
            continue
        assert _raw(command, page) in CI, f"{page.name}: nothing runs `{command}`: run it in .ci/run or a test"


def test_the_readme_setup_commands_are_the_ones_ci_runs() -> None:
    """The two commands a newcomer types first: CI runs exactly these (quietly)."""
    install, test = [body.strip() for lang, body in blocks((ROOT / "README.md").read_text("utf-8")) if lang == "sh"][:2]
    assert install == (
        "python3 -m venv .venv && . .venv/bin/activate && pip install -c constraints.txt . && briefgen build"
    )
    assert test == ". .venv/bin/activate && pip install -c constraints.txt '.[test]' && python -m pytest"
    assert install in CI and test in CI


def _sample_workspace(folder: Path) -> None:
    (folder / "briefs").mkdir()
    for name in (
        "kazakhstan-osce-2010.yaml",
        "distribution.csv",
        "kazakhstan-osce-2011.yaml",
        "kazakhstan-osce-2011.bib",
    ):
        shutil.copy(ROOT / "briefs" / name, folder / "briefs" / name)
    shutil.copy(ROOT / "references.bib", folder / "references.bib")


def _run(command: str) -> None:
    words = shlex.split(command)
    words = words[3:] if words[:3] == ["python", "-m", "briefgen"] else words[1:]
    args = [match for word in words for match in (sorted(glob.glob(word)) if "*" in word else [word])]
    if "--server" in args or args[:1] == ["server"]:  # the build server is reached by the `briefgen` command itself
        done = subprocess.run([sys.executable, "-m", "briefgen", *args], capture_output=True, text=True)
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
        return
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, f"{command}\n{result.output}"


RUNNABLE = [p for p in PAGES if p != PAGE and any(_is_briefgen(c) and c not in ELSEWHERE for c in shown_commands(p))]


@pytest.mark.parametrize("page", RUNNABLE, ids=lambda p: p.name)
def test_the_briefgen_commands_each_page_shows_run_as_written(page: Path, tmp_path, monkeypatch) -> None:
    """In order, in a fresh copy of the sample workspace; each must succeed."""
    _sample_workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for command in [c for c in shown_commands(page) if _is_briefgen(c) and c not in ELSEWHERE]:
        if "--send" in command.split():
            with smtp_server(tmp_path) as server:
                (tmp_path / "mail.yaml").write_text(server.config(), encoding="utf-8")
                monkeypatch.setenv("BRIEFGEN_SMTP_PASSWORD", PASSWORD)
                _run(command)
            assert server.received, f"{command}: nothing reached the server"
        else:
            _run(command)


def test_the_golden_update_command_rewrites_every_golden_file_as_built(tmp_path) -> None:
    """CONTRIBUTING.md's command, run into a scratch folder: it writes what the golden files hold."""
    command = shlex.split(next(c for c in shown_commands(ROOT / "CONTRIBUTING.md") if "--update-golden" in c))
    env = {**os.environ, "BRIEFGEN_GOLDEN_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    command[0] = sys.executable
    subprocess.run([*command, "-q", "-p", "no:cacheprovider"], cwd=ROOT, env=env, check=True, capture_output=True)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    golden = ROOT / "tests" / "golden"
    assert written == sorted(p.relative_to(golden) for p in golden.rglob("*") if p.is_file())
    assert all((tmp_path / name).read_bytes() == (golden / name).read_bytes() for name in written)
