"""The command line's options, declared once and shared by the commands that take them."""

from __future__ import annotations

from pathlib import Path

import click

from .writers import DEFAULT_FORMATS, DOCUMENT_FORMATS, FORMATS


def out_option(help_text: str):
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


def complete_audiences(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of audience names: those found from here (./templates and the built-in ones)."""
    from .audience import discover, search_path

    try:
        names = discover(search_path(ctx.params.get("templates_dir")))
    except Exception:  # completion must never print a traceback into the shell
        return []
    return sorted(n for n in names if n.startswith(incomplete))


def audience_option(help_text: str):
    """-a/--audience, repeatable, completed from the audiences found."""
    return click.option(
        "-a", "--audience", "audiences", multiple=True, shell_complete=complete_audiences, help=help_text
    )


def templates_option(f):
    return click.option(
        "--templates",
        "templates_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Folder of audience templates, searched before ./templates and the built-in ones.",
    )(f)


def _bib_option(help_text: str):
    return click.option("--bib", type=click.Path(path_type=Path, dir_okay=False), multiple=True, help=help_text)


BIB_HELP = "BibTeX file; repeat to merge several (default: the brief's bibliography:, else references.bib)."


def _apply(f, options: list):
    for option in reversed(options):
        f = option(f)
    return f


def build_options(f):
    """The options `build` and `watch` share."""
    return _apply(
        f,
        [
            click.argument("briefs", nargs=-1, type=click.Path(path_type=Path, dir_okay=False)),
            audience_option("Audience to build (repeatable; default: all)."),
            click.option(
                "-f",
                "--format",
                "formats",
                multiple=True,
                type=click.Choice(list(FORMATS)),
                help=f"Output format (repeatable; default: {' and '.join(DEFAULT_FORMATS)}).",
            ),
            click.option(
                "-l",
                "--language",
                "languages",
                multiple=True,
                help="Language to build (repeatable): the brief's own or a translation's, e.g. -l ru "
                "(default: every language; see docs/translations.md).",
            ),
            out_option(
                "Output folder; files go to OUT/<brief-id>/<brief-id>_<audience>.<format>, "
                "a translation's to OUT/<brief-id>.<lang>/<brief-id>.<lang>_<audience>.<format>."
            ),
            _bib_option(BIB_HELP),
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
            templates_option,
        ],
    )


def check_options(f):
    return _apply(
        f,
        [
            click.argument("briefs", nargs=-1, type=click.Path(path_type=Path, dir_okay=False)),
            _bib_option(BIB_HELP),
            templates_option,
        ],
    )


def mail_options(f):
    """Who gets the brief, from whom, in what form, and how it leaves (drafts or SMTP)."""
    return _apply(f, _MAIL_RECIPIENTS + _MAIL_DELIVERY)


_MAIL_RECIPIENTS = [
    click.argument("brief_path", metavar="BRIEF", type=click.Path(path_type=Path, dir_okay=False)),
    audience_option("Audience to mail (repeatable; default: every one with recipients)."),
    click.option("--to", "to", multiple=True, help="Send to this address instead of the list (repeatable; needs -a)."),
    click.option("--cc", multiple=True, help="Copy to this address (repeatable; needs -a)."),
    click.option("--bcc", multiple=True, help="Blind copy to this address (repeatable; needs -a)."),
    click.option(
        "-l",
        "--language",
        default="",
        help="The language of the addresses given with --to/--cc/--bcc: they get the brief's translation "
        "into it, where there is one (a list gives each recipient's `language`).",
    ),
    click.option(
        "--from", "from_", help="Sender, 'Name <address>' (default: mail.yaml `from:` or BRIEFGEN_MAIL_FROM)."
    ),
    click.option("--subject", help="Subject line (default: the audience's email.subject pattern)."),
    click.option(
        "--note",
        "note_path",
        type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
        help="Covering note (Markdown) above the message's body; - reads it from standard input.",
    ),
    click.option(
        "--each", is_flag=True, help="One message per recipient, greeting them by name; nobody sees the others."
    ),
    click.option("--bcc-self", is_flag=True, help="Keep a copy: Bcc the sender (also `bcc_self: true` in mail.yaml)."),
]

_MAIL_DELIVERY = [
    click.option(
        "-f",
        "--format",
        "formats",
        multiple=True,
        type=click.Choice(list(DOCUMENT_FORMATS)),
        help="Attach this format (repeatable; default: the audience's email.attach).",
    ),
    click.option(
        "--eml", "eml_dir", type=click.Path(path_type=Path, file_okay=False), help="Write drafts (.eml) here."
    ),
    click.option("--send", "send_now", is_flag=True, help="Send over SMTP (settings: mail.yaml or BRIEFGEN_SMTP_*)."),
    click.option("--dry-run", is_flag=True, help="Show who would get what; write and send nothing."),
    click.option("--resend", is_flag=True, help="Send again to recipients the send log shows as sent or uncertain."),
    click.option(
        "--recipients",
        "recipients_file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Distribution list (.csv with email,name,audience[,field], or .yaml) instead of the brief's.",
    ),
    out_option("Output folder of the attachments and the send log (OUT/<brief-id>/sent.jsonl)."),
    _bib_option("BibTeX file (as build)."),
    click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Mail settings file (default: ./mail.yaml, then ~/.config/briefgen/mail.yaml).",
    ),
    click.option(
        "--max-size", type=float, help="Warn when a message is larger, in MB (default: 10, or mail.yaml max_size_mb)."
    ),
    templates_option,
]
