"""`check`: every brief validated and run through every audience's template, nothing written.

An audience with a page limit (max_pages) has its PDF made as `build` makes it, in memory,
so `check` warns of a brief too long for it as `build` would.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import display_path
from .build import output_problems
from .events import Checked, Failed, Reporter, Warned
from .load import failure, find_briefs, load
from .plan import for_brief, style_warnings


def run_check(
    briefs: tuple[Path, ...], bib: tuple[Path, ...], roots: tuple[Path, ...], reporter: Reporter, debug: bool = False
) -> int:
    """Check each brief, and each translation beside it, as `build` would read them; the number that failed
    (each reported as `Failed`)."""
    from ..audience import discover, load_audiences
    from ..build import page_budget, to_document
    from ..mail.recipients import brief_distribution
    from ..translationfiles import variants

    every = load_audiences(None, roots)  # style files are part of what is checked
    style_warnings(every, False, reporter)
    names = sorted(discover(roots))
    bad = 0
    failed: set[Path] = set()  # briefs that could not be loaded: their translations cannot be checked
    for path, translation in variants(find_briefs(briefs), ()):
        shown = translation or path
        if path in failed:
            continue
        try:
            brief, refs, _ = load(path, bib, names, reporter, translation)
            audiences, _skipped = for_brief(every, brief, asked=False)
            for audience in audiences:
                to_document(brief, audience, roots, refs)
            for problem in output_problems(shown, page_budget(brief, audiences, roots, refs), only_pages=True):
                reporter.report(Warned(str(problem)))  # as `build` says it: only a laid-out PDF counts its pages
            if translation is None:  # `mail` reads the list; `build` never does
                _check_languages(brief_distribution(path, names), brief.language, path, reporter)
            reporter.report(Checked(shown, len(brief.recommendations), len(brief.groups)))
        except Exception as err:
            reporter.report(Failed(shown, failure(shown, err, debug)))
            bad += 1
            failed.add(path)
    return bad


def _check_languages(listed, own: str, path: Path, reporter: Reporter) -> None:
    """What `mail` would warn of: readers of a language the brief is not translated into, one note for several."""
    from ..mail.languages import check_notes, variants
    from ..translation import translations_beside

    groups: dict[str, tuple] = {}
    for r in listed.recipients:
        groups[r.audience] = (*groups.get(r.audience, ()), r)
    readers, warnings = variants(groups, own, translations_beside(path))
    warnings += check_notes(readers, {a: listed.of(a) for a in groups}, own, "")
    for warning in warnings:
        reporter.report(Warned(f"{display_path(path)}: distribution: {warning}"))
