"""The ``train`` command: fit a network to a data set by gradient descent, write the model and figures.

Only click is imported at module level; NumPy, SymPy and matplotlib load inside the command.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import click

from .common import (
    Command,
    FiniteFloat,
    ascii_option,
    check_deadline,
    device_placement,
    dtype_option,
    echo_err,
    echo_out,
    emit,
    examples,
    handle_errors,
    lang_option,
    load_network,
    loss_defaulted,
    loss_option,
    network_options,
    preload,
    remove_if_killed,
    time_limit,
    timeout_option,
)
from .matrix_views import matrix_options
from .records import dumps, train_record
from .runfiles import (  # noqa: F401  (seed_diagram_values, data_csv: re-exported)
    data_csv,
    layer_summary,
    network_name,
    seed_diagram_values,
    summary,
    write_layer_outputs,
    write_training_outputs,
)

RUN_FILES = ("model.json", "loss.csv", "loss.png", "fit.png", "network.png", "data.csv",  # a scalar network's run
             "history.csv", "confusion.png", "curves.png", "misclassified.png")      # a layers: network's run
TRAIN_TIMEOUT = 300.0     # seconds: the largest training the limits allow takes about a minute, its figures more
TRAIN_MODULES = ("symnet.learn.training", "symnet.learn.data", "symnet.learn.modelfile", "symnet.plot.training",
                 "symnet.io.files", "matplotlib.pyplot")  # imported before the time limit starts
DATA_HELP = ("xor, moons, circles, spiral, sine, seed, function:EXPR (in x, y or in x1, x2), or a FILE.csv with a header "
             "row; digits (8×8 handwritten digits, fixed train/test split) or mnist (28×28, 5,000 of MNIST; "
             "the [mnist] extra) for layers: and conv: networks; sequences (match the query, shaped for the network) for "
             "attention: networks.")


@click.command(cls=Command, epilog=examples(
    "symnet train mlp:2-4-1:tanh:sigmoid --data xor --epochs 30 --quiet --out runs/xor"))
@matrix_options("train")
@network_options
@click.option("--data", "data_spec", required=True, metavar="DATA", help=DATA_HELP)
@click.option("--target", metavar="COLUMN", help="The target column of a CSV file (default: the last).")
@click.option("--samples", type=click.IntRange(4, 1_000_000), default=200, show_default=True,
              help="Samples of a built-in data set.")
@click.option("--noise", type=FiniteFloat(min=0, max=100), default=0.1, show_default=True,
              help="Noise of a built-in data set (a standard deviation in the data's units).")
@loss_option
@click.option("--optimizer", type=click.Choice(["sgd", "momentum", "adam", "newton"]), default="adam",
              show_default=True, help="How the gradient changes θ (newton: damped, whole batch, small scalar networks).")
@click.option("--epochs", type=click.IntRange(1, 1_000_000), default=None,
              help="Passes over the training data (default: 200; layers: networks 40).")
@click.option("--lr", "--learning-rate", "learning_rate", type=FiniteFloat(min=0, min_open=True), default=None,
              help="The learning rate η (default: 0.05; layers: networks 0.01, decaying linearly to 0).")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Samples per step (default: all; layers: networks 32).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seeds the data, the initial θ and the shuffling: same seed, same result.")
@click.option("--validation", type=FiniteFloat(0, 1, min_open=True, max_open=True), default=None,
              help="Fraction of the data held out for validation, e.g. 0.2 (layers: networks: the test set, "
                   "default 0.2; digits has its own).")
@click.option("--clip", type=FiniteFloat(min=0, min_open=True), default=None,
              help="Rescale a gradient longer than this norm (default: no clipping).")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--backend", type=click.Choice(("auto", "numpy", "jax", "fused", "matrix")), default="auto",
              show_default=True,
              help="Where the gradient runs: auto (the fastest measured for the network: fused for a scalar "
                   "network, NumPy's BLAS for a layer network), NumPy, JAX (jitted, on any device JAX sees), "
                   "fused (one machine-code loop compiled through LLVM; scalar networks) or matrix (a scalar mlp "
                   "through its layer twin's BLAS code; auto picks it from a layer of 64 x 64 weights).")
@click.option("--devices", type=click.IntRange(min=1), default=None, metavar="N",
              help="With --backend jax: split each batch over N devices (data parallel; default one).")
@dtype_option
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Folder for model.json, loss.csv and the figures.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text: the summary; json: the same as data, for scripts (with test_accuracy for layers: networks).")
@timeout_option(default=TRAIN_TIMEOUT, work="building, training and writing the run")
@ascii_option
@lang_option(expose=False)
@handle_errors
def train(network, expr, inputs, params, activation, data_spec, target, samples, noise, loss_name, optimizer, epochs,
          learning_rate, batch_size, seed, validation, clip, quiet, backend, devices, dtype, out_dir, fmt, timeout,
          ascii):
    """Train NETWORK on a data set by gradient descent, θ ← θ − η·∂L/∂θ.

    \b
    NETWORK: seed, seed:tanh, mlp:2-4-1:tanh:sigmoid, a JSON network file, or --expr … --inputs ….
    Writes DIR/model.json (for symnet predict), DIR/loss.csv, DIR/loss.png and DIR/fit.png (the
    decision boundary or the fitted curve/surface), DIR/network.png for the seed network, and
    DIR/data.csv (columns named after the network's inputs, and y) for a built-in data set.
    DIR is built beside its place and swapped in whole: a failed run leaves an old DIR as it was,
    and a --data CSV inside DIR is kept.
    --format json prints a summary for scripts (see the CLI reference).
    """
    from symnet.io.files import check_folder

    _refuse_unused_data_options(data_spec)
    keep = data_in_folder(data_spec, out_dir)
    check_folder(out_dir, RUN_FILES, keep)  # what would be refused after training is refused now
    placement = device_placement(backend, devices)  # imports JAX, if asked, before the time limit
    preload(numeric=True, extra=TRAIN_MODULES)
    settings = dict(data_spec=data_spec, target=target, samples=samples, noise=noise, loss_name=loss_name,
                    optimizer=optimizer, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size, seed=seed,
                    validation=validation, clip=clip, quiet=quiet or fmt == "json", ascii=ascii, placement=placement,
                    keep=keep, dtype=dtype, network=network)
    with ExitStack() as stack:  # the run folder is swapped in on leaving it: after the time limit, never cut short
        with time_limit(timeout, "training", "use fewer epochs, fewer samples or a larger --timeout"):
            net = load_network(network, expr, inputs, params, activation)
            summary_text = _train_run(net, out_dir, stack, settings, fmt)
    if fmt == "json":
        emit(summary_text, None, ascii, "json")
    else:
        echo_out(summary_text, ascii=ascii)


def _refuse_unused_data_options(data_spec: str) -> None:
    """--samples and --noise given with data that has its own rows (digits, a CSV file): say so, never ignore them."""
    from click.core import ParameterSource

    context = click.get_current_context()
    given = [f"--{name}" for name in ("samples", "noise")
             if context.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)]
    spec = data_spec.strip().lower()
    if given and (spec in ("digits", "mnist") or spec.endswith(".csv")):
        options, verb = " and ".join(given), "shape" if len(given) > 1 else "shapes"
        raise click.UsageError(f"{options} {verb} a built-in data set (xor, moons, circles, spiral, sine, seed, "
                               f"function:EXPR); {spec if spec in ('digits', 'mnist') else 'a CSV file'} has its own "
                               f"rows: drop {options}")


def _open_run(out_dir, stack, keep=()) -> Path:
    """A fresh hidden folder beside ``out_dir``, swapped in whole when ``stack`` closes without error;
    the entries named in ``keep`` (the --data file, when it lies in ``out_dir``) are carried over."""
    from symnet.io.files import fresh_folder

    folder = stack.enter_context(fresh_folder(out_dir, RUN_FILES, keep))
    remove_if_killed(folder)  # a time limit that kills the work mid-write leaves no hidden folder behind
    return folder


def data_in_folder(data_spec, out_dir) -> tuple[str, ...]:
    """The name of the --data file when it lies in ``out_dir`` itself (the run keeps it), else ().

    A data file named like one the run writes (loss.csv, history.csv) would be replaced: refused.
    """
    data, out = Path(data_spec), Path(out_dir)
    if not data_spec.lower().endswith(".csv") or not data.exists() or not out.is_dir():
        return ()
    if data.resolve().parent != out.resolve():
        return ()
    if data.name in RUN_FILES and data.name != "data.csv":
        raise click.UsageError(f"--data {data_spec} lies in --out {out_dir} and has the name of a file the run "
                               f"writes; move the data or choose another --out")
    return (data.name,)


def _train_run(net, out_dir, stack, s, fmt) -> str:
    """Train any network, write its run; the text to print. Its defaults are the network's own
    (``network.train_defaults``): a held-out test set, accuracy and the classifier's figures where it holds one."""
    from symnet.learn import training
    from symnet.learn.modelfile import check_savable
    from symnet.limits import check_training_cost

    d = net.train_defaults
    held_out = d.test_split > 0
    epochs, rate, batch = s["epochs"] or d.epochs, s["learning_rate"] or d.learning_rate, s["batch_size"] or d.batch_size
    data, test, images, standardise = _data(net, s, d.test_split)
    if held_out:
        s = {**s, "validation": None}     # the held-out test set plays the validation set's part
    else:
        check_training_cost(net.program.count_ops(), len(data), epochs, batch)
    check_savable(net, epochs, held_out or s["validation"] is not None)  # a model too big to save: refused now
    result = training.train(net, data, optimizer=s["optimizer"], learning_rate=rate, epochs=epochs, batch_size=batch,
                            seed=s["seed"], validation=test if held_out else s["validation"], clip=s["clip"],
                            loss=None if loss_defaulted() else s["loss_name"], progress=False if s["quiet"] else None,
                            callback=check_deadline, backend=s["placement"][0], devices=s["placement"][1],
                            weight_decay=d.weight_decay, schedule=d.schedule, dtype=s["dtype"],
                            accuracy=_classifies(net, data) if held_out else None)
    if standardise is not None:
        result = replace(result, mean=standardise[0], scale=standardise[1])
    elif not s["data_spec"].lower().endswith(".csv"):  # a generated set: its noise, to make it again (symnet predict)
        result = replace(result, settings={**result.settings, "noise": s["noise"]})
    folder = _open_run(out_dir, stack, s["keep"])  # the old run stays whole until the new one is
    if held_out:
        written = write_layer_outputs(folder, result, test, images)
        return layer_summary(result, [Path(out_dir) / Path(p).name for p in written], fmt)
    is_csv = s["data_spec"].lower().endswith(".csv")
    written = [Path(out_dir) / p.name for p in write_training_outputs(folder, result, data, s["validation"], s["seed"],
                                                                     write_data=not is_csv)]
    record = train_record(result, data, s["validation"], s["seed"], written)
    record["network"] = network_name(record["network"], s.get("network"))   # a long nested form: as typed
    return dumps(record) if fmt == "json" else summary(record)


def _classifies(net, data) -> bool:
    """True when a run with a held-out test set is a classification (a softmax, or labels 0/1): accuracy and a confusion matrix."""
    return net.output_activation == "softmax" or data.is_classification


def _data(net, s, test_split: float):
    """(training data, test set or None, test images or None, (mean, scale) of a standardisation or None).

    A network whose defaults hold out a test set gets the digits' own, else ``test_split`` (or --validation)
    split by --seed."""
    from symnet.learn import data as datasets

    spec = s["data_spec"]
    is_csv = spec.lower().endswith(".csv")
    if s["target"] is not None and not is_csv:
        raise click.UsageError("--target goes with a CSV file given to --data")
    if spec.strip().lower() in ("digits", "mnist"):   # image sets: symnet.learn.mnist.IMAGE_SETS
        from symnet.learn.mnist import IMAGE_SETS

        load, example = IMAGE_SETS[spec.strip().lower()]
        if not test_split:   # a network without a held-out test set by default: not a classifier of images
            raise click.UsageError(f"{spec.strip().lower()} (images, 10 classes) trains a layers: network, e.g. "
                                   f"{example}")
        d = load()
        if net.sizes[-1] == 1:
            raise ValueError(f"{spec.strip().lower()} has 10 classes: end the network with 10 outputs, e.g. {example}")
        return _fits(net, spec, d.train), d.test, d.test_images, (d.mean, d.scale)
    if is_csv:
        names = None if test_split else [str(x) for x in net.inputs]
        data = datasets.load_csv(spec, target=s["target"], inputs=names)
        if data.note:
            echo_err(f"Note: {data.note}", ascii=s["ascii"])
    elif spec.strip().lower() == "sequences":
        from symnet.learn.sequences import sequences_for

        data = sequences_for(net, n=s["samples"], noise=s["noise"], seed=s["seed"])
    else:
        data = datasets.make(spec, n=s["samples"], noise=s["noise"], seed=s["seed"])
    if not test_split:
        return data, None, None, None
    train_set, test = datasets.split(_fits(net, spec, data), s["validation"] or test_split, s["seed"])
    return train_set, test, None, None


def _fits(net, spec, data):
    """``data``, refused with what to change when its width is not the layer network's first size."""
    if net.sizes[0] != data.X.shape[1]:
        advice = (f"; make its first size {data.X.shape[1]}" if net.spec.startswith("layers:") else
                  "; choose a network whose input has that many numbers (a conv: image H×W×C, an attention: T·d)")
        raise ValueError(f"--data {spec} has {data.X.shape[1]} inputs per sample, but the network "
                         f"{net.spec} takes {net.sizes[0]}{advice}")
    return data
