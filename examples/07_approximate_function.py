"""§2 of the article: sums of towers approximate any continuous function of two variables.

Cut [−2, 2]² into n×n cells, put one tower on each cell with height G(centre), add them up. The
error falls like 1/n as n doubles. (symnet uses the threshold 1.5 instead of the article's 1.1,
which would make the error grow with n: see symnet.towers.approximation.)

Run:  python examples/07_approximate_function.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write image files; open no windows

from symnet.io.files import write_text
from symnet.plot.towers import plot_approximation, plot_error_map, plot_error_study, save_figure
from symnet.towers.study import error_study

TARGET = "sin(x)*cos(y)"   # read by symnet's safe parser, never by eval


def main(out: Path) -> None:
    study = error_study(TARGET, (-2.0, 2.0, -2.0, 2.0), ns=(2, 4, 8, 16))
    print(study.table())
    fit = study.approximations[2]
    print("\n" + str(fit))
    print("ŷ =", " + ".join(f"{fit.model.values[c]:.3f}·T{c[1:]}" for c in fit.model.heights[:4]), "+ …")
    print("ŷ is a network of", len(fit.model.network.neurons), "neurons:",
          f"{2 * (fit.n + 1)} shared step neurons and {fit.towers} tower neurons")

    left, _ = plot_approximation(fit)
    print("wrote", save_figure(left.figure, out / "approximation.png"))
    print("wrote", save_figure(plot_error_map(fit).figure, out / "error_map.png"))
    print("wrote", save_figure(plot_error_study(study).figure, out / "error_vs_n.png"))
    print("wrote", write_text(out / "errors.csv", study.csv()))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="symnet_")))
