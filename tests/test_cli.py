"""End-to-end runs of the good paths through click's CliRunner, in a throwaway workspace."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile

import docx
import pypdf
import pytest
from click.testing import CliRunner

from briefgen.cli import cli

from conftest import ROOT, require_program

KAZAKH = """\
title: "Қазақстан and the OSCE"
subtitle: "Нұр-Сұлтан, Türkmenbaşy and Алматы"
date: 2019-03-20
language: kk
summary: |
  Президент Назарбаев steps down; the capital Астана becomes Нұр-Сұлтан.
  Ölkeler: Türkmenbaşy, Şymkent, Өскемен.
recommendations:
  - group: Орталық Азия
    items:
      - id: KZ-1
        title: Қазақстан should keep its OSCE commitments
        priority: high
"""
KAZAKH_WORDS = ["Қазақстан", "Нұр-Сұлтан", "Назарбаев", "Türkmenbaşy", "Өскемен", "Şymkent"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_build_writes_eight_files_with_readable_names(workspace):
    result = run("build")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (workspace / "out" / "kazakhstan-osce-2010").iterdir())
    assert written == sorted(
        [
            *(
                f"kazakhstan-osce-2010_{a}.{f}"
                for a in ("academic", "policymaker", "practitioner", "press")
                for f in ("docx", "pdf")
            ),
            "manifest.json",
        ]
    )
    assert not list(workspace.glob("out/**/.briefgen-*"))  # no temporary files left behind


def test_build_one_audience_one_format_into_a_chosen_folder(workspace):
    result = run("build", "briefs/kazakhstan-osce-2010.yaml", "-a", "policymaker", "-f", "pdf", "-o", "elsewhere")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (workspace / "elsewhere" / "kazakhstan-osce-2010").iterdir()) == [
        "kazakhstan-osce-2010_policymaker.pdf",
        "manifest.json",
    ]


def test_strict_fails_when_a_pdf_is_longer_than_its_audience_allows(workspace):
    shorter = workspace / "templates" / "practitioner"
    shutil.copytree(ROOT / "templates" / "practitioner", shorter)
    with (shorter / "style.yaml").open("a", encoding="utf-8") as fh:
        fh.write("max_pages: 3\n")
    warned = run("build", "-a", "practitioner", "-f", "pdf")
    assert warned.exit_code == 0
    assert "allows 3 (max_pages)" in warned.output
    strict = run("build", "-a", "practitioner", "-f", "pdf", "--strict", "-o", "strict")
    assert strict.exit_code == 1
    assert not (workspace / "strict").exists()


def test_audiences_lists_each_audience_and_what_it_gets(workspace):
    result = run("audiences")
    assert result.exit_code == 0
    names = re.findall(r"^(\w+)\s", result.output, flags=re.M)
    assert names == ["academic", "policymaker", "practitioner", "press"]
    assert "max 2 pages" in result.output and "priorities: high;" in result.output


def test_check_warns_about_bibliography_entries_nobody_cites(workspace):
    with (workspace / "references.bib").open("a", encoding="utf-8") as fh:
        fh.write("\n@book{unused2001, author = {Nobody, A.}, title = {Never Cited}, year = {2001}}\n")
    result = run("check")
    assert result.exit_code == 0
    assert (
        "warning: references.bib: 1 entries not cited by briefs/kazakhstan-osce-2010.yaml: unused2001" in result.output
    )


def test_python_dash_m_briefgen_runs():
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "--version"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.startswith("briefgen, version ")


@pytest.mark.literal_syntax  # the title is "{{ 7 * 7 }}" on purpose: it must print as written
def test_a_brief_title_with_template_syntax_prints_as_written(workspace):
    brief = workspace / "briefs" / "kazakhstan-osce-2010.yaml"
    text = brief.read_text(encoding="utf-8").replace(
        'title: "Kazakhstan’s OSCE Chairmanship 2010:', 'title: "Kazakhstan’s {{ 7 * 7 }} Chairmanship 2010:', 1
    )
    brief.write_text(text, encoding="utf-8")
    assert run("build", "-a", "press", "-f", "pdf").exit_code == 0
    pdf = pypdf.PdfReader(workspace / "out" / "kazakhstan-osce-2010" / "kazakhstan-osce-2010_press.pdf")
    assert pdf.metadata.title.startswith("Kazakhstan’s {{ 7 * 7 }} Chairmanship")


@pytest.fixture
def kazakh(workspace):
    (workspace / "briefs" / "kazakhstan-osce-2010.yaml").unlink()
    (workspace / "briefs" / "kazakh.yaml").write_text(KAZAKH, encoding="utf-8")
    assert run("build", "-a", "practitioner").exit_code == 0
    return workspace / "out" / "kazakh"


def test_kazakh_cyrillic_survives_in_the_pdf(kazakh):
    pdftotext = require_program("pdftotext")
    text = subprocess.run(
        [pdftotext, str(kazakh / "kazakh_practitioner.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for word in KAZAKH_WORDS:
        assert word in text


def test_kazakh_cyrillic_survives_in_the_docx_as_libreoffice_renders_it(kazakh, tmp_path):
    soffice = require_program("soffice")
    body = " ".join(p.text for p in docx.Document(kazakh / "kazakh_practitioner.docx").paragraphs)
    assert "Назарбаев" in body
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(kazakh / "kazakh_practitioner.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    rendered = pypdf.PdfReader(io.BytesIO((tmp_path / "kazakh_practitioner.pdf").read_bytes()))
    text = " ".join(page.extract_text() for page in rendered.pages)
    for word in KAZAKH_WORDS:
        assert word in text


def test_an_audience_style_sets_logo_header_and_footer(workspace):
    from PIL import Image

    folder = workspace / "templates" / "branded"
    folder.mkdir(parents=True)
    Image.new("RGB", (240, 80), (200, 40, 40)).save(folder / "logo.png")
    (folder / "style.yaml").write_text(
        "extends: practitioner\nlogo: logo.png\nlogo_alt: Example emblem\n"
        "header: '{organisation} · {date}'\nfooter: 'Briefing for {audience}'\n",
        encoding="utf-8",
    )
    result = run("build", "-a", "branded")
    assert result.exit_code == 0, result.output
    out = workspace / "out" / "kazakhstan-osce-2010"
    pdf = pypdf.PdfReader(out / "kazakhstan-osce-2010_branded.pdf")
    xobjects = pdf.pages[0]["/Resources"]["/XObject"].values()
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects)
    assert "Briefing for branded" in pdf.pages[0].extract_text()
    assert "Central Asia Security Programme · 15 January 2010" in pdf.pages[1].extract_text()
    with zipfile.ZipFile(out / "kazakhstan-osce-2010_branded.docx") as z:
        assert any(n.startswith("word/media/") for n in z.namelist())
        footers = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
        assert "Briefing for branded" in footers


def test_a_missing_logo_is_an_error_in_the_style_file(workspace):
    folder = workspace / "templates" / "branded"
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text("extends: practitioner\nlogo: nowhere.png\nlogo_alt: x\n", encoding="utf-8")
    result = run("build", "-a", "branded")
    assert result.exit_code == 1
    assert "templates/branded/style.yaml:2:7: logo: 'nowhere.png' is not a PNG or JPEG file" in result.output


# ---------------------------------------------------------------- one design, settings that take effect


def _audience(workspace, name: str, style: str) -> None:
    folder = workspace / "templates" / name
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text(style, encoding="utf-8")


def test_build_html_writes_a_page_per_audience_and_the_manifest_says_what_was_made(workspace):
    import json

    result = run("build", "-f", "html", "-f", "pdf", "-a", "practitioner", "-a", "press")
    assert result.exit_code == 0, result.output
    folder = workspace / "out" / "kazakhstan-osce-2010"
    page = (folder / "kazakhstan-osce-2010_practitioner.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Convene a standing multilateral forum on water management" in page
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    entries = {e["file"]: e for e in manifest["outputs"]}
    pdf = entries["kazakhstan-osce-2010_practitioner.pdf"]
    assert pdf["pages"] == len(pypdf.PdfReader(folder / pdf["file"]).pages)
    assert pdf["notes"] == entries["kazakhstan-osce-2010_practitioner.html"]["notes"] > 20
    assert "zagorski2009" in pdf["cited"] and entries["kazakhstan-osce-2010_press.pdf"]["notes"] == 0


def test_bibliography_none_drops_the_sources_list_the_template_asks_for(workspace):
    _audience(workspace, "quiet", "extends: press\nbibliography: none\n")
    assert run("build", "-a", "quiet", "-a", "press", "-f", "html").exit_code == 0
    folder = workspace / "out" / "kazakhstan-osce-2010"
    assert ">Sources<" in (folder / "kazakhstan-osce-2010_press.html").read_text("utf-8")
    assert ">Sources<" not in (folder / "kazakhstan-osce-2010_quiet.html").read_text("utf-8")


def test_timeframe_false_hides_the_overview_column_and_the_cards_when(workspace):
    _audience(workspace, "timeless", "extends: practitioner\ncontent: {timeframe: false}\n")
    assert run("build", "-a", "timeless", "-f", "pdf").exit_code == 0
    text = "".join(
        p.extract_text()
        for p in pypdf.PdfReader(workspace / "out/kazakhstan-osce-2010/kazakhstan-osce-2010_timeless.pdf").pages
    )
    assert "When" not in text and "2010–2011" not in text and "Who:" in text


def test_rationale_none_leaves_no_rationale_even_where_the_template_prints_it(workspace):
    _audience(workspace, "terse", "extends: press\ncontent: {rationale: none}\n")
    assert run("build", "-a", "terse", "-a", "press", "-f", "html").exit_code == 0
    folder = workspace / "out" / "kazakhstan-osce-2010"
    press = (folder / "kazakhstan-osce-2010_press.html").read_text("utf-8")
    terse = (folder / "kazakhstan-osce-2010_terse.html").read_text("utf-8")
    sentence = "Water is the region’s most combustible dispute."
    assert sentence in press and sentence not in terse


@pytest.mark.literal_syntax  # `@some_key` in a code span prints as written
def test_check_and_build_agree_that_a_key_in_code_is_not_a_citation(workspace):
    brief = workspace / "briefs" / "kazakhstan-osce-2010.yaml"
    text = brief.read_text("utf-8").replace("summary: |\n", "summary: |\n  Cite works with `@some_key` syntax.\n", 1)
    brief.write_text(text, encoding="utf-8")
    assert "`@some_key`" in text
    result = run("check", str(brief))
    assert result.exit_code == 0, result.output
    assert run("build", str(brief), "-a", "practitioner", "-f", "html").exit_code == 0


# ---------------------------------------------------------------- how much a command says


def test_quiet_prints_nothing_but_errors(workspace):
    result = CliRunner().invoke(cli, ["-q", "build", "-a", "press", "-f", "txt"])
    assert result.exit_code == 0
    assert result.output == ""
    assert (workspace / "out" / "kazakhstan-osce-2010" / "kazakhstan-osce-2010_press.txt").is_file()
    bad = CliRunner().invoke(cli, ["-q", "build", "nowhere.yaml"])
    assert bad.exit_code == 1 and "nowhere.yaml: no such file" in bad.output


def test_verbose_names_the_bibliography_template_pages_and_size(workspace):
    result = CliRunner().invoke(cli, ["-v", "build", "-a", "press", "-f", "pdf"])
    assert result.exit_code == 0
    assert re.search(r"kazakhstan-osce-2010\.yaml: bibliography references\.bib \(\d+ entries\)", result.output)
    assert re.search(r"kazakhstan-osce-2010_press\.pdf \(press/brief\.md\.j2, [1-3] pages?, \d+ KB\)", result.output)


def test_quiet_and_verbose_together_is_a_usage_error(workspace):
    result = CliRunner().invoke(cli, ["-q", "-v", "check"])
    assert result.exit_code == 2
    assert "-q and -v contradict each other" in result.output


def test_shell_completion_offers_commands_and_audiences(workspace, monkeypatch):
    def complete(words: str) -> str:
        env = {"_BRIEFGEN_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
        return CliRunner().invoke(cli, [], prog_name="briefgen", env=env).output

    assert "plain,build" in complete("briefgen bu")
    assert complete("briefgen build -a p").split() == ["plain,policymaker", "plain,practitioner", "plain,press"]


def test_watch_rebuilds_what_an_edit_affects_and_says_how_long_it_took(workspace):
    """A real `briefgen watch` process: first build, an edit, the rebuild of the one audience it touched."""
    import os
    import queue
    import signal
    import threading

    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "watch", "-f", "txt", "-j", "1", "--interval", "0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()

    def until_done() -> list[str]:
        seen = []
        while True:
            line = lines.get(timeout=60)
            seen.append(line)
            if "watching for changes" in line:
                return seen

    try:
        first = until_done()
        assert sum("_practitioner.txt" in line or "_press.txt" in line for line in first) == 2, first
        assert re.search(r"done in \d+\.\d\d s", first[-1])
        brief = workspace / "briefs" / "kazakhstan-osce-2010.yaml"
        text = brief.read_text(encoding="utf-8")
        brief.write_text(text.replace("Kazakhstan’s credibility as chair", "Kazakhstan’s standing as chair"), "utf-8")
        second = until_done()
        written = [line for line in second if line.strip().endswith(".txt")]
        assert written == ["out/kazakhstan-osce-2010/kazakhstan-osce-2010_press.txt\n"], second
        assert re.search(r"done in \d+\.\d\d s", second[-1])
        brief.write_text("title: [unclosed\n", encoding="utf-8")  # mid-edit: an error, and it goes on watching
        broken = until_done()
        assert "failed in" in broken[-1], broken
        assert any("kazakhstan-osce-2010.yaml:2:1: invalid YAML" in line for line in broken), broken
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0


def _stderr_on_a_terminal(*args: str) -> str:
    """Run briefgen with its stderr on a pseudo-terminal, as at a shell prompt; what it wrote there."""
    import os
    import pty

    main, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.run(
        [sys.executable, "-m", "briefgen", *args], stderr=secondary, stdout=subprocess.PIPE, env=env, timeout=300
    )
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
    assert process.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_progress_bar_shows_on_a_terminal_only(workspace):
    shown = _stderr_on_a_terminal("build", "-f", "txt", "-f", "html", "-j", "1")
    assert "building" in shown and "100%" in shown
    quiet = _stderr_on_a_terminal("-q", "build", "-f", "txt", "-f", "html", "-j", "1", "--force")
    assert "building" not in quiet
    piped = CliRunner().invoke(cli, ["build", "-f", "txt", "-f", "html", "-j", "1", "--force"])
    assert piped.exit_code == 0 and "building" not in piped.output


def test_a_logo_without_its_text_alternative_is_refused_and_the_alt_reaches_every_format(workspace):
    import pikepdf
    from PIL import Image

    folder = workspace / "templates" / "branded"
    folder.mkdir(parents=True)
    Image.new("RGB", (240, 80), (200, 40, 40)).save(folder / "logo.png")
    (folder / "style.yaml").write_text("extends: practitioner\nlogo: logo.png\n", encoding="utf-8")
    result = run("build", "-a", "branded")
    assert result.exit_code != 0
    assert "templates/branded/style.yaml:2:7: logo_alt: 'logo.png' needs a text alternative" in result.output
    assert not (workspace / "out").exists()

    (folder / "style.yaml").write_text("extends: practitioner\nlogo: logo.png\nlogo_alt: Red emblem\n", "utf-8")
    result = run("build", "-a", "branded")
    assert result.exit_code == 0, result.output
    out = workspace / "out" / "kazakhstan-osce-2010"
    with pikepdf.open(out / "kazakhstan-osce-2010_branded.pdf") as pdf:
        figure = next(k for k in pdf.Root.StructTreeRoot.K.K if k.S == "/Figure")
        assert str(figure.Alt) == "Red emblem"
    with zipfile.ZipFile(out / "kazakhstan-osce-2010_branded.docx") as z:
        assert 'descr="Red emblem"' in z.read("word/document.xml").decode()


def test_low_contrast_colours_warn_at_the_line_that_set_them_and_fail_with_strict(workspace):
    base = workspace / "templates" / "greyish"
    child = workspace / "templates" / "greyish-box"
    base.mkdir(parents=True)
    child.mkdir()
    (base / "style.yaml").write_text('extends: practitioner\ncolours:\n  muted: "#777777"\n', "utf-8")
    (child / "style.yaml").write_text('extends: greyish\ncolours:\n  box: "#555555"\n', "utf-8")

    result = run("build", "-a", "greyish", "-f", "txt")
    assert result.exit_code == 0, result.output
    assert (
        "warning: templates/greyish/style.yaml:3:10: colours.muted: #777777 on #FFFFFF has contrast 4.48:1, "
        "below the 4.5:1 WCAG 2.1 asks for small print on the page" in result.output
    )

    result = run("build", "-a", "greyish-box", "-f", "txt", "-o", "strict-out", "--strict")
    assert result.exit_code == 1
    assert "templates/greyish/style.yaml:3:10: colours.muted" in result.output  # set by the parent
    assert "templates/greyish-box/style.yaml:3:8: colours.box: #1A1A1A on #555555" in result.output
    assert not (workspace / "strict-out").exists()

    checked = run("check")
    assert "warning: templates/greyish-box/style.yaml:3:8: colours.box" in checked.output

    result = run("build", "-a", "greyish", "-f", "txt", "--strict")  # its output is up to date
    assert result.exit_code == 1 and "colours.muted" in result.output
