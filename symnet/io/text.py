"""Networks and losses from text: the public ``from_expr`` and ``loss`` that also take a formula string.

The core builds networks from SymPy objects only; text reaches it through symnet's safe parser
(``symnet.io.parsing``), never through ``sympify``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from symnet.core import losses, network
from symnet.io.options import parse_names
from symnet.io.parsing import parse_expr


def from_expr(expr, inputs: Sequence | str, params: Sequence | str | None = None,
              rules: Mapping | None = None) -> network.Network:
    """Any expression, or formula text, as a network (see ``symnet.core.network.from_expr``).

    Args:
        expr: a SymPy expression, or text read by the safe parser (``"tanh(w*x + b)"``).
        inputs: the input symbols, or their names (``"x"`` or ``["x1", "x2"]``).
        params: the parameters (symbols or names); default every other symbol, sorted by name.
        rules: extra derivative rules for functions symnet does not know.

    Returns:
        The network.

    >>> print(from_expr("tanh(w*x + b)", inputs="x").program)
    t1 = w*x
    t2 = b + t1
    t3 = tanh(t2)
    out = t3
    """
    if isinstance(expr, (str, bytes)):
        expr = parse_expr(expr)
    return network.from_expr(expr, _symbols(inputs), None if params is None else _symbols(params), rules)


FORMULA_NAMES = ("yhat", "y")   # a loss formula's own symbols: ``--loss yhat`` is the formula L = ŷ, not a name


def loss(net, kind=None, *, shapes=None, wrt=None, constants=None):
    """A loss of ``net`` by name, your own per-sample loss as a formula in ``yhat`` and ``y``, or a whole model
    typed as matrix text with its shapes.

    Args:
        net: the network (its output is ŷ), of neurons or of layers (``layers(...)``: its own loss steps);
            or, with ``shapes``, the loss itself as matrix text: ``"norm2(X*w - y)^2/N + lam*norm2(w)^2"``,
            ``"-sum(Y .* log_softmax(X*W))/N"`` (the language: ``symnet.io.matrix_syntax``).
        kind: ``squared_error`` (``mse``), ``binary_cross_entropy`` (``bce``), or a formula — a SymPy
            expression or text read by the safe parser — in ``yhat`` and ``y``: Nielsen's
            ``"0.5*(y - yhat)**2"``, log-cosh ``"log(cosh(yhat - y))"``, a Huber loss written with
            ``Abs`` and ``Min``… (after layers, one loss step C = Σₖ φ(aₖᴸ, yₖ)); None: the network's default
            (the squared error for neurons, ``network.loss()`` for layers).
        shapes: with matrix text, each matrix's shape, ``"X=N x 3, y=N, w=3"`` (a vector is a column; sizes
            are numbers or names bound by the data).
        wrt: with matrix text, the parameters (default: every matrix whose sizes are all numbers).
        constants: with matrix text, a number for each scalar constant, ``{"lam": 0.1}``.

    Returns:
        A ``symnet.Loss`` (a ``MatrixLoss`` for matrix text), which every verb takes.

    >>> from symnet.core.network import seed_network
    >>> print(loss(seed_network(), "0.5*(y - yhat)**2"))
    L = 0.5*(y - yhat)**2
    >>> ridge = loss("norm2(X*w - y)^2/N + lam*norm2(w)^2", shapes="X=N x 3, y=N, w=3", constants={"lam": 0.1})
    >>> ridge.params
    (w,)
    """
    if shapes is not None or isinstance(net, (str, bytes)):
        if shapes is None or kind is not None:
            raise TypeError("a loss typed as matrix text takes its shapes, loss(\"norm2(X*w - y)^2\", "
                            "shapes=\"X=N x 3, y=N, w=3\"), and no kind")
        from symnet.io.matrix_build import matrix_loss

        return matrix_loss(net.decode() if isinstance(net, bytes) else net, shapes, wrt=wrt, constants=constants)
    if wrt is not None or constants is not None:
        raise TypeError("wrt= and constants= go with a loss typed as matrix text (and its shapes=)")
    text = kind.decode() if isinstance(kind, bytes) else kind
    if isinstance(text, str) and (not re.fullmatch(r"\s*[A-Za-z_]\w*\s*", text)   # a formula, not a name,
                                  or text.strip() in FORMULA_NAMES):                 # or a formula of one name
        return losses.loss(net, parse_expr(text))    # named after the parsed formula, not the text
    return losses.loss(net, text.strip() if isinstance(text, str) else text)


def _symbols(names) -> tuple:
    from sympy import Symbol

    if isinstance(names, str):
        return parse_names(names)
    return tuple(Symbol(n) if isinstance(n, str) else n for n in names)


def layers(layer_sizes, activation=None, output: str | None = None, *, residual: bool = False):
    """A layer network (``symnet.core.layers.layers``) whose activations may also be formulas in z as text.

    Args:
        layer_sizes: ``"64-32-10"``, ``[64, 32, 10]``, or a whole spec, the CLI's grammar and what
            ``network.spec`` prints: ``"layers:3-4-2:z*sigmoid(z):softmax"``,
            ``"layers:5-8-8-3:tanh,relu:softmax:residual"``.
        activation: the hidden layers' σ (default relu): a name, your own (a function class, a
            one-argument function, or a formula in z as text, read by the safe parser), or a list of
            them, one per hidden layer; text may list them with commas (``"tanh,relu"``).
        output: the last layer's activation (a name); default softmax, sigmoid for one output.
        residual: skip adds aˡ = σ(zˡ) + aˡ⁻¹ on every hidden layer as wide as the layer before.

    Returns:
        A ``LayerNetwork``; ``layers(net.spec) == net``.

    >>> net = layers("3-4-2", activation="z*sigmoid(z)")
    >>> net.spec
    'layers:3-4-2:z*sigmoid(z):softmax'
    >>> layers(net.spec) == net
    True
    """
    from symnet.core import layers as core

    if isinstance(activation, str):
        activation = core.split_top(activation)
    if isinstance(activation, (list, tuple)):
        activation = [_activation(a) for a in activation]
        activation = activation[0] if len(activation) == 1 else activation
    if isinstance(layer_sizes, str) and ":" in layer_sizes:
        layer_sizes, activation, output, residual = core.spec_parts(layer_sizes, activation, output, residual,
                                                                    read=_activation)
    return core.layers(layer_sizes, activation, output, residual=residual)


def mlp(layer_sizes, activation="sigmoid", output_activation=None) -> network.Network:
    """A fully connected network of neurons (``symnet.core.network.mlp``: sizes as ``[2, 4, 1]`` or ``"2-4-1"``); an
    activation may also be a formula in z as text, read by the safe parser.

    >>> mlp([1, 1], activation="z/(1 + Abs(z))").models[0][1].activation
    z/(Abs(z) + 1)
    """
    return network.mlp(layer_sizes, _activation(activation),
                       None if output_activation is None else _activation(output_activation))


def _activation(value):
    """An activation's text: a name as it is, a formula in z through the safe parser; anything else as it is."""
    from symnet.io.netfile import _as_doubles, activation_from_text

    if not isinstance(value, str):
        return value
    try:
        read = activation_from_text(value.strip())
        return read if isinstance(read, str) else _as_doubles(read)   # 0.12345678901234568: that double, bit for bit
    except ValueError as error:
        raise ValueError(f"the activation {value.strip()!r} is neither a name nor a formula in z: {error}") from None
