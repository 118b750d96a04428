"""The training loop's optimiser step in place: SGD, momentum and Adam as one machine-code pass over θ.

``optim``'s steps are pure functions that return a new θ and state (about ten P-long temporaries for an Adam
step of NumPy); ``fused_step`` computes the same numbers with ``numeric.updates``' loop, writing θ and the
state where they are, and says how many entries of θ left the training loop's range on the way.
"""

from __future__ import annotations

import numpy as np

from symnet.learn.optim import SGD, Adam, AdamState, Momentum, MomentumState
from symnet.numeric.updates import compiled_update


def fused_step(opt, theta: np.ndarray, grad: np.ndarray, state, decay: np.ndarray | None, limit: float):
    """One SGD, momentum or Adam step done in place by one machine-code loop (``numeric.updates``): the
    gradient g = ∂L/∂θ + λ·θ (``decay``: λ per entry, or None), θ and the state updated where they are.

    Returns (the new state, how many entries of θ left |θ| ≤ limit or are NaN), or None when this step is
    NumPy's to take (another optimiser, llvmlite missing, arrays not contiguous of θ's float type): the result
    equals ``opt.step(theta, g, state)``, which allocates about ten P-long temporaries for Adam.

    >>> theta = np.array([1.0, 2.0])
    >>> fused_step(SGD(0.5), theta, np.array([2.0, 2.0]), (), None, 1e12), theta
    (((), 0), array([0., 1.]))
    """
    kind = FUSED.get(type(opt))
    arrays = (theta, grad, decay, *_state_arrays(state))
    dtype = theta.dtype
    if kind is None or any(a is not None and (a.dtype != dtype or not a.flags.c_contiguous or a.shape != theta.shape)
                           for a in arrays) or not theta.flags.writeable:
        return None
    update = compiled_update(kind, dtype.name, decay is not None)
    if update is None:
        return None
    if kind == "sgd":
        return state, update(theta, grad, decay, None, None, (opt.learning_rate,), 1.0, limit)
    if kind == "momentum":
        return state, update(theta, grad, decay, state.velocity, None, (opt.learning_rate, opt.beta), 1.0, limit)
    t = state.t + 1
    coefficients = (opt.learning_rate, opt.beta1, 1.0 - opt.beta1, opt.beta2, 1.0 - opt.beta2,
                    1.0 - opt.beta1**t, 1.0 - opt.beta2**t, opt.eps)
    bad = update(theta, grad, decay, state.m, state.v, coefficients, 1.0, limit)
    return AdamState(t, state.m, state.v), bad


FUSED = {SGD: "sgd", Momentum: "momentum", Adam: "adam"}


def prepare_fused(opt, dtype, decayed: bool) -> bool:
    """Compile ``fused_step``'s machine code for ``opt`` now (some 30 ms, once a process), so that a timed
    training loop does not pay for it; False when the step will be NumPy's."""
    kind = FUSED.get(type(opt))
    return kind is not None and compiled_update(kind, np.dtype(dtype).name, decayed) is not None


def _state_arrays(state) -> tuple:
    if isinstance(state, MomentumState):
        return (state.velocity,)
    return (state.m, state.v) if isinstance(state, AdamState) else ()
