"""The independent gradients ``check_grads`` compares with symnet's compiled backprop (``gradcheck``).

    sympy     ``sympy.diff`` of the closed form, activations rewritten into exp/log/Max (small programs),
              in float64 and, where that overflows (e^3500 over e^3500), in SymPy's arbitrary precision
    lowered   a program of matrix steps written entry by entry (``core.lowering.lower``) and run through the
              scalar engine (small networks)
    numeric   the numeric reverse mode of ``symnet.numeric.reverse`` on the closed form
    finite    central finite differences (on sampled entries of a large network)

Each column is a vector of mean derivatives, or None with the reason recorded (``oracle``) when it cannot
be computed here: too large, a function with no rule or no NumPy form.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy

from symnet.core.activations import rewrite_activations
from symnet.core.backprop import grad
from symnet.core.layers import lower
from symnet.core.losses import Loss
from symnet.numeric.codegen import to_function
from symnet.numeric.generation import generate
from symnet.numeric.reverse import backprop, evaluate, finite_differences


def scalar_columns(skipped, target: Loss, compiled, gradient, point, numpy, vjp, max_ops) -> list:
    """Backprop, ``sympy.diff``, the numeric reverse mode and finite differences on the closed form."""
    theta, X, y = point
    closed = target.program.closed_form()[0]
    forward = _forward_rules(closed, numpy)
    env, params = _environment(target, theta, X, y), compiled.params
    return [gradient,
            oracle(skipped, "sympy", lambda: sympy_column(closed, target, params, X, y, theta, numpy, max_ops)),
            oracle(skipped, "numeric", lambda: _numeric(closed, env, params, forward, vjp)),
            _finite(closed, env, params, theta, forward)]


def lowered_columns(skipped, target, compiled, point, numpy, vjp, max_params) -> list:
    """(scalar-engine gradient, numeric reverse mode) of the lowered program, batch means; None when too large."""
    n_params = target.network.n_params
    if n_params > max_params:
        reason = f"{n_params} parameters (> {max_params}): one scalar step per entry would be slow"
        skipped += [("lowered", reason), ("numeric", reason)]
        return [None, None]
    theta, X, y = point
    Y, low = compiled.targets(y, X.shape[0]), lower(target)
    n, data = X.shape[0], list(X.T) + list(Y.T)

    def scalar():
        program = grad(low).program
        with np.errstate(over="ignore", under="ignore"):
            values = to_function(program, program.inputs + program.params, numpy=numpy)(*data, *theta)
        return np.array([np.mean(np.broadcast_to(v, (n,))) for v in values[1:]])

    env = dict(zip(low.inputs, data))
    env.update({p: float(t) for p, t in zip(low.params, theta)})
    closed = low.closed_form()[0]
    return [oracle(skipped, "lowered", scalar),
            oracle(skipped, "numeric", lambda: _numeric(closed, env, low.params, _forward_rules(closed, numpy), vjp))]


def sampled_differences(mean_loss, theta, picked) -> np.ndarray:
    """Central differences in the ``picked`` coordinates only."""
    theta = np.asarray(theta, dtype=float)
    work = theta.copy()   # one copy, each coordinate moved and put back: no P-long copy per evaluation

    def along(i):
        def f(t):
            work[i] = t[0]
            return mean_loss(work)
        try:
            return finite_differences(f, theta[i:i + 1])[0]
        finally:
            work[i] = theta[i]

    return np.array([along(i) for i in picked])


def oracle(skipped: list, method: str, compute):
    """One oracle's column, or None with the reason recorded when it cannot be computed here."""
    try:
        return compute()
    except Skip as reason:
        skipped.append((method, str(reason)))
    except (NotImplementedError, NameError) as err:   # a function with no rule or no NumPy form for it
        skipped.append((method, f"{type(err).__name__}: {str(err).splitlines()[0]}"))
    return None


class Skip(Exception):
    """An oracle that is deliberately not run (its reason is the message)."""


def _forward_rules(closed, numpy: Mapping | None) -> dict:
    """{class: NumPy function} for the user's functions named in ``numpy``."""
    return {type(node): numpy[type(node).__name__] for node in closed.atoms(sympy.Function)
            if numpy and type(node).__name__ in numpy}


def _environment(target: Loss, theta, X, y) -> dict:
    net = target.network
    env = {s: X[:, i] for i, s in enumerate(net.inputs)}
    env.update({s: float(v) for s, v in zip(net.params, theta)})
    env[target.target] = y
    return env


def _numeric(closed, env, params, forward, vjp) -> np.ndarray:
    _, grads = backprop(closed, env, params, forward, vjp)
    return np.array([np.mean(g) for g in grads])


def _finite(closed, env, params, theta, forward) -> np.ndarray:
    def mean_loss(t):
        local = dict(env)
        local.update({p: float(v) for p, v in zip(params, t)})
        with np.errstate(over="ignore", under="ignore"):
            value, _ = evaluate(closed, local, forward)
        return float(np.mean(value))

    return finite_differences(mean_loss, theta)


def sympy_column(closed, target: Loss, params, X, y, theta, numpy, max_ops, by=None) -> np.ndarray:
    size = target.program.tree_size(target.program.outputs[0])
    if size > max_ops:
        raise Skip(f"closed form has ~{size} operations (> {max_ops}); sympy.diff would be slow")
    return _sympyoracle(closed, target, params, X, y, theta, numpy, by)


def _sympyoracle(closed, target: Loss, params, X, y, theta, numpy=None, by=None) -> np.ndarray:
    """Mean derivatives of ``closed`` by each of ``params`` (or by each tuple of ``by``: (a, b) is ∂²/∂a∂b)."""
    # real symbols, so that sympy differentiates |u| as sign(u) rather than through re() and im()
    args = list(target.network.inputs) + [target.target] + list(params)
    real = {s: sympy.Symbol(s.name, real=True) for s in args}
    expr = _oracle_form(closed).xreplace(real)
    # DiracDelta (from a Heaviside the user wrote) is 0 away from the kinks where the check is valid
    by = [(p,) for p in params] if by is None else by
    derivatives = [sympy.diff(expr, *(real[p] for p in ps)).replace(sympy.DiracDelta, lambda *a: sympy.S.Zero)
                   for ps in by]
    args = [real[s] for s in args]
    fn = generate(args, derivatives, name="sympy_oracle", numpy=numpy).function  # names printed safely
    columns = [np.full(X.shape[0], t) for t in theta]
    with np.errstate(all="ignore"):
        values = fn(*X.T, y, *columns)
    rows = [np.broadcast_to(_real(v), (X.shape[0],)).copy() for v in values]
    _refine(rows, derivatives, args, np.column_stack([X, y, np.broadcast_to(theta, (len(y), len(theta)))]))
    return np.array([np.mean(r) for r in rows])


def _refine(rows, derivatives, args, points, budget: int = 256) -> None:
    """Re-evaluate in SymPy's arbitrary precision the entries float64 could not (e^3500 in a closed form's
    derivative: inf/inf), at most ``budget`` of them; one that is still not a finite real stays NaN."""
    bad = [(i, j) for i, r in enumerate(rows) for j in np.flatnonzero(~np.isfinite(r))][:budget]
    for i, j in bad:
        value = derivatives[i].evalf(30, subs=dict(zip(args, map(float, points[j]))))
        if value.is_number and value.is_real and value.is_finite:
            rows[i][j] = float(value)


def _oracle_form(expr):
    """Activations in exp/log, and max/min as (a + b ± |a − b|)/2, which SymPy differentiates and NumPy prints."""
    def pairwise(sign):
        def fold(*args):
            out = args[0]
            for a in args[1:]:
                out = (out + a + sign * sympy.Abs(out - a)) / 2
            return out
        return fold

    expr = rewrite_activations(expr)
    return expr.replace(sympy.Max, pairwise(1)).replace(sympy.Min, pairwise(-1))


def _real(value) -> np.ndarray:
    """A real array; a truly complex oracle value becomes NaN (a visible disagreement), not its real part."""
    value = np.asarray(value)
    if np.iscomplexobj(value):
        tiny = np.abs(value.imag) <= 1e-12 * np.abs(value.real)
        return np.where(tiny, value.real, np.nan)
    return value.astype(float)
