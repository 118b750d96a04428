"""Gradient descent in one dimension, the article's warm-up: x ← x − η·dh/dx.

dh/dx comes from symnet's own rule table (``symnet.core.rules.differentiate``, not ``sympy.diff``) and is
compiled to NumPy. The learning rate η decides the story: too small crawls, a good one settles at a
minimum, too large overshoots further each step. A path is flagged ``diverged`` (never raised) when
x or h(x) stops being finite or leaves ±``LIMIT`` (``blew_up_at`` is that step, counted from 1), or
when its steps grow and it ends above where it started. A start x₀ where h or dh/dx is undefined
(log x at x₀ = −1) is a ``ValueError``: there is no path to draw.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sympy import Basic, Symbol

from symnet.checks import finite, integer, positive
from symnet.core.rules import check_supported, differentiate
from symnet.numeric.codegen import expression_function

LIMIT = 1e6
MAX_STEPS = 100_000


@dataclass(frozen=True)
class DescentPath:
    """The points x₀, x₁, … visited by descent on h, the values h(xₖ), and dh/dx as a formula.

    ``xs`` stops early when the path blew up at step ``blew_up_at`` (1-based; then ``diverged``).
    """

    function: Basic
    symbol: Symbol
    derivative: Basic
    learning_rate: float
    xs: tuple[float, ...]
    hs: tuple[float, ...]
    diverged: bool
    blew_up_at: int | None = None

    @property
    def steps(self) -> int:
        """Updates made (``len(xs) - 1``)."""
        return len(self.xs) - 1


def descend(h, x0: float, learning_rate: float, steps: int = 20, symbol: Symbol | str | None = None) -> DescentPath:
    """Minimise h(x) from x₀ by ``steps`` updates x ← x − η·h′(x).

    Args:
        h: a SymPy expression of one variable, or a formula string (read by ``symnet.io.parsing``).
        x0: the starting point.
        learning_rate: η > 0.
        steps: number of updates (1 to 100000).
        symbol: the variable, when h has more than one symbol (the others must not occur).

    Returns:
        A ``DescentPath``.

    Raises:
        ValueError: h or dh/dx is not finite at x₀ (e.g. log x at x₀ ≤ 0).

    >>> x = Symbol("x")
    >>> path = descend(x**2 - 2*x, 3, 0.25, steps=3)
    >>> path.xs, path.derivative
    ((3.0, 2.0, 1.5, 1.25), 2*x - 2)
    """
    h, x = _resolve(h, symbol)
    x0, eta = finite(x0, "x0"), positive(learning_rate, "learning_rate")
    steps = integer(steps, "steps", at_least=1, at_most=MAX_STEPS)
    return _walk(h, x, differentiate(h, x), x0, eta, steps)


def descend_many(h, x0: float, learning_rates: Sequence[float], steps: int = 20,
                 symbol: Symbol | str | None = None) -> tuple[DescentPath, ...]:
    """``descend`` from the same x₀ with each η in ``learning_rates`` (to compare them side by side).

    >>> [p.diverged for p in descend_many(Symbol("x")**2, 1.0, [0.1, 1.1])]
    [False, True]
    """
    iterable = hasattr(learning_rates, "__iter__") and not isinstance(learning_rates, (str, bytes))
    rates = tuple(learning_rates) if iterable else ()
    if not rates:
        raise ValueError(f"learning_rates must be a non-empty list of numbers; got {learning_rates!r}")
    h, x = _resolve(h, symbol)
    return tuple(descend(h, x0, eta, steps, x) for eta in rates)


def _walk(h, x, dh, x0, eta, steps) -> DescentPath:
    fh, fdh = expression_function(h, [x]), expression_function(dh, [x])
    _check_start(h, x, dh, x0, _call(fh, x0), _call(fdh, x0))
    xs, hs = [x0], [_call(fh, x0)]
    for k in range(1, steps + 1):
        x_new = xs[-1] - eta * _call(fdh, xs[-1])
        h_new = _call(fh, x_new) if math.isfinite(x_new) else math.nan
        if math.isfinite(x_new) and math.isfinite(h_new):
            xs.append(x_new)
            hs.append(h_new)
            if abs(x_new) <= LIMIT and abs(h_new) <= LIMIT**2:
                continue
        return DescentPath(h, x, dh, eta, tuple(xs), tuple(hs), True, k)
    return DescentPath(h, x, dh, eta, tuple(xs), tuple(hs), _growing(xs, hs))


def _check_start(h, x, dh, x0, h0, slope0) -> None:
    """A start where h or dh/dx is undefined has no descent path: say which, and where."""
    from symnet.render.printing import pretty

    for what, formula, value in (("h", h, h0), (f"dh/d{pretty(x)}", dh, slope0)):
        if not math.isfinite(value):
            raise ValueError(f"{what} = {pretty(formula)} is undefined (not a finite real number) at "
                             f"x₀ = {x0:g}; start where h and its derivative are defined")


def _growing(xs, hs) -> bool:
    """Steps that lengthen while h ends above its start: the overshooting, diverging case."""
    if len(xs) < 3 or not math.isfinite(hs[0]):
        return False
    first, last = abs(xs[1] - xs[0]), abs(xs[-1] - xs[-2])
    return last > first and hs[-1] > hs[0]


def _call(fn, value: float) -> float:
    with np.errstate(all="ignore"):
        try:
            out = complex(fn(np.float64(value)))
        except (OverflowError, ZeroDivisionError, ValueError):
            return math.nan
    return out.real if out.imag == 0 else math.nan


def _resolve(h, symbol):
    if isinstance(h, str):
        from symnet.io.parsing import parse_expr

        h = parse_expr(h)
    if not isinstance(h, Basic):
        raise TypeError(f"h must be a SymPy expression or a formula string like 'x**2 - 2*x'; got {type(h).__name__}")
    free = sorted(h.free_symbols, key=lambda s: s.name)
    if symbol is not None:
        x = Symbol(symbol) if isinstance(symbol, str) else symbol
        others = [s.name for s in free if s != x]
        if others:
            raise ValueError(f"h must be a function of {x} alone; it also uses {', '.join(others)}")
    elif len(free) == 1:
        x = free[0]
    else:
        raise ValueError(f"h must be a function of exactly one variable; {h} has "
                         f"{', '.join(s.name for s in free) if free else 'none'}")
    check_supported(h)
    return h, x


def format_paths(paths: Sequence[DescentPath]) -> str:
    """The paths as a text table: one row per step, columns x and h(x) for each η, then a note per
    diverging path: "diverged at step k" where it blew up, "diverged after n steps" where its steps grew.

    >>> print(format_paths([descend(Symbol("x")**2, 1.0, 0.25, steps=1)]))
    step   x (η=0.25)        h(x)
       0            1           1
       1          0.5        0.25
    """
    head = "step" + "".join(f" {f'x (η={p.learning_rate:g})':>12} {'h(x)':>11}" for p in paths)
    rows = [head]
    for k in range(max(len(p.xs) for p in paths)):
        cells = [f" {p.xs[k]:>12.6g} {p.hs[k]:>11.5g}" if k < len(p.xs) else " " * 25 for p in paths]
        rows.append(f"{k:4d}" + "".join(cells).rstrip())
    return "\n".join(rows + [_note(p) for p in paths if p.diverged])


def _note(path: DescentPath) -> str:
    if path.blew_up_at is None:
        return f"η={path.learning_rate:g} diverged after {path.steps} steps (its steps grew and h ended above h(x₀))"
    return (f"η={path.learning_rate:g} diverged at step {path.blew_up_at}: x or h(x) stopped being finite "
            f"or left ±{LIMIT:g}")
