"""The Hessian of a typed matrix loss by one parameter, w (d × 1) or W (d × k), as a matrix expression.

Forward over reverse, as for scalar networks (``core.hessian``): the gradient program (forward steps and
the δ sweep, each step made readable) is swept once more in forward mode with the tangent ẇ = v, a d × 1
direction (``core.matrix_jvp``'s rows). The tangent of δ_w is the Hessian-vector product Hv, a matrix
expression linear in v; ``linear_map`` reads H off it, factor by factor from the right:

    Xᵀ (c ⊙ (X v)) → Xᵀ diag(c) X,     2λ v → 2λ I,     a (bᵀ v) → a bᵀ

so ridge gives (2/N) XᵀX + 2λI and logistic regression (mean form) (1/N) Xᵀ diag(σ(Xw) ⊙ (𝟙 − σ(Xw))) X.
By a d × k matrix W the tangent is V (d × k) and H is dk × dk in row-major vec(W) order, read off HV in
Kronecker form by ``core.matrix_kron`` (softmax regression: (1/N) Σₙ XₙXₙᵀ ⊗ diag(aₙ)(I − 𝟙aₙᵀ)).
No ``sympy.diff`` anywhere: every derivative comes from the rule rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sympy import (Add, Basic, HadamardProduct, Identity, MatAdd, MatMul, MatrixSymbol, Mul, OneMatrix, S,
                   Transpose)

from symnet.core.backprop import Gradient
from symnet.core.matrix_jvp import is_zero, matrix_jvp, plus
from symnet.core.kron_forms import Diag
from symnet.core.matrix_kron import kron_map
from symnet.core.matrix_ops import EntrySum
from symnet.core.matrix_simplify import readable
from symnet.core.program import MAX_EXPANDED_OPS, Program
from symnet.core.rules import rule_table


@dataclass(frozen=True)
class MatrixHessian:
    """∂²L/∂w∂wᵀ of a typed loss: ``matrix`` (d × d, readable), ``product`` Hv (compact, over ``program``)."""

    gradient: Gradient
    direction: MatrixSymbol               # v, d × 1
    tangents: tuple[tuple[MatrixSymbol, Basic], ...]
    product: Basic                        # Hv in the symbols of the program and the tangents
    matrix: Basic | None                  # H, d × d (dk × dk, row-major vec(W)) in the loss's own matrices

    @property
    def wrt(self) -> MatrixSymbol:
        return self.gradient.wrt[0]

    @property
    def program(self) -> Program:
        """The gradient program, then the tangent sweep ẇ = v; params (w, v), output Hv."""
        g = read_by(self.gradient.program, self.gradient.results)
        return Program(g.inputs, g.params + (self.direction,), g.assignments + self.tangents, (self.product,))

    def product_formula(self, max_ops: int = MAX_EXPANDED_OPS) -> Basic:
        """Hv as one readable formula of the loss's matrices and v."""
        return readable(self.program.expand(self.product, max_ops, what="Hessian-vector product"))

    @property
    def size(self):
        """d (a column w) or dk (a d × k matrix W, entries in row-major order: W[i, a] is entry i·k + a)."""
        return self.wrt.shape[0] * self.wrt.shape[1]

    def __repr__(self) -> str:
        return f"<MatrixHessian by {self.wrt} ({self.size} × {self.size}): {self.matrix}>"


def matrix_hessian(loss, wrt=None, rules: Mapping | None = None) -> MatrixHessian:
    """The Hessian of a typed loss by its one parameter, derived by a tangent sweep of its gradient.

    Args:
        loss: a ``MatrixLoss`` (``symnet.loss(expr, shapes=…)``).
        wrt: the parameter's name (default: the loss's only parameter): a column (d × 1) or a matrix (d × k).
        rules: extra scalar derivative rules, as for ``grad``.

    Returns:
        A ``MatrixHessian``; ``.matrix`` is H, e.g. (2/N)·XᵀX + 2λ·I for ridge regression; by a matrix W,
        dk × dk in row-major vec(W) order (None when only the tangent program ``.tangents`` expresses it).

    >>> from symnet.io.matrix_build import matrix_loss
    >>> matrix_hessian(matrix_loss("norm2(X*w - y)^2/N + lam*norm2(w)^2", "X=N x 3, y=N, w=3")).matrix
    (2/N)*X.T*X + (2*lam)*I
    """
    params = loss.resolve(wrt)
    if len(params) != 1:
        shown = ", ".join(f"{p.name} ({p.shape[0]} × {p.shape[1]})" for p in params)
        raise NotImplementedError(f"matrix Hessians are derived by one parameter (a d × 1 column or a d × k matrix); "
                                  f"got {shown}: name one parameter with wrt=")
    table, gradient = rule_table(rules), loss.gradient(params, rules)
    w = params[0]
    v = MatrixSymbol(_fresh_direction(loss, w), *w.shape)
    program = read_by(gradient.program, gradient.results)
    tangents, dots = matrix_tangent_sweep(program, {w: v}, table)
    product = dots.get(gradient.results[0], S.Zero)
    full = Program(program.inputs, program.params + (v,), program.assignments + tuple(tangents), (product,))
    closed = readable(full.expand(product, what="Hessian-vector product")) if not is_zero(product) else product
    return MatrixHessian(gradient, v, tuple(tangents), product, _read_matrix(closed, v))


def _read_matrix(closed, v):
    """H off Hv: d × d for a column, dk × dk (row-major vec, Kronecker form) for a matrix; None when a
    matrix parameter's Hv has no form ``core.matrix_kron`` reads (the tangent program is then the answer)."""
    size = v.shape[0] * v.shape[1]
    if is_zero(closed):
        return MatMul(0, Identity(size))
    if v.shape[1] == 1:
        try:
            return readable(linear_map(closed, v))
        except NotImplementedError:      # row steps (softmax of X w cᵀ by rows): Σₙ XₙXₙᵀ ⊗ (a 1 × 1 factor)
            pass
    try:
        return kron_map(closed, v)
    except NotImplementedError:
        return None


def matrix_tangent_sweep(program: Program, seeds: Mapping, table: Mapping) -> tuple[list, dict]:
    """Forward mode over ``program``'s steps (each made readable first): (tangent steps d_s = ṡ, {symbol: ṡ}).

    A tangent that is 0 is left out; one that is not a single symbol becomes a step named d_<symbol>.
    """
    tangents, dots = [], dict(seeds)
    for lhs, rhs in program.assignments:
        dot = matrix_jvp(readable(rhs), dots, ans=lhs, table=table)
        if is_zero(dot):
            continue
        if not (dot.is_Atom or isinstance(dot, MatrixSymbol)):
            symbol = (MatrixSymbol(f"d_{lhs.name}", *lhs.shape) if isinstance(lhs, MatrixSymbol)
                      else type(lhs)(f"d_{lhs.name}", real=True))
            tangents.append((symbol, readable(dot)))
            dot = symbol
        dots[lhs] = dot
    return tangents, dots


def read_by(program: Program, exprs) -> Program:
    """``program`` with only the assignments that ``exprs`` read, directly or through other steps,
    and ``exprs`` as its outputs (the loss value itself is not needed to differentiate the gradient)."""
    needed = set().union(*(e.free_symbols for e in exprs))
    kept = []
    for lhs, rhs in reversed(program.assignments):
        if lhs in needed:
            needed |= rhs.free_symbols
            kept.append((lhs, rhs))
    return Program(program.inputs, program.params, tuple(reversed(kept)), tuple(exprs))


def _fresh_direction(loss, w) -> str:
    taken = {s.name for s in loss.matrices + loss.sizes + loss.constants}
    names = ("v", "v0", "v1", "v2", "direction") if w.shape[1] == 1 else ("V", "V0", "V1", "V2", "direction")
    return next(n for n in names if n not in taken)


def linear_map(expr: Basic, v: MatrixSymbol) -> Basic:
    """The matrix M with ``expr`` = M v, for ``expr`` linear in the column ``v`` (a 1 × d row when
    ``expr`` is a number).

    >>> X, v, c = MatrixSymbol("X", 5, 3), MatrixSymbol("v", 3, 1), MatrixSymbol("c", 5, 1)
    >>> linear_map(X.T * HadamardProduct(c, X * v), v)
    X.T*diag(c)*X
    """
    if expr == v:
        return Identity(v.shape[0])
    if isinstance(expr, (MatAdd, Add)):
        return plus([linear_map(t, v) for t in expr.args])
    if isinstance(expr, (MatMul, Mul)):
        return _product_map(expr, v)
    if isinstance(expr, HadamardProduct):
        moving = [a for a in expr.args if a.has(v)]
        rest = [a for a in expr.args if not a.has(v)]
        if len(moving) != 1 or expr.shape[1] != 1:
            raise NotImplementedError(f"cannot read the Hessian off {expr}: not of the form c ⊙ (M v)")
        c = rest[0] if len(rest) == 1 else HadamardProduct(*rest)
        return _mul(Diag(c), linear_map(moving[0], v))
    if isinstance(expr, EntrySum):
        return _sum_map(expr.arg, v)
    if isinstance(expr, Transpose):
        pushed = expr.doit()                        # (A + sB)ᵀ → Aᵀ + s Bᵀ, (AB)ᵀ → BᵀAᵀ
        if pushed != expr:
            return linear_map(pushed, v)
        if expr.shape == (1, 1):                    # (M v)ᵀ is a 1 × 1 number
            return linear_map(expr.arg, v)
    return _refuse(expr)


def _sum_map(arg, v):
    """The row r with sum(``arg``) = r v: sum(a ⊙ M v) = aᵀ M, sum(M v) = 𝟙ᵀ M (a row is read as its column)."""
    if arg.shape[0] == 1 and arg.shape[1] != 1:
        arg = Transpose(arg).doit()
    if isinstance(arg, MatAdd):
        return plus([_sum_map(a, v) for a in arg.args])
    if isinstance(arg, MatMul):
        coeff, matrices = arg.as_coeff_matrices()
        if coeff.has(v) and not any(m.has(v) for m in matrices):      # sum(s A) = sum(A) · (row of s)
            return _mul(EntrySum(_mul(*matrices)), linear_map(coeff, v))
        if coeff != 1 and not coeff.has(v):
            return _mul(coeff, _sum_map(_mul(*matrices), v))
    if isinstance(arg, HadamardProduct) and arg.shape[1] == 1:
        moving = [a for a in arg.args if a.has(v)]
        rest = [a for a in arg.args if not a.has(v)]
        if len(moving) == 1:
            a = rest[0] if len(rest) == 1 else HadamardProduct(*rest)
            return _mul(Transpose(a), linear_map(moving[0], v))
    if arg.shape == (1, 1):
        return linear_map(arg, v)
    if arg.shape[1] == 1:
        return _mul(OneMatrix(1, arg.shape[0]), linear_map(arg, v))
    return _refuse(EntrySum(arg))


def _refuse(expr):
    raise NotImplementedError(f"cannot read the Hessian off {expr}: symnet reads Hv as sums of products, c ⊙ (M v) "
                              f"and sum(a ⊙ M v)")


def _product_map(expr, v):
    """c A₁ … Aₖ with v inside one factor: the last matrix factor (… M v), or a number s (s A = A (r v))."""
    args = list(expr.args)
    moving = [i for i, a in enumerate(args) if a.has(v)]
    if len(moving) != 1:
        return _refuse(expr)
    i = moving[0]
    scalars = [a for a in args[:i] + args[i + 1:] if not _is_matrix(a)]
    before, after = [a for a in args[:i] if _is_matrix(a)], [a for a in args[i + 1:] if _is_matrix(a)]
    if _is_matrix(args[i]) and after:                    # M v a with a 1 × 1: the number a times M v
        if any(a.shape != (1, 1) for a in after):
            flipped = Transpose(expr).doit() if expr.shape == (1, 1) else expr      # vᵀ a = aᵀ v
            return linear_map(flipped, v) if flipped != expr else _refuse(expr)
        scalars += [EntrySum(a) for a in after if not isinstance(a.doit(), (OneMatrix, Identity))]
        after = []
    return _mul(*scalars, *before, *after, linear_map(args[i], v))


def _is_matrix(x) -> bool:
    return getattr(x, "is_Matrix", False)


def _mul(*factors):
    """The product, an identity factor dropped beside other matrices (X I is X)."""
    factors = [g for f in factors for g in (f.args if isinstance(f, MatMul) else (f,))]     # one flat product
    matrices = [f for f in factors if _is_matrix(f)]
    if len(matrices) > 1:
        factors = [f for f in factors if not isinstance(f, Identity)]
    return factors[0] if len(factors) == 1 else MatMul(*factors)
