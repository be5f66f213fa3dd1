"""Command line: thin commands that load configuration and call the pure pipeline.

Only this module touches output files and exit codes. Outputs are written
atomically, and only after every output of a brief was produced.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from . import __version__
from .errors import BriefgenError, Problem, display_path
from .writers import DEFAULT_FORMATS, FORMATS


def _find_briefs(paths: tuple[Path, ...]) -> list[Path]:
    if paths:
        return list(paths)
    found = sorted(Path("briefs").glob("*.yaml")) + sorted(Path("briefs").glob("*.yml"))
    if not found:
        raise BriefgenError("no briefs given and none found in ./briefs (*.yaml)")
    return found


def _bibliography_paths(brief_path: Path, options: tuple[Path, ...], declared: tuple[Path, ...]) -> tuple[Path, ...]:
    """--bib (repeatable), then the brief's `bibliography:`, then references.bib beside it, above it, or here."""
    from .loader import NoBibliography

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


def _load(brief_path: Path, bib_options: tuple[Path, ...], audience_names: list[str]):
    """Load a brief and its bibliographies, with every citation checked."""
    from .bibliography import load_bibliographies
    from .loader import load_brief

    chosen: dict[str, object] = {"bibs": (), "refs": {}}

    def known_keys(declared: tuple[Path, ...]) -> dict:
        chosen["bibs"] = _bibliography_paths(brief_path, bib_options, declared)
        chosen["refs"] = load_bibliographies(chosen["bibs"])
        return chosen["refs"]

    brief = load_brief(brief_path, known_keys=known_keys, audiences=audience_names)
    refs, bibs = chosen["refs"], chosen["bibs"]
    unused = sorted(set(refs) - set(brief.cited))
    if unused and bibs:
        click.echo(
            f"warning: {', '.join(display_path(b) for b in bibs)}: {len(unused)} entries not cited by "
            f"{display_path(brief_path)}: {', '.join(unused)}",
            err=True,
        )
    return brief, refs


def _write_outputs(files: list[tuple[Path, bytes]], out_dir: Path) -> list[Path]:
    """Each file replaced atomically; the caller produced all of them first."""
    written = []
    for relative_path, data in files:
        target = out_dir / relative_path
        if target.exists() and not target.is_file():
            raise BriefgenError(f"{display_path(target)}: exists and is not a file; not overwriting it")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".briefgen-", suffix=target.suffix)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written


class _Group(click.Group):
    """Turns unexpected crashes into one line unless --debug is given."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if ctx.params.get("debug") or os.environ.get("BRIEFGEN_DEBUG"):
                raise
            raise click.ClickException(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
            ) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="briefgen")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for internal errors.")
def cli(debug: bool) -> None:
    """Turn YAML recommendation sets into audience-specific DOCX and PDF briefs."""


def _templates_option(f):
    return click.option(
        "--templates",
        "templates_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Folder of audience templates, searched before ./templates and the built-in ones.",
    )(f)


@cli.command()
@click.argument("briefs", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("-a", "--audience", "audiences", multiple=True, help="Audience to build (repeatable; default: all).")
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(FORMATS)),
    help=f"Output format (repeatable; default: {' and '.join(DEFAULT_FORMATS)}).",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out"),
    show_default=True,
    help="Output folder; files go to OUT/<brief-id>/<brief-id>_<audience>.<format>.",
)
@click.option(
    "--bib",
    type=click.Path(path_type=Path, dir_okay=False),
    multiple=True,
    help="BibTeX file; repeat to merge several (default: the brief's bibliography:, else references.bib).",
)
@click.option(
    "--strict", is_flag=True, help="Fail, rather than warn, when a PDF exceeds max_pages or a character is in no font."
)
@_templates_option
def build(
    briefs: tuple[Path, ...],
    audiences: tuple[str, ...],
    formats: tuple[str, ...],
    out_dir: Path,
    bib: tuple[Path, ...],
    strict: bool,
    templates_dir: Path | None,
) -> None:
    """Build BRIEFS (default: briefs/*.yaml) for each audience, in each format."""
    from .audience import discover, load_audiences, search_path
    from .build import MANIFEST, manifest
    from .build import build as build_outputs

    roots = search_path(templates_dir)
    chosen = load_audiences(list(audiences) or None, roots)
    all_names = sorted(discover(roots))
    fmts = list(formats) or list(DEFAULT_FORMATS)
    failures: list[BriefgenError] = []
    for path in _find_briefs(briefs):
        try:
            brief, refs = _load(path, bib, all_names)
            outputs = build_outputs(brief, chosen, fmts, roots, refs)
            problems = []
            for o in outputs:
                limit = next(a.theme.max_pages for a in chosen if a.name == o.audience)
                if o.pages and limit and o.pages > limit:
                    problems.append(
                        Problem(
                            display_path(path),
                            None,
                            None,
                            o.audience,
                            f"{o.relative_path.name} has {o.pages} pages; its audience allows {limit} (max_pages)",
                        )
                    )
            for o in outputs:
                for warning in o.artifact.warnings:
                    problems.append(
                        Problem(display_path(path), None, None, o.audience, f"{o.relative_path.name}: {warning}")
                    )
            if problems and strict:
                raise BriefgenError(problems)
            for p in problems:
                click.echo(f"warning: {p}", err=True)
            files = [(o.relative_path, o.data) for o in outputs]
            files.append((Path(brief.id) / MANIFEST, manifest(brief, outputs)))
            for target in _write_outputs(files, out_dir):
                if target.name != MANIFEST:
                    click.echo(display_path(target))
        except BriefgenError as err:
            err.show()
            failures.append(err)
    if failures:
        sys.exit(1)


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
    """Validate BRIEFS (default: briefs/*.yaml) without building; exit 1 on any problem."""
    from .audience import discover, load_audiences, search_path

    roots = search_path(templates_dir)
    load_audiences(None, roots)  # style files are part of what is checked
    names = sorted(discover(roots))
    bad = 0
    for path in _find_briefs(briefs):
        try:
            brief, _ = _load(path, bib, names)
            count = len(brief.recommendations)
            click.echo(f"{display_path(path)}: ok ({count} recommendations in {len(brief.groups)} groups)")
        except BriefgenError as err:
            err.show()
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


# ---------------------------------------------------------------- templates and workspaces

AUDIENCE_NAME = r"^[a-z0-9][a-z0-9_-]*$"


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
    import re
    import shutil

    from .audience import STYLE_FILE, TEMPLATE_FILE, load_audience, search_path

    if not re.match(AUDIENCE_NAME, name):
        raise BriefgenError(f"'{name}': an audience name uses a-z, 0-9, - and _ only")
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
