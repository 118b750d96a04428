"""Root pytest configuration: figures use the Agg backend everywhere, doctests included; the Hypothesis profiles;
and how ``pytest -n 2`` shares the work between its workers.

Hypothesis profiles (loaded here, before pytest reads ``--hypothesis-profile``, so the command line wins):

- ``dev`` (the default, for ``python -m pytest -n 2``): 25 examples per property, so the suite stays quick;
- ``ci`` (``.ci/run`` passes ``--hypothesis-profile=ci``): Hypothesis' full 100 examples per property.

Both are deterministic (``derandomize=True``) and have no deadline (the machines are shared). A test that
names its own count scales it with :func:`tests.strategies.examples`. ``HYPOTHESIS_PROFILE=ci`` in the
environment selects a profile too.

Scheduling (``-n N`` with the default ``--dist load``): a test module that defines a module- or session-scoped
fixture (a tour, PDFs, the examples' runs, a browser) runs whole on one worker, so the fixture is built once,
not once per worker; modules that share a session fixture of tests/conftest.py are one unit (``SHARED``). Every
other test is handed out on its own, the big units first. (``--dist loadgroup`` would do this with marks, but it
silently stops grouping on pytest 9.2: pytest-xdist issue #1386.)
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

_COMMON = {"deadline": None, "derandomize": True, "print_blob": True, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=100, **_COMMON)
settings.register_profile("dev", max_examples=25, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent
SHARED = {"tests/test_tour.py": "tour", "tests/test_tour_live.py": "tour"}    # tour_zh_without_tex
SHARED_FIXTURE = re.compile(r"""@pytest\.fixture\([^)]*scope\s*=\s*["'](module|session)["']""")


@functools.lru_cache(maxsize=None)
def work_unit(path: str) -> str | None:
    """The unit a test file's tests are scheduled in together, or None to spread them one by one."""
    if path in SHARED:
        return SHARED[path]
    file = ROOT / path
    shares = path.startswith("tests/") and file.is_file() and SHARED_FIXTURE.search(file.read_text(encoding="utf-8"))
    return path if shares else None


@pytest.hookimpl(optionalhook=True)                 # a hook of pytest-xdist: harmless where it is not installed
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "load":
        return None                                          # an explicit --dist other than load wins
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        """``--dist load``, except that the tests of one ``work_unit`` go to one worker (biggest units first)."""

        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid.split("::", 1)[0]) or nodeid

    return SharedFixtureScheduling(config, log)
