"""``symnet train --expr … --shapes … --data DATA --out DIR``: fit a typed matrix loss to data.

The data fill the loss's data matrices in declared order: with two (X: N × d, then y: N) a CSV file's
target column (``--target``, default the last) is y and the other columns X; with one, X takes every
column. Built-in data sets (xor, moons, sine, …) work the same way. Training is ``symnet.train`` on the
typed loss; DIR/fit.json (written atomically) holds the loss, the shapes, θ by parameter and the loss
per epoch. No other file is written or removed.
"""

from __future__ import annotations

import json

import click

from symnet.learn.matrix_training import BACKENDS

ALLOWED = {"expr", "shapes", "wrt", "data_spec", "target", "samples", "noise", "optimizer", "epochs",
           "learning_rate", "batch_size", "seed", "quiet", "out_dir", "fmt", "timeout", "ascii", "lang", "backend",
           "devices"}


def refuse_network_options() -> None:
    """A training option that means nothing for a typed loss (NETWORK, --loss, --validation, …), given: say so;
    a --backend it cannot run on too (its whole-data steps run on NumPy or jitted JAX)."""
    from click.core import ParameterSource

    context = click.get_current_context()
    for param in context.command.params:
        given = context.get_parameter_source(param.name) not in (None, ParameterSource.DEFAULT)
        if given and param.name not in ALLOWED:
            name = "NETWORK" if param.name == "network" else "/".join(param.opts)
            raise click.UsageError(f"{name} does not go with --shapes: a typed matrix loss brings its own loss, "
                                   f"parameters and data matrices")
    backend = context.params.get("backend", "auto")
    if backend not in BACKENDS:
        raise click.UsageError(f"--backend {backend} does not go with --shapes: a typed matrix loss runs its "
                               f"whole-data steps on NumPy (auto, numpy) or jitted JAX (jax, with --devices N)")


def _arrays(loss, kwargs):
    from symnet.learn.csvfile import load_csv
    from symnet.learn.data import make

    spec = kwargs["data_spec"]
    data = load_csv(spec, target=kwargs.get("target")) if spec.lower().endswith(".csv") else make(
        spec, kwargs.get("samples", 200), kwargs.get("noise", 0.1), kwargs.get("seed", 0))
    if len(loss.data) == 2:
        return (data.X, data.y), data
    if len(loss.data) == 1:
        import numpy as np
        return (np.column_stack([data.X, data.y]),), data
    raise ValueError(f"the loss reads {len(loss.data)} data matrices ({', '.join(d.name for d in loss.data)}); "
                     f"--data fills two (X, then y) or one: train it from Python with a mapping {{name: array}}")


def train_view(kwargs, shapes: str, steps: bool):
    """Train, write DIR/fit.json, and return the summary (text or JSON)."""
    from pathlib import Path

    from symnet.io.matrix_build import matrix_loss
    from symnet.learn.matrix_training import fit_matrix_loss
    from symnet.render.matrix_expr import text

    from .common import time_limit, write_output

    from .common import device_placement

    refuse_network_options()
    backend, devices = device_placement(kwargs.get("backend", "auto"), kwargs.get("devices"))   # JAX there, if asked
    wrt = kwargs.get("wrt")
    loss = matrix_loss(kwargs["expr"], shapes, wrt=None if wrt is None else wrt.split(","))
    if loss.constants:
        raise ValueError(f"the loss has constants ({', '.join(c.name for c in loss.constants)}): write their values "
                         f"into --expr (e.g. 0.1*norm2(w)^2), or train it from Python with constants=")
    with time_limit(kwargs.get("timeout"), "training", "use fewer epochs or a larger --timeout"):
        arrays, data = _arrays(loss, kwargs)
        result = fit_matrix_loss(loss, arrays, kwargs.get("optimizer", "adam"), kwargs.get("learning_rate") or 0.05,
                                 kwargs.get("epochs") or 200, kwargs.get("batch_size"), kwargs.get("seed", 0),
                                 backend=backend, devices=devices)
    theta = {name: array.tolist() for name, array in result.compiled.unflatten(result.theta).items()} \
        if all(d.is_Integer for p in loss.params for d in p.shape) else {"theta": result.theta.tolist()}
    record = {"loss": text(loss.expr), "shapes": {m.name: [str(d) for d in m.shape] for m in loss.matrices},
              "data": data.name, "rows": len(data.y), "theta": theta,
              "train_loss": list(result.history.train_loss), "settings": result.settings}
    path = write_output(Path(kwargs["out_dir"]) / "fit.json", json.dumps(record, indent=2) + "\n")
    if kwargs.get("fmt") == "json":
        return json.dumps({**record, "wrote": str(path)}, indent=2), 0
    first, last = result.history.train_loss[0], result.history.train_loss[-1]
    lines = [f"L = {text(loss.expr)} on {data.name} ({len(data.y)} rows)",
             f"loss {first:.6g} -> {last:.6g} after {len(result.history.train_loss) - 1} epochs"]
    lines += [f"{name} = {value}" for name, value in theta.items()]
    if "backend" in result.settings:
        lines.append(f"ran on {result.settings['backend']} ({result.settings['devices']} device(s))")
    return "\n".join(lines + [f"wrote {path}"]), 0
