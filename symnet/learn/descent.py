"""Gradient descent in one dimension, the article's warm-up: x ← x − η·dh/dx.

dh/dx comes from symnet's own rule table (``symnet.core.rules.differentiate``, not ``sympy.diff``) and is
compiled to NumPy. The learning rate η decides the story: too small crawls, a good one settles at a
minimum, too large overshoots further each step. A path is flagged ``diverged`` (never raised) when
x or h(x) stops being finite or leaves ±``LIMIT`` (``blew_up_at`` is that step, counted from 1), or
when its steps grow and it ends above where it started. A start x₀ where h or dh/dx is undefined
(log x at x₀ = −1) is a ``ValueError``: there is no path to draw.

Why η decides: near a minimum x*, h′(x) ≈ h″(x*)·(x − x*), so one step multiplies the error x − x* by
1 − η·h″(x*). Descent settles when |1 − η·h″(x*)| < 1 — monotonically for η·h″ ≤ 1, oscillating
around x* for η·h″ in (1, 2) — and diverges when η > 2/h″(x*), the stability limit (``curvature``).

Newton's method (``descend_newton``) takes the step that curvature asks for, x ← x − h′(x)/h″(x): on a
quadratic it lands on x* in one step, whatever x₀. Where h″(x) ≤ 0 or the step would raise h, it is
damped as in ``optim.damped_newton`` (x ← x − h′/(h″ + λ), λ grown until h does not rise).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sympy import Basic, Poly, Symbol
from sympy.polys.polyerrors import PolynomialError

from symnet.checks import finite, integer, positive
from symnet.core.rules import check_supported, differentiate
from symnet.learn.optim import damped_newton
from symnet.numeric.codegen import expression_function

LIMIT = 1e6
SETTLED = 1e-3      # a path has come to rest where |h′| has fallen below this fraction of max(1, |h′(x₀)|)
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
    method: str = "gradient"     # or "newton": x ← x − h′/h″ (``learning_rate`` is then 1)

    @property
    def steps(self) -> int:
        """Updates made (``len(xs) - 1``)."""
        return len(self.xs) - 1

    @property
    def label(self) -> str:
        """How the path was made, for tables and legends: ``η=0.1`` or ``Newton``."""
        return "Newton" if self.method == "newton" else f"η={self.learning_rate:g}"


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


def descend_newton(h, x0: float, steps: int = 20, symbol: Symbol | str | None = None) -> DescentPath:
    """Minimise h(x) from x₀ by ``steps`` Newton steps x ← x − h′(x)/h″(x), damped where h″ ≤ 0 or h would rise.

    Args and Raises: as for ``descend`` (no learning rate: the curvature scales the step).

    Returns:
        A ``DescentPath`` with ``method == "newton"``.

    >>> descend_newton(Symbol("x")**2 - 2*Symbol("x"), 3, steps=2).xs    # a quadratic: x* = 1 in one step
    (3.0, 1.0, 1.0)
    """
    h, x = _resolve(h, symbol)
    x0, steps = finite(x0, "x0"), integer(steps, "steps", at_least=1, at_most=MAX_STEPS)
    dh = differentiate(h, x)
    fh, fdh, fd2h = (expression_function(e, [x]) for e in (h, dh, differentiate(dh, x)))
    _check_start(h, x, dh, x0, _call(fh, x0), _call(fdh, x0))
    xs, hs, damping = [x0], [_call(fh, x0)], 0.0
    for k in range(1, steps + 1):
        here = np.array([xs[-1]])
        with np.errstate(all="ignore"):
            moved, damping = damped_newton(here, np.array([_call(fdh, xs[-1])]), np.array([[_call(fd2h, xs[-1])]]),
                                           hs[-1], lambda t: _call(fh, t[0]), damping)
        x_new = float(moved[0])
        h_new = _call(fh, x_new) if math.isfinite(x_new) else math.nan
        if not (math.isfinite(x_new) and math.isfinite(h_new) and abs(x_new) <= LIMIT and abs(h_new) <= LIMIT**2):
            return DescentPath(h, x, dh, 1.0, tuple(xs), tuple(hs), True, k, "newton")
        xs.append(x_new)
        hs.append(h_new)
    return DescentPath(h, x, dh, 1.0, tuple(xs), tuple(hs), False, None, "newton")


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
    head = "step" + "".join(f" {f'x ({p.label})':>12} {'h(x)':>11}" for p in paths)
    rows = [head]
    for k in range(max(len(p.xs) for p in paths)):
        cells = [f" {p.xs[k]:>12.6g} {p.hs[k]:>11.5g}" if k < len(p.xs) else " " * 25 for p in paths]
        rows.append(f"{k:4d}" + "".join(cells).rstrip())
    return "\n".join(rows + [_note(p) for p in paths if p.diverged])


def _note(path: DescentPath) -> str:
    if path.blew_up_at is None:
        return f"{path.label} diverged after {path.steps} steps (its steps grew and h ended above h(x₀))"
    return (f"{path.label} diverged at step {path.blew_up_at}: x or h(x) stopped being finite "
            f"or left ±{LIMIT:g}")


@dataclass(frozen=True)
class Curvature:
    """h″ at a minimum x* of h, and the stability limit 2/h″(x*) it puts on the learning rate.

    ``found_by`` says where x* came from: ``"solve"`` (a real root of the polynomial h′ where h″ > 0) or
    ``"last_iterate"`` (no closed form: the last point of the path with the smallest final |h′|, at
    ``learning_rate``).
    """

    second_derivative: Basic
    minimum: float
    value: float              # h″(x*)
    found_by: str
    learning_rate: float | None = None

    @property
    def limit(self) -> float:
        """2/h″(x*): the largest learning rate that does not diverge (∞ where h″(x*) ≤ 0)."""
        return 2 / self.value if self.value > 0 else math.inf

    def verdict(self, learning_rate: float) -> tuple[str, str]:
        """(``stable`` | ``oscillating`` | ``diverging`` | ``flat``, the reason) for one η."""
        c, eta = self.value, learning_rate
        factor = 1 - eta * c
        if c <= 0:
            return "flat", f"h''(x*) = {c:.6g} ≤ 0: no curvature to bound η (the linear analysis says nothing)"
        if abs(factor) > 1:
            return "diverging", (f"|1 - η·h''(x*)| = {abs(factor):.6g} > 1: the error grows by this factor each "
                                 f"step (η > 2/h''(x*) = {self.limit:.6g})")
        if factor == -1:
            return "oscillating", "1 - η·h''(x*) = -1: x jumps between two points forever (η = 2/h''(x*) exactly)"
        if factor < 0:
            return "oscillating", (f"1 - η·h''(x*) = {factor:.6g} is in (-1, 0): x jumps across x* each step "
                                   f"and still converges")
        if factor == 0:
            return "stable", "1 - η·h''(x*) = 0: one step lands on x* (η = 1/h''(x*), the fastest rate)"
        return "stable", (f"|1 - η·h''(x*)| = {factor:.6g} < 1: the error shrinks by this factor each step, "
                          f"without crossing x*")


def curvature(paths: Sequence[DescentPath]) -> Curvature | None:
    """x*, h″(x*) and the stability limit for paths on one h (``descend_many``), or None with no minimum.

    x* is a real root of h′ with h″ > 0 when h is a polynomial (the one nearest the end of the best path);
    otherwise the last iterate of the path with the smallest final |h′| (the most stable η).

    >>> c = curvature(descend_many(Symbol("x")**2 - 2*Symbol("x"), 3.0, [0.1, 1.1]))
    >>> c.minimum, c.value, c.limit, c.verdict(1.1)[0]
    (1.0, 2.0, 1.0, 'diverging')
    """
    first = paths[0]
    h, x, dh = first.function, first.symbol, first.derivative
    d2h = differentiate(dh, x)
    fd2h, fdh = expression_function(d2h, [x]), expression_function(dh, [x])
    best = min((p for p in paths if not p.diverged), key=lambda p: abs(_call(fdh, p.xs[-1])), default=None)
    near = best.xs[-1] if best is not None else first.xs[0]
    if h.is_polynomial(x):
        roots = [r for r in _real_roots(dh, x) if _call(fd2h, r) > 0]
        x_star = min(roots, key=lambda r: abs(r - near), default=None)
        return None if x_star is None else Curvature(d2h, x_star, _call(fd2h, x_star), "solve")
    settled = best is not None and abs(_call(fdh, near)) <= SETTLED * max(1.0, abs(_call(fdh, first.xs[0])))
    if not settled or not _call(fd2h, near) > 0:
        return None   # no closed form, and no path came to rest at a minimum
    return Curvature(d2h, near, _call(fd2h, near), "last_iterate", best.learning_rate)


def _real_roots(dh, x) -> list[float]:
    """The real roots of the polynomial h′ (numerically, ``Poly.nroots``); none when they cannot be found."""
    try:
        roots = Poly(dh, x).nroots()
    except (PolynomialError, ArithmeticError, ValueError):   # no convergence, or not numeric
        return []
    return [float(r.as_real_imag()[0]) for r in roots if abs(r.as_real_imag()[1]) <= 1e-10]


def format_curvature(paths: Sequence[DescentPath], found: Curvature | None) -> str:
    """h″, x*, the stability limit and one verdict line per η (for ``symnet descend``)."""
    if found is None:
        return ("no minimum found (no real root of h' with h'' > 0, or no path came to rest at one): "
                "no stability limit to show")
    how = ("solved h' = 0" if found.found_by == "solve" else
           f"no closed form: the last iterate of η={found.learning_rate:g}, the path that settled best")
    lines = [f"minimum x* = {found.minimum:.6g} ({how}); h''(x*) = {found.value:.6g}; "
             f"stability limit η < 2/h''(x*) = {found.limit:.6g}"]
    for p in paths:
        verdict, reason = found.verdict(p.learning_rate)
        lines.append(f"η={p.learning_rate:g}: {verdict}: {reason}")
    return "\n".join(lines)


def format_newton(path: DescentPath, found: Curvature | None) -> str:
    """One line for ``symnet descend --newton``: where Newton's path ended, and after how many steps it
    came within 1e-8 of the minimum x* (when one was found)."""
    line = f"Newton x ← x − h'(x)/h''(x): x = {path.xs[-1]:.6g} after {path.steps} steps"
    if path.diverged:
        return line + f" (diverged at step {path.blew_up_at})"
    if found is None:
        return line
    near = next((k for k, v in enumerate(path.xs) if abs(v - found.minimum) <= 1e-8 * max(1.0, abs(found.minimum))), None)
    return line + ("; it never came within 1e-8 of x*" if near is None else f"; within 1e-8 of x* after {near} step(s)")
