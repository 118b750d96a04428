"""Draw the documentation's figures with symnet's own plotting functions.

Run ``python docs/gen_figures.py [OUT_DIR]`` (default ``docs/figures``), or let ``mkdocs build``
do it through ``docs/hooks.py``. Every figure is made by symnet code, so the pictures in the
docs always show what the library really draws.
"""

from __future__ import annotations

import sys
from pathlib import Path

FIGURES: dict = {}  # file name -> function(path) that writes it
DPI = 110


def figure(name):
    """Register a function that writes ``name``."""
    def register(fn):
        FIGURES[name] = fn
        return fn
    return register


def _save(ax, path):
    from symnet.plot.training import save_figure

    save_figure(ax.figure, path, dpi=DPI)
    ax.figure.clf()


# ---- §1 the network ------------------------------------------------------------------------------
@figure("network.png")
def network_en(path):
    from symnet import seed_network
    from symnet.plot.graph import save_graph

    save_graph(seed_network(), path, lang="en", dpi=DPI)


@figure("network-zh.png")
def network_zh(path):
    from symnet import seed_network
    from symnet.plot.graph import save_graph

    save_graph(seed_network(), path, lang="zh", dpi=DPI)


# ---- §2 towers -------------------------------------------------------------------------------------
@figure("tower.png")
def one_tower(path):
    from symnet.plot.towers import plot_tower

    _save(plot_tower(), path)


@figure("nested-towers.png")
def nested(path):
    from symnet.plot.towers import plot_nested_towers

    _save(plot_nested_towers(), path)


@figure("approximation.png")
def approximation(path):
    from symnet.plot.towers import plot_approximation
    from symnet.towers.approximation import approximate

    left, _ = plot_approximation(approximate("sin(x)*cos(y)", n=8))   # two heat maps on one signed scale
    _save(left, path)


@figure("error-study.png")
def error_vs_n(path):
    from symnet.plot.towers import plot_error_study
    from symnet.towers.study import error_study

    _save(plot_error_study(error_study("sin(x)*cos(y)", ns=(2, 4, 8, 16))), path)


# ---- §3 gradient descent, backprop paths, training -------------------------------------------------
@figure("descent.png")
def descent(path):
    from sympy import Symbol

    from symnet.learn.descent import descend_many
    from symnet.plot.training import plot_descent

    x = Symbol("x")
    _save(plot_descent(descend_many(x**2 - 2 * x, 3.0, [0.1, 0.5, 1.1], steps=10)), path)


@figure("paths-w2_1.png")
def paths_en(path):
    from symnet import seed_network, squared_error
    from symnet.plot.graph import save_graph

    save_graph(squared_error(seed_network()), path, wrt="w2_1", lang="en", dpi=DPI)


@figure("paths-w2_1-zh.png")
def paths_zh(path):
    from symnet import seed_network, squared_error
    from symnet.plot.graph import save_graph

    save_graph(squared_error(seed_network()), path, wrt="w2_1", lang="zh", dpi=DPI)


@figure("training-loss.png")
def training_loss(path):
    from symnet import seed_network
    from symnet.learn.data import make
    from symnet.learn.training import train
    from symnet.plot.training import plot_loss

    result = train(seed_network(), make("seed", n=200), epochs=300, progress=False)
    _save(plot_loss(result.history), path)


@figure("xor-boundary.png")
def xor_boundary(path):
    from symnet import mlp
    from symnet.learn.data import make
    from symnet.learn.training import train
    from symnet.plot.training import plot_decision_boundary

    data = make("xor", n=200)
    net = mlp([2, 4, 1], activation="tanh", output_activation="sigmoid")
    result = train(net, data, loss="binary_cross_entropy", epochs=300, validation=0.25, progress=False)
    _save(plot_decision_boundary(result, data), path)


def missing(out: Path) -> tuple[str, ...]:
    """The figures not yet present in ``out``."""
    return tuple(name for name in FIGURES if not (Path(out) / name).exists())


def generate(out: Path, names=None) -> tuple[Path, ...]:
    """Write the figures (all, or ``names``) into ``out``; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or tuple(FIGURES):
        FIGURES[name](out / name)
        written.append(out / name)
    return tuple(written)


if __name__ == "__main__":
    root = Path(__file__).resolve().parent
    sys.path.insert(0, str(root.parent))
    for path in generate(Path(sys.argv[1]) if len(sys.argv) > 1 else root / "figures"):
        print(path)
