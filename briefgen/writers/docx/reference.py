"""The packaged reference document, opened with its table styles set aside, for a process that builds DOCX again.

Its `word/styles.xml` holds 100 table styles, 8,133 of its 9,121 elements, which briefgen never
reads nor changes (its tables name no style). Parsing them as each DOCX opens the reference and
writing them back as it is saved was a fifth of a warm DOCX build. A process that builds DOCX more
than once (a build server, `watch`, a pool's workers) sets them aside once: each build opens a
copy of the reference whose styles.xml holds a comment where each run of them stood, and the saved
styles.xml gets their XML back in its place, the bytes python-docx writes for them. The copy is
used only when putting them back gives the packaged styles.xml byte for byte.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

STYLES = "word/styles.xml"
MARK = "briefgen-set-aside"  # the comments' text; a reference holding it is opened as it is
W_STYLE, W_TYPE, W_DEFAULT = qn("w:style"), qn("w:type"), qn("w:default")


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


def _set_aside(element) -> bool:
    """A table style other than the default one (which python-docx's `default_for` may look up)."""
    return element.tag == W_STYLE and element.get(W_TYPE) == "table" and element.get(W_DEFAULT) is None


def _runs(styles) -> list[list]:
    """The runs of consecutive children of `w:styles` to set aside."""
    runs: list[list] = []
    previous = False
    for child in styles:
        aside = _set_aside(child)
        if aside and previous:
            runs[-1].append(child)
        elif aside:
            runs.append([child])
        previous = aside
    return runs


def set_aside(reference: bytes) -> SetAside | None:
    """The reference with its table styles set aside; None without any, or if they would not come back as they were."""
    with zipfile.ZipFile(io.BytesIO(reference)) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    original = next((data for info, data in entries if info.filename == STYLES), None)
    if original is None or MARK.encode() in original:
        return None
    styles = parse_xml(original)
    runs = _runs(styles)
    if not runs:
        return None
    for n, run in enumerate(runs):  # each run between two comments, to cut its XML out of the whole
        run[0].addprevious(etree.Comment(f"{MARK}-start-{n}"))
        run[-1].addnext(etree.Comment(f"{MARK}-end-{n}"))
    marked = serialize_part_xml(styles)
    kept = []
    for n, run in enumerate(runs):
        start, end = f"<!--{MARK}-start-{n}-->".encode(), f"<!--{MARK}-end-{n}-->".encode()
        kept.append((f"<!--{MARK}-{n}-->".encode(), marked[marked.index(start) + len(start) : marked.index(end)]))
        run[0].getprevious().addprevious(etree.Comment(f"{MARK}-{n}"))
        for element in [run[0].getprevious(), *run, run[-1].getnext()]:
            styles.remove(element)
    aside = SetAside(_zipped(entries, serialize_part_xml(styles)), tuple(kept))
    return aside if aside.restore(STYLES, serialize_part_xml(styles)) == original else None


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
    """Opens the packaged reference: as it is the first time in a process, set aside from the second on,
    or from the first once `prepare` ran (before a pool forks, its workers start with it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.opened = 0

    def prepare(self) -> SetAside | None:
        stat = self.path.stat()
        return _packaged(self.path, (stat.st_mtime_ns, stat.st_size))

    def __call__(self) -> tuple[bytes | str, SetAside | None]:
        """What to open (the reference's path, or the set-aside copy's bytes) and what puts the styles back."""
        self.opened += 1
        aside = self.prepare() if self.opened > 1 or _packaged.cache_info().currsize else None
        return (aside.package, aside) if aside is not None else (str(self.path), None)
