"""A trained model: the ``TrainResult`` that ``symnet.train`` returns and ``symnet.load`` reads back, for
every kind of network, and its per-epoch ``History``.

A result holds the network, its loss, the parameter names, the flat θ, the history and the settings; a
layer network trained on standardised inputs also keeps the standardisation x ↦ (x − mean) / scale and
the names of the input columns, so ``predict`` takes raw inputs. What differs by kind (θ's layout, the
forward pass) lives in the compiled loss (``value_and_grad``), which every method goes through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from symnet.learn.data import as_arrays


@dataclass(frozen=True)
class History:
    """Per epoch k (k = 0 is the start): the mean loss at θ after ``epochs[k]`` epochs on the training set
    and the validation set, and the accuracy on each when it was recorded (else empty)."""

    epochs: tuple[int, ...]
    train_loss: tuple[float, ...]
    val_loss: tuple[float, ...]
    seconds: float
    train_accuracy: tuple[float, ...] = ()
    val_accuracy: tuple[float, ...] = ()


def classify(outputs: np.ndarray) -> np.ndarray:
    """The predicted class of each row: argmax over several outputs, else label 1 when the output is above ½."""
    outputs = np.asarray(outputs)
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return outputs.argmax(axis=1)
    return (outputs.reshape(len(outputs)) > 0.5).astype(int)


def labels(y: np.ndarray, outputs: int) -> np.ndarray:
    """The class label of each target: y itself for several outputs, y > ½ for one (0/1 labels or probabilities)."""
    y = np.asarray(y, dtype=float)
    return y.astype(int) if outputs > 1 else (y > 0.5).astype(int)


@dataclass(frozen=True, eq=False)
class TrainResult:
    """A trained network: its loss, the parameter names, the vector θ, the history and the settings used.

    ``predict(X)`` evaluates the network's output for each row of X (raw inputs: a saved standardisation
    is applied first); ``classify``, ``accuracy``, ``confusion`` and ``evaluate`` build on it.
    """

    network: object
    loss: object
    params: tuple[str, ...]
    theta: np.ndarray
    history: History
    settings: dict = field(default_factory=dict)
    inputs: tuple[str, ...] | None = None     # the data columns a layer network reads (None: its inputs' names)
    mean: np.ndarray | None = None            # the input standardisation (None: none)
    scale: np.ndarray | None = None
    compiled: object = field(default=None, repr=False)

    @cached_property
    def _fn(self):
        """The compiled loss: the one training ran, or compiled on first use (a loaded model)."""
        if self.compiled is not None:
            return self.compiled
        from symnet.numeric.codegen import value_and_grad

        return value_and_grad(self.loss, backend="numpy")   # a few evaluations: no machine code to build

    @property
    def n_params(self) -> int:
        return int(self.theta.size)

    def _standardised(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        return X if self.mean is None else (X - self.mean) / self.scale

    def predict(self, X) -> np.ndarray:
        """The output for each row of X: (N,) for a scalar network, N × n_L for a layer network
        (class probabilities after a softmax)."""
        return self._fn.predict(self.theta, self._standardised(X))

    def classify(self, X) -> np.ndarray:
        """The predicted class of each row: argmax of several outputs, else output > ½."""
        return classify(self.predict(X))

    @property
    def n_outputs(self) -> int:
        sizes = getattr(self.network, "sizes", None)
        return int(sizes[-1]) if sizes else 1

    def accuracy(self, data) -> float:
        """The fraction of labels predicted right (0/1 targets are thresholded at ½)."""
        X, y = as_arrays(data)
        return float(np.mean(self.classify(X) == labels(y, self.n_outputs)))

    def confusion(self, data) -> np.ndarray:
        """counts[i, j]: samples of class i predicted as j."""
        X, y = as_arrays(data)
        k = max(2, self.n_outputs)
        counts = np.zeros((k, k), dtype=int)
        np.add.at(counts, (labels(y, self.n_outputs), self.classify(X)), 1)
        return counts

    def evaluate(self, data) -> float:
        """The mean loss on ``data`` (a Dataset or (X, y))."""
        X, y = as_arrays(data)
        return float(self._fn(self.theta, self._standardised(X), np.asarray(y, dtype=float))[0])

    def values(self) -> dict:
        """θ by parameter: ``{name: value}`` (a layer network's matrices as arrays)."""
        parts = self._fn.unflatten(self.theta)
        return parts if isinstance(parts, dict) else dict(zip(self.params, parts))

    @cached_property
    def summary(self) -> dict:
        """The network, its size, the settings and the final losses and accuracies (the held-out set as
        ``test_``)."""
        h = self.history
        return {"network": getattr(self.network, "spec", str(self.network)), "parameters": self.n_params,
                **self.settings, "n_test": self.settings.get("n_validation", 0),
                "train_loss": h.train_loss[-1], "test_loss": h.val_loss[-1] if h.val_loss else None,
                "train_accuracy": h.train_accuracy[-1] if h.train_accuracy else None,
                "test_accuracy": h.val_accuracy[-1] if h.val_accuracy else None, "seconds": h.seconds}

    def __repr__(self) -> str:
        losses = self.history.train_loss
        change = f"loss {losses[0]:.4g} → {losses[-1]:.4g}" if losses else "no history"
        spec = getattr(self.network, "spec", None)     # a layers: network's name; a scalar one's nested form is long
        name = f"{spec}, " if spec else ""
        return f"<TrainResult: {name}{self.n_params:,} params, {self.settings.get('epochs', '?')} epochs, {change}>"

    def __str__(self) -> str:
        from symnet.render.printing import text

        return text(self)

    def _repr_markdown_(self) -> str:
        from symnet.render.printing import markdown

        return markdown(self)
