"""A typed matrix loss lowered to scalars: every matrix an explicit grid of entry symbols, the loss one formula.

For numeric sizes (N bound to a number), X becomes the matrix of symbols X_1_1 … X_N_d and each step its
explicit entries: products and sums of entries, σ applied to each, Σ of the entries for ``sum``. The
result is an ordinary scalar formula: symnet's scalar rule table differentiates it (``check_grads``'
"lowered" column) and ``sympy.diff`` can too (the independent oracle of the tests). SymPy only.
"""

from __future__ import annotations

from sympy import (ImmutableMatrix, Basic, HadamardPower, HadamardProduct, Identity, MatAdd, MatMul, Matrix, MatrixSymbol, OneMatrix,
                   Symbol, Trace, Transpose, ZeroMatrix, eye, ones, zeros)

from symnet.core.attention import _RowWise
from symnet.core.matrix_ops import Entrywise, MatrixToScalar, Scale, entrywise_scalar
from symnet.core.matrix_rules import Apply
from symnet.core.neuron import ACTIVATIONS

MAX_ENTRIES = 2000        # explicit entries of all matrices together


def entry_symbols(symbol: MatrixSymbol, sizes: dict) -> Matrix:
    """The grid of scalar symbols ``X_i_j`` (1-based) standing for X's entries."""
    rows, cols = (int(sizes.get(d, d)) for d in symbol.shape)
    return Matrix(rows, cols, lambda i, j: Symbol(f"{symbol.name}_{i + 1}_{j + 1}", real=True))


def lower(expr: Basic, sizes: dict, grids: dict | None = None):
    """``expr`` with every matrix explicit: a SymPy ``Matrix`` for a matrix, a scalar formula for a number.

    ``sizes`` binds the size symbols ({N: 4}); ``grids`` (filled in) maps each MatrixSymbol to its entry grid.
    """
    grids = {} if grids is None else grids
    memo: dict = {}
    total = [0]

    def walk(node):
        if node in memo:
            return memo[node]
        if isinstance(node, MatrixSymbol):
            if node not in grids:
                grids[node] = entry_symbols(node, sizes)
                total[0] += len(grids[node])
                if total[0] > MAX_ENTRIES:
                    raise ValueError(f"too many entries to lower to scalars (more than {MAX_ENTRIES}); "
                                     f"use smaller sizes")
            out = grids[node]
        elif node.is_Atom:
            out = sizes.get(node, node)
        else:
            out = _lower_node(node, [walk(a) for a in node.args], sizes)
        memo[node] = out
        return out
    return walk(expr)


def _dims(node, sizes):
    return tuple(int(sizes.get(d, d)) for d in node.shape)


def _fold(op):
    """A binary ``op`` folded over a node's lowered arguments."""
    def lower_all(node, args, sizes):
        out = args[0]
        for a in args[1:]:
            out = op(out, a)
        return out
    return lower_all


def _constant(node, args, sizes):
    rows, cols = _dims(node, sizes)
    return ones(rows, cols) if isinstance(node, OneMatrix) else eye(rows) if isinstance(node, Identity) \
        else zeros(rows, cols)


# each matrix node's explicit form from its lowered arguments (a Matrix, or a scalar formula)
LOWERINGS = {
    OneMatrix: _constant, Identity: _constant, ZeroMatrix: _constant,
    MatMul: _fold(lambda a, b: a * b),
    MatAdd: _fold(lambda a, b: a + b),
    HadamardProduct: _fold(lambda a, b: a.multiply_elementwise(b)),
    Transpose: lambda node, args, sizes: args[0].T,
    HadamardPower: lambda node, args, sizes: args[0].applyfunc(lambda e: e ** args[1]),
    Apply: lambda node, args, sizes: args[1].applyfunc(ACTIVATIONS[node.name]),
    Entrywise: lambda node, args, sizes: args[1].applyfunc(lambda e: entrywise_scalar(node.name, e)),
    Scale: lambda node, args, sizes: args[0] * args[1],
    Trace: lambda node, args, sizes: args[0].trace(),
    _RowWise: lambda node, args, sizes: type(node)(ImmutableMatrix(args[0])),   # softmax by rows, …: entries
}


def _lower_node(node, args, sizes):
    for klass in type(node).__mro__:
        if klass in LOWERINGS:
            return LOWERINGS[klass](node, args, sizes)
    if isinstance(node, MatrixToScalar):
        return node.explicit(list(args[0]))
    return node.func(*args)        # a scalar operation (Add, Mul, Pow, a function) of lowered scalars
