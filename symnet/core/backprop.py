"""Symbolic backprop: a reverse sweep over a program that emits the gradient program.

For an output L and assignments s = rhs(…) in topological order, the adjoints are

    δ_L = 1,    δ_s = ∂L/∂s = Σ_t δ_t · ∂rhs_t/∂s   (over every step t that uses s),

visited in reverse order, with local partials from the rule table. The gradient therefore costs a
small constant multiple of the forward pass, whatever the depth, and a node shared by several
paths (the article's f(θ2, x2)) sums its paths automatically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sympy import Add, Basic, MatAdd, MatrixSymbol, S, Symbol

from symnet.core.display import Displayed
from symnet.core.losses import as_loss
from symnet.core.matrix_rules import is_matrix_step, matrix_table, matrix_vjp
from symnet.core.names import resolve_wrt
from symnet.core.program import MAX_EXPANDED_OPS, Program
from symnet.core.rules import DERIVATIVES, differentiate, lookup, rule_table


@dataclass(frozen=True)
class Gradient(Displayed):
    """The gradient program of ``forward``'s output with respect to ``wrt``.

    ``adjoints`` are the δ assignments in sweep order; ``results[i]`` is ∂out/∂wrt[i] in compact
    form (a δ symbol, or an expression in the forward and δ symbols).
    """

    forward: Program
    adjoints: tuple[tuple[Symbol, Basic], ...]
    wrt: tuple[Symbol, ...]
    results: tuple[Basic, ...]

    @property
    def program(self) -> Program:
        """One program computing the output and every derivative: outputs (out, ∂out/∂wrt…)."""
        p = self.forward
        return Program(p.inputs, p.params, p.assignments + self.adjoints, (p.outputs[0],) + self.results)

    def formula(self, symbol: Symbol) -> Basic:
        """∂out/∂symbol in compact δ-form."""
        return self.results[self._index(symbol)]

    def expanded(self, symbol: Symbol, max_ops: int = MAX_EXPANDED_OPS) -> Basic:
        """∂out/∂symbol as one closed formula; ``ExpressionTooLarge`` beyond ``max_ops`` operations."""
        wanted = self.wrt[self._index(symbol)]
        if isinstance(wanted, MatrixSymbol):
            raise ValueError(f"∂{self.forward.outputs[0]}/∂{wanted} is a {wanted.shape[0]}×{wanted.shape[1]} matrix: the "
                             f"expanded form is one closed formula per scalar parameter; symnet.lower(network) writes "
                             f"the network entry by entry")
        return self.program.expand(self.formula(symbol), max_ops, what=f"derivative ∂{self.forward.outputs[0]}/∂{symbol}")

    def _index(self, symbol) -> int:
        if isinstance(symbol, str):
            symbol = {s.name: s for s in self.wrt}.get(symbol, Symbol(symbol))
        if symbol not in self.wrt:
            raise ValueError(f"no derivative with respect to {symbol}: this gradient is with respect to "
                             f"{', '.join(map(str, self.wrt))}")
        return self.wrt.index(symbol)

    def __repr__(self) -> str:
        return (f"<Gradient of {self.forward.outputs[0]} by {', '.join(map(str, self.wrt[:6]))}"
                f"{', …' if len(self.wrt) > 6 else ''}: {len(self.adjoints)} adjoint steps>")


def grad(target, wrt=None, rules: Mapping | None = None) -> Gradient:
    """The symbolic gradient of a loss by the reverse sweep.

    Args:
        target: a loss (differentiates L); a network stands for its loss (``as_loss``: the squared error
            L = (y − ŷ)² for neurons, ``network.loss()`` for layers), as in every symnet verb; a ``Program``
            differentiates its first output.
        wrt: one name or symbol (``"b5"``) or a list; ``θN``/``thetaN`` means all of neuron N's
            parameters, inputs may be named, the target may not (``symnet.core.names.resolve_wrt``);
            default every parameter.
        rules: extra derivative rules ``{SymPy class: (ans, *args) -> partials}``.

    Returns:
        A ``Gradient``.

    >>> from symnet import seed_network, squared_error
    >>> g = grad(squared_error(seed_network()))
    >>> g.formula("b5")
    delta_z5
    >>> g.program.rhs(g.formula("b5"))
    delta_h5*h5*(1 - h5)
    >>> grad(seed_network(), wrt="b5").wrt
    (b5,)
    """
    if not isinstance(target, Program):
        try:
            target = as_loss(target)   # a network of any kind stands for its loss
        except TypeError:
            raise TypeError(f"grad expects a Loss or a Network (of neurons or of layers), or a Program; got {type(target).__name__}") from None
    program = target.program if not isinstance(target, Program) else target
    if getattr(program.outputs[0], "is_Matrix", False):
        raise ValueError(f"the output {program.outputs[0]} is a vector: differentiate a loss of it, e.g. "
                         f"grad(network.loss())")
    wrt = resolve_wrt(target, wrt)
    return reverse_sweep(program, wrt, rule_table(rules))


def reverse_sweep(program: Program, wrt: tuple[Symbol, ...], table: Mapping) -> Gradient:
    """Emit δ assignments for ``program``'s first output, visiting assignments in reverse."""
    out = program.outputs[0]
    if not out.is_Symbol:
        raise ValueError(f"the program's output must be an assigned symbol; got {out}")
    order, needed = program.order(), depends_on(program, wrt)
    contributions: dict[Symbol, list] = {out: [S.One]}
    adjoints: list = []
    for lhs, rhs in reversed(program.assignments):
        if lhs not in contributions:
            continue
        used = sorted((s for s in rhs.free_symbols if s in needed), key=order.__getitem__)
        # a matrix adjoint read by one step only stays inline: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ) is one line (BP2)
        inline = isinstance(lhs, MatrixSymbol) and len(used) == 1 and lhs not in wrt
        terms = contributions.pop(lhs)
        delta = _sum(terms) if inline else _emit(lhs, terms, adjoints)
        if delta == 0:
            continue
        for s, term in zip(used, _contributions(rhs, used, lhs, delta, table)):
            if term != 0:
                contributions.setdefault(s, []).append(term)
    results = tuple(_emit(s, contributions.get(s, []), adjoints) for s in wrt)
    return Gradient(program, tuple(adjoints), wrt, results)


def depends_on(program: Program, wrt) -> set:
    """``wrt`` and every symbol whose value depends on one of them."""
    needed = set(wrt)
    for lhs, rhs in program.assignments:
        if rhs.free_symbols & needed:
            needed.add(lhs)
    return needed


def _contributions(rhs, used, lhs, delta, table) -> list:
    """δ_lhs · ∂rhs/∂s for each s in ``used``: scalar partials from the rule table, or matrix vector–Jacobian products."""
    if is_matrix_step(rhs):
        rows = matrix_table(table)
        return [matrix_vjp(rhs, s, delta, ans=lhs, table=rows) for s in used]
    if not rhs.is_Add or lookup(Add, table) is not DERIVATIVES[Add]:  # a user's own Add rule goes the long way
        return [delta * differentiate(rhs, s, ans=lhs, table=table) for s in used]
    # ∂(Σₖ tₖ)/∂s = Σ over the terms that hold s: z = Σⱼ wⱼuⱼ + b costs O(n) for all its n inputs, not O(n²)
    holding: dict = {}
    for t in rhs.args:
        for s in t.free_symbols:
            holding.setdefault(s, []).append(t)
    return [delta * Add(*(differentiate(t, s, table=table) for t in holding.get(s, ()))) for s in used]


def _sum(terms: list) -> Basic:
    if any(getattr(t, "is_Matrix", False) for t in terms):
        return terms[0] if len(terms) == 1 else MatAdd(*terms)
    return Add(*terms)


def _emit(symbol: Symbol, terms: list, adjoints: list) -> Basic:
    """δ_symbol = Σ terms, as a new assignment unless the sum is a single symbol or number."""
    total = _sum(terms)
    if total.is_Atom or isinstance(total, MatrixSymbol):
        return total
    delta = (MatrixSymbol(f"delta_{symbol.name}", *symbol.shape) if isinstance(symbol, MatrixSymbol)
             else Symbol(f"delta_{symbol.name}"))
    adjoints.append((delta, total))
    return delta
