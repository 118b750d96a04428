"""How a program with matrix steps meets its generated function: X batch first, θ as views W¹, b¹, W², …

The one compiled type (``CompiledLoss``) asks its *layout* how the flat parameter vector θ and a batch
become the generated function's arguments. A scalar program takes X by columns and θ one number per
symbol (``codegen.ScalarLayout``); a program of matrix steps takes

    f(X, Y, W¹, b¹, W², …)      X: N × n₀ (rows are samples), Y: N × n_L, Wˡ: nₗ × nₗ₋₁, bˡ: (nₗ,)

with θ sliced into those arrays as views (where each sits is worked out once: the call is on the hot
path), labels one-hot for a softmax output, and the batch sums the code returns divided by N.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from sympy import MatrixSymbol

from symnet.core.losses import target_range
from symnet.numeric.batch import BatchCheck, check_matrix_batch, labels_ok
from symnet.numeric.bindings import called_functions, compile_steps


@dataclass(frozen=True)
class MatrixLayout:
    """How a matrix program's generated function takes its data: X batch first, θ as views W¹, b¹, W², …

    ``slices`` says where each parameter array sits in θ; ``predictor`` computes aᴸ; ``numpy`` is the NumPy
    function (the written module's, whatever the backend).
    """

    network: object
    predictor: object
    numpy: object
    slices: tuple
    one_hot: np.ndarray = field(repr=False)

    @classmethod
    def of(cls, network, predictor, numpy, dtype=np.float64) -> MatrixLayout:
        slices, offset = [], 0
        for p in network.params:
            shape = array_shape(p)
            size = int(np.prod(shape))
            slices.append((offset, offset + size, shape))
            offset += size
        return cls(network, predictor, numpy, tuple(slices), np.eye(network.sizes[-1], dtype=dtype))  # rows: one-hot

    def runner(self, compiled):
        return matrix_runner(compiled.generated.function, self)

    def checker(self, compiled) -> BatchCheck:
        """The hot-path check: shapes once per shape, finiteness by one dot product, labels by min and max."""
        full = lambda theta, X, y: check_matrix_batch(compiled, theta, X, y)  # noqa: E731
        if self.network.output_activation != "softmax":
            return BatchCheck(full=full, targets=target_range(compiled.loss.name), dtype=compiled.dtype)
        k = self.network.sizes[-1]
        return BatchCheck(full=full, every=lambda y: labels_ok(y, k), dtype=compiled.dtype, labels=True)

    def arguments(self, X):
        return X

    def shapes(self, compiled=None) -> tuple:
        return tuple(shape for _, _, shape in self.slices)

    def check(self, compiled, X, y) -> None:
        check_matrix_batch(compiled, None, X, y)   # no θ: a network of millions of parameters allocates none

    def unflatten(self, compiled, theta) -> list[np.ndarray]:
        return [theta[start:stop].reshape(shape) for start, stop, shape in self.slices]

    def targets(self, compiled, y, n) -> np.ndarray:
        """y as an N × n_L array: labels one-hot for a softmax output, a column for one output."""
        y = np.asarray(y)
        if y.ndim == 1 and self.network.output_activation == "softmax":
            return self.one_hot.take(y.astype(np.intp, copy=False), axis=0)
        return y.astype(self.one_hot.dtype, copy=False).reshape(n, self.network.sizes[-1])

    def value(self, compiled, X, y, theta) -> float:
        """The mean loss from the forward steps alone (compiled on first use)."""
        if "value" not in compiled._cache:
            program = compiled.loss.program
            compiled._cache["value"] = compile_steps(program, list(program.outputs), "value")
        with np.errstate(over="ignore", under="ignore"):
            total = compiled._cache["value"](X, self.targets(compiled, y, X.shape[0]), *self.unflatten(compiled, theta))
        return float(total[0]) / X.shape[0]

    def value_and_outputs(self, compiled, X, y, theta) -> tuple[float, np.ndarray]:
        """(the mean loss, aᴸ for every row) from one forward pass: the loss's steps, then aᴸ from the steps
        it shares with the network (a training epoch's loss and accuracy without a second pass over the data)."""
        if "value_outputs" not in compiled._cache:
            loss, net = compiled.loss.program, compiled.network.program
            known = {s for s, _ in loss.assignments}
            extra = tuple((s, rhs) for s, rhs in net.assignments if s not in known)
            both = replace(loss, assignments=loss.assignments + extra, outputs=loss.outputs + net.outputs)
            compiled._cache["value_outputs"] = compile_steps(both, list(both.outputs), "value_outputs", sum_batch=False)
        with np.errstate(over="ignore", under="ignore"):
            total, outputs = compiled._cache["value_outputs"](X, self.targets(compiled, y, X.shape[0]),
                                                               *self.unflatten(compiled, theta))
        return float(np.sum(total)) / X.shape[0], outputs

    def module(self, compiled) -> str:
        from symnet.numeric.standalone import layer_module_source

        numpy = compiled if compiled.function is self.numpy.function else replace(compiled, generated=self.numpy)
        functions = called_functions(numpy.gradient.program, numpy.source)
        return layer_module_source(numpy, functions)

    def predict(self, compiled, theta, X) -> np.ndarray:
        theta, X, _ = check_matrix_batch(compiled, theta, X, None)
        theta, X = theta.astype(compiled.dtype, copy=False), X.astype(compiled.dtype, copy=False)
        with np.errstate(over="ignore", under="ignore"):
            return self.predictor(X, *self.unflatten(compiled, theta))[0]

    def per_sample(self, compiled, X, y, theta):
        raise ValueError("per_sample=True gives each row's gradient of a scalar network; a layer network's code "
                         "sums the batch inside its matrix products (∂C/∂Wˡ = Σₓ δₓ aₓᵀ): call it on one row "
                         "at a time for per-sample gradients")


def array_shape(p: MatrixSymbol) -> tuple[int, ...]:
    """A parameter's array shape: bˡ a vector (nₗ,), Wˡ a matrix (nₗ, nₗ₋₁) even when it is 1 × 1 (a layer of
    width one: by its name, not its shape, or W² of a 3-1-1 network would be read as a vector)."""
    return (int(p.shape[0]),) if p.name.startswith("b") else (int(p.shape[0]), int(p.shape[1]))


def matrix_runner(function, layout: MatrixLayout):
    """``run(X, y, theta) -> (mean loss, flat gradient)`` for a generated function that sums over the batch."""
    slices, targets, size = layout.slices, layout.targets, layout.slices[-1][1]

    def run(X, y, theta):
        n = X.shape[0]
        with np.errstate(over="ignore", under="ignore"):   # e^{z − max z} may underflow to 0, as it should
            total, *grads = function(X, targets(None, y, n), *[theta[a:b].reshape(s) for a, b, s in slices])
        flat = np.empty(size, dtype=np.result_type(*grads))
        for (a, b, s), g in zip(slices, grads):     # the mean of each sum, written where θ keeps it: one pass
            np.divide(np.reshape(g, s), n, out=flat[a:b].reshape(s))
        return float(total) / n, flat

    return run
