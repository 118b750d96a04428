"""One attention head's gradient: symnet's compiled program beside PyTorch (one thread) and ``jax.jit``.

The model of ``symnet.core.attention_model.attention``: Q = X W_Q, K = X W_K, V = X W_V,
A = softmax(QKᵀ/√d_k) by rows, O = A V, z = W_o (Oᵀ r) + b_o, mean softmax cross-entropy, float64, on
N sequences of T tokens × d features. Each peer is written as its users write it (PyTorch: tensors with
``requires_grad``, ``torch.softmax`` and ``F.cross_entropy``, ``loss.backward()``; JAX: ``jax.jit(jax.value_and_grad)``)
and checked equal to symnet before timing. Reported: build + compile seconds, ms per gradient through
the public call ``fn(theta, X, y)`` (NumPy, and symnet's JAX lowering), the medians of the per-round ratios
(calls alternate round by round), and the peak memory one NumPy gradient allocates (``tracemalloc``: NumPy
sees it; PyTorch's and JAX's native buffers it does not).
Run from the repository root:

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_attention.py [--repeat 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from bench_backends import rounds_of  # noqa: E402

import symnet  # noqa: E402
from symnet.core.attention_model import attention  # noqa: E402

SHAPES = ((256, 16, 32, 32, 4), (128, 32, 64, 64, 10))     # N, T, d, d_k, classes


def torch_peer(params, X, y, T):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    WQ, WK, WV, Wo, bo = (torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params)
    Xt, yt = torch.tensor(X), torch.tensor(y, dtype=torch.long)

    def step():
        for p in (WQ, WK, WV, Wo, bo):
            p.grad = None
        Q, K, V = Xt @ WQ, Xt @ WK, Xt @ WV
        A = torch.softmax(Q @ K.transpose(-1, -2) / Q.shape[-1] ** 0.5, dim=-1)
        z = (A @ V)[:, 0] @ Wo.T + bo
        loss = F.cross_entropy(z, yt)
        loss.backward()
        return loss.item(), np.concatenate([p.grad.numpy().ravel() for p in (WQ, WK, WV, Wo, bo)])
    return step


def jax_peer(params, X, y):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def loss(p, X, y):
        WQ, WK, WV, Wo, bo = p
        Q, K, V = X @ WQ, X @ WK, X @ WV
        A = jax.nn.softmax(Q @ jnp.swapaxes(K, -1, -2) / jnp.sqrt(Q.shape[-1]), axis=-1)
        z = (A @ V)[:, 0] @ Wo.T + bo
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(z), y[:, None], axis=1))

    fn = jax.jit(jax.value_and_grad(loss))
    p, Xj, yj = [jnp.asarray(a) for a in params], jnp.asarray(X), jnp.asarray(y)

    def step():
        value, grads = fn(p, Xj, yj)
        return float(value), np.concatenate([np.asarray(g).ravel() for g in grads])
    return step


def measure(N, T, d, d_k, k, rounds):
    start = time.perf_counter()
    net = attention(T, d, d_k, classes=k)
    fn = symnet.value_and_grad(net)
    build = time.perf_counter() - start
    rng = np.random.default_rng(0)
    theta = rng.normal(scale=0.3, size=net.n_params)
    X, y = rng.normal(size=(N, T, d)), rng.integers(0, k, size=N)
    params = fn.unflatten(theta)
    value, grad = fn(theta, X, y)
    tracemalloc.start()
    fn(theta, X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    jfn = symnet.value_and_grad(net, backend="jax")
    peers = {"symnet": lambda: fn(theta, X, y), "symnet jax": lambda: jfn(theta, X, y),
             "torch": torch_peer(params, X, y, T), "jax": jax_peer(params, X, y)}
    for name in ("symnet jax", "torch", "jax"):
        v, g = peers[name]()
        assert abs(v - value) < 1e-10 and np.allclose(g, grad, atol=1e-10), f"{name} disagrees with symnet"
    times = rounds_of(peers, rounds)
    ratio = {p: statistics.median(a / b for a, b in zip(times["symnet"], times[p])) for p in ("torch", "jax")}
    ms = {p: 1e3 * statistics.median(t) for p, t in times.items()}
    return build, ms, ratio, peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="rounds of alternating calls")
    args = parser.parse_args(argv)
    print("| N × T × d, d_k, k | build + compile s | symnet ms | symnet jax ms | torch ms | jax.jit ms | "
          "symnet/torch | symnet/jax.jit | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for shape in SHAPES:
        build, ms, ratio, peak = measure(*shape, args.repeat)
        N, T, d, d_k, k = shape
        print(f"| {N} × {T} × {d}, {d_k}, {k} | {build:.2f} | {ms['symnet']:.2f} | {ms['symnet jax']:.2f} | "
              f"{ms['torch']:.2f} | {ms['jax']:.2f} | {ratio['torch']:.2f} | {ratio['jax']:.2f} | {peak / 2**20:.1f} |")


if __name__ == "__main__":
    main()
