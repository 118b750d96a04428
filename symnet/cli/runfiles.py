"""The files a ``symnet train`` run writes and the lines it prints, for each kind of network.

A scalar network's run: model.json, loss.csv, loss.png, fit.png (one or two inputs), network.png (the
seed network) and data.csv (a built-in data set). A ``layers:`` network's run: model.json, history.csv
(loss and accuracy per epoch on the training and test sets), confusion.png, curves.png and, for
images, misclassified.png. Every model.json is ``symnet.save``'s one format. Only the standard library
is imported at module level.
"""

from __future__ import annotations

from pathlib import Path

from .records import dumps


def write_layer_outputs(out: Path, result, test, images) -> list:
    """model.json, history.csv, confusion.png, curves.png and (for images) misclassified.png."""
    from symnet.io.files import write_text
    from symnet.learn.modelfile import save
    from symnet.plot.classifier import plot_confusion, plot_curves, plot_misclassified

    from .figures import save_figure_in as save_figure   # the figure's texts in the language in force

    h = result.history
    cell = lambda values, e: repr(values[e]) if values else ""  # noqa: E731  (no accuracy for a regression)
    rows = ["epoch,train_loss,test_loss,train_accuracy,test_accuracy"]
    rows += [f"{e},{h.train_loss[e]!r},{h.val_loss[e]!r},{cell(h.train_accuracy, e)},{cell(h.val_accuracy, e)}"
             for e in h.epochs]
    written = [save(out / "model.json", result), write_text(out / "history.csv", "\n".join(rows) + "\n")]
    seen = as_trained(result)
    if h.train_accuracy:   # a classifier: its confusion matrix
        written.append(save_figure(plot_confusion(seen.confusion(test)).figure, out / "confusion.png"))
    written.append(save_figure(plot_curves(h), out / "curves.png"))
    if images is not None:
        fig = plot_misclassified(images, test.y, seen.classify(test.X))
        written.append(save_figure(fig, out / "misclassified.png"))
    return written


def as_trained(result):
    """``result`` reading rows as training saw them: the test set a run holds is already standardised (the
    digits'), and the model's own standardisation, which takes raw rows, must not be applied to it twice."""
    from dataclasses import replace

    return replace(result, mean=None, scale=None)


def layer_summary(result, written, fmt: str, lang: str | None = None) -> str:
    """The lines printed after training a layers: network (in ``lang``, default ``summary_lang()``), or the
    summary as JSON (``--format json``)."""
    from symnet.render.i18n import t

    s, lang = result.summary, lang or summary_lang()
    if fmt == "json":   # one record shape for every train run (``records.TRAIN_KEYS``)
        from .records import layer_train_record

        return dumps(layer_train_record(result, written)).rstrip("\n")
    accuracy = [] if s["train_accuracy"] is None else [      # a regression has no accuracy
        t("train_accuracy", lang, train=f"{100 * s['train_accuracy']:.1f}%")
        + t("train_held_test", lang, value=f"{100 * s['test_accuracy']:.1f}%")]
    return "\n".join([
        t("train_trained_layers", lang, network=s["network"], params=f"{s['parameters']:,}", data=s["data"],
          n=s["n_train"], n_test=s["n_test"]),
        t("train_settings_layers", lang, optimizer=s["optimizer"], eta=f"{s['learning_rate']:g}", epochs=s["epochs"],
          batch=s["batch_size"], decay=f"{s['weight_decay']:g}", seed=s["seed"], loss=s["loss"]),
        t("train_final_loss", lang, train=f"{s['train_loss']:.4g}") + t("train_held_test", lang,
                                                                         value=f"{s['test_loss']:.4g}"),
        *accuracy,
        t("train_time", lang, seconds=f"{s['seconds']:.2f}"),
        t("cli_wrote", lang, path=", ".join(str(p) for p in written))])


def write_training_outputs(out: Path, result, data, validation, seed, write_data: bool = False) -> list:
    """model.json, loss.csv, the figures (and data.csv when ``write_data``) in ``out``; returns the paths."""
    from symnet.io.files import write_text
    from symnet.learn.training import save
    from symnet.plot.training import plot_fit, plot_loss, plot_seed_network

    from .figures import save_figure_in as save_figure   # the figure's texts in the language in force

    h = result.history
    rows = ["epoch,train_loss" + (",val_loss" if h.val_loss else "")]
    for k, epoch in enumerate(h.epochs):
        rows.append(f"{epoch},{h.train_loss[k]!r}" + (f",{h.val_loss[k]!r}" if h.val_loss else ""))
    written = [save(out / "model.json", result), write_text(out / "loss.csv", "\n".join(rows) + "\n"),
               save_figure(plot_loss(h).figure, out / "loss.png")]
    if write_data:
        written.append(write_text(out / "data.csv", data_csv(result.network, data)))
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


def data_csv(network, data) -> str:
    """The data set as CSV, its input columns named after the network's inputs (training matched
    them by position), then the target ``y`` (``target`` if an input is called y)."""
    names = [s.name for s in network.inputs]
    header = names + ["target" if "y" in names else "y"]
    rows = [",".join(map(repr, map(float, (*x, t)))) for x, t in zip(data.X, data.y)]
    return "\n".join([",".join(header), *rows]) + "\n"


MAX_NAME = 100   # characters of a nested form printed in the summary line


def summary(record: dict, typed: str | None = None, lang: str | None = None) -> str:
    """The few lines printed after training (in ``lang``, default ``summary_lang()``), from ``records.train_record``;
    a network whose nested form is long (``mlp:2-64-64-1``'s runs to 300,000 characters) is named as ``typed``."""
    from symnet.render.i18n import t

    r, loss, acc, lang = record, record["final_loss"], record["accuracy"], lang or summary_lang()
    held = lambda value: "" if value is None else t("train_held_validation", lang, value=value)  # noqa: E731
    lines = [t("train_trained", lang, network=network_name(r["network"], typed), data=r["data"], n=r["n_train"])
             + (t("train_and_validation", lang, n=r["n_validation"]) if r["n_validation"] else ""),
             t("train_settings", lang, optimizer=r["optimizer"], eta=f"{r['learning_rate']:g}", epochs=r["epochs"],
               batch=r["batch_size"] or t("train_batch_all", lang), seed=r["seed"], loss=r["loss_name"]),
             t("train_final_loss", lang, train=f"{loss['train']:.6g}")
             + held(None if loss["validation"] is None else f"{loss['validation']:.6g}")]
    if acc is not None:
        lines.append(t("train_accuracy", lang, train=f"{100 * acc['train']:.1f}%")
                     + held(None if acc["validation"] is None else f"{100 * acc['validation']:.1f}%"))
    samples = r["n_train"] * r["epochs"] / max(r["seconds"], 1e-9)
    lines.append(t("train_time_rate", lang, seconds=f"{r['seconds']:.2f}", rate=f"{samples:,.0f}"))
    lines.append(t("cli_wrote", lang, path=", ".join(r["files"])))
    return "\n".join(lines)


def network_name(formula: str, typed: str | None) -> str:
    """The network as printed: its nested form, or ``typed`` (as on the command line) when the form is over
    ``MAX_NAME`` characters."""
    return typed if typed and len(formula) > MAX_NAME else formula


def summary_lang() -> str:
    """The language of the summary: ``--lang``, or English where stdout cannot show Chinese."""
    import sys

    from .lang import shown_lang

    return shown_lang(sys.stdout)
