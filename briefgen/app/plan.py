"""What a build must make: the request, and the decisions about what is up to date.

Two looks, cheapest first. `unchanged_outputs` reads the brief's id and the manifest only:
when no raw input changed, nothing is parsed. Otherwise `plan_brief` loads the brief, makes
each audience's document, and sends to the worker pool only the outputs whose own inputs
changed (incremental.py says what each digest covers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BriefgenError, Problem, display_path
from ..output import finish_interrupted
from ..writers import FORMATS
from .events import BriefUpToDate, Reporter, UpToDate, Warned
from .load import load

if TYPE_CHECKING:
    from ..brief import Brief


@dataclass(frozen=True)
class BuildRequest:
    """What `build` and `watch` were asked for."""

    paths: list[Path]
    audiences: tuple[str, ...]  # () is every audience
    formats: tuple[str, ...]
    out_dir: Path
    bib: tuple[Path, ...]
    strict: bool
    roots: tuple[Path, ...]
    workers: int
    force: bool = False
    debug: bool = False  # an internal error raises, for its traceback
    languages: tuple[str, ...] = ()  # () is the brief's own language and every translation beside it


@dataclass
class Pending:
    """One brief planned: its jobs under way, and the outputs found up to date."""

    path: Path
    brief: Brief
    futures: list
    unchanged: list[dict]
    sources: str
    previous: bytes | None
    templates: dict[str, str]  # audience -> its template
    uncited: tuple[str, ...] = ()  # bibliography keys the brief does not cite: the manifest records them
    style_warnings: dict[str, list[dict]] | None = None  # audience -> what its style warned of, for the manifest
    loading_warnings: tuple[dict, ...] = ()  # a translation's stale fields, dropped ids (warning_record): manifest
    skipped: tuple[str, ...] = ()  # audiences asked for that are not for this brief (for_brief)


def style_warnings(audiences: list, strict: bool, reporter: Reporter) -> None:
    """Once per run, what the audiences' styles get away with (low contrast); an error with --strict."""
    problems = [p for a in audiences for p in a.warnings]
    if problems and strict:
        raise BriefgenError(problems)
    for p in problems:
        reporter.report(Warned(str(p)))


def unchanged_outputs(
    path: Path, names: list[str], request: BuildRequest, translation: Path | None = None
) -> tuple[list[dict], tuple[str, ...]] | None:
    """The manifest entries of every output asked for, if none of their raw inputs changed; else None.

    With them, what loading the brief warned of, to say again (the manifest records the keys it left
    uncited, and a translation's stale fields). With `translation`, the outputs of that translation.
    """
    from ..brieffiles import input_files, uncited_warnings
    from ..incremental import (
        MANIFEST,
        quick_look,
        recorded_skipped,
        recorded_uncited,
        recorded_warnings,
        sources_digest,
        unchanged_entries,
    )
    from ..translationfiles import translation_language

    look = quick_look(path)
    if look is None:
        return None
    brief_id, declared, follows = look
    try:  # a .bib gone since the last build: the full build says whether the brief needs one
        read = input_files(path, request.bib, declared, follows)
        bibs = read[1 : len(read) - bool(follows)]
        if translation is not None:
            brief_id, read = f"{brief_id}.{translation_language(translation)}", (*read, translation.absolute())
        sources = sources_digest(read, request.roots)
        folder = request.out_dir / brief_id
        finish_interrupted(folder)  # a set a killed run left half renamed: whole before it is read
        previous = (folder / MANIFEST).read_bytes()
    except (BriefgenError, OSError):
        return None  # the full build reports what is missing
    skipped = recorded_skipped(previous, brief_id, sources)
    if request.audiences and skipped & set(names):
        return None  # asked for by name: the full build says why it is not for this brief
    wanted = [a for a in names if a not in skipped]
    files = list(dict.fromkeys(FORMATS[f].file_name(brief_id, a) for a in wanted for f in request.formats))
    entries = unchanged_entries(previous, brief_id, folder, files, sources)
    if entries is None:
        return None
    warnings = tuple(str(p) for p in recorded_warnings(previous, brief_id))
    if translation is None:
        warnings = uncited_warnings(path, bibs, recorded_uncited(previous, brief_id)) + warnings
    return [{**e, "folder": brief_id} for e in entries], warnings


def warn_again(path: Path, entries: list[dict], request: BuildRequest, reporter: Reporter) -> None:
    """Warnings recorded for up-to-date outputs: a page limit still applies to a file not rebuilt."""
    problems = [
        Problem(display_path(path), None, None, str(e.get("audience")), f"{e.get('file')}: {w}")
        for e in entries
        for w in e.get("warnings") or ()
    ]
    if problems and request.strict:
        raise BriefgenError(problems)
    for p in problems:
        reporter.report(Warned(str(p)))


def report_unchanged(
    path: Path, entries: list[dict], request: BuildRequest, reporter: Reporter, anything_written: bool
) -> None:
    """Each up-to-date output, then the brief when nothing of it was written."""
    for e in entries:
        reporter.report(UpToDate(request.out_dir / str(e.get("folder")) / str(e.get("file"))))
    if entries and not anything_written:
        reporter.report(BriefUpToDate(path, len(entries)))


def plan_brief(
    path: Path,
    audiences: Callable[[], list],
    request: BuildRequest,
    runner,
    ids: dict[str, Path],
    reporter: Reporter,
    translation: Path | None = None,
    last: bool = False,
) -> Pending:
    """Load the brief (or its `translation`), make its documents, and send the outputs whose inputs changed to the pool.

    `audiences()` loads the audiences (styles, logos, fonts) on first use, once per command.
    `last`: no brief comes after this one, so a single job left to make needs no pool (Runner.submit_all).
    """
    from ..build import make, plan
    from ..folders import discover
    from ..followup import unexplained
    from ..incremental import MANIFEST, previous_entries, sources_digest, warning_record

    every = audiences()  # before the brief: what the styles warn of is said first, as when all is up to date
    brief, refs, loaded = load(path, request.bib, sorted(discover(request.roots)), reporter, translation)
    chosen, skipped = for_brief(every, brief, bool(request.audiences))
    _claim_id(ids, brief.id, path)
    jobs = plan(brief, chosen, list(request.formats), request.roots, refs)
    sources = sources_digest(loaded.files, request.roots)
    finish_interrupted(request.out_dir / brief.id)  # before the folder is read: see unchanged_outputs
    manifest_path = request.out_dir / brief.id / MANIFEST
    previous = manifest_path.read_bytes() if manifest_path.is_file() else None
    recorded = {e.get("file"): e for e in previous_entries(previous, brief.id)}
    to_make, unchanged = [], []
    for job in jobs:
        entry = recorded.get(job.relative_path.name)
        if entry is not None and _still_made(job, entry, request):
            unchanged.append({**entry, "folder": brief.id})
        else:
            to_make.append(job)
    futures = runner.submit_all(make, to_make, last)
    templates = {a.name: a.template for a in chosen}
    style_warnings = {a.name: [warning_record(p) for p in a.warnings] for a in chosen}
    if translation is not None:
        stale = tuple(warning_record(p) for p in loaded.stale)
        return Pending(
            translation, brief, futures, unchanged, sources, previous, templates, (), style_warnings, stale, skipped
        )
    dropped = tuple(warning_record(p) for p in unexplained(brief))
    return Pending(
        path, brief, futures, unchanged, sources, previous, templates, loaded.uncited, style_warnings, dropped, skipped
    )


def for_brief(audiences: list, brief: Brief, asked: bool) -> tuple[list, tuple[str, ...]]:
    """The audiences a brief is built for, and those passed over (build.for_this_brief: a follow-up audience
    for a brief that follows none). Named on the command line, such an audience is an error saying what to add."""
    from ..build import for_this_brief, refuse_unless_for_this_brief

    passed_over = [a for a in audiences if not for_this_brief(a, brief)]
    if passed_over and asked:
        refuse_unless_for_this_brief(passed_over[0], brief)
    skipped = tuple(a.name for a in passed_over)
    return [a for a in audiences if a.name not in skipped], skipped


def _claim_id(ids: dict[str, Path], brief_id: str, path: Path) -> None:
    """Two briefs with one id would write the same folder: the second is refused."""
    first = ids.setdefault(brief_id, path)
    if first != path:
        raise BriefgenError(
            Problem(
                display_path(path),
                None,
                None,
                "id",
                f"'{brief_id}' is also the id of {display_path(first)}; its outputs would overwrite those",
            )
        )


def _still_made(job, entry: dict, request: BuildRequest) -> bool:
    """The output on disk is the one this job would make: same inputs, file as written."""
    from ..incremental import file_sha256

    return (
        not request.force
        and entry.get("inputs") == job.inputs
        and file_sha256(request.out_dir / job.relative_path) == entry.get("sha256")
    )
