"""A typed matrix loss lowered to one scalar formula at the checked sizes: the scalar oracles of its checks.

``check_matrix_loss`` (first order, ``numeric.matrix_check``) and ``check_matrix_hessian`` (second order,
``numeric.matrix_hessian_check``) both compare against SymPy's view of the loss entry by entry; this is the
lowering they share, bounded by ``LOWER_MAX_ENTRIES``.
"""

from __future__ import annotations

import numpy as np

LOWER_MAX_ENTRIES = 400   # the lowered columns run up to this many entries (data and parameters)


def lowering(loss, compiled, theta, checked, skipped, methods):
    """(scalar formula, parameter entries, arguments, point) of the loss lowered at the checked sizes, or None
    with the reason recorded for each of ``methods`` when it has more than ``LOWER_MAX_ENTRIES`` entries."""
    from symnet.core.matrix_lowering import lower

    values, shapes = checked
    sizes = {s: v for s, v in zip(loss.sizes, values[len(loss.data):len(loss.data) + len(loss.sizes)])}
    entries = sum(int(np.prod(s)) for s in shapes) + sum(int(np.prod(np.shape(a))) for a in values[:len(loss.data)])
    if entries > LOWER_MAX_ENTRIES:
        skipped.extend((m, f"{entries} entries; the scalar lowering runs up to {LOWER_MAX_ENTRIES}") for m in methods)
        return None
    grids: dict = {}
    formula = lower(loss.expr, sizes, grids)
    params = [e for p in compiled.layout.params for e in grids[p]]
    args = [e for d in loss.data for e in grids[d]] + list(loss.constants) + params
    point = [float(v) for a in values[:len(loss.data)] for v in np.ravel(a)] + \
        [compiled.layout.constants[c.name] for c in loss.constants] + [float(t) for t in theta]
    return formula, params, args, point


def _real(values) -> np.ndarray:
    """Float values; a complex one (√ or log of a negative entry in SymPy's lowering) is NaN, as NumPy gives."""
    values = np.asarray(values, dtype=complex)
    return np.where(values.imag != 0, np.nan, values.real)


def _namespace() -> dict:
    from symnet.numeric.bindings import namespace
    from scipy.special import expit
    return {**namespace(), "sigmoid": expit}
