"""A typed matrix loss in ``jax.numpy``, jitted: the same program as the NumPy code, printed by the one JAX printer.

``jaxgen.JaxCodePrinter`` in its stacked batch form writes ``jax.numpy.sum``, ``jax.numpy.linalg.norm``, ``X @ w``,
``sigmoid(u)``, ``row_softmax(S)``, where the NumPy printer writes ``numpy.…``; every called function is its JAX
binding (``bindings.namespace`` for the JAX target, the row-wise helpers of ``attention_jax``), so no formula
is written twice. Sizes (N) are static
arguments of the jit (``numpy.ones((N, 1))`` needs a number); float64 inside ``jaxgen.float64``'s scope only.

With ``devices=D`` the data are split by rows, as the other kinds split their batch: each array whose first
axis is a size bound by the data (X: N × d, y: N) lies a 1/D of its rows on each device (when D divides N;
else, like the batch's last short step, replicated), θ is replicated, and XLA's partitioner turns every sum
over the N rows (Xᵀr, ‖Xw − y‖²) into per-device sums followed by an all-reduce.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from symnet.numeric.attention_jax import jax_namespace
from symnet.numeric.generation import Generated, source
from symnet.numeric.jaxgen import _jax, float64, jax_target, mesh_devices
from symnet.numeric.matrix_code import whole_data_function


def compile_matrix_jax(base, devices: int | None = None):
    """The NumPy ``CompiledLoss`` ``base`` (``compile_matrix_loss``'s) for JAX: the same steps, jitted, the
    data's rows split over ``devices`` devices (None: JAX's default device).

    >>> from symnet.io.matrix_build import matrix_loss
    >>> from symnet.numeric.matrix_code import compile_matrix_loss
    >>> fn = compile_matrix_jax(compile_matrix_loss(matrix_loss("norm2(X*w - y)^2", "X=N x 2, y=N, w=2")))
    >>> value, g = fn(np.array([1.0, 0.0]), np.eye(2), np.array([1.0, 1.0]))
    >>> float(value), g.tolist(), fn.backend
    (1.0, [0.0, -2.0], 'jax')
    """
    jax = _jax()
    chosen = mesh_devices(jax, devices)
    layout = base.layout
    function = whole_data_function(base.gradient.program, jax_target(), jax_namespace(jax))
    data = len(layout.loss.data)
    static = tuple(range(data, data + len(layout.loss.sizes)))
    place = _placer(jax, chosen, layout.loss.data)
    jitted = jax.jit(function, static_argnums=static, **({} if place is None else {"out_shardings": place.out}))

    def run(arguments, y, theta):
        values, shapes = arguments
        with float64(jax):
            placed = values if place is None else place(values)
            total, *grads = jitted(*placed, *layout.split(theta, shapes))
            flat = np.concatenate([np.asarray(g, dtype=float).ravel() for g in grads])
            total = float(total)
        if not (np.isfinite(total) and np.isfinite(flat).all()):
            layout.check_finite(values)
        return total, flat

    run.jitted, run.place = jitted, place
    return replace(base, generated=Generated(function, source(function), (), (), ()), backend="jax", run=run,
                   why="backend='jax' asked for", devices=tuple(chosen))


def _placer(jax, devices, data):
    """None on one device; else ``place(values) -> values`` putting each data array on the mesh: split by rows
    when its first axis is a size bound by the data (N) and the device count divides it, else replicated.
    Constants and sizes after the data are passed through; ``place.out`` is the replicated sharding."""
    if len(devices) == 1:
        return None
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    mesh = Mesh(np.array(devices), ("rows",))
    rows, replicated = NamedSharding(mesh, PartitionSpec("rows")), NamedSharding(mesh, PartitionSpec())
    by_rows = tuple(bool(symbol.shape[0].is_Symbol) for symbol in data)

    def place(values):
        arrays = [jax.device_put(np.asarray(a), rows if split and np.shape(a)[0] % len(devices) == 0 else replicated)
                  for a, split in zip(values, by_rows)]
        return arrays + list(values[len(arrays):])

    place.out, place.rows, place.mesh = replicated, rows, mesh
    return place
