"""A typed matrix loss in ``jax.numpy``, jitted: the same program as the NumPy code, printed by the one JAX printer.

``jaxgen.JaxCodePrinter`` in its stacked batch form writes ``jax.numpy.sum``, ``jax.numpy.linalg.norm``, ``X @ w``,
``sigmoid(u)``, ``row_softmax(S)``, where the NumPy printer writes ``numpy.…``; every called function is its JAX
binding (``bindings.namespace`` for the JAX target, the row-wise helpers of ``attention_jax``), so no formula
is written twice. Sizes (N) are static
arguments of the jit (``numpy.ones((N, 1))`` needs a number); float64 inside ``jaxgen.float64``'s scope only.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from symnet.numeric.attention_jax import jax_namespace
from symnet.numeric.generation import Generated, source
from symnet.numeric.jaxgen import _jax, float64, jax_target
from symnet.numeric.matrix_code import whole_data_function


def compile_matrix_jax(base):
    """The NumPy ``CompiledLoss`` ``base`` (``compile_matrix_loss``'s) for JAX: the same steps, jitted.

    >>> from symnet.io.matrix_build import matrix_loss
    >>> from symnet.numeric.matrix_code import compile_matrix_loss
    >>> fn = compile_matrix_jax(compile_matrix_loss(matrix_loss("norm2(X*w - y)^2", "X=N x 2, y=N, w=2")))
    >>> value, g = fn(np.array([1.0, 0.0]), np.eye(2), np.array([1.0, 1.0]))
    >>> float(value), g.tolist(), fn.backend
    (1.0, [0.0, -2.0], 'jax')
    """
    jax = _jax()
    layout = base.layout
    function = whole_data_function(base.gradient.program, jax_target(), jax_namespace(jax))
    data = len(layout.loss.data)
    jitted = jax.jit(function, static_argnums=tuple(range(data, data + len(layout.loss.sizes))))

    def run(arguments, y, theta):
        values, shapes = arguments
        with float64(jax):
            total, *grads = jitted(*values, *layout.split(theta, shapes))
            flat = np.concatenate([np.asarray(g, dtype=float).ravel() for g in grads])
            total = float(total)
        if not (np.isfinite(total) and np.isfinite(flat).all()):
            layout.check_finite(values)
        return total, flat

    run.jitted = jitted
    return replace(base, generated=Generated(function, source(function), (), (), ()), backend="jax", run=run,
                   why="backend='jax' asked for")
