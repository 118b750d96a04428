"""Closed matrix forms for reading: the substituted adjoint rewritten the way a textbook writes it.

A few exact rewrites, applied bottom up (never SymPy's ``simplify``, which is slow and unpredictable):

    𝟙 ⊙ A → A,   (cA) ⊙ B → c (A ⊙ B),   (−A) → −1·A inside ⊙,   1·𝟙 → 𝟙
    eᵘ ⊘ (eᵘ + 𝟙) → σ(u),   𝟙 ⊘ (eᵘ + 𝟙) → σ(−u),   softplus′(z) → σ(z)
    c·XᵀA + d·XᵀB → Xᵀ(cA + dB)   (a common left factor), and a common scalar factor out of the sum

so ridge's δ_w reads (2/N)·Xᵀ(Xw − y) + 2λw and logistic regression's Xᵀ(σ(Xw) − y)/N.
"""

from __future__ import annotations

from sympy import Basic, HadamardPower, HadamardProduct, MatAdd, MatMul, OneMatrix, S, Transpose

from symnet.core.matrix_ops import Entrywise
from symnet.core.matrix_rules import ActivationPrime, Apply


def readable(expr: Basic) -> Basic:
    """``expr`` with the rewrites above applied everywhere, bottom up."""
    if expr.is_Atom or not expr.args:
        return expr
    if isinstance(expr, HadamardProduct):   # one flat product first: eᵘ and its partner may sit in different levels
        expr = HadamardProduct(*_flat(expr))
    args = [readable(a) for a in expr.args]
    node = expr.func(*args) if any(a is not b for a, b in zip(args, expr.args)) else expr
    for rewrite in REWRITES.get(type(node), ()):
        node = rewrite(node)
        if not isinstance(node, Basic) or node.is_Atom:
            break
    return node


def _flat(expr):
    if not isinstance(expr, HadamardProduct):
        return [expr]
    return [f for a in expr.args for f in _flat(a)]


def _flatten(expr):
    """(scalar c, [matrix factors]) of a product, nested products opened, no scalar distributed over a sum."""
    if not isinstance(expr, MatMul):
        return (S.One, [expr]) if getattr(expr, "is_Matrix", False) else (expr, [])
    c, factors = S.One, []
    for a in expr.args:
        ca, fa = _flatten(a)
        c, factors = c * ca, factors + fa
    return c, factors


def _product(c, factors):
    c2, flat = _flatten(MatMul(*factors)) if len(factors) > 1 else _flatten(factors[0])
    c *= c2
    if c == 1:
        return flat[0] if len(flat) == 1 else MatMul(*flat)
    return MatMul(c, *flat)


def _matmul(expr):
    c, factors = _flatten(expr)
    return expr if c == 0 or not factors else _product(c, factors)


def exp_plus_one(expr):
    """u when ``expr`` is eᵘ + 𝟙 (in either order), else None."""
    if not isinstance(expr, MatAdd) or len(expr.args) != 2:
        return None
    a, b = expr.args
    exp_part = a if isinstance(b, OneMatrix) else b if isinstance(a, OneMatrix) else None
    return exp_part.args[1] if isinstance(exp_part, Entrywise) and exp_part.name == "exp" else None


def _sigmoids(factors):
    """eᵘ ⊙ (eᵘ + 𝟙)^{-1} → σ(u), and a lone (eᵘ + 𝟙)^{-1} → σ(−u)."""
    out = list(factors)
    for i, f in enumerate(factors):
        if isinstance(f, HadamardPower) and f.args[1] == -1 and (u := exp_plus_one(f.args[0])) is not None:
            partner = next((k for k, g in enumerate(out) if isinstance(g, Entrywise) and g.name == "exp"
                            and g.args[1] == u), None)
            if partner is not None:
                out[i], out[partner] = Apply("sigmoid", u), None
            else:
                out[i] = Apply("sigmoid", _negate(u))
    return [f for f in out if f is not None]


def _negate(u):
    c, factors = _flatten(u)
    return _product(-c, factors)


def _hadamard(expr):
    coeff, factors = S.One, []
    for f in expr.args:
        c, parts = _flatten(f)
        coeff *= c
        inner = parts[0] if len(parts) == 1 else MatMul(*parts)
        factors.extend(inner.args if isinstance(inner, HadamardProduct) else [inner])
    factors = _sigmoids(factors)
    kept = [f for f in factors if not isinstance(f, OneMatrix)] or factors[:1]
    body = kept[0] if len(kept) == 1 else HadamardProduct(*kept)
    return _product(coeff, [body])


def _matadd(expr):
    expr = expr.doit(deep=False)        # w + w → 2w
    if not isinstance(expr, MatAdd):
        return expr
    terms = [_flatten(t) for t in expr.args]
    c0 = -terms[0][0] if terms[0][0].could_extract_minus_sign() else terms[0][0]
    common = c0 if all(c in (c0, -c0) for c, _ in terms) else S.One   # ±c everywhere: c out of the sum
    if any(len(f) < 2 for _, f in terms) or len({f[0] for _, f in terms}) != 1:   # no common left factor
        if common == 1:
            return expr
        return _product(common, [MatAdd(*(_product(c / common, f) for c, f in terms))])
    rest = MatAdd(*(_product(c / common, f[1:]) for c, f in terms)).doit(deep=False)
    return _product(common, [terms[0][1][0], rest])


def _activation_prime(expr):
    if not isinstance(expr.args[0], Basic) or str(expr.args[0]) != "softplus" or expr.rule is not None:
        return expr
    return Apply("sigmoid", expr.args[1])


def _transpose(expr):
    """(AB)ᵀ → BᵀAᵀ, (Aᵀ)ᵀ → A."""
    return expr.doit(deep=False) if isinstance(expr.arg, (MatMul, Transpose)) else expr


REWRITES = {
    Transpose: (_transpose,),
    MatMul: (_matmul,),
    HadamardProduct: (_hadamard,),
    MatAdd: (_matadd,),
    ActivationPrime: (_activation_prime,),
}
