"""A loss typed as a matrix expression (``norm2(X*w - y)^2/N + lam*norm2(w)^2``), as one program.

A ``MatrixLoss`` holds the SymPy matrix expression the parser built (``symnet.io.matrix_syntax``), the
declared matrices (a vector is a column), which of them are parameters and which are data, and the
scalar symbols (sizes such as N, bound when data arrive; constants such as λ). Its ``program`` names
every step the rule table differentiates as a whole — each number made of a matrix (sum, norm, trace),
each entrywise function and its argument — so the one reverse sweep (``core.backprop.reverse_sweep``)
derives it with the matrix rows of ``core.matrix_rules`` and ``core.matrix_ops``:

    u₁ = Xw − y,   s₁ = ‖u₁‖,   s₂ = ‖w‖,   L = s₁²/N + λ s₂²
    δ_w = Xᵀ(2 s₁/N · u₁/s₁) + 2λ s₂ · w/s₂  →  (2/N) Xᵀ(Xw − y) + 2λw   (``readable``)
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Basic, HadamardPower, Identity, MatrixSymbol, OneMatrix, Symbol, Trace, ZeroMatrix

from symnet.core.backprop import Gradient, reverse_sweep
from symnet.core.matrix_ops import Entrywise, MatrixToScalar, Scale
from symnet.core.matrix_rules import Apply
from symnet.core.matrix_simplify import readable
from symnet.core.program import Program
from symnet.core.rules import rule_table

NAMED = (MatrixToScalar, Trace, Apply, Entrywise, HadamardPower, Scale)   # one program step each
LEAVES = (MatrixSymbol, OneMatrix, Identity, ZeroMatrix)


@dataclass(frozen=True)
class MatrixLoss:
    """A scalar loss of declared matrices: ``expr``, its ``params`` and ``data`` (``MatrixSymbol``s, in the
    order declared), ``sizes`` (symbols in shapes, e.g. N) and ``constants`` (other scalar symbols, e.g. λ).

    ``text`` is the expression as the parser read it back (never the user's raw text).
    """

    is_loss = True          # what every verb differentiates (``as_loss``)
    layout = "whole-data"   # how it is compiled and checked (``symnet.numeric.kinds``): no batch

    expr: Basic
    params: tuple[MatrixSymbol, ...]
    data: tuple[MatrixSymbol, ...]
    sizes: tuple[Symbol, ...]
    constants: tuple[Symbol, ...]
    values: tuple[tuple[str, float], ...] = ()   # a number for each constant, when given (λ = 0.1)

    def __post_init__(self):
        if getattr(self.expr, "is_Matrix", False):
            raise ValueError(f"a loss is one number; this expression is a {' × '.join(map(str, self.expr.shape))} "
                             f"matrix: wrap it in sum(), mean() or norm2()")
        if not self.params:
            raise ValueError("the loss has no parameters: name the matrices to differentiate by (wrt=, --wrt)")

    @property
    def matrices(self) -> tuple[MatrixSymbol, ...]:
        """Every declared matrix the expression reads: data first, then parameters."""
        return self.data + self.params

    @property
    def program(self) -> Program:
        """The loss as a straight-line program: inputs are the data, sizes and constants; params the parameters."""
        steps: list = []
        fresh = _namer(self)
        out = _lift(self.expr, steps, {}, fresh)
        last = bool(steps) and steps[-1][0] == out
        if "L" in fresh.taken:                      # a matrix named L: the loss keeps its step's name
            final = out if last else Symbol(fresh("s"), real=True)
        else:
            final = Symbol("L", real=True)
        if last:
            steps[-1] = (final, steps[-1][1])
        else:
            steps.append((final, out))
        return Program(self.data + self.sizes + self.constants, self.params, tuple(steps), (final,))

    def gradient(self, wrt=None, rules=None) -> Gradient:
        """The gradient program by the one reverse sweep (default: every parameter)."""
        return reverse_sweep(self.program, self.resolve(wrt), rule_table(rules))

    def hessian(self, wrt=None, rules=None):
        """The d × d Hessian as one matrix formula (``core.matrix_hessian``): what ``symnet.hessian`` returns."""
        from symnet.core.matrix_hessian import matrix_hessian

        return matrix_hessian(self, wrt=wrt, rules=rules)

    def resolve(self, wrt=None) -> tuple[MatrixSymbol, ...]:
        """The parameters named by ``wrt`` (a name, a list of names, or None for all of them)."""
        if wrt is None:
            return self.params
        names = [wrt] if isinstance(wrt, str) else [str(w) for w in wrt]
        known = {p.name: p for p in self.params}
        for name in names:
            if name not in known:
                data = " (it is data)" if name in {d.name for d in self.data} else ""
                raise ValueError(f"cannot differentiate by {name!r}{data}: the parameters are "
                                 f"{', '.join(known)}")
        return tuple(known[n] for n in names)

    def __str__(self) -> str:
        return str(self.expr)


def closed_gradient(gradient: Gradient, param: MatrixSymbol, max_ops: int = 10**6) -> Basic:
    """∂L/∂param as one matrix formula for reading: the adjoint program substituted (``Program.expand``, size
    guarded), then rewritten the textbook way (``core.matrix_simplify.readable``)."""
    expanded = gradient.program.expand(gradient.formula(param), max_ops, what=f"derivative ∂L/∂{param}")
    return readable(expanded)


def _namer(loss: MatrixLoss):
    """``fresh(prefix)``: s1, s2, … or u1, u2, …, never a name of the loss (``fresh.taken``)."""
    taken = {s.name for s in loss.matrices + loss.sizes + loss.constants}
    counter = {"s": 0, "u": 0}

    def fresh(prefix: str) -> str:
        while True:
            counter[prefix] += 1
            name = f"{prefix}{counter[prefix]}"
            if name not in taken:
                return name
    fresh.taken = taken
    return fresh


def _name(node, steps, fresh, scalar: bool):
    if scalar:
        symbol = Symbol(fresh("s"), real=True)
    else:
        symbol = MatrixSymbol(fresh("u"), *node.shape)
    steps.append((symbol, node))
    return symbol


def _lift(node, steps, memo, fresh):
    """``node`` rebuilt over named steps: every ``NAMED`` node becomes a step, and so does each compound argument."""
    if node in memo:
        return memo[node]
    if node.is_Atom or isinstance(node, LEAVES) or not node.args:
        return node
    args = [_lift(a, steps, memo, fresh) for a in node.args]
    if isinstance(node, NAMED):
        args = [a if a.is_Atom or isinstance(a, LEAVES) or not isinstance(a, Basic) or not a.args
                else _name(a, steps, fresh, scalar=not getattr(a, "is_Matrix", False)) for a in args]
    new = node.func(*args)
    if isinstance(node, NAMED):
        new = _name(new, steps, fresh, scalar=not getattr(new, "is_Matrix", False))
    memo[node] = new
    return new
