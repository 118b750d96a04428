"""Checking a parameter vector, a batch and its targets before generated code runs on them.

``check_batch`` is the full check with one clear message per problem. ``BatchCheck`` is the same
check for a hot path: shapes are checked once per shape (then remembered), finiteness costs one dot
product of each array with itself (``numpy.vdot``, one read of the data): Σᵢ aᵢ² is finite when every aᵢ
is, and NaN or inf otherwise (or when the sum itself overflows, as values near 10¹⁵⁴ make it: then the
full check runs and passes).
No message is built unless something is wrong (then ``check_batch`` says what).
A program with matrix steps takes X batch first and its targets as class labels or N × k rows
(``check_matrix_batch``): the same messages, the shapes of its layers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from sympy import Symbol

from symnet.core.losses import target_range
from symnet.core.names import resolve_point

vdot = np.vdot  # flattens; BLAS ddot raises no floating-point warning on inf or NaN
isfinite = math.isfinite
minimum, maximum = np.minimum.reduce, np.maximum.reduce   # a vector's min and max without ndarray.min's wrapper
MAX_SHAPES = 16  # shapes remembered per compiled function (a training loop needs two or three)
DTYPES = ("float64", "float32")


def resolve_dtype(dtype) -> np.dtype:
    """The floating-point type a compiled loss computes in: ``"float64"`` (the default) or ``"float32"``
    (a name, ``numpy.float32`` or a NumPy dtype); ``ValueError`` naming the two for anything else."""
    try:
        name = np.dtype(dtype).name if dtype is not None and not isinstance(dtype, bool) else None
    except (TypeError, ValueError):
        name = None
    if name not in DTYPES:
        raise ValueError(f"dtype must be 'float64' (the default) or 'float32'; got {dtype!r}")
    return np.dtype(name)


class BatchCheck:
    """``check(theta, X, y) -> (theta, X, y)`` as float arrays, X two-dimensional; ``y`` may be None.

    ``full(theta, X, y)`` is the complete check (it raises ``ValueError`` saying what is wrong); by
    default ``check_batch`` for ``params`` and ``inputs``. ``every(y)``, if given, is a cheap test of the
    values of y run on every call (class labels in range); when it fails, ``full`` says why. A loss whose
    targets have a range (binary cross-entropy: 0 ≤ y ≤ 1) gives ``targets=(name, (low, high))``. With
    ``labels``, a vector y of an integer dtype (class labels) comes back as it came, not cast to floats (integers
    are finite: ``every`` alone checks them).
    """

    def __init__(self, params: Sequence[Symbol] = (), inputs: Sequence[Symbol] = (), full=None, every=None,
                 targets=None, dtype=np.float64, labels: bool = False):
        params, inputs = tuple(params), tuple(inputs)
        self.dtype = np.dtype(dtype)   # θ, X and y come out in it (float64 unless the compiled loss says float32)
        self.full = full or (lambda theta, X, y: check_batch(params, inputs, theta, X, y, targets))
        if targets is not None and every is None:
            every = lambda y: targets_within(y, targets[1])  # noqa: E731
        self.every, self.labels, self.shapes = every, labels, set()

    def __call__(self, theta, X, y):
        try:
            theta, X = real_array(theta, "theta", self.dtype), real_array(X, "X", self.dtype)
            whole = self.labels and integer_labels(y)   # class labels as integers stay so: finite, no cast
            y = y if y is None or whole else real_array(y, "y", self.dtype)
        except (TypeError, ValueError):
            return self.full(theta, X, y)  # raises, saying what was wrong
        if (theta.shape, X.shape, None if y is None else y.shape) not in self.shapes:
            return self._first(theta, X, y, whole)
        total = vdot(theta, theta) + vdot(X, X) + (0.0 if y is None or whole else vdot(y, y))
        if not isfinite(total) or (self.every is not None and y is not None and not self.every(y)):
            return self._cast(self.full(theta, X, y))  # NaN or inf: some value is not finite, or y's are wrong
        return theta, (X if X.ndim == 2 else X[:, None]), y

    def _first(self, theta, X, y, whole=False):
        checked = self._cast(self.full(theta, X, y))
        remember(self.shapes, (theta.shape, X.shape, None if y is None else y.shape))
        return (*checked[:2], y) if whole else checked

    def _cast(self, checked):
        return tuple(None if a is None else a.astype(self.dtype, copy=False) for a in checked)


def remember(seen: set, key) -> None:
    """Add ``key`` to the shapes a check has passed, at most ``MAX_SHAPES`` of them (the set starts again)."""
    if len(seen) >= MAX_SHAPES:
        seen.clear()
    seen.add(key)


def check_batch(params, inputs, theta, X, y, targets=None):
    """Validate and convert a parameter vector, a batch and targets; ``ValueError`` says what is wrong.

    ``targets``: ``(loss name, (low, high))`` when the loss takes targets in a range only.
    """
    theta = _finite_array(theta, "theta", (len(params),), lambda: f"one value per parameter ({_names(params)})")
    X = _finite_array(X, "X", None, lambda: f"shape (N, {len(inputs)}): one column per input ({_names(inputs)})")
    if X.ndim == 1 and len(inputs) == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != len(inputs) or X.shape[0] == 0:
        raise ValueError(f"X must have shape (N, {len(inputs)}) with N ≥ 1, one column per input "
                         f"({_names(inputs)}); got shape {X.shape}")
    if y is not None:
        y = _finite_array(y, "y", (X.shape[0],), lambda: "one target per row of X")
        check_targets(y, targets)
    return theta, X, y


def targets_within(y: np.ndarray, bounds) -> bool:
    """True when every target lies in ``bounds`` = (low, high) (NaN fails: every comparison with it is false)."""
    return bool(y.size == 0 or (bounds[0] <= y.min() and y.max() <= bounds[1]))


def check_targets(y, targets) -> None:
    """``ValueError`` naming the first row whose target lies outside the loss's range (``targets`` as in
    ``check_batch``; None: any finite target)."""
    if targets is None or y is None:
        return
    name, (low, high) = targets
    y = np.asarray(y, dtype=float)
    if targets_within(y, (low, high)):
        return
    where = np.argwhere(~((y >= low) & (y <= high)))[0]
    index = ", ".join(map(str, where))
    raise ValueError(f"y[{index}] = {y[tuple(where)]:g} (data row {int(where[0]) + 1}), but {name.replace('_', ' ')} "
                     f"takes targets from {low:g} to {high:g} (class labels 0 and 1, or probabilities): recode the "
                     f"labels, e.g. 1/2 or -1/1 as 0/1")


def _names(symbols) -> str:
    return ", ".join(map(str, symbols))


def _finite_array(value, name, shape, expected) -> np.ndarray:
    if isinstance(value, Mapping):
        raise TypeError(f"{name} must be an array, not a mapping; use params_vector(...) to order a dict")
    try:
        array = real_array(value, name)
    except ComplexInputError:
        raise
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numeric ({expected()}); got {type(value).__name__}: {err}") from None
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}: {expected()}; got shape {array.shape}")
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} contains {array[where]} at index {where if len(where) > 1 else where[0]}; "
                         f"expected finite numbers (remove or impute NaN and inf)")
    return array


class ComplexInputError(ValueError):
    """An array of complex numbers where symnet takes real ones."""


def real_array(value, name: str, dtype=float) -> np.ndarray:
    """``value`` as a float array (``dtype``: float64 unless given), refusing complex numbers
    (``ComplexInputError``): NumPy's float conversion would drop their imaginary parts with only a warning."""
    array = np.asarray(value)
    if array.dtype.kind == "c" or (array.dtype == object and any(isinstance(v, complex) for v in array.flat)):
        raise ComplexInputError(f"{name} holds complex numbers; symnet computes with real numbers only "
                                f"(pass {name}.real if the imaginary parts are meant to be dropped)")
    return array.astype(dtype, copy=False)


def params_vector(params: Sequence[Symbol], values: Mapping) -> np.ndarray:
    """Order a ``{symbol or name: value}`` mapping into a parameter vector; every parameter required.

    Checked by ``symnet.core.names.resolve_point``, the one point validator.
    """
    return np.array(list(resolve_point(tuple(params), values).values()), dtype=float)


# ---- a batch of a program with matrix steps: X batch first, targets as labels or N × k --------------------

def integer_labels(y) -> bool:
    """True when y is a vector of an integer dtype (class labels as a user's data usually holds them)."""
    return isinstance(y, np.ndarray) and y.dtype.kind in "iu" and y.ndim == 1


def labels_ok(y: np.ndarray, k: int) -> bool:
    """True unless y is a vector that is not class labels 0…k−1 (one-hot rows pass: their shape is checked).

    Integers take one pass: read as unsigned, a negative label is huge, so max < k says 0 ≤ y < k (while k is at
    most the signed type's 2^(bits−1): int8 labels of 300 classes take their minimum too). Floats take
    their range, then ``fmod(y, 1) = 0`` (whole numbers); NaN fails the range (every comparison with it is false).
    """
    if y.ndim != 1 or y.size == 0:
        return True
    if y.dtype.kind in "iu" and (y.dtype.kind == "u" or k <= np.iinfo(y.dtype).max + 1):
        return bool(maximum(y.view(y.dtype.str.replace("i", "u"))) < k)   # '<i8' → '<u8', byte order kept
    if y.dtype.kind in "iu":   # more classes than a signed type's half: a negative label read unsigned is < k
        return bool(0 <= minimum(y) and maximum(y) < k)
    return bool(0 <= minimum(y) and maximum(y) < k and not np.fmod(y, 1).any())


def check_matrix_batch(compiled, theta, X, y):
    """Validate a flat parameter vector (None: not given), a batch X (N × n₀) and targets for a program of
    matrix steps; ``ValueError`` says what is wrong."""
    n_in, n_params = compiled.network.sizes[0], compiled.network.n_params
    if theta is not None:
        theta = real_array(theta, "theta")
        if theta.shape != (n_params,) or not np.isfinite(theta).all():
            raise ValueError(f"theta must hold {n_params} finite numbers (each Wˡ row by row, then bˡ); got shape "
                             f"{theta.shape}")
    X = real_array(X, "X")
    if X.ndim != 2 or X.shape[1] != n_in or X.shape[0] == 0:
        raise ValueError(f"X must be an array of shape (N, {n_in}) with N ≥ 1, one row per sample; got {X.shape}")
    if not np.isfinite(X).all():
        row = np.flatnonzero(~np.isfinite(X).all(axis=1))[0] + 1
        raise ValueError(f"X must be finite; row {row} holds a value that is not (NaN or inf)")
    if y is not None:
        y = real_array(y, "y")
        if y.shape[:1] != X.shape[:1] or not np.isfinite(y).all():
            raise ValueError(f"y must hold one finite target per row of X ({X.shape[0]}); got shape {y.shape}")
        check_target_shape(compiled.network, y)
        check_targets(y, target_range(compiled.loss.name))
    return theta, X, y


def check_target_shape(network, y: np.ndarray) -> None:
    """Refuse targets whose shape does not fit the outputs: labels 0…k−1 (or one-hot rows) for a softmax,
    one number per sample for one output, else k numbers per sample."""
    k, out = network.sizes[-1], network.output_activation
    if y.ndim == 1 and out == "softmax":
        if not labels_ok(y, k):
            i = int(np.flatnonzero((y < 0) | (y >= k) | (np.rint(y) != y))[0])
            raise ValueError(f"y must hold class labels 0…{k - 1} (or one-hot rows) for a softmax output; "
                             f"y[{i}] is {y[i]:g}")
    elif not (y.ndim == 1 and k == 1) and y.shape[1:] != (k,):
        labels = (f"; one label per sample goes with a softmax output (layers:…-{k}:…:softmax) or one sigmoid "
                  f"output (layers:…-1:…:sigmoid)" if y.ndim == 1 else "")
        raise ValueError(f"y must hold {k} targets per sample, shape (N, {k}), for the network's {k} {out} outputs; "
                         f"got shape {y.shape}{labels}")
