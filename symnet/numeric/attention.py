"""NumPy code for attention: the per-sample matrix program printed on batch-first arrays of N sequences.

A per-sample matrix M (r × c) becomes an N × r × c array, and the printer keeps the formulas' shape:

    A B → A @ B  (``@`` broadcasts over the batch; a parameter W is one 2-D array for every sample)
    Aᵀ  → A.swapaxes(-1, -2)        rowsum(M) → M.sum(axis=-1, keepdims=True)   softmax by rows → over axis −1
    ∂C/∂W = Σₙ Xₙᵀ Δₙ → tensordot(X, Δ, axes=([0, 1], [0, 1])) (one BLAS product: the batch summed inside)

so there is no Python loop over samples and no N × P per-sample gradient. A product needed twice in one
step (δ_O Vᵀ in δ_S = A ⊙ (δ_O Vᵀ − rowsum(A ⊙ δ_O Vᵀ))) is computed once (``share_products``). The
lines go to ``lambdify`` as its ``cse``, so the source reads like the derivation.
"""

from __future__ import annotations

import inspect
from collections import Counter

import numpy as np
from sympy import Basic, MatMul, MatrixSymbol, Transpose, lambdify, preorder_traversal
from sympy.printing.numpy import NumPyPrinter

from symnet.core.attention import RowSoftmax
from symnet.numeric.batchfirst import signed_sum


def row_softmax(S):
    """softmax of each row (the last axis), with the row's maximum taken out of the exponent."""
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    E /= E.sum(axis=-1, keepdims=True)
    return E


def log_softmax(S):
    """log softmax of each row: S − max − log Σ e^{S − max}, finite for any S."""
    shifted = S - S.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def column_softmax(z):
    """softmax of each sample's column z (N × k × 1)."""
    E = np.exp(z - z.max(axis=-2, keepdims=True))
    return E / E.sum(axis=-2, keepdims=True)


def softmax_cross_entropy(z, y):
    """Σₙ log Σₖ e^{zₖ} − yᵀz over the batch (log-sum-exp: finite for any z)."""
    m = z.max(axis=-2, keepdims=True)
    return float(m.sum() + np.log(np.exp(z - m).sum(axis=-2)).sum() - (y * z).sum())


NAMESPACE = {"row_softmax": row_softmax, "log_softmax": log_softmax, "column_softmax": column_softmax,
             "softmax_cross_entropy": softmax_cross_entropy}


class BatchTotal(Basic):
    """Σₙ of a per-sample matrix over the batch: a parameter's adjoint."""


class RowWiseCode:
    """Printer methods for the row-wise steps of ``core.attention`` (softmax, log softmax, row sums along the last
    axis): shared by the attention printer and the typed matrix losses' printer (``matrix_printer``)."""

    def _print_RowSoftmax(self, expr):
        return f"row_softmax({self._print(expr.args[0])})"

    def _print_LogSoftmax(self, expr):
        return f"log_softmax({self._print(expr.args[0])})"

    def _print_RowTotal(self, expr):   # broadcasts along the row wherever it is added
        return f"{self._wrap(expr.args[0])}.sum(axis=-1, keepdims=True)"


class AttentionPrinter(RowWiseCode, NumPyPrinter):
    """Per-sample matrix expressions as batch-first NumPy; ``batch`` names the symbols with one value per sample."""

    def __init__(self, batch, settings=None):
        super().__init__(settings or {})
        self.batch = set(batch)

    def is_batch(self, expr) -> bool:
        if isinstance(expr, MatrixSymbol):
            return expr.name in self.batch
        return not isinstance(expr, BatchTotal) and any(self.is_batch(a) for a in expr.args if isinstance(a, Basic))

    def _print_MatrixSymbol(self, expr):
        return expr.name

    def _print_MatAdd(self, expr):
        return signed_sum(expr, self._wrap)

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        code = " @ ".join(self._wrap(f) for f in factors)
        return code if coeff == 1 else f"{self._print(coeff)}*({code})"

    def _print_Transpose(self, expr):
        return f"{self._wrap(expr.arg)}.swapaxes(-1, -2)" if self.is_batch(expr.arg) else f"{self._wrap(expr.arg)}.T"

    def _print_HadamardProduct(self, expr):
        return " * ".join(self._wrap(a) for a in expr.args)


    def _print_Softmax(self, expr):
        return f"column_softmax({self._print(expr.args[0])})"

    def _print_SoftmaxCrossEntropy(self, expr):
        return f"softmax_cross_entropy({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_BatchTotal(self, expr):
        arg = expr.args[0]
        coeff, factors = arg.as_coeff_matrices() if isinstance(arg, MatMul) else (1, ())
        tensordot = self._module_format(self._module + ".tensordot")
        if len(factors) >= 2 and isinstance(factors[0], Transpose) and all(map(self.is_batch, factors)):
            rest = " @ ".join(self._wrap(f) for f in factors[1:])       # Σₙ Aₙᵀ Rₙ: contract samples and rows
            code = f"{tensordot}({self._wrap(factors[0].arg)}, {rest}, axes=([0, 1], [0, 1]))"
        elif len(factors) >= 2 and isinstance(factors[-1], Transpose) and all(map(self.is_batch, factors)):
            front = " @ ".join(self._wrap(f) for f in factors[:-1])     # Σₙ Fₙ Bₙᵀ: samples and columns
            code = f"{tensordot}({front}, {self._wrap(factors[-1].arg)}, axes=([0, 2], [0, 2]))"
        else:
            return f"{self._wrap(arg)}.sum(axis=0)"
        return code if coeff == 1 else f"{self._print(coeff)}*{code}"

    def _wrap(self, expr):
        code = self._print(expr)
        return code if isinstance(expr, (MatrixSymbol, RowSoftmax)) else f"({code})"


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


def batch_program(program, outputs):
    """(steps, outputs, printer): the first output (the loss, already a batch total) as it is, then the batch sum
    of each per-sample parameter adjoint moved into the step that computes it (so no N × d × d_k array is formed), every batch step marked for the printer."""
    printer = AttentionPrinter({s.name for s in program.inputs})
    steps = share_products(program.assignments)
    used = Counter(s for _, rhs in steps for s in rhs.free_symbols)
    first, results = outputs[0], outputs[1:]
    for i, (lhs, rhs) in enumerate(steps):
        if printer.is_batch(rhs):
            if lhs in results and used[lhs] == 0:
                steps[i] = (lhs, BatchTotal(rhs))
            else:
                printer.batch.add(lhs.name)
    return steps, [first, *(BatchTotal(r) if printer.is_batch(r) else r for r in results)], printer


def compile_steps(program, outputs, constants, name: str, modules=None, printer_class=AttentionPrinter):
    """``program``'s steps and ``outputs`` as one function of (X, [y,] parameters); parameter adjoints summed."""
    steps, outputs, printer = batch_program(program, list(outputs))
    if printer_class is not AttentionPrinter:
        printer = printer_class(printer.batch)
    modules = modules or [{**NAMESPACE, **constants}, "numpy"]
    fn = lambdify(list(program.inputs + program.params), outputs, modules=modules, printer=printer,
                  cse=lambda exprs: (steps, exprs), docstring_limit=0)
    fn.__name__ = name
    return fn


def source(fn) -> str:
    """The generated source under the name it was compiled as."""
    return inspect.getsource(fn).replace("def _lambdifygenerated(", f"def {fn.__name__}(", 1)
