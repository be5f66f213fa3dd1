"""`audiences`, `templates list/show/new` and `init`: the audiences found, described, copied; a workspace started.

Each returns the lines the command shows; the caller prints them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import BriefgenError, display_path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def audience_lines(roots: tuple[Path, ...]) -> list[str]:
    """Each audience and what it gets, two lines each."""
    from ..audience import load_audiences

    lines = []
    for audience in load_audiences(None, roots):
        st = audience.style
        origin = "built-in" if audience.builtin else display_path(audience.folder)
        lines.append(f"{audience.name:<14} {st.description}")
        rules = st.content
        bits = [
            f"priorities: {', '.join(rules.priorities)}",
            f"citations: {st.citations}",
            f"bibliography: {st.bibliography}",
        ]
        if rules.max_recommendations:
            bits.append(f"at most {rules.max_recommendations} recommendations")
        if st.max_pages:
            bits.append(f"max {st.max_pages} pages")
        lines.append(f"{'':<14} {'; '.join(bits)} [{origin}]")
    return lines


def template_lines(roots: tuple[Path, ...]) -> list[str]:
    """Each audience, where it comes from and what it extends."""
    from ..audience import load_audiences

    lines = []
    for audience in load_audiences(None, roots):
        origin = "built-in" if audience.builtin else display_path(audience.folder)
        parent = f" (extends {audience.chain[1]})" if len(audience.chain) > 1 else ""
        lines.append(f"{audience.name:<14} {origin}{parent}")
    return lines


def show_lines(name: str, roots: tuple[Path, ...]) -> list[str]:
    """An audience's folder, chain, template, files and resolved style."""
    import dataclasses

    import yaml

    from ..audience import load_audience

    found = load_audience(name, roots)
    extends = " -> ".join(found.chain) if len(found.chain) > 1 else "nothing"  # the chain starts with itself
    lines = [
        f"audience: {found.name}",
        f"folder:   {display_path(found.folder)}{' (built-in)' if found.builtin else ''}",
        f"extends:  {extends}",
        f"template: {found.template}",
        "files:",
        *(f"  {path.name}" for path in sorted(p for p in found.folder.iterdir() if p.is_file())),
    ]
    style = dataclasses.asdict(found.style)
    style.pop("extends")  # resolved: the chain is shown above
    style = {k: (list(v) if isinstance(v, tuple) else v) for k, v in style.items()}
    for key in ("page", "content"):
        style[key] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in style[key].items()}
    lines.append("style (resolved):")
    lines.append("  " + yaml.safe_dump(style, allow_unicode=True, sort_keys=False).replace("\n", "\n  ").rstrip())
    return lines


def new_audience(name: str, source: str, roots: tuple[Path, ...]) -> str:
    """Copy the audience `source` into ./templates/NAME, its template included; what was made."""
    from ..audience import STYLE_FILE, TEMPLATE_FILE, load_audience
    from ..names import audience_problem

    if why := audience_problem(name):
        raise BriefgenError(f"{name!r}: {why}")
    found = load_audience(source, roots)
    target = Path("templates") / name
    if target.exists():
        raise BriefgenError(f"{display_path(target)} already exists; not overwriting it")
    target.mkdir(parents=True)
    for path in sorted(p for p in found.folder.iterdir() if p.is_file()):
        shutil.copy2(path, target / path.name)
    if not (target / TEMPLATE_FILE).exists():  # it inherited the template: copy the one it uses
        root = next(r for r in roots if (r / found.template).is_file())
        shutil.copy2(root / found.template, target / TEMPLATE_FILE)
    style = (target / STYLE_FILE).read_text("utf-8")
    (target / STYLE_FILE).write_text(
        f"# Copied from the '{source}' audience by `briefgen templates new`.\n" + style, encoding="utf-8"
    )
    return f"{display_path(target)}: new audience '{name}' from '{source}'; edit {STYLE_FILE} and {TEMPLATE_FILE}"


def init_workspace(folder: Path) -> str:
    """A workspace in `folder`: briefs/, templates/, references.bib and a sample brief; what was made."""
    packaged = PACKAGE_DIR / "sample"
    checkout = PACKAGE_DIR.parent

    def sample(name: str, in_checkout: Path) -> Path:
        """Inside a wheel the sample sits in the package; in a checkout, where it is maintained."""
        return packaged / name if (packaged / name).is_file() else in_checkout

    copies = {
        folder / "briefs" / "kazakhstan-osce-2010.yaml": sample(
            "kazakhstan-osce-2010.yaml", checkout / "briefs" / "kazakhstan-osce-2010.yaml"
        ),
        folder / "references.bib": sample("references.bib", checkout / "references.bib"),
        folder / "logo-example.png": packaged / "logo.png",
    }
    clashes = [t for t in copies if t.exists()]
    if clashes:
        raise BriefgenError(f"{display_path(clashes[0])} already exists; not overwriting it")
    (folder / "briefs").mkdir(parents=True, exist_ok=True)
    (folder / "templates").mkdir(exist_ok=True)
    for target, source in copies.items():
        target.write_bytes(source.read_bytes())
    return f"{display_path(folder)}: workspace ready; cd there and run `briefgen build`"
