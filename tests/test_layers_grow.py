"""Layer networks grow up: one activation per hidden layer, residual adds, formula activations as text, and a
``.spec`` that always reads back (library and CLI)."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
import sympy
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Lambda, MatAdd, MatrixSymbol

import symnet
from symnet.cli import main
from symnet.core.backprop import grad
from symnet.core.layers import lower, parse_layer_spec
from symnet.core.matrix_rules import Apply
from symnet.io.text import layers
from tests.strategies import examples

# ---- one activation per hidden layer ------------------------------------------------------------------


def test_each_hidden_layer_gets_its_own_activation():
    net = layers("5-8-6-3", activation=["tanh", "relu"])
    applied = [rhs.name for _, rhs in net.program.assignments if isinstance(rhs, Apply)]
    assert applied == ["tanh", "relu"] and net.activations == ("tanh", "relu")
    assert net.spec == "layers:5-8-6-3:tanh,relu:softmax"
    assert layers("layers:5-8-6-3:tanh,relu:softmax") == net
    assert layers("5-8-6-3", activation=["tanh", "tanh"]).spec == "layers:5-8-6-3:tanh:softmax"


def test_a_list_of_the_wrong_length_is_refused_with_the_count():
    with pytest.raises(ValueError, match="5-8-6-3 has 2 hidden layers: give one activation for all of them or one "
                                         "per hidden layer; got 3"):
        layers("5-8-6-3", activation=["tanh", "relu", "relu"])


@pytest.mark.parametrize("spec", ["3-4-3-2:tanh,relu:softmax", "2-3-3-1:sigmoid,softplus:sigmoid:residual",
                                  "3-3-3-2:tanh,z*sigmoid(z):softmax:residual"])
def test_gradient_equals_lowered_scalar_gradient_and_finite_differences(spec):
    report = symnet.check_grads(layers(spec))
    assert report.ok and report.methods == ("matrix", "lowered", "numeric", "finite_diff")
    assert all(None not in row.values for row in report.rows) and len(report.rows) == layers(spec).n_params


# ---- residual adds ---------------------------------------------------------------------------------


def test_residual_adds_the_previous_activation_where_widths_match():
    net = layers("3-4-4-2", activation=["tanh", "relu"], residual=True)
    assert net.residual == (2,) and net.spec == "layers:3-4-4-2:tanh,relu:softmax:residual"
    p = net.program
    h2, a1, a2 = (MatrixSymbol(n, 4, 1) for n in ("h2", "a1", "a2"))
    assert p.rhs(a2) == MatAdd(h2, a1) and p.rhs(h2) == Apply("relu", MatrixSymbol("z2", 4, 1))


def test_the_skip_adds_a_term_to_the_adjoint_of_the_previous_layer():
    g = grad(layers("3-4-4-2:tanh,relu:softmax:residual").loss())
    adj = dict(g.adjoints)
    delta_a2 = MatrixSymbol("delta_a2", 4, 1)
    assert delta_a2 in adj                                    # a² is read twice (z³ and the next sum): its own δ
    d_z1 = adj[MatrixSymbol("delta_z1", 4, 1)]
    assert d_z1.args[0] == MatAdd(delta_a2, MatrixSymbol("W2", 4, 4).T * MatrixSymbol("delta_z2", 4, 1))


def test_the_lowered_program_has_the_skip_entry_by_entry():
    lowered = str(lower(layers("2-2-2:tanh:softmax:residual")))
    assert "a1_1 = h1_1 + x_1" in lowered and "a1_2 = h1_2 + x_2" in lowered


def test_generated_numpy_prints_the_add_and_agrees_with_finite_differences():
    net = layers("3-4-4-2:tanh,relu:softmax:residual")
    c = symnet.value_and_grad(net)
    assert "a2 = h2 + a1" in c.source and "delta_z1 = (delta_a2 + (delta_z2 @ W2))" in c.source
    rng = np.random.default_rng(0)
    theta, X, y = rng.normal(size=net.n_params), rng.normal(size=(6, 3)), np.arange(6) % 2
    value, g = c(theta, X, y)
    e = np.zeros(net.n_params)
    e[3] = 1e-6
    assert abs((c(theta + e, X, y)[0] - c(theta - e, X, y)[0]) / 2e-6 - g[3]) < 1e-6


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is an optional extra")
def test_jax_prints_the_add_and_agrees_with_numpy():
    net = layers("3-4-4-2:tanh,relu:softmax:residual")
    jx, npy = symnet.value_and_grad(net, backend="jax"), symnet.value_and_grad(net)
    assert "a2 = h2 + a1" in jx.source
    rng = np.random.default_rng(1)
    theta, X, y = rng.normal(size=net.n_params), rng.normal(size=(5, 3)), np.arange(5) % 2
    assert np.allclose(jx(theta, X, y)[1], npy(theta, X, y)[1], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("sizes, message", [("5-8-6-3", "no hidden layer of 5-8-6-3 is; repeat a width, e.g. 5-8-8-3"),
                                            ("4-4", "4-4 has no hidden layer")])
def test_residual_without_a_matching_width_is_refused(sizes, message):
    with pytest.raises(ValueError, match=message):
        layers(sizes, residual=True)


# ---- formula activations as text --------------------------------------------------------------------


def test_a_formula_activation_as_text_in_the_library():
    net = symnet.layers("3-4-2", activation="z*sigmoid(z)")
    assert isinstance(net.activation, Lambda) and net.spec == "layers:3-4-2:z*sigmoid(z):softmax"
    assert symnet.layers("layers:3-4-2:z*sigmoid(z):softmax") == net
    assert symnet.check_grads(net).ok


def test_mlp_takes_the_formula_its_message_suggests():
    net = symnet.mlp([2, 3, 1], activation="z/(1 + Abs(z))")
    assert str(net.models[0][1].activation) == "z/(Abs(z) + 1)"


@pytest.mark.parametrize("text, message", [("z*w", "which also uses w"), ("(z", "never closed"),
                                           ("__import__('os')", "neither a name nor a formula")])
def test_bad_formula_activations_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        symnet.layers("3-4-2", activation=text)


def test_core_layers_never_reads_text_and_says_where_to():
    from symnet.core.layers import layers as core_layers

    with pytest.raises(ValueError, match="given as text to symnet.layers"):
        core_layers("3-4-2", activation="z*sigmoid(z)")


def test_a_formula_with_commas_is_one_activation():
    parsed = parse_layer_spec("layers:5-8-8-3:tanh,Max(z, 0):softmax:residual")
    assert parsed == ("5-8-8-3", ("tanh", "Max(z, 0)"), "softmax", True)
    net = layers("5-8-8-3:tanh,Max(z, 0):softmax")
    assert layers(net.spec) == net and isinstance(net.activations[1], Lambda)


# ---- a spec that always reads back ------------------------------------------------------------------

NAMES = ["sigmoid", "tanh", "relu", "softplus", "identity", "swish", "gelu"]
FORMULAS = ["z*sigmoid(z)", "z/(1 + Abs(z))", "Max(z, 0.1*z)", "log(1 + exp(z))"]


@st.composite
def networks(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=5))
    n_hidden = len(sizes) - 2
    pick = st.sampled_from(NAMES + FORMULAS)
    activation = draw(st.one_of(pick, st.lists(pick, min_size=n_hidden, max_size=n_hidden)
                                if n_hidden > 1 else pick, st.none()))
    outputs = ["sigmoid", "identity", "tanh"] + (["softmax"] if sizes[-1] > 1 else [])
    output = draw(st.one_of(st.none(), st.sampled_from(outputs)))
    residual = any(sizes[k] == sizes[k - 1] for k in range(1, len(sizes) - 1)) and draw(st.booleans())
    return sizes, activation, output, residual


@settings(max_examples=examples(60), deadline=None)
@given(networks())
def test_every_network_reads_back_from_its_spec(args):
    sizes, activation, output, residual = args
    net = layers(sizes, activation, output, residual=residual)
    assert layers(net.spec) == net and layers(net.spec).spec == net.spec
    assert bool(net.residual) == residual and (output is not None or net.output_activation in ("sigmoid", "softmax"))


@pytest.mark.parametrize("value", [0.1, 0.123456789012345678, 1 / 3, 1e-20, 1e300, -2.5e-7])
def test_a_formula_with_any_double_reads_back(value):
    net = layers("2-3-2", activation=lambda z: value * z + sympy.exp(-value * z))
    assert layers(net.spec) == net and repr(value) in net.spec


def test_every_function_of_the_rule_table_reads_back():
    from symnet.core.rules import DERIVATIVES

    functions = [f for f in DERIVATIVES if isinstance(f, type) and issubclass(f, sympy.Function)
                 and f not in (sympy.Max, sympy.Min)]
    assert len(functions) >= 12
    for f in functions:
        net = layers("2-3-2", activation=lambda z, f=f: f(z + 1))
        assert layers(net.spec) == net, f


def test_one_output_defaults_to_sigmoid_and_reads_back():
    net = layers([3, 4, 1])
    assert net.spec == "layers:3-4-1:relu:sigmoid" and layers(net.spec) == net


# ---- the CLI ---------------------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_cli_derives_a_network_with_one_activation_per_layer():
    res = run("derive", "layers:5-8-8-3:tanh,relu:softmax")
    assert res.exit_code == 0, res.output
    assert "layers:5-8-8-3:tanh,relu:softmax" in res.output and "relu′(z²)" in res.output and "tanh′(z¹)" in res.output


def test_cli_derives_a_residual_network_with_the_skip_term():
    res = run("grad", "layers:3-4-4-2:tanh,relu:softmax:residual")
    assert res.exit_code == 0, res.output
    assert "a² = h² + a¹" in res.output and "δ¹ = (∂C/∂a² + W²ᵀ δ²) ⊙ tanh′(z¹)" in res.output
    shown = run("show", "layers:3-4-4-2:tanh,relu:softmax:residual")
    assert shown.exit_code == 0 and "a² = h² + a¹" in shown.output


def test_cli_trains_per_layer_and_residual_networks_and_the_model_reads_back(tmp_path):
    for k, spec in enumerate(["layers:64-8-8-10:tanh,relu:softmax", "layers:64-16-16-10:tanh:softmax:residual"]):
        out = tmp_path / str(k)
        res = run("train", spec, "--data", "digits", "--epochs", "2", "--quiet", "--out", str(out))
        assert res.exit_code == 0, res.output
        assert json.loads((out / "model.json").read_text())["network"] == spec
        shown = run("show", str(out / "model.json"))
        assert shown.exit_code == 0 and shown.output.startswith(spec + ":")


def test_cli_takes_a_formula_activation_in_the_spec(tmp_path):
    res = run("check", "layers:3-4-2:z*sigmoid(z):softmax")
    assert res.exit_code == 0 and "all gradients agree" in res.output
    trained = run("train", "layers:2-6-2:z*sigmoid(z):softmax", "--data", "moons", "--epochs", "2", "--quiet",
                  "--out", str(tmp_path))
    assert trained.exit_code == 0, trained.output


@pytest.mark.parametrize("spec, message", [
    ("layers:5-8-6-3:tanh:softmax:residual", "no hidden layer of 5-8-6-3 is"),
    ("layers:5-8-6-3:tanh,relu,relu", "5-8-6-3 has 2 hidden layers"),
    ("layers:3-4-2:z*w", "which also uses w"),
    ("layers:3-4-2:tanh,", "an empty activation"),
    ("layers:3-4-2:tanh:softmax:residual:x", "expected layers:SIZES"),
    ("layers:3-4-2:__import__('os'):softmax", "the activation"),
    ("layers:3-3-2:residual:softmax", "it goes last in a spec"),
    ("layers:3-4-2:" + "(" * 3000 + "z" + ")" * 3000, "at most 2000 are allowed"),
    ("layers:3-4-2:" + "z," * 5000 + "z", "got 5001"),
])
def test_cli_refuses_bad_specs_with_exit_code_2(spec, message):
    res = run("show", spec)
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output


SMOOTH = ["sigmoid", "tanh", "softplus", "swish", "identity", "z*sigmoid(z)", "z/(1 + Abs(z))"]


@st.composite
def smooth_networks(draw):
    sizes = draw(st.lists(st.integers(1, 3), min_size=3, max_size=4))
    activation = draw(st.lists(st.sampled_from(SMOOTH), min_size=len(sizes) - 2, max_size=len(sizes) - 2))
    output = draw(st.sampled_from(["sigmoid", "identity"] + (["softmax"] if sizes[-1] > 1 else [])))
    residual = any(sizes[k] == sizes[k - 1] for k in range(1, len(sizes) - 1)) and draw(st.booleans())
    return layers(sizes, activation, output, residual=residual)


@settings(max_examples=examples(20), deadline=None)
@given(smooth_networks())
def test_random_per_layer_and_residual_networks_agree_four_ways(net):
    report = symnet.check_grads(net)
    assert report.ok, (net.spec, report)
    assert report.methods == ("matrix", "lowered", "numeric", "finite_diff") and len(report.rows) == net.n_params


def test_cli_activation_option_gives_one_per_hidden_layer_and_keeps_the_skip():
    res = run("show", "layers:5-8-6-3", "--activation", "tanh,z*sigmoid(z)")
    assert res.exit_code == 0 and res.output.startswith("layers:5-8-6-3:tanh,z*sigmoid(z):softmax:"), res.output
    from symnet.cli.naming import with_activation

    changed = with_activation(layers("4-4-4-2:tanh:softmax:residual"), "relu")   # one path for every network
    assert changed.spec == "layers:4-4-4-2:relu:softmax:residual" and changed.residual == (1, 2)
