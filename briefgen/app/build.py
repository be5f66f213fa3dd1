"""`build`: every brief of a request made and written, one set per brief, reporting as it goes."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BriefgenError, Problem, display_path
from ..output import write_set
from .events import Advanced, Failed, ProgressEnded, ProgressStarted, Reporter, Warned, Written
from .load import failure
from .plan import BuildRequest, Pending, plan_brief, report_unchanged, style_warnings, unchanged_outputs, warn_again

if TYPE_CHECKING:
    from ..build import Output


def run_build(request: BuildRequest, reporter: Reporter) -> int:
    """Build every brief of `request`; the number of briefs that failed (each reported as `Failed`).

    Each brief is looked at in turn (an unchanged one costs a few file reads); the outputs to
    make are sent to the worker pool as they are found, and each brief's set is written as soon
    as its outputs are made, in the order of the briefs.
    """
    from ..folders import discover
    from ..incremental import recorded_style_warnings
    from ..parallel import Runner
    from ..translationfiles import variants

    names = list(request.audiences) or sorted(discover(request.roots))
    loaded: list = []
    said: list = []  # the styles' warnings, said once a run: when they load, or from a manifest if they need not

    def audiences() -> list:
        from ..audience import load_audiences

        if not loaded:
            chosen = load_audiences(names, request.roots)
            if not said:
                style_warnings(chosen, request.strict, reporter)
            loaded.extend(chosen)
            said.append(True)
        return loaded

    if request.strict:
        audiences()  # a style's low contrast fails the run even when every output is up to date
    pending: list[Pending] = []
    ids: dict[str, Path] = {}  # brief id -> the file that has it: two would write the same folder
    failures = 0
    failed: set[Path] = set()  # briefs that could not be loaded
    chosen = variants(request.paths, request.languages)
    with Runner(request.workers, preload=partial(_preload, request.formats)) as runner:
        for index, (path, translation) in enumerate(chosen, 1):
            if translation is not None and path in failed:
                continue  # the brief's failure was said; its translations cannot be made without it
            try:
                looked = None if request.force else unchanged_outputs(path, names, request, translation)
                if looked is not None:
                    entries, warnings = looked
                    if not said:  # what the styles warned of when these were made
                        warnings = (*map(str, recorded_style_warnings(entries, names)), *warnings)
                        said.append(True)
                    for warning in warnings:  # and what loading the brief warned of, said again
                        reporter.report(Warned(warning))
                    warn_again(translation or path, entries, request, reporter)
                    report_unchanged(translation or path, entries, request, reporter, anything_written=False)
                    continue
                last = index == len(chosen)  # the command's last jobs: one alone starts no pool
                pending.append(plan_brief(path, audiences, request, runner, ids, reporter, translation, last))
            except Exception as err:  # one brief's failure: the others are still built
                shown = translation or path
                reporter.report(Failed(shown, failure(shown, err, request.debug)))
                failures += 1
                failed.add(path)
        failures += _finish_all(pending, request, reporter)
    return failures


def _preload(formats: tuple[str, ...], jobs: list) -> None:
    """Before the pool forks: the writers of `formats`, and what the first jobs' documents draw."""
    from ..writers import preload

    preload(formats, [job.theme for job in jobs if job.theme is not None])


def _finish_all(pending: list[Pending], request: BuildRequest, reporter: Reporter) -> int:
    """Wait for the briefs planned, in order, writing each set; the number that failed."""
    failures = 0
    reporter.report(ProgressStarted(sum(len(p.futures) for p in pending), "building"))
    try:
        for planned in pending:
            try:
                finish_brief(planned, request, reporter)
            except Exception as err:
                reporter.report(Failed(planned.path, failure(planned.path, err, request.debug)))
                failures += 1
    finally:
        reporter.report(ProgressEnded())
    return failures


def output_problems(path: Path, outputs: list[Output], only_pages: bool = False) -> list[Problem]:
    """Each output's warnings (`only_pages`: its page count over the limit) as problems naming the brief,
    the audience and the file, as `build` and `check` say them."""
    return [
        Problem(display_path(path), None, None, o.audience, f"{o.relative_path.name}: {w}")
        for o in outputs
        for w in (o.over_pages if only_pages else o.warnings)
    ]


def finish_brief(planned: Pending, request: BuildRequest, reporter: Reporter) -> None:
    """Wait for one brief's outputs, warn, and write them with its manifest as one set."""
    from ..build import manifest
    from ..incremental import MANIFEST

    outputs = []
    for future in planned.futures:
        outputs.append(future.result())
        reporter.report(Advanced())
    problems = output_problems(planned.path, outputs)
    if problems and request.strict:
        raise BriefgenError(problems)
    for p in problems:
        reporter.report(Warned(str(p)))
    warn_again(planned.path, planned.unchanged, request, reporter)
    brief = planned.brief
    folder = request.out_dir / brief.id
    present = frozenset(p.name for p in folder.iterdir()) if folder.is_dir() else frozenset()
    confirmed = frozenset(str(e.get("file")) for e in planned.unchanged)
    files = [(o.relative_path, o.data) for o in outputs]
    body = manifest(
        brief,
        outputs,
        planned.previous,
        present,
        planned.sources,
        confirmed,
        planned.uncited,
        planned.style_warnings,
        planned.loading_warnings,
        planned.skipped,
    )
    if outputs or body != planned.previous:
        files.append((Path(brief.id) / MANIFEST, body))
    written = write_set(files, request.out_dir) if files else []
    for target, o in zip(written, outputs, strict=False):
        reporter.report(Written(target, planned.templates.get(o.audience, "tracker"), len(o.data), o.pages))
    report_unchanged(planned.path, planned.unchanged, request, reporter, anything_written=bool(outputs))
