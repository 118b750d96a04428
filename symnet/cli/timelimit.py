"""Time limits for the heavy symbolic work of a command (``--timeout``), by SIGALRM.

An alarm is re-armed every 50 ms until the work stops, so a handler swallowed by some ``except``
inside SymPy fires again; while the work runs it raises ``_Alarm`` (a BaseException, which no
``except Exception`` catches), turned into ``TimeLimitExceeded`` (a user error, exit 2) once the
alarm is off. Where SIGALRM is unavailable (Windows, or not the main thread) work runs unlimited.
Only the standard library is imported here.
"""

from __future__ import annotations

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
    if not seconds or not _alarm_usable():
        yield
        return
    running = [True]

    def on_alarm(signum, frame):
        if running[0]:
            raise _Alarm()

    handler = signal.signal(signal.SIGALRM, on_alarm)
    timer, started = signal.getitimer(signal.ITIMER_REAL), time.monotonic()
    try:  # armed inside the try: an alarm due at once (--timeout 1e-6) is still caught and disarmed
        signal.setitimer(signal.ITIMER_REAL, min(max(seconds, MIN_SECONDS), MAX_SECONDS), 0.05)
        yield
    except _Alarm:
        running[0] = False
        raise TimeLimitExceeded(f"{what} took longer than the time limit of {seconds:g} s; {hint}") from None
    finally:
        running[0] = False
        _disarm(handler, timer, started)


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
