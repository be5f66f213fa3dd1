"""What each audience's message says and who gets it.

`letter` makes one message through the same stages as every output (build.to_document
with the audience's `email.md.j2`, then the plain-text and email-HTML writers), so the
body never drifts from the briefs. Its attachments are the files `build` made, read back
and checked against the manifest: what is mailed is byte for byte what is on disk.
`distribution` decides who gets which audience, and `deliveries` how many messages.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from ..audience import Audience
from ..bibliography import Reference
from ..brief import Brief
from ..build import metadata, to_document
from ..errors import BriefgenError, MailError
from ..incremental import MANIFEST
from ..select import shape
from ..writers import FORMATS, Assets, writer
from ..writers.html.email import email_html
from .languages import Variant
from .message import Attachment, Letter, fill, pattern_values, safe_filename
from .recipients import Distribution, Recipient

DEFAULT_MAX_SIZE_MB = 10.0  # what many servers refuse above, after base64 (+37 %)
VISIBLE_LIMIT = 100  # To and Cc addresses one message may show: Gmail and many servers refuse more


@dataclass(frozen=True)
class AttachmentInfo:
    """What the email template knows of an attachment: plain data."""

    name: str
    format: str
    pages: int | None
    kilobytes: int


@dataclass(frozen=True)
class Reader:
    """Who a message is written to, for `Dear ...` in the email template (`recipient`)."""

    name: str
    email: str


@dataclass(frozen=True)
class Delivery:
    """One message and its recipients: an audience's whole list, or one person of it."""

    letter: Letter
    recipients: tuple[Recipient, ...]
    personal: bool = False  # written to its first recipient alone (--each, individual: true)
    brief_id: str = ""  # the brief whose attachments it carries: the brief's, or a translation's (`<id>.<lang>`)


def built_attachments(
    brief: Brief, audience: Audience, formats: Iterable[str], out_dir: Path
) -> tuple[tuple[Attachment, ...], tuple[AttachmentInfo, ...]]:
    """The files `build` made for one audience, under the names a recipient should see.

    Each is read back and checked against the SHA-256 the manifest recorded, so a file
    changed on disk since it was built is never mailed as if it were the brief.
    """
    folder = out_dir / brief.id
    try:
        recorded = {e.get("file"): e for e in json.loads((folder / MANIFEST).read_bytes()).get("outputs", [])}
    except (OSError, ValueError) as err:
        raise BriefgenError(f"{folder / MANIFEST}: no readable manifest ({err}); run `briefgen build`") from None
    meta = metadata(shape(brief, audience.name, audience.style), audience)
    stem = fill(audience.style.email.filename, pattern_values(meta, brief.id))
    files, infos = [], []
    for fmt in formats:
        name = f"{brief.id}_{audience.name}.{FORMATS[fmt].name}"
        entry = recorded.get(name)
        data = (folder / name).read_bytes() if entry and (folder / name).is_file() else None
        if entry is None or data is None or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            raise BriefgenError(f"{folder / name}: not as the manifest records it; run `briefgen build`")
        shown = safe_filename(stem, FORMATS[fmt].name, meta.language, brief.id)
        files.append(Attachment(shown, str(entry["media_type"]), data))
        infos.append(AttachmentInfo(shown, fmt, entry.get("pages"), max(1, round(len(data) / 1024))))
    return tuple(files), tuple(infos)


def letter(
    brief: Brief,
    audience: Audience,
    roots: tuple[Path, ...],
    refs: dict[str, Reference],
    files: tuple[Attachment, ...],
    infos: tuple[AttachmentInfo, ...],
    *,
    subject: str | None = None,
    note: str = "",
    reader: Reader | None = None,
) -> Letter:
    """One message's text, HTML and attachments; `note` (Markdown) goes above the generated body."""
    doc, _ = to_document(
        brief,
        audience,
        roots,
        refs,
        template=audience.email_template,
        message=True,
        note=note,
        attachments=infos,
        recipient=reader,
    )
    return Letter(
        audience=audience.name,
        subject=subject or fill(audience.style.email.subject, pattern_values(doc.meta, brief.id)),
        text=writer("txt")(doc, audience.theme_in(doc.meta.language), Assets()).data.decode("utf-8"),
        html=email_html(doc, audience.theme_in(doc.meta.language)),
        language=doc.meta.language,
        attachments=files,
    )


@dataclass(frozen=True)
class Edition:
    """One language of the brief as mailed: the brief (or its translation) and each audience's attachments."""

    brief: Brief
    attached: dict[str, tuple[tuple[Attachment, ...], tuple[AttachmentInfo, ...]]]


def deliveries(
    audiences: list[Audience],
    variants: list[Variant],
    editions: dict[str, Edition],
    roots: tuple[Path, ...],
    refs: dict[str, Reference],
    listed: Distribution,
    *,
    sender: Recipient,
    bcc_self: bool = False,
    each: bool = False,
    note: str = "",
    subject: str | None = None,
) -> tuple[list[Delivery], list[str]]:
    """Every message to send, in the audiences' order (the brief's own language first), and warnings.

    Each audience's readers of one language (a `Variant`) get one message, or one per person
    with `each` or its list's `individual: true`; `note` (the command line's) wins over the
    list's own; `bcc_self` adds the sender as a Bcc of every message, unless already a recipient.
    """
    found: list[Delivery] = []
    warnings: list[str] = []
    for audience in audiences:
        settings = listed.of(audience.name)
        for variant in (v for v in variants if v.audience == audience.name):
            edition = editions[variant.language]
            files, infos = edition.attached[audience.name]
            people = variant.recipients
            copy: tuple[Recipient, ...] = ()
            if bcc_self and sender.email.casefold() not in {r.email.casefold() for r in people}:
                copy = (Recipient(sender.email, sender.name, audience.name, "bcc", "--bcc-self"),)
            text = note or settings.note_in(edition.brief.language) or ""

            one = partial(letter, edition.brief, audience, roots, refs, files, infos, subject=subject, note=text)
            if each or settings.individual:
                for r in people:
                    personal = (replace(r, field="to"), *copy)
                    found.append(Delivery(one(reader=Reader(r.name, r.email)), personal, True, edition.brief.id))
                continue
            found.append(Delivery(one(), (*people, *copy), False, edition.brief.id))
            if shown := visible_overflow(people):
                warnings.append(
                    f"{audience.name}: one message would show {shown} To and Cc addresses to everyone; many servers "
                    "refuse over 100: send with --each (or individual: true), or put them in Bcc"
                )
    return found, warnings


def distribution(
    listed: Distribution,
    audiences: Iterable[str],
    to: Iterable[Recipient] = (),
    cc: Iterable[Recipient] = (),
    bcc: Iterable[Recipient] = (),
) -> dict[str, tuple[Recipient, ...]]:
    """Audience -> its recipients: addresses given on the command line replace the lists.

    With no audiences named, every audience with recipients; a named audience without
    any is an error, since nobody would get its brief. An address given twice is an
    error too: it would be sent two copies, or none of them would be logged right.
    """
    named = list(dict.fromkeys(audiences))
    given = [*(_as(r, "to") for r in to), *(_as(r, "cc") for r in cc), *(_as(r, "bcc") for r in bcc)]
    if given:
        seen: dict[str, Recipient] = {}
        for r in given:
            first = seen.setdefault(r.email.casefold(), r)
            if first is not r:
                raise MailError(f"{r.email} is given twice ({first.where} and {r.where}); give it once")
        return {a: tuple(replace(r, audience=a) for r in given) for a in named}
    groups: dict[str, list[Recipient]] = {}
    for r in listed.recipients:
        groups.setdefault(r.audience, []).append(r)
    if not named:
        if not groups:
            raise MailError("no recipients: add a distribution list (see docs/email.md) or give -a and --to")
        return {a: tuple(rs) for a, rs in groups.items()}
    empty = [a for a in named if a not in groups]
    if empty:
        raise MailError(f"no recipients for {', '.join(empty)}: add them to the distribution list or give --to")
    return {a: tuple(groups[a]) for a in named}


def _as(r: Recipient, field: str) -> Recipient:
    return replace(r, field=field)


def visible_overflow(recipients: tuple[Recipient, ...]) -> int:
    """How many To and Cc addresses one message would show, when more than servers accept; else 0."""
    shown = sum(r.field in ("to", "cc") for r in recipients)
    return shown if shown > VISIBLE_LIMIT else 0
