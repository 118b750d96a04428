"""Layer networks' model files (the one format, ``"kind": "layers"``): ``symnet.save``/``symnet.load``,
``symnet predict`` with labels and class probabilities, and every way a damaged file is refused."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

import symnet
from symnet.cli import main
from symnet.core.layers import layers
from symnet.learn.data import make, split
from symnet.learn.result import TrainResult
from symnet.learn.training import LAYER_DEFAULTS, train


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write_csv(path, header, rows):
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(repr, r)) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def softmax_fit():
    """A 2-8-2 softmax classifier of the moons (labels 0/1 as two classes)."""
    train_set, test = split(make("moons", n=120, noise=0.1, seed=0), 0.25, 0)
    fit = train(layers("2-8-2", "tanh", "softmax"), train_set, validation=test, **{**LAYER_DEFAULTS, "epochs": 30},
                progress=False)
    return fit, test


def test_save_and_load_round_trip_theta_and_predictions(softmax_fit, tmp_path):
    fit, test = softmax_fit
    path = symnet.save(tmp_path / "model.json", fit)
    assert json.loads(path.read_text())["format"] == "symnet-model" and json.loads(path.read_text())["kind"] == "layers"
    model = symnet.load(path)
    assert isinstance(model, TrainResult) and model.network.spec == fit.network.spec
    assert np.array_equal(model.theta, fit.theta)                      # bit for bit
    assert np.array_equal(model.predict(test.X), fit.predict(test.X))
    assert np.array_equal(model.classify(test.X), fit.classify(test.X))
    assert model.summary["test_accuracy"] == fit.summary["test_accuracy"]
    assert "2-8-2" in repr(model)


def test_standardisation_is_applied_to_raw_inputs(softmax_fit, tmp_path):
    fit, test = softmax_fit
    mean, scale = np.array([0.5, -1.0]), np.array([2.0, 4.0])
    model = symnet.load(symnet.save(tmp_path / "m.json", fit, inputs=("a", "b"), mean=mean, scale=scale))
    raw = test.X * scale + mean                      # the inputs before the standardisation
    assert model.inputs == ("a", "b")
    assert np.allclose(model.predict(raw), fit.predict(test.X), rtol=1e-12, atol=1e-12)


def test_predict_prints_label_and_one_probability_per_class(softmax_fit, tmp_path):
    fit, test = softmax_fit
    path = symnet.save(tmp_path / "model.json", fit)
    csv = write_csv(tmp_path / "rows.csv", ["x2", "x1"], test.X[:, ::-1].tolist())   # columns by name, any order
    out = run("predict", path, "--data", csv)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "label,probability_0,probability_1" and len(lines) == len(test) + 1
    table = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    expected = fit.predict(test.X)
    assert np.array_equal(table[:, 0].astype(int), expected.argmax(axis=1))
    assert np.allclose(table[:, 1:], expected, rtol=0, atol=0)        # repr round-trips
    assert np.allclose(table[:, 1:].sum(axis=1), 1.0)


def test_predict_json_has_kind_classes(softmax_fit, tmp_path):
    fit, test = softmax_fit
    path = symnet.save(tmp_path / "model.json", fit)
    csv = write_csv(tmp_path / "rows.csv", ["x1", "x2"], test.X.tolist())
    out = run("predict", path, "--data", csv, "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["kind"] == "classes" and doc["classes"] == 2 and doc["rows"] == len(test)
    assert doc["label"] == fit.classify(test.X).tolist()


def test_one_sigmoid_output_is_a_binary_classifier(tmp_path):
    train_set, test = split(make("xor", n=80, seed=2), 0.25, 0)
    fit = train(layers("2-6-1", "tanh", "sigmoid"), train_set, validation=test, **{**LAYER_DEFAULTS, "epochs": 20},
                progress=False)
    path = symnet.save(tmp_path / "model.json", fit)
    out = run("predict", path, "--data", write_csv(tmp_path / "r.csv", ["x1", "x2"], test.X.tolist()))
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "label,probability"
    probability = np.array([float(line.split(",")[1]) for line in lines[1:]])
    assert np.array_equal(probability, fit.predict(test.X)[:, 0])


def test_train_layers_cli_writes_a_model_predict_reads(tmp_path):
    out_dir = tmp_path / "run"
    trained = run("train", "layers:2-6-2:tanh:softmax", "--data", "circles", "--samples", "80", "--epochs", "5",
                  "--quiet", "--out", out_dir)
    assert trained.exit_code == 0, trained.output
    model = symnet.load(out_dir / "model.json")
    assert model.inputs == ("x1", "x2") and np.array_equal(model.mean, [0, 0]) and np.array_equal(model.scale, [1, 1])
    csv = write_csv(tmp_path / "p.csv", ["x1", "x2"], [[0.0, 0.0], [1.0, 0.0]])
    out = run("predict", out_dir / "model.json", "--data", csv)
    assert out.exit_code == 0 and out.output.splitlines()[0] == "label,probability_0,probability_1"


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(theta=d["theta"][:-1]), "key 'theta' has"),
    (lambda d: d.update(theta=d["theta"][:-1] + ["x"]), "key 'theta' must be a list of numbers"),
    (lambda d: d.update(network="layers:2-8"), "key 'network' must be a spec"),
    (lambda d: d.update(network="layers:2-8-2:tanh:bogus"), "unknown output activation 'bogus'"),
    (lambda d: d.update(scale=[1.0, 0.0]), "key 'scale' must hold 2 numbers, each at least"),
    (lambda d: d.update(inputs=["x1"]), "key 'inputs' must name"),
    (lambda d: d.update(version=7), "unsupported version 7"),
    (lambda d: d.pop("theta"), "missing key 'theta'"),
])
def test_a_damaged_file_is_refused_with_the_key_named(softmax_fit, tmp_path, change, message):
    fit, _ = softmax_fit
    path = symnet.save(tmp_path / "model.json", fit)
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="model file .*" + re.escape(message)):
        symnet.load(path)
    out = run("predict", path, "--data", write_csv(tmp_path / "r.csv", ["x1", "x2"], [[0.0, 0.0]]))
    assert out.exit_code == 2 and message in out.output and "Traceback" not in out.output


def test_a_missing_column_is_named(softmax_fit, tmp_path):
    fit, _ = softmax_fit
    path = symnet.save(tmp_path / "model.json", fit)
    out = run("predict", path, "--data", write_csv(tmp_path / "r.csv", ["x1", "z"], [[0.0, 0.0]]))
    assert out.exit_code == 2 and "x2" in out.output


def test_predict_refuses_a_layers_spec_that_is_not_a_model():
    out = run("predict", "layers:2-3-2:relu:softmax", "--data", "nope.csv")
    assert out.exit_code == 2 and "is a network, not a trained model" in out.output


def test_a_layers_model_file_is_its_network_wherever_one_is_expected(softmax_fit, tmp_path):
    fit, _ = softmax_fit
    path = symnet.save(tmp_path / "model.json", fit)
    shown = run("show", path)
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("layers:2-8-2:tanh:softmax: 42 parameters")
    assert run("check", path).exit_code == 0
