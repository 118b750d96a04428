"""Losses: the article's squared error L(ŷ, y) = (y − ŷ)², binary cross-entropy, and your own.

A loss is per sample; compiled code averages it over a batch. Cross-entropy on a sigmoid output
h = σ(z) is evaluated in the stable form L = softplus(z) − y·z, equal to −y log h − (1 − y) log(1 − h)
but finite for any z. Any other per-sample loss is an expression in ŷ (``yhat``) and the target
(``y``): ``Loss.from_expr(net, (y - yhat)**2 / 2)`` is Nielsen's ½(y − ŷ)² (text goes through the
safe parser: ``symnet.loss(net, "0.5*(y - yhat)**2")``).

A bare ``Network`` wherever a scalar to differentiate is needed stands for its squared-error loss
(``as_loss``): the same in ``grad``, ``value_and_grad``, ``check_grads``, ``derive`` and ``train``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Basic, Symbol, log

from symnet.core.activations import sigmoid, softplus
from symnet.core.display import Displayed
from symnet.core.network import OUTPUT as YHAT  # one symbol for ŷ, printed ŷ
from symnet.core.network import Network, fresh_names, short
from symnet.core.program import Program
from symnet.core.rules import check_supported, rule_table

LOSS = Symbol("L")
Y = Symbol("y")    # the target as a user writes it in a loss formula


@dataclass(frozen=True)
class Loss(Displayed):
    """A per-sample loss of a network: ``expr`` (evaluated form) and ``display`` (in ŷ and y).

    >>> from symnet.core.network import seed_network
    >>> squared_error(seed_network()).display
    (y - yhat)**2
    """

    latex_inline = True     # one formula: shown inline
    is_loss = True          # what every verb differentiates (``as_loss``): losses of every kind say so
    layout = "columns"      # how it is compiled and checked (``symnet.numeric.kinds``): X by columns

    network: Network
    name: str
    expr: Basic
    display: Basic
    target: Symbol

    @property
    def program(self) -> Program:
        """The network's program followed by ``L = expr``; inputs are the network's and the target."""
        net = self.network.program
        return Program(net.inputs + (self.target,), net.params, net.assignments + ((LOSS, self.expr),), (LOSS,))

    def __repr__(self) -> str:
        return f"<Loss {self.name}: L = {self.display}, of {short(self.network.nested)}>"


    @classmethod
    def from_expr(cls, network: Network, expr, name: str | None = None, rules=None) -> "Loss":
        """Your own per-sample loss: any expression in ŷ (the symbol ``yhat``) and the target ``y``.

        Args:
            network: the network whose output is ŷ.
            expr: a SymPy expression in ``yhat`` and ``y`` (``y`` means the target even when the
                network already uses that name: the target is then called ``y_true``).
            name: the loss's name; default the formula itself, so a model file can rebuild it.
            rules: extra derivative rules for functions symnet does not know.

        Returns:
            The ``Loss``.

        >>> from sympy import Rational, symbols
        >>> from symnet.core.network import seed_network
        >>> y, yhat = symbols("y yhat")
        >>> print(Loss.from_expr(seed_network(), Rational(1, 2) * (y - yhat)**2))
        L = (y - yhat)**2/2
        """
        if not isinstance(network, Network) and callable(getattr(network, "loss", None)):
            return network.loss(expr)   # a layer network: its loss step C = Σₖ φ(aₖᴸ, yₖ) (``core.layers``)
        check_formula(expr, rules)
        target = target_symbol(network)
        display = expr.xreplace({Y: target})
        value = display.xreplace({YHAT: network.output})
        return cls(network, name or str(expr), value, display, target)

    def on(self, network: Network) -> "Loss":
        """The same loss of another network (e.g. the scalar view of the same neurons)."""
        if self.name in LOSSES:
            return LOSSES[self.name](network)
        return Loss.from_expr(network, self.display.xreplace({self.target: Y}), self.name)


def check_formula(expr, rules=None) -> None:
    """Refuse anything but a SymPy formula in ``yhat`` and ``y`` that depends on yhat, every function with a rule."""
    if isinstance(expr, (str, bytes)):
        raise TypeError(f"got text {expr!r}: use symnet.loss(network, text), which reads it with the safe "
                        "parser; the core never parses strings")
    if not isinstance(expr, Basic):
        raise TypeError(f"a loss is a SymPy expression in yhat and y; got {type(expr).__name__}")
    stray = sorted(s.name for s in expr.free_symbols if s not in (YHAT, Y))
    if stray:
        raise ValueError(f"a loss is a formula in yhat (the network's output ŷ) and y (the target); "
                         f"{', '.join(stray)} is neither, e.g. write \"0.5*(y - yhat)**2\"")
    if not expr.has(YHAT):
        raise ValueError(f"the loss {expr} does not depend on yhat, the network's output, so its gradient is "
                         f"zero; write it in yhat and y, e.g. \"(y - yhat)**2\"")
    check_supported(expr, rule_table(rules))


def target_symbol(network: Network) -> Symbol:
    """``y``, unless the network already uses that name (then ``y_true``, ``target``, ``y_1``, …)."""
    used = {s.name for s in network.inputs + network.params + network.program.symbols}
    names = [n for n in ("y", "y_true", "target") if n not in used]
    return Symbol(names[0]) if names else next(fresh_names("y_", used))


def squared_error(network: Network) -> Loss:
    """The article's loss L(ŷ, y) = (y − ŷ)² (averaged over a batch when compiled)."""
    y = target_symbol(network)
    return Loss(network, "squared_error", (y - network.output) ** 2, (y - YHAT) ** 2, y)


def binary_cross_entropy(network: Network) -> Loss:
    """L(ŷ, y) = −y log ŷ − (1 − y) log(1 − ŷ), stable when ŷ is a sigmoid neuron's output."""
    y, out = target_symbol(network), network.output
    display = -y * log(YHAT) - (1 - y) * log(1 - YHAT)
    rhs = dict(network.program.assignments).get(out)
    if isinstance(rhs, sigmoid):
        z = rhs.args[0]
        return Loss(network, "binary_cross_entropy", softplus(z) - y * z, display, y)
    return Loss(network, "binary_cross_entropy", -y * log(out) - (1 - y) * log(1 - out), display, y)


# Losses that are a log-likelihood take their targets from a range: binary cross-entropy is −y log ŷ −
# (1 − y) log(1 − ŷ), whose minimum over ŷ is its entropy only for 0 ≤ y ≤ 1 (outside, it is unbounded below).
TARGET_RANGES = {"binary_cross_entropy": (0.0, 1.0)}


def target_range(name: str):
    """``(name, (low, high))`` for a loss whose targets must lie in a range, else None (any finite target)."""
    bounds = TARGET_RANGES.get(name)
    return None if bounds is None else (name, bounds)


LOSSES = {"squared_error": squared_error, "mse": squared_error, "binary_cross_entropy": binary_cross_entropy,
          "bce": binary_cross_entropy}


def loss(network, kind=None):
    """A loss by name — ``squared_error`` (``mse``), ``binary_cross_entropy`` (``bce``) — or by formula.

    Args:
        network: the network, of neurons or of layers (a layer network's losses are steps of its own
            program: ``softmax_cross_entropy``, ``binary_cross_entropy``, ``squared_error``).
        kind: a loss name, or a SymPy expression in ``yhat`` and ``y`` (``Loss.from_expr``); text
            formulas go through ``symnet.loss``, which parses them safely first. None: the network's
            default, the squared error for neurons (``network.loss()`` for layers).

    Returns:
        The loss.

    >>> from symnet.core.network import seed_network
    >>> loss(seed_network(), "bce").name
    'binary_cross_entropy'
    """
    if not isinstance(network, Network) and callable(getattr(network, "loss", None)):
        return network.loss(kind)        # the one place a network's kind picks its loss: matrix networks own theirs
    if not isinstance(network, Network):
        raise TypeError(f"expected a Loss or a Network (which stands for its loss: the squared error (y − ŷ)² for "
                        f"neurons, network.loss() for layers); got {type(network).__name__}")
    kind = "squared_error" if kind is None else kind
    if isinstance(kind, Basic):
        return Loss.from_expr(network, kind)
    if kind not in LOSSES:
        raise ValueError(f"unknown loss {kind!r}: expected one of {', '.join(LOSSES)}, or a formula in yhat and y "
                         f"such as \"0.5*(y - yhat)**2\"")
    return LOSSES[kind](network)


def as_loss(target, kind=None):
    """The scalar a verb differentiates: a loss as given, or a network's loss named ``kind`` (None: its default).

    One meaning everywhere, whatever the network's steps: ``grad``, ``value_and_grad``, ``check_grads``,
    ``derive``, the graph and ``train`` all read a bare network of neurons as the article's L = (y − ŷ)², and a
    layer network as its own default loss (``network.loss()``: cross-entropy after softmax or sigmoid). This is
    the one place that turns a network into its loss.

    >>> from symnet.core.network import seed_network
    >>> as_loss(seed_network()).name
    'squared_error'
    >>> from symnet.core.layers import layers
    >>> as_loss(layers("2-3-2")).name
    'softmax_cross_entropy'
    """
    return target if getattr(target, "is_loss", False) else loss(target, kind)
