"""Layer networks in ``jax.numpy``, jitted, on one device or data-parallel over several.

The matrix gradient program (BP1–BP4) is printed by the same ``BatchPrinter`` as the NumPy code, with
JAX's module paths and JAX versions of its helpers (softmax, the stable losses, σ and σ′ from the one
scalar rule table), so no formula is written twice. Over D devices the batch is split by rows:

    ∂C/∂Wˡ = Σₓ δₓ aₓᵀ = Σ_d Σ_{x ∈ shard d} δₓ aₓᵀ

X and y are placed with a ``NamedSharding`` over a 1-D ``Mesh`` (axis ``"batch"``), θ is replicated,
and XLA's partitioner turns each batch sum into per-device sums followed by an all-reduce; the loss
and gradient come back replicated. A batch whose size D does not divide runs replicated (same
numbers). JAX is an optional extra, imported only here; it computes in float64 like NumPy, inside
the scoped ``jaxgen.float64`` context, so the user's own JAX code keeps its default dtype.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from sympy import Lambda, MatrixSymbol, lambdify
from sympy.printing.numpy import JaxPrinter

from symnet.core.matrix_rules import ELEMENTWISE, ActivationPrime
from symnet.numeric.jaxgen import _jax, mesh_devices, sharded_runner
from symnet.numeric.compiled import CompiledLoss
from symnet.numeric.generation import Generated
from symnet.numeric.layer_codegen import BatchPrinter, compile_layers, compile_program, source


class JaxBatchPrinter(BatchPrinter, JaxPrinter):
    """``BatchPrinter`` with ``jax.numpy`` module paths."""


def jax_namespace(jax) -> dict:
    """The helpers the generated layer code calls, in ``jax.numpy`` (traceable: no ``float``)."""
    jnp = jax.numpy

    def softmax_cross_entropy(Z, Y):  # Σₓ (log Σₖ e^{zₖ} − yᵀz), log-sum-exp
        return jnp.sum(jax.scipy.special.logsumexp(Z, axis=1)) - jnp.sum(Y * Z)

    names = {"softmax": lambda Z: jax.nn.softmax(Z, axis=1), "softmax_cross_entropy": softmax_cross_entropy,
             "sigmoid_cross_entropy": lambda Z, Y: jnp.sum(jnp.logaddexp(0.0, Z)) - jnp.sum(Y * Z),
             "squared_error": lambda A, Y: jnp.sum((A - Y) ** 2),
             "sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh, "relu": lambda z: jnp.maximum(z, 0.0),
             "softplus": lambda z: jnp.logaddexp(0.0, z)}
    step = {"Heaviside": lambda z, at_zero=0.5: jnp.heaviside(z, at_zero)}  # H(0) = ½ as in SymPy
    for name in ELEMENTWISE:
        rule: Lambda = ActivationPrime(name, MatrixSymbol("_", 1, 1)).scalar_rule()
        names[f"d_{name}"] = lambdify(rule.variables, rule.expr, modules=[{**names, **step}])
    return names


def compile_layers_jax(target, loss: str | None = None, rules=None, devices: int | None = None) -> CompiledLoss:
    """``compile_layers`` for JAX: the same program jitted, the batch split over ``devices`` devices.

    >>> from symnet.core.layers import layers
    >>> fn = compile_layers_jax(layers("4-3-2"))
    >>> value, g = fn(np.zeros(fn.network.n_params), np.ones((5, 4)), np.array([0, 1, 1, 0, 1]))
    >>> round(value, 6), g.shape
    (0.693147, (23,))
    """
    jax = _jax()
    chosen = mesh_devices(jax, devices)
    base = compile_layers(target, loss, rules)
    program = base.gradient.program
    function = compile_program(program, list(program.outputs), "value_and_grad", printer_class=JaxBatchPrinter,
                               modules=[jax_namespace(jax), "jax"])
    sizes = [int(np.prod(s)) for s in base.shapes]
    offsets = np.cumsum([0] + sizes)

    def packed(X, Y, theta):
        params = [theta[a:b].reshape(shape) for a, b, shape in zip(offsets, offsets[1:], base.shapes)]
        total, *grads = function(X, Y, *params)
        n = X.shape[0]
        return total / n, jax.numpy.concatenate([g.ravel() for g in grads]) / n

    sharded = sharded_runner(jax, packed, chosen, (0, 0))
    targets = base.layout.targets

    def run(X, y, theta):   # the one compiled type: .function and .source are JAX's; predict stays NumPy
        return sharded(X, targets(base, y, X.shape[0]), theta)

    run.jitted, run.split, run.mesh = sharded.jitted, sharded.split, sharded.mesh   # for inspection, as jaxgen's

    generated = Generated(function, source(function), (), (), ())
    return replace(base, generated=generated, backend="jax", run=run, devices=tuple(chosen))
