"""Typography per language: quotation marks, French no-break spaces, hyphenation, and the language
each format declares (issue 25, item 2)."""

from __future__ import annotations

import io
import re
import zipfile
from functools import cache
from pathlib import Path

import pypdf
import pytest
from reportlab.platypus import Paragraph as RLParagraph

from briefgen.audience import load_audiences, search_path
from briefgen.bibliography import load_bibliography
from briefgen.build import build
from briefgen.design import theme
from briefgen.loader import load_brief
from briefgen.markdown import parse_inline, parse_markdown
from briefgen.model import Code, Document, Link, Metadata, Paragraph, Span, Text, plain_text
from briefgen.style import Style
from briefgen.typography import NARROW_NBSP, NBSP, french_spacing, hyphenation_language, quotes, typeset
from briefgen.writers.pdf.styles import register_fonts, styles

from conftest import ROOT, SAMPLE
from leaks import docx_text, find_leaks, html_text, pdf_text

QUOTES = {"fr": "«»", "ru": "«»", "de": "„“", "it": "«»", "es": "«»"}
LANGUAGES = list(QUOTES)


# ---------------------------------------------------------------- quotation marks


@pytest.mark.parametrize(
    ("tag", "marks"),
    [
        ("en", "“”‘’"),
        ("en-GB", "“”‘’"),
        ("fr", "«»‹›"),
        ("fr-CH", "«»‹›"),
        ("fr_CA", "«»‹›"),
        ("ru", "«»„“"),
        ("de", "„“‚‘"),
        ("de-AT", "„“‚‘"),
        ("it", "«»“”"),
        ("es", "«»“”"),
        ("kk", "«»“”"),
        ("uz", "“”’‘"),
        ("tlh", "“”‘’"),  # a language briefgen has no marks for is set as English
        ("", "“”‘’"),
    ],
)
def test_gives_each_language_its_quotation_marks(tag: str, marks: str) -> None:
    assert quotes(tag) == marks


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "He said “yes” and ‘no’ to Astana’s plan"),
        ("fr", "He said «yes» and ‹no› to Astana’s plan"),
        ("ru", "He said «yes» and „no“ to Astana’s plan"),
        ("de", "He said „yes“ and ‚no‘ to Astana’s plan"),
        ("uz", "He said “yes” and ’no‘ to Astana’s plan"),
    ],
)
def test_parses_straight_quotes_as_the_language_s_own(language: str, expected: str) -> None:
    (para,) = parse_markdown("He said \"yes\" and 'no' to Astana's plan", language)
    assert isinstance(para, Paragraph)
    assert plain_text(para.children) == expected  # the apostrophe stays an apostrophe


def test_keeps_one_parser_per_set_of_marks() -> None:
    from briefgen.markdown import parser

    assert parser("fr") is parser("fr-CH") is parser("fr")
    assert parser("en") is parser("tlh")
    assert parser("fr") is not parser("en")


# ---------------------------------------------------------------- French spacing


@pytest.mark.parametrize(
    ("typed", "set"),
    [
        ("Pourquoi? Parce que", f"Pourquoi{NARROW_NBSP}? Parce que"),
        ("Pourquoi ? Parce que", f"Pourquoi{NARROW_NBSP}? Parce que"),
        ("Enfin!", f"Enfin{NARROW_NBSP}!"),
        ("un; deux", f"un{NARROW_NBSP}; deux"),
        ("Note: la suite", f"Note{NBSP}: la suite"),
        ("Note : la suite", f"Note{NBSP}: la suite"),
        ("«bonjour»", f"«{NBSP}bonjour{NBSP}»"),
        ("« bonjour »", f"«{NBSP}bonjour{NBSP}»"),
        ("‹oui›", f"‹{NBSP}oui{NBSP}›"),
        ("«vraiment?»", f"«{NBSP}vraiment{NARROW_NBSP}?{NBSP}»"),
        # what is no French punctuation stays as written
        ("à 10:30 précises", "à 10:30 précises"),
        ("voir https://osce.org/fr?x=1: page", "voir https://osce.org/fr?x=1: page"),
        ("écrire à briefs@example.org: merci", "écrire à briefs@example.org: merci"),
        ("le ratio 3:2", "le ratio 3:2"),
    ],
)
def test_puts_french_no_break_spaces_where_the_imprimerie_nationale_does(typed: str, set: str) -> None:
    assert french_spacing(typed) == set
    assert french_spacing(set) == set  # once is enough


def _doc(language: str, *inlines) -> Document:
    return Document(Metadata(title="Pourquoi? Voici", language=language), (Paragraph(tuple(inlines)),))


def test_spaces_french_text_but_not_code_addresses_or_other_languages() -> None:
    doc = typeset(
        _doc(
            "fr",
            Text("Question: "),
            Code("a: b?"),
            Link((Text("https://osce.org/?q=1"),), "https://osce.org/?q=1"),
            Span((Text("Why? Because"),), "en"),
            Text(" fin!"),
        )
    )
    (para,) = doc.blocks
    assert isinstance(para, Paragraph)
    texts = [n.text if isinstance(n, Text | Code) else plain_text((n,)) for n in para.children]
    assert texts == [f"Question{NBSP}: ", "a: b?", "https://osce.org/?q=1", "Why? Because", f" fin{NARROW_NBSP}!"]
    assert doc.meta.title == f"Pourquoi{NARROW_NBSP}? Voici"


def test_spaces_a_french_span_in_an_english_brief_and_gives_a_russian_span_its_quotes() -> None:
    english = _doc(
        "en",
        Text("He said “yes”: "),
        Span((Text("et alors?"),), "fr-CH"),
        Text(" and "),
        Span((Text("“нет”"),), "ru"),
    )
    para = typeset(english).blocks[0]
    assert isinstance(para, Paragraph)
    assert plain_text(para.children) == f"He said “yes”: et alors{NARROW_NBSP}? and «нет»"


def test_leaves_an_english_document_as_it_was() -> None:
    doc = _doc("en", Text("Why? Because: “this”; that!"), Code("x"))
    assert typeset(doc) is doc


# ---------------------------------------------------------------- whole briefs in five formats


@cache
def _built(language: str) -> dict[str, bytes]:
    """The sample in `language`, academic audience, every format; its typed “ ” made straight `"`
    so the parser sets them, and a line with French punctuation and long words."""
    import tempfile

    text = SAMPLE.read_text(encoding="utf-8").replace("language: en", f"language: {language}")
    text = text.replace("“", '"').replace("”", '"')
    organisation = "organisation: Central Asia Security Programme"
    text = text.replace(organisation, "organisation: 'Central Asia \"Security\" Programme'")
    assert f"language: {language}" in text and '"normal"' in text and '"Security"' in text
    folder = Path(tempfile.mkdtemp())
    path = folder / f"sample-{language}.yaml"
    path.write_text(text, encoding="utf-8")
    roots = search_path(ROOT / "templates")
    audiences = [a for a in load_audiences(None, roots) if a.name == "academic"]
    refs = load_bibliography(ROOT / "references.bib")
    brief = load_brief(path, keys=refs)
    outputs = build(brief, audiences, ["md", "html", "txt", "pdf", "docx"], roots, refs)
    return {o.format: o.data for o in outputs}


def _texts(built: dict[str, bytes]) -> dict[str, str]:
    return {
        "md": built["md"].decode(),
        "txt": built["txt"].decode(),
        "html": html_text(built["html"]),
        "docx": docx_text(built["docx"]),
        "pdf": pdf_text(built["pdf"]),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_prints_the_language_s_quotation_marks_in_every_format(language: str) -> None:
    opening, closing = QUOTES[language]
    for fmt, text in _texts(_built(language)).items():
        flat = re.sub(r"\s+", " ", text)
        assert re.search(f"{opening}\\s?normal\\s?{closing}", flat), (fmt, language)
        assert "“normal”" not in flat, (fmt, language)
        if fmt in ("txt", "html", "pdf"):  # the organisation's line (the DOCX has it in a header part)
            assert re.search(f"{opening}\\s?Security\\s?{closing}", flat), (fmt, language)
    with zipfile.ZipFile(io.BytesIO(_built(language)["docx"])) as docx:
        headers = "".join(docx.read(n).decode() for n in docx.namelist() if n.startswith("word/header"))
    assert re.search(f"{opening}\\s?Security\\s?{closing}", headers), language


def test_prints_french_no_break_spaces_in_every_format() -> None:
    texts = _texts(_built("fr"))
    for fmt in ("md", "txt", "html", "docx"):
        flat = texts[fmt]
        assert f"«{NBSP}normal{NBSP}»" in flat, fmt
        assert re.search(f"\\w{NARROW_NBSP};", flat), fmt
        assert re.search(f"\\w{NBSP}:", flat), fmt
        assert not re.search(r"\w [;:?!](?=\s)", flat), fmt  # no ordinary space is left before them
    # the PDF draws a no-break space with the space's glyph (reportlab); its text reads it as a space
    assert "« normal »" in re.sub(r"\s+", " ", texts["pdf"])
    # the text output's title keeps its own no-break spaces, only the one joining its last words goes
    title = texts["txt"].split("\n\n")[1]
    assert f"2010{NBSP}: Where" in title


def test_leaves_no_leak_the_checker_would_flag_in_a_french_build() -> None:
    for fmt, text in _texts(_built("fr")).items():
        if fmt != "md":  # Markdown shows its syntax on purpose
            assert find_leaks(text) == [], fmt


@pytest.mark.parametrize("language", LANGUAGES)
def test_declares_the_language_in_every_format(language: str) -> None:
    built = _built(language)
    assert f'<html lang="{language}">' in built["html"].decode()
    assert "hyphens: auto" in built["html"].decode()
    assert pypdf.PdfReader(io.BytesIO(built["pdf"])).trailer["/Root"]["/Lang"] == language
    with zipfile.ZipFile(io.BytesIO(built["docx"])) as z:
        settings = z.read("word/settings.xml").decode()
        styles_xml = z.read("word/styles.xml").decode()
    assert re.search(r'<w:defaultTabStop w:val="\d+"/><w:autoHyphenation/>', settings)  # in schema order
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles_xml)
    assert defaults and f'<w:lang w:val="{language}" w:eastAsia="en-US" w:bidi="ar-SA"/>' in defaults[0]
    heading = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles_xml)
    assert heading and "<w:suppressAutoHyphens/>" in heading[0]  # headings keep their words whole, as in the PDF


def test_keeps_english_as_it_was(sample_outputs: dict[str, bytes]) -> None:
    docx = sample_outputs["kazakhstan-osce-2010_academic.docx"]
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        assert "autoHyphenation" not in z.read("word/settings.xml").decode()
        assert '<w:lang w:val="en-US"' in z.read("word/styles.xml").decode()
        assert "suppressAutoHyphens" not in z.read("word/styles.xml").decode()
    assert not _hyphenated_line_ends(pdf_text(sample_outputs["kazakhstan-osce-2010_academic.pdf"]))


# ---------------------------------------------------------------- hyphenation


def _hyphenated_line_ends(text: str) -> list[str]:
    return re.findall(r"\w+-\s*\n\w+", text)


def test_hyphenates_the_french_pdf() -> None:
    assert len(_hyphenated_line_ends(pdf_text(_built("fr")["pdf"]))) >= 5


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Les recommandations gouvernementales concernant la démocratisation constitutionnelle "),
        ("ru", "Председательство Казахстана в Организации по безопасности и сотрудничеству в Европе "),
    ],
)
def test_hyphenates_long_words_in_a_narrow_column(language: str, text: str) -> None:
    register_fonts()
    lines = {}
    for lang in ("en", language):
        body = styles(theme(Style()), lang).role("")
        para = RLParagraph(text * 3, body)
        para.wrap(110, 10_000)
        lines[lang] = [" ".join(str(w) for w in line[1]) for line in para.blPara.lines]
    assert len(lines[language]) < len(lines["en"])
    assert any(line.rstrip().endswith("-") for line in lines[language])
    assert not any(line.rstrip().endswith("-") for line in lines["en"])


def test_picks_pyphen_s_dictionary_and_none_for_english() -> None:
    assert hyphenation_language("fr-CH") == "fr"
    assert hyphenation_language("ru") == "ru"
    assert hyphenation_language("de-AT") == "de_AT"
    assert hyphenation_language("en") == hyphenation_language("en-GB") == ""
    assert hyphenation_language("kk") == ""  # pyphen has no Kazakh dictionary


def test_sets_titles_in_the_language_too() -> None:
    assert plain_text(parse_inline('"Astana" et l\'OSCE', "fr")) == "«Astana» et l’OSCE"
