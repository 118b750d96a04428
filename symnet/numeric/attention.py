"""Code for attention: the per-sample matrix program printed on batch-first arrays of N sequences.

A per-sample matrix M (r × c) becomes an N × r × c array: the one printer of each backend in its stacked
batch form (``symnet.numeric.batchfirst``) keeps the formulas' shape:

    A B → A @ B  (``@`` broadcasts over the batch; a parameter W is one 2-D array for every sample)
    Aᵀ  → A.swapaxes(-1, -2)        rowsum(M) → M.sum(axis=-1, keepdims=True)   softmax by rows → over axis −1
    ∂C/∂W = Σₙ Xₙᵀ Δₙ → tensordot(X, Δ, axes=([0, 1], [0, 1])) (one BLAS product: the batch summed inside)

softmax of a column z (N × k × 1) and the softmax cross-entropy are the layer networks' lowerings (over axis 1),
so there is no Python loop over samples and no N × P per-sample gradient. A product needed twice in one
step (δ_O Vᵀ in δ_S = A ⊙ (δ_O Vᵀ − rowsum(A ⊙ δ_O Vᵀ))) is computed once (``share_products``). The
lines go to ``lambdify`` as its ``cse``, so the source reads like the derivation.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from sympy import MatMul, MatrixSymbol, lambdify, preorder_traversal

from symnet.numeric.batchfirst import STACKED
from symnet.numeric.generation import NUMPY, Target
from symnet.numeric.lowerings import lowerings
from symnet.numeric.passes import BatchSum


def row_softmax(S):
    """softmax of each row (the last axis), with the row's maximum taken out of the exponent."""
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    E /= E.sum(axis=-1, keepdims=True)
    return E


def log_softmax(S):
    """log softmax of each row: S − max − log Σ e^{S − max}, finite for any S."""
    shifted = S - S.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


NAMESPACE = {"row_softmax": row_softmax, "log_softmax": log_softmax}   # with the lowerings (softmax, the loss)


def share_products(assignments) -> list:
    """The steps with every matrix product that occurs more than once computed once, in a step ``_t1 = …``
    placed before its first use."""
    counts = Counter(node for _, rhs in assignments for node in preorder_traversal(rhs)
                     if isinstance(node, MatMul) and len(node.as_coeff_matrices()[1]) > 1)
    shared = sorted((n for n, c in counts.items() if c > 1), key=lambda n: len(list(preorder_traversal(n))))
    names: dict = {}
    steps = []
    for lhs, rhs in assignments:
        for node in shared:
            if node not in names and rhs.has(node):
                symbol = MatrixSymbol(f"_t{len(names) + 1}", *node.shape)
                steps.append((symbol, node.xreplace(names)))
                names[node] = symbol
        steps.append((lhs, rhs.xreplace(names)))
    return steps


def batch_program(program, outputs, printer):
    """(steps, outputs): the first output (the loss, already a batch total) as it is, then the batch sum of each
    per-sample parameter adjoint moved into the step that computes it (so no N × d × d_k array is formed), every
    batch step marked for ``printer``."""
    steps = share_products(program.assignments)
    used = Counter(s for _, rhs in steps for s in rhs.free_symbols)
    first, results = outputs[0], outputs[1:]
    for i, (lhs, rhs) in enumerate(steps):
        if printer.is_batch(rhs):
            if lhs in results and used[lhs] == 0:
                steps[i] = (lhs, BatchSum(rhs))
            else:
                printer.batch.add(lhs.name)
    return steps, [first, *(BatchSum(r) if printer.is_batch(r) else r for r in results)]


def compile_steps(program, outputs, constants, name: str, target: Target = NUMPY, helpers=NAMESPACE):
    """``program``'s steps and ``outputs`` as one function of (X, [y,] parameters), printed by ``target``'s printer
    in the stacked batch form; parameter adjoints summed over the batch. ``helpers`` bind the row-wise calls."""
    printer = target.printer(batch={s.name for s in program.inputs}, batch_form=STACKED)
    steps, outputs = batch_program(program, list(outputs), printer)
    modules = [{**lowerings(target.backend), **helpers, **constants}, target.modules]
    fn = lambdify(list(program.inputs + program.params), outputs, modules=modules, printer=printer,
                  cse=lambda exprs: (steps, exprs), docstring_limit=0)
    fn.__name__ = name
    return fn
