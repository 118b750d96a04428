"""The one compiled loss: ``(theta, X, y) -> (mean loss, ∂(mean loss)/∂theta)`` for every kind of network.

``value_and_grad`` returns a ``CompiledLoss`` whether the program's steps are scalars (one generated
line per neuron, X passed by columns) or matrices (one line per layer with ``@``, X passed batch
first). What differs is how the flat parameter vector θ and the batch meet the generated function's
arguments — the *layout*, written beside each printer:

    scalar steps (``codegen.ScalarLayout``):   f(x₁…xₙ, y, θ₁…θ_P),     unflatten θ → {name: value}
    matrix steps (``layout.MatrixLayout``):      f(X, Y, W¹, b¹, W², …), unflatten θ → [W¹, b¹, W², …]

Everything else (the check of a batch, the backend's runner, the source, the standalone module) is
one attribute of one class.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from symnet.core.backprop import Gradient
from symnet.numeric.batch import BatchCheck


@dataclass(frozen=True)
class CompiledLoss:
    """A compiled loss: ``(theta, X, y) -> (mean loss, gradient vector)``.

    ``theta`` is the flat parameter vector (a scalar network's parameters in ``params`` order; a layer
    network's Wˡ row by row, then bˡ, for each layer); ``X`` is N × n₀, one row per sample; ``y`` holds one
    target per row (class labels, or N × k targets, for a layer network with k outputs).

    Attributes: ``function`` and ``source`` (the generated code the backend runs), ``module`` (a
    standalone module), ``predict(theta, X)``, ``unflatten(theta)``, ``params``, ``shapes``, ``backend``,
    ``dtype`` (``float64``, or ``float32``: θ, X, y, every intermediate and the gradient in it) and ``why``
    (one sentence: what ``backend="auto"`` picked and why, or the explicit choice).
    ``run(arguments, y, theta)`` is the backend's call on checked data (``arguments`` as the layout
    arranges X); ``checker`` is the hot-path batch check; ``call_check`` the one a call runs before ``run``
    (``checker`` unless the backend reads some values off its own result: ``jax_layers.CallCheck``).
    """

    loss: object
    gradient: Gradient
    generated: object                                   # a ``generation.Generated``: function, source, imports
    numpy: Mapping | None = field(default=None, compare=False)
    backend: str = "numpy"
    run: Callable | None = field(default=None, repr=False, compare=False)
    checker: BatchCheck | None = field(default=None, repr=False, compare=False)
    layout: object = field(default=None, repr=False, compare=False)
    devices: tuple = field(default=(), repr=False, compare=False)
    why: str = field(default="", compare=False)        # one sentence: why this backend runs it
    dtype: np.dtype = field(default=np.dtype("float64"), compare=False)   # what θ, X, y and the gradient are in
    call_check: Callable | None = field(default=None, repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        if self.layout is None:
            raise TypeError("a CompiledLoss needs the layout of its program's arguments (codegen.SCALAR or a "
                            "layout.MatrixLayout); build it with value_and_grad")
        if self.run is None:
            object.__setattr__(self, "run", self.layout.runner(self))
        if self.checker is None:
            object.__setattr__(self, "checker", self.layout.checker(self))
        if self.call_check is None:
            object.__setattr__(self, "call_check", self.checker)

    @property
    def function(self):
        """The generated function the backend runs (means or batch sums inside)."""
        return self.generated.function

    @property
    def source(self) -> str:
        """The generated source: forward steps, the δ sweep, then the reduction over the batch."""
        return self.generated.source

    @property
    def module(self) -> str:
        """A standalone Python module defining ``value_and_grad(theta, X, y) -> (mean loss, gradient)``."""
        return self.layout.module(self)

    @property
    def network(self):
        return self.loss.network

    @property
    def params(self) -> tuple:
        """The parameters by symbol (a layer network's are its matrices W¹, b¹, …)."""
        return self.gradient.wrt

    @property
    def inputs(self) -> tuple:
        return self.loss.network.inputs

    @property
    def shapes(self) -> tuple[tuple[int, ...], ...]:
        """The shape of each parameter: () for a scalar, (nₗ, nₗ₋₁) for Wˡ, (nₗ,) for bˡ."""
        return self.layout.shapes(self)

    def unflatten(self, theta):
        """θ by parameter: {name: value} for a scalar network, views [W¹, b¹, W², …] for a layer network."""
        return self.layout.unflatten(self, theta)

    def targets(self, y, n: int) -> np.ndarray:
        """y as the generated code takes it (one-hot rows for a softmax output's labels)."""
        return self.layout.targets(self, y, n)

    def __call__(self, theta, X, y=None, per_sample: bool = False):
        """(mean loss, gradient); y may be left out only for a typed matrix loss given its data as a mapping."""
        _require_targets(self.layout, y)
        if per_sample:
            theta, X, y = self.checker(theta, X, y)
            return self.layout.per_sample(self, self.layout.arguments(X), y, theta)
        theta, X, y = self.call_check(theta, X, y)
        return self.run(self.layout.arguments(X), y, theta)

    def check(self, X, y=None) -> None:
        """Refuse a batch this network cannot take (``ValueError`` saying why), before any work."""
        self.layout.check(self, X, y)

    def evaluate_columns(self, columns, y, theta, per_sample: bool = False):
        """The same as calling, on already validated data arranged for the generated function (a hot loop's
        entry): X's columns for a scalar network (``X.T`` will do), X itself for a layer network.

        Returns:
            (mean loss, gradient (P,)), or with ``per_sample`` the per-row losses (N,) and gradients (N, P).
        """
        if per_sample:
            return self.layout.per_sample(self, columns, y, theta)
        return self.run(columns, y, theta)

    def evaluate_batch(self, X, y, theta):
        """The mean loss and its gradient on an already validated batch X (N × n₀)."""
        return self.run(self.layout.arguments(X), y, theta)

    def evaluate_value(self, X, y, theta) -> float:
        """The mean loss alone on an already validated batch (a layer network runs its forward steps only)."""
        return self.layout.value(self, X, y, theta)

    def value(self, theta, X, y=None) -> float:
        """The mean loss alone."""
        _require_targets(self.layout, y)
        theta, X, y = self.checker(theta, X, y)
        return self.evaluate_value(X, y, theta)

    def predict(self, theta, X) -> np.ndarray:
        """The network's output for every row of X: (N,) for one scalar output, N × n_L for a layer network."""
        return self.layout.predict(self, theta, X)


def _require_targets(layout, y) -> None:
    """A network's loss compares its output with targets: y is missing only where the layout reads named data."""
    if y is None and not getattr(layout, "names_its_data", False):
        raise ValueError("y is missing: this loss compares the network's output with one target per row of X; "
                         "call it as f(theta, X, y) (only a typed matrix loss, whose data is a mapping "
                         "{name: array}, takes no y)")
