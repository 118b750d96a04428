"""Predictions of a trained model: ŷ = F(θ, x) for each row of a table, and for a classifier the label.

A model trained with binary cross-entropy is a classifier: its output ŷ = σ(…) ∈ (0, 1) is the
probability of label 1, and the label is 1 when ŷ > 0.5 (as in ``TrainResult.accuracy``). Any
other model is a regression: the prediction is ŷ itself. CSV columns are matched to the network's
inputs by name (``symnet.learn.data.read_columns``), so their order and extra columns do not matter;
a model trained on a CSV file also reads the columns it was trained on (``settings["data_inputs"]``).

A layer network's model reads the columns it was trained on (``p1``… ``p64`` for the digits) and
standardises them as in training. A softmax classifier gives the label
(argmax) and one probability per class; one sigmoid output gives label and probability as above;
other outputs give ŷ (one column per output).

``predict_named`` predicts the rows of a built-in data set instead (``symnet.learn.named_rows``: the held-out
digits or mnist, the run's rows of xor, moons, …) and scores them: the accuracy of a classifier, the mean loss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symnet.learn.data import read_columns
from symnet.learn.modelfile import TrainResult

CLASSIFIER_LOSSES = ("binary_cross_entropy",)
THRESHOLD = 0.5


@dataclass(frozen=True, eq=False)
class Predictions:
    """ŷ for each row, the input names it was computed from, and whether ŷ is a probability.

    >>> p = Predictions(("x",), np.array([0.2, 0.9]), classifier=True)
    >>> p.labels.tolist(), p.csv()
    ([0, 1], 'label,probability\\n0,0.2\\n1,0.9\\n')
    """

    inputs: tuple[str, ...]
    yhat: np.ndarray
    classifier: bool

    @property
    def labels(self) -> np.ndarray:
        """Label 1 where ŷ > 0.5, else 0 (classifiers)."""
        return (self.yhat > THRESHOLD).astype(int)

    def columns(self) -> dict:
        """{column name: values}: ``label`` and ``probability`` for a classifier, ``prediction`` otherwise."""
        if self.classifier:
            return {"label": self.labels.tolist(), "probability": self.yhat.tolist()}
        return {"prediction": self.yhat.tolist()}

    def csv(self) -> str:
        """One line per row, under a header; numbers in round-trip ``repr``."""
        columns = self.columns()
        lines = [",".join(columns)] + [",".join(repr(v) for v in row) for row in zip(*columns.values())]
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        """The JSON-ready record: ``kind`` (classifier or regression), ``inputs``, ``rows`` and the columns."""
        kind = "classifier" if self.classifier else "regression"
        return {"kind": kind, "inputs": list(self.inputs), "rows": len(self.yhat), **self.columns()}


@dataclass(frozen=True, eq=False)
class ClassPredictions:
    """A softmax classifier's class probabilities (N × K) for each row, and the input names.

    >>> p = ClassPredictions(("x1",), np.array([[0.9, 0.1], [0.2, 0.8]]))
    >>> p.csv()
    'label,probability_0,probability_1\\n0,0.9,0.1\\n1,0.2,0.8\\n'
    """

    inputs: tuple[str, ...]
    probabilities: np.ndarray

    @property
    def labels(self) -> np.ndarray:
        """The most probable class of each row."""
        return self.probabilities.argmax(axis=1)

    def columns(self) -> dict:
        """``label`` and ``probability_k`` for each class k."""
        return {"label": self.labels.tolist(),
                **{f"probability_{k}": column.tolist() for k, column in enumerate(self.probabilities.T)}}

    csv = Predictions.csv

    def to_dict(self) -> dict:
        """The JSON-ready record: ``kind`` (classes), ``inputs``, ``rows``, ``classes`` and the columns."""
        return {"kind": "classes", "inputs": list(self.inputs), "rows": len(self.probabilities),
                "classes": self.probabilities.shape[1], **self.columns()}


@dataclass(frozen=True, eq=False)
class OutputPredictions:
    """ŷ of a layer network with several outputs that are not classes: one ``prediction_k`` column each."""

    inputs: tuple[str, ...]
    outputs: np.ndarray

    def columns(self) -> dict:
        return {f"prediction_{k + 1}": column.tolist() for k, column in enumerate(self.outputs.T)}

    csv = Predictions.csv

    def to_dict(self) -> dict:
        return {"kind": "regression", "inputs": list(self.inputs), "rows": len(self.outputs), **self.columns()}


def is_classifier(result: TrainResult) -> bool:
    """True when the model was trained with binary cross-entropy: its ŷ is a probability."""
    return result.loss.name in CLASSIFIER_LOSSES


def input_columns(result: TrainResult, path) -> tuple[str, ...]:
    """The CSV columns that feed the network's inputs, in order: named like the inputs (x1, x2, …),
    or else named like the columns the model was trained on (training takes a CSV's input columns
    by position, so a model trained on columns a, b reads a, b again)."""
    from symnet.learn.csvfile import few
    from symnet.learn.data import read_header

    names = tuple(s.name for s in result.network.inputs)
    trained = tuple(result.settings.get("data_inputs") or ())
    header = read_header(path)
    if set(names) <= set(header) or len(trained) != len(names) or trained == names:
        return names  # read_columns names any missing column
    if set(trained) <= set(header):
        return trained
    missing = [n for n in names if n not in header]
    raise ValueError(f"{path}: no column {few(missing)}; name the columns after the network's inputs "
                     f"({few(names)}) or as in the data it was trained on ({few(trained)}); the header "
                     f"has {few(header)}")


def predict_csv(result: TrainResult, path) -> Predictions:
    """ŷ for every row of the CSV file ``path``, its columns matched to the network's inputs by name.

    Args:
        result: a trained model (``symnet.train`` or ``symnet.load``).
        path: a CSV file with a header row naming at least every input of the network.

    Returns:
        The ``Predictions``, one per data row, in file order.

    Raises:
        ValueError: a missing column (named), a bad cell, or a non-finite prediction.
    """
    if not isinstance(result, TrainResult):
        raise TypeError(f"predict_csv expects a TrainResult (from train or load); got {type(result).__name__}")
    names = result.inputs or input_columns(result, path)     # a layer network reads the columns it trained on
    return predict_rows(result, read_columns(path, names), names, path)


def predict_rows(result: TrainResult, X: np.ndarray, names, where):
    """The predictions for the rows X (raw inputs, standardised by the model as in training); ``where``
    names the rows in the message for a prediction that is not finite."""
    names = tuple(names)
    with np.errstate(all="ignore"):
        outputs = np.asarray(result.predict(X), dtype=float).reshape(len(X), -1)
    bad = np.flatnonzero(~np.isfinite(outputs).all(axis=1))
    if bad.size:
        raise ValueError(not_finite(where, bad[0], result.theta))
    if result.loss.name == "softmax_cross_entropy":
        return ClassPredictions(names, outputs)
    if outputs.shape[1] == 1:
        return Predictions(names, outputs[:, 0], is_classifier(result))
    return OutputPredictions(names, outputs)


def predict_named(result: TrainResult, data: str, model):
    """(predictions, scores) for the rows of a built-in data set (``symnet.learn.named_rows``): the held-out
    test split of digits or mnist, the run's rows of a generated set.

    The scores are ``rows_from`` (where the rows came from), ``rows`` (how many), ``accuracy`` (a classifier on labelled rows, else
    None) and ``loss`` (the model's mean loss on the rows, None when their targets do not fit it).
    """
    from symnet.learn.named_rows import rows_for

    if not isinstance(result, TrainResult):
        raise TypeError(f"predict_named expects a TrainResult (from train or load); got {type(result).__name__}")
    rows = rows_for(result, data, model)
    predictions = predict_rows(result, rows.X, rows.inputs, rows.source)
    classes = _classes(predictions)
    fits = rows.y is not None and (classes is None or _are_labels(rows.y, classes))
    accuracy = float(np.mean(predictions.labels == rows.y)) if fits and classes else None
    loss = result.evaluate((rows.X, rows.y)) if fits else None
    return predictions, {"rows_from": rows.source, "rows": len(rows.X), "accuracy": accuracy, "loss": loss}


def _classes(predictions) -> int | None:
    """How many classes a classifier's predictions choose from (None: a regression)."""
    if isinstance(predictions, ClassPredictions):
        return predictions.probabilities.shape[1]
    return 2 if isinstance(predictions, Predictions) and predictions.classifier else None


def _are_labels(y: np.ndarray, classes: int) -> bool:
    """True when every target is a class label 0…classes−1."""
    return bool(np.all((y == np.round(y)) & (y >= 0) & (y < classes)))


def not_finite(path, row: int, theta: np.ndarray) -> str:
    """The message for a prediction that is not finite: that row's inputs with θ overflowed float64
    (the largest |θ| is shown: an edited model file's θ of 1e308 overflows on any input)."""
    largest = float(np.max(np.abs(theta))) if theta.size else 0.0
    return (f"{path}: the prediction for data row {row + 1} is not finite: that row's inputs with the model's θ "
            f"(largest |θ| {largest:.3g}, key 'theta' of the model file) overflow float64; check that row's "
            f"inputs and the model file")
