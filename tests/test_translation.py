"""Translations that stay in step: a file beside the brief holding only its text, checked against it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from briefgen.app.build import run_build
from briefgen.app.check import run_check
from briefgen.app.events import Checked, Failed, Recorder, Warned, Written
from briefgen.app.load import find_briefs
from briefgen.app.plan import BuildRequest
from briefgen.app.translate import init_translation, stamp_translation
from briefgen.cli import cli
from briefgen.folders import search_path
from briefgen.translation import digest, schema_text, translations_beside

from helpers_briefs import REFERENCES_BIB

ROOT = Path(__file__).resolve().parents[1]

SOURCE = """\
title: Water and the OSCE
subtitle: Two priorities
date: 2010-01-15
summary: Astana can make a difference here [@doe2020].^[A note on Astana.]
sections:
  - title: Context
    body: Budgets rose [@roe2019].
recommendations:
  - group: Regional security
    intro: Open up the hardest questions.
    items:
      - id: R1
        title: Open a regional water dialogue
        priority: high
        timeframe: 2010
        actors: [OSCE Chairmanship]
      - id: R2
        title: Publish border incident data
        priority: low
"""

# line numbers matter: the tests below name them
RUSSIAN = """\
language: ru
title: Вода и ОБСЕ
subtitle: Два приоритета
summary: Астана может изменить ситуацию [@doe2020].^[Примечание об Астане.]
sections:
  - title: Контекст
    body: Бюджеты выросли [@roe2019].
groups:
  - group: Региональная безопасность
    intro: Открыть самые трудные вопросы.
recommendations:
  R1:
    title: Начать региональный диалог по воде
    timeframe: 2010
    actors: [Председательство ОБСЕ]
  R2:
    title: Публиковать данные о пограничных инцидентах
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (tmp_path / "briefs").mkdir()
    (tmp_path / "references.bib").write_text(REFERENCES_BIB, encoding="utf-8")
    (tmp_path / "briefs" / "b.yaml").write_text(SOURCE, encoding="utf-8")
    return tmp_path


def _translate(workspace: Path, text: str = RUSSIAN, stamp: bool = True) -> Path:
    path = workspace / "briefs" / "b.ru.yaml"
    path.write_text(text, encoding="utf-8")
    if stamp:
        stamp_translation(Path("briefs/b.ru.yaml"))
    return path


def _checked(workspace: Path) -> tuple[list[str], list[str]]:
    """What `check` says of the translation: its errors and its warnings, one line each."""
    events = Recorder()
    run_check((Path("briefs/b.yaml"),), (), search_path(None), events)
    errors = [line for e in events.of(Failed) for line in e.message.splitlines()]
    return errors, [e.message for e in events.of(Warned) if "b.ru.yaml" in e.message]


def _request(*, languages=(), formats=("md",), out="out") -> BuildRequest:
    roots = search_path(None)
    return BuildRequest(
        [Path("briefs/b.yaml")], ("practitioner",), formats, Path(out), (), False, roots, 1, False, False, languages
    )


def test_the_checked_in_schema_is_the_generated_one():
    written = (ROOT / "briefgen" / "translation.schema.json").read_text("utf-8")
    assert written == schema_text(), "run: python -m briefgen.translation"
    jsonschema.Draft202012Validator.check_schema(json.loads(written))


def test_a_faithful_stamped_translation_checks_without_a_word(workspace):
    _translate(workspace)
    assert _checked(workspace) == ([], [])


def test_a_missing_recommendation_is_an_error_naming_the_id_and_the_translation(workspace):
    _translate(workspace, RUSSIAN.replace("  R2:\n    title: Публиковать данные о пограничных инцидентах\n", ""))
    assert _checked(workspace)[0] == [
        "briefs/b.ru.yaml:11:1: recommendations: recommendation 'R2' of briefs/b.yaml "
        "is not translated in briefs/b.ru.yaml"
    ]


def test_an_extra_recommendation_is_an_error_at_its_line(workspace):
    _translate(workspace, RUSSIAN + "  R3:\n    title: Лишняя рекомендация\n")
    assert _checked(workspace)[0] == [
        "briefs/b.ru.yaml:18:3: recommendations.R3: no recommendation 'R3' in briefs/b.yaml"
    ]


def test_a_broken_citation_is_an_error_at_the_citation_naming_the_field(workspace):
    _translate(workspace, RUSSIAN.replace("[@roe2019]", "[@doe2020]"))
    assert _checked(workspace)[0] == [
        "briefs/b.ru.yaml:7:28: sections[0].body: cites @doe2020, which the source field does not; "
        "lacks @roe2019, which the source field cites: a translation cites exactly what its source field cites"
    ]


def test_a_lost_note_is_an_error(workspace):
    _translate(workspace, RUSSIAN.replace("^[Примечание об Астане.]", ""))
    assert _checked(workspace)[0] == ["briefs/b.ru.yaml:4:10: summary: 0 notes (^[...]); the source field has 1"]


def test_a_section_too_many_is_an_error_at_the_list(workspace):
    extra = RUSSIAN.replace("groups:\n", "  - title: Лишний\n    body: Текст.\ngroups:\n")
    _translate(workspace, extra)
    assert _checked(workspace)[0] == [
        "briefs/b.ru.yaml:5:1: sections: 2 sections here, 1 in briefs/b.yaml: one per source entry, in order"
    ]


def test_a_changed_source_field_is_one_warning_naming_it_and_the_new_source_text(workspace):
    _translate(workspace)
    source = workspace / "briefs" / "b.yaml"
    source.write_text(SOURCE.replace("Two priorities", "Three priorities"), encoding="utf-8")
    errors, warnings = _checked(workspace)
    assert errors == []
    assert warnings == [
        "briefs/b.ru.yaml:3:11: subtitle: changed since translated (source now: 'Three priorities'); "
        "update it and run `briefgen translate stamp`"
    ]
    stamp_translation(Path("briefs/b.ru.yaml"))
    assert _checked(workspace) == ([], [])


def test_a_language_other_than_the_file_name_says_is_an_error(workspace):
    _translate(workspace, RUSSIAN.replace("language: ru", "language: kk"))
    assert _checked(workspace)[0] == ["briefs/b.ru.yaml:1:11: language: 'kk', but the file name says 'ru'"]


def test_discovery_skips_translations_but_not_briefs_with_dots(workspace):
    _translate(workspace)
    (workspace / "briefs" / "c.v2.yaml").write_text(SOURCE, encoding="utf-8")  # no c.yaml: a brief
    assert find_briefs(()) == [Path("briefs/b.yaml"), Path("briefs/c.v2.yaml")]
    assert translations_beside(Path("briefs/b.yaml")) == {"ru": Path("briefs/b.ru.yaml")}


def test_init_writes_the_source_text_marked_untranslated_with_digests(workspace):
    target = init_translation(Path("briefs/b.yaml"), "ru")
    assert target == Path("briefs/b.ru.yaml")
    text = target.read_text("utf-8")
    assert "title: Open a regional water dialogue" in text and "language: ru" in text
    assert f"  subtitle: {digest('Two priorities')}\n" in text
    errors, warnings = _checked(workspace)
    assert errors == []
    assert warnings == [
        "briefs/b.ru.yaml:23:1: untranslated: 11 fields still hold the source text (first: title); "
        "translate them and run `briefgen translate stamp`"
    ]


def test_init_fill_stamp_build_makes_both_languages_and_english_as_without_the_translation(workspace):
    assert run_build(_request(out="alone"), Recorder()) == 0
    init_translation(Path("briefs/b.yaml"), "ru")
    path = workspace / "briefs" / "b.ru.yaml"
    filled = path.read_text("utf-8").replace("Open a regional water dialogue", "Начать региональный диалог по воде")
    path.write_text(filled.replace("# Replace each text", "# A translator's comment\n# Replace each text"), "utf-8")
    stamp_translation(Path("briefs/b.ru.yaml"))
    stamped = path.read_text("utf-8")
    assert "untranslated" not in stamped and "# A translator's comment" in stamped
    assert stamped.count("\nsource:") == 1 and f"  subtitle: {digest('Two priorities')}" in stamped
    events = Recorder()
    assert run_build(_request(), events) == 0
    written = sorted(e.output.as_posix() for e in events.of(Written))
    assert written == ["out/b.ru/b.ru_practitioner.md", "out/b/b_practitioner.md"]
    assert "Начать региональный диалог по воде" in (workspace / "out/b.ru/b.ru_practitioner.md").read_text("utf-8")
    english = (workspace / "out/b/b_practitioner.md").read_bytes()
    assert english == (workspace / "alone/b/b_practitioner.md").read_bytes()


def test_build_with_language_makes_only_that_language(workspace):
    _translate(workspace)
    events = Recorder()
    assert run_build(_request(languages=("ru",)), events) == 0
    assert [e.output.as_posix() for e in events.of(Written)] == ["out/b.ru/b.ru_practitioner.md"]
    assert not (workspace / "out" / "b").exists()
    text = (workspace / "out/b.ru/b.ru_practitioner.md").read_text("utf-8")
    assert "Вода и ОБСЕ" in text and "Water and the OSCE" not in text
    only_english = Recorder()
    assert run_build(_request(languages=("en",), out="en"), only_english) == 0
    assert [e.output.as_posix() for e in only_english.of(Written)] == ["en/b/b_practitioner.md"]


def test_a_language_nobody_has_is_an_error(workspace):
    with pytest.raises(Exception, match="no brief is written or translated in de"):
        run_build(_request(languages=("de",)), Recorder())


def test_the_manifest_covers_the_translation_and_repeats_its_warnings_when_up_to_date(workspace):
    path = _translate(workspace)
    source = workspace / "briefs" / "b.yaml"
    source.write_text(SOURCE.replace("Two priorities", "Three priorities"), encoding="utf-8")
    first = Recorder()
    assert run_build(_request(languages=("ru",)), first) == 0
    said = [e.message for e in first.of(Warned)]
    assert any("subtitle: changed since translated" in m for m in said)
    again = Recorder()
    assert run_build(_request(languages=("ru",)), again) == 0
    assert again.of(Written) == [] and [e.message for e in again.of(Warned)] == said
    path.write_text(path.read_text("utf-8").replace("Два приоритета", "Три приоритета"), encoding="utf-8")
    edited = Recorder()
    assert run_build(_request(languages=("ru",)), edited) == 0
    assert [e.output.as_posix() for e in edited.of(Written)] == ["out/b.ru/b.ru_practitioner.md"]


def test_a_broken_source_fails_once_not_once_per_language(workspace):
    _translate(workspace)
    (workspace / "briefs" / "b.yaml").write_text(SOURCE.replace("priority: low", "priority: soon"), "utf-8")
    events = Recorder()
    assert run_build(_request(), events) == 1
    assert [e.brief for e in events.of(Failed)] == [Path("briefs/b.yaml")]
    checked = Recorder()
    assert run_check((Path("briefs/b.yaml"),), (), search_path(None), checked) == 1
    assert [e.brief for e in checked.of(Failed)] == [Path("briefs/b.yaml")] and checked.of(Checked) == []


def test_the_command_line_runs_init_and_stamp(workspace):
    runner = CliRunner()
    made = runner.invoke(cli, ["translate", "init", "briefs/b.yaml", "--to", "ru"])
    assert made.exit_code == 0, made.output
    assert "briefs/b.ru.yaml: translate each text" in made.output
    again = runner.invoke(cli, ["translate", "init", "briefs/b.yaml", "--to", "ru"])
    assert again.exit_code == 1 and "briefs/b.ru.yaml exists" in again.output
    stamped = runner.invoke(cli, ["translate", "stamp", "briefs/b.ru.yaml"])
    assert stamped.exit_code == 0 and "11 fields stamped" in stamped.output


def test_a_translation_given_by_name_is_checked_and_built_alone(workspace):
    _translate(workspace)
    checked = Recorder()
    assert run_check((Path("briefs/b.ru.yaml"),), (), search_path(None), checked) == 0
    assert [e.brief for e in checked.of(Checked)] == [Path("briefs/b.ru.yaml")]
    both = Recorder()
    assert run_check((Path("briefs/b.yaml"), Path("briefs/b.ru.yaml")), (), search_path(None), both) == 0
    assert [e.brief for e in both.of(Checked)] == [Path("briefs/b.yaml"), Path("briefs/b.ru.yaml")]
    events = Recorder()
    request = BuildRequest(
        [Path("briefs/b.ru.yaml")], ("practitioner",), ("md",), Path("out"), (), False, search_path(None), 1
    )
    assert run_build(request, events) == 0
    assert [e.output.as_posix() for e in events.of(Written)] == ["out/b.ru/b.ru_practitioner.md"]


def test_init_from_a_whole_translated_brief_takes_its_text_and_checks_clean(workspace):
    whole = SOURCE.replace("Water and the OSCE", "Вода и ОБСЕ").replace("Context", "Контекст")
    (workspace / "full-ru.yaml").write_text(whole.replace("date:", "language: ru\ndate:"), encoding="utf-8")
    init_translation(Path("briefs/b.yaml"), "ru", Path("full-ru.yaml"))
    text = (workspace / "briefs" / "b.ru.yaml").read_text("utf-8")
    assert "title: Вода и ОБСЕ" in text and "untranslated" not in text and "language: ru" in text
    assert _checked(workspace) == ([], [])


def test_the_sample_russian_translation_is_in_step_with_its_source(monkeypatch):
    monkeypatch.chdir(ROOT)
    events = Recorder()
    assert run_check((Path("briefs/kazakhstan-osce-2010.yaml"),), (), search_path(None), events) == 0
    assert [e.brief for e in events.of(Checked)] == [
        Path("briefs/kazakhstan-osce-2010.yaml"),
        Path("briefs/kazakhstan-osce-2010.ru.yaml"),
    ]
    assert [e.message for e in events.of(Warned) if ".ru.yaml" in e.message] == []


def test_mail_builds_only_the_brief_s_own_language(workspace):
    _translate(workspace)
    (workspace / "list.csv").write_text("email,name,audience\na@example.org,A,practitioner\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["mail", "briefs/b.yaml", "--recipients", "list.csv", "--from", "Me <me@example.org>", "--eml", "drafts"],
    )
    assert result.exit_code == 0, result.output
    assert (workspace / "out" / "b").is_dir() and not (workspace / "out" / "b.ru").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_changed_field_names_the_text_it_was_translated_from_when_git_has_it(workspace):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=workspace, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "start")
    _translate(workspace)
    git("add", "briefs/b.yaml")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "the brief as translated")
    source = workspace / "briefs" / "b.yaml"
    source.write_text(SOURCE.replace("Two priorities", "Three priorities"), encoding="utf-8")
    assert _checked(workspace)[1] == [
        "briefs/b.ru.yaml:3:11: subtitle: changed since translated (was: 'Two priorities'; "
        "source now: 'Three priorities'); update it and run `briefgen translate stamp`"
    ]


def test_a_broken_translation_fails_alone_and_the_source_is_still_built(workspace):
    _translate(workspace, RUSSIAN.replace("  R2:", "  R9:"), stamp=False)
    events = Recorder()
    assert run_build(_request(), events) == 1
    [failed] = events.of(Failed)
    assert failed.brief == Path("briefs/b.ru.yaml")
    assert failed.message.splitlines() == [
        "briefs/b.ru.yaml:11:1: recommendations: recommendation 'R2' of briefs/b.yaml is not translated in "
        "briefs/b.ru.yaml",
        "briefs/b.ru.yaml:16:3: recommendations.R9: no recommendation 'R9' in briefs/b.yaml",
    ]
    assert [e.output.as_posix() for e in events.of(Written)] == ["out/b/b_practitioner.md"]
    assert not (workspace / "out" / "b.ru").exists()


def test_stamp_replaces_a_flow_style_untranslated_list_and_a_hand_written_source_block(workspace):
    path = _translate(
        workspace, RUSSIAN + "untranslated: [title, subtitle]\nsource:\n  title: 000000000000\n", stamp=False
    )
    stamp_translation(Path("briefs/b.ru.yaml"))
    text = path.read_text("utf-8")
    assert text.startswith(RUSSIAN) and "untranslated" not in text and "000000000000" not in text
    assert _checked(workspace) == ([], [])
