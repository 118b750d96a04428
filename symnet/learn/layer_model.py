"""A trained layer network's file (format ``symnet-layers``): write it, read it back, predict with it.

The file holds the network's spec (``layers:64-144-10:relu:softmax``; your own activation is written as
its formula in z, ``layers:2-8-2:z*sigmoid(z):softmax``, and read back by the safe parser), θ flat in parameter order
(each Wˡ row by row, then bˡ; floats in round-trip ``repr``, so θ comes back bit for bit), the names
of the input columns, the input standardisation x ↦ (x − mean) / scale the network was trained
behind (the digits are standardised per pixel; other data sets are not: mean 0, scale 1) and the
training summary. ``symnet.load`` reads it as a ``LayerModel``; its ``predict`` takes raw inputs
(grey levels 0–16 for the digits) and returns aᴸ: class probabilities after a softmax.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from symnet.learn.jsonfields import check_version, finite_floats, required_key, scales

LAYERS_FORMAT = "symnet-layers"
LAYERS_VERSION = 1


@dataclass(frozen=True, eq=False)
class LayerModel:
    """A trained layer network as saved: the network, θ, input names and standardisation, the summary."""

    network: object
    theta: np.ndarray
    inputs: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    summary: dict = field(default_factory=dict)

    @cached_property
    def compiled(self):
        from symnet.numeric.layer_codegen import compile_layers

        return compile_layers(self.network)

    @property
    def is_classifier(self) -> bool:
        """True for a softmax output (classes) or one sigmoid output (label 1 when aᴸ > ½)."""
        out = self.network.output_activation
        return out == "softmax" or (out == "sigmoid" and self.network.sizes[-1] == 1)

    def predict(self, X) -> np.ndarray:
        """aᴸ for each row of raw inputs X (N × n₀): N × n_L, class probabilities after a softmax."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.network.sizes[0]:
            raise ValueError(f"X must have shape (N, {self.network.sizes[0]}), one row per sample; got {X.shape}")
        return self.compiled.predict(self.theta, (X - self.mean) / self.scale)

    def classify(self, X) -> np.ndarray:
        """The predicted class of each row: argmax of aᴸ, or aᴸ > ½ for one output."""
        from symnet.learn.layer_training import classify

        return classify(self.predict(X))

    def __repr__(self) -> str:
        accuracy = self.summary.get("test_accuracy")
        tail = f", test accuracy {100 * accuracy:.1f}%" if isinstance(accuracy, float) else ""
        return f"<LayerModel: {self.network.spec}, {self.network.n_params:,} params{tail}>"


def save_layers(path, fit, inputs=None, mean=None, scale=None):
    """Write a trained layer network (a ``LayerTrainResult``) atomically as a ``symnet-layers`` file.

    Args:
        path: the file to write (conventionally ``model.json``).
        fit: what ``train_layers`` returned.
        inputs: the input column names (default x1, x2, …).
        mean, scale: the standardisation the training inputs went through (default none: 0 and 1).

    Returns:
        The path written.
    """
    from symnet._version import __version__
    from symnet.io.files import write_text

    n = fit.network.sizes[0]
    inputs = _inputs(list(inputs), n) if inputs is not None else tuple(f"x{i + 1}" for i in range(n))
    mean = np.zeros(n) if mean is None else np.asarray(mean, dtype=float)
    scale = np.ones(n) if scale is None else np.asarray(scale, dtype=float)
    if len(inputs) != n or mean.shape != (n,) or scale.shape != (n,):
        raise ValueError(f"inputs, mean and scale must each have {n} entries, one per network input")
    doc = {"format": LAYERS_FORMAT, "version": LAYERS_VERSION, "symnet_version": __version__,
           "network": fit.network.spec, "inputs": list(inputs), "mean": mean.tolist(), "scale": scale.tolist(),
           "theta": [float(v) for v in fit.theta], "summary": fit.summary}
    return write_text(path, json.dumps(doc, allow_nan=False) + "\n")


def layers_from_doc(doc: dict) -> LayerModel:
    """The ``LayerModel`` of a parsed ``symnet-layers`` file; ``ValueError`` names the key at fault."""
    check_version(doc, LAYERS_VERSION)
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
    summary = doc.get("summary", {})
    if not isinstance(summary, dict):
        raise ValueError("key 'summary' must be an object")
    return LayerModel(net, theta, inputs, mean, scale, summary)


def _inputs(value, n: int) -> tuple[str, ...]:
    """The input column names: a list of ``n`` different non-empty strings (a name twice would read one column
    in two places)."""
    if not isinstance(value, list) or len(value) != n or not all(isinstance(s, str) and s for s in value):
        raise ValueError(f"key 'inputs' must name the network's {n} inputs in a list of strings")
    seen: set = set()
    twice = next((s for s in value if s in seen or seen.add(s)), None)
    if twice is not None:
        shown = twice if len(twice) <= 40 else twice[:40] + "…"
        raise ValueError(f"key 'inputs' names the column {shown!r} twice; each of the network's {n} inputs "
                         f"reads its own column")
    return tuple(value)


def _network(spec: str):
    """``layers:SIZES:ACTIVATIONS:OUTPUT[:residual]`` → the ``LayerNetwork``, read by ``symnet.layers`` (the one
    spec grammar: what ``network.spec`` wrote reads back, formula activations by the safe parser)."""
    from symnet.io.text import layers

    if not spec.startswith("layers:") or len(spec.split(":")) not in (4, 5):
        raise ValueError(f"key 'network' must be a spec like layers:64-32-10:relu:softmax; got {spec[:80]!r}")
    try:
        return layers(spec)
    except (ValueError, TypeError, NotImplementedError) as err:    # ParseError, MissingRuleError
        raise ValueError(f"key 'network': {err}") from None
