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
