"""Audiences: template folders found on a search path, each with a style file.

Search order, first match wins by folder name: `--templates DIR`, `./templates`,
the templates built into the package. A folder is an audience when it holds a
`style.yaml`; folders starting with `_` hold shared template files only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .contrast import Shortfall, colour_keys, shortfalls
from .design import Theme, theme
from .errors import AudienceError, Problem, TemplateError, display_path
from .folders import STYLE_FILE as STYLE_FILE  # re-exported: the audience's public names
from .folders import builtin_templates as builtin_templates
from .folders import discover as discover
from .folders import search_path as search_path
from .fonts import font_file_problem
from .inputs import MAX_ASSET_BYTES, InputRefused, read_input
from .locales import base_language
from .style import PATTERN_FIELDS, RUNNING_FIELDS, Style, merge, pattern_problem, style_from_dict, style_schema
from .writers import Assets
from .yamlsource import Positions, read_yaml, schema_problems

TEMPLATE_FILE = "brief.md.j2"
EMAIL_TEMPLATE_FILE = "email.md.j2"
DEFAULT_EMAIL_TEMPLATE = f"_shared/{EMAIL_TEMPLATE_FILE}"  # when no audience in the chain has its own
REFERENCE_DOCX = "reference.docx"


@dataclass(frozen=True)
class Audience:
    name: str
    folder: Path
    style: Style
    template: str  # Jinja name, "practitioner/brief.md.j2", found along the extends chain
    chain: tuple[str, ...]  # this audience, then its parents
    builtin: bool
    theme: Theme  # the style resolved into the design every writer draws
    assets: Assets  # the files writers may use, read once
    email_template: str = DEFAULT_EMAIL_TEMPLATE  # the mail body's template, found like `template`
    warnings: tuple[Problem, ...] = ()  # what the style gets away with, but should not: low contrast

    def theme_in(self, language: str) -> Theme:
        """The design with its wording (page footer, notes, priorities) in a brief's language."""
        return self.theme if base_language(language) == "en" else theme(self.style, language)


def _raw_style(folder: Path) -> tuple[dict, Positions]:
    file = display_path(folder / STYLE_FILE)
    data, pos = read_yaml(folder / STYLE_FILE, file, TemplateError)
    data = data or {}
    if not isinstance(data, dict):
        raise TemplateError(Problem(file, 1, 1, "", "a style file must be a YAML mapping"))
    problems = pos.problems + schema_problems(data, style_schema(), file, pos)
    logo = data.get("logo")
    if isinstance(logo, str) and logo:
        path = (folder / logo).resolve()
        line, col = pos.marks.get(("logo",), (None, None))
        if not path.is_relative_to(folder.resolve()):
            problems.append(Problem(file, line, col, "logo", f"'{logo}' is outside this audience's folder"))
        elif not path.is_file() or path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            problems.append(Problem(file, line, col, "logo", f"'{logo}' is not a PNG or JPEG file beside the style"))
        elif why := logo_problem(path):
            problems.append(Problem(file, line, col, "logo", f"'{logo}': {why}"))
        if not str(data.get("logo_alt") or "").strip():
            problems.append(
                Problem(
                    file,
                    line,
                    col,
                    "logo_alt",
                    f"'{logo}' needs a text alternative for screen readers: add logo_alt: \"what the logo shows\"",
                )
            )
        data["logo"] = str(path)
    email = data["email"] if isinstance(data.get("email"), dict) else {}
    patterns: list[tuple[tuple[str, ...], Any, tuple[str, ...]]] = [
        (("email", name), email.get(name), PATTERN_FIELDS) for name in ("subject", "filename")
    ]
    patterns += [((name,), data.get(name), RUNNING_FIELDS) for name in ("header", "footer")]
    for where, pattern, fields in patterns:
        if isinstance(pattern, str) and (why := pattern_problem(pattern, fields)):
            line, col = pos.marks.get(where, (None, None))
            problems.append(Problem(file, line, col, ".".join(where), why))
    fallback = data["fonts"].get("fallback") if isinstance(data.get("fonts"), dict) else None
    if isinstance(fallback, list):
        for i, name in enumerate(fallback):
            if not isinstance(name, str):
                continue  # the schema has said so
            path = (folder / name).resolve()
            problem = (
                font_file_problem(path) if path.is_relative_to(folder.resolve()) else "outside this audience's folder"
            )
            if problem:
                line, col = pos.marks.get(("fonts", "fallback", i), (None, None))
                problems.append(Problem(file, line, col, "fonts.fallback", f"'{name}' beside the style: {problem}"))
            fallback[i] = str(path)
    if problems:
        raise TemplateError(problems)
    return data, pos


MAX_LOGO_BYTES = 5_000_000
MAX_LOGO_SIDE = 4000  # pixels; a logo prints 45 mm wide at most


def logo_problem(path: Path) -> str | None:
    """Why a logo cannot be drawn in every format, or None: found when the style is read, not mid-build.

    The image is decoded in full (a truncated file fails only then) once its size is known
    to be small. The DOCX writer's python-docx knows a JPEG only by a JFIF or Exif segment
    first (the name at byte 6), so one without is refused here too, with Pillow alone.
    """
    from PIL import Image, UnidentifiedImageError

    not_an_image = "not an image (is it really a PNG or JPEG?)"
    try:
        data = read_input(path, MAX_LOGO_BYTES)
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                return f"a {image.format} image; use PNG or JPEG"
            if max(image.size) > MAX_LOGO_SIDE:
                return f"{image.size[0]}x{image.size[1]} pixels; at most {MAX_LOGO_SIDE} on a side"
            image.load()
        if image.format == "JPEG" and data[6:10] not in (b"JFIF", b"Exif"):
            return not_an_image
    except InputRefused as refused:
        return str(refused)
    except UnidentifiedImageError:
        return not_an_image
    except (OSError, SyntaxError, ValueError, EOFError) as err:  # Pillow's words for damaged files
        return f"a damaged image ({err})"
    return None


def load_audience(name: str, roots: tuple[Path, ...]) -> Audience:
    """The audience `name` as found on `roots`: its style merged along `extends`, templates, theme and assets."""
    folders = _folders_with(name, roots)
    chain, merged, colour_lines = _extends_chain(name, folders)
    template = _brief_template(name, chain, folders)
    email_template = next(
        (f"{a}/{EMAIL_TEMPLATE_FILE}" for a in chain if _present(folders[a] / EMAIL_TEMPLATE_FILE)), None
    )
    builtin = folders[name].resolve().is_relative_to(builtin_templates().resolve())
    style = style_from_dict(merged)
    design = theme(style)
    default_file = display_path(folders[name] / STYLE_FILE)
    return Audience(
        name,
        folders[name],
        style,
        template,
        tuple(chain),
        builtin,
        design,
        _assets(folders[name], style),
        email_template or DEFAULT_EMAIL_TEMPLATE,
        tuple(_contrast_problem(s, style, colour_lines, default_file) for s in shortfalls(design)),
    )


def _folders_with(name: str, roots: tuple[Path, ...]) -> dict[str, Path]:
    """Every audience folder on the search path, refusing a `name` not among them (saying which are)."""
    folders = discover(roots)
    if name not in folders:
        known = ", ".join(sorted(folders)) or "none"
        raise AudienceError(
            f"unknown audience '{name}' (known: {known}; searched {', '.join(map(display_path, roots))})"
        )
    return folders


def _extends_chain(
    name: str, folders: dict[str, Path]
) -> tuple[list[str], dict, dict[str, tuple[str, int | None, int | None]]]:
    """The audience and the ones it extends, their styles merged (nearest wins), and where each colour was set.

    Colour positions are kept so a contrast warning can point at the style line to change.
    """
    chain: list[str] = []
    merged: dict = {}
    colour_lines: dict[str, tuple[str, int | None, int | None]] = {}  # key -> where the nearest style set it
    current: str | None = name
    while current is not None:
        _check_extends(current, chain, folders)
        chain.append(current)
        raw, pos = _raw_style(folders[current])
        file = display_path(folders[current] / STYLE_FILE)
        for path, (line, col) in pos.marks.items():
            if len(path) == 2 and path[0] == "colours":
                colour_lines.setdefault(str(path[1]), (file, line, col))
        merged = merge(raw, merged)
        current = raw.get("extends")
    return chain, merged, colour_lines


def _check_extends(current: str, chain: list[str], folders: dict[str, Path]) -> None:
    """Refuse a circular `extends`, or one naming no audience, at the style file that says it."""
    if current in chain:
        raise TemplateError(
            Problem(
                display_path(folders[current] / STYLE_FILE),
                None,
                None,
                "extends",
                f"circular extends: {' -> '.join([*chain, current])}",
            )
        )
    if current not in folders:
        child = chain[-1]
        raise TemplateError(
            Problem(
                display_path(folders[child] / STYLE_FILE),
                None,
                None,
                "extends",
                f"unknown audience '{current}' to extend",
            )
        )


def _brief_template(name: str, chain: list[str], folders: dict[str, Path]) -> str:
    """The brief's Jinja template, from the nearest audience along the chain that has one."""
    template = next((f"{a}/{TEMPLATE_FILE}" for a in chain if _present(folders[a] / TEMPLATE_FILE)), None)
    if template is None:
        raise TemplateError(
            Problem(
                display_path(folders[name]),
                None,
                None,
                "",
                f"no {TEMPLATE_FILE} in this audience or the ones it extends",
            )
        )
    return template


def _contrast_problem(
    shortfall: Shortfall, style: Style, lines: dict[str, tuple[str, int | None, int | None]], default_file: str
) -> Problem:
    """A contrast warning at the line that set the colour to change: the text's if a style set it."""
    text_keys = colour_keys(shortfall.text, style.colours)
    background_keys = colour_keys(shortfall.background, style.colours)
    for key in (*text_keys, *background_keys):
        if key in lines:
            file, line, col = lines[key]
            return Problem(file, line, col, f"colours.{key}", shortfall.describe())
    key = (text_keys or background_keys or ["?"])[0]
    return Problem(default_file, None, None, f"colours.{key}", f"{shortfall.describe()} (the default colour)")


def _present(path: Path) -> bool:
    """A file is there, whatever its kind: a pipe or a dangling link named brief.md.j2 is the
    audience's template, refused by the loader with its reason, never quietly passed over."""
    return path.exists() or path.is_symlink()


def _assets(folder: Path, style: Style) -> Assets:
    """The audience's own reference.docx (not an inherited one), its style's logo and fallback fonts.

    Each is read once, through the one opener: a regular file inside the audience's folder.
    """
    reference = folder / REFERENCE_DOCX
    logo_bytes = _asset(Path(style.logo), folder, MAX_LOGO_BYTES) if style.logo else None
    return Assets(
        reference_docx=_reference_docx(reference, folder) if reference.exists() or reference.is_symlink() else None,
        logo=logo_bytes,
        logo_type=("image/png" if logo_bytes.startswith(b"\x89PNG") else "image/jpeg") if logo_bytes else "",
        logo_alt=style.logo_alt if logo_bytes else "",
        fonts=tuple(_asset(Path(f), folder, MAX_ASSET_BYTES) for f in style.fonts.fallback),
    )


def _asset(path: Path, folder: Path, limit: int) -> bytes:
    try:
        return read_input(path, limit, within=folder)
    except (InputRefused, OSError) as err:
        why = str(err) if isinstance(err, InputRefused) else (err.strerror or str(err))
        raise TemplateError(Problem(display_path(path), None, None, "", why)) from None


def _reference_docx(path: Path, folder: Path) -> bytes:
    """An audience's own Word styles: a real DOCX, or an error at that file (not a crash in the writer)."""
    import zipfile

    data = _asset(path, folder, MAX_ASSET_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise TemplateError(
            Problem(display_path(path), None, None, "", f"not a Word document ({err}); save it as .docx")
        ) from None
    if not {"word/document.xml", "word/styles.xml", "[Content_Types].xml"} <= names:
        raise TemplateError(
            Problem(display_path(path), None, None, "", "not a Word document (no word/styles.xml); save it as .docx")
        )
    return data


def load_audiences(names: list[str] | None, roots: tuple[Path, ...]) -> list[Audience]:
    """The named audiences, or every audience found, in a stable order."""
    wanted = names or sorted(discover(roots))
    return [load_audience(n, roots) for n in wanted]
