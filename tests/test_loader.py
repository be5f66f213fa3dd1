"""Stage 1: every user mistake in a brief is one `file:line:col: field: message` line."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen import yamlsource
from briefgen.errors import BriefError
from briefgen.loader import load_brief

from fuzz_strategies import markdown_text
from helpers_briefs import MINIMAL_BRIEF, write_brief

AUDIENCES = ["academic", "policymaker", "practitioner", "press"]
BIB_KEYS = ["doe2020", "doe2021", "roe2019"]


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    """Error lines name files relative to the working directory: `brief.yaml:3:1: ...`."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True, params=["libyaml", "pyyaml"])
def yaml_reader(request, monkeypatch):
    """Every test here runs with libyaml's reader and with PyYAML's own (as without libyaml): same results."""
    if request.param == "pyyaml":
        monkeypatch.setattr(yamlsource, "_CParser", None)
    elif yamlsource._CParser is None:
        pytest.skip("PyYAML is built without libyaml here")
    return request.param


def error_lines(path, **kwargs) -> list[str]:
    """The lines a user sees for a brief that does not load."""
    with pytest.raises(BriefError) as info:
        load_brief(path, **kwargs)
    return info.value.format_message().splitlines()


# ---------------------------------------------------------------- the good path


def test_it_loads_a_valid_brief_with_its_groups_ids_and_date(tmp_path):
    brief = load_brief(write_brief(tmp_path, MINIMAL_BRIEF), keys=BIB_KEYS, audiences=AUDIENCES)

    assert brief.title == "Water, borders and the OSCE"
    assert brief.date == dt.date(2010, 1, 15)
    assert [g.name for g in brief.groups] == ["Regional security"]
    assert [(r.id, r.priority) for r in brief.recommendations] == [("R1", "high"), ("R2", "low")]
    assert brief.summary == "Astana can make a difference here [@doe2020]."


def test_it_turns_a_timeframe_given_as_a_number_into_text(tmp_path):
    brief = load_brief(write_brief(tmp_path, MINIMAL_BRIEF))

    assert [r.timeframe for r in brief.recommendations] == ["2010", ""]


def test_it_takes_the_id_from_the_file_stem_when_none_is_given(tmp_path):
    brief = load_brief(write_brief(tmp_path, MINIMAL_BRIEF, name="water-2010.yaml"))

    assert brief.id == "water-2010"


def test_it_prefers_an_explicit_id_to_the_file_stem(tmp_path):
    brief = load_brief(write_brief(tmp_path, "id: osce-water\n" + MINIMAL_BRIEF, name="draft.yaml"))

    assert brief.id == "osce-water"


# ---------------------------------------------------------------- one mistake at a time


def test_it_reports_a_missing_required_field_at_the_mapping_that_lacks_it(tmp_path):
    text = MINIMAL_BRIEF.replace("title: Water, borders and the OSCE\n", "").replace("        priority: low\n", "")

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:1:1: title: missing required field",
        "brief.yaml:10:9: recommendations[0].items[1].priority: missing required field",
    ]


def test_it_reports_a_wrong_type_saying_what_it_expected_and_got(tmp_path):
    text = MINIMAL_BRIEF.replace("title: Publish border incident data", "title: 42")

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:12:16: recommendations[0].items[1].title: expected text, got a number",
    ]


def test_it_reports_a_timeframe_that_is_neither_text_nor_a_whole_number(tmp_path):
    text = MINIMAL_BRIEF.replace("timeframe: 2010", "timeframe: [2010, 2011]")

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:10:20: recommendations[0].items[0].timeframe: expected text or a whole number, got a list",
    ]


def test_it_reports_an_unknown_priority_with_the_allowed_ones(tmp_path):
    text = MINIMAL_BRIEF.replace("priority: low", "priority: urgent")

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:13:19: recommendations[0].items[1].priority: 'urgent' is not one of: high, medium, low",
    ]


def test_it_reports_a_duplicate_recommendation_id_naming_where_it_was_first_used(tmp_path):
    text = MINIMAL_BRIEF.replace("id: R2", "id: R1")

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:11:13: recommendations[0].items[1].id: duplicate recommendation id 'R1' "
        "(first used at recommendations[0].items[0].id)",
    ]


def test_it_reports_a_duplicate_recommendation_id_across_groups(tmp_path):
    text = (
        MINIMAL_BRIEF + "  - group: Afghanistan\n    items:\n      - id: R2\n        title: Fund trade\n"
        "        priority: high\n"
    )

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:16:13: recommendations[1].items[0].id: duplicate recommendation id 'R2' "
        "(first used at recommendations[0].items[1].id)",
    ]


def test_it_reports_an_unknown_key_with_a_suggestion(tmp_path):
    text = MINIMAL_BRIEF.replace("summary:", "summry:").replace("timeframe: 2010", "actor: [OSCE]")

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:3:1: summry: unknown key 'summry' (did you mean 'summary'?)",
        "brief.yaml:10:9: recommendations[0].items[0].actor: unknown key 'actor' (did you mean 'actors'?)",
    ]


def test_it_lists_the_allowed_keys_when_no_key_is_close(tmp_path):
    text = MINIMAL_BRIEF.replace("timeframe: 2010", "colour: red")

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:10:9: recommendations[0].items[0].colour: unknown key 'colour' "
        "(allowed: id, title, priority, actors, timeframe, rationale, short, audiences, status)",
    ]


def test_it_reports_a_duplicate_yaml_key_whose_first_value_would_be_lost(tmp_path):
    text = MINIMAL_BRIEF.replace("        priority: low\n", "        priority: low\n        priority: high\n")

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:14:9: recommendations[0].items[1].priority: duplicate key (the earlier value would be lost)",
    ]


def test_it_reports_invalid_yaml_at_the_parsers_line(tmp_path):
    text = MINIMAL_BRIEF.replace("        priority: low", "       priority: low")  # one space short

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:13:8: invalid YAML: expected <block end>, but found '<block mapping start>'",
    ]


def test_it_reports_an_unclosed_flow_list_as_invalid_yaml(tmp_path):
    text = MINIMAL_BRIEF.replace("timeframe: 2010", "actors: [OSCE, EU")

    [line] = error_lines(write_brief(tmp_path, text))
    assert line.startswith("brief.yaml:11:")
    assert ": invalid YAML: " in line


def test_it_reports_a_date_in_the_wrong_format(tmp_path):
    text = MINIMAL_BRIEF.replace("date: 2010-01-15", "date: 15 January 2010")

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:2:7: date: '15 January 2010' is not a date (write YYYY-MM-DD)",
    ]


def test_it_reports_a_quoted_date_that_does_not_exist(tmp_path):
    text = MINIMAL_BRIEF.replace("date: 2010-01-15", 'date: "2010-02-30"')

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:2:7: date: '2010-02-30' is not a date (write YYYY-MM-DD)",
    ]


def test_it_reports_an_unquoted_date_that_does_not_exist(tmp_path):
    text = MINIMAL_BRIEF.replace("date: 2010-01-15", "date: 2010-02-30")

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:2:7: date: '2010-02-30' is not a date (write YYYY-MM-DD)",
    ]


def test_it_reports_an_empty_list_of_recommendations(tmp_path):
    text = MINIMAL_BRIEF.split("    items:")[0] + "    items: []\n"

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:6:12: recommendations[0].items: must not be empty",
    ]


def test_it_reports_an_id_with_characters_file_names_cannot_take(tmp_path):
    text = "id: Water_2010\n" + MINIMAL_BRIEF

    assert error_lines(write_brief(tmp_path, text)) == [
        "brief.yaml:1:5: id: 'Water_2010' has characters not allowed here (pattern ^[a-z0-9][a-z0-9-]*$)",
    ]


def test_it_reports_a_brief_that_is_not_a_mapping(tmp_path):
    assert error_lines(write_brief(tmp_path, "- title: A list, not a brief\n")) == [
        "brief.yaml:1:1: a brief must be a YAML mapping (title:, date:, recommendations:, ...)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            MINIMAL_BRIEF.split("recommendations:")[0] + "recommendations: 3\n",
            "brief.yaml:4:18: recommendations: expected a list, got a number",
        ),
        (
            MINIMAL_BRIEF + "        audiences: 3\n",
            "brief.yaml:14:20: recommendations[0].items[1].audiences: expected a list, got a number",
        ),
    ],
    ids=["recommendations", "audiences"],
)
def test_it_reports_a_number_where_a_list_belongs(tmp_path, text, expected):
    assert expected in error_lines(write_brief(tmp_path, text), audiences=AUDIENCES)


# ---------------------------------------------------------------- audiences and citations


def test_it_reports_an_unknown_audience_tag_with_a_suggestion(tmp_path):
    text = MINIMAL_BRIEF + "        audiences: [press, practitoner]\n"

    assert error_lines(write_brief(tmp_path, text), audiences=AUDIENCES) == [
        "brief.yaml:14:28: recommendations[0].items[1].audiences[1]: unknown audience 'practitoner' "
        "(did you mean 'practitioner'?)",
    ]


def test_it_reports_an_unknown_audience_override_at_its_key_listing_known_audiences(tmp_path):
    text = MINIMAL_BRIEF + "audience_overrides:\n  ministers:\n    title: Short title\n"

    assert error_lines(write_brief(tmp_path, text), audiences=AUDIENCES) == [
        "brief.yaml:15:3: audience_overrides.ministers: unknown audience 'ministers' "
        "(known: academic, policymaker, practitioner, press)",
    ]


def test_it_does_not_check_audience_tags_without_a_list_of_audiences(tmp_path):
    text = MINIMAL_BRIEF.replace("        priority: low\n", "        priority: low\n        audiences: [nosuch]\n")

    assert load_brief(write_brief(tmp_path, text)).recommendations[1].audiences == ("nosuch",)


def test_it_reports_an_unknown_citation_key_with_the_closest_keys(tmp_path):
    text = MINIMAL_BRIEF.replace("[@doe2020]", "[@doe2002, p. 4]").replace(
        "title: Publish border incident data", "title: Publish border data, as @roe2091 urges"
    )

    assert error_lines(write_brief(tmp_path, text), keys=BIB_KEYS) == [
        "brief.yaml:3:44: summary: unknown citation key '@doe2002' (did you mean @doe2021, @doe2020, @roe2019?)",
        "brief.yaml:12:40: recommendations[0].items[1].title: unknown citation key '@roe2091' "
        "(did you mean @roe2019, @doe2021, @doe2020?)",
    ]


def test_it_reports_an_unknown_citation_key_without_a_suggestion_when_none_is_close(tmp_path):
    text = MINIMAL_BRIEF.replace("[@doe2020]", "[@smith]")

    assert error_lines(write_brief(tmp_path, text), keys=BIB_KEYS) == [
        "brief.yaml:3:44: summary: unknown citation key '@smith'",
    ]


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ('"Astana can [@doe2002]."', "brief.yaml:3:22: summary:"),
        ("|\n  First line.\n  Then [@doe2002].", "brief.yaml:5:8: summary:"),
        (">\n  First line.\n  Then [@doe2002].", "brief.yaml:5:8: summary:"),
        ("First line,\n  then [@doe2002].", "brief.yaml:4:8: summary:"),
    ],
    ids=["double-quoted", "literal-block", "folded-block", "multi-line-plain"],
)
def test_it_points_at_an_unknown_citation_in_any_yaml_scalar_style(tmp_path, summary, expected):
    text = MINIMAL_BRIEF.replace("Astana can make a difference here [@doe2020].", summary)

    [line] = error_lines(write_brief(tmp_path, text), keys=BIB_KEYS)
    assert line.startswith(expected)


# ---------------------------------------------------------------- all mistakes at once


def test_it_reports_every_mistake_of_a_file_together_in_file_order(tmp_path):
    text = """\
title: Water, borders and the OSCE
date: "2010-02-30"
summry: Astana can make a difference.
recommendations:
  - group: Regional security
    items:
      - id: R1
        title: Open a regional water dialogue
        priority: urgent
        audiences: [practitoner]
      - id: R1
        title: 42
        priority: low
        actor: [OSCE]
  - items:
      - id: R3
        title: Fund trade
        priority: high
        priority: low
"""
    assert error_lines(write_brief(tmp_path, text), audiences=AUDIENCES) == [
        "brief.yaml:2:7: date: '2010-02-30' is not a date (write YYYY-MM-DD)",
        "brief.yaml:3:1: summry: unknown key 'summry' (did you mean 'summary'?)",
        "brief.yaml:9:19: recommendations[0].items[0].priority: 'urgent' is not one of: high, medium, low",
        "brief.yaml:10:21: recommendations[0].items[0].audiences[0]: unknown audience 'practitoner' "
        "(did you mean 'practitioner'?)",
        "brief.yaml:11:13: recommendations[0].items[1].id: duplicate recommendation id 'R1' "
        "(first used at recommendations[0].items[0].id)",
        "brief.yaml:12:16: recommendations[0].items[1].title: expected text, got a number",
        "brief.yaml:14:9: recommendations[0].items[1].actor: unknown key 'actor' (did you mean 'actors'?)",
        "brief.yaml:15:5: recommendations[1].group: missing required field",
        "brief.yaml:19:9: recommendations[1].items[0].priority: duplicate key (the earlier value would be lost)",
    ]


def test_it_reports_unknown_citation_keys_together_with_other_mistakes(tmp_path):
    text = MINIMAL_BRIEF.replace("[@doe2020]", "[@smith]").replace("priority: low", "priority: urgent")

    assert error_lines(write_brief(tmp_path, text), keys=BIB_KEYS) == [
        "brief.yaml:3:44: summary: unknown citation key '@smith'",
        "brief.yaml:13:19: recommendations[0].items[1].priority: 'urgent' is not one of: high, medium, low",
    ]


def test_a_short_line_is_loaded_on_one_line_and_its_citations_are_checked(tmp_path):
    text = MINIMAL_BRIEF.replace("timeframe: 2010", "short: >\n          Talk water\n          now [@doe2021].")
    brief = load_brief(write_brief(tmp_path, text), keys=BIB_KEYS, audiences=AUDIENCES)
    assert brief.recommendations[0].short == "Talk water now [@doe2021]."
    assert "doe2021" in brief.cited

    bad = MINIMAL_BRIEF.replace("timeframe: 2010", "short: Talk now [@nobody].")
    [line] = error_lines(write_brief(tmp_path, bad), keys=BIB_KEYS)
    assert line.startswith("brief.yaml:10:") and "nobody" in line and ".short" in line


def test_a_note_or_citation_that_would_print_raw_is_an_error_at_its_line(tmp_path):
    text = MINIMAL_BRIEF.replace(
        "summary: Astana can make a difference here [@doe2020].",
        "summary: |\n  Astana matters.^[A note with a list:\n\n  - one\n  - two]\n\n  Unclosed [@doe2020, p. 3.",
    )
    lines = error_lines(write_brief(tmp_path, text), keys=BIB_KEYS)
    assert lines[0].startswith("brief.yaml:4:18: summary: this inline note ^[…] is not closed")
    assert lines[1].startswith("brief.yaml:9:12: summary: this citation [@…] is not closed")


def test_a_span_language_that_is_no_language_tag_is_an_error_at_its_line(tmp_path):
    text = MINIMAL_BRIEF.replace(
        "summary: Astana can make a difference here [@doe2020].",
        'summary: |\n  Astana ([Астана]{lang=kk}) matters,\n  says [Nur-Sultan]{lang="Kazakh language"} [@doe2020].',
    )
    [line] = error_lines(write_brief(tmp_path, text), keys=BIB_KEYS)
    assert line == (
        "brief.yaml:5:21: summary: 'Kazakh language' is not a language tag: "
        "write one like lang=kk, lang=sr-Latn or lang=zh-Hant"
    )


def test_a_language_tag_after_words_with_no_opening_bracket_is_an_error_at_its_line(tmp_path):
    """Found by the fuzz test: a field with no `[` skipped the parser, so `Астана]{lang=kk}` printed raw."""
    text = MINIMAL_BRIEF.replace(
        "summary: Astana can make a difference here [@doe2020].",
        "summary: Astana (Астана]{lang=kk}) matters.",
    )
    [line] = error_lines(write_brief(tmp_path, text), keys=BIB_KEYS)
    assert line.startswith("brief.yaml:3:24: summary: this {lang=…} was not read as the language")


# ---------------------------------------------------------------- libyaml and PyYAML's own reader

ROOT = Path(__file__).resolve().parent.parent


def _read_both(text: str) -> tuple[object, object]:
    """Each reader's result as comparable values (types kept: 1, 1.0 and True differ), or its error."""

    def typed(value: object) -> object:
        if isinstance(value, dict):
            return ("map", [(k, typed(v)) for k, v in value.items()])
        if isinstance(value, list):
            return ("seq", [typed(v) for v in value])
        return (type(value).__name__, value)

    results = []
    for read in (yamlsource._read_libyaml, yamlsource._read_pyyaml):
        try:
            data, pos = read(text, "f.yaml")
        except Exception as err:  # the libyaml reader leaves every error to PyYAML's
            results.append(("error", type(err).__name__))
            continue
        where = (pos.marks, pos.key_marks, pos.text_start, pos.text_end, [str(p) for p in pos.problems])
        results.append((typed(data), where))
    return results[0], results[1]


@pytest.mark.skipif(yamlsource._CParser is None, reason="PyYAML is built without libyaml here")
@pytest.mark.parametrize(
    "name",
    ["briefs/kazakhstan-osce-2010.yaml", "tests/data/briefs/field-notes.yaml", "templates/practitioner/style.yaml"],
)
def test_libyaml_reads_the_sample_files_itself_exactly_as_pyyaml_does(name, yaml_reader):
    if yaml_reader != "libyaml":
        pytest.skip("compares both readers once")
    text = (ROOT / name).read_text(encoding="utf-8")
    fast, pure = _read_both(text)
    assert fast[0] != "error"  # read by libyaml, not handed back to PyYAML
    assert fast == pure


# What libyaml and PyYAML's own parser read differently: the libyaml reader hands each back to PyYAML.
DISAGREEMENTS = [
    ("a:\t1\n", "1:3: invalid YAML: found character '\\t' that cannot start any token"),
    ("a: 1\t\nb: 2\n", "1:5: invalid YAML: found character '\\t' that cannot start any token"),
    ("a: 1\n\ufeff\nb: 2\n", "3:1: invalid YAML: could not find expected ':'"),
    ("a: [b?c]\n", "1:6: invalid YAML: expected ',' or ']', but got '?'"),
    ("a: {b?c: 1}\n", "1:6: invalid YAML: expected ',' or '}', but got '?'"),
    ("a: >-#\n  x\n", "1:6: invalid YAML: expected chomping or indentation indicators, but found '#'"),
]


@pytest.mark.parametrize(("text", "expected"), DISAGREEMENTS)
def test_what_libyaml_would_accept_but_pyyaml_refuses_is_the_same_error_as_always(tmp_path, text, expected):
    assert error_lines(write_brief(tmp_path, text)) == [f"brief.yaml:{expected}"]


@pytest.mark.parametrize(
    "text",
    [
        "?\ufeffa: 1\n",  # a BOM inside a line: PyYAML does not count it as a column, libyaml does
        "a: {b: , c: 1}\n",  # an empty value in braces: libyaml puts it a column further on
        "a: 'x\tquoted'\nb: |\n  \tblock\n",  # tabs inside quoted and block text: both read them
        "a: 1\nb:\nc: [x, y]\nd: {e: f}\n'g': \"h\\x41\"\ni: |+\n  j\n\nk: >2-\n   l\nm: !!str 12\n",
        "n: 1\no: 1.5\np: yes\nq: ~\nr: 2010-01-15\ns: 0x1F\nt: .inf\n1: a\ntrue: b\n~: c\nx: 1\nx: 2\n",
        "a: x\r\nb: y\r\n",
        "a: x\x85b: y\u2028c: |\n  z\u2029  w\n",
        "\ufeffa: 1\n",
        "--- a\n...\n",
        "",
        "a: &x 1\nb: 2\n",
        "a: &x 1\nb: &x 2\n",
        "a: *x\n",
        "!!set {a, b}\n",
        "a: !!binary aGk=\n",
        "a: !x 1\n",
        "a: 1\n---\nb: 2\n",
        "? [a]\n: 1\n",
        'a: "\\ud800"\n',
    ],
)
def test_libyaml_and_pyyaml_give_the_same_data_positions_and_problems(text, yaml_reader):
    if yaml_reader != "libyaml":
        pytest.skip("compares both readers once")
    fast, pure = _read_both(text)
    if fast[0] != "error":
        assert fast == pure


def test_lists_nested_too_deep_are_one_line_error_at_the_first_too_deep(tmp_path):
    deep = "title: " + "[" * 100_000 + "\n"  # libyaml's composer would crash the process; PyYAML's would recurse
    assert error_lines(write_brief(tmp_path, deep)) == [
        "brief.yaml:1:107: invalid YAML: lists and mappings nested more than 100 deep"
    ]
    block = "".join(" " * (2 * i) + f"k{i}:\n" for i in range(150)) + " " * 300 + "x: 1\n"
    assert error_lines(write_brief(tmp_path, block)) == [
        "brief.yaml:101:201: invalid YAML: lists and mappings nested more than 100 deep"
    ]


def test_lists_nested_as_deep_as_allowed_are_read(tmp_path):
    text = MINIMAL_BRIEF + "keywords: " + "[" * 99 + "x" + "]" * 99 + "\n"
    lines = error_lines(write_brief(tmp_path, text))
    assert lines == ["brief.yaml:14:12: keywords[0]: expected text, got a list"]


def test_importing_the_loaders_imports_no_validator_bibliography_or_markdown_parser():
    """A rebuild with nothing changed reads a brief's id and styles without them: they cost more than it."""
    script = (
        "import sys\n"
        "import briefgen.audience, briefgen.loader, briefgen.style, briefgen.yamlsource, briefgen.bibliography\n"
        "from briefgen.yamlsource import read_yaml\n"
        f"read_yaml({str(ROOT / 'briefs' / 'kazakhstan-osce-2010.yaml')!r}, 'b.yaml', ValueError)\n"
        "heavy = ['jsonschema', 'pybtex', 'pylatexenc', 'markdown_it', 'mdit_py_plugins', 'email_validator',"
        " 'email.headerregistry', 'jinja2', 'reportlab', 'docx', 'PIL']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(markdown_text(surrogates=False), st.text()))
def test_fields_the_loader_does_not_parse_have_nothing_to_report(text):
    """The loader skips the parser for fields that cannot hold an unclosed opener or a citation."""
    from briefgen.loader import _may_hold_stray_syntax
    from briefgen.markdown import citations_in, stray_syntax

    plain = text.translate({ord("["): None, ord("{"): None, ord("&"): None, ord("%"): None})
    assert not _may_hold_stray_syntax(plain)
    assert stray_syntax(plain) == []
    assert citations_in(text.replace("@", "")) == []


@pytest.mark.parametrize("title", ["'![](logo.png)'", "'[]()'", "'[](#top)'"])
def test_a_title_that_reads_as_no_text_is_an_error_at_its_line(tmp_path, title):
    """The PDF's /Title, a screen reader's first words and a mail's subject would be a file name."""
    text = MINIMAL_BRIEF.replace("title: Water, borders and the OSCE", f"title: {title}", 1)
    text += "audience_overrides:\n  press:\n    title: '![](x.png)'\n  policymaker:\n    title: ''\n"
    lines = error_lines(write_brief(tmp_path, text))
    assert (
        lines[0]
        == "brief.yaml:1:8: title: reads as no text (an image, an empty link or a citation alone); write its words"
    )
    assert any(
        line.startswith("brief.yaml:") and "audience_overrides.press.title: reads as no text" in line for line in lines
    )
