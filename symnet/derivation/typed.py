"""The derivation of a typed matrix loss (``symnet.loss("…", shapes=…)``) as records: forward steps, the adjoint
sweep line by line with the vector–Jacobian row that made each term, and the readable closed form.

For a program u₁ = Xw − y, s₂ = ‖u₁‖², L = λ s₁ + s₂/N the sweep writes, with δ_s = ∂L/∂s,

    δ_s₂ = 1/N                          (scalar rules)
    δ_u₁ = 2 δ_s₂ u₁                    ‖u‖² → 2u·δ
    δ_w  = Xᵀ δ_u₁ + 2 δ_s₁ w           Xw → Xᵀδ,  ‖u‖² → 2u·δ

each term taken from the SAME rows the reverse sweep uses (``core.matrix_rules.matrix_vjp`` for matrix
steps, ``core.rules.differentiate`` for scalar ones), then ∂L/∂w = (2/N) Xᵀ(Xw − y) + 2λw
(``core.matrix_expr.closed_gradient``). Renderings live in ``symnet.render.typed_section``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Add, MatAdd, MatMul, MatrixSymbol, S, Symbol

from symnet.core.matrix_expr import closed_gradient
from symnet.core.matrix_rules import is_matrix_step, matrix_table, matrix_vjp
from symnet.core.rules import differentiate, rule_table
from symnet.derivation.rules import rules_used

# the vector–Jacobian row behind a term, by the class of the step (Unicode, LaTeX); δ is the step's adjoint
VJP_ROWS = {
    "SquaredNorm": ("‖u‖² → 2u·δ", r"\lVert u \rVert^{2} \to 2u\,\delta"),
    "Norm2": ("‖u‖ → δ·u/‖u‖", r"\lVert u \rVert \to \delta\, u / \lVert u \rVert"),
    "Norm1": ("‖u‖₁ → δ·sign(u)", r"\lVert u \rVert_{1} \to \delta \operatorname{sign}(u)"),
    "EntrySum": ("sum(u) → δ·𝟙", r"\operatorname{sum}(u) \to \delta\,\mathbf{1}"),
    "Trace": ("tr(u) → δ·I", r"\operatorname{tr}(u) \to \delta I"),
    "Apply": ("f(u) → f′(u) ⊙ δ", r"f(u) \to f'(u) \odot \delta"),
    "Entrywise": ("f(u) → f′(u) ⊙ δ", r"f(u) \to f'(u) \odot \delta"),
    "HadamardPower": ("u^∘p → p·u^∘(p−1) ⊙ δ", r"u^{\circ p} \to p\, u^{\circ (p-1)} \odot \delta"),
    "HadamardProduct": ("u ⊙ v → δ ⊙ v", r"u \odot v \to \delta \odot v"),
    "MatAdd": ("u + v → δ", r"u + v \to \delta"),
    "Transpose": ("uᵀ → δᵀ", r"u^{\mathsf T} \to \delta^{\mathsf T}"),
    "Scale": ("c·U → c·δ, ⟨U, δ⟩", r"c\,U \to c\,\delta,\ \langle U, \delta \rangle"),
    "RowSoftmax": ("softmax(u) → a ⊙ (δ − rowsum(a ⊙ δ))",
                   r"\operatorname{softmax}(u) \to a \odot (\delta - \operatorname{rowsum}(a \odot \delta))"),
    "LogSoftmax": ("log_softmax(u) → δ − softmax(u) ⊙ rowsum(δ)",
                   r"\operatorname{log\_softmax}(u) \to \delta - \operatorname{softmax}(u) \odot "
                   r"\operatorname{rowsum}(\delta)"),
    "RowTotal": ("rowsum(u) → δ·𝟙ᵀ", r"\operatorname{rowsum}(u) \to \delta\,\mathbf{1}^{\mathsf T}"),
    "right": ("Au → Aᵀδ", r"A u \to A^{\mathsf T} \delta"),
    "left": ("uB → δBᵀ", r"u B \to \delta B^{\mathsf T}"),
    "middle": ("AuB → Aᵀ δ Bᵀ", r"A u B \to A^{\mathsf T} \delta B^{\mathsf T}"),
}


@dataclass(frozen=True)
class TypedStep:
    """One line ``lhs = rhs`` of the forward program or the adjoint sweep, its shape (rows, columns, possibly
    symbolic such as N) and the rows that made it: ``VJP_ROWS`` keys, or scalar ``Rule``s."""

    lhs: object
    rhs: object
    shape: tuple
    rules: tuple = ()


def adjoint_symbol(s):
    """δ_s, printed ∂L/∂s: a matrix of s's shape or a scalar."""
    if isinstance(s, MatrixSymbol):
        return MatrixSymbol(f"delta_{s.name}", *s.shape)
    return Symbol(f"delta_{s.name}", real=True)


def shape_of(s) -> tuple:
    return tuple(getattr(s, "shape", (1, 1)))


def typed_steps(loss, wrt, rules=None) -> tuple[tuple[TypedStep, ...], tuple[TypedStep, ...], tuple]:
    """(forward lines, adjoint lines, ((param, closed form), …)) of the typed ``loss`` by the parameters ``wrt``."""
    program, table = loss.program, rule_table(rules)
    forward = tuple(TypedStep(lhs, rhs, shape_of(lhs)) for lhs, rhs in program.assignments)
    backward = tuple(_sweep(program, wrt, table))
    gradient = loss.gradient(wrt, rules)
    closed = tuple((p, closed_gradient(gradient, p)) for p in gradient.wrt)
    return forward, backward, closed


def derive_typed(loss, wrt=None, rules=None, check: bool = False, seed: int = 0, size: int = 8):
    """``symnet.derive`` of a typed loss: a ``Derivation`` whose ``forward``/``backward`` are ``TypedStep``s and whose
    items carry the closed form; ``check`` runs the four-way check (random data with every size ``size``, constants
    without a value drawn from ``seed``, as ``symnet check --shapes`` does)."""
    from symnet.derivation.records import Derivation, ParamDerivation

    wanted = loss.resolve(wrt)
    forward, backward, closed = typed_steps(loss, wanted, rules)
    items = tuple(ParamDerivation(p, (), rhs) for p, rhs in closed)
    report = _check(loss, seed, size) if check else None
    return Derivation(loss, items, check=report, forward=forward, backward=backward, section="typed")


def _check(loss, seed: int, size: int):
    """The four-way check at a random point: constants the loss has no number for drawn in [0.1, 1)."""
    from dataclasses import replace

    import numpy as np

    from symnet.numeric.matrix_check import check_matrix_loss

    given = dict(loss.values)
    drawn = np.random.default_rng(seed + 2).uniform(0.1, 1.0, len(loss.constants))
    values = tuple((c.name, float(given.get(c.name, v))) for c, v in zip(loss.constants, drawn))
    return check_matrix_loss(replace(loss, values=values), sizes={s.name: size for s in loss.sizes}, seed=seed)


def _sweep(program, wrt, table):
    """The adjoint lines in sweep order: δ_s written once every step that reads s has handed its term back."""
    from symnet.core.backprop import depends_on

    needed, order = depends_on(program, wrt), program.order()
    out = program.outputs[0]
    pending: dict = {out: []}
    for lhs, rhs in reversed(program.assignments):
        if lhs not in pending:
            continue
        terms = pending.pop(lhs)
        if lhs != out:
            yield _line(lhs, terms)
        delta = S.One if lhs == out else adjoint_symbol(lhs)
        for s in sorted((s for s in rhs.free_symbols if s in needed), key=order.__getitem__):
            pending.setdefault(s, []).append((_term(rhs, s, lhs, delta, table), _rows(rhs, s)))
    for p in wrt:
        yield _line(p, pending.get(p, []))


def _line(s, terms) -> TypedStep:
    total = [t for t, _ in terms if t != 0]
    rhs = (MatAdd(*total) if len(total) > 1 else total[0]) if total and isinstance(s, MatrixSymbol) \
        else Add(*total)
    rows = tuple(dict.fromkeys(r for _, rs in terms for r in rs))
    return TypedStep(adjoint_symbol(s), rhs, shape_of(s), rows)


def _term(rhs, s, lhs, delta, table):
    if is_matrix_step(rhs):
        return matrix_vjp(rhs, s, delta, ans=lhs, table=matrix_table(table))
    return delta * differentiate(rhs, s, ans=lhs, table=table)


def _rows(rhs, s) -> tuple:
    """The rows that take δ from ``rhs`` back to ``s``: VJP_ROWS keys (matrix steps) or scalar ``Rule``s."""
    if not is_matrix_step(rhs):
        return tuple(rules_used(rhs, s))
    return tuple(_matrix_rows(rhs, s))


def _matrix_rows(expr, s):
    if expr == s or not expr.has(s):
        return
    if isinstance(expr, MatMul):
        factors = [f for f in expr.args if getattr(f, "is_Matrix", False)]
        k = next((i for i, f in enumerate(factors) if f.has(s)), 0)
        yield "right" if k == len(factors) - 1 else "left" if k == 0 else "middle"
        yield from _matrix_rows(factors[k], s)
        return
    name = type(expr).__name__
    if name in VJP_ROWS:
        yield name
    for arg in expr.args:
        yield from _matrix_rows(arg, s)


__all__ = ["TypedStep", "VJP_ROWS", "typed_steps", "adjoint_symbol", "derive_typed"]
