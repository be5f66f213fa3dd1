"""A per-user cache of what does not change between runs, so a build starts warm.

It keeps, under platformdirs' user cache folder (`~/.cache/briefgen` on Linux), each keyed by a
digest of everything that decides it (the content read, briefgen's code and the libraries:
`incremental.toolchain`):

- parsed bibliographies (`bib/`): a .bib file is parsed by pybtex and checked once per content;
- style files already validated (`style/`): a style whose exact bytes passed the schema is not
  validated again;
- compiled templates (`jinja/`): Jinja's bytecode, through its `BytecodeCache` interface
  (render.py), which checks each template's source itself.

What it holds can never change an output: a hit gives what the miss would have computed from the
same bytes, and anything unreadable, truncated or of another version is treated as a miss and
rewritten. Writes are atomic (a temporary file renamed into place), so runs side by side never
read half a file. It is bounded: past `MAX_BYTES`, the least recently used entries go.
`briefgen cache clear` empties it; `--no-cache` (or BRIEFGEN_NO_CACHE=1, which worker processes
inherit) leaves it alone entirely. BRIEFGEN_CACHE_DIR puts it elsewhere (tests, shared machines).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

MAX_BYTES = 64 * 1024 * 1024  # a few hundred bibliographies and styles; a whole library's .bib is a few MB
FORMAT = b"briefgen-cache-1\n"  # the first bytes of an entry: another layout is a miss
OFF = "BRIEFGEN_NO_CACHE"
FOLDER = "BRIEFGEN_CACHE_DIR"


def enabled() -> bool:
    return os.environ.get(OFF, "") in ("", "0")


def disable() -> None:
    """For this process and the workers it starts: `--no-cache`."""
    os.environ[OFF] = "1"


def folder() -> Path:
    if os.environ.get(FOLDER):
        return Path(os.environ[FOLDER])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("briefgen", appauthor=False))


def key(*parts: str | bytes) -> str:
    """A digest of what decides an entry: the parts given and briefgen's code and libraries."""
    from .incremental import toolchain

    digest = hashlib.sha256(toolchain().encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def get(kind: str, name: str) -> Any | None:
    """The value stored for `name`, or None (a miss: never stored, unreadable, or of another layout)."""
    if not enabled():
        return None
    path = folder() / kind / name
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(FORMAT):
        _forget(path)
        return None
    try:
        value = pickle.loads(data[len(FORMAT) :])
    except Exception:  # truncated or damaged: recomputed and written again
        _forget(path)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: the last to go when the cache is trimmed
    return value


def put(kind: str, name: str, value: Any) -> None:
    """Store `value` for `name`; a cache that cannot be written is no error, only a slower next run."""
    if not enabled():
        return
    target = folder() / kind
    try:
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = FORMAT + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with tempfile.NamedTemporaryFile(dir=target, prefix=".tmp-", delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, target / name)  # atomic: a run beside this one reads the old entry or this one
    except (OSError, pickle.PicklingError):
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp.name)
        return
    _trim_now_and_then()


TRIM_EVERY_S = 60  # a full look at the cache's size, at most once a minute: each put is a stat, not a walk


def _trim_now_and_then() -> None:
    mark = folder() / ".trimmed"
    try:
        if time.time() - mark.stat().st_mtime < TRIM_EVERY_S:
            return
    except OSError:
        pass  # never trimmed yet
    with contextlib.suppress(OSError):
        mark.touch()
    trim()


def trim(limit: int = MAX_BYTES) -> None:
    """Remove the least recently used entries until the cache holds at most `limit` bytes."""
    entries = []
    for path in folder().rglob("*"):
        with contextlib.suppress(OSError):
            stat = path.stat()
            if path.is_file() and path.name != ".trimmed":
                entries.append((stat.st_mtime_ns, stat.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        _forget(path)
        total -= size


def clear() -> tuple[int, int]:
    """Empty the cache: how many files and bytes it held."""
    root = folder()
    files = [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []
    size = sum(p.stat().st_size for p in files)
    shutil.rmtree(root, ignore_errors=True)
    return len(files), size


def _forget(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
