"""§3 of the article, for real: θ ← θ − η·∂L/∂θ teaches a small MLP the XOR function.

XOR (label 1 where x1 and x2 have different signs) cannot be separated by one line, so a single
neuron fails; two layers of neurons learn it. The gradient is the symbolic backprop program,
compiled to NumPy once.

Run:  python examples/08_train_xor.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write image files; open no windows

import numpy as np

from symnet import mlp
from symnet.learn.data import make
from symnet.learn.training import train
from symnet.plot.training import plot_decision_boundary, plot_loss, save_figure

CORNERS = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])


def main(out: Path) -> None:
    data = make("xor", n=200, noise=0.15, seed=0)
    print(f"data: {len(data)} points, inputs {data.inputs}, labels {sorted(set(data.y.tolist()))}")

    single = train(mlp([2, 1]), data, epochs=300, progress=False)           # one neuron: a straight line
    net = mlp([2, 4, 1], activation="tanh", output_activation="sigmoid")   # 4 tanh neurons, then σ
    print("network:", net)
    result = train(net, data, optimizer="adam", learning_rate=0.05, epochs=400, progress=False)

    for name, fit in (("one neuron", single), ("2-4-1 MLP", result)):
        losses = fit.history.train_loss
        print(f"{name:>10}: loss {losses[0]:.4f} -> {losses[-1]:.4f}, accuracy {fit.accuracy(data):.0%}")
    print("\n x1  x2   y   ŷ")
    for (a, b), p in zip(CORNERS, result.predict(CORNERS)):
        print(f"{a:3g} {b:3g} {float(a != b):3g}  {p:.3f}")

    print("\nwrote", save_figure(plot_loss(result.history).figure, out / "xor_loss.png"))
    print("wrote", save_figure(plot_decision_boundary(result, data).figure, out / "xor_boundary.png"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="symnet_")))
