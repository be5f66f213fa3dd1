"""Stage 4: Markdown from a template becomes document model blocks."""

from __future__ import annotations

from briefgen.markdown import parse_inline, parse_markdown
from briefgen.model import (
    Box,
    Citation,
    CiteItem,
    Code,
    Emph,
    Heading,
    LineBreak,
    Link,
    ListBlock,
    Note,
    Paragraph,
    Quote,
    Rule,
    Strong,
    Table,
    Text,
)


def test_headings_keep_their_level_and_inline_formatting():
    assert parse_markdown("# Summary\n\n### R1 · Open *a* dialogue\n") == (
        Heading(1, (Text("Summary"),)),
        Heading(3, (Text("R1 · Open "), Emph((Text("a"),)), Text(" dialogue"))),
    )


def test_emphasis_strong_code_and_links_become_inline_nodes():
    [para] = parse_markdown("Some *emph*, **strong**, `code` and a [link](https://www.osce.org).")

    assert para == Paragraph(
        (
            Text("Some "),
            Emph((Text("emph"),)),
            Text(", "),
            Strong((Text("strong"),)),
            Text(", "),
            Code("code"),
            Text(" and a "),
            Link((Text("link"),), "https://www.osce.org"),
            Text("."),
        )
    )


def test_an_ordered_list_keeps_its_start_number():
    assert parse_markdown("3. three\n4. four\n") == (
        ListBlock(((Paragraph((Text("three"),)),), (Paragraph((Text("four"),)),)), ordered=True, start=3),
    )


def test_a_bullet_list_is_unordered():
    [block] = parse_markdown("- one\n- two\n")

    assert block == ListBlock(((Paragraph((Text("one"),)),), (Paragraph((Text("two"),)),)), ordered=False)


def test_a_table_has_a_header_row_and_body_rows_of_inline_cells():
    md = "| Id | Recommendation |\n|---|---|\n| R1 | Open a *dialogue* |\n| R2 | Publish data |\n"

    assert parse_markdown(md) == (
        Table(
            header=((Text("Id"),), (Text("Recommendation"),)),
            rows=(
                ((Text("R1"),), (Text("Open a "), Emph((Text("dialogue"),)))),
                ((Text("R2"),), (Text("Publish data"),)),
            ),
        ),
    )


def test_a_table_keeps_the_column_alignment_its_delimiter_row_asks_for():
    md = "| Id | Amount | Note |\n|:--|--:|:-:|\n| R1 | 1,200 | ok |\n"
    assert parse_markdown(md)[0].align == ("left", "right", "center")
    assert parse_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n")[0].align == ()


def test_a_colon_fence_becomes_a_box_with_its_classes_and_content():
    md = "::: card high\n### R1 · Open a dialogue\n\nBody text.\n:::\n"

    assert parse_markdown(md) == (
        Box(("card", "high"), (Heading(3, (Text("R1 · Open a dialogue"),)), Paragraph((Text("Body text."),)))),
    )


def test_a_box_can_hold_a_list():
    md = "::: keymessages\n**Key messages**\n\n- one\n:::\n"

    [box] = parse_markdown(md)

    assert box.classes == ("keymessages",)
    assert box.blocks == (Paragraph((Strong((Text("Key messages"),)),)), ListBlock(((Paragraph((Text("one"),)),),)))


def test_quotes_rules_and_hard_line_breaks_are_kept():
    assert parse_markdown("> quoted\n\n---\n\nline one  \nline two\n") == (
        Quote((Paragraph((Text("quoted"),)),)),
        Rule(),
        Paragraph((Text("line one"), LineBreak(), Text("line two"))),
    )


def test_an_inline_note_is_placed_where_its_marker_is_with_its_content():
    [para] = parse_markdown("Water matters.^[A *short* aside.] More text.")

    assert para.children == (
        Text("Water matters."),
        Note((Paragraph((Text("A "), Emph((Text("short"),)), Text(" aside."))),)),
        Text(" More text."),
    )


def test_a_reference_note_is_placed_where_its_marker_is_and_its_definition_disappears():
    blocks = parse_markdown("Borders matter.[^1] More text.\n\n[^1]: The *definition*, with two words.\n")

    assert blocks == (
        Paragraph(
            (
                Text("Borders matter."),
                Note((Paragraph((Text("The "), Emph((Text("definition"),)), Text(", with two words."))),)),
                Text(" More text."),
            )
        ),
    )


def test_citations_become_citation_nodes_inside_paragraphs():
    [para] = parse_markdown("As @roe2019 argues, water matters [see @doe2020, p. 33].")

    assert para.children == (
        Text("As "),
        Citation((CiteItem("roe2019"),), narrative=True),
        Text(" argues, water matters "),
        Citation((CiteItem("doe2020", prefix="see", locator="p. 33"),)),
        Text("."),
    )


def test_citations_inside_notes_become_citation_nodes_too():
    [para] = parse_markdown("Inline.^[See [@doe2020].] Reference.[^n]\n\n[^n]: As @roe2019 says.\n")

    inline_note, reference_note = (c for c in para.children if isinstance(c, Note))
    assert inline_note.blocks == (Paragraph((Text("See "), Citation((CiteItem("doe2020"),)), Text("."))),)
    assert reference_note.blocks == (
        Paragraph((Text("As "), Citation((CiteItem("roe2019"),), narrative=True), Text(" says."))),
    )


def test_email_addresses_and_link_targets_are_not_citations():
    [para] = parse_markdown("Write to info@osce.org or see [the post](https://medium.com/@doe2020/water).")

    assert para.children == (
        Text("Write to info@osce.org or see "),
        Link((Text("the post"),), "https://medium.com/@doe2020/water"),
        Text("."),
    )


def test_typography_turns_dashes_and_quotes_into_their_proper_characters():
    assert parse_markdown('Water -- and "borders" ...') == (Paragraph((Text("Water – and “borders” …"),)),)


def test_parse_inline_gives_the_inline_nodes_of_one_line():
    assert parse_inline("Kazakhstan’s *OSCE* chairmanship") == (
        Text("Kazakhstan’s "),
        Emph((Text("OSCE"),)),
        Text(" chairmanship"),
    )


# ---------------------------------------------------------------- model -> Markdown

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from briefgen.markdown import inline_markdown  # noqa: E402

_PIECES = [*"abcXYZ019 .,;:!?-+=*_`[]()<>{}#@^~|&$\\\"'/%ÄЖλ", "--", "...", "(c)", "1. ", "@key", "[@a]", "^[n]"]
_HOSTILE = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=30).map(lambda p: " ".join("".join(p).split()))


@given(_HOSTILE.filter(bool))
def test_any_text_written_back_as_markdown_reads_back_as_the_same_text(text):
    blocks = parse_markdown(inline_markdown((Text(text),)))
    assert blocks == (Paragraph((Text(text),)),)


def test_inline_nodes_written_back_as_markdown_parse_to_the_same_nodes():
    source = (
        "As *shown* [see @iliad, p. 33; -@knuth:ct:a], **the** `co*de` and [a link](https://x.org/a?b=1&c=2)"
        " hold.^[A note citing @iliad.] Then @iliad says so."
    )
    nodes = parse_markdown(source)[0].children
    assert parse_markdown(inline_markdown(nodes))[0].children == nodes


def test_a_script_data_or_file_link_keeps_its_words_and_loses_its_target():
    blocks = parse_markdown(
        "See [the site](javascript:alert(1)), [a file](file:///etc/passwd) and [web](https://x.org)."
    )
    assert blocks == (
        Paragraph(
            (Text("See the site, a file and "), Link((Text("web"),), "https://x.org"), Text(".")),
        ),
    )


# ---------------------------------------------------------------- hostile nesting (issue 12)

import re  # noqa: E402

import pytest  # noqa: E402

from briefgen.errors import BriefError  # noqa: E402
from briefgen.markdown import stray_syntax  # noqa: E402
from briefgen.model import Superscript, blocks_text  # noqa: E402


def _depths(blocks, lists=0, frames=0) -> tuple[int, int, int]:
    """The deepest list, the deepest quote or box, and the deepest 2 * lists + frames in blocks."""
    deepest = (lists, frames, 2 * lists + frames)
    for block in blocks:
        inner = []
        if isinstance(block, ListBlock):
            inner = [_depths(item, lists + 1, frames) for item in block.items]
        elif isinstance(block, Quote | Box):
            inner = [_depths(block.blocks, lists, frames + 1)]
        for found in inner:
            deepest = tuple(max(a, b) for a, b in zip(deepest, found, strict=True))
    return deepest


NESTED_SUMMARY = (
    "".join("  " * i + f"- item{i} words{i}\n" for i in range(14))
    + "\n"
    + "".join(">" * (i + 1) + f" quote{i} words{i}\n\n" for i in range(25))
    + "Last paragraph.\n"
)


def test_lists_and_quotes_nested_deeper_than_writers_draw_keep_every_word():
    blocks = parse_markdown(NESTED_SUMMARY)
    text = blocks_text(blocks)

    for i in range(14):
        assert f"item{i} words{i}" in text
    for i in range(25):
        assert f"quote{i} words{i}" in text
    assert text.endswith("Last paragraph.")
    assert text.count("words") == 14 + 25
    # no deeper than the parser ever gave the writers (markdown-it's 20 levels, one for the paragraph),
    # and no more quotes in quotes than a PDF column can draw
    assert _depths(blocks) == (9, 12, 18)
    assert _depths(
        parse_markdown("".join("  " * i + f"- w{i}\n" for i in range(9)) + "  " * 9 + ">" * 20 + " q\n")
    ) == (
        9,
        1,
        19,
    )


def test_items_of_a_list_too_deep_go_on_as_items_of_the_deepest_list():
    md = "".join("  " * i + f"- w{i}\n" for i in range(11))

    deepest = parse_markdown(md)[0]
    for _ in range(8):
        deepest = deepest.items[-1][-1]
    assert [blocks_text(item) for item in deepest.items] == ["w8", "w9", "w10"]


def test_nesting_past_the_parsers_limit_keeps_its_words_as_text():
    md = ">" * 150 + " very deep words\n\nAfter.\n"

    blocks = parse_markdown(md)

    assert "very deep words" in blocks_text(blocks)
    assert blocks_text(blocks).endswith("After.")


def test_a_note_that_refers_to_itself_shows_a_plain_marker_inside():
    blocks = parse_markdown("Text[^1].\n\n[^1]: See [^1].\n")

    assert blocks == (
        Paragraph(
            (Text("Text"), Note((Paragraph((Text("See "), Superscript("1"), Text("."))),)), Text(".")),
        ),
    )


def test_notes_that_refer_to_each_other_nest_once_then_show_a_plain_marker():
    [para] = parse_markdown("A[^a] B[^b].\n\n[^a]: See [^b].\n\n[^b]: And [^a].\n")

    note_a = Note(
        (Paragraph((Text("See "), Note((Paragraph((Text("And "), Superscript("a"), Text("."))),)), Text("."))),)
    )
    note_b = Note(
        (Paragraph((Text("And "), Note((Paragraph((Text("See "), Superscript("b"), Text("."))),)), Text("."))),)
    )
    assert para.children == (Text("A"), note_a, Text(" B"), note_b, Text("."))
    assert stray_syntax("A[^a] B[^b].\n\n[^a]: See [^b].\n\n[^b]: And [^a].\n") == []


def test_a_self_referring_note_written_back_as_markdown_keeps_its_marker_text():
    [para] = parse_markdown("Text[^1].\n\n[^1]: See [^1].\n")
    assert inline_markdown(para.children) == "Text^[See 1.]."


DOUBLING_NOTES = "Text[^n0].\n\n" + "".join(f"[^n{i}]: Note [^n{i + 1}] and [^n{i + 1}].\n\n" for i in range(30))


def test_notes_that_multiply_through_each_other_are_an_error_not_a_hang():
    with pytest.raises(BriefError) as info:
        parse_markdown(DOUBLING_NOTES)
    assert "notes" in info.value.format_message()

    [(opener, advice)] = stray_syntax(DOUBLING_NOTES)
    assert opener == "[^" and DOUBLING_NOTES.find(opener) == 4
    assert re.search(r"notes refer to notes more than \d+ deep", advice)


def test_emphasis_nested_thousands_deep_keeps_its_words_without_recursing_that_deep():
    [para] = parse_markdown("*" * 3000 + "deep words" + "*" * 3000 + " after\n")

    depth, node = 0, para
    while len(node.children) and isinstance(node.children[0], Emph | Strong):
        depth, node = depth + 1, node.children[0]
    assert depth <= 20
    assert node.children == (Text("deep words"),)
    assert para.children[-1] == Text(" after")


def test_notes_that_multiply_without_going_deep_are_an_error_too():
    md = "Text[^n0].\n\n" + "".join(f"[^n{i}]: Note{f' [^n{i + 1}]' * 4}.\n\n" for i in range(8))

    with pytest.raises(BriefError) as info:
        parse_markdown(md)

    assert (
        info.value.format_message() == "briefgen: notes refer to notes so often that they make more than 10,000 notes"
    )


# ---------------------------------------------------------------- words in another language (issue 13)

from briefgen.model import Span  # noqa: E402


def test_a_bracketed_span_with_lang_is_a_span_in_that_language():
    [para] = parse_markdown("President Nazarbayev ([Нұрсұлтан *Назарбаев*]{lang=kk}) said so.")
    assert para.children == (
        Text("President Nazarbayev ("),
        Span((Text("Нұрсұлтан "), Emph((Text("Назарбаев"),))), "kk"),
        Text(") said so."),
    )


def test_a_link_with_lang_is_a_link_in_that_language():
    [para] = parse_markdown('Read [le rapport](https://osce.org/fr){lang="fr-CH"}.')
    assert para.children == (
        Text("Read "),
        Span((Link((Text("le rapport"),), "https://osce.org/fr"),), "fr-CH"),
        Text("."),
    )


def test_other_attributes_and_malformed_tags_keep_the_words_and_only_the_tag_is_reported():
    [para] = parse_markdown('[small caps]{.smallcaps} and [odd]{lang="kk KZ"} words')
    assert para.children == (Text("small caps and odd words"),)
    assert stray_syntax('[small caps]{.smallcaps} and [odd]{lang="kk KZ"} words') == [
        ('lang="kk KZ"', "'kk KZ' is not a language tag: write one like lang=kk, lang=sr-Latn or lang=zh-Hant")
    ]


def test_braces_that_were_not_read_as_a_language_are_reported_where_they_are():
    text = "a [@iliad]{lang=el} and [b]{lang='kk'}"
    [(opener, advice)] = stray_syntax(text)
    assert text.find(opener) == 9  # right after the citation
    assert "[words]{lang=kk}" in advice


def test_spans_written_back_as_markdown_parse_to_the_same_nodes():
    source = "A [Сәлем [*әлем*](https://kk.example)]{lang=kk-Cyrl} and [שלום]{lang=he}^[[中文]{lang=zh-Hant}] end"
    nodes = parse_markdown(source)[0].children
    assert any(isinstance(n, Span) and n.lang == "kk-Cyrl" for n in nodes)
    assert parse_markdown(inline_markdown(nodes))[0].children == nodes
