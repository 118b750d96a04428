"""Hostile input, round three (issue 22, medium and low findings outside layer specs): edited model
files, complex arrays, --ascii layer notation, a killed run's hidden folder, data options that do
nothing, long or internal text in messages, a loss that leaves its domain, --loss yhat, hard links
and stray library warnings. Each test failed before its fix."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import symnet
from symnet import mlp
from symnet.core.layers import layers
from symnet.io.files import clean_stale, fresh_folder, user_path, write_text
from symnet.learn.data import Dataset, make
from symnet.learn.training import train
from symnet.numeric.codegen import value_and_grad

from .cli_helpers import refused, run

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def symnet_process(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "symnet", *map(str, args)], capture_output=True, text=True,
                          env=ENV, cwd=cwd, timeout=300)


# ----- edited model files ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    assert run("train", "mlp:2-2-1", "--data", "xor", "--epochs", 2, "--quiet", "--out", folder / "s").exit_code == 0
    assert run("train", "layers:2-3-1:tanh:sigmoid", "--data", "xor", "--epochs", 1, "--quiet",
               "--out", folder / "l").exit_code == 0
    csv = folder / "rows.csv"
    csv.write_text("x1,x2\n0,1\n1,0\n")
    return {"scalar": folder / "s" / "model.json", "layers": folder / "l" / "model.json", "csv": csv}


def edited(model_files, kind, tmp_path, change):
    doc = json.loads(model_files[kind].read_text())
    change(doc)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("kind, change, words", [
    ("layers", lambda d: d.update(inputs=5), ("key 'inputs'",)),
    ("layers", lambda d: d.update(inputs="x1"), ("key 'inputs'",)),
    ("layers", lambda d: d.update(inputs={"x1": 0, "x2": 1}), ("key 'inputs'",)),
    ("layers", lambda d: d.update(version=True), ("key 'version'", "true")),
    ("scalar", lambda d: d.update(version=True), ("key 'version'", "true")),
    ("layers", lambda d: d.update(scale=[1e-320, 1.0]), ("key 'scale'", "1e-320")),
    ("scalar", lambda d: d.update(settings={"epochs": "x" * 3000}), ("settings.epochs", "…")),
])
def test_an_edited_model_file_names_the_field(model_files, tmp_path, kind, change, words):
    path = edited(model_files, kind, tmp_path, change)
    with pytest.raises(ValueError) as caught:
        symnet.load(path)
    for word in words:
        assert word in str(caught.value)
    assert len(str(caught.value)) < 400
    refused(run("predict", path, "--data", model_files["csv"]), *words)


def test_a_huge_theta_is_named_when_the_prediction_overflows(model_files, tmp_path):
    path = edited(model_files, "scalar", tmp_path,
                  lambda d: d.update(theta=[(-1) ** i * 1e308 for i in range(len(d["theta"]))]))
    data = tmp_path / "big.csv"
    data.write_text("x1,x2\n1e10,3\n")
    refused(run("predict", path, "--data", data), "row 1", "key 'theta'", "1e+308")


def test_a_huge_standardisation_names_the_row(model_files, tmp_path):
    path = edited(model_files, "layers", tmp_path, lambda d: d.update(scale=[1e-300, 1.0]))
    data = tmp_path / "big.csv"
    data.write_text("x1,x2\n0,0\n1e10,3\n")
    refused(run("predict", path, "--data", data), "must be finite", "row 2")


# ----- complex arrays --------------------------------------------------------------------------

def test_complex_arrays_are_refused_not_truncated():
    fn = value_and_grad(mlp([2, 1]))
    theta, X, y = np.zeros(3), np.ones((4, 2)), np.ones(4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # NumPy's ComplexWarning would be the old behaviour
        for args in ((theta + 0j, X, y), (theta, X + 1j, y), (theta, X, y + 2j), (theta, X.tolist(), [1, 2j, 0, 0])):
            with pytest.raises(ValueError, match="complex"):
                fn(*args)
        compiled = value_and_grad(layers("2-3-2"), backend="numpy")
        zeros = np.zeros(compiled.network.n_params)
        with pytest.raises(ValueError, match="complex"):
            compiled(zeros, X * 1j, np.zeros(4))
        with pytest.raises(ValueError, match="complex"):
            compiled.predict(zeros + 1j, X)
        with pytest.raises(ValueError, match="complex"):
            Dataset(X + 1j, y, ("x1", "x2"), "mine")
        with pytest.raises(ValueError, match="complex"):
            train(mlp([2, 1]), (X, y + 1j), epochs=1, progress=False)
    assert fn(theta, X, y)[0] == pytest.approx(0.25)   # real input still works


# ----- --ascii prints layer indices, not powers ------------------------------------------------

@pytest.mark.parametrize("command", ["show", "grad", "derive"])
def test_ascii_layer_notation_has_indices_not_powers(command):
    result = run(command, "layers:2-3-1:tanh:sigmoid", "--ascii")
    assert result.exit_code == 0, result.output
    assert "**" not in result.output and "?" not in result.output, result.output
    assert "W1" in result.output and result.output.isascii()


def test_an_ascii_terminal_gets_layer_indices_too():
    done = subprocess.run([sys.executable, "-m", "symnet", "show", "layers:2-3-1:tanh:sigmoid"], capture_output=True,
                          env={**ENV, "PYTHONIOENCODING": "ascii"}, timeout=300)
    assert done.returncode == 0 and b"z1 = W1 x + b1" in done.stdout and b"**" not in done.stdout, done.stdout


# ----- a killed run's hidden folder ------------------------------------------------------------

KILLED_RUN = """
import os, signal, sys
from symnet.io.files import fresh_folder
with fresh_folder(sys.argv[1], ("model.json",)) as tmp:
    (tmp / "model.json").write_text("{}")
    os.kill(os.getpid(), signal.SIGKILL)
"""


def hidden(folder: Path) -> list:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_killed_runs_folder_is_cleaned_by_the_next_run(tmp_path):
    done = subprocess.run([sys.executable, "-c", KILLED_RUN, str(tmp_path / "run")], env=ENV, timeout=120)
    assert done.returncode == -signal.SIGKILL
    assert len(hidden(tmp_path)) == 1 and hidden(tmp_path)[0].endswith(".new")   # what kill -9 leaves
    result = run("train", "mlp:2-1", "--data", "xor", "--epochs", 1, "--quiet", "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert hidden(tmp_path) == [] and (tmp_path / "run" / "model.json").is_file()


def test_stale_folders_with_user_content_or_a_live_owner_are_kept(tmp_path):
    dead = 2 ** 22 + 12345        # above Linux's default pid_max: no such process
    mine = tmp_path / f".run.{dead}.abcd1234.new"
    mine.mkdir()
    (mine / "notes.txt").write_text("user data")          # not a file a run writes
    live = tmp_path / f".run.{os.getpid()}.abcd1234.new"  # this process runs
    live.mkdir()
    other = tmp_path / f".runs.{dead}.abcd1234.new"       # another folder's
    other.mkdir()
    ours = tmp_path / f".run.{dead}.zzzz1234.new"
    ours.mkdir()
    (ours / "model.json").write_text("{}")
    (ours / ".loss.csv.ab12cd34.tmp").write_text("half")
    clean_stale(tmp_path / "run", ("model.json", "loss.csv"))
    assert mine.is_dir() and (mine / "notes.txt").read_text() == "user data"
    assert live.is_dir() and other.is_dir() and not ours.exists()


def test_a_folder_named_without_a_process_id_is_stale_after_the_longest_time_limit(tmp_path):
    old, recent = tmp_path / ".run.abcd1234.new", tmp_path / ".run.efgh5678.new"   # named as earlier versions did
    for folder in (old, recent):
        folder.mkdir()
        (folder / "model.json").write_text("{}")
    os.utime(old, (0, 0))
    clean_stale(tmp_path / "run", ("model.json",))
    assert not old.exists() and recent.is_dir()


def test_a_run_killed_mid_swap_gets_its_old_results_back(tmp_path):
    old = tmp_path / f".run.{2 ** 22 + 7}.abcd1234.old"
    (old / "run").mkdir(parents=True)
    (old / "run" / "model.json").write_text("old results")
    with fresh_folder(tmp_path / "run", ("model.json",)) as tmp:
        assert (tmp_path / "run" / "model.json").read_text() == "old results"   # put back before the new run
        (tmp / "model.json").write_text("new")
    assert (tmp_path / "run" / "model.json").read_text() == "new" and hidden(tmp_path) == []


# ----- data options that would do nothing, noise out of bounds ---------------------------------

def test_samples_and_noise_are_refused_where_they_do_nothing(tmp_path):
    refused(run("train", "layers:64-10:relu:softmax", "--data", "digits", "--samples", 50, "--out", tmp_path / "a"),
            "--samples", "digits")
    csv = tmp_path / "d.csv"
    csv.write_text("x1,y\n" + "".join(f"{i},{i % 2}\n" for i in range(8)))
    refused(run("train", "mlp:1-1", "--data", csv, "--noise", 0.3, "--out", tmp_path / "b"), "--noise", "CSV")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_noise_is_bounded(tmp_path):
    refused(run("train", "mlp:2-1", "--data", "xor", "--noise", "1e300", "--out", tmp_path / "run"), "--noise")
    assert not (tmp_path / "run").exists()
    with pytest.raises(ValueError, match="noise must be at most 100"):
        make("xor", noise=1e300)
    assert make("xor", n=8, noise=100).X.shape == (8, 2)


# ----- messages ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("show", "mlp:2-3-1:" + "a" * 2000),
    ("grad", "seed", "--loss", "b" * 2000),
    ("show", "seed", "--format", "c" * 2000),
    ("d" * 2000,),
    ("train", "mlp:2-1", "--data", "e" * 2000, "--out", "{tmp}/run"),
])
def test_long_user_text_is_cut_in_messages(args, tmp_path):
    result = run(*(arg.replace("{tmp}", str(tmp_path)) for arg in args))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "…" in result.output and len(result.output) < 800, len(result.output)


def test_messages_name_the_users_path_not_a_hidden_one(tmp_path):
    name = "r" * 250                         # legal, but the hidden working name beside it used to be too long
    result = run("show", "seed", "-o", tmp_path / f"{name}.txt")
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"{name}.txt").read_text().startswith("network:")
    result = run("train", "mlp:2-1", "--data", "xor", "--epochs", 1, "--quiet", "--out", tmp_path / name)
    assert result.exit_code == 0, result.output
    assert user_path(f"denied: {tmp_path}/.run.{os.getpid()}.x1y2z3w4.new/fit.png") == f"denied: {tmp_path}/run/fit.png"


def test_an_activation_outside_its_domain_is_not_blamed_on_the_learning_rate(tmp_path):
    result = run("train", "mlp:1-2-1", "--activation", "log(z)", "--data", "sine", "--epochs", 3, "--out", tmp_path)
    refused(result, "domain", "log")
    assert "learning rate" not in result.output


def test_loss_yhat_is_a_formula_not_an_unknown_name():
    result = run("grad", "mlp:1-1", "--loss", "yhat")
    assert result.exit_code == 0, result.output
    assert "L = ŷ" in result.output
    assert symnet.loss(mlp([1, 1]), " yhat ").expr is not None
    refused(run("grad", "mlp:1-1", "--loss", "y"), "does not depend on yhat")
    refused(run("grad", "mlp:1-1", "--loss", "hinge"), "unknown loss 'hinge'")


# ----- hard links ---------------------------------------------------------------------------------

def test_a_hard_linked_output_is_refused_not_split(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("shared")
    os.link(first, second)
    with pytest.raises(ValueError, match="hard link"):
        write_text(first, "new")
    refused(run("show", "seed", "-o", first), "hard link")
    assert first.read_text() == second.read_text() == "shared" and first.stat().st_nlink == 2


# ----- stray warnings ------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("approx", "0*x", "--n", "1,2", "--out", "ap"),
    ("train", "layers:2-4-2:tanh:softmax", "--data", "xor", "--lr", "1e300", "--epochs", 2, "--quiet",
     "--optimizer", "sgd", "--out", "run"),
])
def test_no_library_warning_reaches_stderr(tmp_path, args):
    done = symnet_process(*args, cwd=tmp_path)
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_a_stray_warning_is_one_plain_line(capsys):
    from symnet.cli.common import handle_errors

    @handle_errors
    def noisy():
        for _ in range(3):
            np.float64(1e308) * 10

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        noisy()
    assert capsys.readouterr().err.splitlines() == ["Warning: overflow encountered in scalar multiply"]


# ----- the limits page ----------------------------------------------------------------------------

def shown_values(value) -> tuple:
    """How a limit's value may be written in the docs: 20,000 / 3,600 / 1e12 / 20 s."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    short = f"{value:g}".replace("e+0", "e").replace("e+", "e")     # 1e+12 -> 1e12, 1e+06 -> 1e6
    return (f"{value:,}", short) if isinstance(value, int) else (short,)


@pytest.mark.parametrize("page", ["limits.md", "limits.zh.md"])
def test_the_limits_page_lists_every_limit_with_its_default(page):
    from symnet import limits
    from symnet.cli import timelimit, tour
    from symnet.cli import train as train_command
    from symnet.learn import data, descent, training

    lines = (ROOT / "docs" / page).read_text(encoding="utf-8").splitlines()
    named = {name: getattr(limits, name) for name in dir(limits) if name.startswith("MAX_")}
    named.update({"DEFAULT_TIMEOUT": timelimit.DEFAULT_TIMEOUT, "TRAIN_TIMEOUT": train_command.TRAIN_TIMEOUT,
                  "TOUR_TIMEOUT": tour.TOUR_TIMEOUT, "MAX_NOISE": data.MAX_NOISE,
                  "THETA_LIMIT": training.THETA_LIMIT, "LIMIT": descent.LIMIT})
    for name, value in named.items():
        rows = [line for line in lines if f"`{name}`" in line or f".{name}`" in line]
        assert rows, f"{page} does not list {name}"
        assert any(text in row for row in rows for text in shown_values(value)), (name, value, rows)
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "Limits: limits.md" in nav and "Limits: 限制" in nav
