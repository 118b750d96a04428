"""``--format json`` for scripts: each command's JSON parses and holds the library's own numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from symnet import mlp, seed_network
from symnet.cli import main
from symnet.core.losses import loss as make_loss
from symnet.numeric.codegen import value_and_grad


def run(*args, charset="utf-8"):
    return CliRunner(charset=charset).invoke(main, [str(a) for a in args])  # .stdout: without stderr


def stdout_json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_check_json_holds_the_four_gradients_of_check_grads():
    from symnet.numeric.gradcheck import METHODS, check_grads, random_point

    doc = stdout_json(run("check", "mlp:2-2-1:tanh", "--seed", "4", "--batch", "5", "--format", "json"))
    target = make_loss(mlp([2, 2, 1], "tanh"))
    theta, X, y = random_point(target, 4, 5)
    report = check_grads(target, theta, X, y, seed=4)
    assert doc["ok"] is True and doc["loss_name"] == "squared_error" and doc["batch"] == 5
    assert doc["mean_loss"] == pytest.approx(report.loss, rel=1e-12)
    assert list(doc["theta"]) == [p.name for p in target.network.params]
    assert np.allclose(list(doc["theta"].values()), theta, rtol=0, atol=0)
    for row in report.rows:
        got = doc["gradients"][row.param]
        for method, value in zip(METHODS, row.values):
            assert got["values"][method] == pytest.approx(value, rel=1e-9)
        assert got["ok"] is row.ok


def test_check_json_backprop_column_is_value_and_grad():
    doc = stdout_json(run("check", "seed:scalar", "--seed", "1", "--format", "json"))
    from symnet.numeric.gradcheck import random_point

    target = make_loss(_seed_scalar())
    theta, X, y = random_point(target, 1, 8)
    loss, gradient = value_and_grad(target)(theta, X, y)
    assert doc["mean_loss"] == pytest.approx(loss, rel=1e-12)
    assert [doc["gradients"][p]["values"]["backprop"] for p in doc["theta"]] == pytest.approx(gradient, rel=1e-12)


def _seed_scalar():
    from symnet.core.neuron import NeuronModel

    return seed_network(NeuronModel("sigmoid", "scalar"))


def test_derive_json_values_are_the_gradient_at_the_point():
    from symnet.derivation.numbers import random_values

    doc = stdout_json(run("derive", "seed", "--wrt", "w2_1,b5", "--at", "random:2", "--format", "json"))
    target = make_loss(seed_network())
    point = {str(k): float(v) for k, v in random_values(target, 2).items()}
    assert doc["point"] == pytest.approx(point)
    fn = value_and_grad(target)
    theta = np.array([point[p.name] for p in target.network.params])
    X, y = np.array([[point["x1"], point["x2"]]]), np.array([point["y"]])
    loss, gradient = fn(theta, X, y)
    by_name = dict(zip((p.name for p in target.network.params), gradient))
    assert doc["loss_value"] == pytest.approx(loss, rel=1e-10)
    assert set(doc["derivatives"]) == {"w2_1", "b5"}
    for name in ("w2_1", "b5"):
        item = doc["derivatives"][name]
        assert item["value"] == pytest.approx(by_name[name], rel=1e-9)
        # the chain rule: the paths' products add up to the derivative
        assert sum(p["value"] for p in item["paths"]) == pytest.approx(by_name[name], rel=1e-9)
        assert all(p["nodes"][0] == "L" and p["nodes"][-1] == name for p in item["paths"])
    assert len(doc["derivatives"]["w2_1"]["paths"]) == 2  # w2_1 reaches ŷ through h3 and h4


def test_derive_json_file_is_the_same_record(tmp_path):
    printed = stdout_json(run("derive", "mlp:2-2-1", "--wrt", "b3", "--format", "json"))
    out = run("derive", "mlp:2-2-1", "--wrt", "b3", "--no-check", "-o", tmp_path / "d.json")
    assert out.exit_code == 0, out.output
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8")) == printed
    assert printed["derivatives"]["b3"]["delta_form"] is not None and printed["point"] is None


def test_descend_json_is_descend_many():
    from symnet.learn.descent import descend_many

    doc = stdout_json(run("descend", "x**2 - 2*x", "--x0", "3", "--lr", "0.25,1.5", "--steps", "40",
                          "--format", "json"))
    paths = descend_many("x**2 - 2*x", 3.0, [0.25, 1.5], 40)
    assert doc["derivative"] == "2*x - 2" and doc["variable"] == "x" and doc["x0"] == 3.0
    for got, path in zip(doc["paths"], paths):
        assert got["learning_rate"] == path.learning_rate and got["diverged"] == path.diverged
        assert got["x"] == [v if np.isfinite(v) else None for v in path.xs]
    assert doc["paths"][0]["x"][-1] == pytest.approx(1.0)  # η = 0.25 converges to the minimum x = 1
    assert doc["paths"][1]["diverged"] is True


def test_approx_json_is_the_error_study():
    from symnet.towers.study import error_study

    doc = stdout_json(run("approx", "x*y", "--domain", "0,1,0,1", "--n", "2,3", "--format", "json"))
    study = error_study("x*y", (0.0, 1.0, 0.0, 1.0), (2, 3), threshold=1.5, sharpness=30.0, steepness=1000.0)
    assert doc["domain"] == [0.0, 1.0, 0.0, 1.0]
    assert [r["n"] for r in doc["rows"]] == [2, 3] and [r["towers"] for r in doc["rows"]] == [4, 9]
    assert [r["max_error"] for r in doc["rows"]] == pytest.approx([r.max_error for r in study.rows], rel=1e-12)
    assert [r["rms_error"] for r in doc["rows"]] == pytest.approx([r.rms_error for r in study.rows], rel=1e-12)


def test_train_json_summary_matches_the_model_file(tmp_path):
    from symnet.learn.data import make
    from symnet.learn.training import load

    doc = stdout_json(run("train", "mlp:2-2-1", "--data", "xor", "--samples", "40", "--epochs", "15",
                          "--validation", "0.25", "--format", "json", "--out", tmp_path))
    model = load(tmp_path / "model.json")
    assert doc["epochs"] == 15 and doc["n_train"] == 30 and doc["n_validation"] == 10
    assert doc["final_loss"]["train"] == model.history.train_loss[-1]
    assert doc["final_loss"]["validation"] == model.history.val_loss[-1]
    assert doc["parameters"] == model.values()
    from symnet.learn.data import split

    train_set, val_set = split(make("xor", n=40, seed=0), 0.25, 0)
    assert doc["accuracy"] == {"train": model.accuracy(train_set), "validation": model.accuracy(val_set), "test": None}
    assert doc["n_test"] == 0 and doc["final_loss"]["test"] is None and doc["n_parameters"] == len(model.values())
    assert sorted(doc["files"]) == sorted(str(p) for p in tmp_path.iterdir())
    assert doc["loss_name"] == "squared_error" and doc["loss"] == "(y - yhat)**2"


def test_train_json_regression_has_no_accuracy(tmp_path):
    doc = stdout_json(run("train", "mlp:1-2-1:tanh:identity", "--data", "sine", "--samples", "20", "--epochs", "3",
                          "--format", "json", "--out", tmp_path))
    assert doc["accuracy"] is None and doc["final_loss"]["validation"] is None


def test_tower_json_is_the_tower():
    from symnet.towers.tower import tower

    doc = stdout_json(run("tower", "--bounds", "0,1,0,2", "--format", "json"))
    model = tower(0, 1, 0, 2)
    assert doc["boxes"] == [[[0.0, 1.0], [0.0, 2.0]]] and doc["neurons"] == 5
    assert doc["values"] == {k: float(v) for k, v in model.values.items()}


def test_grad_json_values_and_loss_name():
    at = "x1=1,x2=0,y=1," + ",".join(f"{p.name}=0.5" for p in seed_network().params)
    doc = stdout_json(run("grad", "seed", "--wrt", "b5", "--at", at, "--format", "json"))
    target = make_loss(seed_network())
    loss, gradient = value_and_grad(target)(np.full(11, 0.5), np.array([[1.0, 0.0]]), np.array([1.0]))
    assert doc["loss_name"] == "squared_error"
    assert doc["values"] == {"L": pytest.approx(loss, rel=1e-12), "b5": pytest.approx(gradient[-1], rel=1e-12)}


def test_json_stays_json_on_an_ascii_terminal():
    out = run("check", "seed:scalar", "--format", "json", charset="ascii")
    assert out.exit_code == 0
    doc = json.loads(out.stdout)
    assert "θ1" in doc["theta"] and "\\u03b8" in out.stdout


def test_grad_json_is_strict_json_where_the_value_is_not_finite():
    out = run("grad", "--expr", "log(w*x)", "--inputs", "x", "--at", "x=-1,w=1,y=0", "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout, parse_constant=lambda name: pytest.fail(f"non-standard JSON constant {name}"))
    assert doc["values"] == {"L": None, "w": None}


def test_check_json_reports_a_disagreement_with_exit_1():
    # at a ReLU kink the rules take ReLU'(0) = H(0) = 1/2; finite differences see the curved loss, off by h/2
    out = run("check", "--expr", "relu(w + x)", "--inputs", "x", "--at", "x=0,w=0,y=1", "--format", "json")
    assert out.exit_code == 1
    doc = json.loads(out.stdout)
    row = doc["gradients"]["w"]
    assert doc["ok"] is False and row["ok"] is False
    assert row["values"]["backprop"] == -1.0 and row["values"]["numeric"] == -1.0
    assert row["values"]["finite_diff"] == pytest.approx(-1.0, abs=1e-5) and row["values"]["finite_diff"] != -1.0
    assert row["max_error"] == pytest.approx(3.03e-6, rel=0.01)     # |backprop − finite_diff|
