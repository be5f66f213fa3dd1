"""A translation as a gettext PO file: exported for translators' tools, imported back checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from briefgen.app.build import run_build
from briefgen.app.events import Recorder
from briefgen.app.plan import BuildRequest
from briefgen.app.po import export_po, import_po
from briefgen.errors import BriefError
from briefgen.folders import search_path
from briefgen.translation import leaves
from briefgen.yamlsource import field_name, read_yaml

ROOT = Path(__file__).resolve().parents[1]
BRIEF = Path("briefs/kazakhstan-osce-2010.yaml")
RUSSIAN = Path("briefs/kazakhstan-osce-2010.ru.yaml")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (tmp_path / "briefs").mkdir()
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    shutil.copy(ROOT / BRIEF, tmp_path / BRIEF)
    return tmp_path


def _catalog(po: bytes):
    from io import BytesIO

    return read_po(BytesIO(po))


def _shipped_texts() -> dict[str, str]:
    data, _ = read_yaml(ROOT / RUSSIAN, str(RUSSIAN), BriefError)
    return {field_name(p): t for p, t in leaves(data).items()}


def test_export_names_every_field_its_source_text_and_line(workspace):
    shutil.copy(ROOT / RUSSIAN, workspace / RUSSIAN)
    po = export_po(BRIEF, "ru")
    messages = [m for m in _catalog(po) if m.id]
    source_lines = (workspace / BRIEF).read_text("utf-8").splitlines()
    contexts = [m.context for m in messages]
    assert len(contexts) == len(set(contexts)) == 101
    shipped = _shipped_texts()
    for message in messages:
        assert message.string == shipped[message.context]
        ((file, line),) = message.locations
        assert file == "briefs/kazakhstan-osce-2010.yaml"
        first_words = str(message.id).split()[0].strip("*")
        assert first_words in source_lines[line - 1] or first_words in source_lines[line], message.context
    assert b"POT-Creation-Date: 2010-01-15 00:00+0000" in po and b'"Language: ru\\n"' in po
    assert export_po(BRIEF, "ru") == po  # no clock in it


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_export(workspace):
    import subprocess

    shutil.copy(ROOT / RUSSIAN, workspace / RUSSIAN)
    (workspace / "ru.po").write_bytes(export_po(BRIEF, "ru"))
    done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", "ru.po"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # not even a warning of a header left at its placeholder


def test_the_po_header_names_the_brief_not_placeholders(workspace):
    po = export_po(BRIEF, "ru").decode("utf-8")
    header = po[: po.index('msgctxt "title"')]
    assert "Project-Id-Version: kazakhstan-osce-2010 2010-01-15" in header
    assert "Report-Msgid-Bugs-To: briefs@example.org" in header and "Language-Team: ru" in header
    assert "# Translation into 'ru' of briefs/kazakhstan-osce-2010.yaml" in header
    for placeholder in ("FULL NAME", "EMAIL@ADDRESS", "ORGANIZATION", "VERSION", "LL@li.org"):
        assert placeholder not in header


def _filled(workspace: Path, change=lambda name, text: text) -> Path:
    """The export without a translation, every msgstr filled from the shipped translation, as a translator would."""
    catalog = _catalog(export_po(BRIEF, "ru"))
    assert all(not m.string for m in catalog if m.id)
    shipped = _shipped_texts()
    for message in catalog:
        if message.id:
            message.string = change(message.context, shipped[message.context])
    path = workspace / "ru.po"
    with open(path, "wb") as stream:
        write_po(stream, catalog)
    return path


def _build(out: str) -> bytes:
    request = BuildRequest(
        [RUSSIAN], ("practitioner",), ("md",), Path(out), (), False, search_path(None), 1, False, False, ("ru",)
    )
    assert run_build(request, Recorder()) == 0
    (written,) = sorted(Path(out).rglob("*.md"))
    return written.read_bytes()


def test_round_trip_through_po_builds_the_same_bytes_as_the_shipped_translation(workspace):
    shutil.copy(ROOT / RUSSIAN, workspace / RUSSIAN)
    shipped = _build("shipped")
    (workspace / RUSSIAN).unlink()
    path, stamped, open_ = import_po(_filled(workspace), BRIEF)
    assert (path, stamped, open_) == (RUSSIAN, 101, 0)
    assert _build("imported") == shipped


def test_a_broken_citation_is_an_error_naming_the_entry_and_the_po_line(workspace):
    po = _filled(workspace, lambda name, text: text.replace("[@", "[@nosuch") if name == "sections[0].body" else text)
    po.write_text(po.read_text("utf-8"), "utf-8")
    summary_line = next(m.lineno for m in _catalog(po.read_bytes()) if m.context == "sections[0].body")
    with pytest.raises(BriefError) as raised:
        import_po(po, BRIEF)
    said = str(raised.value).splitlines()
    assert said and said[0].startswith(f"ru.po:{summary_line}:")
    assert "sections[0].body" in said[0] and "keep every [@key]" in said[0]
    assert not (workspace / RUSSIAN).exists()  # no partial output


def test_a_changed_source_field_exports_fuzzy_with_its_old_text_and_imports_unstamped(workspace):
    import subprocess

    from briefgen.translation import digest

    import_po(_filled(workspace), BRIEF)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    has_git = shutil.which("git") is not None
    if has_git:  # the old text comes from git: the previous msgid translators' tools show
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", str(BRIEF)], check=True)
        subprocess.run([*git, "commit", "-q", "-m", "source"], check=True)
    text = (workspace / BRIEF).read_text("utf-8")
    (workspace / BRIEF).write_text(text.replace("Ten priorities for Central", "Eleven priorities for"), "utf-8")
    po = export_po(BRIEF, "ru")
    subtitle = next(m for m in _catalog(po) if m.context == "subtitle")
    assert subtitle.fuzzy and subtitle.id == "Eleven priorities for Asia, Afghanistan and Europe"
    old = b'#, fuzzy\n#| msgid "Ten priorities for Central Asia, Afghanistan and Europe"\nmsgctxt "subtitle"'
    assert (old in po) == has_git
    (workspace / "ru.po").write_bytes(po)
    _, stamped, open_ = import_po(workspace / "ru.po", BRIEF)
    assert (stamped, open_) == (100, 1)
    data, _ = read_yaml(workspace / RUSSIAN, "ru", BriefError)
    assert data["subtitle"] == "Десять приоритетов для Центральной Азии, Афганистана и Европы"
    assert data["source"]["subtitle"] == digest("Ten priorities for Central Asia, Afghanistan and Europe")
    assert data["source"]["summary"] == digest(next(m.id for m in _catalog(po) if m.context == "summary"))
