"""The last stage: a set of output files written so that no reader ever sees half of it.

Every file of the set is first written to a temporary file beside its target and flushed
to disk. Then a journal (`.briefgen-installing.json`, itself written to a temporary file
and renamed into place) names every temporary file and its target, the manifest last; only
then is each temporary file renamed over its target, and the journal removed. A full disk,
a read-only folder or a crash before the journal is in place leaves the previous set as it
was; a crash after it (while renaming, a few milliseconds) leaves a journal from which the
next run that looks at the folder finishes the renames before it reads anything: the new
set, whole. Temporary files carry the writer's process id, so a later run removes those of
runs that died (SIGKILL, power loss) without touching those of a run still going, nor those
a journal names.

The folder is locked (flock on the folder itself, where the system has it) from the journal
check to the last rename, so two runs writing the same folder take turns, and a journal
found under the lock is one its writer gave up on.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from .errors import BriefgenError, Problem, display_path

TEMP_PREFIX = ".briefgen-"
JOURNAL = TEMP_PREFIX + "installing.json"  # present only while a set of several files is renamed into place
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")
ORPHAN_AGE_S = 24 * 3600  # no run takes a day: an older temporary file is removed whoever seems to own it


def _make_room_for(target: Path) -> None:
    """Its folder made; a folder (or anything but a file) where the file goes is never replaced."""
    if target.exists() and not target.is_file():
        raise BriefgenError(
            Problem(display_path(target), None, None, "", "exists and is not a file; not overwriting it")
        )
    target.parent.mkdir(parents=True, exist_ok=True)


def _set_not_written(err: OSError, target: Path, committed: bool) -> BriefgenError:
    """One line naming the target, why, and what became of the set (finished later, or left as it was)."""
    why = (
        "a file stands where a folder should be"
        if isinstance(err, FileExistsError | NotADirectoryError)
        else (err.strerror or str(err))
    )
    kept = (
        "; the next run that writes this folder finishes the set"
        if committed
        else "; the earlier files were left as they were"
    )
    return BriefgenError(Problem(display_path(target), None, None, "", why + kept))


def write_set(files: list[tuple[Path, bytes]], out_dir: Path) -> list[Path]:
    """Write `files` (paths relative to `out_dir`) as one set; the targets, in the order given.

    A set that an earlier run left half renamed into the same folder is finished first.
    OS errors (a full disk, no permission, a file where a folder should be) become one-line
    errors naming the target, after the temporary files are removed.
    """
    if not files:
        return []
    targets = [out_dir / relative_path for relative_path, _ in files]
    staged: list[tuple[Path, Path]] = []
    target, committed = out_dir, False
    try:
        for target in targets:
            _make_room_for(target)
        folders = list(dict.fromkeys(t.parent for t in targets))
        home = Path(os.path.commonpath([os.path.abspath(f) for f in folders]))  # the journal's: for a brief, its folder
        with _locked(home) as locked:
            for folder in dict.fromkeys([home, *folders]):
                _finish_journal(folder, locked)
                remove_dead_temp_files(folder)
            for target, (_, data) in zip(targets, files, strict=True):
                staged.append((_stage(target, data), target))
            if len(staged) == 1:  # one rename is atomic already: no journal
                os.replace(*staged[0])
                _sync(folders)
            else:
                _sync(folders)  # the temporary files' names are on disk before a journal names them
                committed = _write_journal(home, staged)
                try:
                    for temporary, target in staged:
                        os.replace(temporary, target)
                    _sync(folders)  # the renames are on disk before the journal goes
                    (home / JOURNAL).unlink()
                except OSError:
                    raise  # the next run finishes the set (below: the error names the target)
                except BaseException:  # Ctrl-C while renaming: the set is decided, so finish it now if we can
                    with contextlib.suppress(OSError, BriefgenError):
                        _finish_journal(home, locked=True)
                    raise
    except OSError as err:  # named by the file the user asked for, not by its temporary twin
        raise _set_not_written(err, target, committed) from None
    finally:
        if not committed:
            for temporary, _ in staged:
                temporary.unlink(missing_ok=True)  # renamed ones are gone already
    return targets


def finish_interrupted(folder: Path) -> None:
    """Before reading an output folder: finish a set a dead run left half renamed; remove dead runs' temporary files.

    Cheap when there is nothing to do (a lookup and a listing). Raises a one-line BriefgenError
    naming the target when a rename cannot be finished (no permission, a folder in the way).
    """
    if not folder.is_dir():
        return
    if (folder / JOURNAL).is_file():
        with _locked(folder) as locked:
            _finish_journal(folder, locked)
    remove_dead_temp_files(folder)


def _write_journal(home: Path, staged: list[tuple[Path, Path]]) -> bool:
    """The journal naming every (temporary file, target) of the set, renamed into place: the set is decided."""
    pairs = []
    for temporary, target in staged:
        relative = PurePosixPath(Path(os.path.abspath(target)).relative_to(home).as_posix())
        pairs.append([str(relative.parent / temporary.name), str(relative)])
    body = json.dumps({"pid": os.getpid(), "files": pairs}, indent=1).encode()
    journal_temp = _stage(home / JOURNAL, body)
    try:
        os.replace(journal_temp, home / JOURNAL)
    except BaseException:
        journal_temp.unlink(missing_ok=True)
        raise
    _sync([home])
    return True


def _read_journal(folder: Path) -> tuple[int | None, list[tuple[Path, Path]]] | None:
    """The journal's owner and its pairs, inside `folder`; None if there is none or it is not one we wrote."""
    try:
        record = json.loads((folder / JOURNAL).read_bytes())
        owner, pairs = record.get("pid"), []
        for temporary, target in record["files"]:
            temporary, target = PurePosixPath(temporary), PurePosixPath(target)
            for path in (temporary, target):
                if path.is_absolute() or ".." in path.parts or not path.parts:
                    return None
            if not _TEMP_NAME.match(temporary.name) or target.name == JOURNAL:
                return None
            pairs.append((folder.joinpath(*temporary.parts), folder.joinpath(*target.parts)))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # not a journal this program wrote
    return (owner if isinstance(owner, int) else None), pairs


def _finish_journal(folder: Path, locked: bool) -> None:
    """Finish the renames a journal in `folder` names, then remove it: the set it names is then whole."""
    journal = folder / JOURNAL
    found = _read_journal(folder)
    if found is None:
        if journal.is_file():
            with contextlib.suppress(OSError):
                journal.unlink()  # unreadable: it names nothing we could finish
        return
    owner, pairs = found
    if not locked and owner is not None and owner != os.getpid() and _alive(owner) and _age(journal) < ORPHAN_AGE_S:
        return  # no lock to tell: its writer may still be renaming
    for temporary, target in pairs:
        try:
            os.replace(temporary, target)
        except FileNotFoundError:
            continue  # renamed already, before the crash
        except OSError as err:
            why = err.strerror or str(err)
            raise BriefgenError(
                Problem(display_path(target), None, None, "", f"{why}; cannot finish the set an interrupted run left")
            ) from None
    _sync(dict.fromkeys(target.parent for _, target in pairs))
    journal.unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[bool]:
    """An exclusive lock on `folder` while the block runs; False where the system has none (then no lock)."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield False
        return
    fd, locked = None, False
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        fcntl.flock(fd, fcntl.LOCK_EX)  # released by the system if this process dies
        locked = True
    except OSError:
        pass  # a file system without flock (some network ones): go on unlocked
    try:
        yield locked
    finally:
        if fd is not None:
            os.close(fd)


def _sync(folders: Iterable[Path]) -> None:
    """Put the folders' entries (names made, renamed, removed) on disk."""
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            continue  # Windows cannot open a folder; the renames are as durable as it makes them
        try:
            os.fsync(fd)
        except OSError:
            pass  # a file system that cannot sync a folder (EINVAL)
        finally:
            os.close(fd)


def _stage(target: Path, data: bytes) -> Path:
    import tempfile  # here: a build with nothing to write never needs it (nor shutil, random)

    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=target.suffix)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 made what a plain open() makes
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _umask() -> int:
    """The process's umask (027 on a shared machine keeps the files from others); reading it means setting it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def remove_dead_temp_files(folder: Path) -> None:
    """Temporary files left by runs that died; never those of a run still alive, nor the journal and what it names."""
    try:
        entries = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return
    journal = _read_journal(folder)
    named = {temporary.name for temporary, _ in journal[1] if temporary.parent == folder} if journal else set()
    for entry in entries:
        if entry.name == JOURNAL or entry.name in named:
            continue  # the next run finishes the set with them
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
