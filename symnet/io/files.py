"""Atomic file output: write to a temporary file in the same folder, then rename over the target.

A failed command therefore never leaves a half-written file behind.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path


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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; give the file the mode open() would
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


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
