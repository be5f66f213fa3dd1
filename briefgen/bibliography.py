"""Read BibTeX files into plain `Reference` records, LaTeX already decoded.

pybtex does the parsing (macros, `@string`, month names, name lists); pylatexenc
decodes each field's LaTeX (accents, `\\TeX`, `--`, `\\emph`) into `Rich` text, so
no words are lost and italics survive. This module also resolves `crossref` the
way biblatex does, maps biblatex field names onto the few the formatter reads,
spells out biblatex localisation keys (`countryfr`) and turns pybtex's errors into
the project's error lines.
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .errors import BibliographyError, Problem, display_path
from .inputs import MAX_BIBLIOGRAPHY_BYTES, InputRefused, read_input

# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Rich:
    """Field text that remembers which characters LaTeX set in italics (`\\emph`, `\\textit`).

    A title is more than a string: `On \\emph{Water}` must print "Water" in italics
    (or roman inside an italic title). `italic` holds half-open character ranges of
    `text`; slicing and `+` keep them, so a shortened title keeps its italics.
    """

    text: str = ""
    italic: tuple[tuple[int, int], ...] = ()

    @classmethod
    def from_runs(cls, runs: Iterable[tuple[str, bool]]) -> Rich:
        text, mask = "", []
        for run, italic in runs:
            text += run
            mask += [italic] * len(run)
        return cls(text, _ranges(mask))

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, part: slice) -> Rich:
        start, stop, _ = part.indices(len(self.text))
        return Rich(self.text[start:stop], _ranges(self._mask()[start:stop]))

    def __add__(self, other: Rich | str) -> Rich:
        other = other if isinstance(other, Rich) else Rich(other)
        return Rich(self.text + other.text, _ranges(self._mask() + other._mask()))

    def __radd__(self, other: str) -> Rich:
        return Rich(other) + self

    def strip(self, chars: str | None = None) -> Rich:
        start = len(self.text) - len(self.text.lstrip(chars))
        return self[start : len(self.text.rstrip(chars))]

    def runs(self) -> list[tuple[str, bool]]:
        """The text cut where italics start or stop: (text, italic) pairs."""
        out: list[tuple[str, bool]] = []
        pos = 0
        for start, end in self.italic:
            if start > pos:
                out.append((self.text[pos:start], False))
            out.append((self.text[start:end], True))
            pos = end
        if pos < len(self.text):
            out.append((self.text[pos:], False))
        return out

    def _mask(self) -> list[bool]:
        mask = [False] * len(self.text)
        for start, end in self.italic:
            mask[start:end] = [True] * (end - start)
        return mask


def _ranges(mask: Sequence[bool]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for i, italic in enumerate(mask):
        if italic:
            if out and out[-1][1] == i:
                out[-1] = (out[-1][0], i + 1)
            else:
                out.append((i, i + 1))
    return tuple(out)


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

    @property
    def is_others(self) -> bool:
        """BibTeX's `and others`: the list goes on, print "et al."."""
        return not self.corporate and self.family == "others" and not self.given


@dataclass(frozen=True)
class Reference:
    """One entry, decoded. Text a reader sees is `Rich` where LaTeX can set italics in it.

    `type` is a biblatex localisation key (`phdthesis`, `techreport`, `patentus`) or
    the field's own words; the formatter words it. `language` is the entry's babel
    language (`langid`, else `language`), lower case, "" when the file does not say.
    """

    key: str
    kind: str  # lower-case entry type: article, book, incollection, online, ...
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    translators: tuple[Name, ...] = ()
    title: Rich = Rich()
    subtitle: Rich = Rich()
    titleaddon: Rich = Rich()
    shorttitle: Rich = Rich()
    container: Rich = Rich()  # journal, book title (with its subtitle) or site
    containeraddon: Rich = Rich()  # booktitleaddon: "Proceedings of the …"
    maintitle: Rich = Rich()  # the multivolume work a volume belongs to
    year: str = ""
    month: str = ""
    day: str = ""
    volume: str = ""
    volumes: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    place: str = ""
    series: Rich = Rich()
    edition: str = ""
    institution: str = ""
    type: str = ""
    note: Rich = Rich()
    url: str = ""
    doi: str = ""
    urldate: str = ""
    eprint: str = ""
    eprinttype: str = ""
    language: str = ""
    line: int = 0
    # biblatex lists as their items, for a brief that joins them with its own "and" ("München, Berlin et New York")
    publisher_items: tuple[str, ...] = ()
    place_items: tuple[str, ...] = ()
    institution_items: tuple[str, ...] = ()

    @property
    def language_tag(self) -> str:
        """The work's language as BCP 47 ("de" for `langid = {ngerman}`), "" when unsaid or unknown."""
        return language_tag(self.language)


# babel's language names, which biblatex's `langid` takes, as BCP 47 language subtags
_BABEL_LANGUAGES = {
    "en": "english american british usenglish ukenglish canadian australian newzealand",
    "fr": "french francais canadien acadian",
    "de": "german ngerman austrian naustrian swissgerman nswissgerman",
    "ru": "russian",
    "uk": "ukrainian",
    "kk": "kazakh",
    "uz": "uzbek",
    "it": "italian",
    "es": "spanish",
    "pt": "portuguese portuges brazil brazilian",
    "nl": "dutch",
    "pl": "polish",
    "cs": "czech",
    "sv": "swedish",
    "da": "danish",
    "nb": "norsk norwegian",
    "fi": "finnish",
    "el": "greek",
    "la": "latin",
    "tr": "turkish",
    "hu": "magyar hungarian",
    "be": "belarusian",
    "bg": "bulgarian",
    "sr": "serbian",
    "hr": "croatian",
    "ro": "romanian",
}
_BABEL_TAGS = {name: tag for tag, names in _BABEL_LANGUAGES.items() for name in names.split()}


def language_tag(babel_name: str) -> str:
    """A `langid` or `language` field as BCP 47: "english" -> "en", "ngerman" -> "de", "langgerman" -> "de".

    A field already written as a tag ("de", "pt-BR") stays; a name babel does not know gives "".
    """
    name = babel_name.strip().casefold()
    name = name.removeprefix("lang") if name.removeprefix("lang") in _BABEL_TAGS else name
    if name in _BABEL_TAGS:
        return _BABEL_TAGS[name]
    return babel_name.strip() if re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", babel_name.strip()) else ""


# ---------------------------------------------------------------- biblatex localisation keys

# English strings of biblatex's english.lbx for the keys that stand as field values
# (`location = {countryfr and countryuk}`, `type = {patenteu}`, `language = {langgerman}`).
_LANGUAGE_NAMES = [
    *("american", "basque", "brazilian", "bulgarian", "catalan", "croatian", "czech", "danish", "dutch", "english"),
    *("estonian", "finnish", "french", "galician", "german", "greek", "hungarian", "italian", "japanese", "latin"),
    *("latvian", "lithuanian", "marathi", "norwegian", "polish", "portuguese", "romanian", "russian", "serbian"),
    *("slovak", "slovene", "spanish", "swedish", "turkish", "ukrainian"),
]
BIBSTRINGS: dict[str, str] = {
    **{f"lang{name}": name.title() for name in _LANGUAGE_NAMES},
    "countryde": "Germany",
    "countryeu": "European Union",
    "countryep": "European Union",
    "countryfr": "France",
    "countryuk": "United Kingdom",
    "countryus": "United States of America",
    "patent": "patent",
    "patentde": "German patent",
    "patenteu": "European patent",
    "patentfr": "French patent",
    "patentuk": "British patent",
    "patentus": "U.S. patent",
    "patreq": "patent request",
    "patreqde": "German patent request",
    "patreqeu": "European patent request",
    "patreqfr": "French patent request",
    "patrequk": "British patent request",
    "patrequs": "U.S. patent request",
    "bathesis": "Bachelor’s thesis",
    "mathesis": "Master’s thesis",
    "phdthesis": "PhD thesis",
    "candthesis": "Candidate thesis",
    "resreport": "research report",
    "techreport": "technical report",
    "software": "computer software",
    "datacd": "CD-ROM",
    "audiocd": "audio CD",
    "newseries": "new series",
    "oldseries": "old series",
}

# ---------------------------------------------------------------- LaTeX to text

_TEXT_COMMANDS = {  # commands that print words of their own
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2ε",
    "BibTeX": "BibTeX",
    "XeTeX": "XeTeX",
    "LuaTeX": "LuaTeX",
    "ConTeXt": "ConTeXt",
    "METAFONT": "METAFONT",
    "MF": "METAFONT",
    "MP": "MetaPost",
    "AmS": "AMS",
    "hyphen": "-",
    "slash": "/",
    "textendash": "–",
    "textemdash": "—",
    "ldots": "…",
    "dots": "…",
    "textellipsis": "…",
    "protect": "",
    "nobreakdash": "",
    "-": "",  # a discretionary hyphen
}
_ITALIC_ARGUMENT = {"emph": None, "mkbibemph": None, "textit": True, "textsl": True, "mkbibitalic": True}
_ROMAN_ARGUMENT = {"textup", "textrm", "textnormal"}
_ITALIC_SWITCH = {"em": None, "it": True, "itshape": True, "sl": True, "slshape": True}
_ROMAN_SWITCH = {"upshape", "rm", "normalfont"}  # None above: toggles, as \emph does inside italics
_QUOTES = {"mkbibquote": ("“", "”"), "enquote": ("“", "”")}
_TEXT_ARGUMENT = {"autocap", "mbox", "textbf", "texttt", "textsf", "textmd", "NoCaseChange", "nocite"}


@cache
def _latex_tools():
    """pylatexenc's parser and text renderer, taught biblatex's commands (built once)."""
    from pylatexenc import latex2text, latexwalker, macrospec  # imported late: keeps `briefgen --help` fast

    class VerbatimBraces(macrospec.MacroStandardArgsParser):
        """`\\url{…}` reads its argument verbatim, as LaTeX does: `~`, `_`, `#` stay as written."""

        def __init__(self) -> None:
            super().__init__(argspec="{")

        def parse_args(self, w, pos, parsing_state=None):
            start = pos
            while start < len(w.s) and w.s[start].isspace():
                start += 1
            if start >= len(w.s) or w.s[start] != "{":
                return super().parse_args(w, pos, parsing_state=parsing_state)
            end = w.s.find("}", start)
            end = len(w.s) if end < 0 else end
            chars = w.make_node(
                latexwalker.LatexCharsNode,
                parsing_state=parsing_state,
                chars=w.s[start + 1 : end],
                pos=start + 1,
                len=end - start - 1,
            )
            return macrospec.ParsedVerbatimArgs(chars, ("{", "}")), pos, end + 1 - pos

    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "biblatex",
        prepend=True,
        macros=[macrospec.MacroSpec(name, "") for name in _TEXT_COMMANDS]
        + [macrospec.MacroSpec(name, "{") for name in (*_ITALIC_ARGUMENT, *_ROMAN_ARGUMENT, *_TEXT_ARGUMENT)]
        + [macrospec.MacroSpec(name, "*{") for name in _QUOTES]
        + [macrospec.MacroSpec(name, "") for name in (*_ITALIC_SWITCH, *_ROMAN_SWITCH)]
        + [
            macrospec.MacroSpec("textsc", "{"),
            macrospec.MacroSpec("href", "{{"),
            macrospec.MacroSpec("url", args_parser=VerbatimBraces()),
        ],
    )
    text_db = latex2text.get_default_latex_context_db()
    text_db.add_context_category(
        "biblatex",
        prepend=True,
        macros=[latex2text.MacroTextSpec(name, text) for name, text in _TEXT_COMMANDS.items()]
        + [latex2text.MacroTextSpec("url", "%s")],  # inside math, where the walk above does not reach
    )
    return latexwalker, latex2text.LatexNodes2Text(latex_context=text_db), walker_db


# what pylatexenc would change but a group's braces: commands, math, specials (`~`, `&`, `--`, ``` `` ```, `''`, `!``)
_LATEX_SYNTAX = re.compile(r"[\\$%~&#^_`]|--|''")


@lru_cache(maxsize=8192)
def _decode(value: str) -> Rich:
    """LaTeX field text as a reader sees it; plain text skips the LaTeX parser, repeated values are decoded once.

    pylatexenc costs about 0.1 ms a value, and an entry has dozens (each name has four
    parts): most are plain words or words with case-protecting braces (`The {OSCE}`),
    and journals, publishers and given names repeat.
    `Rich` is immutable, so a cached value can be shared.
    """
    if not _LATEX_SYNTAX.search(value) and _balanced(value):  # words, and braces that only protect case
        return _typeset(Rich(value.replace("{", "").replace("}", "")))
    return _decode_latex(value)


def _balanced(value: str) -> bool:
    depth = 0
    for brace in re.findall(r"[{}]", value):
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _decode_latex(value: str) -> Rich:
    """LaTeX field text as a reader sees it: commands turned into their text, braces gone.

    Known commands print their words (`\\TeX` -> TeX, `\\hyphen` -> -), `\\emph` and
    friends mark italics, an unknown command keeps its argument's text. Nothing is
    re-cased: braces only protect case from BibTeX styles, and this module has none.
    """
    latexwalker, to_text, walker_db = _latex_tools()
    value = re.sub(r"(?<!\\)%", r"\\%", value)  # a .bib value is not a TeX file: a bare % is a percent sign
    nodes, _, _ = latexwalker.LatexWalker(value, latex_context=walker_db, tolerant_parsing=True).get_latex_nodes()
    runs: list[tuple[str, bool]] = []

    def last_argument(node) -> list:
        arguments = node.nodeargd.argnlist if node.nodeargd else []
        arg = arguments[-1] if arguments else None
        if arg is None:
            return []
        return list(arg.nodelist) if arg.isNodeType(latexwalker.LatexGroupNode) else [arg]

    def walk(nodelist, italic: bool) -> None:
        for node in nodelist:
            if node is None:
                continue
            if node.isNodeType(latexwalker.LatexGroupNode):
                walk(node.nodelist, italic)  # a declaration inside ends with its group
            elif node.isNodeType(latexwalker.LatexMacroNode):
                name = node.macroname
                if name in _ITALIC_ARGUMENT:
                    walk(last_argument(node), not italic if _ITALIC_ARGUMENT[name] is None else True)
                elif name in _ROMAN_ARGUMENT:
                    walk(last_argument(node), False)
                elif name in _ITALIC_SWITCH:
                    italic = not italic if _ITALIC_SWITCH[name] is None else True
                elif name in _ROMAN_SWITCH:
                    italic = False
                elif name in _QUOTES:
                    starred = bool(node.nodeargd and node.nodeargd.argnlist and node.nodeargd.argnlist[0])
                    opening, closing = ("‘", "’") if starred else _QUOTES[name]
                    runs.append((opening, italic))
                    walk(last_argument(node), italic)
                    runs.append((closing, italic))
                elif name == "textsc":  # small capitals: capitals are the nearest a plain run can show
                    start = len(runs)
                    walk(last_argument(node), italic)
                    runs[start:] = [(text.upper(), it) for text, it in runs[start:]]
                elif name in _TEXT_ARGUMENT or name == "href":
                    walk(last_argument(node), italic)
                elif name == "url":
                    url = node.nodeargd.verbatim_text if node.nodeargd else ""
                    runs.append((re.sub(r"\\([%&#_~$])", r"\1", url), italic))
                else:
                    runs.append((to_text.nodelist_to_text([node]), italic))
            else:
                runs.append((to_text.nodelist_to_text([node]), italic))

    walk(nodes, False)
    # a last guard for what no parser can make sense of (a command inside math, a stray backslash)
    runs = [(re.sub(r"\\[A-Za-z@]+\*?|\\", "", text), italic) for text, italic in runs]
    return _typeset(Rich.from_runs(runs))


def _typeset(rich: Rich) -> Rich:
    """Straight apostrophes to typographic ones and runs of spaces to one; italics kept."""
    text = re.sub(r"(?<=\w)'", "’", rich.text)  # Kazakhstan's, Kazaks'
    text = re.sub(r"(?<![\w’])'(?=\d\d(?!\d)|(?:t|s|n|em|til)\b)", "’", text)  # the '90s, 't Hooft, 'n'
    text = re.sub(r"(?<![\w’])'(?=\w)", "‘", text)
    chars = [(" " if ch in "\t\r\n" else ch, italic) for ch, italic in zip(text, rich._mask(), strict=True)]
    squeezed = [c for i, c in enumerate(chars) if not (c[0] == " " and i and chars[i - 1][0] == " ")]
    return Rich.from_runs(squeezed).strip(" ")


def _plain(value: str) -> str:
    return _decode(value).text


def _localised(item: str) -> str:
    return BIBSTRINGS.get(item, item)


def _list_items(value: str) -> tuple[str, ...]:
    """A biblatex list's items (`location = {Durham and London}`), keys spelled out."""
    from pybtex.bibtex.utils import split_name_list

    return tuple(item for item in (_localised(_plain(item)) for item in split_name_list(value)) if item)


def _list_field(value: str) -> str:
    """biblatex lists (`location = {Durham and London}`): items joined for reading, in English."""
    items = list(_list_items(value))
    if items and items[-1] == "others":
        items[-1] = "et al."
        return ", ".join(items[:-1]) + " " + items[-1]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _first_item(value: str) -> str:
    from pybtex.bibtex.utils import split_name_list

    items = split_name_list(value)
    return _localised(_plain(items[0])) if items else ""


def _name(person) -> Name:
    raw_last = " ".join(person.last_names)
    corporate = (
        not person.first_names and not person.middle_names and raw_last.startswith("{") and raw_last.endswith("}")
    )
    return Name(
        family=_plain(raw_last),
        given=_plain(" ".join(person.first_names + person.middle_names)),
        particle=_plain(" ".join(person.prelast_names)),
        suffix=_plain(" ".join(person.lineage_names)),
        corporate=corporate,
    )


# ---------------------------------------------------------------- parsing

_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_PERSON_FIELDS = ("author", "editor", "translator")
_ENTRY_START = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s]+)\s*,")


MAX_FIELD_CHARS = 100_000  # a long abstract is 5,000; more is a mistake, or `@string` doubling (a1 = a0 # a0)

# not text: C0 and C1 controls other than tab, line feed and carriage return, DEL, lone surrogates
# and the two noncharacters XML refuses. Invisible in editors, they would break a DOCX or a PDF.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _not_text(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"{code} is half of a surrogate pair, not text: delete it"
    return f"{code} is a control character, not text: delete it (it is invisible in most editors)"


class _BadValue(Exception):
    """A field value pybtex must not finish (too long) or that must not reach a writer (control characters)."""

    def __init__(self, offset: int, key: str | None, field: str | None, message: str, *, exact: bool) -> None:
        super().__init__(message)
        self.offset, self.message, self.exact = offset, message, exact  # exact: the offset of the very character
        self.where = ": ".join(x for x in (key, field) if x)


@cache
def _parser_class():
    """pybtex's BibTeX parser, checking each value as it is read (built once, pybtex imported late).

    pybtex joins a value's parts (`a0 # a0`) as soon as it has read them, so thirty
    doubling `@string`s ask for gigabytes: the length is summed from the parts first.
    Literal text is checked for control characters before pybtex turns some of them
    (`\\v`, `\\f`) into spaces, with its place in the file; a macro's text was checked
    where the macro was defined.
    """
    from pybtex.database.input.bibtex import LowLevelParser, Parser

    class Scanner(LowLevelParser):
        expanded = False

        def parse_value(self) -> None:
            start, self.expanded = self.pos, False
            super().parse_value()
            length = sum(map(len, self.current_value))
            if length > MAX_FIELD_CHARS:
                how = " after @string expansion" if self.expanded else ""
                message = f"this value is {length:,} characters long{how} (at most {MAX_FIELD_CHARS:,})"
                raise _BadValue(start, self.current_entry_key, self.current_field_name, message, exact=False)

        def substitute_macro(self, name: str) -> str:
            self.expanded = True
            return super().substitute_macro(name)

        def flatten_string(self, parts) -> str:
            raw = "".join(part.value for part in parts)  # the text up to and with the closing delimiter
            if bad := _NOT_TEXT.search(raw):
                offset = self.pos - len(raw) + bad.start()
                key, field = self.current_entry_key, self.current_field_name
                raise _BadValue(offset, key, field, _not_text(bad[0]), exact=True)
            return raw[:-1]

    class BoundedParser(Parser):
        def parse_string(self, text: str):
            """pybtex's own, with the scanner above."""
            self.unnamed_entry_counter = 1
            self.command_start = 0
            scanner = Scanner(
                text,
                keyless_entries=self.keyless_entries,
                handle_error=self.handle_error,
                want_entry=self.data.want_entry,
                filename=self.filename,
                macros=self.macros,
            )
            for entry_type, body in scanner:
                if entry_type.lower() == "preamble":
                    self.process_preamble(*body)
                elif entry_type.lower() != "string":
                    self.process_entry(entry_type, *body)
            return self.data

    return BoundedParser


def _line_col(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _entries(text: str) -> list[tuple[str, int]]:
    """Each entry's key and line, in file order: newlines counted once over the file, not once per entry."""
    found: list[tuple[str, int]] = []
    line, counted = 1, 0
    for m in _ENTRY_START.finditer(text):
        line += text.count("\n", counted, m.start())
        counted = m.start()
        if m[1].lower() not in ("string", "preamble", "comment"):
            found.append((m[2], line))
    return found


def _duplicate_problems(entries: list[tuple[str, int]], file: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for key, line in entries:
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
    from pybtex.exceptions import PybtexError
    from pybtex.scanner import PybtexSyntaxError

    entries = _entries(text)
    problems = _duplicate_problems(entries, file)
    if problems:
        raise BibliographyError(problems)
    pybtex.errors.set_strict_mode(True)
    try:
        data = _parser_class()(person_fields=_PERSON_FIELDS).parse_stream(io.StringIO(text))
    except _BadValue as bad:
        line, col = _line_col(text, bad.offset)
        raise BibliographyError(Problem(file, line, col if bad.exact else None, bad.where, bad.message)) from None
    except PybtexSyntaxError as e:
        raise BibliographyError(
            Problem(file, e.lineno, None, "", "BibTeX syntax error: " + str(e).split(": ", 1)[-1])
        ) from None
    except BibliographyDataError as e:
        raise BibliographyError(Problem(file, None, None, "", str(e))) from None
    except PybtexError as e:  # anything else pybtex refuses, e.g. a name like "Doe, Jane, Jr, X"
        raise BibliographyError(Problem(file, None, None, "", f"BibTeX: {e}")) from None
    lines: dict[str, int] = {}
    for key, line in entries:
        lines.setdefault(key.casefold(), line)
    refs: dict[str, Reference] = {}
    for key, entry in data.entries.items():
        try:
            refs[key] = _reference(key, entry, data.entries, lines.get(key.casefold(), 0))
        except PybtexError as e:
            raise BibliographyError(Problem(file, lines.get(key.casefold()), None, key, f"BibTeX: {e}")) from None
    return refs


# biblatex's default inheritance from a crossref parent (biblatex.def, \DefaultInheritance):
# a volume's title becomes the child's booktitle (or maintitle, from a multivolume work).
_NOT_INHERITED = {
    *("ids", "crossref", "xref", "entryset", "entrysubtype", "execute", "label", "options", "presort", "sortkey"),
    *("related", "relatedoptions", "relatedstring", "relatedtype", "shorthand", "shorthandintro"),
    *("shorttitle", "sorttitle", "indextitle", "indexsorttitle"),
}
_AS_BOOK = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
_AS_MAIN = {"title": "maintitle", "subtitle": "mainsubtitle", "titleaddon": "maintitleaddon"}
_AS_JOURNAL = {"title": "journaltitle", "subtitle": "journalsubtitle"}


def _inherit(fields: dict[str, str], persons: dict[str, list], parent) -> None:
    renames = (
        _AS_MAIN
        if parent.type.lower().startswith("mv")
        else _AS_JOURNAL
        if parent.type.lower() == "periodical"
        else _AS_BOOK
    )
    for name, value in parent.fields.items():
        name = name.lower()
        if name not in _NOT_INHERITED:
            fields.setdefault(renames.get(name, name), value)
    for role, names in parent.persons.items():
        persons.setdefault(role.lower(), names)


def _date(value: str) -> tuple[str, str, str]:
    """biblatex `date`: 2009, 2009-03, 2009-03-14, or a range 1984/1986 (printed 1984–86)."""
    start, slash, end = value.partition("/")
    parts = start.split("-")
    year = parts[0]
    end_year = end.split("-")[0]
    if end_year and end_year != year:
        same_century = len(year) == len(end_year) == 4 and year[:2] == end_year[:2]
        year = f"{year}–{end_year[2:] if same_century else end_year}"
    elif slash and not end:
        year += "–"  # an open range: "1988/" is "1988–"
    return year, parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""


def _page_range(pages: str) -> str:
    """33-47 and 33--47 print 33–47; A-12 and xii-xiv with no range mark stay as written."""
    pages = re.sub(r"\s*–\s*", "–", pages)
    if "–" not in pages and pages.count("-") == 1 and re.fullmatch(r"\s*\d+\s*-\s*\d+\s*", pages):
        pages = re.sub(r"\s*-\s*", "–", pages)
    return pages.strip()


def _reference(key: str, entry, entries, line: int) -> Reference:
    """One pybtex entry as a `Reference`: every field decoded, with what it inherits through `crossref`."""
    fields, persons = _own_and_inherited(entry, entries)
    year, month, day = _when(fields)
    kind = entry.type.lower()
    container = _container(fields, kind)
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", fields.get("doi", "").strip(), flags=re.I)
    language = _first_item(fields.get("langid") or fields.get("language") or "")
    publisher, place = fields.get("publisher", ""), fields.get("location") or fields.get("address", "")
    institution = fields.get("institution") or fields.get("school") or fields.get("organization", "")
    note = _note(fields)
    return Reference(
        key=key,
        kind=kind,
        authors=tuple(_name(p) for p in persons.get("author", ())),
        editors=tuple(_name(p) for p in persons.get("editor", ())),
        translators=tuple(_name(p) for p in persons.get("translator", ())),
        title=_rich(fields, "title") if kind != "periodical" else _rich(fields, "issuetitle", "title"),
        subtitle=_rich(fields, "subtitle") if kind != "periodical" else _rich(fields, "issuesubtitle"),
        titleaddon=_rich(fields, "titleaddon"),
        shorttitle=_rich(fields, "shorttitle"),
        container=container,
        containeraddon=_rich(fields, "booktitleaddon") if kind not in ("article", "periodical") else Rich(),
        maintitle=_with_subtitle(fields, _rich(fields, "maintitle"), "mainsubtitle"),
        year=year,
        month=month,
        day=day,
        volume=_get(fields, "volume"),
        volumes=_get(fields, "volumes"),
        number=_get(fields, "number", "issue"),
        pages=_page_range(_get(fields, "pages")) or _get(fields, "eid"),  # an article number stands for pages
        publisher=_list_field(publisher),
        publisher_items=_list_items(publisher),
        place=_list_field(place),
        place_items=_list_items(place),
        series=_series(fields),
        edition=_get(fields, "edition"),
        institution=_list_field(institution),
        institution_items=_list_items(institution),
        type=_get(fields, "type"),
        note=note,
        url=fields.get("url", "").strip(),
        doi=doi,
        urldate=_get(fields, "urldate"),
        eprint=fields.get("eprint", "").strip(),
        eprinttype=_get(fields, "eprinttype", "archiveprefix").casefold(),
        language=language.casefold(),
        line=line,
    )


def _own_and_inherited(entry, entries) -> tuple[dict[str, str], dict[str, list]]:
    """The entry's fields and persons under lower-case names, with any `crossref` parent's filled in."""
    fields = {k.lower(): v for k, v in entry.fields.items()}
    persons = {k.lower(): v for k, v in entry.persons.items()}
    parent = entries.get(fields["crossref"]) if fields.get("crossref") else None
    if parent is not None:
        _inherit(fields, persons, parent)
    return fields, persons


def _rich(fields: dict[str, str], *names: str) -> Rich:
    """The first of `names` that is set and non-empty, decoded; alias fields (`journal`, `journaltitle`) in order."""
    for name in names:
        if fields.get(name):
            return _decode(fields[name])
    return Rich()


def _get(fields: dict[str, str], *names: str) -> str:
    """As `_rich`, for fields whose italics do not matter (numbers, dates, types)."""
    return _rich(fields, *names).text


def _with_subtitle(fields: dict[str, str], title: Rich, subtitle_field: str) -> Rich:
    """ "Title: Subtitle", or "Title? Subtitle" when the title ends a question or exclamation itself."""
    subtitle = _rich(fields, subtitle_field)
    if not subtitle:
        return title
    return title + (" " if title.text.endswith(("?", "!")) else ": ") + subtitle


def _when(fields: dict[str, str]) -> tuple[str, str, str]:
    """Year, month (a number if named) and day, from BibTeX's `year`/`month` or else biblatex's `date`."""
    year, month, day = _get(fields, "year"), _get(fields, "month"), ""
    if date := _get(fields, "date"):
        date_year, date_month, day = _date(date)
        year, month = year or date_year, month or date_month
    if month.casefold() in _MONTHS:
        month = str(_MONTHS[month.casefold()])
    return year, month, day


def _container(fields: dict[str, str], kind: str) -> Rich:
    """What the work appears in: a journal for articles, a book for parts, a site or organisation for web pages."""
    if kind in ("article", "periodical"):
        container = _with_subtitle(fields, _rich(fields, "journaltitle", "journal"), "journalsubtitle")
    else:
        container = _with_subtitle(fields, _rich(fields, "booktitle"), "booksubtitle")
    if kind in ("online", "misc", "www") and not container:
        container = _rich(fields, "organization", "howpublished")
    if kind == "periodical" and not container:
        container = _rich(fields, "title")
    return container


def _note(fields: dict[str, str]) -> Rich:
    """`note` and `addendum` print as one note: "Note. Addendum"."""
    notes = [n for n in (_rich(fields, "note"), _rich(fields, "addendum")) if n]
    return notes[0] + ". " + notes[1] if len(notes) == 2 else (notes[0] if notes else Rich())


def _series(fields: dict[str, str]) -> Rich:
    """A series; one given as a biblatex localisation key (`techreport`, …) prints that key's words."""
    return Rich(BIBSTRINGS[_get(fields, "series")]) if _get(fields, "series") in BIBSTRINGS else _rich(fields, "series")


# ---------------------------------------------------------------- files


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
        text = read_input(Path(path), MAX_BIBLIOGRAPHY_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise BibliographyError(Problem(file, None, None, "", "bibliography file not found")) from None
    except InputRefused as too_large:
        raise BibliographyError(Problem(file, None, None, "", str(too_large))) from None
    except UnicodeDecodeError as e:
        raise BibliographyError(Problem(file, None, None, "", f"not UTF-8 text ({e.reason})")) from None
    from . import cache

    name = cache.key("bib", file, text)  # the name it is known by goes into what parsing says
    parsed = cache.get("bib", name)
    if not isinstance(parsed, dict):
        parsed = parse_bibtex(text, file)  # a bibliography with a mistake raises: never stored
        cache.put("bib", name, parsed)
    return parsed


load_bibliography.cache_clear = _load_bibliography.cache_clear  # type: ignore[attr-defined]  # the cache's clear, on the public name


def load_bibliographies(paths: Sequence[Path]) -> dict[str, Reference]:
    """Several .bib files as one: a key defined in two of them is an error naming both places.

    Keys clash regardless of case, as within one file. A file named twice is read once.
    """
    merged: dict[str, Reference] = {}
    origin: dict[str, str] = {}  # casefolded key -> "file:line" where it was first defined
    problems: list[Problem] = []
    for path in dict.fromkeys(Path(p).resolve() for p in paths):
        file = display_path(path)
        for key, ref in load_bibliography(path).items():
            first = origin.setdefault(key.casefold(), f"{file}:{ref.line}")
            if first != f"{file}:{ref.line}":
                problems.append(Problem(file, ref.line, None, key, f"duplicate entry key (also defined at {first})"))
                continue
            merged[key] = ref
    if problems:
        raise BibliographyError(problems)
    return merged
