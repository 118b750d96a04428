"""The attention weights as heat maps: A = softmax(Q Kᵀ/√d_k) of a few sequences, one panel each.

Row i of A is how token i spreads its attention over the tokens (each row sums to 1). For the match-the-query
task the first row is the query's: its brightest cell should sit on the matching candidate, which a box marks.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from symnet.plot.fonts import font_context

TEXTS = {
    "en": {"title": "attention weights A = softmax(QKᵀ/√dₖ)", "query": "query", "token": "token {}",
           "panel": "label {label}, predicted {predicted}", "rows": "attending token", "cols": "attended token",
           "weight": "weight"},
    "zh": {"title": "注意力权重 A = softmax(QKᵀ/√dₖ)", "query": "查询", "token": "词元 {}",
           "panel": "标签 {label}，预测 {predicted}", "rows": "发出注意的词元",
           "cols": "被注意的词元",
           "weight": "权重"},
}


def plot_attention(weights, labels=None, predicted=None, match=None, lang: str = "en", fig=None):
    """Heat maps of ``weights`` (n × T × T, each row summing to 1), one panel per sequence.

    Args:
        weights: the attention matrices A of n sequences (``CompiledLoss.layout.attention_weights``).
        labels, predicted: each sequence's true and predicted class, shown above its panel.
        match: the token (0-based) each query should attend to, boxed in the first row.
        lang: "en" or "zh" (Chinese texts drawn with a CJK font).

    Returns:
        The ``Figure``.
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 3 or weights.shape[1] != weights.shape[2] or not len(weights):
        raise ValueError(f"weights must be n × T × T attention matrices; got shape {weights.shape}")
    if lang not in TEXTS:
        raise ValueError(f"lang must be one of {', '.join(TEXTS)}; got {lang!r}")
    words, (n, T, _) = TEXTS[lang], weights.shape
    ticks = [words["query"]] + [words["token"].format(j + 1) for j in range(1, T)]
    with font_context(lang):
        fig = fig or Figure(figsize=(3.2 * n + 1.0, 3.6), layout="constrained")
        axes = fig.subplots(1, n, squeeze=False)[0]
        for k, ax in enumerate(axes):
            image = ax.imshow(weights[k], vmin=0.0, vmax=1.0, cmap="viridis")
            ax.set_xticks(range(T), ticks, rotation=60, fontsize=8)
            ax.set_yticks(range(T), ticks if k == 0 else [""] * T, fontsize=8)
            ax.set_xlabel(words["cols"], fontsize=8)
            _annotate(ax, words, k, labels, predicted, match)
        axes[0].set_ylabel(words["rows"], fontsize=8)
        fig.colorbar(image, ax=list(axes), shrink=0.8, label=words["weight"])
        fig.suptitle(words["title"])
    return fig


def _annotate(ax, words, k, labels, predicted, match):
    """Panel k's title (label, prediction) and the box around the cell the query should attend to."""
    if labels is not None:
        guess = "?" if predicted is None else int(predicted[k])
        ax.set_title(words["panel"].format(label=int(labels[k]), predicted=guess), fontsize=9)
    if match is not None:
        ax.add_patch(Rectangle((match[k] - 0.5, -0.5), 1, 1, fill=False, edgecolor="#ff4040", linewidth=2))
