"""Test configuration: the Agg backend for every figure, and fixtures too costly to build twice (the Hypothesis
profiles are in the root conftest.py)."""

import os
import shutil

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


@pytest.fixture(params=["mlp", "layers"])
def kind(request):
    """Each kind of network a verb takes: scalar neurons (``mlp``) or matrix layers (``layers``)."""
    return request.param
