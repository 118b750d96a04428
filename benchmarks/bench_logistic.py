"""The logistic-regression Hessian (N = 1000 samples, d features) beside JAX and PyTorch (issue 20, item 5).

symnet builds logistic regression here as the scalar network ``mlp([d, 1])`` with the binary cross-entropy
(σ(w·x + b), d + 1 parameters) and compiles its (d+1) × (d+1) mean Hessian (``compile_hessian``, NumPy).
The peers are written as their users write them: ``jax.jit(jax.hessian(loss))`` over the pytree (W, b)
and ``torch.autograd.functional.hessian`` over the tensors (W, b) on one thread, both with the stable
log-sigmoid / ``binary_cross_entropy_with_logits``. Every peer's Hessian is checked equal to symnet's
(to 1e-9) before it is timed; times are medians of rotated rounds, ratios medians of per-round ratios.

d = 1000 is not measured: the scalar program's Hessian has (d+1)² entries, each a step of the program,
and building it takes minutes (d = 100: about 4 s). It waits for logistic regression as a matrix
expression (another branch of this issue).

    python benchmarks/bench_logistic.py [--rounds 11] [--quick]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_backends import rounds_of  # noqa: E402

from symnet import mlp  # noqa: E402
from symnet.core.losses import binary_cross_entropy  # noqa: E402
from symnet.numeric.hessian import compile_hessian  # noqa: E402

DIMENSIONS = (10, 100)
SAMPLES = 1000


def blocks_matrix(h, d) -> np.ndarray:
    """A peer's nested Hessian ((∂²/∂W∂W, ∂²/∂W∂b), (∂²/∂b∂W, ∂²/∂b∂b)) as one matrix in symnet's order (w…, b)."""
    sizes = (d, 1)
    return np.vstack([np.hstack([np.asarray(h[i][j]).reshape(sizes[i], sizes[j]) for j in range(2)])
                      for i in range(2)])


def jax_hessian(X, y, theta, d):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    Xj, yj = jnp.asarray(X), jnp.asarray(y)

    def loss(params):
        W, b = params
        z = (Xj @ W.T + b)[:, 0]
        return -jnp.mean(yj * jax.nn.log_sigmoid(z) + (1 - yj) * jax.nn.log_sigmoid(-z))

    hessian = jax.jit(jax.hessian(loss))
    params = (jnp.asarray(theta[:d].reshape(1, d)), jnp.asarray(theta[d:]))
    return lambda: jax.block_until_ready(hessian(params))


def torch_hessian(X, y, theta, d):
    import torch

    torch.set_num_threads(1)
    Xt, yt = torch.as_tensor(X), torch.as_tensor(y)

    def loss(W, b):
        return torch.nn.functional.binary_cross_entropy_with_logits((Xt @ W.T + b)[:, 0], yt)

    params = (torch.tensor(theta[:d].reshape(1, d)), torch.tensor(theta[d:]))
    return lambda: torch.autograd.functional.hessian(loss, params)


def row(d, rounds, samples):
    start = time.perf_counter()
    H = compile_hessian(binary_cross_entropy(mlp([d, 1])))
    build = time.perf_counter() - start
    rng = np.random.default_rng(0)
    theta, X = 0.1 * rng.standard_normal(d + 1), rng.normal(size=(samples, d))
    y = (X @ rng.normal(size=d) + 0.5 * rng.normal(size=samples) > 0).astype(float)
    reference = H(theta, X, y)
    calls = {"symnet": lambda: H(theta, X, y), "JAX": jax_hessian(X, y, theta, d)}
    if importlib.util.find_spec("torch") is not None:
        calls["PyTorch"] = torch_hessian(X, y, theta, d)
    for who, call in calls.items():
        if not np.allclose(blocks_matrix(call(), d) if who != "symnet" else call(), reference, rtol=1e-9, atol=1e-12):
            raise SystemExit(f"{who}'s logistic-regression Hessian (d = {d}) differs from symnet's")
    times = rounds_of(calls, rounds)
    med = {k: statistics.median(v) * 1e6 for k, v in times.items()}
    ratio = {k: statistics.median(a / b for a, b in zip(times["symnet"], v)) for k, v in times.items()}
    return build, med, ratio


def table(rounds: int, quick: bool) -> str:
    samples = 100 if quick else SAMPLES
    lines = [f"| logistic regression, N = {samples} | symnet build s | symnet µs | JAX jit(hessian) µs | "
             f"PyTorch hessian µs | symnet/JAX × | symnet/PyTorch × |", "|---|---:|---:|---:|---:|---:|---:|"]
    for d in DIMENSIONS[:1] if quick else DIMENSIONS:
        build, med, ratio = row(d, rounds, samples)
        torch_us, torch_ratio = ((f"{med['PyTorch']:.1f}", f"{ratio['PyTorch']:.3f}") if "PyTorch" in med
                                 else ("—", "—"))
        lines.append(f"| d = {d} | {build:.2f} | {med['symnet']:.1f} | {med['JAX']:.1f} | {torch_us} | "
                     f"{ratio['JAX']:.3f} | {torch_ratio} |")
        print(lines[-1], flush=True)
    return "\n".join(lines + ["", "d = 1000 is not measured: symnet's Hessian of the scalar program has 1001² "
                              "entries and takes minutes to build; it waits for logistic regression as a matrix "
                              "expression."])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--quick", action="store_true", help="d = 10, N = 100 (CI)")
    args = parser.parse_args(argv)
    print(table(3 if args.quick else args.rounds, args.quick))


if __name__ == "__main__":
    main()
