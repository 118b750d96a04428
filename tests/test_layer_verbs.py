"""A layer network means the same in every verb (its default loss), its spec is one grammar for the
library and the CLI, ``--wrt`` names its matrices, and ``symnet train --format json`` has one shape."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from sympy import MatrixSymbol

from symnet import check_grads, derive, grad, value_and_grad
from symnet.cli import main
from symnet.cli.records import TRAIN_KEYS
from symnet.core.layers import layers, parse_layer_spec
from symnet.core.backprop import grad as symbolic_grad
from symnet.derivation.matrix import matrix_steps

NET = layers("4-3-2")
W1, B2 = MatrixSymbol("W1", 3, 4), MatrixSymbol("b2", 2, 1)


def test_grad_of_a_layer_network_is_the_grad_of_its_default_loss():
    by_net, by_loss = grad(NET), grad(NET.loss())
    assert by_net.forward == by_loss.forward and by_net.adjoints == by_loss.adjoints
    assert grad(NET, wrt=["W1", "b2"]).wrt == (W1, B2)


def test_value_and_grad_of_a_layer_network_is_that_of_its_default_loss():
    rng = np.random.default_rng(1)
    theta, X, y = rng.normal(size=NET.n_params), rng.normal(size=(6, 4)), rng.integers(0, 2, size=6)
    value, g = value_and_grad(NET)(theta, X, y)
    expected_value, expected_g = value_and_grad(NET.loss(), backend="numpy")(theta, X, y)
    assert value == pytest.approx(expected_value, rel=1e-12) and np.allclose(g, expected_g, rtol=1e-12)
    # the finite-difference slope of the mean loss along one entry agrees with the gradient
    e, h = np.eye(NET.n_params)[5], 1e-6
    slope = (value_and_grad(NET)(theta + h * e, X, y)[0] - value_and_grad(NET)(theta - h * e, X, y)[0]) / (2 * h)
    assert slope == pytest.approx(g[5], rel=1e-5, abs=1e-8)


def test_value_and_grad_refuses_other_backends_for_a_layer_network():
    with pytest.raises(ValueError, match="compiles with matrix products to NumPy \\(or backend='jax'\\) only"):
        value_and_grad(NET, backend="fused")


def test_value_and_grad_of_a_layer_network_in_jax_equals_numpy():
    rng = np.random.default_rng(2)
    theta, X, y = rng.normal(size=NET.n_params), rng.normal(size=(6, 4)), rng.integers(0, 2, size=6)
    (a, ga), (b, gb) = value_and_grad(NET)(theta, X, y), value_and_grad(NET, backend="jax")(theta, X, y)
    assert b == pytest.approx(a, rel=1e-12) and np.allclose(gb, ga, rtol=1e-12, atol=1e-12)


def test_derive_of_a_layer_network_is_its_matrix_derivation():
    d = derive(NET)
    assert [s.tag for s in d.backward] == [s.tag for s in matrix_steps(symbolic_grad(NET.loss()))[1]]
    assert [s.tag for s in d.backward][0] == "BP1_fused"
    only = derive(NET, wrt="W1")   # the sweep pruned to what ∂C/∂W¹ reads: BP1 and BP2 stay lines
    assert [(s.lhs.name, s.tag) for s in only.backward] == [("delta_z2", "BP1_fused"), ("delta_z1", "BP2"),
                                                            ("delta_W1", "BP4")]
    with pytest.raises(ValueError, match="matrix form"):
        derive(NET, at={})


def test_check_grads_of_a_layer_network_agrees():
    assert check_grads(NET).ok


@pytest.mark.parametrize("wrt, message", [("y", "cannot differentiate by y"), ("W9", "cannot differentiate by W9")])
def test_wrt_of_a_layer_network_is_checked_by_the_one_resolver(wrt, message):
    with pytest.raises(ValueError, match=message):
        grad(NET, wrt=wrt)


def test_a_spec_string_makes_the_same_network_as_keywords():
    net = layers("64-32-10:tanh:softmax")
    assert net == layers("64-32-10", activation="tanh", output="softmax")
    assert repr(net) == "layers('64-32-10:tanh:softmax')" and net.spec == "layers:64-32-10:tanh:softmax"
    assert layers("layers:4-2:sigmoid:sigmoid").output_activation == "sigmoid"
    assert layers("4-2:tanh").output_activation == "softmax"
    assert parse_layer_spec("layers:64-32-10") == ("64-32-10", None, None, False)


@pytest.mark.parametrize("spec, kwargs, message", [
    ("4-2:tanh", {"activation": "relu"}, "name it once"),
    ("4-2:relu:softmax:x", {}, "expected layers:SIZES"),
    ("4-2:cube", {}, "unknown activation 'cube'"),
    ("4-x:relu", {}, "two or more positive integers"),
])
def test_bad_specs_are_refused_clearly(spec, kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers(spec, **kwargs)


@pytest.mark.parametrize("command, shown, hidden", [("grad", "delta_W1 = ", "delta_b2"),
                                                    ("derive", "∂C/∂W¹ = δ¹ xᵀ", "∂C/∂b²")])
def test_cli_wrt_names_layer_parameters(command, shown, hidden):
    full = CliRunner().invoke(main, [command, "layers:4-3-2", "--format", "text"])
    res = CliRunner().invoke(main, [command, "layers:4-3-2", "--wrt", "W1", "--format", "text"])
    assert res.exit_code == 0, res.output
    assert shown in res.output and hidden not in res.output and hidden in full.output
    bad = CliRunner().invoke(main, [command, "layers:4-3-2", "--wrt", "W9"])
    assert bad.exit_code == 2 and "cannot differentiate by W9" in bad.output and "Traceback" not in bad.output


def test_train_json_has_one_shape_for_scalar_and_layer_networks(tmp_path):
    runs = [["mlp:2-2-1", "--data", "xor", "--samples", "40", "--epochs", "3"],
            ["layers:2-4-2:tanh:softmax", "--data", "moons", "--samples", "60", "--epochs", "3"]]
    docs = []
    for i, args in enumerate(runs):
        res = CliRunner().invoke(main, ["train", *args, "--quiet", "--format", "json", "--out", str(tmp_path / str(i))])
        assert res.exit_code == 0, res.output
        docs.append(json.loads(res.output))
    scalar, layer = docs
    assert tuple(scalar) == tuple(layer) == TRAIN_KEYS
    assert set(scalar["final_loss"]) == set(layer["final_loss"]) == {"train", "validation", "test"}
    assert set(scalar["accuracy"]) == set(layer["accuracy"]) == {"train", "validation", "test"}
    assert layer["n_parameters"] == 2 * 4 + 4 + 4 * 2 + 2 and layer["n_train"] + layer["n_test"] == 60
    assert layer["final_loss"]["test"] > 0 and layer["final_loss"]["validation"] is None
    assert scalar["n_parameters"] == len(scalar["parameters"]) and layer["parameters"] is None
