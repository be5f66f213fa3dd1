"""Which language of a brief each recipient gets: their own where the brief is translated into it.

A recipient's `language` (from the list, or `-l` for addresses on the command line) picks a
translation beside the brief (`<brief>.<lang>.yaml`): the exact tag first, then its primary
language (`fr-CH` reads `fr`). A recipient who reads the brief's own language, or gives none,
gets the brief; one whose language has no translation gets the brief too, and `mail` says so,
naming them: nobody is silently sent a language they did not ask for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .recipients import ListSettings, Recipient

SOURCE = ""  # the variant that is the brief itself


@dataclass(frozen=True)
class Variant:
    """One audience's recipients who get one language of the brief."""

    audience: str
    language: str  # a translation's language, or SOURCE
    recipients: tuple[Recipient, ...]


def variant_of(wanted: str, own: str, translations: Iterable[str]) -> str:
    """The translation a reader of `wanted` gets, or SOURCE (the brief: their language, or none of theirs)."""
    if not wanted:
        return SOURCE
    by_tag = {t.casefold(): t for t in translations}
    primary = wanted.split("-")[0].casefold()
    if wanted.casefold() == own.casefold() or (
        primary == own.split("-")[0].casefold() and wanted.casefold() not in by_tag
    ):
        return SOURCE
    return by_tag.get(wanted.casefold()) or by_tag.get(primary) or SOURCE


def variants(
    groups: dict[str, tuple[Recipient, ...]], own: str, translations: dict[str, Path]
) -> tuple[list[Variant], list[str]]:
    """Each audience's recipients by the language they get, the brief's own first; and a warning per
    audience for readers of a language the brief is not translated into."""
    found: list[Variant] = []
    warnings: list[str] = []
    for audience, people in groups.items():
        by_language: dict[str, list[Recipient]] = {SOURCE: []}
        untranslated: dict[str, list[str]] = {}
        for r in people:
            language = variant_of(r.language, own, translations)
            by_language.setdefault(language, []).append(r)
            if (
                language == SOURCE
                and r.language
                and r.language.split("-")[0].casefold() != own.split("-")[0].casefold()
            ):
                untranslated.setdefault(r.language, []).append(r.email)
        found += [Variant(audience, lang, tuple(rs)) for lang, rs in by_language.items() if rs]
        for language, emails in untranslated.items():
            who = ", ".join(emails[:3]) + (f" and {len(emails) - 3} more" if len(emails) > 3 else "")
            warnings.append(
                f"{audience}: no '{language}' translation of the brief; {who} "
                f"{'gets' if len(emails) == 1 else 'get'} it in '{own}' (to translate it: briefgen translate init "
                f"BRIEF --to {language.split('-')[0]})"
            )
    return found, warnings


def note_language(variant: Variant, own: str) -> str:
    """The language a variant's message is written in."""
    return variant.language or own


def check_notes(variants: list[Variant], notes: dict[str, ListSettings], own: str, given: str) -> list[str]:
    """Errors for notes given per language that lack one a message is written in; warnings for one note
    going to readers of several languages. `notes`: each audience's list settings; `given`: --note's text."""
    from ..errors import MailError

    warnings: list[str] = []
    languages: dict[str, list[str]] = {}
    for v in variants:
        languages.setdefault(v.audience, []).append(note_language(v, own))
    for audience, spoken in languages.items():
        settings = notes[audience]
        if given or not settings.notes_in:
            if len(spoken) > 1 and (given or settings.note):
                origin = "--note" if given else f"{settings.where}: note"
                warnings.append(
                    f"{audience}: {origin} is one text; it goes as written to readers of {', '.join(spoken)} "
                    "(a list's `note:` may give one per language)"
                )
            continue
        for language in spoken:
            if settings.note_in(language) is None:
                raise MailError(
                    f"{settings.where}: note: no '{language}' text, though {audience} is mailed in '{language}'; "
                    f"add `{language}:` under note"
                )
    return warnings
