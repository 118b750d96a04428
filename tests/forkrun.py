"""Run many small Python programs (the examples, the docs' code) as if each were ``python PROGRAM``, but in forks
of one interpreter that has already imported NumPy, SymPy, SciPy, matplotlib and symnet.

Those imports are most of what a fresh interpreter spends on a short program (about 1.3 s of CPU each), so
paying them once keeps the suite quick. Each program still gets its own process (``os.fork``), its own fresh
``__main__`` namespace, its working folder, ``sys.argv`` and standard input, and its file descriptors 1 and 2
captured (what it and its own subprocesses print), and ends with its own exit code, like ``subprocess.run``.
JAX is not imported before the fork (it starts threads); a program that needs it imports it itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass

RUNNER = r"""
import importlib, json, os, runpy, shutil, sys, tempfile, traceback
for name in ("matplotlib.pyplot", "numpy", "scipy.special", "sympy",        # the slow imports, paid once; a module
             "symnet", "symnet.numeric.codegen", "symnet.render.printing"):  # that moved is simply not preloaded
    try:
        importlib.import_module(name)
    except ImportError:
        pass

def run(job, out, err):
    for fd, path in ((1, out), (2, err)):
        os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    code = 0
    try:
        os.chdir(job["cwd"])
        sys.stdin = open(job["stdin_file"], encoding="utf-8")
        sys.argv = list(job["argv"])
        if job.get("script"):
            sys.path[0] = os.path.dirname(os.path.abspath(job["script"]))
            runpy.run_path(job["script"], run_name="__main__")
        else:
            sys.path[0] = ""
            exec(compile(job["code"], "<string>", "exec"), {"__name__": "__main__"})
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, (int, type(None))):
            print(stop.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush(); sys.stderr.flush()
    os._exit(code)

jobs, at_once = json.loads(sys.stdin.read())
folder, running, done = tempfile.mkdtemp(prefix="symnet-forkrun-"), {}, {}
for i, job in enumerate(jobs):
    with open(os.path.join(folder, f"{i}.in"), "w", encoding="utf-8") as f:
        f.write(job.get("stdin", ""))
    job["stdin_file"] = f.name
pending = list(range(len(jobs)))
while pending or running:
    while pending and len(running) < at_once:
        i = pending.pop(0)
        out, err = os.path.join(folder, f"{i}.out"), os.path.join(folder, f"{i}.err")
        for path in (out, err):
            open(path, "w").close()
        sys.stdout.flush(); sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                run(jobs[i], out, err)                                     # ends the child with its exit code
            finally:
                os._exit(70)
        running[pid] = (i, out, err)
    pid, status = os.wait()
    i, out, err = running.pop(pid)
    texts = [open(p, encoding="utf-8", errors="replace").read() for p in (out, err)]
    done[i] = {"returncode": os.waitstatus_to_exitcode(status), "stdout": texts[0], "stderr": texts[1]}
shutil.rmtree(folder, ignore_errors=True)
print(json.dumps([done[i] for i in range(len(jobs))]))
"""


@dataclass(frozen=True)
class Finished:
    """What ``subprocess.run(..., capture_output=True, text=True)`` would have returned."""

    returncode: int
    stdout: str
    stderr: str


def run_forked(jobs: list[dict], env: dict, cwd, at_once: int = 4, timeout: float = 600) -> list[Finished]:
    """Run every job, ``at_once`` at a time, each in a fork of one preloaded interpreter; results in job order.

    A job is ``{"cwd": folder, "argv": [...], "script": path}`` (``python path args…``) or
    ``{"cwd": folder, "argv": ["-c"], "code": text, "stdin": text}`` (``python -c text``)."""
    payload = json.dumps([[{**job, "cwd": str(job["cwd"])} for job in jobs], at_once])
    runner = subprocess.Popen([sys.executable, "-c", RUNNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env, cwd=cwd,
                              start_new_session=True)
    try:
        out, err = runner.communicate(payload, timeout=timeout)
    finally:
        if runner.poll() is None:                                            # timed out: end it and its forks
            os.killpg(runner.pid, signal.SIGKILL)
            runner.wait()
    assert runner.returncode == 0, f"the fork runner failed:\n{err[-3000:]}"
    return [Finished(**result) for result in json.loads(out)]
