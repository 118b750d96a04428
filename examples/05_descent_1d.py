"""§3 of the article, the warm-up: minimise a function of one variable by x ← x − η·dh/dx.

The derivative dh/dx comes from symnet's rule table; the learning rate η decides the story: too
small crawls, a good one settles at the minimum, too large overshoots further at every step.

Run:  python examples/05_descent_1d.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write image files; open no windows

from sympy import Symbol

from symnet.learn.descent import descend_many, format_paths
from symnet.plot.training import plot_descent, save_figure
from symnet.render.printing import pretty


def main(out: Path) -> None:
    x = Symbol("x")
    h = x**4 / 4 - x**2 + x / 2      # two valleys: a big step can jump into the other one
    paths = descend_many(h, x0=2.0, learning_rates=[0.02, 0.2, 0.45], steps=15)
    print("h(x) =", pretty(h))
    print("dh/dx =", pretty(paths[0].derivative))
    print("update: x ← x − η·dh/dx\n")
    print(format_paths(paths))
    for path in paths:
        verdict = "diverged" if path.diverged else f"ends at x = {path.xs[-1]:.4f}, h = {path.hs[-1]:.4f}"
        print(f"η = {path.learning_rate:g}: {verdict}")
    print("wrote", save_figure(plot_descent(paths).figure, out / "descent_1d.png"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="symnet_")))
