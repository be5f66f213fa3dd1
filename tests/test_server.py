"""The warm build server (briefgen/server.py, briefgen/client.py), driven as a person drives it:
`python -m briefgen build --server` in a subprocess, against a real server on a real socket.

One server serves the module (its warm-up costs a few seconds); the tests of its life (idle exit,
replacement when briefgen changes) start their own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest

from briefgen.cli import NO_SERVER
from briefgen.client import server_arguments

from conftest import ROOT, SAMPLE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the build server needs Unix sockets")

BRIEFS = ROOT / "briefs"


def briefgen(*args: str, cwd: Path, env: dict[str, str], **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env, capture_output=True, text=True, **options
    )


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment of every call: a server folder of the module's own, stopped at the end."""
    folder = tmp_path_factory.mktemp("server")
    folder.chmod(0o700)
    env = {**os.environ, "BRIEFGEN_SERVER_DIR": str(folder)}
    env.pop("SOURCE_DATE_EPOCH", None)
    yield env
    briefgen("server", "stop", cwd=folder, env=env)


def status(env: dict[str, str]) -> dict | None:
    """The server's own account of itself, read the way `briefgen server status` reads it."""
    code = "import json, sys\nfrom briefgen.server import ask\nprint(json.dumps(ask('status')))\n"
    done = subprocess.run(  # not from the repository's folder, whose briefgen `python -c` would import first
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=env["BRIEFGEN_SERVER_DIR"],
    )
    return json.loads(done.stdout)


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def project(tmp_path: Path) -> Path:
    """The repository's briefs (the sample, its Russian translation, the 2011 follow-up) and references."""
    shutil.copytree(BRIEFS, tmp_path / "briefs")
    shutil.copy(ROOT / "references.bib", tmp_path)
    return tmp_path


ALL_FORMATS = ("-f", "docx", "-f", "pdf", "-f", "html", "-f", "md", "-f", "txt", "-f", "xlsx")


def test_the_server_makes_the_bytes_and_says_the_lines_of_a_cold_build(tmp_path: Path, server_env):
    """Every brief, audience and format, the manifests too; then an edited brief and an edited
    style in the same server: what one job loaded never reaches the next."""
    here = project(tmp_path)
    warm = briefgen("build", *ALL_FORMATS, "-o", "warm", "--server", cwd=here, env=server_env)
    cold = briefgen("build", *ALL_FORMATS, "-o", "cold", cwd=here, env=server_env)
    assert warm.returncode == cold.returncode == 0, warm.stderr + cold.stderr
    made = outputs(here / "cold")
    assert len(made) > 30
    assert outputs(here / "warm") == made
    assert warm.stdout.replace("warm/", "cold/") == cold.stdout
    assert warm.stderr == cold.stderr

    sample = here / "briefs" / SAMPLE.name
    sample.write_text(sample.read_text("utf-8").replace("Kazakhstan", "Qazaqstan"), "utf-8")
    briefgen("templates", "new", "practitioner", "--from", "practitioner", cwd=here, env=server_env, check=True)
    style = here / "templates" / "practitioner" / "style.yaml"
    style.write_text(style.read_text("utf-8").replace("#1F4E79", "#7A1F3D"), "utf-8")
    edited = ("-a", "practitioner", "-f", "pdf", "-f", "docx", "-f", "md", str(sample.relative_to(here)))
    warm2 = briefgen("build", *edited, "-o", "warm2", "--server", cwd=here, env=server_env)
    cold2 = briefgen("build", *edited, "-o", "cold2", cwd=here, env=server_env)
    assert warm2.returncode == cold2.returncode == 0, warm2.stderr + cold2.stderr
    assert outputs(here / "warm2") == outputs(here / "cold2")
    docx = "kazakhstan-osce-2010/kazakhstan-osce-2010_practitioner.docx"
    assert outputs(here / "warm2")[docx] != made[docx]  # the edits took
    assert "Qazaqstan" in (here / "warm2" / docx).with_suffix(".md").read_text("utf-8")
    assert status(server_env)["jobs_served"] >= 2


def test_the_caller_s_folder_umask_and_environment_are_the_job_s(tmp_path: Path, server_env):
    here = project(tmp_path)
    env = {**server_env, "SOURCE_DATE_EPOCH": "1000000000"}  # the PDF's dates say it

    def tighter() -> None:
        os.umask(0o027)

    done = briefgen(
        "-q",
        "build",
        "-a",
        "press",
        "-f",
        "pdf",
        f"briefs/{SAMPLE.name}",
        "-o",
        "out",
        "--server",
        cwd=here,
        env=env,
        preexec_fn=tighter,
    )
    assert done.returncode == 0, done.stderr
    pdf = here / "out" / "kazakhstan-osce-2010" / "kazakhstan-osce-2010_press.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o640
    assert pypdf.PdfReader(pdf).metadata.creation_date == datetime(2001, 9, 9, 1, 46, 40, tzinfo=UTC)


def test_errors_and_exit_codes_are_a_cold_build_s_and_nothing_is_written(tmp_path: Path, server_env):
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "bad.yaml").write_text("id: bad\ntitle: [unclosed\n", "utf-8")
    warm = briefgen("build", "-o", "out", "--server", cwd=tmp_path, env=server_env)
    cold = briefgen("build", "-o", "out", cwd=tmp_path, env=server_env)
    assert warm.returncode == cold.returncode == 1
    assert warm.stderr == cold.stderr
    assert "briefs/bad.yaml:3:1: invalid YAML" in warm.stderr
    assert not (tmp_path / "out").exists()
    usage = briefgen("build", "--no-such-option", "--server", cwd=tmp_path, env=server_env)
    assert usage.returncode == 2  # click's wording of the option's name changed between versions
    assert "No such option" in usage.stderr and "--no-such-option" in usage.stderr


@pytest.fixture
def long_brief(tmp_path: Path) -> Path:
    """The sample made 20 times longer: a build that takes seconds, time to interrupt it."""
    scaled = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), str(SAMPLE), "20"], capture_output=True, check=True
    ).stdout
    (tmp_path / "x20.yaml").write_bytes(scaled)
    shutil.copy(ROOT / "references.bib", tmp_path)
    return tmp_path / "x20.yaml"


def _start_long_build(folder: Path, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", "x20.yaml", "-j", "1", "-o", "out", "--server"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (status(env) or {}).get("jobs_running"):  # the job has started in the server (started, if need be)
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    return process


def _wait_for_no_job(env: dict[str, str]) -> None:
    deadline = time.monotonic() + 30
    while status(env)["jobs_running"]:
        assert time.monotonic() < deadline, "the server's job did not stop"
        time.sleep(0.05)


def test_ctrl_c_reaches_the_build_and_leaves_no_output(long_brief: Path, server_env):
    process = _start_long_build(long_brief.parent, server_env)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "Aborted!" in stderr
    _wait_for_no_job(server_env)
    out = long_brief.parent / "out"
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]


def test_a_killed_caller_s_job_is_stopped(long_brief: Path, server_env):
    process = _start_long_build(long_brief.parent, server_env)
    process.kill()
    process.wait()
    _wait_for_no_job(server_env)
    out = long_brief.parent / "out"
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]


def test_the_socket_is_private_and_a_shared_folder_is_refused(tmp_path: Path, server_env):
    folder = Path(server_env["BRIEFGEN_SERVER_DIR"])
    sockets = list(folder.glob("*.sock"))
    assert sockets, "no server ran before this test"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(s.stat().st_mode) == 0o600 for s in sockets)

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    env = {**server_env, "BRIEFGEN_SERVER_DIR": str(shared)}
    done = briefgen("build", "-o", "out", "--server", cwd=project(tmp_path), env=env)
    assert done.returncode == 1
    assert f"Error: {shared}: not a folder only you can open" in done.stderr
    assert not list(shared.iterdir()) and not (tmp_path / "out").exists()


def test_an_idle_server_exits_and_the_next_call_starts_one(tmp_path: Path):
    folder = tmp_path / "server"
    folder.mkdir(mode=0o700)
    env = {**os.environ, "BRIEFGEN_SERVER_DIR": str(folder), "BRIEFGEN_SERVER_IDLE": "1"}
    here = project(tmp_path)
    first = briefgen("-q", "build", "-a", "press", "-f", "md", "-o", "out", "--server", cwd=here, env=env)
    assert first.returncode == 0, first.stderr
    deadline = time.monotonic() + 30
    while list(folder.glob("*.sock")):
        assert time.monotonic() < deadline, "the idle server did not exit"
        time.sleep(0.1)
    assert briefgen("server", "status", cwd=here, env=env).returncode == 1


def test_a_server_older_than_briefgen_s_files_gives_way_to_a_fresh_one(tmp_path: Path):
    """A copy of the package, its own server; a file of it edited: the next call is served by a new server."""
    copy = tmp_path / "install"
    shutil.copytree(ROOT / "briefgen", copy / "briefgen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", copy / "briefgen" / "templates")  # where a wheel has them
    (copy / "briefgen" / "sample").mkdir(exist_ok=True)
    shutil.copy(SAMPLE, copy / "briefgen" / "sample")
    shutil.copy(ROOT / "references.bib", copy / "briefgen" / "sample")
    folder = tmp_path / "server"
    folder.mkdir(mode=0o700)
    env = {**os.environ, "BRIEFGEN_SERVER_DIR": str(folder), "PYTHONPATH": str(copy)}
    here = project(tmp_path)
    args = ("-q", "build", "-a", "press", "-f", "md", "-o", "out", "--server")
    try:
        assert briefgen(*args, cwd=here, env=env).returncode == 0
        before = status(env)["pid"]
        edited = copy / "briefgen" / "errors.py"
        edited.write_text(edited.read_text("utf-8") + "\n# edited\n", "utf-8")
        again = briefgen(*args, "--force", cwd=here, env=env)
        assert again.returncode == 0, again.stderr
        assert status(env)["pid"] != before
    finally:
        briefgen("server", "stop", cwd=here, env=env)


def test_the_server_runs_the_briefgen_its_caller_imported(tmp_path: Path):
    """`python -m briefgen` in a folder holding a briefgen source tree runs that tree, and so must its server."""
    shutil.copytree(ROOT / "briefgen", tmp_path / "briefgen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", tmp_path / "briefgen" / "templates")
    shutil.copytree(BRIEFS, tmp_path / "briefs")
    shutil.copy(ROOT / "references.bib", tmp_path)
    folder = tmp_path / "server"
    folder.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"BRIEFGEN_SERVER_DIR": str(folder)}
    try:
        done = briefgen("-q", "build", "-a", "press", "-f", "md", "-o", "out", "--server", cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        shown = briefgen("server", "status", cwd=tmp_path, env=env)
        assert f"briefgen from {tmp_path / 'briefgen'}" in shown.stdout
    finally:
        briefgen("server", "stop", cwd=tmp_path, env=env)


def test_server_status_and_stop(tmp_path: Path, server_env):
    shown = briefgen("server", "status", cwd=tmp_path, env=server_env)
    assert shown.returncode == 0
    assert shown.stdout.startswith("build server pid ") and "jobs: " in shown.stdout


@pytest.mark.parametrize(
    ("argv", "handed"),
    [
        (["build", "--server"], ["build"]),
        (
            ["-q", "--no-cache", "build", "-f", "pdf", "--server", "b.yaml"],
            ["-q", "--no-cache", "build", "-f", "pdf", "b.yaml"],
        ),
        (["build", "b.yaml"], None),
        (["check", "--server"], None),
        (["build", "--", "--server"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_which_command_lines_go_to_the_server(argv: list[str], handed: list[str] | None):
    assert server_arguments(argv) == handed


def test_without_the_client_the_build_runs_here_and_says_so(workspace: Path):
    from click.testing import CliRunner

    from briefgen.cli import cli

    done = CliRunner().invoke(cli, ["build", "-a", "press", "-f", "md", "--server"])
    assert done.exit_code == 0, done.output
    assert NO_SERVER in done.output
    assert (workspace / "out" / "kazakhstan-osce-2010" / "kazakhstan-osce-2010_press.md").is_file()
