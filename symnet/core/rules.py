"""The derivative rules: one table keyed by SymPy class, one rule per line.

A rule takes ``(ans, *args)`` — the node's value (a symbol standing for it, where one exists) and
its arguments — and returns the tuple of local partial derivatives ∂ans/∂argᵢ. Passing ``ans``
lets σ′ be written σ(1 − σ) in terms of the neuron's own output hᵢ, as a textbook does.

symnet's backprop differentiates only through this table; it never calls ``sympy.diff``.
The activations' rows come from their entries in ``symnet.core.activations.ACTIVATIONS`` (one
entry per activation). A SymPy function with no row that knows its own derivative (``fdiff``, e.g.
``erf``) is differentiated through it. User rules extend the table per call through ``rules=``
(a ``ChainMap`` over ``DERIVATIVES``).
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping

from sympy import (
    Abs,
    Add,
    Function,
    Heaviside,
    Max,
    Min,
    Mul,
    Pow,
    S,
    Symbol,
    acos,
    asin,
    atan,
    cos,
    cosh,
    exp,
    log,
    sign,
    sin,
    sinh,
    sqrt,
    tan,
)

from symnet.core.activations import PRIMITIVES
from symnet.core.program import postorder
from symnet.errors import MissingRuleError


def _product_rule(ans, *args):
    return tuple(Mul(*(args[:i] + args[i + 1:])) for i in range(len(args)))


def _power_rule(ans, base, e):
    # d(bᵉ)/db = e·b^(e−1);  d(bᵉ)/de = bᵉ·log b (needed only when e depends on a variable)
    return (e * Pow(base, e - 1), ans * log(base) if not e.is_number else S.Zero)


def _extremum_rule(pick):
    # ∂max(a₁…aₙ)/∂aᵢ = H(aᵢ − max of the others), H the Heaviside step (½ at a tie)
    def rule(ans, *args):
        return tuple(Heaviside(pick * (a - (Max if pick > 0 else Min)(*(args[:i] + args[i + 1:]))))
                     for i, a in enumerate(args))
    return rule


def _activation_rule(activation):
    return lambda ans, z: (activation.derivative(ans, z),)


def _fdiff_rule(cls):
    # a SymPy function that knows its derivative: ∂f(a₁…aₙ)/∂aᵢ = f.fdiff(i)
    return lambda ans, *args: tuple(cls(*args).fdiff(i) for i in range(1, len(args) + 1))


DERIVATIVES: dict[type, object] = {
    # ---- arithmetic --------------------------------------------------------------------------
    Add: lambda ans, *args: (S.One,) * len(args),               # sum rule
    Mul: _product_rule,                                          # product rule
    Pow: _power_rule,                                            # power rule
    # ---- elementary functions ------------------------------------------------------------------
    exp: lambda ans, z: (ans,),                                  # (eᶻ)′ = eᶻ
    log: lambda ans, z: (1 / z,),                                # (log z)′ = 1/z
    sin: lambda ans, z: (cos(z),),
    cos: lambda ans, z: (-sin(z),),
    tan: lambda ans, z: (1 + ans**2,),                           # (tan z)′ = 1 + tan²z
    sinh: lambda ans, z: (cosh(z),),
    cosh: lambda ans, z: (sinh(z),),
    asin: lambda ans, z: (1 / sqrt(1 - z**2),),
    acos: lambda ans, z: (-1 / sqrt(1 - z**2),),
    atan: lambda ans, z: (1 / (1 + z**2),),
    # ---- activations: one row per primitive of the activation table (σ′ = σ(1 − σ), …) ---------------
    **{cls: _activation_rule(a) for cls, a in PRIMITIVES.items()},
    # ---- piecewise (derivatives hold away from the kinks) -------------------------------------------
    Abs: lambda ans, z: (sign(z),),                              # |z|′ = sign z
    Max: _extremum_rule(+1),
    Min: _extremum_rule(-1),
    Heaviside: lambda ans, *args: (S.Zero,) * len(args),         # flat almost everywhere
    sign: lambda ans, z: (S.Zero,),
}


def rule_table(rules: Mapping | None = None) -> Mapping:
    """The derivative table, extended by ``rules`` for one call without touching the global.

    Args:
        rules: extra ``{SymPy class: rule}`` entries; a rule maps ``(ans, *args)`` to partials.

    Returns:
        A mapping from SymPy class to rule.

    >>> from sympy import Function
    >>> class cube(Function): pass
    >>> table = rule_table({cube: lambda ans, z: (3 * z**2,)})
    >>> cube in table, cube in DERIVATIVES
    (True, False)
    """
    return ChainMap(dict(rules), DERIVATIVES) if rules else DERIVATIVES


def lookup(cls: type, table: Mapping):
    """The rule for ``cls`` (or its nearest base class); a SymPy function's own ``fdiff`` when it has
    one (``erf``); else a ``MissingRuleError`` saying how to add one."""
    for klass in cls.__mro__:
        if klass in table:
            return table[klass]
    if knows_derivative(cls):
        return _fdiff_rule(cls)
    name = cls.__name__
    raise MissingRuleError(
        f"no derivative rule for the function {name!r}: symnet knows "
        f"{', '.join(sorted(k.__name__ for k in table))}. "
        f"Add one per call, e.g. rules={{{name}: lambda ans, z: (<d{name}/dz>,)}}"
    )


def knows_derivative(cls: type) -> bool:
    """True for a SymPy function class that defines its own ``fdiff`` (erf, loggamma, a user's class…).

    >>> from sympy import erf
    >>> knows_derivative(erf), knows_derivative(Function("g"))
    (True, False)
    """
    return (isinstance(cls, type) and issubclass(cls, Function)
            and getattr(cls, "fdiff", None) is not Function.fdiff)


def check_supported(expr, table: Mapping = DERIVATIVES) -> None:
    """Raise ``MissingRuleError`` if any node of ``expr`` has no derivative rule."""
    for node in postorder(expr):
        if not (node.is_Atom or node.is_number):
            lookup(type(node), table)


def partials(expr, ans=None, table: Mapping = DERIVATIVES) -> tuple:
    """The local partials ∂expr/∂argᵢ of the top node of ``expr``, with ``ans`` standing for it.

    >>> from sympy import Symbol
    >>> from symnet.core.activations import sigmoid
    >>> z, h = Symbol("z"), Symbol("h")
    >>> partials(sigmoid(z), ans=h)
    (h*(1 - h),)
    """
    return lookup(type(expr), table)(expr if ans is None else ans, *expr.args)


def differentiate(expr, wrt: Symbol, ans=None, table: Mapping = DERIVATIVES, _memo=None):
    """d expr / d wrt by the chain rule over the table (no ``sympy.diff``).

    Args:
        expr: the expression; ``ans`` optionally names its value (used by the top node's rule).
        wrt: the symbol to differentiate by.
        table: the rule table (see ``rule_table``).

    Returns:
        The derivative, a SymPy expression.

    >>> from sympy import Symbol
    >>> w, u, b = Symbol("w"), Symbol("u"), Symbol("b")
    >>> differentiate(w * u + b, w)
    u
    """
    memo = {} if _memo is None else _memo
    if expr == wrt:
        return S.One
    if not expr.has(wrt):
        return S.Zero
    if expr in memo:
        return memo[expr]
    terms = [
        local * differentiate(arg, wrt, None, table, memo)
        for local, arg in zip(partials(expr, ans, table), expr.args)
        if arg.has(wrt)
    ]
    memo[expr] = result = Add(*terms)
    return result
