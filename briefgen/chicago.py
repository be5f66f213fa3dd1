"""Chicago formatting of one reference: full and short notes, bibliography entries, source lines.

Pure functions from a `Reference` to model inlines, after The Chicago Manual of Style
(17th ed.): notes and bibliography (chapter 14), author-date (chapter 15). The
citation stage (`cite.py`) decides which form goes where; this module decides how
each form reads. Field text is printed as the .bib file has it, never re-cased.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date, format_skeleton, get_month_names

from .bibliography import BIBSTRINGS, Name, Reference, Rich
from .locales import babel_locale, base_language, csl_terms, primary_language
from .model import Emph, Inline, Link, Span, Text, plain_text, safe_url
from .typography import quotes

# ---------------------------------------------------------------- the document's language

_LANGUAGE: ContextVar[str] = ContextVar("citation_language", default="en")


@contextmanager
def terms_in(language: str) -> Iterator[None]:
    """Word references in the document's language (its CSL terms) while the citation stage runs."""
    token = _LANGUAGE.set(language)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def term(name: str, capital: bool = False) -> str:
    """A citation term ("ibid.", "and", "ed.") in the document's language, from locales/csl_terms.json."""
    text = str(csl_terms(_LANGUAGE.get())[name])
    return text[:1].upper() + text[1:] if capital else text


def _english() -> bool:
    return base_language(_LANGUAGE.get()) == "en"


def _quotes() -> str:
    """The document's quotation marks, open, close, inner open, inner close (typography.quotes)."""
    return quotes(_LANGUAGE.get())


_CYRILLIC_LANGUAGES = frozenset({"ru", "uk", "be", "bg", "sr", "kk", "mk"})


def _foreign(ref: Reference) -> str:
    """The work's language tag when a non-English brief cites a work in another language, else "".

    Its title then goes in a span in that language: typography leaves French spacing out of an
    English title, and screen readers and hyphenation switch. A Russian title in Latin letters is
    `ru-Latn`. English briefs print as they always did.
    """
    tag = ref.language_tag
    if _english() or not tag or primary_language(tag) == primary_language(_LANGUAGE.get()):
        return ""
    if primary_language(tag) in _CYRILLIC_LANGUAGES and not re.search("[\u0400-\u04ff]", ref.title.text):
        return f"{tag}-Latn"
    return tag


def _both_roles(name: str, capital: bool = False) -> str:
    """CSL's "ed. & trans.", "edited & translated by"; Chicago spells the "and" out (14.104)."""
    text = term(name, capital)
    return text.replace("&", term("and")) if _english() else text


def _edited_and_translated(ref: Reference) -> bool:
    """One person (or the same people) both edited and translated the work: named once (Chicago 14.104)."""
    return bool(ref.editors) and ref.editors == ref.translators


def _and_last() -> str:
    """What joins the last of several names: Chicago's serial ", and "; other languages put no comma before "and"."""
    return ", and " if _english() else f" {term('and')} "


# ---------------------------------------------------------------- names


def _given_family(n: Name) -> str:
    if n.corporate:
        return n.family
    return " ".join(p for p in (n.given, n.particle, n.family) if p) + (f", {n.suffix}" if n.suffix else "")


def _family_given(n: Name) -> str:
    if n.corporate:
        return n.family
    fam = f"{n.particle} {n.family}".strip()
    given = f"{n.given}, {n.suffix}" if n.suffix and n.given else n.given
    return f"{fam}, {given}" if given else fam


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]} {term('and')} {names[1]}"
    return ", ".join(names[:-1]) + _and_last() + names[-1]


def _family(n: Name) -> str:
    return n.family if n.corporate else f"{n.particle} {n.family}".strip()


def _names(names: tuple[Name, ...], *, et_al_from: int, keep: int = 1, invert_first: bool = False) -> str:
    """A name list; from `et_al_from` names on (or after BibTeX's `and others`) the first `keep` and "et al."."""
    listed = [n for n in names if not n.is_others]
    shown = [_family_given(n) if invert_first and i == 0 else _given_family(n) for i, n in enumerate(listed)]
    if len(listed) < len(names) or len(listed) >= et_al_from:
        return ", ".join(shown[:keep]) + (", " if keep > 1 else " ") + term("et_al")
    if invert_first and len(shown) == 2 and not listed[0].corporate:  # "Baez, John C., and Aaron D. Lauda"
        return shown[0] + _and_last() + shown[1]
    return _join(shown)


def creators(ref: Reference) -> tuple[tuple[Name, ...], str]:
    """Who heads the entry, and the role word after them ("ed.", "eds.", "trans.")."""
    if ref.authors:
        return ref.authors, ""
    if ref.editors and _edited_and_translated(ref):
        return ref.editors, _both_roles("editor_translator" if len(ref.editors) == 1 else "editors_translators")
    if ref.editors:
        return ref.editors, term("editor") if len(ref.editors) == 1 else term("editors")
    if ref.translators:
        return ref.translators, term("translator")
    return (), ""


def short_author(ref: Reference) -> str:
    """Family names for short notes and author-date; a work with no author gives its short title.

    Plain text cannot italicise a book's title: `author_inlines` is the form to print.
    """
    names, _ = creators(ref)
    if not names:
        return plain_text(tuple(author_inlines(ref)))
    listed = [n for n in names if not n.is_others]
    fams = [_family(n) for n in listed]
    if len(fams) >= 4 or len(listed) < len(names):
        return f"{fams[0]} {term('et_al')}"
    return _join(fams)


def author_inlines(ref: Reference) -> list[Inline]:
    """The author part of an author-date citation (Chicago 15.32): names, or the short title set as a title."""
    if creators(ref)[0]:
        return [Text(short_author(ref))]
    p = Parts()
    _title(p, ref, short_title(ref), "", addon=False)
    return p.out


def authors_inlines(refs: list[Reference]) -> list[Inline]:
    """Several works' authors in a sentence: "Doe and Roe", "Doe, Roe, and *Chicago Manual*"."""
    return joined([author_inlines(ref) for ref in refs])


def joined(items: list[list[Inline]]) -> list[Inline]:
    """Several things a sentence names, joined as names are: "A and B", "A, B, and C" ("A, B et C")."""
    p = Parts()
    for i, item in enumerate(items):
        if i:
            p.text(f" {term('and')} " if len(items) == 2 else _and_last() if i == len(items) - 1 else ", ")
        p.extend(item)
    return p.out


# ---------------------------------------------------------------- titles

# Articles, prepositions and conjunctions a short title never ends on (Chicago 14.32),
# in the languages briefs are written in; Russian and Kazakh also in Latin transliteration.
_FUNCTION_WORDS = {
    # not the prepositions that also end titles as adverbs: "Space and Beyond", "Game Over"
    "en": "a an the and or nor but for so yet as at by from in into of onto per than to upon via with about "
    "against among between despite during except toward towards until versus vs",
    "fr": "le la les l un une des du de d au aux et ou ni mais car donc or à en dans par pour sur sous avec sans "
    "chez vers entre contre depuis pendant selon que qui",
    "de": "der die das den dem des ein eine einen einem einer eines und oder aber sondern denn doch sowie in im ins "
    "an am ans auf aus bei beim mit nach seit von vom zu zum zur über unter vor hinter neben zwischen durch für "
    "gegen ohne um bis als wie",
    "es": "el la los las lo un una unos unas y e o u ni pero sino que a al de del en con por para sin sobre entre "
    "hacia hasta desde según contra tras ante bajo",
    "ru": "и а но или да в во на с со к ко о об обо от до из за по под при про для без у через над перед между "
    "i a no ili v vo na s so k ko o ob obo ot do iz za po pod pri pro dlya dlia bez u cherez nad pered mezhdu",
    "kk": "және мен пен бен да де та те немесе бірақ үшін туралы арқылы жөнінде "
    "zhane jäne jane men pen ben da de ta te nemese biraq ushin turaly arqyly",
}
_FUNCTION_WORDS_BY_LANGUAGE = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
ALL_FUNCTION_WORDS = frozenset().union(*_FUNCTION_WORDS_BY_LANGUAGE.values())
# Prepositions that open a phrase a short title may stop before: "Patterns of Discovery | in the Social
# Sciences". Not conjunctions or articles ("Russia | and Kazakhstan", "Setting | the Agenda"), nor "to"
# ("What Is | to Be Done?"): a cut there changes what the title says.
_PHRASE_STARTS = {
    "en": "of in on for from with without within at by about after against among around as before behind "
    "between beyond during into onto over since through toward towards under until upon via versus vs",
    "fr": "de du des à au aux en dans par pour sur sous avec sans chez vers entre contre depuis pendant selon",
    "de": "von vom zu zum zur in im an am auf aus bei beim mit nach seit über unter vor hinter neben zwischen "
    "durch für gegen ohne um",
    "es": "de del en con por para sin sobre entre hacia hasta desde según contra tras ante bajo",
}
_PHRASE_STARTS_BY_LANGUAGE = {lang: frozenset(words.split()) for lang, words in _PHRASE_STARTS.items()}
_ALL_PHRASE_STARTS = frozenset().union(*_PHRASE_STARTS_BY_LANGUAGE.values())
_INITIAL_ARTICLES = {
    "en": {"a", "an", "the"},
    "fr": {"le", "la", "les"},
    "de": {"der", "die", "das"},
    "es": {"el", "la", "los", "las"},
}
# babel names (`langid`) of the languages whose phrase breaks we trust; other titles are cut only at punctuation
_PHRASE_LANGUAGES = {
    "": "en",
    "english": "en",
    "american": "en",
    "british": "en",
    "usenglish": "en",
    "ukenglish": "en",
    "canadian": "en",
    "australian": "en",
    "french": "fr",
    "german": "de",
    "ngerman": "de",
    "austrian": "de",
    "naustrian": "de",
    "swissgerman": "de",
    "spanish": "es",
}


def is_function_word(word: str, words: frozenset[str] = ALL_FUNCTION_WORDS) -> bool:
    """Whether a title may not end on `word`. One-letter words count only in lower case: "Werke I" is a numeral."""
    bare = word.strip(".,;:!?()[]“”‘’\"'").removesuffix("’").removesuffix("'")
    if len(bare) == 1:
        return bare in words
    return bare.casefold() in words


def full_title(ref: Reference) -> Rich:
    """Title and subtitle, joined by a colon (none after "?" or "!")."""
    if not ref.subtitle:
        return ref.title
    return ref.title + (" " if ref.title.text.endswith(("?", "!")) else ": ") + ref.subtitle


def _main_title(title: Rich) -> Rich:
    m = re.search(r"[?!](?=\s)|:\s", title.text)
    return title[: m.end() if title.text[m.start()] in "?!" else m.start()] if m else title


def short_title(ref: Reference) -> Rich:
    """Chicago 14.32: `shorttitle`; else the main title if four words or fewer; else cut at a natural break.

    A longer title first loses an initial article ("The Importance of Being Earnest"
    -> "Importance of Being Earnest"; not in sentence case, where "carbocyclic
    carbene" would read as a fragment). A natural break is punctuation inside the main
    title, or (in English, French, German and Spanish) a preposition after two words
    or more: "Patterns of Discovery | in the Social Sciences". The cut never ends on an
    article, preposition or conjunction; with no such break, the first four words (`_first_words`).
    """
    if ref.shorttitle:
        return ref.shorttitle
    main = _main_title(ref.title).strip(" ,;:")
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", main.text)]
    if len(words) <= 4:
        return main
    language = _PHRASE_LANGUAGES.get(ref.language, "")
    second_word = main.text[words[1][0] : words[1][1]]
    if main.text[: words[0][1]].casefold() in _INITIAL_ARTICLES.get(language, ()) and not second_word[0].islower():
        main = main[words[1][0] :]
        words = [(start - words[1][0], end - words[1][0]) for start, end in words[1:]]
        if len(words) <= 4:
            return main
    phrase_starts = _PHRASE_STARTS_BY_LANGUAGE.get(language, frozenset())
    best = 0
    for n in range(1, min(4, len(words) - 1) + 1):
        word = main.text[words[n - 1][0] : words[n - 1][1]]
        following = main.text[words[n][0] : words[n][1]]
        if is_function_word(word):
            continue
        punctuated = word.endswith((",", ";")) or _ends_sentence(word) or following[0] in "–—-([“‘"
        starts_phrase = n >= 2 and is_function_word(following, phrase_starts) and not word.endswith(("-", "–"))
        if punctuated or starts_phrase:
            best = n
    if not best:
        return _first_words(main, words)
    cut = main[: words[best - 1][1]].strip(" ,;:–—-")
    return cut[:-1] if _ends_sentence(cut.text.split()[-1]) else cut


def _first_words(main: Rich, words: list[tuple[int, int]]) -> Rich:
    """A title with no natural break: at most its first four words (Chicago 14.30), before a function
    word if one follows the second to fourth ("Kazakhstan spas OBSE | ot …"), never ending on one.
    A question or exclamation of five words stays whole: "What Is to Be Done?" cut asks something else."""
    if len(words) <= 5 and main.text.endswith(("?", "!")):
        return main
    word = [main.text[start:end] for start, end in words]

    def weak(w: str) -> bool:  # a title's cut never ends on these: "Statement on | the Reform Agenda"
        return is_function_word(w) or is_function_word(w, _ALL_PHRASE_STARTS)

    before_function_word = [n for n in (2, 3, 4) if is_function_word(word[n]) and not weak(word[n - 1])]
    n = max(before_function_word, default=4)
    while n > 1 and weak(word[n - 1]):
        n -= 1
    return main[: words[n - 1][1]].strip(" ,;:–—-")


def _ends_sentence(word: str) -> bool:
    """ "Tragödie." ends a sentence of a title; "Mass." or "U.S." does not."""
    return word.endswith(".") and "." not in word[:-1] and len(word) > 4


def _is_quoted(ref: Reference) -> bool:
    """Titles of parts (articles, chapters, pages, theses) go in quotation marks; whole works in italics."""
    return _shape(ref) in ("article", "chapter", "thesis", "web")


def _shape(ref: Reference) -> str:
    kind = ref.kind
    if kind in ("article", "periodical"):
        return "article"
    if kind in ("incollection", "inproceedings", "inbook", "inreference", "suppbook", "suppcollection"):
        return "chapter"
    if kind in ("thesis", "phdthesis", "mastersthesis"):
        return "thesis"
    if kind in ("online", "misc", "www", "unpublished", "newspaper"):
        return "web"
    return "book"


def _swap_quotes(title: Rich) -> Rich:
    """Quotation marks inside a quoted title turn inner ones (Chicago 13.30): ‘ ’ in English, ‹ › in French."""
    marks = _quotes()
    return Rich(title.text.translate(str.maketrans("“”", marks[2:4])), title.italic)


def _title(p: Parts, ref: Reference, title: Rich, punct: str, *, addon: bool = True, addon_sep: str = ", ") -> None:
    """A title as the entry's kind sets it, its `titleaddon` (not in short forms), then `punct`.

    American usage: a comma or full stop goes inside the closing quotation mark; other
    languages put it after (« Titre », …). A work in another language than the brief's has
    its title in a span in that language (`_foreign`).
    """
    if not title:
        return
    addon_text = ref.titleaddon if addon else Rich()
    if title.text.endswith(("?", "!")) and not addon_text:
        punct = ""  # "What Is X?" takes no comma or full stop after it
    inside = punct if _english() and not addon_text else ""
    if _is_quoted(ref):
        marks = _quotes()
        p.text(marks[0]).rich(_swap_quotes(title), lang=_foreign(ref)).text(inside + marks[1])
    else:
        p.rich(title, italic=True, lang=_foreign(ref))
    if addon_text:
        p.text(" " if addon_text.text[:1] in "[(" else addon_sep).rich(addon_text)
        p.text(punct)
    elif not (_is_quoted(ref) and inside):
        p.text(punct)


# ---------------------------------------------------------------- pieces

_CHICAGO_TYPES = {  # biblatex type keys as Chicago words them; the rest as biblatex's English has them
    "phdthesis": "PhD diss.",
    "mathesis": "master’s thesis",
    "bathesis": "bachelor’s thesis",
    "candthesis": "candidate’s thesis",
    "techreport": "Technical Report",
    "resreport": "Research Report",
    "patent": "Patent",
    "patentde": "German Patent",
    "patenteu": "European Patent",
    "patentfr": "French Patent",
    "patentuk": "British Patent",
    "patentus": "US Patent",
    "patreq": "Patent Request",
    "patreqde": "German Patent Request",
    "patreqeu": "European Patent Request",
    "patreqfr": "French Patent Request",
    "patrequk": "British Patent Request",
    "patrequs": "US Patent Request",
}
_DEFAULT_TYPES = {
    "phdthesis": "phdthesis",
    "mastersthesis": "mathesis",
    "thesis": "thesis",
    "techreport": "techreport",
    "report": "report",
    "patent": "patent",
}


def _type_words(ref: Reference) -> str:
    """The kind of document in words: "PhD diss.", "Technical Report", or the `type` field as written."""
    key = ref.type or _DEFAULT_TYPES.get(ref.kind, "")
    if (not _english() and key in _CHICAGO_TYPES) or key == "report":
        return _localised_type(key)
    return _CHICAGO_TYPES.get(key) or BIBSTRINGS.get(key) or key


def _localised_type(key: str) -> str:
    """A kind of document in the brief's language, by its CSL term: "thèse", "Bericht", "дис."."""
    if key.endswith("thesis"):
        return term("thesis")
    if key.startswith("pat"):
        return term("patent", capital=True)
    return term("report", capital=True)


def _report_number(ref: Reference) -> str:
    """ "Technical Report 99-02", "European Patent EU-29702195U": a report's or patent's designation."""
    if ref.kind not in ("report", "techreport", "patent"):
        return ""
    return " ".join(x for x in (_type_words(ref), ref.number) if x)


def _capitalised(words: str) -> str:
    """Our own words at the start of a sentence: "master’s thesis" -> "Master’s thesis"."""
    return words[:1].upper() + words[1:]


def _ordinal(number: str, gender: str = "") -> str:
    """ "2" -> "2nd", "2ᵉ", "2-е", "2.": the CSL locale's short ordinal (CSL 1.0.2, "Ordinal Suffixes").

    A two-digit term (ordinal-11) wins over a one-digit one (ordinal-01), which wins over
    `ordinal`; a term of the noun's gender over one without.
    """
    if not number.isdigit():
        return number
    n = int(number)
    found: dict[tuple[int, bool], str] = {}  # (rank, of the gender) -> suffix
    for name, gender_form, match, text in csl_terms(_LANGUAGE.get())["ordinals"]:
        rank = 0 if name == "ordinal" else 1 if int(name[-2:]) < 10 else 2
        match = match or ("last-digit" if rank == 1 else "last-two-digits")
        value = {"whole-number": n, "last-digit": n % 10, "last-two-digits": n % 100}[match]
        if (gender_form and gender_form != gender) or (rank and value != int(name[-2:])):
            continue
        found[(rank, bool(gender_form))] = text
    return f"{n}{found[max(found)] if found else ''}"


def _edition(ref: Reference) -> str:
    """ "2" -> "2nd ed.", "2ᵉ éd.", "2-е изд."; words ("Rev. and expanded") stay, with "ed." only if missing."""
    if not ref.edition:
        return ""
    edition = term("edition")
    if ref.edition.isdigit():
        gender = str(csl_terms(_LANGUAGE.get())["edition_gender"])
        ordinal = _ordinal(ref.edition, gender)
        return "" if ref.edition == "1" else ordinal + ("" if ordinal.endswith("-") else " ") + edition  # "2-бас."
    said = re.search(r"\bed(\.|ition)", ref.edition, re.I) if _english() else edition in ref.edition
    return ref.edition if said else f"{ref.edition} {edition}"


_SERIES_ABBREVIATIONS = {"new series": "n.s.", "old series": "o.s."}


def _series_of_journal(ref: Reference) -> str:
    """A journal's series: 3 -> "3rd ser.", new series -> "n.s." (Chicago 14.180).

    CSL has no term for a series: outside English the field prints as the .bib writes it.
    """
    series = str(ref.series)
    if not _english():
        return series
    return f"{_ordinal(series)} ser." if series.isdigit() else _SERIES_ABBREVIATIONS.get(series, series)


def _date_text(ref: Reference) -> str:
    if ref.month.isdigit() and 1 <= int(ref.month) <= 12:
        if not _english() and ref.year.isdigit():
            return _month_date(int(ref.year), int(ref.month), ref.day)
        month = calendar.month_name[int(ref.month)]
        return f"{month} {int(ref.day)}, {ref.year}" if ref.day.isdigit() else f"{month} {ref.year}"
    return ref.year


def _month_date(year: int, month: int, day: str) -> str:
    """A reference's date in the document's language by CLDR: "15 janvier 2009", "январь 2009 г."."""
    locale = babel_locale(_LANGUAGE.get())
    try:
        if day.isdigit():
            return format_date(date(year, month, int(day)), "long", locale=locale)
        return format_skeleton("yMMMM", date(year, month, 1), locale=locale)
    except ValueError:  # 31 February, year 0: as written
        return f"{day} {month} {year}".strip()


def _month_name(month: int) -> str:
    if _english():
        return calendar.month_name[month]
    # the wide stand-alone name ("décembre", "декабрь"): CLDR's "MMMM" skeleton gives "déc."
    return str(get_month_names("wide", "stand-alone", locale=babel_locale(_LANGUAGE.get()))[month])


def locator_text(loc: str) -> str:
    """Chicago prints page locators bare: "p. 33" -> "33", "pp. 33-47" -> "33–47"; "ch. 2" stays."""
    return re.sub(r"\s*-+\s*", "–", re.sub(r"^(pages|page|pp|p)\.?\s*", "", loc.strip()))


_LOWERED_OPENINGS = ("Cited in", "Quoted in", "In ", "See ", "Reprinted in", "Translated by", "Originally published")


def _note_after_comma(note: Rich) -> Rich:
    """A note read after a comma: Chicago's own phrases lower their first letter ("cited in …").

    Nothing else is re-cased: "Kazakhstan …" or "OSCE …" stay as written.
    """
    if note.text.startswith(_LOWERED_OPENINGS):
        return Rich(note.text[0].lower() + note.text[1:], note.italic)
    return note


def _link(ref: Reference) -> list[Inline]:
    if ref.doi:
        url = f"https://doi.org/{ref.doi}"
    elif ref.url and safe_url(ref.url) and not ref.url.strip().startswith("#"):
        url = ref.url.strip()
    elif ref.eprint and ref.eprinttype == "arxiv":
        url = f"https://arxiv.org/abs/{ref.eprint}"
    else:
        return []
    return [Link((Text(url),), url)]


@dataclass
class Parts:
    """Builds a run of inlines, merging adjacent text."""

    out: list[Inline] = field(default_factory=list)

    def text(self, s: str) -> Parts:
        if s:
            if self.out and isinstance(self.out[-1], Text):
                self.out[-1] = Text(self.out[-1].text + s)
            else:
                self.out.append(Text(s))
        return self

    def emph(self, s: str) -> Parts:
        if s:
            if self.out and isinstance(self.out[-1], Emph) and all(isinstance(c, Text) for c in self.out[-1].children):
                self.out[-1] = Emph((Text(plain_text(self.out[-1].children) + s),))
            else:
                self.out.append(Emph((Text(s),)))
        return self

    def rich(self, r: Rich, italic: bool = False, lang: str = "") -> Parts:
        """Field text; inside an italic title its own italic words go roman (Chicago 8.171).

        With `lang`, the text goes in a span in that language (a title in another language than the brief's).
        """
        if lang and r.text:
            self.out.append(Span(tuple(Parts().rich(r, italic).out), lang))
            return self
        for run, run_italic in r.runs():
            if run_italic != italic:
                self.emph(run)
            else:
                self.text(run)
        return self

    def extend(self, nodes: list[Inline]) -> Parts:
        for n in nodes:
            if isinstance(n, Text):
                self.text(n.text)
            else:
                self.out.append(n)
        return self


def _listed(items: tuple[str, ...], english: str) -> str:
    """A biblatex list (places, publishers) joined with the brief's "and"; English as the .bib reading has it."""
    if _english() or not items or items[-1] == "others":
        return english
    return _join(list(items))


def _place(ref: Reference) -> str:
    return _listed(ref.place_items, ref.place)


def _institution(ref: Reference) -> str:
    return _listed(ref.institution_items, ref.institution)


def _publisher(ref: Reference) -> str:
    """The publisher, else the institution: "Walter de Gruyter", "Uppsala Universitet"."""
    return _listed(ref.publisher_items, ref.publisher) or _institution(ref)


def _publication(ref: Reference, with_year: bool = True) -> str:
    """ "Place: Publisher, Year", whichever parts there are; a patent gives its full date."""
    bits = ": ".join(b for b in (_place(ref), _publisher(ref)) if b)
    when = _date_text(ref) if ref.kind == "patent" else ref.year
    return ", ".join(b for b in (bits, when if with_year else "") if b)


def _volume_part(ref: Reference, p: Parts, sep: str, capital: bool) -> None:
    """ "vol. A of *Computers & Typesetting*", or "5 vols." for a whole set."""
    volume = term("volume", capital) + " "
    if ref.volume and ref.maintitle:
        p.text(sep + volume + ref.volume + (" of " if _english() else ", ")).rich(
            ref.maintitle, italic=True, lang=_foreign(ref)
        )
    elif ref.volume:
        p.text(sep + volume + ref.volume)
    elif ref.volumes:
        p.text(f"{sep}{ref.volumes} {term('volumes')}")


def _series_number(ref: Reference) -> Rich:
    return ref.series + (f" {ref.number}" if ref.number and _report_number(ref) == "" else "")


# ---------------------------------------------------------------- notes


def full_note(ref: Reference, locator: str) -> list[Inline]:
    """Chicago full note, e.g. Andrei Zagorski, "Title," *Journal* 20, no. 1 (2009): 3."""
    p = Parts()
    names, role = creators(ref)
    if names:
        p.text(_names(names, et_al_from=4) + (f", {role}" if role else "") + ", ")
    _NOTE_BODIES.get(_shape(ref), _note_book)(p, ref, full_title(ref), locator_text(locator))
    if ref.note:
        p.text(", ").rich(_note_after_comma(ref.note))
    _tidy(p.out)
    link = _link(ref)
    if link:
        p.text(", " if not _ends_with(p.out, ", ") else "").extend(link)
    p.text(".")
    return _tidy(p.out)


def _journal_issue(p: Parts, ref: Reference) -> None:
    """ "*Journal*, n.s., 20, no. 1": the part of an article's reference notes and bibliography share."""
    p.rich(ref.container, italic=True, lang=_foreign(ref))
    if ref.series:
        p.text(f", {_series_of_journal(ref)}" + ("," if ref.volume else ""))
    p.text(f" {ref.volume}" if ref.volume else "")
    p.text(f", {term('issue')} {ref.number}" if ref.number else "")


def _note_article(p: Parts, ref: Reference, title: Rich, loc: str) -> None:
    """A note's article: "Title," *Journal* 20, no. 1 (2009): 3; the locator replaces the page range."""
    _title(p, ref, title, ",")
    p.text(" ")
    _journal_issue(p, ref)
    p.text(f" ({_date_text(ref)})" if ref.year else "")
    p.text(f": {loc or ref.pages}" if (loc or ref.pages) else "")


def _note_chapter(p: Parts, ref: Reference, title: Rich, loc: str) -> None:
    """A note's chapter: "Title," in *Book*, ed. X (Place: Publisher, Year), pages."""
    _title(p, ref, title, ",")
    p.text(" ")
    p.text(term("in") + " ").rich(ref.container, italic=True, lang=_foreign(ref))
    if ref.containeraddon:
        p.text(", ").rich(ref.containeraddon)
    _volume_part(ref, p, ", ", capital=False)  # "in *Book*, vol. 5 of *Kants Werke*"
    _contributors_in_note(p, ref, book_editors=bool(ref.authors))
    if ref.series:
        p.text(", ").rich(_series_number(ref))
    pub = _publication(ref)
    p.text(f" ({pub})" if pub else "")
    p.text(f", {loc or ref.pages}" if (loc or ref.pages) else "")


def _note_thesis(p: Parts, ref: Reference, title: Rich, loc: str) -> None:
    """A note's thesis: "Title" (PhD diss., Institution, Year), locator."""
    _title(p, ref, title, "")
    facts = ", ".join(x for x in (_type_words(ref), _institution(ref), ref.year) if x)
    p.text(f" ({facts})" if facts else "")
    p.text(f", {loc}" if loc else "")


def _note_web(p: Parts, ref: Reference, title: Rich, loc: str) -> None:
    """A note's web page or unpublished work: "Title," *Site*, date, locator."""
    _title(p, ref, title, ",")
    p.text(" ")
    p.rich(ref.container, italic=True, lang=_foreign(ref))
    rest = [x for x in (_place(ref) if not ref.container else "", _date_text(ref), loc) if x]
    p.text((", " if ref.container else "") + ", ".join(rest))


def _note_book(p: Parts, ref: Reference, title: Rich, loc: str) -> None:
    """A note's whole work: *Title*, ed. X, 2nd ed., vol. 2, Series, No. 3 (Place: Publisher, Year), locator."""
    _title(p, ref, title, "")
    _contributors_in_note(p, ref, book_editors=bool(ref.authors))
    p.text(f", {_edition(ref)}" if _edition(ref) else "")
    _volume_part(ref, p, ", ", capital=False)
    if ref.series:
        p.text(", ").rich(_series_number(ref))
    p.text(f", {_report_number(ref)}" if _report_number(ref) else "")
    pub = _publication(ref)
    p.text(f" ({pub})" if pub else "")
    p.text(f", {loc}" if loc else "")


# How the body of a full note reads, by the shape of the work (`_shape`); anything else is a book.
_NOTE_BODIES = {
    "article": _note_article,
    "chapter": _note_chapter,
    "thesis": _note_thesis,
    "web": _note_web,
}


def _contributors_in_note(p: Parts, ref: Reference, book_editors: bool) -> None:
    """ ", ed. X, trans. Y" after a title; editors already heading the note are not repeated."""
    both = _edited_and_translated(ref)
    if book_editors and ref.editors:
        role = _both_roles("editor_translator") if both else term("editor")
        p.text(f", {role} " + _names(ref.editors, et_al_from=4))
    if ref.translators and (ref.authors or ref.editors) and not both:
        p.text(f", {term('translator')} " + _names(ref.translators, et_al_from=4))


def short_note(ref: Reference, locator: str) -> list[Inline]:
    p = Parts()
    names, _ = creators(ref)
    if names:
        p.text(short_author(ref) + ", ")
    loc = locator_text(locator)
    _title(p, ref, short_title(ref), "," if loc else ".", addon=False)
    p.text(f" {loc}." if loc else "")
    return _tidy(p.out)


# ---------------------------------------------------------------- bibliography


def bibliography_entry(ref: Reference, author_date: bool, suffix: str = "") -> list[Inline]:
    """Chicago bibliography entry; author-date puts the year after the names (Chicago 15.9)."""
    p = Parts()
    _bibliography_head(p, ref, author_date, suffix)
    _BIBLIOGRAPHY_BODIES.get(_shape(ref), _bibliography_book)(p, ref, author_date)
    if ref.note:
        p.text(" ").rich(ref.note).text(".")
    link = _link(ref)
    if link:
        p.text(" ").extend(link).text(".")
    out = _tidy(p.out)
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip())
    return out


def _bibliography_head(p: Parts, ref: Reference, author_date: bool, suffix: str) -> None:
    """How every entry starts: "Names. Title." or, author-date, "Names. Year. Title." (Chicago 15.9)."""
    names, role = creators(ref)
    if names:
        head = _names(names, et_al_from=11, keep=7, invert_first=True) + (f", {role}" if role else "")
        p.text(head if head.endswith(".") else head + ".")
    title = full_title(ref)
    anonymous_first = author_date and not names
    if anonymous_first:  # "*Title*. 2003. …": the title takes the author's place (Chicago 15.32)
        _title(p, ref, title, ".", addon_sep=". ")
    if author_date:
        p.text(f" {ref.year or term('no_date')}{suffix}.")
    p.text(" " if names or author_date else "")
    if not anonymous_first:
        _title(p, ref, title, ".", addon_sep=". ")
        p.text(" ")


def _bibliography_article(p: Parts, ref: Reference, author_date: bool) -> None:
    """ "*Journal* 20, no. 1 (2009): 3–7."; in author-date the year is up front and only the month stays."""
    _journal_issue(p, ref)
    if not author_date:
        p.text(f" ({_date_text(ref)})" if ref.year else "")
    elif ref.month.isdigit() and 1 <= int(ref.month) <= 12:  # the year is up front; the month stays here
        p.text(f" ({_month_name(int(ref.month))})")
    p.text(f": {ref.pages}." if ref.pages else ".")


def _bibliography_chapter(p: Parts, ref: Reference, author_date: bool) -> None:
    """A chapter after its title: "In *Book*, edited by X, pages. Series. Place: Publisher, Year." """
    p.text(term("in", capital=True) + " ").rich(ref.container, italic=True, lang=_foreign(ref))
    if ref.containeraddon:
        p.text(", ").rich(ref.containeraddon)
    _volume_part(ref, p, ", ", capital=False)
    _contributors_in_list(p, ref, ", ", "")
    p.text(f", {ref.pages}" if ref.pages else "")
    p.text(". ")
    if ref.series:
        p.rich(_series_number(ref)).text(". ")
    p.text(_publication(ref, with_year=not author_date) + ".")


def _bibliography_thesis(p: Parts, ref: Reference, author_date: bool) -> None:
    """ "PhD diss., Institution, Year."; author-date has the year up front already."""
    facts = [_capitalised(_type_words(ref)), _institution(ref), "" if author_date else ref.year]
    p.text(", ".join(x for x in facts if x) + ".")


def _bibliography_web(p: Parts, ref: Reference, author_date: bool) -> None:
    """ "*Site*. Date."; the date only when author-date has not already given it as the year."""
    if ref.container:
        p.rich(ref.container, italic=True, lang=_foreign(ref)).text(". ")
    if ref.place and not ref.container:
        p.text(f"{_place(ref)}. ")
    date = _date_text(ref)
    if date and (not author_date or date != ref.year):
        p.text(f"{date}.")


def _bibliography_book(p: Parts, ref: Reference, author_date: bool) -> None:
    """ "Edited by X. 2nd ed. Vol. 2. Series. No. 3. Place: Publisher, Year." for a whole work."""
    _contributors_in_list(p, ref, "", ". ")
    p.text(_capitalised(_edition(ref)) + " " if _edition(ref) else "")
    _volume_part(ref, p, "", capital=True)
    p.text(". " if ref.volume or ref.volumes else "")
    if ref.series:
        p.rich(_series_number(ref)).text(". ")
    p.text(f"{_report_number(ref)}. " if _report_number(ref) else "")
    tail = _publication(ref, with_year=not author_date)
    p.text(tail + "." if tail else "")


def _contributors_in_list(p: Parts, ref: Reference, before: str, after: str) -> None:
    """ "Edited by X. Translated by Y. " after a book's title, ", edited by X" after a chapter's book;
    "Edited and translated by X" when they are the same people; editors heading the entry are not repeated."""
    capital = not before
    both = _edited_and_translated(ref)
    if ref.authors and ref.editors:
        role = _both_roles("edited_translated_by", capital) if both else term("edited_by", capital)
        p.text(f"{before}{role} " + _names(ref.editors, et_al_from=11, keep=7) + after)
    if ref.translators and (ref.authors or ref.editors) and not both:
        role = term("translated_by", capital)
        p.text(f"{before}{role} " + _names(ref.translators, et_al_from=11, keep=7) + after)


# How the body of a bibliography entry reads, by the shape of the work (`_shape`); anything else is a book.
_BIBLIOGRAPHY_BODIES = {
    "article": _bibliography_article,
    "chapter": _bibliography_chapter,
    "thesis": _bibliography_thesis,
    "web": _bibliography_web,
}


def source_line(ref: Reference) -> list[Inline]:
    """Press "Sources": who, what, where, when, and where to read it.

    The title and the journal or site are set as the notes and the bibliography set them
    (`_title`: quotation marks or italics, the punctuation by the language's rule, a foreign
    title's span), so the four audiences' lists read alike.
    """
    p = Parts()
    who = short_author(ref) if creators(ref)[0] else ""
    p.text(f"{who}, " if who else "")
    container = ref.container if _is_quoted(ref) else Rich()
    publisher = "" if _is_quoted(ref) else _publisher(ref)
    _title(p, ref, full_title(ref), "," if container or publisher else "", addon=False)
    if container:
        p.text(" ").rich(container, italic=True, lang=_foreign(ref))
    p.text(f" {publisher}" if publisher else "").text(f" ({ref.year})" if ref.year else "")
    link = _link(ref)
    if link:
        p.text(". ").extend(link)
    p.text(".")
    return _tidy(p.out)


# ---------------------------------------------------------------- order


def _title_sort_key(title: Rich) -> str:
    """Works with no author file under their title's first word other than an article (Chicago 14.68)."""
    return re.sub(r"^(the|an?)\s+", "", title.text.casefold())


def sorted_refs(keys: list[str], refs: dict[str, Reference]) -> list[Reference]:
    def key(ref: Reference) -> tuple[str, str, str]:
        names, _ = creators(ref)
        first = names[0].sort_key if names else _title_sort_key(ref.title)
        return (first, ref.year, _title_sort_key(ref.title))

    return sorted((refs[k] for k in keys), key=key)


def year_suffixes(keys: list[str], refs: dict[str, Reference]) -> dict[str, str]:
    """Author-date needs "2004a", "2004b" when one author has two works of a year."""
    groups: dict[tuple[str, str], list[Reference]] = {}
    for key in dict.fromkeys(keys):
        ref = refs[key]
        groups.setdefault((short_author(ref), ref.year), []).append(ref)
    out = {}
    for same in groups.values():
        if len(same) > 1:
            for i, ref in enumerate(sorted(same, key=lambda r: _title_sort_key(r.title))):
                out[ref.key] = "abcdefghijklmnopqrstuvwxyz"[i % 26]
    return out


# ---------------------------------------------------------------- punctuation


def _ends_with(out: list[Inline], suffix: str) -> bool:
    return bool(out) and isinstance(out[-1], Text) and out[-1].text.endswith(suffix)


def _tidy(out: list[Inline]) -> list[Inline]:
    """Collapse doubled spaces and punctuation left by empty fields, also where two inlines meet."""
    before = ""  # the text printed so far
    for i, node in enumerate(out):
        if isinstance(node, Text):
            text = re.sub(r" {2,}", " ", node.text)
            text = re.sub(r",\s*,", ",", text)
            text = re.sub(r" +([,.])", r"\1", text)
            text = re.sub(r"(?<!\.)([,.?!])\.(?!\.)", lambda m: m[1] if m[1] != "," else ".", text)  # not "..."
            text = re.sub(r"([?!])[,.]", r"\1", text)
            text = re.sub(r",”\s*([.,])", r"\1”", text)  # “Title,” + "." with nothing between: “Title.”
            if before.endswith((".", "?", "!")) and text.startswith("."):
                text = text[1:]
            if before.endswith((" ", "(")) or i == 0:
                text = text.lstrip(" ")
            out[i] = Text(text)
        before += plain_text((out[i],))
    return [n for n in out if not (isinstance(n, Text) and not n.text)]
