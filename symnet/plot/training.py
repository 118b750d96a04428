"""Figures of training: loss curves, decision boundaries, fitted curves and surfaces, 1-D descent
paths x ← x − η·h′(x) for several η, and the article's seed network drawn with its trained weights.

Figures are ``matplotlib.figure.Figure`` objects (no pyplot state); each function takes an optional
``ax`` (or ``fig``) and returns what it drew on. ``save_figure`` writes a file atomically.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from symnet.render.notation import SUBSCRIPT, pretty

TRAIN_COLOR, VAL_COLOR = "#1f77b4", "#ff7f0e"
PATH_COLORS = ("#2ca02c", "#1f77b4", "#d62728", "#9467bd", "#8c564b", "#e377c2")


def new_axes(ax=None, figsize=(6.4, 4.8), projection=None):
    """``ax`` itself, or the axes of a new Figure."""
    if ax is not None:
        return ax
    return Figure(figsize=figsize, layout="constrained").add_subplot(projection=projection)


def save_figure(fig, path, dpi: int = 120):
    """Save ``fig`` to ``path`` atomically (format from the suffix: .png, .svg or .pdf); returns the path.

    >>> import tempfile, pathlib
    >>> ax = plot_loss(__import__("symnet.learn.training").learn.training.History((0, 1), (1.0, 0.5), (), 0.1))
    >>> save_figure(ax.figure, pathlib.Path(tempfile.mkdtemp()) / "loss.png").suffix
    '.png'
    """
    from symnet.checks import figure_path
    from symnet.io.files import atomic_path

    path = figure_path(path)
    fmt = path.suffix.lstrip(".").lower()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi)
    return path


def plot_loss(history, ax=None, log: bool | None = None):
    """Training (and validation) loss per epoch.

    Args:
        history: a ``symnet.learn.training.History``.
        ax: axes to draw on (default: a new figure).
        log: log-scale y axis (default: when every loss is positive).

    Returns:
        The axes.

    >>> from symnet.learn.training import History
    >>> ax = plot_loss(History((0, 1, 2), (1.0, 0.5, 0.2), (1.1, 0.6, 0.4), 0.01))
    >>> [line.get_label() for line in ax.get_lines()], ax.get_yscale()
    (['training', 'validation'], 'log')
    """
    ax = new_axes(ax)
    ax.plot(history.epochs, history.train_loss, color=TRAIN_COLOR, label="training")
    if history.val_loss:
        ax.plot(history.epochs, history.val_loss, color=VAL_COLOR, label="validation", linestyle="--")
    values = history.train_loss + history.val_loss
    if log if log is not None else min(values) > 0:
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="mean loss L", title=f"loss: {history.train_loss[-1]:.4g} after "
           f"{history.epochs[-1]} epochs")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def _grid(X, resolution):
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-9)
    g1, g2 = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution))
    return g1, g2, np.column_stack([g1.ravel(), g2.ravel()])


def plot_decision_boundary(result, data, ax=None, resolution: int = 150):
    """ŷ over the plane as colour, the ŷ = 0.5 boundary as a black line, and the data by class.

    Args:
        result: a ``TrainResult`` with two inputs.
        data: a ``Dataset`` with 0/1 labels.
        ax: axes to draw on.
        resolution: grid points per side.

    Returns:
        The axes.
    """
    _check_inputs(result, data, 2)
    ax = new_axes(ax)
    g1, g2, grid = _grid(data.X, resolution)
    yhat = result.predict(grid).reshape(g1.shape)
    filled = ax.contourf(g1, g2, yhat, levels=np.linspace(min(0.0, yhat.min()), max(1.0, yhat.max()), 21),
                         cmap="RdBu_r", alpha=0.6)
    ax.contour(g1, g2, yhat, levels=[0.5], colors="black", linewidths=1.5)
    for label, marker in ((0.0, "o"), (1.0, "^")):
        rows = data.y == label
        ax.scatter(data.X[rows, 0], data.X[rows, 1], c="#2166ac" if label == 0 else "#b2182b", marker=marker,
                   s=18, edgecolors="white", linewidths=0.5, label=f"y = {int(label)}")
    ax.figure.colorbar(filled, ax=ax, label="ŷ")
    ax.set(xlabel=_name(data.inputs[0]), ylabel=_name(data.inputs[1]), title=f"{data.name}: decision boundary ŷ = 0.5")
    ax.legend(loc="upper right", fontsize="small")
    return ax


def _name(name: str) -> str:
    """An input's name as the page writes it: x1 → x₁."""
    from sympy import Symbol

    return pretty(Symbol(name))


def plot_fit_1d(result, data, ax=None, target=None):
    """The data, the fitted curve ŷ(x) and, if given, the true function ``target(x)``."""
    _check_inputs(result, data, 1)
    ax = new_axes(ax)
    x = data.X[:, 0]
    grid = np.linspace(x.min(), x.max(), 400)
    ax.scatter(x, data.y, s=10, color="grey", alpha=0.6, label="data")
    if target is not None:
        ax.plot(grid, target(grid), color="black", linestyle=":", label="target")
    ax.plot(grid, result.predict(grid[:, None]), color=TRAIN_COLOR, linewidth=2, label="fitted ŷ")
    ax.set(xlabel=_name(data.inputs[0]), ylabel="y", title=f"{data.name}: fit")
    ax.legend()
    return ax


def plot_fit_surface(result, data, fig=None, target=None, resolution: int = 40):
    """3-D surfaces side by side: the target (``target(x1, x2)``, or the data points) and the fitted ŷ.

    Returns:
        The two axes (target, fit).
    """
    _check_inputs(result, data, 2)
    fig = fig or Figure(figsize=(11, 4.8), layout="constrained")
    left, right = fig.add_subplot(1, 2, 1, projection="3d"), fig.add_subplot(1, 2, 2, projection="3d")
    g1, g2, grid = _grid(data.X, resolution)
    if target is not None:
        left.plot_surface(g1, g2, np.asarray(target(g1, g2), dtype=float) + 0 * g1, cmap="viridis")
        name = data.name[len("function:"):] if data.name.startswith("function:") else "G(x1, x2)"
        left.set_title(f"target {name}")
    else:
        left.scatter(data.X[:, 0], data.X[:, 1], data.y, c=data.y, cmap="viridis", s=8)
        left.set_title("data")
    right.plot_surface(g1, g2, result.predict(grid).reshape(g1.shape), cmap="viridis")
    right.set_title(f"fitted ŷ (loss {result.history.train_loss[-1]:.3g})")
    low = min(left.get_zlim()[0], right.get_zlim()[0])
    high = max(left.get_zlim()[1], right.get_zlim()[1])
    for ax in (left, right):  # one z scale, so the two surfaces compare at a glance
        ax.set(xlabel=_name(data.inputs[0]), ylabel=_name(data.inputs[1]), zlabel="y", zlim=(low, high))
    return left, right


def plot_fit(result, data, target=None):
    """The natural picture of a fit: decision boundary (2-D classes), curve (1-D) or surfaces (2-D).

    Returns:
        The Figure.
    """
    d = data.X.shape[1]
    if d == 2 and data.is_classification:
        return plot_decision_boundary(result, data).figure
    if d == 1:
        return plot_fit_1d(result, data, target=target).figure
    if d == 2:
        return plot_fit_surface(result, data, target=target)[0].figure
    raise ValueError(f"can draw fits of 1 or 2 inputs; this data has {d}")


def _check_inputs(result, data, n):
    if data.X.shape[1] != n or len(result.network.inputs) != n:
        raise ValueError(f"this figure needs {n} input(s); the data has {data.X.shape[1]} and the network "
                         f"{len(result.network.inputs)}")


def plot_descent(paths, ax=None):
    """Descent paths on the curve h(x), one colour per η; a diverging path is clipped to the view.

    Args:
        paths: ``DescentPath`` objects on the same h (from ``descend_many``).
        ax: axes to draw on.

    Returns:
        The axes.

    >>> from sympy import Symbol
    >>> from symnet.learn.descent import descend_many
    >>> ax = plot_descent(descend_many(Symbol("x")**2, 1.0, [0.1, 1.2], steps=5))
    >>> [t.get_text() for t in ax.get_legend().get_texts()][1:3]
    ['η = 0.1', 'η = 1.2 (diverges)']
    """
    if not paths:
        raise ValueError("plot_descent needs at least one descent path")
    ax = new_axes(ax, figsize=(9, 5))
    lo, hi = _descent_window(paths)
    _draw_curve(ax, paths[0], lo, hi)
    for k, path in enumerate(paths):
        label = ("Newton  x ← x − h′/h″" if path.method == "newton" else f"η = {path.learning_rate:g}") \
            + (" (diverges)" if path.diverged else "")
        ax.plot(path.xs, path.hs, "-o", color=PATH_COLORS[k % len(PATH_COLORS)], markersize=4, linewidth=1,
                alpha=0.85, label=label)
    ax.plot(paths[0].xs[:1], paths[0].hs[:1], "s", color="black", markersize=8, label=f"start x₀ = {paths[0].xs[0]:g}")
    newton = any(p.method == "newton" for p in paths)
    ax.set(xlabel=str(paths[0].symbol), ylabel="h",
           title="gradient descent  x ← x − η·h′(x)" + ("  and Newton's method" if newton else ""))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def _draw_curve(ax, path, lo, hi):
    """The curve h(x) on [lo, hi], with the view fitted to its finite values (a diverging path is clipped)."""
    from symnet.numeric.codegen import expression_function
    from symnet.render.printing import pretty

    h = expression_function(path.function, [path.symbol])
    grid = np.linspace(lo, hi, 500)
    with np.errstate(all="ignore"):
        curve = np.broadcast_to(np.asarray(h(grid), dtype=float), grid.shape)
    ax.plot(grid, curve, color="black", linewidth=1.5, label=f"h({pretty(path.symbol)}) = {pretty(path.function)}")
    finite = curve[np.isfinite(curve)]
    if finite.size:
        span = max(finite.max() - finite.min(), 1e-9)
        ax.set_ylim(finite.min() - 0.08 * span, finite.max() + 0.08 * span)
    ax.set_xlim(lo, hi)


def _descent_window(paths):
    """x-range: the settled paths and every start, then a diverging path's first steps while they stay
    within twice that span (a fast blow-up would otherwise flatten the picture), and every local minimum
    of h within four spans (so a path that settles in one valley still shows the other), plus a margin."""
    base = [v for p in paths for v in (p.xs if not p.diverged else p.xs[:1]) if math.isfinite(v)]
    lo, hi = min(base), max(base)
    span = max(hi - lo, 1.0)
    near = [v for p in paths if p.diverged for v in p.xs[:4] if math.isfinite(v) and lo - 2 * span <= v <= hi + 2 * span]
    near += _minima(paths[0], lo - 4 * span, hi + 4 * span)
    lo, hi = min([lo, *near]), max([hi, *near])
    pad = 0.15 * max(hi - lo, 1.0)
    return lo - pad, hi + pad


def _minima(path, lo: float, hi: float) -> list[float]:
    """Where h′ changes sign from − to + on a fine grid of [lo, hi]: h's local minima there."""
    from symnet.numeric.codegen import expression_function

    slope = expression_function(path.derivative, [path.symbol])
    grid = np.linspace(lo, hi, 2001)
    with np.errstate(all="ignore"):
        d = np.broadcast_to(np.asarray(slope(grid), dtype=float), grid.shape)
    turns = np.flatnonzero((d[:-1] < 0) & (d[1:] >= 0) & np.isfinite(d[:-1]) & np.isfinite(d[1:]))
    return [float(grid[i + 1]) for i in turns]


# ---- the seed network's diagram -----------------------------------------------------------------

# (x, y) of each node; neuron 3 reads the sum u = h1 + h2, drawn as a small "+" node
SEED_LAYOUT = {"x1": (0.0, 1.0), "x2": (0.0, 0.0), "1": (1.0, 1.0), "2": (1.0, 0.0), "+": (1.6, 1.0),
               "3": (2.4, 1.0), "4": (2.4, 0.0), "5": (3.5, 0.5), "ŷ": (4.3, 0.5)}
SEED_PARAMS = ("w1_1", "b1", "w2_1", "b2", "w3_1", "b3", "w4_1", "b4", "w5_1", "w5_2", "b5")
# (from, to, weight name or None for an unweighted edge)
SEED_EDGES = (("x1", "1", "w1_1"), ("x2", "2", "w2_1"), ("1", "+", None), ("2", "+", None), ("+", "3", "w3_1"),
              ("2", "4", "w4_1"), ("3", "5", "w5_1"), ("4", "5", "w5_2"), ("5", "ŷ", None))


def plot_seed_network(values, ax=None):
    """The article's network F = f(θ₅, f(θ₃, f(θ₁, x₁) + f(θ₂, x₂)), f(θ₄, f(θ₂, x₂))) with its weights.

    Edge width grows with |w|, colour shows the sign (red +, blue −); each neuron shows its bias.

    Args:
        values: a ``TrainResult`` of the seed network or a ``{name: value}`` mapping of its 11 parameters.
        ax: axes to draw on.

    Returns:
        The axes.

    >>> from symnet.learn.data import SEED_TEACHER
    >>> ax = plot_seed_network(SEED_TEACHER)
    >>> "w₅,₂ = -3.5" in [t.get_text() for t in ax.texts]
    True
    """
    values = _seed_values(values)
    ax = new_axes(ax, figsize=(9, 4.2))
    biggest = max(abs(float(values[n])) for n in SEED_PARAMS if n.startswith("w")) or 1.0
    for start, end, name in SEED_EDGES:
        _draw_edge(ax, start, end, None if name is None else float(values[name]), name, biggest)
    for node, (px, py) in SEED_LAYOUT.items():
        _draw_node(ax, node, px, py, values)
    ax.set_xlim(-0.5, 4.8)
    ax.set_ylim(-0.55, 1.55)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("F(Θ, x) = f(θ₅, f(θ₃, f(θ₁, x₁) + f(θ₂, x₂)), f(θ₄, f(θ₂, x₂)))", fontsize=11)
    ax.text(2.15, -0.45, "edge width ∝ |w|;  red: w > 0,  blue: w < 0;  b: the neuron's bias", ha="center",
            fontsize=8, color="dimgrey")
    return ax


def _seed_values(values) -> Mapping:
    """``{name: value}`` of the seed network's 11 parameters, from a TrainResult or a mapping."""
    values = values.values() if hasattr(values, "values") and not isinstance(values, Mapping) else values
    missing = [n for n in SEED_PARAMS if n not in values]
    if missing:
        raise ValueError(f"the seed network diagram needs values for {', '.join(SEED_PARAMS)}; "
                         f"missing {', '.join(missing)}")
    return values


def _draw_edge(ax, start, end, weight, name, biggest):
    (x0, y0), (x1, y1) = SEED_LAYOUT[start], SEED_LAYOUT[end]
    if weight is None:
        ax.plot([x0, x1], [y0, y1], color="grey", linewidth=1, zorder=1)
        return
    width = 0.8 + 5.0 * abs(weight) / biggest
    ax.plot([x0, x1], [y0, y1], color="#d6604d" if weight >= 0 else "#4393c3", linewidth=width, zorder=1,
            solid_capstyle="round")
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    ax.text(mx, my + 0.13, f"{name.replace('_', ',').translate(SUBSCRIPT)} = {weight:.3g}", ha="center",
            va="center", fontsize=8,
            bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85), zorder=3)


def _draw_node(ax, node, px, py, values):
    if node in ("x1", "x2", "ŷ"):
        ax.text(px, py, node.translate(SUBSCRIPT), ha="center", va="center", fontsize=12, zorder=4,
                bbox=dict(boxstyle="round,pad=0.3", facecolor="#f0f0f0", edgecolor="black"))
        return
    if node == "+":
        ax.text(px, py, "+", ha="center", va="center", fontsize=12, zorder=4,
                bbox=dict(boxstyle="circle,pad=0.15", facecolor="white", edgecolor="grey"))
        return
    from matplotlib.patches import Circle

    ax.add_patch(Circle((px, py), 0.21, facecolor="#fff7bc", edgecolor="black", zorder=4))
    ax.text(px, py, f"θ{node.translate(SUBSCRIPT)}\nb={float(values['b' + node]):.3g}", ha="center", va="center", fontsize=8.5, zorder=5)
