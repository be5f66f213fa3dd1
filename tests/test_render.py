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
