"""The plain-text writer, checked on small documents and on the sample brief: wrapped, marked, plain."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefgen.design import theme
from briefgen.markdown import parse_markdown
from briefgen.model import (
    Author,
    Block,
    Box,
    Citation,
    CiteItem,
    Document,
    Heading,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Quote,
    Rule,
    Strong,
    Table,
    Text,
)
from briefgen.style import Style
from briefgen.writers import Artifact, Assets
from briefgen.writers.text import write

from conftest import ROOT, SAMPLE

META = Metadata(title="Brief")
LONG_URL = "https://www.example.org/analytics/2007/12/01/kazakhstan-has-saved-the-osce-from-disappearance.html"


def render(*blocks: Block, meta: Metadata = META) -> tuple[Artifact, str]:
    artifact = write(Document(meta, blocks), theme(Style()), Assets())
    return artifact, artifact.data.decode("utf-8")


def body(*blocks: Block) -> list[str]:
    """The lines of the blocks alone: without the title above and the footer below."""
    _, text = render(*blocks)
    lines = text.split("\n")
    return lines[3:-3]  # "Brief", "=====", "" ... "", "Brief" (the footer), ""


def para(*texts: str) -> Paragraph:
    return Paragraph(tuple(Text(t) for t in texts))


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


# ---------------------------------------------------------------- the text as a whole


def test_the_artifact_is_utf8_plain_text_with_one_final_newline_and_no_trailing_spaces():
    artifact, text = render(para("One."), Quote((para("Quoted."), para("Again."))), para("Two."))
    assert artifact.media_type == "text/plain"
    assert text.endswith(".\n\nBrief\n") and "\r" not in text
    assert all(line == line.rstrip() for line in text.split("\n"))
    assert artifact.notes == 0


def test_the_header_has_marking_kicker_underlined_title_subtitle_and_byline_and_the_footer_ends():
    meta = Metadata(
        title="Kazakhstan and the OSCE",
        subtitle="Ten priorities for Central Asia",
        authors=(Author("Ann Author", "OSCE Academy"), Author("Bo Writer")),
        date=date(2010, 1, 15),
        organisation="Central Asia Security Programme",
        series="Policy Brief No. 3",
        marking="For official use",
    )
    _, text = render(para("Body."), meta=meta)
    assert text == (
        "FOR OFFICIAL USE\n\n"
        "Central Asia Security Programme · Policy Brief No.\u00a03\n\n"  # a number never apart from its label
        "Kazakhstan and the OSCE\n=======================\n\n"
        "Ten priorities for Central Asia\n\n"
        "Ann Author (OSCE Academy); Bo Writer · 15 January 2010\n\n"
        "Body.\n\n"
        "Policy Brief No. 3 · Kazakhstan and the OSCE\n"
    )


def test_a_cjk_title_is_underlined_to_its_display_width():
    _, text = render(meta=Metadata(title="哈萨克斯坦 OSCE"))
    title, underline = text.split("\n")[:2]
    assert title == "哈萨克斯坦 OSCE"
    assert underline == "=" * 15  # five wide characters, a space and four letters


def test_a_long_title_wraps_and_keeps_its_last_two_words_together():
    title = "Kazakhstan’s OSCE Chairmanship 2010 and after: where Astana can make a real difference"
    _, text = render(meta=Metadata(title=title))
    lines = text.split("\n")
    assert lines[:3] == [
        "Kazakhstan’s OSCE Chairmanship 2010 and after: where Astana can make a",
        "real difference",
        "=" * 70,
    ]
    assert "\u00a0" not in text


def test_greek_and_kazakh_text_survive():
    greek = "Η Αστάνα μπορεί να κάνει τη διαφορά στην Κεντρική Ασία."
    kazakh = "Қазақстан Республикасы ЕҚЫҰ-ға 2010 жылы төрағалық етеді."
    _, text = render(para(greek), para(kazakh), meta=Metadata(title="Қазақстан", language="kk"))
    assert text.startswith("Қазақстан\n=========\n")
    assert f"\n{greek}\n\n{kazakh}\n" in text


def test_the_same_document_gives_the_same_bytes():
    blocks = parse_markdown("# A\n\nText.^[A note.]\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n")
    assert render(*blocks)[0].data == render(*blocks)[0].data


# ---------------------------------------------------------------- wrapping


def test_paragraphs_wrap_at_72_like_textwrap_and_keep_a_long_url_whole():
    words = "Water is the region’s most combustible dispute, and the chair can open it up " * 3
    lines = body(Paragraph((Text(words + "as argued at "), Link((Text(LONG_URL),), LONG_URL), Text(". The end."))))
    expected = textwrap.wrap(
        f"{words}as argued at <{LONG_URL}>. The end.", 72, break_long_words=False, break_on_hyphens=False
    )
    assert lines == expected
    assert f"<{LONG_URL}>." in lines  # alone on its line, longer than 72 and whole
    assert all(len(line) <= 72 for line in lines if LONG_URL not in line)


_WORDS = st.lists(st.text("abcXYZ019-./", min_size=1, max_size=90), min_size=1, max_size=40).map(" ".join)


@given(_WORDS)
def test_latin_text_wraps_exactly_as_textwrap_without_breaking_words(text):
    assert body(para(text)) == textwrap.wrap(text, 72, break_long_words=False, break_on_hyphens=False)


def test_hyphenated_words_are_not_broken():
    lines = body(para("A " + "confidence-building " * 8 + "measure."))
    assert all(not line.endswith("-") for line in lines)
    assert " ".join(lines) == ("A " + "confidence-building " * 8 + "measure.")


def test_chinese_text_breaks_between_characters_but_never_before_a_full_stop():
    text = "中亚的水资源争端是该地区最具爆炸性的问题。" * 6
    lines = body(para(text))
    assert "".join(lines) == text
    assert all(width(line) <= 72 for line in lines)
    assert len(lines) > 1 and not any(line.startswith("。") for line in lines)


def test_a_line_break_starts_a_new_line():
    assert body(Paragraph((Text("Central Asia Security Programme"), LineBreak(), Text("Almaty")))) == [
        "Central Asia Security Programme",
        "Almaty",
    ]


def test_emphasis_strong_and_code_print_as_their_plain_text():
    lines = body(*parse_markdown("Some *stressed*, **strong** and `coded` words."))
    assert lines == ["Some stressed, strong and coded words."]


def test_a_code_block_is_indented_and_never_wrapped():
    code = "briefgen build briefs/kazakhstan-osce-2010.yaml -f txt -o out --audience practitioner --quiet"
    assert body(*parse_markdown(f"```\n{code}\n  second line\n```\n")) == [f"    {code}", "      second line"]


# ---------------------------------------------------------------- headings, lists, boxes


def test_a_level_1_heading_is_underlined_and_deeper_ones_are_their_text():
    assert body(*parse_markdown("# Summary\n\n## Central Asia\n\nText.")) == [
        "Summary",
        "-------",
        "",
        "Central Asia",
        "",
        "Text.",
    ]


def test_nested_lists_indent_by_two_and_continuation_lines_hang_under_the_text():
    markdown = (
        "- Water, borders and a regional arms build-up are Central Asia’s real security agenda.\n"
        "  - Water first\n"
        "    - Dams upstream\n"
        "- Borders next\n"
    )
    assert body(*parse_markdown(markdown)) == [
        "- Water, borders and a regional arms build-up are Central Asia’s real",
        "  security agenda.",
        "  - Water first",
        "    - Dams upstream",
        "- Borders next",
    ]


def test_an_ordered_list_starts_at_its_start():
    assert body(*parse_markdown("3. third step\n4. fourth step\n   - nested point\n")) == [
        "3. third step",
        "4. fourth step",
        "   - nested point",
    ]


def test_ten_numbers_or_more_are_right_aligned():
    items = tuple((para(f"Item {n}"),) for n in range(1, 12))
    lines = body(ListBlock(items, ordered=True))
    assert lines[0] == " 1. Item 1" and lines[9] == "10. Item 10" and lines[10] == "11. Item 11"


def test_a_loose_list_separates_its_items_with_a_blank_line():
    items = ((para("First."), para("More on first.")), (para("Second."),))
    assert body(ListBlock(items)) == ["- First.", "", "  More on first.", "", "- Second."]


def test_a_framed_box_has_a_bar_and_a_list_box_none():
    keymessages = Box(("keymessages",), (Paragraph((Strong((Text("Key messages"),)),)), *parse_markdown("- Water")))
    card = Box(("card", "high"), (Heading(3, (Text("CA-1 · Open a water forum"),)), para("Priority: High")))
    bibliography = Box(("bibliography",), (Heading(1, (Text("References"),)), para("Dubnov, A. 2008.")))
    assert body(keymessages, card, bibliography) == [
        "| Key messages",
        "|",
        "| - Water",
        "",
        "| CA-1 · Open a water forum",
        "|",
        "| Priority: High",
        "",
        "References",
        "----------",
        "",
        "Dubnov, A. 2008.",
    ]


def test_a_quote_is_marked_per_level_and_a_rule_is_centred():
    quote = Quote((para("Said once."), Quote((para("Said before."),))))
    assert body(quote, Rule()) == ["> Said once.", ">", ">> Said before.", "", " " * 33 + "* * *"]


def test_a_reference_hangs_by_four():
    entry = "Zagorski, Andrei. “Kazakhstan’s Chairmanship Bid: A Balance Sheet of Pros and Cons.” Geneva, 2007."
    assert body(Paragraph((Text(entry),), role="bibliography")) == [
        "Zagorski, Andrei. “Kazakhstan’s Chairmanship Bid: A Balance Sheet of",
        "    Pros and Cons.” Geneva, 2007.",
    ]


# ---------------------------------------------------------------- tables


def test_a_table_that_fits_is_aligned_under_a_dashed_rule_with_right_alignment():
    table = parse_markdown(
        "| No. | Action | Cost |\n|---|---|--:|\n| R1 | Open a water forum | 1200 |\n| R2 | Talk | 80 |\n"
    )
    assert body(*table) == [
        "No.  Action              Cost",
        "---  ------------------  ----",
        "R1   Open a water forum  1200",
        "R2   Talk                  80",
    ]


def test_a_table_too_wide_becomes_header_value_lines():
    action = "Promote regional economic reconstruction linking Afghanistan and Central Asia"
    table = Table(
        header=((Text("No."),), (Text("Action"),), (Text("Priority"),)),
        rows=(((Text("AF-1"),), (Text(action),), (Text("Medium"),)), ((Text("AF-2"),), (), (Text("Low"),))),
    )
    assert body(table) == [
        "No.: AF-1",
        "Action: Promote regional economic reconstruction linking Afghanistan and",
        "  Central Asia",
        "Priority: Medium",
        "",
        "No.: AF-2",
        "Priority: Low",  # an empty cell is left out
    ]


# ---------------------------------------------------------------- links and notes


@pytest.mark.parametrize(
    ("text", "url", "shown"),
    [
        ("the report", "https://osce.org/r", "the report <https://osce.org/r>"),
        ("https://osce.org/r", "https://osce.org/r", "<https://osce.org/r>"),
        ("write to us", "mailto:briefs@example.org", "write to us <mailto:briefs@example.org>"),
        ("briefs@example.org", "mailto:briefs@example.org", "<briefs@example.org>"),
        ("click here", "javascript:alert(1)", "click here"),
        ("the file", "file:///etc/passwd", "the file"),
        ("the annex", "#annex", "the annex"),
        ("the annex", "annex.pdf", "the annex"),
    ],
)
def test_web_and_mail_links_show_their_address_and_other_links_only_their_text(text, url, shown):
    assert body(Paragraph((Text("See "), Link((Text(text),), url), Text(".")))) == [f"See {shown}."]


def test_notes_are_numbered_and_listed_at_the_end_with_a_note_in_a_note_after_the_others():
    inner = Note((para("The inner note."),))
    first = Note((Paragraph((Text("See the annex."), inner)),))
    second = Note((para("A second note whose text is long enough to wrap onto a second line of the list."),))
    link = Link((Text("the forum"), Note((para("Linked note."),))), "https://osce.org/forum")
    artifact, text = render(
        Paragraph((Text("Claim."), first, Text(" More."), second, Text(" At "), link, Text("."))),
        Paragraph((Text("Two at once."), Note((para("A."),)), Note((para("B."),)))),
    )
    assert "Claim.[1] More.[2] At the forum <https://osce.org/forum>[3].\n\nTwo at once.[4],[5]\n" in text
    notes = text.split("\nNotes\n-----\n\n", 1)[1]
    assert notes == (
        "[1] See the annex.[6]\n\n"
        "[2] A second note whose text is long enough to wrap onto a second line\n"
        "    of the list.\n\n"
        "[3] Linked note.\n\n"
        "[4] A.\n\n"
        "[5] B.\n\n"
        "[6] The inner note.\n\n"
        "Brief\n"
    )
    assert artifact.notes == 6


def test_the_notes_label_is_the_styles():
    style = Style(labels={**Style().labels, "notes": "Anmerkungen"})
    artifact = write(Document(META, (Paragraph((Text("Satz."), Note((para("Quelle."),)))),)), theme(style), Assets())
    assert "\nAnmerkungen\n-----------\n\n[1] Quelle.\n" in artifact.data.decode()


# ---------------------------------------------------------------- what the writer refuses


@pytest.mark.parametrize(
    "node",
    [object(), Paragraph((Citation((CiteItem("zagorski2009"),)),)), Paragraph((object(),))],  # type: ignore[arg-type]
    ids=["unknown block", "unresolved citation", "unknown inline"],
)
def test_unknown_nodes_are_refused(node):
    with pytest.raises(TypeError, match="text writer"):
        render(node)


# ---------------------------------------------------------------- the sample brief


@pytest.fixture(scope="module")
def practitioner_text() -> tuple[str, list[str]]:
    """The sample brief as the practitioner's plain text, and the titles of its recommendations."""
    from briefgen.audience import load_audiences, search_path
    from briefgen.bibliography import load_bibliography
    from briefgen.build import build
    from briefgen.loader import load_brief

    roots = search_path(ROOT / "templates")
    refs = load_bibliography(ROOT / "references.bib")
    brief = load_brief(SAMPLE, keys=refs)
    [output] = build(brief, load_audiences(["practitioner"], roots), ["txt"], roots, refs)
    return output.data.decode("utf-8"), [rec.title for group in brief.groups for rec in group.items]


def test_the_sample_names_every_recommendation(practitioner_text):
    text, titles = practitioner_text
    flat = re.sub(r"\n[|> ]*", " ", text)  # lines joined, box bars and indents gone
    assert len(titles) == 10
    for title in titles:
        assert title in flat


def test_no_line_of_the_sample_is_longer_than_72_unless_it_holds_one_unbreakable_word(practitioner_text):
    text, _ = practitioner_text
    long_lines = [line for line in text.split("\n") if width(line) > 72]
    assert long_lines  # the sample has URLs longer than a line
    for line in long_lines:
        word = re.sub(r"^[|> ]*(\[\d+\] +)?", "", line)  # the box bar, quote marks, a note's marker
        assert " " not in word, line
        assert word.startswith("<http"), line


def test_the_sample_is_plain_text_with_notes_and_references(practitioner_text):
    text, _ = practitioner_text
    assert text.startswith("Central Asia Security Programme · Policy Brief No.\u00a03\n\n")
    assert "\nReferences\n----------\n" in text and "\nNotes\n-----\n" in text
    assert "| - Water, borders and a regional arms build-up" in text  # the key messages box
    assert "Contact:\u00a0Central Asia Security Programme · <briefs@example.org>" in text
    assert not re.search(r"\*\*|__|`|\]\(|^#", text, flags=re.M)  # no Markdown shows


def test_the_writer_is_registered_as_txt():
    from briefgen.writers import FORMATS, writer

    assert FORMATS["txt"].media_type == "text/plain" and writer("txt") is write


def test_words_in_another_language_are_just_their_words():
    _, out = render(*parse_markdown("Astana ([Астана *қаласы*]{lang=kk}) and [Genève](https://e.org){lang=fr}."))
    assert "Astana (Астана қаласы) and Genève <https://e.org>." in out
