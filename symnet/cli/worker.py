"""Run the rest of a command in a forked child while the parent watches the child's CPU time.

``fork_worker`` forks. The child (the *worker*) returns and goes on with the command; the parent
stays inside ``fork_worker`` until the worker exits, reading its messages over a pipe:

- ``("out", fd, bytes)``: output for stdout (1) or stderr (2), sent only when the parent's stream is
  not a real file descriptor (click's CliRunner, Jupyter); otherwise the worker writes it directly;
- ``("enter", limit, seconds)`` / ``("leave",)``: a time limit starts or ends (the parent acknowledges
  a leave, so the worker is never killed once its limited work is over);
- ``("remove", path)``: a hidden folder the worker made, to remove if it is killed.

While a limit is in force, the parent reads the worker's CPU time (``/proc/PID/stat``: user + system
time of all its threads; wall time where there is no ``/proc``) every ``POLL_SECONDS``. When a budget
is spent it kills the worker and its subprocesses (SIGKILL: nothing in them runs again, so nothing is
left half-changed in memory), removes the registered folders and reports the limit. Only the
standard library is imported here.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import sys
import threading
import time
import traceback
import warnings
from pathlib import Path

POLL_SECONDS = 0.02
WALL_FACTOR, WALL_SLACK = 10.0, 5.0   # a worker that waits without computing is stopped after 10 x budget + 5 s
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
    jax_started = getattr(sys.modules.get("jax._src.xla_bridge"), "_at_fork_handler_installed", False)
    return hasattr(os, "fork") and threading.current_thread() is threading.main_thread() and not jax_started


def fork_worker(limit, seconds: float, owner):
    """Fork; None in the worker. In the parent, when the worker is done: ``("exit", code)``, or
    ``("expired", limit, cpu)`` after killing it (``cpu``: the budget was measured in CPU time)."""
    from multiprocessing.connection import Pipe

    parent_end, child_end = Pipe()
    for stream in (sys.stdout, sys.stderr):  # nothing buffered before the fork is written twice
        _flush(stream)
    with warnings.catch_warnings():  # Python 3.12 warns about forking with threads (OpenBLAS's): the worker is one
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        parent_end.close()
        _become_worker(child_end, owner)
        return None
    child_end.close()
    try:
        return _Watch(pid, parent_end).run(limit, seconds)
    finally:
        parent_end.close()


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


# --- the worker's side ------------------------------------------------------------------------


def _become_worker(conn, owner) -> None:
    global _CURRENT
    parent = os.getppid()
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


# --- the parent's side ------------------------------------------------------------------------


class _Watch:
    """The parent's loop: forward output, follow the limits, kill the worker when a budget is spent."""

    def __init__(self, pid: int, conn):
        self.pid, self.conn = pid, conn
        self.running, self.removals = [], []  # [limit, seconds, cpu at start, wall at start]; paths
        self.cpu_clock = _cpu_seconds(pid) is not None

    def run(self, limit, seconds: float):
        self.running.append([limit, seconds, 0.0, time.monotonic()])  # a new process's CPU time starts at 0
        try:
            while self._receive():
                spent = self._spent()
                if spent is not None:
                    self._kill()
                    return "expired", spent, self.cpu_clock
        except KeyboardInterrupt:  # Ctrl-C reached the worker too: let it say so and follow it
            if not self._exited_within(2.0):
                self._kill()
                raise
        return "exit", self._reap()

    def _receive(self) -> bool:
        """Handle one message (or wait ``POLL_SECONDS`` for one); False when the worker has exited."""
        if not self.conn.poll(POLL_SECONDS if self.running else None):
            return True
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            return False
        kind = message[0]
        if kind == "out":
            _write(*message[1:])
        elif kind == "enter":
            self.running.append([message[1], message[2], self._cpu(), time.monotonic()])
        elif kind == "leave":
            self.running.pop()
            try:
                self.conn.send(True)
            except OSError:
                pass
        elif kind == "remove":
            self.removals.append(message[1])
        return True

    def _cpu(self) -> float:
        cpu = _cpu_seconds(self.pid) if self.cpu_clock else None
        return time.monotonic() if cpu is None else cpu

    def _spent(self):
        """The limit whose budget is spent, or None."""
        if not self.running:
            return None
        cpu, now = self._cpu(), time.monotonic()
        for limit, seconds, cpu0, wall0 in self.running:
            if cpu - cpu0 >= seconds or now - wall0 >= WALL_FACTOR * seconds + WALL_SLACK:
                return limit
        return None

    def _kill(self) -> None:
        for pid in (self.pid, *_descendants(self.pid)):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        self._reap()
        while self.conn.poll(0):  # what the worker wrote before it was stopped is still shown
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                break
            if message[0] == "out":
                _write(*message[1:])
        for path in reversed(self.removals):
            shutil.rmtree(path, ignore_errors=True)

    def _exited_within(self, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not self._receive():
                return True
        return False

    def _reap(self) -> int:
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return 1
        code = os.waitstatus_to_exitcode(status)
        return code if code >= 0 else 128 - code  # killed by signal N: 128 + N, as a shell says


def _write(fd: int, data: bytes) -> None:
    stream = sys.stdout if fd == 1 else sys.stderr
    try:
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode(getattr(stream, "encoding", None) or "utf-8", "replace"))
            stream.flush()
    except (OSError, ValueError):
        pass


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` (all threads; not its children), or None without /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return None


def _descendants(pid: int) -> list:
    """The processes started by ``pid`` (a LaTeX build, say), children first; [] without /proc."""
    parents = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(entry.parent.name)] = int(entry.read_bytes().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found
