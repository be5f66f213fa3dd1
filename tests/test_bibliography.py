"""BibTeX as people really write it, read into plain `Reference` records."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefgen.bibliography import Name, Rich, load_bibliographies, load_bibliography, parse_bibtex
from briefgen.errors import BibliographyError

BIBLATEX_EXAMPLES = Path(__file__).parent / "data" / "biblatex-examples.bib"

# A hand-edited export: macros, month names, protected case, LaTeX accents,
# biblatex fields, a corporate author and a crossref whose parent comes last.
REAL_WORLD_BIB = r"""
% Sources for the Central Asia brief.
@string{shr     = "Security and Human Rights"}
@string{nijhoff = {Martinus Nijhoff}}

@article{mueller2009,
  author    = {M{\"u}ller, J{\"o}rg and \c{C}elik, Ay{\c s}e},
  title     = {The {OSCE} after {Astana}: Water, Borders and {Afghanistan}},
  journal   = shr,
  volume    = {20},
  number    = {1},
  pages     = {33--47},
  year      = 2009,
  month     = mar,
  publisher = nijhoff,
  doi       = {https://doi.org/10.1163/187502309787858219},
}

@report{worldbank2010,
  author      = {{World Bank}},
  title       = {Central Asia~Water and Energy Nexus},
  date        = {2010-03-14},
  location    = {Washington, DC},
  institution = {World Bank},
}

@article{roe2019,
  author       = {Roe, Richard},
  title        = {Budgets and Borders},
  journaltitle = {Journal of {Eurasian} Studies},
  date         = {2019-11},
}

@incollection{zagorski2007,
  author   = {Zagorski, Andrei},
  title    = {Kazakhstan's Chairmanship Bid},
  crossref = {warner2007},
  pages    = {93--123},
}

@book{warner2007,
  editor    = {Warner, Daniel},
  title     = {The {OSCE} at a Turning Point},
  publisher = {PSIO},
  address   = {Geneva},
  year      = {2007},
}
"""


@pytest.fixture(scope="module")
def refs():
    return parse_bibtex(REAL_WORLD_BIB, "references.bib")


def test_it_reads_every_entry_under_its_own_key(refs):
    assert list(refs) == ["mueller2009", "worldbank2010", "roe2019", "zagorski2007", "warner2007"]
    assert [refs[k].kind for k in refs] == ["article", "report", "article", "incollection", "book"]


def test_it_remembers_the_line_each_entry_starts_on(refs):
    assert (refs["mueller2009"].line, refs["warner2007"].line) == (6, 41)


def test_it_expands_string_macros(refs):
    assert refs["mueller2009"].container == Rich("Security and Human Rights")
    assert refs["mueller2009"].publisher == "Martinus Nijhoff"


def test_it_turns_a_month_macro_into_the_month_number(refs):
    assert (refs["mueller2009"].year, refs["mueller2009"].month) == ("2009", "3")


def test_it_drops_the_braces_that_protect_case(refs):
    assert str(refs["mueller2009"].title) == "The OSCE after Astana: Water, Borders and Afghanistan"
    assert str(refs["roe2019"].container) == "Journal of Eurasian Studies"


def test_it_decodes_latex_accents_and_commands(refs):
    assert refs["mueller2009"].authors == (Name("Müller", "Jörg"), Name("Çelik", "Ayşe"))
    assert refs["mueller2009"].pages == "33–47"  # -- is an en dash
    assert str(refs["worldbank2010"].title) == "Central Asia\N{NO-BREAK SPACE}Water and Energy Nexus"  # ~ ties words


def test_a_crossref_child_inherits_the_parents_title_as_booktitle_and_its_publisher_and_year(refs):
    child = refs["zagorski2007"]

    assert str(child.container) == "The OSCE at a Turning Point"
    assert (child.publisher, child.place, child.year) == ("PSIO", "Geneva", "2007")
    assert child.editors == (Name("Warner", "Daniel"),)
    assert (str(child.title), child.pages) == ("Kazakhstan’s Chairmanship Bid", "93–123")  # its own fields win


def test_it_reads_a_biblatex_date_into_year_month_and_day(refs):
    report = refs["worldbank2010"]

    assert (report.year, int(report.month), report.day) == ("2010", 3, "14")
    assert (refs["roe2019"].year, int(refs["roe2019"].month), refs["roe2019"].day) == ("2019", 11, "")


def test_it_reads_biblatex_journaltitle_and_location(refs):
    assert str(refs["roe2019"].container) == "Journal of Eurasian Studies"
    assert refs["worldbank2010"].place == "Washington, DC"


def test_it_strips_the_resolver_from_a_doi(refs):
    assert refs["mueller2009"].doi == "10.1163/187502309787858219"


def test_it_marks_an_author_in_double_braces_as_corporate(refs):
    assert refs["worldbank2010"].authors == (Name("World Bank", corporate=True),)
    assert not any(n.corporate for n in refs["mueller2009"].authors)


def field_texts(ref) -> list[str]:
    """Every piece of text a reference holds: plain fields, rich fields and names."""
    values = [getattr(ref, f.name) for f in dataclasses.fields(ref) if f.name not in ("url", "doi", "eprint")]
    texts = [str(v) for v in values if not (isinstance(v, tuple) and v and isinstance(v[0], str))]
    texts += [item for v in values if isinstance(v, tuple) and v and isinstance(v[0], str) for item in v]  # lists
    names = ref.authors + ref.editors + ref.translators
    return texts + [part for name in names for part in (name.family, name.given, name.particle, name.suffix)]


def test_no_brace_or_backslash_leaks_into_any_field(refs):
    for ref in refs.values():
        for text in field_texts(ref):
            assert not set(text) & set("{}\\~"), f"{ref.key}: {text!r}"


def test_it_reads_name_particles_and_suffixes():
    bib = "@book{b, author = {de la Fontaine, Jean and van Beethoven, Jr., Ludwig}, title = {T}}"

    [ref] = parse_bibtex(bib).values()

    assert ref.authors == (Name("Fontaine", "Jean", particle="de la"), Name("Beethoven", "Ludwig", "van", "Jr."))


def test_formatting_commands_do_not_leak_into_titles_and_emphasis_is_kept_as_italics():
    bib = r"@misc{m, title = {On \emph{Water} and \textit{Borders}}, howpublished = {\url{https://osce.org}}}"

    ref = parse_bibtex(bib)["m"]

    assert ref.title == Rich("On Water and Borders", italic=((3, 8), (13, 20)))
    assert ref.container == Rich("https://osce.org")


# ---------------------------------------------------------------- mistakes


def test_a_syntax_error_is_reported_with_the_line_the_parser_stopped_on():
    bib = """\
@article{a,
  title = {A},
  year = 2009
}

@book{b,
  title = {B}
  year = 2010,
}
"""  # line 7 lacks its comma; the parser notices on line 8

    with pytest.raises(BibliographyError) as info:
        parse_bibtex(bib, "references.bib")

    assert info.value.format_message() == "references.bib:8: BibTeX syntax error: '}' expected"


def test_duplicate_keys_are_reported_naming_both_lines():
    bib = """\
@article{doe2020,
  title = {A},
}

@book{roe2019,
  title = {B},
}
@misc{doe2020,
  title = {C},
}
"""

    with pytest.raises(BibliographyError) as info:
        parse_bibtex(bib, "references.bib")

    assert info.value.format_message() == "references.bib:8: doe2020: duplicate entry key (first defined on line 1)"


def test_keys_differing_only_in_case_are_duplicates_too():
    bib = """\
@article{doe2020,
  title = {A},
}
@misc{Doe2020,
  title = {C},
}
"""

    with pytest.raises(BibliographyError) as info:
        parse_bibtex(bib, "references.bib")

    assert info.value.format_message() == "references.bib:4: Doe2020: duplicate entry key (first defined on line 1)"


def test_a_missing_bibliography_file_is_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    with pytest.raises(BibliographyError) as info:
        load_bibliography(tmp_path / "references.bib")

    assert info.value.format_message() == "references.bib: bibliography file not found"


# ---------------------------------------------------------------- LaTeX commands


def title_of(latex: str) -> Rich:
    return parse_bibtex(f"@book{{b, title = {{{latex}}}}}")["b"].title


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{\LaTeX} Companion", "LaTeX Companion"),
        (r"The {\LaTeX} Companion", "The LaTeX Companion"),
        (r"The {\TeX book}", "The TeXbook"),  # a command eats the space after it, as in TeX
        (r"{\TeX}: The Program", "TeX: The Program"),
        (r"Tame the {\BibTeX} Beast", "Tame the BibTeX Beast"),
        (r"methodology\hyphen independent", "methodology-independent"),
        (r"Computers \& Typesetting", "Computers & Typesetting"),
        (r"Growth of 5\% a Year", "Growth of 5% a Year"),
        (r"Growth of 5% a Year", "Growth of 5% a Year"),  # a bare % in a .bib value is a percent sign
        (r"1990\textendash 2000", "1990–2000"),
        (r"And so on\ldots", "And so on…"),
        (r"See \url{https://osce.org/a_b~c%20d}", "See https://osce.org/a_b~c%20d"),
        (r"\emph{Water} Politics", "Water Politics"),
        (r"\mkbibquote{Intention} und", "“Intention” und"),
        (r"\foo{Kept} text", "Kept text"),  # an unknown command keeps its argument's text
        (r"{UNESCO} and {\"O}zge", "UNESCO and Özge"),
        (r"Kazakhstan's {OSCE} Bid", "Kazakhstan’s OSCE Bid"),
        (r"Some remarks on {'t Hooft's} S-matrix", "Some remarks on ’t Hooft’s S-matrix"),
    ],
)
def test_latex_commands_print_their_text(latex, text):
    assert str(title_of(latex)) == text


_WORDS = st.sampled_from(["Water", "OSCE", "und", "1991", "Kazakhstan's", "Ökonomie", "d'un", "50%", "C--C", "a~b"])
_COMMANDS = st.sampled_from([r"\TeX{}", r"{\LaTeX}", r"\&", r"\%", r"\ldots", r"\hyphen", r"\url{https://x.org/a_b}"])
_FIELD = st.recursive(
    _WORDS | _COMMANDS,
    lambda inner: st.one_of(
        *(inner.map(lambda t, c=c: f"{c}{{{t}}}") for c in ("", r"\emph", r"\textit", r"\unknown", r"\mkbibquote")),
        st.lists(inner, min_size=2, max_size=4).map(" ".join),
    ),
    max_leaves=12,
)


@given(_FIELD)
def test_any_field_decodes_without_losing_words_or_leaking_latex(latex):
    text = str(title_of(latex))

    assert not set(text) & set("{}\\~"), text
    for word in ("Water", "OSCE", "und", "1991", "TeX", "LaTeX"):
        assert text.count(word) >= latex.count(word), (latex, text)


def test_emphasis_inside_emphasis_goes_roman_again():
    assert title_of(r"\emph{On \emph{Water} Rights}") == Rich("On Water Rights", italic=((0, 3), (8, 15)))
    assert title_of(r"Old {\em style} italics") == Rich("Old style italics", italic=((4, 9),))


def test_rich_text_keeps_its_italics_when_cut_or_joined():
    title = Rich("On Water Rights", italic=((3, 8),))

    assert title[:8] == Rich("On Water", italic=((3, 8),))
    assert title[3:] + ": A Study" == Rich("Water Rights: A Study", italic=((0, 5),))
    assert title.runs() == [("On ", False), ("Water", True), (" Rights", False)]


def test_field_text_is_never_recased():
    bib = r"@misc{m, title = {the {OSCE} and {Kazakhstan}}, note = {Kazakhstan chaired the OSCE in 2010}}"

    ref = parse_bibtex(bib)["m"]

    assert (str(ref.title), str(ref.note)) == ("the OSCE and Kazakhstan", "Kazakhstan chaired the OSCE in 2010")


# ---------------------------------------------------------------- biblatex fields


def test_biblatex_lists_are_joined_for_reading_and_localisation_keys_spelled_out():
    bib = r"""
    @patent{p, title = {T}, location = {countryfr and countryuk and countryde}, type = {patenteu}}
    @book{b, title = {T}, location = {M{\"u}nchen and Berlin and New York},
             publisher = {Deutscher Taschenbuch-Verlag and Walter de Gruyter}}
    @book{c, title = {T}, location = {Durham and London}, publisher = {Routledge {and} Kegan Paul}}
    """

    refs = parse_bibtex(bib)

    assert refs["p"].place == "France, United Kingdom, and Germany"
    assert refs["p"].type == "patenteu"  # the formatter words the type: Chicago has its own
    assert refs["b"].place == "München, Berlin, and New York"
    assert refs["b"].publisher == "Deutscher Taschenbuch-Verlag and Walter de Gruyter"
    assert (refs["c"].place, refs["c"].publisher) == ("Durham and London", "Routledge and Kegan Paul")


def test_subtitle_titleaddon_type_and_number_are_read():
    bib = r"""@report{r, title = {Water}, subtitle = {A Study}, titleaddon = {[Draft]},
                        type = {techreport}, number = {99-02}, institution = {OSCE}}"""

    ref = parse_bibtex(bib)["r"]

    assert (str(ref.title), str(ref.subtitle), str(ref.titleaddon)) == ("Water", "A Study", "[Draft]")
    assert (ref.type, ref.number, ref.institution) == ("techreport", "99-02", "OSCE")


@pytest.mark.parametrize(("pages", "printed"), [("377-395", "377–395"), ("33--47", "33–47"), ("xii-xiv", "xii-xiv")])
def test_page_ranges_take_an_en_dash(pages, printed):
    assert parse_bibtex(f"@article{{a, title = {{T}}, pages = {{{pages}}}}}")["a"].pages == printed


def test_a_date_range_gives_a_year_range():
    assert parse_bibtex("@mvbook{m, title = {T}, date = {1984/1986}}")["m"].year == "1984–86"


def test_crossref_inherits_as_biblatex_does():
    bib = r"""
    @incollection{part, title = {The True Frontier}, crossref = {whole}}
    @collection{whole, editor = {Westfahl, Gary}, title = {Space and Beyond},
                subtitle = {The Frontier Theme}, shorttitle = {Space}, publisher = {Greenwood}}
    @book{volume, title = {The {\TeX}book}, volume = {A}, crossref = {set}}
    @mvbook{set, title = {Computers \& Typesetting}, publisher = {Addison-Wesley}}
    """

    refs = parse_bibtex(bib)

    assert str(refs["part"].container) == "Space and Beyond: The Frontier Theme"
    assert (refs["part"].subtitle, refs["part"].shorttitle) == (Rich(), Rich())  # the book's, not the chapter's
    assert refs["part"].editors == (Name("Westfahl", "Gary"),)
    assert (str(refs["volume"].maintitle), refs["volume"].publisher) == ("Computers & Typesetting", "Addison-Wesley")


# ---------------------------------------------------------------- the biblatex example database


@pytest.fixture(scope="module")
def examples():
    return parse_bibtex(BIBLATEX_EXAMPLES.read_text("utf-8"), "biblatex-examples.bib")


LOCALISATION_KEY = re.compile(r"\b(?:country|lang|patent|patreq)[a-z]{2,}\b|\b(?:new|old)series\b|\b[a-z]+thesis\b")


def test_every_biblatex_example_decodes_without_latex_raw_lists_or_localisation_keys(examples):
    assert len(examples) == 92
    for ref in examples.values():
        for text in field_texts(ref):
            assert not set(text) & set("{}\\~"), (ref.key, text)
            assert not re.search(r"\w and \w[^,]* and ", text) or text in (str(ref.title), str(ref.subtitle)), (
                ref.key,
                text,
            )
        for text in (ref.place, ref.publisher, ref.institution, str(ref.series)):
            assert not LOCALISATION_KEY.search(text), (ref.key, text)


def test_biblatex_examples_read_as_printed(examples):
    assert str(examples["companion"].title) == "The LaTeX Companion"
    assert str(examples["knuth:ct:a"].title) == "The TeXbook"
    assert str(examples["knuth:ct:b"].shorttitle) == "TeX"
    assert str(examples["herrmann"].title).endswith("ligand for C–C coupling reactions")
    assert str(examples["kastenholz"].title).startswith("Computation of methodology-independent ionic")
    assert examples["iliad"].place == "Düsseldorf and Zürich"
    assert examples["almendro"].place == "France, United Kingdom, and Germany"
    assert examples["gillies"].series == Rich("new series")
    assert examples["moraux"].shorttitle == Rich("De Anima dans la tradition grècque", italic=((0, 8),))
    assert str(examples["spiegelberg"].title).startswith("“Intention” und “Intentionalität” in der Scholastik")
    assert (examples["sigfridsson"].pages, examples["jaffe"].year) == ("377–395", "1885–88")
    assert str(examples["jaffe"].title).endswith("post Christum natum MCXCVIII")  # \textsc: small capitals


# ---------------------------------------------------------------- several files


def test_several_bibliographies_merge(tmp_path):
    (tmp_path / "a.bib").write_text("@book{one, title = {One}}\n", "utf-8")
    (tmp_path / "b.bib").write_text("@book{two, title = {Two}}\n", "utf-8")

    refs = load_bibliographies([tmp_path / "a.bib", tmp_path / "b.bib", tmp_path / "a.bib"])

    assert {k: str(r.title) for k, r in refs.items()} == {"one": "One", "two": "Two"}


def test_a_key_defined_in_two_bibliographies_names_both_places(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.bib").write_text("@book{doe2020, title = {A}}\n\n@book{roe2019, title = {R}}\n", "utf-8")
    Path("b.bib").write_text("% more\n@book{other, title = {O}}\n@misc{Doe2020, title = {B}}\n", "utf-8")

    with pytest.raises(BibliographyError) as info:
        load_bibliographies([Path("a.bib"), Path("b.bib")])

    assert info.value.format_message() == "b.bib:3: Doe2020: duplicate entry key (also defined at a.bib:1)"


def test_each_bibliography_is_parsed_once_per_file_version(tmp_path):
    path = tmp_path / "a.bib"
    path.write_text("@book{one, title = {One}}\n", "utf-8")
    first = load_bibliographies([path])
    assert load_bibliographies([path])["one"] is first["one"]  # cached

    path.write_text("@book{one, title = {One, revised}}\n", "utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))

    assert str(load_bibliographies([path])["one"].title) == "One, revised"


# ---------------------------------------------------------------- hostile files (issue 12)


def _plain_entries(count: int) -> str:
    """`count` entries of plain text (no LaTeX) sharing one LaTeX journal name, as a Zotero export repeats it."""
    return "\n".join(
        f"@article{{e{i},\n  author = {{Surname{i}, Given and Other{i}, Ann B.}},\n"
        f"  title = {{Plain title number {i}}},\n  journal = {{Journal of {{Eurasian}} \\emph{{Studies}}}},\n"
        f"  year = {{2019}}, pages = {{3-4}}, publisher = {{Brill}},\n}}\n"
        for i in range(count)
    )


def test_latex_decoding_work_does_not_grow_with_entries_of_plain_or_repeated_text(monkeypatch):
    """pylatexenc's walker costs ~0.1 ms a field: plain text skips it and a repeated value is decoded once."""
    import pylatexenc.latexwalker

    walkers = []
    original = pylatexenc.latexwalker.LatexWalker.__init__

    def counting(self, *args, **kwargs):
        walkers.append(args)
        original(self, *args, **kwargs)

    monkeypatch.setattr(pylatexenc.latexwalker.LatexWalker, "__init__", counting)
    few = parse_bibtex(_plain_entries(5))
    after_few = len(walkers)
    many = parse_bibtex(_plain_entries(60))

    assert len(walkers) - after_few <= after_few <= 2  # the journal, once
    assert many["e59"].container == Rich("Journal of Eurasian Studies", italic=((20, 27),))
    assert many["e59"].authors[1] == Name("Other59", "Ann B.")
    assert str(few["e3"].title) == "Plain title number 3"


def test_entry_lines_are_found_in_one_pass_over_the_file():
    """The line of each entry was a count of newlines from the file's start: quadratic in the file's size."""
    scanned = 0

    class Text(str):
        def count(self, sub, start=None, end=None):
            nonlocal scanned
            scanned += (len(self) if end is None else end) - (start or 0)
            return str.count(self, sub, start, end)

    text = Text(_plain_entries(200))
    refs = parse_bibtex(text)

    assert refs["e199"].line == 1 + 7 * 199
    assert scanned <= 2 * len(text)


@pytest.mark.parametrize(
    "decoded", ["Plain words, 2019: a–b “q” ’90s", "Given M.", "", "  two  spaces\tand tab ", "The {OSCE} in {{Asia}}"]
)
def test_text_without_latex_decodes_as_through_pylatexenc(decoded):
    from briefgen.bibliography import _decode, _decode_latex

    assert _decode(decoded) == _decode_latex(decoded)


@given(
    st.text(
        alphabet=st.one_of(
            st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\\$%~&#^_`"),
            st.sampled_from("{}{}'-\t\n\r  "),
        )
    )
)
def test_the_fast_path_for_plain_text_agrees_with_pylatexenc(text):
    from briefgen.bibliography import _decode, _decode_latex

    assert _decode(text) == _decode_latex(text)


STRING_BOMB = "@string{a0 = {xy}}\n" + "".join(f"@string{{a{i} = a{i - 1} # a{i - 1}}}\n" for i in range(1, 31))


def test_doubling_string_macros_fail_fast_with_one_line_naming_file_line_and_macro():
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(BibliographyError) as info:
            parse_bibtex(STRING_BOMB + "@misc{k, title = a30}\n", "refs.bib")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    # a16 is 2 * 2**16 = 131,072 characters: the first over the limit, on line 17
    assert info.value.format_message() == (
        "refs.bib:17: a16: this value is 131,072 characters long after @string expansion (at most 100,000)"
    )
    assert peak < 20_000_000


def test_an_entry_field_too_long_after_expansion_names_the_entry_and_field():
    bib = '@string{big = "' + "x" * 60_000 + '"}\n\n@misc{k,\n  title = {t},\n  note = big # " and " # big,\n}\n'

    with pytest.raises(BibliographyError) as info:
        parse_bibtex(bib, "refs.bib")

    assert info.value.format_message() == (
        "refs.bib:5: k: note: this value is 120,005 characters long after @string expansion (at most 100,000)"
    )


def test_a_long_but_bounded_field_still_reads():
    refs = parse_bibtex("@misc{k, note = {" + "word " * 19_000 + "}}\n")
    assert len(refs["k"].note) == 5 * 19_000 - 1


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("\x0b", "U+000B is a control character, not text: delete it (it is invisible in most editors)"),
        ("\x1b", "U+001B is a control character, not text: delete it (it is invisible in most editors)"),
        ("\x00", "U+0000 is a control character, not text: delete it (it is invisible in most editors)"),
        ("\x7f", "U+007F is a control character, not text: delete it (it is invisible in most editors)"),
        ("\ud800", "U+D800 is half of a surrogate pair, not text: delete it"),
    ],
)
def test_a_control_character_or_lone_surrogate_in_a_field_names_entry_field_line_and_column(value, why):
    bib = (
        f"@book{{first, title = {{Fine}}}}\n\n@article{{k,\n  author = {{Doe, Jane}},\n  title = {{Bad{value}x}},\n}}\n"
    )

    with pytest.raises(BibliographyError) as info:
        parse_bibtex(bib, "refs.bib")

    assert info.value.format_message() == f"refs.bib:5:15: k: title: {why}"


def test_a_control_character_in_a_name_or_a_string_macro_is_reported_too():
    with pytest.raises(BibliographyError) as info:
        parse_bibtex("@article{k,\n  author = {Doe, J\x1bane},\n}\n", "refs.bib")
    assert info.value.format_message().startswith("refs.bib:2:19: k: author: U+001B is a control character")

    with pytest.raises(BibliographyError) as info:
        parse_bibtex('@string{j = "Jour\x00nal"}\n@article{k,\n  journal = j,\n}\n', "refs.bib")
    assert info.value.format_message().startswith("refs.bib:1:18: j: U+0000 is a control character")


def test_tabs_and_newlines_in_fields_are_whitespace_not_errors():
    refs = parse_bibtex("@article{k,\r\n  title = {One\ttwo\r\n  three},\r\n}\r\n")
    assert str(refs["k"].title) == "One two three"


def test_a_name_pybtex_refuses_is_an_error_in_the_bib_file():
    from briefgen.bibliography import parse_bibtex
    from briefgen.errors import BibliographyError

    with pytest.raises(BibliographyError, match=r"refs.bib: BibTeX: Too many commas in"):
        parse_bibtex("@book{roe2019,\n  author = {, , ,},\n  title = {T},\n  year = {2020},\n}\n", "refs.bib")
