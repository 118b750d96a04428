"""The Hessian by a matrix parameter W (d × k) read off its Hessian-vector product HV, in Kronecker form.

H is the dk × dk matrix of ∂²L/∂Wᵢₐ∂Wⱼᵦ in **row-major** vec order: entry (i·k + a, j·k + b), the order of
``W.ravel()`` in NumPy. With that order vec(P V Q) = (P ⊗ Qᵀ) vec(V), so a term of HV linear in V reads as

    c P V Q                   →  c P ⊗ Qᵀ                               (least squares: (2/N) XᵀX ⊗ I)
    Pᵀ (per-row E(V)) Q       →  Σₙ Pₙ Rₙᵀ ⊗ Qᵀ Cₙ   where row n of E is Cₙ Vᵀ Rₙ

with Pₙ the n-th row of P as a column. The per-row factor Cₙ (k × k) is built from the steps inside E:
R V gives I, M ⊙ E gives diag(Mₙ) Cₙ, rowsum(E) gives 𝟙𝟙ᵀ Cₙ; for softmax regression that is
Σₙ XₙXₙᵀ ⊗ diag(aₙ)(I − 𝟙aₙᵀ) = Σₙ XₙXₙᵀ ⊗ (diag(aₙ) − aₙaₙᵀ). A form outside these raises
NotImplementedError (the caller then shows the tangent program). SymPy only.
"""

from __future__ import annotations

from sympy import (Add, Basic, HadamardProduct, Identity, MatAdd, MatMul, Mul, OneMatrix, S,
                   Transpose)

from symnet.core.attention import RowTotal
from symnet.core.kron_forms import Diag, Kron, RowOf, RowScalar, SampleKron
from symnet.core.matrix_jvp import plus


def kron_map(expr: Basic, v) -> Basic:
    """H (dk × dk, row-major vec) with vec(``expr``) = H vec(v), for ``expr`` (d × k) linear in ``v``.

    >>> from sympy import MatrixSymbol
    >>> X, V = MatrixSymbol("X", 5, 3), MatrixSymbol("V", 3, 2)
    >>> kron_map(2 * X.T * X * V, V)
    2*X.T*X (x) I
    """
    if expr == v:
        return Identity(v.shape[0] * v.shape[1])
    if isinstance(expr, (MatAdd, Add)):
        return _collect([kron_map(t, v) for t in expr.args])
    if isinstance(expr, MatMul):
        coeff, factors = expr.as_coeff_matrices()
        i = _moving(expr, factors, v)
        before, inner, after = factors[:i], factors[i], factors[i + 1:]
        q = _product(after, Identity(v.shape[1]))
        if inner == v:
            return _kron(coeff, _product(before, Identity(v.shape[0])), _transpose(q))
        if isinstance(inner, MatAdd):   # c P (A + B) Q: each term on its own, its factors spliced in (flat)
            return _collect([kron_map(MatMul(coeff, *before, *_factors(t), *after), v) for t in inner.args])
        if not before:
            _refuse(expr)
        p = _transpose(_product(before, None))
        return _collect([SampleKron(p, r, _scaled(coeff, _times(_transpose(q), c))) for r, c in row_terms(inner, v)])
    return _refuse(expr)


def _factors(term) -> tuple:
    """A term's factors to splice into a product (a nested MatMul is not read: 2·(V C Cᵀ) is 2·V·C·Cᵀ)."""
    return term.args if isinstance(term, MatMul) else (term,)


def _kron(c, p, q):
    """c P ⊗ Q, the number in front; I ⊗ I is the dk × dk identity."""
    pc, pf = p.as_coeff_matrices() if isinstance(p, MatMul) else (S.One, [p])
    p = _product(pf, None)
    if isinstance(p, Identity) and isinstance(q, Identity):
        return _scaled(c * pc, Identity(p.shape[0] * q.shape[0]))
    return _scaled(c * pc, Kron(p, q))


def _collect(terms):
    """The terms summed, Σₙ terms with the same Pₙ Rₙᵀ joined into one (Σₙ XₙXₙᵀ ⊗ (C₁ + C₂)), a number
    common to all their k × k factors put in front: (1/N)·Σₙ XₙXₙᵀ ⊗ (diag(aₙ) − aₙaₙᵀ)."""
    flat = [t for term in terms if term != 0 for t in (term.args if isinstance(term, MatAdd) else (term,))]
    groups, out, sums = {}, [], []
    for t in flat:
        coeff, core = (t.as_coeff_matrices()[0], t.as_coeff_matrices()[1][0]) if isinstance(t, MatMul) else (1, t)
        if isinstance(core, SampleKron):
            groups.setdefault(core.args[:2], []).append(_scaled(coeff, core.args[2]))
        else:
            out.append(t)
    for (p, r), cs in groups.items():
        cs = sorted(cs, key=lambda c: (_coeff(c).could_extract_minus_sign(), not _leads_with_diag(c)))
        common = _coeff(cs[0]) if all((_coeff(c) / _coeff(cs[0])).is_Number for c in cs) else S.One
        inner = plus([_scaled(1 / common, c) for c in cs])
        outside, weight = common.as_independent(RowScalar, as_Add=False)     # rowsum(Y)ₙ stays inside Σₙ
        sums.append(_scaled(outside, SampleKron(p, r, _scaled(weight, inner))))
    return plus(sums + out)


def _coeff(c):
    return c.as_coeff_matrices()[0] if isinstance(c, MatMul) else S.One


def _leads_with_diag(c):
    factors = c.as_coeff_matrices()[1] if isinstance(c, MatMul) else [c]
    return isinstance(factors[0], Diag)


def row_terms(expr: Basic, v) -> list:
    """[(R, Cₙ), …] with row n of ``expr`` (N × k, linear in ``v``) equal to Σ Cₙ Vᵀ Rₙ."""
    k = expr.shape[1]                                    # Cₙ is k × (the columns of v)
    if isinstance(expr, (MatAdd, Add)):
        return [t for a in expr.args for t in row_terms(a, v)]
    if isinstance(expr, MatMul):
        coeff, factors = expr.as_coeff_matrices()
        i = _moving(expr, factors, v)
        before, inner, after = factors[:i], factors[i], factors[i + 1:]
        q = _transpose(_product(after, Identity(k)))
        if inner == v and before:                        # (R V Q)ₙ = Qᵀ Vᵀ Rₙ
            return [(_product(before, None), _scaled(coeff, q))]
        if not before:
            return [(r, _scaled(coeff, _times(q, c))) for r, c in row_terms(inner, v)]
    if isinstance(expr, HadamardProduct):
        moving = [a for a in expr.args if a.has(v)]
        rest = [a for a in expr.args if not a.has(v)]
        if len(moving) == 1:
            pulled = [_pull_scalar(a) for a in rest]
            coeff, m = Mul(*(c for c, _ in pulled)), [a for _, a in pulled if a is not None]
            left = Diag(RowOf(m[0] if len(m) == 1 else HadamardProduct(*m))) if m else Identity(k)
            return [(r, _scaled(coeff, _times(left, c))) for r, c in row_terms(moving[0], v)]
    if isinstance(expr, RowTotal):                     # rowsum: 𝟙𝟙ᵀ Cₙ
        ones = MatMul(OneMatrix(k, 1), Transpose(OneMatrix(k, 1)))
        return [(r, _times(ones, c)) for r, c in row_terms(expr.args[0], v)]
    return _refuse(expr)


def _moving(expr, factors, v) -> int:
    moving = [i for i, f in enumerate(factors) if f.has(v)]
    if len(moving) != 1 or expr.as_coeff_matrices()[0].has(v):
        _refuse(expr)
    return moving[0]


def _pull_scalar(m):
    """(c, M′) with ``m`` = c M′: a number out of c·M; rowsum(c·Q), the same along each row, is all scalar:
    (c·rowsum(Q)ₙ, None) (rowsum(−Y/N) = −(1/N) rowsum(Y)ₙ, a number per sample)."""
    if isinstance(m, RowTotal):
        c, inner = _pull_scalar(m.args[0])
        return c * RowScalar(inner), None
    if isinstance(m, MatMul):
        coeff, factors = m.as_coeff_matrices()
        if coeff != 1:
            return coeff, _product(factors, None)
    return S.One, m


def _product(factors, empty):
    factors = list(factors)
    if not factors:
        return empty
    return factors[0] if len(factors) == 1 else MatMul(*factors)


def _transpose(m):
    return m if isinstance(m, (Identity, OneMatrix)) and m.shape[0] == m.shape[1] else Transpose(m).doit()


def _scaled(c, m):
    if c == 1:
        return m
    if isinstance(m, MatMul):
        coeff, factors = m.as_coeff_matrices()
        return MatMul(Mul(c, coeff), *factors)
    return MatMul(c, m)


def _times(a, b):
    """a b for k × k row factors: I dropped, 𝟙𝟙ᵀ diag(m) read as 𝟙 mᵀ."""
    if isinstance(a, Identity):
        return b
    if isinstance(b, Identity):
        return a
    ca, fa = a.as_coeff_matrices() if isinstance(a, MatMul) else (S.One, [a])
    cb, fb = b.as_coeff_matrices() if isinstance(b, MatMul) else (S.One, [b])
    if _is_ones_row(fa[-1]) and fb and isinstance(fb[0], Diag):                 # 𝟙ᵀ diag(m) = mᵀ
        fa, fb = fa[:-1] + [Transpose(fb[0].args[0])], fb[1:]
    if fb and isinstance(fa[-1], Diag) and isinstance(fb[0], OneMatrix) and fb[0].shape[1] == 1:     # diag(m) 𝟙 = m
        fa, fb = fa[:-1] + [fa[-1].args[0]], fb[1:]
    return _scaled(Mul(ca, cb), _product(fa + fb, None))


def _is_ones_row(m) -> bool:
    return isinstance(m, Transpose) and isinstance(m.arg, OneMatrix) or isinstance(m, OneMatrix) and m.shape[0] == 1


def _refuse(expr):
    raise NotImplementedError(f"cannot read the Hessian by a matrix parameter off {expr}: symnet reads P V Q, "
                              f"Pᵀ (per-row steps of R V) Q, M ⊙ E and rowsum(E)")
