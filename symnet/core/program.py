"""The straight-line program: frozen, ordered assignments ``s = rhs`` with named inputs and params.

It has the shape of SymPy's ``cse()`` output and of a JAX jaxpr. Every other view of a network is
derived from it: the closed form (substitute backwards), the gradient program (a reverse sweep),
and the NumPy code (the assignments become the lines of the generated function).
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Basic, Symbol, count_ops

from symnet.core.display import Displayed
from symnet.errors import ExpressionTooLarge

MAX_EXPANDED_OPS = 5000   # default size guard for fully substituted (expanded) formulas


@dataclass(frozen=True)
class Program(Displayed):
    """Ordered assignments over ``inputs`` and ``params``; ``outputs`` are symbols or expressions.

    >>> from sympy import symbols, exp
    >>> x, w, t = symbols("x w t")
    >>> p = Program(inputs=(x,), params=(w,), assignments=((t, w * x),), outputs=(exp(t),))
    >>> print(p)
    t = w*x
    out = exp(t)
    >>> p.closed_form()
    (exp(w*x),)
    """

    inputs: tuple[Symbol, ...]
    params: tuple[Symbol, ...]
    assignments: tuple[tuple[Symbol, Basic], ...]
    outputs: tuple[Basic, ...]

    @property
    def symbols(self) -> tuple[Symbol, ...]:
        """The symbols the program defines, in order."""
        return tuple(lhs for lhs, _ in self.assignments)

    def rhs(self, symbol: Symbol) -> Basic:
        """The right-hand side assigned to ``symbol``."""
        for lhs, rhs in self.assignments:
            if lhs == symbol:
                return rhs
        raise KeyError(f"{symbol} is not assigned in this program; it assigns {', '.join(map(str, self.symbols))}")

    def order(self) -> dict[Symbol, int]:
        """A position for every known symbol: inputs, then params, then assignments in order."""
        known = self.inputs + self.params + self.symbols
        return {s: i for i, s in enumerate(known)}

    def substitutions(self) -> dict[Symbol, Basic]:
        """Each defined symbol mapped to its fully substituted closed form (shared, not copied)."""
        full: dict[Symbol, Basic] = {}
        for lhs, rhs in self.assignments:
            full[lhs] = rhs.xreplace(full)
        return full

    def closed_form(self, exprs=None) -> tuple[Basic, ...]:
        """``exprs`` (default: the outputs) with every defined symbol substituted away."""
        full = self.substitutions()
        return tuple(e.xreplace(full) for e in (self.outputs if exprs is None else exprs))

    def count_ops(self) -> int:
        """Scalar operations in the program (SymPy's ``count_ops`` summed over assignments and outputs)."""
        return sum(count_ops(rhs) for _, rhs in self.assignments) + sum(
            count_ops(e) for e in self.outputs if not e.is_Symbol)

    def tree_size(self, expr: Basic) -> int:
        """Operations in ``expr`` once every symbol is substituted, counted without building it."""
        sizes: dict[Symbol, int] = {}
        for lhs, rhs in self.assignments:
            sizes[lhs] = _tree_size(rhs, sizes)
        return _tree_size(expr, sizes)

    def expand(self, expr: Basic, max_ops: int = MAX_EXPANDED_OPS, what: str = "formula") -> Basic:
        """``expr`` fully substituted, refused with ``ExpressionTooLarge`` if it would exceed ``max_ops``."""
        size = self.tree_size(expr)
        if size > max_ops:
            raise ExpressionTooLarge(
                f"the expanded {what} would have about {size} operations (limit {max_ops}); "
                f"use the compact form (the gradient program), or raise max_ops if you really want it"
            )
        return expr.xreplace(self.substitutions())

    def __repr__(self) -> str:
        counts = (count(self.inputs, "input"), count(self.params, "param"), count(self.assignments, "step"),
                  count(self.outputs, "output"))
        return f"<Program: {', '.join(counts)}>"


def count(items, noun: str) -> str:
    """``3 params``, ``1 input``: how many ``items``, with the noun in the plural when needed (for reprs)."""
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def postorder(expr: Basic, children=None) -> list:
    """Every node of ``expr``'s DAG once, children before parents, in argument order (no recursion).

    ``children(node)`` gives a node's children (default its ``args``).

    >>> from sympy import sin, symbols
    >>> x, a = symbols("x a")
    >>> postorder(sin(a * x) + a * x)
    [a, x, a*x, sin(a*x), a*x + sin(a*x)]
    """
    order, seen, stack = [], set(), [(expr, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((a, False) for a in reversed(node.args if children is None else children(node)))
    return order


def _tree_size(expr: Basic, sizes: dict) -> int:
    if expr.is_Symbol:
        return sizes.get(expr, 0)
    if expr.is_Atom:
        return 0
    return max(len(expr.args) - 1, 1) + sum(_tree_size(a, sizes) for a in expr.args)
