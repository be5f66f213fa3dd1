"""Templates run sandboxed on plain data: shared templates cannot reach the machine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefgen.brief import Brief, Group, Recommendation
from briefgen.errors import TemplateError
from briefgen.render import render_markdown
from briefgen.select import shape
from briefgen.style import Style

BRIEF = Brief(
    id="b",
    title="T",
    date=dt.date(2010, 1, 15),
    source=Path("/etc/passwd"),
    groups=(Group("G", (Recommendation("R1", "Do it", "high"),)),),
)


def render(tmp_path: Path, template: str) -> str:
    (tmp_path / "t").mkdir(exist_ok=True)
    (tmp_path / "t" / "brief.md.j2").write_text(template, encoding="utf-8")
    return render_markdown("t/brief.md.j2", (tmp_path,), shape(BRIEF, "t", Style()), Style(), "t")


def test_a_template_sees_the_shaped_brief_and_labels(tmp_path):
    out = render(
        tmp_path, "{{ brief.title }} {{ brief.date.year }} {{ label('high') }} {{ brief.recommendations[0].id }}"
    )
    assert out == "T 2010 High R1"


@pytest.mark.parametrize(
    "template",
    [
        "{{ brief.source }}",
        "{{ brief.source.read_text() }}",
        "{{ brief.__class__.__mro__ }}",
        "{{ label.__globals__ }}",
        "{{ style.labels.update({'high': 'x'}) }}",
        "{{ style.labels.clear() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{% include '/etc/passwd' %}",
        "{% import '../../../etc/passwd' as x %}",
    ],
)
def test_known_escape_routes_are_template_errors(tmp_path, template):
    with pytest.raises(TemplateError):
        render(tmp_path, template)


def test_brief_text_is_data_not_template_code(tmp_path):
    brief = Brief(id="b", title="{{ 7 * 7 }}", date=dt.date(2010, 1, 1), source=Path("x"), groups=BRIEF.groups)
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "brief.md.j2").write_text("{{ brief.title }}", encoding="utf-8")
    assert render_markdown("t/brief.md.j2", (tmp_path,), shape(brief, "t", Style()), Style(), "t") == "{{ 7 * 7 }}"


@pytest.mark.parametrize(
    "template",
    [
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",  # silent loops
        "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",  # loud ones
        "{% for a in range(10**7) %}{% endfor %}",
        "{{ 'x' * 10**9 }}",
        "{{ 2 ** 100000000 }}",
        "{{ 'x' | center(10**9) }}",
        "{{ lipsum(10**9) }}",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    ],
)
def test_runaway_templates_are_stopped_with_a_template_error(tmp_path, template, monkeypatch):
    monkeypatch.setattr("briefgen.render.TIME_LIMIT_S", 1.0)
    with pytest.raises(TemplateError) as err:
        render(tmp_path, template)
    assert "t/brief.md.j2" in str(err.value)


def test_the_output_limit_stops_a_template_that_prints_too_much(tmp_path, monkeypatch):
    monkeypatch.setattr("briefgen.render.MAX_OUTPUT_CHARS", 1000)
    with pytest.raises(TemplateError, match="output passed 1,000 characters"):
        render(tmp_path, "{% for a in range(2000) %}x{% endfor %}")


def test_ordinary_arithmetic_and_repetition_still_work(tmp_path):
    assert render(tmp_path, "{{ 100000 * 1000 }} {{ '-' * 3 }} {{ 2 ** 10 }} {{ 'a' | center(5) }}") == (
        "100000000 --- 1024   a  "
    )


def test_a_timer_from_outside_is_restored_after_rendering(tmp_path):
    import signal

    def mine(signum, frame):
        raise AssertionError("not expected")

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        render(tmp_path, "ok")
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_each_template_compiles_once_per_process(tmp_path, monkeypatch):
    """Four audiences, watch-mode rebuilds: the same template must not be compiled again."""
    import jinja2

    compiled = []
    original = jinja2.Environment.compile

    def counting(self, source, *args, **kwargs):
        compiled.append(source)
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "brief.md.j2").write_text("# {{ brief.title }}\n", encoding="utf-8")
    for _ in range(3):
        assert render_markdown("a/brief.md.j2", (tmp_path,), shape(BRIEF, "a", Style()), Style(), "a") == "# T\n"
    assert len(compiled) == 1


def test_an_edited_template_is_read_again(tmp_path):
    import os

    template = tmp_path / "a" / "brief.md.j2"
    template.parent.mkdir()
    template.write_text("old {{ brief.title }}\n", encoding="utf-8")
    assert render_markdown("a/brief.md.j2", (tmp_path,), shape(BRIEF, "a", Style()), Style(), "a") == "old T\n"
    template.write_text("new {{ brief.title }}\n", encoding="utf-8")
    stat = template.stat()
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))  # a later edit, whatever the clock
    assert render_markdown("a/brief.md.j2", (tmp_path,), shape(BRIEF, "a", Style()), Style(), "a") == "new T\n"


# ---------------------------------------------------------------- every error a located line


def located(err: pytest.ExceptionInfo, line: int = 1) -> str:
    """The message of a one-line TemplateError at the template's file and `line`."""
    text = str(err.value)
    assert "\n" not in text and "internal error" not in text, text
    where, _, message = text.partition(": ")
    assert where.endswith(f"t/brief.md.j2:{line}"), text
    return message


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ 'one two three'|wordwrap(7) }}", "one two\nthree"),
        ("{{ 'one two three'|wordwrap(7, wrapstring=' / ') }}", "one two / three"),
        ("{{ 'one two three four'|truncate(9, leeway=0) }}", "one..."),
        ("{{ [3, 1, 2]|sort|join(',') }} {{ [1, 2]|sum }} {{ ['a', 'B']|max }}", "1,2,3 3 B"),
        ("{{ ['a', 'b']|map('upper')|join }} {{ [1, 2, 3]|select('odd')|list }}", "AB [1, 3]"),
        ("{{ {'a': 1}|tojson }} {{ 'a-b'|replace('-', '+') }} {{ {'x': 'y'}|xmlattr }}", '{"a": 1} a+b  x="y"'),
    ],
)
def test_filters_that_ask_for_the_environment_or_context_work(tmp_path, template, expected):
    """The size-checking wrapper keeps Jinja's `pass_environment` (and kin): wordwrap and truncate always failed."""
    assert render(tmp_path, template) == expected


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ 'x'.encode('rot13') }}", "LookupError: 'rot13' is not a text encoding"),
        ("{{ 'é'.encode('ascii', 'no such handler') }}", "LookupError: unknown error handler name"),
        ("{{ cycler() }}", "RuntimeError: at least one item has to be provided"),
        ("{{ 'x'.encode('a\nb') }}", "LookupError: unknown encoding: a b"),
    ],
)
def test_every_exception_a_template_raises_is_a_located_template_error(tmp_path, template, message):
    with pytest.raises(TemplateError) as err:
        render(tmp_path, "\n" + template)
    assert located(err, line=2).startswith(message)


def test_the_output_limit_names_the_line_that_passed_it(tmp_path, monkeypatch):
    monkeypatch.setattr("briefgen.render.MAX_OUTPUT_CHARS", 1000)
    with pytest.raises(TemplateError) as err:
        render(tmp_path, "{% for a in range(2000) %}\n{{ a }}\n{% endfor %}")
    assert located(err, line=2) == "stopped: output passed 1,000 characters (a runaway loop?)"


# ---------------------------------------------------------------- no clock: the same output at every build


@pytest.mark.parametrize(
    "template",
    [
        "{{ brief.date.today() }}",
        "{{ brief.date.today }}",
        "{{ (brief.date|attr('today'))() }}",
        "{{ '{0.today}'.format(brief.date) }}",
        "{{ [brief.date]|map(attribute='today')|first }}",
        "{{ brief.date.fromtimestamp(0) }}",
        "{{ brief.date.replace(day=1).today() }}",
    ],
)
def test_a_template_cannot_read_the_clock(tmp_path, template):
    with pytest.raises(TemplateError) as err:
        render(tmp_path, template)
    assert "reads the clock or the machine's time zone" in located(err)


def test_dates_work_without_the_clock(tmp_path):
    template = "{{ brief.date.year }} {{ brief.date.isoformat() }} {{ brief.date.strftime('%d %B %Y') }} {{ brief.date.replace(day=1) }} {{ '{:%Y}'.format(brief.date) }}"  # noqa: E501
    assert render(tmp_path, template) == "2010 2010-01-15 15 January 2010 2010-01-01 2010"


def test_random_choices_are_gone_too(tmp_path):
    with pytest.raises(TemplateError, match="No filter named 'random'"):
        render(tmp_path, "{{ [1, 2, 3]|random }}")
