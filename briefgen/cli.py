"""Command line: thin commands that load configuration and call the pure pipeline.

Only this module touches output files and exit codes. Outputs are written
atomically, and only after every output of a brief was produced.
"""

from __future__ import annotations

import hashlib
import os
import sys
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .errors import BriefgenError, OutputError, Problem, display_path
from .output import finish_interrupted, os_error, write_set
from .writers import DEFAULT_FORMATS, FORMATS

QUIET, NORMAL, VERBOSE = 0, 1, 2


def _verbosity() -> int:
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().meta.get("briefgen.verbosity", NORMAL) if ctx else NORMAL


_ERASE_LINE = "\r\x1b[K"
_bar_showing = False  # a progress bar is on the terminal's last line: clear it before printing


def _say(message: str, level: int = NORMAL, err: bool = False) -> None:
    """What a command reports: nothing under -q, details only under -v. Errors are never held back."""
    if _verbosity() >= level:
        if _bar_showing:
            sys.stderr.write(_ERASE_LINE)  # the bar draws itself again at its next step
        click.echo(message, err=err)


def _warn(message: str) -> None:
    _say(f"warning: {message}", err=True)


def _find_briefs(paths: tuple[Path, ...]) -> list[Path]:
    if paths:
        return list(paths)
    found = sorted(Path("briefs").glob("*.yaml")) + sorted(Path("briefs").glob("*.yml"))
    if not found:
        raise BriefgenError("no briefs given and none found in ./briefs (*.yaml)")
    return found


def _load(brief_path: Path, bib_options: tuple[Path, ...], audience_names: list[str]):
    """Load a brief and its bibliographies, with every citation checked."""
    from .loader import load

    loaded = load(brief_path, bib_options, audience_names)
    names = ", ".join(display_path(b) for b in loaded.bibliographies)
    if loaded.bibliographies:
        _say(f"{display_path(brief_path)}: bibliography {names} ({len(loaded.references)} entries)", VERBOSE, err=True)
    for warning in loaded.warnings:
        _warn(warning)
    return loaded.brief, loaded.references, loaded


def _debugging(ctx: click.Context | None = None) -> bool:
    ctx = ctx or click.get_current_context(silent=True)
    return bool((ctx and ctx.find_root().params.get("debug")) or os.environ.get("BRIEFGEN_DEBUG"))


def _failure(path: Path, err: Exception) -> BriefgenError:
    """What one brief's failure prints, so a command over many briefs goes on to the next."""
    if isinstance(err, OutputError):
        return err.at(display_path(path))
    if isinstance(err, BriefgenError):
        return err
    if isinstance(err, OSError):
        return os_error(err)
    if _debugging():
        raise err
    return BriefgenError(
        f"{display_path(path)}: internal error: {type(err).__name__}: {err} (run with --debug for details)"
    )


class _Group(click.Group):
    """Turns unexpected crashes into one line unless --debug is given."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except OSError as exc:  # a full disk, no permission: the system's words, not a traceback
            if _debugging(ctx):
                raise
            raise os_error(exc) from exc
        except Exception as exc:
            if _debugging(ctx):
                raise
            raise click.ClickException(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
            ) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="briefgen")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only: no file list, no warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Also print the bibliography, template and size of each output.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for internal errors.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool, debug: bool) -> None:
    """Turn YAML recommendation sets into audience-specific DOCX and PDF briefs."""
    if quiet and verbose:
        raise click.UsageError("-q and -v contradict each other; give one")
    ctx.meta["briefgen.verbosity"] = QUIET if quiet else VERBOSE if verbose else NORMAL


def _out_option(help_text: str):
    """-o/--out, the one output folder every command that writes shares."""
    return click.option(
        "-o",
        "--out",
        "out_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("out"),
        show_default=True,
        help=help_text,
    )


def _complete_audiences(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of -a: the audiences found from here (./templates and the built-in ones)."""
    from .audience import discover, search_path

    try:
        names = discover(search_path(ctx.params.get("templates_dir")))
    except Exception:  # completion must never print a traceback into the shell
        return []
    return sorted(n for n in names if n.startswith(incomplete))


def _audience_option(help_text: str):
    """-a/--audience, repeatable, completed from the audiences found."""
    return click.option(
        "-a", "--audience", "audiences", multiple=True, shell_complete=_complete_audiences, help=help_text
    )


def _templates_option(f):
    return click.option(
        "--templates",
        "templates_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Folder of audience templates, searched before ./templates and the built-in ones.",
    )(f)


def _build_options(f):
    """The options `build` and `watch` share."""
    options = [
        click.argument("briefs", nargs=-1, type=click.Path(path_type=Path, dir_okay=False)),
        _audience_option("Audience to build (repeatable; default: all)."),
        click.option(
            "-f",
            "--format",
            "formats",
            multiple=True,
            type=click.Choice(list(FORMATS)),
            help=f"Output format (repeatable; default: {' and '.join(DEFAULT_FORMATS)}).",
        ),
        _out_option("Output folder; files go to OUT/<brief-id>/<brief-id>_<audience>.<format>."),
        click.option(
            "--bib",
            type=click.Path(path_type=Path, dir_okay=False),
            multiple=True,
            help="BibTeX file; repeat to merge several (default: the brief's bibliography:, else references.bib).",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="Fail, rather than warn, when a PDF exceeds max_pages, a character is in no font "
            "or a style colour has too little contrast (WCAG 2.1).",
        ),
        click.option(
            "-j",
            "--jobs",
            "workers",
            type=click.IntRange(min=1),
            help="Outputs made at once, each in a worker process (default: the number of CPUs).",
        ),
        _templates_option,
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _request(briefs, audiences, formats, out_dir, bib, strict, workers, templates_dir, force=False) -> BuildRequest:
    from .folders import search_path
    from .parallel import default_workers

    return BuildRequest(
        _find_briefs(briefs),
        tuple(audiences),
        tuple(formats) or DEFAULT_FORMATS,
        out_dir,
        bib,
        strict,
        search_path(templates_dir),
        workers or default_workers(),
        force,
    )


@cli.command()
@_build_options
@click.option("--force", is_flag=True, help="Rebuild every output, also those whose inputs have not changed.")
def build(
    briefs: tuple[Path, ...],
    audiences: tuple[str, ...],
    formats: tuple[str, ...],
    out_dir: Path,
    bib: tuple[Path, ...],
    strict: bool,
    workers: int | None,
    templates_dir: Path | None,
    force: bool,
) -> None:
    """Build BRIEFS (default: briefs/*.yaml) for each audience, in each format.

    Outputs whose inputs have not changed since the last build are left as they are.
    """
    request = _request(briefs, audiences, formats, out_dir, bib, strict, workers, templates_dir, force)
    if run_build(request):
        sys.exit(1)


@cli.command()
@_build_options
@click.option(
    "--interval", type=click.FloatRange(min=0.05), default=0.5, show_default=True, help="Seconds between looks."
)
def watch(
    briefs: tuple[Path, ...],
    audiences: tuple[str, ...],
    formats: tuple[str, ...],
    out_dir: Path,
    bib: tuple[Path, ...],
    strict: bool,
    workers: int | None,
    templates_dir: Path | None,
    interval: float,
) -> None:
    """Build, then rebuild what an edit affects whenever a brief, template, style or bibliography changes.

    Each rebuild prints the files it wrote and its time. Stop with Ctrl-C.
    """
    import time

    def request() -> BuildRequest:
        return _request(briefs, audiences, formats, out_dir, bib, strict, workers, templates_dir)

    seen = None
    try:
        while True:
            current = _watched_state(request)
            if current != seen:
                time.sleep(interval / 2)  # an editor may write a file in several steps: let it finish
                current = _watched_state(request)
                seen = current
                started = time.perf_counter()
                try:
                    failed = run_build(request())
                except BriefgenError as err:  # no briefs yet, an unknown audience: say so, keep watching
                    err.show()
                    failed = 1
                took = time.perf_counter() - started
                state = "failed" if failed else "done"
                _say(f"[{time.strftime('%H:%M:%S')}] {state} in {took:.2f} s; watching for changes (Ctrl-C stops)")
            time.sleep(interval)
    except KeyboardInterrupt:
        _say("stopped")


def _watched_state(request) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file a build reads: briefs, .bib files, templates and styles."""
    from .incremental import quick_look
    from .loader import find_bibliographies

    try:
        built = request()
    except BriefgenError:
        built = None
    paths: list[Path] = [Path("briefs")] if built is None else list(built.paths)
    roots = () if built is None else built.roots
    for brief in list(paths):
        look = quick_look(brief) if brief.is_file() else None
        with suppress(BriefgenError):
            paths.extend(find_bibliographies(brief, built.bib if built else (), look[1] if look else ()))
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


@dataclass
class _Pending:
    """One brief planned: its jobs under way, and the outputs found up to date."""

    path: Path
    brief: object
    futures: list
    unchanged: list[dict]
    sources: str
    previous: bytes | None
    templates: dict[str, str]  # audience -> its template, for -v
    uncited: tuple[str, ...] = ()  # bibliography keys the brief does not cite: the manifest records them
    style_warnings: dict[str, list[dict]] | None = None  # audience -> what its style warned of, for the manifest


def run_build(request: BuildRequest) -> int:
    """Build every brief of `request`; print what was written; the number of briefs that failed.

    Each brief is looked at in turn (an unchanged one costs a few file reads); the outputs to
    make are sent to the worker pool as they are found, and each brief's set is written as soon
    as its outputs are made, in the order of the briefs.
    """
    from .folders import discover
    from .incremental import recorded_style_warnings
    from .parallel import Runner

    names = list(request.audiences) or sorted(discover(request.roots))
    loaded: list = []
    said: list = []  # the styles' warnings, said once a run: when they load, or from a manifest if they need not

    def audiences() -> list:
        from .audience import load_audiences

        if not loaded:
            chosen = load_audiences(names, request.roots)
            if not said:
                _style_warnings(chosen, request.strict)
            loaded.extend(chosen)
            said.append(True)
        return loaded

    if request.strict:
        audiences()  # a style's low contrast fails the run even when every output is up to date
    failures = 0
    pending: list[_Pending] = []
    ids: dict[str, Path] = {}  # brief id -> the file that has it: two would write the same folder
    with Runner(request.workers) as runner:
        for path in request.paths:
            try:
                unchanged = None if request.force else _unchanged_outputs(path, names, request)
                if unchanged is not None:
                    unchanged, warnings = unchanged
                    if not said:  # what the styles warned of when these were made
                        warnings = (*map(str, recorded_style_warnings(unchanged, names)), *warnings)
                        said.append(True)
                    for warning in warnings:  # and what loading the brief warned of, said again
                        _warn(warning)
                    _warn_again(path, unchanged, request)
                    _report_unchanged(path, unchanged, request, anything_written=False)
                    continue
                pending.append(_plan_brief(path, audiences, request, runner, ids))
            except Exception as err:  # one brief's failure: the others are still built
                _failure(path, err).show()
                failures += 1
        total = sum(len(p.futures) for p in pending)
        with _progress(total) as advance:
            for planned in pending:
                try:
                    _finish_brief(planned, request, advance)
                except Exception as err:
                    _failure(planned.path, err).show()
                    failures += 1
    return failures


def _style_warnings(audiences: list, strict: bool) -> None:
    """Once per run, what the audiences' styles get away with (low contrast); an error with --strict."""
    problems = [p for a in audiences for p in a.warnings]
    if problems and strict:
        raise BriefgenError(problems)
    for p in problems:
        _warn(str(p))


def _unchanged_outputs(
    path: Path, names: list[str], request: BuildRequest
) -> tuple[list[dict], tuple[str, ...]] | None:
    """The manifest entries of every output asked for, if none of their raw inputs changed; else None.

    With them, what loading the brief warned of, to say again (the manifest records the keys it left uncited).
    """
    from .incremental import MANIFEST, quick_look, recorded_uncited, sources_digest, unchanged_entries
    from .loader import input_files, uncited_warnings

    look = quick_look(path)
    if look is None:
        return None
    brief_id, declared = look
    try:  # a .bib gone since the last build: the full build says whether the brief needs one
        read = input_files(path, request.bib, declared)
        sources = sources_digest(read, request.roots)
        folder = request.out_dir / brief_id
        finish_interrupted(folder)  # a set a killed run left half renamed: whole before it is read
        previous = (folder / MANIFEST).read_bytes()
    except (BriefgenError, OSError):
        return None  # the full build reports what is missing
    files = [f"{brief_id}_{a}.{FORMATS[f].name}" for a in names for f in request.formats]
    entries = unchanged_entries(previous, brief_id, folder, files, sources)
    if entries is None:
        return None
    warnings = uncited_warnings(path, read[1:], recorded_uncited(previous, brief_id))
    return [{**e, "folder": brief_id} for e in entries], warnings


def _warn_again(path: Path, entries: list[dict], request: BuildRequest) -> None:
    """Warnings recorded for up-to-date outputs: a page limit still applies to a file not rebuilt."""
    problems = [
        Problem(display_path(path), None, None, str(e.get("audience")), f"{e.get('file')}: {w}")
        for e in entries
        for w in e.get("warnings") or ()
    ]
    if problems and request.strict:
        raise BriefgenError(problems)
    for p in problems:
        _warn(str(p))


def _report_unchanged(path: Path, entries: list[dict], request: BuildRequest, anything_written: bool) -> None:
    """Up-to-date outputs: one line for the brief, or under -v one line each."""
    for e in entries:
        _say(f"{display_path(request.out_dir / str(e.get('folder')) / str(e.get('file')))} (unchanged)", VERBOSE)
    if entries and not anything_written and _verbosity() < VERBOSE:
        count = len(entries)
        _say(f"{display_path(path)}: {count} output{'s' if count != 1 else ''} up to date")


def _plan_brief(path: Path, audiences, request: BuildRequest, runner, ids: dict[str, Path]) -> _Pending:
    """Load the brief, make its documents, and send the outputs whose inputs changed to the pool.

    `audiences()` loads the audiences (styles, logos, fonts) on first use, once per command.
    """
    from .build import make, plan
    from .folders import discover
    from .incremental import MANIFEST, file_sha256, previous_entries, sources_digest, warning_record

    chosen = audiences()
    brief, refs, loaded = _load(path, request.bib, sorted(discover(request.roots)))
    first = ids.setdefault(brief.id, path)
    if first != path:
        raise BriefgenError(
            Problem(
                display_path(path),
                None,
                None,
                "id",
                f"'{brief.id}' is also the id of {display_path(first)}; its outputs would overwrite those",
            )
        )
    jobs = plan(brief, chosen, list(request.formats), request.roots, refs)
    sources = sources_digest(loaded.files, request.roots)
    finish_interrupted(request.out_dir / brief.id)  # before the folder is read: see _unchanged_outputs
    manifest_path = request.out_dir / brief.id / MANIFEST
    previous = manifest_path.read_bytes() if manifest_path.is_file() else None
    recorded = {e.get("file"): e for e in previous_entries(previous, brief.id)}
    to_make, unchanged = [], []
    for job in jobs:
        entry = recorded.get(job.relative_path.name)
        if (
            not request.force
            and entry is not None
            and entry.get("inputs") == job.inputs
            and file_sha256(request.out_dir / job.relative_path) == entry.get("sha256")
        ):
            unchanged.append({**entry, "folder": brief.id})
        else:
            to_make.append(job)
    futures = [runner.submit(make, job) for job in to_make]
    templates = {a.name: a.template for a in chosen}
    style_warnings = {a.name: [warning_record(p) for p in a.warnings] for a in chosen}
    return _Pending(path, brief, futures, unchanged, sources, previous, templates, loaded.uncited, style_warnings)


def _finish_brief(planned: _Pending, request: BuildRequest, advance) -> None:
    """Wait for one brief's outputs, warn, and write them with its manifest as one set."""
    from .build import manifest
    from .incremental import MANIFEST

    outputs = []
    for future in planned.futures:
        outputs.append(future.result())
        advance()
    problems = [
        Problem(display_path(planned.path), None, None, o.audience, f"{o.relative_path.name}: {w}")
        for o in outputs
        for w in o.warnings
    ]
    if problems and request.strict:
        raise BriefgenError(problems)
    for p in problems:
        _warn(str(p))
    _warn_again(planned.path, planned.unchanged, request)
    brief = planned.brief
    folder = request.out_dir / brief.id
    present = frozenset(p.name for p in folder.iterdir()) if folder.is_dir() else frozenset()
    confirmed = frozenset(str(e.get("file")) for e in planned.unchanged)
    files = [(o.relative_path, o.data) for o in outputs]
    body = manifest(
        brief, outputs, planned.previous, present, planned.sources, confirmed, planned.uncited, planned.style_warnings
    )
    if outputs or body != planned.previous:
        files.append((Path(brief.id) / MANIFEST, body))
    written = write_set(files, request.out_dir) if files else []
    for target, o in zip(written, outputs, strict=False):
        line = display_path(target)
        if _verbosity() >= VERBOSE:
            details = [planned.templates[o.audience], f"{max(1, round(len(o.data) / 1024))} KB"]
            if o.pages:
                details.insert(1, f"{o.pages} page{'s' if o.pages != 1 else ''}")
            line = f"{line} ({', '.join(details)})"
        _say(line)
    _report_unchanged(planned.path, planned.unchanged, request, anything_written=bool(outputs))


@contextmanager
def _progress(total: int, label: str = "building"):
    """A progress bar over the outputs being made (or messages sent): on a terminal, for more than one, unless -q."""
    if total < 2 or _verbosity() < NORMAL or not sys.stderr.isatty():
        yield lambda: None
        return
    global _bar_showing
    try:
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            _bar_showing = True
            yield lambda: bar.update(1)
    finally:
        _bar_showing = False
        sys.stderr.write(_ERASE_LINE)  # done: the bar goes, the list of files stays
        sys.stderr.flush()


@cli.command()
@click.argument("briefs", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--bib",
    type=click.Path(path_type=Path, dir_okay=False),
    multiple=True,
    help="BibTeX file; repeat to merge several (default: the brief's bibliography:, else references.bib).",
)
@_templates_option
def check(briefs: tuple[Path, ...], bib: tuple[Path, ...], templates_dir: Path | None) -> None:
    """Validate BRIEFS (default: briefs/*.yaml) without building; exit 1 on any problem.

    Every audience's template is run over each brief too (no file is written): what
    `check` accepts, `build` builds.
    """
    from .audience import discover, load_audiences, search_path
    from .build import to_document
    from .mail.recipients import brief_distribution

    roots = search_path(templates_dir)
    every = load_audiences(None, roots)  # style files are part of what is checked
    _style_warnings(every, strict=False)
    names = sorted(discover(roots))
    bad = 0
    for path in _find_briefs(briefs):
        try:
            brief, refs, _ = _load(path, bib, names)
            for audience in every:
                to_document(brief, audience, roots, refs)
            brief_distribution(path, names)  # `mail` reads it; `build` never does
            count = len(brief.recommendations)
            _say(f"{display_path(path)}: ok ({count} recommendations in {len(brief.groups)} groups)")
        except Exception as err:
            _failure(path, err).show()
            bad += 1
    if bad:
        sys.exit(1)


@cli.command("audiences")
@_templates_option
def audiences_command(templates_dir: Path | None) -> None:
    """List the audiences and what each gets."""
    from .audience import load_audiences, search_path

    for audience in load_audiences(None, search_path(templates_dir)):
        st = audience.style
        origin = "built-in" if audience.builtin else display_path(audience.folder)
        click.echo(f"{audience.name:<14} {st.description}")
        rules = st.content
        bits = [
            f"priorities: {', '.join(rules.priorities)}",
            f"citations: {st.citations}",
            f"bibliography: {st.bibliography}",
        ]
        if rules.max_recommendations:
            bits.append(f"at most {rules.max_recommendations} recommendations")
        if st.max_pages:
            bits.append(f"max {st.max_pages} pages")
        click.echo(f"{'':<14} {'; '.join(bits)} [{origin}]")


def main() -> None:
    cli(prog_name="briefgen")


# ---------------------------------------------------------------- mail


def _addresses(values: tuple[str, ...], option: str):
    """Addresses given on the command line, checked like a list's."""
    from .mail.recipients import Recipient, parse_address

    found = []
    for value in values:
        try:
            name, email = parse_address(value)
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint=option) from None
        found.append(Recipient(email, name, "", "to", option))
    return found


def _one_address(value: str, origin: str):
    from .mail.recipients import Recipient, parse_address

    try:
        name, email = parse_address(value)
    except ValueError as err:
        raise BriefgenError(f"{origin}: {err}") from None
    return Recipient(email, name, "", "to", origin)


def _guard_hand_edits(brief_id: str, names: list[str], out_dir: Path) -> None:
    """An attachment changed since briefgen wrote it (someone edited the DOCX) is never replaced by a rebuild."""
    from .build import recorded_hashes
    from .incremental import MANIFEST

    folder = out_dir / brief_id
    previous = (folder / MANIFEST).read_bytes() if (folder / MANIFEST).is_file() else None
    recorded = recorded_hashes(previous, brief_id)
    for name in names:
        target = folder / name
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() != recorded.get(name):
            raise BriefgenError(
                f"{display_path(target)} was changed since briefgen built it; not replacing it. Mail the rebuilt "
                f"brief after moving it away, or run `briefgen build` to replace it"
            )


@contextmanager
def _quietly():
    """Messages held back (a dry run's build into a scratch folder); errors still show."""
    ctx = click.get_current_context().find_root()
    before = ctx.meta.get("briefgen.verbosity", NORMAL)
    ctx.meta["briefgen.verbosity"] = QUIET
    try:
        yield
    finally:
        ctx.meta["briefgen.verbosity"] = before


def _build_attachments(brief_path: Path, wanted: dict[str, list[str]], out_dir: Path, bib, roots) -> None:
    """The attachments made by `build` itself (up-to-date ones left alone), one run per set of formats."""
    from .parallel import default_workers

    by_formats: dict[tuple[str, ...], list[str]] = {}
    for audience, fmts in wanted.items():
        by_formats.setdefault(tuple(fmts), []).append(audience)
    for formats, audiences in by_formats.items():
        request = BuildRequest([brief_path], tuple(audiences), formats, out_dir, bib, False, roots, default_workers())
        if run_build(request):
            sys.exit(1)


@cli.command("mail")
@click.argument("brief_path", metavar="BRIEF", type=click.Path(path_type=Path, dir_okay=False))
@_audience_option("Audience to mail (repeatable; default: every one with recipients).")
@click.option("--to", "to", multiple=True, help="Send to this address instead of the list (repeatable; needs -a).")
@click.option("--cc", multiple=True, help="Copy to this address (repeatable; needs -a).")
@click.option("--bcc", multiple=True, help="Blind copy to this address (repeatable; needs -a).")
@click.option("--from", "from_", help="Sender, 'Name <address>' (default: mail.yaml `from:` or BRIEFGEN_MAIL_FROM).")
@click.option("--subject", help="Subject line (default: the audience's email.subject pattern).")
@click.option(
    "--note",
    "note_path",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Covering note (Markdown) above the message's body; - reads it from standard input.",
)
@click.option("--each", is_flag=True, help="One message per recipient, greeting them by name; nobody sees the others.")
@click.option("--bcc-self", is_flag=True, help="Keep a copy: Bcc the sender (also `bcc_self: true` in mail.yaml).")
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(FORMATS)),
    help="Attach this format (repeatable; default: the audience's email.attach).",
)
@click.option("--eml", "eml_dir", type=click.Path(path_type=Path, file_okay=False), help="Write drafts (.eml) here.")
@click.option("--send", "send_now", is_flag=True, help="Send over SMTP (settings: mail.yaml or BRIEFGEN_SMTP_*).")
@click.option("--dry-run", is_flag=True, help="Show who would get what; write and send nothing.")
@click.option("--resend", is_flag=True, help="Send again to recipients the send log shows as sent or uncertain.")
@click.option(
    "--recipients",
    "recipients_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Distribution list (.csv with email,name,audience[,field], or .yaml) instead of the brief's.",
)
@_out_option("Output folder of the attachments and the send log (OUT/<brief-id>/sent.jsonl).")
@click.option("--bib", type=click.Path(path_type=Path, dir_okay=False), multiple=True, help="BibTeX file (as build).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Mail settings file (default: ./mail.yaml, then ~/.config/briefgen/mail.yaml).",
)
@click.option(
    "--max-size", type=float, help="Warn when a message is larger, in MB (default: 10, or mail.yaml max_size_mb)."
)
@_templates_option
def mail_command(
    brief_path: Path,
    audiences: tuple[str, ...],
    to: tuple[str, ...],
    cc: tuple[str, ...],
    bcc: tuple[str, ...],
    from_: str | None,
    subject: str | None,
    note_path: Path | None,
    each: bool,
    bcc_self: bool,
    formats: tuple[str, ...],
    eml_dir: Path | None,
    send_now: bool,
    dry_run: bool,
    resend: bool,
    recipients_file: Path | None,
    out_dir: Path,
    bib: tuple[Path, ...],
    config_path: Path | None,
    max_size: float | None,
    templates_dir: Path | None,
) -> None:
    """Mail BRIEF to each audience's distribution list: drafts (--eml DIR) or sent (--send).

    Builds the attachments first when they are missing or out of date (as `build` does),
    names them for the recipient (the style's email.filename), and ends with a table of
    what was sent, skipped, failed or uncertain; exit 1 if anything failed or is uncertain.
    """
    import tempfile
    from datetime import UTC, datetime

    from .audience import discover, load_audiences, search_path
    from .mail.delivery import Interrupted, send
    from .mail.letters import DEFAULT_MAX_SIZE_MB, Delivery, built_attachments, deliveries, distribution
    from .mail.message import compose, safe_filename
    from .mail.recipients import brief_distribution, has_control_characters, read_recipients
    from .mail.sendlog import LOG_FILE
    from .mail.smtp import SmtpSender, config_file_settings, smtp_settings

    if bool(eml_dir) == send_now:
        raise click.UsageError("give --eml DIR to write drafts, or --send to send")
    if (to or cc or bcc) and not audiences:
        raise click.UsageError("--to, --cc and --bcc need -a AUDIENCE: which brief should they get?")
    if subject is not None and has_control_characters(subject):
        raise click.BadParameter("must be one line", param_hint="--subject")
    config, config_file = config_file_settings(config_path)
    sender_text = from_ or os.environ.get("BRIEFGEN_MAIL_FROM") or config.get("from")
    if not sender_text:
        raise BriefgenError(
            "no sender: give --from 'Name <address>', or set `from:` in mail.yaml or BRIEFGEN_MAIL_FROM"
        )
    origin = (
        "--from" if from_ else "BRIEFGEN_MAIL_FROM" if os.environ.get("BRIEFGEN_MAIL_FROM") else f"{config_file}: from"
    )
    sender = _one_address(sender_text, origin)
    reply_to = _one_address(config["reply_to"], f"{config_file}: reply_to") if config.get("reply_to") else None
    limit_mb = max_size or float(config.get("max_size_mb") or DEFAULT_MAX_SIZE_MB)
    given = (_addresses(to, "--to"), _addresses(cc, "--cc"), _addresses(bcc, "--bcc"))
    note = _read_note(note_path) if note_path else ""

    roots = search_path(templates_dir)
    names = sorted(discover(roots))
    unknown = [a for a in audiences if a not in names]
    if unknown:
        load_audiences(unknown, roots)  # the usual "unknown audience" error, with the known ones
    brief, refs, _ = _load(brief_path, bib, names)
    listed = read_recipients(recipients_file, names) if recipients_file else brief_distribution(brief_path, names)
    groups = distribution(listed, audiences, *given)
    chosen = load_audiences(list(groups), roots)
    settings = smtp_settings(config.get("smtp") or {}, config_file or "settings") if send_now and not dry_run else None

    wanted = {a.name: list(formats) or list(a.style.email.attach) for a in chosen}
    files_wanted = [f"{brief.id}_{a}.{FORMATS[f].name}" for a, fmts in wanted.items() for f in fmts]
    scratch = tempfile.TemporaryDirectory(prefix="briefgen-dry-run-") if dry_run else None
    built_in = Path(scratch.name) if scratch else out_dir
    try:
        if scratch is None:
            _guard_hand_edits(brief.id, files_wanted, out_dir)
            _build_attachments(brief_path, wanted, out_dir, bib, roots)
        else:  # the same build, in a scratch folder: a dry run writes nothing of the user's
            with _quietly():
                _build_attachments(brief_path, wanted, built_in, bib, roots)
        attached = {a.name: built_attachments(brief, a, wanted[a.name], built_in) for a in chosen}
    finally:
        if scratch is not None:
            scratch.cleanup()
    messages, warnings = deliveries(
        brief,
        chosen,
        roots,
        refs,
        groups,
        listed,
        attached,
        sender=sender,
        bcc_self=bcc_self or bool(config.get("bcc_self")),
        each=each,
        note=note,
        subject=subject,
    )
    for warning in warnings:
        _warn(warning)

    now = datetime.now(UTC)
    drafts = []
    for delivery in messages:
        letter_, recipients = delivery.letter, delivery.recipients
        msg = compose(letter_, sender, recipients, reply_to=reply_to, draft=True, now=now.astimezone())
        raw = msg.as_bytes()
        size = len(raw)
        if size > limit_mb * 1_000_000:
            _warn(
                f"{letter_.audience}: the message is {size / 1_000_000:.1f} MB with its attachments "
                f"(limit {limit_mb:g} MB; many servers refuse large messages; --max-size to change)"
            )
        files_text = ", ".join(f"{a.filename} ({max(1, round(len(a.data) / 1024))} KB)" for a in letter_.attachments)
        people_text = f"{len(recipients)} recipient{'s' if len(recipients) != 1 else ''}"
        if not delivery.personal or delivery is messages[0] or _verbosity() >= VERBOSE:
            _say(f"{letter_.audience}: “{letter_.subject}” to {people_text}; attached {files_text}")
        stem = f"{brief.id}_{letter_.audience}"
        if delivery.personal:
            stem = safe_filename(f"{stem} {recipients[0].email}", "eml", fallback=stem)[: -len(".eml")]
        drafts.append((Path(f"{stem}.eml"), raw))

    if eml_dir is not None:
        if dry_run:
            for name, _ in drafts:
                _say(f"would write {display_path(eml_dir / name)}")
            return
        for target in write_set(drafts, eml_dir):
            _say(f"draft {display_path(target)}")
        return

    smtp = SmtpSender(settings) if settings is not None else None
    try:
        with _progress(len(messages) if smtp is not None else 0, "sending") as advance:

            def progress(index: int, total: int, delivery: Delivery, results: list) -> None:
                advance()
                if smtp is not None and not sys.stderr.isatty():
                    counts = ", ".join(f"{n} {s}" for s, n in _counts(results).items() if n)
                    to_whom = f" to {delivery.recipients[0].email}" if delivery.personal else ""
                    _say(f"[{index}/{total}] {delivery.letter.audience}{to_whom}: {counts}", err=True)

            results = send(
                messages,
                brief_id=brief.id,
                sender=sender,
                reply_to=reply_to,
                smtp=smtp,
                log_path=out_dir / brief.id / LOG_FILE,
                resend=resend,
                progress=progress,
            )
    except Interrupted as stopped:
        _report(stopped.results)
        click.echo("interrupted: the send log is exact; run the same command again to send the rest", err=True)
        sys.exit(130)
    finally:
        if smtp is not None:
            smtp.close()
    _report(results)
    uncertain = [r for r in results if r.status == "uncertain"]
    if uncertain:
        click.echo(
            f"{len(uncertain)} uncertain: the server may have these messages though it never said so; check with "
            "the recipients or the server's log before sending again with --resend",
            err=True,
        )
    if any(r.status in ("failed", "uncertain") for r in results):
        sys.exit(1)


def _read_note(path: Path) -> str:
    """The covering note: a file or, for `-`, standard input; UTF-8 Markdown."""
    from .inputs import InputRefused, read_input
    from .yamlsource import MAX_INPUT_BYTES

    where = "standard input" if str(path) == "-" else display_path(path)
    try:
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1) if str(path) == "-" else read_input(path, MAX_INPUT_BYTES)
        if len(raw) > MAX_INPUT_BYTES:
            raise InputRefused(f"larger than {MAX_INPUT_BYTES // 1_000_000} MB; not read")
        return raw.decode("utf-8")
    except FileNotFoundError:
        raise BriefgenError(f"--note: {where}: no such file") from None
    except InputRefused as err:
        raise BriefgenError(f"--note: {where}: {err}") from None
    except UnicodeDecodeError as err:
        raise BriefgenError(f"--note: {where}: not UTF-8 text ({err.reason} at byte {err.start})") from None


def _counts(results) -> dict[str, int]:
    from .mail.delivery import STATES

    return {s: sum(r.status == s for r in results) for s in STATES}


def _report(results) -> None:
    """The closing table: one line per recipient, then the counts; under -q, what needs attention alone."""
    if _verbosity() == QUIET:
        results = [r for r in results if r.status in ("failed", "uncertain", "not sent")]
    if not results:
        return
    width_a = max(len("audience"), *(len(r.audience) for r in results))
    width_r = max(len("recipient"), *(len(r.recipient) for r in results))
    click.echo(f"{'audience':<{width_a}}  {'recipient':<{width_r}}  {'status':<10}  detail")
    for r in results:
        click.echo(f"{r.audience:<{width_a}}  {r.recipient:<{width_r}}  {r.status:<10}  {r.detail}".rstrip())
    counts = _counts(results)
    click.echo(", ".join(f"{n} {s}" for s, n in counts.items() if n or s in ("sent", "failed")))


# ---------------------------------------------------------------- templates and workspaces


@cli.group()
def templates() -> None:
    """Find, inspect and copy audience templates."""


@templates.command("list")
@_templates_option
def templates_list(templates_dir: Path | None) -> None:
    """The audiences found, and where each comes from."""
    from .audience import load_audiences, search_path

    for audience in load_audiences(None, search_path(templates_dir)):
        origin = "built-in" if audience.builtin else display_path(audience.folder)
        parent = f" (extends {audience.chain[1]})" if len(audience.chain) > 1 else ""
        click.echo(f"{audience.name:<14} {origin}{parent}")


@templates.command("show")
@click.argument("audience")
@_templates_option
def templates_show(audience: str, templates_dir: Path | None) -> None:
    """An audience's files, the template it uses and its resolved style."""
    import dataclasses

    import yaml

    from .audience import load_audience, search_path

    roots = search_path(templates_dir)
    found = load_audience(audience, roots)
    click.echo(f"audience: {found.name}")
    click.echo(f"folder:   {display_path(found.folder)}{' (built-in)' if found.builtin else ''}")
    click.echo(f"extends:  {' -> '.join(found.chain)}")
    click.echo(f"template: {found.template}")
    click.echo("files:")
    for path in sorted(p for p in found.folder.iterdir() if p.is_file()):
        click.echo(f"  {path.name}")
    style = dataclasses.asdict(found.style)
    style.pop("extends")  # resolved: the chain is shown above
    style = {k: (list(v) if isinstance(v, tuple) else v) for k, v in style.items()}
    for key in ("page", "content"):
        style[key] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in style[key].items()}
    click.echo("style (resolved):")
    click.echo("  " + yaml.safe_dump(style, allow_unicode=True, sort_keys=False).replace("\n", "\n  ").rstrip())


@templates.command("new")
@click.argument("name")
@click.option("--from", "source", default="practitioner", show_default=True, help="The audience to copy.")
@_templates_option
def templates_new(name: str, source: str, templates_dir: Path | None) -> None:
    """Copy an audience into ./templates/NAME, ready to edit."""
    import shutil

    from .audience import STYLE_FILE, TEMPLATE_FILE, load_audience, search_path
    from .names import audience_problem

    if why := audience_problem(name):
        raise BriefgenError(f"{name!r}: {why}")
    roots = search_path(templates_dir)
    found = load_audience(source, roots)
    target = Path("templates") / name
    if target.exists():
        raise BriefgenError(f"{display_path(target)} already exists; not overwriting it")
    target.mkdir(parents=True)
    for path in sorted(p for p in found.folder.iterdir() if p.is_file()):
        shutil.copy2(path, target / path.name)
    if not (target / TEMPLATE_FILE).exists():  # it inherited the template: copy the one it uses
        root = next(r for r in roots if (r / found.template).is_file())
        shutil.copy2(root / found.template, target / TEMPLATE_FILE)
    style = (target / STYLE_FILE).read_text("utf-8")
    (target / STYLE_FILE).write_text(
        f"# Copied from the '{source}' audience by `briefgen templates new`.\n" + style, encoding="utf-8"
    )
    click.echo(f"{display_path(target)}: new audience '{name}' from '{source}'; edit {STYLE_FILE} and {TEMPLATE_FILE}")


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def init(folder: Path) -> None:
    """Start a workspace in FOLDER: briefs/, templates/, references.bib and a sample brief."""
    packaged = Path(__file__).resolve().parent / "sample"
    checkout = Path(__file__).resolve().parent.parent

    def sample(name: str, in_checkout: Path) -> Path:
        """Inside a wheel the sample sits in the package; in a checkout, where it is maintained."""
        return packaged / name if (packaged / name).is_file() else in_checkout

    copies = {
        folder / "briefs" / "kazakhstan-osce-2010.yaml": sample(
            "kazakhstan-osce-2010.yaml", checkout / "briefs" / "kazakhstan-osce-2010.yaml"
        ),
        folder / "references.bib": sample("references.bib", checkout / "references.bib"),
        folder / "logo-example.png": packaged / "logo.png",
    }
    clashes = [t for t in copies if t.exists()]
    if clashes:
        raise BriefgenError(f"{display_path(clashes[0])} already exists; not overwriting it")
    (folder / "briefs").mkdir(parents=True, exist_ok=True)
    (folder / "templates").mkdir(exist_ok=True)
    for target, source in copies.items():
        target.write_bytes(source.read_bytes())
    click.echo(f"{display_path(folder)}: workspace ready; cd there and run `briefgen build`")
