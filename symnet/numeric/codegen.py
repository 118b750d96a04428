"""NumPy code from programs: the gradient program becomes the lines of one generated function.

The assignments are handed to ``lambdify`` as its ``cse`` (``generation``), so the generated source
reads like the derivation (``z5 = …``, ``h5 = sigmoid(z5)``, ``delta_z5 = …``) and can be shown to the
learner. ``symnet.numeric.printer`` prints it: library calls with their module paths, every symbol
under a generated identifier, activations in stable forms (σ = ``scipy.special.expit``).

The loss function reduces over the batch inside the generated code: it returns the mean loss and
the mean of each ∂L/∂θ — ∂(1/N Σₙ Lₙ)/∂θ = 1/N Σₙ ∂Lₙ/∂θ — so no N×P matrix is built unless
``per_sample=True`` asks for the rows. ``backend="jax"`` runs the same program jitted in JAX;
``backend="auto"`` (the default) picks the backend measured fastest for the program and says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sympy import Symbol

from symnet.core.backprop import grad
from symnet.core.losses import Loss, target_range
from symnet.core.network import Network
from symnet.core.program import Program
from symnet.numeric.batch import BatchCheck, check_batch, params_vector  # noqa: F401 (re-exported)
from symnet.numeric.bindings import compile_steps
from symnet.numeric.compiled import CompiledLoss
from symnet.numeric.generation import (NUMPY, Generated, expression_function, generate,  # noqa: F401 (re-exported)
                                       mean_outputs, source)
from symnet.numeric.kinds import as_target, dispatch  # noqa: F401 (as_target re-exported)
from symnet.numeric.layout import MatrixLayout
from symnet.numeric.printer import HELPERS, user_functions

BACKENDS = ("numpy", "jax", "fused", "matrix", "auto")
AUTO_FUSED = "scalar program: LLVM machine code (fused)"
AUTO_LAYERS = "layer network: BLAS matrix code (numpy)"
AUTO_FLOAT32 = "float32: NumPy (the fused LLVM backend computes in float64)"
NUMPY_FUNCTIONS = {name: fn for name, (fn, _) in HELPERS.items()}


def to_function(program: Program, args: Sequence[Symbol], name: str = "program", numpy: Mapping | None = None):
    """Compile ``program`` to a NumPy function of ``args`` returning its outputs (a list)."""
    return generate(args, program.outputs, program.assignments, name, numpy).function


def numpy_namespace(exprs, numpy: Mapping | None = None) -> dict:
    """Names the generated code binds: symnet's helpers, any class's ``_imp_``, then ``numpy``.

    >>> from sympy import Function, Symbol
    >>> class cube(Function):
    ...     _imp_ = staticmethod(lambda z: z**3)
    >>> numpy_namespace([cube(Symbol("z"))])["cube"](2.0)
    8.0
    """
    return {**NUMPY.modules, **user_functions(exprs, numpy)}


@dataclass(frozen=True)
class ScalarLayout:
    """How a scalar program's generated function takes its data: X by columns, θ one number per symbol."""

    def runner(self, compiled):
        return numpy_runner(compiled.generated.function, compiled.dtype)

    def checker(self, compiled) -> BatchCheck:
        return BatchCheck(compiled.params, compiled.inputs, targets=target_range(compiled.loss.name),
                          dtype=compiled.dtype)

    def arguments(self, X):
        return X.T

    def shapes(self, compiled) -> tuple:
        return ((),) * len(compiled.params)

    def check(self, compiled, X, y) -> None:
        compiled.checker.full(np.zeros(len(compiled.params)), X, y)

    def unflatten(self, compiled, theta) -> dict:
        return {p.name: float(t) for p, t in zip(compiled.params, theta)}

    def targets(self, compiled, y, n) -> np.ndarray:
        return np.asarray(y, dtype=compiled.dtype).reshape(n)

    def value(self, compiled, X, y, theta) -> float:
        return compiled.run(X.T, y, theta)[0]

    def module(self, compiled) -> str:
        from symnet.numeric.standalone import module_source

        return module_source(compiled)

    def predict(self, compiled, theta, X) -> np.ndarray:
        if "predict" not in compiled._cache:
            compiled._cache["predict"] = compile_network(compiled.network, compiled.numpy)
        return compiled._cache["predict"](theta, X)

    def per_sample(self, compiled, columns, y, theta):
        """Rows from the NumPy program without the means (compiled on first use, whatever the backend)."""
        if "rows" not in compiled._cache:
            program = compiled.gradient.program
            compiled._cache["rows"] = generate(program.inputs + program.params, program.outputs, program.assignments,
                                               "value_and_grad_rows", compiled.numpy).function
        values, n = call_generated(compiled._cache["rows"], columns, y, theta), len(y)
        losses = np.broadcast_to(np.asarray(values[0], dtype=float), (n,)).copy()
        grads = np.column_stack([np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in values[1:]])
        return losses, grads


SCALAR = ScalarLayout()


def call_generated(function, columns, y, theta):
    """``function(*columns, y, *theta)``; a function symnet does not know gets a message saying what to do."""
    try:
        return function(*columns, y, *(theta.tolist() if isinstance(theta, np.ndarray) else theta))
    except NameError as err:  # a function symnet does not know, with no NumPy form given
        raise NameError(f"{err}: give its NumPy form per call, value_and_grad(..., numpy={{'{err.name}': f}}), "
                        f"or an _imp_ on its class") from None


def numpy_runner(function, dtype=np.float64):
    """``run(columns, y, theta) -> (mean loss, gradient)`` for a generated NumPy function with the means inside
    (the gradient in ``dtype``: a float32 batch's steps stay float32, θ entering as Python floats, which NumPy
    does not let upcast an array)."""

    def run(columns, y, theta):
        values = call_generated(function, columns, y, theta)
        return float(values[0]), np.array(values[1:], dtype=dtype)

    return run


def value_and_grad(target: Loss | Network, rules: Mapping | None = None, numpy: Mapping | None = None,
                   backend: str = "auto", devices: int | None = None, dtype="float64") -> CompiledLoss:
    """Compile a loss to ``(theta, X, y) -> (mean loss, ∂(mean loss)/∂theta)``.

    Args:
        target: a ``Loss``; a ``Network`` stands for its default loss (a scalar network's squared error
            (y − ŷ)², as in every verb); a program with matrix steps (a layer network) compiles with matrix
            products, batch first (backend ``"numpy"`` or ``"jax"``).
        rules: extra derivative rules ``{SymPy class: (ans, *args) -> partials}``.
        numpy: NumPy implementations ``{function name: callable}`` of functions symnet does not know
            (a class with an ``_imp_`` needs none).
        backend: ``"auto"`` (the default): the backend measured fastest for the program — ``"fused"`` for a
            scalar program, ``"numpy"`` (BLAS matrix products) for a layer network, ``"numpy"`` where a
            function has no LLVM form — silently, with the choice in ``fn.backend`` and the reason in
            ``fn.why``; ``"numpy"``: one NumPy call per step; ``"jax"``: the same program in ``jax.numpy``,
            jitted, in float64 (an optional extra); ``"fused"``: the program as one loop over the batch in machine code
            (LLVM IR written by symnet, compiled by llvmlite in 0.1–0.6 s for the article's networks,
            then about 4–15× faster than NumPy at batch 1024;
            falls back to NumPy with a warning saying why); ``"matrix"``: a scalar network that is a stack of
            dense layers (``mlp``) runs through its layer twin's BLAS code, its parameters, source and derivation
            still the scalar ones (``numeric.mlp_road``; ``"auto"`` takes it from a layer of 512 weights on,
            ``MIN_LAYER_WEIGHTS``, and for float32).
            ``per_sample=True`` always runs the NumPy code.
        devices: with ``backend="jax"``, split each batch over this many of the devices JAX sees
            (data parallel; default: one device).
        dtype: ``"float64"`` (the default) or ``"float32"``: θ, X, y, every intermediate and the gradient in
            it (``fn.dtype``), on NumPy and JAX, for scalar and layer networks. ``backend="fused"`` computes in
            float64 and refuses float32; ``"auto"`` then picks NumPy (the matrix road for an ``mlp``).

    Returns:
        A ``CompiledLoss``, whatever the network's steps (scalars or matrices).

    >>> import numpy as np
    >>> from symnet import seed_network, squared_error
    >>> fn = value_and_grad(squared_error(seed_network()))
    >>> value, g = fn(np.zeros(11), np.array([[1.0, 2.0]]), np.array([1.0]))
    >>> round(value, 4), g.shape
    (0.25, (11,))
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    if devices is not None and backend != "jax":
        raise ValueError(f"devices={devices!r} splits batches over JAX devices; use it with backend='jax'")
    target, compile_kind = dispatch(COMPILERS, target, "value_and_grad")   # the loss's layout picks the row
    return compile_kind(target, rules, numpy, backend, devices, float_type(target, backend, dtype))


def _scalar_value_and_grad(target, rules, numpy, backend, devices=None, dtype=np.float64) -> CompiledLoss:
    """A scalar program compiled by columns: one NumPy call per step, jitted JAX, or fused machine code."""
    gradient = grad(target, rules=rules)
    program = gradient.program
    assignments, outputs = mean_outputs(program)
    args = program.inputs + program.params
    if backend == "jax":
        from symnet.numeric.jaxgen import jax_runner, jax_target

        generated = generate(args, outputs, assignments, "value_and_grad", numpy, jax_target())
        return CompiledLoss(target, gradient, generated, numpy, backend,
                            jax_runner(generated.function, devices, dtype), layout=SCALAR,
                            why="backend='jax' asked for", dtype=dtype)
    if backend in ("matrix", "auto"):   # a dense stack (mlp) through its layer twin where that is faster
        from symnet.numeric.mlp_road import matrix_road

        road = matrix_road(target, gradient, backend, dtype, SCALAR, _matrix_value_and_grad, rules, numpy)
        if road is not None:
            return road
    generated = generate(args, outputs, assignments, "value_and_grad", numpy)
    if backend in ("fused", "auto") and dtype == np.float64:
        return _fused(target, gradient, generated, numpy, auto=backend == "auto")
    return CompiledLoss(target, gradient, generated, numpy, layout=SCALAR, dtype=dtype,
                        why=AUTO_FLOAT32 if backend == "auto" else "backend='numpy' asked for")


def float_type(target, backend: str, dtype) -> np.dtype:
    """``dtype`` checked against what the backend and the kind of network compute in (``ValueError`` if not)."""
    from symnet.numeric.batch import resolve_dtype

    dtype = resolve_dtype(dtype)
    if dtype == np.float64:
        return dtype
    if backend == "fused":
        raise ValueError("backend='fused' computes in float64; use backend='numpy' (or 'jax') for float32")
    if target.layout not in ("columns", "batch-first"):     # the loss (``kinds.dispatch`` resolved it)
        raise ValueError(f"dtype='float32' is for scalar and layer networks; {type(target).__name__} computes in "
                         f"float64: drop dtype=")
    return dtype


def _sequences_value_and_grad(target, rules, numpy, backend, devices=None, dtype=None) -> CompiledLoss:
    """Batch-first sequences (``numeric.attention_compiled``)."""
    from symnet.numeric.attention_compiled import compile_attention

    if rules:   # an empty table is no rule of yours
        raise NotImplementedError("an attention network's gradient is compiled from the rule table's own rows: "
                                  "drop rules= (check_grads refuses it too)")
    return compile_attention(target, backend, devices)


def _whole_data_value_and_grad(target, rules, numpy, backend, devices=None, dtype=None) -> CompiledLoss:
    """A typed matrix loss (issue 19): NumPy over the whole data (``numeric.matrix_code``), or jitted JAX."""
    from symnet.numeric.matrix_code import compile_matrix_loss

    _numpy_or_jax("a typed matrix loss", backend)
    if backend == "jax":
        from symnet.numeric.matrix_jax import compile_matrix_jax

        return compile_matrix_jax(compile_matrix_loss(target, rules=rules), devices)
    return compile_matrix_loss(target, rules=rules)


def _numpy_or_jax(what: str, backend: str) -> None:
    """Refuse a backend a typed loss's whole-data compiler has not, rather than ignore it (as the attention
    compiler refuses; float32 is refused by ``float_type`` for both)."""
    if backend in ("fused", "matrix"):
        raise ValueError(f"backend={backend!r} runs scalar programs; {what} compiles to NumPy over the whole "
                         f"batch (or backend='jax'): use backend='auto', 'numpy' or 'jax'")


def _matrix_value_and_grad(target, rules, numpy, backend, devices=None, dtype=np.float64) -> CompiledLoss:
    """A program of matrix steps compiled batch first: BLAS matrix products (NumPy), or jitted (JAX)."""
    if numpy:
        raise ValueError("numpy= names NumPy forms of functions symnet does not know; a layer network's "
                         "activations all have one: drop numpy=")
    if backend == "fused":
        raise ValueError("backend='fused' runs scalar programs (one loop over the batch); a layer network "
                         "compiles with matrix products to NumPy (or backend='jax') only: use backend='numpy' "
                         "(BLAS) or 'jax'")
    gradient = grad(target, rules=rules)
    program, net = gradient.program, target.network.program
    function = compile_steps(program, list(program.outputs), "value_and_grad")
    generated = Generated(function, source(function), (), (), ())
    predictor = compile_steps(net, list(net.outputs), "predict", sum_batch=False)
    compiled = CompiledLoss(target, gradient, generated, dtype=dtype,
                            layout=MatrixLayout.of(target.network, predictor, generated, dtype),
                            why=AUTO_LAYERS if backend == "auto" else f"backend={backend!r} asked for")
    if backend == "jax":  # the same matrix program, jitted; the batch split over ``devices``
        from symnet.numeric.jax_layers import matrix_jax

        return matrix_jax(compiled, devices)
    return compiled


def _fused(target, gradient, generated, numpy, auto: bool) -> CompiledLoss:
    """The fused loss, or the NumPy one where LLVM cannot run it: silently for ``"auto"`` (the reason in
    ``why``), with a warning when ``backend="fused"`` was asked for."""
    import warnings

    from symnet.numeric.fused import fused_loss

    run, why = fused_loss(gradient.program, numpy)
    if run is None:
        if not auto:
            warnings.warn(f"backend='fused' is not available for this loss: {why}; using the NumPy backend",
                          UserWarning, stacklevel=3)
        return CompiledLoss(target, gradient, generated, numpy, layout=SCALAR, why=f"{why}: NumPy")
    return CompiledLoss(target, gradient, generated, numpy, "fused", run, layout=SCALAR,
                        why=AUTO_FUSED if auto else "backend='fused' asked for")


def compile_network(network: Network, numpy: Mapping | None = None):
    """Compile ŷ: returns ``predict(theta, X) -> (N,)``.

    >>> import numpy as np
    >>> from symnet import seed_network
    >>> predict = compile_network(seed_network())
    >>> predict(np.zeros(11), np.array([[1.0, 2.0]]))
    array([0.5])
    """
    program = network.program
    generated = generate(program.inputs + program.params, program.outputs, program.assignments, "predict", numpy)
    check = BatchCheck(network.params, network.inputs)

    def predict(theta, X):
        theta, X, _ = check(theta, X, None)
        out = generated.function(*X.T, *theta.tolist())[0]
        return np.broadcast_to(np.asarray(out, dtype=float), (X.shape[0],)).copy()

    predict.source = generated.source
    return predict


# layout -> how a loss of that kind is compiled (``symnet.numeric.kinds``): a new kind of model is one row
COMPILERS = {
    "columns": _scalar_value_and_grad,
    "batch-first": _matrix_value_and_grad,
    "sequences": _sequences_value_and_grad,
    "whole-data": _whole_data_value_and_grad,
}
