"""What pyproject.toml promises: every runtime dependency is used at run time, and no other is needed."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
IMPORT_NAMES = {  # a distribution's name on the index -> the module it installs, where they differ
    "pyyaml": "yaml",
    "python-docx": "docx",
    "python-bidi": "bidi",
    "pillow": "PIL",
    "markdown-it-py": "markdown_it",
    "mdit-py-plugins": "mdit_py_plugins",
    "pybtex": "pybtex",
    "email-validator": "email_validator",
    "ruamel.yaml": "ruamel",
    "css-inline": "css_inline",
}


def _distribution(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()


def _modules_imported_by_briefgen() -> set[str]:
    found = set()
    for path in (ROOT / "briefgen").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_every_runtime_dependency_is_imported_by_briefgen() -> None:
    """A dependency nothing imports costs every install its size (fontTools was 29.5 MB of it)."""
    imported = _modules_imported_by_briefgen()
    declared = [_distribution(r) for r in PYPROJECT["project"]["dependencies"]]
    unused = [name for name in declared if IMPORT_NAMES.get(name, name.replace("-", "_")) not in imported]
    assert unused == []
    assert "fonttools" not in declared
    assert "fonttools" in [_distribution(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]]


def test_the_licence_names_the_bundled_fonts_and_its_files_exist() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT AND OFL-1.1"
    assert project["license-files"] == ["LICENSE", "briefgen/fonts/OFL.txt"]
    assert "SIL Open Font License, Version 1.1" in (ROOT / "briefgen" / "fonts" / "OFL.txt").read_text()
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_the_sdist_carries_the_constraints_ci_installs_with() -> None:
    included = PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    assert {"constraints.txt", "mkdocs.yml", "CONTRIBUTING.md", "docs"} <= set(included)
    assert "-c constraints.txt" in (ROOT / ".ci" / "run").read_text()


def test_every_format_builds_without_fonttools_installed(tmp_path: Path) -> None:
    """fontTools is a test dependency only: a build that cannot import it still writes all five formats."""
    script = (
        "import sys\n"
        "class NoFontTools:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'fontTools':\n"
        "            raise ImportError('fontTools is not installed')\n"
        "sys.meta_path.insert(0, NoFontTools())\n"
        "from briefgen.cli import main\n"
        "main()\n"
    )
    formats = ["-f", "pdf", "-f", "docx", "-f", "html", "-f", "md", "-f", "txt"]
    out = tmp_path / "out"
    command = [sys.executable, "-c", script, "-q", "build", "-a", "press", *formats, "-o", str(out), "-j", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    built = sorted(p.suffix for p in (out / "kazakhstan-osce-2010").glob("*_press.*"))
    assert built == [".docx", ".html", ".md", ".pdf", ".txt"]
