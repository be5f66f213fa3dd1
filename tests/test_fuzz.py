"""Property-based fuzzing of the CLI (issue 12): hostile briefs, .bib files and styles.

Whatever the input, `briefgen check` and `briefgen build` end with exit 0 or 1, never an
"internal error" or a traceback, never hang, and never write outside the `-o` folder;
a failed build writes nothing, a successful one writes each format it was asked for.

Profiles (HYPOTHESIS_PROFILE, set in conftest.py): `ci`, the default, is derandomized and fits
~3 minutes on two cores; `explore` runs ten times as many random examples, for hunting locally.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import tempfile
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.cli import cli

from fuzz_strategies import BRIEF_NAMES, bib_file, brief_file, citing_brief, style_files
from helpers_briefs import MINIMAL_BRIEF, REFERENCES_BIB

SCALE = float(os.environ.get("FUZZ_SCALE") or (10 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 1))

# Examples per test at the ci profile: ~1,750 in all, about 3 minutes on two cores. A checked brief
# costs ~150 ms (four audiences rendered; Jinja templates and style files are read anew each run).
N_CHECK_BRIEF = max(1, int(600 * SCALE))
N_BUILD_BRIEF = max(1, int(200 * SCALE))
N_BUILD_BRIEF_OFFICE = max(1, int(20 * SCALE))
N_BIB = max(1, int(400 * SCALE))
N_STYLE = max(1, int(500 * SCALE))
N_STYLE_OFFICE = max(1, int(20 * SCALE))

HANG_SECONDS = 60  # the deadline reports slow examples; this stops a real hang
OUT = "out"
OUTPUT_NAME = re.compile(r"[a-z0-9][a-z0-9-]*/([a-z0-9][a-z0-9-]*_[a-z0-9_-]+\.(txt|html|pdf|docx)|manifest\.json)")
MAGIC = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04", ".html": b"<!DOCTYPE html", ".txt": b""}

pytestmark = [
    pytest.mark.literal_syntax,  # hostile text shows syntax on purpose; the leak scan is not this test
    pytest.mark.fuzz,  # its own tier: `python -m pytest -m fuzz` (CI runs it after the README's command)
]


class Hang(BaseException):
    """Not an Exception: the CLI's catch-all must not turn it into "internal error"."""


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def alarm(_signum, _frame):
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def tree(root: Path) -> dict[str, tuple[bool, int, int]]:
    """Every path under root: is it a folder, its size and its modification time."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(folder, name)
            st_ = p.lstat()
            found[p.relative_to(root).as_posix()] = (p.is_dir(), st_.st_size, st_.st_mtime_ns)
    return found


@contextlib.contextmanager
def workspace(files: dict[str, bytes | str]) -> Iterator[Path]:
    """A fresh folder holding `files`, the current directory while the CLI runs."""
    from briefgen.bibliography import load_bibliography

    load_bibliography.cache_clear()  # one parse per example; the cache would grow for thousands
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        root = Path(tmp)
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        with contextlib.chdir(root):
            yield root


def run(root: Path, args: list[str]) -> Result:
    """Invoke the CLI and check what holds for every input."""
    before = tree(root)
    with time_limit(HANG_SECONDS):
        result = CliRunner().invoke(cli, args)
    after = tree(root)
    output = result.output
    shown = f"briefgen {' '.join(args)}\n{output[-3000:]}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # the CLI let an exception out: show it with its traceback
    if "internal error" in output:  # again with --debug: the exception's own place tells bugs apart
        with time_limit(HANG_SECONDS):
            again = CliRunner().invoke(cli, ["--debug", *args])
        if again.exception is not None and not isinstance(again.exception, SystemExit):
            raise again.exception
    assert "internal error" not in output, shown
    assert "Traceback" not in output, shown
    assert result.exit_code in (0, 1), shown
    if result.exit_code == 1:
        assert output.strip(), "exit 1 without a word: " + shown
    outside = {p for p in after if p != OUT and not p.startswith(OUT + "/")}
    was = {p for p in before if p != OUT and not p.startswith(OUT + "/")}  # a run may follow another's outputs
    assert outside == was, f"created or removed outside -o: {sorted(outside ^ was)}\n{shown}"
    changed = [p for p in outside if before[p] != after[p] and not before[p][0]]
    assert not changed, f"changed outside -o: {changed}\n{shown}"
    return result


def written(root: Path) -> list[str]:
    """The files in the output folder, each named as `build` names them, no temporary file left."""
    out = root / OUT
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) if out.exists() else []
    for name in files:
        assert OUTPUT_NAME.fullmatch(name), f"unexpected file in the output folder: {name!r}"
    return files


def check_build(root: Path, result: Result, formats: list[str]) -> None:
    """A failed build writes nothing; a built brief has each format, each a file of that format."""
    files = written(root)
    if result.exit_code == 1:
        assert files == [], f"a failed build wrote {files}\n{result.output}"
        return
    outputs = [f for f in files if not f.endswith("manifest.json")]
    assert sorted(Path(f).suffix[1:] for f in outputs) == sorted(formats), (files, result.output)
    for name in outputs:
        data = (root / OUT / name).read_bytes()
        assert data.startswith(MAGIC[Path(name).suffix]), f"{name} starts {data[:20]!r}"
        if name.endswith((".txt", ".html")):
            data.decode("utf-8")  # valid UTF-8, no lone surrogate
        if name.endswith(".docx"):
            with zipfile.ZipFile(BytesIO(data)) as z:
                assert z.testzip() is None
                assert "word/document.xml" in z.namelist()


# ---------------------------------------------------------------- one run of each kind
# Plain functions, so that a hunt for more bugs (many random examples, failures collected
# rather than stopping at the first) can call them with the same strategies.


def check_brief(brief: bytes, name: str) -> None:
    with workspace({f"briefs/{name}": brief, "references.bib": REFERENCES_BIB}) as root:
        run(root, ["check", f"briefs/{name}"])


def build_brief(brief: bytes, audience: str, formats: list[str]) -> None:
    with workspace({"briefs/brief.yaml": brief, "references.bib": REFERENCES_BIB}) as root:
        fs = [x for f in formats for x in ("-f", f)]
        result = run(root, ["build", "briefs/brief.yaml", "-a", audience, *fs, "-o", OUT])
        check_build(root, result, formats)


KEYS_IN = re.compile(r"@\w+\s*[{(]\s*([^,\s{}()]+)\s*,")


def bibliography(bib: str, fmt: str | None, audience: str) -> None:
    """Check, or build one format (fmt), a brief citing the first keys the .bib defines."""
    keys = [k for k in dict.fromkeys(KEYS_IN.findall(bib)) if re.fullmatch(r"\w[\w:.\-/]*\w|\w", k)][:4]
    with workspace({"briefs/cited.yaml": citing_brief(keys or ["doe2020"]), "references.bib": bib}) as root:
        if fmt:
            result = run(root, ["build", "briefs/cited.yaml", "-a", audience, "-f", fmt, "-o", OUT])
            check_build(root, result, [fmt])
        else:
            run(root, ["check", "briefs/cited.yaml"])


def style(files: dict[str, bytes], formats: list[str]) -> None:
    """Check (no formats), or build, the minimal brief with the audience `mine` of a templates folder."""
    files = {f"tpl/{k}": v for k, v in files.items()}
    with workspace({**files, "briefs/brief.yaml": MINIMAL_BRIEF, "references.bib": REFERENCES_BIB}) as root:
        if formats:
            fs = [x for f in formats for x in ("-f", f)]
            result = run(root, ["build", "briefs/brief.yaml", "--templates", "tpl", "-a", "mine", *fs, "-o", OUT])
            check_build(root, result, formats)
        else:
            run(root, ["check", "briefs/brief.yaml", "--templates", "tpl"])


CHECKED = brief_file(hostile_share=0.5)  # half reach the citations and the templates
BUILT = brief_file(hostile_share=0.2)  # most reach the writers
AUDIENCES = st.sampled_from(["academic", "policymaker", "practitioner", "press"])
FAST = st.sampled_from([["txt"], ["html"], ["txt", "html"]])
NAMES = st.sampled_from(BRIEF_NAMES[:2] * 10 + BRIEF_NAMES)

# ---------------------------------------------------------------- the properties


@settings(max_examples=N_CHECK_BRIEF)
@given(brief=CHECKED, name=NAMES)
def test_check_any_brief(brief: bytes, name: str) -> None:
    check_brief(brief, name)


@settings(max_examples=N_BUILD_BRIEF)
@given(brief=BUILT, audience=AUDIENCES, formats=FAST)
def test_build_any_brief_as_text_and_html(brief: bytes, audience: str, formats: list[str]) -> None:
    build_brief(brief, audience, formats)


@settings(max_examples=N_BUILD_BRIEF_OFFICE)
@given(brief=BUILT, audience=AUDIENCES)
def test_build_any_brief_as_pdf_and_docx(brief: bytes, audience: str) -> None:
    build_brief(brief, audience, ["pdf", "docx"])


@settings(max_examples=N_BIB)
@given(bib=bib_file(), fmt=st.sampled_from([None, "txt", "html"]), audience=AUDIENCES)
def test_check_and_build_any_bibliography(bib: str, fmt: str | None, audience: str) -> None:
    bibliography(bib, fmt, audience)


@settings(max_examples=N_STYLE)
@given(files=style_files(), formats=st.sampled_from([[], ["txt"], ["html"]]))
def test_check_and_build_any_style(files: dict[str, bytes], formats: list[str]) -> None:
    style(files, formats)


@settings(max_examples=N_STYLE_OFFICE)
@given(files=style_files())
def test_build_any_style_as_pdf_and_docx(files: dict[str, bytes]) -> None:
    style(files, ["pdf", "docx"])


# ---------------------------------------------------------------- odd files in the workspace (issue 23)

SECRET = "IdentityFile ~/.ssh/id_fuzz_7f3a"
KINDS = ("fifo", "zero", "secret", "inside", "dangling", "loop", "sparse", "folder")
PLACES = (
    "templates/x/brief.md.j2",
    "templates/x/inc.j2",
    "templates/x/style.yaml",
    "templates/x/reference.docx",
    "templates/x/logo.png",
    "templates/other/notes.txt",
    "templates/other/style.yaml",
    "templates/y.yaml",
    "templates/trail\n/style.yaml",
    "templates/con/style.yaml",
    "references.bib",
    "briefs/second.yaml",
)


def odd_file(root: Path, place: str, kind: str) -> None:
    """A file no build should read in full or wait on, or a link that leads out, at `place`."""
    path = root / place
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink() if not path.is_dir() else None
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "secret":
        path.symlink_to(root / "secret.txt")
    elif kind == "inside":
        path.symlink_to(root / "templates" / "x" / "style.yaml")
    elif kind == "dangling":
        path.symlink_to(root / "nowhere")
    elif kind == "loop":
        path.symlink_to(path)
    elif kind == "sparse":
        with open(path, "wb") as fh:
            fh.truncate(3_000_000_000)
    elif kind == "folder":
        path.mkdir(exist_ok=True)


@st.composite
def odd_workspaces(draw: st.DrawFn) -> tuple[bytes, list[tuple[str, str]]]:
    """The minimal brief (with an odd id or deep brackets, sometimes) and up to three odd files."""
    brief = MINIMAL_BRIEF
    extra = draw(st.sampled_from(["", "", "id: " + "a" * 200, "id: aux", "keywords: " + "[" * 5000 + "]" * 5000]))
    brief = f"{extra}\n{brief}" if extra else brief
    odd = draw(
        st.lists(st.tuples(st.sampled_from(PLACES), st.sampled_from(KINDS)), max_size=3, unique_by=lambda t: t[0])
    )
    return brief.encode("utf-8"), odd


N_ODD = max(1, int(25 * SCALE))


@settings(max_examples=N_ODD)
@given(case=odd_workspaces())
def test_odd_files_never_hang_crash_or_leak(case: tuple[bytes, list[tuple[str, str]]]) -> None:
    brief, odd = case
    files: dict[str, bytes | str] = {
        "briefs/brief.yaml": brief,
        "references.bib": REFERENCES_BIB,
        "secret.txt": SECRET,
        "templates/x/style.yaml": "extends: practitioner\n",
        "templates/x/brief.md.j2": "{% include 'x/inc.j2' %}\n",
        "templates/x/inc.j2": "{% include 'practitioner/brief.md.j2' %}\n",
    }
    with workspace(files) as root:
        for place, kind in odd:
            odd_file(root, place, kind)
        results = [
            run(root, ["check", "briefs/brief.yaml"]),
            run(root, ["build", "briefs/brief.yaml", "-a", "x", "-f", "html", "-o", OUT]),
            run(root, ["build", "briefs/brief.yaml", "-a", "x", "-f", "html", "-o", OUT]),  # with a manifest now
            run(root, ["build", "briefs/brief.yaml", "-f", "txt", "-o", OUT]),
        ]
        shown = "".join(r.output for r in results)
        assert SECRET not in shown
        out = root / OUT
        for path in out.rglob("*") if out.exists() else ():
            if path.is_file():
                assert SECRET.encode() not in path.read_bytes(), path
