"""The critical findings of the third round of hostile input: code run from a generated module, two ways
to lose a user's files (``train --out``, ``tour --out``) and a silent wrong loss (binary cross-entropy
of targets outside [0, 1]). Each test fails on the code before the fix."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from sympy import Symbol

import symnet
from symnet.core.losses import Loss
from symnet.core.network import mlp
from symnet.io.parsing import ParseError

from .cli_helpers import refused, run

PAYLOAD = '(y - yhat)**2 # """; __import__("os").system("touch PWNED"); """'
HOSTILE_NAME = 'x """; __import__("os").system("touch PWNED"); """ <script>alert(1)</script> \\end{document} $ _ {'


# ----- code execution through generated code -----------------------------------------------------

def test_a_comment_in_a_loss_is_refused_by_codegen_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refused(run("codegen", "mlp:1-1", "--loss", PAYLOAD, "-o", "f.py"), "'#' starts a comment")
    assert not (tmp_path / "f.py").exists() and not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("args", [
    ("approx", "x*y # <script>alert(1)</script>", "--n", "2"),
    ("train", "mlp:2-2-1", "--data", "xor", "--loss", "(y - yhat)**2 # x", "--epochs", "1", "--out", "run"),
    ("show", "--expr", "w*x # a comment", "--inputs", "x"),
])
def test_every_command_refuses_a_comment(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refused(run(*args), "'#' starts a comment")
    assert list(tmp_path.iterdir()) == []


def test_the_library_refuses_a_comment_and_names_a_loss_after_the_parsed_formula():
    net = mlp([1, 1])
    with pytest.raises(ParseError, match="comment"):
        symnet.loss(net, PAYLOAD)
    assert symnet.loss(net, "  0.5*(y -  yhat)**2 ").name == "0.5*(y - yhat)**2"   # SymPy's text, not the user's


def test_a_hostile_loss_name_given_in_python_cannot_run_from_the_generated_module(tmp_path):
    net = mlp([1, 1])
    y, yhat = Symbol("y"), Symbol("yhat")
    loss = Loss.from_expr(net, (y - yhat) ** 2, name=HOSTILE_NAME)
    source = symnet.value_and_grad(loss).module
    tree = ast.parse(source)
    assert ast.get_docstring(tree, clean=False).startswith(HOSTILE_NAME)   # the name, kept exactly, as data
    (tmp_path / "f.py").write_text(source)
    code = ("import numpy as np, f; v, g = f.value_and_grad(np.zeros(2), np.ones((3, 1)), np.zeros(3)); "
            "print(round(v, 6), g.tolist())")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert not (tmp_path / "PWNED").exists()
    value, grad = symnet.value_and_grad(loss)(np.zeros(2), np.ones((3, 1)), np.zeros(3))
    assert out.stdout.split()[0] == str(round(value, 6))


def test_generated_artefacts_carry_user_text_only_escaped(tmp_path, monkeypatch):
    """Every artefact a user's formula reaches — the Python module, the derivation (LaTeX, Markdown),
    the train record and the model file (JSON), the approximation's Markdown — holds it as escaped data."""
    monkeypatch.chdir(tmp_path)
    formula = "0.5*(y - yhat)**2"
    assert run("codegen", "mlp:1-1", "--loss", formula, "-o", "f.py").exit_code == 0
    ast.parse((tmp_path / "f.py").read_text())
    assert run("derive", "mlp:1-1", "--loss", formula, "-o", "d.tex").exit_code == 0
    tex = (tmp_path / "d.tex").read_text()
    assert tex.count(r"\end{document}") == 1
    result = run("train", "mlp:1-1", "--data", "sine", "--loss", formula, "--epochs", "1", "--samples", "8",
                 "--quiet", "--format", "json", "--out", "run")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["loss_name"] == formula if "loss_name" in record else True
    assert json.loads((tmp_path / "run" / "model.json").read_text())["loss"] == formula
    assert run("approx", "x*y", "--n", "2", "--out", "a").exit_code == 0
    assert (tmp_path / "a" / "errors.md").read_text().startswith("# x*y\n")
    # the one way left for arbitrary text, a name given in Python, is escaped by each writer
    net = mlp([1, 1])
    hostile = Loss.from_expr(net, (Symbol("y") - Symbol("yhat")) ** 2, name=HOSTILE_NAME)
    from symnet.render.document import document, latex_document

    derivation = symnet.derive(hostile)
    for text in (latex_document(derivation), document(derivation, "markdown"), symnet.latex(derivation)):
        assert "<script>" not in text and '"""' not in text
        assert text.count(r"\end{document}") <= 1


# ----- data loss: train --out ---------------------------------------------------------------------

def test_training_on_the_data_csv_of_the_out_folder_keeps_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("train", "mlp:2-3-1", "--data", "xor", "--epochs", "2", "--quiet", "--out", "run").exit_code == 0
    data = (tmp_path / "run" / "data.csv").read_text()
    result = run("train", "mlp:2-3-1", "--data", "run/data.csv", "--epochs", "2", "--quiet", "--out", "run")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "data.csv").read_text() == data
    assert (tmp_path / "run" / "model.json").is_file()


def test_a_data_file_of_another_name_in_the_out_folder_is_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "run").mkdir()
    rows = "x1,x2,y\n" + "".join(f"{a},{b},{a ^ b}\n" for a in (0, 1) for b in (0, 1))
    (tmp_path / "run" / "mine.csv").write_text(rows)
    result = run("train", "mlp:2-3-1", "--data", "run/mine.csv", "--epochs", "2", "--quiet", "--out", "run")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "mine.csv").read_text() == rows


def test_a_data_file_named_like_an_output_is_refused_before_training(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "loss.csv").write_text("x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    refused(run("train", "mlp:2-3-1", "--data", "run/loss.csv", "--out", "run"), "has the name of a file the run writes")
    assert (tmp_path / "run" / "loss.csv").read_text().startswith("x1,x2,y")


@pytest.mark.parametrize("kind", ["folder", "link"])
def test_a_user_entry_named_like_an_output_is_never_replaced(kind, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "run").mkdir()
    if kind == "folder":
        (tmp_path / "run" / "fit.png").mkdir()
        (tmp_path / "run" / "fit.png" / "precious.txt").write_text("mine")
    else:
        (tmp_path / "precious.txt").write_text("mine")
        (tmp_path / "run" / "fit.png").symlink_to(tmp_path / "precious.txt")
    refused(run("train", "mlp:2-3-1", "--data", "xor", "--epochs", "1", "--out", "run"), "not a regular file")
    assert (tmp_path / "run" / "fit.png").exists()
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["fit.png"]


def test_an_empty_out_name_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.txt").write_text("mine")
    refused(run("train", "mlp:2-3-1", "--data", "xor", "--epochs", "1", "--out", ""), "empty name")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


# ----- data loss: tour --out ----------------------------------------------------------------------

@pytest.mark.parametrize("out", ["docs", "", "."])
def test_the_tour_refuses_a_folder_holding_user_files(out, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# my project")
    (tmp_path / "docs" / "figures").mkdir()
    (tmp_path / "README.md").write_text("mine")
    result = run("tour", "--out", out)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "did not write" in result.output or "empty name" in result.output
    assert (tmp_path / "docs" / "index.md").read_text() == "# my project"
    assert (tmp_path / "docs" / "figures").is_dir() and (tmp_path / "README.md").read_text() == "mine"


def test_the_tour_replaces_only_what_its_manifest_lists(tmp_path):
    from symnet.tour.run import MANIFEST, check_out_dir, tour_entries, write_manifest

    out = tmp_path / "tour"
    out.mkdir()
    (out / "index.html").write_text("old")
    (out / "figures").mkdir()
    write_manifest(out)
    assert tour_entries(out) == {"index.html", "figures/"}
    assert check_out_dir(out) == out
    (out / "notes.md").write_text("mine")
    with pytest.raises(ValueError, match="notes.md"):
        check_out_dir(out)
    (out / "notes.md").unlink()
    (out / "index.html").unlink()
    (out / "index.html").mkdir()             # same name, another kind: not the tour's
    with pytest.raises(ValueError, match="index.html"):
        check_out_dir(out)
    assert (out / MANIFEST).read_text() == "figures/\nindex.html\n"


# ----- silent wrong answer: binary cross-entropy of targets outside [0, 1] ---------------------------

@pytest.mark.parametrize("labels", [(1, 2), (-1, 1)])
def test_bce_refuses_targets_outside_0_1_from_the_cli(labels, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    a, b = labels
    (tmp_path / "d.csv").write_text(f"x1,x2,y\n0,0,{a}\n0,1,{b}\n1,0,{b}\n1,1,{a}\n")
    result = run("train", "mlp:2-3-1:tanh:sigmoid", "--loss", "binary_cross_entropy", "--data", "d.csv",
                 "--epochs", "2", "--out", "run")
    bad = a if not 0 <= a <= 1 else b
    row = 1 if not 0 <= a <= 1 else 2
    refused(result, f"= {bad:g} (data row {row})", "from 0 to 1")
    assert not (tmp_path / "run").exists()


def test_bce_refuses_bad_targets_in_the_library_for_both_kinds_of_network():
    from symnet.core.layers import layers
    from symnet.core.losses import binary_cross_entropy
    from symnet.learn.training import LAYER_DEFAULTS

    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    net = mlp([2, 3, 1], activation="tanh", output_activation="sigmoid")
    with pytest.raises(ValueError, match=r"y\[1\] = 2"):
        symnet.train(binary_cross_entropy(net), (X, np.array([1.0, 2.0, 2.0, 1.0])), epochs=1)
    fn = symnet.value_and_grad(binary_cross_entropy(net))
    theta = np.zeros(len(net.params))
    assert np.isfinite(fn(theta, X, np.array([0.0, 1.0, 0.5, 1.0]))[0])     # probabilities are targets too
    for y in (np.array([0.0, 1.0, -1.0, 1.0]), np.array([0.0, 1.0, np.nextafter(1, 2), 1.0])):
        fn(theta, X, np.array([0.0, 1.0, 1.0, 0.0]))                     # a known shape: the hot path ...
        with pytest.raises(ValueError, match="from 0 to 1"):
            fn(theta, X, y)                                              # ... still checks the range
    layer_net = layers("2-3-1", output="sigmoid")
    from symnet.learn.dataset import Dataset

    data = Dataset(X, np.array([1.0, 2.0, 2.0, 1.0]), ("x1", "x2"), "bad labels")
    with pytest.raises(ValueError, match="from 0 to 1"):
        symnet.train(layer_net, data, validation=data, **{**LAYER_DEFAULTS, "epochs": 1})


def test_squared_error_takes_any_finite_target():
    net = mlp([2, 3, 1])
    fn = symnet.value_and_grad(net)
    X = np.ones((2, 2))
    assert np.isfinite(fn(np.zeros(len(net.params)), X, np.array([-5.0, 7.0]))[0])


@pytest.mark.parametrize("out", [".", "..", "sub/.."])
def test_a_results_folder_without_a_name_of_its_own_is_refused_before_training(out, tmp_path, monkeypatch):
    (tmp_path / "work" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work")
    refused(run("train", "mlp:2-3-1", "--data", "xor", "--epochs", "1", "--out", out), "no name of its own")
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["sub"]


def test_a_killed_tour_s_building_folder_is_removed_by_the_next_tour_and_nothing_else(tmp_path):
    from symnet.cli.tour import _building_folder
    from symnet.tour.run import MANIFEST

    dead = 2**22 + 12345                          # above Linux's largest pid: no process has it
    stale = tmp_path / f".tour.{dead}.abcd1234.new"
    (stale / "figures").mkdir(parents=True)
    (stale / MANIFEST).write_text("")
    (stale / "index.html").write_text("half a tour")
    user = tmp_path / f".tour.{dead + 1}.abcd1234.new"       # the same shape of name, not a tour's: no manifest
    user.mkdir()
    (user / "mine.txt").write_text("mine")
    building = _building_folder(tmp_path / "tour")
    assert not stale.exists() and (user / "mine.txt").read_text() == "mine"
    assert building.name.startswith(f".tour.{os.getpid()}.") and (building / MANIFEST).read_text() == ""
