"""The tour's sections on two cores: records and progress lines in order, errors raised here, the worker
stopped when the tour stops. Small stand-in sections, so nothing here runs the real tour."""

from __future__ import annotations

import os
import sys

import pytest

from symnet.tour import parallel
from symnet.tour.parallel import run_sections

from .processes import alive

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker needs fork (Linux)")
# pytest.mark.forks: tests/conftest.py runs the test in a fresh process where JAX's threads run in this one


def pid_section(ctx):
    return os.getpid()


def failing_section(ctx):
    raise ValueError("no such tower")


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not today")


def unpicklable_section(ctx):
    raise Unpicklable("a lock inside")


def failing_once_the_worker_waits(ctx):
    import time

    for _ in range(6000):   # at most a minute: until the worker has written its pid
        if ctx.exists() and ctx.read_text(encoding="utf-8"):
            break
        time.sleep(0.01)
    raise ValueError("no such tower")


def pid_then_wait_section(ctx):
    ctx.write_text(str(os.getpid()), encoding="utf-8")
    import time

    time.sleep(120)


SECTIONS = [("a", pid_section), ("b", pid_section), ("c", pid_section), ("d", pid_section)]


@linux_only
@pytest.mark.forks
def test_background_sections_run_in_another_process_and_come_back_in_order():
    calls = []
    records = run_sections(None, SECTIONS, lambda i, n, key: calls.append((i, n, key)), background=("b", "d"))
    assert calls == [(1, 4, "a"), (2, 4, "b"), (3, 4, "c"), (4, 4, "d")]
    here = os.getpid()
    assert records[0] == records[2] == here
    assert records[1] == records[3] != here


def test_without_fork_every_section_runs_here(monkeypatch):
    monkeypatch.setattr(parallel, "_can_fork", lambda: False)
    assert run_sections(None, SECTIONS, background=("b", "d")) == (os.getpid(),) * 4


@linux_only
@pytest.mark.forks
def test_an_error_in_the_worker_is_raised_here():
    with pytest.raises(ValueError, match="no such tower"):
        run_sections(None, [("a", pid_section), ("b", failing_section)], background=("b",))


@linux_only
@pytest.mark.forks
def test_an_error_that_cannot_cross_the_pipe_keeps_its_message():
    with pytest.raises(RuntimeError, match="Unpicklable: a lock inside") as raised:
        run_sections(None, [("a", pid_section), ("b", unpicklable_section)], background=("b",))
    if sys.version_info >= (3, 11):
        assert "in unpicklable_section" in "\n".join(raised.value.__notes__)


@linux_only
@pytest.mark.forks
def test_an_error_here_stops_the_worker(tmp_path):
    marker = tmp_path / "worker.pid"
    with pytest.raises(ValueError, match="no such tower"):
        run_sections(marker, [("slow", pid_then_wait_section), ("bad", failing_once_the_worker_waits)],
                     background=("slow",))
    with pytest.raises(ProcessLookupError):     # killed and reaped, not left sleeping for two minutes
        os.kill(int(marker.read_text(encoding="utf-8")), 0)


def test_the_tour_runs_its_longest_sections_in_the_background():
    from symnet.tour.sections import SECTIONS as TOUR

    assert set(parallel.BACKGROUND) <= {key for key, _ in TOUR}


ORPHAN = """
import os, sys, time
from pathlib import Path
from symnet.tour.parallel import run_sections

folder = Path(sys.argv[1])

def background(ctx):
    (folder / "worker.pid").write_text(str(os.getpid()))
    time.sleep(120)

def here(ctx):
    (folder / "parent.pid").write_text(str(os.getpid()))
    time.sleep(120)

run_sections(None, [("here", here), ("away", background)], background=("away",))
"""


def _wait_for(check, what: str):
    import time

    for _ in range(3000):     # polls for at most a minute; the test asserts what happened, not how fast
        if check():
            return
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


@linux_only
@pytest.mark.forks
def test_a_killed_tour_leaves_no_worker_behind(tmp_path):
    """``kill -9`` of the tour (as a time limit enforced from outside would do) ends its worker too."""
    import signal
    import subprocess

    parent = subprocess.Popen([sys.executable, "-c", ORPHAN, str(tmp_path)])
    try:
        _wait_for(lambda: (tmp_path / "worker.pid").exists() and (tmp_path / "parent.pid").exists(), "both pids")
        worker = int((tmp_path / "worker.pid").read_text())
        assert alive(worker)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        _wait_for(lambda: not alive(worker), "the worker to end")
    finally:
        parent.kill()


def _sections_of_a_daemon(queue):
    queue.put(run_sections(None, SECTIONS, background=("b", "d")))


@linux_only
@pytest.mark.forks
def test_inside_a_daemonic_process_every_section_runs_there():
    """multiprocessing forbids a daemon children: a tour run inside one (say, under a time limit kept by a
    daemonic process) runs its sections one after another instead of failing."""
    import multiprocessing

    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    daemon = fork.Process(target=_sections_of_a_daemon, args=(queue,), daemon=True)
    daemon.start()
    records = queue.get(timeout=60)
    daemon.join()
    assert records == (daemon.pid,) * 4


def later_section(log):
    """A section whose last part runs beside the next ones (as the derivation's PDF does)."""
    def build(ctx):
        log.append("built")
        return parallel.Later("draft", lambda record: log.append("finished") or record + " + pdf",
                              lambda: log.append("cancelled"))
    return build


def test_a_later_section_is_finished_after_every_section_has_started(monkeypatch):
    monkeypatch.setattr(parallel, "_can_fork", lambda: False)
    log = []
    records = run_sections(None, [("a", later_section(log)), ("b", lambda ctx: log.append("b") or "b")])
    assert records == ("draft + pdf", "b")
    assert log == ["built", "b", "finished"]


def test_a_later_section_is_cancelled_when_the_tour_stops(monkeypatch):
    monkeypatch.setattr(parallel, "_can_fork", lambda: False)
    log = []
    with pytest.raises(ValueError, match="no such tower"):
        run_sections(None, [("a", later_section(log)), ("b", failing_section)])
    assert log == ["built", "cancelled"]


def later_in_the_worker(ctx):
    return parallel.Later(os.getpid(), lambda pid: (pid, os.getpid()), lambda: None)


@linux_only
@pytest.mark.forks
def test_a_later_section_of_the_worker_is_finished_there():
    records = run_sections(None, [("a", pid_section), ("b", later_in_the_worker), ("c", pid_section)],
                           background=("b",))
    built, finished = records[1]
    assert built == finished != os.getpid() and records[0] == records[2] == os.getpid()


@linux_only
@pytest.mark.forks
@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes are Python 3.11+")
def test_an_error_from_the_worker_carries_the_workers_traceback():
    with pytest.raises(ValueError) as raised:
        run_sections(None, [("a", pid_section), ("b", failing_section)], background=("b",))
    note = "\n".join(raised.value.__notes__)
    assert "tour's worker process" in note and "in failing_section" in note


def test_no_fork_once_jax_has_started_its_threads(monkeypatch):
    import types

    import symnet.checks

    fake = types.SimpleNamespace(_at_fork_handler_installed=True)
    monkeypatch.setitem(sys.modules, "jax._src.xla_bridge", fake)
    assert symnet.checks.jax_runtime_started()
    assert not parallel._can_fork()
    from symnet.cli import worker

    assert not worker.can_fork()
