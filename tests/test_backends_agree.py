"""Hypothesis properties: ``value_and_grad(..., backend="jax")`` and ``backend="fused"`` (LLVM) give the loss and
gradient ``backend="numpy"`` gives, at random θ and batches, for scalar and layer networks (public API only).

Every backend runs the same program in float64, so they agree far more closely than the gradient check's rule
needs: |a − b| ≤ 1e-12·max(1, |L|) + 1e-9·max(|a|, |b|). Each network is compiled once per backend; JAX traces
once per batch size, so its batches keep one size while θ, X and y vary.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import symnet

RTOL, ATOL = 1e-9, 1e-12
JAX_BATCH = 4

SCALAR = {
    "seed": lambda: symnet.seed_network(),
    "mlp-tanh": lambda: symnet.mlp([2, 3, 1], activation="tanh"),
    "mlp-relu": lambda: symnet.mlp([2, 3, 2, 1], activation="relu"),
    "expression": lambda: symnet.from_expr("tanh(a*x) * exp(b*x) + c*x**3", inputs="x"),
    "erf-abs": lambda: symnet.from_expr("erf(w*x)/(1 + Abs(w*x + b))", inputs="x"),
    "cross-entropy": lambda: symnet.loss(symnet.mlp([2, 2, 1]), "binary_cross_entropy"),
    "log-cosh": lambda: symnet.loss(symnet.mlp([1, 2, 1], activation="softplus"), "log(cosh(yhat - y))"),
}
LAYER = {
    "softmax-tanh": lambda: symnet.layers("3-4-2", activation="tanh", output="softmax"),
    "formula-per-layer": lambda: symnet.layers("2-3-3-1", activation=["z*sigmoid(z)", "z/(1 + Abs(z))"],
                                               output="sigmoid"),
    "residual-relu": lambda: symnet.layers("2-2-2-2", activation="relu", output="identity", residual=True),
    "named-activations": lambda: symnet.layers("2-3-3-3-1", activation=["swish", "softsign", "gelu"],
                                               output="identity"),
}
SOFTMAX = {"softmax-tanh"}      # the layer cases whose targets are labels
# JAX traces each program once: a few of each kind, so the file stays quick
JAX_CASES = [("scalar", "seed"), ("scalar", "cross-entropy"), ("layer", "softmax-tanh"), ("layer", "formula-per-layer"),
             ("layer", "named-activations")]   # swish, softsign, gelu: JAX forms from the lowering registry
FUSED_CASES = [("scalar", name) for name in SCALAR] + [("layer", name) for name in LAYER]


def network(kind: str, name: str):
    return (SCALAR if kind == "scalar" else LAYER)[name]()


@lru_cache(maxsize=None)
def compiled(kind: str, name: str, backend: str):
    """``value_and_grad`` of the case on ``backend``, once; a backend that does not take the case: pytest skips,
    saying why (its own message, or why it fell back to NumPy)."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn = symnet.value_and_grad(network(kind, name), backend=backend)
    except ValueError as error:
        if backend in str(error):
            return f"backend={backend!r} does not take a {kind} network: {error}"
        raise
    if fn.backend != backend:
        warned = [str(w.message) for w in caught]
        return f"backend={backend!r} fell back to {fn.backend!r} for {name}: {fn.why} {warned}"
    return fn


def size(kind: str, name: str) -> tuple[int, int, int]:
    """(parameters, inputs, outputs) of the case, from its scalar program (a layer network lowered)."""
    net = network(kind, name)
    program = symnet.lower(net) if kind == "layer" else getattr(net, "network", net).program
    return len(program.params), len(program.inputs), len(program.outputs)


@st.composite
def batches(draw, kind: str, name: str, n: int | None = None):
    """θ in [−3, 3], X in [−2, 2], targets for the case (labels for a softmax, values in [0, 1] otherwise)."""
    n_params, n_inputs, k = size(kind, name)
    n = draw(st.integers(1, 8)) if n is None else n
    unit = st.floats(-1, 1, allow_nan=False)
    theta = draw(arrays(np.float64, n_params, elements=unit.map(lambda v: 3 * v)))
    X = draw(arrays(np.float64, (n, n_inputs), elements=unit.map(lambda v: 2 * v)))
    softmax = kind == "layer" and name in SOFTMAX
    y = (draw(arrays(np.int64, n, elements=st.integers(0, k - 1))) if softmax
         else draw(arrays(np.float64, (n, k) if kind == "layer" else n, elements=st.floats(0, 1))))
    return theta, X, y


def assert_same(expected, got):
    (value, g), (other_value, other_g) = expected, got
    scale = ATOL * max(1.0, abs(value))
    assert abs(value - other_value) <= scale + RTOL * max(abs(value), abs(other_value)), (value, other_value)
    assert np.all(np.abs(g - other_g) <= scale + RTOL * np.maximum(np.abs(g), np.abs(other_g))), (g, other_g)


def run(kind, name, backend, data, n=None):
    fn = compiled(kind, name, backend)
    if isinstance(fn, str):
        pytest.skip(fn)
    theta, X, y = data.draw(batches(kind, name, n), label="point")
    expected = compiled(kind, name, "numpy")(theta, X, y)
    assert np.isfinite(expected[0]) and expected[1].shape == theta.shape
    assert_same(expected, fn(theta, X, y))


@pytest.mark.parametrize("kind, name", FUSED_CASES)
@given(data=st.data())
def test_fused_gives_numpys_loss_and_gradient(kind, name, data):
    run(kind, name, "fused", data)


@pytest.mark.parametrize("kind, name", JAX_CASES)
@given(data=st.data())
def test_jax_gives_numpys_loss_and_gradient(kind, name, data):
    pytest.importorskip("jax")
    run(kind, name, "jax", data, n=JAX_BATCH)
