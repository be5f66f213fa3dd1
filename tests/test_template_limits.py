"""A template's run is bounded (issue tracker: sizes and the deadline).

Sizes: no single operation may make more than MAX_OUTPUT_CHARS; what decides a result's size
is checked before the operation runs, so each of these fails at once with an error at the
template's line instead of filling memory. Time: every step of every loop and every call
checks the deadline, so a runaway template stops at TIME_LIMIT_S also where no timer can
interrupt it (off the main thread).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.brief import Brief, Group, Recommendation
from briefgen.cli import cli
from briefgen.errors import TemplateError
from briefgen.render import render_markdown
from briefgen.select import shape
from briefgen.style import Style

from helpers_briefs import MINIMAL_BRIEF, REFERENCES_BIB

BRIEF = Brief(
    id="b",
    title="T",
    date=dt.date(2010, 1, 15),
    source=Path("b.yaml"),
    groups=(Group("G", (Recommendation("R1", "Do it", "high"),)),),
)


def render(folder: Path, template: str) -> str:
    (folder / "t").mkdir(exist_ok=True)
    (folder / "t" / "brief.md.j2").write_text(template, encoding="utf-8")
    return render_markdown("t/brief.md.j2", (folder,), shape(BRIEF, "t", Style()), Style(), "t")


def located(err: pytest.ExceptionInfo, line: int = 1) -> str:
    """The message of a one-line TemplateError at the template's file and `line`."""
    text = str(err.value)
    assert "\n" not in text and "internal error" not in text, text
    where, _, message = text.partition(": ")
    assert where.endswith(f"t/brief.md.j2:{line}"), text
    return message


# ---------------------------------------------------------------- sizes, checked before anything is made

BIG = "{% set big = 'x' * 20000000 %}"  # as big as a text may be
SHARED = "{% set ns = namespace(x='x') %}{% for i in range(60) %}{% set ns.x = [ns.x, ns.x] %}{% endfor %}"

TOO_BIG = [
    # str methods: the width, the tabs, the occurrences
    ("{{ 'x'.ljust(3000000000) }}", "ljust() would make 3,000,000,000 characters"),
    ("{{ 'x'.rjust(3000000000) }}", "rjust() would make 3,000,000,000 characters"),
    ("{{ 'x'.center(3000000000) }}", "center() would make 3,000,000,000 characters"),
    ("{{ '7'.zfill(3000000000) }}", "zfill() would make 3,000,000,000 characters"),
    ("{{ ('\\t' * 100).expandtabs(10**9) }}", "expandtabs() would make 100,000,000,100 characters"),
    ("{{ ('x' * 100000).replace('x', 'x' * 100000) }}", "replace() would make 10,000,000,000 characters"),
    ("{{ ('x' * 20000000).join(['a'] * 100) }}", "join() would make 1,980,000,001 characters"),
    ("{{ ('x' * 1000).translate({120: 'y' * 100000}) }}", "translate() would make 100,000,000 characters"),
    ("{{ ('x' * 3000000).encode('utf-8', 'namereplace') }}", "encode() would make 300,000,000 characters"),
    ("{{ (1).to_bytes(10**10, 'big') }}", "to_bytes() would make 10,000,000,000 characters"),
    # format and %: widths and precisions, also given as arguments
    ("{{ '{:>3000000000}'.format(1) }}", "format() would make 3,000,000,0"),
    ("{{ '{:{w}}'.format(1, w=3000000000) }}", "format() would make 3,000,000,"),
    ("{{ '{:.3000000000f}'.format(1.5) }}", "format() would make 3,000,000,"),
    ("{{ '{a}{a}'.format(a='x' * 15000000) }}", "format() would make 30,000,0"),
    ("{{ '%3000000000d' % 1 }}", "% would make 3,000,000,0"),
    ("{{ '%*d' % (3000000000, 1) }}", "% would make 3,000,000,"),
    ("{{ '%(a)s%(a)s' % {'a': 'x' * 15000000} }}", "% would make 30,000,0"),
    ("{{ '%s'|format('x' * 15000000) ~ '%s%s'|format('x' * 15000000, 'y' * 15000000) }}", "|format would make"),
    # operators
    ("{{ 'x' * 10**9 }}", "* would make 1,000,000,000 items"),
    ("{{ [1] * 10**9 }}", "* would make 1,000,000,000 items"),
    (BIG + "{{ big + big }}", "+ would make 40,000,000 items"),
    (BIG + "{{ big ~ big }}", "~ would make 40,000,000 characters"),
    ("{{ (2 ** 1000) ** 1000 }}", "** would make a number of about 1,001,000 bits"),
    ("{% set ns = namespace(n=3) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}", "bits"),
    # filters: their size arguments
    ("{{ 'x'|center(10**9) }}", "|center would make 1,000,000,000 characters"),
    ("{{ [1, 2]|tojson(indent=10**9) }}", "|tojson(indent) would make 1,000,000,000 characters"),
    ("{{ ('a\\n' * 1000)|indent(10**7) }}", "|indent would make 10,010,002,000 characters"),
    ("{{ ('a ' * 1000)|wordwrap(1, wrapstring='y' * 1000000) }}", "|wordwrap would make"),
    ("{{ (' x.com' * 5000)|urlize(target='y' * 20000000) }}", "|urlize would make"),
    ("{{ (['x' * 20000000] * 100)|join }}", "|join would make"),
    ("{{ [1]|batch(10**10, 'x')|list }}", "|batch would make 10,000,000,000 items"),
    ("{{ [1]|slice(10**9)|list }}", "|slice into 1,000,000,000 slices; at most 100,000"),
    ("{{ 1.5|round(10**9, 'floor') }}", "|round to 1,000,000,000 digits; at most 1,000"),
    ("{{ ([('x',) * 20000000] * 100)|sum(start=()) }}", "|sum would make 40,000,000 items"),
    # printing: a small list in memory can print as gigabytes
    ("{{ [[1] * 10000000] * 10000000 }}", "printing this value would make"),
    (BIG + "{{ [big, big] }}", "printing this value would make 40,000,0"),
    (SHARED + "{{ ns.x }}", "printing this value would make"),
    (SHARED + "{{ ns }}", "printing this value would make"),
    (SHARED + "{{ ns.x|string }}", "|string would make"),
    (SHARED + "{{ ns.x|tojson }}", "|tojson would make"),
    (SHARED + "{{ ns.x|pprint }}", "|pprint would make"),
    (SHARED + "{{ '{!r}'.format(ns.x) }}", "format() would make"),
    (SHARED + "{{ '%s' % (ns.x,) }}", "% would make"),
    (SHARED + "{{ label(ns.x) }}", "printing this value would make"),
    (SHARED + "{{ {}[ns.x] }}", "a key would make"),
    (SHARED + "{{ brief.keywords.index(ns.x) }}", "index() of a value that prints as more than"),
    # constants too: Jinja would work them out while compiling, outside every check
    ("{{ 'x'|center(20000000) ~ 'y'|center(20000000) }}", "~ would make 40,000,000 characters"),
    ("{{ 'x'|center(20000000) }}" * 20, "output passed 20,000,000 characters"),
    # what a block, a macro or {% set %} joins
    ("{% set s %}{% for i in range(3000) %}{{ 'x' * 10000 }}{% endfor %}{% endset %}", "this block would make"),
    ("{% set ns = namespace(x='x') %}{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}", "~ would"),
]


@pytest.mark.parametrize(("template", "message"), TOO_BIG, ids=[t[0][-60:] for t in TOO_BIG])
def test_an_operation_that_would_make_too_much_fails_at_once_at_its_line(tmp_path, template, message):
    started = time.perf_counter()
    with pytest.raises(TemplateError) as err:
        render(tmp_path, template)
    took = time.perf_counter() - started
    assert located(err).startswith("stopped: "), str(err.value)
    assert message in str(err.value)
    assert took < 1.0, f"{took:.2f} s"


def test_the_limit_is_the_output_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("briefgen.render.MAX_OUTPUT_CHARS", 1000)
    assert render(tmp_path, "{{ 'x'.ljust(1000)|length }}") == "1000"
    with pytest.raises(TemplateError) as err:
        render(tmp_path, "{{ 'x'.ljust(1001) }}")
    assert located(err) == "stopped: ljust() would make 1,001 characters; at most 1,000"


ORDINARY = [
    ("{{ 'x'.ljust(3) }}|{{ 'x'.rjust(3) }}|{{ 'x'.center(3) }}|{{ '7'.zfill(3) }}", "x  |  x| x |007"),
    ("{{ 'a\\tb'.expandtabs(4) }}|{{ 'a-b'.replace('-', '+') }}|{{ '-'.join(['a', 'b']) }}", "a   b|a+b|a-b"),
    (
        "{{ 'ab'.translate({97: 'A'}) }}|{{ 'é'.encode('utf-8') }}|{{ (1).to_bytes(2, 'big') }}",
        "Ab|b'\\xc3\\xa9'|b'\\x00\\x01'",
    ),
    ("{{ '{:>5}'.format(1) }}|{{ '{:{w}}'.format('a', w=3) }}|{{ '{:.2f}'.format(1.5) }}", "    1|a  |1.50"),
    ("{{ '{0[a]}'.format({'a': 1}) }}|{{ '{a}'.format_map({'a': 2}) }}|{{ '{:%Y}'.format(brief.date) }}", "1|2|2010"),
    ("{{ '%5d' % 3 }}|{{ '%-4s|' % 'ab' }}{{ '%(a)s' % {'a': 1} }}|{{ '%.1f%%' % 12.34 }}", "    3|ab  |1|12.3%"),
    (
        "{{ '%s'|format('a') }}|{{ 'x' * 3 }}|{{ [1] * 2 }}|{{ 2 ** 10 }}|{{ [1] + [2] }}|{{ 'a' ~ 1 }}",
        "a|xxx|[1, 1]|1024|[1, 2]|a1",
    ),
    ("{{ [1, 2]|tojson(indent=2) }}", "[\n  1,\n  2\n]"),
    ("{{ 'ab'|center(6) }}|{{ 'a\\nb'|indent(2) }}|{{ 'a b c'|wordwrap(3) }}", "  ab  |a\n  b|a b\nc"),
    (
        "{{ [1, 2, 3]|batch(2)|list }}|{{ [1, 2, 3]|slice(2)|list }}|{{ 2.567|round(1) }}",
        "[[1, 2], [3]]|[[1, 2], [3]]|2.6",
    ),
    (
        "{{ [[1], [2]]|sum(start=[]) }}|{{ ['a', 'b']|join(', ') }}|{{ 'see https://a.org'|urlize }}",
        '[1, 2]|a, b|see <a href="https://a.org" rel="noopener">https://a.org</a>',
    ),
    (
        "{{ [brief.title, brief.title] }}|{{ {'a': [1, (2, 3)]} }}|{{ brief.keywords }}",
        "['T', 'T']|{'a': [1, (2, 3)]}|()",
    ),
    (
        "{% set s %}a{{ 1 }}{% endset %}{{ s }}|{% macro m() %}b{% endmacro %}{{ m() }}|"
        "{% filter upper %}c{% endfilter %}",
        "a1|b|C",
    ),
]


@pytest.mark.parametrize(("template", "expected"), ORDINARY)
def test_ordinary_use_of_the_same_operations_still_works(tmp_path, template, expected):
    assert render(tmp_path, template) == expected


def test_a_split_makes_no_more_pieces_than_its_text_has_characters(tmp_path):
    """`split` needs no check: at most len(text) + 1 pieces, and no text is longer than the limit."""
    assert render(tmp_path, "{{ ('x,' * 5000000).split(',')|length }}") == "5000001"


# ---------------------------------------------------------------- comparing and hashing

TWINS = "{% set ns = namespace(a='x', b='x') %}{% for i in range(60) %}{% set ns.a = (ns.a, ns.a) %}{% set ns.b = (ns.b, ns.b) %}{% endfor %}"  # noqa: E501
COMPARED = [
    ("{{ ns.a == ns.b }}", "comparing a value that prints as more than 200,000,000 characters"),
    ("{{ ns.a in [ns.b] }}", "comparing a value"),
    ("{{ {ns.a: 1} }}", "comparing a value"),
    ("{{ [ns.a, ns.b]|unique|list }}", "|unique of a value"),
    ("{{ [ns.a, ns.b]|sort }}", "|sort of a value"),
    ("{{ ns.a is in [ns.b] }}", "is in with a value"),
    ("{{ [ns.a]|select('eq', ns.b)|list }}", "is eq with a value"),
    ("{{ {}.get(ns.a) }}", "get() of a value"),
    ("{{ dict([(ns.a, 1)]) }}", "dict() of a value"),
    ("{{ {'a': 1}.keys() - [ns.a] }}", "- with a value"),
    ("{% for x in [1, 2] %}{{ loop.changed(ns.a) }}{% endfor %}", "changed() of a value"),
]
RUN_ALL = """
import sys
from pathlib import Path
from test_template_limits import render
from briefgen.errors import TemplateError
for n, template in enumerate(sys.argv[2:]):
    folder = Path(sys.argv[1], str(n))
    folder.mkdir()
    try:
        print(repr(render(folder, template)))
    except TemplateError as err:
        print(err)
"""


def test_values_of_shared_parts_are_not_compared_or_hashed(tmp_path):
    """Two tuples of two tuples ... sixty deep: comparing or hashing them takes 2**60 steps in C, where no
    timer interrupts, so they are refused first. In a process of its own: a regression would hang, not fail."""
    import subprocess
    import sys

    templates = [TWINS + template for template, _ in COMPARED]
    run = subprocess.run(
        [sys.executable, "-c", RUN_ALL, str(tmp_path), *templates],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == len(COMPARED), run.stdout
    for line, (template, message) in zip(lines, COMPARED, strict=True):
        assert ".md.j2:1: stopped: " + message in line, (template, line)


def test_ordinary_comparisons_still_work(tmp_path):
    template = "{{ 1 == 1 }} {{ 'a' in 'abc' }} {{ {'a': 1, 2: 'b'} }} {{ [3, 1]|sort }} {{ 5 - 2 }} {{ 3 is in [3] }}"
    assert render(tmp_path, template) == "True True {'a': 1, 2: 'b'} [1, 3] 3 True"


# ---------------------------------------------------------------- the deadline, at every step

RUNAWAY = [
    "{% set x = 'x' * 1000000 %}{% for a in x %}{% for b in x %}{% endfor %}{% endfor %}",  # over a text, silently
    "{% set x = ['x'] * 1000000 %}{% for a in x %}{% for b in x %}{% if b == 'y' %}{% endif %}{% endfor %}{% endfor %}",
    "{% set x = {'a': 1, 'b': 2} %}{% for a in range(100000) %}{% for k, v in x.items() %}{% for c in 'abc' %}{% endfor %}{% endfor %}{% endfor %}",  # noqa: E501
    "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "{% set x = ['x'] * 200000 %}{% for a in x %}{% set y = x|map(attribute='z', default=1)|list %}{% endfor %}",
    "{% set x = 'x' * 200000 %}{% for a in x %}{% set y = x|map('upper')|list %}{% endfor %}",
    "{% set x = ['x'] * 1000 %}{% for a in x %}{% for b in x recursive %}{% for c in x %}{% endfor %}{% endfor %}{% endfor %}",  # noqa: E501
]


def _timed(template: str, folder: Path, box: list) -> None:
    started = time.perf_counter()
    try:
        render(folder, template)
        box.append((time.perf_counter() - started, None))
    except TemplateError as err:
        box.append((time.perf_counter() - started, err))


@pytest.mark.parametrize("template", RUNAWAY)
def test_a_runaway_template_stops_at_the_deadline_on_the_main_thread(tmp_path, template, monkeypatch):
    monkeypatch.setattr("briefgen.render.TIME_LIMIT_S", 1.0)
    box: list = []
    _timed(template, tmp_path, box)
    took, err = box[0]
    assert err is not None and "took longer than 1 s" in str(err)
    assert took < 1.5, f"{took:.2f} s"  # checked at each step: the timer (at 1.5 s) is not needed


@pytest.mark.parametrize("template", RUNAWAY)
def test_a_runaway_template_stops_at_the_deadline_where_no_timer_can_interrupt_it(tmp_path, template, monkeypatch):
    """A thread gets no SIGALRM: only the checks at each loop step, call and filter stop it."""
    monkeypatch.setattr("briefgen.render.TIME_LIMIT_S", 1.0)
    box: list = []
    worker = threading.Thread(target=_timed, args=(template, tmp_path, box), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "still running after 10 s"
    took, err = box[0]
    assert err is not None and "took longer than 1 s" in str(err)
    assert took < 2.0, f"{took:.2f} s"


def test_a_long_filter_is_interrupted_by_the_timer_soon_after_the_deadline(tmp_path, monkeypatch):
    """One filter that runs for seconds in Python code: the timer fires half a second after the deadline."""
    monkeypatch.setattr("briefgen.render.TIME_LIMIT_S", 1.0)
    started = time.perf_counter()
    with pytest.raises(TemplateError) as err:
        render(tmp_path, "{% set x = 'ab ' * 6000000 %}{% for i in range(100) %}{{ x|title|length }}{% endfor %}")
    assert "took longer than 1 s" in located(err)
    assert time.perf_counter() - started < 2.0


def test_the_timer_fires_again_when_code_in_the_way_swallowed_it(tmp_path, monkeypatch):
    """Careless code (`except Exception`) may catch the first interruption and carry on; the next one stops it."""
    from briefgen.render import _environment

    monkeypatch.setattr("briefgen.render.TIME_LIMIT_S", 0.5)
    swallowed = []

    def busy(until: float) -> None:
        while time.monotonic() < until:
            pass

    def careless(value):
        until = time.monotonic() + 6
        try:
            busy(until)
        except Exception:
            swallowed.append(1)
            busy(until)
        return value

    _environment((tmp_path,)).filters["careless"] = careless
    started = time.perf_counter()
    with pytest.raises(TemplateError) as err:
        render(tmp_path, "{{ brief.title|careless }}")  # not a constant: Jinja would try it while compiling
    assert "took longer than 0.5 s" in located(err)
    assert swallowed and time.perf_counter() - started < 2.5


# ---------------------------------------------------------------- through the CLI: one line, never "internal error"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ cycler() }}", "lab/brief.md.j2:2: RuntimeError: at least one item has to be provided"),
        ("{{ 'x'.ljust(3000000000) }}", "lab/brief.md.j2:2: stopped: ljust() would make 3,000,000,000 characters"),
        ("{{ brief.date.today() }}", "lab/brief.md.j2:2: SecurityError: today() reads the clock"),
    ],
)
def test_check_reports_a_template_error_at_its_line(tmp_path, monkeypatch, template, message):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "templates" / "lab"
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text("extends: practitioner\n", encoding="utf-8")
    (folder / "brief.md.j2").write_text("# {{ brief.title }}\n" + template + "\n", encoding="utf-8")
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    (tmp_path / "references.bib").write_text(REFERENCES_BIB, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "briefs/b.yaml"])
    assert result.exit_code == 1
    assert message in result.output and "internal error" not in result.output, result.output
