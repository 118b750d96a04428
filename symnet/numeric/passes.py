"""Passes over a matrix program before it is printed: rewrites that SymPy's ``cse`` cannot see.

A pass takes the program's assignments and returns new ones; the printer then prints them as they
come. ``share_exponent`` lets softmax cross-entropy and δᴸ = softmax(zᴸ) − y take one exponent
e = exp(z − max z) between them; ``BatchSum`` marks a per-sample result summed over the batch
(∂C/∂bˡ = Σₓ δˡₓ). The nodes here are what the printers' batch-first methods (``batchfirst.BatchFirst``) print.
"""

from __future__ import annotations

from sympy import Basic, MatrixSymbol, preorder_traversal
from sympy.matrices.expressions import MatrixExpr

from symnet.core.matrix_rules import Softmax, SoftmaxCrossEntropy


class BatchSum(Basic):
    """Σₓ over the batch of a per-sample column (printed ``V.sum(axis=0)``)."""


class _PerSample(MatrixExpr):
    """A 1 × 1 value per sample (a column N × 1 on a batch)."""

    shape = (1, 1)


class _LikeFirst(MatrixExpr):
    """A value shaped like its first argument."""

    @property
    def shape(self):
        return self.args[0].shape


class RowMax(_PerSample):
    """m = maxₖ zₖ of a column z (``Z.max(axis=1, keepdims=True)`` on a batch)."""


class ShiftedExp(_LikeFirst):
    """e = exp(z − m), the exponent that softmax and log-sum-exp share."""


class RowSum(_PerSample):
    """s = Σₖ eₖ."""


class SharedSoftmax(_LikeFirst):
    """softmax(z) = e / s, from the exponent the loss already took."""


class LogSumExpLoss(Basic):
    """Σₓ (m + log s − yᵀz), softmax cross-entropy from the shared parts; args (m, s, z, y)."""


def share_exponent(assignments):
    """The steps with softmax cross-entropy and δᴸ = softmax(zᴸ) − y taking one exponent between them.

    The derivation keeps the two as the mathematics states them (BP1). Compiled, each would take
    exp(zᴸ − max zᴸ) over the whole batch; this pass, a common-subexpression step that SymPy's ``cse``
    cannot see inside the two helpers, makes them share it, as backprop written by hand does:

        m = max z;  e = exp(z − m);  s = Σₖ e;  C = Σ(m + log s) − Σ y·z;  δᴸ = e/s − y

    Assignments without both steps come back unchanged.
    """
    softmaxes = {node.args[0] for _, rhs in assignments for node in preorder_traversal(rhs) if isinstance(node, Softmax)}
    out = []
    shared = {}
    for lhs, rhs in assignments:
        if isinstance(rhs, SoftmaxCrossEntropy) and rhs.args[0] in softmaxes and isinstance(rhs.args[0], MatrixSymbol):
            z, y = rhs.args
            m, e, s = (MatrixSymbol(f"{part}_{z.name}", *shape) for part, shape in
                       (("max", (1, 1)), ("exp", z.shape), ("sum", (1, 1))))
            out += [(m, RowMax(z)), (e, ShiftedExp(z, m)), (s, RowSum(e)), (lhs, LogSumExpLoss(m, s, z, y))]
            shared[Softmax(z)] = SharedSoftmax(e, s)
            continue
        out.append((lhs, rhs.xreplace(shared) if shared else rhs))
    return out
