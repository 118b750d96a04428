"""Forward-mode rows of the matrix primitives: the JVP Ẏ of each step Y = f(A, B, …) from the tangents Ȧ, Ḃ, ….

The second sweep of a typed loss's Hessian (``core.matrix_hessian``) runs these over the gradient program:

    A + B  → Ȧ + Ḃ            A B  → Ȧ B + A Ḃ          Aᵀ → Ȧᵀ            A ⊙ B → Ȧ ⊙ B + A ⊙ Ḃ
    σ(Z)   → σ′(Z) ⊙ Ż        σ′(Z) → σ″(Z) ⊙ Ż          X.^p → p X.^(p−1) ⊙ Ẋ
    sum X  → sum Ẋ            ‖X‖² → 2 sum(X ⊙ Ẋ)        ‖X‖ → sum(X ⊙ Ẋ)/‖X‖   tr X → tr Ẋ
    exp X  → eˣ ⊙ Ẋ           log X → Ẋ ⊘ X              c·X → ċ X + c Ẋ
    softmax(Z) by rows → A ⊙ (Ż − rowsum(A ⊙ Ż))          log_softmax(Z) → Ż − rowsum(softmax(Z) ⊙ Ż)
    rowsum(M) → rowsum(Ṁ)        (one row a = softmax(z): ȧ = (diag(a) − a aᵀ) ż, every row at once)

σ′ and σ″ are not typed in: σ′(t) is the scalar rule table's row for σ, written in t and s = σ(t), and
``entrywise`` turns that scalar formula into an entrywise matrix one (s(1 − s) → S ⊙ (𝟙 − S)), whose own
tangent the rows above give. Scalar steps (s₁/N, λ s₁) use the scalar table's partials. SymPy only.
"""

from __future__ import annotations

from collections.abc import Mapping

from sympy import (Add, Basic, Heaviside, HadamardPower, HadamardProduct, Identity, MatAdd, MatMul, MatrixSymbol,
                   Mul, OneMatrix, Pow, S, Trace, Transpose, ZeroMatrix)

from symnet.core.attention import LogSoftmax, RowSoftmax, RowTotal
from symnet.core.matrix_ops import ENTRYWISE, EntrySum, Entrywise, Norm1, Norm2, Scale, SquaredNorm
from symnet.core.matrix_rules import ActivationPrime, Apply, _function
from symnet.core.neuron import ACTIVATIONS
from symnet.core.rules import DERIVATIVES, partials

LEAVES = (MatrixSymbol, OneMatrix, Identity, ZeroMatrix)


def is_zero(x) -> bool:
    return x is None or x == 0 or isinstance(x, ZeroMatrix)


def plus(terms):
    """The sum of the nonzero ``terms`` (matrices: ``MatAdd``; scalars: ``Add``), or 0."""
    kept = [t for t in terms if not is_zero(t)]
    if not kept:
        return S.Zero
    if len(kept) == 1:
        return kept[0]
    return MatAdd(*kept) if getattr(kept[0], "is_Matrix", False) else Add(*kept)


def matrix_jvp(expr: Basic, dots: Mapping, ans=None, table: Mapping = DERIVATIVES, _memo=None) -> Basic:
    """The tangent of ``expr`` for the tangents ``dots`` {symbol: its tangent} (0 when nothing moves).

    ``ans`` names ``expr``'s value when a program symbol holds it (σ′ = s(1 − s) reads it).

    >>> X, w, v = MatrixSymbol("X", 5, 3), MatrixSymbol("w", 3, 1), MatrixSymbol("v", 3, 1)
    >>> matrix_jvp(Apply("tanh", X * w), {w: v})
    HadamardProduct(-HadamardPower(tanh(X*w), 2) + 1, X*v)
    """
    memo = {} if _memo is None else _memo
    if expr in dots:
        return dots[expr]
    if expr.is_Atom or isinstance(expr, LEAVES) or not expr.args:
        return S.Zero
    if expr in memo:
        return memo[expr]
    arg_dots = [matrix_jvp(a, dots, None, table, memo) if isinstance(a, Basic) else S.Zero for a in expr.args]
    if all(is_zero(d) for d in arg_dots):
        result = S.Zero
    else:
        row = JVP_ROWS.get(type(expr))
        if row is not None:
            result = row(expr, expr if ans is None else ans, arg_dots, table)
        elif getattr(expr, "is_Matrix", False) or any(getattr(a, "is_Matrix", False) for a in expr.args):
            raise NotImplementedError(f"no forward-mode (JVP) row for {type(expr).__name__}: its second "
                                      f"derivative is not derived yet")
        else:      # a scalar step of scalars: the scalar table's partials
            result = plus([p * d for p, d in zip(partials(expr, ans, table), arg_dots) if not is_zero(d)])
    memo[expr] = result
    return result


def _matmul(expr, ans, dots, table):
    args = expr.args
    return plus([MatMul(*args[:i], d, *args[i + 1:]) for i, d in enumerate(dots) if not is_zero(d)])


def _hadamard(expr, ans, dots, table):
    args = expr.args
    return plus([HadamardProduct(*args[:i], d, *args[i + 1:]) for i, d in enumerate(dots) if not is_zero(d)])


def _apply(expr, ans, dots, table):
    prime = ActivationPrime(expr.args[0], expr.args[1], ans).scalar_rule(table)
    return HadamardProduct(entrywise(prime, expr.args[1], ans, table), dots[1])


def _activation_prime(expr, ans, dots, table):
    """σ′(Z) with S = σ(Z) a symbol: the tangent of the entrywise formula σ′(Z, S), through Ż and Ṡ."""
    z, s = expr.args[1], expr.args[2]
    form = entrywise(expr.scalar_rule(table), z, s, table)
    tangents = {z: dots[1]} if z == s else {z: dots[1], s: dots[2]}
    return matrix_jvp(form, {k: v for k, v in tangents.items() if not is_zero(v)}, None, table)


def _entrywise_fn(expr, ans, dots, table):
    name, X, dX = expr.name, expr.args[1], dots[1]
    if name == "exp":
        return HadamardProduct(ans, dX)
    if name == "log":
        return HadamardProduct(dX, HadamardPower(X, -1))
    if name == "abs":
        return HadamardProduct(Entrywise("sign", X), dX)
    if name == "sqrt":
        return MatMul(S.Half, HadamardProduct(dX, HadamardPower(ans, -1)))
    return S.Zero


def _power(expr, ans, dots, table):
    X, p = expr.args
    if p == 2:
        return MatMul(2, HadamardProduct(X, dots[0]))
    return MatMul(p, HadamardProduct(HadamardPower(X, p - 1), dots[0]))


def _scale(expr, ans, dots, table):
    c, X = expr.args
    return plus([None if is_zero(dots[0]) else MatMul(dots[0], X), None if is_zero(dots[1]) else MatMul(c, dots[1])])


def _row_softmax(expr, ans, dots, table):
    return HadamardProduct(ans, MatAdd(dots[0], MatMul(-1, RowTotal(HadamardProduct(ans, dots[0])))))


def _log_softmax(expr, ans, dots, table):
    a = RowSoftmax(expr.args[0])
    return MatAdd(dots[0], MatMul(-1, RowTotal(HadamardProduct(a, dots[0]))))


JVP_ROWS: dict[type, object] = {
    # ---- linear algebra ------------------------------------------------------------------------------
    MatAdd: lambda expr, ans, dots, table: plus(dots),                               # Ȧ + Ḃ
    MatMul: _matmul,                                                                  # Ȧ B + A Ḃ
    Transpose: lambda expr, ans, dots, table: Transpose(dots[0]),                     # Ȧᵀ
    HadamardProduct: _hadamard,                                                       # Ȧ ⊙ B + A ⊙ Ḃ
    Trace: lambda expr, ans, dots, table: Trace(dots[0]),                             # tr Ẋ
    # ---- matrix → number -----------------------------------------------------------------------------
    EntrySum: lambda expr, ans, dots, table: EntrySum(dots[0]),                       # sum Ẋ
    SquaredNorm: lambda expr, ans, dots, table: 2 * EntrySum(HadamardProduct(expr.arg, dots[0])),
    Norm2: lambda expr, ans, dots, table: EntrySum(HadamardProduct(expr.arg, dots[0])) / ans,
    Norm1: lambda expr, ans, dots, table: EntrySum(HadamardProduct(Entrywise("sign", expr.arg), dots[0])),
    # ---- entrywise -----------------------------------------------------------------------------------
    Apply: _apply,                                                                    # σ′(Z) ⊙ Ż
    ActivationPrime: _activation_prime,                                               # σ″(Z) ⊙ Ż
    Entrywise: _entrywise_fn,                                                         # f′(X) ⊙ Ẋ
    HadamardPower: _power,                                                            # p X.^(p−1) ⊙ Ẋ
    Scale: _scale,                                                                    # ċ X + c Ẋ
    # ---- by rows (core.attention) --------------------------------------------------------------------
    RowSoftmax: _row_softmax,                                                         # A ⊙ (Ż − rowsum(A ⊙ Ż))
    LogSoftmax: _log_softmax,                                                         # Ż − rowsum(A ⊙ Ż)
    RowTotal: lambda expr, ans, dots, table: RowTotal(dots[0]),                       # rowsum Ṁ
}


def entrywise(rule, z, s, table: Mapping = DERIVATIVES) -> Basic:
    """The scalar σ′ = ``rule`` (a ``Lambda`` of t and s = σ(t)) as an entrywise matrix formula of Z = ``z`` and
    S = ``s``: numbers become c·𝟙, products ⊙, powers .^, functions of t their entrywise steps."""
    t, u = rule.variables
    return _entrywise(rule.expr, {t: z, u: s}, z.shape)


def _entrywise(f, names, shape):
    if f in names:
        return names[f]
    if f.is_Number:
        return MatMul(f, OneMatrix(*shape)) if f != 1 else OneMatrix(*shape)
    if isinstance(f, Add):
        return MatAdd(*(_entrywise(a, names, shape) for a in f.args))
    if isinstance(f, Mul):
        c, rest = f.as_coeff_Mul()
        ordered = sorted(Mul.make_args(rest), key=lambda a: a not in names)     # s ⊙ (𝟙 − s): the names first
        parts = [_entrywise(a, names, shape) for a in ordered]
        body = parts[0] if len(parts) == 1 else HadamardProduct(*parts)
        return body if c == 1 else MatMul(c, body)
    if isinstance(f, Pow) and f.exp.is_Integer:
        return HadamardPower(_entrywise(f.base, names, shape), f.exp)
    if isinstance(f, Heaviside):                    # relu′: (sign(Z) + 𝟙)/2, whose own tangent is 0
        return MatMul(S.Half, MatAdd(Entrywise("sign", _entrywise(f.args[0], names, shape)), OneMatrix(*shape)))
    name = type(f).__name__.lower()
    if len(f.args) == 1 and name in ENTRYWISE:
        return Entrywise(name, _entrywise(f.args[0], names, shape))
    if len(f.args) == 1 and name in ACTIVATIONS and name != "identity":
        _function(name)
        return Apply(name, _entrywise(f.args[0], names, shape))
    raise NotImplementedError(f"cannot write {f} entry by entry for a matrix Hessian: {type(f).__name__} has no "
                              f"entrywise matrix step")
