"""The fixed wording a reader sees, in the brief's language: labels, dates, plurals, citation terms.

One JSON table per built-in language beside this file (`en.json`, `fr.json`, ...) holds every label;
a label that varies with a number is a mapping of CLDR plural categories (`one`, `few`, `many`,
`other`) to text. Dates and plural categories come from CLDR through Babel. Citation terms
("Ibid.", "n.d.", "ed.", "and", "In") are generated from the Citation Style Language locales into
`csl_terms.json` by scripts/csl_terms.py (CC BY-SA 3.0, see NOTICE-CSL.txt beside this file).

A language tag is BCP 47: `fr-CH` takes the French tables (and Swiss French dates from CLDR);
a language without tables takes English throughout, without an error.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "fr", "de", "it", "ru", "es", "kk", "uz")  # the OSCE's six official languages, and the region's
ENGLISH_DATE = "d MMMM y"  # "15 January 2010": the house style English briefs have always printed

Label = str | dict[str, str]  # a text, or its forms by CLDR plural category


def primary_language(tag: str) -> str:
    """A BCP 47 tag's language subtag: `fr-CH` -> `fr`."""
    return tag.strip().replace("_", "-").split("-", 1)[0].lower()


def base_language(tag: str) -> str:
    """The built-in language a BCP 47 tag takes its wording from: `fr-CH` -> `fr`; unknown -> `en`."""
    primary = primary_language(tag)
    return primary if primary in LANGUAGES else "en"


@cache
def builtin_labels(tag: str) -> dict[str, Label]:
    """Every label in the language of `tag`, from its table."""
    data: dict[str, Label] = json.loads((HERE / f"{base_language(tag)}.json").read_text(encoding="utf-8"))
    return data


@cache
def babel_locale(tag: str) -> Locale:
    """The CLDR locale for dates and plurals: the tag itself when Babel knows it (`fr-CH`), else its base language."""
    language = base_language(tag)
    if language != "en" or tag.strip().lower().startswith("en"):
        try:
            found = Locale.parse(tag.strip().replace("-", "_"))
            if found.language == language:
                return found
        except (ValueError, UnknownLocaleError):
            pass
    return Locale.parse(language)


def date_text(d: date | None, tag: str = "en") -> str:
    """A brief's date as its language writes it: "15 January 2010", "15 janvier 2010", "15 января 2010 г."."""
    if d is None:
        return ""
    if base_language(tag) == "en":
        return format_date(d, ENGLISH_DATE, locale="en")
    return format_date(d, "long", locale=babel_locale(tag))


def number_text(n: int, tag: str = "en") -> str:
    """A count as the language groups its digits."""
    return format_decimal(n, locale=babel_locale(tag))


def plural_form(label: Label, count: int, tag: str = "en") -> str:
    """The form of a plural label for `count` by the language's CLDR rule; a plain text serves every count."""
    if isinstance(label, str):
        return label
    category = babel_locale(tag).plural_form(count)
    return label.get(category) or label.get("other") or next(iter(label.values()), "")


def labels_for(
    style_labels: dict[str, Label], tag: str, by_language: dict[str, dict[str, Label]] | None = None
) -> dict[str, Label]:
    """The labels a brief in `tag` prints: the language's built-in wording, then a style's own labels,
    then the style's labels for that language (`labels_in`, keyed by a primary language subtag such as `fr`;
    a language without its own entry takes the entry of the language its built-in wording falls back to)."""
    by_language = by_language or {}
    own = by_language.get(primary_language(tag), by_language.get(base_language(tag), {}))
    return {**builtin_labels(tag), **style_labels, **own}


@cache
def csl_terms(tag: str) -> dict[str, Any]:
    """Citation terms in the language of `tag` (see csl_terms.json)."""
    tables = json.loads((HERE / "csl_terms.json").read_text(encoding="utf-8"))["terms"]
    return tables.get(base_language(tag)) or tables["en"]
