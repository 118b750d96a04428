"""How the Hessian-only nodes of a typed loss print, for the NumPy and the JAX printer alike.

The Hessian formulas of ``core.matrix_hessian`` carry nodes no gradient has (``core.kron_forms``): diag(c),
a row Mₙ for every n, rowsum(Q)ₙ, P ⊗ Q and Σₙ Pₙ Rₙᵀ ⊗ Cₙ. ``HessianForms`` prints them as array code with
the printer's own module (``numpy.kron`` or ``jax.numpy.kron``: ``self._module``), so the two backends share
one set of print methods; ``sample_kron`` is written once over an array module ``xp`` (NumPy or ``jax.numpy``).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import get_blas_funcs
from sympy import MatMul, OneMatrix, Transpose

from symnet.core.kron_forms import Diag, RowOf, RowScalar
from symnet.numeric.batchfirst import STACKED


class HessianForms:
    """Print methods for Hessian formulas: A diag(c) B as ``A @ (c * B)``, never an N × N diagonal matrix."""

    batch_form = STACKED

    def _call_of(self, name: str) -> str:
        return self._module_format(f"{self._module}.{name}")

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        if _gram(factors):   # Aᵀ diag(c) A: a Gram matrix, symmetric (``weighted_gram``)
            code = f"weighted_gram({self._print(factors[2])}, {self._print(factors[1].args[0])})"
            return code if coeff == 1 else f"{self._operand(coeff)}*({code})"
        k = next((i for i, f in enumerate(factors) if isinstance(f, Diag)), None)
        if k is None or k == len(factors) - 1:
            return super()._print_MatMul(expr)
        right = " @ ".join(self._operand(f) for f in factors[k + 1:])
        inner = f"({self._operand(factors[k].args[0])} * {right if len(factors) - k == 2 else f'({right})'})"
        code = " @ ".join([self._operand(f) for f in factors[:k]] + [inner])
        return code if coeff == 1 else f"{self._operand(coeff)}*({code})"

    def _print_MatAdd(self, expr):      # 𝟙 − S as ``1.0 - S``: broadcast, no N × 1 array of ones
        if any(not isinstance(a, OneMatrix) for a in expr.args):
            terms = sorted(expr.args, key=lambda a: not isinstance(a, OneMatrix))
            code = ""
            for a in terms:
                negated = isinstance(a, MatMul) and a.args[0] == -1
                text = "1.0" if isinstance(a, OneMatrix) else self._operand(MatMul(*a.args[1:]) if negated else a)
                code += (" - " if negated else " + " if code else "") + text
            return "-" + code[3:] if code.startswith(" - ") else code
        return super()._print_MatAdd(expr)

    def _print_Diag(self, expr):
        if isinstance(expr.args[0], RowOf):                      # diag(Mₙ) for every n: (N, k, k)
            return f"({self._operand(expr.args[0])} * {self._call_of('eye')}({self._print(expr.shape[0])}))"
        return f"{self._call_of('diagflat')}({self._print(expr.args[0])})"

    def _print_RowOf(self, expr):                             # Mₙ for every n: (N, k, 1)
        return f"{self._operand(expr.args[0])}[:, :, None]"

    def _print_Transpose(self, expr):
        if expr.arg.has(RowOf, RowScalar):
            return f"{self._operand(expr.arg)}.swapaxes(-1, -2)"
        return super()._print_Transpose(expr)

    def _print_RowScalar(self, expr):                         # rowsum(Q)ₙ for every n: (N, 1, 1)
        return f"{self._operand(expr.args[0])}.sum(axis=-1)[:, None, None]"

    def _print_Kron(self, expr):
        return f"{self._call_of('kron')}({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_SampleKron(self, expr):
        return "sample_kron({}, {}, {})".format(*(self._print(a) for a in expr.args))


def _gram(factors) -> bool:
    """True for [Aᵀ, diag(c), A] with one A (a matrix with no per-sample rows)."""
    return (len(factors) == 3 and isinstance(factors[0], Transpose) and isinstance(factors[1], Diag)
            and factors[0].arg == factors[2] and not factors[2].has(RowOf, RowScalar)
            and not factors[1].args[0].has(RowOf))


GRAM_SYRK = 64   # columns from which syrk beats the general product (one thread, N = 1000: d = 10 0.03 vs 0.014 ms,
                 # d = 100 0.41 vs 0.50 ms, d = 1000 30 vs 43 ms)
SYRK = {np.dtype(t): get_blas_funcs("syrk", dtype=t) for t in (np.float64, np.float32)}


def weighted_gram(A, c):
    """Aᵀ diag(c) A for A (N × d) and c (N, or N × 1) in NumPy. With every cₙ ≥ 0 it is BᵀB for B = √c·A, which
    BLAS's ``syrk`` computes as one triangle: half the products of ``A.T @ (c * A)`` (the logistic regression's
    Hessian, c = σ(1 − σ), at d = 1000: 1.4× faster); else that product: for a negative or NaN weight, below
    ``GRAM_SYRK`` columns, or where A is not float32/float64 or c is wider than A (the product's dtype then)."""
    A = np.asarray(A)
    c = np.reshape(c, (-1, 1))
    if A.ndim != 2 or A.shape[1] < GRAM_SYRK or A.dtype not in SYRK or np.result_type(A, c) != A.dtype \
            or not (c >= 0).all():
        return A.T @ (c * A)
    B = np.sqrt(c, dtype=A.dtype) * A
    upper = SYRK[A.dtype](1.0, B.T, trans=0, lower=0)   # B.T @ B, upper triangle; B.T is Fortran-ordered: no copy
    return upper + np.triu(upper, 1).T


def forms_for(xp) -> dict:
    """The functions the Hessian forms print by name, over the array module ``xp`` (``numpy`` or ``jax.numpy``):
    ``sample_kron``, and ``weighted_gram`` (NumPy's by BLAS syrk, else ``A.T @ (c * A)``, XLA's)."""
    gram = weighted_gram if xp is np else (lambda A, c: A.T @ (xp.reshape(c, (-1, 1)) * A))
    return {"sample_kron": sample_kron_for(xp), "weighted_gram": gram}


def sample_kron_for(xp):
    """``sample_kron`` over the array module ``xp`` (``numpy`` or ``jax.numpy``)."""

    def sample_kron(P, R, C):
        """Σₙ Pₙ Rₙᵀ ⊗ Cₙ (row-major): entry (i·k + a, j·k + b) = Σₙ P[n, i] R[n, j] C[n, a, b]; C may be one
        k × k. One BLAS product: the N × de outer products Pₙ Rₙᵀ, transposed, times the N × km factors Cₙ."""
        C = xp.asarray(C, dtype=float)
        n, d, e, k, m = P.shape[0], P.shape[1], R.shape[1], C.shape[-2], C.shape[-1]
        if C.ndim == 2:
            return xp.kron(P.T @ R, C)
        outer = (P[:, :, None] * R[:, None, :]).reshape(n, d * e)
        G = outer.T @ xp.broadcast_to(C, (n, k, m)).reshape(n, k * m)
        return G.reshape(d, e, k, m).transpose(0, 2, 1, 3).reshape(d * k, e * m)

    return sample_kron
