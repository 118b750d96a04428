"""Second derivatives as a derivation: the tangent sweep over the gradient program, one column per θⱼ.

``symnet.core.hessian`` differentiates the gradient program once more, forward mode: seeding θ̇ⱼ = 1
(every other parameter 0), each step s = rhs(u, …) of the forward and δ sweeps gets its tangent
∂s/∂θⱼ = Σ_u ∂rhs/∂u · ∂u/∂θⱼ, with the local partials from the same rule table as backprop. The
tangents of the gradient's results are the column ∂²L/∂θᵢ∂θⱼ. This module keeps those steps as data,
column by column, with their values at the derivation's point, central differences of the compiled
gradient beside each entry, the eigenvalues and 2/λ_max, and (on request) the order-2 four-way check.
``derive --order 2`` renders it after the gradient's sections (``symnet.render.document``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sympy import Basic, Derivative, Symbol

from symnet.core.hessian import Hessian, hessian
from symnet.core.losses import LOSS
from symnet.derivation.numbers import evaluate, forward_values
from symnet.numeric.gradcheck import ATOL, RTOL, check_grads
from symnet.numeric.reverse import is_close

SYMPY_MAX_ENTRIES = 21      # six parameters' entries (i ≤ j): sympy.diff twice of more is left out of the check


@dataclass(frozen=True)
class SecondColumn:
    """The tangent sweep seeded by θ̇ⱼ = 1: its steps (∂s/∂θⱼ, formula, value) and the column's entries
    (∂²L/∂θᵢ∂θⱼ, formula in the tangents, value, central difference of the gradient)."""

    param: Symbol
    tangents: tuple[tuple[Basic, Basic, float | None], ...]
    entries: tuple[tuple[Basic, Basic, float | None, float | None], ...]


@dataclass(frozen=True)
class SecondDerivation:
    """The Hessian of ``loss`` by ``wrt``, derived column by column; numbers where a point was given."""

    hessian: Hessian
    adjoints: tuple[tuple[Basic, Basic], ...]     # the δ sweep that the tangents differentiate
    columns: tuple[SecondColumn, ...]
    values: np.ndarray | None = None
    loss_value: float | None = None
    check: object | None = None                  # a GradCheckReport of order 2

    @property
    def eigenvalues(self) -> np.ndarray | None:
        """The eigenvalues of the (symmetrised) Hessian at the point, ascending; None without numbers."""
        if self.values is None or not np.isfinite(self.values).all():
            return None
        return np.linalg.eigvalsh((self.values + self.values.T) / 2)

    @property
    def ok(self) -> bool | None:
        """Whether every entry agrees with its central difference (None when there are no numbers)."""
        pairs = [(e[2], e[3]) for c in self.columns for e in c.entries if e[3] is not None]
        return None if not pairs else all(is_close(a, b, abs(self.loss_value), RTOL, ATOL) for a, b in pairs)


def derive_second(loss, wrt=None, point: Mapping | None = None, check: bool = False) -> SecondDerivation:
    """The second derivatives of ``loss`` by ``wrt`` as steps, valued at ``point`` {symbol: number}.

    >>> from symnet import seed_network, squared_error
    >>> second = derive_second(squared_error(seed_network()), wrt=["b5"])
    >>> second.columns[0].entries[0][0]
    Derivative(L, (b5, 2))
    """
    h = hessian(loss, wrt=wrt)
    named = {t: Derivative(s, p) for t, s, p in h.meaning}
    env = forward_values(h.program, dict(point)) if point else None
    value = (lambda e: evaluate(e, env)) if env else (lambda e: None)
    differences = _gradient_differences(loss, h, point) if point else None
    columns = []
    for j, p in enumerate(h.wrt):
        steps = tuple((named[t], rhs.xreplace(named), None if env is None else env[t])
                      for (t, rhs), (_, _, by) in zip(h.tangents, h.meaning) if by == p)
        entries = tuple((Derivative(LOSS, h.wrt[i], p), h.entries[i][j].xreplace(named), value(h.entries[i][j]),
                         None if differences is None else differences[i, j]) for i in range(len(h.wrt)))
        columns.append(SecondColumn(p, steps, entries))
    values = None if env is None else np.array([[e[2] for e in c.entries] for c in columns]).T
    report = _check(loss, h, point) if check else None
    loss_value = None if env is None else evaluate(h.program.outputs[0], env)
    return SecondDerivation(h, tuple(h.gradient.adjoints), tuple(columns), values, loss_value, report)


def _arrays(loss, point: Mapping):
    net = loss.network
    return (np.array([point[p] for p in net.params]), np.array([[point[s] for s in net.inputs]]),
            np.array([point[loss.target]]))


def _gradient_differences(loss, h: Hessian, point: Mapping) -> np.ndarray | None:
    """Central differences of the compiled gradient at the point, on ``wrt``'s rows and columns (None
    when ``wrt`` names an input: the compiled gradient is by the parameters)."""
    from symnet.numeric.codegen import value_and_grad
    from symnet.numeric.hessian import gradient_differences

    params = loss.network.params
    if any(s not in params for s in h.wrt):
        return None
    compiled, (theta, X, y) = value_and_grad(loss, backend="numpy"), _arrays(loss, point)
    with np.errstate(all="ignore"):
        full = gradient_differences(lambda t: compiled(t, X, y)[1], theta)
    index = [params.index(s) for s in h.wrt]
    return full[np.ix_(index, index)]


def _check(loss, h: Hessian, point: Mapping | None):
    """``check_grads(order=2)`` on ``wrt``'s parameters, at the point (a batch of one) or a seeded batch;
    beyond ``SYMPY_MAX_ENTRIES`` entries without the sympy.diff column (the seed network's 66 take minutes)."""
    wanted = [s for s in h.wrt if s in loss.network.params]
    if not wanted:
        return None
    limit = {} if len(wanted) * (len(wanted) + 1) // 2 <= SYMPY_MAX_ENTRIES else {"sympy_max_ops": 0}
    if not point:
        return check_grads(loss, seed=0, order=2, wrt=wanted, **limit)
    with np.errstate(all="ignore"):
        return check_grads(loss, *_arrays(loss, point), order=2, wrt=wanted, **limit)


__all__ = ["SecondDerivation", "SecondColumn", "derive_second"]
