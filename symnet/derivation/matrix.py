"""The steps of a program with matrix steps as records, each adjoint tagged with its equation BP1–BP4.

The reverse sweep (``symnet.core.backprop``) emits, for a layer network,

    BP1  δᴸ = ∇ₐC ⊙ σ′(zᴸ)                 (softmax or sigmoid cross-entropy fused: δᴸ = aᴸ − y)
    BP2  δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)
    BP3  ∂C/∂bˡ = δˡ
    BP4  ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ

This module names each line (which equation, which matrix rules produced it); ``derive`` puts the
lines in its one ``Derivation`` record and the document writer adds them as the BP1–BP4 section.

A convolution or an attention head is not a dense layer, and its lines are not BP1–BP4: each line's ``rules``
name what it is made of, read from its formula (``step_rules``): Z = K ⋆ X + b and its rows
∂C/∂K = X ⋆ δ, ∂C/∂X = δ ∗full rot180(K), ∂C/∂b = Σ δ; a pooling's δ routed to the argmax or spread over the
window; flatten's reshape; the product rule; softmax by rows a ⊙ (g − rowsum(a ⊙ g)). Shapes are the ones a
learner reads: an image F × H × W per sample, a kernel F × C × kh × kw (``symnet.core.convnet.display_dims``).
"""

from __future__ import annotations

from dataclasses import dataclass

import re

from sympy import MatMul, MatrixSymbol, Transpose, preorder_traversal

from symnet.core.attention import RowSoftmax, RowTotal
from symnet.core.backprop import Gradient
from symnet.core.conv import ChannelSum, Conv2d, ConvInputGrad, ConvKernelGrad
from symnet.core.convnet import display_dims  # noqa: F401  (re-exported for the printers)
from symnet.core.matrix_rules import ActivationPrime, Apply, SigmoidCrossEntropy, SoftmaxCrossEntropy
from symnet.core.pooling import AvgPool2d, AvgPoolGrad, MaxPool2d, MaxPoolGrad, Reshape

# the matrix rule behind each kind of line (the language files' "bp_rule_bp1", … without "bp_")
RULE_OF = {"forward": "", "BP1": "rule_bp1", "BP1_fused": "rule_fused", "BP2": "rule_bp2",
           "BP3": "rule_bp3", "BP4": "rule_bp4"}
# the parts of a backward line that are not a dense layer's, in the order a line is read (inner step first)
PARTS = ((Reshape, "rule_flatten"), (MaxPoolGrad, "rule_maxpool"), (AvgPoolGrad, "rule_avgpool"),
         (ConvInputGrad, "rule_conv_x"), (ConvKernelGrad, "rule_conv_k"), (ChannelSum, "rule_conv_b"),
         (RowTotal, "rule_softmax_rows"))
ORDER = ("rule_dense_back", "rule_product", *(key for _, key in PARTS), "rule_elementwise")
# what a forward step is, by its formula (attention's products by the name of the step they define)
FORWARD = ((Conv2d, "fwd_conv"), (AvgPool2d, "fwd_avgpool"), (MaxPool2d, "fwd_maxpool"), (Reshape, "fwd_flatten"),
           (RowSoftmax, "fwd_softmax_rows"))
ATTENTION_STEPS = {"Q": "fwd_projection", "K": "fwd_projection", "V": "fwd_projection", "S": "fwd_scores",
                   "O": "fwd_mix", "h": "fwd_readout"}
DENSE_W = re.compile(r"W\d+$")


@dataclass(frozen=True)
class MatrixStep:
    """One line: ``lhs = rhs``, its shape as a learner reads it ((rows, columns); (F, H, W) for an image,
    (F, C, kh, kw) for a kernel), its equation tag ('' for a forward step or a line that is none of BP1–BP4)
    and the language keys of what the line is: the rules that produced it, or what a forward step computes."""

    lhs: object
    rhs: object
    shape: tuple[int, ...]
    tag: str
    rules: tuple[str, ...] = ()


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


def shape_of(symbol, dims=None) -> tuple[int, ...]:
    """(rows, columns) of a matrix symbol, (1, 1) for a scalar; with ``dims`` (``display_dims``) an image's
    (C, H, W) and a kernel's (F, C, kh, kw), also for its adjoint (δ¹ has z¹'s shape, ∂C/∂K¹ has K¹'s)."""
    name = getattr(symbol, "name", "")
    if dims and name.removeprefix("delta_") in dims:
        return dims[name.removeprefix("delta_")]
    rows, cols = getattr(symbol, "shape", (1, 1))
    return int(rows), int(cols)


def step_rules(rhs, tag: str) -> tuple[tuple[str, ...], str]:
    """The language keys of a backward line's rules, and its tag: a dense line keeps its BP1–BP4 reason; a line
    with a convolution's, pooling's, flatten's or softmax row's rule names each part it is made of (a BP3 or
    BP4 tag stays only on a line that is ∂C/∂b = δ or ∂C/∂W = δ aᵀ)."""
    nodes = list(preorder_traversal(rhs))
    parts = {key for cls, key in PARTS for node in nodes if isinstance(node, cls)}
    literal = {"BP3": isinstance(rhs, MatrixSymbol), "BP4": _outer_product(rhs)}.get(tag, True)
    if tag and not parts and literal:
        return (RULE_OF[tag],), tag
    for node in nodes:
        if isinstance(node, MatMul):
            parts.add("rule_dense_back" if any(isinstance(a, Transpose) and DENSE_W.match(getattr(a.arg, "name", ""))
                                               for a in node.args) else "rule_product")
        elif isinstance(node, ActivationPrime):
            parts.add("rule_elementwise")
    return tuple(key for key in ORDER if key in parts), (tag if literal else "")


def _outer_product(rhs) -> bool:
    """Whether ``rhs`` is δ aᵀ: a column times a transposed column (BP4)."""
    factors = rhs.args if isinstance(rhs, MatMul) else ()
    return len(factors) == 2 and isinstance(factors[1], Transpose) and factors[1].arg.shape[1] == 1


def forward_rules(lhs, rhs, attention: bool, dims) -> tuple[str, ...]:
    """What a forward step computes, as a language key; () for a dense layer's steps (the prose says them)."""
    key = next((key for cls, key in FORWARD if isinstance(rhs, cls)), None)
    if key is None and isinstance(rhs, Apply) and getattr(rhs.args[1], "name", None) in dims:
        key = "fwd_activation"                      # an activation of an image: pixel by pixel
    if key is None and attention:
        key = ATTENTION_STEPS.get(lhs.name)
    return (key,) if key else ()


def _needed(steps, names: set) -> list:
    """The steps defining ``names`` and every step they read, in order."""
    kept = []
    for step in reversed(steps):
        if step.lhs.name in names:
            kept.append(step)
            names |= {s.name for s in step.rhs.free_symbols}
    return kept[::-1]


def _step(lhs, rhs, gradient, dims) -> MatrixStep:
    rules, tag = step_rules(rhs, equation_tag(lhs, gradient))
    return MatrixStep(lhs, rhs, shape_of(lhs, dims), tag, rules)


def forward_steps(program) -> tuple[MatrixStep, ...]:
    """The forward lines of a program with matrix steps, each with its learner's shape and what it computes."""
    dims = display_dims(program)
    attention = any(isinstance(rhs, RowSoftmax) for _, rhs in program.assignments)
    return tuple(MatrixStep(lhs, rhs, shape_of(lhs, dims), "", forward_rules(lhs, rhs, attention, dims))
                 for lhs, rhs in program.assignments)


def matrix_steps(gradient: Gradient, wanted=None) -> tuple[tuple[MatrixStep, ...], tuple[MatrixStep, ...]]:
    """The forward and backward lines of ``gradient``; ``wanted`` (parameters) prunes the backward lines
    to what their partials read (BP1 and BP2 stay lines).

    >>> from symnet.core.backprop import grad
    >>> from symnet.core.layers import layers
    >>> [s.tag for s in matrix_steps(grad(layers("4-3-2").loss()))[1]]
    ['BP1_fused', 'BP2', 'BP4', 'BP4', 'BP3', 'BP3']
    """
    forward, dims = forward_steps(gradient.forward), display_dims(gradient.forward)
    backward = [_step(lhs, rhs, gradient, dims) for lhs, rhs in gradient.adjoints]
    for param, result in zip(gradient.wrt, gradient.results):     # ∂C/∂bˡ = δˡ is an alias, not an assignment
        partial = MatrixSymbol(f"delta_{param.name}", *param.shape)
        if result != partial:
            backward.append(_step(partial, result, gradient, dims))
    if wanted is not None:
        backward = _needed(backward, {f"delta_{p.name}" for p in wanted})
    return forward, tuple(backward)
