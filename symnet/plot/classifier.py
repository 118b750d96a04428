"""Figures of a trained classifier (any kind of network): the confusion matrix, the misclassified images (digits),
and the loss and accuracy curves. Each function takes and returns matplotlib objects; none calls ``plt.show``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def plot_confusion(counts: np.ndarray, ax=None, title: str = "test set"):
    """counts[i, j] (true class i predicted as j) as a heat map with the numbers written in."""
    if ax is None:
        ax = Figure(figsize=(5.4, 4.8)).add_subplot()
    k = counts.shape[0]
    image = ax.imshow(counts, cmap="Blues")
    ax.figure.colorbar(image, ax=ax, fraction=0.046)
    big = counts.max() / 2 if counts.size else 0
    for i in range(k):
        for j in range(k):
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if counts[i, j] > big else "black")
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    ax.set_title(f"confusion matrix, {title}: {100 * accuracy:.1f}% correct")
    return ax


def plot_misclassified(images: np.ndarray, true, predicted, fig=None, columns: int = 8, limit: int = 32):
    """A grid of the misclassified images, each titled 'true → predicted'."""
    wrong = np.flatnonzero(np.asarray(true) != np.asarray(predicted))[:limit]
    rows = max(1, int(np.ceil(len(wrong) / columns)))
    if fig is None:
        fig = Figure(figsize=(1.3 * columns, 1.5 * rows + 0.5))
    if len(wrong) == 0:
        ax = fig.add_subplot()
        ax.axis("off")
        ax.text(0.5, 0.5, "no misclassified images", ha="center", va="center")
        return fig
    for n, i in enumerate(wrong):
        ax = fig.add_subplot(rows, columns, n + 1)
        ax.imshow(images[i], cmap="gray_r")
        ax.set_title(f"{int(true[i])} → {int(predicted[i])}", fontsize=9, color="firebrick")
        ax.axis("off")
    fig.suptitle(f"{int(np.sum(np.asarray(true) != np.asarray(predicted)))} misclassified (true → predicted)")
    return fig


def plot_curves(history, fig=None):
    """Mean loss (log scale) and accuracy per epoch, on the training and test sets."""
    if fig is None:
        fig = Figure(figsize=(10, 4))
    loss_ax, acc_ax = fig.subplots(1, 2)
    for values, label in ((history.train_loss, "train"), (history.val_loss, "test")):
        if values:
            loss_ax.plot(history.epochs, values, label=label)
    loss_ax.set_yscale("log")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("mean loss C̄")
    for values, label in ((history.train_accuracy, "train"), (history.val_accuracy, "test")):
        if values:
            acc_ax.plot(history.epochs, 100 * np.asarray(values), label=label)
    acc_ax.set_xlabel("epoch")
    acc_ax.set_ylabel("accuracy (%)")
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:   # a regression has no accuracy curves
            ax.legend()
    return fig
