"""Time limits (symnet/cli/timelimit.py, symnet/cli/worker.py): a worker killed when its CPU budget is
spent, never an exception raised into whatever runs; cooperative checks where no worker can fork."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from symnet.cli.timelimit import TimeLimitExceeded, check_deadline, command_scope, remove_if_killed, time_limit

ROOT = Path(__file__).resolve().parents[1]
needs_fork = pytest.mark.forks    # tests/conftest.py runs these in a fresh process where JAX's threads run here


def spin():
    while True:
        pass


def gone(pid: int) -> bool:
    """The process has exited, or does within a minute: a SIGKILL takes effect when the killed process
    is next scheduled, which on a busy machine can be a moment later (a zombie counts as exited)."""
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            if Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0] == b"Z":
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


# ----- the kill path --------------------------------------------------------------------------

@needs_fork
def test_a_spent_budget_kills_the_worker_its_subprocess_and_its_hidden_folder(tmp_path):
    hidden, pids = tmp_path / ".run.x.new", tmp_path / "pids"
    with pytest.raises(TimeLimitExceeded) as stop:
        with command_scope():
            with time_limit(0.2, "a loop", "use fewer loops"):
                hidden.mkdir()
                (hidden / "half.csv").write_text("1,")
                remove_if_killed(hidden)
                child = subprocess.Popen(["sleep", "600"])
                pids.write_text(f"{os.getpid()} {child.pid}")
                spin()
    assert str(stop.value) == "a loop took longer than the time limit of 0.2 s of CPU time (--timeout); use fewer loops"
    worker, sleeper = map(int, pids.read_text().split())
    assert worker != os.getpid()
    assert gone(worker) and gone(sleeper)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pids"]


@needs_fork
def test_an_except_that_swallows_everything_cannot_keep_the_work_going():
    with pytest.raises(TimeLimitExceeded, match="the time limit of 0.1 s"):
        with command_scope():
            with time_limit(0.1):
                while True:
                    try:
                        sum(range(1000))
                    except BaseException:  # noqa: BLE001 - the point: nothing is raised into the work any more
                        pass


@needs_fork
def test_limits_nest_and_the_spent_one_is_named():
    with pytest.raises(TimeLimitExceeded, match="^outer took longer"):
        with command_scope():
            with time_limit(0.2, "outer"):
                with time_limit(5, "inner"):
                    pass
                spin()
    with pytest.raises(TimeLimitExceeded, match="^inner took longer"):
        with command_scope():
            with time_limit(5, "outer"):
                with time_limit(0.1, "inner"):
                    spin()


# ----- the deadline inside compilation, weakref callbacks (issue 22, item 1) ------------------
# The alarm of the previous version printed "Exception ignored in: <function burn …>" tracebacks in
# 6 runs out of 6 of this script.

COMPILING = textwrap.dedent('''
    import ast, weakref
    import symnet.cli.inspect as command
    from symnet.cli import main

    SOURCE = "x = " + "(" * 80 + "1" + ")" * 80 + "\\n" + "y = [" + "x, " * 2000 + "]\\n"

    class Node:
        def __init__(self):
            self.me = self      # a cycle: only the garbage collector frees it, inside whatever allocates next

    def burn(ref):
        sum(range(20000))       # most of the time goes here, in callbacks the collector runs

    def compile_forever(*args, **kwargs):
        open(MARK, "w").close()
        while True:
            nodes = [Node() for _ in range(50)]
            refs = [weakref.ref(n, burn) for n in nodes]  # noqa: F841 (alive until the collector frees the nodes)
            del nodes
            compile(SOURCE, "<limit>", "exec")   # the AST constructor, where the alarm once broke
            ast.parse(SOURCE)

    command.load_network = compile_forever
    main(["grad", "seed", "--timeout", "0.3"])
''')


@needs_fork
def test_a_deadline_during_compilation_exits_2_with_one_line_on_stderr(tmp_path):
    mark = tmp_path / "started"
    done = subprocess.run([sys.executable, "-c", f"MARK = {str(mark)!r}\n" + COMPILING], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300, check=False)
    assert mark.exists()  # the work was running when the budget ran out
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr == ("Error: the gradient took longer than the time limit of 0.3 s of CPU time (--timeout); "
                           "use a smaller network or a larger --timeout\n")


@needs_fork
def test_a_tour_stopped_by_its_limit_says_so_and_nothing_else(tmp_path):
    done = subprocess.run([sys.executable, "-m", "symnet", "tour", "--out", str(tmp_path / "tour"), "--timeout", "1"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600,
                          check=False)
    assert done.returncode == 2, done.stderr
    *progress, last = done.stderr.splitlines()
    assert last == ("Error: the tour took longer than the time limit of 1 s of CPU time (--timeout); "
                    "use a larger --timeout")
    assert all(line.startswith("[") and line.endswith(" …") for line in progress), progress  # no "Exception ignored"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tour"] and not any((tmp_path / "tour").iterdir())


# ----- CPU time, not wall time (issue 22, item 2) ---------------------------------------------

@needs_fork
def test_a_worker_that_sleeps_spends_no_budget(tmp_path):
    woke = tmp_path / "woke"
    with command_scope():
        with time_limit(0.3, "a nap"):
            time.sleep(1.0)  # a second of wall time, almost no CPU time: a busy machine looks like this
            check_deadline()
            woke.write_text(str(os.getpid()))
    assert int(woke.read_text()) != os.getpid()  # it ran in the worker, and the command went on after it


def test_without_a_worker_sleeping_spends_no_budget_either():
    with time_limit(0.3, "a nap"):  # outside a command: no fork, only the cooperative checks
        time.sleep(0.6)
        check_deadline()
        pid = os.getpid()
    assert pid == os.getpid()


@needs_fork
def test_a_subprocess_s_cpu_time_is_not_the_worker_s(tmp_path):
    busy = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\n"
    finished = tmp_path / "finished"
    with command_scope():
        with time_limit(0.4, "a LaTeX build"):  # LaTeX runs like this, under its own limit
            subprocess.run([sys.executable, "-c", busy], check=True, timeout=120)
            finished.write_text("yes")
    assert finished.read_text() == "yes"


def test_the_cooperative_check_counts_cpu_time():
    with pytest.raises(TimeLimitExceeded, match="^a loop took longer than the time limit of 0.05 s of CPU time"):
        with time_limit(0.05, "a loop"):
            while True:
                check_deadline()


# ----- the worker's exit, output and the places where no worker forks -------------------------

@needs_fork
def test_the_worker_s_exit_code_and_output_reach_the_parent(capsys):
    with pytest.raises(SystemExit) as stop:
        with command_scope():
            with time_limit(5):
                print("from the worker")
                print("on stderr", file=sys.stderr)
            raise SystemExit(3)
    assert stop.value.code == 3
    out, err = capsys.readouterr()
    assert out == "from the worker\n" and err == "on stderr\n"


@needs_fork
def test_a_worker_forks_only_at_the_outermost_limit_inside_a_command():
    with time_limit(5):
        assert os.getpid() == PARENT
    pids = []
    thread = threading.Thread(target=lambda: pids.append(_in_a_scope()))
    thread.start()
    thread.join(60)
    assert pids == [PARENT]  # not the main thread: no fork


PARENT = os.getpid()


def _in_a_scope():
    with command_scope():
        with time_limit(5):
            return os.getpid()


@needs_fork
def test_a_worker_that_dies_of_a_signal_is_reported(capsys):
    import signal

    with pytest.raises(SystemExit) as stop:
        with command_scope():
            with time_limit(5):
                os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    assert stop.value.code == 128 + signal.SIGKILL
    assert capsys.readouterr().err == f"Error: the work stopped unexpectedly (signal {int(signal.SIGKILL)})\n"


@needs_fork
@pytest.mark.parametrize("worker_stops", [True, False])
def test_ctrl_c_in_the_parent_waits_for_the_worker_or_kills_it(worker_stops, tmp_path):
    import signal

    pid_file = tmp_path / "pid"
    with pytest.raises(SystemExit if worker_stops else KeyboardInterrupt) as stop:
        with command_scope():
            with time_limit(60):
                pid_file.write_text(str(os.getpid()))
                os.kill(os.getppid(), signal.SIGINT)  # a Ctrl-C that only the parent saw ...
                if worker_stops:
                    raise SystemExit(130)         # ... or that the worker saw too, and reported
                spin()
    if worker_stops:
        assert stop.value.code == 130
    assert gone(int(pid_file.read_text()))


def test_where_no_worker_forks_a_training_stops_at_an_epoch(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from symnet.cli import main, worker

    monkeypatch.setattr(worker, "can_fork", lambda: False)  # as on Windows
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["train", "seed", "--data", "xor", "--epochs", "20000", "--quiet", "--out",
                                       str(out), "--timeout", "0.3"])
    assert result.exit_code == 2, result.output
    assert result.output == ("Error: training took longer than the time limit of 0.3 s of CPU time (--timeout); "
                             "use fewer epochs, fewer samples or a larger --timeout\n")
    assert list(tmp_path.iterdir()) == []


def test_bad_budgets_are_refused():
    for seconds in (-1, float("nan")):
        with pytest.raises(ValueError, match="a positive number of seconds"):
            with time_limit(seconds):
                pass


@needs_fork
def test_a_fork_of_the_worker_spends_the_same_budget(tmp_path):
    """The tour runs half its sections in a fork of the worker: that fork's CPU time is the work's, so a runaway
    section there is stopped by --timeout too (a subprocess that runs another program is not counted)."""
    import time

    from symnet.tour.parallel import run_sections

    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded, match="time limit of 1 s"):
        with command_scope():
            with time_limit(1.0, "the tour"):
                run_sections(tmp_path, [("burn", _burn_six_seconds)], background=("burn",))
    assert time.monotonic() - started < 12     # before the wall-clock fallback (10 × budget + 5 s = 15 s)


def _burn_six_seconds(ctx):
    end = time.process_time() + 6
    while time.process_time() < end:
        pass
    return "burned"
