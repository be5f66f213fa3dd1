"""A brief's files, found from its raw mapping without validating it: the .bib files it uses, the edition
it follows, the id its file name gives.

Apart from the loader (which validates first) so the no-op build, which only needs to know which
files to digest, does not import the brief's declarations, the model and the loader to ask.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import BibliographyError, display_path
from .names import MAX_ID, reserved


class NoBibliography(BibliographyError):
    """No .bib file was found for a brief: one problem, not one per citation.

    A BriefgenError, so that wherever it escapes (a .bib removed after a build) it is a message,
    never an internal error; a brief that cites nothing needs no bibliography and never sees it.
    """

    def __init__(self, looked_in: Iterable[str]) -> None:
        self.looked_in = tuple(looked_in)
        places = ", ".join(self.looked_in) or "no place"
        super().__init__(f"no bibliography found (looked in {places}); name one with --bib or `bibliography:`")


def find_bibliographies(brief_path: Path, options: Iterable[Path], declared: tuple[Path, ...]) -> tuple[Path, ...]:
    """--bib (repeatable), then the brief's `bibliography:`, then references.bib beside it, above it, or here.

    The folder above the brief's is found by normalising `<folder>/..`: `x.yaml`'s folder is `.` and the
    one above it `..` (Path.parent of `.` is `.` again), so the search works from any working directory
    and names the files as a user would (`../references.bib`). NoBibliography when none is found.
    """
    if options := tuple(options):
        return options
    if declared:
        return declared
    folder = Path(brief_path).parent
    above = Path(os.path.normpath(folder / os.pardir))
    candidates = (folder / "references.bib", above / "references.bib", Path("references.bib"))
    for candidate in candidates:
        if candidate.is_file():
            return (candidate,)
    raise NoBibliography(dict.fromkeys(display_path(c) for c in candidates))


def input_files(
    brief_path: Path, bib_options: Iterable[Path], declared: tuple[Path, ...], follows: Path | None = None
) -> tuple[Path, ...]:
    """The files loading a brief reads: the brief, each .bib file chosen for it (none if none is found), then
    the earlier edition it `follows:`.

    What a build's digest covers (incremental.sources_digest): `load` reads exactly these, and
    a rebuild that finds them unchanged need not load the brief to know.
    """
    try:
        bibs = find_bibliographies(brief_path, bib_options, declared)
    except NoBibliography:
        bibs = ()
    return tuple(Path(os.path.abspath(p)) for p in (brief_path, *bibs, *([follows] if follows else [])))


def file_id(path: Path) -> str:
    """The id a brief without `id:` takes from its file name, in the id alphabet.

    Ids name output folders and files, so only a-z, 0-9 and inner hyphens survive:
    `...yaml` or `../x.yaml` can never name a folder outside the output folder.
    """
    stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode("ascii").lower()
    found = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:MAX_ID].strip("-")
    return f"{found}-brief" if reserved(found) else found  # con.yaml: `con` is no file name on Windows


def declared_bibliographies(data: dict[str, Any], path: Path) -> tuple[Path, ...]:
    """`bibliography:` as one file or a list, relative to the brief."""
    declared = data.get("bibliography")
    names = [declared] if isinstance(declared, str) else declared if isinstance(declared, list) else []
    return tuple(path.parent / name for name in names if isinstance(name, str) and name)


def declared_follows(data: dict[str, Any], path: Path) -> Path | None:
    """`follows:` as a path relative to the brief."""
    follows = data.get("follows")
    return path.parent / follows if isinstance(follows, str) and follows else None


def uncited_warnings(brief_path: Path, bibliographies: Iterable[Path], uncited: Iterable[str]) -> tuple[str, ...]:
    """The warning for bibliography entries a brief does not cite, if any: made the same from a manifest."""
    names, keys = ", ".join(display_path(b) for b in bibliographies), list(uncited)
    if not keys or not names:
        return ()
    return (f"{names}: {len(keys)} entries not cited by {display_path(brief_path)}: {', '.join(keys)}",)
