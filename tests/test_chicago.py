"""Chicago forms of one reference: full and short notes, bibliography entries, source lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.bibliography import BIBSTRINGS, Reference, Rich, parse_bibtex
from briefgen.chicago import (
    author_inlines,
    bibliography_entry,
    full_note,
    is_function_word,
    locator_text,
    short_author,
    short_note,
    short_title,
    source_line,
)
from briefgen.model import Emph, Inline, Link, Text, plain_text

from conftest import ROOT
from helpers_briefs import REFERENCES_BIB

BIBLATEX_EXAMPLES = Path(__file__).parent / "data" / "biblatex-examples.bib"


def marked(inlines: list[Inline]) -> str:
    """Plain text with *italics* marked and links shown as <url>: what a reader sees, and how."""
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Emph):
            out.append(f"*{plain_text(node.children)}*")
        elif isinstance(node, Link):
            out.append(f"<{node.url}>")
        else:
            raise TypeError(node)
    return "".join(out)


def every_form(ref: Reference) -> dict[str, list[Inline]]:
    return {
        "full note": full_note(ref, "pp. 3-4"),
        "short note": short_note(ref, ""),
        "short note with locator": short_note(ref, "p. 5"),
        "notes bibliography": bibliography_entry(ref, False),
        "author-date bibliography": bibliography_entry(ref, True, "a"),
        "author-date author": author_inlines(ref),
        "source line": source_line(ref),
    }


@pytest.fixture(scope="module")
def examples() -> dict[str, Reference]:
    return parse_bibtex(BIBLATEX_EXAMPLES.read_text("utf-8"), "biblatex-examples.bib")


@pytest.fixture(scope="module")
def sample() -> dict[str, Reference]:
    return parse_bibtex((ROOT / "references.bib").read_text("utf-8"), "references.bib")


def form(refs: dict[str, Reference], key: str) -> dict[str, str]:
    return {name: marked(inlines) for name, inlines in every_form(refs[key]).items()}


# ---------------------------------------------------------------- every entry of two real bibliographies

LOCALISATION_KEYS = [k for k in BIBSTRINGS if k not in ("patent", "software")] + ["newseries", "oldseries"]
# ".," is right only after an abbreviation: "et al.,", "3rd ser.,", "Mass.,", "n.s.,", an initial "D.,"
ABBREVIATION_BEFORE = re.compile(r"(?:\b(?:al|eds?|trans|ser|vols?|diss|Jr|Sr|Mass|Conn)|\b[A-Z]|\.[A-Za-z])$")


@pytest.mark.parametrize("bib", ["biblatex-examples", "references"])
def test_every_entry_formats_in_every_form_without_leaks_raw_lists_or_doubled_punctuation(bib, examples, sample):
    refs = examples if bib == "biblatex-examples" else sample
    formatted = 0
    for ref in refs.values():
        if ref.kind == "set":  # a biblatex set only groups other entries; it is never printed itself
            continue
        for name, inlines in every_form(ref).items():
            text = plain_text(tuple(inlines))
            where = (ref.key, name, text)
            assert text.strip(), where
            assert not set(text) & set("{}\\~"), where
            assert not re.search(r"\b(?:" + "|".join(LOCALISATION_KEYS) + r")\b", text), where
            assert not re.search(
                r"\w and [\w.]+ and \w", text.replace(str(ref.title), "").replace(str(ref.subtitle), "")
            )
            for doubled in (",,", ",.", " ,", " .", "..", ";;", ",”,", ".”."):
                assert doubled not in text.replace("…", ""), (doubled, *where)
            for m in re.finditer(r"\.,", text):
                assert ABBREVIATION_BEFORE.search(text[: m.start()]), where
            formatted += 1
        last_word = short_title(ref).text.split()[-1]
        assert not is_function_word(last_word), (ref.key, short_title(ref).text)
    assert formatted == 7 * (90 if bib == "biblatex-examples" else 12)


# ---------------------------------------------------------------- biblatex examples, by hand


def test_knuth_volumes_keep_tex_in_their_titles_and_name_the_multivolume_work(examples):
    a = form(examples, "knuth:ct:a")
    assert a["full note"] == (
        "Donald E. Knuth, *The TeXbook*, vol. A of *Computers & Typesetting* "
        "(Reading, Mass.: Addison-Wesley, 1984), 3–4."
    )
    assert a["short note with locator"] == "Knuth, *TeXbook*, 5."
    b = form(examples, "knuth:ct:b")
    assert b["short note"] == "Knuth, *TeX*."
    assert b["notes bibliography"] == (
        "Knuth, Donald E. *TeX: The Program*. Vol. B of *Computers & Typesetting*. "
        "Reading, Mass.: Addison-Wesley, 1986."
    )
    assert form(examples, "knuth:ct")["author-date bibliography"] == (
        "Knuth, Donald E. 1984–86a. *Computers & Typesetting*. 5 vols. Reading, Mass.: Addison-Wesley."
    )


def test_companion_kullback_and_iliad(examples):
    assert form(examples, "companion")["full note"] == (
        "Michel Goossens, Frank Mittelbach, and Alexander Samarin, *The LaTeX Companion* "
        "(Reading, Mass.: Addison-Wesley, 1994), 3–4."
    )
    assert form(examples, "companion")["short note"] == "Goossens, Mittelbach, and Samarin, *LaTeX Companion*."
    assert form(examples, "kullback")["notes bibliography"] == (
        "Kullback, Solomon. *Information Theory and Statistics*. New York: John Wiley & Sons, 1959."
    )
    assert form(examples, "iliad")["notes bibliography"] == (
        "Homer. *Die Ilias*. Translated by Wolfgang Schadewaldt. 3rd ed. "
        "Düsseldorf and Zürich: Artemis & Winkler, 2004."
    )


def test_an_editor_with_no_author_heads_the_entry(examples):
    jaffe = form(examples, "jaffe")
    assert jaffe["full note"] == (
        "Philipp Jaffé, ed., *Regesta Pontificum Romanorum ab condita ecclesia ad annum post Christum natum MCXCVIII*, "
        "2nd ed., 2 vols. (Leipzig, 1885–88), 3–4."
    )
    assert jaffe["short note"] == "Jaffé, *Regesta Pontificum Romanorum*."


def test_articles_print_pages_with_an_en_dash_and_link_the_doi(examples):
    assert form(examples, "sigfridsson")["notes bibliography"] == (
        "Sigfridsson, Emma, and Ulf Ryde. “Comparison of methods for deriving atomic charges from the electrostatic "
        "potential and moments.” *Journal of Computational Chemistry* 19, no. 4 (1998): 377–395. "
        "<https://doi.org/10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P>."
    )
    herrmann = form(examples, "herrmann")
    assert herrmann["full note"].startswith("Wolfgang A. Herrmann et al., “A carbocyclic carbene as an efficient")
    assert (
        "for C–C coupling reactions,” *Angew.\N{NO-BREAK SPACE}Chem. Int.\N{NO-BREAK SPACE}Ed.* 45, no. 23"
        in (herrmann["full note"])
    )
    assert herrmann["short note"] == "Herrmann et al., “A carbocyclic carbene.”"
    assert form(examples, "reese")["full note"].endswith("*William and Mary Quarterly*, 3rd ser., 15 (1958): 3–4.")
    assert (
        "*Publications of the English Goethe Society*, n.s., 9 (1933): 46–67."
        in form(examples, "gillies")["notes bibliography"]
    )


def test_aristotle_editions_name_editors_translators_and_series(examples):
    assert form(examples, "aristotle:anima")["full note"] == (
        "Aristotle, *De Anima*, ed. Robert Drew Hicks (Cambridge: Cambridge University Press, 1907), 3–4."
    )
    assert form(examples, "aristotle:physics")["notes bibliography"] == (
        "Aristotle. *Physics*. Translated by P. H. Wicksteed and F. M. Cornford. New York: G. P. Putnam, 1929."
    )
    assert form(examples, "aristotle:poetics")["full note"] == (
        "Aristotle, *Poetics*, ed. D. W. Lucas, Clarendon Aristotle (Oxford: Clarendon Press, 1968), 3–4."
    )
    assert form(examples, "aristotle:rhetoric")["short note"] == "Aristotle, *Rhetoric*."


def test_a_work_with_no_author_is_cited_by_its_title_set_as_a_title(examples):
    cms = form(examples, "cms")
    assert cms["author-date author"] == "*Chicago Manual of Style*"
    assert cms["author-date bibliography"] == (
        "*The Chicago Manual of Style: The Essential Guide for Writers, Editors, and Publishers*. 2003a. 15th ed. "
        "Chicago, Ill.: University of Chicago Press."
    )
    assert cms["short note"] == "*Chicago Manual of Style*."
    ctan = form(examples, "ctan")
    assert ctan["author-date author"] == "“CTAN”"
    assert ctan["full note"] == "“CTAN: The Comprehensive TeX Archive Network,” 2006, 3–4, <http://www.ctan.org>."
    assert short_author(examples["cms"]) == "Chicago Manual of Style"


def test_online_subtitles_follow_a_colon(examples):
    assert form(examples, "markey")["notes bibliography"] == (
        "Markey, Nicolas. “Tame the BeaST: The B to X of BibTeX.” October 16, 2005. "
        "<http://mirror.ctan.org/info/bibtex/tamethebeast/ttb_en.pdf>."
    )


def test_name_particles_stay_with_the_family_name(examples):
    assert (
        form(examples, "vangennep")["notes bibliography"]
        == "van Gennep, Arnold. *Les rites de passage*. Paris: Nourry, 1909."
    )
    assert form(examples, "vangennep")["short note"] == "van Gennep, *Rites de passage*."


def test_patents_reports_and_theses_print_their_type_and_number(examples):
    assert form(examples, "almendro")["full note"] == (
        "José L. Almendro et al., *Elektromagnetisches Signalhorn*, Patent EU-29702195U "
        "(France, United Kingdom, and Germany, 1998), 3–4."
    )
    assert "French Patent Request 9500261 (January 11, 1995)" in form(examples, "kowalik")["full note"]
    assert form(examples, "padhye")["notes bibliography"] == (
        "Padhye, Jitendra, Victor Firoiu, and Don Towsley. *A Stochastic Model of TCP Reno Congestion Avoidance and "
        "Control*. Technical Report 99-02. Amherst, Mass.: University of Massachusetts, 1999."
    )
    assert form(examples, "padhye")["short note"] == "Padhye, Firoiu, and Towsley, *Stochastic Model*."
    assert form(examples, "geer")["full note"] == (
        "Ingrid de Geer, “Earl, Saint, Bishop, Skald\N{NO-BREAK SPACE}– and Music: The Orkney Earldom of the Twelfth "
        "Century. A Musicological Study” (PhD diss., Uppsala Universitet, 1985), 3–4."
    )
    assert form(examples, "loh")["notes bibliography"] == (
        "Loh, Nin C. “High-Resolution Micromachined Interferometric Accelerometer.” Master’s thesis, "
        "Massachusetts Institute of Technology, 1992."
    )


def test_italics_inside_titles(examples):
    moraux = form(examples, "moraux")
    assert moraux["full note"].startswith("Paul Moraux, “Le *De Anima* dans la tradition grècque: Quelques aspects")
    assert moraux["short note"] == "Moraux, “*De Anima* dans la tradition grècque.”"
    # quotation marks inside a quoted title turn single; inside an italic title they stay double
    assert form(examples, "spiegelberg")["full note"].startswith(
        "Herbert Spiegelberg, “‘Intention’ und ‘Intentionalität’ in der Scholastik"
    )
    assert form(examples, "nussbaum")["short note"] == "Nussbaum, *Aristotle’s “De Motu Animalium”*."


def test_a_chapter_names_its_book_with_its_subtitle_and_editor(examples):
    assert form(examples, "westfahl:space")["notes bibliography"] == (
        "Westfahl, Gary. “The True Frontier: Confronting and Avoiding the Realities of Space in American Science "
        "Fiction Films.” In *Space and Beyond: The Frontier Theme in Science Fiction*, edited by Gary Westfahl, 55–65. "
        "Westport, Conn. and London: Greenwood, 2000."
    )


# ---------------------------------------------------------------- the examples (references.bib)


def test_short_forms_never_cut_a_title_mid_phrase(sample):
    assert form(sample, "hamm2006")["short note"] == "Hamm, “Kazakhstan, the OSCE.”"
    assert form(sample, "kosyrev2007")["short note"] == "Kosyrev, “Kazakhstan spas OBSE.”"  # four words at most
    assert form(sample, "tumat2007")["short note"] == "Tumat, “Setback Likely.”"
    assert form(sample, "interfax2007")["short note"] == "Interfax, “Report on Russia’s Position.”"
    assert form(sample, "rbcdaily2007")["author-date author"] == "“Soyuzniki otvernulis’”"
    # Chicago 14.30: a short title has no more than four words (was 13 in Peuch's notes)
    assert form(sample, "peuch2008")["short note"] == "Peuch, “Russia and Kazakhstan Strive.”"


def test_a_title_addon_follows_the_title_outside_its_quotation_marks(sample):
    assert form(sample, "kosyrev2007")["full note"].startswith(
        "D. Kosyrev, “Kazakhstan spas OBSE ot ischeznoveniya” [Kazakhstan has saved the OSCE from disappearance], "
        "*Novosti Azerbaijan*"
    )


def test_a_note_keeps_its_case_unless_it_opens_with_chicagos_own_words():
    bib = r"""
    @misc{a, author = {Doe, Jane}, title = {Water}, year = 2010, note = {Kazakhstan chaired the OSCE}}
    @misc{b, author = {Doe, Jane}, title = {Land}, year = 2010, note = {Cited in Roe 2011}}
    """
    refs = parse_bibtex(bib)

    assert marked(full_note(refs["a"], "")) == "Jane Doe, “Water,” 2010, Kazakhstan chaired the OSCE."
    assert marked(full_note(refs["b"], "")) == "Jane Doe, “Land,” 2010, cited in Roe 2011."


def test_doubled_punctuation_is_tidied_but_an_ellipsis_is_kept():
    refs = parse_bibtex(r"@book{b, author = {Roe, R.}, title = {Wait... What?}, publisher = {Polity.}, year = 2019}")

    assert marked(full_note(refs["b"], "")) == "R. Roe, *Wait... What?* (Polity., 2019)."
    assert marked(bibliography_entry(refs["b"], False)) == "Roe, R. *Wait... What?* Polity., 2019."


# ---------------------------------------------------------------- short titles (Chicago 14.32)


def shorten(title: str, **fields) -> str:
    return short_title(Reference("k", "book", title=Rich(title), **fields)).text


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("Budgets and Borders", "Budgets and Borders"),  # four words or fewer: whole
        ("Budgets and Borders: Central Asia since 1991", "Budgets and Borders"),  # the subtitle goes
        ("What Is to Be Done? Burning Questions", "What Is to Be Done?"),
        ("The Importance of Being Earnest", "Importance of Being Earnest"),  # an initial article goes first
        ("Patterns of Discovery in the Social Sciences", "Patterns of Discovery"),  # a phrase break
        ("Kazakhstan, the OSCE, and the US", "Kazakhstan, the OSCE"),  # a comma, never ", and,"
        ("Earl, Saint, Bishop, Skald – and Music", "Earl, Saint, Bishop, Skald"),
        ("Die Geburt der Tragödie. Unzeitgemäße Betrachtungen", "Die Geburt der Tragödie"),
        # no break to stop at: the first four words (Chicago 14.30), before a function word if one comes
        ("Regional Water Management Cooperation Frameworks Reconsidered", "Regional Water Management Cooperation"),
        ("Russia and Kazakhstan Strive to Put the OSCE Democratization Arm in a Sling", "Russia and Kazakhstan Strive"),
        ("What Is to Be Done?", "What Is to Be Done?"),  # a question of five words stays whole
    ],
)
def test_short_titles_stop_at_a_natural_break(title, short):
    assert shorten(title) == short


def test_a_shorttitle_field_wins():
    assert shorten("The Chicago Manual of Style", shorttitle=Rich("Chicago Manual")) == "Chicago Manual"


def test_titles_in_languages_whose_phrasing_is_unknown_are_cut_at_punctuation_or_four_words():
    assert shorten("Kazakhstan spas OBSE ot ischeznoveniya", language="russian") == "Kazakhstan spas OBSE"
    assert shorten("Qazaqstan, EQYU jäne Resei saiasaty", language="kazakh") == "Qazaqstan"
    assert shorten("Estimateur d’un défaut de fonctionnement d’un modulateur", language="french") == (
        "Estimateur d’un défaut"
    )


@pytest.mark.parametrize("word", ["the", "and", "of", "und", "der", "et", "de", "y", "para", "ot", "и", "және", "jäne"])
def test_function_words_of_every_brief_language_are_known(word):
    assert is_function_word(word)


def test_a_roman_numeral_is_not_a_conjunction():
    assert not is_function_word("I")  # "Sämtliche Werke I"; the lower-case Russian "i" is "and"


# ---------------------------------------------------------------- italics, locators, links


def test_an_emphasised_word_in_an_italic_title_goes_roman():
    ref = parse_bibtex(r"@book{b, author = {Roe, Richard}, title = {Reading \emph{Ulysses} Today}, year = 2019}")["b"]

    note = full_note(ref, "")

    assert note[:4] == [Text("Richard Roe, "), Emph((Text("Reading "),)), Text("Ulysses"), Emph((Text(" Today"),))]


@pytest.mark.parametrize(("locator", "printed"), [("pp. 33-47", "33–47"), ("33--47", "33–47"), ("ch. 2", "ch. 2")])
def test_locator_ranges_take_an_en_dash(locator, printed):
    assert locator_text(locator) == printed


def test_the_helper_bibliography_formats_as_before():
    refs = parse_bibtex(REFERENCES_BIB)
    assert marked(bibliography_entry(refs["roe2019"], False)) == (
        "Roe, Richard. *Budgets and Borders: Central Asia since 1991*. London: Routledge, 2019."
    )


# ---------------------------------------------------------------- issue 26, defect 6


def test_a_chapter_of_a_volume_keeps_its_volume(examples):
    kant = form(examples, "kant:kpv")
    book = "*Kritik der praktischen Vernunft. Kritik der Urtheilskraft*"
    assert f"{book}, vol. 5 of *Kants Werke. Akademie Textausgabe* (Berlin" in kant["full note"]
    assert ", vol. 5 of *Kants Werke. Akademie Textausgabe*, 1–163. Berlin" in kant["notes bibliography"]


def test_an_article_number_stands_for_its_pages(examples):
    kastenholz = form(examples, "kastenholz")
    assert "*J. Chem. Phys.* 124 (2006): 3–4" in kastenholz["full note"].replace("\u00a0", " ")  # the locator wins
    assert "*J. Chem. Phys.* 124 (2006): 124106." in kastenholz["notes bibliography"].replace("\u00a0", " ")


def test_one_editor_who_also_translated_is_named_once(examples):
    bland = form(examples, "averroes/bland")
    assert "Edited and translated by Kalman P. Bland. Moreshet" in bland["notes bibliography"]
    assert ", ed. and trans. Kalman P. Bland, Moreshet" in bland["full note"]
    assert (
        "Translated by" not in bland["notes bibliography"] and "trans. Kalman P. Bland, ed." not in bland["full note"]
    )


def test_one_authors_works_of_one_year_are_2004a_and_2004b_in_the_text_and_the_list(sample):
    from briefgen.cite import resolve_citations
    from briefgen.model import Box, Citation, CiteItem, Document, Heading, Metadata, Paragraph

    # the writer cites the later title first; the text gives the name once and the years in order (Chicago 15.29)
    cited = Citation((CiteItem("moscow2004statement"), CiteItem("astana2004appeal"), CiteItem("zagorski2009")))
    box = Box(("bibliography",), (Heading(1, (Text("References"),)),))
    doc = Document(Metadata("B"), (Paragraph((Text("Since 2004 "), cited, Text("."))), box))
    out, _ = resolve_citations(doc, sample, "author-date")
    assert plain_text(out.blocks[0].children) == (
        "Since 2004 (Foreign Ministers of CIS Member States 2004a, 2004b; Zagorski 2009)."
    )
    listed = [plain_text(p.children) for p in out.blocks[1].blocks[1:]]
    assert listed[0].startswith("Foreign Ministers of CIS Member States. 2004a. “Appeal on OSCE Reform")
    assert listed[1].startswith("Foreign Ministers of CIS Member States. 2004b. “Statement on the Reform Agenda")
