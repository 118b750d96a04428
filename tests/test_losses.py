"""Losses: one meaning of a bare Network in every verb, and your own loss from a formula in ŷ and y."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sympy import Rational, Symbol, symbols

import symnet
from symnet import (
    Loss,
    binary_cross_entropy,
    check_grads,
    derive,
    grad,
    mlp,
    seed_network,
    squared_error,
    value_and_grad,
)
from symnet.cli import main
from symnet.core.activations import rewrite_activations
from symnet.core.losses import as_loss
from symnet.plot.graph import graph_data

Y, YHAT = symbols("y yhat")
NET = seed_network()
X = np.array([[1.0, -0.5], [0.3, 2.0], [-1.2, 0.4]])
T = np.array([1.0, 0.0, 0.5])
THETA = np.linspace(-0.8, 0.9, 11)


def run(*args):
    return CliRunner().invoke(main, list(args))


# --- a bare Network means its squared error, in every verb ------------------------------------


def test_a_network_is_its_squared_error_in_every_verb():
    loss = squared_error(NET)
    assert as_loss(NET) == loss
    assert grad(NET).forward == grad(loss).forward and grad(NET).results == grad(loss).results
    value, gradient = value_and_grad(NET)(THETA, X, T)
    value_l, gradient_l = value_and_grad(loss)(THETA, X, T)
    assert value == value_l and np.array_equal(gradient, gradient_l)
    assert check_grads(NET, THETA, X, T) == check_grads(loss, THETA, X, T)
    assert derive(NET, wrt="b5") == derive(loss, wrt="b5")
    assert graph_data(NET, wrt="b5") == graph_data(loss, wrt="b5")


def test_a_network_in_grad_differentiates_the_loss_not_yhat():
    g = grad(NET, wrt="b5")
    assert g.forward.outputs == (Symbol("L"),)
    assert Symbol("y") in g.program.closed_form()[1].free_symbols


def test_something_that_is_not_a_loss_is_refused_with_the_meaning():
    with pytest.raises(TypeError, match="squared error"):
        as_loss("seed")


# --- your own loss --------------------------------------------------------------------------


def closed_loss(loss) -> sympy.Expr:
    """L in inputs, params and the target: the independent sympy.diff oracle's input."""
    return rewrite_activations(loss.program.closed_form()[0])


@pytest.mark.parametrize("param", ["w1_1", "b3", "w5_2"])
def test_nielsen_half_squared_error_has_the_gradient_sympy_diff_finds(param):
    loss = Loss.from_expr(NET, Rational(1, 2) * (Y - YHAT) ** 2)
    compact = grad(loss, wrt=param).expanded(param)
    reference = sympy.diff(closed_loss(loss), Symbol(param))
    point = {s: 0.3 + 0.1 * i for i, s in enumerate(loss.program.inputs + loss.program.params)}
    assert float(compact.xreplace(point).evalf()) == pytest.approx(float(reference.xreplace(point).evalf()), rel=1e-12)


@given(st.floats(-2, 2), st.floats(-2, 2), st.floats(0, 1))
def test_half_squared_error_is_half_the_squared_error_gradient(w, b, y):
    net = mlp([1, 1], "tanh")
    half = value_and_grad(symnet.loss(net, "0.5*(y - yhat)**2"))
    full = value_and_grad(net)
    X1, t = np.array([[0.7]]), np.array([y])
    assert half(np.array([w, b]), X1, t)[1] == pytest.approx(full(np.array([w, b]), X1, t)[1] / 2, abs=1e-12)


@pytest.mark.parametrize("formula", ["0.5*(y - yhat)**2", "log(cosh(yhat - y))",
                                     "Min(Abs(yhat - y), 1)*Abs(yhat - y) - Min(Abs(yhat - y), 1)**2/2"])
def test_custom_losses_pass_the_four_way_check(formula):
    loss = symnet.loss(NET, formula)
    from symnet.io.parsing import parse_expr

    assert loss.name == str(parse_expr(formula)) and loss.display.has(YHAT)   # named after the parsed formula
    report = check_grads(loss, THETA, X, T)
    assert report.ok and not report.skipped, str(report)


def test_named_losses_keep_working():
    assert symnet.loss(NET).name == "squared_error"
    assert symnet.loss(NET, "bce") == binary_cross_entropy(NET)
    assert symnet.loss(NET, (Y - YHAT) ** 2).display == squared_error(NET).display


def test_y_in_a_loss_means_the_target_even_when_an_input_is_called_y():
    net = symnet.from_expr("w*y", inputs="y")
    loss = Loss.from_expr(net, (Y - YHAT) ** 2 / 2)
    assert loss.target == Symbol("y_true") and loss.display == (Symbol("y_true") - YHAT) ** 2 / 2


def test_a_custom_loss_survives_the_scalar_view_of_abstract_derivations():
    loss = symnet.loss(NET, "0.5*(y - yhat)**2")
    derivation = derive(loss, wrt="θ5", abstract=True)
    assert derivation.loss.display == loss.display


def test_bad_losses_say_what_a_loss_is():
    with pytest.raises(ValueError, match="q is neither"):
        symnet.loss(NET, "(y - yhat)**2 + q")
    with pytest.raises(ValueError, match="does not depend on yhat"):
        symnet.loss(NET, "y**2")
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        symnet.core.losses.loss(NET, "hinge")
    with pytest.raises(TypeError, match="safe parser"):
        Loss.from_expr(NET, "(y - yhat)**2")


def test_training_with_your_own_loss_and_saving_it(tmp_path):
    from symnet.learn.data import make
    from symnet.learn.modelfile import load

    result = symnet.train(mlp([2, 3, 1], "tanh", "sigmoid"), make("xor", n=40, seed=0), epochs=5,
                          loss="0.5*(y - yhat)**2", progress=False)
    assert result.loss.name == "0.5*(y - yhat)**2"
    symnet.learn.training.save(tmp_path / "m.json", result)
    assert load(tmp_path / "m.json").loss.display == result.loss.display


# --- the command line ---------------------------------------------------------------------------


def test_cli_loss_takes_a_formula_on_every_command_that_has_it():
    at = "x1=1,x2=2,y=1," + ",".join(f"{p}=0.1" for p in NET.params)
    result = run("grad", "seed", "--wrt", "b5", "--loss", "0.5*(y - yhat)**2", "--at", at, "--format", "json")
    assert result.exit_code == 0, result.output
    import json

    expected = value_and_grad(symnet.loss(NET, "0.5*(y - yhat)**2"))(np.full(11, 0.1), [[1.0, 2.0]], [1.0])[1][-1]
    data = json.loads(result.output)
    assert data["loss"] == "0.5*(y - yhat)**2"
    assert data["values"]["b5"] == pytest.approx(float(expected), rel=1e-12)
    assert run("check", "seed", "--loss", "log(cosh(yhat - y))").exit_code == 0
    assert run("derive", "seed", "--wrt", "b5", "--loss", "0.5*(y - yhat)**2").exit_code == 0
    assert "0.5" in run("codegen", "seed", "--loss", "0.5*(y - yhat)**2").output


def test_cli_bad_loss_is_one_line_exit_2():
    result = run("grad", "seed", "--loss", "(y - yhat)**2 + q")
    assert result.exit_code == 2 and result.output.startswith("Error: --loss: a loss is a formula in yhat")


def test_an_expr_containing_the_target_is_refused_not_squared_twice():
    result = run("grad", "--expr", "(y - w*x)**2", "--inputs", "x,y")
    assert result.exit_code == 2
    assert "--expr contains y, the target" in result.output and "squared a second time" in result.output
    assert "Traceback" not in result.output
    fixed = run("grad", "--expr", "w*x", "--inputs", "x", "--loss", "0.5*(y - yhat)**2")
    assert fixed.exit_code == 0 and "L = 0.5·(y - ŷ)²" in fixed.output


def test_one_loss_verb_for_every_network():
    """``symnet.loss`` and ``as_loss`` take a network of either kind: left out, the loss is the network's default."""
    import symnet

    softmax, sigmoid = symnet.layers("2-3-2"), symnet.layers("2-3-1")
    assert symnet.loss(softmax).name == as_loss(softmax).name == "softmax_cross_entropy"
    assert symnet.loss(sigmoid).name == "binary_cross_entropy" and symnet.loss(sigmoid, "mse").name == "squared_error"
    assert symnet.loss(NET).name == as_loss(NET).name == "squared_error"
    with pytest.raises(ValueError, match="softmax"):
        symnet.loss(softmax, "bce")
    with pytest.raises(TypeError, match="Network"):
        as_loss(softmax.program)
