"""Issue 28, item 3: the per-user cache starts a build warm and can never change an output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen import cache
from briefgen.cli import cli

from conftest import ROOT, SAMPLE

ARGS = [str(SAMPLE), "--bib", str(ROOT / "references.bib"), "-a", "practitioner", "-a", "academic", "-l", "en"]
FORMATS = ["-f", "pdf", "-f", "docx", "-f", "html"]


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.FOLDER, str(folder))
    monkeypatch.delenv(cache.OFF, raising=False)
    monkeypatch.chdir(tmp_path)
    return folder


def _build(out: str, *options: str) -> dict[str, bytes]:
    result = CliRunner().invoke(cli, [*options, "build", *ARGS, *FORMATS, "-o", out, "--force", "-j", "1"])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in sorted(Path(out).rglob("*")) if p.is_file() and p.name != "manifest.json"}


def _entries(folder: Path) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.name.startswith("."):  # not the trimming's mark
            kind = path.relative_to(folder).parts[0]
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def test_cold_warm_and_corrupted_caches_make_the_same_bytes(store):
    cold = _build("cold")
    kinds = _entries(store)
    # the bibliography, the brief and styles; templates too, unless this process compiled them already
    # (Jinja keeps them in memory): test_a_warm_build_imports_... sees them made by fresh processes
    assert {"bib", "schema"} <= set(kinds) <= {"bib", "schema", "jinja"} and kinds["bib"] == 1
    assert _build("warm") == cold
    for path in store.rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # every entry cut in half
    assert _build("damaged") == cold
    assert _build("rewritten") == cold  # the damaged entries were replaced by whole ones
    assert len(cold) == 6


def test_a_warm_build_imports_neither_jsonschema_nor_pybtex(store, tmp_path):
    command = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "briefgen",
        "build",
        *ARGS,
        "-f",
        "pdf",
        "-o",
        "out",
        "--force",
    ]
    env = {**os.environ, cache.FOLDER: str(store)}
    subprocess.run(command, cwd=tmp_path, env=env, check=True, capture_output=True)  # cold: fills the cache
    assert _entries(store)["jinja"] == 3  # the two audiences' templates and the macros they import, compiled
    warm = subprocess.run(command, cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in warm.stderr.splitlines() if line.startswith("import time")}
    assert "briefgen.build" in imported and not imported & {"jsonschema", "pybtex", "pylatexenc"}
    off = subprocess.run([*command[:4], "briefgen", "--no-cache", *command[5:]], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True)  # fmt: skip
    assert "jsonschema" in {line.rsplit("|", 1)[-1].strip() for line in off.stderr.splitlines()}


def test_no_cache_reads_and_writes_nothing(store):
    _build("out", "--no-cache")
    assert not store.exists()


def test_a_changed_input_is_a_miss_and_a_mistake_is_never_remembered(store, tmp_path):
    bib = tmp_path / "refs.bib"
    good = (ROOT / "references.bib").read_text(encoding="utf-8")
    bib.write_text(good, encoding="utf-8")
    args = ["build", str(SAMPLE), "--bib", str(bib), "-a", "press", "-f", "txt", "-o", "out", "--force"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    bib.write_text(good + "\n@misc{hamm2006, title = {Twice}}\n", encoding="utf-8")  # a key defined twice
    broken = CliRunner().invoke(cli, args)
    assert broken.exit_code == 1 and "refs.bib" in broken.stderr
    assert CliRunner().invoke(cli, args).exit_code == 1  # still an error: only what passed is kept
    assert _entries(store)["bib"] == 1


def test_cache_info_and_clear(store):
    _build("out")
    info = CliRunner().invoke(cli, ["cache", "info"])
    assert info.exit_code == 0 and f"{store}: " in info.output and "files" in info.output
    cleared = CliRunner().invoke(cli, ["cache", "clear"])
    assert cleared.exit_code == 0 and "removed" in cleared.output and not store.exists()


def test_the_cache_is_bounded_least_recently_used_first(store):
    for i in range(6):
        cache.put("bib", f"entry{i}", b"x" * 1000)
        os.utime(store / "bib" / f"entry{i}", ns=(i * 10**9, i * 10**9))
    assert cache.get("bib", "entry0") == b"x" * 1000  # used: now the most recent
    cache.trim(limit=3500)
    assert sorted(p.name for p in (store / "bib").iterdir()) == ["entry0", "entry4", "entry5"]


def test_runs_side_by_side_share_one_cache(store, tmp_path):
    command = [sys.executable, "-m", "briefgen", "build", *ARGS, "-f", "pdf", "--force", "-j", "1", "-o"]
    env = {**os.environ, cache.FOLDER: str(store)}
    runs = [subprocess.Popen([*command, f"out{i}"], cwd=tmp_path, env=env) for i in range(3)]
    assert [run.wait() for run in runs] == [0, 0, 0]
    pdfs = {(tmp_path / f"out{i}" / "kazakhstan-osce-2010" / "kazakhstan-osce-2010_academic.pdf").read_bytes()
            for i in range(3)}  # fmt: skip
    assert len(pdfs) == 1 and not list(store.rglob(".tmp-*"))
