"""A fused backend: the gradient program as one compiled loop over the batch (``backend="fused"``).

The NumPy backend runs one NumPy call per scalar operation, each over the whole batch, and pays
for every temporary array. Here the same generated function runs per sample inside one loop, with
the batch sums accumulated as it goes (Σₙ ∂Lₙ/∂θ, then /N), compiled by numba: no temporaries,
one pass over the data. σ and H get scalar helpers (stable σ: e^z/(1 + e^z) for z < 0).

Chosen by measurement (benchmarks/README.md): numba compiles the program this module generates
directly; SymEngine's LLVM ``Lambdify`` wants closed forms. Where numba is missing or cannot
compile a function (``scipy.special.erf``…), ``fused_loss`` says why and returns ``None``; the
caller then falls back to NumPy.
"""

from __future__ import annotations

import importlib
import math
from functools import cache

import numpy as np
from sympy import S

from symnet.numeric.generation import Target, generate
from symnet.numeric.printer import NumPyCodePrinter

DRIVER = '''
def fused(X, y, theta):
    n = y.shape[0]
    {init}
    for i in range(n):
        {unpack} = sample({columns}y[i], {theta})
        {accumulate}
    grad = numpy.empty({p})
    {store}
    return {loss}, grad
'''


class ScalarCodePrinter(NumPyCodePrinter):
    """The NumPy printer, with H(z) as a bound scalar helper (numba has no ``numpy.heaviside``)."""

    def _print_Heaviside(self, expr):
        return f"heaviside({self._print(expr.args[0])}, {self._print(expr.args[1] if len(expr.args) > 1 else S.Half)})"


@cache
def fused_target() -> Target | None:
    """The numba target, or None when numba cannot be imported."""
    try:
        numba = importlib.import_module("numba")
    except ImportError:
        return None

    @numba.njit(cache=False)
    def sigmoid(z):
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    @numba.njit(cache=False)
    def heaviside(z, h0):
        return 1.0 if z > 0 else (h0 if z == 0 else 0.0)

    helpers = {"sigmoid": (sigmoid, None), "heaviside": (heaviside, None)}
    return Target(ScalarCodePrinter, {"numpy": np, "math": math}, helpers)


def fused_loss(program, numpy=None):
    """``(run, source)`` for the gradient program ``program`` fused by numba, or ``(None, why)``."""
    target = fused_target()
    if target is None:
        return None, "numba is not installed (pip install numba)"
    if numpy:
        return None, "functions given per call (numpy=…) are Python functions numba cannot compile"
    numba = importlib.import_module("numba")
    d, p = len(program.inputs) - 1, len(program.params)
    try:
        sample = generate(program.inputs + program.params, program.outputs, program.assignments, "sample",
                          None, target, as_tuple=True)
        text = _driver(d, p, len(program.outputs))
        namespace = {"numpy": np, "sample": numba.njit(sample.function)}
        exec(compile(text, "<symnet-fused>", "exec"), namespace)  # noqa: S102 (symnet's own generated text)
        fused = numba.njit(namespace["fused"])
        fused(np.zeros((1, d)), np.zeros(1), np.zeros(p))  # compile now, not at the first call
    except Exception as err:  # noqa: BLE001 (numba reports typing errors under many classes)
        return None, f"numba cannot compile it ({type(err).__name__}: {str(err).splitlines()[0][:160]})"

    def run(columns, y, theta):  # X.T gives back X itself: no copy unless X is not C-ordered (one layout, one build)
        X = columns.T if isinstance(columns, np.ndarray) else np.column_stack(columns)
        loss, grad = fused(np.ascontiguousarray(X), np.ascontiguousarray(y), np.ascontiguousarray(theta, dtype=float))
        return float(loss), grad

    return run, sample.source + text


def _driver(d: int, p: int, outputs: int) -> str:
    values = [f"v{k}" for k in range(outputs)]
    return DRIVER.format(
        init="; ".join(f"s{k} = 0.0" for k in range(outputs)),
        unpack=", ".join(values) + ("," if outputs == 1 else ""),
        columns="".join(f"X[i, {j}], " for j in range(d)),
        theta=", ".join(f"theta[{k}]" for k in range(p)),
        accumulate="\n        ".join(f"s{k} += v{k}" for k in range(outputs)),
        p=p,
        store="\n    ".join(f"grad[{k - 1}] = s{k} / n" for k in range(1, outputs)) or "pass",
        loss="s0 / n",
    )
