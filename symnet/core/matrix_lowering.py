"""A typed matrix loss lowered to scalars: every matrix an explicit grid of entry symbols, the loss one formula.

For numeric sizes (N bound to a number), X becomes the matrix of symbols X_1_1 … X_N_d and each step its
explicit entries: products and sums of entries, σ applied to each, Σ of the entries for ``sum``. The
result is an ordinary scalar formula: symnet's scalar rule table differentiates it (``check_grads``'
"lowered" column) and ``sympy.diff`` can too (the independent oracle of the tests). SymPy only.
"""

from __future__ import annotations

from sympy import (Basic, HadamardPower, HadamardProduct, Identity, Integer, MatAdd, MatMul, Matrix, MatrixSymbol,
                   OneMatrix, Symbol, Trace, Transpose, ZeroMatrix, eye, ones, zeros)

from symnet.core.matrix_ops import Entrywise, MatrixToScalar, Scale
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


def _lower_node(node, args, sizes):
    if isinstance(node, (OneMatrix, Identity, ZeroMatrix)):
        rows, cols = _dims(node, sizes)
        return ones(rows, cols) if isinstance(node, OneMatrix) else eye(rows) if isinstance(node, Identity) \
            else zeros(rows, cols)
    if isinstance(node, MatMul):
        out = Integer(1)
        for a in args:
            out = out * a
        return out
    if isinstance(node, MatAdd):
        out = args[0]
        for a in args[1:]:
            out = out + a
        return out
    if isinstance(node, Transpose):
        return args[0].T
    if isinstance(node, HadamardProduct):
        out = args[0]
        for a in args[1:]:
            out = out.multiply_elementwise(a)
        return out
    if isinstance(node, HadamardPower):
        return args[0].applyfunc(lambda e: e ** args[1])
    if isinstance(node, Apply):
        return args[1].applyfunc(ACTIVATIONS[node.name])
    if isinstance(node, Entrywise):
        return args[1].applyfunc(lambda e: Entrywise(node.name, MatrixSymbol("_", 1, 1))._entry_of(e))
    if isinstance(node, Scale):
        return args[0] * args[1]
    if isinstance(node, Trace):
        return args[0].trace()
    if isinstance(node, MatrixToScalar):
        return node.explicit(list(args[0]))
    return node.func(*args)
