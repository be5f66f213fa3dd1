"""BibTeX as people really write it, read into plain `Reference` records."""

from __future__ import annotations

import dataclasses

import pytest

from briefgen.bibliography import Name, load_bibliography, parse_bibtex
from briefgen.errors import BibliographyError

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
    assert refs["mueller2009"].container == "Security and Human Rights"
    assert refs["mueller2009"].publisher == "Martinus Nijhoff"


def test_it_turns_a_month_macro_into_the_month_number(refs):
    assert (refs["mueller2009"].year, refs["mueller2009"].month) == ("2009", "3")


def test_it_drops_the_braces_that_protect_case(refs):
    assert refs["mueller2009"].title == "The OSCE after Astana: Water, Borders and Afghanistan"
    assert refs["roe2019"].container == "Journal of Eurasian Studies"


def test_it_decodes_latex_accents_and_commands(refs):
    assert refs["mueller2009"].authors == (Name("Müller", "Jörg"), Name("Çelik", "Ayşe"))
    assert refs["mueller2009"].pages == "33–47"  # -- is an en dash
    assert refs["worldbank2010"].title == "Central Asia Water and Energy Nexus"  # ~ is a space


def test_a_crossref_child_inherits_the_parents_title_as_booktitle_and_its_publisher_and_year(refs):
    child = refs["zagorski2007"]

    assert child.container == "The OSCE at a Turning Point"
    assert (child.publisher, child.place, child.year) == ("PSIO", "Geneva", "2007")
    assert child.editors == (Name("Warner", "Daniel"),)
    assert (child.title, child.pages) == ("Kazakhstan’s Chairmanship Bid", "93–123")  # its own fields win


def test_it_reads_a_biblatex_date_into_year_month_and_day(refs):
    report = refs["worldbank2010"]

    assert (report.year, int(report.month), report.day) == ("2010", 3, "14")
    assert (refs["roe2019"].year, int(refs["roe2019"].month), refs["roe2019"].day) == ("2019", 11, "")


def test_it_reads_biblatex_journaltitle_and_location(refs):
    assert refs["roe2019"].container == "Journal of Eurasian Studies"
    assert refs["worldbank2010"].place == "Washington, DC"


def test_it_strips_the_resolver_from_a_doi(refs):
    assert refs["mueller2009"].doi == "10.1163/187502309787858219"


def test_it_marks_an_author_in_double_braces_as_corporate(refs):
    assert refs["worldbank2010"].authors == (Name("World Bank", corporate=True),)
    assert not any(n.corporate for n in refs["mueller2009"].authors)


def test_no_brace_or_backslash_leaks_into_any_field(refs):
    for ref in refs.values():
        texts = [v for v in dataclasses.asdict(ref).values() if isinstance(v, str)]
        texts += [part for name in ref.authors + ref.editors for part in (name.family, name.given, name.particle)]
        for text in texts:
            assert not set(text) & set("{}\\"), f"{ref.key}: {text!r}"


def test_it_reads_name_particles_and_suffixes():
    bib = "@book{b, author = {de la Fontaine, Jean and van Beethoven, Jr., Ludwig}, title = {T}}"

    [ref] = parse_bibtex(bib).values()

    assert ref.authors == (Name("Fontaine", "Jean", particle="de la"), Name("Beethoven", "Ludwig", "van", "Jr."))


def test_formatting_commands_do_not_leak_into_titles():
    bib = r"@misc{m, title = {On \emph{Water} and \textit{Borders}}, howpublished = {\url{https://osce.org}}}"

    ref = parse_bibtex(bib)["m"]

    assert ref.title == "On Water and Borders"
    assert ref.container == "https://osce.org"


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


def test_every_entry_formats_in_every_style_without_raw_latex(refs):
    from briefgen.chicago import bibliography_entry, full_note, short_note, source_line
    from briefgen.model import plain_text

    for ref in refs.values():
        for inlines in (
            full_note(ref, "p. 3"),
            short_note(ref, ""),
            bibliography_entry(ref, True),
            bibliography_entry(ref, False),
            source_line(ref),
        ):
            text = plain_text(tuple(inlines))
            assert not set(text) & {"{", "}", "\\"}, (ref.key, text)
            assert ", ," not in text and ".." not in text.replace("...", ""), (ref.key, text)
