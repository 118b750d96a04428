"""Training a typed matrix loss: gradient descent on θ (its parameters flattened) over the whole data.

Each step evaluates the compiled loss and gradient (``numeric.matrix_code``, or jitted by ``numeric.matrix_jax``
with ``backend="jax"``) on all the data, or on a
batch of rows when ``batch_size`` is given (every data array then has the same number of rows, the size
N, which the batch binds: a mean stays a mean), and takes one optimiser step (``learn.optim``). The result
is a ``TrainResult`` like any network's; ``result.compiled(result.theta, X, y)`` evaluates the loss.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np

from symnet.learn.optim import get_optimizer, optimizer_name
from symnet.learn.result import History, TrainResult

BACKENDS = ("auto", "numpy", "jax")       # the whole-data steps run on NumPy or jitted JAX, nothing else


def _batches(data: dict, batch_size, rng):
    """The whole data once, or its rows shuffled into batches (every array with the same number of rows)."""
    if batch_size is None:
        yield data
        return
    rows = {np.shape(a)[0] for a in data.values()}
    if len(rows) != 1:
        raise ValueError(f"batch_size splits the rows of every data array; they have different numbers of rows {rows}")
    order = rng.permutation(rows.pop())
    for start in range(0, len(order), batch_size):
        pick = order[start:start + batch_size]
        yield {name: np.asarray(a)[pick] for name, a in data.items()}


def fit_matrix_loss(loss, data, optimizer="adam", learning_rate=0.05, epochs=200, batch_size=None, seed=0,
                    theta0=None, callback=None, backend="auto", devices=None, dtype="float64") -> TrainResult:
    """Minimise a typed matrix loss over its parameters.

    Args:
        loss: a ``MatrixLoss`` (``symnet.io.matrix_build.matrix_loss``, with its constants' values).
        data: {name: array} or the data arrays in declared order, e.g. (X, y).
        optimizer, learning_rate, epochs, batch_size, seed: as for ``symnet.train``.
        theta0: the initial θ (default N(0, 0.1²) entries from ``seed``).
        callback: ``callback(epoch, theta, loss)`` after each epoch; return True to stop.
        backend: "auto" or "numpy" (NumPy over the whole data) or "jax" (the same steps jitted); devices: with
            "jax", split the data's rows over this many devices (``value_and_grad``'s backend= and devices=).
        dtype: "float64" only (a typed loss computes in float64; "float32" is refused, not ignored).

    Returns:
        A ``TrainResult`` (``network`` and ``loss`` are the typed loss; ``params`` name each entry, w_1_1…).
    """
    from symnet.numeric.codegen import value_and_grad

    if backend not in BACKENDS:
        raise ValueError(f"a typed matrix loss trains on {', '.join(map(repr, BACKENDS))} (NumPy, or its steps jitted "
                         f"by JAX over the whole data); got backend={backend!r}")
    fn = value_and_grad(loss, backend=backend, devices=devices, dtype=dtype)
    data = fn.layout.as_mapping(*((data,) if isinstance(data, Mapping) else tuple(data)))
    rng, opt = np.random.default_rng(seed), get_optimizer(optimizer, learning_rate)
    shapes = fn.layout.full_check(None, data, None)[1][1]
    size = sum(int(np.prod(s)) for s in shapes)
    theta = rng.normal(scale=0.1, size=size) if theta0 is None else np.array(theta0, dtype=float).ravel()
    _, whole, _ = fn.checker(theta, data, None)            # checked once: each epoch runs the generated code
    state, losses, start = opt.init(theta), [fn.run(whole, None, theta)[0]], time.perf_counter()
    for epoch in range(1, int(epochs) + 1):
        for batch in _batches(data, batch_size, rng):
            _, gradient = fn.run(whole, None, theta) if batch is data else fn(theta, batch, None)
            theta, state = opt.step(theta, gradient, state)
        losses.append(fn.run(whole, None, theta)[0])
        if not np.isfinite(losses[-1]):
            raise ValueError(f"training diverged at epoch {epoch} (loss {losses[-1]}): lower the learning rate")
        if callback is not None and callback(epoch, theta, losses[-1]):
            break
    history = History(tuple(range(len(losses))), tuple(losses), (), time.perf_counter() - start)
    names = tuple(f"{p.name}_{i + 1}_{j + 1}" for p, s in zip(fn.layout.params, shapes)
                  for i in range(s[0]) for j in range(s[1]))
    settings = {"optimizer": optimizer_name(opt), "learning_rate": float(opt.learning_rate), "epochs": int(epochs),
                "batch_size": batch_size, "seed": seed, "loss": str(loss)}
    if fn.backend != "numpy":
        settings.update(backend=fn.backend, devices=len(fn.devices))
    return TrainResult(loss, loss, names, theta, history, settings, compiled=fn)
