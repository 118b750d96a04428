"""Training: the article's §3 loop, θ ← θ − η·∂L/∂θ, with the gradient from symbolic backprop.

The mean loss L(θ) = (1/N) Σₙ ℓ(F(θ, xₙ), yₙ) and its gradient come from one compiled gradient
program (``value_and_grad``, compiled once per call). Each epoch visits the training set once, in
one batch or in shuffled mini-batches, and the optimiser (SGD, momentum, Adam) updates only the
trainable parameters. History entry k is the loss at θ after k epochs (k = 0 is the start).
Divergence — a loss, gradient or θ that is not finite, or |θ| beyond ``THETA_LIMIT`` — stops
training at the step it happens with ``TrainingDiverged``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

import numpy as np

from symnet.checks import integer, positive
from symnet.core.losses import Loss, target_range
from symnet.core.names import resolve_wrt
from symnet.core.network import Network
from symnet.errors import SymnetError
from symnet.io.text import loss as make_loss
from symnet.learn.data import Dataset, as_arrays, split
from symnet.learn.modelfile import History, TrainResult, load, save
from symnet.learn.optim import Newton, bind_newton, get_optimizer, optimizer_name
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
          trainable=None, validation=None, clip=None, loss="squared_error", progress=None, log_every=None,
          callback=None, backend="numpy", devices=None) -> TrainResult:
    """Fit θ by gradient descent on the mean loss; the same arguments give the same θ, bit for bit.

    Args:
        target: a ``Network`` (its loss named by ``loss``) or a ``Loss``.
        data: a ``Dataset`` or ``(X, y)``.
        optimizer: "sgd", "momentum", "adam", "newton" (damped, on the whole training set, for networks
            of at most ``optim.NEWTON_MAX_PARAMS`` parameters), or an optimiser object (then
            ``learning_rate`` is unused).
        learning_rate: η (Newton's method takes none: its step is (H + λI)⁻¹·g).
        epochs: passes over the training data.
        batch_size: samples per step (None: the whole set, one step per epoch).
        seed: seeds the initial θ, the shuffling and a fractional validation split.
        theta0: initial θ, a vector or ``{name: value}`` (names left out start random);
            default N(0, 0.5²) for each parameter.
        trainable: the parameters to update, named as for ``grad`` (``"b5"``, ``["theta5"]`` for all of
            neuron 5's); the others stay at their initial values.
        validation: a ``Dataset``, ``(X, y)``, or a fraction of ``data`` held out.
        clip: largest gradient norm; a longer gradient is scaled down to it.
        loss: the loss name when ``target`` is a Network (squared_error, binary_cross_entropy); a ``Loss``
            target brings its own.
        progress: None (or True): a tqdm bar on a terminal or in Jupyter (``tqdm.auto``), else a log line
            to stderr every ``log_every`` epochs; False: quiet.
        log_every: epochs between log lines (default: a tenth of ``epochs``).
        callback: ``callback(epoch, theta, train_loss, val_loss)`` after each epoch; return True to stop.
        backend: where the gradient runs: "numpy", "jax" (jitted, float64) or "fused" (see ``value_and_grad``).
        devices: with backend="jax", split each batch over this many devices (data parallel).

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
                                              theta0, trainable, validation, clip, loss, (backend, devices))
    report, close = _reporter(progress, log_every, settings["epochs"])
    try:
        theta, history = loop.run(theta, settings["epochs"], report, callback)
    finally:
        close()
    return TrainResult(lossobj.network, lossobj, loop.names, theta, history, settings)


def _prepare(target, data, optimizer, learning_rate, epochs, batch_size, seed, theta0, trainable, validation, clip,
             loss, placement=("numpy", None)):
    """Check every argument of ``train``, then compile the gradient program: (loss, loop, θ₀, settings)."""
    lossobj = _resolve_loss(target, loss)
    n_inputs, names = len(lossobj.network.inputs), tuple(str(p) for p in lossobj.network.params)
    if not names:
        raise ValueError(f"the network {lossobj.network} has no parameters, so there is nothing to train; "
                         f"give it parameters (e.g. --expr \"w*x + b\" --inputs x)")
    seed, epochs = integer(seed, "seed", at_least=0), integer(epochs, "epochs", at_least=1)
    batch_size = None if batch_size is None else integer(batch_size, "batch_size", at_least=1)
    clip = None if clip is None else positive(clip, "clip")
    data = _as_dataset(data, n_inputs, "data")
    check_targets(data.y, target_range(lossobj.name))  # BCE takes targets 0…1 only: refused before the split
    train_set, val_set = _resolve_validation(data, validation, seed, n_inputs)
    if val_set is not None:
        check_targets(val_set.y, target_range(lossobj.name))
    check_training_cost(lossobj.network.program.count_ops(), len(data), epochs, batch_size)
    opt = get_optimizer(optimizer, learning_rate)
    rng = np.random.default_rng(seed)
    theta, mask = _initial_theta(names, theta0, rng), _trainable_index(lossobj, trainable)
    from symnet.numeric.codegen import value_and_grad

    backend, devices = placement
    loop = _Loop(value_and_grad(lossobj, backend=backend, devices=devices), opt, names, mask, clip, train_set, val_set, batch_size, rng)
    if isinstance(opt, Newton):  # only Newton's method compiles and evaluates the Hessian
        loop.opt = bind_newton(opt, lossobj, loop.fn, train_set, theta, mask, batch_size)
    settings = {"optimizer": optimizer_name(opt), "learning_rate": float(opt.learning_rate), "epochs": epochs,
                "batch_size": batch_size, "seed": seed, "loss": lossobj.name, "clip": clip,
                "trainable": [names[i] for i in mask], "data": data.name, "data_inputs": list(data.inputs),
                "n_train": len(train_set),
                "n_validation": 0 if val_set is None else len(val_set)}
    if backend != "numpy":
        settings.update({"backend": loop.fn.backend, "devices": devices or 1})
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

    def run(self, theta, epochs, report, callback):
        start, state = time.perf_counter(), self.opt.init(theta[self.mask])
        columns, y = np.ascontiguousarray(self.train_set.X.T), self.train_set.y  # one row per input
        full = self.batch_size is None or self.batch_size >= len(y)
        value, grad = self._value_and_grad(theta, columns, y, 0)
        train_loss, val_loss = [value], []
        self._record_val(theta, val_loss)
        shuffled = None if full else (np.empty_like(columns), np.empty_like(y))  # reused by every epoch
        for epoch in range(1, epochs + 1):
            if full:  # the gradient at θ was computed with the loss that ended the previous epoch
                theta, state = self._step(theta, grad, state, epoch, value)
            else:
                theta, state = self._epoch(theta, state, epoch, columns, y, shuffled)
            value, grad = self._value_and_grad(theta, columns, y, epoch)
            train_loss.append(value)
            self._record_val(theta, val_loss)
            report(epoch, train_loss, val_loss)
            if callback is not None and callback(epoch, theta.copy(), value, val_loss[-1] if val_loss else None):
                break
        history = History(tuple(range(len(train_loss))), tuple(train_loss), tuple(val_loss),
                          time.perf_counter() - start)
        return theta, history

    def _epoch(self, theta, state, epoch, columns, y, shuffled):
        """One shuffled pass: the samples permuted once into the reused buffers, then contiguous slices."""
        order, (cbuf, ybuf), size = self.rng.permutation(len(y)), shuffled, self.batch_size
        np.take(columns, order, axis=1, out=cbuf)
        np.take(y, order, out=ybuf)
        for i in range(0, len(y), size):
            batch_value, batch_grad = self._value_and_grad(theta, cbuf[:, i:i + size], ybuf[i:i + size], epoch)
            theta, state = self._step(theta, batch_grad, state, epoch, batch_value)
        return theta, state

    def _record_val(self, theta, val_loss):
        if self.val_set is not None:
            val_loss.append(_mean_value_and_grad(self.fn, theta, self.val_set.X.T, self.val_set.y)[0])

    def _value_and_grad(self, theta, columns, y, epoch):
        value, grad = _mean_value_and_grad(self.fn, theta, columns, y)
        if not (np.isfinite(value) and np.isfinite(grad).all()):
            if epoch == 0:   # no step was taken yet: the learning rate cannot be the cause
                raise _diverged(epoch, value, grad, self.names, "the loss or its gradient is not finite at the "
                                "initial θ, before any step", OUT_OF_DOMAIN if np.isnan(value) else OVERFLOW)
            raise _diverged(epoch, value, grad, self.names, "the loss or its gradient is not finite",
                            LOWER_RATE + (f"; or {OUT_OF_DOMAIN}" if np.isnan(value) else ""))
        return value, grad

    def _step(self, theta, grad, state, epoch, value):
        every = len(self.mask) == len(theta)  # all parameters train: no gather or scatter
        g = grad if every else grad[self.mask]
        if self.clip is not None:
            norm = float(np.sqrt(g @ g))
            g = g * (self.clip / norm) if norm > self.clip else g
        with np.errstate(all="ignore"):
            part, state = self.opt.step(theta if every else theta[self.mask], g, state)
        if every:
            theta = part
        else:
            theta = theta.copy()
            theta[self.mask] = part
        if not np.isfinite(theta).all() or np.abs(theta).max() > THETA_LIMIT:
            raise _diverged(epoch, value, grad, self.names, f"a parameter left the range |θ| ≤ {THETA_LIMIT:g}")
        return theta, state


def _mean_value_and_grad(fn, theta, columns, y):
    """``fn`` on X's columns (a view, no copy) without re-validating the (already checked) batch at every step."""
    with np.errstate(all="ignore"):  # overflow shows up as a non-finite loss: TrainingDiverged says where
        return fn.evaluate_columns(columns, y, theta)


LOWER_RATE = "lower the learning rate, set clip=…, or standardise the data"
OUT_OF_DOMAIN = ("a function of the network or the loss left its domain for some sample (log or sqrt of a "
                 "number ≤ 0, such as an activation log(z) or sqrt(z)): use an activation or loss defined for "
                 "every input, e.g. softplus(z) inside the log")

OVERFLOW = "the network or the loss overflows float64 on the data: standardise the data or scale the formula down"


def _diverged(epoch, value, grad, names, why, hint=LOWER_RATE) -> TrainingDiverged:
    with np.errstate(invalid="ignore"):
        magnitude = np.where(np.isnan(grad), np.inf, np.abs(grad))
    i = int(np.argmax(magnitude))
    biggest = float(np.abs(grad[i]))
    return TrainingDiverged(
        f"training diverged at epoch {epoch}: {why} (loss = {value:.6g}, largest gradient "
        f"|∂L/∂{names[i]}| = {biggest:.3g}); {hint}",
        epoch, float(value), biggest, names[i])


def _resolve_loss(target, name) -> Loss:
    if isinstance(target, Loss):
        return target
    if isinstance(target, Network):
        return make_loss(target, name)
    raise TypeError(f"train expects a symnet Network or Loss; got {type(target).__name__}")


def _as_dataset(data, n_inputs, what) -> Dataset:
    if isinstance(data, Dataset):
        dataset = data
    else:
        X, y = as_arrays(data)
        X, y = real_array(X, "X"), real_array(y, "y")
        X = X[:, None] if X.ndim == 1 and n_inputs == 1 else X
        if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
            raise ValueError(f"{what}: X must have shape (N, {n_inputs}) and y shape (N,); got X {X.shape}, y {y.shape}")
        dataset = Dataset(X, y, tuple(f"x{i + 1}" for i in range(X.shape[1])), what)
    if dataset.X.shape[1] != n_inputs or len(dataset) == 0:
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
    theta = INIT_SCALE * rng.standard_normal(len(names))
    if theta0 is None:
        return theta
    if isinstance(theta0, Mapping):
        given = {str(k): v for k, v in theta0.items()}
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise ValueError(f"theta0 names unknown parameter(s) {', '.join(unknown)}; the network has "
                             f"{', '.join(names)}")
        values = [given.get(n, t) for n, t in zip(names, theta)]
    else:
        values = theta0
    try:
        theta = np.array(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"theta0 must be numbers; got {theta0!r}") from None
    if theta.shape != (len(names),) or not np.isfinite(theta).all():
        raise ValueError(f"theta0 must hold {len(names)} finite numbers, one per parameter ({', '.join(names)}); "
                         f"got shape {theta.shape}")
    return theta


def _trainable_index(lossobj: Loss, trainable) -> np.ndarray:
    """Indices of the parameters named by ``trainable``, checked by the one validator of names
    (``symnet.core.names.resolve_wrt``: ``"b5"``, ``["theta1", "w5_1"]``…)."""
    params = lossobj.network.params
    if trainable is None:
        return np.arange(len(params))
    try:
        wanted = resolve_wrt(lossobj, trainable)
    except ValueError as error:
        raise ValueError(f"trainable must name parameters of the network: {error}") from None
    inputs = [s.name for s in wanted if s not in params]
    if inputs:
        raise ValueError(f"trainable must name parameters of the network; {', '.join(inputs)} is an input")
    return np.array([i for i, p in enumerate(params) if p in wanted])


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

