"""Which briefs a command is about, which bibliographies each uses, and loading them checked."""

from __future__ import annotations

from pathlib import Path

from ..errors import BriefgenError, OutputError, display_path
from ..output import os_error
from .events import BibliographyUsed, Reporter, Warned


def find_briefs(paths: tuple[Path, ...] | list[Path]) -> list[Path]:
    """The briefs given, or every one in ./briefs: translations beside them (`<stem>.<lang>.yaml`) are not briefs."""
    from ..translationfiles import translation_language

    if paths:
        return list(paths)
    found = sorted(Path("briefs").glob("*.yaml")) + sorted(Path("briefs").glob("*.yml"))
    found = [path for path in found if not translation_language(path)]
    if not found:
        raise BriefgenError("no briefs given and none found in ./briefs (*.yaml)")
    return found


def load(
    brief_path: Path,
    bib_options: tuple[Path, ...],
    audience_names: list[str],
    reporter: Reporter,
    translation: Path | None = None,
):
    """Load a brief and its bibliographies, with every citation checked: the brief, its references,
    and the `Loaded` record of every file it read (what decides "up to date" covers exactly those).

    With `translation`, the brief is that translation of it, checked against it (translation.py).
    """
    from ..loader import load as load_brief
    from ..translation import load_translation

    loaded = load_brief(brief_path, bib_options, audience_names)
    if translation is not None:
        loaded = load_translation(loaded, translation)
    elif loaded.bibliographies:
        reporter.report(BibliographyUsed(brief_path, tuple(loaded.bibliographies), len(loaded.references)))
    for warning in loaded.warnings:
        reporter.report(Warned(warning))
    return loaded.brief, loaded.references, loaded


def failure(path: Path, err: Exception, debug: bool) -> BriefgenError:
    """What one brief's failure reports, so a command over many briefs goes on to the next.

    Under `debug` an internal error is raised again, for its traceback. A closed standard
    output (`| head`) is no brief's failure: it ends the command.
    """
    if isinstance(err, BrokenPipeError):
        raise err
    if isinstance(err, OutputError):
        return err.at(display_path(path))
    if isinstance(err, BriefgenError):
        return err
    if isinstance(err, OSError):
        return os_error(err)
    if debug:
        raise err
    return BriefgenError(
        f"{display_path(path)}: internal error: {type(err).__name__}: {err} (run with --debug for details)"
    )
