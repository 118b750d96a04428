"""The attention program in ``jax.numpy``, jitted: the same lines as the NumPy code, JAX's module paths.

``AttentionPrinter`` prints the batch-first program (``@`` over the batch, ``swapaxes``, one ``tensordot``
per parameter's batch sum); here it prints with ``jax.numpy`` paths and the helpers (row softmax, the
stable loss) in JAX, so no formula is written twice. θ is cut into W_Q, W_K, … outside the jit (slicing a
flat θ inside it cost the layer runner 1.2–3.9×); float64 inside ``jaxgen.float64``'s scope only.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from sympy.printing.numpy import JaxPrinter

from symnet.numeric.attention import AttentionPrinter, compile_steps, source
from symnet.numeric.generation import Generated
from symnet.numeric.jaxgen import _jax, float64


class JaxAttentionPrinter(AttentionPrinter, JaxPrinter):
    """``AttentionPrinter`` with ``jax.numpy`` module paths."""


def jax_namespace(jax) -> dict:
    """The helpers the generated code calls, traceable (no ``float``)."""
    jnp = jax.numpy
    return {"row_softmax": lambda S: jax.nn.softmax(S, axis=-1),
            "log_softmax": lambda S: jax.nn.log_softmax(S, axis=-1),
            "column_softmax": lambda z: jax.nn.softmax(z, axis=-2),
            "softmax_cross_entropy": lambda z, y: jnp.sum(jax.scipy.special.logsumexp(z, axis=-2)) - jnp.sum(y * z)}


def compile_attention_jax(base):
    """The NumPy ``CompiledLoss`` ``base`` (``compile_attention``'s) for JAX: the same program, jitted.

    >>> from symnet.core.attention_model import attention
    >>> from symnet.numeric.attention_compiled import compile_attention
    >>> fn = compile_attention_jax(compile_attention(attention(3, 2, classes=2)))
    >>> value, g = fn(np.zeros(fn.network.n_params), np.ones((4, 3, 2)), np.array([0, 1, 1, 0]))
    >>> round(value, 6), g.shape, fn.backend
    (0.693147, (18,), 'jax')
    """
    jax = _jax()
    program, layout = base.gradient.program, base.layout
    with float64(jax):
        constants = {"r": jax.numpy.asarray(layout.readout())}
    function = compile_steps(program, program.outputs, constants, "value_and_grad",
                             modules=[{**jax_namespace(jax), **constants}, "jax"], printer_class=JaxAttentionPrinter)
    jitted = jax.jit(function)

    def run(X, y, theta):
        n = X.shape[0]
        with float64(jax):
            total, *grads = jitted(X, layout.targets(base, y, n), *layout.unflatten(base, theta, code=True))
            flat = np.concatenate([np.asarray(g).ravel() for g in grads])
        return float(total) / n, flat / n

    run.jitted = jitted
    return replace(base, generated=Generated(function, source(function), (), (), ()), backend="jax", run=run,
                   why="backend='jax' asked for")
