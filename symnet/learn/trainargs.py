"""The checked arguments of ``symnet.train``, for every kind of network: the data sets (and a held-out
validation set), θ₀, the trainable parameters, the weight decay, the schedule and the accuracy option.

Each bad argument is refused with ``ValueError`` (what was expected, what came) before any work. θ₀
is drawn by the parameters' shapes: N(0, 0.5²) for a scalar parameter, N(0, g/nₗ₋₁) for the entries of
a weight matrix Wˡ (g = 2 after ReLU, He; else 1, Xavier-style) and 0 for a bias vector bˡ.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

import numpy as np

from symnet.core.names import resolve_wrt
from symnet.learn.data import Dataset, as_arrays, split
from symnet.numeric.batch import real_array

INIT_SCALE = 0.5


CLASSIFIER_LOSSES = ("binary_cross_entropy", "softmax_cross_entropy")
# the settings that train a layer network well (the digits to 97 % in about a second):
# ``train(net, data, **LAYER_DEFAULTS)``
LAYER_DEFAULTS = {"optimizer": "adam", "learning_rate": 0.01, "epochs": 40, "batch_size": 32, "weight_decay": 1e-3,
                  "schedule": "linear"}
SCHEDULES = ("constant", "linear")


def _options(weight_decay, schedule, accuracy):
    """(λ, schedule, accuracy), each bad one refused before any work."""
    try:
        decay = float(weight_decay)
    except (TypeError, ValueError):
        decay = float("nan")
    if not np.isfinite(decay) or decay < 0 or isinstance(weight_decay, bool):
        raise ValueError(f"weight_decay must be a finite number ≥ 0; got {weight_decay!r}")
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {schedule!r}: expected one of {', '.join(SCHEDULES)}")
    if accuracy not in (None, True, False):
        raise TypeError(f"accuracy must be True, False or None (when the loss is a classifier's); got {accuracy!r}")
    return decay, schedule, accuracy


def input_width(network) -> int | None:
    """How many numbers one sample holds: one per scalar input; None for a vector input x, whose width (and
    the targets') the compiled loss checks with its own message (``_check_sets``)."""
    return None if any(getattr(s, "shape", None) for s in network.inputs) else len(network.inputs)


def _check_sets(fn, train_set: Dataset, val_set: Dataset | None) -> None:
    """Refuse a training or validation set the network cannot take (width, labels, targets), before θ exists."""
    for name, data in (("training", train_set), ("test", val_set)):
        if data is not None:
            try:
                fn.check(data.X, data.y)
            except ValueError as error:
                raise ValueError(f"the {name} set ({data.name}): {error}") from None


def initial_theta(fn, rng, theta0=None, names=()) -> np.ndarray:
    """θ₀ in the compiled loss's parameter order: ``theta0`` as given, else N(0, 0.5²) for scalar parameters,
    N(0, g/nₗ₋₁) for a weight matrix's entries (g = 2 after ReLU, He; else 1) and zeros for a bias vector."""
    shapes = fn.shapes
    if all(shape == () for shape in shapes):
        return _initial_theta(names, theta0, rng)
    gain = 2.0 if "relu" in _activation_names(fn.network) else 1.0
    parts = [rng.normal(scale=np.sqrt(gain / shape[1]), size=shape[0] * shape[1]) if len(shape) == 2
             else np.zeros(int(np.prod(shape))) if len(shape) == 1 else INIT_SCALE * rng.standard_normal(1)
             for shape in shapes]
    theta = np.concatenate(parts)
    if isinstance(theta0, Mapping):
        raise ValueError(f"theta0 for a network of matrix parameters is one flat vector of {theta.size} numbers "
                         f"(each Wˡ row by row, then bˡ, as CompiledLoss.unflatten reads it); a {{name: value}} "
                         f"mapping names scalar parameters")
    return theta if theta0 is None else given_theta((), theta0, theta)


def _activation_names(network) -> tuple:
    activation = getattr(network, "activation", None)
    return tuple(a for a in (activation if isinstance(activation, (tuple, list)) else (activation,))
                 if isinstance(a, str))


def _decay_vector(fn, decay: float):
    """λ on each entry of θ that is a weight (a matrix Wˡ's entries, a scalar parameter not named b…), else 0;
    None when λ = 0."""
    if decay == 0:
        return None
    parts = [np.full(int(np.prod(shape)), float(len(shape) == 2 or (shape == () and not str(p).startswith("b"))))
             for p, shape in zip(fn.params, fn.shapes)]
    return (decay * np.concatenate(parts)).astype(getattr(fn, "dtype", np.float64), copy=False)


def _as_dataset(data, n_inputs, what) -> Dataset:
    if isinstance(data, Dataset):
        dataset = data
    else:
        X, y = as_arrays(data)
        X, y = real_array(X, "X"), real_array(y, "y")
        X = X[:, None] if X.ndim == 1 and n_inputs == 1 else X     # None: a matrix input, checked by the loss
        if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
            raise ValueError(f"{what}: X must have shape (N, {n_inputs}) and y shape (N,); got X {X.shape}, y {y.shape}")
        dataset = Dataset(X, y, tuple(f"x{i + 1}" for i in range(X.shape[1])), what)
    if len(dataset) == 0 or (dataset.X.shape[1] != n_inputs and n_inputs is not None):
        raise ValueError(f"{what}: the network has {n_inputs} input(s), so X needs {n_inputs} column(s) and at least "
                         f"one row; got X of shape {dataset.X.shape}")
    for array, label in ((dataset.X, "X"), (dataset.y, "y")):
        bad = np.argwhere(~np.isfinite(array))
        if bad.size:
            raise ValueError(f"{what}: {label} has the non-finite value {array[tuple(bad[0])]} at index "
                             f"{tuple(int(i) for i in bad[0])}; remove or fill in missing values")
    return dataset


def _resolve_validation(data, validation, seed, n_inputs):
    if validation is None:
        return data, None
    if isinstance(validation, Real) and not isinstance(validation, bool):  # a fraction, checked by split
        return split(data, validation, seed)
    return data, _as_dataset(validation, n_inputs, "validation")


def _initial_theta(names, theta0, rng) -> np.ndarray:
    """θ₀ of scalar parameters: N(0, 0.5²) each, or ``theta0`` (names left out of a mapping drawn so)."""
    theta = INIT_SCALE * rng.standard_normal(len(names))
    return theta if theta0 is None else given_theta(names, theta0, theta)


def given_theta(names, theta0, theta) -> np.ndarray:
    """``theta0`` (a vector, or ``{name: value}`` over ``names``, the others from ``theta``) checked as θ₀."""
    if isinstance(theta0, Mapping):
        given = {str(k): v for k, v in theta0.items()}
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise ValueError(f"theta0 names unknown parameter(s) {', '.join(unknown)}; the network has "
                             f"{', '.join(names)}")
        values = [given.get(n, t) for n, t in zip(names, theta)]
    else:
        values = theta0
    n = len(theta)
    try:
        theta = np.array(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"theta0 must be numbers; got {theta0!r}") from None
    if theta.shape != (n,) or not np.isfinite(theta).all():
        shown = f" ({', '.join(names)})" if len(names) == n else ""
        raise ValueError(f"theta0 must hold {n} finite numbers, one per parameter{shown}; got shape {theta.shape}")
    return theta


def _trainable_index(lossobj, trainable, fn) -> tuple[np.ndarray, list]:
    """(indices into θ, names) of the parameters named by ``trainable``, checked by the one validator of
    names (``symnet.core.names.resolve_wrt``: ``"b5"``, ``["theta1", "w5_1"]``…); a matrix parameter
    trains all its entries."""
    params = lossobj.network.params
    if trainable is None:
        wanted = set(params)
    else:
        try:
            wanted = resolve_wrt(lossobj, trainable)
        except ValueError as error:
            raise ValueError(f"trainable must name parameters of the network: {error}") from None
        inputs = [s.name for s in wanted if s not in params]
        if inputs:
            raise ValueError(f"trainable must name parameters of the network; {', '.join(inputs)} is an input")
    sizes = [int(np.prod(shape)) for shape in fn.shapes]
    starts = np.cumsum([0, *sizes])
    index = [np.arange(start, start + size) for p, start, size in zip(params, starts, sizes) if p in wanted]
    return np.concatenate(index), [str(p) for p in params if p in wanted]
