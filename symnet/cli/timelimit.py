"""Time limits for the heavy symbolic work of a command (``--timeout``), by SIGALRM.

An alarm is re-armed every 50 ms until the work stops, so a handler swallowed by some ``except``
inside SymPy fires again; while the work runs it raises ``_Alarm`` (a BaseException, which no
``except Exception`` catches), turned into ``TimeLimitExceeded`` (a user error, exit 2) once the
alarm is off. Long loops also check the deadline themselves (``check_deadline``, e.g. once per
training epoch): that bounds them where SIGALRM is unavailable (Windows, or not the main thread),
where only those checks stop the work. Only the standard library is imported here.
"""

from __future__ import annotations

import contextlib
import importlib
import signal
import threading
import time
from contextlib import contextmanager

DEFAULT_TIMEOUT = 20.0
MIN_SECONDS = 1e-4       # setitimer rounds below a microsecond to 0, which would mean no limit at all
MAX_SECONDS = 1e6        # and overflows far above
SYMBOLIC_MODULES = ("symnet", "symnet.io.parsing", "symnet.io.netfile", "symnet.io.text", "symnet.render.printing",
                    "symnet.core.losses", "symnet.core.backprop")
NUMERIC_MODULES = ("numpy", "symnet.numeric.codegen", "symnet.numeric.reverse", "symnet.numeric.gradcheck")


class TimeLimitExceeded(Exception):
    """Raised when heavy symbolic work runs past ``--timeout``: a user error (exit 2).

    While the work runs, the alarm raises ``_Alarm`` (a BaseException) so that no
    ``except Exception`` inside SymPy can swallow it; it becomes this exception afterwards.
    """


class _Alarm(BaseException):
    pass


# The alarm never rings inside this module or contextlib: an alarm there could skip the disarming
# (a context manager's exit cut short leaves the timer armed until garbage collection); it rings
# again 50 ms later, in the work.
_QUIET_FILES = frozenset({__file__, contextlib.__file__})
_LOCAL = threading.local()     # .deadlines: time.monotonic() deadlines of this thread's limits, innermost last


def _deadlines() -> list:
    if not hasattr(_LOCAL, "deadlines"):
        _LOCAL.deadlines = []
    return _LOCAL.deadlines


def _alarm_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None, what: str = "this computation",
               hint: str = "use a smaller network or a larger --timeout"):
    """Raise ``TimeLimitExceeded`` if the body runs longer than ``seconds`` (None or 0: no limit).

    Limits nest: an outer limit is re-armed with its remaining time. Import modules first
    (``preload``): the alarm may interrupt whatever runs, including an import.

    Args:
        seconds: the limit in seconds.
        what: named in the message, e.g. "the expanded gradient".
        hint: what the user can do, ending the message.

    >>> with time_limit(5):
    ...     1 + 1
    2
    """
    if seconds is not None and not seconds >= 0:  # also refuses NaN
        raise ValueError(f"a time limit must be a positive number of seconds; got {seconds}")
    if not seconds:
        yield
        return
    _deadlines().append(time.monotonic() + seconds)
    try:
        with _alarm(seconds):
            yield
    except _Alarm:
        raise TimeLimitExceeded(f"{what} took longer than the time limit of {seconds:g} s; {hint}") from None
    finally:
        _deadlines().pop()


@contextmanager
def _alarm(seconds: float):
    """SIGALRM after ``seconds`` (then every 50 ms) raising ``_Alarm`` while the body runs, if usable."""
    if not _alarm_usable():
        yield
        return
    running = [True]

    def on_alarm(signum, frame):
        if running[0] and (frame is None or frame.f_code.co_filename not in _QUIET_FILES):
            raise _Alarm()

    handler = signal.signal(signal.SIGALRM, on_alarm)
    timer, started = signal.getitimer(signal.ITIMER_REAL), time.monotonic()
    try:  # armed inside the try: an alarm due at once (--timeout 1e-6) is still caught and disarmed
        signal.setitimer(signal.ITIMER_REAL, min(max(seconds, MIN_SECONDS), MAX_SECONDS), 0.05)
        yield
    finally:
        _stop(running)
        _disarm(handler, timer, started)


def _stop(running: list) -> None:
    """Silence the handler; an alarm that rings just before, while the work is over, is dropped."""
    while running[0]:
        try:
            running[0] = False
        except _Alarm:
            continue


def check_deadline(*args) -> None:
    """Stop the work (as the alarm would) if a time limit in force has run out; else do nothing.

    Called by long loops, e.g. as a training ``callback`` (hence ``*args``, ignored); it returns None,
    which tells the training to go on.

    >>> with time_limit(5):
    ...     check_deadline()
    """
    deadlines = _deadlines()
    if deadlines and time.monotonic() > min(deadlines):
        raise _Alarm()


def _disarm(handler, timer, started: float) -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_DFL if handler is None else handler)
    if timer[0] > 0:  # an enclosing limit keeps counting
        left = max(timer[0] - (time.monotonic() - started), 0.001)
        signal.setitimer(signal.ITIMER_REAL, left, timer[1])


def preload(numeric: bool = False, extra: tuple = ()) -> None:
    """Import the modules a command needs before its ``time_limit`` starts.

    An alarm that lands in the middle of a first import can leave a half-initialised module
    (NumPy refuses to load twice), so heavy imports happen outside the limit.

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
