"""backend="auto", the default: per program the backend measured fastest here (LLVM machine code for a
scalar program, BLAS matrix code for a layer network, NumPy where a function has no LLVM form), with the
choice in ``fn.backend`` and the reason in ``fn.why``, equal to the NumPy backend, and never a warning."""

import sys
import warnings

import numpy as np
import pytest
from sympy import Function, Symbol, gamma, polygamma

from symnet import from_expr, mlp, seed_network, squared_error, train, value_and_grad
from symnet.core.layers import layers
from symnet.learn.data import make
from symnet.numeric import fused


def assert_equal_to_numpy(auto_fn, numpy_fn, theta, X, y):
    (a, ga), (b, gb) = auto_fn(theta, X, y), numpy_fn(theta, X, y)
    assert abs(a - b) <= 1e-12 * max(1.0, abs(b))
    np.testing.assert_allclose(ga, gb, rtol=1e-12, atol=1e-12)


def compile_quietly(target, **kwargs):
    """value_and_grad with every warning an error: the default path must not warn."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return value_and_grad(target, **kwargs)


@pytest.mark.parametrize("network", [seed_network, lambda: mlp([2, 4, 4, 1])], ids=["seed", "mlp"])
def test_auto_runs_a_scalar_network_as_llvm_machine_code_equal_to_numpy(network):
    loss = squared_error(network())
    auto_fn, numpy_fn = compile_quietly(loss), value_and_grad(loss, backend="numpy")
    assert (auto_fn.backend, auto_fn.why) == ("fused", "scalar program: LLVM machine code (fused)")
    assert numpy_fn.backend == "numpy" and "asked for" in numpy_fn.why
    rng = np.random.default_rng(3)
    theta, X, y = rng.normal(size=len(numpy_fn.params)), rng.normal(size=(37, 2)), rng.uniform(size=37)
    assert_equal_to_numpy(auto_fn, numpy_fn, theta, X, y)
    # what the learner reads stays the NumPy program, and its standalone module runs
    assert auto_fn.source == numpy_fn.source and "def value_and_grad" in auto_fn.module


def test_auto_runs_a_layer_network_as_blas_matrix_code():
    net = layers([3, 5, 2], activation="tanh")
    auto_fn, numpy_fn = compile_quietly(net), value_and_grad(net, backend="numpy")
    assert (auto_fn.backend, auto_fn.why) == ("numpy", "layer network: BLAS matrix code (numpy)")
    assert "@" in auto_fn.source
    rng = np.random.default_rng(4)
    theta, X, y = rng.normal(size=sum(map(np.prod, numpy_fn.shapes))), rng.normal(size=(9, 3)), rng.integers(0, 2, 9)
    assert_equal_to_numpy(auto_fn, numpy_fn, theta, X, y)


def test_a_function_without_an_llvm_form_runs_numpy_silently_with_the_reason():
    rules = {gamma: lambda ans, u: (ans * polygamma(0, u),)}
    w, x = Symbol("w"), Symbol("x")
    loss = squared_error(from_expr(gamma(w * x), inputs=[x], rules=rules))
    fn = compile_quietly(loss, rules=rules)
    assert fn.backend == "numpy" and "gamma" in fn.why and fn.why.endswith(": NumPy")
    assert fn(np.array([0.5]), np.array([[1.0]]), np.array([0.0]))[0] == pytest.approx(np.pi, rel=1e-9)  # Γ(½)² = π
    with pytest.warns(UserWarning, match="no machine form for gamma"):     # asked for by name: still warned
        value_and_grad(loss, rules=rules, backend="fused")


def test_functions_given_per_call_run_numpy_silently_with_the_reason():
    class cube_root(Function):     # a function symnet knows neither the derivative nor the NumPy form of
        """∛z, unknown to symnet."""

    w, x = Symbol("w"), Symbol("x")
    rules = {cube_root: lambda ans, u: (1 / (3 * ans**2),)}
    loss = squared_error(from_expr(cube_root(w * x), inputs=[x], rules=rules))
    fn = compile_quietly(loss, rules=rules, numpy={"cube_root": np.cbrt})
    assert fn.backend == "numpy" and "numpy=" in fn.why
    assert fn(np.array([8.0]), np.array([[1.0]]), np.array([0.0]))[0] == pytest.approx(4.0)   # (0 − ∛8)²


def test_without_llvmlite_auto_runs_numpy_with_the_reason(monkeypatch):
    fused._llvm.cache_clear()
    monkeypatch.setitem(sys.modules, "llvmlite.binding", None)     # import llvmlite.binding raises ImportError
    try:
        fn = compile_quietly(squared_error(mlp([2, 2, 1])))
    finally:
        fused._llvm.cache_clear()                                   # the next test finds llvmlite again
    assert fn.backend == "numpy" and "llvmlite" in fn.why
    assert fn(np.zeros(9), np.ones((2, 2)), np.ones(2))[0] == pytest.approx(0.25)   # ŷ = σ(0) = ½


def test_explicit_backends_behave_as_before():
    loss = squared_error(mlp([2, 2, 1]))
    assert value_and_grad(loss, backend="numpy").backend == "numpy"
    assert value_and_grad(loss, backend="fused").backend == "fused"
    with pytest.raises(ValueError, match="backend='fused' runs scalar programs"):
        value_and_grad(layers([2, 3, 2]), backend="fused")
    with pytest.raises(ValueError, match="unknown backend 'llvm'; expected one of numpy, jax, fused, matrix, auto"):
        value_and_grad(loss, backend="llvm")


def test_training_with_the_default_runs_fused_and_learns_as_numpy_does():
    data = make("xor", n=64, noise=0.1, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        auto = train(mlp([2, 4, 1]), data, epochs=30, progress=False)
    numpy = train(mlp([2, 4, 1]), data, epochs=30, progress=False, backend="numpy")
    assert auto.settings["backend"] == "fused" and "backend" not in numpy.settings
    np.testing.assert_allclose(auto.history.train_loss, numpy.history.train_loss, rtol=1e-9)
