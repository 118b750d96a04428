"""A trained model's file: ``save`` writes any ``TrainResult`` as JSON, ``load`` reads it back as one.

One format (``symnet-model``, version 2) for every network, with a ``kind`` field saying how the
network is written: ``"network"`` — the network file's object (``symnet.io.netfile``); ``"layers"`` —
the spec (``layers:64-32-10:relu:softmax``; your own activation as its formula in z, read back by the
safe parser), the names of the input columns and the input standardisation x ↦ (x − mean) / scale
the network was trained behind. Both hold the loss name, the parameter names, θ (floats in
round-trip ``repr``, so θ comes back exactly), the settings and the history. Files of version 1
(``symnet-model`` of a scalar network, ``symnet-layers`` of a layer network) still load. Writing is
atomic (``symnet.io.files``); reading checks every key and says which one is missing, has the wrong
type or is not finite.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from symnet.core.network import Network
from symnet.io.netfile import FORMAT as NETWORK_FORMAT
from symnet.io.netfile import MODEL_FORMAT
from symnet.io.text import loss as make_loss
from symnet.learn.jsonfields import check_version, finite_floats, required_key, scales, shown
from symnet.learn.result import History, TrainResult
from symnet.limits import MAX_MODEL_BYTES


MODEL_VERSION = 2
KINDS = ("network", "layers")
LAYERS_FORMAT = "symnet-layers"   # version 1 of a layer network's file, read still


def save(path, result: TrainResult, *, inputs=None, mean=None, scale=None):
    """Write a trained model to JSON atomically, whatever its network: the network, the loss name, the
    parameter names, θ (exact: floats in round-trip ``repr``), settings and history. ``symnet.save`` is
    this function.

    The file is also a network wherever one is expected (``symnet show model.json``, ``grad``,
    ``check``…: its network is used); ``symnet predict model.json --data FILE.csv`` uses θ too.

    Args:
        path: the file to write (conventionally ``model.json``); written completely or not at all.
        result: the ``TrainResult`` that ``symnet.train`` (or ``symnet.load``) returned.
        inputs, mean, scale: for a layer network, the input column names and the standardisation the
            training inputs went through (default: the result's own; x1, x2, …, 0 and 1).

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

    if not isinstance(result, TrainResult):
        raise TypeError(f"save expects a TrainResult (from train or load); got {type(result).__name__}")
    h = result.history
    history = {"epochs": list(h.epochs), "train_loss": list(h.train_loss), "val_loss": list(h.val_loss),
               "seconds": h.seconds}
    if h.train_accuracy:
        history.update(train_accuracy=list(h.train_accuracy), val_accuracy=list(h.val_accuracy))
    kind, network = _network_entry(result, inputs, mean, scale)
    doc = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "kind": kind, "symnet_version": __version__,
           **network, "loss": result.loss.name, "params": list(result.params),
           "theta": [float(t) for t in result.theta], "settings": result.settings, "history": history}
    text = json.dumps(doc, ensure_ascii=False, indent=None if kind == "layers" else 1, allow_nan=False) + "\n"
    if len(text.encode("utf-8")) > MAX_MODEL_BYTES:
        raise ValueError(f"the model file would be over {MAX_MODEL_BYTES:,} bytes, more than symnet reads back; "
                         f"train for fewer epochs or a smaller network")
    return write_text(path, text)


def _network_entry(result, inputs, mean, scale) -> tuple[str, dict]:
    """(kind, the keys that write the network): a network file's object, or a layer network's spec with
    its input names and standardisation."""
    from symnet.io.netfile import network_to_dict

    net = result.network
    if spec_of(net) is None:
        check_savable(net)
        return "network", {"network": network_to_dict(net)}
    n = net.sizes[0]
    inputs = inputs if inputs is not None else result.inputs or [f"x{i + 1}" for i in range(n)]
    mean = np.asarray(mean if mean is not None else result.mean if result.mean is not None else np.zeros(n), float)
    scale = np.asarray(scale if scale is not None else result.scale if result.scale is not None else np.ones(n),
                       float)
    inputs = _inputs(list(inputs), n)
    if mean.shape != (n,) or scale.shape != (n,):
        raise ValueError(f"inputs, mean and scale must each have {n} entries, one per network input")
    return "layers", {"network": net.spec, "inputs": list(inputs), "mean": mean.tolist(), "scale": scale.tolist()}


def load(path) -> TrainResult:
    """Read a model written by ``save`` (``symnet.load`` is this function), of any network, and the
    version-1 files of either kind.

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
    if isinstance(doc, dict) and doc.get("format") == NETWORK_FORMAT:
        raise ValueError(f"{path} is a network file, not a trained model (it has no θ): train it first, e.g. "
                         f"symnet train {path} --data FILE.csv --out DIR, and use DIR/model.json")
    try:
        return _from_doc(doc)
    except (ValueError, TypeError) as err:
        raise ValueError(f"model file {path}: {err}") from None


def model_kind(doc) -> str:
    """The kind of network a parsed model file holds ("network" or "layers"); ``ValueError`` if it is none."""
    if isinstance(doc, dict) and doc.get("format") == LAYERS_FORMAT:
        check_version(doc, 1)
        return "layers"
    if not isinstance(doc, dict) or doc.get("format") != MODEL_FORMAT:
        raise ValueError(f"not a symnet model: expected \"format\": \"{MODEL_FORMAT}\"")
    if type(doc.get("version")) is int and doc["version"] == 1:    # true is not 1
        return "network"
    check_version(doc, MODEL_VERSION)
    kind = required_key(doc, "kind", str)
    if kind not in KINDS:
        raise ValueError(f"key 'kind' must be one of {', '.join(KINDS)}; got {shown(kind)}")
    return kind


def _from_doc(doc) -> TrainResult:
    if model_kind(doc) == "layers":
        return _layers_from_doc(doc)
    from symnet.io.netfile import network_from_dict

    net = network_from_dict(required_key(doc, "network", dict))
    lossobj = make_loss(net, required_key(doc, "loss", str))
    params = tuple(required_key(doc, "params", list))
    if params != tuple(str(p) for p in net.params):
        raise ValueError(f"key 'params' {shown(list(params))} does not match the network's parameters "
                         f"{shown([str(p) for p in net.params])}")
    theta = finite_floats(required_key(doc, "theta", list), "theta")
    if len(theta) != len(params):
        raise ValueError(f"key 'theta' has {len(theta)} values; expected {len(params)}, one per parameter")
    history = _history(required_key(doc, "history", dict))
    return TrainResult(net, lossobj, params, theta, history, _settings(required_key(doc, "settings", dict)))


def _history(h: dict) -> History:
    """The ``history`` object: epochs, losses (and accuracies) of the same length, and the seconds."""
    lists = {key: finite_floats(h.get(key, []) if key.endswith("accuracy") or key == "val_loss"
                                else required_key(h, key, list), f"history.{key}")
             for key in ("train_loss", "val_loss", "train_accuracy", "val_accuracy")}
    epochs = tuple(required_key(h, "epochs", list))
    if not all(type(e) is int and e >= 0 for e in epochs) or len(epochs) != len(lists["train_loss"]) or any(
            len(lists[k]) not in (0, len(epochs)) for k in ("val_loss", "train_accuracy", "val_accuracy")):
        raise ValueError("key 'history': epochs, train_loss and val_loss must be lists of the same length")
    seconds = finite_floats([required_key(h, "seconds", (int, float))], "history.seconds")[0]
    values = {k: tuple(v.tolist()) for k, v in lists.items()}
    return History(epochs, values["train_loss"], values["val_loss"], float(seconds), values["train_accuracy"],
                   values["val_accuracy"])


def _layers_from_doc(doc: dict) -> TrainResult:
    """A layer network's model (version 2, or a version-1 ``symnet-layers`` file with its summary)."""
    net = _network(required_key(doc, "network", str))
    theta = finite_floats(required_key(doc, "theta", list), "theta")
    if len(theta) != net.n_params:
        raise ValueError(f"key 'theta' has {len(theta)} values; {net.spec} has {net.n_params} parameters")
    n = net.sizes[0]
    inputs = _inputs(doc.get("inputs") or [f"x{i + 1}" for i in range(n)], n)
    mean = finite_floats(doc.get("mean", [0.0] * n), "mean")
    scale = scales(doc.get("scale", [1.0] * n), "scale", n)
    if mean.shape != (n,):
        raise ValueError(f"key 'mean' must hold {n} numbers, one per network input; got {len(mean)}")
    if doc.get("format") == LAYERS_FORMAT:
        history, settings = _summary_history(doc.get("summary", {}))
        lossobj = net.loss(settings.get("loss"))
    else:
        history, settings = _history(required_key(doc, "history", dict)), _settings(required_key(doc, "settings", dict))
        lossobj = make_loss(net, required_key(doc, "loss", str))   # a name, or your formula (safe parser)
    params = tuple(p.name for p in net.params)
    return TrainResult(net, lossobj, params, theta, history, settings, inputs, mean, scale)


def _summary_history(summary) -> tuple[History, dict]:
    """A version-1 layer file's summary as a one-entry history (the final losses) and the settings."""
    if not isinstance(summary, dict):
        raise ValueError("key 'summary' must be an object")
    final = {k: summary.get(k) for k in ("train_loss", "test_loss", "train_accuracy", "test_accuracy")}
    one = {k: (float(v),) if isinstance(v, (int, float)) and not isinstance(v, bool) else () for k, v in final.items()}
    epochs = summary.get("epochs") if type(summary.get("epochs")) is int else 0
    seconds = summary.get("seconds") if isinstance(summary.get("seconds"), (int, float)) else 0.0
    history = History((epochs,) if one["train_loss"] else (), one["train_loss"], one["test_loss"], float(seconds),
                      one["train_accuracy"], one["test_accuracy"] if one["train_accuracy"] else ())
    settings = {k: v for k, v in summary.items() if k not in final and k not in ("network", "parameters", "seconds")}
    if "n_test" in settings:
        settings["n_validation"] = settings.pop("n_test")
    return history, settings


def _inputs(value, n: int) -> tuple[str, ...]:
    """The input column names: a list of ``n`` different non-empty strings (a name twice would read one column
    in two places)."""
    if not isinstance(value, list) or len(value) != n or not all(isinstance(s, str) and s for s in value):
        raise ValueError(f"key 'inputs' must name the network's {n} inputs in a list of strings")
    seen: set = set()
    twice = next((s for s in value if s in seen or seen.add(s)), None)
    if twice is not None:
        cut = twice if len(twice) <= 40 else twice[:40] + "…"
        raise ValueError(f"key 'inputs' names the column {cut!r} twice; each of the network's {n} inputs "
                         f"reads its own column")
    return tuple(value)


def _network(spec: str):
    """A one-line spec → its network: ``layers:SIZES:ACTIVATIONS:OUTPUT[:residual]`` (read by ``symnet.layers``,
    formula activations by the safe parser) or ``attention:T=…,d=…,…`` (``parse_attention_spec``): what
    ``network.spec`` wrote reads back."""
    from symnet.core.attention_model import parse_attention_spec
    from symnet.io.text import layers

    if spec.startswith("conv:"):     # a convolutional network (symnet.core.convnet): its spec reads back
        from symnet.core.convnet import convnet

        try:
            return convnet(spec)
        except (ValueError, TypeError) as err:
            raise ValueError(f"key 'network': {err}") from None
    layered = spec.startswith("layers:") and len(spec.split(":")) in (4, 5)
    if not layered and not spec.startswith("attention:"):
        raise ValueError(f"key 'network' must be a spec like layers:64-32-10:relu:softmax, "
                         f"attention:T=6,d=9,classes=4 or conv:8x8:c3x3x8:relu:pool2:d10:softmax; got {shown(spec)}")
    try:
        return layers(spec) if layered else parse_attention_spec(spec)
    except (ValueError, TypeError, NotImplementedError) as err:    # ParseError, MissingRuleError
        raise ValueError(f"key 'network': {err}") from None


def spec_of(net) -> str | None:
    """The one line a network is written as, when it has one (a layer network's ``layers:64-32-10:relu:softmax``,
    read back by ``symnet.layers``); None: the network is written as a network file's object."""
    return getattr(net, "spec", None)


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
THETA_BYTES = 26           # most bytes of one entry of a layer network's θ: a float's repr and ", "


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

    layered = spec_of(net) is not None   # its θ, not its one-line spec, is the bulk; it keeps accuracies too
    per_epoch = HISTORY_BYTES[0] + HISTORY_BYTES[1] * (2 if validation else 1) * (2 if layered else 1)
    described = THETA_BYTES * net.n_params if layered else len(dumps(net).encode("utf-8"))
    size = described + (epochs + 1) * per_epoch
    if size > MAX_MODEL_BYTES:
        why = f"θ has {net.n_params:,} entries" if layered else "the loss of every epoch is kept"
        raise ValueError(f"the model file of {epochs:,} epochs would be up to {size:,} bytes ({why}), more than the "
                         f"{MAX_MODEL_BYTES:,} symnet reads back; train for fewer epochs or a smaller network")
