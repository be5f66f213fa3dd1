"""The corpus check: every byte of the sample's DOCX and PDF outputs and of the x10 stress brief's, by SHA-256.

The golden files (test_golden.py) show the text formats as diffs; these binary outputs are pinned
by digest, so a speed change that should change nothing (issue 28: fonts parsed lazily, the pool
preloaded, lines broken once) shows any byte it moved. `tests/corpus.sha256` lists them with
the versions of the libraries that write the bytes; other versions (the CI floors run) skip it.
When a change is meant to change outputs, regenerate the list and say why in the commit:

    python -m pytest tests/test_corpus.py --update-golden
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "corpus.sha256"  # beside golden/, which holds what test_golden writes
SAMPLE = ROOT / "briefs" / "kazakhstan-osce-2010.yaml"
WRITERS = ("reportlab", "pikepdf", "python-docx", "uharfbuzz", "lxml", "fonttools", "pillow")  # they write the bytes


def _versions() -> str:
    return " ".join(f"{name}=={version(name)}" for name in WRITERS)


def _build(briefs: list[Path], out: Path) -> None:
    args = ["-q", "build", *map(str, briefs), "--bib", str(ROOT / "references.bib"), "-f", "docx", "-f", "pdf"]
    with pytest.MonkeyPatch.context() as env:
        env.delenv("SOURCE_DATE_EPOCH", raising=False)  # the dates are the brief's own
        result = CliRunner().invoke(cli, [*args, "-o", str(out), "-j", "2"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def digests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Relative path -> SHA-256 of each output: the sample alone (4 audiences x 2 formats) and x10."""
    work = tmp_path_factory.mktemp("corpus")
    shutil.copy(SAMPLE, work / SAMPLE.name)  # alone: its translation is the golden files' business
    x10 = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), str(SAMPLE), "10"], capture_output=True, check=True
    ).stdout
    (work / "x10.yaml").write_bytes(x10)
    _build([work / SAMPLE.name, work / "x10.yaml"], work / "out")
    return {
        path.relative_to(work / "out").as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((work / "out").rglob("*"))
        if path.is_file() and path.name != "manifest.json"
    }


def test_the_docx_and_pdf_outputs_are_the_recorded_bytes(digests: dict[str, str], request) -> None:
    lines = [f"# {_versions()}", *(f"{digest}  {name}" for name, digest in digests.items())]
    if request.config.getoption("update_golden"):
        CORPUS.write_text("\n".join(lines) + "\n")
        return
    recorded = CORPUS.read_text().splitlines()
    if recorded[0] != lines[0]:
        pytest.skip(f"recorded with {recorded[0][2:]}; these versions may write other bytes")
    assert len(digests) == 16
    changed = sorted(set(recorded[1:]) ^ set(lines[1:]))
    assert not changed, "outputs differ from tests/corpus.sha256 (if meant: --update-golden):\n" + "\n".join(changed)
