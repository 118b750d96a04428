"""Second derivatives of a typed matrix loss as a derivation (``derive --expr … --shapes … --order 2``).

``core.matrix_hessian`` differentiates the gradient program once more, forward, with the direction ẇ = v: each
step u = rhs gets its change d_u along v from the JVP row of its operation (``core.matrix_jvp``), the same rows
named here beside each line (Au → Ȧu + Au̇, σ(u) → σ′(u) ⊙ u̇, ‖u‖² → 2 sum(u ⊙ u̇), …). The tangent of ∂L/∂w is
H v, linear in v; H is read off it as one vectorized formula (d × d, or dk × dk in row-major vec(W) order).
``symnet.render.typed_second`` prints it after the gradient's sections.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import MatMul, preorder_traversal

from symnet.core.matrix_rules import is_matrix_step
from symnet.derivation.rules import rules_used
from symnet.derivation.typed import TypedStep, shape_of

# the Jacobian–vector row behind a tangent line, by the class of the step it differentiates (Unicode, LaTeX)
JVP_ROWS = {
    "SquaredNorm": ("‖u‖² → 2 sum(u ⊙ u̇)", r"\lVert u \rVert^{2} \to 2 \operatorname{sum}(u \odot \dot u)"),
    "Norm2": ("‖u‖ → sum(u ⊙ u̇)/‖u‖", r"\lVert u \rVert \to \operatorname{sum}(u \odot \dot u) / \lVert u \rVert"),
    "Norm1": ("‖u‖₁ → sum(sign(u) ⊙ u̇)", r"\lVert u \rVert_{1} \to \operatorname{sum}(\operatorname{sign}(u) \odot \dot u)"),
    "EntrySum": ("sum(u) → sum(u̇)", r"\operatorname{sum}(u) \to \operatorname{sum}(\dot u)"),
    "Trace": ("tr(u) → tr(u̇)", r"\operatorname{tr}(u) \to \operatorname{tr}(\dot u)"),
    "Apply": ("f(u) → f′(u) ⊙ u̇", r"f(u) \to f'(u) \odot \dot u"),
    "Entrywise": ("f(u) → f′(u) ⊙ u̇", r"f(u) \to f'(u) \odot \dot u"),
    "ActivationPrime": ("f′(u) → f″(u) ⊙ u̇", r"f'(u) \to f''(u) \odot \dot u"),
    "HadamardPower": ("u^∘p → p·u^∘(p−1) ⊙ u̇", r"u^{\circ p} \to p\, u^{\circ (p-1)} \odot \dot u"),
    "HadamardProduct": ("u ⊙ v → u̇ ⊙ v + u ⊙ v̇", r"u \odot v \to \dot u \odot v + u \odot \dot v"),
    "MatAdd": ("u + v → u̇ + v̇", r"u + v \to \dot u + \dot v"),
    "Transpose": ("uᵀ → u̇ᵀ", r"u^{\mathsf T} \to \dot u^{\mathsf T}"),
    "Scale": ("c·U → ċ·U + c·U̇", r"c\,U \to \dot c\,U + c\,\dot U"),
    "RowSoftmax": ("softmax(u) → a ⊙ (u̇ − rowsum(a ⊙ u̇))",
                   r"\operatorname{softmax}(u) \to a \odot (\dot u - \operatorname{rowsum}(a \odot \dot u))"),
    "LogSoftmax": ("log_softmax(u) → u̇ − rowsum(softmax(u) ⊙ u̇)",
                   r"\operatorname{log\_softmax}(u) \to \dot u - \operatorname{rowsum}(\operatorname{softmax}(u)"
                   r" \odot \dot u)"),
    "RowTotal": ("rowsum(u) → rowsum(u̇)", r"\operatorname{rowsum}(u) \to \operatorname{rowsum}(\dot u)"),
    "product": ("AB → ȦB + AḂ", r"A B \to \dot A B + A \dot B"),
}


@dataclass(frozen=True)
class TypedSecond:
    """H of a typed loss by its one parameter: ``hessian`` (``core.matrix_hessian.MatrixHessian``), the tangent
    sweep as ``TypedStep`` lines (rules: ``JVP_ROWS`` pairs or scalar ``Rule``s) and the order-2 check."""

    hessian: object
    tangents: tuple[TypedStep, ...]
    check: object | None = None


def derive_typed_second(loss, wrt=None, rules=None, check: bool = False, seed: int = 0,
                        size: int = 8) -> TypedSecond:
    """The Hessian of ``loss`` by its one parameter (``wrt``), its tangent sweep line by line with the row that
    made each line and, with ``check``, ``check_grads(order=2)`` at random data (every size ``size``)."""
    from symnet.core.matrix_hessian import matrix_hessian

    h = matrix_hessian(loss, wrt=wrt, rules=rules)
    steps = dict(h.program.assignments)
    changed = {lhs.name[2:] for lhs, _ in h.tangents} | {h.wrt.name}      # d_u: the change of u along v
    lines = []
    for lhs, rhs in h.tangents:
        source = next((r for s, r in steps.items() if s.name == lhs.name[2:]), None)
        lines.append(TypedStep(lhs, rhs, shape_of(lhs), () if source is None else _jvp_rows(source, changed)))
    report = _check(loss, rules, seed, size) if check else None
    return TypedSecond(h, tuple(lines), report)


def _jvp_rows(rhs, changed) -> tuple:
    """The rows that carry the changes of the symbols ``rhs`` reads into its own change: the class of every
    operation on the way from ``rhs`` to a changing symbol (a product's three VJP rows are one JVP row)."""
    moving = [s for s in rhs.free_symbols if s.name in changed]
    if not is_matrix_step(rhs):
        return tuple(dict.fromkeys(r for s in moving for r in rules_used(rhs, s)))
    keys = dict.fromkeys("product" if isinstance(node, MatMul) else type(node).__name__
                         for node in preorder_traversal(rhs)
                         if (isinstance(node, MatMul) or type(node).__name__ in JVP_ROWS)
                         and any(node.has(s) for s in moving))
    return tuple(JVP_ROWS[k] for k in keys)


def _check(loss, rules, seed: int, size: int):
    """``check_grads(order=2)`` at random data, constants without a value drawn as ``derive``'s first-order check."""
    from dataclasses import replace

    import numpy as np

    from symnet.numeric.matrix_check import check_matrix_loss

    given = dict(loss.values)
    drawn = np.random.default_rng(seed + 2).uniform(0.1, 1.0, len(loss.constants))
    values = tuple((c.name, float(given.get(c.name, v))) for c, v in zip(loss.constants, drawn))
    return check_matrix_loss(replace(loss, values=values), sizes={s.name: size for s in loss.sizes}, seed=seed,
                             order=2, rules=rules)
