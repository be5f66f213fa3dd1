"""Audience folders: how `extends` chains are followed, and refused when they cannot be."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.audience import load_audience, search_path
from briefgen.errors import TemplateError


def _audience(root: Path, name: str, style: str, template: str | None = None) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text(style, encoding="utf-8")
    if template is not None:
        (folder / "brief.md.j2").write_text(template, encoding="utf-8")


def test_a_child_takes_its_parents_template_and_overrides_its_style(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _audience(tmp_path / "templates", "parent", "page: {size: A4}\n", "# {{ brief.title }}\n")
    _audience(tmp_path / "templates", "child", "extends: parent\npage: {size: Letter}\n")
    audience = load_audience("child", (tmp_path / "templates",))
    assert audience.template == "parent/brief.md.j2"
    assert audience.theme.page_size == "Letter"


def test_a_circular_extends_is_refused_at_the_style_that_closes_the_circle(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _audience(tmp_path / "templates", "one", "extends: two\n", "x\n")
    _audience(tmp_path / "templates", "two", "extends: one\n")
    with pytest.raises(TemplateError) as caught:
        load_audience("one", (tmp_path / "templates",))
    assert caught.value.format_message() == (
        f"{Path('templates/one/style.yaml')}: extends: circular extends: one -> two -> one"
    )


def test_an_audience_that_extends_itself_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _audience(tmp_path / "templates", "self", "extends: self\n", "x\n")
    with pytest.raises(TemplateError, match="circular extends: self -> self"):
        load_audience("self", (tmp_path / "templates",))


def test_extending_an_unknown_audience_names_the_style_that_asks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _audience(tmp_path / "templates", "orphan", "extends: nobody\n", "x\n")
    with pytest.raises(TemplateError) as caught:
        load_audience("orphan", (tmp_path / "templates",))
    assert caught.value.format_message() == (
        f"{Path('templates/orphan/style.yaml')}: extends: unknown audience 'nobody' to extend"
    )


def test_a_builtin_audience_can_be_extended_from_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _audience(tmp_path / "templates", "ministry", "extends: policymaker\n")
    audience = load_audience("ministry", search_path())
    assert audience.template == "policymaker/brief.md.j2"
