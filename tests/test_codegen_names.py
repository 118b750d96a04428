"""Generated code cannot confuse a user's names with constants, library functions or keywords."""


import numpy as np
import pytest
from hypothesis import given, settings
from sympy import E, Max, Rational, Symbol, diff, exp, pi, sin

from symnet import from_expr, squared_error, value_and_grad
from symnet.core.activations import rewrite_activations, sigmoid, softplus
from symnet.numeric.codegen import compile_network, expression_function
from tests.strategies import examples
from tests.strategies_names import TRICKY_NAMES, distinct_names

from .test_cli import run

VALUES = (Rational(3, 10), Rational(-7, 10), Rational(11, 10))
X_VALUE, Y_VALUE = Rational(1, 2), Rational(1, 4)


def compiled_and_exact(names):
    """value_and_grad of a loss using E, pi, exp, Max, sigmoid, softplus, sin, against exact SymPy values."""
    a, b, x = (Symbol(n) for n in names)
    expr = E * a * x + pi * b + exp(a * x) / 3 + Max(a, x) + sigmoid(b * x) + softplus(a - b) + sin(pi * a)
    loss = squared_error(from_expr(expr, inputs=[x]))
    theta = {a: VALUES[0], b: VALUES[1]}
    point = {**theta, x: X_VALUE, loss.target: Y_VALUE}
    closed = rewrite_activations(loss.expr.subs(loss.network.program.substitutions()))
    exact = [closed.subs(point)] + [diff(closed, p).subs(point) for p in loss.network.params]
    fn = value_and_grad(loss)
    value, grad = fn(np.array([float(theta[p]) for p in loss.network.params]), np.array([[float(X_VALUE)]]),
                     np.array([float(Y_VALUE)]))
    return [value, *grad], [float(v.evalf(30)) for v in exact]


@settings(max_examples=examples(40))
@given(distinct_names(3))
def test_compiled_values_equal_exact_ones_whatever_the_names(names):
    got, exact = compiled_and_exact(names)
    np.testing.assert_allclose(got, exact, rtol=1e-12)


@pytest.mark.parametrize("names", [("e", "E", "x"), ("maximum", "exp", "numpy"), ("lambda", "if", "None"),
                                   ("sigmoid", "pi", "nan"), ("θ", "theta", "inf"), ("abs", "range", "builtins")])
def test_names_that_broke_or_could_break_generated_code(names):
    got, exact = compiled_and_exact(names)
    np.testing.assert_allclose(got, exact, rtol=1e-12)


def test_every_symbol_gets_a_valid_identifier_and_no_identifier_is_a_global_the_code_reads():
    from symnet.numeric.printer import global_names

    symbols = [Symbol(n) for n in TRICKY_NAMES if n not in ("y",)]
    expr = sum((i + 1) * s for i, s in enumerate(symbols[1:]))
    fn = value_and_grad(squared_error(from_expr(E * symbols[0] + expr + exp(symbols[0]), inputs=[symbols[0]])))
    identifiers = {name for _, name in fn.generated.names}
    assert len(identifiers) == len(fn.generated.names) and all(i.isidentifier() and i.isascii() for i in identifiers)
    assert not global_names(fn.source) & identifiers


def test_the_cli_grad_of_e_times_w_is_e_squared():
    result = run("grad", "--expr", "E*x + e*w", "--inputs", "x", "--at", "x=1,e=0,w=0,y=0")
    assert result.exit_code == 0, result.output
    assert "L = 7.38905609893" in result.output


def test_a_parameter_named_like_a_numpy_function_is_a_number():
    result = run("grad", "--expr", "maximum*x", "--inputs", "x", "--at", "x=1,maximum=2,y=0")
    assert result.exit_code == 0, result.output
    assert "L = 4" in result.output


def test_predict_and_expression_functions_use_the_same_identifiers():
    e, x = Symbol("e"), Symbol("x")
    net = from_expr(E * x + e, inputs=[x])
    assert compile_network(net)(np.array([0.0]), np.array([[1.0]]))[0] == pytest.approx(float(E))
    assert expression_function(E * e, [e])(0.0) == 0.0
    assert expression_function(E + Symbol("maximum"), [Symbol("maximum")])(1.0) == pytest.approx(float(E) + 1)


def test_check_grads_agrees_with_parameters_named_like_constants():
    from symnet import check_grads

    e, lam, x = Symbol("e"), Symbol("lambda"), Symbol("x")
    report = check_grads(squared_error(from_expr(E * x + e * lam + Max(e, x), inputs=[x])))
    assert report.ok and not report.skipped
