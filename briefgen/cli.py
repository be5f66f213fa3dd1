"""Command line: parses options, calls the application core (briefgen.app), renders what it reports.

The commands hold no logic of their own: each builds a request, hands the core a terminal
reporter (briefgen.terminal) and turns what the core returns into an exit code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .app.events import Warned
from .app.plan import BuildRequest
from .cli_translate import translate
from .options import build_options, check_options, complete_audiences, mail_options, templates_option
from .output import os_error
from .terminal import NORMAL, QUIET, VERBOSE, TerminalReporter
from .writers import DEFAULT_FORMATS

NO_SERVER = "--server: no build server reached (it needs Unix sockets and the `briefgen` command); built here"


def _verbosity() -> int:
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().meta.get("briefgen.verbosity", NORMAL) if ctx else NORMAL


def _reporter() -> TerminalReporter:
    return TerminalReporter(_verbosity())


def _debugging(ctx: click.Context | None = None) -> bool:
    ctx = ctx or click.get_current_context(silent=True)
    return bool((ctx and ctx.find_root().params.get("debug")) or os.environ.get("BRIEFGEN_DEBUG"))


class _Group(click.Group):
    """Turns unexpected crashes into one line unless --debug is given."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, BrokenPipeError):
            raise  # a closed pipe (`| head`): click ends quietly, as other command-line tools do
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
@click.option(
    "--no-cache", is_flag=True, help="Neither read nor write the per-user cache (`briefgen cache`); same output."
)
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool, debug: bool, no_cache: bool) -> None:
    """Turn YAML recommendation sets into audience-specific DOCX and PDF briefs."""
    if quiet and verbose:
        raise click.UsageError("-q and -v contradict each other; give one")
    if no_cache:
        from .cache import disable

        disable()
    ctx.meta["briefgen.verbosity"] = QUIET if quiet else VERBOSE if verbose else NORMAL


def _request(
    briefs, audiences, languages, formats, out_dir, bib, strict, workers, templates_dir, force=False
) -> BuildRequest:
    from .app.load import find_briefs
    from .folders import search_path
    from .parallel import default_workers

    return BuildRequest(
        find_briefs(briefs),
        tuple(audiences),
        tuple(formats) or DEFAULT_FORMATS,
        out_dir,
        bib,
        strict,
        search_path(templates_dir),
        workers or default_workers(),
        force,
        _debugging(),
        tuple(languages),
    )


@cli.command()
@build_options
@click.option("--force", is_flag=True, help="Rebuild every output, also those whose inputs have not changed.")
@click.option(
    "--server",
    is_flag=True,
    help="Hand the build to your warm build server (started if none runs; `briefgen server`): same files, sooner.",
)
def build(
    briefs, audiences, languages, formats, out_dir, bib, strict, workers, templates_dir, force: bool, server: bool
) -> None:
    """Build BRIEFS (default: briefs/*.yaml) for each audience, in each format.

    Outputs whose inputs have not changed since the last build are left as they are.
    """
    from .app.build import run_build

    if server:  # briefgen.client takes `--server` before this command is parsed, where it can
        _reporter().report(Warned(NO_SERVER))

    request = _request(briefs, audiences, languages, formats, out_dir, bib, strict, workers, templates_dir, force)
    if run_build(request, _reporter()):
        sys.exit(1)


@cli.command()
@build_options
@click.option(
    "--interval", type=click.FloatRange(min=0.05), default=0.5, show_default=True, help="Seconds between looks."
)
def watch(briefs, audiences, languages, formats, out_dir, bib, strict, workers, templates_dir, interval: float) -> None:
    """Build, then rebuild what an edit affects whenever a brief, template, style or bibliography changes.

    Each rebuild prints the files it wrote and its time. Stop with Ctrl-C.
    """
    from .app.watch import watch as watch_briefs

    def request() -> BuildRequest:
        return _request(briefs, audiences, languages, formats, out_dir, bib, strict, workers, templates_dir)

    watch_briefs(request, interval, _reporter())


@cli.command()
@check_options
def check(briefs: tuple[Path, ...], bib: tuple[Path, ...], templates_dir: Path | None) -> None:
    """Validate BRIEFS (default: briefs/*.yaml) without building; exit 1 on any problem.

    Every audience's template is run over each brief too (no file is written): what
    `check` accepts, `build` builds.
    """
    from .app.check import run_check
    from .folders import search_path

    if run_check(briefs, bib, search_path(templates_dir), _reporter(), _debugging()):
        sys.exit(1)


@cli.command("audiences")
@templates_option
def audiences_command(templates_dir: Path | None) -> None:
    """List the audiences and what each gets."""
    from .app.templates import audience_lines
    from .folders import search_path

    _echo(audience_lines(search_path(templates_dir)))


def _echo(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)


def main() -> None:
    cli(prog_name="briefgen")


cli.add_command(translate)


@cli.command("mail")
@mail_options
def mail_command(**options) -> None:
    """Mail BRIEF to each audience's distribution list: drafts (--eml DIR) or sent (--send).

    Builds the attachments first when they are missing or out of date (as `build` does),
    names them for the recipient (the style's email.filename), and ends with a table of
    what was sent, skipped, failed or uncertain; exit 1 if anything failed or is uncertain.
    """
    from .app.mail import MailRequest, mail
    from .folders import search_path
    from .mail.recipients import has_control_characters

    if bool(options["eml_dir"]) == options["send_now"]:
        raise click.UsageError("give --eml DIR to write drafts, or --send to send")
    if (options["to"] or options["cc"] or options["bcc"]) and not options["audiences"]:
        raise click.UsageError("--to, --cc and --bcc need -a AUDIENCE: which brief should they get?")
    if options["language"] and not (options["to"] or options["cc"] or options["bcc"]):
        raise click.UsageError("-l/--language is the language of --to/--cc/--bcc; a list gives each recipient's own")
    if options["subject"] is not None and has_control_characters(options["subject"]):
        raise click.BadParameter("must be one line", param_hint="--subject")
    roots = search_path(options.pop("templates_dir"))
    code = mail(MailRequest(**options, roots=roots, debug=_debugging()), _reporter())
    if code:
        sys.exit(code)


# ---------------------------------------------------------------- the tracker


@cli.group()
def track() -> None:
    """Follow up a brief's recommendations: the tracker sheet (`build -f xlsx`) read back."""


@track.command("import")
@click.argument("sheet", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("brief", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show the entries it would add; change nothing.")
@click.option(
    "--bib",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="BibTeX file for the notes' citations (repeatable; default: as `build` finds it).",
)
def track_import(sheet: Path, brief: Path, dry_run: bool, bib: tuple[Path, ...]) -> None:
    """Add the statuses, dates and notes a desk entered in SHEET (.xlsx, .csv or .json) to BRIEF's histories.

    A row adds an entry to its recommendation's `status:` when its status, date or note differs
    from the latest entry: importing twice adds nothing twice. The brief keeps its comments,
    order and quoting; any problem (each named at its cell) leaves it untouched, exit 1.
    """
    from datetime import date

    from .app.track import ImportRequest, run_import

    run_import(ImportRequest(sheet, brief, date.today(), dry_run, bib), _reporter())


# ---------------------------------------------------------------- the cache


@cli.group()
def cache() -> None:
    """The per-user cache that makes a build start warm: parsed bibliographies, validated styles,
    compiled templates. It never changes an output; `--no-cache` leaves it alone."""


@cache.command("info")
def cache_info() -> None:
    """Where the cache is and how much it holds."""
    from . import cache as store

    root = store.folder()
    files = [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []
    size = sum(p.stat().st_size for p in files)
    click.echo(f"{root}: {len(files)} files, {size / 1024:.0f} KB (at most {store.MAX_BYTES // 1024 // 1024} MB)")


@cache.command("clear")
def cache_clear() -> None:
    """Empty the cache; the next build fills it again."""
    from . import cache as store

    files, size = store.clear()
    click.echo(f"{store.folder()}: removed {files} files, {size / 1024:.0f} KB")


# ---------------------------------------------------------------- the build server


@cli.group()
def server() -> None:
    """Your warm build server: `briefgen build --server` starts it and hands it builds. It exits by
    itself after BRIEFGEN_SERVER_IDLE seconds without one (default 1800) and when briefgen is upgraded."""


@server.command("status")
def server_status() -> None:
    """Whether it runs, since when, and what it has built; exit 1 if none runs."""
    from datetime import datetime

    from .server import ask

    found = ask("status")
    if found is None:
        click.echo("no build server runs (`briefgen build --server` starts one)")
        sys.exit(1)
    since = datetime.fromtimestamp(found["started"]).strftime("%Y-%m-%d %H:%M:%S")
    click.echo(f"build server pid {found['pid']}, listening at {found['socket']} since {since}")
    click.echo(f"briefgen from {found['package']}")
    click.echo(
        f"jobs: {found['jobs_served']} served, {found['jobs_running']} running; "
        f"memory {found['max_rss_kb'] / 1024:.0f} MB; exits after {found['idle_exit_seconds']:.0f} s without a job"
    )


@server.command("stop")
def server_stop() -> None:
    """Stop it: builds running finish first; the next `build --server` starts a fresh one."""
    from .server import ask

    click.echo("no build server runs" if ask("stop") is None else "build server stopping")


# ---------------------------------------------------------------- templates and workspaces


@cli.group()
def templates() -> None:
    """Find, inspect and copy audience templates."""


@templates.command("list")
@templates_option
def templates_list(templates_dir: Path | None) -> None:
    """The audiences found, and where each comes from."""
    from .app.templates import template_lines
    from .folders import search_path

    _echo(template_lines(search_path(templates_dir)))


@templates.command("show")
@click.argument("audience", shell_complete=complete_audiences)
@templates_option
def templates_show(audience: str, templates_dir: Path | None) -> None:
    """An audience's files, the template it uses and its resolved style."""
    from .app.templates import show_lines
    from .folders import search_path

    _echo(show_lines(audience, search_path(templates_dir)))


@templates.command("new")
@click.argument("name")
@click.option(
    "--from",
    "source",
    default="practitioner",
    show_default=True,
    shell_complete=complete_audiences,
    help="The audience to copy.",
)
@templates_option
def templates_new(name: str, source: str, templates_dir: Path | None) -> None:
    """Copy an audience into ./templates/NAME, ready to edit."""
    from .app.templates import new_audience
    from .folders import search_path

    click.echo(new_audience(name, source, search_path(templates_dir)))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def init(folder: Path) -> None:
    """Start a workspace in FOLDER: briefs/, templates/, references.bib and a sample brief."""
    from .app.templates import init_workspace

    click.echo(init_workspace(folder))
