"""Typography per language: quotation marks, French spacing, the hyphenation dictionary.

The brief's `language:` (BCP 47) and each `[words]{lang=xx}` span choose them. Quotation marks
are CLDR's (a table below: Babel does not carry them); French spacing follows the Imprimerie
nationale's *Lexique des règles typographiques*; hyphenation dictionaries are pyphen's
(LibreOffice's). English keeps what briefgen always did: “ ” and ‘ ’, no spacing, no
hyphenation. A language not in the table is set as English.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .model import Branch, Code, Document, Emph, Inline, Metadata, Span, Strong, Text, map_children, plain_text

ENGLISH_QUOTES = "“”‘’"  # markdown-it's own: what every English brief has always printed
NBSP = "\u00a0"  # no-break space, a word space wide: before a colon, inside guillemets
NARROW_NBSP = "\u202f"  # narrow no-break space (the "fine"): before ; ! ?


def base_language(tag: str) -> str:
    """The language subtag of a BCP 47 tag, lower case: "fr-CH" and "fr_CH" are "fr"."""
    return tag.strip().replace("_", "-").split("-")[0].lower()


# Quotation marks (open, close, inner open, inner close), from CLDR 44's `<delimiters>` (Babel does
# not carry them) where they serve a published brief: French inner ‹ › as CLDR's fr-CH (fr nests
# « » in « »), Spanish « » “ ” as the RAE recommends (CLDR 44 has “ ” ‘ ’).
_QUOTES = {
    "en": ENGLISH_QUOTES,
    "fr": "«»‹›",
    "de": "„“‚‘",
    "ru": "«»„“",
    "it": "«»“”",
    "es": "«»“”",
    "kk": "«»“”",
    "uz": "“”’‘",  # CLDR 44-47: Uzbek (Latin) quotes as English does, its inner pair turned round
}


def quotes(tag: str) -> str:
    """The four quotation marks (open, close, inner open, inner close) of a language.

    markdown-it's `quotes` option takes them in this order. English, and a language not in the
    table, keep markdown-it's “ ” ‘ ’.
    """
    return _QUOTES.get(base_language(tag), ENGLISH_QUOTES)


def hyphenation_language(tag: str) -> str:
    """pyphen's dictionary for a language ("fr", "ru", "de_CH"), or "" for none.

    English is not hyphenated: its output stays as it always was.
    """
    if base_language(tag) in ("", "en"):
        return ""
    import pyphen

    found = pyphen.language_fallback(tag.strip().replace("-", "_"))
    return found or ""


# ---------------------------------------------------------------- French spacing

# "mot ; mot", "mot;" at a word's end: the space before becomes a no-break one, or one is put in.
# Only before whitespace or the end, so "http://", "10:30", "?q=1" and "!important" stay as written.
_BEFORE_FINE = re.compile(r"(?<=\S)[ \u00a0\u202f]?([;!?])(?=\s|$|[»›)\]])")
_BEFORE_COLON = re.compile(r"(?<=\S)[ \u00a0\u202f]?(:)(?=\s|$|[»›)\]])")
_AFTER_OPENING = re.compile(r"([«‹])[ \u00a0\u202f]*")
_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]*([»›])")
_STARTS_WITH = re.compile(r"^[ ]?([;!?:])(?=\s|$)")  # after emphasis or a link: "*mot* :"


_ADDRESS = re.compile(r"\S*(?:://|mailto:|www\.|@)\S*", re.I)  # printed as written


def french_spacing(text: str) -> str:
    """`text` with the no-break spaces of French typography (Imprimerie nationale).

    A narrow no-break space before ; ! ? and a no-break space before : and inside « » and ‹ ›, in place
    of a typed space or where none was typed; addresses in the text are left alone. Idempotent.
    """
    out, at = [], 0
    for m in _ADDRESS.finditer(text):
        out += [_french_spacing(text[at : m.start()]), m[0]]
        at = m.end()
    return "".join(out) + _french_spacing(text[at:])


def _french_spacing(text: str) -> str:
    text = _BEFORE_FINE.sub(NARROW_NBSP + r"\1", text)
    text = _BEFORE_COLON.sub(NBSP + r"\1", text)
    text = _AFTER_OPENING.sub(r"\1" + NBSP, text)
    text = _BEFORE_CLOSING.sub(NBSP + r"\1", text)
    return _STARTS_WITH.sub(lambda m: (NBSP if m[1] == ":" else NARROW_NBSP) + m[1], text)


def _spaced(language: str) -> bool:
    return base_language(language) == "fr"


def _requoted(text: str, outer: str, inner: str) -> str:
    """A span's text with the quotation marks of the text around it turned into its own language's."""
    if outer == inner:
        return text
    # not the inner marks: ’ is also the apostrophe
    return text.translate(str.maketrans(outer[:2], inner[:2]))


def _typeset(inlines: tuple[Inline, ...], language: str, document: str) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for node in inlines:
        match node:
            case Text(text=t):
                if language != document:
                    t = _requoted(t, quotes(document), quotes(language))
                if _spaced(language):
                    t = french_spacing(t)
                out.append(node if t == node.text else Text(t))
            case Code():
                out.append(node)  # code and addresses print as written
            case Span(lang=lang):
                out.append(_typeset_node(node, lang, document))
            case _:
                out.append(_typeset_node(node, language, document))
    return _same_or_new(inlines, tuple(_labels_kept(out)))


def _labels_kept(inlines: list[Inline]) -> list[Inline]:
    """A label keeps the first word of its value on its line: "**When:** 2010–2011" never ends a line
    at "When:". The space after bold or italic text ending in a colon becomes a no-break space."""
    for i in range(1, len(inlines)):
        label, value = inlines[i - 1], inlines[i]
        if (
            isinstance(label, Strong | Emph)
            and plain_text(label.children).rstrip().endswith(":")
            and isinstance(value, Text)
            and value.text[:1] == " "
            and value.text[1:2].strip()
        ):
            inlines[i] = Text(NBSP + value.text[1:])
    return inlines


def _typeset_node(node: Branch, language: str, document: str) -> Branch:
    """Top down, not `model.walk`'s bottom up: a span's language reaches the text inside it."""
    return map_children(
        node,
        lambda inlines: _typeset(inlines, language, document),
        lambda blocks: _same_or_new(blocks, tuple(_typeset_node(b, language, document) for b in blocks)),
    )


def _same_or_new(old: tuple, new: tuple) -> tuple:
    """`old` when nothing in it changed: `typeset(doc) is doc` says an English document is untouched."""
    return old if all(n is o for n, o in zip(new, old, strict=True)) else new


def typeset(doc: Document) -> Document:
    """The document with each text's spacing and a span's quotation marks as its language wants.

    One pass over the model, so every writer prints the same. The document's own quotation marks
    were set by the Markdown parser (markdown.parser); a span in another language gets its own.
    A label ("**When:**") is joined to its value's first word in every language; otherwise
    nothing changes in an English document without spans in another language.
    """
    language = doc.meta.language
    blocks = _same_or_new(doc.blocks, tuple(_typeset_node(b, language, language) for b in doc.blocks))
    meta = _spaced_metadata(doc.meta) if _spaced(language) else doc.meta
    if meta is doc.meta and blocks is doc.blocks:
        return doc
    return Document(meta, blocks)


def _spaced_metadata(meta: Metadata) -> Metadata:
    return replace(
        meta,
        title=french_spacing(meta.title),
        subtitle=french_spacing(meta.subtitle),
        organisation=french_spacing(meta.organisation),
        series=french_spacing(meta.series),
    )
