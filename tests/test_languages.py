"""The brief's `language:` drives every word briefgen adds: labels, dates, plurals, citation terms.

Each built-in language builds the sample (a copy with `language:` set) and no English label is
left in what a reader sees; dates and plural forms are Babel's (CLDR) for that locale; the
citation terms are the CSL locale's. English stays as it was (tests/test_golden.py, and the
byte-identity check), except "1 further recommendation", which now has its singular.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
import yaml
from babel import Locale
from babel.dates import format_date

from briefgen import chicago
from briefgen.audience import load_audiences, search_path
from briefgen.bibliography import load_bibliography
from briefgen.build import build
from briefgen.loader import load_brief
from briefgen.locales import LANGUAGES, base_language, builtin_labels, csl_terms, date_text, plural_form
from briefgen.render import _labeller
from briefgen.style import Style, style_from_dict
from briefgen.typography import quotes

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "briefs" / "kazakhstan-osce-2010.yaml"
BIB = ROOT / "references.bib"
FOREIGN = [lang for lang in LANGUAGES if lang != "en"]
TEXT_FORMATS = ["md", "html", "txt"]


def _brief_in(language: str, folder: Path) -> Path:
    """A copy of the sample brief with `language:` set, as a user would write it."""
    text = SAMPLE.read_text(encoding="utf-8")
    copy = folder / SAMPLE.name
    copy.write_text(re.sub(r"(?m)^language: .*$", f"language: {language}", text), encoding="utf-8")
    return copy


def _build(language: str, folder: Path, formats: list[str]) -> dict[str, bytes]:
    roots = search_path(ROOT / "templates")
    refs = load_bibliography(BIB)
    brief = load_brief(_brief_in(language, folder), keys=refs)
    assert brief.language == language
    return {o.relative_path.name: o.data for o in build(brief, load_audiences(None, roots), formats, roots, refs)}


class _Text(HTMLParser):
    """What a reader of the HTML sees: its text and its aria-labels, not its markup or CSS."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "script")
        self.parts.extend(v or "" for k, v in attrs if k in ("aria-label", "alt", "title"))

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _seen(name: str, data: bytes) -> str:
    text = data.decode("utf-8")
    if name.endswith(".html"):
        parser = _Text()
        parser.feed(text)
        return " ".join(parser.parts)
    return text


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """The sample's md, html and txt outputs in every built-in language, as the text a reader sees."""
    built = {}
    for language in LANGUAGES:
        folder = tmp_path_factory.mktemp(language)
        built[language] = {name: _seen(name, data) for name, data in _build(language, folder, TEXT_FORMATS).items()}
    return built


def _forms(label: object) -> list[str]:
    return list(label.values()) if isinstance(label, dict) else [str(label)]


def _phrases(label: object) -> list[str]:
    """A label's forms cut at their {placeholders}: "Note {n}" -> "Note"."""
    bits = [b.strip(" .,:!") for form in _forms(label) for b in re.split(r"\{\w+\}", form)]
    return [b for b in bits if b]


def _english_phrases() -> dict[str, list[str]]:
    """Every English label, and the built-in audiences' English wording, cut at its {placeholders}."""
    phrases: dict[str, list[str]] = {}
    wording = [builtin_labels("en")]
    for audience in ("academic", "policymaker", "press"):
        style = yaml.safe_load((ROOT / "templates" / audience / "style.yaml").read_text(encoding="utf-8"))
        wording.append(style.get("labels_in", {}).get("en", {}))
        if style.get("marking"):
            wording.append({"marking": style["marking"]})
    for table in wording:
        for name, label in table.items():
            phrases.setdefault(name, []).extend(_phrases(label))
    return phrases


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [str(node)]


def _source_text() -> str:
    """The words the brief's values and its bibliography hold (not its keys): an English label among them
    may be the brief's own word, printed as written."""
    brief = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return "\n".join(_strings(brief)) + BIB.read_text(encoding="utf-8")


def _has(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def _left_in(text: str, phrase: str) -> bool:
    """The phrase as written, or in capitals (a marking, a PDF's title band)."""
    return _has(text, phrase) or (len(phrase) > 3 and _has(text, phrase.upper()))


@pytest.mark.parametrize("language", FOREIGN)
def test_no_english_label_is_left(outputs, language):
    source = _source_text()
    own = {phrase.casefold() for label in builtin_labels(language).values() for phrase in _phrases(label)}
    phrases = {p for ps in _english_phrases().values() for p in ps}
    checked = sorted(p for p in phrases if p.casefold() not in own and not _has(source, p))
    assert len(checked) >= 15  # the check has teeth: most labels are tested in every language
    english = outputs["en"]
    for name, text in outputs[language].items():
        left = [p for p in checked if _left_in(text, p)]
        assert not left, f"{name} ({language}) still says {left}"
        assert any(_left_in(english[name], p) for p in checked)  # the same phrases are found in English


@pytest.mark.parametrize("language", FOREIGN)
def test_the_brief_date_is_cldr_long_form(outputs, language):
    expected = format_date(date(2010, 1, 15), "long", locale=language)
    for name, text in outputs[language].items():
        if name.endswith(".md"):  # pandoc's metadata block holds the ISO date, which pandoc words itself
            assert 'date: "2010-01-15"' in text
        else:
            assert expected in text, name
        assert "15 January 2010" not in text, name
    assert date_text(date(2010, 1, 15), "ru") == "15 января 2010\u202fг."  # CLDR keeps "г." on the line of the year
    assert date_text(date(2010, 1, 15), "fr") == "15 janvier 2010"


def test_english_date_keeps_its_house_form(outputs):
    assert all("15 January 2010" in text for name, text in outputs["en"].items() if not name.endswith(".md"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_hidden_recommendations_take_the_languages_plural(outputs, language):
    english = outputs["en"]["kazakhstan-osce-2010_policymaker.txt"]
    hidden = int(re.search(r"The full brief has (\d+) further", english)[1])
    wanted = plural_form(builtin_labels(language)["more_in_full_brief"], hidden, language)
    assert wanted.replace("{hidden}", str(hidden)) in outputs[language]["kazakhstan-osce-2010_policymaker.md"]


@pytest.mark.parametrize(
    ("language", "count", "words"),
    [
        ("en", 1, "The full brief has 1 further recommendation."),
        ("en", 2, "The full brief has 2 further recommendations."),
        ("fr", 1, "1 autre recommandation."),
        ("fr", 2, "2 autres recommandations."),
        ("ru", 1, "ещё 1 рекомендация."),
        ("ru", 3, "ещё 3 рекомендации."),
        ("ru", 5, "ещё 5 рекомендаций."),
        ("ru", 21, "ещё 21 рекомендация."),
        ("de", 1, "1 weitere Empfehlung."),
    ],
)
def test_plural_forms_follow_cldr(language, count, words):
    assert words in _labeller(Style(), language)("more_in_full_brief", count)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_category_of_the_language_has_its_form(language):
    """A category CLDR gives some count (Russian one, few, many) has its own form in the table."""
    locale = Locale.parse(language)
    needed = {locale.plural_form(n) for n in range(0, 200)}
    for name, label in builtin_labels(language).items():
        if isinstance(label, dict):
            assert needed <= set(label), (language, name, needed - set(label))


def test_a_tables_keys_are_englishs():
    for language in LANGUAGES:
        assert list(builtin_labels(language)) == list(builtin_labels("en")), language


def test_a_region_falls_back_to_its_language_and_an_unknown_language_to_english():
    assert base_language("fr-CH") == "fr" and builtin_labels("fr-CH") == builtin_labels("fr")
    assert base_language("pt-BR") == "en" and builtin_labels("pt") == builtin_labels("en")
    assert date_text(date(2010, 1, 15), "pt") == "15 January 2010"
    assert date_text(date(2010, 1, 15), "de-AT") == "15. Jänner 2010"  # Austrian German, from CLDR


def test_an_unknown_language_builds_in_english(tmp_path):
    out = _build("pt", tmp_path, ["txt"])["kazakhstan-osce-2010_practitioner.txt"].decode()
    assert "Key messages" in out and "15 January 2010" in out and "Who:" in out


def test_a_styles_label_wins_over_the_languages():
    style = style_from_dict({"labels": {"summary": "Synthèse"}, "labels_in": {"fr": {"notes": "Renvois"}}})
    label = _labeller(style, "fr-CH")
    assert label("summary") == "Synthèse" and label("notes") == "Renvois" and label("context") == "Contexte"
    assert _labeller(style, "de")("notes") == "Anmerkungen"  # labels_in.fr is for French briefs only
    plain = style_from_dict({"labels": {"more_in_full_brief": "Encore {hidden}."}})
    assert _labeller(plain, "ru")("more_in_full_brief", 5) == "Encore 5."  # a style's plain text serves every count


CITATION_TERMS = {  # what the CSL locale files say, as the notes print them
    "fr": ["Ibid.", "éd. D. Warner"],
    "de": ["Ebd.", "Hrsg. D. Warner"],
    "it": ["Ibidem.", "a c. di D. Warner"],
    "es": ["Ibid.", "ed. D. Warner"],
    "ru": ["Там же.", "ред. D. Warner"],
    "kk": ["Сонда.", "ред. D. Warner"],
    "uz": ["Oʻsha manba.", "tahr. D. Warner"],
}


@pytest.mark.parametrize("language", FOREIGN)
def test_citation_terms_come_in_the_language(outputs, language):
    notes = re.sub(r"\s+", " ", outputs[language]["kazakhstan-osce-2010_practitioner.txt"])
    for words in CITATION_TERMS[language]:
        assert words in notes
    assert "Ibid." not in notes or csl_terms(language)["ibid"] == "ibid."
    academic = outputs[language]["kazakhstan-osce-2010_academic.txt"]
    in_term = csl_terms(language)["in"]
    close = quotes(language)[1]  # the language's closing mark, the full stop after it (American usage is English's)
    in_capital = re.escape(in_term[:1].upper() + in_term[1:])
    assert re.search(rf"{re.escape(close)}\. {in_capital} ", re.sub(r"\s+", " ", academic))


@pytest.mark.parametrize(
    ("language", "joined"), [("en", "A and B"), ("fr", "A et B"), ("ru", "A и B"), ("de", "A und B")]
)
def test_two_names_are_joined_in_the_language(language, joined):
    with chicago.terms_in(language):
        assert chicago._join(["A", "B"]) == joined
    assert chicago._join(["A", "B", "C"]) == "A, B, and C"  # outside a document: English, Chicago's serial comma


def test_three_names_take_no_serial_comma_outside_english():
    with chicago.terms_in("ru"):
        assert chicago._join(["A", "B", "C"]) == "A, B и C"


def test_csl_terms_are_generated_from_the_csl_locales_with_their_licence():
    data = json.loads((ROOT / "briefgen" / "locales" / "csl_terms.json").read_text(encoding="utf-8"))
    assert "CC BY-SA 3.0" in data["licence"] and "citation-style-language/locales" in data["source"]
    assert data["terms"]["fr"]["and"] == "et" and data["terms"]["ru"]["and"] == "и"
    assert data["terms"]["en"]["no_date"] == "n.d." and data["terms"]["de"]["ibid"] == "ebd."
    assert set(data["terms"]) == set(LANGUAGES)
    notice = (ROOT / "briefgen" / "locales" / "NOTICE-CSL.txt").read_text(encoding="utf-8")
    assert "citationstyles.org" in notice and "Creative Commons Attribution-ShareAlike 3.0" in notice


@pytest.mark.parametrize(("language", "page_one"), [("fr", "Page 1 sur"), ("ru", "Страница 1 из")])
def test_pdf_footer_and_date_in_the_language(tmp_path, language, page_one):
    built = _build(language, tmp_path, ["pdf"])
    pdf = pypdf.PdfReader(io.BytesIO(built["kazakhstan-osce-2010_practitioner.pdf"]))
    first = pdf.pages[0].extract_text().replace("\u202f", " ")  # pypdf may give CLDR's narrow no-break space as one
    assert page_one in first
    assert format_date(date(2010, 1, 15), "long", locale=language).replace("\u202f", " ") in first
    assert "Page 1 of" not in first and "January" not in first
    policymaker = pypdf.PdfReader(io.BytesIO(built["kazakhstan-osce-2010_policymaker.pdf"])).pages[0].extract_text()
    marking = {"fr": "DIFFUSION RESTREINTE", "ru": "ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ"}[language]
    assert marking in policymaker.upper() and "OFFICIAL" not in policymaker.upper()


@pytest.mark.parametrize(
    ("language", "attached", "greeting", "one_page", "pages"),
    [
        ("en", "**Attached:**", "Dear Ada Lovelace,", "(1 page)", "(3 pages)"),
        (
            "fr",
            "**Pièces jointes :**",
            "À l’attention de Ada Lovelace,",
            "(1 page)",
            "(3 pages)",
        ),  # the colon after a no-break space (typography.py)
        ("ru", "**Вложения:**", "Уважаемый(-ая) Ada Lovelace!", "(1 стр.)", "(3 стр.)"),
    ],
)
def test_the_covering_email_is_in_the_briefs_language(tmp_path, language, attached, greeting, one_page, pages):
    from briefgen.mail.letters import AttachmentInfo, Reader, letter

    roots = search_path(ROOT / "templates")
    refs = load_bibliography(BIB)
    brief = load_brief(_brief_in(language, tmp_path), keys=refs)
    practitioner = next(a for a in load_audiences(None, roots) if a.name == "practitioner")
    infos = (AttachmentInfo("a.pdf", "pdf", 1, 10), AttachmentInfo("b.pdf", "pdf", 3, 30))
    made = letter(brief, practitioner, roots, refs, (), infos, reader=Reader("Ada Lovelace", "ada@example.org"))
    text = re.sub(r"\s+", " ", made.text)
    assert greeting in text and one_page in text and pages in text
    assert attached.strip("*") in text
    assert made.language == language


def test_labels_in_takes_language_subtags_and_labels_only(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from briefgen.cli import cli

    monkeypatch.chdir(tmp_path)
    style = tmp_path / "templates" / "mine" / "style.yaml"
    style.parent.mkdir(parents=True)
    for written, said in [
        ("french: {summary: Synthèse}", "templates/mine/style.yaml:3:3: labels_in: 'french'"),
        ("fr: {summary: 3}", "templates/mine/style.yaml:3:17: labels_in.fr.summary: expected text or a mapping"),
        ("fr: {pages: {one: page}}", "labels_in.fr.pages"),  # a plural label needs its `other` form
    ]:
        style.write_text(f"extends: practitioner\nlabels_in:\n  {written}\n", encoding="utf-8")
        result = CliRunner().invoke(cli, ["audiences"])
        assert result.exit_code != 0 and said in result.stderr, result.stderr
