"""The front door's manners: what a base audience extends, a closed pipe, a terminal without escape codes,
and shell completion of audience names."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner

from briefgen.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample brief, bibliography and templates, copied."""
    shutil.copytree(ROOT / "briefs", tmp_path / "briefs")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copy(ROOT / "references.bib", tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _briefgen(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **kwargs.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "briefgen", *args], env=env, timeout=300, **kwargs)


def test_a_base_audience_extends_nothing_and_a_child_shows_its_chain(workspace):
    base = CliRunner().invoke(cli, ["templates", "show", "practitioner"])
    assert base.exit_code == 0, base.output
    assert "extends:  nothing\n" in base.output
    assert "extends:  practitioner" not in base.output
    child = CliRunner().invoke(cli, ["templates", "show", "academic"])
    assert "extends:  academic -> practitioner\n" in child.output


@pytest.mark.parametrize("args", [["templates", "list"], ["build", "-a", "press", "-f", "txt", "-j", "1"]])
def test_a_closed_pipe_ends_the_command_quietly(workspace, args):
    """`briefgen templates list | head -1`: no "Broken pipe" message, no traceback; exit 1 as click's tools do."""
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone before the first line is written
    try:
        result = _briefgen(*args, stdout=writer, stderr=subprocess.PIPE)
    finally:
        os.close(writer)
    assert result.stderr == b""
    assert result.returncode == 1


def _on_a_terminal(env: dict[str, str], *args: str) -> bytes:
    """Run briefgen with stdout and stderr on one pseudo-terminal; every byte that reached it."""
    import pty

    main, secondary = pty.openpty()
    result = _briefgen(*args, stdout=secondary, stderr=secondary, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed: all read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert result.returncode == 0
    return b"".join(chunks)


@pytest.mark.parametrize("env", [{"TERM": "dumb"}, {"TERM": "xterm", "NO_COLOR": "1"}], ids=["dumb", "no-color"])
def test_a_terminal_without_escape_codes_gets_none_and_still_a_progress_bar(workspace, env):
    shown = _on_a_terminal(env, "build", "-a", "press", "-f", "txt", "-f", "md", "-j", "1", "--force")
    assert b"\x1b" not in shown, shown
    assert b"building" in shown and b"100%" in shown
    assert b"out/kazakhstan-osce-2010/kazakhstan-osce-2010_press.md" in shown


def test_a_terminal_that_takes_escape_codes_keeps_the_bar_it_had(workspace):
    shown = _on_a_terminal({"TERM": "xterm"}, "build", "-a", "press", "-f", "txt", "-f", "md", "-j", "1", "--force")
    assert b"\x1b[K" in shown and b"100%" in shown


def _completions(*words: str) -> list[str]:
    complete = ShellComplete(cli, {}, "briefgen", "_BRIEFGEN_COMPLETE")
    *args, incomplete = words
    return [c.value for c in complete.get_completions(args, incomplete)]


def test_audience_names_complete_wherever_an_audience_is_asked_for(workspace):
    (workspace / "templates" / "parliament").mkdir()
    (workspace / "templates" / "parliament" / "style.yaml").write_text("extends: practitioner\n", "utf-8")
    assert _completions("templates", "show", "p") == ["parliament", "policymaker", "practitioner", "press"]
    assert _completions("templates", "new", "mine", "--from", "pr") == ["practitioner", "press"]
    assert _completions("build", "-a", "ac") == ["academic"]
