"""Every CLI verb takes any network through one path: the same loss resolution (``--loss`` left out: the
network's own default), the same validators (``--wrt``, ``--at``) and the same output sections, whatever
its steps; what a network of matrix steps cannot do is refused by the library's one message."""

from __future__ import annotations

import json

import pytest

from symnet.cli.naming import load_network, make_loss
from tests.cli_helpers import refused, run


@pytest.mark.parametrize("spec, default, named", [("seed", "squared_error", "bce"),
                                                  ("layers:2-3-2", "softmax_cross_entropy", "cross_entropy"),
                                                  ("layers:2-3-1", "binary_cross_entropy", "squared_error")])
def test_make_loss_gives_each_network_its_default_and_takes_a_named_loss(spec, default, named):
    net = load_network(spec)
    assert make_loss(net).name == default
    assert make_loss(net, named).name == {"bce": "binary_cross_entropy", "cross_entropy": "softmax_cross_entropy"}.get(
        named, named)


def test_make_loss_refuses_a_loss_the_layer_network_cannot_have():
    with pytest.raises(ValueError, match="--loss: .*softmax"):
        make_loss(load_network("layers:2-3-2"), "binary_cross_entropy")


@pytest.mark.parametrize("network", ["mlp:2-2-1", "layers:2-3-2"])
def test_grad_prints_the_loss_and_the_gradient_sections_for_any_network(network):
    res = run("grad", network, "--format", "text")
    assert res.exit_code == 0, res.output
    assert res.output.startswith("loss:\n") and "\ngradient program:\n" in res.output
    data = json.loads(run("grad", network, "--format", "json").output)
    assert data["wrt"] and set(data["derivatives"]) == set(data["wrt"])


def test_grad_of_layers_in_json_names_its_matrices():
    data = json.loads(run("grad", "layers:2-3-2", "--wrt", "W1,b2", "--format", "json").output)
    assert data["wrt"] == ["W1", "b2"] and data["loss_name"] == "softmax_cross_entropy"


@pytest.mark.parametrize("args, words", [
    (("grad", "layers:2-3-2", "--at", "x=1"), ("matrix", "check_grads")),
    (("grad", "layers:2-3-2", "--expanded"), ("matrix", "lower")),
    (("check", "layers:2-3-2", "--at", "x=1"), ("matrix",)),
    (("check", "layers:2-3-2", "--order", "2"), ("Hessian",)),
    (("show", "layers:2-3-2", "--format", "json"), ("no JSON",)),
])
def test_what_matrix_steps_cannot_do_is_one_clear_refusal(args, words):
    refused(run(*args), *words)


def test_check_honours_wrt_for_a_layer_network():
    res = run("check", "layers:2-3-2", "--wrt", "W2", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)["gradients"]
    assert sorted(rows) == sorted(f"W2_{i}_{j}" for i in (1, 2) for j in (1, 2, 3))
    assert all(row["ok"] for row in rows.values())


def test_codegen_is_one_path_and_the_module_runs_for_a_layer_network(tmp_path):
    import numpy as np

    res = run("codegen", "layers:2-3-2", "-o", tmp_path / "m.py")
    assert res.exit_code == 0, res.output
    space: dict = {}
    exec(compile((tmp_path / "m.py").read_text(encoding="utf-8"), "m.py", "exec"), space)   # our own output
    theta = np.linspace(-1, 1, 17)
    value, gradient = space["value_and_grad"](theta, np.ones((3, 2)), np.array([0, 1, 1]))
    assert np.isfinite(value) and gradient.shape == (17,)
