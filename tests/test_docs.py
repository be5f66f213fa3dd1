"""docs/customising.md runs as written: every shell line and file in it is executed here.

Conventions of the page: ```sh blocks hold commands (`briefgen ...`, `cd`, `cp`), ```yaml
blocks starting with `# file: PATH` are written to PATH. The test then checks that each
change the page makes shows in the output.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from briefgen.cli import cli

from conftest import ROOT

PAGE = ROOT / "docs" / "customising.md"


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
    assert len(pdf.pages) <= 3


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
