"""Two cores for the tour: some sections run in a forked worker process while the others run here.

The sections are independent (each writes its own files into the tour folder and returns a record),
so the longest ones (``BACKGROUND``: the tower approximation study, the digits classifier, the CNN and the
attention head, about half of the tour's work) start at once in a child process forked from this one, which
has every library loaded already. The progress lines keep their order: section i's line is printed when this
process reaches section i, whether it runs it or the worker does; the records come back in order.
If anything fails here (an error, the time limit, Ctrl-C), the worker is stopped; an error in the
worker is raised here. Without ``fork`` (Windows, macOS) every section runs here, one after another.

A section may also leave its last part running beside the others (the derivation's PDF: latexmk is a
process of its own): it returns a ``Later``, which is finished once every section has been started.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

BACKGROUND = ("approx", "layers", "models")   # the sections the worker runs: about half of the work


@dataclass(frozen=True)
class Later:
    """A section whose last part still runs: ``finish(record)`` waits for it and returns the section's
    record; ``cancel()`` stops it when the tour stops first."""

    record: object
    finish: Callable
    cancel: Callable


def run_sections(context, sections: Sequence[tuple[str, Callable]], progress=None,
                 background: Sequence[str] = BACKGROUND) -> tuple:
    """Every section's record, in the order of ``sections``, some of them built by a worker process.

    Args:
        context: the ``TourContext`` every section is built with.
        sections: ``(key, build)`` pairs; ``build(context)`` returns the section's record.
        progress: called as ``progress(i, n, key)`` in order, before section i is waited for or run.
        background: the keys of the sections to build in the worker.

    Returns:
        The records, one per section, in order.

    >>> run_sections(None, [("a", lambda ctx: 1), ("b", lambda ctx: 2)], background=("b",))
    (1, 2)
    """
    away = [(key, build) for key, build in sections if key in background]
    worker = _Worker(context, away) if away and _can_fork() else None
    records = {}
    try:
        for i, (key, build) in enumerate(sections, start=1):
            if progress is not None:
                progress(i, len(sections), key)
            if worker is None or key not in worker.keys:
                records[key] = build(context)
        _finish(records)
        if worker is not None:
            records.update(worker.results())
    finally:
        for record in records.values():
            if isinstance(record, Later):
                record.cancel()
        if worker is not None:
            worker.stop()
    return tuple(records[key] for key, _ in sections)


def _finish(records: dict) -> None:
    """Replace every ``Later`` of ``records`` by its finished record, in order."""
    for key, record in records.items():
        if isinstance(record, Later):
            records[key] = record.finish(record.record)


def _can_fork() -> bool:
    """Fork only on Linux (macOS's system libraries are not fork-safe, and Windows has no fork), not from a
    daemonic process, which multiprocessing does not let have children, and not once JAX's threads run."""
    import multiprocessing

    from symnet.checks import jax_runtime_started

    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and not multiprocessing.current_process().daemon and not jax_runtime_started())


class _Worker:
    """A forked process building some sections and sending each record back through a pipe."""

    def __init__(self, context, sections):
        import multiprocessing

        fork = multiprocessing.get_context("fork")
        self.keys = tuple(key for key, _ in sections)
        for stream in (sys.stdout, sys.stderr):   # else the worker would write what is buffered again
            if stream is not None:
                stream.flush()
        self._pipe, child = fork.Pipe(duplex=False)
        self._process = fork.Process(target=_build_all, args=(child, context, sections, os.getpid()), daemon=True)
        gc.freeze()   # the worker's collector leaves the inherited objects alone: fewer pages copied on write
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        child.close()

    def results(self) -> dict:
        """``{key: record}`` of every section the worker builds; raises the worker's error, if any."""
        records = {}
        while len(records) < len(self.keys):
            try:
                key, record, error = self._pipe.recv()
            except EOFError:
                self._process.join()
                raise RuntimeError(f"the tour's worker process stopped unexpectedly (exit code "
                                   f"{self._process.exitcode})") from None
            if error is not None:
                raise error
            records[key] = record
        return records

    def stop(self) -> None:
        """End the worker (at once, if it is still building) and release the pipe."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._pipe.close()


def _build_all(pipe, context, sections, parent: int) -> None:
    """In the worker: build each section and send ``(key, record, None)``, or ``(key, None, error)`` and stop."""
    _die_with(parent)
    key, records = None, {}
    try:
        for key, build in sections:
            records[key] = build(context)
            if not isinstance(records[key], Later):
                pipe.send((key, records.pop(key), None))
        key = None
        _finish(records)
        for key, record in records.items():
            pipe.send((key, record, None))
    except BaseException as error:  # noqa: BLE001  (every failure goes back to the parent, which decides)
        try:
            pipe.send((key, None, _portable(error)))
        except OSError:  # the parent is gone or stopped listening: nobody is left to tell
            pass
    finally:
        for record in records.values():
            if isinstance(record, Later):
                record.cancel()
        pipe.close()


def _die_with(parent: int) -> None:
    """Ask Linux to kill this worker when its parent dies (``PR_SET_PDEATHSIG``), however the parent ends:
    a tour killed at its time limit leaves no orphan drawing figures into a folder that is gone."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):   # no prctl here: the parent's stop() still ends the worker
        pass
    if os.getppid() != parent:   # the parent died before the request was made
        os._exit(1)


def _portable(error: BaseException) -> BaseException:
    """``error`` if it survives pickling (to cross the pipe), else a RuntimeError with its message; either
    way with the worker's traceback as a note, which a bug's traceback shows (a user error's line does not)."""
    import traceback

    if hasattr(error, "add_note"):   # Python 3.11+
        error.add_note("raised in the tour's worker process:\n" + "".join(traceback.format_exception(error)))
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001  (any pickling failure)
        fallback = RuntimeError(f"{type(error).__name__}: {error}")
        fallback.__dict__["__notes__"] = list(getattr(error, "__notes__", ()))
        return fallback
