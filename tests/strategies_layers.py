"""Named Hypothesis strategies for layer networks over the public API: random widths, one activation per
hidden layer (table names and formulas in z), an output and a loss that fit it, residual skips where widths match.

A drawn network is a ``LayerSpec`` (hashable), so a test builds and compiles it once per shape
(``functools.lru_cache``) while Hypothesis varies the point.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st

# table names, and formulas in z read by the safe parser (symnet.layers takes both)
HIDDEN = ("sigmoid", "tanh", "relu", "softplus", "swish", "softsign", "gelu", "z*sigmoid(z)", "z/(1 + Abs(z))",
          "tanh(z)**2 + z")
# the losses each output takes (softmax over two or more outputs only)
LOSSES = {"softmax": ("softmax_cross_entropy",), "sigmoid": ("binary_cross_entropy", "squared_error"),
          "identity": ("squared_error",), "tanh": ("squared_error",)}


class LayerSpec(NamedTuple):
    """What ``symnet.layers`` and ``network.loss`` take, as a hashable record."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]     # one per hidden layer (one at least, as layers() wants)
    output: str
    loss: str
    residual: bool

    def network(self):
        """The layer network, through the public API."""
        import symnet

        activation = list(self.activations) if len(self.activations) > 1 else self.activations[0]
        return symnet.layers("-".join(map(str, self.sizes)), activation=activation, output=self.output,
                             residual=self.residual)

    def build(self):
        """The layer network's loss."""
        return self.network().loss(self.loss)


@st.composite
def layer_specs(draw, max_layers: int = 3, max_width: int = 4) -> LayerSpec:
    """1…``max_layers`` layers of widths 1…``max_width``, a random activation per hidden layer, an output and a
    loss that fit the last width, and ``residual`` when some hidden layer is as wide as the one before it."""
    sizes = tuple(draw(st.lists(st.integers(1, max_width), min_size=2, max_size=max_layers + 1)))
    n_hidden = len(sizes) - 2
    if n_hidden and draw(st.booleans()):
        activations = tuple(draw(st.lists(st.sampled_from(HIDDEN), min_size=n_hidden, max_size=n_hidden)))
    else:
        activations = (draw(st.sampled_from(HIDDEN)),)
    output = draw(st.sampled_from(tuple(o for o in LOSSES if o != "softmax" or sizes[-1] > 1)))
    can_skip = any(sizes[l] == sizes[l - 1] for l in range(1, len(sizes) - 1))
    return LayerSpec(sizes, activations, output, draw(st.sampled_from(LOSSES[output])),
                     can_skip and draw(st.booleans()))


@st.composite
def layer_batches(draw, spec: LayerSpec, max_batch: int = 4):
    """(theta, X, y) for ``spec``: weights N(0, 1/nₗ₋₁)·scale, biases N(0, ½), inputs N(0, 1), labels for a
    softmax, targets in [0, 1] otherwise; from a drawn seed, so no θ sits exactly on a kink of ReLU or |z|."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from((0.5, 1.0, 2.0)))
    n = draw(st.integers(1, max_batch))
    parts = []
    for fan_in, width in zip(spec.sizes, spec.sizes[1:]):
        parts += [rng.normal(scale=scale / np.sqrt(fan_in), size=width * fan_in), rng.normal(scale=0.5, size=width)]
    k = spec.sizes[-1]
    y = rng.integers(0, k, size=n) if spec.output == "softmax" else rng.uniform(size=(n, k))
    return np.concatenate(parts), rng.normal(size=(n, spec.sizes[0])), y
