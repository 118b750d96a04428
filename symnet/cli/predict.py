"""``symnet predict MODEL --data DATA``: a trained model's prediction for each row of a CSV file or a built-in set.

MODEL is a model file written by ``symnet train`` (``DIR/model.json``) or ``symnet.save``. The CSV
columns are matched to the network's inputs by the header; other columns are ignored. A classifier
(trained with binary cross-entropy) gives a label and a probability per row, any other model ŷ. A layer
network's model (``symnet train layers:…``) with a softmax output gives the label and one probability per
class; its columns are the ones it was trained on (p1…p64, raw grey levels 0–16, for the digits).
DATA may also name a built-in data set (``symnet.learn.named_rows``): digits and mnist give their held-out
test images, a generated set (xor, moons, …) the rows of the model's run; the accuracy goes to stderr.
NumPy and SymPy are imported inside the command.
"""

from __future__ import annotations

import sys

import click

from .common import Command, echo_err, emit, examples, handle_errors, lang_option, preload, time_limit, timeout_option
from .lang import shown_lang
from .naming import NETWORK_EXAMPLES


@click.command(cls=Command, epilog=examples(
    "symnet train layers:64-32-10:relu:softmax --data digits --quiet --out run",
    "symnet predict run/model.json --data digits",
    "symnet train mlp:2-3-1 --data xor --epochs 5 --quiet --out run2",
    "symnet predict run2/model.json --data run2/data.csv -o predictions.csv",
    "symnet predict run2/model.json --data xor --format json"))
@click.argument("model", metavar="MODEL", type=click.Path(dir_okay=False))
@click.option("--data", "data_path", required=True, metavar="DATA", type=click.Path(dir_okay=False),
              help="Rows to predict: a CSV file whose header names the network's inputs (e.g. x1,x2); digits or "
                   "mnist (the held-out test images symnet train measured); xor, moons, circles, spiral, sine, seed "
                   "or function:EXPR (the rows of the model's run: its data.csv, or made again from its seed).")
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default="csv", show_default=True,
              help="csv: one line per row (label,probability or prediction); json: one object (see the CLI reference).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write to FILE (atomically) instead of printing.")
@timeout_option(default=60.0, work="reading the model and predicting")
@lang_option(expose=False)
@handle_errors
def predict(model, data_path, fmt, output, timeout):
    """Predict with a trained MODEL (a model.json from symnet train) for each row of DATA.

    \b
    Prints one line per data row, in order: label,probability for a classifier
    (a model trained with --loss binary_cross_entropy; label 1 when the
    probability is above 0.5), prediction (ŷ) otherwise. A layers: model with
    a softmax output prints label,probability_0,…,probability_K-1.
    DATA is a CSV file or a built-in data set's name: digits and mnist give
    their held-out test images; a generated set (xor, moons, …) the rows of
    the model's run. For a built-in set the accuracy (or the mean loss) goes
    to stderr, or into --format json.
    """
    import json

    preload(numeric=True, extra=("symnet.learn.modelfile", "symnet.learn.prediction", "symnet.learn.named_rows"))
    with time_limit(timeout, "the prediction", "use a smaller data file or a larger --timeout"):
        predictions, scores = _predict(model, data_path)
        if fmt == "json":
            text = json.dumps({"model": model, "data": data_path, **scores, **predictions.to_dict()}, indent=2) + "\n"
        else:
            text = predictions.csv()
    emit(text, output, ascii=False, fmt=fmt)
    if scores and fmt != "json":
        echo_err(score_line(scores, shown_lang(sys.stderr)))


def _predict(model: str, data: str):
    """(predictions, scores): the rows of a CSV file (no scores), or of a built-in data set with their scores."""
    from symnet.learn.modelfile import load
    from symnet.learn.named_rows import is_named
    from symnet.learn.prediction import predict_csv, predict_named

    result = load(_model_path(model))
    if is_named(data):
        return predict_named(result, data, model)
    return predict_csv(result, _data_path(data, model)), {}


def score_line(scores: dict, lang: str = "en") -> str:
    """The line on stderr after predicting a built-in data set: the accuracy, else the mean loss, and the rows.

    >>> score_line({"accuracy": 0.75, "loss": 0.5, "rows": 4, "rows_from": "xor (test)"})
    'accuracy 0.7500 (3 of 4 rows of xor (test))'
    """
    from symnet.render.i18n import t

    rows, source = scores["rows"], scores["rows_from"]
    if scores["accuracy"] is not None:
        return t("predict_accuracy", lang, accuracy=f"{scores['accuracy']:.4f}",
                 right=round(scores["accuracy"] * rows), rows=rows, source=source)
    if scores["loss"] is not None:
        return t("predict_loss", lang, loss=f"{scores['loss']:.6g}", rows=rows, source=source)
    return t("predict_rows", lang, rows=rows, source=source)


def _model_path(model: str) -> str:
    """``model``, refusing a built-in network name (it has no trained θ) with what to do instead."""
    from pathlib import Path

    head = model.split(":")[0]
    if not Path(model).exists() and (head in ("seed", "mlp", "layers") or model in NETWORK_EXAMPLES):
        raise ValueError(f"{model} is a network, not a trained model: train it first (symnet train {model} "
                         f"--data FILE.csv --out DIR), then symnet predict DIR/model.json --data FILE.csv")
    return model


def _data_path(data: str, model: str) -> str:
    """``data``, refusing the name of a built-in data set predict does not make (sequences) with what to give."""
    from pathlib import Path

    if Path(data).exists() or data.strip().lower() != "sequences":
        return data
    raise ValueError(f"--data {data} is a built-in data set that predict does not read: it reads a CSV file whose "
                     f"header names the model's inputs, digits, mnist or a generated set (xor, moons, …); the run's "
                     f"test accuracy is in {Path(model).parent / 'history.csv'} and in symnet train's summary")
