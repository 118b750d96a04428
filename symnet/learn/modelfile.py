"""A trained model: the ``TrainResult`` record, and its file (``save`` writes JSON, ``load`` reads it back).

``symnet.learn.training.train`` makes a ``TrainResult``: the network, its loss, the parameter names, θ,
the loss ``History`` and the settings. The file holds the format tag and version, the network
(``symnet.io.netfile``), the loss name, the parameter names and θ (floats in round-trip ``repr``, so
θ comes back exactly), the settings and the history. Writing is atomic (``symnet.io.files``);
reading checks every key and says which one is missing, has the wrong type or is not finite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from symnet.core.losses import Loss
from symnet.core.network import Network
from symnet.io.netfile import FORMAT as NETWORK_FORMAT
from symnet.io.netfile import MODEL_FORMAT
from symnet.io.text import loss as make_loss
from symnet.learn.data import as_arrays
from symnet.learn.jsonfields import check_version, finite_floats, required_key, shown
from symnet.learn.layer_model import LAYERS_FORMAT, LayerModel, layers_from_doc, save_layers
from symnet.limits import MAX_MODEL_BYTES


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
        from symnet.numeric.codegen import compile_network

        return compile_network(self.network)

    def predict(self, X) -> np.ndarray:
        """ŷ for each row of X (shape (N, number of inputs)) → (N,)."""
        return self._predict(self.theta, X)

    @cached_property
    def _loss_function(self):
        from symnet.numeric.codegen import value_and_grad

        return value_and_grad(self.loss)

    def evaluate(self, data) -> float:
        """The mean loss on ``data`` (a Dataset or (X, y))."""
        X, y = as_arrays(data)
        return self._loss_function(self.theta, X, y)[0]

    def accuracy(self, data) -> float:
        """The fraction of 0/1 labels predicted right, thresholding ŷ at 0.5."""
        X, y = as_arrays(data)
        return float(np.mean((self.predict(X) > 0.5) == (y > 0.5)))

    def values(self) -> dict[str, float]:
        """θ as ``{name: value}``."""
        return dict(zip(self.params, map(float, self.theta)))

    def __repr__(self) -> str:
        losses = self.history.train_loss
        change = f"loss {losses[0]:.4g} → {losses[-1]:.4g}" if losses else "no history"
        return f"<TrainResult: {len(self.params)} params, {self.settings.get('epochs', '?')} epochs, {change}>"

    def __str__(self) -> str:
        from symnet.render.printing import text

        return text(self)

    def _repr_markdown_(self) -> str:
        from symnet.render.printing import markdown

        return markdown(self)


MODEL_VERSION = 1


def save(path, result: TrainResult):
    """Write a trained model to JSON atomically: network, params, θ (exact: floats in round-trip
    ``repr``), loss name, settings and history. ``symnet.save`` is this function.

    The file is also a network wherever one is expected (``symnet show model.json``, ``grad``,
    ``check``…: its network is used); ``symnet predict model.json --data FILE.csv`` uses θ too.
    A ``LayerTrainResult`` (from ``train_layers``) is written as a ``symnet-layers`` file
    (``symnet.learn.layer_model.save_layers``, which also takes the input names and standardisation).

    Args:
        path: the file to write (conventionally ``model.json``); written completely or not at all.
        result: the ``TrainResult`` that ``symnet.train`` returned.

    Returns:
        The path written.

    >>> import tempfile, pathlib
    >>> from symnet.learn.training import train
    >>> from symnet import mlp
    >>> r = train(mlp([1, 1]), ([[0.0], [1.0]], [0.0, 1.0]), epochs=2, progress=False)
    >>> p = save(pathlib.Path(tempfile.mkdtemp()) / "model.json", r)
    >>> bool((load(p).theta == r.theta).all())
    True
    """
    from symnet._version import __version__
    from symnet.io.files import write_text
    from symnet.io.netfile import network_to_dict
    from symnet.learn.layer_training import LayerTrainResult

    if isinstance(result, LayerTrainResult):
        return save_layers(path, result)
    if not isinstance(result, TrainResult):
        raise TypeError(f"save expects a TrainResult (from train) or a LayerTrainResult (from train_layers); "
                        f"got {type(result).__name__}")
    check_savable(result.network)
    h = result.history
    doc = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "symnet_version": __version__,
           "network": network_to_dict(result.network), "loss": result.loss.name, "params": list(result.params),
           "theta": [float(t) for t in result.theta], "settings": result.settings,
           "history": {"epochs": list(h.epochs), "train_loss": list(h.train_loss), "val_loss": list(h.val_loss),
                       "seconds": h.seconds}}
    text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    if len(text.encode("utf-8")) > MAX_MODEL_BYTES:
        raise ValueError(f"the model file would be over {MAX_MODEL_BYTES:,} bytes, more than symnet reads back; "
                         f"train for fewer epochs or a smaller network")
    return write_text(path, text)


def load(path) -> TrainResult | LayerModel:
    """Read a model written by ``save`` (``symnet.load`` is this function), or a layer network's
    model (format ``symnet-layers``, written by ``symnet train layers:…``), read as a ``LayerModel``.

    Args:
        path: the JSON file.

    Returns:
        The ``TrainResult`` as it was saved: ``predict(X)``, ``evaluate(data)`` and ``accuracy``
        work again, and θ is bit for bit the one saved.

    Raises:
        ValueError: a damaged or invalid file (the message names the key at fault), or a network
            file, which has no trained θ.
    """
    from symnet.io.files import read_capped, strict_json

    path = Path(path)
    data = read_capped(path, MAX_MODEL_BYTES, "model file")
    try:
        doc = strict_json(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise ValueError(f"model file {path} is not valid JSON ({err}); was it truncated or edited?") from None
    except ValueError as err:
        raise ValueError(f"model file {path}: {err}") from None
    if isinstance(doc, dict) and doc.get("format") == LAYERS_FORMAT:
        try:
            return layers_from_doc(doc)
        except (ValueError, TypeError) as err:
            raise ValueError(f"model file {path}: {err}") from None
    if isinstance(doc, dict) and doc.get("format") == NETWORK_FORMAT:
        raise ValueError(f"{path} is a network file, not a trained model (it has no θ): train it first, e.g. "
                         f"symnet train {path} --data FILE.csv --out DIR, and use DIR/model.json")
    try:
        return _from_doc(doc)
    except (ValueError, TypeError) as err:
        raise ValueError(f"model file {path}: {err}") from None


def _from_doc(doc) -> TrainResult:
    from symnet.io.netfile import network_from_dict

    if not isinstance(doc, dict) or doc.get("format") != MODEL_FORMAT:
        raise ValueError(f"not a symnet model: expected \"format\": \"{MODEL_FORMAT}\"")
    check_version(doc, MODEL_VERSION)
    net = network_from_dict(required_key(doc, "network", dict))
    lossobj = make_loss(net, required_key(doc, "loss", str))
    params = tuple(required_key(doc, "params", list))
    if params != tuple(str(p) for p in net.params):
        raise ValueError(f"key 'params' {shown(list(params))} does not match the network's parameters "
                         f"{shown([str(p) for p in net.params])}")
    theta = finite_floats(required_key(doc, "theta", list), "theta")
    if len(theta) != len(params):
        raise ValueError(f"key 'theta' has {len(theta)} values; expected {len(params)}, one per parameter")
    h = required_key(doc, "history", dict)
    train_loss, val_loss = finite_floats(required_key(h, "train_loss", list), "history.train_loss"), finite_floats(
        required_key(h, "val_loss", list), "history.val_loss")
    epochs = tuple(required_key(h, "epochs", list))
    if not all(type(e) is int and e >= 0 for e in epochs) or len(epochs) != len(train_loss) or len(val_loss) not in (
            0, len(epochs)):
        raise ValueError("key 'history': epochs, train_loss and val_loss must be lists of the same length")
    seconds = finite_floats([required_key(h, "seconds", (int, float))], "history.seconds")[0]
    history = History(epochs, tuple(train_loss.tolist()), tuple(val_loss.tolist()), float(seconds))
    return TrainResult(net, lossobj, params, theta, history, _settings(required_key(doc, "settings", dict)))


def _settings(settings: dict) -> dict:
    """The settings, with counts that are whole numbers (not true/false) and a numeric learning rate."""
    for key in ("epochs", "seed", "n_train", "n_validation", "batch_size"):
        value = settings.get(key)
        if value is not None and (type(value) is not int or value < 0):
            raise ValueError(f"key 'settings.{key}' must be a whole number >= 0; got {shown(value)}")
    rate = settings.get("learning_rate")
    if rate is not None and (type(rate) not in (int, float) or not rate > 0):
        raise ValueError(f"key 'settings.learning_rate' must be a positive number; got {shown(rate)}")
    return dict(settings)


HISTORY_BYTES = (12, 29)   # most bytes of one epoch's entry in model.json: its number, one loss (indented repr)


def check_savable(net: Network, epochs: int = 0, validation: bool = False) -> None:
    """Refuse, before any training, a model that ``save`` would refuse: the network's description over
    the network-file limit (a nested form repeats shared neurons), or the network and the loss
    history of ``epochs`` epochs (one or two losses each) over ``MAX_MODEL_BYTES``.

    >>> from symnet import seed_network
    >>> check_savable(seed_network(), epochs=200)
    >>> check_savable(seed_network(), epochs=300_000, validation=True)
    Traceback (most recent call last):
    ...
    ValueError: the model file of 300,000 epochs would be up to 21,000,352 bytes (the loss of every epoch is kept), more than the 10,000,000 symnet reads back; train for fewer epochs or a smaller network
    """
    from symnet.io.netfile import dumps

    per_epoch = HISTORY_BYTES[0] + HISTORY_BYTES[1] * (2 if validation else 1)
    size = len(dumps(net).encode("utf-8")) + (epochs + 1) * per_epoch
    if size > MAX_MODEL_BYTES:
        raise ValueError(f"the model file of {epochs:,} epochs would be up to {size:,} bytes (the loss of every "
                         f"epoch is kept), more than the {MAX_MODEL_BYTES:,} symnet reads back; train for fewer "
                         f"epochs or a smaller network")
