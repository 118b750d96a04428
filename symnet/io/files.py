"""Safe files: atomic output, checked targets, folders swapped in whole, capped and strict reading.

A file is written to a temporary file in the same folder, then renamed over the target, so a failed
command never leaves a half-written file. The target must be a regular file (or not exist yet): a
symbolic link, a device, a FIFO or a folder is refused, and so are a read-only file and a file with
other hard links (a rename would split them; writing in place could leave a half-written file); an existing
file keeps its permission bits (a private 0600 file stays private). A folder of results
(``fresh_folder``) is built beside its target under a hidden name and swapped in whole, so an
interrupted or failed run leaves the old folder as it was and no temporary files; what a killed run
(``kill -9``) left is removed by the next run to the same folder (``clean_stale``).
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


NAME_KEPT = 200   # characters of a name kept in its hidden working name (".NAME.PID.XXXXXXXX.new" fits in 255)
TEMPORARY = re.compile(r"\.(.+)\.[a-z0-9_]+\.tmp")   # atomic_path's temporary file beside NAME
HIDDEN_NAME = re.compile(r"\.(?P<name>[^/\\\s]+?)\.(?:\d+\.)?[a-z0-9_]{8}\.(?:new|old|tmp)(?:/(?P=name)(?![^/\\\s]))?")


def user_path(text: str) -> str:
    """``text`` with this module's hidden working names (``.run.123.x1y2z3w4.new``, ``.f.txt.x1y2z3w4.tmp``)
    replaced by the names the user gave (``run``, ``f.txt``): a message names the user's path.

    >>> user_path("File name too long: out/.run.77.ab_cd123.new/model.json and ./.f.txt.k2j4h5g6.tmp")
    'File name too long: out/run/model.json and ./f.txt'
    """
    return HIDDEN_NAME.sub(lambda found: found["name"], text)


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; on success rename it to ``path``, on error delete it.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("hello")
    >>> target.read_text()
    'hello'
    """
    path = Path(path)
    mode = writable_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:NAME_KEPT]}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    tmp.chmod(0o666 & ~_umask() if mode is None else mode)  # mkstemp makes 0600; keep an existing file's mode
    try:
        yield tmp
        _replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _replace(tmp: Path, path: Path) -> None:
    """Rename ``tmp`` over ``path``; a target that cannot be replaced gets a plain message."""
    try:
        os.replace(tmp, path)
    except OSError as err:
        if err.errno in (errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES):
            raise ValueError(f"{path} cannot be replaced ({err.strerror.lower()}: it may be a mount point or "
                             f"protected); write to another file") from None
        raise


def writable_target(path) -> int | None:
    """The permission bits of the regular file at ``path`` (None if nothing is there); ValueError if
    symnet must not write there: a symbolic link, a device, FIFO or folder, or a read-only file.

    >>> writable_target("/dev/null")
    Traceback (most recent call last):
    ...
    ValueError: /dev/null is a device, FIFO or socket, not a regular file; symnet writes regular files only
    """
    path = Path(path)
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise ValueError(f"{path} is a symbolic link; symnet writes regular files only: give the real path")
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{path} is a folder; give a file name")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{path} is a device, FIFO or socket, not a regular file; symnet writes regular files only")
    if info.st_nlink > 1:   # a rename would replace one name only: the other links would keep the old content
        raise ValueError(f"{path} has {info.st_nlink - 1} other hard link(s); replacing it would split them (they "
                         f"would keep the old content): write to another name, or remove the other links first")
    if not (info.st_mode & 0o222) or not os.access(path, os.W_OK):  # the bits too: root may write anything
        raise ValueError(f"{path} is read-only; symnet does not overwrite it: make it writable or choose another name")
    return stat.S_IMODE(info.st_mode)


def check_folder(path, replaceable=(), keep=()) -> Path:
    """``path`` if a folder of results may be written there: nothing yet, or a folder holding only regular
    files named in ``replaceable`` (the ones a run of this kind writes) and the entries named in ``keep``
    (inputs the run reads, carried over untouched); ValueError otherwise. A folder or link named like
    an output is the user's, never replaced.
    """
    if not str(path).strip():     # before Path(), which reads "" as the current folder
        raise ValueError("the results folder is an empty name; give a folder, e.g. --out run")
    path = Path(path)
    if path.name in ("", ".", ".."):    # the folder is swapped in whole: it needs a name of its own beside it
        raise ValueError(f"the results folder {str(path)!r} has no name of its own; give a new folder, e.g. --out run")
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise ValueError(f"{path} exists and is not a folder; give a folder for the results")
    if path.is_dir():
        entries = sorted(path.iterdir())
        others = [p.name for p in entries if p.name not in replaceable and p.name not in keep]
        if others:
            shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
            raise ValueError(f"{path} holds other files ({shown}); symnet replaces a results folder in whole, "
                             f"so give a new or empty folder")
        odd = [p.name for p in entries if p.name in replaceable and p.name not in keep
               and (p.is_symlink() or not p.is_file())]
        if odd:
            raise ValueError(f"{path / odd[0]} is not a regular file, so no earlier run wrote it; symnet "
                             f"replaces only the files a run writes: move it, or give a new or empty folder")
    return path


@contextmanager
def fresh_folder(path, replaceable=(), keep=()):
    """Yield a new hidden folder beside ``path``; on success it replaces ``path`` in whole, on error it
    is removed and ``path`` is left as it was. The regular files named in ``keep`` (e.g. the data the run
    reads from inside ``path``) are carried into the new folder first, as hard links or copies.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "run"
    >>> with fresh_folder(target, ("a.txt",)) as tmp:
    ...     _ = (tmp / "a.txt").write_text("new")
    >>> sorted(p.name for p in target.iterdir()), (target / "a.txt").read_text()
    (['a.txt'], 'new')
    """
    path = check_folder(path, replaceable, keep)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path, replaceable)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name[:NAME_KEPT]}.{os.getpid()}.", suffix=".new", dir=path.parent))
    try:
        tmp.chmod(0o777 & ~_umask())
        for name in keep:
            _carry(path / name, tmp / name)
        yield tmp
        check_folder(path, replaceable, keep)  # nothing else appeared meanwhile
        _swap(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _carry(source: Path, target: Path) -> None:
    """``source`` at ``target`` too: a hard link (the same file), or a copy where links are not possible;
    a symbolic link is carried as the same link."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap(new: Path, path: Path) -> None:
    """Rename ``new`` to ``path``; an old ``path`` is moved aside first and removed after."""
    if not path.exists():
        os.replace(new, path)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{path.name[:NAME_KEPT]}.{os.getpid()}.", suffix=".old", dir=path.parent))
    os.replace(path, old / path.name)
    try:
        os.replace(new, path)
    except BaseException:
        os.replace(old / path.name, path)  # put the old run back
        old.rmdir()
        raise
    shutil.rmtree(old, ignore_errors=True)


def clean_stale(path, replaceable=(), marker: str | None = None) -> None:
    """Remove the hidden folders a killed run (``kill -9``: no ``finally``) left beside ``path``:
    ``.NAME.PID.XXXXXXXX.new`` (a results folder being built) and ``.NAME.PID.XXXXXXXX.old`` (the old
    results moved aside during the swap), of a process that no longer runs, holding only files named in
    ``replaceable``. A run killed mid-swap left ``path`` missing: its old results are put back instead.
    Anything else (a live run's folder, a folder with other content) is left alone. A folder named
    without a process id (``.NAME.XXXXXXXX.new``, by earlier versions) counts as stale once it is
    older than the longest time limit (``MAX_TIMEOUT``): a run builds its folder under its time limit.
    ``marker``: a file a run of this kind writes into its folder first (the tour's manifest); a folder
    holding it is that kind of run's whatever else it holds.
    """
    path = Path(path)
    pattern = re.compile(rf"\.{re.escape(path.name[:NAME_KEPT])}\.(?:(\d+)\.)?[a-z0-9_]{{8}}\.(new|old)")
    for entry in sorted(path.parent.iterdir()):
        found = pattern.fullmatch(entry.name)
        if not found or entry.is_symlink() or not entry.is_dir() or _running(entry, found.group(1)):
            continue
        inner = entry / path.name if found.group(2) == "old" else entry
        if found.group(2) == "old" and inner.is_dir() and not path.exists() and not path.is_symlink():
            os.replace(inner, path)     # killed between the two renames of _swap: the old run goes back
        elif not (_marked(inner, marker) or _only_results(entry, inner, replaceable)):
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _marked(folder: Path, marker: str | None) -> bool:
    return marker is not None and (folder / marker).is_file() and not (folder / marker).is_symlink()


def _only_results(entry: Path, inner: Path, replaceable) -> bool:
    """True if ``entry`` holds nothing but regular files named in ``replaceable`` (inside ``inner``)."""
    if inner != entry and {p.name for p in entry.iterdir()} - {inner.name}:
        return False
    files = list(inner.iterdir()) if inner.is_dir() else []
    return all(_result_name(p.name, replaceable) and not p.is_symlink() and p.is_file() for p in files)


def _result_name(name: str, replaceable) -> bool:
    """A name in ``replaceable``, or atomic_path's temporary file for one (``.model.json.x1y2z3.tmp``)."""
    temporary = TEMPORARY.fullmatch(name)
    return name in replaceable or (temporary is not None and temporary.group(1) in replaceable)


def _running(folder: Path, pid: str | None) -> bool:
    """True if the run that made ``folder`` may still be running (its process, or its time limit)."""
    if pid is not None:
        return _alive(int(pid))
    from symnet.limits import MAX_TIMEOUT

    return time.time() - folder.stat().st_mtime < MAX_TIMEOUT


def _alive(pid: int) -> bool:
    """True if a process ``pid`` runs on this machine (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path, text: str) -> Path:
    """Write UTF-8 text atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path, data: bytes) -> Path:
    """Write bytes atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def regular_file(path, what: str = "file") -> Path:
    """``path`` if it is a regular file; ValueError for a device, FIFO or folder (they may never end).

    >>> regular_file("/dev/zero", "model file")
    Traceback (most recent call last):
    ...
    ValueError: model file /dev/zero is not a regular file (a device, pipe or folder); give a file
    """
    path = Path(path)
    mode = path.stat().st_mode  # FileNotFoundError names the path
    if not stat.S_ISREG(mode):
        raise ValueError(f"{what} {path} is not a regular file (a device, pipe or folder); give a file")
    return path


def read_capped(path, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (read with that cap, whatever stat says)."""
    path = regular_file(path, what)
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{what} {path} is larger than {limit:,} bytes; symnet reads at most that much")
    return data


def strict_json(text: str):
    """``json.loads`` that refuses a key given twice in one object (JSON lets the last win silently),
    the non-standard NaN and Infinity, and integers too long for Python to read (over 300 digits).

    >>> strict_json('{"a": 1, "a": 2}')
    Traceback (most recent call last):
    ...
    ValueError: key 'a' appears twice in one object; give each key once
    """
    def pairs(items):
        seen = {}
        for key, value in items:
            if key in seen:
                raise ValueError(f"key {key!r} appears twice in one object; give each key once")
            seen[key] = value
        return seen

    def constant(name):
        raise ValueError(f"{name} is not a JSON number; write finite numbers")

    def integer(digits):
        if len(digits.lstrip("-")) > 300:
            raise ValueError(f"an integer of {len(digits.lstrip('-'))} digits is too large; write at most 300 digits")
        return int(digits)

    return json.loads(text, object_pairs_hook=pairs, parse_constant=constant, parse_int=integer)
