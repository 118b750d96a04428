"""The fused backend: one numba-compiled loop over the batch, equal to NumPy; a clear fallback where it cannot."""

import numpy as np
import pytest
from sympy import Max, Symbol, erf, exp, pi, sqrt

from symnet import from_expr, mlp, squared_error, value_and_grad
from symnet.core.activations import relu, sigmoid, softplus


def test_fused_equals_numpy_with_relu_softplus_and_a_max():
    w, b, x = (Symbol(n) for n in "wbx")
    net = from_expr(relu(w * x + b) + softplus(w - x) + sigmoid(1000 * (x - b)) + Max(w * x, b), inputs=[x])
    loss = squared_error(net)
    numpy_fn, fused_fn = value_and_grad(loss), value_and_grad(loss, backend="fused")
    assert fused_fn.backend == "fused"
    rng = np.random.default_rng(5)
    theta, X, y = rng.normal(size=2), np.linspace(-5, 5, 41)[:, None], rng.uniform(size=41)
    (a, ga), (b, gb) = numpy_fn(theta, X, y), fused_fn(theta, X, y)
    assert abs(a - b) <= 1e-12 * max(1.0, abs(a))
    np.testing.assert_allclose(gb, ga, rtol=1e-12, atol=1e-12)
    losses, grads = fused_fn(theta, X, y, per_sample=True)   # rows come from the NumPy code
    np.testing.assert_allclose(grads.mean(axis=0), gb, rtol=1e-12, atol=1e-12)


def test_fused_runs_an_mlp_like_numpy_and_accepts_columns_from_a_training_loop():
    loss = squared_error(mlp([2, 3, 1]))
    numpy_fn, fused_fn = value_and_grad(loss), value_and_grad(loss, backend="fused")
    rng = np.random.default_rng(2)
    theta, X, y = rng.normal(size=len(numpy_fn.params)), rng.normal(size=(33, 2)), rng.uniform(size=33)
    np.testing.assert_allclose(fused_fn.evaluate_columns(tuple(X.T), y, theta)[1], numpy_fn(theta, X, y)[1],
                               rtol=1e-12, atol=1e-12)


def test_a_function_numba_cannot_compile_falls_back_to_numpy_with_the_reason():
    rules = {erf: lambda ans, u: (2 / sqrt(pi) * exp(-u**2),)}
    w, x = Symbol("w"), Symbol("x")
    loss = squared_error(from_expr(erf(w * x), inputs=[x], rules=rules))
    with pytest.warns(UserWarning, match=r"backend='fused' is not available for this loss: numba cannot compile"):
        fn = value_and_grad(loss, rules=rules, backend="fused")
    assert fn.backend == "numpy"
    assert fn(np.array([0.5]), np.array([[1.0]]), np.array([0.0]))[0] == pytest.approx(0.5204998778**2, rel=1e-9)
