"""Hostile input on layer networks (issue 22, item 10): the standalone module, big networks, the parameter
cap, the test set, model files with an input named twice, targets that do not fit, and the layer spec's text."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
from click.testing import CliRunner

import symnet
from symnet.cli import main
from symnet.core.layers import entries, entry_names, layers
from symnet.io.parsing import parse_expr
from symnet.learn.data import make, split
from symnet.learn.dataset import Dataset
from symnet.learn.training import LAYER_DEFAULTS, train
from symnet.limits import MAX_LAYER_PARAMS
from symnet.numeric.codegen import value_and_grad
from symnet.numeric.gradcheck import check_grads, random_layer_point


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --- codegen layers:… -o f.py is a module that runs on its own -------------------------------------

MODULES = {"softmax_tanh": ("layers:3-4-3:tanh:softmax", None),
           "sigmoid_swish": ("layers:2-5-1:swish:sigmoid", None),
           "identity_relu": ("layers:2-4-4-2:relu:identity", None),
           "tanh_softplus": ("layers:2-3-2:softplus:tanh", "squared_error"),
           "own_phi": ("layers:2-3-2", "z*tanh(z)")}


def _compiled(spec, extra):
    if extra == "squared_error":
        return value_and_grad(layers(spec).loss("squared_error"), backend="numpy")
    return value_and_grad(layers(spec, activation=parse_expr(extra)) if extra else layers(spec), backend="numpy")


def test_codegen_of_a_layer_network_writes_a_module_that_runs_without_symnet(tmp_path):
    rng = np.random.default_rng(3)
    cases = {}
    for name, (spec, extra) in MODULES.items():
        compiled = _compiled(spec, extra)
        (tmp_path / f"{name}.py").write_text(compiled.module, encoding="utf-8")
        net = compiled.network
        k = net.sizes[-1]
        theta, X = rng.normal(size=net.n_params), rng.normal(size=(7, net.sizes[0]))
        y = rng.integers(0, k, size=7) if net.output_activation == "softmax" else rng.uniform(size=(7, k))
        cases[name] = (compiled, theta, X, y)
    calls = {name: [t.tolist(), X.tolist(), y.tolist()] for name, (_, t, X, y) in cases.items()}
    script = ("import sys, json\n"
              f"sys.path.insert(0, {str(tmp_path)!r}); sys.modules['symnet'] = None\n"   # symnet cannot be imported
              "try:\n    import symnet\nexcept ImportError:\n    pass\nelse:\n    raise SystemExit('symnet imported')\n"
              f"calls = json.loads({json.dumps(calls)!r})\nout = {{}}\n"
              "for name, (theta, X, y) in calls.items():\n"
              "    m = __import__(name)\n"
              "    v, g = m.value_and_grad(theta, X, y)\n"
              "    out[name] = [v, g.tolist(), list(m.PARAMS)]\n"
              "print(json.dumps(out))\n")
    out = subprocess.run([sys.executable, "-I", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)
    for name, (compiled, theta, X, y) in cases.items():
        value, grad, params = results[name]
        expected_value, expected_grad = compiled(theta, X, y)
        assert value == pytest.approx(expected_value, rel=1e-12, abs=1e-12), name
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-12, err_msg=name)
        assert params == [p.name for p in compiled.network.params]


def test_the_cli_writes_the_same_module_and_it_refuses_bad_labels(tmp_path):
    path = tmp_path / "net_loss.py"
    res = run("codegen", "layers:2-3-2:tanh", "-o", path)
    assert res.exit_code == 0, res.output
    text = path.read_text(encoding="utf-8")
    assert text == value_and_grad(layers("2-3-2:tanh"), backend="numpy").module
    assert "def value_and_grad(theta, X, y):" in text and "import numpy" in text
    script = (f"import sys; sys.path.insert(0, {str(tmp_path)!r}); sys.modules['symnet'] = None; import net_loss\n"
              "try:\n    net_loss.value_and_grad([0.0] * 17, [[1.0, 2.0]], [2])\n"
              "except ValueError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "class labels 0...1" in out.stdout, out.stderr


# --- a big layer network: check and derive name only the sampled entries --------------------------


def test_entry_names_equal_the_symbols_of_entries():
    net = layers("3-4-2")
    every = [s.name for p in net.params for s in entries(p)]
    assert entry_names(net.params, range(net.n_params)) == every
    assert entry_names(net.params, [13, 0, 25]) == [every[13], every[0], every[25]]


def test_checking_a_wide_layer_network_builds_no_symbol_per_parameter():
    net = layers("32-4000-10")            # 172,010 parameters; 24 are sampled
    compiled = value_and_grad(net, backend="numpy")
    point = random_layer_point(net.loss())
    tracemalloc.start()
    try:
        report = check_grads(net, *point, compiled=compiled)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.ok and len(report.rows) <= 24
    assert peak < 25e6, f"{peak / 1e6:.0f} MB"   # a SymPy symbol per parameter took about 50 MB here


# --- the parameter cap, in the library; the data's width before θ -----------------------------


def test_layers_refuses_a_network_over_the_parameter_cap_before_building():
    with pytest.raises(ValueError, match=r"10,001,100,010 parameters; symnet works with at most 20,000,000"):
        layers([100_000, 100_000, 10])
    assert MAX_LAYER_PARAMS == 20_000_000
    assert layers("64-4000-4000-10").n_params == 16_304_010    # under the cap: built, nothing allocated


def test_train_layers_refuses_data_of_the_wrong_width_before_allocating_theta():
    net = layers("64-4000-4000-10")
    data = Dataset(np.zeros((4, 2)), np.zeros(4), ("a", "b"), "narrow")
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"X must be .* shape \(N, 64\)"):
            train(net, data, **{**LAYER_DEFAULTS, "epochs": 1})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50e6, f"{peak / 1e6:.0f} MB"   # θ alone would be 130 MB


# --- the test set is checked like the training set ----------------------------------------------


@pytest.mark.parametrize("bad, shown", [(7.0, "y[0] is 7"), (1.5, "y[0] is 1.5"), (-1.0, "y[0] is -1")])
def test_a_bad_label_in_the_test_set_is_refused_before_training(bad, shown):
    rng = np.random.default_rng(0)
    train_set = Dataset(rng.normal(size=(20, 2)), rng.integers(0, 3, 20), ("a", "b"), "train")
    test = Dataset(rng.normal(size=(5, 2)), [bad, 0, 1, 2, 0], ("a", "b"), "held out")
    with pytest.raises(ValueError, match=rf"the test set \(held out\): y must hold class labels 0…2.*{re.escape(shown)}"):
        train(layers("2-4-3"), train_set, validation=test, **{**LAYER_DEFAULTS, "epochs": 1})


def test_a_test_set_of_the_wrong_width_is_refused():
    rng = np.random.default_rng(0)
    train_set = Dataset(rng.normal(size=(20, 2)), rng.integers(0, 3, 20), ("a", "b"), "train")
    test = Dataset(rng.normal(size=(5, 3)), [0, 1, 2, 0, 1], ("a", "b", "c"), "wide")
    with pytest.raises(ValueError, match=r"the test set \(wide\): X must"):
        train(layers("2-4-3"), train_set, validation=test, **{**LAYER_DEFAULTS, "epochs": 1})


# --- targets that do not fit the outputs -------------------------------------------------------


def test_labels_for_two_identity_outputs_get_symnets_message(tmp_path):
    res = run("train", "layers:2-8-2:tanh:identity", "--data", "xor", "--out", tmp_path / "run", "--epochs", 1)
    assert res.exit_code == 2
    assert "2 targets per sample" in res.output and "softmax" in res.output
    assert "reshape" not in res.output and "Traceback" not in res.output


def test_the_library_refuses_targets_of_the_wrong_shape():
    fn = value_and_grad(layers("2-3-3:tanh:identity"), backend="numpy")
    with pytest.raises(ValueError, match=r"3 targets per sample, shape \(N, 3\).*got shape \(4, 2\)"):
        fn(np.zeros(fn.network.n_params), np.zeros((4, 2)), np.zeros((4, 2)))
    soft = value_and_grad(layers("2-3-3"), backend="numpy")
    with pytest.raises(ValueError, match=r"got shape \(4, 2\)"):
        soft(np.zeros(soft.network.n_params), np.zeros((4, 2)), np.zeros((4, 2)))   # one-hot rows of 2, not 3


# --- a model file naming an input twice ---------------------------------------------------------


def test_a_layer_model_file_naming_an_input_twice_is_refused(tmp_path):
    train_set, _ = split(make("xor", n=40, seed=0), 0.2, 0)
    fit = train(layers("2-3-2:tanh"), train_set, **{**LAYER_DEFAULTS, "epochs": 1})
    path = tmp_path / "model.json"
    symnet.save(path, fit)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["inputs"] = ["x1", "x1"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValueError, match="names the column 'x1' twice"):
        symnet.load(path)
    data = tmp_path / "in.csv"
    data.write_text("x1,x2\n1,2\n", encoding="utf-8")
    res = run("predict", path, "--data", data)
    assert res.exit_code == 2 and "twice" in res.output and "Traceback" not in res.output
    with pytest.raises(ValueError, match="twice"):
        symnet.save(tmp_path / "again.json", fit, inputs=["a", "a"])


# --- the CLI around layer networks --------------------------------------------------------------


def test_activation_formula_applies_to_a_layers_spec():
    res = run("show", "layers:2-8-2", "--activation", "z*tanh(z)")
    assert res.exit_code == 0, res.output
    assert res.output.startswith("layers:2-8-2:z*tanh(z):softmax") and "φ" in res.output
    res = run("show", "layers:2-8-2:tanh", "--activation", "z*tanh(z)")
    assert res.exit_code == 2 and "already names the activation tanh" in res.output


def test_derive_and_graph_of_a_layer_model_file(tmp_path):
    out = tmp_path / "run"
    assert run("train", "layers:2-4-2:tanh", "--data", "xor", "--out", out, "--epochs", 1, "--quiet").exit_code == 0
    res = run("derive", out / "model.json")
    assert res.exit_code == 0, res.output
    assert "BP1" in res.output and "BP4" in res.output
    res = run("graph", out / "model.json", "-o", tmp_path / "g.png")
    assert res.exit_code == 2 and "layers:2-4-2:tanh:softmax is a network of matrix steps" in res.output
    assert "derive" in res.output and "files" not in res.output.replace("network files", "")


def test_softmax_over_one_output_is_refused():
    with pytest.raises(ValueError, match="softmax over one output .* sigmoid .* two outputs"):
        layers("2-3-1", output="softmax")
    assert layers("2-3-1").output_activation == "sigmoid"
    res = run("show", "layers:2-3-1:relu:softmax")
    assert res.exit_code == 2 and "sigmoid" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("sizes", ["1٠-2", "２-3", " 2 - 3 ", "2 -3", b"2-3", "inf-2", "2-1e3", "+2-3",
                                   [float("inf"), 2], [2.5, 3], ["2", 3], [True, 2], 5, {2, 3}])
def test_layer_sizes_are_ascii_digits_or_whole_numbers(sizes):
    with pytest.raises(ValueError, match="ASCII digits"):
        layers(sizes)


def test_the_cli_refuses_unicode_digits_in_a_layers_spec():
    res = run("show", "layers:1٠-2")
    assert res.exit_code == 2 and "ASCII digits" in res.output and "Traceback" not in res.output
