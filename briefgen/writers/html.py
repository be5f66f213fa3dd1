"""HTML writer: the brief as one self-contained, accessible web page.

Everything the page needs is inside the file: CSS generated from the theme in one
`<style>` element and the logo as a `data:` URI. No scripts and no external requests,
so the page can be mailed, archived or opened offline and cannot phone home. Footnotes
become endnotes linked both ways with DPUB-ARIA roles; the print stylesheet gives the
page size, margins and running text of the PDF. All text is escaped, and only web and
mail links become links. Same document and theme, same bytes: no clock, no random ids.
`email_html` draws the same document as the HTML part of an email (see its docstring).
"""

from __future__ import annotations

import base64
import re
from html import escape

import css_inline

from ..design import (
    PAPER_COLOUR,
    BoxLook,
    HeadingLevels,
    TextRole,
    Theme,
    display_title,
    keeps_with_next,
    note_paragraphs,
)
from ..model import (
    LANGUAGE_TAG,
    Block,
    Box,
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
    safe_url,
)
from . import Artifact, Assets
from .common import byline, meta_author, running_text

MEDIA_TYPE = "text/html"
FALLBACK_FONTS = {  # after the bundled family, for readers who do not have Noto installed
    "serif": 'Georgia, "Times New Roman", serif',
    "sans": '"Helvetica Neue", Arial, sans-serif',
}
PAGE_SIZES = {"A4": "A4", "Letter": "letter"}  # CSS @page size keywords
MEASURE = 42  # the text column on screen, in body-size ems: about 75 characters a line
COLUMNS = "main, .byline, .marking, .notes, body > footer"  # the centred text column on screen
EMAIL_WIDTH = 640  # px: the mail column, as wide as a reading pane shows without scrolling sideways
EMAIL_TABLE = 'role="presentation" cellpadding="0" cellspacing="0" border="0"'  # a layout table: no gaps, no frame
EMAIL_GAP = '<div class="_gap">&nbsp;</div>'  # space after a table: Outlook ignores a table's margins
EMAIL_RULE = (  # a horizontal rule as Word draws one: the top border of an empty cell
    f'{EMAIL_GAP}\n<table {EMAIL_TABLE} width="100%" class="_rule"><tr><td>&nbsp;</td></tr></table>\n{EMAIL_GAP}'
)
BREAK_ANYWHERE = ("overflow-wrap: anywhere", "word-break: break-word")  # the standard, then WebKit's older form
RTL_LANGUAGES = frozenset({"ar", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi"})
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm"})  # "pa-Arab", "az-Arab"

_COLOUR = re.compile(r"#[0-9A-Fa-f]{3,8}")
_CLASS_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def write(doc: Document, theme: Theme, assets: Assets) -> Artifact:
    """The document as one UTF-8 HTML5 page; `notes` counts the footnotes placed."""
    body = _Body(theme)
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


def email_html(doc: Document, theme: Theme) -> str:
    """The document as the text/html part of an email, drawn alike by Outlook (Word engine and
    Outlook.com), Gmail (web and app), Apple Mail and Thunderbird.

    It follows the common practice of Litmus, Email on Acid and caniemail.com:
    - every style inline on its element (Gmail's app and Outlook drop or rewrite `<style>`):
      the markup is built with classes and a stylesheet from the theme, then `css_inline`
      moves each rule onto the elements it selects; no `<style>` element is left;
    - layout by presentation tables: a full-width table, a centred 640 px column (fluid below
      that, held at 640 px in Outlook by a table only it sees, in an `[if mso]` comment);
    - the title band is a cell of the column, and framed boxes (key messages, cards, quotes)
      are one-cell tables, whose cell carries `bgcolor`, `background-color`, the bar as its
      `border-left` and the padding (Word draws neither backgrounds nor padding of a div or
      a paragraph); space after a table is a spacer line, as Word ignores a table's margins;
    - the mail's own layout classes start with "_", which no template's box name can, so a
      `::: band` box never takes the title band's look;
    - leading in points with `mso-line-height-rule: exactly`; font stacks of installed
      fonts only; no flexbox, CSS variables, `calc()`, positioning or web fonts;
    - `color-scheme: light`, `x-apple-disable-message-reformatting`, and the language and
      direction repeated on a `role="article"` wrapper, which survives when a client strips
      `<html>` and `<body>`.
    No images (a `data:` logo is blocked by Gmail and Outlook, a remote one is a request),
    no scripts, forms or external resources: the only URLs are the brief's own web and
    mail links. Right-to-left languages get `dir="rtl"` and mirrored bars and indents.
    """
    body = _Body(theme, email=True)
    main = body.blocks(doc.blocks)
    notes = body.notes_section()
    rtl = _is_rtl(doc.meta.language)
    markup = _email_markup(doc.meta, theme, main, notes, rtl)
    css = _email_stylesheet(theme, body.looks, rtl)
    return css_inline.inline(
        markup,
        extra_css=css,
        load_remote_stylesheets=False,
        keep_style_tags=False,
        keep_link_tags=False,
        keep_at_rules=False,
    )


# ---------------------------------------------------------------- the body


class _Body:
    """Turns model nodes into markup, collecting the notes and box looks the page needs.

    With `email`, the blocks a mail client would draw wrongly from CSS alone (framed
    boxes, quotes, rules, tables) become the table markup Outlook's Word engine draws.
    """

    def __init__(self, theme: Theme, email: bool = False) -> None:
        self.theme = theme
        self.email = email
        self.notes: list[tuple[Block, ...]] = []  # in document order: note n is notes[n - 1]
        self.looks: dict[str, BoxLook] = {}  # CSS selector -> look, for the boxes this page uses
        self.levels = HeadingLevels()
        self.in_link = False
        self.deferred_refs: list[str] = []  # note markers met inside a link: placed after it (no nested <a>)

    # blocks -------------------------------------------------------
    def blocks(self, blocks: tuple[Block, ...]) -> str:
        return "".join(self.block(blocks, i) + "\n" for i in range(len(blocks)))

    def block(self, blocks: tuple[Block, ...], i: int) -> str:
        """One block; `blocks` and `i` are there for the keep-with-next rule of the layout."""
        match blocks[i]:
            case Heading(level=level, children=c):
                tag = _heading_tag(self.levels.announced(level))  # h1 is the title
                looks = _heading_tag(level)
                return f"<{tag}{_class_attr(['_' + looks] if looks != tag else [])}>{self.inlines(c)}</{tag}>"
            case Paragraph(children=c, role="code"):
                return f'<pre class="code"><code>{self.code_text(c)}</code></pre>'
            case Paragraph(children=c, role=role):
                classes = [*_class_names((role,)), *(["keep-with-next"] if keeps_with_next(blocks, i) else [])]
                return f"<p{_class_attr(classes)}>{self.inlines(c)}</p>"
            case ListBlock(items=items, ordered=ordered, start=start):
                tag = "ol" if ordered else "ul"
                first = f' start="{start}"' if ordered and start != 1 else ""
                lis = "".join(f"<li>{self.blocks(item).strip()}</li>\n" for item in items)
                return f"<{tag}{first}>\n{lis}</{tag}>"
            case Table() as table:
                return self.table(table)
            case Box() as box:
                return self.box(box)
            case Quote(blocks=b) if self.email:
                return _email_frame(["_quote"], None, f"<blockquote>\n{self.blocks(b)}</blockquote>\n")
            case Quote(blocks=b):
                return f"<blockquote>\n{self.blocks(b)}</blockquote>"
            case Rule() if self.email:
                return EMAIL_RULE
            case Rule():
                return "<hr>"
            case other:
                raise TypeError(f"HTML writer: unknown block node {type(other).__name__}")

    def table(self, table: Table) -> str:
        """Header cells are column headers for screen readers; short rows are padded to a full grid."""
        ncols = max([len(table.header), *(len(r) for r in table.rows)])
        aligns = [f' style="text-align:{a}"' if a else "" for a in (*table.align, *[""] * ncols)[:ncols]]
        out = [f'<table class="_data" {EMAIL_TABLE} width="100%">' if self.email else "<table>"]
        fill = f' bgcolor="{_colour(self.theme.colours.accent)}"' if self.email else ""  # the header row's colour
        if table.header:
            cells = "".join(
                f'<th scope="col"{fill}{aligns[i]}>{self.inlines(c)}</th>' for i, c in enumerate(table.header)
            )
            out.append(f"<thead><tr>{cells}{'<td></td>' * (ncols - len(table.header))}</tr></thead>")
        if table.rows:
            out.append("<tbody>")
            for row in table.rows:
                cells = "".join(f"<td{aligns[i]}>{self.inlines(c)}</td>" for i, c in enumerate(row))
                out.append(f"<tr>{cells}{'<td></td>' * (ncols - len(row))}</tr>")
            out.append("</tbody>")
        out.append("</table>")
        if self.email:
            out.append(EMAIL_GAP)
        return "\n".join(out)

    def box(self, box: Box) -> str:
        """A card is an article (a recommendation stands alone); other framed boxes are sections.

        A card's priority is in its text ("Priority: High"), so the coloured bar never carries
        meaning on its own. List boxes (bibliography, sources) have no frame, only their class.
        """
        look = self.theme.box(box.classes)
        inner = self.blocks(box.blocks)
        if look is None:
            classes = _class_names(box.classes)
            return f"<div{_class_attr(classes)}>\n{inner}</div>" if classes else inner.rstrip("\n")
        if look.kind == "card":
            tag, classes = "article", ["card", *([f"card-{look.priority}"] if look.priority else [])]
        else:
            tag, classes = "section", _unique(["box", *_class_names(box.classes)])
        self.looks.setdefault("".join("." + c for c in classes), look)
        if self.email:
            return _email_frame(classes, look.fill, inner)
        return f'<{tag} class="{" ".join(classes)}">\n{inner}</{tag}>'

    # inlines ------------------------------------------------------
    def inlines(self, nodes: tuple[Inline, ...]) -> str:
        return "".join(self.inline(n) for n in nodes)

    def inline(self, node: Inline) -> str:
        match node:
            case Text(text=t):
                return escape(t)
            case Emph(children=c):
                return f"<em>{self.inlines(c)}</em>"
            case Strong(children=c):
                return f"<strong>{self.inlines(c)}</strong>"
            case Code(text=t):
                return f"<code>{escape(t)}</code>"
            case Span(children=c, lang=lang):
                direction = ' dir="rtl"' if _is_rtl(lang) else ""
                return f'<span lang="{_language_tag(lang)}"{direction}>{self.inlines(c)}</span>'
            case Link(children=c, url=url) if (safe := safe_url(url)) and not self.in_link:
                self.in_link = True
                try:
                    text = self.inlines(c)
                finally:
                    self.in_link = False
                refs, self.deferred_refs = self.deferred_refs, []
                href = _email_url(safe) if self.email else safe
                return f'<a href="{escape(href)}">{text}</a>' + "".join(refs)
            case Link(children=c):
                return self.inlines(c)  # an unsafe scheme, or a link in a link: its text only
            case LineBreak():
                return "<br>"
            case Superscript(text=t):
                return f"<sup>{escape(t)}</sup>"
            case Note(blocks=b):
                self.notes.append(b)
                ref = _note_ref(len(self.notes), self.theme.label("note"))
                if self.in_link:
                    self.deferred_refs.append(ref)
                    return ""
                return ref
            case other:
                raise TypeError(f"HTML writer: unknown inline node {type(other).__name__}")

    def code_text(self, nodes: tuple[Inline, ...]) -> str:
        """A code block's text: its Code runs as plain escaped text, since <pre><code> already marks it."""
        return "".join(escape(n.text) if isinstance(n, Code) else self.inline(n) for n in nodes)

    # notes --------------------------------------------------------
    def notes_section(self) -> str:
        """The endnotes, each linking back to its marker; "" when there are none.

        Walked by index because a note's own text could hold a note: it is appended and
        numbered after, instead of being lost.
        """
        if not self.notes:
            return ""
        items = []
        i = 0
        while i < len(self.notes):
            n = i + 1
            paragraphs = [self.inlines(p) for p in note_paragraphs(self.notes[i])] or [""]
            label = self.theme.label("note_backlink").replace("{n}", str(n))
            back = f'<a href="#fnref{n}" role="doc-backlink" aria-label="{escape(label)}">↩\ufe0e</a>'
            paragraphs[-1] = f"{paragraphs[-1]} {back}".lstrip()
            items.append(f'<li id="fn{n}">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</li>")
            i += 1
        title = escape(self.theme.label("notes"))
        tag, cls = ("div", "_notes") if self.email else ("section", "notes")  # Word knows no HTML5 sections
        return (
            f'<{tag} class="{cls}" role="doc-endnotes" aria-labelledby="notes-title">\n'
            f'<h2 id="notes-title">{title}</h2>\n<ol>\n' + "\n".join(items) + f"\n</ol>\n</{tag}>"
        )


def _note_ref(n: int, label: str) -> str:
    """A note's marker; its accessible name says what it is ("Note 3"), not just "3"."""
    name = escape(label.replace("{n}", str(n)))
    return f'<sup><a href="#fn{n}" id="fnref{n}" role="doc-noteref" aria-label="{name}">{n}</a></sup>'


def _heading_tag(level: int) -> str:
    """h2 for a level-1 heading: h1 is the title."""
    return f"h{min(max(level, 1) + 1, 6)}"


def _class_names(names: tuple[str, ...]) -> list[str]:
    """Names that are safe as HTML classes and CSS selectors as they are; others are dropped."""
    return _unique([n for n in names if _CLASS_NAME.fullmatch(n)])


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _class_attr(classes: list[str]) -> str:
    return f' class="{" ".join(classes)}"' if classes else ""


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
    kicker = " · ".join(x for x in (meta.organisation, meta.series) if x)
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
    rule_line = f"{_pt(0.4)} solid {_colour(c.rule)}"
    measure = _pt(size * MEASURE)  # in points, not em: smaller text (the byline) keeps the same column
    rules = [
        _rule("*, *::before, *::after", "box-sizing: border-box"),
        _rule("html", "-webkit-text-size-adjust: 100%", "text-size-adjust: 100%"),
        _rule("body", *_text_css(theme.body), "margin: 0", f"background: {PAPER_COLOUR}", "overflow-wrap: break-word"),
        _rule(COLUMNS, f"max-width: {measure}", "margin-left: auto", "margin-right: auto", "padding: 0 1.25rem"),
        # the title band spans the window; its text lines up with the column below
        _rule(".band", f"background: {_colour(c.accent)}", "display: flex", "gap: 1.5rem", "align-items: flex-start"),
        _rule(".band", f"padding: 2rem max(1.25rem, calc((100% - {measure}) / 2 + 1.25rem)) 1.75rem"),
        _rule(".band-text", "flex: 1 1 auto", "min-width: 0"),
        _rule(".logo", "display: block", "max-height: 16mm", "max-width: 45mm", "width: auto", "height: auto"),
        _rule(".kicker", *_text_css(theme.kicker), "text-transform: uppercase", "letter-spacing: 0.04em"),
        _rule("h1", *_text_css(theme.title)),
        _rule(".subtitle", *_text_css(theme.subtitle)),
        _rule(".marking", *_text_css(theme.marking), "text-transform: uppercase", "text-align: right"),
        _rule(".byline", *_text_css(theme.byline)),
        # body text
        *(_rule(f"h{n + 1}, ._h{n + 1}", *_text_css(theme.heading(n))) for n in range(1, 6)),
        _rule("h1, h2, h3, h4", "text-wrap: balance"),  # no title ends with one word alone, as in the PDF
        _rule("p, ul, ol", "margin-top: 0", f"margin-bottom: {_pt(theme.body.space_after)}"),
        _rule("ul, ol", f"padding-left: {_pt(size * 1.5)}"),
        _rule("li > p", f"margin-bottom: {_pt(size * 0.3)}"),
        _rule("li::marker", f"color: {_colour(c.accent)}"),
        _rule(".small", *_text_css(theme.small)),
        _rule(".bibliography", *_text_css(theme.bibliography), *_hanging(theme.bibliography)),
        _rule("pre", *_text_css(theme.code), "white-space: pre-wrap", "overflow-wrap: anywhere"),
        _rule("code", f"font-family: {_font_stack(theme.code)}", "font-size: 0.92em"),
        _rule("pre code", "font-size: inherit"),
        _rule("a", f"color: {_colour(c.accent)}"),
        _rule("a:focus-visible", f"outline: 2px solid {_colour(c.accent)}", "outline-offset: 2px"),
        _rule("sup", "font-size: 0.75em", "line-height: 0", "vertical-align: super"),
        _rule("a[role=doc-noteref], a[role=doc-backlink]", "text-decoration: none", "padding: 0 0.1em"),
        _rule("hr", "border: 0", f"border-top: {_pt(0.75)} solid {_colour(c.rule)}", f"margin: {_pt(size)} 0"),
        # tables
        _rule("table", "border-collapse: collapse", "width: 100%", f"margin: 0 0 {_pt(size * 0.6)}"),
        _rule(
            "th, td", "text-align: left", "vertical-align: top", "padding: 3pt 6pt 4pt", f"border-bottom: {rule_line}"
        ),
        _rule("th", *_text_css(theme.cell_head), f"background: {_colour(c.accent)}"),
        _rule("td", *_text_css(theme.cell)),
        # boxes: a bar at the left and a fill, in the colours of each look used
        _rule(".box, .card", "border-left: 3pt solid", "padding: 8pt 10pt 2pt 12pt", f"margin: 0 0 {_pt(size * 0.7)}"),
        _rule(".box > :first-child, .card > :first-child", "margin-top: 0"),
        *(_box_rule(selector, look) for selector, look in looks.items()),
        _rule("blockquote", f"margin: 0 0 {_pt(size * 0.6)}", "padding: 2pt 0 2pt 12pt"),
        _box_rule("blockquote", theme.quote()),
        # endnotes and footer
        _rule(".notes", f"border-top: {_pt(0.5)} solid {_colour(c.rule)}", f"margin-top: {_pt(size * 2)}"),
        _rule(".notes ol", f"padding-left: {_pt(theme.note.hanging)}", f"margin: 0 0 {_pt(size)}"),
        _rule(".notes li, .notes li p", *_text_css(theme.note)),
        _rule(".notes li:target", f"background: {_colour(c.box)}"),
        _rule("body > footer", *_text_css(theme.running), f"border-top: {rule_line}"),
        _rule("body > footer", f"padding-top: {_pt(size * 0.5)}", f"padding-bottom: {_pt(size * 2)}"),
    ]
    return "\n".join([*rules, _page_css(theme, meta), _print_css()]) + "\n"


def _page_css(theme: Theme, meta: Metadata) -> str:
    """The printed page as in the PDF: size, margins, running header from page 2, footer line, page numbers."""
    top, right, bottom, left = theme.margins
    running = [f"font-family: {_font_stack(theme.running)}", f"font-size: {_pt(theme.running.size)}"]
    muted = [*running, f"color: {_colour(theme.running.colour)}"]
    boxes = [
        _rule("@top-left", f"content: {_css_string(running_text(theme.header, meta))}", *muted),
        _rule("@bottom-left", f"content: {_css_string(running_text(theme.footer, meta))}", *muted),
        _rule("@bottom-right", f"content: {_page_number(theme)}", *muted),
    ]
    marking = meta.marking
    if marking:
        red = [*running, f"color: {_colour(theme.marking.colour)}", "font-weight: 700"]
        boxes.append(_rule("@top-right", f"content: {_css_string(marking.upper())}", *red))
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
        _rule(COLUMNS, "max-width: none", "padding: 0"),
        _rule(".band", "padding: 8mm 7mm 7mm"),
        _rule(".band, th, .box, .card, .notes li", "-webkit-print-color-adjust: exact", "print-color-adjust: exact"),
        _rule("h2, h3, h4, h5, h6, .keep-with-next", "break-after: avoid"),
        _rule(".card, blockquote, tr, pre", "break-inside: avoid"),
        _rule("body > footer", "display: none"),
    ]
    return "@media print {\n" + "\n".join(rules) + "\n}"


def _rule(selector: str, *declarations: str) -> str:
    return f"{selector} {{ {'; '.join(declarations)} }}"


def _text_css(role: TextRole) -> list[str]:
    """A text role in CSS: its font, size, unitless leading (so zoom and user spacing work), colour, spacing."""
    return [
        f"font-family: {_font_stack(role)}",
        f"font-size: {_pt(role.size)}",
        f"line-height: {_number(role.leading / role.size)}",
        f"color: {_colour(role.colour)}",
        f"font-weight: {700 if role.bold else 400}",
        f"font-style: {'italic' if role.italic else 'normal'}",
        f"margin-top: {_pt(role.space_before)}",
        f"margin-bottom: {_pt(role.space_after)}",
    ]


def _hanging(role: TextRole, start: str = "left") -> list[str]:
    """The first line out-dented, as in a reference list; `start` is the side lines begin on."""
    return [f"padding-{start}: {_pt(role.hanging)}", f"text-indent: -{_pt(role.hanging)}"] if role.hanging else []


def _box_rule(selector: str, look: BoxLook, start: str = "left") -> str:
    """A box's bar on the side lines begin on, and its fill."""
    fill = _colour(look.fill) if look.fill else "transparent"
    return _rule(
        selector, f"border-{start}: {_pt(look.bar_width)} solid {_colour(look.bar)}", f"background-color: {fill}"
    )


def _font_stack(role: TextRole) -> str:
    """The bundled family first, then look-alikes every system has."""
    return f'"{role.font_name}", {FALLBACK_FONTS.get(role.family, "sans-serif")}'


def _colour(value: str) -> str:
    """A theme colour, checked: it goes into the stylesheet as it is."""
    if not _COLOUR.fullmatch(value):
        raise ValueError(f"HTML writer: not a colour: {value!r}")
    return value


def _css_string(text: str) -> str:
    """A quoted CSS string any text can go into: ASCII other than letters, digits and plain punctuation
    (so quotes, backslashes, newlines and the `<` of a `</style>`) becomes a hex escape."""
    return '"' + "".join(ch if _css_safe(ch) else f"\\{ord(ch):06x}" for ch in text) + '"'


def _css_safe(ch: str) -> bool:
    return ch.isalnum() or ch in " .,:;!?()'&+-/" or (ord(ch) > 127 and ch.isprintable())


def _number(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".")


def _pt(x: float) -> str:
    return "0" if abs(x) < 0.0005 else _number(x) + "pt"


# ---------------------------------------------------------------- the email body


def _is_rtl(language: str) -> bool:
    """A language tag written right to left ("ar", "he-IL", "pa-Arab"), from its language or script subtag."""
    subtags = language.strip().lower().replace("_", "-").split("-")
    return subtags[0] in RTL_LANGUAGES or any(tag in RTL_SCRIPTS for tag in subtags[1:])


def _language_tag(language: str) -> str:
    """The language as a well-formed tag, or "und" (undetermined): it goes into attributes unescaped.

    `css_inline` writes attribute values as HTML5 serialises them, escaping `&` and `"` but
    not `<` and `>`; only a tag's letters, digits and hyphens reach the mail.
    """
    tag = language.strip()
    return tag if LANGUAGE_TAG.fullmatch(tag) else "und"


def _email_url(url: str) -> str:
    """A link's address with `<` and `>` percent-encoded, as browsers send them anyway (URL standard):
    after `css_inline` an attribute keeps them raw, and a raw `<` in an attribute is what
    mail sanitisers that parse twice can be tricked by."""
    return url.strip().replace("<", "%3C").replace(">", "%3E")


def _email_markup(meta: Metadata, theme: Theme, main: str, notes: str, rtl: bool) -> str:
    """The mail before its styles are inlined: the head, then one centred column of table rows.

    The column is fluid up to its width; Outlook, which ignores `max-width`, gets a fixed
    table of that width in a conditional comment only it reads.
    """
    lang, direction, title = _language_tag(meta.language), "rtl" if rtl else "ltr", escape(meta.title)
    kicker = " · ".join(x for x in (meta.organisation, meta.series) if x)
    band = [
        f'<p class="_kicker">{escape(kicker)}</p>' if kicker else "",
        f"<h1>{escape(display_title(meta.title))}</h1>",
        f'<p class="_subtitle">{escape(meta.subtitle)}</p>' if meta.subtitle else "",
    ]
    people, footer = byline(meta), running_text(theme.footer, meta)
    rows = [
        _email_row("_marking-row", f'<p class="_marking">{escape(meta.marking)}</p>') if meta.marking else "",
        _email_row("_band", "\n".join(x for x in band if x), fill=theme.colours.accent),
        _email_row("_main", (f'<p class="_byline">{escape(people)}</p>\n' if people else "") + main),
        _email_row("_notes-row", notes) if notes else "",
        _email_row("_footer-row", f'<p class="_footer">{escape(footer)}</p>') if footer else "",
    ]
    fixed = f'<table {EMAIL_TABLE} width="{EMAIL_WIDTH}" align="center"><tr><td>'
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}" dir="{direction}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="x-apple-disable-message-reformatting">',
        '<meta name="color-scheme" content="light">',
        '<meta name="supported-color-schemes" content="light">',
        f"<title>{title}</title>",
        "</head>",
        "<body>",
        f'<div class="_mail" role="article" aria-roledescription="email" lang="{lang}" dir="{direction}">',
        f'<table {EMAIL_TABLE} width="100%" bgcolor="{PAPER_COLOUR}" class="_outer"><tr><td align="center">',
        f"<!--[if mso]>{fixed}<![endif]-->",
        f'<table {EMAIL_TABLE} width="{EMAIL_WIDTH}" align="center" class="_column">',
        *(row for row in rows if row),
        "</table>",
        "<!--[if mso]></td></tr></table><![endif]-->",
        "</td></tr></table>",
        "</div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def _email_row(cell_class: str, content: str, fill: str = "") -> str:
    """One row of the mail's column; a filled row (the title band) carries its colour as `bgcolor` too."""
    bgcolor = f' bgcolor="{_colour(fill)}"' if fill else ""
    return f'<tr><td class="{cell_class}"{bgcolor}>\n{content.strip()}\n</td></tr>'


def _email_frame(classes: list[str], fill: str | None, inner: str) -> str:
    """A framed box in mail: a one-cell table whose cell carries fill, bar and padding, then a spacer.

    Word, which draws Outlook's mail, shows no background or padding on a div and no
    margin on a table; a cell's `bgcolor`, borders and padding it draws.
    """
    bgcolor = f' bgcolor="{_colour(fill)}"' if fill else ""
    return (
        f'<table {EMAIL_TABLE} width="100%" class="_frame"><tr><td class="{" ".join(classes)}"{bgcolor}>\n'
        f"{inner}</td></tr></table>\n{EMAIL_GAP}"
    )


def _email_stylesheet(theme: Theme, looks: dict[str, BoxLook], rtl: bool) -> str:
    """The mail's CSS from the theme, for `css_inline` to move onto the elements it selects.

    Every element that holds text gets its whole font (family, size, leading, colour),
    as mail clients do not reliably pass styles down into tables. Sides are named from
    the text direction, since Outlook knows no logical properties (`border-inline-start`).
    """
    c = theme.colours
    size = theme.body.size
    start, end = ("right", "left") if rtl else ("left", "right")
    gutter, gap = _pt(size * 1.5), _pt(size * 0.7)
    rule_line = f"{_pt(0.4)} solid {_colour(c.rule)}"
    paper = f"background-color: {PAPER_COLOUR}"
    rules = [
        _rule("body", "margin: 0", "padding: 0", paper, "-webkit-text-size-adjust: 100%", "-ms-text-size-adjust: 100%"),
        _rule("._mail", paper),
        _rule("table", "border-collapse: collapse", "mso-table-lspace: 0pt", "mso-table-rspace: 0pt"),
        _rule("._outer", "width: 100%", paper),
        _rule("._column", "width: 100%", f"max-width: {EMAIL_WIDTH}px", "margin: 0 auto"),
        _rule("td", *_email_text_css(theme.body, margins=False)),
        # the column's rows
        _rule("._marking-row", f"padding: {_pt(size)} {gutter} {_pt(size * 0.5)}"),
        _rule(
            "._band", f"background-color: {_colour(c.accent)}", f"padding: {_pt(size * 2.25)} {gutter} {_pt(size * 2)}"
        ),
        _rule("._main", f"padding: {_pt(size)} {gutter}"),
        _rule("._main > :first-child", "margin-top: 0"),
        _rule("._notes-row", f"padding: {_pt(size)} {gutter} 0", f"border-top: {_pt(0.5)} solid {_colour(c.rule)}"),
        _rule("._footer-row", f"padding: {_pt(size * 0.5)} {gutter} {_pt(size * 2)}", f"border-top: {rule_line}"),
        # title band, marking, byline
        _rule("._kicker", *_email_text_css(theme.kicker), "text-transform: uppercase", "letter-spacing: 0.04em"),
        _rule("h1", *_email_text_css(theme.title)),
        _rule("._subtitle", *_email_text_css(theme.subtitle)),
        _rule("._marking", *_email_text_css(theme.marking), "text-transform: uppercase", f"text-align: {end}"),
        _rule("._byline", *_email_text_css(theme.byline)),
        # body text
        *(_rule(f"h{n + 1}, ._h{n + 1}", *_email_text_css(theme.heading(n))) for n in range(1, 6)),
        _rule("p, ul, ol", *_email_text_css(theme.body)),
        _rule("ul, ol", f"padding-{start}: {_pt(size * 1.5)}"),
        _rule("li", *_email_text_css(theme.body, margins=False)),
        _rule("li > p", f"margin-bottom: {_pt(size * 0.3)}"),
        # paragraph roles: on the paragraphs only, not on a list box (`::: bibliography`) of the same name
        _rule("p.small", *_email_text_css(theme.small)),
        _rule("p.bibliography", *_email_text_css(theme.bibliography), *_hanging(theme.bibliography, start)),
        _rule("pre", *_email_text_css(theme.code), "white-space: pre-wrap", "word-wrap: break-word"),
        _rule("code", f"font-family: {_font_stack(theme.code)}", "font-size: 0.92em"),
        _rule("pre code", "font-size: 1em"),
        # a long web address breaks anywhere, or it would widen the fluid column on a phone
        _rule("a", f"color: {_colour(c.accent)}", "text-decoration: underline", *BREAK_ANYWHERE),
        _rule("sup", "font-size: 0.75em", "line-height: 0", "vertical-align: super"),
        _rule("a[role=doc-noteref], a[role=doc-backlink]", "text-decoration: none"),
        # tables
        _rule("._data", "width: 100%"),
        _rule("._data th, ._data td", f"text-align: {start}", "vertical-align: top", "padding: 3pt 6pt 4pt"),
        _rule("._data th, ._data td", f"border-bottom: {rule_line}"),
        _rule("._data th", *_email_text_css(theme.cell_head, margins=False), f"background-color: {_colour(c.accent)}"),
        _rule("._data td", *_email_text_css(theme.cell, margins=False)),
        # framed boxes: the cell carries the bar, the fill and the padding
        _rule("._frame", "width: 100%"),
        _rule(
            ".box, .card", "padding-top: 8pt", f"padding-{end}: 10pt", "padding-bottom: 2pt", f"padding-{start}: 12pt"
        ),
        _rule(".box > :first-child, .card > :first-child, blockquote > :first-child", "margin-top: 0"),
        *(_box_rule(selector, look, start) for selector, look in looks.items()),
        _rule("._quote", "padding-top: 2pt", "padding-bottom: 2pt", f"padding-{start}: 12pt", f"padding-{end}: 0"),
        _box_rule("._quote", theme.quote(), start),
        _rule("blockquote", "margin-top: 0", "margin-bottom: 0", "margin-left: 0", "margin-right: 0"),
        _rule("._rule td", f"border-top: {_pt(0.75)} solid {_colour(c.rule)}", "font-size: 0", "line-height: 0"),
        _rule("._gap", f"font-size: {gap}", f"line-height: {gap}", f"height: {gap}", "mso-line-height-rule: exactly"),
        # endnotes and footer
        _rule(
            "._notes ol", f"padding-{start}: {_pt(theme.note.hanging)}", "margin-top: 0", f"margin-bottom: {_pt(size)}"
        ),
        _rule("._notes li, ._notes li p", *_email_text_css(theme.note)),
        _rule("._footer", *_email_text_css(theme.running)),
    ]
    return "\n".join(rules) + "\n"


def _email_text_css(role: TextRole, margins: bool = True) -> list[str]:
    """A text role for mail: leading in points with Outlook's exact-leading rule, which Word follows
    to the point; without margins for cells and list items, whose spacing is their own."""
    declarations = [d for d in _text_css(role) if margins or not d.startswith("margin-")]
    leading = f"line-height: {_pt(role.leading)}"
    return [leading if d.startswith("line-height:") else d for d in declarations] + ["mso-line-height-rule: exactly"]
