"""`translate init` and `translate stamp`, and which languages of a brief a build makes.

A translator's round: `init` writes the skeleton (the source text as placeholders, every field
listed as untranslated, the source digests); the translator replaces the text; `stamp` records
the source digests the text now answers to and clears the untranslated list. When the source
changes later, `check` and `build` warn of each field whose source text no longer has the
recorded digest ("stale"), until it is updated and stamped again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import BriefError, BriefgenError, Problem, display_path
from ..translation import (
    LANGUAGE_PATTERN,
    digest,
    leaves,
    shape_of,
    source_digests,
    source_of,
)
from ..yamlsource import field_name, read_yaml

HEADER = (
    "# Translation of {source} into '{language}': only the text, keyed by the source's structure.\n"
    "# Replace each text, keep every [@citation] and ^[note], then run `briefgen translate stamp {name}`.\n"
    "# `source:` records the source text each field was translated from (briefgen translate stamp writes it).\n"
)


class _Dumper(yaml.SafeDumper):
    """Text as a translator edits it: paragraphs as `|` blocks, lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000
    )  # one line per one-line text


def translation_path(brief_path: Path, language: str) -> Path:
    return brief_path.with_name(f"{brief_path.stem}.{language}{brief_path.suffix}")


def init_translation(brief_path: Path, language: str, text_from: Path | None = None, force: bool = False) -> Path:
    """Write the skeleton translation of a brief into `language` beside it; its path.

    With `text_from`, a whole brief already translated (same ids, same order) gives the text,
    and nothing is marked untranslated.
    """
    import re

    from ..loader import load_brief

    if not re.fullmatch(LANGUAGE_PATTERN, language):
        raise BriefgenError(f"'{language}' is not a language tag: write one like ru, kk or sr-Latn")
    target = translation_path(brief_path, language)
    if target.exists() and not force:
        raise BriefgenError(f"{display_path(target)} exists; translate it, or run `briefgen translate stamp` on it")
    source = load_brief(brief_path)
    shape = shape_of(load_brief(text_from) if text_from else source)
    untranslated = [] if text_from else [field_name(p) for p in leaves(shape)]
    body = {"language": language, **shape, **({"untranslated": untranslated} if untranslated else {})}
    body["source"] = source_digests(source)
    header = HEADER.format(source=brief_path.name, language=language, name=target.name)
    target.write_text(header + "\n" + dump(body), encoding="utf-8")
    return target


def stamp_translation(path: Path) -> tuple[Path, int]:
    """Record in a translation the digests of the source texts it now answers to; the file and how many.

    Only the `source:` and `untranslated:` blocks are rewritten: the translator's text, comments
    and layout stay as they were.
    """
    from ..loader import load_brief

    source_path = source_of(path)
    if source_path is None:
        stem = path.stem.rpartition(".")[0]
        message = f"no source brief beside it ({stem}.yaml); a translation is named <brief>.<lang>.yaml"
        raise BriefError(Problem(display_path(path), None, None, "", message))
    file = display_path(path)
    data, pos = read_yaml(path, file, BriefError)
    if not isinstance(data, dict):
        raise BriefError(Problem(file, 1, 1, "", "a translation must be a YAML mapping (language:, title:, ...)"))
    source = leaves(shape_of(load_brief(source_path)))
    recorded = {field_name(p): digest(source[p]) for p in leaves(data) if p in source}
    lines = _without_blocks(pos.lines, [pos.key_marks.get((name,)) for name in ("source", "untranslated")])
    text = "\n".join(lines).rstrip("\n") + "\n" + dump({"source": recorded})
    path.write_text(text, encoding="utf-8")
    return path, len(recorded)


def _without_blocks(lines: list[str], starts: list[tuple[int, int] | None]) -> list[str]:
    """The file's lines without the top-level keys starting at `starts` and their values."""
    dropped: set[int] = set()
    for start in starts:
        if start is None:
            continue
        n = start[0] - 1
        dropped.add(n)
        n += 1
        while n < len(lines) and (not lines[n].strip() or lines[n][0] in " \t-"):
            dropped.add(n)
            n += 1
    return [line for i, line in enumerate(lines) if i not in dropped]
