"""Losses: the article's squared error L(ŷ, y) = (y − ŷ)² and binary cross-entropy.

A loss is per sample; compiled code averages it over a batch. Cross-entropy on a sigmoid output
h = σ(z) is evaluated in the stable form L = softplus(z) − y·z, equal to −y log h − (1 − y) log(1 − h)
but finite for any z.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Basic, Symbol, log

from symnet.core.activations import sigmoid, softplus
from symnet.core.network import OUTPUT as YHAT  # one symbol for ŷ, printed ŷ
from symnet.core.network import Network, fresh_names, short
from symnet.core.program import Program

LOSS = Symbol("L")


@dataclass(frozen=True)
class Loss:
    """A per-sample loss of a network: ``expr`` (evaluated form) and ``display`` (in ŷ and y).

    >>> from symnet.core.network import seed_network
    >>> squared_error(seed_network()).display
    (y - yhat)**2
    """

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

    def __str__(self) -> str:
        from symnet.render.printing import text

        return text(self)

    def _repr_latex_(self) -> str:
        from symnet.render.printing import latex

        return f"$\\displaystyle {latex(self)}$"


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


LOSSES = {"squared_error": squared_error, "mse": squared_error, "binary_cross_entropy": binary_cross_entropy,
          "bce": binary_cross_entropy}


def loss(network: Network, kind: str = "squared_error") -> Loss:
    """A loss by name: ``squared_error`` (``mse``) or ``binary_cross_entropy`` (``bce``)."""
    if kind not in LOSSES:
        raise ValueError(f"unknown loss {kind!r}: expected one of {', '.join(LOSSES)}")
    return LOSSES[kind](network)
