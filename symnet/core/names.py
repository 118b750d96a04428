"""Naming the symbols of a network: what a gradient is taken by (``resolve_wrt``) and a point (``resolve_point``).

These are the one validator of each concept: ``grad``, ``derive``, ``check_grads``, the graph and every
CLI command call them, so the same names are accepted everywhere and the same mistakes get the same
message. The names a user may give:

- a parameter by its name (``w1_1``, ``b5``, ``θ3`` for the scalar model);
- a neuron ``θN`` (also spelled ``thetaN``), meaning all of neuron N's parameters;
- a network input (``x1``), when named explicitly;
- never the target ``y``: it is data, not something training changes.

An unknown name gets the closest known names as a suggestion (``difflib``). Pure SymPy and the
standard library; no parsing (the CLI splits ``--wrt a,b`` with the safe parser first).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping

from sympy import Basic, MatrixSymbol, Symbol

from symnet.core.losses import as_loss
from symnet.core.neuron import neuron_index
from symnet.core.program import Program

THETA_ALIAS = re.compile(r"^theta(\d+(?:_\d+)*)$")


class _Names:
    """What a loss, a network or a program lets one name: params, inputs, neurons and the target."""

    def __init__(self, target):
        if isinstance(target, Program):
            self.target = None
            self.params, self.inputs, self.neurons, self.groups = target.params, target.inputs, (), {}
            return
        try:
            loss = as_loss(target)   # a network of any kind names what its loss names
        except TypeError:
            raise TypeError(f"expected a Loss or a Network (of neurons or of layers), or a Program; got {type(target).__name__}") from None
        net, self.target = loss.network, loss.target
        self.params, self.inputs, self.neurons = net.params, net.inputs, net.neurons   # a layer net: no neurons
        self.groups = {theta: neuron_params(net, theta) for theta in net.neurons}

    def known(self) -> list[str]:
        names = [s.name for s in self.params + self.inputs + self.neurons]
        return list(dict.fromkeys(names))

    def symbol(self, name: str) -> Symbol:
        """The known symbol of that name (a matrix ``W1`` too); ``thetaN`` → ``θN`` unless a symbol is
        literally named thetaN."""
        for known in self.params + self.inputs + self.neurons:
            if known.name == name:
                return known
        match = THETA_ALIAS.match(name)
        return Symbol("θ" + match.group(1)) if match else Symbol(name)


def canonical(target, name) -> Symbol:
    """The symbol a name stands for in ``target``: ``thetaN`` → ``θN`` unless thetaN is a symbol itself.

    >>> from symnet.core.network import seed_network
    >>> canonical(seed_network(), "theta2"), canonical(seed_network(), "w1_1")
    (θ2, w1_1)
    """
    return _Names(target).symbol(name if isinstance(name, str) else str(name))


def neuron_params(net, theta: Symbol) -> tuple[Symbol, ...]:
    """The parameters of neuron ``theta`` (w's and b, or θ itself for the scalar model), in program order.

    >>> from symnet.core.network import seed_network
    >>> neuron_params(seed_network(), Symbol("θ5"))
    (w5_1, w5_2, b5)
    """
    program = net.program
    own = program.rhs(Symbol(f"z{neuron_index(theta)}")).free_symbols & set(program.params)
    return tuple(sorted(own, key=program.order().__getitem__))


def resolve_wrt(target, wrt=None, *, abstract: bool = False) -> tuple[Symbol, ...]:
    """The symbols to differentiate ``target`` by, checked: the one validator of every verb and command.

    Args:
        target: a ``Loss``, a ``Network`` or a ``Program``.
        wrt: one name or symbol (``"b5"``), or a list of them; default every parameter (in abstract
            mode every neuron θ). ``θN``/``thetaN`` names all of neuron N's parameters (abstract
            mode: the neuron itself); inputs may be named; the target may not.
        abstract: only neuron θ's are allowed (derivations that keep f undefined).

    Returns:
        The symbols in the order given, neurons expanded to their parameters.

    Raises:
        ValueError: an unknown name (with "did you mean" suggestions), the target, an empty or
            repeated name. TypeError: something that is not a name or a symbol.

    >>> from symnet.core.network import seed_network
    >>> resolve_wrt(seed_network(), "b5"), resolve_wrt(seed_network(), ["theta2", "x1"])
    ((b5,), (w2_1, b2, x1))
    """
    names = _Names(target)
    if wrt is None:
        return names.neurons if abstract else names.params
    items = [wrt] if isinstance(wrt, (str, Symbol, MatrixSymbol)) else _as_list(wrt)
    if not items:
        raise ValueError("wrt is empty: name at least one parameter, e.g. wrt=\"b5\", or leave it out for all")
    out: list[Symbol] = []
    for item in items:
        if not isinstance(item, (str, Symbol, MatrixSymbol)):
            raise TypeError(f"wrt must hold names or symbols (e.g. \"w1_1\" or θ1); got {item!r}")
        out += _expand(names, names.symbol(item if isinstance(item, str) else item.name), abstract)
    repeated = sorted({s.name for s in out if out.count(s) > 1})
    if repeated:
        raise ValueError(f"duplicate name in wrt: {', '.join(repeated)} is named twice or more (a neuron θN "
                         f"stands for all its parameters); name each once")
    return tuple(out)


def _as_list(wrt) -> list:
    try:
        return list(wrt)
    except TypeError:
        raise TypeError(f"wrt must be a name, a symbol or a list of them; got {type(wrt).__name__}") from None


def _expand(names: _Names, symbol: Symbol, abstract: bool) -> list[Symbol]:
    if abstract:
        if symbol in names.neurons:
            return [symbol]
        raise ValueError(f"abstract derivations are by a neuron's θ; got {symbol}, expected one of "
                         f"{', '.join(map(str, names.neurons))} (or theta1, theta2, …)")
    if symbol in names.params or symbol in names.inputs:
        return [symbol]
    if symbol in names.groups:
        return list(names.groups[symbol])
    expected = f"a parameter ({', '.join(map(str, names.params))})"
    expected += f", a neuron θN ({', '.join(map(str, names.neurons))})" if names.neurons else ""
    expected += f" or an input ({', '.join(map(str, names.inputs))})"
    if symbol == names.target:
        raise ValueError(f"cannot differentiate by {symbol}: it is the target (data), not a parameter; "
                         f"expected {expected}")
    raise ValueError(f"cannot differentiate by {unknown(symbol.name, names.known())}: expected {expected}")


def unknown(name: str, known) -> str:
    """``name``, with the closest ``known`` names as a suggestion when there are any.

    >>> unknown("w11", ["w1_1", "b1"]), unknown("q", ["w1_1"])
    ('w11 (did you mean w1_1?)', 'q')
    """
    close = difflib.get_close_matches(name, list(known), n=2, cutoff=0.6)
    return f"{name} (did you mean {' or '.join(close)}?)" if close else name


def resolve_point(target, at: Mapping, *, target_value: bool = True) -> dict[Symbol, float]:
    """``at`` as {Symbol: float}, checked to name exactly what ``target`` needs: the one point validator.

    Args:
        target: a ``Loss`` (its inputs, parameters and target), a ``Network`` (inputs and
            parameters), or a sequence of symbols (exactly those, e.g. the parameters alone).
        at: {name or symbol: real number}; ``thetaN`` also names ``θN``.
        target_value: for a ``Loss``, whether the target's value is needed too.

    Returns:
        {symbol: float} in the order inputs, parameters, target (or the sequence's order).

    Raises:
        ValueError: unknown names (with suggestions), missing names, a name given twice, a value
            that is not finite. TypeError: ``at`` is not a mapping, or a value is not a real number.

    >>> from symnet.core.network import seed_network
    >>> from symnet.core.losses import squared_error
    >>> loss = squared_error(seed_network())
    >>> point = resolve_point(loss, {"x1": 1, "x2": 2, "y": 1, **{p.name: 0 for p in loss.network.params}})
    >>> point[Symbol("x2")], len(point)
    (2.0, 14)
    """
    if not isinstance(at, Mapping):
        raise TypeError(f"a point must be a mapping of names to numbers, e.g. {{'x1': 1.0, ...}}; "
                        f"got {type(at).__name__}")
    needed, names = _needed(target, target_value)
    matrices = [s for s in needed if isinstance(s, MatrixSymbol)]
    if matrices:
        m = matrices[0]
        raise ValueError(f"{m} is a {m.shape[0]}×{m.shape[1]} matrix, and a point gives numbers to scalars: check_grads "
                         f"(symnet check) evaluates a network of matrix steps at a random point, and "
                         f"symnet.lower(network) writes it entry by entry")
    point, strays = {}, []
    for key, value in at.items():
        if not isinstance(key, (str, Symbol)):
            raise TypeError(f"a point's keys must be names or symbols; got {key!r}")
        symbol = names.symbol(key if isinstance(key, str) else key.name) if names else Symbol(str(key))
        if symbol not in needed:
            strays.append(str(key))
        elif symbol in point:
            raise ValueError(f"the point gives {symbol} twice (as {symbol} and as {key}); give it once")
        else:
            point[symbol] = _number(symbol, value)
    missing = [s.name for s in needed if s not in point]
    known = [s.name for s in needed]
    problems = ([f"unknown name{'s' if len(strays) > 1 else ''} " + ", ".join(unknown(n, known) for n in strays)]
                if strays else []) + ([f"missing {', '.join(missing)}"] if missing else [])
    if problems:
        raise ValueError(f"{'; '.join(problems)} in the point: give a number for each of {', '.join(known)}")
    return {s: point[s] for s in needed}


def _needed(target, target_value: bool):
    try:
        given = as_loss(target)   # a network of any kind, or its loss
    except TypeError:
        given = None              # a sequence of symbols or names
    if given is not None:
        extra = (given.target,) if given is target and target_value else ()
        return given.network.inputs + given.network.params + extra, _Names(target)
    symbols = tuple(Symbol(s) if isinstance(s, str) else s for s in target)
    return symbols, None


def _number(symbol: Symbol, value) -> float:
    """A finite float from a real number (int, float, NumPy scalar, SymPy number); bools are refused."""
    if isinstance(value, (bool, complex, str, bytes)) or (isinstance(value, Basic) and not value.is_number):
        raise TypeError(f"the value of {symbol} must be a real number; got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"the value of {symbol} must be a real number; got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"the value of {symbol} must be finite; got {value!r}")
    return number
