"""The matrix forms a Hessian by a d × k parameter W is written in (row-major vec(W)), each printing itself.

    P ⊗ Q            ``Kron``: vec(P V Qᵀ) = (P ⊗ Q) vec(V)
    Σₙ Pₙ Rₙᵀ ⊗ Cₙ   ``SampleKron``: a sum over the samples, Pₙ the n-th row of P as a column (``RowOf``)
    rowsum(Q)ₙ       ``RowScalar``: the n-th row sum of Q, a number per sample (inside Σₙ)
    diag(c)          ``Diag``: c on a diagonal; Xᵀ diag(c) X is Xᵀ (c ⊙ X)

SymPy only: the printers (``render.matrix_expr``, ``numeric.matrix_hessian``) find the methods below.
"""

from __future__ import annotations

from sympy import Add, Basic, Expr, MatAdd, MatMul, MatrixSymbol
from sympy.matrices.expressions import MatrixExpr

from symnet.core.attention import _RowWise
from symnet.core.matrix_ops import Entrywise
from symnet.core.matrix_rules import Apply


class Diag(MatrixExpr):
    """diag(c): the n × n matrix with the column c (n × 1) on its diagonal; Xᵀ diag(c) X is Xᵀ (c ⊙ X)."""

    def __new__(cls, c):
        return Basic.__new__(cls, c)

    @property
    def shape(self):
        return (self.args[0].shape[0], self.args[0].shape[0])

    def _entry(self, i, j, **kwargs):
        from sympy import KroneckerDelta
        return KroneckerDelta(i, j) * self.args[0][i, 0]

    def _sympystr(self, printer):
        return f"diag({printer._print(self.args[0])})"

    _symnet_text = _matrix_expr_unicode = _matrix_expr_text = _sympystr

    def _latex(self, printer):
        return r"\operatorname{diag}\left(%s\right)" % printer._print(self.args[0])


class RowOf(MatrixExpr):
    """Mₙ: row n of the matrix M as a column (k × 1), n the sample a Σₙ runs over."""

    def __new__(cls, m):
        return Basic.__new__(cls, m)

    @property
    def shape(self):
        return (self.args[0].shape[1], 1)

    def _bare(self) -> bool:
        """Mₙ needs no parentheses when M is a name or one call: Xₙ, softmax(X W)ₙ."""
        return isinstance(self.args[0], (MatrixSymbol, _RowWise, Apply, Entrywise))

    def _text(self, printer, sub):
        inner = printer._print(self.args[0])
        return (inner if self._bare() else f"({inner})") + sub

    def _matrix_expr_unicode(self, printer):
        return self._text(printer, "ₙ")

    def _symnet_text(self, printer):
        return self._text(printer, "_n")

    _sympystr = _matrix_expr_text = _symnet_text

    def _latex(self, printer):
        inner = printer._print(self.args[0])
        return (inner if self._bare() else rf"\left({inner}\right)") + "_{n}"


def _grouped(printer, m):
    text = printer._print(m)
    simple = not isinstance(m, (MatAdd, Add)) and not (isinstance(m, MatMul) and m.as_coeff_matrices()[0] != 1)
    return text if simple else (rf"\left({text}\right)" if "\\" in text else f"({text})")      # LaTeX: \left(


class Kron(MatrixExpr):
    """P ⊗ Q (row-major vec: vec(P V Qᵀ) = (P ⊗ Q) vec(V)); ``numpy.kron(P, Q)``."""

    def __new__(cls, p, q):
        return Basic.__new__(cls, p, q)

    @property
    def shape(self):
        p, q = self.args
        return (p.shape[0] * q.shape[0], p.shape[1] * q.shape[1])

    def _matrix_expr_unicode(self, printer):
        return " ⊗ ".join(_grouped(printer, a) for a in self.args)

    def _symnet_text(self, printer):
        return " (x) ".join(_grouped(printer, a) for a in self.args)

    _sympystr = _matrix_expr_text = _symnet_text

    def _latex(self, printer):
        return r" \otimes ".join(_grouped(printer, a) for a in self.args)


class SampleKron(MatrixExpr):
    """Σₙ Pₙ Rₙᵀ ⊗ Cₙ: P, R are N × d, C (k × k) is written in rows Mₙ of N × k matrices."""

    def __new__(cls, p, r, c):
        return Basic.__new__(cls, p, r, c)

    @property
    def shape(self):
        p, r, c = self.args
        return (p.shape[1] * c.shape[0], r.shape[1] * c.shape[1])

    def _parts(self, printer, times):
        """(weight, Pₙ, Rₙ, Cₙ) as text: a weight per sample (rowsum(Y)ₙ) is printed before Pₙ Rₙᵀ."""
        p, r, c = self.args
        weight = ""
        if isinstance(c, MatMul) and c.as_coeff_matrices()[0].has(RowScalar):
            coeff, factors = c.as_coeff_matrices()
            c = MatMul(*factors) if len(factors) > 1 else factors[0]
            weight = printer._print(coeff) + times
        return weight, printer._print(RowOf(p)), printer._print(RowOf(r)), _grouped(printer, c)

    def _matrix_expr_unicode(self, printer):
        w, p, r, c = self._parts(printer, "·")
        return f"Σₙ {w}{p} {r}ᵀ ⊗ {c}"

    def _symnet_text(self, printer):
        w, p, r, c = self._parts(printer, "*")
        return f"sum_n {w}{p} {r}' (x) {c}"

    _sympystr = _matrix_expr_text = _symnet_text

    def _latex(self, printer):
        w, p, r, c = self._parts(printer, r" \, ")
        return rf"\sum_n {w}{p} {r}^{{\mathsf T}} \otimes {c}"


class RowScalar(Expr):
    """rowsum(Q)ₙ: the sum of row n of Q, a number for each sample n (it multiplies inside a Σₙ)."""

    is_commutative = True

    def __new__(cls, q):
        return Basic.__new__(cls, q)

    def _matrix_expr_unicode(self, printer):
        return f"rowsum({printer._print(self.args[0])})ₙ"

    def _symnet_text(self, printer):
        return f"rowsum({printer._print(self.args[0])})_n"

    _sympystr = _matrix_expr_text = _symnet_text

    def _latex(self, printer):
        return rf"\operatorname{{rowsum}}\left({printer._print(self.args[0])}\right)_{{n}}"
