"""Test configuration: the Agg backend for every figure, and fixtures too costly to build twice (the Hypothesis
profiles are in the root conftest.py)."""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def tour_zh_without_tex(tmp_path_factory):
    """The Chinese tour, as ``symnet tour --lang zh`` writes it on a machine where latexmk and friends cannot be
    found: (folder, CLI result). Built once: tests/test_tour.py reads its files and output,
    tests/test_tour_live.py opens it in a browser (the root conftest.py sends both modules to one xdist worker,
    so one worker builds it)."""
    from click.testing import CliRunner

    from symnet.cli import main

    out = tmp_path_factory.mktemp("tour_zh")
    empty = tmp_path_factory.mktemp("no_tex_bin")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATH", str(empty))
        real_which = shutil.which
        mp.setattr(shutil, "which", lambda name, *a, **k: None if "tex" in name else real_which(name, *a, **k))
        result = CliRunner().invoke(main, ["tour", "--out", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    return out, result


@pytest.fixture(params=["mlp", "layers", "mixed"])
def kind(request):
    """Each kind of network a verb takes: scalar neurons (``mlp``), matrix layers (``layers``), or a mixed program —
    matrix layers with your own per-sample loss formula (``symnet.loss(layers(...), "log(cosh(yhat - y))")``, a
    regression: real targets, no classes)."""
    return request.param


def pytest_configure(config):
    config.addinivalue_line("markers", "forks: the test needs symnet to fork (a time limit's worker, the tour's second "
                                       "process); where this process cannot (JAX's threads run), it runs in a fresh one")


def pytest_pyfunc_call(pyfuncitem):
    """A test marked ``forks`` in a process where JAX has started its threads (after which symnet never forks):
    run it again in a fresh interpreter, where nothing has started them, and take its outcome as this one's."""
    if pyfuncitem.get_closest_marker("forks") is None:
        return None
    from symnet.checks import jax_runtime_started

    if not hasattr(os, "fork"):
        pytest.skip("symnet forks only on POSIX systems")
    if not jax_runtime_started() or os.environ.get("SYMNET_FRESH_TEST_PROCESS"):
        return None
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-m", "pytest", pyfuncitem.nodeid, "-q", "-p", "no:cacheprovider",
                             "-p", "no:xdist"], cwd=root, capture_output=True, text=True, timeout=900,
                            env={**os.environ, "SYMNET_FRESH_TEST_PROCESS": "1"})
    assert result.returncode == 0, f"{pyfuncitem.nodeid} in a fresh process:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
    return True
