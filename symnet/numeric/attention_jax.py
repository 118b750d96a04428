"""The attention program in ``jax.numpy``, jitted: the same lines as the NumPy code, JAX's module paths.

The one JAX printer (``jaxgen.JaxCodePrinter``) prints the program in its stacked batch form (``@`` over the
batch, ``swapaxes``, one ``tensordot`` per parameter's batch sum) with ``jax.numpy`` paths; softmax and the
stable loss are JAX's lowerings, the row-wise helpers ``jax.nn``'s, so no formula is written twice. θ is cut
into W_Q, W_K, … outside the jit (views of θ, one array each); float64 inside
``jaxgen.float64``'s scope only. With ``devices=D`` the N sequences (X's and Y's first axis) are split over D
devices by ``jaxgen.sharded_runner``'s mesh, θ replicated: each batch sum (Σ over the sequences of the loss and of
every ∂L/∂W) becomes a sum per device, then an all-reduce; a batch D does not divide runs replicated.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from symnet.numeric.attention import compile_steps
from symnet.numeric.generation import Generated, source
from symnet.numeric.jaxgen import _jax, jax_target, mesh_devices, sharded_runner


def jax_namespace(jax) -> dict:
    """The row-wise helpers the generated code calls, traceable (no ``float``)."""
    return {"row_softmax": lambda S: jax.nn.softmax(S, axis=-1),
            "log_softmax": lambda S: jax.nn.log_softmax(S, axis=-1)}


def compile_attention_jax(base, devices: int | None = None):
    """The NumPy ``CompiledLoss`` ``base`` (``compile_attention``'s) for JAX: the same program, jitted, the N
    sequences split over ``devices`` devices (None: JAX's default device).

    >>> from symnet.core.attention_model import attention
    >>> from symnet.numeric.attention_compiled import compile_attention
    >>> fn = compile_attention_jax(compile_attention(attention(3, 2, classes=2)))
    >>> value, g = fn(np.zeros(fn.network.n_params), np.ones((4, 3, 2)), np.array([0, 1, 1, 0]))
    >>> round(value, 6), g.shape, fn.backend, len(fn.devices)
    (0.693147, (18,), 'jax', 1)
    """
    jax = _jax()
    chosen = mesh_devices(jax, devices)
    program, layout = base.gradient.program, base.layout
    constants = {"r": layout.readout()}   # NumPy: a constant of the jitted program, on every device
    function = compile_steps(program, program.outputs, constants, "value_and_grad", target=jax_target(),
                             helpers=jax_namespace(jax))
    sharded = sharded_runner(jax, _packed(jax.numpy, function), chosen, (0, 0))

    def run(X, y, theta):
        return sharded(X, layout.targets(base, y, X.shape[0]), layout.unflatten(base, theta, code=True))

    run.jitted, run.split, run.mesh = sharded.jitted, sharded.split, sharded.mesh   # for inspection, as jax_runner's
    return replace(base, generated=Generated(function, source(function), (), (), ()), backend="jax", run=run,
                   why="backend='jax' asked for", devices=tuple(chosen))


def _packed(jnp, function):
    """``packed(X, Y, params)``: [mean loss, gradient…] as one array (one transfer back). The program's batch sums
    (Σ over the N sequences in each product) are what XLA all-reduces when X and Y are split over devices."""
    def packed(X, Y, params):
        total, *grads = function(X, Y, *params)
        return jnp.concatenate([jnp.reshape(total, (1,)), *(jnp.ravel(g) for g in grads)]) / X.shape[0]
    return packed
