"""Citations in a French or Russian brief that cites English, German and Russian works.

Real entries: biblatex's examples (Worman, Kant, de Geer, Nietzsche, Sigfridsson and Ryde) and
the sample's Kosyrev 2007 (a Russian article, cited in transliteration and in Cyrillic).
A work in another language keeps its own typography (no French no-break spaces in an English
title) and is marked as that language; the words the style adds ("éd.", "nᵒ", "thèse") and the
quotation marks around a title are the brief's language's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.audience import load_audiences, search_path
from briefgen.bibliography import language_tag, load_bibliography, parse_bibtex
from briefgen.build import build
from briefgen.loader import load_brief

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "tests" / "data" / "biblatex-examples.bib"
KOSYREV = """
@article{kosyrev2007,
  author     = {Kosyrev, D.},
  title      = {{Kazakhstan} spas {OBSE} ot ischeznoveniya},
  titleaddon = {[{Kazakhstan} has saved the {OSCE} from disappearance]},
  journal    = {Novosti Azerbaijan},
  year       = {2007},
  month      = dec,
  language   = {russian},
}

@article{kosyrev2007ru,
  author     = {Kosyrev, D.},
  title      = {Казахстан спас ОБСЕ от исчезновения},
  journal    = {Новости Азербайджан},
  year       = {2007},
  langid     = {russian},
}
"""
BRIEF = """\
title: Water, borders and the OSCE
date: 2010-01-15
language: {language}
summary: >-
  Les sources [@worman, 12; @kant:kpv, 33; @geer; @nietzsche:ksa1; @sigfridsson; @kosyrev2007; @kosyrev2007ru].
recommendations:
  - group: Regional security
    items:
      - id: R1
        title: Open a regional water dialogue
        priority: high
        timeframe: 2010
"""
NBSPS = "\u00a0\u202f"


def _outputs(tmp_path: Path, language: str) -> dict[str, str]:
    bib = tmp_path / "refs.bib"
    bib.write_text(EXAMPLES.read_text(encoding="utf-8") + KOSYREV, encoding="utf-8")
    (tmp_path / "brief.yaml").write_text(BRIEF.format(language=language), encoding="utf-8")
    roots = search_path(ROOT / "templates")
    refs = load_bibliography(bib)
    brief = load_brief(tmp_path / "brief.yaml", keys=refs)
    audiences = load_audiences(None, roots)
    built = build(brief, audiences, ["md", "txt"], roots, refs)
    return {o.relative_path.name.split("_", 1)[1]: o.data.decode("utf-8") for o in built}


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    return _outputs(tmp_path_factory.mktemp("fr"), "fr")


@pytest.fixture(scope="module")
def russian(tmp_path_factory):
    return _outputs(tmp_path_factory.mktemp("ru"), "ru")


def _flat(text: str) -> str:
    return re.sub(r"[ \n]+", " ", text)


@pytest.mark.parametrize(
    ("babel", "tag"), [("english", "en"), ("ngerman", "de"), ("russian", "ru"), ("de-CH", "de-CH")]
)
def test_babel_language_names_become_bcp47(babel, tag):
    assert language_tag(babel) == tag
    parsed = parse_bibtex(f"@book{{a, title={{T}}, langid={{{babel}}}}}")["a"].language_tag
    assert parsed.casefold() == tag.casefold()  # BCP 47 tags are case-insensitive


def test_an_english_title_in_a_french_brief_keeps_its_own_spacing(french):
    for audience in ("practitioner.txt", "academic.txt", "press.txt"):
        text = _flat(french[audience])
        assert "The Cast of Character: Style in Greek Literature" in text, audience
        assert not re.search(f"Character[{NBSPS}]:", text)
        assert "and Music: The Orkney" in text, audience


def test_a_foreign_title_is_marked_with_its_language(french):
    md = french["practitioner.md"]
    assert "[*The Cast of Character: Style in Greek Literature*]{lang=en}" in md
    assert "[Kritik der praktischen Vernunft]{lang=de}" in md
    assert "[Казахстан спас ОБСЕ от исчезновения]{lang=ru}" in md
    assert "[Kazakhstan spas OBSE ot ischeznoveniya]{lang=ru-Latn}" in md


def test_a_title_in_the_briefs_own_language_is_not_marked(russian):
    md = russian["practitioner.md"]
    assert "«Казахстан спас ОБСЕ от исчезновения»" in md
    assert "[*The Cast of Character: Style in Greek Literature*]{lang=en}" in md


def test_the_styles_words_are_the_briefs_language(french, russian):
    fr_notes, ru_notes = _flat(french["practitioner.txt"]), _flat(russian["practitioner.txt"])
    assert "2ᵉ éd., vol. 1" in fr_notes and "2-е изд., т. 1" in ru_notes  # not "2nd ed."
    assert "19, nᵒ 4 (1998)" in fr_notes and "19, вып. 4 (1998)" in ru_notes  # not "no. 4"
    assert "(thèse, Uppsala Universitet, 1985)" in fr_notes and "(дис., Uppsala Universitet, 1985)" in ru_notes
    for english in ("PhD diss.", "2nd ed.", "no. 4"):
        assert english not in fr_notes and english not in ru_notes
    assert "Thèse, Uppsala Universitet." in _flat(french["academic.txt"])
    assert "*Novosti Azerbaijan*]{lang=ru-Latn} (décembre)." in french["academic.md"]  # the month in full, not "déc."
    # biblatex lists are joined with the language's "and"
    assert "München, Berlin et New York" in fr_notes and "Taschenbuch-Verlag и Walter de Gruyter" in ru_notes


def test_quotation_marks_around_a_title_are_the_briefs_language(french, russian):
    fr_notes, ru_notes = _flat(french["practitioner.txt"]), _flat(russian["practitioner.txt"])
    assert "«\u00a0Kritik der praktischen Vernunft\u00a0», in" in fr_notes  # the comma after the closing mark
    assert "«Kritik der praktischen Vernunft», в" in ru_notes
    assert "«Comparison of methods" in ru_notes and "“" not in ru_notes
    assert "“Kritik" not in fr_notes


def test_a_french_and_or_see_makes_the_citation_the_sentences_noun():
    from briefgen.cite import resolve_citations
    from briefgen.model import Citation, CiteItem, Document, Metadata, Paragraph, Text, plain_text

    refs = parse_bibtex(EXAMPLES.read_text(encoding="utf-8"))
    both = Citation((CiteItem("worman"), CiteItem("geer")))
    doc = Document(Metadata("B", language="fr"), (Paragraph((Text("le site de l’OSCE et "), both, Text("."))),))
    out, _ = resolve_citations(doc, refs, "author-date")
    assert plain_text(out.blocks[0].children) == "le site de l’OSCE et Worman (2002) et de Geer (1985)."
