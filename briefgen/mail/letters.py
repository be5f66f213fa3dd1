"""Mailing a brief: each audience's outputs attached to a message its readers can act on.

`letter` makes one audience's message through the same pipeline as a build: the
audience's `email.md.j2` template renders the shaped brief to Markdown, which becomes
a document and goes through the plain-text and HTML writers (citations dropped: a
message has no reference list). `distribution` decides who gets which audience.
`send` delivers each message and records every recipient's outcome in the send log
before the next message goes out, so a re-run sends only what was not yet sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..audience import Audience
from ..bibliography import Reference
from ..brief import Brief
from ..build import Output, metadata
from ..cite import resolve_citations
from ..errors import MailError
from ..markdown import parse_markdown
from ..model import Document, Metadata
from ..render import render_markdown
from ..select import Shaped, shape
from ..writers import FORMATS, Assets, writer
from ..writers.html import email_html
from .message import Attachment, Letter, compose, fill, pattern_values, safe_filename
from .recipients import Recipient
from .sendlog import Entry, append, delivered, read_log
from .smtp import SmtpSender

DEFAULT_MAX_SIZE_MB = 10.0  # what many servers refuse above, after base64 (+37 %)


@dataclass(frozen=True)
class AttachmentInfo:
    """What the email template knows of an attachment: plain data."""

    name: str
    format: str
    pages: int | None
    kilobytes: int


@dataclass(frozen=True)
class Result:
    """One line of the closing table."""

    audience: str
    recipient: str
    status: str  # sent | skipped | failed | drafted | would send
    detail: str = ""


def attachments(brief: Brief, audience: Audience, outputs: list[Output], meta: Metadata) -> tuple[Attachment, ...]:
    """The outputs under the names a recipient should see (the style's `email.filename`)."""
    stem = fill(audience.style.email.filename, pattern_values(meta, brief.id))
    return tuple(
        Attachment(safe_filename(stem, FORMATS[o.format].name, meta.language, brief.id), o.artifact.media_type, o.data)
        for o in outputs
    )


def email_document(
    shaped: Shaped,
    audience: Audience,
    roots: tuple[Path, ...],
    refs: dict[str, Reference],
    files: Iterable[AttachmentInfo],
) -> Document:
    markdown = render_markdown(
        audience.email_template, roots, shaped, audience.style, audience.name, attachments=tuple(files)
    )
    doc = Document(metadata(shaped, audience), parse_markdown(markdown))
    doc, _ = resolve_citations(doc, refs, "none", False, "none")
    return doc


def letter(
    brief: Brief,
    audience: Audience,
    roots: tuple[Path, ...],
    refs: dict[str, Reference],
    outputs: list[Output],
    subject: str | None = None,
) -> Letter:
    shaped = shape(brief, audience.name, audience.style)
    files = attachments(brief, audience, outputs, metadata(shaped, audience))
    infos = [
        AttachmentInfo(f.filename, o.format, o.pages, max(1, round(len(f.data) / 1024)))
        for f, o in zip(files, outputs, strict=True)
    ]
    doc = email_document(shaped, audience, roots, refs, infos)
    text = writer("txt")(doc, audience.theme, Assets()).data.decode("utf-8")
    html = email_html(doc, audience.theme)
    return Letter(
        audience=audience.name,
        subject=subject or fill(audience.style.email.subject, pattern_values(doc.meta, brief.id)),
        text=text,
        html=html,
        language=doc.meta.language,
        attachments=files,
    )


def distribution(
    listed: tuple[Recipient, ...],
    audiences: Iterable[str],
    to: Iterable[Recipient] = (),
    cc: Iterable[Recipient] = (),
    bcc: Iterable[Recipient] = (),
) -> dict[str, tuple[Recipient, ...]]:
    """Audience -> its recipients: addresses given on the command line replace the lists.

    With no audiences named, every audience with recipients; a named audience without
    any is an error, since nobody would get its brief.
    """
    named = list(dict.fromkeys(audiences))
    given = [*(_as(r, "to") for r in to), *(_as(r, "cc") for r in cc), *(_as(r, "bcc") for r in bcc)]
    if given:
        return {a: tuple(Recipient(r.email, r.name, a, r.field, r.where) for r in given) for a in named}
    groups: dict[str, list[Recipient]] = {}
    for r in listed:
        groups.setdefault(r.audience, []).append(r)
    if not named:
        if not groups:
            raise MailError("no recipients: add a distribution list (see README, Email) or give -a and --to")
        return {a: tuple(rs) for a, rs in groups.items()}
    empty = [a for a in named if a not in groups]
    if empty:
        raise MailError(f"no recipients for {', '.join(empty)}: add them to the distribution list or give --to")
    return {a: tuple(groups[a]) for a in named}


def _as(r: Recipient, field: str) -> Recipient:
    return Recipient(r.email, r.name, r.audience, field, r.where)


def send(
    deliveries: list[tuple[Letter, tuple[Recipient, ...]]],
    *,
    brief_id: str,
    sender: Recipient,
    reply_to: Recipient | None,
    smtp: SmtpSender | None,
    log_path: Path,
    resend: bool = False,
    now: datetime | None = None,
) -> list[Result]:
    """Each message to those of its recipients the log does not show as served; `smtp=None` is a dry run."""
    entries, _ = read_log(log_path)
    results: list[Result] = []
    fatal = ""  # a setting the server refused: the remaining messages are not attempted
    for letter_, recipients in deliveries:
        done = {} if resend else delivered(entries, brief_id, letter_.audience)
        due = [r for r in recipients if r.email.casefold() not in done]
        for r in recipients:
            if r.email.casefold() in done:
                when = done[r.email.casefold()].time[:16].replace("T", " ")
                results.append(Result(letter_.audience, r.email, "skipped", f"already sent {when} UTC (--resend)"))
        if not due:
            continue
        if smtp is None:
            results += [Result(letter_.audience, r.email, "would send", "") for r in due]
            continue
        if fatal:
            results += [Result(letter_.audience, r.email, "failed", f"not attempted: {fatal}") for r in due]
            continue
        moment = now or datetime.now(UTC)
        msg = compose(letter_, sender, recipients, reply_to=reply_to, now=moment.astimezone())
        try:
            outcomes = smtp.send(msg, sender.email, [r.email for r in due])
        except MailError as err:
            fatal = err.format_message()
            results += [Result(letter_.audience, r.email, "failed", fatal) for r in due]
            continue
        files = tuple({"name": a.filename, "sha256": a.sha256, "bytes": len(a.data)} for a in letter_.attachments)
        stamp = moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        logged = [
            Entry(
                time=stamp,
                brief=brief_id,
                audience=letter_.audience,
                recipient=r.email,
                field=r.field,
                status=outcomes[r.email].status,
                message_id=str(msg["Message-ID"]),
                server=smtp.settings.server,
                attachments=files,
                code=outcomes[r.email].code,
                detail=outcomes[r.email].detail,
            )
            for r in due
        ]
        append(log_path, logged)
        for r in due:
            o = outcomes[r.email]
            detail = str(msg["Message-ID"]) if o.status == "sent" else f"{o.code or ''} {o.detail}".strip()
            results.append(Result(letter_.audience, r.email, o.status, detail))
    return results
