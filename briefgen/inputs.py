"""The one way an input file is read: briefs, styles, templates, logos, fonts, .bib files, lists.

`check`, `build`, `watch` and `mail` all read through `read_input`, so a file `check` refuses
is never read by another command either. It opens without blocking and looks at what it
opened before reading a byte: only a regular file (a FIFO would hang the run, /dev/zero fill
the memory), not larger than the limit given (known from `fstat`, not by reading), and, when
`within` is given, not a symbolic link to anything outside that folder (a shared template
folder linking to ~/.ssh/config). The file is read once, by the caller that needs it.
Under `recording()`, every file it reads is noted: the tests check that a build's digest
(incremental.sources_digest) covers each one.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

MAX_TEMPLATE_BYTES = 2_000_000  # a template or macro file; real ones are a few KB
MAX_ASSET_BYTES = 50_000_000  # a reference.docx or a font (Noto CJK is 16-20 MB)
MAX_BIBLIOGRAPHY_BYTES = 50_000_000  # Zotero exports of whole libraries reach a few MB


class InputRefused(ValueError):
    """Why a file is not read: for a one-line error at that file."""


_READ: ContextVar[list[Path] | None] = ContextVar("briefgen_read", default=None)


@contextmanager
def recording() -> Iterator[list[Path]]:
    """Every file `read_input` reads meanwhile (in this thread), absolute: what a build's digest must cover."""
    read: list[Path] = []
    token = _READ.set(read)
    try:
        yield read
    finally:
        _READ.reset(token)


def read_input(path: Path, limit: int, within: Path | None = None, head: int | None = None) -> bytes:
    """The bytes of the regular file `path`, if it has at most `limit` of them (the first `head`, if given).

    FileNotFoundError if there is none; InputRefused (a ValueError) if it is not a regular file,
    is larger than `limit`, or resolves outside `within`.
    """
    path = Path(path)
    if within is not None and not _inside(path, within):
        raise InputRefused(f"a link to a file outside {within.name or within}/; not read")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise InputRefused("a folder, not a file") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused("not a regular file (a pipe, device or socket); not read")
        if info.st_size > limit:
            raise InputRefused(f"larger than {_size(limit)}; not read")
        if (read := _READ.get()) is not None:
            read.append(Path(os.path.abspath(path)))
        if head is not None:  # a look at the file's kind (a font's tag), not a read of it
            return os.read(fd, head)
        chunks, size = [], 0
        while size <= limit:  # a file growing while read still stops at the limit
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise InputRefused(f"larger than {_size(limit)}; not read")
    return b"".join(chunks)


def _inside(path: Path, folder: Path) -> bool:
    """Whether `path`, every link followed, is inside `folder` (itself resolved the same way)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def _size(limit: int) -> str:
    return f"{limit // 1_000_000} MB" if limit >= 1_000_000 else f"{limit // 1000} KB"
