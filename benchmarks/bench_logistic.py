"""The logistic-regression Hessian (N = 1000 samples, d features) beside JAX and PyTorch (issue 20, item 5).

symnet writes logistic regression as a typed matrix loss, ``mean(softplus(X*w) - y.*(X*w))`` with
X: N × d, y: N, w: d (the mean binary cross-entropy of σ(Xw)), derives its Hessian as one d × d formula,
(1/N)·Xᵀ diag(σ(Xw) ⊙ (𝟙 − σ(Xw))) X (``symnet.hessian``), and compiles it to NumPy
(``compile_hessian``): ``weighted_gram(X, c)``, one BLAS syrk on √c ⊙ X for d ≥ 64 (half of ``X.T @ (c * X)``). The peers are written as their users write
them: ``jax.jit(jax.hessian(loss))`` of w with the stable ``jax.nn.log_sigmoid``, and
``torch.autograd.functional.hessian`` of w with ``binary_cross_entropy_with_logits``. Every peer runs on
one thread (NumPy's BLAS through threadpoolctl, ``torch.set_num_threads(1)``, XLA without its thread
pool). Every peer's Hessian is checked equal to symnet's (to 1e-9) before it is timed; times are medians
of rotated rounds, ratios medians of per-round ratios.

    python benchmarks/bench_logistic.py [--rounds 11] [--quick]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_backends import rounds_of  # noqa: E402

from symnet import loss as typed_loss  # noqa: E402
from symnet.numeric.hessian import compile_hessian  # noqa: E402

DIMENSIONS = (10, 100, 1000)
SAMPLES = 1000
LOGISTIC = "mean(softplus(X*w) - y.*(X*w))"


def jax_hessian(X, y, w):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    Xj, yj = jnp.asarray(X), jnp.asarray(y)

    def loss(w):
        z = Xj @ w
        return -jnp.mean(yj * jax.nn.log_sigmoid(z) + (1 - yj) * jax.nn.log_sigmoid(-z))

    hessian, wj = jax.jit(jax.hessian(loss)), jnp.asarray(w)
    return lambda: jax.block_until_ready(hessian(wj))


def torch_hessian(X, y, w):
    import torch

    torch.set_num_threads(1)
    Xt, yt, wt = torch.as_tensor(X), torch.as_tensor(y), torch.as_tensor(w)

    def loss(w):
        return torch.nn.functional.binary_cross_entropy_with_logits(Xt @ w, yt)

    return lambda: torch.autograd.functional.hessian(loss, wt)


def data(d, samples):
    rng = np.random.default_rng(0)
    w, X = 0.1 * rng.standard_normal(d), rng.normal(size=(samples, d))
    y = (X @ rng.normal(size=d) + 0.5 * rng.normal(size=samples) > 0).astype(float)
    return w, X, y


def row(d, rounds, samples):
    start = time.perf_counter()
    H = compile_hessian(typed_loss(LOGISTIC, shapes=f"X=N x {d}, y=N, w={d}"))
    build = time.perf_counter() - start
    w, X, y = data(d, samples)
    reference = H(w, X, y)
    calls = {"symnet": lambda: H(w, X, y), "JAX": jax_hessian(X, y, w)}
    if importlib.util.find_spec("torch") is not None:
        calls["PyTorch"] = torch_hessian(X, y, w)
    for who, call in calls.items():
        if not np.allclose(np.asarray(call()), reference, rtol=1e-9, atol=1e-12):
            raise SystemExit(f"{who}'s logistic-regression Hessian (d = {d}) differs from symnet's")
    times = rounds_of(calls, rounds)
    med = {k: statistics.median(v) * 1e6 for k, v in times.items()}
    ratio = {k: statistics.median(a / b for a, b in zip(times["symnet"], v)) for k, v in times.items()}
    return build, med, ratio


def table(rounds: int, quick: bool) -> str:
    from threadpoolctl import threadpool_limits

    samples = 100 if quick else SAMPLES
    lines = [f"| logistic regression, N = {samples} | symnet build s | symnet µs | JAX jit(hessian) µs | "
             f"PyTorch hessian µs | symnet/JAX × | symnet/PyTorch × |", "|---|---:|---:|---:|---:|---:|---:|"]
    with threadpool_limits(1):           # NumPy's BLAS on one thread, as torch.set_num_threads(1)
        for d in DIMENSIONS[:1] if quick else DIMENSIONS:
            build, med, ratio = row(d, rounds, samples)
            torch_us, torch_ratio = ((f"{med['PyTorch']:.1f}", f"{ratio['PyTorch']:.3f}") if "PyTorch" in med
                                     else ("—", "—"))
            lines.append(f"| d = {d} | {build:.2f} | {med['symnet']:.1f} | {med['JAX']:.1f} | {torch_us} | "
                         f"{ratio['JAX']:.3f} | {torch_ratio} |")
            print(lines[-1], flush=True)
    return "\n".join(lines + ["", f"symnet: the typed loss `{LOGISTIC}` and its compiled d × d Hessian "
                              "(1/N)·Xᵀ diag(σ(Xw) ⊙ (𝟙 − σ(Xw))) X; one thread for every peer."])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--quick", action="store_true", help="d = 10, N = 100 (CI)")
    args = parser.parse_args(argv)
    print(table(3 if args.quick else args.rounds, args.quick))


if __name__ == "__main__":
    main()
