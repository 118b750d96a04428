"""Time limits for the heavy work of a command (``--timeout``): CPU seconds, enforced from outside.

Why not an alarm. The first versions raised an exception from a SIGALRM handler into whatever was
running. CPython cannot make that safe: a handler runs between any two bytecodes, also inside a
weakref callback or a finalizer ("Exception ignored in … _Alarm" on stderr, and the work went on) and
inside Python code that C calls in the middle of building something (``compile`` once failed with
"SystemError: AST constructor recursion depth mismatch", exit 1 instead of 2). No ``except`` clause
repairs state that C code left half-built.

How it works. A command runs inside ``command_scope`` (``handle_errors`` opens it). At its first
``time_limit`` the process forks (``worker.fork_worker``): the child, the worker, runs the rest of the
command; the parent only watches (``watch.Watch``). When a budget is spent the parent kills the
worker and its subprocesses outright, removes the hidden folders the worker registered
(``remove_if_killed``) and raises ``TimeLimitExceeded`` (exit 2, one message). Nothing is
interrupted half-way: the killed process is gone with whatever it was doing, and the process that
reports was never interrupted. Long loops also check the deadline themselves (``check_deadline``,
once per training epoch or tour section): there the work stops at a safe point and unwinds normally,
its ``finally`` blocks run; and work that ends past its budget is reported when it ends.

Why this design. Cooperative checks alone cannot stop SymPy, whose long computations have no place
to check. A child that returns its result by pipe would need every result picklable (compiled
functions are not) and every command split into computing and writing; a worker that simply goes on
with the command needs neither, prints and writes as the command always did (its output is
forwarded when the parent's streams are not real files, as under click's CliRunner), and exits at
the end of the command with its exit code, which the parent takes as its own.

CPU time, not wall time. A budget counts the CPU time of the process doing the work (all its
threads), so a busy machine (load 9 on 2 cores) does not stop a command that needs 2 s alone, and a
process that sleeps or waits spends nothing. LaTeX builds run as subprocesses under their own
wall-clock limit (``render.latexbuild``) and do not count: their time is TeX's, and the message would
blame the network. A worker that waits without computing (a lock) is still stopped after
``watch.WALL_FACTOR`` times its budget of wall time; without ``/proc`` (macOS) the budget is wall time.

Where no fork is possible (Windows, a thread other than the main one, a library call outside a
command, a process where JAX has started its threads, which a fork can deadlock) only the
cooperative checks stop the work. Only the standard library is imported here.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
import time
from contextlib import contextmanager

DEFAULT_TIMEOUT = 20.0
SYMBOLIC_MODULES = ("symnet", "symnet.io.parsing", "symnet.io.netfile", "symnet.io.text", "symnet.render.printing",
                    "symnet.core.losses", "symnet.core.backprop")
NUMERIC_MODULES = ("numpy", "symnet.numeric.codegen", "symnet.numeric.reverse", "symnet.numeric.gradcheck")


class TimeLimitExceeded(Exception):
    """Raised when the work of a command runs past ``--timeout``: a user error (exit 2)."""


class _Alarm(BaseException):
    """Raised by ``check_deadline`` (a BaseException, so no ``except Exception`` in the work swallows it)."""

    def __init__(self, limit=None):
        super().__init__()
        self.limit = limit


class Limit:
    """One time limit: its budget and what its message says (sent to the watching parent, so picklable)."""

    __slots__ = ("seconds", "what", "hint")

    def __init__(self, seconds: float, what: str, hint: str):
        self.seconds, self.what, self.hint = seconds, what, hint

    def message(self, cpu: bool = True) -> str:
        clock = " of CPU time" if cpu else ""
        return f"{self.what} took longer than the time limit of {self.seconds:g} s{clock} (--timeout); {self.hint}"


class _ChildDone(BaseException):
    """In the parent: the worker ran the command to its end with exit code ``code``."""

    def __init__(self, scope, code: int):
        super().__init__(code)
        self.scope, self.code = scope, code


_WORKER = __package__ + ".worker"  # imported when a limit first starts (``symnet --help`` needs none of it)
_LOCAL = threading.local()  # .running: [Limit, CPU start] of this thread's limits, innermost last; .scopes


def _stack(name: str) -> list:
    if not hasattr(_LOCAL, name):
        setattr(_LOCAL, name, [])
    return getattr(_LOCAL, name)


class command_scope:
    """Where a command begins and ends: a worker forked inside it exits here, and its parent goes on here.

    ``handle_errors`` opens one around every command, outside its error handling, so the worker exits
    with the code of the message it printed. Without a scope, ``time_limit`` never forks.
    """

    def __enter__(self):
        _stack("scopes").append(self)
        return self

    def __exit__(self, kind, error, tb):
        _stack("scopes").pop()
        worker = sys.modules.get(_WORKER)  # imported by the first limit: a command without one needs none
        here = worker and worker.current()
        if here is not None and here.owner is self:
            worker.exit_worker(error)  # never returns
        if isinstance(error, _ChildDone) and error.scope is self:
            if error.code == 0:
                return True
            if error.code < 0:  # killed by signal -code, not by a limit (out of memory, say)
                print(f"Error: the work stopped unexpectedly (signal {-error.code})", file=sys.stderr)
            raise SystemExit(error.code if error.code > 0 else 128 - error.code) from None
        return False


@contextmanager
def time_limit(seconds: float | None, what: str = "this computation",
               hint: str = "use a smaller network or a larger --timeout", soft: bool = False):
    """Raise ``TimeLimitExceeded`` if the body uses more than ``seconds`` of CPU time (None or 0: no limit).

    Inside a command (``command_scope``) the body runs in a worker process killed when its budget is
    spent; elsewhere only ``check_deadline`` calls stop it. Limits nest. Import modules first
    (``preload``): the worker then shares them with its parent instead of importing them again.

    Args:
        seconds: the budget in CPU seconds.
        what: named in the message, e.g. "the expanded gradient".
        hint: what the user can do, ending the message.
        soft: never kill the work for this limit: only ``check_deadline`` calls and the body's end stop it.
            For a step the command survives (an optional simplification that falls back): a killed
            worker would end the whole command.

    >>> with time_limit(5):
    ...     1 + 1
    2
    """
    if seconds is not None and not seconds >= 0:  # also refuses NaN
        raise ValueError(f"a time limit must be a positive number of seconds; got {seconds}")
    if not seconds:
        yield
        return
    limit, running = Limit(float(seconds), what, hint), _stack("running")
    running.append([limit, time.process_time()])
    try:
        with contextlib.nullcontext() if soft else _watched(limit, outermost=len(running) == 1):
            try:
                yield
            except Exception:
                check_deadline()  # an error met after the budget ran out: the limit is what stopped the work
                raise
            check_deadline()  # work that ends past its budget is over it too, however short the budget
    except _Alarm as alarm:
        raise TimeLimitExceeded((alarm.limit or limit).message()) from None
    finally:
        running.pop()


@contextmanager
def _watched(limit: Limit, outermost: bool):
    """Tell the watching parent about ``limit``, or fork one, or (no fork possible) nothing."""
    worker = importlib.import_module(_WORKER)
    here, scopes = worker.current(), _stack("scopes")
    if here is None and outermost and scopes and worker.can_fork():
        outcome = worker.fork_worker(limit, limit.seconds, scopes[-1])
        if outcome is not None:  # the parent, once the worker is done
            if outcome[0] == "expired":
                raise TimeLimitExceeded(outcome[1].message(outcome[2]))
            raise _ChildDone(scopes[-1], outcome[1])
        _stack("running")[-1][1] = time.process_time()  # the worker's own clock, which starts near 0
        here = worker.current()
    elif here is not None:
        here.enter(limit, limit.seconds)
    if here is None:
        yield
        return
    try:
        yield
    finally:
        here.leave()


def check_deadline(*args) -> None:
    """Stop the work (``_Alarm``, turned into ``TimeLimitExceeded``) if a limit in force is spent; else nothing.

    Called by long loops, e.g. as a training ``callback`` (hence ``*args``, ignored); it returns None,
    which tells the training to go on.

    >>> with time_limit(5):
    ...     check_deadline()
    """
    running = _stack("running")
    if running:
        now = time.process_time()
        for limit, start in running:
            if now - start >= limit.seconds:
                raise _Alarm(limit)


def remove_if_killed(path) -> None:
    """Have the watching parent remove ``path`` (a hidden folder being filled) if the worker is killed."""
    worker = sys.modules.get(_WORKER)
    here = worker and worker.current()
    if here is not None:
        here.remove_if_killed(path)


def preload(numeric: bool = False, extra: tuple = ()) -> None:
    """Import the modules a command needs before its ``time_limit`` starts (and its worker forks).

    >>> preload()
    """
    for name in SYMBOLIC_MODULES + (NUMERIC_MODULES if numeric else ()) + tuple(extra):
        importlib.import_module(name)


def run_with_timeout(func, seconds: float | None, what: str = "this computation"):
    """``func()`` under ``time_limit(seconds, what)``; returns its result.

    >>> run_with_timeout(lambda: 6 * 7, 5)
    42
    """
    with time_limit(seconds, what):
        return func()
