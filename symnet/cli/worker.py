"""Run the rest of a command in a forked child while the parent watches the child's CPU time.

``fork_worker`` forks. The child (the *worker*) returns and goes on with the command; the parent
stays inside ``fork_worker`` until the worker exits, reading its messages over a pipe:

- ``("out", fd, bytes)``: output for stdout (1) or stderr (2), sent only when the parent's stream is
  not a real file descriptor (click's CliRunner, Jupyter); otherwise the worker writes it directly;
- ``("enter", limit, seconds)`` / ``("leave",)``: a time limit starts or ends (the parent acknowledges
  a leave, so the worker is never killed once its limited work is over);
- ``("remove", path)``: a hidden folder the worker made, to remove if it is killed.

The parent's side is ``watch.Watch``. Only the standard library is imported here.
"""

from __future__ import annotations

import io
import os
import pickle
import select
import signal
import struct
import sys
import threading
import traceback
import warnings
from pathlib import Path

from .watch import Watch

_CURRENT = None                       # in a worker: its Worker


class Worker:
    """The worker's end of the pipe, and the command scope it exits at."""

    def __init__(self, conn, owner):
        self.conn, self.owner, self.pid = conn, owner, os.getpid()

    def enter(self, limit, seconds: float) -> None:
        self.conn.send(("enter", limit, seconds))

    def leave(self) -> None:
        """Tell the parent a limit is over and wait until it agrees (it may have killed us first)."""
        self.conn.send(("leave",))
        try:
            self.conn.recv()
        except (EOFError, OSError):  # the parent is gone: nobody is left to report to
            os._exit(1)

    def remove_if_killed(self, path) -> None:
        self.conn.send(("remove", str(Path(path).resolve())))


def current() -> Worker | None:
    """This process's Worker if it is a worker (not in its parent, nor in a process it forked)."""
    return _CURRENT if _CURRENT is not None and _CURRENT.pid == os.getpid() else None


def can_fork() -> bool:
    """A fork is possible and safe: POSIX, the main thread, and no JAX runtime (whose threads a fork deadlocks)."""
    from symnet.checks import jax_runtime_started

    return hasattr(os, "fork") and threading.current_thread() is threading.main_thread() and not jax_runtime_started()


def fork_worker(limit, seconds: float, owner):
    """Fork; None in the worker. In the parent, when the worker is done: ``("exit", code)`` (-N: killed
    by signal N), or ``("expired", limit, cpu)`` after killing it (``cpu``: the budget was CPU time)."""
    parent_end, child_end = _Channel.pair()
    for stream in (sys.stdout, sys.stderr):  # nothing buffered before the fork is written twice
        _flush(stream)
    mask, parent = _hold_interrupts(), os.getpid()  # a Ctrl-C before the parent watches: the worker unwatched
    with warnings.catch_warnings():  # Python 3.12 warns about forking with threads (OpenBLAS's): the worker is one
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        parent_end.close()
        _become_worker(child_end, owner, parent)
        _release(mask)
        return None
    child_end.close()
    try:
        return Watch(pid, parent_end).run(limit, seconds, release=lambda: _release(mask))
    finally:
        parent_end.close()


def _hold_interrupts():
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _release(mask) -> None:
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def exit_worker(error: BaseException | None) -> None:
    """End the worker with the exit code ``error`` means (a traceback first for a bug); never returns."""
    code = _exit_code(error)
    for stream in (sys.stdout, sys.stderr):
        _flush(stream)
    _CURRENT.conn.close()
    os._exit(code)


def _exit_code(error) -> int:
    if error is None:
        return 0
    if isinstance(error, SystemExit):
        if error.code is None or isinstance(error.code, int):
            return error.code or 0
        print(error.code, file=sys.stderr)
        return 1
    if isinstance(getattr(error, "exit_code", None), int):  # click.exceptions.Exit
        return error.exit_code
    traceback.print_exception(type(error), error, error.__traceback__)
    return 1


class _Channel:
    """One end of two pipes carrying pickled messages (multiprocessing's Pipe costs 0.2 s of imports)."""

    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd, self.write_fd = read_fd, write_fd

    @classmethod
    def pair(cls):
        (a_read, b_write), (b_read, a_write) = os.pipe(), os.pipe()
        return cls(a_read, a_write), cls(b_read, b_write)

    def send(self, message) -> None:
        data = pickle.dumps(message)
        view = memoryview(struct.pack("<Q", len(data)) + data)
        while view:
            view = view[os.write(self.write_fd, view):]

    def recv(self):
        (size,) = struct.unpack("<Q", self._read(8))
        return pickle.loads(self._read(size))

    def _read(self, size: int) -> bytes:
        chunks = []
        while size:
            chunk = os.read(self.read_fd, min(size, 1 << 20))
            if not chunk:
                raise EOFError("the other process closed the pipe")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def poll(self, timeout: float | None) -> bool:
        return bool(select.select([self.read_fd], [], [], timeout)[0])

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass


# --- the worker's side ------------------------------------------------------------------------


def _become_worker(conn, owner, parent: int) -> None:
    global _CURRENT
    _CURRENT = Worker(conn, owner)
    _die_with(parent)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        stream = getattr(sys, name)
        if stream is not None and not _has_fd(stream, fd):
            setattr(sys, name, io.TextIOWrapper(_Forward(conn, fd, stream), encoding=getattr(stream, "encoding", None)
                                                or "utf-8", errors=getattr(stream, "errors", None) or "strict",
                                                write_through=True))


class _Forward(io.RawIOBase):
    """A binary stream whose writes go to the parent as ``("out", fd, bytes)``."""

    def __init__(self, conn, fd: int, stream):
        super().__init__()
        self.conn, self.fd = conn, fd
        self.tty = bool(getattr(stream, "isatty", lambda: False)())

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.tty

    def write(self, data) -> int:
        self.conn.send(("out", self.fd, bytes(data)))
        return len(data)


def _has_fd(stream, fd: int) -> bool:
    try:
        return stream.fileno() == fd
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
        return False


def _die_with(parent: int) -> None:
    """Ask Linux to kill the worker if its parent dies (PR_SET_PDEATHSIG); best effort elsewhere."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


def _flush(stream) -> None:
    try:
        stream.flush()
    except (AttributeError, OSError, ValueError):
        pass
