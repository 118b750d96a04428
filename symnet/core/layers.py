"""Layer networks: whole layers as matrix-valued steps of one ``Program`` (Nielsen's notation).

For sizes n₀-n₁-…-n_L, layer l has a weight matrix Wˡ (nₗ × nₗ₋₁) and a bias column bˡ (nₗ × 1):

    a⁰ = x,    zˡ = Wˡ aˡ⁻¹ + bˡ,    aˡ = σ(zˡ),    C = loss(…, y).

The steps are the same kind of ``Program`` as a scalar network's, with ``MatrixSymbol`` values, so
the same reverse sweep (``symnet.core.backprop``) differentiates it, using the matrix rules of
``matrix_rules``; out of it come BP1–BP4. ``lower`` writes the same network entry by entry
(w_{j,k}), a scalar program the scalar engine differentiates: the bridge between the two views.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from numbers import Integral, Real

from sympy import HadamardProduct, ImmutableMatrix, Lambda, MatAdd, MatMul, MatrixSymbol, Symbol, Transpose

from symnet.core.display import Displayed
from symnet.core.matrix_rules import (ELEMENTWISE, ActivationPrime, Apply, LossStep, SigmoidCrossEntropy, Softmax,
                                      SoftmaxCrossEntropy, SquaredError, user_activation)
from symnet.core.program import Program
from symnet.limits import check_layer_size

COST = Symbol("C")
OUTPUTS = ELEMENTWISE + ("softmax", "identity")
LAYER_LOSSES = {"softmax_cross_entropy": SoftmaxCrossEntropy, "binary_cross_entropy": SigmoidCrossEntropy,
                "squared_error": SquaredError}
LOSS_ALIASES = {"cross_entropy": "softmax_cross_entropy", "ce": "softmax_cross_entropy", "bce": "binary_cross_entropy",
                "mse": "squared_error"}
MAX_WIDTH = 100_000


@dataclass(frozen=True)
class LayerNetwork(Displayed):
    """A fully connected network of matrix steps; ``program`` ends with the output aᴸ.

    >>> net = layers("2-3-2", activation="tanh", output="softmax")
    >>> print(net.program)
    z1 = W1 @ x + b1
    a1 = tanh(z1)
    z2 = W2 @ a1 + b2
    a2 = softmax(z2)
    out = a2
    """

    sizes: tuple[int, ...]
    activation: str | Lambda
    output_activation: str
    program: Program

    @property
    def inputs(self) -> tuple[MatrixSymbol, ...]:
        return self.program.inputs

    @property
    def params(self) -> tuple[MatrixSymbol, ...]:
        return self.program.params

    @property
    def n_params(self) -> int:
        """The number of scalar parameters Σₗ nₗ(nₗ₋₁ + 1)."""
        return int(sum(p.shape[0] * p.shape[1] for p in self.params))

    @property
    def spec(self) -> str:
        """The network's name on the command line: ``layers:64-32-10:relu:softmax``."""
        return f"layers:{'-'.join(map(str, self.sizes))}:{activation_text(self.activation)}:{self.output_activation}"

    def loss(self, kind: str | None = None) -> LayerLoss:
        """The per-sample loss C; default softmax cross-entropy after softmax, binary cross-entropy after a
        sigmoid, squared error otherwise."""
        return layer_loss(self, kind)

    latex_inline = True     # str, latex and Jupyter print its formula (symnet.render.printing)

    def __repr__(self) -> str:
        return f"layers({self.spec[len('layers:'):]!r})"


@dataclass(frozen=True)
class LayerLoss(Displayed):
    """The network's program followed by ``C = loss``; a fused loss (softmax or sigmoid cross-entropy)
    reads zᴸ directly, so the output activation and the loss are one stable step."""

    network: LayerNetwork
    name: str
    program: Program
    target: MatrixSymbol

    latex_inline = True


def layers(layer_sizes, activation: str | None = None, output: str | None = None) -> LayerNetwork:
    """A layer network, e.g. ``layers("64-32-10", activation="relu", output="softmax")``.

    Args:
        layer_sizes: ``"64-32-10"`` or ``[64, 32, 10]``: inputs, hidden widths, outputs; or a whole spec
            ``"64-32-10:relu:softmax"`` (also ``"layers:64-32-10:relu:softmax"``), the CLI's grammar.
        activation: the hidden layers' σ; default relu. A name (sigmoid, tanh, relu, softplus, identity, …) or
            your own, a SymPy function class or a one-argument function (``lambda z: z * sigmoid(z)``), as in
            ``mlp``; its derivative comes from the rule table.
        output: the last layer's activation (a name, or softmax over two or more outputs); default softmax,
            sigmoid for one output.

    Returns:
        A ``LayerNetwork``.

    >>> layers("64-32-10").n_params
    2410
    >>> layers("64-32-10:tanh:softmax").spec
    'layers:64-32-10:tanh:softmax'
    """
    if isinstance(layer_sizes, str) and ":" in layer_sizes:
        layer_sizes, activation, output = _spec_parts(layer_sizes, activation, output)
    sizes = _parse_sizes(layer_sizes)
    activation, output = activation or "relu", output or ("sigmoid" if sizes[-1] == 1 else "softmax")
    if not isinstance(activation, str):
        activation = user_activation(activation)
    for name, value, allowed in (("activation", activation, ELEMENTWISE + ("identity",)),
                                 ("output activation", output, OUTPUTS)):
        if isinstance(value, str) and value not in allowed:
            raise ValueError(f"unknown {name} {value!r}: expected one of {', '.join(allowed)}"
                             + (", or your own (a SymPy function class or a one-argument function)"
                                if name == "activation" else ""))
    if not isinstance(output, str):
        raise TypeError(f"output must be a name, one of {', '.join(OUTPUTS)}; got {type(output).__name__}")
    if output == "softmax" and sizes[-1] == 1:
        raise ValueError("a softmax over one output is always 1 and learns nothing: end with one sigmoid output "
                         "(output='sigmoid', two classes as 0/1) or with two outputs and softmax")
    a, steps, params = MatrixSymbol("x", sizes[0], 1), [], []
    x = a
    for l, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        W, b, z = MatrixSymbol(f"W{l}", n_out, n_in), MatrixSymbol(f"b{l}", n_out, 1), MatrixSymbol(f"z{l}", n_out, 1)
        params += [W, b]
        steps.append((z, MatAdd(MatMul(W, a), b)))
        sigma = output if l == len(sizes) - 1 else activation
        if sigma == "identity":
            a = z
            continue
        a = MatrixSymbol(f"a{l}", n_out, 1)
        steps.append((a, Softmax(z) if sigma == "softmax" else Apply(sigma, z)))
    program = Program((x,), tuple(params), tuple(steps), (a,))
    return LayerNetwork(tuple(sizes), activation, output, program)


def activation_text(activation) -> str:
    """A name as it is; your own activation as its formula in z (``z*sigmoid(z)``), as specs and files write it."""
    return activation if isinstance(activation, str) else str(activation.expr)


def parse_layer_spec(spec: str) -> tuple[str, str | None, str | None]:
    """``[layers:]SIZES[:ACTIVATION[:OUTPUT]]`` → (sizes text, activation or None, output or None).

    >>> parse_layer_spec("layers:64-32-10:relu")
    ('64-32-10', 'relu', None)
    """
    parts = spec.split(":")
    if parts[0] == "layers":
        parts = parts[1:]
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise ValueError(f"expected layers:SIZES[:ACTIVATION[:OUTPUT]], e.g. layers:64-32-10:relu:softmax; got {spec!r}")
    parts += [None] * (3 - len(parts))
    return parts[0], parts[1], parts[2]


def _spec_parts(spec: str, activation, output):
    sizes, spec_activation, spec_output = parse_layer_spec(spec)
    for name, given, written in (("activation", activation, spec_activation), ("output", output, spec_output)):
        if given is not None and written is not None and given != written:
            raise ValueError(f"{spec!r} names the {name} {written!r} but {name}={given!r} was also given; "
                             f"name it once")
    return sizes, activation or spec_activation, output or spec_output


def _parse_sizes(layer_sizes) -> list[int]:
    """Sizes from ``"64-32-10"`` (ASCII digits joined by '-', nothing else) or a sequence of integers."""
    if isinstance(layer_sizes, str):
        sizes = [int(p) if re.fullmatch(r"[0-9]{1,6}", p, re.ASCII) else None for p in layer_sizes.split("-")]
    elif isinstance(layer_sizes, Iterable) and not isinstance(layer_sizes, (bytes, bytearray, Mapping, Set, Iterator)):
        sizes = [_whole(p) for p in layer_sizes]
    else:
        sizes = []
    if len(sizes) < 2 or any(n is None or n < 1 or n > MAX_WIDTH for n in sizes):
        shown = repr(layer_sizes)
        raise ValueError(f"layer sizes must be two or more positive integers up to {MAX_WIDTH:,}, written in ASCII "
                         f"digits, e.g. \"64-32-10\" or [64, 32, 10]; got "
                         f"{shown if len(shown) <= 60 else shown[:60] + '…'}")
    check_layer_size(sizes)
    return sizes


def _whole(value) -> int | None:
    """An integer (or an integral finite float) as int; None for anything else (bool, str, inf, 2.5)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    return None


def layer_loss(network: LayerNetwork, kind: str | None = None) -> LayerLoss:
    """The loss program of ``network``: ``kind`` is softmax_cross_entropy, binary_cross_entropy or squared_error."""
    out = network.output_activation
    kind = LOSS_ALIASES.get(kind, kind) or {"softmax": "softmax_cross_entropy",
                                            "sigmoid": "binary_cross_entropy"}.get(out, "squared_error")
    if kind not in LAYER_LOSSES:
        raise ValueError(f"unknown loss {kind!r} for a layer network: expected one of {', '.join(LAYER_LOSSES)}")
    fused = {"softmax_cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}.get(kind)
    if fused and out != fused:
        raise ValueError(f"{kind} goes with a {fused} output (it is computed from zᴸ in one stable step); "
                         f"this network's output is {out}: use layers(..., output={fused!r})")
    if out == "softmax" and not fused:
        raise ValueError("a softmax output goes with softmax_cross_entropy; use it, or another output activation")
    steps = network.program.assignments
    y = MatrixSymbol("y", network.sizes[-1], 1)
    if fused:
        z = steps[-1][1].args[-1]   # softmax(z) or Apply(sigmoid, z)
        steps, rhs = steps[:-1], LAYER_LOSSES[kind](z, y)
    else:
        rhs = SquaredError(network.program.outputs[0], y)
    program = Program(network.inputs + (y,), network.params, steps + ((COST, rhs),), (COST,))
    return LayerLoss(network, kind, program, y)


# ---- the bridge: entries instead of matrices ------------------------------------------------------


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
        return expr.scalar(list(explicit(expr.args[0], env)), list(explicit(expr.args[1], env)))
    if isinstance(expr, (Apply, ActivationPrime, Softmax)):
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
    return expr.func(*args)


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
    outputs = tuple(o if not isinstance(o, MatrixSymbol) else env[o][0] for o in program.outputs)
    return Program(flat(env[m] for m in program.inputs), flat_params(program), tuple(steps), outputs)


def flat(matrices) -> tuple[Symbol, ...]:
    return tuple(s for m in matrices for s in m)


def flat_params(program: Program) -> tuple[Symbol, ...]:
    """Every parameter entry in vector order: W1 row by row, b1, W2, b2, …"""
    return flat(entries(p) for p in program.params)


def entry_names(params, indices) -> list[str]:
    """The names of the flat parameter entries at ``indices`` (``W1_2_3``, ``b1_4``, as ``entries`` names them),
    without building a symbol per entry: a network of millions of parameters names the few it samples.

    >>> entry_names(layers("2-3-1").params, [0, 5, 6, 12])
    ['W1_1_1', 'W1_3_2', 'b1_1', 'b2_1']
    """
    starts, offset = [], 0
    for p in params:
        starts.append(offset)
        offset += int(p.shape[0] * p.shape[1])
    names = []
    for i in indices:
        k = bisect_right(starts, int(i)) - 1
        p, j = params[k], int(i) - starts[k]
        cols = int(p.shape[1])
        names.append(f"{p.name}_{j + 1}" if cols == 1 else f"{p.name}_{j // cols + 1}_{j % cols + 1}")
    return names


def shape_text(shape: Sequence[int]) -> str:
    """``(32, 64)`` → ``32×64``."""
    return "×".join(str(int(n)) for n in shape)
