"""The HTML writer, checked on small documents: strict HTML5, self-contained, escaped, linked, themed."""

from __future__ import annotations

import base64
import itertools
import re
from dataclasses import replace
from datetime import date
from xml.etree.ElementTree import Element

import html5lib
import pytest

from briefgen.design import theme
from briefgen.markdown import parse_markdown
from briefgen.model import (
    Author,
    Citation,
    CiteItem,
    Document,
    Link,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Text,
)
from briefgen.style import Colours, Fonts, Page, Style
from briefgen.writers import Artifact, Assets
from briefgen.writers.html import write

BRIEF = """\
::: keymessages
**Key messages**

- Water is the real agenda.
- Borders come next.
:::

# Summary

Astana can make a difference.^[Zagorski 2009, p. 3.] A second claim.^[See the annex.]

## Regional security

Use the chair to open the hardest questions.

::: card high
### R1 · Open a water forum

**Priority:** High · **Who:** OSCE Chairmanship

Water is the region's most combustible dispute.^[Four treaties since 1991.]
:::

::: card low
### R2 · Harmonise activities

**Priority:** Low
:::

# Overview

| No. | Action | Priority |
|---|---|---|
| R1 | Open a water forum | High |
| R2 | Harmonise activities | Low |

3. third step
4. fourth step
   - nested point

> A quoted line.

---

```
code <sample> & more
```

::: bibliography
# References
:::
"""

META = Metadata(
    title="Kazakhstan and the OSCE",
    subtitle="Ten priorities for Central Asia",
    authors=(Author("Ann Author", "OSCE Academy"), Author("Bo Writer")),
    date=date(2010, 1, 15),
    organisation="Central Asia Security Programme",
    series="Policy Brief No. 3",
    language="en",
    keywords=("OSCE", "Kazakhstan"),
    audience="practitioner",
)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def render(
    blocks: tuple | None = None, meta: Metadata = META, style: Style | None = None, assets: Assets | None = None
) -> tuple[Artifact, str]:
    doc = Document(meta, parse_markdown(BRIEF) if blocks is None else blocks)
    artifact = write(doc, theme(style or Style()), assets or Assets())
    return artifact, artifact.data.decode("utf-8")


def parse(page: str) -> Element:
    """The page as a tree; strict: any HTML5 parse error fails the test."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)


def text(element: Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def css(page: str) -> str:
    return page.split("<style>", 1)[1].split("</style>", 1)[0]


def by_id(root: Element) -> dict[str, Element]:
    return {el.get("id"): el for el in root.iter() if el.get("id")}


# ---------------------------------------------------------------- structure and metadata


def test_the_page_is_strict_html5_with_landmarks_in_order():
    artifact, page = render()
    root = parse(page)

    assert page.startswith("<!DOCTYPE html>\n")
    assert artifact.media_type == "text/html"
    assert root.get("lang") == "en"
    body = root.find("body")
    assert [el.tag for el in body] == ["header", "main", "section", "footer"]
    notes = body[2]
    assert notes.get("role") == "doc-endnotes"
    assert text(notes.find("h2")) == "Notes"
    assert text(body.find("footer")) == "Policy Brief No. 3 · Kazakhstan and the OSCE"


def test_the_head_carries_charset_title_and_metadata():
    _, page = render()
    head = parse(page).find("head")

    assert head[0].tag == "meta" and head[0].get("charset") == "utf-8"
    assert text(head.find("title")) == "Kazakhstan and the OSCE"
    metas = {m.get("name"): m.get("content") for m in head.iter("meta") if m.get("name")}
    assert metas == {
        "viewport": "width=device-width, initial-scale=1",
        "author": "Ann Author; Bo Writer",
        "description": "Ten priorities for Central Asia",
        "keywords": "OSCE, Kazakhstan",
        "generator": "briefgen",
    }
    assert len(head.findall("style")) == 1


def test_the_header_holds_kicker_title_subtitle_and_byline():
    _, page = render(meta=replace(META, marking="For official use"))
    header = parse(page).find("body/header")

    assert [text(h) for h in header.iter("h1")] == ["Kazakhstan and the OSCE"]
    kicker, subtitle, marking, byline = (
        header.find(f".//p[@class='{c}']") for c in ("kicker", "subtitle", "marking", "byline")
    )
    assert text(kicker) == "Central Asia Security Programme · Policy Brief No. 3"
    assert text(subtitle) == "Ten priorities for Central Asia"
    assert text(marking) == "For official use"
    assert text(byline) == "Ann Author (OSCE Academy); Bo Writer · 15 January 2010"
    assert ".kicker {" in css(page) and "text-transform: uppercase" in css(page)


def test_an_empty_document_is_still_a_valid_page():
    artifact, page = render((), meta=Metadata(title="Only a title"))
    body = parse(page).find("body")
    assert artifact.notes == 0
    assert [el.tag for el in body] == ["header", "main", "footer"]
    assert [el.tag for el in body.find("header")] == ["div"]  # the band: no marking, no byline
    assert text(body.find("footer")) == "Only a title"


def test_the_language_is_the_documents():
    _, page = render(meta=Metadata(title="Қазақстан", language="kk"))
    root = parse(page)
    assert root.get("lang") == "kk"
    assert text(root.find("head/title")) == "Қазақстан"


# ---------------------------------------------------------------- self-contained


def test_the_page_makes_no_requests_and_embeds_the_logo():
    _, page = render(assets=Assets(logo=PNG, logo_type="image/png"))
    root = parse(page)

    assert "<script" not in page.lower()
    assert 'src="http' not in page and "<link" not in page
    assert "@import" not in page and "url(" not in page
    [img] = root.iter("img")
    assert img.get("src").startswith("data:image/png;base64,")
    assert base64.b64decode(img.get("src").split(",", 1)[1]) == PNG
    assert img.get("alt") == "Central Asia Security Programme"
    assert root.find(".//div[@class='band']/img") is img


def test_a_logo_without_an_organisation_is_described_as_logo():
    _, page = render(meta=Metadata(title="T"), assets=Assets(logo=PNG, logo_type="image/png"))
    [img] = parse(page).iter("img")
    assert img.get("alt") == "Logo"


# ---------------------------------------------------------------- content


def test_every_heading_cell_list_item_and_note_of_the_input_appears():
    _, page = render()
    root = parse(page)
    all_text = text(root)

    headings = [text(h) for level in range(2, 7) for h in root.iter(f"h{level}")]
    for heading in ("Summary", "Regional security", "R1 · Open a water forum", "Overview", "References"):
        assert heading in headings
    cells = [text(c) for c in root.iter("td")]
    assert cells == ["R1", "Open a water forum", "High", "R2", "Harmonise activities", "Low"]
    assert [(th.get("scope"), text(th)) for th in root.iter("th")] == [
        ("col", "No."),
        ("col", "Action"),
        ("col", "Priority"),
    ]
    table = root.find(".//table")
    assert [child.tag for child in table] == ["thead", "tbody"]
    for phrase in ("Water is the real agenda.", "third step", "nested point", "A quoted line.", "code <sample> & more"):
        assert phrase in all_text
    notes = [text(li) for li in root.findall(".//section[@role='doc-endnotes']/ol/li")]
    assert notes == ["Zagorski 2009, p. 3. ↩︎", "See the annex. ↩︎", "Four treaties since 1991. ↩︎"]


def test_headings_follow_the_title_without_skipping_a_level():
    _, page = render()
    root = parse(page)
    levels = [int(el.tag[1]) for el in root.iter() if re.fullmatch(r"h[1-6]", str(el.tag))]

    assert levels[:3] == [1, 2, 3]  # title, "# Summary", "## Regional security"
    assert levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_deep_headings_stop_at_h6():
    _, page = render(parse_markdown("# a\n\n## b\n\n### c\n\n#### d\n\n##### e\n\n###### f\n"))
    root = parse(page)
    assert [text(h) for h in root.iter("h6")] == ["e", "f"]


def test_blocks_get_their_elements():
    _, page = render()
    root = parse(page)
    main = root.find("body/main")

    [ol] = main.iter("ol")
    assert ol.get("start") == "3"
    assert text(ol.find("li/ul/li")) == "nested point"
    assert text(main.find(".//blockquote")) == "A quoted line."
    assert main.find(".//hr") is not None
    assert text(main.find(".//pre/code")) == "code <sample> & more"
    assert main.find(".//div[@class='bibliography']/h2") is not None  # a list box has no frame


def test_cards_are_articles_with_their_priority_in_text_and_colour():
    _, page = render()
    root = parse(page)
    cards = root.findall(".//main//article")

    assert [c.get("class") for c in cards] == ["card card-high", "card card-low"]
    assert "Priority: High" in text(cards[0]) and "Priority: Low" in text(cards[1])  # never colour alone
    assert ".card.card-high { border-left: 3pt solid #A93226; background-color: #F7F8FA }" in css(page)
    assert ".card.card-low { border-left: 3pt solid #3C7A4A; background-color: #F7F8FA }" in css(page)
    assert ".card.card-medium" not in css(page)  # only the looks the page uses
    [box] = root.findall(".//main/section")
    assert box.get("class") == "box keymessages"
    assert ".box.keymessages { border-left: 3pt solid #1F4E79; background-color: #EAF1F8 }" in css(page)


def test_bibliography_paragraphs_hang_and_a_short_intro_keeps_with_its_card():
    blocks = (
        Paragraph((Text("Doe, J. 2020. A work."),), role="bibliography"),
        Paragraph((Text("small print"),), role="small"),
    )
    _, page = render(parse_markdown(BRIEF) + blocks)
    root = parse(page)

    assert text(root.find(".//p[@class='bibliography']")) == "Doe, J. 2020. A work."
    assert text(root.find(".//p[@class='small']")) == "small print"
    assert re.search(r"\.bibliography \{[^}]*padding-left: 16\.8pt; text-indent: -16\.8pt", css(page))
    intro = root.find(".//p[@class='keep-with-next']")
    assert text(intro) == "Use the chair to open the hardest questions."


# ---------------------------------------------------------------- footnotes


def test_footnote_markers_and_notes_link_to_each_other():
    artifact, page = render()
    root = parse(page)
    ids = by_id(root)
    refs = [a for a in root.iter("a") if a.get("role") == "doc-noteref"]

    assert artifact.notes == 3
    assert [text(a) for a in refs] == ["1", "2", "3"]
    for n, ref in enumerate(refs, 1):
        assert ref.get("href") == f"#fn{n}" and ref.get("id") == f"fnref{n}"
        note = ids[f"fn{n}"]
        assert note.tag == "li"
        [back] = [a for a in note.iter("a") if a.get("role") == "doc-backlink"]
        assert back.get("href") == f"#fnref{n}"
        assert back.get("aria-label") == f"Back to note {n} in the text"
    assert ref in root.find(".//main//article").iter("a")  # the third marker is in the card
    assert [li.get("id") for li in root.findall(".//section[@role='doc-endnotes']/ol/li")] == ["fn1", "fn2", "fn3"]


def test_ids_are_unique():
    _, page = render()
    ids = [el.get("id") for el in parse(page).iter() if el.get("id")]
    assert ids and len(ids) == len(set(ids))


def test_a_page_without_notes_has_no_notes_section():
    artifact, page = render(parse_markdown("# Summary\n\nNo notes here.\n"))
    assert artifact.notes == 0
    assert "doc-endnotes" not in page
    assert [el.tag for el in parse(page).find("body")] == ["header", "main", "footer"]


def test_a_note_holding_a_list_is_flattened_to_paragraphs():
    note = Note((Paragraph((Text("First."),)), ListBlock(((Paragraph((Text("one"),)),), (Paragraph((Text("two"),)),)))))
    _, page = render((Paragraph((Text("Claim"), note)),))
    [li] = parse(page).findall(".//section[@role='doc-endnotes']/ol/li")
    assert [text(p) for p in li.findall("p")] == ["First.", "one two ↩︎"]


def test_a_note_inside_a_link_is_placed_after_it_so_links_never_nest():
    para = Paragraph(
        (Link((Text("the report"), Note((Paragraph((Text("Published 2009."),)),))), "https://example.org"),)
    )
    _, page = render((para,))
    root = parse(page)  # a nested <a> would be a parse error
    [link] = [a for a in root.iter("a") if a.get("href") == "https://example.org"]
    assert text(link) == "the report"
    assert '<a href="https://example.org">the report</a><sup><a href="#fn1"' in page


# ---------------------------------------------------------------- hostile text


def test_hostile_text_is_escaped_and_unsafe_links_are_printed_as_text():
    meta = Metadata(
        title="<script>alert(1)</script>",
        subtitle='"quotes" & ampersands',
        organisation="</style><script>alert(2)</script>",
        keywords=('a"b',),
    )
    blocks = (
        Paragraph((Text('<script>alert(3)</script> "quotes" & <b>ampersands</b>'),)),
        Paragraph((Link((Text("click"),), "javascript:alert(4)"),)),
        Paragraph((Link((Text("data"),), "data:text/html,<script>alert(5)</script>"),)),
        Paragraph((Link((Text("file"),), "file:///etc/passwd"),)),
        Paragraph((Link((Text("web"),), 'https://example.org/?a=1&b="2"'),)),
        Paragraph((Link((Text("mail"),), "mailto:desk@example.org"),)),
        Paragraph((Link((Text("top"),), "#fn1"),)),
    )
    _, page = render(blocks, meta=meta, style=Style(header="{organisation}"), assets=Assets(logo=PNG))
    root = parse(page)

    assert "<script" not in page.lower()
    assert "javascript:" not in page and "file:" not in page
    assert not any(a.get("href").startswith("data:") for a in root.iter("a"))
    assert text(root.find("head/title")) == "<script>alert(1)</script>"
    assert text(root.find(".//h1")) == "<script>alert(1)</script>"
    assert text(root.find(".//p[@class='subtitle']")) == '"quotes" & ampersands'
    assert text(root.find("body/main/p")) == '<script>alert(3)</script> "quotes" & <b>ampersands</b>'
    assert root.find("body/main/p/b") is None
    hrefs = [a.get("href") for a in root.find("body/main").iter("a")]
    assert hrefs == ['https://example.org/?a=1&b="2"', "mailto:desk@example.org", "#fn1"]
    assert [text(p) for p in root.findall("body/main/p")][1:4] == ["click", "data", "file"]
    assert [img.get("alt") for img in root.iter("img")] == ["</style><script>alert(2)</script>"]
    assert 'content="a&quot;b"' in page
    # the running header in the print stylesheet cannot close the <style> element
    assert "</" not in css(page)
    assert '@top-left { content: "\\00003c/style\\00003e\\00003cscript\\00003e' in css(page)


def test_unknown_nodes_fail_loudly():
    citation = Citation((CiteItem("doe2020"),))
    with pytest.raises(TypeError, match="Citation"):
        render((Paragraph((Text("x"), citation)),))
    with pytest.raises(TypeError, match="str"):
        render(("not a block",))


# ---------------------------------------------------------------- theme and determinism


def test_the_theme_drives_the_stylesheet():
    _, default = render()
    style = Style(
        page=Page(size="Letter", margins=(10.0, 12.0, 14.0, 16.0)),
        fonts=Fonts(body="sans", headings="serif", size=12.0),
        colours=Colours(accent="#123456", text="#222222", high="#990000"),
    )
    _, themed = render(style=style)

    body_rule = re.search(r"^body \{[^}]*\}", css(themed), re.M).group(0)
    assert 'font-family: "Noto Sans", "Helvetica Neue", Arial, sans-serif' in body_rule
    assert "font-size: 12pt" in body_rule and "color: #222222" in body_rule
    h2_rule = re.search(r"^h2 \{[^}]*\}", css(themed), re.M).group(0)
    assert 'font-family: "Noto Serif", Georgia' in h2_rule and "color: #123456" in h2_rule
    assert ".card.card-high { border-left: 3pt solid #990000" in css(themed)
    assert "size: letter; margin: 10.0mm 12.0mm 14.0mm 16.0mm" in css(themed)
    assert css(themed).count("{") == css(themed).count("}")
    assert "#123456" not in css(default)
    assert 'font-family: "Noto Serif", Georgia, "Times New Roman", serif; font-size: 10.5pt' in css(default)
    assert "size: A4; margin: 20.0mm 20.0mm 22.0mm 20.0mm" in css(default)


def test_the_print_stylesheet_has_running_text_and_page_numbers():
    meta = replace(META, marking="For official use")
    _, page = render(meta=meta, style=Style(labels={"page": "Seite", "of": "von"}))
    sheet = css(page)
    assert '@top-left { content: "Central Asia Security Programme"' in sheet
    assert '@top-right { content: "FOR OFFICIAL USE"' in sheet
    assert '@bottom-right { content: "Seite " counter(page) " von " counter(pages)' in sheet
    assert "@page :first { @top-left { content: none }" in sheet


def test_the_same_input_gives_the_same_bytes():
    assets = Assets(logo=PNG, logo_type="image/png")
    first, _ = render(assets=assets)
    second, _ = render(assets=assets)
    assert first.data == second.data
    assert first == second


# ---------------------------------------------------------------- the sample brief, every audience


def _sample_documents():
    from briefgen.audience import load_audiences, search_path
    from briefgen.bibliography import load_bibliography
    from briefgen.build import to_document
    from briefgen.loader import load_brief

    from conftest import ROOT, SAMPLE

    roots = search_path(ROOT / "templates")
    refs = load_bibliography(ROOT / "references.bib")
    brief = load_brief(SAMPLE, known_keys=lambda _declared: refs)
    return [(a, to_document(brief, a, roots, refs)[0]) for a in load_audiences(None, roots)]


def _collect(blocks, found: dict[str, list[str]]) -> None:
    from briefgen.model import Box, Heading, ListBlock, Note, Paragraph, Quote, plain_text

    def inlines(nodes):
        for node in nodes:
            if isinstance(node, Note):
                found["notes"].append(" ".join(plain_text(b.children) for b in node.blocks))
            elif hasattr(node, "children"):
                inlines(node.children)

    for block in blocks:
        if isinstance(block, Heading) and block.level == 3:
            found["titles"].append(plain_text(block.children))
        if isinstance(block, Paragraph) and block.role == "bibliography":
            found["references"].append(plain_text(block.children))
        if isinstance(block, Heading | Paragraph):
            inlines(block.children)
        elif isinstance(block, Box | Quote):
            _collect(block.blocks, found)
        elif isinstance(block, ListBlock):
            for item in block.items:
                _collect(item, found)


@pytest.mark.parametrize("audience, document", _sample_documents(), ids=lambda x: getattr(x, "name", ""))
def test_every_sample_page_is_valid_and_holds_every_title_note_and_reference(audience, document):
    from briefgen.writers import writer

    artifact = writer("html")(document, audience.theme, audience.assets)
    page = artifact.data.decode("utf-8")
    root = parse(page)
    found: dict[str, list[str]] = {"titles": [], "notes": [], "references": []}
    _collect(document.blocks, found)
    body = text(root)
    for kind, items in found.items():
        for item in items:
            assert re.sub(r"\s+", " ", item).strip() in body, f"{audience.name}: {kind} missing: {item[:60]}"
    assert artifact.notes == len(found["notes"]) == writer("pdf")(document, audience.theme, audience.assets).notes
    if audience.name in ("practitioner", "academic"):
        assert found["titles"] and found["references"]
    assert "<script" not in page and "http" not in css(page)
