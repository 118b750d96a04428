"""Second derivatives on the fused backend (``numeric.hessian_runs``): ``backend="auto"`` (the default)
compiles the Hessian and the hvp of a scalar network to one LLVM loop, equal to NumPy's to 1e-10 at every
batch size, and says why; NumPy where LLVM cannot run the program (``auto`` says why, ``"fused"`` refuses)."""

import numpy as np
import pytest
from sympy import S, Symbol, gamma, polygamma

from symnet import from_expr, loss, mlp, seed_network, squared_error
from symnet.numeric import fused, hessian_runs
from symnet.numeric.codegen import AUTO_FUSED
from symnet.numeric.hessian import compile_hessian, hvp

SEED = squared_error(seed_network())
LLVM = fused._llvm()
needs_llvm = pytest.mark.skipif(isinstance(LLVM, str), reason=f"no fused backend here: {LLVM}")


def batch(n: int, d: int = 2, p: int = 11, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=p), rng.normal(size=p), rng.normal(size=(n, d)), rng.uniform(size=n)


@pytest.fixture(scope="module")
def seed_pair():
    """(numpy, default) Hessians and hvps of the seed network, compiled once."""
    return ((compile_hessian(SEED, backend="numpy"), hvp(SEED, backend="numpy")),
            (compile_hessian(SEED), hvp(SEED)))


@needs_llvm
@pytest.mark.parametrize("n", [1, 3, 4, 7, 33, 1024])     # the 4-wide loop, the scalar loop, both
def test_the_default_seed_hessian_and_hvp_run_fused_and_equal_numpy(seed_pair, n):
    (H, Hv), (F, Fv) = seed_pair
    assert F.backend == Fv.backend == "fused" and F.why == Fv.why == AUTO_FUSED
    theta, v, X, y = batch(n, seed=n)
    np.testing.assert_allclose(F(theta, X, y), H(theta, X, y), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(Fv(theta, v, X, y), Hv(theta, v, X, y), rtol=1e-10, atol=1e-12)


@needs_llvm
def test_the_fused_hessian_is_exactly_symmetric_and_its_run_starts_with_the_loss(seed_pair):
    (H, _), (F, _) = seed_pair
    theta, _, X, y = batch(50, seed=3)
    matrix = F(theta, X, y)
    assert np.array_equal(matrix, matrix.T)      # the entries i ≤ j, mirrored
    out = F.run(np.ascontiguousarray(X.T), y, theta)    # the layout Newton's method reads: L, then H row by row
    numpy_out = H.run(X.T, y, theta)
    assert out.shape == numpy_out.shape == (1 + 11 * 11,)
    assert out[0] == pytest.approx(numpy_out[0], rel=1e-12)
    # the Hessian of the mean loss by finite differences of the NumPy one would be a weaker check: here
    # the mirrored lower triangle is compared with NumPy's own lower entries
    lower = np.tril_indices(11, -1)
    np.testing.assert_allclose(matrix[lower], H(theta, X, y)[lower], rtol=1e-10, atol=1e-12)


@needs_llvm
def test_fused_asked_for_runs_fused_and_says_so():
    net = from_expr("tanh(a*x) * exp(b*x) + c*x**3", inputs="x")
    F, Fv = compile_hessian(net, backend="fused"), hvp(net, backend="fused")
    assert F.backend == Fv.backend == "fused" and F.why == "backend='fused' asked for"
    theta, v, X, y = batch(9, d=1, p=3, seed=5)
    np.testing.assert_allclose(F(theta, X, y), compile_hessian(net, backend="numpy")(theta, X, y), rtol=1e-10,
                               atol=1e-12)
    np.testing.assert_allclose(Fv(theta, v, X, y), hvp(net, backend="numpy")(theta, v, X, y), rtol=1e-10,
                               atol=1e-12)


GAMMA_RULES = {gamma: lambda ans, u: (ans * polygamma(0, u),),      # Γ has no machine form; ψ neither
               polygamma: lambda ans, n, u: (S.Zero, polygamma(n + 1, u))}


def gamma_loss():
    w, x = Symbol("w"), Symbol("x")
    return squared_error(from_expr(gamma(w * x), inputs=[x], rules=GAMMA_RULES))


@needs_llvm
def test_a_step_without_a_machine_form_auto_falls_back_to_numpy_and_fused_is_refused():
    target = gamma_loss()
    H = compile_hessian(target, rules=GAMMA_RULES)
    assert H.backend == "numpy" and "no machine form for gamma" in H.why and H.why.endswith(": NumPy")
    value = H(np.array([0.5]), np.array([[1.0]]), np.array([0.0]))
    assert value.shape == (1, 1) and np.isfinite(value).all()
    for compile_kind in (compile_hessian, hvp):
        with pytest.raises(NotImplementedError, match=r"backend='fused' cannot compile this second derivative: "
                                                      r"the fused backend has no machine form for gamma.*'auto'"):
            compile_kind(target, rules=GAMMA_RULES, backend="fused")


def test_without_llvmlite_auto_runs_numpy_and_says_why_and_fused_is_refused(monkeypatch):
    missing = "llvmlite (a dependency of symnet) cannot be imported (pip install llvmlite)"
    monkeypatch.setattr(fused, "_llvm", lambda: missing)
    net = mlp([1, 1])
    H, Hv = compile_hessian(net), hvp(net)
    assert H.backend == Hv.backend == "numpy" and H.why == Hv.why == f"{missing}: NumPy"
    theta, v, X, y = batch(5, d=1, p=2)
    np.testing.assert_allclose(Hv(theta, v, X, y), H(theta, X, y) @ v, rtol=1e-10, atol=1e-12)
    with pytest.raises(NotImplementedError, match=r"cannot compile this second derivative: llvmlite"):
        hvp(net, backend="fused")


def test_functions_given_per_call_run_numpy_with_the_reason():
    x, w = Symbol("x"), Symbol("w")
    H = compile_hessian(from_expr(w * x, inputs=[x]), numpy={"unused": np.sin})
    assert H.backend == "numpy" and "Python functions LLVM cannot compile" in H.why


@needs_llvm
def test_a_long_hessian_program_runs_numpy_under_auto_and_fused_when_asked(monkeypatch):
    monkeypatch.setattr(hessian_runs, "FUSED_MAX_STEPS", 20)     # the seed's Hessian program is ~300 long
    H = compile_hessian(SEED)
    assert H.backend == "numpy" and "steps and outputs: NumPy" in H.why and "beyond 20" in H.why
    assert compile_hessian(SEED, backend="fused").backend == "fused"


def test_a_typed_matrix_loss_keeps_its_blas_formula_and_refuses_fused():
    typed = loss("mean(softplus(X*w) - y.*(X*w))", shapes="X=N x 3, y=N, w=3")
    rng = np.random.default_rng(1)
    X, y, w = rng.normal(size=(20, 3)), rng.integers(0, 2, size=20).astype(float), rng.normal(size=3)
    H = compile_hessian(typed)                         # auto: the d × d formula (1/N)·Xᵀ diag(σ(1 − σ)) X
    s = 1 / (1 + np.exp(-X @ w))
    np.testing.assert_allclose(H(w, X, y), X.T @ (X * (s * (1 - s))[:, None]) / 20, rtol=1e-10)
    with pytest.raises(NotImplementedError, match="typed matrix loss compiles to NumPy or JAX.*'numpy' or 'jax'"):
        hvp(typed, backend="fused")
