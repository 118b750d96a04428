"""784-128-10 on the MNIST sample (``--data mnist``): symnet's ``train`` beside an ordinary PyTorch loop (issue 23).

Both train the same network (ReLU, softmax cross-entropy, float64) from the same θ₀ on the same 4,000
images with the same optimiser: symnet's layer defaults (Adam η 0.01 decaying linearly to 0, batch 32,
L2 weight decay 10⁻³ on the weights; ``LAYER_DEFAULTS``), PyTorch with ``nn.Linear`` layers, ``Adam`` with
the weight decay on the weights only, ``LambdaLR`` and ``zero_grad(); backward(); step()`` on one thread.
PyTorch's first loss and gradient are checked against symnet's first. Reported: training seconds (the
loop; symnet's compile apart) and accuracy on the 1,000 test images. Needs the [mnist] extra and PyTorch.

    python benchmarks/bench_mnist.py [--epochs 40]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_loops import _optimiser, check_peer, torch_model_for  # noqa: E402
from bench_training import torch_loop  # noqa: E402

from symnet import layers  # noqa: E402
from symnet.learn.training import LAYER_DEFAULTS, train  # noqa: E402

SPEC = "784-128-10"


def theta0(net, seed=0):
    """He-normal weights and zero biases in symnet's layout (each layer's W row by row, then b)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([np.append(rng.normal(scale=(2 / n_in) ** 0.5, size=n_out * n_in), np.zeros(n_out))
                           for n_in, n_out in zip(net.sizes, net.sizes[1:])])


def table(epochs: int) -> str:
    import torch

    from symnet.learn.mnist import mnist

    torch.set_num_threads(1)
    split, net = mnist(), layers(SPEC)
    theta, settings = theta0(net), {**LAYER_DEFAULTS, "epochs": epochs}
    X, y = split.train.X, split.train.y.astype(int)
    check_peer(net, SPEC, X[:256], y[:256], theta)
    start = time.perf_counter()
    result = train(net, split.train, theta0=theta, progress=False, **settings)
    ours_total = time.perf_counter() - start
    model, loss_fn = torch_model_for(net, SPEC, theta)
    make_optimizer, schedule = _optimiser(settings)
    theirs = torch_loop(model, X, y, epochs, settings["batch_size"], make_optimizer, loss_fn, schedule)
    with torch.no_grad():
        predicted = model(torch.as_tensor(split.test.X)).argmax(dim=1).numpy()
    torch_accuracy = float(np.mean(predicted == split.test.y))
    lines = [f"| 784-128-10 on mnist ({len(y)} train, {len(split.test.y)} test; {epochs} epochs) | train s | "
             f"test accuracy % | symnet/PyTorch throughput × |", "|---|---:|---:|---:|",
             f"| symnet `train` (layer defaults; {ours_total:.1f} s with compiling) | {result.history.seconds:.2f} | "
             f"{100 * result.accuracy(split.test):.1f} | {theirs / result.history.seconds:.2f} |",
             f"| PyTorch loop (nn.Linear, Adam, one thread) | {theirs:.2f} | {100 * torch_accuracy:.1f} | — |"]
    print("\n".join(lines), flush=True)
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=LAYER_DEFAULTS["epochs"])
    args = parser.parse_args(argv)
    table(args.epochs)


if __name__ == "__main__":
    main()
