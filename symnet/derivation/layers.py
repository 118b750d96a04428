"""The matrix-form derivation of a layer network: its steps as records, each adjoint tagged BP1–BP4.

The reverse sweep (``symnet.core.backprop``) emits, for a layer network,

    BP1  δᴸ = ∇ₐC ⊙ σ′(zᴸ)                 (softmax or sigmoid cross-entropy fused: δᴸ = aᴸ − y)
    BP2  δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)
    BP3  ∂C/∂bˡ = δˡ
    BP4  ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ

This module names each line (which equation, which matrix rule produced it) and can attach the
four-way numeric check; printers (``symnet.render.layer_document``) turn the records into documents.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import MatrixSymbol

from symnet.core.backprop import Gradient, grad
from symnet.core.layers import LayerLoss, LayerNetwork
from symnet.core.names import resolve_wrt
from symnet.core.matrix_rules import SigmoidCrossEntropy, SoftmaxCrossEntropy

# the matrix rule behind each kind of line (keys of the prose tables)
RULE_OF = {"forward": "", "BP1": "rule_bp1", "BP1_fused": "rule_fused", "BP2": "rule_bp2", "BP3": "rule_bp3",
           "BP4": "rule_bp4"}


@dataclass(frozen=True)
class LayerStep:
    """One line: ``lhs = rhs``, its shape (rows, columns), and its equation tag ('' for a forward step)."""

    lhs: object
    rhs: object
    shape: tuple[int, int]
    tag: str
    rule: str


@dataclass(frozen=True)
class LayerDerivation:
    """A layer loss, its gradient program, the forward and backward lines, and an optional check report."""

    loss: LayerLoss
    gradient: Gradient
    forward: tuple[LayerStep, ...]
    backward: tuple[LayerStep, ...]
    check: object = None
    lang: str = "en"              # the language of its document, from derive(..., lang=...)


def equation_tag(lhs, gradient: Gradient) -> str:
    """Which of BP1–BP4 the line defining ``lhs`` is: '' for a forward step, 'BP1_fused' for a fused loss."""
    name = getattr(lhs, "name", str(lhs))
    if not name.startswith("delta_"):
        return ""
    layers = sum(1 for p in gradient.forward.params if p.name.startswith("W"))
    base, layer = name[len("delta_")], name.lstrip("delta_zWb")
    if base == "z":
        if layer != str(layers):
            return "BP2"
        loss_step = gradient.forward.assignments[-1][1]
        return "BP1_fused" if isinstance(loss_step, (SoftmaxCrossEntropy, SigmoidCrossEntropy)) else "BP1"
    return {"W": "BP4", "b": "BP3"}.get(base, "")


def _shape(symbol) -> tuple[int, int]:
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


def derive_layers(target, check: bool = False, wrt=None, rules=None) -> LayerDerivation:
    """The matrix-form derivation of a layer network's loss (its default loss for a network).

    Args:
        target: a ``LayerNetwork`` or ``LayerLoss``.
        check: attach ``check_grads``'s four-way comparison at a random point.
        wrt: the parameters to derive by (``W1``, ``b2``…; default all), checked by ``resolve_wrt``.
        rules: extra derivative rules, as for ``grad``.

    Returns:
        A ``LayerDerivation``.

    >>> from symnet.core.layers import layers
    >>> [s.tag for s in derive_layers(layers("4-3-2")).backward]
    ['BP1_fused', 'BP2', 'BP4', 'BP4', 'BP3', 'BP3']
    """
    target = target.loss() if isinstance(target, LayerNetwork) else target
    if not isinstance(target, LayerLoss):
        raise TypeError(f"derive_layers expects a layer network or its loss; got {type(target).__name__}")
    wanted = resolve_wrt(target, wrt)
    g = grad(target, target.program.params + tuple(s for s in wanted if s not in target.program.params), rules)
    forward = tuple(LayerStep(lhs, rhs, _shape(lhs), "", "") for lhs, rhs in g.forward.assignments)
    backward = [LayerStep(lhs, rhs, _shape(lhs), tag, RULE_OF.get(tag, ""))
                for lhs, rhs in g.adjoints for tag in [equation_tag(lhs, g)]]
    for param, result in zip(g.wrt, g.results):          # ∂C/∂bˡ = δˡ is an alias, not an assignment
        partial = MatrixSymbol(f"delta_{param.name}", *param.shape)
        if result != partial:
            tag = equation_tag(partial, g)
            backward.append(LayerStep(partial, result, _shape(param), tag, RULE_OF.get(tag, "")))
    if wrt is not None:   # the whole sweep (BP1, BP2 stay lines), pruned to what the named partials read
        backward = _needed(backward, {f"delta_{p.name}" for p in wanted})
    report = None
    if check:
        from symnet.numeric.layer_check import check_layer_grads

        report = check_layer_grads(target)
    return LayerDerivation(target, g, forward, tuple(backward), report)
