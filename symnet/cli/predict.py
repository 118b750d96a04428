"""``symnet predict MODEL --data FILE.csv``: a trained model's prediction for each row of a CSV file.

MODEL is a model file written by ``symnet train`` (``DIR/model.json``) or ``symnet.save``. The CSV
columns are matched to the network's inputs by the header; other columns are ignored. A classifier
(trained with binary cross-entropy) gives a label and a probability per row, any other model ŷ. A layer
network's model (``symnet train layers:…``) with a softmax output gives the label and one probability per
class; its columns are the ones it was trained on (p1…p64, raw grey levels 0–16, for the digits).
NumPy and SymPy are imported inside the command.
"""

from __future__ import annotations

import click

from .common import Command, emit, examples, handle_errors, lang_option, preload, time_limit, timeout_option
from .naming import NETWORK_EXAMPLES


@click.command(cls=Command, epilog=examples(
    "symnet train mlp:2-3-1 --data xor --epochs 5 --quiet --out run",
    "symnet predict run/model.json --data run/data.csv -o predictions.csv",
    "symnet predict run/model.json --data run/data.csv --format json"))
@click.argument("model", metavar="MODEL", type=click.Path(dir_okay=False))
@click.option("--data", "data_path", required=True, metavar="FILE.csv", type=click.Path(dir_okay=False),
              help="Rows to predict: a CSV file whose header names the network's inputs (e.g. x1,x2).")
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), default="csv", show_default=True,
              help="csv: one line per row (label,probability or prediction); json: one object (see the CLI reference).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write to FILE (atomically) instead of printing.")
@timeout_option(default=60.0, work="reading the model and predicting")
@lang_option(expose=False)
@handle_errors
def predict(model, data_path, fmt, output, timeout):
    """Predict with a trained MODEL (a model.json from symnet train) for each row of a CSV file.

    \b
    Prints one line per data row, in order: label,probability for a classifier
    (a model trained with --loss binary_cross_entropy; label 1 when the
    probability is above 0.5), prediction (ŷ) otherwise. A layers: model with
    a softmax output prints label,probability_0,…,probability_K-1.
    """
    import json

    from symnet.learn.modelfile import load
    from symnet.learn.prediction import predict_csv

    preload(numeric=True, extra=("symnet.learn.modelfile", "symnet.learn.prediction"))
    with time_limit(timeout, "the prediction", "use a smaller data file or a larger --timeout"):
        predictions = predict_csv(load(_model_path(model)), _data_path(data_path, model))
        if fmt == "json":
            text = json.dumps({"model": model, "data": data_path, **predictions.to_dict()}, indent=2) + "\n"
        else:
            text = predictions.csv()
    emit(text, output, ascii=False, fmt=fmt)


def _model_path(model: str) -> str:
    """``model``, refusing a built-in network name (it has no trained θ) with what to do instead."""
    from pathlib import Path

    head = model.split(":")[0]
    if not Path(model).exists() and (head in ("seed", "mlp", "layers") or model in NETWORK_EXAMPLES):
        raise ValueError(f"{model} is a network, not a trained model: train it first (symnet train {model} "
                         f"--data FILE.csv --out DIR), then symnet predict DIR/model.json --data FILE.csv")
    return model


BUILT_IN = ("xor", "moons", "circles", "spiral", "sine", "seed")     # symnet.learn.data.DATASETS, made on the fly
IMAGES = ("digits", "mnist", "sequences")                          # held-out sets of their own


def _data_path(data: str, model: str) -> str:
    """``data``, refusing a built-in data set's name (predict reads a CSV file) with the file to give instead."""
    from pathlib import Path

    name = data.strip().lower()
    if Path(data).exists() or not (name in BUILT_IN + IMAGES or name.startswith("function:")):
        return data
    run = Path(model).parent
    if name in IMAGES:
        raise ValueError(f"--data {data} is a built-in data set that predict does not read: it reads a CSV file "
                         f"whose header names the model's inputs (p1, p2, … for images); the run's test accuracy is "
                         f"in {run / 'history.csv'} and in symnet train's summary")
    raise ValueError(f"--data {data} is a built-in data set that predict does not read: it reads a CSV file; "
                     f"symnet train wrote the run's rows of {data} to {run / 'data.csv'}: symnet predict {model} "
                     f"--data {run / 'data.csv'}")
