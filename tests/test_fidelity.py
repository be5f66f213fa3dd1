"""End to end on briefs nobody tuned briefgen for: every audience, every format, no leaked syntax.

`data/briefs/field-notes.yaml` mixes five scripts, every citation form and notes holding lists,
and cites the biblatex test bibliography (`data/biblatex-examples.bib`); a 120-recommendation
brief is generated. Every output is scanned by `leaks.find_leaks` (the same scan conftest.py
applies to every output any test builds), and read for what a reader must see.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli

from leaks import EXTRACT, find_leaks

DATA = Path(__file__).parent / "data"
AUDIENCES = ("academic", "policymaker", "practitioner", "press")
FORMATS = {"pdf": "application/pdf", "html": "text/html", "docx": next(k for k in EXTRACT if "word" in k)}


def _build(folder: Path, brief: Path, *options: str) -> dict[str, str]:
    """Build every audience in every format; the text of each output, keyed by file name."""
    result = CliRunner().invoke(
        cli, ["build", str(brief), "-o", str(folder / "out"), *[a for f in FORMATS for a in ("-f", f)], *options]
    )
    assert result.exit_code == 0, result.output
    texts = {}
    for path in sorted((folder / "out").rglob("*")):
        if path.suffix[1:] in FORMATS:
            texts[path.name] = EXTRACT[FORMATS[path.suffix[1:]]](path.read_bytes())
    assert len(texts) == len(AUDIENCES) * len(FORMATS)
    return texts


@pytest.fixture(scope="module")
def field_notes(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("field-notes")
    (folder / "briefs").mkdir()
    shutil.copy(DATA / "briefs" / "field-notes.yaml", folder / "briefs")
    shutil.copy(DATA / "biblatex-examples.bib", folder)
    return _build(folder, folder / "briefs" / "field-notes.yaml")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_no_output_of_the_field_notes_brief_leaks_syntax(field_notes):
    leaks = {name: find_leaks(text) for name, text in field_notes.items()}
    assert not {name: found for name, found in leaks.items() if found}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_short_forms_keep_whole_sentences_and_their_sources(field_notes, fmt):
    press = _flat(field_notes[f"field-notes_press.{fmt}"])
    assert "Convene a standing forum on shared rivers. As shown, the U.S. position matters." in press
    assert "A second sentence follows" not in press  # the rationale was cut after its first sentence
    assert "Publish border incident data every month." in press  # the author's own `short:` line
    sources = press[press.index("Sources") :]
    assert "Knuth" in sources and "Loh" in sources  # cited only inside the short forms, still listed
    assert "Several studies agree." in press and "Maps settle disputes, and Averroes and Nietzsche agree." in press


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_a_citation_next_to_an_explanatory_note_reads_as_two_markers(field_notes, fmt):
    practitioner = _flat(field_notes[f"field-notes_practitioner.{fmt}"])
    assert re.search(r"Saved from disappearance\.\s?(\d+)\s?,\s?(\d+)", practitioner)


def test_bibliography_entries_print_latex_as_text_and_lists_joined(field_notes):
    academic = _flat(field_notes["field-notes_academic.pdf"])
    assert "The LaTeX Companion" in academic and "The TeXbook" in academic
    assert "countryfr" not in academic and " and " in academic


def _many_recommendations(count: int) -> str:
    groups = []
    for g in range(6):
        items = []
        for i in range(count // 6):
            n = g * (count // 6) + i + 1
            items.append(
                f"      - id: R-{n}\n"
                f"        title: Recommendation {n} on shared water, borders and data, in plain words\n"
                f"        priority: {('high', 'medium', 'low')[n % 3]}\n"
                f"        actors: [OSCE, Basin states]\n"
                f"        timeframe: 20{10 + n % 15}\n"
                f"        rationale: As shown [@kullback, p. {n}], item {n} matters. It also costs little"
                f" [@companion], [@iliad]; see @cms.\n"
            )
        groups.append(f"  - group: Group {g + 1}\n    items:\n" + "".join(items))
    return (
        "title: One Hundred and Twenty Recommendations\ndate: 2026-01-01\n"
        "summary: A long brief [@knuth:ct:a].\nrecommendations:\n" + "".join(groups)
    )


@pytest.mark.slow  # 12 outputs of a long brief: about 10 s
def test_a_120_recommendation_brief_builds_in_every_format_without_leaks(tmp_path):
    shutil.copy(DATA / "biblatex-examples.bib", tmp_path / "references.bib")
    brief = tmp_path / "many.yaml"
    brief.write_text(_many_recommendations(120), encoding="utf-8")
    texts = _build(tmp_path, brief)
    assert not {name: found for name, text in texts.items() if (found := find_leaks(text))}
    practitioner = _flat(texts["many_practitioner.pdf"])
    assert all(f"Recommendation {n} on shared water" in practitioner for n in range(1, 121))
