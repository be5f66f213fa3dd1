"""The theme's text roles as Word styles, so a reader can restyle the document in Word."""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.oxml.styles import CT_Style
from docx.shared import Pt
from docx.styles import BabelFish
from docx.styles.style import StyleFactory

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


W_STYLE, W_NAME, W_VAL, W_TYPE, W_DEFAULT = (qn(f"w:{n}") for n in ("style", "name", "val", "type", "default"))
ON = ("1", "true", "on")  # ST_OnOff's true values


class StyleIndex:
    """A document's styles by name, read in one pass, as python-docx's `Styles` finds them.

    python-docx finds a style by name with an XPath over every style, and the default style
    of a type (which a paragraph names by no id) by reading every style's type: both at each
    paragraph given a style by name, a seventh of a DOCX's build. Styles added through
    `add` are indexed too; the index is the document's, made after it is opened.
    """

    def __init__(self, document) -> None:
        self.styles = document.styles
        self._by_name: dict[str, CT_Style] = {}  # internal name -> the first w:style of that name
        self._defaults: dict[str, CT_Style] = {}  # w:type -> the last default w:style of that type
        for element in self.styles.element.iterchildren(W_STYLE):
            self._index(element)

    def _index(self, element) -> None:
        name = element.find(W_NAME)
        if name is not None and name.get(W_VAL) is not None:
            self._by_name.setdefault(name.get(W_VAL), element)
        if element.get(W_DEFAULT) in ON and element.get(W_TYPE) is not None:  # python-docx's `default_for`
            self._defaults[element.get(W_TYPE)] = element

    def __contains__(self, name: str) -> bool:
        return BabelFish.ui2internal(name) in self._by_name

    def __getitem__(self, name: str):
        """The style named `name`; python-docx's own lookup (by id, with its warning) for a name not found."""
        element = self._by_name.get(BabelFish.ui2internal(name))
        return StyleFactory(element) if element is not None else self.styles[name]

    def id_of(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        """What python-docx's `get_style_id` gives: the style's id, None for the default style of its type."""
        style = self[name]
        if style.type != kind:
            raise ValueError(f"assigned style is type {style.type}, need type {kind}")
        return None if style.element is self._defaults.get(style.element.get(W_TYPE)) else style.style_id

    def add(self, name: str, kind: WD_STYLE_TYPE):
        """A new style, as `Styles.add_style` makes it (its check for the name read every style), indexed."""
        internal = BabelFish.ui2internal(name)
        if internal in self:
            raise ValueError(f"document already contains style '{name}'")
        element = self.styles.element.add_style_of_type(internal, kind, False)
        self._index(element)
        return StyleFactory(element)


def get_or_add(styles: StyleIndex, name: str, kind: WD_STYLE_TYPE, base: str | None = None):
    try:
        return styles[name]
    except KeyError:
        new = styles.add(name, kind)
        if base:
            new.base_style = styles[base]
        return new


def ensure_styles(styles: StyleIndex) -> None:
    """With a user's reference.docx, its styles win; only add the ones it lacks."""
    names = {s.name for s in styles.styles}
    for name, kind in CUSTOM_STYLES:
        if name not in names:
            new = get_or_add(styles, name, kind, "Normal" if kind == WD_STYLE_TYPE.PARAGRAPH else None)
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


def setup_styles(st: StyleIndex, theme: Theme, language: str) -> None:
    """Restyle the packaged reference document from the audience's theme."""

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

    kicker = get_or_add(st, "Kicker", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    _apply(kicker, theme.kicker, leading=WD_LINE_SPACING.EXACTLY)
    _apply(get_or_add(st, "Byline", WD_STYLE_TYPE.PARAGRAPH, "Normal"), theme.byline)

    bib = get_or_add(st, "Bibliography", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    _apply(bib, theme.bibliography, leading=WD_LINE_SPACING.AT_LEAST)
    bib.paragraph_format.left_indent = Pt(theme.bibliography.hanging)
    bib.paragraph_format.first_line_indent = Pt(-theme.bibliography.hanging)

    note = get_or_add(st, "Footnote Text", WD_STYLE_TYPE.PARAGRAPH, "Normal")
    # Word's notes keep the number in the line: no hanging indent
    _apply(note, theme.note, leading=WD_LINE_SPACING.AT_LEAST)
    ref = get_or_add(st, "Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    ref.font.superscript = True
    link = get_or_add(st, "Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.underline = True
    ooxml.set_style_colour(link, theme.colours.accent)

    for name in ("List Bullet", "List Number"):
        st[name].paragraph_format.space_after = Pt(theme.body.space_after)  # as the PDF's list items
        ooxml.remove_contextual_spacing(st[name])  # would swallow the space between items

    for name in ("Header", "Footer"):
        hf = st[name]
        _apply(hf, theme.running, spacing=False)
        hf.paragraph_format.tab_stops.clear_all()  # the template's Letter-width stops misplace text
