"""The training commands: ``train`` (fit a network to a data set, write the model and figures) and
``descend`` (1-D gradient descent x ← x − η·h′(x) for several η, as a table and a figure).

Only click is imported at module level; NumPy, SymPy and matplotlib load inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    Command,
    FiniteFloat,
    ascii_option,
    echo_err,
    echo_out,
    handle_errors,
    load_network,
    loss_option,
    network_options,
)

DATA_HELP = "xor, moons, circles, spiral, sine, seed, function:EXPR (in x, y or in x1, x2), or a FILE.csv with a header row."


@click.command(cls=Command)
@network_options
@click.option("--data", "data_spec", required=True, metavar="DATA", help=DATA_HELP)
@click.option("--target", metavar="COLUMN", help="The target column of a CSV file (default: the last).")
@click.option("--samples", type=click.IntRange(4, 1_000_000), default=200, show_default=True,
              help="Samples of a built-in data set.")
@click.option("--noise", type=FiniteFloat(min=0), default=0.1, show_default=True,
              help="Noise of a built-in data set.")
@loss_option
@click.option("--optimizer", type=click.Choice(["sgd", "momentum", "adam"]), default="adam", show_default=True,
              help="How the gradient changes θ.")
@click.option("--epochs", type=click.IntRange(1, 1_000_000), default=200, show_default=True,
              help="Passes over the training data.")
@click.option("--lr", "--learning-rate", "learning_rate", type=FiniteFloat(min=0, min_open=True), default=0.05,
              show_default=True, help="The learning rate η.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Samples per step (default: all).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seeds the data, the initial θ and the shuffling: same seed, same result.")
@click.option("--validation", type=FiniteFloat(0, 1, min_open=True, max_open=True), default=None,
              help="Fraction of the data held out for validation, e.g. 0.2.")
@click.option("--clip", type=FiniteFloat(min=0, min_open=True), default=None,
              help="Rescale a gradient longer than this norm (default: no clipping).")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Folder for model.json, loss.csv and the figures.")
@ascii_option
@handle_errors
def train(network, expr, inputs, params, activation, data_spec, target, samples, noise, loss_name, optimizer, epochs,
          learning_rate, batch_size, seed, validation, clip, quiet, out_dir, ascii):
    """Train NETWORK on a data set by gradient descent, θ ← θ − η·∂L/∂θ.

    \b
    NETWORK: seed, seed:tanh, mlp:2-4-1:tanh:sigmoid, a JSON network file, or --expr … --inputs ….
    Writes DIR/model.json, DIR/loss.csv, DIR/loss.png and DIR/fit.png (the decision boundary or
    the fitted curve/surface), and DIR/network.png for the seed network. Example:
    symnet train mlp:2-4-1:tanh:sigmoid --data xor --epochs 300 --out runs/xor
    """
    from symnet.learn import data as datasets
    from symnet.learn import training

    net = load_network(network, expr, inputs, params, activation)
    if target is not None and not data_spec.lower().endswith(".csv"):
        raise click.UsageError("--target goes with a CSV file given to --data")
    data = (datasets.load_csv(data_spec, target=target) if data_spec.lower().endswith(".csv")
            else datasets.make(data_spec, n=samples, noise=noise, seed=seed))
    result = training.train(net, data, optimizer=optimizer, learning_rate=learning_rate, epochs=epochs,
                            batch_size=batch_size, seed=seed, validation=validation, clip=clip, loss=loss_name,
                            progress=False if quiet else None)
    written = write_training_outputs(Path(out_dir), result, data, validation, seed)
    echo_out(summary(result, data, validation, seed, written), ascii=ascii)


def write_training_outputs(out: Path, result, data, validation, seed) -> list:
    """model.json, loss.csv and the figures in ``out``; returns the paths written."""
    from symnet.io.files import write_text
    from symnet.learn.training import save
    from symnet.plot.training import plot_fit, plot_loss, plot_seed_network, save_figure

    h = result.history
    rows = ["epoch,train_loss" + (",val_loss" if h.val_loss else "")]
    for k, epoch in enumerate(h.epochs):
        rows.append(f"{epoch},{h.train_loss[k]!r}" + (f",{h.val_loss[k]!r}" if h.val_loss else ""))
    written = [save(out / "model.json", result), write_text(out / "loss.csv", "\n".join(rows) + "\n"),
               save_figure(plot_loss(h).figure, out / "loss.png")]
    if data.X.shape[1] in (1, 2):
        written.append(save_figure(plot_fit(result, data, target=_target(data)), out / "fit.png"))
    values = seed_diagram_values(result)
    if values is not None:
        written.append(save_figure(plot_seed_network(values).figure, out / "network.png"))
    return written


def seed_diagram_values(result) -> dict | None:
    """The 11 weights and biases of the seed network's diagram, or None when the network is not the seed.

    Recognised by structure (the nested form f(θ5, f(θ3, …), …)), whatever its activation. A scalar
    neuron h = σ(θ·Σu) is drawn as the affine one with every incoming weight θ and bias 0.
    """
    from symnet.core.network import seed_network

    net = result.network
    if net.nested != seed_network().nested or net.inputs != seed_network().inputs:
        return None
    values = dict(zip(result.params, map(float, result.theta)))
    kinds = {model.parameterization for _, model in net.models}
    if kinds == {"affine"}:
        return values
    if kinds != {"scalar"}:
        return None
    theta = [values[f"θ{k}"] for k in range(1, 6)]
    weights = {"w1_1": theta[0], "w2_1": theta[1], "w3_1": theta[2], "w4_1": theta[3], "w5_1": theta[4],
               "w5_2": theta[4]}
    return {**weights, **{f"b{k}": 0.0 for k in range(1, 6)}}


def _target(data):
    import numpy as np

    from symnet.learn.data import target_function

    if data.name == "sine":
        return np.sin
    if data.name.startswith("function:"):
        return target_function(data.name[len("function:"):])
    return None


def summary(result, data, validation, seed, written) -> str:
    """The few lines printed after training."""
    from symnet.learn.data import split

    s, h = result.settings, result.history
    lines = [f"trained {result.network} on {data.name}: {s['n_train']} training samples"
             + (f", {s['n_validation']} validation" if s["n_validation"] else ""),
             f"optimizer {s['optimizer']}, η = {s['learning_rate']:g}, {s['epochs']} epochs, "
             f"batch {s['batch_size'] or 'all'}, seed {s['seed']}, loss {s['loss']}",
             f"final loss: train {h.train_loss[-1]:.6g}" + (f", validation {h.val_loss[-1]:.6g}" if h.val_loss else "")]
    if data.is_classification:
        parts = split(data, validation, seed) if validation else (data, None)
        acc = f"accuracy: train {100 * result.accuracy(parts[0]):.1f}%"
        lines.append(acc + (f", validation {100 * result.accuracy(parts[1]):.1f}%" if parts[1] else ""))
    lines.append(f"time: {h.seconds:.2f} s ({s['n_train'] * (len(h.epochs) - 1) / max(h.seconds, 1e-9):,.0f} "
                 f"samples/s)")
    lines.append("wrote " + ", ".join(str(p) for p in written))
    return "\n".join(lines)


@click.command(cls=Command)
@click.argument("function", metavar="FORMULA")
@click.option("--x0", type=FiniteFloat(), required=True, help="The starting point x₀.")
@click.option("--lr", "--learning-rate", "rates", default="0.1,0.5,1.1", show_default=True, metavar="ETA,ETA,…",
              help="Learning rates η to compare, comma-separated.")
@click.option("--steps", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="Gradient steps for each learning rate.")
@click.option("--var", "symbol", metavar="NAME", help="The variable, if FORMULA has several symbols.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE.png", help="Save the figure here.")
@ascii_option
@handle_errors
def descend(function, x0, rates, steps, symbol, output, ascii):
    """Gradient descent on a 1-D FORMULA, x ← x − η·h′(x), for each learning rate.

    \b
    Prints dh/dx (from symnet's chain-rule table) and the path table; -o saves the figure. Example:
    symnet descend "x**2 - 2*x" --x0 3 --lr 0.1,0.5,1.1 -o descent.png
    """
    from symnet.checks import figure_path
    from symnet.io.options import parse_name, parse_numbers
    from symnet.io.parsing import parse_expr
    from symnet.learn.descent import descend_many, format_paths
    from symnet.render.printing import pretty

    if output:
        figure_path(output)  # a bad suffix is refused before any work
    etas = parse_numbers(rates, "learning rates")
    h = parse_expr(function)
    paths = descend_many(h, x0, list(etas), steps, None if symbol is None else parse_name(symbol, "variable"))
    x = paths[0].symbol
    echo_out(f"h({pretty(x)}) = {pretty(h)}\ndh/d{pretty(x)} = {pretty(paths[0].derivative)}\n", ascii=ascii)
    echo_out(format_paths(paths), ascii=ascii)
    if output:
        from symnet.plot.training import plot_descent, save_figure

        save_figure(plot_descent(paths).figure, output)
        echo_err(f"wrote {output}", ascii=ascii)
