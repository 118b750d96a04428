"""NumPy code from programs: the gradient program becomes the lines of one generated function.

The assignments are handed to ``lambdify`` as its ``cse``, so the generated source reads like the
derivation (``z5 = …``, ``h5 = sigmoid(z5)``, ``delta_z5 = …``) and can be shown to the learner.
Activations are bound to stable NumPy forms: σ(z) = exp(−log(1 + e^(−z))) via ``logaddexp``,
softplus(z) = log(1 + e^z) via ``logaddexp``; no overflow for any finite z.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sympy import Basic, Function, Symbol, lambdify

from symnet.core.backprop import Gradient, grad
from symnet.core.losses import Loss, as_loss
from symnet.core.names import resolve_point
from symnet.core.network import Network
from symnet.core.program import Program
from symnet.numeric.functions import MODULES, numpy_functions

NUMPY_FUNCTIONS = numpy_functions()    # sigmoid, relu, softplus… from the activation table


def numpy_namespace(exprs, numpy: Mapping | None = None) -> dict:
    """Names the generated code may call: symnet's stable activations, any function class's ``_imp_``
    (SymPy's ``implemented_function`` convention), then the per-call ``numpy`` mapping {name: callable}.

    >>> from sympy import Function, Symbol
    >>> class cube(Function):
    ...     _imp_ = staticmethod(lambda z: z**3)
    >>> numpy_namespace([cube(Symbol("z"))])["cube"](2.0)
    8.0
    """
    names = dict(NUMPY_FUNCTIONS)
    for expr in exprs:
        for node in expr.atoms(Function):
            imp = getattr(type(node), "_imp_", None)
            if imp is not None:
                names[type(node).__name__] = imp
    names.update(numpy or {})
    return names


def to_function(program: Program, args: Sequence[Symbol], name: str = "program", numpy: Mapping | None = None):
    """Compile ``program`` to a NumPy function of ``args`` returning its outputs (a list).

    ``numpy`` maps the names of functions symnet does not know to NumPy callables, for this call only.
    """
    assignments = list(program.assignments)
    namespace = numpy_namespace([rhs for _, rhs in assignments] + list(program.outputs), numpy)
    fn = lambdify(list(args), list(program.outputs), modules=[namespace, *MODULES],
                  cse=lambda exprs: (assignments, exprs), docstring_limit=0)
    fn.__name__ = name
    return fn


def source(fn) -> str:
    """The generated Python source of a compiled function, under the name it was compiled as."""
    return inspect.getsource(fn).replace("def _lambdifygenerated(", f"def {fn.__name__}(", 1)


@dataclass(frozen=True)
class CompiledLoss:
    """A compiled loss: ``(theta, X, y) -> (mean loss, gradient vector)``; ``per_sample=True`` for rows.

    ``theta`` is a vector ordered like ``params``; ``X`` has shape (N, len(inputs)); ``y`` shape (N,).
    """

    loss: Loss
    gradient: Gradient
    function: object

    @property
    def params(self) -> tuple[Symbol, ...]:
        return self.gradient.wrt

    @property
    def inputs(self) -> tuple[Symbol, ...]:
        return self.loss.network.inputs

    @property
    def source(self) -> str:
        """The generated NumPy source: forward steps, then the δ sweep."""
        return source(self.function)

    def __call__(self, theta, X, y, per_sample: bool = False):
        theta, X, y = check_batch(self.params, self.inputs, theta, X, y)
        return self.evaluate_columns(tuple(X.T), y, theta, per_sample)

    def evaluate_columns(self, columns, y, theta, per_sample: bool = False):
        """The same as calling, on already validated data: ``columns`` are X's columns (a hot loop's entry).

        Args:
            columns: one float array of length N per input, in ``inputs`` order.
            y: targets, shape (N,); theta: parameters, shape (P,).
            per_sample: return per-row losses (N,) and gradients (N, P) instead of means.

        Returns:
            (mean loss, gradient (P,)), or the per-sample arrays.
        """
        with np.errstate(over="ignore", under="ignore"):
            try:
                values = self.function(*columns, y, *theta)
            except NameError as err:  # a function symnet does not know, with no NumPy form given
                raise NameError(f"{err}: give its NumPy form per call, value_and_grad(..., numpy={{'{err.name}': f}}), "
                                f"or an _imp_ on its class") from None
        n = len(y)
        losses = np.broadcast_to(np.asarray(values[0], dtype=float), (n,))
        grads = np.column_stack([np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in values[1:]])
        if per_sample:
            return losses.copy(), grads
        return float(losses.mean()), grads.mean(axis=0)

    def value(self, theta, X, y) -> float:
        """The mean loss alone."""
        return self(theta, X, y)[0]


def value_and_grad(target: Loss | Network, rules: Mapping | None = None, numpy: Mapping | None = None) -> CompiledLoss:
    """Compile a loss to ``(theta, X, y) -> (mean loss, ∂(mean loss)/∂theta)``.

    Args:
        target: a ``Loss``; a ``Network`` stands for its squared-error loss (y − ŷ)², as in every verb.
        rules: extra derivative rules ``{SymPy class: (ans, *args) -> partials}``.
        numpy: NumPy implementations ``{function name: callable}`` of functions symnet does not know
            (a class with an ``_imp_`` needs none).

    Returns:
        A ``CompiledLoss``.

    >>> import numpy as np
    >>> from symnet import seed_network, squared_error
    >>> fn = value_and_grad(squared_error(seed_network()))
    >>> value, g = fn(np.zeros(11), np.array([[1.0, 2.0]]), np.array([1.0]))
    >>> round(value, 4), g.shape
    (0.25, (11,))
    """
    target = as_loss(target)
    gradient = grad(target, rules=rules)
    program = gradient.program
    return CompiledLoss(target, gradient,
                        to_function(program, program.inputs + program.params, "value_and_grad", numpy))


def compile_network(network: Network, numpy: Mapping | None = None):
    """Compile ŷ: returns ``predict(theta, X) -> (N,)``.

    >>> import numpy as np
    >>> from symnet import seed_network
    >>> predict = compile_network(seed_network())
    >>> predict(np.zeros(11), np.array([[1.0, 2.0]]))
    array([0.5])
    """
    program = network.program
    fn = to_function(program, program.inputs + program.params, "predict", numpy)

    def predict(theta, X):
        theta, X, _ = check_batch(network.params, network.inputs, theta, X, None)
        with np.errstate(over="ignore", under="ignore"):
            out = fn(*X.T, *theta)[0]
        return np.broadcast_to(np.asarray(out, dtype=float), (X.shape[0],)).copy()

    predict.source = source(fn)
    return predict


def check_batch(params, inputs, theta, X, y):
    """Validate and convert a parameter vector, a batch and targets; ``ValueError`` says what is wrong."""
    theta = _finite_array(theta, "theta", (len(params),), f"one value per parameter ({', '.join(map(str, params))})")
    X = _finite_array(X, "X", None, f"shape (N, {len(inputs)}): one column per input ({', '.join(map(str, inputs))})")
    if X.ndim == 1 and len(inputs) == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != len(inputs) or X.shape[0] == 0:
        raise ValueError(f"X must have shape (N, {len(inputs)}) with N ≥ 1, one column per input "
                         f"({', '.join(map(str, inputs))}); got shape {X.shape}")
    if y is not None:
        y = _finite_array(y, "y", (X.shape[0],), "one target per row of X")
    return theta, X, y


def _finite_array(value, name, shape, expected) -> np.ndarray:
    if isinstance(value, Mapping):
        raise TypeError(f"{name} must be an array, not a mapping; use params_vector(...) to order a dict")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numeric ({expected}); got {type(value).__name__}: {err}") from None
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}: {expected}; got shape {array.shape}")
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} contains {array[where]} at index {where if len(where) > 1 else where[0]}; "
                         f"expected finite numbers (remove or impute NaN and inf)")
    return array


def params_vector(params: Sequence[Symbol], values: Mapping) -> np.ndarray:
    """Order a ``{symbol or name: value}`` mapping into a parameter vector; every parameter required.

    Checked by ``symnet.core.names.resolve_point``, the one point validator.
    """
    return np.array(list(resolve_point(tuple(params), values).values()), dtype=float)


def expression_function(expr: Basic, args: Sequence[Symbol], numpy: Mapping | None = None):
    """Compile a single expression (e.g. a 1-D function h(x)) with the stable activations."""
    return lambdify(list(args), expr, modules=[numpy_namespace([expr], numpy), *MODULES], docstring_limit=0)
