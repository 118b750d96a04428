"""Names and notation of the derivative rules a derivation cites, and what a derivation is taken by.

One table keyed by SymPy class, like the rule table of ``symnet.core.rules`` itself: each rule has a
name (words, translated by ``symnet.render.i18n``) and, for a function's derivative, its formula in
Unicode, LaTeX and plain text, e.g. σ′ = σ(1 − σ). Derivations, documents and the graph all read
this one table. ``rules_used(expr, wrt)`` lists the rules that differentiate ``expr`` by ``wrt``,
outermost first.

What a derivation is taken by is checked by ``symnet.core.names.resolve_wrt``, the one validator of
every verb and command.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Add, Basic, Mul, Pow, Symbol, cos, exp, log, sin

from symnet.core.activations import PRIMITIVES


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
    **{cls: _function(a.rule, *a.notation) for cls, a in PRIMITIVES.items()},   # σ′ = σ(1 − σ), …
    exp: _function("exp rule", "exp′ = exp", r"\exp' = \exp", "exp' = exp"),
    log: _function("log rule", "log′ = 1/z", r"\log' = 1/z", "log' = 1/z"),
    sin: _function("sin rule", "sin′ = cos", r"\sin' = \cos", "sin' = cos"),
    cos: _function("cos rule", "cos′ = −sin", r"\cos' = -\sin", "cos' = -sin"),
}
IDENTITY = Rule("identity")
NEURON_PARAMETER = Rule("neuron's own parameter")
NEURON_INPUT = Rule("neuron input")


def rule_for(cls: type) -> Rule:
    """The rule of a SymPy class (or of its nearest base in the table); any other function is cited by
    its own name, e.g. "erf rule" (erf′ from SymPy's ``fdiff``).

    >>> from sympy import erf
    >>> str(rule_for(erf))
    'erf rule'
    """
    for base in cls.__mro__:
        if base in RULES:
            return RULES[base]
    return Rule(f"{cls.__name__} rule")


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
