"""Lowering to scalars: a matrix program written entry by entry (w_{j,k}), the bridge between the two views.

``lower`` turns a layer network's (or loss's) matrix steps into one scalar step per entry, a program the
scalar engine differentiates: the same gradients, checked against the matrix ones (``check_grads``'s
"lowered" column). ``entries`` names the scalar symbols of a matrix symbol (W1 → W1_1_1, W1_1_2, …).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from sympy import HadamardProduct, ImmutableMatrix, MatAdd, MatMul, MatrixSymbol, Symbol, Transpose

from symnet.core.loss_steps import LossPrime, LossStep
from symnet.core.matrix_rules import ActivationPrime, Apply, Softmax
from symnet.core.program import Program


def entries(m: MatrixSymbol) -> ImmutableMatrix:
    """The scalar symbols of a matrix symbol: a column b1 → b1_1, b1_2…; a matrix W1 → W1_1_1, W1_1_2…"""
    rows, cols = m.shape
    if cols == 1:
        return ImmutableMatrix(rows, 1, [Symbol(f"{m.name}_{j + 1}") for j in range(rows)])
    return ImmutableMatrix(rows, cols, [Symbol(f"{m.name}_{j + 1}_{k + 1}") for j in range(rows) for k in range(cols)])


def explicit(expr, env: dict):
    """``expr`` evaluated on explicit matrices: every matrix symbol replaced by ``env[symbol]``."""
    if isinstance(expr, MatrixSymbol):
        return env[expr]
    if not expr.args or expr.is_number:
        return expr
    if isinstance(expr, LossStep):
        return expr.scalar(list(explicit(expr.args[-2], env)), list(explicit(expr.args[-1], env)))   # (u, y) last
    if isinstance(expr, (Apply, ActivationPrime, LossPrime, Softmax)):
        args = [explicit(a, env) for a in expr.args[1:]] if not isinstance(expr, Softmax) else [explicit(expr.args[0], env)]
        return ImmutableMatrix(*args[0].shape, lambda i, j: _entry(expr, args, i, j))
    args = [explicit(a, env) for a in expr.args]
    if isinstance(expr, MatAdd):
        return sum(args[1:], args[0])
    if isinstance(expr, MatMul):
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if isinstance(expr, Transpose):
        return args[0].T
    if isinstance(expr, HadamardProduct):
        out = args[0]
        for a in args[1:]:
            out = out.multiply_elementwise(a)
        return out
    out = expr.func(*args)   # another matrix step (conv2d, pooling, reshape): its entries from its own _entry
    return out.as_explicit() if getattr(out, "is_Matrix", False) else out


def _entry(expr, args, i, j):
    if isinstance(expr, Softmax):
        return Softmax(MatrixSymbol("_", *args[0].shape))._entry(i, j).xreplace(
            {MatrixSymbol("_", *args[0].shape)[k, 0]: args[0][k, 0] for k in range(args[0].shape[0])})
    if isinstance(expr, Apply):
        return Apply(expr.args[0], MatrixSymbol("_", 1, 1))._entry(0, 0).xreplace({MatrixSymbol("_", 1, 1)[0, 0]: args[0][i, j]})
    return expr.scalar_rule()(args[0][i, j], args[1][i, j])


def lower(target) -> Program:
    """The scalar program of a layer network or loss: one step per entry, z1_j = Σₖ W1_j_k x_k + b1_j, …

    Parameters come in ``flat_params`` order (each Wˡ row by row, then bˡ), the order of the compiled
    code's parameter vector.

    >>> from symnet.core.layers import layers
    >>> print(lower(layers("2-1", output="sigmoid")))
    z1_1 = W1_1_1*x_1 + W1_1_2*x_2 + b1_1
    a1_1 = sigmoid(z1_1)
    out = a1_1
    """
    program = target.program
    env = {m: entries(m) for m in program.inputs + program.params}
    steps = []
    for lhs, rhs in program.assignments:
        value = explicit(rhs, env)
        if isinstance(lhs, MatrixSymbol):
            env[lhs] = entries(lhs)
            steps += [(s, v) for s, v in zip(env[lhs], value)]
        else:
            steps.append((lhs, value))
    outputs = tuple(s for o in program.outputs for s in (env[o] if isinstance(o, MatrixSymbol) else (o,)))
    return Program(flat(env[m] for m in program.inputs), flat_params(program), tuple(steps), outputs)


def flat(matrices) -> tuple[Symbol, ...]:
    return tuple(s for m in matrices for s in m)


def flat_params(program: Program) -> tuple[Symbol, ...]:
    """Every parameter entry in vector order: W1 row by row, b1, W2, b2, …"""
    return flat(entries(p) for p in program.params)


def entry_names(params, indices, dims=None) -> list[str]:
    """The names of the flat parameter entries at ``indices`` (``W1_2_3``, ``b1_4``, as ``entries`` names them),
    without building a symbol per entry: a network of millions of parameters names the few it samples. A
    parameter in ``dims`` ({name: shape}, ``convnet.display_dims``) is named by its indices in that shape: a kernel
    stored F × C·kh·kw is read as F × C × kh × kw, entry ``K1_f_c_i_j``.

    >>> from symnet.core.layers import layers
    >>> entry_names(layers("2-3-1").params, [0, 5, 6, 12])
    ['W1_1_1', 'W1_3_2', 'b1_1', 'b2_1']
    >>> from symnet.core.convnet import convnet, display_dims
    >>> net = convnet("conv:6x6:c2x2x2:relu:d2:softmax")
    >>> entry_names(net.params, [0, 3, 4, 7], display_dims(net.program))
    ['K1_1_1_1_1', 'K1_1_1_2_2', 'K1_2_1_1_1', 'K1_2_1_2_2']
    """
    starts, offset, dims = [], 0, dims or {}
    for p in params:
        starts.append(offset)
        offset += int(p.shape[0] * p.shape[1])
    names = []
    for i in indices:
        k = bisect_right(starts, int(i)) - 1
        p, j = params[k], int(i) - starts[k]
        cols = int(p.shape[1])
        shape = dims.get(p.name, (int(p.shape[0]), cols) if cols > 1 else (int(p.shape[0]),))
        names.append("_".join([p.name, *(str(n + 1) for n in _unravel(j, shape))]))
    return names


def _unravel(j: int, shape) -> list[int]:
    """Row-major indices of flat entry ``j`` in ``shape`` (``numpy.unravel_index`` without NumPy: core/ has none)."""
    out = []
    for n in reversed(shape):
        j, r = divmod(j, int(n))
        out.append(r)
    return out[::-1]


def shape_text(shape: Sequence[int]) -> str:
    """``(32, 64)`` → ``32×64``."""
    return "×".join(str(int(n)) for n in shape)
