"""HTML writer: the brief as the text/html part of an email (see `email_html`).

The body's markup is shared with the web page (`base.py`); this module draws what a mail
client needs drawn its own way, lays the column out in tables and inlines every style.
"""

from __future__ import annotations

from html import escape

import css_inline

from ...design import LIST_INDENT, PAPER_COLOUR, BoxLook, TextRole, Theme, display_title
from ...model import Chart, Document, Metadata
from .. import Artifact, Assets
from ..chart import caption, numbers_table
from ..common import byline, kicker_text, running_text
from .base import HtmlBody, is_rtl, language_tag
from .css import box_rule, colour, font_stack, hanging, note_link_rules, pt, rule, text_css

MEDIA_TYPE = "text/html"
EMAIL_WIDTH = 640  # px: the mail column, as wide as a reading pane shows without scrolling sideways
EMAIL_TABLE = 'role="presentation" cellpadding="0" cellspacing="0" border="0"'  # a layout table: no gaps, no frame
EMAIL_GAP = '<div class="_gap">&nbsp;</div>'  # space after a table: Outlook ignores a table's margins
EMAIL_RULE = (  # a horizontal rule as Word draws one: the top border of an empty cell
    f'{EMAIL_GAP}\n<table {EMAIL_TABLE} width="100%" class="_rule"><tr><td>&nbsp;</td></tr></table>\n{EMAIL_GAP}'
)
BREAK_ANYWHERE = ("overflow-wrap: anywhere", "word-break: break-word")  # the standard, then WebKit's older form


def write(doc: Document, theme: Theme, assets: Assets) -> Artifact:
    """The writer's interface (writers.Writer): the mail's HTML part as UTF-8. A message shows no logo."""
    html, notes = _mail(doc, theme)
    return Artifact(data=html.encode("utf-8"), media_type=MEDIA_TYPE, notes=notes)


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
    return _mail(doc, theme)[0]


def _mail(doc: Document, theme: Theme) -> tuple[str, int]:
    """The mail's HTML, its styles inlined, and the number of notes it holds."""
    body = EmailBody(theme)
    main = body.blocks(doc.blocks)
    notes = body.notes_section()
    rtl = is_rtl(doc.meta.language)
    markup = _markup(doc.meta, theme, main, notes, rtl)
    css = _stylesheet(theme, body.looks, rtl)
    html = css_inline.inline(
        markup,
        extra_css=css,
        load_remote_stylesheets=False,
        keep_style_tags=False,
        keep_link_tags=False,
        keep_at_rules=False,
    )
    return html, len(body.notes)


class EmailBody(HtmlBody):
    """The body as mail clients draw it: what they would draw wrongly from CSS alone (framed
    boxes, quotes, rules, tables) is the table markup Outlook's Word engine draws."""

    NOTES_CONTAINER = ("div", "_notes")  # Word knows no HTML5 sections

    def quote(self, blockquote: str) -> str:
        return _frame(["_quote"], None, blockquote + "\n")

    def rule(self) -> str:
        return EMAIL_RULE

    def table_start(self) -> str:
        return f'<table class="_data" {EMAIL_TABLE} width="100%">'

    def header_cell_attributes(self) -> str:
        return f' bgcolor="{colour(self.theme.colours.accent)}"'  # the header row's colour

    def table_end(self) -> str:
        return f"</table>\n{EMAIL_GAP}"

    def framed(self, tag: str, classes: list[str], look: BoxLook, inner: str) -> str:
        return _frame(classes, look.fill, inner)

    def chart(self, chart: Chart) -> str:
        """Its caption and numbers only: mail clients strip SVG, and a picture would be an attachment."""
        return self.blocks(tuple(b for b in (caption(chart), numbers_table(chart)) if b)).rstrip("\n")

    def href(self, url: str) -> str:
        return _mail_url(url)


def _mail_url(url: str) -> str:
    """A link's address with `<` and `>` percent-encoded, as browsers send them anyway (URL standard):
    after `css_inline` an attribute keeps them raw, and a raw `<` in an attribute is what
    mail sanitisers that parse twice can be tricked by."""
    return url.strip().replace("<", "%3C").replace(">", "%3E")


def _markup(meta: Metadata, theme: Theme, main: str, notes: str, rtl: bool) -> str:
    """The mail before its styles are inlined: the head, then one centred column of table rows.

    The column is fluid up to its width; Outlook, which ignores `max-width`, gets a fixed
    table of that width in a conditional comment only it reads.
    """
    lang, direction, title = language_tag(meta.language), "rtl" if rtl else "ltr", escape(meta.title)
    kicker = kicker_text(meta)
    band = [
        f'<p class="_kicker">{escape(kicker)}</p>' if kicker else "",
        f"<h1>{escape(display_title(meta.title))}</h1>",
        f'<p class="_subtitle">{escape(meta.subtitle)}</p>' if meta.subtitle else "",
    ]
    people, footer = byline(meta), running_text(theme.footer, meta)
    rows = [
        _row("_marking-row", f'<p class="_marking">{escape(meta.marking)}</p>') if meta.marking else "",
        _row("_band", "\n".join(x for x in band if x), fill=theme.colours.accent),
        _row("_main", (f'<p class="_byline">{escape(people)}</p>\n' if people else "") + main),
        _row("_notes-row", notes) if notes else "",
        _row("_footer-row", f'<p class="_footer">{escape(footer)}</p>') if footer else "",
    ]
    fixed = f'<table {EMAIL_TABLE} width="{EMAIL_WIDTH}" align="center"><tr><td>'
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}" dir="{direction}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="x-apple-disable-message-reformatting" content="">',  # HTML requires a content
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


def _row(cell_class: str, content: str, fill: str = "") -> str:
    """One row of the mail's column; a filled row (the title band) carries its colour as `bgcolor` too."""
    bgcolor = f' bgcolor="{colour(fill)}"' if fill else ""
    return f'<tr><td class="{cell_class}"{bgcolor}>\n{content.strip()}\n</td></tr>'


def _frame(classes: list[str], fill: str | None, inner: str) -> str:
    """A framed box in mail: a one-cell table whose cell carries fill, bar and padding, then a spacer.

    Word, which draws Outlook's mail, shows no background or padding on a div and no
    margin on a table; a cell's `bgcolor`, borders and padding it draws.
    """
    bgcolor = f' bgcolor="{colour(fill)}"' if fill else ""
    return (
        f'<table {EMAIL_TABLE} width="100%" class="_frame"><tr><td class="{" ".join(classes)}"{bgcolor}>\n'
        f"{inner}</td></tr></table>\n{EMAIL_GAP}"
    )


def _stylesheet(theme: Theme, looks: dict[str, BoxLook], rtl: bool) -> str:
    """The mail's CSS from the theme, for `css_inline` to move onto the elements it selects.

    Every element that holds text gets its whole font (family, size, leading, colour),
    as mail clients do not reliably pass styles down into tables. Sides are named from
    the text direction, since Outlook knows no logical properties (`border-inline-start`).
    """
    start = "right" if rtl else "left"
    return "\n".join([*_column_rules(theme, rtl), *_body_rules(theme, start), *_frame_rules(theme, looks, rtl)]) + "\n"


def _column_rules(theme: Theme, rtl: bool) -> list[str]:
    """The page, the centred column and its rows: marking, title band, main text, notes, footer."""
    c = theme.colours
    size = theme.body.size
    gutter, end = pt(size * 1.5), "left" if rtl else "right"
    paper = f"background-color: {PAPER_COLOUR}"
    return [
        rule("body", "margin: 0", "padding: 0", paper, "-webkit-text-size-adjust: 100%", "-ms-text-size-adjust: 100%"),
        rule("._mail", paper),
        rule("table", "border-collapse: collapse", "mso-table-lspace: 0pt", "mso-table-rspace: 0pt"),
        rule("._outer", "width: 100%", paper),
        rule("._column", "width: 100%", f"max-width: {EMAIL_WIDTH}px", "margin: 0 auto"),
        rule("td", *_mail_text_css(theme.body, margins=False)),
        # the column's rows
        rule("._marking-row", f"padding: {pt(size)} {gutter} {pt(size * 0.5)}"),
        rule("._band", f"background-color: {colour(c.accent)}", f"padding: {pt(size * 2.25)} {gutter} {pt(size * 2)}"),
        rule("._main", f"padding: {pt(size)} {gutter}"),
        rule("._main > :first-child", "margin-top: 0"),
        rule("._notes-row", f"padding: {pt(size)} {gutter} 0", f"border-top: {pt(0.5)} solid {colour(c.rule)}"),
        rule("._footer-row", f"padding: {pt(size * 0.5)} {gutter} {pt(size * 2)}", f"border-top: {_rule_line(theme)}"),
        # title band, marking, byline
        rule("._kicker", *_mail_text_css(theme.kicker), "text-transform: uppercase", "letter-spacing: 0.04em"),
        rule("h1", *_mail_text_css(theme.title)),
        rule("._subtitle", *_mail_text_css(theme.subtitle)),
        rule("._marking", *_mail_text_css(theme.marking), "text-transform: uppercase", f"text-align: {end}"),
        rule("._byline", *_mail_text_css(theme.byline)),
    ]


def _body_rules(theme: Theme, start: str) -> list[str]:
    """The text's blocks: headings, paragraphs and their roles, lists, code, links, note markers, tables."""
    c = theme.colours
    size = theme.body.size
    return [
        # body text
        *(rule(f"h{n + 1}, ._h{n + 1}", *_mail_text_css(theme.heading(n))) for n in range(1, 6)),
        rule("p, ul, ol", *_mail_text_css(theme.body)),
        rule("ul, ol", f"padding-{start}: {pt(size * LIST_INDENT)}"),
        rule("li", *_mail_text_css(theme.body, margins=False)),
        rule("li > p", f"margin-bottom: {pt(size * 0.3)}"),
        # paragraph roles: on the paragraphs only, not on a list box (`::: bibliography`) of the same name
        rule("p.small", *_mail_text_css(theme.small)),
        rule("p.bibliography", *_mail_text_css(theme.bibliography), *hanging(theme.bibliography, start)),
        rule("pre", *_mail_text_css(theme.code), "white-space: pre-wrap", "word-wrap: break-word"),
        rule("code", f"font-family: {font_stack(theme.code)}", "font-size: 0.92em"),
        rule("pre code", "font-size: 1em"),
        # a long web address breaks anywhere, or it would widen the fluid column on a phone
        rule("a", f"color: {colour(c.accent)}", "text-decoration: underline", *BREAK_ANYWHERE),
        rule("sup", "font-size: 0.75em", "line-height: 0", "vertical-align: super"),
        *note_link_rules(),
        # tables
        rule("._data", "width: 100%"),
        rule("._data th, ._data td", f"text-align: {start}", "vertical-align: top", "padding: 3pt 6pt 4pt"),
        rule("._data th, ._data td", f"border-bottom: {_rule_line(theme)}"),
        rule("._data th", *_mail_text_css(theme.cell_head, margins=False), f"background-color: {colour(c.accent)}"),
        rule("._data td", *_mail_text_css(theme.cell, margins=False)),
    ]


def _frame_rules(theme: Theme, looks: dict[str, BoxLook], rtl: bool) -> list[str]:
    """Framed boxes, quotes, rules and spacers, then the endnotes and the footer line."""
    c = theme.colours
    size = theme.body.size
    start, end = ("right", "left") if rtl else ("left", "right")
    gap = pt(size * 0.7)
    return [
        # framed boxes: the cell carries the bar, the fill and the padding
        rule("._frame", "width: 100%"),
        rule(
            ".box, .card", "padding-top: 8pt", f"padding-{end}: 10pt", "padding-bottom: 2pt", f"padding-{start}: 12pt"
        ),
        rule(".box > :first-child, .card > :first-child, blockquote > :first-child", "margin-top: 0"),
        *(box_rule(selector, look, start) for selector, look in looks.items()),
        rule("._quote", "padding-top: 2pt", "padding-bottom: 2pt", f"padding-{start}: 12pt", f"padding-{end}: 0"),
        box_rule("._quote", theme.quote(), start),
        rule("blockquote", "margin-top: 0", "margin-bottom: 0", "margin-left: 0", "margin-right: 0"),
        rule("._rule td", f"border-top: {pt(0.75)} solid {colour(c.rule)}", "font-size: 0", "line-height: 0"),
        rule("._gap", f"font-size: {gap}", f"line-height: {gap}", f"height: {gap}", "mso-line-height-rule: exactly"),
        # endnotes and footer
        rule("._notes ol", f"padding-{start}: {pt(theme.note.hanging)}", "margin-top: 0", f"margin-bottom: {pt(size)}"),
        rule("._notes li, ._notes li p", *_mail_text_css(theme.note)),
        rule("._footer", *_mail_text_css(theme.running)),
    ]


def _rule_line(theme: Theme) -> str:
    """The thin line under table cells and above the footer."""
    return f"{pt(0.4)} solid {colour(theme.colours.rule)}"


def _mail_text_css(role: TextRole, margins: bool = True) -> list[str]:
    """A text role for mail: leading in points with Outlook's exact-leading rule, which Word follows
    to the point; without margins for cells and list items, whose spacing is their own."""
    declarations = [d for d in text_css(role) if margins or not d.startswith("margin-")]
    leading = f"line-height: {pt(role.leading)}"
    return [leading if d.startswith("line-height:") else d for d in declarations] + ["mso-line-height-rule: exactly"]
