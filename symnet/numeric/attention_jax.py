"""The attention program in ``jax.numpy``, jitted: the same lines as the NumPy code, JAX's module paths.

The one JAX printer (``jaxgen.JaxCodePrinter``) prints the program in its stacked batch form (``@`` over the
batch, ``swapaxes``, one ``tensordot`` per parameter's batch sum) with ``jax.numpy`` paths; softmax and the
stable loss are JAX's lowerings, the row-wise helpers ``jax.nn``'s, so no formula is written twice. θ is cut
into W_Q, W_K, … outside the jit (slicing a flat θ inside it cost the layer runner 1.2–3.9×); float64 inside
``jaxgen.float64``'s scope only.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from symnet.numeric.attention import compile_steps
from symnet.numeric.generation import Generated, source
from symnet.numeric.jaxgen import _jax, float64, jax_target


def jax_namespace(jax) -> dict:
    """The row-wise helpers the generated code calls, traceable (no ``float``)."""
    return {"row_softmax": lambda S: jax.nn.softmax(S, axis=-1),
            "log_softmax": lambda S: jax.nn.log_softmax(S, axis=-1)}


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
    function = compile_steps(program, program.outputs, constants, "value_and_grad", target=jax_target(),
                             helpers=jax_namespace(jax))
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
