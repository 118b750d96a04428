"""The article's §2 figures: a tower, four nested towers, G beside its tower approximation, the error.

G and its approximation are heat maps on one diverging scale (the sign of a tower's height shows); the
tower surfaces are drawn on 3-D axes made with ``fig.add_subplot(projection="3d")`` (the article's
``Axes3D(fig)`` draws a blank figure in current matplotlib). Every function takes an optional
``ax`` (or ``axes``) and returns what it drew on; ``save_figure`` writes a file atomically.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, LogLocator, MaxNLocator, NullLocator

from symnet.plot.training import save_figure
from symnet.towers.approximation import Approximation
from symnet.towers.study import ErrorStudy
from symnet.towers.tower import Tower, nested_towers, tower

__all__ = ["article_grid", "tower_values", "dense_error", "plot_tower", "plot_nested_towers", "plot_surface", "plot_approximation", "plot_error_map",
           "plot_error_study", "save_figure"]

ARTICLE_RANGE = (-5.0, 5.0, 0.1)     # the article's np.arange(-5, 5, 0.1) on both axes
CMAP = "viridis"
DIVERGING = "RdBu_r"      # signed values: blue below 0, white at 0, red above


def _axes3d(ax=None, figsize=(6.4, 5.2)):
    if ax is not None:
        if getattr(ax, "name", "") != "3d":
            raise ValueError("expected 3-D axes, e.g. fig.add_subplot(projection='3d'); got 2-D axes")
        return ax
    return Figure(figsize=figsize, layout="constrained").add_subplot(projection="3d")


def plot_surface(X, Y, Z, ax=None, title: str | None = None, zlabel: str = "z", edges: bool = False):
    """A surface Z(X, Y) in the article's style (viridis), on 3-D axes.

    Args:
        X, Y, Z: 2-D arrays of the same shape (as from ``np.meshgrid``).
        ax: 3-D axes to draw on; default a new figure.
        title: the axes title.
        zlabel: the z-axis label.
        edges: outline every quad (for a few large quads, such as flat tower tops and their walls).

    Returns:
        The axes.

    >>> X, Y = np.meshgrid(np.arange(3.0), np.arange(3.0))
    >>> plot_surface(X, Y, X + Y).name
    '3d'
    """
    ax = _axes3d(ax)
    lines = {"linewidth": 0.3, "edgecolor": "#2b2b2b", "antialiased": True} if edges else {"linewidth": 0,
                                                                                            "antialiased": False}
    ax.plot_surface(X, Y, Z, rstride=1, cstride=1, cmap=CMAP, **lines)
    ax.xaxis.set_major_locator(MaxNLocator(5))   # fewer ticks: labels of a 3-D axis overlap
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel(zlabel)
    if title:
        ax.set_title(title)
    return ax


def article_grid(extent=ARTICLE_RANGE) -> tuple[np.ndarray, np.ndarray]:
    """The article's grid: ``np.meshgrid(np.arange(start, stop, step))`` on both axes (100 × 100)."""
    start, stop, step = extent
    axis = np.arange(start, stop, step)
    return tuple(np.meshgrid(axis, axis))


def tower_values(model: Tower, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The network's output on a grid, shaped like X."""
    return model.evaluate(np.column_stack([X.ravel(), Y.ravel()])).reshape(X.shape)


def plot_tower(model: Tower | None = None, ax=None, extent=ARTICLE_RANGE):
    """The article's first figure: one tower over [−5, 5)² with step 0.1 (default bounds −0.3, 0.7, −0.2, 0.8).

    Args:
        model: a ``Tower`` (default ``tower()``, the article's).
        ax: 3-D axes; default a new figure.
        extent: (start, stop, step) of the grid on both axes.

    Returns:
        The axes.

    >>> ax = plot_tower()
    >>> float(ax.collections[0].get_array().max()) > 0.99
    True
    """
    model = model or tower()
    X, Y = article_grid(extent)
    (x0, x1), (y0, y1) = model.boxes[0]
    title = (f"tower [{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]: steepness {model.steepness:g}, "
             f"sharpness {model.sharpness:g}, threshold {model.threshold:g}")
    return plot_surface(X, Y, tower_values(model, X, Y), ax, title, "T(x, y)")


def tower_png(model: Tower, dpi: int = 72) -> bytes:
    """``plot_tower(model)`` as PNG bytes (Jupyter's ``_repr_png_`` of a ``Tower``)."""
    from io import BytesIO

    buffer = BytesIO()
    plot_tower(model).figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def plot_nested_towers(model: Tower | None = None, ax=None, extent=ARTICLE_RANGE):
    """The article's second figure: four nested towers (±0.5, ±1, ±2, ±4) with sharpness 4, summed.

    >>> ax = plot_nested_towers()
    >>> round(float(ax.collections[0].get_array().max()), 2)
    3.89
    """
    model = model or nested_towers()
    X, Y = article_grid(extent)
    title = f"sum of {len(model.boxes)} nested towers, sharpness {model.sharpness:g}"
    return plot_surface(X, Y, tower_values(model, X, Y), ax, title, "ŷ(x, y)")


def _plot_grid(approximation: Approximation, samples: int):
    """A grid of sub-cell centres whose count is a multiple of n (no point on a tower edge)."""
    n = approximation.n
    return approximation.grid(math.ceil(samples / n) * n)


def plot_approximation(approximation: Approximation, axes=None, samples: int = 96):
    """G beside its tower approximation ŷ as two heat maps on one diverging colour scale; in 1-D, g and ŷ as lines.

    The scale is symmetric about 0 (white), red above and blue below, with one colour bar for both maps,
    so a negative tower is as visible as a positive one (3-D blocks standing on a floor hid the sign).
    ŷ's map has the n×n cells outlined, one tower each.

    Args:
        approximation: from ``approximate`` or ``approximate_1d``.
        axes: a pair of 2-D axes (one axes in 1-D); default a new figure.
        samples: grid points per axis (rounded up to a multiple of n).

    Returns:
        The pair of axes (one axes in 1-D).

    >>> from symnet.towers.approximation import approximate
    >>> left, right = plot_approximation(approximate("x*y", n=4))
    >>> left.images[0].norm.vmin == -left.images[0].norm.vmax
    True
    """
    if len(approximation.domain) == 2:
        return _plot_1d(approximation, axes, samples)
    fig = Figure(figsize=(10, 4.4), layout="constrained") if axes is None else None
    axes = axes or tuple(fig.subplots(1, 2))
    _, _, G, yhat = _plot_grid(approximation, samples)
    names = [str(s) for s in approximation.model.network.inputs]
    top = float(max(np.abs(G).max(), np.abs(yhat).max())) or 1.0     # a zero G still gets a scale
    x0, x1, y0, y1 = approximation.domain
    shown = {"origin": "lower", "extent": (x0, x1, y0, y1), "cmap": DIVERGING, "vmin": -top, "vmax": top,
             "aspect": "equal", "interpolation": "nearest"}
    image = axes[0].imshow(G, **shown)
    axes[1].imshow(yhat, **shown)
    for k in range(1, approximation.n):          # the cells, one tower each
        axes[1].axvline(x0 + k * (x1 - x0) / approximation.n, color="#4b5563", linewidth=0.4)
        axes[1].axhline(y0 + k * (y1 - y0) / approximation.n, color="#4b5563", linewidth=0.4)
    axes[0].set_title(f"G({', '.join(names)}) = {approximation.target}", fontsize=10)
    axes[1].set_title(f"ŷ: {approximation.towers} towers (n = {approximation.n})", fontsize=10)
    for ax in axes:
        ax.set(xlabel=names[0], ylabel=names[1])
    axes[0].figure.colorbar(image, ax=list(axes), label="G, ŷ  (0 = white)", shrink=0.9)
    return axes[0], axes[1]


def _plot_1d(approximation, ax, samples):
    ax = ax if ax is not None else Figure(figsize=(6.4, 4.4), layout="constrained").add_subplot()
    x, g, yhat = _plot_grid(approximation, max(samples, 400))
    ax.plot(x, g, label=f"g({approximation.model.network.inputs[0]}) = {approximation.target}", color="#1f77b4")
    ax.plot(x, yhat, label=f"ŷ: {approximation.towers} bumps", color="#d62728")
    ax.set_xlabel(str(approximation.model.network.inputs[0]))
    ax.legend()
    return ax


def plot_error_map(approximation: Approximation, ax=None, samples: int = 200):
    """|G − ŷ| as a heat map over the domain (a line in 1-D), with the max and RMS error in the title.

    >>> from symnet.towers.approximation import approximate
    >>> ax = plot_error_map(approximate("x*y", n=4))
    >>> ax.images[0].get_array().shape
    (200, 200)
    """
    ax = ax if ax is not None else Figure(figsize=(6.0, 5.0), layout="constrained").add_subplot()
    *coords, G, yhat = _plot_grid(approximation, samples)
    error = np.abs(G - yhat)
    title = f"|G − ŷ|, n = {approximation.n}: max {error.max():.3g}, RMS {np.sqrt(np.mean(error ** 2)):.3g}"
    if len(coords) == 1:
        ax.plot(coords[0], error, color="#d62728")
        ax.set_xlabel(str(approximation.model.network.inputs[0]))
    else:
        x0, x1, y0, y1 = approximation.domain
        image = ax.imshow(error, origin="lower", extent=(x0, x1, y0, y1), cmap="magma", aspect="auto")
        ax.figure.colorbar(image, ax=ax, label="|G − ŷ|")
        ax.set_xlabel(str(approximation.model.network.inputs[0]))
        ax.set_ylabel(str(approximation.model.network.inputs[1]))
    ax.set_title(title, fontsize=10)
    return ax


def plot_error_study(study: ErrorStudy, ax=None):
    """Max and RMS error versus n on log-log axes, with a 1/n reference line.

    >>> from symnet.towers.study import error_study
    >>> ax = plot_error_study(error_study("sin(x)", (-2, 2), ns=(2, 4)))
    >>> [line.get_label() for line in ax.lines][:2]
    ['max error', 'RMS error']
    """
    ax = ax if ax is not None else Figure(figsize=(6.0, 4.6), layout="constrained").add_subplot()
    ns = np.array([row.n for row in study.rows], dtype=float)
    maxima = np.array([row.max_error for row in study.rows])
    rms = np.array([row.rms_error for row in study.rows])
    exact = not (maxima > 0).any()   # G is a sum of towers (e.g. constant): every error 0, nothing for a log axis
    draw = ax.semilogx if exact else ax.loglog
    draw(ns, maxima, "o-", label="max error", color="#d62728")
    draw(ns, rms, "s-", label="RMS error", color="#1f77b4")
    draw(ns, maxima[0] * ns[0] / ns, "--", label="∝ 1/n", color="#8a8f98")
    ax.set_xticks(ns, [f"{n:g}" for n in ns])
    ax.xaxis.set_minor_locator(NullLocator())
    if not exact:
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("n (cells per axis)")
    ax.set_ylabel("error on the dense grid")
    ax.set_title(f"error versus n: {study.target}", fontsize=10)
    ax.legend()
    return ax


def dense_error(approximation: Approximation, samples: int = 200) -> np.ndarray:
    """|G − ŷ| on the plotting grid (what ``plot_error_map`` shows)."""
    *_, G, yhat = _plot_grid(approximation, samples)
    return np.abs(G - yhat)

