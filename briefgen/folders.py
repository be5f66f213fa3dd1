"""Where audiences live: the template search path and the audience folders on it.

Apart from `audience.py` so that a build with nothing to do (incremental.py) and `watch` can
find the template folders without loading the style and design machinery.
"""

from __future__ import annotations

from pathlib import Path

from .errors import AudienceError
from .names import audience_problem

STYLE_FILE = "style.yaml"


def builtin_templates() -> Path:
    """Inside an installed wheel the templates sit in the package; in a checkout, beside it.

    The package's folder is importlib.resources.files' answer for a package on disk, without
    importing importlib.resources (and zipfile) on every run; a zipped package has no folder of templates.
    """
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def search_path(extra: Path | None = None) -> tuple[Path, ...]:
    roots: list[Path] = []
    for root in (extra, Path.cwd() / "templates", builtin_templates()):
        if root is not None and root.is_dir() and root.resolve() not in [r.resolve() for r in roots]:
            roots.append(root)
    if extra is not None and not extra.is_dir():
        raise AudienceError(f"--templates {extra}: no such folder")
    return tuple(roots)


def discover(roots: tuple[Path, ...]) -> dict[str, Path]:
    """Audience name -> its folder, first root wins."""
    found: dict[str, Path] = {}
    for root in roots:
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            style = folder / STYLE_FILE
            if audience_problem(folder.name) is None and (style.exists() or style.is_symlink()):
                found.setdefault(folder.name, folder)
    return found
