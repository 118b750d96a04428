"""Training throughput (samples per second) of symnet beside micrograd, HIPS autograd and PyTorch.

Every library runs the same full-batch gradient descent, θ ← θ − η·∂L/∂θ with the mean squared
error, on the same data and the same starting θ, for two networks: the article's seed network
(11 parameters) and a 2-8-8-1 sigmoid MLP (105 parameters). Before timing, each competitor's first
loss and gradient are checked against symnet's, so every row measures the same computation.
PyTorch runs on one thread (``torch.set_num_threads(1)``). A library that is not installed is
skipped with the reason printed. Ratios are symnet's throughput divided by the other's; each is the best of ``--repeat`` runs.

Run:  PYTHONPATH=. python benchmarks/bench_training.py [--samples 256] [--epochs 200]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))  # peers.py beside this script

import numpy as np  # noqa: E402

from symnet import mlp, seed_network  # noqa: E402
from symnet.learn.data import make  # noqa: E402
from symnet.learn.training import train  # noqa: E402
from symnet.numeric.codegen import value_and_grad  # noqa: E402

from peers import torch_flat_grad, torch_model, torch_value_and_grad  # noqa: E402

ETA = 0.5
MLP_SIZES = (2, 8, 8, 1)


# ---- the two networks written out for array libraries (xp: numpy-like module) -------------------

def sigmoid(xp, z):
    return 1.0 / (1.0 + xp.exp(-z))


def seed_forward(xp, theta, X):
    w11, b1, w21, b2, w31, b3, w41, b4, w51, w52, b5 = (theta[i] for i in range(11))
    h1, h2 = sigmoid(xp, w11 * X[:, 0] + b1), sigmoid(xp, w21 * X[:, 1] + b2)
    h3, h4 = sigmoid(xp, w31 * (h1 + h2) + b3), sigmoid(xp, w41 * h2 + b4)
    return sigmoid(xp, w51 * h3 + w52 * h4 + b5)


def mlp_forward(xp, theta, X, sizes=MLP_SIZES):
    # symnet numbers neurons layer by layer, each with its weights then its bias
    h, k = X, 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        block = theta[k:k + n_out * (n_in + 1)].reshape((n_out, n_in + 1))
        h = sigmoid(xp, h @ block[:, :n_in].T + block[:, n_in])
        k += n_out * (n_in + 1)
    return h[:, 0]


FORWARD = {"seed": seed_forward, "mlp 2-8-8-1": mlp_forward}


# ---- one trainer per library: (theta0, X, y, epochs) -> (seconds, first loss, first gradient) ----

def run_symnet(net, theta0, X, y, epochs):
    start = time.perf_counter()
    value_and_grad(net)  # compile once, as train() does; timed separately
    compile_seconds = time.perf_counter() - start
    result = train(net, (X, y), optimizer="sgd", learning_rate=ETA, epochs=epochs, theta0=theta0, progress=False)
    return result.history.seconds, compile_seconds


def run_autograd(name, theta0, X, y, epochs):
    import autograd.numpy as anp
    from autograd import value_and_grad as ag_value_and_grad

    forward = FORWARD[name]
    fn = ag_value_and_grad(lambda theta: anp.mean((y - forward(anp, theta, X)) ** 2))
    theta = theta0.copy()
    first = fn(theta)
    start = time.perf_counter()
    for _ in range(epochs):
        _, g = fn(theta)
        theta = theta - ETA * g
    return time.perf_counter() - start, first


def run_torch(name, theta0, X, y, epochs):
    """An ordinary PyTorch loop: ``nn.Linear`` layers, ``torch.optim.SGD``, zero_grad/backward/step."""
    import torch

    torch.set_num_threads(1)
    model = torch_model(theta0, None if name == "seed" else MLP_SIZES)
    first = first_step(model, X, y)
    return torch_loop(model, X, y, epochs, None, lambda m: torch.optim.SGD(m.parameters(), lr=ETA)), first


def run_micrograd(name, theta0, X, y, epochs):
    from micrograd.engine import Value

    def sig(v):  # micrograd has no sigmoid: one node with σ' = σ(1 − σ), in micrograd's own style
        s = 1.0 / (1.0 + math.exp(-v.data)) if v.data >= 0 else math.exp(v.data) / (1.0 + math.exp(v.data))
        out = Value(s, (v,), "sigmoid")

        def _backward():
            v.grad += s * (1.0 - s) * out.grad
        out._backward = _backward
        return out

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def loss_of(params):
        total = Value(0.0)
        for row, target in zip(X.tolist(), y.tolist()):
            total = total + (micro_forward(name, params, row, sig) - target) ** 2
        return total * (1.0 / len(y))

    params = [Value(float(t)) for t in theta0]
    loss = loss_of(params)
    loss.backward()
    first = (loss.data, np.array([p.grad for p in params]))
    start = time.perf_counter()
    for _ in range(epochs):
        for p in params:
            p.grad = 0.0
        loss = loss_of(params)
        loss.backward()
        for p in params:
            p.data -= ETA * p.grad
    return time.perf_counter() - start, first


def micro_forward(name, p, row, sig, sizes=MLP_SIZES):
    x1, x2 = row
    if name == "seed":
        h1, h2 = sig(p[0] * x1 + p[1]), sig(p[2] * x2 + p[3])
        h3, h4 = sig(p[4] * (h1 + h2) + p[5]), sig(p[6] * h2 + p[7])
        return sig(p[8] * h3 + p[9] * h4 + p[10])
    h, k = [x1, x2], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layer = []
        for _ in range(n_out):
            z = p[k + n_in]
            for j in range(n_in):
                z = z + p[k + j] * h[j]
            layer.append(sig(z))
            k += n_in + 1
        h = layer
    return h[0]


def first_step(model, X, y):
    """(loss, flat gradient) of the model's first step, in symnet's θ order, to check before timing."""
    loss = torch_value_and_grad(model, X, y)()
    return float(loss.detach()), torch_flat_grad(model)


def torch_loop(model, X, y, epochs, batch_size, optimizer, loss_fn=None, schedule=None):
    """Seconds of an ordinary one-thread PyTorch loop: shuffled mini-batches (or the full batch), then
    ``opt.zero_grad(); loss.backward(); opt.step()``; ``schedule(opt)``: a scheduler stepped once an epoch."""
    import torch

    torch.set_num_threads(1)
    loss_fn = loss_fn or (lambda out, target: torch.nn.functional.mse_loss(out[:, 0], target))
    Xt, yt, n = torch.as_tensor(X), torch.as_tensor(y), len(y)
    gen, size, opt = torch.Generator().manual_seed(0), batch_size or n, optimizer(model)
    scheduler = schedule(opt) if schedule else None
    start = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen) if size < n else None
        for i in range(0, n, size):
            xb, yb = (Xt, yt) if perm is None else (Xt[perm[i:i + size]], yt[perm[i:i + size]])
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        if scheduler is not None:
            scheduler.step()
    return time.perf_counter() - start


COMPETITORS = (("autograd", "autograd", run_autograd), ("torch", "torch", run_torch),
               ("micrograd", "micrograd", run_micrograd))


def check_same(name, who, first, reference):
    loss, grad = first
    ok = math.isclose(float(loss), reference[0], rel_tol=1e-9) and np.allclose(grad, reference[1], rtol=1e-7,
                                                                                atol=1e-12)
    if not ok:
        raise SystemExit(f"{who} on {name}: loss/gradient differ from symnet's ({loss} vs {reference[0]}): "
                         f"the benchmark would compare different computations")


def bench(name, net, X, y, epochs, micro_epochs, repeat):
    theta0 = 0.5 * np.random.default_rng(0).standard_normal(len(net.params))
    runs = [run_symnet(net, theta0, X, y, epochs) for _ in range(repeat)]
    seconds, compile_seconds = min(r[0] for r in runs), runs[0][1]
    reference = value_and_grad(net)(theta0, X, y)
    ours = len(y) * epochs / seconds
    print(f"\n{name} ({len(net.params)} parameters, {len(y)} samples, full batch)")
    print(f"  {'symnet':10s} {ours:14,.0f} samples/s   (compiling the gradient once: {compile_seconds * 1000:.0f} ms)")
    for label, module, runner in COMPETITORS:
        try:
            __import__(module)
        except ImportError as err:
            print(f"  {label:10s} skipped: not installed ({err}); pip install {module}")
            continue
        n = micro_epochs if label == "micrograd" else epochs
        runs = [runner(name, theta0, X, y, n) for _ in range(1 if label == "micrograd" else repeat)]
        seconds, first = min(r[0] for r in runs), runs[0][1]
        check_same(name, label, first, reference)
        theirs = len(y) * n / seconds
        print(f"  {label:10s} {theirs:14,.0f} samples/s   symnet / {label} = {ours / theirs:.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--micrograd-epochs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (noisy machines)")
    args = parser.parse_args(argv)
    data = make("moons", n=args.samples, seed=0)
    print(f"training throughput, numpy {np.__version__}, python {sys.version.split()[0]}")
    for name, net in (("seed", seed_network()), ("mlp 2-8-8-1", mlp(list(MLP_SIZES)))):
        bench(name, net, data.X, data.y, args.epochs, args.micrograd_epochs, args.repeat)


if __name__ == "__main__":
    main()
