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

from ..locales import date_text
from ..model import Metadata
from ..names import WINDOWS_RESERVED
from ..writers.common import short_title
from .recipients import Recipient, has_control_characters

MAX_STEM = 80  # characters: room for a folder on Windows (MAX_PATH 260) and mail clients' lists
MAX_STEM_BYTES = 240  # UTF-8: Linux and macOS allow 255 bytes per name, extension included
_APOSTROPHES = "'’ʼ"
_SEPARATOR = "[·:,–—-]"


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
        "date": date_text(meta.date, meta.language),
        "year": str(meta.date.year) if meta.date else "",
        "id": brief_id,
    }


def fill(pattern: str, values: dict[str, str]) -> str:
    """A checked pattern filled; empty fields leave no dangling separators (" · ", " - ", ": ") or "()"."""
    text = pattern.format_map(values)
    text = re.sub(rf"([(\[])(?:\s|{_SEPARATOR})+|(?:\s|{_SEPARATOR})+([)\]])", r"\1\2", text)  # "(, 2010)"
    text = re.sub(r"\(\)|\[\]", "", text)  # "{title} ({series})" without a series
    # "a ·  · b" -> "a · b", "a: – b" -> "a: b": the first separator of a run stays
    text = re.sub(rf"\s*({_SEPARATOR})(?:\s*{_SEPARATOR})+", _first_separator, text)
    text = re.sub(r"\s+", " ", text)
    return re.sub(rf"^(?:\s|{_SEPARATOR})+|(?:\s|{_SEPARATOR})+$", "", text)


def _first_separator(run: re.Match[str]) -> str:
    separator = run.group(1)
    return separator if separator in ",:" else " " + separator


def safe_filename(text: str, extension: str, language: str = "en", fallback: str = "brief") -> str:
    """A file name that is valid and readable on Windows, macOS and Linux, and in every mail client.

    Letters of every script are kept (the name is sent RFC 2231-encoded); anything else
    (the characters Windows forbids, control characters, punctuation, spaces) separates
    words joined by hyphens. An English possessive "’s" goes ("Kazakhstan’s" ->
    "Kazakhstan"), a word repeated next to itself once ("…-2010-2010" -> "…-2010"),
    reserved device names (CON, NUL…) get a suffix, and the stem stops at a word
    boundary within MAX_STEM characters (and MAX_STEM_BYTES of UTF-8); a first word
    longer than that is cut.
    """
    text = unicodedata.normalize("NFC", text)
    if language.lower().startswith("en"):
        text = re.sub(rf"(?<=\w)[{_APOSTROPHES}]s\b", "", text)
    words = "".join(ch if _keeps(ch) else " " for ch in text).split()
    stem_words: list[str] = []
    for word in words:
        if stem_words and stem_words[-1].casefold() == word.casefold():
            continue
        if not stem_words:
            word = _cut(word)  # one word longer than the limit: cut, rather than lose the name
        if not _fits("-".join([*stem_words, word])):
            break
        stem_words.append(word)
    stem = "-".join(stem_words)
    if not stem:  # nothing readable left: the fallback (a brief id, a file stem) made safe the same way
        return safe_filename(fallback, extension, language) if fallback else f"brief.{extension}"
    if stem.upper() in WINDOWS_RESERVED:  # the stem is the name before the extension
        stem += "-brief"
    return f"{stem}.{extension}"


def _keeps(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMN"


def _fits(stem: str) -> bool:
    return len(stem) <= MAX_STEM and len(stem.encode("utf-8")) <= MAX_STEM_BYTES


def _cut(word: str) -> str:
    """The longest start of `word` that fits, never parting a letter from its combining marks."""
    end = len(word)
    while end > 1 and not _fits(word[:end]):
        end -= 1
    while end > 1 and end < len(word) and unicodedata.category(word[end])[0] == "M":
        end -= 1  # back to the letter the mark belongs to, which goes with it
    return word[:end]


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
    everyone = (sender, *recipients, *([reply_to] if reply_to else []))
    # a non-ASCII local part (jürgen@) is only valid raw (RFC 6532), never RFC 2047-encoded
    international = any(not r.email.isascii() for r in everyone)
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
    msg["Message-ID"] = message_id or make_msgid(domain=_ascii_domain(sender.email))
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
            filename=attachment.filename,  # Content-Disposition, RFC 2231 when not ASCII; no Content-Type
        )  # `name=`: the email package folds a non-ASCII one into the media type itself
    if letter.language:  # after the body: set_content() clears every Content-* header
        msg["Content-Language"] = letter.language
    for part in msg.walk():
        if part is not msg:  # the email package repeats it in every part; RFC 2045 wants it once, on top
            del part["MIME-Version"]
    return msg


def _ascii_domain(address: str) -> str:
    """The address's domain as a Message-ID may hold it: ASCII (IDNA)."""
    domain = address.rpartition("@")[2]
    return domain if domain.isascii() else domain.encode("idna").decode("ascii")


def _one_line(text: str) -> str:
    """A header value from a pattern or an option: line breaks would inject headers."""
    if has_control_characters(text):
        raise ValueError("a subject must be one line without control characters")
    return text
