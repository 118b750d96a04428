"""``symnet train layers:…``: train a layer network, write its model, metrics and figures.

The digits data set (``--data digits``) has its own fixed train/test split; any other data set is
split 80/20 by ``--seed``. Only the standard library is imported at module level.
"""

from __future__ import annotations

from pathlib import Path

LAYER_DATA = ("digits", "moons", "circles", "xor", "spiral")


def layer_data(spec: str, samples: int, noise: float, seed: int):
    """(train, test, test images or None, (mean, scale) of the input standardisation or None)."""
    if spec == "digits":
        from symnet.learn.digits import digits

        d = digits()
        return d.train, d.test, d.test_images, (d.mean, d.scale)
    if spec not in LAYER_DATA:
        raise ValueError(f"a layer network trains on {', '.join(LAYER_DATA)}; got --data {spec!r}")
    from symnet.learn.data import make, split

    train, test = split(make(spec, n=samples, noise=noise, seed=seed), 0.2, seed)
    return train, test, None, None


def fit_layer_network(net, data_spec, samples, noise, loss_name, optimizer, epochs, learning_rate, batch_size,
                      seed, quiet, placement=("numpy", None)):
    """Train ``net``; returns (result, test set, test images or None, {inputs, standardise}), for
    ``write_layer_outputs``."""
    from symnet.learn.layer_training import DEFAULTS, train_layers

    train, test, images, standardise = layer_data(data_spec, samples, noise, seed)
    if net.sizes[-1] == 1 and data_spec == "digits":
        raise ValueError("digits has 10 classes: end the network with 10 outputs, e.g. layers:64-32-10:relu:softmax")
    if net.sizes[0] != train.X.shape[1]:
        raise ValueError(f"--data {data_spec} has {train.X.shape[1]} inputs per sample, but the network "
                         f"{net.spec} takes {net.sizes[0]}; make its first size {train.X.shape[1]}")
    result = train_layers(net, train, test, loss=loss_name, optimizer=optimizer,
                          learning_rate=learning_rate or DEFAULTS["learning_rate"],
                          epochs=epochs or DEFAULTS["epochs"], batch_size=batch_size or DEFAULTS["batch_size"],
                          seed=seed, progress=False if quiet else None, backend=placement[0], devices=placement[1])
    return result, test, images, {"inputs": train.inputs, "standardise": standardise}


def write_layer_outputs(out: Path, result, test, images, inputs=None, standardise=None) -> list:
    """model.json (format symnet-layers), history.csv, confusion.png, curves.png and (for images)
    misclassified.png."""
    from symnet.io.files import write_text
    from symnet.learn.layer_model import save_layers
    from symnet.plot.layers import plot_confusion, plot_curves, plot_misclassified
    from symnet.plot.training import save_figure

    h = result.history
    rows = ["epoch,train_loss,test_loss,train_accuracy,test_accuracy"]
    rows += [f"{e},{h.train_loss[e]!r},{h.test_loss[e]!r},{h.train_accuracy[e]!r},{h.test_accuracy[e]!r}"
             for e in h.epochs]
    mean, scale = standardise or (None, None)
    written = [save_layers(out / "model.json", result, inputs, mean, scale),
               write_text(out / "history.csv", "\n".join(rows) + "\n"),
               save_figure(plot_confusion(result.confusion(test)).figure, out / "confusion.png"),
               save_figure(plot_curves(h), out / "curves.png")]
    if images is not None:
        fig = plot_misclassified(images, test.y, result.classify(test.X))
        written.append(save_figure(fig, out / "misclassified.png"))
    return written


def layer_summary(result, written, fmt: str) -> str:
    """The lines printed after training, or the summary as JSON (``--format json``)."""
    s = result.summary
    if fmt == "json":   # one record shape for every train run (``records.TRAIN_KEYS``)
        from .records import dumps, layer_train_record

        return dumps(layer_train_record(result, written)).rstrip("\n")
    return "\n".join([
        f"trained {s['network']} ({s['parameters']:,} parameters) on {s['data']}: {s['n_train']} training and "
        f"{s['n_test']} test samples",
        f"optimizer {s['optimizer']}, η = {s['learning_rate']:g} decaying to 0, {s['epochs']} epochs, "
        f"batch {s['batch_size']}, weight decay {s['weight_decay']:g}, seed {s['seed']}, loss {s['loss']}",
        f"final loss: train {s['train_loss']:.4g}, test {s['test_loss']:.4g}",
        f"accuracy: train {100 * s['train_accuracy']:.1f}%, test {100 * s['test_accuracy']:.1f}%",
        f"time: {s['seconds']:.2f} s",
        "wrote " + ", ".join(str(p) for p in written)])
