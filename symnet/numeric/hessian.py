"""Compiled second derivatives: the mean Hessian (P × P) and the Hessian-vector product.

Both are programs compiled like the gradient (``generation.generate``, the batch mean inside):

- the Hessian is ``symnet.core.hessian``'s program, one tangent sweep over the gradient program per
  parameter, returning 1/N Σₙ ∂²Lₙ/∂θᵢ∂θⱼ;
- the Hessian-vector product Hv = d/dε ∇L(θ + εv) at ε = 0 is *one* tangent sweep over the gradient
  program with the direction v as the seed θ̇ = v (v enters as P more arguments). It never forms the
  P × P matrix, and costs a small constant times one gradient — what Newton-CG, Lanczos estimates of
  λ_max and curvature probes need.

Backends, as for ``value_and_grad``: ``"auto"`` (the default) runs a scalar program as one LLVM loop over
the batch (``backend="fused"``, ``symnet.numeric.fused``: the program is straight-line scalar code, its batch
means summed in registers) and says why in ``fn.why``; NumPy where a step has no machine form, where
llvmlite is missing, or where the Hessian program is too large for LLVM to compile quickly; a typed matrix
loss keeps its BLAS formula (NumPy, or JAX when asked). The fused Hessian computes the entries i ≤ j only (H is symmetric) and mirrors
them. ``backend="jax"`` prints the same programs in ``jax.numpy`` (``symnet.numeric.jaxgen``) and jits them,
in float64; every backend agrees with NumPy to ~1e-12.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from sympy import Dummy, Symbol

from symnet.core.backprop import Gradient, grad
from symnet.core.hessian import Hessian, hessian, jvp, read_by, tangent_sweep
from symnet.core.losses import Loss, target_range
from symnet.core.program import Program
from symnet.core.rules import rule_table
from symnet.numeric.batch import BatchCheck, _finite_array
from symnet.numeric.generation import Generated
from symnet.numeric.hessian_runs import BACKENDS, compile_program, numpy_outputs
from symnet.numeric.kinds import LAYOUTS, dispatch
from symnet.numeric.matrix_hessian import compile_matrix_hessian, compile_matrix_hvp
from symnet.numeric.reverse import step_size


class _Generated:
    """What the two compiled second-derivative programs share: the runner (NumPy unless given) and the source."""

    def __post_init__(self):
        if self.run is None:
            object.__setattr__(self, "run", numpy_outputs(self.generated.function))

    @property
    def source(self) -> str:
        """The generated source: forward steps, the δ sweep, the tangent sweeps, then the means."""
        return self.generated.source


@dataclass(frozen=True)
class CompiledHessian(_Generated):
    """``(theta, X, y) -> H``: the mean Hessian over the batch, shape (P, P), ordered like ``params``."""

    loss: Loss
    hessian: Hessian
    generated: Generated
    check: BatchCheck
    backend: str = "numpy"
    run: Callable | None = field(default=None, repr=False, compare=False)   # (columns, y, args) -> outputs
    why: str = field(default="", compare=False)     # one sentence: why this backend runs it

    @property
    def params(self) -> tuple[Symbol, ...]:
        return self.hessian.wrt

    def __call__(self, theta, X, y) -> np.ndarray:
        theta, X, y = self.check(theta, X, y)
        n = len(self.params)
        return self.run(X.T, y, theta)[1:].reshape(n, n)


@dataclass(frozen=True)
class CompiledHVP(_Generated):
    """``(theta, v, X, y) -> H v``: the mean Hessian times a direction v, without forming H."""

    loss: Loss
    gradient: Gradient
    program: Program        # the gradient's steps, then the tangent sweep seeded by θ̇ = v; outputs Hv
    generated: Generated
    check: BatchCheck
    backend: str = "numpy"
    run: Callable | None = field(default=None, repr=False, compare=False)   # (columns, y, args) -> outputs
    why: str = field(default="", compare=False)     # one sentence: why this backend runs it

    @property
    def params(self) -> tuple[Symbol, ...]:
        return self.gradient.wrt

    def __call__(self, theta, v, X, y) -> np.ndarray:
        theta, X, y = self.check(theta, X, y)
        v = _finite_array(v, "v", (len(self.params),),
                          lambda: f"one value per parameter ({', '.join(p.name for p in self.params)})")
        return self.run(X.T, y, np.concatenate([theta, v]))


def compile_hessian(target, rules: Mapping | None = None, numpy: Mapping | None = None,
                    backend: str = "auto") -> CompiledHessian:
    """Compile the mean Hessian of a loss: ``(theta, X, y) -> (P, P) array``.

    Args:
        target: a ``Loss``; a ``Network`` stands for its squared-error loss (as in every verb); a typed
            matrix loss (``symnet.loss(expr, shapes=…)``) compiles its d × d Hessian by its vector parameter
            (``numeric.matrix_hessian``, NumPy or JAX: ``(w, X, y) -> H``).
        rules: extra derivative rules; numpy: NumPy forms of functions symnet does not know.
        backend: ``"auto"`` (the default): ``"fused"`` (one LLVM loop over the batch) for a scalar program,
            NumPy where LLVM cannot run it or the program is large, the typed loss's BLAS formula —
            silently, with the choice in ``H.backend`` and the reason in ``H.why``; ``"numpy"``; ``"jax"``
            (the same program jitted in ``jax.numpy``, float64); ``"fused"`` (refused, with the reason, where
            LLVM cannot run it).

    Returns:
        A ``CompiledHessian``.

    >>> from symnet import from_expr
    >>> H = compile_hessian(from_expr("w*x + b", inputs="x"))   # L = (y − w·x − b)², params (b, w)
    >>> H([0.0, 0.5], [[1.0], [3.0]], [0.0, 0.0])               # 2·mean of [[1, x], [x, x²]]
    array([[ 2.,  4.],
           [ 4., 10.]])
    """
    backend = _backend(backend)
    target, compile_kind = dispatch(HESSIANS, target, "compile_hessian")   # the loss's layout picks the row
    return compile_kind(target, rules, numpy, backend)


def _program_hessian(target, rules, numpy, backend) -> CompiledHessian:
    """The Hessian of a program of scalar steps (a program of matrix steps is refused by ``core.hessian``)."""
    h = hessian(target, rules=rules)
    generated, run, backend, why = compile_program(h.program, "hessian", numpy, backend, fused=triangle(h))
    return CompiledHessian(target, h, generated, _check(target), backend, run, why)


def hvp(target, rules: Mapping | None = None, numpy: Mapping | None = None, backend: str = "auto") -> CompiledHVP:
    """Compile the Hessian-vector product of a loss: ``(theta, v, X, y) -> H v`` (mean over the batch).

    One tangent sweep over the gradient program seeded with θ̇ = v: d/dε ∇L(θ + εv) at ε = 0.

    Args:
        target: a ``Loss``; a ``Network`` stands for its squared-error loss; a typed matrix loss gives
            ``(w, v, X, y) -> H v`` (``numeric.matrix_hessian``).
        rules: extra derivative rules; numpy: NumPy forms of functions symnet does not know.
        backend: as for ``compile_hessian``: ``"auto"`` (the default; ``fused`` for a scalar program),
            ``"numpy"``, ``"jax"`` or ``"fused"``.

    Returns:
        A ``CompiledHVP``.

    >>> from symnet import from_expr
    >>> Hv = hvp(from_expr("w*x + b", inputs="x"))
    >>> Hv([0.0, 0.5], [0.0, 1.0], [[1.0], [3.0]], [0.0, 0.0])   # H's second column (by w)
    array([ 4., 10.])
    """
    backend = _backend(backend)
    target, compile_kind = dispatch(HVPS, target, "hvp")   # the loss's layout picks the row
    return compile_kind(target, rules, numpy, backend)


def _program_hvp(target, rules, numpy, backend) -> CompiledHVP:
    """One tangent sweep over the gradient program of scalar steps, compiled."""
    gradient = grad(target, rules=rules)
    program = hvp_program(gradient, rules)
    generated, run, backend, why = compile_program(program, "hvp", numpy, backend)
    return CompiledHVP(target, gradient, program, generated, _check(target), backend, run, why)


def hvp_program(gradient: Gradient, rules: Mapping | None = None) -> Program:
    """The gradient program and one tangent sweep seeded θ̇ = v; params (θ…, v…), outputs (Hv)₁…(Hv)_P."""
    table = rule_table(rules)
    directions = tuple(Dummy(f"v_{p.name}") for p in gradient.wrt)
    program, tangents = read_by(gradient.program, gradient.results), []
    dots = tangent_sweep(program, dict(zip(gradient.wrt, directions)), lambda s: Dummy(f"d{s.name}_dv"),
                         table, tangents)
    outputs = tuple(jvp(r, dots, table=table) for r in gradient.results)
    return Program(program.inputs, program.params + directions, program.assignments + tuple(tangents), outputs)


def _typed_hessian(target, rules, numpy, backend):
    """A typed matrix loss: H = one d × d formula, compiled to NumPy or JAX (``numeric.matrix_hessian``)."""
    return compile_matrix_hessian(target, rules=rules, backend=_typed_backend(backend))


def _typed_hvp(target, rules, numpy, backend):
    """A typed matrix loss: Xᵀ(c ⊙ (X v)), never the d × d matrix."""
    return compile_matrix_hvp(target, rules=rules, backend=_typed_backend(backend))


# one row per layout (``numeric.kinds``): programs of steps take the sweep; a typed loss its own formula
HESSIANS = {**dict.fromkeys(LAYOUTS, _program_hessian), "whole-data": _typed_hessian}
HVPS = {**dict.fromkeys(LAYOUTS, _program_hvp), "whole-data": _typed_hvp}


def _backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r} for second derivatives; expected one of {', '.join(BACKENDS)}")
    return backend


def _typed_backend(backend: str) -> str:
    """A typed loss's formula runs on NumPy (``auto``) or JAX; it is matrix code, so there is no fused loop."""
    if backend not in ("numpy", "auto", "jax"):
        raise NotImplementedError(f"the Hessian of a typed matrix loss compiles to NumPy or JAX (its BLAS formula); "
                                  f"got backend={backend!r}: use backend='auto', 'numpy' or 'jax'")
    return "jax" if backend == "jax" else "numpy"


def triangle(h: Hessian) -> tuple[Program, np.ndarray]:
    """The program of L and H's entries i ≤ j only, and the index spreading its outputs to (L, H₁₁, H₁₂, …,
    H_PP): H is symmetric, so half the running sums, and LLVM drops the tangents only the others read."""
    n, g = len(h.wrt), h.gradient.program
    upper = [(i, j) for i in range(n) for j in range(i, n)]
    position = np.zeros((n, n), dtype=np.intp)
    for k, (i, j) in enumerate(upper, start=1):
        position[i, j] = position[j, i] = k
    entries = tuple(h.entries[i][j] for i, j in upper)
    program = Program(g.inputs, g.params, g.assignments + h.tangents, (g.outputs[0],) + entries)
    return program, np.concatenate([[0], position.ravel()])


def _check(target: Loss) -> BatchCheck:
    return BatchCheck(target.network.params, target.network.inputs, targets=target_range(target.name))


def gradient_differences(gradient, theta) -> np.ndarray:
    """Central differences of a gradient function: column j is (∇L(θ + h·eⱼ) − ∇L(θ − h·eⱼ)) / 2h,
    with the step h of ``reverse.step_size`` — the Hessian by finite differences, an independent check.

    >>> gradient_differences(lambda t: np.array([2 * t[0] * t[1], t[0] ** 2]), [1.0, 3.0]).round(6)
    array([[6., 2.],
           [2., 0.]])
    """
    theta = np.asarray(theta, dtype=float)
    columns = []
    for j, t in enumerate(theta):
        h = step_size(float(t))
        up, down = theta.copy(), theta.copy()
        up[j], down[j] = t + h, t - h
        columns.append((np.asarray(gradient(up)) - np.asarray(gradient(down))) / (2 * h))
    return np.column_stack(columns)
