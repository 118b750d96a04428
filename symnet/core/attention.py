"""Row-wise softmax, its log and the row sum: the matrix primitives of attention, each with its VJP row.

For a matrix S (one row per token), A = softmax(S) by rows: Aᵢⱼ = e^{Sᵢⱼ} / Σₖ e^{Sᵢₖ}. One row
a = softmax(s) has the Jacobian ∂a/∂s = diag(a) − a aᵀ (symmetric), so the adjoint a row of S receives from the adjoint g
of its row of A is

    (diag(a) − a aᵀ) g  =  a ⊙ g − a (aᵀ g)  =  a ⊙ (g − (aᵀ g) 1),

and all rows at once: Ḡ = A ⊙ (G − rowsum(A ⊙ G)), where rowsum(M) repeats each row's sum along its row.
log softmax by rows, L = S − log Σₖ e^{Sₖ}, sends G − softmax(S) ⊙ rowsum(G). ``softmax_row_steps()`` is that
derivation as data (what, rule, result), for printers to show; ``ATTENTION_DERIVATIVES`` holds the rows the
one rule table (``matrix_rules.MATRIX_DERIVATIVES``) takes in.
"""

from __future__ import annotations

from typing import NamedTuple

from sympy import Basic, HadamardProduct, ImmutableMatrix, MatAdd, MatMul, MatrixSymbol, OneMatrix, exp, log
from sympy.matrices.expressions import MatrixExpr
from sympy.matrices.expressions.diagonal import DiagMatrix


class _RowWise(MatrixExpr):
    """A function of a matrix, row by row, with the matrix's shape; ``RowSoftmax(S)`` takes the matrix alone.

    Of an explicit matrix (``ImmutableMatrix``) it is the explicit matrix of its entries, so that lowering a
    program to scalars (``symnet.core.lowering.explicit``) writes it entry by entry like any other step.
    """

    label = ""
    latex_label = ""

    def __new__(cls, matrix):
        if not getattr(matrix, "is_Matrix", False):
            raise TypeError(f"{cls.__name__} takes a matrix expression (e.g. MatrixSymbol('S', 3, 3)); got {matrix!r}")
        if isinstance(matrix, ImmutableMatrix):
            return ImmutableMatrix(*matrix.shape, lambda i, j: cls.value(matrix, i, j))
        return Basic.__new__(cls, matrix)

    @property
    def shape(self):
        return self.args[0].shape

    @staticmethod
    def value(m, i, j):
        """Entry (i, j) of the function of the matrix ``m`` (anything indexable by [i, k])."""
        raise NotImplementedError

    def _entry(self, i, j, **kwargs):
        return self.value(self.args[0], i, j)

    def _sympystr(self, printer):
        return f"{self.label}({printer._print(self.args[0])})"

    _symnet_text = _sympystr

    def _latex(self, printer):
        return rf"\operatorname{{{self.latex_label}}}\left({printer._print(self.args[0])}\right)"


class RowSoftmax(_RowWise):
    """softmax of each row: ``RowSoftmax(S)[i, j]`` = e^{S_ij} / Σₖ e^{S_ik} (attention weights, rows sum to 1).

    >>> S = MatrixSymbol("S", 2, 2)
    >>> RowSoftmax(S)[0, 1]
    exp(S[0, 1])/(exp(S[0, 0]) + exp(S[0, 1]))
    """

    label = latex_label = "softmax"

    @staticmethod
    def value(m, i, j):
        return exp(m[i, j]) / sum(exp(m[i, k]) for k in range(m.shape[1]))


class LogSoftmax(_RowWise):
    """log softmax of each row: S_ij − log Σₖ e^{S_ik}."""

    label = "log_softmax"
    latex_label = r"log\,softmax"

    @staticmethod
    def value(m, i, j):
        return m[i, j] - log(sum(exp(m[i, k]) for k in range(m.shape[1])))


class RowTotal(_RowWise):
    """rowsum(M): each entry is the sum of its row, repeated along the row (the shape of M)."""

    label = latex_label = "rowsum"

    @staticmethod
    def value(m, i, j):
        return sum(m[i, k] for k in range(m.shape[1]))


class Diag(DiagMatrix):
    """diag(a): the column a on a diagonal (SymPy's ``DiagMatrix``, printed as the docs write it)."""

    def _symnet_text(self, printer):
        return f"diag({printer._print(self.args[0])})"

    def _latex(self, printer):
        return rf"\operatorname{{diag}}\left({printer._print(self.args[0])}\right)"


def _minus(m):
    return MatMul(-1, m)


def softmax_vjp(delta, ans, s):
    """Ḡ = A ⊙ (G − rowsum(A ⊙ G)) with A = ``ans`` (the softmax already computed) and G = ``delta``."""
    return (HadamardProduct(ans, MatAdd(delta, _minus(RowTotal(HadamardProduct(ans, delta))))),)


ATTENTION_DERIVATIVES: dict[type, object] = {
    RowSoftmax: softmax_vjp,                                                          # A ⊙ (G − rowsum(A ⊙ G))
    LogSoftmax: lambda delta, ans, s: (MatAdd(delta, _minus(HadamardProduct(RowSoftmax(s), RowTotal(delta)))),),
    RowTotal: lambda delta, ans, m: (RowTotal(delta),),                              # rowsum is its own adjoint
}


class Step(NamedTuple):
    """One line of a derivation: ``what`` (a key the printers translate), the ``rule`` used, the ``result``."""

    what: str
    rule: str
    result: Basic


def softmax_row_steps(n: int = 3) -> tuple[Step, ...]:
    """The softmax row's VJP derived for one row of ``n`` entries: Jacobian, product, simplified, all rows.

    >>> [step.what for step in softmax_row_steps()]
    ['row', 'jacobian', 'vjp', 'expand', 'factor', 'rows']
    """
    a, g = MatrixSymbol("a", n, 1), MatrixSymbol("g", n, 1)
    one = OneMatrix(n, 1)
    A, G = MatrixSymbol("A", n, n), MatrixSymbol("G", n, n)
    jacobian = MatAdd(Diag(a), _minus(MatMul(a, a.T)))
    return (
        Step("row", "a = softmax(s)", RowSoftmax(MatrixSymbol("s", 1, n))),
        Step("jacobian", "∂aᵢ/∂sⱼ = aᵢ(δᵢⱼ − aⱼ)", jacobian),
        Step("vjp", "s̄ = Jᵀ g, J symmetric", MatMul(jacobian, g)),
        Step("expand", "diag(a) g = a ⊙ g", MatAdd(HadamardProduct(a, g), _minus(MatMul(a, a.T, g)))),
        Step("factor", "aᵀg is a number", HadamardProduct(a, MatAdd(g, _minus(MatMul(one, a.T, g))))),
        Step("rows", "every row at once", softmax_vjp(G, A, None)[0]),
    )


def jacobian_form(A, G):
    """The unsimplified adjoint of explicit matrices, row by row: row i is ((diag(aᵢ) − aᵢaᵢᵀ) gᵢ)ᵀ."""
    rows = []
    for i in range(A.shape[0]):
        a, g = A[i, :].T, G[i, :].T
        rows.append(((ImmutableMatrix.diag(*a) - a * a.T) * g).T)
    return ImmutableMatrix.vstack(*rows)


__all__ = ["RowSoftmax", "LogSoftmax", "RowTotal", "ATTENTION_DERIVATIVES", "softmax_vjp", "softmax_row_steps",
           "jacobian_form"]
