"""`watch`: build, then build again whenever a file a build reads changes."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from ..brieffiles import find_bibliographies
from ..errors import BriefgenError
from .build import run_build
from .events import Failed, Rebuilt, Reporter, Stopped
from .plan import BuildRequest


def watch(request: Callable[[], BuildRequest], interval: float, reporter: Reporter) -> None:
    """Build, then rebuild on every change, until Ctrl-C.

    `request` is asked again each round: briefs added to ./briefs since are built too.
    """
    seen = None
    try:
        while True:
            current = watched_state(request)
            if current != seen:
                time.sleep(interval / 2)  # an editor may write a file in several steps: let it finish
                seen = watched_state(request)
                _one_round(request, reporter)
            time.sleep(interval)
    except KeyboardInterrupt:
        reporter.report(Stopped())


def _one_round(request: Callable[[], BuildRequest], reporter: Reporter) -> None:
    started = time.perf_counter()
    try:
        failed = run_build(request(), reporter)
    except BriefgenError as err:  # no briefs yet, an unknown audience: say so, keep watching
        reporter.report(Failed(None, err))
        failed = 1
    took = time.perf_counter() - started
    reporter.report(Rebuilt(time.strftime("%H:%M:%S"), bool(failed), took))


def watched_state(request: Callable[[], BuildRequest]) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file a build reads: briefs, their translations, .bib files,
    templates and styles."""
    from ..incremental import quick_look
    from ..translation import translations_beside

    try:
        built = request()
    except BriefgenError:
        built = None
    paths: list[Path] = [Path("briefs")] if built is None else list(built.paths)
    roots = () if built is None else built.roots
    for brief in list(paths):
        look = quick_look(brief) if brief.is_file() else None
        paths.extend(translations_beside(brief).values())
        with suppress(BriefgenError):
            paths.extend(find_bibliographies(brief, built.bib if built else (), look[1] if look else ()))
        if look and look[2]:
            paths.append(look[2])  # the edition it follows
    for root in roots:
        paths.extend(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    state = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        state[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return state
