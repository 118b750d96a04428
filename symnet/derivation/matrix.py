"""The steps of a program with matrix steps as records, each adjoint tagged with its equation BP1–BP4.

The reverse sweep (``symnet.core.backprop``) emits, for a layer network,

    BP1  δᴸ = ∇ₐC ⊙ σ′(zᴸ)                 (softmax or sigmoid cross-entropy fused: δᴸ = aᴸ − y)
    BP2  δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)
    BP3  ∂C/∂bˡ = δˡ
    BP4  ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ

This module names each line (which equation, which matrix rule produced it); ``derive`` puts the
lines in its one ``Derivation`` record and the document writer adds them as the BP1–BP4 section.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import MatrixSymbol

from symnet.core.backprop import Gradient
from symnet.core.matrix_rules import SigmoidCrossEntropy, SoftmaxCrossEntropy

# the matrix rule behind each kind of line (the language files' "bp_rule_bp1", … without "bp_")
RULE_OF = {"forward": "", "BP1": "rule_bp1", "BP1_fused": "rule_fused", "BP2": "rule_bp2",
           "BP3": "rule_bp3", "BP4": "rule_bp4"}


@dataclass(frozen=True)
class MatrixStep:
    """One line: ``lhs = rhs``, its shape (rows, columns), its equation tag ('' for a forward step) and the
    language key of the rule that produced it."""

    lhs: object
    rhs: object
    shape: tuple[int, int]
    tag: str
    rule: str


def equation_tag(lhs, gradient: Gradient) -> str:
    """Which of BP1–BP4 the line defining ``lhs`` is: '' for a forward step, 'BP1_fused' for a fused loss."""
    name = getattr(lhs, "name", str(lhs))
    if not name.startswith("delta_"):
        return ""
    numbers = [p.name[1:] for p in gradient.forward.params if p.name[:1] in "WK"]   # dense W and conv K layers
    top = max((int(n) for n in numbers if n.isdigit()), default=0)
    base, layer = name[len("delta_")], name.lstrip("delta_zWb")
    if base == "z":
        if layer and layer != str(top):                  # an unnumbered z (attention's readout) is the output
            return "BP2"
        loss_step = gradient.forward.assignments[-1][1]
        return "BP1_fused" if isinstance(loss_step, (SoftmaxCrossEntropy, SigmoidCrossEntropy)) else "BP1"
    return {"W": "BP4", "b": "BP3"}.get(base, "")


def shape_of(symbol) -> tuple[int, int]:
    """(rows, columns) of a matrix symbol; (1, 1) for a scalar."""
    rows, cols = getattr(symbol, "shape", (1, 1))
    return int(rows), int(cols)


def _needed(steps, names: set) -> list:
    """The steps defining ``names`` and every step they read, in order."""
    kept = []
    for step in reversed(steps):
        if step.lhs.name in names:
            kept.append(step)
            names |= {s.name for s in step.rhs.free_symbols}
    return kept[::-1]


def _step(lhs, rhs, gradient, shape=None) -> MatrixStep:
    tag = equation_tag(lhs, gradient)
    return MatrixStep(lhs, rhs, shape or shape_of(lhs), tag, RULE_OF.get(tag, ""))


def matrix_steps(gradient: Gradient, wanted=None) -> tuple[tuple[MatrixStep, ...], tuple[MatrixStep, ...]]:
    """The forward and backward lines of ``gradient``; ``wanted`` (parameters) prunes the backward lines
    to what their partials read (BP1 and BP2 stay lines).

    >>> from symnet.core.backprop import grad
    >>> from symnet.core.layers import layers
    >>> [s.tag for s in matrix_steps(grad(layers("4-3-2").loss()))[1]]
    ['BP1_fused', 'BP2', 'BP4', 'BP4', 'BP3', 'BP3']
    """
    forward = tuple(MatrixStep(lhs, rhs, shape_of(lhs), "", "") for lhs, rhs in gradient.forward.assignments)
    backward = [_step(lhs, rhs, gradient) for lhs, rhs in gradient.adjoints]
    for param, result in zip(gradient.wrt, gradient.results):     # ∂C/∂bˡ = δˡ is an alias, not an assignment
        partial = MatrixSymbol(f"delta_{param.name}", *param.shape)
        if result != partial:
            backward.append(_step(partial, result, gradient, shape_of(param)))
    if wanted is not None:
        backward = _needed(backward, {f"delta_{p.name}" for p in wanted})
    return forward, tuple(backward)
