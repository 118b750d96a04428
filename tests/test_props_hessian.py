"""Hypothesis properties of the compiled Hessian over random scalar networks (neuron DAGs and expressions), public
API only: it is symmetric, equals central differences of the compiled gradient, and ``hvp(θ, v)`` is H v; the
default backend (``"auto"``: fused LLVM where every step has a machine form) equals NumPy's to 1e-10."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import symnet
from symnet.numeric.gradcheck import ATOL, RTOL
from tests.differences import central_differences
from tests.strategies import expression_networks, neuron_networks, points


def close(a, b, scale: float, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """|a − b| ≤ atol·max(1, scale) + rtol·max(|a|, |b|) everywhere: the agreement rule of check_grads."""
    return bool(np.all(np.abs(a - b) <= atol * max(1.0, scale) + rtol * np.maximum(np.abs(a), np.abs(b))))


@given(st.data())
def test_hessian_is_symmetric_equals_gradient_differences_and_hvp_is_H_v(data):
    net = data.draw(st.one_of(neuron_networks(max_neurons=3), expression_networks()), label="network")
    theta, X, y = data.draw(points(net, batch=3, scale=2.0), label="point")
    v = data.draw(arrays(np.float64, len(theta), elements=st.floats(-1, 1)), label="v")
    gradient = symnet.value_and_grad(net, backend="numpy")
    compiled = symnet.compile_hessian(net)
    H = compiled(theta, X, y)
    value, g = gradient(theta, X, y)
    scale = max(abs(value), np.abs(H).max())
    assert H.shape == (len(theta), len(theta))
    assert close(H, H.T, scale, rtol=1e-10, atol=1e-13), H - H.T
    differences = central_differences(lambda t: gradient(t, X, y)[1], theta)
    # the differences are of the gradient, so atol scales with it as the rule's scales with L
    assert close(H, differences, max(abs(value), np.abs(g).max())), H - differences
    product = symnet.hvp(net)
    Hv = product(theta, v, X, y)
    assert close(Hv, H @ v, scale * max(1.0, np.abs(v).sum()), rtol=1e-9, atol=1e-12), Hv - H @ v
    assert compiled.backend == product.backend, (compiled.why, product.why)
    if compiled.backend == "fused":      # the same programs in NumPy, one call per step
        H_numpy = symnet.compile_hessian(net, backend="numpy")(theta, X, y)
        assert close(H, H_numpy, scale, rtol=1e-10, atol=1e-12), H - H_numpy
        Hv_numpy = symnet.hvp(net, backend="numpy")(theta, v, X, y)
        assert close(Hv, Hv_numpy, scale * max(1.0, np.abs(v).sum()), rtol=1e-10, atol=1e-12), Hv - Hv_numpy
