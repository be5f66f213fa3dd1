"""The last stage: a set of output files written so that no reader ever sees half of it.

Every file of the set is first written to a temporary file beside its target and flushed
to disk; only when all of them are there is each renamed over its target, the manifest
last. A full disk, a read-only folder or a crash while writing leaves the previous set
as it was. Temporary files carry the writer's process id, so a later run removes those
of runs that died (SIGKILL, power loss) without touching those of a run still going.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from pathlib import Path

from .errors import BriefgenError, Problem, display_path

TEMP_PREFIX = ".briefgen-"
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")
ORPHAN_AGE_S = 24 * 3600  # no run takes a day: an older temporary file is removed whoever seems to own it


def write_set(files: list[tuple[Path, bytes]], out_dir: Path) -> list[Path]:
    """Write `files` (paths relative to `out_dir`) as one set; the targets, in the order given.

    OS errors (a full disk, no permission, a file where a folder should be) become one-line
    errors naming the target, after the temporary files are removed.
    """
    staged: list[tuple[Path, Path]] = []
    target, renaming = out_dir, False
    try:
        for relative_path, data in files:
            target = out_dir / relative_path
            if target.exists() and not target.is_file():
                raise BriefgenError(
                    Problem(display_path(target), None, None, "", "exists and is not a file; not overwriting it")
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            remove_dead_temp_files(target.parent)
            staged.append((_stage(target, data), target))
        renaming = True
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as err:  # named by the file the user asked for, not by its temporary twin
        why = (
            "a file stands where a folder should be"
            if isinstance(err, FileExistsError | NotADirectoryError)
            else (err.strerror or str(err))
        )
        kept = "" if renaming else "; the earlier files were left as they were"
        raise BriefgenError(Problem(display_path(target), None, None, "", why + kept)) from None
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)  # renamed ones are gone already
    return [target for _, target in staged]


def _stage(target: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=target.suffix)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, 0o644)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def remove_dead_temp_files(folder: Path) -> None:
    """Temporary files left by runs that died; never those of a run still alive."""
    try:
        entries = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        owner = int(match.group(1)) if match else None
        if owner == os.getpid():
            continue
        if (owner is None or _alive(owner)) and _age(entry) < ORPHAN_AGE_S:
            continue  # a run still writing; a day-old file's owner number was reused, so it goes too
        with contextlib.suppress(OSError):
            entry.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or a number we cannot ask about: leave its file alone
    return True


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def os_error(err: OSError) -> BriefgenError:
    """`out/b/b.pdf: No space left on device`: the path and the system's words, nothing else."""
    return BriefgenError(
        Problem(display_path(err.filename) if err.filename else "briefgen", None, None, "", err.strerror or str(err))
    )
