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

import time
from dataclasses import dataclass, field, replace

import numpy as np
from threadpoolctl import threadpool_limits

from symnet.checks import integer, positive
from symnet.core.losses import as_loss, target_range
from symnet.errors import SymnetError
from symnet.io.text import loss as make_loss
from symnet.learn.data import Dataset
from symnet.learn.modelfile import load, save  # noqa: F401  (re-exported)
from symnet.learn.progress import _reporter, in_notebook  # noqa: F401  (in_notebook: re-exported)
from symnet.learn.result import History, TrainResult, classify, labels
from symnet.learn.trainargs import (  # noqa: F401  (_initial_theta: the tour's XOR start)
    CLASSIFIER_LOSSES,
    INIT_SCALE,
    LAYER_DEFAULTS,
    _activation_names,
    _as_dataset,
    _check_sets,
    _decay_vector,
    _initial_theta,
    _options,
    _resolve_validation,
    _trainable_index,
    given_theta,
    initial_theta,
    input_width,
)
from symnet.learn.inplace import fused_step, prepare_fused
from symnet.learn.optim import Newton, bind_newton, get_optimizer, optimizer_name
from symnet.limits import check_training_cost
from symnet.numeric.batch import check_targets
from symnet.numeric.kinds import dispatch

__all__ = ["train", "TrainResult", "History", "TrainingDiverged", "save", "load", "THETA_LIMIT", "LAYER_DEFAULTS"]

THETA_LIMIT = 1e12


class TrainingDiverged(SymnetError, ValueError):
    """Training blew up: the loss, a gradient or a parameter became non-finite or huge."""

    def __init__(self, message: str, epoch: int, loss: float, max_grad: float, param: str = ""):
        super().__init__(message)
        self.epoch, self.loss, self.max_grad, self.param = epoch, loss, max_grad, param


def train(target, data, optimizer="adam", learning_rate=0.05, epochs=200, batch_size=None, seed=0, theta0=None,
          trainable=None, validation=None, clip=None, loss=None, progress=None, log_every=None,
          callback=None, backend="auto", devices=None, weight_decay=0.0, schedule="constant", accuracy=None,
          blas_threads=1, dtype="float64") -> TrainResult:
    """Fit θ by gradient descent on the mean loss; the same arguments give the same θ, bit for bit.

    Args:
        target: a network (``mlp``, ``seed_network``, ``layers``…; its loss named by ``loss``) or a loss.
        data: a ``Dataset`` or ``(X, y)``; y holds class labels 0…k−1 for a softmax output.
        optimizer: "sgd", "momentum", "adam", "newton" (damped, on the whole training set, for scalar networks
            of at most ``optim.NEWTON_MAX_PARAMS`` parameters), or an optimiser object (then
            ``learning_rate`` is unused).
        learning_rate: η (Newton's method takes none: its step is (H + λI)⁻¹·g).
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
        backend: where the gradient runs: "auto" (the default: the fastest measured for the network, see
            ``value_and_grad``), "numpy", "jax" (jitted, float64) or "fused" (one LLVM-compiled loop).
        devices: with backend="jax", split each batch over this many devices (data parallel).
        dtype: "float64" (the default) or "float32": θ, the data, the gradients and the optimiser's state in it
            (NumPy or JAX; see ``value_and_grad``).
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
    arguments = dict(locals())
    lossobj = _resolve_loss(target, loss)
    return dispatch(TRAINERS, lossobj, "train")[1](lossobj, arguments)   # the loss's layout picks the loop


def _train_samples(lossobj, arguments: dict) -> TrainResult:
    """The one loop over samples (by columns, batch first, or sequences), in shuffled mini-batches or whole."""
    a = arguments
    callback, log_every, blas_threads, progress = a["callback"], a["log_every"], a["blas_threads"], a["progress"]
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable as callback(epoch, theta, train_loss, val_loss); got {callback!r}")
    if log_every is not None:
        log_every = integer(log_every, "log_every", at_least=1)
    if blas_threads is not None:
        blas_threads = integer(blas_threads, "blas_threads", at_least=1)
    lossobj, loop, theta, settings = _prepare(lossobj, *(a[k] for k in _PREPARED), None,
                                              (a["backend"], a["devices"], a["dtype"]),
                                              (a["weight_decay"], a["schedule"], a["accuracy"]))
    report, close = _reporter(progress, log_every, settings["epochs"], held_out=isinstance(a["validation"], Dataset))
    try:
        with threadpool_limits(limits=blas_threads, user_api="blas"):
            theta, history = loop.run(theta, settings["epochs"], report, callback)
    finally:
        close()
    columns = loop.train_set.inputs if input_width(lossobj.network) is None else None  # a vector x: the data's names
    return TrainResult(lossobj.network, lossobj, loop.names, theta, history, settings, inputs=columns,
                       compiled=loop.fn)


def _train_whole_data(lossobj, arguments: dict) -> TrainResult:
    """A typed matrix loss over the whole data (``learn.matrix_training``): no samples to batch or validate."""
    from symnet.learn.matrix_training import fit_matrix_loss

    return fit_matrix_loss(lossobj, *(arguments[k] for k in _PREPARED[:7]), backend=arguments["backend"],
                           devices=arguments["devices"], dtype=arguments["dtype"])


_PREPARED = ("data", "optimizer", "learning_rate", "epochs", "batch_size", "seed", "theta0", "trainable",
             "validation", "clip")
# layout -> how a loss of that kind is trained (``symnet.numeric.kinds``): a new kind of model is one row
TRAINERS = {"columns": _train_samples, "batch-first": _train_samples, "sequences": _train_samples,
            "whole-data": _train_whole_data}


def _prepare(target, data, optimizer, learning_rate, epochs, batch_size, seed, theta0, trainable, validation, clip,
             loss, placement=("numpy", None, "float64"), options=(0.0, "constant", None)):
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

    backend, devices, dtype = placement
    fn = value_and_grad(lossobj, backend=backend, devices=devices, dtype=dtype)
    _check_sets(fn, train_set, val_set)     # labels and widths by the compiled loss's own rules, before θ exists
    rng = np.random.default_rng(seed)
    theta = initial_theta(fn, rng, theta0, names).astype(float_type(fn), copy=False)
    mask, trained = _trainable_index(lossobj, trainable, fn)
    accuracy = lossobj.name in CLASSIFIER_LOSSES if accuracy is None else accuracy
    loop = _Loop(fn, opt, names, mask, clip, train_set, val_set, batch_size, rng,
                 _decay_vector(fn, decay), schedule == "linear", accuracy)
    if clip is None and len(mask) == len(theta):   # the in-place step's machine code, compiled before the clock runs
        prepare_fused(opt, float_type(fn), loop.decay is not None)
    if isinstance(opt, Newton):  # only Newton's method compiles and evaluates the Hessian
        loop.opt = bind_newton(opt, lossobj, loop.fn, train_set, theta, mask, batch_size)
    settings = {"optimizer": optimizer_name(opt), "learning_rate": float(opt.learning_rate), "epochs": epochs,
                "batch_size": batch_size, "seed": seed, "loss": lossobj.name, "clip": clip,
                "trainable": trained,
                "data": data.name, "data_inputs": list(data.inputs), "n_train": len(train_set),
                "n_validation": 0 if val_set is None else len(val_set), "weight_decay": decay, "schedule": schedule}
    if loop.fn.backend != "numpy" or backend not in ("numpy", "auto"):     # what ran, where it was not NumPy
        settings["backend"] = loop.fn.backend
    if backend == "jax":
        settings["devices"] = devices or 1
    if float_type(fn) != np.float64:
        settings["dtype"] = float_type(fn).name
    return lossobj, loop, theta, settings


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
        theta = np.array(theta, order="C")     # the loop's own θ: SGD, momentum and Adam update it in place
        X, y = self._buffer(self.train_set.X), self.train_set.y.astype(float_type(self.fn), copy=False)
        full = self.batch_size is None or self.batch_size >= len(y)
        value, grad, outputs = self._loss(theta, X, y, 0, full)
        record = _Record([value])
        self._record(theta, record, outputs)
        shuffled = None if full else (np.empty_like(X, order="K"), np.empty_like(y))  # reused by every epoch
        for epoch in range(1, epochs + 1):
            opt = replace(self.opt, learning_rate=self.opt.learning_rate * (1 - (epoch - 1) / epochs)) \
                if self.linear else self.opt
            if full:  # the gradient at θ was computed with the loss that ended the previous epoch
                theta, state = self._step(opt, theta, grad, state, epoch, value)
            else:
                theta, state = self._epoch(opt, theta, state, epoch, X, y, shuffled)
            value, grad, outputs = self._loss(theta, X, y, epoch, full)
            record.train_loss.append(value)
            self._record(theta, record, outputs)
            report(epoch, record.train_loss, record.val_loss)
            if callback is not None and callback(epoch, theta.copy(), value,
                                                 record.val_loss[-1] if record.val_loss else None):
                break
        return theta, record.history(time.perf_counter() - start)

    def _buffer(self, X) -> np.ndarray:
        """X in the memory order the generated function reads fastest: its columns contiguous for a scalar
        program (one argument per input), its rows for a matrix program (one batch-first argument)."""
        rows = np.ascontiguousarray(X, dtype=float_type(self.fn))
        return rows if self.fn.layout.arguments(rows).flags.c_contiguous else np.asfortranarray(rows)

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

    def _record(self, theta, record, outputs=None):
        """The validation loss, and the accuracies when asked, at θ (``outputs``: aᴸ on the training set, if known)."""
        if self.val_set is not None:
            record.val_loss.append(_mean_value_and_grad(self.fn, theta, self.val_set.X, self.val_set.y)[0])
        if self.accuracy:
            for data, accs in ((self.train_set, record.train_accuracy), (self.val_set, record.val_accuracy)):
                if data is not None:
                    known = outputs is not None and data is self.train_set
                    predicted = classify(outputs if known else self.fn.predict(theta, data.X))
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

    def _loss(self, theta, X, y, epoch, full):
        """(L, ∂L/∂θ, None) on the training set when the next step is the full batch's; else (L, None, aᴸ or None)
        from one forward pass (a backward pass over every sample would be thrown away), with the network's
        outputs for the accuracy where the layout gives both (``value_and_outputs``: a layer network)."""
        if full:
            return (*self._value_and_grad(theta, X, y, epoch), None)
        both = getattr(self.fn.layout, "value_and_outputs", None) if self.accuracy else None
        with np.errstate(all="ignore"):
            value, outputs = both(self.fn, X, y, theta) if both else (self.fn.evaluate_value(X, y, theta), None)
        if not np.isfinite(value):
            self._value_and_grad(theta, X, y, epoch)    # raises TrainingDiverged, naming the largest gradient
        return value, None, outputs

    def _step(self, opt, theta, grad, state, epoch, value):
        every = len(self.mask) == len(theta)  # all parameters train: no gather or scatter
        fused = fused_step(opt, theta, grad, state, self.decay, THETA_LIMIT) if every and self.clip is None else None
        if fused is not None:                 # θ updated in place, in one pass (learn.inplace)
            state, bad = fused
            if bad:
                raise _diverged(epoch, value, grad, self.name, f"a parameter left the range |θ| ≤ {THETA_LIMIT:g}")
            return theta, state
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
    dtype = float_type(fn)
    with np.errstate(all="ignore"):  # overflow shows up as a non-finite loss: TrainingDiverged says where
        return fn.evaluate_batch(X.astype(dtype, copy=False), y.astype(dtype, copy=False), theta)


def float_type(fn) -> np.dtype:
    """What the compiled loss computes in (float64 unless it was compiled with ``dtype="float32"``)."""
    return np.dtype(getattr(fn, "dtype", np.float64))


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
    try:
        given = as_loss(target)   # a network of any kind, or its loss
    except TypeError:
        raise TypeError(f"train expects a symnet Network or Loss (mlp, layers, …); got {type(target).__name__}") \
            from None
    return given if given is target or name is None else make_loss(target, name)
