"""Layer networks: whole layers as matrix-valued steps of one ``Program`` (Nielsen's notation).

For sizes n₀-n₁-…-n_L, layer l has a weight matrix Wˡ (nₗ × nₗ₋₁) and a bias column bˡ (nₗ × 1):

    a⁰ = x,    zˡ = Wˡ aˡ⁻¹ + bˡ,    aˡ = σ(zˡ),    C = loss(…, y).

Each hidden layer may have its own σ (a name or your own formula); a residual layer (as wide as the
layer before it) adds a skip, hˡ = σ(zˡ), aˡ = hˡ + aˡ⁻¹, as one more matrix step, so the sweep hands
δ of aˡ to aˡ⁻¹ too. ``parse_layer_spec`` splits the text a network's ``.spec`` prints
(``layers:5-8-8-3:tanh,relu:softmax:residual``); reading formula text is ``symnet.io.text.layers``'s.

The steps are the same kind of ``Program`` as a scalar network's, with ``MatrixSymbol`` values, so
the same reverse sweep (``symnet.core.backprop``) differentiates it, using the matrix rules of
``matrix_rules``; out of it come BP1–BP4. ``lower`` (``symnet.core.lowering``) writes the same network
entry by entry (w_{j,k}), a scalar program the scalar engine differentiates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass
from numbers import Integral, Real
from typing import NamedTuple

from sympy import Basic, Lambda, MatAdd, MatMul, MatrixSymbol, Symbol
from sympy.printing.str import StrPrinter

from symnet.core.display import Displayed
from symnet.core.lowering import (entries, entry_names, explicit, flat, flat_params, lower,  # noqa: F401
                                 shape_text)  # the bridge to scalars, re-exported
from symnet.core.matrix_rules import (ELEMENTWISE, Apply, FormulaLoss, SigmoidCrossEntropy, Softmax, SoftmaxCrossEntropy,
                                      SquaredError, user_activation)
from symnet.core.network import ARRAY_DEFAULTS
from symnet.core.program import Program
from symnet.limits import check_layer_size

COST = Symbol("C")
OUTPUTS = ELEMENTWISE + ("softmax", "identity")
LAYER_LOSSES = {"softmax_cross_entropy": SoftmaxCrossEntropy, "binary_cross_entropy": SigmoidCrossEntropy,
                "squared_error": SquaredError}
LOSS_ALIASES = {"cross_entropy": "softmax_cross_entropy", "ce": "softmax_cross_entropy", "bce": "binary_cross_entropy",
                "mse": "squared_error"}
MAX_WIDTH = 100_000
RESIDUAL = "residual"   # the spec's last part for skip adds


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
    activation: str | Lambda | tuple   # one for every hidden layer, or a tuple: one per hidden layer
    output_activation: str
    program: Program
    residual: tuple[int, ...] = ()     # the hidden layers l with aˡ = σ(zˡ) + aˡ⁻¹
    # every input value enters ∂C/∂W¹ = Σₓ δₓ xᵀ (a dense first layer), so an X that is not finite always shows
    # in the gradient (a convolution with a stride past its kernel leaves pixels unread: ``ConvNetwork``)
    reads_every_input = True

    @property
    def activations(self) -> tuple:
        """The hidden layers' activations, one per hidden layer (names, or ``Lambda`` z ↦ φ(z))."""
        if isinstance(self.activation, tuple):
            return self.activation
        return (self.activation,) * (len(self.sizes) - 2)

    @property
    def inputs(self) -> tuple[MatrixSymbol, ...]:
        return self.program.inputs

    @property
    def params(self) -> tuple[MatrixSymbol, ...]:
        return self.program.params

    neurons = ()   # whole layers, no neurons θᵢ to name (as a scalar ``Network`` has): W1, b1, … are named instead
    models = ()
    train_defaults = ARRAY_DEFAULTS   # mini-batches, a schedule, a held-out test set

    @property
    def n_params(self) -> int:
        """The number of scalar parameters Σₗ nₗ(nₗ₋₁ + 1)."""
        return int(sum(p.shape[0] * p.shape[1] for p in self.params))

    @property
    def spec(self) -> str:
        """The network's name on the command line, which ``layers`` reads back: ``layers:64-32-10:relu:softmax``,
        ``layers:5-8-6-3:tanh,relu:softmax`` (one activation per hidden layer), ``…:residual`` (skip adds)."""
        hidden = self.activation if isinstance(self.activation, tuple) else (self.activation,)
        return (f"layers:{'-'.join(map(str, self.sizes))}:{','.join(map(activation_text, hidden))}:"
                f"{self.output_activation}" + (f":{RESIDUAL}" if self.residual else ""))

    def loss(self, kind=None) -> LayerLoss:
        """The per-sample loss C; default softmax cross-entropy after softmax, binary cross-entropy after a
        sigmoid, squared error otherwise; a SymPy formula φ in ``yhat`` and ``y`` is your own, C = Σₖ φ(aₖ, yₖ)."""
        return layer_loss(self, kind)

    latex_inline = True     # str, latex and Jupyter print its formula (symnet.render.printing)

    def __repr__(self) -> str:
        return f"layers({self.spec[len('layers:'):]!r})"


@dataclass(frozen=True)
class LayerLoss(Displayed):
    """The network's program followed by ``C = loss``; a fused loss (softmax or sigmoid cross-entropy)
    reads zᴸ directly, so the output activation and the loss are one stable step."""

    is_loss = True          # what every verb differentiates (``as_loss``)
    layout = "batch-first"  # how it is compiled and checked (``symnet.numeric.kinds``): rows are samples
    network: LayerNetwork
    name: str
    program: Program
    target: MatrixSymbol

    latex_inline = True

    @property
    def display(self):
        """The loss step's formula (``SoftmaxCrossEntropy(z2, y)``…), as a scalar ``Loss`` has its formula in ŷ, y."""
        return self.program.rhs(self.program.outputs[0])


def has_matrix_steps(program) -> bool:
    """True when some step of ``program`` (or of a gradient's forward program) assigns a matrix: the one
    shape-aware test. The derivation adds its BP1–BP4 section and the printers show each line's shape."""
    program = getattr(program, "forward", program)
    return any(isinstance(lhs, MatrixSymbol) for lhs, _ in program.assignments)


def layers(layer_sizes, activation=None, output: str | None = None, *, residual: bool = False) -> LayerNetwork:
    """A layer network, e.g. ``layers("64-32-10", activation="relu", output="softmax")``.

    Args:
        layer_sizes: ``"64-32-10"`` or ``[64, 32, 10]``: inputs, hidden widths, outputs; or a whole spec
            ``"64-32-10:relu:softmax"`` (also ``"layers:5-8-8-3:tanh,relu:softmax:residual"``), the CLI's grammar.
        activation: the hidden layers' σ; default relu. A name (sigmoid, tanh, relu, softplus, identity, …) or
            your own, a SymPy function class or a one-argument function (``lambda z: z * sigmoid(z)``), as in
            ``mlp``; its derivative comes from the rule table. A list gives one per hidden layer
            (``["tanh", "relu"]``). A formula as text (``"z*sigmoid(z)"``) is read by ``symnet.layers``.
        output: the last layer's activation (a name, or softmax over two or more outputs); default softmax,
            sigmoid for one output.
        residual: add a skip, aˡ = σ(zˡ) + aˡ⁻¹, to every hidden layer as wide as the layer before it
            (``network.residual`` lists them); refused when there is none.

    Returns:
        A ``LayerNetwork``.

    >>> layers("64-32-10").n_params
    2410
    >>> layers("64-32-10:tanh:softmax").spec
    'layers:64-32-10:tanh:softmax'
    >>> layers("5-8-8-3", activation=["tanh", "relu"], residual=True).residual
    (2,)
    """
    if isinstance(layer_sizes, str) and ":" in layer_sizes:
        layer_sizes, activation, output, residual = spec_parts(layer_sizes, activation, output, residual)
    sizes = _parse_sizes(layer_sizes)
    hidden = hidden_activations(activation, sizes)
    output = _output(output, sizes)
    skips = _residual_layers(sizes) if residual is True else ()
    if residual not in (True, False):
        raise TypeError(f"residual must be True or False; got {residual!r}")
    program = _program(sizes, hidden, output, skips)
    return LayerNetwork(tuple(sizes), hidden[0] if len(set(hidden)) == 1 else hidden, output, program, skips)


def hidden_activations(activation, sizes) -> tuple:
    """One checked activation per hidden layer of ``sizes`` (one at least, for the spec to name)."""
    n_hidden = len(sizes) - 2
    given = list(activation) if isinstance(activation, (list, tuple)) else [activation]
    if not given or (len(given) != 1 and len(given) != n_hidden):
        raise ValueError(f"{'-'.join(map(str, sizes))} has {n_hidden} hidden layer{'s' * (n_hidden != 1)}: give one "
                         f"activation for all of them or one per hidden layer; got {len(given)}")
    checked = tuple(_activation(a) for a in given)
    return checked if len(checked) > 1 else checked * max(n_hidden, 1)


def _activation(value):
    """A table name as it is, your own activation as ``Lambda(z, φ(z))``; a clear error for anything else."""
    value = "relu" if value is None else value
    if isinstance(value, str):
        allowed = ELEMENTWISE + ("identity",)
        if value == RESIDUAL:
            raise ValueError(f"{RESIDUAL!r} is not an activation: it goes last in a spec "
                             f"(layers:5-8-8-3:tanh:softmax:{RESIDUAL}), or pass residual=True")
        if value not in allowed:
            raise ValueError(f"unknown activation {value!r}: expected one of {', '.join(allowed)}, or your own (a "
                             f"SymPy function class, a one-argument function, or a formula in z such as "
                             f"z*sigmoid(z) given as text to symnet.layers, which reads it with the safe parser)")
        return value
    return user_activation(value)


def _output(output, sizes) -> str:
    output = output or ("sigmoid" if sizes[-1] == 1 else "softmax")
    if not isinstance(output, str):
        raise TypeError(f"output must be a name, one of {', '.join(OUTPUTS)}; got {type(output).__name__}")
    if output not in OUTPUTS:
        raise ValueError(f"unknown output activation {output!r}: expected one of {', '.join(OUTPUTS)}")
    if output == "softmax" and sizes[-1] == 1:
        raise ValueError("a softmax over one output is always 1 and learns nothing: end with one sigmoid output "
                         "(output='sigmoid', two classes as 0/1) or with two outputs and softmax")
    return output


def _residual_layers(sizes) -> tuple[int, ...]:
    """The hidden layers l whose width nₗ equals nₗ₋₁: those a skip aˡ⁻¹ can be added to."""
    skips = tuple(l for l in range(1, len(sizes) - 1) if sizes[l] == sizes[l - 1])
    if not skips:
        widths = "-".join(map(str, sizes))
        raise ValueError(f"a residual network (residual=True, or :{RESIDUAL} in a spec) adds aˡ⁻¹ to each hidden "
                         f"layer as wide as the layer before it, and "
                         + (f"no hidden layer of {widths} is; repeat a width, e.g. "
                            f"{sizes[0]}-{sizes[1]}-{sizes[1]}-{sizes[-1]}" if len(sizes) > 2 else
                            f"{widths} has no hidden layer"))
    return skips


def _program(sizes, hidden, output, skips) -> Program:
    """zˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = σ(zˡ); for a residual layer hˡ = σ(zˡ), aˡ = hˡ + aˡ⁻¹ (a matrix add step)."""
    a, steps, params = MatrixSymbol("x", sizes[0], 1), [], []
    x = a
    for l, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        W, b, z = MatrixSymbol(f"W{l}", n_out, n_in), MatrixSymbol(f"b{l}", n_out, 1), MatrixSymbol(f"z{l}", n_out, 1)
        params += [W, b]
        steps.append((z, MatAdd(MatMul(W, a), b)))
        sigma = output if l == len(sizes) - 1 else hidden[l - 1]
        value = z
        if sigma != "identity":
            value = MatrixSymbol(f"h{l}" if l in skips else f"a{l}", n_out, 1)
            steps.append((value, Softmax(z) if sigma == "softmax" else Apply(sigma, z)))
        if l in skips:   # the skip: aˡ = σ(zˡ) + aˡ⁻¹
            steps.append((MatrixSymbol(f"a{l}", n_out, 1), MatAdd(value, a)))
            value = steps[-1][0]
        a = value
    return Program((x,), tuple(params), tuple(steps), (a,))


class LayerSpec(NamedTuple):
    """A ``layers:`` spec in parts: the sizes' text, the activations' texts (None: not named), the output
    (None: not named) and whether it ends in ``:residual``."""

    sizes: str
    activations: tuple[str, ...] | None
    output: str | None
    residual: bool


def parse_layer_spec(spec: str) -> LayerSpec:
    """``[layers:]SIZES[:ACTIVATIONS[:OUTPUT]][:residual]`` in parts; ACTIVATIONS is one or one per hidden
    layer, joined by commas (a formula's own commas, inside brackets, stay). The texts are not read here.

    >>> parse_layer_spec("layers:5-8-8-3:tanh,Max(z, 0):softmax:residual")
    LayerSpec(sizes='5-8-8-3', activations=('tanh', 'Max(z, 0)'), output='softmax', residual=True)
    """
    parts = [p.strip() for p in spec.split(":")]
    if parts[0] == "layers":
        parts = parts[1:]
    residual = len(parts) > 1 and parts[-1] == RESIDUAL
    parts = parts[:-1] if residual else parts
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise ValueError(f"expected layers:SIZES[:ACTIVATIONS[:OUTPUT]][:{RESIDUAL}], e.g. layers:64-32-10:relu:softmax "
                         f"or layers:5-8-8-3:tanh,relu:softmax:{RESIDUAL}; got {spec!r}")
    parts += [None] * (3 - len(parts))
    activations = None if parts[1] is None else tuple(a.strip() for a in split_top(parts[1]))
    if activations is not None and not all(activations):
        raise ValueError(f"an empty activation in {parts[1]!r}: name one per hidden layer, joined by commas")
    return LayerSpec(parts[0], activations, parts[2], residual)


def split_top(text: str, sep: str = ",") -> list[str]:
    """``text`` split at each ``sep`` outside brackets: ``"tanh,Max(z, 0)"`` → ``["tanh", "Max(z, 0)"]``."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += (c in "([{") - (c in ")]}")
        if c == sep and depth == 0:
            out.append(text[start:i])
            start = i + 1
    return out + [text[start:]]


def spec_parts(spec: str, activation=None, output=None, residual: bool = False, read=None):
    """The arguments of ``layers`` from a spec and those given beside it (each named once): (sizes, activation,
    output, residual). ``read`` turns an activation's text into an activation (default: names only; the
    public ``symnet.layers`` reads formulas with the safe parser).
    """
    parsed = parse_layer_spec(spec)
    written = None if parsed.activations is None else [(read or str)(a) for a in parsed.activations]
    written = written[0] if written is not None and len(written) == 1 else written
    for name, given, named, same in (("activation", activation, written, _same_activations),
                                     ("output", output, parsed.output, lambda a, b: a == b)):
        if given is not None and named is not None and not same(given, named):
            raise ValueError(f"{spec!r} names the {name} {_text(named)!r} but {name}={_text(given)!r} was also "
                             f"given; name it once")
    return parsed.sizes, written if activation is None else activation, output or parsed.output, \
        residual or parsed.residual


def _same_activations(a, b) -> bool:
    def one(v):
        checked = tuple(map(_activation, v if isinstance(v, (list, tuple)) else [v]))
        return checked[:1] if len(set(checked)) == 1 else checked
    return one(a) == one(b)


def _text(value) -> str:
    values = value if isinstance(value, (list, tuple)) else [value]
    return ",".join(v if isinstance(v, str) else activation_text(_activation(v)) for v in values)


class _SpecPrinter(StrPrinter):
    """``str`` with each double written as Python does (``0.12345678901234568``, ``1e-20``): the shortest text
    that the safe parser reads back as the same number (SymPy's ``str`` keeps 15 digits)."""

    def _print_Float(self, expr):
        return repr(float(expr)) if expr._prec == 53 else super()._print_Float(expr)


def activation_text(activation) -> str:
    """A name as it is; your own activation as its formula in z (``z*sigmoid(z)``), as specs and files write it."""
    return activation if isinstance(activation, str) else _SpecPrinter().doprint(activation.expr)


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
    if isinstance(kind, Basic):
        return formula_loss(network, kind)
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


def formula_loss(network: LayerNetwork, expr) -> LayerLoss:
    """Your own per-sample loss after the matrix steps: C = Σₖ φ(aₖᴸ, yₖ), φ = ``expr`` in ``yhat`` and ``y``."""
    from symnet.core.losses import YHAT, Y, check_formula

    check_formula(expr)
    if network.output_activation == "softmax":
        raise ValueError("a softmax output goes with softmax_cross_entropy; for a loss formula of your own use "
                         "another output activation, e.g. layers(..., output=\"identity\")")
    y = MatrixSymbol("y", network.sizes[-1], 1)
    rhs = FormulaLoss(Lambda((YHAT, Y), expr), network.program.outputs[0], y)
    program = Program(network.inputs + (y,), network.params, network.program.assignments + ((COST, rhs),), (COST,))
    return LayerLoss(network, str(expr), program, y)
