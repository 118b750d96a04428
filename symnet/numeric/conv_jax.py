"""JAX lowerings of the conv nodes, and a convolutional network's gradient program jitted in JAX.

``conv2d`` is ``jax.lax.conv_general_dilated`` (NCHW input, OIHW kernel, the stride and the padding p on every
side); the gradient nodes are the VJPs of the same forward calls (``jax.vjp``), so that JAX, not symnet, states
them here: the NumPy lowerings of ``conv_numpy`` are checked against these in the tests. The program is the
one the NumPy code runs, printed by the one JAX printer (``jaxgen``) and jitted by ``jax_layers.matrix_jax``.
"""

from __future__ import annotations

import importlib
from functools import cache

from symnet.core.conv import Geometry
from symnet.core.pooling import PoolGeometry


@cache
def jax_functions() -> dict:
    """The conv nodes' JAX lowerings, built once (``conv_numpy`` registers each under its name for JAX)."""
    return jax_conv_functions(importlib.import_module("jax"))   # imported by the traced code's first call


def jax_conv_functions(jax) -> dict:
    """The conv nodes' lowerings in JAX, by the names the generated code calls."""
    forward = _forward(jax)
    return {**forward, **_backward(jax, forward), "reshape": lambda X, dims: X.reshape(X.shape[0], *dims)}


def _forward(jax) -> dict:
    """conv2d by ``lax.conv_general_dilated``; pooling by a reshape into k × k blocks."""
    lax = jax.lax

    def conv2d(X, K, b, geometry):
        g = Geometry(*geometry)
        X = X.reshape(X.shape[0], g.C, g.H, g.W)
        Z = lax.conv_general_dilated(X, K.reshape(g.F, g.C, g.kh, g.kw), (g.stride, g.stride),
                                     [(g.pad, g.pad), (g.pad, g.pad)], dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return Z + b.reshape(1, g.F, 1, 1)

    def blocks(X, geometry):
        g = PoolGeometry(*geometry)
        (Ho, Wo), k = g.out, g.k
        X = X.reshape(X.shape[0], g.C, g.H, g.W)[:, :, :Ho * k, :Wo * k]
        return X.reshape(X.shape[0], g.C, Ho, k, Wo, k)

    return {"conv2d": conv2d, "maxpool2d": lambda X, geometry: blocks(X, geometry).max(axis=(3, 5)),
            "avgpool2d": lambda X, geometry: blocks(X, geometry).mean(axis=(3, 5))}


def _backward(jax, forward) -> dict:
    """The gradient nodes as ``jax.vjp`` of the forward calls (so JAX, not symnet, states them)."""
    jnp = jax.numpy
    conv2d, maxpool2d, avgpool2d = forward["conv2d"], forward["maxpool2d"], forward["avgpool2d"]

    def pull(f, delta, x):
        out, back = jax.vjp(f, x)
        return back(delta.reshape(out.shape))[0]

    def input_shape(g, n):
        return (n, g.C * g.H * g.W) if g.column else (n, g.C, g.H, g.W)

    def conv_kernel_grad(X, delta, geometry):
        g = Geometry(*geometry)
        return pull(lambda K: conv2d(X, K, jnp.zeros(g.F), geometry), delta, jnp.zeros((g.F, g.C * g.kh * g.kw)))

    def conv_input_grad(delta, K, geometry):
        g = Geometry(*geometry)
        return pull(lambda X: conv2d(X, K, jnp.zeros(g.F), geometry), delta, jnp.zeros(input_shape(g, delta.shape[0])))

    def avgpool_grad(delta, geometry):
        g = PoolGeometry(*geometry)
        return pull(lambda X: avgpool2d(X, geometry), delta, jnp.zeros(input_shape(g, delta.shape[0])))

    return {"conv_kernel_grad": conv_kernel_grad, "conv_input_grad": conv_input_grad, "avgpool_grad": avgpool_grad,
            "maxpool_grad": lambda delta, X, geometry: pull(lambda x: maxpool2d(x, geometry), delta, X),
            "channel_sum": lambda delta, geometry: delta.reshape(delta.shape[0], Geometry(*geometry).F, -1).sum(
                axis=(0, 2))}
