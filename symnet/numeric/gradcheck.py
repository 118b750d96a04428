"""``check_grads``: four independent gradients of a loss, compared with one tolerance rule.

(a) symnet's symbolic backprop, compiled to NumPy; (b) ``sympy.diff`` of the closed form with the
activations rewritten into exp/log/Max (small networks only), evaluated in float64 and, where that
overflows (e^3500 over e^3500), in SymPy's arbitrary precision; (c) the numeric reverse mode of
``symnet.numeric.reverse``; (d) central finite differences. Two values a, b agree when

    |a − b| ≤ atol + rtol · max(|a|, |b|),   rtol = 1e-6,   atol = 1e-8 · max(1, |L|).

(A pure relative error fails falsely where gradients are tiny, e.g. ~1e-298 in saturated sigmoids.)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy

from symnet.core.activations import rewrite_activations
from symnet.core.backprop import grad
from symnet.core.layers import entries, entry_names, flat, flat_params, lower
from symnet.core.losses import Loss
from symnet.core.names import resolve_point, resolve_wrt
from symnet.core.network import Network
from symnet.numeric.codegen import CompiledLoss, as_target, to_function, value_and_grad
from symnet.numeric.generation import generate
from symnet.numeric.layout import has_matrix_steps
from symnet.numeric.gradreport import (  # noqa: F401  (re-exported: the report types live in gradreport)
    ATOL,
    METHODS,
    RTOL,
    SECOND_ORDER_METHODS,
    GradCheckReport,
    GradCheckRow,
    agreement_row,
)
from symnet.numeric.hessian import compile_hessian, gradient_differences, hvp
from symnet.numeric.reverse import backprop, evaluate, finite_differences

SYMPY_MAX_OPS = 600          # closed forms larger than this skip the sympy.diff oracle
LAYER_METHODS = ("matrix", "lowered", "numeric", "finite_diff")   # a layer network's columns
LOWER_MAX_PARAMS = 120       # more scalar parameters than this: skip the lowered program and the numeric reverse mode
SAMPLE = 24                  # entries checked by finite differences on a larger layer network


def random_point(target: Loss, seed: int = 0, batch: int = 8, scale: float = 1.0):
    """A reproducible (theta, X, y): normal parameters and inputs, targets in [0, 1]."""
    rng = np.random.default_rng(seed)
    net = target.network
    return (rng.normal(scale=scale, size=len(net.params)), rng.normal(size=(batch, len(net.inputs))),
            rng.uniform(size=batch))


def check_grads(target: Loss | Network, theta=None, X=None, y=None, *, seed: int = 0, rules: Mapping | None = None,
                compiled: CompiledLoss | None = None, sympy_max_ops: int = SYMPY_MAX_OPS,
                numpy: Mapping | None = None, vjp: Mapping | None = None, wrt=None,
                at: Mapping | None = None, sample: int = SAMPLE,
                lower_max_params: int = LOWER_MAX_PARAMS, order: int = 1) -> GradCheckReport:
    """Compare four independent gradients of the mean loss at one point, for any network (``order=2``:
    its Hessian, scalar networks).

    The columns are chosen by size. A scalar network: (a) symnet's backprop compiled, (b) ``sympy.diff``
    of the closed form (up to ``sympy_max_ops`` operations), (c) the numeric reverse mode, (d) central
    finite differences. A layer network: (a) the matrix gradient (BP1–BP4) compiled, (b) the lowered
    scalar program's backprop and (c) the numeric reverse mode on its closed form (up to
    ``lower_max_params`` parameters), (d) finite differences, on every entry of a small network and on
    ``sample`` entries (each parameter array represented) of a larger one.

    Args:
        target: a ``Loss``; a ``Network`` stands for its squared-error loss (y − ŷ)², a layer network
            for its default loss, as in every verb.
        theta, X, y: the point and batch; random (from ``seed``) where not given.
        rules: extra derivative rules for the symbolic backprop (matrix steps read them too).
        compiled: an already compiled loss to check (for example one built with a wrong rule).
        sympy_max_ops: skip the ``sympy.diff`` oracle above this closed-form size (a scalar program; a
            layer network's second column is its lowered program, bounded by ``lower_max_params``).
        numpy: NumPy implementations ``{name: callable}`` of functions symnet does not know.
        vjp: the numeric reverse mode's rules for them, ``{class: (g, ans, *args) -> [ḡ per arg]}``;
            without one, that column is skipped with the reason.
        wrt: report only these parameters (names as for ``grad``: ``"b5"``, ``["theta1"]``, ``"W1"``…).
        at: instead of theta, X and y, one point {name: number} giving every input, parameter and
            the target (checked by ``symnet.core.names.resolve_point``, as in ``derive``); for a layer
            network the entries by name (``x_1``, ``W1_2_1``, ``b1_2``, ``y_1``…).
        sample, lower_max_params: a layer network's sampled entries, and its size limit for (b) and (c).
        order: 1 compares gradients; 2 compares every entry ∂²L/∂θᵢ∂θⱼ (i ≤ j) of the mean Hessian four
            ways: the compiled Hessian (tangent sweeps over the gradient program), the Hessian-vector
            product with eⱼ, ``sympy.diff`` twice (small networks) and central differences of the
            compiled gradient (``compiled``, when given).

    Returns:
        A ``GradCheckReport``; ``report.ok`` tells whether all the computed columns agree.

    >>> from symnet import seed_network
    >>> check_grads(seed_network()).ok
    True
    >>> check_grads(seed_network(), order=2, wrt="theta5").methods
    ('hessian', 'hvp', 'sympy', 'finite_diff')
    """
    if order not in (1, 2):
        raise ValueError(f"order must be 1 (gradients) or 2 (the Hessian); got {order!r}")
    target = as_target(target)
    matrix = has_matrix_steps(target.program)
    if matrix and order == 2:
        raise NotImplementedError("check_grads(order=2) is for scalar networks; Hessians of layer networks are not "
                                  "derived yet (lower the network to scalars first: symnet.lower)")
    if not target.network.params:
        raise ValueError(f"the network {target.network} has no parameters, so there is no gradient to check; "
                         f"give it parameters (e.g. --expr \"w*x\" --inputs x)")
    wanted = None if wrt is None else _params_only(target, resolve_wrt(target, wrt))
    if at is not None:
        theta, X, y = (_layer_point if matrix else _point_batch)(target, at, (theta, X, y))
    default = (random_layer_point if matrix else random_point)(target, seed)
    theta, X, y = (default[i] if v is None else v for i, v in enumerate((theta, X, y)))
    compiled = compiled or value_and_grad(target, rules=rules, numpy=None if matrix else numpy,
                                           backend="numpy")   # one point: the readable NumPy program, no compile
    point = compiled.checker(theta, X, y)
    if order == 2:
        return _check_hessian(target, point, compiled, rules, numpy, wanted, sympy_max_ops)
    loss, gradient = compiled(*point)
    skipped: list = []
    if matrix:   # the matrix program against its lowering, on sampled entries of a large network
        sampled = sample if target.network.n_params > lower_max_params else None
        picked = _pick(compiled, wanted, sampled, seed)
        names, methods = entry_names(target.network.params, picked), LAYER_METHODS
        columns = [gradient, *_lowered_columns(skipped, target, compiled, point, numpy, vjp, lower_max_params),
                   _sampled_differences(lambda t: compiled.evaluate_value(*point[1:], t), point[0], picked)]
    else:
        picked = [i for i, p in enumerate(compiled.params) if wanted is None or p in wanted]
        names, methods = [str(compiled.params[i]) for i in picked], METHODS
        columns = _scalar_columns(skipped, target, compiled, gradient, point, numpy, vjp, sympy_max_ops)
    return _report(columns, picked, names, loss, skipped, methods)


def _report(columns, picked, names, loss, skipped, methods) -> GradCheckReport:
    """One row per picked entry; a full-length column is cut to the picked entries (sampled ones are already)."""
    columns = [None if c is None else c if len(c) == len(picked) else np.asarray(c)[picked] for c in columns]
    rows = tuple(agreement_row(names[k], [None if c is None else float(c[k]) for c in columns], loss)
                 for k in range(len(picked)))
    return GradCheckReport(rows, float(loss), tuple(skipped), methods)


def _scalar_columns(skipped, target: Loss, compiled, gradient, point, numpy, vjp, max_ops) -> list:
    """Backprop, ``sympy.diff``, the numeric reverse mode and finite differences on the closed form."""
    theta, X, y = point
    closed = target.program.closed_form()[0]
    forward = _forward_rules(closed, numpy)
    env, params = _environment(target, theta, X, y), compiled.params
    return [gradient,
            _oracle(skipped, "sympy", lambda: _sympy_column(closed, target, params, X, y, theta, numpy, max_ops)),
            _oracle(skipped, "numeric", lambda: _numeric(closed, env, params, forward, vjp)),
            _finite(closed, env, params, theta, forward)]


def random_layer_point(target, seed: int = 0, batch: int = 8):
    """A reproducible (theta, X, y) for a layer loss: weights N(0, 1/nₗ₋₁), biases N(0, 0.5²), normal inputs,
    labels or targets in [0, 1]."""
    rng = np.random.default_rng(seed)
    net = target.network
    k = net.sizes[-1]
    theta = np.concatenate([rng.normal(scale=0.5 if p.name.startswith("b") else 1 / np.sqrt(int(p.shape[1])),
                                       size=int(p.shape[0] * p.shape[1])) for p in net.params])
    y = rng.integers(0, k, size=batch) if net.output_activation == "softmax" else rng.uniform(size=(batch, k))
    return theta, rng.normal(size=(batch, net.sizes[0])), y


def _check_hessian(target: Loss, point, compiled, rules, numpy, wanted, max_ops) -> GradCheckReport:
    """The order-2 report: one row per entry (i ≤ j) of the mean Hessian, four independent ways."""
    theta, X, y = point
    params = compiled.params
    matrix = compile_hessian(target, rules=rules, numpy=numpy)(theta, X, y)
    product = hvp(target, rules=rules, numpy=numpy)
    by_hvp = np.column_stack([product(theta, e, X, y) for e in np.eye(len(params))])
    loss = compiled(theta, X, y)[0]
    differences = gradient_differences(lambda t: compiled(t, X, y)[1], theta)
    keep = range(len(params)) if wanted is None else [params.index(p) for p in params if p in wanted]
    pairs = [(i, j) for i in keep for j in keep if i <= j]
    closed, skipped = target.program.closed_form()[0], []
    by = [(params[i], params[j]) for i, j in pairs]
    exact = _oracle(skipped, "sympy", lambda: _sympy_column(closed, target, params, X, y, theta, numpy, max_ops, by))
    rows = tuple(agreement_row(f"{params[i]},{params[j]}", [matrix[i, j], by_hvp[i, j],
                                                            None if exact is None else float(exact[k]),
                                                            differences[i, j]], loss)
                 for k, (i, j) in enumerate(pairs))
    return GradCheckReport(rows, loss, tuple(skipped), SECOND_ORDER_METHODS, order=2)


def _params_only(target: Loss, symbols) -> tuple:
    inputs = [s for s in symbols if s not in target.network.params]
    if inputs:
        raise ValueError(f"check_grads compares gradients by parameters; {', '.join(map(str, inputs))} is an input "
                         f"(use grad or derive to differentiate by an input)")
    return symbols


def _point_batch(target: Loss, at: Mapping, given) -> tuple:
    """(theta, X, y) of one sample from a point {name: number} (``resolve_point``)."""
    if any(v is not None for v in given):
        raise ValueError("give either at= (one point) or theta, X and y, not both")
    point = resolve_point(target, at)
    net = target.network
    return (np.array([point[p] for p in net.params]), np.array([[point[s] for s in net.inputs]]),
            np.array([point[target.target]]))


def _layer_point(target, at: Mapping, given) -> tuple:
    """(theta, X, y) of one sample from a point {entry name: number} (``x_1``, ``W1_1_2``, ``y_1``…)."""
    if any(v is not None for v in given):
        raise ValueError("give either at= (one point) or theta, X and y, not both")
    program = target.program
    inputs = [flat([entries(m)]) for m in program.inputs]   # x, then the target y
    point = resolve_point([*flat(inputs), *flat_params(program)], at)
    x, y = ([[point[s] for s in part]] for part in inputs)
    return np.array([point[p] for p in flat_params(program)]), np.array(x), np.array(y)


def _pick(compiled, wanted, sample, seed) -> np.ndarray:
    """Indices into theta: every entry of the ``wanted`` arrays (all: None), or ``sample`` of them spread
    over the arrays (at least one from each), without an arange of P for a large network."""
    rng, ranges, total = np.random.default_rng(seed), [], 0
    for p, shape in zip(compiled.network.params, compiled.shapes):
        size = int(np.prod(shape))
        if wanted is None or p in wanted:
            ranges.append((total, total + size))
        total += size
    if sample is None:
        return np.concatenate([np.arange(a, b) for a, b in ranges])
    per = max(1, sample // len(ranges))
    return np.sort(np.concatenate([a + rng.choice(b - a, size=min(per, b - a), replace=False) for a, b in ranges]))


def _lowered_columns(skipped, target, compiled, point, numpy, vjp, max_params) -> list:
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
    return [_oracle(skipped, "lowered", scalar),
            _oracle(skipped, "numeric", lambda: _numeric(closed, env, low.params, _forward_rules(closed, numpy), vjp))]


def _sampled_differences(mean_loss, theta, picked) -> np.ndarray:
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


def _oracle(skipped: list, method: str, compute):
    """One oracle's column, or None with the reason recorded when it cannot be computed here."""
    try:
        return compute()
    except _Skip as reason:
        skipped.append((method, str(reason)))
    except (NotImplementedError, NameError) as err:   # a function with no rule or no NumPy form for it
        skipped.append((method, f"{type(err).__name__}: {str(err).splitlines()[0]}"))
    return None


class _Skip(Exception):
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


def _sympy_column(closed, target: Loss, params, X, y, theta, numpy, max_ops, by=None) -> np.ndarray:
    size = target.program.tree_size(target.program.outputs[0])
    if size > max_ops:
        raise _Skip(f"closed form has ~{size} operations (> {max_ops}); sympy.diff would be slow")
    return _sympy_oracle(closed, target, params, X, y, theta, numpy, by)


def _sympy_oracle(closed, target: Loss, params, X, y, theta, numpy=None, by=None) -> np.ndarray:
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
