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
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .data import Dataset, split
from .errors import SymnetError
from .losses import Loss, loss as make_loss
from .network import Network
from .optim import get_optimizer, optimizer_name

THETA_LIMIT = 1e12
INIT_SCALE = 0.5


class TrainingDiverged(SymnetError, ValueError):
    """Training blew up: the loss, a gradient or a parameter became non-finite or huge."""

    def __init__(self, message: str, epoch: int, loss: float, max_grad: float, param: str = ""):
        super().__init__(message)
        self.epoch, self.loss, self.max_grad, self.param = epoch, loss, max_grad, param


@dataclass(frozen=True)
class History:
    """Loss per epoch: ``train_loss[k]`` (and ``val_loss[k]``) at θ after ``epochs[k]`` epochs."""

    epochs: tuple[int, ...]
    train_loss: tuple[float, ...]
    val_loss: tuple[float, ...]
    seconds: float


@dataclass(frozen=True, eq=False)
class TrainResult:
    """A trained network: its loss, parameter names, the vector θ, the history and the settings used.

    ``predict(X)`` evaluates ŷ = F(θ, x) for each row of X.
    """

    network: Network
    loss: Loss
    params: tuple[str, ...]
    theta: np.ndarray
    history: History
    settings: dict = field(default_factory=dict)

    @cached_property
    def _predict(self):
        from .codegen import compile_network

        return compile_network(self.network)

    def predict(self, X) -> np.ndarray:
        """ŷ for each row of X (shape (N, number of inputs)) → (N,)."""
        return self._predict(self.theta, X)

    @cached_property
    def _loss_function(self):
        from .codegen import value_and_grad

        return value_and_grad(self.loss)

    def evaluate(self, data) -> float:
        """The mean loss on ``data`` (a Dataset or (X, y))."""
        X, y = _as_arrays(data)
        return self._loss_function(self.theta, X, y)[0]

    def accuracy(self, data) -> float:
        """The fraction of 0/1 labels predicted right, thresholding ŷ at 0.5."""
        X, y = _as_arrays(data)
        return float(np.mean((self.predict(X) > 0.5) == (y > 0.5)))

    def values(self) -> dict[str, float]:
        """θ as ``{name: value}``."""
        return dict(zip(self.params, map(float, self.theta)))


def train(target, data, optimizer="adam", learning_rate=0.05, epochs=200, batch_size=None, seed=0, theta0=None,
          trainable=None, validation=None, clip=None, loss="squared_error", progress=None, log_every=None,
          callback=None) -> TrainResult:
    """Fit θ by gradient descent on the mean loss; the same arguments give the same θ, bit for bit.

    Args:
        target: a ``Network`` (its loss named by ``loss``) or a ``Loss``.
        data: a ``Dataset`` or ``(X, y)``.
        optimizer: "sgd", "momentum", "adam", or an optimiser object (then ``learning_rate`` is unused).
        learning_rate: η.
        epochs: passes over the training data.
        batch_size: samples per step (None: the whole set, one step per epoch).
        seed: seeds the initial θ, the shuffling and a fractional validation split.
        theta0: initial θ, a vector or ``{name: value}`` (names left out start random);
            default N(0, 0.5²) for each parameter.
        trainable: names of the parameters to update; the others stay at their initial values.
        validation: a ``Dataset``, ``(X, y)``, or a fraction of ``data`` held out.
        clip: largest gradient norm; a longer gradient is scaled down to it.
        loss: the loss name when ``target`` is a Network (squared_error, binary_cross_entropy); a ``Loss``
            target brings its own.
        progress: None (or True): a tqdm bar on a terminal, else a log line to stderr every ``log_every``
            epochs; False: quiet.
        log_every: epochs between log lines (default: a tenth of ``epochs``).
        callback: ``callback(epoch, theta, train_loss, val_loss)`` after each epoch; return True to stop.

    Returns:
        A ``TrainResult``.

    Raises:
        TrainingDiverged: the loss, a gradient or θ became non-finite (or |θ| > 1e12); says the epoch.

    >>> from symnet import mlp
    >>> from symnet.data import make
    >>> result = train(mlp([2, 4, 1], "tanh", "sigmoid"), make("xor"), epochs=300, progress=False)
    >>> result.history.train_loss[-1] < 0.02
    True
    """
    lossobj = _resolve_loss(target, loss)
    net = lossobj.network
    seed, epochs = _check_int("seed", seed, 0), _check_int("epochs", epochs, 1)
    batch_size = None if batch_size is None else _check_int("batch_size", batch_size, 1)
    data = _as_dataset(data, len(net.inputs), "data")
    train_set, val_set = _resolve_validation(data, validation, seed, len(net.inputs))
    opt = get_optimizer(optimizer, learning_rate)
    rng = np.random.default_rng(seed)
    names = tuple(str(p) for p in net.params)
    theta = _initial_theta(names, theta0, rng)
    mask = _trainable_index(names, trainable)
    if clip is not None and not (isinstance(clip, (int, float)) and not isinstance(clip, bool) and 0 < clip < np.inf):
        raise ValueError(f"clip must be a positive number (the largest gradient norm); got {clip!r}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable as callback(epoch, theta, train_loss, val_loss); got {callback!r}")
    from .codegen import value_and_grad

    report, close = _reporter(progress, log_every, epochs)
    try:
        loop = _Loop(value_and_grad(lossobj), opt, names, mask, clip, train_set, val_set, batch_size, rng)
        theta, history = loop.run(theta, epochs, report, callback)
    finally:
        close()
    settings = {"optimizer": optimizer_name(opt), "learning_rate": float(opt.learning_rate), "epochs": epochs,
                "batch_size": batch_size, "seed": seed, "loss": lossobj.name, "clip": clip,
                "trainable": [names[i] for i in mask], "data": data.name, "n_train": len(train_set),
                "n_validation": 0 if val_set is None else len(val_set)}
    return TrainResult(net, lossobj, names, theta, history, settings)


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
        X, y = self.train_set.X, self.train_set.y
        full = self.batch_size is None or self.batch_size >= len(y)
        value, grad = self._value_and_grad(theta, X, y, 0)
        train_loss, val_loss = [value], []
        self._record_val(theta, val_loss)
        for epoch in range(1, epochs + 1):
            if full:  # the gradient at θ was computed with the loss that ended the previous epoch
                theta, state = self._step(theta, grad, state, epoch, value)
            else:
                for rows in self._batches(len(y)):
                    batch_value, batch_grad = self._value_and_grad(theta, X[rows], y[rows], epoch)
                    theta, state = self._step(theta, batch_grad, state, epoch, batch_value)
            value, grad = self._value_and_grad(theta, X, y, epoch)
            train_loss.append(value)
            self._record_val(theta, val_loss)
            report(epoch, train_loss, val_loss)
            if callback is not None and callback(epoch, theta.copy(), value, val_loss[-1] if val_loss else None):
                break
        history = History(tuple(range(len(train_loss))), tuple(train_loss), tuple(val_loss),
                          time.perf_counter() - start)
        return theta, history

    def _batches(self, n):
        order = self.rng.permutation(n)
        return [order[i:i + self.batch_size] for i in range(0, n, self.batch_size)]

    def _record_val(self, theta, val_loss):
        if self.val_set is not None:
            val_loss.append(_mean_value_and_grad(self.fn, theta, self.val_set.X, self.val_set.y)[0])

    def _value_and_grad(self, theta, X, y, epoch):
        value, grad = _mean_value_and_grad(self.fn, theta, X, y)
        if not (np.isfinite(value) and np.isfinite(grad).all()):
            raise _diverged(epoch, value, grad, self.names, "the loss or its gradient is not finite")
        return value, grad

    def _step(self, theta, grad, state, epoch, value):
        g = grad[self.mask]
        if self.clip is not None:
            norm = float(np.sqrt(g @ g))
            g = g * (self.clip / norm) if norm > self.clip else g
        with np.errstate(all="ignore"):
            part, state = self.opt.step(theta[self.mask], g, state)
        theta = theta.copy()
        theta[self.mask] = part
        if not np.isfinite(theta).all() or np.abs(theta).max() > THETA_LIMIT:
            raise _diverged(epoch, value, grad, self.names, f"a parameter left the range |θ| ≤ {THETA_LIMIT:g}")
        return theta, state


def _mean_value_and_grad(fn, theta, X, y):
    """``fn(theta, X, y)`` without re-validating the (already checked) batch at every step."""
    n = len(y)
    with np.errstate(all="ignore"):  # overflow shows up as a non-finite loss: TrainingDiverged says where
        values = fn.function(*X.T, y, *theta)
        loss = float(np.broadcast_to(np.asarray(values[0], dtype=float), (n,)).mean())
        grads = np.array([np.broadcast_to(v, (n,)) for v in values[1:]], dtype=float)
        return loss, grads.mean(axis=1)


def _diverged(epoch, value, grad, names, why) -> TrainingDiverged:
    with np.errstate(invalid="ignore"):
        magnitude = np.where(np.isnan(grad), np.inf, np.abs(grad))
    i = int(np.argmax(magnitude))
    biggest = float(np.abs(grad[i]))
    return TrainingDiverged(
        f"training diverged at epoch {epoch}: {why} (loss = {value:.6g}, largest gradient "
        f"|∂L/∂{names[i]}| = {biggest:.3g}); lower the learning rate, set clip=…, or standardise the data",
        epoch, float(value), biggest, names[i])


def _resolve_loss(target, name) -> Loss:
    if isinstance(target, Loss):
        return target
    if isinstance(target, Network):
        return make_loss(target, name)
    raise TypeError(f"train expects a symnet Network or Loss; got {type(target).__name__}")


def _as_arrays(data):
    if isinstance(data, Dataset):
        return data.X, data.y
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return data
    raise TypeError(f"expected a Dataset or a pair (X, y); got {type(data).__name__}")


def _as_dataset(data, n_inputs, what) -> Dataset:
    if isinstance(data, Dataset):
        dataset = data
    else:
        X, y = _as_arrays(data)
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
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
    if isinstance(validation, (float, int)) and not isinstance(validation, bool):
        return split(data, validation, seed)
    return data, _as_dataset(validation, n_inputs, "validation")


def _check_int(name, value, low) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer ≥ {low}; got {value!r}")
    return int(value)


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


def _trainable_index(names, trainable) -> np.ndarray:
    if trainable is None:
        return np.arange(len(names))
    wanted = [str(t) for t in ([trainable] if isinstance(trainable, str) else trainable)]
    unknown = [t for t in wanted if t not in names]
    if unknown or not wanted:
        raise ValueError(f"trainable must name parameters of the network ({', '.join(names)}); "
                         f"got {', '.join(unknown) if unknown else 'none'}")
    return np.array([i for i, n in enumerate(names) if n in wanted])


def _reporter(progress, log_every, epochs):
    """(on_epoch, close): a tqdm bar on a terminal, log lines to stderr otherwise, nothing if quiet."""
    if log_every is not None and (isinstance(log_every, bool) or not isinstance(log_every, int) or log_every < 1):
        raise ValueError(f"log_every must be a positive integer; got {log_every!r}")
    if progress is False:
        return (lambda epoch, train_loss, val_loss: None), (lambda: None)
    every = log_every or max(1, epochs // 10)
    if sys.stderr.isatty():
        from tqdm import tqdm

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


MODEL_FORMAT, MODEL_VERSION, MAX_MODEL_BYTES = "symnet-model", 1, 10_000_000


def save(path, result: TrainResult):
    """Write a trained model to JSON atomically: network, params, θ (exact: floats in round-trip
    ``repr``), loss name, settings and history.

    >>> import tempfile, pathlib
    >>> from symnet import mlp
    >>> r = train(mlp([1, 1]), ([[0.0], [1.0]], [0.0, 1.0]), epochs=2, progress=False)
    >>> p = save(pathlib.Path(tempfile.mkdtemp()) / "model.json", r)
    >>> bool((load(p).theta == r.theta).all())
    True
    """
    import json

    from . import __version__
    from .files import write_text
    from .netfile import network_to_dict

    if not isinstance(result, TrainResult):
        raise TypeError(f"save expects a TrainResult (from train); got {type(result).__name__}")
    h = result.history
    doc = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "symnet_version": __version__,
           "network": network_to_dict(result.network), "loss": result.loss.name, "params": list(result.params),
           "theta": [float(t) for t in result.theta], "settings": result.settings,
           "history": {"epochs": list(h.epochs), "train_loss": list(h.train_loss), "val_loss": list(h.val_loss),
                       "seconds": h.seconds}}
    return write_text(path, json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n")


def load(path) -> TrainResult:
    """Read a model written by ``save``; a damaged or invalid file raises ``ValueError`` naming the problem."""
    import json
    from pathlib import Path

    path = Path(path)
    if path.stat().st_size > MAX_MODEL_BYTES:
        raise ValueError(f"model file {path} is larger than {MAX_MODEL_BYTES} bytes; is it a symnet model?")
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise ValueError(f"model file {path} is not valid JSON ({err}); was it truncated or edited?") from None
    try:
        return _from_doc(doc)
    except (ValueError, TypeError) as err:
        raise ValueError(f"model file {path}: {err}") from None


def _from_doc(doc) -> TrainResult:
    from .netfile import network_from_dict

    if not isinstance(doc, dict) or doc.get("format") != MODEL_FORMAT:
        raise ValueError(f"not a symnet model: expected \"format\": \"{MODEL_FORMAT}\"")
    if doc.get("version") != MODEL_VERSION:
        raise ValueError(f"unsupported version {doc.get('version')!r}; this symnet reads version {MODEL_VERSION}")
    net = network_from_dict(_key(doc, "network", dict))
    lossobj = make_loss(net, _key(doc, "loss", str))
    params = tuple(_key(doc, "params", list))
    if params != tuple(str(p) for p in net.params):
        raise ValueError(f"key 'params' {list(params)} does not match the network's parameters "
                         f"{[str(p) for p in net.params]}")
    theta = _floats(_key(doc, "theta", list), "theta")
    if len(theta) != len(params):
        raise ValueError(f"key 'theta' has {len(theta)} values; expected {len(params)}, one per parameter")
    h = _key(doc, "history", dict)
    train_loss, val_loss = _floats(_key(h, "train_loss", list), "history.train_loss"), _floats(
        _key(h, "val_loss", list), "history.val_loss")
    epochs = tuple(_key(h, "epochs", list))
    if not all(isinstance(e, int) for e in epochs) or len(epochs) != len(train_loss) or len(val_loss) not in (
            0, len(epochs)):
        raise ValueError("key 'history': epochs, train_loss and val_loss must be lists of the same length")
    seconds = _floats([_key(h, "seconds", (int, float))], "history.seconds")[0]
    history = History(epochs, tuple(train_loss.tolist()), tuple(val_loss.tolist()), float(seconds))
    return TrainResult(net, lossobj, params, theta, history, dict(_key(doc, "settings", dict)))


def _key(doc: dict, key: str, kind):
    if key not in doc:
        raise ValueError(f"missing key {key!r}")
    if not isinstance(doc[key], kind) or isinstance(doc[key], bool):
        raise ValueError(f"key {key!r} has the wrong type {type(doc[key]).__name__}")
    return doc[key]


def _floats(values, key) -> np.ndarray:
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise ValueError(f"key {key!r} must hold numbers only")
    array = np.array(values, dtype=float)
    if not np.isfinite(array).all():
        raise ValueError(f"key {key!r} holds a value that is not finite")
    return array
