"""Which files are translations of which brief, from their names (`<stem>.<lang>.yaml` beside `<stem>.yaml`),
and the languages a build makes.

Apart from translation.py (which declares and checks a translation's text) so that finding a
build's briefs and their translations, on every run, imports neither YAML's schema nor the model.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import BriefgenError

LANGUAGE_PATTERN = "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


def translations_beside(brief_path: Path) -> dict[str, Path]:
    """Language -> translation file, for the files `<stem>.<lang>.yaml` (or .yml) beside a brief."""
    folder, stem = brief_path.parent, brief_path.stem
    found: dict[str, Path] = {}
    for candidate in sorted(folder.glob(f"{glob_escape(stem)}.*.y*ml")):
        language = translation_language(candidate)
        if language and candidate.name[len(stem) :].startswith(f".{language}.") and candidate.is_file():
            found.setdefault(language, candidate)
    return found


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def translation_language(path: Path) -> str:
    """The language of `<stem>.<lang>.yaml` when `<stem>.yaml` (or .yml) is beside it; else ''."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return ""
    stem, dot, language = path.stem.rpartition(".")
    if not dot or not stem or not re.fullmatch(LANGUAGE_PATTERN, language):
        return ""
    source = source_of(path)
    return language if source is not None else ""


def source_of(translation: Path) -> Path | None:
    """The brief a translation file translates: `<stem>.yaml` or `<stem>.yml` beside it."""
    stem = translation.stem.rpartition(".")[0]
    for suffix in (".yaml", ".yml"):
        candidate = translation.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def source_language(brief_path: Path) -> str:
    """The `language:` a brief is written in (en when it says none), read without validating it."""
    from .yamlsource import read_yaml

    try:
        data, _ = read_yaml(brief_path, str(brief_path), BriefgenError)
    except (BriefgenError, OSError):
        return ""
    value = data.get("language", "en") if isinstance(data, dict) else ""
    return value if isinstance(value, str) else ""


def variants(paths: list[Path], languages: tuple[str, ...]) -> list[tuple[Path, Path | None]]:
    """Each brief, then each of its translations: (brief, None) or (brief, translation), as `languages` picks.

    No `languages`: every language of every brief. A translation given as a path stands for
    itself alone. A language no brief is written or translated in is an error.
    """
    chosen: dict[tuple[Path, Path | None], None] = {}  # in order, each once (`briefs/*.yaml` names both)
    found: set[str] = set()
    for path in paths:
        if language := translation_language(path):
            source = source_of(path)
            if source is not None and (not languages or language in languages):
                chosen[(source, path)] = None
                found.add(language)
            continue
        translations = translations_beside(path)
        own = source_language(path) if languages else ""
        found.update(lang for lang in languages if lang == own or lang in translations)
        if not languages or own in languages:
            chosen[(path, None)] = None
        chosen.update(
            dict.fromkeys((path, t) for lang, t in translations.items() if not languages or lang in languages)
        )
    if missing := [lang for lang in languages if lang not in found]:
        raise BriefgenError(f"no brief is written or translated in {', '.join(missing)} (-l/--language)")
    return list(chosen)
