"""One audience's email, parsed back as a mail client would: MIME tree, headers, attachment names."""

from __future__ import annotations

import email
import mimetypes
import re
from datetime import UTC, date, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage

import pytest

from briefgen.mail.message import Attachment, Letter, compose, fill, pattern_values, safe_filename
from briefgen.mail.recipients import Recipient
from briefgen.model import Metadata
from briefgen.writers import FORMATS

PDF = FORMATS["pdf"].media_type
DOCX = FORMATS["docx"].media_type
NOW = datetime(2010, 1, 15, 9, 30, tzinfo=timezone(timedelta(hours=6)))  # Astana
SENDER = Recipient("analyst@think.example.org", "Jane Analyst")
MINISTER = Recipient("minister@mfa.example.org", "Office of the Minister", "policymaker", "to")
PLANNING = Recipient("planning@mfa.example.org", "Policy Planning", "policymaker", "cc")
DESK = Recipient("desk@daily.example.com", "News desk", "press", "bcc")


def a_letter(**changes: object) -> Letter:
    values: dict[str, object] = {
        "audience": "policymaker",
        "subject": "Water, borders and the OSCE",
        "text": "Dear colleagues,\n\nthe brief is attached.\n",
        "html": "<p>Dear colleagues,</p><p>the brief is attached.</p>",
        "language": "en",
        "attachments": (
            Attachment("Water-borders-2010.pdf", PDF, b"%PDF-1.7\n%stand-in\n"),
            Attachment("Water-borders-2010.docx", DOCX, b"PK\x03\x04stand-in"),
        ),
    }
    values.update(changes)
    return Letter(**values)  # type: ignore[arg-type]


def composed(letter: Letter | None = None, recipients=(MINISTER, PLANNING), **options) -> tuple[EmailMessage, bytes]:
    """The message as a client receives it, and its raw bytes."""
    raw = compose(letter or a_letter(), SENDER, recipients, now=NOW, **options).as_bytes()
    return email.message_from_bytes(raw, policy=policy.default), raw


def tree(msg: EmailMessage, depth: int = 0) -> list[str]:
    """The MIME structure, indented: what a client shows as the message's parts."""
    lines = ["  " * depth + msg.get_content_type()]
    if msg.is_multipart():
        for part in msg.iter_parts():
            lines += tree(part, depth + 1)
    return lines


# ---------------------------------------------------------------- structure


def test_the_message_is_text_with_an_html_alternative_and_the_attachments() -> None:
    msg, _ = composed()

    assert tree(msg) == [
        "multipart/mixed",
        "  multipart/alternative",
        "    text/plain",
        "    text/html",
        "  application/pdf",
        f"  {DOCX}",
    ]
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain.get_content() == "Dear colleagues,\r\n\r\nthe brief is attached.\r\n"  # on the wire: CRLF
    assert html.get_content().strip() == "<p>Dear colleagues,</p><p>the brief is attached.</p>"
    assert [(a.get_filename(), a.get_content()) for a in msg.iter_attachments()] == [
        ("Water-borders-2010.pdf", b"%PDF-1.7\n%stand-in\n"),
        ("Water-borders-2010.docx", b"PK\x03\x04stand-in"),
    ]


def test_media_types_are_the_writers_never_guessed_from_file_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without /etc/mime.types does not know .docx; the message must not depend on it."""

    def no_guessing(*_args, **_kwargs):
        raise AssertionError("mimetypes was asked")

    monkeypatch.setattr(mimetypes, "types_map", {})
    monkeypatch.setattr(mimetypes, "guess_type", no_guessing)

    msg, _ = composed()

    assert [(a.get_content_type(), a.get_content_disposition()) for a in msg.iter_attachments()] == [
        ("application/pdf", "attachment"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
    ]
    assert [a.get_filename() for a in msg.iter_attachments()] == ["Water-borders-2010.pdf", "Water-borders-2010.docx"]
    assert [a.get_param("name") for a in msg.iter_attachments()] == [None, None]  # the disposition names them


def test_mime_version_is_stated_once_on_top() -> None:
    _, raw = composed()

    top_headers = raw.split(b"\r\n\r\n", 1)[0]
    assert raw.count(b"MIME-Version:") == 1
    assert b"\r\nMIME-Version: 1.0\r\n" in top_headers


def test_the_content_language_survives_the_body_being_set() -> None:
    msg, _ = composed(a_letter(language="ru"))

    assert msg["Content-Language"] == "ru"


# ---------------------------------------------------------------- names and subjects in other scripts


def test_a_cyrillic_file_name_is_sent_rfc2231_encoded_and_read_back() -> None:
    pdf = Attachment("Вода-2010.pdf", PDF, b"%PDF-1.7\n")
    msg, raw = composed(a_letter(attachments=(pdf,)))

    assert b"filename*=utf-8''%D0%92%D0%BE%D0%B4%D0%B0-2010.pdf" in raw
    assert [a.get_filename() for a in msg.iter_attachments()] == ["Вода-2010.pdf"]


def test_a_long_greek_file_name_is_split_into_rfc2231_continuations_and_read_back() -> None:
    name = safe_filename("Νερό, σύνορα και ο ΟΑΣΕ: η προεδρία του Καζακστάν και η περιφερειακή ασφάλεια", "pdf")
    msg, raw = composed(a_letter(attachments=(Attachment(name, PDF, b"%PDF-1.7\n"),)))

    assert b"filename*0*=utf-8''" in raw and b"filename*1*=" in raw
    assert [a.get_filename() for a in msg.iter_attachments()] == [name]


def test_a_non_ascii_subject_and_sender_name_are_rfc2047_encoded_and_read_back() -> None:
    letter = a_letter(subject="Вода, границы и ОБСЕ — председательство Казахстана в 2010 году")
    sender = Recipient("analyst@think.example.org", "Жанна Аналитик")
    raw = compose(letter, sender, (MINISTER,), now=NOW).as_bytes()
    msg = email.message_from_bytes(raw, policy=policy.default)

    assert raw.isascii()
    assert b"Subject: =?utf-8?" in raw
    assert msg["Subject"] == "Вода, границы и ОБСЕ — председательство Казахстана в 2010 году"
    assert msg["From"].addresses[0].display_name == "Жанна Аналитик"


@pytest.mark.parametrize("subject", ["Brief\nBcc: everyone@example.org", "Brief\r", "Brief\x00"])
def test_a_subject_that_would_inject_a_header_is_refused(subject: str) -> None:
    with pytest.raises(ValueError, match="one line"):
        compose(a_letter(subject=subject), SENDER, (MINISTER,), now=NOW)


def test_a_non_ascii_mailbox_makes_an_internationalised_message_even_when_it_is_only_the_reply_to() -> None:
    """`jürgen@` is valid only raw (RFC 6532); an RFC 2047 encoded word in an address is not an address."""
    reply_to = Recipient("jürgen@xn--mller-kva.example.org", "Jürgen Müller")
    raw = compose(a_letter(), SENDER, (MINISTER,), reply_to=reply_to, now=NOW).as_bytes()
    msg = email.message_from_string(raw.decode("utf-8"), policy=policy.default)  # RFC 6532: headers are UTF-8

    assert "<jürgen@xn--mller-kva.example.org>".encode() in raw
    assert [(a.display_name, a.username) for a in msg["Reply-To"].addresses] == [("Jürgen Müller", "jürgen")]


# ---------------------------------------------------------------- headers


def test_recipients_go_in_to_cc_and_bcc_as_listed() -> None:
    msg, _ = composed(recipients=(MINISTER, PLANNING, DESK), draft=True)

    assert msg["To"] == "Office of the Minister <minister@mfa.example.org>"
    assert msg["Cc"] == "Policy Planning <planning@mfa.example.org>"
    assert msg["Bcc"] == "News desk <desk@daily.example.com>"  # a draft keeps them: the client shows and strips them
    assert msg["From"] == "Jane Analyst <analyst@think.example.org>"


def test_only_a_draft_is_marked_unsent() -> None:
    draft, _ = composed(draft=True)
    message, _ = composed(draft=False)

    assert draft["X-Unsent"] == "1"
    assert "X-Unsent" not in message


def test_a_message_to_bcc_recipients_only_is_to_undisclosed_recipients() -> None:
    only_bcc, raw = composed(recipients=(DESK,))
    with_to, _ = composed(recipients=(MINISTER, DESK))

    assert b"\r\nTo: undisclosed-recipients:;\r\n" in raw
    assert [(g.display_name, g.addresses) for g in only_bcc["To"].groups] == [("undisclosed-recipients", ())]
    assert "undisclosed" not in str(with_to["To"])


def test_a_reply_to_is_set_only_when_given() -> None:
    with_reply, _ = composed(reply_to=Recipient("office@think.example.org", "Think tank office"))
    without, _ = composed()

    assert with_reply["Reply-To"] == "Think tank office <office@think.example.org>"
    assert "Reply-To" not in without


def test_date_and_message_id_are_set_and_the_id_is_in_the_senders_domain() -> None:
    first, _ = composed()
    second, _ = composed()

    assert first["Date"] == "Fri, 15 Jan 2010 09:30:00 +0600"
    assert first["Date"].datetime == NOW
    assert re.fullmatch(r"<[^<>@\s]+@think\.example\.org>", first["Message-ID"])
    assert first["Message-ID"] != second["Message-ID"]


def test_a_message_id_can_be_given() -> None:
    msg, _ = composed(message_id="<brief-1@think.example.org>")

    assert msg["Message-ID"] == "<brief-1@think.example.org>"


def test_an_idn_sender_domain_gives_an_ascii_message_id() -> None:
    sender = Recipient("analyst@müller.example.org", "Analyst")
    msg = compose(a_letter(), sender, (MINISTER,), now=NOW)

    assert str(msg["Message-ID"]).endswith("@xn--mller-kva.example.org>")


def test_every_line_ends_in_crlf_and_fits_rfc5322s_998_octets() -> None:
    letter = a_letter(
        subject="Water, borders and the OSCE: " + "regional security and cooperation " * 20,
        text="A line far longer than any mail server takes. " * 100 + "\n",
        html="<p>" + "Ein sehr langer Absatz über Wasser und Grenzen. " * 100 + "</p>",
    )
    long_name = Recipient("minister@mfa.example.org", "Office of the Minister for Foreign Affairs " * 10, "p", "to")
    raw = compose(letter, SENDER, (long_name, PLANNING), now=NOW).as_bytes()

    lines = raw.split(b"\r\n")
    assert b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 998
    assert max(len(line) for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")) <= 78  # headers folded


# ---------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Water: borders <and> "the" OSCE? a|b*c\\d/e', "Water-borders-and-the-OSCE-a-b-c-d-e.pdf"),
        ("Report. . .  ", "Report.pdf"),
        ("CON", "CON-brief.pdf"),
        ("nul", "nul-brief.pdf"),
        ("Com1", "Com1-brief.pdf"),
        ("COM¹", "COM¹-brief.pdf"),
        ("Kazakhstan’s OSCE chairmanship", "Kazakhstan-OSCE-chairmanship.pdf"),
        ("Kazakhstan's OSCE chairmanship", "Kazakhstan-OSCE-chairmanship.pdf"),
        ("Kazakhstan OSCE chairmanship 2010 2010", "Kazakhstan-OSCE-chairmanship-2010.pdf"),
        ("Νερό και σύνορα", "Νερό-και-σύνορα.pdf"),
        ("जल और सीमाएँ: नीति", "जल-और-सीमाएँ-नीति.pdf"),
        ("e\u0301te\u0301", "\u00e9t\u00e9.pdf"),  # NFC: what macOS, Windows and mail clients compare
    ],
)
def test_a_file_name_is_safe_on_every_system_and_keeps_every_scripts_letters(text: str, expected: str) -> None:
    assert safe_filename(text, "pdf") == expected


def test_an_english_possessive_goes_only_in_english() -> None:
    assert safe_filename("L’Europe’s future", "pdf", language="fr") == "L-Europe-s-future.pdf"
    assert safe_filename("Europe’s future", "pdf", language="en-GB") == "Europe-future.pdf"


def test_a_long_name_stops_at_a_word_boundary_within_80_characters() -> None:
    title = "Water borders and the OSCE chairmanship of Kazakhstan regional security in Central Asia after 2010"

    name = safe_filename(title, "docx")

    assert name == "Water-borders-and-the-OSCE-chairmanship-of-Kazakhstan-regional-security-in.docx"
    assert len(name.removesuffix(".docx")) <= 80


def test_one_word_longer_than_the_limit_is_cut_never_between_a_letter_and_its_mark() -> None:
    assert safe_filename("x" * 100, "pdf") == "x" * 80 + ".pdf"
    assert safe_filename("a" * 79 + "q\u0301" + "z", "pdf") == "a" * 79 + ".pdf"  # q́ has no precomposed form


def test_a_name_in_four_byte_letters_stays_within_255_bytes() -> None:
    name = safe_filename("𠀀" * 80, "docx")  # CJK Extension B: 4 bytes each in UTF-8

    assert len(name.encode("utf-8")) <= 255
    assert set(name.removesuffix(".docx")) == {"𠀀"}


def test_a_name_with_no_letters_left_uses_the_fallback_made_safe() -> None:
    assert safe_filename("", "pdf") == "brief.pdf"
    assert safe_filename("!!! ???", "pdf", fallback="kazakhstan-osce-2010") == "kazakhstan-osce-2010.pdf"
    assert safe_filename("", "pdf", fallback="../drafts/CON") == "drafts-CON.pdf"
    assert safe_filename("", "pdf", fallback="CON") == "CON-brief.pdf"


# ---------------------------------------------------------------- patterns


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{title}", "Water, borders and the OSCE"),
        ("{series}: {title}", "Water, borders and the OSCE"),
        ("{title} – {subtitle}", "Water, borders and the OSCE"),
        ("{title} · {series} · {year}", "Water, borders and the OSCE · 2010"),
        ("{title}: {subtitle} – {year}", "Water, borders and the OSCE: 2010"),
        ("{title} ({series})", "Water, borders and the OSCE"),
        ("{title} ({series}, {year})", "Water, borders and the OSCE (2010)"),
        ("{organisation} brief {id}, {date}", "OSCE Academy brief osce-water, 15 January 2010"),
    ],
)
def test_a_pattern_with_empty_fields_leaves_no_dangling_separators(pattern: str, expected: str) -> None:
    meta = Metadata(title="Water, borders and the OSCE", date=date(2010, 1, 15), organisation="OSCE Academy")

    assert fill(pattern, pattern_values(meta, "osce-water")) == expected


def test_pattern_values_offer_every_field_a_style_may_use() -> None:
    from briefgen.style import PATTERN_FIELDS

    meta = Metadata(title="Water: borders", subtitle="Sub", date=date(2010, 1, 15), series="Policy Brief 3")

    values = pattern_values(meta, "osce-water")

    assert set(values) == set(PATTERN_FIELDS)
    assert (values["year"], values["date"], values["id"]) == ("2010", "15 January 2010", "osce-water")


def test_the_default_file_name_pattern_drops_a_year_the_title_already_ends_with() -> None:
    meta = Metadata(title="Kazakhstan’s OSCE Chairmanship 2010", date=date(2010, 1, 15))

    stem = fill("{short_title}-{year}", pattern_values(meta, "kz"))

    assert safe_filename(stem, "pdf") == "Kazakhstan-OSCE-Chairmanship-2010.pdf"


def test_an_aware_utc_time_is_written_as_utc() -> None:
    msg = compose(a_letter(), SENDER, (MINISTER,), now=datetime(2010, 1, 15, 3, 30, tzinfo=UTC))

    assert msg["Date"] == "Fri, 15 Jan 2010 03:30:00 +0000"


@pytest.mark.parametrize(
    "stem",
    ["Sécurité-énergétique-en-Asie-centrale-2010", "Председательство-Казахстана-в-ОБСЕ-2010", "Water-borders-2010"],
)
def test_every_attachment_keeps_its_media_type_whatever_its_name(stem: str) -> None:
    """A hand-made Content-Type `name=` once got RFC 2047-encoded into the type itself
    (`application/=?utf-8?q?vnd=2Eopenxml…?=`): mutt showed that type, Thunderbird a blank icon.
    """
    files = (Attachment(f"{stem}.docx", DOCX, b"PK\x03\x04stand-in"), Attachment(f"{stem}.pdf", PDF, b"%PDF-1.7\n"))
    msg, raw = composed(a_letter(attachments=files))

    parts = list(msg.iter_attachments())
    assert [(p.get_content_type(), p.get_filename()) for p in parts] == [(DOCX, f"{stem}.docx"), (PDF, f"{stem}.pdf")]
    assert all(not p.defects and not p["Content-Type"].defects for p in parts)
    headers = re.findall(rb"^Content-Type: (\S+?)[;\r]", raw, flags=re.MULTILINE)
    assert headers[-2:] == [DOCX.encode(), PDF.encode()]  # on the wire, as any client reads it
    assert b"=?utf-8?" not in b"".join(re.findall(rb"^Content-Type:.*$", raw, flags=re.MULTILINE))
