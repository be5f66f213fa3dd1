"""Which briefs a command is about, which bibliographies each uses, and loading them checked."""

from __future__ import annotations

from pathlib import Path

from ..errors import BriefgenError, OutputError, display_path
from ..output import os_error
from .events import BibliographyUsed, Reporter, Warned


def find_briefs(paths: tuple[Path, ...] | list[Path]) -> list[Path]:
    """The briefs given, or every one in ./briefs."""
    if paths:
        return list(paths)
    found = sorted(Path("briefs").glob("*.yaml")) + sorted(Path("briefs").glob("*.yml"))
    if not found:
        raise BriefgenError("no briefs given and none found in ./briefs (*.yaml)")
    return found


def bibliography_paths(brief_path: Path, options: tuple[Path, ...], declared: tuple[Path, ...]) -> tuple[Path, ...]:
    """--bib (repeatable), then the brief's `bibliography:`, then references.bib beside it, above it, or here."""
    from ..loader import NoBibliography

    if options:
        return options
    if declared:
        return declared
    candidates = (
        brief_path.parent / "references.bib",
        brief_path.parent.parent / "references.bib",
        Path("references.bib"),
    )
    for candidate in candidates:
        if candidate.is_file():
            return (candidate,)
    raise NoBibliography(dict.fromkeys(display_path(c) for c in candidates))


def load(brief_path: Path, bib_options: tuple[Path, ...], audience_names: list[str], reporter: Reporter):
    """Load a brief and its bibliographies, with every citation checked."""
    from ..bibliography import load_bibliographies
    from ..loader import load_brief

    chosen: dict[str, object] = {"bibs": (), "refs": {}}

    def known_keys(declared: tuple[Path, ...]) -> dict:
        chosen["bibs"] = bibliography_paths(brief_path, bib_options, declared)
        chosen["refs"] = load_bibliographies(chosen["bibs"])
        return chosen["refs"]

    brief = load_brief(brief_path, known_keys=known_keys, audiences=audience_names)
    refs, bibs = chosen["refs"], chosen["bibs"]
    names = ", ".join(display_path(b) for b in bibs)
    if bibs:
        reporter.report(BibliographyUsed(brief_path, tuple(bibs), len(refs)))
    unused = sorted(set(refs) - set(brief.cited))
    if unused and bibs:
        reporter.report(
            Warned(f"{names}: {len(unused)} entries not cited by {display_path(brief_path)}: {', '.join(unused)}")
        )
    return brief, refs, bibs


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
