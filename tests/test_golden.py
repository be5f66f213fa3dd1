"""Golden files: the text formats of two briefs, for every audience, compared byte for byte.

`tests/golden/<brief>/` holds what `briefgen build -f md -f html -f txt` wrote for the sample
brief, its Russian translation, and the field-notes stress brief (five scripts, every citation
form, the biblatex test bibliography). A change in any output shows here as a diff a reviewer reads. When the change is
meant, write the new files and commit them with the change:

    python -m pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli

TESTS = Path(__file__).parent
ROOT = TESTS.parent
GOLDEN = Path(os.environ.get("BRIEFGEN_GOLDEN_DIR", TESTS / "golden"))  # elsewhere: test_docs runs the update
BRIEFS = {  # golden folder -> (brief, bibliography)
    "kazakhstan-osce-2010": (ROOT / "briefs" / "kazakhstan-osce-2010.yaml", ROOT / "references.bib"),
    "kazakhstan-osce-2010.ru": (ROOT / "briefs" / "kazakhstan-osce-2010.ru.yaml", ROOT / "references.bib"),
    "field-notes": (TESTS / "data" / "briefs" / "field-notes.yaml", TESTS / "data" / "biblatex-examples.bib"),
}
AUDIENCES = ("academic", "policymaker", "practitioner", "press")
FORMATS = ("md", "html", "txt")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """Each brief's text outputs, built once through the CLI: golden folder -> {file name: bytes}."""
    outputs = {}
    for name, (brief, bib) in BRIEFS.items():
        out = tmp_path_factory.mktemp(name)
        formats = [option for fmt in FORMATS for option in ("-f", fmt)]
        with pytest.MonkeyPatch.context() as env:
            env.delenv("SOURCE_DATE_EPOCH", raising=False)  # the dates are the brief's own
            result = CliRunner().invoke(
                cli, ["build", str(brief), "--bib", str(bib), *formats, "-o", str(out), "-j", "1"]
            )
        assert result.exit_code == 0, result.output
        outputs[name] = {
            path.name: path.read_bytes() for path in (out / brief.stem).iterdir() if path.suffix != ".json"
        }
    return outputs


def _cases() -> list[tuple[str, str]]:
    return [
        (folder, f"{brief.stem}_{audience}.{fmt}")
        for folder, (brief, _bib) in BRIEFS.items()
        for audience in AUDIENCES
        for fmt in FORMATS
    ]


@pytest.mark.parametrize(("folder", "file"), _cases())
def test_the_output_is_its_golden_file_byte_for_byte(built, request: pytest.FixtureRequest, folder, file) -> None:
    actual = built[folder][file]
    golden = GOLDEN / folder / file
    if request.config.getoption("update_golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual)
        return
    assert golden.exists(), f"{golden} is missing: run the command in this module's docstring"
    expected = golden.read_bytes()
    if actual != expected:
        diff = difflib.unified_diff(
            expected.decode("utf-8").splitlines(),
            actual.decode("utf-8").splitlines(),
            f"golden/{folder}/{file}",
            "built now",
            lineterm="",
        )
        pytest.fail("differs from its golden file (if meant: --update-golden):\n" + "\n".join(list(diff)[:80]))


def test_the_golden_folders_hold_exactly_the_files_built(built) -> None:
    """A format or audience dropped from the build, or a stale golden file, is noticed."""
    for folder, outputs in built.items():
        assert sorted(outputs) == sorted(file for f, file in _cases() if f == folder)
        assert sorted(p.name for p in (GOLDEN / folder).iterdir()) == sorted(outputs)
