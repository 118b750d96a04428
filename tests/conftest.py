"""Test configuration: the Agg backend for every figure, and fixtures too costly to build twice (the Hypothesis
profiles are in the root conftest.py)."""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
TESTS = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)      # before pytest-xdist reads the marks (``--dist loadgroup``, pyproject.toml)
def pytest_collection_modifyitems(items):
    """Every test that uses a module- or session-scoped fixture of tests/ joins its module's xdist group, so the
    fixture (a tour, a PDF, the examples' runs, a browser) is built by one worker, not once per worker; an
    explicit ``xdist_group`` mark wins. The other tests are spread one by one."""
    for item in items:
        if next(item.iter_markers("xdist_group"), None) is None and _shares_a_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__.rpartition(".")[2]))


def _shares_a_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    for defs in (info.name2fixturedefs.values() if info else ()):
        for fixturedef in defs:
            code = getattr(fixturedef.func, "__code__", None)
            if fixturedef.scope in ("module", "session") and code and Path(code.co_filename).resolve().is_relative_to(TESTS):
                return True
    return False


@pytest.fixture(scope="session")
def tour_zh_without_tex(tmp_path_factory):
    """The Chinese tour, as ``symnet tour --lang zh`` writes it on a machine where latexmk and friends cannot be
    found: (folder, CLI result). Built once: tests/test_tour.py reads its files and output,
    tests/test_tour_live.py opens it in a browser (both modules are in the xdist group "tour", so one worker
    builds it)."""
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
