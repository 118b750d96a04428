"""Names and notation of the derivative rules a derivation cites, and what a derivation is taken by.

One table keyed by SymPy class, like the rule table of ``symnet.core.rules`` itself: each rule has a
name (words, translated by ``symnet.render.i18n``) and, for a function's derivative, its formula in
Unicode, LaTeX and plain text, e.g. σ′ = σ(1 − σ). Derivations, documents and the graph all read
this one table. ``rules_used(expr, wrt)`` lists the rules that differentiate ``expr`` by ``wrt``,
outermost first.

``resolve_wrt`` checks what a derivation (or a highlighted graph path) is taken by: parameters;
a neuron's θN (also spelled ``thetaN``), meaning all of its parameters; network inputs when named
explicitly; never the target y, which is data, not something training changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sympy import Add, Basic, Mul, Pow, Symbol, cos, exp, log, sin, tanh

from symnet.core.activations import relu, sigmoid, softplus
from symnet.core.neuron import neuron_index


@dataclass(frozen=True)
class Rule:
    """A derivative rule: its name (words, an i18n key) and, for functions, its formula per format."""

    name: str
    unicode: str | None = None
    latex: str | None = None
    text: str | None = None

    def __str__(self) -> str:
        return self.unicode or self.name


def _function(name: str, unicode: str, latex: str, text: str) -> Rule:
    return Rule(name, unicode, latex, text)


RULES: dict[type, Rule] = {
    Add: Rule("sum rule"),
    Mul: Rule("product rule"),
    Pow: Rule("power rule"),
    sigmoid: _function("sigmoid rule", "σ′ = σ(1 − σ)", r"\sigma' = \sigma(1 - \sigma)",
                       "sigmoid' = sigmoid*(1 - sigmoid)"),
    tanh: _function("tanh rule", "tanh′ = 1 − tanh²", r"\tanh' = 1 - \tanh^2", "tanh' = 1 - tanh^2"),
    relu: _function("ReLU rule", "ReLU′ = H", r"\operatorname{ReLU}' = H", "relu' = H (step)"),
    softplus: _function("softplus rule", "softplus′ = σ", r"\operatorname{softplus}' = \sigma",
                        "softplus' = sigmoid"),
    exp: _function("exp rule", "exp′ = exp", r"\exp' = \exp", "exp' = exp"),
    log: _function("log rule", "log′ = 1/z", r"\log' = 1/z", "log' = 1/z"),
    sin: _function("sin rule", "sin′ = cos", r"\sin' = \cos", "sin' = cos"),
    cos: _function("cos rule", "cos′ = −sin", r"\cos' = -\sin", "cos' = -sin"),
}
IDENTITY = Rule("identity")
NEURON_PARAMETER = Rule("neuron's own parameter")
NEURON_INPUT = Rule("neuron input")
THETA_ALIAS = re.compile(r"^theta(\d+)$")


def rule_for(cls: type) -> Rule:
    """The rule of a SymPy class (or of its nearest base in the table); unknown functions get f′."""
    for base in cls.__mro__:
        if base in RULES:
            return RULES[base]
    name = cls.__name__
    return Rule(name + "′", name + "′", r"\operatorname{%s}'" % name, name + "'")


def rules_used(expr: Basic, wrt: Symbol) -> tuple[Rule, ...]:
    """The rules used to differentiate ``expr`` by ``wrt``, outermost first (identity if none).

    >>> from sympy import symbols
    >>> b, w, u = symbols("b w u")
    >>> [r.name for r in rules_used(b + w * u, u)]
    ['sum rule', 'product rule']
    """
    found: list[Rule] = []

    def visit(node):
        if node == wrt or not node.has(wrt):
            return
        rule = rule_for(type(node))
        if rule not in found:
            found.append(rule)
        for arg in node.args:
            visit(arg)

    visit(expr)
    return tuple(found) or (IDENTITY,)


def rule_name(expr: Basic, wrt: Symbol) -> str:
    """``rules_used`` as one English string, e.g. 'sum rule, product rule'.

    >>> from sympy import symbols
    >>> rule_name(symbols("a") * symbols("b"), symbols("b"))
    'product rule'
    """
    return ", ".join(map(str, rules_used(expr, wrt)))


# ---- what a derivation is taken by --------------------------------------------------------------

def resolve_wrt(loss, wrt=None, abstract: bool = False) -> tuple[Symbol, ...]:
    """The symbols to derive ``loss`` by, checked: the one validator of derive, graph and abstract mode.

    Args:
        loss: a ``symnet.core.losses.Loss``.
        wrt: names or symbols (default: every parameter; in abstract mode every neuron θ).
            ``θN``/``thetaN`` names neuron N: its parameters (abstract mode: its scalar θN).
            Network inputs are allowed when named; the target is not.
        abstract: only neuron θ's are allowed.

    Returns:
        The symbols, in the order given, neurons expanded.

    >>> from symnet import seed_network, squared_error
    >>> resolve_wrt(squared_error(seed_network()), ["theta2", "x1"])
    (w2_1, b2, x1)
    """
    net = loss.network
    if wrt is None:
        return net.neurons if abstract else net.params
    items = [wrt] if isinstance(wrt, (str, Symbol)) else list(wrt)
    out: list[Symbol] = []
    for item in items:
        if not isinstance(item, (str, Symbol)):
            raise TypeError(f"wrt must hold names or symbols; got {item!r}")
        symbol = alias(net, Symbol(item) if isinstance(item, str) else item)
        out += _expand(loss, symbol, abstract)
    if len(set(out)) != len(out):
        raise ValueError(f"a symbol is named twice in wrt: {', '.join(map(str, out))}; name each once")
    return tuple(out)


def alias(net, symbol: Symbol) -> Symbol:
    """``thetaN`` → ``θN`` unless the network has a symbol literally named thetaN.

    >>> from symnet import seed_network
    >>> alias(seed_network(), Symbol("theta2"))
    θ2
    """
    known = set(net.params + net.inputs + net.neurons)
    match = THETA_ALIAS.match(symbol.name)
    return Symbol("θ" + match.group(1)) if match and symbol not in known else symbol


def _expand(loss, symbol: Symbol, abstract: bool) -> list[Symbol]:
    net = loss.network
    if abstract:
        if symbol not in net.neurons:
            raise ValueError(f"abstract derivations are by a neuron's θ; got {symbol}, expected some of "
                             f"{', '.join(map(str, net.neurons))} (or theta1, theta2, …)")
        return [symbol]
    if symbol in net.params or symbol in net.inputs:
        return [symbol]
    if symbol in net.neurons:
        return list(neuron_params(net, symbol))
    expected = f"a parameter ({', '.join(map(str, net.params))})"
    expected += f", a neuron θN ({', '.join(map(str, net.neurons))})" if net.neurons else ""
    expected += f" or an input ({', '.join(map(str, net.inputs))})"
    if symbol == loss.target:
        raise ValueError(f"cannot differentiate by {symbol}: it is the target (data), not a parameter; "
                         f"expected {expected}")
    raise ValueError(f"cannot differentiate by {symbol}: expected {expected}")


def neuron_params(net, theta: Symbol) -> tuple[Symbol, ...]:
    """The parameters of neuron ``theta`` (w's and b, or θ itself for the scalar model), in program order.

    >>> from symnet import seed_network
    >>> neuron_params(seed_network(), Symbol("θ5"))
    (w5_1, w5_2, b5)
    """
    program = net.program
    z = Symbol(f"z{neuron_index(theta)}")
    own = program.rhs(z).free_symbols & set(program.params)
    return tuple(sorted(own, key=program.order().__getitem__))
