"""Shared fixtures: the sample brief built once per session, and real-client checks.

Tests that need an external program (LibreOffice, pdffonts, qpdf) skip with a
reason on a machine without it, but fail when CI=true: CI installs them.

Hypothesis profiles (HYPOTHESIS_PROFILE), for every property test: `ci`, the default, is
derandomized, so a run fails or passes the same way every time (also when the fuzz tests
are left out, as the floors run does); `explore` draws new random examples, for hunting.
"""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

_COMMON = {
    "deadline": timedelta(seconds=20),
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
}
# CI does not shrink: a failure prints its example and blob; shrink it with the explore profile.
_NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target]
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, phases=_NO_SHRINK, **_COMMON)
settings.register_profile("explore", derandomize=False, database=None, print_blob=True, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "briefs" / "kazakhstan-osce-2010.yaml"


def require_program(name: str) -> str:
    """The program's path, or skip (fail under CI, which must have it)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (CI installs it; see .ci/run)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def build_sample() -> dict[str, bytes]:
    """All 8 outputs of the sample brief, keyed by file name, built in memory."""
    from briefgen.audience import load_audiences, search_path
    from briefgen.bibliography import load_bibliography
    from briefgen.build import build
    from briefgen.loader import load_brief

    roots = search_path(ROOT / "templates")
    audiences = load_audiences(None, roots)
    refs = load_bibliography(ROOT / "references.bib")
    brief = load_brief(SAMPLE, keys=refs)
    return {o.relative_path.name: o.data for o in build(brief, audiences, ["docx", "pdf"], roots, refs)}


@pytest.fixture(scope="session")
def sample_outputs() -> dict[str, bytes]:
    return build_sample()


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory, sample_outputs: dict[str, bytes]) -> Path:
    """The sample outputs written to a folder, for tools that read files."""
    folder = tmp_path_factory.mktemp("sample")
    for name, data in sample_outputs.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def workspace(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder in tmp_path, made the working directory: no test writes to the repository.

    It holds the sample brief in briefs/ and references.bib, unless the module or test says
    otherwise with the `workspace` marker, e.g.
    `pytestmark = pytest.mark.workspace(briefs={"b.yaml": MINIMAL_BRIEF}, bib=REFERENCES_BIB)`:
    briefs maps a file name in briefs/ to its YAML text (or a Path to copy), bib is the text of
    references.bib (or a Path, or None for none), templates=True copies the built-in templates.
    SOURCE_DATE_EPOCH is unset, so dates come from the brief alone.
    """
    marker = request.node.get_closest_marker("workspace")
    options = marker.kwargs if marker else {}
    (tmp_path / "briefs").mkdir()
    for name, brief in options.get("briefs", {SAMPLE.name: SAMPLE}).items():
        _put(tmp_path / "briefs" / name, brief)
    bib = options.get("bib", ROOT / "references.bib")
    if bib is not None:
        _put(tmp_path / "references.bib", bib)
    if options.get("templates"):
        shutil.copytree(ROOT / "templates", tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


def _put(path: Path, content: str | Path) -> None:
    if isinstance(content, Path):
        shutil.copyfile(content, path)
    else:
        path.write_text(content, encoding="utf-8")


@pytest.fixture(autouse=True, scope="session")
def _user_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory):
    """The per-user cache (briefgen/cache.py) of every test run, command and subprocess: never the tester's."""
    os.environ["BRIEFGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("user-cache"))
    os.environ.pop("BRIEFGEN_NO_CACHE", None)
    yield


@pytest.fixture(autouse=True, scope="session")
def _build_server_in_tmp(tmp_path_factory: pytest.TempPathFactory):
    """A build server a test starts (`build --server`, docs/using.md) is the session's, stopped at its end."""
    folder = tmp_path_factory.mktemp("build-server")
    folder.chmod(0o700)
    os.environ["BRIEFGEN_SERVER_DIR"] = str(folder)
    yield
    if os.name == "posix" and list(folder.glob("*.sock")):
        from briefgen.server import ask

        ask("stop")


@pytest.fixture(autouse=True)
def _fresh_bibliography_cache():
    """Tests reuse relative paths like references.bib in different temporary workspaces."""
    from briefgen.bibliography import load_bibliography

    load_bibliography.cache_clear()
    yield
    load_bibliography.cache_clear()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="write the outputs test_golden.py builds into tests/golden/ instead of comparing them",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "literal_syntax: outputs may show syntax on purpose (code spans); no leak scan")
    config.addinivalue_line("markers", "workspace(briefs, bib, templates): what the `workspace` fixture holds")


@pytest.fixture(autouse=True)
def _no_syntax_leaks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Every output any test builds, through any writer, is scanned for leaked syntax.

    The scan hooks the writers' common `Artifact` record, so it also sees outputs built
    through the CLI; a test whose outputs show syntax on purpose is marked `literal_syntax`.
    """
    from briefgen.writers import Artifact

    from leaks import leaks_in

    if request.node.get_closest_marker("literal_syntax"):
        yield
        return
    found: list[str] = []
    made = Artifact.__init__

    def scanned(self, data: bytes, media_type: str, *args, **kwargs) -> None:
        made(self, data, media_type, *args, **kwargs)
        found.extend(f"{media_type.split('/')[-1][:20]}: {leak}" for leak in leaks_in(data, media_type))

    monkeypatch.setattr(Artifact, "__init__", scanned)
    yield
    assert not found, "syntax leaked into outputs:\n" + "\n".join(dict.fromkeys(found))


@pytest.fixture(autouse=True)
def _accessible_pdfs(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Every PDF any test builds passes the PDF/UA-1 checks with no error and no warning.

    Hooked like the leak scan above; `accessibility.pdfua_findings` says what is checked.
    """
    from accessibility import pdfua_findings

    from briefgen.writers import Artifact

    found: list[str] = []
    made = Artifact.__init__

    def checked(self, data: bytes, media_type: str, *args, **kwargs) -> None:
        made(self, data, media_type, *args, **kwargs)
        if media_type == "application/pdf":
            found.extend(pdfua_findings(data))

    monkeypatch.setattr(Artifact, "__init__", checked)
    yield
    assert not found, "PDF/UA findings in a built PDF:\n" + "\n".join(dict.fromkeys(found))


def overview_audience(folder: Path) -> str:
    """An audience `overview` in `folder`'s templates: the practitioner brief with the overview table its
    style leaves out (content.overview), for tests of that table. Its name, for `-a`."""
    style = folder / "templates" / "overview" / "style.yaml"
    style.parent.mkdir(parents=True, exist_ok=True)
    style.write_text("extends: practitioner\ncontent:\n  overview: true\n", encoding="utf-8")
    return "overview"
