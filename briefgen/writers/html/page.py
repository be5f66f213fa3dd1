"""HTML writer: the brief as one self-contained, accessible web page (format `html`).

Everything the page needs is inside the file: CSS generated from the theme in one
`<style>` element and the logo as a `data:` URI. No scripts and no external requests,
so the page can be mailed, archived or opened offline and cannot phone home. Footnotes
become endnotes linked both ways with DPUB-ARIA roles; the print stylesheet gives the
page size, margins and running text of the PDF. All text is escaped, and only web and
mail links become links. Same document and theme, same bytes: no clock, no random ids.
The body's markup is shared with the email body (`base.py`).
"""

from __future__ import annotations

import base64
from html import escape

from ...design import LIST_INDENT, PAPER_COLOUR, BoxLook, Theme, display_title
from ...model import Chart, Document, Metadata
from ...typography import base_language
from .. import Artifact, Assets
from ..chart import alt_text, caption, layout, numbers_table
from ..common import byline, kicker_text, meta_author, running_text
from .base import HtmlBody
from .css import box_rule, colour, font_stack, hanging, note_link_rules, pt, rule, text_css
from .svg import svg

MEDIA_TYPE = "text/html"
PAGE_SIZES = {"A4": "A4", "Letter": "letter"}  # CSS @page size keywords
MEASURE = 42  # the text column on screen, in body-size ems: about 75 characters a line
CHART_FONT_SLACK = 1.12  # a browser without the bundled fonts sets a chart's labels in a wider one: room for it
COLUMNS = "main, .byline, .marking, .notes, body > footer"  # the centred text column on screen


def write(doc: Document, theme: Theme, assets: Assets) -> Artifact:
    """The document as one UTF-8 HTML5 page; `notes` counts the footnotes placed."""
    body = PageBody(theme)
    main = body.blocks(doc.blocks)
    notes = body.notes_section()
    css = _stylesheet(theme, doc.meta, body.looks)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(doc.meta.language)}">',
        "<head>",
        _head(doc.meta, css),
        "</head>",
        "<body>",
        _header(doc.meta, theme, assets),
        f"<main>\n{main}</main>",
        notes,
        _footer(doc.meta, theme),
        "</body>",
        "</html>",
    ]
    page = "\n".join(p for p in parts if p) + "\n"
    return Artifact(data=page.encode("utf-8"), media_type=MEDIA_TYPE, notes=len(body.notes))


class PageBody(HtmlBody):
    """The body as a web page draws it: semantic elements, their looks in the page's stylesheet."""

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.charts = 0  # numbers each chart's title id

    def quote(self, blockquote: str) -> str:
        return blockquote

    def rule(self) -> str:
        return "<hr>"

    def table_start(self) -> str:
        return "<table>"

    def header_cell_attributes(self) -> str:
        return ""

    def table_end(self) -> str:
        return "</table>"

    def framed(self, tag: str, classes: list[str], look: BoxLook, inner: str) -> str:
        return f'<{tag} class="{" ".join(classes)}">\n{inner}</{tag}>'

    def chart(self, chart: Chart) -> str:
        """A figure: the caption, the chart as inline SVG named by its alternative text; then its numbers."""
        self.charts += 1
        geometry = layout(chart, self.theme, self.theme.text_area()[0], CHART_FONT_SLACK)
        title = caption(chart)
        figcaption = f"<figcaption>{self.inlines(title.children)}</figcaption>\n" if title else ""
        figure = (
            f'<figure class="chart" style="margin:0 0 {pt(self.theme.body.space_after)}">\n{figcaption}'
            f"{svg(geometry, alt_text(chart), f'chart-{self.charts}')}\n</figure>"
        )
        return f"{figure}\n{self.table(numbers_table(chart))}"

    def href(self, url: str) -> str:
        return url


# ---------------------------------------------------------------- head, header, footer


def _head(meta: Metadata, css: str) -> str:
    """Charset first (it must be in the first 1024 bytes), then the metadata a search or archive reads."""
    fields = (
        ("author", meta_author(meta)),
        ("description", meta.subtitle or meta.title),
        ("keywords", ", ".join(meta.keywords)),
        ("generator", "briefgen"),
    )
    lines = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(meta.title)}</title>",
        *(f'<meta name="{name}" content="{escape(value)}">' for name, value in fields if value),
        f"<style>\n{css}</style>",
    ]
    return "\n".join(lines)


def _header(meta: Metadata, theme: Theme, assets: Assets) -> str:
    """The title band (kicker, title, subtitle, logo) with the marking above it and the byline below."""
    marking = meta.marking
    kicker = kicker_text(meta)
    text = [
        f'<p class="kicker">{escape(kicker)}</p>' if kicker else "",
        f"<h1>{escape(display_title(meta.title))}</h1>",
        f'<p class="subtitle">{escape(meta.subtitle)}</p>' if meta.subtitle else "",
    ]
    band = ['<div class="band">', '<div class="band-text">', *text, "</div>", _logo(meta, assets), "</div>"]
    people = byline(meta)
    lines = [
        "<header>",
        f'<p class="marking">{escape(marking)}</p>' if marking else "",
        *band,
        f'<p class="byline">{escape(people)}</p>' if people else "",
        "</header>",
    ]
    return "\n".join(x for x in lines if x)


def _logo(meta: Metadata, assets: Assets) -> str:
    """The logo inlined as a data: URI: the page makes no requests."""
    if not assets.logo:
        return ""
    media = assets.logo_type or _image_type(assets.logo)
    data = base64.b64encode(assets.logo).decode("ascii")
    alt = assets.logo_alt or meta.organisation or "Logo"  # the style's `logo.alt` says what it shows
    return f'<img class="logo" src="data:{escape(media)};base64,{data}" alt="{escape(alt)}">'


def _image_type(data: bytes) -> str:
    """The media type from the file's signature, for callers that did not say."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    return "image/jpeg" if data.startswith(b"\xff\xd8") else "application/octet-stream"


def _footer(meta: Metadata, theme: Theme) -> str:
    text = running_text(theme.footer, meta)
    return f"<footer>\n<p>{escape(text)}</p>\n</footer>" if text else ""


# ---------------------------------------------------------------- the stylesheet


def _stylesheet(theme: Theme, meta: Metadata, looks: dict[str, BoxLook]) -> str:
    """The page's CSS from the theme, one rule a line; `looks` maps the selector of each box used to its look."""
    c = theme.colours
    size = theme.body.size
    rule_line = f"{pt(0.4)} solid {colour(c.rule)}"
    measure = pt(size * MEASURE)  # in points, not em: smaller text (the byline) keeps the same column
    rules = [
        rule("*, *::before, *::after", "box-sizing: border-box"),
        rule("html", "-webkit-text-size-adjust: 100%", "text-size-adjust: 100%"),
        rule("body", *text_css(theme.body), "margin: 0", f"background: {PAPER_COLOUR}", "overflow-wrap: break-word"),
        rule(COLUMNS, f"max-width: {measure}", "margin-left: auto", "margin-right: auto", "padding: 0 1.25rem"),
        # the title band spans the window; its text lines up with the column below
        rule(".band", f"background: {colour(c.accent)}", "display: flex", "gap: 1.5rem", "align-items: flex-start"),
        rule(".band", f"padding: 2rem max(1.25rem, calc((100% - {measure}) / 2 + 1.25rem)) 1.75rem"),
        rule(".band-text", "flex: 1 1 auto", "min-width: 0"),
        rule(".logo", "display: block", "max-height: 16mm", "max-width: 45mm", "width: auto", "height: auto"),
        rule(".kicker", *text_css(theme.kicker), "text-transform: uppercase", "letter-spacing: 0.04em"),
        rule("h1", *text_css(theme.title)),
        rule(".subtitle", *text_css(theme.subtitle)),
        rule(".marking", *text_css(theme.marking), "text-transform: uppercase", "text-align: right"),
        rule(".byline", *text_css(theme.byline)),
        # body text
        *(rule(f"h{n + 1}, ._h{n + 1}", *text_css(theme.heading(n))) for n in range(1, 6)),
        rule("h1, h2, h3, h4", "text-wrap: balance"),  # no title ends with one word alone, as in the PDF
        rule("p, ul, ol", "margin-top: 0", f"margin-bottom: {pt(theme.body.space_after)}"),
        rule("ul, ol", f"padding-left: {pt(size * LIST_INDENT)}"),
        rule("li > p", f"margin-bottom: {pt(size * 0.3)}"),
        rule("li::marker", f"color: {colour(c.accent)}"),
        rule(".small", *text_css(theme.small)),
        # on the entries only: the `::: bibliography` box around them has the class too, and indented as
        # well it put the list 16.8 pt further in than the PDF's (whose entries hang by this alone)
        rule("p.bibliography", *text_css(theme.bibliography), *hanging(theme.bibliography)),
        rule("pre", *text_css(theme.code), "white-space: pre-wrap", "overflow-wrap: anywhere"),
        rule("code", f"font-family: {font_stack(theme.code)}", "font-size: 0.92em"),
        rule("pre code", "font-size: inherit"),
        rule("a", f"color: {colour(c.accent)}"),
        rule("a:focus-visible", f"outline: 2px solid {colour(c.accent)}", "outline-offset: 2px"),
        rule("sup", "font-size: 0.75em", "line-height: 0", "vertical-align: super"),
        rule("a[role=doc-noteref], a[role=doc-backlink]", "padding: 0 0.1em"),
        *note_link_rules(),
        rule("hr", "border: 0", f"border-top: {pt(0.75)} solid {colour(c.rule)}", f"margin: {pt(size)} 0"),
        # tables
        rule("table", "border-collapse: collapse", "width: 100%", f"margin: 0 0 {pt(size * 0.6)}"),
        rule(
            "th, td", "text-align: left", "vertical-align: top", "padding: 3pt 6pt 4pt", f"border-bottom: {rule_line}"
        ),
        rule("th", *text_css(theme.cell_head), f"background: {colour(c.accent)}"),
        rule("td", *text_css(theme.cell)),
        # boxes: a bar at the left and a fill, in the colours of each look used
        rule(".box, .card", "border-left: 3pt solid", "padding: 8pt 10pt 2pt 12pt", f"margin: 0 0 {pt(size * 0.7)}"),
        rule(".box > :first-child, .card > :first-child", "margin-top: 0"),
        *(box_rule(selector, look) for selector, look in looks.items()),
        rule("blockquote", f"margin: 0 0 {pt(size * 0.6)}", "padding: 2pt 0 2pt 12pt"),
        box_rule("blockquote", theme.quote()),
        # endnotes and footer
        rule(".notes", f"border-top: {pt(0.5)} solid {colour(c.rule)}", f"margin-top: {pt(size * 2)}"),
        rule(".notes ol", f"padding-left: {pt(theme.note.hanging)}", f"margin: 0 0 {pt(size)}"),
        rule(".notes li, .notes li p", *text_css(theme.note)),
        rule(".notes li:target", f"background: {colour(c.box)}"),
        rule("body > footer", *text_css(theme.running), f"border-top: {rule_line}"),
        rule("body > footer", f"padding-top: {pt(size * 0.5)}", f"padding-bottom: {pt(size * 2)}"),
    ]
    return "\n".join([*rules, *_hyphenation_css(meta), _page_css(theme, meta), _print_css()]) + "\n"


def _hyphenation_css(meta: Metadata) -> list[str]:
    """Running text hyphenated by the browser's dictionary for `<html lang>`, as the PDF is;
    headings and code are not. English is not, as it never was."""
    if base_language(meta.language) in ("", "en"):
        return []
    return [
        rule("p, li, td, th", "hyphens: auto", "-webkit-hyphens: auto"),
        rule("h1, h2, h3, h4, pre", "hyphens: manual"),
    ]


def _page_css(theme: Theme, meta: Metadata) -> str:
    """The printed page as in the PDF: size, margins, running header from page 2, footer line, page numbers."""
    top, right, bottom, left = theme.margins
    running = [f"font-family: {font_stack(theme.running)}", f"font-size: {pt(theme.running.size)}"]
    muted = [*running, f"color: {colour(theme.running.colour)}"]
    boxes = [
        rule("@top-left", f"content: {_css_string(running_text(theme.header, meta))}", *muted),
        rule("@bottom-left", f"content: {_css_string(running_text(theme.footer, meta))}", *muted),
        rule("@bottom-right", f"content: {_page_number(theme)}", *muted),
    ]
    marking = meta.marking
    if marking:
        red = [*running, f"color: {colour(theme.marking.colour)}", "font-weight: 700"]
        boxes.append(rule("@top-right", f"content: {_css_string(marking.upper())}", *red))
    page = [f"size: {PAGE_SIZES.get(theme.page_size, 'A4')}", f"margin: {top}mm {right}mm {bottom}mm {left}mm"]
    return "\n".join(
        [
            "@page { " + "; ".join(page) + "; " + " ".join(boxes) + " }",
            "@page :first { @top-left { content: none } @top-right { content: none } }",
        ]
    )


def _page_number(theme: Theme) -> str:
    """The page number ("Page 2 of 5") in the style's words."""
    page, of = _css_string(theme.label("page") + " "), _css_string(" " + theme.label("of") + " ")
    return f"{page} counter(page) {of} counter(pages)"


def _print_css() -> str:
    """Print layout: the column fills the page, colours print, headings and cards are not split.

    The page footer line replaces the <footer> at the end of the text, which would repeat it.
    """
    rules = [
        rule(COLUMNS, "max-width: none", "padding: 0"),
        rule(".band", "padding: 8mm 7mm 7mm"),
        rule(".band, th, .box, .card, .notes li", "-webkit-print-color-adjust: exact", "print-color-adjust: exact"),
        rule("h2, h3, h4, h5, h6, .keep-with-next", "break-after: avoid"),
        rule(".card, blockquote, tr, pre", "break-inside: avoid"),
        rule("body > footer", "display: none"),
    ]
    return "@media print {\n" + "\n".join(rules) + "\n}"


def _css_string(text: str) -> str:
    """A quoted CSS string any text can go into: ASCII other than letters, digits and plain punctuation
    (so quotes, backslashes, newlines and the `<` of a `</style>`) becomes a hex escape."""
    return '"' + "".join(ch if _css_safe(ch) else f"\\{ord(ch):06x}" for ch in text) + '"'


def _css_safe(ch: str) -> bool:
    return ch.isalnum() or ch in " .,:;!?()'&+-/" or (ord(ch) > 127 and ch.isprintable())
