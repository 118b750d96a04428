"""An independent numeric reverse mode, and central finite differences, in NumPy.

The reverse mode walks a SymPy expression's DAG node by node (micrograd's idea, vectorised over a
batch): a forward pass stores every node's value, a backward pass pushes ḡ = ∂L/∂node from the
root to the leaves with this module's own NumPy derivative table. It shares no code with symnet's
symbolic reverse sweep or ``codegen``, so it can serve as an oracle for them. The activations'
rows come from their entries in the activation table (``symnet.numeric.functions``), and so does
the row of any SymPy function that knows its derivative (``erf``); the ``sympy.diff`` oracle of
``check_grads``, which differentiates the activations' closed forms, checks those entries.

Stable forms. A ``log`` node whose operand is one of the patterns the generated code computes in a
stable form is evaluated as that equal form too, so a saturated σ or an overflowing eᵘ cannot turn a
finite loss or gradient into ±inf or NaN:

    log σ(u) = −softplus(−u),  log(1 − σ(u)) = −softplus(u),  log(1 + eᵘ) = softplus(u)
    (``activations.stabilize``, the rewrite ``from_expr`` applies), and
    log Σᵢ e^{uᵢ} = m + log Σᵢ e^{uᵢ − m}, m = max uᵢ  (log-sum-exp, as the layer code's softmax
    cross-entropy, whose lowered scalar form is log Σₖ e^{zₖ} − yᵀz).

The pattern is recognised on the node's top levels, with the subtrees below them as placeholders
(``_stable_form``); the stable form is then evaluated and differentiated by this module's own tables
(softplus′ = σ from its entry, max by its extremum rule), so no derivative is written twice.

Finite differences: ∂F/∂θᵢ ≈ (F(θ + hεᵢ) − F(θ − hεᵢ)) / 2h with h = ε^(1/3) · max(1, |θᵢ|).
"""

from __future__ import annotations

import math
from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sympy import (
    Abs,
    Add,
    Basic,
    Dummy,
    Expr,
    Heaviside,
    Max,
    Min,
    Mul,
    Pow,
    S,
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
    tan,
)

from symnet.core.activations import PRIMITIVES, stabilize
from symnet.core.program import postorder
from symnet.numeric import functions

PATTERN_DEPTH = 3    # levels below a log its stable patterns reach: log(1 − σ(u)) is log(Add(1, Mul(−1, σ(u))))


def _product(values):
    out = values[0]
    for v in values[1:]:
        out = out * v
    return out


def _others(values, i):
    return _product(values[:i] + values[i + 1:]) if len(values) > 1 else 1.0


def _extremum_vjp(g, ans, *args):
    # the gradient goes to the argument(s) equal to the result, split evenly at a tie
    hits = [np.asarray(a == ans, dtype=float) for a in args]
    count = sum(hits)
    return [g * h / count for h in hits]


FORWARD: dict[type, Callable] = {
    Add: lambda *a: sum(a[1:], a[0]), Mul: lambda *a: _product(list(a)), Pow: np.power,
    exp: np.exp, log: np.log, sin: np.sin, cos: np.cos, tan: np.tan, sinh: np.sinh, cosh: np.cosh,
    asin: np.arcsin, acos: np.arccos, atan: np.arctan,
    **{cls: functions.forward(cls) for cls in PRIMITIVES},      # σ, tanh, relu, softplus… from their entries
    Abs: np.abs, sign: np.sign, Heaviside: lambda z, *h0: np.heaviside(z, 0.5),
    Max: lambda *a: _reduce(np.maximum, a), Min: lambda *a: _reduce(np.minimum, a),
}

# vector-Jacobian products: (upstream ḡ, this node's value, *argument values) -> ḡ for each argument
VJP: dict[type, Callable] = {
    Add: lambda g, ans, *a: [g] * len(a),
    Mul: lambda g, ans, *a: [g * _others(list(a), i) for i in range(len(a))],
    Pow: lambda g, ans, b, e: [g * e * np.power(b, e - 1), g * ans * np.log(np.where(b > 0, b, 1.0))],
    exp: lambda g, ans, z: [g * ans],
    log: lambda g, ans, z: [g / z],
    sin: lambda g, ans, z: [g * np.cos(z)],
    cos: lambda g, ans, z: [-g * np.sin(z)],
    tan: lambda g, ans, z: [g * (1 + ans * ans)],
    sinh: lambda g, ans, z: [g * np.cosh(z)],
    cosh: lambda g, ans, z: [g * np.sinh(z)],
    asin: lambda g, ans, z: [g / np.sqrt(1 - z * z)],
    acos: lambda g, ans, z: [-g / np.sqrt(1 - z * z)],
    atan: lambda g, ans, z: [g / (1 + z * z)],
    **{cls: functions.vjp(cls) for cls in PRIMITIVES},
    Abs: lambda g, ans, z: [g * np.sign(z)],
    sign: lambda g, ans, z: [g * 0.0],
    Heaviside: lambda g, ans, *a: [g * 0.0] * len(a),
    Max: _extremum_vjp, Min: _extremum_vjp,
}


def _reduce(op, args):
    out = args[0]
    for a in args[1:]:
        out = op(out, a)
    return out


def _table_entry(table, node, kind: str):
    """The ``kind`` ("forward" or "vjp") rule for ``node``; a class's ``_imp_`` serves as its forward rule."""
    for klass in type(node).__mro__:
        if klass in table:
            return table[klass]
    imp = getattr(type(node), "_imp_", None)
    if kind == "forward" and imp is not None:
        return imp
    found = (functions.forward if kind == "forward" else functions.vjp)(type(node))   # erf: SciPy and fdiff
    if found is not None:
        return found
    raise NotImplementedError(f"symnet.numeric.reverse has no NumPy {kind} rule for {type(node).__name__!r}; pass one per "
                              f"call ({kind}={{{type(node).__name__}: ...}})")


@dataclass(frozen=True)
class StableForm:
    """A node's equal, stable form: ``expr`` in the placeholders ``slots``, each standing for a subtree."""

    expr: Basic
    slots: tuple[Dummy, ...]
    subtrees: tuple[Basic, ...]


@lru_cache(maxsize=4096)
def _stable_form(node: Basic) -> StableForm | None:
    """The stable form of a ``log`` node of a pattern above (None for any other node).

    >>> from sympy import Symbol
    >>> from symnet.core.activations import sigmoid
    >>> _stable_form(log(sigmoid(2 * Symbol("u")))).expr
    -softplus(-2*_0)
    """
    if not isinstance(node, log):
        return None
    cut: dict = {}
    try:
        operand = _skeleton(node.args[0], PATTERN_DEPTH, cut)
    except TypeError:        # a condition (Piecewise) among the top levels: no pattern, evaluated as written
        return None
    form = stabilize(log(operand))
    if isinstance(form, log):
        form = _log_sum_exp(operand)
    if form is None:
        return None
    return StableForm(form, tuple(cut.values()), tuple(cut))


def _skeleton(expr: Basic, depth: int, cut: dict) -> Basic:
    """``expr``'s top ``depth`` levels, every subtree below them (and every symbol) a placeholder."""
    if not isinstance(expr, Expr):
        raise TypeError(f"{type(expr).__name__} is not a value")
    if expr.is_number:
        return expr
    if depth == 0 or expr.is_Atom:
        return cut.setdefault(expr, Dummy(f"{len(cut)}"))
    return expr.func(*(_skeleton(a, depth - 1, cut) for a in expr.args))


def _log_sum_exp(operand: Basic) -> Basic | None:
    """m + log Σᵢ e^{uᵢ − m}, m = max uᵢ, for an operand Σᵢ e^{uᵢ} (1 = e⁰ counts); None otherwise."""
    terms = Add.make_args(operand)
    if len(terms) < 2 or not all(isinstance(t, exp) or t == 1 for t in terms):
        return None
    exponents = [t.args[0] if isinstance(t, exp) else S.Zero for t in terms]
    top = Max(*exponents)
    return top + log(Add(*(exp(u - top) for u in exponents)))


def _form(node: Basic, stable: bool) -> StableForm | None:
    return _stable_form(node) if stable else None   # a stable form itself is walked as written


def _children(node: Basic, stable: bool) -> tuple:
    """The nodes ``node``'s value is computed from: its arguments, or the subtrees of its stable form."""
    form = _form(node, stable)
    return node.args if form is None else form.subtrees


def _postorder(expr: Basic, stable: bool) -> list:
    """Every node once, children (``_children``) before parents; a pattern's inner nodes are not visited."""
    return postorder(expr, lambda node: _children(node, stable))


def evaluate(expr: Basic, env: Mapping, forward: Mapping | None = None, *,
             stable: bool = True) -> tuple[np.ndarray, dict]:
    """Forward pass: the value of ``expr`` and of every node, with leaves from ``env`` (symbol → array).

    ``forward`` adds {class: NumPy function} for this call; a class's ``_imp_`` serves too. A log of a
    pattern above is evaluated in its stable form (its inner nodes get no value of their own), unless
    ``stable=False``, which evaluates every node as written.
    """
    table = ChainMap(dict(forward or {}), FORWARD)
    values: dict = {}
    for node in _postorder(expr, stable):
        if node.is_Symbol:
            if node not in env:
                raise ValueError(f"no value given for {node}")
            values[node] = env[node]
        elif node.is_Number or node.is_NumberSymbol:
            values[node] = float(node)
        elif _form(node, stable) is not None:
            form = _stable_form(node)
            slots = dict(zip(form.slots, (values[s] for s in form.subtrees)))
            values[node] = evaluate(form.expr, slots, forward, stable=False)[0]
        else:
            values[node] = _table_entry(table, node, "forward")(*(values[a] for a in node.args))
    return values[expr], values


def backprop(expr: Basic, env: Mapping, wrt, forward: Mapping | None = None,
             vjp: Mapping | None = None, *, stable: bool = True) -> tuple[np.ndarray, list]:
    """Numeric reverse mode: the value of ``expr`` and ∂expr/∂s for each s in ``wrt`` (per sample).

    ``forward`` and ``vjp`` add rules for functions this module does not know, for this call only.
    Logs of the patterns above go through their stable forms unless ``stable=False``.

    >>> from sympy import Symbol
    >>> from symnet.core.activations import sigmoid
    >>> u = Symbol("u")
    >>> backprop(-log(sigmoid(u)), {u: np.array([-1000.0, 0.0])}, [u])     # σ(−1000) underflows to 0
    (array([1.00000000e+03, 6.93147181e-01]), [array([-1. , -0.5])])
    """
    vjps = ChainMap(dict(vjp or {}), VJP)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        value, values = evaluate(expr, env, forward, stable=stable)
        adjoint = {expr: np.ones_like(np.asarray(value, dtype=float))}
        for node in reversed(_postorder(expr, stable)):
            if node.is_Atom or node not in adjoint:
                continue
            for arg, contribution in _vjp(node, adjoint[node], values, vjps, (forward, vjp), stable):
                if not (arg.is_Number or arg.is_NumberSymbol):
                    adjoint[arg] = adjoint[arg] + contribution if arg in adjoint else contribution
    zero = np.zeros_like(np.asarray(value, dtype=float))
    return value, [adjoint.get(s, zero) + zero for s in wrt]


def _vjp(node, g, values, vjps, rules, stable) -> list:
    """[(child, ḡ · ∂node/∂child)] for the node's children: table rows, or its stable form's own backprop."""
    form = _form(node, stable)
    if form is None:
        rule = _table_entry(vjps, node, "vjp")
        return list(zip(node.args, rule(g, values[node], *(values[a] for a in node.args))))
    env = dict(zip(form.slots, (values[s] for s in form.subtrees)))
    _, local = backprop(form.expr, env, form.slots, *rules, stable=False)
    return [(s, g * d) for s, d in zip(form.subtrees, local)]


def step_size(theta_i: float) -> float:
    """The central-difference step h = ε^(1/3) · max(1, |θᵢ|), rounded so θ ± h is exact."""
    h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(theta_i))
    return (theta_i + h) - theta_i


def finite_differences(fun: Callable[[np.ndarray], float], theta) -> np.ndarray:
    """Central differences of a scalar function of a parameter vector.

    >>> finite_differences(lambda t: float(t[0] ** 2 + 3 * t[1]), [2.0, 0.0]).round(6)
    array([4., 3.])
    """
    theta = np.asarray(theta, dtype=float)
    out = np.empty_like(theta)
    for i, t in enumerate(theta):
        h = step_size(float(t))
        up, down = theta.copy(), theta.copy()
        up[i], down[i] = t + h, t - h
        out[i] = (fun(up) - fun(down)) / (2 * h)
    return out


def is_close(a: float, b: float, scale: float, rtol: float, atol: float) -> bool:
    """|a − b| ≤ atol·max(1, scale) + rtol·max(|a|, |b|)."""
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= atol * max(1.0, scale) + rtol * max(abs(a), abs(b))
