"""The matrix road: a scalar MLP's loss computed by its layer twin's BLAS matrix code, in its own parameter order.

A scalar network that is a stack of dense layers (``core.dense``) has a layer twin computing the same ŷ,
zˡ = Wˡ aˡ⁻¹ + bˡ, whose gradient code is a few matrix products per layer instead of one step per
weight. The compiled loss keeps everything of the scalar network — its parameters, their order and
names, its gradient program (what is printed and derived), its NumPy ``source`` (generated on first
request) and per-sample rows — and only its run goes through the twin:

    θ_layer = θ_scalar[order],   (L, g_layer) = twin(X, y, θ_layer),   g_scalar = g_layer[order⁻¹]

``backend="matrix"`` asks for it; ``"auto"`` takes it where it was measured on par with the fused LLVM loop
per call and far quicker to build (``prefer_matrix``; benchmarks/bench_mlp_road.py), and for float32.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from symnet.core.dense import DenseStack, dense_stack, twin_loss

# Measured here (benchmarks/bench_mlp_road.py, one thread, 2 shared cores, docs/performance.md): the fused loop
# keeps every sample's steps in registers and wins per call while the layers are narrow (2-8-8-1 to 2-32-32-1: the
# twin takes 0.9–45× its time); from a layer of 64 × 64 weights the twin's BLAS products are on par or faster
# (2-64-64-1, 8-64-64-1: 0.24–0.89× at batch 1024 and 65536, 0.6–1.3× at 32). But LLVM's compile time grows faster
# than the program (2-8-8-1 0.8 s, 2-16-16-1 2.6 s, 2-24-24-1 4.9 s, 2-32-32-1 27–77 s, 64 wide minutes, loaded
# machine), while the twin builds in the symbolic gradient's time: ``auto`` counts the build too and takes the twin
# from a layer of 512 weights, where the fused compile passes a few seconds.
MIN_LAYER_WEIGHTS = 512
MAX_FUSED_STEPS = 500     # a gradient program longer than this compiles for seconds (2-16-16-1: 437 steps, 1–3 s)
BLOCK = 1024      # rows per twin call on a large batch: 2× faster than the whole of a 65536 batch at once (measured)


def prefer_matrix(stack: DenseStack, dtype, steps: int = 0) -> tuple[bool, str]:
    """Whether ``auto`` takes the matrix road for ``stack`` (whose gradient program has ``steps`` steps), and
    the sentence ``fn.why`` gives."""
    if dtype != np.float64:
        return True, (f"scalar MLP {stack.spec} in float32: its layer twin's BLAS matrix code (the fused LLVM "
                      f"loop computes in float64; one NumPy call per step measured 1.04–7.6× slower)")
    widest = max(a * b for a, b in zip(stack.sizes, stack.sizes[1:]))
    if widest >= MIN_LAYER_WEIGHTS:
        return True, (f"scalar MLP {stack.spec}, a layer of {widest:,} weights (≥ {MIN_LAYER_WEIGHTS}): its layer "
                      f"twin's BLAS matrix code, built in the symbolic gradient's time where the fused LLVM loop's "
                      f"compile takes seconds to minutes (per call on par from 64 × 64, measured)")
    if steps > MAX_FUSED_STEPS:
        return True, (f"scalar MLP {stack.spec}, a gradient program of {steps} steps (> {MAX_FUSED_STEPS}): its "
                      f"layer twin's BLAS matrix code, built in the symbolic gradient's time where the fused LLVM "
                      f"loop's compile takes seconds")
    return False, ""


def matrix_road(target, gradient, backend, dtype, scalar_layout, compile_twin, rules=None, numpy=None):
    """The ``CompiledLoss`` of the matrix road, or None where ``auto`` keeps the scalar roads.

    ``backend="matrix"`` on a network that is not a dense stack (or with ``rules=``/``numpy=``, which the
    twin's code cannot take) is a ``ValueError`` saying why and what to use instead.
    """
    from symnet.numeric.compiled import CompiledLoss

    stack, why_not = dense_stack(target.network)
    if rules or numpy:
        why_not = "rules= and numpy= name functions only the scalar code can take"
    if backend == "matrix" and why_not:
        raise ValueError(f"backend='matrix' runs a scalar network that is a stack of dense layers (as mlp builds "
                         f"it) through its layer twin; here {why_not}: use backend='auto', 'fused' or 'numpy'")
    if why_not:
        return None
    chosen, why = prefer_matrix(stack, dtype, len(gradient.program.assignments))
    if backend == "auto" and not chosen:
        return None
    twin = compile_twin(twin_loss(target, stack.twin()), None, None, "numpy", None, dtype)
    layout = TwinLayout(scalar_layout, twin, np.array(stack.param_order(), dtype=np.intp))
    return CompiledLoss(target, gradient, LazyGenerated(gradient.program, numpy), numpy, "matrix",
                        layout=layout, dtype=dtype, why=why if backend == "auto" else "backend='matrix' asked for")


@dataclass(frozen=True)
class TwinLayout:
    """The scalar layout (checks, θ by name, per-sample rows, the module), with the run, the value and the
    prediction through the twin; θ permuted in, the gradient permuted back."""

    scalar: object
    twin: object                      # the twin's CompiledLoss
    order: np.ndarray                 # θ_layer = θ_scalar[order]
    inverse: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        inverse = np.empty_like(self.order)
        inverse[self.order] = np.arange(len(self.order))
        object.__setattr__(self, "inverse", inverse)

    def __getattr__(self, name):
        if name.startswith("_") or name == "scalar":    # not yet set (copy, pickle): no recursion
            raise AttributeError(name)
        return getattr(self.scalar, name)       # everything but running is the scalar network's

    def runner(self, compiled):
        run, order, inverse, dtype = self.twin.run, self.order, self.inverse, compiled.dtype

        def run_twin(columns, y, theta):   # X in the loss's float type, as the scalar runner returns it
            X = columns.T.astype(dtype, copy=False)
            value, g = blocks(run, X, y, np.asarray(theta, dtype=dtype).take(order))
            return value, g.take(inverse)

        return run_twin

    def value(self, compiled, X, y, theta) -> float:
        return self.twin.evaluate_value(X, y, np.asarray(theta).take(self.order))

    def predict(self, compiled, theta, X) -> np.ndarray:
        theta, X, _ = compiled.checker(theta, X, None)
        return self.twin.predict(theta.take(self.order), X).reshape(-1)


def blocks(run, X, y, theta):
    """The twin's mean loss and gradient over X, a large batch taken ``BLOCK`` rows at a time:
    mean = Σ_blocks (rows in block)·(block mean) / N, each block's activations small enough to stay in cache."""
    n = X.shape[0]
    if n <= 2 * BLOCK:
        return run(X, y, theta)
    value, g = 0.0, 0.0
    for start in range(0, n, BLOCK):
        v, gb = run(X[start:start + BLOCK], y[start:start + BLOCK], theta)
        rows = min(BLOCK, n - start)
        value, g = value + rows * v, g + rows * gb
    return value / n, g / n


class LazyGenerated:
    """The scalar program's NumPy code (``generation.Generated``), generated when first asked for (``source``,
    ``module``): the matrix road runs without it, and for a wide MLP it takes seconds to write."""

    def __init__(self, program, numpy=None):
        self._program, self._numpy, self._generated = program, numpy, None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._generated is None:
            from symnet.numeric.generation import generate, mean_outputs

            assignments, outputs = mean_outputs(self._program)
            args = self._program.inputs + self._program.params
            self._generated = generate(args, outputs, assignments, "value_and_grad", self._numpy)
        return getattr(self._generated, name)
