"""§2 of the article: a "tower" built from five sigmoid neurons.

Four steep sigmoids σ(1000·(x − a)) are steps at the edges of a box; a fifth neuron
σ(30·(h₁ − h₂ + h₃ − h₄ − 1.1)) switches on only inside the box. symnet writes the tower as a
network f(θ5, f(θ1, x), f(θ2, x), f(θ3, y), f(θ4, y)), evaluates it without overflow, and draws
the article's two figures in 3-D.

Run:  python examples/06_tower.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write image files; open no windows

import numpy as np

from symnet.plot.towers import plot_nested_towers, plot_tower, save_figure
from symnet.render.printing import pretty
from symnet.towers.tower import nested_towers, tower


def main(out: Path) -> None:
    one = tower(-0.3, 0.7, -0.2, 0.8)                     # the article's first figure
    print("Tower(x, y) =", one.network)
    print(one.network.program)
    print("parameters:", ", ".join(f"{pretty(p)}={one.values[str(p)]:g}" for p in one.network.params))

    points = np.array([[0.2, 0.3], [-0.29, 0.3], [0.2, 0.79], [1.0, 0.3], [5.0, -5.0]])
    for (x, y), value in zip(points, one.evaluate(points)):
        where = "inside" if -0.3 < x < 0.7 and -0.2 < y < 0.8 else "outside"
        print(f"T({x:g}, {y:g}) = {value:.6f}   ({where} the box)")
    print("beside the box one bump is on, so T = σ(30·(1 − 1.1)) = σ(−3) ≈ 0.047: the article's threshold leaks")

    nested = nested_towers()                              # the article's second figure
    print("\nfour nested towers, sharpness", nested.sharpness, "; ŷ =", nested.network)
    print("ŷ(0, 0) =", float(nested.evaluate([[0.0, 0.0]])[0]))

    print("wrote", save_figure(plot_tower(one).figure, out / "tower.png"))
    print("wrote", save_figure(plot_nested_towers(nested).figure, out / "towers_nested.png"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="symnet_")))
