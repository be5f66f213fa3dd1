"""Distribution lists: every mistake is one `file:line(:col): field: message` line, all at once."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from pathlib import Path

import pytest

from briefgen.errors import MailError
from briefgen.mail.message import Letter, compose
from briefgen.mail.recipients import (
    Distribution,
    ListSettings,
    Recipient,
    brief_distribution,
    parse_address,
    read_recipients,
)

from helpers_briefs import MINIMAL_BRIEF, write_brief

AUDIENCES = ["academic", "policymaker", "practitioner", "press"]
DISTRIBUTION_LINE = MINIMAL_BRIEF.count("\n") + 1  # `distribution:` follows the minimal brief


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Error lines name files relative to the working directory: `list.csv:3: ...`."""
    monkeypatch.chdir(tmp_path)


def write_list(text: str, name: str = "list.csv", encoding: str = "utf-8") -> Path:
    """A recipients file written byte for byte (no newline translation: CSV line ends are data)."""
    path = Path(name)
    path.write_bytes(text.encode(encoding))
    return path


def error_lines(path: Path, audiences: list[str] | None = AUDIENCES) -> list[str]:
    with pytest.raises(MailError) as info:
        read_recipients(path, audiences)
    return info.value.format_message().splitlines()


def brief_error_lines(path: Path) -> list[str]:
    with pytest.raises(MailError) as info:
        brief_distribution(path, AUDIENCES)
    return info.value.format_message().splitlines()


def listed(found: Distribution) -> list[tuple[str, str, str, str]]:
    return [(r.email, r.name, r.audience, r.field) for r in found.recipients]


# ---------------------------------------------------------------- CSV


def test_a_csv_saved_by_excel_with_a_byte_order_mark_and_semicolons_is_read() -> None:
    path = write_list(
        "email;name;audience;organisation\r\n"
        "minister@mfa.example.org;Office of the Minister;policymaker;MFA\r\n"
        "desk@daily.example.com;News desk;press;Daily\r\n",
        encoding="utf-8-sig",
    )

    assert listed(read_recipients(path, AUDIENCES)) == [
        ("minister@mfa.example.org", "Office of the Minister", "policymaker", "to"),
        ("desk@daily.example.com", "News desk", "press", "to"),
    ]


def test_excel_quoting_is_undone_doubled_quotes_and_delimiters_inside_quotes() -> None:
    path = write_list(
        'email;name;audience\r\njane@example.org;"Jane ""JJ"" Doe; MFA";policymaker\r\n', encoding="utf-8-sig"
    )

    assert [r.name for r in read_recipients(path, AUDIENCES).recipients] == ['Jane "JJ" Doe; MFA']


def test_a_recipient_remembers_where_the_list_names_it() -> None:
    path = write_list("email,name,audience\n\njane@example.org,Jane,press\n")

    assert [r.where for r in read_recipients(path, AUDIENCES).recipients] == ["list.csv:3"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("email,name,audience\njane@example.org,Jane,press\nbob@@example.org,Bob,press\n", 3),
        ("email,name,audience\n\n\nbob@@example.org,Bob,press\n", 4),
        (
            'email,name,audience,notes\njane@example.org,Jane,press,"met in Vienna\nand in Astana"\n'
            "bob@@example.org,Bob,press,\n",
            4,
        ),
    ],
    ids=["plain", "after-blank-lines", "after-a-quoted-multi-line-field"],
)
def test_a_bad_address_is_reported_at_its_line(text: str, line: int) -> None:
    assert error_lines(write_list(text)) == [
        f"list.csv:{line}: email: 'bob@@example.org' is not an email address: "
        "the part after the @-sign contains invalid characters: '@'."
    ]


def test_a_record_spanning_lines_is_reported_at_the_line_it_starts() -> None:
    path = write_list('email,name,audience\njane@example.org,Jane,press\nbob@example.org,"Bob\nBobson",pres\n')

    assert error_lines(path) == [
        "list.csv:3: name: contains a line break or control character",
        "list.csv:3: audience: unknown audience 'pres' (did you mean 'press'?)",
    ]


def test_an_unknown_audience_gets_a_suggestion_or_the_known_ones() -> None:
    path = write_list(
        "email,name,audience\na@example.org,A,policymakers\nb@example.org,B,ministers\nc@example.org,C,\n"
    )

    assert error_lines(path) == [
        "list.csv:2: audience: unknown audience 'policymakers' (did you mean 'policymaker'?)",
        "list.csv:3: audience: unknown audience 'ministers' (known: academic, policymaker, practitioner, press)",
        "list.csv:4: audience: no audience given (known: academic, policymaker, practitioner, press)",
    ]


def test_the_field_column_puts_an_address_in_cc_or_bcc_whatever_its_case() -> None:
    path = write_list(
        "email,name,audience,field\n"
        "minister@mfa.example.org,Minister,policymaker,\n"
        "planning@mfa.example.org,Planning,policymaker,CC\n"
        "desk@daily.example.com,Desk,policymaker, bcc \n"
    )

    assert [(r.email, r.field) for r in read_recipients(path, AUDIENCES).recipients] == [
        ("minister@mfa.example.org", "to"),
        ("planning@mfa.example.org", "cc"),
        ("desk@daily.example.com", "bcc"),
    ]


def test_a_field_that_is_not_to_cc_or_bcc_is_refused() -> None:
    path = write_list("email,name,audience,field\nminister@mfa.example.org,Minister,policymaker,copy\n")

    assert error_lines(path) == ["list.csv:2: field: 'copy' is not one of: to, cc, bcc"]


def test_a_name_that_would_inject_a_header_is_refused() -> None:
    path = write_list('email,name,audience\njane@example.org,"Jane\r\nBcc: everyone@example.org",press\n')

    assert error_lines(path) == ["list.csv:2: name: contains a line break or control character"]


def test_an_address_twice_for_one_audience_names_both_lines_whatever_the_case() -> None:
    path = write_list(
        "email,name,audience\njane@example.org,Jane,press\nbob@example.org,Bob,press\nJane@EXAMPLE.org,J,press\n"
    )

    assert error_lines(path) == ["list.csv:4: email: Jane@example.org is listed twice for press (first at line 2)"]


def test_one_address_for_two_audiences_is_two_recipients() -> None:
    path = write_list("email,name,audience\njane@example.org,Jane,press\njane@example.org,Jane,policymaker\n")

    assert [(r.email, r.audience) for r in read_recipients(path, AUDIENCES).recipients] == [
        ("jane@example.org", "press"),
        ("jane@example.org", "policymaker"),
    ]


def test_every_mistake_of_a_list_is_reported_at_once() -> None:
    path = write_list(
        "email,name,audience,field\nnot-an-address,A,press,to\nb@example.org,B,pres,to\nc@example.org,C,press,copy\n"
    )

    assert [line.split(": ")[0:2] for line in error_lines(path)] == [
        ["list.csv:2", "email"],
        ["list.csv:3", "audience"],
        ["list.csv:4", "field"],
    ]


def test_a_list_without_an_email_column_says_what_the_header_needs() -> None:
    assert error_lines(write_list("mail,name,group\na@example.org,A,press\n")) == [
        "list.csv:1: missing column email, audience (the header row needs email,name,audience)"
    ]


def test_a_list_that_is_not_utf8_says_so() -> None:
    path = write_list("email,name,audience\njürgen@example.org,Jürgen,press\n", encoding="latin-1")

    assert error_lines(path) == ["list.csv: not UTF-8 text (invalid start byte at byte 21)"]


# ---------------------------------------------------------------- YAML files


def test_a_yaml_list_is_read_with_its_fields() -> None:
    path = write_list(
        "- email: minister@mfa.example.org\n  name: Office of the Minister\n  audience: policymaker\n"
        "- {email: desk@daily.example.com, audience: press, field: bcc}\n",
        name="list.yaml",
    )

    assert listed(read_recipients(path, AUDIENCES)) == [
        ("minister@mfa.example.org", "Office of the Minister", "policymaker", "to"),
        ("desk@daily.example.com", "", "press", "bcc"),
    ]


def test_a_yaml_list_with_an_unknown_key_points_at_the_key() -> None:
    path = write_list(
        "- email: minister@mfa.example.org\n  audience: policymaker\n  feild: cc\n",
        name="list.yaml",
    )

    assert error_lines(path) == ["list.yaml:3:3: [0].feild: unknown key 'feild' (did you mean 'field'?)"]


def test_a_bad_address_in_a_yaml_list_points_at_the_value() -> None:
    path = write_list(
        "- email: minister@mfa.example.org\n  audience: policymaker\n- email:   desk@daily\n  audience: press\n",
        name="list.yaml",
    )

    assert error_lines(path) == [
        "list.yaml:3:12: [1].email: 'desk@daily' is not an email address: "
        "the part after the @-sign is not valid. It should have a period."
    ]


# ---------------------------------------------------------------- a brief's `distribution:`


def test_a_briefs_distribution_takes_name_and_address_strings_and_mappings(tmp_path: Path) -> None:
    path = write_brief(
        tmp_path,
        MINIMAL_BRIEF
        + "distribution:\n"
        + "  policymaker:\n"
        + "    - Office of the Minister <minister@mfa.example.org>\n"
        + "    - '\"Doe, Jane\" <jane.doe@mfa.example.org>'\n"
        + "    - {email: planning@mfa.example.org, name: Policy Planning, field: cc}\n"
        + "  press:\n"
        + "    - desk@daily.example.com\n",
    )

    found = brief_distribution(path, AUDIENCES)

    assert listed(found) == [
        ("minister@mfa.example.org", "Office of the Minister", "policymaker", "to"),
        ("jane.doe@mfa.example.org", "Doe, Jane", "policymaker", "to"),
        ("planning@mfa.example.org", "Policy Planning", "policymaker", "cc"),
        ("desk@daily.example.com", "", "press", "to"),
    ]
    assert found.recipients[0].where == f"brief.yaml:{DISTRIBUTION_LINE + 2}"


def test_a_bad_address_in_a_briefs_distribution_points_at_the_entry(tmp_path: Path) -> None:
    path = write_brief(
        tmp_path,
        MINIMAL_BRIEF
        + "distribution:\n"
        + "  policymaker:\n"
        + "    - Office of the Minister <minister@@mfa.example.org>\n"
        + "    - email: planning@mfa\n"
        + "  press:\n"
        + "    - Doe, Jane <jane@daily.example.com>\n",
    )

    assert brief_error_lines(path) == [
        f"brief.yaml:{DISTRIBUTION_LINE + 2}:7: distribution.policymaker[0]: 'Office of the Minister "
        "<minister@@mfa.example.org>' is not an email address: "
        "the part after the @-sign contains invalid characters: '@'.",
        f"brief.yaml:{DISTRIBUTION_LINE + 3}:14: distribution.policymaker[1].email: "
        "'planning@mfa' is not an email address: the part after the @-sign is not valid. It should have a period.",
        f"brief.yaml:{DISTRIBUTION_LINE + 5}:7: distribution.press[0]: 'Doe, Jane <jane@daily.example.com>': "
        'a name with a comma needs double quotes: "Doe, Jane" <jane@daily.example.com>',
    ]


def test_entries_of_the_wrong_shape_are_reported_once_by_the_schema(tmp_path: Path) -> None:
    path = write_brief(
        tmp_path,
        MINIMAL_BRIEF + "distribution:\n  press:\n    - 42\n    - [a@example.org]\n    -\n    - {email: 7}\n",
    )

    assert brief_error_lines(path) == [
        f"brief.yaml:{DISTRIBUTION_LINE + 2}:7: distribution.press[0]: expected text or a mapping, got a number",
        f"brief.yaml:{DISTRIBUTION_LINE + 3}:7: distribution.press[1]: expected text or a mapping, got a list",
        f"brief.yaml:{DISTRIBUTION_LINE + 4}:6: distribution.press[2]: expected text or a mapping, got nothing",
        f"brief.yaml:{DISTRIBUTION_LINE + 5}:15: distribution.press[3].email: expected text, got a number",
    ]


def test_an_unknown_audience_in_a_briefs_distribution_points_at_its_key(tmp_path: Path) -> None:
    path = write_brief(tmp_path, MINIMAL_BRIEF + "distribution:\n  presse:\n    - desk@daily.example.com\n")

    assert brief_error_lines(path) == [
        f"brief.yaml:{DISTRIBUTION_LINE + 1}:3: distribution.presse: unknown audience 'presse' (did you mean 'press'?)"
    ]


def test_a_distribution_file_is_found_next_to_the_brief_not_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "list.csv").write_text("email,name,audience\ndesk@daily.example.com,Desk,press\n")
    (tmp_path / "list.csv").write_text("email,name,audience\nwrong@example.org,Wrong,press\n")
    path = write_brief(tmp_path, MINIMAL_BRIEF + "distribution: list.csv\n", name="briefs/brief.yaml")

    found = brief_distribution(path, AUDIENCES)

    assert [(r.email, r.where) for r in found.recipients] == [("desk@daily.example.com", "briefs/list.csv:2")]


def test_a_missing_distribution_file_is_a_problem_of_the_brief(tmp_path: Path) -> None:
    path = write_brief(tmp_path, MINIMAL_BRIEF + "distribution: lists/press.csv\n")

    assert brief_error_lines(path) == [
        f"brief.yaml:{DISTRIBUTION_LINE}:15: distribution: no recipients file lists/press.csv"
    ]


def test_an_audience_may_carry_a_covering_note_and_individual_messages(tmp_path: Path) -> None:
    path = write_brief(
        tmp_path,
        MINIMAL_BRIEF
        + "distribution:\n"
        + "  press:\n"
        + "    individual: true\n"
        + "    note: |\n"
        + "      Embargoed until **Monday**.\n"
        + "    recipients:\n"
        + "      - News desk <desk@daily.example.com>\n"
        + "  policymaker:\n"
        + "    - minister@mfa.example.org\n",
    )

    found = brief_distribution(path, AUDIENCES)

    assert listed(found) == [
        ("desk@daily.example.com", "News desk", "press", "to"),
        ("minister@mfa.example.org", "", "policymaker", "to"),
    ]
    assert found.of("press") == ListSettings("Embargoed until **Monday**.\n", individual=True, where="brief.yaml:16")
    assert found.of("policymaker") == ListSettings()


def test_a_list_with_settings_is_checked_like_the_rest(tmp_path: Path) -> None:
    path = write_brief(
        tmp_path,
        MINIMAL_BRIEF
        + "distribution:\n"
        + "  press:\n"
        + "    individual: yes please\n"
        + "    notes: hello\n"
        + "    recipients:\n"
        + "      - desk@@daily.example.com\n",
    )

    assert brief_error_lines(path) == [
        f"brief.yaml:{DISTRIBUTION_LINE + 2}:17: distribution.press.individual: expected true or false, got text",
        f"brief.yaml:{DISTRIBUTION_LINE + 3}:5: distribution.press.notes: unknown key 'notes' (did you mean 'note'?)",
    ]


def test_a_yaml_recipients_file_may_be_a_mapping_too(tmp_path: Path) -> None:
    path = write_list("press:\n  note: Hello\n  recipients: [desk@daily.example.com]\n", name="list.yaml")

    found = read_recipients(path, AUDIENCES)

    assert listed(found) == [("desk@daily.example.com", "", "press", "to")]
    assert found.of("press").note == "Hello"
    assert error_lines(write_list("presse: [desk@daily.example.com]\n", name="bad.yaml")) == [
        "bad.yaml:1:1: presse: unknown audience 'presse' (did you mean 'press'?)"
    ]


def test_building_never_reads_the_distribution(tmp_path: Path) -> None:
    from briefgen.loader import load_brief

    path = write_brief(tmp_path, MINIMAL_BRIEF + "distribution:\n  press:\n    - not an address\n")

    assert load_brief(path, audiences=AUDIENCES).title  # the list is mail's and check's business
    assert brief_error_lines(path)[0].startswith(f"brief.yaml:{DISTRIBUTION_LINE + 2}:7: distribution.press[0]: ")


def test_a_distribution_files_mistakes_point_into_that_file(tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text("email,name,audience\ndesk@daily.example.com,Desk,pres\n")
    path = write_brief(tmp_path, MINIMAL_BRIEF + "distribution: list.csv\n")

    assert brief_error_lines(path) == ["list.csv:2: audience: unknown audience 'pres' (did you mean 'press'?)"]


# ---------------------------------------------------------------- one address


@pytest.mark.parametrize(
    ("text", "name", "address"),
    [
        ("jane@example.org", "", "jane@example.org"),
        ("Jane Doe <jane@example.org>", "Jane Doe", "jane@example.org"),
        ('"Doe, Jane" <jane@example.org>', "Doe, Jane", "jane@example.org"),
        ('"Jane \\"JJ\\" Doe" <jane@example.org>', 'Jane "JJ" Doe', "jane@example.org"),
        ("Jürgen Müller <jm@example.org>", "Jürgen Müller", "jm@example.org"),
        ("Jane@Example.ORG", "", "Jane@example.org"),
    ],
)
def test_an_address_is_read_with_its_display_name(text: str, name: str, address: str) -> None:
    assert parse_address(text) == (name, address)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("j@müller.example.org", "j@xn--mller-kva.example.org"),
        ("jürgen@müller.example.org", "jürgen@xn--mller-kva.example.org"),
        ("j@xn--mller-kva.example.org", "j@xn--mller-kva.example.org"),
    ],
)
def test_an_internationalised_domain_becomes_ascii_and_a_local_part_stays(text: str, address: str) -> None:
    """Every server routes an `xn--` domain; only SMTPUTF8 carries `jürgen@`, so it is kept as written."""
    assert parse_address(text) == ("", address)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "no address given"),
        ("Jane Doe", "'Jane Doe' is not an email address: an email address must have an @-sign."),
        ("a@example.org, b@example.org", "holds 2 addresses; give one per entry"),
        (
            "Doe, Jane <jane@example.org>",
            'a name with a comma needs double quotes: "Doe, Jane" <jane@example.org>',
        ),
        ("team: a@example.org;", "is a group; give one address"),
        ("Jane <jane@example.org>\nBcc: everyone@example.org", "contains a line break or control character"),
        ("jane@localhost", "is not an email address: the part after the @-sign is not valid. It should have a period."),
    ],
)
def test_an_address_that_is_not_one_says_why(text: str, why: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_address(text)

    assert why in str(info.value)


def test_names_and_addresses_from_a_list_come_out_of_a_real_message_as_written() -> None:
    recipients = tuple(
        Recipient(email, name, "press", field)
        for name, email, field in (
            (*parse_address('"Doe, Jane" <jane@example.org>'), "to"),
            (*parse_address('"Jane \\"JJ\\" Roe" <roe@example.org>'), "cc"),
            (*parse_address("Jürgen Müller <jürgen@müller.example.org>"), "to"),
        )
    )
    letter = Letter("press", "Brief", "Text\n", "<p>Text</p>", "en", ())
    sender = Recipient("analyst@example.org", "Analyst")

    raw = compose(letter, sender, recipients, now=datetime(2010, 1, 15, tzinfo=UTC)).as_bytes()
    # `jürgen@` makes it an internationalised message: headers are raw UTF-8 (RFC 6532), which
    # Python's bytes parser leaves undecoded; a client that reads RFC 6532 decodes them first
    parsed = email.message_from_string(raw.decode("utf-8"), policy=policy.default)

    assert "<jürgen@xn--mller-kva.example.org>".encode() in raw
    assert b"=?utf-8?" not in raw  # an encoded word is never valid in an address
    assert [(a.display_name, a.username, a.domain) for a in parsed["To"].addresses] == [
        ("Doe, Jane", "jane", "example.org"),
        ("Jürgen Müller", "jürgen", "xn--mller-kva.example.org"),
    ]
    assert [(a.display_name, a.addr_spec) for a in parsed["Cc"].addresses] == [('Jane "JJ" Roe', "roe@example.org")]
