"""Training: the article's §3 loop, θ ← θ − η·∂L/∂θ, with the gradient from symbolic backprop, for every
kind of network (scalar neurons or matrix layers: what differs lives in the compiled loss).

The mean loss L(θ) = (1/N) Σₙ ℓ(F(θ, xₙ), yₙ) and its gradient come from one compiled gradient
program (``value_and_grad``, compiled once per call). Each epoch visits the training set once, in
one batch or in shuffled mini-batches, and the optimiser (SGD, momentum, Adam, or an object of yours)
updates only the trainable parameters:

    θ ← θ − η_e · (∂L/∂θ + λ·W),    η_e = η (constant) or η·(1 − e/E) in epoch e of E (linear decay),

where λ is the weight decay, an L2 penalty ½λ‖W‖² on the weights (not the biases). History entry k is
the loss (and, for a classifier, the accuracy) at θ after k epochs (k = 0 is the start).
Divergence — a loss, gradient or θ that is not finite, or |θ| beyond ``THETA_LIMIT`` — stops
training at the step it happens with ``TrainingDiverged``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from numbers import Real

import numpy as np
from threadpoolctl import threadpool_limits

from symnet.checks import integer, positive
from symnet.core.layers import LayerLoss, LayerNetwork
from symnet.core.losses import Loss, target_range
from symnet.core.names import resolve_wrt
from symnet.core.network import Network
from symnet.errors import SymnetError
from symnet.io.text import loss as make_loss
from symnet.learn.data import Dataset, as_arrays, split
from symnet.learn.modelfile import load, save
from symnet.learn.result import History, TrainResult, classify, labels
from symnet.learn.optim import get_optimizer, optimizer_name
from symnet.limits import check_training_cost
from symnet.numeric.batch import check_targets, real_array

__all__ = ["train", "TrainResult", "History", "TrainingDiverged", "save", "load", "THETA_LIMIT"]

THETA_LIMIT = 1e12
INIT_SCALE = 0.5


class TrainingDiverged(SymnetError, ValueError):
    """Training blew up: the loss, a gradient or a parameter became non-finite or huge."""

    def __init__(self, message: str, epoch: int, loss: float, max_grad: float, param: str = ""):
        super().__init__(message)
        self.epoch, self.loss, self.max_grad, self.param = epoch, loss, max_grad, param


def train(target, data, optimizer="adam", learning_rate=0.05, epochs=200, batch_size=None, seed=0, theta0=None,
          trainable=None, validation=None, clip=None, loss=None, progress=None, log_every=None,
          callback=None, backend="numpy", devices=None, weight_decay=0.0, schedule="constant", accuracy=None,
          blas_threads=1) -> TrainResult:
    """Fit θ by gradient descent on the mean loss; the same arguments give the same θ, bit for bit.

    Args:
        target: a network (``mlp``, ``seed_network``, ``layers``…; its loss named by ``loss``) or a loss.
        data: a ``Dataset`` or ``(X, y)``; y holds class labels 0…k−1 for a softmax output.
        optimizer: "sgd", "momentum", "adam", or an optimiser object (then ``learning_rate`` is unused).
        learning_rate: η.
        epochs: passes over the training data.
        batch_size: samples per step (None: the whole set, one step per epoch).
        seed: seeds the initial θ, the shuffling and a fractional validation split.
        theta0: initial θ, a vector or ``{name: value}`` (names left out start random); default
            N(0, 0.5²) for each scalar parameter, N(0, g/nₗ₋₁) for the entries of a weight matrix Wˡ
            (g = 2 after ReLU, He; else 1) and 0 for a bias vector bˡ.
        trainable: the parameters to update, named as for ``grad`` (``"b5"``, ``["theta5"]`` for all of
            neuron 5's); the others stay at their initial values.
        validation: a ``Dataset``, ``(X, y)``, or a fraction of ``data`` held out.
        clip: largest gradient norm; a longer gradient is scaled down to it.
        loss: the loss name when ``target`` is a network (default: squared error for a scalar network, the
            layer network's own: softmax cross-entropy after a softmax…); a loss target brings its own.
        progress: None (or True): a tqdm bar on a terminal or in Jupyter (``tqdm.auto``), else a log line
            to stderr every ``log_every`` epochs; False: quiet.
        log_every: epochs between log lines (default: a tenth of ``epochs``).
        callback: ``callback(epoch, theta, train_loss, val_loss)`` after each epoch; return True to stop.
        backend: where the gradient runs: "numpy", "jax" (jitted, float64) or "fused" (see ``value_and_grad``).
        devices: with backend="jax", split each batch over this many devices (data parallel).
        weight_decay: λ of the L2 penalty ½λ‖W‖² on the weights (not the biases b…, bˡ).
        schedule: "constant" (η throughout) or "linear" (η·(1 − e/E) in epoch e of E, decaying to 0).
        accuracy: record the accuracy per epoch (None: when the loss is a classifier's, cross-entropy).
        blas_threads: BLAS threads while training (None: the library's own choice). One is the default:
            mini-batch products are small, and on 2 shared cores one thread trained the digits network
            4× faster than OpenBLAS's default.

    Returns:
        A ``TrainResult``.

    Raises:
        TrainingDiverged: the loss, a gradient or θ became non-finite (or |θ| > 1e12); says the epoch.

    >>> from symnet import mlp
    >>> from symnet.learn.data import make
    >>> result = train(mlp([2, 4, 1], "tanh", "sigmoid"), make("xor"), epochs=300, progress=False)
    >>> result.history.train_loss[-1] < 0.02
    True
    """
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable as callback(epoch, theta, train_loss, val_loss); got {callback!r}")
    if log_every is not None:
        log_every = integer(log_every, "log_every", at_least=1)
    lossobj, loop, theta, settings = _prepare(target, data, optimizer, learning_rate, epochs, batch_size, seed,
                                              theta0, trainable, validation, clip, loss, (backend, devices),
                                              (weight_decay, schedule, accuracy))
    report, close = _reporter(progress, log_every, settings["epochs"])
    try:
        with threadpool_limits(limits=blas_threads, user_api="blas"):
            theta, history = loop.run(theta, settings["epochs"], report, callback)
    finally:
        close()
    return TrainResult(lossobj.network, lossobj, loop.names, theta, history, settings,
                       inputs=loop.train_set.inputs if loop.fn.shapes[0] else None, compiled=loop.fn)


def _prepare(target, data, optimizer, learning_rate, epochs, batch_size, seed, theta0, trainable, validation, clip,
             loss, placement=("numpy", None), options=(0.0, "constant", None)):
    """Check every argument of ``train``, then compile the gradient program: (loss, loop, θ₀, settings)."""
    lossobj = _resolve_loss(target, loss)
    n_inputs, names = input_width(lossobj.network), tuple(str(p) for p in lossobj.network.params)
    if not names:
        raise ValueError(f"the network {lossobj.network} has no parameters, so there is nothing to train; "
                         f"give it parameters (e.g. --expr \"w*x + b\" --inputs x)")
    seed, epochs = integer(seed, "seed", at_least=0), integer(epochs, "epochs", at_least=1)
    batch_size = None if batch_size is None else integer(batch_size, "batch_size", at_least=1)
    clip = None if clip is None else positive(clip, "clip")
    decay, schedule, accuracy = _options(*options)
    data = _as_dataset(data, n_inputs, "data")
    check_targets(data.y, target_range(lossobj.name))  # BCE takes targets 0…1 only: refused before the split
    train_set, val_set = _resolve_validation(data, validation, seed, n_inputs)
    if val_set is not None:
        check_targets(val_set.y, target_range(lossobj.name))
    check_training_cost(lossobj.network.program.count_ops(), len(data), epochs, batch_size)
    opt = get_optimizer(optimizer, learning_rate)
    from symnet.numeric.codegen import value_and_grad

    backend, devices = placement
    fn = value_and_grad(lossobj, backend=backend, devices=devices)
    _check_sets(fn, train_set, val_set)     # labels and widths by the compiled loss's own rules, before θ exists
    rng = np.random.default_rng(seed)
    theta, (mask, trained) = initial_theta(fn, rng, theta0, names), _trainable_index(lossobj, trainable, fn)
    accuracy = lossobj.name in CLASSIFIER_LOSSES if accuracy is None else accuracy
    loop = _Loop(fn, opt, names, mask, clip, train_set, val_set, batch_size, rng,
                 _decay_vector(fn, decay), schedule == "linear", accuracy)
    settings = {"optimizer": optimizer_name(opt), "learning_rate": float(opt.learning_rate), "epochs": epochs,
                "batch_size": batch_size, "seed": seed, "loss": lossobj.name, "clip": clip,
                "trainable": trained,
                "data": data.name, "data_inputs": list(data.inputs), "n_train": len(train_set),
                "n_validation": 0 if val_set is None else len(val_set), "weight_decay": decay, "schedule": schedule}
    if backend != "numpy":
        settings.update({"backend": loop.fn.backend, "devices": devices or 1})
    return lossobj, loop, theta, settings


CLASSIFIER_LOSSES = ("binary_cross_entropy", "softmax_cross_entropy")
# the settings that train a layer network well (the digits to 97 % in about a second): ``train(net, data, **LAYER_DEFAULTS)``
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
        theta = INIT_SCALE * rng.standard_normal(len(shapes))
        return theta if theta0 is None else given_theta(names, theta0, theta)
    gain = 2.0 if "relu" in _activation_names(fn.network) else 1.0
    parts = [rng.normal(scale=np.sqrt(gain / shape[1]), size=shape[0] * shape[1]) if len(shape) == 2
             else np.zeros(int(np.prod(shape))) if len(shape) == 1 else INIT_SCALE * rng.standard_normal(1)
             for shape in shapes]
    theta = np.concatenate(parts)
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
    return decay * np.concatenate(parts)


@dataclass
class _Loop:
    fn: object
    opt: object
    names: tuple
    mask: np.ndarray
    clip: float | None
    train_set: Dataset
    val_set: Dataset | None
    batch_size: int | None
    rng: np.random.Generator
    decay: np.ndarray | None = None
    linear: bool = False
    accuracy: bool = False

    @property
    def outputs(self) -> int:
        return int(getattr(self.fn.network, "sizes", (1,))[-1])

    def name(self, i: int) -> str:
        """The name of θ's entry i (``w5_1``; ``W1_2_3`` inside a matrix), for messages."""
        if all(shape == () for shape in self.fn.shapes):
            return self.names[i]
        from symnet.core.layers import entry_names

        return entry_names(self.fn.params, [i])[0]

    def run(self, theta, epochs, report, callback):
        start, state = time.perf_counter(), self.opt.init(theta[self.mask])
        X, y = self._buffer(self.train_set.X), self.train_set.y
        full = self.batch_size is None or self.batch_size >= len(y)
        value, grad = self._value_and_grad(theta, X, y, 0)
        record = _Record([value])
        self._record(theta, record)
        shuffled = None if full else (np.empty_like(X, order="K"), np.empty_like(y))  # reused by every epoch
        for epoch in range(1, epochs + 1):
            opt = replace(self.opt, learning_rate=self.opt.learning_rate * (1 - (epoch - 1) / epochs)) \
                if self.linear else self.opt
            if full:  # the gradient at θ was computed with the loss that ended the previous epoch
                theta, state = self._step(opt, theta, grad, state, epoch, value)
            else:
                theta, state = self._epoch(opt, theta, state, epoch, X, y, shuffled)
            value, grad = self._value_and_grad(theta, X, y, epoch)
            record.train_loss.append(value)
            self._record(theta, record)
            report(epoch, record.train_loss, record.val_loss)
            if callback is not None and callback(epoch, theta.copy(), value,
                                                 record.val_loss[-1] if record.val_loss else None):
                break
        return theta, record.history(time.perf_counter() - start)

    def _buffer(self, X) -> np.ndarray:
        """X in the memory order the generated function reads fastest: its columns contiguous for a scalar
        program (one argument per input), its rows for a matrix program (one batch-first argument)."""
        rows = np.ascontiguousarray(X)
        return rows if self.fn.layout.arguments(rows).flags.c_contiguous else np.asfortranarray(X)

    def _epoch(self, opt, theta, state, epoch, X, y, shuffled):
        """One shuffled pass: the samples permuted once into the reused buffers, then contiguous slices."""
        order, (xbuf, ybuf), size = self.rng.permutation(len(y)), shuffled, self.batch_size
        np.take(X, order, axis=0, out=xbuf)
        np.take(y, order, out=ybuf)
        with np.errstate(all="ignore"):   # an overflow shows as a loss or θ that is not finite: said below
            for i in range(0, len(y), size):
                batch_value, batch_grad = self.fn.evaluate_batch(xbuf[i:i + size], ybuf[i:i + size], theta)
                theta, state = self._step(opt, theta, batch_grad, state, epoch, batch_value)
        return theta, state

    def _record(self, theta, record):
        """The validation loss, and the accuracies when asked, at θ."""
        if self.val_set is not None:
            record.val_loss.append(_mean_value_and_grad(self.fn, theta, self.val_set.X, self.val_set.y)[0])
        if self.accuracy:
            for data, accs in ((self.train_set, record.train_accuracy), (self.val_set, record.val_accuracy)):
                if data is not None:
                    predicted = classify(self.fn.predict(theta, data.X))
                    accs.append(float(np.mean(predicted == labels(data.y, self.outputs))))

    def _value_and_grad(self, theta, X, y, epoch):
        value, grad = _mean_value_and_grad(self.fn, theta, X, y)
        if not (np.isfinite(value) and np.isfinite(grad).all()):
            if epoch == 0:   # no step was taken yet: the learning rate cannot be the cause
                raise _diverged(epoch, value, grad, self.name, "the loss or its gradient is not finite at the "
                                "initial θ, before any step", OUT_OF_DOMAIN if np.isnan(value) else OVERFLOW)
            raise _diverged(epoch, value, grad, self.name, "the loss or its gradient is not finite",
                            LOWER_RATE + (f"; or {OUT_OF_DOMAIN}" if np.isnan(value) else ""))
        return value, grad

    def _step(self, opt, theta, grad, state, epoch, value):
        every = len(self.mask) == len(theta)  # all parameters train: no gather or scatter
        if self.decay is not None:
            grad = grad + self.decay * theta
        g = grad if every else grad[self.mask]
        if self.clip is not None:
            norm = float(np.sqrt(g @ g))
            g = g * (self.clip / norm) if norm > self.clip else g
        with np.errstate(all="ignore"):
            part, state = opt.step(theta if every else theta[self.mask], g, state)
        if every:
            theta = part
        else:
            theta = theta.copy()
            theta[self.mask] = part
        if not np.isfinite(theta).all() or np.abs(theta).max() > THETA_LIMIT:
            raise _diverged(epoch, value, grad, self.name, f"a parameter left the range |θ| ≤ {THETA_LIMIT:g}")
        return theta, state


@dataclass
class _Record:
    """The per-epoch lists that become the ``History``."""

    train_loss: list
    val_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)

    def history(self, seconds) -> History:
        return History(tuple(range(len(self.train_loss))), tuple(self.train_loss), tuple(self.val_loss), seconds,
                       tuple(self.train_accuracy), tuple(self.val_accuracy))


def _mean_value_and_grad(fn, theta, X, y):
    """``fn`` on the batch X without re-validating the (already checked) batch at every step."""
    with np.errstate(all="ignore"):  # overflow shows up as a non-finite loss: TrainingDiverged says where
        return fn.evaluate_batch(X, y, theta)


LOWER_RATE = "lower the learning rate, set clip=…, or standardise the data"
OUT_OF_DOMAIN = ("a function of the network or the loss left its domain for some sample (log or sqrt of a "
                 "number ≤ 0, such as an activation log(z) or sqrt(z)): use an activation or loss defined for "
                 "every input, e.g. softplus(z) inside the log")

OVERFLOW = "the network or the loss overflows float64 on the data: standardise the data or scale the formula down"


def _diverged(epoch, value, grad, name, why, hint=LOWER_RATE) -> TrainingDiverged:
    with np.errstate(invalid="ignore"):
        magnitude = np.where(np.isnan(grad), np.inf, np.abs(grad))
    i = int(np.argmax(magnitude))
    biggest = float(np.abs(grad[i]))
    return TrainingDiverged(
        f"training diverged at epoch {epoch}: {why} (loss = {value:.6g}, largest gradient "
        f"|∂L/∂{name(i)}| = {biggest:.3g}); {hint}",
        epoch, float(value), biggest, name(i))


def _resolve_loss(target, name):
    """The loss to train: a loss as given, else the network's loss named ``name`` (None: its default)."""
    if isinstance(target, (Loss, LayerLoss)):
        return target
    if isinstance(target, LayerNetwork):
        return target.loss(name)
    if isinstance(target, Network):
        return make_loss(target, "squared_error" if name is None else name)
    raise TypeError(f"train expects a symnet Network or Loss (mlp, layers, …); got {type(target).__name__}")


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


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where stderr is no terminal, but a progress widget can be drawn)."""
    shell = sys.modules.get("IPython")
    ipython = shell.get_ipython() if shell is not None and hasattr(shell, "get_ipython") else None
    return ipython is not None and "IPKernelApp" in getattr(ipython, "config", {})


def _reporter(progress, log_every, epochs):
    """(on_epoch, close): a tqdm bar on a terminal or in a notebook, log lines to stderr otherwise, nothing if quiet.

    ``tqdm.auto`` draws a notebook widget under Jupyter and a text bar on a terminal.
    """
    if progress is False:
        return (lambda epoch, train_loss, val_loss: None), (lambda: None)
    every = log_every or max(1, epochs // 10)
    if sys.stderr.isatty() or in_notebook():
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs, disable=None, unit="epoch", leave=False)

        def on_bar(epoch, train_loss, val_loss):
            bar.update(1)
            bar.set_postfix(loss=f"{train_loss[-1]:.4g}")
        return on_bar, bar.close

    def on_log(epoch, train_loss, val_loss):
        if epoch % every == 0 or epoch == epochs:
            val = f", validation loss {val_loss[-1]:.6g}" if val_loss else ""
            print(f"epoch {epoch}/{epochs}: loss {train_loss[-1]:.6g}{val}", file=sys.stderr, flush=True)
    return on_log, (lambda: None)

