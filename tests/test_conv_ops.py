"""The conv primitives' lowerings: against a loop-by-loop reference, central differences and JAX, under Hypothesis.

Each rule row is tested through the function it compiles to: ∂C/∂K = X ⋆ δ and ∂C/∂X = δ ∗ rot180(K) are the
gradients of the scalar ⟨δ, K ⋆ X + b⟩, which is linear in K and in X, so central differences are exact up to
rounding; pooling's rows are checked the same way away from ties.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symnet.core.conv import Geometry
from symnet.core.pooling import PoolGeometry
from symnet.numeric import conv_numpy as C

from .strategies import examples


@st.composite
def conv_geometries(draw):
    """Small convolutions: 1–2 channels and filters, kernels 1–3, strides 1 and 2, valid or same padding."""
    C_, F = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    k = draw(st.sampled_from([1, 2, 3]))
    same = draw(st.booleans()) and k % 2 == 1
    pad = (k - 1) // 2 if same else 0
    H, W = draw(st.integers(max(k - 2 * pad, 1), 7)), draw(st.integers(max(k - 2 * pad, 1), 7))
    return Geometry(C_, H, W, F, k, k, draw(st.sampled_from([1, 2])), pad, int(draw(st.booleans())))


@st.composite
def pool_geometries(draw):
    k = draw(st.sampled_from([1, 2, 3]))
    return PoolGeometry(draw(st.integers(1, 2)), draw(st.integers(k, 7)), draw(st.integers(k, 7)), k,
                        int(draw(st.booleans())))


def _input(rng, g, n=2):
    shape = (n, g.C * g.H * g.W) if g.column else (n, g.C, g.H, g.W)
    return rng.normal(size=shape)


def reference_conv(X, K, b, g):
    """K ⋆ X + b written with loops over every output pixel (the definition, for tiny sizes)."""
    X = X.reshape(X.shape[0], g.C, g.H, g.W)
    X = np.pad(X, ((0, 0), (0, 0), (g.pad, g.pad), (g.pad, g.pad)))
    K = K.reshape(g.F, g.C, g.kh, g.kw)
    Ho, Wo = g.out
    Z = np.zeros((X.shape[0], g.F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            window = X[:, :, g.stride * i:g.stride * i + g.kh, g.stride * j:g.stride * j + g.kw]
            Z[:, :, i, j] = np.einsum("ncuv,fcuv->nf", window, K) + b
    return Z


def central(f, x, h=1e-6):
    """Central differences of the scalar f at every entry of x."""
    out, flat = np.zeros(x.size), x.reshape(-1)
    for i in range(x.size):
        keep = flat[i]
        flat[i] = keep + h
        up = f()
        flat[i] = keep - h
        down = f()
        flat[i] = keep
        out[i] = (up - down) / (2 * h)
    return out.reshape(x.shape)


@settings(max_examples=examples(60), deadline=None)
@given(conv_geometries(), st.integers(0, 2**32 - 1))
def test_conv2d_is_cross_correlation(g, seed):
    rng = np.random.default_rng(seed)
    X, K, b = _input(rng, g), rng.normal(size=(g.F, g.C * g.kh * g.kw)), rng.normal(size=g.F)
    np.testing.assert_allclose(C.conv2d(X, K, b, tuple(g)), reference_conv(X, K, b, g), rtol=1e-12, atol=1e-12)


@settings(max_examples=examples(60), deadline=None)
@given(conv_geometries(), st.integers(0, 2**32 - 1))
def test_conv_rows_against_central_differences(g, seed):
    rng = np.random.default_rng(seed)
    X, K, b = _input(rng, g), rng.normal(size=(g.F, g.C * g.kh * g.kw)), rng.normal(size=g.F)
    delta = rng.normal(size=(X.shape[0], g.F, *g.out))
    loss = lambda: float(np.sum(delta * C.conv2d(X, K, b, tuple(g))))  # noqa: E731
    np.testing.assert_allclose(C.conv_kernel_grad(X, delta, tuple(g)), central(loss, K), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(C.conv_input_grad(delta, K, tuple(g)), central(loss, X), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(C.channel_sum(delta, tuple(g)), central(loss, b), rtol=1e-6, atol=1e-8)
    assert C.conv_input_grad(delta, K, tuple(g)).shape == X.shape


@settings(max_examples=examples(60), deadline=None)
@given(pool_geometries(), st.integers(0, 2**32 - 1))
def test_pool_rows_against_central_differences(g, seed):
    rng = np.random.default_rng(seed)
    X = _input(rng, g)                 # continuous random values: no ties, so maxpool is differentiable here
    delta = rng.normal(size=(X.shape[0], g.C, *g.out))
    for forward, backward in ((C.maxpool2d, lambda: C.maxpool_grad(delta, X, tuple(g))),
                              (C.avgpool2d, lambda: C.avgpool_grad(delta, tuple(g)))):
        loss = lambda: float(np.sum(delta * forward(X, tuple(g))))  # noqa: E731
        np.testing.assert_allclose(backward(), central(loss, X), rtol=1e-6, atol=1e-8)


def test_maxpool_routes_delta_to_the_first_argmax_on_a_tie():
    g = (1, 2, 2, 2, 0)
    X = np.zeros((1, 1, 2, 2))
    assert C.maxpool_grad(np.array([[[[3.0]]]]), X, g).ravel().tolist() == [3.0, 0.0, 0.0, 0.0]
    assert C.avgpool_grad(np.array([[[[4.0]]]]), g).ravel().tolist() == [1.0] * 4


@settings(max_examples=examples(30), deadline=None)
@given(conv_geometries(), pool_geometries(), st.integers(0, 2**32 - 1))
def test_numpy_and_jax_lowerings_agree(g, pg, seed):
    jax = pytest.importorskip("jax")
    from symnet.numeric.conv_jax import jax_conv_functions
    from symnet.numeric.jaxgen import float64

    J = jax_conv_functions(jax)
    rng = np.random.default_rng(seed)
    X, K, b = _input(rng, g), rng.normal(size=(g.F, g.C * g.kh * g.kw)), rng.normal(size=g.F)
    delta = rng.normal(size=(X.shape[0], g.F, *g.out))
    P, pdelta = _input(rng, pg), rng.normal(size=(2, pg.C, *pg.out))
    with float64(jax):
        pairs = [(C.conv2d(X, K, b, tuple(g)), J["conv2d"](X, K, b, tuple(g))),
                 (C.conv_kernel_grad(X, delta, tuple(g)), J["conv_kernel_grad"](X, delta, tuple(g))),
                 (C.conv_input_grad(delta, K, tuple(g)), J["conv_input_grad"](delta, K, tuple(g))),
                 (C.maxpool2d(P, tuple(pg)), J["maxpool2d"](P, tuple(pg))),
                 (C.maxpool_grad(pdelta, P, tuple(pg)), J["maxpool_grad"](pdelta, P, tuple(pg))),
                 (C.avgpool_grad(pdelta, tuple(pg)), J["avgpool_grad"](pdelta, tuple(pg)))]
        for ours, theirs in pairs:
            np.testing.assert_allclose(ours, np.asarray(theirs).reshape(ours.shape), rtol=1e-10, atol=1e-12)
