"""Read a BibTeX file into plain `Reference` records, LaTeX already decoded.

pybtex does the parsing (macros, `@string`, month names, braces, accents via
latexcodec); this module resolves `crossref`, maps biblatex field names onto
BibTeX ones and turns pybtex's errors into the project's error lines.
"""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import BibliographyError, Problem, display_path


@dataclass(frozen=True)
class Name:
    family: str
    given: str = ""
    particle: str = ""  # "von", "de"
    suffix: str = ""
    corporate: bool = False  # {{World Bank}}: never inverted or abbreviated

    @property
    def sort_key(self) -> str:
        return f"{self.family} {self.given}".casefold()


@dataclass(frozen=True)
class Reference:
    key: str
    kind: str  # lower-case entry type: article, book, incollection, online, ...
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    title: str = ""
    container: str = ""  # journal, book title or site
    year: str = ""
    month: str = ""
    day: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    place: str = ""
    series: str = ""
    edition: str = ""
    institution: str = ""
    note: str = ""
    url: str = ""
    doi: str = ""
    urldate: str = ""
    eprint: str = ""
    line: int = 0


def _latex_to_text(value: str) -> str:
    from pybtex.richtext import Text  # imported late: keeps `briefgen --help` fast

    # formatting commands pybtex keeps verbatim: keep their text, drop the command
    value = re.sub(
        r"\\(?:emph|textit|textbf|textsc|texttt|textup|textsl|url|mkbibquote|enquote|mbox|textnormal)\s*\{", "{", value
    )
    text = Text.from_latex(value).render_as("text")
    text = re.sub(r"\\[A-Za-z]+\s*", "", text).replace("\\", "")  # a last guard: no raw LaTeX in output
    text = re.sub(r"(?<=\w)'", "’", text)  # Kazakhstan's, Kazaks': typographic apostrophes
    text = re.sub(r"(?<![\w’])'(?=\w)", "‘", text)
    return re.sub(r"\s+", " ", text).strip()


def _name(person) -> Name:
    raw_last = " ".join(person.last_names)
    corporate = (
        not person.first_names and not person.middle_names and raw_last.startswith("{") and raw_last.endswith("}")
    )
    return Name(
        family=_latex_to_text(raw_last),
        given=_latex_to_text(" ".join(person.first_names + person.middle_names)),
        particle=_latex_to_text(" ".join(person.prelast_names)),
        suffix=_latex_to_text(" ".join(person.lineage_names)),
        corporate=corporate,
    )


_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}


def _entry_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for m in re.finditer(r"@\s*(\w+)\s*[{(]\s*([^,\s]+)\s*,", text):
        if m[1].lower() not in ("string", "preamble", "comment"):
            lines.setdefault(m[2].casefold(), text.count("\n", 0, m.start()) + 1)
    return lines


def _duplicate_problems(text: str, file: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for m in re.finditer(r"@\s*(\w+)\s*[{(]\s*([^,\s]+)\s*,", text):
        if m[1].lower() in ("string", "preamble", "comment"):
            continue
        key, line = m[2], text.count("\n", 0, m.start()) + 1
        if key.casefold() in first:
            problems.append(
                Problem(file, line, None, key, f"duplicate entry key (first defined on line {first[key.casefold()]})")
            )
        else:
            first[key.casefold()] = line
    return problems


def parse_bibtex(text: str, file: str = "<bib>") -> dict[str, Reference]:
    """Parse BibTeX text; keys keep their spelling, lookups are exact."""
    import pybtex.errors
    from pybtex.database import BibliographyDataError
    from pybtex.database.input.bibtex import Parser
    from pybtex.scanner import PybtexSyntaxError

    problems = _duplicate_problems(text, file)
    if problems:
        raise BibliographyError(problems)
    pybtex.errors.set_strict_mode(True)
    try:
        data = Parser().parse_stream(io.StringIO(text))
    except PybtexSyntaxError as e:
        raise BibliographyError(
            Problem(file, e.lineno, None, "", "BibTeX syntax error: " + str(e).split(": ", 1)[-1])
        ) from None
    except BibliographyDataError as e:
        raise BibliographyError(Problem(file, None, None, "", str(e))) from None
    lines = _entry_lines(text)
    refs: dict[str, Reference] = {}
    for key, entry in data.entries.items():
        refs[key] = _reference(key, entry, data.entries, lines.get(key.casefold(), 0))
    return refs


def _reference(key: str, entry, entries, line: int) -> Reference:
    fields = {k.lower(): v for k, v in entry.fields.items()}
    persons = {k.lower(): v for k, v in entry.persons.items()}
    parent = entries.get(fields.get("crossref", "")) if fields.get("crossref") else None
    if parent is not None:
        for k, v in parent.fields.items():
            k = k.lower()
            if k == "title":
                fields.setdefault("booktitle", v)
            else:
                fields.setdefault(k, v)
        for k, v in parent.persons.items():
            persons.setdefault(k.lower(), v)

    def get(*names: str) -> str:
        for name in names:
            if fields.get(name):
                return _latex_to_text(fields[name])
        return ""

    year, month, day = get("year"), get("month"), ""
    if date := get("date"):  # biblatex: 2009, 2009-03, 2009-03-14
        parts = date.split("/")[0].split("-")
        year = year or parts[0]
        month = month or (parts[1] if len(parts) > 1 else "")
        day = parts[2] if len(parts) > 2 else ""
    if month.casefold() in _MONTHS:
        month = str(_MONTHS[month.casefold()])
    kind = entry.type.lower()
    container = get("journaltitle", "journal", "booktitle", "maintitle")
    if kind in ("online", "misc", "www") and not container:
        container = get("organization", "howpublished")
    doi = get("doi")
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
    return Reference(
        key=key,
        kind=kind,
        authors=tuple(_name(p) for p in persons.get("author", ())),
        editors=tuple(_name(p) for p in persons.get("editor", ())),
        title=" ".join(x for x in (get("title"), get("titleaddon")) if x),
        container=container,
        year=year,
        month=month,
        day=day,
        volume=get("volume"),
        number=get("number", "issue"),
        pages=get("pages"),
        publisher=get("publisher"),
        place=get("location", "address"),
        series=get("series"),
        edition=get("edition"),
        institution=get("institution", "school", "organization"),
        note=get("note", "addendum"),
        url=fields.get("url", "").strip(),
        doi=doi,
        urldate=get("urldate"),
        eprint=get("eprint"),
        line=line,
    )


def load_bibliography(path: Path) -> dict[str, Reference]:
    """Parsed once per file version: several briefs often share one bibliography."""
    try:
        stat = Path(path).resolve().stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = None
    return _load_bibliography(Path(path).resolve(), version, display_path(path))


@cache
def _load_bibliography(path: Path, version: tuple[int, int] | None, file: str) -> dict[str, Reference]:
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise BibliographyError(Problem(file, None, None, "", "bibliography file not found")) from None
    except UnicodeDecodeError as e:
        raise BibliographyError(Problem(file, None, None, "", f"not UTF-8 text ({e.reason})")) from None
    return parse_bibtex(text, file)


load_bibliography.cache_clear = _load_bibliography.cache_clear  # type: ignore[attr-defined]
