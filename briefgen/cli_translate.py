"""`briefgen translate`: start a translation of a brief, and record what it was translated from."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def translate() -> None:
    """Keep translations of a brief in step with it (see docs/translations.md)."""


@translate.command("init")
@click.argument("brief", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--to", "language", required=True, help="Language of the translation, a BCP 47 tag such as ru or kk.")
@click.option(
    "--from",
    "text_from",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A whole brief already translated (same ids and order): take its text.",
)
@click.option("--force", is_flag=True, help="Overwrite a translation that exists.")
def translate_init(brief: Path, language: str, text_from: Path | None, force: bool) -> None:
    """Write BRIEF's translation skeleton, <brief>.<lang>.yaml: the source text to replace, marked untranslated."""
    from .app.translate import init_translation
    from .errors import display_path

    target = init_translation(brief, language, text_from, force)
    if text_from is not None:
        click.echo(f"{display_path(target)}: the text of {display_path(text_from)}, stamped; `briefgen check` it")
    else:
        click.echo(
            f"{display_path(target)}: translate each text, then run `briefgen translate stamp {display_path(target)}`"
        )


@translate.command("stamp")
@click.argument("translation", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def translate_stamp(translation: Path) -> None:
    """Record that TRANSLATION answers to its source's text as it is now: its fields are no longer stale."""
    from .app.translate import stamp_translation
    from .errors import display_path

    path, count = stamp_translation(translation)
    click.echo(f"{display_path(path)}: {count} fields stamped")


@translate.command("export")
@click.argument("brief", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--to", "language", required=True, help="Language of the translation, a BCP 47 tag such as ru or kk.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="The PO file (default: stdout).")
def translate_export(brief: Path, language: str, output: Path | None) -> None:
    """Write BRIEF's translation into a language as a gettext PO file, for Poedit, Weblate and the like."""
    from .app.po import export_po

    written = export_po(brief, language)
    if output is None:
        click.echo(written, nl=False)
    else:
        output.write_bytes(written)


@translate.command("import")
@click.argument("po", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("brief", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def translate_import(po: Path, brief: Path) -> None:
    """Turn a translated PO file back into BRIEF's translation file, <brief>.<lang>.yaml, checking citations."""
    from .app.po import import_po
    from .errors import display_path

    path, stamped, open_ = import_po(po, brief)
    click.echo(f"{display_path(path)}: {stamped} fields stamped, {open_} untranslated or stale")
