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
from briefgen.writers.html.email import email_html
from briefgen.writers.html.page import write

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


def test_words_in_another_language_are_a_span_with_lang_and_right_to_left_ones_with_dir():
    blocks = parse_markdown("Astana ([Астана]{lang=kk}), [שלום *עולם*]{lang=he} and [Paris](https://e.org){lang=fr}.")
    for page in (render(blocks)[1], email_html(Document(META, blocks), theme(Style()))):
        spans = {text(s): (s.get("lang"), s.get("dir")) for s in parse(page).iter("span") if s.get("lang")}
        assert spans == {"Астана": ("kk", None), "שלום עולם": ("he", "rtl"), "Paris": ("fr", None)}


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
    assert hrefs == ["https://example.org/?a=1&b=%222%22", "mailto:desk@example.org", "#fn1"]  # quoted as browsers do
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
    h2_rule = re.search(r"^h2, \._h2 \{[^}]*\}", css(themed), re.M).group(0)
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
    from briefgen.build import for_this_brief, to_document
    from briefgen.loader import load_brief

    from conftest import ROOT, SAMPLE

    roots = search_path(ROOT / "templates")
    refs = load_bibliography(ROOT / "references.bib")
    brief = load_brief(SAMPLE, keys=refs)
    return [(a, to_document(brief, a, roots, refs)[0]) for a in load_audiences(None, roots) if for_this_brief(a, brief)]


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


# ---------------------------------------------------------------- the email body (text/html part)

ACCENT, KEY_FILL, CARD_FILL = "#1F4E79", "#EAF1F8", "#F7F8FA"
TEXT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "pre")
NO_MAIL_ELEMENTS = ("style", "img", "script", "link", "iframe", "object", "embed", "form", "input", "svg", "base")
HOSTILE_LINKS = (
    Paragraph((Link((Text("click"),), "javascript:alert(4)"),)),
    Paragraph((Link((Text("data"),), "data:text/html,<script>alert(5)</script>"),)),
    Paragraph((Link((Text("file"),), "file:///etc/passwd"),)),
    Paragraph((Link((Text("web"),), "https://example.org/report?q=<b>"),)),
    Paragraph((Link((Text("mail"),), "mailto:desk@example.org"),)),
)


def render_email(blocks: tuple | None = None, meta: Metadata = META, style: Style | None = None) -> tuple[str, Element]:
    """The mail's HTML and its strict parse, scanned for leaked syntax like every writer output."""
    from leaks import leaks_in

    doc = Document(meta, parse_markdown(BRIEF) if blocks is None else blocks)
    mail = email_html(doc, theme(style or Style()))
    assert not leaks_in(mail.encode("utf-8"), "text/html")
    return mail, parse(mail)


def elements(root: Element) -> list[Element]:
    return [el for el in root.iter() if isinstance(el.tag, str)]  # not comments


def style_of(element: Element) -> str:
    return element.get("style") or ""


def cell_of_box(root: Element, classes: str) -> Element:
    [cell] = [td for td in root.iter("td") if td.get("class") == classes]
    return cell


def test_the_mail_is_a_complete_document_with_a_mail_head():
    mail, root = render_email()
    head = root.find("head")

    assert mail.startswith("<!DOCTYPE html>")
    assert root.get("lang") == "en" and root.get("dir") == "ltr"
    assert head[0].tag == "meta" and head[0].get("charset") == "utf-8"
    metas = {m.get("name"): m.get("content") for m in head.iter("meta") if m.get("name")}
    assert metas["viewport"] == "width=device-width, initial-scale=1"
    assert metas["color-scheme"] == "light"
    assert "x-apple-disable-message-reformatting" in metas
    assert text(head.find("title")) == "Kazakhstan and the OSCE"
    body_style = style_of(root.find("body"))
    assert "margin: 0" in body_style and "background-color: #FFFFFF" in body_style
    [wrapper] = root.find("body")  # language and direction survive a client that strips <html> and <body>
    assert (wrapper.get("role"), wrapper.get("lang"), wrapper.get("dir")) == ("article", "en", "ltr")


def test_every_style_is_inline_and_every_text_element_carries_its_font():
    mail, root = render_email()

    assert "<style" not in mail and root.find(".//style") is None
    shown = [el for el in elements(root.find("body")) if el.tag in TEXT_TAGS and text(el)]
    assert {el.tag for el in shown} >= {"p", "h1", "h2", "h3", "li", "td", "th", "pre"}
    for el in shown:
        assert "font-family:" in style_of(el) and "font-size:" in style_of(el), (el.tag, text(el)[:40])
        assert "line-height:" in style_of(el) and "mso-line-height-rule: exactly" in style_of(el)
    all_styles = " ".join(style_of(el) for el in elements(root))
    for unsupported in ("display: flex", "var(", "calc(", "max(", "position:", "@font-face", "url("):
        assert unsupported not in all_styles
    summary = next(h for h in root.iter("h2") if text(h) == "Summary")
    assert f"color: {ACCENT}" in style_of(summary) and "font-weight: 700" in style_of(summary)


def test_the_mail_makes_no_requests_runs_nothing_and_links_only_the_web_and_mail():
    meta = replace(META, title="<script>alert(1)</script>", subtitle='"quotes" & ampersands', language='en"><b')
    mail, root = render_email(parse_markdown(BRIEF) + HOSTILE_LINKS, meta=meta)
    everything = elements(root)
    web = "https://example.org/report?q=%3Cb%3E"  # the same address a browser requests

    assert not [el.tag for el in everything if el.tag in NO_MAIL_ELEMENTS]
    assert not [name for el in everything for name in el.attrib if name.lower().startswith("on")]
    hrefs = [a.get("href") for a in root.iter("a")]
    assert [h for h in hrefs if not h.startswith("#")] == [web, "mailto:desk@example.org"]
    assert {h for h in hrefs if h.startswith("#")} == {"#fn1", "#fn2", "#fn3", "#fnref1", "#fnref2", "#fnref3"}
    urls = [v for el in everything for v in el.attrib.values() if v.lower().startswith(("http", "//", "data:"))]
    assert urls == [web]
    # css_inline leaves < and > raw in attribute values: none may hold them
    assert not [v for el in everything for v in el.attrib.values() if "<" in v or ">" in v]
    assert root.get("lang") == "und"
    assert "javascript:" not in mail and "file:" not in mail and "data:" not in mail and "<script" not in mail
    assert [text(p) for p in root.iter("p") if text(p) in ("click", "data", "file")] == ["click", "data", "file"]
    assert text(root.find("head/title")) == "<script>alert(1)</script>"
    assert text(root.find(".//h1")) == "<script>alert(1)</script>"
    assert '"quotes" & ampersands' in text(root)


def test_the_layout_is_a_centred_640_pixel_column_of_presentation_tables():
    mail, root = render_email()
    layout = [t for t in root.iter("table") if t.get("role") == "presentation"]

    outer = layout[0]
    assert (outer.get("width"), outer.get("bgcolor")) == ("100%", "#FFFFFF")
    [column] = [t for t in layout if t.get("width") == "640"]
    assert column.get("align") == "center"
    assert "width: 100%" in style_of(column) and "max-width: 640px" in style_of(column)
    for table in layout:
        assert (table.get("cellpadding"), table.get("cellspacing"), table.get("border")) == ("0", "0", "0")
    # Outlook, which ignores max-width, gets a fixed 640 px table in a comment only it reads
    assert re.search(r'<!--\[if mso\]><table [^>]*width="640"', mail)
    assert root.find(".//hr") is None  # a rule is a cell's top border
    assert "border-top:" in style_of(root.find(".//table[@class='_rule']//td"))


def test_the_title_band_and_boxes_are_one_cell_tables_whose_cell_carries_fill_bar_and_padding():
    _, root = render_email()

    band = next(td for td in root.iter("td") if td.find("h1") is not None)
    assert band.get("bgcolor") == ACCENT and f"background-color: {ACCENT}" in style_of(band)
    assert "padding:" in style_of(band)
    assert "color: #FFFFFF" in style_of(band.find("h1"))
    assert text(band) == "Central Asia Security Programme · Policy Brief No. 3 Kazakhstan and the OSCE " + (
        "Ten priorities for Central Asia"
    )
    looks = {
        "box keymessages": (KEY_FILL, "#1F4E79", "Water is the real agenda."),
        "card card-high": (CARD_FILL, "#A93226", "Priority: High"),
        "card card-low": (CARD_FILL, "#3C7A4A", "Priority: Low"),
    }
    for classes, (fill, bar, phrase) in looks.items():
        cell = cell_of_box(root, classes)
        table = [t for t in root.iter("table") if cell in list(t.iter("td"))][-1]  # the innermost
        assert table.get("role") == "presentation"
        assert [len(tr.findall("td")) for tr in table.iter("tr")] == [1]  # one cell
        assert cell.get("bgcolor") == fill
        assert f"background-color: {fill}" in style_of(cell)
        assert f"border-left: 3pt solid {bar}" in style_of(cell)
        assert "padding-left: 12pt" in style_of(cell) and "padding-top: 8pt" in style_of(cell)
        assert phrase in text(cell)  # a card's priority is in its words, never in colour alone


def test_the_mail_holds_every_part_of_the_brief_in_order():
    _, root = render_email(meta=replace(META, marking="For official use"))
    body = text(root.find("body"))
    parts = [
        "For official use",
        "Central Asia Security Programme · Policy Brief No. 3",
        "Kazakhstan and the OSCE",
        "Ten priorities for Central Asia",
        "Ann Author (OSCE Academy); Bo Writer · 15 January 2010",
        "Water is the real agenda.",
        "R1 · Open a water forum",
        "R2 · Harmonise activities",
        "A quoted line.",
        "code <sample> & more",
        "Zagorski 2009, p. 3.",
        "Policy Brief No. 3 · Kazakhstan and the OSCE",
    ]
    positions = [body.find(part) for part in parts]
    assert -1 not in positions, [p for p, at in zip(parts, positions, strict=True) if at < 0]
    assert positions == sorted(positions)

    assert [(th.get("scope"), th.get("bgcolor"), text(th)) for th in root.iter("th")] == [
        ("col", ACCENT, "No."),
        ("col", ACCENT, "Action"),
        ("col", ACCENT, "Priority"),
    ]
    cells = [text(td) for td in root.findall(".//table[@class='_data']//td")]
    assert cells == ["R1", "Open a water forum", "High", "R2", "Harmonise activities", "Low"]
    [ol] = [ol for ol in root.iter("ol") if ol.get("start")]
    assert ol.get("start") == "3" and text(ol.find("li/ul/li")) == "nested point"
    assert text(root.find(".//td[@class='_quote']/blockquote")) == "A quoted line."
    footer = next(p for p in root.iter("p") if p.get("class") == "_footer")
    assert "font-size: 7.56pt" in style_of(footer) and "color: #5B6770" in style_of(footer)


def test_notes_become_linked_endnotes_and_a_mail_without_notes_has_none():
    _, root = render_email()
    ids = by_id(root)
    refs = [a for a in root.iter("a") if a.get("role") == "doc-noteref"]

    assert [(a.get("href"), text(a)) for a in refs] == [("#fn1", "1"), ("#fn2", "2"), ("#fn3", "3")]
    assert [text(ids[f"fn{n}"]) for n in (1, 2, 3)] == [
        "Zagorski 2009, p. 3. ↩︎",
        "See the annex. ↩︎",
        "Four treaties since 1991. ↩︎",
    ]
    assert text(ids["notes-title"]) == "Notes"
    notes = root.find(".//div[@role='doc-endnotes']")
    assert [li.get("id") for li in notes.iter("li")] == ["fn1", "fn2", "fn3"]
    assert all("font-size: 7.98pt" in style_of(li) for li in notes.iter("li"))  # the note text role

    mail, root = render_email(parse_markdown("# Summary\n\nNo notes here.\n"))
    assert "doc-endnotes" not in mail and "notes-title" not in by_id(root)


def test_text_in_every_script_survives_and_right_to_left_languages_are_mirrored():
    lines = "Қазақстан және ЕҚЫҰ. Ευρώπη και Ασία. كازاخستان ومنظمة الأمن."
    meta = Metadata(title="Қазақстан: ЕҚЫҰ төрағалығы", subtitle="Ελληνικά", language="kk")
    _, root = render_email((Paragraph((Text(lines),)),), meta=meta)
    assert root.get("dir") == "ltr"
    assert lines in text(root) and "Қазақстан: ЕҚЫҰ төрағалығы" in text(root.find(".//h1"))

    meta = Metadata(title="الأمن في آسيا الوسطى", language="ar")
    blocks = parse_markdown("::: card high\n### توصية\n\n**الأولوية:** عالية\n:::\n\nنص عادي.\n")
    _, root = render_email(blocks, meta=meta)
    assert root.get("dir") == "rtl" and root.find("body/div").get("dir") == "rtl"
    cell = cell_of_box(root, "card card-high")
    assert "border-right: 3pt solid #A93226" in style_of(cell) and "border-left" not in style_of(cell)
    assert "padding-right: 12pt" in style_of(cell)
    assert "توصية" in text(cell) and "الأمن في آسيا الوسطى" in text(root.find(".//h1"))


def test_the_mail_is_deterministic_and_the_page_is_unchanged_by_it():
    doc = Document(META, parse_markdown(BRIEF))
    page_before = write(doc, theme(Style()), Assets()).data
    assert email_html(doc, theme(Style())) == email_html(doc, theme(Style()))
    assert write(doc, theme(Style()), Assets()).data == page_before
    assert b"<style>" in page_before and b"_frame" not in page_before


def test_the_sample_practitioner_mail_holds_the_key_messages_and_every_recommendation():
    from briefgen.model import Box, Heading, ListBlock, plain_text

    from leaks import leaks_in

    audience, document = next((a, d) for a, d in _sample_documents() if a.name == "practitioner")
    mail = email_html(document, audience.theme)
    root = parse(mail)
    body = text(root.find("body"))
    boxes = [b for b in document.blocks if isinstance(b, Box)]
    [key] = [b for b in boxes if "keymessages" in b.classes]
    [messages] = [b for b in key.blocks if isinstance(b, ListBlock)]
    titles = [plain_text(b.blocks[0].children) for b in boxes if "card" in b.classes]

    assert len(titles) >= 7 and all(isinstance(b.blocks[0], Heading) for b in boxes if "card" in b.classes)
    key_messages = [plain_text(p.children) for blocks in messages.items for p in blocks]
    for phrase in key_messages + titles:
        assert re.sub(r"\s+", " ", phrase).strip() in body, phrase[:60]
    assert text(root.find(".//h1")) == re.sub(r"\s+", " ", document.meta.title)
    framed = [b for b in boxes if audience.theme.box(b.classes)]
    assert len(root.findall(".//td[@bgcolor]")) == len(framed) + 1  # and the title band
    assert root.find(".//style") is None and root.find(".//img") is None
    assert not leaks_in(mail.encode("utf-8"), "text/html")
    assert len(mail.encode("utf-8")) < 102 * 1024  # Gmail clips a longer message behind "View entire message"


def test_the_logo_is_described_by_the_styles_alt_text():
    _, page = render(assets=Assets(logo=PNG, logo_type="image/png", logo_alt="OSCE Secretariat emblem"))
    [img] = parse(page).iter("img")
    assert img.get("alt") == "OSCE Secretariat emblem"


def test_every_link_has_a_name_that_makes_sense_out_of_context():
    """A screen reader's list of links: "Note 3" and "Back to note 3 in the text", never a bare "3" or "↩"."""
    _, page = render()
    links = list(parse(page).iter("a"))
    assert len(links) >= 4
    for link in links:
        name = link.get("aria-label") or text(link)
        assert re.search(r"[^\W\d_]", name), f"link named only {name!r}"
    refs = [a for a in links if a.get("role") == "doc-noteref"]
    assert refs and all(a.get("aria-label") == f"Note {text(a)}" for a in refs)


def test_a_heading_that_skips_a_level_is_announced_one_below_the_last_and_keeps_its_look():
    blocks = parse_markdown("# Context\n\n### Deep for its look\n\n#### Deeper\n\n# Back up\n")
    for page in (render(blocks)[1], email_html(Document(META, blocks), theme(Style()))):
        root = parse(page)
        found = [(el.tag, el.get("class")) for el in root.iter() if re.fullmatch(r"h[2-6]", str(el.tag))]
        assert found == [("h2", None), ("h3", "_h4"), ("h4", "_h5"), ("h2", None)]
    assert re.search(r"h4, \._h4 \{[^}]*font-size", css(render(blocks)[1]))


def test_the_page_and_the_email_are_two_writers_over_one_body_each_with_the_writer_interface():
    from briefgen.writers.html import base, email, page

    blocks = parse_markdown("Text.^[A note.]\n\n> Quoted.\n\n---\n\n| a |\n|---|\n| b |\n")
    doc = Document(META, blocks)
    mail = email.write(doc, theme(Style()), Assets())

    assert issubclass(page.PageBody, base.HtmlBody) and issubclass(email.EmailBody, base.HtmlBody)
    assert (mail.media_type, mail.notes) == ("text/html", 1)
    assert mail.data.decode("utf-8") == email_html(doc, theme(Style()))
    assert (
        'class="_quote"' in email_html(doc, theme(Style()))
        and "_quote" not in page.write(doc, theme(Style()), Assets()).data.decode()
    )
    with pytest.raises(TypeError, match="abstract"):
        base.HtmlBody(theme(Style()))  # type: ignore[abstract]


def test_a_note_back_link_is_underlined_in_the_page_and_the_mail_and_a_marker_is_not():
    """axe's link-in-text-block (WCAG 1.4.1): the "↩︎" ends the note's text, so colour alone must
    not tell it from that text (issue 26: 26 failures in the practitioner page)."""
    page = render()[1]
    assert "a[role=doc-backlink] { text-decoration: underline" in page
    assert "a[role=doc-noteref] { text-decoration: none" in page
    _, root = render_email()
    [back, *_] = [a for a in root.iter("a") if a.get("role") == "doc-backlink"]
    [mark, *_] = [a for a in root.iter("a") if a.get("role") == "doc-noteref"]
    assert "text-decoration: underline" in back.get("style")
    assert "text-decoration: none" in mark.get("style")


def test_every_meta_element_of_the_mail_has_a_content():
    """The HTML standard requires `content` with `name` (the Nu HTML Checker's error in every mail)."""
    _, root = render_email()
    assert all(meta.get("content") is not None for meta in root.iter("meta") if meta.get("name"))
