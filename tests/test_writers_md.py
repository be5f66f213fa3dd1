"""The pandoc-Markdown writer (`-f md`): what it writes reads back as the same document.

Read back with briefgen's own reader (markdown.parse_markdown) always, and with pandoc
when pypandoc is installed (it is a benchmark extra, not a test dependency).
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.cli import cli
from briefgen.design import theme
from briefgen.markdown import parse_markdown
from briefgen.model import (
    Author,
    Block,
    Box,
    Citation,
    CiteItem,
    Code,
    Document,
    Emph,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Quote,
    Rule,
    Span,
    Strong,
    Superscript,
    Table,
    Text,
)
from briefgen.style import Style
from briefgen.writers import FORMATS, Assets, writer
from briefgen.writers.md import escape, write

from conftest import ROOT, SAMPLE

META = Metadata(title="Brief")

# Text a writer must not turn into syntax: every character pandoc Markdown or CommonMark reads as markup.
HOSTILE = [
    "*not emphasis* and _not either_ and **nor this**",
    "[not a link](http://example.org) and [^1] and ^[not a note] and [@smith2020] and @smith2020",
    "`not code` and ``two`` and $x^2$ and ~sub~ and ^sup^ and ~~struck~~",
    "<b>not html</b> &amp; &#169; &copy; {{ template }} {% tag %} {#id .class}",
    "back\\slash \\* \\\\ and a trailing one \\",
    "# not a heading",
    "1. not a list",
    "2010. A year at the start",
    "- not a bullet",
    "+ nor this",
    "> not a quote",
    ": not a definition",
    "= not an underline",
    "a. not a letter list",
    "iv. not a roman list",
    "(a) not an example list",
    "#. not a hash list",
    "| not | a | table |",
    "::: not a div",
    "```not a fence```",
    "~~~ nor this",
    "* * * not a rule",
    "\"straight\" 'quotes' -- en --- em ... ellipsis",
    "(c) (r) (tm) +- ?? !! ,, markdown-it's typographer",
    "e.g. Mr. Smith at 5 p.m.",
    "ends with an exclamation!",
    "Kazakhstan’s “curly” quotes and Нұрсұлтан and 中文 stay",
]


def render(*blocks: Block, meta: Metadata = META) -> str:
    return write(Document(meta, blocks), theme(Style()), Assets()).data.decode("utf-8")


def body(*blocks: Block) -> str:
    """The Markdown of the blocks alone: without the metadata block."""
    return render(*blocks).split("\n---\n\n", 1)[1]


def read_back(markdown: str) -> tuple[Block, ...]:
    """briefgen's reader on the body (it reads no YAML metadata block)."""
    return _classes(parse_markdown(markdown.split("\n---\n", 1)[1] if markdown.startswith("---\n") else markdown))


def _classes(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Box classes as written in pandoc's `{.card .high}`: briefgen's reader keeps the braces and dots."""
    out: list[Block] = []
    for block in blocks:
        match block:
            case Box(classes=c, blocks=b):
                out.append(Box(tuple(x.strip("{}").lstrip(".") for x in c if x.strip("{}.")), _classes(b)))
            case Quote(blocks=b):
                out.append(Quote(_classes(b)))
            case ListBlock(items=items):
                out.append(replace(block, items=tuple(_classes(i) for i in items)))
            case _:
                out.append(block)
    return tuple(out)


def as_read(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """What briefgen's reader gives back for these blocks: the documented mappings applied.

    A run of paragraphs with one role is a box of that class; a superscript is its text between
    carets (briefgen's reader has no superscripts); touching texts are one.
    """
    out: list[Block] = []
    run = ""  # the role of the box just made from a run of paragraphs
    for block in blocks:
        match block:
            case Paragraph(children=c, role=role) if role not in ("", "code"):
                if run == role:
                    out[-1] = Box((role,), (*out[-1].blocks, Paragraph(_inlines(c))))  # type: ignore[union-attr]
                else:
                    out.append(Box((role,), (Paragraph(_inlines(c)),)))
                run = role
                continue
            case Paragraph(children=c, role=role):
                out.append(Paragraph(_inlines(c), role))
            case Heading(level=level, children=c):
                out.append(Heading(level, _inlines(c)))
            case Box(classes=c, blocks=b):
                out.append(Box(c, as_read(b)))
            case Quote(blocks=b):
                out.append(Quote(as_read(b)))
            case ListBlock(items=items):
                out.append(replace(block, items=tuple(as_read(i) for i in items)))
            case Table(header=h, rows=rows, align=a):
                out.append(Table(tuple(_inlines(x) for x in h), tuple(tuple(_inlines(x) for x in r) for r in rows), a))
            case _:
                out.append(block)
        run = ""
    return tuple(out)


def _inlines(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for node in nodes:
        match node:
            case Superscript(text=t):
                node = Text(f"^{t}^")
            case Emph(children=c):
                node = Emph(_inlines(c))
            case Strong(children=c):
                node = Strong(_inlines(c))
            case Link(children=c, url=u):
                node = Link(_inlines(c), u)
            case Span(children=c, lang=lang):
                node = Span(_inlines(c), lang)
            case Note(blocks=b):
                node = Note(as_read(b))
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return tuple(out)


# ---------------------------------------------------------------- exact output of small cases


def test_markdown_syntax_in_text_is_escaped():
    assert escape("*a* _b_ [c](d) `e` <f> $g$ @h ^[i] ~j~ {{k}} |l| \\m") == (
        r"\*a\* \_b\_ \[c\](d) \`e\` \<f> \$g\$ \@h \^\[i\] \~j\~ \{\{k\}\} \|l\| \\m"
    )
    assert escape("\"q\" 's' -- --- ... (c) +- !! &amp; &x") == r"\"q\" \'s\' \-- \-\-- \.\.. \(c) \+- \!! \&amp; &x"


@pytest.mark.parametrize(
    "text, written",
    [
        ("# h", r"\# h"),
        ("1. one", r"1\. one"),
        ("2010. A year", r"2010\. A year"),
        ("10) ten", r"10\) ten"),
        ("a. letter", r"a\. letter"),
        ("iv. roman", r"iv\. roman"),
        ("(a) example", r"\(a) example"),
        ("- bullet", r"\- bullet"),
        ("+ bullet", r"\+ bullet"),
        ("> quote", r"\> quote"),
        (": definition", r"\: definition"),
        ("= underline", r"\= underline"),
        ("    indented", "indented"),
        ("e.g. a start", "e.g. a start"),
        ("1.5 million", "1.5 million"),
    ],
)
def test_block_markers_at_a_line_start_are_escaped_and_only_there(text, written):
    assert escape(text, line_start=True) == written
    assert escape("x " + text) == "x " + text.replace("#", r"\#")


def test_a_small_document_is_written_as_pandoc_markdown():
    note = Note((Paragraph((Text("A note with "), Emph((Text("emphasis"),)), Text("."))),))
    long_note = Note((Paragraph((Text("First."),)), ListBlock(((Paragraph((Text("item"),)),),))))
    doc = Document(
        Metadata(
            title='A "title": with *stars*',
            subtitle="Sub",
            authors=(Author("Jane Doe", "Uni"), Author("Ann Roe")),
            date=date(2010, 1, 15),
            language="en-GB",
            keywords=("OSCE", "- dash"),
        ),
        (
            Heading(1, (Text("Summary"),)),
            Paragraph((Text("Text"), note, Text(" and"), long_note, Superscript(","), Text(" more."))),
            Paragraph((Text("Line"), LineBreak(), Text("1. after a break"))),
            ListBlock(((Paragraph((Text("three"),)),), (Paragraph((Text("four"),)),)), ordered=True, start=3),
            Table(
                ((Text("Left"),), (Text("Right"),)),
                (((Text("a | b"),), (Code("x|y"),)),),
                ("left", "right"),
            ),
            Quote((Paragraph((Text("Quoted"),)),)),
            Box(("card", "high"), (Box(("inner",), (Paragraph((Text("In"),)),)),)),
            Paragraph(
                (Link((Text("web"),), "https://example.org/a(b)"), Text(" "), Link((Text("js"),), "javascript:x"))
            ),
            Paragraph((Code("a `tick`"),)),
            Paragraph((Code("print(1)\n```"),), role="code"),
            Rule(),
            Paragraph((Text("Doe, J. 2020."),), role="bibliography"),
            Paragraph((Text("Roe, R. 2019."),), role="bibliography"),
        ),
    )
    artifact = write(doc, theme(Style()), Assets())
    assert artifact.notes == 2 and artifact.media_type == "text/markdown"
    assert artifact.data.decode("utf-8") == "\n".join(
        [
            "---",
            r'title: "A \\\"title\\\": with \\*stars\\*"',
            'subtitle: "Sub"',
            "author:",
            '  - "Jane Doe"',
            '  - "Ann Roe"',
            'date: "2010-01-15"',
            'lang: "en-GB"',
            "keywords:",
            '  - "OSCE"',
            '  - "\\\\- dash"',
            "---",
            "",
            "# Summary",
            "",
            "Text^[A note with *emphasis*.] and[^1]^,^ more.",
            "",
            "Line\\",
            "1\\. after a break",
            "",
            "3. three",
            "4. four",
            "",
            "| Left | Right |",
            "| :----- | ----: |",
            r"| a \| b | `x|y` |",
            "",
            "> Quoted",
            "",
            ":::: {.card .high}",
            "::: {.inner}",
            "In",
            ":::",
            "::::",
            "",
            "[web](<https://example.org/a(b)>) js",
            "",
            "`` a `tick` ``",
            "",
            "````",
            "print(1)",
            "```",
            "````",
            "",
            "* * *",
            "",
            "::: {.bibliography}",
            "Doe, J. 2020.",
            "",
            "Roe, R. 2019.",
            ":::",
            "",
            "[^1]: First.",
            "",
            "    - item",
            "",
        ]
    )


def test_two_lists_in_a_row_stay_two_lists():
    items = ((Paragraph((Text("a"),)),),)
    assert body(ListBlock(items), ListBlock(items)) == "- a\n\n[//]: #\n\n- a\n"
    assert read_back(body(ListBlock(items), ListBlock(items))) == (ListBlock(items), ListBlock(items))


def test_a_list_item_that_starts_with_a_table_indents_it_four_columns():
    table = Table(((Text("h"),),), (((Text("c"),),),))
    assert body(ListBlock(((table,),), ordered=True)) == "1.  | h |\n    | --- |\n    | c |\n"  # `1. | h |` is a row
    assert read_back(body(ListBlock(((table,),), ordered=True))) == (ListBlock(((table,),), ordered=True),)


def test_notes_that_touch_brackets_are_reference_notes():
    """pandoc reads `^[x][y](z)` and `^[x][^1]` as text, `^[x](y)` as a link."""
    one = Note((Paragraph((Text("one"),)),))
    two = Note((Paragraph((Text("two"),)), Paragraph((Text("more"),))))
    link = Link((Text("web"),), "https://example.org")
    assert body(Paragraph((one, link))) == "[^1][web](https://example.org)\n\n[^1]: one\n"
    assert body(Paragraph((one, two))) == "[^1][^2]\n\n[^1]: one\n\n[^2]: two\n\n    more\n"
    assert body(Paragraph((one, Text("(see above)")))) == "^[one]\\(see above)\n"
    assert body(Paragraph((two, Text(": x")))) == "[^1]\\: x\n\n[^1]: two\n\n    more\n"


def test_emphasis_keeps_white_space_and_line_breaks_outside_its_marks():
    assert body(Paragraph((Text("a"), Emph((Text(" b "),)), Text("c")))) == "a *b* c\n"
    assert (
        body(
            Paragraph(
                (
                    Text("a"),
                    Strong((LineBreak(), Text("b"))),
                )
            )
        )
        == "a\\\n**b**\n"
    )
    assert body(Paragraph((Emph((Text("a"),)), Emph((Emph((Text("b"),)),))))) == "*ab*\n"  # `*a**b*` is not two
    assert body(Paragraph((Text("x"), Emph((Text("  "),)), Text("y")))) == "x  y\n"


def test_a_superscript_is_escaped_twice_as_pandoc_reads_it_twice():
    assert body(Paragraph((Text("x"), Superscript("*a b*")))) == "x^\\\\\\*a\\ b\\\\\\*^\n"
    assert body(Paragraph((Superscript("1"), Superscript("2")))) == "^12^\n"


def test_unsafe_links_and_links_in_links_are_their_words():
    inner = Link((Text("inner"),), "https://b.org")
    doc = (Paragraph((Link((Text("a "), inner), "https://a.org"), Link((Text("file"),), "file:///etc/passwd"))),)
    assert body(*doc) == "[a inner](https://a.org)file\n"


def test_the_writer_refuses_an_unresolved_citation():
    with pytest.raises(TypeError, match="Citation"):
        render(Paragraph((Citation((CiteItem("doe2020"),)),)))


def test_metadata_is_yaml_whose_strings_pandoc_reads_as_the_plain_text():
    hostile = 'a: b\n- c "d" \\ *e* [@f] \u2028 #g'
    meta = Metadata(title=hostile, subtitle=hostile, authors=(Author(hostile),), keywords=(hostile,))
    front = yaml.safe_load(render(meta=meta).split("---\n")[1])
    assert front["title"] == front["subtitle"] == front["author"][0] == front["keywords"][0]
    assert "\u2028" not in render(meta=meta)  # YAML would read it as a line break
    [paragraph] = parse_markdown(front["title"])
    assert paragraph.children == (Text(hostile.replace("\n", " ")),)


def test_same_document_same_bytes():
    a = render(*[Paragraph((Text(t), Note((Paragraph((Text(t),)), Rule())))) for t in HOSTILE])
    assert a == render(*[Paragraph((Text(t), Note((Paragraph((Text(t),)), Rule())))) for t in HOSTILE])


# ---------------------------------------------------------------- read back by briefgen's reader


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_reads_back_as_itself_in_every_block(text):
    t = (Text(text),)
    blocks = (
        Paragraph(t),
        Heading(2, t),
        ListBlock(((Paragraph(t),), (Paragraph(t), ListBlock(((Paragraph(t),),), ordered=True, start=7)))),
        Table((t, t), ((t, (Code(text.replace("|", "/")),)),), ("center", "")),
        Quote((Paragraph(t), Quote((Paragraph(t),)))),
        Box(("card", "high"), (Paragraph(t), Box(("inner",), (Paragraph(t),)))),
        Paragraph((Text("x"), Note((Paragraph(t),)), Text(" y"), Note((Paragraph(t), Paragraph(t))))),
        Paragraph((Emph(t), Text(" "), Strong(t), Text(" "), Link(t, "https://example.org/p?q=1"))),
        Paragraph(t, role="bibliography"),
        Paragraph((Text("before"), LineBreak(), *t)),
    )
    assert read_back(render(*blocks)) == as_read(blocks)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("\\`*_[]<>#@^~$|{}\"'&!?.,-+=:()% aZ09\u00a0é")), min_size=1)))
def test_any_text_reads_back_as_itself(texts):
    paragraphs = [Paragraph((Text(t),)) for t in texts]
    expected = [" ".join(t.split()) for t in texts]
    got = [" ".join("".join(n.text for n in b.children).split()) for b in read_back(render(*paragraphs))]
    assert got == [t for t in expected if t]


@cache
def sample_documents() -> dict[str, Document]:
    from briefgen.audience import load_audiences, search_path
    from briefgen.bibliography import load_bibliography
    from briefgen.build import for_this_brief, to_document
    from briefgen.loader import load_brief

    roots = search_path(ROOT / "templates")
    refs = load_bibliography(ROOT / "references.bib")
    brief = load_brief(SAMPLE, keys=refs)
    return {
        a.name: to_document(brief, a, roots, refs)[0] for a in load_audiences(None, roots) if for_this_brief(a, brief)
    }


@pytest.mark.parametrize("audience", ["academic", "policymaker", "practitioner", "press"])
def test_the_sample_reads_back_as_the_same_blocks(audience):
    doc = sample_documents()[audience]
    assert read_back(render(*doc.blocks, meta=doc.meta)) == as_read(doc.blocks)


# ---------------------------------------------------------------- the command line


def test_build_f_md_writes_the_brief_as_pandoc_markdown(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["build", str(SAMPLE), "--bib", str(ROOT / "references.bib"), "-a", "practitioner", "-f", "md"]
    result = CliRunner().invoke(cli, [*args, "-o", "out"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "kazakhstan-osce-2010"
    text = (folder / "kazakhstan-osce-2010_practitioner.md").read_text("utf-8")
    # What it says, line for line (metadata block, boxes, 26 inline notes, citations formatted): the golden file
    golden = ROOT / "tests" / "golden" / "kazakhstan-osce-2010" / "kazakhstan-osce-2010_practitioner.md"
    assert text == golden.read_text("utf-8")
    assert len(re.findall(r"\^\[", text)) == 26  # every note inline: each is one paragraph
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    [entry] = manifest["outputs"]
    assert entry["format"] == "md" and entry["media_type"] == FORMATS["md"].media_type and entry["notes"] == 26
    again = CliRunner().invoke(cli, [*args, "-o", "again", "--force"])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "again" / folder.name / "kazakhstan-osce-2010_practitioner.md").read_text("utf-8") == text


def test_md_is_a_registered_format():
    assert writer("md") is write and FORMATS["md"].media_type == "text/markdown"


# ---------------------------------------------------------------- read back by pandoc (when installed)


@cache
def _pandoc() -> str | None:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        return None


def pandoc_json(markdown: str) -> dict:
    path = _pandoc()
    if path is None:
        pytest.skip("pandoc is not installed (pip install '.[bench]')")
    done = subprocess.run([path, "-f", "markdown", "-t", "json"], input=markdown.encode(), capture_output=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _walk(node, found: dict[str, list]) -> None:
    if isinstance(node, dict):
        if "t" in node:
            found.setdefault(node["t"], []).append(node.get("c"))
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)


def _text(inlines: list) -> str:
    """pandoc inlines as the text a reader sees; spaces normalised (pandoc makes `Mr. X` a no-break space)."""
    out = []
    for x in inlines:
        match x["t"]:
            case "Str":
                out.append(x["c"])
            case "Space" | "SoftBreak" | "LineBreak":
                out.append(" ")
            case "Emph" | "Strong" | "Superscript":
                out.append(_text(x["c"]))
            case "Link":
                out.append(_text(x["c"][1]))
            case "Code":
                out.append(x["c"][1])
            case "Note":
                pass
            case other:
                out.append(f"<{other}>")
    return " ".join("".join(out).replace("\u00a0", " ").split())


@pytest.mark.parametrize("audience", ["academic", "practitioner", "press"])
def test_pandoc_sees_the_sample_headings_notes_boxes_and_metadata(audience):
    doc = sample_documents()[audience]
    found: dict[str, list] = {}
    parsed = pandoc_json(render(*doc.blocks, meta=doc.meta))
    _walk(parsed["blocks"], found)

    def count(blocks, kind) -> int:
        n = 0
        for b in blocks:
            match b:
                case Heading() if kind is Heading:
                    n += 1
                case Paragraph(children=c) | Heading(children=c):
                    n += sum(isinstance(x, Note) for x in c) if kind is Note else 0
                case Box(blocks=inner) | Quote(blocks=inner):
                    n += (kind is Box) + count(inner, kind)
                case ListBlock(items=items):
                    n += sum(count(i, kind) for i in items)
                case Table(header=h, rows=rows) if kind is Note:
                    n += sum(isinstance(x, Note) for cell in (*h, *(c for r in rows for c in r)) for x in cell)
        return n

    assert len(found.get("Header", [])) == count(doc.blocks, Heading)
    assert len(found.get("Note", [])) == count(doc.blocks, Note)
    roles = 1 if any(isinstance(b, Box) and b.classes == ("bibliography",) for b in doc.blocks) else 0
    assert len(found.get("Div", [])) == count(doc.blocks, Box) + roles
    assert not {"RawInline", "RawBlock", "Math", "Cite", "Image"} & set(found)
    assert _text(parsed["meta"]["title"]["c"]) == doc.meta.title


def test_pandoc_reads_hostile_text_as_itself():
    found: dict[str, list] = {}
    _walk(pandoc_json(render(*[Paragraph((Text(t),)) for t in HOSTILE]))["blocks"], found)
    assert [_text(p) for p in found["Para"]] == [" ".join(t.split()) for t in HOSTILE]
    assert set(found) == {"Para", "Str", "Space"}


def test_pandoc_reads_the_constructs_that_touch_as_written():
    one = Note((Paragraph((Text("one"),)),))
    blocks = (
        Paragraph((Text("a"), one, Link((Text("web"),), "https://e.org"), one, one, Text("(x)"))),
        Paragraph((Superscript("*a_b*"), Text(" "), Emph((Strong((Text("s"),)),)), Emph((Text("e"),)))),
        ListBlock(((Table(((Text("h"),),), (((Text("c"),),),)), Box(("x",), (Paragraph((Text("in div"),)),))),)),
        ListBlock(((Paragraph((Text("a"),)),),)),
        ListBlock(((Paragraph((Text("b"),)),),)),
    )
    parsed = pandoc_json(render(*blocks))["blocks"]
    first = parsed[0]["c"]
    assert [x["t"] for x in first] == ["Str", "Note", "Link", "Note", "Note", "Str"]
    assert first[-1]["c"] == "(x)"
    second = parsed[1]["c"]
    assert second[0] == {"t": "Superscript", "c": [{"t": "Str", "c": "*a_b*"}]}
    [emph] = second[2:]  # touching emphasis is joined: `***s****e*` would be read differently by each reader
    assert emph["t"] == "Emph" and [x["t"] for x in emph["c"]] == ["Strong", "Str"]
    assert [b["t"] for b in parsed[2:]] == ["BulletList", "BulletList", "BulletList"]  # two lists in a row stay two
    assert [b["t"] for b in parsed[2]["c"][0]] == ["Table", "Div"]


def test_words_in_another_language_are_pandoc_spans_that_both_readers_read_back():
    note = Note((Paragraph((Span((Text("中文"),), "zh-Hant"),)),))
    blocks = (
        Paragraph(
            (
                Text("Astana ("),
                Span((Text(" Астана "), Emph((Text("қаласы"),))), "kk"),  # spaces at its edges go outside
                Text(")! "),
                Span((Link((Text("Paris"),), "https://e.org"),), "fr"),
                note,
                Span((Text("שלום"),), "he"),
                Text("{x}"),
            )
        ),
    )
    written = body(*blocks)
    assert "( [Астана *қаласы*]{lang=kk})" in written and "[[Paris](https://e.org)]{lang=fr}" in written
    assert read_back(render(*blocks)) == (
        Paragraph(
            (
                Text("Astana ( "),
                Span((Text("Астана "), Emph((Text("қаласы"),))), "kk"),
                Text(")! "),
                *blocks[0].children[3:],
            )
        ),
    )
    found: dict[str, list] = {}
    _walk(pandoc_json(render(*blocks))["blocks"], found)
    languages = [attrs for (_, _, attrs), _ in found["Span"]]
    assert languages == [[["lang", "kk"]], [["lang", "fr"]], [["lang", "zh-Hant"]], [["lang", "he"]]]


def test_heading_levels_never_skip_one_going_down():
    """`#### Key messages` first, or under `# In brief`, was a skip pandoc and typst's ua-1 refuse;
    the Markdown writes each heading at the level the other formats announce it."""
    golden = Path(__file__).parent / "golden"
    for path in sorted(golden.glob("*/*.md")):
        last = 0
        for line in path.read_text("utf-8").splitlines():
            if match := re.match(r"^(#{1,6}) ", line):
                level = len(match.group(1))
                assert level <= last + 1, (path.name, line)
                last = level
