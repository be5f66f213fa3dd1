"""Hypothesis strategies for hostile but plausible briefgen inputs (issue 12's fuzzer).

Three kinds of input, each built valid first and then mutated, so that most examples get
past the first check and reach the stages behind it:

- brief YAML: a brief's fields with hostile Markdown text, then structural mutations
  (wrong types, missing or unknown keys, odd dates) and textual ones on the YAML itself
  (tags, anchors and aliases, escapes of lone surrogates, BOMs, tabs, CRLF);
- .bib files: entries of every common type with hostile LaTeX, then broken braces,
  @string macros, crossrefs, duplicate keys;
- audience styles: `<name>/style.yaml` extending a built-in audience, every key of
  briefgen/style.py with plausible and hostile values.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import yaml
from hypothesis import strategies as st

# ---------------------------------------------------------------- text

# Characters that break things: controls, separators, bidi, BOM, non-characters, astral, combining.
SPECIAL_CHARS = [
    "\x00", "\x01", "\x07", "\x08", "\t", "\x0b", "\x0c", "\r", "\x1b", "\x7f", "\x80", "\x85", "\x9f",
    "\xa0", "\xad", "\u034f", "\u061c", "\u180e", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",
    "\u202a", "\u202b", "\u202c", "\u202e", "\u2066", "\u2067", "\u2069", "\u2028", "\u2029", "\u2060",
    "\u3000", "\ufeff", "\ufff9", "\ufffc", "\ufffd", "\ufffe", "\uffff", "\U0001f600",
    "\U0001f3f3\ufe0f\u200d\U0001f308", "e\u0301\u0301\u0301", "\u0915\u094d\u0937", "\U00020000",
    "\U000e0001", "\U000f0000", "\U0010ffff", "\ufdfa", "\u0e01\u0e34\u0e4a", "\u1100\u1161", "ﬃ", "ǅ",
    "İ", "ß", "\u0130\u0307", "\U0001d400", "\u2126", "\uff21", "\u00bd", "\u2163",
]  # fmt: skip
# A lone surrogate cannot be UTF-8: it reaches a brief only as a YAML "\ud800" escape.
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\udc80"]
SCRIPTS = [
    "Нұрсұлтан Назарбаев", "Астана", "«Казахстан спас ОБСЕ»", "مرحبا بالعالم", "שלום עולם", "中文漢字測試",
    "日本語のテキスト", "한국어 텍스트", "ελληνικά", "हिन्दी", "ภาษาไทย", "ქართული", "Ꭰꭰ", "ᚠᚢᚦ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "abc \u202eRTL override\u202c def", "\u05d0\u05d1 123 \u05d2", "لا إله", "ﷺ ﷽",
]  # fmt: skip

# Markdown and template syntax a writer must not choke on.
MARKDOWN = [
    "*em*", "**strong**", "***both***", "_u_", "__uu__", "~~del~~", "`code`", "``co`de``", "` `",
    "\\*", "\\", "\\\\", "*", "**", "_", "`", "~", "|", "&amp;", "&#0;", "&#x110000;", "&nbsp;", "&bogus;",
    "# Heading", "###### h6", "####### h7", "Setext\n===", "Setext\n---", "---", "***", "> quote",
    "> > > deep quote", "- item", "* item", "+ item", "1. one", "2) two", "99999999999. big",
    "- a\n  - b\n    - c\n      - d", "1. a\n   1. b\n      1. c", "- [ ] task", "    indented code",
    "```\nfenced\n```", "```python\nx = 1\n", "~~~\nx\n~~~", "| a | b |\n|---|---|\n| 1 | 2 |",
    "| a |\n|---|\n| 1 | 2 | 3 |", "|x|\n|-|", "| a | b |\n|:-:|--:|\n| `|` | \\| |", "a | b\n--|--\n1 | 2",
    "[link](https://example.org)", "[link](http://x.org/a?b=1&c=2#f)", "[js](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)", "[file](file:///etc/passwd)", "[rel](../../etc/passwd)",
    "[mail](mailto:a@b.org)", "[doi](doi:10.1000/182)", "[anchor](#R1)", "[anchor](#)", "[empty]()",
    "[sp](<a b>)", "[vb](vbscript:x)", "[t](https://x.org \"title\")", "<https://auto.link>",
    "<javascript:alert(1)>", "<a@b.org>", "![img](https://x.org/i.png)", "![img](file:///etc/passwd)",
    "[ref][r]\n\n[r]: https://x.org", "[r]: javascript:x", "[unclosed", "](", "[x](", "[[nested]](x)",
    "<script>alert(1)</script>", "<b>bold</b>", "<!-- comment -->", "<br>", "<div>", "</div>", "<img src=x onerror=y>",
    "{{ brief.title }}", "{{", "}}", "{% if 1 %}x{% endif %}", "{%", "%}", "{# c #}", "{#", "#}", "{{ ''.__class__ }}",
    "{raw}", "{", "}", "${x}", "%s", "%(x)s", "{0}", "{title}", "$x^2$", "$$\n\\int\n$$", "\\textbf{x}", "\\LaTeX",
    "[@doe2020]", "[@doe2020, p. 33]", "[see @doe2020, ch. 2; @roe2019]", "[-@roe2019]", "@doe2020", "@roe2019 says",
    "[@missing]", "@missing", "[@]", "[@ doe2020]", "[@doe2020;]", "[@doe2020](https://x.org)", "[@doe2020][r]",
    "a@doe2020", "[@Doe2020]", "[@doe2020, p. {{x}}]", "[@doe2020, ^[n]]", "@doe2020.", "@doe2020:",
    "^[A note.]", "^[A note citing [@doe2020].]", "^[note ^[nested] note]", "^[]", "^[", "^[unclosed [@doe2020]",
    "[^1]", "[^1]\n\n[^1]: A note.", "[^1]: orphan definition", "[^x]\n\n[^x]: a\n\n    more", "[^1][^1]",
    "[^ 1]", "[^]", "::: box\nboxed\n:::", "::: bibliography\n:::", "::: sources\n:::", ":::", "::: \n:::",
    "::: box\n::: box\ninner\n:::\n:::", "  \n", "trailing  \nbreak", "line\\\nbreak", "\n\n\n", " ", "",
    "...", "--", "---x", "(c)", "(tm)", "+-", "\"quoted\"", "'single'", "it's", "1/2", "->", "<-", "<=",
    "| a^[cell note] | [@doe2020] |\n|---|---|\n| [x](#R1) | **b** `c` |",
    "| [@doe2020, p. 3] |\n|---|\n| ^[n [@roe2019]] |", "| # | x |\n|--|--|\n| - | > |",
    "| " + "long" * 200 + " | x |\n|---|---|\n| y | " + "z " * 300 + "|",
    "[^t]\n\n[^t]: | a |\n    |---|\n    | 1 |", "[^l]\n\n[^l]: - a\n    - b\n\n    > q",
    "[^h]\n\n[^h]: # heading in a note", "[^c]\n\n[^c]: ```\n    code\n    ```",
    "[^b]\n\n[^b]: ::: box\n    x\n    :::",
    "[x](#R1)", "[x](#R2)", "[x](#nowhere)", "[x](#r1)", "[x](#R1 \"t\")", "[**x** ^[n]](https://x.org)",
    "# [link](https://x.org) in heading ^[n]", "## Heading [@doe2020]", "> ^[quoted note] [@doe2020]",
    "- item ^[note]\n  - sub [@doe2020]\n    | a |\n    |---|\n    | 1 |", "::: box\n| a |\n|---|\n| 1 |\n:::",
    "::: box\n- a\n  - b ^[n]\n:::", "1. ^[n]\n2. [@doe2020]", "`^[not a note]` `[@not]`", "<br/>^[n]",
    "[Астана]{lang=kk}", "[مرحبا]{lang=ar}^[n]", "[שלום *עולם*]{lang=he}", "[x](https://x.org){lang=fr}",
    "[x]{lang=\"a b\"}", "[x]{lang='kk'}", "[x]{.c #i lang=de}", "[[x]{lang=de}]{lang=fr}", "[^[n]]{lang=el}",
    "[@doe2020]{lang=de}", "[]{lang=kk}", "[x]{lang=kk", "{lang=kk}", "# [h]{lang=kk}", "[مرحبا](https://x.org).",
]  # fmt: skip

# Fixed big or deep pieces: generating them each time would cost the budget.
DEEP = [
    "\n".join("  " * i + "- x" for i in range(60)),
    "\n".join("   " * i + "1. x" for i in range(40)),
    "> " * 200 + "deep",
    "^[" * 60 + "x" + "]" * 60,
    "[" * 300 + "x" + "]" * 300,
    "*" * 500 + "x" + "*" * 500,
    "_a " * 400,
    "`" * 200,
    "[@doe2020]" * 300,
    "^[n]" * 300,
    "Claim.^[Doe, p. 1.] " * 400,  # many notes in one paragraph: the PDF's layout once went quadratic in them
    "::: card high\n" * 120 + "x\n" + ":::\n" * 120,  # boxes nested deeper than a page holds their paddings
    "> " * 3000 + "deepest",
    "| a " * 100 + "|\n" + "|---" * 100 + "|\n" + "| 1 " * 100 + "|",
    "|a|\n|-|\n" + "|x|\n" * 400,
    "x" * 20_000,
    ("word " * 2000).strip(),
    "a\u0301" * 3000,
    "\u202e" * 500 + "x",
    "中" * 5000,
    "::: box\n" * 50 + "x\n" + ":::\n" * 50,
    "- " * 100 + "x",
    "# " * 100 + "x",
    "[x](" * 200,
    "<" * 1000,
    "&" * 1000 + "amp;",
    "\\" * 1001,
    "{{" * 300,
]

WORDS = st.sampled_from(["the", "OSCE", "Astana", "water", "Kazakhstan’s", "policy", "x", "A", "1", "2010", "—"])


def _joined(parts: list[str], seps: list[str]) -> str:
    out = ""
    for i, part in enumerate(parts):
        out += part + (seps[i] if i < len(seps) else " ")
    return out


def _plausible(text: str) -> bool:
    """Text the loader takes: no refused character, no unclosed note or citation, known keys only."""
    from briefgen.markdown import citations_in, stray_syntax

    try:
        keys = {item.key for citation, _ in citations_in(text) for item in citation.items}
        return not REFUSED.search(text) and not stray_syntax(text) and keys <= {"doe2020", "roe2019"}
    except Exception:  # the fuzzer reports it; here it only means "not plausible"
        return False


# What the loader refuses outright (briefgen.model.UNSAFE_CHARACTERS) or reports as unclosed syntax:
# a "plausible" text leaves these out, so that it reaches the templates and the writers.
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
PLAUSIBLE_MARKDOWN = [m for m in MARKDOWN if _plausible(m)]
PLAUSIBLE_CHARS = [c for c in SPECIAL_CHARS if not REFUSED.search(c)]
PLAUSIBLE_DEEP = [d for d in DEEP if _plausible(d)]

PIECE = st.one_of(
    st.sampled_from(MARKDOWN),
    st.sampled_from(MARKDOWN),
    WORDS,
    WORDS,
    st.sampled_from(SPECIAL_CHARS),
    st.sampled_from(SCRIPTS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
)
PLAUSIBLE_PIECE = st.one_of(
    st.sampled_from(PLAUSIBLE_MARKDOWN),
    st.sampled_from(PLAUSIBLE_MARKDOWN),
    WORDS,
    WORDS,
    st.sampled_from(PLAUSIBLE_CHARS),
    st.sampled_from(SCRIPTS),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12).map(lambda t: REFUSED.sub("", t)),
)
SEP = st.sampled_from([" ", " ", " ", "", "\n", "\n\n", "\t", "  \n", "\r\n"])


@st.composite
def markdown_text(draw: st.DrawFn, *, deep: bool = True, surrogates: bool = True, hostile: bool = True) -> str:
    """Markdown that mixes prose, syntax, Unicode of every kind and, rarely, something huge.

    Hostile text has controls, lone surrogates and unclosed syntax that the loader must refuse
    cleanly; plausible text leaves those out, to reach the stages behind the loader.
    """
    parts = draw(st.lists(PIECE if hostile else PLAUSIBLE_PIECE, max_size=8))
    if deep and draw(st.integers(0, 59)) == 0:  # ~one brief in five holds one
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(DEEP if hostile else PLAUSIBLE_DEEP)))
    if surrogates and hostile and parts and draw(st.integers(0, 29)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(SURROGATES)))
    seps = draw(st.lists(SEP, min_size=len(parts), max_size=len(parts)))
    return _joined(parts, seps)


def plain_text(**kwargs: Any) -> st.SearchStrategy[str]:
    return st.one_of(WORDS, markdown_text(**kwargs))


# ---------------------------------------------------------------- briefs

GOOD_IDS = ["R1", "R2", "CA-1", "a", "x.y", "A_b-3", "9"]
BAD_IDS = ["", "-x", "R 1", "R1\n", "../x", "x/y", "é", "R1\x00", "a" * 500, "\u202eR1", "R1?", "#R1"]
BRIEF_IDS = ["kazakhstan-osce-2010", "b", "x1", "a-b", "abc\n", "", "-a", "A", "a_b", "../../x", "a/b", "..", ".",
             "a" * 81, "a" * 250, "con", "aux", "lpt1", "nul"]  # fmt: skip
DATES: list[Any] = [
    "2010-01-15", dt.date(2010, 1, 15), dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.datetime(2010, 1, 15, 23, 59),
    "2010-02-30", "2010-13-01", "2010-00-10", "2010-1-5", "10000-01-01", "0000-01-01", "15.01.2010", "2010",
    "2010-01-15T10:00:00Z", "2010-01-15 ", "\u0662\u0660\u0661\u0660-\u0660\u0661-\u0661\u0665", "２０１０-０１-１５",
    "2010-01-15\n", "", 2010, 20100115, 1.5, True, None, [], {}, ["2010-01-15"],
]  # fmt: skip
PLAUSIBLE_DATES = ["2010-01-15", dt.date(2010, 1, 15), "1000-01-01", "1979-12-31", "2108-01-01", "9999-12-31"]
PRIORITIES = ["high", "medium", "low", "High", "urgent", "", None, 1, ["high"]]
AUDIENCE_NAMES = ["academic", "policymaker", "practitioner", "press", "mine", "unknown", "Press", "", "a b"]
TIMEFRAMES: list[Any] = ["2010", "2010–2011", 2010, 0, -1, 10**30, 1.5, "", None, True, "Q1 {{x}}", [2010]]

WRONG: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.just([]),
    st.just({}),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.one_of(st.integers(), st.booleans(), st.none(), st.text(max_size=3)), st.integers(), max_size=2),
    st.binary(max_size=8),
    st.sampled_from(DATES),
    st.just("x" * 100_000),
    st.just(["x"] * 5_000),
).map(copy.deepcopy)  # a fresh value each time: `mutated` damages what it inserted, too


@st.composite
def recommendation(draw: st.DrawFn, rid: str, hostile: bool = True) -> dict[str, Any]:
    def md(**kwargs: Any) -> str:
        return draw(markdown_text(hostile=hostile, **kwargs))

    rec: dict[str, Any] = {"id": rid, "title": md().strip() or "T", "priority": draw(st.sampled_from(PRIORITIES[:3]))}
    if draw(st.booleans()):
        rec["actors"] = [md(deep=False) for _ in range(draw(st.integers(0, 3)))]
    if draw(st.booleans()):
        rec["timeframe"] = draw(st.sampled_from(TIMEFRAMES[:4])) if draw(st.booleans()) else md(deep=False)
    if draw(st.booleans()):
        rec["rationale"] = md()
    if draw(st.integers(0, 3)) == 0:
        rec["short"] = md().strip() or "S"
    if draw(st.integers(0, 5)) == 0:
        rec["audiences"] = draw(st.lists(st.sampled_from(AUDIENCE_NAMES[: 6 if hostile else 4]), max_size=3))
    return rec


ADDRESSES = ["a@b.org", "Ä <ä@b.org>", "x@例え.jp", "bad", "a@b", "<>", "a@b.org\n", {"email": "a@b.org"}]


@st.composite
def brief_data(draw: st.DrawFn, hostile: bool = True) -> dict[str, Any]:
    """A brief as data, valid in shape; its text hostile, or only plausible (see markdown_text)."""

    def md(**kwargs: Any) -> str:
        return draw(markdown_text(hostile=hostile, **kwargs))

    data: dict[str, Any] = {}
    if draw(st.booleans()):
        data["id"] = draw(st.sampled_from(BRIEF_IDS[:5]))  # "abc\n": a schema pattern's $ lets a final newline by
    data["title"] = md().strip() or "Title"
    if draw(st.booleans()):
        data["subtitle"] = md()
    data["date"] = draw(st.sampled_from(DATES[:5] if hostile else PLAUSIBLE_DATES))
    if draw(st.booleans()):
        data["authors"] = [
            {"name": md(deep=False).strip() or "N", **({"affiliation": md(deep=False)} if i else {})}
            for i in range(draw(st.integers(1, 3)))
        ]
    for name in ("organisation", "series", "contact"):
        if draw(st.integers(0, 2)) == 0:
            data[name] = md(deep=False)
    if draw(st.integers(0, 3)) == 0:
        data["language"] = draw(st.sampled_from(["en", "ru", "kk", "ar", "he", "zh-Hans", "de-CH", "en-GB", "en\n"]))
    if draw(st.booleans()):
        data["keywords"] = [md(deep=False) for _ in range(draw(st.integers(0, 4)))]
    if draw(st.booleans()):
        data["summary"] = md()
    if draw(st.booleans()):
        data["key_messages"] = [md().strip() or "K" for _ in range(draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        data["sections"] = [
            {"title": md(deep=False).strip() or "S", "body": md()} for _ in range(draw(st.integers(1, 2)))
        ]
    groups = []
    n = 0
    for _ in range(draw(st.integers(1, 2))):
        items = []
        for _ in range(draw(st.integers(1, 3))):
            n += 1
            rid = draw(st.sampled_from([f"R{n}", f"R{n}", f"R{n}", *GOOD_IDS])) if hostile else f"R{n}"
            items.append(draw(recommendation(rid, hostile)))
        group: dict[str, Any] = {"group": md(deep=False).strip() or "G", "items": items}
        if draw(st.booleans()):
            group["intro"] = md()
        groups.append(group)
    data["recommendations"] = groups
    if draw(st.integers(0, 5)) == 0:
        audience = draw(st.sampled_from(AUDIENCE_NAMES[: 6 if hostile else 4]))
        data["audience_overrides"] = {audience: {"title": md(), "summary": md()}}
    if draw(st.integers(0, 7)) == 0:
        data["bibliography"] = draw(
            st.sampled_from(["../references.bib", "references.bib", "/dev/null", "nope.bib", ["../references.bib"] * 2])
            if hostile
            else st.just("../references.bib")
        )
    if draw(st.integers(0, 9)) == 0:
        audience = draw(st.sampled_from(AUDIENCE_NAMES[: 6 if hostile else 4]))
        addresses = st.sampled_from(ADDRESSES if hostile else ADDRESSES[:3])
        data["distribution"] = {audience: draw(st.lists(addresses, min_size=1, max_size=3))}
    return data


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Every path into a nested value, the root included."""
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


def _get(value: Any, path: tuple) -> Any:
    for p in path:
        value = value[p]
    return value


@st.composite
def mutated(draw: st.DrawFn, data: dict[str, Any]) -> Any:
    """Structural damage: drop, retype, duplicate, add unknown keys, odd keys (numbers, dates, null)."""
    data = copy.deepcopy(data)  # values sampled from the lists above are shared: never damage those
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        if not path:
            if draw(st.integers(0, 9)) == 0:
                return draw(WRONG)
            parent, last = None, None
        else:
            parent, last = _get(data, path[:-1]), path[-1]
        action = draw(st.sampled_from(["delete", "retype", "retype", "duplicate", "unknown", "oddkey", "date", "ids"]))
        if action == "delete" and parent is not None:
            del parent[last]
        elif action == "retype" and parent is not None:
            parent[last] = draw(WRONG)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(parent[last])
        elif action == "unknown":
            target = _get(data, path)
            if isinstance(target, dict):
                target[draw(st.sampled_from(["titel", "extra", "priority", "x" * 300, "", " title", "TITLE"]))] = 1
        elif action == "oddkey":
            target = _get(data, path)
            if isinstance(target, dict):
                # no NaN key: NaN != NaN, so a dict holds it by identity, and replays would differ
                floats = st.floats(allow_nan=False)
                key = draw(st.one_of(st.integers(), st.booleans(), st.none(), floats, st.sampled_from(DATES[1:3])))
                target[key] = draw(WRONG)
        elif action == "date":
            data["date"] = copy.deepcopy(draw(st.sampled_from(DATES)))
        elif action == "ids":
            if isinstance(data.get("recommendations"), list):
                for g in data["recommendations"]:
                    if isinstance(g, dict) and isinstance(g.get("items"), list):
                        for rec in g["items"]:
                            if isinstance(rec, dict):
                                rec["id"] = draw(st.sampled_from(GOOD_IDS + BAD_IDS))
                                rec["priority"] = copy.deepcopy(draw(st.sampled_from(PRIORITIES)))
                                rec["timeframe"] = copy.deepcopy(draw(st.sampled_from(TIMEFRAMES)))
            data["id"] = draw(st.sampled_from(BRIEF_IDS))
    return data


# Textual damage to YAML: lines inserted or replaced.
YAML_LINES = [
    "x: !!python/object/apply:os.system ['touch pwned']",
    "x: !!python/name:os.system",
    "x: !!binary aGVsbG8=",
    "x: !!set {a, b}",
    "x: !!omap [a: 1, b: 2]",
    "x: !custom tag",
    "title: !!str 123",
    "title: !!int '12'",
    "title: !!float nan",
    "x: !!int ''",
    "x: !!int abc",
    "x: !!float ''",
    "x: !!bool maybe",
    "null: x",
    "1: x",
    "2010-01-15: x",
    "title: !!binary aGVsbG8=",
    "date: !!timestamp 2001-12-14t21:59:43.10-05:00",
    "date: 2010-02-30",
    "date: 2010-01-15T25:61:00",
    "date: 1e400",
    "date: .nan",
    "date: ~",
    "a: &anchor {b: 1}",
    "b: *anchor",
    "<<: {title: merged}",
    "? [complex, key]\n: value",
    "? {a: 1}\n: value",
    "[1, 2]: x",
    "%YAML 1.1\n---",
    "---",
    "...",
    "--- |\n  text",
    "title: 'unterminated",
    'title: "\\ud800 surrogate"',
    'title: "\\udc80\\U0010ffff\\x00\\e\\N\\_\\L\\P"',
    'summary: "\\0\\a\\b\\t\\n\\v\\f\\r"',
    "title:\tTabbed",
    "\ttitle: tab indent",
    "title: &a x\nsubtitle: *a",
    "title: |\n  block\n   \t mixed",
    "title: >-\n  folded\n\n  para",
    "summary: |2\n    explicit indent",
    "title: 0o17",
    "title: 0x1F",
    "title: 1_000",
    "title: yes",
    "title: Null",
    "title: .inf",
    "title: 12:30:00",
    "{",
    "}",
    "[",
    "- list at top",
    "title:",
    "recommendations: []",
    "recommendations: [{group: G, items: [{id: R1, title: T, priority: high}]}]",
    "key: value # comment with \x00",
    "\ufeff",
    "\x00",
    "\x85title: nel",
    "title: \u2028 line sep",
    "keywords: " + "[" * 40_000 + "]" * 40_000,  # libyaml's recursive parser once crashed on this (SIGSEGV)
]


@st.composite
def yaml_text(draw: st.DrawFn, data: Any, damage: bool = True) -> str:
    """Dump the data in one of several styles, then maybe damage the text."""
    style = draw(st.sampled_from([None, None, None, '"', "'", "|", ">"]))
    flow = draw(st.sampled_from([False, False, None, True]))
    try:
        text = yaml.safe_dump(
            data,
            allow_unicode=draw(st.booleans()),
            default_style=style,
            default_flow_style=flow,
            sort_keys=False,
            width=draw(st.sampled_from([80, 20, 10**6])),
        )
    except yaml.YAMLError:
        text = yaml.safe_dump(data, allow_unicode=False, sort_keys=False)
    if not damage:
        return text
    if draw(st.integers(0, 3)) == 0:
        lines = text.split("\n")
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(lines)))
            new = draw(st.sampled_from(YAML_LINES))
            if draw(st.booleans()) and at < len(lines):
                lines[at] = new
            else:
                lines.insert(at, new)
        text = "\n".join(lines)
    if draw(st.integers(0, 15)) == 0:
        text = draw(st.sampled_from(["\ufeff" + text, text.replace("\n", "\r\n"), text.replace("\n", "\r"), text[:-1]]))
    return text


@st.composite
def brief_file(draw: st.DrawFn, hostile_share: float = 0.5) -> bytes:
    """A brief's bytes. A hostile one (with `hostile_share`) has hostile text, is often damaged in
    structure and YAML, and is rarely UTF-16 or Latin-1; a plausible one is clean YAML in UTF-8."""
    hostile = draw(st.integers(0, 99)) < hostile_share * 100
    data = draw(brief_data(hostile))
    if not hostile:
        return draw(yaml_text(data, damage=False)).encode("utf-8")
    if draw(st.integers(0, 2)) == 0:
        data = draw(mutated(data))
    text = draw(yaml_text(data))
    encoding = draw(st.sampled_from(["utf-8"] * 20 + ["utf-16", "latin-1", "utf-8-sig"]))
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")


BRIEF_NAMES = ["brief.yaml", "brief.yml", "Brief Été 2010.yaml", "...yaml", "-.yaml", "中文.yaml", "a b\tc.yaml",
               "x" * 200 + ".yaml", ".hidden.yaml", "brief.YAML", "\u202e.yaml", "brief"]  # fmt: skip

# ---------------------------------------------------------------- .bib

BIB_TYPES = ["article", "book", "misc", "incollection", "inproceedings", "online", "report", "techreport",
             "thesis", "phdthesis", "unpublished", "inbook", "collection", "proceedings", "manual", "ARTICLE",
             "software", "dataset", "foo"]  # fmt: skip
BIB_FIELDS = ["author", "editor", "title", "subtitle", "titleaddon", "journal", "journaltitle", "booktitle", "year",
              "date", "month", "pages", "volume", "number", "issue", "url", "doi", "urldate", "publisher", "address",
              "location", "institution", "school", "type", "note", "howpublished", "edition", "series", "language",
              "eprint", "eprinttype", "isbn", "crossref", "xdata", "shorttitle", "translator", "organization",
              "chapter", "addendum", "pubstate", "origdate", "entrysubtype", "langid", "abstract"]  # fmt: skip
LATEX = [
    "Doe, Jane", "Jane Doe", "Doe, Jane and Roe, Richard", "{World Bank}", "{Org, Inc.}", "von der Leyen, Ursula",
    "Doe, Jr., Jane", "Doe, Jane and others", "and", " and and ", ", , ,", "{}", "{{}}", "Doe, {\\'E}mile",
    "{\\\"o}", "\\\"{o}", "{\\ss}", "\\c{c}", "\\v{s}", "\\k{a}", "{\\i}", "\\'\\i", "\\textit{x}", "\\emph{x}",
    "\\textbf{\\emph{x}}", "\\emph{", "\\textsc{", "\\url{javascript:alert(1)}", "\\href{file:///etc}{x}",
    "$x^2$", "$", "$$", "\\(", "\\\\", "\\", "\\&", "\\%", "\\$", "\\#", "\\_", "\\{", "\\}", "~", "--", "---",
    "``q''", "\\ldots", "\\today", "\\undefinedmacro{x}", "\\def\\x{y}", "\\input{/etc/passwd}", "\\verb|x|",
    "%comment", "@", "#", "\"", "{\"}", "1999", "2010", "2010-02-30", "2010/2011", "2010-01-15/2011",
    "-5", "0", "999999999999", "jan", "13", "33--50", "30-50", "xii", "iv--vii", "S1--S9", "--", "1e400",
    "https://x.org", "http://x.org/a b", "javascript:alert(1)", "doi:10.1/x", "10.1000/xyz<>", "mailto:a@b",
    "ftp://x", "data:text/html,x", "\\url{https://x.org/%20}", "Title: {Sub}title", "{Kazakhstan's} OSCE",
    "Нұрсұлтан Назарбаев", "中文標題", "مرحبا", "שלום", "\x00", "\x0b", "\u202e", "\ufeff", "\U0001f600",
    "{[@doe2020]}", "^[note]", "{{x}}", "{%x%}", "[link](javascript:x)", "*em*", "<script>x</script>",
    "a" * 5000, "{" * 50 + "x" + "}" * 50, "\\emph{" * 30 + "x" + "}" * 30, "and " * 300 + "Doe",
]  # fmt: skip
MACRO_VALUES = ["mymacro", "mymacro # {x}", '{a} # "b"', "jan # {~1}", "undefined # undefined"]
BIB_KEYS = ["doe2020", "roe2019", "Doe2020", "a:b", "a.b", "a-b_c", "x1", "über", "中文", "k" * 300, "a/b", "1"]


@st.composite
def bib_entry(draw: st.DrawFn, key: str) -> str:
    kind = draw(st.sampled_from(BIB_TYPES))
    fields = {"author": draw(st.sampled_from(LATEX[:16])), "title": draw(st.sampled_from(LATEX)), "year": "2020"}
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.sampled_from(BIB_FIELDS))
        fields[name] = draw(st.one_of(st.sampled_from(LATEX), plain_text(deep=False, surrogates=False)))
    for name in draw(st.lists(st.sampled_from(["author", "title", "year"]), max_size=2)):
        fields.pop(name, None)
    body = []
    for name, value in fields.items():
        form = draw(st.sampled_from(["{}", "{}", '""', "bare", "macro"]))
        if form == "{}":
            body.append(f"  {name} = {{{value}}}")
        elif form == '""':
            body.append(f'  {name} = "{value}"')
        elif form == "bare":
            body.append(f"  {name} = {draw(st.sampled_from(['2020', 'jan', 'dec', 'undefinedmacro', '12', '']))}")
        else:
            macro = draw(st.sampled_from(MACRO_VALUES))
            body.append(f"  {name} = {macro}")
    if draw(st.integers(0, 5)) == 0:
        body.append(f"  crossref = {{{draw(st.sampled_from([*BIB_KEYS, key]))}}}")
    if draw(st.integers(0, 7)) == 0:
        body.append(body[0] if body else "  title = {dup}")  # the same field twice
    open_, close = draw(st.sampled_from([("{", "}"), ("{", "}"), ("{", "}"), ("(", ")")]))
    return f"@{kind}{open_}{key},\n" + ",\n".join(body) + draw(st.sampled_from([",\n", "\n"])) + close + "\n"


BIB_EXTRAS = [
    '@string{mymacro = "Expanded"}',
    "@string{mymacro = {Expanded {with} braces}}",
    '@string{jan = "Janvier"}',
    "@string{self = self}",
    "@string{a = b}\n@string{b = a}",
    '@preamble{"\\newcommand{\\x}{y}"}',
    "@comment{anything {goes} here}",
    "% a comment line",
    "@comment{",
    "stray text outside entries",
    "@",
    "@article",
    "@article{",
    "@article{nokey}",
    "@article{,title={x}}",
    "}",
    "{{{{",
    "@string{",
    "@string{x}",
    '@STRING{Mymacro = "case"}',
]


@st.composite
def bib_file(draw: st.DrawFn) -> str:
    """A .bib: entries built valid, some broken, with macros and junk between them."""
    keys = draw(st.lists(st.sampled_from(BIB_KEYS), min_size=1, max_size=5))
    chunks = [draw(bib_entry(k)) for k in keys]
    for _ in range(draw(st.integers(0, 3))):
        chunks.insert(draw(st.integers(0, len(chunks))), draw(st.sampled_from(BIB_EXTRAS)))
    text = "\n".join(chunks)
    if draw(st.integers(0, 3)) == 0:  # break braces somewhere
        for _ in range(draw(st.integers(1, 2))):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(["{", "}", "\\", "@", '"', ",", "=", ""])) + text[at + 1 :]
    if draw(st.integers(0, 19)) == 0:
        text = text + "\n" + draw(bib_entry("big")).replace("2020", "x" * 200_000)
    return text


def citing_brief(keys: list[str]) -> str:
    """A brief citing each key in several forms, in text every writer prints."""
    cites = " ".join(f"[@{k}] [see @{k}, p. 3] ^[After [-@{k}].] @{k}" for k in keys)
    return (
        "title: Cited\n"
        "date: 2010-01-15\n"
        f"summary: {yaml.safe_dump(cites, allow_unicode=True, width=10**6).removesuffix(chr(10) + '...' + chr(10))}\n"
        "recommendations:\n"
        "  - group: G\n"
        "    items:\n"
        "      - {id: R1, title: T, priority: high}\n"
    )


# ---------------------------------------------------------------- styles

COLOURS = ["#1F4E79", "#000000", "#ffffff", "#FFF", "red", "#GGGGGG", "", "#1F4E79 ", "#1f4e7980", 123]
PATTERNS = ["{title}", "{organisation}", "{series} · {short_title}", "{audience}", "{date}", "", "{", "}", "{{", "}}",
            "{{title}}", "{title!r}", "{title:>10}", "{0}", "{}", "{unknown}", "{title.__class__}", "{title[0]}",
            "%s", "{{ brief.title }}", "{% if %}", "\x00", "\u202e{title}", "a\nb", "x" * 5000, "{id}", "{year}",
            "{short_title}-{year}", "../{id}", "CON", "a/b\\c:d*e?f", "{title}" * 100]  # fmt: skip
LABELS = ["Summary", "", "{n}", "{hidden}", "{x}", "{", "%s", "Back to note {n}", "{hidden} more {hidden}", "\x00",
          "Резюме", "ملخص", "x" * 3000, "**bold**", "[@doe2020]", "^[n]", "{{x}}", "<b>x</b>"]  # fmt: skip
LABEL_KEYS = ["summary", "key_messages", "recommendations", "priority", "high", "note_backlink", "more_in_full_brief",
              "bibliography", "page", "of", "contact", "attached", "pages", "unknown_label"]  # fmt: skip
BUILTIN = ["academic", "policymaker", "practitioner", "press"]

STYLE_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "description": plain_text(deep=False),
    "page": st.fixed_dictionaries(
        {},
        optional={
            "size": st.sampled_from(["A4", "Letter", "A5", "", None]),
            "margins": st.sampled_from(
                [[20, 20, 20, 20], [5, 5, 5, 5], [60, 60, 60, 60], [4, 20, 20, 20], [20, 20], [1e308] * 4, "20"]
            ),
        },
    ),
    "fonts": st.fixed_dictionaries(
        {},
        optional={
            "body": st.sampled_from(["serif", "sans", "mono", ""]),
            "headings": st.sampled_from(["serif", "sans", 1]),
            "size": st.sampled_from([7, 7.0, 16, 10.5, 6.99, 16.01, 0, -1, "11", 1e308, True]),
            "fallback": st.sampled_from([[], ["nope.ttf"], ["../x.ttf"], ["/etc/passwd"], [""], ["font.ttf"], [1]]),
        },
    ),
    "colours": st.dictionaries(
        st.sampled_from(["accent", "text", "muted", "box", "rule", "high", "medium", "low", "unknown"]),
        st.sampled_from(COLOURS),
        max_size=4,
    ),
    "content": st.fixed_dictionaries(
        {},
        optional={
            "priorities": st.sampled_from([["high"], ["low", "high"], [], ["urgent"], ["high", "high"]]),
            "groups": st.sampled_from([[], ["G"], ["nope"], [""]]),
            "max_recommendations": st.sampled_from([None, 1, 2, 0, -1, 10**20, 1.5]),
            "sections": st.booleans(),
            "rationale": st.sampled_from(["full", "first-sentence", "none", "some"]),
            "actors": st.booleans(),
            "timeframe": st.sampled_from([True, False, "yes"]),
        },
    ),
    "max_pages": st.sampled_from([None, 1, 2, 0, 10**20]),
    "citations": st.sampled_from(["notes", "author-date", "none", "numeric"]),
    "footnotes": st.sampled_from([True, False, "no"]),
    "bibliography": st.sampled_from(["full", "sources", "none", "partial"]),
    "marking": st.one_of(st.sampled_from(PATTERNS), plain_text(deep=False)),
    "header": st.one_of(st.sampled_from(PATTERNS), plain_text(deep=False)),
    "footer": st.one_of(st.sampled_from(PATTERNS), plain_text(deep=False)),
    "logo": st.sampled_from(["", "logo.png", "logo.jpg", "../logo.png", "/etc/passwd", "style.yaml", "nope.png"]),
    "email": st.fixed_dictionaries(
        {},
        optional={
            "subject": st.sampled_from(PATTERNS),
            "filename": st.sampled_from(PATTERNS),
            "attach": st.sampled_from([["pdf"], ["docx", "pdf"], ["txt", "html"], [], ["pdf", "pdf"], ["exe"]]),
        },
    ),
    "labels": st.dictionaries(
        st.sampled_from(LABEL_KEYS), st.one_of(st.sampled_from(LABELS), plain_text()), max_size=5
    ),
    "unknown_key": st.just(1),
}

TEMPLATES = [
    '{% extends "practitioner/brief.md.j2" %}',
    "# {{ brief.title }}\n\n{{ brief.summary }}\n",
    "{{ brief.nope }}",
    "{% include '../../../etc/passwd' %}",
    "{% include '/etc/passwd' %}",
    "{{ ''.__class__.__mro__ }}",
    "{{ brief.title.__globals__ }}",
    "{% for",
    "{{ label('summary') }} {{ label('x') }} {{ style.header }}",
    "{{ 1/0 }}",
    "{{ range(100000)|list|length }}",
    "{{ brief.groups[99] }}",
    "{{ cycler() }}",
    "{{ 'x'.encode('rot13') }}",
    "{{ brief.date.today() }}",
    "{{ 'x'.ljust(3000000000) }}",
    "{{ brief.title|wordwrap(5) }}",
]


@st.composite
def style_files(draw: st.DrawFn) -> dict[str, bytes]:
    """Files of a templates folder, by relative path: `mine/style.yaml` and maybe friends."""
    data: dict[str, Any] = {}
    data["extends"] = draw(st.sampled_from([*BUILTIN, *BUILTIN, "mine", "other", "nope", "", 1]))
    for name in draw(st.lists(st.sampled_from(list(STYLE_VALUES)), max_size=6, unique=True)):
        data[name] = draw(STYLE_VALUES[name])
    if draw(st.integers(0, 5)) == 0:
        data = draw(mutated(data))
    files = {"mine/style.yaml": draw(yaml_text(data)).encode("utf-8", errors="surrogatepass")}
    if data.get("extends") == "other" if isinstance(data, dict) else False:
        files["other/style.yaml"] = draw(st.sampled_from([b"extends: mine\n", b"extends: press\n", b"{}\n", b"- x\n"]))
    if draw(st.integers(0, 3)) == 0:
        files["mine/logo.png"] = draw(
            st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"not an image", b"\xff\xd8\xff\xe0" + b"\x00" * 20])
        )
    if draw(st.integers(0, 3)) == 0:
        files["mine/font.ttf"] = draw(st.sampled_from([b"", b"\x00\x01\x00\x00" + b"\x00" * 40, b"garbage"]))
    if draw(st.integers(0, 7)) == 0:
        files["mine/brief.md.j2"] = draw(st.sampled_from(TEMPLATES)).encode()
    return files
