"""The theme's text roles as Word styles, so a reader can restyle the document in Word."""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Pt

from ...design import BoxLook, TextRole, Theme
from . import ooxml

# Styles briefgen adds to Word's built-in ones; a user's reference.docx may already define them.
CUSTOM_STYLES = (
    ("Kicker", WD_STYLE_TYPE.PARAGRAPH),
    ("Byline", WD_STYLE_TYPE.PARAGRAPH),
    ("Bibliography", WD_STYLE_TYPE.PARAGRAPH),
    ("Footnote Text", WD_STYLE_TYPE.PARAGRAPH),
    ("Footnote Reference", WD_STYLE_TYPE.CHARACTER),
    ("Hyperlink", WD_STYLE_TYPE.CHARACTER),
)

# The paragraph roles of the document model and the Word style each gets ("" is Normal).
ROLE_STYLES = {"bibliography": "Bibliography", "small": "Byline", "code": None}


BOX_STYLES = {"keymessages": "Key Messages", "quote": "Box Quote"}  # a box kind's style; others: "Box <kind>"


def box_style_name(look: BoxLook) -> str:
    """The Word style of a box's paragraphs: "Card High" for a high-priority card, "Key Messages"..."""
    if look.kind == "card":
        return f"Card {look.priority.title()}".strip()
    return BOX_STYLES.get(look.kind, f"Box {look.kind}")


def get_or_add(document, name: str, kind: WD_STYLE_TYPE, base: str | None = None):
    styles = document.styles
    try:
        return styles[name]
    except KeyError:
        new = styles.add_style(name, kind)
        if base:
            new.base_style = styles[base]
        return new


def ensure_styles(document) -> None:
    """With a user's reference.docx, its styles win; only add the ones it lacks."""
    names = {s.name for s in document.styles}
    for name, kind in CUSTOM_STYLES:
        if name not in names:
            new = get_or_add(document, name, kind, "Normal" if kind == WD_STYLE_TYPE.PARAGRAPH else None)
            if name == "Footnote Reference":
                new.font.superscript = True


def _apply(style, role: TextRole, *, spacing: bool = True, leading: WD_LINE_SPACING | None = None) -> None:
    """Font, size, colour and weight of a role; its spacing too unless the style keeps Word's.

    `leading` sets the role's line height as the PDF has it: AT_LEAST for running text (a
    larger inline glyph may still open its line), EXACTLY for titles and headings, whose
    PDF leading is below the font's own line height (Word's "single" for Noto is 1.36 em).
    """
    ooxml.set_style_fonts(style, role.font_name)
    ooxml.remove_theme_colour(style)
    ooxml.set_style_colour(style, role.colour)
    style.font.size = Pt(role.size)
    if role.bold:
        style.font.bold = True
    if role.italic:
        style.font.italic = True
    if spacing:
        style.paragraph_format.space_before = Pt(role.space_before)
        style.paragraph_format.space_after = Pt(role.space_after)
    if leading is not None:
        style.paragraph_format.line_spacing = Pt(role.leading)
        style.paragraph_format.line_spacing_rule = leading


def setup_styles(document, theme: Theme, language: str) -> None:
    """Restyle the packaged reference document from the audience's theme."""
    st = document.styles

    normal = st["Normal"]
    _apply(normal, theme.body, leading=WD_LINE_SPACING.AT_LEAST)
    normal.paragraph_format.widow_control = True  # no widow or orphan line, as the PDF's story
    ooxml.set_style_language(normal, language)

    for level, role in enumerate(theme.headings, start=1):
        h = st[f"Heading {level}"]
        _apply(h, role, leading=WD_LINE_SPACING.EXACTLY)
        h.font.italic = role.italic  # Word's built-in Heading 4 is italic
        h.paragraph_format.keep_with_next = True

    title = st["Title"]
    _apply(title, theme.title, leading=WD_LINE_SPACING.EXACTLY)
    ooxml.remove_paragraph_borders(title)

    subtitle = st["Subtitle"]
    _apply(subtitle, theme.subtitle, leading=WD_LINE_SPACING.EXACTLY)
    ooxml.remove_letter_spacing(subtitle)  # the default template letter-spaces subtitles

    kicker = get_or_add(document, "Kicker", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    _apply(kicker, theme.kicker, leading=WD_LINE_SPACING.EXACTLY)
    _apply(get_or_add(document, "Byline", WD_STYLE_TYPE.PARAGRAPH, "Normal"), theme.byline)

    bib = get_or_add(document, "Bibliography", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    _apply(bib, theme.bibliography, leading=WD_LINE_SPACING.AT_LEAST)
    bib.paragraph_format.left_indent = Pt(theme.bibliography.hanging)
    bib.paragraph_format.first_line_indent = Pt(-theme.bibliography.hanging)

    note = get_or_add(document, "Footnote Text", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    # Word's notes keep the number in the line: no hanging indent
    _apply(note, theme.note, leading=WD_LINE_SPACING.AT_LEAST)
    ref = get_or_add(document, "Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    ref.font.superscript = True
    link = get_or_add(document, "Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.underline = True
    ooxml.set_style_colour(link, theme.colours.accent)

    for name in ("List Bullet", "List Number"):
        st[name].paragraph_format.space_after = Pt(theme.body.space_after)  # as the PDF's list items
        ooxml.remove_contextual_spacing(st[name])  # would swallow the space between items

    for name in ("Header", "Footer"):
        hf = st[name]
        _apply(hf, theme.running, spacing=False)
        hf.paragraph_format.tab_stops.clear_all()  # the template's Letter-width stops misplace text
