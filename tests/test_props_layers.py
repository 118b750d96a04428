"""Hypothesis properties of layer networks through the public API: for random widths, per-layer activations
(table names and formulas in z), outputs and losses, the matrix gradient (``value_and_grad``) equals the
gradient of the network lowered to scalars (``lower``, then ``grad``) and central finite differences, by the
agreement rule of ``check_grads``: |a − b| ≤ ATOL·max(1, |L|) + RTOL·max(|a|, |b|)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import expit
from sympy import lambdify

import symnet
from symnet.numeric.gradcheck import ATOL, RTOL
from tests.differences import central_differences
from tests.strategies_layers import layer_batches, layer_specs

# NumPy forms of symnet's own functions for the oracle (SymPy's own, erf and Abs, lambdify knows)
NUMERIC = {"sigmoid": expit, "softplus": lambda z: np.logaddexp(0.0, z), "relu": lambda z: np.maximum(z, 0.0)}


def agree(a, b, loss: float) -> np.ndarray:
    """The agreement rule, elementwise."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.abs(a - b) <= ATOL * max(1.0, abs(loss)) + RTOL * np.maximum(np.abs(a), np.abs(b))


def to_numpy(program):
    """A scalar program as one NumPy function of (inputs, params) -> outputs, by lambdify with the program as cse."""
    return lambdify(program.inputs + program.params, list(program.outputs),
                    cse=lambda exprs: (list(program.assignments), exprs), modules=[NUMERIC, "numpy", "scipy"])


@lru_cache(maxsize=None)
def compiled(spec):
    """The matrix program compiled, and the lowered scalar gradient as a NumPy function, once per shape."""
    scalar = symnet.grad(symnet.lower(spec.build())).program
    return symnet.value_and_grad(spec.build(), backend="numpy"), scalar, to_numpy(scalar)


def lowered(spec, theta, X, y):
    """Mean loss and mean gradient of the lowered scalar program: one scalar input per entry of x and of y."""
    _, scalar, oracle = compiled(spec)
    k, n = spec.sizes[-1], len(X)
    Y = np.eye(k)[y] if spec.output == "softmax" else y.reshape(n, k)
    values = oracle(*X.T, *Y.T, *theta)
    means = np.array([np.mean(np.broadcast_to(v, (n,))) for v in values])
    return means[0], means[1:]


@given(st.data())
def test_matrix_gradient_equals_the_lowered_scalar_gradient_and_finite_differences(data):
    spec = data.draw(layer_specs(), label="spec")
    theta, X, y = data.draw(layer_batches(spec), label="point")
    fn, scalar, _ = compiled(spec)
    value, matrix = fn(theta, X, y)
    assert matrix.shape == theta.shape == (len(scalar.params),)
    scalar_value, scalar_grad = lowered(spec, theta, X, y)
    finite = central_differences(lambda t: fn(t, X, y)[0], theta)
    assert np.isfinite(value) and agree(value, scalar_value, value)
    assert agree(matrix, scalar_grad, value).all(), (spec, matrix, scalar_grad)
    assert agree(matrix, finite, value).all(), (spec, matrix, finite)


def test_the_lowered_parameters_are_the_matrix_entries_in_thetas_order():
    """The comparison above pairs θ's entries with the lowered program's parameters by position: W¹ row by row,
    b¹, W², b²…, as ``value_and_grad`` lays θ out."""
    net = symnet.layers("3-2-2", activation="z*sigmoid(z)", output="softmax")
    names = [p.name for p in symnet.lower(net.loss()).params]
    assert names[:7] == ["W1_1_1", "W1_1_2", "W1_1_3", "W1_2_1", "W1_2_2", "W1_2_3", "b1_1"]
    gradient = symnet.value_and_grad(net)(np.zeros(14), np.zeros((1, 3)), np.array([0]))[1]
    assert names[-2:] == ["b2_1", "b2_2"] and len(names) == gradient.size == 14


@given(st.data())
def test_the_lowered_network_computes_every_output_the_compiled_one_predicts(data):
    spec = data.draw(layer_specs(), label="spec")
    theta, X, _ = data.draw(layer_batches(spec), label="point")
    lowered_net = symnet.lower(spec.network())
    assert len(lowered_net.outputs) == spec.sizes[-1]          # one scalar output per entry of aᴸ
    outputs = to_numpy(lowered_net)(*X.T, *theta)
    got = np.column_stack([np.broadcast_to(o, (len(X),)) for o in outputs])
    expected = compiled(spec)[0].predict(theta, X).reshape(len(X), -1)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
