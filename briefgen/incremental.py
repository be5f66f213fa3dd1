"""Which outputs a build may skip: digests of everything an output is made from.

Two digests, recorded per output in the brief's manifest:

- `sources`: the raw input files (the brief, its .bib files, and under the template roots
  every file a build may read: templates, styles, reference documents, logos, fonts) plus
  the toolchain. When it and the output file on disk match the manifest, nothing is parsed:
  a rebuild with nothing changed costs a few file reads, without loading the brief or
  importing a writer. Files are read through the one opener (inputs.read_input): a FIFO,
  a device, a link out of its folder or a file over its limit is noted, never read.
- `inputs`: the output's own inputs as the pipeline sees them: the audience's finished
  document model (the brief's fields that audience shows, the bibliography entries it
  cites, the template's output), its design, its asset files, the format and the toolchain.
  When a file changed but an output's `inputs` did not (an uncited .bib entry, another
  audience's override, a template comment), that output is not written again.

The toolchain is briefgen's version and files, the versions of the libraries that shape
the bytes, and SOURCE_DATE_EPOCH, so an upgrade rebuilds everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    from .design import Theme
    from .errors import Problem
    from .model import Document
    from .tracker import Tracker
    from .writers import Assets

MANIFEST = "manifest.json"  # in each brief's output folder
PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def toolchain() -> str:
    """What, besides the inputs, decides an output's bytes: briefgen's files and the installed libraries."""
    digest = hashlib.sha256(f"briefgen {__version__} python {sys.version_info[:3]}\0".encode())
    for name in sorted(_installed_distributions()):
        digest.update(name.encode("utf-8", "surrogateescape") + b"\n")
    _add_tree(digest, PACKAGE_DIR, by_content=False)  # a checkout's edits count before the version changes
    return digest.hexdigest()


def _installed_distributions() -> set[str]:
    """`reportlab-4.4.1.dist-info` and the like: any upgrade rebuilds (cheaper than asking importlib.metadata)."""
    found: set[str] = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as names:
                found.update(n.name for n in names if n.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return found


def _environment() -> str:
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip()


_ASSET_SUFFIXES = (".docx", ".png", ".jpg", ".jpeg", ".ttf", ".otf")  # reference documents, logos, fonts


def _limit(suffix: str) -> int:
    """The most a build reads of a file under a template root, by its suffix.

    Any file may be a template's include (`{% include "notes.md" %}`), read up to the template
    limit; a larger one is refused, never read, whatever it holds.
    """
    from .inputs import MAX_ASSET_BYTES, MAX_TEMPLATE_BYTES
    from .yamlsource import MAX_INPUT_BYTES

    if suffix in (".yaml", ".yml"):
        return MAX_INPUT_BYTES
    return MAX_ASSET_BYTES if suffix in _ASSET_SUFFIXES else MAX_TEMPLATE_BYTES


def _content(path: Path, limit: int, within: Path | None = None) -> bytes:
    """A file's digest through the one opener; a file it refuses counts as its refusal (the build says why)."""
    from .inputs import InputRefused, read_input

    try:
        return hashlib.sha256(read_input(path, limit, within=within)).digest()
    except InputRefused as refused:
        return f"refused: {refused}".encode()


def _add_tree(digest, root: Path, by_content: bool = True) -> None:
    """Every file under `root`, by relative name and content (or size and time), in order.

    By content, each file up to the most a build would read of it: a stray 1.5 GB video is
    refused unread (its size known from fstat) and counts as its refusal. A file that appears
    can change what a build reads (one root's template shadowing another's), so the tree, not a
    list of the files one build read, is what counts.
    """
    for path in sorted(_files(root)):
        digest.update(b"\0" + path.relative_to(root).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        if by_content:
            digest.update(_content(path, _limit(path.suffix.lower()), within=root))
        else:
            stat = path.stat()
            digest.update(f"{stat.st_size} {stat.st_mtime_ns}".encode())


def _files(root: Path) -> Iterable[Path]:
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        for name in names:
            if not name.startswith(".") and not name.endswith((".pyc", ".pyo")):
                yield Path(folder) / name


def sources_digest(files: Iterable[Path], roots: tuple[Path, ...]) -> str:
    """The raw files one brief's outputs are made from, and the toolchain. OSError if one is unreadable.

    `files` are those loading the brief reads (loader.Loaded.files: the brief, then each .bib),
    each by its absolute name and content; under the `roots`, every file a build may read.
    """
    from .inputs import MAX_BIBLIOGRAPHY_BYTES
    from .yamlsource import MAX_INPUT_BYTES

    digest = hashlib.sha256(f"{toolchain()}\0{_environment()}\0".encode())
    for path in files:
        digest.update(b"file\0" + os.path.abspath(path).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(_content(Path(path), max(MAX_INPUT_BYTES, MAX_BIBLIOGRAPHY_BYTES)))
    for root in roots:
        digest.update(b"root\0")
        _add_tree(digest, root)
    return digest.hexdigest()


def inputs_digest(document: Document | Tracker, theme: Theme | None, assets: Assets, fmt: str) -> str:
    """One output's inputs as the writer gets them: equal digests give equal bytes.

    The model (or the tracker's rows) and design are frozen dataclasses of plain values, so their
    repr is their content. A tracker has no design (None) and no assets; its words come from the
    built-in labels, part of the toolchain.
    """
    digest = hashlib.sha256(f"{toolchain()}\0{_environment()}\0{fmt}\0".encode())
    digest.update(repr(document).encode("utf-8", "surrogatepass"))
    digest.update(repr(theme).encode("utf-8", "surrogatepass"))
    for blob in (assets.reference_docx, assets.logo, *assets.fonts):
        digest.update(b"\0" + hashlib.sha256(blob or b"").digest())
    digest.update(assets.logo_type.encode())
    digest.update(assets.logo_alt.encode())
    return digest.hexdigest()


def previous_entries(previous: bytes | None, brief_id: str) -> list[dict]:
    """The entries of an earlier manifest of the same brief; an unreadable one is forgotten."""
    if not previous:
        return []
    try:
        data = json.loads(previous)
    except ValueError:
        return []
    if not isinstance(data, dict) or data.get("brief") != brief_id or not isinstance(data.get("outputs"), list):
        return []
    return [e for e in data["outputs"] if isinstance(e, dict)]


def recorded_uncited(previous: bytes | None, brief_id: str) -> tuple[str, ...]:
    """The bibliography keys an earlier build of the brief found uncited (build.manifest records them)."""
    try:
        data = json.loads(previous or b"{}")
    except ValueError:
        return ()
    keys = data.get("uncited") if isinstance(data, dict) and data.get("brief") == brief_id else None
    return tuple(k for k in keys if isinstance(k, str)) if isinstance(keys, list) else ()


def warning_record(problem: Problem) -> dict:
    """A style's warning as a manifest keeps it: its file by absolute name, named again from where a later run is."""
    return {
        "file": os.path.abspath(problem.file),
        "line": problem.line,
        "col": problem.col,
        "field": problem.field,
        "message": problem.message,
    }


def recorded_skipped(previous: bytes | None, brief_id: str, sources: str) -> frozenset[str]:
    """The audiences an earlier build from the same `sources` found not for this brief (a follow-up audience
    for a brief that follows none): build.manifest records them, so an unchanged brief is not loaded to know."""
    try:
        data = json.loads(previous or b"{}")
    except ValueError:
        return frozenset()
    record = data.get("skipped") if isinstance(data, dict) and data.get("brief") == brief_id else None
    if (
        not isinstance(record, dict)
        or record.get("sources") != sources
        or not isinstance(record.get("audiences"), list)
    ):
        return frozenset()
    return frozenset(a for a in record["audiences"] if isinstance(a, str))


def recorded_warnings(previous: bytes | None, brief_id: str) -> list[Problem]:
    """What loading warned of besides uncited entries (a translation's stale fields, an earlier edition's ids
    dropped without a reason) when the manifest was written (build.manifest)."""
    from .errors import Problem, display_path

    try:
        data = json.loads(previous or b"{}")
    except ValueError:
        return []
    records = data.get("warnings") if isinstance(data, dict) and data.get("brief") == brief_id else None
    return [
        Problem(display_path(r["file"]), r.get("line"), r.get("col"), str(r.get("field", "")), str(r.get("message")))
        for r in (records if isinstance(records, list) else ())
        if isinstance(r, dict) and isinstance(r.get("file"), str)
    ]


def recorded_style_warnings(entries: list[dict], audiences: list[str]) -> list[Problem]:
    """What the audiences' styles warned of when these outputs were made, in the order loading them says it."""
    from .errors import Problem, display_path

    first: dict[object, dict] = {}
    for entry in entries:
        first.setdefault(entry.get("audience"), entry)
    problems = []
    for name in audiences:
        for r in first.get(name, {}).get("style_warnings") or ():
            problems.append(Problem(display_path(r["file"]), r["line"], r["col"], r["field"], r["message"]))
    return problems


def file_sha256(path: Path) -> str | None:
    """An output's digest, as built; None if it is not the regular file briefgen wrote."""
    from .inputs import InputRefused, read_input

    try:
        return hashlib.sha256(read_input(path, 2_000_000_000)).hexdigest()
    except (OSError, InputRefused):
        return None


def quick_look(brief_path: Path) -> tuple[str, tuple[Path, ...], Path | None] | None:
    """A brief's id, declared .bib files and the edition it follows, read without validating it; None if that fails.

    Only for finding its manifest: when the brief is unchanged since that manifest, it was valid.
    """
    from .brieffiles import declared_bibliographies, declared_follows, file_id
    from .errors import BriefgenError
    from .yamlsource import read_yaml

    try:  # the reader every brief goes through: size, kind and nesting checked before libyaml sees it
        data, _ = read_yaml(brief_path, str(brief_path), BriefgenError)
    except (BriefgenError, OSError):
        return None
    if not isinstance(data, dict):
        return None
    brief_id = data.get("id", None)
    if brief_id is None:
        brief_id = file_id(brief_path)
    if not isinstance(brief_id, str) or not brief_id:
        return None
    return brief_id, declared_bibliographies(data, brief_path), declared_follows(data, brief_path)


def unchanged_entries(manifest: bytes | None, brief_id: str, folder: Path, names: list[str], sources: str):
    """The manifest entries for the files `names`, if every one was made from `sources` and is on disk as made.

    None as soon as one is not: then the build looks closer, output by output.
    """
    entries = {e.get("file"): e for e in previous_entries(manifest, brief_id)}
    found = []
    for name in names:
        entry = entries.get(name)
        if entry is None or entry.get("sources") != sources or not entry.get("inputs"):
            return None
        if file_sha256(folder / name) != entry.get("sha256"):
            return None
        found.append(entry)
    return found
