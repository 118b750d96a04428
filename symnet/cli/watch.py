"""The parent's side of a time limit: forward the worker's output, follow its limits, kill it when one is spent.

A budget is the worker's CPU time (user + system time of all its threads, from ``/proc/PID/stat``; not
its children's, so a LaTeX build does not count), or wall time where there is no ``/proc``. A worker
that waits without computing is stopped after ``WALL_FACTOR`` times its budget plus ``WALL_SLACK``
seconds of wall time. Killing is SIGKILL, for the worker and every process it started: nothing in them
runs again, so nothing is left half-changed; the hidden folders the worker registered are removed.
Only the standard library is imported here.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

POLL_SECONDS = 0.02
WALL_FACTOR, WALL_SLACK = 10.0, 5.0
CHILDREN_SECONDS = 0.5   # how often the worker's own forks are listed again (their CPU time counts too)


class Watch:
    """The parent's loop: forward output, follow the limits, kill the worker when a budget is spent."""

    def __init__(self, pid: int, conn):
        self.pid, self.conn = pid, conn
        self.running, self.removals = [], []  # [limit, seconds, cpu at start, wall at start]; paths
        self.forks, self.forks_seen = (), 0.0  # the worker's own forks, listed at most every CHILDREN_SECONDS
        self.cpu_clock = True

    def run(self, limit, seconds: float, release=lambda: None):
        """Watch until the worker exits; ``release`` lets signals held since the fork in (Ctrl-C is handled here)."""
        self.cpu_clock = _cpu_seconds(self.pid) is not None
        cpu0 = 0.0 if self.cpu_clock else time.monotonic()  # a new process's CPU time starts at 0
        self.running.append([limit, seconds, cpu0, time.monotonic()])
        try:
            release()
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

    def _receive(self, wait: float | None = None) -> bool:
        """Handle one message (waiting ``POLL_SECONDS`` for it under a limit, at most ``wait`` if given,
        else as long as it takes); False when the worker has exited."""
        if not self.conn.poll(wait if wait is not None else POLL_SECONDS if self.running else None):
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
            del self.running[-1:]
            try:
                self.conn.send(True)
            except OSError:
                pass
        elif kind == "remove":
            self.removals.append(message[1])
        return True

    def _cpu(self) -> float:
        cpu = _cpu_seconds(self.pid) if self.cpu_clock else None
        if cpu is None:
            return time.monotonic()
        if time.monotonic() - self.forks_seen >= CHILDREN_SECONDS:    # listing /proc costs; a fork lives seconds
            self.forks, self.forks_seen = tuple(_python_children(self.pid)), time.monotonic()
        return cpu + sum(filter(None, map(_cpu_seconds, self.forks)))

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
        _signal(self.pid, signal.SIGSTOP)  # frozen first: it starts no process while its children are listed
        for pid in (*_descendants(self.pid), self.pid):
            _signal(pid, signal.SIGKILL)
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
            if not self._receive(POLL_SECONDS):
                return True
        return False

    def _reap(self) -> int:
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return 1
        return os.waitstatus_to_exitcode(status)  # -N: killed by signal N


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except OSError:  # gone already
        pass


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


def _python_children(pid: int) -> list:
    """The worker's own forks (the tour's second process): forked without exec, they keep its command line, and
    their CPU time is the work's too; a program it started (LaTeX, any subprocess) runs its own and is not counted."""
    def command(p):
        with open(f"/proc/{p}/cmdline", "rb") as file:
            return file.read()

    try:
        own = command(pid)
    except OSError:
        return []
    forks = []
    for child in _descendants(pid):
        try:
            if command(child) == own:
                forks.append(child)
        except OSError:
            continue
    return forks


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
