"""A typed matrix loss's Hessian and Hessian-vector product compiled to JAX: the same formula as NumPy's
(one set of Hessian print methods, the module read from the printer), jitted, float64."""

import numpy as np
import pytest

from symnet import loss
from symnet.numeric.hessian import compile_hessian, hvp

pytest.importorskip("jax")

CASES = {   # name: (text, shapes, constants, columns of the target)
    "ridge": ("norm2(X*w - y)^2/N + lam*norm2(w)^2", "X=N x 3, y=N, w=3", {"lam": 0.3}, None),
    "logistic": ("mean(softplus(X*w) - y.*(X*w))", "X=N x 3, y=N, w=3", None, None),
    "softmax": ("-sum(Y .* log_softmax(X*W))/N", "X=N x 4, Y=N x 3, W=4 x 3", None, 3),
    "no kronecker": ("norm2(X*W - Y)", "X=N x 3, Y=N x 2, W=3 x 2", None, 2),
}


def point(typed, columns, seed=0, n=17):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, typed.data[0].shape[1]))
    y = rng.random(size=(n, columns)) if columns else rng.integers(0, 2, size=n).astype(float)
    size = sum(int(np.prod([int(d) for d in p.shape])) for p in typed.program.params)
    return 0.5 * rng.normal(size=size), rng.normal(size=size), X, y


@pytest.mark.parametrize("name", CASES)
def test_jax_hessian_and_hvp_equal_numpy_to_1e_10(name):
    text, shapes, constants, columns = CASES[name]
    typed = loss(text, shapes=shapes, constants=constants)
    theta, v, X, y = point(typed, columns)
    H_np, H_jax = compile_hessian(typed, backend="numpy"), compile_hessian(typed, backend="jax")
    assert H_jax.backend == "jax" and H_np.backend == "numpy"
    expected = H_np(theta, X, y)
    got = H_jax(theta, X, y)
    assert got.dtype == np.float64 and got.shape == expected.shape == (theta.size, theta.size)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(hvp(typed, backend="jax")(theta, v, X, y), hvp(typed, backend="numpy")(theta, v, X, y),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got @ v, hvp(typed, backend="jax")(theta, v, X, y), rtol=1e-9, atol=1e-9)


def test_the_jax_source_is_the_numpy_source_with_jax_paths():
    text, shapes, _, _ = CASES["softmax"]
    typed = loss(text, shapes=shapes)
    numpy_source, jax_source = compile_hessian(typed).source, compile_hessian(typed, backend="jax").source
    assert "jax.numpy.eye(3)" in jax_source and "numpy.eye(3)" in numpy_source and "sample_kron(X, X," in jax_source
    assert jax_source.replace("jax.numpy.", "numpy.") == numpy_source
    H = compile_hessian(typed, backend="jax")
    assert hasattr(H.function, "jitted")


def test_jax_leaves_the_users_float_default_alone():
    import jax

    text, shapes, constants, _ = CASES["logistic"]
    typed = loss(text, shapes=shapes, constants=constants)
    theta, v, X, y = point(typed, None)
    hvp(typed, backend="jax")(theta, v, X, y)
    assert jax.numpy.zeros(1).dtype == (np.float64 if jax.config.jax_enable_x64 else np.float32)


def test_fused_is_refused_for_a_typed_loss_with_the_backends_it_takes():
    text, shapes, _, _ = CASES["logistic"]
    typed = loss(text, shapes=shapes)
    with pytest.raises(NotImplementedError, match="NumPy or JAX.*'auto', 'numpy' or 'jax'"):
        compile_hessian(typed, backend="fused")
