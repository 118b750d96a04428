"""``check_grads``: four independent gradients of a loss, compared with one tolerance rule.

(a) symnet's symbolic backprop, compiled to NumPy; (b) ``sympy.diff`` of the closed form with the
activations rewritten into exp/log/Max (small networks only), evaluated in float64 and, where that
overflows (e^3500 over e^3500), in SymPy's arbitrary precision; (c) the numeric reverse mode of
``symnet.numeric.reverse``; (d) central finite differences. Two values a, b agree when

    |a − b| ≤ atol + rtol · max(|a|, |b|),   rtol = 1e-6,   atol = 1e-8 · max(1, |L|).

(A pure relative error fails falsely where gradients are tiny, e.g. ~1e-298 in saturated sigmoids.)
With ``dtype="float32"`` column (a) runs in float32 at the point rounded to float32, the other columns stay
float64 (finite differences in float64 are the oracle), and the tolerances follow float32's ε: written
as powers of float64's ε (rtol ≈ ε^(3/8), atol ≈ ε^(1/2)), the same powers of float32's ε give

    rtol = 1e-6 · (ε₃₂/ε₆₄)^(3/8) ≈ 1.9e-3,   atol = 1e-8 · (ε₃₂/ε₆₄)^(1/2) ≈ 2.3e-4.
The columns other than (a) are computed in ``symnet.numeric.oracles``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np

from symnet.checks import integer
from symnet.core.convnet import display_dims
from symnet.core.layers import entries, entry_names, flat, flat_params
from symnet.core.losses import Loss
from symnet.core.names import resolve_point, resolve_wrt
from symnet.core.network import Network
from symnet.numeric.checkers import check_sequences, check_whole_data
from symnet.numeric.codegen import CompiledLoss, value_and_grad
from symnet.numeric.kinds import dispatch
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
from symnet.numeric.oracles import lowered_columns, oracle, sampled_differences, scalar_columns, sympy_column

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
                at: Mapping | None = None, sample: int = SAMPLE, lower_max_params: int = LOWER_MAX_PARAMS,
                order: int = 1, dtype="float64", batch: int | None = None) -> GradCheckReport:
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
        batch: samples in the random batch (default: the kind's own, 8 for a network, 4 sequences or 4 rows of
            a typed loss); for a typed matrix loss, the size that counts every data array's rows (N in
            "X=N x 3, y=N"). Not with X or at=.
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
            network the entries by name (``x_1``, ``W1_2_1``, ``b1_2``, ``y_1``…); for a typed matrix loss
            one array per data matrix and parameter (``{"X": …, "y": …, "w": …}``).
        sample, lower_max_params: a layer network's sampled entries, and its size limit for (b) and (c).
        order: 1 compares gradients; 2 compares every entry ∂²L/∂θᵢ∂θⱼ (i ≤ j) of the mean Hessian four
            ways: the compiled Hessian (tangent sweeps over the gradient program), the Hessian-vector
            product with eⱼ, ``sympy.diff`` twice (small networks) and central differences of the
            compiled gradient (``compiled``, when given); a typed matrix loss the same four of its vec(W)
            Hessian (``numeric.matrix_hessian_check``: ``sympy.diff`` twice of its scalar lowering).
        dtype: ``"float32"`` checks the float32 gradient (column (a)) against the float64 oracles, with the
            tolerances scaled to float32's ε (``tolerances``); scalar and layer networks, order 1.

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
    target, check_kind = dispatch(CHECKERS, target, "check_grads")   # the loss's layout picks the row
    dtype = float_type(target, order, dtype)
    if batch is not None:
        batch = integer(batch, "batch", at_least=1)
        if X is not None or at is not None:
            raise ValueError("batch= sizes the random batch; X (or at=) was given too: give one or the other")
    return check_kind(target, theta, X, y, dict(seed=seed, rules=rules, compiled=compiled, sympy_max_ops=sympy_max_ops,
                                                numpy=numpy, vjp=vjp, wrt=wrt, at=at, sample=sample, batch=batch,
                                                lower_max_params=lower_max_params, order=order, dtype=dtype))


@dataclass(frozen=True)
class ProgramCheck:
    """How ``check_grads`` checks a layout whose gradient is symnet's own backprop of ``target.program``:
    where its point comes from (``at=`` and the random default), whether it has a Hessian and takes
    ``numpy=``, and its columns ``(target, compiled, point, wanted, options, gradient, skipped)``
    → ``(columns, picked, names, methods)``."""

    point_at: Callable
    random: Callable
    hessian: bool
    columns: Callable


def _check_program(target, theta, X, y, options, kind: ProgramCheck) -> GradCheckReport:
    """The rows of ``CHECKERS`` for a scalar program (by columns) or a program of matrix steps (batch first)."""
    seed, rules, compiled, numpy, wrt, at, order, dtype = (options[k] for k in ("seed", "rules", "compiled", "numpy",
                                                                               "wrt", "at", "order", "dtype"))
    if order == 2 and not kind.hessian:
        raise NotImplementedError("check_grads(order=2) is for scalar networks; Hessians of layer networks are not "
                                  "derived yet (lower the network to scalars first: symnet.lower)")
    if not target.network.params:
        raise ValueError(f"the network {target.network} has no parameters, so there is no gradient to check; "
                         f"give it parameters (e.g. --expr \"w*x\" --inputs x)")
    wanted = None if wrt is None else _params_only(target, resolve_wrt(target, wrt))
    if at is not None:
        theta, X, y = kind.point_at(target, at, (theta, X, y))
    default = kind.random(target, seed, *(() if options["batch"] is None else (options["batch"],)))
    theta, X, y = (default[i] if v is None else v for i, v in enumerate((theta, X, y)))
    compiled = compiled or value_and_grad(target, rules=rules, numpy=numpy if kind.hessian else None,
                                           backend="numpy")   # one point: the readable NumPy program, no compile
    point = rounded(compiled.checker(theta, X, y), dtype)
    if order == 2:
        return _check_hessian(target, point, compiled, rules, numpy, wanted, options["sympy_max_ops"])
    loss, gradient = compiled(*point)
    if dtype != np.float64:     # column (a) in float32; the oracles stay float64
        narrow = value_and_grad(target, rules=rules, numpy=numpy if kind.hessian else None, backend="numpy",
                                dtype=dtype)
        gradient = narrow(*point)[1].astype(float)
    skipped: list = []
    columns, picked, names, methods = kind.columns(target, compiled, point, wanted, options, gradient, skipped)
    return _report(columns, picked, names, loss, skipped, methods, tolerances(dtype))


def _scalar_columns(target, compiled, point, wanted, options, gradient, skipped):
    """Backprop, ``sympy.diff``, the numeric reverse mode and finite differences, on every parameter."""
    picked = [i for i, p in enumerate(compiled.params) if wanted is None or p in wanted]
    columns = scalar_columns(skipped, target, compiled, gradient, point, options["numpy"], options["vjp"],
                             options["sympy_max_ops"])
    return columns, picked, [str(compiled.params[i]) for i in picked], METHODS


def _matrix_columns(target, compiled, point, wanted, options, gradient, skipped):
    """The matrix program against its lowering, on sampled entries of a large network."""
    limit = options["lower_max_params"]
    sampled = options["sample"] if target.network.n_params > limit else None
    picked = _pick(compiled, wanted, sampled, options["seed"])
    columns = [gradient, *lowered_columns(skipped, target, compiled, point, options["numpy"], options["vjp"], limit),
               sampled_differences(lambda t: compiled.evaluate_value(*point[1:], t), point[0], picked)]
    names = entry_names(target.network.params, picked, display_dims(target.network.program))   # K1_f_c_i_j
    return columns, picked, names, LAYER_METHODS


def tolerances(dtype="float64") -> tuple[float, float]:
    """(rtol, atol) for gradients computed in ``dtype``: float64's (1e-6, 1e-8) carried to its ε (module text)."""
    ratio = np.finfo(dtype).eps / np.finfo(np.float64).eps
    return float(RTOL * ratio ** 0.375), float(ATOL * ratio ** 0.5)


def float_type(target, order: int, dtype) -> np.dtype:
    """``dtype`` checked (``ValueError``): float32 is checked for scalar and layer networks, gradients only."""
    from symnet.numeric.codegen import float_type as compiled_type

    dtype = compiled_type(target, "numpy", dtype)
    if dtype != np.float64 and order == 2:
        raise ValueError("check_grads(order=2) compares Hessians in float64; drop dtype='float32'")
    return dtype


def rounded(point, dtype) -> tuple:
    """The checked point with θ and X rounded to ``dtype`` (kept float64), so every column sees the same numbers."""
    if dtype == np.float64:
        return point
    return tuple(None if a is None else a.astype(dtype).astype(float) for a in point)


def _report(columns, picked, names, loss, skipped, methods, tolerance=(RTOL, ATOL)) -> GradCheckReport:
    """One row per picked entry; a full-length column is cut to the picked entries (sampled ones are already)."""
    columns = [None if c is None else c if len(c) == len(picked) else np.asarray(c)[picked] for c in columns]
    rows = tuple(agreement_row(names[k], [None if c is None else float(c[k]) for c in columns], loss, tolerance)
                 for k in range(len(picked)))
    return GradCheckReport(rows, float(loss), tuple(skipped), methods, tolerance=tuple(tolerance))


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
    exact = oracle(skipped, "sympy", lambda: sympy_column(closed, target, params, X, y, theta, numpy, max_ops, by))
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


# layout -> how a loss of that kind is checked (``symnet.numeric.kinds``): a new kind of model is one row
CHECKERS = {
    "columns": partial(_check_program, kind=ProgramCheck(_point_batch, random_point, True, _scalar_columns)),
    "batch-first": partial(_check_program, kind=ProgramCheck(_layer_point, random_layer_point, False, _matrix_columns)),
    "sequences": check_sequences,
    "whole-data": check_whole_data,
}
