"""The rows a trained model is predicted on when ``symnet predict`` is given a built-in data set's name.

- ``digits``, ``mnist``: the fixed held-out test split that ``symnet train`` measured (``symnet.learn.digits``,
  ``symnet.learn.mnist``), as raw grey levels: ``TrainResult.predict`` applies the model's own standardisation
  x ↦ (x − mean) / scale, exactly as for a CSV file. A model that records none but was trained on the split's
  rows (``symnet.train(net, digits().train)``, saved without mean and scale) gets the split's standardised rows.
- ``xor``, ``moons``, ``circles``, ``spiral``, ``sine``, ``seed``, ``function:EXPR``: the rows of the model's
  own run: the ``data.csv`` beside the model file (every row ``symnet train`` wrote), else the data set made
  again from the seed, sizes and noise the model file records, split as training split it, and accepted only when
  the model's recorded final loss on those rows comes back: rows made with another ``--noise``, or by a
  generator that changed, are refused, never silently put in their place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from symnet.learn.csvfile import few, read_columns, read_header

IMAGE_NAMES = ("digits", "mnist")
GENERATED = ("xor", "moons", "circles", "spiral", "sine", "seed")
DEFAULT_NOISE = 0.1      # symnet train's --noise, for a model file that records none (written before it did)
LOSS_RTOL = 1e-6         # the recorded final loss, computed again on the rows made again (float32 runs: ~1e-7)


@dataclass(frozen=True, eq=False)
class Rows:
    """Inputs X (what ``TrainResult.predict`` takes), the targets y (None: unknown), the input names and
    where the rows came from (``digits (test)``, a data.csv path, ``moons (held-out, made again from seed 0)``)."""

    X: np.ndarray
    y: np.ndarray | None
    inputs: tuple[str, ...]
    source: str


def is_named(data: str) -> bool:
    """True when ``data`` names a data set ``rows_for`` makes (and no file of that name exists)."""
    name = data.strip().lower()
    return not Path(data).exists() and (name in IMAGE_NAMES + GENERATED or name.startswith("function:"))


def rows_for(result, data: str, model) -> Rows:
    """The rows of the built-in data set ``data`` to predict ``result`` (loaded from ``model``) on.

    Raises:
        ValueError: the model's inputs do not fit the data, it was trained on other data, or its rows
            cannot be made again (each with what to give instead).
        MnistNotInstalled: ``mnist`` without its optional extra.
    """
    name = data.strip().lower()
    rows = _image_rows(result, name) if name in IMAGE_NAMES else _generated_rows(result, data.strip(), Path(model))
    width = input_width(result)
    if rows.X.shape[1] != width:
        raise ValueError(_misfit(model, width, data.strip(), rows))
    return rows


def input_width(result) -> int:
    """How many numbers one row of the model's inputs holds (a layer network's first size, else its inputs)."""
    sizes = getattr(result.network, "sizes", None)
    return int(sizes[0]) if sizes else len(result.network.inputs)


def _misfit(model, width: int, data: str, rows: Rows) -> str:
    from symnet.learn.mnist import IMAGE_SETS

    example = IMAGE_SETS[data.lower()][1] if data.lower() in IMAGE_SETS else "mlp:2-4-1:tanh:sigmoid"
    return (f"{model} takes {width} input(s) per row, but --data {data} has {rows.X.shape[1]} ({few(rows.inputs)}): "
            f"predict {data} with a model trained on it (symnet train {example} --data {data} --out run, then "
            f"symnet predict run/model.json --data {data}), or give a CSV file whose header names the model's inputs")


def _image_rows(result, name: str) -> Rows:
    """The held-out test images of ``name``: raw grey levels behind a recorded standardisation, else the
    split's standardised rows when the model was trained on the split itself."""
    from symnet.learn.mnist import IMAGE_SETS

    split = IMAGE_SETS[name][0]()     # MnistNotInstalled without the extra: its one line says what to install
    test = split.test
    raw = split.test_images.reshape(len(test), -1)
    trained_on_split = str(result.settings.get("data", "")).startswith(name)
    X = test.X if trained_on_split and not _standardises(result) else raw
    return Rows(X, test.y, test.inputs, f"{name} (test)")


def _standardises(result) -> bool:
    """True when the model records a standardisation other than x ↦ x."""
    return result.mean is not None and not (np.all(result.mean == 0) and np.all(result.scale == 1))


def _generated_rows(result, data: str, model: Path) -> Rows:
    """The run's own rows of a generated set: its data.csv, else made again and checked against the
    recorded loss."""
    canonical = _canonical(data)
    trained_on = str(result.settings.get("data", canonical)).removesuffix(" (train)")
    if trained_on != canonical:
        built_in = trained_on in IMAGE_NAMES + GENERATED or trained_on.startswith("function:")
        instead = f"--data {trained_on}, or " if built_in else ""
        raise ValueError(f"{model} was trained on {trained_on}, not {data}: give {instead}a CSV file whose header "
                         f"names the model's inputs")
    csv = model.parent / "data.csv"
    if csv.is_file():
        return _csv_rows(result, csv)
    return _made_again(result, canonical, model)


def _canonical(data: str) -> str:
    """The name training records for ``data``: lower case, a formula as typed after ``function:``."""
    return f"function:{data[len('function:'):]}" if data.lower().startswith("function:") else data.lower()


def _csv_rows(result, csv: Path) -> Rows:
    """Every row of the run's data.csv (inputs named after the network's, then y), checked for its size."""
    names = result.inputs or tuple(s.name for s in result.network.inputs)    # as symnet train wrote them
    X = read_columns(csv, names)
    header = read_header(csv)
    target = next((t for t in ("y", "target") if t in header and t not in names), None)
    y = None if target is None else read_columns(csv, (target,))[:, 0]
    recorded = _recorded_rows(result)
    if recorded is not None and recorded != len(X):
        raise ValueError(f"{csv} has {len(X)} rows, but the model beside it was trained on {recorded}: it is not "
                         f"that run's data.csv; give the rows as --data FILE.csv")
    return Rows(X, y, tuple(names), str(csv))


def _recorded_rows(result) -> int | None:
    s = result.settings
    if type(s.get("n_train")) is int and type(s.get("n_validation")) is int:
        return s["n_train"] + s["n_validation"]
    return None


def _made_again(result, name: str, model: Path) -> Rows:
    """The data set made again from the recorded seed and size, split as training did: the held-out rows
    (or all of them), kept only when the recorded final loss on them comes back."""
    from symnet.learn.data import make, split

    s, n = result.settings, _recorded_rows(result)
    noise = s.get("noise", DEFAULT_NOISE)
    if n is None or type(s.get("seed")) is not int or type(noise) not in (int, float):
        raise ValueError(_cannot_make(model, name, "the model file records no seed, size and noise"))
    made = make(name, n=n, noise=noise, seed=s["seed"])
    held = s["n_validation"]
    rows = split(made, held / n, s["seed"])[1] if held else made
    h = result.history
    recorded = (h.val_loss if held else h.train_loss) or (None,)
    if recorded[-1] is None or not np.isclose(result.evaluate(rows), recorded[-1], rtol=LOSS_RTOL, atol=1e-12):
        raise ValueError(_cannot_make(model, name, f"{name} made from seed {s['seed']} does not give the recorded "
                                                   f"{'test' if held else 'training'} loss (another --noise than recorded, or another version's rows?)"))
    part = "held-out" if held else "all"
    return Rows(rows.X, rows.y, rows.inputs, f"{name} ({part}, made again from seed {s['seed']})")


def _cannot_make(model: Path, name: str, why: str) -> str:
    return (f"--data {name}: the rows {model} was trained on cannot be made again: there is no "
            f"{model.parent / 'data.csv'} beside it, and {why}; give those rows as --data FILE.csv "
            f"(a header naming the model's inputs)")
