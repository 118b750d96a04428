"""Second derivatives by forward-over-reverse: a tangent sweep over the gradient program.

The gradient program (the forward steps, then the δ sweep of ``backprop``) is a straight-line
program like any other, so it can be differentiated again. A tangent (forward-mode) sweep visits
its assignments in order and carries, for a direction v over the parameters,

    θ̇ = v,    ṡ = Σ_u ∂rhs_s/∂u · u̇   (over the symbols u that rhs_s reads),

with the local partials from the same rule table as backprop (never ``sympy.diff``). The tangents
of the gradient's results are the Hessian-vector product Hv = d/dε ∇L(θ + εv) at ε = 0, at a small
constant times the cost of one gradient. Seeding v = eⱼ gives the Hessian's column j:
∂²L/∂θᵢ∂θⱼ = ∂(∂L/∂θᵢ)/∂θⱼ; the P columns give the whole matrix, printed entry by entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sympy import Add, Basic, Derivative, Dummy, MatrixSymbol, S, Symbol

from symnet.core.backprop import Gradient, grad
from symnet.core.display import Displayed
from symnet.core.matrix_hessian import read_by  # noqa: F401  (read_by: re-exported)
from symnet.core.program import MAX_EXPANDED_OPS, Program
from symnet.core.rules import DERIVATIVES, partials, rule_table


@dataclass(frozen=True)
class Hessian(Displayed):
    """The Hessian of the gradient's output: ``entries[i][j]`` = ∂²L/∂wrt[i]∂wrt[j] in compact form.

    ``tangents`` are the tangent assignments of every column (column j: the derivatives by wrt[j] of
    the gradient program's symbols); ``meaning`` maps each tangent symbol to (symbol, wrt[j]), so a
    printer can name it ∂s/∂θⱼ.
    """

    gradient: Gradient
    tangents: tuple[tuple[Symbol, Basic], ...]
    entries: tuple[tuple[Basic, ...], ...]
    meaning: tuple[tuple[Symbol, Basic, Symbol], ...]

    @property
    def wrt(self) -> tuple[Symbol, ...]:
        return self.gradient.wrt

    @property
    def program(self) -> Program:
        """One program computing L and every entry, row by row: outputs (L, H₁₁, H₁₂, …, H_PP)."""
        g = self.gradient.program
        flat = tuple(e for row in self.entries for e in row)
        return Program(g.inputs, g.params, g.assignments + self.tangents, (g.outputs[0],) + flat)

    def entry(self, a, b) -> Basic:
        """∂²L/∂a∂b in compact form (names or symbols, as for ``Gradient.formula``)."""
        return self.entries[self.gradient._index(a)][self.gradient._index(b)]

    def expanded(self, a, b, max_ops: int = MAX_EXPANDED_OPS) -> Basic:
        """∂²L/∂a∂b as one closed formula; ``ExpressionTooLarge`` beyond ``max_ops`` operations."""
        return self.program.expand(self.entry(a, b), max_ops, what=f"second derivative by {a} and {b}")

    def pairs(self, everything: bool = False) -> list:
        """(lhs, rhs) pairs to print: the gradient program, the tangents named ∂s/∂θⱼ, then the
        entries ∂²L/∂θᵢ∂θⱼ for i ≤ j (all of them with ``everything``; the matrix is symmetric)."""
        named = {t: Derivative(s, p) for t, s, p in self.meaning}
        out = self.gradient.forward.outputs[0]
        lines = list(self.gradient.forward.assignments) + list(self.gradient.adjoints)
        lines += [(named[t], rhs.xreplace(named)) for t, rhs in self.tangents]
        n = len(self.wrt)
        lines += [(Derivative(out, self.wrt[i], self.wrt[j]), self.entries[i][j].xreplace(named))
                  for i in range(n) for j in range(n) if everything or i <= j]
        return lines

    def __repr__(self) -> str:
        n = len(self.wrt)
        return (f"<Hessian of {self.gradient.forward.outputs[0]}: {n}×{n} by "
                f"{', '.join(map(str, self.wrt[:6]))}{', …' if n > 6 else ''}: {len(self.tangents)} tangent steps>")


def hessian(target, wrt=None, rules: Mapping | None = None) -> Hessian:
    """The symbolic Hessian of a loss, by a tangent sweep over its gradient program per parameter.

    Args:
        target: as for ``grad``: a ``Loss``; a ``Network`` stands for its squared-error loss; a
            ``Program`` differentiates its first output; a typed matrix loss (``symnet.loss(expr,
            shapes=…)``) gives its Hessian by one parameter (d × d; dk × dk by a d × k matrix) as a ``MatrixHessian``.
        wrt: the names or symbols to differentiate by twice (as for ``grad``); default every parameter.
        rules: extra derivative rules ``{SymPy class: (ans, *args) -> partials}``; second derivatives
            differentiate the partials these rules return, so they need rules for what those contain.

    Returns:
        A ``Hessian``: ``entry("b5", "b5")``, ``expanded(…)``, ``program``; it prints entry by entry.

    >>> from symnet import from_expr
    >>> h = hessian(from_expr("w*x", inputs="x"))    # a network stands for its loss (y − w·x)²
    >>> h.expanded("w", "w")
    2*x**2
    """
    if callable(getattr(target, "hessian", None)):      # a loss that derives its own (a typed loss: one d × d formula)
        return target.hessian(wrt=wrt, rules=rules)
    gradient = grad(target, wrt=wrt, rules=rules)
    refuse_matrix_steps(gradient.program.symbols + gradient.wrt)
    table, program = rule_table(rules), read_by(gradient.program, gradient.results)
    tangents, meaning, columns = [], [], []
    for p in gradient.wrt:
        dots = tangent_sweep(program, {p: S.One}, _namer(p, meaning), table, tangents)
        columns.append([jvp(r, dots, table=table) for r in gradient.results])
    entries = tuple(tuple(columns[j][i] for j in range(len(columns))) for i in range(len(columns)))
    return Hessian(gradient, tuple(tangents), entries, tuple(meaning))


def refuse_matrix_steps(symbols) -> None:
    """Second derivatives sweep scalar steps: a layer (matrix) network is refused by name, not by a missing rule."""
    if any(isinstance(s, MatrixSymbol) for s in symbols):
        raise NotImplementedError("Hessians of layer (matrix) networks are not derived yet; lower the network to "
                                  "scalars first (symnet.lower) or use a scalar network")


def tangent_sweep(program: Program, seeds: Mapping, name, table: Mapping = DERIVATIVES, out: list | None = None) -> dict:
    """Forward mode over ``program``: {symbol: its tangent ṡ} from ``seeds`` {symbol: u̇}.

    A nonzero tangent that is not a single symbol or number becomes a new assignment
    ``(name(lhs), ṡ)`` appended to ``out``; a symbol whose tangent is 0 is left out of the result.
    """
    refuse_matrix_steps(tuple(seeds) + tuple(lhs for lhs, _ in program.assignments))
    dots = {s: d for s, d in seeds.items() if d != 0}
    out = [] if out is None else out
    for lhs, rhs in program.assignments:
        dot = jvp(rhs, dots, ans=lhs, table=table)
        if dot == 0:
            continue
        if not dot.is_Atom:
            symbol = name(lhs)
            out.append((symbol, dot))
            dot = symbol
        dots[lhs] = dot
    return dots


def jvp(expr: Basic, dots: Mapping, ans=None, table: Mapping = DERIVATIVES, _memo=None) -> Basic:
    """The directional derivative Σ_u ∂expr/∂u · u̇ of ``expr`` for tangents ``dots`` {u: u̇}.

    ``ans`` names the value of ``expr``'s top node for its rule (σ′ = h(1 − h)). Each node is visited
    once, and a node whose arguments all have zero tangents costs no rule call.

    >>> from sympy import symbols
    >>> w, x, v = symbols("w x v")
    >>> jvp(w**2 * x, {w: v})
    2*v*w*x
    """
    memo = {} if _memo is None else _memo
    if expr in dots:
        return dots[expr]
    if expr.is_Atom:
        return S.Zero
    if expr in memo:
        return memo[expr]
    arg_dots = [jvp(a, dots, None, table, memo) for a in expr.args]
    if all(d == 0 for d in arg_dots):
        result = S.Zero
    else:
        local = partials(expr, ans, table)
        result = Add(*(p * d for p, d in zip(local, arg_dots) if d != 0))
    memo[expr] = result
    return result


def _namer(p: Symbol, meaning: list):
    """Tangent symbols ∂s/∂p, as dummies (no user name can equal them), recorded in ``meaning``."""
    def name(s: Symbol) -> Symbol:
        t = Dummy(f"d{s.name}_d{p.name}")
        meaning.append((t, s, p))
        return t
    return name
