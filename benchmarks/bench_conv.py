"""The digits CNN's gradient at batch 256: symnet (NumPy, JAX) beside PyTorch (one thread) and jax.jit, one run.

Network ``conv:8x8:c3x3x8:relu:pool2:d10:softmax`` (conv 3×3, 8 filters → relu → 2×2 max pool → dense 10 →
softmax cross-entropy), float64, batch 256 of the digits training set. Each peer is written as its users
write it and checked equal to symnet's gradient before timing:

  symnet      ``symnet.value_and_grad(net)(theta, X, y)`` (the public call: checks, then the generated NumPy)
  symnet-jax  ``symnet.value_and_grad(net, backend="jax")``
  torch       ``nn.Conv2d`` → ``F.relu`` → ``F.max_pool2d`` → ``nn.Linear``, ``F.cross_entropy``, ``loss.backward()``
              (``torch.set_num_threads(1)``)
  jax-hand    ``jax.jit(jax.value_and_grad(loss))`` with ``lax.conv_general_dilated``

Every peer runs on one thread (BLAS through threadpoolctl, torch by ``set_num_threads``). Rounds alternate the peers (load on the shared machine hits all alike); it prints the median time of each,
the median per-round ratio to torch, symnet's build + compile time and the peak memory (tracemalloc) of one
symnet call. Targets (issue 19): symnet ≤ 1.5× torch, build + compile ≤ 1 s.

    python benchmarks/bench_conv.py [--rounds 31] [--batch 256]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

import symnet
from symnet.core.convnet import convnet
from symnet.learn.digits import digits

SPEC = "conv:8x8:c3x3x8:relu:pool2:d10:softmax"


def torch_peer(theta, shapes):
    """The PyTorch model as its users write it, with symnet's θ copied in; returns ``step(X, y) -> (loss, grad)``."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.set_num_threads(1)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.fc = nn.Conv2d(1, 8, 3), nn.Linear(72, 10)

        def forward(self, x):
            return self.fc(torch.flatten(F.max_pool2d(F.relu(self.conv(x)), 2), 1))

    model = Net().double()
    parts = np.split(theta, np.cumsum([int(np.prod(s)) for s in shapes])[:-1])
    with torch.no_grad():
        for p, value in zip((model.conv.weight, model.conv.bias, model.fc.weight, model.fc.bias), parts):
            p.copy_(torch.from_numpy(value.reshape(p.shape)))
    params = list(model.parameters())

    def step(X, y):
        model.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        return loss.item(), torch.cat([p.grad.reshape(-1) for p in params]).numpy()

    return step


def jax_peer():
    """``jax.jit(jax.value_and_grad(loss))`` written by hand, float64, θ in symnet's order."""
    import jax
    import jax.numpy as jnp

    from symnet.numeric.jaxgen import float64      # float64 in a scope: the process's JAX default stays

    def loss(theta, X, Y):
        K, b, W, c = theta[:72].reshape(8, 1, 3, 3), theta[72:80], theta[80:800].reshape(10, 72), theta[800:]
        z = jax.lax.conv_general_dilated(X, K, (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW"))
        a = jax.nn.relu(z + b[None, :, None, None])
        p = a.reshape(a.shape[0], 8, 3, 2, 3, 2).max(axis=(3, 5)).reshape(a.shape[0], 72)
        logits = p @ W.T + c
        return jnp.mean(jax.nn.logsumexp(logits, axis=1) - jnp.sum(Y * logits, axis=1))

    jitted = jax.jit(jax.value_and_grad(loss))

    def call(theta, X, Y):
        with float64(jax):
            return jitted(theta, X, Y)

    return call


def alternate(peers: dict, rounds: int) -> dict:
    """Each peer's time per round, the peers called in turn (load on the shared machine hits all alike)."""
    times = {name: [] for name in peers}
    for _ in range(rounds):
        for name, call in peers.items():
            t = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - t)
    return times


def main(rounds: int = 31, batch: int = 256) -> None:
    import torch

    data = digits().train
    X, y = data.X[:batch], data.y[:batch]
    start = time.perf_counter()
    symnet.value_and_grad(convnet(SPEC))          # cold: the first compile in the process imports its modules
    cold = time.perf_counter() - start
    start = time.perf_counter()
    fn = symnet.value_and_grad(convnet(SPEC))
    build = time.perf_counter() - start
    fn_jax = symnet.value_and_grad(convnet(SPEC), backend="jax")
    theta = np.random.default_rng(0).normal(scale=0.3, size=fn.network.n_params)
    value, grad = fn(theta, X, y)

    step = torch_peer(theta, fn.shapes)
    Xt, yt = torch.from_numpy(X.reshape(-1, 1, 8, 8).copy()), torch.from_numpy(y.astype(np.int64))
    jitted, Y = jax_peer(), np.eye(10)[y.astype(int)]
    X4 = X.reshape(-1, 1, 8, 8)
    peers = {"symnet": lambda: fn(theta, X, y), "symnet-jax": lambda: fn_jax(theta, X, y),
             "torch": lambda: step(Xt, yt), "jax-hand": lambda: jitted(theta, X4, Y)}
    for name, call in peers.items():       # checked equal first (and warmed up: JAX compiles here)
        v, g = call()
        assert np.isclose(float(v), value, rtol=1e-10) and np.allclose(np.asarray(g), grad, rtol=1e-8, atol=1e-12), name
    times = alternate(peers, rounds)
    tracemalloc.start()
    fn(theta, X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{SPEC}, batch {batch}, float64, {rounds} rounds; build + compile {build:.3f} s "
          f"({cold:.3f} s the first time in a process, lazy imports included); "
          f"peak memory of one symnet call {peak / 2**20:.2f} MiB")
    for name, ts in times.items():
        ratio = statistics.median(a / b for a, b in zip(ts, times["torch"]))
        print(f"  {name:11s} {statistics.median(ts) * 1e3:8.3f} ms   {ratio:5.2f}× torch")


if __name__ == "__main__":
    from threadpoolctl import threadpool_limits

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()
    with threadpool_limits(1):      # every peer on one thread, as torch.set_num_threads(1)
        main(args.rounds, args.batch)
