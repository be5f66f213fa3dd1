"""The application core (briefgen.app) without a terminal: what it does, told by the events it reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.app.build import run_build
from briefgen.app.check import run_check
from briefgen.app.events import (
    BibliographyUsed,
    BriefUpToDate,
    Checked,
    Failed,
    FailuresOnly,
    ProgressEnded,
    ProgressStarted,
    Recorder,
    UpToDate,
    Warned,
    Written,
)
from briefgen.app.plan import BuildRequest
from briefgen.folders import search_path
from briefgen.terminal import VERBOSE, TerminalReporter

from helpers_briefs import MINIMAL_BRIEF, REFERENCES_BIB


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (tmp_path / "briefs").mkdir()
    (tmp_path / "references.bib").write_text(REFERENCES_BIB, encoding="utf-8")
    (tmp_path / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    return tmp_path


def request(*briefs: str, formats=("txt", "md"), audiences=("press", "academic"), force=False) -> BuildRequest:
    paths = [Path(b) for b in briefs] or [Path("briefs/b.yaml")]
    return BuildRequest(paths, audiences, formats, Path("out"), (), False, search_path(None), 1, force)


def test_a_build_reports_one_written_per_output_then_each_up_to_date(workspace, capsys):
    first = Recorder()
    assert run_build(request(), first) == 0
    written = [e.output.as_posix() for e in first.of(Written)]
    assert sorted(written) == sorted(
        f"out/b/b_{audience}.{fmt}" for audience in ("press", "academic") for fmt in ("txt", "md")
    )
    assert {e.template for e in first.of(Written)} == {"press/brief.md.j2", "academic/brief.md.j2"}
    assert all(e.size == (workspace / e.output).stat().st_size for e in first.of(Written))
    assert first.of(BibliographyUsed) == [BibliographyUsed(Path("briefs/b.yaml"), (Path("references.bib"),), 2)]
    assert first.of(UpToDate) == [] and first.of(Failed) == []

    second = Recorder()
    assert run_build(request(), second) == 0
    assert second.of(Written) == []
    assert sorted(e.output.as_posix() for e in second.of(UpToDate)) == sorted(written)
    assert second.of(BriefUpToDate) == [BriefUpToDate(Path("briefs/b.yaml"), 4)]
    assert capsys.readouterr() == ("", "")  # the core never prints: everything went to the reporter


def test_a_rebuild_of_some_outputs_reports_the_others_up_to_date_and_no_brief_summary(workspace):
    assert run_build(request(formats=("txt",)), Recorder()) == 0
    events = Recorder()
    assert run_build(request(formats=("txt", "md")), events) == 0
    assert sorted(e.output.name for e in events.of(Written)) == ["b_academic.md", "b_press.md"]
    assert sorted(e.output.name for e in events.of(UpToDate)) == ["b_academic.txt", "b_press.txt"]
    assert events.of(BriefUpToDate) == []  # something of the brief was written


def test_a_failing_brief_reports_one_line_and_the_others_still_build(workspace):
    (workspace / "briefs" / "a.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    events = Recorder()
    assert run_build(request("briefs/a.yaml", "briefs/b.yaml"), events) == 1
    [failed] = events.of(Failed)
    assert failed.brief == Path("briefs/a.yaml")
    assert failed.message.startswith("briefs/a.yaml:2:1: invalid YAML")
    assert "\n" not in failed.message
    assert {e.output.parent.name for e in events.of(Written)} == {"b"}
    assert (workspace / "out" / "b" / "b_press.txt").is_file() and not (workspace / "out" / "a").exists()


def test_an_internal_error_is_one_line_unless_debugging(workspace, monkeypatch):
    import briefgen.build

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(briefgen.build, "to_document", broken)
    events = Recorder()
    assert run_build(request(), events) == 1
    assert [e.message for e in events.of(Failed)] == [
        "briefgen: briefs/b.yaml: internal error: RuntimeError: a bug (run with --debug for details)"
    ]
    from dataclasses import replace

    debugging = replace(request(), debug=True)
    with pytest.raises(RuntimeError, match="a bug"):
        run_build(debugging, Recorder())


def test_progress_spans_the_outputs_made_and_ends_even_after_a_failure(workspace):
    events = Recorder()
    run_build(request(), events)
    kinds = [type(e) for e in events.events]
    assert events.of(ProgressStarted) == [ProgressStarted(4, "building")]
    assert kinds.index(ProgressStarted) < kinds.index(Written) and kinds[-1] is ProgressEnded


def test_an_uncited_entry_is_a_warning_event(workspace):
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF.replace(" [@doe2020]", ""), encoding="utf-8")
    events = Recorder()
    assert run_check((), (), search_path(None), events) == 0
    assert [e.message for e in events.of(Warned)] == [
        "references.bib: 2 entries not cited by briefs/b.yaml: doe2020, roe2019"
    ]
    assert events.of(Checked) == [Checked(Path("briefs/b.yaml"), 2, 1)]


def test_failures_only_passes_failures_and_nothing_else(workspace):
    (workspace / "briefs" / "a.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    inner = Recorder()
    run_build(request("briefs/a.yaml", "briefs/b.yaml"), FailuresOnly(inner))
    assert [type(e) for e in inner.events] == [Failed]


def test_the_terminal_renders_written_outputs_as_the_cli_always_has(capsys):
    verbose = TerminalReporter(VERBOSE)
    verbose.report(Written(Path("out/b/b_press.pdf"), "press/brief.md.j2", 3000, 2))
    verbose.report(BriefUpToDate(Path("briefs/b.yaml"), 3))  # under -v each output said so already
    TerminalReporter().report(BriefUpToDate(Path("briefs/b.yaml"), 1))
    TerminalReporter().report(Warned("a thing"))
    out, err = capsys.readouterr()
    assert out == "out/b/b_press.pdf (press/brief.md.j2, 2 pages, 3 KB)\nbriefs/b.yaml: 1 output up to date\n"
    assert err == "warning: a thing\n"


def test_a_mail_dry_run_reports_each_message_and_the_drafts_it_would_write_and_writes_nothing(workspace):
    from briefgen.app.events import DraftWritten, MessageReady
    from briefgen.app.mail import MailRequest, mail

    (workspace / "list.csv").write_text(
        "email,name,audience\na@example.org,Ann,press\nb@example.org,Bob,press\nc@example.org,Cy,academic\n", "utf-8"
    )
    options = dict.fromkeys(("to", "cc", "bcc", "audiences", "formats", "bib"), ())
    options |= dict.fromkeys(("subject", "note_path", "config_path", "max_size"), None)
    options |= dict.fromkeys(("each", "bcc_self", "send_now", "resend"), False)
    asked = MailRequest(
        Path("briefs/b.yaml"), **options, from_="Me <me@example.org>", eml_dir=Path("drafts"), dry_run=True,
        recipients_file=Path("list.csv"), out_dir=Path("out"), roots=search_path(None),
    )  # fmt: skip
    events = Recorder()
    assert mail(asked, events) == 0
    ready = {e.audience: e for e in events.of(MessageReady)}
    assert sorted(ready) == ["academic", "press"]
    assert ready["press"].recipients == 2 and not ready["press"].repeat
    assert [e.path.as_posix() for e in events.of(DraftWritten)] == ["drafts/b_press.eml", "drafts/b_academic.eml"]
    assert all(e.dry_run for e in events.of(DraftWritten))
    assert events.of(Written) == [] and events.of(BibliographyUsed) != []  # the scratch build reports failures only
    assert not (workspace / "drafts").exists() and not (workspace / "out").exists()
