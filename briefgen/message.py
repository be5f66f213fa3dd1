"""One audience's email: subject, a plain-text body with an HTML alternative, the attachments.

Built with the standard `email` package (its `EmailMessage` API and SMTP policy), so
headers are folded and encoded by the book: RFC 2047 for non-ASCII names and subjects,
RFC 2231 for non-ASCII attachment names, CRLF line ends. Media types are set here from
the writers' registry, never guessed from the file name (`mimetypes` does not know
`.docx` on a machine without /etc/mime.types). A draft carries `X-Unsent: 1`, the header
Outlook reads to open an .eml file as a message to edit and send.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from .model import Metadata
from .recipients import Recipient
from .writers.common import date_text, short_title

WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM = 80  # characters: room for a folder on Windows (MAX_PATH 260) and mail clients' lists
_APOSTROPHES = "'’ʼ"


@dataclass(frozen=True)
class Attachment:
    filename: str  # what the recipient sees
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Letter:
    """What one audience's message says, before it is addressed."""

    audience: str
    subject: str
    text: str  # the text/plain part
    html: str  # the text/html alternative
    language: str
    attachments: tuple[Attachment, ...]


def pattern_values(meta: Metadata, brief_id: str) -> dict[str, str]:
    """The fields a style's `email.subject` and `email.filename` patterns may use (style.PATTERN_FIELDS)."""
    return {
        "title": meta.title,
        "short_title": short_title(meta),
        "subtitle": meta.subtitle,
        "series": meta.series,
        "organisation": meta.organisation,
        "date": date_text(meta.date),
        "year": str(meta.date.year) if meta.date else "",
        "id": brief_id,
    }


def fill(pattern: str, values: dict[str, str]) -> str:
    """A checked pattern filled; empty fields leave no dangling separators (" · ", " - ", ": ")."""
    text = pattern.format_map(values)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^[\s·:,–—-]+|[\s·:,–—-]+$", "", text)


def safe_filename(text: str, extension: str, language: str = "en", fallback: str = "brief") -> str:
    """A file name that is valid and readable on Windows, macOS and Linux, and in every mail client.

    Letters of every script are kept (the name is sent RFC 2231-encoded); anything else
    (the characters Windows forbids, control characters, punctuation, spaces) separates
    words joined by hyphens. An English possessive "’s" goes ("Kazakhstan’s" ->
    "Kazakhstan"), a word repeated next to itself once ("…-2010-2010" -> "…-2010"),
    reserved device names (CON, NUL…) get a suffix, and the stem stops at a word
    boundary within MAX_STEM characters.
    """
    text = unicodedata.normalize("NFC", text)
    if language.lower().startswith("en"):
        text = re.sub(rf"(?<=\w)[{_APOSTROPHES}]s\b", "", text)
    words = "".join(ch if _keeps(ch) else " " for ch in text).split()
    stem_words: list[str] = []
    for word in words:
        if stem_words and stem_words[-1].casefold() == word.casefold():
            continue
        if len("-".join([*stem_words, word])) > MAX_STEM:
            break
        stem_words.append(word)
    stem = "-".join(stem_words) or fallback
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        stem += "-brief"
    return f"{stem}.{extension}"


def _keeps(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMN"


def compose(
    letter: Letter,
    sender: Recipient,
    recipients: tuple[Recipient, ...],
    *,
    reply_to: Recipient | None = None,
    draft: bool = False,
    now: datetime,
    message_id: str | None = None,
) -> EmailMessage:
    """The RFC 5322 message: multipart/mixed [multipart/alternative [plain, html], attachments...].

    Bcc recipients stay in a draft's header (the mail client shows and strips them);
    smtplib strips them from what it transmits.
    """
    international = any(not r.email.isascii() for r in (sender, *recipients))
    msg = EmailMessage(policy=policy.SMTPUTF8 if international else policy.SMTP)
    msg["Date"] = format_datetime(now)
    msg["From"] = sender.header
    for field in ("to", "cc", "bcc"):
        addresses = [r.header for r in recipients if r.field == field]
        if addresses:
            msg[field.capitalize()] = addresses
    if not any(r.field in ("to", "cc") for r in recipients):
        msg["To"] = "undisclosed-recipients:;"  # RFC 5322 3.4: an empty group; a message without To looks like spam
    if reply_to is not None:
        msg["Reply-To"] = reply_to.header
    msg["Subject"] = _one_line(letter.subject)
    msg["Message-ID"] = message_id or make_msgid(domain=sender.email.rpartition("@")[2])
    msg["Content-Language"] = letter.language
    if draft:
        msg["X-Unsent"] = "1"
    msg.set_content(letter.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(letter.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in letter.attachments:
        maintype, _, subtype = attachment.media_type.partition("/")
        msg.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params={"name": attachment.filename},  # Content-Type's name: what older Outlook versions read
        )
    return msg


def _one_line(text: str) -> str:
    """A header value from a pattern or an option: line breaks would inject headers."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValueError("a subject must be one line without control characters")
    return text
