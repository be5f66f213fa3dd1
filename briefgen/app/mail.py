"""`mail`: build a brief's attachments, compose each audience's message, write drafts or send.

The transport (letters, MIME, SMTP, the send log) is briefgen.mail; this module is the order
of the steps and what they report.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import BriefgenError, display_path
from ..output import write_set
from ..writers import FORMATS
from .build import run_build
from .events import (
    DraftWritten,
    FailuresOnly,
    MailReport,
    MessageReady,
    MessageSent,
    ProgressEnded,
    ProgressStarted,
    Reporter,
    SendInterrupted,
    Uncertain,
    Warned,
)
from .load import load
from .plan import BuildRequest, for_brief

if TYPE_CHECKING:
    from ..mail.recipients import Recipient

INTERRUPTED = 130  # the exit code of a send stopped by Ctrl-C, as a shell reports SIGINT


@dataclass(frozen=True)
class MailRequest:
    """What `mail` was asked for, options as given (checked here, in the order a user meets them)."""

    brief_path: Path
    audiences: tuple[str, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    from_: str | None
    subject: str | None
    note_path: Path | None
    each: bool
    bcc_self: bool
    formats: tuple[str, ...]
    eml_dir: Path | None
    send_now: bool
    dry_run: bool
    resend: bool
    recipients_file: Path | None
    out_dir: Path
    bib: tuple[Path, ...]
    config_path: Path | None
    max_size: float | None
    roots: tuple[Path, ...]
    debug: bool = False
    language: str = ""  # what readers given with --to/--cc/--bcc read (-l); "" = the brief's language


@dataclass(frozen=True)
class _Settings:
    """The sender and limits, from the options, the environment and mail.yaml."""

    config: dict[str, Any]
    config_file: str  # "" when there is none
    sender: Recipient
    reply_to: Recipient | None
    limit_mb: float
    given: tuple[list[Recipient], ...]  # --to, --cc, --bcc
    note: str


class _AttachmentsFailed(Exception):
    """The build of the attachments failed; it has reported why."""


def mail(request: MailRequest, reporter: Reporter) -> int:
    """Mail the brief as asked; the exit code (0, 1 when anything failed or is uncertain, 130 when stopped)."""
    from ..audience import discover, load_audiences
    from ..mail.letters import distribution
    from ..mail.recipients import brief_distribution, read_recipients

    settings = _settings(request)
    roots = request.roots
    names = sorted(discover(roots))
    unknown = [a for a in request.audiences if a not in names]
    if unknown:
        load_audiences(unknown, roots)  # the usual "unknown audience" error, with the known ones
    brief, refs, _ = load(request.brief_path, request.bib, names, reporter)
    listed = (
        read_recipients(request.recipients_file, names)
        if request.recipients_file
        else brief_distribution(request.brief_path, names)
    )
    groups = distribution(listed, request.audiences, *settings.given)
    chosen, skipped = for_brief(load_audiences(list(groups), roots), brief, asked=bool(request.audiences))
    for name in skipped:  # a list for every edition may name the follow-up's readers: not for this one
        reporter.report(
            Warned(f"{name}: {len(groups.pop(name))} recipient(s) not mailed: the brief follows no earlier edition")
        )
    readers = _variants(request, settings, brief.language, groups, listed, reporter)
    smtp = _smtp_settings(request, settings)  # wrong settings stop the command before anything is built
    try:
        editions = _editions(request, brief, chosen, readers, names, reporter)
    except _AttachmentsFailed:
        return 1
    messages = _deliveries(request, settings, editions, chosen, refs, readers, listed, reporter)
    drafts = _compose(request, settings, brief.id, messages, reporter)
    if request.eml_dir is not None:
        _write_drafts(request, drafts, reporter)
        return 0
    return _send(request, settings, smtp, brief, messages, reporter)


def _variants(request: MailRequest, settings: _Settings, own: str, groups, listed, reporter: Reporter) -> list:
    """Each audience's recipients by the language they get (mail/languages.py); what that leaves unsaid, warned."""
    from ..mail.languages import check_notes, variants
    from ..translation import translations_beside

    readers, warnings = variants(groups, own, translations_beside(request.brief_path))
    warnings += check_notes(readers, {a: listed.of(a) for a in groups}, own, settings.note)
    for warning in warnings:
        reporter.report(Warned(warning))
    return readers


def _smtp_settings(request: MailRequest, settings: _Settings):
    """The server to send through; None for drafts and dry runs."""
    from ..mail.smtp import smtp_settings

    if not request.send_now or request.dry_run:
        return None
    return smtp_settings(settings.config.get("smtp") or {}, settings.config_file or "settings")


def _settings(request: MailRequest) -> _Settings:
    """Sender, reply-to, size limit, addresses and note, each checked with the place it came from."""
    from ..mail.letters import DEFAULT_MAX_SIZE_MB
    from ..mail.smtp import config_file_settings

    config, config_file = config_file_settings(request.config_path)
    from_env = os.environ.get("BRIEFGEN_MAIL_FROM")
    sender_text = request.from_ or from_env or config.get("from")
    if not sender_text:
        raise BriefgenError(
            "no sender: give --from 'Name <address>', or set `from:` in mail.yaml or BRIEFGEN_MAIL_FROM"
        )
    origin = "--from" if request.from_ else "BRIEFGEN_MAIL_FROM" if from_env else f"{config_file}: from"
    sender = _one_address(sender_text, origin)
    reply_to = _one_address(config["reply_to"], f"{config_file}: reply_to") if config.get("reply_to") else None
    limit_mb = request.max_size or float(config.get("max_size_mb") or DEFAULT_MAX_SIZE_MB)
    given = tuple(
        _addresses(values, option, _language(request.language))
        for values, option in ((request.to, "--to"), (request.cc, "--cc"), (request.bcc, "--bcc"))
    )
    note = read_note(request.note_path) if request.note_path else ""
    return _Settings(config, config_file, sender, reply_to, limit_mb, given, note)


def _addresses(values: tuple[str, ...], option: str, language: str) -> list[Recipient]:
    """Addresses given on the command line, checked like a list's, who read `language` (-l)."""
    from ..mail.recipients import Recipient, parse_address

    found = []
    for value in values:
        try:
            name, email = parse_address(value)
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint=option) from None
        found.append(Recipient(email, name, "", "to", option, language))
    return found


def _language(tag: str) -> str:
    """-l's language tag, checked as a list's `language` is."""
    import re

    from ..mail.recipients import normal_language
    from ..translation import LANGUAGE_PATTERN

    language = normal_language(tag)
    if language and not re.fullmatch(LANGUAGE_PATTERN, language):
        raise click.BadParameter(f"'{tag}' is not a language tag: write one like ru, fr or sr-Latn", param_hint="-l")
    return language


def _one_address(value: str, origin: str) -> Recipient:
    from ..mail.recipients import Recipient, parse_address

    try:
        name, email = parse_address(value)
    except ValueError as err:
        raise BriefgenError(f"{origin}: {err}") from None
    return Recipient(email, name, "", "to", origin)


def read_note(path: Path) -> str:
    """The covering note: a file or, for `-`, standard input; UTF-8 Markdown."""
    from ..inputs import InputRefused, read_input
    from ..yamlsource import MAX_INPUT_BYTES

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


def _editions(request: MailRequest, brief, chosen: list, readers: list, names: list[str], reporter: Reporter) -> dict:
    """Each language mailed (the brief's own: SOURCE) as an `Edition`: its brief and attachments, built first.

    Every language's files are checked for hand edits before any is built. A dry run builds
    them in a scratch folder it then removes: it writes nothing of the user's.
    """
    import tempfile

    from ..mail.languages import SOURCE
    from ..mail.letters import Edition, built_attachments
    from ..translation import translations_beside

    translations = translations_beside(request.brief_path)
    quiet = FailuresOnly(reporter)  # the build says the translation's warnings
    plans = []  # (language, its brief, audience -> formats)
    for language in dict.fromkeys(v.language for v in readers):
        mailed = (
            brief
            if language == SOURCE
            else load(request.brief_path, request.bib, names, quiet, translations[language])[0]
        )
        audiences = {v.audience for v in readers if v.language == language}
        wanted = {a.name: list(request.formats) or list(a.style.email.attach) for a in chosen if a.name in audiences}
        plans.append((language, mailed, wanted))
    scratch = tempfile.TemporaryDirectory(prefix="briefgen-dry-run-") if request.dry_run else None
    built_in = Path(scratch.name) if scratch else request.out_dir
    try:
        for _, mailed, wanted in plans if scratch is None else ():
            _guard_hand_edits(
                mailed.id,
                [f"{mailed.id}_{a}.{FORMATS[f].name}" for a, fs in wanted.items() for f in fs],
                request.out_dir,
            )
        editions = {}
        for language, mailed, wanted in plans:
            _build_attachments(request, wanted, language or brief.language, built_in, quiet if scratch else reporter)
            by_name = {a.name: a for a in chosen}
            attached = {
                name: built_attachments(mailed, by_name[name], formats, built_in) for name, formats in wanted.items()
            }
            editions[language] = Edition(mailed, attached)
        return editions
    finally:
        if scratch is not None:
            scratch.cleanup()


def _guard_hand_edits(brief_id: str, names: list[str], out_dir: Path) -> None:
    """An attachment changed since briefgen wrote it (someone edited the DOCX) is never replaced by a rebuild."""
    from ..build import recorded_hashes
    from ..incremental import MANIFEST

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


def _build_attachments(
    request: MailRequest, wanted: dict[str, list[str]], language: str, out_dir: Path, reporter: Reporter
) -> None:
    """The attachments in one language made by `build` itself (up-to-date ones left alone), one run per
    set of formats."""
    from ..parallel import default_workers

    by_formats: dict[tuple[str, ...], list[str]] = {}
    for audience, fmts in wanted.items():
        by_formats.setdefault(tuple(fmts), []).append(audience)
    for formats, audiences in by_formats.items():
        build = BuildRequest(
            [request.brief_path], tuple(audiences), formats, out_dir, request.bib, False, request.roots,
            default_workers(), debug=request.debug, languages=(language,),
        )  # fmt: skip
        if run_build(build, reporter):
            raise _AttachmentsFailed


def _deliveries(request: MailRequest, settings: _Settings, editions: dict, chosen, refs, readers, listed, reporter):
    """The messages to send, one per audience and language or (--each) per recipient; their warnings reported."""
    from ..mail.letters import deliveries

    messages, warnings = deliveries(
        chosen,
        readers,
        editions,
        request.roots,
        refs,
        listed,
        sender=settings.sender,
        bcc_self=request.bcc_self or bool(settings.config.get("bcc_self")),
        each=request.each,
        note=settings.note,
        subject=request.subject,
    )
    for warning in warnings:
        reporter.report(Warned(warning))
    return messages


def _compose(request: MailRequest, settings: _Settings, brief_id: str, messages: list, reporter: Reporter) -> list:
    """Each message as a draft (.eml name, bytes), reported with its size checked against the limit."""
    from datetime import UTC, datetime

    from ..mail.message import compose, safe_filename

    now = datetime.now(UTC)
    drafts = []
    for delivery in messages:
        letter_, recipients = delivery.letter, delivery.recipients
        msg = compose(
            letter_, settings.sender, recipients, reply_to=settings.reply_to, draft=True, now=now.astimezone()
        )
        raw = msg.as_bytes()
        if len(raw) > settings.limit_mb * 1_000_000:
            reporter.report(
                Warned(
                    f"{letter_.audience}: the message is {len(raw) / 1_000_000:.1f} MB with its attachments "
                    f"(limit {settings.limit_mb:g} MB; many servers refuse large messages; --max-size to change)"
                )
            )
        files = tuple((a.filename, len(a.data)) for a in letter_.attachments)
        repeat = delivery.personal and delivery is not messages[0]
        translated = letter_.language if delivery.brief_id != brief_id else ""
        reporter.report(MessageReady(letter_.audience, letter_.subject, len(recipients), files, repeat, translated))
        stem = f"{delivery.brief_id}_{letter_.audience}"
        if delivery.personal:
            stem = safe_filename(f"{stem} {recipients[0].email}", "eml", fallback=stem)[: -len(".eml")]
        drafts.append((Path(f"{stem}.eml"), raw))
    return drafts


def _write_drafts(request: MailRequest, drafts: list, reporter: Reporter) -> None:
    folder = request.eml_dir or Path()  # given: drafts are written only with --eml
    if request.dry_run:
        for name, _ in drafts:
            reporter.report(DraftWritten(folder / name, dry_run=True))
        return
    for target in write_set(drafts, folder):
        reporter.report(DraftWritten(target, dry_run=False))


def _send(request: MailRequest, settings: _Settings, smtp_config, brief, messages: list, reporter: Reporter) -> int:
    """Send (or under a dry run, say what would be sent), with the send log; the exit code."""
    from ..mail.delivery import Interrupted
    from ..mail.smtp import SmtpSender

    smtp = SmtpSender(smtp_config) if smtp_config is not None else None
    try:
        results = _send_all(request, settings, smtp, brief, messages, reporter)
    except Interrupted as stopped:
        reporter.report(MailReport(tuple(stopped.results)))
        reporter.report(SendInterrupted())
        return INTERRUPTED
    finally:
        if smtp is not None:
            smtp.close()
    reporter.report(MailReport(tuple(results)))
    uncertain = [r for r in results if r.status == "uncertain"]
    if uncertain:
        reporter.report(Uncertain(len(uncertain)))
    return 1 if any(r.status in ("failed", "uncertain") for r in results) else 0


def _send_all(request: MailRequest, settings: _Settings, smtp, brief, messages: list, reporter: Reporter) -> list:
    """Every message through `send` (the send log decides who is due), one progress step each."""
    from ..mail.delivery import send
    from ..mail.sendlog import LOG_FILE

    def progress(index: int, total: int, delivery, results: list) -> None:
        to_whom = delivery.recipients[0].email if delivery.personal else None
        counts = tuple(_counts(results).items())
        language = results[0].language if results else ""
        reporter.report(
            MessageSent(index, total, delivery.letter.audience, to_whom, counts, smtp is not None, language)
        )

    reporter.report(ProgressStarted(len(messages) if smtp is not None else 0, "sending"))
    try:
        return send(
            messages,
            brief_id=brief.id,
            sender=settings.sender,
            reply_to=settings.reply_to,
            smtp=smtp,
            log_path=request.out_dir / brief.id / LOG_FILE,
            resend=request.resend,
            progress=progress,
        )
    finally:
        reporter.report(ProgressEnded())


def _counts(results) -> dict[str, int]:
    from ..mail.delivery import STATES

    return {s: sum(r.status == s for r in results) for s in STATES}
