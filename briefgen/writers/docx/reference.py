"""The packaged reference document, opened with its table styles set aside.

Its `word/styles.xml` holds 100 table styles, 8,133 of its 9,121 elements, which briefgen never
reads nor changes (its tables name no style). Parsing them as each DOCX opens the reference and
writing them back as it is saved was a fifth of a warm DOCX build. So they are cut out of its
bytes once a process (4 ms): each build opens a copy of the reference (stored, not compressed)
whose styles.xml holds a comment where each run of them stood, and the saved styles.xml gets their
bytes back in its place. Those are what python-docx writes for them: the packaged file is what
python-docx wrote (a test holds it to that), and the copy is used only if the rest of its
styles.xml is written back as it is.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml

STYLES = "word/styles.xml"
MARK = "briefgen-set-aside"  # the comments' text; a reference holding it is opened as it is


@dataclass(frozen=True)
class SetAside:
    """The reference to open (a zip, its styles.xml without the table styles) and, per comment left
    in their place, their XML."""

    package: bytes
    kept: tuple[tuple[bytes, bytes], ...]  # (the comment as python-docx writes it, the styles' XML)

    def restore(self, name: str, data: bytes) -> bytes:
        """A saved part with the styles put back where their comments are."""
        if name != STYLES:
            return data
        for comment, styles in self.kept:
            data = data.replace(comment, styles, 1)
        return data


_STYLE_START = re.compile(rb"<w:style[ >/]")  # a style's start tag (not w:styles', nor w:styleId)
_STYLE_END = b"</w:style>"


def _table_styles(styles: bytes) -> list[tuple[int, int]]:
    """Where the runs of table styles (but the default one, which python-docx's `default_for` may look up)
    stand in styles.xml, as (start, end) byte offsets.

    Read from the bytes: a style holds no style, so each `<w:style` starts one and its first
    `</w:style>` ends it (or its start tag, closed by `/>`).
    """
    runs: list[tuple[int, int]] = []
    for found in _STYLE_START.finditer(styles):
        begin = found.start()
        tag_end = styles.index(b">", begin) + 1
        tag = styles[begin:tag_end]
        end = tag_end if tag.endswith(b"/>") else styles.index(_STYLE_END, tag_end) + len(_STYLE_END)
        if b'w:type="table"' not in tag or b"w:default=" in tag:
            continue
        if runs and runs[-1][1] == begin:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((begin, end))
    return runs


def set_aside(reference: bytes) -> SetAside | None:
    """The reference with its table styles set aside; None without any, or if what is left would not be
    written back as it is (python-docx writes what it parses without the blank text between elements)."""
    with zipfile.ZipFile(io.BytesIO(reference)) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    original = next((data for info, data in entries if info.filename == STYLES), None)
    if original is None or MARK.encode() in original:
        return None
    runs = _table_styles(original)
    kept, pieces, done = [], [], 0
    for n, (start, end) in enumerate(runs):
        comment = f"<!--{MARK}-{n}-->".encode()
        kept.append((comment, original[start:end]))
        pieces += [original[done:start], comment]
        done = end
    light = b"".join([*pieces, original[done:]])
    if not runs or serialize_part_xml(parse_xml(light)) != light or any(_BLANK.search(s) for _, s in kept):
        return None
    return SetAside(_zipped(entries, light), tuple(kept))


_BLANK = re.compile(rb">\s+<")  # blank text between elements, which python-docx would not write back


def _zipped(entries: list, styles: bytes) -> bytes:
    """The reference's parts, its styles.xml replaced, in a zip python-docx reads (stored: read once a build)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info, data in entries:
            dst.writestr(info.filename, styles if info.filename == STYLES else data)
    return out.getvalue()


@lru_cache(maxsize=1)
def _packaged(path: Path, changed: tuple[int, int]) -> SetAside | None:
    """The packaged reference set aside, once a process (again if its file changes: `changed` is its mtime and size)."""
    return set_aside(path.read_bytes())


class Opener:
    """Opens the packaged reference, its table styles set aside (prepared at the first open, or before a pool forks)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def prepare(self) -> SetAside | None:
        stat = self.path.stat()
        return _packaged(self.path, (stat.st_mtime_ns, stat.st_size))

    def __call__(self) -> tuple[bytes | str, SetAside | None]:
        """What to open (the set-aside copy's bytes, or the reference's path) and what puts the styles back."""
        aside = self.prepare()
        return (aside.package, aside) if aside is not None else (str(self.path), None)
